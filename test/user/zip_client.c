// SPDX-License-Identifier: GPL-2.0
/*
 * zip_client: compress and decompress a workload on a HiSilicon ZIP VF (or
 * an mdev standing for one) from userspace through VFIO, verify the results
 * against userspace zlib and report throughput.
 *
 *   compress:   device deflates each chunk (queue 0, SQC alg 0); userspace
 *               zlib must inflate every chunk back to the original exactly.
 *   decompress: userspace zlib deflates each chunk; the device inflates it
 *               (queue 1, SQC alg 1) back to the original exactly.
 *
 * One summary line per direction (MBps and jobs_per_s count uncompressed
 * bytes and requests per wall-clock second from first submit to last
 * completion):
 *   compress: jobs=N in=B out=B secs=S MBps=X jobs_per_s=Y ratio=R
 *   decompress: jobs=N in=B out=B secs=S MBps=X jobs_per_s=Y
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "zip_qm.h"

#define QN_COMP		0
#define QN_DECOMP	1
#define TAG_COMP	0x5a43ull	/* "ZC" */
#define TAG_DECOMP	0x5a44ull	/* "ZD" */
#define MAX_REPORT	5

struct cfg {
	enum vfio_open_mode mode;
	bool irq;
	bool sgl;
	unsigned int alg;	/* HZIP_REQ_* */
	size_t size;
	bool size_set;
	size_t chunk;
	unsigned int depth;
	unsigned int inflight;
	unsigned int sge_nr;
	uint64_t seed;
	const char *file;
	const char *out;
	int timeout_ms;
	unsigned int mb_timeout_ms;
	int level;
	uint64_t iova;
	bool verbose;
	char dev[512];
};

struct job {
	uint8_t *src;
	uint32_t in_off, in_len;
	uint8_t *dst;
	uint32_t dst_len, out_off;
	/* results */
	bool done;
	uint32_t status, produced, consumed;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: zip_client [options] <VF pci name | sysfs path of a VF or mdev>\n"
		"  --mode iommufd|container  open path (default iommufd)\n"
		"  --irq | --poll            completions by EQ MSI (default) or CQ polling\n"
		"  --sgl | --flat            hardware SGLs (default) or flat buffers\n"
		"  --alg deflate|zlib|gzip   request type (default deflate = raw deflate)\n"
		"  --size BYTES              generated workload size (default 4M; K/M/G ok)\n"
		"  --file PATH               compress a file instead (--size caps it)\n"
		"  --out PATH                write the device's compressed chunks there,\n"
		"                            concatenated in order (after verification)\n"
		"  --chunk BYTES             bytes per request (default 64K)\n"
		"  --depth N                 SQ/CQ depth (default 256)\n"
		"  --inflight N              requests in flight (default depth - 1)\n"
		"  --sge N                   entries per hardware SGL (default 10)\n"
		"  --seed N                  generator seed (default 1)\n"
		"  --level N                 userspace zlib level for decompress input (default 6)\n"
		"  --timeout MS              per-wait completion timeout (default 30000)\n"
		"  --mb-timeout MS           mailbox handshake timeout (default 1000)\n"
		"  --iova ADDR               DMA arena IOVA (default 0x100000000)\n"
		"  -v, --verbose\n");
}

static int parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	default: break;
	}
	if (*end == 'i' || *end == 'B')
		end++;
	if (*end)
		return -1;
	*out = v;
	return 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- workload ---------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return x * 0x2545f4914f6cdd1dull;
}

/*
 * Deterministic mix of what compressors meet: text, repeats at LZ77
 * distances, incompressible bytes, a small alphabet, runs.
 */
