/* trainer, the exported files: weights as .npy with model.json, the
 * filter grids, reconstructions or DrLIM's map, charts and the lesson's
 * figures (as_trainer_export), and the filter history
 * (as_trainer_export_history). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/chart.h"
#include "autoscope/fileio.h"
#include "autoscope/figure.h"
#include "autoscope/trainer.h"

#include "trainer_internal.h"

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
	static const char *const kind[] = {"ae", "sc", "psd", "drlim", "sesm"};
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
	if (s->sesm)
		/* the encoder predicts z; the code is a non-linearity of it */
		fprintf(f,
			"  \"code\": {\"code\": \"a = sigmoid(beta * z - theta), "
			"z = x @ encoder_W.T + encoder_b (the prediction: "
			"training refines it by descent on the energy 1/2 ||x - "
			"(a @ decoder_W.T + decoder_c)||^2 + alpha/2 ||z - "
			"prediction||^2 + s sum log(1 + a^2))\", \"beta\": %.9g, "
			"\"theta\": \"%s\", \"eta\": %.9g, \"alpha\": %.9g, "
			"\"sparsity\": %.9g, \"steps\": %d, \"step\": %.9g},\n",
			t->cfg.sesm_beta,
			t->cfg.sesm_code == AS_SESM_SPARSIFYING
				? "log((1 - eta) / eta) + sesm_log_zeta.npy "
				  "(the sparsifying logistic's history)"
				: "0 (the logistic)",
			t->cfg.sesm_eta, t->cfg.sesm_alpha,
			t->cfg.sesm_sparsity, t->cfg.sesm_iters,
			t->cfg.sesm_step);
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
		int sig = !s->sesm &&
			  (k + 1 < L || t->cfg.encoder == AS_ACT_SIGMOID);
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
	if (st == AS_OK && stk->sesm && !m->tied) {
		/* the untied decoder's columns, to set beside the encoder's
		 * rows (do they come out alike?) */
		float *cols = malloc(nh * nv * sizeof *cols);
		if (!cols)
			return as_error_set(err, AS_ERR_NOMEM, "out of memory");
		for (size_t j = 0; j < nh; j++)
			for (size_t i = 0; i < nv; i++)
				cols[j * nv + i] = m->w2[i * nh + j];
		snprintf(path, sizeof path, "%s/decoder.png", dir);
		st = as_export_filters_png(path, cols, nh, ds->rows, ds->cols,
					   scale, err);
		free(cols);
	}
	if (st != AS_OK)
		return st;
	if (t->cfg.model == AS_MODEL_DRLIM) {
		/* no decoder, no reconstructions: the map instead */
		snprintf(path, sizeof path, "%s/map.png", dir);
		st = export_map(t, path, err);
	} else {
		const float *clean;
		size_t n = trainer_recon_samples(t, &clean);
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

