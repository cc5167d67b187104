# QEMU 10 as the VFIO client of an acc_mdev inside the VM: vfio-pci with
# sysfsdev= the mdev and an iommufd backend realizes; the device is the ZIP
# VF (19e5:a251) with BAR2 only, 32 KiB, and QEMU mmaps all of it. The
# machine then runs its firmware, which sizes and places the BARs through
# our config space: BAR2 shows up in "info pci" and in the guest memory map
# as 32 KiB. QEMU quits cleanly and the mdev can be removed afterwards.
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/lib/sim.sh"
. "$ACC_REPO/test/lib/acc_mdev.sh"
qmp="$ACC_REPO/test/lib/qmp.py"
qemu-system-x86_64 --version | head -1 | grep "version 10\." >/dev/null ||
	fail "qemu-system-x86_64 is not QEMU 10: $(qemu-system-x86_64 --version | head -1)"
command -v jq >/dev/null || fail "jq not installed"
case_tmp
sock=$CASE_TMP/qmp.sock
pid=""
case_cleanup() {
	[ -n "$pid" ] && kill "$pid" && wait "$pid"
}
acc_mdev_setup 4
u=$(new_uuid)
acc_mdev_create "$u"
m=$mdevs/$u
info "mdev $u backed by $(acc_mdev_vf_of "$u")"

start=$(date +%s)
qemu-system-x86_64 -machine q35 -accel tcg -m 128 -nodefaults \
	-display none -S -qmp "unix:$sock,server=on,wait=off" \
	-object iommufd,id=ifd0 \
	-device "vfio-pci,sysfsdev=$m,id=hostdev0,iommufd=ifd0" \
	>"$CASE_TMP/qemu.log" 2>&1 &
pid=$!
"$qmp" "$sock" query-status >/dev/null ||
	fail "QEMU did not come up: $(cat "$CASE_TMP/qemu.log")"
info "QEMU realized the device in $(($(date +%s) - start)) s"
fds=$(ls -l /proc/$pid/fd)
grep -q "/dev/iommu" <<<"$fds" || fail "QEMU does not hold /dev/iommu"
grep -q "/dev/vfio/devices/vfio" <<<"$fds" ||
	fail "QEMU did not open the mdev's vfio cdev"

# device_pci: the lines of "info pci" about our device.
device_pci() {
	"$qmp" "$sock" hmp "info pci" | sed -n '/19e5:a251/,/id "hostdev0"/p'
}
device_pci >"$CASE_TMP/pci"
grep -q "19e5:a251" "$CASE_TMP/pci" ||
	fail "info pci does not show 19e5:a251: $("$qmp" "$sock" hmp "info pci")"
info "info pci: $(tr -s ' ' <"$CASE_TMP/pci" | tr '\n' ' ')"

# The device's BARs as QEMU registered them: BAR2 only, 32 KiB.
"$qmp" "$sock" query-pci >"$CASE_TMP/pci.json"
bars=$(jq -c '[.[].devices[] | select(.id.vendor == 6629 and .id.device == 41553)
	| .regions[] | {bar, size}]' "$CASE_TMP/pci.json")
expect_eq "BARs QEMU sees" "$bars" '[{"bar":2,"size":32768}]'

# QEMU mmapped the sparse area: its RAM-device subregion is all 32 KiB.
"$qmp" "$sock" qom-list '{"path": "/machine/peripheral/hostdev0"}' \
	>"$CASE_TMP/qom.json"
mmaps=$(jq -r '.[] | select(.type == "child<memory-region>") | .name' \
	"$CASE_TMP/qom.json" | grep "BAR 2 mmaps" || true)
[ "$(sed '/^$/d' <<<"$mmaps" | wc -l)" = 1 ] ||
	fail "expected one BAR 2 mmap region, QOM children: $(jq -c '[.[].name]' "$CASE_TMP/qom.json")"
size=$("$qmp" "$sock" qom-get "$(jq -cn --arg n "$mmaps" \
	'{path: ("/machine/peripheral/hostdev0/" + $n), property: "size"}')")
expect_eq "size of QEMU's BAR2 mmap" "$size" 32768

# Let the firmware place the BARs: it writes our config space through QEMU.
"$qmp" "$sock" cont >/dev/null
bar2_placed() {
	"$qmp" "$sock" hmp "info mtree -f" >"$CASE_TMP/mtree" &&
		grep -q "$u BAR 2" "$CASE_TMP/mtree"
}
wait_for 300 "the firmware to map BAR2" bar2_placed
range=$(grep -m1 "$u BAR 2" "$CASE_TMP/mtree" | awk '{print $1}')
lo=$((16#${range%-*})) hi=$((16#${range#*-}))
expect_eq "BAR2 size in info mtree" $((hi - lo + 1)) 32768
info "info mtree: $(grep -m1 "$u BAR 2" "$CASE_TMP/mtree" | tr -s ' ')"
device_pci >"$CASE_TMP/pci"
re='BAR2: .* at (0x[0-9a-f]+) \[(0x[0-9a-f]+)\]'
[[ $(cat "$CASE_TMP/pci") =~ $re ]] ||
	fail "info pci shows no placed BAR2: $(cat "$CASE_TMP/pci")"
bar=${BASH_REMATCH[0]}
lo=${BASH_REMATCH[1]} hi=${BASH_REMATCH[2]}
expect_eq "BAR2 in info pci" "$((lo)) $((hi - lo + 1))" "$((16#${range%-*})) 32768"
info "info pci: $bar"

"$qmp" "$sock" quit >/dev/null || fail "QMP quit"
rc=0
wait "$pid" || rc=$?
pid=""
expect_eq "QEMU exit status" "$rc" 0
info "QEMU log: $(tr '\n' ' ' <"$CASE_TMP/qemu.log")"

acc_mdev_remove "$u"
expect_eq "available_instances after removal" "$(acc_mdev_available)" 4
acc_mdev_teardown
info "QEMU 10 + iommufd + acc_mdev OK"
