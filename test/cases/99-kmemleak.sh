# Runs last: no kernel memory leaked since boot (kmemleak was cleared by the
# VM's init after boot).
. "$ACC_REPO/test/lib/common.sh"
k=/sys/kernel/debug/kmemleak
[ -e $k ] || fail "kmemleak not available"
sleep 6 # objects younger than 5 s are never reported
echo scan >$k
echo scan >$k
if [ -s $k ]; then
	head -n 60 $k
	fail "kmemleak: $(grep -c '^unreferenced object' $k) suspected leaks"
fi
info "no leaks"
