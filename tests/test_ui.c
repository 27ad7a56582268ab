/* The explorer's arithmetic, without a terminal: layout at every size from
 * 20x5 up (and the pixels each view then shows), images as cells (sizes,
 * half blocks, quadrants, dithering, an isolated pixel kept), tile
 * fitting, the Braille chart, whole fields, and the panel's parameter
 * stepping. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/params.h"
#include "layout.h"
#include "plot.h"
#include "raster.h"

static int inside(const struct ui_rect *r, int w, int h)
{
	return r->x >= 0 && r->y >= 0 && r->w > 0 && r->h > 0 &&
	       r->x + r->w <= w && r->y + r->h <= h;
}

static int overlap(const struct ui_rect *a, const struct ui_rect *b)
{
	return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h &&
	       b->y < a->y + a->h;
}

START_TEST(test_layout_every_size)
{
	int n = (int)as_param_count();
	for (int w = 20; w <= 300; w++) {
		for (int h = 5; h <= 120; h++) {
			struct ui_layout l;
			ui_layout_compute(w, h, n, &l);
			if (w < UI_MIN_W || h < UI_MIN_H) {
				ck_assert_int_eq(l.too_small, 1);
				continue;
			}
			ck_assert_int_eq(l.too_small, 0);
			const struct ui_rect *r[] = {&l.title, &l.filters,
						     &l.recon, &l.curves,
						     &l.panel, &l.status};
			for (int i = 0; i < 6; i++) {
				ck_assert_msg(inside(r[i], w, h),
					      "%dx%d: view %d outside", w, h,
					      i);
				for (int j = i + 1; j < 6; j++)
					ck_assert_msg(!overlap(r[i], r[j]),
						      "%dx%d: views %d and %d "
						      "overlap",
						      w, h, i, j);
			}
			/* the panel shows every parameter once the screen
			 * is tall enough for it */
			if (h >= 2 * (n + 2) + 2)
				ck_assert_int_ge(l.panel.h, n + 2);
			/* the digits: always one clean / corrupted /
			 * reconstructed triplet of 28 x 28 digits at 14 x 14
			 * pixels or more, and at their true size (28 x 28)
			 * from 120x40 */
			struct ui_digits d;
			ui_digits_fit(l.recon.w - 2, l.recon.h - 2, 28, 28, 10,
				      1, 1, &d);
			ck_assert_msg(d.n >= 1 && d.sz.px_w >= 14,
				      "%dx%d: %d digits at %d px", w, h, d.n,
				      d.sz.px_w);
			if (w >= 120 && h >= 40)
				ck_assert_msg(d.sz.px_h == 28, "%dx%d: %d px",
					      w, h, d.sz.px_h);
			/* the filters: at least 8 of 500 at 7 pixels or more
			 * (14 from 120x40: a v away, 36 at 14 on 80x24) */
			struct ui_tiles t;
			ui_tiles_fit(l.filters.w - 2, l.filters.h - 2, 28, 28,
				     1, 8, 7, &t);
			ck_assert_msg(
				t.cols * t.rows >= 8 &&
					t.px >= (w >= 120 && h >= 40 ? 14 : 7),
				"%dx%d: %d filters at %d px", w, h,
				t.cols * t.rows, t.px);
		}
	}
}
END_TEST

/* A view alone on the screen: filters at no less than 14 pixels across,
 * more of them on a larger screen. */
START_TEST(test_full_screen_filters)
{
	const int sizes[3][2] = {{80, 24}, {120, 40}, {200, 60}};
	int last = 0;
	for (int i = 0; i < 3; i++) {
		struct ui_layout l;
		ui_layout_compute(sizes[i][0], sizes[i][1], 15, &l);
		struct ui_tiles t;
		ui_tiles_fit(l.body.w - 2, l.body.h - 2, 28, 28, 2, 40, 14, &t);
		int n = t.cols * t.rows;
		ck_assert_int_ge(t.px, 14);
		ck_assert_msg(n > last, "%dx%d: %d filters, %d before",
			      sizes[i][0], sizes[i][1], n, last);
		last = n;
	}
	ck_assert_int_ge(last, 80); /* 200x60 */
}
END_TEST

