/* trainer, the training: the epoch order, the divergence guard, the
 * stages of a stack, settings and commands, and one minibatch. */
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "autoscope/blas.h"
#include "autoscope/trainer.h"

#include "trainer_internal.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void trainer_say(struct as_trainer *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(t->message, sizeof t->message, fmt, ap);
	va_end(ap);
	t->message_id++;
}

static size_t n_heldout(const struct as_trainer *t)
{
	return t->ds->n - t->ds->n_train;
}

size_t as_trainer_epoch_len(const struct as_trainer *t)
{
	size_t n = t->ds->n_train;
	if (t->cfg.labelled > 0 && t->cfg.finetune == AS_FINETUNE_CLASSIFY &&
	    t->cfg.stage == t->cfg.n_layers && (size_t)t->cfg.labelled < n)
		n = (size_t)t->cfg.labelled;
	return n;
}

/* this epoch's order: the examples it goes through shuffled, the rest
 * after them in place (the whole stays a permutation, as saved) */
void trainer_new_order(struct as_trainer *t)
{
	for (size_t i = 0; i < t->ds->n_train; i++)
		t->order[i] = (uint32_t)i;
	as_rng_shuffle(&t->rng_shuffle, t->order, as_trainer_epoch_len(t));
	t->cursor = 0;
}

/* The guard starts over from the weights in force (new run, resume,
 * reset, restore): they are both the good copy and the candidate. */
void trainer_guard_restart(struct as_trainer *t)
{
	as_stack_copy_weights(t->guard.good, t->stack, NULL);
	as_stack_copy_weights(t->guard.cand, t->stack, NULL);
	t->guard.good_step = t->guard.cand_step = t->step;
	t->guard.int_loss = 0;
	t->guard.int_n = 0;
	t->guard.rejected = 0;
}

/* The layer pretrained by CD-1, if any, is kept tied (an RBM has one W);
 * when its stage ends it takes the run's tied setting again (untying
 * copies W^T into its decoder). */
void trainer_stage_shape(struct as_trainer *t)
{
	int want = t->cfg.stage < t->cfg.n_layers &&
				   t->cfg.pretrain == AS_PRETRAIN_RBM
			   ? t->cfg.stage
			   : -1;
	struct as_stack *all[3] = {t->stack, t->guard.good, t->guard.cand};
	for (int i = 0; i < 3; i++) {
		struct as_stack *s = all[i];
		if (s->rbm_layer == want)
			continue;
		if (s->rbm_layer >= 0)
			as_model_set_tied(s->layer[s->rbm_layer], t->cfg.tied);
		s->rbm_layer = want;
		if (want >= 0)
			as_model_set_tied(s->layer[want], 1);
	}
}

/* A new stage: a new objective from the weights in force, so no momentum
 * and no loss level to hold it to. */
static void stage_begin(struct as_trainer *t)
{
	trainer_stage_shape(t);
	memset(t->stack->velocity, 0, t->stack->n_params * sizeof(float));
	t->stage_epoch = t->epoch;
	t->guard.ref_loss = NAN;
	t->acc_loss = 0;
	t->acc_examples = 0;
	trainer_guard_restart(t);
}

size_t as_trainer_depth(const struct as_trainer *t)
{
	size_t L = t->stack->n_layers;
	return t->cfg.stage < (int)L ? (size_t)t->cfg.stage + 1 : L;
}

size_t as_trainer_code_width(const struct as_trainer *t)
{
	return t->stack->sizes[as_trainer_depth(t)];
}

void as_trainer_encode(struct as_trainer *t, const float *x, size_t n,
		       float *codes)
{
	as_stack_encode(t->stack, &t->cfg, as_trainer_depth(t), x, n, codes);
}

void as_trainer_reconstruct(struct as_trainer *t, const float *x, size_t n,
			    float *out)
{
	as_stack_reconstruct(t->stack, &t->cfg, as_trainer_depth(t), x, n, out);
}

float as_trainer_lr(const struct as_trainer *t)
{
	return t->cfg.lr / (1.0f + t->cfg.lr_decay * (float)t->epoch);
}

