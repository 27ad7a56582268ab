/* A held-out digit by parts (the tutorial's figure 4): its largest code
 * units, their decoder columns, and the reconstruction as they are added
 * one by one; how many units carry 90% of what the code puts into the
 * decoder. One-layer runs (autoencoders and sparse coding); < > another
 * digit when the view is alone on the screen. */
#include <curses.h>
#include <string.h>
#include <stdio.h>

#include "view.h"

/* The sample the parts views show (< > choose it; a code of zeros, a
 * flat patch, has no parts: the next that has), or -1 with the box drawn
 * and the reason said when the run has none (deep runs). */
static int pick_sample(const struct ui_state *u, const struct as_snapshot *s,
		       const struct ui_rect *r, const char *empty_title)
{
	if (!s || s->n_parts == 0) {
		ui_box(r, empty_title, u);
		mvprintw(r->y + 1, r->x + 2, "%.*s", r->w - 4,
			 "(one-layer runs: a deep stack has no single decoder)");
		return -1;
	}
	int e = u->query < 0 ? 0 : u->query % (int)s->n_parts;
	for (int t = 0; t < (int)s->n_parts && s->parts[e].k == 0; t++)
		e = (e + 1) % (int)s->n_parts;
	return e;
}

void ui_paint_parts(const struct ui_state *u, const struct as_snapshot *s,
		    const struct ui_rect *r, int full)
{
	int e = pick_sample(u, s, r, "a digit by parts");
	if (e < 0)
		return;
	const struct as_parts *p = &s->parts[e];
	struct ui_fields f;
	ui_fields_init(&f, r->w - 6);
	if (u->n_runs > 1)
		ui_fields_add(&f, "run %d: ", u->focus + 1);
	ui_fields_add(&f, "held-out %s %d of %zu by parts",
		      s->rows >= 16 ? "digit" : "example", e + 1, s->n_parts);
	if (p->units_90 > AS_PARTS_MAX)
		ui_fields_add(&f, ": more than %d units carry 90%%",
			      AS_PARTS_MAX);
	else
		ui_fields_add(&f, ": %d unit%s of %zu carry 90%%", p->units_90,
			      p->units_90 == 1 ? "" : "s", s->n_hidden);
	if (full)
		ui_fields_add(&f, " (< > another)");
	ui_box(r, f.text, u);
	int k = p->k;
	if (k == 0) {
		mvprintw(r->y + 1, r->x + 2, "%.*s", r->w - 4,
			 "(every sample's code is zero: nothing reaches the "
			 "decoder)");
		return;
	}
	int label_w = 8;
	/* three rows of pictures: the digit and its rebuild, the units'
	 * decoder columns, the partial sums; a line of numbers under the
	 * middle row */
	struct ui_size sz;
	int how = (full ? 2 : 1) | (u->quads ? UI_QUADS : 0);
	int w = (r->w - 2 - label_w) / k - 1, h = (r->h - 2 - 1) / 3 - 1;
	/* (pictures of a fifth of their pixels or less read as blots) */
	if (ui_fit_size(w, h, s->rows, s->cols, how, &sz) != 0 ||
	    sz.px_h < (int)s->rows / 5) {
		mvprintw(r->y + 1, r->x + 2, "%.*s", r->w - 4,
			 "(v, or a larger terminal, shows the parts)");
		return;
	}
	size_t nv = s->n_visible;
	int own = !s->unit_range;
	int x0 = r->x + 1 + label_w, y = r->y + 1;
	const char *names[3] = {"digit", "units", "sums"};
	for (int row = 0; row < 3; row++) {
		int ry = y + row * (sz.cell_h + 1) + (row == 2);
		ui_on(UI_P_DIM, u);
		mvprintw(ry + (sz.cell_h - 1) / 2, r->x + 1, "%s", names[row]);
		ui_off(UI_P_DIM, u);
		if (row == 0) {
			ui_image(u, ry, x0, s->clean + (size_t)e * nv, s->rows,
				 s->cols, &sz, own);
			ui_image(u, ry, x0 + sz.cell_w + 1,
				 s->recon + (size_t)e * nv, s->rows, s->cols,
				 &sz, own);
			struct ui_fields nf;
			int tx = x0 + 2 * (sz.cell_w + 1) + 1;
			ui_fields_init(&nf, r->x + r->w - 2 - tx);
			ui_fields_add(&nf, "<- the digit, its reconstruction;");
			ui_fields_add(&nf, " below, its largest units");
			ui_fields_add(&nf, " (code values under them)");
			ui_fields_add(&nf, " and the sums as each is added");
			ui_on(UI_P_DIM, u);
			mvprintw(ry + (sz.cell_h - 1) / 2, tx, "%s", nf.text);
			ui_off(UI_P_DIM, u);
			continue;
		}
		const float *img = row == 1 ? s->parts_cols : s->parts_img;
		for (int j = 0; j < k; j++) {
			int tx = x0 + j * (sz.cell_w + 1);
			ui_image(u, ry, tx,
				 img + ((size_t)e * AS_PARTS_K + (size_t)j) * nv,
				 s->rows, s->cols, &sz,
				 row == 1 ? 1 : own);
			/* its code value under it, as it fits the cell */
			if (row == 1 && sz.cell_w >= 6)
				mvprintw(ry + sz.cell_h, tx, "%+.2f",
					 p->code[j]);
			else if (row == 1 && sz.cell_w >= 4)
				mvprintw(ry + sz.cell_h, tx, "%+.1f",
					 p->code[j]);
		}
	}
}

