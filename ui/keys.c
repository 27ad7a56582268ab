/* The explorer's keys: every binding once (it dispatches and writes the
 * help overlay), their actions, and a key press routed through the
 * prompt, the lesson menu, the help's pages, the mouse and the views'
 * own keys. UI thread. */
#include <curses.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/chart.h"
#include "autoscope/figure.h"
#include "../cli/options.h"
#include "ui.h"
#include "view.h"

static void push(struct ui_state *u, enum as_cmd_kind kind, int param,
		 double value)
{
	struct as_command c = {kind, param, value};
	if (as_trainer_push(u->t, &c) != AS_OK)
		ui_say(u, 1,
		       "busy: the trainer has %d commands queued; key "
		       "ignored",
		       AS_QUEUE_MAX);
}

static int param(const char *name)
{
	return as_param_index(as_param_find(name));
}

typedef void (*action_fn)(struct ui_state *u, const struct as_snapshot *s);

/* one command to every run (a lesson's runs are compared as they go):
 * how many refused it, their queue full */
static int push_all(struct ui_state *u, enum as_cmd_kind kind, int value)
{
	int refused = 0;
	for (int i = 0; i < u->n_runs; i++) {
		struct as_command c = {kind, 0, value};
		refused += as_trainer_push(u->runs[i].t, &c) != AS_OK;
	}
	return refused;
}

static void say_busy(struct ui_state *u)
{
	ui_say(u, 1,
	       "busy: a trainer has %d commands queued; key ignored there",
	       AS_QUEUE_MAX);
}

/* Toggles are applied against the trainer's own state (a screen a frame
 * old would make two quick presses both pause): pause toggles, tied
 * nudges its bool. Space pauses every run at once, each toggled against
 * its own state. */
static void act_pause(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	if (push_all(u, AS_CMD_PAUSE, -1))
		say_busy(u);
}

static void act_step(struct ui_state *u, const struct as_snapshot *s)
{
	if (s && !s->paused)
		ui_say(u, 0, "n steps once while paused (space pauses)");
	else
		push(u, AS_CMD_STEP, 0, 0);
}

/* the stage through the params table, so the trainer checks and records
 * it like any change */
static void act_stage_next(struct ui_state *u, const struct as_snapshot *s)
{
	if (s && s->config.stage >= as_config_last_stage(&s->config)) {
		ui_say(u, 0, "the last stage: %s",
		       s->n_layers > 1 ? "fine-tuning goes on until you stop"
				       : "a one-layer run has one (--layers "
					 "makes a stack)");
		return;
	}
	push(u, AS_CMD_NUDGE, param("stage"), 1);
}

static void act_stage_prev(struct ui_state *u, const struct as_snapshot *s)
{
	if (s && s->config.stage <= as_config_first_stage(&s->config)) {
		ui_say(u, 0, "the first stage");
		return;
	}
	push(u, AS_CMD_NUDGE, param("stage"), -1);
}

static void act_noise_up(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	push(u, AS_CMD_NUDGE, param("corruption_level"), 1);
}

static void act_noise_down(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	push(u, AS_CMD_NUDGE, param("corruption_level"), -1);
}

static void act_sparse_up(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	push(u, AS_CMD_NUDGE, param("sparsity_weight"), 1);
}

static void act_sparse_down(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	push(u, AS_CMD_NUDGE, param("sparsity_weight"), -1);
}

static void act_tied(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	push(u, AS_CMD_NUDGE, param("tied"), 1);
}

/* the panel's rows for the focused run (s NULL: every setting) */
static int panel_rows(const struct as_snapshot *s, int *idx)
{
	return ui_panel_params(s ? &s->config : NULL, idx);
}

/* j k step from the row the panel highlights (ui_panel_pos: a selection
 * the model has no use for stands on the next row) */
static void act_sel_up(struct ui_state *u, const struct as_snapshot *s)
{
	int idx[UI_PANEL_MAX], n = panel_rows(s, idx);
	int pos = ui_panel_pos(idx, n, u->sel);
	if (n > 0)
		u->sel = idx[pos > 0 ? pos - 1 : 0];
}

static void act_sel_down(struct ui_state *u, const struct as_snapshot *s)
{
	int idx[UI_PANEL_MAX], n = panel_rows(s, idx);
	int pos = ui_panel_pos(idx, n, u->sel);
	if (n > 0)
		u->sel = idx[pos + 1 < n ? pos + 1 : pos];
}

/* the selection among the focused run's rows (a run of another model
 * may have left it on a setting this one has no use for) */
