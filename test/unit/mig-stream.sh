#!/bin/bash
# The migration stream codec (acc_mig_stream.c, the kernel's own source) in
# userspace, deterministic: the same tree gives the same verdict.
#  1. The unit test under ASan/UBSan (its random rounds are seeded).
#  2. The libFuzzer target (mig_stream_fuzz.c) runs, once each, every input
#     of the regression corpus test/unit/mig-corpus/ and the valid streams
#     the unit test writes (--corpus).
#  3. libFuzzer from that corpus with a fixed seed for a fixed number of
#     executions, not a time: MIG_FUZZ_RUNS (default 8000000, about 30 s
#     here), MIG_FUZZ_SEED (default 1).
# The open-ended campaign, random seeds and a time limit, is `make fuzz`
# (test/mig-fuzz.sh).
#
# mig-corpus/ holds every input that ever failed, named after its bug:
#   crash-version-0104  a COMPAT record at version 1.4 was accepted (and
#                       then did not re-encode): a 1.0 destination cannot
#                       know what a newer minor means
# A failing input of step 3 is kept in $MIG_FUZZ_KEEP (default
# ${TMPDIR:-/tmp}/acc-mdev-mig-stream) and printed in base64: fix the bug,
# then add the file to mig-corpus/ under a name saying what it caught.
# Needs clang-14 and libclang-rt-14-dev (test/setup-host.sh installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
runs=${MIG_FUZZ_RUNS:-8000000}
seed=${MIG_FUZZ_SEED:-1}
keep=${MIG_FUZZ_KEEP:-${TMPDIR:-/tmp}/acc-mdev-mig-stream}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
flags=(-std=gnu11 -g -O1 -Wall -Wextra -Werror -include "$here/kshim.h"
	-I"$repo" -fno-sanitize-recover=all)

gcc "${flags[@]}" -fsanitize=address,undefined -o "$tmp/unit" \
	"$repo/acc_mig_stream.c" "$here/mig_stream_test.c"
"$tmp/unit"

command -v clang-14 >/dev/null || { echo "clang-14 missing"; exit 1; }
clang-14 "${flags[@]}" -fsanitize=fuzzer,address,undefined -o "$tmp/fuzz" \
	"$repo/acc_mig_stream.c" "$here/mig_stream_fuzz.c"
mkdir "$tmp/corpus" "$tmp/crash"
"$tmp/unit" --corpus "$tmp/corpus"
shopt -s nullglob
regress=("$here"/mig-corpus/*)
[ ${#regress[@]} = 0 ] || cp "${regress[@]}" "$tmp/corpus/"

inputs=("$tmp"/corpus/*)
if ! "$tmp/fuzz" "${inputs[@]}" >"$tmp/replay.log" 2>&1; then
	tail -n 30 "$tmp/replay.log"
	echo "replay: FAIL on $(sed -n 's|^Running: .*/||p' "$tmp/replay.log" | tail -n 1)"
	exit 1
fi
echo "replay: ${#inputs[@]} inputs ok ($(cd "$tmp/corpus" && echo *))"

# A fixed seed is not enough: libFuzzer's CMP hints include the stack
# addresses that compiled loops compare, so the run also needs the same
# addresses: no ASLR, an empty environment, relative paths. -reload=0:
# nothing time-driven.
det=(env -i PATH=/usr/bin:/bin setarch "$(uname -m)" -R)
if ! "${det[@]}" true 2>/dev/null; then
	echo "fuzz: WARNING: cannot run without ASLR, the run is not reproducible"
	det=()
fi
if ! (cd "$tmp" && "${det[@]}" ./fuzz -seed="$seed" -runs="$runs" \
	-max_len=512 -reload=0 -print_final_stats=1 -artifact_prefix=crash/ \
	corpus >fuzz.log 2>&1); then
	tail -n 40 "$tmp/fuzz.log"
	mkdir -p "$keep"
	for f in "$tmp"/crash/*; do
		[ -e "$f" ] || continue
		cp "$f" "$keep/"
		echo "fuzz: failing input $keep/${f##*/}, base64:"
		base64 -w 0 "$f"
		echo
	done
	echo "fuzz: FAIL after $(sed -n 's/^stat::number_of_executed_units: *//p' \
		"$tmp/fuzz.log") executions (seed $seed, limit $runs)"
	exit 1
fi
grep -E '^(Done |stat::)' "$tmp/fuzz.log"
cov=$(grep -E '^#[0-9]+[[:space:]]+DONE ' "$tmp/fuzz.log" |
	grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' || true)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/fuzz.log")
# Every coverage event without its timing (and without the pulse lines,
# printed only after 2 s): equal in equal runs.
path=$(grep -E '^#[0-9]+[[:space:]]' "$tmp/fuzz.log" | grep -v pulse |
	sed -E 's/ exec\/s: [0-9]+ rss: [0-9]+Mb//' | md5sum | cut -c1-12)
echo "fuzz: seed $seed, $execs executions, no failure ($cov, path $path)"
