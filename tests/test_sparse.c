#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/rng.h"
#include "autoscope/sparse.h"

static struct as_model *model(size_t d, size_t k, size_t batch, int seed)
{
	struct as_model *m;
	struct as_error err;
	ck_assert_int_eq(as_model_create(d, k, batch, &m, &err), AS_OK);
	struct as_rng rng;
	as_rng_seed(&rng, (uint64_t)seed, 9);
	for (size_t i = 0; i < k * d; i++)
		m->w[i] = as_rng_normal(&rng);
	as_sc_renorm(m);
	m->tied = 1;
	return m;
}

static void sc_config(struct as_config *cfg, float lambda, int iters,
		      int fista)
{
	as_config_default(cfg);
	cfg->model = AS_MODEL_SC;
	cfg->loss = AS_LOSS_MSE;
	cfg->sc_lambda = lambda;
	cfg->sc_iters = iters;
	cfg->sc_fista = fista;
	cfg->momentum = 0;
}

/* L: the largest eigenvalue of W W^T, against the same power method run
 * long in double (from another start) */
START_TEST(test_lipschitz)
{
	size_t d = 20, k = 30;
	struct as_model *m = model(d, k, 4, 1);
	float *work = malloc(as_sc_work_len(d, k, 4) * sizeof *work);
	float L = as_sc_lipschitz(m, 30, work + 4 * k);
	double v[30], u[20], lam = 0;
	for (size_t j = 0; j < k; j++)
		v[j] = (double)(j % 3) - 1.0 + 0.1;
	for (int it = 0; it < 2000; it++) {
		for (size_t i = 0; i < d; i++) {
			u[i] = 0;
			for (size_t j = 0; j < k; j++)
				u[i] += v[j] * m->w[j * d + i];
		}
		double nrm = 0;
		for (size_t j = 0; j < k; j++) {
			v[j] = 0;
			for (size_t i = 0; i < d; i++)
				v[j] += u[i] * m->w[j * d + i];
			nrm += v[j] * v[j];
		}
		nrm = sqrt(nrm);
		lam = nrm;
		for (size_t j = 0; j < k; j++)
			v[j] /= nrm;
	}
	ck_assert_msg(L >= lam && L <= 1.03 * lam, "L %g, eigenvalue %g", L,
		      lam);
	free(work);
	as_model_free(m);
}
END_TEST

/* With orthonormal atoms (W W^T = I) the minimiser is the soft threshold
 * of x W^T: ISTA and FISTA find it */
START_TEST(test_orthonormal_solution)
{
	size_t d = 8, k = 8, n = 3;
	struct as_model *m;
	struct as_error err;
	ck_assert_int_eq(as_model_create(d, k, n, &m, &err), AS_OK);
	memset(m->w, 0, k * d * sizeof(float));
	for (size_t j = 0; j < k; j++) /* a permutation with signs */
		m->w[j * d + (j * 3) % d] = j % 2 ? -1.0f : 1.0f;
	float x[24], z[24];
	for (int i = 0; i < 24; i++)
		x[i] = (float)((i * 7) % 11) / 5.0f - 1.0f;
	float *work = malloc(as_sc_work_len(d, k, n) * sizeof *work);
	for (int fista = 0; fista < 2; fista++) {
		struct as_config cfg;
		sc_config(&cfg, 0.3f, 40, fista);
		as_sc_infer(m, &cfg, x, n, z, work);
		for (size_t e = 0; e < n; e++)
			for (size_t j = 0; j < k; j++) {
				float p = 0; /* x . atom j */
				for (size_t i = 0; i < d; i++)
					p += x[e * d + i] * m->w[j * d + i];
				float want = p > 0.3f	 ? p - 0.3f
					     : p < -0.3f ? p + 0.3f
							 : 0.0f;
				ck_assert_msg(fabsf(z[e * k + j] - want) < 1e-4f,
					      "fista %d: z %g, want %g", fista,
					      z[e * k + j], want);
			}
	}
	free(work);
	as_model_free(m);
}
END_TEST

static double energy(struct as_model *m, const struct as_config *cfg,
		     const float *x, const float *z, size_t n)
{
	double r, a;
	as_sc_energy(m, x, z, n, &r, &a);
	return r + cfg->sc_lambda * a;
}

/* On an overcomplete dictionary ISTA's energy never rises with more
 * rounds, and FISTA gets lower in the same number of rounds */