static void sel_snap(struct ui_state *u, const struct as_snapshot *s)
{
	int idx[UI_PANEL_MAX], n = panel_rows(s, idx);
	if (n > 0)
		u->sel = idx[ui_panel_pos(idx, n, u->sel)];
}

static void nudge_sel(struct ui_state *u, const struct as_snapshot *s,
		      int dir)
{
	sel_snap(u, s);
	const struct as_param *p = as_param_at((size_t)u->sel);
	if (!p->live)
		ui_say(u, 1, "%s is fixed for a run: restart with --%s",
		       p->name, p->name);
	else
		push(u, AS_CMD_NUDGE, u->sel, dir);
}

static void act_inc(struct ui_state *u, const struct as_snapshot *s)
{
	nudge_sel(u, s, 1);
}

static void act_dec(struct ui_state *u, const struct as_snapshot *s)
{
	nudge_sel(u, s, -1);
}

static void act_type(struct ui_state *u, const struct as_snapshot *s)
{
	sel_snap(u, s);
	const struct as_param *p = as_param_at((size_t)u->sel);
	if (!p->live) {
		ui_say(u, 1, "%s is fixed for a run: restart with --%s",
		       p->name, p->name);
		return;
	}
	u->prompt = 1;
	u->input[0] = 0;
}

static void act_probe(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	if (u->lesson) {
		ui_say(u, 0, "scoring the focused run...");
		push(u, AS_CMD_SCORE, 0, u->lesson->scores);
	} else {
		ui_say(u, 0, "linear probe running (a few seconds)...");
		push(u, AS_CMD_PROBE, 0, 0);
	}
}

static void act_history_back(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	ui_history_step(u, -1);
}

static void act_history_fwd(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	ui_history_step(u, 1);
}

static void act_history_export(struct ui_state *u,
			       const struct as_snapshot *s)
{
	(void)s;
	push(u, AS_CMD_HISTORY, 0, 0);
}

static void act_chains(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	if (push_all(u, AS_CMD_CHAINS, 0))
		say_busy(u);
}

static void act_reset(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	push(u, AS_CMD_RESET, 0, 0);
}

/* every run's checkpoint (each on its own thread, saying so), and the
 * session that puts them together */
static void act_save(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	int refused = push_all(u, AS_CMD_SAVE, 0);
	char said[600];
	if (ui_session_save(u, said, sizeof said) != 0)
		ui_say(u, 1, "session not saved: %s", said);
	else if (refused)
		ui_say(u, 1, "session %s; %d run%s busy: press w again", said,
		       refused, refused > 1 ? "s" : "");
	else
		ui_say(u, 0, "saving %d run%s; session %s", u->n_runs,
		       u->n_runs > 1 ? "s" : "", said);
}

/* the focused run's files (on its thread), and the chart of every run
 * on screen, as drawn, into the session's directory */
