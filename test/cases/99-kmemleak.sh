# Runs last: no kernel memory leaked since boot (kmemleak was cleared by the
# VM's init after boot). Judged on the report's content: debugfs files have
# no size.
. "$ACC_REPO/test/lib/common.sh"
report=$(kmemleak_report) || exit 1
if [ -n "$report" ]; then
	head -n 60 <<<"$report"
	fail "kmemleak: $(grep -c '^unreferenced object' <<<"$report") suspected leaks"
fi
info "no leaks"
