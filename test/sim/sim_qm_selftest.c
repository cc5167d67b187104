// SPDX-License-Identifier: GPL-2.0
/*
 * Power-on self test of the QM model, run once per PF before any driver
 * can see it.
 *
 * Why: under TCG the first pass through a piece of guest code pays for its
 * translation. Measured on the test VM, the model's first EQC write took
 * 2.6 ms (DMA 2.58 ms of it) and the same command 0.2 ms the second time,
 * while hisi_qm gives a mailbox command 1 ms. Running every handshake once
 * here moves that cost out of the drivers' time limits. It also checks the
 * handshakes end to end, so a broken model fails at load, not in a driver.
 *
 * Nothing of it stays visible: the PF's registers, contexts, VFT and
 * counters return to their reset values, and its command register to what
 * it was.
 */
#define pr_fmt(fmt) "acc_sim: " fmt

#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/pci.h>
#include <linux/unaligned.h>

#include "sim_qm.h"

/* Layout of the self test's DMA page (contexts are 32 bytes apart). */
enum {
	ST_SQC_BT	= 0x000,
	ST_CQC_BT	= 0x400,
	ST_EQC		= 0x800,
	ST_AEQC		= 0x820,
	ST_SQC		= 0x840,
	ST_CQC		= 0x860,
	ST_READ		= 0x880,
	ST_EQ_RING	= 0xc00,
};

/* Post one mailbox command the way drivers do and let the device run it. */
static int st_mailbox(struct sim_qm_func *fn, u32 cmd, bool rd, u16 queue,
		      u64 base)
{
	u32 w0 = cmd | QM_MB_BUSY | (u32)queue << QM_MB_QUEUE_SHIFT;

	if (rd)
		w0 |= QM_MB_OP_READ;
	qm_wr(fn, QM_MB_W0, w0);
	qm_wr(fn, QM_MB_DATA_L, lower_32_bits(base));
	qm_wr(fn, QM_MB_DATA_H, upper_32_bits(base));
	qm_wr(fn, QM_MB_RSVD, 0);
	sim_qm_service(fn);
	w0 = qm_rd(fn, QM_MB_W0);
	if (w0 & QM_MB_BUSY)
		return -ETIMEDOUT;
	return (w0 & QM_MB_STATUS_MASK) >> QM_MB_STATUS_SHIFT;
}

static int st_vft(struct sim_qm_func *fn, u32 type, bool rd, u64 data)
{
	qm_wr(fn, QM_VFT_CFG_TYPE, type);
	qm_wr(fn, QM_VFT_CFG, 0);
	qm_wr(fn, QM_VFT_CFG_OP_WR, rd);
	qm_wr(fn, QM_VFT_CFG_DATA_L, lower_32_bits(data));
	qm_wr(fn, QM_VFT_CFG_DATA_H, upper_32_bits(data));
	qm_wr(fn, QM_VFT_CFG_RDY, 0);
	qm_wr(fn, QM_VFT_CFG_OP_ENABLE, 1);
	sim_qm_service(fn);
	return qm_rd(fn, QM_VFT_CFG_RDY) & 1 ? 0 : -ETIMEDOUT;
}

/* A context for queue 0 or an event queue: ring base and depth. */
static void st_ctx(u8 *ctx, u64 ring, u16 depth, bool evq)
{
	memset(ctx, 0, QM_CTX_SIZE);
	put_unaligned_le32(lower_32_bits(ring), ctx + 4);
	put_unaligned_le32(upper_32_bits(ring), ctx + 8);
	if (evq)
		put_unaligned_le32(depth - 1, ctx + 24);
	else
		put_unaligned_le16(depth - 1, ctx + 12);
}

struct st_step {
	const char *what;
	u32 cmd;
	bool rd;
	u16 queue;
	u32 off;
	int expect;
};

static const struct st_step st_steps[] = {
	{ "SQC_BT write",	QM_MB_CMD_SQC_BT,	false, 0, ST_SQC_BT, 0 },
	{ "CQC_BT write",	QM_MB_CMD_CQC_BT,	false, 0, ST_CQC_BT, 0 },
	{ "SQC_BT read",	QM_MB_CMD_SQC_BT,	true,  0, 0, 0 },
	{ "EQC write",		QM_MB_CMD_EQC,		false, 0, ST_EQC, 0 },
	{ "AEQC write",		QM_MB_CMD_AEQC,		false, 0, ST_AEQC, 0 },
	{ "SQC write",		QM_MB_CMD_SQC,		false, 0, ST_SQC, 0 },
	{ "CQC write",		QM_MB_CMD_CQC,		false, 0, ST_CQC, 0 },
	{ "SQC read",		QM_MB_CMD_SQC,		true,  0, ST_READ, 0 },
	{ "CQC read",		QM_MB_CMD_CQC,		true,  0, ST_READ, 0 },
	{ "EQC read",		QM_MB_CMD_EQC,		true,  0, ST_READ, 0 },
	{ "AEQC read",		QM_MB_CMD_AEQC,		true,  0, ST_READ, 0 },
	{ "SQC_VFT read",	QM_MB_CMD_SQC_VFT_V2,	true,  0, 0, 0 },
	{ "STOP_QP",		QM_MB_CMD_STOP_QP,	false, 0, 0, 0 },
	{ "FLUSH_QM",		QM_MB_CMD_FLUSH_QM,	false, 0, 0, 0 },
	{ "PAUSE_QM",		QM_MB_CMD_PAUSE_QM,	false, 0, 0, 0 },
	{ "SQC outside VFT",	QM_MB_CMD_SQC,		false, 1, ST_SQC,
		QM_MB_ST_BAD_QUEUE },
	{ "unknown command",	0x7f,			false, 0, 0,
		QM_MB_ST_BAD_CMD },
};

