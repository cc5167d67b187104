// SPDX-License-Identifier: GPL-2.0
/*
 * Queues of the QM model: doorbells, SQ consumption by the engine thread,
 * CQE/EQE/AEQE production and the MSIs that announce them.
 *
 * Doorbells are 64-bit stores to addresses shared by all queues of a
 * function (no isolation: 0x1000 for SQ/CQ, 0x2000 for EQ/AEQ). In BAR
 * memory a later store overwrites an earlier one before the device thread
 * sees it: the hardware gets every store, the model may not. The device
 * resets the register to a sentinel after taking a value, and, whenever
 * something was written there, looks at the slot after each queue's known
 * tail: an SQE there (type 3 in dw7) that stays unchanged for
 * SIM_QM_LOST_DB_NS is taken as submitted by a doorbell the model missed.
 * The engine clears that type field when it completes a slot (drivers never
 * read dw7 back), so old entries are never mistaken for new ones.
 */
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/jhash.h>
#include <linux/sched.h>
#include <linux/timekeeping.h>
#include <linux/unaligned.h>

#include "acc_sim.h"
#include "sim_qm.h"

#define SIM_QM_LOST_DB_NS	(2 * NSEC_PER_MSEC)
#define SIM_QM_DRAIN_US		(50 * USEC_PER_MSEC)
#define SQE_TYPE_SHIFT		28
#define SQE_TYPE_V3		3

static void sim_qm_raise(struct sim_qm_func *fn, unsigned int vec)
{
	if (!sim_msi_raise(fn->f, vec))
		atomic64_inc(&fn->st.msis);
}

static bool sim_qm_irq_blocked(struct sim_qm_func *fn, bool aeq)
{
	return qm_rd(fn, aeq ? QM_AEQ_INT_MASK : QM_EQ_INT_MASK) & 1 ||
	       READ_ONCE(fn->paused);
}

/*
 * An event on the EQ/AEQ wants its interrupt. A masked EQ/AEQ, or a paused
 * function (PAUSE_QM, a migration's STOP), holds it until unmasked or
 * running again: the host's save-time EQ/AEQ doorbells only move heads.
 */
static void sim_qm_signal(struct sim_qm_func *fn, bool aeq)
{
	unsigned int vec = aeq ? QM_VEC_AEQ : QM_VEC_EQ;

	if (sim_qm_irq_blocked(fn, aeq)) {
		set_bit(vec, &fn->irq_held);
		if (READ_ONCE(fn->paused))
			atomic64_inc(&fn->st.msis_held);
		return;
	}
	sim_qm_raise(fn, vec);
}

static int sim_qm_dma(struct sim_qm_func *fn, struct device *dev, u64 iova,
		      void *buf, size_t len, bool to_memory)
{
	if (!sim_func_master(fn->f))
		return -EIO;
	return acc_sim_iommu_dma(dev, iova, buf, len, to_memory);
}

static u16 sqc_depth(const struct sim_qm_queue *q)
{
	return (get_unaligned_le32(q->sqc + 12) & 0xfff) + 1;
}

static u16 cqc_depth(const struct sim_qm_queue *q)
{
	return (get_unaligned_le32(q->cqc + 12) & 0xfff) + 1;
}

static u64 ctx_base(const u8 *ctx)
{
	return get_unaligned_le32(ctx + 4) |
	       (u64)get_unaligned_le32(ctx + 8) << 32;
}

/* ---- Event queues ---------------------------------------------------------- */

static struct sim_qm_evq *evq_of(struct sim_qm_func *fn, bool aeq)
{
	return aeq ? &fn->aeq : &fn->eq;
}

/* Compose the EQC as the device holds it (head/tail, current phase). */
static void sim_qm_evq_ctx(struct sim_qm_evq *e, u32 *dw)
{
	dw[0] = e->head | (u32)e->tail << 16;
	dw[6] = (dw[6] & ~BIT(16)) | (u32)e->phase << 16;
}

/* Keep the migration window's copy in step; caller holds ev_lock. */
static void sim_qm_evq_publish(struct sim_qm_func *fn, bool aeq)
{
	struct sim_qm_evq *e = evq_of(fn, aeq);
	u32 off = aeq ? QM_AEQC_DW0 : QM_EQC_DW0;
	unsigned int i;

	sim_qm_evq_ctx(e, e->shadow);
	for (i = 0; i < ARRAY_SIZE(e->shadow); i++)
		qm_wr(fn, off + 4 * i, e->shadow[i]);
}

