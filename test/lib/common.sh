# Helpers for test cases (bash, inside the test VM). Source it:
#   . "$ACC_REPO/test/lib/common.sh"
set -euo pipefail

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

info() {
	echo "-- $*"
}

# expect_eq WHAT ACTUAL EXPECTED
expect_eq() {
	[ "$2" = "$3" ] || fail "$1: got '$2', expected '$3'"
}

# wait_for SECONDS DESCRIPTION COMMAND...: poll until COMMAND succeeds.
wait_for() {
	local limit=$1 what=$2 i
	shift 2
	for ((i = 0; i < limit * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	fail "timed out after ${limit}s waiting for $what"
}

new_uuid() {
	cat /proc/sys/kernel/random/uuid
}

# Temporary directory removed when the case exits.
case_tmp() {
	CASE_TMP=$(mktemp -d /tmp/case.XXXXXX)
	trap 'rm -rf "$CASE_TMP"' EXIT
}