/* DrLIM's pairs of n examples in t->batch: example i (row rows[i] of x,
 * or first + i without rows) with a partner drawn from p, similar or as
 * often dissimilar, the partners in rows n.. and each pair's Y in
 * t->batch_labels */
static void pair_up(struct as_trainer *t, const struct as_pairs *p,
		    const float *x, const uint32_t *rows, size_t first,
		    size_t n, struct as_rng *rng)
{
	size_t d = t->ds->d;
	for (size_t i = 0; i < n; i++) {
		int similar = as_rng_below(rng, 2) == 0;
		size_t row = rows ? rows[i] : first + i;
		size_t j = as_pairs_draw(p, row, similar,
					 (int)t->cfg.drlim_pairs, rng);
		memcpy(t->batch + (n + i) * d, x + j * d, d * sizeof(float));
		t->batch_labels[i] = !similar;
	}
}

/* DrLIM's loss on pairs of the first n held-out examples, each with a
 * partner drawn from the held-out graph by noise (the same pairs at every
 * evaluation), in minibatches through t->batch */
static double drlim_heldout(struct as_trainer *t, const float *x, size_t n,
			    struct as_rng *noise)
{
	if (t->pairs_held.n < 2)
		return NAN;
	size_t d = t->ds->d, bs = AS_BATCH_MAX;
	double total = 0;
	for (size_t at = 0; at < n; at += bs) {
		size_t b = n - at < bs ? n - at : bs;
		memcpy(t->batch, x + at * d, b * d * sizeof(float));
		pair_up(t, &t->pairs_held, x, NULL, at, b, noise);
		total += as_drlim_loss(t->stack, &t->cfg, t->batch,
				       t->batch_labels, b, 0, NULL);
	}
	return total / (double)n;
}

double as_trainer_heldout_loss(struct as_trainer *t, size_t max)
{
	size_t n = n_heldout(t);
	if (n == 0)
		return NAN;
	if (max && n > max)
		n = max;
	const float *x = t->ds->x + t->ds->n_train * t->ds->d;
	const uint8_t *y =
		t->ds->labels ? t->ds->labels + t->ds->n_train : NULL;
	/* the training objective on held-out data: corrupted as in training
	 * (by the same noise at every evaluation, so the curve shows the
	 * model changing, not the noise) and compared with the clean x */
	struct as_rng noise;
	as_rng_seed(&noise, t->cfg.seed, 4);
	if (t->cfg.model == AS_MODEL_DRLIM)
		return drlim_heldout(t, x, n, &noise);
	size_t wrong;
	double loss = as_stack_eval(t->stack, &t->cfg, t->cfg.stage, x, y, n,
				    &noise, &wrong);
	if (t->cfg.stage == t->cfg.n_layers && t->stack->n_classes)
		t->last_error = (double)wrong / (double)n;
	return loss;
}

double as_trainer_recon_sq(struct as_trainer *t, const float *x, size_t n)
{
	return as_stack_recon_loss(t->stack, &t->cfg, as_trainer_depth(t), x,
				   n, 1);
}

double as_trainer_recon_loss(struct as_trainer *t, const float *x, size_t n)
{
	return as_stack_recon_loss(t->stack, &t->cfg, as_trainer_depth(t), x,
				   n, 0);
}

static void record_change(struct as_trainer *t, const char *name,
			  const char *old_value, const char *new_value)
{
	struct as_change c = {.step = t->step, .examples = t->examples};
	snprintf(c.param, sizeof c.param, "%s", name);
	snprintf(c.old_value, sizeof c.old_value, "%.23s", old_value);
	snprintf(c.new_value, sizeof c.new_value, "%.23s", new_value);
	as_history_add_change(t->history, &c);
}

