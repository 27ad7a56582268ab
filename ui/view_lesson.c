/* A lesson's panes: the explanation with every run's numbers, the 2-D
 * scatter of codes, the Hamming neighbours; and the lesson menu. */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "view.h"

/* One row of text wrapped at width w from p: its length in *take; returns
 * where the next row starts (paragraphs split by '\n'). */
static const char *wrap_line(const char *p, int w, size_t *take)
{
	const char *end = p + strcspn(p, "\n");
	size_t t = (size_t)(end - p);
	if ((int)t > w) {
		t = (size_t)w;
		while (t > 0 && p[t] != ' ')
			t--;
		if (t == 0)
			t = (size_t)w;
	}
	const char *next = p + t;
	while (next < end && *next == ' ')
		next++;
	if (next == end && *end)
		next = end + 1; /* the paragraph's break */
	*take = t;
	return next;
}

/* the rows wrap() makes of text at width w, all of them */
static int wrap_rows(const char *text, int w)
{
	int rows = 0;
	size_t take;
	for (const char *p = text; *p; rows++)
		p = wrap_line(p, w, &take);
	return rows;
}

/* Word-wraps text into rows y..y1 of width w at column x, its first
 * `skip` rows left out; returns the next free row. Text that does not fit
 * ends in a note on the last row: v for the notes alone, or (alone: full)
 * PgDn. */
static int wrap(const struct ui_state *u, int y, int y1, int x, int w,
		const char *text, int skip, int full)
{
	const char *p = text;
	while (*p && y < y1) {
		size_t take;
		const char *next = wrap_line(p, w, &take);
		if (skip > 0) { /* scrolled past */
			skip--;
			p = next;
			continue;
		}
		if (y == y1 - 1 && *next) {
			/* the last row, and text after it: say so instead */
			ui_on(UI_P_DIM, u);
			mvprintw(y++, x, "%.*s", w,
				 full ? "(more: PgDn; PgUp back)"
				      : "(more: v shows the notes alone)");
			ui_off(UI_P_DIM, u);
			break;
		}
		mvprintw(y++, x, "%.*s", (int)take, p);
		p = next;
	}
	return y;
}

static void notes_down(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	if (u->notes_skip < 200)
		u->notes_skip += 5;
}

static void notes_up(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	u->notes_skip = u->notes_skip > 5 ? u->notes_skip - 5 : 0;
}

const struct ui_key ui_notes_keys[] = {
	{KEY_NPAGE, 0, "PgDn PgUp", "scroll the notes (alone on the screen)",
	 notes_down},
	{KEY_PPAGE, 0, NULL, NULL, notes_up},
	{0, 0, NULL, NULL, NULL},
};

static void num(double v, const char *fmt, char *buf, size_t n)
{
	if (isfinite(v))
		snprintf(buf, n, fmt, v);
	else
		snprintf(buf, n, "-");
}

/* The runs table, a column at a time, so that a narrow pane drops whole
 * columns from the right and never cuts a number: row < 0 is the header,
 * else run row's numbers (those the lesson asks for). Returns the number
 * of columns, each right-aligned in its width (the first left-aligned). */
