/* measure: PCA baseline, principal angles and the linear probe.
 *
 * Bulk products go through as_sgemm (float); everything that decides
 * precision (means, the covariance sum across chunks, the orthonormal bases
 * of the principal angles, the eigen-problems) is held in double. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/blas.h"
#include "autoscope/measure.h"
#include "autoscope/rng.h"

/* iterations of the two-vector power method (converges long before) */
#define POWER_ITERS 300

/* LAPACK (shipped inside OpenBLAS; no lapacke header needed): eigenvalues,
 * ascending, and eigenvectors of a symmetric matrix, column-major. */
void dsyev_(const char *jobz, const char *uplo, const int *n, double *a,
	    const int *lda, double *w, double *work, const int *lwork,
	    int *info);

/* rows per as_sgemm block: 512 x 784 floats is 1.6 MB, cache-sized */
#define CHUNK 512
/* beyond this the d x d double matrix alone is over 2 GB */
#define PCA_MAX_D 16384
/* a row whose part outside the rows before it is below this fraction of
 * its length is, at float precision, a combination of them */
#define RANK_TOL 1e-6
/* the probe's standard-deviation floor: below it a feature is constant */
#define SD_FLOOR 1e-6

/* Eigen-decomposition of the symmetric n x n matrix a. On return w holds
 * the eigenvalues ascending and a the eigenvectors: column j of the
 * column-major result, which is row j in row-major memory. */
static enum as_status sym_eig(double *a, size_t n, double *w,
			      struct as_error *err)
{
	int nn = (int)n, lwork = -1, info = 0;
	double query = 0;
	dsyev_("V", "U", &nn, a, &nn, w, &query, &lwork, &info);
	if (info != 0)
		return as_error_set(err, AS_ERR_INVALID,
				    "LAPACK dsyev rejected a %zu x %zu "
				    "workspace query (info %d)",
				    n, n, info);
	lwork = query > 1 ? (int)query : 1;
	double *work = malloc((size_t)lwork * sizeof *work);
	if (!work)
		return as_error_set(err, AS_ERR_NOMEM,
				    "out of memory for %d doubles of LAPACK "
				    "workspace",
				    lwork);
	dsyev_("V", "U", &nn, a, &nn, w, work, &lwork, &info);
	free(work);
	if (info != 0)
		return as_error_set(err, AS_ERR_INVALID,
				    "LAPACK dsyev did not converge on a %zu x "
				    "%zu matrix (info %d)",
				    n, n, info);
	return AS_OK;
}

