#!/bin/bash
# Locate Debian's stock kernel headers (linux-headers-amd64 from
# bookworm-backports, installed by setup-host.sh). Prints the headers
# directory on stdout (usable as KDIR) and, on stderr, the release and the
# config options the driver's build depends on.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
log() { echo "stock-headers: $*" >&2; }

"$here/../setup-host.sh" >&2

# The metapackage depends on exactly one flavour package: the real headers.
dep=$(dpkg-query -W -f='${Depends}' linux-headers-amd64)
pkg=${dep%% *}
case $pkg in
linux-headers-6.12.*-amd64) ;;
*)
	log "linux-headers-amd64 depends on '$dep', expected linux-headers-6.12.*-amd64"
	exit 1
	;;
esac
kdir=/usr/src/$pkg
conf=$kdir/include/config/auto.conf
if [ ! -f "$conf" ] || [ ! -f "$kdir/Module.symvers" ]; then
	log "$kdir is not a usable headers tree (no auto.conf or Module.symvers)"
	exit 1
fi

log "$pkg $(dpkg-query -W -f='${Version}' "$pkg") in $kdir"
for opt in IOMMUFD VFIO VFIO_DEVICE_CDEV VFIO_CONTAINER VFIO_MDEV; do
	val=$(sed -n "s/^CONFIG_$opt=//p" "$conf")
	log "  CONFIG_$opt=${val:-n}"
done
echo "$kdir"
