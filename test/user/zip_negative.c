// SPDX-License-Identifier: GPL-2.0
/*
 * zip_negative: feed a ZIP VF (through VFIO) what a broken or hostile
 * driver would, and check that the device answers each with an error and
 * touches nothing else:
 *   - garbage SQEs (type 3, nonsense request/buffer types and lengths)
 *   - source or destination DMA addresses outside the IOAS
 *   - mailbox commands with invalid numbers, and queues outside the
 *     function's VFT range (mailbox and doorbell)
 * before and after which a normal request still works.
 *
 *   zip_negative [--mode iommufd|container] [--sim-stats DIR]
 *                SYSFS-PATH-OR-BDF
 *
 * An SQ doorbell for a queue outside the VFT range must reach no queue: no
 * completion may appear. With --sim-stats DIR (the function's directory in
 * /sys/kernel/debug/acc_sim) the device is acc_sim's QM model: the tool
 * waits until the model has taken each such doorbell and served a mailbox
 * command after it, and the model's counters of SQ doorbells, recovered
 * (lost) doorbells, restarts and jobs must not have moved.
 *
 * Prints one "ok: ..." line per check; exit 0 if all passed.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "zip_qm.h"

#define BUF		4096
#define POISON		0xa5
#define FAR_IOVA	0x7f0000000000ull	/* never mapped */
#define SIM_DB_EMPTY	(~0ull)	/* acc_sim's doorbell register once taken */
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static int failures;
static const char *stats_dir;	/* --sim-stats */

#define CHECK(cond, ...) do {						\
	if (cond) {							\
		printf("ok: ");						\
	} else {							\
		printf("FAIL: ");					\
		failures++;						\
	}								\
	printf(__VA_ARGS__);						\
	putchar('\n');							\
} while (0)

static bool untouched(const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != POISON)
			return false;
	return true;
}

/* A well-formed flat deflate request of src[0..len) into dst[0..BUF). */
static void good_sqe(struct zip_qm *qm, struct hisi_zip_sqe *s, uint8_t *src,
		     uint32_t len, uint8_t *dst, uint64_t tag)
{
	uint64_t a = zq_iova(qm, src), b = zq_iova(qm, dst);

	memset(s, 0, sizeof(*s));
	s->input_data_length = len;
	s->dest_avail_out = BUF;
	s->dw7 = (uint32_t)HZIP_SQE_TYPE_V3 << HZIP_SQE_TYPE_SHIFT;
	s->dw9 = HZIP_REQ_DEFLATE | HZIP_BUF_PBUFFER << HZIP_BUF_TYPE_SHIFT;
	s->source_addr_l = (uint32_t)a;
	s->source_addr_h = (uint32_t)(a >> 32);
	s->dest_addr_l = (uint32_t)b;
	s->dest_addr_h = (uint32_t)(b >> 32);
	s->dw26 = (uint32_t)tag;
	s->dw27 = (uint32_t)(tag >> 32);
}

/* Submit one SQE and wait for its completion. */
static int one(struct zq_queue *q, const struct hisi_zip_sqe *s,
	       struct zq_done *d)
{
	int ret = zq_submit_sqe(q, s);

	if (ret)
		return ret;
	ret = zq_reap(q, d, 1, 5000);
	return ret == 1 ? 0 : ret < 0 ? ret : -EIO;
}

static void good_job(struct zip_qm *qm, struct zq_queue *q, uint8_t *src,
		     uint8_t *dst, const char *when)
{
	struct hisi_zip_sqe s;
	struct zq_done d;
	uint8_t back[BUF];
	uLongf blen = sizeof(back);
	z_stream z = {};
	int ret;

	memset(dst, 0, BUF);
	good_sqe(qm, &s, src, BUF, dst, 0x600d);
	ret = one(q, &s, &d);
	if (!ret && !d.status && d.produced) {
		inflateInit2(&z, -15);
		z.next_in = dst;
		z.avail_in = d.produced;
		z.next_out = back;
		z.avail_out = blen;
		ret = inflate(&z, Z_FINISH) == Z_STREAM_END &&
		      z.total_out == BUF && !memcmp(back, src, BUF) ? 0 : -EILSEQ;
		inflateEnd(&z);
	}
	CHECK(!ret && !d.status && d.tag == 0x600d,
	      "%s: a good request completes (ret %d, status 0x%x, %u bytes)",
	      when, ret, d.status, d.produced);
}

