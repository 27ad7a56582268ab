/* layout: the explorer's screen as arithmetic, no curses.
 *
 * Owns: terminal size -> one rectangle per view, how many image tiles of
 * what size fit in a rectangle (sizes from raster.h), how the held-out
 * digits are arranged, mouse hits and paging. The chart's arithmetic is in
 * plot.h. Everything here is a pure function,
 * unit-tested without a terminal (tests/test_ui.c).
 * Threading: none; the UI thread calls it. */
#ifndef AUTOSCOPE_UI_LAYOUT_H
#define AUTOSCOPE_UI_LAYOUT_H

#include <stddef.h>

#include "autoscope/history.h"
#include "raster.h"

#define UI_MIN_W 80
#define UI_MIN_H 24

struct ui_rect {
	int y, x, h, w;
};

struct ui_layout {
	int too_small; /* below UI_MIN_W x UI_MIN_H: one-line message */
	struct ui_rect title, filters, recon, curves, panel, status;
	struct ui_rect body; /* between title and status: a view alone */
};

/* n_rows_panel: the panel's lines (one per parameter). */
void ui_layout_compute(int w, int h, int n_rows_panel, struct ui_layout *l);

/* The first panel row shown when rows fit: the selected one stays in
 * view (the panel scrolls on a short terminal). */
int ui_panel_top(int sel, int rows);

/* The controls panel's rows: the table indices of the settings that
 * apply to cfg's model (as_param_applies; every one when cfg is NULL),
 * in table order, into idx (UI_PANEL_MAX long); their count. */
struct as_config;
#define UI_PANEL_MAX 64 /* idx's length: the table's rows, at most */
int ui_panel_params(const struct as_config *cfg, int *idx);
/* The row of table index sel among those n, or of the first after it
 * (the last row if none): where a selection the model has no use for
 * stands. */
int ui_panel_pos(const int *idx, int n, int sel);

/* Mouse hits: the panel row (scrolled as drawn) under (x, y), or -1; the
 * filter under (x, y) in the grid drawn in area (tiles from row y + 2,
 * column x + 1), or -1 (a gap, outside, or past n_filters). */
int ui_hit_panel(const struct ui_rect *panel, int sel, int n_rows, int x,
		 int y);

/* page clamped to [0, pages - 1] for n_filters at per_page a page (0
 * when nothing is known yet: per_page <= 0 or no filters). */
int ui_page_clamp(int page, int n_filters, int per_page);

struct ui_tiles;
/* The filter under (x, y) of a grid whose tiles start at row area.y + top
 * and column area.x + 1, in groups of `group` tiles (the runs' filters
 * side by side, 2 columns between groups; 1: plain tiles), or -1 (a gap,
 * outside, past n_filters); *member (if not NULL): the tile's place in
 * its group. */
int ui_hit_filter(const struct ui_rect *area, int top, const struct ui_tiles *t,
		  int group, int page, int n_filters, int x, int y,
		  int *member);

/* Image tiles in a rectangle: every image at one size of its ladder
 * (raster.h), one cell of gap between tiles. */
struct ui_tiles {
	struct ui_size sz;  /* the size each image is drawn at */
	int px;		    /* pixels shown across (0: nothing fits) */
	int cell_w, cell_h; /* one tile's cells, without the gap */
	int cols, rows;	    /* tiles across and down */
};

/* The largest size (half blocks at up to max_mag, then quadrants, then
 * reduced quadrants) that shows at least min_px pixels across and at
 * least want tiles; if none shows want, the smallest that shows min_px
 * pixels (the most tiles); all zero if not one tile fits. */
void ui_tiles_fit(int area_w, int area_h, size_t img_rows, size_t img_cols,
		  int max_mag, int want, int min_px, struct ui_tiles *t);

/* The largest size of an image (raster.h's ladder, magnified up to
 * max_mag) that fits in w x h cells; -1 (and zeros) if none. */
int ui_fit_size(int w, int h, size_t rows, size_t cols, int max_mag,
		struct ui_size *out);

/* Held-out digits, clean / corrupted / reconstructed: stacked (three
 * image rows under each other, a label column of label_w on the left,
 * `across` digits) or in triplets (clean, corrupted, reconstructed side by
 * side, triplets flowing across and down under a header line). */
struct ui_digits {
	struct ui_size sz;
	int stacked;
	int across, down; /* stacked: digits across (down = 1); triplets:
			   * triplets across and down */
	int n;		  /* digits shown */
};
#define UI_DIGITS_LABEL_W 6

/* The largest size (half blocks up to max_mag, quadrants, reduced) that
 * shows at least min(want, n_avail) digits in w x h cells, stacked if
 * that shows as many as triplets; n = 0 if none fits. */
void ui_digits_fit(int w, int h, size_t rows, size_t cols, int n_avail,
		   int want, int max_mag, struct ui_digits *d);

/* Column i of n equal columns of r (the last takes what is left over);
 * side by side filter grids. */
void ui_split_cols(const struct ui_rect *r, int n, int i, struct ui_rect *out);

/* Where a point (x, y) of the box [x_lo, x_hi] x [y_lo, y_hi] falls in a
 * grid of w x h cells (row 0 at the top); -1 for a point that is not
 * finite. */
int ui_scatter_cell(double x, double y, double x_lo, double x_hi, double y_lo,
		    double y_hi, int w, int h, int *col, int *row);

/* A y-axis label in exactly 7 characters: 3.142, 1.5e+04. */
void ui_axis_label(double v, char *buf, size_t n);

/* Fields of a line laid out whole, in their order of importance: added
 * while the next fits in w; the first that does not fit is dropped, never
 * cut, and so is every field after it. */
struct ui_fields {
	char text[512];
	int len, w;
	int full; /* a field was left out: so are the rest */
};
void ui_fields_init(struct ui_fields *f, int w);
/* Returns 1 if the field was added. */
int ui_fields_add(struct ui_fields *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
