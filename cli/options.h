/* options: the command line shared by `autoscope train` and the explorer.
 *
 * Every hyperparameter option is generated from the params table
 * (--corruption-level 0.3, --tied off, ...); the rest are listed in
 * options.c next to their help lines. */
#ifndef AUTOSCOPE_CLI_OPTIONS_H
#define AUTOSCOPE_CLI_OPTIONS_H

#include <signal.h>
#include <stdio.h>

#include "autoscope/dataset.h"
#include "autoscope/lesson.h"
#include "autoscope/params.h"
#include "autoscope/trainer.h"

struct cli_opts {
	struct as_config cfg;
	unsigned char given[64]; /* per params-table row: set on the line */
	const char *data;	 /* --data spec (default "mnist") */
	const char *out;	 /* --out DIR */
	const char *resume;	 /* --resume: a checkpoint file */
	const char *session;	 /* --resume DIR of a session (then resume
				  * is NULL) */
	char resume_buf[4096];	 /* DIR/checkpoint.ascp for --resume DIR */
	int paused;		 /* --paused: the explorer's runs start so */
	size_t grid_cols, grid_rows; /* --grid CxR (0: none) */
	size_t history_mb;	     /* --history-mb */
	int views;		     /* --views (train) */
	int epochs;
	int epochs_given;
	const struct as_lesson *lesson; /* --lesson, or NULL */
	struct as_lesson *lesson_file;	/* --lesson PATH: owned (free()) */
	char lesson_path[4096];		/* its absolute path */
	int threads;
	int quiet;
	int probe; /* -1 auto, 0 no, 1 yes */
	struct as_data_opts data_opts;
};

/* Parses argv[first..argc). On error prints one line to stderr and
 * returns -1; on --help/--version prints and returns 1; else 0. */
int cli_parse(int argc, char **argv, int first, struct cli_opts *o,
	      const char *command);

void cli_usage(FILE *f);

/* Loads o->data (or the checkpoint's spec), prints a one-line error on
 * failure. */
struct as_dataset *cli_load_data(const struct cli_opts *o, const char *spec);

/* Opens the run the options describe, for both front ends: the
 * checkpoint of --resume (its data unless --data is given, and the live
 * parameters given on the line on top) or a new run of o->cfg; creates
 * the output directory once the inputs have loaded. topts comes filled by
 * the caller; out_dir and append_csv are set here. Prints one line and
 * returns NULL on failure; on success *ds is the dataset, to free after
 * the trainer. */
struct as_trainer *cli_open_run(struct cli_opts *o, const char *out,
				struct as_trainer_opts *topts, FILE *note,
				struct as_dataset **ds);

/* The options that every run's trainer options take from the line
 * (--grid). */
void cli_trainer_opts(const struct cli_opts *o, struct as_trainer_opts *t);

/* Adjusts defaults that depend on the data (loss for data outside
 * [0,1]) unless the user set them; prints a note when it does. */
void cli_fit_defaults(struct cli_opts *o, const struct as_dataset *ds,
		      FILE *note);

/* The runs of lesson l, for both front ends: its data (or --data), each
 * run's config with the hyperparameters given on the line on top, each
 * run writing into out/<its label as a file name>. topts as for
 * cli_open_run. On failure returns 0 with one sentence in why; else the
 * number of runs put in runs[], and *ds (to free after them). */
size_t cli_open_lesson(struct cli_opts *o, const struct as_lesson *l,
		       const char *out, struct as_trainer_opts *topts,
		       struct as_trainer *runs[AS_RUNS_MAX],
		       struct as_dataset **ds, char *why, size_t nwhy);

/* `autoscope train --lesson NAME`: every run of the lesson, side by side
 * on threads, an epoch at a time; scores after each epoch to the terminal
 * and to out/lesson.csv. stop is polled between minibatches. */
int cli_train_lesson(struct cli_opts *o, volatile sig_atomic_t *stop);

#endif
