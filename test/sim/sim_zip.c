// SPDX-License-Identifier: GPL-2.0
/*
 * The ZIP engine: executes one hisi_zip_sqe (drivers/crypto/hisilicon/zip/
 * zip.h) with the kernel's zlib. Request types 1 (raw deflate, as
 * crypto/deflate.c), 2 (zlib) and 3 (gzip): for 2 and 3 the driver writes
 * the header itself and points past it with the SGE offsets, the engine
 * emits (compress) or checks and consumes (decompress) deflate data plus
 * the format's trailer. Buffers are hardware SGLs (drivers/crypto/
 * hisilicon/sgl.c) or flat. All memory access is DMA through the
 * function's IOMMU domain.
 */
#include <linux/crc32.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/unaligned.h>
#include <linux/vmalloc.h>
#include <linux/zlib.h>
#include <linux/zutil.h>

#include "acc_sim.h"
#include "sim_qm.h"

/*
 * Planted fault for the test bed's self-test: deflate output leaves with its
 * first byte inverted and inflate input has it inverted back, so the device
 * agrees with itself and only a software cross-check can tell.
 */
static bool garble_first_byte;
module_param(garble_first_byte, bool, 0644);
MODULE_PARM_DESC(garble_first_byte, "Test knob: non-standard deflate output that only this device inflates (default off)");

/* SQE fields (dword index) */
#define SQE_CONSUMED		0
#define SQE_PRODUCED		1
#define SQE_IN_LEN		4
#define SQE_DW7			7	/* [23:0] in SGE offset, [31:28] type */
#define SQE_DW8			8	/* [23:0] out SGE offset */
#define SQE_DW9			9	/* [7:0] request, [11:8] buffer type */
#define SQE_AVAIL_OUT		14
#define SQE_SRC			18
#define SQE_DST			20
#define SQE_OFFSET_MASK		GENMASK(23, 0)

#define REQ_DEFLATE		1
#define REQ_ZLIB		2
#define REQ_GZIP		3
#define BUF_FLAT		0
#define BUF_SGL			1

/* Status (dw3 [7:0]); values known from HiSilicon's userspace driver. */
#define HZIP_ST_OK		0x00
#define HZIP_ST_DECOMP_NO_SPACE	0x01	/* output full before the end */
#define HZIP_ST_BLK_NOSTART	0x03	/* input ended inside the stream */
#define HZIP_ST_NEGACOMPRESS	0x0d	/* output not smaller: data valid */
#define HZIP_ST_DSTLEN_OUT	0x0e	/* compressed data does not fit */
#define HZIP_ST_CRC_ERR		0x10	/* zlib/gzip trailer mismatch */
/* The model's own codes for what the hardware's documentation hides: */
#define HZIP_ST_BAD_DATA	0x11	/* not a valid deflate stream */
#define HZIP_ST_DMA		0x21	/* buffer or SGL not reachable */
#define HZIP_ST_ABORTED		0x22	/* given up (STOP_QP, PAUSE_QM) */

/* Largest request the model takes (the hardware's limit is 8 MiB). */
#define SIM_ZIP_MAX		SZ_8M
#define SIM_ZIP_MAX_SGLS	64
#define SIM_ZIP_MAX_SGES	4096
#define SIM_ZIP_STEP		SZ_16K	/* abort checks between steps */
#define SGL_HDR			64
#define SGE_SIZE		32

struct sim_zip_ws {
	void *def;
	void *inf;
};

struct seg {
	u64 iova;
	u32 len;
};

struct seglist {
	struct seg *s;
	unsigned int n;
	u64 total;
};

void *sim_zip_alloc_ws(void)
{
	struct sim_zip_ws *ws = kzalloc(sizeof(*ws), GFP_KERNEL);

	if (!ws)
		return NULL;
	ws->def = vzalloc(zlib_deflate_workspacesize(-MAX_WBITS, MAX_MEM_LEVEL));
	ws->inf = vzalloc(zlib_inflate_workspacesize());
	if (!ws->def || !ws->inf) {
		sim_zip_free_ws(ws);
		return NULL;
	}
	return ws;
}

