# The userspace ZIP client (test/user/zip_client) on a simulated ZIP VF
# through stock vfio-pci: the upstream hisi_zip driver binds the sim PF and
# assigns queues to the VFs (VFT), two VFs stay unbound, one goes to
# vfio-pci; 16 MiB are compressed and decompressed on the device and checked
# against userspace zlib through both open paths (vfio cdev + iommufd, group
# + type1 container). The throughput lines are the baseline the mdev must
# match later. Shorter runs cover polling, flat buffers, zlib and gzip.
. "$ACC_REPO/test/lib/common.sh"

. "$ACC_REPO/test/lib/sim.sh"
client=$ACC_REPO/test/user/zip_client
size=${ZIP_CLIENT_SIZE:-16777216}
algs=${ZIP_CLIENT_ALGS:-zlib gzip}
pf=$SIM_PF
vf=10000:00:00.1
case_tmp
[ -x "$client" ] || fail "$client not built (make -C test/user)"
if [ -d /sys/module/acc_sim ]; then fail "acc_sim already loaded"; fi

pf_bound() { [ "$(driver_of $pf)" = hisi_zip ]; }
# Best-effort teardown on any exit, so a failure does not leave the
# simulator loaded for the cases after this one.
teardown() {
	set +e
	[ -e $devs/$vf/driver ] && echo $vf >$devs/$vf/driver/unbind
	[ -e $devs/$vf/driver_override ] && echo >$devs/$vf/driver_override
	[ -e $devs/$pf/sriov_numvfs ] && echo 0 >$devs/$pf/sriov_numvfs
	[ -e $devs/$pf/driver ] && echo $pf >$devs/$pf/driver/unbind
	[ -d /sys/module/hisi_zip ] && rmmod hisi_zip
	[ -d /sys/module/acc_sim ] && rmmod acc_sim
	[ -d /sys/module/acc_sim_iommu ] && rmmod acc_sim_iommu
	rm -rf "$CASE_TMP"
} 2>/dev/null
trap teardown EXIT

sim_load engine=zip qm_model=1
modprobe vfio_pci || fail "modprobe vfio_pci"

info "hisi_zip on the sim PF (VFT set-up for the VFs)"
modprobe hisi_zip || fail "modprobe hisi_zip"
# hisi_zip claims 19e5:a250 by ID; if it was loaded before the PF existed
# the probe already ran, otherwise ask for it.
if ! pf_bound; then
	write "" "$devs/$pf/driver_override" || true
	write "$pf" /sys/bus/pci/drivers_probe || true
fi
pf_bound || {
	dmesg | grep -i 'hisi\|qm' | tail -n 30
	fail "hisi_zip did not bind $pf (driver: '$(driver_of $pf)')"
}
write 0 "$devs/$pf/sriov_drivers_autoprobe" || fail "sriov_drivers_autoprobe"
err=$(write 2 "$devs/$pf/sriov_numvfs") || {
	dmesg | grep -i 'hisi\|qm' | tail -n 30
	fail "echo 2 > sriov_numvfs through hisi_zip: $err"
}
expect_eq "VFs" "$(ls -d $devs/$pf/virtfn* | wc -l)" 2
expect_eq "$vf driver before binding" "$(driver_of $vf)" ""
bind $vf vfio-pci

# run NAME ARGS...: run the client, keep its output, print the summary lines.
run() {
	local name=$1 log
	shift
	log=$CASE_TMP/$name.log
	info "zip_client $* $vf"
	if ! "$client" "$@" $vf >"$log" 2>&1; then
		cat "$log"
		fail "zip_client ($name) failed"
	fi
	cat "$log"
	grep -q '^compress: jobs=' "$log" || fail "$name: no compress summary"
	grep -q '^decompress: jobs=' "$log" || fail "$name: no decompress summary"
}

irqs0=$(cat $dbg/$vf/irqs_raised 2>/dev/null || echo 0)
run iommufd --mode iommufd --irq --sgl --size "$size"
run container --mode container --irq --sgl --size "$size"
irqs1=$(cat $dbg/$vf/irqs_raised 2>/dev/null || echo 0)
[ "$irqs1" -gt "$irqs0" ] || fail "no MSI raised by $vf during the irq runs ($irqs0 -> $irqs1)"
run poll-flat --mode iommufd --poll --flat --size 4M --depth 16
run container-flat --mode container --irq --flat --size 4M --chunk 16K
for alg in $algs; do
	run "$alg" --mode iommufd --irq --sgl --alg "$alg" --size 1M
done

info "baseline (stock vfio-pci on a sim VF, $size bytes)"
for name in iommufd container; do
	sed -n "s/^\(compress\|decompress\): /$name \1: /p" "$CASE_TMP/$name.log"
	sed -n "s/^zip_client: mailbox: /$name mailbox: /p" "$CASE_TMP/$name.log"
done

info "clean-up"
write "$vf" "$devs/$vf/driver/unbind" || fail "unbind $vf"
write "" "$devs/$vf/driver_override" || fail "clear driver_override $vf"
write 0 "$devs/$pf/sriov_numvfs" || fail "echo 0 > sriov_numvfs"
write "$pf" "$devs/$pf/driver/unbind" || fail "unbind $pf from hisi_zip"
rmmod hisi_zip || fail "rmmod hisi_zip"
rmmod acc_sim || fail "rmmod acc_sim"
rmmod acc_sim_iommu || fail "rmmod acc_sim_iommu"