static void bad_job(struct zip_qm *qm, struct zq_queue *q,
		    const struct hisi_zip_sqe *s, uint8_t *dst, const char *what)
{
	uint64_t tag = s->dw26 | (uint64_t)s->dw27 << 32;
	struct zq_done d = {};
	int ret;

	(void)qm;
	memset(dst, POISON, BUF);
	ret = one(q, s, &d);
	CHECK(!ret && d.status && d.status != HZIP_NC_ERR && d.tag == tag &&
	      untouched(dst, BUF),
	      "%s: error completion (ret %d, status 0x%02x, tag %s, output %s)",
	      what, ret, d.status, d.tag == tag ? "kept" : "changed",
	      untouched(dst, BUF) ? "untouched" : "WRITTEN");
}

/* A counter from the model's qm_stats of the function; exits if absent. */
static long long sim_stat(const char *name)
{
	char path[512], line[128], key[64];
	long long v;
	FILE *f;

	snprintf(path, sizeof(path), "%s/qm_stats", stats_dir);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "zip_negative: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %lld", key, &v) == 2 && !strcmp(key, name)) {
			fclose(f);
			return v;
		}
	}
	fclose(f);
	fprintf(stderr, "zip_negative: no counter %s in %s\n", name, path);
	exit(1);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Has the device written a CQE on q that the driver has not taken? */
static bool cqe_pending(const struct zq_queue *q)
{
	const volatile struct qm_cqe *e = &q->cq[q->cq_head];

	return (e->w7 & 1) == q->cq_phase;
}

/*
 * An SQ doorbell for queue qn, outside the function's VFT range. Queue 0
 * has nothing outstanding, so a CQE there means the doorbell reached it.
 * A mailbox command after the doorbell: the model serves doorbells before
 * the mailbox in a pass, so once the command is done and the register
 * shows the model took the store, the doorbell's effects are all there.
 */
static void foreign_doorbell(struct zip_qm *qm, struct zq_queue *q,
			     uint16_t qn, uint16_t idx)
{
	static const char *const ctr[] = {
		"sq_doorbells", "lost_doorbells", "restarts", "jobs",
	};
	long long d[ARRAY_SIZE(ctr)] = { 0 };
	bool taken = true, moved = false;
	uint64_t t0;
	unsigned int i;
	int ret;

	for (i = 0; stats_dir && i < ARRAY_SIZE(ctr); i++)
		d[i] = -sim_stat(ctr[i]);
	zq_ring(qm, qn, QM_DB_CMD_SQ, idx, 0);
	if (stats_dir) {
		/* The model puts its empty value back when it takes a store. */
		t0 = now_ms();
		while (*(volatile uint64_t *)(qm->bar + QM_DB_SQ_CQ) !=
		       SIM_DB_EMPTY && now_ms() - t0 < 5000)
			usleep(100);
		taken = *(volatile uint64_t *)(qm->bar + QM_DB_SQ_CQ) ==
			SIM_DB_EMPTY;
	}
	ret = zq_mailbox(qm, QM_MB_CMD_SQC_VFT_V2, 0, 0, true);
	usleep(20000);	/* time for a wrongly started job to complete */
	for (i = 0; stats_dir && i < ARRAY_SIZE(ctr); i++) {
		d[i] += sim_stat(ctr[i]);
		moved |= d[i] != 0;
	}
	CHECK(taken && !ret && !cqe_pending(q) && !moved,
	      "SQ doorbell for queue 0x%x (outside the VFT's %u) reaches no queue (%s, mailbox after it %d, %s; sq_doorbells +%lld lost_doorbells +%lld restarts +%lld jobs +%lld%s)",
	      qn, qm->qp_num, !stats_dir ? "store not observed" :
	      taken ? "taken by the model" : "NOT TAKEN within 5 s", ret,
	      cqe_pending(q) ? "A CQE ON QUEUE 0" : "no CQE on queue 0",
	      d[0], d[1], d[2], d[3], stats_dir ? "" : ", not read");
}

