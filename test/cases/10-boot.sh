# The test kernel has what every later case relies on.
. "$ACC_REPO/test/lib/common.sh"

[ -c /dev/iommu ] || fail "/dev/iommu missing (CONFIG_IOMMUFD)"
[ -c /dev/vfio/vfio ] || fail "/dev/vfio/vfio missing (CONFIG_VFIO_CONTAINER)"
builtin=/lib/modules/$(uname -r)/modules.builtin
for m in vfio iommufd; do
	grep -q "/$m.ko\$" "$builtin" || fail "$m is not built into the kernel"
done
modprobe mdev || fail "cannot load mdev"
[ -d /sys/module/mdev ] || fail "mdev module not present after modprobe"
[ -d /sys/class/mdev_bus ] || fail "/sys/class/mdev_bus missing"
for m in hisi_qm hisi_zip hisi_sec2 hisi_hpre hisi_acc_vfio_pci vfio_pci mtty pci_pf_stub; do
	modinfo "$m" >/dev/null || fail "module $m not built"
done
# The debug features that make a run worth trusting.
dmesg | grep "KernelAddressSanitizer initialized" >/dev/null || fail "KASAN not active"
[ -e /proc/lockdep ] || fail "lockdep not active"
[ -e /sys/kernel/debug/kmemleak ] || fail "kmemleak not active"
grep -q "memmap=" /proc/cmdline || fail "no memmap= window on the command line"
info "kernel $(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ {print $2}' /proc/meminfo) kB"
