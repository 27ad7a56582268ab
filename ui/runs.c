/* runs: the explorer's runs side by side: added (with a directory of
 * their own and a thread), forked, closed (saved first), replaced by a
 * lesson's. The UI thread only; a run's fields are read only before its
 * thread starts or after it has stopped. */
#include <curses.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "autoscope/blas.h"
#include "autoscope/fileio.h"
#include "../cli/options.h"
#include "plot.h"
#include "view.h"

static int label_taken(const struct ui_state *u, const char *label)
{
	for (int i = 0; i < u->n_runs; i++)
		if (!strcmp(u->runs[i].label, label))
			return 1;
	return 0;
}

static int path_exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* base, or "base 2", "base 3"...: no two runs share a caption, and a new
 * directory never reuses an old run's (a closed run's files stay as they
 * were saved) */
static void unique_label(const struct ui_state *u, const char *base,
			 int needs_dir, char *out, size_t n)
{
	for (int k = 1; k < 10000; k++) {
		if (k == 1)
			snprintf(out, n, "%.24s", base);
		else
			snprintf(out, n, "%.24s %d", base, k);
		char slug[64], dir[4096];
		as_lesson_slug(out, slug, sizeof slug);
		snprintf(dir, sizeof dir, "%s/%s", u->root, slug);
		if (!label_taken(u, out) && !(needs_dir && path_exists(dir)))
			return;
	}
}

/* Gives t a directory under the root (unless it has one), starts its
 * thread and puts it on the screen; t is freed on failure. */
int ui_run_add(struct ui_state *u, struct as_trainer *t, const char *label)
{
	struct as_error err;
	enum as_status st = AS_OK;
	char name[32];
	unique_label(u, label, t->opts.out_dir == NULL, name, sizeof name);
	if (!t->opts.out_dir) {
		char slug[64], dir[4096];
		as_lesson_slug(name, slug, sizeof slug);
		snprintf(dir, sizeof dir, "%s/%s", u->root, slug);
		st = as_trainer_set_out_dir(t, dir, &err);
	}
	/* one BLAS thread per run beside others, before this one starts */
	as_blas_set_threads(
		as_blas_threads_for(u->blas_threads, u->n_runs + 1));
	if (st == AS_OK)
		st = as_trainer_start(t, &err);
	if (st != AS_OK) {
		ui_say(u, 1, "no new run: %s", err.msg);
		as_trainer_free(t);
		as_blas_set_threads(
			as_blas_threads_for(u->blas_threads, u->n_runs));
		return -1;
	}
	struct ui_run *r = &u->runs[u->n_runs++];
	memset(r, 0, sizeof *r);
	r->t = t;
	snprintf(r->label, sizeof r->label, "%s", name);
	return 0;
}

/* Stops run i and saves it on this thread (its thread has stopped, so
 * the run is ours: no command queue to overflow). If the save fails and
 * keep_on_failure is set (x), the run starts again and stays on screen;
 * else (q, a signal, a lesson switch) it is closed and the failure said.
 * Its last word goes to said (if not NULL) or the message line. Returns
 * 0 if it was saved. */
/* Run i, stopped and saved (or not: bad), leaves the screen: its last
 * word to said or the message line, its pending fork freed. */
static void drop_run(struct ui_state *u, int i, int bad, char *said, size_t n)
{
	struct as_trainer *t = u->runs[i].t;
	if (said)
		snprintf(said, n, "%s", t->message);
	else
		ui_say(u, bad, "closed %s: %s", u->runs[i].label, t->message);
	int failed = 0;
	struct as_trainer *f = as_trainer_take_fork(t, &failed);
	u->fork_pending -= failed + (f != NULL); /* asked of this run */
	if (u->fork_pending < 0)
		u->fork_pending = 0;
	as_trainer_free(f);
	as_trainer_free(t);
	for (int k = i; k + 1 < u->n_runs; k++)
		u->runs[k] = u->runs[k + 1];
	u->n_runs--;
	if (u->focus >= u->n_runs)
		u->focus = u->n_runs - 1;
	if (u->focus < 0)
		u->focus = 0;
	u->t = u->n_runs ? u->runs[u->focus].t : NULL;
	as_blas_set_threads(as_blas_threads_for(u->blas_threads, u->n_runs));
}

