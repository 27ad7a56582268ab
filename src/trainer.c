/* trainer, the run's life: making a run (new, resumed from a checkpoint,
 * forked), its output directory, freeing it. Training, stages and
 * commands are in trainer_step.c; measures, checkpoints, snapshots and the
 * thread in trainer_out.c and scores.c; exported files in
 * trainer_export.c. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/fileio.h"
#include "autoscope/trainer.h"

#include "trainer_internal.h"

void as_trainer_opts_default(struct as_trainer_opts *o)
{
	memset(o, 0, sizeof *o);
	o->csv = 1;
	o->point_every = 1000;
	o->eval_every = 4000;
	o->eval_max = 1000;
	o->eval_ratio = 20;
	o->good_every = 50;
	o->publish_min_s = 0.08; /* 12.5 frames/s */
	o->history_mb = AS_FRAMES_MB_DEFAULT;
}

enum as_status trainer_check_fit(const struct as_config *cfg,
				const struct as_dataset *ds,
				struct as_error *err)
{
	enum as_status st = as_config_validate(cfg, err);
	if (st != AS_OK)
		return st;
	if (cfg->finetune == AS_FINETUNE_CLASSIFY &&
	    (!ds->labels || ds->n_classes < 2))
		return as_error_set(err, AS_ERR_INVALID,
				    "--finetune classify needs labels of at "
				    "least two classes, and %s has %s",
				    ds->name,
				    ds->labels ? "one" : "no labels");
	if (cfg->model == AS_MODEL_DRLIM && ds->n_train < 2)
		return as_error_set(err, AS_ERR_INVALID,
				    "DrLIM pairs examples: %s has %zu for "
				    "training",
				    ds->name, ds->n_train);
	if (cfg->model == AS_MODEL_DRLIM &&
	    cfg->drlim_pairs == AS_DRLIM_PAIRS_SHIFT && ds->copies < 2)
		return as_error_set(err, AS_ERR_INVALID,
				    "--drlim-pairs shift pairs the shifted "
				    "copies of each example, and %s has "
				    "none (give --data mnist:shift=-3,3, for "
				    "example)",
				    ds->name);
	if (cfg->loss == AS_LOSS_CE && cfg->model != AS_MODEL_DRLIM &&
	    (ds->min < 0.0f || ds->max > 1.0f))
		return as_error_set(err, AS_ERR_INVALID,
				    "cross-entropy needs inputs in [0, 1] but "
				    "%s spans [%.3g, %.3g]: use --loss mse",
				    ds->name, ds->min, ds->max);
	return AS_OK;
}

/* like: a run on the same data whose DrLIM graphs are copied rather than
 * searched again (a fork), or NULL */
