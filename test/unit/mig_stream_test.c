// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the migration stream codec (acc_mig_stream.c), compiled
 * for userspace unchanged: round trips, arrival in pieces, every single
 * bit flipped, every field check, record order, and a seeded random
 * mutation run. Prints one line per failure and exits 1 if any.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acc_mig_stream.h"

static int failures;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		failures++;						\
		printf("FAIL %s:%d: ", __FILE__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
	}								\
} while (0)

static const struct acc_mig_compat good_compat = {
	.device_id = 0xa251, .revision = 0x30, .qp_num = 16, .qp_base = 64,
	.que_iso_cfg = 0, .qm_caps = 0x1f,
};

static struct acc_mig_qm_state good_qm(void)
{
	struct acc_mig_qm_state s = {
		.vf_ready = 1, .aeq_int_mask = 0, .eq_int_mask = 0,
		.ifc_int_source = 1, .ifc_int_mask = 0, .ifc_int_set = 0,
		.page_size = 0,
		.eqc = { 3 | 5 << 16, 0x10000000, 0x1, 0, 0, 0,
			 (0x800 - 1) | 1 << 16 },
		.aeqc = { 0, 0x10008000, 0x1, 0, 0, 0, 0x400 - 1 },
		.sqc_bt = 0x110000000ull, .cqc_bt = 0x110004000ull,
	};
	return s;
}

/* A whole valid stream into buf; returns its length. */
static size_t good_stream(u8 *buf)
{
	struct acc_mig_qm_state qm = good_qm();
	size_t n;

	n = acc_mig_put_compat(buf, ACC_MIG_STREAM_MAX, &good_compat);
	n += acc_mig_put_qm_state(buf + n, ACC_MIG_STREAM_MAX - n, &qm);
	return n;
}

static bool qm_equal(const struct acc_mig_qm_state *a,
		     const struct acc_mig_qm_state *b)
{
	u8 x[ACC_MIG_QM_STATE_SIZE], y[ACC_MIG_QM_STATE_SIZE];

	acc_mig_put_qm_state(x, sizeof(x), a);
	acc_mig_put_qm_state(y, sizeof(y), b);
	return !memcmp(x, y, sizeof(x));
}

/* Feed a stream the way a resuming data fd gets it: in pieces of @chunk. */
static int feed(struct acc_mig_parser *p, const u8 *s, size_t len,
		size_t chunk, size_t *left, const char **why)
{
	u8 buf[ACC_MIG_STREAM_MAX + 64];
	size_t have = 0, off = 0, used;
	int ret = 0;

	memset(p, 0, sizeof(*p));
	while (off < len && !ret) {
		size_t n = len - off < chunk ? len - off : chunk;

		if (have + n > sizeof(buf))
			return -E2BIG;
		memcpy(buf + have, s + off, n);
		have += n;
		off += n;
		ret = acc_mig_parse(p, buf, have, &used, why);
		memmove(buf, buf + used, have - used);
		have -= used;
	}
	*left = have;
	return ret;
}

static void test_crc(void)
{
	const char *v = "123456789";

	CHECK(acc_mig_crc32c(0, (const u8 *)v, 9) == 0xe3069283,
	      "CRC32C check value: 0x%08x", acc_mig_crc32c(0, (const u8 *)v, 9));
}

static void test_round_trip(void)
{
	struct acc_mig_qm_state qm = good_qm();
	u8 s[ACC_MIG_STREAM_MAX];
	struct acc_mig_parser p;
	const char *why = "";
	size_t len, chunk, left;
	int ret;

	len = good_stream(s);
	CHECK(len == ACC_MIG_STREAM_MAX, "stream length %zu", len);
	for (chunk = 1; chunk <= len; chunk++) {
		ret = feed(&p, s, len, chunk, &left, &why);
		CHECK(!ret && !left && acc_mig_parser_has(&p, ACC_MIG_REC_COMPAT) &&
		      acc_mig_parser_has(&p, ACC_MIG_REC_QM_STATE),
		      "chunk %zu: ret %d (%s) left %zu", chunk, ret, why, left);
		CHECK(!memcmp(&p.compat, &good_compat, sizeof(good_compat)),
		      "chunk %zu: compat differs", chunk);
		CHECK(qm_equal(&p.qm, &qm), "chunk %zu: QM state differs",
		      chunk);
	}
	/* COMPAT alone is a valid prefix: the PRE_COPY initial bytes. */
	ret = feed(&p, s, ACC_MIG_COMPAT_SIZE, 7, &left, &why);
	CHECK(!ret && !left && p.seen == 1U << ACC_MIG_REC_COMPAT,
	      "compat alone: ret %d left %zu", ret, left);
	/* A not-ready VF: nothing but vf_ready = 0. */
	memset(&qm, 0, sizeof(qm));
	CHECK(!acc_mig_check_qm_state(&qm, &why), "idle state refused: %s",
	      why);
}