static float img[28 * 28];

START_TEST(test_raster_sizes)
{
	struct ui_size z[64];
	int n = ui_size_ladder(28, 28, 2, z, 64);
	/* half blocks at 2 and 1, then reductions by 2, 3 ... */
	ck_assert_int_ge(n, 10);
	ck_assert(z[0].mode == UI_PIX_HALF && z[0].mag == 2);
	ck_assert_int_eq(z[0].cell_w, 56);
	ck_assert_int_eq(z[0].cell_h, 28);
	/* a 28 x 28 digit at its own size: 28 columns x 14 rows */
	ck_assert(z[1].mode == UI_PIX_HALF && z[1].mag == 1);
	ck_assert(z[1].cell_w == 28 && z[1].cell_h == 14);
	ck_assert(z[1].px_w == 28 && z[1].px_h == 28);
	/* reduced by 2: 14 x 14 square pixels in 14 x 7 cells */
	ck_assert(z[2].mode == UI_PIX_HALF && z[2].red == 2);
	ck_assert(z[2].cell_w == 14 && z[2].cell_h == 7);
	ck_assert(z[2].px_w == 14 && z[2].px_h == 14);
	for (int i = 1; i < n; i++) {
		ck_assert_int_le(z[i].cell_w, z[i - 1].cell_w);
		ck_assert_int_le(z[i].cell_h, z[i - 1].cell_h);
		/* square pixels: as many across as down, in cells twice
		 * as tall */
		ck_assert_int_eq(z[i].px_w, z[i].px_h);
		ck_assert_int_le(abs(2 * z[i].cell_h - z[i].cell_w), 1);
	}
	ck_assert(z[n - 1].cell_w == 1 && z[n - 1].cell_h == 1);
	/* with quadrants: the same cells, twice the detail across */
	int nq = ui_size_ladder(28, 28, 2 | UI_QUADS, z, 64);
	ck_assert_int_ge(nq, 10);
	ck_assert(z[2].mode == UI_PIX_QUAD && z[2].red == 2);
	ck_assert(z[2].cell_w == 14 && z[2].cell_h == 7);
	ck_assert(z[2].px_w == 28 && z[2].px_h == 14);
	/* 8 x 8 patches: 8 x 4 cells, or an integer multiple */
	n = ui_size_ladder(8, 8, 2, z, 64);
	ck_assert(z[0].cell_w == 16 && z[0].cell_h == 8);
	ck_assert(z[1].cell_w == 8 && z[1].cell_h == 4);
}
END_TEST

START_TEST(test_raster_cells)
{
	/* half blocks: the upper pixel is the colour, the lower the
	 * background */
	float two[2 * 2] = {0, 1, 1, 0};
	struct ui_size sz;
	ui_size_of(2, 2, UI_PIX_HALF, 1, 1, &sz);
	struct ui_cell c[4];
	ui_raster(two, 2, 2, 0, &sz, UI_GLYPH_GRAY, c);
	ck_assert(c[0].ch == 0x2580 && c[0].fg == 0 && c[0].bg == 23);
	ck_assert(c[1].ch == 0x2580 && c[1].fg == 23 && c[1].bg == 0);
	/* quadrants: a 4 x 4 image in 2 x 1 cells, each fitted with the
	 * two colours of its pixels; the left cell's upper left lit */
	float q[4 * 4] = {0};
	q[0] = 1;
	q[2] = q[3] = q[6] = q[7] = 0.5f;
	ui_size_of(4, 4, UI_PIX_QUAD, 1, 2, &sz);
	ck_assert(sz.cell_w == 2 && sz.cell_h == 1);
	ui_raster(q, 4, 4, 0, &sz, UI_GLYPH_GRAY, c);
	/* rows 0-1 pooled into the upper quadrant row: pixel (0,0) */
	ck_assert_int_eq(c[0].ch, 0x2598); /* upper left */
	ck_assert(c[0].fg == 23 && c[0].bg == 0);
	ck_assert_int_eq(c[1].ch, 0x2580); /* upper half: the 0.5s */
	ck_assert_int_eq(c[1].fg, 12);
	/* 1-bit dither: black stays dark, white lit, mid gray half lit */
	for (size_t i = 0; i < 28 * 28; i++)
		img[i] = 0.5f;
	ui_size_of(28, 28, UI_PIX_HALF, 1, 1, &sz);
	static struct ui_cell big[28 * 14];
	ui_raster(img, 28, 28, 0, &sz, UI_GLYPH_DITHER, big);
	int lit = 0;
	for (int i = 0; i < 28 * 14; i++) {
		int ch = big[i].ch;
		lit += ch == 0x2588 ? 2 : (ch == 0x2580 || ch == 0x2584);
	}
	ck_assert_msg(lit > 28 * 28 * 2 / 5 && lit < 28 * 28 * 3 / 5, "%d",
		      lit);
	/* ASCII: a ramp of the pixels a cell covers */
	ui_raster(img, 28, 28, 0, &sz, UI_GLYPH_ASCII, big);
	ck_assert(big[0].ch != ' ' && big[0].ch < 127);
	/* a constant image scaled to its own range: mid gray */
	ui_raster(img, 28, 28, 1, &sz, UI_GLYPH_GRAY, big);
	ck_assert(big[5].fg == 12 && big[5].bg == 12);
}
END_TEST

