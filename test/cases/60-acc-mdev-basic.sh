# acc_mdev on the simulated ZIP PF: SR-IOV through the PF driver, one mdev
# type, mdevctl define/start/stop/undefine with the profile JSON, and the
# mdev used through the vfio cdev + iommufd (BAR2 functional window only,
# VF DMA into the user's IOAS, MSI to eventfds, reset); a type1 container
# open fails with EOPNOTSUPP; disabling VFs with an mdev in use -> EBUSY.
# (mdevctl 1.2 refuses --auto with --jsonfile: "start": "auto" is in the JSON.)
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
ko=$ACC_REPO/acc_mdev.ko
mc=$ACC_REPO/test/user/mdev_check
[ -f "$ko" ] || fail "$ko not built (make)"
[ -x "$mc" ] || fail "$mc not built (make -C test/user)"
types=/sys/class/mdev_bus/$SIM_PF/mdev_supported_types
u=""

cleanup() {
	set +e
	if [ -n "$u" ]; then
		mdevctl stop --uuid "$u"
		mdevctl undefine --uuid "$u"
	fi
	[ -e $devs/$SIM_PF/driver ] && write 0 $devs/$SIM_PF/sriov_numvfs
	[ -e $devs/$SIM_PF/driver ] && unbind $SIM_PF
	rmmod acc_mdev
	rmmod acc_sim acc_sim_iommu
}
sim_load
trap cleanup EXIT
modprobe vfio_iommufd 2>/dev/null || true
modprobe mdev || fail "modprobe mdev"
insmod "$ko" || fail "insmod acc_mdev"
expect_eq "PF driver" "$(driver_of $SIM_PF)" acc_mdev
write 4 $devs/$SIM_PF/sriov_numvfs || fail "echo 4 > sriov_numvfs"
[ -d "$types/acc_mdev-zip" ] || fail "no type acc_mdev-zip"
expect_eq "available_instances" "$(cat "$types/acc_mdev-zip/available_instances")" 4
expect_eq "device_api" "$(cat "$types/acc_mdev-zip/device_api")" vfio-pci
info "type: $(cat "$types/acc_mdev-zip/description")"

u=$(new_uuid)
mdevctl define --uuid "$u" --parent $SIM_PF \
	--jsonfile "$ACC_REPO/mdevctl-profiles/acc_mdev-zip.json" ||
	fail "mdevctl define --jsonfile"
mdevctl start --uuid "$u" || fail "mdevctl start"
[ -d "/sys/bus/mdev/devices/$u" ] || fail "mdevctl start did not create $u"
expect_eq "available_instances with one mdev" "$(cat "$types/acc_mdev-zip/available_instances")" 3
vf=$(cat "/sys/bus/mdev/devices/$u/acc_mdev/backing_vf")
info "mdev $u backed by $vf, $(cat "/sys/bus/mdev/devices/$u/acc_mdev/queue_pairs") queue pairs"
expect_eq "driver of $vf" "$(driver_of "$vf")" acc_mdev-vf

"$mc" all "$u" || fail "mdev checks through iommufd"
"$mc" container "$u" || fail "container open not refused"
expect_eq "disable VFs with an mdev" "$(write 0 $devs/$SIM_PF/sriov_numvfs)" "Device or resource busy"

mdevctl stop --uuid "$u" || fail "mdevctl stop"
mdevctl undefine --uuid "$u" || fail "mdevctl undefine"
u=""
expect_eq "available_instances after stop" "$(cat "$types/acc_mdev-zip/available_instances")" 4
info "acc_mdev basic OK"
