/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Device model of the HiSilicon queue manager (QM, hardware V3) and the ZIP
 * engine behind the simulated functions. The register file lives in the BAR
 * memory itself: drivers (kernel or userspace through vfio) read and write
 * it directly, and device threads poll the handshake points and act like
 * the hardware.
 *
 *   sim_qm.c          register file, reset values, device thread, VFT,
 *                     memory init, cache write-back, interrupt masks, FLR
 *   sim_qm_mailbox.c  the mailbox at 0x300 and PF<->VF messages
 *   sim_qm_queue.c    doorbells, SQ/CQ/EQ/AEQ, the engine thread
 *   sim_zip.c         the ZIP engine: SQE, SGLs, deflate/zlib/gzip
 *
 * Facts and their sources: /work/shared/HISI_QM_FACTS.md; offsets named as
 * the upstream driver names them (drivers/crypto/hisilicon/qm.c).
 */
#ifndef SIM_QM_H
#define SIM_QM_H

#include <linux/atomic.h>
#include <linux/kthread.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "sim.h"

/* ---- Per-function registers (PF and VF BAR2) ---------------------------- */
#define QM_AEQ_INT_SOURCE	0x0000
#define QM_AEQ_INT_MASK		0x0004
#define QM_EQ_INT_SOURCE	0x0008
#define QM_EQ_INT_MASK		0x000c
#define QM_IFC_INT_SOURCE_V	0x0020
#define QM_IFC_INT_MASK		0x0024
#define QM_IFC_INT_STATUS	0x0028
#define QM_IFC_INT_SET_V	0x002c
#define QM_QUE_ISO_CFG_V	0x0030
#define QM_PAGE_SIZE		0x0034
#define QM_VF_STATE		0x0060
#define QM_CACHE_WB_START	0x0204
#define QM_CACHE_WB_DONE	0x0208
#define QM_MB_W0		0x0300
#define QM_MB_DATA_L		0x0304
#define QM_MB_DATA_H		0x0308
#define QM_MB_RSVD		0x030c
#define QM_DB_SQ_CQ		0x1000
#define QM_DB_EQ_AEQ		0x2000
#define QM_CAP_FUNC		0x3100	/* [7:0] cap_ver */
/* Migration window of BAR2's upper half: EQC/AEQC as the device holds them */
#define QM_EQC_DW0		0x8000
#define QM_AEQC_DW0		0x8020

/* ---- PF-only registers --------------------------------------------------- */
#define QM_ABNORMAL_INT_STATUS	0x100008
#define QM_MEM_START_INIT	0x100040
#define QM_MEM_INIT_DONE	0x100044
#define QM_VFT_CFG_OP_ENABLE	0x100054
#define QM_VFT_CFG_OP_WR	0x100058
#define QM_VFT_CFG_TYPE		0x10005c
#define QM_VFT_CFG		0x100060
#define QM_VFT_CFG_DATA_L	0x100064
#define QM_VFT_CFG_DATA_H	0x100068
#define QM_VFT_CFG_RDY		0x10006c
#define QM_IFC_READY_STATUS	0x100128	/* 64-bit */
#define QM_IFC_INT_SET_P	0x100130
#define QM_IFC_INT_CFG		0x100134
#define QM_IFC_INT_SOURCE_P	0x100138	/* 64-bit */
#define QM_CAP_TOTAL_QP		0x100158	/* [10:0] queues, [21:11] per function */
#define QM_PM_STATE		0x300150	/* runtime PM handshake: 3 = idle */
#define HZIP_CORE_INT_STATUS	0x3010ac

/* ---- Mailbox ------------------------------------------------------------- */
#define QM_MB_CMD_MASK		GENMASK(7, 0)
#define QM_MB_STATUS_SHIFT	9
#define QM_MB_STATUS_MASK	GENMASK(12, 9)
#define QM_MB_BUSY		BIT(13)
#define QM_MB_OP_READ		BIT(14)
#define QM_MB_QUEUE_SHIFT	16
/*
 * Written to 0x30c after every completion; drivers store 0 there last of
 * the four 32-bit mailbox stores, so 0 proves the whole command landed.
 */