int ui_run_close(struct ui_state *u, int i, char *said, size_t n,
		 int keep_on_failure)
{
	struct as_trainer *t = u->runs[i].t;
	as_trainer_stop(t);
	struct as_error err;
	int bad = as_trainer_save_out(t, &err) != AS_OK;
	if (bad && keep_on_failure) {
		struct as_error e2;
		if (as_trainer_start(t, &e2) == AS_OK) {
			ui_say(u, 1, "%s not closed: %s", u->runs[i].label,
			       t->message);
			return 1;
		}
	}
	drop_run(u, i, bad, said, n);
	return bad;
}

void ui_runs_take_forks(struct ui_state *u)
{
	for (int i = 0; i < u->n_runs && u->fork_pending > 0; i++) {
		int failed = 0;
		struct as_trainer *f =
			as_trainer_take_fork(u->runs[i].t, &failed);
		u->fork_pending -= failed; /* the run says why */
		if (!f)
			continue;
		u->fork_pending--;
		char label[40];
		snprintf(label, sizeof label, "%.19s fork", u->runs[i].label);
		/* read before its thread starts: then it is the thread's */
		unsigned long long step = (unsigned long long)f->step;
		if (ui_run_add(u, f, label) == 0) {
			/* the fork takes the focus, unless a value is being
			 * typed: that is for the run it was opened on (and
			 * closing the prompt would turn the rest of what is
			 * typed into commands) */
			if (!u->prompt) {
				u->focus = u->n_runs - 1;
				u->t = u->runs[u->focus].t;
			}
			ui_say(u, 0, "run %d is a fork of run %d at step %llu",
			       u->n_runs, i + 1, step);
		}
	}
}

/* N: the focused run's settings now, from its seed's initialisation */
void ui_run_new(struct ui_state *u, const struct as_snapshot *s)
{
	if (!s)
		return;
	struct as_trainer_opts o = u->t->opts;
	o.out_dir = NULL;
	o.append_csv = 0;
	struct as_trainer *t;
	struct as_error err;
	if (as_trainer_create(&s->config, u->ds, &o, &t, &err) != AS_OK) {
		ui_say(u, 1, "no new run: %s", err.msg);
		return;
	}
	char label[40];
	snprintf(label, sizeof label, "%.20s new", u->runs[u->focus].label);
	if (ui_run_add(u, t, label) == 0) {
		if (!u->prompt) { /* as for a fork */
			u->focus = u->n_runs - 1;
			u->t = t;
		}
		ui_say(u, 0, "run %d: the initialisation of seed %llu, step 0",
		       u->n_runs, (unsigned long long)s->config.seed);
	}
}

void ui_default_pane(struct ui_state *u)
{
	u->pane = !u->lesson ? UI_PANE_RECON
		  : u->lesson->scores &
			    (AS_SCORE_SCATTER | AS_SCORE_HASH | AS_SCORE_NOISE |
			     AS_SCORE_CHAIN)
			  ? UI_PANE_LESSON
		  : u->lesson->scores & AS_SCORE_PARTS ? UI_V_PARTS
						       : UI_PANE_RUNS;
}

/* Opens lesson l's runs under out/<name>; only once they are made are
 * the runs on screen saved and closed, so a failure loses nothing. */
