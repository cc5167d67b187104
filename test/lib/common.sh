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

KMEMLEAK=/sys/kernel/debug/kmemleak

# kmemleak_report: print what kmemleak suspects after a fresh look. It
# reports an object only once it is 5 s old and two scans in a row found
# it unreferenced and unchanged (the first scan only takes its checksum).
kmemleak_report() {
	[ -w $KMEMLEAK ] || fail "kmemleak not available ($KMEMLEAK)"
	sleep 6
	echo scan >$KMEMLEAK || fail "kmemleak: first scan failed"
	sleep 1
	echo scan >$KMEMLEAK || fail "kmemleak: second scan failed"
	cat $KMEMLEAK || fail "kmemleak: cannot read $KMEMLEAK"
}

# kmemleak_list: the suspected leaks' addresses, sorted, one a line.
kmemleak_list() {
	local report
	report=$(kmemleak_report) || exit 1
	{ grep -o '^unreferenced object 0x[0-9a-f]*' <<<"$report" || [ $? = 1 ]; } |
		sort
}

# kmemleak_new BEFORE-FILE: fail on leaks not already listed in the file
# (an earlier kmemleak_list).
kmemleak_new() {
	local after new
	after=$(kmemleak_list) || exit 1
	new=$(comm -13 "$1" <(printf '%s\n' "$after") | sed '/^$/d')
	if [ -n "$new" ]; then
		head -n 60 $KMEMLEAK
		fail "kmemleak: $(wc -l <<<"$new") new suspected leaks"
	fi
}