static void part_prev(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	u->query = u->query > 0 ? u->query - 1 : 0;
}

static void part_next(struct ui_state *u, const struct as_snapshot *s)
{
	int n = s && s->n_parts ? (int)s->n_parts : 1;
	u->query = u->query + 1 < n ? u->query + 1 : n - 1;
}

const struct ui_key ui_parts_keys[] = {
	{'<', ',', "< >", "another held-out digit", part_prev},
	{'>', '.', NULL, NULL, part_next},
	{0, 0, NULL, NULL, NULL},
};

/* A 2-D code's plane (Hinton & Salakhutdinov's codes lesson): the decoder
 * at AS_PLANE x AS_PLANE points over the range of the held-out codes,
 * code 1 across, code 2 up: the manifold the decoder learned. A DrLIM map
 * has no decoder: the held-out digit nearest each point instead (Hadsell
 * et al.'s figures), blank where none falls. */
void ui_paint_plane(const struct ui_state *u, const struct as_snapshot *s,
		    const struct ui_rect *r, int full)
{
	(void)full;
	if (!s || !s->has_plane) {
		int drlim = s && s->config.model == AS_MODEL_DRLIM;
		ui_box(r, drlim ? "the map" : "the code plane", u);
		mvprintw(r->y + 1, r->x + 2, "%.*s", r->w - 4,
			 drlim ? "(a map of a two-unit code; this one has more)"
			       : "(runs whose trained code has two units)");
		return;
	}
	int map = s->config.model == AS_MODEL_DRLIM;
	struct ui_fields f;
	ui_fields_init(&f, r->w - 6);
	if (map && u->n_runs > 1)
		ui_fields_add(&f, "run %d: ", u->focus + 1);
	const char *what = map ? "held-out digits at their places on "
					  "the map"
					: "the decoder over the code plane";
	if (f.len + (int)strlen(what) > f.w) /* a narrow pane: the short name */
		what = map ? "the map" : "the code plane";
	ui_fields_add(&f, "%s", what);
	ui_fields_add(&f, ": code 1 from %.2g to %.2g across", s->plane_lo[0],
		      s->plane_hi[0]);
	ui_fields_add(&f, ", code 2 from %.2g up to %.2g", s->plane_lo[1],
		      s->plane_hi[1]);
	ui_box(r, f.text, u);
	struct ui_size sz;
	int how = 2 | (u->quads ? UI_QUADS : 0);
	if (ui_fit_size((r->w - 2) / AS_PLANE - 1, (r->h - 2) / AS_PLANE - 1,
			s->rows, s->cols, how, &sz) != 0) {
		mvprintw(r->y + 1, r->x + 2, "%.*s", r->w - 4,
			 map ? "(v, or a larger terminal, shows the map)"
				 : "(v, or a larger terminal, shows the plane)");
		return;
	}
	for (int i = 0; i < AS_PLANE; i++)
		for (int j = 0; j < AS_PLANE; j++)
			ui_image(u, r->y + 1 + i * (sz.cell_h + 1),
				 r->x + 1 + j * (sz.cell_w + 1),
				 s->plane + (size_t)(i * AS_PLANE + j) *
						    s->n_visible,
				 s->rows, s->cols, &sz, !s->unit_range);
}

