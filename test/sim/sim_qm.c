// SPDX-License-Identifier: GPL-2.0
/*
 * QM model: the register file in BAR memory, its reset values, and the
 * device thread that polls the handshake points (mailbox, VFT, memory init,
 * cache write-back, interrupt masks, doorbells) of every function of a PF.
 *
 * Heavy work (the ZIP engine) runs in a second thread so that handshakes,
 * which drivers poll for 1 ms, are answered within tens of microseconds
 * even under TCG while a job is being compressed.
 */
#define pr_fmt(fmt) "acc_sim: " fmt

#include <linux/delay.h>
#include <linux/io.h>
#include <linux/pci.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>

#include "sim_qm.h"

static uint pollers = 1;
module_param(pollers, uint, 0444);
MODULE_PARM_DESC(pollers, "Register pollers per PF, unbound; 0: one per CPU, bound (default 1)");

/* Fault injection for drivers' VFT read-back: bits the VFT memory drops. */
static ulong vft_stuck_bits;
module_param(vft_stuck_bits, ulong, 0644);
MODULE_PARM_DESC(vft_stuck_bits, "Test knob: VFT data bits the device does not store (default 0)");

void sim_qm_stat_max(atomic64_t *max, u64 v)
{
	u64 old = atomic64_read(max);

	while (v > old) {
		u64 cur = atomic64_cmpxchg(max, old, v);

		if (cur == old)
			break;
		old = cur;
	}
}

/**
 * sim_qm_get_dev() - the function's struct device for DMA, referenced
 * @fn: function
 *
 * Return: the device (put_device() when done) or NULL if the function is
 * not on the bus: a function that is gone issues no DMA.
 */
struct device *sim_qm_get_dev(struct sim_qm_func *fn)
{
	struct device *dev;

	spin_lock(&fn->qm->lock);
	dev = fn->dev ? get_device(fn->dev) : NULL;
	spin_unlock(&fn->qm->lock);
	return dev;
}

/**
 * sim_qm_queue_of() - global queue behind a function-local queue number
 * @fn: function
 * @qn: its queue number
 *
 * Caller holds qm->lock. Return: the queue, or NULL if @qn is outside the
 * function's VFT range.
 */
struct sim_qm_queue *sim_qm_queue_of(struct sim_qm_func *fn, u16 qn)
{
	lockdep_assert_held(&fn->qm->lock);

	if (qn >= fn->qp_num || fn->qp_base + qn >= SIM_QM_QUEUES)
		return NULL;
	return &fn->qm->q[fn->qp_base + qn];
}

/**
 * sim_qm_drop_queue() - forget a queue's context (not written back)
 * @qm: model
 * @q: queue; caller holds qm->lock
 */
void sim_qm_drop_queue(struct sim_qm *qm, struct sim_qm_queue *q)
{
	lockdep_assert_held(&qm->lock);

	q->fn = NULL;
	q->gen++;
	q->sqc_valid = false;
	q->cqc_valid = false;
	q->dirty = false;
	q->stopped = false;
	q->cand = false;
	if (q->busy)
		q->abort = true;
}

/* Reset values of a function's registers (power-on and FLR). */
void sim_qm_regs_reset(struct sim_qm_func *fn)
{
	memset_io(fn->regs, 0, fn->size);
	qm_wr(fn, QM_AEQ_INT_MASK, 1);
	qm_wr(fn, QM_EQ_INT_MASK, 1);
	qm_wr(fn, QM_IFC_INT_MASK, 1);
	qm_wr(fn, QM_CACHE_WB_DONE, 1);
	qm_wr(fn, QM_MB_RSVD, QM_MB_SENTINEL);
	qm_wr64(fn, QM_DB_SQ_CQ, QM_DB_SENTINEL);
	qm_wr64(fn, QM_DB_EQ_AEQ, QM_DB_SENTINEL);
	/* cap_ver 0: drivers use the V3 defaults for every capability. */
	qm_wr(fn, QM_CAP_FUNC, 0);
	if (!sim_qm_is_pf(fn))
		return;
	qm_wr(fn, QM_MEM_INIT_DONE, 1);
	qm_wr(fn, QM_VFT_CFG_RDY, 1);
	qm_wr(fn, QM_CAP_TOTAL_QP, SIM_QM_QUEUES | SIM_QM_QUEUES << 11);
	qm_wr(fn, QM_PM_STATE, 3);
}