static double dot(const double *a, const double *b, size_t n)
{
	double s = 0;
	for (size_t i = 0; i < n; i++)
		s += a[i] * b[i];
	return s;
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

static struct as_pca *pca_alloc(size_t d)
{
	struct as_pca *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->d = d;
	p->mean = calloc(d, sizeof *p->mean);
	p->eigval = malloc(d * sizeof *p->eigval);
	p->eigvec = malloc(d * d * sizeof *p->eigvec);
	if (!p->mean || !p->eigval || !p->eigvec) {
		as_pca_free(p);
		return NULL;
	}
	return p;
}

/* cov (d x d, double) = (1/n) sum_i (x_i - mean)^T (x_i - mean).
 * Each block of CHUNK rows is centred in float and multiplied by as_sgemm;
 * the blocks are summed in double so float rounding stays per block. */
static void covariance(const float *x, size_t n, size_t d, const double *mean,
		       float *block, float *part, double *cov)
{
	memset(cov, 0, d * d * sizeof *cov);
	for (size_t s = 0; s < n; s += CHUNK) {
		size_t b = n - s < CHUNK ? n - s : CHUNK;
		for (size_t i = 0; i < b; i++) {
			const float *xi = x + (s + i) * d;
			for (size_t j = 0; j < d; j++)
				block[i * d + j] = (float)(xi[j] - mean[j]);
		}
		as_sgemm(1, 0, d, d, b, 1.0f, block, d, block, d, 0.0f, part,
			 d);
		for (size_t j = 0; j < d * d; j++)
			cov[j] += part[j];
	}
	for (size_t j = 0; j < d * d; j++)
		cov[j] /= (double)n;
}

enum as_status as_pca_fit(const float *x, size_t n, size_t d,
			  struct as_pca **out, struct as_error *err)
{
	*out = NULL;
	if (n == 0 || d == 0)
		return as_error_set(err, AS_ERR_INVALID,
				    "PCA needs at least one example of at "
				    "least one value (%zu x %zu given)",
				    n, d);
	if (d > PCA_MAX_D)
		return as_error_set(err, AS_ERR_INVALID,
				    "PCA of %zu-value examples needs a %zu x "
				    "%zu covariance; the limit is %d values",
				    d, d, d, PCA_MAX_D);
	size_t nd;
	if (!as_mul_ok(n, d, &nd))
		return as_error_set(err, AS_ERR_NOMEM,
				    "%zu x %zu examples overflow a size", n, d);
	struct as_pca *p = pca_alloc(d);
	float *block = malloc(CHUNK * d * sizeof *block);
	float *part = malloc(d * d * sizeof *part);
	double *cov = malloc(d * d * sizeof *cov);
	double *w = malloc(d * sizeof *w);
	enum as_status st = AS_OK;
	if (!p || !block || !part || !cov || !w) {
		st = as_error_set(err, AS_ERR_NOMEM,
				  "out of memory for a %zu x %zu PCA", d, d);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d; j++)
			p->mean[j] += x[i * d + j];
	for (size_t j = 0; j < d; j++) {
		p->mean[j] /= (double)n;
		/* a NaN or infinity anywhere in column j ends up here */
		if (!isfinite(p->mean[j])) {
			st = as_error_set(err, AS_ERR_INVALID,
					  "PCA input column %zu holds a value "
					  "that is not a finite number",
					  j);
			goto out;
		}
	}
	covariance(x, n, d, p->mean, block, part, cov);
	st = sym_eig(cov, d, w, err);
	if (st != AS_OK)
		goto out;
	/* descending; round-off can leave a zero variance slightly negative.
	 * dsyev's signs are arbitrary: make each direction's largest entry
	 * positive so a component looks the same on every machine. */
	for (size_t i = 0; i < d; i++) {
		const double *v = cov + (d - 1 - i) * d;
		size_t big = 0;
		for (size_t j = 1; j < d; j++)
			if (fabs(v[j]) > fabs(v[big]))
				big = j;
		double sign = v[big] < 0 ? -1.0 : 1.0;
		p->eigval[i] = w[d - 1 - i] > 0 ? w[d - 1 - i] : 0;
		for (size_t j = 0; j < d; j++)
			p->eigvec[i * d + j] = (float)(sign * v[j]);
	}
out:
	free(block);
	free(part);
	free(cov);
	free(w);
	if (st != AS_OK) {
		as_pca_free(p);
		return st;
	}
	*out = p;
	return AS_OK;
}

/* Residual r = x - mean, codes c = r P_k^T, reconstruction c P_k, in
 * blocks of CHUNK rows; k > d is read as k = d. NaN when out of memory
 * (the contract has no error record) or when p is NULL. */
double as_pca_error(const struct as_pca *p, size_t k, const float *x, size_t n)
{
	if (!p)
		return NAN;
	if (n == 0)
		return 0;
	size_t d = p->d;
	if (k > d)
		k = d;
	float *r = malloc(CHUNK * d * sizeof *r);
	float *rec = malloc(CHUNK * d * sizeof *rec);
	float *c = malloc(CHUNK * (k ? k : 1) * sizeof *c);
	double total = NAN;
	if (!r || !rec || !c)
		goto out;
	total = 0;
	for (size_t s = 0; s < n; s += CHUNK) {
		size_t b = n - s < CHUNK ? n - s : CHUNK;
		for (size_t i = 0; i < b; i++) {
			const float *xi = x + (s + i) * d;
			for (size_t j = 0; j < d; j++)
				r[i * d + j] = (float)(xi[j] - p->mean[j]);
		}
		if (k) {
			as_sgemm(0, 1, b, k, d, 1.0f, r, d, p->eigvec, d, 0.0f,
				 c, k);
			as_sgemm(0, 0, b, d, k, 1.0f, c, k, p->eigvec, d, 0.0f,
				 rec, d);
		} else {
			memset(rec, 0, b * d * sizeof *rec);
		}
		for (size_t i = 0; i < b; i++) {
			double row = 0;
			for (size_t j = 0; j < d; j++) {
				double e =
					(double)r[i * d + j] - rec[i * d + j];
				row += e * e;
			}
			total += 0.5 * row;
		}
	}
	total /= (double)n;
out:
	free(r);
	free(rec);
	free(c);
	return total;
}

/* Modified Gram-Schmidt, run twice per row ("twice is enough": Giraud et
 * al. 2005), on the k rows of q (k x d) in place. Returns the index of the
 * first row that is (nearly) a combination of the rows before it, or k. */
static size_t orthonormalise(double *q, size_t k, size_t d)
{
	for (size_t i = 0; i < k; i++) {
		double *qi = q + i * d;
		double before = sqrt(dot(qi, qi, d));
		for (int pass = 0; pass < 2; pass++)
			for (size_t j = 0; j < i; j++) {
				const double *qj = q + j * d;
				double h = dot(qi, qj, d);
				for (size_t t = 0; t < d; t++)
					qi[t] -= h * qj[t];
			}
		double after = sqrt(dot(qi, qi, d));
		if (!(before > 0) || !(after > RANK_TOL * before))
			return i;
		for (size_t t = 0; t < d; t++)
			qi[t] /= after;
	}
	return k;
}

/* s (k x k) = a b^T for a, b of k rows of d */
static void gram(const double *a, const double *b, size_t k, size_t d,
		 double *s)
{
	for (size_t i = 0; i < k; i++)
		for (size_t j = 0; j < k; j++)
			s[i * k + j] = dot(a + i * d, b + j * d, d);
}

/* With Q_a, Q_p orthonormal bases (k x d) of the two subspaces, the cosines
 * of the angles are the singular values of M = Q_a Q_p^T (Bjorck & Golub
 * 1973), here the square roots of the eigenvalues of M M^T. Near 0, acos
 * turns a cosine error e into an angle error sqrt(2e): with the bases and
 * M in double that is about 1e-8 rad, finer than float rows can place a
 * subspace, so the sine formulation (Knyazev & Argentati 2002) would buy
 * nothing here. The stored float components are only orthonormal to 1e-7
 * and are re-orthonormalised in double first; used as they are, they would
 * put a floor of about 5e-4 rad under every angle. */
enum as_status as_principal_angles(const float *a, size_t k, size_t d,
				   const struct as_pca *p, double *angles,
				   struct as_error *err)
{
	if (!p || d != p->d)
		return as_error_set(err, AS_ERR_INVALID,
				    "principal angles of %zu-value rows "
				    "against a PCA of %zu-value examples",
				    d, p ? p->d : 0);
	if (k == 0 || k > d)
		return as_error_set(err, AS_ERR_INVALID,
				    "principal angles need between 1 and %zu "
				    "rows, not %zu",
				    d, k);
	size_t kd = k * d, kk = k * k; /* both below d * d <= PCA_MAX_D^2 */
	double *qa = malloc(kd * sizeof *qa);
	double *qp = malloc(kd * sizeof *qp);
	double *m = malloc(kk * sizeof *m);
	double *cc = malloc(kk * sizeof *cc);
	double *cos2 = malloc(k * sizeof *cos2);
	enum as_status st = AS_OK;
	if (!qa || !qp || !m || !cc || !cos2) {
		st = as_error_set(err, AS_ERR_NOMEM,
				  "out of memory for principal angles of %zu "
				  "x %zu",
				  k, d);
		goto out;
	}
	for (size_t i = 0; i < kd; i++) {
		if (!isfinite(a[i])) {
			st = as_error_set(err, AS_ERR_INVALID,
					  "row %zu, column %zu of the "
					  "subspace is not a finite number",
					  i / d, i % d);
			goto out;
		}
		qa[i] = a[i];
		qp[i] = p->eigvec[i];
	}
	size_t bad = orthonormalise(qa, k, d);
	if (bad < k) {
		st = as_error_set(err, AS_ERR_INVALID,
				  "the %zu rows span fewer than %zu "
				  "dimensions: row %zu is zero or a "
				  "combination of the rows before it",
				  k, k, bad);
		goto out;
	}
	/* the stored components are float: re-orthonormalise in double */
	if (orthonormalise(qp, k, d) < k) {
		st = as_error_set(err, AS_ERR_STATE,
				  "the top %zu principal components are not "
				  "independent; the PCA is damaged",
				  k);
		goto out;
	}
	gram(qa, qp, k, d, m);
	gram(m, m, k, k, cc);
	st = sym_eig(cc, k, cos2, err);
	if (st != AS_OK)
		goto out;
	/* cos^2 ascending: read from the top, the angles come out ascending */
	for (size_t i = 0; i < k; i++)
		angles[i] = acos(fmin(sqrt(fmax(cos2[k - 1 - i], 0)), 1));
out:
	free(qa);
	free(qp);
	free(m);
	free(cc);
	free(cos2);
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

static enum as_status probe_check(const uint8_t *y, size_t n, int n_classes,
				  const char *part, struct as_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (y[i] >= n_classes)
			return as_error_set(err, AS_ERR_INVALID,
					    "%s label %zu is %d, not below the "
					    "%d classes",
					    part, i, y[i], n_classes);
	return AS_OK;
}

static enum as_status probe_validate(const uint8_t *ytr, size_t ntr,
				     const uint8_t *yte, size_t nte, size_t d,
				     int n_classes,
				     const struct as_probe_opts *o,
				     struct as_error *err)
{
	size_t tr_bytes, te_bytes;
	if (ntr == 0 || nte == 0 || d == 0)
		return as_error_set(err, AS_ERR_INVALID,
				    "the probe needs training and held-out "
				    "examples of at least one value (%zu, %zu "
				    "and %zu given)",
				    ntr, nte, d);
	if (n_classes < 2 || n_classes > 256)
		return as_error_set(err, AS_ERR_INVALID,
				    "the probe needs 2 to 256 classes, not %d",
				    n_classes);
	if (ntr > UINT32_MAX || !as_mul_ok(ntr, d, &tr_bytes) ||
	    !as_mul_ok(tr_bytes, sizeof(float), &tr_bytes) ||
	    !as_mul_ok(nte, d, &te_bytes) ||
	    !as_mul_ok(te_bytes, sizeof(float), &te_bytes))
		return as_error_set(err, AS_ERR_NOMEM,
				    "%zu + %zu examples of %zu values are too "
				    "many for the probe",
				    ntr, nte, d);
	if (o->epochs < 1 || !(o->lr > 0) || !isfinite(o->lr) ||
	    !(o->l2 >= 0) || !isfinite(o->l2) || o->batch == 0)
		return as_error_set(err, AS_ERR_INVALID,
				    "probe options out of range: epochs %d "
				    "(1 or more), lr %g (positive), l2 %g "
				    "(0 or more), batch %zu (1 or more)",
				    o->epochs, (double)o->lr, (double)o->l2,
				    o->batch);
	enum as_status st = probe_check(ytr, ntr, n_classes, "training", err);
	return st != AS_OK ? st
			   : probe_check(yte, nte, n_classes, "held-out", err);
}

/* mu, inv_sd (d) from the n x d training rows, two passes in double; a
 * feature with sd below SD_FLOOR gets inv_sd 0 and so becomes 0 */
static void feature_stats(const float *x, size_t n, size_t d, double *acc,
			  float *mu, float *inv_sd)
{
	memset(acc, 0, d * sizeof *acc);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d; j++)
			acc[j] += x[i * d + j];
	for (size_t j = 0; j < d; j++)
		mu[j] = (float)(acc[j] / (double)n);
	memset(acc, 0, d * sizeof *acc);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d; j++) {
			double e = (double)x[i * d + j] - mu[j];
			acc[j] += e * e;
		}
	for (size_t j = 0; j < d; j++) {
		double sd = sqrt(acc[j] / (double)n);
		inv_sd[j] = sd > SD_FLOOR ? (float)(1.0 / sd) : 0.0f;
	}
}