void sim_zip_free_ws(void *p)
{
	struct sim_zip_ws *ws = p;

	if (!ws)
		return;
	vfree(ws->def);
	vfree(ws->inf);
	kfree(ws);
}

static bool aborted(const struct sim_zip_job *job)
{
	return READ_ONCE(*job->abort);
}

static int seg_add(struct seglist *l, u64 iova, u32 len)
{
	if (!len)
		return 0;
	if (l->n == SIM_ZIP_MAX_SGES)
		return -E2BIG;
	l->s[l->n].iova = iova;
	l->s[l->n].len = len;
	l->n++;
	l->total += len;
	return 0;
}

/*
 * The data of a hardware SGL chain: header (next_dma @0, valid entries
 * @10), entries of 32 bytes at +64 (address @0, length @16).
 */
static int sgl_walk(struct sim_zip_job *job, u64 sgl, struct seglist *l)
{
	unsigned int chain = 0, i, n;
	u8 hdr[SGL_HDR];
	u8 *sge;
	int ret = 0;

	sge = kmalloc_array(SIM_ZIP_MAX_SGES, SGE_SIZE, GFP_KERNEL);
	if (!sge)
		return -ENOMEM;
	while (sgl && !ret) {
		if (++chain > SIM_ZIP_MAX_SGLS) {
			ret = -E2BIG;
			break;
		}
		if (acc_sim_iommu_dma(job->dev, sgl, hdr, sizeof(hdr), false)) {
			ret = -EFAULT;
			break;
		}
		n = get_unaligned_le16(hdr + 10);
		if (n > SIM_ZIP_MAX_SGES - l->n) {
			ret = -E2BIG;
			break;
		}
		if (n && acc_sim_iommu_dma(job->dev, sgl + SGL_HDR, sge,
					   n * SGE_SIZE, false)) {
			ret = -EFAULT;
			break;
		}
		for (i = 0; i < n && !ret; i++)
			ret = seg_add(l, get_unaligned_le64(sge + i * SGE_SIZE),
				      get_unaligned_le32(sge + i * SGE_SIZE + 16));
		sgl = get_unaligned_le64(hdr);
	}
	kfree(sge);
	return ret;
}

/* Drop the first @off bytes of a segment list. */
static int seg_skip(struct seglist *l, u64 off)
{
	unsigned int i = 0;

	if (off > l->total)
		return -EINVAL;
	l->total -= off;
	while (off) {
		if (off < l->s[i].len) {
			l->s[i].iova += off;
			l->s[i].len -= off;
			break;
		}
		off -= l->s[i].len;
		i++;
	}
	memmove(l->s, l->s + i, (l->n - i) * sizeof(*l->s));
	l->n -= i;
	return 0;
}

/* Device reads (@to_memory false) or writes @len bytes along the list. */
static int seg_copy(struct sim_zip_job *job, struct seglist *l, u8 *buf,
		    u64 len, bool to_memory)
{
	unsigned int i;

	for (i = 0; i < l->n && len; i++) {
		u32 n = min_t(u64, len, l->s[i].len);

		if (acc_sim_iommu_dma(job->dev, l->s[i].iova, buf, n, to_memory))
			return -EFAULT;
		buf += n;
		len -= n;
	}
	return len ? -ENOSPC : 0;
}

static int buffers(struct sim_zip_job *job, bool out, struct seglist *l)
{
	const u32 *sqe = job->sqe;
	u32 type = (sqe[SQE_DW9] >> 8) & 0xf;
	unsigned int dw = out ? SQE_DST : SQE_SRC;
	u64 addr = sqe[dw] | (u64)sqe[dw + 1] << 32;
	u32 off = sqe[out ? SQE_DW8 : SQE_DW7] & SQE_OFFSET_MASK;
	u32 len = out ? sqe[SQE_AVAIL_OUT] : sqe[SQE_IN_LEN];
	int ret;

	if (type == BUF_FLAT)
		return seg_add(l, addr, len);
	ret = sgl_walk(job, addr, l);
	if (!ret)
		ret = seg_skip(l, off);
	return ret;
}

