/* figure: the explorer's views as PNG pictures (figure.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/canvas.h"
#include "autoscope/export.h"
#include "autoscope/figure.h"

/* ten colours told apart on white, one per digit */
static const uint32_t digit_colour[10] = {
	0x1f5fa8, 0xe07b10, 0x2a8a3a, 0xc8321e, 0x7a3fa0,
	0x8c564b, 0xd04c9c, 0x555555, 0x9a9a10, 0x10a0b0};

#define INK 0x000000
#define MUTED 0x555555
#define WRONG 0xd01010

/* shifted copies: a colour a shift (the digit its glyph), the originals
 * black */
static const uint32_t shift_colour[AS_SHIFTS_MAX + 1] = {
	0x111111, 0xc8321e, 0xe07b10, 0x2a8a3a, 0x1f5fa8,
	0x7a3fa0, 0x10a0b0, 0xd04c9c, 0x9a9a10};

static uint32_t point_colour(const struct as_scores *sc, size_t i)
{
	return sc->scatter_copies > 1
		       ? shift_colour[sc->scatter_copy[i] % (AS_SHIFTS_MAX + 1)]
		       : digit_colour[sc->scatter_label[i] % 10];
}

static void panel(struct as_canvas *c, int x, int y, int side,
		  const char *title, const float (*xy)[2],
		  const struct as_scores *sc, size_t n)
{
	const uint8_t *label = sc->scatter_label;
	as_canvas_text(c, x, y, title, INK, 2);
	int top = y + 24;
	/* a frame, then every point as its digit (5 x 7, scale 1) */
	as_canvas_line(c, x, top, x + side, top, 0x999999, 0);
	as_canvas_line(c, x, top + side, x + side, top + side, 0x999999, 0);
	as_canvas_line(c, x, top, x, top + side, 0x999999, 0);
	as_canvas_line(c, x + side, top, x + side, top + side, 0x999999, 0);
	double xl = INFINITY, xh = -INFINITY, yl = INFINITY, yh = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		xl = xy[i][0] < xl ? xy[i][0] : xl;
		xh = xy[i][0] > xh ? xy[i][0] : xh;
		yl = xy[i][1] < yl ? xy[i][1] : yl;
		yh = xy[i][1] > yh ? xy[i][1] : yh;
	}
	double sx = xh > xl ? (side - 16) / (xh - xl) : 0;
	double sy = yh > yl ? (side - 16) / (yh - yl) : 0;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(xy[i][0]) || !isfinite(xy[i][1]))
			continue;
		int px = x + 5 + (int)lround((xy[i][0] - xl) * sx);
		int py = top + 4 + (int)lround((yh - xy[i][1]) * sy);
		char d[2] = {(char)('0' + label[i] % 10), 0};
		as_canvas_text(c, px, py, d, point_colour(sc, i), 1);
	}
}

enum as_status as_figure_scatter(const char *path, const struct as_scores *sc,
				 const char *title, struct as_error *err)
{
	if (!(sc->have & AS_SCORE_SCATTER) || sc->n_scatter == 0)
		return as_error_set(err, AS_ERR_STATE,
				    "no 2-D codes measured yet (they come "
				    "after an epoch)");
	int side = 480, gap = 40;
	struct as_canvas c;
	enum as_status st = as_canvas_init(&c, 2 * side + 3 * gap, side + 110,
					   0xffffff, err);
	if (st != AS_OK)
		return st;
	panel(&c, gap, 16, side, title ? title : "codes", sc->code_xy, sc,
	      sc->n_scatter);
	panel(&c, 2 * gap + side, 16, side, "raw pixels, PCA-2", sc->pixel_xy,
	      sc, sc->n_scatter);
	/* the key: each digit (or shift) in its colour */
	int x = gap, y = side + 16 + 24 + 20;
	if (sc->scatter_copies > 1) {
		x += as_canvas_text(&c, x, y, "shifts:", MUTED, 2) + 16;
		for (size_t k = 0; k < sc->scatter_copies; k++) {
			char t[8];
			snprintf(t, sizeof t, "%+d", sc->scatter_shift_px[k]);
			if (sc->scatter_shift_px[k] == 0)
				snprintf(t, sizeof t, "0");
			x += as_canvas_text(&c, x, y, t, shift_colour[k], 2) +
			     14;
		}
	} else {
		x += as_canvas_text(&c, x, y, "labels:", MUTED, 2) + 16;
		for (int d = 0; d < 10; d++) {
			char s[2] = {(char)('0' + d), 0};
			x += as_canvas_text(&c, x, y, s, digit_colour[d], 2) +
			     14;
		}
	}
	char n[64];
	snprintf(n, sizeof n, "%zu held-out digits", sc->n_scatter);
	as_canvas_text(&c, x + 20, y, n, MUTED, 2);
	st = as_canvas_png(&c, path, err);
	as_canvas_free(&c);
	return st;
}

/* one example of ds at (x, y), framed red when wrong */
static void example(struct as_canvas *c, const struct as_dataset *ds,
		    size_t row, int x, int y, int scale, int wrong)
{
	const float *img = ds->x + row * ds->d;
	int unit = ds->min >= 0.0f && ds->max <= 1.0f;
	if (wrong)
		as_canvas_rect(c, x - 2, y - 2, (int)ds->cols * scale + 4,
			       (int)ds->rows * scale + 4, WRONG);
	as_canvas_gray(c, x, y, img, (int)ds->rows, (int)ds->cols, scale,
		       unit);
}

