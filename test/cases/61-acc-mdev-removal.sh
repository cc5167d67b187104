# acc_mdev removal paths with the device open: removing the mdev relays a
# device request to the user's request eventfd and completes after the user
# closes; unbinding the VF's driver or the PF's with an mdev open does the
# same, cleanly: the PF's VFs are gone with it and the PF binds again.
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
. "$ACC_REPO/test/lib/acc_mdev.sh"
[ -x "$MDEV_CHECK" ] || fail "$MDEV_CHECK not built (make -C test/user)"
case_tmp
acc_mdev_setup 2

# held_remove HOW: open an mdev, remove it (HOW: mdev|vf|pf), expect the
# request.
held_remove() {
	local u vf out=$CASE_TMP/hold.$1
	u=$(new_uuid)
	acc_mdev_create "$u"
	vf=$(acc_mdev_vf_of "$u")
	"$MDEV_CHECK" hold "$u" >"$out" 2>&1 &
	wait_for 20 "mdev_check to open $u" grep -q holding "$out"
	case $1 in
	mdev) echo 1 >"$mdevs/$u/remove" || fail "remove $u" ;;
	vf) write "$vf" "$devs/$vf/driver/unbind" || fail "unbind VF $vf" ;;
	pf) write $SIM_PF $devs/$SIM_PF/driver/unbind || fail "unbind PF" ;;
	esac
	wait $! || { cat "$out"; fail "holder failed ($1 removal)"; }
	grep -q "device request received" "$out" || fail "no request seen ($1)"
	if [ "$1" = vf ]; then
		# The mdev outlives its VF, without a driver, until removed.
		[ ! -e "$mdevs/$u/driver" ] || fail "$u still bound after VF unbind"
		echo 1 >"$mdevs/$u/remove" || fail "remove unbound $u"
	fi
	[ ! -e "$mdevs/$u" ] || fail "$u still present ($1)"
}

held_remove mdev
expect_eq "available_instances after removal" "$(acc_mdev_available)" 2
# The VF's own driver unbound under an open mdev: the mdev goes first.
held_remove vf
dmesg | grep 'VF going away: unbinding mdev' >/dev/null ||
	fail "VF unbind did not take the mdev away first"
expect_eq "available_instances without the unbound VF" "$(acc_mdev_available)" 1
for v in $(cd $devs/$SIM_PF && readlink -f virtfn* | xargs -n1 basename); do
	[ -n "$(driver_of "$v")" ] || bind "$v" acc_mdev-vf
done
expect_eq "available_instances after rebinding the VF" "$(acc_mdev_available)" 2
held_remove pf
[ ! -e $devs/$SIM_PF/driver ] || fail "PF still bound"
expect_eq "VFs after the PF unbind" "$(cat $devs/$SIM_PF/sriov_numvfs)" 0
# Bound again, the strict teardown undoes the setup as in every case.
bind $SIM_PF acc_mdev
acc_mdev_teardown
info "request on mdev removal, VF unbind and PF unbind OK"