static void sim_qm_evq_parse(struct sim_qm_evq *e, const u32 *dw)
{
	memcpy(e->shadow, dw, sizeof(e->shadow));
	e->head = dw[0] & 0xffff;
	e->tail = dw[0] >> 16;
	e->base = dw[1] | (u64)dw[2] << 32;
	e->depth = (dw[6] & 0xffff) + 1;
	e->phase = (dw[6] >> 16) & 1;
	e->tail %= e->depth;
	e->head %= e->depth;
	e->valid = e->depth > 1;
}

/**
 * sim_qm_evq_set() - EQC/AEQC mailbox write
 * @fn: function
 * @aeq: AEQC rather than EQC
 * @ctx: the 28-byte context
 */
void sim_qm_evq_set(struct sim_qm_func *fn, bool aeq, const u8 *ctx)
{
	u32 dw[QM_EQC_SIZE / 4];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(dw); i++)
		dw[i] = get_unaligned_le32(ctx + 4 * i);
	mutex_lock(&fn->ev_lock);
	sim_qm_evq_parse(evq_of(fn, aeq), dw);
	sim_qm_evq_publish(fn, aeq);
	mutex_unlock(&fn->ev_lock);
}

/**
 * sim_qm_evq_get() - EQC/AEQC mailbox read
 * @fn: function
 * @aeq: AEQC rather than EQC
 * @ctx: filled with the 28-byte context
 */
void sim_qm_evq_get(struct sim_qm_func *fn, bool aeq, u8 *ctx)
{
	struct sim_qm_evq *e = evq_of(fn, aeq);
	u32 dw[QM_EQC_SIZE / 4];
	unsigned int i;

	mutex_lock(&fn->ev_lock);
	memcpy(dw, e->shadow, sizeof(dw));
	sim_qm_evq_ctx(e, dw);
	mutex_unlock(&fn->ev_lock);
	for (i = 0; i < ARRAY_SIZE(dw); i++)
		put_unaligned_le32(dw[i], ctx + 4 * i);
}

/**
 * sim_qm_evq_reload() - take EQC/AEQC from the migration window registers
 * @fn: function
 *
 * A migration driver restores the contexts by writing those registers;
 * the device uses what is there when the context tables are set.
 */
void sim_qm_evq_reload(struct sim_qm_func *fn)
{
	u32 dw[QM_EQC_SIZE / 4];
	unsigned int i, k;

	mutex_lock(&fn->ev_lock);
	for (k = 0; k < 2; k++) {
		struct sim_qm_evq *e = evq_of(fn, k);
		u32 off = k ? QM_AEQC_DW0 : QM_EQC_DW0;

		for (i = 0; i < ARRAY_SIZE(dw); i++)
			dw[i] = qm_rd(fn, off + 4 * i);
		if (memcmp(dw, e->shadow, sizeof(dw)))
			sim_qm_evq_parse(e, dw);
	}
	mutex_unlock(&fn->ev_lock);
	/* Interrupts of the old contexts are not owed for the new ones. */
	clear_bit(QM_VEC_EQ, &fn->irq_held);
	clear_bit(QM_VEC_AEQ, &fn->irq_held);
}

/* Write one EQE/AEQE; caller holds ev_lock. Return: 0, or -ENOSPC (full). */
static int sim_qm_evq_put(struct sim_qm_func *fn, struct device *dev,
			  bool aeq, u32 val)
{
	struct sim_qm_evq *e = evq_of(fn, aeq);
	__le32 eqe;

	if (!e->valid)
		return -ENODEV;
	if ((e->tail + 1) % e->depth == e->head)
		return -ENOSPC;
	eqe = cpu_to_le32(val | (u32)e->phase << 16);
	if (sim_qm_dma(fn, dev, e->base + (u64)e->tail * QM_EQE_SIZE, &eqe,
		       sizeof(eqe), true))
		return -EFAULT;
	if (++e->tail == e->depth) {
		e->tail = 0;
		e->phase ^= 1;
	}
	sim_qm_evq_publish(fn, aeq);
	return 0;
}

static int sim_qm_aeq_post_dev(struct sim_qm_func *fn, struct device *dev,
			       u16 qn, u32 type)
{
	int ret;

	mutex_lock(&fn->ev_lock);
	ret = sim_qm_evq_put(fn, dev, true, qn | type << 17);
	mutex_unlock(&fn->ev_lock);
	if (ret)
		return ret;
	atomic64_inc(&fn->st.aeqes);
	qm_wr(fn, QM_AEQ_INT_SOURCE, 1);
	sim_qm_signal(fn, true);
	return 0;
}

