/* What the views share: colours, boxes, gray images, the message line,
 * and ui_draw, which lays out the screen and calls each view. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <math.h>
#include <string.h>

#include "view.h"

static const char ascii_ramp[] = " .:-=+*#%@";

double ui_wall_s(void)
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
	u->msg_until = ui_wall_s() + 8;
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
	/* runs: cyan, yellow, magenta, green (as the single run's curves) */
	const short run_fg[4] = {COLOR_CYAN, COLOR_YELLOW, COLOR_MAGENTA,
				 COLOR_GREEN};
	for (int i = 0; i < 4; i++)
		init_pair((short)(UI_P_RUN0 + i), run_fg[i], -1);
	/* digit labels: ten colours where there are 256, else eight */
	const short lab256[10] = {196, 208, 226, 46, 51, 33, 129, 201, 250,
				  130};
	const short lab8[10] = {COLOR_RED,     COLOR_YELLOW, COLOR_GREEN,
				COLOR_CYAN,    COLOR_BLUE,   COLOR_MAGENTA,
				COLOR_WHITE,   COLOR_RED,    COLOR_GREEN,
				COLOR_YELLOW};
	for (int i = 0; i < 10; i++)
		init_pair((short)(UI_P_LABEL0 + i),
			  u->colors == UI_COLOR256 ? lab256[i] : lab8[i], -1);
	if (u->half)
		for (int a = 0; a < 24; a++)
			for (int b = 0; b < 24; b++)
				init_pair((short)(UI_P_GRAY0 + a * 24 + b),
					  (short)(232 + a), (short)(232 + b));
}

void ui_on(int pair, const struct ui_state *u)
{
	if (u->colors != UI_MONO)
		attron(COLOR_PAIR(pair));
}

void ui_off(int pair, const struct ui_state *u)
{
	if (u->colors != UI_MONO)
		attroff(COLOR_PAIR(pair));
}

void ui_box(const struct ui_rect *r, const char *title,
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
		ui_on(UI_P_TITLE, u);
		attron(A_BOLD);
		mvprintw(r->y, r->x + 2, " %.*s ", r->w - 6, title);
		attroff(A_BOLD);
		ui_off(UI_P_TITLE, u);
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
void ui_image(const struct ui_state *u, int y, int x, const float *img,
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

char ui_run_symbol(int i)
{
	static const char sym[AS_RUNS_MAX] = {'*', '+', 'x', '#'};
	return i >= 0 && i < AS_RUNS_MAX ? sym[i] : '?';
}

void ui_run_caption(const struct ui_state *u, int i, char *buf, size_t n)
{
	snprintf(buf, n, "%c%d %s", ui_run_symbol(i), i + 1, u->runs[i].label);
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
	/* every run's news, the newest last: a run diverging in the
	 * background is said too, with its number */
	for (int i = 0; i < u->n_runs; i++) {
		const struct as_snapshot *rs = u->runs[i].s;
		if (!rs || rs->message_id == u->runs[i].seen_msg_id)
			continue;
		u->runs[i].seen_msg_id = rs->message_id;
		if (!rs->message[0])
			continue;
		int warn = strstr(rs->message, "refused") ||
			   strstr(rs->message, "diverged") ||
			   strstr(rs->message, "failed");
		if (u->n_runs > 1)
			ui_say(u, warn, "run %d: %s", i + 1, rs->message);
		else
			ui_say(u, warn, "%s", rs->message);
	}
	ui_view_title(u, s);
	ui_view_filters(u, s);
	if (u->pane == UI_PANE_RUNS)
		ui_view_runs(u, &u->lay.recon);
	else if (u->pane == UI_PANE_LESSON)
		ui_view_lesson(u, &u->lay.recon);
	else
		ui_view_recon(u, s);
	ui_view_curves(u, s);
	ui_view_panel(u, s);
	ui_view_status(u, s);
	if (u->menu)
		ui_view_menu(u);
	if (u->help)
		ui_view_help(u);
	refresh();
}
