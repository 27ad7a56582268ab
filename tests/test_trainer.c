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
static struct as_dataset *bars(void)
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

static struct as_trainer *make(const struct as_dataset *ds,
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

static void small_config(struct as_config *cfg)
{
	as_config_default(cfg);
	cfg->n_hidden = 8;
	cfg->batch_size = 10;
	cfg->lr = 0.5f;
}

START_TEST(test_commands_apply_and_are_recorded)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	small_config(&cfg);
	struct as_trainer *t = make(ds, &cfg, NULL);
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(as_trainer_step(t), 1);
	int level = as_param_index(as_param_find("corruption_level"));
	int tied = as_param_index(as_param_find("tied"));
	int hidden = as_param_index(as_param_find("hidden"));
	struct as_command c = {AS_CMD_SET, level, 0.5};
	ck_assert_int_eq(as_trainer_push(t, &c), AS_OK);
	c = (struct as_command){AS_CMD_SET, tied, 0};
	ck_assert_int_eq(as_trainer_push(t, &c), AS_OK);
	ck_assert_int_eq(as_trainer_step(t), 1);
	ck_assert_float_eq(t->cfg.corruption_level, 0.5f);
	ck_assert_int_eq(t->cfg.tied, 0);
	ck_assert_int_eq(t->model->tied, 0);
	ck_assert_uint_eq(t->history->n_changes, 2);
	const struct as_change *ch = &t->history->changes[0];
	ck_assert_str_eq(ch->param, "corruption_level");
	ck_assert_str_eq(ch->old_value, "0.25");
	ck_assert_str_eq(ch->new_value, "0.5");
	ck_assert_uint_eq(ch->step, 5);
	ck_assert_str_eq(t->history->changes[1].new_value, "off");

	/* out of range, structural: refused with a message, nothing changes */
	c = (struct as_command){AS_CMD_SET, level, 1.5};
	as_trainer_push(t, &c);
	as_trainer_step(t);
	ck_assert_float_eq(t->cfg.corruption_level, 0.5f);
	ck_assert(strstr(t->message, "refused") != NULL);
	c = (struct as_command){AS_CMD_SET, hidden, 20};
	as_trainer_push(t, &c);
	as_trainer_step(t);
	ck_assert_int_eq(t->cfg.n_hidden, 8);
	ck_assert(strstr(t->message, "hidden") != NULL);
	ck_assert_uint_eq(t->history->n_changes, 2);

	/* pause: no step until a single step or resume */
	c = (struct as_command){AS_CMD_PAUSE, 0, 1};
	as_trainer_push(t, &c);
	uint64_t at = t->step;
	ck_assert_int_eq(as_trainer_step(t), 0);
	ck_assert_int_eq(as_trainer_step(t), 0);
	c = (struct as_command){AS_CMD_STEP, 0, 0};
	as_trainer_push(t, &c);
	ck_assert_int_eq(as_trainer_step(t), 1);
	ck_assert_int_eq(as_trainer_step(t), 0);
	ck_assert_uint_eq(t->step, at + 1);

	/* a full queue refuses, it does not block */
	for (int i = 0; i < AS_QUEUE_MAX; i++)
		ck_assert_int_eq(as_trainer_push(t, &c), AS_OK);
	ck_assert_int_eq(as_trainer_push(t, &c), AS_ERR_STATE);
	as_trainer_free(t);
	as_dataset_free(ds);
}
END_TEST

/* The explorer's case: a linear autoencoder on MNIST learning well, then
 * the learning rate typed as 10. */
/* Toggles flip the trainer's own state, never a value the screen read a
 * frame ago: two quick toggles of pause cancel out. */
START_TEST(test_toggles_apply_to_the_trainers_state)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	small_config(&cfg);
	struct as_trainer *t = make(ds, &cfg, NULL);
	struct as_command toggle = {AS_CMD_PAUSE, 0, -1};
	ck_assert_int_eq(as_trainer_push(t, &toggle), AS_OK);
	ck_assert_int_eq(as_trainer_push(t, &toggle), AS_OK);
	ck_assert_int_eq(as_trainer_step(t), 1); /* both applied: running */
	ck_assert_int_eq(t->paused, 0);
	ck_assert_int_eq(as_trainer_push(t, &toggle), AS_OK);
	ck_assert_int_eq(as_trainer_step(t), 0);
	ck_assert_int_eq(t->paused, 1);
	struct as_command pause = {AS_CMD_PAUSE, 0, 1};
	ck_assert_int_eq(as_trainer_push(t, &pause), AS_OK);
	ck_assert_int_eq(as_trainer_step(t), 0); /* pause on pause: paused */
	ck_assert_int_eq(as_trainer_push(t, &toggle), AS_OK);
	ck_assert_int_eq(as_trainer_step(t), 1);
	/* tied goes by nudges of its bool: two of them leave it as it was */
	int tied = as_param_index(as_param_find("tied"));
	struct as_command flip = {AS_CMD_NUDGE, tied, 1};
	ck_assert_int_eq(as_trainer_push(t, &flip), AS_OK);
	ck_assert_int_eq(as_trainer_push(t, &flip), AS_OK);
	as_trainer_step(t);
	ck_assert_int_eq(t->cfg.tied, 1);
	ck_assert_int_eq(t->model->tied, 1);
	as_trainer_free(t);
	as_dataset_free(ds);
}
END_TEST

