/* The control panel, the title bar and the status line. */
#include <curses.h>
#include <math.h>
#include <string.h>

#include "view.h"

void ui_view_panel(struct ui_state *u, const struct as_snapshot *s)
{
	const struct ui_rect *r = &u->lay.panel;
	char title[96];
	if (u->n_runs > 1)
		snprintf(title, sizeof title, "controls of run %d %s (Tab)",
			 u->focus + 1, u->runs[u->focus].label);
	else
		snprintf(title, sizeof title,
			 "controls (jk select, hl change, Enter)");
	ui_box(r, title, u);
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
				ui_on(UI_P_SEL, u);
			else
				attron(A_REVERSE);
		} else if (!p->live) {
			ui_on(UI_P_DIM, u);
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
				ui_off(UI_P_SEL, u);
			else
				attroff(A_REVERSE);
		} else if (!p->live) {
			ui_off(UI_P_DIM, u);
		}
	}
}

void ui_view_status(struct ui_state *u, const struct as_snapshot *s)
{
	const struct ui_rect *r = &u->lay.status;
	move(r->y, 0);
	clrtoeol();
	int warn = !s->paused;
	ui_on(warn ? UI_P_OK : UI_P_WARN, u);
	attron(A_BOLD);
	printw(" %s ", s->paused ? "PAUSED " : "RUNNING");
	attroff(A_BOLD);
	ui_off(warn ? UI_P_OK : UI_P_WARN, u);
	if (u->n_runs > 1)
		printw(" run %d/%d", u->focus + 1, u->n_runs);
	double frac = s->epoch_len ? (double)s->epoch_pos / s->epoch_len : 0;
	char bar[11];
	for (int i = 0; i < 10; i++)
		bar[i] = i < (int)(frac * 10) ? '#' : '.';
	bar[10] = 0;
	long el = lround(s->elapsed_s);
	printw(" epoch %llu [%s] %3.0f%%  ", (unsigned long long)s->epoch + 1,
	       bar, frac * 100);
	if (s->waiting && !s->paused)
		printw("keeps pace");
	else
		printw("%6.0f ex/s", s->examples_per_s);
	printw("  %ld:%02ld  step %llu", el / 60, el % 60,
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
		ui_on(UI_P_DIM, u);
		mvprintw(r->y, hx, "%s", hint);
		ui_off(UI_P_DIM, u);
	}
}

void ui_view_title(struct ui_state *u, const struct as_snapshot *s)
{
	const struct ui_rect *r = &u->lay.title;
	move(r->y, 0);
	clrtoeol();
	/* the message has the right-hand side first: the title gives way */
	int msg = u->msg[0] && ui_wall_s() < u->msg_until;
	int len = msg ? (int)strlen(u->msg) : 0;
	int mx = r->w - len - 1;
	if (mx < 12)
		mx = 12;
	char text[256];
	int n = 0;
	if (u->lesson)
		n += snprintf(text + n, sizeof text - (size_t)n, "lesson %s | ",
			      u->lesson->name);
	if (u->n_runs > 1)
		n += snprintf(text + n, sizeof text - (size_t)n, "%d %s: ",
			      u->focus + 1, u->runs[u->focus].label);
	snprintf(text + n, sizeof text - (size_t)n, "%zu-%zu %s, %s, %s %.2f",
		 s->n_visible, s->n_hidden, s->tied ? "tied" : "untied",
		 s->config.loss == AS_LOSS_CE ? "cross-entropy"
					      : "squared error",
		 as_param_find("corruption")->choices[s->config.corruption],
		 s->config.corruption_level);
	ui_on(UI_P_TITLE, u);
	attron(A_BOLD);
	printw(" autoscope ");
	attroff(A_BOLD);
	ui_off(UI_P_TITLE, u);
	int room = (msg ? mx - 2 : r->w) - 12;
	if (room > 0)
		printw(" %.*s", room, text);
	if (msg) {
		ui_on(u->msg_warn ? UI_P_WARN : UI_P_OK, u);
		mvprintw(r->y, mx, "%.*s", r->w - mx, u->msg);
		ui_off(u->msg_warn ? UI_P_WARN : UI_P_OK, u);
	}
}
