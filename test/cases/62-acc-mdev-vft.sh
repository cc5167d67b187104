# acc_mdev's PF probe runs the QM memory init; it assigns each VF its queue
# pairs through the PF's VFT (SQC and CQC entries, each read back) and the
# simulator's QM model sees the ranges; disabling the VFs clears their
# entries; qp_per_vf is checked against the queue count the device reports
# (256 in the simulator): out of range it fails insmod with EINVAL ("Invalid
# parameters"), too large for the device the probe with EINVAL; an entry the
# device does not hold fails sriov_numvfs with EIO; a PF whose VFs another
# driver left enabled fails its probe with EBUSY.
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
. "$ACC_REPO/test/lib/acc_mdev.sh"
stuck=/sys/module/acc_sim/parameters/vft_stuck_bits

qp_num_of() {
	awk '$1 == "qp_num" { print $2 }' "$dbg/$1/qm_stats"
}

# dmesg_since N PATTERN: PATTERN in the kernel log after its first N lines.
dmesg_since() {
	dmesg | tail -n +"$(($1 + 1))" | grep -e "$2" >/dev/null
}

acc_mdev_setup 4 qp_per_vf=4
expect_eq "QM memory inits by the PF driver's probe" \
	"$(awk '$1 == "mem_inits" { print $2 }' "$dbg/$SIM_PF/qm_stats")" 1
for f in 1 2 3 4; do
	expect_eq "VF $f queues" "$(awk '$1 == "queues" { print $2 }' "$dbg/10000:00:00.$f/qm_stats")" \
		"$((f * 4))-$((f * 4 + 3))"
done
info "VFT: 4 queue pairs per VF at base 4*n"

# The model keeps a VF's VFT entries while VF Enable is off; pci-pf-stub
# programs none, so VFs it enables show what acc_mdev left behind.
write 0 $devs/$SIM_PF/sriov_numvfs >/dev/null || fail "disable VFs"
unbind $SIM_PF
sim_vfs 4
for f in 1 2 3 4; do
	expect_eq "VF $f qp_num after acc_mdev disabled the VFs" "$(qp_num_of 10000:00:00.$f)" 0
done
info "VFT entries cleared when the VFs were disabled"

# pci-pf-stub leaves its VFs enabled when unbound: acc_mdev must not take
# a PF whose VFs have queues it did not assign.
unbind $SIM_PF
n=$(dmesg | wc -l)
# The driver core logs a failed probe and drivers_probe itself succeeds.
err=$(write $SIM_PF /sys/bus/pci/drivers_probe) || fail "drivers_probe: $err"
expect_eq "PF driver with 4 VFs left enabled" "$(driver_of $SIM_PF)" ""
dmesg_since "$n" "acc_mdev $SIM_PF: 4 VFs already enabled" ||
	fail "no error naming the 4 VFs already enabled"
dmesg_since "$n" "$SIM_PF: probe with driver acc_mdev failed with error -16$" ||
	fail "the probe with 4 VFs left enabled did not fail with EBUSY (-16)"
bind $SIM_PF pci-pf-stub
write 0 $devs/$SIM_PF/sriov_numvfs >/dev/null || fail "disable VFs (pci-pf-stub)"
write 1 $devs/$SIM_PF/sriov_drivers_autoprobe || fail "sriov_drivers_autoprobe"
unbind $SIM_PF
rmmod acc_mdev || fail "rmmod acc_mdev"
info "PF with VFs already enabled refused"

# The parameter's set op refuses with EINVAL, which insmod (kmod) words
# "Invalid parameters"; the kernel names the value.
for bad in 0 1025 x; do
	n=$(dmesg | wc -l)
	if err=$(insmod "$ACC_MDEV_KO" qp_per_vf=$bad 2>&1); then
		fail "insmod acc_mdev qp_per_vf=$bad accepted"
	fi
	expect_eq "insmod acc_mdev qp_per_vf=$bad" "${err##*: }" "Invalid parameters"
	dmesg_since "$n" "acc_mdev: \`$bad' invalid for parameter \`qp_per_vf'" ||
		fail "no kernel message refusing qp_per_vf=$bad"
done
[ ! -d /sys/module/acc_mdev ] || fail "acc_mdev loaded after refused parameters"
n=$(dmesg | wc -l)
insmod "$ACC_MDEV_KO" qp_per_vf=200 || fail "insmod acc_mdev qp_per_vf=200"
expect_eq "PF driver with qp_per_vf=200" "$(driver_of $SIM_PF)" ""
dmesg_since "$n" "qp_per_vf=200: the device's 256 queue pairs leave none" ||
	fail "no error naming qp_per_vf=200 and the device's 256 queue pairs"
dmesg_since "$n" "$SIM_PF: probe with driver acc_mdev failed with error -22$" ||
	fail "the probe with qp_per_vf=200 did not fail with EINVAL (-22)"
rmmod acc_mdev || fail "rmmod acc_mdev"
info "qp_per_vf 0, 1025, x refused at load; 200 refused at probe"

# 64 per VF: the PF's block and 3 VFs fill the 256 queue pairs.
acc_mdev_load qp_per_vf=64
n=$(dmesg | wc -l)
expect_eq "4 VFs x 64 queue pairs" "$(write 4 $devs/$SIM_PF/sriov_numvfs)" "No space left on device"
dmesg_since "$n" "at most 3 VFs" || fail "no error naming the 3 VFs that fit"
expect_eq "sriov_numvfs after ENOSPC" "$(cat $devs/$SIM_PF/sriov_numvfs)" 0
acc_mdev_vfs 3
expect_eq "VF 3 queues" "$(awk '$1 == "queues" { print $2 }' "$dbg/10000:00:00.3/qm_stats")" 192-255
write 0 $devs/$SIM_PF/sriov_numvfs >/dev/null || fail "disable VFs"
info "4 VFs x 64 refused with ENOSPC, 3 VFs fit"

# A VFT that drops the SQC valid bit (44): read-back mismatch, EIO, no VFs.
echo $((1 << 44)) >$stuck || fail "set $stuck"
n=$(dmesg | wc -l)
expect_eq "sriov_numvfs with VFT bit 44 stuck" "$(write 2 $devs/$SIM_PF/sriov_numvfs)" "Input/output error"
write 0 $stuck || fail "clear $stuck"
dmesg_since "$n" "VFT SQC of function 1 reads back 0x0007e00400000000, wrote 0x0007f00400000000" ||
	fail "no read-back mismatch error for function 1"
expect_eq "sriov_numvfs after EIO" "$(cat $devs/$SIM_PF/sriov_numvfs)" 0
acc_mdev_vfs 2
expect_eq "VF 1 queues after the fault" "$(awk '$1 == "queues" { print $2 }' "$dbg/10000:00:00.1/qm_stats")" 64-127
info "VFT read-back mismatch fails sriov_numvfs with EIO"
acc_mdev_teardown
