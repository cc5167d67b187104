// SPDX-License-Identifier: GPL-2.0
/*
 * zip_qm: a userspace driver for a HiSilicon ZIP VF behind VFIO. See
 * zip_qm.h for the interface and hisi_qm_regs.h for the hardware facts.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "zip_qm.h"

#define PAGE		4096ul
#define ALIGN_UP(x, a)	(((x) + (a) - 1) / (a) * (a))
#define DIV_UP(x, a)	(((x) + (a) - 1) / (a))

static void zq_err(struct zip_qm *qm, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void zq_err(struct zip_qm *qm, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "zip_qm: %s: ", qm->dev.sysfs[0] ? qm->dev.sysfs : "?");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

#define zq_info(qm, ...) do {					\
	if ((qm)->o.verbose) {					\
		fprintf(stderr, "zip_qm: ");			\
		fprintf(stderr, __VA_ARGS__);			\
		fputc('\n', stderr);				\
	}							\
} while (0)

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void pause_us(unsigned int us)
{
	struct timespec ts = { .tv_nsec = us * 1000l };

	nanosleep(&ts, NULL);
}

/* ---- MMIO: only the function's lower 32 KiB of BAR2 --------------------- */

static void bar_check(struct zip_qm *qm, unsigned int off, unsigned int size)
{
	if (!qm->bar || off + size > qm->bar_len || off + size > QM_FUNC_WINDOW) {
		fprintf(stderr, "zip_qm: BUG: BAR2 access at 0x%x outside the function window\n",
			off);
		abort();
	}
}

static uint32_t rd32(struct zip_qm *qm, unsigned int off)
{
	bar_check(qm, off, 4);
	return *(volatile uint32_t *)(qm->bar + off);
}

static void wr32(struct zip_qm *qm, unsigned int off, uint32_t v)
{
	bar_check(qm, off, 4);
	*(volatile uint32_t *)(qm->bar + off) = v;
}

/* One 8-byte store, as writeq() on x86_64 (doorbells). */
static void wr64(struct zip_qm *qm, unsigned int off, uint64_t v)
{
	bar_check(qm, off, 8);
	*(volatile uint64_t *)(qm->bar + off) = v;
}

