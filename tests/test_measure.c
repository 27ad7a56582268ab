#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/dataset.h"
#include "autoscope/measure.h"
#include "autoscope/rng.h"

enum { D = 8, N = 20000 };

/* x = z diag(sd) Q^T with Q a random orthogonal basis (Gram-Schmidt of
 * a Gaussian matrix): the covariance has eigenvalues sd^2 along Q. */
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

START_TEST(test_pca_recovers_the_spectrum)
{
	float *x = synthetic();
	struct as_pca *p;
	struct as_error err;
	ck_assert_int_eq(as_pca_fit(x, N, D, &p, &err), AS_OK);
	for (int i = 0; i < D; i++) {
		/* sampling error of a variance: about sqrt(2 / N) = 1% */
		ck_assert_msg(fabs(p->eigval[i] / (sd[i] * sd[i]) - 1) < 0.05,
			      "eigenvalue %d: %g vs %g", i, p->eigval[i],
			      sd[i] * sd[i]);
		ck_assert(fabs(p->mean[i] - 5.0) < 0.1);
		for (int j = 0; j < D; j++) { /* orthonormal rows */
			double dot = 0;
			for (int t = 0; t < D; t++)
				dot += (double)p->eigvec[i * D + t] *
				       p->eigvec[j * D + t];
			ck_assert(fabs(dot - (i == j)) < 1e-4);
		}
		/* and along Q (up to sign) for the well separated ones */
		double dot = 0;
		for (int t = 0; t < D; t++)
			dot += p->eigvec[i * D + t] * q[i][t];
		ck_assert_msg(fabs(fabs(dot) - 1) < 0.02, "direction %d: %g", i,
			      dot);
	}
	/* the rank-k error on the fitted data is half the trailing variance */
	for (size_t k = 0; k <= D; k++) {
		double tail = 0;
		for (size_t i = k; i < D; i++)
			tail += p->eigval[i];
		double e = as_pca_error(p, k, x, N);
		ck_assert_msg(fabs(e - 0.5 * tail) <=
				      1e-3 * (0.5 * tail) + 1e-4,
			      "k=%zu error %g, half tail %g", k, e, 0.5 * tail);
	}
	as_pca_free(p);
	free(x);
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
		ck_assert(ang[i] < 1e-3);
	/* an invertible mix of them spans the same subspace */
	for (int t = 0; t < D; t++) {
		a[0 * D + t] = p->eigvec[0 * D + t] + 2 * p->eigvec[1 * D + t];
		a[1 * D + t] = p->eigvec[1 * D + t] - p->eigvec[2 * D + t];
		a[2 * D + t] = 3 * p->eigvec[2 * D + t];
	}
	ck_assert_int_eq(as_principal_angles(a, k, D, p, ang, &err), AS_OK);
	for (size_t i = 0; i < k; i++)
		ck_assert(ang[i] < 1e-3);
	/* components 3..5: orthogonal to the top 3 */
	memcpy(a, p->eigvec + 3 * D, sizeof a);
	ck_assert_int_eq(as_principal_angles(a, k, D, p, ang, &err), AS_OK);
	for (size_t i = 0; i < k; i++)
		ck_assert(fabs(ang[i] - M_PI / 2) < 1e-3);
	/* one vector at 30 degrees from the first component */
	for (int t = 0; t < D; t++)
		a[t] = (float)(cos(M_PI / 6) * p->eigvec[t] +
			       sin(M_PI / 6) * p->eigvec[5 * D + t]);
	ck_assert_int_eq(as_principal_angles(a, 1, D, p, ang, &err), AS_OK);
	ck_assert(fabs(ang[0] - M_PI / 6) < 1e-4);
	/* rank deficient */
	memcpy(a + D, a, D * sizeof(float));
	ck_assert_int_eq(as_principal_angles(a, 2, D, p, ang, &err),
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
	}
	struct as_probe_opts o;
	as_probe_opts_default(&o);
	o.epochs = 10;
	double acc;
	struct as_error err;
	ck_assert_int_eq(as_probe_score(x, y, 2000, x + 2000 * d, y + 2000,
					1000, d, 3, &o, &acc, &err),
			 AS_OK);
	ck_assert_msg(acc > 0.95, "separable blobs: %g", acc);
	/* labels that mean nothing: chance */
	ck_assert_int_eq(as_probe_score(x, noise, 2000, x + 2000 * d,
					noise + 2000, 1000, d, 3, &o, &acc,
					&err),
			 AS_OK);
	ck_assert_msg(acc < 0.42, "random labels: %g", acc);
	y[5] = 7;
	ck_assert_int_eq(as_probe_score(x, y, 2000, x + 2000 * d, y + 2000,
					1000, d, 3, &o, &acc, &err),
			 AS_ERR_INVALID);
	free(x);
	free(y);
	free(noise);
}
END_TEST

START_TEST(test_probe_mnist_pixels)
{
	struct as_data_opts o;
	as_data_opts_default(&o);
	struct as_dataset *ds;
	struct as_error err;
	ck_assert_int_eq(as_dataset_load("mnist", &o, &ds, &err), AS_OK);
	struct as_probe_opts po;
	as_probe_opts_default(&po);
	double acc;
	size_t ntr = ds->n_train;
	ck_assert_int_eq(as_probe_score(ds->x, ds->labels, ntr,
					ds->x + ntr * ds->d, ds->labels + ntr,
					ds->n - ntr, ds->d, 10, &po, &acc,
					&err),
			 AS_OK);
	/* softmax regression on raw MNIST pixels: about 0.90 */
	ck_assert_msg(acc > 0.87 && acc < 0.94, "raw pixels: %g", acc);
	as_dataset_free(ds);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("measure");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_pca_recovers_the_spectrum);
	tcase_add_test(tc, test_principal_angles);
	tcase_add_test(tc, test_probe_synthetic);
	tcase_add_test(tc, test_probe_mnist_pixels);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
