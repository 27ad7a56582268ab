/* chart: a run's loss chart as SVG or PNG (chart.h). One layout, drawn
 * through a sink: the SVG sink writes elements (text stays text), the PNG
 * sink draws on a canvas (canvas.h) with its pixel font. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/canvas.h"
#include "autoscope/chart.h"
#include "autoscope/fileio.h"

#define W 900
#define H 520
#define LEFT 78
#define RIGHT 24
#define TOP 40
#define BOTTOM 92

static const uint32_t colour[AS_CHART_RUNS] = {0x1f5fa8, 0xc8321e, 0x2a8a3a,
					       0x7a3fa0};
#define GRID 0xdddddd
#define FRAME 0x444444
#define INK 0x000000
#define MUTED 0x555555
#define BASE 0x888888

enum anchor { START, MIDDLE, END };

/* what a chart is drawn with */
struct sink {
	void *ctx;
	void (*line)(void *ctx, double x0, double y0, double x1, double y1,
		     uint32_t rgb, double width, int dash);
	/* a curve: n points (x, y) */
	void (*curve)(void *ctx, const double *xy, size_t n, uint32_t rgb,
		      double width, int dash);
	/* text at (x, y) on its baseline; rotated: reading downwards */
	void (*text)(void *ctx, double x, double y, const char *s,
		     uint32_t rgb, int size, enum anchor a, int rotated);
	void (*marker)(void *ctx, double x, double y, uint32_t rgb);
	void (*box)(void *ctx, double x, double y, double w, double h,
		    uint32_t rgb);
	double (*width)(const char *s, int size); /* of a text */
};

/* ---- the SVG sink: a growing text buffer; its first failure sticks */

struct buf {
	char *s;
	size_t len, cap;
	int bad;
};

static void put(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void put(struct buf *b, const char *fmt, ...)
{
	if (b->bad)
		return;
	for (;;) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			b->bad = 1;
			return;
		}
		if ((size_t)n < b->cap - b->len) {
			b->len += (size_t)n;
			return;
		}
		size_t cap = b->cap * 2 + (size_t)n + 1;
		char *s = realloc(b->s, cap);
		if (!s) {
			b->bad = 1;
			return;
		}
		b->s = s;
		b->cap = cap;
	}
}