/* Internal state of a function back to reset; its queues are dropped. */
void sim_qm_func_state_reset(struct sim_qm_func *fn, bool keep_vft)
{
	struct sim_qm *qm = fn->qm;
	unsigned int i;

	spin_lock(&qm->lock);
	for (i = 0; i < SIM_QM_QUEUES; i++)
		if (qm->q[i].fn == fn)
			sim_qm_drop_queue(qm, &qm->q[i]);
	if (!keep_vft) {
		fn->vft_sqc = 0;
		fn->vft_cqc = 0;
		fn->qp_base = 0;
		fn->qp_num = 0;
	}
	fn->sqc_bt_valid = false;
	fn->cqc_bt_valid = false;
	fn->paused = false;
	fn->irq_held = 0;
	fn->scan = false;
	fn->pf_msg = 0;
	fn->vf_msg = 0;
	spin_unlock(&qm->lock);
	fn->ifc_src = 0;
	fn->ifc_fwd = false;
	fn->ifc_src_p = 0;
	fn->ifc_ready = 0;

	mutex_lock(&fn->ev_lock);
	memset(&fn->eq, 0, sizeof(fn->eq));
	memset(&fn->aeq, 0, sizeof(fn->aeq));
	mutex_unlock(&fn->ev_lock);
	fn->eq_mask = 1;
	fn->aeq_mask = 1;
}

/*
 * FLR (or VF Enable cleared): the function's QM returns to reset. A VF
 * keeps its VFT: that is the PF's configuration, not the VF's.
 */
void sim_qm_func_reset(struct sim_func *f)
{
	struct sim_qm *qm = f->pf->qm;
	struct sim_qm_func *fn;

	if (!qm)
		return;
	fn = &qm->fn[f->vf];
	mutex_lock(&qm->ctl_lock);
	/* Let the engine finish (or give up) what it holds of this function. */
	sim_qm_func_state_reset(fn, !sim_qm_is_pf(fn));
	mutex_lock(&qm->eng_lock);
	mutex_unlock(&qm->eng_lock);
	if (sim_qm_is_pf(fn)) {
		unsigned int i;

		/* A PF reset takes the whole device, VFTs included. */
		for (i = 1; i < qm->nfuncs; i++)
			sim_qm_func_state_reset(&qm->fn[i], false);
	}
	sim_qm_regs_reset(fn);
	mutex_unlock(&qm->ctl_lock);
}

void sim_qm_func_added(struct sim_func *f)
{
	struct sim_qm *qm = f->pf->qm;
	struct sim_qm_func *fn;

	if (!qm)
		return;
	fn = &qm->fn[f->vf];
	get_device(&f->pdev->dev);
	spin_lock(&qm->lock);
	fn->dev = &f->pdev->dev;
	spin_unlock(&qm->lock);
}

/* The function leaves the bus: no DMA for it from now on. */
void sim_qm_func_removed(struct sim_func *f)
{
	struct sim_qm *qm = f->pf->qm;
	struct sim_qm_func *fn;
	struct device *dev;

	if (!qm)
		return;
	fn = &qm->fn[f->vf];
	mutex_lock(&qm->ctl_lock);
	spin_lock(&qm->lock);
	dev = fn->dev;
	fn->dev = NULL;
	spin_unlock(&qm->lock);
	sim_qm_func_state_reset(fn, !sim_qm_is_pf(fn));
	mutex_lock(&qm->eng_lock);
	mutex_unlock(&qm->eng_lock);
	mutex_unlock(&qm->ctl_lock);
	put_device(dev);
}

/* ---- PF handshakes ------------------------------------------------------- */

/* QM_MEM_START_INIT: internal memories (contexts, VFT) cleared. */
static bool sim_qm_mem_init(struct sim_qm_func *fn)
{
	struct sim_qm *qm = fn->qm;
	unsigned int i;

	if (!(qm_rd(fn, QM_MEM_START_INIT) & 1))
		return false;
	for (i = 0; i < qm->nfuncs; i++)
		sim_qm_func_state_reset(&qm->fn[i], false);
	qm_wr(fn, QM_MEM_START_INIT, 0);
	qm_wr(fn, QM_MEM_INIT_DONE, 1);
	atomic64_inc(&fn->st.mem_inits);
	return true;
}

