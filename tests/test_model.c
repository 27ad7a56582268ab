#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/model.h"

static struct as_model *make(size_t nv, size_t nh, size_t batch, int tied,
			     uint64_t seed)
{
	struct as_model *m;
	struct as_error err;
	ck_assert_int_eq(as_model_create(nv, nh, batch, &m, &err), AS_OK);
	struct as_rng rng;
	as_rng_seed(&rng, seed, 0);
	struct as_config cfg;
	as_config_default(&cfg);
	cfg.tied = tied;
	as_model_init(m, &cfg, &rng);
	return m;
}

START_TEST(test_mask_zeroes_exact_count)
{
	struct as_config cfg;
	as_config_default(&cfg);
	cfg.corruption = AS_CORRUPT_MASK;
	const size_t d = 784, n = 50;
	float *x = malloc(n * d * sizeof *x), *out = malloc(n * d * sizeof *x);
	uint32_t *perm = malloc(d * sizeof *perm);
	for (size_t i = 0; i < d; i++)
		perm[i] = (uint32_t)i;
	for (size_t i = 0; i < n * d; i++)
		x[i] = 0.5f + 0.001f * (float)(i % 7); /* no zeros */
	struct as_rng rng;
	as_rng_seed(&rng, 3, 0);
	const float levels[] = {0.0f, 0.1f, 0.25f, 0.5f, 0.333f, 1.0f};
	for (size_t l = 0; l < sizeof levels / sizeof levels[0]; l++) {
		cfg.corruption_level = levels[l];
		as_corrupt(&cfg, x, out, n, d, perm, &rng);
		size_t want = (size_t)lround(levels[l] * (double)d);
		for (size_t e = 0; e < n; e++) {
			size_t zeros = 0;
			for (size_t i = 0; i < d; i++) {
				float v = out[e * d + i];
				if (v == 0)
					zeros++;
				else
					ck_assert(v == x[e * d + i]);
			}
			ck_assert_uint_eq(zeros, want);
		}
	}
	/* perm is still a permutation */
	char *seen = calloc(d, 1);
	for (size_t i = 0; i < d; i++) {
		ck_assert_uint_lt(perm[i], d);
		ck_assert(!seen[perm[i]]);
		seen[perm[i]] = 1;
	}
	free(seen);
	free(x);
	free(out);
	free(perm);
}
END_TEST

START_TEST(test_saltpepper_and_gauss)
{
	struct as_config cfg;
	as_config_default(&cfg);
	const size_t d = 400, n = 20;
	float *x = malloc(n * d * sizeof *x), *out = malloc(n * d * sizeof *x);
	uint32_t perm[400];
	for (size_t i = 0; i < d; i++)
		perm[i] = (uint32_t)i;
	for (size_t i = 0; i < n * d; i++)
		x[i] = 0.5f;
	struct as_rng rng;
	as_rng_seed(&rng, 5, 0);
	cfg.corruption = AS_CORRUPT_SALTPEPPER;
	cfg.corruption_level = 0.3f;
	as_corrupt(&cfg, x, out, n, d, perm, &rng);
	size_t zeros = 0, ones = 0;
	for (size_t e = 0; e < n; e++) {
		size_t changed = 0;
		for (size_t i = 0; i < d; i++) {
			float v = out[e * d + i];
			ck_assert(v == 0.5f || v == 0.0f || v == 1.0f);
			changed += v != 0.5f;
			zeros += v == 0.0f;
			ones += v == 1.0f;
		}
		ck_assert_uint_eq(changed, 120);
	}
	/* each corrupted value is 0 or 1 with probability 1/2 */
	ck_assert(zeros > 1000 && ones > 1000);

	cfg.corruption = AS_CORRUPT_GAUSS;
	cfg.corruption_level = 0.2f;
	as_corrupt(&cfg, x, out, n, d, perm, &rng);
	double s = 0, s2 = 0;
	for (size_t i = 0; i < n * d; i++) {
		double r = out[i] - x[i];
		s += r;
		s2 += r * r;
	}
	double mean = s / (double)(n * d);
	double sd = sqrt(s2 / (double)(n * d) - mean * mean);
	ck_assert_double_lt(fabs(mean), 0.02);
	ck_assert_double_lt(fabs(sd - 0.2), 0.01);
	free(x);
	free(out);
}
END_TEST

/* The loss compares the reconstruction with the clean input: the same
 * corrupted input scored against two different targets differs. */
