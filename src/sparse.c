/* sparse: sparse coding by ISTA / FISTA (sparse.h). */
#include <math.h>
#include <string.h>

#include "autoscope/blas.h"
#include "autoscope/sparse.h"

#include "kernels.h"

#define POWER_ITERS 30

size_t as_sc_work_len(size_t n_visible, size_t n_hidden, size_t max_batch)
{
	return max_batch * n_hidden + n_hidden + n_visible;
}

size_t as_psd_work_len(size_t n_visible, size_t n_hidden, size_t max_batch)
{
	/* the inference's, then the prediction and its tanh */
	return as_sc_work_len(n_visible, n_hidden, max_batch) +
	       2 * max_batch * n_hidden;
}

float as_sc_lipschitz(const struct as_model *m, int iters, float *work)
{
	size_t k = m->n_hidden, d = m->n_visible;
	float *v = work, *u = work + k;
	for (size_t j = 0; j < k; j++)
		v[j] = 1.0f / sqrtf((float)k) * (1.0f + 0.01f * (float)(j % 7));
	double lam = 0;
	for (int it = 0; it < iters; it++) {
		/* u = v W (1 x d), v = u W^T (1 x k): v <- W W^T v */
		as_sgemm(0, 0, 1, d, k, 1.0f, v, k, m->w, d, 0.0f, u, d);
		as_sgemm(0, 1, 1, k, d, 1.0f, u, d, m->w, d, 0.0f, v, k);
		double nrm = 0;
		for (size_t j = 0; j < k; j++)
			nrm += (double)v[j] * v[j];
		nrm = sqrt(nrm);
		lam = nrm; /* ||W W^T v|| with ||v|| = 1 */
		if (nrm <= 0)
			return 1.0f;
		for (size_t j = 0; j < k; j++)
			v[j] = (float)(v[j] / nrm);
	}
	/* a little above the estimate: the step 1/L stays safe */
	return (float)(lam * 1.02) + 1e-12f;
}

/* r = x - z W (n x d) into m->xr */
static void residual(struct as_model *m, const float *x, const float *z,
		     size_t n)
{
	size_t d = m->n_visible, k = m->n_hidden;
	memcpy(m->xr, x, n * d * sizeof(float));
	as_sgemm(0, 0, n, d, k, -1.0f, z, k, m->w, d, 1.0f, m->xr, d);
}

static float soft(float v, float t)
{
	return v > t ? v - t : v < -t ? v + t : 0.0f;
}

/* ISTA / FISTA on 1/2 ||x - zW||^2 + alpha/2 ||z - zp||^2 + lambda ||z||_1
 * from z = zp (zp NULL: from 0, alpha unused) */
static void infer(struct as_model *m, const struct as_config *cfg,
		  const float *x, size_t n, const float *zp, float alpha,
		  float *z, float *work)
{
	size_t k = m->n_hidden, d = m->n_visible, nk = n * k;
	float L = as_sc_lipschitz(m, POWER_ITERS, work + m->max_batch * k);
	if (zp)
		L += alpha; /* the prediction term's curvature */
	float step = 1.0f / L, thr = cfg->sc_lambda / L;
	float *y = work, *g = m->dh;
	if (zp) {
		memcpy(z, zp, nk * sizeof(float));
		memcpy(y, zp, nk * sizeof(float));
	} else {
		memset(z, 0, nk * sizeof(float));
		memset(y, 0, nk * sizeof(float));
	}
	double t = 1;
	for (int it = 0; it < cfg->sc_iters; it++) {
		const float *at = cfg->sc_fista ? y : z;
		/* g = -(x - at W) W^T: the gradient of the squared error */
		residual(m, x, at, n);
		as_sgemm(0, 1, n, k, d, -1.0f, m->xr, d, m->w, d, 0.0f, g, k);
		if (zp) /* + alpha (at - zp) */
			for (size_t i = 0; i < nk; i++)
				g[i] += alpha * (at[i] - zp[i]);
		if (!cfg->sc_fista) {
			for (size_t i = 0; i < nk; i++)
				z[i] = soft(z[i] - step * g[i], thr);
			continue;
		}
		/* FISTA: the new point from y, then y extrapolated */
		double tn = (1.0 + sqrt(1.0 + 4.0 * t * t)) / 2.0;
		float beta = (float)((t - 1.0) / tn);
		for (size_t i = 0; i < nk; i++) {
			float zn = soft(y[i] - step * g[i], thr);
			y[i] = zn + beta * (zn - z[i]);
			z[i] = zn;
		}
		t = tn;
	}
}

