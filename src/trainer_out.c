/* trainer, the outward half: measures, files, snapshots and the thread. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "autoscope/trainer.h"

static double clock_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

enum as_status as_trainer_pca(struct as_trainer *t, struct as_error *err)
{
	const struct as_dataset *ds = t->ds;
	size_t k = (size_t)t->cfg.n_hidden;
	if (k > ds->d)
		return as_error_set(err, AS_ERR_INVALID,
				    "no rank-%zu PCA baseline for %zu-value "
				    "examples",
				    k, ds->d);
	if (!t->pca) {
		enum as_status st =
			as_pca_fit(ds->x, ds->n_train, ds->d, &t->pca, err);
		if (st != AS_OK)
			return st;
	}
	size_t nh = ds->n - ds->n_train;
	const float *x = nh ? ds->x + ds->n_train * ds->d : ds->x;
	t->pca_error = as_pca_error(t->pca, k, x, nh ? nh : ds->n_train);
	t->has_pca = 1;
	return AS_OK;
}

enum as_status as_trainer_probe(struct as_trainer *t, struct as_error *err)
{
	const struct as_dataset *ds = t->ds;
	size_t ntr = ds->n_train, nte = ds->n - ds->n_train;
	size_t k = (size_t)t->cfg.n_hidden;
	if (!ds->labels || nte == 0)
		return as_error_set(err, AS_ERR_STATE,
				    "the linear probe needs labels and a "
				    "held-out part; %s has %s",
				    ds->name,
				    ds->labels ? "no held-out part"
					       : "no labels");
	struct as_probe_opts po;
	as_probe_opts_default(&po);
	enum as_status st = AS_OK;
	if (isnan(t->probe_raw))
		st = as_probe_score(ds->x, ds->labels, ntr, ds->x + ntr * ds->d,
				    ds->labels + ntr, nte, ds->d, ds->n_classes,
				    &po, &t->probe_raw, err);
	if (st != AS_OK)
		return st;
	float *codes = malloc(ds->n * k * sizeof(float));
	if (!codes)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	as_model_encode(t->model, &t->cfg, ds->x, ds->n, codes);
	st = as_probe_score(codes, ds->labels, ntr, codes + ntr * k,
			    ds->labels + ntr, nte, k, ds->n_classes, &po,
			    &t->probe_accuracy, err);
	free(codes);
	return st;
}

void as_trainer_checkpoint(const struct as_trainer *t, struct as_checkpoint *ck)
{
	memset(ck, 0, sizeof *ck);
	ck->config = t->cfg;
	snprintf(ck->data, sizeof ck->data, "%s", t->ds->name);
	ck->step = t->step;
	ck->epoch = t->epoch;
	ck->examples = t->examples;
	ck->elapsed_s = t->elapsed_s;
	ck->cursor = t->cursor;
	ck->acc_loss = t->acc_loss;
	ck->acc_examples = t->acc_examples;
	ck->last_eval_examples = t->last_eval_examples;
	ck->n_order = t->ds->n_train;
	ck->order = t->order;
	ck->rng_init = t->rng_init;
	ck->rng_shuffle = t->rng_shuffle;
	ck->rng_noise = t->rng_noise;
	ck->n_visible = t->model->n_visible;
	ck->n_hidden = t->model->n_hidden;
	ck->tied = t->model->tied;
	ck->n_params = t->model->n_params;
	ck->params = t->model->params;
	ck->velocity = t->model->velocity;
	ck->history = t->history;
}

enum as_status as_trainer_save(struct as_trainer *t, const char *path,
			       struct as_error *err)
{
	struct as_checkpoint ck;
	as_model_sync_decoder(t->model);
	as_trainer_checkpoint(t, &ck);
	return as_checkpoint_save(path, &ck, err);
}

/* The first AS_SNAP_RECON held-out examples (training ones if there is
 * no held-out part), and their corruption under a fixed noise stream so
 * that only learning, not fresh noise, changes the picture. */
static size_t recon_samples(struct as_trainer *t, const float **clean)
{
	const struct as_dataset *ds = t->ds;
	size_t nh = ds->n - ds->n_train;
	size_t n = nh ? nh : ds->n_train;
	if (n > AS_SNAP_RECON)
		n = AS_SNAP_RECON;
	*clean = nh ? ds->x + ds->n_train * ds->d : ds->x;
	struct as_rng rng;
	as_rng_seed(&rng, t->cfg.seed, 99);
	as_corrupt(&t->cfg, *clean, t->recon_noisy, n, ds->d, t->model->perm,
		   &rng);
	return n;
}

