/* stack_rbm: a layer trained as an RBM by one-step contrastive
 * divergence (stack.h). */
#include <math.h>
#include <string.h>

#include "autoscope/blas.h"
#include "autoscope/rng.h"
#include "autoscope/stack.h"

#include "kernels.h"
#include "stack_internal.h"

/* mean-field CD-1 reconstruction: v1 of v0 through a tied view */
void stack_rbm_mean_field(struct as_model *m, int gaussian_visible,
			  int linear_hidden, const float *v0, size_t n,
			  float *v1)
{
	pre_up(m, v0, n, m->h);
	if (!linear_hidden)
		k_sigmoid(m->h, n * m->n_hidden);
	int tied = m->tied;
	m->tied = 1;
	pre_down(m, m->h, n, v1);
	m->tied = tied;
	if (!gaussian_visible)
		k_sigmoid(v1, n * m->n_visible);
}

double as_rbm_step(struct as_model *m, const struct as_config *cfg,
		   int gaussian_visible, int linear_hidden, const float *v0,
		   size_t n, float lr, struct as_rng *rng)
{
	size_t nv = m->n_visible, nh = m->n_hidden;
	float inv_n = 1.0f / (float)n;
	float *ph0 = m->h, *h = m->dh, *v1 = m->xr;
	pre_up(m, v0, n, ph0);
	if (!linear_hidden)
		k_sigmoid(ph0, n * nh);
	if (linear_hidden)
		for (size_t i = 0; i < n * nh; i++)
			h[i] = ph0[i] + as_rng_normal(rng);
	else
		as_rng_bernoulli(rng, ph0, h, n * nh);
	/* v1 = h0 W + c */
	for (size_t e = 0; e < n; e++)
		memcpy(v1 + e * nv, m->c, nv * sizeof(float));
	as_sgemm(0, 0, n, nv, nh, 1.0f, h, nh, m->w, nv, 1.0f, v1, nv);
	if (!gaussian_visible)
		k_sigmoid(v1, n * nv);
	/* gradient of the descent direction: negative of the CD-1
	 * estimate (ph1^T v1 - ph0^T v0) / n */
	as_sgemm(1, 0, nh, nv, n, -inv_n, ph0, nh, v0, nv, 0.0f, m->gw, nv);
	float *ph1 = h; /* h0 is no longer needed */
	pre_up(m, v1, n, ph1);
	if (!linear_hidden)
		k_sigmoid(ph1, n * nh);
	as_sgemm(1, 0, nh, nv, n, inv_n, ph1, nh, v1, nv, 1.0f, m->gw, nv);
	/* db = mean (ph1 - ph0), dc = mean (v1 - v0), row by row */
	memset(m->gb, 0, nh * sizeof(float));
	memset(m->gc, 0, nv * sizeof(float));
	for (size_t e = 0; e < n; e++) {
		const float *p0 = ph0 + e * nh, *p1 = ph1 + e * nh;
		const float *a0 = v0 + e * nv, *a1 = v1 + e * nv;
		float *gb = m->gb, *gc = m->gc;
#pragma omp simd
		for (size_t j = 0; j < nh; j++)
			gb[j] += (p1[j] - p0[j]) * inv_n;
#pragma omp simd
		for (size_t i = 0; i < nv; i++)
			gc[i] += (a1[i] - a0[i]) * inv_n;
	}
	float wd = cfg->weight_decay;
	if (wd > 0)
		for (size_t i = 0; i < nh * nv; i++)
			m->gw[i] += wd * m->w[i];
	size_t len = nh * nv + nh + nv; /* W, b, c: W' is not the RBM's */
	k_momentum(m->params, m->velocity, m->grad, len, cfg->momentum, lr);
	return half_sq(v0, v1, n * nv) / (double)n;
}

