#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "autoscope/dataset.h"

static char dir[] = "/tmp/as_dataset_XXXXXX";

static void be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Writes an IDX file (gzip if gz): images n x 3 x 2 or labels n. */
static void write_idx(const char *name, int labels, uint32_t n, size_t cut,
		      int gz)
{
	unsigned char b[4096];
	size_t len;
	b[0] = b[1] = 0;
	b[2] = 0x08;
	if (labels) {
		b[3] = 1;
		be32(b + 4, n);
		for (uint32_t i = 0; i < n; i++)
			b[8 + i] = (unsigned char)(i % 10);
		len = 8 + n;
	} else {
		b[3] = 3;
		be32(b + 4, n);
		be32(b + 8, 3);
		be32(b + 12, 2);
		for (uint32_t i = 0; i < n * 6; i++)
			b[16 + i] = (unsigned char)(i * 7 % 256);
		len = 16 + n * 6;
	}
	len -= cut;
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (gz) {
		gzFile f = gzopen(path, "wb");
		ck_assert_ptr_nonnull(f);
		ck_assert_int_eq(gzwrite(f, b, (unsigned)len), (int)len);
		gzclose(f);
	} else {
		FILE *f = fopen(path, "wb");
		ck_assert_ptr_nonnull(f);
		fwrite(b, 1, len, f);
		fclose(f);
	}
}

static enum as_status load(const char *name, struct as_dataset **ds,
			   struct as_error *err)
{
	char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	struct as_data_opts o;
	as_data_opts_default(&o);
	return as_dataset_load(path, &o, ds, err);
}

START_TEST(test_embedded_mnist)
{
	struct as_data_opts o;
	as_data_opts_default(&o);
	struct as_dataset *a, *b;
	struct as_error err;
	ck_assert_int_eq(as_dataset_load("mnist", &o, &a, &err), AS_OK);
	ck_assert_uint_eq(a->n, 10000);
	ck_assert_uint_eq(a->d, 784);
	ck_assert_uint_eq(a->rows, 28);
	ck_assert_uint_eq(a->n_train, 8000);
	ck_assert_int_eq(a->n_classes, 10);
	ck_assert(a->min == 0.0f && a->max == 1.0f);
	size_t counts[10] = {0};
	for (size_t i = 0; i < a->n; i++)
		counts[a->labels[i]]++;
	for (int k = 0; k < 10; k++) /* every digit, about 1,000 each */
		ck_assert(counts[k] > 800 && counts[k] < 1200);
	/* the split is the same on every load */
	ck_assert_int_eq(as_dataset_load("mnist", &o, &b, &err), AS_OK);
	ck_assert(memcmp(a->x, b->x, a->n * a->d * sizeof(float)) == 0);
	ck_assert(memcmp(a->labels, b->labels, a->n) == 0);
	as_dataset_free(a);
	as_dataset_free(b);
}
END_TEST

/* :digits= keeps the labels asked for and splits them as a set of its
 * own; :shift= follows each example with its shifted copies, zeros
 * shifted in, on the same side of the split */