/* One bright pixel on black, and one dark pixel on white: visible at
 * every size of the ladder, in every glyph set. */
START_TEST(test_raster_keeps_an_isolated_pixel)
{
	struct ui_size z[128];
	int n = ui_size_ladder(28, 28, 2, z, 64);
	n += ui_size_ladder(28, 28, 2 | UI_QUADS, z + n, 64);
	static struct ui_cell cells[56 * 28];
	for (int dark = 0; dark < 2; dark++) {
		for (size_t i = 0; i < 28 * 28; i++)
			img[i] = dark ? 1.0f : 0.0f;
		img[13 * 28 + 17] = dark ? 0.0f : 1.0f;
		for (int g = 0; g < 3; g++)
			for (int i = 0; i < n; i++) {
				ui_raster(img, 28, 28, 0, &z[i], g, cells);
				int seen = 0;
				for (int k = 0; k < z[i].cell_w * z[i].cell_h;
				     k++) {
					const struct ui_cell *c = &cells[k];
					if (g == UI_GLYPH_GRAY)
						seen |= dark ? c->fg == 0 ||
									c->bg ==
										0
							     : c->fg == 23 ||
									c->bg ==
										23;
					else if (g == UI_GLYPH_DITHER)
						seen |= dark ? c->ch != 0x2588
							     : c->ch != ' ';
					else
						seen |= dark ? c->ch != '@'
							     : c->ch != ' ';
				}
				ck_assert_msg(seen,
					      "size %d (%dx%d cells), glyphs "
					      "%d, dark %d",
					      i, z[i].cell_w, z[i].cell_h, g,
					      dark);
			}
	}
}
END_TEST

START_TEST(test_digits_fit)
{
	struct ui_digits d;
	/* 86 x 15 cells: one triplet at the true size (28 x 14 cells) */
	ui_digits_fit(86, 15, 28, 28, 10, 1, 1, &d);
	ck_assert(d.n == 1 && !d.stacked && d.sz.px_h == 28);
	/* 44 x 8: one triplet reduced by 2 (14 x 14 pixels) */
	ui_digits_fit(44, 8, 28, 28, 10, 1, 1, &d);
	ck_assert(d.n == 1 && d.sz.px_w == 14 && d.sz.px_h == 14);
	/* or of quadrants, 28 x 14 pixels */
	ui_digits_fit(44, 8, 28, 28, 10, 1, 1 | UI_QUADS, &d);
	ck_assert(d.n == 1 && d.sz.px_w == 28 && d.sz.px_h == 14);
	/* tall and wide: stacked rows, as many as there are */
	ui_digits_fit(300, 60, 28, 28, 10, 4, 1, &d);
	ck_assert(d.stacked && d.n == 10 && d.sz.px_h == 28);
	/* no room */
	ui_digits_fit(2, 1, 28, 28, 10, 1, 1, &d);
	ck_assert_int_eq(d.n, 0);
}
END_TEST

