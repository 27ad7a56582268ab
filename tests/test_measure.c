#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "autoscope/measure.h"
#include "autoscope/rng.h"

enum { D = 8, N = 20000 };

/* x = 5 + z diag(sd) Q with Q a random orthogonal basis (Gram-Schmidt of
 * a Gaussian matrix, rows): the covariance has eigenvalues sd^2 along the
 * rows of Q. */
static const double sd[D] = {3.0, 2.5, 2.0, 1.5, 1.0, 0.6, 0.3, 0.1};
static double q[D][D];

static float *synthetic(void)
{
	struct as_rng rng;
	as_rng_seed(&rng, 21, 0);
	for (int i = 0; i < D; i++) {
		for (int j = 0; j < D; j++)
			q[i][j] = as_rng_normal(&rng);
		for (int k = 0; k < i; k++) {
			double dot = 0;
			for (int j = 0; j < D; j++)
				dot += q[i][j] * q[k][j];
			for (int j = 0; j < D; j++)
				q[i][j] -= dot * q[k][j];
		}
		double n = 0;
		for (int j = 0; j < D; j++)
			n += q[i][j] * q[i][j];
		for (int j = 0; j < D; j++)
			q[i][j] /= sqrt(n);
	}
	float *x = malloc((size_t)N * D * sizeof *x);
	ck_assert_ptr_nonnull(x);
	for (int e = 0; e < N; e++) {
		double z[D];
		for (int i = 0; i < D; i++)
			z[i] = as_rng_normal(&rng) * sd[i];
		for (int j = 0; j < D; j++) {
			double v = 5.0; /* a mean to remove */
			for (int i = 0; i < D; i++)
				v += z[i] * q[i][j];
			x[e * D + j] = (float)v;
		}
	}
	return x;
}

static double row_dot(const float *a, const float *b, size_t d)
{
	double s = 0;
	for (size_t t = 0; t < d; t++)
		s += (double)a[t] * b[t];
	return s;
}

static void assert_orthonormal(const struct as_pca *p, size_t rows)
{
	for (size_t i = 0; i < rows; i++)
		for (size_t j = 0; j <= i; j++) {
			double g = row_dot(p->eigvec + i * p->d,
					   p->eigvec + j * p->d, p->d);
			ck_assert_msg(fabs(g - (i == j)) < 1e-5,
				      "eigvec %zu . %zu = %g", i, j, g);
		}
}

/* the contract's quantity, straight from its definition, in double */
static double pca_error_naive(const struct as_pca *p, size_t k, const float *x,
			      size_t n)
{
	size_t d = p->d;
	double total = 0, r[D], rec[D];
	for (size_t e = 0; e < n; e++) {
		for (size_t j = 0; j < d; j++) {
			r[j] = x[e * d + j] - p->mean[j];
			rec[j] = 0;
		}
		for (size_t i = 0; i < k; i++) {
			double c = 0;
			for (size_t j = 0; j < d; j++)
				c += r[j] * p->eigvec[i * d + j];
			for (size_t j = 0; j < d; j++)
				rec[j] += c * p->eigvec[i * d + j];
		}
		for (size_t j = 0; j < d; j++)
			total += 0.5 * (r[j] - rec[j]) * (r[j] - rec[j]);
	}
	return total / (double)n;
}

START_TEST(test_pca_recovers_the_spectrum)
{
	float *x = synthetic();
	struct as_pca *p;
	struct as_error err;
	ck_assert_int_eq(as_pca_fit(x, N, D, &p, &err), AS_OK);
	ck_assert_uint_eq(p->d, D);
	assert_orthonormal(p, D);
	for (int i = 0; i < D; i++) {
		/* sampling error of a variance: about sqrt(2 / N) = 1% */
		ck_assert_msg(fabs(p->eigval[i] / (sd[i] * sd[i]) - 1) < 0.05,
			      "eigenvalue %d: %g vs %g", i, p->eigval[i],
			      sd[i] * sd[i]);
		if (i > 0)
			ck_assert(p->eigval[i] <= p->eigval[i - 1]);
		ck_assert(fabs(p->mean[i] - 5.0) < 0.1);
		/* along Q (up to sign): the spectrum is well separated */
		double dot = 0;
		for (int t = 0; t < D; t++)
			dot += p->eigvec[i * D + t] * q[i][t];
		ck_assert_msg(fabs(fabs(dot) - 1) < 0.02, "direction %d: %g", i,
			      dot);
		/* the sign convention: the largest entry is positive */
		float big = 0;
		for (int t = 0; t < D; t++)
			if (fabsf(p->eigvec[i * D + t]) > fabsf(big))
				big = p->eigvec[i * D + t];
		ck_assert(big > 0);
	}
	as_pca_free(p);
	free(x);
}
END_TEST

