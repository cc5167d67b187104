// SPDX-License-Identifier: GPL-2.0
/*
 * zip_migrate: live-migrate a busy ZIP VF (or an mdev standing for one)
 * with the VFIO v2 migration uAPI and check that its work moves with it.
 *
 *   zip_migrate [options] <source> <destination>
 *   zip_migrate --abort [options] <source>
 *
 * The source is driven like a guest would drive it (zip_qm: queue 0
 * compresses, queue 1 decompresses; every job is checked against zlib).
 * After --before verified jobs, --inflight jobs are submitted and left
 * unreaped, and the device is migrated:
 *
 *   destination (own iommufd/IOAS, arena mapped at the same IOVA)
 *     RUNNING -> RESUMING
 *   source RUNNING [-> PRE_COPY: GET_PRECOPY_INFO, read, write to dst]
 *     -> STOP_COPY: read the data fd to EOF
 *   copy the arena (guest RAM) into the destination's buffer (--copy-ram),
 *     or let the destination map the same memory (--shared-ram)
 *   destination: write the stream in --write-chunk pieces, -> STOP,
 *     wire MSI (--irq; --msi-early: before -> STOP, in QEMU's order),
 *     -> RUNNING; the source is closed
 *
 * The in-flight jobs are then reaped from the destination and verified,
 * and --after more jobs run there. "downtime" is the time from the
 * source's STOP_COPY request to the end of the destination's RUNNING arc;
 * src_done counts the in-flight jobs whose CQE was in memory when the source
 * had stopped (the rest ran on the destination). A round in which all of
 * them had finished (src_done == inflight) migrated nothing in flight and
 * fails, unless --settle asked for that or --allow-drained accepts it. The
 * in-flight jobs are all prepared first and then rung in 5 ms apart, so
 * that the device still holds most of them when it is stopped (one job
 * takes milliseconds). MSIs the source raised and nobody took are carried
 * over; one raised by a stopped device fails the run.
 * --settle lets the in-flight jobs finish before the stop (completed but
 * unreaped across the migration). --rounds 2 migrates the state back to the
 * first device, and so on.
 *
 * Negative modes assert the outcome given by options, so that the same
 * tool serves different migration drivers:
 *   --corrupt magic|OFFSET  flip the stream byte at OFFSET (magic = 0)
 *   --truncate N            write only N bytes of the stream
 *     --expect-fail write|stop|any|none  where the destination must refuse
 *     --expect-errno NAME|NUMBER         and with which errno
 *   Afterwards the source runs again, the destination is reset
 *   (VFIO_DEVICE_RESET; --reset reopen: closed and opened again), must be
 *   back in RUNNING and must run --after jobs from scratch (fresh zq_open).
 *   --abort                 source RUNNING -> STOP_COPY -> RUNNING, no
 *                           destination; its in-flight jobs must finish
 *     --expect-abort complete|stall  stall: they finish only after the
 *                           next submission (a guest SQ doorbell)
 *
 * Result lines (stdout), one per round / run, all ending in " ok":
 *   migrate: round=R/N src=S dst=D stream=B precopy=P downtime_us=U
 *            inflight=K src_done=C done_on_dst=K before=N after=M ok
 *   migrate: negative=... failed_at=write|stop|none errno=E ... ok
 *   migrate: abort ... outcome=complete|stall ... ok
 * Every failure prints "zip_migrate: FAILED: <step>: <why>" and exits 1.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "zip_qm.h"

#define QN_COMP		0
#define QN_DECOMP	1
#define NQ		2
#define TAG_MAGIC	0x4d47ull	/* "MG" */
#define DOORBELL_GAP_US	5000	/* a fraction of one 256 KiB job's time */
#define PAGE_SZ		4096ul
#define ALIGN_PAGE(x)	(((x) + PAGE_SZ - 1) & ~(PAGE_SZ - 1))
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

enum neg { NEG_NONE, NEG_CORRUPT, NEG_TRUNCATE, NEG_ABORT };
enum at { AT_NONE, AT_WRITE, AT_STOP, AT_ANY };

struct cfg {
	enum vfio_open_mode mode;
	bool irq;
	bool precopy;
	bool shared;
	bool sgl;
	unsigned int before, inflight, after, rounds, depth;
	size_t chunk, wchunk;
	int timeout_ms, abort_wait_ms;
	uint64_t seed;
	enum neg neg;
	size_t corrupt_off, truncate;
	enum at expect_at;
	int expect_errno;	/* 0 = any */
	bool expect_stall;
	bool msi_early;
	bool settle;
	bool allow_drained;	/* a round may stop with nothing in flight */
	bool reopen;		/* recover by close + open, not VFIO_DEVICE_RESET */
	bool verbose;
	char dev[2][512];
};

struct job {
	unsigned int qi;
	unsigned int slot;
	uint32_t plain_len;
	uint64_t seed;
	bool done;
};

struct run {
	const struct cfg *c;
	struct zip_qm *qm;
	struct zq_queue *q[NQ];
	size_t cap;		/* bytes per slot buffer */
	unsigned int nslots;	/* per queue */
	bool *busy[NQ];
	struct job *jobs;
	unsigned int njobs, jobs_max;
	uint8_t *plain, *scratch;
};

static const char *step = "start";

static void fail(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* ---- errno names -------------------------------------------------------- */

static const struct { int e; const char *n; } errnames[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EINTR, "EINTR" },
	{ EIO, "EIO" }, { ENXIO, "ENXIO" }, { E2BIG, "E2BIG" },
	{ EBADF, "EBADF" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" }, { ENODEV, "ENODEV" }, { EINVAL, "EINVAL" },
	{ ENOSPC, "ENOSPC" }, { ESPIPE, "ESPIPE" }, { ERANGE, "ERANGE" },
	{ ENOTTY, "ENOTTY" }, { ENOMSG, "ENOMSG" }, { EPROTO, "EPROTO" },
	{ EBADMSG, "EBADMSG" }, { EOVERFLOW, "EOVERFLOW" },
	{ EOPNOTSUPP, "EOPNOTSUPP" }, { ETIMEDOUT, "ETIMEDOUT" },
	{ ECANCELED, "ECANCELED" }, { EILSEQ, "EILSEQ" },
	{ EMSGSIZE, "EMSGSIZE" }, { ENODATA, "ENODATA" },
};

static const char *ename(int e)
{
	static char buf[16];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errnames); i++)
		if (errnames[i].e == e)
			return errnames[i].n;
	snprintf(buf, sizeof(buf), "errno%d", e);
	return buf;
}

static int parse_errno(const char *s)
{
	char *end;
	long v;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errnames); i++)
		if (!strcmp(s, errnames[i].n))
			return errnames[i].e;
	v = strtol(s, &end, 0);
	if (*end || v <= 0 || v > 4095)
		return -1;
	return (int)v;
}

/* One line naming the step, the errno (if any) and what went wrong. */
static void fail(int err, const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "zip_migrate: FAILED: %s: ", step);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err)
		fprintf(stderr, ": %s (%s)", ename(err), strerror(err));
	fputc('\n', stderr);
	exit(1);
}