static void generate(uint8_t *buf, size_t len, uint64_t seed)
{
	static const char *const words[] = {
		"the", "queue", "manager", "doorbell", "completion", "mailbox",
		"context", "deflate", "virtual", "function", "migration", "page",
		"interrupt", "vector", "engine", "request", "hardware", "kernel",
		"of", "a", "to", "and", "in", "is", "on", "for", "with", "zip",
	};
	size_t pos = 0, n, i;

	rng_state = seed * 0x9e3779b97f4a7c15ull + 0x1234567;
	if (!rng_state)
		rng_state = 1;
	while (pos < len) {
		n = 256 + rnd() % 8192;
		if (n > len - pos)
			n = len - pos;
		switch (rnd() % 10) {
		case 0: case 1: case 2: case 3:
			for (i = 0; i < n;) {
				const char *w = words[rnd() % (sizeof(words) / sizeof(words[0]))];
				size_t wl = strlen(w);

				while (*w && i < n)
					buf[pos + i++] = *w++;
				if (i < n)
					buf[pos + i++] = wl & 1 && !(rnd() % 8) ? '\n' : ' ';
			}
			break;
		case 4: case 5: {
			size_t dist = 1 + rnd() % (pos < 32768 ? (pos ? pos : 1) : 32768);

			for (i = 0; i < n; i++)
				buf[pos + i] = pos >= dist ? buf[pos + i - dist] : (uint8_t)rnd();
			break;
		}
		case 6: case 7:
			for (i = 0; i < n; i++)
				buf[pos + i] = (uint8_t)(rnd() >> 32);
			break;
		case 8:
			for (i = 0; i < n; i++)
				buf[pos + i] = "ACGT"[rnd() & 3];
			break;
		default:
			memset(buf + pos, (int)(rnd() & 0xff), n);
			break;
		}
		pos += n;
	}
}

static int load_file(const char *path, uint8_t *buf, size_t len)
{
	size_t got = 0;
	ssize_t r;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		fprintf(stderr, "zip_client: open %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (got < len) {
		r = read(fd, buf + got, len - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			fprintf(stderr, "zip_client: read %s: %s\n", path,
				r < 0 ? strerror(errno) : "unexpected end of file");
			close(fd);
			return -1;
		}
		got += r;
	}
	close(fd);
	return 0;
}

/* ---- formats ------------------------------------------------------------ */

static const uint8_t zlib_head[2] = { 0x78, 0x9c };
static const uint8_t gzip_head[10] = { 0x1f, 0x8b, 0x08, 0, 0, 0, 0, 0, 0, 0x03 };

static const char *alg_name(unsigned int alg)
{
	return alg == HZIP_REQ_ZLIB ? "zlib" : alg == HZIP_REQ_GZIP ? "gzip" : "deflate";
}

static unsigned int head_size(unsigned int alg)
{
	return alg == HZIP_REQ_ZLIB ? sizeof(zlib_head) :
	       alg == HZIP_REQ_GZIP ? sizeof(gzip_head) : 0;
}

static int window_bits(unsigned int alg)
{
	return alg == HZIP_REQ_ZLIB ? 15 : alg == HZIP_REQ_GZIP ? 31 : -15;
}

/* ---- running jobs ------------------------------------------------------- */

/*
 * Push all jobs through queue q, keeping up to `inflight` in flight.
 * Returns 0 and the elapsed time in *secs, or -1.
 */
static int run(struct zq_queue *q, const struct cfg *c,
	       struct job *jobs, unsigned int n, uint64_t tag_hi,
	       const char *dir, double *secs)
{
	struct zq_done dn[64];
	unsigned int next = 0, done = 0, i;
	double t0;
	int k, r;

	t0 = now_s();
	while (done < n) {
		while (next < n && q->used < c->inflight) {
			struct job *j = &jobs[next];
			struct zq_req req = {
				.req_type = c->alg,
				.sgl = c->sgl,
				.src = j->src,
				.in_len = j->in_len,
				.in_off = j->in_off,
				.dst = j->dst,
				.dst_len = j->dst_len,
				.out_off = j->out_off,
				.tag = tag_hi << 32 | next,
			};

			r = zq_submit(q, &req);
			if (r == -EBUSY)
				break;
			if (r) {
				fprintf(stderr, "zip_client: %s: submitting job %u failed: %s\n",
					dir, next, strerror(-r));
				return -1;
			}
			next++;
		}
		k = zq_reap(q, dn, sizeof(dn) / sizeof(dn[0]), c->timeout_ms);
		if (k < 0) {
			fprintf(stderr, "zip_client: %s: waiting for completions failed after %u of %u jobs: %s\n",
				dir, done, n, strerror(-k));
			return -1;
		}
		for (i = 0; i < (unsigned int)k; i++) {
			uint64_t idx = dn[i].tag & 0xffffffffu;
			struct job *j;

			if (dn[i].tag >> 32 != tag_hi || idx >= n || jobs[idx].done) {
				fprintf(stderr, "zip_client: %s: completion with unexpected tag 0x%016" PRIx64 " (SQ slot %u)\n",
					dir, dn[i].tag, dn[i].sq_index);
				return -1;
			}
			j = &jobs[idx];
			j->done = true;
			j->status = dn[i].status;
			j->produced = dn[i].produced;
			j->consumed = dn[i].consumed;
			done++;
		}
	}
	*secs = now_s() - t0;
	return 0;
}

