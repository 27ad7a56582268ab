/*
 * Gradient check of every loss x tie x regulariser combination.
 *
 * The reference is an independent, plain double-precision implementation
 * of the objective written from the formulas in model.h, differentiated by
 * central differences with step 1e-6: truncation error ~ h^2 |J'''| and
 * rounding ~ 1e-16 |J| / h, both below 1e-8 here. The model computes in
 * float (24-bit mantissa, relative rounding ~ 6e-8 per operation, sums of
 * at most a few dozen terms at these sizes, and an exp/log1p accurate to
 * 2e-7), so its gradient agrees with the reference to well within
 * 1e-4 + 1e-3 |g|. A wrong formula (a missing factor 2, a dropped term,
 * the encoder part of a tied W) is off by O(|g|) and fails.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/model.h"

enum { NV = 7, NH = 5, NB = 4 };

struct ref {
	int tied, sig_enc, ce;
	double rho, beta, lam, wd;
};

static double sigm(double a)
{
	return 1.0 / (1.0 + exp(-a));
}

/* The whole objective of model.h in double; p is the arena [W|b|c|W']. */
static double objective(const struct ref *r, const double *p, const float *x,
			const float *xc)
{
	const double *w = p, *b = p + NH * NV, *c = b + NH, *w2 = c + NV;
	double h[NB][NH], total = 0, mean[NH] = {0};
	for (int e = 0; e < NB; e++) {
		for (int j = 0; j < NH; j++) {
			double a = b[j];
			for (int i = 0; i < NV; i++)
				a += w[j * NV + i] * xc[e * NV + i];
			h[e][j] = r->sig_enc ? sigm(a) : a;
			mean[j] += h[e][j] / NB;
		}
		for (int i = 0; i < NV; i++) {
			double a = c[i];
			for (int j = 0; j < NH; j++)
				a += (r->tied ? w[j * NV + i]
					      : w2[i * NH + j]) *
				     h[e][j];
			double xv = x[e * NV + i];
			if (r->ce) {
				double y = sigm(a);
				total -= xv * log(y) + (1 - xv) * log(1 - y);
			} else {
				total += 0.5 * (a - xv) * (a - xv);
			}
		}
	}
	double obj = total / NB;
	if (r->beta > 0)
		for (int j = 0; j < NH; j++)
			obj += r->beta * (r->rho * log(r->rho / mean[j]) +
					  (1 - r->rho) * log((1 - r->rho) /
							     (1 - mean[j])));
	if (r->lam > 0) {
		double jac = 0;
		for (int e = 0; e < NB; e++)
			for (int j = 0; j < NH; j++) {
				double s = r->sig_enc ? h[e][j] * (1 - h[e][j])
						      : 1.0;
				for (int i = 0; i < NV; i++)
					jac += s * s * w[j * NV + i] *
					       w[j * NV + i];
			}
		obj += r->lam * jac / NB;
	}
	if (r->wd > 0) {
		double sq = 0;
		for (int i = 0; i < NH * NV; i++)
			sq += w[i] * w[i] + (r->tied ? 0 : w2[i] * w2[i]);
		obj += 0.5 * r->wd * sq;
	}
	return obj;
}

/* combination index -> setting: loss/encoder x tied x regulariser */
static void setting(int idx, struct ref *r, struct as_config *cfg)
{
	int regs = idx % 5, tied = (idx / 5) % 2, kind = idx / 10;
	as_config_default(cfg);
	memset(r, 0, sizeof *r);
	r->tied = tied;
	cfg->tied = tied;
	/* kind 0: sigmoid/CE, 1: sigmoid encoder + linear/MSE,
	 * 2: linear encoder + linear/MSE (the linear autoencoder) */
	r->ce = kind == 0;
	r->sig_enc = kind != 2;
	cfg->loss = r->ce ? AS_LOSS_CE : AS_LOSS_MSE;
	cfg->encoder = r->sig_enc ? AS_ACT_SIGMOID : AS_ACT_LINEAR;
	cfg->sparsity_weight = 0;
	r->rho = cfg->sparsity_target = 0.1f;
	if ((regs == 1 || regs == 4) && r->sig_enc)
		r->beta = cfg->sparsity_weight = 0.7f;
	if (regs == 2 || regs == 4)
		r->lam = cfg->contractive_weight = 0.3f;
	if (regs == 3 || regs == 4)
		r->wd = cfg->weight_decay = 0.05f;
}

START_TEST(test_gradient_matches_finite_differences)
{
	struct ref r;
	struct as_config cfg;
	setting(_i, &r, &cfg);
	struct as_model *m;
	struct as_error err;
	ck_assert_int_eq(as_model_create(NV, NH, NB, &m, &err), AS_OK);
	struct as_rng rng;
	as_rng_seed(&rng, 42 + (uint64_t)_i, 0);
	as_model_init(m, &cfg, &rng);
	as_model_set_tied(m, r.tied);
	for (size_t i = 0; i < m->n_params; i++)
		m->params[i] = as_rng_normal(&rng) * 0.5f;
	if (r.tied)
		as_model_set_tied(m, 1);
	float x[NB * NV], xc[NB * NV];
	for (int i = 0; i < NB * NV; i++)
		x[i] = r.ce ? as_rng_uniform(&rng) : as_rng_normal(&rng);
	cfg.corruption_level = 0.3f;
	as_corrupt(&cfg, x, xc, NB, NV, m->perm, &rng);

	struct as_losses got;
	as_model_grad(m, &cfg, x, xc, NB, &got);

	size_t np = m->n_params, live = r.tied ? np - NV * NH : np;
	double *p = malloc(np * sizeof *p);
	for (size_t i = 0; i < np; i++)
		p[i] = m->params[i];
	double j0 = objective(&r, p, x, xc);
	ck_assert_msg(
		fabs(got.recon + got.penalty - j0) <= 1e-5 * (1 + fabs(j0)),
		"objective %g, reference %g", got.recon + got.penalty, j0);
	const double h = 1e-6;
	for (size_t i = 0; i < live; i++) {
		double keep = p[i];
		p[i] = keep + h;
		double up = objective(&r, p, x, xc);
		p[i] = keep - h;
		double down = objective(&r, p, x, xc);
		p[i] = keep;
		double want = (up - down) / (2 * h);
		double g = m->grad[i];
		ck_assert_msg(fabs(g - want) <= 1e-4 + 1e-3 * fabs(want),
			      "combination %d, parameter %zu: gradient %.7g, "
			      "finite difference %.7g",
			      _i, i, g, want);
	}
	/* tied: the unused W' part of the gradient is zero */
	for (size_t i = live; i < np; i++)
		ck_assert(m->grad[i] == 0.0f);
	free(p);
	as_model_free(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("grad");
	TCase *tc = tcase_create("finite differences");
	/* 3 loss/encoder kinds x tied/untied x {none, KL, contractive,
	 * weight decay, all three} */
	tcase_add_loop_test(tc, test_gradient_matches_finite_differences, 0,
			    30);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
