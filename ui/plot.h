/* plot: loss curves as Braille dots, no curses.
 *
 * Owns: the mapping of loss points to a canvas of 2 x 4 dots a cell (x:
 * examples over all of the run, its recent quarter, or log10; y: loss,
 * optionally log10), lines drawn dot to dot between points, layers of
 * curves where a later layer wins the colour of a shared cell (so the
 * held-out curve is never hidden under the training curve), and where
 * the change markers fall. Pure functions, unit-tested (tests/test_ui.c).
 * Threading: none; the UI thread calls it. */
#ifndef AUTOSCOPE_UI_PLOT_H
#define AUTOSCOPE_UI_PLOT_H

#include <stddef.h>
#include <stdint.h>

#include "autoscope/history.h"

#define UI_PLOT_MAX_W 320 /* cells */
#define UI_PLOT_MAX_H 120
#define UI_PLOT_LAYERS 9 /* 4 runs x (train, held-out) + the PCA line */

enum ui_xaxis { UI_X_ALL = 0, UI_X_RECENT, UI_X_LOG, UI_X_MODES };

struct ui_plot {
	int w, h;	   /* cells */
	int xmode;	   /* enum ui_xaxis */
	int ylog;	   /* y is log10(loss) */
	double x_lo, x_hi; /* examples (log10 of them for UI_X_LOG) */
	double y_lo, y_hi; /* loss (log10 of it with ylog) */
	int n_layers;
	/* per layer and cell, the dots set (Braille bits) */
	uint8_t dots[UI_PLOT_LAYERS][UI_PLOT_MAX_H][UI_PLOT_MAX_W];
};

/* One curve: the training loss of a history (EMA-smoothed with weight
 * ema of the past, 0: none) or its held-out loss. */
struct ui_curve {
	const struct as_history *h;
	int heldout;
	double ema;
	int points; /* dots at the points only, no lines (a curve told
		     * apart by its shape where colours are not there) */
};

/* Sets the axes for these curves (and a value the y range must hold,
 * NaN for none): x from the furthest run, y over the points in the x
 * window, padded, never below 0 on a linear axis. */
void ui_plot_axes(struct ui_plot *p, int w, int h, int xmode, int ylog,
		  const struct ui_curve *c, size_t n, double extra);

/* Draws curve c into layer (clearing it first): dots at the points in
 * the window, joined by lines. */
void ui_plot_curve(struct ui_plot *p, int layer, const struct ui_curve *c);

/* A horizontal dotted line at loss v into layer (the PCA baseline). */
void ui_plot_hline(struct ui_plot *p, int layer, double v);

/* The dot coordinates of (examples, loss): x in [0, 2w), y in [0, 4h),
 * y = 0 at the top; -1 if outside the window or not finite. */
int ui_plot_dot(const struct ui_plot *p, double examples, double loss, int *x,
		int *y);
/* The cell column of an examples count, -1 outside the window. */
int ui_plot_col(const struct ui_plot *p, double examples);
/* The loss at the top of cell row r's dots (for the axis labels). */
double ui_plot_row_value(const struct ui_plot *p, int r);
/* The examples at the left of cell column c (for the right end of the
 * axis, x_hi itself). */
double ui_plot_col_value(const struct ui_plot *p, int c);

/* A cell as drawn: the Braille code point of every layer's dots (0 when
 * none) and the layer that gives it its colour (the last with dots). */
int ui_plot_cell(const struct ui_plot *p, int row, int col, int *layer);

/* Whether a change alters the objective, so that a jump after it is not
 * learning: the loss, the corruption or its level, a new initialisation,
 * the encoder. */
int ui_change_breaks(const struct as_change *c);

#endif