static enum as_status export_npy(const char *dir, const char *name,
				 const float *data, size_t rows, size_t cols,
				 struct as_error *err)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	size_t shape[2] = {rows, cols};
	return as_export_npy(path, data, shape, cols ? 2 : 1, err);
}

enum as_status as_trainer_export(struct as_trainer *t, const char *dir,
				 struct as_error *err)
{
	const struct as_dataset *ds = t->ds;
	struct as_model *m = t->model;
	size_t nv = m->n_visible, nh = m->n_hidden;
	char path[4096];
	as_model_sync_decoder(m);
	size_t scale = ds->cols >= 24 ? 2 : (ds->cols >= 12 ? 3 : 4);
	snprintf(path, sizeof path, "%s/filters.png", dir);
	enum as_status st = as_export_filters_png(path, m->w, nh, ds->rows,
						  ds->cols, scale, err);
	if (st != AS_OK)
		return st;
	const float *clean;
	size_t n = recon_samples(t, &clean);
	float *rec = malloc(n * nv * sizeof(float));
	if (!rec)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	as_model_reconstruct(m, &t->cfg, t->recon_noisy, n, rec);
	snprintf(path, sizeof path, "%s/recon.png", dir);
	int unit = ds->min >= 0.0f && ds->max <= 1.0f;
	st = as_export_recon_png(path, clean, t->recon_noisy, rec, n, ds->rows,
				 ds->cols, unit, scale, err);
	free(rec);
	if (st == AS_OK)
		st = export_npy(dir, "encoder_W.npy", m->w, nh, nv, err);
	if (st == AS_OK)
		st = export_npy(dir, "encoder_b.npy", m->b, nh, 0, err);
	if (st == AS_OK)
		st = export_npy(dir, "decoder_c.npy", m->c, nv, 0, err);
	if (st == AS_OK)
		st = export_npy(dir, "decoder_W.npy", m->w2, nv, nh, err);
	return st;
}

void as_trainer_publish(struct as_trainer *t)
{
	if (!t->opts.publish)
		return;
	struct as_snapshot *s = as_publisher_begin(&t->pub);
	const struct as_dataset *ds = t->ds;
	struct as_model *m = t->model;
	size_t nv = m->n_visible, nh = m->n_hidden;
	s->config = t->cfg;
	s->step = t->step;
	s->epoch = t->epoch;
	s->examples = t->examples;
	s->epoch_pos = t->cursor;
	s->epoch_len = ds->n_train;
	s->elapsed_s = t->elapsed_s;
	s->examples_per_s = t->rate;
	s->paused = t->paused;
	s->waiting = t->wait_share > 0.3;
	s->tied = m->tied;
	s->rows = ds->rows;
	s->cols = ds->cols;
	memcpy(s->w, m->w, nh * nv * sizeof(float));
	s->decoder_gap = 0;
	if (!m->tied) {
		/* ||W' - W^T|| / ||W||: how far untying has taken the
		 * decoder from the encoder */
		memcpy(s->w2, m->w2, nv * nh * sizeof(float));
		double d2 = 0, w2 = 0;
		for (size_t j = 0; j < nh; j++)
			for (size_t i = 0; i < nv; i++) {
				double a = m->w[j * nv + i];
				double b = m->w2[i * nh + j];
				d2 += (b - a) * (b - a);
				w2 += a * a;
			}
		s->decoder_gap = w2 > 0 ? sqrt(d2 / w2) : 0;
	}
	const float *clean;
	size_t n = recon_samples(t, &clean);
	s->n_recon = n;
	memcpy(s->clean, clean, n * nv * sizeof(float));
	memcpy(s->corrupted, t->recon_noisy, n * nv * sizeof(float));
	as_model_reconstruct(m, &t->cfg, t->recon_noisy, n, s->recon);
	/* mean activation of each unit on the clean samples */
	as_model_encode(m, &t->cfg, clean, n, m->h);
	for (size_t j = 0; j < nh; j++) {
		float a = 0;
		for (size_t e = 0; e < n; e++)
			a += m->h[e * nh + j];
		s->mean_h[j] = n ? a / (float)n : 0;
	}
	s->unit_range = ds->min >= 0.0f && ds->max <= 1.0f;
	s->history = *t->history;
	s->pca_error = t->pca_error;
	s->heldout_loss = t->last_heldout;
	s->probe_accuracy = t->probe_accuracy;
	s->probe_raw = t->probe_raw;
	s->scores = t->scores;
	s->message_id = t->message_id;
	snprintf(s->message, sizeof s->message, "%s", t->message);
	as_publisher_commit(&t->pub);
	t->last_publish_s = clock_s();
}