void as_sc_infer(struct as_model *m, const struct as_config *cfg,
		 const float *x, size_t n, float *z, float *work)
{
	infer(m, cfg, x, n, NULL, 0, z, work);
}

void as_sc_energy(struct as_model *m, const float *x, const float *z,
		  size_t n, double *recon, double *l1)
{
	size_t d = m->n_visible, k = m->n_hidden;
	residual(m, x, z, n);
	double r = 0, a = 0;
	for (size_t i = 0; i < n * d; i++)
		r += (double)m->xr[i] * m->xr[i];
	for (size_t i = 0; i < n * k; i++)
		a += fabsf(z[i]);
	*recon = 0.5 * r;
	*l1 = a;
}

void as_sc_renorm(struct as_model *m)
{
	size_t d = m->n_visible;
	for (size_t j = 0; j < m->n_hidden; j++) {
		float *row = m->w + j * d;
		double s = 0;
		for (size_t i = 0; i < d; i++)
			s += (double)row[i] * row[i];
		if (s <= 0)
			continue;
		float inv = (float)(1.0 / sqrt(s));
		for (size_t i = 0; i < d; i++)
			row[i] *= inv;
	}
}

/* dE/dW = -z^T (x - zW) / n at codes z (the residual in m->xr, as
 * as_sc_energy leaves it), plus weight decay; nothing else moves */
static void dictionary_grad(struct as_model *m, const struct as_config *cfg,
			    const float *z, size_t n)
{
	size_t d = m->n_visible, k = m->n_hidden;
	as_sgemm(1, 0, k, d, n, -1.0f / (float)n, z, k, m->xr, d, 0.0f, m->gw,
		 d);
	if (cfg->weight_decay > 0)
		for (size_t i = 0; i < k * d; i++)
			m->gw[i] += cfg->weight_decay * m->w[i];
	memset(m->gb, 0, k * sizeof(float));
	memset(m->gc, 0, d * sizeof(float));
	if (!m->tied)
		memset(m->gw2, 0, k * d * sizeof(float));
}

void as_sc_step(struct as_model *m, const struct as_config *cfg,
		const float *x, size_t n, float lr, float *work,
		struct as_losses *out)
{
	float *z = m->h;
	as_sc_infer(m, cfg, x, n, z, work);
	double recon, l1;
	as_sc_energy(m, x, z, n, &recon, &l1); /* leaves x - zW in xr */
	/* the loss is the energy itself, both terms (the held-out curve
	 * measures the same) */
	out->recon = (recon + cfg->sc_lambda * l1) / (double)n;
	out->penalty = 0;
	dictionary_grad(m, cfg, z, n);
	as_model_update(m, cfg, lr);
	if (cfg->renorm)
		as_sc_renorm(m);
}

void as_sc_measure(struct as_model *m, const struct as_config *cfg,
		   const float *x, size_t n, float *work,
		   struct as_sc_stats *out)
{
	size_t d = m->n_visible, k = m->n_hidden;
	double active = 0, resid = 0, energy = 0, l1 = 0;
	for (size_t at = 0; at < n; at += m->max_batch) {
		size_t b = n - at < m->max_batch ? n - at : m->max_batch;
		const float *xb = x + at * d;
		as_sc_infer(m, cfg, xb, b, m->h, work);
		double r, a;
		as_sc_energy(m, xb, m->h, b, &r, &a);
		resid += 2 * r;
		l1 += a;
		for (size_t i = 0; i < b * k; i++)
			active += m->h[i] != 0.0f;
		for (size_t i = 0; i < b * d; i++)
			energy += (double)xb[i] * xb[i];
	}
	double norm = 0;
	for (size_t j = 0; j < k; j++) {
		double s = 0;
		for (size_t i = 0; i < d; i++)
			s += (double)m->w[j * d + i] * m->w[j * d + i];
		norm += sqrt(s);
	}
	out->active = n ? active / (double)n : NAN;
	out->residual_share = energy > 0 ? resid / energy : NAN;
	out->l1 = n ? l1 / (double)n : NAN;
	out->atom_norm = k ? norm / (double)k : NAN;
}

/* ---- predictive sparse decomposition ---- */

