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
)
printf '%s\n' "${clean[@]}" >"$tmp"
"$scan" "$tmp" || { echo "false positive on a clean log"; exit 1; }
echo "scanner OK: ${#reports[@]} reports caught, clean log passes"
