/* trainer, the outward half: measures, checkpoints, snapshots and the
 * thread (the exported files are in trainer_export.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "autoscope/trainer.h"

#include "trainer_internal.h"

static double clock_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

enum as_status as_trainer_pca(struct as_trainer *t, struct as_error *err)
{
	/* the code's width */
	size_t k = t->stack->sizes[t->stack->n_layers];
	enum as_status st = as_baselines_pca(&t->base, t->ds, k, err);
	t->has_pca = 1;
	return st;
}

enum as_status as_trainer_probe(struct as_trainer *t, struct as_error *err)
{
	struct as_scores sc;
	as_scores_clear(&sc);
	enum as_status st = as_scores_compute(t->stack, as_trainer_depth(t),
					      &t->cfg, t->ds, &t->base,
					      AS_SCORE_PROBE, &sc, err);
	if (st == AS_OK && !(sc.have & AS_SCORE_PROBE))
		st = as_error_set(err, AS_ERR_STATE,
				  "the linear probe needs labels and a "
				  "held-out part; %s has %s",
				  t->ds->name,
				  t->ds->labels ? "no held-out part"
						: "no labels");
	if (st == AS_OK)
		t->probe_accuracy = sc.probe_codes;
	t->last_tick = 0; /* measuring is not training time */
	return st;
}

enum as_status as_trainer_score(struct as_trainer *t, unsigned which,
				struct as_error *err)
{
	struct as_scores *s = &t->scores;
	const struct as_dataset *ds = t->ds;
	size_t nte = ds->n - ds->n_train;
	as_scores_clear(s);
	s->step = t->step;
	s->epoch = t->epoch;
	s->examples = t->examples;
	/* the run's own: its objective on held-out (its noise stream) and
	 * a classifier's error from the same pass, on all of them */
	s->heldout = as_trainer_heldout_loss(t, 0);
	if (nte && ds->labels && t->stack->n_classes &&
	    t->cfg.stage == t->cfg.n_layers) {
		double e = t->last_error;
		s->error = e;
		s->error_se = sqrt(e * (1 - e) / (double)nte);
	}
	enum as_status st =
		as_scores_compute(t->stack, as_trainer_depth(t), &t->cfg, ds,
				  &t->base, which, s, err);
	t->last_tick = 0; /* measuring is not training time */
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
	ck->tied = t->cfg.tied;
	ck->n_params = t->stack->n_params;
	ck->params = t->stack->params;
	ck->velocity = t->stack->velocity;
	ck->stage_epoch = t->stage_epoch;
	ck->n_classes = t->stack->n_classes;
	ck->history = t->history;
	ck->frames = &t->frames;
}

