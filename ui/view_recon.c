/* Held-out digits: clean, corrupted and reconstructed rows. */
#include <curses.h>

#include "view.h"

void ui_view_recon(struct ui_state *u, const struct as_snapshot *s)
{
	const struct ui_rect *r = &u->lay.recon;
	ui_box(r, "held-out digits: clean / corrupted / reconstructed", u);
	int label_w = 6;
	int n = (int)s->n_recon;
	/* three rows of images: the largest px whose three rows fit */
	int px = (int)s->cols;
	for (; px > 4; px--) {
		int ph = (int)((double)px * (double)s->rows / (double)s->cols +
			       0.5);
		int ch = (ph + 1) / 2;
		int across = (r->w - 3 - label_w) / (px + 1);
		if (3 * (ch + 1) <= r->h - 2 && across >= (n < 5 ? n : 5))
			break;
	}
	int ph = (int)((double)px * (double)s->rows / (double)s->cols + 0.5);
	int ch = (ph + 1) / 2;
	int across = (r->w - 3 - label_w) / (px + 1);
	if (across > n)
		across = n;
	if (across <= 0 || 3 * (ch + 1) > r->h - 1) {
		ui_on(UI_P_DIM, u);
		mvprintw(r->y + r->h / 2, r->x + 2, "%.*s", r->w - 4,
			 "(a taller terminal shows them)");
		ui_off(UI_P_DIM, u);
		return;
	}
	const char *labels[3] = {"clean", "noisy", "recon"};
	const float *rows3[3] = {s->clean, s->corrupted, s->recon};
	for (int row = 0; row < 3; row++) {
		int y = r->y + 1 + row * (ch + 1);
		ui_on(UI_P_DIM, u);
		mvprintw(y + ch / 2, r->x + 1, "%s", labels[row]);
		ui_off(UI_P_DIM, u);
		for (int i = 0; i < across; i++)
			ui_image(u, y, r->x + 2 + label_w + i * (px + 1),
				 rows3[row] + (size_t)i * s->n_visible, s->rows,
				 s->cols, px, !s->unit_range);
	}
}
