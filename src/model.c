#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/blas.h"
#include "autoscope/mem.h"
#include "autoscope/model.h"

#include "kernels.h"

static size_t arena_len(size_t nv, size_t nh)
{
	return 2 * nv * nh + nh + nv;
}

static void point_into(struct as_model *m, float *base, float **w, float **b,
		       float **c, float **w2)
{
	size_t nv = m->n_visible, nh = m->n_hidden;
	*w = base;
	*b = base + nh * nv;
	*c = *b + nh;
	*w2 = *c + nv;
}

size_t as_model_arena_len(size_t n_visible, size_t n_hidden)
{
	return arena_len(n_visible, n_hidden);
}

/* arenas NULL: the model owns its own */
static enum as_status create(size_t n_visible, size_t n_hidden,
			     size_t max_batch, float *params, float *grad,
			     float *velocity, struct as_model **out,
			     struct as_error *err)
{
	*out = NULL;
	size_t nvnh, wsv, wsh;
	if (n_visible == 0 || n_hidden == 0 || max_batch == 0)
		return as_error_set(
			err, AS_ERR_INVALID,
			"model sizes must be positive (%zu visible, "
			"%zu hidden, batch %zu)",
			n_visible, n_hidden, max_batch);
	if (!as_mul_ok(n_visible, n_hidden, &nvnh) ||
	    !as_mul_ok(max_batch, n_visible, &wsv) ||
	    !as_mul_ok(max_batch, n_hidden, &wsh) || nvnh > (SIZE_MAX / 16))
		return as_error_set(err, AS_ERR_NOMEM,
				    "model of %zu x %zu is too large", n_hidden,
				    n_visible);
	struct as_model *m = calloc(1, sizeof *m);
	if (!m)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	m->n_visible = n_visible;
	m->n_hidden = n_hidden;
	m->max_batch = max_batch;
	m->tied = 1;
	m->n_params = arena_len(n_visible, n_hidden);
	m->view = params != NULL;
	if (m->view) {
		m->params = params;
		m->grad = grad;
		m->velocity = velocity;
	} else {
		m->params = as_alloc_large_zero(m->n_params, sizeof(float));
		m->grad = as_alloc_large_zero(m->n_params, sizeof(float));
		m->velocity = as_alloc_large_zero(m->n_params, sizeof(float));
	}
	m->xc = as_alloc_large(wsv, sizeof(float));
	m->xr = as_alloc_large(wsv, sizeof(float));
	m->dx = as_alloc_large(wsv, sizeof(float));
	m->h = as_alloc_large(wsh, sizeof(float));
	m->dh = as_alloc_large(wsh, sizeof(float));
	m->col = malloc(n_hidden * sizeof(float));
	m->rowsum = malloc(max_batch * sizeof(float));
	m->perm = malloc(n_visible * sizeof(uint32_t));
	if (!m->params || !m->grad || !m->velocity || !m->xc || !m->xr ||
	    !m->dx || !m->h || !m->dh || !m->col || !m->rowsum || !m->perm) {
		as_model_free(m);
		return as_error_set(err, AS_ERR_NOMEM,
				    "out of memory for a %zu x %zu model",
				    n_hidden, n_visible);
	}
	point_into(m, m->params, &m->w, &m->b, &m->c, &m->w2);
	point_into(m, m->grad, &m->gw, &m->gb, &m->gc, &m->gw2);
	for (size_t i = 0; i < n_visible; i++)
		m->perm[i] = (uint32_t)i;
	*out = m;
	return AS_OK;
}

enum as_status as_model_create(size_t n_visible, size_t n_hidden,
			       size_t max_batch, struct as_model **out,
			       struct as_error *err)
{
	return create(n_visible, n_hidden, max_batch, NULL, NULL, NULL, out,
		      err);
}

enum as_status as_model_create_view(size_t n_visible, size_t n_hidden,
				    size_t max_batch, float *params,
				    float *grad, float *velocity,
				    struct as_model **out, struct as_error *err)
{
	if (!params || !grad || !velocity) {
		*out = NULL;
		return as_error_set(err, AS_ERR_INVALID,
				    "a model view needs its three arenas");
	}
	return create(n_visible, n_hidden, max_batch, params, grad, velocity,
		      out, err);
}

