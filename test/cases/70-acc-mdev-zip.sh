# The data path through an mdev: zip_client (a guest-style ZIP driver in
# userspace) compresses and decompresses a workload through an mdev (vfio
# cdev + iommufd) and through the same VF bound to stock vfio-pci, in turn,
# every run verified against userspace zlib. acc_mdev gave the VF its queue
# pairs through the PF's VFT: the client must see them (2 at base 2 for VF 1
# with the default qp_per_vf=2), and the engine must have done the jobs for
# that VF. The device's compressed output must be the same bytes on every
# run (same engine, level and input).
#
# Throughput: the mdev mmaps BAR2's functional window and relays MSIs to
# eventfds as vfio-pci does, so nothing on the data path traps and
# mdev/vfio-pci should be ~1 (goal >= 0.98). The VM runs under QEMU -icount:
# guest time counts instructions executed, so host load no longer moves the
# ratio. The case still measures in pairs: after an untimed warm-up run on
# each path, ZIP_MDEV_PAIRS pairs run in ABBA order (mdev first in odd
# pairs, vfio-pci first in even ones) to cancel drift within the guest.
# Each pair gives a ratio of vfio-pci time to mdev time (compress +
# decompress); the verdict is their median, which fails below min_ratio
# (0.98, the goal). The ratio of summed times and of the fastest runs are
# printed too. The VF is back on acc_mdev-vf after the runs and the case
# ends with the strict teardown.
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
. "$ACC_REPO/test/lib/acc_mdev.sh"
client=$ACC_REPO/test/user/zip_client
size=${ZIP_MDEV_SIZE:-8M}
pairs=${ZIP_MDEV_PAIRS:-4}
min_ratio=0.98
[ -x "$client" ] || fail "$client not built (make -C test/user)"
[ "$pairs" -ge 1 ] || fail "ZIP_MDEV_PAIRS must be at least 1"
case_tmp
u=""
vf=""

# Best effort (no fail): acc_mdev_cleanup goes on after this.
case_cleanup() {
	if [ -n "$vf" ] && [ "$(driver_of "$vf")" = vfio-pci ]; then
		write "$vf" "$devs/$vf/driver/unbind"
		write "" "$devs/$vf/driver_override"
	fi
}
acc_mdev_setup 2
modprobe vfio_pci || fail "modprobe vfio_pci"

mdev_up() {
	u=$(new_uuid)
	acc_mdev_create "$u"
	if [ -z "$vf" ]; then
		vf=$(acc_mdev_vf_of "$u")
	fi
	expect_eq "VF backing mdev $u" "$(acc_mdev_vf_of "$u")" "$vf"
}

mdev_down() {
	acc_mdev_remove "$u"
	u=""
}

vf_jobs() {
	awk '$1 == "jobs" { print $2 }' "$dbg/$vf/qm_stats"
}

# run NAME DEVICE [SIZE]: one verified round trip; keeps NAME.log, NAME.out.
run() {
	local name=$1 dev=$2 log=$CASE_TMP/$1.log jobs0 jobs1 chunks
	jobs0=$(vf_jobs)
	if ! "$client" --mode iommufd --irq --sgl --size "${3:-$size}" \
		--out "$CASE_TMP/$name.out" "$dev" >"$log" 2>&1; then
		cat "$log"
		fail "zip_client ($name) failed"
	fi
	jobs1=$(vf_jobs)
	grep -q ' queues=2+2 ' "$log" || {
		cat "$log"
		fail "$name: the client does not see VF 1's queue pairs 2+2 (VFT)"
	}
	chunks=$(sed -n 's/^compress: jobs=\([0-9]*\) .*/\1/p' "$log")
	[ -n "$chunks" ] || { cat "$log"; fail "$name: no compress summary"; }
	grep -q '^decompress: jobs=' "$log" || { cat "$log"; fail "$name: no decompress summary"; }
	expect_eq "$name: jobs done by $vf" "$((jobs1 - jobs0))" "$((2 * chunks))"
	echo "$name: $(grep -h '^compress: \|^decompress: ' "$log" | awk '{ print $1, $5, $6 }' | xargs)" \
		"$(sed -n 's/^zip_client: mailbox: .* \(irqs=[0-9]*\).*\( spurious=[0-9]*\).*/\1\2/p' "$log")"
}

