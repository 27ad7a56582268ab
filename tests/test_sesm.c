#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/rng.h"
#include "autoscope/sesm.h"

/* a small model with random weights, untied (W' its own) unless tied */
static struct as_model *model(size_t d, size_t k, size_t batch, int tied,
			      int seed)
{
	struct as_model *m;
	struct as_error err;
	ck_assert_int_eq(as_model_create(d, k, batch, &m, &err), AS_OK);
	struct as_rng rng;
	as_rng_seed(&rng, (uint64_t)seed, 9);
	for (size_t i = 0; i < k * d; i++) {
		m->w[i] = 0.6f * as_rng_normal(&rng);
		m->w2[i] = 0.6f * as_rng_normal(&rng);
	}
	for (size_t j = 0; j < k; j++)
		m->b[j] = 0.3f * as_rng_normal(&rng);
	for (size_t i = 0; i < d; i++)
		m->c[i] = 0.2f * as_rng_normal(&rng);
	m->tied = tied;
	return m;
}

static void sesm_config(struct as_config *cfg, int code, float sparsity)
{
	as_config_default(cfg);
	cfg->model = AS_MODEL_SESM;
	cfg->loss = AS_LOSS_MSE;
	cfg->sesm_code = code;
	cfg->sesm_beta = 1.5f;
	cfg->sesm_eta = 0.05f;
	cfg->sesm_sparsity = sparsity;
	cfg->sesm_alpha = 0.7f;
	cfg->momentum = 0;
}

static void fill(float *v, size_t n, int seed, float scale)
{
	struct as_rng rng;
	as_rng_seed(&rng, (uint64_t)seed, 5);
	for (size_t i = 0; i < n; i++)
		v[i] = scale * as_rng_uniform(&rng);
}

/* the energy of each row summed, at codes z, in double through the
 * public arithmetic */
static double energy(struct as_model *m, const struct as_config *cfg,
		     const float *theta, const float *x, const float *z,
		     size_t n, float *zp, float *a)
{
	as_sesm_predict(m, x, n, zp);
	return as_sesm_energy_at(m, cfg, theta, x, zp, z, n, a, NULL);
}

/* dE/dz_i at z (n rows of k <= 16 codes, predictions zp) by central
 * differences of the energy */
static double numeric_dz(struct as_model *m, const struct as_config *cfg,
			 const float *theta, const float *x, const float *zp,
			 const float *z, size_t n, size_t i)
{
	float zz[16 * 4], a[16 * 4];
	size_t nk = n * m->n_hidden;
	ck_assert_uint_le(nk, 16 * 4);
	memcpy(zz, z, nk * sizeof *zz);
	zz[i] = z[i] + 1e-3f;
	double ep = as_sesm_energy_at(m, cfg, theta, x, zp, zz, n, a, NULL);
	zz[i] = z[i] - 1e-3f;
	double em = as_sesm_energy_at(m, cfg, theta, x, zp, zz, n, a, NULL);
	return (ep - em) / 2e-3;
}

/* One descent step with step h is z - h dE/dz: dE/dz against central
 * differences of the energy, for both non-linearities, with the sparsity
 * penalty, tied and untied. */
START_TEST(test_code_gradient)
{
	size_t d = 7, k = 5, n = 3;
	for (int variant = 0; variant < 4; variant++) {
		int tied = variant & 1, code = variant >> 1;
		struct as_model *m = model(d, k, n, tied, 3 + variant);
		struct as_config cfg;
		sesm_config(&cfg, code, 0.4f);
		cfg.sesm_iters = 1;
		cfg.sesm_step = 1e-3f;
		float logz[5] = {0.1f, -0.4f, 0.8f, 0.0f, 0.3f}, theta[5];
		as_sesm_thresholds(&cfg, logz, k, theta);
		float x[21], z1[15], zstart[15];
		fill(x, n * d, 11, 1.0f);
		float *work = malloc(as_sesm_work_len(d, k, n) * sizeof *work);
		/* codes in [-1, 1] as the prediction the descent starts from
		 * (its alpha term's gradient is 0 there: the rest is
		 * checked; the alpha term's value below) */
		fill(zstart, n * k, 13, 2.0f);
		for (size_t i = 0; i < n * k; i++)
			zstart[i] -= 1.0f;
		as_sesm_infer(m, &cfg, theta, x, zstart, n, z1, NULL, work);
		for (size_t i = 0; i < n * k; i++) {
			double g = (zstart[i] - z1[i]) / cfg.sesm_step;
			double num = numeric_dz(m, &cfg, theta, x, zstart,
						zstart, n, i);
			ck_assert_msg(fabs(g - num) < 2e-2 * (1 + fabs(num)),
				      "variant %d z[%zu]: step %g numeric %g",
				      variant, i, g, num);
		}
		free(work);
		as_model_free(m);
	}
}
END_TEST

/* The alpha term: a code 0.5 from its prediction in each of its
 * components costs alpha/2 0.25 a component more, and the second descent
 * step (the first moves z off z^) pulls it back by alpha (z - z^). */
