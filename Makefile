# acc_mdev: out-of-tree kernel module(s), built with kbuild.
#   make [KDIR=<kernel build dir>]   build against KDIR (default: running kernel)
#   make check                       all tests (installs what it needs)
#   make demo                        boot the test VM and show the bench at work
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

.PHONY: all modules clean check demo shell test-kernel
