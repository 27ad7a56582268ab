#include <check.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "autoscope/dataset.h"
#include "autoscope/patches.h"

static char dir[] = "/tmp/as_patches_XXXXXX";

/* Writes a w x h PNG of the given type and depth; pixel (x, y) gets
 * sample values from fill(). */
static void write_png(const char *path, int w, int h, int type, int depth,
		      unsigned (*fill)(int x, int y, int ch))
{
	FILE *f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL,
						  NULL, NULL);
	png_infop info = png_create_info_struct(png);
	png_init_io(png, f);
	png_set_IHDR(png, info, (png_uint_32)w, (png_uint_32)h, depth, type,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
		     PNG_FILTER_TYPE_DEFAULT);
	if (type == PNG_COLOR_TYPE_PALETTE) {
		png_color pal[2] = {{0, 0, 0}, {0, 0, 255}};
		png_set_PLTE(png, info, pal, 2);
	}
	png_write_info(png, info);
	int ch = type == PNG_COLOR_TYPE_RGB	     ? 3
		 : type == PNG_COLOR_TYPE_RGB_ALPHA  ? 4
		 : type == PNG_COLOR_TYPE_GRAY_ALPHA ? 2
						     : 1;
	unsigned char *row = calloc((size_t)w * ch * 2, 1);
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++)
			for (int c = 0; c < ch; c++) {
				unsigned v = fill(x, y, c);
				size_t at = (size_t)x * ch + c;
				if (depth == 16) {
					row[2 * at] = (unsigned char)(v >> 8);
					row[2 * at + 1] = (unsigned char)v;
				} else {
					row[at] = (unsigned char)v;
				}
			}
		png_write_row(png, row);
	}
	png_write_end(png, info);
	png_destroy_write_struct(&png, &info);
	free(row);
	fclose(f);
}

static unsigned ramp8(int x, int y, int c)
{
	(void)c;
	return (unsigned)(x * 16 + y) & 255;
}

static unsigned full16(int x, int y, int c)
{
	(void)c;
	return x == 0 && y == 0 ? 65535u : 0u;
}

static unsigned red(int x, int y, int c)
{
	(void)x;
	(void)y;
	return c == 0 ? 255 : c == 3 ? 10 : 0; /* alpha 10 is ignored */
}

static unsigned index1(int x, int y, int c)
{
	(void)c;
	(void)y;
	return (unsigned)(x & 1);
}

static unsigned gray_alpha(int x, int y, int c)
{
	(void)x;
	(void)y;
	return c == 0 ? 51 : 0;
}

static struct as_image load(const char *name)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	struct as_image img;
	struct as_error err;
	ck_assert_msg(as_png_load_gray(path, &img, &err) == AS_OK, "%s",
		      err.msg);
	return img;
}

START_TEST(test_formats)
{
	char p[256];
	snprintf(p, sizeof p, "%s/g8.png", dir);
	write_png(p, 16, 12, PNG_COLOR_TYPE_GRAY, 8, ramp8);
	struct as_image im = load("g8.png");
	ck_assert_uint_eq(im.width, 16);
	ck_assert_uint_eq(im.height, 12);
	ck_assert_float_eq_tol(im.px[3 * 16 + 5], (5 * 16 + 3) / 255.0f, 1e-6);
	as_image_free(&im);

	snprintf(p, sizeof p, "%s/g16.png", dir);
	write_png(p, 9, 9, PNG_COLOR_TYPE_GRAY, 16, full16);
	im = load("g16.png");
	ck_assert_float_eq(im.px[0], 1.0f);
	ck_assert_float_eq(im.px[1], 0.0f);
	as_image_free(&im);

	snprintf(p, sizeof p, "%s/rgba.png", dir);
	write_png(p, 9, 9, PNG_COLOR_TYPE_RGB_ALPHA, 8, red);
	im = load("rgba.png");
	ck_assert_float_eq_tol(im.px[40], 0.299f, 1e-5);
	as_image_free(&im);

	snprintf(p, sizeof p, "%s/pal.png", dir);
	write_png(p, 9, 9, PNG_COLOR_TYPE_PALETTE, 8, index1);
	im = load("pal.png");
	ck_assert_float_eq_tol(im.px[0], 0.0f, 1e-6);
	ck_assert_float_eq_tol(im.px[1], 0.114f, 1e-5); /* pure blue */
	as_image_free(&im);

	snprintf(p, sizeof p, "%s/ga.png", dir);
	write_png(p, 9, 9, PNG_COLOR_TYPE_GRAY_ALPHA, 8, gray_alpha);
	im = load("ga.png");
	ck_assert_float_eq_tol(im.px[7], 0.2f, 1e-6);
	as_image_free(&im);
}
END_TEST

