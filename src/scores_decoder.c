/* scores_decoder: the scores of what sparse coding's predictors, an
 * encoder's Jacobian and a decoder's parts do (scores.h). */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/blas.h"
#include "autoscope/parts.h"
#include "autoscope/sparse.h"
#include "scores_internal.h"

/* Cholesky of the n x n symmetric positive definite a (lower, in
 * place), then the solve a X = B for B n x m (in place); 0 if a is not
 * positive definite */
static int cholesky_solve(double *a, size_t n, double *bm, size_t m)
{
	for (size_t j = 0; j < n; j++) {
		double dj = a[j * n + j];
		for (size_t k = 0; k < j; k++)
			dj -= a[j * n + k] * a[j * n + k];
		if (!(dj > 0))
			return 0;
		dj = sqrt(dj);
		a[j * n + j] = dj;
		for (size_t i = j + 1; i < n; i++) {
			double v = a[i * n + j];
			for (size_t k = 0; k < j; k++)
				v -= a[i * n + k] * a[j * n + k];
			a[i * n + j] = v / dj;
		}
	}
	for (size_t c = 0; c < m; c++) {
		/* L y = b, then L^T x = y, column c of B */
		for (size_t i = 0; i < n; i++) {
			double v = bm[i * m + c];
			for (size_t k = 0; k < i; k++)
				v -= a[i * n + k] * bm[k * m + c];
			bm[i * m + c] = v / a[i * n + i];
		}
		for (size_t i = n; i-- > 0;) {
			double v = bm[i * m + c];
			for (size_t k = i + 1; k < n; k++)
				v -= a[k * n + i] * bm[k * m + c];
			bm[i * m + c] = v / a[i * n + i];
		}
	}
	return 1;
}

/* the sparse-coding energy a row, 1/2 ||x - zD||^2 + lambda ||z||_1 */
static double sc_energy_rows(struct as_model *m, const struct as_config *cfg,
			     const float *x, const float *z, size_t n)
{
	double total = 0;
	size_t d = m->n_visible, k = m->n_hidden;
	for (size_t at = 0; at < n; at += m->max_batch) {
		size_t b = n - at < m->max_batch ? n - at : m->max_batch;
		double r, a;
		as_sc_energy(m, x + at * d, z + at * k, b, &r, &a);
		total += r + cfg->sc_lambda * a;
	}
	return n ? total / (double)n : NAN;
}

static double rel_err(const float *zp, const float *z, size_t len)
{
	double e = 0, t = 0;
	for (size_t i = 0; i < len; i++) {
		e += (double)(zp[i] - z[i]) * (zp[i] - z[i]);
		t += (double)z[i] * z[i];
	}
	return t > 0 ? sqrt(e / t) : NAN;
}

/* mean over units of cos(f_j, atom_j), f_j row j of f (k x d) */
static double mean_cos(const float *f, const float *atoms, size_t k,
		       size_t d)
{
	double total = 0;
	for (size_t j = 0; j < k; j++) {
		double ab = 0, aa = 0, bb = 0;
		for (size_t i = 0; i < d; i++) {
			double a = f[j * d + i], b = atoms[j * d + i];
			ab += a * b;
			aa += a * a;
			bb += b * b;
		}
		total += aa > 0 && bb > 0 ? ab / sqrt(aa * bb) : 0;
	}
	return k ? total / (double)k : NAN;
}

enum { PSD_FIT = 4000, PSD_EVAL = 2000 };

/* PSD's prediction, and the least-squares linear one, against the codes
 * sparse coding infers (sparse.h, scores.h) */