START_TEST(test_fields)
{
	struct ui_fields f;
	ui_fields_init(&f, 20);
	ck_assert(ui_fields_add(&f, "mask %.2f", 0.25));
	ck_assert(ui_fields_add(&f, ", tied"));
	/* "mask 0.25, tied" is 15: ", lr 0.1" (8) does not fit, whole */
	ck_assert(!ui_fields_add(&f, ", lr %g", 0.1));
	ck_assert_str_eq(f.text, "mask 0.25, tied");
	/* and what comes after a field left out is left out too, even if
	 * it would fit: it would read as the missing field's value */
	ck_assert(!ui_fields_add(&f, " 1k"));
	ck_assert_str_eq(f.text, "mask 0.25, tied");
}
END_TEST

START_TEST(test_tiles_fit)
{
	struct ui_tiles t;
	/* 28 x 28 filters in a 60 x 20 area, at least 24 of them: by hand,
	 * reduced by 2 (14 x 7 cells) 4 x 2 fit; by 3 (10 x 5) 5 x 3 = 15;
	 * by 4 (7 x 4) 7 x 4 = 28, so by 4: 7 x 7 pixels */
	ui_tiles_fit(60, 20, 28, 28, 1, 24, 7, &t);
	ck_assert_int_eq(t.px, 7);
	ck_assert(t.cell_w == 7 && t.cell_h == 4);
	ck_assert(t.cols == 7 && t.rows == 4);
	ck_assert_int_le(t.cols * (t.cell_w + 1) - 1, 60);
	ck_assert_int_le(t.rows * (t.cell_h + 1) - 1, 20);
	/* no larger size holds 24 */
	struct ui_size z[64];
	int n = ui_size_ladder(28, 28, 1, z, 64);
	for (int i = 0; i < n && z[i].px_w > t.px; i++) {
		int across = 61 / (z[i].cell_w + 1),
		    down = 21 / (z[i].cell_h + 1);
		ck_assert_int_lt(across * down, 24);
	}
	/* nothing fits: all zero */
	ui_tiles_fit(3, 1, 28, 28, 1, 24, 7, &t);
	ck_assert_int_eq(t.cols * t.rows, 0);
	/* a 8 x 8 patch never shrinks below its own size when there is
	 * room, and is magnified to 2 when asked */
	ui_tiles_fit(200, 100, 8, 8, 1, 1, 4, &t);
	ck_assert_int_eq(t.px, 8);
	ck_assert_int_eq(t.cell_h, 4);
	ui_tiles_fit(200, 100, 8, 8, 2, 1, 4, &t);
	ck_assert(t.px == 16 && t.cell_w == 16 && t.cell_h == 8);
	/* min_px is honoured even when fewer than want fit */
	ui_tiles_fit(30, 10, 28, 28, 1, 100, 14, &t);
	ck_assert_int_ge(t.px, 14);
}
END_TEST

/* ] pressed past the last page stays on it, so the first [ goes back */
START_TEST(test_page_clamp)
{
	/* 500 filters at 18 a page: pages 0..27 */
	ck_assert_int_eq(ui_page_clamp(0, 500, 18), 0);
	ck_assert_int_eq(ui_page_clamp(27, 500, 18), 27);
	ck_assert_int_eq(ui_page_clamp(30, 500, 18), 27);
	ck_assert_int_eq(ui_page_clamp(-1, 500, 18), 0);
	ck_assert_int_eq(ui_page_clamp(1, 18, 18), 0);
	ck_assert_int_eq(ui_page_clamp(1, 19, 18), 1);
	/* nothing drawn yet */
	ck_assert_int_eq(ui_page_clamp(5, 500, 0), 0);
	ck_assert_int_eq(ui_page_clamp(5, 0, 18), 0);
	/* the page a click lands on is the page shown */
	int page = 27;
	for (int i = 0; i < 30; i++)
		page = ui_page_clamp(page + 1, 500, 18);
	ck_assert_int_eq(ui_page_clamp(page - 1, 500, 18), 26);
}
END_TEST

