/* baselines: the data's own numbers behind a run's scores (baselines.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "autoscope/baselines.h"
#include "autoscope/blas.h"
#include "autoscope/rng.h"

void as_baselines_init(struct as_baselines *b)
{
	memset(b, 0, sizeof *b);
	b->pca_error = b->probe_raw = NAN;
	b->pixel_precision = b->pixel_us = NAN;
	b->knn_pca = b->lsh_precision = b->pcasign_precision = NAN;
	for (int l = 0; l < AS_FEW_LEVELS; l++)
		b->few_raw[l] = b->few_pca[l] = (struct as_few){NAN, NAN, NAN};
}

void as_baselines_free(struct as_baselines *b)
{
	as_pca_free(b->pca);
	b->pca = NULL;
}

void as_baselines_copy(struct as_baselines *dst,
		       const struct as_baselines *src)
{
	as_pca_free(dst->pca);
	*dst = *src;
	dst->pca = NULL;
}

void as_search_sizes(const struct as_dataset *ds, size_t *nq, size_t *k)
{
	*nq = ds->n - ds->n_train;
	if (*nq > AS_HASH_Q_SCORED)
		*nq = AS_HASH_Q_SCORED;
	*k = AS_HASH_K < ds->n_train ? AS_HASH_K : ds->n_train;
}

static double clock_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static enum as_status nomem(struct as_error *err)
{
	return as_error_set(err, AS_ERR_NOMEM, "out of memory");
}

static enum as_status fit(struct as_baselines *b, const struct as_dataset *ds,
			  struct as_error *err)
{
	if (b->pca)
		return AS_OK;
	return as_pca_fit(ds->x, ds->n_train, ds->d, &b->pca, err);
}

static enum as_status need_labels(const struct as_dataset *ds, const char *what,
				  struct as_error *err)
{
	if (ds->labels && ds->n > ds->n_train)
		return AS_OK;
	return as_error_set(err, AS_ERR_STATE,
			    "%s needs labels and a held-out part; %s has %s",
			    what, ds->name,
			    ds->labels ? "no held-out part" : "no labels");
}

enum as_status as_baselines_pca(struct as_baselines *b,
				const struct as_dataset *ds, size_t k,
				struct as_error *err)
{
	if (k > ds->d)
		return as_error_set(err, AS_ERR_INVALID,
				    "no rank-%zu PCA baseline for %zu-value "
				    "examples",
				    k, ds->d);
	if (b->pca_k == k && !isnan(b->pca_error))
		return AS_OK;
	enum as_status st = fit(b, ds, err);
	if (st != AS_OK)
		return st;
	size_t nh = ds->n - ds->n_train;
	const float *x = nh ? ds->x + ds->n_train * ds->d : ds->x;
	b->pca_error = as_pca_error(b->pca, k, x, nh ? nh : ds->n_train);
	b->pca_k = k;
	return AS_OK;
}

enum as_status as_baselines_probe(struct as_baselines *b,
				  const struct as_dataset *ds,
				  struct as_error *err)
{
	enum as_status st = need_labels(ds, "the linear probe", err);
	if (st != AS_OK || !isnan(b->probe_raw))
		return st;
	struct as_probe_opts po;
	as_probe_opts_default(&po);
	size_t ntr = ds->n_train;
	return as_probe_score(ds->x, ds->labels, ntr, ds->x + ntr * ds->d,
			      ds->labels + ntr, ds->n - ntr, ds->d,
			      ds->n_classes, &po, &b->probe_raw, err);
}

enum as_status as_baselines_pixels(struct as_baselines *b,
				   const struct as_dataset *ds,
				   struct as_error *err)
{
	enum as_status st = need_labels(ds, "a neighbour search", err);
	if (st != AS_OK || b->pixels_done)
		return st;
	size_t nq, k, ntr = ds->n_train;
	as_search_sizes(ds, &nq, &k);
	uint32_t *nn = malloc(nq * k * sizeof *nn);
	if (!nn)
		return nomem(err);
	double t0 = clock_s();
	st = as_knn_precision(ds->x, ds->labels, ntr, ds->x + ntr * ds->d,
			      ds->labels + ntr, nq, ds->d, k, 0,
			      &b->pixel_precision, nn, err);
	if (st == AS_OK) {
		b->pixel_us = (clock_s() - t0) / (double)nq * 1e6;
		size_t kept = nq < AS_HASH_QUERIES ? nq : AS_HASH_QUERIES;
		memset(b->pixel_nn, 0, sizeof b->pixel_nn);
		for (size_t i = 0; i < kept; i++)
			for (size_t j = 0; j < AS_HASH_K && j < k; j++)
				b->pixel_nn[i][j] = nn[i * k + j];
		b->pixels_done = 1;
	}
	free(nn);
	return st;
}

/* out (n x k) = (x - mean) on k directions (k x d rows: p's top k
 * principal directions, or others); sign: 0/1 codes of the signs */
static int project(const struct as_pca *p, const float *dirs, size_t k,
		   const float *x, size_t n, int sign, float *out)
{
	size_t d = p->d;
	float *xc = malloc(n * d * sizeof *xc);
	if (!xc)
		return -1;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d; j++)
			xc[i * d + j] = (float)(x[i * d + j] - p->mean[j]);
	as_sgemm(0, 1, n, k, d, 1.0f, xc, d, dirs, d, 0.0f, out, k);
	if (sign)
		for (size_t i = 0; i < n * k; i++)
			out[i] = out[i] > 0 ? 1.0f : 0.0f;
	free(xc);
	return 0;
}

/* k-NN precision of the codes of ds (its training part the database)
 * projected on k directions */