static void sim_qm_vft_apply(struct sim_qm *qm, struct sim_qm_func *t,
			     u32 type, u64 data)
{
	unsigned int i;

	data &= ~(u64)READ_ONCE(vft_stuck_bits);
	spin_lock(&qm->lock);
	if (type == QM_VFT_SQC) {
		/* A new range: contexts of the old one belong to nobody now. */
		for (i = 0; i < SIM_QM_QUEUES; i++)
			if (qm->q[i].fn == t)
				sim_qm_drop_queue(qm, &qm->q[i]);
		t->vft_sqc = data;
		if (data & QM_SQC_VFT_VALID) {
			t->qp_base = (data >> QM_SQC_VFT_BASE_SHIFT) &
				     QM_SQC_VFT_BASE_MASK;
			t->qp_num = ((data >> QM_SQC_VFT_NUM_SHIFT) &
				     QM_SQC_VFT_NUM_MASK) + 1;
		} else {
			t->qp_base = 0;
			t->qp_num = 0;
		}
	} else if (type == QM_VFT_CQC) {
		t->vft_cqc = data;
	}
	spin_unlock(&qm->lock);
}

/*
 * VFT configuration (qm.c:1221-1252): the driver fills TYPE, CFG and DATA,
 * clears RDY and sets OP_ENABLE last; OP_ENABLE set proves the rest landed.
 */
static bool sim_qm_vft(struct sim_qm_func *fn)
{
	struct sim_qm *qm = fn->qm;
	u32 type, cfg, func;
	u64 data = 0;

	if (!(qm_rd(fn, QM_VFT_CFG_OP_ENABLE) & 1))
		return false;
	type = qm_rd(fn, QM_VFT_CFG_TYPE);
	cfg = qm_rd(fn, QM_VFT_CFG);
	func = type == QM_VFT_SHAPER ? cfg & 0x3f : cfg;
	if (func < qm->nfuncs && type <= QM_VFT_SHAPER) {
		struct sim_qm_func *t = &qm->fn[func];

		if (qm_rd(fn, QM_VFT_CFG_OP_WR) & 1) {
			spin_lock(&qm->lock);
			data = type == QM_VFT_SQC ? t->vft_sqc :
			       type == QM_VFT_CQC ? t->vft_cqc : 0;
			spin_unlock(&qm->lock);
			qm_wr(fn, QM_VFT_CFG_DATA_L, lower_32_bits(data));
			qm_wr(fn, QM_VFT_CFG_DATA_H, upper_32_bits(data));
		} else {
			data = qm_rd(fn, QM_VFT_CFG_DATA_L) |
			       (u64)qm_rd(fn, QM_VFT_CFG_DATA_H) << 32;
			/* The shaper (QoS) is accepted and not modelled. */
			sim_qm_vft_apply(qm, t, type, data);
		}
	}
	pr_debug("VFT %s type %u func %u: 0x%llx\n",
		 qm_rd(fn, QM_VFT_CFG_OP_WR) & 1 ? "read" : "write", type, func,
		 data);
	atomic64_inc(&fn->st.vft_ops);
	qm_wr(fn, QM_VFT_CFG_OP_ENABLE, 0);
	wmb();	/* results before RDY */
	qm_wr(fn, QM_VFT_CFG_RDY, 1);
	return true;
}

/* ---- Per-function handshakes --------------------------------------------- */

/**
 * sim_qm_mark_dirty() - a queue context changed in the device's cache
 * @fn: the queue's function
 * @q: queue; caller holds qm->lock
 *
 * The tables in memory are stale until a write-back: DONE (0x208) reads 0
 * from now on, so a driver that writes START and polls DONE cannot
 * overtake the write-back, however late the model sees START.
 */
void sim_qm_mark_dirty(struct sim_qm_func *fn, struct sim_qm_queue *q)
{
	lockdep_assert_held(&fn->qm->lock);
	q->dirty = true;
	qm_wr(fn, QM_CACHE_WB_DONE, 0);
}

/* Does any context of @fn differ from its table? */
static bool sim_qm_any_dirty(struct sim_qm_func *fn)
{
	struct sim_qm *qm = fn->qm;
	bool dirty = false;
	unsigned int i;

	lockdep_assert_held(&qm->lock);
	for (i = 0; i < SIM_QM_QUEUES; i++)
		dirty |= qm->q[i].fn == fn && qm->q[i].dirty;
	return dirty;
}