START_TEST(test_not_png_and_too_small)
{
	char p[256];
	snprintf(p, sizeof p, "%s/fake.png", dir);
	FILE *f = fopen(p, "w");
	fputs("GIF89a, not a PNG at all", f);
	fclose(f);
	struct as_image im;
	struct as_error err;
	ck_assert_int_eq(as_png_load_gray(p, &im, &err), AS_ERR_FORMAT);
	ck_assert(strstr(err.msg, "not a PNG file") != NULL);
	ck_assert(strstr(err.msg, "fake.png") != NULL);
	/* a PNG cut short */
	snprintf(p, sizeof p, "%s/cut.png", dir);
	write_png(p, 64, 64, PNG_COLOR_TYPE_GRAY, 8, ramp8);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "truncate -s 60 %s", p);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(as_png_load_gray(p, &im, &err), AS_ERR_FORMAT);
	ck_assert(strstr(err.msg, "cut.png") != NULL);
	/* smaller than the patch size */
	snprintf(p, sizeof p, "%s/tiny.png", dir);
	write_png(p, 5, 5, PNG_COLOR_TYPE_GRAY, 8, ramp8);
	struct as_data_opts o;
	as_data_opts_default(&o);
	struct as_dataset *ds;
	char spec[300];
	snprintf(spec, sizeof spec, "patches:%s", p);
	ck_assert_int_eq(as_dataset_load(spec, &o, &ds, &err), AS_ERR_INVALID);
	ck_assert(strstr(err.msg, "smaller than the 8 x 8 patch size"));
	ck_assert(strstr(err.msg, "tiny.png"));
}
END_TEST

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "%s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	long n = ftell(f);
	ck_assert_int_gt(n, 0);
	rewind(f);
	unsigned char *b = malloc((size_t)n);
	ck_assert_uint_eq(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* Decoding from memory gives what the file loader gives, for real
 * photographs (gray and RGB); any cut of the buffer is an error. */
START_TEST(test_decode_memory)
{
	const char *assets = as_assets_dir();
	ck_assert_ptr_nonnull(assets);
	const char *names[] = {"camera.png", "chelsea.png"};
	for (size_t i = 0; i < 2; i++) {
		char path[4200];
		snprintf(path, sizeof path, "%s/images/%s", assets, names[i]);
		size_t len;
		unsigned char *buf = slurp(path, &len);
		struct as_image a, b;
		struct as_error err;
		ck_assert_msg(as_png_load_gray(path, &a, &err) == AS_OK, "%s",
			      err.msg);
		ck_assert_msg(as_png_decode_gray(buf, len, names[i], &b,
						 &err) == AS_OK,
			      "%s", err.msg);
		ck_assert_uint_eq(a.width, b.width);
		ck_assert_uint_eq(a.height, b.height);
		ck_assert_int_eq(
			memcmp(a.px, b.px, a.width * a.height * sizeof(float)),
			0);
		as_image_free(&a);
		as_image_free(&b);
		size_t cuts[] = {0, 7, 8, 33, len / 2, len - 13, len - 1};
		for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
			ck_assert_int_eq(as_png_decode_gray(buf, cuts[c], "cut",
							    &b, &err),
					 AS_ERR_FORMAT);
			ck_assert_ptr_null(b.px);
			ck_assert(strstr(err.msg, "cut") != NULL);
		}
		free(buf);
	}
}
END_TEST

