#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/idx.h"
#include "autoscope/rng.h"

static unsigned char buf[16 + 5 * 4 * 3 + 64];

/* An idx3 file of n x r x c unsigned bytes, pixels i % 256 (as many as
 * fit in buf: larger headers are for tests of the header alone). */
static size_t make(uint32_t n, uint32_t r, uint32_t c)
{
	unsigned char h[16] = {0, 0, 0x08, 3};
	uint32_t d[3] = {n, r, c};
	for (int i = 0; i < 3; i++) {
		h[4 + 4 * i] = (unsigned char)(d[i] >> 24);
		h[5 + 4 * i] = (unsigned char)(d[i] >> 16);
		h[6 + 4 * i] = (unsigned char)(d[i] >> 8);
		h[7 + 4 * i] = (unsigned char)d[i];
	}
	memcpy(buf, h, 16);
	size_t count = (size_t)n * r * c;
	for (size_t i = 0; i < count && 16 + i < sizeof buf; i++)
		buf[16 + i] = (unsigned char)i;
	return 16 + count;
}

START_TEST(test_valid)
{
	size_t len = make(5, 4, 3);
	struct as_idx idx;
	struct as_error err;
	ck_assert_int_eq(as_idx_parse(buf, len, "x", &idx, &err), AS_OK);
	ck_assert_int_eq(idx.ndim, 3);
	ck_assert_uint_eq(idx.dims[0], 5);
	ck_assert_uint_eq(idx.dims[1], 4);
	ck_assert_uint_eq(idx.dims[2], 3);
	ck_assert_uint_eq(idx.count, 60);
	ck_assert_ptr_eq(idx.data, buf + 16);
	ck_assert_uint_eq(idx.data[59], 59);
}
END_TEST

static void expect(size_t len, const char *words)
{
	struct as_idx idx;
	struct as_error err;
	ck_assert_int_eq(as_idx_parse(buf, len, "t10k.idx", &idx, &err),
			 AS_ERR_FORMAT);
	ck_assert_msg(strstr(err.msg, words) != NULL, "message '%s' lacks '%s'",
		      err.msg, words);
	ck_assert(strstr(err.msg, "t10k.idx") != NULL);
	ck_assert_ptr_null(idx.data);
}

START_TEST(test_wrong_magic)
{
	size_t len = make(5, 4, 3);
	buf[0] = 0x1f; /* a gzip header, say, handed over unopened */
	expect(len, "not an IDX file");
}
END_TEST

START_TEST(test_wrong_type)
{
	size_t len = make(5, 4, 3);
	buf[2] = 0x0D; /* float */
	expect(len, "type 0x0d");
}
END_TEST

START_TEST(test_bad_ndim)
{
	size_t len = make(5, 4, 3);
	buf[3] = 0;
	expect(len, "0 dimensions");
	buf[3] = 5;
	expect(len, "5 dimensions");
}
END_TEST

START_TEST(test_truncated)
{
	size_t len = make(5, 4, 3);
	expect(len - 1, "only 59 follow");
	expect(len - 1, "truncated");
	expect(10, "truncated header");
	expect(3, "too short");
}
END_TEST

START_TEST(test_extra_bytes)
{
	size_t len = make(5, 4, 3);
	expect(len + 7, "67 follow");
}
END_TEST

START_TEST(test_zero_dimension)
{
	size_t len = make(5, 0, 3);
	expect(len, "dimension 2 is zero");
}
END_TEST

START_TEST(test_overflow)
{
	/* 4 dims of 0xffffffff: the product overflows 64 bits */
	unsigned char h[20] = {0, 0, 0x08, 4};
	memset(h + 4, 0xff, 16);
	memcpy(buf, h, 20);
	expect(20, "overflow");
	/* large but representable: refused against the real length */
	make(100000, 28, 28);
	expect(16 + 60, "header says 100000 x 28 x 28");
}
END_TEST

/* Random damage to a valid file (a byte overwritten, the length cut or
 * padded): every parse either fails with a message or returns a view that
 * stays inside the buffer and agrees with its own header. Under ASan any
 * read past the buffer is caught. */
START_TEST(test_random_damage)
{
	size_t len = make(5, 4, 3);
	unsigned char orig[sizeof buf];
	memcpy(orig, buf, sizeof buf);
	struct as_rng rng;
	as_rng_seed(&rng, 77, 0);
	size_t ok = 0, bad = 0;
	for (int trial = 0; trial < 20000; trial++) {
		memcpy(buf, orig, sizeof buf);
		size_t n = len;
		int hits = 1 + (int)as_rng_below(&rng, 3);
		for (int h = 0; h < hits; h++)
			buf[as_rng_below(&rng, 16)] =
				(unsigned char)as_rng_below(&rng, 256);
		if (as_rng_below(&rng, 4) == 0)
			n = as_rng_below(&rng, (uint32_t)sizeof buf);
		/* an exact copy, so ASan sees the true end */
		unsigned char *copy = malloc(n ? n : 1);
		memcpy(copy, buf, n);
		struct as_idx idx;
		struct as_error err = {0};
		if (as_idx_parse(copy, n, "fuzz", &idx, &err) == AS_OK) {
			size_t prod = 1;
			for (int i = 0; i < idx.ndim; i++)
				prod *= idx.dims[i];
			ck_assert_uint_eq(prod, idx.count);
			ck_assert(idx.data + idx.count == copy + n);
			ok++;
		} else {
			ck_assert(strstr(err.msg, "fuzz") != NULL);
			bad++;
		}
		free(copy);
	}
	ck_assert_uint_gt(bad, 1000);
	ck_assert_uint_gt(ok, 10); /* harmless damage, e.g. to pixels */
}
END_TEST

int main(void)
{
	Suite *s = suite_create("idx");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_valid);
	suite_add_tcase(s, tc);
	TCase *bad = tcase_create("malformed");
	tcase_add_test(bad, test_wrong_magic);
	tcase_add_test(bad, test_wrong_type);
	tcase_add_test(bad, test_bad_ndim);
	tcase_add_test(bad, test_truncated);
	tcase_add_test(bad, test_extra_bytes);
	tcase_add_test(bad, test_zero_dimension);
	tcase_add_test(bad, test_overflow);
	tcase_add_test(bad, test_random_damage);
	suite_add_tcase(s, bad);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