static u32 trailer_len(u32 req)
{
	return req == REQ_ZLIB ? 4 : req == REQ_GZIP ? 8 : 0;
}

static void put_trailer(u32 req, u8 *p, const u8 *data, u32 len)
{
	if (req == REQ_ZLIB) {
		put_unaligned_be32(zlib_adler32(1, data, len), p);
	} else if (req == REQ_GZIP) {
		put_unaligned_le32(crc32_le(~0U, data, len) ^ ~0U, p);
		put_unaligned_le32(len, p + 4);
	}
}

static bool trailer_ok(u32 req, const u8 *p, const u8 *data, u32 len)
{
	u8 want[8];

	put_trailer(req, want, data, len);
	return !memcmp(p, want, trailer_len(req));
}

/* Compress @in into @out (at most @cap bytes); sets status and lengths. */
static void zip_deflate(struct sim_zip_job *job, u32 req, const u8 *in,
			u32 in_len, u8 *out, u32 cap)
{
	struct sim_zip_ws *ws = job->ws;
	u32 tl = trailer_len(req), done = 0;
	struct z_stream_s s = {};
	int ret = Z_OK;

	if (cap <= tl) {
		job->status = HZIP_ST_DSTLEN_OUT;
		return;
	}
	s.workspace = ws->def;
	/* A fast level: the hardware compresses in one pass, too. */
	if (zlib_deflateInit2(&s, 1, Z_DEFLATED, -MAX_WBITS, MAX_MEM_LEVEL,
			      Z_DEFAULT_STRATEGY) != Z_OK) {
		job->status = HZIP_ST_BAD_SQE;
		return;
	}
	s.next_out = out;
	s.avail_out = cap - tl;
	s.next_in = (u8 *)in;
	while (ret == Z_OK) {
		u32 step = min_t(u32, in_len - done, SIM_ZIP_STEP);
		bool last = done + step == in_len;

		if (aborted(job)) {
			job->status = HZIP_ST_ABORTED;
			goto out;
		}
		s.avail_in = step;
		ret = zlib_deflate(&s, last ? Z_FINISH : Z_NO_FLUSH);
		done += step - s.avail_in;
		if (ret == Z_OK && !s.avail_out)
			break;
		cond_resched();
	}
	if (ret != Z_STREAM_END) {
		job->status = HZIP_ST_DSTLEN_OUT;
		goto out;
	}
	put_trailer(req, out + s.total_out, in, in_len);
	job->consumed = in_len;
	job->produced = s.total_out + tl;
	job->status = job->produced >= in_len ? HZIP_ST_NEGACOMPRESS :
						 HZIP_ST_OK;
out:
	zlib_deflateEnd(&s);
}

static void zip_inflate(struct sim_zip_job *job, u32 req, const u8 *in,
			u32 in_len, u8 *out, u32 cap)
{
	struct sim_zip_ws *ws = job->ws;
	u32 tl = trailer_len(req), used;
	struct z_stream_s s = {};
	int ret = Z_OK;

	s.workspace = ws->inf;
	if (zlib_inflateInit2(&s, -MAX_WBITS) != Z_OK) {
		job->status = HZIP_ST_BAD_SQE;
		return;
	}
	s.next_in = (u8 *)in;
	s.next_out = out;
	s.avail_out = cap;
	while (ret == Z_OK) {
		u32 left = in_len - s.total_in;

		if (aborted(job)) {
			job->status = HZIP_ST_ABORTED;
			goto out;
		}
		s.avail_in = min_t(u32, left, SIM_ZIP_STEP);
		ret = zlib_inflate(&s, Z_SYNC_FLUSH);
		if (ret == Z_OK && !s.avail_out)
			break;
		if (ret == Z_OK && !left)
			ret = Z_BUF_ERROR;
		cond_resched();
	}
	job->produced = s.total_out;
	job->consumed = s.total_in;
	if (ret == Z_STREAM_END) {
		used = s.total_in;
		if (in_len - used < tl) {
			job->status = HZIP_ST_BLK_NOSTART;
		} else if (!trailer_ok(req, in + used, out, s.total_out)) {
			job->status = HZIP_ST_CRC_ERR;
		} else {
			job->consumed = used + tl;
			job->status = HZIP_ST_OK;
		}
	} else if (ret == Z_OK || (ret == Z_BUF_ERROR && !s.avail_out)) {
		job->status = HZIP_ST_DECOMP_NO_SPACE;
	} else if (ret == Z_BUF_ERROR) {
		job->status = HZIP_ST_BLK_NOSTART;
	} else {
		job->status = HZIP_ST_BAD_DATA;
	}
out:
	zlib_inflateEnd(&s);
}

