#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "autoscope/params.h"
#include "layout.h"

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 *  title                                                   (1 line)
 *  filters                                   | curves
 *  held-out digits                           | control panel
 *  status                                                  (1 line)
 * The digits and the panel share the lower band: the panel is narrow (its
 * labels and values), so the digits get the width for a clean / corrupted
 * / reconstructed triplet at its true 28 x 28 pixels from 120 columns.
 */
void ui_layout_compute(int w, int h, int n_rows_panel, struct ui_layout *l)
{
	memset(l, 0, sizeof *l);
	if (w < UI_MIN_W || h < UI_MIN_H) {
		l->too_small = 1;
		return;
	}
	int body = h - 2;
	int right = clampi(w * 2 / 5, 34, 72);
	int panel_w = 32;
	/* the lower band: the panel's rows where they fit in half the
	 * height; more on a tall screen, for the digits */
	int low = clampi(body * 9 / 20, 10, body - 8);
	if (low < n_rows_panel + 2 && n_rows_panel + 2 <= body / 2)
		low = n_rows_panel + 2;
	int top = body - low;
	l->title = (struct ui_rect){0, 0, 1, w};
	l->status = (struct ui_rect){h - 1, 0, 1, w};
	l->body = (struct ui_rect){1, 0, body, w};
	l->filters = (struct ui_rect){1, 0, top, w - right};
	l->curves = (struct ui_rect){1, w - right, top, right};
	l->recon = (struct ui_rect){1 + top, 0, low, w - panel_w};
	l->panel = (struct ui_rect){1 + top, w - panel_w, low, panel_w};
}

int ui_panel_params(const struct as_config *cfg, int *idx)
{
	int n = 0;
	for (size_t i = 0; i < as_param_count() && n < UI_PANEL_MAX; i++)
		if (!cfg || as_param_applies(as_param_at(i), cfg))
			idx[n++] = (int)i;
	return n;
}

