# acc_mdev removal paths with the device open: removing the mdev relays a
# device request to the user's request eventfd and completes after the user
# closes; unbinding the PF with an mdev open does the same, cleanly.
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
. "$ACC_REPO/test/lib/acc_mdev.sh"
[ -x "$MDEV_CHECK" ] || fail "$MDEV_CHECK not built (make -C test/user)"
case_tmp
acc_mdev_setup 2

# held_remove HOW: open an mdev, remove it (HOW: mdev|pf), expect the request.
held_remove() {
	local u out=$CASE_TMP/hold.$1
	u=$(new_uuid)
	acc_mdev_create "$u"
	"$MDEV_CHECK" hold "$u" >"$out" 2>&1 &
	wait_for 20 "mdev_check to open $u" grep -q holding "$out"
	if [ "$1" = mdev ]; then
		echo 1 >"$mdevs/$u/remove" || fail "remove $u"
	else
		write $SIM_PF $devs/$SIM_PF/driver/unbind || fail "unbind PF"
	fi
	wait $! || { cat "$out"; fail "holder failed ($1 removal)"; }
	grep -q "device request received" "$out" || fail "no request seen ($1)"
	[ ! -e "$mdevs/$u" ] || fail "$u still present ($1)"
}

held_remove mdev
expect_eq "available_instances after removal" "$(acc_mdev_available)" 2
held_remove pf
[ ! -e $devs/$SIM_PF/driver ] || fail "PF still bound"
info "request on mdev removal and PF unbind OK"
