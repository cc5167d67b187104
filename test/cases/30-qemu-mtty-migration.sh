# QEMU 10 as the VFIO client inside the VM, with an upstream migratable mdev
# (mtty): the source attaches through the legacy type1 container, the
# destination through iommufd; the device state goes source -> file ->
# destination and both show the device in "info pci".
. "$ACC_REPO/test/lib/common.sh"
case_tmp
qmp="$ACC_REPO/test/lib/qmp.py"
qemu-system-x86_64 --version | head -1 | grep "version 10\." >/dev/null ||
	fail "qemu-system-x86_64 is not QEMU 10: $(qemu-system-x86_64 --version | head -1)"

modprobe mtty
types=/sys/class/mdev_bus/mtty/mdev_supported_types
src_uuid=$(new_uuid)
dst_uuid=$(new_uuid)
echo "$src_uuid" >"$types/mtty-2/create"
echo "$dst_uuid" >"$types/mtty-2/create"
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	for u in "$src_uuid" "$dst_uuid"; do
		[ -e "/sys/bus/mdev/devices/$u" ] && echo 1 >"/sys/bus/mdev/devices/$u/remove"
	done
	modprobe -r mtty || true
	rm -rf "$CASE_TMP"
}
trap cleanup EXIT

# start_qemu NAME UUID EXTRA-ARGS...: a paused machine with the mdev.
start_qemu() {
	local name=$1 uuid=$2
	shift 2
	qemu-system-x86_64 -machine q35 -accel tcg -m 128 -nodefaults \
		-display none -S -qmp "unix:$CASE_TMP/$name.sock,server=on,wait=off" \
		"$@" >"$CASE_TMP/$name.log" 2>&1 &
	pids+=($!)
	"$qmp" "$CASE_TMP/$name.sock" query-status >/dev/null ||
		fail "$name QEMU did not come up: $(cat "$CASE_TMP/$name.log")"
}

expect_device() { # NAME
	"$qmp" "$CASE_TMP/$1.sock" hmp "info pci" >"$CASE_TMP/$1.pci"
	grep -q "4348:3253" "$CASE_TMP/$1.pci" ||
		fail "$1: info pci does not show the mtty device: $(cat "$CASE_TMP/$1.pci")"
	info "$1: $(grep -B1 "4348:3253" "$CASE_TMP/$1.pci" | tr -s ' ' | tr '\n' ' ')"
}

info "source: legacy container"
start_qemu src "$src_uuid" \
	-device "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$src_uuid,id=hostdev0,enable-migration=on"
expect_device src
ls -l /proc/"${pids[0]}"/fd | grep "/dev/vfio/vfio" >/dev/null ||
	fail "source QEMU does not hold /dev/vfio/vfio (not in container mode)"

"$qmp" "$CASE_TMP/src.sock" migrate "{\"uri\": \"file:$CASE_TMP/state\"}" >/dev/null
"$qmp" "$CASE_TMP/src.sock" wait-migration 300 >"$CASE_TMP/src.mig" ||
	fail "source migration failed: $(cat "$CASE_TMP/src.mig")"
[ -s "$CASE_TMP/state" ] || fail "migration file is empty"
grep -qa "/vfio" "$CASE_TMP/state" ||
	fail "migration stream has no vfio section"
info "source saved $(stat -c %s "$CASE_TMP/state") bytes"

info "destination: iommufd"
start_qemu dst "$dst_uuid" -object iommufd,id=ifd0 \
	-device "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$dst_uuid,id=hostdev0,iommufd=ifd0,enable-migration=on" \
	-incoming "file:$CASE_TMP/state"
"$qmp" "$CASE_TMP/dst.sock" wait-migration 300 >"$CASE_TMP/dst.mig" ||
	fail "destination load failed: $(cat "$CASE_TMP/dst.mig") $(cat "$CASE_TMP/dst.log")"
expect_device dst
ls -l /proc/"${pids[1]}"/fd | grep "/dev/iommu" >/dev/null ||
	fail "destination QEMU does not hold /dev/iommu (not in iommufd mode)"
ls -l /proc/"${pids[1]}"/fd | grep "/dev/vfio/devices/vfio" >/dev/null ||
	fail "destination QEMU did not open the vfio cdev"
for n in src dst; do
	"$qmp" "$CASE_TMP/$n.sock" quit >/dev/null || true
done
wait "${pids[@]}" || true
pids=()
info "mtty state migrated container -> iommufd"
