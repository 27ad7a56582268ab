/* The view registry, the frame (plan, then paint) and the keys the views
 * own. A new view is a file with its paint function (and keys) and one
 * row here. */
#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "view.h"

static int have_lesson_view(const struct ui_state *u)
{
	return u->lesson &&
	       (u->lesson->scores &
		(AS_SCORE_SCATTER | AS_SCORE_HASH | AS_SCORE_NOISE |
		 AS_SCORE_CHAIN));
}

static int hashing(const struct ui_state *u)
{
	return u->lesson && (u->lesson->scores & AS_SCORE_HASH);
}

static int have_layers(const struct ui_state *u)
{
	return u->deep;
}

static int have_parts(const struct ui_state *u)
{
	return !u->deep;
}

static int have_plane(const struct ui_state *u)
{
	const struct as_snapshot *s = u->runs[u->focus].s;
	return s && s->has_plane;
}

/* its < > only alone on the screen (beside the filters they select) */
static int parts_alone(const struct ui_state *u)
{
	return u->full == UI_V_PARTS;
}

static int notes_alone(const struct ui_state *u)
{
	return u->full == UI_V_RUNS;
}

static int traverse_alone(const struct ui_state *u)
{
	return u->full == UI_V_TRAVERSE;
}

static int have_infer(const struct ui_state *u)
{
	const struct as_snapshot *s = u->runs[u->focus].s;
	return s && s->n_infer > 0;
}

static int infer_alone(const struct ui_state *u)
{
	return u->full == UI_V_INFER;
}

static const struct ui_view registry[UI_VIEWS] = {
	[UI_V_FILTERS] = {"filters", ui_paint_filters, ui_plan_filters, NULL,
			  ui_filters_keys},
	[UI_V_DIGITS] = {"digits", ui_paint_digits, NULL, NULL, NULL},
	[UI_V_CHART] = {"chart", ui_paint_chart, NULL, NULL, ui_chart_keys},
	[UI_V_RUNS] = {"runs and notes", ui_paint_runs, NULL, NULL,
		       ui_notes_keys, notes_alone},
	[UI_V_LESSON] = {"lesson view", ui_paint_lesson, ui_plan_lesson,
			 have_lesson_view, ui_lesson_keys, hashing},
	[UI_V_PANEL] = {"controls", ui_paint_panel, NULL, NULL, NULL},
	[UI_V_LAYERS] = {"layers", ui_paint_layers, NULL, have_layers, NULL},
	[UI_V_PARTS] = {"digit by parts", ui_paint_parts, NULL, have_parts,
			ui_parts_keys, parts_alone},
	[UI_V_PLANE] = {"code plane", ui_paint_plane, NULL, have_plane, NULL},
	[UI_V_TRAVERSE] = {"a unit dialled", ui_paint_traverse, NULL,
			   have_parts, ui_parts_keys, traverse_alone},
	[UI_V_INFER] = {"code inference", ui_paint_infer, NULL, have_infer,
			ui_parts_keys, infer_alone},
};

/* a view's key table ends in a row without a function */
static size_t n_keys_of(int id)
{
	size_t n = 0;
	const struct ui_key *t = registry[id].keys;
	while (t && t[n].fn)
		n++;
	return n;
}

const struct ui_view *ui_view_at(int id)
{
	return id >= 0 && id < UI_VIEWS ? &registry[id] : NULL;
}

static const struct ui_key *key_find(const struct ui_key *t, int k)
{
	for (size_t i = 0; t && t[i].fn; i++)
		if (t[i].key == k || (t[i].key2 && t[i].key2 == k))
			return &t[i];
	return NULL;
}

static int offer(struct ui_state *u, const struct as_snapshot *s, int id,
		 int ch)
{
	const struct ui_view *v = ui_view_at(id);
	if (!v || (v->available && !v->available(u)) ||
	    (v->keys_active && !v->keys_active(u)))
		return 0;
	const struct ui_key *k = key_find(v->keys, ch);
	if (!k)
		return 0;
	u->last_key = ch;
	k->fn(u, s);
	return 1;
}

