/* What the views share: colours, boxes, gray images, the message line,
 * and ui_draw, which lays out the screen and calls each view. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <math.h>
#include <string.h>

#include "view.h"

void ui_bar(const struct ui_state *u, int y, int x, int rows, double v)
{
	static const char *const eighths[9] = {" ", "▁", "▂", "▃", "▄",
					       "▅", "▆", "▇", "█"};
	static const char ascii[9] = " .:-=+*#@";
	int n = (int)lround(v * rows * 8);
	n = n < 0 ? 0 : n > rows * 8 ? rows * 8 : n;
	if (n == 0 && v > 0)
		n = 1; /* present, however little */
	for (int r = 0; r < rows; r++) {
		int k = n - r * 8;
		k = k < 0 ? 0 : k > 8 ? 8 : k;
		move(y + rows - 1 - r, x);
		if (u->glyphs == UI_GLYPH_ASCII)
			addch((chtype)ascii[k]);
		else
			addstr(eighths[k]);
	}
}

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

/* The colour roles, one row each, for every kind of terminal (as htop's
 * colour schemes): the colours on 256 and on 8, and the attribute that
 * stands in for the colour under NO_COLOR or on a monochrome terminal, so
 * that a warning still looks unlike an OK message there. */
struct role {
	int pair;
	short fg256, bg256, fg8, bg8;
	attr_t mono;
};

static const struct role roles[] = {
	{UI_P_TITLE, COLOR_CYAN, -1, COLOR_CYAN, -1, A_BOLD},
	{UI_P_VALUE, COLOR_WHITE, -1, COLOR_WHITE, -1, A_NORMAL},
	{UI_P_SEL, COLOR_BLACK, COLOR_CYAN, COLOR_BLACK, COLOR_CYAN, A_REVERSE},
	{UI_P_WARN, COLOR_YELLOW, -1, COLOR_YELLOW, -1, A_BOLD | A_UNDERLINE},
	{UI_P_OK, COLOR_GREEN, -1, COLOR_GREEN, -1, A_BOLD},
	{UI_P_TRAIN, COLOR_CYAN, -1, COLOR_CYAN, -1, A_NORMAL},
	{UI_P_HELDOUT, COLOR_YELLOW, -1, COLOR_YELLOW, -1, A_BOLD},
	{UI_P_PCA, COLOR_GREEN, -1, COLOR_GREEN, -1, A_DIM},
	{UI_P_MARK, COLOR_MAGENTA, -1, COLOR_MAGENTA, -1, A_BOLD},
	{UI_P_DIM, 244, -1, COLOR_WHITE, -1, A_DIM},
	/* the runs: cyan, yellow, magenta, green (the single run's curves) */
	{UI_P_RUN0, COLOR_CYAN, -1, COLOR_CYAN, -1, A_NORMAL},
	{UI_P_RUN0 + 1, COLOR_YELLOW, -1, COLOR_YELLOW, -1, A_BOLD},
	{UI_P_RUN0 + 2, COLOR_MAGENTA, -1, COLOR_MAGENTA, -1, A_UNDERLINE},
	{UI_P_RUN0 + 3, COLOR_GREEN, -1, COLOR_GREEN, -1, A_REVERSE},
	/* digit labels: ten colours where there are 256, else eight */
	{UI_P_LABEL0, 196, -1, COLOR_RED, -1, A_NORMAL},
	{UI_P_LABEL0 + 1, 208, -1, COLOR_YELLOW, -1, A_NORMAL},
	{UI_P_LABEL0 + 2, 226, -1, COLOR_GREEN, -1, A_NORMAL},
	{UI_P_LABEL0 + 3, 46, -1, COLOR_CYAN, -1, A_NORMAL},
	{UI_P_LABEL0 + 4, 51, -1, COLOR_BLUE, -1, A_NORMAL},
	{UI_P_LABEL0 + 5, 33, -1, COLOR_MAGENTA, -1, A_NORMAL},
	{UI_P_LABEL0 + 6, 129, -1, COLOR_WHITE, -1, A_NORMAL},
	{UI_P_LABEL0 + 7, 201, -1, COLOR_RED, -1, A_NORMAL},
	{UI_P_LABEL0 + 8, 250, -1, COLOR_GREEN, -1, A_NORMAL},
	{UI_P_LABEL0 + 9, 130, -1, COLOR_YELLOW, -1, A_NORMAL},
};

#define N_ROLES (sizeof roles / sizeof roles[0])

void ui_colors_init(struct ui_state *u)
{
	if (u->colors == UI_MONO)
		return;
	use_default_colors();
	int c256 = u->colors == UI_COLOR256;
	for (size_t i = 0; i < N_ROLES; i++)
		init_pair((short)roles[i].pair,
			  c256 ? roles[i].fg256 : roles[i].fg8,
			  c256 ? roles[i].bg256 : roles[i].bg8);
	if (u->glyphs == UI_GLYPH_GRAY)
		for (int a = 0; a < 24; a++)
			for (int b = 0; b < 24; b++)
				init_pair((short)(UI_P_GRAY0 + a * 24 + b),
					  (short)(232 + a), (short)(232 + b));
}

static attr_t mono_attr(int pair)
{
	for (size_t i = 0; i < N_ROLES; i++)
		if (roles[i].pair == pair)
			return roles[i].mono;
	return A_NORMAL;
}

void ui_on(int pair, const struct ui_state *u)
{
	if (u->colors != UI_MONO)
		attron(COLOR_PAIR(pair));
	else
		attron(mono_attr(pair));
}

void ui_off(int pair, const struct ui_state *u)
{
	if (u->colors != UI_MONO)
		attroff(COLOR_PAIR(pair));
	else
		attroff(mono_attr(pair));
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
		/* whole words only: "x3 noise 5" would misread 50% */
		int room = r->w - 6, n = (int)strlen(title);
		if (n > room) {
			n = room;
			while (n > 0 && title[n] != ' ')
				n--;
			if (n == 0)
				n = room < 0 ? 0 : room;
		}
		ui_on(UI_P_TITLE, u);
		attron(A_BOLD);
		mvprintw(r->y, r->x + 2, " %.*s ", n, title);
		attroff(A_BOLD);
		ui_off(UI_P_TITLE, u);
	}
}

void ui_image(const struct ui_state *u, int y, int x, const float *img,
	      size_t rows, size_t cols, const struct ui_size *sz, int own_range)
{
	static struct ui_cell cells[128 * 128];
	if (sz->cell_w <= 0 || sz->cell_h <= 0 ||
	    sz->cell_w * sz->cell_h > 128 * 128)
		return;
	ui_raster(img, rows, cols, own_range, sz, u->glyphs, cells);
	for (int cy = 0; cy < sz->cell_h; cy++) {
		if (y + cy < 0 || y + cy >= LINES)
			continue;
		move(y + cy, x);
		for (int cx = 0; cx < sz->cell_w && x + cx < COLS; cx++) {
			const struct ui_cell *c = &cells[cy * sz->cell_w + cx];
			if (u->glyphs == UI_GLYPH_ASCII) {
				addch((chtype)c->ch);
				continue;
			}
			cchar_t cc;
			wchar_t wc[2] = {(wchar_t)c->ch, 0};
			short pair = u->glyphs == UI_GLYPH_GRAY
					     ? (short)(UI_P_GRAY0 + c->fg * 24 +
						       c->bg)
					     : 0;
			setcchar(&cc, wc, A_NORMAL, pair, NULL);
			add_wch(&cc);
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
