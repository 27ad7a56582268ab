/* The views: title, filters (and the zoomed filter), reconstructions, loss
 * curves, control panel, status line, help overlay. */
#include <curses.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "view.h"

static const char ascii_ramp[] = " .:-=+*#%@";

static double wall_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void ui_say(struct ui_state *u, int warn, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->msg, sizeof u->msg, fmt, ap);
	va_end(ap);
	u->msg_warn = warn;
	u->msg_until = wall_s() + 6;
}

void ui_colors_init(struct ui_state *u)
{
	if (u->colors == UI_MONO)
		return;
	use_default_colors();
	init_pair(UI_P_TITLE, COLOR_CYAN, -1);
	init_pair(UI_P_VALUE, COLOR_WHITE, -1);
	init_pair(UI_P_SEL, COLOR_BLACK, COLOR_CYAN);
	init_pair(UI_P_WARN, COLOR_YELLOW, -1);
	init_pair(UI_P_OK, COLOR_GREEN, -1);
	init_pair(UI_P_TRAIN, COLOR_CYAN, -1);
	init_pair(UI_P_HELDOUT, COLOR_YELLOW, -1);
	init_pair(UI_P_PCA, COLOR_GREEN, -1);
	init_pair(UI_P_MARK, COLOR_MAGENTA, -1);
	init_pair(UI_P_DIM, u->colors == UI_COLOR256 ? 244 : COLOR_WHITE, -1);
	if (u->half)
		for (int a = 0; a < 24; a++)
			for (int b = 0; b < 24; b++)
				init_pair((short)(UI_P_GRAY0 + a * 24 + b),
					  (short)(232 + a), (short)(232 + b));
}

static void on(int pair, const struct ui_state *u)
{
	if (u->colors != UI_MONO)
		attron(COLOR_PAIR(pair));
}

static void off(int pair, const struct ui_state *u)
{
	if (u->colors != UI_MONO)
		attroff(COLOR_PAIR(pair));
}

static void box_at(const struct ui_rect *r, const char *title,
		   const struct ui_state *u)
{
	if (r->w < 2 || r->h < 2)
		return;
	mvhline(r->y, r->x + 1, ACS_HLINE, r->w - 2);
	mvhline(r->y + r->h - 1, r->x + 1, ACS_HLINE, r->w - 2);
	mvvline(r->y + 1, r->x, ACS_VLINE, r->h - 2);
	mvvline(r->y + 1, r->x + r->w - 1, ACS_VLINE, r->h - 2);
	mvaddch(r->y, r->x, ACS_ULCORNER);
	mvaddch(r->y, r->x + r->w - 1, ACS_URCORNER);
	mvaddch(r->y + r->h - 1, r->x, ACS_LLCORNER);
	mvaddch(r->y + r->h - 1, r->x + r->w - 1, ACS_LRCORNER);
	if (title) {
		on(UI_P_TITLE, u);
		attron(A_BOLD);
		mvprintw(r->y, r->x + 2, " %.*s ", r->w - 6, title);
		attroff(A_BOLD);
		off(UI_P_TITLE, u);
	}
}

/* Box-averages an image of rows x cols into ph x px values in [0, 1]:
 * scaled to the image's own range (lo = hi: mid gray) or clipped. */
static void resample(const float *img, size_t rows, size_t cols, int px, int ph,
		     int own_range, float *out)
{
	float lo = 0, hi = 1;
	if (own_range) {
		lo = INFINITY;
		hi = -INFINITY;
		for (size_t i = 0; i < rows * cols; i++) {
			lo = img[i] < lo ? img[i] : lo;
			hi = img[i] > hi ? img[i] : hi;
		}
	}
	for (int y = 0; y < ph; y++) {
		size_t r0 = (size_t)y * rows / (size_t)ph;
		size_t r1 = (size_t)(y + 1) * rows / (size_t)ph;
		if (r1 <= r0)
			r1 = r0 + 1;
		for (int x = 0; x < px; x++) {
			size_t c0 = (size_t)x * cols / (size_t)px;
			size_t c1 = (size_t)(x + 1) * cols / (size_t)px;
			if (c1 <= c0)
				c1 = c0 + 1;
			double s = 0;
			for (size_t r = r0; r < r1 && r < rows; r++)
				for (size_t c = c0; c < c1 && c < cols; c++)
					s += img[r * cols + c];
			float v = (float)(s / (double)((r1 - r0) * (c1 - c0)));
			v = hi > lo ? (v - lo) / (hi - lo) : 0.5f;
			out[y * px + x] = v < 0 ? 0 : v > 1 ? 1 : v;
		}
	}
}

