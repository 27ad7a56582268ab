/* The filter grid (rows of W as images, paged) and one filter zoomed. */
#include <curses.h>
#include <stdio.h>
#include <math.h>

#include "view.h"

void ui_view_filters(struct ui_state *u, const struct as_snapshot *s)
{
	const struct ui_rect *r = &u->lay.filters;
	int n = (int)s->n_hidden;
	char title[96];
	ui_tiles_fit(r->w - 2, r->h - 3, s->rows, s->cols, u->half, 16, 7,
		     &u->ftiles);
	const struct ui_tiles *t = &u->ftiles;
	int per_page = t->cols * t->rows;
	if (per_page <= 0) {
		ui_box(r, "filters", u);
		return;
	}
	int pages = (n + per_page - 1) / per_page;
	if (u->filter_page >= pages)
		u->filter_page = pages - 1;
	if (u->filter_sel >= n)
		u->filter_sel = n - 1;
	snprintf(title, sizeof title,
		 "filters: rows of W, %d-%d of %d (page %d/%d, [ ])",
		 u->filter_page * per_page + 1,
		 u->filter_page * per_page + per_page < n
			 ? u->filter_page * per_page + per_page
			 : n,
		 n, u->filter_page + 1, pages);
	ui_box(r, title, u);
	if (u->zoom) {
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
		ui_tiles_fit(r->w - 24, r->h - 3, s->rows, s->cols, u->half, 1,
			     4, &z);
		if (z.px > 0)
			ui_image(u, r->y + 2, r->x + 2, w, s->rows, s->cols,
				 z.px, 1);
		int tx = r->x + 4 + z.px;
		mvprintw(r->y + 2, tx, "filter %d of %d", k + 1, n);
		mvprintw(r->y + 4, tx, "min   %+.4f", lo);
		mvprintw(r->y + 5, tx, "max   %+.4f", hi);
		mvprintw(r->y + 6, tx, "norm  %.4f", sqrt(norm));
		mvprintw(r->y + 7, tx, "mean h %.3f", s->mean_h[k]);
		mvprintw(r->y + 9, tx, "< > other filter");
		mvprintw(r->y + 10, tx, "z   back to grid");
		return;
	}
	int first = u->filter_page * per_page;
	for (int i = 0; i < per_page && first + i < n; i++) {
		int k = first + i;
		int ty = r->y + 2 + (i / t->cols) * (t->cell_h + 1);
		int tx = r->x + 1 + (i % t->cols) * (t->cell_w + 1);
		ui_image(u, ty, tx, s->w + (size_t)k * s->n_visible, s->rows,
			 s->cols, t->px, 1);
		if (k == u->filter_sel) {
			ui_on(UI_P_MARK, u);
			mvaddch(ty + t->cell_h, tx, '^');
			ui_off(UI_P_MARK, u);
		}
	}
}
