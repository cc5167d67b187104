# Helpers for cases that run acc_mdev on the simulated platform. Source
# after common.sh and sim.sh:  . "$ACC_REPO/test/lib/acc_mdev.sh"
ACC_MDEV_KO=$ACC_REPO/acc_mdev.ko
MDEV_CHECK=$ACC_REPO/test/user/mdev_check
acc_types=/sys/class/mdev_bus/$SIM_PF/mdev_supported_types/acc_mdev-zip
mdevs=/sys/bus/mdev/devices

# acc_mdev_load [acc_mdev.ko parameters]: mdev core and acc_mdev, which
# must claim the simulated PF (the simulator is loaded already).
acc_mdev_load() {
	[ -f "$ACC_MDEV_KO" ] || fail "$ACC_MDEV_KO not built (make)"
	modprobe mdev || fail "modprobe mdev"
	insmod "$ACC_MDEV_KO" "$@" || fail "insmod acc_mdev $*"
	expect_eq "PF driver" "$(driver_of $SIM_PF)" acc_mdev
}

# acc_mdev_vfs N: N VFs through acc_mdev's sriov_configure.
acc_mdev_vfs() {
	local err

	err=$(write "$1" $devs/$SIM_PF/sriov_numvfs) ||
		fail "echo $1 > sriov_numvfs: $err"
	[ -d "$acc_types" ] || fail "no mdev type $acc_types"
}

# acc_mdev_setup [--sim "acc_sim.ko parameters"] NUM_VFS [acc_mdev.ko
# parameters]: simulator, acc_mdev, VFs; acc_mdev_cleanup runs on exit.
# The QM model always runs: acc_mdev programs the VFT through it.
acc_mdev_setup() {
	local sim_params=qm_model=1

	if [ "${1:-}" = --sim ]; then
		sim_params="$sim_params $2"
		shift 2
	fi
	local nvfs=$1
	shift
	# shellcheck disable=SC2086 # parameters are words
	sim_load $sim_params
	trap acc_mdev_cleanup EXIT
	acc_mdev_load "$@"
	acc_mdev_vfs "$nvfs"
}

# acc_mdev_create UUID: a new mdev of the acc_mdev-zip type via sysfs.
acc_mdev_create() {
	local err

	err=$(write "$1" "$acc_types/create") || fail "create mdev $1: $err"
	[ -d "$mdevs/$1" ] || fail "mdev $1 missing after create"
}

# acc_mdev_remove UUID
acc_mdev_remove() {
	local err

	err=$(write 1 "$mdevs/$1/remove") || fail "remove mdev $1: $err"
	[ ! -e "$mdevs/$1" ] || fail "mdev $1 still present after remove"
}

# The VF backing an mdev.
acc_mdev_vf_of() {
	cat "$mdevs/$1/acc_mdev/backing_vf"
}

acc_mdev_available() {
	cat "$acc_types/available_instances"
}

# acc_mdev_teardown: strict undo of acc_mdev_setup (fails on any error).
acc_mdev_teardown() {
	local m err

	for m in "$mdevs"/*; do
		[ -e "$m/remove" ] || continue
		acc_mdev_remove "$(basename "$m")"
	done
	err=$(write 0 $devs/$SIM_PF/sriov_numvfs) || fail "disable VFs: $err"
	unbind $SIM_PF
	rmmod acc_mdev || fail "rmmod acc_mdev"
	rmmod acc_sim acc_sim_iommu || fail "rmmod acc_sim acc_sim_iommu"
}

# EXIT trap: best-effort undo; a case's own case_cleanup function (if
# defined) runs first. Removes $CASE_TMP, whose trap this replaces.
acc_mdev_cleanup() {
	local m

	set +e
	if declare -F case_cleanup >/dev/null; then
		case_cleanup
	fi
	for m in "$mdevs"/*; do
		[ -e "$m/remove" ] && echo 1 >"$m/remove"
	done
	if [ -e $devs/$SIM_PF/driver ]; then
		write 0 $devs/$SIM_PF/sriov_numvfs
		write $SIM_PF $devs/$SIM_PF/driver/unbind
	fi
	[ -d /sys/module/acc_mdev ] && rmmod acc_mdev
	[ -d /sys/module/acc_sim ] && rmmod acc_sim
	[ -d /sys/module/acc_sim_iommu ] && rmmod acc_sim_iommu
	[ -n "${CASE_TMP:-}" ] && rm -rf "$CASE_TMP"
	return 0
}