enum as_status as_trainer_set(struct as_trainer *t, const struct as_param *p,
			      double value, struct as_error *err)
{
	if (!p->live)
		return as_error_set(err, AS_ERR_STATE,
				    "%s cannot change during a run (it needs "
				    "a new model)",
				    p->name);
	if (!as_param_fits_model(p, &t->cfg))
		return as_error_set(err, AS_ERR_STATE,
				    "%s means nothing to a%s run",
				    p->name,
				    t->cfg.model == AS_MODEL_AE
					    ? "n autoencoder"
				    : t->cfg.model == AS_MODEL_DRLIM
					    ? " DrLIM"
				    : t->cfg.model == AS_MODEL_SESM
					    ? " code inference (sesm)"
					    : " sparse coding");
	struct as_config next = t->cfg;
	enum as_status st = as_param_set(&next, p, value, err);
	if (st == AS_OK)
		st = trainer_check_fit(&next, t->ds, err);
	if (st != AS_OK)
		return st;
	char old_text[32], new_text[32];
	as_param_format(&t->cfg, p, old_text, sizeof old_text);
	as_param_format(&next, p, new_text, sizeof new_text);
	if (strcmp(old_text, new_text) == 0 &&
	    as_param_get(&t->cfg, p) == as_param_get(&next, p))
		return AS_OK;
	int old_stage = t->cfg.stage;
	size_t old_len = as_trainer_epoch_len(t);
	t->cfg = next;
	if (p->offset == offsetof(struct as_config, tied)) {
		as_stack_set_tied(t->stack, t->cfg.tied);
		as_stack_set_tied(t->guard.good, t->cfg.tied);
		as_stack_set_tied(t->guard.cand, t->cfg.tied);
	}
	if (p->offset == offsetof(struct as_config, pretrain)) {
		/* ae <-> rbm on the layer in training; none ends the
		 * pretraining here */
		trainer_stage_shape(t);
		if (t->cfg.stage < as_config_first_stage(&t->cfg)) {
			record_change(t, p->name, old_text, new_text);
			return as_trainer_set(t, as_param_find("stage"),
					      as_config_first_stage(&t->cfg),
					      err);
		}
	}
	if (t->cfg.stage != old_stage)
		stage_begin(t);
	if (as_trainer_epoch_len(t) != old_len)
		trainer_new_order(t); /* fewer or more labels: a new epoch over them */
	record_change(t, p->name, old_text, new_text);
	trainer_say(t, "%s: %s -> %s at step %llu", p->name, old_text, new_text,
	    (unsigned long long)t->step);
	return AS_OK;
}

void as_trainer_point(struct as_trainer *t, int with_heldout)
{
	struct as_point p = {
		.step = t->step,
		.examples = t->examples,
		.train_loss = t->acc_examples ? (float)(t->acc_loss /
							(double)t->acc_examples)
					      : NAN,
		.heldout_loss = NAN,
		.time_s = t->elapsed_s,
	};
	if (with_heldout) {
		size_t n = t->opts.eval_max;
		if (t->opts.eval_ratio) {
			/* the same examples every time (from the schedule,
			 * not from when this one came: a varying count
			 * would make the curve jump between subsets) */
			size_t every = t->opts.eval_every ? t->opts.eval_every
							  : t->ds->n_train;
			size_t budget = every / t->opts.eval_ratio;
			if (budget < AS_EVAL_MIN)
				budget = AS_EVAL_MIN;
			if (n == 0 || budget < n)
				n = budget;
		}
		t->last_heldout = as_trainer_heldout_loss(t, n);
		t->last_heldout_n = n && n < n_heldout(t) ? n : n_heldout(t);
		p.heldout_loss = (float)t->last_heldout;
		t->last_eval_examples = t->examples;
	}
	if (t->acc_examples == 0 && !with_heldout)
		return;
	as_history_add_point(t->history, &p);
	t->acc_loss = 0;
	t->acc_examples = 0;
	if (t->files.csv.f) {
		struct as_error err;
		if (as_csv_write(&t->files.csv, &p, t->epoch, &t->cfg, &err) != AS_OK)
			trainer_say(t, "%s", err.msg);
	}
}