START_TEST(test_divergence_restores_and_halves_lr)
{
	struct as_data_opts dopts;
	as_data_opts_default(&dopts);
	struct as_dataset *ds;
	struct as_error err;
	ck_assert_int_eq(as_dataset_load("mnist", &dopts, &ds, &err), AS_OK);
	struct as_config cfg;
	as_config_default(&cfg);
	cfg.loss = AS_LOSS_MSE;
	cfg.encoder = AS_ACT_LINEAR;
	cfg.n_hidden = 30;
	cfg.corruption_level = 0;
	cfg.lr = 0.0125f;
	struct as_trainer *t = make(ds, &cfg, NULL);
	double start = as_trainer_heldout_loss(t, 0);
	/* good steps first, ending just before a step where the guard takes
	 * a copy (every 50): the first step at lr 10 gives huge but finite
	 * weights, which must not become the weights to go back to */
	for (int i = 0; i < 349; i++)
		as_trainer_step(t);
	int lr = as_param_index(as_param_find("lr"));
	struct as_command c = {AS_CMD_SET, lr, 10};
	as_trainer_push(t, &c);
	int diverged = 0;
	for (int i = 0; i < 400 && !diverged; i++) {
		as_trainer_step(t);
		diverged = strstr(t->message, "diverged") != NULL;
	}
	ck_assert_msg(diverged, "lr 10 on a linear autoencoder should diverge");
	ck_assert(as_model_finite(t->model));
	ck_assert_float_lt(t->cfg.lr, 10.0f);
	const struct as_change *last =
		&t->history->changes[t->history->n_changes - 1];
	ck_assert_str_eq(last->param, "lr");
	/* and training goes on from weights that were good before the
	 * blow-up: a few halvings, not a slide to the smallest rate */
	for (int i = 0; i < 3000; i++)
		as_trainer_step(t);
	ck_assert_int_eq(t->paused, 0);
	ck_assert_msg(t->cfg.lr > 0.001f, "lr fell to %g", t->cfg.lr);
	double end = as_trainer_heldout_loss(t, 0);
	ck_assert_msg(isfinite(end) && end < start, "held-out %g -> %g", start,
		      end);
	as_trainer_free(t);
	as_dataset_free(ds);
}
END_TEST

/* Run 30 steps; or run 13, save, load, resume, run 17: the same weights
 * bit for bit and the same loss curve. */
START_TEST(test_resume_continues_the_same_run)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	small_config(&cfg);
	cfg.momentum = 0.5f;
	struct as_trainer *a = make(ds, &cfg, NULL);
	for (int i = 0; i < 30; i++)
		as_trainer_step(a);

	struct as_trainer *b = make(ds, &cfg, NULL);
	for (int i = 0; i < 13; i++)
		as_trainer_step(b);
	char path[256];
	snprintf(path, sizeof path, "%s/run.ascp", tmpdir);
	struct as_error err;
	ck_assert_int_eq(as_trainer_save(b, path, &err), AS_OK);
	as_trainer_free(b);
	struct as_checkpoint ck;
	ck_assert_int_eq(as_checkpoint_load(path, &ck, &err), AS_OK);
	struct as_trainer_opts o;
	as_trainer_opts_default(&o);
	o.point_every = 40;
	o.eval_every = 80;
	struct as_trainer *c;
	ck_assert_int_eq(as_trainer_resume(&ck, ds, &o, &c, &err), AS_OK);
	as_checkpoint_release(&ck);
	for (int i = 0; i < 17; i++)
		as_trainer_step(c);
	ck_assert_uint_eq(c->step, a->step);
	as_model_sync_decoder(a->model);
	as_model_sync_decoder(c->model);
	ck_assert(memcmp(a->model->params, c->model->params,
			 a->model->n_params * sizeof(float)) == 0);
	ck_assert_uint_eq(a->history->n_points, c->history->n_points);
	for (size_t i = 0; i < a->history->n_points; i++) {
		const struct as_point *p = &a->history->points[i],
				      *q = &c->history->points[i];
		ck_assert_uint_eq(p->examples, q->examples);
		ck_assert(p->train_loss == q->train_loss);
	}
	as_trainer_free(a);
	as_trainer_free(c);
	as_dataset_free(ds);
}
END_TEST

