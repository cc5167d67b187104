# acc_mdev: out-of-tree kernel module(s), built with kbuild.
#   make [KDIR=<kernel build dir>]   build against KDIR (default: running kernel)
#   make check                       all tests (installs what it needs)
#   make demo                        boot the test VM and show the bench at work
#   make stress [N=20]               upstream-driver cases N times, host loaded
#   make fuzz [FUZZ=LIMIT]           open-ended fuzzing of the migration stream
#   make shell                       root shell in the test VM
#   make test-kernel                 build (or reuse) the cached test kernel

KDIR ?= /lib/modules/$(shell uname -r)/build

all: modules

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

clean:
	$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf test/out

check:
	bash test/check.sh

demo:
	bash test/demo.sh

shell:
	bash test/vm/run --shell

test-kernel:
	bash test/kernel/build.sh

# make fuzz [FUZZ="LIMIT [-j JOBS] [-s SEED] [-o DIR]"]: the open-ended
# fuzzing campaign of the migration stream parser (test/mig-fuzz.sh).
fuzz:
	bash test/mig-fuzz.sh $(or $(FUZZ),600s)

# make stress [N=20]: the upstream-driver cases N times in one boot beside
# 2 x nproc host CPU hogs (test/stress.sh).
stress:
	bash test/stress.sh $(or $(N),20)

.PHONY: all modules clean check demo shell test-kernel fuzz stress
