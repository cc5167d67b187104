# The simulator's PCI side (acc_sim.ko on top of acc_sim_iommu.ko): a ZIP PF
# on a software host bridge, VFs through the kernel's own pci_enable_sriov()
# (pci-pf-stub), one IOMMU group per function, FLR, vfio-pci on a VF, debugfs,
# unload refused while a driver is bound, 20 clean load/unload cycles.
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
pf=$SIM_PF
case_tmp
command -v lspci >/dev/null || fail "lspci missing (pciutils)"
if [ -d /sys/module/acc_sim ]; then fail "acc_sim already loaded"; fi
kmemleak_list >"$CASE_TMP/leaks"

sim_load
modprobe pci_pf_stub || fail "modprobe pci_pf_stub"
modprobe vfio_pci || fail "modprobe vfio_pci"

info "PF identity and capabilities"
line=$(lspci -nn -s $pf)
echo "$line"
case "$line" in
*"Processing accelerators [1200]"*"[19e5:a250] (rev 30)"*) ;;
*) fail "lspci -nn: $line" ;;
esac
lspci -vv -s $pf >"$CASE_TMP/pf.lspci"
for want in "Region 2: Memory at 170000000 (64-bit, prefetchable).*\[size=4M\]" \
	"Root Complex Integrated Endpoint" "FLReset+" \
	"MSI: Enable- Count=1/32 Maskable+ 64bit+" \
	"Single Root I/O Virtualization" "Total VFs: 63" \
	"VF offset: 1, stride: 1, Device ID: a251" \
	"Region 2: Memory at 0000000170400000 (64-bit, prefetchable)"; do
	grep -q "$want" "$CASE_TMP/pf.lspci" || {
		cat "$CASE_TMP/pf.lspci"
		fail "lspci -vv of the PF lacks '$want'"
	}
done
[ -e "$devs/$pf/iommu_group" ] || fail "PF has no IOMMU group"
expect_eq "PF sriov_totalvfs" "$(cat $devs/$pf/sriov_totalvfs)" 63
expect_eq "PF debugfs bars" "$(cat $dbg/$pf/bars)" "BAR2 0x170000000 0x400000"
expect_eq "PF irqs_raised" "$(cat $dbg/$pf/irqs_raised)" 0
[ -n "$(cat $dbg/$pf/iommu_domain)" ] || fail "empty iommu_domain"
for f in dma_stats dma_faults last_fault_iova; do
	cat "$dbg/$pf/$f" >/dev/null || fail "cannot read $f"
done
grep -q "^faults [0-9]*$" $dbg/$pf/dma_stats || fail "dma_stats: $(cat $dbg/$pf/dma_stats)"
err=$(write 0 $dbg/$pf/irq) && fail "irq hook with MSI disabled succeeded"
expect_eq "irq hook with MSI disabled" "$err" "No such device or address"
err=$(write "write 0x1000 16 0" $dbg/$pf/dma) && fail "dma without Bus Master succeeded"
expect_eq "dma hook without Bus Master" "$err" "Input/output error"
info "PF: $(cat $dbg/$pf/iommu_domain) domain, group $(group_of $pf)"

info "remove and rescan"
write 1 $devs/$pf/remove || fail "remove $pf"
if [ -e $devs/$pf ] || [ -e $dbg/$pf ]; then fail "$pf still there after remove"; fi
write 1 /sys/bus/pci/rescan || fail "rescan"
[ -e $devs/$pf ] || fail "$pf not found again by rescan"
grep -q "170000000-1703fffff : $pf" /proc/iomem || fail "PF BAR2 not claimed after rescan"
grep -q "170400000-1707effff : $pf" /proc/iomem || fail "VF BAR2 not claimed after rescan"
expect_eq "PF debugfs bars after rescan" "$(cat $dbg/$pf/bars)" "BAR2 0x170000000 0x400000"