static void deep_config(struct as_config *cfg, const char *layers,
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

/* Each layer gets its pretraining epoch, then fine-tuning: every switch is
 * a recorded change of "stage" at an epoch's end, in the CSV as well. */
START_TEST(test_stages_follow_the_epochs_and_are_recorded)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	deep_config(&cfg, "12-6-4", _i ? AS_PRETRAIN_RBM : AS_PRETRAIN_AE,
		    AS_FINETUNE_RECON);
	char out[256];
	snprintf(out, sizeof out, "%s/stages%d", tmpdir, _i);
	struct as_error err;
	ck_assert_int_eq(as_mkdir(out, &err), AS_OK);
	struct as_trainer *t = make(ds, &cfg, out);
	ck_assert_int_eq(t->cfg.stage, 0);
	ck_assert_uint_eq(as_trainer_depth(t), 1);
	/* 160 training examples, batch 10: 16 steps an epoch */
	for (int i = 0; i < 16 * 5; i++)
		as_trainer_step(t);
	ck_assert_int_eq(t->cfg.stage, 3);
	ck_assert_uint_eq(as_trainer_depth(t), 3);
	ck_assert_uint_eq(as_trainer_code_width(t), 4);
	int seen = 0;
	for (size_t i = 0; i < t->history->n_changes; i++) {
		const struct as_change *c = &t->history->changes[i];
		if (strcmp(c->param, "stage") != 0)
			continue;
		ck_assert_uint_eq(c->step, 16u * (unsigned)(seen + 1));
		seen++;
	}
	ck_assert_int_eq(seen, 3);
	/* fine-tuning the whole stack lowers its reconstruction loss */
	double before = as_trainer_heldout_loss(t, 0);
	for (int i = 0; i < 16 * 20; i++)
		as_trainer_step(t);
	double after = as_trainer_heldout_loss(t, 0);
	ck_assert_msg(after < before, "fine-tuning: %g -> %g", before, after);
	ck_assert(as_stack_finite(t->stack));
	as_trainer_free(t);
	char path[512], line[4096];
	snprintf(path, sizeof path, "%s/log.csv", out);
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
	ck_assert_msg(strstr(line, ",stage,") != NULL, "%s", line);
	fclose(f);
	as_dataset_free(ds);
}
END_TEST

/* A deep run saved in the middle of a stage (an RBM layer of an untied
 * stack, then fine-tuning with momentum) resumes bit for bit. */
START_TEST(test_deep_resume_is_exact)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	deep_config(&cfg, "10-5", AS_PRETRAIN_RBM,
		    _i ? AS_FINETUNE_CLASSIFY : AS_FINETUNE_RECON);
	cfg.tied = 0;
	cfg.momentum = 0.5f;
	int cut = 16 + 7; /* in layer 2's RBM epoch; 16 * 2 + 5: fine-tuning */
	for (int round = 0; round < 2; round++, cut = 16 * 2 + 5) {
		struct as_trainer *a = make(ds, &cfg, NULL);
		for (int i = 0; i < 60; i++)
			as_trainer_step(a);
		struct as_trainer *b = make(ds, &cfg, NULL);
		for (int i = 0; i < cut; i++)
			as_trainer_step(b);
		char path[256];
		snprintf(path, sizeof path, "%s/deep.ascp", tmpdir);
		struct as_error err;
		ck_assert_int_eq(as_trainer_save(b, path, &err), AS_OK);
		as_trainer_free(b);
		struct as_checkpoint ck;
		ck_assert_msg(as_checkpoint_load(path, &ck, &err) == AS_OK,
			      "%s", err.msg);
		struct as_trainer_opts o;
		as_trainer_opts_default(&o);
		o.point_every = 40;
		o.eval_every = 80;
		struct as_trainer *c;
		ck_assert_msg(as_trainer_resume(&ck, ds, &o, &c, &err) == AS_OK,
			      "%s", err.msg);
		as_checkpoint_release(&ck);
		for (int i = cut; i < 60; i++)
			as_trainer_step(c);
		ck_assert_int_eq(c->cfg.stage, a->cfg.stage);
		ck_assert_int_eq(a->cfg.stage, 2);
		for (size_t k = 0; k < a->stack->n_layers; k++) {
			as_model_sync_decoder(a->stack->layer[k]);
			as_model_sync_decoder(c->stack->layer[k]);
		}
		ck_assert(memcmp(a->stack->params, c->stack->params,
				 a->stack->n_params * sizeof(float)) == 0);
		ck_assert(a->last_heldout == c->last_heldout);
		as_trainer_free(a);
		as_trainer_free(c);
	}
	as_dataset_free(ds);
}
END_TEST

/* The bars with a third of their pixels flipped, labelled by which bar
 * (12 classes): hard enough that the neighbour searches differ */
static struct as_dataset *noisy_bars(void)
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

/* PCA-w codes of the bars by hand, their k-NN precision (160 | 40) */
static double pca_knn_by_hand(const struct as_dataset *ds,
			      const struct as_pca *p, size_t w, size_t k)
{
	float *c = malloc(ds->n * w * sizeof *c);
	for (size_t e = 0; e < ds->n; e++)
		for (size_t j = 0; j < w; j++) {
			double v = 0;
			for (size_t i = 0; i < ds->d; i++)
				v += (ds->x[e * ds->d + i] - p->mean[i]) *
				     p->eigvec[j * ds->d + i];
			c[e * w + j] = (float)v;
		}
	double got;
	struct as_error err;
	ck_assert_int_eq(as_knn_precision(c, ds->labels, 160, c + 160 * w,
					  ds->labels + 160, 40, w, k, 0, &got,
					  NULL, &err),
			 AS_OK);
	free(c);
	return got;
}

/* The scores come from a run's layers, config and data alone: a stack
 * made without any trainer, given a trainer's weights, scores the same as
 * the trainer; the data's baselines are measured at the width asked for
 * and again when it changes, and refuse widths the data cannot give. */
