#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/blas.h"
#include "autoscope/measure.h"
#include "autoscope/rng.h"

/* LAPACK (from OpenBLAS): eigenvalues and vectors of a symmetric matrix */
void dsyev_(const char *jobz, const char *uplo, const int *n, double *a,
	    const int *lda, double *w, double *work, const int *lwork,
	    int *info);

#define CHUNK 512

/* Eigen-decomposition of the symmetric d x d matrix a (overwritten with
 * the eigenvectors, row i = i-th vector), eigenvalues ascending. */
static enum as_status sym_eig(double *a, size_t d, double *w,
			      struct as_error *err)
{
	int n = (int)d, lwork = -1, info = 0;
	double q;
	dsyev_("V", "U", &n, a, &n, w, &q, &lwork, &info);
	lwork = (int)q;
	double *work = malloc((size_t)(lwork > 1 ? lwork : 1) * sizeof *work);
	if (!work)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	dsyev_("V", "U", &n, a, &n, w, work, &lwork, &info);
	free(work);
	if (info != 0)
		return as_error_set(err, AS_ERR_INVALID,
				    "eigendecomposition failed (dsyev info "
				    "%d)",
				    info);
	return AS_OK;
}

void as_pca_free(struct as_pca *p)
{
	if (!p)
		return;
	free(p->mean);
	free(p->eigval);
	free(p->eigvec);
	free(p);
}

enum as_status as_pca_fit(const float *x, size_t n, size_t d,
			  struct as_pca **out, struct as_error *err)
{
	*out = NULL;
	size_t dd;
	if (n < 2 || d == 0 || !as_mul_ok(d, d, &dd) || d > 16384)
		return as_error_set(err, AS_ERR_INVALID,
				    "PCA needs at least 2 examples of a "
				    "reasonable size (%zu x %zu given)",
				    n, d);
	struct as_pca *p = calloc(1, sizeof *p);
	float *cov = malloc(dd * sizeof(float));
	float *chunk = malloc(CHUNK * d * sizeof(float));
	double *a = malloc(dd * sizeof(double));
	if (p) {
		p->d = d;
		p->mean = calloc(d, sizeof(double));
		p->eigval = malloc(d * sizeof(double));
		p->eigvec = malloc(dd * sizeof(float));
	}
	if (!p || !cov || !chunk || !a || !p->mean || !p->eigval ||
	    !p->eigvec) {
		free(cov);
		free(chunk);
		free(a);
		as_pca_free(p);
		return as_error_set(err, AS_ERR_NOMEM,
				    "out of memory for a %zu x %zu PCA", d, d);
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d; j++)
			p->mean[j] += x[i * d + j];
	for (size_t j = 0; j < d; j++)
		p->mean[j] /= (double)n;
	/* covariance = (1/n) sum (x - mean)^T (x - mean), by chunks */
	memset(cov, 0, dd * sizeof(float));
	for (size_t s = 0; s < n; s += CHUNK) {
		size_t b = n - s < CHUNK ? n - s : CHUNK;
		for (size_t i = 0; i < b; i++)
			for (size_t j = 0; j < d; j++)
				chunk[i * d + j] = (float)(x[(s + i) * d + j] -
							   p->mean[j]);
		as_sgemm(1, 0, d, d, b, 1.0f, chunk, d, chunk, d, 1.0f, cov, d);
	}
	for (size_t i = 0; i < dd; i++)
		a[i] = cov[i] / (double)n;
	double *w = malloc(d * sizeof(double));
	enum as_status st =
		w ? sym_eig(a, d, w, err)
		  : as_error_set(err, AS_ERR_NOMEM, "out of memory");
	if (st == AS_OK) {
		/* descending */
		for (size_t i = 0; i < d; i++) {
			size_t src = d - 1 - i;
			p->eigval[i] = w[src] > 0 ? w[src] : 0;
			for (size_t j = 0; j < d; j++)
				p->eigvec[i * d + j] = (float)a[src * d + j];
		}
	}
	free(w);
	free(cov);
	free(chunk);
	free(a);
	if (st != AS_OK) {
		as_pca_free(p);
		return st;
	}
	*out = p;
	return AS_OK;
}

