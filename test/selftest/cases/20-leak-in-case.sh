# The in-case leak check (kmemleak_list before, kmemleak_new after) sees an
# object leaked between the two.
# expect-result: ^FAIL 20-leak-in-case
# expect-log: ^FAIL: kmemleak: 1 new suspected leaks$
# expect-dmesg: planted_fault: leaked 200 bytes
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/selftest/plant.sh"
case_tmp
kmemleak_list >"$CASE_TMP/leaks"
plant leak
kmemleak_new "$CASE_TMP/leaks"
