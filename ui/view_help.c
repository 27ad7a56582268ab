/* The help overlay (any key but PgDn PgUp closes it, q too), written
 * from the key tables (the explorer's, then
 * each view's under its name): one column, or two side by side when the
 * screen is wide, in pages when it is short (PgDn / PgUp). */
#include <curses.h>

#include "view.h"

/* lines per column and columns of the overlay on this screen */
static void shape(int n, int *per, int *cols, int *pages)
{
	const int cw = 68;
	*cols = n + 4 > LINES && COLS >= 2 * cw + 2 ? 2 : 1;
	*per = LINES - 4 < 1 ? 1 : LINES - 4;
	int page = *per * *cols;
	*pages = (n + page - 1) / page;
	if (*pages == 1) /* one page: columns only as long as needed */
		*per = (n + *cols - 1) / *cols;
}

int ui_help_pages(void)
{
	int per, cols, pages;
	shape((int)ui_help_count(), &per, &cols, &pages);
	return pages;
}

void ui_view_help(const struct ui_state *u)
{
	int n = (int)ui_help_count();
	const int cw = 68; /* one column: keys, then the help line */
	int per, cols, pages;
	shape(n, &per, &cols, &pages);
	int page = u->help_page < pages ? u->help_page : pages - 1;
	int w = cols * cw + 2, h = per + 4;
	if (w > COLS)
		w = COLS;
	if (h > LINES)
		h = LINES;
	int y = (LINES - h) / 2, x = (COLS - w) / 2;
	for (int i = 0; i < h; i++)
		mvhline(y + i, x, ' ', w);
	struct ui_rect r = {y, x, h, w};
	ui_box(&r,
	       pages > 1 ? "keys (PgDn PgUp: pages, any other key closes)"
			 : "keys (any key closes)",
	       u);
	int first = page * per * cols;
	for (int i = first; i < n && i < first + per * cols; i++) {
		int c = (i - first) / per, row = (i - first) % per;
		int cx = x + 2 + c * cw, room = x + w - 1 - cx;
		if (room < 16)
			continue;
		const char *keys;
		int heading;
		const char *help = ui_help_line((size_t)i, &keys, &heading);
		if (heading) {
			attron(A_BOLD);
			mvprintw(y + 2 + row, cx, "%.*s", room - 1, help);
			attroff(A_BOLD);
			continue;
		}
		ui_on(UI_P_TITLE, u);
		mvprintw(y + 2 + row, cx, "%-14.14s", keys);
		ui_off(UI_P_TITLE, u);
		int hw = room - 15 < cw - 17 ? room - 15 : cw - 17;
		mvprintw(y + 2 + row, cx + 15, "%.*s", hw, help);
	}
	if (pages > 1) {
		ui_on(UI_P_DIM, u);
		mvprintw(y + h - 1, x + 2, " page %d/%d ", page + 1, pages);
		ui_off(UI_P_DIM, u);
	}
}
