/* SPDX-License-Identifier: GPL-2.0 */
/*
 * HiSilicon QM (queue manager, hardware V3) and ZIP engine: the register map,
 * mailbox, queue contexts, ring entries and the ZIP request format as a
 * function's driver (here: a userspace VFIO client of a ZIP VF) sees them.
 *
 * Written from a reading of Linux 6.12 (drivers/crypto/hisilicon/qm.c,
 * qm_common.h, sgl.c, zip/zip.h, zip/zip_crypto.c, include/linux/
 * hisi_acc_qm.h) and /work/shared/HISI_QM_FACTS.md; the source locations are
 * given per item. All multi-byte fields are little endian; this header
 * assumes a little-endian host (x86_64, arm64).
 *
 * Offsets are bytes into the function's BAR2. Only the lower 32 KiB of a VF's
 * 64 KiB BAR2 belong to the function's driver: the upper half is the
 * migration-control window (EQC/AEQC shadows at 0x8000/0x8020, seed 002) and
 * must never be touched by a client.
 */
#ifndef HISI_QM_REGS_H
#define HISI_QM_REGS_H

#include <stdint.h>

/* ---- BAR2 layout ------------------------------------------------------ */
#define QM_BAR_INDEX		2
#define QM_FUNC_WINDOW		0x8000	/* usable part of a VF's BAR2 */
#define QM_MIG_WINDOW		0x8000	/* migration window: hands off */

/* ---- Per-function QM registers (qm.c:21-24, 173-180, 92; qmh:68) ------- */
#define QM_VF_AEQ_INT_SOURCE	0x0000	/* AEQ interrupt source */
#define QM_VF_AEQ_INT_MASK	0x0004	/* 1 = AEQ interrupt masked */
#define QM_VF_EQ_INT_SOURCE	0x0008	/* EQ interrupt source */
#define QM_VF_EQ_INT_MASK	0x000c	/* 1 = EQ interrupt masked */
#define QM_IFC_INT_SOURCE_V	0x0020	/* PF<->VF: source (W1C); 1 = PF reset done */
#define QM_IFC_INT_MASK		0x0024	/* bit 0: 1 = PF->VF interrupt disabled */
#define QM_IFC_INT_STATUS	0x0028	/* bit 0: a PF message is pending */
#define QM_IFC_INT_SET_V	0x002c	/* bit 0: VF->PF message doorbell */
#define QM_QUE_ISO_CFG_V	0x0030	/* bit 0: doorbell isolation (doorbells in BAR4) */
#define QM_PAGE_SIZE		0x0034	/* SVA prefetch page size: 0 = 4K, 1 = 16K, 2 = 64K */
#define QM_VF_STATE		0x0060	/* VF readiness (hisi_qm_set_state) */
#define  QM_VF_STATE_READY	0
#define  QM_VF_STATE_NOT_READY	1
#define QM_CACHE_WB_START	0x0204	/* write 1: write SQC/CQC caches back */
#define QM_CACHE_WB_DONE	0x0208	/* bit 0: write-back finished */

/* ---- Mailbox (qm.c:350-356, 515-600; qmh:38-55) ------------------------ */
#define QM_MB_BASE		0x0300	/* 16 bytes: w0, queue, base_l, base_h, rsvd */
#define QM_MB_DATA_L		0x0304	/* base_l; result low word of cmd 6 / 0xd */
#define QM_MB_DATA_H		0x0308	/* base_h; result high word */
#define QM_MB_RSVD		0x030c	/* written 0 last */
#define  QM_MB_CMD_MASK		0xffu
#define  QM_MB_EVENT_SHIFT	8
#define  QM_MB_STATUS_SHIFT	9
#define  QM_MB_STATUS_MASK	(0xfu << QM_MB_STATUS_SHIFT)	/* [12:9], 0 = OK */
#define  QM_MB_BUSY		(1u << 13)
#define  QM_MB_OP_READ		(1u << 14)	/* op 1: hardware -> memory */
#define  QM_MB_QUEUE_SHIFT	16		/* [31:16] queue number */

