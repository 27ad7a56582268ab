/* The filters: the rows of W (or, untied, the columns of W') as images
 * at the largest size that shows enough of them, paged; one filter
 * zoomed with its numbers; with several runs, one grid per run side by
 * side, or (alone on the screen) the runs' filters interleaved, filter k
 * of every run next to each other. */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "autoscope/frames.h"
#include "autoscope/stack.h"
#include "view.h"

static float gather[1 << 16];
static float scratch[2 * AS_UNITS_MAX];

/* the layer shown: the one asked for, or the run's top */
static int layer_of(const struct ui_state *u, const struct as_snapshot *s)
{
	int top = (int)s->n_layers - 1;
	return u->layer < top ? u->layer : top;
}

/* the units of the layer shown */
static int n_units(const struct ui_state *u, const struct as_snapshot *s)
{
	return (int)s->sizes[layer_of(u, s) + 1];
}

/* unit k of a deeper layer in pixel space: W_l ... W_1 (stack.h), for
 * the tiles on screen only */
static const float *projected(const struct as_snapshot *s, int layer, int k,
			      float *buf)
{
	const float *w[AS_LAYERS_MAX];
	w[0] = s->w;
	const float *at = s->deep_w;
	for (size_t j = 1; j < s->n_layers; j++) {
		w[j] = at;
		at += s->sizes[j + 1] * s->sizes[j];
	}
	if (s->n_visible > (1 << 16))
		return s->w;
	as_project_units(w, s->sizes, (size_t)layer, (size_t)k, 1, buf,
			 scratch);
	return buf;
}

/* column k of W', gathered into buf */
static const float *decoder_col(const struct as_snapshot *s, int k, float *buf)
{
	size_t nv = s->n_visible < (1 << 16) ? s->n_visible : (1 << 16);
	for (size_t i = 0; i < nv; i++)
		buf[i] = s->w2[i * s->n_hidden + (size_t)k];
	return buf;
}

/* the run whose snapshot s is */
static int run_of(const struct ui_state *u, const struct as_snapshot *s)
{
	for (int i = 0; i < u->n_runs; i++)
		if (u->runs[i].s == s)
			return i;
	return -1;
}

int ui_history_frame(const struct ui_state *u, int run, size_t *index,
		     size_t *count, struct as_frame *meta)
{
	if (!u->scrub || run < 0 || run >= u->n_runs)
		return 0;
	struct as_frames *fr = &u->runs[run].t->frames;
	as_frames_lock(fr);
	int ok = fr->n > 0;
	if (ok) {
		*index = as_frames_at(fr, u->scrub_examples);
		*count = fr->n;
		*meta = fr->f[*index];
		meta->px = NULL;
	}
	as_frames_unlock(fr);
	return ok;
}

void ui_history_step(struct ui_state *u, int dir)
{
	struct as_frames *fr = &u->runs[u->focus].t->frames;
	as_frames_lock(fr);
	size_t n = fr->n;
	if (n == 0) {
		as_frames_unlock(fr);
		ui_say(u, 1, "no filter history (--history-mb 0, or a model "
			     "too large for its budget)");
		return;
	}
	size_t i = u->scrub ? as_frames_at(fr, u->scrub_examples) : n;
	if (dir < 0)
		i = i > 0 ? i - 1 : 0;
	else
		i++;
	if (i >= n) {
		as_frames_unlock(fr);
		u->scrub = 0;
		ui_say(u, 0, "filters live again");
		return;
	}
	u->scrub = 1;
	u->scrub_examples = fr->f[i].examples;
	as_frames_unlock(fr);
}

/* unit k of the frame the history shows for the run of s, or NULL (not
 * scrubbing, no frame, or a view the history does not keep: deeper
 * layers and untied decoders are live) */
static const float *history_of(const struct ui_state *u,
			       const struct as_snapshot *s, int k, float *buf)
{
	if (!u->scrub || layer_of(u, s) > 0 || (u->decoder && !s->tied))
		return NULL;
	int run = run_of(u, s);
	if (run < 0)
		return NULL;
	struct as_frames *fr = &u->runs[run].t->frames;
	const float *out = NULL;
	as_frames_lock(fr);
	if (fr->n > 0 && (size_t)k < fr->n_units && fr->d <= (1 << 16)) {
		as_frames_unit(fr, as_frames_at(fr, u->scrub_examples),
			       (size_t)k, buf);
		out = buf;
	}
	as_frames_unlock(fr);
	return out;
}