/* Draws an image at (y, x) in px x ph pixels: half blocks with the
 * 24-step gray ramp, or the ASCII ramp averaging two rows per cell. */
static void draw_image(const struct ui_state *u, int y, int x, const float *img,
		       size_t rows, size_t cols, int px, int own_range)
{
	int ph = (int)((double)px * (double)rows / (double)cols + 0.5);
	if (ph < 1)
		ph = 1;
	float buf[64 * 64];
	if (px > 64 || ph > 64)
		return;
	resample(img, rows, cols, px, ph, own_range, buf);
	for (int cy = 0; cy < (ph + 1) / 2; cy++) {
		move(y + cy, x);
		for (int cx = 0; cx < px; cx++) {
			float a = buf[(2 * cy) * px + cx];
			float b = 2 * cy + 1 < ph ? buf[(2 * cy + 1) * px + cx]
						  : a;
			if (u->half) {
				int ga = (int)(a * 23.0f + 0.5f);
				int gb = (int)(b * 23.0f + 0.5f);
				cchar_t cc;
				wchar_t wc[2] = {0x2580, 0}; /* upper half */
				setcchar(&cc, wc, A_NORMAL,
					 (short)(UI_P_GRAY0 + ga * 24 + gb),
					 NULL);
				add_wch(&cc);
			} else {
				int k = (int)((a + b) * 0.5f * 9.0f + 0.5f);
				addch((chtype)ascii_ramp[k]);
			}
		}
	}
}

static void draw_filters(struct ui_state *u, const struct as_snapshot *s)
{
	const struct ui_rect *r = &u->lay.filters;
	int n = (int)s->n_hidden;
	char title[96];
	ui_tiles_fit(r->w - 2, r->h - 3, s->rows, s->cols, u->half, 16, 7,
		     &u->ftiles);
	const struct ui_tiles *t = &u->ftiles;
	int per_page = t->cols * t->rows;
	if (per_page <= 0) {
		box_at(r, "filters", u);
		return;
	}
	int pages = (n + per_page - 1) / per_page;
	if (u->filter_page >= pages)
		u->filter_page = pages - 1;
	if (u->filter_sel >= n)
		u->filter_sel = n - 1;
	snprintf(title, sizeof title,
		 "filters: rows of W, %d-%d of %d (page %d/%d, [ ])",
		 u->filter_page * per_page + 1,
		 u->filter_page * per_page + per_page < n
			 ? u->filter_page * per_page + per_page
			 : n,
		 n, u->filter_page + 1, pages);
	box_at(r, title, u);
	if (u->zoom) {
		int k = u->filter_sel;
		const float *w = s->w + (size_t)k * s->n_visible;
		float lo = INFINITY, hi = -INFINITY;
		double norm = 0;
		for (size_t i = 0; i < s->n_visible; i++) {
			lo = w[i] < lo ? w[i] : lo;
			hi = w[i] > hi ? w[i] : hi;
			norm += (double)w[i] * w[i];
		}
		struct ui_tiles z;
		ui_tiles_fit(r->w - 24, r->h - 3, s->rows, s->cols, u->half, 1,
			     4, &z);
		if (z.px > 0)
			draw_image(u, r->y + 2, r->x + 2, w, s->rows, s->cols,
				   z.px, 1);
		int tx = r->x + 4 + z.px;
		mvprintw(r->y + 2, tx, "filter %d of %d", k + 1, n);
		mvprintw(r->y + 4, tx, "min   %+.4f", lo);
		mvprintw(r->y + 5, tx, "max   %+.4f", hi);
		mvprintw(r->y + 6, tx, "norm  %.4f", sqrt(norm));
		mvprintw(r->y + 7, tx, "mean h %.3f", s->mean_h[k]);
		mvprintw(r->y + 9, tx, "< > other filter");
		mvprintw(r->y + 10, tx, "z   back to grid");
		return;
	}
	int first = u->filter_page * per_page;
	for (int i = 0; i < per_page && first + i < n; i++) {
		int k = first + i;
		int ty = r->y + 2 + (i / t->cols) * (t->cell_h + 1);
		int tx = r->x + 1 + (i % t->cols) * (t->cell_w + 1);
		draw_image(u, ty, tx, s->w + (size_t)k * s->n_visible, s->rows,
			   s->cols, t->px, 1);
		if (k == u->filter_sel) {
			on(UI_P_MARK, u);
			mvaddch(ty + t->cell_h, tx, '^');
			off(UI_P_MARK, u);
		}
	}
}

