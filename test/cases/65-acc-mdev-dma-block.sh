# DMA of an mdev's backing VF reaches only the user's IOAS: blocked before
# the device is attached, outside the mappings, across a mapping's end,
# into a read-only mapping, into another mdev's IOAS, after unmap and after
# detach - each refused with EFAULT and counted at the right IOVA by the
# software IOMMU - while DMA inside the mappings lands; after close the VF
# is no longer a bus master.
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
. "$ACC_REPO/test/lib/acc_mdev.sh"
[ -x "$MDEV_CHECK" ] || fail "$MDEV_CHECK not built (make -C test/user)"
acc_mdev_setup 2
a=$(new_uuid)
b=$(new_uuid)
acc_mdev_create "$a"
acc_mdev_create "$b"
"$MDEV_CHECK" dma "$a" "$b" || fail "DMA isolation of $a and $b"
vf=$(acc_mdev_vf_of "$a")
expect_eq "IOMMU domain of $vf after close" "$(cat "$dbg/$vf/iommu_domain")" identity
info "faults on $vf: $(cat "$dbg/$vf/dma_faults"), last at $(cat "$dbg/$vf/last_fault_iova")"
acc_mdev_teardown
