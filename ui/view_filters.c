/* The filters: the rows of W (or, untied, the columns of W') as images
 * at the largest size that shows enough of them, paged; one filter
 * zoomed with its numbers; with several runs, one grid per run side by
 * side, or (alone on the screen) the runs' filters interleaved, filter k
 * of every run next to each other. */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "view.h"

static float gather[1 << 16];

/* column k of W', gathered into buf */
static const float *decoder_col(const struct as_snapshot *s, int k, float *buf)
{
	size_t nv = s->n_visible < (1 << 16) ? s->n_visible : (1 << 16);
	for (size_t i = 0; i < nv; i++)
		buf[i] = s->w2[i * s->n_hidden + (size_t)k];
	return buf;
}

/* filter k of s: row k of W, or column k of W' */
static const float *filter_of(const struct ui_state *u,
			      const struct as_snapshot *s, int k, float *buf)
{
	if (!(u->decoder && !s->tied))
		return s->w + (size_t)k * s->n_visible;
	return decoder_col(s, k, buf);
}

static int max_mag(const struct as_snapshot *s, int full)
{
	/* 8 x 8 patches at 8 x 4 cells or twice that; digits at their own
	 * size */
	int m = (int)(16 / (s->cols ? s->cols : 1));
	if (full)
		m *= 2;
	return m < 1 ? 1 : m > 4 ? 4 : m;
}

/* the aligned grid: groups of n tiles (one per run), 2 columns apart */
static void fit_aligned(int w, int h, const struct as_snapshot *s, int group,
			int want, int min_px, struct ui_tiles *t)
{
	struct ui_size ladder[64];
	int n = ui_size_ladder(s->rows, s->cols, max_mag(s, 1), ladder, 64);
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
	int n = (int)s->n_hidden;
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
	g->top = several ? 2 : 1; /* the title, and the runs' settings */
	int w = g->area.w - 2, h = g->area.h - g->top - 1;
	if (g->aligned) {
		g->group = u->n_runs;
		fit_aligned(w, h, s, g->group, n < 30 ? n : 30, 14, &g->t);
	} else {
		/* small patches: more of them (a dozen 8 x 8 patches take
		 * the room of four digits) */
		int want = full ? 40 : several ? (s->cols <= 16 ? 12 : 4) : 10;
		ui_tiles_fit(w, h, s->rows, s->cols, max_mag(s, full),
			     want < n ? want : n, full ? 14 : 7, &g->t);
	}
	g->per_page = g->t.cols * g->t.rows;
	g->pages = g->per_page > 0 ? (n + g->per_page - 1) / g->per_page : 0;
	u->filter_page = ui_page_clamp(u->filter_page, n, g->per_page);
	g->page = u->filter_page;
}

static const char *what(const struct ui_state *u, const struct as_snapshot *s)
{
	return u->decoder && !s->tied ? "decoder: columns of W'"
				      : "filters: rows of W";
}

static void zoom(const struct ui_state *u, const struct as_snapshot *s,
		 const struct ui_rect *r)
{
	int n = (int)s->n_hidden, k = u->filter_sel;
	if (k < 0 || k >= n)
		return;
	const float *w = s->w + (size_t)k * s->n_visible;
	float lo = INFINITY, hi = -INFINITY;
	double norm = 0;
	for (size_t i = 0; i < s->n_visible; i++) {
		lo = w[i] < lo ? w[i] : lo;
		hi = w[i] > hi ? w[i] : hi;
		norm += (double)w[i] * w[i];
	}
	int untied = !s->tied;
	/* the encoder's filter, and (untied) the decoder's beside it */
	int room = r->w - 26 - (untied ? 2 : 0);
	struct ui_size z;
	if (ui_fit_size(untied ? room / 2 : room, r->h - 4, s->rows, s->cols, 8,
			&z) != 0)
		return;
	int x = r->x + 2, y = r->y + 2;
	ui_on(UI_P_DIM, u);
	mvprintw(y, x, "%.*s", z.cell_w, "W row");
	ui_off(UI_P_DIM, u);
	ui_image(u, y + 1, x, w, s->rows, s->cols, &z, 1);
	int tx = x + z.cell_w + 2;
	if (untied) {
		const float *d = decoder_col(s, k, gather);
		ui_on(UI_P_DIM, u);
		mvprintw(y, tx, "%.*s", z.cell_w, "W' column");
		ui_off(UI_P_DIM, u);
		ui_image(u, y + 1, tx, d, s->rows, s->cols, &z, 1);
		tx += z.cell_w + 2;
	}
	int tw = r->x + r->w - 1 - tx;
	if (tw < 20)
		return;
	int ty = y;
	mvprintw(ty++, tx, "filter %d of %d", k + 1, n);
	mvprintw(ty++, tx, "min    %+.4f", lo);
	mvprintw(ty++, tx, "max    %+.4f", hi);
	mvprintw(ty++, tx, "norm   %.4f", sqrt(norm));
	mvprintw(ty++, tx, "mean h %.3f", s->mean_h[k]);
	if (untied)
		mvprintw(ty++, tx, "||W'-W^T||/||W|| %.3f", s->decoder_gap);
	else
		mvprintw(ty++, tx, "tied: W' = W^T");
	mvprintw(ty++, tx, "%dx%d px shown", z.px_w, z.px_h);
	ty++;
	ui_on(UI_P_DIM, u);
	mvprintw(ty++, tx, "< > other filter");
	mvprintw(ty++, tx, "z   back to the grid");
	ui_off(UI_P_DIM, u);
}