static void test_bit_flips(void)
{
	u8 s[ACC_MIG_STREAM_MAX];
	struct acc_mig_parser p;
	size_t len = good_stream(s), bit, used;
	const char *why;
	int ret;

	for (bit = 0; bit < len * 8; bit++) {
		s[bit / 8] ^= 1 << bit % 8;
		memset(&p, 0, sizeof(p));
		why = NULL;
		ret = acc_mig_parse(&p, s, len, &used, &why);
		CHECK(ret && why && used < len,
		      "bit %zu flipped: accepted (ret %d, used %zu)", bit, ret,
		      used);
		CHECK(!ret || ret == -EINVAL || ret == -EBADMSG,
		      "bit %zu: errno %d", bit, ret);
		s[bit / 8] ^= 1 << bit % 8;
	}
}

/* Encode a state with a valid CRC and expect the parser to refuse it. */
static void expect_bad_qm(const struct acc_mig_qm_state *qm, const char *what)
{
	u8 s[ACC_MIG_STREAM_MAX];
	struct acc_mig_parser p = { 0 };
	const char *why = NULL;
	size_t n, used;
	int ret;

	n = acc_mig_put_compat(s, sizeof(s), &good_compat);
	n += acc_mig_put_qm_state(s + n, sizeof(s) - n, qm);
	ret = acc_mig_parse(&p, s, n, &used, &why);
	CHECK(ret == -EINVAL && why && used == ACC_MIG_COMPAT_SIZE &&
	      !acc_mig_parser_has(&p, ACC_MIG_REC_QM_STATE),
	      "%s: ret %d used %zu", what, ret, used);
}

static void expect_bad_compat(const struct acc_mig_compat *c, const char *what)
{
	u8 s[ACC_MIG_STREAM_MAX];
	struct acc_mig_parser p = { 0 };
	const char *why = NULL;
	size_t n, used;
	int ret;

	n = acc_mig_put_compat(s, sizeof(s), c);
	ret = acc_mig_parse(&p, s, n, &used, &why);
	CHECK(ret == -EINVAL && why && !used && !p.seen,
	      "%s: ret %d used %zu", what, ret, used);
}

static void test_fields(void)
{
	struct acc_mig_qm_state q;
	struct acc_mig_compat c;

#define BAD_QM(stmt) do { q = good_qm(); stmt; expect_bad_qm(&q, #stmt); } while (0)
	BAD_QM(q.vf_ready = 2);
	BAD_QM(q.vf_ready = 0);			/* registers left set */
	BAD_QM(q.aeq_int_mask = 2);
	BAD_QM(q.eq_int_mask = 0x80000001);
	BAD_QM(q.ifc_int_mask = 4);
	BAD_QM(q.ifc_int_source = 2);
	BAD_QM(q.ifc_int_set = 1);
	BAD_QM(q.page_size = 3);
	BAD_QM(q.eqc[1] = 0; q.eqc[2] = 0);	/* EQ base 0 */
	BAD_QM(q.eqc[1] |= 8);			/* misaligned */
	BAD_QM(q.eqc[3] = 1);
	BAD_QM(q.eqc[6] = 0x800);		/* depth 0x801 */
	BAD_QM(q.eqc[6] = 0);			/* depth 1 */
	BAD_QM(q.eqc[6] |= 1 << 20);
	BAD_QM(q.eqc[0] = 0x800);		/* head = depth */
	BAD_QM(q.eqc[0] = 0x800U << 16);	/* tail = depth */
	BAD_QM(q.aeqc[6] = 0x400);		/* AEQ depth 0x401 */
	BAD_QM(q.aeqc[1] = 0; q.aeqc[2] = 0);
	BAD_QM(q.sqc_bt = 0);
	BAD_QM(q.cqc_bt |= 0x10);
#undef BAD_QM
#define BAD_C(stmt) do { c = good_compat; stmt; expect_bad_compat(&c, #stmt); } while (0)
	BAD_C(c.device_id = 0);
	BAD_C(c.revision = 0x21);
	BAD_C(c.reserved = 1);
	BAD_C(c.qp_num = 0);
	BAD_C(c.qp_num = ACC_MIG_QP_MAX + 1);
	BAD_C(c.que_iso_cfg = 2);
#undef BAD_C
}