/**
 * sim_qm_aeq_post() - report an asynchronous event
 * @fn: function
 * @qn: function-local queue
 * @type: QM_AEQE_*
 *
 * Return: 0 or a negative errno (no AEQ, AEQ full, DMA refused).
 */
int sim_qm_aeq_post(struct sim_qm_func *fn, u16 qn, u32 type)
{
	struct device *dev = sim_qm_get_dev(fn);
	int ret;

	if (!dev)
		return -ENODEV;
	ret = sim_qm_aeq_post_dev(fn, dev, qn, type);
	put_device(dev);
	return ret;
}

/* A completion on CQ @cqn: EQE, then the EQ's MSI unless masked. */
static void sim_qm_eq_post(struct sim_qm_func *fn, struct device *dev, u16 cqn)
{
	int ret;

	mutex_lock(&fn->ev_lock);
	ret = sim_qm_evq_put(fn, dev, false, cqn);
	mutex_unlock(&fn->ev_lock);
	if (ret == -ENOSPC) {
		sim_qm_aeq_post_dev(fn, dev, 0, QM_AEQE_EQ_OVERFLOW);
		return;
	}
	if (ret)
		return;
	atomic64_inc(&fn->st.eqes);
	qm_wr(fn, QM_EQ_INT_SOURCE, 1);
	sim_qm_signal(fn, false);
}

/**
 * sim_qm_irq_unmasked() - an EQ/AEQ interrupt may go out again
 * @fn: function
 * @aeq: the AEQ's rather than the EQ's
 *
 * Sends the interrupt held while masked or paused, if entries are still
 * unconsumed. Entries that arrived with a restored context were signalled
 * by the function they came from, so they raise nothing here.
 */
void sim_qm_irq_unmasked(struct sim_qm_func *fn, bool aeq)
{
	struct sim_qm_evq *e = evq_of(fn, aeq);
	unsigned int vec = aeq ? QM_VEC_AEQ : QM_VEC_EQ;
	bool pending;

	if (sim_qm_irq_blocked(fn, aeq) ||
	    !test_and_clear_bit(vec, &fn->irq_held))
		return;
	mutex_lock(&fn->ev_lock);
	pending = e->valid && e->tail != e->head;
	mutex_unlock(&fn->ev_lock);
	if (pending)
		sim_qm_raise(fn, vec);
}

/* EQ/AEQ doorbell: the consumer's head; entries beyond it interrupt again. */
static void sim_qm_evq_doorbell(struct sim_qm_func *fn, bool aeq, u16 head)
{
	struct sim_qm_evq *e = evq_of(fn, aeq);
	bool pending = false;

	mutex_lock(&fn->ev_lock);
	if (e->valid) {
		e->head = head % e->depth;
		pending = e->tail != e->head;
		sim_qm_evq_publish(fn, aeq);
	}
	mutex_unlock(&fn->ev_lock);
	qm_wr(fn, aeq ? QM_AEQ_INT_SOURCE : QM_EQ_INT_SOURCE, pending);
	if (pending)
		sim_qm_signal(fn, aeq);
}

/* ---- Queue contexts ---------------------------------------------------------- */

/**
 * sim_qm_ctx_now() - a queue context as the device holds it now
 * @q: queue; caller holds qm->lock
 * @cq: the CQC rather than the SQC
 * @ctx: 32 bytes, filled in (indices and phase are the device's)
 */
void sim_qm_ctx_now(struct sim_qm_queue *q, bool cq, u8 *ctx)
{
	if (!cq) {
		memcpy(ctx, q->sqc, QM_CTX_SIZE);
		put_unaligned_le16(q->sq_head, ctx + 0);
		put_unaligned_le16(q->sq_tail, ctx + 2);
	} else {
		u32 dw6 = get_unaligned_le32(q->cqc + 24);

		memcpy(ctx, q->cqc, QM_CTX_SIZE);
		put_unaligned_le16(q->cq_head, ctx + 0);
		put_unaligned_le16(q->cq_tail, ctx + 2);
		put_unaligned_le32((dw6 & ~1U) | q->cq_phase, ctx + 24);
	}
}

/**
 * sim_qm_queue_writeback() - write a cached context back to its tables
 * @fn: function owning @q
 * @q: queue
 *
 * Return: 0 or a negative errno.
 */
