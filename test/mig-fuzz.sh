#!/bin/bash
# The open-ended fuzzing campaign of the migration stream parser
# (acc_mig_stream.c through test/unit/mig_stream_fuzz.c: libFuzzer with
# ASan/UBSan), random seeds, as long as asked. `make check` only replays
# the regression corpus and runs a fixed seed (mig-stream.sh).
#
#   make fuzz [FUZZ="LIMIT [options]"]      (LIMIT defaults to 600s)
#   test/mig-fuzz.sh LIMIT [-j JOBS] [-s SEED] [-o DIR]
#
#   LIMIT    a time (600s, 30m, 2h) or a number of executions (100000000,
#            1e8), the latter shared out among the jobs
#   -j JOBS  libFuzzer processes at once, sharing one corpus (default 1)
#   -s SEED  seed of the first process, SEED+1 for the next... (default
#            random; every seed is printed)
#   -o DIR   where everything goes, outside the repo (default
#            ${TMPDIR:-/tmp}/acc-mdev-mig-fuzz):
#              corpus/         kept from campaign to campaign; each one
#                              adds test/unit/mig-corpus/ and the unit
#                              test's valid streams to it
#              crashes-STAMP/  this campaign's failing inputs
#              logs-STAMP/     libFuzzer's output, one file per process
#              bin/fuzz        the target: bin/fuzz FILE replays FILE
#
# A process that crashes is restarted with the next seed while the limit
# lasts (up to 10 times per job), so one campaign can collect several
# crashes. At the end: executions, crashes and where the crash files are;
# the exit status is 1 if anything crashed. Once the bug is fixed, put the
# file in test/unit/mig-corpus/ under a name saying what it caught: make
# check replays it from then on.
#
# Without LIMIT, which is how make check runs every test/unit/*.sh: a
# smoke test of this script (seed 1, 20000 executions, temporary DIR).
# On a shared machine: nice -n 19 make fuzz FUZZ=25m
set -uo pipefail
shopt -s nullglob
here=$(cd "$(dirname "$0")/unit" && pwd)
repo=$(cd "$here/../.." && pwd -P)

usage() {
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
	exit 2
}

