// SPDX-License-Identifier: GPL-2.0
/*
 * Encoder, decoder and checks of the acc_mdev migration stream (see
 * acc_mig_stream.h). Every byte a destination receives passes through
 * acc_mig_parse() before anything reaches the device.
 */
#ifdef __KERNEL__
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/errno.h>
#endif

#include "acc_mig_stream.h"

#define QM_REV_V3		0x30
#define QM_ISO_DOORBELL		0x1
#define QM_CTX_ALIGN		32
#define QM_PAGE_SIZE_MAX	2	/* 0/1/2 = 4K/16K/64K */
#define EQC_DEPTH_MASK		0xffff
#define EQC_PHASE		BIT(16)
#define VER_MAJOR(v)		((v) >> 8)
#define VER_MINOR(v)		((v) & 0xff)

/* ---- Little-endian fields ------------------------------------------------ */

static void put16(u8 *p, u16 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(u8 *p, u32 v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static void put64(u8 *p, u64 v)
{
	put32(p, v);
	put32(p + 4, v >> 32);
}

static u16 get16(const u8 *p)
{
	return p[0] | (u16)p[1] << 8;
}

static u32 get32(const u8 *p)
{
	return get16(p) | (u32)get16(p + 2) << 16;
}

static u64 get64(const u8 *p)
{
	return get32(p) | (u64)get32(p + 4) << 32;
}

/* CRC32C (Castagnoli, reflected). Records are small: bitwise is enough. */
u32 acc_mig_crc32c(u32 crc, const u8 *p, size_t len)
{
	unsigned int k;

	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78 & -(crc & 1));
	}
	return ~crc;
}

/* ---- Records ------------------------------------------------------------- */

static size_t rec_size(unsigned int type)
{
	switch (type) {
	case ACC_MIG_REC_COMPAT:
		return ACC_MIG_COMPAT_SIZE;
	case ACC_MIG_REC_QM_STATE:
		return ACC_MIG_QM_STATE_SIZE;
	}
	return 0;
}

/* Header and CRC around a payload already at buf + ACC_MIG_HDR_SIZE. */
static size_t rec_seal(u8 *buf, unsigned int type)
{
	size_t size = rec_size(type);

	put32(buf, ACC_MIG_MAGIC);
	put16(buf + 4, ACC_MIG_VERSION);
	put16(buf + 6, type);
	put32(buf + 8, size);
	put32(buf + size - ACC_MIG_CRC_SIZE,
	      acc_mig_crc32c(0, buf, size - ACC_MIG_CRC_SIZE));
	return size;
}

size_t acc_mig_put_compat(u8 *buf, size_t len, const struct acc_mig_compat *c)
{
	u8 *p = buf + ACC_MIG_HDR_SIZE;

	if (len < ACC_MIG_COMPAT_SIZE)
		return 0;
	put16(p, c->device_id);
	p[2] = c->revision;
	p[3] = c->reserved;
	put32(p + 4, c->qp_num);
	put32(p + 8, c->qp_base);
	put32(p + 12, c->que_iso_cfg);
	put32(p + 16, c->qm_caps);
	return rec_seal(buf, ACC_MIG_REC_COMPAT);
}

static void get_compat(const u8 *p, struct acc_mig_compat *c)
{
	c->device_id = get16(p);
	c->revision = p[2];
	c->reserved = p[3];
	c->qp_num = get32(p + 4);
	c->qp_base = get32(p + 8);
	c->que_iso_cfg = get32(p + 12);
	c->qm_caps = get32(p + 16);
}

/* The QM_STATE payload: seven registers, two contexts, two table bases. */
#define QS_EQC		28
#define QS_AEQC		(QS_EQC + 4 * ACC_MIG_EQC_DWORDS)
#define QS_SQC_BT	(QS_AEQC + 4 * ACC_MIG_EQC_DWORDS)
#define QS_CQC_BT	(QS_SQC_BT + 8)
static_assert(QS_CQC_BT + 8 == ACC_MIG_QM_STATE_PAYLOAD, "QM_STATE layout");

