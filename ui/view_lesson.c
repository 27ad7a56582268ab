/* A lesson's own panes: the 2-D scatter of codes, the Hamming
 * neighbours, the rebuilt random dots, the live sampling chains; and the
 * lesson menu. (Its table and notes are view_notes.c.) */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "view.h"

/* One scatter: every point drawn as its digit, coloured by it, or with
 * shifted copies by its shift (copy: each point's, 0 the original). */
static void scatter(const struct ui_state *u, const struct ui_rect *r,
		    const char *title, const float (*xy)[2],
		    const uint8_t *label, const uint8_t *copy, size_t n)
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
		int d = label[i] % 10, c = copy ? copy[i] % 10 : d;
		ui_on(UI_P_LABEL0 + c, u);
		mvaddch(r->y + 1 + row, r->x + 1 + col, (chtype)('0' + d));
		ui_off(UI_P_LABEL0 + c, u);
	}
}

static void scatter_pane(const struct ui_state *u, const struct ui_rect *r)
{
	const struct as_snapshot *s = u->runs[u->focus].s;
	struct ui_rect a = *r, b = *r;
	a.w = r->w / 2;
	b.x = r->x + a.w;
	b.w = r->w - a.w;
	char title[96];
	char cap[48];
	ui_run_caption(u, u->focus, cap, sizeof cap);
	snprintf(title, sizeof title, "codes of %s, PCA", cap);
	if (!s || !(s->scores.have & AS_SCORE_SCATTER)) {
		ui_box(r, title, u);
		mvprintw(r->y + 2, r->x + 2, "%.*s", r->w - 4,
			 "the scatter comes after the first epoch (p: now)");
		return;
	}
	const struct as_scores *sc = &s->scores;
	const uint8_t *copy = sc->scatter_copies > 1 ? sc->scatter_copy : NULL;
	scatter(u, &a, title, sc->code_xy, sc->scatter_label, copy,
		sc->n_scatter);
	scatter(u, &b, "raw pixels, PCA", sc->pixel_xy, sc->scatter_label,
		copy, sc->n_scatter);
	if (copy) {
		/* the colours are the shifts: their key on the bottom edge,
		 * each in its colour */
		int y = r->y + r->h - 1, x = r->x + 2, end = r->x + r->w - 2;
		const char *head = " colour = shift:";
		if (x + (int)strlen(head) < end) {
			mvprintw(y, x, "%s", head);
			x += (int)strlen(head);
		}
		for (size_t k = 0; k < sc->scatter_copies; k++) {
			char t[8];
			int n = snprintf(t, sizeof t,
					 sc->scatter_shift_px[k] ? " %+d" : " %d",
					 sc->scatter_shift_px[k]);
			if (x + n >= end)
				break;
			ui_on(UI_P_LABEL0 + (int)(k % 10), u);
			mvprintw(y, x, "%s", t);
			ui_off(UI_P_LABEL0 + (int)(k % 10), u);
			x += n;
		}
	}
}

/* a row of neighbours: its name and score at x, the digits from dx on,
 * each label under it (labels) or as the colour of the score */
static void neighbours(const struct ui_state *u, int y, int x, int dx,
		       const struct ui_size *sz, const char *name,
		       const uint32_t *nn, int k, int shown, uint8_t want,
		       int labels)
{
	const struct as_dataset *ds = u->ds;
	int ch = sz->cell_h;
	int right = 0;
	for (int j = 0; j < k; j++)
		right += ds->labels && ds->labels[nn[j]] == want;
	mvprintw(y + (ch - 1) / 2, x, "%s", name);
	mvprintw(y + (ch - 1) / 2 + 1, x, "%d/%d", right, k);
	for (int j = 0; j < shown; j++) {
		int tx = dx + j * (sz->cell_w + 1);
		uint8_t lab = ds->labels ? ds->labels[nn[j]] : 0;
		ui_image(u, y, tx, ds->x + (size_t)nn[j] * ds->d, ds->rows,
			 ds->cols, sz, 0);
		if (!labels)
			continue;
		ui_on(lab == want ? UI_P_OK : UI_P_WARN, u);
		mvprintw(y + ch, tx, "%d", lab);
		ui_off(lab == want ? UI_P_OK : UI_P_WARN, u);
	}
}

