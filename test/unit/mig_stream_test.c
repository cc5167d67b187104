// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the migration stream codec (acc_mig_stream.c), compiled
 * for userspace unchanged: the wire format pinned by a golden stream,
 * round trips, arrival in pieces, every single bit flipped, every field
 * check, every version, record order, and seeded random mutations, both
 * raw (the CRC catches them) and resealed (the field checks must). Prints
 * one line per failure and exits 1 if any.
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

/* Field by field: the struct has padding, and the encoder is under test. */
static bool qm_equal(const struct acc_mig_qm_state *a,
		     const struct acc_mig_qm_state *b)
{
	unsigned int i;

	for (i = 0; i < ACC_MIG_EQC_DWORDS; i++)
		if (a->eqc[i] != b->eqc[i] || a->aeqc[i] != b->aeqc[i])
			return false;
	return a->vf_ready == b->vf_ready &&
	       a->aeq_int_mask == b->aeq_int_mask &&
	       a->eq_int_mask == b->eq_int_mask &&
	       a->ifc_int_source == b->ifc_int_source &&
	       a->ifc_int_mask == b->ifc_int_mask &&
	       a->ifc_int_set == b->ifc_int_set &&
	       a->page_size == b->page_size && a->sqc_bt == b->sqc_bt &&
	       a->cqc_bt == b->cqc_bt;
}

