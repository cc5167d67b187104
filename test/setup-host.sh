#!/bin/bash
# Install what the test bed needs from Debian (bookworm + bookworm-backports).
# Idempotent: a second run only checks that everything is present.
set -euo pipefail

BACKPORTS_LIST=/etc/apt/sources.list.d/acc-mdev-backports.sources
PKGS=(
	build-essential bc bison flex libelf-dev libssl-dev dwarves cpio kmod
	rsync python3 xz-utils zstd
	mdevctl jq busybox-static
	sparse pciutils
	zlib1g-dev
	clang-14 libclang-rt-14-dev
)
# linux-headers-amd64: Debian's stock kernel headers, for the build check
# against a distribution kernel (it pulls in the matching linux-image).
BACKPORTS_PKGS=(linux-source-6.12 linux-libc-dev qemu-system-x86 qemu-utils
	linux-headers-amd64)
# libvirt 11.x (matches QEMU 10) for the libvirt case: libvirtd with its QEMU
# and node device drivers, virsh. Installed as PKG/bookworm-backports, not
# with -t: -t would also pull backports' systemd in for systemd-container.
LIBVIRT_PKGS=(libvirt-daemon-driver-qemu libvirt-daemon-driver-nodedev
	libvirt-clients)

need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "setup-host: must run as root (apt-get install)" >&2
		exit 1
	fi
}

missing=()
for p in "${PKGS[@]}" "${BACKPORTS_PKGS[@]}" "${LIBVIRT_PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep 'install ok installed' >/dev/null ||
		missing+=("$p")
done
# qemu must be the backports 10.x, not bookworm's 7.2
if command -v qemu-system-x86_64 >/dev/null; then
	qemu-system-x86_64 --version | grep 'version 10\.' >/dev/null || missing+=(qemu-system-x86)
fi
# the stock headers must be the backports 6.12, not bookworm's 6.1
case $(dpkg-query -W -f='${Version}' linux-headers-amd64 2>/dev/null) in
6.12.*) ;;
*) missing+=(linux-headers-amd64) ;;
esac
# libvirt must be the backports 11.x, not bookworm's 9.0
for p in "${LIBVIRT_PKGS[@]}"; do
	case $(dpkg-query -W -f='${Version}' "$p" 2>/dev/null) in
	11.*) ;;
	*) missing+=("$p") ;;
	esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

need_root
if [ ! -f "$BACKPORTS_LIST" ]; then
	cat >"$BACKPORTS_LIST" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${PKGS[@]}"
apt-get install -y -q --no-install-recommends -t bookworm-backports "${BACKPORTS_PKGS[@]}"
apt-get install -y -q --no-install-recommends "${LIBVIRT_PKGS[@]/%//bookworm-backports}"
