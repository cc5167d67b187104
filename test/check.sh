#!/bin/bash
# make check: host unit tests, module builds, then the VM cases in one boot,
# then the splat-detector self-test in a second boot. One line per case;
# the last line is "N passed, N failed". Exit status 1 if anything failed.
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
out=${ACC_CHECK_OUT:-$repo/test/out/check}
rm -rf "$out"
mkdir -p "$out"
passed=0 failed=0
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

# All VM cases in one boot: booting a KASAN kernel under TCG is the slow part.
vm_out=$out/vm
mkdir -p "$vm_out"
echo "-- VM cases (console: $vm_out/console.log)"
"$repo/test/vm/run" --out "$vm_out" "$repo/test/vm/run-cases" \
	"$repo"/test/cases/*.sh 2>"$vm_out/run.err"
vm_rc=$?
if [ -f "$vm_out/results" ]; then
	while read -r verdict name detail; do
		result "$verdict" "vm/$name" "$detail"
		[ "$verdict" = PASS ] || sed 's/^/    | /' "$vm_out/cases/$name.log" | tail -n 15
	done <"$vm_out/results"
fi
# A report outside every case (boot, shutdown), or a VM that died.
if [ $vm_rc -ne 0 ] && ! grep -q '^FAIL' "$vm_out/results" 2>/dev/null; then
	result FAIL vm/run "exit $vm_rc: $(tr '\n' ' ' <"$vm_out/run.err")"
fi

# The check must be able to fail: a deliberate WARN has to fail its run.
echo "-- splat detector self-test"
"$repo/test/vm/run" --out "$out/vm-splat" "$repo/test/selftest/trigger-warn.sh" \
	2>"$out/vm-splat.err"
rc=$?
if [ $rc = 1 ] && grep -q "kernel report.*WARNING: CPU" "$out/vm-splat.err" &&
	grep -q "deliberate warning" "$out/vm-splat/dmesg.txt"; then
	result PASS vm/splat-detection "$(grep -o 'WARNING: CPU.*' "$out/vm-splat.err" | cut -c1-80)"
else
	result FAIL vm/splat-detection "run exit $rc: $(tr '\n' ' ' <"$out/vm-splat.err")"
fi

echo "-- $(($(date +%s) - t0)) s; logs in $out"
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