START_TEST(test_pca_error)
{
	float *x = synthetic();
	struct as_pca *p;
	struct as_error err;
	ck_assert_int_eq(as_pca_fit(x, N, D, &p, &err), AS_OK);
	/* on the data it was fitted to, the rank-k error is half the
	 * variance left in the trailing components */
	for (size_t k = 0; k <= D; k++) {
		double tail = 0;
		for (size_t i = k; i < D; i++)
			tail += p->eigval[i];
		double e = as_pca_error(p, k, x, N);
		ck_assert_msg(fabs(e - 0.5 * tail) <=
				      1e-3 * (0.5 * tail) + 1e-5,
			      "k=%zu error %g, half tail %g", k, e, 0.5 * tail);
		/* and the definition, on new data the PCA has not seen */
		double naive = pca_error_naive(p, k, x + 1000 * D, 500);
		double got = as_pca_error(p, k, x + 1000 * D, 500);
		ck_assert_msg(fabs(got - naive) <= 1e-4 * naive + 1e-5,
			      "k=%zu: %g vs the definition %g", k, got, naive);
	}
	ck_assert(as_pca_error(p, D, x, N) < 1e-5);
	/* k beyond d is read as d */
	ck_assert(as_pca_error(p, D + 3, x, 100) == as_pca_error(p, D, x, 100));
	ck_assert(isnan(as_pca_error(NULL, 1, x, 100)));
	as_pca_free(p);
	as_pca_free(NULL);
	free(x);
}
END_TEST

START_TEST(test_pca_rejects)
{
	float x[6] = {1, 2, 3, 4, 5, 6};
	struct as_pca dummy, *p = &dummy; /* must be reset to NULL */
	struct as_error err;
	ck_assert_int_eq(as_pca_fit(x, 0, 3, &p, &err), AS_ERR_INVALID);
	ck_assert_ptr_null(p);
	ck_assert(strlen(err.msg) > 10);
	ck_assert_int_eq(as_pca_fit(x, 2, 0, &p, &err), AS_ERR_INVALID);
	ck_assert_int_eq(as_pca_fit(x, 1, 100000, &p, &err), AS_ERR_INVALID);
	x[4] = NAN;
	ck_assert_int_eq(as_pca_fit(x, 2, 3, &p, &err), AS_ERR_INVALID);
	ck_assert_ptr_null(p);
	ck_assert_msg(strstr(err.msg, "column 1") != NULL, "%s", err.msg);
	/* one example: a valid, zero covariance */
	ck_assert_int_eq(as_pca_fit(x, 1, 3, &p, &err), AS_OK);
	for (int i = 0; i < 3; i++) {
		ck_assert(p->eigval[i] == 0);
		ck_assert(p->mean[i] == x[i]);
	}
	as_pca_free(p);
}
END_TEST