static void standardise(const float *x, size_t n, size_t d, const float *mu,
			const float *inv_sd, float *out)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d; j++)
			out[i * d + j] = (x[i * d + j] - mu[j]) * inv_sd[j];
}

/* z (b x c) = x W^T + bias: x is b x d, W is c x d */
static void logits(const float *x, size_t b, size_t d, const float *w,
		   const float *bias, size_t c, float *z)
{
	for (size_t i = 0; i < b; i++)
		memcpy(z + i * c, bias, c * sizeof *z);
	as_sgemm(0, 1, b, c, d, 1.0f, x, d, w, d, 1.0f, z, c);
}

static void softmax_rows(float *z, size_t b, size_t c)
{
	for (size_t i = 0; i < b; i++) {
		float *r = z + i * c, mx = r[0], s = 0;
		for (size_t j = 1; j < c; j++)
			mx = r[j] > mx ? r[j] : mx;
		for (size_t j = 0; j < c; j++) {
			r[j] = expf(r[j] - mx);
			s += r[j];
		}
		for (size_t j = 0; j < c; j++)
			r[j] /= s;
	}
}

/* Multinomial logistic regression, L = mean CE(softmax(x W^T + b), y)
 * + l2/2 ||W||^2 (bias not decayed), by minibatch SGD over a fresh
 * shuffle each epoch with step lr / (1 + epoch / 5): the decay lets the
 * last epochs settle instead of rattling at the full step (on MNIST raw
 * pixels, 8000 / 2000, 30 epochs: 0.924 against 0.910 at a fixed step). */
