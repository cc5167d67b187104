# plant FAULT: have the planted_fault module commit FAULT now (one module
# for the whole boot: the power-off fault must stay armed).
plant() {
	if [ ! -d /sys/module/planted_fault ]; then
		insmod "$ACC_REPO/test/selftest/planted_fault.ko" ||
			fail "insmod planted_fault"
	fi
	echo "$1" >/sys/module/planted_fault/parameters/plant ||
		fail "planting $1 failed"
}
