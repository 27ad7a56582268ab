/* canvas: an RGB picture drawn in memory, written as PNG.
 *
 * Owns: the pixels, and what the exported views are drawn with: filled
 * rectangles, lines (solid or dashed), text in a 5 x 7 pixel font of
 * printable ASCII (src/font5x7.c, drawn for this project; other bytes as
 * '?') at any integer scale, and gray images (a filter, a digit) scaled
 * to their own range or to [0, 1]. Coordinates outside are clipped.
 * Threading: a canvas belongs to its caller. */
#ifndef AUTOSCOPE_CANVAS_H
#define AUTOSCOPE_CANVAS_H

#include <stddef.h>
#include <stdint.h>

#include "autoscope/error.h"

struct as_canvas {
	int w, h;
	uint8_t *rgb; /* w x h x 3 */
};

#define AS_RGB(r, g, b) ((uint32_t)(r) << 16 | (uint32_t)(g) << 8 | (b))

enum as_status as_canvas_init(struct as_canvas *c, int w, int h,
			      uint32_t background, struct as_error *err);
void as_canvas_free(struct as_canvas *c);

void as_canvas_rect(struct as_canvas *c, int x, int y, int w, int h,
		    uint32_t rgb);
/* dash 0: solid; else on and off runs of dash pixels */
void as_canvas_line(struct as_canvas *c, int x0, int y0, int x1, int y1,
		    uint32_t rgb, int dash);
/* text with its top-left corner at (x, y), each font pixel scale x scale;
 * returns the width drawn. text_width: the same without drawing. */
int as_canvas_text(struct as_canvas *c, int x, int y, const char *s,
		   uint32_t rgb, int scale);
int as_canvas_text_width(const char *s, int scale);
#define AS_CANVAS_TEXT_H(scale) (7 * (scale))

/* img (rows x cols) at (x, y), each value scale x scale pixels: unit 1
 * clips to [0, 1], else the image's own minimum to maximum (constant:
 * mid gray) */
void as_canvas_gray(struct as_canvas *c, int x, int y, const float *img,
		    int rows, int cols, int scale, int unit);

/* path, atomically (fileio.h) */
enum as_status as_canvas_png(const struct as_canvas *c, const char *path,
			     struct as_error *err);

#endif