size_t acc_mig_put_qm_state(u8 *buf, size_t len,
			    const struct acc_mig_qm_state *s)
{
	u8 *p = buf + ACC_MIG_HDR_SIZE;
	unsigned int i;

	if (len < ACC_MIG_QM_STATE_SIZE)
		return 0;
	put32(p, s->vf_ready);
	put32(p + 4, s->aeq_int_mask);
	put32(p + 8, s->eq_int_mask);
	put32(p + 12, s->ifc_int_source);
	put32(p + 16, s->ifc_int_mask);
	put32(p + 20, s->ifc_int_set);
	put32(p + 24, s->page_size);
	for (i = 0; i < ACC_MIG_EQC_DWORDS; i++) {
		put32(p + QS_EQC + 4 * i, s->eqc[i]);
		put32(p + QS_AEQC + 4 * i, s->aeqc[i]);
	}
	put64(p + QS_SQC_BT, s->sqc_bt);
	put64(p + QS_CQC_BT, s->cqc_bt);
	return rec_seal(buf, ACC_MIG_REC_QM_STATE);
}

static void get_qm_state(const u8 *p, struct acc_mig_qm_state *s)
{
	unsigned int i;

	s->vf_ready = get32(p);
	s->aeq_int_mask = get32(p + 4);
	s->eq_int_mask = get32(p + 8);
	s->ifc_int_source = get32(p + 12);
	s->ifc_int_mask = get32(p + 16);
	s->ifc_int_set = get32(p + 20);
	s->page_size = get32(p + 24);
	for (i = 0; i < ACC_MIG_EQC_DWORDS; i++) {
		s->eqc[i] = get32(p + QS_EQC + 4 * i);
		s->aeqc[i] = get32(p + QS_AEQC + 4 * i);
	}
	s->sqc_bt = get64(p + QS_SQC_BT);
	s->cqc_bt = get64(p + QS_CQC_BT);
}

/* ---- Field checks -------------------------------------------------------- */

int acc_mig_check_compat(const struct acc_mig_compat *c, const char **why)
{
	if (!c->device_id)
		*why = "device ID 0";
	else if (c->revision < QM_REV_V3)
		*why = "QM revision before V3";
	else if (c->reserved)
		*why = "reserved byte set";
	else if (!c->qp_num || c->qp_num > ACC_MIG_QP_MAX)
		*why = "queue pair count out of range";
	else if (c->que_iso_cfg & ~QM_ISO_DOORBELL)
		*why = "unknown isolation bits";
	else
		return 0;
	return -EINVAL;
}

/* An EQC/AEQC dword array as the device keeps it (facts §1.3). */
static bool eqc_valid(const u32 *dw, u32 depth_max)
{
	u64 base = dw[1] | (u64)dw[2] << 32;
	u32 depth = (dw[6] & EQC_DEPTH_MASK) + 1;

	return base && !(base % QM_CTX_ALIGN) && !dw[3] &&
	       !(dw[6] & ~(EQC_DEPTH_MASK | EQC_PHASE)) && depth >= 2 &&
	       depth <= depth_max && (dw[0] & 0xffff) < depth &&
	       (dw[0] >> 16) < depth;
}

static bool bt_valid(u64 base)
{
	return base && !(base % QM_CTX_ALIGN);
}

/* Everything but vf_ready is 0 (field by field: the struct has padding). */
static bool qm_state_idle(const struct acc_mig_qm_state *s)
{
	u64 any = s->aeq_int_mask | s->eq_int_mask | s->ifc_int_source |
		  s->ifc_int_mask | s->ifc_int_set | s->page_size |
		  s->sqc_bt | s->cqc_bt;
	unsigned int i;

	for (i = 0; i < ACC_MIG_EQC_DWORDS; i++)
		any |= s->eqc[i] | s->aeqc[i];
	return !any;
}

int acc_mig_check_qm_state(const struct acc_mig_qm_state *s, const char **why)
{
	if (s->vf_ready > 1)
		*why = "VF state neither ready nor not-ready";
	else if (!s->vf_ready && !qm_state_idle(s))
		*why = "registers in a not-ready VF state";
	else if (!s->vf_ready)
		return 0;
	else if ((s->aeq_int_mask | s->eq_int_mask | s->ifc_int_mask |
		  s->ifc_int_source) & ~1U)
		*why = "interrupt register bits beyond bit 0";
	else if (s->ifc_int_set)
		*why = "VF-to-PF message pending";
	else if (s->page_size > QM_PAGE_SIZE_MAX)
		*why = "page size code out of range";
	else if (!eqc_valid(s->eqc, ACC_MIG_EQ_DEPTH_MAX))
		*why = "EQ context invalid";
	else if (!eqc_valid(s->aeqc, ACC_MIG_AEQ_DEPTH_MAX))
		*why = "AEQ context invalid";
	else if (!bt_valid(s->sqc_bt) || !bt_valid(s->cqc_bt))
		*why = "context table base 0 or misaligned";
	else
		return 0;
	return -EINVAL;
}

