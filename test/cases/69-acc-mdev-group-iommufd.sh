# acc_mdev through the legacy VFIO group API with an iommufd as the group's
# container (M1 DMA via VFIO_GROUP): VFIO_GROUP_SET_CONTAINER(/dev/iommu),
# the compat IOAS, VFIO_GROUP_GET_DEVICE_FD by the mdev's name; BAR2 is the
# 32 KiB window and mmaps the VF's BAR; the backing VF DMAs into buffers
# mapped on the compat IOAS (IOMMU_IOAS_MAP and VFIO_IOMMU_MAP_DMA on the
# iommufd) and not outside them. A plain type1 container is refused with
# EOPNOTSUPP and a kernel message naming the mdev and what is missing.
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
. "$ACC_REPO/test/lib/acc_mdev.sh"
gc=$ACC_REPO/test/user/mdev_group_check
[ -x "$gc" ] || fail "$gc not built (make -C test/user)"
acc_mdev_setup 4
u=$(new_uuid)
acc_mdev_create "$u"
grp=$(basename "$(readlink "$mdevs/$u/iommu_group")")
[ -c "/dev/vfio/$grp" ] || fail "no /dev/vfio/$grp for the mdev's group"
vf=$(acc_mdev_vf_of "$u")
dom=$(cat "$dbg/$vf/iommu_domain")
info "mdev $u: group $grp, backing VF $vf (IOMMU domain: $dom)"

"$gc" iommufd "$u" || fail "group + iommufd container checks"
# Closing the device takes the VF out of the user's IOAS again.
expect_eq "IOMMU domain of $vf after close" "$(cat "$dbg/$vf/iommu_domain")" "$dom"

mark="acc-mdev-case-69: type1 container open"
echo "$mark" >/dev/kmsg
"$gc" type1 "$u" || fail "type1 container open not refused"
msg=$(dmesg | sed -n "/$mark\$/,\$p" | grep "acc_mdev $u: .*type1" || true)
[ -n "$msg" ] || fail "no kernel message about the refused type1 container"
info "kernel said: ${msg#*] }"

acc_mdev_remove "$u"
expect_eq "available_instances after removal" "$(acc_mdev_available)" 4
acc_mdev_teardown
info "group + iommufd container OK"
