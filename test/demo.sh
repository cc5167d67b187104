#!/bin/bash
# make demo: boot the test VM and show the bench and the driver end to end:
# acc_mdev on the simulated ZIP PF (QM/ZIP device model) with mdevctl
# define/start/stop, a compression workload through an mdev and through
# stock vfio-pci on the same VF (throughput ratio), QEMU 10 realizing the
# mdev with iommufd, the upstream hisi_zip driver on the same model, and
# the bench's migration path (QEMU + mtty mdevs, container -> iommufd).
# It grows with the driver: live migration of an acc_mdev device next.
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
make -s -C "$kdir" M="$repo" modules || exit 1
make -s -C "$repo/test/user" || exit 1
echo "== acc_mdev demo: test kernel $(cat "$kdir/kernelrelease"), QEMU TCG"
start=$(date +%s)
"$repo/test/vm/run" --out "$out" "$repo/test/vm/run-cases" \
	"$repo/test/cases/60-acc-mdev-basic.sh" \
	"$repo/test/cases/70-acc-mdev-zip.sh" \
	"$repo/test/cases/68-acc-mdev-qemu.sh" \
	"$repo/test/cases/50-hisi-zip-upstream.sh" \
	"$repo/test/cases/30-qemu-mtty-migration.sh"
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