static void test_match(void)
{
	struct acc_mig_compat d;
	const char *why;

#define DIFF(stmt, want) do {						\
	d = good_compat; stmt; why = NULL;				\
	CHECK(acc_mig_match_compat(&good_compat, &d, &why) == (want),	\
	      "%s: match gave the wrong answer", #stmt);		\
	CHECK(!(want) || why, "%s: no reason given", #stmt);		\
} while (0)
	DIFF((void)0, 0);
	DIFF(d.qp_base = 0, 0);			/* queue ids are local */
	DIFF(d.device_id = 0xa256, -EOPNOTSUPP);
	DIFF(d.revision = 0x31, -EOPNOTSUPP);
	DIFF(d.qp_num = 8, -EOPNOTSUPP);
	DIFF(d.que_iso_cfg = 1, -EOPNOTSUPP);
	DIFF(d.qm_caps = 0, -EOPNOTSUPP);
#undef DIFF
}

/* Re-seal a record at @rec after editing its header. */
static void reseal(u8 *rec, size_t size)
{
	u32 crc = acc_mig_crc32c(0, rec, size - 4);

	rec[size - 4] = crc;
	rec[size - 3] = crc >> 8;
	rec[size - 2] = crc >> 16;
	rec[size - 1] = crc >> 24;
}

static void test_order(void)
{
	struct acc_mig_qm_state qm = good_qm();
	u8 s[3 * ACC_MIG_STREAM_MAX];
	struct acc_mig_parser p;
	const char *why;
	size_t n, used;
	int ret;

	/* QM state first. */
	n = acc_mig_put_qm_state(s, sizeof(s), &qm);
	memset(&p, 0, sizeof(p));
	ret = acc_mig_parse(&p, s, n, &used, &why);
	CHECK(ret == -EINVAL && !used, "QM state first: ret %d", ret);
	/* Compat twice. */
	n = acc_mig_put_compat(s, sizeof(s), &good_compat);
	n += acc_mig_put_compat(s + n, sizeof(s) - n, &good_compat);
	memset(&p, 0, sizeof(p));
	ret = acc_mig_parse(&p, s, n, &used, &why);
	CHECK(ret == -EINVAL && used == ACC_MIG_COMPAT_SIZE,
	      "compat twice: ret %d used %zu", ret, used);
	/* Anything after the QM state. */
	n = good_stream(s);
	n += acc_mig_put_compat(s + n, sizeof(s) - n, &good_compat);
	memset(&p, 0, sizeof(p));
	ret = acc_mig_parse(&p, s, n, &used, &why);
	CHECK(ret == -EINVAL && used == ACC_MIG_STREAM_MAX,
	      "record after the QM state: ret %d used %zu", ret, used);
	/* Another major version, CRC valid. */
	n = acc_mig_put_compat(s, sizeof(s), &good_compat);
	s[5] = 2;
	reseal(s, n);
	memset(&p, 0, sizeof(p));
	ret = acc_mig_parse(&p, s, n, &used, &why);
	CHECK(ret == -EINVAL && !used, "major 2: ret %d", ret);
	/* A newer minor version of the same major is read. */
	s[5] = 1;
	s[4] = 7;
	reseal(s, n);
	memset(&p, 0, sizeof(p));
	ret = acc_mig_parse(&p, s, n, &used, &why);
	CHECK(!ret && used == n, "minor 7: ret %d", ret);
	/* Unknown type, and a known type with another length. */
	s[6] = 9;
	reseal(s, n);
	memset(&p, 0, sizeof(p));
	CHECK(acc_mig_parse(&p, s, n, &used, &why) == -EINVAL,
	      "unknown type accepted");
	s[6] = ACC_MIG_REC_COMPAT;
	s[8] += 4;
	memset(&p, 0, sizeof(p));
	CHECK(acc_mig_parse(&p, s, n, &used, &why) == -EINVAL,
	      "wrong length accepted");
	/* Encoders refuse a short buffer. */
	CHECK(!acc_mig_put_compat(s, ACC_MIG_COMPAT_SIZE - 1, &good_compat),
	      "short compat buffer");
	CHECK(!acc_mig_put_qm_state(s, ACC_MIG_QM_STATE_SIZE - 1, &qm),
	      "short QM state buffer");
}

static u64 rng = 0x9e3779b97f4a7c15ull;

static u32 rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng >> 16;
}

