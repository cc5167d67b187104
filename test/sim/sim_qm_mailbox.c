// SPDX-License-Identifier: GPL-2.0
/*
 * The QM mailbox (BAR2 0x300-0x30f) of each function, and the PF<->VF
 * message path (SRC/DST commands and the IFC interrupt registers).
 *
 * A command is 16 bytes that x86 drivers store as four ascending 32-bit
 * writes (memcpy_toio), busy bit first. The device writes a sentinel to
 * the last word after each completion; the driver's 0 there means all four
 * stores landed.
 */
#define pr_fmt(fmt) "acc_sim: " fmt

#include <linux/io.h>
#include <linux/timekeeping.h>
#include <linux/unaligned.h>

#include "acc_sim.h"
#include "sim_qm.h"

static int sim_qm_mb_dma(struct sim_qm_func *fn, u64 iova, void *buf,
			 size_t len, bool to_memory)
{
	struct device *dev;
	int ret;

	/* Contexts are memory reads and writes like any other DMA. */
	if (!sim_func_master(fn->f))
		return -EIO;
	dev = sim_qm_get_dev(fn);
	if (!dev)
		return -ENODEV;
	ret = acc_sim_iommu_dma(dev, iova, buf, len, to_memory);
	put_device(dev);
	return ret;
}

/* SQC/CQC write (op 0) or read (op 1) of function-local queue @qn. */
static int sim_qm_mb_qc(struct sim_qm_func *fn, bool cq, bool rd, u16 qn,
			u64 base)
{
	struct sim_qm *qm = fn->qm;
	struct sim_qm_queue *q;
	u8 ctx[QM_CTX_SIZE];
	bool loaded;
	u64 bt;

	spin_lock(&qm->lock);
	q = sim_qm_queue_of(fn, qn);
	spin_unlock(&qm->lock);
	if (!q)
		return QM_MB_ST_BAD_QUEUE;

	if (!rd) {
		if (sim_qm_mb_dma(fn, base, ctx, QM_CTX_SIZE, false))
			return QM_MB_ST_DMA;
		spin_lock(&qm->lock);
		if (q->fn != fn || q->qn != qn) {
			sim_qm_drop_queue(qm, q);
			q->fn = fn;
			q->qn = qn;
		}
		/* A new context: the queue starts over from its indices. */
		q->gen++;
		if (q->busy)
			q->abort = true;
		q->stopped = false;
		q->cand = false;
		sim_qm_mark_dirty(fn, q);
		if (!cq) {
			memcpy(q->sqc, ctx, QM_CTX_SIZE);
			q->sq_head = get_unaligned_le16(ctx + 0);
			q->sq_tail = get_unaligned_le16(ctx + 2);
			q->sqc_valid = true;
		} else {
			memcpy(q->cqc, ctx, QM_CTX_SIZE);
			q->cq_head = get_unaligned_le16(ctx + 0);
			q->cq_tail = get_unaligned_le16(ctx + 2);
			q->cq_phase = get_unaligned_le32(ctx + 24) & 1;
			q->cqc_valid = true;
		}
		spin_unlock(&qm->lock);
		return 0;
	}

	spin_lock(&qm->lock);
	loaded = q->fn == fn && (cq ? q->cqc_valid : q->sqc_valid);
	if (loaded)
		sim_qm_ctx_now(q, cq, ctx);
	bt = cq ? (fn->cqc_bt_valid ? fn->cqc_bt : 0) :
		  (fn->sqc_bt_valid ? fn->sqc_bt : 0);
	spin_unlock(&qm->lock);
	/* Not cached: the device answers from the context table. */
	if (!loaded) {
		memset(ctx, 0, sizeof(ctx));
		if (bt && sim_qm_mb_dma(fn, bt + (u64)qn * QM_CTX_SIZE, ctx,
					QM_CTX_SIZE, false))
			return QM_MB_ST_DMA;
	}
	if (sim_qm_mb_dma(fn, base, ctx, QM_CTX_SIZE, true))
		return QM_MB_ST_DMA;
	return 0;
}