static bool compat_equal(const struct acc_mig_compat *a,
			 const struct acc_mig_compat *b)
{
	return a->device_id == b->device_id && a->revision == b->revision &&
	       a->reserved == b->reserved && a->qp_num == b->qp_num &&
	       a->qp_base == b->qp_base && a->que_iso_cfg == b->que_iso_cfg &&
	       a->qm_caps == b->qm_caps;
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
		CHECK(compat_equal(&p.compat, &good_compat),
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

/*
 * Every single bit flipped is refused: in a version field (bytes 4 and 5
 * of a record) for its version, which makes it 1.x with x > 0 or another
 * major; anywhere else by the CRC or the framing checks before it.
 */
static void test_bit_flips(void)
{
	u8 s[ACC_MIG_STREAM_MAX];
	struct acc_mig_parser p;
	size_t len = good_stream(s), bit, used, at;
	const char *why;
	bool version;
	int ret;

	for (bit = 0; bit < len * 8; bit++) {
		at = bit / 8;
		if (at >= ACC_MIG_COMPAT_SIZE)
			at -= ACC_MIG_COMPAT_SIZE;
		version = at == 4 || at == 5;
		s[bit / 8] ^= 1 << bit % 8;
		memset(&p, 0, sizeof(p));
		why = NULL;
		ret = acc_mig_parse(&p, s, len, &used, &why);
		CHECK(ret && why && used < len,
		      "bit %zu flipped: accepted (ret %d, used %zu)", bit, ret,
		      used);
		if (version)
			CHECK(ret == -EPROTONOSUPPORT,
			      "bit %zu (version): errno %d (%s)", bit, ret, why);
		else
			CHECK(ret == -EINVAL || ret == -EBADMSG,
			      "bit %zu: errno %d (%s)", bit, ret, why);
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

/* Re-seal the record at @rec after editing it. */
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
	/* Unknown type, and a known type with another length. */
	n = acc_mig_put_compat(s, sizeof(s), &good_compat);
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

/*
 * Every version in each record, CRC valid: only what the rule of
 * acc_mig_stream.h allows is read (today 0x0100 alone). The rest is
 * refused from the 12-byte header alone with -EPROTONOSUPPORT, another
 * major and a newer minor each with a reason of its own.
 */
static void test_version(void)
{
	const char *why, *why_major = NULL, *why_minor = NULL, **first;
	size_t n, at, size, used;
	unsigned int k, v, major, minor, tried = 0, refused = 0;
	int before = failures;	/* 2^17 cases: stop after a few failures */
	u8 s[ACC_MIG_STREAM_MAX];
	struct acc_mig_parser p;
	bool readable;
	int rec, ret;

	for (rec = 0; rec < 2 && failures < before + 16; rec++) {
		at = rec ? ACC_MIG_COMPAT_SIZE : 0;
		size = rec ? ACC_MIG_QM_STATE_SIZE : ACC_MIG_COMPAT_SIZE;
		/* From the current version up, so the newer minors come first. */
		for (k = 0; k <= 0xffff && failures < before + 16; k++) {
			v = (ACC_MIG_VERSION + k) & 0xffff;
			tried++;
			n = good_stream(s);
			s[at + 4] = v;
			s[at + 5] = v >> 8;
			reseal(s + at, size);
			major = v >> 8;
			minor = v & 0xff;
			readable = major == ACC_MIG_VERSION >> 8 &&
				   minor <= (ACC_MIG_VERSION & 0xff);
			memset(&p, 0, sizeof(p));
			why = NULL;
			ret = acc_mig_parse(&p, s, at + ACC_MIG_HDR_SIZE, &used,
					    &why);
			if (readable) {
				CHECK(!ret && used == at,
				      "version %04x, record %d: header refused (%d, %s)",
				      v, rec, ret, why);
				memset(&p, 0, sizeof(p));
				ret = acc_mig_parse(&p, s, n, &used, &why);
				CHECK(!ret && used == n,
				      "version %04x, record %d: refused (%d, %s)",
				      v, rec, ret, why);
				continue;
			}
			CHECK(ret == -EPROTONOSUPPORT && used == at && why,
			      "version %04x, record %d: not refused from its header (ret %d, used %zu)",
			      v, rec, ret, used);
			if (!why)
				continue;
			refused++;
			first = major != ACC_MIG_VERSION >> 8 ? &why_major :
								 &why_minor;
			if (!*first)
				*first = why;
			CHECK(!strcmp(why, *first),
			      "version %04x: reason \"%s\", not \"%s\"", v, why,
			      *first);
		}
	}
	CHECK(why_major && why_minor && strcmp(why_major, why_minor),
	      "another major and a newer minor not told apart");
	printf("versions: %u of %u refused; other major: \"%s\"; newer minor: \"%s\"\n",
	       refused, tried, why_major ? why_major : "-",
	       why_minor ? why_minor : "-");
}

/*
 * The wire format, pinned: good_compat and good_qm() as version 1.0
 * writes them, field by field from the layout in acc_mig_stream.h (the
 * CRCs computed apart from the codec). If the encoding ever changes,
 * streams between builds break: that needs a new version, then a new
 * golden stream.
 */
static const char *const golden_hex[] = {
	/* COMPAT: magic, version 1.0, type 1, length 36 */
	"4143436d 0001 0100 24000000",
	/* device 0xa251, revision 0x30, reserved, 16 qps at 64, iso, caps */
	"51a2 30 00 10000000 40000000 00000000 1f000000",
	/* CRC32C */
	"30567b9f",
	/* QM_STATE: magic, version 1.0, type 2, length 116 */
	"4143436d 0001 0200 74000000",
	/* vf_ready, aeq/eq masks, ifc source/mask/set, page size */
	"01000000 00000000 00000000 01000000 00000000 00000000",
	"00000000",
	/* EQC, then AEQC: head/tail, base low/high, 0, 0, 0, depth/phase */
	"03000500 00000010 01000000 00000000 00000000 00000000",
	"ff070100",
	"00000000 00800010 01000000 00000000 00000000 00000000",
	"ff030000",
	/* SQC and CQC table bases */
	"0000001001000000 0040001001000000",
	/* CRC32C */
	"e07562b1",
};

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static void test_golden(void)
{
	struct acc_mig_qm_state qm = good_qm();
	u8 g[ACC_MIG_STREAM_MAX] = { 0 }, s[ACC_MIG_STREAM_MAX];
	struct acc_mig_parser p;
	size_t i, l, left, n = 0;
	const char *why = "", *h;
	int ret;

	for (l = 0; l < ARRAY_SIZE(golden_hex); l++) {
		for (h = golden_hex[l]; *h; h++) {
			if (*h == ' ')
				continue;
			if (n == sizeof(g) || hexval(h[0]) < 0 ||
			    hexval(h[1]) < 0)
				break;
			g[n++] = hexval(h[0]) << 4 | hexval(h[1]);
			h++;
		}
		CHECK(!*h, "golden: line %zu: bad hex or too long", l);
	}
	CHECK(n == sizeof(g), "golden: %zu bytes", n);
	CHECK(good_stream(s) == sizeof(s) && !memcmp(s, g, sizeof(g)),
	      "golden: the encoding changed");
	for (i = 0; i < sizeof(s); i++)
		if (s[i] != g[i])
			printf("golden: byte %zu is %02x, pinned %02x\n", i,
			       s[i], g[i]);
	ret = feed(&p, g, sizeof(g), sizeof(g), &left, &why);
	CHECK(!ret && !left && acc_mig_parser_has(&p, ACC_MIG_REC_QM_STATE),
	      "golden: refused (%d, %s)", ret, why);
	CHECK(compat_equal(&p.compat, &good_compat) && qm_equal(&p.qm, &qm),
	      "golden: decodes to other values");
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
 * bytes it came from. The CRC stops nearly all of these before the field
 * checks: test_resealed() is for those.
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

/* One mutation at @b, @word being the 4-byte payload word around it. */
static void mutate(u8 *b, u8 *word)
{
	switch (rnd() % 5) {
	case 0:
		*b = rnd();
		break;
	case 1:
		*b ^= 1 << rnd() % 8;
		break;
	case 2:
		*b = 0;
		break;
	case 3:
		*b = 0xff;
		break;
	default:	/* a small value: flags, counts and states are */
		memset(word, 0, 4);
		word[0] = rnd() % 4;
	}
}

/* acc_mig_check_compat() has 5 reasons, acc_mig_check_qm_state() 8. */
#define FIELD_REASONS	13

/*
 * Mutations that get past the CRC: payload bytes only, then both records
 * resealed, so that each one is judged by the field checks. A refusal
 * must then be theirs (-EINVAL, the refused record not taken), an
 * acceptance must re-encode to the mutated bytes. Refusals are counted by
 * reason, and the run fails unless every field check refused something:
 * it cannot pass without reaching them.
 */
static void test_resealed(unsigned int rounds)
{
	static const size_t at[] = { 0, ACC_MIG_COMPAT_SIZE };
	static const size_t size[] = {
		ACC_MIG_COMPAT_SIZE, ACC_MIG_QM_STATE_SIZE,
	};
	u8 good[ACC_MIG_STREAM_MAX], s[ACC_MIG_STREAM_MAX];
	u8 re[ACC_MIG_STREAM_MAX];
	struct { const char *why; unsigned int n; } reasons[32];
	unsigned int r, k, i, rec, nreasons = 0, accepted = 0, refused = 0;
	size_t len = good_stream(good), off, left;
	struct acc_mig_parser p;
	const char *why;
	int ret;

	for (r = 0; r < rounds; r++) {
		memcpy(s, good, len);
		for (k = 1 + rnd() % 3; k; k--) {
			rec = rnd() % 2;
			off = rnd() % (size[rec] - ACC_MIG_HDR_SIZE -
				       ACC_MIG_CRC_SIZE);
			mutate(s + at[rec] + ACC_MIG_HDR_SIZE + off,
			       s + at[rec] + ACC_MIG_HDR_SIZE + (off & ~3UL));
		}
		reseal(s + at[0], size[0]);
		reseal(s + at[1], size[1]);
		why = NULL;
		ret = feed(&p, s, len, 1 + rnd() % 64, &left, &why);
		if (!ret) {
			CHECK(acc_mig_parser_has(&p, ACC_MIG_REC_QM_STATE),
			      "resealed round %u: stream not taken whole", r);
			acc_mig_put_compat(re, sizeof(re), &p.compat);
			acc_mig_put_qm_state(re + ACC_MIG_COMPAT_SIZE,
					     ACC_MIG_QM_STATE_SIZE, &p.qm);
			CHECK(!memcmp(re, s, len),
			      "resealed round %u: accepted bytes do not re-encode",
			      r);
			accepted++;
			continue;
		}
		CHECK(ret == -EINVAL && why &&
		      !acc_mig_parser_has(&p, ACC_MIG_REC_QM_STATE),
		      "resealed round %u: ret %d (%s)", r, ret, why);
		if (!why)
			continue;
		refused++;
		for (i = 0; i < nreasons && strcmp(reasons[i].why, why); i++)
			;
		if (i == ARRAY_SIZE(reasons))
			continue;
		if (i == nreasons) {
			reasons[nreasons].why = why;
			reasons[nreasons++].n = 0;
		}
		reasons[i].n++;
	}
	printf("resealed: %u rounds, %u accepted, %u refused by field checks for %u reasons:\n",
	       rounds, accepted, refused, nreasons);
	for (i = 0; i < nreasons; i++)
		printf("  %8u  %s\n", reasons[i].n, reasons[i].why);
	CHECK(nreasons >= FIELD_REASONS && accepted,
	      "resealed: %u of %d field checks reached, %u accepted",
	      nreasons, FIELD_REASONS, accepted);
}

/*
 * Fuzzer seeds: a piece-size byte, then a whole stream or its prefix, or
 * a whole stream with one record at the next minor or major (CRC valid).
 */
static int write_corpus(const char *dir)
{
	u8 s[1 + ACC_MIG_STREAM_MAX];
	const struct {
		const char *name;
		u8 piece;
		size_t len, rec;
		u16 version;
	} seeds[] = {
		{ "whole", 7, ACC_MIG_STREAM_MAX, 0, ACC_MIG_VERSION },
		{ "compat", 0, ACC_MIG_COMPAT_SIZE, 0, ACC_MIG_VERSION },
		{ "compat-minor-next", 11, ACC_MIG_STREAM_MAX, 0,
		  ACC_MIG_VERSION + 1 },
		{ "qm-minor-next", 63, ACC_MIG_STREAM_MAX, ACC_MIG_COMPAT_SIZE,
		  ACC_MIG_VERSION + 1 },
		{ "compat-major-next", 3, ACC_MIG_STREAM_MAX, 0,
		  ACC_MIG_VERSION + 0x100 },
	};
	char path[4096];
	unsigned int i;
	FILE *f;

	for (i = 0; i < ARRAY_SIZE(seeds); i++) {
		u8 *rec = s + 1 + seeds[i].rec;

		good_stream(s + 1);
		rec[4] = seeds[i].version;
		rec[5] = seeds[i].version >> 8;
		reseal(rec, seeds[i].rec ? ACC_MIG_QM_STATE_SIZE :
					   ACC_MIG_COMPAT_SIZE);
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
	test_golden();
	test_round_trip();
	test_bit_flips();
	test_fields();
	test_match();
	test_order();
	test_version();
	test_random(rounds);
	test_resealed(rounds);
	printf("%s: %d failure(s)\n", failures ? "FAIL" : "ok", failures);
	return failures ? 1 : 0;
}
