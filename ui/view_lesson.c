/* A lesson's panes: the explanation with every run's numbers, the 2-D
 * scatter of codes, the Hamming neighbours; and the lesson menu. */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "view.h"

/* Word-wraps text (paragraphs split by '\n') into rows y..y1 of width w
 * at column x; returns the next free row. Text that does not fit ends in
 * a note on the last row. */
static int wrap(const struct ui_state *u, int y, int y1, int x, int w,
		const char *text)
{
	const char *p = text;
	while (*p && y < y1) {
		const char *end = p + strcspn(p, "\n");
		size_t take = (size_t)(end - p);
		if ((int)take > w) {
			take = (size_t)w;
			while (take > 0 && p[take] != ' ')
				take--;
			if (take == 0)
				take = (size_t)w;
		}
		const char *next = p + take;
		while (next < end && *next == ' ')
			next++;
		if (next == end && *end)
			next = end + 1; /* the paragraph's break */
		if (y == y1 - 1 && *next) {
			/* the last row, and text after it: say so instead */
			ui_on(UI_P_DIM, u);
			mvprintw(y++, x, "%.*s", w,
				 "(more on a taller terminal)");
			ui_off(UI_P_DIM, u);
			break;
		}
		mvprintw(y++, x, "%.*s", (int)take, p);
		p = next;
	}
	return y;
}

static void num(double v, const char *fmt, char *buf, size_t n)
{
	if (isfinite(v))
		snprintf(buf, n, fmt, v);
	else
		snprintf(buf, n, "-");
}

/* One row of a run's numbers: those the lesson asks for. */
static void score_row(const struct ui_state *u, int i, char *buf, size_t n)
{
	const struct as_snapshot *s = u->runs[i].s;
	char cap[48];
	ui_run_caption(u, i, cap, sizeof cap);
	if (!s) {
		snprintf(buf, n, "%-16.16s", cap);
		return;
	}
	const struct as_scores *sc = &s->scores;
	unsigned want = u->lesson ? u->lesson->scores : AS_SCORE_PROBE;
	char a[24], b[24], c[24];
	size_t len = (size_t)snprintf(buf, n, "%-16.16s %5llu ", cap,
				      (unsigned long long)sc->epoch);
	num(sc->recon_clean, "%.3g", a, sizeof a);
	len += (size_t)snprintf(buf + len, n - len, "%9s", a);
	if (want & AS_SCORE_PROBE) {
		num(sc->have & AS_SCORE_PROBE ? sc->probe_codes
					      : s->probe_accuracy,
		    "%.3f", a, sizeof a);
		len += (size_t)snprintf(buf + len, n - len, "  %6s", a);
	}
	if (want & AS_SCORE_PCA) {
		num(sc->recon_clean / sc->pca_error, "%.4f", a, sizeof a);
		num(sc->angle_max_deg, "%.1f", b, sizeof b);
		num(sc->angle_mean_deg, "%.1f", c, sizeof c);
		len += (size_t)snprintf(buf + len, n - len, "  %7s %6s %6s", a,
					b, c);
	}
	if (want & AS_SCORE_LOCAL) {
		num(sc->localisation, "%.3f", a, sizeof a);
		len += (size_t)snprintf(buf + len, n - len, "  %6s", a);
	}
	if (want & AS_SCORE_HASH) {
		num(sc->hash_precision, "%.3f", a, sizeof a);
		num(sc->pixel_precision, "%.3f", b, sizeof b);
		len += (size_t)snprintf(buf + len, n - len, "  %6s %6s", a, b);
	}
	if (want & AS_SCORE_NOISE) {
		num(sc->digit_r2, "%.3f", a, sizeof a);
		num(sc->noise_r2, "%.3f", b, sizeof b);
		snprintf(buf + len, n - len, "  %7s %7s", a, b);
	}
}

static void score_header(const struct ui_state *u, char *buf, size_t n)
{
	unsigned want = u->lesson ? u->lesson->scores : AS_SCORE_PROBE;
	size_t len = (size_t)snprintf(buf, n, "%-16s %5s %9s", "run", "epoch",
				      "clean err");
	if (want & AS_SCORE_PROBE)
		len += (size_t)snprintf(buf + len, n - len, "  %6s", "probe");
	if (want & AS_SCORE_PCA)
		len += (size_t)snprintf(buf + len, n - len, "  %7s %6s %6s",
					"err/PCA", "maxang", "meanang");
	if (want & AS_SCORE_LOCAL)
		len += (size_t)snprintf(buf + len, n - len, "  %6s", "local");
	if (want & AS_SCORE_HASH)
		len += (size_t)snprintf(buf + len, n - len, "  %6s %6s",
					"hamm@10", "pix@10");
	if (want & AS_SCORE_NOISE)
		snprintf(buf + len, n - len, "  %7s %7s", "R2digit", "R2noise");
}