static enum as_status alloc_run(struct as_trainer *t,
				const struct as_dataset *ds,
				const struct as_trainer_opts *opts,
				const struct as_trainer *like,
				struct as_error *err)
{
	t->ds = ds;
	if (opts)
		t->opts = *opts;
	else
		as_trainer_opts_default(&t->opts);
	if (t->opts.out_dir)
		snprintf(t->files.out_dir, sizeof t->files.out_dir, "%s", t->opts.out_dir);
	t->opts.out_dir = t->files.out_dir[0] ? t->files.out_dir : NULL;
	t->last_heldout = t->last_error = NAN;
	t->probe_accuracy = NAN;
	as_baselines_init(&t->base);
	as_scores_clear(&t->scores);
	pthread_mutex_init(&t->ctl.qlock, NULL);
	pthread_cond_init(&t->ctl.qcond, NULL);
	if (ds->n_train == 0)
		return as_error_set(err, AS_ERR_INVALID,
				    "%s has no training examples", ds->name);
	if (ds->n_train > UINT32_MAX)
		return as_error_set(err, AS_ERR_INVALID,
				    "%s: too many examples", ds->name);
	enum as_status st;
	size_t classes = ds->labels ? (size_t)ds->n_classes : 0;
	/* a DrLIM minibatch holds both halves of its pairs */
	size_t max_batch = t->cfg.model == AS_MODEL_DRLIM ? 2 * AS_BATCH_MAX
							 : AS_BATCH_MAX;
	st = as_stack_create(ds->d, &t->cfg, classes, max_batch, &t->stack,
			     err);
	if (st == AS_OK)
		st = as_stack_create(ds->d, &t->cfg, classes, 1, &t->guard.good, err);
	if (st == AS_OK)
		st = as_stack_create(ds->d, &t->cfg, classes, 1, &t->guard.cand, err);
	if (st != AS_OK)
		return st;
	t->model = t->stack->layer[0];
	t->stack->real_input = ds->min < 0.0f || ds->max > 1.0f;
	t->batch_labels = malloc(AS_BATCH_MAX);
	t->order = malloc(ds->n_train * sizeof *t->order);
	t->batch = malloc(max_batch * ds->d * sizeof(float));
	t->view.recon_noisy = malloc((size_t)AS_SNAP_RECON * ds->d * sizeof(float));
	size_t widest = 0;
	for (size_t k = 1; k <= t->stack->n_layers; k++)
		widest = t->stack->sizes[k] > widest ? t->stack->sizes[k]
						     : widest;
	t->view.recon_stats = malloc((size_t)AS_SNAP_STATS * widest * sizeof(float));
	t->history = calloc(1, sizeof *t->history);
	if (t->cfg.model == AS_MODEL_DRLIM && like && like->pairs.n) {
		st = as_pairs_copy(&t->pairs, &like->pairs, err);
		if (st == AS_OK && like->pairs_held.n)
			st = as_pairs_copy(&t->pairs_held, &like->pairs_held,
					   err);
		if (st != AS_OK)
			return st;
	} else if (t->cfg.model == AS_MODEL_DRLIM) {
		size_t nte = ds->n - ds->n_train;
		st = as_pairs_build(ds->x, ds->n_train, ds->d, ds->copies,
				    &t->pairs, err);
		if (st == AS_OK && nte >= 2)
			st = as_pairs_build(ds->x + ds->n_train * ds->d, nte,
					    ds->d, ds->copies, &t->pairs_held,
					    err);
		if (st != AS_OK)
			return st;
	}
	if (!t->order || !t->batch || !t->view.recon_noisy || !t->history ||
	    !t->batch_labels || !t->view.recon_stats)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	/* a lesson on copying: the random dots its runs rebuild on screen
	 * (made here: the run's thread does not allocate) */
	if (t->opts.publish && (t->opts.score_every_epoch & AS_SCORE_NOISE)) {
		t->view.dots = malloc((size_t)AS_SNAP_RECON * ds->d * sizeof(float));
		if (!t->view.dots)
			return as_error_set(err, AS_ERR_NOMEM, "out of memory");
		as_noise_images(ds, AS_SNAP_RECON, t->view.dots);
	}
	/* a chains lesson's live chains, from the first held-out examples
	 * (the training ones without a held-out part) */
	if (t->opts.publish && (t->opts.score_every_epoch & AS_SCORE_CHAIN)) {
		size_t len = (size_t)AS_SNAP_CHAINS * ds->d;
		t->view.chain_x = malloc(len * sizeof(float));
		t->view.chain_x0 = malloc(len * sizeof(float));
		t->view.chain_work = malloc(len * sizeof(float));
		t->view.chain_perm = malloc(ds->d * sizeof(uint32_t));
		if (!t->view.chain_x || !t->view.chain_x0 || !t->view.chain_work ||
		    !t->view.chain_perm || ds->n < AS_SNAP_CHAINS)
			return as_error_set(err, AS_ERR_NOMEM, "out of memory");
		size_t first = ds->n - ds->n_train >= AS_SNAP_CHAINS
				       ? ds->n_train
				       : 0;
		memcpy(t->view.chain_x0, ds->x + first * ds->d, len * sizeof(float));
		memcpy(t->view.chain_x, t->view.chain_x0, len * sizeof(float));
		as_rng_seed(&t->view.rng_chain, 99, 2);
	}
	/* a layer of two units: its code plane decoded, for the view */
	int two = 0;
	for (size_t k = 1; k <= t->stack->n_layers; k++)
		two |= t->stack->sizes[k] == 2;
	if (t->opts.publish && two && !t->stack->sc) {
		t->view.plane = malloc((size_t)AS_PLANE * AS_PLANE * ds->d *
				  sizeof(float));
		if (!t->view.plane)
			return as_error_set(err, AS_ERR_NOMEM, "out of memory");
		if (t->cfg.model == AS_MODEL_DRLIM) {
			t->view.map_codes = malloc(3 * AS_MAP_N * sizeof(float));
			if (!t->view.map_codes)
				return as_error_set(err, AS_ERR_NOMEM,
						    "out of memory");
		}
	}
	/* the parts view's column norms and scratch (one layer) */
	if (t->opts.publish && t->stack->n_layers == 1) {
		size_t len = (size_t)AS_SNAP_RECON * AS_PARTS_K * ds->d;
		t->view.parts_norms = malloc(
			(t->model->n_hidden + 2 * ds->d) * sizeof(float));
		t->view.parts_img = malloc(len * sizeof(float));
		t->view.parts_cols = malloc(len * sizeof(float));
		size_t nh = t->model->n_hidden;
		t->view.trav = malloc((size_t)AS_SNAP_RECON * AS_TRAV_UNITS *
				      AS_TRAV_T * ds->d * sizeof(float));
		t->view.trav_h = malloc((size_t)AS_SNAP_RECON * nh *
					sizeof(float));
		t->view.trav_codes = malloc((size_t)AS_TRAV_T * nh *
					    sizeof(float));
		if (!t->view.parts_norms || !t->view.parts_img ||
		    !t->view.parts_cols || !t->view.trav || !t->view.trav_h ||
		    !t->view.trav_codes)
			return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	}
	if (t->opts.publish && t->stack->sesm) {
		size_t nh = t->model->n_hidden, r = AS_SNAP_RECON;
		t->view.infer_energy =
			malloc(r * (AS_SESM_TRACE_MAX + 1) * sizeof(float));
		t->view.code_pred = malloc(r * nh * sizeof(float));
		t->view.code_star = malloc(r * nh * sizeof(float));
		t->view.infer_recon = malloc(r * ds->d * sizeof(float));
		if (!t->view.infer_energy || !t->view.code_pred ||
		    !t->view.code_star || !t->view.infer_recon)
			return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	}
	st = as_frames_init(&t->frames, t->model->n_hidden, ds->d,
			    t->opts.history_mb, err);
	if (st != AS_OK)
		return st;
	t->frames_ok = 1;
	if (t->opts.publish) {
		st = as_publisher_init(&t->pub, t->stack->n_layers,
				       t->stack->sizes, AS_SNAP_RECON, err);
		if (st != AS_OK)
			return st;
		t->opts.publish = 2; /* initialised: destroy on free */
	}
	return AS_OK;
}

