# Live migration between two acc_mdev mdevs (vfio migration v2, STOP_COPY
# with P2P and PRE_COPY), driven by test/user/zip_migrate as for the
# upstream driver in case 53: ZIP work runs on one mdev, migrates with jobs
# in flight to the other (own iommufd, DMA arena copied in STOP_COPY or
# shared), every job is checked on the destination, then back again. Each
# round must stop its source with jobs still in flight (src_done < inflight)
# and reap all of them on the destination (done_on_dst == inflight).
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
	# Enough work that jobs are still queued when the source stops: the
	# tool rings K prepared jobs 5 ms apart and stops the source at
	# once, while the simulator's engine thread runs one job at a time and
	# a 256 KiB job takes milliseconds of guest time. The guest runs under
	# QEMU -icount, so both sides are counted in guest instructions and
	# host load does not move the margin.
	if ! "$tool" --inflight 16 --chunk 262144 "$@" >"$log" 2>&1; then
		cat "$log"
		fail "zip_migrate $* failed"
	fi
	cat "$log"
	grep -E "$want" "$log" >/dev/null ||
		fail "zip_migrate $*: no line matching '$want'"
}

# busy ROUNDS K ARGS...: ROUNDS migrations (there and back) with K jobs in
# flight: every round's source stopped with some of them unfinished, and
# all K were reaped on its destination.
busy() {
	local rounds=$1 k=$2 line got=0 c d
	local re=' inflight=([0-9]+) src_done=([0-9]+) done_on_dst=([0-9]+) '
	shift 2
	run "^migrate: round=$rounds/$rounds .* ok\$" --rounds "$rounds" \
		--inflight "$k" "$@"
	while read -r line; do
		[[ $line =~ $re ]] || fail "no inflight/src_done/done_on_dst in: $line"
		expect_eq "inflight of round $((got + 1))" "${BASH_REMATCH[1]}" "$k"
		c=${BASH_REMATCH[2]}
		d=${BASH_REMATCH[3]}
		[ "$c" -lt "$k" ] ||
			fail "round $((got + 1)): all $k jobs done before the source stopped (src_done=$c)"
		expect_eq "jobs reaped on the destination in round $((got + 1))" "$d" "$k"
		got=$((got + 1))
	done < <(grep '^migrate: round=' "$CASE_TMP/run$n.log")
	expect_eq "result lines of zip_migrate $*" "$got" "$rounds"
}

# aborted K ARGS...: an aborted migration of a source with K jobs in
# flight, some unfinished at the stop, all completed on their own after.
aborted() {
	local k=$1 line
	local re=' inflight=([0-9]+) src_done=([0-9]+) completed_on_own=([0-9]+) outcome=complete '
	shift
	run '^migrate: abort .* outcome=complete .* ok$' --inflight "$k" "$@"
	line=$(grep '^migrate: abort ' "$CASE_TMP/run$n.log")
	[[ $line =~ $re ]] || fail "no inflight/src_done/completed_on_own in: $line"
	expect_eq "inflight of the abort" "${BASH_REMATCH[1]}" "$k"
	[ "${BASH_REMATCH[2]}" -lt "$k" ] ||
		fail "abort: all $k jobs done before the source stopped (src_done=${BASH_REMATCH[2]})"
	expect_eq "jobs completed on their own after the abort" "${BASH_REMATCH[3]}" "$k"
}

# An aborted migration: the source was paused, the driver restarts it.
r0=$(stat_of "$a" restarts)
aborted 16 --abort --poll "$a"
aborted 16 --abort --irq --precopy "$a"
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
busy 2 16 --poll --copy-ram "$a" "$b"
busy 2 16 --poll --precopy "$a" "$b"
busy 2 16 --poll --shared-ram --flat "$a" "$b"
# EQ MSI completions; MSI wired in STOP or, as QEMU does, in RESUMING.
busy 2 16 --irq --copy-ram "$a" "$b"
busy 2 16 --irq --precopy --msi-early "$b" "$a"
busy 1 24 --irq --chunk 65536 "$a" "$b"

for m in "$a" "$b"; do
	expect_eq "job errors behind $m" "$(stat_of "$m" job_errors)" 0
done
acc_mdev_teardown
