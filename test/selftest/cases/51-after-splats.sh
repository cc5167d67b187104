# A lock inversion after an earlier splat: lockdep is off and cannot see
# it, so the case is failed unrun rather than passed blind.
# expect-result: ^FAIL 51-after-splats lockdep is off
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/selftest/plant.sh"
plant lockdep
