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

int main(void)
{
	Suite *s = suite_create("rng");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_streams_reproducible_and_distinct);
	tcase_add_test(tc, test_uniform_below_normal);
	tcase_add_test(tc, test_shuffle_is_a_permutation);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