static void act_export(struct ui_state *u, const struct as_snapshot *s)
{
	push(u, AS_CMD_EXPORT, 0, 0);
	struct as_chart_run runs[AS_CHART_RUNS];
	size_t n = 0;
	for (int i = 0; i < u->n_runs && n < AS_CHART_RUNS; i++)
		if (u->runs[i].s) {
			runs[n].label = u->runs[i].label;
			runs[n++].h = &u->runs[i].s->history;
		}
	if (n == 0)
		return;
	struct as_chart c = {u->lesson ? u->lesson->title : "autoscope",
			     runs, n, NAN, NULL, u->log_scale};
	if (s && s->config.loss == AS_LOSS_MSE && isfinite(s->pca_error)) {
		c.baseline = s->pca_error;
		c.baseline_label = "PCA of the same rank";
	}
	char path[sizeof u->root + 32];
	struct as_error err;
	enum as_status st = AS_OK;
	const char *what[3] = {NULL, NULL, NULL};
	int nw = 0;
	snprintf(path, sizeof path, "%s/chart.svg", u->root);
	st = as_chart_svg_write(path, &c, &err);
	snprintf(path, sizeof path, "%s/chart.png", u->root);
	if (st == AS_OK)
		st = as_chart_png_write(path, &c, &err);
	what[nw++] = "chart.svg, chart.png";
	/* the runs' filters side by side, as on the screen (the focused
	 * run's snapshot gives their shape: a new fork may have none yet) */
	if (st == AS_OK && s && u->n_runs > 1) {
		struct as_figure_run fr[AS_RUNS_MAX];
		size_t nf = 0;
		char caps[AS_RUNS_MAX][48];
		for (int i = 0; i < u->n_runs; i++) {
			const struct as_snapshot *rs = u->runs[i].s;
			if (!rs || rs->n_visible != s->n_visible)
				continue;
			ui_run_caption(u, i, caps[nf], sizeof caps[nf]);
			fr[nf] = (struct as_figure_run){caps[nf], rs->w,
							rs->n_hidden};
			nf++;
		}
		snprintf(path, sizeof path, "%s/filters-runs.png", u->root);
		if (nf > 1) {
			st = as_figure_runs_filters(path, fr, nf, s->rows,
						    s->cols, 36, &err);
			what[nw++] = "filters-runs.png";
		}
	}
	/* the lesson's own view, from the focused run's numbers */
	const struct as_scores *sc = s ? &s->scores : NULL;
	if (st == AS_OK && sc && (sc->have & AS_SCORE_SCATTER)) {
		snprintf(path, sizeof path, "%s/scatter.png", u->root);
		st = as_figure_scatter(path, sc, "codes, PCA-2", &err);
		what[nw++] = "scatter.png";
	} else if (st == AS_OK && sc && (sc->have & AS_SCORE_HASH)) {
		snprintf(path, sizeof path, "%s/hashing.png", u->root);
		st = as_figure_hashing(path, sc, u->ds, 8, &err);
		what[nw++] = "hashing.png";
	}
	if (st != AS_OK)
		ui_say(u, 1, "views not exported: %s", err.msg);
	else
		ui_say(u, 0, "exported %s%s%s%s%s to %s (and the focused run's "
			     "files)",
		       what[0], nw > 1 ? ", " : "", nw > 1 ? what[1] : "",
		       nw > 2 ? ", " : "", nw > 2 ? what[2] : "", u->root);
}

static void act_focus_next(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	if (u->n_runs < 2)
		ui_say(u, 0, "one run: f forks it, N starts another");
	u->focus = (u->focus + 1) % u->n_runs;
	u->t = u->runs[u->focus].t;
}

static void focus_run(struct ui_state *u, int i)
{
	if (i >= u->n_runs) {
		ui_say(u, 1, "no run %d: there are %d", i + 1, u->n_runs);
		return;
	}
	u->focus = i;
	u->t = u->runs[i].t;
}

/* 1-4: the digit pressed is the run */
static void act_focus_n(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	focus_run(u, u->last_key - '1');
}

static int room_for_a_run(struct ui_state *u)
{
	if (u->n_runs + u->fork_pending < AS_RUNS_MAX)
		return 1;
	ui_say(u, 1, "%d runs at most: x closes the focused one", AS_RUNS_MAX);
	return 0;
}

static void act_fork(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	if (!room_for_a_run(u))
		return;
	struct as_command c = {AS_CMD_FORK, 0, 0};
	if (as_trainer_push(u->t, &c) != AS_OK) {
		ui_say(u, 1, "busy: key ignored");
		return;
	}
	u->fork_pending++;
}

static void act_new(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	if (room_for_a_run(u))
		u->request = UI_REQ_NEW;
}

static void act_close(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	if (u->n_runs < 2)
		ui_say(u, 1, "the last run stays: q quits");
	else
		u->request = UI_REQ_CLOSE;
}

static void act_menu(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	u->menu = 1;
	if (u->lesson)
		for (size_t i = 0; i < as_lesson_count(); i++)
			if (as_lesson_at(i) == u->lesson)
				u->menu_sel = (int)i;
}

/* i: the dashboard's lower-left pane, the next of digits, runs and
 * notes, and the lesson's own view (where it has one) */
static void act_pane(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	static const int panes[] = {UI_V_DIGITS, UI_V_PARTS,  UI_V_TRAVERSE,
				    UI_V_INFER,	 UI_V_PLANE,  UI_V_LAYERS,
				    UI_V_RUNS,	 UI_V_LESSON};
	const int np = (int)(sizeof panes / sizeof panes[0]);
	int k = 0;
	while (k < np && panes[k] != u->pane)
		k++;
	for (int step = 1; step <= np; step++) {
		int next = panes[(k + step) % np];
		const struct ui_view *v = ui_view_at(next);
		if (!v->available || v->available(u)) {
			u->pane = next;
			return;
		}
	}
}

/* v: each view alone on the whole screen in turn, then the dashboard */
static void act_full(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	for (int id = u->full + 1; id < UI_VIEWS; id++) {
		const struct ui_view *v = ui_view_at(id);
		if (id != UI_V_PANEL && (!v->available || v->available(u))) {
			u->full = id;
			return;
		}
	}
	u->full = -1;
}