int sim_qm_queue_writeback(struct sim_qm_func *fn, struct sim_qm_queue *q)
{
	struct sim_qm *qm = fn->qm;
	u8 sqc[QM_CTX_SIZE], cqc[QM_CTX_SIZE];
	bool s, c;
	u64 sbt, cbt;
	struct device *dev;
	int ret = 0;
	u16 qn;

	spin_lock(&qm->lock);
	if (q->fn != fn || !q->dirty) {
		spin_unlock(&qm->lock);
		return 0;
	}
	qn = q->qn;
	s = q->sqc_valid && fn->sqc_bt_valid;
	c = q->cqc_valid && fn->cqc_bt_valid;
	sbt = fn->sqc_bt;
	cbt = fn->cqc_bt;
	sim_qm_ctx_now(q, false, sqc);
	sim_qm_ctx_now(q, true, cqc);
	q->dirty = false;
	spin_unlock(&qm->lock);

	dev = sim_qm_get_dev(fn);
	if (!dev)
		return -ENODEV;
	if (s)
		ret = sim_qm_dma(fn, dev, sbt + (u64)qn * QM_CTX_SIZE, sqc,
				 QM_CTX_SIZE, true);
	if (c && !ret)
		ret = sim_qm_dma(fn, dev, cbt + (u64)qn * QM_CTX_SIZE, cqc,
				 QM_CTX_SIZE, true);
	put_device(dev);
	return ret;
}

/**
 * sim_qm_queue_load() - fetch a queue's contexts from the tables
 * @fn: function
 * @q: its queue @qn, not cached
 * @qn: function-local number
 *
 * After SQC_BT/CQC_BT (e.g. a migration restore) contexts are not cached;
 * the device reads them from the tables when a doorbell names the queue.
 * Entries never configured (zero) or invalidated (SQC w13 bit 6) stay off.
 */
void sim_qm_queue_load(struct sim_qm_func *fn, struct sim_qm_queue *q, u16 qn)
{
	struct sim_qm *qm = fn->qm;
	u8 sqc[QM_CTX_SIZE], cqc[QM_CTX_SIZE];
	struct device *dev;
	u64 sbt, cbt;
	int ret;

	spin_lock(&qm->lock);
	if (!fn->sqc_bt_valid || !fn->cqc_bt_valid) {
		spin_unlock(&qm->lock);
		return;
	}
	sbt = fn->sqc_bt;
	cbt = fn->cqc_bt;
	spin_unlock(&qm->lock);

	dev = sim_qm_get_dev(fn);
	if (!dev)
		return;
	ret = sim_qm_dma(fn, dev, sbt + (u64)qn * QM_CTX_SIZE, sqc,
			 QM_CTX_SIZE, false);
	if (!ret)
		ret = sim_qm_dma(fn, dev, cbt + (u64)qn * QM_CTX_SIZE, cqc,
				 QM_CTX_SIZE, false);
	put_device(dev);
	if (ret || !ctx_base(sqc) || !ctx_base(cqc) ||
	    get_unaligned_le16(sqc + 26) & QM_SQC_DISABLE_QP)
		return;

	spin_lock(&qm->lock);
	if (!q->fn && sim_qm_queue_of(fn, qn) == q) {
		q->fn = fn;
		q->qn = qn;
		q->gen++;
		memcpy(q->sqc, sqc, QM_CTX_SIZE);
		memcpy(q->cqc, cqc, QM_CTX_SIZE);
		q->sq_head = get_unaligned_le16(sqc + 0) % sqc_depth(q);
		q->sq_tail = get_unaligned_le16(sqc + 2) % sqc_depth(q);
		q->cq_head = get_unaligned_le16(cqc + 0) % cqc_depth(q);
		q->cq_tail = get_unaligned_le16(cqc + 2) % cqc_depth(q);
		q->cq_phase = get_unaligned_le32(cqc + 24) & 1;
		q->sqc_valid = true;
		q->cqc_valid = true;
		q->stopped = false;
		q->cand = false;
	}
	spin_unlock(&qm->lock);
}

/* Wait until the engine lets go of what @match selects. */
static bool sim_qm_wait_idle(struct sim_qm *qm, struct sim_qm_func *fn,
			     struct sim_qm_queue *only)
{
	unsigned int waited = 0, i;

