#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"

static double xval(const struct ui_plot *p, double examples)
{
	return p->xmode == UI_X_LOG ? log10(examples > 1 ? examples : 1)
				    : examples;
}

static double yval(const struct ui_plot *p, double loss)
{
	return p->ylog ? (loss > 0 ? log10(loss) : NAN) : loss;
}

/* Point k of curve c as drawn: its held-out loss, or its training loss
 * through the curve's EMA (*avg carries it from point to point, NaN at
 * the start); NaN where the point has none. */
static double curve_value(const struct ui_curve *c, size_t k, double *avg)
{
	const struct as_point *pt = &c->h->points[k];
	double v = c->heldout ? pt->heldout_loss : pt->train_loss;
	if (!isfinite(v))
		return NAN;
	if (!c->heldout && c->ema > 0)
		v = *avg = isnan(*avg) ? v : c->ema * *avg + (1 - c->ema) * v;
	return v;
}

void ui_plot_axes(struct ui_plot *p, int w, int h, int xmode, int ylog,
		  const struct ui_curve *c, size_t n, double extra)
{
	p->w = w < 1 ? 1 : w > UI_PLOT_MAX_W ? UI_PLOT_MAX_W : w;
	p->h = h < 1 ? 1 : h > UI_PLOT_MAX_H ? UI_PLOT_MAX_H : h;
	p->xmode = xmode;
	p->ylog = ylog;
	p->n_layers = 0;
	/* the furthest run's last point, the earliest run's first */
	double x_max = 1, first = INFINITY;
	for (size_t i = 0; i < n; i++) {
		size_t np = c[i].h->n_points;
		if (!np)
			continue;
		double a = (double)c[i].h->points[0].examples;
		double b = (double)c[i].h->points[np - 1].examples;
		first = a < first ? a : first;
		x_max = b > x_max ? b : x_max;
	}
	double x_min = 0;
	if (xmode == UI_X_RECENT)
		x_min = 0.75 * x_max;
	/* the y range leaves out the first 2% of the run (the first
	 * seconds' losses, ten times the rest, would squash the curve into
	 * its bottom rows; they are drawn on the top edge) unless nothing
	 * else is there */
	double y_from = xmode == UI_X_ALL ? 0.02 * x_max : x_min;
	int later = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < c[i].h->n_points; k++)
			later += (double)c[i].h->points[k].examples >= y_from;
	if (later < 3)
		y_from = x_min;
	/* log x starts at the first point, not at 1 example */
	p->x_lo = xval(p,
		       xmode == UI_X_LOG ? (first < x_max ? first : 1) : x_min);
	p->x_hi = xval(p, x_max);
	if (p->x_hi <= p->x_lo)
		p->x_hi = p->x_lo + 1;
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		double avg = NAN;
		for (size_t k = 0; k < c[i].h->n_points; k++) {
			double y = yval(p, curve_value(&c[i], k, &avg));
			if (!isfinite(y) ||
			    (double)c[i].h->points[k].examples < y_from)
				continue;
			lo = y < lo ? y : lo;
			hi = y > hi ? y : hi;
		}
	}
	if (isfinite(extra)) {
		double y = yval(p, extra);
		if (isfinite(y)) {
			lo = y < lo ? y : lo;
			hi = y > hi ? y : hi;
		}
	}
	if (!isfinite(lo)) {
		lo = 0;
		hi = 1;
	}
	/* losses are never negative: a linear axis stops at 0 */
	int floor0 = !ylog && lo >= 0;
	if (hi - lo < 1e-9) {
		hi += 0.5;
		lo -= 0.5;
	}
	double pad = 0.05 * (hi - lo);
	p->y_lo = floor0 && lo - pad < 0 ? 0 : lo - pad;
	p->y_hi = hi + pad;
}

int ui_plot_dot(const struct ui_plot *p, double examples, double loss, int *x,
		int *y)
{
	double xv = xval(p, examples), yv = yval(p, loss);
	if (!isfinite(xv) || !isfinite(yv) || xv < p->x_lo - 1e-12 ||
	    xv > p->x_hi + 1e-12)
		return -1;
	double fx = (xv - p->x_lo) / (p->x_hi - p->x_lo);
	double fy = (p->y_hi - yv) / (p->y_hi - p->y_lo);
	int dw = 2 * p->w, dh = 4 * p->h;
	int ix = (int)floor(fx * (dw - 1) + 0.5);
	int iy = (int)floor(fy * (dh - 1) + 0.5);
	*x = ix < 0 ? 0 : ix >= dw ? dw - 1 : ix;
	*y = iy < 0 ? 0 : iy >= dh ? dh - 1 : iy;
	return 0;
}