START_TEST(test_mouse_hits)
{
	struct ui_rect panel = {10, 50, 7, 30}; /* 5 rows inside */
	ck_assert_int_eq(ui_hit_panel(&panel, 0, 15, 55, 11), 0);
	ck_assert_int_eq(ui_hit_panel(&panel, 0, 15, 55, 15), 4);
	ck_assert_int_eq(ui_hit_panel(&panel, 0, 15, 55, 10), -1); /* border */
	ck_assert_int_eq(ui_hit_panel(&panel, 0, 15, 40, 12), -1); /* left */
	/* scrolled to row 9: the top row shown is 5 */
	ck_assert_int_eq(ui_hit_panel(&panel, 9, 15, 55, 11), 5);
	ck_assert_int_eq(ui_hit_panel(&panel, 0, 3, 55, 15), -1); /* past n */

	struct ui_rect area = {1, 0, 20, 60};
	struct ui_tiles t = {
		.px = 8, .cell_w = 8, .cell_h = 4, .cols = 6, .rows = 3};
	/* tiles from row 1 + 2: tile (0,0) spans x 1..8, y 3..6 */
	ck_assert_int_eq(ui_hit_filter(&area, 2, &t, 1, 0, 500, 1, 3, NULL), 0);
	ck_assert_int_eq(ui_hit_filter(&area, 2, &t, 1, 0, 500, 8, 6, NULL), 0);
	ck_assert_int_eq(ui_hit_filter(&area, 2, &t, 1, 0, 500, 9, 3, NULL),
			 -1); /* gap */
	ck_assert_int_eq(ui_hit_filter(&area, 2, &t, 1, 0, 500, 10, 3, NULL),
			 1);
	ck_assert_int_eq(ui_hit_filter(&area, 2, &t, 1, 0, 500, 1, 8, NULL), 6);
	ck_assert_int_eq(ui_hit_filter(&area, 2, &t, 1, 2, 500, 1, 8, NULL),
			 42);
	ck_assert_int_eq(ui_hit_filter(&area, 2, &t, 1, 0, 3, 37, 3, NULL),
			 -1); /* past n */
	ck_assert_int_eq(ui_hit_filter(&area, 2, &t, 1, 0, 500, 1, 2, NULL),
			 -1); /* title */
	/* groups of 3 runs: 3 tiles of 8 + 2 gaps + 2 between groups = 28 */
	int m = -1;
	struct ui_tiles g = {
		.px = 8, .cell_w = 8, .cell_h = 4, .cols = 2, .rows = 3};
	ck_assert_int_eq(ui_hit_filter(&area, 2, &g, 3, 0, 500, 1, 3, &m), 0);
	ck_assert_int_eq(m, 0);
	ck_assert_int_eq(ui_hit_filter(&area, 2, &g, 3, 0, 500, 19, 3, &m), 0);
	ck_assert_int_eq(m, 2); /* the third run's filter 0 */
	ck_assert_int_eq(ui_hit_filter(&area, 2, &g, 3, 0, 500, 27, 3, &m),
			 -1); /* between groups */
	ck_assert_int_eq(ui_hit_filter(&area, 2, &g, 3, 0, 500, 29, 3, &m), 1);
	ck_assert_int_eq(m, 0);
}
END_TEST

/* Axis labels are always 7 characters. */
START_TEST(test_axis)
{
	const double v[] = {0,	     3.14159, 66.87, 1314.5, 28750,
			    1.487e4, -960.9,  1e300, -1e300, 1e-9};
	for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
		char b[32];
		ui_axis_label(v[i], b, sizeof b);
		ck_assert_msg(strlen(b) == 7, "'%s' for %g", b, v[i]);
	}
	char b[32];
	ui_axis_label(28750, b, sizeof b);
	ck_assert_str_eq(b, "2.9e+04");
	ui_axis_label(-12345, b, sizeof b);
	ck_assert_str_eq(b, " -1e+04");
	ui_axis_label(-0.0001234, b, sizeof b);
	ck_assert_str_eq(b, " -1e-04");
}
END_TEST

