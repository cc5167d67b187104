/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The acc_mdev migration stream: what a source writes to its saving data
 * fd and a destination accepts on its resuming one.
 *
 * Pure C with no kernel dependency, so that the userspace unit test and
 * fuzzer compile this very code (they provide u8..u64, bool and the errno
 * values through a shim).
 *
 * A stream is a sequence of records, each one self-checking:
 *
 *	off  size  field
 *	0    4     magic	ACC_MIG_MAGIC
 *	4    2     version	major << 8 | minor, see below
 *	6    2     type	ACC_MIG_REC_*
 *	8    4     length	whole record, header and CRC included
 *	12   ...   payload	fixed size per type
 *	len-4 4    crc		CRC32C of bytes [0, length - 4)
 *
 * All fields are little-endian. A stream is COMPAT then QM_STATE, each
 * exactly once. COMPAT alone is the PRE_COPY "initial bytes": the
 * destination checks it as soon as it arrives, before the source stops.
 *
 * Versions. A source writes ACC_MIG_VERSION in every record. A destination
 * reads a record whose major equals its own and whose minor is lower or
 * equal to its own, as it knows every earlier layout of its major (1.0 is
 * the only one so far: today that is exactly 0x0100). A newer minor is
 * refused, since its meaning cannot be known here, and so is any other
 * major; both on the header alone, before type, length and CRC, with
 * -EPROTONOSUPPORT and a reason saying which. Any change of a layout needs
 * a new version: a new minor if destinations keep reading the older
 * layouts of the major, a new major if not.
 */
#ifndef ACC_MIG_STREAM_H
#define ACC_MIG_STREAM_H

#ifdef __KERNEL__
#include <linux/types.h>
#endif

#define ACC_MIG_MAGIC		0x6d434341	/* "ACCm" */
#define ACC_MIG_VERSION		0x0100		/* 1.0 */
#define ACC_MIG_HDR_SIZE	12
#define ACC_MIG_CRC_SIZE	4

enum acc_mig_rec_type {
	ACC_MIG_REC_COMPAT = 1,
	ACC_MIG_REC_QM_STATE = 2,
};

#define ACC_MIG_COMPAT_PAYLOAD		20
#define ACC_MIG_QM_STATE_PAYLOAD	100
#define ACC_MIG_COMPAT_SIZE \
	(ACC_MIG_HDR_SIZE + ACC_MIG_COMPAT_PAYLOAD + ACC_MIG_CRC_SIZE)
#define ACC_MIG_QM_STATE_SIZE \
	(ACC_MIG_HDR_SIZE + ACC_MIG_QM_STATE_PAYLOAD + ACC_MIG_CRC_SIZE)
/* A whole stream; a destination never needs to hold more. */
#define ACC_MIG_STREAM_MAX	(ACC_MIG_COMPAT_SIZE + ACC_MIG_QM_STATE_SIZE)

/* Limits of the QM (hisi_qm V3 defaults) that every field is checked against. */
#define ACC_MIG_QP_MAX		1024	/* 10-bit VFT field + 1 */
#define ACC_MIG_EQ_DEPTH_MAX	0x800
#define ACC_MIG_AEQ_DEPTH_MAX	0x400
#define ACC_MIG_EQC_DWORDS	7

/* What must be equal on both sides for the VF state to make sense. */
struct acc_mig_compat {
	u16 device_id;		/* the VF's PCI device ID */
	u8 revision;		/* PCI revision: the QM version */
	u8 reserved;
	u32 qp_num;		/* queue pairs in the VF's VFT entry */
	u32 qp_base;		/* informational: queues are function-local */
	u32 que_iso_cfg;	/* PF 0x30: doorbell isolation, must be 0 */
	u32 qm_caps;		/* PF 0x3100: the QM's capability word */
};

/* The VF's QM registers, read after PAUSE_QM and the cache write-back. */
struct acc_mig_qm_state {
	u32 vf_ready;		/* 1: the guest started its QM; 0: nothing */
	u32 aeq_int_mask;	/* VF 0x04 */
	u32 eq_int_mask;	/* VF 0x0c */
	u32 ifc_int_source;	/* VF 0x20 */
	u32 ifc_int_mask;	/* VF 0x24 */
	u32 ifc_int_set;	/* VF 0x2c: must be idle */
	u32 page_size;		/* VF 0x34 */
	u32 eqc[ACC_MIG_EQC_DWORDS];	/* VF 0x8000: the live EQ context */
	u32 aeqc[ACC_MIG_EQC_DWORDS];	/* VF 0x8020: the live AEQ context */
	u64 sqc_bt;		/* SQC table base (mailbox SQC_BT read) */
	u64 cqc_bt;		/* CQC table base (mailbox CQC_BT read) */
};

/* A destination's view of the stream as its bytes arrive. */
struct acc_mig_parser {
	unsigned int seen;	/* BIT(type) of each record taken */
	struct acc_mig_compat compat;
	struct acc_mig_qm_state qm;
};

u32 acc_mig_crc32c(u32 crc, const u8 *p, size_t len);

/* Encoders: return the record's size, or 0 if @len is too small. */
size_t acc_mig_put_compat(u8 *buf, size_t len,
			  const struct acc_mig_compat *c);
size_t acc_mig_put_qm_state(u8 *buf, size_t len,
			    const struct acc_mig_qm_state *s);

/*
 * Field checks that need no device: 0, or -EINVAL with *why set to a
 * static string naming the field.
 */
int acc_mig_check_compat(const struct acc_mig_compat *c, const char **why);
int acc_mig_check_qm_state(const struct acc_mig_qm_state *s,
			   const char **why);
/*
 * Source against destination: 0, or -EOPNOTSUPP with *why naming the
 * first field that differs.
 */
int acc_mig_match_compat(const struct acc_mig_compat *src,
			 const struct acc_mig_compat *dst, const char **why);

/*
 * acc_mig_parse() - take whole records from the front of @buf
 *
 * Decodes and checks (CRC, order, field checks) every complete record at
 * the start of @buf into @p and sets *used to the bytes consumed; a
 * partial record at the end is left for the next call. Returns 0, or
 * -EINVAL (malformed or out of order) / -EBADMSG (CRC) /
 * -EPROTONOSUPPORT (a version this destination cannot read) with *why set;
 * the parser is then unchanged by the bad record.
 */
int acc_mig_parse(struct acc_mig_parser *p, const u8 *buf, size_t len,
		  size_t *used, const char **why);

static inline bool acc_mig_parser_has(const struct acc_mig_parser *p,
				      enum acc_mig_rec_type type)
{
	return p->seen & (1U << type);
}

#endif
