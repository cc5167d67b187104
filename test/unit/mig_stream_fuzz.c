// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the migration stream parser: the input is what a
 * hostile user writes to a resuming data fd. Its first byte picks the size
 * of the write() pieces; the rest is the stream. Invariants: no memory
 * error (ASan/UBSan), the parser never claims more than it was given,
 * and whatever it accepts passes the field checks and re-encodes to the
 * very bytes it came from.
 */
#include <stdlib.h>
#include <string.h>

#include "acc_mig_stream.h"

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u8 buf[ACC_MIG_STREAM_MAX + 64], re[ACC_MIG_STREAM_MAX];
	struct acc_mig_parser p = { 0 };
	size_t chunk, have = 0, off = 1, used, n;
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
		ret = acc_mig_parse(&p, buf, have, &used, &why);
		if (used > have)
			abort();
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	if (acc_mig_parser_has(&p, ACC_MIG_REC_COMPAT)) {
		if (acc_mig_check_compat(&p.compat, &why))
			abort();
		n = acc_mig_put_compat(re, sizeof(re), &p.compat);
		if (memcmp(re, data + 1, n))
			abort();
	}
	if (acc_mig_parser_has(&p, ACC_MIG_REC_QM_STATE)) {
		if (acc_mig_check_qm_state(&p.qm, &why))
			abort();
		n = acc_mig_put_qm_state(re, sizeof(re), &p.qm);
		if (memcmp(re, data + 1 + ACC_MIG_COMPAT_SIZE, n))
			abort();
	}
	return 0;
}
