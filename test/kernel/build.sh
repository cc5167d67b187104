#!/bin/bash
# Build (or reuse) the acc_mdev test kernel: Debian's linux-source-6.12,
# x86_64 defconfig + acc-mdev-test.config, host gcc.
#
# The build is cached outside the repo, keyed by the source package version,
# the config fragment, the build recipe version below and the compiler, so a
# warm run does not rebuild. Prints the build directory on stdout (usable as
# KDIR); it holds arch/x86/boot/bzImage, modroot/lib/modules/<release>/.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${ACC_MDEV_CACHE:-/var/cache/acc-mdev}
fragment=$here/acc-mdev-test.config
tarball=/usr/src/linux-source-6.12.tar.xz
# Bump when a change below alters what gets built.
recipe=1
log() { echo "kernel: $*" >&2; }

"$here/../setup-host.sh" >&2

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
key=$( { echo "$srcver $recipe"; cat "$fragment"; gcc --version | head -1; } |
	sha256sum | cut -c1-16)
src=$cache/src-$srcver
out=$cache/build-$key

mkdir -p "$cache"
exec 9>"$cache/.lock"
flock 9

if [ -f "$out/.complete" ]; then
	log "cached build $out"
	echo "$out"
	exit 0
fi

if [ ! -f "$src/.extracted" ]; then
	log "extracting $tarball"
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -C "$src.tmp" --strip-components=1 -xf "$tarball"
	touch "$src.tmp/.extracted"
	mv "$src.tmp" "$src"
fi

start=$(date +%s)
rm -rf "$out"
mkdir -p "$out"
log "configuring in $out"
make -s -C "$src" O="$out" x86_64_defconfig >&2
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$fragment" >/dev/null
make -s -C "$src" O="$out" olddefconfig >&2

# olddefconfig silently drops options whose dependencies are missing.
missing=()
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF "$line" "$out/.config" || missing+=("$line")
		;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		grep -q "^$opt=" "$out/.config" && missing+=("$line")
		;;
	esac
done <"$fragment"
if [ ${#missing[@]} -ne 0 ]; then
	log "required options not in the final .config:"
	printf '  %s\n' "${missing[@]}" >&2
	exit 1
fi

log "building bzImage + modules with $(nproc) jobs"
make -s -C "$src" O="$out" -j"$(nproc)" bzImage modules >&2
make -s -C "$src" O="$out" INSTALL_MOD_PATH="$out/modroot" \
	INSTALL_MOD_STRIP=1 DEPMOD=/sbin/depmod modules_install >&2
make -s -C "$src" O="$out" kernelrelease >"$out/kernelrelease"
log "built $(cat "$out/kernelrelease") in $(($(date +%s) - start)) s"
touch "$out/.complete"
echo "$out"
