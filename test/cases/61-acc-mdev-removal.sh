# acc_mdev removal paths with the device open: removing the mdev relays a
# device request to the user's request eventfd and completes after the user
# closes; unbinding the PF with an mdev open does the same, cleanly.
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
ko=$ACC_REPO/acc_mdev.ko
mc=$ACC_REPO/test/user/mdev_check
[ -f "$ko" ] || fail "$ko not built (make)"
[ -x "$mc" ] || fail "$mc not built (make -C test/user)"
types=/sys/class/mdev_bus/$SIM_PF/mdev_supported_types/acc_mdev-zip
case_tmp

cleanup() {
	set +e
	for m in /sys/bus/mdev/devices/*; do
		[ -e "$m/remove" ] && echo 1 >"$m/remove"
	done
	[ -e $devs/$SIM_PF/driver ] && write 0 $devs/$SIM_PF/sriov_numvfs
	[ -e $devs/$SIM_PF/driver ] && unbind $SIM_PF
	rmmod acc_mdev
	rmmod acc_sim acc_sim_iommu
	rm -rf "$CASE_TMP"
}
sim_load
trap cleanup EXIT
modprobe mdev || fail "modprobe mdev"
insmod "$ko" || fail "insmod acc_mdev"
write 2 $devs/$SIM_PF/sriov_numvfs || fail "echo 2 > sriov_numvfs"

# held_remove HOW: open an mdev, remove it (HOW: mdev|pf), expect the request.
held_remove() {
	local u out=$CASE_TMP/hold.$1
	u=$(new_uuid)
	echo "$u" >"$types/create" || fail "create mdev"
	"$mc" hold "$u" >"$out" 2>&1 &
	wait_for 20 "mdev_check to open $u" grep -q holding "$out"
	if [ "$1" = mdev ]; then
		echo 1 >"/sys/bus/mdev/devices/$u/remove" || fail "remove $u"
	else
		write $SIM_PF $devs/$SIM_PF/driver/unbind || fail "unbind PF"
	fi
	wait $! || { cat "$out"; fail "holder failed ($1 removal)"; }
	grep -q "device request received" "$out" || fail "no request seen ($1)"
	[ ! -e "/sys/bus/mdev/devices/$u" ] || fail "$u still present ($1)"
}

held_remove mdev
expect_eq "available_instances after removal" "$(cat "$types/available_instances")" 2
held_remove pf
[ ! -e $devs/$SIM_PF/driver ] || fail "PF still bound"
info "request on mdev removal and PF unbind OK"