static void *run(void *arg)
{
	struct as_trainer *t = arg;
	as_trainer_publish(t);
	for (;;) {
		pthread_mutex_lock(&t->qlock);
		while (t->q_len == 0 && t->paused && !t->step_once && !t->quit)
			pthread_cond_wait(&t->qcond, &t->qlock);
		int had_commands = t->q_len > 0;
		pthread_mutex_unlock(&t->qlock);
		if (t->quit)
			break;
		/* ahead of the runs beside it: let them catch up (a
		 * command still gets through at once) */
		int ahead = t->opts.pace &&
			    as_pace_ahead(t->opts.pace, t->pace_slot,
					  t->examples, !t->paused);
		int waiting = !had_commands && ahead;
		/* share of recent rounds spent waiting, for the status */
		t->wait_share = 0.95 * t->wait_share + 0.05 * waiting;
		if (waiting) {
			struct timespec nap = {0, 2000000};
			nanosleep(&nap, NULL);
			if (clock_s() - t->last_publish_s >= 0.25)
				as_trainer_publish(t);
			t->last_tick = 0; /* waiting is not training */
			continue;
		}
		int stepped = as_trainer_step(t);
		if (t->quit)
			break;
		/* a pause (asked for, or after a divergence) is known to the
		 * pace before this thread sleeps, so it holds nobody back */
		if (t->opts.pace && t->paused)
			as_pace_ahead(t->opts.pace, t->pace_slot, t->examples, 0);
		/* the PCA line is drawn for squared error: fit it once, after
		 * the first frame is out */
		if (!t->has_pca && t->cfg.loss == AS_LOSS_MSE) {
			struct as_error err;
			if (as_trainer_pca(t, &err) != AS_OK) {
				t->has_pca = 1;
				t->pca_error = NAN;
			}
			t->last_tick = 0; /* the fit is not training time */
		}
		if (t->opts.score_every_epoch && t->epoch != t->scored_epoch) {
			struct as_error err;
			t->scored_epoch = t->epoch;
			if (as_trainer_score(t, t->opts.score_every_epoch,
					     &err) != AS_OK) {
				snprintf(t->message, sizeof t->message,
					 "scores: %.150s", err.msg);
				t->message_id++;
			}
		}
		if (had_commands || !stepped ||
		    clock_s() - t->last_publish_s >= t->opts.publish_min_s)
			as_trainer_publish(t);
	}
	as_trainer_publish(t);
	return NULL;
}

enum as_status as_trainer_start(struct as_trainer *t, struct as_error *err)
{
	if (t->running)
		return as_error_set(err, AS_ERR_STATE, "already running");
	if (!t->opts.publish)
		return as_error_set(err, AS_ERR_STATE,
				    "a threaded trainer needs opts.publish");
	t->quit = 0;
	t->pace_slot = t->opts.pace ? as_pace_join(t->opts.pace, t->examples)
				    : -1;
	if (pthread_create(&t->thread, NULL, run, t) != 0) {
		if (t->opts.pace)
			as_pace_leave(t->opts.pace, t->pace_slot);
		return as_error_set(err, AS_ERR_STATE,
				    "cannot start the training thread");
	}
	t->running = 1;
	return AS_OK;
}

enum as_status as_trainer_push(struct as_trainer *t, const struct as_command *c)
{
	enum as_status st = AS_OK;
	pthread_mutex_lock(&t->qlock);
	if (t->q_len == AS_QUEUE_MAX) {
		st = AS_ERR_STATE;
	} else {
		t->queue[(t->q_head + t->q_len) % AS_QUEUE_MAX] = *c;
		t->q_len++;
		pthread_cond_signal(&t->qcond);
	}
	pthread_mutex_unlock(&t->qlock);
	return st;
}

void as_trainer_stop(struct as_trainer *t)
{
	if (!t->running)
		return;
	struct as_command quit = {.kind = AS_CMD_QUIT};
	/* a full queue drains quickly; retry until QUIT is in */
	while (as_trainer_push(t, &quit) != AS_OK) {
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	pthread_join(t->thread, NULL);
	t->running = 0;
	if (t->opts.pace)
		as_pace_leave(t->opts.pace, t->pace_slot);
}
