/* bench_sesm: code inference's cost (sesm.h), on MNIST with lesson 19's
 * sparsifying run (784-196, trained 1 epoch first), in one run, one BLAS
 * thread: codes a second inferred by 10, 20 and 50 descent steps against
 * the prediction a(z^) (one product, what the rest of autoscope uses),
 * against the GEMMs a descent step must do (a decode and a backprop a
 * step: the bound), and the training steps a second (inference, then the
 * weights).
 * Usage: bench_sesm [SECONDS a measurement (default 2)] */
#include <stdio.h>
#include <stdlib.h>

#include "autoscope/blas.h"
#include "autoscope/dataset.h"
#include "autoscope/lesson.h"
#include "autoscope/sesm.h"
#include "autoscope/trainer.h"
#include "bench_util.h"

#define BATCH 100

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 2.0;
	as_blas_set_threads(1);
	struct as_data_opts dopts;
	as_data_opts_default(&dopts);
	struct as_dataset *ds;
	struct as_error err;
	if (as_dataset_load("mnist", &dopts, &ds, &err) != AS_OK) {
		fprintf(stderr, "bench_sesm: %s\n", err.msg);
		return 1;
	}
	struct as_config cfg;
	as_config_default(&cfg);
	if (as_settings_apply(&cfg,
			      "model=sesm loss=mse hidden=196 batch_size=20 "
			      "lr=0.05 momentum=0.5 tied=off "
			      "sesm_code=sparsifying sesm_eta=0.2",
			      &err) != AS_OK) {
		fprintf(stderr, "bench_sesm: %s\n", err.msg);
		return 1;
	}
	struct as_trainer_opts o;
	as_trainer_opts_default(&o);
	o.csv = 0;
	o.history_mb = 0;
	struct as_trainer *t;
	if (as_trainer_create(&cfg, ds, &o, &t, &err) != AS_OK) {
		fprintf(stderr, "bench_sesm: %s\n", err.msg);
		return 1;
	}
	/* weights that have learned something */
	while (t->epoch < 1)
		as_trainer_step(t);
	struct as_stack *s = t->stack;
	struct as_model *m = s->layer[0];
	size_t n = ds->n_train, d = ds->d, k = m->n_hidden;
	printf("code inference, %zu-%zu untied, batches of %d, 1 thread, "
	       "%.1f s each\n",
	       d, k, BATCH, secs);
	/* a descent step's GEMMs on a batch: a D (BATCH x d from BATCH x
	 * k) and (x^ - x) D^T (BATCH x k from BATCH x d) */
	float *a = calloc(BATCH * k, sizeof *a), *b = calloc(BATCH * d, sizeof *b);
	if (!a || !b)
		return 1;
	double t0 = now_s();
	size_t rounds = 0;
	while (now_s() - t0 < secs) {
		as_sgemm(0, 1, BATCH, d, k, 1.0f, a, k, m->w2, k, 0.0f, b, d);
		as_sgemm(0, 0, BATCH, k, d, 1.0f, b, d, m->w2, k, 0.0f, a, k);
		rounds++;
	}
	double step_rate = (double)rounds / (now_s() - t0);
	/* the prediction: one product and the non-linearity */
	t0 = now_s();
	size_t codes = 0;
	for (size_t at = 0; now_s() - t0 < secs;
	     at = (at + BATCH) % (n - BATCH)) {
		as_sesm_encode(m, s->log_zeta, &cfg, ds->x + at * d, BATCH, a,
			       s->infer_work);
		codes += BATCH;
	}
	double pred = (double)codes / (now_s() - t0);
	printf("  predicted  %9.0f codes/s  (one product)\n", pred);
	int steps[] = {10, 20, 50};
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		struct as_config c = cfg;
		c.sesm_iters = steps[i];
		t0 = now_s();
		codes = 0;
		double e = 0;
		for (size_t at = 0; now_s() - t0 < secs;
		     at = (at + BATCH) % (n - BATCH)) {
			e += as_sesm_energy(m, s->log_zeta, &c, ds->x + at * d,
					    BATCH, s->infer_work);
			codes += BATCH;
		}
		double r = (double)codes / (now_s() - t0);
		printf("  %2d steps   %9.0f codes/s  energy %.3f a digit  "
		       "(%.2f of its GEMMs' bound, %.1f times slower than "
		       "predicted)\n",
		       steps[i], r, e / (double)codes,
		       r / (step_rate * BATCH / (steps[i] + 1)), pred / r);
	}
	/* training: the step a minibatch of the lesson's 20 */
	t0 = now_s();
	size_t ex = t->examples;
	while (now_s() - t0 < secs)
		as_trainer_step(t);
	printf("  training   %9.0f examples/s  (batches of 20, 20 steps)\n",
	       (double)(t->examples - ex) / (now_s() - t0));
	free(a);
	free(b);
	as_trainer_free(t);
	as_dataset_free(ds);
	return 0;
}
