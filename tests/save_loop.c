/* save_loop: the victim and the judge of tests/kill9_saves.sh.
 *
 *   save_loop run DIR [N]    train a 784-500 untied autoencoder on a
 *                            synthetic dataset and save it to
 *                            DIR/checkpoint.ascp after every minibatch,
 *                            N times (0 or absent: until killed). If the
 *                            checkpoint exists it resumes from it, so the
 *                            step only grows from one run to the next.
 *                            Prints "saved STEP" after each save.
 *   save_loop check FILE [MIN_STEP]
 *                            loads FILE with as_checkpoint_load; prints
 *                            "step STEP" and exits 0 if it loads and its
 *                            step is at least MIN_STEP, else says why on
 *                            stderr and exits 1.
 *
 * One save writes about 6 MB (weights and momentum) and fsyncs it, so a
 * kill at a random moment often lands in the middle of one. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "autoscope/checkpoint.h"
#include "autoscope/dataset.h"
#include "autoscope/trainer.h"

#define ROWS 28
#define COLS 28
#define N_EXAMPLES 200
#define N_TRAIN 160
#define HIDDEN 500

/* the same data every time (a fixed generator), in [0, 1] */
static struct as_dataset *synthetic(void)
{
	size_t d = ROWS * COLS;
	float *x = malloc(N_EXAMPLES * d * sizeof *x);
	if (!x)
		return NULL;
	uint64_t s = 88172645463325252ull;
	for (size_t i = 0; i < N_EXAMPLES * d; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		x[i] = (float)(s >> 40) / (float)(1u << 24);
	}
	struct as_dataset *ds;
	struct as_error err;
	if (as_dataset_wrap("synthetic", x, NULL, N_EXAMPLES, ROWS, COLS,
			    N_TRAIN, &ds, &err) != AS_OK) {
		fprintf(stderr, "save_loop: %s\n", err.msg);
		return NULL;
	}
	return ds;
}

static int run(const char *dir, long n)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/checkpoint.ascp", dir);
	struct as_dataset *ds = synthetic();
	if (!ds)
		return 1;
	struct as_trainer_opts o;
	as_trainer_opts_default(&o);
	o.out_dir = NULL; /* no log.csv: only the checkpoint is written */
	o.eval_every = 0;
	struct as_trainer *t;
	struct as_error err;
	struct stat st;
	enum as_status s;
	if (stat(path, &st) == 0) {
		struct as_checkpoint ck;
		s = as_checkpoint_load(path, &ck, &err);
		if (s == AS_OK) {
			s = as_trainer_resume(&ck, ds, &o, &t, &err);
			as_checkpoint_release(&ck);
		}
	} else {
		struct as_config cfg;
		as_config_default(&cfg);
		cfg.n_hidden = HIDDEN;
		cfg.tied = 0;
		cfg.batch_size = 20;
		s = as_trainer_create(&cfg, ds, &o, &t, &err);
	}
	if (s != AS_OK) {
		fprintf(stderr, "save_loop: %s\n", err.msg);
		as_dataset_free(ds);
		return 1;
	}
	int rc = 0;
	for (long i = 0; n <= 0 || i < n; i++) {
		as_trainer_step(t);
		if (as_trainer_save(t, path, &err) != AS_OK) {
			fprintf(stderr, "save_loop: %s\n", err.msg);
			rc = 1;
			break;
		}
		printf("saved %llu\n", (unsigned long long)t->step);
		fflush(stdout);
	}
	as_trainer_free(t);
	as_dataset_free(ds);
	return rc;
}

static int check(const char *path, const char *min)
{
	unsigned long long want = 0;
	if (min) {
		char *end;
		errno = 0;
		want = strtoull(min, &end, 10);
		if (errno || *end || end == min) {
			fprintf(stderr, "save_loop: bad step '%s'\n", min);
			return 2;
		}
	}
	struct as_checkpoint ck;
	struct as_error err;
	if (as_checkpoint_load(path, &ck, &err) != AS_OK) {
		fprintf(stderr, "save_loop: does not load: %s\n", err.msg);
		return 1;
	}
	unsigned long long step = (unsigned long long)ck.step;
	as_checkpoint_release(&ck);
	printf("step %llu\n", step);
	if (step < want) {
		fprintf(stderr,
			"save_loop: %s is at step %llu, older than the step "
			"%llu it held before\n",
			path, step, want);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && argc <= 4 && !strcmp(argv[1], "run"))
		return run(argv[2], argc == 4 ? atol(argv[3]) : 0);
	if (argc >= 3 && argc <= 4 && !strcmp(argv[1], "check"))
		return check(argv[2], argc == 4 ? argv[3] : NULL);
	fprintf(stderr, "usage: save_loop run DIR [N] | save_loop check FILE "
			"[MIN_STEP]\n");
	return 2;
}