static enum as_status open_csv(struct as_trainer *t, int append,
			       struct as_error *err)
{
	if (!t->opts.out_dir || !t->opts.csv)
		return AS_OK;
	char path[4096];
	snprintf(path, sizeof path, "%s/log.csv", t->opts.out_dir);
	return as_csv_open(&t->files.csv, path, append, err);
}

enum as_status as_trainer_create(const struct as_config *cfg,
				 const struct as_dataset *ds,
				 const struct as_trainer_opts *opts,
				 struct as_trainer **out, struct as_error *err)
{
	*out = NULL;
	enum as_status st = trainer_check_fit(cfg, ds, err);
	if (st != AS_OK)
		return st;
	struct as_trainer *t = calloc(1, sizeof *t);
	if (!t)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	t->cfg = *cfg;
	st = alloc_run(t, ds, opts, NULL, err);
	if (st == AS_OK)
		st = open_csv(t, opts ? opts->append_csv : 0, err);
	if (st != AS_OK) {
		as_trainer_free(t);
		return st;
	}
	as_rng_seed(&t->rng_init, cfg->seed, 1);
	as_rng_seed(&t->rng_shuffle, cfg->seed, 2);
	as_rng_seed(&t->rng_noise, cfg->seed, 3);
	if (t->cfg.stage < as_config_first_stage(&t->cfg))
		t->cfg.stage = as_config_first_stage(&t->cfg);
	as_stack_init(t->stack, &t->cfg, &t->rng_init);
	t->guard.ref_loss = NAN;
	trainer_stage_shape(t);
	trainer_guard_restart(t);
	trainer_new_order(t);
	as_history_clear(t->history);
	/* the filters as drawn at the start: where the history begins */
	as_frames_add(&t->frames, t->model->w, 0, 0, 0, 0.0);
	*out = t;
	return AS_OK;
}

static enum as_status resume(const struct as_checkpoint *ck,
			     const struct as_dataset *ds,
			     const struct as_trainer_opts *opts,
			     const struct as_trainer *like,
			     struct as_trainer **out, struct as_error *err);

enum as_status as_trainer_resume(const struct as_checkpoint *ck,
				 const struct as_dataset *ds,
				 const struct as_trainer_opts *opts,
				 struct as_trainer **out, struct as_error *err)
{
	return resume(ck, ds, opts, NULL, out, err);
}

