/* session: what the explorer had on screen, so that it can be reopened.
 *
 * Owns: the session file (DIR/session.txt, text): the lesson, the runs
 * side by side (each a label and its directory under DIR, holding its
 * checkpoint.ascp), the focused run and the view settings, written all or
 * nothing (fileio.h) and read back with one sentence naming the file, the
 * line and what is wrong. Unknown keys are skipped, so a later version can
 * add some; a later format number is refused.
 *
 *   autoscope-session 1
 *   lesson denoising
 *   lesson-file /home/t/class/my.lesson   (a lesson not built in)
 *   focus 0
 *   view pane=1 full=-1 layer=0
 *   run run-1 clean (no noise)
 *
 * A run line is its directory (relative to DIR, no "..", no spaces) and
 * its label (the rest of the line). The runs' weights are their
 * checkpoints; the session only says which belong together.
 * Threading: none shared; each call stands alone. */
#ifndef AUTOSCOPE_SESSION_H
#define AUTOSCOPE_SESSION_H

#include <stddef.h>

#include "autoscope/error.h"
#include "autoscope/lesson.h"

#define AS_SESSION_FILE "session.txt"
#define AS_SESSION_VIEWS 16

struct as_session_run {
	char dir[256];	/* relative to the session's directory ("." too) */
	char label[32];
};

struct as_session {
	char lesson[64]; /* "" when free play */
	char lesson_file[1024]; /* the lesson's file when it is not built in
				 * (an absolute path), or "" */
	int focus;	 /* index into run[] */
	int n_runs;
	struct as_session_run run[AS_RUNS_MAX];
	/* the view settings by name (the explorer's; unknown ones kept) */
	int n_views;
	char view_key[AS_SESSION_VIEWS][16];
	int view_val[AS_SESSION_VIEWS];
};

void as_session_init(struct as_session *s);
/* Adds a run (-1: full or a bad directory, err says which) or a view
 * setting (the last of a key wins; -1: no room). */
int as_session_add_run(struct as_session *s, const char *dir,
		       const char *label, struct as_error *err);
int as_session_set_view(struct as_session *s, const char *key, int value);
/* The view setting key, or def if the session has none. */
int as_session_view(const struct as_session *s, const char *key, int def);

/* Parses the text of a session file (name: for the error, "file:line:
 * what"); at least one run is required and focus must name one. */
enum as_status as_session_parse(const char *text, size_t len,
				const char *name, struct as_session *s,
				struct as_error *err);
/* The text of s into buf (NUL-terminated); returns its length, or 0 if
 * it does not fit. */
size_t as_session_format(const struct as_session *s, char *buf, size_t n);

/* dir/session.txt, read or written (atomically) */
enum as_status as_session_load(const char *dir, struct as_session *s,
			       struct as_error *err);
enum as_status as_session_save(const char *dir, const struct as_session *s,
			       struct as_error *err);
/* 1 if dir holds a session file */
int as_session_exists(const char *dir);

#endif
