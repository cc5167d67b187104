# Arms a WARN for power-off: only the console has that report (dmesg.txt is
# saved before), and the host-side scan must see it (check.sh checks).
# expect-result: ^PASS 40-shutdown-report
. "$ACC_REPO/test/lib/common.sh"
. "$ACC_REPO/test/selftest/plant.sh"
plant shutdown