info "SR-IOV through pci-pf-stub"
bind $pf pci-pf-stub
# A bound driver holds a reference on acc_sim: rmmod (kmod) sees it and
# refuses before asking the kernel.
err=$(rmmod acc_sim 2>&1) && fail "rmmod acc_sim with the PF bound succeeded"
expect_eq "rmmod acc_sim with the PF bound" "$err" "rmmod: ERROR: Module acc_sim is in use"

# MSI as the device sees it, programmed by hand (no irq allocated, so an
# unmasked vector is delivered nowhere): masking leaves it pending,
# unmasking sends it, disabling MSI drops what is pending.
info "MSI mask/pending semantics (PF, by setpci)"
msi() { setpci -s $pf "$@"; }
msi COMMAND=0x4:0x4 0x84.l=0xfef00000 0x88.l=0 0x8c.w=0 0x90.l=1 0x82.w=0x1:0x71
write 0 $dbg/$pf/irq || fail "raise masked vector 0"
expect_eq "pending after masked raise" "$(msi 0x94.l)" 00000001
err=$(write 1 $dbg/$pf/irq) && fail "vector 1 of 1 accepted"
expect_eq "vector beyond MME" "$err" "No such device or address"
msi 0x90.l=0
no_pending() { [ "$(msi 0x94.l)" = 00000000 ]; }
wait_for 5 "pending bit cleared by unmask" no_pending
msi 0x90.l=1
write 0 $dbg/$pf/irq || fail "raise masked vector 0 again"
expect_eq "pending again" "$(msi 0x94.l)" 00000001
msi 0x82.w=0:0x1
expect_eq "pending after MSI disable" "$(msi 0x94.l)" 00000000
msi 0x82.w=0x70:0x70
expect_eq "MME clamped to MMC (32)" "$(msi 0x82.w)" 01da
msi 0x82.w=0:0x70 0x90.l=0 0x84.l=0 COMMAND=0:0x4
expect_eq "irqs_raised (nothing reached a CPU)" "$(cat $dbg/$pf/irqs_raised)" 0
write 0 $devs/$pf/sriov_drivers_autoprobe || fail "sriov_drivers_autoprobe"
write 4 $devs/$pf/sriov_numvfs || fail "echo 4 > sriov_numvfs"
expect_eq "VFs" "$(find $devs/$pf/ -maxdepth 1 -name "virtfn*" | wc -l)" 4
groups="$(group_of $pf)"
for i in 1 2 3 4; do
	vf=10000:00:00.$i
	expect_eq "physfn of $vf" "$(basename "$(readlink $devs/$vf/physfn)")" $pf
	line=$(lspci -nn -s $vf)
	case "$line" in
	*"[19e5:a251] (rev 30)"*) ;;
	*) fail "lspci -nn: $line" ;;
	esac
	[ -e "$devs/$vf/iommu_group" ] || fail "$vf has no IOMMU group"
	groups="$groups $(group_of $vf)"
	expect_eq "$vf driver" "$(driver_of $vf)" ""
	expect_eq "$vf bars" "$(cat $dbg/$vf/bars)" \
		"BAR2 0x$(printf %x $((0x170400000 + (i - 1) * 0x10000))) 0x10000"
	out=$(lspci -vv -s $vf)
	case "$out" in
	*"MSI: Enable- Count=1/4 Maskable+ 64bit+"*) ;;
	*) fail "$vf MSI capability: $out" ;;
	esac
done
write 1 /sys/bus/pci/rescan || fail "rescan with VFs"
expect_eq "VFs after a rescan" "$(lspci -n -d 19e5:a251 | wc -l)" 4
expect_eq "distinct IOMMU groups" "$(echo "$groups" | tr ' ' '\n' | sort -u | wc -l)" 5
lspci -nn -d 19e5:
info "groups: $groups"

info "FLR"
vf=10000:00:00.1
expect_eq "$vf reset_method" "$(cat $devs/$vf/reset_method)" flr
write 1 $devs/$vf/reset || fail "VF reset"
write 1 $devs/$pf/reset || fail "PF reset with VFs enabled"
expect_eq "VFs after PF reset" "$(lspci -n -d 19e5:a251 | wc -l)" 4
out=$(lspci -vv -s $pf)
case "$out" in
*"IOVCtl:"?"Enable+ Migration- Interrupt- MSE+"*) ;;
*) fail "SR-IOV control not restored after PF FLR: $out" ;;
esac