/* t = tanh(t), z = gain * t: tanh(u) = sign(u) (1 - e) / (1 + e) with
 * e = exp(-2|u|), branch-free so the loop vectorises (libm's tanhf made
 * the prediction ten times slower than its product) */
AS_HOT static void k_tanh_gain(float *t, const float *gain, float *z,
			       size_t k)
{
#pragma omp simd
	for (size_t j = 0; j < k; j++) {
		float u = t[j];
		float e = fast_exp_neg(-2.0f * fabsf(u));
		float v = (1.0f - e) / (1.0f + e);
		v = u < 0 ? -v : v;
		t[j] = v;
		z[j] = gain[j] * v;
	}
}

void as_psd_predict(const struct as_psd *e, size_t k, size_t d,
		    const float *x, size_t n, float *t, float *zp)
{
	for (size_t r = 0; r < n; r++)
		memcpy(t + r * k, e->b, k * sizeof(float));
	as_sgemm(0, 1, n, k, d, 1.0f, x, d, e->p, d, 1.0f, t, k);
	for (size_t r = 0; r < n; r++)
		k_tanh_gain(t + r * k, e->gain, zp + r * k, k);
}

void as_psd_infer(struct as_model *m, const struct as_config *cfg,
		  const float *x, size_t n, const float *zp, float *z,
		  float *work)
{
	infer(m, cfg, x, n, zp, cfg->psd_alpha, z, work);
}

void as_psd_pred_grad(const struct as_psd *e, size_t k, size_t d,
		      float alpha, const float *x, const float *t,
		      const float *zp, const float *z, size_t n, float *du)
{
	float s = alpha / (float)n;
	memset(e->ggain, 0, k * sizeof(float));
	memset(e->gb, 0, k * sizeof(float));
	for (size_t r = 0; r < n; r++) {
		const float *tr = t + r * k, *pr = zp + r * k, *zr = z + r * k;
		float *ur = du + r * k;
		for (size_t j = 0; j < k; j++) {
			float err = s * (pr[j] - zr[j]); /* d/d zp */
			e->ggain[j] += err * tr[j];
			ur[j] = err * e->gain[j] * (1.0f - tr[j] * tr[j]);
			e->gb[j] += ur[j];
		}
	}
	/* dP = du^T x */
	as_sgemm(1, 0, k, d, n, 1.0f, du, k, x, d, 0.0f, e->gp, d);
}

double as_psd_energy(struct as_model *m, const struct as_psd *e,
		     const struct as_config *cfg, const float *x, size_t n,
		     float *work)
{
	size_t d = m->n_visible, k = m->n_hidden, nk = n * k;
	float *zp = work + as_sc_work_len(d, k, m->max_batch);
	float *t = zp + m->max_batch * k;
	float *z = m->h;
	as_psd_predict(e, k, d, x, n, t, zp);
	as_psd_infer(m, cfg, x, n, zp, z, work);
	double recon, l1, pred = 0;
	as_sc_energy(m, x, z, n, &recon, &l1); /* leaves x - zW in xr */
	for (size_t i = 0; i < nk; i++)
		pred += 0.5 * (double)(z[i] - zp[i]) * (z[i] - zp[i]);
	return recon + cfg->sc_lambda * l1 + cfg->psd_alpha * pred;
}

void as_psd_step(struct as_model *m, const struct as_psd *e,
		 const struct as_config *cfg, const float *x, size_t n,
		 float lr, float *work, struct as_losses *out)
{
	size_t d = m->n_visible, k = m->n_hidden;
	float *zp = work + as_sc_work_len(d, k, m->max_batch);
	float *t = zp + m->max_batch * k;
	float *z = m->h;
	out->recon = as_psd_energy(m, e, cfg, x, n, work) / (double)n;
	out->penalty = 0;
	/* the dictionary as sparse coding's, at the inferred codes */
	dictionary_grad(m, cfg, z, n);
	/* the encoder towards the inferred codes (m->dh is free again) */
	as_psd_pred_grad(e, k, d, cfg->psd_alpha, x, t, zp, z, n, m->dh);
	if (cfg->weight_decay > 0)
		for (size_t i = 0; i < k * d; i++)
			e->gp[i] += cfg->weight_decay * e->p[i];
	as_model_update(m, cfg, lr);
	/* [P | b | gain], as every other block moves */
	k_momentum(e->p, e->v, e->gp, k * d + 2 * k, cfg->momentum, lr);
	if (cfg->renorm)
		as_sc_renorm(m);
}
