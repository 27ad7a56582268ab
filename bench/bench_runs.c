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

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void nap(double s)
{
	struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
	nanosleep(&ts, NULL);
}

/* examples trained by each of n runs in secs of wall time */
static int race(const struct as_dataset *ds, const int *hidden, int n,
		struct as_pace *pace, double secs, double *rate)
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
	if (race(ds, one, 1, NULL, secs, &alone))
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
			if (race(ds, pairs[k], 2, paced ? &pace : NULL, secs,
				 r))
				return 1;
			as_pace_destroy(&pace);
			char name[32];
			snprintf(name, sizeof name, "784-%d + 784-%d",
				 pairs[k][0], pairs[k][1]);
			printf("%-22s %-5s %12.0f %12.0f %6.2f %6.2f\n", name,
			       paced ? "on" : "off", r[0], r[1],
			       r[1] / r[0], (r[0] + r[1]) / alone);
		}
	as_dataset_free(ds);
	return 0;
}
