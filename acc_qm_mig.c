// SPDX-License-Identifier: GPL-2.0
/*
 * acc_mdev hardware layer, migration part: stop a VF's queue manager,
 * read its state, program it into another VF and restart it. The
 * sequences follow what the hardware documents for its own migration
 * driver (docs/hisi-migration-facts.md §5); the state travels in the
 * acc_mig_stream.h structures.
 *
 * Every function here drives the VF's own mailbox and registers, which
 * the user also drives while the VF runs: callers guarantee the user is
 * stopped (a vfio migration state without RUNNING) or absent.
 */
#include <linux/bitfield.h>
#include <linux/io.h>
#include <linux/io-64-nonatomic-lo-hi.h>
#include <linux/iopoll.h>
#include <linux/pci.h>

#include "acc_mig_stream.h"
#include "acc_qm.h"

/* VF registers (BAR2) */
#define QM_VF_AEQ_INT_MASK	0x0004
#define QM_VF_EQ_INT_MASK	0x000c
#define QM_IFC_INT_SOURCE_V	0x0020
#define QM_IFC_INT_MASK		0x0024
#define QM_IFC_INT_STATUS	0x0028
#define QM_IFC_INT_SET_V	0x002c
#define QM_PAGE_SIZE		0x0034
#define QM_VF_STATE		0x0060
#define QM_VF_NOT_READY		BIT(0)
#define QM_CACHE_WB_START	0x0204
#define QM_CACHE_WB_DONE	0x0208
#define QM_MB_W0		0x0300
#define QM_MB_DATA_L		0x0304
#define QM_MB_DATA_H		0x0308
#define QM_MB_RSVD		0x030c
#define QM_DB_SQ		0x1000
/* migration window, relative to its start (BAR2 + 0x8000) */
#define QM_EQC_DW0		0x0000
#define QM_AEQC_DW0		0x0020

/* PF registers (BAR2) */
#define QM_QUE_ISO_CFG		0x0030
#define QM_CAP_FUNC		0x3100
#define QM_ABNORMAL_INT_STATUS	0x100008

/* Mailbox word 0 */
#define QM_MB_STATUS		GENMASK(12, 9)
#define QM_MB_BUSY		BIT(13)
#define QM_MB_OP_READ		BIT(14)
#define QM_MB_CMD_SQC_BT	0x4
#define QM_MB_CMD_CQC_BT	0x5
#define QM_MB_CMD_PAUSE_QM	0xe

/* SQ doorbell: priority 1 with index 0 restarts a queue after PAUSE_QM */
#define QM_DB_PRIORITY_SHIFT	48

/*
 * The hardware answers in microseconds and its own driver allows 1 ms;
 * we sleep between polls and allow 100 ms, as for the VFT: an emulated
 * or loaded host must not fail a migration for being slow. Idle checks
 * get 10 ms, as the hardware's driver gives them.
 */
#define QM_POLL_US		20
#define QM_MB_TIMEOUT_US	100000
#define QM_IDLE_TIMEOUT_US	10000

static int acc_qm_mb_idle(struct acc_qm_vf *vf, u32 *w0)
{
	return readl_poll_timeout(vf->bar2 + QM_MB_W0, *w0,
				  !(*w0 & QM_MB_BUSY), QM_POLL_US,
				  QM_MB_TIMEOUT_US);
}

/* One mailbox command on the VF; a read returns the device's answer. */
static int acc_qm_vf_mailbox(struct acc_qm_vf *vf, u32 cmd, bool rd,
			     u64 *data)
{
	u64 in = rd ? 0 : *data;
	u32 w0;

	if (acc_qm_mb_idle(vf, &w0)) {
		pci_err(vf->pdev, "mailbox busy before command 0x%x (0x%x): a command of the user's is pending\n",
			cmd, w0);
		return -EBUSY;
	}
	/* The word order the hardware expects: status word first. */
	writel(cmd | QM_MB_BUSY | (rd ? QM_MB_OP_READ : 0),
	       vf->bar2 + QM_MB_W0);
	writel(lower_32_bits(in), vf->bar2 + QM_MB_DATA_L);
	writel(upper_32_bits(in), vf->bar2 + QM_MB_DATA_H);
	writel(0, vf->bar2 + QM_MB_RSVD);
	if (acc_qm_mb_idle(vf, &w0)) {
		pci_err(vf->pdev, "mailbox command 0x%x: no answer within %u ms\n",
			cmd, QM_MB_TIMEOUT_US / 1000);
		return -ETIMEDOUT;
	}
	if (w0 & QM_MB_STATUS) {
		pci_err(vf->pdev, "mailbox command 0x%x failed: status 0x%x\n",
			cmd, (u32)FIELD_GET(QM_MB_STATUS, w0));
		return -EIO;
	}
	if (rd)
		*data = readl(vf->bar2 + QM_MB_DATA_L) |
			(u64)readl(vf->bar2 + QM_MB_DATA_H) << 32;
	return 0;
}

