/* The explorer's event loop (its keys are in keys.c). */
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
#include "autoscope/chart.h"
#include "autoscope/figure.h"
#include "view.h"

static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	got_signal = sig;
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
	u->glyphs = !utf8 ? UI_GLYPH_ASCII
		    : u->colors == UI_COLOR256 &&
				    COLOR_PAIRS >= UI_P_GRAY0 + 24 * 24
			    ? UI_GLYPH_GRAY
			    : UI_GLYPH_DITHER;
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

/* A run finishing a measurement can take a few seconds to stop: say so
 * on the status line before waiting for it. */
static void busy(const char *what)
{
	move(LINES - 1, 0);
	clrtoeol();
	attron(A_BOLD);
	printw(" %.*s", COLS > 2 ? COLS - 2 : 0, what);
	attroff(A_BOLD);
	refresh();
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
	/* the pool is made for --threads at the start; the runs then get
	 * as_blas_threads_for(--threads, how many train side by side) */
	as_blas_set_threads(o->threads);
	struct ui_state u;
	memset(&u, 0, sizeof u);
	u.full = -1; /* the dashboard */
	u.pane = UI_V_DIGITS;
	u.blas_threads = o->threads;
	as_pace_init(&u.pace, 2000);
	struct as_dataset *ds = NULL;
	if (o->session) {
		if (ui_session_open(&u, o, o->session, &ds) != 0) {
			as_dataset_free(ds);
			free(u.own_lesson);
			as_pace_destroy(&u.pace);
			return 1;
		}
	} else if (o->lesson) {
		if (ui_lesson_start(&u, o, o->lesson, out, &ds, 0) != 0) {
			as_dataset_free(ds);
			as_pace_destroy(&u.pace);
			return 1;
		}
	} else {
		struct as_trainer_opts topts;
		as_trainer_opts_default(&topts);
		cli_trainer_opts(o, &topts);
		topts.publish = 1;
		topts.pace = &u.pace;
		topts.point_min_s = 0.1;
		/* the runs table shows each epoch's clean error */
		topts.score_every_epoch = AS_SCORE_LOSS;
		struct as_trainer *t = cli_open_run(o, out, &topts, NULL, &ds);
		if (!t) {
			as_pace_destroy(&u.pace);
			return 1;
		}
		u.ds = ds;
		snprintf(u.root, sizeof u.root, "%s", out);
		t->ctl.paused = o->paused;
		if (ui_run_add(&u, t, "run 1") != 0) {
			fprintf(stderr, "autoscope: %s\n", u.msg);
			as_dataset_free(ds);
			as_pace_destroy(&u.pace);
			return 1;
		}
		u.t = t;
	}
	setlocale(LC_ALL, "");
	SCREEN *scr = newterm(NULL, stdout, stdin);
	if (!scr) {
		fprintf(stderr, "autoscope: cannot drive the terminal '%s'\n",
			getenv("TERM") ? getenv("TERM") : "(TERM unset)");
		while (u.n_runs > 0)
			ui_run_close(&u, u.n_runs - 1, NULL, 0, 0);
		as_dataset_free(ds);
		return 1;
	}
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
	int dirty = 1;
	double last_frame = 0;
	while (!u.quit && !got_signal) {
		ui_runs_take_forks(&u);
		int changed = 0;
		for (int i = 0; i < u.n_runs; i++) {
			struct ui_run *r = &u.runs[i];
			r->s = as_snapshot_acquire(&r->t->pub);
			changed |= r->s && r->s->generation != r->drawn;
		}
		const struct as_snapshot *s = u.runs[u.focus].s;
		/* a key redraws at once; new snapshots at most 4 times a
		 * second, so the full-resolution pictures cost little, and
		 * little over a slow link (curses sends only what changed) */
		double now = ui_wall_s();
		if (dirty || (changed && now - last_frame >= 0.25)) {
			last_frame = now;
			ui_draw(&u, s);
			for (int i = 0; i < u.n_runs; i++)
				u.runs[i].drawn =
					u.runs[i].s ? u.runs[i].s->generation
						    : 0;
			dirty = 0;
		}
		int ch = getch();
		if (ch != ERR) {
			ui_key(&u, s, ch);
			dirty = 1;
		}
		int request = u.request;
		u.request = UI_REQ_NONE;
		if (request == UI_REQ_NEW)
			ui_run_new(&u, s);
		for (int i = 0; i < u.n_runs; i++) {
			if (u.runs[i].s)
				as_snapshot_release(&u.runs[i].t->pub);
			u.runs[i].s = NULL;
		}
		if (request == UI_REQ_CLOSE) {
			busy("saving and closing the run...");
			ui_run_close(&u, u.focus, NULL, 0, 1);
		} else if (request == UI_REQ_LESSON) {
			busy("loading the lesson, then saving the runs on "
			     "screen...");
			ui_lesson_start(&u, o,
					as_lesson_at((size_t)u.request_arg),
					out, &ds, 1);
		}
	}
	/* q, or a signal: save every run first, then give the terminal
	 * back and say where each went */
	busy("saving every run...");
	char said[AS_RUNS_MAX][240];
	char label[AS_RUNS_MAX][32];
	char session[600];
	int n = u.n_runs, rc = 0;
	int session_bad = n > 0 && ui_session_save(&u, session, sizeof session);
	rc |= session_bad;
	for (int i = 0; i < n; i++) {
		snprintf(label[i], sizeof label[i], "%s", u.runs[0].label);
		rc |= ui_run_close(&u, 0, said[i], sizeof said[i], 0);
	}
	/* a terminal without an alternate screen (vt100) keeps what is on
	 * it after endwin: leave it blank rather than a stale frame */
	erase();
	refresh();
	endwin();
	delscreen(scr);
	for (int i = 0; i < n; i++)
		if (n > 1)
			printf("autoscope: %s: %s\n", label[i], said[i]);
		else
			printf("autoscope: %s\n", said[i]);
	if (n > 0 && session_bad)
		printf("autoscope: session not saved: %s\n", session);
	else if (n > 0)
		printf("autoscope: session %s (reopen: autoscope --resume "
		       "%s)\n",
		       session, u.root);
	as_dataset_free(ds);
	as_pace_destroy(&u.pace);
	free(u.own_lesson);
	return got_signal ? 128 + got_signal : rc;
}