info "vfio-pci on a VF"
bind $vf vfio-pci
[ -c /dev/vfio/"$(group_of $vf)" ] || fail "/dev/vfio/$(group_of $vf) missing"
write 1 $devs/$vf/reset || fail "VF reset under vfio-pci"
err=$(rmmod acc_sim 2>&1) && fail "rmmod acc_sim with vfio-pci bound succeeded"
expect_eq "rmmod acc_sim with vfio-pci bound" "$err" "rmmod: ERROR: Module acc_sim is in use"
spt=$ACC_REPO/test/user/sim_platform_test
[ -x "$spt" ] || fail "$spt not built (make -C test/user)"
# type1 (container) and iommufd both refuse a group without isolated
# MSI unless told otherwise: the sim's MSI domain must declare it.
unsafe=/sys/module/iommufd/parameters/allow_unsafe_interrupts
was=$(cat $unsafe)
write 0 $unsafe || fail "cannot clear $unsafe"
"$spt" irq container $vf || fail "MSI through vfio-pci (container)"
expect_eq "vfio_iommu_type1 unsafe interrupts" \
	"$(cat /sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts)" N
"$spt" irq iommufd $vf || fail "MSI through vfio-pci (iommufd)"
write "$was" $unsafe || fail "cannot restore $unsafe"
expect_eq "irqs_raised of $vf" "$(cat $dbg/$vf/irqs_raised)" 8
unbind $vf
write 0 $devs/$pf/sriov_numvfs || fail "echo 0 > sriov_numvfs"
unbind $pf
rmmod acc_sim || fail "rmmod acc_sim after unbinding"
if [ -e $devs/$pf ]; then fail "$pf still there after rmmod"; fi
if [ -e $dbg ]; then fail "$dbg still there after rmmod"; fi

info "unload with VFs enabled and no driver bound"
insmod "$SIM_KO" || fail "insmod acc_sim"
bind $pf pci-pf-stub
write 0 $devs/$pf/sriov_drivers_autoprobe || fail "sriov_drivers_autoprobe"
write 2 $devs/$pf/sriov_numvfs || fail "echo 2 > sriov_numvfs"
unbind $pf
expect_eq "VFs left enabled" "$(lspci -n -d 19e5:a251 | wc -l)" 2
rmmod acc_sim || fail "rmmod acc_sim with VFs enabled"
expect_eq "sim functions after rmmod" "$(lspci -n -d 19e5: | wc -l)" 0

info "other identity: engine=sec num_pfs=2 total_vfs=8"
insmod "$SIM_KO" engine=sec num_pfs=2 total_vfs=8 || fail "insmod engine=sec"
expect_eq "SEC PFs" "$(lspci -n -d 19e5:a255 | cut -d' ' -f1-3 | tr '\n' ' ')" \
	"10000:00:00.0 1000: 19e5:a255 10000:00:08.0 1000: 19e5:a255 "
expect_eq "second PF totalvfs" "$(cat $devs/10000:00:08.0/sriov_totalvfs)" 8
expect_eq "second PF bars" "$(cat $dbg/10000:00:08.0/bars)" "BAR2 0x170800000 0x400000"
[ "$(group_of 10000:00:08.0)" != "$(group_of $pf)" ] || fail "PFs share a group"
rmmod acc_sim || fail "rmmod engine=sec"

info "20 load/unload cycles"
for i in $(seq 20); do
	insmod "$SIM_KO" || fail "insmod #$i"
	[ -e $devs/$pf ] || fail "no PF in cycle $i"
	rmmod acc_sim || fail "rmmod #$i"
done
rmmod acc_sim_iommu || fail "rmmod acc_sim_iommu"

kmemleak_new "$CASE_TMP/leaks"
info "no new leaks"