enum as_status as_trainer_save_out(struct as_trainer *t, struct as_error *err)
{
	if (!t->opts.out_dir) {
		trainer_say(t, "no output directory: nothing saved");
		return as_error_set(err, AS_ERR_STATE,
				    "no output directory: nothing saved");
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/checkpoint.ascp", t->opts.out_dir);
	enum as_status st = as_trainer_save(t, path, err);
	if (st != AS_OK)
		trainer_say(t, "save failed: %.140s", err->msg);
	else
		trainer_say(t, "saved %.120s (step %llu)", path,
		    (unsigned long long)t->step);
	return st;
}

enum as_status as_trainer_save(struct as_trainer *t, const char *path,
			       struct as_error *err)
{
	struct as_checkpoint ck;
	for (size_t k = 0; k < t->stack->n_layers; k++)
		as_model_sync_decoder(t->stack->layer[k]);
	as_trainer_checkpoint(t, &ck);
	return as_checkpoint_save(path, &ck, err);
}

/* The first AS_SNAP_RECON held-out examples (training ones if there is
 * no held-out part), and their corruption under a fixed noise stream so
 * that only learning, not fresh noise, changes the picture; the clean
 * examples themselves for a model that trains on no noise (sparse
 * coding, PSD, code inference, DrLIM: the setting is not theirs). */
size_t trainer_recon_samples(struct as_trainer *t, const float **clean)
{
	const struct as_dataset *ds = t->ds;
	size_t nh = ds->n - ds->n_train;
	size_t n = nh ? nh : ds->n_train;
	if (n > AS_SNAP_RECON)
		n = AS_SNAP_RECON;
	*clean = nh ? ds->x + ds->n_train * ds->d : ds->x;
	struct as_rng rng;
	as_rng_seed(&rng, t->cfg.seed, 99);
	if (as_param_fits_model(as_param_find("corruption_level"), &t->cfg))
		as_corrupt(&t->cfg, *clean, t->view.recon_noisy, n, ds->d,
			   t->model->perm, &rng);
	else
		memcpy(t->view.recon_noisy, *clean, n * ds->d * sizeof(float));
	return n;
}

/* Mean activation, binary share and histogram of each layer's codes on
 * the first held-out examples (training ones without a held-out part). */
static void layer_stats(struct as_trainer *t, struct as_snapshot *snap)
{
	struct as_stack *s = t->stack;
	const struct as_dataset *ds = t->ds;
	size_t nte = ds->n - ds->n_train;
	size_t n = nte ? nte : ds->n_train;
	if (n > AS_SNAP_STATS)
		n = AS_SNAP_STATS;
	const float *x = nte ? ds->x + ds->n_train * ds->d : ds->x;
	double norms[AS_LAYERS_MAX];
	as_stack_grad_norms(s, norms);
	for (size_t k = 0; k < s->n_layers; k++) {
		struct as_layer_stats *ls = &snap->layer[k];
		size_t w = s->sizes[k + 1];
		/* layer k's codes, in slices the first layer's workspace
		 * holds (AS_BATCH_MAX rows >= AS_SNAP_STATS) */
		float *codes = t->view.recon_stats;
		as_stack_encode(s, &t->cfg, k + 1, x, n, codes);
		int sig = k + 1 < s->n_layers || t->cfg.encoder ==
							AS_ACT_SIGMOID;
		float lo = 0, hi = 1;
		if (!sig) {
			lo = hi = codes[0];
			for (size_t i = 1; i < n * w; i++) {
				lo = codes[i] < lo ? codes[i] : lo;
				hi = codes[i] > hi ? codes[i] : hi;
			}
			if (hi <= lo)
				hi = lo + 1;
		}
		memset(ls->hist, 0, sizeof ls->hist);
		double sum = 0, binary = 0;
		for (size_t i = 0; i < n * w; i++) {
			float v = codes[i];
			int b = (int)((v - lo) / (hi - lo) * AS_SNAP_BINS);
			b = b < 0 ? 0 : b >= AS_SNAP_BINS ? AS_SNAP_BINS - 1 : b;
			ls->hist[b] += 1;
			sum += v;
			binary += v < 0.1f || v > 0.9f;
		}
		for (int b = 0; b < AS_SNAP_BINS; b++)
			ls->hist[b] /= (float)(n * w);
		ls->mean_act = sum / (double)(n * w);
		ls->binary = sig ? binary / (double)(n * w) : NAN;
		ls->lo = lo;
		ls->hi = hi;
		ls->grad_norm = norms[k];
	}
}

/* each sample's largest units dialled one at a time (snapshot.h), from
 * the codes in the first layer's h (n rows), which the decoding reuses:
 * they are kept first */
static void traverse(struct as_trainer *t, size_t n)
{
	struct as_model *m = t->model;
	size_t nh = m->n_hidden, nv = m->n_visible;
	memcpy(t->view.trav_h, m->h, n * nh * sizeof(float));
	/* a sigmoid code is dialled 0 to 1 (SESM's a is one) */
	int sig = t->stack->sesm ||
		  (!t->stack->sc && t->cfg.encoder == AS_ACT_SIGMOID);
	for (size_t e = 0; e < n; e++) {
		const struct as_parts *p = &t->view.parts[e];
		for (int u = 0; u < AS_TRAV_UNITS; u++) {
			float *out = t->view.trav + ((e * AS_TRAV_UNITS + u) *
						     AS_TRAV_T) * nv;
			if (u >= p->k) { /* fewer units than that: blank */
				memset(out, 0, AS_TRAV_T * nv * sizeof(float));
				t->view.trav_hi[e][u] = 0;
				continue;
			}
			size_t j = p->unit[u];
			float hi = sig ? 1.0f : 2.0f * t->view.trav_h[e * nh + j];
			float vals[AS_TRAV_T];
			for (int v = 0; v < AS_TRAV_T; v++)
				vals[v] = hi * (float)v / (AS_TRAV_T - 1);
			as_stack_traverse(t->stack, &t->cfg, 1,
					  t->view.trav_h + e * nh, j, vals,
					  AS_TRAV_T, t->view.trav_codes, out);
			t->view.trav_hi[e][u] = hi;
		}
	}
	memcpy(m->h, t->view.trav_h, n * nh * sizeof(float));
}

/* A 2-D code's plane, once a second (AS_PLANE points each way): the
 * decoder over the range of the held-out codes or, for a DrLIM mapping
 * (no decoder), the held-out digits at their places on its map. */
static void plane_view(struct as_trainer *t, size_t depth)
{
	const struct as_dataset *ds = t->ds;
	size_t nv = ds->d, nte = ds->n - ds->n_train;
	int cls = t->stack->n_classes && t->cfg.stage == t->cfg.n_layers;
	/* (a map needs held-out digits to draw) */
	if (!t->view.plane || t->stack->sizes[depth] != 2 || cls ||
	    (t->view.map_codes && nte < 2)) {
		t->view.has_plane = 0;
		return;
	}
	if (t->view.has_plane && clock_s() - t->view.last_plane_s < 1.0)
		return;
	if (t->view.map_codes) {
		size_t nc = nte < AS_MAP_N ? nte : AS_MAP_N;
		const float *x = ds->x + ds->n_train * nv;
		as_stack_encode(t->stack, &t->cfg, depth, x, nc,
				t->view.map_codes);
		trainer_map_fill(t->view.map_codes, x, nc, nv, AS_PLANE,
				 t->view.plane, t->view.plane_lo,
				 t->view.plane_hi, t->view.map_codes + 2 * nc);
	} else {
		size_t nc = nte ? nte : ds->n_train;
		nc = nc > AS_SNAP_STATS ? AS_SNAP_STATS : nc;
		const float *x = nte ? ds->x + ds->n_train * nv : ds->x;
		float *codes = t->view.recon_stats; /* AS_SNAP_STATS x widest */
		as_stack_encode(t->stack, &t->cfg, depth, x, nc, codes);
		float lo[2] = {codes[0], codes[1]}, hi[2] = {codes[0], codes[1]};
		for (size_t i = 1; i < nc; i++)
			for (int c = 0; c < 2; c++) {
				float v = codes[2 * i + (size_t)c];
				lo[c] = v < lo[c] ? v : lo[c];
				hi[c] = v > hi[c] ? v : hi[c];
			}
		float grid[2 * AS_PLANE * AS_PLANE];
		for (int i = 0; i < AS_PLANE; i++)
			for (int j = 0; j < AS_PLANE; j++) {
				float *g = grid + 2 * (i * AS_PLANE + j);
				g[0] = lo[0] + (hi[0] - lo[0]) * ((float)j + 0.5f) /
						       AS_PLANE;
				g[1] = hi[1] - (hi[1] - lo[1]) * ((float)i + 0.5f) /
						       AS_PLANE;
			}
		as_stack_decode(t->stack, &t->cfg, depth, grid,
				AS_PLANE * AS_PLANE, t->view.plane);
		memcpy(t->view.plane_lo, lo, sizeof lo);
		memcpy(t->view.plane_hi, hi, sizeof hi);
	}
	t->view.has_plane = 1;
	t->view.last_plane_s = clock_s();
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
	s->epoch_len = as_trainer_epoch_len(t);
	s->elapsed_s = t->elapsed_s;
	s->examples_per_s = t->view.rate;
	s->paused = t->ctl.paused;
	s->waiting = t->ctl.wait_share > 0.3;
	s->tied = m->tied;
	s->rows = ds->rows;
	s->cols = ds->cols;
	memcpy(s->w, m->w, nh * nv * sizeof(float));
	s->decoder_gap = 0;
	s->psd = t->stack->psd;
	if (t->stack->psd) {
		/* PSD's encoder in the decoder's place, P^T, and its
		 * distance from the atoms ||P - W|| / ||W|| */
		const float *p = t->stack->pred.p;
		double d2 = 0, w2 = 0;
		for (size_t j = 0; j < nh; j++)
			for (size_t i = 0; i < nv; i++) {
				double a = m->w[j * nv + i], b = p[j * nv + i];
				s->w2[i * nh + j] = p[j * nv + i];
				d2 += (b - a) * (b - a);
				w2 += a * a;
			}
		s->tied = 0;
		s->decoder_gap = w2 > 0 ? sqrt(d2 / w2) : 0;
	} else if (!m->tied) {
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
	s->decoder_cos = as_model_decoder_cos(m);
	const float *clean;
	size_t n = trainer_recon_samples(t, &clean);
	s->n_recon = n;
	memcpy(s->clean, clean, n * nv * sizeof(float));
	memcpy(s->corrupted, t->view.recon_noisy, n * nv * sizeof(float));
	if (t->cfg.model == AS_MODEL_DRLIM) /* no decoder: nothing rebuilt */
		memset(s->recon, 0, n * nv * sizeof(float));
	else
		as_trainer_reconstruct(t, t->view.recon_noisy, n, s->recon);
	s->n_dots = t->view.dots ? n : 0;
	if (t->view.dots) {
		memcpy(s->dots, t->view.dots, n * nv * sizeof(float));
		as_trainer_reconstruct(t, t->view.dots, n, s->dots_recon);
	}
	/* mean activation of each of layer 1's units on the clean samples */
	as_stack_encode(t->stack, &t->cfg, 1, clean, n, m->h);
	for (size_t j = 0; j < nh; j++) {
		float a = 0;
		for (size_t e = 0; e < n; e++)
			a += m->h[e * nh + j];
		s->mean_h[j] = n ? a / (float)n : 0;
	}
	/* each sample by parts (its codes are in m->h; one layer only), at
	 * most twice a second like the layer statistics: it costs a pass
	 * over W a sample; the snapshots in between carry the last ones */
	s->n_parts = 0;
	if (t->stack->n_layers == 1 && !t->stack->n_classes &&
	    t->view.parts_norms) {
		size_t len = n * AS_PARTS_K * nv;
		if (clock_s() - t->view.last_parts_s >= 0.5 || !t->view.n_parts) {
			int sig = !t->stack->sc && t->cfg.loss == AS_LOSS_CE;
			as_parts_norms(m, t->stack->sc, t->view.parts_norms);
			for (size_t e = 0; e < n; e++)
				as_parts_of(m, t->stack->sc, sig, m->h + e * nh,
					    t->view.parts_norms, &t->view.parts[e],
					    t->view.parts_img + e * AS_PARTS_K * nv,
					    t->view.parts_cols + e * AS_PARTS_K * nv,
					    t->view.parts_norms + nh);
			t->view.n_parts = n;
			t->view.last_parts_s = clock_s();
			traverse(t, n);
			if (t->view.infer_energy) {
				/* the inference from each sample's
				 * prediction (sesm.h) */
				t->view.infer_t = as_sesm_trace_len(&t->cfg);
				as_sesm_trace(m, t->stack->log_zeta, &t->cfg,
					      clean, n, t->view.infer_energy,
					      t->view.code_pred,
					      t->view.code_star,
					      t->view.infer_recon,
					      t->stack->infer_work);
				t->view.n_infer = n;
			}
		}
		memcpy(s->parts, t->view.parts, sizeof s->parts);
		memcpy(s->trav, t->view.trav,
		       n * AS_TRAV_UNITS * AS_TRAV_T * nv * sizeof(float));
		memcpy(s->trav_hi, t->view.trav_hi, sizeof s->trav_hi);
		memcpy(s->parts_img, t->view.parts_img, len * sizeof(float));
		memcpy(s->parts_cols, t->view.parts_cols, len * sizeof(float));
		s->n_parts = t->view.n_parts;
	}
	s->n_infer = t->view.n_infer;
	if (s->n_infer) {
		size_t ni = s->n_infer;
		s->infer_t = t->view.infer_t;
		memcpy(s->infer_energy, t->view.infer_energy,
		       ni * (size_t)(t->view.infer_t + 1) * sizeof(float));
		memcpy(s->code_pred, t->view.code_pred, ni * nh * sizeof(float));
		memcpy(s->code_star, t->view.code_star, ni * nh * sizeof(float));
		memcpy(s->infer_recon, t->view.infer_recon,
		       ni * nv * sizeof(float));
	}
	size_t depth = as_trainer_depth(t);
	plane_view(t, depth);
	s->has_plane = t->view.has_plane;
	if (t->view.has_plane) {
		memcpy(s->plane, t->view.plane,
		       (size_t)AS_PLANE * AS_PLANE * nv * sizeof(float));
		memcpy(s->plane_lo, t->view.plane_lo, sizeof s->plane_lo);
		memcpy(s->plane_hi, t->view.plane_hi, sizeof s->plane_hi);
	}
	/* the live chains: a step a snapshot */
	s->n_chains = 0;
	if (t->view.chain_x) {
		size_t len = (size_t)AS_SNAP_CHAINS * nv;
		memcpy(s->chain_start, t->view.chain_x0, len * sizeof(float));
		memcpy(s->chain_now, t->view.chain_x, len * sizeof(float));
		s->chain_step = t->view.chain_step;
		s->n_chains = AS_SNAP_CHAINS;
		as_stack_chain_step(t->stack, &t->cfg, depth,
				    t->view.chain_x, AS_SNAP_CHAINS, t->view.chain_perm,
				    &t->view.rng_chain, t->view.chain_work);
		t->view.chain_step++;
	}
	s->unit_range = ds->min >= 0.0f && ds->max <= 1.0f;
	s->depth = as_trainer_depth(t);
	float *deep = s->deep_w;
	for (size_t k = 1; k < t->stack->n_layers; k++) {
		const struct as_model *l = t->stack->layer[k];
		size_t len = l->n_hidden * l->n_visible;
		memcpy(deep, l->w, len * sizeof(float));
		deep += len;
	}
	/* the statistics cost a forward pass of AS_SNAP_STATS examples:
	 * at most twice a second */
	double now = clock_s();
	if (now - t->view.last_stats_s >= 0.5 || !s->generation) {
		layer_stats(t, s);
		memcpy(t->view.stats, s->layer, sizeof t->view.stats);
		t->view.last_stats_s = now;
	} else {
		memcpy(s->layer, t->view.stats, sizeof t->view.stats);
	}
	s->error = t->last_error;
	s->history = *t->history;
	s->pca_error = t->base.pca_error;
	s->pca_k = t->base.pca_k;
	s->heldout_loss = t->last_heldout;
	s->probe_accuracy = t->probe_accuracy;
	s->probe_raw = t->base.probe_raw;
	s->scores = t->scores;
	s->message_id = t->message_id;
	snprintf(s->message, sizeof s->message, "%s", t->message);
	as_publisher_commit(&t->pub);
	t->view.last_publish_s = clock_s();
}

/* the scores the run's options ask for, once for this epoch */
static void score_epoch(struct as_trainer *t)
{
	struct as_error err;
	t->scored_epoch = t->epoch;
	if (as_trainer_score(t, t->opts.score_every_epoch, &err) != AS_OK)
		trainer_say(t, "scores: %.150s", err.msg);
}

static void *run(void *arg)
{
	struct as_trainer *t = arg;
	as_trainer_publish(t);
	/* a resumed run shows its numbers at once, paused or not */
	if (t->opts.score_every_epoch && t->epoch > 0 &&
	    t->epoch != t->scored_epoch) {
		score_epoch(t);
		as_trainer_publish(t);
	}
	for (;;) {
		pthread_mutex_lock(&t->ctl.qlock);
		while (t->ctl.q_len == 0 && t->ctl.paused && !t->ctl.step_once && !t->ctl.quit)
			pthread_cond_wait(&t->ctl.qcond, &t->ctl.qlock);
		int had_commands = t->ctl.q_len > 0;
		pthread_mutex_unlock(&t->ctl.qlock);
		if (t->ctl.quit)
			break;
		/* ahead of the runs beside it: let them catch up (a
		 * command still gets through at once) */
		int ahead = t->opts.pace &&
			    as_pace_ahead(t->opts.pace, t->ctl.pace_slot,
					  t->examples, !t->ctl.paused);
		int waiting = !had_commands && ahead;
		/* share of recent rounds spent waiting, for the status */
		t->ctl.wait_share = 0.95 * t->ctl.wait_share + 0.05 * waiting;
		if (waiting) {
			struct timespec nap = {0, 2000000};
			nanosleep(&nap, NULL);
			if (clock_s() - t->view.last_publish_s >= 0.25)
				as_trainer_publish(t);
			t->last_tick = 0; /* waiting is not training */
			continue;
		}
		int stepped = as_trainer_step(t);
		if (t->ctl.quit)
			break;
		/* a pause (asked for, or after a divergence) is known to the
		 * pace before this thread sleeps, so it holds nobody back */
		if (t->opts.pace && t->ctl.paused)
			as_pace_ahead(t->opts.pace, t->ctl.pace_slot, t->examples, 0);
		/* the PCA line is drawn for squared error: fit it once, after
		 * the first frame is out */
		if (!t->has_pca && t->cfg.loss == AS_LOSS_MSE) {
			struct as_error err;
			/* (a failure leaves the line out: NaN) */
			(void)as_trainer_pca(t, &err);
			t->last_tick = 0; /* the fit is not training time */
		}
		if (t->opts.score_every_epoch && t->epoch != t->scored_epoch)
			score_epoch(t);
		if (had_commands || !stepped ||
		    clock_s() - t->view.last_publish_s >= t->opts.publish_min_s)
			as_trainer_publish(t);
	}
	as_trainer_publish(t);
	return NULL;
}

enum as_status as_trainer_start(struct as_trainer *t, struct as_error *err)
{
	if (t->ctl.running)
		return as_error_set(err, AS_ERR_STATE, "already running");
	if (!t->opts.publish)
		return as_error_set(err, AS_ERR_STATE,
				    "a threaded trainer needs opts.publish");
	t->ctl.quit = 0;
	t->ctl.pace_slot = t->opts.pace ? as_pace_join(t->opts.pace, t->examples)
				    : -1;
	if (pthread_create(&t->ctl.thread, NULL, run, t) != 0) {
		if (t->opts.pace)
			as_pace_leave(t->opts.pace, t->ctl.pace_slot);
		return as_error_set(err, AS_ERR_STATE,
				    "cannot start the training thread");
	}
	t->ctl.running = 1;
	return AS_OK;
}

enum as_status as_trainer_push(struct as_trainer *t, const struct as_command *c)
{
	enum as_status st = AS_OK;
	pthread_mutex_lock(&t->ctl.qlock);
	if (t->ctl.q_len == AS_QUEUE_MAX) {
		st = AS_ERR_STATE;
	} else {
		t->ctl.queue[(t->ctl.q_head + t->ctl.q_len) % AS_QUEUE_MAX] = *c;
		t->ctl.q_len++;
		pthread_cond_signal(&t->ctl.qcond);
	}
	pthread_mutex_unlock(&t->ctl.qlock);
	return st;
}

void as_trainer_stop(struct as_trainer *t)
{
	if (!t->ctl.running)
		return;
	struct as_command quit = {.kind = AS_CMD_QUIT};
	/* a full queue drains quickly; retry until QUIT is in */
	while (as_trainer_push(t, &quit) != AS_OK) {
		struct timespec ts = {0, 1000000};
		nanosleep(&ts, NULL);
	}
	pthread_join(t->ctl.thread, NULL);
	t->ctl.running = 0;
	if (t->opts.pace)
		as_pace_leave(t->opts.pace, t->ctl.pace_slot);
}