START_TEST(test_scores_from_layers_config_and_data)
{
	struct as_dataset *ds = noisy_bars();
	struct as_config cfg;
	deep_config(&cfg, "10-5", AS_PRETRAIN_AE, AS_FINETUNE_RECON);
	struct as_trainer *t = make(ds, &cfg, NULL);
	for (int i = 0; i < 16 * 3; i++)
		as_trainer_step(t);
	ck_assert_int_eq(t->cfg.stage, 2);
	struct as_error err;
	unsigned which = AS_SCORE_KNN | AS_SCORE_HASH | AS_SCORE_SCATTER |
			 AS_SCORE_DEEP | AS_SCORE_PROBE;
	ck_assert_int_eq(as_trainer_score(t, which, &err), AS_OK);
	const struct as_scores *a = &t->scores;
	ck_assert(a->have & AS_SCORE_KNN);
	ck_assert(a->have & AS_SCORE_HASH);
	struct as_stack *stk;
	ck_assert_int_eq(as_stack_create(ds->d, &t->cfg, 0,
					 t->stack->max_batch, &stk, &err),
			 AS_OK);
	ck_assert_int_eq(as_stack_copy_weights(stk, t->stack, &err), AS_OK);
	struct as_baselines b;
	as_baselines_init(&b);
	struct as_scores s;
	as_scores_clear(&s);
	ck_assert_int_eq(as_scores_compute(stk, 2, &t->cfg, ds, &b, which, &s,
					   &err),
			 AS_OK);
	ck_assert_uint_eq(s.have, a->have);
	ck_assert(s.knn_codes == a->knn_codes);
	ck_assert(s.knn_pca == a->knn_pca);
	ck_assert(s.hash_precision == a->hash_precision);
	ck_assert(s.lsh_precision == a->lsh_precision);
	ck_assert(s.pcasign_precision == a->pcasign_precision);
	ck_assert(s.probe_codes == a->probe_codes);
	ck_assert_msg(s.recon_sq == a->recon_sq, "%.17g %.17g", s.recon_sq, a->recon_sq);
	ck_assert(s.pca_code == a->pca_code);
	ck_assert(memcmp(s.code_xy, a->code_xy, sizeof s.code_xy) == 0);
	ck_assert(isfinite(s.knn_pca) && isfinite(s.lsh_precision));
	/* measured at the code's 5 units; again at 3 */
	ck_assert_uint_eq(b.knn_k, 5);
	ck_assert_uint_eq(b.hash_bits, 5);
	double five = b.knn_pca;
	ck_assert_int_eq(as_baselines_knn(&b, ds, 3, &err), AS_OK);
	ck_assert_uint_eq(b.knn_k, 3);
	ck_assert(isfinite(b.knn_pca));
	size_t nq, k;
	as_search_sizes(ds, &nq, &k);
	ck_assert_uint_eq(nq, 40);
	double want5 = pca_knn_by_hand(ds, b.pca, 5, k);
	double want3 = pca_knn_by_hand(ds, b.pca, 3, k);
	ck_assert_msg(fabs(s.knn_pca - want5) < 1e-9, "%g against %g",
		      s.knn_pca, want5);
	ck_assert_msg(fabs(b.knn_pca - want3) < 1e-9, "%g against %g",
		      b.knn_pca, want3);
	ck_assert(five == s.knn_pca);
	/* (different numbers, or the checks above could not tell them apart) */
	ck_assert(want5 != want3 && want5 != s.lsh_precision &&
		  s.lsh_precision != s.pcasign_precision);
	fprintf(stderr, "noisy bars: k-NN codes %.3f, PCA-5 %.3f, PCA-3 %.3f, "
		"hash %.3f, LSH %.3f, PCA-sign %.3f\n",
		s.knn_codes, want5, want3, s.hash_precision, s.lsh_precision,
		s.pcasign_precision);
	/* widths the data cannot give are refused with a sentence */
	ck_assert_int_eq(as_baselines_knn(&b, ds, 36, &err), AS_ERR_INVALID);
	ck_assert_int_eq(as_baselines_hash(&b, ds, 37, &err), AS_ERR_INVALID);
	ck_assert_int_eq(as_baselines_pca(&b, ds, 37, &err), AS_ERR_INVALID);
	ck_assert(strstr(err.msg, "37") != NULL);
	as_baselines_free(&b);
	as_stack_free(stk);
	as_trainer_free(t);
	as_dataset_free(ds);
}
END_TEST

/* The filter history: a frame at the start and one per epoch, saved with
 * the checkpoint and read back bit for bit, carried by a fork, and kept
 * by a resumed run that goes on adding to it. */