/* Esc: back to the dashboard, from a zoom and a view alone alike */
static void act_back(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	u->zoom = 0;
	u->full = -1;
}

static void act_help(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	u->help = !u->help;
	u->help_page = 0;
}

static void act_quit(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	u->quit = 1;
}

struct binding {
	int key, key2, key3;
	const char *keys;
	const char *help;
	action_fn fn;
};

/* Every key, once: it dispatches and it writes the help overlay. */
static const struct binding bindings[] = {
	{' ', 0, 0, "space", "pause / resume training (every run)",
	 act_pause},
	{'n', 0, 0, "n", "one minibatch while paused", act_step},
	{'c', 0, 0, "c / C", "corruption level +0.05 / -0.05", act_noise_up},
	{'C', 0, 0, NULL, NULL, act_noise_down},
	{'s', 0, 0, "s / S", "sparsity weight x2 / /2 (from 0: 0.05)",
	 act_sparse_up},
	{'S', 0, 0, NULL, NULL, act_sparse_down},
	{'t', 0, 0, "t", "tie / untie the weights", act_tied},
	{'k', KEY_UP, 0, "k j  up down", "select a control", act_sel_up},
	{'j', KEY_DOWN, 0, NULL, NULL, act_sel_down},
	{'l', KEY_RIGHT, 0, "h l  <- ->", "change the selected control",
	 act_inc},
	{'h', KEY_LEFT, 0, NULL, NULL, act_dec},
	{'\n', KEY_ENTER, '\r', "Enter", "type an exact value (Esc cancels)",
	 act_type},
	{'v', 0, 0, "v", "the next view alone on the screen (then back)",
	 act_full},
	{27, 0, 0, "Esc", "back: from the zoom, or to all the views", act_back},
	{'p', 0, 0, "p", "linear probe (in a lesson: its numbers now)",
	 act_probe},
	{'\t', 0, 0, "Tab 1-4", "focus the next run / run N", act_focus_next},
	{'1', '2', '3', NULL, NULL, act_focus_n},
	{'4', 0, 0, NULL, NULL, act_focus_n},
	{'f', 0, 0, "f", "fork the focused run (exact copy, trains on)",
	 act_fork},
	{'N', 0, 0, "N", "new run: same initialisation, current settings",
	 act_new},
	{'x', 0, 0, "x", "close the focused run (saves it first)", act_close},
	{'L', 0, 0, "L", "lessons: the classic experiments", act_menu},
	{'o', 0, 0, "o / O", "on to the next stage / back a stage (deep runs)",
	 act_stage_next},
	{'O', 0, 0, NULL, NULL, act_stage_prev},
	{'i', 0, 0, "i",
	 "lower pane: digits, parts, a unit, plane, ...",
	 act_pane},
	{'b', 0, 0, "b / B",
	 "history: a frame back / on (past the last: live)",
	 act_history_back},
	{'B', 0, 0, NULL, NULL, act_history_fwd},
	{'H', 0, 0, "H", "export the history: history.png, frames/*.png",
	 act_history_export},
	{'R', 0, 0, "R", "the sampling chains start again (chains lesson)",
	 act_chains},
	{'r', 0, 0, "r", "new initialisation", act_reset},
	{'w', 0, 0, "w", "save every run and the session (session.txt)",
	 act_save},
	{'e', 0, 0, "e", "export what is on screen: PNGs, charts, .npy",
	 act_export},
	{'?', KEY_F(1), 0, "? F1", "this help", act_help},
	{'q', 0, 0, "q", "quit (saves every run and the session first)",
	 act_quit},
};

#define N_BINDINGS (sizeof bindings / sizeof bindings[0])

size_t ui_key_help_count(void)
{
	size_t n = 0;
	for (size_t i = 0; i < N_BINDINGS; i++)
		n += bindings[i].help != NULL;
	return n + 1;
}

const char *ui_key_help(size_t i, const char **keys)
{
	for (size_t k = 0; k < N_BINDINGS; k++) {
		if (!bindings[k].help)
			continue;
		if (i-- == 0) {
			*keys = bindings[k].keys;
			return bindings[k].help;
		}
	}
	*keys = "mouse";
	return "click a control or a filter to select it";
}

