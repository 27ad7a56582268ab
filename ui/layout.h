/* layout: the explorer's screen as arithmetic, no curses.
 *
 * Owns: terminal size -> one rectangle per view, how many image tiles of
 * what size fit in a rectangle, and the chart's mapping of loss points and
 * change markers to columns and rows. Everything here is a pure function,
 * unit-tested without a terminal (tests/test_ui.c).
 * Threading: none; the UI thread calls it. */
#ifndef AUTOSCOPE_UI_LAYOUT_H
#define AUTOSCOPE_UI_LAYOUT_H

#include <stddef.h>

#include "autoscope/history.h"

#define UI_MIN_W 80
#define UI_MIN_H 24

struct ui_rect {
	int y, x, h, w;
};

struct ui_layout {
	int too_small; /* below UI_MIN_W x UI_MIN_H: one-line message */
	struct ui_rect title, filters, recon, curves, panel, status;
};

/* n_rows_panel: the panel's lines (one per parameter). */
void ui_layout_compute(int w, int h, int n_rows_panel, struct ui_layout *l);

/* The first panel row shown when rows fit: the selected one stays in
 * view (the panel scrolls on a short terminal). */
int ui_panel_top(int sel, int rows);

/* Mouse hits: the panel row (scrolled as drawn) under (x, y), or -1; the
 * filter under (x, y) in the grid drawn in area (tiles from row y + 2,
 * column x + 1), or -1 (a gap, outside, or past n_filters). */
int ui_hit_panel(const struct ui_rect *panel, int sel, int n_rows, int x,
		 int y);

/* page clamped to [0, pages - 1] for n_filters at per_page a page (0
 * when nothing is known yet: per_page <= 0 or no filters). */
int ui_page_clamp(int page, int n_filters, int per_page);

struct ui_tiles;
int ui_hit_filter(const struct ui_rect *area, const struct ui_tiles *t,
		  int page, int n_filters, int x, int y);

/* Image tiles in a rectangle: each image of img_rows x img_cols pixels is
 * shown at px x px pixels (downsampled), one terminal cell per pixel across
 * and, with half blocks, two pixels per cell down. */
struct ui_tiles {
	int px;		    /* pixels per side on screen (0: nothing fits) */
	int cell_w, cell_h; /* one tile's cells, without the gap */
	int cols, rows;	    /* tiles across and down */
};

/* The largest px (<= the image's own size, >= min_px) that shows at least
 * want tiles; if none does, min_px. */
void ui_tiles_fit(int area_w, int area_h, size_t img_rows, size_t img_cols,
		  int half_blocks, int want, int min_px, struct ui_tiles *t);

/* The chart: x from examples, y from loss (optionally log10), with an
 * exponential moving average of the training loss. */
struct ui_chart {
	int w, h;	   /* plot area in cells */
	double x_max;	   /* examples at the right edge */
	double y_lo, y_hi; /* loss range (log10 if log) */
	int log;
	float train[512]; /* per column, NaN where no point */
	float heldout[512];
};

/* ema in [0, 1): weight of the past (0: no smoothing). extra is a value
 * the range must include (the PCA line), NaN for none. */
void ui_chart_compute(const struct as_history *h, int w, int h_cells, int log,
		      double ema, double extra, struct ui_chart *c);

/* Several runs on one chart: each history mapped with the same x_max (the
 * furthest run) and then one y range that holds every curve. */
void ui_chart_overlay(const struct as_history *const *h, size_t n, int w,
		      int h_cells, int log, double ema, double extra,
		      struct ui_chart *c);

/* Column i of n equal columns of r (the last takes what is left over);
 * side by side filter grids. */
void ui_split_cols(const struct ui_rect *r, int n, int i, struct ui_rect *out);

/* Where a point (x, y) of the box [x_lo, x_hi] x [y_lo, y_hi] falls in a
 * grid of w x h cells (row 0 at the top); -1 for a point that is not
 * finite. */
int ui_scatter_cell(double x, double y, double x_lo, double x_hi, double y_lo,
		    double y_hi, int w, int h, int *col, int *row);

/* The change legend under the chart: "1 param old>new  2 ...", the newest
 * changes (at most 9) that fit in max_lines lines of width cells.
 * Returns the number of lines used; *first is the oldest change shown. */
int ui_legend_fit(const struct as_history *h, int width, int max_lines,
		  size_t *first);
/* The text of one legend item (mark is '1'..'9'). */
void ui_legend_item(const struct as_change *c, char mark, char *buf, size_t n);

/* A y-axis label in exactly 7 characters: 3.142, 1.5e+04. */
void ui_axis_label(double v, char *buf, size_t n);

/* Row (0 = top) of a loss value in the chart, or -1 if not finite. */
int ui_chart_row(const struct ui_chart *c, double loss);

/* Column of an examples count, clamped to the chart. */
int ui_chart_col(const struct ui_chart *c, double examples);

#endif