enum qm_mb_cmd {
	QM_MB_CMD_SQC		= 0x0,	/* SQ context of queue, 32 B at base */
	QM_MB_CMD_CQC		= 0x1,	/* CQ context */
	QM_MB_CMD_EQC		= 0x2,	/* event queue context */
	QM_MB_CMD_AEQC		= 0x3,	/* async event queue context */
	QM_MB_CMD_SQC_BT	= 0x4,	/* SQC table base (qp_num x 32 B) */
	QM_MB_CMD_CQC_BT	= 0x5,	/* CQC table base */
	QM_MB_CMD_SQC_VFT_V2	= 0x6,	/* op 1: own SQC VFT word in 0x304/0x308 */
	QM_MB_CMD_STOP_QP	= 0x8,	/* drain one queue */
	QM_MB_CMD_FLUSH_QM	= 0x9,
	QM_MB_CMD_SRC		= 0xc,	/* send a PF<->VF message */
	QM_MB_CMD_DST		= 0xd,	/* fetch a message into 0x304/0x308 */
	QM_MB_CMD_PAUSE_QM	= 0xe,	/* migration driver only (seed 002) */
};

/* SQC VFT word as returned by cmd 6 (qm.c:120-123, 1302-1318). */
#define QM_SQC_VFT_BASE_SHIFT	28
#define QM_SQC_VFT_BASE_MASK	0xffffu		/* bits [43:28] */
#define QM_SQC_VFT_VALID	(1ull << 44)
#define QM_SQC_VFT_NUM_SHIFT	45
#define QM_SQC_VFT_NUM_MASK	0x3ffu		/* bits [54:45] = num - 1 */

/*
 * The reused context buffer the driver hands to the EQC/AEQC/SQC/CQC
 * mailboxes (qm.c:5339-5364): one 32-byte slot per context type.
 */
#define QM_XQC_BUF_EQC		0
#define QM_XQC_BUF_AEQC		32
#define QM_XQC_BUF_SQC		64
#define QM_XQC_BUF_CQC		96
#define QM_XQC_BUF_SIZE		128

/* ---- Doorbells (qm.c:685-703; qmh:58-70) ------------------------------- */
#define QM_DB_SQ_CQ		0x1000	/* 64-bit store, no isolation */
#define QM_DB_EQ_AEQ		0x2000	/* 64-bit store */
#define  QM_DB_CMD_SQ		0
#define  QM_DB_CMD_CQ		1
#define  QM_DB_CMD_EQ		2
#define  QM_DB_CMD_AEQ		3
#define  QM_DB_CMD_SHIFT	12
#define  QM_DB_RAND_SHIFT	16
#define  QM_DB_INDEX_SHIFT	32
#define  QM_DB_PRIORITY_SHIFT	48

/* qn[11:0] | cmd << 12 | rand << 16 | index << 32 | priority << 48 */
static inline uint64_t qm_db_value(uint16_t qn, unsigned int cmd,
				   uint16_t index, unsigned int priority)
{
	return (uint64_t)(qn & 0xfff) | (uint64_t)cmd << QM_DB_CMD_SHIFT |
	       (uint64_t)index << QM_DB_INDEX_SHIFT |
	       (uint64_t)priority << QM_DB_PRIORITY_SHIFT;
}

/* ---- Capability registers (qm.c:313-341, 745-763) ---------------------- */
#define QM_FUNC_CAPS		0x3100	/* [7:0] cap_ver: 0 = use the V3 defaults */
#define  QM_CAP_VER_MASK	0xffu
#define  QM_CAP_FUNC_QOS	(1u << 8)
#define  QM_CAP_STOP_QP		(1u << 9)
#define  QM_CAP_STOP_FUNC	(1u << 10)
#define  QM_CAP_MB_COMMAND	(1u << 11)
#define  QM_CAP_VF_RPM		(1u << 12)
#define  QM_CAP_PF_RPM		(1u << 13)
#define  QM_CAP_SVA_PREFETCH	(1u << 14)
#define QM_CAP_XEQ_DEPTH	0x3104	/* [15:0] EQ depth, [31:16] AEQ depth */
#define QM_CAP_QP_DEPTH		0x3108	/* [15:0] SQ depth, [31:16] CQ depth */
#define QM_CAP_EQ_IRQ		0x310c	/* [15:0] MSI vector of the EQ */
#define QM_CAP_AEQ_IRQ		0x3110	/* [15:0] MSI vector of the AEQ */
#define QM_CAP_IRQ_NUM		0x311c	/* [15:0] VF vectors, [31:16] PF vectors */
/* What a VF uses when cap_ver is 0 (the V3 column of qm_basic_info). */
#define QM_V3_FUNC_CAPS		(QM_CAP_FUNC_QOS | QM_CAP_STOP_QP | \
				 QM_CAP_STOP_FUNC | QM_CAP_MB_COMMAND | \
				 QM_CAP_SVA_PREFETCH)
