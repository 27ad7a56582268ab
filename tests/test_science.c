/* The published results the tool must reproduce, on the bundled MNIST
 * (the canonical test set, 8,000 train / 2,000 held-out). */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "autoscope/trainer.h"

/* chosen by measurement: see the closing note of the engine issue */
#define LINEAR_LR 0.005f
#define LINEAR_EPOCHS 15
#define DENOISE_EPOCHS 5

static struct as_dataset *ds;

static struct as_trainer *run(const struct as_config *cfg)
{
	struct as_trainer_opts o;
	as_trainer_opts_default(&o);
	o.eval_every = 0; /* held-out loss at the end of each epoch */
	o.eval_max = 0;	  /* on all 2,000 held-out digits */
	o.eval_ratio = 0;
	struct as_trainer *t;
	struct as_error err;
	enum as_status st = as_trainer_create(cfg, ds, &o, &t, &err);
	ck_assert_msg(st == AS_OK, "%s", err.msg);
	return t;
}

static void train_epochs(struct as_trainer *t, uint64_t epochs)
{
	while (t->epoch < epochs)
		as_trainer_step(t);
}

/* Baldi & Hornik 1989: a linear autoencoder with squared error spans the
 * principal subspace, so its error approaches the rank-k PCA error. */
START_TEST(test_linear_autoencoder_reaches_pca)
{
	struct as_config cfg;
	as_config_default(&cfg);
	cfg.loss = AS_LOSS_MSE;
	cfg.encoder = AS_ACT_LINEAR;
	cfg.n_hidden = 30;
	cfg.tied = 0;
	cfg.corruption_level = 0;
	cfg.batch_size = 64;
	cfg.momentum = 0.9f;
	cfg.lr = LINEAR_LR;
	struct as_trainer *t = run(&cfg);
	struct as_error err;
	ck_assert_int_eq(as_trainer_pca(t, &err), AS_OK);
	train_epochs(t, LINEAR_EPOCHS);
	double loss = as_trainer_heldout_loss(t, 0);
	double ratio = loss / t->base.pca_error;
	printf("linear AE k=30: held-out %.4f, PCA %.4f, ratio %.4f after "
	       "%llu epochs\n",
	       loss, t->base.pca_error, ratio, (unsigned long long)t->epoch);
	ck_assert_msg(ratio < 1.02, "ratio %.4f", ratio);
	/* and it cannot beat the optimum by more than sampling noise */
	ck_assert_msg(ratio > 0.97, "ratio %.4f", ratio);
	as_trainer_free(t);
}
END_TEST

/* Vincent et al. 2008: a denoising autoencoder (25% masking) learns
 * features on which a linear classifier beats raw pixels. */
START_TEST(test_denoising_features_beat_pixels)
{
	struct as_config cfg;
	as_config_default(&cfg); /* 784-500, tied, 25% mask, CE, lr 0.1 */
	struct as_trainer *t = run(&cfg);
	double before = as_trainer_heldout_loss(t, 0);
	train_epochs(t, DENOISE_EPOCHS);
	double after = as_trainer_heldout_loss(t, 0);
	struct as_error err;
	ck_assert_int_eq(as_trainer_probe(t, &err), AS_OK);
	printf("denoising 784-500, 25%% mask, %llu epochs: held-out %.2f -> "
	       "%.2f, probe codes %.4f vs raw %.4f\n",
	       (unsigned long long)t->epoch, before, after, t->probe_accuracy,
	       t->base.probe_raw);
	ck_assert(after < 0.5 * before);
	ck_assert_msg(t->probe_accuracy > t->base.probe_raw + 0.02,
		      "codes %.4f, raw %.4f", t->probe_accuracy, t->base.probe_raw);
	as_trainer_free(t);
}
END_TEST

int main(void)
{
	struct as_data_opts o;
	as_data_opts_default(&o);
	struct as_error err;
	if (as_dataset_load("mnist", &o, &ds, &err) != AS_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return EXIT_FAILURE;
	}
	Suite *s = suite_create("science");
	TCase *tc = tcase_create("mnist");
	tcase_set_timeout(tc, 1200);
	tcase_add_test(tc, test_linear_autoencoder_reaches_pca);
	tcase_add_test(tc, test_denoising_features_beat_pixels);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	as_dataset_free(ds);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