/**
 * sim_zip_run() - execute one SQE
 * @job: request; status, consumed and produced are filled in
 *
 * Output reaches memory only for a successful request. Context: the
 * engine thread (may sleep).
 */
void sim_zip_run(struct sim_zip_job *job)
{
	const u32 *sqe = job->sqe;
	struct seglist src = {}, dst = {};
	u32 req = sqe[SQE_DW9] & 0xff, buf = (sqe[SQE_DW9] >> 8) & 0xf;
	u32 in_len = sqe[SQE_IN_LEN], cap;
	u8 *in = NULL, *out = NULL;
	int ret;

	job->status = HZIP_ST_BAD_SQE;
	job->consumed = 0;
	job->produced = 0;
	if (sqe[SQE_DW7] >> 28 != 3 || req < REQ_DEFLATE || req > REQ_GZIP ||
	    buf > BUF_SGL || !in_len || in_len > SIM_ZIP_MAX)
		return;
	if (!sqe[SQE_AVAIL_OUT]) {
		job->status = job->decompress ? HZIP_ST_DECOMP_NO_SPACE :
						HZIP_ST_DSTLEN_OUT;
		return;
	}

	src.s = kvmalloc_array(SIM_ZIP_MAX_SGES, sizeof(*src.s), GFP_KERNEL);
	dst.s = kvmalloc_array(SIM_ZIP_MAX_SGES, sizeof(*dst.s), GFP_KERNEL);
	if (!src.s || !dst.s)
		goto out;
	ret = buffers(job, false, &src);
	if (!ret)
		ret = buffers(job, true, &dst);
	if (ret) {
		job->status = ret == -EFAULT ? HZIP_ST_DMA : HZIP_ST_BAD_SQE;
		goto out;
	}
	/* The source must hold the whole input. */
	if (src.total < in_len)
		goto out;
	cap = min_t(u64, min_t(u64, dst.total, sqe[SQE_AVAIL_OUT]),
		    SIM_ZIP_MAX + SZ_64K);

	in = kvmalloc(in_len, GFP_KERNEL);
	out = kvmalloc(cap, GFP_KERNEL);
	if (!in || !out)
		goto out;
	if (seg_copy(job, &src, in, in_len, false)) {
		job->status = HZIP_ST_DMA;
		goto out;
	}
	if (job->decompress) {
		if (READ_ONCE(garble_first_byte))
			in[0] ^= 0xff;
		zip_inflate(job, req, in, in_len, out, cap);
	} else {
		zip_deflate(job, req, in, in_len, out, cap);
	}
	if (job->status != HZIP_ST_OK && job->status != HZIP_ST_NEGACOMPRESS)
		goto out;
	if (!job->decompress && job->produced && READ_ONCE(garble_first_byte))
		out[0] ^= 0xff;
	if (aborted(job)) {
		job->status = HZIP_ST_ABORTED;
		goto out;
	}
	if (seg_copy(job, &dst, out, job->produced, true)) {
		job->status = HZIP_ST_DMA;
		job->produced = 0;
	}
out:
	kvfree(in);
	kvfree(out);
	kvfree(src.s);
	kvfree(dst.s);
}
