// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module: plants the fault whose name is written to its "plant"
 * parameter, so that the test bed can prove each of its detectors catches
 * what it claims to. Loaded once per boot, and only by the detector
 * self-tests (test/selftest/cases/):
 *	echo kasan >/sys/module/planted_fault/parameters/plant
 *
 *	warn		a WARN at load
 *	kasan		an out-of-bounds read of a slab object (KASAN)
 *	ubsan		a shift by more than the type's width (UBSAN)
 *	lockdep		two mutexes taken in both orders (lockdep)
 *	leak		an allocation whose only pointer is dropped (kmemleak)
 *	shutdown	a WARN from a reboot notifier, i.e. during power-off
 */
#include <linux/bug.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/reboot.h>
#include <linux/slab.h>
#include <linux/string.h>

static DEFINE_MUTEX(planted_a);
static DEFINE_MUTEX(planted_b);

/* Read with READ_ONCE(): the faults must happen at run time, not at build. */
static int planted_index = 16;
static int planted_shift = 40;

static noinline void planted_kasan(void)
{
	char *p = kmalloc(16, GFP_KERNEL);

	if (!p)
		return;
	pr_info("planted_fault: reading byte %d of a 16-byte object\n",
		READ_ONCE(planted_index));
	pr_info("planted_fault: read %d\n", p[READ_ONCE(planted_index)]);
	kfree(p);
}

static noinline void planted_ubsan(void)
{
	int one = 1;

	int shift = READ_ONCE(planted_shift);

	pr_info("planted_fault: 1 << %d = %d\n", shift, one << shift);
}

static noinline void planted_lockdep(void)
{
	mutex_lock(&planted_a);
	mutex_lock(&planted_b);
	mutex_unlock(&planted_b);
	mutex_unlock(&planted_a);
	/* The reverse order: never deadlocks here, lockdep still objects. */
	mutex_lock(&planted_b);
	mutex_lock(&planted_a);
	mutex_unlock(&planted_a);
	mutex_unlock(&planted_b);
}

static noinline void planted_leak(void)
{
	void *p = kmalloc(200, GFP_KERNEL);

	if (p)
		memset(p, 0x5a, 200);
	pr_info("planted_fault: leaked 200 bytes\n");
}

static int planted_reboot(struct notifier_block *nb, unsigned long action,
			  void *data)
{
	WARN(1, "acc_mdev test bed: deliberate warning during power-off\n");
	return NOTIFY_DONE;
}

static struct notifier_block planted_reboot_nb = {
	.notifier_call = planted_reboot,
};

static bool planted_notifier;

static int planted_fault_set(const char *val, const struct kernel_param *kp)
{
	if (sysfs_streq(val, "warn")) {
		WARN(1, "acc_mdev test bed: deliberate warning\n");
	} else if (sysfs_streq(val, "kasan")) {
		planted_kasan();
	} else if (sysfs_streq(val, "ubsan")) {
		planted_ubsan();
	} else if (sysfs_streq(val, "lockdep")) {
		planted_lockdep();
	} else if (sysfs_streq(val, "leak")) {
		planted_leak();
	} else if (sysfs_streq(val, "shutdown")) {
		if (!planted_notifier)
			register_reboot_notifier(&planted_reboot_nb);
		planted_notifier = true;
	} else {
		pr_err("planted_fault: unknown fault '%s'\n", val);
		return -EINVAL;
	}
	return 0;
}

static const struct kernel_param_ops planted_fault_ops = {
	.set = planted_fault_set,
};
module_param_cb(plant, &planted_fault_ops, NULL, 0200);
MODULE_PARM_DESC(plant, "warn|kasan|ubsan|lockdep|leak|shutdown");

static int __init planted_fault_init(void)
{
	return 0;
}

static void __exit planted_fault_exit(void)
{
	if (planted_notifier)
		unregister_reboot_notifier(&planted_reboot_nb);
}

module_init(planted_fault_init);
module_exit(planted_fault_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("acc_mdev test bed: planted faults for the detector self-tests");
