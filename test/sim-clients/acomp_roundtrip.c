// SPDX-License-Identifier: GPL-2.0
/*
 * acomp_roundtrip: compress and decompress a buffer of mixed data through
 * the kernel crypto acomp API and check it comes back bit-exactly; the
 * device's output is also inflated by the kernel's zlib (raw deflate,
 * RFC 1951's 32 KiB window), so the device really speaks deflate and not
 * a dialect only it understands. Runs at load time; the load fails with
 * the first error, and the module can be removed right away.
 *
 * Not "deflate-scomp": the crypto API's software deflate inflates with an
 * 11-bit window (crypto/deflate.c) and its scomp wrapper refuses requests
 * over 128 KiB, so it rejects valid deflate of the sizes used here.
 *
 *   insmod acomp_roundtrip.ko [alg=deflate] [driver=hisi-deflate-acomp]
 *                             [size=1048576] [chunk=65536] [tfms=1]
 *
 * With tfms=N, N transforms are allocated at once and each runs the round
 * trip: hisi_zip gives a transform the queues of the first device that
 * still has two free, so with few PF queues the later ones land on VFs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/acompress.h>
#include <linux/gfp.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/zlib.h>

static char *alg = "deflate";
module_param(alg, charp, 0444);
MODULE_PARM_DESC(alg, "acomp algorithm name");

static char *driver = "hisi-deflate-acomp";
module_param(driver, charp, 0444);
MODULE_PARM_DESC(driver, "Expected driver name (empty: any)");

static unsigned int size = SZ_1M;
module_param(size, uint, 0444);
MODULE_PARM_DESC(size, "Bytes of test data (power of two pages, <= 4 MiB)");

static unsigned int chunk = SZ_64K;
module_param(chunk, uint, 0444);
MODULE_PARM_DESC(chunk, "Also run the data through in chunks of this size (0: no)");

static unsigned int tfms = 1;
module_param(tfms, uint, 0444);
MODULE_PARM_DESC(tfms, "Transforms held at once, each doing the round trip (1-8)");

struct buf {
	void *p;
	unsigned int order;
};

static int buf_alloc(struct buf *b, size_t len)
{
	/* One physically contiguous piece: hardware SGLs hold few entries. */
	b->order = get_order(len);
	b->p = (void *)__get_free_pages(GFP_KERNEL | __GFP_ZERO, b->order);
	return b->p ? 0 : -ENOMEM;
}

static void buf_free(struct buf *b)
{
	if (b->p)
		free_pages((unsigned long)b->p, b->order);
	b->p = NULL;
}

/* Text-like runs, zeros, random bytes and repeats, in 4 KiB blocks. */
static void fill(u8 *p, size_t len)
{
	static const char words[] = "the quick brown fox jumps over the lazy dog ";
	size_t off, i;

	for (off = 0; off < len; off += SZ_4K) {
		size_t n = min_t(size_t, SZ_4K, len - off);
		u8 *b = p + off;

		switch ((off / SZ_4K) % 4) {
		case 0:
			for (i = 0; i < n; i++)
				b[i] = words[(i * 7 + off / SZ_4K) %
					     (sizeof(words) - 1)];
			break;
		case 1:
			memset(b, 0, n);
			break;
		case 2:
			get_random_bytes(b, n);
			break;
		default:
			for (i = 0; i < n; i++)
				b[i] = (i / 16) ^ (off >> 12);
		}
	}
}

static int run(struct crypto_acomp *tfm, bool comp, const void *src,
	       unsigned int slen, void *dst, unsigned int *dlen)
{
	struct scatterlist sg_src, sg_dst;
	struct acomp_req *req;
	DECLARE_CRYPTO_WAIT(wait);
	int ret;

	req = acomp_request_alloc(tfm);
	if (!req)
		return -ENOMEM;
	sg_init_one(&sg_src, src, slen);
	sg_init_one(&sg_dst, dst, *dlen);
	acomp_request_set_params(req, &sg_src, &sg_dst, slen, *dlen);
	acomp_request_set_callback(req, CRYPTO_TFM_REQ_MAY_BACKLOG,
				   crypto_req_done, &wait);
	ret = crypto_wait_req(comp ? crypto_acomp_compress(req) :
				     crypto_acomp_decompress(req), &wait);
	*dlen = req->dlen;
	acomp_request_free(req);
	return ret;
}

