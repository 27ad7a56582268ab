/* trainer, the outward half: measures, files, snapshots and the thread. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "autoscope/chart.h"
#include "autoscope/fileio.h"
#include "autoscope/figure.h"
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
	as_corrupt(&t->cfg, *clean, t->view.recon_noisy, n, ds->d, t->model->perm,
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

static const char *act_name(int sigmoid)
{
	return sigmoid ? "sigmoid" : "linear";
}

/* model.json: every layer's files, shapes and activation in forward
 * order, enough to rebuild the forward pass with numpy alone. */
static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;
	return (x > y) - (x < y);
}

/* DrLIM's map (a 2-D code): the n codes' range, from the 2nd to the 98th
 * percentile of each coordinate (a few strays would squeeze the rest),
 * split into g x g cells, code 1 across and code 2 up; each cell the
 * image of x whose code lies nearest its centre among those inside it,
 * else blank. out: g^2 x d; scratch: n floats. */
void trainer_map_fill(const float *codes, const float *x, size_t n, size_t d,
		      int g, float *out, float lo[2], float hi[2],
		      float *scratch)
{
	for (int c = 0; c < 2; c++) {
		for (size_t i = 0; i < n; i++)
			scratch[i] = codes[2 * i + (size_t)c];
		qsort(scratch, n, sizeof *scratch, cmp_float);
		lo[c] = scratch[n / 50];
		hi[c] = scratch[n - 1 - n / 50];
		if (!(hi[c] > lo[c]))
			hi[c] = lo[c] + 1e-6f;
	}
	size_t cells = (size_t)g * (size_t)g;
	memset(out, 0, cells * d * sizeof(float));
	for (size_t cell = 0; cell < cells; cell++) {
		int i = (int)(cell / (size_t)g), j = (int)(cell % (size_t)g);
		float cx = lo[0] + (hi[0] - lo[0]) * ((float)j + 0.5f) / (float)g;
		float cy = hi[1] - (hi[1] - lo[1]) * ((float)i + 0.5f) / (float)g;
		float hw = 0.5f * (hi[0] - lo[0]) / (float)g;
		float hh = 0.5f * (hi[1] - lo[1]) / (float)g;
		double best = INFINITY;
		size_t at = n;
		for (size_t e = 0; e < n; e++) {
			float dx = codes[2 * e] - cx, dy = codes[2 * e + 1] - cy;
			if (fabsf(dx) > hw || fabsf(dy) > hh)
				continue;
			double q = (double)(dx / hw) * (dx / hw) +
				   (double)(dy / hh) * (dy / hh);
			if (q < best) {
				best = q;
				at = e;
			}
		}
		if (at < n)
			memcpy(out + cell * d, x + at * d, d * sizeof(float));
	}
}

/* map.png: AS_MAP_PNG x AS_MAP_PNG cells of the map over the held-out
 * part (ink white on black, a dark gray gap between cells) */
#define AS_MAP_PNG 16
static enum as_status export_map(struct as_trainer *t, const char *path,
				 struct as_error *err)
{
	const struct as_dataset *ds = t->ds;
	size_t nte = ds->n - ds->n_train, d = ds->d;
	if (t->stack->sizes[t->stack->n_layers] != 2 || nte < 2)
		return AS_OK; /* a map is drawn of a 2-D code */
	const float *x = ds->x + ds->n_train * d;
	size_t g = AS_MAP_PNG, cells = g * g, cw = ds->cols + 1,
	       ch = ds->rows + 1, w = g * cw + 1, h = g * ch + 1;
	float *codes = malloc(2 * nte * sizeof(float));
	float *scratch = malloc(nte * sizeof(float));
	float *imgs = malloc(cells * d * sizeof(float));
	uint8_t *rgb = malloc(w * h * 3);
	enum as_status st = AS_OK;
	if (!codes || !scratch || !imgs || !rgb) {
		st = as_error_set(err, AS_ERR_NOMEM, "out of memory");
	} else {
		float lo[2], hi[2];
		as_trainer_encode(t, x, nte, codes);
		trainer_map_fill(codes, x, nte, d, (int)g, imgs, lo, hi,
				 scratch);
		memset(rgb, 40, w * h * 3);
		for (size_t c = 0; c < cells; c++)
			for (size_t r = 0; r < ds->rows; r++)
				for (size_t k = 0; k < ds->cols; k++) {
					float v = imgs[c * d + r * ds->cols + k];
					v = v < 0 ? 0 : v > 1 ? 1 : v;
					size_t px = (c % g) * cw + 1 + k,
					       py = (c / g) * ch + 1 + r;
					memset(rgb + 3 * (py * w + px),
					       (int)lroundf(255 * v), 3);
				}
		st = as_export_rgb_png(path, rgb, w, h, err);
	}
	free(codes);
	free(scratch);
	free(imgs);
	free(rgb);
	return st;
}