#define QM_MB_SENTINEL		0xffffffffU

enum sim_qm_mb_cmd {
	QM_MB_CMD_SQC		= 0x0,
	QM_MB_CMD_CQC		= 0x1,
	QM_MB_CMD_EQC		= 0x2,
	QM_MB_CMD_AEQC		= 0x3,
	QM_MB_CMD_SQC_BT	= 0x4,
	QM_MB_CMD_CQC_BT	= 0x5,
	QM_MB_CMD_SQC_VFT_V2	= 0x6,
	QM_MB_CMD_STOP_QP	= 0x8,
	QM_MB_CMD_FLUSH_QM	= 0x9,
	QM_MB_CMD_SRC		= 0xc,
	QM_MB_CMD_DST		= 0xd,
	QM_MB_CMD_PAUSE_QM	= 0xe,
};

/*
 * Mailbox status codes in [12:9]. The hardware's values are not public;
 * drivers only test for non-zero. These are the model's.
 */
#define QM_MB_ST_BAD_CMD	1	/* unknown command or operation */
#define QM_MB_ST_BAD_QUEUE	2	/* queue outside the function's VFT */
#define QM_MB_ST_DMA		3	/* context buffer not reachable */
#define QM_MB_ST_NO_DEST	4	/* message to an absent function */

/* ---- Doorbells ----------------------------------------------------------- */
#define QM_DB_CMD_SQ		0
#define QM_DB_CMD_CQ		1
#define QM_DB_CMD_EQ		2
#define QM_DB_CMD_AEQ		3
/* Doorbell registers read back this after the device took the write. */
#define QM_DB_SENTINEL		(~0ULL)

/* ---- Contexts ------------------------------------------------------------ */
#define QM_CTX_SIZE		32
#define QM_EQC_SIZE		28
#define QM_SQE_SIZE		128
#define QM_CQE_SIZE		16
#define QM_EQE_SIZE		4
#define QM_SQC_DISABLE_QP	BIT(6)	/* SQC w13: queue invalidated */

/* VFT words (qm.c:1175-1219) */
#define QM_VFT_SQC		0
#define QM_VFT_CQC		1
#define QM_VFT_SHAPER		2
#define QM_SQC_VFT_BASE_SHIFT	28
#define QM_SQC_VFT_BASE_MASK	GENMASK_ULL(15, 0)
#define QM_SQC_VFT_VALID	BIT_ULL(44)
#define QM_SQC_VFT_NUM_SHIFT	45
#define QM_SQC_VFT_NUM_MASK	GENMASK_ULL(9, 0)

/* AEQE types */
#define QM_AEQE_CQ_OVERFLOW	0
#define QM_AEQE_EQ_OVERFLOW	1
#define QM_AEQE_CQE_ERROR	2

/* MSI vectors (V3 defaults, qm.c:335-340) */
#define QM_VEC_EQ		0
#define QM_VEC_AEQ		1
#define QM_VEC_IFC		2

/* PF<->VF messages pending delivery (qm.c:1452-1690) */
#define QM_IFC_SEND_ALL_VFS	GENMASK(6, 0)
#define QM_MB_PING_ALL_VFS	0xffff

/* Queues of the whole device, shared out by the PF's VFT. */
#define SIM_QM_QUEUES		256

struct sim_qm;
struct sim_qm_func;

/* One hardware queue pair (global numbering). */
struct sim_qm_queue {
	/* Under qm->lock: */
	struct sim_qm_func *fn;	/* function whose context is loaded, or NULL */
	u16 qn;			/* function-local number */
	u32 gen;		/* bumped whenever the context is replaced */
	bool sqc_valid, cqc_valid;
	bool dirty;		/* context cache differs from the table */
	bool stopped;		/* STOP_QP, or an unrecoverable fault */
	bool busy;		/* the engine holds an SQE of this queue */
	bool abort;		/* ... and should give it up */
	u8 sqc[QM_CTX_SIZE];
	u8 cqc[QM_CTX_SIZE];
	u16 sq_head;		/* next SQE the engine takes */
	u16 sq_tail;		/* from the SQ doorbell */
	u16 cq_tail;		/* next CQE slot */
	u16 cq_head;		/* from the CQ doorbell */
	u8 cq_phase;
	/* A slot past the doorbell tail that looks submitted (lost doorbell). */
	bool cand;
	u16 cand_slot;
	u32 cand_hash;
	u64 cand_ns;
};