secs='' runs='' jobs=1 seed='' out=${TMPDIR:-/tmp}/acc-mdev-mig-fuzz smoke=''
if [ $# = 0 ]; then
	smoke=$(mktemp -d)
	trap 'rm -rf "$smoke"' EXIT
	set -- 20000 -s 1 -o "$smoke"
fi
if [[ $1 =~ ^([0-9]+)([smh])$ ]]; then
	case ${BASH_REMATCH[2]} in
	s) secs=$((10#${BASH_REMATCH[1]})) ;;
	m) secs=$((10#${BASH_REMATCH[1]} * 60)) ;;
	h) secs=$((10#${BASH_REMATCH[1]} * 3600)) ;;
	esac
elif [[ $1 =~ ^([0-9]+)(e([0-9]{1,2}))?$ ]]; then
	runs=$((10#${BASH_REMATCH[1]}))
	for ((i = 0; i < 10#${BASH_REMATCH[3]:-0}; i++)); do
		runs=$((runs * 10))
	done
else
	usage
fi
shift
while getopts j:s:o: opt; do
	case $opt in
	j) jobs=$OPTARG ;;
	s) seed=$OPTARG ;;
	o) out=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# = 0 ] && [[ $jobs =~ ^[1-9][0-9]*$ ]] && [[ $seed =~ ^[0-9]*$ ]] ||
	usage
[ "${secs:-1}" != 0 ] && [ "${runs:-1}" != 0 ] || usage
# libFuzzer takes seed 0 as "pick one"; ours are printed, so pick here.
[ -n "$seed" ] && [ "$seed" != 0 ] ||
	seed=$(($(od -An -N4 -tu4 /dev/urandom) % 2147483647 + 1))

out=$(realpath -m "$out")
case $out/ in
"$repo"/*)
	echo "mig-fuzz: $out is inside the repo; use -o DIR outside it" >&2
	exit 2
	;;
esac
command -v clang-14 >/dev/null || { echo "clang-14 missing" >&2; exit 1; }

bin=$out/bin corpus=$out/corpus
stamp=$(date +%Y%m%d-%H%M%S)-$$
crashes=$out/crashes-$stamp logs=$out/logs-$stamp
mkdir -p "$bin" "$corpus" "$crashes" "$logs" || exit 1
flags=(-std=gnu11 -g -O1 -Wall -Wextra -Werror -include "$here/kshim.h"
	-I"$repo")
gcc "${flags[@]}" -o "$bin/unit" "$repo/acc_mig_stream.c" \
	"$here/mig_stream_test.c" || exit 1
clang-14 "${flags[@]}" -fno-sanitize-recover=all \
	-fsanitize=fuzzer,address,undefined -o "$bin/fuzz" \
	"$repo/acc_mig_stream.c" "$here/mig_stream_fuzz.c" || exit 1
"$bin/unit" --corpus "$corpus" || exit 1
regress=("$here"/mig-corpus/*)
[ ${#regress[@]} = 0 ] || cp "${regress[@]}" "$corpus/" || exit 1

declare -A job_of log_of
left=() ncrash=() seeds=()
execs=0 crashed=0 errors=0 procs=0 stopped=0
t0=$(date +%s)
deadline=$((t0 + ${secs:-0}))

# start JOB: one more libFuzzer process for JOB, if its limit is not spent.
start() {
	local j=$1 lim log

	if [ -n "$runs" ]; then
		((left[j] > 0)) || return 0
		lim=-runs=${left[j]}
	else
		lim=$((deadline - $(date +%s)))
		((lim > 0)) || return 0
		lim=-max_total_time=$lim
	fi
	procs=$((procs + 1))
	log=$logs/job$j-$procs.log
	"$bin/fuzz" -seed="$seed" "$lim" -max_len=512 -print_final_stats=1 \
		-artifact_prefix="$crashes/" "$corpus" >"$log" 2>&1 &
	job_of[$!]=$j
	log_of[$!]=$log
	seeds+=("$seed")
	seed=$((seed + 1))
}

echo "mig-fuzz: ${secs:+${secs}s}${runs:+$runs executions}, $jobs job(s), corpus $corpus ($(ls "$corpus" | wc -l) inputs), logs $logs"
for ((j = 0; j < jobs; j++)); do
	ncrash[j]=0
	[ -z "$runs" ] || left[j]=$((runs / jobs + (j < runs % jobs)))
	start "$j"
done
# Ctrl-C: libFuzzer stops on SIGTERM with its statistics, counted below.
trap 'stopped=1; kill -TERM "${!job_of[@]}" 2>/dev/null' INT TERM

while [ ${#job_of[@]} != 0 ]; do
	unset pid
	wait -n -p pid "${!job_of[@]}"
	rc=$?
	[ -n "${pid-}" ] || continue	# a signal, not a process
	j=${job_of[$pid]} log=${log_of[$pid]}
	unset "job_of[$pid]" "log_of[$pid]"
	n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	n=${n:-0}
	execs=$((execs + n))
	[ -z "$runs" ] || left[j]=$((left[j] - n))
	what=$(sed -n "s/.*Test unit written to //p" "$log" | tail -n 1)
	if [ -n "$what" ]; then
		crashed=$((crashed + 1))
		ncrash[j]=$((ncrash[j] + 1))
		echo "mig-fuzz: job $j: $(grep -m 1 -E 'ERROR|runtime error' "$log") after $n executions: $what"
	elif [ "$rc" != 0 ] && [ "$stopped" = 0 ]; then
		errors=$((errors + 1))
		echo "mig-fuzz: job $j: exit status $rc without a crash file, see $log"
	fi
	if [ "$stopped" = 0 ] && [ -n "$what" ] && ((ncrash[j] < 10)); then
		start "$j"
	fi
done
trap - INT TERM

secs_used=$(($(date +%s) - t0))
files=("$crashes"/*)
echo "mig-fuzz: $execs executions in ${secs_used}s ($((execs / (secs_used ? secs_used : 1))) exec/s), $procs process(es), seeds ${seeds[*]}"
echo "mig-fuzz: corpus $corpus now $(ls "$corpus" | wc -l) inputs"
if [ ${#files[@]} != 0 ]; then
	echo "mig-fuzz: $crashed crash(es), ${#files[@]} file(s) in $crashes:"
	printf '  %s\n' "${files[@]}"
	echo "mig-fuzz: replay one with $bin/fuzz FILE"
else
	rmdir "$crashes"
	echo "mig-fuzz: 0 crashes"
fi
if [ -n "$smoke" ] && [ "$execs" != "$runs" ]; then
	echo "mig-fuzz: smoke test: $execs executions, not $runs"
	exit 1
fi
[ ${#files[@]} = 0 ] && [ "$crashed" = 0 ] && [ "$errors" = 0 ] || exit 1
[ "$stopped" = 0 ] || exit 130