static bool status_ok(uint32_t s)
{
	return s == HZIP_STATUS_OK || s == HZIP_NC_ERR;
}

/* Check device status/length of every job; returns the number of bad ones. */
static unsigned int check_status(const struct job *jobs, unsigned int n,
				 const char *dir)
{
	unsigned int i, bad = 0;

	for (i = 0; i < n; i++) {
		const struct job *j = &jobs[i];
		const char *why = NULL;

		if (!status_ok(j->status))
			why = "error status";
		else if (j->produced > j->dst_len - j->out_off)
			why = "produced more than dest_avail_out";
		else if (!j->produced)
			why = "produced nothing";
		if (!why)
			continue;
		if (bad++ < MAX_REPORT)
			fprintf(stderr, "zip_client: %s job %u: %s: status 0x%02x produced %u consumed %u (in %u, avail_out %u)\n",
				dir, i, why, j->status, j->produced, j->consumed,
				j->in_len, j->dst_len - j->out_off);
	}
	return bad;
}

/* Inflate one device-compressed chunk and compare with the original. */
static int verify_chunk(const struct cfg *c, const struct job *j,
			const uint8_t *orig, size_t olen, uint8_t *scratch,
			unsigned int idx)
{
	z_stream zs;
	size_t total = head_size(c->alg) + j->produced;
	int r;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, window_bits(c->alg)) != Z_OK) {
		fprintf(stderr, "zip_client: inflateInit2 failed\n");
		return -1;
	}
	zs.next_in = j->dst;
	zs.avail_in = (uInt)total;
	zs.next_out = scratch;
	zs.avail_out = (uInt)olen + 1;
	r = inflate(&zs, Z_FINISH);
	if (r != Z_STREAM_END) {
		fprintf(stderr, "zip_client: compress job %u: %zu device bytes do not inflate as %s: zlib %d (%s) after %lu in, %lu out of %zu\n",
			idx, total, alg_name(c->alg), r, zs.msg ? zs.msg : "-",
			zs.total_in, zs.total_out, olen);
		inflateEnd(&zs);
		return -1;
	}
	if (zs.total_out != olen || memcmp(scratch, orig, olen)) {
		size_t k = 0;

		while (k < olen && k < zs.total_out && scratch[k] == orig[k])
			k++;
		fprintf(stderr, "zip_client: compress job %u: inflated %lu bytes, original %zu; first difference at byte %zu\n",
			idx, zs.total_out, olen, k);
		inflateEnd(&zs);
		return -1;
	}
	if (zs.avail_in) {
		fprintf(stderr, "zip_client: compress job %u: %u bytes after the end of the stream (produced %u too large)\n",
			idx, zs.avail_in, j->produced);
		inflateEnd(&zs);
		return -1;
	}
	inflateEnd(&zs);
	return 0;
}

