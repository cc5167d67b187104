# mdev core + mdevctl with an upstream mdev parent (mtty): define/start/
# list/stop/undefine, and sysfs create/remove.
. "$ACC_REPO/test/lib/common.sh"

modprobe mtty
trap 'modprobe -r mtty' EXIT
types=/sys/class/mdev_bus/mtty/mdev_supported_types
[ -d "$types/mtty-2" ] || fail "mtty parent has no type mtty-2"
avail0=$(cat "$types/mtty-2/available_instances")

mdevctl types | tee /tmp/types.txt
grep -q "mtty-2" /tmp/types.txt || fail "mdevctl types does not list mtty-2"

u=$(new_uuid)
mdevctl define --uuid "$u" --parent mtty --type mtty-2 --auto
mdevctl list --defined | grep "$u" >/dev/null || fail "defined mdev not listed"
mdevctl start --uuid "$u"
[ -d "/sys/bus/mdev/devices/$u" ] || fail "mdevctl start did not create $u"
mdevctl list | grep "$u" | grep "mtty-2" >/dev/null || fail "mdevctl list does not show $u"
avail1=$(cat "$types/mtty-2/available_instances")
[ "$avail1" -lt "$avail0" ] || fail "available_instances did not drop ($avail0 -> $avail1)"
mdevctl stop --uuid "$u"
[ ! -e "/sys/bus/mdev/devices/$u" ] || fail "mdevctl stop left $u"
mdevctl undefine --uuid "$u"
mdevctl list --defined | grep "$u" >/dev/null && fail "undefined mdev still listed"
expect_eq "available_instances after stop" "$(cat "$types/mtty-2/available_instances")" "$avail0"

u=$(new_uuid)
echo "$u" >"$types/mtty-2/create"
[ -L "/sys/bus/mdev/devices/$u" ] || fail "sysfs create did not make $u"
expect_eq "mdev_type of $u" "$(basename "$(readlink "/sys/bus/mdev/devices/$u/mdev_type")")" mtty-2
[ -e "/sys/bus/mdev/devices/$u/vfio-dev" ] || fail "$u has no vfio device"
echo 1 >"/sys/bus/mdev/devices/$u/remove"
[ ! -e "/sys/bus/mdev/devices/$u" ] || fail "sysfs remove left $u"
info "mdevctl and sysfs create/remove OK"