/* filter k of s: row k of W, or column k of W' (or, scrubbing, the
 * history's row k) */
static const float *filter_of(const struct ui_state *u,
			      const struct as_snapshot *s, int k, float *buf)
{
	const float *h = history_of(u, s, k, buf);
	if (h)
		return h;
	int layer = layer_of(u, s);
	if (layer > 0)
		return projected(s, layer, k, buf);
	if (!(u->decoder && !s->tied))
		return s->w + (size_t)k * s->n_visible;
	return decoder_col(s, k, buf);
}

/* the ladder to fit on (raster.h): 8 x 8 patches at 8 x 4 cells or
 * twice that (four times alone on the screen), digits at their own size;
 * quadrants if asked */
static int ladder_of(const struct ui_state *u, const struct as_snapshot *s,
		     int full)
{
	int m = (int)(16 / (s->cols ? s->cols : 1));
	if (full)
		m *= 2;
	m = m < 1 ? 1 : m > 4 ? 4 : m;
	return m | (u->quads ? UI_QUADS : 0);
}

/* the aligned grid: groups of n tiles (one per run), 2 columns apart */
static void fit_aligned(const struct ui_state *u, int w, int h,
			const struct as_snapshot *s, int group, int want,
			int min_px, struct ui_tiles *t)
{
	struct ui_size ladder[64];
	int n = ui_size_ladder(s->rows, s->cols, ladder_of(u, s, 1), ladder,
			       64);
	memset(t, 0, sizeof *t);
	if (min_px > (int)s->cols)
		min_px = (int)s->cols; /* 8 x 8 patches: their own size */
	int last = -1;
	for (int i = 0; i < n && ladder[i].px_w >= min_px; i++) {
		int gw = group * (ladder[i].cell_w + 1) - 1;
		int across = (w + 2) / (gw + 2);
		int down = (h + 1) / (ladder[i].cell_h + 1);
		if (across * down < 1)
			continue;
		last = i;
		if (across * down >= want)
			break;
	}
	if (last < 0)
		return;
	const struct ui_size *z = &ladder[last];
	t->sz = *z;
	t->px = z->px_w;
	t->cell_w = z->cell_w;
	t->cell_h = z->cell_h;
	t->cols = (w + 2) / (group * (z->cell_w + 1) - 1 + 2);
	t->rows = (h + 1) / (z->cell_h + 1);
}

void ui_plan_filters(struct ui_state *u, const struct as_snapshot *s,
		     const struct ui_rect *r, int full)
{
	int n = n_units(u, s);
	if (u->filter_sel >= n)
		u->filter_sel = n - 1;
	if (u->filter_sel < 0)
		u->filter_sel = 0;
	struct ui_fgrid *g = &u->fgrid;
	if (!r) { /* another view is on screen: keep the grid, clamp */
		u->filter_page = ui_page_clamp(u->filter_page, n, g->per_page);
		return;
	}
	memset(g, 0, sizeof *g);
	g->n = n;
	g->group = 1;
	int several = u->n_runs > 1;
	g->area = *r;
	if (u->zoom)
		return;
	if (several && !full)
		ui_split_cols(r, u->n_runs, u->focus, &g->area);
	g->aligned = several && full;
	/* the title; the runs' settings (side by side) or their captions
	 * and a symbol over each column (interleaved) */
	g->top = several ? (full ? 3 : 2) : 1;
	int w = g->area.w - 2, h = g->area.h - g->top - 1;
	if (g->aligned) {
		g->group = u->n_runs;
		fit_aligned(u, w, h, s, g->group, n < 30 ? n : 30, 14, &g->t);
	} else {
		/* small patches: more of them (a dozen 8 x 8 patches take
		 * the room of four digits) */
		int want = full ? 40 : several ? (s->cols <= 16 ? 9 : 4) : 8;
		ui_tiles_fit(w, h, s->rows, s->cols, ladder_of(u, s, full),
			     want < n ? want : n,
			     full	     ? 14
			     : s->cols <= 16 ? (int)s->cols
					     : 7,
			     &g->t);
	}
	g->per_page = g->t.cols * g->t.rows;
	g->pages = g->per_page > 0 ? (n + g->per_page - 1) / g->per_page : 0;
	u->filter_page = ui_page_clamp(u->filter_page, n, g->per_page);
	g->page = u->filter_page;
}