/* A chunk with its length and CRC: 4 + 4 + n + 4 bytes at p. */
static size_t put_chunk(unsigned char *p, const char *type,
			const unsigned char *data, size_t n)
{
	p[0] = (unsigned char)(n >> 24);
	p[1] = (unsigned char)(n >> 16);
	p[2] = (unsigned char)(n >> 8);
	p[3] = (unsigned char)n;
	memcpy(p + 4, type, 4);
	if (n)
		memcpy(p + 8, data, n);
	uLong crc = crc32(0L, p + 4, (uInt)(n + 4));
	for (int i = 0; i < 4; i++)
		p[8 + n + i] = (unsigned char)(crc >> (24 - 8 * i));
	return 12 + n;
}

/* A gray 8-bit PNG that declares w x h and carries idat_len bytes of
 * (not even valid) image data. */
static size_t fake_png(unsigned char *p, unsigned w, unsigned h,
		       size_t idat_len)
{
	memcpy(p, "\x89PNG\r\n\x1a\n", 8);
	size_t n = 8;
	unsigned char ihdr[13] = {0}; /* 8-bit gray, not interlaced */
	for (int i = 0; i < 4; i++) {
		ihdr[i] = (unsigned char)(w >> (24 - 8 * i));
		ihdr[4 + i] = (unsigned char)(h >> (24 - 8 * i));
	}
	ihdr[8] = 8;
	n += put_chunk(p + n, "IHDR", ihdr, 13);
	unsigned char *idat = calloc(idat_len ? idat_len : 1, 1);
	n += put_chunk(p + n, "IDAT", idat, idat_len);
	free(idat);
	n += put_chunk(p + n, "IEND", NULL, 0);
	return n;
}

/* Sizes a file cannot back are refused before the pixels are allocated:
 * 20000 x 20000 from 57 bytes, and more than 2^25 pixels even when the
 * file could hold them. */
START_TEST(test_declared_size)
{
	static unsigned char b[64 << 10];
	struct as_image im;
	struct as_error err;
	size_t n = fake_png(b, 20000, 20000, 0);
	ck_assert_int_eq(as_png_decode_gray(b, n, "huge", &im, &err),
			 AS_ERR_FORMAT);
	ck_assert_msg(strstr(err.msg, "cannot come from a") != NULL, "%s",
		      err.msg);
	ck_assert_ptr_null(im.px);
	n = fake_png(b, 20001, 2, 0);
	ck_assert_int_eq(as_png_decode_gray(b, n, "wide", &im, &err),
			 AS_ERR_FORMAT);
	n = fake_png(b, 6000, 6000, 40000); /* 36 M pixels, 40 kB of data */
	ck_assert_int_eq(as_png_decode_gray(b, n, "big", &im, &err),
			 AS_ERR_FORMAT);
	ck_assert_msg(strstr(err.msg, "more than 33554432 pixels") != NULL,
		      "%s", err.msg);
	/* within both limits: refused by libpng for its bad data instead */
	n = fake_png(b, 4000, 4000, 20000);
	ck_assert_int_eq(as_png_decode_gray(b, n, "zeros", &im, &err),
			 AS_ERR_FORMAT);
	ck_assert(strstr(err.msg, "cannot come from") == NULL);
	ck_assert(strstr(err.msg, "pixels") == NULL);
}
END_TEST

/* ZCA: the covariance of whitened data is U diag(l / (l + eps)) U^T, so
 * with eps far below the variances it is close to the identity. */
START_TEST(test_whitening)
{
	const size_t n = 20000, d = 16;
	float *x = malloc(n * d * sizeof *x);
	struct as_rng rng;
	as_rng_seed(&rng, 4, 0);
	for (size_t i = 0; i < n; i++) {
		float z[16];
		for (size_t j = 0; j < d; j++)
			z[j] = as_rng_normal(&rng);
		for (size_t j = 0; j < d; j++) /* correlated neighbours */
			x[i * d + j] =
				z[j] + 0.8f * z[(j + 1) % d] + (float)j * 0.1f;
	}
	struct as_error err;
	for (int mode = AS_WHITEN_PCA; mode <= AS_WHITEN_ZCA; mode++) {
		float *y = malloc(n * d * sizeof *y);
		memcpy(y, x, n * d * sizeof *y);
		ck_assert_int_eq(as_patches_whiten(y, n, d, mode, 1e-4f, &err),
				 AS_OK);
		for (size_t a = 0; a < d; a++)
			for (size_t b = 0; b < d; b++) {
				double s = 0;
				for (size_t i = 0; i < n; i++)
					s += (double)y[i * d + a] *
					     y[i * d + b];
				s /= (double)n;
				ck_assert_msg(fabs(s - (a == b)) < 0.01,
					      "mode %d cov[%zu][%zu] = %g",
					      mode, a, b, s);
			}
		free(y);
	}
	free(x);
}
END_TEST