#define SCORE_COLS 16
static int score_cols(const struct ui_state *u, int row,
		      char col[SCORE_COLS][24], int width[SCORE_COLS])
{
	const struct as_snapshot *s = row >= 0 ? u->runs[row].s : NULL;
	unsigned want = u->lesson ? u->lesson->scores : AS_SCORE_PROBE;
	int k = 0;
#define COL(w, ...)                                                            \
	do {                                                                   \
		width[k] = (w);                                                \
		snprintf(col[k], sizeof col[k], __VA_ARGS__);                  \
		k++;                                                           \
	} while (0)
	/* the caption's column: as wide as the longest caption, from 16
	 * to 22 (every built-in lesson's runs whole: "x3 salt and pepper
	 * 25%"), so that no more of the numbers than that gives way */
	int capw = 16;
	for (int i = 0; i < u->n_runs; i++) {
		char c[48];
		ui_run_caption(u, i, c, sizeof c);
		int len = (int)strlen(c);
		capw = len > capw ? (len < 22 ? len : 22) : capw;
	}
	if (row < 0) {
		COL(capw, "run");
		COL(5, "epoch");
		COL(9, "clean err");
	} else {
		char cap[48];
		ui_run_caption(u, row, cap, sizeof cap);
		COL(capw, "%.*s", capw, cap);
		if (!s)
			return k;
		COL(5, "%llu", (unsigned long long)s->scores.epoch);
	}
	const struct as_scores *sc = s ? &s->scores : NULL;
	char a[24];
	/* a number column: its header on the header row, else the value */
#define NUM(w, head, fmt, v)                                                   \
	do {                                                                   \
		if (s)                                                         \
			num((v), fmt, a, sizeof a);                            \
		COL(w, "%s", s ? a : head);                                    \
	} while (0)
	if (s) {
		num(sc->recon_clean, "%.3g", a, sizeof a);
		COL(9, "%s", a);
	}
	if (want & AS_SCORE_MAP) {
		/* a map's order: the slant from its 10 nearest, against
		 * PCA-2; with shifted copies, the same-shift share and the
		 * copies' distance ratio, each against PCA-2 */
		NUM(6, "slant", "%.3f", sc->map_slant_r2);
		NUM(6, "PCA-2", "%.3f", sc->pca_slant_r2);
		if (u->ds && u->ds->copies > 1) {
			NUM(6, "shift", "%.3f", sc->map_shift_p);
			NUM(6, "PCA-2", "%.3f", sc->pca_shift_p);
			NUM(6, "copies", "%.3f", sc->map_copy_ratio);
			NUM(6, "PCA-2", "%.3f", sc->pca_copy_ratio);
		}
	}
	if (want & AS_SCORE_PROBE) {
		double p = NAN;
		if (s) {
			p = sc->have & AS_SCORE_PROBE ? sc->probe_codes
						      : s->probe_accuracy;
			num(p, "%.3f", a, sizeof a);
		}
		COL(6, "%s", s ? a : "probe");
		/* its binomial standard error on the held-out digits: the
		 * runs' differences read against it */
		size_t nte = u->ds ? u->ds->n - u->ds->n_train : 0;
		NUM(5, "SE", "%.3f",
		    nte ? sqrt(p * (1 - p) / (double)nte) : NAN);
	}
	if (want & AS_SCORE_CHAIN) {
		NUM(6, "start", "%.3f", sc->chain_start);
		NUM(6, "10", "%.3f", sc->chain_10);
		NUM(6, "100", "%.3f", sc->chain_end);
	}
	if (want & AS_SCORE_PARTS) {
		/* units that carry 90% of a digit: the median, and the share
		 * that need more than the parts view counts */
		NUM(5, "u90", "%.1f", sc->parts_median);
		if (s && (sc->have & AS_SCORE_PARTS))
			COL(5, "%.0f%%", 100 * sc->parts_over);
		else
			COL(5, "%s", s ? "-" : ">64");
	}
	if (want & AS_SCORE_JACOBIAN) {
		/* the encoder's Jacobian: its size, its gain along the data
		 * (towards the nearest training digit) and across it */
		NUM(6, "|J|F", "%.2f", sc->jac_frob);
		NUM(6, "along", "%.3f", sc->jac_tangent);
		NUM(6, "across", "%.3f", sc->jac_random);
		NUM(6, "ratio", "%.2f", sc->jac_ratio);
	}
	if (want & AS_SCORE_PSD) {
		/* the predicted codes against the inferred: PSD's encoder
		 * (none for sparse coding) and the least-squares linear fit;
		 * the time per code of each way */
		NUM(6, "pred", "%.3f", sc->psd_rel_err);
		NUM(6, "linear", "%.3f", sc->lin_rel_err);
		NUM(5, "cos", "%.2f", sc->psd_cos); /* PSD's encoder only */
		NUM(6, "us/inf", "%.1f", sc->us_infer);
		NUM(7, "us/pred", "%.2f", sc->us_predict);
	}
	if (want & AS_SCORE_SPARSE) {
		NUM(6, "active", "%.1f", sc->sc_active);
		NUM(6, "resid", "%.3f", sc->sc_residual);
		NUM(6, "|z|1", "%.2f", sc->sc_l1);
		NUM(6, "|atom|", "%.2f", sc->sc_atom_norm);
	}
	if (want & AS_SCORE_FEW) {
		/* the probe's accuracy with 10 and 100 labels a class (the
		 * mean of the draws, their range) and with all */
		NUM(6, "p@10", "%.3f", sc->few_codes[0].mean);
		if (s && (sc->have & AS_SCORE_FEW))
			COL(11, "%.3f-%.3f", sc->few_codes[0].lo,
			    sc->few_codes[0].hi);
		else
			COL(11, "%s", s ? "-" : "range");
		NUM(6, "p@100", "%.3f", sc->few_codes[1].mean);
		NUM(6, "p@all", "%.3f", sc->few_codes[2].mean);
	}
	if (want & AS_SCORE_PCA) {
		NUM(7, "err/PCA", "%.4f", sc->recon_clean / sc->pca_error);
		NUM(6, "maxang", "%.1f", sc->angle_max_deg);
		NUM(7, "meanang", "%.1f", sc->angle_mean_deg);
	}
	if (want & AS_SCORE_LOCAL) {
		NUM(6, "local", "%.3f", sc->localisation);
	}
	if (want & AS_SCORE_HASH) {
		NUM(7, "hamm@10", "%.3f", sc->hash_precision);
		NUM(6, "pix@10", "%.3f", sc->pixel_precision);
		/* codes pushed to binary: their share below 0.1 or above 0.9 */
		NUM(6, "binary", "%.2f", sc->binary_share);
	}
	if (want & AS_SCORE_HASH) {
		NUM(6, "LSH", "%.3f", sc->lsh_precision);
		NUM(7, "PCAsign", "%.3f", sc->pcasign_precision);
	}
	if (want & AS_SCORE_KNN) {
		NUM(6, "kNN", "%.3f", sc->knn_codes);
		NUM(7, "kNN PCA", "%.3f", sc->knn_pca);
	}
	if (want & AS_SCORE_DEEP) {
		NUM(6, "sq.err", "%.2f", sc->recon_sq);
		NUM(6, "PCA", "%.2f", sc->pca_code);
		if (s && isfinite(sc->error))
			snprintf(a, sizeof a, "%.2f+-%.2f", 100 * sc->error,
				 100 * sc->error_se);
		else if (s)
			snprintf(a, sizeof a, "-");
		COL(10, "%s", s ? a : "error %");
		NUM(7, "|dW1|", "%.1e", sc->grad_first);
	}
	if (want & AS_SCORE_NOISE) {
		NUM(7, "R2digit", "%.3f", sc->digit_r2);
		NUM(7, "R2noise", "%.3f", sc->noise_r2);
	}
	/* the decoder's distance from the encoder: ||W' - W^T|| / ||W|| */
	if (s && s->config.model != AS_MODEL_AE) /* sparse coding and PSD:
						  * the atoms decode */
		COL(7, "-");
	else if (s && s->tied)
		COL(7, "tied");
	else if (s)
		COL(7, "%.3f", s->decoder_gap);
	else
		COL(7, "W'-W^T");
#undef NUM
#undef COL
	return k;
}