void ui_view_runs(struct ui_state *u, const struct ui_rect *r)
{
	char title[160];
	const struct as_lesson *l = u->lesson;
	if (l) {
		size_t k = 0;
		while (as_lesson_at(k) != l)
			k++;
		snprintf(title, sizeof title, "lesson %zu/%zu %s (L: menu, i: pane)",
			 k + 1, as_lesson_count(), l->name);
	} else {
		snprintf(title, sizeof title, "runs (i: pane)");
	}
	ui_box(r, title, u);
	int x = r->x + 2, w = r->w - 4;
	if (w < 10 || r->h < 4)
		return;
	int table = u->n_runs + 2; /* header, runs, a note */
	int y = r->y + 1, y1 = r->y + r->h - 1 - table;
	if (l) {
		attron(A_BOLD);
		mvprintw(y++, x, "%.*s", w, l->title);
		attroff(A_BOLD);
		y = wrap(u, y, y1, x, w, l->text);
	}
	y = y1 > y ? y1 : y;
	char line[256];
	score_header(u, line, sizeof line);
	ui_on(UI_P_TITLE, u);
	mvprintw(y++, x, "%.*s", w, line);
	ui_off(UI_P_TITLE, u);
	for (int i = 0; i < u->n_runs && y < r->y + r->h - 1; i++) {
		score_row(u, i, line, sizeof line);
		ui_on(UI_P_RUN0 + i, u);
		if (i == u->focus)
			attron(A_BOLD);
		mvprintw(y++, x, "%.*s", w, line);
		attroff(A_BOLD);
		ui_off(UI_P_RUN0 + i, u);
	}
	if (y < r->y + r->h - 1) {
		/* the probe's yardstick: the same regression on raw input */
		double raw = NAN;
		for (int i = 0; i < u->n_runs && !isfinite(raw); i++)
			if (u->runs[i].s)
				raw = u->runs[i].s->probe_raw;
		char foot[160] = "";
		if (isfinite(raw))
			snprintf(foot, sizeof foot, "probe on raw pixels %.3f; ",
				 raw);
		snprintf(foot + strlen(foot), sizeof foot - strlen(foot), "%s",
			 l ? "clean err: the loss rebuilding clean held-out "
			     "input"
			   : "p: linear probe of the focused run");
		ui_on(UI_P_DIM, u);
		mvprintw(y, x, "%.*s", w, foot);
		ui_off(UI_P_DIM, u);
	}
}

/* One scatter: every point drawn as its digit, coloured by it. */
static void scatter(const struct ui_state *u, const struct ui_rect *r,
		    const char *title, const float (*xy)[2],
		    const uint8_t *label, size_t n)
{
	ui_box(r, title, u);
	int w = r->w - 2, h = r->h - 2;
	if (w < 4 || h < 3 || n == 0)
		return;
	/* the box holding all but the furthest 1% on each side, so a few
	 * outliers do not squeeze the rest into a corner */
	double x_lo = INFINITY, x_hi = -INFINITY, y_lo = INFINITY,
	       y_hi = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		x_lo = xy[i][0] < x_lo ? xy[i][0] : x_lo;
		x_hi = xy[i][0] > x_hi ? xy[i][0] : x_hi;
		y_lo = xy[i][1] < y_lo ? xy[i][1] : y_lo;
		y_hi = xy[i][1] > y_hi ? xy[i][1] : y_hi;
	}
	for (size_t i = 0; i < n; i++) {
		int col, row;
		if (ui_scatter_cell(xy[i][0], xy[i][1], x_lo, x_hi, y_lo, y_hi,
				    w, h, &col, &row) != 0)
			continue;
		int d = label[i] % 10;
		ui_on(UI_P_LABEL0 + d, u);
		mvaddch(r->y + 1 + row, r->x + 1 + col, (chtype)('0' + d));
		ui_off(UI_P_LABEL0 + d, u);
	}
}

static void scatter_pane(struct ui_state *u, const struct ui_rect *r)
{
	const struct as_snapshot *s = u->runs[u->focus].s;
	struct ui_rect a = *r, b = *r;
	a.w = r->w / 2;
	b.x = r->x + a.w;
	b.w = r->w - a.w;
	char title[96];
	snprintf(title, sizeof title, "codes of %d %s, PCA", u->focus + 1,
		 u->runs[u->focus].label);
	if (!s || !(s->scores.have & AS_SCORE_SCATTER)) {
		ui_box(r, title, u);
		mvprintw(r->y + 2, r->x + 2, "%.*s", r->w - 4,
			 "the scatter comes after the first epoch (p: now)");
		return;
	}
	const struct as_scores *sc = &s->scores;
	scatter(u, &a, title, sc->code_xy, sc->scatter_label, sc->n_scatter);
	scatter(u, &b, "raw pixels, PCA", sc->pixel_xy,
		sc->scatter_label, sc->n_scatter);
}