static void draw_recon(struct ui_state *u, const struct as_snapshot *s)
{
	const struct ui_rect *r = &u->lay.recon;
	box_at(r, "held-out digits: clean / corrupted / reconstructed", u);
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
		on(UI_P_DIM, u);
		mvprintw(r->y + r->h / 2, r->x + 2, "%.*s", r->w - 4,
			 "(a taller terminal shows them)");
		off(UI_P_DIM, u);
		return;
	}
	const char *labels[3] = {"clean", "noisy", "recon"};
	const float *rows3[3] = {s->clean, s->corrupted, s->recon};
	for (int row = 0; row < 3; row++) {
		int y = r->y + 1 + row * (ch + 1);
		on(UI_P_DIM, u);
		mvprintw(y + ch / 2, r->x + 1, "%s", labels[row]);
		off(UI_P_DIM, u);
		for (int i = 0; i < across; i++)
			draw_image(u, y, r->x + 2 + label_w + i * (px + 1),
				   rows3[row] + (size_t)i * s->n_visible,
				   s->rows, s->cols, px, !s->unit_range);
	}
}

static void fmt_count(double v, char *buf, size_t n)
{
	if (v >= 1e6)
		snprintf(buf, n, "%.1fM", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, n, "%.0fk", v / 1e3);
	else
		snprintf(buf, n, "%.0f", v);
}

static void draw_curves(struct ui_state *u, const struct as_snapshot *s)
{
	const struct ui_rect *r = &u->lay.curves;
	char title[96];
	snprintf(title, sizeof title, "loss per example%s%s",
		 u->log_scale ? ", log" : "", u->smooth ? ", EMA" : "");
	box_at(r, title, u);
	const int yl = 8; /* y labels */
	const struct as_history *h = &s->history;
	size_t first;
	int legend = ui_legend_fit(h, r->w - 2, 3, &first);
	if (legend == 0)
		legend = 1; /* the key: train, held-out, PCA */
	int pw = r->w - 2 - yl, ph = r->h - 4 - legend;
	if (pw < 4 || ph < 2)
		return;
	int pca = s->config.loss == AS_LOSS_MSE && isfinite(s->pca_error);
	struct ui_chart c;
	ui_chart_compute(&s->history, pw, ph, u->log_scale,
			 u->smooth ? 0.9 : 0.0, pca ? s->pca_error : NAN, &c);
	int x0 = r->x + 1 + yl, y0 = r->y + 1;
	for (int k = 0; k < 3; k++) {
		int row = k * (ph - 1) / 2;
		double f = (double)row / (ph - 1);
		double y = c.y_hi - f * (c.y_hi - c.y_lo);
		if (c.log)
			y = pow(10, y);
		on(UI_P_DIM, u);
		mvprintw(y0 + row, r->x + 1, "%7.4g", y);
		off(UI_P_DIM, u);
		mvaddch(y0 + row, x0 - 1, ACS_RTEE);
	}
	for (int row = 0; row < ph; row++)
		if (row != 0 && row != (ph - 1) / 2 && row != ph - 1)
			mvaddch(y0 + row, x0 - 1, ACS_VLINE);
	mvaddch(y0 + ph, x0 - 1, ACS_LLCORNER);
	mvhline(y0 + ph, x0, ACS_HLINE, pw);
	if (pca) {
		int row = ui_chart_row(&c, s->pca_error);
		on(UI_P_PCA, u);
		for (int i = 0; i < pw; i += 2)
			mvaddch(y0 + row, x0 + i, '-');
		mvprintw(y0 + row, x0 + pw - 4, "PCA");
		off(UI_P_PCA, u);
	}
	int prev = -1;
	for (int i = 0; i < pw; i++) {
		int row = ui_chart_row(&c, c.train[i]);
		if (row < 0)
			continue;
		on(UI_P_TRAIN, u);
		if (prev >= 0 && abs(prev - row) > 1) {
			int a = prev < row ? prev : row;
			int b = prev < row ? row : prev;
			for (int k = a + 1; k < b; k++)
				mvaddch(y0 + k, x0 + i, ':');
		}
		mvaddch(y0 + row, x0 + i, '*');
		off(UI_P_TRAIN, u);
		prev = row;
	}
	for (int i = 0; i < pw; i++) {
		int row = ui_chart_row(&c, c.heldout[i]);
		if (row < 0)
			continue;
		on(UI_P_HELDOUT, u);
		attron(A_BOLD);
		mvaddch(y0 + row, x0 + i, 'o');
		attroff(A_BOLD);
		off(UI_P_HELDOUT, u);
	}
	/* change markers: a digit on the x axis, explained below it */
	char xmax[16];
	fmt_count(c.x_max, xmax, sizeof xmax);
	on(UI_P_DIM, u);
	mvprintw(y0 + ph + 1, x0, "0");
	mvprintw(y0 + ph + 1, x0 + pw - (int)strlen(xmax) - 9, "%s examples",
		 xmax);
	off(UI_P_DIM, u);
	int lx = r->x + 1, ly = y0 + ph + 2;
	for (size_t i = first; i < h->n_changes; i++) {
		const struct as_change *ch = &h->changes[i];
		int col = ui_chart_col(&c, (double)ch->examples);
		char mark = (char)('1' + (int)(i - first));
		on(UI_P_MARK, u);
		attron(A_BOLD);
		mvaddch(y0 + ph, x0 + col, (chtype)mark);
		char item[96];
		ui_legend_item(ch, mark, item, sizeof item);
		int len = (int)strlen(item);
		if (lx > r->x + 1 && lx + len > r->x + r->w - 1) {
			lx = r->x + 1;
			ly++;
		}
		if (ly < r->y + r->h - 1)
			mvprintw(ly, lx, "%.*s", r->x + r->w - 1 - lx, item);
		lx += len;
		attroff(A_BOLD);
		off(UI_P_MARK, u);
	}
	if (h->n_changes == 0) {
		on(UI_P_TRAIN, u);
		mvprintw(ly, lx, "* train");
		off(UI_P_TRAIN, u);
		on(UI_P_HELDOUT, u);
		mvprintw(ly, lx + 9, "o held-out");
		off(UI_P_HELDOUT, u);
		if (pca) {
			on(UI_P_PCA, u);
			mvprintw(ly, lx + 21, "- PCA rank %d",
				 s->config.n_hidden);
			off(UI_P_PCA, u);
		}
	}
}