static const char *what(const struct ui_state *u, const struct as_snapshot *s)
{
	static const char *const deep[AS_LAYERS_MAX] = {
		"", "layer 2 in pixels: rows of W2 W1",
		"layer 3 in pixels: W3 W2 W1", "layer 4 in pixels: W4..W1",
		"layer 5 in pixels: W5..W1", "layer 6 in pixels: W6..W1",
		"layer 7 in pixels: W7..W1", "layer 8 in pixels: W8..W1"};
	int layer = layer_of(u, s);
	if (layer > 0)
		return deep[layer];
	if (s->n_layers > 1)
		return u->decoder && !s->tied ? "layer 1 decoder: columns of W1'"
					      : "layer 1 filters: rows of W1";
	if (s->psd)
		return u->decoder ? "PSD's encoder: rows of P"
				  : "dictionary: atoms, rows of W";
	return u->decoder && !s->tied ? "decoder: columns of W'"
				      : "filters: rows of W";
}

static void stats(const float *w, size_t n, float *lo, float *hi, double *norm)
{
	*lo = INFINITY;
	*hi = -INFINITY;
	*norm = 0;
	for (size_t i = 0; i < n; i++) {
		*lo = w[i] < *lo ? w[i] : *lo;
		*hi = w[i] > *hi ? w[i] : *hi;
		*norm += (double)w[i] * w[i];
	}
	*norm = sqrt(*norm);
}

/* The selected filter, large: the encoder's row of W and (untied) the
 * decoder's column of W' beside it, each with its own numbers; the
 * numbers to the right when that leaves the pictures as large, else
 * under them. */
static void zoom(const struct ui_state *u, const struct as_snapshot *s,
		 const struct ui_rect *r)
{
	int n = n_units(u, s), k = u->filter_sel, layer = layer_of(u, s);
	if (k < 0 || k >= n)
		return;
	int untied = !s->tied && layer == 0, imgs = untied ? 2 : 1;
	int how = 8 | (u->quads ? UI_QUADS : 0);
	struct ui_size right, below;
	int ok_r = ui_fit_size((r->w - 4 - 26) / imgs - 2, r->h - 5, s->rows,
			       s->cols, how, &right) == 0;
	int ok_b = ui_fit_size((r->w - 4) / imgs - 2, r->h - 5 - 8, s->rows,
			       s->cols, how, &below) == 0;
	if (!ok_r && !ok_b)
		return;
	int side = ok_r && (!ok_b || right.px_w >= below.px_w);
	const struct ui_size *z = side ? &right : &below;
	static float hist[1 << 16];
	const float *past = history_of(u, s, k, hist);
	if (past)
		untied = 0, imgs = 1; /* the history keeps the encoder */
	const float *img[2] = {past	 ? past
			       : layer ? projected(s, layer, k, gather)
				       : s->w + (size_t)k * s->n_visible,
			       untied ? decoder_col(s, k, gather) : NULL};
	const char *name[2] = {"encoder: row of W", "decoder: column of W'"};
	if (s->psd)
		name[0] = "atom: row of W", name[1] = "encoder: row of P";
	int x = r->x + 2, y = r->y + 2;
	int tx = side ? x + imgs * (z->cell_w + 2) : x;
	int ty = side ? y : y + 1 + z->cell_h + 1;
	for (int i = 0; i < imgs; i++) {
		int ix = x + i * (z->cell_w + 2);
		ui_on(UI_P_DIM, u);
		mvprintw(y, ix, "%.*s", z->cell_w,
			 i ? (s->psd ? "P row" : "W' column")
			   : layer ? "projected"
				   : "W row");
		ui_off(UI_P_DIM, u);
		ui_image(u, y + 1, ix, img[i], s->rows, s->cols, z, 1);
	}
	int tw = r->x + r->w - 1 - tx;
	if (tw < 20)
		return;
	mvprintw(ty++, tx, "filter %d of %d, %dx%d px shown", k + 1, n, z->px_w,
		 z->px_h);
	if (past) { /* a frame keeps the picture, not the weights */
		attron(A_BOLD);
		mvprintw(ty++, tx, "from the filter history");
		attroff(A_BOLD);
		mvprintw(ty++, tx, "  each unit at 8 bits over its own");
		mvprintw(ty++, tx, "  range: no weights to show (B: live)");
		imgs = 0;
	}
	for (int i = 0; i < imgs; i++) {
		float lo, hi;
		double norm;
		stats(img[i], s->n_visible, &lo, &hi, &norm);
		attron(A_BOLD);
		mvprintw(ty++, tx, "%s", name[i]);
		attroff(A_BOLD);
		mvprintw(ty++, tx, "  min %+.4f  max %+.4f", lo, hi);
		mvprintw(ty++, tx, "  norm %.4f", norm);
	}
	if (layer == 0)
		mvprintw(ty++, tx, "mean activation %.3f", s->mean_h[k]);
	else
		mvprintw(ty++, tx, "unit %d of layer %d (linear projection)",
			 k + 1, layer + 1);
	if (untied && s->psd)
		mvprintw(ty++, tx, "||P - W|| / ||W|| %.3f", s->decoder_gap);
	else if (untied)
		mvprintw(ty++, tx, "||W'-W^T|| / ||W|| %.3f, mean cos %.3f",
			 s->decoder_gap, s->decoder_cos);
	else if (layer == 0)
		mvprintw(ty++, tx, "tied: the decoder is W^T");
	ui_on(UI_P_DIM, u);
	mvprintw(ty++, tx, "< > other filter, z back");
	ui_off(UI_P_DIM, u);
}