	for (;;) {
		bool busy = false;

		spin_lock(&qm->lock);
		for (i = 0; i < SIM_QM_QUEUES && !busy; i++) {
			struct sim_qm_queue *q = &qm->q[i];

			if ((only ? q == only : q->fn == fn) && q->busy) {
				q->abort = true;
				busy = true;
			}
		}
		spin_unlock(&qm->lock);
		if (!busy)
			return true;
		if (waited >= SIM_QM_DRAIN_US)
			return false;
		usleep_range(10, 20);
		waited += 10;
	}
}

/**
 * sim_qm_stop_queue() - STOP_QP: no more SQEs; context written back
 * @fn: function
 * @q: its queue
 *
 * An SQE in flight is given up (no completion). Return: false if the
 * engine did not let go in time.
 */
bool sim_qm_stop_queue(struct sim_qm_func *fn, struct sim_qm_queue *q)
{
	struct sim_qm *qm = fn->qm;
	bool idle;

	spin_lock(&qm->lock);
	if (q->fn != fn) {
		spin_unlock(&qm->lock);
		return true;
	}
	q->stopped = true;
	q->cand = false;
	spin_unlock(&qm->lock);
	idle = sim_qm_wait_idle(qm, fn, q);
	sim_qm_queue_writeback(fn, q);
	return idle;
}

/**
 * sim_qm_pause_func() - PAUSE_QM: the function's queues stop being served
 * @fn: function
 *
 * Until the next SQ doorbell or context table. An SQE in flight is given
 * up and runs again after the pause. Return: false if the engine did not
 * let go in time.
 */
bool sim_qm_pause_func(struct sim_qm_func *fn)
{
	spin_lock(&fn->qm->lock);
	fn->paused = true;
	spin_unlock(&fn->qm->lock);
	return sim_qm_wait_idle(fn->qm, fn, NULL);
}

/**
 * sim_qm_unpause() - the function runs again after PAUSE_QM
 * @fn: function; caller holds no lock
 *
 * Interrupts held back while it was paused go out now, unless masked.
 */
void sim_qm_unpause(struct sim_qm_func *fn)
{
	bool was;

	spin_lock(&fn->qm->lock);
	was = fn->paused;
	fn->paused = false;
	spin_unlock(&fn->qm->lock);
	if (!was)
		return;
	sim_qm_irq_unmasked(fn, false);
	sim_qm_irq_unmasked(fn, true);
}

/* ---- Doorbells ----------------------------------------------------------------- */

static void sim_qm_kick(struct sim_qm *qm)
{
	WRITE_ONCE(qm->eng_kick, true);
	wake_up(&qm->eng_wq);
}

/*
 * A restart doorbell: a migration driver rings one per queue of the
 * function, back to back, and in a memory-backed BAR only the last store
 * may be seen. The burst means "the function runs again", so every queue
 * of it with a valid table entry is loaded, as the whole burst would.
 */
static void sim_qm_restart_func(struct sim_qm_func *fn)
{
	struct sim_qm *qm = fn->qm;
	struct sim_qm_queue *q;
	u16 qn, num;
	bool load;

	spin_lock(&qm->lock);
	num = fn->qp_num;
	spin_unlock(&qm->lock);
	for (qn = 0; qn < num; qn++) {
		spin_lock(&qm->lock);
		q = sim_qm_queue_of(fn, qn);
		load = q && !q->fn;
		spin_unlock(&qm->lock);
		if (load)
			sim_qm_queue_load(fn, q, qn);
	}
}

/* A guest's SQ doorbell: the new tail. False if @qn is not the function's. */
static bool sim_qm_sq_tail(struct sim_qm_func *fn, u16 qn, u16 tail)
{
	struct sim_qm *qm = fn->qm;
	struct sim_qm_queue *q;
	bool load;

	spin_lock(&qm->lock);
	q = sim_qm_queue_of(fn, qn);
	load = q && !q->fn;
	spin_unlock(&qm->lock);
	if (!q)
		return false;
	if (load)
		sim_qm_queue_load(fn, q, qn);

	spin_lock(&qm->lock);
	if (q->fn == fn && q->sqc_valid) {
		u16 depth = sqc_depth(q);
		u16 have = (q->sq_tail + depth - q->sq_head) % depth;
		u16 want = (tail + depth - q->sq_head) % depth;

		/* Tails only move forward; an older value is stale. */
		if (tail < depth && want >= have)
			q->sq_tail = tail;
		if (q->cand && q->cand_slot != q->sq_tail)
			q->cand = false;
	}
	spin_unlock(&qm->lock);
	return true;
}

