/*
 * bench_deep: the deep steps against the GEMMs in them.
 *
 * Hinton & Salakhutdinov's 784-1000-500-250-30 stack (tied, sigmoid layers,
 * linear code, cross-entropy) on the bundled MNIST, one OpenBLAS thread:
 *  - the fine-tuning step (forward through the encoder and the mirrored
 *    decoder, backward through both, the update): 6L - 1 GEMMs for L
 *    layers;
 *  - the CD-1 step of the first layer (784-1000): 5 GEMMs;
 * each timed against the same GEMMs alone on the same buffers, in
 * interleaved rounds so that both see the same machine load (medians):
 *   ratio = t_gemm / t_step = (the step's GEMM FLOP/s) / (sgemm's)
 * and the seconds one epoch of the 8,000 training digits takes at that
 * rate. Usage: bench_deep [seconds per cell, default 1]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "autoscope/blas.h"
#include "autoscope/dataset.h"
#include "autoscope/stack.h"

#include "bench_util.h"

/* the GEMMs of a tied fine-tuning step, shapes as in stack.c */
static void finetune_gemms(struct as_stack *s, const float *x, size_t n)
{
	size_t L = s->n_layers;
	const float *in = x;
	for (size_t k = 0; k < L; k++) { /* encoder */
		struct as_model *m = s->layer[k];
		as_sgemm(0, 1, n, m->n_hidden, m->n_visible, 1.0f, in,
			 m->n_visible, m->w, m->n_visible, 0.0f, m->h,
			 m->n_hidden);
		in = m->h;
	}
	for (size_t k = L; k-- > 0;) { /* decoder */
		struct as_model *m = s->layer[k];
		const float *r = k + 1 < L ? s->layer[k + 1]->xr : m->h;
		as_sgemm(0, 0, n, m->n_visible, m->n_hidden, 1.0f, r,
			 m->n_hidden, m->w, m->n_visible, 0.0f, m->xr,
			 m->n_visible);
	}
	for (size_t k = 0; k < L; k++) { /* decoder backward */
		struct as_model *m = s->layer[k];
		size_t nv = m->n_visible, nh = m->n_hidden;
		const float *r = k + 1 < L ? s->layer[k + 1]->xr : m->h;
		float *g = k + 1 < L ? s->layer[k + 1]->dx : m->dh;
		as_sgemm(1, 0, nh, nv, n, 1.0f, r, nh, m->xr, nv, 0.0f, m->gw,
			 nv);
		as_sgemm(0, 1, n, nh, nv, 1.0f, m->xr, nv, m->w, nv, 0.0f, g,
			 nh);
	}
	for (size_t k = L; k-- > 0;) { /* encoder backward */
		struct as_model *m = s->layer[k];
		size_t nv = m->n_visible, nh = m->n_hidden;
		const float *a = k > 0 ? s->layer[k - 1]->h : x;
		as_sgemm(1, 0, nh, nv, n, 1.0f, m->dh, nh, a, nv, 1.0f, m->gw,
			 nv);
		if (k > 0)
			as_sgemm(0, 0, n, nv, nh, 1.0f, m->dh, nh, m->w, nv,
				 0.0f, s->layer[k - 1]->dh, nv);
	}
}

/* the GEMMs of CD-1 on a layer view */
static void rbm_gemms(struct as_model *m, const float *v0, size_t n)
{
	size_t nv = m->n_visible, nh = m->n_hidden;
	as_sgemm(0, 1, n, nh, nv, 1.0f, v0, nv, m->w, nv, 0.0f, m->h, nh);
	as_sgemm(0, 0, n, nv, nh, 1.0f, m->dh, nh, m->w, nv, 0.0f, m->xr, nv);
	as_sgemm(1, 0, nh, nv, n, -1.0f, m->h, nh, v0, nv, 0.0f, m->gw, nv);
	as_sgemm(0, 1, n, nh, nv, 1.0f, m->xr, nv, m->w, nv, 0.0f, m->dh, nh);
	as_sgemm(1, 0, nh, nv, n, 1.0f, m->dh, nh, m->xr, nv, 1.0f, m->gw, nv);
}

enum { ROUNDS = 7 };

/* one step of what is timed: CD-1 on layer 1, or fine-tuning */
static void one_step(int rbm, struct as_stack *s, const struct as_config *cfg,
		     const float *x, size_t n, struct as_rng *rng)
{
	if (rbm) {
		as_rbm_step(s->layer[0], cfg, 0, 0, x, n, 0.01f, rng);
	} else {
		struct as_losses l;
		as_stack_finetune_grad(s, cfg, x, NULL, n, rng, &l);
		as_stack_update(s, cfg, 0.001f);
	}
}

