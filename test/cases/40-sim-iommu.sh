# The simulator's software IOMMU on its own (no sim bus yet): it passes its
# load-time self-test, registers, claims no existing device, and loads and
# unloads 20 times without leaking.
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"

ko=$SIM_IOMMU_KO
name=acc_sim_iommu
cls=/sys/class/iommu/$name
case_tmp
[ -f "$ko" ] || fail "$ko not built (make -C \$KDIR M=test/sim modules)"
if [ -d /sys/module/$name ]; then fail "$name already loaded"; fi

# Leak suspects present before this case, to tell ours apart at the end.
kmemleak_list >"$CASE_TMP/leaks"

groups_now() {
	ls /sys/kernel/iommu_groups
}
pci_with_group() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ -e "$d/iommu_group" ] && echo "${d##*/}"
	done
	true
}
groups_before=$(groups_now)
grouped_before=$(pci_with_group)

info "load with the self-test"
mark="acc-sim-iommu-case-$(new_uuid)"
echo "$mark" >/dev/kmsg
insmod "$ko" selftest=1 || fail "insmod $name selftest=1"
dmesg | sed -n "/$mark/,\$p" | grep "$name: selftest passed" >/dev/null ||
	fail "no 'selftest passed' in dmesg"

[ -d "$cls" ] || fail "$cls missing after insmod"
[ -d "$cls/devices" ] || fail "$cls/devices missing"
claimed=$(ls "$cls/devices")
expect_eq "devices linked to $name" "$claimed" ""
expect_eq "iommu groups" "$(groups_now)" "$groups_before"
expect_eq "PCI devices with a group" "$(pci_with_group)" "$grouped_before"
expect_eq "module users" "$(cat /sys/module/$name/refcnt)" 0
expect_eq "iopf_timeout_ms" \
	"$(cat /sys/module/$name/parameters/iopf_timeout_ms)" 5000
info "registered as $cls; $(find /sys/bus/pci/devices -mindepth 1 -maxdepth 1 | wc -l) PCI devices, none claimed"

rmmod $name || fail "rmmod $name"
if [ -e "$cls" ]; then fail "$cls still there after rmmod"; fi

info "20 load/unload cycles"
for i in $(seq 20); do
	insmod "$ko" || fail "insmod #$i"
	[ -d "$cls" ] || fail "$cls missing in cycle $i"
	rmmod $name || fail "rmmod #$i"
	if [ -e "$cls" ]; then fail "$cls left behind in cycle $i"; fi
done
expect_eq "iommu groups after the cycles" "$(groups_now)" "$groups_before"

kmemleak_new "$CASE_TMP/leaks"
info "no new leaks"