static enum as_status write_model_json(struct as_trainer *t, const char *dir,
				       int numbered, struct as_error *err)
{
	const struct as_stack *s = t->stack;
	size_t L = s->n_layers;
	char path[4096], tmp[4200];
	snprintf(path, sizeof path, "%s/model.json", dir);
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return as_error_set(err, AS_ERR_IO, "cannot write %s: %s", tmp,
				    strerror(errno));
	char layers[64];
	as_param_format(&t->cfg, as_param_find("layers"), layers,
			sizeof layers);
	static const char *const kind[] = {"ae", "sc", "psd", "drlim"};
	fprintf(f,
		"{\n  \"format\": \"autoscope model\",\n"
		"  \"version\": 1,\n  \"model\": \"%s\",\n"
		"  \"forward\": \"each layer maps a row vector x to "
		"activation(x @ W.T + b), W of shape [out, in]; gain_tanh is "
		"gain * tanh(x @ W.T + b)\",\n"
		"  \"input\": %zu,\n  \"image\": [%zu, %zu],\n"
		"  \"layers\": \"%s\",\n  \"loss\": \"%s\",\n"
		"  \"stage\": %d,\n  \"trained_layers\": %zu,\n",
		kind[t->cfg.model], s->sizes[0], t->ds->rows, t->ds->cols,
		layers,
		t->cfg.loss == AS_LOSS_CE ? "cross-entropy" : "squared error",
		t->cfg.stage, as_trainer_depth(t));
	if (s->sc)
		/* the code minimises an energy; PSD's encoder predicts it */
		fprintf(f,
			"  \"inference\": {\"energy\": \"1/2 ||x - z @ D||^2 + "
			"lambda ||z||_1%s, D the rows of encoder_W.npy, whose "
			"transpose is decoder_W.npy\", \"lambda\": %.9g, "
			"\"alpha\": %.9g, \"method\": \"%s\", \"rounds\": %d},\n",
			s->psd ? " + alpha/2 ||z - encoder(x)||^2" : "",
			t->cfg.sc_lambda, s->psd ? t->cfg.psd_alpha : 0.0,
			t->cfg.sc_fista ? "FISTA" : "ISTA", t->cfg.sc_iters);
	if (t->cfg.model == AS_MODEL_DRLIM)
		fprintf(f,
			"  \"mapping\": {\"loss\": \"contrastive (DrLIM): "
			"1/2 D^2 for a similar pair, 1/2 max(0, m - D)^2 for a "
			"dissimilar one, D the distance of the two codes\", "
			"\"margin\": %.9g, \"pairs\": \"%s\"},\n",
			t->cfg.drlim_margin,
			t->cfg.drlim_pairs == AS_DRLIM_PAIRS_SHIFT ? "shift"
								  : "euclid");
	fprintf(f, "  \"encoder\": [\n");
	if (s->psd)
		fprintf(f,
			"    {\"weights\": \"predictor_W.npy\", \"bias\": "
			"\"predictor_b.npy\", \"gain\": "
			"\"predictor_gain.npy\", \"shape\": [%zu, %zu], "
			"\"activation\": \"gain_tanh\"}\n",
			s->sizes[1], s->sizes[0]);
	char num[24] = "";
	for (size_t k = 0; k < L && !s->sc; k++) {
		if (numbered)
			snprintf(num, sizeof num, "%zu", k + 1);
		int sig = k + 1 < L || t->cfg.encoder == AS_ACT_SIGMOID;
		fprintf(f,
			"    {\"weights\": \"encoder_W%s.npy\", \"bias\": "
			"\"encoder_b%s.npy\", \"shape\": [%zu, %zu], "
			"\"activation\": \"%s\"}%s\n",
			num, num, s->sizes[k + 1], s->sizes[k], act_name(sig),
			k + 1 < L ? "," : "");
	}
	fprintf(f, "  ],\n  \"decoder\": [\n");
	/* a DrLIM mapping has none (its arena's decoder parts are unused) */
	for (size_t k = t->cfg.model == AS_MODEL_DRLIM ? 0 : L; k-- > 0;) {
		if (numbered)
			snprintf(num, sizeof num, "%zu", k + 1);
		int sig = !s->sc && (k > 0 || t->cfg.loss == AS_LOSS_CE);
		fprintf(f,
			"    {\"weights\": \"decoder_W%s.npy\", \"bias\": "
			"\"decoder_c%s.npy\", \"shape\": [%zu, %zu], "
			"\"activation\": \"%s\"}%s\n",
			num, num, s->sizes[k], s->sizes[k + 1], act_name(sig),
			k > 0 ? "," : "");
	}
	fprintf(f, "  ]");
	if (s->n_classes)
		fprintf(f,
			",\n  \"classifier\": {\"weights\": \"softmax_W.npy\", "
			"\"bias\": \"softmax_b.npy\", \"shape\": [%zu, %zu], "
			"\"activation\": \"softmax\"}",
			s->n_classes, s->sizes[L]);
	fprintf(f, "\n}\n");
	int bad = ferror(f) != 0;
	if (fclose(f) != 0 || bad) {
		remove(tmp);
		return as_error_set(err, AS_ERR_IO, "cannot write %s", tmp);
	}
	if (rename(tmp, path) != 0) {
		remove(tmp);
		return as_error_set(err, AS_ERR_IO, "cannot rename %s: %s", tmp,
				    strerror(errno));
	}
	return AS_OK;
}