static void draw_panel(struct ui_state *u, const struct as_snapshot *s)
{
	const struct ui_rect *r = &u->lay.panel;
	box_at(r, "controls (jk select, hl change, Enter)", u);
	int n = (int)as_param_count(), rows = r->h - 2;
	/* scrolled so that the selected row is always in view */
	int top = ui_panel_top(u->sel, rows);
	for (int i = top; i < n && i - top < rows; i++) {
		const struct as_param *p = as_param_at((size_t)i);
		char val[40];
		as_param_format(&s->config, p, val, sizeof val);
		int y = r->y + 1 + i - top, w = r->w - 2;
		if (i == u->sel) {
			if (u->colors != UI_MONO)
				on(UI_P_SEL, u);
			else
				attron(A_REVERSE);
		} else if (!p->live) {
			on(UI_P_DIM, u);
		}
		mvhline(y, r->x + 1, ' ', w);
		mvprintw(y, r->x + 2, "%-14s", p->label);
		if (i == u->sel && u->prompt)
			mvprintw(y, r->x + 17, "= %s_", u->input);
		else
			mvprintw(y, r->x + 17, "%s%s", val,
				 p->live ? "" : " (restart)");
		if (i == u->sel) {
			if (u->colors != UI_MONO)
				off(UI_P_SEL, u);
			else
				attroff(A_REVERSE);
		} else if (!p->live) {
			off(UI_P_DIM, u);
		}
	}
}