int main(int argc, char **argv)
{
	struct zq_opts o = {
		.mode = VFIO_MODE_IOMMUFD, .irq = false, .depth = 16,
		.nqueues = 1, .data_bytes = 4 * BUF,
	};
	struct hisi_zip_sqe s;
	struct zip_qm qm;
	struct zq_queue *q;
	uint8_t *src, *dst;
	char dev[256];
	unsigned int i;
	int opt, ret;

	static const struct option lo[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "sim-stats", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 },
	};
	while ((opt = getopt_long(argc, argv, "m:s:", lo, NULL)) != -1) {
		if (opt == 's') {
			stats_dir = optarg;
			continue;
		}
		if (opt != 'm')
			return 2;
		if (!strcmp(optarg, "container"))
			o.mode = VFIO_MODE_CONTAINER;
		else if (strcmp(optarg, "iommufd"))
			return 2;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: zip_negative [--mode iommufd|container] [--sim-stats DIR] DEVICE\n");
		return 2;
	}
	if (argv[optind][0] == '/')
		snprintf(dev, sizeof(dev), "%s", argv[optind]);
	else
		snprintf(dev, sizeof(dev), "/sys/bus/pci/devices/%s",
			 argv[optind]);
	ret = zq_open(&qm, dev, &o);
	if (ret)
		return 1;
	ret = zq_queue_start(&qm, 0, HZIP_ALG_COMP, &q);
	if (ret) {
		zq_close(&qm);
		return 1;
	}
	src = zq_data(&qm);
	dst = src + 2 * BUF;
	for (i = 0; i < BUF; i++)
		src[i] = "abcdefgh"[i % 8] ^ (i / 512);

	good_job(&qm, q, src, dst, "before");

	good_sqe(&qm, &s, src, BUF, dst, 0xbad1);
	s.dw9 = 0x77 | 0xe << HZIP_BUF_TYPE_SHIFT;
	bad_job(&qm, q, &s, dst, "garbage request and buffer types");

	good_sqe(&qm, &s, src, BUF, dst, 0xbad2);
	for (i = 0; i < 32; i++)
		if (i != 7 && i != 26 && i != 27)
			((uint32_t *)&s)[i] = 0x9e3779b9u * (i + 1);
	bad_job(&qm, q, &s, dst, "random SQE words");

	good_sqe(&qm, &s, src, 0, dst, 0xbad3);
	bad_job(&qm, q, &s, dst, "zero input length");

	good_sqe(&qm, &s, src, BUF, dst, 0xbad4);
	s.dw9 = HZIP_REQ_DEFLATE | HZIP_BUF_SGL << HZIP_BUF_TYPE_SHIFT;
	bad_job(&qm, q, &s, dst, "SGL pointer to plain data");

	good_sqe(&qm, &s, src, BUF, dst, 0xbad5);
	s.source_addr_l = (uint32_t)FAR_IOVA;
	s.source_addr_h = (uint32_t)(FAR_IOVA >> 32);
	bad_job(&qm, q, &s, dst, "source outside the IOAS");

	good_sqe(&qm, &s, src, BUF, dst, 0xbad6);
	s.dest_addr_l = (uint32_t)FAR_IOVA;
	s.dest_addr_h = (uint32_t)(FAR_IOVA >> 32);
	bad_job(&qm, q, &s, dst, "destination outside the IOAS");

	ret = zq_mailbox(&qm, 0x3f, 0, 0, false);
	CHECK(ret == -EIO, "mailbox command 0x3f fails with an error status (%d)",
	      ret);
	ret = zq_mailbox(&qm, 0x7, 0, 0, false);
	CHECK(ret == -EIO, "mailbox command 0x7 fails with an error status (%d)",
	      ret);
	ret = zq_mailbox(&qm, QM_MB_CMD_SQC, zq_iova(&qm, dst), qm.qp_num,
			 false);
	CHECK(ret == -EIO, "SQC for queue %u, outside the VFT's %u, fails (%d)",
	      qm.qp_num, qm.qp_num, ret);
	ret = zq_mailbox(&qm, QM_MB_CMD_STOP_QP, 0, 0xfff, false);
	CHECK(ret == -EIO, "STOP_QP of queue 0xfff fails (%d)", ret);
	/* Doorbells for queues the function does not own go nowhere. */
	foreign_doorbell(&qm, q, qm.qp_num, 1);
	foreign_doorbell(&qm, q, 0xfff, 5);

	good_job(&qm, q, src, dst, "after");
	zq_close(&qm);
	printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