/* Prints the columns that fit whole in w cells from (y, x). */
static void score_line(int y, int x, int w, char col[SCORE_COLS][24],
		       const int width[SCORE_COLS], int n)
{
	int at = 0;
	for (int i = 0; i < n; i++) {
		int cw = width[i] > (int)strlen(col[i]) ? width[i]
							: (int)strlen(col[i]);
		int gap = i == 0 ? 0 : i == 1 ? 1 : 2;
		if (at + gap + cw > w)
			break;
		if (i == 0)
			mvprintw(y, x, "%-*s", cw, col[i]);
		else
			mvprintw(y, x + at + gap, "%*s", cw, col[i]);
		at += gap + cw;
	}
}

void ui_paint_runs(const struct ui_state *u, const struct as_snapshot *s,
		   const struct ui_rect *r, int full)
{
	(void)s;
	char title[160];
	const struct as_lesson *l = u->lesson;
	size_t k = 0, n = as_lesson_count();
	while (l && k < n && as_lesson_at(k) != l)
		k++;
	if (l && k < n) {
		snprintf(title, sizeof title,
			 "lesson %zu/%zu %s (L: menu, i: pane)", k + 1, n,
			 l->name);
	} else if (l) { /* from a lesson file */
		snprintf(title, sizeof title,
			 "lesson %.40s, from its file (L: menu, i: pane)",
			 l->name);
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
		/* scrolled only alone on the screen, and never past the
		 * notes' last row */
		int skip = full ? u->notes_skip : 0;
		if (skip > 0) {
			int rows = wrap_rows(l->text, w);
			if (skip > rows - 1)
				skip = rows > 0 ? rows - 1 : 0;
		}
		y = wrap(u, y, y1, x, w, l->text, skip, full);
	}
	/* on the dashboard the table keeps to the bottom of the pane; alone
	 * on the screen it follows the notes, a line below them */
	if (full)
		y = y + 1 < y1 ? y + 1 : y1;
	else
		y = y1 > y ? y1 : y;
	char col[SCORE_COLS][24];
	int width[SCORE_COLS];
	int nc = score_cols(u, -1, col, width);
	ui_on(UI_P_TITLE, u);
	score_line(y++, x, w, col, width, nc);
	ui_off(UI_P_TITLE, u);
	for (int i = 0; i < u->n_runs && y < r->y + r->h - 1; i++) {
		nc = score_cols(u, i, col, width);
		ui_on(UI_P_RUN0 + i, u);
		if (i == u->focus)
			attron(A_BOLD);
		score_line(y++, x, w, col, width, nc);
		attroff(A_BOLD);
		ui_off(UI_P_RUN0 + i, u);
	}
	if (y < r->y + r->h - 1) {
		/* the probe's yardstick: the same regression on raw input */
		double raw = NAN;
		for (int i = 0; i < u->n_runs && !isfinite(raw); i++)
			if (u->runs[i].s)
				raw = u->runs[i].s->probe_raw;
		struct ui_fields f;
		ui_fields_init(&f, w);
		const char *sep = "";
		if (isfinite(raw)) {
			ui_fields_add(&f, "probe on raw pixels %.3f", raw);
			sep = "; ";
		}
		if (l) {
			if ((l->scores & AS_SCORE_DEEP) &&
			    strstr(l->settings, "finetune=classify")) {
				ui_fields_add(&f,
					      "%serror %%: held-out "
					      "classification error +- its "
					      "binomial standard error",
					      sep);
				sep = "; ";
			} else if (l->scores & AS_SCORE_DEEP) {
				ui_fields_add(&f,
					      "%ssq.err: 1/2 squared error a "
					      "digit, PCA: as many components "
					      "as the code",
					      sep);
				ui_fields_add(&f, "; |dW1|: the first layer's "
						  "gradient");
				sep = "; ";
			}
			/* each column the lesson's numbers add, its legend */
			static const struct {
				unsigned kind;
				const char *text;
			} legend[] = {
				{AS_SCORE_KNN, "kNN: share of the 10 nearest "
					       "codes with the label"},
				{AS_SCORE_PROBE, "SE: the probe's binomial "
						 "standard error"},
				{AS_SCORE_CHAIN, "start / 10 / 100: the chains' "
						 "mean pixel value after so "
						 "many steps"},
				{AS_SCORE_MAP,
				 "slant: R^2 of a digit's slant from its 10 "
				 "nearest on the map (PCA-2: on PCA-2 of the "
				 "pixels); shift: the share of them of its own "
				 "shift; copies: the distance between a "
				 "digit's shifted copies over any two's"},
				{AS_SCORE_PARTS,
				 "u90: the median units carrying 90% of a "
				 "digit's decoder input; >64: the share needing "
				 "more"},
				{AS_SCORE_JACOBIAN,
				 "|J|F: ||dh/dx||_F; along, across: rms ||J v|| "
				 "for v towards the nearest training digit and "
				 "for random v; ratio: along / across"},
				{AS_SCORE_PSD,
				 "pred, linear: ||zp - z*|| / ||z*|| of PSD's "
				 "encoder and of a linear fit, z* sparse "
				 "coding's; cos: PSD's filters against its "
				 "atoms; us a code inferred, predicted; PSD's "
				 "clean err from its predicted code"},
				{AS_SCORE_SPARSE,
				 "active: non-zero coefficients a code; resid: "
				 "the residual's share of the energy; |atom|: "
				 "mean atom norm"},
			};
			for (size_t i = 0; i < sizeof legend / sizeof legend[0];
			     i++)
				if (l->scores & legend[i].kind) {
					ui_fields_add(&f, "%s%s", sep,
						      legend[i].text);
					sep = "; ";
				}
			const struct as_snapshot *fs = u->runs[u->focus].s;
			if ((l->scores & AS_SCORE_FEW) && fs &&
			    (fs->scores.have & AS_SCORE_FEW)) {
				const struct as_scores *q = &fs->scores;
				ui_fields_add(&f,
					      "%sraw pixels %.3f / %.3f / %.3f",
					      sep, q->few_raw[0].mean,
					      q->few_raw[1].mean,
					      q->few_raw[2].mean);
				ui_fields_add(&f, ", PCA %.3f / %.3f / %.3f",
					      q->few_pca[0].mean,
					      q->few_pca[1].mean,
					      q->few_pca[2].mean);
				ui_fields_add(&f, " (10 / 100 / all labels a "
						  "class; range: of 5 draws)");
				sep = "; ";
			}
			ui_fields_add(&f,
				      "%sclean err: the loss rebuilding clean "
				      "held-out input",
				      sep);
			ui_fields_add(&f, "; W'-W^T: ||W' - W^T|| / ||W||");
		} else {
			ui_fields_add(&f,
				      "%sp: linear probe of the focused run",
				      sep);
		}
		ui_on(UI_P_DIM, u);
		mvprintw(y, x, "%s", f.text);
		ui_off(UI_P_DIM, u);
	}
}

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
		char cap[48] = "the dots";
		int pair = UI_P_DIM;
		if (row) {
			ui_run_caption(u, run, cap, sizeof cap);
			pair = UI_P_RUN0 + run;
		}
		ui_on(pair, u);
		mvprintw(y + (sz.cell_h - 1) / 2, r->x + 1, "%.*s", label_w - 2,
			 cap);
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
		char cap[48] = "they started from";
		int pair = UI_P_DIM;
		if (row) {
			ui_run_caption(u, run, cap, sizeof cap);
			pair = UI_P_RUN0 + run;
		}
		ui_on(pair, u);
		mvprintw(y + (sz.cell_h - 1) / 2, r->x + 1, "%.*s", label_w - 2,
			 cap);
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