/* medians of ROUNDS interleaved rounds of step and GEMMs alone */
static void time_pair(int rbm, struct as_stack *s, const struct as_config *cfg,
		      const struct as_dataset *ds, size_t n, double cell_s,
		      double *t_step, double *t_gemm)
{
	struct as_rng rng;
	as_rng_seed(&rng, 1, 0);
	double ts[ROUNDS], tg[ROUNDS];
	size_t calib = 0;
	double c0 = now_s();
	while (now_s() - c0 < 0.2 || calib < 2) {
		one_step(rbm, s, cfg,
			 ds->x + ((calib * n) % (ds->n_train - n)) * ds->d, n,
			 &rng);
		calib++;
	}
	size_t per = (size_t)((double)calib * cell_s / (0.2 * ROUNDS)) + 1;
	for (int r = 0; r < ROUNDS; r++) {
		double s0 = now_s();
		for (size_t i = 0; i < per; i++)
			one_step(rbm, s, cfg,
				 ds->x + ((i * n) % (ds->n_train - n)) * ds->d,
				 n, &rng);
		double s1 = now_s();
		for (size_t i = 0; i < per; i++) {
			const float *x =
				ds->x + ((i * n) % (ds->n_train - n)) * ds->d;
			if (rbm)
				rbm_gemms(s->layer[0], x, n);
			else
				finetune_gemms(s, x, n);
		}
		double s2 = now_s();
		ts[r] = (s1 - s0) / (double)per;
		tg[r] = (s2 - s1) / (double)per;
	}
	qsort(ts, ROUNDS, sizeof ts[0], cmp_double);
	qsort(tg, ROUNDS, sizeof tg[0], cmp_double);
	*t_step = ts[ROUNDS / 2];
	*t_gemm = tg[ROUNDS / 2];
}

int main(int argc, char **argv)
{
	double cell_s = argc > 1 ? atof(argv[1]) : 1.0;
	if (!(cell_s > 0))
		cell_s = 1.0;
	struct as_data_opts dopts;
	as_data_opts_default(&dopts);
	struct as_dataset *ds;
	struct as_error err;
	if (as_dataset_load("mnist", &dopts, &ds, &err) != AS_OK) {
		fprintf(stderr, "bench_deep: %s\n", err.msg);
		return 1;
	}
	struct as_config cfg;
	as_config_default(&cfg);
	if (as_param_parse(&cfg, as_param_find("layers"), "1000-500-250-30",
			   &err) != AS_OK) {
		fprintf(stderr, "bench_deep: %s\n", err.msg);
		return 1;
	}
	cfg.encoder = AS_ACT_LINEAR;
	cfg.finetune = AS_FINETUNE_RECON;
	cfg.stage = 4;
	cfg.momentum = 0.9f;
	as_blas_set_threads(1);
	printf("%s, 1 thread\n", as_blas_name());
	printf("784-1000-500-250-30 tied, linear code, cross-entropy; %zu "
	       "training digits\n",
	       ds->n_train);
	printf("step              batch   step ex/s   gemm ex/s   ratio   "
	       "s/epoch\n");
	const size_t batches[] = {20, 64, 256};
	for (int rbm = 0; rbm <= 1; rbm++) {
		for (size_t bi = 0; bi < 3; bi++) {
			size_t n = batches[bi];
			struct as_stack *s;
			if (as_stack_create(ds->d, &cfg, 0, n, &s, &err) !=
			    AS_OK) {
				fprintf(stderr, "bench_deep: %s\n", err.msg);
				return 1;
			}
			struct as_rng rng;
			as_rng_seed(&rng, 1, 0);
			as_stack_init(s, &cfg, &rng);
			double t_step, t_gemm;
			time_pair(rbm, s, &cfg, ds, n, cell_s, &t_step, &t_gemm);
			printf("%-17s %5zu %11.0f %11.0f %7.2f %9.2f\n",
			       rbm ? "CD-1 784-1000" : "fine-tuning", n,
			       (double)n / t_step, (double)n / t_gemm,
			       t_gemm / t_step,
			       (double)ds->n_train / ((double)n / t_step));
			fflush(stdout);
			as_stack_free(s);
		}
	}
	as_dataset_free(ds);
	return 0;
}