void as_model_free(struct as_model *m)
{
	if (!m)
		return;
	if (!m->view) {
		free(m->params);
		free(m->grad);
		free(m->velocity);
	}
	free(m->xc);
	free(m->xr);
	free(m->dx);
	free(m->h);
	free(m->dh);
	free(m->col);
	free(m->rowsum);
	free(m->perm);
	free(m);
}

/* dst (cols x rows) := src^T, src rows x cols */
static void transpose(float *dst, const float *src, size_t rows, size_t cols)
{
	for (size_t i = 0; i < rows; i++)
		for (size_t j = 0; j < cols; j++)
			dst[j * rows + i] = src[i * cols + j];
}

void as_model_init(struct as_model *m, const struct as_config *cfg,
		   struct as_rng *rng)
{
	size_t nv = m->n_visible, nh = m->n_hidden;
	float r = sqrtf(6.0f / (float)(nv + nh));
	if (cfg->encoder == AS_ACT_SIGMOID)
		r *= 4.0f;
	for (size_t i = 0; i < nh * nv; i++)
		m->w[i] = (2.0f * as_rng_uniform(rng) - 1.0f) * r;
	memset(m->b, 0, (nh + nv) * sizeof(float));
	transpose(m->w2, m->w, nh, nv);
	memset(m->velocity, 0, m->n_params * sizeof(float));
	memset(m->grad, 0, m->n_params * sizeof(float));
	m->tied = cfg->tied ? 1 : 0;
}

/* w := (w + w2^T) / 2, then w2 := w^T (kept consistent while tied) */
static void tie_pair(float *w, float *w2, size_t nh, size_t nv)
{
	for (size_t i = 0; i < nh; i++)
		for (size_t j = 0; j < nv; j++)
			w[i * nv + j] = 0.5f * (w[i * nv + j] + w2[j * nh + i]);
	transpose(w2, w, nh, nv);
}

void as_model_set_tied(struct as_model *m, int tied)
{
	tied = tied ? 1 : 0;
	if (tied == m->tied)
		return;
	size_t nv = m->n_visible, nh = m->n_hidden;
	float *vw, *vb, *vc, *vw2;
	point_into(m, m->velocity, &vw, &vb, &vc, &vw2);
	if (tied) {
		tie_pair(m->w, m->w2, nh, nv);
		tie_pair(vw, vw2, nh, nv);
		/* not written while tied (the decoder gradient goes to W) */
		memset(m->gw2, 0, nh * nv * sizeof(float));
	} else {
		transpose(m->w2, m->w, nh, nv);
		transpose(vw2, vw, nh, nv);
	}
	m->tied = tied;
}

enum as_status as_model_copy_weights(struct as_model *dst,
				     const struct as_model *src,
				     struct as_error *err)
{
	if (dst->n_visible != src->n_visible || dst->n_hidden != src->n_hidden)
		return as_error_set(err, AS_ERR_INVALID,
				    "cannot copy a %zu x %zu model into a %zu "
				    "x %zu one",
				    src->n_hidden, src->n_visible,
				    dst->n_hidden, dst->n_visible);
	/* [W | b | c] always; W' only when it is in use */
	size_t nv = src->n_visible, nh = src->n_hidden;
	size_t head = nh * nv + nh + nv;
	memcpy(dst->params, src->params, head * sizeof(float));
	if (!src->tied)
		memcpy(dst->w2, src->w2, nv * nh * sizeof(float));
	dst->tied = src->tied;
	return AS_OK;
}

/* Chooses m distinct components of 0..d-1 into perm[0..m) by a partial
 * Fisher-Yates shuffle from the identity, so that the choice depends on
 * the generator's state alone (a resumed run draws the same masks). */