#define QM_V3_EQ_DEPTH		0x800
#define QM_V3_AEQ_DEPTH		0x400
#define QM_V3_SQ_DEPTH		0x400
#define QM_V3_CQ_DEPTH		0x400
#define QM_V3_EQ_VECTOR		0
#define QM_V3_AEQ_VECTOR	1
#define QM_V3_VF_VECTORS	3	/* EQ, AEQ, PF<->VF */

/* ---- Queue contexts (qcm:26-73; qm.c:1918-1971, 2986-3008) ------------- */
struct qm_sqc {
	uint16_t head;
	uint16_t tail;
	uint32_t base_l;	/* SQ ring DMA address */
	uint32_t base_h;
	uint32_t dw3;		/* (depth - 1) | ilog2(sqe size) << 12 */
	uint16_t w8;		/* rand_qc, 0 */
	uint16_t rsvd0;
	uint16_t pasid;
	uint16_t w11;		/* bit 6: tail wrap (read back) */
	uint16_t cq_num;	/* CQ this SQ completes to (= queue) */
	uint16_t w13;		/* priority[3:0] | orders[7:4] | alg_type[11:8] */
	uint32_t rsvd1;
} __attribute__((packed));

struct qm_cqc {
	uint16_t head;
	uint16_t tail;
	uint32_t base_l;	/* CQ ring DMA address */
	uint32_t base_h;
	uint32_t dw3;		/* (depth - 1) | 4 << 12 (cqe size code) */
	uint16_t w8;
	uint16_t rsvd0;
	uint16_t pasid;
	uint16_t w11;		/* bit 6: tail wrap (read back) */
	uint32_t dw6;		/* bit 0: initial phase 1, bit 1: completion irq */
	uint32_t rsvd1;
} __attribute__((packed));

/* EQC and AEQC share one layout. */
struct qm_eqc {
	uint16_t head;
	uint16_t tail;
	uint32_t base_l;	/* ring DMA address */
	uint32_t base_h;
	uint32_t dw3;		/* 0 on V2/V3 */
	uint32_t rsvd[2];
	uint32_t dw6;		/* (depth - 1) | 1 << 16 (initial phase) */
} __attribute__((packed));

#define QM_SQC_SQE_SIZE_SHIFT	12
#define QM_SQE_SIZE_LOG2	7	/* 128-byte SQEs */
#define QM_SQC_W13_ORDERS	(1u << 4)
#define QM_SQC_W13_ALG_SHIFT	8	/* 0 compress, 1 decompress (ZIP) */
#define QM_SQC_W11_TAIL_WRAP	(1u << 6)
#define QM_CQC_CQE_SIZE_CODE	4
#define QM_CQC_CQE_SIZE_SHIFT	12
#define QM_CQC_DW6_PHASE	(1u << 0)
#define QM_CQC_DW6_IRQ		(1u << 1)
#define QM_EQC_PHASE_SHIFT	16

/* ---- Ring entries (qcm:8-24; qm.c:61-78) ------------------------------- */
struct qm_cqe {
	uint32_t rsvd0;
	uint16_t cmd_id;
	uint16_t rsvd1;
	uint16_t sq_head;	/* SQ slot whose request finished */
	uint16_t sq_num;
	uint16_t rsvd2;
	uint16_t w7;		/* bit 0: phase */
} __attribute__((packed));

#define QM_CQE_PHASE(cqe)	((cqe)->w7 & 1u)

/* EQE: [15:0] function-local CQ number, bit 16 phase. */
#define QM_EQE_CQN(v)		((v) & 0xffffu)
#define QM_EQE_PHASE(v)		(((v) >> 16) & 1u)
/* AEQE: [15:0] queue, bit 16 phase, [20:17] type. */
#define QM_AEQE_QN(v)		((v) & 0xffffu)
#define QM_AEQE_PHASE(v)	(((v) >> 16) & 1u)
#define QM_AEQE_TYPE(v)		(((v) >> 17) & 0xfu)
#define  QM_AEQE_CQ_OVERFLOW	0
#define  QM_AEQE_EQ_OVERFLOW	1
#define  QM_AEQE_CQE_ERROR	2

#define QM_SQE_SIZE		128
#define QM_CQE_SIZE		16
#define QM_EQE_SIZE		4