/* the tiles of one run's grid (or, aligned, member i of each group) */
static void tiles(const struct ui_state *u, const struct as_snapshot *s,
		  const struct ui_fgrid *g, int x0, int member, int focused)
{
	const struct ui_tiles *t = &g->t;
	int first = g->page * g->per_page;
	int n = n_units(u, s);
	int gw = g->group * (t->cell_w + 1) - 1 + (g->group > 1 ? 2 : 1);
	for (int i = 0; i < g->per_page && first + i < n; i++) {
		int k = first + i;
		int ty = g->area.y + g->top + (i / t->cols) * (t->cell_h + 1);
		int tx = x0 + 1 + (i % t->cols) * gw + member * (t->cell_w + 1);
		ui_image(u, ty, tx, filter_of(u, s, k, gather), s->rows,
			 s->cols, &t->sz, 1);
		if (focused && k == u->filter_sel) {
			ui_on(UI_P_MARK, u);
			mvaddch(ty + t->cell_h, tx, '^');
			ui_off(UI_P_MARK, u);
		}
	}
}

static void settings_line(const struct ui_state *u, const struct as_snapshot *s,
			  int y, int x, int w, const char *extra)
{
	struct ui_fields f;
	ui_fields_init(&f, w);
	if (s->config.model == AS_MODEL_DRLIM) {
		ui_fields_add(&f, "DrLIM m %g %s pairs",
			      s->config.drlim_margin,
			      s->config.drlim_pairs == AS_DRLIM_PAIRS_SHIFT
				      ? "shift"
				      : "euclid");
	} else if (s->config.model == AS_MODEL_SESM) {
		/* code inference: its non-linearity, and how alike the two
		 * sets of filters are (Ranzato et al. 2006: nearly
		 * identical up to a scale factor) */
		ui_fields_add(&f, "%s b%g",
			      s->config.sesm_code == AS_SESM_SPARSIFYING
				      ? "sparsifying"
				      : "logistic",
			      s->config.sesm_beta);
		if (s->config.sesm_code == AS_SESM_SPARSIFYING)
			ui_fields_add(&f, " eta %g", s->config.sesm_eta);
		if (s->config.sesm_sparsity > 0)
			ui_fields_add(&f, " s %g", s->config.sesm_sparsity);
		if (!s->tied)
			ui_fields_add(&f, " cos %.2f", s->decoder_cos);
	} else if (s->config.model != AS_MODEL_AE) {
		/* sparse coding and PSD: their own settings, not noise */
		ui_fields_add(&f, "%s L1 %g %zu atoms", s->psd ? "PSD" : "sc",
			      s->config.sc_lambda, s->n_hidden);
		if (!s->config.renorm)
			ui_fields_add(&f, " free norms");
	} else {
		ui_fields_add(&f, "%s %g",
			      as_param_find("corruption")
				      ->choices[s->config.corruption],
			      s->config.corruption_level);
		if (s->config.sparsity_weight > 0)
			ui_fields_add(&f, " sparse %g",
				      s->config.sparsity_weight);
		if (s->config.contractive_weight > 0)
			ui_fields_add(&f, " contr %g",
				      s->config.contractive_weight);
		if (s->n_layers > 1) {
			char layers[64];
			as_param_format(&s->config, as_param_find("layers"),
					layers, sizeof layers);
			ui_fields_add(&f, " %s", layers);
		} else {
			ui_fields_add(&f, " %zuh", s->n_hidden);
		}
		if (!s->tied)
			ui_fields_add(&f, " untied");
	}
	if (extra)
		ui_fields_add(&f, "%s", extra);
	ui_on(UI_P_DIM, u);
	mvprintw(y, x, "%s", f.text);
	ui_off(UI_P_DIM, u);
}