/* Event queue (EQ or AEQ) of a function. Under fn->ev_lock. */
struct sim_qm_evq {
	bool valid;
	u64 base;
	u16 depth;
	u16 tail;		/* next entry the device writes */
	u16 head;		/* consumer index from the last doorbell */
	u8 phase;
	u32 shadow[QM_EQC_SIZE / 4];	/* what is in the migration window */
};

struct sim_qm_stats {
	atomic64_t mb_cmds, mb_errors;
	atomic64_t mb_service_ns, mb_service_max_ns;
	atomic64_t mb_detect_ns, mb_detect_max_ns;
	atomic64_t jobs, job_errors, bytes_in, bytes_out, job_ns;
	atomic64_t sq_doorbells, lost_doorbells, eqes, aeqes, msis;
	atomic64_t restarts;	/* priority-1 SQ doorbells */
	atomic64_t msis_held;	/* not sent: the function was paused */
	atomic64_t cache_wb, vft_ops, mem_inits;
	atomic64_t polls, poll_gap_max_ns;	/* device thread passes */
};

/* QM state of one function (PF or VF). */
struct sim_qm_func {
	struct sim_qm *qm;
	struct sim_func *f;
	void __iomem *regs;
	u32 size;
	unsigned int index;	/* 0 = PF, n = VF n */

	/* Under qm->lock: */
	struct device *dev;	/* holds a reference; NULL when off the bus */
	bool active;		/* memory decode on: the thread watches it */
	u64 vft_sqc, vft_cqc;	/* kept in the PF's VFT, per function */
	u16 qp_base, qp_num;
	u64 sqc_bt, cqc_bt;
	bool sqc_bt_valid, cqc_bt_valid;
	bool paused;		/* PAUSE_QM until the next SQ doorbell */
	unsigned long irq_held;	/* BIT(QM_VEC_*): owed once unmasked/running */
	bool scan;		/* a doorbell arrived: look for lost ones */
	bool cands;		/* some queue has a lost-doorbell candidate */
	u64 pf_msg;		/* last message from the PF (DST on the VF) */
	u64 vf_msg;		/* last message from this VF (DST on the PF) */
	/* PF<->VF interrupt sources, write-one-to-clear in the BAR */
	u32 ifc_src;		/* 0x20 */
	bool ifc_fwd;		/* 0x2c set and passed on to the PF */
	u64 ifc_src_p;		/* PF 0x100138: VFs that sent a message */
	u64 ifc_ready;		/* PF 0x100128: VFs yet to fetch one */

	/* Device thread only: */
	u32 eq_mask, aeq_mask;
	u64 last_idle_ns;

	struct mutex ev_lock;	/* EQ/AEQ rings and their indices */
	struct sim_qm_evq eq, aeq;

	struct sim_qm_stats st;
};

struct sim_qm {
	struct sim_pf *pf;
	void __iomem *pf_regs;
	void __iomem *vf_regs;
	unsigned int nfuncs;
	struct sim_qm_func *fn;		/* [0] PF, [n] VF n */

	spinlock_t lock;		/* queues and function state */
	struct mutex ctl_lock;		/* device thread vs. resets */
	struct mutex eng_lock;		/* the engine's current job vs. resets */
	struct sim_qm_queue q[SIM_QM_QUEUES];

	struct task_struct **ctl_threads;	/* one per CPU */
	unsigned int nr_ctl;
	bool kicked;			/* decode changed: pollers, look now */
	u64 last_ev_ns;			/* last handshake or doorbell */
	struct task_struct *eng_thread;
	wait_queue_head_t eng_wq;
	bool eng_kick;
	unsigned int rr;		/* engine round robin position */
	void *zip_ws;			/* zlib workspaces, engine thread only */
};

static inline u32 qm_rd(struct sim_qm_func *fn, u32 off)
{
	return readl(fn->regs + off);
}

