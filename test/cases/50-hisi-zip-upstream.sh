# The upstream hisi_zip driver (test kernel, COMPILE_TEST) on the simulated
# QM/ZIP model: it binds the sim PF, enables 4 VFs through sriov_numvfs and
# binds one, and a deflate round trip through the crypto acomp API resolves
# to hisi-deflate-acomp and comes back bit-exactly on the PF and on a VF
# (pf_q_num=2 leaves the PF room for one transform only, so a second one
# held at the same time gets VF queues; the model's counters tell which
# function did the jobs). Every piece the device compressed is inflated by
# the kernel's zlib (software) too. No driver error in the kernel log;
# clean unload.
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
rt=$ACC_REPO/test/sim-clients/acomp_roundtrip.ko
[ -f "$rt" ] || fail "$rt not built (make -C \$KDIR M=test/sim-clients modules)"
if [ -d /sys/module/acc_sim ]; then fail "acc_sim already loaded"; fi
vf=10000:00:00.1

cleanup() {
	set +e
	[ -d /sys/module/acomp_roundtrip ] && rmmod acomp_roundtrip
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

# Transforms whose every piece the software deflate also inflated.
cross_checked() {
	dmesg | grep -c 'round trip ok, [0-9]* inflated by zlib too$' ||
		[ $? = 1 ]
}

sim_load qm_model=1 ${ACC_SIM_ARGS:-}
info "modprobe hisi_zip pf_q_num=2"
modprobe hisi_zip pf_q_num=2 || fail "modprobe hisi_zip"
if [ "$(driver_of $SIM_PF)" != hisi_zip ]; then
	cat $dbg/$SIM_PF/qm_stats
	fail "hisi_zip did not bind $SIM_PF"
fi
grep -q hisi-deflate-acomp /proc/crypto || fail "hisi-deflate-acomp not registered"
cat $dbg/$SIM_PF/qm_stats

info "round trip on the PF"
x0=$(cross_checked)
insmod "$rt" || fail "acomp round trip on the PF"
rmmod acomp_roundtrip
expect_eq "transforms cross-checked in software" $(($(cross_checked) - x0)) 1
pf_jobs=$(stat_of $SIM_PF jobs)
[ "$pf_jobs" -gt 0 ] || fail "the PF did no jobs"

info "4 VFs"
write 4 $devs/$SIM_PF/sriov_numvfs || fail "echo 4 > sriov_numvfs"
expect_eq "VFs" "$(ls -d $devs/$SIM_PF/virtfn* | wc -l)" 4
expect_eq "driver of $vf" "$(driver_of $vf)" hisi_zip
for d in $devs/$SIM_PF/virtfn*; do
	v=$(basename "$(readlink "$d")")
	info "$v: $(driver_of "$v"), $(stat_of "$v" queues) ($(stat_of "$v" qp_num) queues)"
done

info "round trip on the PF and a VF (two transforms at once)"
vf_jobs0=$(stat_of $vf jobs)
x0=$(cross_checked)
insmod "$rt" tfms=2 || fail "acomp round trip with two transforms"
rmmod acomp_roundtrip
expect_eq "transforms cross-checked in software" $(($(cross_checked) - x0)) 2
vf_jobs=$(($(stat_of $vf jobs) - vf_jobs0))
[ "$vf_jobs" -gt 0 ] || fail "$vf did no jobs"
info "jobs: PF $(stat_of $SIM_PF jobs), $vf $vf_jobs"
for d in $SIM_PF $vf; do
	echo "== $d"
	cat $dbg/$d/qm_stats
done

info "no driver errors"
# "All 2 queues of QM are busy!" is hisi_qm telling that the PF is full and
# the second transform goes to a VF: the path this case sets up.
if dmesg | grep -iE 'hisi_zip|hisi_qm' | grep -v 'queues of QM are busy!$' |
	grep -iE 'fail|error|timeout|busy'; then
	fail "driver errors in the kernel log"
fi

info "clean-up"
write 0 $devs/$SIM_PF/sriov_numvfs || fail "echo 0 > sriov_numvfs"
rmmod hisi_zip || fail "rmmod hisi_zip"
rmmod acc_sim || fail "rmmod acc_sim"
rmmod acc_sim_iommu || fail "rmmod acc_sim_iommu"