/*
 * Random mutations of a valid stream, fed in random pieces: whatever the
 * parser accepts must pass the field checks again and re-encode to the
 * bytes it came from.
 */
static void test_random(unsigned int rounds)
{
	u8 good[ACC_MIG_STREAM_MAX], s[ACC_MIG_STREAM_MAX + 16];
	size_t glen = good_stream(good), len, left;
	struct acc_mig_parser p;
	unsigned int r, k, accepted = 0;
	const char *why;
	int ret;

	for (r = 0; r < rounds; r++) {
		memcpy(s, good, glen);
		len = glen;
		for (k = rnd() % 4; k; k--)
			s[rnd() % len] = rnd();
		if (rnd() % 4 == 0)
			len = rnd() % (sizeof(s) + 1);
		ret = feed(&p, s, len, 1 + rnd() % 64, &left, &why);
		if (ret)
			continue;
		if (acc_mig_parser_has(&p, ACC_MIG_REC_COMPAT))
			CHECK(!acc_mig_check_compat(&p.compat, &why),
			      "round %u: accepted compat fails its check", r);
		if (acc_mig_parser_has(&p, ACC_MIG_REC_QM_STATE)) {
			u8 re[ACC_MIG_STREAM_MAX];

			CHECK(!acc_mig_check_qm_state(&p.qm, &why),
			      "round %u: accepted state fails its check", r);
			acc_mig_put_compat(re, sizeof(re), &p.compat);
			acc_mig_put_qm_state(re + ACC_MIG_COMPAT_SIZE,
					     ACC_MIG_QM_STATE_SIZE, &p.qm);
			CHECK(!memcmp(re, s, glen),
			      "round %u: accepted bytes do not re-encode", r);
			accepted++;
		}
	}
	printf("random: %u rounds, %u whole streams accepted\n", rounds,
	       accepted);
}

/* Fuzzer seeds: a piece-size byte, then a whole stream or its prefix. */
static int write_corpus(const char *dir)
{
	u8 s[1 + ACC_MIG_STREAM_MAX];
	const struct { const char *name; u8 piece; size_t len; } seeds[] = {
		{ "whole", 7, ACC_MIG_STREAM_MAX },
		{ "compat", 0, ACC_MIG_COMPAT_SIZE },
	};
	char path[4096];
	unsigned int i;
	FILE *f;

	good_stream(s + 1);
	for (i = 0; i < ARRAY_SIZE(seeds); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, seeds[i].name);
		s[0] = seeds[i].piece;
		f = fopen(path, "wb");
		if (!f || fwrite(s, 1 + seeds[i].len, 1, f) != 1 || fclose(f)) {
			perror(path);
			return 1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int rounds = 200000;

	if (argc == 3 && !strcmp(argv[1], "--corpus"))
		return write_corpus(argv[2]);
	if (argc > 1)
		rounds = strtoul(argv[1], NULL, 0);

	test_crc();
	test_round_trip();
	test_bit_flips();
	test_fields();
	test_match();
	test_order();
	test_random(rounds);
	printf("%s: %d failure(s)\n", failures ? "FAIL" : "ok", failures);
	return failures ? 1 : 0;
}
