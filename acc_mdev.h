/* SPDX-License-Identifier: GPL-2.0 */
/*
 * acc_mdev: internal interfaces between the module's files.
 */
#ifndef ACC_MDEV_H
#define ACC_MDEV_H

#include <linux/mdev.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/vfio.h>

#include "acc_qm.h"

#define ACC_MDEV_NAME		"acc_mdev"
#define ACC_MDEV_MAX_VFS	63
#define ACC_MDEV_MAX_MSI	32

struct acc_mdev_pf;

struct acc_mdev_vf {
	struct pci_dev *pdev;		/* NULL: slot unused */
	struct acc_mdev_pf *pf;
	struct acc_mdev_dev *ad;	/* the mdev it backs, NULL: free */
};

struct acc_mdev_pf {
	struct pci_dev *pdev;
	struct acc_qm_pf qm;
	const char *engine;
	u32 qp_per_vf;
	struct mdev_parent parent;
	struct mdev_type type;
	struct mdev_type *types[1];
	bool parent_registered;
	struct mutex lock;		/* vfs[] and their ad, vfs_closing */
	bool vfs_closing;		/* SR-IOV being disabled: no new mdev */
	struct acc_mdev_vf vfs[ACC_MDEV_MAX_VFS];
};

struct acc_mdev_irq {
	struct eventfd_ctx *trigger;
	int virq;
	bool masked;			/* the user masked it */
	char name[32];
};

struct acc_mdev_mig_file;

/* Migration state of an mdev (acc_mdev_migration.c) */
struct acc_mdev_mig {
	struct mutex lock;		/* arcs, reset, close */
	enum vfio_device_mig_state state;
	bool paused;			/* quiesced or loaded: restart to run */
	struct acc_mdev_mig_file *saving;
	struct acc_mdev_mig_file *resuming;
};

struct acc_mdev_dev {
	struct vfio_device vdev;
	struct mdev_device *mdev;
	struct acc_mdev_pf *pf;
	struct acc_mdev_vf *vf;
	struct acc_qm_vf qm;
	struct mutex state_lock;	/* config, irqs */
	/* BAR2 access (faults, region rw) vs reset: readers vs writer */
	struct rw_semaphore memory_lock;
	u8 config[PCI_CFG_SPACE_SIZE];
	u32 bar_mask[PCI_STD_NUM_BARS];	/* size masks, 0 if no BAR */
	struct acc_mdev_irq irqs[ACC_MDEV_MAX_MSI];
	unsigned int num_irqs;		/* vectors enabled */
	struct eventfd_ctx *err_trigger;
	struct eventfd_ctx *req_trigger;
	struct acc_mdev_mig mig;
};

/* acc_mdev_main.c */
struct acc_mdev_vf *acc_mdev_vf_get(struct acc_mdev_pf *pf,
				    struct acc_mdev_dev *ad);
void acc_mdev_vf_put(struct acc_mdev_vf *vf);
unsigned int acc_mdev_available(struct acc_mdev_pf *pf);

/* acc_mdev_ops.c */
extern struct mdev_driver acc_mdev_driver;

/* acc_mdev_passthru.c */
void acc_mdev_config_init(struct acc_mdev_dev *ad);
ssize_t acc_mdev_rw(struct acc_mdev_dev *ad, char __user *buf, size_t count,
		    loff_t *ppos, bool write);
int acc_mdev_mmap(struct acc_mdev_dev *ad, struct vm_area_struct *vma);
long acc_mdev_region_info(struct acc_mdev_dev *ad, unsigned long arg);
void acc_mdev_bar_block(struct acc_mdev_dev *ad);
void acc_mdev_bar_unblock(struct acc_mdev_dev *ad);
int acc_mdev_reset(struct acc_mdev_dev *ad);

/* acc_mdev_migration.c */
void acc_mdev_mig_init(struct acc_mdev_dev *ad);
void acc_mdev_mig_uninit(struct acc_mdev_dev *ad);
void acc_mdev_mig_reset_done(struct acc_mdev_dev *ad);

/* acc_mdev_irq.c */
long acc_mdev_irq_info(struct acc_mdev_dev *ad, unsigned long arg);
long acc_mdev_set_irqs(struct acc_mdev_dev *ad, unsigned long arg);
void acc_mdev_irqs_teardown(struct acc_mdev_dev *ad);
void acc_mdev_error_notify(struct acc_mdev_dev *ad);
void acc_mdev_request_notify(struct acc_mdev_dev *ad, unsigned int count);

/* sysfs_types/acc_mdev_types.c */
extern const struct attribute_group *acc_mdev_dev_groups[];
ssize_t acc_mdev_type_description(struct mdev_type *mtype, char *buf);

/* VFIO region indexes as vfio-pci uses them */
#define ACC_MDEV_OFF_SHIFT	40
#define ACC_MDEV_OFF_TO_INDEX(off)	((off) >> ACC_MDEV_OFF_SHIFT)
#define ACC_MDEV_INDEX_TO_OFF(i)	((u64)(i) << ACC_MDEV_OFF_SHIFT)
#define ACC_MDEV_OFF_MASK	(ACC_MDEV_INDEX_TO_OFF(1) - 1)

#endif