double as_pca_error(const struct as_pca *p, size_t k, const float *x, size_t n)
{
	size_t d = p->d;
	if (k > d)
		k = d;
	float *r = malloc(CHUNK * d * sizeof(float));
	float *c = malloc(CHUNK * (k ? k : 1) * sizeof(float));
	float *rec = malloc(CHUNK * d * sizeof(float));
	if (!r || !c || !rec) {
		free(r);
		free(c);
		free(rec);
		return NAN;
	}
	double total = 0;
	for (size_t s = 0; s < n; s += CHUNK) {
		size_t b = n - s < CHUNK ? n - s : CHUNK;
		for (size_t i = 0; i < b; i++)
			for (size_t j = 0; j < d; j++)
				r[i * d + j] = (float)(x[(s + i) * d + j] -
						       p->mean[j]);
		memset(rec, 0, b * d * sizeof(float));
		if (k) {
			/* codes = r P_k^T, reconstruction = codes P_k */
			as_sgemm(0, 1, b, k, d, 1.0f, r, d, p->eigvec, d, 0.0f,
				 c, k);
			as_sgemm(0, 0, b, d, k, 1.0f, c, k, p->eigvec, d, 0.0f,
				 rec, d);
		}
		for (size_t i = 0; i < b * d; i++) {
			double e = (double)r[i] - rec[i];
			total += 0.5 * e * e;
		}
	}
	free(r);
	free(c);
	free(rec);
	return n ? total / (double)n : 0;
}

/* Modified Gram-Schmidt on the k rows of q (k x d, double), in place. */
static int orthonormalise(double *q, size_t k, size_t d)
{
	for (size_t i = 0; i < k; i++) {
		double *qi = q + i * d;
		for (size_t pass = 0; pass < 2; pass++) /* re-orthogonalise */
			for (size_t j = 0; j < i; j++) {
				const double *qj = q + j * d;
				double dot = 0;
				for (size_t t = 0; t < d; t++)
					dot += qi[t] * qj[t];
				for (size_t t = 0; t < d; t++)
					qi[t] -= dot * qj[t];
			}
		double norm = 0;
		for (size_t t = 0; t < d; t++)
			norm += qi[t] * qi[t];
		norm = sqrt(norm);
		if (!(norm > 1e-10))
			return 0;
		for (size_t t = 0; t < d; t++)
			qi[t] /= norm;
	}
	return 1;
}

enum as_status as_principal_angles(const float *a, size_t k, size_t d,
				   const struct as_pca *p, double *angles,
				   struct as_error *err)
{
	if (k == 0 || k > d || d != p->d)
		return as_error_set(err, AS_ERR_INVALID,
				    "principal angles of %zu rows of %zu "
				    "against a %zu-dimensional PCA",
				    k, d, p->d);
	double *q = malloc(k * d * sizeof *q);
	double *m = malloc(k * k * sizeof *m);
	double *mm = malloc(k * k * sizeof *mm);
	double *s = malloc(k * sizeof *s);
	enum as_status st = AS_OK;
	if (!q || !m || !mm || !s) {
		st = as_error_set(err, AS_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < k * d; i++)
		q[i] = a[i];
	if (!orthonormalise(q, k, d)) {
		st = as_error_set(err, AS_ERR_INVALID,
				  "the %zu rows do not span a %zu-dimensional "
				  "subspace",
				  k, k);
		goto out;
	}
	/* M = Q_a P_k^T; its singular values are the cosines */
	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; j < k; j++) {
			double dot = 0;
			for (size_t t = 0; t < d; t++)
				dot += q[i * d + t] * p->eigvec[j * d + t];
			m[i * k + j] = dot;
		}
	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; j < k; j++) {
			double dot = 0;
			for (size_t t = 0; t < k; t++)
				dot += m[i * k + t] * m[j * k + t];
			mm[i * k + j] = dot;
		}
	st = sym_eig(mm, k, s, err);
	if (st != AS_OK)
		goto out;
	/* eigenvalues ascending = cosines^2 ascending = angles descending */
	for (size_t i = 0; i < k; i++) {
		double c = sqrt(s[k - 1 - i] > 0 ? s[k - 1 - i] : 0);
		angles[i] = acos(c > 1 ? 1 : c);
	}
out:
	free(q);
	free(m);
	free(mm);
	free(s);
	return st;
}

void as_probe_opts_default(struct as_probe_opts *o)
{
	o->epochs = 30;
	o->lr = 0.1f;
	o->l2 = 1e-4f;
	o->batch = 64;
	o->seed = 1;
}

/* Standardises x (n x d) with the given mean and inverse std into out. */
static void standardise(const float *x, size_t n, size_t d, const float *mu,
			const float *inv_sd, float *out)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d; j++)
			out[i * d + j] = (x[i * d + j] - mu[j]) * inv_sd[j];
}

/* logits (b x c) = x W^T + bias, then softmax row by row */
static void softmax_rows(float *z, size_t b, size_t c)
{
	for (size_t i = 0; i < b; i++) {
		float *r = z + i * c, mx = r[0];
		for (size_t j = 1; j < c; j++)
			mx = r[j] > mx ? r[j] : mx;
		float s = 0;
		for (size_t j = 0; j < c; j++) {
			r[j] = expf(r[j] - mx);
			s += r[j];
		}
		for (size_t j = 0; j < c; j++)
			r[j] /= s;
	}
}