/* Make normal-memory writes (rings, contexts) visible before an MMIO store. */
static void wmb_dev(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

static void rmb_dev(void)
{
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
}

static void doorbell(struct zip_qm *qm, uint16_t qn, unsigned int cmd,
		     uint16_t index, unsigned int priority)
{
	unsigned int off = (cmd == QM_DB_CMD_SQ || cmd == QM_DB_CMD_CQ) ?
			   QM_DB_SQ_CQ : QM_DB_EQ_AEQ;

	wmb_dev();
	wr64(qm, off, qm_db_value(qn, cmd, index, priority));
}

/* ---- Mailbox -------------------------------------------------------------- */

static const char *mb_name(unsigned int cmd)
{
	switch (cmd) {
	case QM_MB_CMD_SQC: return "SQC";
	case QM_MB_CMD_CQC: return "CQC";
	case QM_MB_CMD_EQC: return "EQC";
	case QM_MB_CMD_AEQC: return "AEQC";
	case QM_MB_CMD_SQC_BT: return "SQC_BT";
	case QM_MB_CMD_CQC_BT: return "CQC_BT";
	case QM_MB_CMD_SQC_VFT_V2: return "SQC_VFT_V2";
	case QM_MB_CMD_STOP_QP: return "STOP_QP";
	case QM_MB_CMD_FLUSH_QM: return "FLUSH_QM";
	default: return "?";
	}
}

/* Wait for the busy bit at 0x300 to clear; the last value read in *val. */
static int mb_wait_idle(struct zip_qm *qm, uint32_t *val)
{
	uint64_t deadline = now_ns() + (uint64_t)qm->o.mb_timeout_ms * 1000000ull;
	unsigned int spins = 0;
	uint32_t v;

	for (;;) {
		v = rd32(qm, QM_MB_BASE);
		if (!(v & QM_MB_BUSY))
			break;
		if (now_ns() > deadline) {
			*val = v;
			return -ETIMEDOUT;
		}
		if (++spins > 100)
			pause_us(10);
	}
	*val = v;
	return 0;
}

/*
 * One mailbox command: wait idle, the 16 bytes as four ascending 32-bit
 * stores (x86 memcpy_toio; the busy bit lands first, 0x30c last), wait
 * idle, check the status field.
 */
static int zq_mb(struct zip_qm *qm, unsigned int cmd, uint64_t base,
		 uint16_t queue, bool op_read)
{
	uint32_t w0, v;
	uint64_t t0, dt;
	int ret;

	ret = mb_wait_idle(qm, &v);
	if (ret) {
		zq_err(qm, "mailbox %s (cmd %u) queue %u: busy before the command for %u ms (0x300=0x%08x)",
		       mb_name(cmd), cmd, queue, qm->o.mb_timeout_ms, v);
		return -EBUSY;
	}
	w0 = (cmd & QM_MB_CMD_MASK) | QM_MB_BUSY |
	     (op_read ? QM_MB_OP_READ : 0) |
	     (uint32_t)queue << QM_MB_QUEUE_SHIFT;
	t0 = now_ns();
	wmb_dev();
	wr32(qm, QM_MB_BASE, w0);
	wr32(qm, QM_MB_DATA_L, (uint32_t)base);
	wr32(qm, QM_MB_DATA_H, (uint32_t)(base >> 32));
	wr32(qm, QM_MB_RSVD, 0);
	wmb_dev();
	ret = mb_wait_idle(qm, &v);
	dt = now_ns() - t0;
	qm->st.mb_cmds++;
	qm->st.mb_ns_total += dt;
	if (dt > qm->st.mb_ns_max)
		qm->st.mb_ns_max = dt;
	if (ret) {
		zq_err(qm, "mailbox %s (cmd %u) queue %u base 0x%" PRIx64 ": busy not cleared within %u ms (0x300=0x%08x, wrote 0x%08x)",
		       mb_name(cmd), cmd, queue, base, qm->o.mb_timeout_ms, v, w0);
		return -ETIMEDOUT;
	}
	rmb_dev();
	if (v & QM_MB_STATUS_MASK) {
		zq_err(qm, "mailbox %s (cmd %u) queue %u base 0x%" PRIx64 ": failed, status %u (0x300=0x%08x)",
		       mb_name(cmd), cmd, queue, base,
		       (v & QM_MB_STATUS_MASK) >> QM_MB_STATUS_SHIFT, v);
		return -EIO;
	}
	return 0;
}

int zq_mailbox(struct zip_qm *qm, unsigned int cmd, uint64_t base,
	       uint16_t queue, bool op_read)
{
	return zq_mb(qm, cmd, base, queue, op_read);
}

void zq_ring(struct zip_qm *qm, uint16_t qn, unsigned int cmd, uint16_t index,
	     unsigned int priority)
{
	doorbell(qm, qn, cmd, index, priority);
}

/* Context write (op 0) or read (op 1) through the shared context buffer. */
static int zq_xqc(struct zip_qm *qm, unsigned int cmd, uint16_t queue,
		  void *ctx, size_t size, bool op_read)
{
	unsigned int slot;
	int ret;

	switch (cmd) {
	case QM_MB_CMD_EQC: slot = QM_XQC_BUF_EQC; break;
	case QM_MB_CMD_AEQC: slot = QM_XQC_BUF_AEQC; break;
	case QM_MB_CMD_SQC: slot = QM_XQC_BUF_SQC; break;
	case QM_MB_CMD_CQC: slot = QM_XQC_BUF_CQC; break;
	default: return -EINVAL;
	}
	if (!op_read)
		memcpy(qm->xqc + slot, ctx, size);
	else
		memset(qm->xqc + slot, 0, 32);
	ret = zq_mb(qm, cmd, zq_iova(qm, qm->xqc + slot), queue, op_read);
	if (!ret && op_read) {
		rmb_dev();
		memcpy(ctx, qm->xqc + slot, size);
	}
	return ret;
}

/* ---- Discovery ------------------------------------------------------------ */

/* Capability registers: depths, vectors, feature bits. */
static int zq_discover(struct zip_qm *qm)
{
	uint32_t iso, v;

	iso = rd32(qm, QM_QUE_ISO_CFG_V);
	if (iso & 1) {
		zq_err(qm, "doorbell isolation is on (0x30=0x%08x): doorbells live in BAR4, not supported",
		       iso);
		return -EOPNOTSUPP;
	}
	v = rd32(qm, QM_FUNC_CAPS);
	qm->cap_ver = v & QM_CAP_VER_MASK;
	if (qm->cap_ver) {
		qm->caps = v;
		v = rd32(qm, QM_CAP_XEQ_DEPTH);
		qm->eq_depth = v & 0xffff;
		qm->aeq_depth = v >> 16;
		v = rd32(qm, QM_CAP_QP_DEPTH);
		qm->sq_depth_max = v & 0xffff;
		qm->cq_depth_max = v >> 16;
		qm->eq_vector = rd32(qm, QM_CAP_EQ_IRQ) & 0xffff;
		qm->aeq_vector = rd32(qm, QM_CAP_AEQ_IRQ) & 0xffff;
		qm->nvec = rd32(qm, QM_CAP_IRQ_NUM) & 0xffff;
	} else {
		qm->caps = QM_V3_FUNC_CAPS;
		qm->eq_depth = QM_V3_EQ_DEPTH;
		qm->aeq_depth = QM_V3_AEQ_DEPTH;
		qm->sq_depth_max = QM_V3_SQ_DEPTH;
		qm->cq_depth_max = QM_V3_CQ_DEPTH;
		qm->eq_vector = QM_V3_EQ_VECTOR;
		qm->aeq_vector = QM_V3_AEQ_VECTOR;
		qm->nvec = QM_V3_VF_VECTORS;
	}
	if (qm->eq_depth < 4 || qm->aeq_depth < 4 || qm->sq_depth_max < 2 ||
	    qm->cq_depth_max < 2) {
		zq_err(qm, "implausible queue depths from the capability registers (cap_ver %u): EQ %u AEQ %u SQ %u CQ %u",
		       qm->cap_ver, qm->eq_depth, qm->aeq_depth,
		       qm->sq_depth_max, qm->cq_depth_max);
		return -EINVAL;
	}
	if (qm->eq_vector >= QM_V3_VF_VECTORS ||
	    qm->aeq_vector >= QM_V3_VF_VECTORS) {
		zq_err(qm, "EQ/AEQ MSI vectors %u/%u beyond the %u a VF has",
		       qm->eq_vector, qm->aeq_vector, QM_V3_VF_VECTORS);
		return -EINVAL;
	}
	return 0;
}

/* The function's own queue range: SQC_VFT_V2, op read, result in 0x304/8. */
static int zq_query_vft(struct zip_qm *qm)
{
	uint32_t lo, hi;
	uint64_t vft;
	int ret;

	ret = zq_mb(qm, QM_MB_CMD_SQC_VFT_V2, 0, 0, true);
	if (ret)
		return ret;
	lo = rd32(qm, QM_MB_DATA_L);
	hi = rd32(qm, QM_MB_DATA_H);
	vft = lo | (uint64_t)hi << 32;
	if (!vft) {
		zq_err(qm, "no queues assigned to this function (SQC VFT word 0 from mailbox cmd 6): is the PF driver bound and were the VFs enabled through it?");
		return -ENODEV;
	}
	qm->qp_base = (vft >> QM_SQC_VFT_BASE_SHIFT) & QM_SQC_VFT_BASE_MASK;
	qm->qp_num = ((vft >> QM_SQC_VFT_NUM_SHIFT) & QM_SQC_VFT_NUM_MASK) + 1;
	if (!(vft & QM_SQC_VFT_VALID))
		zq_info(qm, "note: SQC VFT word 0x%016" PRIx64 " lacks the valid bit 44",
			vft);
	zq_info(qm, "caps 0x%08x (cap_ver %u), VFT 0x%016" PRIx64 ": queues %u..%u (%u), EQ %u AEQ %u, SQ/CQ depth max %u/%u, vectors EQ %u AEQ %u",
		qm->caps, qm->cap_ver, vft, qm->qp_base,
		qm->qp_base + qm->qp_num - 1, qm->qp_num, qm->eq_depth,
		qm->aeq_depth, qm->sq_depth_max, qm->cq_depth_max,
		qm->eq_vector, qm->aeq_vector);
	return 0;
}

/* ---- Arena ---------------------------------------------------------------- */

/*
 * [xqc buffer: 1 page][EQ ring][AEQ ring][SQC table][CQC table]
 * [per queue: SQ ring | CQ ring | 2 SGLs per SQ slot] x nqueues [data]
 * Each part starts on a page.
 */
static int zq_arena(struct zip_qm *qm)
{
	size_t off = 0, eq_off, aeq_off, sqc_off, cqc_off, q_off, data_off;
	size_t sq_bytes, cq_bytes, sgl_bytes;
	void *p;
	int ret;

	qm->sgl_size = ALIGN_UP(sizeof(struct hisi_acc_hw_sgl) +
				qm->o.sge_nr * sizeof(struct hisi_acc_hw_sge),
				HISI_ACC_SGL_ALIGN);
	sq_bytes = ALIGN_UP((size_t)qm->o.depth * QM_SQE_SIZE, PAGE);
	cq_bytes = ALIGN_UP((size_t)qm->o.depth * QM_CQE_SIZE, PAGE);
	sgl_bytes = ALIGN_UP((size_t)qm->o.depth * 2 * qm->sgl_size, PAGE);
	qm->qmem_per_queue = sq_bytes + cq_bytes + sgl_bytes;

	off = PAGE;
	eq_off = off;
	off += ALIGN_UP((size_t)qm->eq_depth * QM_EQE_SIZE, PAGE);
	aeq_off = off;
	off += ALIGN_UP((size_t)qm->aeq_depth * QM_EQE_SIZE, PAGE);
	sqc_off = off;
	off += ALIGN_UP((size_t)qm->qp_num * sizeof(struct qm_sqc), PAGE);
	cqc_off = off;
	off += ALIGN_UP((size_t)qm->qp_num * sizeof(struct qm_cqc), PAGE);
	q_off = off;
	off += qm->qmem_per_queue * qm->o.nqueues;
	data_off = off;
	off += ALIGN_UP(qm->o.data_bytes, PAGE);
	qm->arena_len = off;

	p = mmap(NULL, qm->arena_len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED) {
		ret = -errno;
		zq_err(qm, "cannot allocate the %zu-byte DMA arena: %s",
		       qm->arena_len, strerror(errno));
		return ret;
	}
	qm->arena = p;
	qm->iova = qm->o.iova;
	ret = vfio_dev_dma_map(&qm->dev, qm->arena, qm->iova, qm->arena_len);
	if (ret) {
		zq_err(qm, "DMA map of the arena (%zu bytes at IOVA 0x%" PRIx64 ") failed: %s",
		       qm->arena_len, qm->iova, strerror(-ret));
		return ret;
	}
	qm->mapped = true;
	qm->xqc = qm->arena;
	qm->eq = (uint32_t *)(qm->arena + eq_off);
	qm->aeq = (uint32_t *)(qm->arena + aeq_off);
	qm->sqc_tab = (struct qm_sqc *)(qm->arena + sqc_off);
	qm->cqc_tab = (struct qm_cqc *)(qm->arena + cqc_off);
	qm->qmem = qm->arena + q_off;
	qm->data = qm->arena + data_off;
	qm->data_len = qm->o.data_bytes;
	zq_info(qm, "arena %zu bytes at IOVA 0x%" PRIx64 ": EQ +0x%zx AEQ +0x%zx SQC +0x%zx CQC +0x%zx queues +0x%zx (%zu each) data +0x%zx",
		qm->arena_len, qm->iova, eq_off, aeq_off, sqc_off, cqc_off,
		q_off, qm->qmem_per_queue, data_off);
	return 0;
}

/* ---- QM start/stop (hisi_qm_start/hisi_qm_stop of a VF) ------------------ */

static int zq_irq_on(struct zip_qm *qm)
{
	unsigned int want = qm->nvec, need;
	int count, ret;

	need = (qm->eq_vector > qm->aeq_vector ? qm->eq_vector : qm->aeq_vector) + 1;
	count = vfio_dev_irq_count(&qm->dev, VFIO_PCI_MSI_IRQ_INDEX);
	if (count < 0)
		return count;
	if (want > QM_V3_VF_VECTORS)
		want = QM_V3_VF_VECTORS;
	if (want < need)
		want = need;
	if ((unsigned int)count < need) {
		zq_err(qm, "device offers %d MSI vectors, the EQ/AEQ need %u", count,
		       need);
		return -ENODEV;
	}
	if (want > (unsigned int)count)
		want = count;
	ret = vfio_dev_irq_enable(&qm->dev, VFIO_PCI_MSI_IRQ_INDEX, want, qm->efd);
	if (ret) {
		zq_err(qm, "enabling %u MSI vectors failed: %s (isolated MSI or iommufd.allow_unsafe_interrupts?)",
		       want, strerror(-ret));
		return ret;
	}
	qm->irq_on = true;
	zq_info(qm, "MSI: %u of %d vectors wired to eventfds", want, count);
	return 0;
}

static int zq_qm_start(struct zip_qm *qm)
{
	struct qm_eqc eqc;
	int ret;

	memset(qm->eq, 0, (size_t)qm->eq_depth * QM_EQE_SIZE);
	memset(qm->aeq, 0, (size_t)qm->aeq_depth * QM_EQE_SIZE);
	memset(qm->sqc_tab, 0, (size_t)qm->qp_num * sizeof(struct qm_sqc));
	memset(qm->cqc_tab, 0, (size_t)qm->qp_num * sizeof(struct qm_cqc));
	qm->eq_head = qm->aeq_head = 0;
	qm->eq_phase = qm->aeq_phase = 1;

	memset(&eqc, 0, sizeof(eqc));
	eqc.base_l = (uint32_t)zq_iova(qm, qm->eq);
	eqc.base_h = (uint32_t)(zq_iova(qm, qm->eq) >> 32);
	eqc.dw6 = (uint32_t)(qm->eq_depth - 1) | 1u << QM_EQC_PHASE_SHIFT;
	ret = zq_xqc(qm, QM_MB_CMD_EQC, 0, &eqc, sizeof(eqc), false);
	if (ret)
		return ret;
	memset(&eqc, 0, sizeof(eqc));
	eqc.base_l = (uint32_t)zq_iova(qm, qm->aeq);
	eqc.base_h = (uint32_t)(zq_iova(qm, qm->aeq) >> 32);
	eqc.dw6 = (uint32_t)(qm->aeq_depth - 1) | 1u << QM_EQC_PHASE_SHIFT;
	ret = zq_xqc(qm, QM_MB_CMD_AEQC, 0, &eqc, sizeof(eqc), false);
	if (ret)
		return ret;
	ret = zq_mb(qm, QM_MB_CMD_SQC_BT, zq_iova(qm, qm->sqc_tab), 0, false);
	if (ret)
		return ret;
	ret = zq_mb(qm, QM_MB_CMD_CQC_BT, zq_iova(qm, qm->cqc_tab), 0, false);
	if (ret)
		return ret;
	if (qm->caps & QM_CAP_SVA_PREFETCH)
		wr32(qm, QM_PAGE_SIZE, 0);	/* 4 KiB pages */
	/* Clear EQ/AEQ interrupt sources, unmask both, declare the VF ready. */
	doorbell(qm, 0, QM_DB_CMD_AEQ, qm->aeq_head, 0);
	doorbell(qm, 0, QM_DB_CMD_EQ, qm->eq_head, 0);
	wr32(qm, QM_VF_EQ_INT_MASK, 0);
	wr32(qm, QM_VF_AEQ_INT_MASK, 0);
	wr32(qm, QM_VF_STATE, QM_VF_STATE_READY);
	qm->started = true;
	return 0;
}

static void zq_qm_stop(struct zip_qm *qm)
{
	uint64_t deadline;
	uint32_t v;

	wr32(qm, QM_VF_EQ_INT_MASK, 1);
	wr32(qm, QM_VF_AEQ_INT_MASK, 1);
	/* Let the device write its context caches back while the arena is
	 * still mapped (the kernel driver frees first; only logged there). */
	wr32(qm, QM_CACHE_WB_START, 1);
	deadline = now_ns() + (uint64_t)qm->o.mb_timeout_ms * 1000000ull;
	while (!((v = rd32(qm, QM_CACHE_WB_DONE)) & 1)) {
		if (now_ns() > deadline) {
			zq_info(qm, "cache write-back not done (0x208=0x%08x); ignored like the kernel driver",
				v);
			break;
		}
		pause_us(10);
	}
	wr32(qm, QM_VF_STATE, QM_VF_STATE_NOT_READY);
	qm->started = false;
}

int zq_open(struct zip_qm *qm, const char *sysfs, const struct zq_opts *o)
{
	struct vfio_region_info ri;
	unsigned int i;
	int ret;

	memset(qm, 0, sizeof(*qm));
	for (i = 0; i < QM_V3_VF_VECTORS; i++)
		qm->efd[i] = -1;
	qm->o = *o;
	if (!qm->o.mb_timeout_ms)
		qm->o.mb_timeout_ms = 1000;
	if (!qm->o.iova)
		qm->o.iova = ZQ_DEFAULT_IOVA;
	if (!qm->o.sge_nr)
		qm->o.sge_nr = HZIP_SGL_SGE_NR;
	if (!qm->o.nqueues)
		qm->o.nqueues = 2;
	snprintf(qm->dev.sysfs, sizeof(qm->dev.sysfs), "%s", sysfs);
	if (qm->o.sge_nr > HISI_ACC_SGL_SGE_NR_MAX || qm->o.nqueues > ZQ_MAX_QUEUES ||
	    qm->o.depth < 2 || qm->o.depth > 0xffff || (qm->o.iova & (PAGE - 1))) {
		zq_err(qm, "bad options: depth %u (2..65535), sge_nr %u (1..255), queues %u (1..%u), iova 0x%" PRIx64 " (page aligned)",
		       qm->o.depth, qm->o.sge_nr, qm->o.nqueues, ZQ_MAX_QUEUES,
		       qm->o.iova);
		return -EINVAL;
	}

	ret = vfio_dev_open(&qm->dev, sysfs, qm->o.mode);
	if (ret) {
		snprintf(qm->dev.sysfs, sizeof(qm->dev.sysfs), "%s", sysfs);
		zq_err(qm, "cannot open through %s: %s",
		       qm->o.mode == VFIO_MODE_IOMMUFD ? "vfio cdev + iommufd" :
							 "vfio group + type1 container",
		       strerror(-ret));
		return ret;
	}
	qm->dev_open = true;
	ret = vfio_dev_set_master(&qm->dev);
	if (ret) {
		zq_err(qm, "cannot set Bus Master Enable");
		goto fail;
	}
	ret = vfio_dev_region_info(&qm->dev, VFIO_PCI_BAR2_REGION_INDEX, &ri);
	if (ret)
		goto fail;
	if (ri.size < QM_FUNC_WINDOW) {
		zq_err(qm, "BAR2 is 0x%llx bytes, a QM function has at least 0x%x",
		       (unsigned long long)ri.size, QM_FUNC_WINDOW);
		ret = -ENODEV;
		goto fail;
	}
	qm->bar = vfio_dev_region_mmap_range(&qm->dev, VFIO_PCI_BAR2_REGION_INDEX,
					     0, QM_FUNC_WINDOW);
	if (!qm->bar) {
		zq_err(qm, "cannot mmap the lower 32 KiB of BAR2");
		ret = -ENODEV;
		goto fail;
	}
	qm->bar_len = QM_FUNC_WINDOW;

	ret = zq_discover(qm);
	if (ret)
		goto fail;
	/* Vectors first, as hisi_qm_pci_init() does before the VFT query. */
	if (qm->o.irq) {
		ret = zq_irq_on(qm);
		if (ret)
			goto fail;
	}
	ret = zq_query_vft(qm);
	if (ret)
		goto fail;
	if (qm->o.depth > qm->sq_depth_max || qm->o.depth > qm->cq_depth_max) {
		zq_err(qm, "depth %u exceeds the device's SQ/CQ depth %u/%u",
		       qm->o.depth, qm->sq_depth_max, qm->cq_depth_max);
		ret = -EINVAL;
		goto fail;
	}
	if (qm->o.nqueues > qm->qp_num) {
		zq_err(qm, "%u queues wanted, the function has %u", qm->o.nqueues,
		       qm->qp_num);
		ret = -ENOSPC;
		goto fail;
	}
	ret = zq_arena(qm);
	if (ret)
		goto fail;
	ret = zq_qm_start(qm);
	if (ret) {
		zq_err(qm, "QM start failed");
		goto fail;
	}
	return 0;
fail:
	zq_close(qm);
	return ret;
}

/* ---- Queues ---------------------------------------------------------------- */

int zq_queue_start(struct zip_qm *qm, unsigned int qn, unsigned int alg,
		   struct zq_queue **out)
{
	struct zq_queue *q;
	struct qm_sqc sqc;
	struct qm_cqc cqc;
	uint8_t *m;
	int ret;

	if (!qm->started) {
		zq_err(qm, "queue %u: the QM is not started", qn);
		return -EINVAL;
	}
	if (qn >= qm->o.nqueues || qn >= qm->qp_num) {
		zq_err(qm, "queue %u: beyond the %u queues set up (function has %u)",
		       qn, qm->o.nqueues, qm->qp_num);
		return -EINVAL;
	}
	q = &qm->q[qn];
	if (q->started) {
		zq_err(qm, "queue %u already started", qn);
		return -EBUSY;
	}
	free(q->slots);
	memset(q, 0, sizeof(*q));
	q->qm = qm;
	q->qn = qn;
	q->alg = alg;
	q->depth = qm->o.depth;
	m = qm->qmem + qm->qmem_per_queue * qn;
	q->sq = (struct hisi_zip_sqe *)m;
	q->sq_iova = zq_iova(qm, m);
	m += ALIGN_UP((size_t)q->depth * QM_SQE_SIZE, PAGE);
	q->cq = (struct qm_cqe *)m;
	q->cq_iova = zq_iova(qm, m);
	m += ALIGN_UP((size_t)q->depth * QM_CQE_SIZE, PAGE);
	q->sgl = m;
	q->sgl_iova = zq_iova(qm, m);
	q->slots = calloc(q->depth, sizeof(*q->slots));
	if (!q->slots)
		return -ENOMEM;
	memset(q->sq, 0, (size_t)q->depth * QM_SQE_SIZE);
	memset(q->cq, 0, (size_t)q->depth * QM_CQE_SIZE);
	q->cq_phase = 1;

	memset(&sqc, 0, sizeof(sqc));
	sqc.base_l = (uint32_t)q->sq_iova;
	sqc.base_h = (uint32_t)(q->sq_iova >> 32);
	sqc.dw3 = (uint32_t)(q->depth - 1) | QM_SQE_SIZE_LOG2 << QM_SQC_SQE_SIZE_SHIFT;
	sqc.w13 = QM_SQC_W13_ORDERS | (alg & 0xf) << QM_SQC_W13_ALG_SHIFT;
	sqc.cq_num = qn;
	ret = zq_xqc(qm, QM_MB_CMD_SQC, qn, &sqc, sizeof(sqc), false);
	if (ret) {
		zq_err(qm, "queue %u: SQC setup failed", qn);
		return ret;
	}
	memset(&cqc, 0, sizeof(cqc));
	cqc.base_l = (uint32_t)q->cq_iova;
	cqc.base_h = (uint32_t)(q->cq_iova >> 32);
	cqc.dw3 = (uint32_t)(q->depth - 1) | QM_CQC_CQE_SIZE_CODE << QM_CQC_CQE_SIZE_SHIFT;
	cqc.dw6 = QM_CQC_DW6_PHASE | QM_CQC_DW6_IRQ;
	ret = zq_xqc(qm, QM_MB_CMD_CQC, qn, &cqc, sizeof(cqc), false);
	if (ret) {
		zq_err(qm, "queue %u: CQC setup failed", qn);
		return ret;
	}
	q->started = true;
	zq_info(qm, "queue %u (%s) started: depth %u, SQ 0x%" PRIx64 " CQ 0x%" PRIx64,
		qn, alg == HZIP_ALG_COMP ? "compress" : "decompress", q->depth,
		q->sq_iova, q->cq_iova);
	*out = q;
	return 0;
}

int zq_queue_stop(struct zq_queue *q)
{
	struct zip_qm *qm = q->qm;
	int ret = 0;

	if (!q->started)
		return 0;
	if (q->used)
		zq_info(qm, "queue %u: stopping with %u requests in flight", q->qn,
			q->used);
	if (qm->caps & QM_CAP_STOP_QP) {
		ret = zq_mb(qm, QM_MB_CMD_STOP_QP, 0, q->qn, false);
		if (ret)
			zq_err(qm, "queue %u: STOP_QP failed", q->qn);
	}
	q->started = false;
	return ret;
}

/* Let go of the device and the arena; the device is not told anything. */
static void zq_release(struct zip_qm *qm)
{
	unsigned int i;

	if (qm->irq_on) {
		vfio_dev_irq_disable(&qm->dev, VFIO_PCI_MSI_IRQ_INDEX);
		qm->irq_on = false;
	}
	for (i = 0; i < QM_V3_VF_VECTORS; i++) {
		if (qm->efd[i] >= 0)
			close(qm->efd[i]);
		qm->efd[i] = -1;
	}
	if (qm->bar) {
		munmap((void *)qm->bar, qm->bar_len);
		qm->bar = NULL;
	}
	if (qm->mapped) {
		vfio_dev_dma_unmap(&qm->dev, qm->iova, qm->arena_len);
		qm->mapped = false;
	}
	if (qm->arena && !qm->arena_borrowed)
		munmap(qm->arena, qm->arena_len);
	qm->arena = NULL;
	if (qm->dev_open) {
		vfio_dev_close(&qm->dev);
		qm->dev_open = false;
	}
}

void zq_close(struct zip_qm *qm)
{
	unsigned int i;

	for (i = 0; i < ZQ_MAX_QUEUES; i++) {
		if (qm->q[i].started)
			zq_queue_stop(&qm->q[i]);
		free(qm->q[i].slots);
		qm->q[i].slots = NULL;
	}
	if (qm->started)
		zq_qm_stop(qm);
	zq_release(qm);
}

/* ---- Live migration ---------------------------------------------------------- */

int zq_dst_open(struct zip_qm *dst, const char *sysfs,
		const struct zip_qm *src, uint8_t *arena)
{
	struct vfio_region_info ri;
	unsigned int i;
	int ret;

	memset(dst, 0, sizeof(*dst));
	for (i = 0; i < QM_V3_VF_VECTORS; i++)
		dst->efd[i] = -1;
	dst->o = src->o;
	/* What the driver learnt from the source holds for the destination. */
	dst->caps = src->caps;
	dst->cap_ver = src->cap_ver;
	dst->qp_base = src->qp_base;
	dst->qp_num = src->qp_num;
	dst->eq_vector = src->eq_vector;
	dst->aeq_vector = src->aeq_vector;
	dst->nvec = src->nvec;
	dst->arena = arena;
	dst->arena_len = src->arena_len;
	dst->arena_borrowed = arena == src->arena;
	dst->iova = src->iova;
	snprintf(dst->dev.sysfs, sizeof(dst->dev.sysfs), "%s", sysfs);

	ret = vfio_dev_open(&dst->dev, sysfs, dst->o.mode);
	if (ret) {
		snprintf(dst->dev.sysfs, sizeof(dst->dev.sysfs), "%s", sysfs);
		zq_err(dst, "cannot open the migration destination: %s",
		       strerror(-ret));
		goto fail;
	}
	dst->dev_open = true;
	/* Config space comes with the migration (QEMU restores it). */
	ret = vfio_dev_set_master(&dst->dev);
	if (ret) {
		zq_err(dst, "cannot set Bus Master Enable");
		goto fail;
	}
	ret = vfio_dev_region_info(&dst->dev, VFIO_PCI_BAR2_REGION_INDEX, &ri);
	if (ret)
		goto fail;
	if (ri.size < QM_FUNC_WINDOW) {
		zq_err(dst, "BAR2 is 0x%llx bytes, a QM function has at least 0x%x",
		       (unsigned long long)ri.size, QM_FUNC_WINDOW);
		ret = -ENODEV;
		goto fail;
	}
	dst->bar = vfio_dev_region_mmap_range(&dst->dev, VFIO_PCI_BAR2_REGION_INDEX,
					      0, QM_FUNC_WINDOW);
	if (!dst->bar) {
		zq_err(dst, "cannot mmap the lower 32 KiB of BAR2");
		ret = -ENODEV;
		goto fail;
	}
	dst->bar_len = QM_FUNC_WINDOW;
	ret = vfio_dev_dma_map(&dst->dev, dst->arena, dst->iova, dst->arena_len);
	if (ret) {
		zq_err(dst, "DMA map of the arena (%zu bytes at IOVA 0x%" PRIx64 ") failed: %s",
		       dst->arena_len, dst->iova, strerror(-ret));
		goto fail;
	}
	dst->mapped = true;
	return 0;
fail:
	zq_release(dst);
	return ret;
}

int zq_dst_irq_on(struct zip_qm *dst)
{
	return zq_irq_on(dst);
}

static void *reloc(const void *p, const uint8_t *from, uint8_t *to)
{
	return p ? to + ((const uint8_t *)p - from) : NULL;
}

void zq_migrate_to(struct zip_qm *qm, struct zip_qm *dst)
{
	const uint8_t *from = qm->arena;
	uint8_t *to = dst->arena;
	unsigned int i;
	uint64_t cnt;

	/* A raised, untaken interrupt stays pending across a migration. */
	for (i = 0; i < QM_V3_VF_VECTORS; i++) {
		if (qm->efd[i] < 0 ||
		    read(qm->efd[i], &cnt, sizeof(cnt)) != sizeof(cnt))
			continue;
		if (dst->efd[i] < 0 ||
		    write(dst->efd[i], &cnt, sizeof(cnt)) != sizeof(cnt))
			zq_err(dst, "MSI vector %u: %" PRIu64 " pending interrupts of the source lost",
			       i, cnt);
	}
	if (dst->arena_borrowed)
		qm->arena_borrowed = true;
	zq_release(qm);

	qm->dev = dst->dev;
	qm->dev_open = dst->dev_open;
	qm->bar = dst->bar;
	qm->bar_len = dst->bar_len;
	qm->arena = to;
	qm->arena_borrowed = false;
	qm->mapped = dst->mapped;
	memcpy(qm->efd, dst->efd, sizeof(qm->efd));
	qm->irq_on = dst->irq_on;

	qm->xqc = reloc(qm->xqc, from, to);
	qm->eq = reloc(qm->eq, from, to);
	qm->aeq = reloc(qm->aeq, from, to);
	qm->sqc_tab = reloc(qm->sqc_tab, from, to);
	qm->cqc_tab = reloc(qm->cqc_tab, from, to);
	qm->qmem = reloc(qm->qmem, from, to);
	qm->data = reloc(qm->data, from, to);
	for (i = 0; i < ZQ_MAX_QUEUES; i++) {
		struct zq_queue *q = &qm->q[i];

		q->sq = reloc(q->sq, from, to);
		q->cq = reloc(q->cq, from, to);
		q->sgl = reloc(q->sgl, from, to);
	}

	memset(dst, 0, sizeof(*dst));
	for (i = 0; i < QM_V3_VF_VECTORS; i++)
		dst->efd[i] = -1;
}

/* ---- Submission -------------------------------------------------------------- */

static bool in_data(struct zip_qm *qm, const void *p, size_t len)
{
	const uint8_t *b = p;

	return b >= qm->data && len <= qm->data_len &&
	       (size_t)(b - qm->data) <= qm->data_len - len;
}

/* Describe [p, p + len) as one hardware SGL of page-multiple entries. */
static void build_sgl(struct zip_qm *qm, struct hisi_acc_hw_sgl *sgl,
		      uint8_t *p, size_t len)
{
	size_t piece = ALIGN_UP(DIV_UP(len, qm->o.sge_nr), PAGE);
	unsigned int n = 0;

	memset(sgl, 0, qm->sgl_size);
	while (len) {
		size_t l = len < piece ? len : piece;

		sgl->sge[n].buf = zq_iova(qm, p);
		sgl->sge[n].page_ctrl = (uintptr_t)p;	/* opaque to the device */
		sgl->sge[n].len = (uint32_t)l;
		p += l;
		len -= l;
		n++;
	}
	sgl->next_dma = 0;
	sgl->entry_sum_in_chain = qm->o.sge_nr;
	sgl->entry_sum_in_sgl = n;
	sgl->entry_length_in_sgl = qm->o.sge_nr;
}

int zq_submit(struct zq_queue *q, const struct zq_req *r)
{
	struct zip_qm *qm = q->qm;
	struct hisi_zip_sqe sqe;
	uint64_t src, dst;
	uint16_t slot = q->sq_tail;
	size_t src_len = (size_t)r->in_off + r->in_len;

	if (!q->started)
		return -EINVAL;
	if (q->used >= (unsigned int)q->depth - 1 || q->slots[slot].busy)
		return -EBUSY;
	if (!r->in_len || r->out_off >= r->dst_len ||
	    !in_data(qm, r->src, src_len) || !in_data(qm, r->dst, r->dst_len) ||
	    (r->sgl && (r->in_off > HZIP_SGE_OFFSET_MASK ||
			r->out_off > HZIP_SGE_OFFSET_MASK))) {
		zq_err(qm, "queue %u: bad request (src %p+%zu, dst %p+%u, out_off %u) for data area %p+%zu",
		       q->qn, r->src, src_len, r->dst, r->dst_len, r->out_off,
		       (void *)qm->data, qm->data_len);
		return -EINVAL;
	}

	memset(&sqe, 0, sizeof(sqe));
	sqe.input_data_length = r->in_len;
	sqe.dest_avail_out = r->dst_len - r->out_off;
	sqe.dw7 = (uint32_t)HZIP_SQE_TYPE_V3 << HZIP_SQE_TYPE_SHIFT;
	if (r->sgl) {
		uint8_t *sgl = q->sgl + (size_t)slot * 2 * qm->sgl_size;

		build_sgl(qm, (struct hisi_acc_hw_sgl *)sgl, r->src, src_len);
		build_sgl(qm, (struct hisi_acc_hw_sgl *)(sgl + qm->sgl_size),
			  r->dst, r->dst_len);
		src = zq_iova(qm, sgl);
		dst = zq_iova(qm, sgl + qm->sgl_size);
		sqe.dw7 |= r->in_off;
		sqe.dw8 = r->out_off;
		sqe.dw9 = r->req_type | HZIP_BUF_SGL << HZIP_BUF_TYPE_SHIFT;
	} else {
		src = zq_iova(qm, r->src) + r->in_off;
		dst = zq_iova(qm, r->dst) + r->out_off;
		sqe.dw9 = r->req_type | HZIP_BUF_PBUFFER << HZIP_BUF_TYPE_SHIFT;
	}
	sqe.source_addr_l = (uint32_t)src;
	sqe.source_addr_h = (uint32_t)(src >> 32);
	sqe.dest_addr_l = (uint32_t)dst;
	sqe.dest_addr_h = (uint32_t)(dst >> 32);
	sqe.dw26 = (uint32_t)r->tag;
	sqe.dw27 = (uint32_t)(r->tag >> 32);
	memcpy(&q->sq[slot], &sqe, sizeof(sqe));

	q->slots[slot].busy = true;
	q->slots[slot].tag = r->tag;
	q->sq_tail = (uint16_t)((slot + 1) % q->depth);
	q->used++;
	q->submitted++;
	doorbell(qm, q->qn, QM_DB_CMD_SQ, q->sq_tail, 0);
	return 0;
}

int zq_submit_sqe(struct zq_queue *q, const struct hisi_zip_sqe *sqe)
{
	uint16_t slot = q->sq_tail;

	if (!q->started)
		return -EINVAL;
	if (q->used >= (unsigned int)q->depth - 1 || q->slots[slot].busy)
		return -EBUSY;
	memcpy(&q->sq[slot], sqe, sizeof(*sqe));
	q->slots[slot].busy = true;
	q->slots[slot].tag = sqe->dw26 | (uint64_t)sqe->dw27 << 32;
	q->sq_tail = (uint16_t)((slot + 1) % q->depth);
	q->used++;
	q->submitted++;
	doorbell(q->qm, q->qn, QM_DB_CMD_SQ, q->sq_tail, 0);
	return 0;
}

/* ---- Completion ------------------------------------------------------------- */

static const char *aeqe_type(unsigned int t)
{
	switch (t) {
	case QM_AEQE_CQ_OVERFLOW: return "CQ overflow";
	case QM_AEQE_EQ_OVERFLOW: return "EQ overflow";
	case QM_AEQE_CQE_ERROR: return "CQE error";
	default: return "unknown";
	}
}

/* Consume AEQEs; any is an error for this client. */
static int aeq_check(struct zip_qm *qm)
{
	unsigned int n = 0;
	uint32_t v;

	for (;;) {
		v = __atomic_load_n(&qm->aeq[qm->aeq_head], __ATOMIC_ACQUIRE);
		if (QM_AEQE_PHASE(v) != qm->aeq_phase)
			break;
		zq_err(qm, "AEQ event %u: %s (type %u) on queue %u (AEQE 0x%08x)",
		       qm->aeq_head, aeqe_type(QM_AEQE_TYPE(v)), QM_AEQE_TYPE(v),
		       QM_AEQE_QN(v), v);
		if (++qm->aeq_head == qm->aeq_depth) {
			qm->aeq_head = 0;
			qm->aeq_phase ^= 1;
		}
		n++;
	}
	if (!n)
		return 0;
	doorbell(qm, 0, QM_DB_CMD_AEQ, qm->aeq_head, 0);
	return -EIO;
}

/* Consume EQEs, marking the named queues; ring the EQ doorbell if asked or
 * if anything was consumed. Returns the number of EQEs. */
static int eq_drain(struct zip_qm *qm, bool ring)
{
	unsigned int n = 0;
	uint32_t v, cqn;

	for (;;) {
		v = __atomic_load_n(&qm->eq[qm->eq_head], __ATOMIC_ACQUIRE);
		if (QM_EQE_PHASE(v) != qm->eq_phase)
			break;
		cqn = QM_EQE_CQN(v);
		if (cqn < qm->o.nqueues && cqn < qm->qp_num)
			qm->q[cqn].eq_pending = true;
		else
			zq_err(qm, "EQE %u names CQ %u, beyond the %u queues in use (EQE 0x%08x); dropped",
			       qm->eq_head, cqn, qm->o.nqueues, v);
		if (++qm->eq_head == qm->eq_depth) {
			qm->eq_head = 0;
			qm->eq_phase ^= 1;
		}
		n++;
	}
	qm->st.eqes += n;
	if (n || ring)
		doorbell(qm, 0, QM_DB_CMD_EQ, qm->eq_head, 0);
	return n;
}

/* Take finished CQEs off q (qm_poll_req_cb). Returns count or -errno. */
static int cq_collect(struct zq_queue *q, struct zq_done *out, unsigned int max)
{
	struct zip_qm *qm = q->qm;
	unsigned int n = 0;
	struct qm_cqe *cqe;
	struct hisi_zip_sqe *sqe;
	struct zq_slot *slot;
	uint16_t idx, w7;

	while (n < max) {
		cqe = &q->cq[q->cq_head];
		w7 = __atomic_load_n(&cqe->w7, __ATOMIC_ACQUIRE);
		if ((w7 & 1u) != q->cq_phase)
			break;
		rmb_dev();
		idx = cqe->sq_head;
		if (idx >= q->depth || !q->slots[idx].busy) {
			zq_err(qm, "queue %u: CQE %u (phase %u) names SQ slot %u, which has no request (depth %u, %u in flight)",
			       q->qn, q->cq_head, q->cq_phase, idx, q->depth, q->used);
			return -EIO;
		}
		slot = &q->slots[idx];
		sqe = &q->sq[idx];
		out[n].sq_index = idx;
		out[n].status = sqe->dw3 & HZIP_STATUS_MASK;
		out[n].produced = sqe->produced;
		out[n].consumed = sqe->consumed;
		out[n].tag = sqe->dw26 | (uint64_t)sqe->dw27 << 32;
		if (out[n].tag != slot->tag) {
			zq_err(qm, "queue %u: SQ slot %u came back with tag 0x%016" PRIx64 ", sent 0x%016" PRIx64 " (dw26/27 must be preserved)",
			       q->qn, idx, out[n].tag, slot->tag);
			return -EIO;
		}
		slot->busy = false;
		q->used--;
		q->completed++;
		if (++q->cq_head == q->depth) {
			q->cq_head = 0;
			q->cq_phase ^= 1;
		}
		doorbell(qm, q->qn, QM_DB_CMD_CQ, q->cq_head, 0);
		qm->st.cq_doorbells++;
		n++;
	}
	if (n) {
		doorbell(qm, q->qn, QM_DB_CMD_CQ, q->cq_head, 1);
		qm->st.cq_doorbells++;
	}
	return n;
}

/* Wait for the EQ or AEQ eventfd. Returns 1 on EQ, 0 on timeout. */
static int irq_wait(struct zip_qm *qm, int timeout_ms)
{
	struct pollfd p[2] = {
		{ .fd = qm->efd[qm->eq_vector], .events = POLLIN },
		{ .fd = qm->efd[qm->aeq_vector], .events = POLLIN },
	};
	uint64_t cnt;
	int r, ret = 0;

	r = poll(p, 2, timeout_ms);
	if (r < 0) {
		if (errno == EINTR)
			return 0;
		r = -errno;
		zq_err(qm, "poll on the MSI eventfds: %s", strerror(errno));
		return r;
	}
	if (p[1].revents & POLLIN) {
		if (read(p[1].fd, &cnt, sizeof(cnt)) != sizeof(cnt))
			cnt = 0;
		r = aeq_check(qm);
		if (r)
			return r;
		zq_info(qm, "AEQ MSI without an AEQE");
	}
	if (p[0].revents & POLLIN) {
		if (read(p[0].fd, &cnt, sizeof(cnt)) == sizeof(cnt))
			qm->st.irqs += cnt;
		ret = 1;
	}
	return ret;
}

int zq_reap(struct zq_queue *q, struct zq_done *out, unsigned int max,
	    int timeout_ms)
{
	struct zip_qm *qm = q->qm;
	uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000ull;
	unsigned int idle = 0;
	int n, r;

	if (!q->started || !max)
		return -EINVAL;
	for (;;) {
		if (!qm->o.irq) {
			/* Polling: look at the CQ itself; keep the EQ from
			 * overflowing since the device still posts EQEs. */
			eq_drain(qm, false);
			q->eq_pending = false;
			n = cq_collect(q, out, max);
			if (n)
				return n;
		} else if (q->eq_pending) {
			/* Interrupt mode: only CQs an EQE named (qm_work_process). */
			n = cq_collect(q, out, max);
			if (n < 0)
				return n;
			q->eq_pending = (unsigned int)n == max;
			if (n)
				return n;
		}
		r = aeq_check(qm);
		if (r)
			return r;
		if (now_ns() > deadline)
			break;
		if (qm->o.irq) {
			int64_t left = (int64_t)(deadline - now_ns()) / 1000000;

			r = irq_wait(qm, left > 0 ? (int)left : 0);
			if (r < 0)
				return r;
			if (r > 0) {
				/* EQ interrupt: consume EQEs, re-arm with
				 * the EQ doorbell (qm_get_complete_eqe_num). */
				if (!eq_drain(qm, true))
					qm->st.spurious_wakeups++;
			}
		} else if (++idle < 50) {
			sched_yield();
		} else {
			pause_us(20);
		}
	}
	zq_dump(qm, q, "no completion in time");
	zq_err(qm, "queue %u: no completion within %d ms (%u in flight)", q->qn,
	       timeout_ms, q->used);
	return -ETIMEDOUT;
}

/* ---- Diagnostics ------------------------------------------------------------- */

void zq_dump(struct zip_qm *qm, struct zq_queue *q, const char *why)
{
	static const unsigned int regs[] = {
		QM_VF_AEQ_INT_SOURCE, QM_VF_AEQ_INT_MASK, QM_VF_EQ_INT_SOURCE,
		QM_VF_EQ_INT_MASK, QM_IFC_INT_SOURCE_V, QM_IFC_INT_MASK,
		QM_IFC_INT_STATUS, QM_QUE_ISO_CFG_V, QM_VF_STATE, QM_MB_BASE,
		QM_MB_DATA_L, QM_MB_DATA_H, QM_MB_RSVD, QM_FUNC_CAPS,
	};
	unsigned int i, ready = 0;
	uint32_t v;

	if (!qm->bar)
		return;
	fprintf(stderr, "zip_qm: --- dump (%s) ---\nzip_qm: regs:", why);
	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		fprintf(stderr, " %03x=%08x", regs[i], rd32(qm, regs[i]));
	fputc('\n', stderr);
	if (!qm->arena)
		return;
	fprintf(stderr, "zip_qm: EQ head %u phase %u next EQE 0x%08x; AEQ head %u phase %u next 0x%08x; irqs %" PRIu64 " eqes %" PRIu64 " spurious %" PRIu64 "\n",
		qm->eq_head, qm->eq_phase, qm->eq[qm->eq_head], qm->aeq_head,
		qm->aeq_phase, qm->aeq[qm->aeq_head], qm->st.irqs, qm->st.eqes,
		qm->st.spurious_wakeups);
	if (!q || !q->started)
		return;
	for (i = 0; i < q->depth; i++) {
		uint16_t h = (uint16_t)((q->cq_head + i) % q->depth);
		unsigned int ph = (q->cq_head + i) >= q->depth ? !q->cq_phase : q->cq_phase;

		if (QM_CQE_PHASE(&q->cq[h]) != ph)
			break;
		ready++;
	}
	fprintf(stderr, "zip_qm: queue %u: sq_tail %u cq_head %u phase %u in flight %u submitted %" PRIu64 " completed %" PRIu64 "; CQEs ready but unreaped: %u%s\n",
		q->qn, q->sq_tail, q->cq_head, q->cq_phase, q->used, q->submitted,
		q->completed, ready,
		ready && qm->o.irq && !q->eq_pending ? " (no EQE/MSI announced them)" : "");
	if (!(rd32(qm, QM_MB_BASE) & QM_MB_BUSY)) {
		struct qm_sqc sqc;
		struct qm_cqc cqc;

		if (!zq_xqc(qm, QM_MB_CMD_SQC, q->qn, &sqc, sizeof(sqc), true))
			fprintf(stderr, "zip_qm: device SQC: head %u tail %u base 0x%08x%08x dw3 0x%08x w11 0x%04x cq_num %u w13 0x%04x\n",
				sqc.head, sqc.tail, sqc.base_h, sqc.base_l, sqc.dw3,
				sqc.w11, sqc.cq_num, sqc.w13);
		if (!zq_xqc(qm, QM_MB_CMD_CQC, q->qn, &cqc, sizeof(cqc), true))
			fprintf(stderr, "zip_qm: device CQC: head %u tail %u base 0x%08x%08x dw3 0x%08x w11 0x%04x dw6 0x%08x\n",
				cqc.head, cqc.tail, cqc.base_h, cqc.base_l, cqc.dw3,
				cqc.w11, cqc.dw6);
	}
	v = q->sq[(q->sq_tail + q->depth - 1) % q->depth].dw7;
	fprintf(stderr, "zip_qm: last SQE dw7 0x%08x\n", v);
}

void zq_print_stats(struct zip_qm *qm, const char *prefix)
{
	printf("%smailbox: cmds=%" PRIu64 " avg_us=%.1f max_us=%.1f irqs=%" PRIu64 " eqes=%" PRIu64 " spurious=%" PRIu64 " cq_doorbells=%" PRIu64 "\n",
	       prefix, qm->st.mb_cmds,
	       qm->st.mb_cmds ? qm->st.mb_ns_total / 1e3 / qm->st.mb_cmds : 0.0,
	       qm->st.mb_ns_max / 1e3, qm->st.irqs, qm->st.eqes,
	       qm->st.spurious_wakeups, qm->st.cq_doorbells);
}
