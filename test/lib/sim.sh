# Helpers for cases that use the simulated platform (test/sim). Source after
# common.sh:  . "$ACC_REPO/test/lib/sim.sh"
SIM_DIR=${ACC_SIM_DIR:-$ACC_REPO/test/sim}
SIM_IOMMU_KO=$SIM_DIR/acc_sim_iommu.ko
SIM_KO=$SIM_DIR/acc_sim.ko
SIM_PF=10000:00:00.0
devs=/sys/bus/pci/devices
dbg=/sys/kernel/debug/acc_sim

# write VALUE FILE: like echo VALUE >FILE, but print the error text.
write() {
	local err
	if ! err=$( (echo "$1" >"$2") 2>&1); then
		echo "${err##*: }"
		return 1
	fi
}

group_of() {
	basename "$(readlink "$devs/$1/iommu_group")"
}

driver_of() {
	if [ -e "$devs/$1/driver" ]; then basename "$(readlink "$devs/$1/driver")"; fi
}

bind() { # DEV DRIVER
	write "$2" "$devs/$1/driver_override" || fail "driver_override $1"
	write "$1" /sys/bus/pci/drivers_probe || fail "drivers_probe $1"
	expect_eq "driver of $1" "$(driver_of "$1")" "$2"
}

unbind() { # DEV
	write "$1" "$devs/$1/driver/unbind" || fail "unbind $1"
	write "" "$devs/$1/driver_override" || fail "clear driver_override $1"
}

# sim_load [acc_sim.ko parameters]: both modules, IOMMU first.
sim_load() {
	local f
	for f in "$SIM_IOMMU_KO" "$SIM_KO"; do
		[ -f "$f" ] || fail "$f not built (make -C \$KDIR M=test/sim modules)"
	done
	if [ ! -d /sys/module/acc_sim_iommu ]; then
		insmod "$SIM_IOMMU_KO" || fail "insmod acc_sim_iommu"
	fi
	insmod "$SIM_KO" "$@" || fail "insmod acc_sim $*"
}

# sim_vfs N: pci-pf-stub on the PF, N VFs left unbound.
sim_vfs() {
	modprobe pci_pf_stub || fail "modprobe pci_pf_stub"
	bind $SIM_PF pci-pf-stub
	write 0 $devs/$SIM_PF/sriov_drivers_autoprobe || fail "sriov_drivers_autoprobe"
	write "$1" $devs/$SIM_PF/sriov_numvfs || fail "echo $1 > sriov_numvfs"
}
