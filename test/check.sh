#!/bin/bash
# make check: host unit tests, module builds, then the VM cases in one boot,
# then the detector self-test (planted faults) in a second boot. One line per case;
# the last line is "N passed, N failed". Exit status 1 if anything failed.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
if ! why=$("$repo/test/vm/check-path" "$repo"); then
	echo "make check: $why"
	echo "0 passed, 1 failed"
	exit 1
fi
out=${ACC_CHECK_OUT:-$repo/test/out/check}
rm -rf "$out"
mkdir -p "$out"
passed=0 failed=0 skipped=0
t0=$(date +%s)

result() { # PASS|FAIL name [detail]
	if [ "$1" = PASS ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	echo "$1 $2${3:+ - $3}"
}

# run_host NAME COMMAND...: one host-side case, output kept in $out/host/.
run_host() {
	local name=$1 log
	shift
	mkdir -p "$out/host"
	log=$out/host/${name//\//_}.log
	if "$@" >"$log" 2>&1; then
		result PASS "$name"
	else
		result FAIL "$name" "$(tail -n 3 "$log" | tr '\n' ' ')"
	fi
}

"$repo/test/setup-host.sh" || { echo "setup failed"; echo "0 passed, 1 failed"; exit 1; }
if ! kdir=$("$repo/test/kernel/build.sh" 2>"$out/kernel.log"); then
	tail -n 20 "$out/kernel.log"
	result FAIL host/test-kernel "see $out/kernel.log"
	echo "$passed passed, $failed failed"
	exit 1
fi
result PASS host/test-kernel "$(cat "$kdir/kernelrelease")"

for t in "$repo"/test/unit/*.sh; do
	[ -e "$t" ] || continue
	run_host "unit/$(basename "$t" .sh)" bash "$t"
done
# Test modules (every test/*/Kbuild) for the test kernel, and the userspace
# clients; the VM cases use what these leave in the tree.
for kb in "$repo"/test/*/Kbuild; do
	d=$(dirname "$kb")
	run_host "host/build-$(basename "$d")" make -C "$kdir" M="$d" modules
done
run_host host/build-acc_mdev make -C "$kdir" M="$repo" modules
# Driver gates: stock Debian headers, the IOMMUFD-off path, sparse,
# checkpatch (builds on copies of the sources, not in the tree).
for c in stock-build no-iommufd sparse checkpatch; do
	run_host "host/$c" env ACC_TEST_KDIR="$kdir" \
		bash "$repo/test/kernel/driver-checks.sh" "$c"
done
run_host host/build-user make -C "$repo/test/user"

# vm_verdicts DIR PREFIX CASE...: one line per case run-cases was given
# (a case with no result: the VM died or timed out during it, or before),
# then a line for reports outside every case and one for a VM that died.
vm_verdicts() {
	local dir=$1 prefix=$2 c name line verdict detail hits
	shift 2
	for c in "$@"; do
		name=$(basename "$c" .sh)
		line=$(grep -m1 "^[A-Z]* $name\( \|\$\)" "$dir/results" 2>/dev/null)
		if [ -z "$line" ]; then
			result FAIL "$prefix/$name" "no result: the VM ended before it (see $dir/console.log)"
			continue
		fi
		read -r verdict _ detail <<<"$line"
		result "$verdict" "$prefix/$name" "$detail"
		[ "$verdict" = PASS ] || sed 's/^/    | /' "$dir/cases/$name.log" | tail -n 15
	done
	if ! hits=$("$repo/test/vm/outside-cases" "$dir"/console.log \
		$([ -f "$dir/dmesg.txt" ] && echo "$dir/dmesg.txt")); then
		result FAIL "$prefix/outside-cases" "kernel report outside every case: $(head -n 1 <<<"$hits")"
	fi
	if [ ! -f "$dir/status" ]; then
		result FAIL "$prefix/run" "the VM ended without a status: $(tr '\n' ' ' <"$dir/run.err" | cut -c1-300)"
	fi
}

# The VM cases use the modules and clients built above: with any of those
# builds failed they would run stale binaries, so they do not run.
if [ $failed -ne 0 ]; then
	result FAIL vm/cases "not run: a build or gate above failed"
	echo "$passed passed, $failed failed"
	exit 1
fi

# All VM cases in one boot: booting a KASAN kernel under TCG is the slow part.
vm_out=$out/vm
mkdir -p "$vm_out"
cases=()
for c in "$repo"/test/cases/*; do
	case $c in
	*.sh) cases+=("$c") ;;
	*.wip) skipped=$((skipped + 1)); echo "SKIP vm/$(basename "$c") - work in progress (.wip)" ;;
	esac
done
echo "-- VM cases (console: $vm_out/console.log)"
# 70 minutes at most: CI gives the whole check 90.
"$repo/test/vm/run" --timeout 4200 --out "$vm_out" "$repo/test/vm/run-cases" \
	"${cases[@]}" 2>"$vm_out/run.err"
vm_verdicts "$vm_out" vm "${cases[@]}"

# The detectors must be able to fail: planted faults (test/selftest/cases)
# must each be caught, and each case's expected verdict comes from its
# "# expect-*:" lines. This boot runs from a copy of the tree under /tmp,
# which also proves the runner works from such a checkout.
echo "-- detector self-test (planted faults)"
st_out=$out/vm-selftest
mkdir -p "$st_out"
clone=$(mktemp -d /tmp/acc-mdev-selftest.XXXXXX)
rsync -a --exclude /test/out "$repo/" "$clone/"
"$clone/test/vm/run" --out "$st_out" "$clone/test/vm/run-cases" \
	"$clone"/test/selftest/cases/*.sh 2>"$st_out/run.err"
st_rc=$?
rm -rf "$clone"
expect_ok() { # CASE-NAME KIND REGEX FILE
	grep -qE -e "$3" "$4" 2>/dev/null ||
		{ echo "$1: no line matching /$3/ in its $2"; return 1; }
}
for c in "$repo"/test/selftest/cases/*.sh; do
	name=$(basename "$c" .sh)
	why=""
	line=$(grep -m1 "^[A-Z]* $name\( \|\$\)" "$st_out/results" 2>/dev/null)
	if [ -z "$line" ]; then
		why="no result"
	else
		while IFS= read -r e; do
			kind=${e%%:*} re=${e#*: }
			case $kind in
			"# expect-result") why+=$(grep -qE -e "$re" <<<"$line" || echo "result '$line' does not match /$re/ ") ;;
			"# expect-log") why+=$(expect_ok "$name" log "$re" "$st_out/cases/$name.log") ;;
			"# expect-dmesg") why+=$(expect_ok "$name" dmesg "$re" "$st_out/cases/$name.dmesg") ;;
			"# expect-dmesg-count")
				n=$(grep -cE -e "${re#* }" "$st_out/cases/$name.dmesg" 2>/dev/null)
				[ "${n:-0}" -ge "${re%% *}" ] ||
					why+="$name: ${n:-0} lines matching /${re#* }/ in its dmesg, expected ${re%% *} "
				;;
			esac
		done < <(grep -E '^# expect-(result|log|dmesg|dmesg-count): ' "$c")
	fi
	if [ -z "$why" ]; then
		result PASS "selftest/$name" "caught: $(cut -d' ' -f3- <<<"$line" | cut -c1-90)"
	else
		result FAIL "selftest/$name" "$why"
	fi
done
# The power-off report: on the console only, and seen there as a report
# outside every case; and the run as a whole fails.
if hits=$("$repo/test/vm/outside-cases" "$st_out/console.log") ||
	! grep -q 'planted_reboot' <<<"$hits"; then
	result FAIL selftest/shutdown-report "the power-off WARNING was not found on the console"
elif grep -q 'deliberate warning during power-off' "$st_out/dmesg.txt"; then
	result FAIL selftest/shutdown-report "the power-off WARNING is in dmesg.txt: the planted fault fired too early"
elif [ $st_rc != 1 ] || ! grep -q 'vm/run: kernel report' "$st_out/run.err"; then
	result FAIL selftest/shutdown-report "vm/run exit $st_rc, expected 1 with a kernel report"
else
	result PASS selftest/shutdown-report "$(grep -m1 'planted_reboot' <<<"$hits" | cut -c1-90)"
fi

echo "-- $(($(date +%s) - t0)) s; logs in $out"
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $failed failed, $skipped skipped"
else
	echo "$passed passed, $failed failed"
fi
[ $failed -eq 0 ]
