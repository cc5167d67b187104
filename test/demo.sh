#!/bin/bash
# make demo: boot the test VM and show the bench working end to end.
# Until the acc_mdev driver exists: the upstream mtty mdev created with
# mdevctl, attached to QEMU 10 inside the VM (type1 container), its state
# migrated through a file into a second QEMU on a second mdev (iommufd);
# then the simulated HiSilicon platform: a VF of the simulated PF under
# stock vfio-pci doing DMA through the software IOMMU, dirty tracking, MSI.
# It grows with the driver: ZIP workload, then live migration.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=$repo/test/out/demo
rm -rf "$out"
mkdir -p "$out"

"$repo/test/setup-host.sh" || exit 1
kdir=$("$repo/test/kernel/build.sh") || exit 1
for kb in "$repo"/test/*/Kbuild; do
	make -s -C "$kdir" M="$(dirname "$kb")" modules || exit 1
done
make -s -C "$repo/test/user" || exit 1
echo "== acc_mdev demo: test kernel $(cat "$kdir/kernelrelease"), QEMU TCG"
start=$(date +%s)
"$repo/test/vm/run" --out "$out" "$repo/test/vm/run-cases" \
	"$repo/test/cases/20-mdevctl-mtty.sh" \
	"$repo/test/cases/30-qemu-mtty-migration.sh" \
	"$repo/test/cases/42-sim-vfio-user.sh"
rc=$?
echo
echo "== report ($(($(date +%s) - start)) s, logs in $out)"
for f in "$out"/cases/*.log; do
	[ -e "$f" ] || continue
	echo "-- $(basename "$f" .log)"
	sed 's/^-- //; s/^/   /' "$f"
done
[ -f "$out/results" ] && sed 's/^/   /' "$out/results"
if [ $rc -eq 0 ]; then
	echo "== demo OK"
else
	echo "== demo FAILED (exit $rc)"
fi
exit $rc
