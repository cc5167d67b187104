# acc_mdev on the simulated ZIP PF: SR-IOV through the PF driver, one mdev
# type, mdevctl define/start/stop/undefine with the profile JSON, and the
# mdev used through the vfio cdev + iommufd (BAR2 functional window only,
# VF DMA into the user's IOAS, MSI to eventfds, reset); a type1 container
# open fails with EOPNOTSUPP; disabling VFs with an mdev in use -> EBUSY.
# (mdevctl 1.2 refuses --auto with --jsonfile: "start": "auto" is in the JSON.)
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
. "$ACC_REPO/test/lib/acc_mdev.sh"
[ -x "$MDEV_CHECK" ] || fail "$MDEV_CHECK not built (make -C test/user)"
u=""

case_cleanup() {
	if [ -n "$u" ]; then
		mdevctl stop --uuid "$u"
		mdevctl undefine --uuid "$u"
	fi
}
acc_mdev_setup 4
expect_eq "available_instances" "$(acc_mdev_available)" 4
expect_eq "device_api" "$(cat "$acc_types/device_api")" vfio-pci
info "type: $(cat "$acc_types/description")"

u=$(new_uuid)
mdevctl define --uuid "$u" --parent $SIM_PF \
	--jsonfile "$ACC_REPO/mdevctl-profiles/acc_mdev-zip.json" ||
	fail "mdevctl define --jsonfile"
mdevctl start --uuid "$u" || fail "mdevctl start"
[ -d "$mdevs/$u" ] || fail "mdevctl start did not create $u"
expect_eq "available_instances with one mdev" "$(acc_mdev_available)" 3
vf=$(acc_mdev_vf_of "$u")
info "mdev $u backed by $vf, $(cat "$mdevs/$u/acc_mdev/queue_pairs") queue pairs"
expect_eq "driver of $vf" "$(driver_of "$vf")" acc_mdev-vf

"$MDEV_CHECK" all "$u" || fail "mdev checks through iommufd"
"$MDEV_CHECK" container "$u" || fail "container open not refused"
expect_eq "disable VFs with an mdev" "$(write 0 $devs/$SIM_PF/sriov_numvfs)" "Device or resource busy"

mdevctl stop --uuid "$u" || fail "mdevctl stop"
mdevctl undefine --uuid "$u" || fail "mdevctl undefine"
u=""
expect_eq "available_instances after stop" "$(acc_mdev_available)" 4
acc_mdev_teardown
info "acc_mdev basic OK"