START_TEST(test_loss_uses_clean_input)
{
	struct as_model *m = make(16, 6, 4, 1, 9);
	struct as_config cfg;
	as_config_default(&cfg);
	float x[64], xc[64], other[64];
	struct as_rng rng;
	as_rng_seed(&rng, 10, 0);
	for (int i = 0; i < 64; i++) {
		x[i] = as_rng_uniform(&rng);
		other[i] = as_rng_uniform(&rng);
	}
	cfg.corruption_level = 0.5f;
	as_corrupt(&cfg, x, xc, 4, 16, m->perm, &rng);
	struct as_losses a, b;
	as_model_grad(m, &cfg, x, xc, 4, &a);
	as_model_grad(m, &cfg, other, xc, 4, &b);
	ck_assert(a.recon != b.recon);
	/* and with x as the target, it is the cross-entropy of x against the
	 * reconstruction of xc, computed here in double */
	float rec[64];
	as_model_reconstruct(m, &cfg, xc, 4, rec);
	double want = 0;
	for (int i = 0; i < 64; i++)
		want -= x[i] * log(rec[i]) + (1 - x[i]) * log(1 - rec[i]);
	want /= 4;
	ck_assert_double_lt(fabs(a.recon - want), 1e-4 * want);
	as_model_free(m);
}
END_TEST

START_TEST(test_tie_untie_rule)
{
	const size_t nv = 12, nh = 5;
	struct as_model *m = make(nv, nh, 8, 1, 4);
	/* untie: W' := W^T */
	as_model_set_tied(m, 0);
	for (size_t j = 0; j < nh; j++)
		for (size_t i = 0; i < nv; i++)
			ck_assert(m->w2[i * nh + j] == m->w[j * nv + i]);
	/* make them differ, then tie: W := (W + W'^T) / 2 */
	struct as_rng rng;
	as_rng_seed(&rng, 6, 0);
	for (size_t i = 0; i < nv * nh; i++)
		m->w2[i] = as_rng_normal(&rng);
	float *w_old = malloc(nv * nh * sizeof *w_old);
	float *w2_old = malloc(nv * nh * sizeof *w2_old);
	memcpy(w_old, m->w, nv * nh * sizeof *w_old);
	memcpy(w2_old, m->w2, nv * nh * sizeof *w2_old);
	as_model_set_tied(m, 1);
	ck_assert_int_eq(m->tied, 1);
	for (size_t j = 0; j < nh; j++)
		for (size_t i = 0; i < nv; i++)
			ck_assert(m->w[j * nv + i] ==
				  0.5f * (w_old[j * nv + i] +
					  w2_old[i * nh + j]));
	free(w_old);
	free(w2_old);
	as_model_free(m);
}
END_TEST

/* Switching tied on and off every few steps keeps training finite and
 * the loss still falls. */
START_TEST(test_tie_untie_mid_run)
{
	const size_t nv = 64, nh = 16, n = 10, total = 200;
	struct as_model *m = make(nv, nh, n, 1, 11);
	struct as_config cfg;
	as_config_default(&cfg);
	cfg.momentum = 0.5f;
	float *x = malloc(total * nv * sizeof *x);
	struct as_rng rng;
	as_rng_seed(&rng, 12, 0);
	for (size_t e = 0; e < total; e++) /* bars: one of 8 rows on */
		for (size_t i = 0; i < nv; i++)
			x[e * nv + i] = (i / 8 == e % 8) ? 0.9f : 0.1f;
	double first = as_model_eval(m, &cfg, x, total, NULL);
	for (int step = 0; step < 600; step++) {
		if (step % 37 == 0)
			as_model_set_tied(m, !m->tied);
		size_t at = (size_t)(step % (int)(total / n)) * n;
		as_model_step(m, &cfg, x + at * nv, n, 0.1f, &rng, NULL);
		ck_assert(as_model_finite(m));
	}
	double last = as_model_eval(m, &cfg, x, total, NULL);
	ck_assert_msg(last < 0.8 * first, "loss %g -> %g", first, last);
	free(x);
	as_model_free(m);
}
END_TEST

