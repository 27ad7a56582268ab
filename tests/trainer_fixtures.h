/* What the trainer's test suites share: their includes, a scratch
 * directory, the small data sets they train on (bars of 6 x 6 pixels),
 * trainers made with quick options, and the main that runs a suite.
 * Included by tests/test_trainer*.c only. */
#ifndef AUTOSCOPE_TESTS_TRAINER_FIXTURES_H
#define AUTOSCOPE_TESTS_TRAINER_FIXTURES_H

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "autoscope/fileio.h"
#include "autoscope/trainer.h"

static char tmpdir[] = "/tmp/as_trainer_XXXXXX";

/* 200 examples of 6 x 6 bars (one row or one column lit), 40 held out */
static inline struct as_dataset *bars(void)
{
	const size_t n = 200, d = 36;
	float *x = malloc(n * d * sizeof *x);
	uint8_t *y = malloc(n);
	for (size_t e = 0; e < n; e++) {
		size_t k = e % 12;
		for (size_t i = 0; i < d; i++) {
			size_t r = i / 6, c = i % 6;
			int on = k < 6 ? r == k : c == k - 6;
			x[e * d + i] = on ? 0.95f : 0.05f;
		}
		y[e] = (uint8_t)(k < 6 ? 0 : 1);
	}
	struct as_dataset *ds;
	struct as_error err;
	ck_assert_int_eq(as_dataset_wrap("bars", x, y, n, 6, 6, 160, &ds, &err),
			 AS_OK);
	return ds;
}

static inline struct as_trainer *make(const struct as_dataset *ds,
			       struct as_config *cfg, const char *out)
{
	struct as_trainer_opts o;
	as_trainer_opts_default(&o);
	o.out_dir = out;
	o.point_every = 40;
	o.eval_every = 80;
	struct as_trainer *t;
	struct as_error err;
	enum as_status st = as_trainer_create(cfg, ds, &o, &t, &err);
	ck_assert_msg(st == AS_OK, "%s", err.msg);
	return t;
}

static inline void small_config(struct as_config *cfg)
{
	as_config_default(cfg);
	cfg->n_hidden = 8;
	cfg->batch_size = 10;
	cfg->lr = 0.5f;
}

static inline void deep_config(struct as_config *cfg, const char *layers,
			enum as_pretrain pre, enum as_finetune fine)
{
	small_config(cfg);
	struct as_error err;
	ck_assert_int_eq(as_param_parse(cfg, as_param_find("layers"), layers,
					&err),
			 AS_OK);
	cfg->pretrain = pre;
	cfg->finetune = fine;
	cfg->pretrain_epochs = 1;
}

/* The bars with a third of their pixels flipped, labelled by which bar
 * (12 classes): hard enough that the neighbour searches differ */
static inline struct as_dataset *noisy_bars(void)
{
	const size_t n = 200, d = 36;
	float *x = malloc(n * d * sizeof *x);
	uint8_t *y = malloc(n);
	struct as_rng rng;
	as_rng_seed(&rng, 5, 5);
	for (size_t e = 0; e < n; e++) {
		size_t k = e % 12;
		for (size_t i = 0; i < d; i++) {
			size_t r = i / 6, c = i % 6;
			int on = k < 6 ? r == k : c == k - 6;
			if (as_rng_uniform(&rng) < 0.33f)
				on = !on;
			x[e * d + i] = on ? 0.95f : 0.05f;
		}
		y[e] = (uint8_t)k;
	}
	struct as_dataset *ds;
	struct as_error err;
	ck_assert_int_eq(as_dataset_wrap("noisy bars", x, y, n, 6, 6, 160, &ds,
					 &err),
			 AS_OK);
	return ds;
}

/* Runs the suite's one test case in a fresh scratch directory, which it
 * removes after. */
static inline int run_suite(const char *name, void (*add)(TCase *tc))
{
	if (!mkdtemp(tmpdir))
		return EXIT_FAILURE;
	Suite *s = suite_create(name);
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	add(tc);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		failed++;
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