enum as_status as_probe_score(const float *xtr, const uint8_t *ytr, size_t ntr,
			      const float *xte, const uint8_t *yte, size_t nte,
			      size_t d, int n_classes,
			      const struct as_probe_opts *o, double *accuracy,
			      struct as_error *err)
{
	struct as_probe_opts def;
	if (!o) {
		as_probe_opts_default(&def);
		o = &def;
	}
	*accuracy = NAN;
	enum as_status st =
		probe_validate(ytr, ntr, yte, nte, d, n_classes, o, err);
	if (st != AS_OK)
		return st;
	size_t c = (size_t)n_classes, bs = o->batch < ntr ? o->batch : ntr;
	size_t zrows = bs > CHUNK ? bs : CHUNK;
	double *acc = malloc(d * sizeof *acc);
	float *mu = malloc(d * sizeof *mu), *isd = malloc(d * sizeof *isd);
	float *str = malloc(ntr * d * sizeof *str);
	float *ste = malloc(nte * d * sizeof *ste);
	float *w = calloc(c * d, sizeof *w); /* c x d */
	float *gw = malloc(c * d * sizeof *gw);
	float *bias = calloc(c, sizeof *bias);
	float *z = malloc(zrows * c * sizeof *z); /* rows x c */
	float *xb = malloc(bs * d * sizeof *xb);  /* bs x d */
	uint32_t *order = malloc(ntr * sizeof *order);
	if (!acc || !mu || !isd || !str || !ste || !w || !gw || !bias || !z ||
	    !xb || !order) {
		st = as_error_set(err, AS_ERR_NOMEM,
				  "out of memory for a probe on %zu x %zu "
				  "examples",
				  ntr, d);
		goto out;
	}
	feature_stats(xtr, ntr, d, acc, mu, isd);
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
				       d * sizeof *xb);
			logits(xb, b, d, w, bias, c, z);
			softmax_rows(z, b, c);
			/* dL/dz = (softmax - onehot) / b */
			for (size_t i = 0; i < b; i++) {
				z[i * c + ytr[order[s + i]]] -= 1.0f;
				for (size_t j = 0; j < c; j++)
					z[i * c + j] /= (float)b;
			}
			/* dL/dW = dz^T x (c x d) */
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
		logits(ste + s * d, b, d, w, bias, c, z);
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
	free(acc);
	free(mu);
	free(isd);
	free(str);
	free(ste);
	free(w);
	free(gw);
	free(bias);
	free(z);
	free(xb);
	free(order);
	return st;
}