static void neighbours(struct ui_state *u, int y, int x, int px, int ph,
		       const char *name, const uint32_t *nn, int k,
		       uint8_t want)
{
	const struct as_dataset *ds = u->ds;
	mvprintw(y + ph / 2, x, "%s", name);
	int right = 0;
	for (int j = 0; j < k; j++) {
		int tx = x + 9 + j * (px + 1);
		ui_image(u, y, tx, ds->x + (size_t)nn[j] * ds->d, ds->rows,
			 ds->cols, px, 0);
		uint8_t lab = ds->labels ? ds->labels[nn[j]] : 0;
		right += lab == want;
		ui_on(lab == want ? UI_P_OK : UI_P_WARN, u);
		mvprintw(y + ph, tx, "%d", lab);
		ui_off(lab == want ? UI_P_OK : UI_P_WARN, u);
	}
	mvprintw(y + ph / 2 + 1, x, "%d/%d", right, k);
}

static void hash_pane(struct ui_state *u, const struct ui_rect *r)
{
	const struct as_snapshot *s = u->runs[u->focus].s;
	const struct as_dataset *ds = u->ds;
	char title[128];
	if (!s || !(s->scores.have & AS_SCORE_HASH) || !ds->labels) {
		ui_box(r, "semantic hashing", u);
		mvprintw(r->y + 2, r->x + 2, "%.*s", r->w - 4,
			 "neighbours come after the first epoch (p: now)");
		return;
	}
	const struct as_scores *sc = &s->scores;
	snprintf(title, sizeof title,
		 "run %d, %zu-bit codes: precision@%zu Hamming %.3f, pixels "
		 "%.3f",
		 u->focus + 1, s->n_hidden, sc->hash_k, sc->hash_precision,
		 sc->pixel_precision);
	ui_box(r, title, u);
	if (u->query >= (int)sc->n_queries)
		u->query = (int)sc->n_queries - 1;
	int q = u->query < 0 ? 0 : u->query;
	/* the largest digits whose three rows fit */
	int px = (r->w - 2 - 9) / AS_HASH_K - 1;
	if (px > (int)ds->cols)
		px = (int)ds->cols;
	int ph = 0;
	for (; px >= 3; px--) {
		ph = ((int)((double)px * ds->rows / ds->cols + 0.5) + 1) / 2;
		if (3 * (ph + 1) + 1 <= r->h - 2)
			break;
	}
	if (px < 3) {
		mvprintw(r->y + 1, r->x + 2, "%.*s", r->w - 4,
			 "(a larger terminal shows the digits)");
		return;
	}
	uint32_t row = sc->query[q];
	uint8_t want = ds->labels[row];
	int y = r->y + 1, x = r->x + 1;
	mvprintw(y + ph / 2, x, "digit");
	mvprintw(y + ph / 2 + 1, x, "%d of %zu", q + 1, sc->n_queries);
	ui_image(u, y, x + 9, ds->x + (size_t)row * ds->d, ds->rows, ds->cols,
		 px, 0);
	mvprintw(y + ph, x + 9, "%d", want);
	ui_on(UI_P_DIM, u);
	mvprintw(y + ph / 2, x + 11 + px, "%.*s", r->x + r->w - x - 13 - px,
		 "< > another held-out digit; green: same label");
	ui_off(UI_P_DIM, u);
	int k = (int)sc->hash_k;
	neighbours(u, y + ph + 1, x, px, ph, "Hamming", sc->hash_nn[q], k,
		   want);
	neighbours(u, y + 2 * (ph + 1), x, px, ph, "pixels", sc->pixel_nn[q],
		   k, want);
}

void ui_view_lesson(struct ui_state *u, const struct ui_rect *r)
{
	if (u->lesson && (u->lesson->scores & AS_SCORE_SCATTER))
		scatter_pane(u, r);
	else if (u->lesson && (u->lesson->scores & AS_SCORE_HASH))
		hash_pane(u, r);
	else
		ui_view_runs(u, r);
}

void ui_view_menu(struct ui_state *u)
{
	int n = (int)as_lesson_count();
	int w = COLS - 8 < 76 ? COLS - 8 : 76, h = n + 6;
	int y = (LINES - h) / 2, x = (COLS - w) / 2;
	if (y < 0)
		y = 0;
	for (int i = 0; i < h && y + i < LINES; i++)
		mvhline(y + i, x, ' ', w);
	struct ui_rect r = {y, x, h < LINES ? h : LINES, w};
	ui_box(&r, "lessons (Enter starts, Esc closes)", u);
	for (int i = 0; i < n && y + 2 + i < y + r.h - 1; i++) {
		const struct as_lesson *l = as_lesson_at((size_t)i);
		if (i == u->menu_sel) {
			if (u->colors != UI_MONO)
				ui_on(UI_P_SEL, u);
			else
				attron(A_REVERSE);
		}
		mvhline(y + 2 + i, x + 1, ' ', w - 2);
		mvprintw(y + 2 + i, x + 2, "%d %-12s %.*s", i + 1, l->name,
			 w - 20, l->title);
		if (i == u->menu_sel) {
			if (u->colors != UI_MONO)
				ui_off(UI_P_SEL, u);
			else
				attroff(A_REVERSE);
		}
	}
	ui_on(UI_P_DIM, u);
	mvprintw(y + r.h - 3, x + 2, "%.*s", w - 4,
		 "starting one saves and closes the runs on screen");
	ui_off(UI_P_DIM, u);
}