static int st_run(struct sim_qm_func *fn, u8 *page, u64 iova)
{
	/* The PF owns queue 0 only: queue 1 must be refused. */
	u64 vft = QM_SQC_VFT_VALID;
	unsigned int i;
	int st;

	qm_wr(fn, QM_MEM_START_INIT, 1);
	sim_qm_service(fn);
	if (!(qm_rd(fn, QM_MEM_INIT_DONE) & 1))
		return -ETIMEDOUT;

	if (st_vft(fn, QM_VFT_SQC, false, vft) ||
	    st_vft(fn, QM_VFT_CQC, false, 0) ||
	    st_vft(fn, QM_VFT_SQC, true, 0))
		return -ETIMEDOUT;
	if (qm_rd(fn, QM_VFT_CFG_DATA_H) != upper_32_bits(vft)) {
		pr_err("self test: VFT reads back 0x%08x, wrote 0x%08x\n",
		       qm_rd(fn, QM_VFT_CFG_DATA_H), upper_32_bits(vft));
		return -EIO;
	}

	st_ctx(page + ST_EQC, iova + ST_EQ_RING, 16, true);
	st_ctx(page + ST_AEQC, iova + ST_EQ_RING + 0x100, 16, true);
	st_ctx(page + ST_SQC, iova + ST_EQ_RING, 4, false);
	st_ctx(page + ST_CQC, iova + ST_EQ_RING + 0x200, 4, false);
	for (i = 0; i < ARRAY_SIZE(st_steps); i++) {
		const struct st_step *s = &st_steps[i];

		st = st_mailbox(fn, s->cmd, s->rd, s->queue,
				s->off ? iova + s->off : 0);
		if (st != s->expect) {
			pr_err("self test: %s: status %d, expected %d\n",
			       s->what, st, s->expect);
			return -EIO;
		}
	}
	if (memcmp(page + ST_READ, page + ST_AEQC, QM_EQC_SIZE)) {
		pr_err("self test: AEQC reads back different\n");
		return -EIO;
	}

	/* The contexts written above live in the cache only. */
	if (qm_rd(fn, QM_CACHE_WB_DONE) & 1) {
		pr_err("self test: write-back DONE reads 1 with dirty contexts\n");
		return -EIO;
	}
	qm_wr(fn, QM_CACHE_WB_START, 1);
	sim_qm_service(fn);
	return qm_rd(fn, QM_CACHE_WB_DONE) & 1 ? 0 : -ETIMEDOUT;
}

/**
 * sim_qm_selftest() - run every handshake of the PF once, then reset it
 * @qm: model whose PF is on the bus (IOMMU probed) and has no driver yet
 *
 * Return: 0, or -errno if the model failed a handshake.
 */
int sim_qm_selftest(struct sim_qm *qm)
{
	struct sim_qm_func *fn = &qm->fn[0];
	struct sim_func *f = fn->f;
	struct page *page;
	unsigned long flags;
	unsigned int i;
	u16 cmd;
	int ret;

	page = alloc_page(GFP_KERNEL | __GFP_ZERO);
	if (!page)
		return -ENOMEM;

	/* The test's contexts are DMA of the PF: let it master the bus. */
	raw_spin_lock_irqsave(&f->pf->lock, flags);
	cmd = sim_cfg16(f, PCI_COMMAND);
	sim_put(f->cfg, PCI_COMMAND, cmd | PCI_COMMAND_MASTER, 2);
	raw_spin_unlock_irqrestore(&f->pf->lock, flags);

	mutex_lock(&qm->ctl_lock);
	/* Identity domain until a driver binds: the IOVA is the address. */
	ret = st_run(fn, page_address(page), page_to_phys(page));
	for (i = 0; i < qm->nfuncs; i++)
		sim_qm_func_state_reset(&qm->fn[i], false);
	sim_qm_regs_reset(fn);
	memset(&fn->st, 0, sizeof(fn->st));
	mutex_unlock(&qm->ctl_lock);

	raw_spin_lock_irqsave(&f->pf->lock, flags);
	sim_put(f->cfg, PCI_COMMAND, cmd, 2);
	raw_spin_unlock_irqrestore(&f->pf->lock, flags);
	__free_page(page);
	if (ret)
		pr_err("%s: QM self test failed: %d\n", dev_name(fn->dev), ret);
	return ret;
}
