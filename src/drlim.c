#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/blas.h"
#include "autoscope/drlim.h"
#include "autoscope/mem.h"
#include "autoscope/stack.h"

#include "stack_internal.h"

#define K AS_DRLIM_K
#define BLOCK 256 /* rows of distances computed at once */

/* keeps the K smallest (d, j) of a row, sorted, ties to the lower j */
static void keep(float *best_d, uint32_t *best_j, float d, uint32_t j)
{
	if (d > best_d[K - 1] || (d == best_d[K - 1] && j > best_j[K - 1]))
		return;
	size_t at = K - 1;
	while (at > 0 && (d < best_d[at - 1] ||
			  (d == best_d[at - 1] && j < best_j[at - 1]))) {
		best_d[at] = best_d[at - 1];
		best_j[at] = best_j[at - 1];
		at--;
	}
	best_d[at] = d;
	best_j[at] = j;
}

enum as_status as_pairs_build(const float *x, size_t n, size_t d,
			      size_t copies, struct as_pairs *out,
			      struct as_error *err)
{
	memset(out, 0, sizeof *out);
	size_t len;
	if (n < 2 || n > UINT32_MAX || copies == 0 || n % copies ||
	    !as_mul_ok(n, K, &len))
		return as_error_set(err, AS_ERR_INVALID,
				    "DrLIM's neighbours need at least two "
				    "examples in whole groups of copies "
				    "(%zu examples, %zu copies each)",
				    n, copies);
	out->nn = malloc(len * sizeof *out->nn);
	float *norms = malloc(n * sizeof *norms);
	float *g = as_alloc_large(BLOCK * n, sizeof(float));
	if (!out->nn || !norms || !g) {
		free(out->nn);
		out->nn = NULL;
		free(norms);
		free(g);
		return as_error_set(err, AS_ERR_NOMEM,
				    "out of memory for the neighbours of %zu "
				    "examples",
				    n);
	}
	out->n = n;
	out->copies = copies;
	for (size_t i = 0; i < n; i++) {
		double t = 0;
		for (size_t c = 0; c < d; c++)
			t += (double)x[i * d + c] * x[i * d + c];
		norms[i] = (float)t;
	}
	/* ||a - b||^2 = ||a||^2 + ||b||^2 - 2 a.b, a block of rows at once */
	for (size_t at = 0; at < n; at += BLOCK) {
		size_t b = n - at < BLOCK ? n - at : BLOCK;
		as_sgemm(0, 1, b, n, d, 1.0f, x + at * d, d, x, d, 0.0f, g, n);
		for (size_t r = 0; r < b; r++) {
			size_t i = at + r;
			float best_d[K];
			uint32_t best_j[K];
			for (size_t q = 0; q < K; q++) {
				best_d[q] = INFINITY;
				best_j[q] = UINT32_MAX;
			}
			const float *row = g + r * n;
			for (size_t j = 0; j < n; j++)
				if (j != i)
					keep(best_d, best_j,
					     norms[i] + norms[j] - 2 * row[j],
					     (uint32_t)j);
			/* fewer than K others: the nearest repeated */
			for (size_t q = 1; q < K; q++)
				if (best_j[q] == UINT32_MAX)
					best_j[q] = best_j[0];
			memcpy(out->nn + i * K, best_j, sizeof best_j);
		}
	}
	free(norms);
	free(g);
	return AS_OK;
}

enum as_status as_pairs_copy(struct as_pairs *dst, const struct as_pairs *src,
			     struct as_error *err)
{
	size_t len = src->n * K * sizeof *src->nn;
	*dst = *src;
	dst->nn = malloc(len);
	if (!dst->nn) {
		memset(dst, 0, sizeof *dst);
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	}
	memcpy(dst->nn, src->nn, len);
	return AS_OK;
}

void as_pairs_free(struct as_pairs *p)
{
	if (!p)
		return;
	free(p->nn);
	memset(p, 0, sizeof *p);
}

