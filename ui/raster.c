#include <math.h>
#include <string.h>

#include "raster.h"

#define MAX_SIDE 256

static int ceil_div(int a, int b)
{
	return (a + b - 1) / b;
}

void ui_size_of(size_t rows, size_t cols, int mode, int mag, int red,
		struct ui_size *out)
{
	memset(out, 0, sizeof *out);
	if (mag < 1)
		mag = 1;
	if (red < 1)
		red = 1;
	out->mode = mode;
	out->mag = mag;
	out->red = red;
	if (mode == UI_PIX_HALF) {
		out->px_w = ceil_div((int)cols, red) * mag;
		out->px_h = ceil_div((int)rows, red) * mag;
		out->cell_w = out->px_w;
		out->cell_h = ceil_div(out->px_h, 2);
		return;
	}
	/* quadrants in the footprint of half blocks of the image reduced
	 * by red: twice the detail across, the same down */
	out->cell_w = ceil_div((int)cols, red);
	out->cell_h = ceil_div((int)rows, 2 * red);
	out->px_w = 2 * out->cell_w < (int)cols ? 2 * out->cell_w : (int)cols;
	out->px_h = 2 * out->cell_h < (int)rows ? 2 * out->cell_h : (int)rows;
}

int ui_size_ladder(size_t rows, size_t cols, int how, struct ui_size *out,
		   int n)
{
	int k = 0;
	int max_mag = how & ~UI_QUADS,
	    mode = how & UI_QUADS ? UI_PIX_QUAD : UI_PIX_HALF;
	if (rows == 0 || cols == 0 || rows > MAX_SIDE || cols > MAX_SIDE)
		return 0;
	for (int m = max_mag; m >= 1 && k < n; m--)
		ui_size_of(rows, cols, UI_PIX_HALF, m, 1, &out[k++]);
	for (int d = 2; k < n; d++) {
		ui_size_of(rows, cols, mode, 1, d, &out[k++]);
		if (out[k - 1].cell_w <= 1 && out[k - 1].cell_h <= 1)
			break;
	}
	return k;
}

/* the image in [0, 1], rows x cols, and its mean */
static float norm[MAX_SIDE * MAX_SIDE];

static float normalise(const float *img, size_t n, int own_range)
{
	float lo = 0, hi = 1;
	if (own_range) {
		lo = INFINITY;
		hi = -INFINITY;
		for (size_t i = 0; i < n; i++) {
			lo = img[i] < lo ? img[i] : lo;
			hi = img[i] > hi ? img[i] : hi;
		}
	}
	double sum = 0;
	for (size_t i = 0; i < n; i++) {
		float v = hi > lo ? (img[i] - lo) / (hi - lo) : 0.5f;
		v = v < 0 ? 0 : v > 1 ? 1 : v;
		if (!(v == v))
			v = 0; /* NaN */
		norm[i] = v;
		sum += v;
	}
	return n ? (float)(sum / (double)n) : 0;
}

/* Displayed pixel (y, x) of sz: the image's pixel under it when
 * magnified; when reduced, the most extreme pixel (farthest from the
 * image's mean) of the block it covers; -1 outside. */
static float pixel(size_t rows, size_t cols, const struct ui_size *sz,
		   float mean, int y, int x)
{
	if (y >= sz->px_h || x >= sz->px_w || y < 0 || x < 0)
		return -1;
	if (sz->mode == UI_PIX_HALF && sz->red == 1)
		return norm[(size_t)(y / sz->mag) * cols +
			    (size_t)(x / sz->mag)];
	size_t r0 = (size_t)y * rows / (size_t)sz->px_h;
	size_t r1 = (size_t)(y + 1) * rows / (size_t)sz->px_h;
	size_t c0 = (size_t)x * cols / (size_t)sz->px_w;
	size_t c1 = (size_t)(x + 1) * cols / (size_t)sz->px_w;
	if (r1 <= r0)
		r1 = r0 + 1;
	if (c1 <= c0)
		c1 = c0 + 1;
	float best = norm[r0 * cols + c0], dist = -1;
	for (size_t r = r0; r < r1 && r < rows; r++)
		for (size_t c = c0; c < c1 && c < cols; c++) {
			float v = norm[r * cols + c];
			float dv = fabsf(v - mean);
			if (dv > dist) {
				dist = dv;
				best = v;
			}
		}
	return best;
}

static unsigned char gray(float v)
{
	int g = (int)(v * 23.0f + 0.5f);
	return (unsigned char)(g < 0 ? 0 : g > 23 ? 23 : g);
}

