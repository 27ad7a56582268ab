/* The explorer's event loop and its key table. */
#include <curses.h>
#include <term.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "autoscope/blas.h"
#include "../cli/options.h"
#include "ui.h"
#include "view.h"

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
}

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

static void act_pause(struct ui_state *u, const struct as_snapshot *s)
{
	push(u, AS_CMD_PAUSE, 0, s && s->paused ? 0 : 1);
}

static void act_step(struct ui_state *u, const struct as_snapshot *s)
{
	if (s && !s->paused)
		ui_say(u, 0, "n steps once while paused (space pauses)");
	else
		push(u, AS_CMD_STEP, 0, 0);
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

static void act_sel_up(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	if (u->sel > 0)
		u->sel--;
}

static void act_sel_down(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	if (u->sel + 1 < (int)as_param_count())
		u->sel++;
}

static void nudge_sel(struct ui_state *u, int dir)
{
	const struct as_param *p = as_param_at((size_t)u->sel);
	if (!p->live)
		ui_say(u, 1, "%s is fixed for a run: restart with --%s",
		       p->name, p->name);
	else
		push(u, AS_CMD_NUDGE, u->sel, dir);
}

static void act_inc(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	nudge_sel(u, 1);
}

static void act_dec(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	nudge_sel(u, -1);
}

static void act_type(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	const struct as_param *p = as_param_at((size_t)u->sel);
	if (!p->live) {
		ui_say(u, 1, "%s is fixed for a run: restart with --%s",
		       p->name, p->name);
		return;
	}
	u->prompt = 1;
	u->input[0] = 0;
}

static void act_page_prev(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	if (u->filter_page > 0)
		u->filter_page--;
}

static void act_page_next(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	u->filter_page++; /* clamped when drawn */
}

static void act_filter_prev(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	if (u->filter_sel > 0)
		u->filter_sel--;
}

static void act_filter_next(struct ui_state *u, const struct as_snapshot *s)
{
	if (s && u->filter_sel + 1 < (int)s->n_hidden)
		u->filter_sel++;
}

static void act_zoom(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	u->zoom = !u->zoom;
}

static void act_log(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	u->log_scale = !u->log_scale;
}

static void act_smooth(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	u->smooth = !u->smooth;
}

static void act_probe(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	ui_say(u, 0, "linear probe running (a few seconds)...");
	push(u, AS_CMD_PROBE, 0, 0);
}

static void act_reset(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	push(u, AS_CMD_RESET, 0, 0);
}

static void act_save(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	push(u, AS_CMD_SAVE, 0, 0);
}

static void act_export(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	push(u, AS_CMD_EXPORT, 0, 0);
}

static void act_help(struct ui_state *u, const struct as_snapshot *s)
{
	(void)s;
	u->help = !u->help;
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
	{' ', 0, 0, "space", "pause / resume training", act_pause},
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
	{'[', KEY_PPAGE, 0, "[ ]  PgUp PgDn", "previous / next page of filters",
	 act_page_prev},
	{']', KEY_NPAGE, 0, NULL, NULL, act_page_next},
	{'<', ',', 0, "< >", "select a filter (or click one)", act_filter_prev},
	{'>', '.', 0, NULL, NULL, act_filter_next},
	{'z', 0, 0, "z", "zoom the selected filter, with its numbers",
	 act_zoom},
	{'g', 0, 0, "g", "log scale on the loss axis", act_log},
	{'m', 0, 0, "m", "smooth the training curve (EMA)", act_smooth},
	{'p', 0, 0, "p", "linear probe: codes vs raw pixels", act_probe},
	{'r', 0, 0, "r", "new initialisation", act_reset},
	{'w', 0, 0, "w", "save a checkpoint (checkpoint.ascp)", act_save},
	{'e', 0, 0, "e", "export filters.png, recon.png, *.npy", act_export},
	{'?', KEY_F(1), 0, "? F1", "this help", act_help},
	{'q', 0, 0, "q", "quit (saves a checkpoint first)", act_quit},
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
	int row = ui_hit_panel(&u->lay.panel, u->sel, (int)as_param_count(),
			       ev.x, ev.y);
	int k = s && !u->zoom ? ui_hit_filter(&u->lay.filters, &u->ftiles,
					      u->filter_page, (int)s->n_hidden,
					      ev.x, ev.y)
			      : -1;
	if (row >= 0)
		u->sel = row;
	else if (k >= 0)
		u->filter_sel = k;
}

static void key(struct ui_state *u, const struct as_snapshot *s, int ch)
{
	if (ch == KEY_RESIZE)
		return; /* the next draw lays out again */
	if (u->prompt && s) {
		prompt_key(u, s, ch);
		return;
	}
	if (u->help) {
		u->help = 0;
		if (ch != 'q')
			return;
	}
	if (ch == KEY_MOUSE) {
		mouse_key(u, s);
		return;
	}
	for (size_t i = 0; i < N_BINDINGS; i++) {
		const struct binding *b = &bindings[i];
		if (ch == b->key || (b->key2 && ch == b->key2) ||
		    (b->key3 && ch == b->key3)) {
			b->fn(u, s);
			return;
		}
	}
	if (ch != ERR)
		ui_say(u, 1, "no action on that key: ? lists them");
}

static void pick_capabilities(struct ui_state *u)
{
	const char *nc = getenv("NO_COLOR");
	const char *cs = nl_langinfo(CODESET);
	int utf8 = cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
	if ((nc && nc[0]) || !has_colors())
		u->colors = UI_MONO;
	else if (start_color() == OK && COLORS >= 256) /* sets COLORS */
		u->colors = UI_COLOR256;
	else
		u->colors = UI_COLOR8;
	u->half = utf8 && u->colors == UI_COLOR256 &&
		  COLOR_PAIRS >= UI_P_GRAY0 + 24 * 24;
}

/* Before anything is loaded or written: a terminal description that
 * exists and can move the cursor (not TERM=dumb). */
static int terminal_usable(void)
{
	const char *term = getenv("TERM");
	int status = 0;
	if (setupterm(NULL, STDOUT_FILENO, &status) != OK) {
		fprintf(stderr,
			"autoscope: no description of the terminal '%s' "
			"(set TERM, e.g. TERM=xterm-256color)\n",
			term ? term : "(unset)");
		return 0;
	}
	char cup[] = "cup";
	const char *move = tigetstr(cup);
	int ok = move != NULL && move != (char *)-1;
	del_curterm(cur_term);
	if (!ok)
		fprintf(stderr,
			"autoscope: the terminal '%s' cannot move the cursor; "
			"use `autoscope train` or another terminal\n",
			term ? term : "(unset)");
	return ok;
}

int ui_main(struct cli_opts *o)
{
	if (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)) {
		fprintf(stderr, "autoscope: the explorer needs a terminal; "
				"for a run without one use `autoscope train` "
				"(see --help)\n");
		return 2;
	}
	if (!terminal_usable())
		return 2;
	const char *out = o->out ? o->out : "autoscope-out";
	struct as_error err;
	as_blas_set_threads(o->threads);
	struct as_trainer_opts topts;
	as_trainer_opts_default(&topts);
	topts.publish = 1;
	struct as_dataset *ds = NULL;
	struct as_trainer *t = cli_open_run(o, out, &topts, NULL, &ds);
	if (!t)
		return 1;
	setlocale(LC_ALL, "");
	SCREEN *scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		fprintf(stderr, "autoscope: cannot drive the terminal '%s'\n",
			getenv("TERM") ? getenv("TERM") : "(TERM unset)");
		as_trainer_free(t);
		as_dataset_free(ds);
		return 1;
	}
	struct ui_state u;
	memset(&u, 0, sizeof u);
	u.t = t;
	u.out_dir = out;
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	timeout(50);
	pick_capabilities(&u);
	ui_colors_init(&u);
	mousemask(BUTTON1_CLICKED | BUTTON1_PRESSED, NULL);
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	if (as_trainer_start(t, &err) != AS_OK) {
		endwin();
		fprintf(stderr, "autoscope: %s\n", err.msg);
		as_trainer_free(t);
		as_dataset_free(ds);
		return 1;
	}
	uint64_t drawn = 0;
	int dirty = 1;
	while (!u.quit && !got_signal) {
		const struct as_snapshot *s = as_snapshot_acquire(&t->pub);
		if (dirty || (s && s->generation != drawn)) {
			ui_draw(&u, s);
			drawn = s ? s->generation : 0;
			dirty = 0;
		}
		int ch = getch();
		if (ch != ERR) {
			key(&u, s, ch);
			dirty = 1;
		}
		as_snapshot_release(&t->pub);
	}
	/* q, or a signal: save first, then give the terminal back */
	push(&u, AS_CMD_SAVE, 0, 0);
	as_trainer_stop(t);
	endwin();
	delscreen(scr);
	printf("autoscope: %s\n", t->message[0] ? t->message : "stopped");
	int rc = strstr(t->message, "failed") ? 1 : 0;
	as_trainer_free(t);
	as_dataset_free(ds);
	return got_signal ? 128 + got_signal : rc;
}
