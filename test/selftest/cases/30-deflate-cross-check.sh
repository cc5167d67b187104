# The upstream-driver case cross-checks the device's deflate in software:
# a device whose deflate only it can inflate fails the case.
# expect-result: ^FAIL 30-deflate-cross-check exit 1
# expect-log: ^FAIL: acomp round trip on the PF$
# expect-dmesg: software inflate of the device's [0-9]+ bytes
ACC_SIM_ARGS=garble_first_byte=1 bash "$ACC_REPO/test/cases/50-hisi-zip-upstream.sh"
