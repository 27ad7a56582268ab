/* The help overlay, written from the key table. */
#include <curses.h>

#include "view.h"

void ui_view_help(struct ui_state *u)
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
	ui_box(&r, "keys (any key closes)", u);
	for (int i = 0; i < n && y + 2 + i < y + r.h - 1; i++) {
		const char *keys;
		const char *help = ui_key_help((size_t)i, &keys);
		ui_on(UI_P_TITLE, u);
		mvprintw(y + 2 + i, x + 2, "%-12s", keys);
		ui_off(UI_P_TITLE, u);
		mvprintw(y + 2 + i, x + 15, "%.*s", w - 17, help);
	}
}
