# The data path through an mdev: zip_client (a guest-style ZIP driver in
# userspace) compresses and decompresses a workload through an mdev (vfio
# cdev + iommufd) and through the same VF bound to stock vfio-pci, in turn
# (A B A B ...), every run verified against userspace zlib. acc_mdev gave
# the VF its queue pairs through the PF's VFT: the client must see them
# (2 at base 2 for VF 1 with the default qp_per_vf=2), and the engine must
# have done the jobs for that VF. The device's compressed output must be
# the same bytes on every run (same engine, level and input).
#
# Throughput: the mdev mmaps BAR2's functional window and relays MSIs to
# eventfds as vfio-pci does, so nothing on the data path traps and
# mdev/vfio-pci should be ~1 (goal >= 0.98). Under TCG, runs of one path
# differ by 10-30% with host load, which only slows runs down: the case
# fails when the fastest mdev run (compress + decompress time) is slower
# than 1/0.90 of the fastest vfio-pci run; it prints every run's figures
# and the ratios over all runs too.
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
. "$ACC_REPO/test/lib/acc_mdev.sh"
client=$ACC_REPO/test/user/zip_client
size=${ZIP_MDEV_SIZE:-16M}
reps=${ZIP_MDEV_REPS:-3}
min_ratio=0.90
[ -x "$client" ] || fail "$client not built (make -C test/user)"
[ "$reps" -ge 1 ] || fail "ZIP_MDEV_REPS must be at least 1"
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

# run NAME DEVICE: one verified round trip; keeps NAME.log and NAME.out.
run() {
	local name=$1 dev=$2 log=$CASE_TMP/$1.log jobs0 jobs1 chunks
	jobs0=$(vf_jobs)
	if ! "$client" --mode iommufd --irq --sgl --size "$size" \
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

for i in $(seq "$reps"); do
	mdev_up
	run "mdev.$i" "$u"
	mdev_down
	unbind "$vf"
	bind "$vf" vfio-pci
	run "vfio.$i" "$vf"
	unbind "$vf"
	bind "$vf" acc_mdev-vf
done
expect_eq "available_instances after the runs" "$(acc_mdev_available)" 2

for f in "$CASE_TMP"/*.out; do
	cmp "$CASE_TMP/mdev.1.out" "$f" ||
		fail "compressed output of $(basename "$f" .out) differs from mdev.1"
done
info "compressed output identical in all $((2 * reps)) runs ($(stat -c %s "$CASE_TMP/mdev.1.out") bytes from $size)"

# Per path: summed seconds of all runs (compress, decompress) and the
# seconds of its fastest run (compress + decompress). Host load only ever
# slows a run down, so the fastest runs are what the verdict compares.
times() { # PATH
	cat "$CASE_TMP"/"$1".*.log | awk '
	/^compress: / { sub(/.* secs=/, ""); c = $1; sc += c }
	/^decompress: / { sub(/.* secs=/, ""); sd += $1
		if (!n++ || c + $1 < best) best = c + $1 }
	END { printf "%.3f %.3f %.3f", sc, sd, best }'
}
bytes=$(sed -n 's/^compress: jobs=[0-9]* in=\([0-9]*\) .*/\1/p' "$CASE_TMP/mdev.1.log")
info "MB/s of uncompressed data: summed over all runs, and the fastest run"
awk -v m="$(times mdev)" -v v="$(times vfio)" -v b="$bytes" -v reps="$reps" \
    -v min="$min_ratio" '
BEGIN {
	split(m, a); split(v, p)
	printf "mdev:     compress %.2f decompress %.2f, fastest run %.2f\n", reps * b / a[1] / 1e6, reps * b / a[2] / 1e6, 2 * b / a[3] / 1e6
	printf "vfio-pci: compress %.2f decompress %.2f, fastest run %.2f\n", reps * b / p[1] / 1e6, reps * b / p[2] / 1e6, 2 * b / p[3] / 1e6
	printf "throughput mdev/vfio-pci: all runs compress %.3f decompress %.3f both %.3f; fastest runs %.3f (goal >= 0.98, fails below %.2f)\n", p[1] / a[1], p[2] / a[2], (p[1] + p[2]) / (a[1] + a[2]), p[3] / a[3], min
	exit p[3] / a[3] < min
}' || fail "mdev throughput (fastest runs) below $min_ratio of vfio-pci's"