/* "filters: rows of W, 1-18 of 500 (page 1/28, [ ]), 14x14 px", whole
 * fields only */
static void grid_title(const struct ui_state *u, const struct as_snapshot *s,
		       const struct ui_fgrid *g, const struct ui_rect *r,
		       const char *whose, struct ui_fields *f)
{
	int n = n_units(u, s), first = g->page * g->per_page;
	int last = first + g->per_page < n ? first + g->per_page : n;
	ui_fields_init(f, r->w - 6);
	size_t hi, hn;
	struct as_frame m;
	int run = run_of(u, s) < 0 ? u->focus : run_of(u, s);
	/* scrubbing: when the pictures are from, before the rest */
	if (layer_of(u, s) == 0 && !(u->decoder && !s->tied) &&
	    ui_history_frame(u, run, &hi, &hn, &m))
		ui_fields_add(f, "history %zu/%zu, step %llu: ", hi + 1, hn,
			      (unsigned long long)m.step);
	else if (u->scrub)
		ui_fields_add(f, "live (the history keeps layer 1's "
				 "encoder): ");
	ui_fields_add(f, "%s%s", what(u, s), whose);
	if (!s->tied && !s->psd && layer_of(u, s) == 0 && u->n_runs == 1)
		/* how alike the untied decoder is (side by side, the
		 * settings line says it) */
		ui_fields_add(f, " (cos %.2f to the %s)", s->decoder_cos,
			      u->decoder ? "encoder" : "decoder");
	ui_fields_add(f, ", %d-%d of %d", first + 1, last, n);
	ui_fields_add(f, " (page %d/%d, [ ])", g->page + 1, g->pages);
	ui_fields_add(f, ", %dx%d px", g->t.sz.px_w, g->t.sz.px_h);
}

