# acc_mdev's config space through the vfio config region: vendor/device IDs
# virtualized from the VF's, read-only fields and capability headers ignore
# writes, BARs and the ROM size like vfio-pci (masks from the region sizes),
# Memory/Bus Master read back and Bus Master alone reaches the VF (its DMA
# stops without it); the VF's own config space (sysfs) is otherwise
# untouched by every write.
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
. "$ACC_REPO/test/lib/acc_mdev.sh"
[ -x "$MDEV_CHECK" ] || fail "$MDEV_CHECK not built (make -C test/user)"
acc_mdev_setup 2
u=$(new_uuid)
acc_mdev_create "$u"
vf=$(acc_mdev_vf_of "$u")
before=$(od -An -tx1 -v -N256 "$devs/$vf/config")
"$MDEV_CHECK" config "$u" || fail "config space checks on $u ($vf)"
# Closing the device leaves the VF as it found it.
expect_eq "config of $vf after close" "$(od -An -tx1 -v -N256 "$devs/$vf/config")" "$before"
info "config space of $u virtualized; $vf untouched"
acc_mdev_teardown