static int sim_qm_mb_eqc(struct sim_qm_func *fn, bool aeq, bool rd, u64 base)
{
	u8 ctx[QM_EQC_SIZE];

	if (rd) {
		sim_qm_evq_get(fn, aeq, ctx);
		return sim_qm_mb_dma(fn, base, ctx, sizeof(ctx), true) ?
		       QM_MB_ST_DMA : 0;
	}
	if (sim_qm_mb_dma(fn, base, ctx, sizeof(ctx), false))
		return QM_MB_ST_DMA;
	sim_qm_evq_set(fn, aeq, ctx);
	return 0;
}

/* SQC_BT/CQC_BT: a (new) context table; cached contexts are forgotten. */
static int sim_qm_mb_bt(struct sim_qm_func *fn, bool cq, bool rd, u64 base,
			u64 *res)
{
	struct sim_qm *qm = fn->qm;
	unsigned int i;

	spin_lock(&qm->lock);
	if (rd) {
		*res = cq ? fn->cqc_bt : fn->sqc_bt;
		spin_unlock(&qm->lock);
		return 0;
	}
	for (i = 0; i < SIM_QM_QUEUES; i++)
		if (qm->q[i].fn == fn)
			sim_qm_drop_queue(qm, &qm->q[i]);
	if (cq) {
		fn->cqc_bt = base;
		fn->cqc_bt_valid = true;
	} else {
		fn->sqc_bt = base;
		fn->sqc_bt_valid = true;
	}
	spin_unlock(&qm->lock);
	/* The EQC/AEQC registers may have been restored meanwhile. */
	sim_qm_evq_reload(fn);
	sim_qm_unpause(fn);
	return 0;
}

static int sim_qm_mb_stop_qp(struct sim_qm_func *fn, u16 qn)
{
	struct sim_qm_queue *q;

	spin_lock(&fn->qm->lock);
	q = sim_qm_queue_of(fn, qn);
	spin_unlock(&fn->qm->lock);
	if (!q)
		return QM_MB_ST_BAD_QUEUE;
	sim_qm_stop_queue(fn, q);
	return 0;
}

static int sim_qm_mb_flush(struct sim_qm_func *fn)
{
	struct sim_qm *qm = fn->qm;
	unsigned int i;

	for (i = 0; i < SIM_QM_QUEUES; i++) {
		struct sim_qm_queue *q = &qm->q[i];
		bool mine;

		spin_lock(&qm->lock);
		mine = q->fn == fn;
		spin_unlock(&qm->lock);
		if (mine)
			sim_qm_stop_queue(fn, q);
	}
	return 0;
}

/* SRC: leave a 64-bit message for a VF (PF side) or for the PF (VF side). */
static int sim_qm_mb_src(struct sim_qm_func *fn, u16 dest, u64 msg)
{
	struct sim_qm *qm = fn->qm;
	unsigned int i;

	if (!sim_qm_is_pf(fn)) {
		fn->vf_msg = msg;
		return 0;
	}
	if (dest == QM_MB_PING_ALL_VFS) {
		for (i = 1; i < qm->nfuncs; i++)
			qm->fn[i].pf_msg = msg;
		return 0;
	}
	if (!dest || dest >= qm->nfuncs || !qm->fn[dest].active)
		return QM_MB_ST_NO_DEST;
	qm->fn[dest].pf_msg = msg;
	return 0;
}

static void sim_qm_ifc_set_src(struct sim_qm_func *fn, u32 src)
{
	fn->ifc_src = src;
	qm_wr(fn, QM_IFC_INT_SOURCE_V, src);
	qm_wr(fn, QM_IFC_INT_STATUS, src & 1);
}