START_TEST(test_filter_history_is_saved)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	small_config(&cfg);
	struct as_trainer *t = make(ds, &cfg, NULL);
	ck_assert_uint_eq(t->frames.n, 1);
	ck_assert_uint_eq(t->frames.f[0].examples, 0);
	for (int i = 0; i < 16 * 3; i++) /* 3 epochs of 16 steps */
		as_trainer_step(t);
	ck_assert_uint_ge(t->frames.n, 4);
	ck_assert_uint_eq(t->frames.f[t->frames.n - 1].epoch, 3);
	ck_assert_uint_eq(t->frames.f[t->frames.n - 1].examples, 480);
	/* the newest frame is the weights now, quantised */
	float u[36];
	as_frames_unit(&t->frames, t->frames.n - 1, 2, u);
	const float *w = t->model->w + 2 * 36;
	float lo = w[0], hi = w[0];
	for (int i = 1; i < 36; i++) {
		lo = w[i] < lo ? w[i] : lo;
		hi = w[i] > hi ? w[i] : hi;
	}
	for (int i = 0; i < 36; i++)
		ck_assert(fabsf(u[i] - (w[i] - lo) / (hi - lo)) <= 0.5f / 255 + 1e-6f);
	char path[256];
	snprintf(path, sizeof path, "%s/frames.ascp", tmpdir);
	struct as_error err;
	ck_assert_int_eq(as_trainer_save(t, path, &err), AS_OK);
	struct as_checkpoint ck;
	ck_assert_int_eq(as_checkpoint_load(path, &ck, &err), AS_OK);
	ck_assert_ptr_nonnull(ck.frames);
	ck_assert_uint_eq(ck.frames->n, t->frames.n);
	struct as_trainer_opts o;
	as_trainer_opts_default(&o);
	o.point_every = 40;
	o.eval_every = 80;
	struct as_trainer *r;
	ck_assert_int_eq(as_trainer_resume(&ck, ds, &o, &r, &err), AS_OK);
	as_checkpoint_release(&ck);
	struct as_trainer *f;
	ck_assert_int_eq(as_trainer_fork(t, NULL, &f, &err), AS_OK);
	const struct as_trainer *both[2] = {r, f};
	for (int k = 0; k < 2; k++) {
		const struct as_frames *a = &t->frames, *b = &both[k]->frames;
		ck_assert_uint_eq(b->n, a->n);
		ck_assert(b->next_s == a->next_s);
		for (size_t i = 0; i < a->n; i++) {
			ck_assert_uint_eq(b->f[i].step, a->f[i].step);
			ck_assert_uint_eq(b->f[i].examples, a->f[i].examples);
			ck_assert(b->f[i].time_s == a->f[i].time_s);
			ck_assert(memcmp(b->f[i].px, a->f[i].px, 8 * 36) == 0);
		}
	}
	/* a frames section whose schedule could not move on is refused
	 * (its next time 0 would double forever) */
	struct as_checkpoint bad;
	as_trainer_checkpoint(t, &bad);
	struct as_frames crafted = t->frames;
	crafted.next_s = 0;
	bad.frames = &crafted;
	ck_assert_int_eq(as_checkpoint_save(path, &bad, &err), AS_OK);
	ck_assert_int_eq(as_checkpoint_load(path, &ck, &err), AS_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "malformed frames section"));
	size_t before = r->frames.n;
	for (int i = 0; i < 16; i++)
		as_trainer_step(r);
	ck_assert_uint_eq(r->frames.n, before + 1);
	ck_assert_uint_eq(r->frames.f[before].epoch, 4);
	/* with no budget, no history, and nothing in the file */
	o.history_mb = 0;
	struct as_trainer *z;
	ck_assert_int_eq(as_trainer_create(&cfg, ds, &o, &z, &err), AS_OK);
	ck_assert_uint_eq(z->frames.n, 0);
	for (int i = 0; i < 16; i++)
		as_trainer_step(z);
	ck_assert_uint_eq(z->frames.n, 0);
	ck_assert_int_eq(as_trainer_save(z, path, &err), AS_OK);
	ck_assert_int_eq(as_checkpoint_load(path, &ck, &err), AS_OK);
	ck_assert_ptr_null(ck.frames);
	as_checkpoint_release(&ck);
	unlink(path);
	as_trainer_free(z);
	as_trainer_free(f);
	as_trainer_free(r);
	as_trainer_free(t);
	as_dataset_free(ds);
}
END_TEST

/* A draw of few labels: exactly per examples of each class from the
 * training part, none twice, the same for the same draw, another for
 * another draw; per 0 takes them all */
START_TEST(test_few_label_draws)
{
	struct as_dataset *ds = noisy_bars();
	uint32_t a[160], b[160], c[160];
	size_t n = as_few_draw(ds, 3, 0, a);
	ck_assert_uint_eq(n, 12 * 3);
	size_t per[12] = {0};
	unsigned char seen[160] = {0};
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_lt(a[i], 160);
		ck_assert(!seen[a[i]]);
		seen[a[i]] = 1;
		per[ds->labels[a[i]]]++;
	}
	for (int k = 0; k < 12; k++)
		ck_assert_uint_eq(per[k], 3);
	ck_assert_uint_eq(as_few_draw(ds, 3, 0, b), n);
	ck_assert(memcmp(a, b, n * sizeof *a) == 0);
	as_few_draw(ds, 3, 1, c);
	ck_assert(memcmp(a, c, n * sizeof *a) != 0);
	ck_assert_uint_eq(as_few_draw(ds, 0, 0, c), 160);
	/* more a class than there are: all of them */
	ck_assert_uint_eq(as_few_draw(ds, 1000, 0, c), 160);
	as_dataset_free(ds);
}
END_TEST

/* Fine-tuned to classify the bars (rows against columns), the held-out
 * error falls to zero; a classifier needs labels. */