static enum as_status projected_knn(const struct as_baselines *b,
				    const struct as_dataset *ds,
				    const float *dirs, size_t k, int hamming,
				    double *precision, struct as_error *err)
{
	size_t nq, nk, ntr = ds->n_train;
	as_search_sizes(ds, &nq, &nk);
	float *c = malloc((ntr + nq) * k * sizeof *c);
	if (!c || project(b->pca, dirs, k, ds->x, ntr + nq, hamming, c)) {
		free(c);
		return nomem(err);
	}
	enum as_status st = as_knn_precision(c, ds->labels, ntr, c + ntr * k,
					     ds->labels + ntr, nq, k, nk,
					     hamming, precision, NULL, err);
	free(c);
	return st;
}

enum as_status as_baselines_knn(struct as_baselines *b,
				const struct as_dataset *ds, size_t k,
				struct as_error *err)
{
	enum as_status st = need_labels(ds, "a neighbour search", err);
	if (st != AS_OK || (b->knn_k == k && !isnan(b->knn_pca)))
		return st;
	if (k == 0 || k >= ds->d)
		return as_error_set(err, AS_ERR_INVALID,
				    "no PCA-%zu codes for %zu-value examples",
				    k, ds->d);
	st = fit(b, ds, err);
	b->knn_k = k;
	b->knn_pca = NAN;
	if (st == AS_OK)
		st = projected_knn(b, ds, b->pca->eigvec, k, 0, &b->knn_pca,
				   err);
	return st;
}

enum as_status as_baselines_hash(struct as_baselines *b,
				 const struct as_dataset *ds, size_t bits,
				 struct as_error *err)
{
	enum as_status st = need_labels(ds, "a neighbour search", err);
	if (st != AS_OK ||
	    (b->hash_bits == bits && !isnan(b->pcasign_precision)))
		return st;
	if (bits == 0 || bits > ds->d)
		return as_error_set(err, AS_ERR_INVALID,
				    "no %zu-bit hash of %zu-value examples",
				    bits, ds->d);
	st = fit(b, ds, err);
	if (st != AS_OK)
		return st;
	b->hash_bits = bits;
	b->lsh_precision = b->pcasign_precision = NAN;
	float *dirs = malloc(bits * ds->d * sizeof *dirs);
	if (!dirs)
		return nomem(err);
	/* random-projection LSH: Gaussian directions from a fixed stream */
	struct as_rng rng;
	as_rng_seed(&rng, 11, 12);
	for (size_t i = 0; i < bits * ds->d; i++)
		dirs[i] = as_rng_normal(&rng);
	st = projected_knn(b, ds, dirs, bits, 1, &b->lsh_precision, err);
	free(dirs);
	if (st == AS_OK)
		st = projected_knn(b, ds, b->pca->eigvec, bits, 1,
				   &b->pcasign_precision, err);
	return st;
}

enum as_status as_baselines_xy(struct as_baselines *b,
			       const struct as_dataset *ds,
			       struct as_error *err)
{
	if (b->xy_done)
		return AS_OK;
	size_t n = ds->n - ds->n_train;
	if (n > AS_SCATTER_N)
		n = AS_SCATTER_N;
	if (n == 0)
		return as_error_set(err, AS_ERR_STATE,
				    "%s has no held-out part to draw",
				    ds->name);
	if (as_top2_projection(ds->x + ds->n_train * ds->d, n, ds->d,
			       b->pixel_xy) != 0)
		return nomem(err);
	b->xy_done = 1;
	return AS_OK;
}

size_t as_few_draw(const struct as_dataset *ds, int per, uint64_t draw,
		   uint32_t *idx)
{
	size_t ntr = ds->n_train, n = 0;
	for (size_t i = 0; i < ntr; i++)
		idx[i] = (uint32_t)i;
	if (per <= 0)
		return ntr;
	/* a shuffle of the draw's own, then the first per of each class */
	struct as_rng rng;
	as_rng_seed(&rng, 21, 100 + draw);
	as_rng_shuffle(&rng, idx, ntr);
	size_t taken[256] = {0};
	for (size_t i = 0; i < ntr; i++) {
		uint8_t c = ds->labels[idx[i]];
		if (taken[c] < (size_t)per) {
			taken[c]++;
			idx[n++] = idx[i];
		}
	}
	return n;
}

enum as_status as_baselines_few(struct as_baselines *b,
				const struct as_dataset *ds, size_t k,
				struct as_error *err)
{
	enum as_status st = need_labels(ds, "the few-labels probe", err);
	if (st != AS_OK || b->few_k == k)
		return st;
	if (isnan(b->few_raw[AS_FEW_LEVELS - 1].mean)) {
		st = as_few_probe(ds, ds->x, ds->d, b->few_raw, err);
		if (st != AS_OK)
			return st;
	}
	struct as_few pca[AS_FEW_LEVELS];
	for (int l = 0; l < AS_FEW_LEVELS; l++)
		pca[l] = (struct as_few){NAN, NAN, NAN};
	if (k > 0 && k < ds->d) {
		st = fit(b, ds, err);
		if (st != AS_OK)
			return st;
		float *c = malloc(ds->n * k * sizeof *c);
		if (!c || project(b->pca, b->pca->eigvec, k, ds->x, ds->n, 0,
				  c)) {
			free(c);
			return nomem(err);
		}
		st = as_few_probe(ds, c, k, pca, err);
		free(c);
		if (st != AS_OK)
			return st;
	}
	memcpy(b->few_pca, pca, sizeof pca);
	b->few_k = k;
	return AS_OK;
}
