# libvirt drives an acc_mdev: libvirtd (11.x, monolithic daemon) with its
# QEMU and node device drivers lists the mdev as a node device and starts a
# paused TCG domain whose <hostdev type='mdev' model='vfio-pci'> is the
# mdev. libvirt 11.3 has no iommufd option for hostdevs, and acc_mdev
# refuses type1 containers, so the domain adds `-object iommufd` through
# <qemu:commandline> and sets iommufd= on libvirt's own vfio-pci device
# through <qemu:override>. QEMU (backports 10.x) realizes 19e5:a251 ("info
# pci" through virsh), holds the mdev's vfio cdev and /dev/iommu, the VF
# sits in the user's IOAS and a second open is refused (the vfio core fails
# VFIO_DEVICE_BIND_IOMMUFD of a device open through its cdev with EINVAL);
# after virsh destroy the VF is back in its own domain and mdev_check opens
# the mdev again.
#
# libvirtd runs in its own mount namespace with /etc/libvirt, /run/libvirt,
# /var/{lib,cache,log}/libvirt bound to the case's temp dir, so nothing it
# writes outlives the case. Sandboxing is off (inside the test VM only):
# QEMU runs as root, no security driver, cgroups or namespaces (no systemd,
# machined or AppArmor here); QEMU's stdio goes to a file (no virtlogd).
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
. "$ACC_REPO/test/lib/acc_mdev.sh"
for b in libvirtd virsh qemu-system-x86_64 unshare; do
	command -v $b >/dev/null || fail "$b not installed (test/setup-host.sh)"
done
libvirtd --version | grep ' 11\.' >/dev/null ||
	fail "libvirtd is not 11.x (bookworm-backports): $(libvirtd --version)"
qemu-system-x86_64 --version | head -1 | grep "version 10\." >/dev/null ||
	fail "qemu-system-x86_64 is not QEMU 10: $(qemu-system-x86_64 --version | head -1)"
[ -x "$MDEV_CHECK" ] || fail "$MDEV_CHECK not built (make -C test/user)"
case_tmp
lv=$CASE_TMP/libvirt
dom=acc-mdev-71
lv_pid=""
qemu_pid=""
made_run=""
export LIBVIRT_DEFAULT_URI="qemu+unix:///system?socket=$lv/sock/libvirt-sock"

vsh() {
	timeout 120 virsh "$@"
}

pid_gone() {
	[ ! -d "/proc/$1" ]
}

# Best effort (no fail): acc_mdev_cleanup removes the mdev after this, so
# QEMU must be gone first.
case_cleanup() {
	if [ -n "$lv_pid" ]; then
		vsh "destroy $dom; undefine $dom" >/dev/null 2>&1
	fi
	if [ -n "$qemu_pid" ] && [ -d "/proc/$qemu_pid" ]; then
		kill -9 "$qemu_pid"
		for _ in $(seq 100); do pid_gone "$qemu_pid" && break; sleep 0.1; done
	fi
	if [ -n "$lv_pid" ]; then
		kill "$lv_pid" && wait "$lv_pid"
	fi
	[ -n "$made_run" ] && rmdir /run/libvirt
	return 0
}

# lv_dump: libvirtd's and QEMU's logs, for a failure.
lv_dump() {
	echo "--- libvirtd log"
	cat "$lv/libvirtd.log" "$lv/libvirtd.out" 2>/dev/null
	echo "--- QEMU log"
	cat "$lv/log/qemu/$dom.log" 2>/dev/null
}

lv_fail() {
	lv_dump
	fail "$@"
}

lv_start() {
	mkdir -p "$lv"/{etc,run,lib/qemu,cache/qemu,log/qemu,sock}
	cp -a /etc/libvirt/. "$lv/etc/"
	cat >"$lv/etc/qemu.conf" <<-EOF
		user = "root"
		group = "root"
		dynamic_ownership = 0
		remember_owner = 0
		security_driver = "none"
		cgroup_controllers = [ ]
		namespaces = [ ]
		stdio_handler = "file"
	EOF
	cat >"$lv/etc/libvirtd.conf" <<-EOF
		unix_sock_dir = "$lv/sock"
		auth_unix_rw = "none"
		auth_unix_ro = "none"
		log_outputs = "3:file:$lv/libvirtd.log"
	EOF
	if [ ! -d /run/libvirt ]; then
		mkdir /run/libvirt
		made_run=1
	fi
	# libvirtd probes every qemu-system-* it finds before it answers,
	# ~30 s each here; the domain needs only x86_64, so i386 is hidden
	# (a non-executable empty file) in libvirtd's namespace.
	: >"$lv/no-emulator"
	# shellcheck disable=SC2016 # expanded by the inner shell
	unshare -m --propagation private sh -ec '
		if [ -e /usr/bin/qemu-system-i386 ]; then
			mount --bind "$1/no-emulator" /usr/bin/qemu-system-i386
		fi
		mount --bind "$1/etc" /etc/libvirt
		mount --bind "$1/run" /run/libvirt
		mount --bind "$1/lib" /var/lib/libvirt
		mount --bind "$1/cache" /var/cache/libvirt
		mount --bind "$1/log" /var/log/libvirt
		exec libvirtd --config /etc/libvirt/libvirtd.conf \
			--pid-file "$1/libvirtd.pid"
	' sh "$lv" >"$lv/libvirtd.out" 2>&1 &
	lv_pid=$!
}

