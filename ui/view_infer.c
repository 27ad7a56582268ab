/* Code inference (model sesm, the tutorial's Layer_Infer): for a
 * held-out digit, the energy at each descent step from the encoder's
 * prediction, the code predicted a(z^) and inferred a(z*) unit by unit,
 * and the digit rebuilt from each. The numbers are the trainer's, twice
 * a second (snapshot.h); < > another digit when the view is alone (the
 * parts' keys: the same held-out samples). */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h> /* qsort */

#include "view.h"

/* the order of the units by their inferred value, largest first */
static const float *sort_key;
static int by_key(const void *a, const void *b)
{
	float x = sort_key[*(const int *)a], y = sort_key[*(const int *)b];
	return (y > x) - (y < x);
}

void ui_paint_infer(const struct ui_state *u, const struct as_snapshot *s,
		    const struct ui_rect *r, int full)
{
	if (!s || s->n_infer == 0) {
		ui_box(r, "code inference", u);
		mvprintw(r->y + 1, r->x + 2, "%.*s", r->w - 4,
			 "(runs whose codes are inferred: --model sesm)");
		return;
	}
	int e = u->query < 0 ? 0 : u->query % (int)s->n_infer;
	int t = s->infer_t;
	const float *en = s->infer_energy + (size_t)e * (size_t)(t + 1);
	size_t k = s->n_hidden, nv = s->n_visible;
	const float *ap = s->code_pred + (size_t)e * k;
	const float *as = s->code_star + (size_t)e * k;
	struct ui_fields f;
	ui_fields_init(&f, r->w - 6);
	if (u->n_runs > 1)
		ui_fields_add(&f, "run %d: ", u->focus + 1);
	ui_fields_add(&f, "held-out %s %d of %zu",
		      s->rows >= 16 ? "digit" : "example", e + 1, s->n_infer);
	ui_fields_add(&f, ": its code inferred from the encoder's prediction");
	ui_fields_add(&f, " by %d descent steps of %g", s->config.sesm_iters,
		      s->config.sesm_step);
	if (full)
		ui_fields_add(&f, " (< > another)");
	ui_box(r, f.text, u);
	int x0 = r->x + 2, y = r->y + 1, w = r->w - 4;
	int bottom = r->y + r->h - 1; /* the box's lower edge */
	if (w < 24 || r->h < 8) {
		mvprintw(y, x0, "%.*s", w, "(v, or a larger terminal)");
		return;
	}
	/* the numbers */
	double diff = 0, norm = 0;
	for (size_t j = 0; j < k; j++) {
		diff += ((double)ap[j] - as[j]) * ((double)ap[j] - as[j]);
		norm += (double)as[j] * as[j];
	}
	struct ui_fields nf;
	ui_fields_init(&nf, w);
	ui_fields_add(&nf, "energy %.3g at the prediction, %.3g after %d "
			   "steps (%+.1f%%)",
		      en[0], en[t], s->config.sesm_iters,
		      en[0] > 0 ? 100.0 * (en[t] - en[0]) / en[0] : 0.0);
	if (norm > 0)
		ui_fields_add(&nf, "; the code moved %.3f of its length",
			      sqrt(diff / norm));
	mvprintw(y++, x0, "%s", nf.text);
	/* the pictures at the left: the digit, rebuilt from a(z^), from
	 * a(z*); the curve and the codes share the rest */
	int rest_h = bottom - y;
	struct ui_size sz;
	int how = (full ? 2 : 1) | (u->quads ? UI_QUADS : 0);
	int pic = ui_fit_size((w / 2) / 3 - 1, rest_h / 2 - 1, s->rows,
			      s->cols, how, &sz) == 0 &&
		  sz.px_h >= (int)s->rows / 5;
	int cx = x0; /* where the curve and the codes begin */
	if (pic) {
		const char *names[3] = {"digit", "predicted", "inferred"};
		const float *img[3] = {s->clean + (size_t)e * nv,
				       s->recon + (size_t)e * nv,
				       s->infer_recon + (size_t)e * nv};
		int own = !s->unit_range;
		for (int i = 0; i < 3; i++) {
			int ix = x0 + i * (sz.cell_w + 1);
			ui_image(u, y, ix, img[i], s->rows, s->cols, &sz, own);
			ui_on(UI_P_DIM, u);
			mvprintw(y + sz.cell_h, ix, "%.*s", sz.cell_w,
				 names[i]);
			ui_off(UI_P_DIM, u);
		}
		cx = x0 + 3 * (sz.cell_w + 1) + 1;
	}
	int cw = x0 + w - cx;
	if (cw < 16) {
		mvprintw(y + rest_h - 1, x0, "%.*s", w,
			 "(v, or a wider terminal, shows the curve and codes)");
		return;
	}
	/* the energy against the step: a column a step, or steps sampled */
	int ch = rest_h / 2 - 2;
	int ch_max = full ? 16 : 8; /* alone, the screen's height for them */
	ch = ch < 2 ? 2 : ch > ch_max ? ch_max : ch;
	double lo = en[0], hi = en[0];
	for (int i = 0; i <= t; i++) {
		lo = en[i] < lo ? en[i] : lo;
		hi = en[i] > hi ? en[i] : hi;
	}
	int label_w = 9, pw = cw - label_w;
	int cols = t + 1 < pw ? t + 1 : pw;
	ui_on(UI_P_DIM, u);
	mvprintw(y, cx, "%-*.*s", cw, cw, "energy at each descent step");
	mvprintw(y + 1, cx, "%8.4g", hi);
	mvprintw(y + ch, cx, "%8.4g", lo);
	ui_off(UI_P_DIM, u);
	/* the axis from a little under the least value, so the fall shows */
	double base = lo - 0.15 * (hi - lo + 1e-12);
	ui_on(UI_P_HELDOUT, u);
	for (int c = 0; c < cols; c++) {
		int i = cols > 1 ? (int)lround((double)c * t / (cols - 1)) : 0;
		double v = hi > base ? (en[i] - base) / (hi - base) : 1;
		ui_bar(u, y + 1, cx + label_w + c, ch, v);
	}
	ui_off(UI_P_HELDOUT, u);
	ui_on(UI_P_DIM, u);
	mvprintw(y + ch + 1, cx + label_w, "step 0");
	char last[16]; /* the last column is the last step's */
	int n = snprintf(last, sizeof last, "%d", s->config.sesm_iters);
	if (cols > 8 + n)
		mvprintw(y + ch + 1, cx + label_w + cols - n, "%s", last);
	ui_off(UI_P_DIM, u);
	/* the codes: the largest inferred units, predicted over inferred */
	int cy = y + ch + 3, rows_left = bottom - cy;
	int bh = (rows_left - 2) / 2;
	if (bh < 1)
		return;
	bh = bh > ch_max / 2 ? ch_max / 2 : bh;
	if (k > AS_UNITS_MAX)
		return;
	int units = pw < (int)k ? pw : (int)k;
	int order[AS_UNITS_MAX]; /* k <= AS_UNITS_MAX: no allocation a frame */
	for (size_t j = 0; j < k; j++)
		order[j] = (int)j;
	sort_key = as;
	qsort(order, k, sizeof *order, by_key);
	const char *lab[2] = {"predicted", "inferred"};
	const float *code[2] = {ap, as};
	ui_on(UI_P_DIM, u);
	mvprintw(cy - 1, cx, "%-*.*s", cw, cw,
		 units < (int)k ? "the code, its largest units as inferred"
				: "the code, units by their inferred value");
	ui_off(UI_P_DIM, u);
	for (int row = 0; row < 2; row++) {
		int by = cy + row * (bh + 1);
		ui_on(UI_P_DIM, u);
		mvprintw(by + bh - 1, cx, "%-9s", lab[row]);
		ui_off(UI_P_DIM, u);
		ui_on(row ? UI_P_HELDOUT : UI_P_TRAIN, u);
		for (int c = 0; c < units; c++)
			ui_bar(u, by, cx + label_w + c, bh,
			       code[row][order[c]]);
		ui_off(row ? UI_P_HELDOUT : UI_P_TRAIN, u);
	}
}