START_TEST(test_classifier_learns_the_bars)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	deep_config(&cfg, "10-5", AS_PRETRAIN_AE, AS_FINETUNE_CLASSIFY);
	struct as_trainer *t = make(ds, &cfg, NULL);
	for (int i = 0; i < 16 * 12; i++)
		as_trainer_step(t);
	ck_assert_int_eq(t->cfg.stage, 2);
	as_trainer_heldout_loss(t, 0);
	ck_assert_msg(t->last_error == 0.0, "error %g", t->last_error);
	struct as_error err;
	ck_assert_int_eq(as_trainer_score(t, AS_SCORE_LOSS, &err), AS_OK);
	ck_assert(t->scores.error == 0.0);
	as_trainer_free(t);
	/* with 40 labels, fine-tuning epochs go through the first 40
	 * training examples only (4 steps of 10), pretraining through all */
	cfg.labelled = 40;
	t = make(ds, &cfg, NULL);
	for (int i = 0; i < 16 * 2; i++)
		as_trainer_step(t);
	ck_assert_int_eq(t->cfg.stage, 2);
	ck_assert_uint_eq(t->epoch, 2);
	ck_assert_uint_eq(as_trainer_epoch_len(t), 40);
	for (size_t i = 0; i < 40; i++)
		ck_assert_uint_lt(t->order[i], 40);
	for (int i = 0; i < 4 * 3; i++)
		as_trainer_step(t);
	ck_assert_uint_eq(t->epoch, 5);
	ck_assert_uint_eq(t->cursor, 0);
	as_trainer_free(t);
	float *x = calloc(40 * 36, sizeof *x);
	struct as_dataset *unl;
	ck_assert_int_eq(as_dataset_wrap("blank", x, NULL, 40, 6, 6, 30, &unl,
					 &err),
			 AS_OK);
	struct as_trainer *u;
	struct as_trainer_opts o;
	as_trainer_opts_default(&o);
	ck_assert_int_eq(as_trainer_create(&cfg, unl, &o, &u, &err),
			 AS_ERR_INVALID);
	ck_assert_msg(strstr(err.msg, "labels") != NULL, "%s", err.msg);
	as_dataset_free(unl);
	as_dataset_free(ds);
}
END_TEST

static const struct as_snapshot *wait_for(struct as_trainer *t,
					  int (*ok)(const struct as_snapshot *))
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		const struct as_snapshot *s = as_snapshot_acquire(&t->pub);
		if (s && (!ok || ok(s)))
			return s;
		as_snapshot_release(&t->pub);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 20)
			return NULL;
		struct timespec ts = {0, 2000000};
		nanosleep(&ts, NULL);
	}
}

static int is_paused_with_changes(const struct as_snapshot *s)
{
	return s->paused && s->config.corruption_level == 0.4f &&
	       s->history.n_changes >= 2 && !s->tied;
}

static int has_steps(const struct as_snapshot *s)
{
	return s->step > 50;
}

START_TEST(test_threaded_run_publishes_and_obeys)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	small_config(&cfg);
	struct as_trainer_opts o;
	as_trainer_opts_default(&o);
	o.out_dir = tmpdir;
	o.publish = 1;
	struct as_trainer *t;
	struct as_error err;
	ck_assert_int_eq(as_trainer_create(&cfg, ds, &o, &t, &err), AS_OK);
	ck_assert_int_eq(as_trainer_start(t, &err), AS_OK);
	const struct as_snapshot *s = wait_for(t, has_steps);
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->n_visible, 36);
	as_snapshot_release(&t->pub);
	struct as_command c[] = {
		{AS_CMD_SET, as_param_index(as_param_find("corruption_level")),
		 0.4},
		{AS_CMD_SET, as_param_index(as_param_find("tied")), 0},
		{AS_CMD_PAUSE, 0, 1},
		{AS_CMD_SAVE, 0, 0},
	};
	for (size_t i = 0; i < 4; i++)
		ck_assert_int_eq(as_trainer_push(t, &c[i]), AS_OK);
	s = wait_for(t, is_paused_with_changes);
	ck_assert_ptr_nonnull(s);
	uint64_t step = s->step;
	as_snapshot_release(&t->pub);
	as_trainer_stop(t);
	ck_assert_uint_eq(t->step, step); /* paused: no step after */
	char path[256];
	snprintf(path, sizeof path, "%s/checkpoint.ascp", tmpdir);
	ck_assert_int_eq(access(path, R_OK), 0);
	as_trainer_free(t);
	as_dataset_free(ds);
}
END_TEST

static int same_params(const struct as_trainer *a, const struct as_trainer *b)
{
	return a->model->n_params == b->model->n_params &&
	       memcmp(a->model->params, b->model->params,
		      a->model->n_params * sizeof(float)) == 0 &&
	       memcmp(a->model->velocity, b->model->velocity,
		      a->model->n_params * sizeof(float)) == 0;
}

/* A fork is the run itself, copied: the same weights at the fork step and,
 * given the same commands, the same weights at every step after; a changed
 * setting is then the only thing that sets the two apart. */
