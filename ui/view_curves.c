/* The loss chart in Braille dots: training and held-out curves (one run)
 * or every run's training curve, the PCA baseline, the axes, the change
 * markers with their numbers for the whole run, a break where the
 * objective changed, and a key that always stays. */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot.h"
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

static struct ui_plot plot; /* 350 kB: the UI thread's, reused */

enum { L_PCA = 0, L_RUN0 = 1, L_HELDOUT = 5 };

static int layer_pair(int layer, int several)
{
	if (layer == L_PCA)
		return UI_P_PCA;
	if (layer == L_HELDOUT)
		return UI_P_HELDOUT;
	return several ? UI_P_RUN0 + layer - L_RUN0 : UI_P_TRAIN;
}

static void put_glyph(int y, int x, int ch)
{
	cchar_t cc;
	wchar_t wc[2] = {(wchar_t)ch, 0};
	setcchar(&cc, wc, A_NORMAL, 0, NULL);
	mvadd_wch(y, x, &cc);
}

static void legend_item(const struct as_change *c, int number, char *buf,
			size_t n)
{
	snprintf(buf, n, "%d %s %s>%s  ", number, c->param, c->old_value,
		 c->new_value);
}

void ui_paint_chart(const struct ui_state *u, const struct as_snapshot *s,
		    const struct ui_rect *r, int full)
{
	(void)full;
	int several = u->n_runs > 1;
	static const char *const xnames[UI_X_MODES] = {"", ", recent quarter",
						       ", log x"};
	char title[128];
	snprintf(title, sizeof title, "%sloss per example%s%s%s",
		 several ? "training " : "", u->log_scale ? ", log y" : "",
		 u->smooth ? ", EMA" : "", xnames[u->xmode % UI_X_MODES]);
	ui_box(r, title, u);
	const int yl = 8;
	int pw = r->w - 2 - yl;
	/* below the plot: the axis, its labels, the key, then as many
	 * lines of the change legend as fit (one at least on a tall pane) */
	int legend_lines = r->h >= 16 ? 2 : 1;
	int ph = r->h - 2 - 3 - legend_lines;
	if (pw < 6 || ph < 2)
		return;
	/* PCA's line where the stage's loss is in pixels too: a one-layer
	 * run, a deep run's first layer or its fine-tuning on reconstruction
	 * (a deeper layer rebuilds the codes below it) */
	int pixels = s->config.stage == 0 ||
		     (s->config.stage >= s->config.n_layers &&
		      s->config.finetune == AS_FINETUNE_RECON);
	int pca = s->config.loss == AS_LOSS_MSE && isfinite(s->pca_error) &&
		  s->pca_k > 0 && pixels;
	struct ui_curve cv[AS_RUNS_MAX + 1];
	size_t nc = 0;
	double ema = u->smooth ? 0.9 : 0;
	if (several) {
		for (int i = 0; i < u->n_runs; i++)
			if (u->runs[i].s)
				cv[nc++] = (struct ui_curve){
					&u->runs[i].s->history, 0, ema, 0};
	} else {
		cv[nc++] = (struct ui_curve){&s->history, 0, ema, 0};
		/* without colour the held-out curve is its points */
		cv[nc++] = (struct ui_curve){&s->history, 1, 0,
					     u->colors == UI_MONO};
	}
	ui_plot_axes(&plot, pw, ph, u->xmode % UI_X_MODES, u->log_scale, cv, nc,
		     pca ? s->pca_error : NAN);
	plot.n_layers = 0;
	if (pca)
		ui_plot_hline(&plot, L_PCA, s->pca_error);
	else
		ui_plot_hline(&plot, L_PCA, NAN);
	if (several) {
		int k = 0;
		for (int i = 0; i < u->n_runs; i++)
			if (u->runs[i].s)
				ui_plot_curve(&plot, L_RUN0 + i, &cv[k++]);
	} else {
		ui_plot_curve(&plot, L_RUN0, &cv[0]);
		ui_plot_curve(&plot, L_HELDOUT, &cv[1]);
	}
	int x0 = r->x + 1 + yl, y0 = r->y + 1;
	/* the changes that break the objective: a dotted column */
	const struct as_history *h = &s->history;
	unsigned char brk[UI_PLOT_MAX_W] = {0};
	for (size_t i = 0; i < h->n_changes; i++) {
		int col = ui_plot_col(&plot, (double)h->changes[i].examples);
		if (col >= 0 && ui_change_breaks(&h->changes[i]))
			brk[col] = 1;
	}
	/* scrubbing the filter history: where the filters on screen are
	 * from, a column like TensorBoard's step slider */
	int scrub_col = -1;
	size_t hi_i, hn;
	struct as_frame hm;
	if (ui_history_frame(u, u->focus, &hi_i, &hn, &hm))
		scrub_col = ui_plot_col(&plot, (double)hm.examples);
	for (int row = 0; row < ph; row++)
		for (int col = 0; col < pw; col++) {
			int layer;
			int ch = ui_plot_cell(&plot, row, col, &layer);
			if (col == scrub_col && !ch) {
				ui_on(UI_P_MARK, u);
				if (u->glyphs == UI_GLYPH_ASCII)
					mvaddch(y0 + row, x0 + col, '|');
				else
					put_glyph(y0 + row, x0 + col,
						  0x2502); /* │ */
				ui_off(UI_P_MARK, u);
			} else if (ch) {
				int pair = layer_pair(layer, several);
				ui_on(pair, u);
				if (layer == L_HELDOUT)
					attron(A_BOLD);
				put_glyph(y0 + row, x0 + col, ch);
				attroff(A_BOLD);
				ui_off(pair, u);
			} else if (brk[col]) {
				ui_on(UI_P_DIM, u);
				put_glyph(y0 + row, x0 + col, 0x250A); /* ┊ */
				ui_off(UI_P_DIM, u);
			}
		}
	/* several runs: each curve ends in its run's symbol, which tells
	 * them apart without colour too */
	for (int i = 0; several && i < u->n_runs; i++) {
		const struct as_snapshot *rs = u->runs[i].s;
		if (!rs || rs->history.n_points == 0)
			continue;
		const struct as_point *pt =
			&rs->history.points[rs->history.n_points - 1];
		int x, y;
		if (!isfinite(pt->train_loss) ||
		    ui_plot_dot(&plot, (double)pt->examples, pt->train_loss, &x,
				&y) != 0)
			continue;
		ui_on(UI_P_RUN0 + i, u);
		attron(A_BOLD);
		mvaddch(y0 + y / 4, x0 + (x / 2 < pw - 1 ? x / 2 : pw - 1),
			(chtype)ui_run_symbol(i));
		attroff(A_BOLD);
		ui_off(UI_P_RUN0 + i, u);
	}
	/* y axis: three labels */
	for (int k = 0; k < 3; k++) {
		int row = k * (ph - 1) / 2;
		char lab[16];
		ui_axis_label(ui_plot_row_value(&plot, row), lab, sizeof lab);
		ui_on(UI_P_DIM, u);
		mvprintw(y0 + row, r->x + 1, "%s", lab);
		ui_off(UI_P_DIM, u);
	}
	mvvline(y0, x0 - 1, ACS_VLINE, ph);
	mvaddch(y0 + ph, x0 - 1, ACS_LLCORNER);
	mvhline(y0 + ph, x0, ACS_HLINE, pw);
	/* x axis: its ends, and each change's number where it happened
	 * (numbers stay with their change for the whole run) */
	char lo[16], hi[16];
	fmt_count(ui_plot_col_value(&plot, 0), lo, sizeof lo);
	fmt_count(plot.xmode == UI_X_LOG ? pow(10, plot.x_hi) : plot.x_hi, hi,
		  sizeof hi);
	ui_on(UI_P_DIM, u);
	mvprintw(y0 + ph + 1, x0, "%s", lo);
	mvprintw(y0 + ph + 1, x0 + pw - (int)strlen(hi) - 9, "%s examples", hi);
	ui_off(UI_P_DIM, u);
	/* the newest first: where two fall on one column the newer keeps
	 * it, and it is also the one the legend names */
	unsigned char used[UI_PLOT_MAX_W + 16] = {0};
	for (size_t k = h->n_changes; k-- > 0;) {
		int col = ui_plot_col(&plot, (double)h->changes[k].examples);
		char num[12];
		int len = snprintf(num, sizeof num, "%zu", k + 1);
		if (col < 0 || col + len > pw)
			continue;
		int clash = 0;
		for (int c = col > 0 ? col - 1 : 0; c <= col + len; c++)
			clash |= used[c];
		if (clash)
			continue;
		for (int c = col; c < col + len; c++)
			used[c] = 1;
		ui_on(UI_P_MARK, u);
		attron(A_BOLD);
		mvprintw(y0 + ph, x0 + col, "%s", num);
		attroff(A_BOLD);
		ui_off(UI_P_MARK, u);
	}
	/* the key: always there */
	int ky = y0 + ph + 2, kx = r->x + 1, kend = r->x + r->w - 1;
	struct ui_fields f;
	if (several) {
		/* the runs' key flows onto the next line when it is long
		 * (the legend then takes what is left) */
		for (int i = 0; i < u->n_runs; i++) {
			char cap[48];
			ui_run_caption(u, i, cap, sizeof cap);
			int len = (int)strlen(cap);
			if (kx + len > kend && kx > r->x + 1 &&
			    ky + 1 < r->y + r->h - 1) {
				ky++;
				kx = r->x + 1;
			}
			if (kx + len > kend)
				break;
			ui_on(UI_P_RUN0 + i, u);
			if (i == u->focus)
				attron(A_BOLD);
			mvprintw(ky, kx, "%s", cap);
			attroff(A_BOLD);
			ui_off(UI_P_RUN0 + i, u);
			kx += len + 2;
		}
	} else {
		const char *names[2] = {"train", "held-out"};
		const int pairs[2] = {UI_P_TRAIN, UI_P_HELDOUT};
		for (int k = 0; k < 2; k++) {
			ui_on(pairs[k], u);
			put_glyph(ky, kx, 0x2812); /* a dash of dots */
			put_glyph(ky, kx + 1, 0x2812);
			mvprintw(ky, kx + 2, " %s", names[k]);
			ui_off(pairs[k], u);
			kx += (int)strlen(names[k]) + 5;
		}
	}
	char pca_key[32];
	snprintf(pca_key, sizeof pca_key, "- - PCA rank %zu", s->pca_k);
	if (pca && kx + (int)strlen(pca_key) <= kend) {
		ui_on(UI_P_PCA, u);
		mvprintw(ky, kx, "%s", pca_key);
		ui_off(UI_P_PCA, u);
	}
	/* the legend: the newest changes that fit, with their numbers */
	if (h->n_changes == 0)
		return;
	size_t first = h->n_changes;
	for (;;) {
		if (first == 0)
			break;
		/* would changes [first - 1, n) fit in legend_lines lines? */
		int lines = 1, x = 0;
		for (size_t i = first - 1; i < h->n_changes; i++) {
			char item[96];
			legend_item(&h->changes[i], (int)i + 1, item,
				    sizeof item);
			int len = (int)strlen(item);
			if (x > 0 && x + len > r->w - 2) {
				lines++;
				x = 0;
			}
			x += len;
		}
		if (lines > legend_lines)
			break;
		first--;
	}
	int ly = ky + 1, lx = r->x + 1;
	if (several && ly < r->y + r->h - 1) {
		/* the changes shown are the focused run's */
		ui_on(UI_P_MARK, u);
		mvprintw(ly, lx, "run %d:", u->focus + 1);
		ui_off(UI_P_MARK, u);
		lx += 8;
	}
	for (size_t i = first; i < h->n_changes; i++) {
		char item[96];
		legend_item(&h->changes[i], (int)i + 1, item, sizeof item);
		int len = (int)strlen(item);
		if (lx > r->x + 1 && lx + len > kend) {
			lx = r->x + 1;
			ly++;
		}
		if (ly >= r->y + r->h - 1)
			break;
		ui_fields_init(&f, kend - lx);
		if (!ui_fields_add(&f, "%s", item))
			break;
		int pair = ui_change_breaks(&h->changes[i]) ? UI_P_WARN
							    : UI_P_MARK;
		ui_on(pair, u);
		mvprintw(ly, lx, "%s", f.text);
		ui_off(pair, u);
		lx += len;
	}
}

static void toggle_log(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	u->log_scale = !u->log_scale;
}

static void toggle_smooth(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	u->smooth = !u->smooth;
}

static void next_xmode(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	u->xmode = (u->xmode + 1) % UI_X_MODES;
}

const struct ui_key ui_chart_keys[] = {
	{'g', 0, "g", "log scale on the loss axis", toggle_log},
	{'m', 0, "m", "smooth the training curve (EMA)", toggle_smooth},
	{'a', 0, "a", "x axis: the whole run / its recent quarter / log",
	 next_xmode},
	{0, 0, NULL, NULL, NULL},
};