/*
 * SQ doorbell. A guest rings it with priority 0 and its new tail; priority 1
 * is the migration driver's restart after PAUSE_QM (always index 0), which
 * resumes the queues where their contexts say and must not move a tail.
 */
static void sim_qm_sq_doorbell(struct sim_qm_func *fn, u16 qn, u16 tail,
			       bool restart)
{
	if (restart)
		sim_qm_restart_func(fn);
	else if (!sim_qm_sq_tail(fn, qn, tail))
		return;
	atomic64_inc(restart ? &fn->st.restarts : &fn->st.sq_doorbells);
	sim_qm_unpause(fn);
	sim_qm_kick(fn->qm);
}

static void sim_qm_cq_doorbell(struct sim_qm_func *fn, u16 qn, u16 head)
{
	struct sim_qm_queue *q;

	spin_lock(&fn->qm->lock);
	q = sim_qm_queue_of(fn, qn);
	if (q && q->fn == fn && q->cqc_valid)
		q->cq_head = head % cqc_depth(q);
	spin_unlock(&fn->qm->lock);
}

/**
 * sim_qm_doorbells() - take the values stored to 0x1000 and 0x2000
 * @fn: function
 *
 * Return: true if there was one.
 */
bool sim_qm_doorbells(struct sim_qm_func *fn)
{
	bool ev = false;
	unsigned int k;

	for (k = 0; k < 2; k++) {
		u32 off = k ? QM_DB_EQ_AEQ : QM_DB_SQ_CQ;
		u64 v = qm_rd64(fn, off);
		bool prio;
		u16 qn, idx;

		if (v == QM_DB_SENTINEL)
			continue;
		v = qm_take64(fn, off, QM_DB_SENTINEL);
		ev = true;
		qn = v & 0xfff;
		idx = (v >> 32) & 0xffff;
		prio = (v >> 48) & 0xffff;
		switch ((v >> 12) & 0xf) {
		case QM_DB_CMD_SQ:
			sim_qm_sq_doorbell(fn, qn, idx, prio);
			break;
		case QM_DB_CMD_CQ:
			sim_qm_cq_doorbell(fn, qn, idx);
			break;
		case QM_DB_CMD_EQ:
			sim_qm_evq_doorbell(fn, false, idx);
			break;
		case QM_DB_CMD_AEQ:
			sim_qm_evq_doorbell(fn, true, idx);
			break;
		}
		/* Something was stored at 0x1000: an SQ doorbell may be lost. */
		if (!k) {
			spin_lock(&fn->qm->lock);
			fn->scan = true;
			spin_unlock(&fn->qm->lock);
		}
	}
	return ev;
}

/* Look at the slot after @q's tail; caller holds no lock. */
static void sim_qm_scan_queue(struct sim_qm_func *fn, struct device *dev,
			      struct sim_qm_queue *q)
{
	struct sim_qm *qm = fn->qm;
	u8 sqe[QM_SQE_SIZE];
	u32 gen, hash;
	u16 slot, depth;
	u64 base, now;

	spin_lock(&qm->lock);
	depth = sqc_depth(q);
	slot = q->sq_tail;
	gen = q->gen;
	base = ctx_base(q->sqc);
	if ((slot + 1) % depth == q->sq_head) {	/* ring full */
		q->cand = false;
		spin_unlock(&qm->lock);
		return;
	}
	spin_unlock(&qm->lock);

	if (sim_qm_dma(fn, dev, base + (u64)slot * QM_SQE_SIZE, sqe,
		       sizeof(sqe), false))
		return;
	now = ktime_get_ns();
	hash = jhash(sqe, sizeof(sqe), 0);

	spin_lock(&qm->lock);
	if (q->gen != gen || q->sq_tail != slot || q->fn != fn) {
		spin_unlock(&qm->lock);
		return;
	}
	if (get_unaligned_le32(sqe + 28) >> SQE_TYPE_SHIFT != SQE_TYPE_V3) {
		q->cand = false;
	} else if (!q->cand || q->cand_slot != slot || q->cand_hash != hash) {
		q->cand = true;
		q->cand_slot = slot;
		q->cand_hash = hash;
		q->cand_ns = now;
	} else if (now - q->cand_ns >= SIM_QM_LOST_DB_NS) {
		q->cand = false;
		q->sq_tail = (slot + 1) % depth;
		/* A burst loses more than one: look at the next slot too. */
		fn->scan = true;
		atomic64_inc(&fn->st.lost_doorbells);
		spin_unlock(&qm->lock);
		sim_qm_kick(qm);
		return;
	}
	spin_unlock(&qm->lock);
}

