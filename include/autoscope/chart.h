/* chart: the loss chart as a file, for slides and reports (SVG and PNG).
 *
 * Owns: the SVG drawing of one or more runs' histories: the training loss
 * per example (solid) and the held-out loss (dashed) of each run in its
 * colour, an optional horizontal baseline (PCA), every recorded change of
 * a setting as a marked vertical line with its text, axes with round
 * ticks, and a key. Text stays text (it scales on a slide); the file is
 * written all or nothing (fileio.h).
 * Threading: none shared; the histories are read only during the call. */
#ifndef AUTOSCOPE_CHART_H
#define AUTOSCOPE_CHART_H

#include <stddef.h>

#include "autoscope/error.h"
#include "autoscope/history.h"

#define AS_CHART_RUNS 4

struct as_chart_run {
	const char *label;
	const struct as_history *h;
};

struct as_chart {
	const char *title;
	const struct as_chart_run *runs;
	size_t n_runs; /* 1 .. AS_CHART_RUNS */
	double baseline; /* NaN: none */
	const char *baseline_label;
	int log_y; /* loss axis in log scale */
};

/* The SVG text into a malloc'd string (*out, its length *len); NULL and
 * AS_ERR_NOMEM if memory runs out. */
enum as_status as_chart_svg(const struct as_chart *c, char **out, size_t *len,
			    struct as_error *err);
/* ... and into path, atomically */
enum as_status as_chart_svg_write(const char *path, const struct as_chart *c,
				  struct as_error *err);
/* The same chart as a PNG (900 x 520, its text in the pixel font). */
enum as_status as_chart_png_write(const char *path, const struct as_chart *c,
				  struct as_error *err);

#endif