/* One code unit dialled (the decoder's view of a unit): the digit's
 * AS_TRAV_UNITS largest units, each a row, set in turn to AS_TRAV_T
 * values from 0 to 1 (a sigmoid code; otherwise to twice its value), the
 * others held, and the decoder's picture of each. */
void ui_paint_traverse(const struct ui_state *u, const struct as_snapshot *s,
		       const struct ui_rect *r, int full)
{
	int e = pick_sample(u, s, r, "a unit dialled");
	if (e < 0)
		return;
	const struct as_parts *p = &s->parts[e];
	int rows = p->k < AS_TRAV_UNITS ? p->k : AS_TRAV_UNITS;
	int sig = s->config.model == AS_MODEL_AE &&
		  s->config.encoder == AS_ACT_SIGMOID;
	struct ui_fields f;
	ui_fields_init(&f, r->w - 6);
	if (u->n_runs > 1)
		ui_fields_add(&f, "run %d: ", u->focus + 1);
	ui_fields_add(&f, "%s %d of %zu", s->rows >= 16 ? "digit" : "example",
		      e + 1, s->n_parts);
	ui_fields_add(&f, ": its largest units dialled");
	ui_fields_add(&f, sig ? " from 0 to 1" : " from 0 to twice its value");
	ui_fields_add(&f, ", the rest held");
	if (full)
		ui_fields_add(&f, " (< > another)");
	ui_box(r, f.text, u);
	if (rows == 0) {
		mvprintw(r->y + 1, r->x + 2, "%.*s", r->w - 4,
			 "(its code is zero: nothing to dial)");
		return;
	}
	/* a column for the digit, then the values; a label column */
	int label_w = 11;
	struct ui_size sz;
	int how = (full ? 2 : 1) | (u->quads ? UI_QUADS : 0);
	int w = (r->w - 2 - label_w) / (AS_TRAV_T + 1) - 1;
	int h = (r->h - 2 - 1) / rows - 1;
	if (ui_fit_size(w, h, s->rows, s->cols, how, &sz) != 0 ||
	    sz.px_h < (int)s->rows / 5) {
		mvprintw(r->y + 1, r->x + 2, "%.*s", r->w - 4,
			 "(v, or a larger terminal, shows them)");
		return;
	}
	size_t nv = s->n_visible;
	int own = !s->unit_range;
	int x0 = r->x + 1 + label_w;
	for (int row = 0; row < rows; row++) {
		int ry = r->y + 1 + row * (sz.cell_h + 1);
		ui_on(UI_P_DIM, u);
		mvprintw(ry + (sz.cell_h - 1) / 2, r->x + 1, "unit %-5u",
			 p->unit[row] + 1);
		if (sz.cell_h >= 2)
			mvprintw(ry + (sz.cell_h - 1) / 2 + 1, r->x + 1,
				 "is %+.2f", p->code[row]);
		ui_off(UI_P_DIM, u);
		if (row == 0)
			ui_image(u, ry, x0, s->clean + (size_t)e * nv, s->rows,
				 s->cols, &sz, own);
		for (int t = 0; t < AS_TRAV_T; t++)
			ui_image(u, ry, x0 + (t + 1) * (sz.cell_w + 1),
				 s->trav + (((size_t)e * AS_TRAV_UNITS + row) *
						    AS_TRAV_T +
					    t) * nv,
				 s->rows, s->cols, &sz, own);
	}
	/* the values under the last row, as they fit */
	int vy = r->y + 1 + rows * (sz.cell_h + 1) - 1;
	if (vy < r->y + r->h - 1 && sz.cell_w >= 5)
		for (int t = 0; t < AS_TRAV_T; t++)
			mvprintw(vy, x0 + (t + 1) * (sz.cell_w + 1), "%.2f",
				 s->trav_hi[e][rows - 1] * (float)t /
					 (AS_TRAV_T - 1));
}