/**
 * sim_qm_scan_lost() - recover SQ doorbells another doorbell overwrote
 * @fn: function
 */
void sim_qm_scan_lost(struct sim_qm_func *fn)
{
	struct sim_qm *qm = fn->qm;
	struct device *dev;
	unsigned int i;
	bool again = false;

	spin_lock(&qm->lock);
	if (!fn->scan)
		for (i = fn->qp_base; i < fn->qp_base + fn->qp_num && !fn->scan; i++)
			fn->scan = i < SIM_QM_QUEUES && qm->q[i].fn == fn &&
				   qm->q[i].cand;
	again = fn->scan;
	WRITE_ONCE(fn->cands, again);
	fn->scan = false;
	spin_unlock(&qm->lock);
	if (!again)
		return;

	dev = sim_qm_get_dev(fn);
	if (!dev)
		return;
	for (i = fn->qp_base; i < fn->qp_base + fn->qp_num && i < SIM_QM_QUEUES;
	     i++) {
		struct sim_qm_queue *q = &qm->q[i];
		bool live;

		spin_lock(&qm->lock);
		live = q->fn == fn && q->sqc_valid && q->cqc_valid &&
		       !q->stopped;
		spin_unlock(&qm->lock);
		if (live)
			sim_qm_scan_queue(fn, dev, q);
	}
	put_device(dev);
}

/* ---- The engine -------------------------------------------------------------- */

struct sim_qm_take {
	struct sim_qm_queue *q;
	struct sim_qm_func *fn;
	u32 gen;
	u16 qn, slot, sq_depth;
	u8 sqc[QM_CTX_SIZE];
};

static bool sim_qm_runnable(struct sim_qm_queue *q)
{
	return q->fn && q->sqc_valid && q->cqc_valid && !q->stopped &&
	       !q->fn->paused && q->sq_head != q->sq_tail && q->fn->dev;
}

/* Next SQE to execute, round robin over queues. */
static bool sim_qm_pick(struct sim_qm *qm, struct sim_qm_take *t)
{
	unsigned int i;

	spin_lock(&qm->lock);
	for (i = 0; i < SIM_QM_QUEUES; i++) {
		unsigned int n = (qm->rr + i) % SIM_QM_QUEUES;
		struct sim_qm_queue *q = &qm->q[n];

		if (!sim_qm_runnable(q))
			continue;
		t->q = q;
		t->fn = q->fn;
		t->gen = q->gen;
		t->qn = q->qn;
		t->slot = q->sq_head;
		t->sq_depth = sqc_depth(q);
		memcpy(t->sqc, q->sqc, QM_CTX_SIZE);
		q->busy = true;
		q->abort = false;
		qm->rr = n + 1;
		spin_unlock(&qm->lock);
		return true;
	}
	spin_unlock(&qm->lock);
	return false;
}

/* The SQE went wrong before any result could be written: AEQ, queue off. */
static void sim_qm_queue_fault(struct sim_qm *qm, struct sim_qm_take *t,
			       struct device *dev)
{
	spin_lock(&qm->lock);
	if (t->q->gen == t->gen)
		t->q->stopped = true;
	spin_unlock(&qm->lock);
	atomic64_inc(&t->fn->st.job_errors);
	sim_qm_aeq_post_dev(t->fn, dev, t->qn, QM_AEQE_CQE_ERROR);
	/* Not idle for PAUSE_QM before the AEQE and its MSI are out. */
	spin_lock(&qm->lock);
	t->q->busy = false;
	spin_unlock(&qm->lock);
}