START_TEST(test_energy_descends)
{
	size_t d = 16, k = 48, n = 10;
	struct as_model *m = model(d, k, n, 2);
	float *x = malloc(n * d * sizeof *x), *z = malloc(n * k * sizeof *z);
	float *work = malloc(as_sc_work_len(d, k, n) * sizeof *work);
	struct as_rng rng;
	as_rng_seed(&rng, 3, 3);
	for (size_t i = 0; i < n * d; i++)
		x[i] = as_rng_normal(&rng);
	struct as_config cfg;
	double last = INFINITY;
	for (int it = 1; it <= 30; it++) {
		sc_config(&cfg, 0.2f, it, 0);
		as_sc_infer(m, &cfg, x, n, z, work);
		double e = energy(m, &cfg, x, z, n);
		ck_assert_msg(e <= last + 1e-4, "round %d: %g after %g", it, e,
			      last);
		last = e;
	}
	double ista = last;
	sc_config(&cfg, 0.2f, 30, 1);
	as_sc_infer(m, &cfg, x, n, z, work);
	double fista = energy(m, &cfg, x, z, n);
	ck_assert_msg(fista < ista, "FISTA %g, ISTA %g", fista, ista);
	/* and both far below the zero code's energy */
	memset(z, 0, n * k * sizeof *z);
	ck_assert(ista < 0.7 * energy(m, &cfg, x, z, n));
	free(x);
	free(z);
	free(work);
	as_model_free(m);
}
END_TEST

/* The dictionary step: dE/dW at the inferred codes against central
 * differences of the energy with the codes held; renormalisation as
 * asked */
START_TEST(test_dictionary_gradient)
{
	size_t d = 6, k = 9, n = 5;
	struct as_model *m = model(d, k, n, 4);
	float *x = malloc(n * d * sizeof *x);
	float *work = malloc(as_sc_work_len(d, k, n) * sizeof *work);
	struct as_rng rng;
	as_rng_seed(&rng, 5, 5);
	for (size_t i = 0; i < n * d; i++)
		x[i] = as_rng_normal(&rng);
	struct as_config cfg;
	sc_config(&cfg, 0.1f, 50, 1);
	cfg.renorm = 0;
	cfg.weight_decay = 0;
	struct as_losses l;
	as_sc_step(m, &cfg, x, n, 0.0f, work, &l); /* lr 0: W stays */
	float z[45];
	memcpy(z, m->h, sizeof z);
	for (size_t i = 0; i < k * d; i += 5) {
		float keep = m->w[i], h = 1e-2f;
		double r, a, ep, em;
		m->w[i] = keep + h;
		as_sc_energy(m, x, z, n, &r, &a);
		ep = r / (double)n;
		m->w[i] = keep - h;
		as_sc_energy(m, x, z, n, &r, &a);
		em = r / (double)n;
		m->w[i] = keep;
		double num = (ep - em) / (2 * h);
		ck_assert_msg(fabs(num - m->gw[i]) < 1e-3 + 1e-2 * fabs(num),
			      "dE/dW[%zu]: %g against %g", i, m->gw[i], num);
	}
	ck_assert(isfinite(l.recon) && l.recon > 0 && l.penalty == 0);
	/* a real step: without renormalisation the atoms leave unit length,
	 * with it they come back */
	for (int s = 0; s < 20; s++)
		as_sc_step(m, &cfg, x, n, 0.5f, work, &l);
	double off = 0;
	for (size_t j = 0; j < k; j++) {
		double s2 = 0;
		for (size_t i = 0; i < d; i++)
			s2 += (double)m->w[j * d + i] * m->w[j * d + i];
		off += fabs(sqrt(s2) - 1);
	}
	ck_assert(off > 0.05);
	cfg.renorm = 1;
	as_sc_step(m, &cfg, x, n, 0.5f, work, &l);
	for (size_t j = 0; j < k; j++) {
		double s2 = 0;
		for (size_t i = 0; i < d; i++)
			s2 += (double)m->w[j * d + i] * m->w[j * d + i];
		ck_assert(fabs(sqrt(s2) - 1) < 1e-5);
	}
	struct as_sc_stats st;
	as_sc_measure(m, &cfg, x, n, work, &st);
	ck_assert(st.active >= 0 && st.active <= (double)k);
	ck_assert(st.residual_share > 0 && st.residual_share < 1);
	ck_assert(fabs(st.atom_norm - 1) < 1e-5);
	free(x);
	free(work);
	as_model_free(m);
}
END_TEST

/* PSD's encoder: the gradient of alpha/(2n) sum ||z - g(x)||^2 in P, b
 * and gain against central differences (in double, from the formula
 * g = gain * tanh(x P^T + b), written again here), the codes z held */
static double pred_loss(const double *p, const double *b, const double *g,
			const float *x, const float *z, size_t n, size_t k,
			size_t d, double alpha)
{
	double total = 0;
	for (size_t e = 0; e < n; e++)
		for (size_t j = 0; j < k; j++) {
			double u = b[j];
			for (size_t i = 0; i < d; i++)
				u += p[j * d + i] * x[e * d + i];
			double r = g[j] * tanh(u) - z[e * k + j];
			total += r * r;
		}
	return alpha / (2.0 * (double)n) * total;
}