START_TEST(test_sample_and_mean)
{
	struct as_image im = {10, 9, calloc(90, sizeof(float))};
	for (int i = 0; i < 90; i++)
		im.px[i] = (float)i / 90.0f;
	struct as_rng rng;
	as_rng_seed(&rng, 1, 0);
	float out[50 * 16];
	struct as_error err;
	ck_assert_int_eq(as_patches_sample(&im, 1, 4, 50, &rng, out, &err),
			 AS_OK);
	for (int p = 0; p < 50; p++) {
		/* a patch of a ramp: right neighbour +1/90, below +10/90 */
		float *q = out + p * 16;
		ck_assert_float_eq_tol(q[1] - q[0], 1 / 90.0f, 1e-6);
		ck_assert_float_eq_tol(q[4] - q[0], 10 / 90.0f, 1e-6);
	}
	as_patches_remove_mean(out, 50, 16);
	double m = 0;
	for (int j = 0; j < 16; j++)
		m += out[j];
	ck_assert(fabs(m) < 1e-5);
	ck_assert_int_eq(as_patches_sample(&im, 1, 12, 5, &rng, out, &err),
			 AS_ERR_INVALID);
	as_image_free(&im);
}
END_TEST

/* Random damage to a valid PNG: every load either fails with a message
 * naming the file (libpng's error path: nothing leaks, ASan would say)
 * or returns an image of the right size with values in [0, 1]. */
START_TEST(test_random_damage)
{
	char p[256], q[256];
	snprintf(p, sizeof p, "%s/good.png", dir);
	snprintf(q, sizeof q, "%s/damaged.png", dir);
	write_png(p, 40, 30, PNG_COLOR_TYPE_RGB, 8, red);
	FILE *f = fopen(p, "rb");
	unsigned char orig[8192];
	size_t len = fread(orig, 1, sizeof orig, f);
	fclose(f);
	ck_assert_uint_lt(len, sizeof orig);
	struct as_rng rng;
	as_rng_seed(&rng, 13, 0);
	int failed = 0;
	for (int trial = 0; trial < 300; trial++) {
		unsigned char b[8192];
		memcpy(b, orig, len);
		size_t n = len;
		int hits = 1 + (int)as_rng_below(&rng, 4);
		for (int h = 0; h < hits; h++)
			b[8 + as_rng_below(&rng, (uint32_t)(len - 8))] =
				(unsigned char)as_rng_below(&rng, 256);
		if (as_rng_below(&rng, 3) == 0)
			n = 8 + as_rng_below(&rng, (uint32_t)(len - 8));
		f = fopen(q, "wb");
		fwrite(b, 1, n, f);
		fclose(f);
		struct as_image im;
		struct as_error err = {0};
		if (as_png_load_gray(q, &im, &err) == AS_OK) {
			ck_assert(im.width == 40 && im.height == 30);
			for (size_t i = 0; i < 40 * 30; i++)
				ck_assert(im.px[i] >= 0.0f && im.px[i] <= 1.0f);
			as_image_free(&im);
		} else {
			ck_assert(strstr(err.msg, "damaged.png") != NULL);
			failed++;
		}
	}
	ck_assert_int_gt(failed, 200);
}
END_TEST

int main(void)
{
	if (!mkdtemp(dir))
		return EXIT_FAILURE;
	Suite *s = suite_create("patches");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_formats);
	tcase_add_test(tc, test_sample_and_mean);
	tcase_add_test(tc, test_whitening);
	suite_add_tcase(s, tc);
	TCase *bad = tcase_create("malformed");
	tcase_add_test(bad, test_not_png_and_too_small);
	tcase_add_test(bad, test_random_damage);
	tcase_add_test(bad, test_decode_memory);
	tcase_add_test(bad, test_declared_size);
	suite_add_tcase(s, bad);
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