int ui_panel_pos(const int *idx, int n, int sel)
{
	for (int i = 0; i < n; i++)
		if (idx[i] >= sel)
			return i;
	return n > 0 ? n - 1 : 0;
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

int ui_hit_filter(const struct ui_rect *a, int top, const struct ui_tiles *t,
		  int group, int page, int n_filters, int x, int y, int *member)
{
	if (group < 1)
		group = 1;
	if (t->cols <= 0 || t->rows <= 0 || x <= a->x || y < a->y + top)
		return -1;
	int cw = t->cell_w + 1;
	int gw = group * cw - 1 + (group > 1 ? 2 : 1);
	int dx = x - a->x - 1, dy = y - a->y - top;
	int tx = dx / gw, ty = dy / (t->cell_h + 1);
	int within = dx % gw, m = within / cw;
	/* the gaps between tiles and groups belong to no filter */
	if (within % cw == t->cell_w || m >= group ||
	    dy % (t->cell_h + 1) == t->cell_h || tx >= t->cols || ty >= t->rows)
		return -1;
	int k = page * t->cols * t->rows + ty * t->cols + tx;
	if (member)
		*member = m;
	return k < n_filters ? k : -1;
}

static void tiles_at(int area_w, int area_h, const struct ui_size *sz,
		     struct ui_tiles *t)
{
	t->sz = *sz;
	t->px = sz->px_w;
	t->cell_w = sz->cell_w;
	t->cell_h = sz->cell_h;
	t->cols = (area_w + 1) / (t->cell_w + 1);
	t->rows = (area_h + 1) / (t->cell_h + 1);
	if (t->cols < 0)
		t->cols = 0;
	if (t->rows < 0)
		t->rows = 0;
}

void ui_tiles_fit(int area_w, int area_h, size_t img_rows, size_t img_cols,
		  int max_mag, int want, int min_px, struct ui_tiles *t)
{
	memset(t, 0, sizeof *t);
	if (area_w <= 0 || area_h <= 0 || img_rows == 0 || img_cols == 0)
		return;
	struct ui_size ladder[64];
	int n = ui_size_ladder(img_rows, img_cols, max_mag, ladder, 64);
	if (min_px > (int)img_cols)
		min_px = (int)img_cols;
	int last = -1; /* the smallest size with min_px pixels */
	for (int i = 0; i < n; i++) {
		if (ladder[i].px_w < min_px)
			break;
		last = i;
		tiles_at(area_w, area_h, &ladder[i], t);
		if (t->cols * t->rows >= want && t->cols * t->rows > 0)
			return;
	}
	if (last >= 0)
		tiles_at(area_w, area_h, &ladder[last], t);
	if (last < 0 || t->cols == 0 || t->rows == 0)
		memset(t, 0, sizeof *t);
}

static void digits_at(int w, int h, const struct ui_size *sz, int n_avail,
		      struct ui_digits *d)
{
	int cw = sz->cell_w, ch = sz->cell_h;
	/* stacked: three rows and two gaps */
	int st = 0;
	if (3 * ch + 2 <= h)
		st = (w - UI_DIGITS_LABEL_W + 1) / (cw + 1);
	st = st < 0 ? 0 : st > n_avail ? n_avail : st;
	/* triplets: 3 tiles and 2 gaps, 2 columns between triplets, a
	 * header line */
	int tw = 3 * cw + 2;
	int ta = (w + 2) / (tw + 2),
	    td = h - 1 >= ch ? (h - 1 + 1) / (ch + 1) : 0;
	int tr = ta * td > n_avail ? n_avail : ta * td;
	memset(d, 0, sizeof *d);
	d->sz = *sz;
	if (st >= tr && st > 0) {
		d->stacked = 1;
		d->across = st;
		d->down = 1;
		d->n = st;
	} else if (tr > 0) {
		d->across = ta;
		d->down = td;
		d->n = tr;
	}
}

int ui_fit_size(int w, int h, size_t rows, size_t cols, int max_mag,
		struct ui_size *out)
{
	struct ui_size ladder[64];
	int n = ui_size_ladder(rows, cols, max_mag, ladder, 64);
	for (int i = 0; i < n; i++)
		if (ladder[i].cell_w <= w && ladder[i].cell_h <= h) {
			*out = ladder[i];
			return 0;
		}
	memset(out, 0, sizeof *out);
	return -1;
}

void ui_digits_fit(int w, int h, size_t rows, size_t cols, int n_avail,
		   int want, int max_mag, struct ui_digits *d)
{
	memset(d, 0, sizeof *d);
	if (w <= 0 || h <= 0 || n_avail <= 0)
		return;
	if (want > n_avail)
		want = n_avail;
	if (want < 1)
		want = 1;
	struct ui_size ladder[64];
	int n = ui_size_ladder(rows, cols, max_mag, ladder, 64);
	for (int i = 0; i < n; i++) {
		digits_at(w, h, &ladder[i], n_avail, d);
		if (d->n >= want)
			return;
	}
	memset(d, 0, sizeof *d);
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

int ui_page_clamp(int page, int n_filters, int per_page)
{
	if (per_page <= 0 || n_filters <= 0 || page < 0)
		return 0;
	int pages = (n_filters + per_page - 1) / per_page;
	return page < pages ? page : pages - 1;
}

void ui_fields_init(struct ui_fields *f, int w)
{
	f->text[0] = 0;
	f->len = 0;
	f->full = 0;
	f->w = w < (int)sizeof f->text ? w : (int)sizeof f->text - 1;
}

int ui_fields_add(struct ui_fields *f, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	/* one field left out leaves out those after it too: what follows
	 * a missing field would read as its value (", mask 0.50") */
	if (f->full || n < 0 || n >= (int)sizeof buf || f->len + n > f->w) {
		f->full = 1;
		return 0;
	}
	memcpy(f->text + f->len, buf, (size_t)n + 1);
	f->len += n;
	return 1;
}
