/* measure: scores that put a model next to a baseline.
 *
 * Owns: the PCA baseline (the best rank-k affine reconstruction; a linear
 * autoencoder with squared error spans the same subspace: Baldi & Hornik
 * 1989), principal angles between a learned subspace and the top-k
 * principal components, and the linear probe (multinomial logistic
 * regression trained on codes of the training part, scored on held-out).
 * Threading: none shared; these run on the caller's thread. */
#ifndef AUTOSCOPE_MEASURE_H
#define AUTOSCOPE_MEASURE_H

#include <stddef.h>
#include <stdint.h>

#include "autoscope/error.h"

struct as_pca {
	size_t d;
	double *mean;	/* d */
	double *eigval; /* d, descending: variances along the components */
	float *eigvec;	/* d x d, row i = i-th principal direction (unit) */
};

/* Eigen-decomposition (LAPACK dsyev, double) of the covariance of x (n x d). */
enum as_status as_pca_fit(const float *x, size_t n, size_t d,
			  struct as_pca **out, struct as_error *err);
void as_pca_free(struct as_pca *p);

/* Mean over the n rows of x of 1/2 ||x - mean - P_k P_k^T (x - mean)||^2,
 * the same units as the autoencoder's squared-error loss. */
double as_pca_error(const struct as_pca *p, size_t k, const float *x, size_t n);

/* Principal angles (radians, ascending) between the row space of a
 * (k x d, need not be orthonormal) and the span of the top-k components. */
enum as_status as_principal_angles(const float *a, size_t k, size_t d,
				   const struct as_pca *p, double *angles,
				   struct as_error *err);

struct as_probe_opts {
	int epochs;    /* default 30 */
	float lr;      /* default 0.1 */
	float l2;      /* default 1e-4 */
	size_t batch;  /* default 64 */
	uint64_t seed; /* default 1 */
};

void as_probe_opts_default(struct as_probe_opts *o);

/* Trains softmax regression on (xtr, ytr), returns accuracy on (xte, yte).
 * Features are standardised with the training mean and std. */
enum as_status as_probe_score(const float *xtr, const uint8_t *ytr, size_t ntr,
			      const float *xte, const uint8_t *yte, size_t nte,
			      size_t d, int n_classes,
			      const struct as_probe_opts *o, double *accuracy,
			      struct as_error *err);

/* Localisation of image filters: for each of the n rows of w (an image of
 * rows x cols), the largest share of its energy sum w^2 that falls inside
 * one window of win_rows x win_cols pixels, over every window position;
 * the mean over rows. Energy spread evenly gives about the window's share
 * of the area (1/4 for half-size windows); an edge or blob confined to a
 * corner of the image gives nearly 1. Rows of zero energy count as 0.
 * NaN if the window does not fit. */
double as_filter_localisation(const float *w, size_t n, size_t rows,
			      size_t cols, size_t win_rows, size_t win_cols);

/* Nearest neighbours of q (nq x d) among db (ndb x d), by Euclidean
 * distance, or with hamming set by Hamming distance between the codes
 * thresholded at 0.5 (a bit is x > 0.5: semantic hashing, Salakhutdinov &
 * Hinton 2009). Ties go to the lower index. *precision = the mean over
 * queries of the fraction of its k neighbours whose label equals the
 * query's (NaN without labels: ydb or yq NULL, a search alone); nn
 * (nq x k, or NULL) receives the neighbours, nearest first. */
enum as_status as_knn_precision(const float *db, const uint8_t *ydb, size_t ndb,
				const float *q, const uint8_t *yq, size_t nq,
				size_t d, size_t k, int hamming,
				double *precision, uint32_t *nn,
				struct as_error *err);

/* xy (n x 2) = the centred rows of x (n x d) on their top two principal
 * directions (power iteration through sgemm), each axis signed towards
 * the long tail of its projections so that pictures do not flip between
 * epochs. -1: out of memory. */
int as_top2_projection(const float *x, size_t n, size_t d, float (*xy)[2]);

#endif
