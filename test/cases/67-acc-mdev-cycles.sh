# Three load/unload cycles of the simulator and acc_mdev, each with 4 VFs,
# two mdevs, one of them used through mdev_check, then removed and
# unloaded; kmemleak finds no new suspected leak afterwards.
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
. "$ACC_REPO/test/lib/acc_mdev.sh"
[ -x "$MDEV_CHECK" ] || fail "$MDEV_CHECK not built (make -C test/user)"
case_tmp
kmemleak_list >"$CASE_TMP/leaks"
for c in 1 2 3; do
	acc_mdev_setup 4
	u1=$(new_uuid)
	u2=$(new_uuid)
	acc_mdev_create "$u1"
	acc_mdev_create "$u2"
	"$MDEV_CHECK" all "$u1" >"$CASE_TMP/check.$c" 2>&1 ||
		{ cat "$CASE_TMP/check.$c"; fail "mdev_check all, cycle $c"; }
	acc_mdev_teardown
	for m in acc_mdev acc_sim acc_sim_iommu; do
		[ ! -d /sys/module/$m ] || fail "$m still loaded after cycle $c"
	done
	info "cycle $c done"
done
kmemleak_new "$CASE_TMP/leaks"
info "3 cycles, no new leaks"