enum as_status as_trainer_export(struct as_trainer *t, const char *dir,
				 struct as_error *err)
{
	const struct as_dataset *ds = t->ds;
	struct as_stack *stk = t->stack;
	struct as_model *m = t->model;
	size_t nv = m->n_visible, nh = m->n_hidden;
	char path[4096];
	for (size_t k = 0; k < stk->n_layers; k++)
		as_model_sync_decoder(stk->layer[k]);
	size_t scale = ds->cols >= 24 ? 2 : (ds->cols >= 12 ? 3 : 4);
	snprintf(path, sizeof path, "%s/filters.png", dir);
	enum as_status st = as_export_filters_png(path, m->w, nh, ds->rows,
						  ds->cols, scale, err);
	if (st == AS_OK && t->opts.grid_cols && t->opts.grid_rows) {
		/* --grid CxR: the first C x R filters in that shape */
		snprintf(path, sizeof path, "%s/filters-%zux%zu.png", dir,
			 t->opts.grid_cols, t->opts.grid_rows);
		st = as_export_filter_grid_png(path, m->w, nh, ds->rows,
					       ds->cols, t->opts.grid_cols,
					       t->opts.grid_rows, scale, err);
	}
	if (st == AS_OK && stk->psd) {
		/* PSD's encoder filters, to set beside the atoms */
		snprintf(path, sizeof path, "%s/predictor.png", dir);
		st = as_export_filters_png(path, stk->pred.p, nh, ds->rows,
					   ds->cols, scale, err);
	}
	if (st != AS_OK)
		return st;
	if (t->cfg.model == AS_MODEL_DRLIM) {
		/* no decoder, no reconstructions: the map instead */
		snprintf(path, sizeof path, "%s/map.png", dir);
		st = export_map(t, path, err);
	} else {
		const float *clean;
		size_t n = recon_samples(t, &clean);
		float *rec = malloc(n * nv * sizeof(float));
		if (!rec)
			return as_error_set(err, AS_ERR_NOMEM,
					    "out of memory");
		as_trainer_reconstruct(t, t->view.recon_noisy, n, rec);
		snprintf(path, sizeof path, "%s/recon.png", dir);
		int unit = ds->min >= 0.0f && ds->max <= 1.0f;
		st = as_export_recon_png(path, clean, t->view.recon_noisy, rec,
					 n, ds->rows, ds->cols, unit, scale,
					 err);
		free(rec);
	}
	/* one layer keeps the names it always had; a stack numbers its
	 * layers from the input up */
	int numbered = stk->n_layers > 1;
	struct as_tensor tensors[AS_TENSORS_MAX];
	size_t nt = as_stack_tensors(stk, numbered, tensors);
	for (size_t i = 0; i < nt && st == AS_OK; i++) {
		char name[48];
		snprintf(name, sizeof name, "%.31s.npy", tensors[i].name);
		st = export_npy(dir, name, tensors[i].data, tensors[i].rows,
				tensors[i].cols, err);
	}
	if (st == AS_OK)
		st = write_model_json(t, dir, numbered, err);
	if (st == AS_OK) {
		/* the loss chart, for a slide */
		char title[160], layers[96];
		as_param_format(&t->cfg, as_param_find("layers"), layers,
				sizeof layers);
		snprintf(title, sizeof title, "%.60s, %zu-%.60s: loss per example",
			 t->ds->name, t->ds->d, layers);
		struct as_chart_run run = {"run", t->history};
		struct as_chart c = {title, &run, 1, NAN, NULL, 0};
		struct as_error perr;
		if (t->cfg.loss == AS_LOSS_MSE &&
		    as_trainer_pca(t, &perr) == AS_OK) {
			c.baseline = t->base.pca_error;
			c.baseline_label = "PCA of the same rank";
		}
		snprintf(path, sizeof path, "%s/chart.svg", dir);
		st = as_chart_svg_write(path, &c, err);
		snprintf(path, sizeof path, "%s/chart.png", dir);
		if (st == AS_OK)
			st = as_chart_png_write(path, &c, err);
	}
	/* the lesson's own views, once measured */
	if (st == AS_OK && (t->scores.have & AS_SCORE_SCATTER)) {
		snprintf(path, sizeof path, "%s/scatter.png", dir);
		st = as_figure_scatter(path, &t->scores, "codes, PCA-2", err);
	}
	if (st == AS_OK && (t->scores.have & AS_SCORE_HASH)) {
		snprintf(path, sizeof path, "%s/hashing.png", dir);
		st = as_figure_hashing(path, &t->scores, t->ds, 8, err);
	}
	return st;
}

