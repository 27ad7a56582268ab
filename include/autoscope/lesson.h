/* lesson: the classic experiments, each a set of runs to watch side by side.
 *
 * Owns: the table of lessons. A lesson names its data, the settings all
 * its runs share and those of each run (as "name=value" words of the
 * params table, so they go through the same validation as the command
 * line), the scores it shows (enum as_score_kind), a suggested number of
 * epochs and a short explanation: what to look at, what to try, which
 * paper it comes from. `autoscope --lesson NAME`, the explorer's lesson
 * menu and `autoscope train --lesson NAME` all read this one table.
 * Threading: the table is constant. */
#ifndef AUTOSCOPE_LESSON_H
#define AUTOSCOPE_LESSON_H

#include <stddef.h>

#include "autoscope/dataset.h"
#include "autoscope/error.h"
#include "autoscope/params.h"

#define AS_RUNS_MAX 4

struct as_lesson_run {
	const char *label;    /* "noise 25%": captions, legend, file names */
	const char *settings; /* on top of the lesson's: "corruption_level=0.25" */
};

struct as_lesson {
	const char *name;     /* "denoising": --lesson and the menu */
	const char *title;    /* one line */
	const char *data;     /* a --data spec */
	float whiten_eps;     /* patches: data; 0: the default */
	size_t n_patches;     /* patches: data; 0: the default */
	const char *settings; /* for every run, on top of the defaults */
	size_t n_runs;
	struct as_lesson_run runs[AS_RUNS_MAX];
	int epochs;	 /* what `train --lesson` runs unless told */
	unsigned scores; /* enum as_score_kind bits */
	const char *text; /* the explanation, lines split by '\n' */
};

size_t as_lesson_count(void);
const struct as_lesson *as_lesson_at(size_t i);
/* By name, or by its number in the menu ("1"); NULL if neither. */
const struct as_lesson *as_lesson_find(const char *name);

/* Applies "name=value name=value ..." to cfg through the params table;
 * cfg is untouched on error. */
enum as_status as_settings_apply(struct as_config *cfg, const char *settings,
				 struct as_error *err);

/* The config of run i of a lesson: defaults, the lesson's settings, the
 * run's, checked together. */
enum as_status as_lesson_config(const struct as_lesson *l, size_t run,
				struct as_config *cfg, struct as_error *err);

/* The lesson's data options on top of o (the whitening of patches). */
void as_lesson_data_opts(const struct as_lesson *l, struct as_data_opts *o);

/* Lesson files (format: assets/lessons/README.md). parse: the text of
 * one (name: for the errors, "file:line: what"), every run's settings
 * checked; the lesson and its strings are one allocation (free() it).
 * load: the same from a file. format: the lesson as such a text into buf,
 * paper (if the notes begin with it and a '.') on its own line; its
 * length, or 0 if it does not fit. */
enum as_status as_lesson_parse(const char *text, size_t len, const char *name,
			       struct as_lesson **out, struct as_error *err);
enum as_status as_lesson_load(const char *path, struct as_lesson **out,
			      struct as_error *err);
size_t as_lesson_format(const struct as_lesson *l, const char *paper,
			char *buf, size_t n);

/* A run's label as a file name: "noise 25%" -> "noise-25". */
void as_lesson_slug(const char *label, char *buf, size_t n);

#endif