/* ---- ZIP request (zip.h:32-82; zip_crypto.c:10-24, 199-212, 270-311) --- */
struct hisi_zip_sqe {
	uint32_t consumed;		/* dw0: input bytes consumed */
	uint32_t produced;		/* dw1: output bytes produced */
	uint32_t comp_data_length;	/* dw2 */
	uint32_t dw3;			/* [7:0] completion status */
	uint32_t input_data_length;	/* dw4 */
	uint32_t dw5;
	uint32_t dw6;
	uint32_t dw7;			/* [23:0] in SGE offset, [31:28] sqe type */
	uint32_t dw8;			/* [23:0] out SGE offset */
	uint32_t dw9;			/* [7:0] request type, [11:8] buffer type */
	uint32_t dw10;
	uint32_t dw11;
	uint32_t dw12;
	uint32_t dw13;			/* tag in sqe type 0 */
	uint32_t dest_avail_out;	/* dw14 */
	uint32_t dw15;
	uint32_t dw16;
	uint32_t dw17;
	uint32_t source_addr_l;		/* dw18: SGL or buffer DMA address */
	uint32_t source_addr_h;
	uint32_t dest_addr_l;		/* dw20 */
	uint32_t dest_addr_h;
	uint32_t dw22;
	uint32_t dw23;
	uint32_t dw24;
	uint32_t dw25;
	uint32_t dw26;			/* tag (64-bit) in sqe type 3 */
	uint32_t dw27;
	uint32_t rsvd1[4];
} __attribute__((packed));

#define HZIP_STATUS_MASK	0xffu		/* dw3 */
#define  HZIP_STATUS_OK		0x00
#define  HZIP_NC_ERR		0x0d		/* "negative compression": success */
#define HZIP_SGE_OFFSET_MASK	0xffffffu	/* dw7 / dw8 [23:0] */
#define HZIP_SQE_TYPE_SHIFT	28		/* dw7 [31:28] */
#define  HZIP_SQE_TYPE_V3	3
#define HZIP_REQ_TYPE_MASK	0xffu		/* dw9 [7:0] */
/*
 * Request types: 6.12 knows only deflate (zip_crypto.c:19); zlib and gzip
 * are from the driver before their removal (5.x zip_crypto.c: the driver
 * writes the 2/10-byte header itself and skips it with the SGE offsets).
 */
#define  HZIP_REQ_DEFLATE	0x01
#define  HZIP_REQ_ZLIB		0x02
#define  HZIP_REQ_GZIP		0x03
#define HZIP_BUF_TYPE_SHIFT	8		/* dw9 [11:8] */
#define  HZIP_BUF_PBUFFER	0x0		/* flat buffer */
#define  HZIP_BUF_SGL		0x1		/* hardware SGL */
/* Queue algorithm (SQC w13 [11:8]) */
#define HZIP_ALG_COMP		0
#define HZIP_ALG_DECOMP		1

/* ---- Hardware SGL (sgl.c:14-33, 217-271) ------------------------------- */
struct hisi_acc_hw_sge {
	uint64_t buf;			/* data DMA address */
	uint64_t page_ctrl;		/* driver's virtual address; opaque */
	uint32_t len;
	uint32_t pad;
	uint32_t pad0;
	uint32_t pad1;
} __attribute__((packed));

struct hisi_acc_hw_sgl {
	uint64_t next_dma;		/* 0: single SGL */
	uint16_t entry_sum_in_chain;	/* sge_nr of the pool (not the used count) */
	uint16_t entry_sum_in_sgl;	/* valid entries */
	uint16_t entry_length_in_sgl;	/* sge_nr */
	uint16_t pad0;
	uint64_t pad1[5];
	uint64_t next;			/* driver's pointer; opaque */
	struct hisi_acc_hw_sge sge[];	/* at +64 */
} __attribute__((packed));

#define HISI_ACC_SGL_ALIGN	64
#define HISI_ACC_SGL_SGE_NR_MAX	255
#define HZIP_SGL_SGE_NR		10	/* zip_crypto.c default sgl_sge_nr */

_Static_assert(sizeof(struct qm_sqc) == 32, "SQC is 32 bytes");
_Static_assert(sizeof(struct qm_cqc) == 32, "CQC is 32 bytes");
_Static_assert(sizeof(struct qm_eqc) == 28, "EQC is 28 bytes");
_Static_assert(sizeof(struct qm_cqe) == QM_CQE_SIZE, "CQE is 16 bytes");
_Static_assert(sizeof(struct hisi_zip_sqe) == QM_SQE_SIZE, "SQE is 128 bytes");
_Static_assert(sizeof(struct hisi_acc_hw_sge) == 32, "SGE is 32 bytes");
_Static_assert(sizeof(struct hisi_acc_hw_sgl) == 64, "SGL header is 64 bytes");

#endif
