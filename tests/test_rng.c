#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/rng.h"

START_TEST(test_streams_reproducible_and_distinct)
{
	struct as_rng a, b, c;
	as_rng_seed(&a, 42, 1);
	as_rng_seed(&b, 42, 1);
	as_rng_seed(&c, 42, 2);
	int same_c = 0;
	for (int i = 0; i < 1000; i++) {
		uint64_t x = as_rng_u64(&a);
		ck_assert(x == as_rng_u64(&b));
		same_c += x == as_rng_u64(&c);
	}
	ck_assert_int_eq(same_c, 0);
}
END_TEST

START_TEST(test_uniform_below_normal)
{
	struct as_rng r;
	as_rng_seed(&r, 7, 0);
	size_t counts[7] = {0};
	double s = 0, s2 = 0, u = 0;
	const int n = 70000;
	for (int i = 0; i < n; i++) {
		uint32_t k = as_rng_below(&r, 7);
		ck_assert_uint_lt(k, 7);
		counts[k]++;
		float f = as_rng_uniform(&r);
		ck_assert(f >= 0.0f && f < 1.0f);
		u += f;
		double z = as_rng_normal(&r);
		ck_assert(isfinite(z));
		s += z;
		s2 += z * z;
	}
	for (int k = 0; k < 7; k++) /* 10,000 expected, sd about 93 */
		ck_assert(counts[k] > 9500 && counts[k] < 10500);
	ck_assert(fabs(u / n - 0.5) < 0.01);
	ck_assert(fabs(s / n) < 0.02);
	ck_assert(fabs(s2 / n - 1) < 0.03);
}
END_TEST

START_TEST(test_shuffle_is_a_permutation)
{
	struct as_rng r;
	as_rng_seed(&r, 3, 0);
	uint32_t idx[100];
	for (uint32_t i = 0; i < 100; i++)
		idx[i] = i;
	as_rng_shuffle(&r, idx, 100);
	int seen[100] = {0}, moved = 0;
	for (uint32_t i = 0; i < 100; i++) {
		seen[idx[i]]++;
		moved += idx[i] != i;
	}
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(seen[i], 1);
	ck_assert_int_gt(moved, 80);
}
END_TEST

START_TEST(test_bernoulli_means_and_independence)
{
	/* 16,000 values a probability class plus a 5-value tail: the mean
	 * of each class, the correlation of neighbours at the lags of the
	 * generator lanes (1, 8, 16), reproducibility, the tail */
	enum { N = 16 * 4000 + 5 };
	static float p[N], a[N], b[N];
	for (size_t i = 0; i < N; i++)
		p[i] = (float)(i % 4) / 3.0f * 0.8f + 0.1f; /* .1 .37 .63 .9 */
	struct as_rng r1, r2;
	as_rng_seed(&r1, 11, 3);
	as_rng_seed(&r2, 11, 3);
	as_rng_bernoulli(&r1, p, a, N);
	as_rng_bernoulli(&r2, p, b, N);
	ck_assert(memcmp(a, b, sizeof a) == 0);
	as_rng_bernoulli(&r1, p, b, N); /* the next call differs */
	size_t differ = 0;
	for (size_t i = 0; i < N; i++)
		differ += a[i] != b[i];
	ck_assert_uint_gt(differ, N / 4);
	double sum[4] = {0};
	for (size_t i = 0; i < N; i++) {
		ck_assert(a[i] == 0.0f || a[i] == 1.0f);
		sum[i % 4] += a[i];
	}
	for (int k = 0; k < 4; k++) { /* sd of a mean below 0.004 */
		double pk = (double)k / 3.0 * 0.8 + 0.1;
		ck_assert_msg(fabs(sum[k] / (N / 4) - pk) < 0.02,
			      "class %d: %.4f for %.3f", k, sum[k] / (N / 4),
			      pk);
	}
	/* at p = 1/2 everywhere, neighbours at lags 1, 8, 16 agree half
	 * the time (sd 0.004 over 64,000 pairs) */
	for (size_t i = 0; i < N; i++)
		p[i] = 0.5f;
	as_rng_bernoulli(&r1, p, a, N);
	const size_t lags[] = {1, 8, 16};
	for (int k = 0; k < 3; k++) {
		size_t agree = 0, L = lags[k];
		for (size_t i = 0; i + L < N; i++)
			agree += a[i] == a[i + L];
		double share = (double)agree / (double)(N - L);
		ck_assert_msg(fabs(share - 0.5) < 0.02, "lag %zu: %.4f", L,
			      share);
	}
	/* 0 and 1 are certain, the tail included */
	for (size_t i = 0; i < N; i++)
		p[i] = (float)(i % 2), a[i] = 7.0f; /* each value written */
	as_rng_bernoulli(&r1, p, a, N);
	for (size_t i = 0; i < N; i++)
		ck_assert_msg(a[i] == p[i], "value %zu", i);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("rng");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_streams_reproducible_and_distinct);
	tcase_add_test(tc, test_uniform_below_normal);
	tcase_add_test(tc, test_shuffle_is_a_permutation);
	tcase_add_test(tc, test_bernoulli_means_and_independence);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
