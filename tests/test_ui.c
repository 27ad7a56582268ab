/* The explorer's arithmetic, without a terminal: layout at every size from
 * 20x5 up, tile fitting, the chart's mapping and its change markers, and
 * the panel's parameter stepping. */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/params.h"
#include "layout.h"

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
			if (h >= n + 2 + 2 + 8)
				ck_assert_int_ge(l.panel.h, n + 2);
		}
	}
}
END_TEST

START_TEST(test_tiles_fit)
{
	struct ui_tiles t;
	/* 28 x 28 digits in a 60 x 20 area: the largest size with 24 */
	ui_tiles_fit(60, 20, 28, 28, 1, 24, 7, &t);
	ck_assert_int_ge(t.cols * t.rows, 24);
	ck_assert_int_le(t.cols * (t.cell_w + 1) - 1, 60);
	ck_assert_int_le(t.rows * (t.cell_h + 1) - 1, 20);
	/* by hand: px pixels take px columns and ceil(px / 2) rows plus a
	 * gap; at 8, 61 / 9 = 6 across and 21 / 5 = 4 down make 24; at 9,
	 * 6 x 3 = 18 */
	ck_assert_int_eq(t.px, 8);
	ck_assert_int_eq(t.cols, 6);
	ck_assert_int_eq(t.rows, 4);
	/* and no larger size holds 24 */
	for (int px = t.px + 1; px <= 28; px++) {
		struct ui_tiles bigger;
		ui_tiles_fit(60, 20, 28, 28, 1, 24, px, &bigger);
		ck_assert_int_ge(bigger.px, px);
		ck_assert_int_lt(bigger.cols * bigger.rows, 24);
	}
	/* nothing fits: all zero */
	ui_tiles_fit(3, 1, 28, 28, 1, 24, 7, &t);
	ck_assert_int_eq(t.cols * t.rows, 0);
	/* a 8 x 8 patch never grows past its own size */
	ui_tiles_fit(200, 100, 8, 8, 1, 1, 4, &t);
	ck_assert_int_eq(t.px, 8);
	ck_assert_int_eq(t.cell_h, 4);
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

START_TEST(test_chart_mapping_and_markers)
{
	struct as_history *h = calloc(1, sizeof *h);
	as_history_clear(h);
	for (int i = 1; i <= 100; i++) {
		struct as_point p = {.step = (uint64_t)i,
				     .examples = (uint64_t)i * 100,
				     .train_loss = 200.0f / (float)i,
				     .heldout_loss = i % 10 ? NAN : 210.0f / i,
				     .time_s = i};
		as_history_add_point(h, &p);
	}
	struct ui_chart c;
	ui_chart_compute(h, 50, 10, 0, 0.0, NAN, &c);
	ck_assert_double_eq(c.x_max, 10000);
	ck_assert(c.y_lo <= 2.0 && c.y_hi >= 200.0);
	/* the largest loss is at the top row, the smallest at the bottom */
	ck_assert_int_eq(ui_chart_row(&c, 200.0), 0);
	ck_assert_int_eq(ui_chart_row(&c, 2.0), 9);
	ck_assert_int_eq(ui_chart_row(&c, NAN), -1);
	/* a change at 5,000 examples marks the middle column */
	ck_assert_int_eq(ui_chart_col(&c, 5000), 25);
	ck_assert_int_eq(ui_chart_col(&c, 0), 0);
	ck_assert_int_eq(ui_chart_col(&c, 1e9), 49);
	/* the PCA line widens the range */
	ui_chart_compute(h, 50, 10, 0, 0.0, 0.5, &c);
	ck_assert(c.y_lo <= 0.5);
	/* log scale: equal ratios, equal distances */
	ui_chart_compute(h, 50, 21, 1, 0.0, NAN, &c);
	int r200 = ui_chart_row(&c, 200), r20 = ui_chart_row(&c, 20),
	    r2 = ui_chart_row(&c, 2);
	ck_assert_int_le(abs((r20 - r200) - (r2 - r20)), 1);
	/* EMA: the smoothed curve lags the raw one on a falling loss */
	struct ui_chart raw, ema;
	ui_chart_compute(h, 50, 10, 0, 0.0, NAN, &raw);
	ui_chart_compute(h, 50, 10, 0, 0.9, NAN, &ema);
	ck_assert(ema.train[49] > raw.train[49]);
	free(h);
}
END_TEST

START_TEST(test_legend_keeps_the_newest)
{
	struct as_history *h = calloc(1, sizeof *h);
	size_t first;
	ck_assert_int_eq(ui_legend_fit(h, 40, 2, &first), 0);
	for (int i = 0; i < 12; i++) {
		struct as_change c = {(uint64_t)i, (uint64_t)i * 10, "lr",
				      "0.1", "0.2"};
		as_history_add_change(h, &c);
	}
	/* "1 lr 0.1>0.2  " is 14 cells: 2 per line of 30, 2 lines */
	ck_assert_int_eq(ui_legend_fit(h, 30, 2, &first), 2);
	ck_assert_uint_eq(first, 8);
	/* never more than 9 marks, whatever the room */
	ui_legend_fit(h, 1000, 3, &first);
	ck_assert_uint_eq(first, 3);
	/* one item wider than the line still shows (cut when drawn) */
	ck_assert_int_eq(ui_legend_fit(h, 5, 1, &first), 1);
	ck_assert_uint_eq(first, 11);
	free(h);
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
	/* tile (0,0) spans x 1..8, y 3..6 */
	ck_assert_int_eq(ui_hit_filter(&area, &t, 0, 500, 1, 3), 0);
	ck_assert_int_eq(ui_hit_filter(&area, &t, 0, 500, 8, 6), 0);
	ck_assert_int_eq(ui_hit_filter(&area, &t, 0, 500, 9, 3), -1); /* gap */
	ck_assert_int_eq(ui_hit_filter(&area, &t, 0, 500, 10, 3), 1);
	ck_assert_int_eq(ui_hit_filter(&area, &t, 0, 500, 1, 8), 6);
	ck_assert_int_eq(ui_hit_filter(&area, &t, 2, 500, 1, 8), 42);
	ck_assert_int_eq(ui_hit_filter(&area, &t, 0, 3, 37, 3), -1); /* n */
	ck_assert_int_eq(ui_hit_filter(&area, &t, 0, 500, 1, 2),
			 -1); /* title */
}
END_TEST

/* Two runs on one chart: one x scale (the furthest run) and one y range
 * that holds both curves. */
START_TEST(test_chart_overlay)
{
	static struct as_history a, b;
	as_history_clear(&a);
	as_history_clear(&b);
	for (int i = 1; i <= 10; i++) {
		struct as_point p = {.examples = (uint64_t)i * 1000,
				     .train_loss = 100.0f / (float)i,
				     .heldout_loss = NAN};
		as_history_add_point(&a, &p);
		if (i <= 5) {
			p.train_loss = 300.0f / (float)i;
			as_history_add_point(&b, &p);
		}
	}
	const struct as_history *h[2] = {&a, &b};
	struct ui_chart c[2];
	ui_chart_overlay(h, 2, 50, 20, 0, 0, NAN, c);
	ck_assert(c[0].x_max == 10000 && c[1].x_max == 10000);
	ck_assert(c[0].y_lo == c[1].y_lo && c[0].y_hi == c[1].y_hi);
	ck_assert(c[0].y_hi >= 300 && c[0].y_lo <= 10);
	/* b stops half way across; its first point is near the top */
	ck_assert(isfinite(c[1].train[ui_chart_col(&c[1], 5000)]));
	ck_assert(isnan(c[1].train[ui_chart_col(&c[1], 9000)]));
	ck_assert_int_le(ui_chart_row(&c[1], 300), 1);
	ck_assert_int_lt(ui_chart_row(&c[1], 300), ui_chart_row(&c[0], 100));
	/* an empty history takes the others' range and draws nothing */
	static struct as_history e;
	as_history_clear(&e);
	const struct as_history *h2[2] = {&a, &e};
	ui_chart_overlay(h2, 2, 50, 20, 0, 0, NAN, c);
	ck_assert(c[1].y_lo == c[0].y_lo && c[1].y_hi == c[0].y_hi);
}
END_TEST

/* Axis labels are always 7 characters; a loss axis never goes below 0. */
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
	static struct as_history h;
	as_history_clear(&h);
	for (int i = 1; i <= 20; i++) {
		struct as_point p = {.examples = (uint64_t)i * 1000,
				     .train_loss = i < 3 ? 30000.0f : 50.0f,
				     .heldout_loss = NAN};
		as_history_add_point(&h, &p);
	}
	struct ui_chart c;
	ui_chart_compute(&h, 40, 10, 0, 0, NAN, &c);
	ck_assert(c.y_lo == 0 && c.y_hi > 30000);
	/* one point: the flat range widens up, not below 0 */
	static struct as_history one;
	as_history_clear(&one);
	struct as_point p = {
		.examples = 100, .train_loss = 0.2f, .heldout_loss = NAN};
	as_history_add_point(&one, &p);
	ui_chart_compute(&one, 40, 10, 0, 0, NAN, &c);
	ck_assert(c.y_lo == 0 && c.y_hi > 0.2);
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

int main(void)
{
	Suite *s = suite_create("ui");
	TCase *tc = tcase_create("arithmetic");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_layout_every_size);
	tcase_add_test(tc, test_tiles_fit);
	tcase_add_test(tc, test_page_clamp);
	tcase_add_test(tc, test_chart_mapping_and_markers);
	tcase_add_test(tc, test_panel_steps);
	tcase_add_test(tc, test_chart_overlay);
	tcase_add_test(tc, test_split_and_scatter);
	tcase_add_test(tc, test_axis);
	tcase_add_test(tc, test_legend_keeps_the_newest);
	tcase_add_test(tc, test_mouse_hits);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