/* Multinomial logistic regression by minibatch SGD, lr / (1 + epoch / 5) */
enum as_status as_probe_score(const float *xtr, const uint8_t *ytr, size_t ntr,
			      const float *xte, const uint8_t *yte, size_t nte,
			      size_t d, int n_classes,
			      const struct as_probe_opts *o, double *accuracy,
			      struct as_error *err)
{
	*accuracy = NAN;
	if (ntr == 0 || nte == 0 || d == 0 || n_classes < 2 ||
	    n_classes > 256 || ntr > UINT32_MAX)
		return as_error_set(err, AS_ERR_INVALID,
				    "the probe needs train and test examples "
				    "and 2 or more classes");
	for (size_t i = 0; i < ntr; i++)
		if (ytr[i] >= n_classes)
			return as_error_set(err, AS_ERR_INVALID,
					    "label %d of example %zu is not "
					    "below %d",
					    ytr[i], i, n_classes);
	size_t c = (size_t)n_classes, bs = o->batch ? o->batch : 64;
	float *mu = calloc(d, sizeof(float)), *isd = malloc(d * sizeof(float));
	float *str = malloc(ntr * d * sizeof(float));
	float *ste = malloc(nte * d * sizeof(float));
	float *w = calloc(c * d, sizeof(float)),
	      *bias = calloc(c, sizeof(float));
	float *gw = malloc(c * d * sizeof(float));
	float *z = malloc((bs > CHUNK ? bs : CHUNK) * c * sizeof(float));
	float *xb = malloc(bs * d * sizeof(float));
	uint32_t *order = malloc(ntr * sizeof *order);
	enum as_status st = AS_OK;
	if (!mu || !isd || !str || !ste || !w || !bias || !gw || !z || !xb ||
	    !order) {
		st = as_error_set(err, AS_ERR_NOMEM,
				  "out of memory for the probe");
		goto out;
	}
	for (size_t j = 0; j < d; j++) {
		double m = 0, v = 0;
		for (size_t i = 0; i < ntr; i++)
			m += xtr[i * d + j];
		m /= (double)ntr;
		for (size_t i = 0; i < ntr; i++) {
			double e = xtr[i * d + j] - m;
			v += e * e;
		}
		double sd = sqrt(v / (double)ntr);
		mu[j] = (float)m;
		isd[j] = sd > 1e-6 ? (float)(1.0 / sd) : 0.0f;
	}
	standardise(xtr, ntr, d, mu, isd, str);
	standardise(xte, nte, d, mu, isd, ste);
	struct as_rng rng;
	as_rng_seed(&rng, o->seed, 5);
	for (size_t i = 0; i < ntr; i++)
		order[i] = (uint32_t)i;
	for (int ep = 0; ep < o->epochs; ep++) {
		float lr = o->lr / (1.0f + (float)ep / 5.0f);
		as_rng_shuffle(&rng, order, ntr);
		for (size_t s = 0; s < ntr; s += bs) {
			size_t b = ntr - s < bs ? ntr - s : bs;
			for (size_t i = 0; i < b; i++)
				memcpy(xb + i * d, str + order[s + i] * d,
				       d * sizeof(float));
			for (size_t i = 0; i < b; i++)
				memcpy(z + i * c, bias, c * sizeof(float));
			as_sgemm(0, 1, b, c, d, 1.0f, xb, d, w, d, 1.0f, z, c);
			softmax_rows(z, b, c);
			/* dL/dz = (p - onehot) / b */
			for (size_t i = 0; i < b; i++) {
				z[i * c + ytr[order[s + i]]] -= 1.0f;
				for (size_t j = 0; j < c; j++)
					z[i * c + j] /= (float)b;
			}
			as_sgemm(1, 0, c, d, b, 1.0f, z, c, xb, d, 0.0f, gw, d);
			for (size_t j = 0; j < c * d; j++)
				w[j] -= lr * (gw[j] + o->l2 * w[j]);
			for (size_t i = 0; i < b; i++)
				for (size_t j = 0; j < c; j++)
					bias[j] -= lr * z[i * c + j];
		}
	}
	size_t right = 0;
	for (size_t s = 0; s < nte; s += CHUNK) {
		size_t b = nte - s < CHUNK ? nte - s : CHUNK;
		for (size_t i = 0; i < b; i++)
			memcpy(z + i * c, bias, c * sizeof(float));
		as_sgemm(0, 1, b, c, d, 1.0f, ste + s * d, d, w, d, 1.0f, z, c);
		for (size_t i = 0; i < b; i++) {
			size_t best = 0;
			for (size_t j = 1; j < c; j++)
				if (z[i * c + j] > z[i * c + best])
					best = j;
			right += best == yte[s + i];
		}
	}
	*accuracy = (double)right / (double)nte;
out:
	free(mu);
	free(isd);
	free(str);
	free(ste);
	free(w);
	free(bias);
	free(gw);
	free(z);
	free(xb);
	free(order);
	return st;
}
