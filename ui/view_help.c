/* The help overlay, written from the key table: one column, or two side
 * by side when the screen is too short for one and wide enough for two. */
#include <curses.h>

#include "view.h"

void ui_view_help(struct ui_state *u)
{
	int n = (int)ui_key_help_count();
	const int cw = 68; /* one column: keys, then the help line */
	int cols = n + 4 > LINES && COLS >= 2 * cw + 2 ? 2 : 1;
	int per = (n + cols - 1) / cols;
	int w = cols * cw + 2, h = per + 4;
	if (w > COLS)
		w = COLS;
	if (h > LINES)
		h = LINES;
	int y = (LINES - h) / 2, x = (COLS - w) / 2;
	for (int i = 0; i < h; i++)
		mvhline(y + i, x, ' ', w);
	struct ui_rect r = {y, x, h, w};
	ui_box(&r, "keys (any key closes)", u);
	int rows = h - 3, shown = 0;
	for (int i = 0; i < n; i++) {
		int c = i / per, row = i % per;
		if (row >= rows)
			continue;
		int cx = x + 2 + c * cw, room = x + w - 1 - cx;
		if (room < 16)
			continue;
		const char *keys;
		const char *help = ui_key_help((size_t)i, &keys);
		ui_on(UI_P_TITLE, u);
		mvprintw(y + 2 + row, cx, "%-14.14s", keys);
		ui_off(UI_P_TITLE, u);
		int hw = room - 15 < cw - 17 ? room - 15 : cw - 17;
		mvprintw(y + 2 + row, cx + 15, "%.*s", hw, help);
		shown++;
	}
	if (shown < n) {
		ui_on(UI_P_DIM, u);
		mvprintw(y + h - 1, x + 2, " %d more: a taller terminal ",
			 n - shown);
		ui_off(UI_P_DIM, u);
	}
}