static void hash_pane(const struct ui_state *u, const struct ui_rect *r)
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
	struct ui_fields f;
	ui_fields_init(&f, r->w - 6);
	/* the code the hashing measured: the top of the layers trained */
	size_t bits = s->sizes[s->depth > 0 && s->depth <= s->n_layers
				       ? s->depth
				       : s->n_layers];
	snprintf(title, sizeof title, "run %d, %zu-bit codes:", u->focus + 1,
		 bits);
	ui_fields_add(&f, "%s", title);
	ui_fields_add(&f, " precision@%zu Hamming %.3f,", sc->hash_k,
		      sc->hash_precision);
	ui_fields_add(&f, " pixels %.3f", sc->pixel_precision);
	ui_box(r, f.text, u);
	int q = u->query < 0 ? 0 : u->query;
	if (q >= (int)sc->n_queries)
		q = (int)sc->n_queries - 1;
	int k = (int)sc->hash_k;
	/* the query on the left, its Hamming and its pixel neighbours in
	 * two rows: digits large enough to read first (at least half their
	 * pixels), then as many neighbours as fit, then the labels under
	 * them (else their count beside) */
	int how = 2 | (u->quads ? UI_QUADS : 0);
	struct ui_size sz, best = {0};
	int shown = 0, labels = 0, found = 0;
	for (int lab = 1; lab >= 0 && !found; lab--)
		for (int n = k; n >= (k < 5 ? k : 5) && !found; n--) {
			int w = (r->w - 2 - 10) / (n + 1) - 1;
			int h = (r->h - 2) / 2 - (lab ? 2 : 1);
			if (ui_fit_size(w, h, ds->rows, ds->cols, how, &sz) != 0)
				continue;
			if (sz.px_h >= (int)ds->rows / 2) {
				best = sz;
				shown = n;
				labels = lab;
				found = 1;
			} else if (sz.px_h > best.px_h) {
				best = sz;
				shown = n;
				labels = lab;
			}
		}
	if (!shown) {
		mvprintw(r->y + 1, r->x + 2, "%.*s", r->w - 4,
			 "(a larger terminal shows the digits)");
		return;
	}
	sz = best;
	int ch = sz.cell_h, row_h = ch + (labels ? 2 : 1);
	uint32_t row = sc->query[q];
	uint8_t want = ds->labels[row];
	int y = r->y + 1, x = r->x + 1;
	/* the query, a column of its own */
	ui_image(u, y, x, ds->x + (size_t)row * ds->d, ds->rows, ds->cols,
		 &sz, 0);
	mvprintw(y + ch, x, "%d", want);
	ui_on(UI_P_DIM, u);
	mvprintw(y + ch + 1, x, "%d/%zu", q + 1, sc->n_queries);
	ui_off(UI_P_DIM, u);
	int nx = x + sz.cell_w + 2, dx = nx + 9;
	neighbours(u, y, nx, dx, &sz, "Hamming", sc->hash_nn[q], k, shown,
		   want, labels);
	neighbours(u, y + row_h, nx, dx, &sz, "pixels", sc->pixel_nn[q], k,
		   shown, want, labels);
	ui_on(UI_P_DIM, u);
	ui_fields_init(&f, r->w - 4);
	ui_fields_add(&f, "< > another held-out digit");
	if (shown < k)
		ui_fields_add(&f, "; the first %d of %d neighbours", shown, k);
	ui_fields_add(&f, labels ? "; green: same label"
				 : "; n/%d: neighbours with its label", k);
	if (y + 2 * row_h < r->y + r->h - 1)
		mvprintw(y + 2 * row_h, x, "%s", f.text);
	ui_off(UI_P_DIM, u);
}

/* A row's label at (y, x) in w cells, for the panes of a picture and
 * each run's rendering of it: first on row 0 (dim), else the run's
 * caption in its colour. The colour stays on for a line the caller adds
 * under it; returns it for ui_off. */
static int row_label(const struct ui_state *u, int y, int x, int w, int row,
		     int run, const char *first)
{
	char cap[48];
	snprintf(cap, sizeof cap, "%s", first);
	int pair = UI_P_DIM;
	if (row) {
		ui_run_caption(u, run, cap, sizeof cap);
		pair = UI_P_RUN0 + run;
	}
	ui_on(pair, u);
	mvprintw(y, x, "%.*s", w, cap);
	return pair;
}

/* A lesson on copying: the same random dots and a run's reconstruction
 * of them, with its R2noise: the run that copies its input draws the
 * dots back, the others digit-like blur. On the dashboard the focused
 * run's (Tab for another; every run's R2noise in the legend), alone on
 * the screen every run's, a row each. */