/* Inflate raw deflate @src in software into @dst; 0 or a negative errno. */
static int soft_inflate(void *ws, const u8 *src, unsigned int slen, u8 *dst,
			unsigned int *dlen)
{
	struct z_stream_s z = { .workspace = ws };
	int ret;

	if (zlib_inflateInit2(&z, -MAX_WBITS) != Z_OK)
		return -EINVAL;
	z.next_in = src;
	z.avail_in = slen;
	z.next_out = dst;
	z.avail_out = *dlen;
	ret = zlib_inflate(&z, Z_FINISH);
	*dlen = z.total_out;
	zlib_inflateEnd(&z);
	/* The whole input, one complete stream, nothing after it. */
	return ret == Z_STREAM_END && !z.avail_in ? 0 : -EBADMSG;
}

/* One piece: device compress, device and software decompress, compare. */
static int roundtrip(struct crypto_acomp *tfm, void *soft,
		     const u8 *data, unsigned int len, struct buf *cbuf,
		     struct buf *dbuf, size_t cap)
{
	unsigned int clen = cap, dlen = len;
	int ret;

	ret = run(tfm, true, data, len, cbuf->p, &clen);
	if (ret) {
		pr_err("compress of %u bytes: %d\n", len, ret);
		return ret;
	}
	ret = run(tfm, false, cbuf->p, clen, dbuf->p, &dlen);
	if (ret || dlen != len || memcmp(dbuf->p, data, len)) {
		pr_err("decompress of %u bytes (from %u): %d, %u bytes, %s\n",
		       len, clen, ret, dlen,
		       ret || dlen != len ? "wrong length" : "data differ");
		return ret ?: -EILSEQ;
	}
	memset(dbuf->p, 0, len);
	dlen = len;
	ret = soft_inflate(soft, cbuf->p, clen, dbuf->p, &dlen);
	if (ret || dlen != len || memcmp(dbuf->p, data, len)) {
		pr_err("software inflate of the device's %u bytes: %d, %u bytes\n",
		       clen, ret, dlen);
		return ret ?: -EILSEQ;
	}
	return 0;
}

static int test_tfm(struct crypto_acomp *tfm, void *soft,
		    unsigned int n, const u8 *data)
{
	size_t cap = size + size / 8 + SZ_4K;
	struct buf cbuf = {}, dbuf = {};
	unsigned int off, pieces = 1;
	int ret;

	ret = buf_alloc(&cbuf, cap);
	if (!ret)
		ret = buf_alloc(&dbuf, size);
	if (ret)
		goto out;
	ret = roundtrip(tfm, soft, data, size, &cbuf, &dbuf, cap);
	for (off = 0; !ret && chunk && off < size; off += chunk, pieces++)
		ret = roundtrip(tfm, soft, data + off,
				min_t(unsigned int, chunk, size - off), &cbuf,
				&dbuf, cap);
	if (!ret)
		pr_info("tfm %u (%s): %u bytes in %u requests each way: round trip ok, %u inflated by zlib too\n",
			n, crypto_tfm_alg_driver_name(crypto_acomp_tfm(tfm)),
			size, pieces, pieces);
out:
	buf_free(&cbuf);
	buf_free(&dbuf);
	return ret;
}

static int __init acomp_roundtrip_init(void)
{
	struct crypto_acomp *tfm[8] = {};
	struct buf data = {};
	void *soft;
	unsigned int i;
	int ret;

	if (!size || size > SZ_4M || !tfms || tfms > ARRAY_SIZE(tfm))
		return -EINVAL;
	ret = buf_alloc(&data, size);
	if (ret)
		return ret;
	fill(data.p, size);

	soft = vmalloc(zlib_inflate_workspacesize());
	if (!soft) {
		buf_free(&data);
		return -ENOMEM;
	}
	for (i = 0; i < tfms; i++) {
		const char *name;

		tfm[i] = crypto_alloc_acomp(alg, 0, 0);
		if (IS_ERR(tfm[i])) {
			ret = PTR_ERR(tfm[i]);
			tfm[i] = NULL;
			pr_err("crypto_alloc_acomp(%s) #%u: %d\n", alg, i, ret);
			goto out;
		}
		name = crypto_tfm_alg_driver_name(crypto_acomp_tfm(tfm[i]));
		if (*driver && strcmp(name, driver)) {
			pr_err("%s resolves to %s, not %s\n", alg, name, driver);
			ret = -ENODEV;
			goto out;
		}
	}
	for (i = 0; i < tfms && !ret; i++)
		ret = test_tfm(tfm[i], soft, i, data.p);
out:
	for (i = 0; i < tfms; i++)
		if (tfm[i])
			crypto_free_acomp(tfm[i]);
	vfree(soft);
	buf_free(&data);
	return ret;
}

static void __exit acomp_roundtrip_exit(void)
{
}

module_init(acomp_roundtrip_init);
module_exit(acomp_roundtrip_exit);

MODULE_DESCRIPTION("Deflate round trip through the crypto acomp API (test)");
MODULE_LICENSE("GPL");