double as_filter_localisation(const float *w, size_t n, size_t rows,
			      size_t cols, size_t win_rows, size_t win_cols)
{
	if (n == 0 || win_rows == 0 || win_cols == 0 || win_rows > rows ||
	    win_cols > cols)
		return NAN;
	double sum = 0;
	for (size_t f = 0; f < n; f++) {
		const float *img = w + f * rows * cols;
		double total = 0, best = 0;
		for (size_t i = 0; i < rows * cols; i++)
			total += (double)img[i] * img[i];
		if (!(total > 0))
			continue;
		for (size_t y = 0; y + win_rows <= rows; y++)
			for (size_t x = 0; x + win_cols <= cols; x++) {
				double e = 0;
				for (size_t r = y; r < y + win_rows; r++)
					for (size_t c = x; c < x + win_cols;
					     c++)
						e += (double)img[r * cols + c] *
						     img[r * cols + c];
				best = e > best ? e : best;
			}
		sum += best / total;
	}
	return sum / (double)n;
}

/* Keeps the k smallest (distance, index) pairs seen so far, ascending;
 * a later index never displaces an equal distance, so ties go low. */
static void keep_nearest(double *dist, uint32_t *idx, size_t k, size_t *have,
			 double dv, uint32_t iv)
{
	if (*have == k && dv >= dist[k - 1])
		return;
	size_t i = *have < k ? (*have)++ : k - 1;
	while (i > 0 && dist[i - 1] > dv) {
		dist[i] = dist[i - 1];
		idx[i] = idx[i - 1];
		i--;
	}
	dist[i] = dv;
	idx[i] = iv;
}