/* DST: fetch the message; fetching it acknowledges it. */
static int sim_qm_mb_dst(struct sim_qm_func *fn, u16 src, u64 *res)
{
	struct sim_qm *qm = fn->qm;
	struct sim_qm_func *pf = &qm->fn[0];

	if (!sim_qm_is_pf(fn)) {
		*res = fn->pf_msg;
		sim_qm_ifc_set_src(fn, 0);
		pf->ifc_ready &= ~BIT_ULL(fn->index);
		qm_wr64(pf, QM_IFC_READY_STATUS, pf->ifc_ready);
		return 0;
	}
	if (!src || src >= qm->nfuncs)
		return QM_MB_ST_NO_DEST;
	*res = qm->fn[src].vf_msg;
	qm->fn[src].ifc_fwd = false;
	qm_wr(&qm->fn[src], QM_IFC_INT_SET_V, 0);
	pf->ifc_src_p &= ~BIT_ULL(src);
	qm_wr64(pf, QM_IFC_INT_SOURCE_P, pf->ifc_src_p);
	if (!pf->ifc_src_p)
		sim_qm_ifc_set_src(pf, 0);
	return 0;
}

static int sim_qm_mb_exec(struct sim_qm_func *fn, u32 w0, u64 base, u64 *res,
			  bool *has_res)
{
	bool rd = w0 & QM_MB_OP_READ;
	u16 queue = w0 >> QM_MB_QUEUE_SHIFT;
	int st;

	*has_res = false;
	switch (w0 & QM_MB_CMD_MASK) {
	case QM_MB_CMD_SQC:
		return sim_qm_mb_qc(fn, false, rd, queue, base);
	case QM_MB_CMD_CQC:
		return sim_qm_mb_qc(fn, true, rd, queue, base);
	case QM_MB_CMD_EQC:
		return sim_qm_mb_eqc(fn, false, rd, base);
	case QM_MB_CMD_AEQC:
		return sim_qm_mb_eqc(fn, true, rd, base);
	case QM_MB_CMD_SQC_BT:
	case QM_MB_CMD_CQC_BT:
		st = sim_qm_mb_bt(fn, (w0 & QM_MB_CMD_MASK) == QM_MB_CMD_CQC_BT,
				  rd, base, res);
		*has_res = rd;
		return st;
	case QM_MB_CMD_SQC_VFT_V2:
		if (!rd)
			return QM_MB_ST_BAD_CMD;
		spin_lock(&fn->qm->lock);
		*res = fn->vft_sqc;
		spin_unlock(&fn->qm->lock);
		*has_res = true;
		return 0;
	case QM_MB_CMD_STOP_QP:
		return sim_qm_mb_stop_qp(fn, queue);
	case QM_MB_CMD_FLUSH_QM:
		return sim_qm_mb_flush(fn);
	case QM_MB_CMD_SRC:
		return sim_qm_mb_src(fn, queue, base);
	case QM_MB_CMD_DST:
		st = sim_qm_mb_dst(fn, queue, res);
		*has_res = !st;
		return st;
	case QM_MB_CMD_PAUSE_QM:
		sim_qm_pause_func(fn);
		return 0;
	default:
		return QM_MB_ST_BAD_CMD;
	}
}

/**
 * sim_qm_mailbox() - run the function's mailbox command, if one is posted
 * @fn: function
 *
 * Return: true if a command completed.
 */
