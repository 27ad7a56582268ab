#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "autoscope/checkpoint.h"
#include "autoscope/frames.h"

/* 3 units of 4 values: unit k rises by k+1 a value, offset by the frame */
static void weights(float *w, int frame)
{
	for (int k = 0; k < 3; k++)
		for (int i = 0; i < 4; i++)
			w[k * 4 + i] = (float)(frame + (k + 1) * i) - 2.0f;
}

/* Each unit over its own range: its minimum 0, its maximum 1, a constant
 * unit mid gray; what the explorer draws of the live weights. */
START_TEST(test_quantised_per_unit)
{
	struct as_frames fr;
	struct as_error err;
	ck_assert_int_eq(as_frames_init(&fr, 3, 4, 1, &err), AS_OK);
	float w[12];
	weights(w, 0);
	w[8] = w[9] = w[10] = w[11] = 7.0f; /* unit 2 constant */
	as_frames_add(&fr, w, 5, 100, 0, 0.0);
	ck_assert_uint_eq(fr.n, 1);
	float u[4];
	as_frames_unit(&fr, 0, 0, u);
	ck_assert(u[0] == 0.0f && u[3] == 1.0f);
	ck_assert(fabsf(u[1] - 1.0f / 3.0f) < 0.5f / 255.0f);
	as_frames_unit(&fr, 0, 2, u);
	ck_assert(fabsf(u[0] - 128.0f / 255.0f) < 1e-6f);
	ck_assert_uint_eq(fr.f[0].step, 5);
	ck_assert_uint_eq(fr.f[0].examples, 100);
	as_frames_free(&fr);
}
END_TEST

/* Due at 0.5 s, 1 s, 2 s, 4 s ... of training time and at each new
 * epoch's end; no history with a zero budget. */
START_TEST(test_schedule)
{
	struct as_frames fr;
	struct as_error err;
	ck_assert_int_eq(as_frames_init(&fr, 3, 4, 1, &err), AS_OK);
	float w[12];
	weights(w, 0);
	ck_assert(!as_frames_due(&fr, 0.49, 0, 0));
	ck_assert(as_frames_due(&fr, 0.5, 0, 0));
	as_frames_add(&fr, w, 1, 10, 0, 0.5);
	ck_assert(!as_frames_due(&fr, 0.99, 0, 0));
	ck_assert(as_frames_due(&fr, 1.0, 0, 0));
	/* a slow step past several marks: one frame, the next mark after */
	as_frames_add(&fr, w, 2, 20, 0, 5.0);
	ck_assert(!as_frames_due(&fr, 7.9, 0, 0));
	ck_assert(as_frames_due(&fr, 8.0, 0, 0));
	ck_assert(as_frames_due(&fr, 6.0, 1, 1));
	as_frames_add(&fr, w, 3, 30, 1, 6.0);
	ck_assert(!as_frames_due(&fr, 6.1, 1, 1));
	as_frames_free(&fr);
	ck_assert_int_eq(as_frames_init(&fr, 3, 4, 0, &err), AS_OK);
	ck_assert(!as_frames_due(&fr, 100, 1, 5));
	as_frames_add(&fr, w, 1, 1, 1, 1);
	ck_assert_uint_eq(fr.n, 0);
	as_frames_free(&fr);
}
END_TEST

/* Within the budget, the frames thin where they are densest in log
 * examples: the first and the newest always stay, and a long run keeps
 * frames from every decade. */
