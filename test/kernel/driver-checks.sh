#!/bin/bash
# Build and style gates for the driver (acc_mdev.ko), one per subcommand so
# each can run alone; make check runs them all:
#   stock-build   builds against Debian's stock headers, W=1, no warning
#   no-iommufd    the IOMMUFD-off path is what the stock build compiles, the
#                 test kernel build takes the iommufd path
#   sparse        sparse (C=2) against the test kernel and the stock headers
#   checkpatch    checkpatch.pl --strict over every driver source and header
# Builds run on a copy of the sources in a temp dir: kbuild writes objects
# next to the sources, and the tree's own build is for the test kernel.
# ACC_TEST_KDIR: test kernel build dir (default: test/kernel/build.sh).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

test_kdir() {
	if [ -n "${ACC_TEST_KDIR:-}" ]; then
		echo "$ACC_TEST_KDIR"
	else
		"$here/build.sh"
	fi
}

# The driver's sources and headers, relative to the repo.
driver_sources() {
	(cd "$repo" && ls acc_mdev*.[ch] acc_qm*.[ch] acc_mig_*.[ch] sysfs_types/*.c) |
		grep -v '\.mod\.c$'
}

# build KDIR NAME [make args]: build a fresh copy in $tmp/NAME, output in
# $tmp/NAME.log; prints the copy's directory.
build() {
	local kdir=$1 dir=$tmp/$2 srcs
	shift 2
	mapfile -t srcs < <(driver_sources)
	mkdir -p "$dir"
	(cd "$repo" && cp --parents Kbuild "${srcs[@]}" "$dir")
	echo "+ make -C $kdir M=$dir${*:+ $*} modules" >&2
	if ! make -C "$kdir" M="$dir" "$@" modules >"$dir.log" 2>&1; then
		cat "$dir.log" >&2
		fail "build against $kdir failed"
	fi
	echo "$dir"
}

stock_build() {
	local kdir dir

	kdir=$("$here/stock-headers.sh")
	dir=$(build "$kdir" stock W=1 KCFLAGS=-Werror)
	cat "$dir.log"
	if grep -qi 'warning' "$dir.log"; then
		fail "warnings building against $kdir"
	fi
	echo "built $(modinfo -F vermagic "$dir/acc_mdev.ko")"
}

no_iommufd() {
	local kdir tkdir dir

	kdir=$("$here/stock-headers.sh")
	if grep -q '^CONFIG_IOMMUFD=' "$kdir/include/config/auto.conf"; then
		fail "$kdir has CONFIG_IOMMUFD set: no check compiles the IOMMUFD-off path any more (needs a headers tree with it off)"
	fi
	echo "$kdir: CONFIG_IOMMUFD is off"
	dir=$(build "$kdir" noiommufd)
	if nm -u "$dir/acc_mdev.ko" | grep -i iommufd; then
		fail "IOMMUFD-off build imports iommufd symbols"
	fi
	strings "$dir/acc_mdev.ko" | grep 'without CONFIG_IOMMUFD' ||
		fail "IOMMUFD-off build lacks the open error naming CONFIG_IOMMUFD"

	tkdir=$(test_kdir)
	grep -q '^CONFIG_IOMMUFD=y' "$tkdir/include/config/auto.conf" ||
		fail "test kernel $tkdir has no CONFIG_IOMMUFD=y"
	dir=$(build "$tkdir" iommufd)
	nm -u "$dir/acc_mdev.ko" | grep -w iommufd_device_bind ||
		fail "test kernel build (CONFIG_IOMMUFD=y) does not bind through iommufd"
	echo "IOMMUFD-off and iommufd builds each take their own path"
}

# Any sparse output, or kbuild output other than progress lines, fails;
# every source must have been checked.
sparse_check() {
	local tkdir skdir kdir dir nsrc nchk bad=0

	nsrc=$(driver_sources | grep -c '\.c$')
	tkdir=$(test_kdir)
	skdir=$("$here/stock-headers.sh")
	for kdir in "$tkdir" "$skdir"; do
		dir=$(build "$kdir" "sparse-$(basename "$kdir")" C=2 CHECK=sparse)
		nchk=$(grep -c '^  CHECK ' "$dir.log" || true)
		echo "sparse checked $nchk of $nsrc sources against $kdir"
		[ "$nchk" -eq "$nsrc" ] || bad=1
		if grep -Ev '^make(\[[0-9]+\])?: (Entering|Leaving) directory|^  (CHECK|CC|CC \[M\]|LD \[M\]|MODPOST|BTF \[M\]) ' \
			"$dir.log"; then
			echo "^ sparse/kbuild output against $kdir"
			bad=1
		fi
	done
	[ $bad -eq 0 ] || fail "sparse reported problems"
	echo "sparse: $nsrc sources clean against both trees"
}

checkpatch() {
	local cp f srcs out n=0 bad=0

	cp=$(test_kdir)/source/scripts/checkpatch.pl
	[ -f "$cp" ] || fail "no checkpatch.pl at $cp"
	mapfile -t srcs < <(driver_sources)
	for f in "${srcs[@]}"; do
		n=$((n + 1))
		if out=$(perl "$cp" --strict --no-tree -f "$repo/$f" 2>&1) &&
			grep -q '^total: 0 errors, 0 warnings, 0 checks' <<<"$out"; then
			echo "checkpatch: $f clean"
		else
			echo "$out"
			bad=$((bad + 1))
		fi
	done
	[ $bad -eq 0 ] || fail "checkpatch --strict: $bad of $n files with problems"
	echo "checkpatch --strict: $n files clean"
}

case ${1:-} in
stock-build) stock_build ;;
no-iommufd) no_iommufd ;;
sparse) sparse_check ;;
checkpatch) checkpatch ;;
*)
	echo "usage: $0 stock-build|no-iommufd|sparse|checkpatch" >&2
	exit 2
	;;
esac