/* Same seed, same data: the same weights bit for bit. */
START_TEST(test_reproducible)
{
	float *p[2];
	for (int r = 0; r < 2; r++) {
		struct as_model *m = make(50, 20, 8, 1, 77);
		struct as_config cfg;
		as_config_default(&cfg);
		struct as_rng rng;
		as_rng_seed(&rng, 78, 2);
		float x[8 * 50];
		for (int i = 0; i < 400; i++)
			x[i] = (float)((i * 37) % 101) / 100.0f;
		for (int s = 0; s < 20; s++)
			as_model_step(m, &cfg, x, 8, 0.1f, &rng, NULL);
		p[r] = malloc(m->n_params * sizeof(float));
		memcpy(p[r], m->params, m->n_params * sizeof(float));
		if (r == 1)
			ck_assert(memcmp(p[0], p[1],
					 m->n_params * sizeof(float)) == 0);
		as_model_free(m);
	}
	free(p[0]);
	free(p[1]);
}
END_TEST

/* The fast exp/log1p inside the model: outputs against libm in double
 * over pre-activations from -90 to 90. */
START_TEST(test_fast_math_accuracy)
{
	const size_t nv = 1, nh = 1;
	struct as_model *m = make(nv, nh, 64, 1, 1);
	struct as_config cfg;
	as_config_default(&cfg);
	m->w[0] = 1.0f;
	m->b[0] = 0.0f;
	float xin[64], out[64], h[64];
	double worst_h = 0;
	for (int k = -900; k <= 900; k += 64) {
		for (int i = 0; i < 64; i++)
			xin[i] = (float)(k + i) * 0.1f;
		as_model_encode(m, &cfg, xin, 64, h);
		for (int i = 0; i < 64; i++) {
			double want = 1.0 / (1.0 + exp(-(double)xin[i]));
			/* below exp(-87) the model clamps (no denormals) */
			double rel = want > 1e-37 ? fabs(h[i] - want) / want
						  : fabs(h[i] - want) * 1e31;
			if (rel > worst_h)
				worst_h = rel;
		}
	}
	ck_assert_msg(worst_h < 1e-6, "sigmoid relative error %g", worst_h);
	/* the CE loss of a single unit against libm */
	m->w[0] = 0.0f;
	for (int k = -40; k <= 40; k++) {
		m->c[0] = (float)k * 0.5f;
		xin[0] = 0.3f;
		double got = as_model_eval(m, &cfg, xin, 1, NULL);
		double y = 1.0 / (1.0 + exp(-(double)m->c[0]));
		double want = -(0.3 * log(y) + 0.7 * log1p(-y));
		ck_assert_msg(fabs(got - want) <= 1e-6 * (1 + want),
			      "a=%g loss %.9g want %.9g", m->c[0], got, want);
	}
	(void)out;
	as_model_free(m);
}
END_TEST

START_TEST(test_momentum_update)
{
	struct as_model *m = make(3, 2, 1, 0, 2);
	struct as_config cfg;
	as_config_default(&cfg);
	cfg.momentum = 0.9f;
	for (size_t i = 0; i < m->n_params; i++) {
		m->grad[i] = 1.0f;
		m->velocity[i] = 2.0f;
		m->params[i] = 0.0f;
	}
	as_model_update(m, &cfg, 0.5f);
	for (size_t i = 0; i < m->n_params; i++) {
		ck_assert_float_eq_tol(m->velocity[i], 0.9f * 2 - 0.5f, 1e-6);
		ck_assert_float_eq_tol(m->params[i], 1.3f, 1e-6);
	}
	as_model_free(m);
}
END_TEST

START_TEST(test_create_rejects_bad_sizes)
{
	struct as_model *m = (struct as_model *)1;
	struct as_error err;
	ck_assert_int_eq(as_model_create(0, 5, 1, &m, &err), AS_ERR_INVALID);
	ck_assert_ptr_null(m);
	ck_assert_int_eq(
		as_model_create(SIZE_MAX / 2, SIZE_MAX / 2, 1, &m, &err),
		AS_ERR_NOMEM);
	ck_assert(strstr(err.msg, "too large") != NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_mask_zeroes_exact_count);
	tcase_add_test(tc, test_saltpepper_and_gauss);
	tcase_add_test(tc, test_loss_uses_clean_input);
	tcase_add_test(tc, test_tie_untie_rule);
	tcase_add_test(tc, test_tie_untie_mid_run);
	tcase_add_test(tc, test_reproducible);
	tcase_add_test(tc, test_fast_math_accuracy);
	tcase_add_test(tc, test_momentum_update);
	suite_add_tcase(s, tc);
	TCase *lim = tcase_create("limits");
	tcase_add_test(lim, test_create_rejects_bad_sizes);
	suite_add_tcase(s, lim);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