int ui_lesson_start(struct ui_state *u, struct cli_opts *o,
		    const struct as_lesson *l, const char *out,
		    struct as_dataset **ds, int from_menu)
{
	struct cli_opts lo = *o;
	if (from_menu) { /* the lesson as written, not the line's options */
		memset(lo.given, 0, sizeof lo.given);
		lo.data = NULL;
		as_data_opts_default(&lo.data_opts);
	}
	char root[2048], why[512];
	/* out/<lesson>, or out/<lesson>-2...: a lesson opened again never
	 * writes over the runs it saved before */
	snprintf(root, sizeof root, "%s/%s", out, l->name);
	for (int k = 2; path_exists(root) && k < 10000; k++)
		snprintf(root, sizeof root, "%s/%s-%d", out, l->name, k);
	struct as_trainer_opts topts;
	as_trainer_opts_default(&topts);
	cli_trainer_opts(o, &topts);
	topts.publish = 1;
	topts.pace = &u->pace;
	topts.point_min_s = 0.1;
	struct as_trainer *runs[AS_RUNS_MAX];
	struct as_dataset *nds;
	struct as_error err;
	size_t n = 0;
	if (as_mkdir(out, &err) != AS_OK)
		snprintf(why, sizeof why, "%s", err.msg);
	else
		n = cli_open_lesson(&lo, l, root, &topts, runs, &nds, why,
				    sizeof why);
	if (!n) {
		if (from_menu)
			ui_say(u, 1, "lesson %s: %s", l->name, why);
		else
			fprintf(stderr, "autoscope: %s\n", why);
		return -1;
	}
	/* the runs on screen are saved before any is closed: if one cannot
	 * be (a full or read-only disk), they all train on and the lesson
	 * waits, so a switch never loses a run */
	int bad = -1;
	struct as_error serr;
	for (int i = 0; i < u->n_runs; i++) {
		as_trainer_stop(u->runs[i].t);
		if (bad < 0 &&
		    as_trainer_save_out(u->runs[i].t, &serr) != AS_OK)
			bad = i;
	}
	if (bad >= 0) {
		for (int i = 0; i < u->n_runs; i++)
			as_trainer_start(u->runs[i].t, &err);
		for (size_t i = 0; i < n; i++)
			as_trainer_free(runs[i]);
		as_dataset_free(nds);
		ui_say(u, 1, "lesson %s not opened: %s not saved: %s", l->name,
		       u->runs[bad].label, serr.msg);
		return -1;
	}
	/* and the session they made, so that it can be reopened */
	char said[600];
	if (u->n_runs > 0 && ui_session_save(u, said, sizeof said) != 0)
		ui_say(u, 1, "session not saved: %s", said);
	while (u->n_runs > 0) /* stopped and saved above */
		drop_run(u, u->n_runs - 1, 0, NULL, 0);
	as_dataset_free(*ds);
	*ds = nds;
	u->ds = nds;
	u->lesson = l;
	if (from_menu) /* the menu's are built in */
		u->lesson_path[0] = '\0';
	else
		snprintf(u->lesson_path, sizeof u->lesson_path, "%s",
			 o->lesson_file ? o->lesson_path : "");
	snprintf(u->root, sizeof u->root, "%s", root);
	u->focus = 0;
	u->filter_page = u->filter_sel = u->query = 0;
	u->zoom = 0;
	u->scrub = 0; /* the new runs' filters live */
	for (size_t i = 0; i < n; i++) {
		runs[i]->ctl.paused = !from_menu && o->paused;
		ui_run_add(u, runs[i], l->runs[i].label);
	}
	u->t = u->n_runs ? u->runs[0].t : NULL;
	ui_default_pane(u);
	if (from_menu)
		ui_say(u, 0, "lesson %s: %zu runs; i cycles the lower pane",
		       l->name, n);
	return u->n_runs ? 0 : -1;
}

/* dir relative to root: "." for root itself, the rest under root/, or
 * NULL when dir is elsewhere */
static const char *under_root(const char *root, const char *dir)
{
	size_t n = strlen(root);
	if (!strcmp(dir, root))
		return ".";
	if (strncmp(dir, root, n) == 0 && dir[n] == '/' && dir[n + 1])
		return dir + n + 1;
	return NULL;
}

static const struct {
	const char *key;
	size_t offset;
	int lo, hi;
} view_settings[] = {
	{"pane", offsetof(struct ui_state, pane), 0, UI_VIEWS - 1},
	{"full", offsetof(struct ui_state, full), -1, UI_VIEWS - 1},
	{"layer", offsetof(struct ui_state, layer), 0, AS_LAYERS_MAX - 1},
	{"decoder", offsetof(struct ui_state, decoder), 0, 1},
	{"quads", offsetof(struct ui_state, quads), 0, 1},
	{"xmode", offsetof(struct ui_state, xmode), 0, UI_X_MODES - 1},
	{"log", offsetof(struct ui_state, log_scale), 0, 1},
	{"smooth", offsetof(struct ui_state, smooth), 0, 1},
};
#define N_VIEW_SETTINGS (sizeof view_settings / sizeof view_settings[0])