START_TEST(test_budget_thins_log_spaced)
{
	struct as_frames fr;
	struct as_error err;
	/* 1 MiB of 1000 x 100 bytes: 10 frames */
	ck_assert_int_eq(as_frames_init(&fr, 1000, 100, 1, &err), AS_OK);
	ck_assert_uint_eq(fr.cap, 10);
	float *w = calloc(1000 * 100, sizeof *w);
	w[1] = 1;
	for (int i = 0; i <= 1000; i++) /* an epoch of 100 examples each */
		as_frames_add(&fr, w, (uint64_t)i, (uint64_t)i * 100,
			      (uint64_t)i, (double)i);
	ck_assert_uint_eq(fr.n, 10);
	ck_assert_uint_eq(fr.f[0].examples, 0);
	ck_assert_uint_eq(fr.f[9].examples, 100000);
	int decade[6] = {0};
	for (size_t i = 0; i + 1 < fr.n; i++) {
		ck_assert_uint_lt(fr.f[i].examples, fr.f[i + 1].examples);
		uint64_t e = fr.f[i].examples;
		int dk = e < 1000 ? 0 : e < 10000 ? 1 : 2;
		decade[dk]++;
	}
	ck_assert_msg(decade[0] >= 1 && decade[1] >= 1 && decade[2] >= 1,
		      "%d %d %d", decade[0], decade[1], decade[2]);
	/* a copy into the same budget keeps every frame; a copy of a
	 * larger history into a smaller budget thins it the same way,
	 * keeping the first and the newest */
	struct as_frames same, big, half;
	ck_assert_int_eq(as_frames_copy(&same, &fr, 1, &err), AS_OK);
	ck_assert_uint_eq(same.n, 10);
	for (size_t i = 0; i < 10; i++)
		ck_assert_uint_eq(same.f[i].examples, fr.f[i].examples);
	as_frames_free(&same);
	ck_assert_int_eq(as_frames_init(&big, 1000, 100, 2, &err), AS_OK);
	ck_assert_uint_eq(big.cap, 20);
	for (int i = 0; i <= 30; i++)
		as_frames_add(&big, w, (uint64_t)i, (uint64_t)i * 100,
			      (uint64_t)i, (double)i);
	ck_assert_uint_eq(big.n, 20);
	ck_assert_int_eq(as_frames_copy(&half, &big, 1, &err), AS_OK);
	ck_assert_uint_eq(half.n, 10);
	ck_assert_uint_eq(half.f[0].examples, 0);
	ck_assert_uint_eq(half.f[9].examples, 3000);
	for (size_t i = 0; i + 1 < half.n; i++)
		ck_assert_uint_lt(half.f[i].examples, half.f[i + 1].examples);
	as_frames_free(&half);
	as_frames_free(&big);
	ck_assert_int_eq(as_frames_init(&half, 1000, 100, 0, &err), AS_OK);
	ck_assert_uint_eq(half.cap, 0);
	as_frames_free(&half);
	/* at() finds the newest at or before */
	ck_assert_uint_eq(as_frames_at(&fr, 0), 0);
	ck_assert_uint_eq(as_frames_at(&fr, 100000), 9);
	ck_assert_uint_eq(as_frames_at(&fr, 99999), 8);
	free(w);
	as_frames_free(&fr);
}
END_TEST

/* A budget below one frame: no history; below two frames: two (the
 * first and the newest) when one fits. */
START_TEST(test_tiny_budget)
{
	struct as_frames fr;
	struct as_error err;
	ck_assert_int_eq(as_frames_init(&fr, 2048, 1024, 1, &err), AS_OK);
	ck_assert_uint_eq(fr.cap, 0);
	as_frames_free(&fr);
	ck_assert_int_eq(as_frames_init(&fr, 1024, 768, 1, &err), AS_OK);
	ck_assert_uint_eq(fr.cap, 2);
	float *w = calloc(1024 * 768, sizeof *w);
	for (int i = 0; i < 5; i++)
		as_frames_add(&fr, w, (uint64_t)i, (uint64_t)i, 0, i);
	ck_assert_uint_eq(fr.n, 2);
	ck_assert_uint_eq(fr.f[0].examples, 0);
	ck_assert_uint_eq(fr.f[1].examples, 4);
	free(w);
	as_frames_free(&fr);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("frames");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_quantised_per_unit);
	tcase_add_test(tc, test_schedule);
	tcase_add_test(tc, test_budget_thins_log_spaced);
	tcase_add_test(tc, test_tiny_budget);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