START_TEST(test_fork_is_exact_and_diverges_only_by_the_change)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	small_config(&cfg);
	cfg.momentum = 0.5f; /* so the momentum arena matters too */
	struct as_trainer *a = make(ds, &cfg, NULL);
	for (int i = 0; i < 23; i++) /* mid-epoch: cursor and order count */
		as_trainer_step(a);
	struct as_trainer *b, *c;
	struct as_error err;
	ck_assert_int_eq(as_trainer_fork(a, NULL, &b, &err), AS_OK);
	ck_assert_int_eq(as_trainer_fork(a, NULL, &c, &err), AS_OK);
	ck_assert(same_params(a, b));
	ck_assert_uint_eq(b->step, a->step);
	ck_assert_uint_eq(b->cursor, a->cursor);
	ck_assert_uint_eq(b->history->n_points, a->history->n_points);
	/* c changes one setting; b does not */
	ck_assert_int_eq(as_trainer_set(c, as_param_find("corruption_level"),
					0.5, &err),
			 AS_OK);
	for (int i = 0; i < 37; i++) {
		as_trainer_step(a);
		as_trainer_step(b);
		as_trainer_step(c);
	}
	ck_assert(same_params(a, b));
	ck_assert_uint_eq(b->examples, a->examples);
	ck_assert(!same_params(a, c));
	ck_assert_uint_eq(c->examples, a->examples);
	/* the history goes on from the fork's copy */
	ck_assert(a->history->n_points > 0);
	ck_assert(b->history->points[b->history->n_points - 1].train_loss ==
		  a->history->points[a->history->n_points - 1].train_loss);
	ck_assert_uint_eq(c->history->n_changes, a->history->n_changes + 1);
	as_trainer_free(a);
	as_trainer_free(b);
	as_trainer_free(c);
	as_dataset_free(ds);
}
END_TEST


/* Threaded: the fork is made between two minibatches by the run's own
 * thread and handed over once. */
START_TEST(test_threaded_fork_is_handed_over)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	small_config(&cfg);
	struct as_trainer_opts o;
	as_trainer_opts_default(&o);
	o.publish = 1;
	struct as_trainer *t;
	struct as_error err;
	ck_assert_int_eq(as_trainer_create(&cfg, ds, &o, &t, &err), AS_OK);
	ck_assert_int_eq(as_trainer_start(t, &err), AS_OK);
	ck_assert_ptr_null(as_trainer_take_fork(t, NULL));
	struct as_command pause = {AS_CMD_PAUSE, 0, 1};
	struct as_command fork = {AS_CMD_FORK, 0, 0};
	ck_assert_int_eq(as_trainer_push(t, &pause), AS_OK);
	ck_assert_int_eq(as_trainer_push(t, &fork), AS_OK);
	struct as_trainer *f = NULL;
	for (int i = 0; i < 5000 && !f; i++) { /* up to 5 s */
		struct timespec ms = {0, 1000000};
		nanosleep(&ms, NULL);
		f = as_trainer_take_fork(t, NULL);
	}
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_null(as_trainer_take_fork(t, NULL));
	as_trainer_stop(t);
	ck_assert(same_params(t, f));
	ck_assert_uint_eq(f->step, t->step);
	ck_assert_int_eq(f->paused, 1);
	/* the fork runs on its own thread, with its own publisher */
	struct as_command go = {AS_CMD_PAUSE, 0, 0};
	ck_assert_int_eq(as_trainer_push(f, &go), AS_OK);
	ck_assert_int_eq(as_trainer_start(f, &err), AS_OK);
	const struct as_snapshot *s = wait_for(f, has_steps);
	ck_assert_ptr_nonnull(s);
	as_snapshot_release(&f->pub);
	as_trainer_free(f);
	as_trainer_free(t);
	as_dataset_free(ds);
}
END_TEST

/* Pace by hand: a run more than the slack ahead of the slowest running
 * one waits; paused runs hold nobody back; a newcomer starts level. */
START_TEST(test_pace)
{
	struct as_pace p;
	as_pace_init(&p, 100);
	int a = as_pace_join(&p, 0), b = as_pace_join(&p, 5000);
	ck_assert(a >= 0 && b >= 0 && a != b);
	ck_assert_int_eq(as_pace_ahead(&p, a, 0, 1), 0);
	ck_assert_int_eq(as_pace_ahead(&p, b, 5000, 1), 0); /* level */
	ck_assert_int_eq(as_pace_ahead(&p, b, 5100, 1), 0); /* slack */
	ck_assert_int_eq(as_pace_ahead(&p, b, 5101, 1), 1);
	ck_assert_int_eq(as_pace_ahead(&p, a, 2, 0), 0); /* a pauses */
	ck_assert_int_eq(as_pace_ahead(&p, b, 9000, 1), 0);
	/* a resumes level with b: b is not held while a trains the pause
	 * over again (it once was) */
	ck_assert_int_eq(as_pace_ahead(&p, a, 2, 1), 0);
	ck_assert_int_eq(as_pace_ahead(&p, b, 9000, 1), 0);
	ck_assert_int_eq(as_pace_ahead(&p, b, 9101, 1), 1);
	ck_assert_int_eq(as_pace_ahead(&p, a, 200, 1), 0); /* 9198 now */
	ck_assert_int_eq(as_pace_ahead(&p, b, 9101, 1), 0);
	/* a newcomer joins level with the slowest running run, not at 0 */
	int c = as_pace_join(&p, 0);
	ck_assert_int_eq(as_pace_ahead(&p, c, 0, 1), 0);
	ck_assert_int_eq(as_pace_ahead(&p, c, 300, 1), 1);
	as_pace_leave(&p, a);
	as_pace_leave(&p, b);
	ck_assert_int_eq(as_pace_ahead(&p, c, 1000000, 1), 0); /* alone */
	for (int i = 0; i < AS_PACE_SLOTS - 1; i++)
		ck_assert_int_ge(as_pace_join(&p, 0), 0);
	ck_assert_int_eq(as_pace_join(&p, 0), -1); /* full */
	as_pace_destroy(&p);
}
END_TEST

