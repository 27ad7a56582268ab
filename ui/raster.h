/* raster: gray images as terminal cells, no curses.
 *
 * Owns: the ways an image of rows x cols pixels becomes cells, and how
 * large it is drawn. Pixels are never averaged away where the room is
 * there: the sizes, largest first, are
 *   half blocks at an integer magnification m (1 x 2 pixels a cell, the
 *     upper pixel the glyph's colour, the lower its background): a 28 x 28
 *     digit at m = 1 is exactly 28 columns x 14 rows;
 *   then the image reduced by d = 2, 3, ... in half blocks, each screen
 *     pixel keeping the most extreme image pixel (the one farthest from
 *     the image's mean) of the d x d block it covers, so that an isolated
 *     bright or dark pixel stays visible and every pixel stays square.
 * Quadrants (2 x 2 pixels a cell, the two colours of each cell fitted to
 * its four pixels) give twice the detail across in the same cells, but a
 * cell is about twice as tall as wide, so each quadrant is too: used one
 * image pixel each they would draw a digit twice too tall, and used in
 * the footprint of the reduction (a 28 x 28 digit as 14 x 7 cells of 28 x
 * 14 quadrants) they turn a dot into a bar, which a class reads as a
 * stroke (seen in a teacher's trial). So they are an option (UI_QUADS),
 * not the default.
 * Glyph sets by terminal: gray (24 levels, 256 colours), dithered (1 bit
 * by an ordered 4 x 4 Bayer threshold, for 8 colours and NO_COLOR, still
 * one pixel per half or quarter cell), ascii (no UTF-8: a 10-step ramp of
 * the pixels a cell covers).
 * Threading: none; pure functions. */
#ifndef AUTOSCOPE_UI_RASTER_H
#define AUTOSCOPE_UI_RASTER_H

#include <stddef.h>

enum ui_glyphs { UI_GLYPH_GRAY = 0, UI_GLYPH_DITHER, UI_GLYPH_ASCII };

enum ui_pixmode {
	UI_PIX_HALF = 0, /* 1 x 2 pixels a cell */
	UI_PIX_QUAD,	 /* 2 x 2 pixels a cell */
};

/* One size: the mode, a magnification (>= 1) or a reduction (>= 1; one
 * of the two is 1), and what it takes. */
struct ui_size {
	int mode; /* enum ui_pixmode */
	int mag, red;
	int px_w, px_h;	    /* pixels shown across and down */
	int cell_w, cell_h; /* cells taken */
};

/* The size for a magnification (red = 1) or reduction (mag = 1). */
void ui_size_of(size_t rows, size_t cols, int mode, int mag, int red,
		struct ui_size *out);

/* The sizes of an image, largest first (at most n): half blocks at
 * mag = max_mag .. 1, then reductions by 2, 3, ... down to one cell, in
 * half blocks, or in quadrants when how has UI_QUADS (how = max_mag |
 * UI_QUADS). Returns how many. */
#define UI_QUADS 0x1000
int ui_size_ladder(size_t rows, size_t cols, int how, struct ui_size *out,
		   int n);

/* One cell: a code point (ASCII or a block element) and, for the gray
 * glyphs, the gray levels 0..23 of its colour and background. */
struct ui_cell {
	int ch;
	unsigned char fg, bg;
};

/* Renders img (rows x cols, row-major) at size sz into cells
 * (sz->cell_h x sz->cell_w, row-major). own_range: scaled to the image's
 * min..max (equal: mid gray), else clipped to [0, 1]. */
void ui_raster(const float *img, size_t rows, size_t cols, int own_range,
	       const struct ui_size *sz, int glyphs, struct ui_cell *cells);

#endif
