#include <math.h>
#include <stdio.h>
#include <string.h>

#include "layout.h"

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 *  title                                                   (1 line)
 *  filters                         | curves
 *                                  |
 *  reconstructions                 | control panel
 *  status                                                  (1 line)
 */
void ui_layout_compute(int w, int h, int n_rows_panel, struct ui_layout *l)
{
	memset(l, 0, sizeof *l);
	if (w < UI_MIN_W || h < UI_MIN_H) {
		l->too_small = 1;
		return;
	}
	int body = h - 2;
	int right = clampi(w * 2 / 5, 38, 70);
	int left = w - right;
	int panel_h = clampi(n_rows_panel + 2, 3, body - 8);
	l->title = (struct ui_rect){0, 0, 1, w};
	l->status = (struct ui_rect){h - 1, 0, 1, w};
	l->curves = (struct ui_rect){1, left, body - panel_h, right};
	l->panel = (struct ui_rect){1 + body - panel_h, left, panel_h, right};
	/* the reconstructions take three image rows plus their labels,
	 * about 45% of the height; the filters the rest */
	int recon_h = clampi(body * 9 / 20, 8, body - 8);
	l->filters = (struct ui_rect){1, 0, body - recon_h, left};
	l->recon = (struct ui_rect){1 + body - recon_h, 0, recon_h, left};
}

int ui_panel_top(int sel, int rows)
{
	return rows > 0 && sel >= rows ? sel - rows + 1 : 0;
}

int ui_hit_panel(const struct ui_rect *p, int sel, int n_rows, int x, int y)
{
	if (y <= p->y || y >= p->y + p->h - 1 || x < p->x || x >= p->x + p->w)
		return -1;
	int row = y - p->y - 1 + ui_panel_top(sel, p->h - 2);
	return row < n_rows ? row : -1;
}

int ui_hit_filter(const struct ui_rect *a, const struct ui_tiles *t, int page,
		  int n_filters, int x, int y)
{
	if (t->cols <= 0 || t->rows <= 0 || x <= a->x || y < a->y + 2)
		return -1;
	int dx = x - a->x - 1, dy = y - a->y - 2;
	int tx = dx / (t->cell_w + 1), ty = dy / (t->cell_h + 1);
	/* the one-cell gaps between tiles belong to no filter */
	if (dx % (t->cell_w + 1) == t->cell_w ||
	    dy % (t->cell_h + 1) == t->cell_h || tx >= t->cols || ty >= t->rows)
		return -1;
	int k = page * t->cols * t->rows + ty * t->cols + tx;
	return k < n_filters ? k : -1;
}

static void tiles_at(int area_w, int area_h, int px, size_t img_rows,
		     size_t img_cols, int half, struct ui_tiles *t)
{
	/* keep the aspect: px across, px * rows / cols down */
	int ph = (int)((double)px * (double)img_rows / (double)img_cols + 0.5);
	if (ph < 1)
		ph = 1;
	t->px = px;
	t->cell_w = px;
	/* a cell is about twice as tall as wide: two pixel rows per cell,
	 * as upper and lower half blocks or averaged into one ASCII shade */
	t->cell_h = (ph + 1) / 2;
	(void)half;
	t->cols = (area_w + 1) / (t->cell_w + 1);
	t->rows = (area_h + 1) / (t->cell_h + 1);
	if (t->cols < 0)
		t->cols = 0;
	if (t->rows < 0)
		t->rows = 0;
}

void ui_tiles_fit(int area_w, int area_h, size_t img_rows, size_t img_cols,
		  int half_blocks, int want, int min_px, struct ui_tiles *t)
{
	memset(t, 0, sizeof *t);
	if (area_w <= 0 || area_h <= 0 || img_rows == 0 || img_cols == 0)
		return;
	int full = (int)img_cols;
	if (min_px > full)
		min_px = full;
	if (min_px < 1)
		min_px = 1;
	for (int px = full; px >= min_px; px--) {
		tiles_at(area_w, area_h, px, img_rows, img_cols, half_blocks,
			 t);
		if (t->cols * t->rows >= want)
			return;
	}
	tiles_at(area_w, area_h, min_px, img_rows, img_cols, half_blocks, t);
	if (t->cols == 0 || t->rows == 0)
		memset(t, 0, sizeof *t);
}

static void chart_at(const struct as_history *h, int w, int h_cells, int log,
		     double ema, double extra, double x_max,
		     struct ui_chart *c);

void ui_chart_compute(const struct as_history *h, int w, int h_cells, int log,
		      double ema, double extra, struct ui_chart *c)
{
	chart_at(h, w, h_cells, log, ema, extra, 0, c);
}

void ui_chart_overlay(const struct as_history *const *h, size_t n, int w,
		      int h_cells, int log, double ema, double extra,
		      struct ui_chart *c)
{
	double x_max = 1;
	for (size_t i = 0; i < n; i++) {
		size_t np = h[i]->n_points;
		if (np && (double)h[i]->points[np - 1].examples > x_max)
			x_max = (double)h[i]->points[np - 1].examples;
	}
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < n; i++) {
		chart_at(h[i], w, h_cells, log, ema, extra, x_max, &c[i]);
		if (h[i]->n_points == 0)
			continue;
		lo = c[i].y_lo < lo ? c[i].y_lo : lo;
		hi = c[i].y_hi > hi ? c[i].y_hi : hi;
	}
	for (size_t i = 0; i < n && isfinite(lo); i++) {
		c[i].y_lo = lo;
		c[i].y_hi = hi;
	}
}

void ui_split_cols(const struct ui_rect *r, int n, int i, struct ui_rect *out)
{
	if (n < 1)
		n = 1;
	int w = r->w / n;
	*out = (struct ui_rect){r->y, r->x + i * w, r->h,
				i == n - 1 ? r->w - i * w : w};
}

