/* SPDX-License-Identifier: GPL-2.0 */
/*
 * zip_qm: drive a HiSilicon ZIP VF from userspace through VFIO, the way the
 * hisi_qm/hisi_zip guest driver does: queue discovery and context setup over
 * the mailbox, requests through the SQ doorbell, completions by CQE phase
 * (polling) or by the EQ's MSI (eventfd) followed by EQE/CQE processing.
 *
 * All device-visible memory lives in one anonymous "arena" mapped at a fixed
 * IOVA: the library's rings and contexts first, then `data_bytes` for the
 * caller (zq_data(), zq_iova()).
 *
 * Every function that can fail prints one line naming the step and the
 * register values involved, and returns -errno.
 */
#ifndef ZIP_QM_H
#define ZIP_QM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hisi_qm_regs.h"
#include "vfio_dev.h"

#define ZQ_MAX_QUEUES		8
#define ZQ_DEFAULT_IOVA		0x100000000ull	/* 4 GiB: clear of the MSI window */

struct zq_opts {
	enum vfio_open_mode mode;
	bool irq;		/* MSI + EQ driven completions; else poll CQEs */
	unsigned int depth;	/* SQ/CQ entries per queue (2..SQ depth cap) */
	unsigned int sge_nr;	/* entries per hardware SGL (1..255), 0 = 10 */
	unsigned int nqueues;	/* queues 0..n-1 get ring memory, 0 = 2 */
	size_t data_bytes;	/* caller's share of the DMA arena */
	uint64_t iova;		/* arena IOVA, 0 = ZQ_DEFAULT_IOVA */
	unsigned int mb_timeout_ms;	/* mailbox handshakes, 0 = 1000 */
	bool verbose;
};

/* One finished request. */
struct zq_done {
	uint64_t tag;		/* SQE dw26/27 as the device left it */
	uint32_t status;	/* SQE dw3 & 0xff */
	uint32_t produced;	/* SQE dw1 */
	uint32_t consumed;	/* SQE dw0 */
	uint16_t sq_index;
};

/* One request: contiguous buffers inside the arena's data area. */
struct zq_req {
	uint8_t req_type;	/* HZIP_REQ_* */
	bool sgl;		/* hardware SGLs (split into pages), else flat */
	void *src;		/* the request reads src[in_off, in_off + in_len) */
	uint32_t in_len;
	uint32_t in_off;	/* SGL: dw7 offset; flat: added to the address */
	void *dst;		/* the request writes dst[out_off, ...) */
	uint32_t dst_len;	/* whole dst buffer, out_off included */
	uint32_t out_off;	/* SGL: dw8 offset; flat: added to the address */
	uint64_t tag;
};

struct zq_stats {
	uint64_t mb_cmds;
	uint64_t mb_ns_total;
	uint64_t mb_ns_max;
	uint64_t irqs;		/* eventfd counts read from the EQ vector */
	uint64_t eqes;
	uint64_t spurious_wakeups;	/* EQ MSI with no EQE behind it */
	uint64_t cq_doorbells;
};

struct zq_slot {
	bool busy;
	uint64_t tag;
};

struct zip_qm;

struct zq_queue {
	struct zip_qm *qm;
	bool started;
	uint16_t qn;		/* function-local queue number */
	uint8_t alg;		/* HZIP_ALG_COMP / HZIP_ALG_DECOMP */
	uint16_t depth;
	struct hisi_zip_sqe *sq;
	uint64_t sq_iova;
	struct qm_cqe *cq;
	uint64_t cq_iova;
	uint8_t *sgl;		/* 2 SGLs per SQ slot: src, dst */
	uint64_t sgl_iova;
	uint16_t sq_tail;
	uint16_t cq_head;
	uint8_t cq_phase;
	unsigned int used;	/* requests in flight */
	struct zq_slot *slots;
	uint64_t submitted, completed;
	bool eq_pending;	/* an EQE named this queue */
};

struct zip_qm {
	struct zq_opts o;
	struct vfio_dev dev;
	bool dev_open;
	volatile uint8_t *bar;	/* lower 32 KiB of BAR2 */
	size_t bar_len;

	/* discovered */
	uint32_t caps;		/* 0x3100 or the V3 default */
	uint32_t cap_ver;
	uint16_t qp_base, qp_num;	/* from SQC_VFT_V2 */
	uint16_t eq_depth, aeq_depth, sq_depth_max, cq_depth_max;
	unsigned int eq_vector, aeq_vector, nvec;