static struct ui_plot plot;

START_TEST(test_plot)
{
	static struct as_history h;
	as_history_clear(&h);
	for (int i = 1; i <= 100; i++) {
		struct as_point p = {.examples = (uint64_t)i * 100,
				     .train_loss = 200.0f / (float)i,
				     .heldout_loss = i % 10 ? NAN : 200.0f / i};
		as_history_add_point(&h, &p);
	}
	struct ui_curve c[2] = {{&h, 0, 0, 0}, {&h, 1, 0, 0}};
	ui_plot_axes(&plot, 50, 10, UI_X_ALL, 0, c, 2, NAN);
	/* the y range leaves out the first 2% of the run (the point at
	 * 100 examples, loss 200): it holds 100 (at 200 examples) down */
	ck_assert(plot.x_hi == 10000 && plot.y_lo == 0);
	ck_assert(plot.y_hi >= 100 && plot.y_hi < 200);
	int x, y;
	/* the first point at the top left (on the edge), the last at the
	 * bottom right */
	ck_assert_int_eq(ui_plot_dot(&plot, 100, 200, &x, &y), 0);
	ck_assert(x <= 1 && y == 0);
	ck_assert_int_eq(ui_plot_dot(&plot, 10000, 2, &x, &y), 0);
	ck_assert(x == 99 && y >= 38);
	ck_assert_int_eq(ui_plot_dot(&plot, 100, NAN, &x, &y), -1);
	ck_assert_int_eq(ui_plot_col(&plot, 5000), 25); /* dot 50 of 100 */
	ui_plot_curve(&plot, 1, &c[0]);
	ui_plot_curve(&plot, 5, &c[1]);
	/* lines join the points: every column of dots has one */
	for (int col = 1; col < 50; col++) {
		int any = 0, layer;
		for (int row = 0; row < 10; row++)
			any |= ui_plot_cell(&plot, row, col, &layer) != 0;
		ck_assert_msg(any, "column %d empty", col);
	}
	/* where both curves pass, the held-out one (later layer) gives the
	 * cell its colour; the dots of both are in the glyph */
	int both = 0;
	for (int row = 0; row < 10; row++)
		for (int col = 0; col < 50; col++) {
			int layer;
			int ch = ui_plot_cell(&plot, row, col, &layer);
			if (ch && plot.dots[1][row][col] &&
			    plot.dots[5][row][col]) {
				both++;
				ck_assert_int_eq(layer, 5);
				ck_assert_int_eq(
					ch, 0x2800 | plot.dots[1][row][col] |
						    plot.dots[5][row][col]);
			}
		}
	ck_assert_int_gt(both, 0);
	/* the recent quarter: the first points are off the window, the
	 * y range is theirs */
	ui_plot_axes(&plot, 50, 10, UI_X_RECENT, 0, c, 2, NAN);
	ck_assert_int_eq(ui_plot_dot(&plot, 100, 200, &x, &y), -1);
	ck_assert(plot.y_hi < 3.5);
	/* log x: 1,000 and 10,000 examples a decade apart, the same as 100
	 * and 1,000 */
	ui_plot_axes(&plot, 50, 10, UI_X_LOG, 0, c, 2, NAN);
	int x1, x2, x3;
	ui_plot_dot(&plot, 100, 50, &x1, &y);
	ui_plot_dot(&plot, 1000, 50, &x2, &y);
	ui_plot_dot(&plot, 10000, 50, &x3, &y);
	ck_assert_int_le(abs((x3 - x2) - (x2 - x1)), 1);
	/* log y and a value the range must hold */
	ui_plot_axes(&plot, 50, 10, UI_X_ALL, 1, c, 2, 0.5);
	ck_assert(plot.y_lo <= log10(0.5));
	/* one flat point: the range widens, never below 0 */
	static struct as_history one;
	as_history_clear(&one);
	struct as_point p = {
		.examples = 100, .train_loss = 0.2f, .heldout_loss = NAN};
	as_history_add_point(&one, &p);
	struct ui_curve c1 = {&one, 0, 0, 0};
	ui_plot_axes(&plot, 40, 10, UI_X_ALL, 0, &c1, 1, NAN);
	ck_assert(plot.y_lo == 0 && plot.y_hi > 0.2);
	/* which changes break the objective */
	struct as_change lvl = {0, 0, "corruption_level", "0.25", "0.3"};
	struct as_change lr = {0, 0, "lr", "0.1", "0.2"};
	struct as_change loss = {0, 0, "loss", "ce", "mse"};
	ck_assert(ui_change_breaks(&lvl) && ui_change_breaks(&loss));
	ck_assert(!ui_change_breaks(&lr));
}
END_TEST

