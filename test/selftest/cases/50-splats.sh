# A lock inversion, then two out-of-bounds reads: lockdep reports the first
# and turns itself off; KASAN (multi-shot) reports both reads after that.
# expect-result: ^FAIL 50-splats kernel report: .*WARNING: possible circular locking dependency detected
# expect-dmesg-count: 2 BUG: (KASAN|KFENCE): [a-z-]+ in planted_kasan
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/selftest/plant.sh"
plant lockdep
plant kasan
plant kasan