/*
 * Cache write-back: contexts the device changed go back to the SQC/CQC
 * tables in memory; DONE is set once none is left. A queue that changed
 * again meanwhile keeps START pending for the next pass.
 */
bool sim_qm_cache_wb(struct sim_qm_func *fn)
{
	struct sim_qm *qm = fn->qm;
	unsigned int i;
	bool dirty;

	if (!(qm_rd(fn, QM_CACHE_WB_START) & 1))
		return false;
	for (i = 0; i < SIM_QM_QUEUES; i++) {
		struct sim_qm_queue *q = &qm->q[i];
		bool mine;

		spin_lock(&qm->lock);
		mine = q->fn == fn && q->dirty;
		spin_unlock(&qm->lock);
		if (mine)
			sim_qm_queue_writeback(fn, q);
	}
	spin_lock(&qm->lock);
	dirty = sim_qm_any_dirty(fn);
	if (!dirty) {
		qm_wr(fn, QM_CACHE_WB_START, 0);
		qm_wr(fn, QM_CACHE_WB_DONE, 1);
	}
	spin_unlock(&qm->lock);
	if (!dirty)
		atomic64_inc(&fn->st.cache_wb);
	return true;
}

/* Interrupt masks: unmasking delivers what is pending. */
static void sim_qm_masks(struct sim_qm_func *fn)
{
	u32 eq = qm_rd(fn, QM_EQ_INT_MASK) & 1;
	u32 aeq = qm_rd(fn, QM_AEQ_INT_MASK) & 1;

	if (fn->eq_mask && !eq) {
		fn->eq_mask = 0;
		sim_qm_irq_unmasked(fn, false);
	}
	fn->eq_mask = eq;
	if (fn->aeq_mask && !aeq) {
		fn->aeq_mask = 0;
		sim_qm_irq_unmasked(fn, true);
	}
	fn->aeq_mask = aeq;
}

/* Everything a function's registers ask of the device right now. */
bool sim_qm_service(struct sim_qm_func *fn)
{
	bool ev = false;

	/*
	 * Doorbells first: one seen together with a mailbox command was
	 * stored before it (drivers wait for a command before ringing), and
	 * a PAUSE_QM must not be undone by a doorbell that preceded it.
	 */
	ev |= sim_qm_doorbells(fn);
	ev |= sim_qm_mailbox(fn);
	ev |= sim_qm_cache_wb(fn);
	if (sim_qm_is_pf(fn)) {
		ev |= sim_qm_mem_init(fn);
		ev |= sim_qm_vft(fn);
	}
	sim_qm_ifc_poll(fn);
	sim_qm_masks(fn);
	sim_qm_scan_lost(fn);
	return ev;
}

/* Which functions decode memory now (PF: Memory Space; VFs: VF MSE). */
static void sim_qm_update_active(struct sim_qm *qm)
{
	struct sim_pf *pf = qm->pf;
	unsigned long flags;
	bool pf_on, vf_on;
	unsigned int i, nvf;

	raw_spin_lock_irqsave(&pf->lock, flags);
	pf_on = !pf->funcs[0].in_reset &&
		sim_cfg16(&pf->funcs[0], PCI_COMMAND) & PCI_COMMAND_MEMORY;
	vf_on = sim_cfg16(&pf->funcs[0], SIM_EXT_SRIOV + PCI_SRIOV_CTRL) &
		PCI_SRIOV_CTRL_MSE;
	nvf = pf->num_vfs;
	WRITE_ONCE(qm->fn[0].active, pf_on);
	for (i = 1; i < qm->nfuncs; i++)
		WRITE_ONCE(qm->fn[i].active,
			   vf_on && i <= nvf && !pf->funcs[i].in_reset);
	raw_spin_unlock_irqrestore(&pf->lock, flags);
}

/*
 * Does the function ask for anything? Reads only, without the lock, so
 * that the pollers hold it only while acting.
 */