/* the tiles of one run's grid (or, aligned, member i of each group) */
static void tiles(const struct ui_state *u, const struct as_snapshot *s,
		  const struct ui_fgrid *g, int x0, int member, int focused)
{
	const struct ui_tiles *t = &g->t;
	int first = g->page * g->per_page;
	int n = (int)s->n_hidden;
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
	ui_fields_add(
		&f, "%s %g",
		as_param_find("corruption")->choices[s->config.corruption],
		s->config.corruption_level);
	if (s->config.sparsity_weight > 0)
		ui_fields_add(&f, " sparse %g", s->config.sparsity_weight);
	if (s->config.contractive_weight > 0)
		ui_fields_add(&f, " contr %g", s->config.contractive_weight);
	ui_fields_add(&f, " %zuh", s->n_hidden);
	if (!s->tied)
		ui_fields_add(&f, " untied");
	if (extra)
		ui_fields_add(&f, "%s", extra);
	ui_on(UI_P_DIM, u);
	mvprintw(y, x, "%s", f.text);
	ui_off(UI_P_DIM, u);
}

void ui_paint_filters(const struct ui_state *u, const struct as_snapshot *s,
		      const struct ui_rect *r, int full)
{
	const struct ui_fgrid *g = &u->fgrid;
	int n = (int)s->n_hidden, several = u->n_runs > 1;
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
		ui_fields_init(&f, r->w - 6);
		ui_fields_add(&f, "%s", what(u, s));
		ui_fields_add(&f, ", %d-%d of %d", first + 1, last, n);
		ui_fields_add(&f, " (page %d/%d, [ ])", g->page + 1, g->pages);
		ui_fields_add(&f, ", %dx%d px", g->t.sz.px_w, g->t.sz.px_h);
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
		ui_fields_init(&f, r->w - 6);
		ui_fields_add(&f, "%s of every run", what(u, s));
		ui_fields_add(&f, ", %d-%d of %d", first + 1, last, n);
		ui_fields_add(&f, " (page %d/%d, [ ])", g->page + 1, g->pages);
		ui_fields_add(&f, ", %dx%d px", g->t.sz.px_w, g->t.sz.px_h);
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
		for (int i = 0; i < u->n_runs; i++)
			if (u->runs[i].s &&
			    u->runs[i].s->n_hidden == s->n_hidden)
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
		char pg[32];
		snprintf(pg, sizeof pg, " %d-%d", first + 1,
			 last < (int)rs->n_hidden ? last : (int)rs->n_hidden);
		settings_line(u, rs, c.y + 1, c.x + 1, c.w - 2, pg);
		struct ui_fgrid cg = *g;
		cg.area = c;
		if ((int)rs->n_hidden != n) {
			/* another size of run: its own fit */
			ui_tiles_fit(c.w - 2, c.h - cg.top - 1, rs->rows,
				     rs->cols, max_mag(rs, 0), 4, 7, &cg.t);
			cg.per_page = cg.t.cols * cg.t.rows;
			cg.page = ui_page_clamp(g->page, (int)rs->n_hidden,
						cg.per_page);
		}
		tiles(u, rs, &cg, c.x, 0, i == u->focus);
	}
	(void)full;
}

/* ---- keys ---- */

static void page_prev(struct ui_state *u, const struct as_snapshot *s)
{
	u->filter_page =
		ui_page_clamp(u->filter_page - 1, s ? (int)s->n_hidden : 0,
			      u->fgrid.per_page);
}

static void page_next(struct ui_state *u, const struct as_snapshot *s)
{
	u->filter_page =
		ui_page_clamp(u->filter_page + 1, s ? (int)s->n_hidden : 0,
			      u->fgrid.per_page);
}

/* the selection follows into view: the page turns with it */
static void follow(struct ui_state *u)
{
	if (u->fgrid.per_page > 0)
		u->filter_page = u->filter_sel / u->fgrid.per_page;
}

static void sel_prev(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	if (u->filter_sel > 0)
		u->filter_sel--;
	follow(u);
}

static void sel_next(struct ui_state *u, const struct as_snapshot *s)
{
	if (s && u->filter_sel + 1 < (int)s->n_hidden)
		u->filter_sel++;
	follow(u);
}

static void toggle_zoom(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	u->zoom = !u->zoom;
}

static void toggle_decoder(struct ui_state *u, const struct as_snapshot *s)
{
	u->decoder = !u->decoder;
	if (s && s->tied)
		ui_say(u, 0,
		       "tied: the decoder is W^T, the filters you see "
		       "(t unties)");
	else
		ui_say(u, 0, "filters: %s",
		       u->decoder ? "decoder W' columns" : "encoder W rows");
}

const struct ui_key ui_filters_keys[] = {
	{'[', KEY_PPAGE, "[ ]  PgUp PgDn", "previous / next page of filters",
	 page_prev},
	{']', KEY_NPAGE, NULL, NULL, page_next},
	{'<', ',', "< >", "select a filter (or click one)", sel_prev},
	{'>', '.', NULL, NULL, sel_next},
	{'z', 0, "z", "zoom the selected filter, with its numbers",
	 toggle_zoom},
	{'d', 0, "d", "encoder filters / decoder filters (untied)",
	 toggle_decoder},
};
const size_t ui_filters_n_keys =
	sizeof ui_filters_keys / sizeof ui_filters_keys[0];
