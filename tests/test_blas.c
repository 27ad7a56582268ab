#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/blas.h"
#include "autoscope/rng.h"

/* The sgemm wrapper against its plain twin, every transpose combination,
 * odd sizes and strides, alpha and beta. */
START_TEST(test_wrapper_matches_reference)
{
	struct as_rng r;
	as_rng_seed(&r, 5, 0);
	const size_t m = 13, n = 7, k = 29, pad = 3;
	float a[(29 + 3) * (29 + 3)], b[(29 + 3) * (29 + 3)];
	float c1[13 * (7 + 3)], c2[13 * (7 + 3)];
	for (size_t i = 0; i < sizeof a / sizeof a[0]; i++) {
		a[i] = as_rng_normal(&r);
		b[i] = as_rng_normal(&r);
	}
	for (int ta = 0; ta < 2; ta++)
		for (int tb = 0; tb < 2; tb++) {
			size_t lda = (ta ? m : k) + pad,
			       ldb = (tb ? k : n) + pad;
			size_t ldc = n + pad;
			for (size_t i = 0; i < m * ldc; i++)
				c1[i] = c2[i] = (float)i * 0.01f;
			as_sgemm(ta, tb, m, n, k, 0.5f, a, lda, b, ldb, 2.0f,
				 c1, ldc);
			as_sgemm_ref(ta, tb, m, n, k, 0.5f, a, lda, b, ldb,
				     2.0f, c2, ldc);
			for (size_t i = 0; i < m; i++)
				for (size_t j = 0; j < ldc; j++)
					ck_assert_msg(fabsf(c1[i * ldc + j] -
							    c2[i * ldc + j]) <
							      1e-4f,
						      "ta %d tb %d (%zu,%zu)",
						      ta, tb, i, j);
		}
}
END_TEST

START_TEST(test_is_openblas)
{
	ck_assert(strstr(as_blas_name(), "OpenBLAS") != NULL);
	as_blas_set_threads(1);
	ck_assert_int_eq(as_blas_threads(), 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("blas");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_wrapper_matches_reference);
	tcase_add_test(tc, test_is_openblas);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
