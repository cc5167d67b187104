# expect-result: ^FAIL 10-ubsan kernel report: .*UBSAN: shift-out-of-bounds
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/selftest/plant.sh"
plant ubsan
