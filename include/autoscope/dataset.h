/* dataset: the examples a run trains on.
 *
 * Owns: struct as_dataset (an n x d float matrix, optional labels, the image
 * shape of one example and the train / held-out split) and the loaders
 * behind --data: "mnist" (the embedded MNIST test set in assets/), a path to
 * an IDX images file (labels found beside it or given), and
 * "patches:IMG.png[,IMG2.png...]" (k x k natural-image patches).
 * Two modifiers may follow mnist or an IDX path (DrLIM's experiments,
 * Hadsell, Chopra & LeCun 2006): ":digits=4,9" keeps the examples of
 * those labels, ":shift=-6,-3,3,6" adds to every example its copies
 * moved across by those pixels (zeros shifted in). The copies of one
 * example are consecutive rows, the original first, all on the same side
 * of the split: row r is copy r % copies of original r / copies.
 * A loader returns a whole valid dataset or nothing.
 * Threading: read-only once loaded; any thread may read it. */
#ifndef AUTOSCOPE_DATASET_H
#define AUTOSCOPE_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "autoscope/error.h"
#include "autoscope/patches.h"

#define AS_SHIFTS_MAX 8 /* :shift= values */

struct as_dataset {
	char name[256];	   /* the spec it was loaded from */
	size_t n, d;	   /* examples, values per example */
	size_t rows, cols; /* image shape of one example; rows * cols == d */
	float *x;	   /* n x d, row-major */
	uint8_t *labels;   /* n labels, or NULL */
	int n_classes;	   /* 1 + the largest label, 0 without labels */
	size_t n_train;	   /* rows [0, n_train) train, [n_train, n) held-out */
	float min, max;	   /* range of x; [0,1] allows cross-entropy */
	size_t copies;	   /* rows an original: 1 + the shifts (1: none) */
	int shift_px[AS_SHIFTS_MAX + 1]; /* copy c's shift across, [0] 0 */
};

struct as_data_opts {
	double holdout;	       /* fraction held out (default 0.2) */
	size_t max_examples;   /* 0: all */
	const char *labels;    /* IDX labels path, or NULL to look beside */
	size_t patch_size;     /* k (default 8) */
	size_t n_patches;      /* default 20000 */
	int patch_mean;	       /* remove each patch's mean (default 1) */
	enum as_whiten whiten; /* default AS_WHITEN_ZCA */
	float whiten_eps;      /* default 0.01 */
	uint64_t seed; /* split shuffle and patch sampling (default 1) */
	/* what the spec's modifiers say (as_dataset_load sets them) */
	unsigned keep_labels; /* bit c: keep label c; 0: every example */
	int shifts[AS_SHIFTS_MAX]; /* pixels across, none 0 */
	size_t n_shifts;
};

void as_data_opts_default(struct as_data_opts *o);

/* Loads spec (see above); examples are shuffled once with opts->seed before
 * the split, so the held-out part is the same for every run. */
enum as_status as_dataset_load(const char *spec, const struct as_data_opts *o,
			       struct as_dataset **out, struct as_error *err);

/* Loads IDX images (idx3, n x rows x cols, or idx2, n x d) and optional
 * IDX1 labels, each plain or gzip; pixels scaled to [0,1]. */
enum as_status as_dataset_load_idx(const char *images, const char *labels,
				   const struct as_data_opts *o,
				   struct as_dataset **out,
				   struct as_error *err);

/* Takes ownership of x (n x d) and labels (may be NULL): for tests and
 * tools that build data in memory. */
enum as_status as_dataset_wrap(const char *name, float *x, uint8_t *labels,
			       size_t n, size_t rows, size_t cols,
			       size_t n_train, struct as_dataset **out,
			       struct as_error *err);

void as_dataset_free(struct as_dataset *ds);

/* The directory holding mnist/ and images/: $AUTOSCOPE_ASSETS, then the
 * source tree's assets/ (compile-time), then the installed data dir, then
 * ../share/autoscope/assets beside the executable. NULL if none exists. */
const char *as_assets_dir(void);

#endif
