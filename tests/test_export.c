#include <check.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/chart.h"
#include "autoscope/export.h"

static char dir[] = "/tmp/as_export_XXXXXX";

struct gray {
	png_uint_32 w, h;
	unsigned char *px;
};

static struct gray read_gray(const char *path)
{
	png_image img;
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	ck_assert(png_image_begin_read_from_file(&img, path));
	img.format = PNG_FORMAT_GRAY;
	struct gray g = {img.width, img.height, malloc(PNG_IMAGE_SIZE(img))};
	ck_assert(png_image_finish_read(&img, NULL, g.px, 0, NULL));
	return g;
}

START_TEST(test_filter_grid)
{
	/* 10 filters of 3 x 4: 4 columns, 3 rows of tiles, scale 2 */
	float w[10 * 12];
	for (int f = 0; f < 10; f++)
		for (int i = 0; i < 12; i++)
			w[f * 12 + i] = (float)(f + 1) * (float)(i - 3);
	w[9 * 12 + 0] = w[9 * 12 + 1] = 0; /* nothing special: own range */
	for (int i = 0; i < 12; i++)	   /* a constant filter */
		w[8 * 12 + i] = 5.0f;
	char p[256];
	snprintf(p, sizeof p, "%s/filters.png", dir);
	struct as_error err;
	ck_assert_uint_eq(as_tile_columns(10), 4);
	ck_assert_int_eq(as_export_filters_png(p, w, 10, 3, 4, 2, &err), AS_OK);
	struct gray g = read_gray(p);
	ck_assert_uint_eq(g.w, 4 * 4 * 2 + 3);
	ck_assert_uint_eq(g.h, 3 * 3 * 2 + 2);
	/* filter 0: its minimum (i = 0) is black, its maximum (i = 11) white */
	ck_assert_uint_eq(g.px[0], 0);
	ck_assert_uint_eq(g.px[1 * g.w + 1], 0); /* scaled 2 x 2 */
	ck_assert_uint_eq(g.px[(2 * 2) * g.w + 3 * 2], 255);
	/* gap column between tiles 0 and 1 */
	ck_assert_uint_eq(g.px[8], 32);
	/* filter 1 scaled to its own range too */
	ck_assert_uint_eq(g.px[9], 0);
	/* the constant filter 8 is mid gray: tile (row 2, col 0) */
	ck_assert_uint_eq(g.px[(2 * 7) * g.w], 128);
	free(g.px);
	/* nothing to draw */
	ck_assert_int_eq(as_export_filters_png(p, w, 0, 3, 4, 2, &err),
			 AS_ERR_INVALID);
	/* --grid 3x2: the first 6 in 3 columns, 2 rows; filter 4 (the
	 * second row's second tile) in its own range as above */
	ck_assert_int_eq(as_export_filter_grid_png(p, w, 10, 3, 4, 3, 2, 2,
						   &err),
			 AS_OK);
	g = read_gray(p);
	ck_assert_uint_eq(g.w, 3 * 4 * 2 + 2);
	ck_assert_uint_eq(g.h, 2 * 3 * 2 + 1);
	ck_assert_uint_eq(g.px[7 * g.w + 9], 0);
	ck_assert_uint_eq(g.px[(7 + 4) * g.w + 9 + 6], 255);
	free(g.px);
	/* more room than filters: the rest is gap */
	ck_assert_int_eq(as_export_filter_grid_png(p, w, 2, 3, 4, 2, 2, 2,
						   &err),
			 AS_OK);
	g = read_gray(p);
	ck_assert_uint_eq(g.h, 2 * 3 * 2 + 1);
	ck_assert_uint_eq(g.px[7 * g.w + 0], 32);
	free(g.px);
	ck_assert_int_eq(as_export_filter_grid_png(p, w, 10, 3, 4, 0, 2, 2,
						   &err),
			 AS_ERR_INVALID);
}
END_TEST