/* The compressed chunks (header + device output each) into one file. */
static int write_output(const char *path, const struct job *jobs,
			unsigned int n, unsigned int head)
{
	FILE *f = fopen(path, "w");
	unsigned int i;

	if (!f) {
		fprintf(stderr, "zip_client: %s: %s\n", path, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (fwrite(jobs[i].dst, 1, head + jobs[i].produced, f) !=
		    head + jobs[i].produced)
			break;
	}
	if (i < n || fclose(f)) {
		fprintf(stderr, "zip_client: writing %s: %s\n", path, strerror(errno));
		if (i < n)
			fclose(f);
		return -1;
	}
	return 0;
}

static void summary(const char *dir, unsigned int jobs, size_t in, size_t out,
		    size_t plain, double secs, bool ratio)
{
	printf("%s: jobs=%u in=%zu out=%zu secs=%.3f MBps=%.2f jobs_per_s=%.1f",
	       dir, jobs, in, out, secs, secs > 0 ? plain / secs / 1e6 : 0.0,
	       secs > 0 ? jobs / secs : 0.0);
	if (ratio)
		printf(" ratio=%.3f", in ? (double)out / in : 0.0);
	printf("\n");
}

/* ---- main --------------------------------------------------------------- */

static int parse_args(int argc, char **argv, struct cfg *c)
{
	enum { O_MODE = 256, O_IRQ, O_POLL, O_SGL, O_FLAT, O_ALG, O_SIZE, O_FILE,
	       O_CHUNK, O_DEPTH, O_INFLIGHT, O_SGE, O_SEED, O_LEVEL, O_TIMEOUT,
	       O_MBTIMEOUT, O_IOVA, O_OUT };
	static const struct option lo[] = {
		{ "mode", required_argument, NULL, O_MODE },
		{ "irq", no_argument, NULL, O_IRQ },
		{ "poll", no_argument, NULL, O_POLL },
		{ "sgl", no_argument, NULL, O_SGL },
		{ "flat", no_argument, NULL, O_FLAT },
		{ "alg", required_argument, NULL, O_ALG },
		{ "size", required_argument, NULL, O_SIZE },
		{ "file", required_argument, NULL, O_FILE },
		{ "chunk", required_argument, NULL, O_CHUNK },
		{ "depth", required_argument, NULL, O_DEPTH },
		{ "inflight", required_argument, NULL, O_INFLIGHT },
		{ "sge", required_argument, NULL, O_SGE },
		{ "seed", required_argument, NULL, O_SEED },
		{ "level", required_argument, NULL, O_LEVEL },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "mb-timeout", required_argument, NULL, O_MBTIMEOUT },
		{ "iova", required_argument, NULL, O_IOVA },
		{ "out", required_argument, NULL, O_OUT },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	size_t v;
	int o;

	memset(c, 0, sizeof(*c));
	c->mode = VFIO_MODE_IOMMUFD;
	c->irq = true;
	c->sgl = true;
	c->alg = HZIP_REQ_DEFLATE;
	c->size = 4 << 20;
	c->chunk = 64 << 10;
	c->depth = 256;
	c->sge_nr = HZIP_SGL_SGE_NR;
	c->seed = 1;
	c->timeout_ms = 30000;
	c->mb_timeout_ms = 1000;
	c->level = 6;
	c->iova = ZQ_DEFAULT_IOVA;

	while ((o = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		bool bad = false;

		switch (o) {
		case O_MODE:
			if (!strcmp(optarg, "iommufd"))
				c->mode = VFIO_MODE_IOMMUFD;
			else if (!strcmp(optarg, "container"))
				c->mode = VFIO_MODE_CONTAINER;
			else
				bad = true;
			break;
		case O_IRQ: c->irq = true; break;
		case O_POLL: c->irq = false; break;
		case O_SGL: c->sgl = true; break;
		case O_FLAT: c->sgl = false; break;
		case O_ALG:
			if (!strcmp(optarg, "deflate"))
				c->alg = HZIP_REQ_DEFLATE;
			else if (!strcmp(optarg, "zlib"))
				c->alg = HZIP_REQ_ZLIB;
			else if (!strcmp(optarg, "gzip"))
				c->alg = HZIP_REQ_GZIP;
			else
				bad = true;
			break;
		case O_SIZE:
			bad = parse_size(optarg, &c->size) || !c->size;
			c->size_set = true;
			break;
		case O_FILE: c->file = optarg; break;
		case O_OUT: c->out = optarg; break;
		case O_CHUNK:
			bad = parse_size(optarg, &c->chunk) || c->chunk < 64 ||
			      c->chunk > (8u << 20);
			break;
		case O_DEPTH:
			bad = parse_size(optarg, &v) || v < 2 || v > 0xffff;
			c->depth = v;
			break;
		case O_INFLIGHT:
			bad = parse_size(optarg, &v) || v < 1 || v > 0xffff;
			c->inflight = v;
			break;
		case O_SGE:
			bad = parse_size(optarg, &v) || v < 1 || v > HISI_ACC_SGL_SGE_NR_MAX;
			c->sge_nr = v;
			break;
		case O_SEED:
			bad = parse_size(optarg, &v);
			c->seed = v;
			break;
		case O_LEVEL:
			bad = parse_size(optarg, &v) || v > 9;
			c->level = v;
			break;
		case O_TIMEOUT:
			bad = parse_size(optarg, &v) || !v || v > 3600000;
			c->timeout_ms = v;
			break;
		case O_MBTIMEOUT:
			bad = parse_size(optarg, &v) || !v || v > 600000;
			c->mb_timeout_ms = v;
			break;
		case O_IOVA:
			bad = parse_size(optarg, &v) || (v & 4095);
			c->iova = v;
			break;
		case 'v': c->verbose = true; break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); return -1;
		}
		if (bad) {
			fprintf(stderr, "zip_client: bad value '%s' for --%s\n", optarg,
				lo[o - O_MODE].name);
			return -1;
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		return -1;
	}
	if (argv[optind][0] == '/') {
		snprintf(c->dev, sizeof(c->dev), "%s", argv[optind]);
	} else {
		/* A PCI name, or the UUID of an mdev. */
		snprintf(c->dev, sizeof(c->dev), "/sys/bus/mdev/devices/%s",
			 argv[optind]);
		if (access(c->dev, F_OK))
			snprintf(c->dev, sizeof(c->dev), "/sys/bus/pci/devices/%s",
				 argv[optind]);
	}
	if (!c->inflight || c->inflight > c->depth - 1)
		c->inflight = c->depth - 1;
	return 0;
}

int main(int argc, char **argv)
{
	struct zq_queue *qc, *qd;
	struct zq_opts zo;
	struct zip_qm qm;
	struct cfg c;
	struct job *jobs = NULL;
	uint8_t *src, *cmp, *out, *scratch = NULL;
	size_t size, cap, src_bytes, cmp_bytes, i, in_total, out_total;
	unsigned int nchunks, head, bad;
	double secs;
	z_stream zs;
	int ret = 1, r;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse_args(argc, argv, &c))
		return 2;

	size = c.size;
	if (c.file) {
		struct stat sb;

		if (stat(c.file, &sb)) {
			fprintf(stderr, "zip_client: %s: %s\n", c.file, strerror(errno));
			return 1;
		}
		if (!c.size_set || (size_t)sb.st_size < size)
			size = sb.st_size;
		if (!size) {
			fprintf(stderr, "zip_client: %s is empty\n", c.file);
			return 1;
		}
	}
	nchunks = (size + c.chunk - 1) / c.chunk;
	head = head_size(c.alg);
	/* Room for incompressible chunks: zlib's bound plus header slack. */
	cap = (compressBound(c.chunk) + head + 64 + 63) & ~(size_t)63;
	src_bytes = (size + 4095) & ~(size_t)4095;
	cmp_bytes = ((size_t)nchunks * cap + 4095) & ~(size_t)4095;

	memset(&zo, 0, sizeof(zo));
	zo.mode = c.mode;
	zo.irq = c.irq;
	zo.depth = c.depth;
	zo.sge_nr = c.sge_nr;
	zo.nqueues = 2;
	zo.data_bytes = 2 * src_bytes + cmp_bytes;
	zo.iova = c.iova;
	zo.mb_timeout_ms = c.mb_timeout_ms;
	zo.verbose = c.verbose;
	r = zq_open(&qm, c.dev, &zo);
	if (r) {
		fprintf(stderr, "zip_client: cannot start the device at %s: %s\n", c.dev,
			strerror(-r));
		return 1;
	}
	src = zq_data(&qm);
	cmp = src + src_bytes;
	out = cmp + cmp_bytes;
	printf("zip_client: dev=%s mode=%s completion=%s buffers=%s alg=%s size=%zu chunk=%zu depth=%u inflight=%u queues=%u+%u cap_ver=%u\n",
	       c.dev, c.mode == VFIO_MODE_IOMMUFD ? "iommufd" : "container",
	       c.irq ? "irq" : "poll", c.sgl ? "sgl" : "flat", alg_name(c.alg),
	       size, c.chunk, c.depth, c.inflight, qm.qp_base, qm.qp_num,
	       qm.cap_ver);

	if (c.file ? load_file(c.file, src, size) : (generate(src, size, c.seed), 0))
		goto out;
	jobs = calloc(nchunks, sizeof(*jobs));
	scratch = malloc(c.chunk + 1);
	if (!jobs || !scratch) {
		fprintf(stderr, "zip_client: out of memory\n");
		goto out;
	}
	if (zq_queue_start(&qm, QN_COMP, HZIP_ALG_COMP, &qc) ||
	    zq_queue_start(&qm, QN_DECOMP, HZIP_ALG_DECOMP, &qd))
		goto out;

	/* ---- compress on the device, inflate in userspace ---- */
	for (i = 0; i < nchunks; i++) {
		struct job *j = &jobs[i];
		size_t off = i * c.chunk;

		j->src = src + off;
		j->in_len = size - off < c.chunk ? size - off : c.chunk;
		j->dst = cmp + i * cap;
		j->dst_len = cap;
		j->out_off = head;
		if (head)
			memcpy(j->dst, c.alg == HZIP_REQ_ZLIB ? zlib_head : gzip_head, head);
	}
	if (run(qc, &c, jobs, nchunks, TAG_COMP, "compress", &secs))
		goto out;
	bad = check_status(jobs, nchunks, "compress");
	if (bad) {
		fprintf(stderr, "zip_client: compress: %u of %u jobs failed\n", bad, nchunks);
		goto out;
	}
	out_total = 0;
	for (i = 0; i < nchunks; i++) {
		if (verify_chunk(&c, &jobs[i], jobs[i].src, jobs[i].in_len, scratch, i))
			goto out;
		out_total += head + jobs[i].produced;
	}
	summary("compress", nchunks, size, out_total, size, secs, true);
	if (c.out && write_output(c.out, jobs, nchunks, head))
		goto out;

	/* ---- deflate in userspace, inflate on the device ---- */
	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, c.level, Z_DEFLATED, window_bits(c.alg), 8,
			 Z_DEFAULT_STRATEGY) != Z_OK) {
		fprintf(stderr, "zip_client: deflateInit2 failed\n");
		goto out;
	}
	in_total = 0;
	for (i = 0; i < nchunks; i++) {
		struct job *j = &jobs[i];
		size_t off = i * c.chunk;
		uint32_t plain = size - off < c.chunk ? size - off : c.chunk;

		deflateReset(&zs);
		zs.next_in = src + off;
		zs.avail_in = plain;
		zs.next_out = cmp + i * cap;
		zs.avail_out = cap;
		r = deflate(&zs, Z_FINISH);
		if (r != Z_STREAM_END || zs.total_out <= head) {
			fprintf(stderr, "zip_client: userspace deflate of chunk %zu failed: %d\n",
				i, r);
			deflateEnd(&zs);
			goto out;
		}
		memset(j, 0, sizeof(*j));
		j->src = cmp + i * cap;
		j->in_off = head;
		j->in_len = zs.total_out - head;
		j->dst = out + off;
		j->dst_len = plain;
		in_total += zs.total_out;
	}
	deflateEnd(&zs);
	memset(out, 0, size);
	if (run(qd, &c, jobs, nchunks, TAG_DECOMP, "decompress", &secs))
		goto out;
	bad = check_status(jobs, nchunks, "decompress");
	for (i = 0; i < nchunks; i++) {
		size_t off = i * c.chunk;

		if (jobs[i].produced != jobs[i].dst_len ||
		    memcmp(out + off, src + off, jobs[i].dst_len)) {
			size_t k = 0;

			while (k < jobs[i].dst_len && out[off + k] == src[off + k])
				k++;
			if (bad++ < MAX_REPORT)
				fprintf(stderr, "zip_client: decompress job %zu: produced %u of %u bytes, first difference at byte %zu (status 0x%02x)\n",
					i, jobs[i].produced, jobs[i].dst_len, k,
					jobs[i].status);
		}
	}
	if (bad) {
		fprintf(stderr, "zip_client: decompress: %u of %u jobs wrong\n", bad, nchunks);
		goto out;
	}
	summary("decompress", nchunks, in_total, size, size, secs, false);
	ret = 0;
out:
	zq_print_stats(&qm, "zip_client: ");
	zq_close(&qm);
	free(jobs);
	free(scratch);
	if (ret)
		fprintf(stderr, "zip_client: FAILED\n");
	return ret;
}