int ui_session_describe(const struct ui_state *u, struct as_session *ss)
{
	as_session_init(ss);
	if (u->lesson)
		snprintf(ss->lesson, sizeof ss->lesson, "%s", u->lesson->name);
	/* (a path too long for the file is left out: the name stays) */
	size_t pl = strlen(u->lesson_path);
	if (u->lesson && pl && pl < sizeof ss->lesson_file)
		memcpy(ss->lesson_file, u->lesson_path, pl + 1);
	int left_out = 0;
	for (int i = 0; i < u->n_runs; i++) {
		const struct as_trainer *t = u->runs[i].t;
		const char *rel =
			t->opts.out_dir ? under_root(u->root, t->opts.out_dir)
					: NULL;
		struct as_error err;
		if (!rel || as_session_add_run(ss, rel, u->runs[i].label,
					       &err) != 0) {
			left_out++;
			continue;
		}
		if (i == u->focus)
			ss->focus = ss->n_runs - 1;
	}
	for (size_t k = 0; k < N_VIEW_SETTINGS; k++)
		as_session_set_view(
			ss, view_settings[k].key,
			*(const int *)((const char *)u +
				       view_settings[k].offset));
	return left_out;
}

int ui_session_save(struct ui_state *u, char *why, size_t n)
{
	struct as_session ss;
	int left_out = ui_session_describe(u, &ss);
	struct as_error err;
	if (ss.n_runs == 0) {
		snprintf(why, n, "no run to put in a session");
		return -1;
	}
	if (as_session_save(u->root, &ss, &err) != AS_OK) {
		snprintf(why, n, "%s", err.msg);
		return -1;
	}
	if (left_out)
		snprintf(why, n, "%s/%s: %d run%s outside it left out",
			 u->root, AS_SESSION_FILE, left_out,
			 left_out > 1 ? "s" : "");
	else
		snprintf(why, n, "%s/%s", u->root, AS_SESSION_FILE);
	return 0;
}

