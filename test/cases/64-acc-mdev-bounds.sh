# acc_mdev region bounds: BAR2's region info is the 32 KiB functional window
# with a sparse-mmap capability inside it and no region info shows more;
# read/write/mmap at or across 0x8000, past the BAR, on other BARs, ROM,
# VGA, config past 256 bytes and invalid region indexes fail with EINVAL;
# sentinels in the VF's real migration window (through its sysfs
# resource2) survive every refused write.
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
. "$ACC_REPO/test/lib/acc_mdev.sh"
[ -x "$MDEV_CHECK" ] || fail "$MDEV_CHECK not built (make -C test/user)"
acc_mdev_setup 2
u=$(new_uuid)
acc_mdev_create "$u"
"$MDEV_CHECK" bounds "$u" || fail "region bound checks on $u"
info "region bounds of $u enforced"
acc_mdev_teardown
