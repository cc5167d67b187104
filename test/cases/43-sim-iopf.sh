# Recoverable I/O page faults of the software IOMMU through stock vfio-pci
# and iommufd (nested HWPT with a fault queue over a NEST_PARENT HWPT): on
# the PF a DMA to an unmapped IOVA becomes a fault record, is retried after
# map + SUCCESS, refused after INVALID or iopf_timeout_ms, and the dma_stats
# iopf counters follow; on a VF iommufd refuses the fault-capable attach
# (Linux 6.12 does no IOPF for VFs).
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
sit=$ACC_REPO/test/user/sim_iopf_test
[ -x "$sit" ] || fail "$sit not built (make -C test/user)"
tmo=/sys/module/acc_sim_iommu/parameters/iopf_timeout_ms
vf=10000:00:00.1

cleanup() {
	[ -n "${tmo_saved:-}" ] && write "$tmo_saved" $tmo
	[ -e $devs/$vf/driver ] && unbind $vf
	[ -e $devs/$SIM_PF/driver ] && write 0 $devs/$SIM_PF/sriov_numvfs
	[ -e $devs/$SIM_PF/driver ] && unbind $SIM_PF
	rmmod acc_sim acc_sim_iommu
}
sim_load
trap cleanup EXIT
tmo_saved=$(cat $tmo)
modprobe vfio_pci || fail "modprobe vfio_pci"

info "PF $SIM_PF under vfio-pci, no VFs"
bind $SIM_PF vfio-pci
"$sit" pf $SIM_PF || fail "I/O page faults on the PF"
expect_eq "iopf_timeout_ms restored" "$(cat $tmo)" "$tmo_saved"
# Closing the last fd gives the group back its default domain.
expect_eq "PF domain after close" "$(cat $dbg/$SIM_PF/iommu_domain)" identity
grep iopf_ $dbg/$SIM_PF/dma_stats
unbind $SIM_PF

info "VF $vf under vfio-pci (PF under pci-pf-stub)"
sim_vfs 1
bind $vf vfio-pci
"$sit" vf $vf || fail "fault-capable attach on a VF"
expect_eq "VF domain after close" "$(cat $dbg/$vf/iommu_domain)" identity