bool sim_qm_mailbox(struct sim_qm_func *fn)
{
	u64 t0 = ktime_get_ns(), base, res = 0, dt;
	bool has_res;
	u32 w0;
	int st;

	w0 = qm_rd(fn, QM_MB_W0);
	if (!(w0 & QM_MB_BUSY))
		return false;
	/* The rest of the 16-byte store has not landed yet. */
	if (qm_rd(fn, QM_MB_RSVD) == QM_MB_SENTINEL)
		return false;
	rmb();	/* the words after the sentinel check */
	w0 = qm_rd(fn, QM_MB_W0);
	base = qm_rd(fn, QM_MB_DATA_L) | (u64)qm_rd(fn, QM_MB_DATA_H) << 32;

	/* A write-back started before this command completes before it. */
	sim_qm_cache_wb(fn);
	st = sim_qm_mb_exec(fn, w0, base, &res, &has_res);
	if (has_res) {
		qm_wr(fn, QM_MB_DATA_L, lower_32_bits(res));
		qm_wr(fn, QM_MB_DATA_H, upper_32_bits(res));
	}
	qm_wr(fn, QM_MB_RSVD, QM_MB_SENTINEL);
	wmb();	/* results and sentinel before busy clears */
	w0 &= ~(QM_MB_BUSY | QM_MB_STATUS_MASK);
	w0 |= (u32)st << QM_MB_STATUS_SHIFT & QM_MB_STATUS_MASK;
	qm_wr(fn, QM_MB_W0, w0);

	dt = ktime_get_ns() - t0;
	pr_debug("%s: mailbox 0x%08x base 0x%llx: status %d, result 0x%llx\n",
		 dev_name(&fn->f->pdev->dev), w0, base, st, res);
	atomic64_inc(&fn->st.mb_cmds);
	if (st)
		atomic64_inc(&fn->st.mb_errors);
	atomic64_add(dt, &fn->st.mb_service_ns);
	sim_qm_stat_max(&fn->st.mb_service_max_ns, dt);
	/* The command landed at most this long before we saw it. */
	dt = fn->last_idle_ns ? t0 - min(fn->last_idle_ns, t0) : 0;
	atomic64_add(dt, &fn->st.mb_detect_ns);
	sim_qm_stat_max(&fn->st.mb_detect_max_ns, dt);
	return true;
}

/**
 * sim_qm_ifc_poll() - the PF<->VF interrupt registers of a function
 * @fn: function
 *
 * 0x20 (and the PF's 0x100138) are write-one-to-clear: the device keeps
 * the true value and treats any change in the BAR as a clear.
 */
void sim_qm_ifc_poll(struct sim_qm_func *fn)
{
	struct sim_qm *qm = fn->qm;
	struct sim_qm_func *pf = &qm->fn[0];
	u32 v = qm_rd(fn, QM_IFC_INT_SOURCE_V);
	unsigned int i;

	if (v != fn->ifc_src)
		sim_qm_ifc_set_src(fn, fn->ifc_src & ~v);

	if (sim_qm_is_pf(fn)) {
		u64 p = qm_rd64(fn, QM_IFC_INT_SOURCE_P);

		if (p != fn->ifc_src_p) {
			fn->ifc_src_p &= ~p;
			qm_wr64(fn, QM_IFC_INT_SOURCE_P, fn->ifc_src_p);
		}
		if (!(qm_rd(fn, QM_IFC_INT_SET_P) & 1))
			return;
		/* PF -> VF(s): the target is in QM_IFC_INT_CFG. */
		v = qm_rd(fn, QM_IFC_INT_CFG) & QM_IFC_SEND_ALL_VFS;
		qm_wr(fn, QM_IFC_INT_SET_P, 0);
		for (i = 1; i < qm->nfuncs; i++) {
			struct sim_qm_func *vf = &qm->fn[i];

			if ((v != QM_IFC_SEND_ALL_VFS && v != i) || !vf->active)
				continue;
			sim_qm_ifc_set_src(vf, vf->ifc_src | 1);
			fn->ifc_ready |= BIT_ULL(i);
			if (!(qm_rd(vf, QM_IFC_INT_MASK) & 1) &&
			    !sim_msi_raise(vf->f, QM_VEC_IFC))
				atomic64_inc(&vf->st.msis);
		}
		qm_wr64(fn, QM_IFC_READY_STATUS, fn->ifc_ready);
		return;
	}

	/* VF -> PF: 0x2c stays set until the PF fetched the message. */
	if (!(qm_rd(fn, QM_IFC_INT_SET_V) & 1) || fn->ifc_fwd)
		return;
	fn->ifc_fwd = true;
	pf->ifc_src_p |= BIT_ULL(fn->index);
	qm_wr64(pf, QM_IFC_INT_SOURCE_P, pf->ifc_src_p);
	sim_qm_ifc_set_src(pf, pf->ifc_src | 1);
	if (pf->active && !(qm_rd(pf, QM_IFC_INT_MASK) & 1) &&
	    !sim_msi_raise(pf->f, QM_VEC_IFC))
		atomic64_inc(&pf->st.msis);
}