static inline void qm_wr(struct sim_qm_func *fn, u32 off, u32 v)
{
	writel(v, fn->regs + off);
}

static inline u64 qm_rd64(struct sim_qm_func *fn, u32 off)
{
	return readq(fn->regs + off);
}

static inline void qm_wr64(struct sim_qm_func *fn, u32 off, u64 v)
{
	writeq(v, fn->regs + off);
}

/*
 * Take a stored doorbell and leave @empty in one locked step: between a
 * read and a write-back, a driver's next store would vanish, where the
 * hardware sees every doorbell store as an event of its own.
 */
static inline u64 qm_take64(struct sim_qm_func *fn, u32 off, u64 empty)
{
	return xchg((u64 __force *)(fn->regs + off), empty);
}

static inline bool sim_qm_is_pf(const struct sim_qm_func *fn)
{
	return !fn->index;
}

/* sim_qm.c */
struct sim_qm *sim_qm_create(struct sim_pf *pf);
void sim_qm_destroy(struct sim_qm *qm);
void sim_qm_func_reset(struct sim_func *f);
void sim_qm_func_added(struct sim_func *f);
void sim_qm_func_removed(struct sim_func *f);
struct device *sim_qm_get_dev(struct sim_qm_func *fn);
struct sim_qm_queue *sim_qm_queue_of(struct sim_qm_func *fn, u16 qn);
void sim_qm_stat_max(atomic64_t *max, u64 v);
void sim_qm_stats_show(struct sim_func *f, struct seq_file *m);
void sim_qm_drop_queue(struct sim_qm *qm, struct sim_qm_queue *q);
bool sim_qm_cache_wb(struct sim_qm_func *fn);
void sim_qm_regs_reset(struct sim_qm_func *fn);
void sim_qm_func_state_reset(struct sim_qm_func *fn, bool keep_vft);
bool sim_qm_service(struct sim_qm_func *fn);
int sim_qm_selftest(struct sim_qm *qm);

/* sim_qm_mailbox.c */
bool sim_qm_mailbox(struct sim_qm_func *fn);
void sim_qm_ifc_poll(struct sim_qm_func *fn);

/* sim_qm_queue.c */
void sim_qm_ctx_now(struct sim_qm_queue *q, bool cq, u8 *ctx);
bool sim_qm_doorbells(struct sim_qm_func *fn);
void sim_qm_scan_lost(struct sim_qm_func *fn);
void sim_qm_evq_set(struct sim_qm_func *fn, bool aeq, const u8 *ctx);
void sim_qm_evq_get(struct sim_qm_func *fn, bool aeq, u8 *ctx);
void sim_qm_evq_reload(struct sim_qm_func *fn);
void sim_qm_irq_unmasked(struct sim_qm_func *fn, bool aeq);
int sim_qm_aeq_post(struct sim_qm_func *fn, u16 qn, u32 type);
void sim_qm_queue_load(struct sim_qm_func *fn, struct sim_qm_queue *q,
		       u16 qn);
int sim_qm_queue_writeback(struct sim_qm_func *fn, struct sim_qm_queue *q);
bool sim_qm_stop_queue(struct sim_qm_func *fn, struct sim_qm_queue *q);
bool sim_qm_pause_func(struct sim_qm_func *fn);
void sim_qm_unpause(struct sim_qm_func *fn);
void sim_qm_mark_dirty(struct sim_qm_func *fn, struct sim_qm_queue *q);
int sim_qm_engine(void *data);

/* sim_zip.c */
#define HZIP_ST_BAD_SQE		0x20	/* model's code: malformed request */
struct sim_zip_job {
	struct device *dev;
	const u32 *sqe;		/* 32 dwords as read from the ring */
	bool decompress;	/* SQC w13 alg_type */
	const bool *abort;	/* set by the QM to give the job up */
	void *ws;		/* workspace from sim_zip_alloc_ws() */
	u32 status;		/* SQE dw3 [7:0] */
	u32 consumed;		/* dw0 */
	u32 produced;		/* dw1 */
};

void *sim_zip_alloc_ws(void);
void sim_zip_free_ws(void *ws);
void sim_zip_run(struct sim_zip_job *job);

#endif /* SIM_QM_H */