static uint64_t far_examples;

static int is_paused(const struct as_snapshot *s)
{
	return s->paused;
}

static int is_far(const struct as_snapshot *s)
{
	return s->examples > far_examples;
}

/* Two threaded runs on one pace: they keep step while both run; once one
 * is paused the other trains on far past it (pausing once held every
 * other run back, as the pause was never told to the pace). */
START_TEST(test_pause_holds_nobody_back)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	small_config(&cfg);
	struct as_pace pace;
	as_pace_init(&pace, 100);
	struct as_trainer_opts o;
	as_trainer_opts_default(&o);
	o.publish = 1;
	o.pace = &pace;
	struct as_trainer *a, *b;
	struct as_error err;
	ck_assert_int_eq(as_trainer_create(&cfg, ds, &o, &a, &err), AS_OK);
	cfg.n_hidden = 16;
	ck_assert_int_eq(as_trainer_create(&cfg, ds, &o, &b, &err), AS_OK);
	ck_assert_int_eq(as_trainer_start(a, &err), AS_OK);
	ck_assert_int_eq(as_trainer_start(b, &err), AS_OK);
	ck_assert_ptr_nonnull(wait_for(a, has_steps));
	as_snapshot_release(&a->pub);
	struct as_command pause = {AS_CMD_PAUSE, 0, 1};
	ck_assert_int_eq(as_trainer_push(a, &pause), AS_OK);
	const struct as_snapshot *sa = wait_for(a, is_paused);
	ck_assert_ptr_nonnull(sa);
	uint64_t a_examples = sa->examples;
	as_snapshot_release(&a->pub);
	far_examples = a_examples + 200 * pace.slack;
	const struct as_snapshot *sb = wait_for(b, is_far);
	ck_assert_ptr_nonnull(sb);
	uint64_t b_examples = sb->examples;
	as_snapshot_release(&b->pub);
	/* a resumes level with b: b goes on at once, it does not wait while
	 * a trains the whole pause over again */
	struct as_command go = {AS_CMD_PAUSE, 0, 0};
	ck_assert_int_eq(as_trainer_push(a, &go), AS_OK);
	far_examples = b_examples + 20 * pace.slack;
	ck_assert_ptr_nonnull(wait_for(b, is_far));
	as_snapshot_release(&b->pub);
	sa = as_snapshot_acquire(&a->pub);
	/* a is still far behind: b did not wait for it to catch up */
	ck_assert(sa && sa->examples + 10 * pace.slack < b_examples);
	as_snapshot_release(&a->pub);
	as_trainer_free(a);
	as_trainer_free(b);
	as_pace_destroy(&pace);
	as_dataset_free(ds);
}
END_TEST

START_TEST(test_cross_entropy_needs_unit_range)
{
	float *x = malloc(20 * 4 * sizeof *x);
	for (int i = 0; i < 80; i++)
		x[i] = (float)i - 40.0f;
	struct as_dataset *ds;
	struct as_error err;
	ck_assert_int_eq(
		as_dataset_wrap("wide", x, NULL, 20, 2, 2, 16, &ds, &err),
		AS_OK);
	struct as_config cfg;
	small_config(&cfg);
	struct as_trainer *t;
	ck_assert_int_eq(as_trainer_create(&cfg, ds, NULL, &t, &err),
			 AS_ERR_INVALID);
	ck_assert(strstr(err.msg, "--loss mse") != NULL);
	cfg.loss = AS_LOSS_MSE;
	ck_assert_int_eq(as_trainer_create(&cfg, ds, NULL, &t, &err), AS_OK);
	ck_assert_int_ne(
		as_trainer_set(t, as_param_find("loss"), AS_LOSS_CE, &err),
		AS_OK);
	ck_assert_int_eq(t->cfg.loss, AS_LOSS_MSE);
	as_trainer_free(t);
	as_dataset_free(ds);
}
END_TEST

int main(void)
{
	if (!mkdtemp(tmpdir))
		return EXIT_FAILURE;
	Suite *s = suite_create("trainer");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_commands_apply_and_are_recorded);
	tcase_add_test(tc, test_divergence_restores_and_halves_lr);
	tcase_add_test(tc, test_toggles_apply_to_the_trainers_state);
	tcase_add_test(tc, test_resume_continues_the_same_run);
	tcase_add_test(tc, test_threaded_run_publishes_and_obeys);
	tcase_add_test(tc, test_cross_entropy_needs_unit_range);
	tcase_add_test(tc, test_fork_is_exact_and_diverges_only_by_the_change);
	tcase_add_test(tc, test_threaded_fork_is_handed_over);
	tcase_add_test(tc, test_pace);
	tcase_add_test(tc, test_pause_holds_nobody_back);
	tcase_add_loop_test(tc, test_stages_follow_the_epochs_and_are_recorded,
			    0, 2);
	tcase_add_loop_test(tc, test_deep_resume_is_exact, 0, 2);
	tcase_add_test(tc, test_classifier_learns_the_bars);
	tcase_add_test(tc, test_scores_from_layers_config_and_data);
	tcase_add_test(tc, test_filter_history_is_saved);
	tcase_add_test(tc, test_few_label_draws);
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