int as_pairs_similar(const struct as_pairs *p, size_t i, size_t j, int mode)
{
	const uint32_t *nn = p->nn + i * K;
	int shifts = mode == AS_DRLIM_PAIRS_SHIFT && p->copies > 1;
	size_t c = p->copies;
	if (shifts && i / c == j / c)
		return 1;
	for (size_t q = 0; q < K; q++)
		if (nn[q] == j || (shifts && nn[q] / c == j / c))
			return 1;
	return 0;
}

size_t as_pairs_draw(const struct as_pairs *p, size_t i, int similar,
		     int mode, struct as_rng *rng)
{
	const uint32_t *nn = p->nn + i * K;
	size_t c = p->copies;
	if (similar) {
		if (mode != AS_DRLIM_PAIRS_SHIFT || c == 1)
			return nn[as_rng_below(rng, K)];
		/* its own c - 1 other copies, then the c copies of each
		 * neighbour */
		size_t r = as_rng_below(rng, (uint32_t)(c - 1 + K * c));
		if (r < c - 1) {
			size_t first = i / c * c, own = i - first;
			return first + (r < own ? r : r + 1);
		}
		r -= c - 1;
		return nn[r / c] / c * c + r % c;
	}
	for (;;) { /* almost every pair is dissimilar: rarely a second try */
		size_t j = as_rng_below(rng, (uint32_t)p->n);
		if (j != i && !as_pairs_similar(p, i, j, mode))
			return j;
	}
}

double as_drlim_loss(struct as_stack *s, const struct as_config *cfg,
		     const float *x, const uint8_t *dissimilar, size_t n,
		     int grad, double *penalty)
{
	size_t L = s->n_layers, w = s->sizes[L];
	struct as_model *top = s->layer[L - 1];
	stack_forward(s, cfg, x, 2 * n, NULL);
	const float *a = top->h;
	float m = cfg->drlim_margin, inv_n = 1.0f / (float)n;
	double total = 0;
	for (size_t e = 0; e < n; e++) {
		const float *a1 = a + e * w, *a2 = a + (n + e) * w;
		double sq = 0;
		for (size_t c = 0; c < w; c++)
			sq += (double)(a1[c] - a2[c]) * (a1[c] - a2[c]);
		double dist = sqrt(sq), f;
		if (!dissimilar[e]) {
			/* 1/2 D^2: dL/dG1 = G1 - G2 */
			total += 0.5 * sq;
			f = 1.0;
		} else if (dist < m) {
			/* 1/2 (m - D)^2: dL/dG1 = -(m - D) (G1 - G2) / D */
			total += 0.5 * (m - dist) * (m - dist);
			f = dist > 1e-12 ? -(m - dist) / dist : 0.0;
		} else {
			f = 0.0;
		}
		if (!grad)
			continue;
		float *g1 = top->dh + e * w, *g2 = top->dh + (n + e) * w;
		for (size_t c = 0; c < w; c++) {
			float v = (float)f * (a1[c] - a2[c]) * inv_n;
			g1[c] = v;
			g2[c] = -v;
		}
	}
	if (penalty)
		*penalty = 0;
	if (!grad)
		return total;
	stack_encoder_backward(s, cfg, x, 2 * n, 0);
	for (size_t k = 0; k < L; k++) { /* no decoder in a mapping */
		struct as_model *lm = s->layer[k];
		memset(lm->gc, 0, lm->n_visible * sizeof(float));
		memset(lm->gw2, 0,
		       lm->n_visible * lm->n_hidden * sizeof(float));
	}
	double wd = stack_weight_decay(s, cfg->weight_decay, 0);
	if (penalty)
		*penalty = wd;
	return total;
}

void as_drlim_step(struct as_stack *s, const struct as_config *cfg,
		   const float *x, const uint8_t *dissimilar, size_t n,
		   float lr, struct as_losses *out)
{
	double penalty;
	double loss = as_drlim_loss(s, cfg, x, dissimilar, n, 1, &penalty);
	as_stack_update(s, cfg, lr);
	out->recon = loss / (double)n;
	out->penalty = penalty;
}