void ui_paint_filters(const struct ui_state *u, const struct as_snapshot *s,
		      const struct ui_rect *r, int full)
{
	const struct ui_fgrid *g = &u->fgrid;
	int n = n_units(u, s), several = u->n_runs > 1;
	char title[160];
	if (u->zoom) {
		char cap[48] = "";
		if (several)
			ui_run_caption(u, u->focus, cap, sizeof cap);
		snprintf(title, sizeof title, "%s%szoom (z: back)", cap,
			 several ? ": " : "");
		ui_box(r, title, u);
		zoom(u, s, r);
		return;
	}
	int first = g->page * g->per_page;
	int last = first + g->per_page < n ? first + g->per_page : n;
	if (g->per_page <= 0) {
		ui_box(r, what(u, s), u);
		return;
	}
	if (!several) {
		struct ui_fields f;
		grid_title(u, s, g, r, "", &f);
		if (u->decoder && s->tied)
			ui_fields_add(&f, ", tied: W' = W^T");

		ui_box(r, f.text, u);
		tiles(u, s, g, r->x, 0, 1);
		return;
	}
	if (g->aligned) {
		/* filter k of every run side by side, as in Vincent et al.
		 * 2008 fig. 3 */
		struct ui_fields f;
		grid_title(u, s, g, r, " of every run", &f);
		ui_box(r, f.text, u);
		int x = r->x + 2;
		for (int i = 0; i < u->n_runs; i++) {
			char cap[48];
			ui_run_caption(u, i, cap, sizeof cap);
			ui_on(UI_P_RUN0 + i, u);
			if (i == u->focus)
				attron(A_BOLD);
			if (x + (int)strlen(cap) < r->x + r->w - 1)
				mvprintw(r->y + 1, x, "%s", cap);
			attroff(A_BOLD);
			ui_off(UI_P_RUN0 + i, u);
			x += (int)strlen(cap) + 3;
		}
		/* over every column of tiles, its run's symbol */
		int cw = g->t.cell_w + 1;
		int gw = g->group * cw - 1 + 2;
		for (int gx = 0; gx < g->t.cols; gx++)
			for (int i = 0; i < u->n_runs; i++) {
				int cx = r->x + 1 + gx * gw + i * cw;
				ui_on(UI_P_RUN0 + i, u);
				attron(A_BOLD);
				mvprintw(r->y + 2, cx, "%c%d", ui_run_symbol(i),
					 i + 1);
				attroff(A_BOLD);
				ui_off(UI_P_RUN0 + i, u);
			}
		for (int i = 0; i < u->n_runs; i++)
			if (u->runs[i].s &&
			    n_units(u, u->runs[i].s) == n)
				tiles(u, u->runs[i].s, g, r->x, i,
				      i == u->focus);
		return;
	}
	/* one column per run, each its own grid at the focused run's size */
	for (int i = 0; i < u->n_runs; i++) {
		struct ui_rect c;
		ui_split_cols(r, u->n_runs, i, &c);
		const struct as_snapshot *rs = u->runs[i].s;
		char cap[48];
		ui_run_caption(u, i, cap, sizeof cap);
		snprintf(title, sizeof title, "%s%s", i == u->focus ? ">" : "",
			 cap);
		ui_box(&c, i == u->focus ? NULL : title, u);
		if (i == u->focus) { /* the focused run's title reversed */
			struct ui_fields tf;
			ui_fields_init(&tf, c.w - 6);
			ui_fields_add(&tf, ">%c%d", ui_run_symbol(i), i + 1);
			/* the label word by word: never half a number */
			char words[48];
			snprintf(words, sizeof words, "%s", u->runs[i].label);
			for (char *w = strtok(words, " "); w;
			     w = strtok(NULL, " "))
				if (!ui_fields_add(&tf, " %s", w))
					break;
			attron(A_REVERSE | A_BOLD);
			mvprintw(c.y, c.x + 2, " %s ", tf.text);
			attroff(A_REVERSE | A_BOLD);
		}
		if (!rs)
			continue;
		char pg[64];
		int rn = n_units(u, rs);
		size_t hi, hn;
		struct as_frame m;
		/* scrubbing: the step each run's pictures are from, first
		 * (the runs are in step) */
		int past = layer_of(u, rs) == 0 &&
			   !(u->decoder && !rs->tied) &&
			   ui_history_frame(u, i, &hi, &hn, &m);
		if (past)
			snprintf(pg, sizeof pg, " @%llu %d-%d",
				 (unsigned long long)m.step, first + 1,
				 last < rn ? last : rn);
		else
			snprintf(pg, sizeof pg, " %d-%d", first + 1,
				 last < rn ? last : rn);
		settings_line(u, rs, c.y + 1, c.x + 1, c.w - 2, pg);
		struct ui_fgrid cg = *g;
		cg.area = c;
		if (rn != n) {
			/* another size of run: its own fit */
			ui_tiles_fit(c.w - 2, c.h - cg.top - 1, rs->rows,
				     rs->cols, ladder_of(u, rs, 0), 4, 7,
				     &cg.t);
			cg.per_page = cg.t.cols * cg.t.rows;
			cg.page = ui_page_clamp(g->page, rn, cg.per_page);
		}
		tiles(u, rs, &cg, c.x, 0, i == u->focus);
	}
	(void)full;
}

/* ---- keys ---- */

static void page_prev(struct ui_state *u, const struct as_snapshot *s)
{
	u->filter_page = ui_page_clamp(u->filter_page - 1,
				       s ? n_units(u, s) : 0, u->fgrid.per_page);
}

