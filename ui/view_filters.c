/* The filter grid (rows of W as images, paged) and one filter zoomed; with
 * several runs, one grid per run side by side, captioned. */
#include <curses.h>
#include <stdio.h>
#include <string.h>
#include <math.h>

#include "view.h"

static void zoom(struct ui_state *u, const struct as_snapshot *s,
		 const struct ui_rect *r)
{
	int n = (int)s->n_hidden;
	if (u->filter_sel >= n)
		u->filter_sel = n - 1;
	int k = u->filter_sel;
	const float *w = s->w + (size_t)k * s->n_visible;
	float lo = INFINITY, hi = -INFINITY;
	double norm = 0;
	for (size_t i = 0; i < s->n_visible; i++) {
		lo = w[i] < lo ? w[i] : lo;
		hi = w[i] > hi ? w[i] : hi;
		norm += (double)w[i] * w[i];
	}
	struct ui_tiles z;
	ui_tiles_fit(r->w - 24, r->h - 3, s->rows, s->cols, u->half, 1, 4, &z);
	if (z.px > 0)
		ui_image(u, r->y + 2, r->x + 2, w, s->rows, s->cols, z.px, 1);
	int tx = r->x + 4 + z.px, tw = r->x + r->w - 1 - tx;
	if (tw < 8)
		return;
	mvprintw(r->y + 2, tx, "%.*s", tw, "filter");
	mvprintw(r->y + 3, tx, "%d of %d", k + 1, n);
	mvprintw(r->y + 4, tx, "min   %+.4f", lo);
	mvprintw(r->y + 5, tx, "max   %+.4f", hi);
	mvprintw(r->y + 6, tx, "norm  %.4f", sqrt(norm));
	mvprintw(r->y + 7, tx, "mean h %.3f", s->mean_h[k]);
	mvprintw(r->y + 9, tx, "%.*s", tw, "< > other filter");
	mvprintw(r->y + 10, tx, "%.*s", tw, "z   back to grid");
}

/* One run's grid in r; the focused run's is the one zoom, the mouse and
 * < > act on. */
static void grid(struct ui_state *u, const struct as_snapshot *s,
		 const struct ui_rect *r, int run, int several)
{
	int n = (int)s->n_hidden, focused = run == u->focus;
	struct ui_tiles tl;
	ui_tiles_fit(r->w - 2, r->h - 3, s->rows, s->cols, u->half,
		     several ? 4 : 16, several ? 5 : 7, &tl);
	if (focused) {
		u->ftiles = tl;
		u->frect = *r;
	}
	int per_page = tl.cols * tl.rows;
	char title[128], cap[48];
	if (several)
		ui_run_caption(u, run, cap, sizeof cap);
	if (per_page <= 0) {
		ui_box(r, several ? cap : "filters", u);
		return;
	}
	int pages = (n + per_page - 1) / per_page;
	int page = ui_page_clamp(u->filter_page, n, per_page);
	if (focused)
		u->filter_page = page; /* a resize may have made fewer */
	if (focused && u->filter_sel >= n)
		u->filter_sel = n - 1;
	int first = page * per_page;
	int last = first + per_page < n ? first + per_page : n;
	if (several)
		snprintf(title, sizeof title, "%s%s", focused ? ">" : "", cap);
	else
		snprintf(title, sizeof title,
			 "filters: rows of W, %d-%d of %d (page %d/%d, [ ])",
			 first + 1, last, n, page + 1, pages);
	if (focused && several)
		attron(A_REVERSE);
	ui_box(r, title, u);
	if (focused && several)
		attroff(A_REVERSE);
	if (several) {
		/* the run's settings that tell it apart, under the title */
		/* the settings that tell runs apart, then the page if it
		 * fits whole (a cut "1-6/50" would misread 500) */
		char line[128], page[32];
		snprintf(line, sizeof line, "%s %.2g%s%s %dh",
			 as_param_find("corruption")
				 ->choices[s->config.corruption],
			 s->config.corruption_level,
			 s->config.sparsity_weight > 0 ? " sparse" : "",
			 s->config.contractive_weight > 0 ? " contr" : "", n);
		snprintf(page, sizeof page, " %d-%d", first + 1, last);
		if ((int)(strlen(line) + strlen(page)) <= r->w - 2)
			strcat(line, page);
		ui_on(UI_P_DIM, u);
		mvprintw(r->y + 1, r->x + 1, "%.*s", r->w - 2, line);
		ui_off(UI_P_DIM, u);
	}
	if (focused && u->zoom) {
		zoom(u, s, r);
		return;
	}
	for (int i = 0; first + i < last; i++) {
		int k = first + i;
		int ty = r->y + 2 + (i / tl.cols) * (tl.cell_h + 1);
		int tx = r->x + 1 + (i % tl.cols) * (tl.cell_w + 1);
		ui_image(u, ty, tx, s->w + (size_t)k * s->n_visible, s->rows,
			 s->cols, tl.px, 1);
		if (focused && k == u->filter_sel) {
			ui_on(UI_P_MARK, u);
			mvaddch(ty + tl.cell_h, tx, '^');
			ui_off(UI_P_MARK, u);
		}
	}
}

void ui_view_filters(struct ui_state *u, const struct as_snapshot *s)
{
	if (u->n_runs > 1 && u->zoom) {
		/* the focused run's filter, zoomed across all the columns */
		const struct ui_rect *r = &u->lay.filters;
		char title[96];
		ui_run_caption(u, u->focus, title, sizeof title);
		strncat(title, ": zoom (z: back)",
			sizeof title - strlen(title) - 1);
		ui_box(r, title, u);
		u->frect = *r;
		zoom(u, s, r);
		return;
	}
	if (u->n_runs <= 1) {
		grid(u, s, &u->lay.filters, u->focus, 0);
		return;
	}
	for (int i = 0; i < u->n_runs; i++) {
		struct ui_rect c;
		ui_split_cols(&u->lay.filters, u->n_runs, i, &c);
		const struct as_snapshot *rs = u->runs[i].s;
		if (rs)
			grid(u, rs, &c, i, 1);
		else
			ui_box(&c, u->runs[i].label, u);
	}
}