START_TEST(test_split_and_scatter)
{
	struct ui_rect r = {1, 0, 20, 73}, c;
	int x = 0;
	for (int i = 0; i < 3; i++) {
		ui_split_cols(&r, 3, i, &c);
		ck_assert_int_eq(c.x, x);
		ck_assert_int_eq(c.y, 1);
		x += c.w;
	}
	ck_assert_int_eq(x, 73); /* the last takes the remainder */
	int col, row;
	ck_assert_int_eq(
		ui_scatter_cell(0, 0, -1, 1, -1, 1, 21, 11, &col, &row), 0);
	ck_assert(col == 10 && row == 5);
	ui_scatter_cell(1, 1, -1, 1, -1, 1, 21, 11, &col, &row);
	ck_assert(col == 20 && row == 0); /* top right */
	ui_scatter_cell(-5, -5, -1, 1, -1, 1, 21, 11, &col, &row);
	ck_assert(col == 0 && row == 10); /* clamped */
	ck_assert_int_eq(
		ui_scatter_cell(NAN, 0, -1, 1, -1, 1, 21, 11, &col, &row), -1);
}
END_TEST

START_TEST(test_panel_steps)
{
	struct as_config cfg;
	as_config_default(&cfg);
	const struct as_param *lvl = as_param_find("corruption_level");
	as_param_step(&cfg, lvl, 1);
	ck_assert_float_eq_tol(cfg.corruption_level, 0.30f, 1e-6);
	for (int i = 0; i < 30; i++)
		as_param_step(&cfg, lvl, 1);
	ck_assert_float_eq(cfg.corruption_level, 1.0f);
	const struct as_param *lr = as_param_find("lr");
	as_param_step(&cfg, lr, 1);
	ck_assert_float_eq_tol(cfg.lr, 0.2f, 1e-6);
	as_param_step(&cfg, lr, -1);
	as_param_step(&cfg, lr, -1);
	ck_assert_float_eq_tol(cfg.lr, 0.05f, 1e-6);
	const struct as_param *sp = as_param_find("sparsity_weight");
	as_param_step(&cfg, sp, 1); /* from 0 to its first step */
	ck_assert_float_gt(cfg.sparsity_weight, 0);
	as_param_step(&cfg, sp, -1);
	ck_assert_float_eq(cfg.sparsity_weight, 0);
	const struct as_param *tied = as_param_find("tied");
	as_param_step(&cfg, tied, 1);
	ck_assert_int_eq(cfg.tied, 0);
	as_param_step(&cfg, tied, 1);
	ck_assert_int_eq(cfg.tied, 1);
	/* a panel of 5 rows scrolls to keep row 7 in view */
	ck_assert_int_eq(ui_panel_top(2, 5), 0);
	ck_assert_int_eq(ui_panel_top(7, 5), 3);
	ck_assert_int_eq(ui_panel_top(4, 5), 0);
	/* typed values go through the same validation */
	struct as_error err;
	ck_assert_int_ne(as_param_parse(&cfg, lvl, "1.5", &err), AS_OK);
	ck_assert_int_ne(as_param_parse(&cfg, lvl, "abc", &err), AS_OK);
	ck_assert_int_eq(as_param_parse(&cfg, lvl, "0.4", &err), AS_OK);
	ck_assert_float_eq_tol(cfg.corruption_level, 0.4f, 1e-6);
}
END_TEST