START_TEST(test_code_gradient_alpha)
{
	size_t d = 6, k = 4, n = 2;
	struct as_model *m = model(d, k, n, 0, 21);
	struct as_config cfg;
	sesm_config(&cfg, AS_SESM_LOGISTIC, 0.0f);
	cfg.sesm_iters = 1;
	cfg.sesm_step = 0.5f; /* any step: z2 = z1 - step g(z1) exactly */
	float theta[4] = {0};
	float x[12], zp[8], z1[8], z2[8], a[8], shifted[8];
	fill(x, n * d, 5, 1.0f);
	float *work = malloc(as_sesm_work_len(d, k, n) * sizeof *work);
	as_sesm_predict(m, x, n, zp);
	/* one step, then two: the second step's move is the gradient at
	 * z1, against central differences there (alpha's part included) */
	as_sesm_infer(m, &cfg, theta, x, zp, n, z1, NULL, work);
	cfg.sesm_iters = 2;
	as_sesm_infer(m, &cfg, theta, x, zp, n, z2, NULL, work);
	for (size_t i = 0; i < n * k; i++) {
		double g = (z1[i] - z2[i]) / cfg.sesm_step;
		double num = numeric_dz(m, &cfg, theta, x, zp, z1, n, i);
		ck_assert_msg(fabs(g - num) < 2e-2 * (1 + fabs(num)),
			      "z[%zu]: step %g numeric %g", i, g, num);
	}
	/* the same code, now 0.5 below a prediction 0.5 higher */
	for (size_t i = 0; i < n * k; i++)
		shifted[i] = zp[i] + 0.5f;
	double e_at = as_sesm_energy_at(m, &cfg, theta, x, shifted, zp, n, a,
					NULL);
	double e_ref = as_sesm_energy_at(m, &cfg, theta, x, zp, zp, n, a,
					 NULL);
	/* alpha/2 * 0.25 a component */
	ck_assert_double_eq_tol(e_at - e_ref, 0.5 * 0.7 * 0.25 * (double)(n * k),
				1e-4);
	free(work);
	as_model_free(m);
}
END_TEST

/* The weight step is -lr dE/dW at the inferred z* held fixed (the
 * encoder's part through z^ = x W^T + b): each weight and bias against
 * central differences of the energy, tied and untied. */
START_TEST(test_weight_gradient)
{
	size_t d = 5, k = 4, n = 3;
	for (int tied = 0; tied <= 1; tied++) {
		struct as_model *m = model(d, k, n, tied, 31 + tied);
		struct as_config cfg;
		sesm_config(&cfg, AS_SESM_LOGISTIC, 0.3f);
		cfg.sesm_iters = 5;
		cfg.sesm_step = 0.05f;
		cfg.weight_decay = 0;
		float x[15], zp[12], zs[12], a[12], theta[4] = {0};
		fill(x, n * d, 17, 1.0f);
		float *work = malloc(as_sesm_work_len(d, k, n) * sizeof *work);
		/* z* as the step will infer it */
		as_sesm_predict(m, x, n, zp);
		as_sesm_infer(m, &cfg, theta, x, zp, n, zs, NULL, work);
		size_t len = m->n_params;
		float *before = malloc(len * sizeof *before);
		memcpy(before, m->params, len * sizeof *before);
		struct as_losses out;
		float lr = 1e-3f, logz[4] = {0};
		as_sesm_step(m, logz, &cfg, x, n, lr, work, &out);
		float *after = malloc(len * sizeof *after);
		memcpy(after, m->params, len * sizeof *after);
		/* the energy's mean over the rows, at z* fixed */
		size_t kd = k * d;
		size_t checked = 0;
		for (size_t i = 0; i < len; i++) {
			int in_w2 = i >= kd + k + d;
			if (tied && in_w2)
				continue; /* unused while tied */
			double g = (before[i] - after[i]) / lr;
			memcpy(m->params, before, len * sizeof *before);
			double h = 1e-3;
			m->params[i] = before[i] + (float)h;
			double ep = energy(m, &cfg, theta, x, zs, n, zp, a);
			m->params[i] = before[i] - (float)h;
			double em = energy(m, &cfg, theta, x, zs, n, zp, a);
			double num = (ep - em) / (2 * h) / (double)n;
			ck_assert_msg(fabs(g - num) < 2e-2 * (1 + fabs(num)),
				      "tied %d param %zu: step %g numeric %g",
				      tied, i, g, num);
			checked++;
		}
		ck_assert_uint_gt(checked, kd);
		free(before);
		free(after);
		free(work);
		as_model_free(m);
	}
}
END_TEST

/* The descent lowers the energy at each step (a small step), and the
 * trace records it: its step 0 the energy at the prediction. */