START_TEST(test_recon_rows)
{
	float clean[2 * 4], noisy[2 * 4], rec[2 * 4];
	for (int i = 0; i < 8; i++) {
		clean[i] = 1.0f;
		noisy[i] = 0.0f;
		rec[i] = 1.7f; /* clipped to 1 in unit range */
	}
	char p[256];
	snprintf(p, sizeof p, "%s/recon.png", dir);
	struct as_error err;
	ck_assert_int_eq(
		as_export_recon_png(p, clean, noisy, rec, 2, 2, 2, 1, 3, &err),
		AS_OK);
	struct gray g = read_gray(p);
	ck_assert_uint_eq(g.w, 2 * 6 + 1);
	ck_assert_uint_eq(g.h, 3 * 6 + 2);
	ck_assert_uint_eq(g.px[0], 255);	     /* clean */
	ck_assert_uint_eq(g.px[7 * g.w], 0);	     /* corrupted */
	ck_assert_uint_eq(g.px[14 * g.w + 12], 255); /* recon, clipped */
	ck_assert_uint_eq(g.px[6 * g.w], 32);	     /* gap row */
	free(g.px);
}
END_TEST

START_TEST(test_npy)
{
	float data[12];
	for (int i = 0; i < 12; i++)
		data[i] = (float)i * 0.5f - 1.0f;
	char p[256];
	snprintf(p, sizeof p, "%s/w.npy", dir);
	size_t shape[2] = {3, 4};
	struct as_error err;
	ck_assert_int_eq(as_export_npy(p, data, shape, 2, &err), AS_OK);
	FILE *f = fopen(p, "rb");
	unsigned char b[512];
	size_t len = fread(b, 1, sizeof b, f);
	fclose(f);
	ck_assert(memcmp(b, "\x93NUMPY\x01\x00", 8) == 0);
	size_t hlen = b[8] | (size_t)b[9] << 8;
	ck_assert_uint_eq((10 + hlen) % 64, 0);
	ck_assert_uint_eq(b[10 + hlen - 1], '\n');
	char head[256];
	memcpy(head, b + 10, hlen);
	head[hlen] = 0;
	ck_assert(strstr(head, "'descr': '<f4'") != NULL);
	ck_assert(strstr(head, "'fortran_order': False") != NULL);
	ck_assert(strstr(head, "'shape': (3, 4)") != NULL);
	ck_assert_uint_eq(len, 10 + hlen + sizeof data);
	ck_assert(memcmp(b + 10 + hlen, data, sizeof data) == 0);
	/* one dimension: a trailing comma makes it a tuple */
	size_t one[1] = {12};
	ck_assert_int_eq(as_export_npy(p, data, one, 1, &err), AS_OK);
	f = fopen(p, "rb");
	len = fread(b, 1, sizeof b, f);
	fclose(f);
	b[len < sizeof b ? len : sizeof b - 1] = 0;
	ck_assert(strstr((char *)b + 10, "'shape': (12,)") != NULL);
}
END_TEST

START_TEST(test_csv)
{
	char p[256];
	snprintf(p, sizeof p, "%s/log.csv", dir);
	struct as_csv_log log;
	struct as_error err;
	struct as_config cfg;
	as_config_default(&cfg);
	ck_assert_int_eq(as_csv_open(&log, p, 0, &err), AS_OK);
	struct as_point pt = {10, 200, 95.5f, NAN, 1.5};
	ck_assert_int_eq(as_csv_write(&log, &pt, 0, &cfg, &err), AS_OK);
	as_csv_close(&log);
	/* append: no second header */
	ck_assert_int_eq(as_csv_open(&log, p, 1, &err), AS_OK);
	cfg.corruption_level = 0.5f;
	pt.heldout_loss = 90.0f;
	ck_assert_int_eq(as_csv_write(&log, &pt, 1, &cfg, &err), AS_OK);
	as_csv_close(&log);
	FILE *f = fopen(p, "r");
	char line[1024];
	ck_assert(fgets(line, sizeof line, f) != NULL);
	const char *head = "step,epoch,examples,train_loss,heldout_loss,"
			   "time_s,corruption_level,";
	ck_assert(strncmp(line, head, strlen(head)) == 0);
	ck_assert(fgets(line, sizeof line, f) != NULL);
	ck_assert(strncmp(line, "10,0,200,95.5,,1.500,0.25,", 26) == 0);
	ck_assert(fgets(line, sizeof line, f) != NULL);
	ck_assert(strncmp(line, "10,1,200,95.5,90,1.500,0.5,", 27) == 0);
	ck_assert(fgets(line, sizeof line, f) == NULL);
	fclose(f);
	ck_assert_int_eq(as_csv_open(&log, "/nonexistent/dir/log.csv", 0, &err),
			 AS_ERR_IO);
	ck_assert(strstr(err.msg, "/nonexistent/dir/log.csv") != NULL);
}
END_TEST

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;
	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/* The chart: a training polyline per run with one vertex per point, a
 * dashed held-out one over the measured points only, a marker per change
 * with its text escaped, the runs' labels in the key, the baseline; the
 * curve falls (y grows downwards in SVG); log scale refuses nothing. */