static void draw_status(struct ui_state *u, const struct as_snapshot *s)
{
	const struct ui_rect *r = &u->lay.status;
	move(r->y, 0);
	clrtoeol();
	int warn = !s->paused;
	on(warn ? UI_P_OK : UI_P_WARN, u);
	attron(A_BOLD);
	printw(" %s ", s->paused ? "PAUSED " : "RUNNING");
	attroff(A_BOLD);
	off(warn ? UI_P_OK : UI_P_WARN, u);
	double frac = s->epoch_len ? (double)s->epoch_pos / s->epoch_len : 0;
	char bar[11];
	for (int i = 0; i < 10; i++)
		bar[i] = i < (int)(frac * 10) ? '#' : '.';
	bar[10] = 0;
	long el = lround(s->elapsed_s);
	printw(" epoch %llu [%s] %3.0f%%  %6.0f ex/s  %ld:%02ld  step %llu",
	       (unsigned long long)s->epoch + 1, bar, frac * 100,
	       s->examples_per_s, el / 60, el % 60,
	       (unsigned long long)s->step);
	if (isfinite(s->heldout_loss))
		printw("  held-out %.2f", s->heldout_loss);
	if (isfinite(s->probe_accuracy))
		printw("  probe %.3f (raw %.3f)", s->probe_accuracy,
		       s->probe_raw);
	const char *hint = "? help  q quit ";
	int hx = r->w - (int)strlen(hint);
	int cy, cx;
	getyx(stdscr, cy, cx);
	(void)cy;
	if (hx > cx + 1) {
		on(UI_P_DIM, u);
		mvprintw(r->y, hx, "%s", hint);
		off(UI_P_DIM, u);
	}
}

static void draw_title(struct ui_state *u, const struct as_snapshot *s)
{
	const struct ui_rect *r = &u->lay.title;
	move(r->y, 0);
	clrtoeol();
	on(UI_P_TITLE, u);
	attron(A_BOLD);
	printw(" autoscope ");
	attroff(A_BOLD);
	off(UI_P_TITLE, u);
	printw(" %zu-%zu %s, %s, %s %.2f", s->n_visible, s->n_hidden,
	       s->tied ? "tied" : "untied",
	       s->config.loss == AS_LOSS_CE ? "sigmoid/cross-entropy"
					    : "linear/squared error",
	       as_param_find("corruption")->choices[s->config.corruption],
	       s->config.corruption_level);
	if (u->msg[0] && wall_s() < u->msg_until) {
		int len = (int)strlen(u->msg);
		int x = r->w - len - 1;
		int cy, cx;
		getyx(stdscr, cy, cx);
		(void)cy;
		if (x < cx + 2)
			x = cx + 2;
		on(u->msg_warn ? UI_P_WARN : UI_P_OK, u);
		mvprintw(r->y, x, "%.*s", r->w - x - 1, u->msg);
		off(u->msg_warn ? UI_P_WARN : UI_P_OK, u);
	}
}

static void draw_help(struct ui_state *u)
{
	int n = (int)ui_key_help_count();
	int w = 62, h = n + 4;
	int y = (LINES - h) / 2, x = (COLS - w) / 2;
	if (y < 0)
		y = 0;
	if (x < 0)
		x = 0;
	for (int i = 0; i < h && y + i < LINES; i++)
		mvhline(y + i, x, ' ', w);
	struct ui_rect r = {y, x, h < LINES ? h : LINES, w < COLS ? w : COLS};
	box_at(&r, "keys (any key closes)", u);
	for (int i = 0; i < n && y + 2 + i < y + r.h - 1; i++) {
		const char *keys;
		const char *help = ui_key_help((size_t)i, &keys);
		on(UI_P_TITLE, u);
		mvprintw(y + 2 + i, x + 2, "%-12s", keys);
		off(UI_P_TITLE, u);
		mvprintw(y + 2 + i, x + 15, "%.*s", w - 17, help);
	}
}

void ui_draw(struct ui_state *u, const struct as_snapshot *s)
{
	erase();
	ui_layout_compute(COLS, LINES, (int)as_param_count(), &u->lay);
	if (u->lay.too_small) {
		mvprintw(0, 0, "%.*s", COLS,
			 "enlarge the terminal (80x24 or more)");
		if (LINES > 1 && s)
			mvprintw(1, 0, "%.*s", COLS,
				 s->paused ? "paused" : "training");
		refresh();
		return;
	}
	if (!s) {
		mvprintw(0, 0, "starting...");
		refresh();
		return;
	}
	if (s->message_id != u->seen_msg_id) {
		u->seen_msg_id = s->message_id;
		if (s->message[0])
			ui_say(u,
			       strstr(s->message, "refused") ||
				       strstr(s->message, "diverged") ||
				       strstr(s->message, "failed"),
			       "%s", s->message);
	}
	draw_title(u, s);
	draw_filters(u, s);
	draw_recon(u, s);
	draw_curves(u, s);
	draw_panel(u, s);
	draw_status(u, s);
	if (u->help)
		draw_help(u);
	refresh();
}
