#!/bin/bash
# make stress [N=20]: the upstream-driver cases (hisi_zip on the PF and VFs,
# and the negative case: hisi_zip probing a misbehaving VF) N times each in one boot
# while the host runs 2 x nproc CPU hogs beside the VM. Proves that the
# simulated device answers within the upstream drivers' budgets whatever
# the host does (the guest's clock counts instructions: test/vm/run).
# Prints the pass count and the model's worst mailbox detection and service
# times seen, against hisi_qm's 1 ms mailbox budget.
set -uo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
n=${1:-20}
hogs=$((2 * $(nproc)))
out=$repo/test/out/stress
rm -rf "$out"
mkdir -p "$out"

"$repo/test/setup-host.sh" || exit 1
kdir=$("$repo/test/kernel/build.sh") || exit 1
for d in sim sim-clients; do
	make -s -C "$kdir" M="$repo/test/$d" modules || exit 1
done
make -s -C "$repo/test/user" || exit 1

cases=()
for ((i = 0; i < n; i++)); do
	cases+=("$repo"/test/cases/50-*.sh "$repo"/test/cases/52-*.sh)
done
echo "== ${#cases[@]} case runs in one boot, $hogs CPU hogs on the host"
start=$(date +%s)
"$repo/test/vm/run" --stress "$hogs" --out "$out" "$repo/test/vm/run-cases" \
	"${cases[@]}" 2>"$out/run.err"
rc=$?
pass=$(grep -c '^PASS' "$out/results" 2>/dev/null)
grep '^FAIL' "$out/results" 2>/dev/null | head -n 5
worst() { # COUNTER: the largest value over every qm_stats dump, in us
	cat "$out"/cases/*.log 2>/dev/null |
		awk -v k="$1" '$1 == k && $2 > m { m = $2 } END { printf "%.1f", m / 1000 }'
}
echo "== $(($(date +%s) - start)) s; logs in $out"
echo "mailbox: worst detection $(worst mb_detect_max_ns) us, worst service $(worst mb_service_max_ns) us (guest time; hisi_qm waits 1000 us)"
echo "$pass passed, $((${#cases[@]} - pass)) failed"
[ $rc -eq 0 ] && [ "$pass" = ${#cases[@]} ]