START_TEST(test_principal_angles)
{
	float *x = synthetic();
	struct as_pca *p;
	struct as_error err;
	ck_assert_int_eq(as_pca_fit(x, N, D, &p, &err), AS_OK);
	const size_t k = 3;
	float a[3 * D];
	double ang[3];
	/* the components themselves */
	memcpy(a, p->eigvec, sizeof a);
	ck_assert_int_eq(as_principal_angles(a, k, D, p, ang, &err), AS_OK);
	for (size_t i = 0; i < k; i++)
		ck_assert_msg(ang[i] >= 0 && ang[i] < 1e-6, "angle %zu: %g", i,
			      ang[i]);
	/* an invertible mix of them spans the same subspace */
	for (int t = 0; t < D; t++) {
		a[0 * D + t] = p->eigvec[0 * D + t] + 2 * p->eigvec[1 * D + t];
		a[1 * D + t] = p->eigvec[1 * D + t] - p->eigvec[2 * D + t];
		a[2 * D + t] = 3 * p->eigvec[2 * D + t] - p->eigvec[t];
	}
	ck_assert_int_eq(as_principal_angles(a, k, D, p, ang, &err), AS_OK);
	for (size_t i = 0; i < k; i++)
		ck_assert_msg(ang[i] < 1e-5, "mixed angle %zu: %g", i, ang[i]);
	/* components 3..5: orthogonal to the top 3 */
	memcpy(a, p->eigvec + 3 * D, sizeof a);
	ck_assert_int_eq(as_principal_angles(a, k, D, p, ang, &err), AS_OK);
	for (size_t i = 0; i < k; i++)
		ck_assert_msg(fabs(ang[i] - M_PI / 2) < 1e-6, "angle %zu: %g",
			      i, ang[i]);
	/* a 2-D subspace: component 0 itself, and component 1 tilted by
	 * 30 degrees towards component 5 -> angles {0, pi/6} */
	for (int t = 0; t < D; t++) {
		a[t] = p->eigvec[t];
		a[D + t] = (float)(cos(M_PI / 6) * p->eigvec[D + t] +
				   sin(M_PI / 6) * p->eigvec[5 * D + t]);
	}
	ck_assert_int_eq(as_principal_angles(a, 2, D, p, ang, &err), AS_OK);
	ck_assert_msg(ang[0] < 1e-6, "%g", ang[0]);
	ck_assert_msg(fabs(ang[1] - M_PI / 6) < 1e-6, "%g", ang[1]);
	/* ascending, with the angles on either side of pi/4 */
	for (int t = 0; t < D; t++) {
		a[t] = (float)(cos(1.2) * p->eigvec[t] +
			       sin(1.2) * p->eigvec[6 * D + t]);
		a[D + t] = (float)(cos(0.3) * p->eigvec[D + t] +
				   sin(0.3) * p->eigvec[7 * D + t]);
	}
	ck_assert_int_eq(as_principal_angles(a, 2, D, p, ang, &err), AS_OK);
	ck_assert_msg(fabs(ang[0] - 0.3) < 1e-6 && fabs(ang[1] - 1.2) < 1e-6,
		      "%g %g", ang[0], ang[1]);
	as_pca_free(p);
	free(x);
}
END_TEST

/* A PCA worked by hand: the points (+-2, 0) and (0, +-1) have mean 0 and
 * covariance diag(2, 1/2), so the first component is the x axis. */
START_TEST(test_principal_angles_by_hand)
{
	const float x[8] = {2, 0, -2, 0, 0, 1, 0, -1};
	struct as_pca *p;
	struct as_error err;
	ck_assert_int_eq(as_pca_fit(x, 4, 2, &p, &err), AS_OK);
	ck_assert(fabs(p->eigval[0] - 2.0) < 1e-6);
	ck_assert(fabs(p->eigval[1] - 0.5) < 1e-6);
	ck_assert(fabs(p->eigvec[0] - 1) < 1e-6 && fabs(p->eigvec[1]) < 1e-6);
	double ang[2];
	/* any length: the row space is what counts */
	const float a30[2] = {(float)(3 * cos(M_PI / 6)),
			      (float)(3 * sin(M_PI / 6))};
	ck_assert_int_eq(as_principal_angles(a30, 1, 2, p, ang, &err), AS_OK);
	ck_assert_msg(fabs(ang[0] - M_PI / 6) < 1e-6, "%g", ang[0]);
	const float a_neg[2] = {-1, (float)-tan(M_PI / 6)};
	ck_assert_int_eq(as_principal_angles(a_neg, 1, 2, p, ang, &err), AS_OK);
	ck_assert_msg(fabs(ang[0] - M_PI / 6) < 1e-6, "%g", ang[0]);
	/* the whole plane against the whole plane */
	const float plane[4] = {1, 1, 1, -1};
	ck_assert_int_eq(as_principal_angles(plane, 2, 2, p, ang, &err), AS_OK);
	ck_assert(ang[0] < 1e-6 && ang[1] < 1e-6);
	/* 1 x 1 PCA: the angle of a line with itself */
	const float one[1] = {-4};
	struct as_pca *p1;
	ck_assert_int_eq(as_pca_fit(x, 8, 1, &p1, &err), AS_OK);
	ck_assert_int_eq(as_principal_angles(one, 1, 1, p1, ang, &err), AS_OK);
	ck_assert(ang[0] < 1e-7);
	as_pca_free(p1);
	as_pca_free(p);
}
END_TEST