static enum as_status resume(const struct as_checkpoint *ck,
			     const struct as_dataset *ds,
			     const struct as_trainer_opts *opts,
			     const struct as_trainer *like,
			     struct as_trainer **out, struct as_error *err)
{
	*out = NULL;
	enum as_status st = trainer_check_fit(&ck->config, ds, err);
	if (st != AS_OK)
		return st;
	if (ck->n_visible != ds->d || ck->n_order != ds->n_train ||
	    ck->n_hidden != (size_t)ck->config.n_hidden)
		return as_error_set(
			err, AS_ERR_INVALID,
			"the checkpoint was trained on %zu values x "
			"%zu training examples, but %s has %zu x "
			"%zu%s",
			ck->n_visible, ck->n_order, ds->name, ds->d,
			ds->n_train,
			strncmp(ds->name, "patches:", 8) == 0
				? " (give the --patches, --patch-size and "
				  "--whiten options it was made with; the "
				  "edges lesson used --patches 50000)"
				: "");
	if (ck->cursor > ck->n_order)
		return as_error_set(err, AS_ERR_INVALID,
				    "checkpoint cursor %zu is past its epoch "
				    "of %zu",
				    ck->cursor, ck->n_order);
	struct as_trainer *t = calloc(1, sizeof *t);
	if (!t)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	t->cfg = ck->config;
	st = alloc_run(t, ds, opts, like, err);
	if (st == AS_OK && ck->n_classes != t->stack->n_classes)
		st = as_error_set(err, AS_ERR_INVALID,
				  "the checkpoint classifies %zu classes, %s "
				  "has %d",
				  ck->n_classes, ds->name, ds->n_classes);
	if (st == AS_OK && ck->n_params != t->stack->n_params)
		st = as_error_set(err, AS_ERR_INVALID,
				  "checkpoint holds %zu parameters, the model "
				  "needs %zu",
				  ck->n_params, t->stack->n_params);
	if (st == AS_OK)
		st = open_csv(t, 1, err);
	if (st != AS_OK) {
		as_trainer_free(t);
		return st;
	}
	memcpy(t->stack->params, ck->params, ck->n_params * sizeof(float));
	memcpy(t->stack->velocity, ck->velocity, ck->n_params * sizeof(float));
	for (size_t k = 0; k < t->stack->n_layers; k++)
		t->stack->layer[k]->tied = ck->tied;
	/* a layer in its CD-1 stage was saved tied (its W' is W^T): so it
	 * stays, without the averaging of a tie (its momentum's W' part is
	 * not kept) */
	if (t->cfg.stage < t->cfg.n_layers &&
	    t->cfg.pretrain == AS_PRETRAIN_RBM)
		t->stack->layer[t->cfg.stage]->tied = 1;
	t->stage_epoch = ck->stage_epoch;
	memcpy(t->order, ck->order, ck->n_order * sizeof *t->order);
	t->cursor = ck->cursor;
	if (t->cursor >= as_trainer_epoch_len(t)) {
		as_trainer_free(t);
		return as_error_set(err, AS_ERR_INVALID,
				    "checkpoint cursor %zu is past its epoch "
				    "of %zu examples",
				    ck->cursor, as_trainer_epoch_len(t));
	}
	if (t->cfg.stage < as_config_first_stage(&t->cfg)) {
		as_trainer_free(t);
		return as_error_set(err, AS_ERR_INVALID,
				    "the checkpoint pretrains layer %d, but "
				    "its pretrain=none",
				    ck->config.stage + 1);
	}
	t->rng_init = ck->rng_init;
	t->rng_shuffle = ck->rng_shuffle;
	t->rng_noise = ck->rng_noise;
	t->step = ck->step;
	t->epoch = ck->epoch;
	t->examples = ck->examples;
	t->elapsed_s = ck->elapsed_s;
	t->guard.ref_loss = NAN;
	trainer_stage_shape(t);
	trainer_guard_restart(t);
	t->acc_loss = ck->acc_loss;
	t->acc_examples = (size_t)ck->acc_examples;
	t->last_eval_examples = ck->last_eval_examples;
	if (ck->history)
		*t->history = *ck->history;
	else
		as_history_clear(t->history);
	if (ck->frames && t->opts.history_mb &&
	    ck->frames->n_units == t->frames.n_units &&
	    ck->frames->d == t->frames.d) {
		/* the saved history, all of it: the budget grows to what its
		 * frames need (--history-mb 0 alone drops them) */
		size_t bytes = ck->frames->n_units * ck->frames->d;
		size_t need = (ck->frames->n * bytes + ((size_t)1 << 20) - 1) >>
			      20;
		if (need > t->opts.history_mb)
			t->opts.history_mb = need;
		as_frames_free(&t->frames);
		st = as_frames_copy(&t->frames, ck->frames,
				    t->opts.history_mb, err);
		if (st != AS_OK) {
			as_frames_init(&t->frames, 0, 0, 0, NULL);
			as_trainer_free(t);
			return st;
		}
	}
	*out = t;
	return AS_OK;
}

