/* sesm: the energy-based autoencoders with code inference (sesm.h). */
#include <math.h>
#include <string.h>

#include "autoscope/blas.h"
#include "autoscope/sesm.h"

#include "kernels.h"
#include "stack_internal.h"

/* the scratch: zp, z*, a, g (max_batch x k each), theta (k) */
struct scratch {
	float *zp, *z, *a, *g, *theta;
};

static struct scratch scratch_of(const struct as_model *m, float *work)
{
	size_t bk = m->max_batch * m->n_hidden;
	return (struct scratch){work, work + bk, work + 2 * bk, work + 3 * bk,
				work + 4 * bk};
}

size_t as_sesm_work_len(size_t n_visible, size_t n_hidden, size_t max_batch)
{
	(void)n_visible;
	return 4 * max_batch * n_hidden + n_hidden;
}

void as_sesm_thresholds(const struct as_config *cfg, const float *log_zeta,
			size_t k, float *theta)
{
	if (cfg->sesm_code != AS_SESM_SPARSIFYING) {
		memset(theta, 0, k * sizeof(float));
		return;
	}
	double eta = cfg->sesm_eta;
	float base = (float)log((1.0 - eta) / eta);
	for (size_t j = 0; j < k; j++)
		theta[j] = base + log_zeta[j];
}

void as_sesm_nonlin(const struct as_config *cfg, const float *theta,
		    const float *z, size_t n, size_t k, float *a)
{
	float beta = cfg->sesm_beta;
	for (size_t e = 0; e < n; e++)
		for (size_t j = 0; j < k; j++)
			a[e * k + j] = beta * z[e * k + j] - theta[j];
	k_sigmoid(a, n * k);
}

void as_sesm_decode(const struct as_model *m, const float *a, size_t n,
		    float *out)
{
	pre_down(m, a, n, out); /* the autoencoder's linear decoder */
}

void as_sesm_predict(const struct as_model *m, const float *x, size_t n,
		     float *zp)
{
	size_t d = m->n_visible, k = m->n_hidden;
	as_sgemm(0, 1, n, k, d, 1.0f, x, d, m->w, d, 0.0f, zp, k);
	for (size_t e = 0; e < n; e++)
		for (size_t j = 0; j < k; j++)
			zp[e * k + j] += m->b[j];
}

/* a = a(z) and the residual x^ - x into m->xr */
static void forward(struct as_model *m, const struct as_config *cfg,
		    const float *theta, const float *x, const float *z,
		    size_t n, float *a)
{
	size_t d = m->n_visible;
	as_sesm_nonlin(cfg, theta, z, n, m->n_hidden, a);
	as_sesm_decode(m, a, n, m->xr);
	for (size_t i = 0; i < n * d; i++)
		m->xr[i] -= x[i];
}

/* each row's energy from what forward left */
static double energies(const struct as_model *m, const struct as_config *cfg,
		       const float *zp, const float *z, const float *a,
		       size_t n, float *e)
{
	size_t d = m->n_visible, k = m->n_hidden;
	double total = 0;
	for (size_t r = 0; r < n; r++) {
		double sq = 0, pred = 0, sparse = 0;
		const float *xr = m->xr + r * d;
		for (size_t i = 0; i < d; i++)
			sq += (double)xr[i] * xr[i];
		for (size_t j = 0; j < k; j++) {
			double dz = (double)z[r * k + j] - zp[r * k + j];
			double aj = a[r * k + j];
			pred += dz * dz;
			sparse += log1p(aj * aj);
		}
		double er = 0.5 * sq + 0.5 * cfg->sesm_alpha * pred +
			    cfg->sesm_sparsity * sparse;
		if (e)
			e[r] = (float)er;
		total += er;
	}
	return total;
}

double as_sesm_energy_at(struct as_model *m, const struct as_config *cfg,
			 const float *theta, const float *x, const float *zp,
			 const float *z, size_t n, float *a, float *e)
{
	forward(m, cfg, theta, x, z, n, a);
	return energies(m, cfg, zp, z, a, n, e);
}

void as_sesm_infer(struct as_model *m, const struct as_config *cfg,
		   const float *theta, const float *x, const float *zp,
		   size_t n, float *z, float *trace, float *work)
{
	size_t d = m->n_visible, k = m->n_hidden, nk = n * k;
	struct scratch w = scratch_of(m, work);
	int iters = cfg->sesm_iters, t = as_sesm_trace_len(cfg);
	float alpha = cfg->sesm_alpha, beta = cfg->sesm_beta;
	float s2 = 2.0f * cfg->sesm_sparsity, step = cfg->sesm_step;
	float *a = w.a, *g = w.g;
	memcpy(z, zp, nk * sizeof(float));
	for (int it = 0; it <= iters; it++) {
		forward(m, cfg, theta, x, z, n, a);
		if (trace && (it < t || it == iters)) {
			/* the energies into g's rows for a moment; the last
			 * step's always last */
			size_t at = (size_t)(it < t ? it : t);
			energies(m, cfg, zp, z, a, n, g);
			for (size_t r = 0; r < n; r++)
				trace[r * (size_t)(t + 1) + at] = g[r];
		}
		if (it == iters)
			break;
		/* dE/da = (x^ - x) D^T + s 2a / (1 + a^2) */
		if (m->tied)
			as_sgemm(0, 1, n, k, d, 1.0f, m->xr, d, m->w, d, 0.0f, g,
				 k);
		else
			as_sgemm(0, 0, n, k, d, 1.0f, m->xr, d, m->w2, k, 0.0f,
				 g, k);
		for (size_t i = 0; i < nk; i++) {
			float ai = a[i];
			float da = g[i] + s2 * ai / (1.0f + ai * ai);
			float dz = da * beta * ai * (1.0f - ai) +
				   alpha * (z[i] - zp[i]);
			z[i] -= step * dz;
		}
	}
}