/* The controls panel lists the settings the focused run's model uses:
 * sparse coding's rows have no corruption and no stack settings, an
 * autoencoder's no L1 lambda, PSD's its alpha; a selection on a setting
 * the model has no use for stands on the next row */
START_TEST(test_panel_rows_of_the_model)
{
	struct as_config ae, sc, psd;
	as_config_default(&ae);
	as_config_default(&sc);
	as_config_default(&psd);
	sc.model = AS_MODEL_SC;
	psd.model = AS_MODEL_PSD;
	int all[UI_PANEL_MAX], a[UI_PANEL_MAX], b[UI_PANEL_MAX],
		c[UI_PANEL_MAX];
	int n_all = ui_panel_params(NULL, all), na = ui_panel_params(&ae, a),
	    nb = ui_panel_params(&sc, b), nc = ui_panel_params(&psd, c);
	ck_assert_int_eq(n_all, (int)as_param_count());
	ck_assert_int_eq(nc, nb + 1); /* psd_alpha */
	ck_assert(na < n_all && nb < na);
	int cl = as_param_index(as_param_find("corruption_level"));
	int lam = as_param_index(as_param_find("sc_lambda"));
	int alpha = as_param_index(as_param_find("psd_alpha"));
	int lr = as_param_index(as_param_find("lr"));
	int has[4][4] = {{0}}; /* [list][cl, lam, alpha, lr] */
	const int *lists[3] = {a, b, c}, ns[3] = {na, nb, nc};
	for (int l = 0; l < 3; l++)
		for (int i = 0; i < ns[l]; i++) {
			has[l][0] |= lists[l][i] == cl;
			has[l][1] |= lists[l][i] == lam;
			has[l][2] |= lists[l][i] == alpha;
			has[l][3] |= lists[l][i] == lr;
			if (i)
				ck_assert_int_lt(lists[l][i - 1], lists[l][i]);
		}
	ck_assert(has[0][0] && !has[0][1] && !has[0][2] && has[0][3]);
	ck_assert(!has[1][0] && has[1][1] && !has[1][2] && has[1][3]);
	ck_assert(!has[2][0] && has[2][1] && has[2][2] && has[2][3]);
	/* corruption_level (row 0 of an autoencoder) on a sparse coding
	 * run: the first row after it */
	int pos = ui_panel_pos(b, nb, cl);
	ck_assert_int_gt(b[pos], cl);
	ck_assert(pos == 0 || b[pos - 1] < cl);
	ck_assert_int_eq(b[ui_panel_pos(b, nb, lam)], lam);
	ck_assert_int_eq(ui_panel_pos(b, nb, 1000), nb - 1);
	/* a one-layer autoencoder has no stages to set; a stack has */
	int cn = as_param_index(as_param_find("code_noise"));
	int hn = 0, hd = 0;
	for (int i = 0; i < na; i++)
		hn |= a[i] == cn;
	struct as_config deep = ae;
	struct as_error err;
	ck_assert_int_eq(as_param_parse(&deep, as_param_find("layers"),
					"20-10", &err),
			 AS_OK);
	deep.finetune = AS_FINETUNE_RECON;
	int dd[UI_PANEL_MAX], nd = ui_panel_params(&deep, dd);
	for (int i = 0; i < nd; i++)
		hd |= dd[i] == cn;
	ck_assert(!hn && hd && nd == na + 4);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ui");
	TCase *tc = tcase_create("arithmetic");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_layout_every_size);
	tcase_add_test(tc, test_tiles_fit);
	tcase_add_test(tc, test_page_clamp);
	tcase_add_test(tc, test_full_screen_filters);
	tcase_add_test(tc, test_raster_sizes);
	tcase_add_test(tc, test_raster_cells);
	tcase_add_test(tc, test_raster_keeps_an_isolated_pixel);
	tcase_add_test(tc, test_digits_fit);
	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_plot);
	tcase_add_test(tc, test_panel_steps);
	tcase_add_test(tc, test_split_and_scatter);
	tcase_add_test(tc, test_axis);
	tcase_add_test(tc, test_mouse_hits);
	tcase_add_test(tc, test_panel_rows_of_the_model);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
