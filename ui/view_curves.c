/* The loss chart: curves, axes, the PCA line and the change markers. */
#include <curses.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "view.h"

static void fmt_count(double v, char *buf, size_t n)
{
	if (v >= 1e6)
		snprintf(buf, n, "%.1fM", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, n, "%.0fk", v / 1e3);
	else
		snprintf(buf, n, "%.0f", v);
}

/* a curve: one symbol per column, ':' bridging jumps of several rows */
static void curve(const struct ui_state *u, const struct ui_chart *c,
		  const float *v, int x0, int y0, int pair, char sym)
{
	int prev = -1;
	for (int i = 0; i < c->w; i++) {
		int row = ui_chart_row(c, v[i]);
		if (row < 0)
			continue;
		ui_on(pair, u);
		if (prev >= 0 && abs(prev - row) > 1) {
			int a = prev < row ? prev : row;
			int b = prev < row ? row : prev;
			for (int k = a + 1; k < b; k++)
				mvaddch(y0 + k, x0 + i, ':');
		}
		mvaddch(y0 + row, x0 + i, (chtype)sym);
		ui_off(pair, u);
		prev = row;
	}
}

void ui_view_curves(struct ui_state *u, const struct as_snapshot *s)
{
	const struct ui_rect *r = &u->lay.curves;
	int several = u->n_runs > 1;
	char title[96];
	snprintf(title, sizeof title, "%s loss per example%s%s",
		 several ? "training" : "", u->log_scale ? ", log" : "",
		 u->smooth ? ", EMA" : "");
	ui_box(r, title + (several ? 0 : 1), u);
	const int yl = 8; /* y labels */
	const struct as_history *h = &s->history;
	size_t first;
	/* several runs: their key on one line, or two when it is long */
	int need = 0;
	for (int i = 0; several && i < u->n_runs; i++) {
		char cap[48];
		ui_run_caption(u, i, cap, sizeof cap);
		need += (int)strlen(cap) + 2;
	}
	int run_lines = !several ? 0 : need + 6 <= r->w - 2 ? 1 : 2;
	int legend = ui_legend_fit(h, r->w - 2, 3 - (run_lines ? run_lines : 0),
				   &first);
	if (legend == 0 && !several)
		legend = 1; /* the key: train, held-out, PCA */
	legend += run_lines;
	int pw = r->w - 2 - yl, ph = r->h - 4 - legend;
	if (pw < 4 || ph < 2)
		return;
	int pca = s->config.loss == AS_LOSS_MSE && isfinite(s->pca_error);
	struct ui_chart c, cs[AS_RUNS_MAX];
	if (several) {
		const struct as_history *hs[AS_RUNS_MAX];
		int n = 0;
		for (int i = 0; i < u->n_runs; i++)
			if (u->runs[i].s)
				hs[n++] = &u->runs[i].s->history;
		ui_chart_overlay(hs, (size_t)n, pw, ph, u->log_scale,
				 u->smooth ? 0.9 : 0.0,
				 pca ? s->pca_error : NAN, cs);
		c = cs[0];
	} else {
		ui_chart_compute(&s->history, pw, ph, u->log_scale,
				 u->smooth ? 0.9 : 0.0,
				 pca ? s->pca_error : NAN, &c);
	}
	int x0 = r->x + 1 + yl, y0 = r->y + 1;
	for (int k = 0; k < 3; k++) {
		int row = k * (ph - 1) / 2;
		double f = (double)row / (ph - 1);
		double y = c.y_hi - f * (c.y_hi - c.y_lo);
		if (c.log)
			y = pow(10, y);
		ui_on(UI_P_DIM, u);
		char lab[16];
		ui_axis_label(y, lab, sizeof lab);
		mvprintw(y0 + row, r->x + 1, "%s", lab);
		ui_off(UI_P_DIM, u);
		mvaddch(y0 + row, x0 - 1, ACS_RTEE);
	}
	for (int row = 0; row < ph; row++)
		if (row != 0 && row != (ph - 1) / 2 && row != ph - 1)
			mvaddch(y0 + row, x0 - 1, ACS_VLINE);
	mvaddch(y0 + ph, x0 - 1, ACS_LLCORNER);
	mvhline(y0 + ph, x0, ACS_HLINE, pw);
	if (pca) {
		int row = ui_chart_row(&c, s->pca_error);
		ui_on(UI_P_PCA, u);
		for (int i = 0; i < pw; i += 2)
			mvaddch(y0 + row, x0 + i, '-');
		ui_off(UI_P_PCA, u);
	}
	if (several) {
		int k = 0;
		for (int i = 0; i < u->n_runs; i++) {
			if (!u->runs[i].s)
				continue;
			curve(u, &cs[k], cs[k].train, x0, y0, UI_P_RUN0 + i,
			      ui_run_symbol(i));
			k++;
		}
	} else {
		curve(u, &c, c.train, x0, y0, UI_P_TRAIN, '*');
		for (int i = 0; i < pw; i++) {
			int row = ui_chart_row(&c, c.heldout[i]);
			if (row < 0)
				continue;
			ui_on(UI_P_HELDOUT, u);
			attron(A_BOLD);
			mvaddch(y0 + row, x0 + i, 'o');
			attroff(A_BOLD);
			ui_off(UI_P_HELDOUT, u);
		}
	}
	if (pca) { /* the line's name over any curve point */
		ui_on(UI_P_PCA, u);
		mvprintw(y0 + ui_chart_row(&c, s->pca_error), x0 + pw - 4,
			 "PCA");
		ui_off(UI_P_PCA, u);
	}
	/* change markers: a digit on the x axis, explained below it */
	char xmax[16];
	fmt_count(c.x_max, xmax, sizeof xmax);
	ui_on(UI_P_DIM, u);
	mvprintw(y0 + ph + 1, x0, "0");
	mvprintw(y0 + ph + 1, x0 + pw - (int)strlen(xmax) - 9, "%s examples",
		 xmax);
	ui_off(UI_P_DIM, u);
	int lx = r->x + 1, ly = y0 + ph + 2;
	if (several) {
		/* the runs' key first, then the focused run's changes */
		/* captions flow over run_lines lines; one still too long
		 * for a line is cut */
		int line = 0;
		for (int i = 0; i < u->n_runs; i++) {
			char cap[48];
			ui_run_caption(u, i, cap, sizeof cap);
			int len = (int)strlen(cap) + 2;
			if (lx > r->x + 1 && lx + len > r->x + r->w - 1 &&
			    line + 1 < run_lines) {
				line++;
				ly++;
				lx = r->x + 1;
			}
			int fit = r->x + r->w - 1 - lx;
			if (fit < 4)
				break;
			ui_on(UI_P_RUN0 + i, u);
			if (i == u->focus)
				attron(A_BOLD);
			mvprintw(ly, lx, "%.*s", fit, cap);
			attroff(A_BOLD);
			ui_off(UI_P_RUN0 + i, u);
			lx += len;
		}
		if (pca && r->x + r->w - 1 - lx > 0) {
			ui_on(UI_P_PCA, u);
			mvprintw(ly, lx, "%.*s", r->x + r->w - 1 - lx,
				 "- PCA");
			ui_off(UI_P_PCA, u);
		}
		lx = r->x + 1;
		ly++;
	}
	for (size_t i = first; i < h->n_changes; i++) {
		const struct as_change *ch = &h->changes[i];
		int col = ui_chart_col(&c, (double)ch->examples);
		char mark = (char)('1' + (int)(i - first));
		ui_on(UI_P_MARK, u);
		attron(A_BOLD);
		mvaddch(y0 + ph, x0 + col, (chtype)mark);
		char item[96];
		ui_legend_item(ch, mark, item, sizeof item);
		int len = (int)strlen(item);
		if (lx > r->x + 1 && lx + len > r->x + r->w - 1) {
			lx = r->x + 1;
			ly++;
		}
		if (ly < r->y + r->h - 1)
			mvprintw(ly, lx, "%.*s", r->x + r->w - 1 - lx, item);
		lx += len;
		attroff(A_BOLD);
		ui_off(UI_P_MARK, u);
	}
	if (h->n_changes == 0 && !several) {
		ui_on(UI_P_TRAIN, u);
		mvprintw(ly, lx, "* train");
		ui_off(UI_P_TRAIN, u);
		ui_on(UI_P_HELDOUT, u);
		mvprintw(ly, lx + 9, "o held-out");
		ui_off(UI_P_HELDOUT, u);
		if (pca) {
			ui_on(UI_P_PCA, u);
			mvprintw(ly, lx + 21, "- PCA rank %d",
				 s->config.n_hidden);
			ui_off(UI_P_PCA, u);
		}
	}
}