	/* arena */
	uint8_t *arena;
	size_t arena_len;
	uint64_t iova;
	bool mapped;
	bool arena_borrowed;	/* another zip_qm's arena: not unmapped here */
	uint8_t *xqc;		/* context buffer handed to the mailbox */
	uint32_t *eq;
	uint32_t *aeq;
	struct qm_sqc *sqc_tab;
	struct qm_cqc *cqc_tab;
	uint8_t *qmem;		/* per-queue SQ, CQ, SGLs */
	size_t qmem_per_queue;
	size_t sgl_size;
	uint8_t *data;
	size_t data_len;

	uint16_t eq_head, aeq_head;
	uint8_t eq_phase, aeq_phase;

	int efd[QM_V3_VF_VECTORS];
	bool irq_on;
	bool started;		/* EQ/AEQ/BT configured, VF state ready */

	struct zq_queue q[ZQ_MAX_QUEUES];
	struct zq_stats st;
};

/* Open the device (sysfs path of a PCI VF or an mdev), map BAR2, discover
 * the queues, allocate and map the arena, start the QM (EQ/AEQ, SQC/CQC
 * tables, interrupts, VF state ready). */
int zq_open(struct zip_qm *qm, const char *sysfs, const struct zq_opts *o);
/* Configure queue qn (function-local) for alg (compress/decompress). */
int zq_queue_start(struct zip_qm *qm, unsigned int qn, unsigned int alg,
		   struct zq_queue **out);
/* Drain queue (STOP_QP) and forget it. */
int zq_queue_stop(struct zq_queue *q);
/* Stop everything and close; safe on a partly opened qm. */
void zq_close(struct zip_qm *qm);

/* Queue one request; -EBUSY if the ring is full (reap first). */
int zq_submit(struct zq_queue *q, const struct zq_req *r);
/* Wait up to timeout_ms for at least one completion on q; returns the
 * number stored in out (1..max), -ETIMEDOUT (after a diagnostic dump) or
 * another -errno. */
int zq_reap(struct zq_queue *q, struct zq_done *out, unsigned int max,
	    int timeout_ms);

/*
 * Raw access for negative tests: one mailbox command (0 or -errno; -EIO if
 * the device reported an error status), and one SQE exactly as given,
 * tracked like zq_submit()'s (its tag is dw26/27) and rung in.
 */
int zq_mailbox(struct zip_qm *qm, unsigned int cmd, uint64_t base,
	       uint16_t queue, bool op_read);
int zq_submit_sqe(struct zq_queue *q, const struct hisi_zip_sqe *sqe);
void zq_ring(struct zip_qm *qm, uint16_t qn, unsigned int cmd, uint16_t index,
	     unsigned int priority);

/*
 * Live migration: the device state moves through a VFIO migration driver,
 * the arena as guest RAM would (copied, or shared).
 *
 * zq_dst_open() prepares the destination as QEMU does before it resumes a
 * device: opens it with its own IOMMU context (src's open mode), sets Bus
 * Master Enable, mmaps its BAR2 window and maps `arena` (src->arena_len
 * bytes from mmap(), owned by dst from now on, or src->arena itself to
 * share it) at src's IOVA. It touches no device register. zq_dst_irq_on()
 * wires its MSI vectors like zq_open() does (before it resumes).
 *
 * zq_migrate_to() moves qm onto dst once dst runs: interrupts pending on
 * qm's eventfds are carried over, qm's device is closed (MSI, BAR, DMA
 * mapping, and its arena unless dst shares it), qm takes dst's device and
 * arena, and every pointer into the old arena is relocated into the new
 * one. dst is left empty.
 */
int zq_dst_open(struct zip_qm *dst, const char *sysfs,
		const struct zip_qm *src, uint8_t *arena);
int zq_dst_irq_on(struct zip_qm *dst);
void zq_migrate_to(struct zip_qm *qm, struct zip_qm *dst);

/* The caller's data area and IOVA translation of pointers into the arena. */
static inline uint8_t *zq_data(struct zip_qm *qm) { return qm->data; }
static inline uint64_t zq_iova(struct zip_qm *qm, const void *p)
{
	return qm->iova + (uint64_t)((const uint8_t *)p - qm->arena);
}

/* Print registers, EQ/queue state and (mailbox) SQC/CQC of q, to stderr. */
void zq_dump(struct zip_qm *qm, struct zq_queue *q, const char *why);
/* One line of mailbox/irq statistics. */
void zq_print_stats(struct zip_qm *qm, const char *prefix);

#endif
