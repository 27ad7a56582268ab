/*
 * bench_step: training speed of the default step against the GEMMs in it.
 *
 * The default step is 784 -> 500, tied, 25% masking noise, sigmoid +
 * cross-entropy, on the bundled MNIST. For each batch size and thread
 * count it times (a) whole SGD steps (corruption, forward, loss, backward,
 * update) and (b) the same five cblas_sgemm calls alone, interleaved in
 * rounds so that both see the same machine load, and prints
 *   ratio = (useful FLOP/s of the step) / (sgemm FLOP/s) = t_gemm / t_step
 * (the step's useful FLOPs are its GEMMs: 5 x 2 x 784 x 500 per example).
 * Medians over the rounds. Then the training loop of `autoscope train`
 * (as_trainer_step with its options: history points, the divergence guard,
 * a held-out evaluation at each epoch's end) against the bare step, an
 * epoch of each in turn:
 *   loop/step = examples/s of the loop / examples/s of as_model_step
 * Usage: bench_step [seconds per cell, default 1]
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "autoscope/blas.h"
#include "autoscope/dataset.h"
#include "autoscope/model.h"
#include "autoscope/trainer.h"

#include "bench_util.h"

/* The five GEMMs of a tied step, on the model's own buffers. */
static void gemms(struct as_model *m, const float *x, size_t n)
{
	size_t nv = m->n_visible, nh = m->n_hidden;
	as_sgemm(0, 1, n, nh, nv, 1.0f, x, nv, m->w, nv, 0.0f, m->h, nh);
	as_sgemm(0, 0, n, nv, nh, 1.0f, m->h, nh, m->w, nv, 0.0f, m->xr, nv);
	as_sgemm(1, 0, nh, nv, n, 1.0f, m->h, nh, m->dx, nv, 0.0f, m->gw, nv);
	as_sgemm(0, 1, n, nh, nv, 1.0f, m->dx, nv, m->w, nv, 0.0f, m->dh, nh);
	as_sgemm(1, 0, nh, nv, n, 1.0f, m->dh, nh, x, nv, 1.0f, m->gw, nv);
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
		fprintf(stderr, "bench_step: %s\n", err.msg);
		return 1;
	}
	struct as_config cfg;
	as_config_default(&cfg);
	printf("%s\n", as_blas_name());
	printf("default step: %zu -> %d, tied, %.0f%% masking, cross-entropy"
	       "\n",
	       ds->d, cfg.n_hidden, 100.0 * cfg.corruption_level);
	printf("threads batch   step ex/s   gemm ex/s   ratio\n");
	const size_t batches[] = {20, 64, 256};
	const int rounds = 7;
	for (int threads = 1; threads <= 2; threads++) {
		as_blas_set_threads(threads);
		for (size_t bi = 0; bi < 3; bi++) {
			size_t n = batches[bi];
			struct as_model *m;
			if (as_model_create(ds->d, (size_t)cfg.n_hidden, n, &m,
					    &err) != AS_OK) {
				fprintf(stderr, "bench_step: %s\n", err.msg);
				return 1;
			}
			struct as_rng rng;
			as_rng_seed(&rng, 1, 0);
			as_model_init(m, &cfg, &rng);
			cfg.batch_size = (int)n;
			double t_step[7], t_gemm[7];
			size_t per_round = 0;
			/* calibrate: steps that take about cell_s / rounds */
			double c0 = now_s();
			size_t calib = 0;
			while (now_s() - c0 < 0.2) {
				size_t at = (calib * n) % (ds->n_train - n);
				as_model_step(m, &cfg, ds->x + at * ds->d, n,
					      0.01f, &rng, NULL);
				calib++;
			}
			per_round = (size_t)((double)calib * cell_s /
					     (0.2 * rounds)) +
				    1;
			for (int r = 0; r < rounds; r++) {
				double s0 = now_s();
				for (size_t i = 0; i < per_round; i++) {
					size_t at = (i * n) % (ds->n_train - n);
					as_model_step(m, &cfg,
						      ds->x + at * ds->d, n,
						      0.01f, &rng, NULL);
				}
				double s1 = now_s();
				for (size_t i = 0; i < per_round; i++) {
					size_t at = (i * n) % (ds->n_train - n);
					gemms(m, ds->x + at * ds->d, n);
				}
				double s2 = now_s();
				t_step[r] = (s1 - s0) / (double)per_round;
				t_gemm[r] = (s2 - s1) / (double)per_round;
			}
			qsort(t_step, rounds, sizeof(double), cmp_double);
			qsort(t_gemm, rounds, sizeof(double), cmp_double);
			double ts = t_step[rounds / 2], tg = t_gemm[rounds / 2];
			printf("%7d %5zu %12.0f %11.0f %7.2f\n", threads, n,
			       (double)n / ts, (double)n / tg, tg / ts);
			fflush(stdout);
			as_model_free(m);
		}
	}
	printf("\ntraining loop (autoscope train) vs the step, an epoch each, "
	       "median of 5\n");
	printf("threads batch   loop ex/s   step ex/s   loop/step\n");
	for (int threads = 1; threads <= 2; threads++) {
		as_blas_set_threads(threads);
		for (size_t bi = 0; bi < 2; bi++) {
			size_t n = batches[bi];
			cfg.batch_size = (int)n;
			struct as_trainer_opts o;
			as_trainer_opts_default(&o);
			o.csv = 0;
			o.eval_every = 0; /* as cli/main.c */
			struct as_trainer *t;
			struct as_model *m;
			if (as_trainer_create(&cfg, ds, &o, &t, &err) !=
				    AS_OK ||
			    as_model_create(ds->d, (size_t)cfg.n_hidden, n, &m,
					    &err) != AS_OK) {
				fprintf(stderr, "bench_step: %s\n", err.msg);
				return 1;
			}
			struct as_rng rng;
			as_rng_seed(&rng, 1, 0);
			as_model_init(m, &cfg, &rng);
			double r_loop[5], r_step[5], ratio[5];
			for (int r = 0; r < 5; r++) {
				uint64_t e0 = t->epoch, x0 = t->examples;
				double s0 = now_s();
				while (t->epoch == e0)
					as_trainer_step(t);
				double s1 = now_s();
				size_t ex = (size_t)(t->examples - x0);
				for (size_t at = 0; at + n <= ex; at += n)
					as_model_step(m, &cfg,
						      ds->x + at * ds->d, n,
						      0.01f, &rng, NULL);
				double s2 = now_s();
				r_loop[r] = (double)ex / (s1 - s0);
				r_step[r] = (double)(ex - ex % n) / (s2 - s1);
				ratio[r] = r_loop[r] / r_step[r];
			}
			qsort(r_loop, 5, sizeof(double), cmp_double);
			qsort(r_step, 5, sizeof(double), cmp_double);
			qsort(ratio, 5, sizeof(double), cmp_double);
			printf("%7d %5zu %11.0f %11.0f %11.3f\n", threads, n,
			       r_loop[2], r_step[2], ratio[2]);
			fflush(stdout);
			as_model_free(m);
			as_trainer_free(t);
		}
	}
	as_dataset_free(ds);
	return 0;
}
