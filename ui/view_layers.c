/* The layers of the focused run: which stage trains, and per layer its
 * units, activation, mean code value, share of codes near 0 or 1 (codes
 * becoming binary), the gradient norm of its last step (the stall of deep
 * nets from small weights: the first layers' gradients vanish) and a
 * histogram of its code values. The numbers are the trainer's, on the
 * first AS_SNAP_STATS held-out examples, twice a second. */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "view.h"

void ui_paint_layers(const struct ui_state *u, const struct as_snapshot *s,
		     const struct ui_rect *r, int full)
{
	(void)full;
	char stage[64], title[128];
	as_config_stage_name(&s->config, stage, sizeof stage);
	snprintf(title, sizeof title, "layers: %s", stage);
	ui_box(r, title, u);
	int x = r->x + 2, y = r->y + 1, w = r->w - 4;
	if (w < 30 || r->h < 4)
		return;
	/* the histogram gets what the numbers leave */
	const int numbers = 46;
	int hist_w = w - numbers - 2;
	int per_bin = hist_w >= AS_SNAP_BINS ? 1 : 0;
	ui_on(UI_P_DIM, u);
	mvprintw(y++, x, "%-*.*s", w, w,
		 per_bin ? "layer units  act  mean  binary  |dL/dW|   codes, "
			   "0 to 1"
			 : "layer units  act  mean  binary  |dL/dW|");
	ui_off(UI_P_DIM, u);
	for (size_t k = 0; k < s->n_layers && y < r->y + r->h - 1; k++) {
		const struct as_layer_stats *ls = &s->layer[k];
		int trained = k < s->depth;
		int now = s->config.stage == (int)k ||
			  s->config.stage == (int)s->n_layers;
		int sig = k + 1 < s->n_layers ||
			  s->config.encoder == AS_ACT_SIGMOID;
		char bin[16] = "   -  ", grad[16] = "      -";
		if (isfinite(ls->binary))
			snprintf(bin, sizeof bin, "%5.1f%%", 100 * ls->binary);
		if (now && ls->grad_norm > 0)
			snprintf(grad, sizeof grad, "%8.1e", ls->grad_norm);
		if (now)
			ui_on(UI_P_OK, u);
		else if (!trained)
			ui_on(UI_P_DIM, u);
		mvprintw(y, x, "%c%-4zu %5zu %4s %5.2f  %s  %s", now ? '>' : ' ',
			 k + 1, s->sizes[k + 1], sig ? "sig" : "lin",
			 ls->mean_act, bin, grad);
		if (now)
			ui_off(UI_P_OK, u);
		else if (!trained)
			ui_off(UI_P_DIM, u);
		if (per_bin) {
			float top = 0;
			for (int b = 0; b < AS_SNAP_BINS; b++)
				top = ls->hist[b] > top ? ls->hist[b] : top;
			ui_on(UI_P_HELDOUT, u);
			for (int b = 0; b < AS_SNAP_BINS; b++)
				ui_bar(u, y, x + numbers + b, 1,
				       top > 0 ? ls->hist[b] / top : 0);
			ui_off(UI_P_HELDOUT, u);
			move(y, x + numbers + AS_SNAP_BINS);
			if (!sig && hist_w >= AS_SNAP_BINS + 16)
				printw(" %.2g..%.2g", ls->lo, ls->hi);
		}
		y++;
	}
	if (y < r->y + r->h - 1 && isfinite(s->error))
		mvprintw(y++, x, "held-out classification error %.2f%%",
			 100 * s->error);
	ui_on(UI_P_DIM, u);
	if (y < r->y + r->h - 1)
		mvprintw(y++, x, "%-*.*s", w, w,
			 w >= 62 ? "o / O next / previous stage;  y / Y the "
				   "layer whose filters show"
				 : "o / O stage;  y / Y filters of a layer");
	ui_off(UI_P_DIM, u);
}
