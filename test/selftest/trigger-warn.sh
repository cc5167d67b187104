# Inside the VM: load the deliberate-WARN module and exit 0, so that only
# the runner's kernel-log check can make this run fail.
insmod "$ACC_REPO/test/selftest/splat_warn.ko"
rmmod splat_warn
exit 0