START_TEST(test_inference_descends)
{
	size_t d = 30, k = 12, n = 4;
	struct as_model *m = model(d, k, n, 0, 41);
	struct as_config cfg;
	sesm_config(&cfg, AS_SESM_SPARSIFYING, 0.2f);
	cfg.sesm_iters = 40;
	cfg.sesm_step = 0.02f;
	float x[120], zp[48], z[48], a[48], theta[12], logz[12] = {0};
	fill(x, n * d, 3, 1.0f);
	as_sesm_thresholds(&cfg, logz, k, theta);
	float *work = malloc(as_sesm_work_len(d, k, n) * sizeof *work);
	float trace[4 * 41], e0[4], e1[4];
	as_sesm_predict(m, x, n, zp);
	as_sesm_infer(m, &cfg, theta, x, zp, n, z, trace, work);
	as_sesm_energy_at(m, &cfg, theta, x, zp, zp, n, a, e0);
	as_sesm_energy_at(m, &cfg, theta, x, zp, z, n, a, e1);
	for (size_t r = 0; r < n; r++) {
		ck_assert_float_eq_tol(trace[r * 41], e0[r], 1e-4 * e0[r]);
		ck_assert_float_eq_tol(trace[r * 41 + 40], e1[r], 1e-4 * e1[r]);
		for (int it = 1; it <= 40; it++)
			ck_assert_msg(trace[r * 41 + it] <=
					      trace[r * 41 + it - 1] + 1e-5f,
				      "row %zu step %d: %g after %g", r, it,
				      trace[r * 41 + it], trace[r * 41 + it - 1]);
		ck_assert_float_lt(e1[r], 0.9f * e0[r]);
	}
	free(work);
	as_model_free(m);
}
END_TEST

/* The sparsifying logistic is the temporal softmax: rows fed one at a
 * time, a_j(k) = eta e^{beta z} / zeta(k), zeta(k) = eta e^{beta z} +
 * (1 - eta) zeta(k-1), against that recursion in double. */
START_TEST(test_sparsifying_recursion)
{
	size_t d = 6, k = 3;
	struct as_model *m = model(d, k, 1, 1, 51);
	struct as_config cfg;
	sesm_config(&cfg, AS_SESM_SPARSIFYING, 0.0f);
	cfg.sesm_iters = 3;
	cfg.sesm_step = 0.05f;
	cfg.lr = 1e-6f; /* the weights all but still */
	float logz[3] = {0}, theta[3], x[6], a[3];
	double zeta[3] = {1, 1, 1};
	float *work = malloc(as_sesm_work_len(d, k, 1) * sizeof *work);
	for (int step = 0; step < 30; step++) {
		fill(x, d, 100 + step, 1.0f);
		/* the code this step will infer, with the history so far */
		float zp[3], z[3];
		as_sesm_thresholds(&cfg, logz, k, theta);
		as_sesm_predict(m, x, 1, zp);
		as_sesm_infer(m, &cfg, theta, x, zp, 1, z, NULL, work);
		as_sesm_nonlin(&cfg, theta, z, 1, k, a);
		for (size_t j = 0; j < k; j++) {
			double num = cfg.sesm_eta * exp(cfg.sesm_beta * z[j]);
			double zk = num + (1 - cfg.sesm_eta) * zeta[j];
			ck_assert_msg(fabs(a[j] - num / zk) < 1e-5,
				      "step %d unit %zu: %g, softmax %g", step,
				      j, a[j], num / zk);
		}
		struct as_losses out;
		as_sesm_step(m, logz, &cfg, x, 1, cfg.lr, work, &out);
		/* the step advanced the history with the z* it inferred */
		for (size_t j = 0; j < k; j++) {
			zeta[j] = cfg.sesm_eta * exp(cfg.sesm_beta * z[j]) +
				  (1 - cfg.sesm_eta) * zeta[j];
			ck_assert_msg(fabs(logz[j] - log(zeta[j])) < 1e-4,
				      "step %d unit %zu: log zeta %g, want %g",
				      step, j, logz[j], log(zeta[j]));
		}
	}
	free(work);
	as_model_free(m);
}
END_TEST

/* The decoder cosine: 1 tied, 1 for W' = W^T scaled, ~0 for unrelated */
START_TEST(test_decoder_cos)
{
	size_t d = 40, k = 6;
	struct as_model *m = model(d, k, 1, 1, 61);
	ck_assert_double_eq(as_model_decoder_cos(m), 1.0);
	m->tied = 0;
	for (size_t j = 0; j < k; j++)
		for (size_t i = 0; i < d; i++)
			m->w2[i * k + j] = 2.5f * m->w[j * d + i];
	ck_assert_double_eq_tol(as_model_decoder_cos(m), 1.0, 1e-6);
	for (size_t j = 0; j < k; j++)
		for (size_t i = 0; i < d; i++)
			m->w2[i * k + j] = -m->w[j * d + i];
	ck_assert_double_eq_tol(as_model_decoder_cos(m), -1.0, 1e-6);
	as_model_free(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sesm");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_code_gradient);
	tcase_add_test(tc, test_code_gradient_alpha);
	tcase_add_test(tc, test_weight_gradient);
	tcase_add_test(tc, test_inference_descends);
	tcase_add_test(tc, test_sparsifying_recursion);
	tcase_add_test(tc, test_decoder_cos);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