START_TEST(test_principal_angles_reject)
{
	float *x = synthetic();
	struct as_pca *p;
	struct as_error err;
	ck_assert_int_eq(as_pca_fit(x, N, D, &p, &err), AS_OK);
	float a[3 * D];
	double ang[3];
	memcpy(a, p->eigvec, sizeof a);
	/* rank deficient: row 2 = row 0 + row 1 */
	for (int t = 0; t < D; t++)
		a[2 * D + t] = a[t] + a[D + t];
	ck_assert_int_eq(as_principal_angles(a, 3, D, p, ang, &err),
			 AS_ERR_INVALID);
	ck_assert_msg(strstr(err.msg, "row 2") != NULL, "%s", err.msg);
	/* a zero row */
	memset(a + D, 0, D * sizeof(float));
	ck_assert_int_eq(as_principal_angles(a, 2, D, p, ang, &err),
			 AS_ERR_INVALID);
	ck_assert_msg(strstr(err.msg, "row 1") != NULL, "%s", err.msg);
	/* shapes */
	ck_assert_int_eq(as_principal_angles(a, 0, D, p, ang, &err),
			 AS_ERR_INVALID);
	ck_assert_int_eq(as_principal_angles(a, D + 1, D, p, ang, &err),
			 AS_ERR_INVALID);
	ck_assert_int_eq(as_principal_angles(a, 1, D - 1, p, ang, &err),
			 AS_ERR_INVALID);
	a[3] = INFINITY;
	ck_assert_int_eq(as_principal_angles(a, 1, D, p, ang, &err),
			 AS_ERR_INVALID);
	as_pca_free(p);
	free(x);
}
END_TEST

START_TEST(test_probe_synthetic)
{
	const size_t n = 3000, d = 10;
	float *x = malloc(n * d * sizeof *x);
	uint8_t *y = malloc(n), *noise = malloc(n);
	struct as_rng rng;
	as_rng_seed(&rng, 2, 0);
	for (size_t e = 0; e < n; e++) {
		y[e] = (uint8_t)(e % 3);
		noise[e] = (uint8_t)as_rng_below(&rng, 3);
		for (size_t j = 0; j < d; j++)
			x[e * d + j] =
				as_rng_normal(&rng) + (j == y[e] ? 4.0f : 0.0f);
		x[e * d + 9] = 7.0f; /* a constant feature: sd 0 */
	}
	struct as_probe_opts o;
	as_probe_opts_default(&o);
	ck_assert_int_eq(o.epochs, 30);
	ck_assert(o.lr == 0.1f && o.l2 == 1e-4f);
	ck_assert_uint_eq(o.batch, 64);
	ck_assert_uint_eq(o.seed, 1);
	o.epochs = 10;
	double acc, again;
	struct as_error err;
	ck_assert_int_eq(as_probe_score(x, y, 2000, x + 2000 * d, y + 2000,
					1000, d, 3, &o, &acc, &err),
			 AS_OK);
	ck_assert_msg(acc > 0.95, "separable blobs: %g", acc);
	/* the same seed, the same answer */
	ck_assert_int_eq(as_probe_score(x, y, 2000, x + 2000 * d, y + 2000,
					1000, d, 3, &o, &again, &err),
			 AS_OK);
	ck_assert(acc == again);
	/* labels that mean nothing: chance (1/3, sd 0.015 over 1000) */
	ck_assert_int_eq(as_probe_score(x, noise, 2000, x + 2000 * d,
					noise + 2000, 1000, d, 3, &o, &acc,
					&err),
			 AS_OK);
	ck_assert_msg(acc > 0.25 && acc < 0.42, "random labels: %g", acc);
	/* a batch larger than the training set is the whole set */
	o.batch = 100000;
	o.lr = 1.0f;
	ck_assert_int_eq(as_probe_score(x, y, 50, x + 2000 * d, y + 2000, 1000,
					d, 3, &o, &acc, &err),
			 AS_OK);
	ck_assert_msg(acc > 0.9, "50 examples, one batch: %g", acc);
	free(x);
	free(y);
	free(noise);
}
END_TEST