enum as_status as_trainer_export_history(struct as_trainer *t,
					 const char *dir,
					 struct as_error *err)
{
	const struct as_frames *fr = &t->frames;
	const struct as_dataset *ds = t->ds;
	if (fr->n == 0)
		return as_error_set(err, AS_ERR_STATE,
				    "no filter history (--history-mb 0, or a "
				    "model too large for its budget)");
	size_t d = fr->d, units = fr->n_units;
	size_t gc = t->opts.grid_cols ? t->opts.grid_cols : 10;
	size_t gr = t->opts.grid_rows ? t->opts.grid_rows : 10;
	size_t per_frame = gc * gr < units ? gc * gr : units;
	size_t sheet_cols = t->opts.grid_cols ? t->opts.grid_cols : 16;
	if (sheet_cols > units)
		sheet_cols = units;
	size_t rows = fr->n;
	size_t most = per_frame > rows * sheet_cols ? per_frame
						    : rows * sheet_cols;
	float *w = malloc(most * d * sizeof *w);
	if (!w)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	size_t scale = ds->cols >= 24 ? 2 : (ds->cols >= 12 ? 3 : 4);
	char path[4096 + 48];
	/* the contact sheet: a row per frame, oldest at the top */
	for (size_t i = 0; i < rows; i++)
		for (size_t k = 0; k < sheet_cols; k++)
			as_frames_unit(fr, i, k, w + (i * sheet_cols + k) * d);
	snprintf(path, sizeof path, "%s/history.png", dir);
	enum as_status st = as_export_filter_grid_png(
		path, w, rows * sheet_cols, ds->rows, ds->cols, sheet_cols,
		rows, scale, err);
	/* the frames, numbered, and what each is */
	char fdir[4096 + 16];
	snprintf(fdir, sizeof fdir, "%s/frames", dir);
	if (st == AS_OK)
		st = as_mkdir(fdir, err);
	/* frames.csv last and all or nothing: once it is there, the
	 * frames it names are too */
	for (size_t i = 0; i < rows && st == AS_OK; i++) {
		for (size_t k = 0; k < per_frame; k++)
			as_frames_unit(fr, i, k, w + k * d);
		snprintf(path, sizeof path, "%s/frame-%04zu.png", fdir, i + 1);
		st = as_export_filter_grid_png(path, w, per_frame, ds->rows,
					       ds->cols, gc, gr, scale, err);
	}
	struct as_atomic a;
	snprintf(path, sizeof path, "%s/frames.csv", fdir);
	if (st == AS_OK)
		st = as_atomic_open(&a, path, err);
	if (st == AS_OK) {
		fprintf(a.f, "frame,file,step,epoch,examples,time_s\n");
		for (size_t i = 0; i < rows; i++)
			fprintf(a.f, "%zu,frame-%04zu.png,%llu,%llu,%llu,%.3f\n",
				i + 1, i + 1,
				(unsigned long long)fr->f[i].step,
				(unsigned long long)fr->f[i].epoch,
				(unsigned long long)fr->f[i].examples,
				fr->f[i].time_s);
		st = as_atomic_commit(&a, err);
	}
	free(w);
	return st;
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
	int sig = !t->stack->sc && t->cfg.encoder == AS_ACT_SIGMOID;
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
	const float *clean;
	size_t n = recon_samples(t, &clean);
	s->n_recon = n;
	memcpy(s->clean, clean, n * nv * sizeof(float));
	memcpy(s->corrupted, t->view.recon_noisy, n * nv * sizeof(float));
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
		}
		memcpy(s->parts, t->view.parts, sizeof s->parts);
		memcpy(s->trav, t->view.trav,
		       n * AS_TRAV_UNITS * AS_TRAV_T * nv * sizeof(float));
		memcpy(s->trav_hi, t->view.trav_hi, sizeof s->trav_hi);
		memcpy(s->parts_img, t->view.parts_img, len * sizeof(float));
		memcpy(s->parts_cols, t->view.parts_cols, len * sizeof(float));
		s->n_parts = t->view.n_parts;
	}
	/* a 2-D code's plane, decoded once a second: the range of the
	 * held-out codes, AS_PLANE points each way */
	size_t depth = as_trainer_depth(t);
	int cls = t->stack->n_classes && t->cfg.stage == t->cfg.n_layers;
	if (t->view.plane && t->view.map_codes && t->stack->sizes[depth] == 2 &&
	    (clock_s() - t->view.last_plane_s >= 1.0 || !t->view.has_plane)) {
		/* DrLIM: no decoder; the held-out digits at their places */
		size_t nte = ds->n - ds->n_train;
		size_t nc = nte < AS_MAP_N ? nte : AS_MAP_N;
		const float *x = ds->x + ds->n_train * nv;
		as_stack_encode(t->stack, &t->cfg, depth, x, nc,
				t->view.map_codes);
		trainer_map_fill(t->view.map_codes, x, nc, nv, AS_PLANE,
				 t->view.plane, t->view.plane_lo,
				 t->view.plane_hi, t->view.map_codes + 2 * nc);
		t->view.has_plane = 1;
		t->view.last_plane_s = clock_s();
	} else if (t->view.plane && !t->view.map_codes &&
		   t->stack->sizes[depth] == 2 && !cls &&
		   (clock_s() - t->view.last_plane_s >= 1.0 ||
		    !t->view.has_plane)) {
		size_t nte = ds->n - ds->n_train;
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
		t->view.has_plane = 1;
		t->view.last_plane_s = clock_s();
	} else if (t->view.plane && (t->stack->sizes[depth] != 2 || cls)) {
		t->view.has_plane = 0;
	}
	s->has_plane = t->view.has_plane;
	s->plane_map = t->view.map_codes != NULL;
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