int ui_scatter_cell(double x, double y, double x_lo, double x_hi, double y_lo,
		    double y_hi, int w, int h, int *col, int *row)
{
	if (!isfinite(x) || !isfinite(y) || w <= 0 || h <= 0)
		return -1;
	double fx = x_hi > x_lo ? (x - x_lo) / (x_hi - x_lo) : 0.5;
	double fy = y_hi > y_lo ? (y_hi - y) / (y_hi - y_lo) : 0.5;
	*col = clampi((int)floor(fx * (w - 1) + 0.5), 0, w - 1);
	*row = clampi((int)floor(fy * (h - 1) + 0.5), 0, h - 1);
	return 0;
}

static void chart_at(const struct as_history *h, int w, int h_cells, int log,
		     double ema, double extra, double x_max, struct ui_chart *c)
{
	memset(c, 0, sizeof *c);
	if (w > 512)
		w = 512;
	c->w = w < 0 ? 0 : w;
	c->h = h_cells < 0 ? 0 : h_cells;
	c->log = log;
	for (int i = 0; i < c->w; i++)
		c->train[i] = c->heldout[i] = NAN;
	size_t n = h->n_points;
	c->x_max = x_max > 0 ? x_max
		   : n	     ? (double)h->points[n - 1].examples
			     : 1;
	if (c->x_max < 1)
		c->x_max = 1;
	double lo = INFINITY, hi = -INFINITY, avg = NAN;
	for (size_t i = 0; i < n; i++) {
		const struct as_point *p = &h->points[i];
		int col = ui_chart_col(c, (double)p->examples);
		if (isfinite(p->train_loss)) {
			avg = isnan(avg)
				      ? p->train_loss
				      : ema * avg + (1 - ema) * p->train_loss;
			if (col >= 0)
				c->train[col] = (float)avg;
		}
		if (isfinite(p->heldout_loss) && col >= 0)
			c->heldout[col] = p->heldout_loss;
	}
	for (int i = 0; i < c->w; i++) {
		float v[2] = {c->train[i], c->heldout[i]};
		for (int k = 0; k < 2; k++) {
			if (!isfinite(v[k]) || (log && v[k] <= 0))
				continue;
			double y = log ? log10(v[k]) : v[k];
			lo = y < lo ? y : lo;
			hi = y > hi ? y : hi;
		}
	}
	if (isfinite(extra) && (!log || extra > 0)) {
		double y = log ? log10(extra) : extra;
		lo = y < lo ? y : lo;
		hi = y > hi ? y : hi;
	}
	if (!isfinite(lo)) {
		lo = 0;
		hi = 1;
	}
	/* losses are never negative: the axis stops at 0 rather than
	 * widening or padding below it */
	int floor0 = !log && lo >= 0;
	if (hi - lo < 1e-9) {
		hi += 0.5;
		lo -= 0.5;
	}
	double pad = 0.05 * (hi - lo);
	c->y_lo = floor0 && lo - pad < 0 ? 0 : lo - pad;
	c->y_hi = hi + pad;
}

void ui_legend_item(const struct as_change *c, char mark, char *buf, size_t n)
{
	snprintf(buf, n, "%c %s %s>%s  ", mark, c->param, c->old_value,
		 c->new_value);
}

/* lines needed to lay out items [first, n) in rows of width */
static int legend_lines(const struct as_history *h, size_t first, int width)
{
	int lines = 1, x = 0;
	char item[96];
	for (size_t i = first; i < h->n_changes; i++) {
		ui_legend_item(&h->changes[i], '1', item, sizeof item);
		int len = (int)strlen(item);
		if (x > 0 && x + len > width) {
			lines++;
			x = 0;
		}
		x += len;
	}
	return lines;
}

int ui_legend_fit(const struct as_history *h, int width, int max_lines,
		  size_t *first)
{
	size_t n = h->n_changes;
	*first = n;
	if (n == 0 || width <= 0 || max_lines <= 0)
		return 0;
	size_t f = n;
	while (f > 0 && n - (f - 1) <= 9 &&
	       legend_lines(h, f - 1, width) <= max_lines)
		f--;
	*first = f;
	return f < n ? legend_lines(h, f, width) : 0;
}

void ui_axis_label(double v, char *buf, size_t n)
{
	snprintf(buf, n, "%7.4g", v);
	if (strlen(buf) > 7)
		snprintf(buf, n, "%7.1e", v);
	if (strlen(buf) > 7) /* negative: one digit less */
		snprintf(buf, n, "%7.0e", v);
	if (strlen(buf) > 7) /* e+100 and beyond: say it is huge */
		snprintf(buf, n, "%7s", v < 0 ? "-huge" : "huge");
}

int ui_chart_row(const struct ui_chart *c, double loss)
{
	if (!isfinite(loss) || c->h <= 0 || (c->log && loss <= 0))
		return -1;
	double y = c->log ? log10(loss) : loss;
	double f = (c->y_hi - y) / (c->y_hi - c->y_lo);
	int r = (int)floor(f * (c->h - 1) + 0.5);
	return clampi(r, 0, c->h - 1);
}

int ui_chart_col(const struct ui_chart *c, double examples)
{
	if (c->w <= 0)
		return -1;
	int col = (int)floor(examples / c->x_max * (c->w - 1) + 0.5);
	return clampi(col, 0, c->w - 1);
}

int ui_page_clamp(int page, int n_filters, int per_page)
{
	if (per_page <= 0 || n_filters <= 0 || page < 0)
		return 0;
	int pages = (n_filters + per_page - 1) / per_page;
	return page < pages ? page : pages - 1;
}