static bool sim_qm_pending(struct sim_qm_func *fn)
{
	if (qm_rd(fn, QM_MB_W0) & QM_MB_BUSY ||
	    qm_rd(fn, QM_CACHE_WB_START) & 1 ||
	    qm_rd64(fn, QM_DB_SQ_CQ) != QM_DB_SENTINEL ||
	    qm_rd64(fn, QM_DB_EQ_AEQ) != QM_DB_SENTINEL ||
	    (qm_rd(fn, QM_EQ_INT_MASK) & 1) != READ_ONCE(fn->eq_mask) ||
	    (qm_rd(fn, QM_AEQ_INT_MASK) & 1) != READ_ONCE(fn->aeq_mask) ||
	    qm_rd(fn, QM_IFC_INT_SOURCE_V) != READ_ONCE(fn->ifc_src) ||
	    READ_ONCE(fn->cands))
		return true;
	if (!sim_qm_is_pf(fn))
		return qm_rd(fn, QM_IFC_INT_SET_V) & 1 && !READ_ONCE(fn->ifc_fwd);
	return qm_rd(fn, QM_MEM_START_INIT) & 1 ||
	       qm_rd(fn, QM_VFT_CFG_OP_ENABLE) & 1 ||
	       qm_rd(fn, QM_IFC_INT_SET_P) & 1 ||
	       qm_rd64(fn, QM_IFC_INT_SOURCE_P) != READ_ONCE(fn->ifc_src_p);
}

/*
 * The poller: spins while any function decodes memory, sleeps otherwise.
 * By default there is one, on whatever CPU the scheduler gives it: in the
 * test VM guest time counts instructions, a driver that waits for a
 * handshake sleeps or spins on its own vCPU while the poller runs, and a
 * second spinning poller would only halve the instructions left for the
 * work. pollers=0 starts one per CPU, bound to it, for a VM whose guest
 * time is host time: there a vCPU can stall for milliseconds, and the
 * driver's own CPU answers whenever the driver sleeps between polls.
 */
static void sim_qm_idle(struct sim_qm *qm);

static int sim_qm_thread(void *data)
{
	struct sim_qm *qm = data;

	while (!kthread_should_stop()) {
		bool any = false, ev = false;
		unsigned int i;
		u64 now;

		sim_qm_update_active(qm);
		for (i = 0; i < qm->nfuncs; i++) {
			struct sim_qm_func *fn = &qm->fn[i];

			if (!READ_ONCE(fn->active)) {
				fn->last_idle_ns = 0;
				continue;
			}
			any = true;
			if (sim_qm_pending(fn) && mutex_trylock(&qm->ctl_lock)) {
				if (READ_ONCE(fn->active))
					ev |= sim_qm_service(fn);
				mutex_unlock(&qm->ctl_lock);
			}
			now = ktime_get_ns();
			/* Pollers share the stamp: a gap, not a pass time. */
			if (fn->last_idle_ns && now > fn->last_idle_ns)
				sim_qm_stat_max(&fn->st.poll_gap_max_ns,
						now - fn->last_idle_ns);
			atomic64_inc(&fn->st.polls);
			fn->last_idle_ns = now;
		}
		if (ev)
			WRITE_ONCE(qm->last_ev_ns, ktime_get_ns());
		if (any)
			cond_resched();
		else
			sim_qm_idle(qm);
	}
	return 0;
}

/*
 * Nothing decodes: sleep until a function is enabled (the config write
 * kicks us, so a driver's first handshake right after enabling memory is
 * seen at once, as hardware would) or for a few ms as a backstop.
 */
static void sim_qm_idle(struct sim_qm *qm)
{
	ktime_t t = ms_to_ktime(3);

	set_current_state(TASK_INTERRUPTIBLE);
	if (!READ_ONCE(qm->kicked) && !kthread_should_stop())
		schedule_hrtimeout_range(&t, 1 * NSEC_PER_MSEC, HRTIMER_MODE_REL);
	__set_current_state(TASK_RUNNING);
	WRITE_ONCE(qm->kicked, false);
}

/* Context: pf->lock held (raw spinlock), so only wake_up_process(). */
static void sim_qm_decode_changed(struct sim_func *f)
{
	struct sim_qm *qm = f->pf->qm;
	unsigned int i;

	if (!qm)
		return;
	WRITE_ONCE(qm->kicked, true);
	for (i = 0; i < qm->nr_ctl; i++)
		wake_up_process(qm->ctl_threads[i]);
}