static void info(const struct cfg *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void info(const struct cfg *c, const char *fmt, ...)
{
	va_list ap;

	if (!c->verbose)
		return;
	fprintf(stderr, "zip_migrate: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000ull + ts.tv_nsec / 1000;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* ---- VFIO migration uAPI ----------------------------------------------- */

static const char *const state_names[] = {
	[VFIO_DEVICE_STATE_ERROR] = "ERROR",
	[VFIO_DEVICE_STATE_STOP] = "STOP",
	[VFIO_DEVICE_STATE_RUNNING] = "RUNNING",
	[VFIO_DEVICE_STATE_STOP_COPY] = "STOP_COPY",
	[VFIO_DEVICE_STATE_RESUMING] = "RESUMING",
	[VFIO_DEVICE_STATE_RUNNING_P2P] = "RUNNING_P2P",
	[VFIO_DEVICE_STATE_PRE_COPY] = "PRE_COPY",
	[VFIO_DEVICE_STATE_PRE_COPY_P2P] = "PRE_COPY_P2P",
};

static const char *sname(uint32_t s)
{
	return s < VFIO_DEVICE_STATE_NR ? state_names[s] : "?";
}

/* struct vfio_device_feature followed by its payload, 8-byte aligned. */
struct feat {
	uint64_t buf[(sizeof(struct vfio_device_feature) + 16 + 7) / 8];
};

static struct vfio_device_feature *feat_init(struct feat *f, uint32_t flags)
{
	struct vfio_device_feature *h = (void *)f->buf;

	memset(f, 0, sizeof(*f));
	h->argsz = sizeof(f->buf);
	h->flags = flags;
	return h;
}

static int mig_flags(struct zip_qm *qm, uint64_t *flags)
{
	struct feat f;
	struct vfio_device_feature *h = feat_init(&f, VFIO_DEVICE_FEATURE_GET |
						  VFIO_DEVICE_FEATURE_MIGRATION);

	if (ioctl(qm->dev.device_fd, VFIO_DEVICE_FEATURE, h))
		return -errno;
	*flags = ((struct vfio_device_feature_migration *)h->data)->flags;
	return 0;
}

static int mig_get(struct zip_qm *qm, uint32_t *state)
{
	struct feat f;
	struct vfio_device_feature *h = feat_init(&f, VFIO_DEVICE_FEATURE_GET |
						  VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE);

	if (ioctl(qm->dev.device_fd, VFIO_DEVICE_FEATURE, h))
		return -errno;
	*state = ((struct vfio_device_feature_mig_state *)h->data)->device_state;
	return 0;
}

/* Request a state; the new data fd (or -1) in *fd. 0 or -errno. */
static int mig_set(struct zip_qm *qm, uint32_t state, int *fd)
{
	struct feat f;
	struct vfio_device_feature *h = feat_init(&f, VFIO_DEVICE_FEATURE_SET |
						  VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE);
	struct vfio_device_feature_mig_state *ms = (void *)h->data;

	ms->device_state = state;
	ms->data_fd = -1;
	if (ioctl(qm->dev.device_fd, VFIO_DEVICE_FEATURE, h))
		return -errno;
	if (fd)
		*fd = ms->data_fd;
	else if (ms->data_fd >= 0)
		close(ms->data_fd);
	return 0;
}

static void expect_state(struct zip_qm *qm, const char *who, uint32_t want)
{
	uint32_t s = VFIO_DEVICE_STATE_ERROR;
	int ret = mig_get(qm, &s);

	if (ret)
		fail(-ret, "%s: VFIO_DEVICE_FEATURE_GET(MIG_DEVICE_STATE)", who);
	if (s != want)
		fail(0, "%s: device state is %s (%u), expected %s", who, sname(s),
		     s, sname(want));
}

/* Set a state that must be reached; returns the data fd (or -1). */
static int must_set(struct zip_qm *qm, const char *who, uint32_t state)
{
	int ret, fd = -1;

	ret = mig_set(qm, state, &fd);
	if (ret)
		fail(-ret, "%s: set %s", who, sname(state));
	expect_state(qm, who, state);
	return fd;
}

static void check_flags(struct zip_qm *qm, const char *who,
			const struct cfg *c, uint64_t *out)
{
	uint64_t fl = 0;
	int ret = mig_flags(qm, &fl);

	if (ret)
		fail(-ret, "%s: VFIO_DEVICE_FEATURE_GET(MIGRATION): the device does not support migration",
		     who);
	if (!(fl & VFIO_MIGRATION_STOP_COPY))
		fail(0, "%s: migration flags 0x%" PRIx64 " lack STOP_COPY", who, fl);
	if (c->precopy && !(fl & VFIO_MIGRATION_PRE_COPY))
		fail(0, "%s: --precopy, but migration flags 0x%" PRIx64 " lack PRE_COPY",
		     who, fl);
	*out = fl;
}

/* ---- the migration stream ---------------------------------------------- */

struct stream {
	uint8_t *buf;
	size_t len, alloc;
	size_t written;		/* sent to the destination so far */
	size_t precopy;		/* of len, read in PRE_COPY */
};

/* Read until EOF (want = 0) or until `want` more bytes have come. */
static int stream_read(struct stream *s, int fd, size_t want)
{
	size_t goal = s->len + want;
	ssize_t n;

	for (;;) {
		if (want && s->len >= goal)
			return 0;
		if (s->alloc - s->len < 4096) {
			uint8_t *p = realloc(s->buf, s->alloc + 65536);

			if (!p)
				return -ENOMEM;
			s->buf = p;
			s->alloc += 65536;
		}
		n = read(fd, s->buf + s->len,
			 want ? goal - s->len : s->alloc - s->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return want ? -ENODATA : 0;
		s->len += n;
	}
}

/*
 * Send s->buf[written, len) in chunks, honouring --corrupt (applied to the
 * byte as it goes out) and --truncate. 0, or -errno of the failed write.
 */
static int stream_write(struct stream *s, int fd, const struct cfg *c)
{
	size_t end = s->len;
	ssize_t n;

	if (c->neg == NEG_TRUNCATE && end > c->truncate)
		end = c->truncate;
	if (c->neg == NEG_CORRUPT && c->corrupt_off >= s->written &&
	    c->corrupt_off < s->len)
		s->buf[c->corrupt_off] ^= 0xff;
	while (s->written < end) {
		size_t len = end - s->written;

		if (len > c->wchunk)
			len = c->wchunk;
		n = write(fd, s->buf + s->written, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return -EIO;
		s->written += n;
	}
	return 0;
}

/* ---- jobs --------------------------------------------------------------- */

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 0x2545f4914f6cdd1dull;
}

/* Deterministic, compressible and varied: words, repeats, noise. */
static void gen(uint8_t *b, size_t len, uint64_t seed)
{
	static const char *const w[] = {
		"queue ", "doorbell ", "migrate ", "stop ", "copy ", "resume ",
		"state ", "the ", "of ", "context ", "vector\n", "page ",
	};
	uint64_t x = seed * 0x9e3779b97f4a7c15ull + 0x2545;
	size_t i = 0, n, k;

	if (!x)
		x = 1;
	while (i < len) {
		uint64_t r = rnd(&x);

		if (r % 5 == 0) {
			n = 16 + (r >> 8) % 256;
			for (k = 0; k < n && i < len; k++)
				b[i++] = (uint8_t)rnd(&x);
		} else if (r % 5 == 1 && i > 64) {
			size_t d = 1 + (r >> 8) % (i < 4096 ? i : 4096);

			n = 8 + (r >> 24) % 300;
			for (k = 0; k < n && i < len; k++, i++)
				b[i] = b[i - d];
		} else {
			const char *p = w[(r >> 4) % 12];

			while (*p && i < len)
				b[i++] = (uint8_t)*p++;
		}
	}
}

static uint8_t *slot_in(struct run *r, unsigned int qi, unsigned int s)
{
	return zq_data(r->qm) + ((size_t)(qi * r->nslots + s) * 2) * r->cap;
}

static uint8_t *slot_out(struct run *r, unsigned int qi, unsigned int s)
{
	return slot_in(r, qi, s) + r->cap;
}

static bool slot_free(struct run *r, unsigned int qi, unsigned int *slot)
{
	unsigned int s;

	for (s = 0; s < r->nslots; s++) {
		if (!r->busy[qi][s]) {
			*slot = s;
			return true;
		}
	}
	return false;
}

static unsigned int in_flight(struct run *r)
{
	return r->q[0]->used + r->q[1]->used;
}

/*
 * Everything of a job but its doorbell: slot, input data (userspace deflate
 * for queue 1) and the request in *reqp. The slot is taken from now on.
 */
static void prepare_job(struct run *r, unsigned int qi, struct zq_req *reqp)
{
	const struct cfg *c = r->c;
	struct zq_req req;
	struct job *j;
	unsigned int s, idx;
	uint8_t *in, *out;
	int ret;

	if (!slot_free(r, qi, &s))
		fail(0, "no free buffer slot on queue %u (internal)", qi);
	if (r->njobs == r->jobs_max) {
		struct job *p = realloc(r->jobs, (r->jobs_max + 64) * sizeof(*p));

		if (!p)
			fail(ENOMEM, "job table");
		r->jobs = p;
		r->jobs_max += 64;
	}
	idx = r->njobs++;
	j = &r->jobs[idx];
	memset(j, 0, sizeof(*j));
	j->qi = qi;
	j->slot = s;
	j->seed = c->seed * 1000003ull + idx;
	/* Lengths vary so that no two jobs look alike. */
	j->plain_len = (uint32_t)(c->chunk - (idx * 97u) % (c->chunk / 4));
	in = slot_in(r, qi, s);
	out = slot_out(r, qi, s);

	memset(&req, 0, sizeof(req));
	req.req_type = HZIP_REQ_DEFLATE;
	req.sgl = c->sgl;
	req.tag = TAG_MAGIC << 48 | idx;
	req.src = in;
	req.dst = out;
	if (qi == QN_COMP) {
		gen(in, j->plain_len, j->seed);
		req.in_len = j->plain_len;
		req.dst_len = (uint32_t)r->cap;
	} else {
		z_stream zs;

		gen(r->plain, j->plain_len, j->seed);
		memset(&zs, 0, sizeof(zs));
		if (deflateInit2(&zs, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			fail(0, "deflateInit2");
		zs.next_in = r->plain;
		zs.avail_in = j->plain_len;
		zs.next_out = in;
		zs.avail_out = (uInt)r->cap;
		ret = deflate(&zs, Z_FINISH);
		req.in_len = (uint32_t)zs.total_out;
		deflateEnd(&zs);
		if (ret != Z_STREAM_END)
			fail(0, "userspace deflate of job %u input: zlib %d", idx, ret);
		req.dst_len = j->plain_len;
	}
	memset(out, 0, r->cap);
	r->busy[qi][s] = true;
	*reqp = req;
}

/* Write the SQE and ring the doorbell of a prepared job. */
static void ring_job(struct run *r, unsigned int qi, const struct zq_req *req)
{
	int ret = zq_submit(r->q[qi], req);

	if (ret)
		fail(-ret, "submitting job %u on queue %u",
		     (unsigned int)(req->tag & 0xffffffffu), qi);
}

static void submit_job(struct run *r, unsigned int qi)
{
	struct zq_req req;

	prepare_job(r, qi, &req);
	ring_job(r, qi, &req);
}

/* Check one completion against zlib; frees its slot. */
static void verify_done(struct run *r, unsigned int qi, const struct zq_done *d)
{
	uint64_t idx = d->tag & 0xffffffffull;
	const uint8_t *out;
	struct job *j;
	z_stream zs;
	int ret;

	if (d->tag >> 48 != TAG_MAGIC || idx >= r->njobs || r->jobs[idx].done ||
	    r->jobs[idx].qi != qi)
		fail(0, "queue %u: completion with unexpected tag 0x%016" PRIx64 " (SQ slot %u)",
		     qi, d->tag, d->sq_index);
	j = &r->jobs[idx];
	out = slot_out(r, qi, j->slot);
	if (d->status != HZIP_STATUS_OK && d->status != HZIP_NC_ERR)
		fail(0, "job %" PRIu64 " (queue %u): device status 0x%02x, produced %u consumed %u",
		     idx, qi, d->status, d->produced, d->consumed);
	gen(r->plain, j->plain_len, j->seed);
	if (qi == QN_COMP) {
		if (!d->produced || d->produced > r->cap)
			fail(0, "compress job %" PRIu64 ": produced %u bytes (buffer %zu)",
			     idx, d->produced, r->cap);
		memset(&zs, 0, sizeof(zs));
		if (inflateInit2(&zs, -15) != Z_OK)
			fail(0, "inflateInit2");
		zs.next_in = (uint8_t *)out;
		zs.avail_in = d->produced;
		zs.next_out = r->scratch;
		zs.avail_out = (uInt)r->c->chunk + 1;
		ret = inflate(&zs, Z_FINISH);
		inflateEnd(&zs);
		if (ret != Z_STREAM_END || zs.total_out != j->plain_len ||
		    memcmp(r->scratch, r->plain, j->plain_len))
			fail(0, "compress job %" PRIu64 ": the device's %u bytes inflate to %lu bytes (zlib %d), original %u%s",
			     idx, d->produced, zs.total_out, ret, j->plain_len,
			     ret == Z_STREAM_END && zs.total_out == j->plain_len ?
			     ", contents differ" : "");
	} else {
		if (d->produced != j->plain_len || memcmp(out, r->plain, j->plain_len))
			fail(0, "decompress job %" PRIu64 ": produced %u bytes, original %u%s",
			     idx, d->produced, j->plain_len,
			     d->produced == j->plain_len ? ", contents differ" : "");
	}
	j->done = true;
	r->busy[qi][j->slot] = false;
}

/* Reap whatever queue qi has (waiting for at least one); returns count. */
static unsigned int reap_some(struct run *r, unsigned int qi)
{
	struct zq_done d[32];
	int n, i;

	n = zq_reap(r->q[qi], d, ARRAY_SIZE(d), r->c->timeout_ms);
	if (n < 0)
		fail(-n, "waiting for completions on queue %u (%u in flight)", qi,
		     r->q[qi]->used);
	for (i = 0; i < n; i++)
		verify_done(r, qi, &d[i]);
	return n;
}

static unsigned int reap_all(struct run *r)
{
	unsigned int qi, got = 0;

	while (in_flight(r)) {
		for (qi = 0; qi < NQ; qi++)
			if (r->q[qi]->used)
				got += reap_some(r, qi);
	}
	return got;
}

/* n verified jobs, alternating queues, as many in flight as slots allow. */
static void run_batch(struct run *r, unsigned int n)
{
	unsigned int sub = 0, s, qi;

	while (sub < n || in_flight(r)) {
		while (sub < n && slot_free(r, sub % NQ, &s)) {
			submit_job(r, sub % NQ);
			sub++;
		}
		for (qi = 0; qi < NQ; qi++) {
			if (r->q[qi]->used) {
				reap_some(r, qi);
				break;
			}
		}
	}
}

/*
 * k jobs left in flight. Their inputs are all prepared first (generation
 * and, for queue 1, a userspace deflate cost as much as a device job), then
 * rung in: the device holds k whole jobs when the caller stops it, instead
 * of running each while the next one is prepared. All queues share one
 * doorbell register, and the simulator's memory-backed BAR keeps only the
 * last store (it finds an overwritten SQE later, by scanning): a short
 * sleep after each doorbell lets the device take it first.
 */
static void submit_inflight(struct run *r, unsigned int k)
{
	struct zq_req *req = calloc(k ? k : 1, sizeof(*req));
	unsigned int i;

	if (!req)
		fail(ENOMEM, "in-flight requests");
	for (i = 0; i < k; i++)
		prepare_job(r, i % NQ, &req[i]);
	for (i = 0; i < k; i++) {
		ring_job(r, i % NQ, &req[i]);
		if (i + 1 < k)
			usleep(DOORBELL_GAP_US);
	}
	free(req);
}

/* CQEs the device has written that the driver has not taken yet. */
static unsigned int cq_ready(const struct zq_queue *q)
{
	unsigned int i, n = 0;

	for (i = 0; i < q->used; i++) {
		unsigned int pos = q->cq_head + i;
		const struct qm_cqe *e = &q->cq[pos % q->depth];
		unsigned int ph = pos >= q->depth ? !q->cq_phase : q->cq_phase;
		uint16_t w7 = ((const volatile struct qm_cqe *)e)->w7;

		if ((w7 & 1u) != ph)
			break;
		n++;
	}
	return n;
}

static unsigned int cqs_ready(struct run *r)
{
	return cq_ready(r->q[0]) + cq_ready(r->q[1]);
}

/* --settle: let the device finish what is in flight, without reaping. */
static void settle(struct run *r)
{
	uint64_t t0 = now_us();

	step = "--settle: in-flight jobs finishing on the source";
	while (cqs_ready(r) < in_flight(r)) {
		if (now_us() - t0 > (uint64_t)r->c->timeout_ms * 1000)
			fail(0, "%u of %u CQEs written within %d ms", cqs_ready(r),
			     in_flight(r), r->c->timeout_ms);
		usleep(1000);
	}
}

/* Open qm at path (as a guest driver starts), both queues. */
static void open_side(struct run *r, struct zip_qm *qm, const char *path)
{
	const struct cfg *c = r->c;
	struct zq_opts zo;
	int ret;

	memset(&zo, 0, sizeof(zo));
	zo.mode = c->mode;
	zo.irq = c->irq;
	zo.depth = c->depth;
	zo.nqueues = NQ;
	zo.data_bytes = (size_t)NQ * r->nslots * 2 * r->cap;
	zo.verbose = c->verbose;
	ret = zq_open(qm, path, &zo);
	if (ret)
		fail(-ret, "zq_open %s", path);
	r->qm = qm;
	ret = zq_queue_start(qm, QN_COMP, HZIP_ALG_COMP, &r->q[QN_COMP]);
	if (!ret)
		ret = zq_queue_start(qm, QN_DECOMP, HZIP_ALG_DECOMP, &r->q[QN_DECOMP]);
	if (ret)
		fail(-ret, "starting queues 0 (compress) and 1 (decompress) on %s", path);
}

/* Read (and so clear) what the MSI eventfds of qm hold. */
static uint64_t irq_take(struct zip_qm *qm, uint64_t *cnt)
{
	uint64_t v, sum = 0;
	unsigned int i;

	for (i = 0; i < QM_V3_VF_VECTORS; i++) {
		cnt[i] = 0;
		if (qm->efd[i] >= 0 && read(qm->efd[i], &v, sizeof(v)) == sizeof(v))
			cnt[i] = v;
		sum += cnt[i];
	}
	return sum;
}

static void irq_give_back(struct zip_qm *qm, const uint64_t *cnt)
{
	unsigned int i;

	for (i = 0; i < QM_V3_VF_VECTORS; i++)
		if (cnt[i] && write(qm->efd[i], &cnt[i], sizeof(cnt[i])) != sizeof(cnt[i]))
			fail(errno, "re-arming eventfd of vector %u", i);
}

/* PRE_COPY: initial bytes, and what the fd says at their end. */
static void precopy(struct run *r, int rfd, struct stream *s, const char **eos)
{
	struct vfio_precopy_info pi = { .argsz = sizeof(pi) };
	uint8_t b;
	ssize_t n;
	int ret;

	step = "source PRE_COPY: VFIO_MIG_GET_PRECOPY_INFO";
	if (ioctl(rfd, VFIO_MIG_GET_PRECOPY_INFO, &pi))
		fail(errno, "on the data fd");
	info(r->c, "PRE_COPY: initial_bytes %llu dirty_bytes %llu",
	     (unsigned long long)pi.initial_bytes,
	     (unsigned long long)pi.dirty_bytes);
	if (!pi.initial_bytes)
		fail(0, "initial_bytes is 0 (uAPI: non-zero initial value)");
	step = "source PRE_COPY: read initial bytes";
	ret = stream_read(s, rfd, pi.initial_bytes);
	if (ret)
		fail(-ret, "reading %llu bytes", (unsigned long long)pi.initial_bytes);
	s->precopy = s->len;
	step = "source PRE_COPY: VFIO_MIG_GET_PRECOPY_INFO after reading";
	if (ioctl(rfd, VFIO_MIG_GET_PRECOPY_INFO, &pi))
		fail(errno, "on the data fd");
	if (pi.initial_bytes)
		fail(0, "initial_bytes still %llu after reading them",
		     (unsigned long long)pi.initial_bytes);
	if (pi.dirty_bytes) {
		/* Device state changed meanwhile: read that too. */
		ret = stream_read(s, rfd, pi.dirty_bytes);
		if (ret)
			fail(-ret, "reading %llu dirty bytes",
			     (unsigned long long)pi.dirty_bytes);
		s->precopy = s->len;
		*eos = "dirty";
		return;
	}
	/* Temporary end of stream: the uAPI asks for ENOMSG. */
	n = read(rfd, &b, 1);
	if (n > 0)
		fail(0, "read past initial_bytes + dirty_bytes = 0 returned data");
	*eos = n == 0 ? "0" : ename(errno);
	if (n < 0 && errno != ENOMSG)
		fail(errno, "read at the temporary end of the PRE_COPY stream");
}

/* ---- the migration ------------------------------------------------------ */

struct outcome {
	enum at at;
	int err;
};

static const char *at_name(enum at a)
{
	return a == AT_WRITE ? "write" : a == AT_STOP ? "stop" :
	       a == AT_ANY ? "any" : "none";
}

static void check_outcome(const struct cfg *c, const struct outcome *o)
{
	bool ok = c->expect_at == AT_ANY ? o->at != AT_NONE : o->at == c->expect_at;

	if (o->at != AT_NONE)
		printf("zip_migrate: destination refused the stream at %s: %s (%s)\n",
		       at_name(o->at), ename(o->err), strerror(o->err));
	else
		printf("zip_migrate: destination accepted the %s stream\n",
		       c->neg == NEG_CORRUPT ? "corrupted" : "truncated");
	step = "negative outcome";
	if (!ok && c->expect_at == AT_NONE)
		fail(o->err, "expected the destination to accept the stream, it refused it at %s",
		     at_name(o->at));
	if (!ok && o->at == AT_NONE)
		fail(0, "expected the destination to refuse the stream (at %s), it accepted it",
		     at_name(c->expect_at));
	if (!ok)
		fail(o->err, "expected the refusal at %s, it came at %s",
		     at_name(c->expect_at), at_name(o->at));
	if (o->at != AT_NONE && c->expect_errno && o->err != c->expect_errno)
		fail(0, "expected %s, got %s (%d)", ename(c->expect_errno),
		     ename(o->err), o->err);
}

/* After a refused stream: reset the destination and use it from scratch. */
static void dst_recover(struct run *r, struct zip_qm *dst, const char *path)
{
	struct zip_qm fresh;
	struct run r2 = *r;
	uint32_t st = VFIO_DEVICE_STATE_ERROR;
	int ret;

	step = "destination after the refused stream";
	ret = mig_get(dst, &st);
	if (ret)
		fail(-ret, "VFIO_DEVICE_FEATURE_GET(MIG_DEVICE_STATE)");
	printf("zip_migrate: destination state after the failure: %s\n", sname(st));
	if (!r->c->reopen) {
		step = "destination VFIO_DEVICE_RESET";
		if (ioctl(dst->dev.device_fd, VFIO_DEVICE_RESET))
			fail(errno, "resetting the destination");
		expect_state(dst, "destination after VFIO_DEVICE_RESET",
			     VFIO_DEVICE_STATE_RUNNING);
	}
	/* Closing resets the function too (--reset reopen). */
	zq_close(dst);

	step = "destination reused from scratch";
	memset(r2.busy[0], 0, r->nslots);
	memset(r2.busy[1], 0, r->nslots);
	open_side(&r2, &fresh, path);
	expect_state(&fresh, "destination reopened", VFIO_DEVICE_STATE_RUNNING);
	run_batch(&r2, r->c->after);
	zq_close(&fresh);
	r->jobs = r2.jobs;
	r->njobs = r2.njobs;
	r->jobs_max = r2.jobs_max;
}

/* Leave the source where a failed migration leaves it: running again. */
static void src_resume(struct run *r)
{
	int ret;

	step = "source back to RUNNING after the failed migration";
	ret = mig_set(r->qm, VFIO_DEVICE_STATE_RUNNING, NULL);
	if (ret)
		fail(-ret, "set RUNNING");
}

static void migrate_round(struct run *r, unsigned int round, const char *src,
			  const char *dst_path)
{
	const struct cfg *c = r->c;
	struct stream s = { 0 };
	struct outcome o = { AT_NONE, 0 };
	struct zip_qm dst;
	uint64_t fl, t0, t1, carry[QM_V3_VF_VECTORS], late[QM_V3_VF_VECTORS];
	uint8_t *arena;
	unsigned int k, src_done, got;
	const char *eos = NULL;
	int rfd = -1, wfd = -1, ret;

	/* The destination as QEMU has it before the source stops. */
	step = "destination open";
	if (c->shared) {
		arena = r->qm->arena;
	} else {
		arena = mmap(NULL, r->qm->arena_len, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (arena == MAP_FAILED)
			fail(errno, "allocating the destination's %zu-byte RAM",
			     r->qm->arena_len);
	}
	ret = zq_dst_open(&dst, dst_path, r->qm, arena);
	if (ret)
		fail(-ret, "%s", dst_path);
	check_flags(&dst, "destination", c, &fl);
	expect_state(&dst, "destination", VFIO_DEVICE_STATE_RUNNING);
	expect_state(r->qm, "source", VFIO_DEVICE_STATE_RUNNING);
	step = "destination RUNNING -> RESUMING";
	wfd = must_set(&dst, "destination", VFIO_DEVICE_STATE_RESUMING);
	if (wfd < 0)
		fail(0, "no data fd returned");

	step = "in-flight jobs on the source";
	submit_inflight(r, c->inflight);
	if (c->settle)
		settle(r);

	if (c->precopy) {
		step = "source RUNNING -> PRE_COPY";
		rfd = must_set(r->qm, "source", VFIO_DEVICE_STATE_PRE_COPY);
		if (rfd < 0)
			fail(0, "no data fd returned");
		precopy(r, rfd, &s, &eos);
		step = "destination: write the PRE_COPY bytes";
		ret = stream_write(&s, wfd, c);
		if (ret) {
			o.at = AT_WRITE;
			o.err = -ret;
			goto refused;
		}
	}

	step = "source -> STOP_COPY";
	t0 = now_us();
	ret = mig_set(r->qm, VFIO_DEVICE_STATE_STOP_COPY, rfd < 0 ? &rfd : NULL);
	if (ret)
		fail(-ret, "set STOP_COPY from %s", c->precopy ? "PRE_COPY" : "RUNNING");
	expect_state(r->qm, "source", VFIO_DEVICE_STATE_STOP_COPY);
	if (rfd < 0)
		fail(0, "no data fd returned");
	step = "source STOP_COPY: read the data fd to EOF";
	ret = stream_read(&s, rfd, 0);
	if (ret)
		fail(-ret, "after %zu bytes", s.len);
	if (!s.len)
		fail(0, "empty stream");
	irq_take(r->qm, carry);

	/* Guest RAM: the device wrote its caches back when it stopped. */
	src_done = cqs_ready(r);
	/* A round that is to complete must have moved work in flight. */
	if (src_done == in_flight(r) && !c->settle && !c->allow_drained &&
	    (c->neg == NEG_NONE || c->expect_at == AT_NONE)) {
		step = "source STOP_COPY: jobs in flight";
		fail(0, "all %u in-flight jobs had completed when the source stopped (src_done=%u): nothing migrated in flight (larger --chunk or --inflight, or --allow-drained)",
		     in_flight(r), src_done);
	}
	if (!c->shared)
		memcpy(arena, r->qm->arena, r->qm->arena_len);
	if (c->neg == NEG_CORRUPT && c->corrupt_off >= s.len) {
		step = "--corrupt";
		fail(0, "offset %zu is beyond the %zu-byte stream", c->corrupt_off, s.len);
	}

	step = "destination RESUMING: write the stream";
	ret = stream_write(&s, wfd, c);
	if (ret) {
		o.at = AT_WRITE;
		o.err = -ret;
		goto refused;
	}
	if (c->irq && c->msi_early) {
		/* QEMU restores config space and MSI while still RESUMING. */
		step = "destination RESUMING: wire MSI";
		ret = zq_dst_irq_on(&dst);
		if (ret)
			fail(-ret, "enabling MSI on the destination");
	}
	step = "destination RESUMING -> STOP";
	ret = mig_set(&dst, VFIO_DEVICE_STATE_STOP, NULL);
	if (ret) {
		if (c->neg != NEG_CORRUPT && c->neg != NEG_TRUNCATE)
			fail(-ret, "loading the %zu-byte stream", s.len);
		o.at = AT_STOP;
		o.err = -ret;
		goto refused;
	}
	expect_state(&dst, "destination", VFIO_DEVICE_STATE_STOP);
	if (c->neg == NEG_CORRUPT || c->neg == NEG_TRUNCATE)
		check_outcome(c, &o);	/* accepted: must be what was expected */
	if (c->irq && !c->msi_early) {
		step = "destination STOP: wire MSI";
		ret = zq_dst_irq_on(&dst);
		if (ret)
			fail(-ret, "enabling MSI on the destination");
	}
	step = "destination STOP: interrupts";
	if (irq_take(&dst, late))
		fail(0, "the destination raised MSIs before RUNNING (EQ vector %u: %" PRIu64 ", AEQ vector %u: %" PRIu64 ")%s",
		     dst.eq_vector, late[dst.eq_vector], dst.aeq_vector,
		     late[dst.aeq_vector],
		     c->msi_early ? ", MSI wired in RESUMING" : "");
	step = "destination STOP -> RUNNING";
	ret = mig_set(&dst, VFIO_DEVICE_STATE_RUNNING, NULL);
	t1 = now_us();
	if (ret)
		fail(-ret, "set RUNNING");
	expect_state(&dst, "destination", VFIO_DEVICE_STATE_RUNNING);

	step = "source STOP_COPY: interrupts";
	if (irq_take(r->qm, late))
		fail(0, "the source raised MSIs while in STOP_COPY (EQ vector %u: %" PRIu64 ", AEQ vector %u: %" PRIu64 ")",
		     r->qm->eq_vector, late[r->qm->eq_vector], r->qm->aeq_vector,
		     late[r->qm->aeq_vector]);
	irq_give_back(r->qm, carry);
	close(rfd);
	close(wfd);
	/* The source goes away; the driver continues on the destination. */
	zq_migrate_to(r->qm, &dst);

	step = "destination: reap the in-flight jobs";
	k = in_flight(r);
	got = reap_all(r);
	if (got != k)
		fail(0, "reaped %u of %u", got, k);
	step = "destination: jobs after the migration";
	run_batch(r, c->after);
	printf("migrate: round=%u/%u src=%s dst=%s stream=%zu precopy=%zu%s%s downtime_us=%" PRIu64 " inflight=%u src_done=%u done_on_dst=%u before=%u after=%u%s ok\n",
	       round, c->rounds, base_name(src), base_name(dst_path), s.len,
	       s.precopy, eos ? " precopy_eos=" : "", eos ? eos : "", t1 - t0,
	       c->inflight, src_done, got, c->before, c->after,
	       c->neg == NEG_CORRUPT ? " corrupt=unnoticed" :
	       c->neg == NEG_TRUNCATE ? " truncate=unnoticed" : "");
	free(s.buf);
	return;

refused:
	if (c->neg != NEG_CORRUPT && c->neg != NEG_TRUNCATE)
		fail(o.err, "after %zu of %zu bytes", s.written, s.len);
	check_outcome(c, &o);
	close(wfd);
	if (rfd >= 0)
		close(rfd);
	src_resume(r);
	dst_recover(r, &dst, dst_path);
	printf("migrate: negative=%s%zu src=%s dst=%s stream=%zu written=%zu failed_at=%s errno=%s dst_reset=%s dst_jobs=%u ok\n",
	       c->neg == NEG_CORRUPT ? "corrupt@" : "truncate@",
	       c->neg == NEG_CORRUPT ? c->corrupt_off : c->truncate,
	       base_name(src), base_name(dst_path), s.len, s.written,
	       at_name(o.at), ename(o.err), c->reopen ? "reopen" : "ioctl",
	       c->after);
	free(s.buf);
}

/* --abort: the source stops for a migration that never happens. */
static void abort_run(struct run *r, const char *src)
{
	const struct cfg *c = r->c;
	struct stream s = { 0 };
	unsigned int k, src_done, ready, got;
	const char *eos = NULL;
	uint64_t t0, fl;
	int rfd = -1, ret;

	check_flags(r->qm, "source", c, &fl);
	step = "in-flight jobs on the source";
	submit_inflight(r, c->inflight);
	if (c->precopy) {
		step = "source RUNNING -> PRE_COPY";
		rfd = must_set(r->qm, "source", VFIO_DEVICE_STATE_PRE_COPY);
		precopy(r, rfd, &s, &eos);
	}
	step = "source -> STOP_COPY";
	ret = mig_set(r->qm, VFIO_DEVICE_STATE_STOP_COPY, rfd < 0 ? &rfd : NULL);
	if (ret)
		fail(-ret, "set STOP_COPY");
	expect_state(r->qm, "source", VFIO_DEVICE_STATE_STOP_COPY);
	step = "source STOP_COPY: read the data fd to EOF";
	ret = stream_read(&s, rfd, 0);
	if (ret)
		fail(-ret, "after %zu bytes", s.len);
	src_done = cqs_ready(r);
	if (src_done == in_flight(r))
		fail(0, "all %u jobs had finished when the source stopped: nothing was in flight to check (larger --chunk or --inflight)",
		     src_done);
	step = "source STOP_COPY -> RUNNING (migration aborted)";
	must_set(r->qm, "source", VFIO_DEVICE_STATE_RUNNING);
	close(rfd);

	step = "source after the abort: in-flight jobs";
	k = in_flight(r);
	t0 = now_us();
	while ((ready = cqs_ready(r)) < k &&
	       now_us() - t0 < (uint64_t)c->abort_wait_ms * 1000)
		usleep(1000);
	if (ready < k) {
		/* The driver's next request rings an SQ doorbell. */
		printf("zip_migrate: abort: %u of %u in-flight jobs completed within %d ms of RUNNING (%u before the stop); submitting one more job\n",
		       ready, k, c->abort_wait_ms, src_done);
		submit_job(r, QN_COMP);
		got = reap_all(r);
		printf("zip_migrate: abort: after one more submission all %u jobs completed\n",
		       got);
		if (!c->expect_stall)
			fail(0, "the source did not finish its %u in-flight jobs on its own after STOP_COPY -> RUNNING (%u of %u within %d ms); they completed only after a new SQ doorbell",
			     k, ready, k, c->abort_wait_ms);
	} else {
		got = reap_all(r);
		if (c->expect_stall)
			fail(0, "expected the in-flight jobs to stall until the next doorbell, all %u completed within %d ms",
			     k, c->abort_wait_ms);
	}
	step = "source after the abort: more jobs";
	run_batch(r, c->after);
	printf("migrate: abort src=%s stream=%zu precopy=%zu%s%s inflight=%u src_done=%u completed_on_own=%u outcome=%s before=%u after=%u ok\n",
	       base_name(src), s.len, s.precopy, eos ? " precopy_eos=" : "",
	       eos ? eos : "", k, src_done, ready, ready < k ? "stall" : "complete",
	       c->before, c->after);
	free(s.buf);
}

/* ---- options ------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: zip_migrate [options] <source> <destination>\n"
		"       zip_migrate --abort [options] <source>\n"
		"  devices: PCI name, mdev UUID or sysfs path\n"
		"  --poll | --irq          completions by CQ polling (default) or EQ MSI\n"
		"  --copy-ram | --shared-ram  destination gets a copy of the DMA arena\n"
		"                          taken in STOP_COPY (default), or the same memory\n"
		"  --precopy               go through PRE_COPY (device must offer it)\n"
		"  --settle                let the in-flight jobs finish (CQEs written, not\n"
		"                          reaped) before the source stops\n"
		"  --allow-drained         accept a round whose in-flight jobs had all\n"
		"                          finished when the source stopped (default: fail)\n"
		"  --msi-early             --irq: wire the destination's MSI in RESUMING,\n"
		"                          before RESUMING -> STOP (QEMU's order), not in STOP\n"
		"  --before N              verified jobs before the migration (default 8)\n"
		"  --inflight K            jobs left unreaped across it (default 8)\n"
		"  --after M               verified jobs after it (default 8)\n"
		"  --rounds R              migrate R times, back and forth (default 1)\n"
		"  --chunk BYTES           job size (default 65536)\n"
		"  --depth N               SQ/CQ depth (default 32)\n"
		"  --flat                  flat buffers instead of hardware SGLs\n"
		"  --write-chunk BYTES     stream write() size (default 64)\n"
		"  --timeout MS            completion timeout (default 20000)\n"
		"  --mode iommufd|container  open path (default iommufd)\n"
		"  --seed N\n"
		"  --corrupt magic|OFFSET  flip the stream byte at OFFSET\n"
		"  --truncate N            write only N bytes of the stream\n"
		"  --expect-fail write|stop|any|none  (default any)\n"
		"  --expect-errno NAME|NUMBER         (default: any)\n"
		"  --reset ioctl|reopen    how the refusing destination is recovered:\n"
		"                          VFIO_DEVICE_RESET (default), or close + open\n"
		"  --abort                 STOP_COPY and back to RUNNING, no destination\n"
		"  --abort-wait MS         how long in-flight jobs get on their own (2000)\n"
		"  --expect-abort complete|stall      (default complete)\n"
		"  -v, --verbose\n");
}

static int num(const char *s, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || end == s || *end)
		return -1;
	*out = v;
	return 0;
}

static void dev_path(char *out, size_t len, const char *arg)
{
	if (arg[0] == '/') {
		snprintf(out, len, "%s", arg);
		return;
	}
	snprintf(out, len, "/sys/bus/mdev/devices/%s", arg);
	if (access(out, F_OK))
		snprintf(out, len, "/sys/bus/pci/devices/%s", arg);
}

static int parse_args(int argc, char **argv, struct cfg *c)
{
	enum { O_POLL = 256, O_IRQ, O_COPY, O_SHARED, O_PRECOPY, O_BEFORE,
	       O_INFLIGHT, O_AFTER, O_ROUNDS, O_CHUNK, O_DEPTH, O_FLAT, O_WCHUNK,
	       O_TIMEOUT, O_MODE, O_SEED, O_CORRUPT, O_TRUNCATE, O_EXP_FAIL,
	       O_EXP_ERRNO, O_ABORT, O_ABORT_WAIT, O_EXP_ABORT, O_MSI_EARLY,
	       O_SETTLE, O_RESET, O_ALLOW_DRAINED };
	static const struct option lo[] = {
		{ "poll", no_argument, NULL, O_POLL },
		{ "irq", no_argument, NULL, O_IRQ },
		{ "copy-ram", no_argument, NULL, O_COPY },
		{ "shared-ram", no_argument, NULL, O_SHARED },
		{ "precopy", no_argument, NULL, O_PRECOPY },
		{ "before", required_argument, NULL, O_BEFORE },
		{ "inflight", required_argument, NULL, O_INFLIGHT },
		{ "after", required_argument, NULL, O_AFTER },
		{ "rounds", required_argument, NULL, O_ROUNDS },
		{ "chunk", required_argument, NULL, O_CHUNK },
		{ "depth", required_argument, NULL, O_DEPTH },
		{ "flat", no_argument, NULL, O_FLAT },
		{ "write-chunk", required_argument, NULL, O_WCHUNK },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ "mode", required_argument, NULL, O_MODE },
		{ "seed", required_argument, NULL, O_SEED },
		{ "corrupt", required_argument, NULL, O_CORRUPT },
		{ "truncate", required_argument, NULL, O_TRUNCATE },
		{ "expect-fail", required_argument, NULL, O_EXP_FAIL },
		{ "expect-errno", required_argument, NULL, O_EXP_ERRNO },
		{ "abort", no_argument, NULL, O_ABORT },
		{ "abort-wait", required_argument, NULL, O_ABORT_WAIT },
		{ "expect-abort", required_argument, NULL, O_EXP_ABORT },
		{ "msi-early", no_argument, NULL, O_MSI_EARLY },
		{ "settle", no_argument, NULL, O_SETTLE },
		{ "reset", required_argument, NULL, O_RESET },
		{ "allow-drained", no_argument, NULL, O_ALLOW_DRAINED },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	size_t v;
	int o, ndev;

	memset(c, 0, sizeof(*c));
	c->mode = VFIO_MODE_IOMMUFD;
	c->sgl = true;
	c->before = 8;
	c->inflight = 8;
	c->after = 8;
	c->rounds = 1;
	c->chunk = 65536;
	c->depth = 32;
	c->wchunk = 64;
	c->timeout_ms = 20000;
	c->abort_wait_ms = 2000;
	c->seed = 1;
	c->expect_at = AT_ANY;

	while ((o = getopt_long(argc, argv, "vh", lo, NULL)) != -1) {
		bool bad = false;

		switch (o) {
		case O_POLL:
			c->irq = false;
			break;
		case O_IRQ:
			c->irq = true;
			break;
		case O_COPY:
			c->shared = false;
			break;
		case O_SHARED:
			c->shared = true;
			break;
		case O_PRECOPY:
			c->precopy = true;
			break;
		case O_BEFORE:
			bad = num(optarg, &v) || v > 100000;
			c->before = v;
			break;
		case O_INFLIGHT:
			bad = num(optarg, &v) || v > 0xfffe;
			c->inflight = v;
			break;
		case O_AFTER:
			bad = num(optarg, &v) || v > 100000;
			c->after = v;
			break;
		case O_ROUNDS:
			bad = num(optarg, &v) || !v || v > 1000;
			c->rounds = v;
			break;
		case O_CHUNK:
			bad = num(optarg, &v) || v < 256 || v > (4u << 20);
			c->chunk = v;
			break;
		case O_DEPTH:
			bad = num(optarg, &v) || v < 4 || v > 1024;
			c->depth = v;
			break;
		case O_FLAT:
			c->sgl = false;
			break;
		case O_WCHUNK:
			bad = num(optarg, &v) || !v || v > (1u << 20);
			c->wchunk = v;
			break;
		case O_TIMEOUT:
			bad = num(optarg, &v) || !v || v > 3600000;
			c->timeout_ms = v;
			break;
		case O_MODE:
			if (!strcmp(optarg, "iommufd"))
				c->mode = VFIO_MODE_IOMMUFD;
			else if (!strcmp(optarg, "container"))
				c->mode = VFIO_MODE_CONTAINER;
			else
				bad = true;
			break;
		case O_SEED:
			bad = num(optarg, &v);
			c->seed = v;
			break;
		case O_CORRUPT:
			c->neg = NEG_CORRUPT;
			if (!strcmp(optarg, "magic"))
				c->corrupt_off = 0;
			else
				bad = num(optarg, &c->corrupt_off);
			break;
		case O_TRUNCATE:
			c->neg = NEG_TRUNCATE;
			bad = num(optarg, &c->truncate);
			break;
		case O_EXP_FAIL:
			if (!strcmp(optarg, "write"))
				c->expect_at = AT_WRITE;
			else if (!strcmp(optarg, "stop"))
				c->expect_at = AT_STOP;
			else if (!strcmp(optarg, "any"))
				c->expect_at = AT_ANY;
			else if (!strcmp(optarg, "none"))
				c->expect_at = AT_NONE;
			else
				bad = true;
			break;
		case O_EXP_ERRNO:
			c->expect_errno = parse_errno(optarg);
			bad = c->expect_errno < 0;
			break;
		case O_ABORT:
			c->neg = NEG_ABORT;
			break;
		case O_ABORT_WAIT:
			bad = num(optarg, &v) || !v || v > 600000;
			c->abort_wait_ms = v;
			break;
		case O_EXP_ABORT:
			if (!strcmp(optarg, "complete"))
				c->expect_stall = false;
			else if (!strcmp(optarg, "stall"))
				c->expect_stall = true;
			else
				bad = true;
			break;
		case O_MSI_EARLY:
			c->msi_early = true;
			break;
		case O_SETTLE:
			c->settle = true;
			break;
		case O_ALLOW_DRAINED:
			c->allow_drained = true;
			break;
		case O_RESET:
			if (!strcmp(optarg, "ioctl"))
				c->reopen = false;
			else if (!strcmp(optarg, "reopen"))
				c->reopen = true;
			else
				bad = true;
			break;
		case 'v':
			c->verbose = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -1;
		}
		if (bad) {
			fprintf(stderr, "zip_migrate: bad value '%s' for --%s\n", optarg,
				lo[o - O_POLL].name);
			return -1;
		}
	}
	ndev = argc - optind;
	if (ndev != (c->neg == NEG_ABORT ? 1 : 2)) {
		usage(stderr);
		return -1;
	}
	dev_path(c->dev[0], sizeof(c->dev[0]), argv[optind]);
	if (ndev == 2)
		dev_path(c->dev[1], sizeof(c->dev[1]), argv[optind + 1]);
	if (c->inflight > 2 * (c->depth - 2)) {
		fprintf(stderr, "zip_migrate: --inflight %u exceeds two queues of depth %u\n",
			c->inflight, c->depth);
		return -1;
	}
	if (c->neg == NEG_ABORT && c->settle) {
		fprintf(stderr, "zip_migrate: --abort needs jobs in flight, not --settle\n");
		return -1;
	}
	if (c->neg != NEG_NONE && c->rounds != 1) {
		fprintf(stderr, "zip_migrate: the negative modes take one round\n");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct zip_qm qm;
	struct cfg c;
	struct run r;
	unsigned int i, qi;
	uint64_t fl;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (parse_args(argc, argv, &c))
		return 2;

	memset(&r, 0, sizeof(r));
	r.c = &c;
	r.cap = ALIGN_PAGE(compressBound(c.chunk) + 64);
	/* One spare: --abort's extra job. */
	r.nslots = (c.inflight + NQ - 1) / NQ + 1;
	if (r.nslots < 4)
		r.nslots = 4;
	if (r.nslots > c.depth - 1)
		r.nslots = c.depth - 1;
	for (qi = 0; qi < NQ; qi++)
		r.busy[qi] = calloc(r.nslots, sizeof(bool));
	r.plain = malloc(c.chunk + 1);
	r.scratch = malloc(c.chunk + 1);
	if (!r.busy[0] || !r.busy[1] || !r.plain || !r.scratch) {
		fprintf(stderr, "zip_migrate: out of memory\n");
		return 1;
	}

	step = "source open";
	open_side(&r, &qm, c.dev[0]);
	check_flags(&qm, "source", &c, &fl);
	printf("zip_migrate: src=%s dst=%s completion=%s ram=%s precopy=%s mig_flags=0x%" PRIx64 " queues=%u+%u chunk=%zu inflight=%u%s\n",
	       c.dev[0], c.neg == NEG_ABORT ? "-" : c.dev[1],
	       c.irq ? "irq" : "poll", c.shared ? "shared" : "copy",
	       c.precopy ? "yes" : "no", fl, qm.qp_base, qm.qp_num, c.chunk,
	       c.inflight, c.settle ? " (settled before the stop)" : "");

	step = "source: jobs before the migration";
	run_batch(&r, c.before);

	if (c.neg == NEG_ABORT) {
		abort_run(&r, c.dev[0]);
	} else {
		for (i = 0; i < c.rounds; i++)
			migrate_round(&r, i + 1, c.dev[i % 2], c.dev[(i + 1) % 2]);
	}
	if (c.verbose)
		zq_print_stats(&qm, "zip_migrate: ");
	zq_close(&qm);
	free(r.jobs);
	free(r.busy[0]);
	free(r.busy[1]);
	free(r.plain);
	free(r.scratch);
	return 0;
}