/**
 * acc_qm_vf_compat() - what a destination must match to take this VF's state
 * @vf: the VF
 * @c: filled in
 *
 * Reads PF registers only, so it is safe while the VF runs.
 *
 * Return: 0, -ETIMEDOUT (VFT), or -ENODEV if the VF has no queues.
 */
int acc_qm_vf_compat(struct acc_qm_vf *vf, struct acc_mig_compat *c)
{
	struct acc_qm_pf *pf = vf->pf;
	int ret;

	memset(c, 0, sizeof(*c));
	ret = acc_qm_pf_get_vft(pf, vf->fun, &c->qp_base, &c->qp_num);
	if (ret)
		return ret;
	if (!c->qp_num) {
		pci_err(vf->pdev, "no queue pairs in the VFT for function %u\n",
			vf->fun);
		return -ENODEV;
	}
	c->device_id = vf->pdev->device;
	c->revision = vf->pdev->revision;
	c->que_iso_cfg = readl(pf->io + QM_QUE_ISO_CFG);
	c->qm_caps = readl(pf->io + QM_CAP_FUNC);
	return 0;
}

static int acc_qm_wait_zero(struct acc_qm_vf *vf, void __iomem *reg,
			    const char *what)
{
	u32 v;

	if (!readl_poll_timeout(reg, v, !v, QM_POLL_US, QM_IDLE_TIMEOUT_US))
		return 0;
	pci_err(vf->pdev, "%s not idle after pause: 0x%x\n", what, v);
	return -EBUSY;
}

/**
 * acc_qm_vf_quiesce() - stop the VF's queues and flush its context cache
 * @vf: the VF, user stopped
 *
 * PAUSE_QM, then every error and message status must be idle, then the
 * cached queue contexts go back to their tables in (guest) memory: after
 * this the VF does no DMA and raises no interrupt until restarted.
 *
 * Return: 0, -EBUSY (mailbox or a status not idle), -ETIMEDOUT, -EIO.
 */
int acc_qm_vf_quiesce(struct acc_qm_vf *vf)
{
	void __iomem *pf = vf->pf->io;
	u64 none = 0;
	u32 v;
	int ret;

	ret = acc_qm_vf_mailbox(vf, QM_MB_CMD_PAUSE_QM, false, &none);
	if (ret)
		return ret;
	ret = acc_qm_wait_zero(vf, pf + QM_ABNORMAL_INT_STATUS,
			       "PF abnormal interrupt status");
	if (!ret)
		ret = acc_qm_wait_zero(vf, vf->bar2 + QM_IFC_INT_STATUS,
				       "PF-to-VF message status");
	if (!ret)
		ret = acc_qm_wait_zero(vf, vf->bar2 + QM_IFC_INT_SET_V,
				       "VF-to-PF message");
	if (!ret)
		ret = acc_qm_wait_zero(vf, pf + vf->pf->core_int_status,
				       "engine interrupt status");
	if (ret)
		return ret;
	writel(1, vf->bar2 + QM_CACHE_WB_START);
	if (readl_poll_timeout(vf->bar2 + QM_CACHE_WB_DONE, v, v & 1,
			       QM_POLL_US, QM_MB_TIMEOUT_US)) {
		pci_err(vf->pdev, "context cache write-back not done within %u ms\n",
			QM_MB_TIMEOUT_US / 1000);
		return -ETIMEDOUT;
	}
	return 0;
}

/**
 * acc_qm_vf_save() - read the state of a quiesced VF
 * @vf: the VF, after acc_qm_vf_quiesce()
 * @s: filled in; all zero (vf_ready 0) if the user never started the QM
 *
 * Return: 0, or a mailbox error.
 */
