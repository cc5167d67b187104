// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the migration stream parser: the input is what a
 * hostile user writes to a resuming data fd. Its first byte picks the size
 * of the write() pieces; the rest is the stream. Invariants: no memory
 * error (ASan/UBSan); the parser never claims more than it was given and
 * refuses only with a documented errno and a reason; it never accepts a
 * record the version rule of acc_mig_stream.h refuses (another major, a
 * newer minor) nor refuses for its version one the rule accepts; and
 * whatever it accepts passes the field checks and, if its version is the
 * current one, re-encodes to the very bytes it came from.
 */
#include <stdlib.h>
#include <string.h>

#include "acc_mig_stream.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

/* The rule, restated here rather than taken from the codec. */
static bool version_readable(const u8 *rec)
{
	unsigned int major = rec[5], minor = rec[4];

	return major == ACC_MIG_VERSION >> 8 &&
	       minor <= (ACC_MIG_VERSION & 0xff);
}

static bool version_current(const u8 *rec)
{
	return (rec[4] | rec[5] << 8) == ACC_MIG_VERSION;
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 buf[ACC_MIG_STREAM_MAX + 64], re[ACC_MIG_STREAM_MAX];
	struct acc_mig_parser p = { 0 };
	size_t chunk, have = 0, off = 1, used, n;
	const u8 *rec;
	const char *why;
	int ret = 0;

	if (!size)
		return 0;
	chunk = 1 + data[0] % 64;
	while (off < size && !ret) {
		n = size - off < chunk ? size - off : chunk;
		if (have + n > sizeof(buf))
			break;		/* the driver refuses this with -EFBIG */
		memcpy(buf + have, data + off, n);
		have += n;
		off += n;
		why = NULL;
		ret = acc_mig_parse(&p, buf, have, &used, &why);
		if (used > have)
			abort();
		if (ret && (!why || (ret != -EINVAL && ret != -EBADMSG &&
				     ret != -EPROTONOSUPPORT)))
			abort();
		/* A version refusal is decided on the header of the record. */
		if (ret == -EPROTONOSUPPORT &&
		    (have - used < ACC_MIG_HDR_SIZE ||
		     version_readable(buf + used)))
			abort();
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	/* Records are taken in order from the front: COMPAT, then QM_STATE. */
	if (acc_mig_parser_has(&p, ACC_MIG_REC_COMPAT)) {
		rec = data + 1;
		if (!version_readable(rec) ||
		    acc_mig_check_compat(&p.compat, &why))
			abort();
		n = acc_mig_put_compat(re, sizeof(re), &p.compat);
		if (version_current(rec) && memcmp(re, rec, n))
			abort();
	}
	if (acc_mig_parser_has(&p, ACC_MIG_REC_QM_STATE)) {
		rec = data + 1 + ACC_MIG_COMPAT_SIZE;
		if (!version_readable(rec) ||
		    acc_mig_check_qm_state(&p.qm, &why))
			abort();
		n = acc_mig_put_qm_state(re, sizeof(re), &p.qm);
		if (version_current(rec) && memcmp(re, rec, n))
			abort();
	}
	return 0;
}