int as_sesm_trace_len(const struct as_config *cfg)
{
	return cfg->sesm_iters < AS_SESM_TRACE_MAX ? cfg->sesm_iters
						   : AS_SESM_TRACE_MAX;
}

/* the thresholds, the predictions and z* inferred from them, into the
 * scratch (and the trace) */
static struct scratch from_prediction(struct as_model *m,
				      const float *log_zeta,
				      const struct as_config *cfg,
				      const float *x, size_t n, float *trace,
				      float *work)
{
	struct scratch w = scratch_of(m, work);
	as_sesm_thresholds(cfg, log_zeta, m->n_hidden, w.theta);
	as_sesm_predict(m, x, n, w.zp);
	as_sesm_infer(m, cfg, w.theta, x, w.zp, n, w.z, trace, work);
	return w;
}

double as_sesm_energy(struct as_model *m, const float *log_zeta,
		      const struct as_config *cfg, const float *x, size_t n,
		      float *work)
{
	struct scratch w = from_prediction(m, log_zeta, cfg, x, n, NULL, work);
	return as_sesm_energy_at(m, cfg, w.theta, x, w.zp, w.z, n, w.a, NULL);
}

void as_sesm_encode(const struct as_model *m, const float *log_zeta,
		    const struct as_config *cfg, const float *x, size_t n,
		    float *h, float *work)
{
	struct scratch w = scratch_of(m, work);
	as_sesm_thresholds(cfg, log_zeta, m->n_hidden, w.theta);
	as_sesm_predict(m, x, n, h);
	as_sesm_nonlin(cfg, w.theta, h, n, m->n_hidden, h);
}

void as_sesm_trace(struct as_model *m, const float *log_zeta,
		   const struct as_config *cfg, const float *x, size_t n,
		   float *trace, float *a_pred, float *a_star,
		   float *recon_star, float *work)
{
	size_t k = m->n_hidden;
	struct scratch w = from_prediction(m, log_zeta, cfg, x, n, trace, work);
	as_sesm_nonlin(cfg, w.theta, w.zp, n, k, a_pred);
	as_sesm_nonlin(cfg, w.theta, w.z, n, k, a_star);
	as_sesm_decode(m, a_star, n, recon_star);
}

/* log(e^p + e^q) without overflow */
static double log_add(double p, double q)
{
	double hi = p > q ? p : q, lo = p > q ? q : p;
	return hi + log1p(exp(lo - hi));
}

void as_sesm_step(struct as_model *m, float *log_zeta,
		  const struct as_config *cfg, const float *x, size_t n,
		  float lr, float *work, struct as_losses *out)
{
	size_t d = m->n_visible, k = m->n_hidden, nk = n * k;
	struct scratch w = scratch_of(m, work);
	out->recon = as_sesm_energy(m, log_zeta, cfg, x, n, work) / (double)n;
	out->penalty = 0;
	float inv = 1.0f / (float)n;
	const float *r = m->xr;
	/* the decoder: dE/dD = a*^T (x^ - x), dE/dc = x^ - x */
	if (m->tied)
		as_sgemm(1, 0, k, d, n, inv, w.a, k, r, d, 0.0f, m->gw, d);
	else
		as_sgemm(1, 0, d, k, n, inv, r, d, w.a, k, 0.0f, m->gw2, k);
	column_sums(r, n, d, m->gc);
	for (size_t i = 0; i < d; i++)
		m->gc[i] *= inv;
	/* the encoder towards z*: dE/dz^ = alpha (z^ - z*), a row's mean */
	float *u = w.g;
	for (size_t i = 0; i < nk; i++)
		u[i] = cfg->sesm_alpha * inv * (w.zp[i] - w.z[i]);
	as_sgemm(1, 0, k, d, n, 1.0f, u, k, x, d, m->tied ? 1.0f : 0.0f, m->gw,
		 d);
	column_sums(u, n, k, m->gb);
	if (cfg->weight_decay > 0) {
		for (size_t i = 0; i < k * d; i++)
			m->gw[i] += cfg->weight_decay * m->w[i];
		if (!m->tied)
			for (size_t i = 0; i < k * d; i++)
				m->gw2[i] += cfg->weight_decay * m->w2[i];
	}
	as_model_update(m, cfg, lr);
	if (cfg->sesm_code != AS_SESM_SPARSIFYING)
		return;
	/* zeta_j(k) = eta e^{beta z_j(k)} + (1 - eta) zeta_j(k-1), in logs */
	double le = log(cfg->sesm_eta), lk = log(1.0 - cfg->sesm_eta);
	for (size_t e = 0; e < n; e++)
		for (size_t j = 0; j < k; j++)
			log_zeta[j] = (float)log_add(
				le + (double)cfg->sesm_beta * w.z[e * k + j],
				lk + log_zeta[j]);
}