static void dots_pane(const struct ui_state *u, const struct ui_rect *r,
		      int full)
{
	const struct as_snapshot *f = u->runs[u->focus].s;
	struct ui_fields tf;
	ui_fields_init(&tf, r->w - 6);
	ui_fields_add(&tf, full ? "random dots rebuilt by every run"
				: "random dots rebuilt");
	ui_fields_add(&tf, " (R2noise: 1 copies, 0 gray");
	ui_fields_add(&tf, full ? ")" : "; Tab: another run)");
	ui_box(r, tf.text, u);
	if (!f || !f->n_dots)
		return;
	int label_w = 18;
	int runs = full ? u->n_runs : 1;
	int rows = 1 + runs;
	int w = r->w - 2 - label_w, h = r->h - 3;
	int how = (full ? 2 : 1) | (u->quads ? UI_QUADS : 0);
	/* at their own pixels, or averaged over k x k blocks: reduced by
	 * the raster, a cell would keep its brightest pixel and the dots
	 * would turn white */
	struct ui_size sz;
	int n = 0, k = 1, most = (int)f->n_dots < 8 ? (int)f->n_dots : 8;
	for (k = 1; k <= 4 && n == 0; k++) {
		int rr = (int)f->rows / k, cc = (int)f->cols / k;
		for (int m = most; m > 0 && rr > 0 && cc > 0; m--)
			if (ui_fit_size(w / m - 1, h / rows - 1, (size_t)rr,
					(size_t)cc, how, &sz) == 0 &&
			    sz.px_h >= rr && (m >= 3 || k == 4)) {
				n = m;
				break;
			}
	}
	k--;
	if (n <= 0 || sz.cell_h <= 0) {
		mvprintw(r->y + 1, r->x + 2, "%.*s", r->w - 4,
			 "(v, or a larger terminal, shows the dots)");
		return;
	}
	int rr = (int)f->rows / k, cc = (int)f->cols / k;
	for (int row = 0; row < rows; row++) {
		int run = row == 0 ? u->focus : full ? row - 1 : u->focus;
		const struct as_snapshot *rs = u->runs[run].s;
		int y = r->y + 1 + row * (sz.cell_h + 1);
		if (y + sz.cell_h > r->y + r->h - 1 || !rs || !rs->n_dots)
			continue;
		int pair = row_label(u, y + (sz.cell_h - 1) / 2, r->x + 1,
				     label_w - 2, row, run, "the dots");
		if (row && (rs->scores.have & AS_SCORE_NOISE))
			mvprintw(y + (sz.cell_h - 1) / 2 + 1, r->x + 1,
				 "R2noise %.2f", rs->scores.noise_r2);
		ui_off(pair, u);
		const float *img = row ? rs->dots_recon : rs->dots;
		static float avg[1 << 16];
		for (int i = 0; i < n; i++) {
			const float *src = img + (size_t)i * rs->n_visible;
			for (int a = 0; a < rr && rr * cc <= (1 << 16); a++)
				for (int b = 0; b < cc; b++) {
					float t = 0;
					for (int da = 0; da < k; da++)
						for (int db = 0; db < k; db++)
							t += src[(size_t)(a * k + da) *
									 rs->cols +
								 (size_t)(b * k + db)];
					avg[a * cc + b] = t / (float)(k * k);
				}
			ui_image(u, y, r->x + 1 + label_w + i * (sz.cell_w + 1),
				 avg, (size_t)rr, (size_t)cc, &sz,
				 !rs->unit_range);
		}
	}
	if (full)
		return;
	/* every run's number, as a legend line */
	struct ui_fields fl;
	ui_fields_init(&fl, r->w - 2);
	for (int i = 0; i < u->n_runs; i++) {
		const struct as_snapshot *rs = u->runs[i].s;
		if (rs && (rs->scores.have & AS_SCORE_NOISE))
			ui_fields_add(&fl, "%s%c%d %.2f", i ? "   " : "R2noise: ",
				      ui_run_symbol(i), i + 1,
				      rs->scores.noise_r2);
	}
	ui_on(UI_P_DIM, u);
	mvprintw(r->y + r->h - 2, r->x + 1, "%s", fl.text);
	ui_off(UI_P_DIM, u);
}

/* A chains lesson: each run's sampling chains live, the digits they
 * started from above (on the dashboard the focused run's; alone on the
 * screen every run's, a row each) */
