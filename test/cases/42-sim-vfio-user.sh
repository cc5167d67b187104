# Userspace through stock vfio-pci on a simulated VF, both open paths
# (vfio cdev + iommufd, group + type1 container): BAR2 mmap, device DMA
# through the software IOMMU, DMA outside the mapping blocked and counted,
# iommufd dirty tracking reports exactly the written pages, MSI vectors
# reach their eventfds, VFIO_DEVICE_RESET and sysfs FLR.
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
spt=$ACC_REPO/test/user/sim_platform_test
[ -x "$spt" ] || fail "$spt not built (make -C test/user)"

cleanup() {
	[ -e $devs/$vf/driver ] && unbind $vf
	[ -e $devs/$SIM_PF/driver ] && write 0 $devs/$SIM_PF/sriov_numvfs
	[ -e $devs/$SIM_PF/driver ] && unbind $SIM_PF
	rmmod acc_sim acc_sim_iommu
}
vf=10000:00:00.2
sim_load
trap cleanup EXIT
sim_vfs 2
modprobe vfio_pci || fail "modprobe vfio_pci"
bind $vf vfio-pci

for mode in iommufd container; do
	"$spt" dma $mode $vf || fail "DMA through vfio-pci ($mode)"
	"$spt" irq $mode $vf || fail "MSI through vfio-pci ($mode)"
	"$spt" reset $mode $vf || fail "VFIO_DEVICE_RESET ($mode)"
done
"$spt" dirty $vf || fail "iommufd dirty tracking"
write 1 $devs/$vf/reset || fail "sysfs FLR of $vf under vfio-pci"
# Closing the last fd gives the group back its default domain.
expect_eq "domain after close" "$(cat $dbg/$vf/iommu_domain)" identity
info "faults counted on $vf: $(cat $dbg/$vf/dma_faults), last at $(cat $dbg/$vf/last_fault_iova)"
