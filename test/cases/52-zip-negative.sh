# Negative requests to the simulated ZIP VF through stock vfio-pci (the
# upstream hisi_zip driver owns the PF and assigns the VF's queues): garbage
# SQEs, source/destination outside the IOAS, invalid mailbox commands and
# queues outside the VF's VFT range all end in error completions or error
# statuses, are counted in the model's debugfs, write nothing, and the VF
# still works afterwards (test/user/zip_negative). SQ doorbells for queues
# outside the VFT range are taken by the model and ignored: no queue, no
# counter moves (checked by zip_negative --sim-stats around each). Each run
# has exact counts: 8 jobs run (2 good, 6 bad), 6 job errors, 2 DMA faults
# (source and destination outside the IOAS; the other bad SQEs fail before
# any DMA), 4 mailbox errors. How many SQ doorbells the model counts is not
# exact: it may find an SQE by its lost-doorbell scan instead. No kernel
# splat.
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
neg=$ACC_REPO/test/user/zip_negative
[ -x "$neg" ] || fail "$neg not built (make -C test/user)"
if [ -d /sys/module/acc_sim ]; then fail "acc_sim already loaded"; fi
vf=10000:00:00.1

cleanup() {
	set +e
	[ -e $devs/$vf/driver ] && unbind $vf
	[ -e $devs/$SIM_PF/sriov_numvfs ] && echo 0 >$devs/$SIM_PF/sriov_numvfs
	[ -e $devs/$SIM_PF/driver ] && echo $SIM_PF >$devs/$SIM_PF/driver/unbind
	[ -d /sys/module/hisi_zip ] && rmmod hisi_zip
	[ -d /sys/module/acc_sim ] && rmmod acc_sim
	[ -d /sys/module/acc_sim_iommu ] && rmmod acc_sim_iommu
} 2>/dev/null
trap cleanup EXIT
stat_of() { # DEV COUNTER
	sed -n "s/^$2 //p" "$dbg/$1/qm_stats"
}

sim_load qm_model=1
modprobe vfio_pci || fail "modprobe vfio_pci"
modprobe hisi_zip || fail "modprobe hisi_zip"
expect_eq "driver of $SIM_PF" "$(driver_of $SIM_PF)" hisi_zip
write 0 $devs/$SIM_PF/sriov_drivers_autoprobe || fail "sriov_drivers_autoprobe"
write 2 $devs/$SIM_PF/sriov_numvfs || fail "echo 2 > sriov_numvfs"
bind $vf vfio-pci
pf_mb0=$(stat_of $SIM_PF mb_errors)

for mode in iommufd container; do
	faults0=$(cat $dbg/$vf/dma_faults)
	mb0=$(stat_of $vf mb_errors)
	jbe0=$(stat_of $vf job_errors)
	jobs0=$(stat_of $vf jobs)
	info "zip_negative --mode $mode --sim-stats $dbg/$vf $vf"
	"$neg" --mode $mode --sim-stats "$dbg/$vf" $vf || fail "zip_negative ($mode)"
	faults=$(($(cat $dbg/$vf/dma_faults) - faults0))
	mbe=$(($(stat_of $vf mb_errors) - mb0))
	jbe=$(($(stat_of $vf job_errors) - jbe0))
	jobs=$(($(stat_of $vf jobs) - jobs0))
	info "$mode: DMA faults $faults, mailbox errors $mbe, job errors $jbe, jobs $jobs"
	expect_eq "$mode: DMA faults outside the IOAS" "$faults" 2
	expect_eq "$mode: mailbox errors" "$mbe" 4
	expect_eq "$mode: job errors" "$jbe" 6
	expect_eq "$mode: jobs run" "$jobs" 8
done
cat $dbg/$vf/qm_stats
expect_eq "PF mailbox errors" "$(stat_of $SIM_PF mb_errors)" "$pf_mb0"
expect_eq "jobs on the other VF" "$(stat_of 10000:00:00.2 jobs)" 0
expect_eq "SQ doorbells on the other VF" "$(stat_of 10000:00:00.2 sq_doorbells)" 0

info "clean-up"
unbind $vf
write 0 $devs/$SIM_PF/sriov_numvfs || fail "echo 0 > sriov_numvfs"
rmmod hisi_zip || fail "rmmod hisi_zip"
rmmod acc_sim || fail "rmmod acc_sim"
rmmod acc_sim_iommu || fail "rmmod acc_sim_iommu"