int ui_plot_col(const struct ui_plot *p, double examples)
{
	double xv = xval(p, examples);
	if (!isfinite(xv) || xv < p->x_lo - 1e-12 || xv > p->x_hi + 1e-12)
		return -1;
	double fx = (xv - p->x_lo) / (p->x_hi - p->x_lo);
	int dx = (int)floor(fx * (2 * p->w - 1) + 0.5);
	return dx / 2 < p->w ? dx / 2 : p->w - 1;
}

double ui_plot_row_value(const struct ui_plot *p, int r)
{
	double f = (double)(4 * r) / (double)(4 * p->h - 1);
	double y = p->y_hi - f * (p->y_hi - p->y_lo);
	return p->ylog ? pow(10, y) : y;
}

double ui_plot_col_value(const struct ui_plot *p, int c)
{
	double f = (double)(2 * c) / (double)(2 * p->w - 1);
	double x = p->x_lo + f * (p->x_hi - p->x_lo);
	return p->xmode == UI_X_LOG ? pow(10, x) : x;
}

/* Braille bit of dot (dx, dy) within its cell: dots 1-3 and 7 down the
 * left column, 4-6 and 8 down the right */
static uint8_t bit_of(int dx, int dy)
{
	static const uint8_t bits[4][2] = {
		{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};
	return bits[dy & 3][dx & 1];
}

static void set_dot(struct ui_plot *p, int layer, int x, int y)
{
	if (x < 0 || y < 0 || x >= 2 * p->w || y >= 4 * p->h)
		return;
	p->dots[layer][y / 4][x / 2] |= bit_of(x, y);
}

static void line(struct ui_plot *p, int layer, int x0, int y0, int x1, int y1)
{
	int dx = abs(x1 - x0), dy = -abs(y1 - y0);
	int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
	int e = dx + dy;
	for (;;) {
		set_dot(p, layer, x0, y0);
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

static void clear_layer(struct ui_plot *p, int layer)
{
	for (int r = 0; r < p->h; r++)
		memset(p->dots[layer][r], 0, (size_t)p->w);
	if (layer + 1 > p->n_layers)
		p->n_layers = layer + 1;
}

void ui_plot_curve(struct ui_plot *p, int layer, const struct ui_curve *c)
{
	if (layer < 0 || layer >= UI_PLOT_LAYERS)
		return;
	clear_layer(p, layer);
	const struct as_history *h = c->h;
	double avg = NAN;
	int have = 0, px = 0, py = 0;
	for (size_t k = 0; k < h->n_points; k++) {
		const struct as_point *pt = &h->points[k];
		double v = curve_value(c, k, &avg);
		if (!isfinite(v))
			continue;
		int x, y;
		if (ui_plot_dot(p, (double)pt->examples, v, &x, &y) != 0) {
			have = 0;
			continue;
		}
		if (have && !c->points)
			line(p, layer, px, py, x, y);
		else
			set_dot(p, layer, x, y);
		px = x;
		py = y;
		have = 1;
	}
}

void ui_plot_hline(struct ui_plot *p, int layer, double v)
{
	if (layer < 0 || layer >= UI_PLOT_LAYERS)
		return;
	clear_layer(p, layer);
	int x, y;
	double ex = p->xmode == UI_X_LOG ? pow(10, p->x_lo) : p->x_lo;
	if (ui_plot_dot(p, ex, v, &x, &y) != 0)
		return;
	for (int i = 0; i < 2 * p->w; i += 3)
		set_dot(p, layer, i, y);
}

int ui_plot_cell(const struct ui_plot *p, int row, int col, int *layer)
{
	uint8_t bits = 0;
	*layer = -1;
	for (int l = 0; l < p->n_layers; l++) {
		uint8_t b = p->dots[l][row][col];
		if (b) {
			bits |= b;
			*layer = l;
		}
	}
	return bits ? 0x2800 + bits : 0;
}

int ui_change_breaks(const struct as_change *c)
{
	static const char *const names[] = {
		"loss", "corruption", "corruption_level", "reset", "encoder"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(c->param, names[i]))
			return 1;
	return 0;
}