START_TEST(test_digits_and_shifts)
{
	struct as_data_opts o;
	as_data_opts_default(&o);
	struct as_dataset *a, *b;
	struct as_error err;
	ck_assert_int_eq(as_dataset_load("mnist:digits=4,9", &o, &a, &err),
			 AS_OK);
	ck_assert_uint_eq(a->n, 982 + 1009); /* the test set's 4s and 9s */
	ck_assert_uint_eq(a->n_train, a->n - (size_t)llround(0.2 * a->n));
	ck_assert_uint_eq(a->copies, 1);
	for (size_t i = 0; i < a->n; i++)
		ck_assert(a->labels[i] == 4 || a->labels[i] == 9);
	ck_assert_int_eq(as_dataset_load("mnist:shift=-3,6:digits=9,4", &o, &b,
					 &err),
			 AS_OK);
	ck_assert_str_eq(b->name, "mnist:shift=-3,6:digits=9,4");
	ck_assert_uint_eq(b->copies, 3);
	ck_assert_uint_eq(b->n, 3 * a->n);
	ck_assert_uint_eq(b->n_train, 3 * a->n_train);
	ck_assert_int_eq(b->shift_px[1], -3);
	ck_assert_int_eq(b->shift_px[2], 6);
	for (size_t i = 0; i < a->n; i++) {
		const float *src = a->x + i * 784;
		ck_assert(memcmp(b->x + 3 * i * 784, src, 784 * sizeof(float)) ==
			  0);
		for (int c = 1; c < 3; c++) {
			const float *cp = b->x + (3 * i + (size_t)c) * 784;
			int sh = b->shift_px[c];
			ck_assert_int_eq(b->labels[3 * i + (size_t)c],
					 a->labels[i]);
			for (int r = 0; r < 28; r++)
				for (int k = 0; k < 28; k++) {
					int from = k - sh;
					float want = from >= 0 && from < 28
							     ? src[r * 28 + from]
							     : 0.0f;
					ck_assert(cp[r * 28 + k] == want);
				}
		}
	}
	as_dataset_free(a);
	as_dataset_free(b);
	const char *bad[] = {"mnist:digits=", "mnist:digits=4,x",
			     "mnist:shift=0", "mnist:shift=30",
			     "mnist:digits=4:digits=5",
			     "mnist:shift=1,2,3,4,5,6,7,8,9", "mnist:digits=4;9"};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		ck_assert_msg(as_dataset_load(bad[i], &o, &a, &err) ==
				      AS_ERR_INVALID,
			      "%s accepted", bad[i]);
		ck_assert(a == NULL && strchr(err.msg, '\n') == NULL);
	}
}
END_TEST

START_TEST(test_idx_gzip_with_labels_beside)
{
	write_idx("toy-images-idx3-ubyte.gz", 0, 20, 0, 1);
	write_idx("toy-labels-idx1-ubyte.gz", 1, 20, 0, 1);
	struct as_dataset *ds;
	struct as_error err;
	ck_assert_int_eq(load("toy-images-idx3-ubyte.gz", &ds, &err), AS_OK);
	ck_assert_uint_eq(ds->n, 20);
	ck_assert_uint_eq(ds->rows, 3);
	ck_assert_uint_eq(ds->cols, 2);
	ck_assert_uint_eq(ds->n_train, 16);
	ck_assert_ptr_nonnull(ds->labels);
	/* each example keeps its own label through the shuffle: label i%10
	 * belongs to the example whose first pixel is (6i*7)%256/255 */
	for (size_t e = 0; e < ds->n; e++) {
		int found = 0;
		for (uint32_t i = 0; i < 20; i++) {
			float want = (float)(i * 6 * 7 % 256) / 255.0f;
			if (fabsf(ds->x[e * 6] - want) < 1e-6f &&
			    ds->labels[e] == i % 10)
				found = 1;
		}
		ck_assert(found);
	}
	as_dataset_free(ds);
}
END_TEST

START_TEST(test_label_count_mismatch)
{
	write_idx("bad-images-idx3-ubyte", 0, 20, 0, 0);
	write_idx("bad-labels-idx1-ubyte", 1, 19, 0, 0);
	struct as_dataset *ds = (struct as_dataset *)1;
	struct as_error err;
	ck_assert_int_eq(load("bad-images-idx3-ubyte", &ds, &err),
			 AS_ERR_FORMAT);
	ck_assert_ptr_null(ds);
	ck_assert(strstr(err.msg, "19 labels") != NULL);
	ck_assert(strstr(err.msg, "20 images") != NULL);
}
END_TEST