START_TEST(test_psd_encoder_gradient)
{
	enum { D = 5, K = 7, N = 4 };
	float blk[K * D + 2 * K], grad[K * D + 2 * K], vel[K * D + 2 * K];
	struct as_psd e = {blk, blk + K * D, blk + K * D + K,
			   grad, grad + K * D, grad + K * D + K, vel};
	struct as_rng rng;
	as_rng_seed(&rng, 8, 1);
	float x[N * D], z[N * K], t[N * K], zp[N * K], du[N * K];
	for (size_t i = 0; i < K * D + 2 * K; i++)
		blk[i] = 0.6f * as_rng_normal(&rng);
	for (size_t i = 0; i < N * D; i++)
		x[i] = as_rng_normal(&rng);
	for (size_t i = 0; i < N * K; i++)
		z[i] = as_rng_normal(&rng);
	const float alpha = 1.7f;
	as_psd_predict(&e, K, D, x, N, t, zp);
	for (size_t e_ = 0; e_ < N; e_++) /* the prediction by hand */
		for (size_t j = 0; j < K; j++) {
			double u = e.b[j];
			for (size_t i = 0; i < D; i++)
				u += e.p[j * D + i] * x[e_ * D + i];
			ck_assert(fabs(zp[e_ * K + j] - e.gain[j] * tanh(u)) <
				  1e-5);
		}
	as_psd_pred_grad(&e, K, D, alpha, x, t, zp, z, N, du);
	double pd[K * D + 2 * K];
	for (size_t i = 0; i < K * D + 2 * K; i++)
		pd[i] = blk[i];
	for (size_t i = 0; i < K * D + 2 * K; i++) {
		double keep = pd[i], h = 1e-6;
		pd[i] = keep + h;
		double lp = pred_loss(pd, pd + K * D, pd + K * D + K, x, z, N,
				      K, D, alpha);
		pd[i] = keep - h;
		double lm = pred_loss(pd, pd + K * D, pd + K * D + K, x, z, N,
				      K, D, alpha);
		pd[i] = keep;
		double num = (lp - lm) / (2 * h);
		ck_assert_msg(fabs(num - grad[i]) < 1e-4 + 1e-3 * fabs(num),
			      "parameter %zu: %g against %g", i, grad[i], num);
	}
}
END_TEST

/* The inference from a prediction minimises the whole PSD energy: at its
 * answer the subgradient condition holds (for z_j != 0, the smooth
 * gradient is -lambda sign z_j; for z_j = 0 it is within lambda), and
 * with alpha 0 it is sparse coding's own answer */
START_TEST(test_psd_inference_optimal)
{
	size_t d = 8, k = 12, n = 3;
	struct as_model *m = model(d, k, n, 6);
	float *work = malloc(as_psd_work_len(d, k, n) * sizeof *work);
	struct as_rng rng;
	as_rng_seed(&rng, 7, 7);
	float x[24], zp[36], z[36], z0[36];
	for (size_t i = 0; i < n * d; i++)
		x[i] = as_rng_normal(&rng);
	for (size_t i = 0; i < n * k; i++)
		zp[i] = as_rng_normal(&rng);
	struct as_config cfg;
	sc_config(&cfg, 0.2f, 3000, 1);
	cfg.psd_alpha = 0.8f;
	as_psd_infer(m, &cfg, x, n, zp, z, work);
	for (size_t e = 0; e < n; e++)
		for (size_t j = 0; j < k; j++) {
			double g = cfg.psd_alpha * (z[e * k + j] - zp[e * k + j]);
			for (size_t i = 0; i < d; i++) {
				double r = x[e * d + i];
				for (size_t l = 0; l < k; l++)
					r -= z[e * k + l] * m->w[l * d + i];
				g -= r * m->w[j * d + i];
			}
			float zj = z[e * k + j];
			if (zj != 0)
				ck_assert_msg(fabs(g + cfg.sc_lambda *
							   (zj > 0 ? 1 : -1)) <
						      2e-3,
					      "z %g: gradient %g", zj, g);
			else
				ck_assert_msg(fabs(g) <= cfg.sc_lambda + 2e-3,
					      "z 0: gradient %g", g);
		}
	/* the prediction term pulls the code towards zp: alpha 0 ignores it */
	cfg.psd_alpha = 0;
	as_psd_infer(m, &cfg, x, n, zp, z, work);
	as_sc_infer(m, &cfg, x, n, z0, work);
	for (size_t i = 0; i < n * k; i++)
		ck_assert_msg(fabsf(z[i] - z0[i]) < 2e-3, "%zu: %g against %g",
			      i, z[i], z0[i]);
	free(work);
	as_model_free(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sparse");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_lipschitz);
	tcase_add_test(tc, test_orthonormal_solution);
	tcase_add_test(tc, test_energy_descends);
	tcase_add_test(tc, test_dictionary_gradient);
	tcase_add_test(tc, test_psd_encoder_gradient);
	tcase_add_test(tc, test_psd_inference_optimal);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