int acc_qm_vf_save(struct acc_qm_vf *vf, struct acc_mig_qm_state *s)
{
	unsigned int i;
	int ret;

	memset(s, 0, sizeof(*s));
	/* The register reads 0 (ready) out of reset too: tables decide. */
	if (readl(vf->bar2 + QM_VF_STATE) & QM_VF_NOT_READY)
		return 0;
	ret = acc_qm_vf_mailbox(vf, QM_MB_CMD_SQC_BT, true, &s->sqc_bt);
	if (!ret)
		ret = acc_qm_vf_mailbox(vf, QM_MB_CMD_CQC_BT, true, &s->cqc_bt);
	if (ret)
		return ret;
	for (i = 0; i < ACC_MIG_EQC_DWORDS; i++) {
		s->eqc[i] = readl(vf->mig + QM_EQC_DW0 + 4 * i);
		s->aeqc[i] = readl(vf->mig + QM_AEQC_DW0 + 4 * i);
	}
	if (!s->sqc_bt || !s->cqc_bt || !(s->eqc[1] | s->eqc[2])) {
		memset(s, 0, sizeof(*s));
		return 0;
	}
	s->vf_ready = 1;
	s->aeq_int_mask = readl(vf->bar2 + QM_VF_AEQ_INT_MASK);
	s->eq_int_mask = readl(vf->bar2 + QM_VF_EQ_INT_MASK);
	s->ifc_int_source = readl(vf->bar2 + QM_IFC_INT_SOURCE_V);
	s->ifc_int_mask = readl(vf->bar2 + QM_IFC_INT_MASK);
	s->ifc_int_set = readl(vf->bar2 + QM_IFC_INT_SET_V);
	s->page_size = readl(vf->bar2 + QM_PAGE_SIZE);
	return 0;
}

/**
 * acc_qm_vf_load() - program a saved state into a stopped VF
 * @vf: the destination VF, user stopped
 * @s: a state that passed acc_mig_check_qm_state(), vf_ready 1
 *
 * Registers and EQ/AEQ contexts first, the context tables last: the
 * device adopts the contexts when the tables are set. The queues stay
 * idle until acc_qm_vf_restart().
 *
 * Return: 0, or a mailbox error.
 */
int acc_qm_vf_load(struct acc_qm_vf *vf, const struct acc_mig_qm_state *s)
{
	u64 sqc_bt = s->sqc_bt, cqc_bt = s->cqc_bt;
	unsigned int i;
	int ret;

	writel(0, vf->bar2 + QM_VF_STATE);
	writel(s->aeq_int_mask, vf->bar2 + QM_VF_AEQ_INT_MASK);
	writel(s->eq_int_mask, vf->bar2 + QM_VF_EQ_INT_MASK);
	/* Write-1-to-clear: a message pending at the source is not ours. */
	writel(1, vf->bar2 + QM_IFC_INT_SOURCE_V);
	writel(s->ifc_int_mask, vf->bar2 + QM_IFC_INT_MASK);
	writel(s->page_size, vf->bar2 + QM_PAGE_SIZE);
	for (i = 0; i < ACC_MIG_EQC_DWORDS; i++) {
		writel(s->eqc[i], vf->mig + QM_EQC_DW0 + 4 * i);
		writel(s->aeqc[i], vf->mig + QM_AEQC_DW0 + 4 * i);
	}
	ret = acc_qm_vf_mailbox(vf, QM_MB_CMD_SQC_BT, false, &sqc_bt);
	if (!ret)
		ret = acc_qm_vf_mailbox(vf, QM_MB_CMD_CQC_BT, false, &cqc_bt);
	return ret;
}

/**
 * acc_qm_vf_restart() - let a paused or freshly loaded VF run its queues
 * @vf: the VF
 * @qp_num: its queue pairs
 *
 * A restart doorbell per queue: each resumes from its context (queues the
 * user never configured stay off).
 */
void acc_qm_vf_restart(struct acc_qm_vf *vf, u32 qp_num)
{
	u32 qn;

	for (qn = 0; qn < qp_num; qn++)
		writeq(qn | 1ULL << QM_DB_PRIORITY_SHIFT, vf->bar2 + QM_DB_SQ);
}