static void chains_pane(const struct ui_state *u, const struct ui_rect *r,
			int full)
{
	const struct as_snapshot *f = u->runs[u->focus].s;
	struct ui_fields tf;
	ui_fields_init(&tf, r->w - 6);
	ui_fields_add(&tf, "sampling chains: corrupt, rebuild, sample");
	if (f && f->n_chains)
		ui_fields_add(&tf, ", step %llu",
			      (unsigned long long)f->chain_step);
	ui_fields_add(&tf, " (R: again%s)", full ? "" : "; Tab: another run");
	ui_box(r, tf.text, u);
	if (!f || !f->n_chains)
		return;
	int label_w = 22, runs = full ? u->n_runs : 1, rows = 1 + runs;
	int n = (int)f->n_chains;
	int how = (full ? 2 : 1) | (u->quads ? UI_QUADS : 0);
	struct ui_size sz;
	for (; n > 0; n--)
		if (ui_fit_size((r->w - 2 - label_w) / n - 1,
				(r->h - 2) / rows - 1, f->rows, f->cols, how,
				&sz) == 0 &&
		    (sz.px_h >= (int)f->rows / 3 || n == 1))
			break;
	if (n <= 0) {
		mvprintw(r->y + 1, r->x + 2, "%.*s", r->w - 4,
			 "(v, or a larger terminal, shows the chains)");
		return;
	}
	for (int row = 0; row < rows; row++) {
		int run = row == 0 || !full ? u->focus : row - 1;
		const struct as_snapshot *rs = u->runs[run].s;
		int y = r->y + 1 + row * (sz.cell_h + 1);
		if (!rs || !rs->n_chains || y + sz.cell_h > r->y + r->h - 1)
			continue;
		int pair = row_label(u, y + (sz.cell_h - 1) / 2, r->x + 1,
				     label_w - 2, row, run, "they started from");
		if (row && (rs->scores.have & AS_SCORE_CHAIN))
			mvprintw(y + (sz.cell_h - 1) / 2 + 1, r->x + 1,
				 "after %d: %.3f", AS_CHAIN_STEPS,
				 rs->scores.chain_end);
		ui_off(pair, u);
		const float *img = row ? rs->chain_now : rs->chain_start;
		for (int i = 0; i < n; i++)
			ui_image(u, y, r->x + 1 + label_w + i * (sz.cell_w + 1),
				 img + (size_t)i * rs->n_visible, rs->rows,
				 rs->cols, &sz, !rs->unit_range);
	}
}

void ui_paint_lesson(const struct ui_state *u, const struct as_snapshot *s,
		     const struct ui_rect *r, int full)
{
	if (u->lesson && (u->lesson->scores & AS_SCORE_CHAIN)) {
		chains_pane(u, r, full);
		return;
	}
	if (u->lesson && (u->lesson->scores & AS_SCORE_SCATTER))
		scatter_pane(u, r);
	else if (u->lesson && (u->lesson->scores & AS_SCORE_HASH))
		hash_pane(u, r);
	else if (u->lesson && (u->lesson->scores & AS_SCORE_NOISE))
		dots_pane(u, r, full);
	else
		ui_paint_runs(u, s, r, full);
}

static int hashing(const struct ui_state *u)
{
	return u->lesson && (u->lesson->scores & AS_SCORE_HASH);
}

void ui_plan_lesson(struct ui_state *u, const struct as_snapshot *s,
		    const struct ui_rect *r, int full)
{
	(void)r;
	(void)full;
	const struct as_snapshot *fs = u->runs[u->focus].s;
	(void)s;
	if (fs && hashing(u) && u->query >= (int)fs->scores.n_queries)
		u->query = (int)fs->scores.n_queries - 1;
	if (u->query < 0)
		u->query = 0;
}

static void query_prev(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	if (u->query > 0)
		u->query--;
}

static void query_next(struct ui_state *u, const struct as_snapshot *s)
{
	const struct as_snapshot *fs = u->runs[u->focus].s;
	(void)s;
	if (fs && u->query + 1 < (int)fs->scores.n_queries)
		u->query++;
}

/* only the hashing view has keys of its own: other lessons' views
 * pass < > on to the filters */
const struct ui_key ui_lesson_keys[] = {
	{'<', ',', "< >", "hashing view: another held-out digit", query_prev},
	{'>', '.', NULL, NULL, query_next},
	{0, 0, NULL, NULL, NULL},
};

void ui_view_menu(const struct ui_state *u)
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
		if (i == u->menu_sel)
			ui_on(UI_P_SEL, u);
		mvhline(y + 2 + i, x + 1, ' ', w - 2);
		/* the title in whole words */
		int room = w - 21, len = (int)strlen(l->title);
		if (len > room) {
			len = room > 0 ? room : 0;
			while (len > 0 && l->title[len] != ' ')
				len--;
		}
		mvprintw(y + 2 + i, x + 2, "%2d %-12s %.*s", i + 1, l->name,
			 len, l->title);
		if (i == u->menu_sel)
			ui_off(UI_P_SEL, u);
	}
	ui_on(UI_P_DIM, u);
	mvprintw(y + r.h - 3, x + 2, "%.*s", w - 4,
		 "starting one saves and closes the runs on screen");
	ui_off(UI_P_DIM, u);
}