/* A step went non-finite: back to the last good weights, lr halved. */
static void diverged(struct as_trainer *t)
{
	uint64_t from = t->guard.good_step;
	as_stack_copy_weights(t->stack, t->guard.good, NULL);
	memset(t->stack->velocity, 0, t->stack->n_params * sizeof(float));
	trainer_guard_restart(t);
	t->guard.good_step = t->guard.cand_step = from;
	t->acc_loss = 0;
	t->acc_examples = 0;
	const struct as_param *p = as_param_find("lr");
	if (t->cfg.lr <= (float)p->min) {
		/* nothing left to halve: stop and let the user decide */
		t->ctl.paused = 1;
		trainer_say(t,
		    "diverged at step %llu even at the smallest lr: weights "
		    "of step %llu restored, paused",
		    (unsigned long long)t->step, (unsigned long long)from);
		return;
	}
	char old_text[32], new_text[32];
	as_param_format(&t->cfg, p, old_text, sizeof old_text);
	float lr = t->cfg.lr * 0.5f;
	t->cfg.lr = lr < (float)p->min ? (float)p->min : lr;
	as_param_format(&t->cfg, p, new_text, sizeof new_text);
	record_change(t, "lr", old_text, new_text);
	trainer_say(t,
	    "diverged at step %llu: weights of step %llu restored, lr "
	    "halved to %s",
	    (unsigned long long)t->step, (unsigned long long)from, new_text);
}

/* After a finite step: promote the candidate once it has proved itself,
 * and take the next one. A loss level that stays more than doubled for
 * ten intervals is accepted as the new normal (a change of loss or data
 * scale), so the guard never goes stale for good. */
static void guard_step(struct as_trainer *t, double loss, size_t n)
{
	t->guard.int_loss += loss * (double)n;
	t->guard.int_n += n;
	if (t->step - t->guard.cand_step < t->opts.good_every)
		return;
	double mean = t->guard.int_loss / (double)t->guard.int_n;
	int sane = isnan(t->guard.ref_loss) || mean <= 2.0 * t->guard.ref_loss;
	if (!sane)
		t->guard.rejected++;
	if ((sane || t->guard.rejected >= 10) && as_stack_finite(t->stack)) {
		/* the candidate becomes the good copy by a swap (no copy:
		 * cand is overwritten just below) */
		struct as_stack *old_good = t->guard.good;
		t->guard.good = t->guard.cand;
		t->guard.cand = old_good;
		t->guard.good_step = t->guard.cand_step;
		t->guard.ref_loss = mean;
		t->guard.rejected = 0;
	}
	as_stack_copy_weights(t->guard.cand, t->stack, NULL);
	t->guard.cand_step = t->step;
	t->guard.int_loss = 0;
	t->guard.int_n = 0;
}

static void minibatch(struct as_trainer *t)
{
	/* wall time of a running trainer: from the end of the previous
	 * minibatch when it ran straight on (so whatever happens between
	 * two minibatches, such as publishing a snapshot, counts), else
	 * from now */
	double t0 = t->last_tick > 0 ? t->last_tick : now_s();
	as_fpu_flush_denormals();
	const struct as_dataset *ds = t->ds;
	size_t d = ds->d, bs = (size_t)t->cfg.batch_size;
	size_t len = as_trainer_epoch_len(t);
	size_t n = len - t->cursor < bs ? len - t->cursor : bs;
	for (size_t i = 0; i < n; i++)
		memcpy(t->batch + i * d,
		       ds->x + (size_t)t->order[t->cursor + i] * d,
		       d * sizeof(float));
	struct as_losses l;
	float lr = as_trainer_lr(t);
	if (t->cfg.model == AS_MODEL_DRLIM) {
		/* each example with a similar partner or, as often, a
		 * dissimilar one, the partners after the examples */
		pair_up(t, &t->pairs, ds->x, t->order + t->cursor, 0, n,
			&t->rng_noise);
		as_drlim_step(t->stack, &t->cfg, t->batch, t->batch_labels, n,
			      lr, &l);
	} else if (t->cfg.stage < t->cfg.n_layers) {
		as_stack_pretrain_step(t->stack, &t->cfg, (size_t)t->cfg.stage,
				       t->batch, n, lr, &t->rng_noise, &l);
	} else {
		if (ds->labels)
			for (size_t i = 0; i < n; i++)
				t->batch_labels[i] =
					ds->labels[t->order[t->cursor + i]];
		as_stack_finetune_grad(t->stack, &t->cfg, t->batch,
				       t->batch_labels, n, &t->rng_noise, &l);
		as_stack_update(t->stack, &t->cfg, lr);
	}
	t->cursor += n;
	t->step++;
	t->examples += n;
	if (!isfinite(l.recon) || !isfinite(l.penalty)) {
		diverged(t);
	} else {
		t->acc_loss += l.recon * (double)n;
		t->acc_examples += n;
		guard_step(t, l.recon + l.penalty, n);
	}
	int epoch_end = t->cursor >= len;
	if (epoch_end) {
		t->epoch++;
		trainer_new_order(t);
	}
	/* the filter history: at log-spaced training times and each epoch */
	if (as_frames_due(&t->frames, t->elapsed_s, epoch_end, t->epoch))
		as_frames_add(&t->frames, t->model->w, t->step, t->examples,
			      t->epoch, t->elapsed_s);
	int eval_due = t->opts.eval_every
			       ? t->examples - t->last_eval_examples >=
					 t->opts.eval_every
			       : epoch_end;
	int time_ok = t->opts.point_min_s <= 0 ||
		      now_s() - t->last_point_s >= t->opts.point_min_s;
	eval_due = eval_due && (epoch_end || time_ok);
	int point_due = t->acc_examples >= t->opts.point_every && time_ok;
	if (epoch_end || eval_due || point_due) {
		as_trainer_point(t, eval_due || epoch_end);
		if (t->opts.point_min_s > 0)
			t->last_point_s = now_s();
	}
	if (epoch_end && t->cfg.pretrain_epochs > 0 &&
	    t->cfg.stage < as_config_last_stage(&t->cfg) &&
	    t->epoch - t->stage_epoch >= (uint64_t)t->cfg.pretrain_epochs) {
		/* this layer has had its epochs: on to the next stage */
		struct as_error err;
		as_trainer_set(t, as_param_find("stage"), t->cfg.stage + 1,
			       &err);
	}
	double t1 = now_s(), dt = t1 - t0;
	t->last_tick = t1;
	t->elapsed_s += dt;
	t->view.rate_n += n;
	t->view.rate_s += dt;
	if (t->view.rate_s >= 0.5) {
		t->view.rate = (double)t->view.rate_n / t->view.rate_s;
		t->view.rate_n = 0;
		t->view.rate_s = 0;
	}
}

