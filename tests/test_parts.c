#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/parts.h"

/* A code's parts by hand: 3 units of a tied 4-pixel model whose rows are
 * orthogonal with norms 1, 2 and 3; h = (0.9, 0.5, 0.1): shares 0.9, 1.0
 * and 0.3, so the order is unit 1, unit 0, unit 2; the decoder's input
 * a = sum h_j w_j has energy 0.81 + 1 + 0.09 = 1.9; the first unit leaves
 * 0.9 (47%), two leave 0.09 (4.7% <= 10%): 2 units carry 90% */
START_TEST(test_parts_by_hand)
{
	struct as_model *m;
	struct as_error err;
	ck_assert_int_eq(as_model_create(4, 3, 1, &m, &err), AS_OK);
	m->tied = 1;
	float w[12] = {1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 3, 0};
	memcpy(m->w, w, sizeof w);
	for (int i = 0; i < 4; i++)
		m->c[i] = 0.5f * (float)i;
	float h[3] = {0.9f, 0.5f, 0.1f}, norms[3], scratch[8];
	float partial[AS_PARTS_K * 4], cols[AS_PARTS_K * 4];
	as_parts_norms(m, 0, norms);
	ck_assert(fabsf(norms[2] - 3) < 1e-6f);
	struct as_parts p;
	as_parts_of(m, 0, 1, h, norms, &p, partial, cols, scratch);
	ck_assert_int_eq(p.k, 3);
	ck_assert_uint_eq(p.unit[0], 1);
	ck_assert_uint_eq(p.unit[1], 0);
	ck_assert_uint_eq(p.unit[2], 2);
	ck_assert(p.code[0] == 0.5f);
	ck_assert_int_eq(p.units_90, 2);
	/* the first partial sum through the sigmoid: c + 0.5 w_1 */
	float want[4] = {0.0f, 1.5f, 1.0f, 1.5f};
	for (int i = 0; i < 4; i++)
		ck_assert(fabsf(partial[i] - 1.0f / (1.0f + expf(-want[i]))) <
			  1e-6f);
	/* each kept unit's column */
	ck_assert(cols[1] == 2.0f && cols[4] == 1.0f && cols[10] == 3.0f);
	/* sparse coding: no bias, no sigmoid; a zero code has no parts */
	as_parts_of(m, 1, 0, h, norms, &p, partial, cols, scratch);
	ck_assert(fabsf(partial[1] - 1.0f) < 1e-6f && partial[0] == 0.0f);
	float zero[3] = {0, 0, 0};
	as_parts_of(m, 1, 0, zero, norms, &p, partial, cols, scratch);
	ck_assert_int_eq(p.k, 0);
	ck_assert_int_eq(p.units_90, 0);
	as_model_free(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("parts");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_parts_by_hand);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
