// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module: fires one WARN on load so the test bed can prove that a
 * kernel report fails a VM run. Never loaded outside that self-test.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init splat_warn_init(void)
{
	WARN(1, "acc_mdev test bed: deliberate warning\n");
	return 0;
}

static void __exit splat_warn_exit(void)
{
}

module_init(splat_warn_init);
module_exit(splat_warn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("acc_mdev test bed: deliberate WARN for the splat detector");