START_TEST(test_probe_rejects)
{
	float x[4 * 2] = {0, 1, 1, 0, 0, 2, 2, 0};
	uint8_t y[4] = {0, 1, 0, 1};
	struct as_probe_opts o;
	as_probe_opts_default(&o);
	double acc = 0;
	struct as_error err;
	ck_assert_int_eq(
		as_probe_score(x, y, 2, x + 4, y + 2, 2, 2, 2, &o, &acc, &err),
		AS_OK);
	y[3] = 2; /* a held-out label beyond the classes */
	ck_assert_int_eq(
		as_probe_score(x, y, 2, x + 4, y + 2, 2, 2, 2, &o, &acc, &err),
		AS_ERR_INVALID);
	ck_assert(isnan(acc));
	ck_assert_msg(strstr(err.msg, "held-out label 1") != NULL, "%s",
		      err.msg);
	y[3] = 1;
	y[0] = 9;
	ck_assert_int_eq(
		as_probe_score(x, y, 2, x + 4, y + 2, 2, 2, 2, &o, &acc, &err),
		AS_ERR_INVALID);
	ck_assert_msg(strstr(err.msg, "training label 0") != NULL, "%s",
		      err.msg);
	y[0] = 0;
	ck_assert_int_eq(
		as_probe_score(x, y, 0, x + 4, y + 2, 2, 2, 2, &o, &acc, &err),
		AS_ERR_INVALID);
	ck_assert_int_eq(
		as_probe_score(x, y, 2, x + 4, y + 2, 0, 2, 2, &o, &acc, &err),
		AS_ERR_INVALID);
	ck_assert_int_eq(
		as_probe_score(x, y, 2, x + 4, y + 2, 2, 0, 2, &o, &acc, &err),
		AS_ERR_INVALID);
	ck_assert_int_eq(
		as_probe_score(x, y, 2, x + 4, y + 2, 2, 2, 1, &o, &acc, &err),
		AS_ERR_INVALID);
	ck_assert_int_eq(as_probe_score(x, y, 2, x + 4, y + 2, 2, 2, 257, &o,
					&acc, &err),
			 AS_ERR_INVALID);
	o.batch = 0;
	ck_assert_int_eq(
		as_probe_score(x, y, 2, x + 4, y + 2, 2, 2, 2, &o, &acc, &err),
		AS_ERR_INVALID);
	as_probe_opts_default(&o);
	o.epochs = 0;
	ck_assert_int_eq(
		as_probe_score(x, y, 2, x + 4, y + 2, 2, 2, 2, &o, &acc, &err),
		AS_ERR_INVALID);
	as_probe_opts_default(&o);
	o.lr = NAN;
	ck_assert_int_eq(
		as_probe_score(x, y, 2, x + 4, y + 2, 2, 2, 2, &o, &acc, &err),
		AS_ERR_INVALID);
	as_probe_opts_default(&o);
	o.l2 = -1;
	ck_assert_int_eq(
		as_probe_score(x, y, 2, x + 4, y + 2, 2, 2, 2, &o, &acc, &err),
		AS_ERR_INVALID);
	/* NULL options: the defaults */
	ck_assert_int_eq(as_probe_score(x, y, 2, x + 4, y + 2, 2, 2, 2, NULL,
					&acc, &err),
			 AS_OK);
}
END_TEST

/* The bundled MNIST (the 10,000 digits of its test set), read straight
 * from the gzip IDX files so this suite does not lean on src/dataset.c. */
enum { MN = 10000, MD = 784, MTRAIN = 8000 };

static unsigned be32(const unsigned char *b)
{
	return (unsigned)b[0] << 24 | (unsigned)b[1] << 16 |
	       (unsigned)b[2] << 8 | b[3];
}

static void read_gz(const char *name, unsigned char *hdr, size_t nh,
		    unsigned char *body, size_t nb)
{
	const char *dir = getenv("AUTOSCOPE_ASSETS");
	char path[4096];
	snprintf(path, sizeof path, "%s/mnist/%s", dir ? dir : AS_SOURCE_ASSETS,
		 name);
	gzFile f = gzopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(gzread(f, hdr, (unsigned)nh), (int)nh);
	ck_assert_int_eq(gzread(f, body, (unsigned)nb), (int)nb);
	gzclose(f);
}

static float *mnist_x;
static uint8_t *mnist_y;