START_TEST(test_chart_svg)
{
	static struct as_history h[2];
	for (int r = 0; r < 2; r++) {
		as_history_clear(&h[r]);
		for (int i = 0; i < 10; i++) {
			struct as_point p = {.step = (uint64_t)i,
					     .examples = (uint64_t)(i + 1) * 100,
					     .train_loss = 50.0f / (float)(i + 1) + (float)r,
					     .heldout_loss = i % 3 ? NAN : 40.0f,
					     .time_s = i};
			as_history_add_point(&h[r], &p);
		}
	}
	struct as_change c = {.step = 4, .examples = 500};
	snprintf(c.param, sizeof c.param, "lr");
	snprintf(c.old_value, sizeof c.old_value, "0.1");
	snprintf(c.new_value, sizeof c.new_value, "<0.05&");
	as_history_add_change(&h[1], &c);
	struct as_chart_run runs[2] = {{"noise 0%", &h[0]}, {"a \"b\"", &h[1]}};
	struct as_chart ch = {"T & <title>", runs, 2, 7.5, "PCA", 0};
	char *svg;
	size_t len;
	struct as_error err;
	ck_assert_int_eq(as_chart_svg(&ch, &svg, &len, &err), AS_OK);
	ck_assert_uint_eq(len, strlen(svg));
	ck_assert(strncmp(svg, "<?xml", 5) == 0);
	ck_assert_ptr_nonnull(strstr(svg, "</svg>\n"));
	ck_assert_uint_eq(count(svg, "<polyline"), 4);
	ck_assert_uint_eq(count(svg, "stroke-dasharray=\"6 4\" points"), 2);
	ck_assert_ptr_nonnull(strstr(svg, "T &amp; &lt;title&gt;"));
	ck_assert_ptr_nonnull(strstr(svg, "lr 0.1 &#8594; &lt;0.05&amp;"));
	ck_assert_ptr_nonnull(strstr(svg, ">a &quot;b&quot;</text>"));
	ck_assert_ptr_nonnull(strstr(svg, ">noise 0%</text>"));
	ck_assert_ptr_nonnull(strstr(svg, ">PCA</text>"));
	ck_assert_uint_eq(count(svg, "<path d=\"M"), 1);
	/* the first run's training vertices: 10, x rising, y falling */
	const char *pl = strstr(svg, "<polyline");
	const char *pts = strstr(pl, "points=\"") + 8;
	double lx = -1, ly = -1;
	int nv = 0;
	while (*pts != '"') {
		double x, y;
		int used;
		ck_assert_int_eq(sscanf(pts, "%lf,%lf %n", &x, &y, &used), 2);
		ck_assert(x > lx);
		ck_assert(y > ly); /* further down: a smaller loss */
		lx = x;
		ly = y;
		pts += used;
		nv++;
	}
	ck_assert_int_eq(nv, 10);
	/* the held-out one has the 4 measured points */
	const char *dash = strstr(svg, "stroke-dasharray=\"6 4\" points=\"");
	ck_assert_uint_eq(count(dash, ",") - count(strstr(dash, "/>"), ","), 4);
	free(svg);
	ch.log_y = 1;
	ck_assert_int_eq(as_chart_svg(&ch, &svg, &len, &err), AS_OK);
	ck_assert_uint_eq(count(svg, "<polyline"), 4);
	free(svg);
	ch.n_runs = 0;
	ck_assert_int_eq(as_chart_svg(&ch, &svg, &len, &err), AS_ERR_INVALID);
}
END_TEST

int main(void)
{
	if (!mkdtemp(dir))
		return EXIT_FAILURE;
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_filter_grid);
	tcase_add_test(tc, test_recon_rows);
	tcase_add_test(tc, test_npy);
	tcase_add_test(tc, test_csv);
	tcase_add_test(tc, test_chart_svg);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		failed++;
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