acc_mdev_setup 4
u=$(new_uuid)
# Before libvirtd starts: without udevd in the VM, the node device driver
# sees what exists when it enumerates, not later uevents.
acc_mdev_create "$u"
vf=$(acc_mdev_vf_of "$u")
grp=$(basename "$(readlink "$mdevs/$u/iommu_group")")
vf_dom=$(cat "$dbg/$vf/iommu_domain")
avail=$(acc_mdev_available)
info "mdev $u: VF $vf, group $grp, VF domain $vf_dom, available $avail"

start=$(date +%s)
lv_start
# The QEMU driver probes QEMU's capabilities before libvirtd answers.
until virsh -q version >"$CASE_TMP/version" 2>&1; do
	[ -d "/proc/$lv_pid" ] || lv_fail "libvirtd exited"
	[ $(($(date +%s) - start)) -lt 300 ] ||
		lv_fail "libvirtd did not answer within 300 s"
	sleep 0.5
done
info "libvirtd up in $(($(date +%s) - start)) s: $(grep -i 'running hypervisor' "$CASE_TMP/version")"

# Several commands per virsh: starting any process costs seconds in this
# VM. virsh runs them all and exits with the last one's status, so the
# checks below look at what each printed.

# The node device driver (udev backend, enumeration only), which names an
# mdev mdev_<uuid>_<parent address>.
nd=mdev_$(tr - _ <<<"$u")_$(tr :. __ <<<"$SIM_PF")
vsh "nodedev-list --cap mdev; nodedev-dumpxml $nd" >"$CASE_TMP/nodedev" 2>&1 ||
	lv_fail "nodedev-list / nodedev-dumpxml $nd: $(cat "$CASE_TMP/nodedev")"
sed '/^<device>/,$d; /^$/d' "$CASE_TMP/nodedev" >"$CASE_TMP/nodedevs"
info "nodedev-list --cap mdev: $(tr '\n' ' ' <"$CASE_TMP/nodedevs")"
grep -qx "$nd" "$CASE_TMP/nodedevs" ||
	lv_fail "nodedev-list --cap mdev does not list $nd"
sed -n '/^<device>/,/^<\/device>/p' "$CASE_TMP/nodedev" >"$CASE_TMP/nodedev.xml"
cat "$CASE_TMP/nodedev.xml"
grep -q "<type id='acc_mdev-zip'/>" "$CASE_TMP/nodedev.xml" ||
	fail "nodedev $nd: type is not acc_mdev-zip"
grep -q "<uuid>$u</uuid>" "$CASE_TMP/nodedev.xml" ||
	fail "nodedev $nd: uuid is not $u"
grep -q "<iommuGroup number='$grp'/>" "$CASE_TMP/nodedev.xml" ||
	fail "nodedev $nd: iommuGroup is not $grp"
grep -q "<parent>pci_$(tr :. __ <<<"$SIM_PF")</parent>" "$CASE_TMP/nodedev.xml" ||
	fail "nodedev $nd: parent is not the PF $SIM_PF"

# The hostdev sits on pcie.0: behind a root port (libvirt's default on q35)
# it is missing from "info pci" until firmware numbers the buses, and the
# domain stays paused.
cat >"$CASE_TMP/dom.xml" <<EOF
<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>$dom</name>
  <memory unit='MiB'>128</memory>
  <os><type arch='x86_64' machine='q35'>hvm</type></os>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <controller type='usb' model='none'/>
    <memballoon model='none'/>
    <hostdev mode='subsystem' type='mdev' model='vfio-pci'>
      <source><address uuid='$u'/></source>
      <alias name='ua-acc0'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>
    </hostdev>
  </devices>
  <qemu:commandline>
    <qemu:arg value='-object'/>
    <qemu:arg value='iommufd,id=ifd0'/>
  </qemu:commandline>
  <qemu:override>
    <qemu:device alias='ua-acc0'>
      <qemu:frontend>
        <qemu:property name='iommufd' type='string' value='ifd0'/>
      </qemu:frontend>
    </qemu:device>
  </qemu:override>
