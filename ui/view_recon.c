/* Held-out digits: clean, corrupted and reconstructed, at the largest
 * size that shows a few (at their own 28 x 28 pixels wherever that fits),
 * stacked in three rows or side by side in triplets. (A lesson on copying
 * shows random dots rebuilt in its lesson view.) */
#include <curses.h>
#include <stdio.h>

#include "view.h"

static void triplets(const struct ui_state *u, const struct as_snapshot *s,
		     const struct ui_rect *r, int full)
{
	struct ui_digits d;
	int w = r->w - 2, h = r->h - 2;
	/* a digit per 2,000 cells of the pane (4,000 alone on the screen,
	 * up to twice their size), one to four, as large as they come; but
	 * the true 28 x 28 pixels rather than more digits wherever one
	 * triplet fits them: reduced, a pixel keeps the brightest of its
	 * block and the masked pixels inside a stroke vanish (seen at
	 * 200x60). At 120x40 and 200x60 one triplet at 28 x 28 (two and six
	 * alone), at 80x24 one at 14 x 14 */
	int how = (full ? 2 : 1) | (u->quads ? UI_QUADS : 0);
	int per = full ? 4000 : 2000;
	int want = (w * h + per - 1) / per;
	want = want < 1 ? 1 : want > 4 ? 4 : want;
	ui_digits_fit(w, h, s->rows, s->cols, (int)s->n_recon, want, how, &d);
	if (d.sz.px_h < (int)s->rows) {
		struct ui_digits one;
		ui_digits_fit(w, h, s->rows, s->cols, (int)s->n_recon, 1, how,
			      &one);
		if (one.n && one.sz.px_h >= (int)s->rows)
			d = one;
	}
	struct ui_fields f;
	ui_fields_init(&f, r->w - 6);
	/* whose digits (with several runs, the focused one's); "examples"
	 * for data that are not digits, as patches */
	const char *what = s->rows >= 16 ? "digits" : "examples";
	char whose[64] = "";
	if (u->n_runs > 1) {
		char cap[48];
		ui_run_caption(u, u->focus, cap, sizeof cap);
		snprintf(whose, sizeof whose, " of %s", cap);
	}
	/* a model that trains on no noise sees the clean input */
	int noisy = as_param_fits_model(as_param_find("corruption_level"),
					&s->config);
	if (!ui_fields_add(&f, "held-out %s%s: clean / %s / reconstructed",
			   what, whose, noisy ? "corrupted" : "input")) {
		ui_fields_init(&f, r->w - 6);
		ui_fields_add(&f, "held-out %s%s", what, whose);
	}
	if (!d.n)
		ui_fields_add(&f, " (no room)");
	if (d.n)
		ui_fields_add(&f, ", %dx%d px", d.sz.px_w, d.sz.px_h);
	ui_box(r, f.text, u);
	if (!d.n)
		return;
	const char *labels[3] = {"clean", noisy ? "noisy" : "input", "recon"};
	const float *img[3] = {s->clean, s->corrupted, s->recon};
	int cw = d.sz.cell_w, ch = d.sz.cell_h;
	int own = !s->unit_range;
	if (d.stacked) {
		for (int row = 0; row < 3; row++) {
			int y = r->y + 1 + row * (ch + 1);
			ui_on(UI_P_DIM, u);
			mvprintw(y + (ch - 1) / 2, r->x + 1, "%s", labels[row]);
			ui_off(UI_P_DIM, u);
			for (int i = 0; i < d.n; i++)
				ui_image(u, y,
					 r->x + 1 + UI_DIGITS_LABEL_W +
						 i * (cw + 1),
					 img[row] + (size_t)i * s->n_visible,
					 s->rows, s->cols, &d.sz, own);
		}
		return;
	}
	int tw = 3 * cw + 2;
	for (int i = 0; i < d.n; i++) {
		int gx = i % d.across, gy = i / d.across;
		int x = r->x + 1 + gx * (tw + 2);
		int y = r->y + 2 + gy * (ch + 1);
		for (int k = 0; k < 3; k++) {
			if (gy == 0) {
				ui_on(UI_P_DIM, u);
				mvprintw(r->y + 1, x + k * (cw + 1), "%.*s", cw,
					 labels[k]);
				ui_off(UI_P_DIM, u);
			}
			ui_image(u, y, x + k * (cw + 1),
				 img[k] + (size_t)i * s->n_visible, s->rows,
				 s->cols, &d.sz, own);
		}
	}
}

void ui_paint_digits(const struct ui_state *u, const struct as_snapshot *s,
		     const struct ui_rect *r, int full)
{
	/* a DrLIM mapping rebuilds nothing: its digits are on its map */
	if (s && s->config.model == AS_MODEL_DRLIM) {
		ui_paint_plane(u, s, r, full);
		return;
	}
	triplets(u, s, r, full);
}