static void page_next(struct ui_state *u, const struct as_snapshot *s)
{
	u->filter_page = ui_page_clamp(u->filter_page + 1,
				       s ? n_units(u, s) : 0, u->fgrid.per_page);
}

/* < >: a selection off the page shown starts on it (the first or the
 * last of the page) rather than pulling the page back to it; then it
 * moves, and the page turns with it */
static int on_page(const struct ui_state *u, int k)
{
	int pp = u->fgrid.per_page;
	return pp <= 0 || k / pp == u->filter_page;
}

static void follow(struct ui_state *u)
{
	if (u->fgrid.per_page > 0)
		u->filter_page = u->filter_sel / u->fgrid.per_page;
}

static void sel_prev(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	int pp = u->fgrid.per_page;
	if (!on_page(u, u->filter_sel))
		u->filter_sel = (u->filter_page + 1) * pp - 1;
	else if (u->filter_sel > 0)
		u->filter_sel--;
	if (s && u->filter_sel >= n_units(u, s))
		u->filter_sel = n_units(u, s) - 1;
	follow(u);
}

static void sel_next(struct ui_state *u, const struct as_snapshot *s)
{
	if (!on_page(u, u->filter_sel))
		u->filter_sel = u->filter_page * u->fgrid.per_page;
	else if (s && u->filter_sel + 1 < n_units(u, s))
		u->filter_sel++;
	follow(u);
}

static void toggle_quads(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	u->quads = !u->quads;
	ui_say(u, 0, "%s",
	       u->quads ? "quadrants: twice the detail across, "
			  "each pixel twice as tall"
			: "half blocks: square pixels");
}

static void toggle_zoom(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	u->zoom = !u->zoom;
}

static void toggle_decoder(struct ui_state *u, const struct as_snapshot *s)
{
	u->decoder = !u->decoder;
	if (s && s->config.model == AS_MODEL_SC)
		ui_say(u, 0,
		       "sparse coding: the filters are its atoms (no encoder)");
	else if (s && s->tied)
		ui_say(u, 0,
		       "tied: the decoder is W^T, the filters you see "
		       "(t unties)");
	else if (s && s->psd)
		ui_say(u, 0, "filters: %s",
		       u->decoder ? "PSD's encoder, rows of P"
				  : "the dictionary's atoms, rows of W");
	else
		ui_say(u, 0, "filters: %s",
		       u->decoder ? "decoder W' columns" : "encoder W rows");
}

static void layer_step(struct ui_state *u, const struct as_snapshot *s, int d)
{
	int top = s ? (int)s->n_layers - 1 : 0;
	if (top == 0) {
		ui_say(u, 0, "one layer: --layers 500-250-30 makes a stack");
		return;
	}
	int l = layer_of(u, s) + d;
	u->layer = l < 0 ? top : l > top ? 0 : l;
	u->filter_page = 0;
	u->filter_sel = 0;
	ui_say(u, 0, "filters of layer %d of %d%s", u->layer + 1, top + 1,
	       u->layer ? ": each unit's weights through the layers below"
			: "");
}

static void layer_next(struct ui_state *u, const struct as_snapshot *s)
{
	layer_step(u, s, 1);
}

static void layer_prev(struct ui_state *u, const struct as_snapshot *s)
{
	layer_step(u, s, -1);
}

const struct ui_key ui_filters_keys[] = {
	{'y', 0, "y / Y", "the next / previous layer's filters (deep runs)",
	 layer_next},
	{'Y', 0, NULL, NULL, layer_prev},
	{'[', KEY_PPAGE, "[ ]  PgUp PgDn", "previous / next page of filters",
	 page_prev},
	{']', KEY_NPAGE, NULL, NULL, page_next},
	{'<', ',', "< >", "select a filter (or click one)", sel_prev},
	{'>', '.', NULL, NULL, sel_next},
	{'z', 0, "z", "zoom the selected filter, with its numbers",
	 toggle_zoom},
	{'d', 0, "d", "encoder / decoder filters (untied, PSD)",
	 toggle_decoder},
	{'Q', 0, "Q", "pictures in quadrants: detail across, pixels tall",
	 toggle_quads},
	{0, 0, NULL, NULL, NULL},
};