static void mnist_load(void)
{
	unsigned char h[16];
	unsigned char *px = malloc((size_t)MN * MD);
	mnist_x = malloc((size_t)MN * MD * sizeof *mnist_x);
	mnist_y = malloc(MN);
	ck_assert(px && mnist_x && mnist_y);
	read_gz("t10k-images-idx3-ubyte.gz", h, 16, px, (size_t)MN * MD);
	ck_assert_uint_eq(be32(h), 0x803);
	ck_assert_uint_eq(be32(h + 4), MN);
	ck_assert(be32(h + 8) == 28 && be32(h + 12) == 28);
	read_gz("t10k-labels-idx1-ubyte.gz", h, 8, mnist_y, MN);
	ck_assert_uint_eq(be32(h), 0x801);
	ck_assert_uint_eq(be32(h + 4), MN);
	for (size_t i = 0; i < (size_t)MN * MD; i++)
		mnist_x[i] = px[i] / 255.0f;
	free(px);
}

static void mnist_free(void)
{
	free(mnist_x);
	free(mnist_y);
	mnist_x = NULL;
	mnist_y = NULL;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

START_TEST(test_probe_mnist_pixels)
{
	struct as_probe_opts o;
	as_probe_opts_default(&o);
	double acc;
	struct as_error err;
	mnist_load();
	double t0 = now_s();
	ck_assert_int_eq(as_probe_score(mnist_x, mnist_y, MTRAIN,
					mnist_x + (size_t)MTRAIN * MD,
					mnist_y + MTRAIN, MN - MTRAIN, MD, 10,
					&o, &acc, &err),
			 AS_OK);
	double elapsed_s = now_s() - t0;
	printf("measure: raw-pixel probe, MNIST 8000 / 2000: accuracy %.4f "
	       "in %.2f s\n",
	       acc, elapsed_s);
	/* softmax regression on raw MNIST pixels: about 0.90 */
	ck_assert_msg(acc > 0.85 && acc < 0.97, "raw pixels: %g", acc);
	mnist_free();
}
END_TEST

START_TEST(test_pca_mnist)
{
	struct as_pca *p;
	struct as_error err;
	mnist_load();
	ck_assert_int_eq(as_pca_fit(mnist_x, MTRAIN, MD, &p, &err), AS_OK);
	assert_orthonormal(p, 40);
	double total = 0;
	for (size_t i = 0; i < MD; i++) {
		ck_assert(p->eigval[i] >= 0);
		if (i)
			ck_assert(p->eigval[i] <= p->eigval[i - 1]);
		total += p->eigval[i];
	}
	/* total variance of MNIST pixels in [0,1]: about 52 */
	ck_assert_msg(total > 40 && total < 65, "total variance %g", total);
	const size_t ks[] = {0, 10, 50, 200};
	for (size_t i = 0; i < sizeof ks / sizeof *ks; i++) {
		double tail = 0;
		for (size_t j = ks[i]; j < MD; j++)
			tail += p->eigval[j];
		double e = as_pca_error(p, ks[i], mnist_x, MTRAIN);
		ck_assert_msg(fabs(e - 0.5 * tail) <= 1e-3 * 0.5 * tail,
			      "k=%zu error %g, half tail %g", ks[i], e,
			      0.5 * tail);
	}
	double ang[50];
	ck_assert_int_eq(as_principal_angles(p->eigvec, 50, MD, p, ang, &err),
			 AS_OK);
	ck_assert(ang[49] < 1e-6);
	as_pca_free(p);
	mnist_free();
}
END_TEST

/* Localisation by hand: a filter lit in one corner has all of its energy
 * in one half-size window; a flat filter has a quarter there (4x4 of 8x8). */
START_TEST(test_localisation)
{
	float w[3 * 64] = {0};
	for (int r = 0; r < 3; r++)
		for (int c = 0; c < 3; c++)
			w[r * 8 + c] = (r + c) % 2 ? 1.0f : -2.0f; /* corner */
	for (int i = 0; i < 64; i++)
		w[64 + i] = 0.5f; /* flat */
	/* third row all zero: counts as 0 */
	ck_assert(fabs(as_filter_localisation(w, 1, 8, 8, 4, 4) - 1.0) < 1e-9);
	ck_assert(fabs(as_filter_localisation(w + 64, 1, 8, 8, 4, 4) - 0.25) <
		  1e-9);
	ck_assert(fabs(as_filter_localisation(w, 3, 8, 8, 4, 4) -
		       (1.0 + 0.25 + 0) / 3) < 1e-9);
	/* a window as large as the image holds everything */
	ck_assert(fabs(as_filter_localisation(w + 64, 1, 8, 8, 8, 8) - 1.0) <
		  1e-9);
	ck_assert(isnan(as_filter_localisation(w, 1, 8, 8, 9, 4)));
	ck_assert(isnan(as_filter_localisation(w, 0, 8, 8, 4, 4)));
	/* random filters: well below 1, above the flat quarter */
	struct as_rng rng;
	as_rng_seed(&rng, 3, 0);
	float r[100 * 64];
	for (int i = 0; i < 100 * 64; i++)
		r[i] = as_rng_uniform(&rng) - 0.5f;
	double lr = as_filter_localisation(r, 100, 8, 8, 4, 4);
	ck_assert_msg(lr > 0.25 && lr < 0.45, "random filters: %g", lr);
}
END_TEST

/* Neighbours by hand: 1-D points, Euclidean and Hamming, ties low. */
START_TEST(test_knn_precision)
{
	/* database: 4 rows of 2 values; labels 0 0 1 1 */
	const float db[8] = {0, 0, 0.1f, 0, 5, 5, 5.2f, 5};
	const uint8_t ydb[4] = {0, 0, 1, 1};
	const float q[4] = {0.2f, 0, 4.9f, 5};
	const uint8_t yq[2] = {0, 1};
	double prec;
	uint32_t nn[2 * 3];
	struct as_error err;
	ck_assert_int_eq(as_knn_precision(db, ydb, 4, q, yq, 2, 2, 2, 0, &prec,
					  nn, &err),
			 AS_OK);
	ck_assert(prec == 1.0);
	ck_assert_uint_eq(nn[0], 1); /* 0.1 is nearer 0.2 than 0 */
	ck_assert_uint_eq(nn[1], 0);
	ck_assert_uint_eq(nn[2], 2);
	ck_assert_uint_eq(nn[3], 3);
	ck_assert_int_eq(as_knn_precision(db, ydb, 4, q, yq, 2, 2, 3, 0, &prec,
					  nn, &err),
			 AS_OK);
	ck_assert(fabs(prec - 4.0 / 6.0) < 1e-12);
	/* Hamming: bits are x > 0.5; rows 0 and 1 code 00, rows 2 and 3
	 * code 11: a query coded 00 ties rows 0 and 1 at 0 and goes low */
	ck_assert_int_eq(as_knn_precision(db, ydb, 4, q, yq, 2, 2, 1, 1, &prec,
					  nn, &err),
			 AS_OK);
	ck_assert(prec == 1.0);
	ck_assert_uint_eq(nn[0], 0);
	ck_assert_uint_eq(nn[1], 2);
	/* more than 64 bits: the second word counts */
	float a[2 * 100] = {0}, b[100] = {0};
	for (int i = 64; i < 100; i++)
		a[100 + i] = b[i] = 1;
	const uint8_t ya[2] = {3, 4}, yb[1] = {4};
	ck_assert_int_eq(
		as_knn_precision(a, ya, 2, b, yb, 1, 100, 1, 1, &prec, nn, &err),
		AS_OK);
	ck_assert_uint_eq(nn[0], 1);
	ck_assert_int_eq(as_knn_precision(db, ydb, 4, q, yq, 2, 2, 5, 0, &prec,
					  nn, &err),
			 AS_ERR_INVALID);
	ck_assert(isnan(prec));
	ck_assert_int_eq(as_knn_precision(db, ydb, 4, q, yq, 0, 2, 1, 0, &prec,
					  NULL, &err),
			 AS_ERR_INVALID);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("measure");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_pca_recovers_the_spectrum);
	tcase_add_test(tc, test_pca_error);
	tcase_add_test(tc, test_pca_rejects);
	tcase_add_test(tc, test_principal_angles);
	tcase_add_test(tc, test_principal_angles_by_hand);
	tcase_add_test(tc, test_principal_angles_reject);
	tcase_add_test(tc, test_probe_synthetic);
	tcase_add_test(tc, test_probe_rejects);
	tcase_add_test(tc, test_localisation);
	tcase_add_test(tc, test_knn_precision);
	suite_add_tcase(s, tc);
	TCase *mn = tcase_create("mnist");
	tcase_set_timeout(mn, 300);
	tcase_add_test(mn, test_probe_mnist_pixels);
	tcase_add_test(mn, test_pca_mnist);
	suite_add_tcase(s, mn);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
