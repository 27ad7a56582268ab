/* canvas: pictures for the exported views (canvas.h). */
#include <stdlib.h>
#include <string.h>

#include "autoscope/canvas.h"
#include "autoscope/export.h"

extern const uint8_t as_font5x7[95][7];

enum as_status as_canvas_init(struct as_canvas *c, int w, int h,
			      uint32_t background, struct as_error *err)
{
	c->w = c->h = 0;
	c->rgb = NULL;
	if (w <= 0 || h <= 0 || w > 20000 || h > 20000)
		return as_error_set(err, AS_ERR_INVALID,
				    "a %d x %d picture is too large", w, h);
	c->rgb = malloc((size_t)w * (size_t)h * 3);
	if (!c->rgb)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	c->w = w;
	c->h = h;
	as_canvas_rect(c, 0, 0, w, h, background);
	return AS_OK;
}

void as_canvas_free(struct as_canvas *c)
{
	free(c->rgb);
	c->rgb = NULL;
	c->w = c->h = 0;
}

static void dot(struct as_canvas *c, int x, int y, uint32_t rgb)
{
	if (x < 0 || y < 0 || x >= c->w || y >= c->h)
		return;
	uint8_t *p = c->rgb + ((size_t)y * (size_t)c->w + (size_t)x) * 3;
	p[0] = (uint8_t)(rgb >> 16);
	p[1] = (uint8_t)(rgb >> 8);
	p[2] = (uint8_t)rgb;
}

void as_canvas_rect(struct as_canvas *c, int x, int y, int w, int h,
		    uint32_t rgb)
{
	int x1 = x + w < c->w ? x + w : c->w, y1 = y + h < c->h ? y + h : c->h;
	for (int yy = y < 0 ? 0 : y; yy < y1; yy++)
		for (int xx = x < 0 ? 0 : x; xx < x1; xx++)
			dot(c, xx, yy, rgb);
}

void as_canvas_line(struct as_canvas *c, int x0, int y0, int x1, int y1,
		    uint32_t rgb, int dash)
{
	/* Bresenham; the dash pattern counts the pixels drawn */
	int dx = abs(x1 - x0), dy = -abs(y1 - y0);
	int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
	int e = dx + dy, n = 0;
	for (int guard = 0; guard < 100000; guard++) {
		if (!dash || (n / dash) % 2 == 0)
			dot(c, x0, y0, rgb);
		n++;
		if (x0 == x1 && y0 == y1)
			break;
		int e2 = 2 * e;
		if (e2 >= dy) {
			e += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			e += dx;
			y0 += sy;
		}
	}
}

int as_canvas_text_width(const char *s, int scale)
{
	size_t n = strlen(s);
	return n ? (int)(6 * n - 1) * scale : 0;
}

int as_canvas_text(struct as_canvas *c, int x, int y, const char *s,
		   uint32_t rgb, int scale)
{
	int x0 = x;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		const uint8_t *g = as_font5x7[(ch >= 32 && ch < 127 ? ch : '?') -
					      32];
		for (int r = 0; r < 7; r++)
			for (int k = 0; k < 5; k++)
				if (g[r] & (1 << (4 - k)))
					as_canvas_rect(c, x + k * scale,
						       y + r * scale, scale,
						       scale, rgb);
		x += 6 * scale;
	}
	return x > x0 ? x - x0 - scale : 0;
}

void as_canvas_gray(struct as_canvas *c, int x, int y, const float *img,
		    int rows, int cols, int scale, int unit)
{
	float lo = 0, hi = 1;
	size_t n = (size_t)rows * (size_t)cols;
	if (!unit && n) {
		lo = hi = img[0];
		for (size_t i = 1; i < n; i++) {
			lo = img[i] < lo ? img[i] : lo;
			hi = img[i] > hi ? img[i] : hi;
		}
	}
	for (int r = 0; r < rows; r++)
		for (int k = 0; k < cols; k++) {
			float v = img[(size_t)r * (size_t)cols + (size_t)k];
			float f = hi > lo ? (v - lo) / (hi - lo) : 0.5f;
			f = f < 0 ? 0 : f > 1 ? 1 : f;
			uint32_t g = (uint32_t)(f * 255.0f + 0.5f);
			as_canvas_rect(c, x + k * scale, y + r * scale, scale,
				       scale, AS_RGB(g, g, g));
		}
}

enum as_status as_canvas_png(const struct as_canvas *c, const char *path,
			     struct as_error *err)
{
	return as_export_rgb_png(path, c->rgb, (size_t)c->w, (size_t)c->h,
				 err);
}
