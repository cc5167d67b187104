#!/bin/bash
# The kernel-log scanner catches each kind of report and passes clean logs.
set -euo pipefail
scan=$(dirname "$0")/../vm/splat-scan
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

reports=(
	"[   12.3] WARNING: CPU: 1 PID: 456 at drivers/foo.c:10 foo+0x1/0x2"
	"[   12.3] BUG: KASAN: slab-use-after-free in bar+0x10/0x20"
	"[   12.3] BUG: kernel NULL pointer dereference, address: 0000000000000008"
	"[   12.3] Oops: general protection fault, probably for non-canonical address"
	"[   12.3] WARNING: possible circular locking dependency detected"
	"[   12.3] WARNING: suspicious RCU usage"
	"[  240.0] INFO: task kworker/0:1:42 blocked for more than 120 seconds."
	"[   12.3] kernel BUG at mm/slub.c:123!"
	"[   12.3] BUG: sleeping function called from invalid context at mm/slab.h:1"
	"[   12.3] WARNING: possible recursive locking detected"
	"[   12.3] WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected"
	"[   12.3] WARNING: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected"
	"[   12.3] WARNING: possible irq lock inversion dependency detected"
	"[   12.3] WARNING: kworker/0:1/42 still has locks held!"
	"[   12.3] WARNING: bad contention detected!"
	"[   12.3] kmemleak: 2 new suspected memory leaks (see /sys/kernel/debug/kmemleak)"
	"[   12.3] WARNING: at the end of something the scanner has no name for"
	"[   12.3] BUG: KFENCE: out-of-bounds read in foo+0x1/0x2"
	"[   12.3] UBSAN: shift-out-of-bounds in drivers/foo.c:12:3"
	"[   12.3] list_add corruption. prev->next should be next (ffff8880), but was 0."
	"[   12.3] unreferenced object 0xffff888012345678 (size 200):"
)
for r in "${reports[@]}"; do
	printf 'ok line\n%s\nafter\n' "$r" >"$tmp"
	if hit=$("$scan" "$tmp"); then
		echo "missed: $r"
		exit 1
	fi
	[ "$hit" = "$r" ] || { echo "wrong line reported: $hit"; exit 1; }
done

clean=(
	"[    0.0] Linux version 6.12.0-accmdev"
	"[    1.0] KernelAddressSanitizer initialized"
	"[    2.0] kmemleak: Kernel memory leak detector initialized"
	"[    3.0] vfio-pci 0000:00:01.0: enabling device"
	"qemu-system-x86_64: warning: host doesn't support requested feature"
	"[    4.0] kfence: initialized - using 2097152 bytes for 255 objects"
	"[    5.0] acc_sim: a WARNING-free line that mentions BUG-free code"
)
printf '%s\n' "${clean[@]}" >"$tmp"
"$scan" "$tmp" || { echo "false positive on a clean log"; exit 1; }
# Several reports: each is printed once, in order, a missing file is an error.
printf '%s\n' "${reports[0]}" "x" "${reports[1]}" "${reports[0]}" >"$tmp"
expect=$(printf '%s\n' "${reports[0]}" "${reports[1]}")
hit=$("$scan" "$tmp") && { echo "missed two reports"; exit 1; }
[ "$hit" = "$expect" ] || { echo "wrong lines for two reports: $hit"; exit 1; }
rc=0
"$scan" "$tmp.missing" >/dev/null || rc=$?
[ $rc = 2 ] || { echo "missing file: exit $rc, expected 2"; exit 1; }
echo "scanner OK: ${#reports[@]} reports caught, clean log passes"
