# Live migration between two acc_mdev mdevs (vfio migration v2, STOP_COPY
# with P2P and PRE_COPY), driven by test/user/zip_migrate as for the
# upstream driver in case 53: ZIP work runs on one mdev, migrates with jobs
# in flight to the other (own iommufd, DMA arena copied in STOP_COPY or
# shared), every job is checked on the destination, then back again.
# Refusals: a corrupted stream fails the write that completes its first
# record with EINVAL, a truncated one fails RESUMING -> STOP with EINVAL,
# and the destination works afterwards; an aborted migration leaves the
# source running its jobs (the driver restarts what it paused).
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
. "$ACC_REPO/test/lib/acc_mdev.sh"
tool=$ACC_REPO/test/user/zip_migrate
[ -x "$tool" ] || fail "$tool not built (make -C test/user)"
case_tmp

stat_of() { # MDEV COUNTER: a counter of the VF backing the mdev
	sed -n "s/^$2 //p" "$dbg/$(acc_mdev_vf_of "$1")/qm_stats"
}

acc_mdev_setup 2
a=$(new_uuid)
b=$(new_uuid)
acc_mdev_create "$a"
acc_mdev_create "$b"
info "mdevs $a ($(acc_mdev_vf_of "$a")) and $b ($(acc_mdev_vf_of "$b"))"

n=0
# run EXPECT-REGEX ARGS...: one zip_migrate run that must succeed and
# print a line matching EXPECT-REGEX.
run() {
	local want=$1 log
	shift
	n=$((n + 1))
	log=$CASE_TMP/run$n.log
	info "zip_migrate $*"
	# Enough work that jobs are still queued when the source stops.
	if ! "$tool" --inflight 16 --chunk 262144 "$@" >"$log" 2>&1; then
		cat "$log"
		fail "zip_migrate $* failed"
	fi
	cat "$log"
	grep -E "$want" "$log" >/dev/null ||
		fail "zip_migrate $*: no line matching '$want'"
}

# An aborted migration: the source was paused, the driver restarts it.
r0=$(stat_of "$a" restarts)
run '^migrate: abort .* outcome=complete .* ok$' --abort --poll "$a"
run '^migrate: abort .* outcome=complete .* ok$' --abort --irq --precopy "$a"
[ "$(stat_of "$a" restarts)" -gt "$r0" ] || fail "no restart doorbell after the aborts"

# Refusals; the destination must be usable after each.
run '^migrate: negative=corrupt@0 .* failed_at=write errno=EINVAL .* ok$' \
	--corrupt magic --expect-fail write --expect-errno EINVAL "$a" "$b"
run '^migrate: negative=corrupt@50 .* failed_at=write errno=EBADMSG .* ok$' \
	--corrupt 50 --expect-fail write --expect-errno EBADMSG "$a" "$b"
run '^migrate: negative=truncate@8 .* failed_at=stop errno=EINVAL .* ok$' \
	--truncate 8 --expect-fail stop --expect-errno EINVAL "$a" "$b"
run '^migrate: negative=truncate@100 .* failed_at=stop errno=EINVAL .* ok$' \
	--truncate 100 --expect-fail stop --expect-errno EINVAL --precopy "$a" "$b"

# Migrations with jobs in flight; polled ones there and back.
ok='^migrate: round=2/2 .* ok$'
run "$ok" --poll --copy-ram --rounds 2 "$a" "$b"
run "$ok" --poll --precopy --rounds 2 "$a" "$b"
run "$ok" --poll --shared-ram --flat --rounds 2 "$a" "$b"
# EQ MSI completions; MSI wired in STOP or, as QEMU does, in RESUMING.
run "$ok" --irq --copy-ram --rounds 2 "$a" "$b"
run "$ok" --irq --precopy --msi-early --rounds 2 "$b" "$a"
run '^migrate: round=1/1 .* ok$' --irq --inflight 24 --chunk 65536 "$a" "$b"

for m in "$a" "$b"; do
	expect_eq "job errors behind $m" "$(stat_of "$m" job_errors)" 0
done
acc_mdev_teardown