</domain>
EOF
start=$(date +%s)
vsh "define --validate $CASE_TMP/dom.xml; start --paused $dom; domstate $dom" \
	>"$CASE_TMP/start" 2>&1 || true
cat "$CASE_TMP/start"
[ "$(sed '/^$/d' "$CASE_TMP/start" | tail -n1)" = paused ] ||
	lv_fail "domain $dom not defined and started paused"
info "domain defined and started (paused) in $(($(date +%s) - start)) s"
[ -e "$lv/etc/qemu/$dom.xml" ] || lv_fail "no persistent definition of $dom"
qemu_pid=$(cat "$lv/run/qemu/$dom.pid") || lv_fail "no QEMU pid file"
tr '\0' ' ' <"/proc/$qemu_pid/cmdline" >"$CASE_TMP/cmdline"
grep -q "\"sysfsdev\":\"$mdevs/$u\"" "$CASE_TMP/cmdline" ||
	lv_fail "libvirt's QEMU command line has no sysfsdev=$mdevs/$u: $(cat "$CASE_TMP/cmdline")"
grep -q '"iommufd":"ifd0"' "$CASE_TMP/cmdline" ||
	lv_fail "qemu:override did not set iommufd on the hostdev: $(cat "$CASE_TMP/cmdline")"
info "QEMU: $(grep -o '{"driver":"vfio-pci"[^}]*}' "$CASE_TMP/cmdline")"

vsh qemu-monitor-command --hmp "$dom" 'info pci' >"$CASE_TMP/pci" ||
	lv_fail "info pci"
sed -n '/19e5:a251/,/id "ua-acc0"/p' "$CASE_TMP/pci" >"$CASE_TMP/dev"
grep -q "19e5:a251" "$CASE_TMP/dev" ||
	lv_fail "info pci does not show 19e5:a251: $(cat "$CASE_TMP/pci")"
grep -q "BAR2: 32 bit" "$CASE_TMP/dev" ||
	lv_fail "info pci shows no BAR2: $(cat "$CASE_TMP/dev")"
info "info pci: $(tr -s ' ' <"$CASE_TMP/dev" | tr '\n' ' ')"

# In use: QEMU holds the cdev and an iommufd, the VF left its own domain
# for the user's IOAS, and a second open is refused.
fds=$(ls -l "/proc/$qemu_pid/fd")
grep -q "/dev/iommu" <<<"$fds" || lv_fail "QEMU does not hold /dev/iommu"
grep -q "/dev/vfio/devices/vfio" <<<"$fds" ||
	lv_fail "QEMU does not hold the mdev's vfio cdev"
in_use_dom=$(cat "$dbg/$vf/iommu_domain")
[ "$in_use_dom" != "$vf_dom" ] ||
	fail "VF $vf still in its own domain ($vf_dom) while QEMU uses the mdev"
expect_eq "available_instances while in use" "$(acc_mdev_available)" "$avail"
if out=$("$MDEV_CHECK" config "$u" 2>&1); then
	fail "mdev_check opened $u while QEMU holds it: $out"
fi
grep -qx "vfio_dev: VFIO_DEVICE_BIND_IOMMUFD: Invalid argument" <<<"$out" ||
	fail "second open did not fail at bind with EINVAL: $out"
info "in use: VF domain $in_use_dom; second open: $(grep VFIO_DEVICE_BIND_IOMMUFD <<<"$out")"

vsh "destroy $dom; undefine $dom" >"$CASE_TMP/stop" 2>&1 || true
cat "$CASE_TMP/stop"
wait_for 30 "QEMU to exit after virsh destroy" pid_gone "$qemu_pid"
qemu_pid=""
[ ! -e "$lv/etc/qemu/$dom.xml" ] || lv_fail "virsh undefine left $dom defined"
expect_eq "VF domain after destroy" "$(cat "$dbg/$vf/iommu_domain")" "$vf_dom"
"$MDEV_CHECK" config "$u" >"$CASE_TMP/check" 2>&1 || {
	cat "$CASE_TMP/check"
	fail "mdev_check cannot use $u after the domain is gone"
}
info "free again: mdev_check config: $(tail -n1 "$CASE_TMP/check")"

kill "$lv_pid"
wait "$lv_pid" || info "libvirtd exit status $?"
lv_pid=""
acc_mdev_remove "$u"
expect_eq "available_instances after removal" "$(acc_mdev_available)" 4
acc_mdev_teardown
info "libvirt + acc_mdev OK"