static void apply(struct as_trainer *t, const struct as_command *c)
{
	struct as_error err;
	switch (c->kind) {
	case AS_CMD_SET: {
		const struct as_param *p = as_param_at((size_t)c->param);
		if (!p) {
			trainer_say(t, "refused: no parameter number %d", c->param);
		} else if (as_trainer_set(t, p, c->value, &err) != AS_OK) {
			trainer_say(t, "refused: %s", err.msg);
		}
		break;
	}
	case AS_CMD_NUDGE: {
		/* relative to the config in force, so quick repeated keys
		 * never step from a stale value */
		const struct as_param *p = as_param_at((size_t)c->param);
		if (!p) {
			trainer_say(t, "refused: no parameter number %d", c->param);
			break;
		}
		struct as_config next = t->cfg;
		as_param_step(&next, p, c->value > 0 ? 1 : -1);
		if (as_trainer_set(t, p, as_param_get(&next, p), &err) != AS_OK)
			trainer_say(t, "refused: %s", err.msg);
		break;
	}
	case AS_CMD_PAUSE:
		/* a toggle flips the trainer's own state, so two quick
		 * presses cancel out whatever the screen last showed */
		t->ctl.paused = c->value < 0 ? !t->ctl.paused : c->value != 0;
		trainer_say(t, "%s at step %llu", t->ctl.paused ? "paused" : "running",
		    (unsigned long long)t->step);
		break;
	case AS_CMD_STEP: t->ctl.step_once = 1; break;
	case AS_CMD_RESET:
		as_stack_init(t->stack, &t->cfg, &t->rng_init);
		if (t->cfg.stage != as_config_first_stage(&t->cfg)) {
			/* new weights start at the first stage again */
			if (as_trainer_set(t, as_param_find("stage"),
					   as_config_first_stage(&t->cfg),
					   &err) != AS_OK)
				trainer_say(t, "%s", err.msg);
		}
		t->guard.ref_loss = NAN;
		trainer_stage_shape(t);
		trainer_guard_restart(t);
		/* the old weights' numbers are gone with them */
		t->probe_accuracy = NAN;
		as_scores_clear(&t->scores);
		record_change(t, "reset", "-", "new init");
		trainer_say(t, "new initialisation at step %llu",
		    (unsigned long long)t->step);
		break;
	case AS_CMD_SAVE:
	case AS_CMD_EXPORT:
		if (c->kind == AS_CMD_SAVE) {
			as_trainer_save_out(t, &err);
		} else if (!t->opts.out_dir) {
			trainer_say(t, "no output directory: nothing exported");
		} else if (as_trainer_export(t, t->opts.out_dir, &err) !=
			   AS_OK) {
			trainer_say(t, "export failed: %s", err.msg);
		} else {
			trainer_say(t,
			    "exported filters.png, %s, chart.svg and .npy "
			    "weights to %s",
			    t->cfg.model == AS_MODEL_DRLIM ? "map.png"
							   : "recon.png",
			    t->opts.out_dir);
		}
		break;
	case AS_CMD_HISTORY:
		if (!t->opts.out_dir)
			trainer_say(t, "no output directory: nothing exported");
		else if (as_trainer_export_history(t, t->opts.out_dir, &err) !=
			 AS_OK)
			trainer_say(t, "history not exported: %s", err.msg);
		else
			trainer_say(t,
			    "exported history.png and frames/ (%zu frames) "
			    "to %s",
			    t->frames.n, t->opts.out_dir);
		break;
	case AS_CMD_CHAINS:
		if (t->view.chain_x) {
			memcpy(t->view.chain_x, t->view.chain_x0,
			       (size_t)AS_SNAP_CHAINS * t->ds->d * sizeof(float));
			t->view.chain_step = 0;
			trainer_say(t, "the chains start again");
		}
		break;
	case AS_CMD_PROBE:
		if (as_trainer_probe(t, &err) != AS_OK)
			trainer_say(t, "probe: %s", err.msg);
		else
			trainer_say(t, "linear probe: codes %.3f, raw pixels %.3f",
			    t->probe_accuracy, t->base.probe_raw);
		break;
	case AS_CMD_FORK: {
		struct as_trainer *f;
		pthread_mutex_lock(&t->ctl.qlock);
		int waiting = t->ctl.forked != NULL;
		pthread_mutex_unlock(&t->ctl.qlock);
		if (waiting || as_trainer_fork(t, NULL, &f, &err) != AS_OK) {
			if (waiting)
				trainer_say(t, "refused: the last fork is not taken "
				       "yet");
			else
				trainer_say(t, "fork failed: %s", err.msg);
			pthread_mutex_lock(&t->ctl.qlock);
			t->ctl.forks_failed++;
			pthread_mutex_unlock(&t->ctl.qlock);
		} else {
			/* the taker says where the fork went */
			pthread_mutex_lock(&t->ctl.qlock);
			t->ctl.forked = f;
			pthread_mutex_unlock(&t->ctl.qlock);
		}
		break;
	}
	case AS_CMD_SCORE:
		if (as_trainer_score(t, (unsigned)c->value, &err) != AS_OK)
			trainer_say(t, "scores: %s", err.msg);
		break;
	case AS_CMD_QUIT: t->ctl.quit = 1; break;
	}
}

/* Drains the queue (under the lock) and applies it (without). */
static size_t apply_pending(struct as_trainer *t)
{
	struct as_command local[AS_QUEUE_MAX];
	size_t n = 0;
	pthread_mutex_lock(&t->ctl.qlock);
	while (t->ctl.q_len > 0) {
		local[n++] = t->ctl.queue[t->ctl.q_head];
		t->ctl.q_head = (t->ctl.q_head + 1) % AS_QUEUE_MAX;
		t->ctl.q_len--;
	}
	pthread_mutex_unlock(&t->ctl.qlock);
	for (size_t i = 0; i < n && !t->ctl.quit; i++)
		apply(t, &local[i]);
	return n;
}

int as_trainer_step(struct as_trainer *t)
{
	if (apply_pending(t) > 0)
		t->last_tick = 0; /* time spent on commands is not training */
	if (t->ctl.quit || (t->ctl.paused && !t->ctl.step_once)) {
		t->last_tick = 0;
		return 0;
	}
	t->ctl.step_once = 0;
	minibatch(t);
	return 1;
}