static void choose(uint32_t *perm, size_t d, size_t m, struct as_rng *rng)
{
	for (size_t i = 0; i < d; i++)
		perm[i] = (uint32_t)i;
	for (size_t i = 0; i < m; i++) {
		size_t j = i + as_rng_below(rng, (uint32_t)(d - i));
		uint32_t t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
}

void as_corrupt(const struct as_config *cfg, const float *x, float *out,
		size_t n, size_t d, uint32_t *perm, struct as_rng *rng)
{
	float level = cfg->corruption_level;
	if (out != x)
		memcpy(out, x, n * d * sizeof(float));
	if (level <= 0)
		return;
	if (cfg->corruption == AS_CORRUPT_GAUSS) {
		for (size_t i = 0; i < n * d; i++)
			out[i] += level * as_rng_normal(rng);
		return;
	}
	/* mask and salt-and-pepper touch exactly round(nu d) components */
	size_t m = (size_t)lround((double)level * (double)d);
	if (m > d)
		m = d;
	for (size_t e = 0; e < n; e++) {
		float *row = out + e * d;
		choose(perm, d, m, rng);
		if (cfg->corruption == AS_CORRUPT_MASK) {
			for (size_t i = 0; i < m; i++)
				row[perm[i]] = 0.0f;
		} else {
			for (size_t i = 0; i < m; i++)
				row[perm[i]] = (float)(as_rng_u64(rng) >> 63);
		}
	}
}

/* h = s_e(xc W^T + b): GEMM 1 and the encoder non-linearity. */
static void encode_batch(struct as_model *m, const struct as_config *cfg,
			 const float *xc, size_t n, float *h)
{
	size_t nv = m->n_visible, nh = m->n_hidden;
	for (size_t e = 0; e < n; e++)
		memcpy(h + e * nh, m->b, nh * sizeof(float));
	as_sgemm(0, 1, n, nh, nv, 1.0f, xc, nv, m->w, nv, 1.0f, h, nh);
	if (cfg->encoder == AS_ACT_SIGMOID)
		k_sigmoid(h, n * nh);
}

/* a = h W'^T + c (decoder pre-activation) into out: GEMM 2. */
static void decode_pre(struct as_model *m, const float *h, size_t n, float *out)
{
	size_t nv = m->n_visible, nh = m->n_hidden;
	for (size_t e = 0; e < n; e++)
		memcpy(out + e * nv, m->c, nv * sizeof(float));
	if (m->tied)
		as_sgemm(0, 0, n, nv, nh, 1.0f, h, nh, m->w, nv, 1.0f, out, nv);
	else
		as_sgemm(0, 1, n, nv, nh, 1.0f, h, nh, m->w2, nh, 1.0f, out,
			 nv);
}

static double kl_penalty(float rho, float rho_hat)
{
	/* clamp: a saturated unit gives a large but finite penalty */
	double q = rho_hat < 1e-6f	 ? 1e-6
		   : rho_hat > 1 - 1e-6f ? 1 - 1e-6
					 : rho_hat;
	return rho * log(rho / q) + (1 - rho) * log((1 - rho) / (1 - q));
}

void as_model_grad(struct as_model *m, const struct as_config *cfg,
		   const float *x, const float *xc, size_t n,
		   struct as_losses *out)
{
	size_t nv = m->n_visible, nh = m->n_hidden;
	float inv_n = 1.0f / (float)n;
	int sig = cfg->encoder == AS_ACT_SIGMOID;
	double penalty = 0;

	encode_batch(m, cfg, xc, n, m->h);
	decode_pre(m, m->h, n, m->xr);
	double recon = output_loss(cfg, m->xr, x, m->dx, n * nv, inv_n);

	/* decoder: dL/dW' = dx^T h (GEMM 3; tied: its transpose h^T dx is
	 * the decoder part of dL/dW), dL/dc = column sums of dx */
	if (m->tied)
		as_sgemm(1, 0, nh, nv, n, 1.0f, m->h, nh, m->dx, nv, 0.0f,
			 m->gw, nv);
	else
		as_sgemm(1, 0, nv, nh, n, 1.0f, m->dx, nv, m->h, nh, 0.0f,
			 m->gw2, nh);
	column_sums(m->dx, n, nv, m->gc);

	/* back to the code: dL/dh = dx W' (GEMM 4) */
	if (m->tied)
		as_sgemm(0, 1, n, nh, nv, 1.0f, m->dx, nv, m->w, nv, 0.0f,
			 m->dh, nh);
	else
		as_sgemm(0, 0, n, nh, nv, 1.0f, m->dx, nv, m->w2, nh, 0.0f,
			 m->dh, nh);

	/* KL sparsity on rho^_j = mean_n h_nj:
	 * d/dh_nj = beta / n (-rho / rho^_j + (1 - rho) / (1 - rho^_j)) */
	if (sig && cfg->sparsity_weight > 0) {
		float rho = cfg->sparsity_target, beta = cfg->sparsity_weight;
		column_sums(m->h, n, nh, m->col);
		double kl = 0;
		for (size_t j = 0; j < nh; j++) {
			float q = m->col[j] * inv_n;
			kl += kl_penalty(rho, q);
			q = fminf(fmaxf(q, 1e-6f), 1 - 1e-6f);
			m->col[j] =
				beta * inv_n * (-rho / q + (1 - rho) / (1 - q));
		}
		penalty += beta * kl;
		for (size_t e = 0; e < n; e++) {
			float *row = m->dh + e * nh;
#pragma omp simd
			for (size_t j = 0; j < nh; j++)
				row[j] += m->col[j];
		}
	}

	/* through the encoder non-linearity: dh * h (1 - h) */
	if (sig)
		k_dsigmoid(m->dh, m->h, n * nh);

	/* contractive, sigmoid: J = diag(s) W with s = h (1 - h), so
	 * ||J||_F^2 = sum_j s_j^2 ||W_j||^2 (Rifai et al. 2011, eq. 5);
	 *   d/da_nj = lambda / n 2 s^2 (1 - 2h) ||W_j||^2
	 *   d/dW_j += 2 lambda mean_n(s_nj^2) W_j
	 * linear encoder: J = W, the penalty is lambda ||W||_F^2. */
	float lam = cfg->contractive_weight;
	if (lam > 0) {
		for (size_t j = 0; j < nh; j++) {
			const float *wj = m->w + j * nv;
			float s = 0;
#pragma omp simd reduction(+ : s)
			for (size_t i = 0; i < nv; i++)
				s += wj[i] * wj[i];
			m->col[j] = s;
		}
	}

	/* encoder: dL/dW += dh^T xc (GEMM 5), dL/db = column sums of dh */
	if (lam > 0 && sig) {
		double cpen = 0;
		for (size_t e = 0; e < n; e++) {
			const float *hr = m->h + e * nh;
			float *dr = m->dh + e * nh;
			for (size_t j = 0; j < nh; j++) {
				float s = hr[j] * (1.0f - hr[j]);
				float s2 = s * s;
				cpen += (double)s2 * m->col[j];
				dr[j] += lam * inv_n * 2.0f * s2 *
					 (1.0f - 2.0f * hr[j]) * m->col[j];
			}
		}
		penalty += lam * cpen / (double)n;
	}
	as_sgemm(1, 0, nh, nv, n, 1.0f, m->dh, nh, xc, nv,
		 m->tied ? 1.0f : 0.0f, m->gw, nv);
	column_sums(m->dh, n, nh, m->gb);

	if (lam > 0) {
		double wn = 0;
		for (size_t j = 0; j < nh; j++)
			wn += m->col[j];
		if (sig) {
			/* mean_n s_nj^2 per unit */
			for (size_t j = 0; j < nh; j++) {
				float a = 0;
				for (size_t e = 0; e < n; e++) {
					float h = m->h[e * nh + j];
					float s = h * (1.0f - h);
					a += s * s;
				}
				float k = 2.0f * lam * a * inv_n;
				float *gj = m->gw + j * nv;
				const float *wj = m->w + j * nv;
#pragma omp simd
				for (size_t i = 0; i < nv; i++)
					gj[i] += k * wj[i];
			}
		} else {
			penalty += lam * wn;
			size_t len = nh * nv;
#pragma omp simd
			for (size_t i = 0; i < len; i++)
				m->gw[i] += 2.0f * lam * m->w[i];
		}
	}

	/* L2 weight decay (wd / 2) ||W||^2 (+ ||W'||^2 untied) */
	float wd = cfg->weight_decay;
	if (wd > 0) {
		size_t len = nh * nv;
		double sq = 0;
		for (size_t i = 0; i < len; i++) {
			sq += (double)m->w[i] * m->w[i];
			m->gw[i] += wd * m->w[i];
		}
		if (!m->tied) {
			for (size_t i = 0; i < len; i++) {
				sq += (double)m->w2[i] * m->w2[i];
				m->gw2[i] += wd * m->w2[i];
			}
		}
		penalty += 0.5 * wd * sq;
	}
	if (out) {
		out->recon = recon / (double)n;
		out->penalty = penalty;
	}
}

void as_model_update(struct as_model *m, const struct as_config *cfg, float lr)
{
	/* tied: the arena's W' part is not a parameter */
	size_t len = m->tied ? m->n_params - m->n_visible * m->n_hidden
			     : m->n_params;
	float mom = cfg->momentum;
	float *p = m->params, *v = m->velocity;
	const float *g = m->grad;
	k_momentum(p, v, g, len, mom, lr);
}

void as_model_step(struct as_model *m, const struct as_config *cfg,
		   const float *x, size_t n, float lr, struct as_rng *rng,
		   struct as_losses *out)
{
	as_corrupt(cfg, x, m->xc, n, m->n_visible, m->perm, rng);
	as_model_grad(m, cfg, x, m->xc, n, out);
	as_model_update(m, cfg, lr);
}

double as_model_eval(struct as_model *m, const struct as_config *cfg,
		     const float *x, size_t n, struct as_rng *noise)
{
	size_t nv = m->n_visible;
	double total = 0;
	for (size_t s = 0; s < n; s += m->max_batch) {
		size_t b = n - s < m->max_batch ? n - s : m->max_batch;
		const float *in = x + s * nv;
		if (noise) {
			as_corrupt(cfg, in, m->xc, b, nv, m->perm, noise);
			in = m->xc;
		}
		encode_batch(m, cfg, in, b, m->h);
		decode_pre(m, m->h, b, m->xr);
		total += output_loss(cfg, m->xr, x + s * nv, NULL, b * nv, 1);
	}
	return n ? total / (double)n : 0;
}

void as_model_encode(struct as_model *m, const struct as_config *cfg,
		     const float *x, size_t n, float *h)
{
	size_t nv = m->n_visible, nh = m->n_hidden;
	for (size_t s = 0; s < n; s += m->max_batch) {
		size_t b = n - s < m->max_batch ? n - s : m->max_batch;
		encode_batch(m, cfg, x + s * nv, b, h + s * nh);
	}
}

void as_model_reconstruct(struct as_model *m, const struct as_config *cfg,
			  const float *xin, size_t n, float *out)
{
	size_t nv = m->n_visible;
	for (size_t s = 0; s < n; s += m->max_batch) {
		size_t b = n - s < m->max_batch ? n - s : m->max_batch;
		encode_batch(m, cfg, xin + s * nv, b, m->h);
		float *o = out + s * nv;
		decode_pre(m, m->h, b, o);
		if (cfg->loss == AS_LOSS_CE) {
			size_t len = b * nv;
#pragma omp simd
			for (size_t i = 0; i < len; i++)
				o[i] = sigmoid_from(o[i],
						    fast_exp_neg(-fabsf(o[i])));
		}
	}
}

void as_model_sync_decoder(struct as_model *m)
{
	if (m->tied)
		transpose(m->w2, m->w, m->n_hidden, m->n_visible);
}

int as_model_finite(const struct as_model *m)
{
	size_t len = m->tied ? m->n_params - m->n_visible * m->n_hidden
			     : m->n_params;
	int ok = 1;
	for (size_t i = 0; i < len; i++)
		ok &= isfinite(m->params[i]) != 0;
	return ok;
}

double as_model_decoder_cos(const struct as_model *m)
{
	size_t d = m->n_visible, k = m->n_hidden;
	if (m->tied || k == 0)
		return 1.0;
	double total = 0;
	for (size_t j = 0; j < k; j++) {
		double dot = 0, ee = 0, dd = 0;
		for (size_t i = 0; i < d; i++) {
			double p = m->w[j * d + i], q = m->w2[i * k + j];
			dot += p * q;
			ee += p * p;
			dd += q * q;
		}
		total += ee > 0 && dd > 0 ? dot / sqrt(ee * dd) : 0;
	}
	return total / (double)k;
}