/* the length of a valid UTF-8 sequence at s (2 to 4), or 0 */
static int utf8_len(const unsigned char *s)
{
	int n = s[0] >= 0xf0 && s[0] <= 0xf4   ? 4
		: s[0] >= 0xe0 && s[0] <= 0xef ? 3
		: s[0] >= 0xc2 && s[0] <= 0xdf ? 2
					       : 0;
	for (int i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* text for XML: & < > " escaped, control bytes dropped, bytes that are
 * not UTF-8 (a label cut mid-character) as '?' */
static void put_text(struct buf *b, const char *t)
{
	for (; *t; t++) {
		unsigned char c = (unsigned char)*t;
		if (c >= 0x80) {
			int n = utf8_len((const unsigned char *)t);
			if (n) {
				put(b, "%.*s", n, t);
				t += n - 1;
			} else {
				put(b, "?");
			}
			continue;
		}
		if (c == '&')
			put(b, "&amp;");
		else if (c == '<')
			put(b, "&lt;");
		else if (c == '>')
			put(b, "&gt;");
		else if (c == '"')
			put(b, "&quot;");
		else if (c >= 0x20 && c != 0x7f)
			put(b, "%c", c);
	}
}

static void svg_line(void *ctx, double x0, double y0, double x1, double y1,
		     uint32_t rgb, double width, int dash)
{
	struct buf *b = ctx;
	put(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
	       "stroke=\"#%06x\" stroke-width=\"%g\"",
	    x0, y0, x1, y1, (unsigned)rgb, width);
	if (dash)
		put(b, " stroke-dasharray=\"%d %d\"", dash, dash > 3 ? 4 : 3);
	put(b, "/>\n");
}

static void svg_curve(void *ctx, const double *xy, size_t n, uint32_t rgb,
		      double width, int dash)
{
	struct buf *b = ctx;
	put(b, "<polyline fill=\"none\" stroke=\"#%06x\" stroke-width=\"%g\"",
	    (unsigned)rgb, width);
	if (dash)
		put(b, " stroke-dasharray=\"%d 4\"", dash);
	put(b, " points=\"");
	for (size_t i = 0; i < n; i++)
		put(b, "%.1f,%.1f ", xy[2 * i], xy[2 * i + 1]);
	put(b, "\"/>\n");
}

static void svg_text(void *ctx, double x, double y, const char *s,
		     uint32_t rgb, int size, enum anchor a, int rotated)
{
	struct buf *b = ctx;
	static const char *const an[] = {"start", "middle", "end"};
	put(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" fill=\"#%06x\"",
	    x, y, size, (unsigned)rgb);
	if (a != START)
		put(b, " text-anchor=\"%s\"", an[a]);
	if (rotated)
		put(b, " transform=\"rotate(90 %.1f %.1f)\"", x, y);
	put(b, ">");
	put_text(b, s);
	put(b, "</text>\n");
}

static void svg_marker(void *ctx, double x, double y, uint32_t rgb)
{
	put(ctx, "<path d=\"M%.1f %.1f l-5 9 h10 z\" fill=\"#%06x\"/>\n", x,
	    y, (unsigned)rgb);
}

static void svg_box(void *ctx, double x, double y, double w, double h,
		    uint32_t rgb)
{
	put(ctx, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		 "fill=\"none\" stroke=\"#%06x\"/>\n",
	    x, y, w, h, (unsigned)rgb);
}

static double svg_width(const char *s, int size)
{
	return 0.6 * size * (double)strlen(s); /* about, in Helvetica */
}

/* ---- the PNG sink: a canvas at the same coordinates */

static int png_scale(int size)
{
	return size >= 13 ? 2 : 1;
}

static double png_width(const char *s, int size)
{
	return as_canvas_text_width(s, png_scale(size));
}

static void png_line(void *ctx, double x0, double y0, double x1, double y1,
		     uint32_t rgb, double width, int dash)
{
	struct as_canvas *c = ctx;
	int t = width >= 2 ? 2 : 1;
	for (int k = 0; k < t; k++)
		as_canvas_line(c, (int)lround(x0) + (x0 == x1 ? k : 0),
			       (int)lround(y0) + (x0 == x1 ? 0 : k),
			       (int)lround(x1) + (x0 == x1 ? k : 0),
			       (int)lround(y1) + (x0 == x1 ? 0 : k), rgb, dash);
}

static void png_curve(void *ctx, const double *xy, size_t n, uint32_t rgb,
		      double width, int dash)
{
	for (size_t i = 0; i + 1 < n; i++)
		png_line(ctx, xy[2 * i], xy[2 * i + 1], xy[2 * i + 2],
			 xy[2 * i + 3], rgb, width, dash);
	if (n == 1)
		png_line(ctx, xy[0], xy[1], xy[0] + 1, xy[1], rgb, width, 0);
}

static void png_text(void *ctx, double x, double y, const char *s,
		     uint32_t rgb, int size, enum anchor a, int rotated)
{
	struct as_canvas *c = ctx;
	int scale = png_scale(size);
	int w = as_canvas_text_width(s, scale);
	if (rotated) { /* glyph by glyph down the column, tops to the right */
		extern const uint8_t as_font5x7[95][7];
		int x0 = (int)lround(x), y0 = (int)lround(y);
		for (const char *p = s; *p; p++, y0 += 6 * scale) {
			unsigned char ch = (unsigned char)*p;
			const uint8_t *g =
				as_font5x7[(ch >= 32 && ch < 127 ? ch : '?') -
					   32];
			for (int r = 0; r < 7; r++)
				for (int k = 0; k < 5; k++)
					if (g[r] & (1 << (4 - k)))
						as_canvas_rect(
							c, x0 + (6 - r) * scale,
							y0 + k * scale, scale,
							scale, rgb);
		}
		return;
	}
	int x0 = (int)lround(x) - (a == MIDDLE ? w / 2 : a == END ? w : 0);
	as_canvas_text(c, x0, (int)lround(y) - AS_CANVAS_TEXT_H(scale) + 1, s,
		       rgb, scale);
}

static void png_marker(void *ctx, double x, double y, uint32_t rgb)
{
	struct as_canvas *c = ctx;
	for (int r = 0; r < 9; r++)
		as_canvas_rect(c, (int)lround(x) - r / 2 - 1,
			       (int)lround(y) + r, r + 2 - r % 2, 1, rgb);
}

static void png_box(void *ctx, double x, double y, double w, double h,
		    uint32_t rgb)
{
	int x0 = (int)lround(x), y0 = (int)lround(y);
	int x1 = (int)lround(x + w), y1 = (int)lround(y + h);
	as_canvas_line(ctx, x0, y0, x1, y0, rgb, 0);
	as_canvas_line(ctx, x0, y1, x1, y1, rgb, 0);
	as_canvas_line(ctx, x0, y0, x0, y1, rgb, 0);
	as_canvas_line(ctx, x1, y0, x1, y1, rgb, 0);
}

/* ---- the layout */

/* a round step (1, 2 or 5 times a power of ten) for about n ticks */
static double nice_step(double span, int n)
{
	double raw = span / n, p = pow(10, floor(log10(raw)));
	double f = raw / p;
	return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

static void tick_label(double v, char *s, size_t n)
{
	double a = fabs(v);
	if (a >= 1e6)
		snprintf(s, n, "%.3gM", v / 1e6);
	else if (a >= 1e3)
		snprintf(s, n, "%.4gk", v / 1e3);
	else
		snprintf(s, n, "%.4g", v);
}

struct axes {
	double x_hi, y_lo, y_hi;
	int log_y;
};

static double px(const struct axes *a, double x)
{
	return LEFT + (W - LEFT - RIGHT) * (a->x_hi > 0 ? x / a->x_hi : 0);
}

static double py(const struct axes *a, double y)
{
	double v = a->log_y ? log10(y) : y;
	double lo = a->log_y ? log10(a->y_lo) : a->y_lo;
	double hi = a->log_y ? log10(a->y_hi) : a->y_hi;
	double f = hi > lo ? (v - lo) / (hi - lo) : 0.5;
	return TOP + (H - TOP - BOTTOM) * (1 - f);
}

static int usable(double y, int log_y)
{
	return isfinite(y) && (!log_y || y > 0);
}

/* the ranges of every run's losses (and the baseline) */
static void ranges(const struct as_chart *c, struct axes *a)
{
	double lo = INFINITY, hi = -INFINITY, xh = 0;
	for (size_t r = 0; r < c->n_runs; r++) {
		const struct as_history *h = c->runs[r].h;
		for (size_t i = 0; i < h->n_points; i++) {
			const struct as_point *p = &h->points[i];
			double v[2] = {p->train_loss, p->heldout_loss};
			for (int k = 0; k < 2; k++)
				if (usable(v[k], c->log_y)) {
					lo = v[k] < lo ? v[k] : lo;
					hi = v[k] > hi ? v[k] : hi;
				}
			xh = (double)p->examples > xh ? (double)p->examples : xh;
		}
	}
	if (usable(c->baseline, c->log_y)) {
		lo = c->baseline < lo ? c->baseline : lo;
		hi = c->baseline > hi ? c->baseline : hi;
	}
	a->log_y = c->log_y;
	a->x_hi = xh > 0 ? xh : 1;
	if (!(lo <= hi)) { /* no point yet */
		lo = c->log_y ? 0.1 : 0;
		hi = 1;
	}
	if (c->log_y) {
		a->y_lo = lo / 1.15;
		a->y_hi = hi * 1.15;
	} else {
		double pad = hi > lo ? 0.06 * (hi - lo) : fabs(hi) * 0.1 + 1;
		a->y_lo = lo - pad;
		a->y_hi = hi + pad;
	}
}

static void ytick(const struct sink *k, const struct axes *a, double v)
{
	char s[32];
	double Y = py(a, v);
	tick_label(v, s, sizeof s);
	k->line(k->ctx, LEFT, Y, W - RIGHT, Y, GRID, 1, 0);
	k->text(k->ctx, LEFT - 6, Y + 4, s, INK, 13, END, 0);
}

static void axes_and_ticks(const struct sink *k, const struct axes *a)
{
	int x1 = W - RIGHT, y1 = H - BOTTOM;
	char s[32];
	/* x: examples */
	double step = nice_step(a->x_hi, 6);
	for (double x = 0; x <= a->x_hi * 1.0001; x += step) {
		double X = px(a, x);
		tick_label(x, s, sizeof s);
		k->line(k->ctx, X, TOP, X, y1, GRID, 1, 0);
		k->text(k->ctx, X, y1 + 18, s, INK, 13, MIDDLE, 0);
	}
	k->text(k->ctx, (LEFT + x1) / 2.0, y1 + 38, "examples seen", INK, 13,
		MIDDLE, 0);
	/* y: loss, linear or by decades (1, 2, 5) */
	if (a->log_y) {
		for (double d = pow(10, floor(log10(a->y_lo))); d <= a->y_hi;
		     d *= 10)
			for (int m = 1; m <= 5; m += m == 1 ? 1 : 3)
				if (d * m >= a->y_lo && d * m <= a->y_hi)
					ytick(k, a, d * m);
	} else {
		double ys = nice_step(a->y_hi - a->y_lo, 6);
		for (double v = ceil(a->y_lo / ys) * ys; v <= a->y_hi; v += ys)
			ytick(k, a, fabs(v) < ys * 1e-9 ? 0 : v);
	}
	k->box(k->ctx, LEFT, TOP, x1 - LEFT, y1 - TOP, FRAME);
	k->text(k->ctx, 10, (TOP + y1) / 2.0 - 60,
		a->log_y ? "loss per example (log)" : "loss per example", INK,
		13, START, 1);
}

static int curve(const struct sink *k, const struct axes *a,
		 const struct as_history *h, int heldout, uint32_t col)
{
	double *xy = malloc(2 * (h->n_points ? h->n_points : 1) * sizeof *xy);
	if (!xy)
		return -1;
	size_t n = 0;
	for (size_t i = 0; i < h->n_points; i++) {
		const struct as_point *p = &h->points[i];
		double v = heldout ? p->heldout_loss : p->train_loss;
		if (!usable(v, a->log_y))
			continue;
		xy[2 * n] = px(a, (double)p->examples);
		xy[2 * n + 1] = py(a, v);
		n++;
	}
	if (n)
		k->curve(k->ctx, xy, n, col, heldout ? 2 : 1.5,
			 heldout ? 6 : 0);
	free(xy);
	return 0;
}

static void markers(const struct sink *k, const struct axes *a,
		    const struct as_history *h, uint32_t col, size_t run)
{
	double last_text = -INFINITY;
	for (size_t i = 0; i < h->n_changes; i++) {
		const struct as_change *c = &h->changes[i];
		double X = px(a, (double)c->examples);
		int y1 = H - BOTTOM;
		/* texts of changes close together side by side, not on top
		 * of each other */
		double T = X + 4 + 12.0 * (double)run;
		if (T < last_text + 13)
			T = last_text + 13;
		last_text = T;
		k->line(k->ctx, X, TOP, X, y1, col, 1, 0);
		k->marker(k->ctx, X, y1, col);
		char s[128];
		snprintf(s, sizeof s, "%s %s > %s", c->param, c->old_value,
			 c->new_value);
		k->text(k->ctx, T, TOP + 6, s, col, 11, START, 1);
	}
}

static void key(const struct sink *k, const struct as_chart *c)
{
	int y = H - 30, x = LEFT;
	for (size_t r = 0; r < c->n_runs; r++) {
		uint32_t col = colour[r];
		const char *label = c->runs[r].label ? c->runs[r].label : "run";
		k->line(k->ctx, x, y - 4, x + 22, y - 4, col, 1.5, 0);
		k->line(k->ctx, x, y + 10, x + 22, y + 10, col, 2, 6);
		k->text(k->ctx, x + 28, y + 1, label, col, 13, START, 0);
		x += 28 + (int)k->width(label, 13) + 28;
	}
	char s[160];
	snprintf(s, sizeof s,
		 "solid: training loss; dashed: held-out; triangles: a "
		 "setting changed%s",
		 isfinite(c->baseline) ? "; gray dotted: the baseline" : "");
	k->text(k->ctx, LEFT, H - 6, s, MUTED, 11, START, 0);
}

static int draw(const struct sink *k, const struct as_chart *c)
{
	struct axes a;
	ranges(c, &a);
	k->text(k->ctx, LEFT, 24, c->title ? c->title : "training loss", INK,
		16, START, 0);
	axes_and_ticks(k, &a);
	if (usable(c->baseline, a.log_y)) {
		double Y = py(&a, c->baseline);
		k->line(k->ctx, LEFT, Y, W - RIGHT, Y, BASE, 1, 2);
		k->text(k->ctx, W - RIGHT - 4, Y - 4,
			c->baseline_label ? c->baseline_label : "baseline",
			0x666666, 11, END, 0);
	}
	for (size_t r = 0; r < c->n_runs; r++)
		if (curve(k, &a, c->runs[r].h, 0, colour[r]) ||
		    curve(k, &a, c->runs[r].h, 1, colour[r]))
			return -1;
	for (size_t r = 0; r < c->n_runs; r++)
		markers(k, &a, c->runs[r].h, colour[r], r);
	key(k, c);
	return 0;
}

static enum as_status check(const struct as_chart *c, struct as_error *err)
{
	if (c->n_runs < 1 || c->n_runs > AS_CHART_RUNS)
		return as_error_set(err, AS_ERR_INVALID,
				    "a chart of %zu runs (1 to %d)", c->n_runs,
				    AS_CHART_RUNS);
	return AS_OK;
}

enum as_status as_chart_svg(const struct as_chart *c, char **out, size_t *len,
			    struct as_error *err)
{
	*out = NULL;
	*len = 0;
	enum as_status st = check(c, err);
	if (st != AS_OK)
		return st;
	struct buf b = {malloc(16384), 0, 16384, 0};
	if (!b.s)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	put(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\" "
		"font-family=\"Helvetica, Arial, sans-serif\" "
		"font-size=\"13\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
	    W, H, W, H);
	struct sink k = {&b,	     svg_line, svg_curve, svg_text,
			 svg_marker, svg_box,  svg_width};
	if (draw(&k, c) != 0)
		b.bad = 1;
	put(&b, "</svg>\n");
	if (b.bad) {
		free(b.s);
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	}
	*out = b.s;
	*len = b.len;
	return AS_OK;
}

enum as_status as_chart_svg_write(const char *path, const struct as_chart *c,
				  struct as_error *err)
{
	char *text;
	size_t len;
	enum as_status st = as_chart_svg(c, &text, &len, err);
	if (st != AS_OK)
		return st;
	struct as_atomic a;
	st = as_atomic_open(&a, path, err);
	if (st == AS_OK) {
		if (fwrite(text, 1, len, a.f) != len) {
			as_atomic_abort(&a);
			st = as_error_set(err, AS_ERR_IO, "cannot write %s",
					  path);
		} else {
			st = as_atomic_commit(&a, err);
		}
	}
	free(text);
	return st;
}

enum as_status as_chart_png_write(const char *path, const struct as_chart *c,
				  struct as_error *err)
{
	enum as_status st = check(c, err);
	if (st != AS_OK)
		return st;
	struct as_canvas cv;
	st = as_canvas_init(&cv, W, H, 0xffffff, err);
	if (st != AS_OK)
		return st;
	struct sink k = {&cv,	     png_line, png_curve, png_text,
			 png_marker, png_box,  png_width};
	if (draw(&k, c) != 0)
		st = as_error_set(err, AS_ERR_NOMEM, "out of memory");
	if (st == AS_OK)
		st = as_canvas_png(&cv, path, err);
	as_canvas_free(&cv);
	return st;
}