/* codes thresholded at 0.5, packed 64 bits a word */
static void pack_bits(const float *x, size_t n, size_t d, size_t words,
		      uint64_t *out)
{
	memset(out, 0, n * words * sizeof *out);
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d; j++)
			if (x[i * d + j] > 0.5f)
				out[i * words + j / 64] |= 1ull << (j % 64);
}

enum as_status as_knn_precision(const float *db, const uint8_t *ydb, size_t ndb,
				const float *q, const uint8_t *yq, size_t nq,
				size_t d, size_t k, int hamming,
				double *precision, uint32_t *nn,
				struct as_error *err)
{
	*precision = NAN;
	if (ndb == 0 || nq == 0 || d == 0 || k == 0 || k > ndb ||
	    ndb > UINT32_MAX || d > PCA_MAX_D * 4)
		return as_error_set(err, AS_ERR_INVALID,
				    "neighbours need 1 <= k <= %zu database "
				    "rows, queries and values (k %zu, %zu "
				    "queries of %zu values)",
				    ndb, k, nq, d);
	size_t words = (d + 63) / 64;
	uint64_t *bdb = NULL, *bq = NULL;
	float *sq = NULL, *dots = NULL;
	double *dist = malloc(k * sizeof *dist);
	uint32_t *idx = malloc(k * sizeof *idx);
	enum as_status st = AS_OK;
	size_t bytes;
	if (hamming) {
		if (!as_mul_ok(ndb, words * sizeof *bdb, &bytes) ||
		    !(bdb = malloc(bytes)) ||
		    !(bq = malloc(nq * words * sizeof *bq)))
			goto nomem;
		pack_bits(db, ndb, d, words, bdb);
		pack_bits(q, nq, d, words, bq);
	} else {
		/* ||q - x||^2 = ||x||^2 - 2 q.x + ||q||^2; the last term is
		 * the same for every x of one query and is left out */
		if (!(sq = malloc(ndb * sizeof *sq)) ||
		    !(dots = malloc((size_t)CHUNK * ndb * sizeof *dots)))
			goto nomem;
		for (size_t i = 0; i < ndb; i++) {
			double s = 0;
			for (size_t j = 0; j < d; j++)
				s += (double)db[i * d + j] * db[i * d + j];
			sq[i] = (float)s;
		}
	}
	if (!dist || !idx)
		goto nomem;
	double hits = 0;
	for (size_t s = 0; s < nq; s += CHUNK) {
		size_t b = nq - s < CHUNK ? nq - s : CHUNK;
		if (!hamming)
			as_sgemm(0, 1, b, ndb, d, 1.0f, q + s * d, d, db, d,
				 0.0f, dots, ndb);
		for (size_t i = 0; i < b; i++) {
			size_t have = 0;
			const uint64_t *qi = hamming ? bq + (s + i) * words
						     : NULL;
			for (size_t j = 0; j < ndb; j++) {
				double dv;
				if (hamming) {
					unsigned h = 0;
					const uint64_t *xj = bdb + j * words;
					for (size_t w = 0; w < words; w++)
						h += (unsigned)
							__builtin_popcountll(
								qi[w] ^ xj[w]);
					dv = h;
				} else {
					dv = (double)sq[j] -
					     2.0 * dots[i * ndb + j];
				}
				keep_nearest(dist, idx, k, &have, dv,
					     (uint32_t)j);
			}
			for (size_t j = 0; j < k; j++) {
				if (ydb && yq)
					hits += ydb[idx[j]] == yq[s + i];
				if (nn)
					nn[(s + i) * k + j] = idx[j];
			}
		}
	}
	*precision = ydb && yq ? hits / ((double)nq * (double)k) : NAN;
	goto out;
nomem:
	st = as_error_set(err, AS_ERR_NOMEM,
			  "out of memory for neighbours of %zu queries in %zu "
			  "rows",
			  nq, ndb);
out:
	free(bdb);
	free(bq);
	free(sq);
	free(dots);
	free(dist);
	free(idx);
	return st;
}