enum as_status as_trainer_fork(struct as_trainer *src,
			       const struct as_trainer_opts *opts,
			       struct as_trainer **out, struct as_error *err)
{
	struct as_checkpoint ck;
	struct as_trainer_opts inherited = src->opts;
	if (!opts) {
		inherited.out_dir = NULL;
		opts = &inherited;
	}
	as_trainer_checkpoint(src, &ck);
	enum as_status st = resume(&ck, src->ds, opts, src, out, err);
	if (st != AS_OK)
		return st;
	struct as_trainer *t = *out;
	/* what a checkpoint leaves out: the guard's copies and state, the
	 * latest measures, the scores */
	as_stack_copy_weights(t->guard.good, src->guard.good, NULL);
	as_stack_copy_weights(t->guard.cand, src->guard.cand, NULL);
	t->guard.good_step = src->guard.good_step;
	t->guard.cand_step = src->guard.cand_step;
	t->guard.int_loss = src->guard.int_loss;
	t->guard.int_n = src->guard.int_n;
	t->guard.ref_loss = src->guard.ref_loss;
	t->guard.rejected = src->guard.rejected;
	t->ctl.paused = src->ctl.paused;
	t->last_heldout = src->last_heldout;
	t->last_error = src->last_error;
	t->probe_accuracy = src->probe_accuracy;
	t->scores = src->scores;
	t->scored_epoch = src->scored_epoch;
	as_baselines_copy(&t->base, &src->base);
	return AS_OK;
}

struct as_trainer *as_trainer_take_fork(struct as_trainer *t, int *failed)
{
	pthread_mutex_lock(&t->ctl.qlock);
	struct as_trainer *f = t->ctl.forked;
	t->ctl.forked = NULL;
	if (failed)
		*failed = t->ctl.forks_failed;
	t->ctl.forks_failed = 0;
	pthread_mutex_unlock(&t->ctl.qlock);
	return f;
}

enum as_status as_trainer_set_out_dir(struct as_trainer *t, const char *dir,
				      struct as_error *err)
{
	if (t->ctl.running)
		return as_error_set(err, AS_ERR_STATE,
				    "the output directory of a running run "
				    "stays as it is");
	enum as_status st = as_mkdir(dir, err);
	if (st != AS_OK)
		return st;
	if (t->files.csv.f)
		as_csv_close(&t->files.csv);
	snprintf(t->files.out_dir, sizeof t->files.out_dir, "%s", dir);
	t->opts.out_dir = t->files.out_dir;
	return open_csv(t, 0, err);
}

void as_trainer_free(struct as_trainer *t)
{
	if (!t)
		return;
	if (t->ctl.running)
		as_trainer_stop(t);
	as_trainer_free(t->ctl.forked);
	if (t->files.csv.f)
		as_csv_close(&t->files.csv);
	as_stack_free(t->stack);
	as_stack_free(t->guard.good);
	as_stack_free(t->guard.cand);
	free(t->batch_labels);
	as_pairs_free(&t->pairs);
	as_pairs_free(&t->pairs_held);
	as_baselines_free(&t->base);
	free(t->order);
	free(t->batch);
	free(t->view.recon_noisy);
	free(t->view.recon_stats);
	free(t->view.dots);
	free(t->view.parts_norms);
	free(t->view.parts_img);
	free(t->view.parts_cols);
	free(t->view.trav);
	free(t->view.trav_h);
	free(t->view.trav_codes);
	free(t->view.infer_energy);
	free(t->view.code_pred);
	free(t->view.code_star);
	free(t->view.infer_recon);
	free(t->view.plane);
	free(t->view.map_codes);
	free(t->view.chain_x);
	free(t->view.chain_x0);
	free(t->view.chain_work);
	free(t->view.chain_perm);
	free(t->history);
	if (t->frames_ok)
		as_frames_free(&t->frames);
	if (t->opts.publish == 2)
		as_publisher_destroy(&t->pub);
	pthread_mutex_destroy(&t->ctl.qlock);
	pthread_cond_destroy(&t->ctl.qcond);
	free(t);
}
