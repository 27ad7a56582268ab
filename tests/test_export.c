#include <check.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/chart.h"
#include "autoscope/dataset.h"
#include "autoscope/export.h"
#include "autoscope/figure.h"

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

static struct gray read_rgb(const char *path)
{
	png_image img;
	memset(&img, 0, sizeof img);
	img.version = PNG_IMAGE_VERSION;
	ck_assert(png_image_begin_read_from_file(&img, path));
	img.format = PNG_FORMAT_RGB;
	struct gray g = {img.width, img.height, malloc(PNG_IMAGE_SIZE(img))};
	ck_assert(png_image_finish_read(&img, NULL, g.px, 0, NULL));
	return g;
}

/* pixels of exactly this colour */
static size_t count_rgb(const struct gray *g, unsigned rgb)
{
	size_t n = 0;
	for (size_t i = 0; i < (size_t)g->w * g->h; i++)
		n += g->px[3 * i] == (rgb >> 16 & 255) &&
		     g->px[3 * i + 1] == (rgb >> 8 & 255) &&
		     g->px[3 * i + 2] == (rgb & 255);
	return n;
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
	struct as_chart_run runs[2] = {{"noise 0% \xc2\xb5", &h[0]},
				       {"a \"b\" \xc3", &h[1]}};
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
	ck_assert_ptr_nonnull(strstr(svg, "lr 0.1 &gt; &lt;0.05&amp;"));
	/* UTF-8 kept, a byte that is not (a cut character) as '?' */
	ck_assert_ptr_nonnull(strstr(svg, ">a &quot;b&quot; ?</text>"));
	ck_assert_ptr_nonnull(strstr(svg, ">noise 0% \xc2\xb5</text>"));
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

/* The chart as PNG: its size, each run's curve in its colour (two runs:
 * two colours), nothing of a third; the figures decode at their sizes,
 * with the colours and frames they promise */
START_TEST(test_png_views)
{
	static struct as_history h[2];
	for (int r = 0; r < 2; r++) {
		as_history_clear(&h[r]);
		for (int i = 0; i < 20; i++) {
			struct as_point p = {.step = (uint64_t)i,
					     .examples = (uint64_t)(i + 1) * 50,
					     .train_loss = 30.0f / (float)(i + 1) + 3 * (float)r,
					     .heldout_loss = NAN};
			as_history_add_point(&h[r], &p);
		}
	}
	struct as_chart_run runs[2] = {{"a", &h[0]}, {"b", &h[1]}};
	struct as_chart ch = {"T", runs, 2, NAN, NULL, 0};
	char p[256];
	struct as_error err;
	snprintf(p, sizeof p, "%s/chart.png", dir);
	ck_assert_int_eq(as_chart_png_write(p, &ch, &err), AS_OK);
	struct gray g = read_rgb(p);
	ck_assert_uint_eq(g.w, 900);
	ck_assert_uint_eq(g.h, 520);
	ck_assert_uint_gt(count_rgb(&g, 0x1f5fa8), 300); /* run 1's curve */
	ck_assert_uint_gt(count_rgb(&g, 0xc8321e), 300); /* run 2's */
	ck_assert_uint_eq(count_rgb(&g, 0x2a8a3a), 0);	 /* no run 3 */
	free(g.px);
	ch.n_runs = 5;
	ck_assert_int_eq(as_chart_png_write(p, &ch, &err), AS_ERR_INVALID);
	/* the scatter: 2 panels, every digit's colour present */
	static struct as_scores sc;
	as_scores_clear(&sc);
	sc.have = AS_SCORE_SCATTER;
	sc.n_scatter = 200;
	for (int i = 0; i < 200; i++) {
		sc.code_xy[i][0] = (float)(i % 10);
		sc.code_xy[i][1] = (float)(i / 10);
		sc.pixel_xy[i][0] = (float)i;
		sc.pixel_xy[i][1] = (float)(i % 7);
		sc.scatter_label[i] = (uint8_t)(i % 10);
	}
	snprintf(p, sizeof p, "%s/scatter.png", dir);
	ck_assert_int_eq(as_figure_scatter(p, &sc, "codes", &err), AS_OK);
	g = read_rgb(p);
	ck_assert_uint_eq(g.w, 2 * 480 + 3 * 40);
	ck_assert_uint_gt(count_rgb(&g, 0xe07b10), 100); /* the 1s */
	ck_assert_uint_gt(count_rgb(&g, 0x10a0b0), 100); /* the 9s */
	free(g.px);
	sc.have = 0;
	ck_assert_int_eq(as_figure_scatter(p, &sc, "codes", &err),
			 AS_ERR_STATE);
	/* the runs' filters: a column each, widened by a long caption */
	float w[4 * 9];
	for (int i = 0; i < 36; i++)
		w[i] = (float)(i % 9);
	struct as_figure_run fr[2] = {{"x", w, 4}, {"a much longer caption", w, 4}};
	snprintf(p, sizeof p, "%s/runs.png", dir);
	ck_assert_int_eq(as_figure_runs_filters(p, fr, 2, 3, 3, 4, &err),
			 AS_OK);
	g = read_rgb(p);
	int grid = 2 * (3 * 4 + 2) - 2; /* 2 x 2 tiles of 3 x 3 at scale 4 */
	int cap = (6 * 21 - 1) * 2;
	ck_assert_uint_eq(g.w, 32 + grid + 32 + cap + 32);
	ck_assert_uint_eq(g.h, (unsigned)(grid + 80));
	/* the first tile's first pixel is its minimum: black */
	ck_assert_uint_eq(g.px[3 * (48 * g.w + 32)], 0);
	free(g.px);
	ck_assert_int_eq(as_figure_runs_filters(p, fr, 0, 3, 3, 4, &err),
			 AS_ERR_INVALID);
	/* hashing: 2 queries of 4 x 4 digits with 3 neighbours each way; a
	 * neighbour with another label framed red, the others not */
	float *x = calloc(20 * 16, sizeof *x);
	uint8_t *y = malloc(20);
	for (int i = 0; i < 20; i++) {
		y[i] = (uint8_t)(i % 2);
		x[i * 16 + i % 16] = 1;
	}
	struct as_dataset *ds;
	ck_assert_int_eq(as_dataset_wrap("t", x, y, 20, 4, 4, 16, &ds, &err),
			 AS_OK);
	as_scores_clear(&sc);
	sc.have = AS_SCORE_HASH;
	sc.n_queries = 2;
	sc.hash_k = 3;
	sc.query[0] = 16;
	sc.query[1] = 17;
	uint32_t same[3] = {0, 2, 4}, other[3] = {1, 3, 5};
	for (int j = 0; j < 3; j++) {
		sc.hash_nn[0][j] = same[j];  /* label 0, like query 16 */
		sc.pixel_nn[0][j] = same[j];
		sc.hash_nn[1][j] = other[j]; /* label 1, like query 17 */
		sc.pixel_nn[1][j] = same[j]; /* wrong: label 0 */
	}
	snprintf(p, sizeof p, "%s/hashing.png", dir);
	ck_assert_int_eq(as_figure_hashing(p, &sc, ds, 0, &err), AS_OK);
	g = read_rgb(p);
	int block = 4 * 4 + 8;
	ck_assert_uint_eq(g.w, (unsigned)(16 + block * 7 + 48 + 16));
	/* three framed tiles, each frame 2 px of red around its 16 x 16 px
	 * ((16 + 4)^2 - 16^2 = 144 px), beside the caption's red text */
	size_t red = count_rgb(&g, 0xd01010);
	ck_assert_uint_gt(red, 3 * 144);
	free(g.px);
	sc.hash_nn[1][0] = sc.hash_nn[1][1] = sc.hash_nn[1][2] = 1;
	for (int j = 0; j < 3; j++)
		sc.pixel_nn[1][j] = other[j];
	ck_assert_int_eq(as_figure_hashing(p, &sc, ds, 0, &err), AS_OK);
	g = read_rgb(p);
	/* no wrong neighbour: only the caption's red is left */
	ck_assert_uint_eq(count_rgb(&g, 0xd01010), red - 3 * 144);
	free(g.px);
	as_dataset_free(ds);
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
	tcase_add_test(tc, test_png_views);
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