# run_mdev NAME [SIZE] / run_vfio NAME [SIZE]: one run on that path.
run_mdev() {
	mdev_up
	run "$1" "$u" "${2:-}"
	mdev_down
}

run_vfio() {
	unbind "$vf"
	bind "$vf" vfio-pci
	run "$1" "$vf" "${2:-}"
	unbind "$vf"
	bind "$vf" acc_mdev-vf
}

run_mdev warm.mdev 1M
run_vfio warm.vfio 1M
rm -f "$CASE_TMP"/warm.*.out
for i in $(seq "$pairs"); do
	if [ $((i % 2)) = 1 ]; then
		run_mdev "mdev.$i"
		run_vfio "vfio.$i"
	else
		run_vfio "vfio.$i"
		run_mdev "mdev.$i"
	fi
done
expect_eq "available_instances after the runs" "$(acc_mdev_available)" 2

for f in "$CASE_TMP"/*.out; do
	cmp "$CASE_TMP/mdev.1.out" "$f" ||
		fail "compressed output of $(basename "$f" .out) differs from mdev.1"
done
info "compressed output identical in all $((2 * pairs)) runs ($(stat -c %s "$CASE_TMP/mdev.1.out") bytes from $size)"

# secs NAME: compress and decompress seconds of one run.
secs() {
	awk '/^compress: / { sub(/.* secs=/, ""); c = $1 }
	     /^decompress: / { sub(/.* secs=/, ""); d = $1 }
	     END { printf "%s %s", c, d }' "$CASE_TMP/$1.log"
}
bytes=$(sed -n 's/^compress: jobs=[0-9]* in=\([0-9]*\) .*/\1/p' "$CASE_TMP/mdev.1.log")
for i in $(seq "$pairs"); do
	echo "$(secs "mdev.$i") $(secs "vfio.$i")"
done >"$CASE_TMP/pairs"
awk '{ printf "pair %d: mdev %.3f s, vfio-pci %.3f s, ratio %.3f\n", NR, $1 + $2, $3 + $4, ($3 + $4) / ($1 + $2) }' "$CASE_TMP/pairs"
median=$(awk '{ print ($3 + $4) / ($1 + $2) }' "$CASE_TMP/pairs" | sort -g |
	awk '{ r[NR] = $1 } END { print NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2 }')
verdict=0
awk -v b="$bytes" -v med="$median" -v min="$min_ratio" '
{
	mc += $1; md += $2; vc += $3; vd += $4
	if (NR == 1 || $1 + $2 < bm) bm = $1 + $2
	if (NR == 1 || $3 + $4 < bv) bv = $3 + $4
}
END {
	printf "MB/s of uncompressed data over all runs: mdev compress %.2f decompress %.2f; vfio-pci compress %.2f decompress %.2f\n", NR * b / mc / 1e6, NR * b / md / 1e6, NR * b / vc / 1e6, NR * b / vd / 1e6
	printf "throughput mdev/vfio-pci: median of %d pairs %.3f; summed times %.3f (compress %.3f decompress %.3f); fastest runs %.3f (goal >= 0.98, fails below %.2f)\n", NR, med, (vc + vd) / (mc + md), vc / mc, vd / md, bv / bm, min
	exit med < min
}' "$CASE_TMP/pairs" || verdict=1
# Undo the setup strictly before the verdict: a leak shows either way.
expect_eq "driver of $vf after the runs" "$(driver_of "$vf")" acc_mdev-vf
acc_mdev_teardown
[ $verdict = 0 ] ||
	fail "mdev throughput (median pair ratio $median) below $min_ratio of vfio-pci's"
