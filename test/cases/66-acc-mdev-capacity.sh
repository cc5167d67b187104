# One VF per mdev: with 4 VFs four mdevs get four distinct VFs, the fifth
# create fails with ENOSPC and a driver message naming it, available
# instances stay 0; a duplicate UUID fails with EEXIST; a removed mdev's VF
# is reused; removing all gives 4 back; with SR-IOV off nothing can be
# created, and a new VF count is reflected. A VF unbound from acc_mdev-vf
# while it backs an open mdev first takes the mdev's driver away (the user
# gets a device request and closes) and is not handed out again.
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
. "$ACC_REPO/test/lib/acc_mdev.sh"
acc_mdev_setup 4
expect_eq "available_instances" "$(acc_mdev_available)" 4

# create_fails UUID ERROR-TEXT
create_fails() {
	local err

	if err=$(write "$1" "$acc_types/create"); then
		fail "create $1 succeeded with $(acc_mdev_available) available"
	fi
	expect_eq "error of create $1" "$err" "$2"
}

# no_free_vf: a create refused for want of a VF leaves nothing behind.
no_free_vf() {
	local u

	u=$(new_uuid)
	create_fails "$u" "No space left on device"
	[ ! -e "$mdevs/$u" ] || fail "refused create left $mdevs/$u"
	dmesg | grep "mdev $u: no free VF" >/dev/null ||
		fail "no driver message for the refused create of $u"
}

declare -a us
used=""
for i in 0 1 2 3; do
	us[i]=$(new_uuid)
	acc_mdev_create "${us[i]}"
	vf=$(acc_mdev_vf_of "${us[i]}")
	expect_eq "driver of $vf" "$(driver_of "$vf")" acc_mdev-vf
	case " $used " in *" $vf "*) fail "$vf backs two mdevs" ;; esac
	used="$used $vf"
	expect_eq "available after $((i + 1)) mdevs" "$(acc_mdev_available)" $((3 - i))
done
info "4 mdevs on VFs$used"

no_free_vf
expect_eq "available after the refused create" "$(acc_mdev_available)" 0
create_fails "${us[0]}" "File exists"
[ -e "$mdevs/${us[0]}/acc_mdev/backing_vf" ] || fail "duplicate create hurt ${us[0]}"
expect_eq "available after a duplicate UUID" "$(acc_mdev_available)" 0

freed=$(acc_mdev_vf_of "${us[1]}")
acc_mdev_remove "${us[1]}"
expect_eq "available after one removal" "$(acc_mdev_available)" 1
us[1]=$(new_uuid)
acc_mdev_create "${us[1]}"
expect_eq "VF of the new mdev" "$(acc_mdev_vf_of "${us[1]}")" "$freed"
no_free_vf

for i in 0 1 2 3; do
	acc_mdev_remove "${us[i]}"
done
expect_eq "available after removing all" "$(acc_mdev_available)" 4

acc_mdev_vfs 0
expect_eq "available without VFs" "$(acc_mdev_available)" 0
no_free_vf
acc_mdev_vfs 2
expect_eq "available with 2 VFs" "$(acc_mdev_available)" 2

[ -x "$MDEV_CHECK" ] || fail "$MDEV_CHECK not built (make -C test/user)"
case_tmp
trap acc_mdev_cleanup EXIT
u=$(new_uuid)
acc_mdev_create "$u"
vf=$(acc_mdev_vf_of "$u")
"$MDEV_CHECK" hold "$u" >"$CASE_TMP/hold" 2>&1 &
wait_for 20 "mdev_check to open $u" grep -q holding "$CASE_TMP/hold"
write "$vf" /sys/bus/pci/drivers/acc_mdev-vf/unbind || fail "unbind $vf"
wait $! || { cat "$CASE_TMP/hold"; fail "holder of $u failed"; }
grep -q "device request received" "$CASE_TMP/hold" || fail "no request on VF unbind"
expect_eq "driver of $vf after unbind" "$(driver_of "$vf")" ""
[ ! -e "$mdevs/$u/driver" ] || fail "$u still has a driver without its VF"
expect_eq "available with one VF unbound" "$(acc_mdev_available)" 1
acc_mdev_remove "$u"
u=$(new_uuid)
acc_mdev_create "$u"
[ "$(acc_mdev_vf_of "$u")" != "$vf" ] || fail "unbound $vf handed out"
no_free_vf
acc_mdev_remove "$u"
write "$vf" /sys/bus/pci/drivers/acc_mdev-vf/bind || fail "rebind $vf"
expect_eq "available after rebinding $vf" "$(acc_mdev_available)" 2
info "capacity: one mdev per VF, ENOSPC beyond"
acc_mdev_teardown