static void prompt_key(struct ui_state *u, const struct as_snapshot *s, int ch)
{
	size_t len = strlen(u->input);
	if (ch == 27) {
		u->prompt = 0;
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (len)
			u->input[len - 1] = 0;
	} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		u->prompt = 0;
		const struct as_param *p = as_param_at((size_t)u->sel);
		if (!s) { /* a new run took the focus and has not drawn yet */
			ui_say(u, 1, "refused: the run is still starting");
			return;
		}
		struct as_config tmp = s->config;
		struct as_error err;
		if (as_param_parse(&tmp, p, u->input, &err) != AS_OK)
			ui_say(u, 1, "refused: %s", err.msg);
		else
			push(u, AS_CMD_SET, u->sel, as_param_get(&tmp, p));
	} else if (ch >= 32 && ch < 127 && len + 1 < sizeof u->input) {
		u->input[len] = (char)ch;
		u->input[len + 1] = 0;
	}
}

static void mouse_key(struct ui_state *u, const struct as_snapshot *s)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
	if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED)))
		return;
	int idx[UI_PANEL_MAX], n = panel_rows(s, idx);
	int row = ui_hit_panel(&u->lay.panel, ui_panel_pos(idx, n, u->sel), n,
			       ev.x, ev.y);
	if (row >= 0) {
		u->sel = idx[row];
		return;
	}
	if (!(u->full < 0 || u->full == UI_V_FILTERS) || u->zoom)
		return;
	/* a click in another run's filter column focuses that run */
	const struct ui_rect *f = &u->lay.filters;
	if (u->n_runs > 1 && u->full < 0 && ev.y >= f->y &&
	    ev.y < f->y + f->h && ev.x >= f->x && ev.x < f->x + f->w) {
		for (int i = 0; i < u->n_runs; i++) {
			struct ui_rect c;
			ui_split_cols(f, u->n_runs, i, &c);
			if (ev.x >= c.x && ev.x < c.x + c.w && i != u->focus) {
				focus_run(u, i);
				return;
			}
		}
	}
	const struct ui_fgrid *g = &u->fgrid;
	int member = 0;
	int k = s ? ui_hit_filter(&g->area, g->top, &g->t, g->group, g->page,
				  (int)s->n_hidden, ev.x, ev.y, &member)
		  : -1;
	if (k >= 0) {
		u->filter_sel = k;
		if (g->aligned && member != u->focus)
			focus_run(u, member);
	}
}

static void menu_key(struct ui_state *u, int ch)
{
	int n = (int)as_lesson_count();
	if (ch == 27 || ch == 'L' || ch == 'q') {
		u->menu = 0;
	} else if (ch == KEY_UP || ch == 'k') {
		u->menu_sel = (u->menu_sel + n - 1) % n;
	} else if (ch == KEY_DOWN || ch == 'j') {
		u->menu_sel = (u->menu_sel + 1) % n;
	} else if (ch >= '1' && ch <= '9' && ch - '1' < n) {
		u->menu_sel = ch - '1';
	} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		u->menu = 0;
		u->request = UI_REQ_LESSON;
		u->request_arg = u->menu_sel;
	}
}

void ui_key(struct ui_state *u, const struct as_snapshot *s, int ch)
{
	if (ch == KEY_RESIZE)
		return; /* the next draw lays out again */
	if (u->menu) {
		menu_key(u, ch);
		return;
	}
	/* typed text stays in the prompt even while the focused run has
	 * no snapshot yet (a fork or N takes the focus): else its keys
	 * would run as commands, x closing a run, q quitting */
	if (u->prompt) {
		prompt_key(u, s, ch);
		return;
	}
	if (u->help) {
		/* PgDn / PgUp turn the pages; any other key closes it */
		if (ch == KEY_NPAGE || ch == ' ' || ch == KEY_DOWN) {
			if (u->help_page + 1 < ui_help_pages())
				u->help_page++;
			return;
		}
		if (ch == KEY_PPAGE || ch == KEY_UP) {
			if (u->help_page > 0)
				u->help_page--;
			return;
		}
		if (ch == KEY_RESIZE)
			return;
		u->help = 0; /* q too: it leaves the help, as in less */
		return;
	}
	if (ch == KEY_MOUSE) {
		mouse_key(u, s);
		return;
	}
	if (ui_views_key(u, s, ch))
		return;
	for (size_t i = 0; i < N_BINDINGS; i++) {
		const struct binding *b = &bindings[i];
		if (ch == b->key || (b->key2 && ch == b->key2) ||
		    (b->key3 && ch == b->key3)) {
			u->last_key = ch;
			b->fn(u, s);
			return;
		}
	}
	if (ch != ERR)
		ui_say(u, 1, "no action on that key: ? lists them");
}