enum as_status scores_psd(const struct run *r, struct as_scores *s,
				struct as_error *err)
{
	struct as_stack *stack = r->stack;
	const struct as_dataset *ds = r->ds;
	struct as_model *m = stack->layer[0];
	size_t d = ds->d, k = m->n_hidden, q = d + 1;
	size_t ntr = ds->n_train < PSD_FIT ? ds->n_train : PSD_FIT;
	size_t nte = ds->n - ds->n_train;
	size_t ne = nte < PSD_EVAL ? nte : PSD_EVAL;
	const float *xf = ds->x, *xe = ds->x + ds->n_train * d;
	size_t nmax = ntr > ne ? ntr : ne;
	float *z = malloc(nmax * k * sizeof *z);
	float *zp = malloc(ne * k * sizeof *zp);
	float *t = malloc(stack->max_batch * k * sizeof *t);
	double *g = calloc(q * q, sizeof *g), *a = calloc(q * k, sizeof *a);
	float *af = malloc(q * k * sizeof *af), *ft = NULL;
	enum as_status st = AS_OK;
	if (!z || !zp || !t || !g || !a || !af) {
		st = as_error_set(err, AS_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* the training part's codes, and the normal equations of [x 1] A =
	 * z with a ridge of 1e-6 of the mean variance */
	for (size_t at = 0; at < ntr; at += m->max_batch) {
		size_t b = ntr - at < m->max_batch ? ntr - at : m->max_batch;
		as_sc_infer(m, r->cfg, xf + at * d, b, z + at * k,
			    stack->infer_work);
	}
	for (size_t e = 0; e < ntr; e++) {
		const float *xr = xf + e * d, *zr = z + e * k;
		for (size_t i = 0; i < q; i++) {
			double xi = i < d ? xr[i] : 1.0;
			for (size_t j = 0; j <= i; j++)
				g[i * q + j] += xi * (j < d ? xr[j] : 1.0);
			for (size_t c = 0; c < k; c++)
				a[i * k + c] += xi * zr[c];
		}
	}
	double tr = 0;
	for (size_t i = 0; i < d; i++)
		tr += g[i * q + i];
	for (size_t i = 0; i < q; i++) {
		for (size_t j = 0; j < i; j++)
			g[j * q + i] = g[i * q + j];
		g[i * q + i] += 1e-6 * tr / (double)d + 1e-9;
	}
	if (!cholesky_solve(g, q, a, k)) {
		st = as_error_set(err, AS_ERR_STATE,
				  "the linear predictor's fit is singular");
		goto out;
	}
	for (size_t i = 0; i < q * k; i++)
		af[i] = (float)a[i];
	/* held-out: the inferred codes, timed */
	double t0 = scores_clock_s();
	for (size_t at = 0; at < ne; at += m->max_batch) {
		size_t b = ne - at < m->max_batch ? ne - at : m->max_batch;
		as_sc_infer(m, r->cfg, xe + at * d, b, z + at * k,
			    stack->infer_work);
	}
	s->us_infer = (scores_clock_s() - t0) / (double)ne * 1e6;
	double e_star = sc_energy_rows(m, r->cfg, xe, z, ne);
	/* the linear prediction: x A[:d] + A[d] (sparse coding's time per
	 * code predicted: PSD's is its own encoder's, below) */
	t0 = scores_clock_s();
	for (size_t e = 0; e < ne; e++)
		memcpy(zp + e * k, af + d * k, k * sizeof(float));
	as_sgemm(0, 0, ne, k, d, 1.0f, xe, d, af, k, 1.0f, zp, k);
	s->us_predict = (scores_clock_s() - t0) / (double)ne * 1e6;
	s->lin_rel_err = rel_err(zp, z, ne * k);
	s->lin_energy_ratio = sc_energy_rows(m, r->cfg, xe, zp, ne) / e_star;
	/* its filters are A's columns: as rows, against the atoms */
	ft = malloc(k * d * sizeof *ft);
	if (!ft) {
		st = as_error_set(err, AS_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t c = 0; c < k; c++)
		for (size_t i = 0; i < d; i++)
			ft[c * d + i] = af[i * k + c];
	s->lin_cos = mean_cos(ft, m->w, k, d);
	if (stack->psd) {
		t0 = scores_clock_s();
		for (size_t at = 0; at < ne; at += m->max_batch) {
			size_t b = ne - at < m->max_batch ? ne - at
							  : m->max_batch;
			as_psd_predict(&stack->pred, k, d, xe + at * d, b, t,
				       zp + at * k);
		}
		s->us_predict = (scores_clock_s() - t0) / (double)ne * 1e6;
		s->psd_rel_err = rel_err(zp, z, ne * k);
		s->psd_energy_ratio =
			sc_energy_rows(m, r->cfg, xe, zp, ne) / e_star;
		s->psd_cos = mean_cos(stack->pred.p, m->w, k, d);
	}
	s->have |= AS_SCORE_PSD;
out:
	free(z);
	free(zp);
	free(t);
	free(g);
	free(a);
	free(af);
	free(ft);
	return st;
}

enum { JAC_N = 200 };

/* the encoder's Jacobian at held-out digits, along the data and across
 * it (scores.h) */
enum as_status scores_jacobian(const struct run *r,
				     struct as_scores *s,
				     struct as_error *err)
{
	const struct as_dataset *ds = r->ds;
	struct as_model *m = r->stack->layer[0];
	size_t d = ds->d, k = m->n_hidden, ntr = ds->n_train;
	size_t nte = ds->n - ntr, n = nte < JAC_N ? nte : JAC_N;
	const float *q = ds->x + ntr * d;
	float *h = malloc(n * k * sizeof *h), *v = malloc(n * d * sizeof *v);
	float *p = malloc(n * k * sizeof *p);
	uint32_t *nn = malloc(n * sizeof *nn);
	double *wn = NULL, unused;
	enum as_status st = AS_OK;
	if (!h || !v || !p || !nn) {
		st = as_error_set(err, AS_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* each query's nearest training digit (measure.h's search) */
	st = as_knn_precision(ds->x, NULL, ntr, q, NULL, n, d, 1, 0, &unused,
			      nn, err);
	if (st != AS_OK)
		goto out;
	/* the unit directions to them, and the codes */
	for (size_t e = 0; e < n; e++) {
		const float *t = ds->x + (size_t)nn[e] * d;
		double a = 0;
		for (size_t j = 0; j < d; j++) {
			v[e * d + j] = t[j] - q[e * d + j];
			a += (double)v[e * d + j] * v[e * d + j];
		}
		float inv = a > 0 ? (float)(1.0 / sqrt(a)) : 0.0f;
		for (size_t j = 0; j < d; j++)
			v[e * d + j] *= inv;
	}
	for (size_t e = 0; e < n; e++)
		memcpy(h + e * k, m->b, k * sizeof(float));
	as_sgemm(0, 1, n, k, d, 1.0f, q, d, m->w, d, 1.0f, h, k);
	for (size_t i = 0; i < n * k; i++)
		h[i] = 1.0f / (1.0f + expf(-h[i]));
	/* J v = s * (W v) per unit, s = h (1 - h);
	 * ||J||_F^2 = sum_j s_j^2 |W_j|^2 */
	as_sgemm(0, 1, n, k, d, 1.0f, v, d, m->w, d, 0.0f, p, k);
	wn = malloc(k * sizeof *wn);
	if (!wn) {
		st = as_error_set(err, AS_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t j = 0; j < k; j++) {
		double a = 0;
		for (size_t i = 0; i < d; i++)
			a += (double)m->w[j * d + i] * m->w[j * d + i];
		wn[j] = a;
	}
	/* like with like: the root mean square gain along the data and
	 * across it (E ||J v||^2 = ||J||_F^2 / d for random unit v) */
	double fsum = 0, f2sum = 0, t2sum = 0;
	for (size_t e = 0; e < n; e++) {
		double f2 = 0, t2 = 0;
		for (size_t j = 0; j < k; j++) {
			double sj = (double)h[e * k + j] * (1 - h[e * k + j]);
			f2 += sj * sj * wn[j];
			t2 += sj * sj * (double)p[e * k + j] * p[e * k + j];
		}
		fsum += sqrt(f2);
		f2sum += f2;
		t2sum += t2;
	}
	s->jac_frob = fsum / (double)n;
	s->jac_tangent = sqrt(t2sum / (double)n);
	s->jac_random = sqrt(f2sum / (double)n / (double)d);
	s->jac_ratio = s->jac_tangent / s->jac_random;
	s->have |= AS_SCORE_JACOBIAN;
out:
	free(h);
	free(v);
	free(p);
	free(nn);
	free(wn);
	return st;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* how many units carry each of the first held-out examples (parts.h) */
enum as_status scores_parts(const struct run *r, struct as_scores *s,
				  struct as_error *err)
{
	const struct as_dataset *ds = r->ds;
	struct as_stack *stack = r->stack;
	struct as_model *m = stack->layer[0];
	size_t d = ds->d, k = m->n_hidden, nte = ds->n - ds->n_train;
	size_t n = nte < AS_PARTS_N ? nte : AS_PARTS_N;
	float *h = malloc(n * k * sizeof *h);
	float *norms = malloc(k * sizeof *norms);
	float *buf = malloc((2 * AS_PARTS_K + 2) * d * sizeof *buf);
	int *u90 = malloc(n * sizeof *u90);
	if (!h || !norms || !buf || !u90) {
		free(h);
		free(norms);
		free(buf);
		free(u90);
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	}
	as_stack_encode(stack, r->cfg, 1, ds->x + ds->n_train * d, n, h);
	int sig = !stack->sc && r->cfg->loss == AS_LOSS_CE;
	as_parts_norms(m, stack->sc, norms);
	size_t over = 0;
	for (size_t e = 0; e < n; e++) {
		struct as_parts p;
		as_parts_of(m, stack->sc, sig, h + e * k, norms, &p, buf,
			    buf + AS_PARTS_K * d, buf + 2 * AS_PARTS_K * d);
		u90[e] = p.units_90;
		over += p.units_90 > AS_PARTS_MAX;
	}
	qsort(u90, n, sizeof *u90, cmp_int);
	s->parts_median = n % 2 ? u90[n / 2]
				: 0.5 * (u90[n / 2 - 1] + u90[n / 2]);
	s->parts_over = (double)over / (double)n;
	s->have |= AS_SCORE_PARTS;
	free(h);
	free(norms);
	free(buf);
	free(u90);
	return AS_OK;
}

