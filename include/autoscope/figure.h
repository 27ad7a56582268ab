/* figure: the explorer's views as pictures, for slides and handouts.
 *
 * Owns: the PNG figures of what the screen shows beyond the filter grid
 * and the chart (chart.h): the 2-D codes next to PCA-2 of the pixels, each
 * held-out digit drawn as its label in its colour; held-out queries with
 * their Hamming neighbours and their pixel-space neighbours, a wrong
 * label framed in red; and the filters of several runs side by side under
 * their captions. Drawn on a canvas (canvas.h), written atomically.
 * Threading: none shared; the inputs are read during the call. */
#ifndef AUTOSCOPE_FIGURE_H
#define AUTOSCOPE_FIGURE_H

#include <stddef.h>

#include "autoscope/dataset.h"
#include "autoscope/error.h"
#include "autoscope/scores.h"

/* sc must hold AS_SCORE_SCATTER; title names the codes' panel */
enum as_status as_figure_scatter(const char *path, const struct as_scores *sc,
				 const char *title, struct as_error *err);
/* sc must hold AS_SCORE_HASH; its queries and neighbours are rows of ds;
 * up to max_queries rows (0: all kept) */
enum as_status as_figure_hashing(const char *path, const struct as_scores *sc,
				 const struct as_dataset *ds,
				 size_t max_queries, struct as_error *err);

struct as_figure_run {
	const char *label;
	const float *w; /* n_units x rows*cols: the first layer's filters */
	size_t n_units;
};
/* each run's first n_show filters (fewer if it has fewer) in a square
 * grid under its caption, the runs side by side (1 to 4) */
enum as_status as_figure_runs_filters(const char *path,
				      const struct as_figure_run *runs,
				      size_t n_runs, size_t rows, size_t cols,
				      size_t n_show, struct as_error *err);

#endif
