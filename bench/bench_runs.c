/*
 * bench_runs: runs side by side on the machine's cores, as the explorer
 * holds them (one training thread each, snapshots published).
 *
 * For a few pairs of runs on the bundled MNIST it trains both threaded for
 * a fixed wall time and prints each run's examples/s and:
 *   share  = examples of run 2 / examples of run 1 (1.00: equal progress)
 *   total  = examples/s of both together / examples/s of run 1 alone
 * first without the pace (each thread as fast as it goes), then with it
 * (a run more than 2,000 examples ahead waits). Pairs: two equal 784-500
 * runs, and a 784-500 run beside a 784-30 one, where without the pace the
 * small run races ahead. Usage: bench_runs [seconds per cell, default 3]
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "autoscope/blas.h"
#include "autoscope/trainer.h"

#include "bench_util.h"

static void nap(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
	nanosleep(&ts, NULL);
}

/* examples trained by each of n runs in secs of wall time */
static int race(const struct as_dataset *ds, const int *hidden, int n,
		int batch, struct as_pace *pace, double secs, double *rate)
{
	struct as_trainer *t[2];
	struct as_trainer_opts o;
	as_trainer_opts_default(&o);
	o.publish = 1;
	o.pace = pace;
	struct as_error err;
	for (int i = 0; i < n; i++) {
		struct as_config cfg;
		as_config_default(&cfg);
		cfg.n_hidden = hidden[i];
		cfg.batch_size = batch;
		if (as_trainer_create(&cfg, ds, &o, &t[i], &err) != AS_OK ||
		    as_trainer_start(t[i], &err) != AS_OK) {
			fprintf(stderr, "bench_runs: %s\n", err.msg);
			return -1;
		}
	}
	nap(0.5); /* past the first frames */
	uint64_t start[2];
	for (int i = 0; i < n; i++) {
		const struct as_snapshot *s = as_snapshot_acquire(&t[i]->pub);
		start[i] = s ? s->examples : 0;
		as_snapshot_release(&t[i]->pub);
	}
	double t0 = now_s();
	nap(secs);
	double dt = now_s() - t0;
	for (int i = 0; i < n; i++) {
		const struct as_snapshot *s = as_snapshot_acquire(&t[i]->pub);
		rate[i] = s ? (double)(s->examples - start[i]) / dt : 0;
		as_snapshot_release(&t[i]->pub);
	}
	for (int i = 0; i < n; i++)
		as_trainer_free(t[i]);
	return 0;
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 3;
	if (!(secs > 0))
		secs = 3;
	as_blas_set_threads(1);
	struct as_data_opts dopts;
	as_data_opts_default(&dopts);
	struct as_dataset *ds;
	struct as_error err;
	if (as_dataset_load("mnist", &dopts, &ds, &err) != AS_OK) {
		fprintf(stderr, "bench_runs: %s\n", err.msg);
		return 1;
	}
	double alone;
	int one[1] = {500};
	if (race(ds, one, 1, 20, NULL, secs, &alone))
		return 1;
	printf("one 784-500 run alone: %.0f examples/s\n\n", alone);
	printf("%-22s %-5s %12s %12s %6s %6s\n", "runs", "pace", "run 1 ex/s",
	       "run 2 ex/s", "share", "total");
	const int pairs[2][2] = {{500, 500}, {500, 30}};
	for (int k = 0; k < 2; k++)
		for (int paced = 0; paced < 2; paced++) {
			struct as_pace pace;
			as_pace_init(&pace, 2000);
			double r[2];
			if (race(ds, pairs[k], 2, 20, paced ? &pace : NULL,
				 secs, r))
				return 1;
			as_pace_destroy(&pace);
			char name[32];
			snprintf(name, sizeof name, "784-%d + 784-%d",
				 pairs[k][0], pairs[k][1]);
			printf("%-22s %-5s %12.0f %12.0f %6.2f %6.2f\n", name,
			       paced ? "on" : "off", r[0], r[1], r[1] / r[0],
			       (r[0] + r[1]) / alone);
		}
	/* OpenBLAS threads: a run alone, and two runs side by side (paced,
	 * as the explorer and a lesson hold them), with 1 and 2 BLAS threads
	 * set for the process, and with the thread count the explorer and
	 * `train --lesson` use for that many runs (as_blas_threads_for) */
	printf("\n%-12s %-5s %-14s %12s %12s %8s\n", "runs", "batch",
	       "BLAS threads", "run 1 ex/s", "run 2 ex/s", "vs 1 thr");
	const int batches[2] = {20, 64};
	for (int b = 0; b < 2; b++)
		for (int n = 1; n <= 2; n++) {
			double base = 0;
			for (int mode = 0; mode < 3; mode++) {
				int want = mode == 0 ? 1 : 2;
				int thr = mode == 2 ? as_blas_threads_for(2, n)
						    : want;
				as_blas_set_threads(thr);
				struct as_pace pace;
				as_pace_init(&pace, 2000);
				double r[2] = {0, 0};
				const int h[2] = {500, 500};
				if (race(ds, h, n, batches[b],
					 n > 1 ? &pace : NULL, secs, r))
					return 1;
				as_pace_destroy(&pace);
				double sum = r[0] + r[1];
				if (mode == 0)
					base = sum;
				char label[32];
				snprintf(label, sizeof label, "%s%d",
					 mode == 2 ? "--threads 2: " : "", thr);
				char r2[16] = "-";
				if (n > 1)
					snprintf(r2, sizeof r2, "%.0f", r[1]);
				printf("%-12s %-5d %-14s %12.0f %12s %8.2f\n",
				       n == 1 ? "784-500" : "2 x 784-500",
				       batches[b], label, r[0], r2, sum / base);
			}
		}
	as_blas_set_threads(1);
	as_dataset_free(ds);
	return 0;
}