/**
 * sim_qm_create() - the QM of a PF and its VFs, threads running
 * @pf: PF whose BARs are set up (sim_firmware_setup() ran)
 *
 * Return: the model or an ERR_PTR().
 */
struct sim_qm *sim_qm_create(struct sim_pf *pf)
{
	unsigned int nvf = pf->sim->total_vfs, i;
	struct sim_qm *qm;
	int ret = -ENOMEM;

	qm = kzalloc(sizeof(*qm), GFP_KERNEL);
	if (!qm)
		return ERR_PTR(-ENOMEM);
	qm->pf = pf;
	qm->nfuncs = nvf + 1;
	spin_lock_init(&qm->lock);
	mutex_init(&qm->ctl_lock);
	mutex_init(&qm->eng_lock);
	init_waitqueue_head(&qm->eng_wq);
	qm->fn = kcalloc(qm->nfuncs, sizeof(*qm->fn), GFP_KERNEL);
	qm->zip_ws = sim_zip_alloc_ws();
	if (!qm->fn || !qm->zip_ws)
		goto err;
	/* The drivers' memory type: ioremap() is uncached, as theirs. */
	qm->pf_regs = ioremap(pf->bar2, SIM_PF_BAR2_SIZE);
	qm->vf_regs = ioremap(pf->vf_bar2, (size_t)nvf * SIM_VF_BAR2_SIZE);
	if (!qm->pf_regs || !qm->vf_regs)
		goto err;

	for (i = 0; i < qm->nfuncs; i++) {
		struct sim_qm_func *fn = &qm->fn[i];

		fn->qm = qm;
		fn->f = &pf->funcs[i];
		fn->index = i;
		fn->regs = i ? qm->vf_regs + (i - 1) * SIM_VF_BAR2_SIZE :
			       qm->pf_regs;
		fn->size = i ? SIM_VF_BAR2_SIZE : SIM_PF_BAR2_SIZE;
		mutex_init(&fn->ev_lock);
		sim_qm_func_state_reset(fn, false);
		sim_qm_regs_reset(fn);
	}

	qm->ctl_threads = kcalloc(nr_cpu_ids, sizeof(*qm->ctl_threads),
				  GFP_KERNEL);
	if (!qm->ctl_threads)
		goto err;
	for_each_online_cpu(i) {
		struct task_struct *t;

		t = kthread_create(sim_qm_thread, qm, "acc_sim_qm%u/%u",
				   pf->index, i);
		if (IS_ERR(t)) {
			ret = PTR_ERR(t);
			goto err;
		}
		if (!pollers)
			kthread_bind(t, i);
		qm->ctl_threads[qm->nr_ctl++] = t;
		wake_up_process(t);
		if (pollers && qm->nr_ctl >= pollers)
			break;
	}
	qm->eng_thread = kthread_run(sim_qm_engine, qm, "acc_sim_zip%u",
				     pf->index);
	if (IS_ERR(qm->eng_thread)) {
		ret = PTR_ERR(qm->eng_thread);
		qm->eng_thread = NULL;
		goto err;
	}
	return qm;
err:
	sim_qm_destroy(qm);
	return ERR_PTR(ret);
}

/**
 * sim_qm_destroy() - stop the threads and unmap; no function on the bus
 * @qm: model, may be partly created
 */
void sim_qm_destroy(struct sim_qm *qm)
{
	unsigned int i;

	if (qm->eng_thread)
		kthread_stop(qm->eng_thread);
	for (i = 0; i < qm->nr_ctl; i++)
		kthread_stop(qm->ctl_threads[i]);
	kfree(qm->ctl_threads);
	for (i = 0; qm->fn && i < qm->nfuncs; i++) {
		WARN_ON(qm->fn[i].dev);
		mutex_destroy(&qm->fn[i].ev_lock);
	}
	if (qm->vf_regs)
		iounmap(qm->vf_regs);
	if (qm->pf_regs)
		iounmap(qm->pf_regs);
	sim_zip_free_ws(qm->zip_ws);
	kfree(qm->fn);
	mutex_destroy(&qm->eng_lock);
	mutex_destroy(&qm->ctl_lock);
	kfree(qm);
}

static int sim_qm_pf_create(struct sim_pf *pf)
{
	struct sim_qm *qm = sim_qm_create(pf);

	if (IS_ERR(qm))
		return PTR_ERR(qm);
	pf->qm = qm;
	return 0;
}

