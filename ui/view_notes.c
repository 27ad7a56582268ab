/* The "runs and notes" view: every run's numbers as a table (the columns
 * the lesson's scores ask for, a narrow pane dropping whole columns), the
 * lesson's notes word-wrapped beneath, and their scrolling keys. */
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
	if (want & AS_SCORE_SESM) {
		/* code inference: the energy at the prediction and after
		 * descent, the encoder and decoder alike, the mean code */
		NUM(7, "E^", "%.3f", sc->sesm_e_pred);
		NUM(7, "E*", "%.3f", sc->sesm_e_star);
		NUM(5, "cos", "%.2f", sc->sesm_cos);
		NUM(6, "mean a", "%.3f", sc->sesm_mean_a);
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
				{AS_SCORE_SESM,
				 "E^, E*: the energy at the encoder's "
				 "prediction and after the descent; cos: "
				 "encoder rows against decoder columns (1 "
				 "tied); mean a: the mean code value"},
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