/* Bayer 4 x 4 ordered-dither thresholds, (k + 0.5) / 16 */
static int lit(float v, int y, int x)
{
	static const unsigned char bayer[4][4] = {
		{0, 8, 2, 10}, {12, 4, 14, 6}, {3, 11, 1, 9}, {15, 7, 13, 5}};
	return v > ((float)bayer[y & 3][x & 3] + 0.5f) / 16.0f;
}

/* quadrant glyphs by mask: 1 upper left, 2 upper right, 4 lower left,
 * 8 lower right */
static const int quad_glyph[16] = {
	' ',	0x2598, 0x259D, 0x2580, 0x2596, 0x258C, 0x259E, 0x259B,
	0x2597, 0x259A, 0x2590, 0x259C, 0x2584, 0x2599, 0x259F, 0x2588};

static const char ramp[] = " .:-=+*#%@";

static int ascii_of(const float *v, int n)
{
	float s = 0;
	int k = 0;
	for (int i = 0; i < n; i++)
		if (v[i] >= 0) {
			s += v[i];
			k++;
		}
	int level = k ? (int)(s / (float)k * 9.0f + 0.5f) : 0;
	return ramp[level < 0 ? 0 : level > 9 ? 9 : level];
}

/* The two colours that fit four pixels best: of the 14 ways to split
 * them in two non-empty groups (and the one of a single group), the
 * split with the least squared error to the groups' means. */
static void fit_quad(const float q[4], struct ui_cell *c)
{
	float best = INFINITY;
	int mask_best = 15;
	float fg_best = 0, bg_best = 0;
	for (int mask = 1; mask < 16; mask++) {
		float sf = 0, sb = 0;
		int nf = 0, nb = 0;
		for (int i = 0; i < 4; i++) {
			float v = q[i] < 0 ? 0 : q[i];
			if (mask >> i & 1) {
				sf += v;
				nf++;
			} else {
				sb += v;
				nb++;
			}
		}
		float mf = sf / (float)nf, mb = nb ? sb / (float)nb : 0;
		float e = 0;
		for (int i = 0; i < 4; i++) {
			float v = q[i] < 0 ? 0 : q[i];
			float d = (mask >> i & 1) ? v - mf : v - mb;
			e += d * d;
		}
		if (e < best - 1e-9f) {
			best = e;
			mask_best = mask;
			fg_best = mf;
			bg_best = mb;
		}
	}
	c->ch = quad_glyph[mask_best];
	c->fg = gray(fg_best);
	c->bg = gray(bg_best);
	if (mask_best == 15)
		c->bg = c->fg;
}

void ui_raster(const float *img, size_t rows, size_t cols, int own_range,
	       const struct ui_size *sz, int glyphs, struct ui_cell *cells)
{
	size_t ncells = (size_t)sz->cell_w * (size_t)sz->cell_h;
	memset(cells, 0, ncells * sizeof *cells);
	if (rows == 0 || cols == 0 || rows > MAX_SIDE || cols > MAX_SIDE) {
		for (size_t i = 0; i < ncells; i++)
			cells[i].ch = ' ';
		return;
	}
	float mean = normalise(img, rows * cols, own_range);
	for (int cy = 0; cy < sz->cell_h; cy++)
		for (int cx = 0; cx < sz->cell_w; cx++) {
			struct ui_cell *c = &cells[cy * sz->cell_w + cx];
			float q[4];
			int n;
			if (sz->mode == UI_PIX_HALF) {
				n = 2;
				q[0] = pixel(rows, cols, sz, mean, 2 * cy, cx);
				q[1] = pixel(rows, cols, sz, mean, 2 * cy + 1,
					     cx);
			} else {
				n = 4;
				for (int i = 0; i < 4; i++)
					q[i] = pixel(rows, cols, sz, mean,
						     2 * cy + i / 2,
						     2 * cx + i % 2);
			}
			if (glyphs == UI_GLYPH_ASCII) {
				c->ch = ascii_of(q, n);
			} else if (glyphs == UI_GLYPH_DITHER) {
				int mask = 0;
				for (int i = 0; i < n; i++) {
					int py = sz->mode == UI_PIX_HALF
							 ? 2 * cy + i
							 : 2 * cy + i / 2;
					int px = sz->mode == UI_PIX_HALF
							 ? cx
							 : 2 * cx + i % 2;
					if (q[i] >= 0 && lit(q[i], py, px))
						mask |= sz->mode == UI_PIX_HALF
								? (i ? 12 : 3)
								: 1 << i;
				}
				c->ch = quad_glyph[mask];
			} else if (sz->mode == UI_PIX_HALF) {
				c->ch = 0x2580; /* upper half block */
				c->fg = gray(q[0] < 0 ? 0 : q[0]);
				c->bg = gray(q[1] < 0 ? 0 : q[1]);
			} else {
				fit_quad(q, c);
			}
		}
}