START_TEST(test_truncated_gzip)
{
	write_idx("cut-images-idx3-ubyte.gz", 0, 20, 5, 1);
	struct as_dataset *ds;
	struct as_error err;
	ck_assert_int_eq(load("cut-images-idx3-ubyte.gz", &ds, &err),
			 AS_ERR_FORMAT);
	ck_assert(strstr(err.msg, "truncated") != NULL);
	/* a gzip stream cut in the middle */
	char path[256], cut[700];
	snprintf(path, sizeof path, "%s/toy-images-idx3-ubyte.gz", dir);
	write_idx("toy-images-idx3-ubyte.gz", 0, 20, 0, 1);
	snprintf(cut, sizeof cut, "head -c 30 %s > %s/half-images-idx3.gz",
		 path, dir);
	ck_assert_int_eq(system(cut), 0);
	ck_assert_int_ne(load("half-images-idx3.gz", &ds, &err), AS_OK);
	ck_assert(strstr(err.msg, "half-images-idx3.gz") != NULL);
}
END_TEST

START_TEST(test_missing_file)
{
	struct as_dataset *ds;
	struct as_error err;
	ck_assert_int_eq(load("nothing-here.idx", &ds, &err), AS_ERR_IO);
	ck_assert(strstr(err.msg, "nothing-here.idx") != NULL);
	struct as_data_opts o;
	as_data_opts_default(&o);
	ck_assert_int_ne(as_dataset_load("", &o, &ds, &err), AS_OK);
	ck_assert_int_ne(as_dataset_load("patches:", &o, &ds, &err), AS_OK);
	ck_assert_int_eq(as_dataset_load("patches:nope.png", &o, &ds, &err),
			 AS_ERR_IO);
	ck_assert(strstr(err.msg, "nope.png") != NULL);
}
END_TEST

START_TEST(test_patches_from_assets)
{
	struct as_data_opts o;
	as_data_opts_default(&o);
	o.n_patches = 2000;
	o.whiten = AS_WHITEN_NONE;
	char spec[256];
	const char *dir_a = as_assets_dir();
	ck_assert_ptr_nonnull(dir_a);
	char cmd[512];
	snprintf(cmd, sizeof cmd,
		 "ls %s/images/*.png | head -1 | xargs -n1 "
		 "basename > %s/first",
		 dir_a, dir);
	ck_assert_int_eq(system(cmd), 0);
	char name[200] = "", path[256];
	snprintf(path, sizeof path, "%s/first", dir);
	FILE *f = fopen(path, "r");
	ck_assert(fgets(name, sizeof name, f) != NULL);
	fclose(f);
	name[strcspn(name, "\n")] = 0;
	snprintf(spec, sizeof spec, "patches:%s", name);
	struct as_dataset *ds;
	struct as_error err;
	ck_assert_msg(as_dataset_load(spec, &o, &ds, &err) == AS_OK, "%s",
		      err.msg);
	ck_assert_uint_eq(ds->n, 2000);
	ck_assert_uint_eq(ds->d, 64);
	ck_assert_uint_eq(ds->n_train, 1600);
	ck_assert_ptr_null(ds->labels);
	for (size_t i = 0; i < 20; i++) { /* mean removed */
		double m = 0;
		for (size_t j = 0; j < 64; j++)
			m += ds->x[i * 64 + j];
		ck_assert(fabs(m / 64) < 1e-5);
	}
	as_dataset_free(ds);
}
END_TEST

int main(void)
{
	if (!mkdtemp(dir))
		return EXIT_FAILURE;
	Suite *s = suite_create("dataset");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_embedded_mnist);
	tcase_add_test(tc, test_digits_and_shifts);
	tcase_add_test(tc, test_idx_gzip_with_labels_beside);
	tcase_add_test(tc, test_patches_from_assets);
	suite_add_tcase(s, tc);
	TCase *bad = tcase_create("malformed");
	tcase_add_test(bad, test_label_count_mismatch);
	tcase_add_test(bad, test_truncated_gzip);
	tcase_add_test(bad, test_missing_file);
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