int acc_mig_match_compat(const struct acc_mig_compat *src,
			 const struct acc_mig_compat *dst, const char **why)
{
	if (src->device_id != dst->device_id)
		*why = "device ID";
	else if (src->revision != dst->revision)
		*why = "QM revision";
	else if (src->qp_num != dst->qp_num)
		*why = "queue pair count";
	else if (src->que_iso_cfg != dst->que_iso_cfg)
		*why = "doorbell isolation";
	else if (src->qm_caps != dst->qm_caps)
		*why = "QM capabilities";
	else
		return 0;
	return -EOPNOTSUPP;
}

/* ---- Parser -------------------------------------------------------------- */

/* One complete record of @size bytes at @rec, already framed. */
static int parse_record(struct acc_mig_parser *p, const u8 *rec, size_t size,
			unsigned int type, const char **why)
{
	const u8 *payload = rec + ACC_MIG_HDR_SIZE;
	struct acc_mig_qm_state qm;
	struct acc_mig_compat c;
	int ret;

	if (get32(rec + size - ACC_MIG_CRC_SIZE) !=
	    acc_mig_crc32c(0, rec, size - ACC_MIG_CRC_SIZE)) {
		*why = "CRC mismatch";
		return -EBADMSG;
	}
	if (acc_mig_parser_has(p, ACC_MIG_REC_QM_STATE)) {
		*why = "record after the QM state";
		return -EINVAL;
	}
	if (type == ACC_MIG_REC_COMPAT) {
		if (p->seen) {
			*why = "second compat record";
			return -EINVAL;
		}
		get_compat(payload, &c);
		ret = acc_mig_check_compat(&c, why);
		if (ret)
			return ret;
		p->compat = c;
	} else {
		if (!acc_mig_parser_has(p, ACC_MIG_REC_COMPAT)) {
			*why = "QM state before the compat record";
			return -EINVAL;
		}
		get_qm_state(payload, &qm);
		ret = acc_mig_check_qm_state(&qm, why);
		if (ret)
			return ret;
		p->qm = qm;
	}
	p->seen |= 1U << type;
	return 0;
}

/*
 * The version rule of acc_mig_stream.h: same major, minor not newer than
 * ours. Judged on the header alone, before type, length and CRC, which a
 * version we do not know may lay out differently.
 */
static bool version_readable(u16 version, const char **why)
{
	if (VER_MAJOR(version) != VER_MAJOR(ACC_MIG_VERSION))
		*why = "major version differs";
	else if (VER_MINOR(version) > VER_MINOR(ACC_MIG_VERSION))
		*why = "minor version newer than this destination";
	else
		return true;
	return false;
}

int acc_mig_parse(struct acc_mig_parser *p, const u8 *buf, size_t len,
		  size_t *used, const char **why)
{
	size_t off = 0;
	int ret = 0;

	while (len - off >= ACC_MIG_HDR_SIZE) {
		const u8 *rec = buf + off;
		unsigned int type = get16(rec + 6);
		size_t size = rec_size(type);

		if (get32(rec) != ACC_MIG_MAGIC) {
			*why = "bad magic";
			ret = -EINVAL;
		} else if (!version_readable(get16(rec + 4), why)) {
			ret = -EPROTONOSUPPORT;
		} else if (!size) {
			*why = "unknown record type";
			ret = -EINVAL;
		} else if (get32(rec + 8) != size) {
			*why = "record length wrong for its type";
			ret = -EINVAL;
		}
		if (ret || len - off < size)
			break;
		ret = parse_record(p, rec, size, type, why);
		if (ret)
			break;
		off += size;
	}
	*used = off;
	return ret;
}