enum as_status as_figure_hashing(const char *path, const struct as_scores *sc,
				 const struct as_dataset *ds,
				 size_t max_queries, struct as_error *err)
{
	if (!(sc->have & AS_SCORE_HASH) || sc->n_queries == 0 || !ds->labels)
		return as_error_set(err, AS_ERR_STATE,
				    "no hashing neighbours measured yet (they "
				    "come after an epoch)");
	size_t nq = sc->n_queries;
	if (max_queries && nq > max_queries)
		nq = max_queries;
	size_t k = sc->hash_k < AS_HASH_K ? sc->hash_k : AS_HASH_K;
	int scale = ds->cols <= 16 ? 4 : 2;
	int tw = (int)ds->cols * scale, th = (int)ds->rows * scale;
	int gap = 8, left = 16, block = tw + gap;
	/* per query: the query, a space, k Hamming, a space, k pixel */
	int width = left + block * (int)(1 + 2 * k) + 2 * 24 + left;
	int row_h = th + 14;
	int height = 70 + (int)nq * row_h + 40;
	struct as_canvas c;
	enum as_status st = as_canvas_init(&c, width, height, 0xffffff, err);
	if (st != AS_OK)
		return st;
	int xq = left, xh = left + block + 24, xp = xh + (int)k * block + 24;
	as_canvas_text(&c, left, 12, "query", INK, 2);
	char s[96];
	snprintf(s, sizeof s, "%zu nearest by Hamming distance of the codes",
		 k);
	as_canvas_text(&c, xh, 12, s, INK, 2);
	snprintf(s, sizeof s, "%zu nearest in pixels", k);
	as_canvas_text(&c, xp, 12, s, INK, 2);
	snprintf(s, sizeof s, "precision@%zu: codes %.3f, pixels %.3f", k,
		 sc->hash_precision, sc->pixel_precision);
	as_canvas_text(&c, xh, 36, s, MUTED, 2);
	for (size_t q = 0; q < nq; q++) {
		int y = 66 + (int)q * row_h;
		size_t row = sc->query[q];
		if (row >= ds->n)
			continue;
		uint8_t want = ds->labels[row];
		example(&c, ds, row, xq, y, scale, 0);
		for (size_t j = 0; j < k; j++) {
			size_t a = sc->hash_nn[q][j], b = sc->pixel_nn[q][j];
			if (a < ds->n)
				example(&c, ds, a, xh + (int)j * block, y,
					scale, ds->labels[a] != want);
			if (b < ds->n)
				example(&c, ds, b, xp + (int)j * block, y,
					scale, ds->labels[b] != want);
		}
	}
	as_canvas_text(&c, left, height - 26,
		       "framed in red: a neighbour with another label", WRONG,
		       2);
	st = as_canvas_png(&c, path, err);
	as_canvas_free(&c);
	return st;
}

enum as_status as_figure_runs_filters(const char *path,
				      const struct as_figure_run *runs,
				      size_t n_runs, size_t rows, size_t cols,
				      size_t n_show, struct as_error *err)
{
	if (n_runs < 1 || n_runs > 4 || n_show == 0 || rows == 0 ||
	    cols == 0 || rows * cols > 4096)
		return as_error_set(err, AS_ERR_INVALID,
				    "%s: nothing to draw", path);
	size_t side = (size_t)ceil(sqrt((double)n_show));
	int scale = cols <= 16 ? 4 : 2;
	int tw = (int)cols * scale, th = (int)rows * scale;
	int grid_w = (int)side * (tw + 2) - 2, grid_h = (int)side * (th + 2) - 2;
	int gap = 32;
	/* a caption wider than its grid widens its column */
	int colw[4];
	int width = gap;
	for (size_t r = 0; r < n_runs; r++) {
		int tx = as_canvas_text_width(runs[r].label ? runs[r].label : "",
					      2);
		colw[r] = tx > grid_w ? tx : grid_w;
		width += colw[r] + gap;
	}
	struct as_canvas c;
	enum as_status st =
		as_canvas_init(&c, width, grid_h + 80, 0xffffff, err);
	if (st != AS_OK)
		return st;
	int x = gap;
	float *tile = malloc(rows * cols * sizeof *tile);
	if (!tile) {
		as_canvas_free(&c);
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	}
	for (size_t r = 0; r < n_runs; r++) {
		as_canvas_text(&c, x, 18, runs[r].label ? runs[r].label : "",
			       INK, 2);
		size_t n = runs[r].n_units < n_show ? runs[r].n_units : n_show;
		for (size_t i = 0; i < n; i++) {
			memcpy(tile, runs[r].w + i * rows * cols,
			       rows * cols * sizeof *tile);
			int gx = x + (int)(i % side) * (tw + 2);
			int gy = 48 + (int)(i / side) * (th + 2);
			as_canvas_gray(&c, gx, gy, tile, (int)rows, (int)cols,
				       scale, 0);
		}
		x += colw[r] + gap;
	}
	free(tile);
	st = as_canvas_png(&c, path, err);
	as_canvas_free(&c);
	return st;
}