int ui_session_open(struct ui_state *u, struct cli_opts *o, const char *dir,
		    struct as_dataset **ds)
{
	struct as_session ss;
	struct as_error err;
	if (as_session_load(dir, &ss, &err) != AS_OK) {
		fprintf(stderr, "autoscope: %s\n", err.msg);
		return -1;
	}
	const struct as_lesson *l =
		ss.lesson[0] && !ss.lesson_file[0] ? as_lesson_find(ss.lesson)
						   : NULL;
	/* a lesson from a file is read again from it */
	struct as_lesson *own = NULL;
	char lesson_why[600] = "";
	if (ss.lesson_file[0]) {
		if (as_lesson_load(ss.lesson_file, &own, &err) == AS_OK)
			l = own;
		else
			snprintf(lesson_why, sizeof lesson_why, "%s", err.msg);
	}
	struct as_trainer *runs[AS_RUNS_MAX];
	int from[AS_RUNS_MAX]; /* the session's index of each opened run */
	struct as_dataset *nds = NULL;
	char first[sizeof ((struct as_checkpoint *)0)->data] = "";
	/* a run that cannot be opened (no checkpoint, a bad one, other
	 * data) is left out and said; the rest open; none: nothing */
	char skipped[AS_RUNS_MAX][400];
	int n = 0, nskip = 0, bad = 0;
	for (int i = 0; i < ss.n_runs && !bad; i++) {
		char dpath[4096], cpath[4096 + 32];
		snprintf(dpath, sizeof dpath, "%s/%s", dir, ss.run[i].dir);
		snprintf(cpath, sizeof cpath, "%s/checkpoint.ascp", dpath);
		struct as_checkpoint ck;
		if (as_checkpoint_load(cpath, &ck, &err) != AS_OK) {
			snprintf(skipped[nskip++], sizeof skipped[0],
				 "run '%s': %.350s", ss.run[i].label, err.msg);
			continue;
		}
		if (!nds) {
			snprintf(first, sizeof first, "%s", ck.data);
			nds = cli_load_data(o, ck.data);
			if (!nds) { /* (said on stderr by cli_load_data) */
				as_checkpoint_release(&ck);
				bad = 1;
				break;
			}
		} else if (strcmp(first, ck.data) != 0) {
			snprintf(skipped[nskip++], sizeof skipped[0],
				 "run '%s' trained on %.100s, the others on "
				 "%.100s",
				 ss.run[i].label, ck.data, first);
			as_checkpoint_release(&ck);
			continue;
		}
		struct as_trainer_opts topts;
		as_trainer_opts_default(&topts);
		cli_trainer_opts(o, &topts);
		topts.publish = 1;
		topts.pace = &u->pace;
		topts.point_min_s = 0.1;
		topts.score_every_epoch = l ? l->scores : AS_SCORE_LOSS;
		topts.out_dir = dpath;
		topts.append_csv = 1;
		if (as_trainer_resume(&ck, nds, &topts, &runs[n], &err) !=
		    AS_OK) {
			snprintf(skipped[nskip++], sizeof skipped[0],
				 "run '%s': %.350s", ss.run[i].label, err.msg);
		} else {
			runs[n]->ctl.paused = o->paused;
			from[n++] = i;
		}
		as_checkpoint_release(&ck);
	}
	if (bad || n == 0) {
		for (int i = 0; i < nskip; i++)
			fprintf(stderr, "autoscope: %s\n", skipped[i]);
		if (!bad)
			fprintf(stderr,
				"autoscope: %s: no run of the session could be "
				"opened\n",
				dir);
		while (n > 0)
			as_trainer_free(runs[--n]);
		as_dataset_free(nds);
		free(own);
		return -1;
	}
	*ds = nds;
	u->ds = nds;
	u->lesson = l;
	u->own_lesson = own;
	if (own)
		snprintf(u->lesson_path, sizeof u->lesson_path, "%s",
			 ss.lesson_file);
	snprintf(u->root, sizeof u->root, "%s", dir);
	int focus = 0;
	for (int i = 0; i < n; i++) {
		if (ui_run_add(u, runs[i], ss.run[from[i]].label) != 0) {
			/* (the runs added so far are stopped, not saved:
			 * nothing is written) */
			fprintf(stderr, "autoscope: run '%s': %s\n",
				ss.run[from[i]].label, u->msg);
			while (u->n_runs > 0) {
				as_trainer_stop(u->runs[u->n_runs - 1].t);
				as_trainer_free(u->runs[--u->n_runs].t);
			}
			for (int k = i + 1; k < n; k++)
				as_trainer_free(runs[k]);
			return -1;
		}
		if (from[i] == ss.focus)
			focus = u->n_runs - 1;
	}
	ss.focus = focus;
	u->focus = ss.focus < u->n_runs ? ss.focus : 0;
	u->t = u->runs[u->focus].t;
	ui_default_pane(u);
	for (size_t k = 0; k < N_VIEW_SETTINGS; k++) {
		int *f = (int *)((char *)u + view_settings[k].offset);
		int v = as_session_view(&ss, view_settings[k].key, *f);
		*f = v < view_settings[k].lo   ? view_settings[k].lo
		     : v > view_settings[k].hi ? view_settings[k].hi
					       : v;
	}
	/* the lower-left pane is one of the four that go there */
	if (u->pane != UI_V_DIGITS && u->pane != UI_V_RUNS &&
	    u->pane != UI_V_LESSON && u->pane != UI_V_LAYERS &&
	    u->pane != UI_V_PARTS && u->pane != UI_V_PLANE &&
	    u->pane != UI_V_TRAVERSE && u->pane != UI_V_INFER)
		ui_default_pane(u);
	if (nskip)
		ui_say(u, 1, "%d run%s of the session left out: %s", nskip,
		       nskip > 1 ? "s" : "", skipped[0]);
	else if (lesson_why[0])
		ui_say(u, 1, "lesson not read (%.400s): its runs only",
		       lesson_why);
	else if (ss.lesson[0] && !l)
		ui_say(u, 1, "the session's lesson '%s' is not in this "
			     "autoscope: its runs only",
		       ss.lesson);
	else
		ui_say(u, 0, "reopened %s: %d run%s%s", dir, u->n_runs,
		       u->n_runs > 1 ? "s" : "",
		       o->paused ? ", paused: Space starts them" : "");
	return 0;
}
