/* chart: a run's loss chart as SVG (chart.h). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/chart.h"
#include "autoscope/fileio.h"

#define W 900
#define H 520
#define LEFT 78
#define RIGHT 24
#define TOP 40
#define BOTTOM 92

static const char *colour[AS_CHART_RUNS] = {"#1f5fa8", "#c8321e", "#2a8a3a",
					    "#7a3fa0"};

/* a growing text buffer; its first failure sticks */
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

/* text for XML: & < > " escaped, control bytes dropped */
static void put_text(struct buf *b, const char *t)
{
	for (; *t; t++) {
		unsigned char c = (unsigned char)*t;
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
static int ranges(const struct as_chart *c, struct axes *a)
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
	return 0;
}

static void axes_and_ticks(struct buf *b, const struct axes *a)
{
	int x1 = W - RIGHT, y1 = H - BOTTOM;
	put(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" "
	       "fill=\"none\" stroke=\"#444\"/>\n",
	    LEFT, TOP, x1 - LEFT, y1 - TOP);
	char s[32];
	/* x: examples */
	double step = nice_step(a->x_hi, 6);
	for (double x = 0; x <= a->x_hi * 1.0001; x += step) {
		double X = px(a, x);
		tick_label(x, s, sizeof s);
		put(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
		       "stroke=\"#ddd\"/>\n",
		    X, TOP, X, y1);
		put(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s"
		       "</text>\n",
		    X, y1 + 18, s);
	}
	put(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">examples "
	       "seen</text>\n",
	    (LEFT + x1) / 2, y1 + 38);
	/* y: loss, linear or by decades (1, 2, 5) */
	if (a->log_y) {
		for (double d = pow(10, floor(log10(a->y_lo))); d <= a->y_hi;
		     d *= 10)
			for (int m = 1; m <= 5; m += m == 1 ? 1 : 3) {
				double v = d * m;
				if (v < a->y_lo || v > a->y_hi)
					continue;
				double Y = py(a, v);
				tick_label(v, s, sizeof s);
				put(b,
				    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" "
				    "y2=\"%.1f\" stroke=\"#ddd\"/>\n"
				    "<text x=\"%d\" y=\"%.1f\" "
				    "text-anchor=\"end\">%s</text>\n",
				    LEFT, Y, x1, Y, LEFT - 6, Y + 4, s);
			}
	} else {
		double ys = nice_step(a->y_hi - a->y_lo, 6);
		for (double v = ceil(a->y_lo / ys) * ys; v <= a->y_hi;
		     v += ys) {
			double Y = py(a, v);
			tick_label(fabs(v) < ys * 1e-9 ? 0 : v, s, sizeof s);
			put(b,
			    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
			    "stroke=\"#ddd\"/>\n"
			    "<text x=\"%d\" y=\"%.1f\" "
			    "text-anchor=\"end\">%s</text>\n",
			    LEFT, Y, x1, Y, LEFT - 6, Y + 4, s);
		}
	}
	put(b, "<text x=\"18\" y=\"%d\" text-anchor=\"middle\" "
	       "transform=\"rotate(-90 18 %d)\">loss per example%s</text>\n",
	    (TOP + y1) / 2, (TOP + y1) / 2, a->log_y ? " (log)" : "");
}

static void curve(struct buf *b, const struct axes *a,
		  const struct as_history *h, int heldout, const char *col)
{
	int open = 0;
	for (size_t i = 0; i < h->n_points; i++) {
		const struct as_point *p = &h->points[i];
		double v = heldout ? p->heldout_loss : p->train_loss;
		if (!usable(v, a->log_y))
			continue;
		if (!open) {
			put(b, "<polyline fill=\"none\" stroke=\"%s\" "
			       "stroke-width=\"%s\"%s points=\"",
			    col, heldout ? "2" : "1.5",
			    heldout ? " stroke-dasharray=\"6 4\"" : "");
			open = 1;
		}
		put(b, "%.1f,%.1f ", px(a, (double)p->examples), py(a, v));
	}
	if (open)
		put(b, "\"/>\n");
}

static void markers(struct buf *b, const struct axes *a,
		    const struct as_history *h, const char *col, size_t run)
{
	double last_text = -INFINITY;
	for (size_t i = 0; i < h->n_changes; i++) {
		const struct as_change *c = &h->changes[i];
		double X = px(a, (double)c->examples);
		/* texts of changes close together side by side, not on top
		 * of each other */
		double T = X + 4 + 12.0 * (double)run;
		if (T < last_text + 13)
			T = last_text + 13;
		last_text = T;
		int y1 = H - BOTTOM;
		put(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
		       "stroke=\"%s\" stroke-opacity=\"0.5\"/>\n",
		    X, TOP, X, y1, col);
		put(b, "<path d=\"M%.1f %d l-5 9 h10 z\" fill=\"%s\"/>\n", X,
		    y1, col);
		put(b, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" "
		       "fill=\"%s\" transform=\"rotate(90 %.1f %d)\">",
		    T, TOP + 6, col, T, TOP + 6);
		/* rotated, the text runs down from the top */
		put_text(b, c->param);
		put(b, " ");
		put_text(b, c->old_value);
		put(b, " &#8594; ");
		put_text(b, c->new_value);
		put(b, "</text>\n");
	}
}

static void key(struct buf *b, const struct as_chart *c)
{
	int y = H - 30, x = LEFT;
	for (size_t r = 0; r < c->n_runs; r++) {
		const char *col = colour[r];
		put(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		       "stroke=\"%s\" stroke-width=\"1.5\"/>\n",
		    x, y - 4, x + 22, y - 4, col);
		put(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" "
		       "stroke=\"%s\" stroke-width=\"2\" "
		       "stroke-dasharray=\"6 4\"/>\n",
		    x, y + 10, x + 22, y + 10, col);
		put(b, "<text x=\"%d\" y=\"%d\" fill=\"%s\">", x + 28, y + 1,
		    col);
		put_text(b, c->runs[r].label ? c->runs[r].label : "run");
		put(b, "</text>\n");
		x += 36 + 8 * (int)strlen(c->runs[r].label ? c->runs[r].label
							  : "run") +
		     20;
	}
	put(b, "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#555\">"
	       "solid: training loss; dashed: held-out; triangles: a "
	       "setting changed%s</text>\n",
	    LEFT, H - 6,
	    isfinite(c->baseline) ? "; gray dotted: the baseline" : "");
}

enum as_status as_chart_svg(const struct as_chart *c, char **out, size_t *len,
			    struct as_error *err)
{
	*out = NULL;
	*len = 0;
	if (c->n_runs < 1 || c->n_runs > AS_CHART_RUNS)
		return as_error_set(err, AS_ERR_INVALID,
				    "a chart of %zu runs (1 to %d)", c->n_runs,
				    AS_CHART_RUNS);
	struct buf b = {malloc(16384), 0, 16384, 0};
	if (!b.s)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	struct axes a;
	ranges(c, &a);
	put(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\" "
		"font-family=\"Helvetica, Arial, sans-serif\" "
		"font-size=\"13\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
	    W, H, W, H);
	put(&b, "<text x=\"%d\" y=\"24\" font-size=\"16\">", LEFT);
	put_text(&b, c->title ? c->title : "training loss");
	put(&b, "</text>\n");
	axes_and_ticks(&b, &a);
	if (usable(c->baseline, a.log_y)) {
		double Y = py(&a, c->baseline);
		put(&b, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
			"stroke=\"#888\" stroke-dasharray=\"2 3\"/>\n",
		    LEFT, Y, W - RIGHT, Y);
		put(&b, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" "
			"fill=\"#666\" font-size=\"11\">",
		    W - RIGHT - 4, Y - 4);
		put_text(&b, c->baseline_label ? c->baseline_label
					       : "baseline");
		put(&b, "</text>\n");
	}
	for (size_t r = 0; r < c->n_runs; r++) {
		curve(&b, &a, c->runs[r].h, 0, colour[r]);
		curve(&b, &a, c->runs[r].h, 1, colour[r]);
	}
	for (size_t r = 0; r < c->n_runs; r++)
		markers(&b, &a, c->runs[r].h, colour[r], r);
	key(&b, c);
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