static void sim_qm_run_one(struct sim_qm *qm, struct sim_qm_take *t)
{
	struct sim_qm_func *fn = t->fn;
	struct sim_qm_queue *q = t->q;
	u64 sqe_iova, cq_iova, t0 = ktime_get_ns();
	struct sim_zip_job job = {};
	__le32 sqe[QM_SQE_SIZE / 4];
	u8 cqe[QM_CQE_SIZE] = {};
	struct device *dev;
	u16 cq_tail, phase;
	bool drop, irq;
	u32 alg;

	dev = sim_qm_get_dev(fn);
	if (!dev) {
		spin_lock(&qm->lock);
		q->busy = false;
		spin_unlock(&qm->lock);
		return;
	}
	sqe_iova = ctx_base(t->sqc) + (u64)t->slot * QM_SQE_SIZE;
	if (sim_qm_dma(fn, dev, sqe_iova, sqe, sizeof(sqe), false)) {
		sim_qm_queue_fault(qm, t, dev);
		goto out;
	}

	alg = get_unaligned_le16(t->sqc + 26) >> 8 & 0xf;
	job.dev = dev;
	job.sqe = (const u32 *)sqe;
	job.decompress = alg == 1;
	job.abort = &q->abort;
	job.ws = qm->zip_ws;
	if (alg > 1)
		job.status = HZIP_ST_BAD_SQE;	/* no such algorithm */
	else
		sim_zip_run(&job);

	spin_lock(&qm->lock);
	drop = READ_ONCE(q->abort) || q->gen != t->gen || q->fn != fn;
	if (drop) {
		q->busy = false;
		spin_unlock(&qm->lock);
		goto out;
	}
	cq_tail = q->cq_tail;
	phase = q->cq_phase;
	cq_iova = ctx_base(q->cqc) + (u64)cq_tail * QM_CQE_SIZE;
	irq = get_unaligned_le32(q->cqc + 24) & BIT(1);
	spin_unlock(&qm->lock);

	/* Results into the SQE: dw0, dw1, dw3; the type field is cleared. */
	sqe[0] = cpu_to_le32(job.consumed);
	sqe[1] = cpu_to_le32(job.produced);
	sqe[3] = cpu_to_le32((le32_to_cpu(sqe[3]) & ~0xffU) |
			     (job.status & 0xff));
	sqe[7] = cpu_to_le32(le32_to_cpu(sqe[7]) & ~GENMASK(31, 28));
	if (sim_qm_dma(fn, dev, sqe_iova, sqe, 16, true) ||
	    sim_qm_dma(fn, dev, sqe_iova + 28, &sqe[7], 4, true)) {
		sim_qm_queue_fault(qm, t, dev);
		goto out;
	}
	/* CQE: everything but the phase first, the phase last. */
	put_unaligned_le16(t->slot, cqe + 8);
	put_unaligned_le16(t->qn, cqe + 10);
	put_unaligned_le16(phase, cqe + 14);
	if (sim_qm_dma(fn, dev, cq_iova, cqe, 14, true) ||
	    sim_qm_dma(fn, dev, cq_iova + 14, cqe + 14, 2, true)) {
		sim_qm_queue_fault(qm, t, dev);
		goto out;
	}

	spin_lock(&qm->lock);
	if (q->gen == t->gen) {
		q->sq_head = (t->slot + 1) % t->sq_depth;
		if (++q->cq_tail == cqc_depth(q)) {
			q->cq_tail = 0;
			q->cq_phase ^= 1;
		}
		sim_qm_mark_dirty(fn, q);
	}
	spin_unlock(&qm->lock);

	atomic64_inc(&fn->st.jobs);
	atomic64_add(job.consumed, &fn->st.bytes_in);
	atomic64_add(job.produced, &fn->st.bytes_out);
	atomic64_add(ktime_get_ns() - t0, &fn->st.job_ns);
	if (job.status && job.status != 0x0d)
		atomic64_inc(&fn->st.job_errors);
	if (irq)
		sim_qm_eq_post(fn, dev, t->qn);
	/*
	 * Busy until the EQE and its MSI are out: PAUSE_QM waits for this,
	 * and nothing of the job may reach memory or the CPU after it.
	 */
	spin_lock(&qm->lock);
	q->busy = false;
	spin_unlock(&qm->lock);
out:
	put_device(dev);
}

/**
 * sim_qm_engine() - the engine thread: one SQE at a time, all queues
 * @data: the model
 *
 * Return: 0.
 */
int sim_qm_engine(void *data)
{
	struct sim_qm *qm = data;
	struct sim_qm_take t;

	while (!kthread_should_stop()) {
		wait_event_interruptible_timeout(qm->eng_wq,
						 READ_ONCE(qm->eng_kick) ||
						 kthread_should_stop(),
						 msecs_to_jiffies(100));
		WRITE_ONCE(qm->eng_kick, false);
		while (!kthread_should_stop()) {
			mutex_lock(&qm->eng_lock);
			if (!sim_qm_pick(qm, &t)) {
				mutex_unlock(&qm->eng_lock);
				break;
			}
			sim_qm_run_one(qm, &t);
			mutex_unlock(&qm->eng_lock);
			cond_resched();
		}
	}
	return 0;
}
