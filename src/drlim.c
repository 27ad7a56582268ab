#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/drlim.h"
#include "autoscope/measure.h"
#include "autoscope/stack.h"

#include "stack_internal.h"

#define K AS_DRLIM_K

enum as_status as_pairs_build(const float *x, size_t n, size_t d,
			      size_t copies, struct as_pairs *out,
			      struct as_error *err)
{
	memset(out, 0, sizeof *out);
	size_t len;
	if (n < 2 || n > UINT32_MAX || copies == 0 || n % copies ||
	    !as_mul_ok(n, K + 1, &len))
		return as_error_set(err, AS_ERR_INVALID,
				    "DrLIM's neighbours need at least two "
				    "examples in whole groups of copies "
				    "(%zu examples, %zu copies each)",
				    n, copies);
	/* each row's K + 1 nearest among all (itself among them, the
	 * search of measure.h), then itself left out */
	size_t k1 = n < K + 1 ? n : K + 1;
	uint32_t *all = malloc(n * k1 * sizeof *all);
	out->nn = malloc(n * K * sizeof *out->nn);
	double unused;
	enum as_status st =
		!all || !out->nn
			? as_error_set(err, AS_ERR_NOMEM,
				       "out of memory for the neighbours of "
				       "%zu examples",
				       n)
			: as_knn_precision(x, NULL, n, x, NULL, n, d, k1, 0,
					   &unused, all, err);
	if (st != AS_OK) {
		free(all);
		free(out->nn);
		out->nn = NULL;
		return st;
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t *row = out->nn + i * K;
		size_t got = 0;
		for (size_t q = 0; q < k1 && got < K; q++)
			if (all[i * k1 + q] != i)
				row[got++] = all[i * k1 + q];
		/* fewer than K others: the nearest repeated */
		for (size_t q = got; q < K; q++)
			row[q] = row[0];
	}
	free(all);
	out->n = n;
	out->copies = copies;
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
	/* no decoder in a mapping: its gradient parts are never written and
	 * stay the zeros the stack was made with */
	stack_encoder_backward(s, cfg, x, 2 * n, 0);
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