static void sim_qm_pf_destroy(struct sim_pf *pf)
{
	struct sim_qm *qm = pf->qm;
	unsigned long flags;

	if (!qm)
		return;
	/* No more kicks (decode_changed runs under pf->lock). */
	raw_spin_lock_irqsave(&pf->lock, flags);
	pf->qm = NULL;
	raw_spin_unlock_irqrestore(&pf->lock, flags);
	sim_qm_destroy(qm);
}

static int sim_qm_pf_selftest(struct sim_pf *pf)
{
	return pf->qm ? sim_qm_selftest(pf->qm) : 0;
}

const struct sim_model_ops sim_qm_model = {
	.func_reset	= sim_qm_func_reset,
	.pf_create	= sim_qm_pf_create,
	.pf_destroy	= sim_qm_pf_destroy,
	.func_added	= sim_qm_func_added,
	.func_removed	= sim_qm_func_removed,
	.selftest	= sim_qm_pf_selftest,
	.decode_changed	= sim_qm_decode_changed,
	.stats_show	= sim_qm_stats_show,
};

static u64 avg(atomic64_t *sum, atomic64_t *n)
{
	u64 c = atomic64_read(n);

	return c ? div64_u64(atomic64_read(sum), c) : 0;
}

/**
 * sim_qm_stats_show() - the qm_stats debugfs file of a function
 * @f: function
 * @m: seq_file
 */
void sim_qm_stats_show(struct sim_func *f, struct seq_file *m)
{
	struct sim_qm *qm = f->pf->qm;
	struct sim_qm_func *fn;
	struct sim_qm_stats *st;

	if (!qm)
		return;
	fn = &qm->fn[f->vf];
	st = &fn->st;
	seq_printf(m, "queues %u-%u\n", fn->qp_base,
		   fn->qp_num ? fn->qp_base + fn->qp_num - 1 : fn->qp_base);
	seq_printf(m, "qp_num %u\n", fn->qp_num);
	seq_printf(m, "mb_cmds %lld\n", atomic64_read(&st->mb_cmds));
	seq_printf(m, "mb_errors %lld\n", atomic64_read(&st->mb_errors));
	seq_printf(m, "mb_service_avg_ns %llu\n",
		   avg(&st->mb_service_ns, &st->mb_cmds));
	seq_printf(m, "mb_service_max_ns %lld\n",
		   atomic64_read(&st->mb_service_max_ns));
	seq_printf(m, "mb_detect_avg_ns %llu\n",
		   avg(&st->mb_detect_ns, &st->mb_cmds));
	seq_printf(m, "mb_detect_max_ns %lld\n",
		   atomic64_read(&st->mb_detect_max_ns));
	seq_printf(m, "jobs %lld\n", atomic64_read(&st->jobs));
	seq_printf(m, "job_errors %lld\n", atomic64_read(&st->job_errors));
	seq_printf(m, "job_avg_ns %llu\n", avg(&st->job_ns, &st->jobs));
	seq_printf(m, "bytes_in %lld\n", atomic64_read(&st->bytes_in));
	seq_printf(m, "bytes_out %lld\n", atomic64_read(&st->bytes_out));
	seq_printf(m, "sq_doorbells %lld\n", atomic64_read(&st->sq_doorbells));
	seq_printf(m, "lost_doorbells %lld\n",
		   atomic64_read(&st->lost_doorbells));
	seq_printf(m, "eqes %lld\n", atomic64_read(&st->eqes));
	seq_printf(m, "aeqes %lld\n", atomic64_read(&st->aeqes));
	seq_printf(m, "restarts %lld\n", atomic64_read(&st->restarts));
	seq_printf(m, "msis %lld\n", atomic64_read(&st->msis));
	seq_printf(m, "msis_held %lld\n", atomic64_read(&st->msis_held));
	seq_printf(m, "cache_wb %lld\n", atomic64_read(&st->cache_wb));
	seq_printf(m, "vft_ops %lld\n", atomic64_read(&st->vft_ops));
	seq_printf(m, "mem_inits %lld\n", atomic64_read(&st->mem_inits));
	seq_printf(m, "polls %lld\n", atomic64_read(&st->polls));
	seq_printf(m, "poll_gap_max_ns %lld\n",
		   atomic64_read(&st->poll_gap_max_ns));
}
