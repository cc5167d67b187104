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
/* End of the registers we use in the migration window (EQC/AEQC shadows) */
#define ACC_QM_MIG_END		0x8040
/* Widest queue range one VFT entry can describe (10-bit num - 1 field) */
#define ACC_QM_VFT_MAX_QP	1024

struct acc_mig_compat;
struct acc_mig_qm_state;

struct acc_qm_pf {
	struct pci_dev *pdev;
	void __iomem *io;	/* BAR2 */
	u32 total_qp;		/* queue pairs of the whole device */
	u32 core_int_status;	/* the engine's interrupt status register */
	struct mutex vft_lock;	/* one VFT handshake at a time */
};

struct acc_qm_vf {
	struct pci_dev *pdev;
	struct acc_qm_pf *pf;
	void __iomem *bar2;	/* functional window */
	void __iomem *mig;	/* migration window: EQC/AEQC shadows */
	unsigned int fun;	/* function number in the PF's VFT */
};

int acc_qm_pf_enable(struct acc_qm_pf *qm, struct pci_dev *pdev);
void acc_qm_pf_disable(struct acc_qm_pf *qm);
int acc_qm_pf_set_vft(struct acc_qm_pf *qm, unsigned int fun, u32 base,
		      u32 num);
int acc_qm_pf_get_vft(struct acc_qm_pf *qm, unsigned int fun, u32 *base,
		      u32 *num);

int acc_qm_vf_map(struct acc_qm_vf *vf, struct acc_qm_pf *pf,
		  struct pci_dev *pdev);
void acc_qm_vf_unmap(struct acc_qm_vf *vf);
int acc_qm_vf_read(struct acc_qm_vf *vf, u32 off, void *val, size_t len);
int acc_qm_vf_write(struct acc_qm_vf *vf, u32 off, const void *val,
		    size_t len);

/*
 * Migration (acc_qm_mig.c). acc_qm_vf_compat() reads PF registers only;
 * the others drive the VF itself and may run only while its user is
 * stopped (or absent).
 */
int acc_qm_vf_compat(struct acc_qm_vf *vf, struct acc_mig_compat *c);
int acc_qm_vf_quiesce(struct acc_qm_vf *vf);
int acc_qm_vf_save(struct acc_qm_vf *vf, struct acc_mig_qm_state *s);
int acc_qm_vf_load(struct acc_qm_vf *vf, const struct acc_mig_qm_state *s);
void acc_qm_vf_restart(struct acc_qm_vf *vf, u32 qp_num);

#endif