/* xy (n x 2) = the centred rows of x (n x d) on their top two principal
 * directions, found by orthogonal (block power) iteration on X^T X through
 * two sgemm calls a round: for codes of a few hundred units this costs a
 * few MFLOP a round where a full eigen-decomposition would cost seconds.
 * Signs as below. */
int as_top2_projection(const float *x, size_t n, size_t d, float (*xy)[2])
{
	float *xc = calloc(n * d, sizeof *xc);
	double *mean = calloc(d, sizeof *mean);
	float *v = malloc(2 * d * sizeof *v), *u = malloc(2 * d * sizeof *u);
	float *p = malloc(2 * n * sizeof *p);
	int rc = -1;
	if (!xc || !mean || !v || !u || !p)
		goto out;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d; j++)
			mean[j] += x[i * d + j];
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d; j++)
			xc[i * d + j] =
				(float)(x[i * d + j] - mean[j] / (double)n);
	for (size_t j = 0; j < 2 * d; j++) /* a fixed, generic start */
		v[j] = (float)sin(1.0 + 0.7 * (double)j);
	for (int it = 0; it < POWER_ITERS; it++) {
		/* p = Xc v^T (n x 2), u = p^T Xc (2 x d) */
		as_sgemm(0, 1, n, 2, d, 1.0f, xc, d, v, d, 0.0f, p, 2);
		as_sgemm(1, 0, 2, d, n, 1.0f, p, 2, xc, d, 0.0f, u, d);
		/* Gram-Schmidt: the first direction, then the second
		 * orthogonal to it */
		double change = 0;
		for (int c = 0; c < 2; c++) {
			float *uc = u + c * d;
			if (c == 1) {
				double h = 0;
				for (size_t j = 0; j < d; j++)
					h += (double)uc[j] * u[j];
				for (size_t j = 0; j < d; j++)
					uc[j] -= (float)h * u[j];
			}
			double nrm = 0;
			for (size_t j = 0; j < d; j++)
				nrm += (double)uc[j] * uc[j];
			nrm = sqrt(nrm);
			for (size_t j = 0; j < d; j++) {
				uc[j] = nrm > 0 ? (float)(uc[j] / nrm) : 0;
				double e = uc[j] - v[c * d + j];
				change += e * e;
			}
		}
		memcpy(v, u, 2 * d * sizeof *v);
		if (change < 1e-10)
			break;
	}
	/* Signs: each axis points where its projections have their long
	 * tail (positive third moment). The direction's largest entry, the
	 * usual rule, changes hands between epochs as a run learns and made
	 * the picture flip; the skew of a cloud of digits stays put. */
	as_sgemm(0, 1, n, 2, d, 1.0f, xc, d, v, d, 0.0f, p, 2);
	for (int c = 0; c < 2; c++) {
		double m3 = 0;
		for (size_t i = 0; i < n; i++)
			m3 += (double)p[2 * i + c] * p[2 * i + c] *
			      p[2 * i + c];
		float sign = m3 < 0 ? -1.0f : 1.0f;
		for (size_t i = 0; i < n; i++)
			xy[i][c] = sign * p[2 * i + c];
	}
	rc = 0;
out:
	free(xc);
	free(mean);
	free(v);
	free(u);
	free(p);
	return rc;
}
