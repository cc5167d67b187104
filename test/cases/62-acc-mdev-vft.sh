# acc_mdev programs each VF's queue pairs through the PF's VFT handshake
# (module parameter vft=1) and the simulator's QM model sees the ranges.
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
ko=$ACC_REPO/acc_mdev.ko
[ -f "$ko" ] || fail "$ko not built (make)"

cleanup() {
	set +e
	[ -e $devs/$SIM_PF/driver ] && write 0 $devs/$SIM_PF/sriov_numvfs
	[ -e $devs/$SIM_PF/driver ] && unbind $SIM_PF
	rmmod acc_mdev
	rmmod acc_sim acc_sim_iommu
}
sim_load qm_model=1
trap cleanup EXIT
modprobe mdev || fail "modprobe mdev"
insmod "$ko" vft=1 qp_per_vf=4 || fail "insmod acc_mdev vft=1"
write 4 $devs/$SIM_PF/sriov_numvfs || fail "echo 4 > sriov_numvfs"
for f in 1 2 3 4; do
	expect_eq "VF $f queues" "$(awk '$1 == "queues" { print $2 }' "$dbg/10000:00:00.$f/qm_stats")" \
		"$((f * 4))-$((f * 4 + 3))"
done
info "VFT: 4 queue pairs per VF at base 4*n"
