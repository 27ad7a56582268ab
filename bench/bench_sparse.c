/* bench_sparse: sparse coding's inference, codes a second, on whitened
 * 8x8 patches with 100 atoms (the sparse-coding lesson), in one run:
 * ISTA and FISTA at 50 rounds, FISTA at 20, and the energy each reaches
 * (the same batches, the same dictionary, learned for a few epochs
 * first); against the sgemm throughput of the inference's own GEMMs, and
 * against one GEMM a code (what a feed-forward encoder such as PSD's
 * costs). One BLAS thread.
 * Usage: bench_sparse [SECONDS a measurement (default 2)] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/blas.h"
#include "autoscope/dataset.h"
#include "autoscope/lesson.h"
#include "autoscope/sparse.h"
#include "autoscope/trainer.h"
#include "bench_util.h"

#define BATCH 100

static double rate(struct as_model *m, const struct as_config *cfg,
		   const float *x, size_t n, float *work, double secs,
		   double *energy)
{
	size_t done = 0, at = 0;
	double t0 = now_s(), e = 0;
	size_t ne = 0;
	while (now_s() - t0 < secs) {
		const float *xb = x + at * m->n_visible;
		as_sc_infer(m, cfg, xb, BATCH, m->h, work);
		if (ne < 20 * BATCH) {
			double r, a;
			as_sc_energy(m, xb, m->h, BATCH, &r, &a);
			e += r + cfg->sc_lambda * a;
			ne += BATCH;
		}
		done += BATCH;
		at = at + 2 * BATCH <= n ? at + BATCH : 0;
	}
	*energy = e / (double)ne;
	return (double)done / (now_s() - t0);
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0;
	as_blas_set_threads(1);
	struct as_data_opts dopts;
	as_data_opts_default(&dopts);
	dopts.n_patches = 20000;
	struct as_dataset *ds;
	struct as_error err;
	if (as_dataset_load("patches:brick.png,camera.png,chelsea.png,"
			    "coffee.png,grass.png",
			    &dopts, &ds, &err) != AS_OK) {
		fprintf(stderr, "bench_sparse: %s\n", err.msg);
		return 1;
	}
	struct as_config cfg;
	as_config_default(&cfg);
	struct as_error e2;
	as_settings_apply(&cfg,
			  "model=sc loss=mse encoder=linear hidden=100 "
			  "batch_size=100 lr=0.5 sc_lambda=0.3 sc_iters=50 "
			  "sc_fista=on corruption_level=0",
			  &e2);
	struct as_trainer_opts o;
	as_trainer_opts_default(&o);
	o.csv = 0;
	o.history_mb = 0;
	struct as_trainer *t;
	if (as_trainer_create(&cfg, ds, &o, &t, &err) != AS_OK) {
		fprintf(stderr, "bench_sparse: %s\n", err.msg);
		return 1;
	}
	/* a dictionary that has learned something: 3 epochs */
	while (t->epoch < 3)
		as_trainer_step(t);
	struct as_model *m = t->stack->layer[0];
	float *work = t->stack->infer_work;
	size_t n = ds->n_train, d = ds->d, k = m->n_hidden;
	printf("sparse coding inference, %zu x %zu dictionary, batches of "
	       "%d, 1 thread, %.1f s each\n",
	       k, d, BATCH, secs);
	struct {
		const char *name;
		int fista, iters;
	} kinds[] = {{"ISTA 50", 0, 50}, {"FISTA 50", 1, 50}, {"FISTA 20", 1, 20}};
	/* the GEMMs of one round on a batch: the residual (BATCH x d from
	 * BATCH x k) and the gradient (BATCH x k from BATCH x d) */
	float *a = calloc(BATCH * k, sizeof *a), *b = calloc(BATCH * d, sizeof *b);
	double t0 = now_s();
	size_t rounds = 0;
	while (now_s() - t0 < secs) {
		as_sgemm(0, 0, BATCH, d, k, 1.0f, a, k, m->w, d, 0.0f, b, d);
		as_sgemm(0, 1, BATCH, k, d, 1.0f, b, d, m->w, d, 0.0f, a, k);
		rounds++;
	}
	double gemm_rounds = (double)rounds / (now_s() - t0);
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
		struct as_config c = cfg;
		c.sc_fista = kinds[i].fista;
		c.sc_iters = kinds[i].iters;
		double en, r = rate(m, &c, ds->x, n, work, secs, &en);
		double bound = gemm_rounds * BATCH / kinds[i].iters;
		printf("  %-9s %9.0f codes/s  energy %.4f a patch  (%.2f of its "
		       "GEMMs' throughput)\n",
		       kinds[i].name, r, en, r / bound);
	}
	/* a feed-forward code: one GEMM (what PSD's encoder costs) */
	t0 = now_s();
	size_t codes = 0;
	while (now_s() - t0 < secs) {
		as_sgemm(0, 1, BATCH, k, d, 1.0f, ds->x, d, m->w, d, 0.0f, a,
			 k);
		codes += BATCH;
	}
	double gemm_codes = (double)codes / (now_s() - t0);
	printf("  one GEMM  %9.0f codes/s  (a feed-forward encoder's cost)\n",
	       gemm_codes);
	/* PSD's encoder, trained 3 epochs beside its own dictionary: the
	 * code as one product and a scaled tanh */
	struct as_config pc = cfg;
	pc.model = AS_MODEL_PSD;
	struct as_trainer *tp;
	if (as_trainer_create(&pc, ds, &o, &tp, &err) != AS_OK) {
		fprintf(stderr, "bench_sparse: %s\n", err.msg);
		return 1;
	}
	while (tp->epoch < 3)
		as_trainer_step(tp);
	float *tt = calloc(BATCH * k, sizeof *tt);
	t0 = now_s();
	codes = 0;
	for (size_t at = 0; now_s() - t0 < secs;
	     at = (at + BATCH) % (n - BATCH)) {
		as_psd_predict(&tp->stack->pred, k, d, ds->x + at * d, BATCH,
			       tt, a);
		codes += BATCH;
	}
	double pr = (double)codes / (now_s() - t0);
	printf("  PSD       %9.0f codes/s  (its encoder: %.2f of one GEMM)\n",
	       pr, pr / gemm_codes);
	free(tt);
	as_trainer_free(tp);
	free(a);
	free(b);
	as_trainer_free(t);
	as_dataset_free(ds);
	return 0;
}
