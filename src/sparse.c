/* sparse: sparse coding by ISTA / FISTA (sparse.h). */
#include <math.h>
#include <string.h>

#include "autoscope/blas.h"
#include "autoscope/sparse.h"

#define POWER_ITERS 30

size_t as_sc_work_len(size_t n_visible, size_t n_hidden, size_t max_batch)
{
	return max_batch * n_hidden + n_hidden + n_visible;
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

void as_sc_infer(struct as_model *m, const struct as_config *cfg,
		 const float *x, size_t n, float *z, float *work)
{
	size_t k = m->n_hidden, d = m->n_visible, nk = n * k;
	float L = as_sc_lipschitz(m, POWER_ITERS, work + m->max_batch * k);
	float step = 1.0f / L, thr = cfg->sc_lambda / L;
	float *y = work, *g = m->dh;
	memset(z, 0, nk * sizeof(float));
	memset(y, 0, nk * sizeof(float));
	double t = 1;
	for (int it = 0; it < cfg->sc_iters; it++) {
		const float *at = cfg->sc_fista ? y : z;
		/* g = -(x - at W) W^T: the gradient of the squared error */
		residual(m, x, at, n);
		as_sgemm(0, 1, n, k, d, -1.0f, m->xr, d, m->w, d, 0.0f, g, k);
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

void as_sc_step(struct as_model *m, const struct as_config *cfg,
		const float *x, size_t n, float lr, float *work,
		struct as_losses *out)
{
	size_t d = m->n_visible, k = m->n_hidden;
	float *z = m->h;
	as_sc_infer(m, cfg, x, n, z, work);
	double recon, l1;
	as_sc_energy(m, x, z, n, &recon, &l1); /* leaves x - zW in xr */
	/* the loss is the energy itself, both terms (the held-out curve
	 * measures the same) */
	out->recon = (recon + cfg->sc_lambda * l1) / (double)n;
	out->penalty = 0;
	/* dE/dW = -z^T (x - zW) / n, plus weight decay; nothing else moves */
	as_sgemm(1, 0, k, d, n, -1.0f / (float)n, z, k, m->xr, d, 0.0f, m->gw,
		 d);
	if (cfg->weight_decay > 0)
		for (size_t i = 0; i < k * d; i++)
			m->gw[i] += cfg->weight_decay * m->w[i];
	memset(m->gb, 0, k * sizeof(float));
	memset(m->gc, 0, d * sizeof(float));
	if (!m->tied)
		memset(m->gw2, 0, k * d * sizeof(float));
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
