/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hardware layer of acc_mdev: the only code that touches PF or VF MMIO.
 */
#ifndef ACC_QM_H
#define ACC_QM_H

#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/types.h>

#define ACC_QM_BAR		2
/* BAR2 layout: functional window below, migration-control window above */
#define ACC_QM_FUNC_SIZE	0x8000
/* Widest queue range one VFT entry can describe (10-bit num - 1 field) */
#define ACC_QM_VFT_MAX_QP	1024

struct acc_qm_vf {
	struct pci_dev *pdev;
	void __iomem *bar2;	/* functional window only */
};

struct acc_qm_pf {
	struct pci_dev *pdev;
	void __iomem *io;	/* BAR2 */
	u32 total_qp;		/* queue pairs of the whole device */
	struct mutex vft_lock;	/* one VFT handshake at a time */
};

int acc_qm_pf_enable(struct acc_qm_pf *qm, struct pci_dev *pdev);
void acc_qm_pf_disable(struct acc_qm_pf *qm);
int acc_qm_pf_set_vft(struct acc_qm_pf *qm, unsigned int fun, u32 base,
		      u32 num);

int acc_qm_vf_map(struct acc_qm_vf *vf, struct pci_dev *pdev);
void acc_qm_vf_unmap(struct acc_qm_vf *vf);
int acc_qm_vf_read(struct acc_qm_vf *vf, u32 off, void *val, size_t len);
int acc_qm_vf_write(struct acc_qm_vf *vf, u32 off, const void *val,
		    size_t len);

#endif