int ui_views_key(struct ui_state *u, const struct as_snapshot *s, int ch)
{
	if (u->full >= 0)
		return offer(u, s, u->full, ch);
	return offer(u, s, u->pane, ch) || offer(u, s, UI_V_FILTERS, ch) ||
	       offer(u, s, UI_V_CHART, ch);
}

size_t ui_help_count(void)
{
	size_t n = ui_key_help_count();
	for (int id = 0; id < UI_VIEWS; id++) {
		size_t k = n_keys_of(id);
		if (k == 0)
			continue;
		n++; /* the view's heading */
		for (size_t i = 0; i < k; i++)
			n += registry[id].keys[i].keys != NULL;
	}
	return n;
}

const char *ui_help_line(size_t i, const char **keys, int *heading)
{
	*heading = 0;
	size_t own = ui_key_help_count();
	if (i < own)
		return ui_key_help(i, keys);
	i -= own;
	for (int id = 0; id < UI_VIEWS; id++) {
		size_t k = n_keys_of(id);
		if (k == 0)
			continue;
		if (i == 0) {
			*heading = 1;
			*keys = "";
			return registry[id].name;
		}
		i--;
		for (size_t j = 0; j < k; j++) {
			if (!registry[id].keys[j].keys)
				continue;
			if (i == 0) {
				*keys = registry[id].keys[j].keys;
				return registry[id].keys[j].help;
			}
			i--;
		}
	}
	*keys = "";
	return "";
}

/* every run's news, the newest last: a run diverging in the background
 * is said too, with its number */
static void take_messages(struct ui_state *u)
{
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
}

static void plan(struct ui_state *u, const struct as_snapshot *s)
{
	ui_layout_compute(COLS, LINES, (int)as_param_count(), &u->lay);
	if (u->lay.too_small || !s)
		return;
	take_messages(u);
	u->deep = s->n_layers > 1;
	if (u->pane == UI_V_LAYERS && !u->deep)
		u->pane = UI_V_DIGITS;
	if (u->full >= 0) {
		const struct ui_view *v = ui_view_at(u->full);
		if (v->available && !v->available(u))
			u->full = -1;
	}
	if (u->full >= 0) {
		const struct ui_view *v = ui_view_at(u->full);
		if (v->plan)
			v->plan(u, s, &u->lay.body, 1);
		if (u->full != UI_V_FILTERS)
			ui_plan_filters(u, s, NULL, 0); /* for the keys */
		return;
	}
	ui_plan_filters(u, s, &u->lay.filters, 0);
	const struct ui_view *pane = ui_view_at(u->pane);
	if (pane->plan)
		pane->plan(u, s, &u->lay.recon, 0);
}

static void paint(const struct ui_state *u, const struct as_snapshot *s)
{
	erase();
	if (u->lay.too_small) {
		mvprintw(0, 0, "%.*s", COLS,
			 "enlarge the terminal (80x24 or more)");
		if (LINES > 1 && s)
			mvprintw(1, 0, "%.*s", COLS,
				 s->paused ? "paused" : "training");
		return;
	}
	if (!s) {
		mvprintw(0, 0, "starting...");
		return;
	}
	ui_view_title(u, s);
	if (u->full >= 0) {
		ui_view_at(u->full)->paint(u, s, &u->lay.body, 1);
	} else {
		ui_paint_filters(u, s, &u->lay.filters, 0);
		ui_view_at(u->pane)->paint(u, s, &u->lay.recon, 0);
		ui_paint_chart(u, s, &u->lay.curves, 0);
		ui_paint_panel(u, s, &u->lay.panel, 0);
	}
	ui_view_status(u, s);
	if (u->menu)
		ui_view_menu(u);
	if (u->help)
		ui_view_help(u);
}

void ui_draw(struct ui_state *u, const struct as_snapshot *s)
{
	plan(u, s);
	paint(u, s);
	refresh();
}
