/* stack_finetune: the whole stack trained at once (stack.h): the forward
 * pass, the unrolled decoder's or the softmax head's loss, the backward
 * pass through the encoder, weight decay, the update, and a fine-tuning
 * stage's evaluation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/blas.h"
#include "autoscope/stack.h"

#include "kernels.h"
#include "stack_internal.h"

/* Softmax cross-entropy from logits z (n x C, replaced by dL/dz * scale);
 * returns the summed loss. */
static double softmax_ce(float *z, const uint8_t *y, size_t n, size_t c,
			 float scale)
{
	double total = 0;
	for (size_t e = 0; e < n; e++) {
		float *row = z + e * c, mx = row[0];
		for (size_t j = 1; j < c; j++)
			mx = row[j] > mx ? row[j] : mx;
		double sum = 0;
		for (size_t j = 0; j < c; j++)
			sum += exp((double)(row[j] - mx));
		size_t label = y[e] < c ? y[e] : 0;
		total += log(sum) - (double)(row[label] - mx);
		for (size_t j = 0; j < c; j++)
			row[j] = (float)(exp((double)(row[j] - mx)) / sum) *
				 scale;
		row[label] -= scale;
	}
	return total;
}

void stack_forward(struct as_stack *s, const struct as_config *cfg,
		   const float *x, size_t n, struct as_rng *noise)
{
	const float *in = x;
	size_t top = s->n_layers - 1;
	for (size_t k = 0; k < s->n_layers; k++) {
		float *a = s->layer[k]->h;
		size_t len = n * s->sizes[k + 1];
		pre_up(s->layer[k], in, n, a);
		if (k == top && noise && cfg->code_noise > 0)
			for (size_t i = 0; i < len; i++)
				a[i] += cfg->code_noise * as_rng_normal(noise);
		if (layer_sigmoid(s, cfg, k))
			k_sigmoid(a, len);
		in = a;
	}
}

/* head logits of a_L into s->logits */
static void head_logits(struct as_stack *s, size_t n)
{
	size_t c = s->n_classes, top = s->sizes[s->n_layers];
	for (size_t e = 0; e < n; e++)
		memcpy(s->logits + e * c, s->head_b, c * sizeof(float));
	as_sgemm(0, 1, n, c, top, 1.0f, s->layer[s->n_layers - 1]->h, top,
		 s->head_w, top, 1.0f, s->logits, c);
}

/* Decoder of the recon objective: r_{k-1} into layer k's xr; the loss of
 * r_0 against x, with dL/d(pre r_0) into layer 0's dx when grad. */
static double decode_loss(struct as_stack *s, const struct as_config *cfg,
			  const float *x, size_t n, int grad)
{
	double loss = 0;
	for (size_t k = s->n_layers; k-- > 0;) {
		struct as_model *m = s->layer[k];
		const float *r = k + 1 < s->n_layers ? s->layer[k + 1]->xr
						     : m->h;
		pre_down(m, r, n, m->xr);
		size_t len = n * s->sizes[k];
		if (k > 0)
			k_sigmoid(m->xr, len);
		else
			loss = output_loss(cfg, m->xr, x, grad ? m->dx : NULL,
					   len, 1.0f / (float)n);
	}
	return loss;
}

void stack_encoder_backward(struct as_stack *s, const struct as_config *cfg,
			    const float *x, size_t n, int add_tied)
{
	/* from the code down: dW_k (+)= e^T a_{k-1} */
	for (size_t k = s->n_layers; k-- > 0;) {
		struct as_model *m = s->layer[k];
		size_t nv = m->n_visible, nh = m->n_hidden;
		if (layer_sigmoid(s, cfg, k))
			k_dsigmoid(m->dh, m->h, n * nh);
		const float *a = k > 0 ? s->layer[k - 1]->h : x;
		float beta = add_tied && m->tied ? 1.0f : 0.0f;
		as_sgemm(1, 0, nh, nv, n, 1.0f, m->dh, nh, a, nv, beta, m->gw,
			 nv);
		column_sums(m->dh, n, nh, m->gb);
		if (k > 0)
			as_sgemm(0, 0, n, nv, nh, 1.0f, m->dh, nh, m->w, nv,
				 0.0f, s->layer[k - 1]->dh, nv);
	}
}

void as_stack_finetune_grad(struct as_stack *s, const struct as_config *cfg,
			    const float *x, const uint8_t *labels, size_t n,
			    struct as_rng *rng, struct as_losses *out)
{
	size_t top = s->n_layers - 1;
	float inv_n = 1.0f / (float)n;
	double loss;
	stack_forward(s, cfg, x, n, rng);
	int classify = cfg->finetune == AS_FINETUNE_CLASSIFY && s->n_classes;
	if (classify) {
		size_t c = s->n_classes, nt = s->sizes[top + 1];
		head_logits(s, n);
		loss = softmax_ce(s->logits, labels, n, c, inv_n);
		/* dV = dz^T a_L, dv = column sums, dL/da_L = dz V */
		as_sgemm(1, 0, c, nt, n, 1.0f, s->logits, c, s->layer[top]->h,
			 nt, 0.0f, s->head_gw, nt);
		column_sums(s->logits, n, c, s->head_gb);
		as_sgemm(0, 0, n, nt, c, 1.0f, s->logits, c, s->head_w, nt,
			 0.0f, s->layer[top]->dh, nt);
		/* the decoders are not in use: no gradient */
		for (size_t k = 0; k < s->n_layers; k++) {
			struct as_model *m = s->layer[k];
			memset(m->gc, 0, m->n_visible * sizeof(float));
			memset(m->gw2, 0,
			       m->n_visible * m->n_hidden * sizeof(float));
		}
	} else {
		loss = decode_loss(s, cfg, x, n, 1);
		/* decoder k (k = 1..L) maps r_k to r_{k-1}, its delta in
		 * layer k's dx; dL/dr_k = delta W'_k */
		for (size_t k = 0; k < s->n_layers; k++) {
			struct as_model *m = s->layer[k];
			size_t nv = m->n_visible, nh = m->n_hidden;
			const float *r = k < top ? s->layer[k + 1]->xr : m->h;
			if (m->tied)
				as_sgemm(1, 0, nh, nv, n, 1.0f, r, nh, m->dx,
					 nv, 0.0f, m->gw, nv);
			else
				as_sgemm(1, 0, nv, nh, n, 1.0f, m->dx, nv, r,
					 nh, 0.0f, m->gw2, nh);
			column_sums(m->dx, n, nv, m->gc);
			float *g = k < top ? s->layer[k + 1]->dx : m->dh;
			if (m->tied)
				as_sgemm(0, 1, n, nh, nv, 1.0f, m->dx, nv,
					 m->w, nv, 0.0f, g, nh);
			else
				as_sgemm(0, 0, n, nh, nv, 1.0f, m->dx, nv,
					 m->w2, nh, 0.0f, g, nh);
			if (k < top) /* through r_k = sigmoid */
				k_dsigmoid(g, r, n * nh);
		}
	}
	stack_encoder_backward(s, cfg, x, n, !classify);
	out->recon = loss / (double)n;
	out->penalty = stack_weight_decay(s, cfg->weight_decay, !classify);
}

double stack_weight_decay(struct as_stack *s, float wd, int decoders)
{
	if (wd <= 0)
		return 0;
	double sq = 0;
	for (size_t k = 0; k < s->n_layers; k++) {
		struct as_model *m = s->layer[k];
		size_t len = m->n_visible * m->n_hidden;
		for (size_t i = 0; i < len; i++) {
			sq += (double)m->w[i] * m->w[i];
			m->gw[i] += wd * m->w[i];
		}
		if (!m->tied && decoders)
			for (size_t i = 0; i < len; i++) {
				sq += (double)m->w2[i] * m->w2[i];
				m->gw2[i] += wd * m->w2[i];
			}
	}
	size_t len = s->n_classes * s->sizes[s->n_layers];
	for (size_t i = 0; i < len; i++) {
		sq += (double)s->head_w[i] * s->head_w[i];
		s->head_gw[i] += wd * s->head_w[i];
	}
	return 0.5 * wd * sq;
}

void as_stack_update(struct as_stack *s, const struct as_config *cfg, float lr)
{
	for (size_t k = 0; k < s->n_layers; k++)
		as_model_update(s->layer[k], cfg, lr);
	if (s->n_classes) {
		size_t off = (size_t)(s->head_w - s->params);
		size_t len = s->n_classes * (s->sizes[s->n_layers] + 1);
		k_momentum(s->params + off, s->velocity + off, s->grad + off,
			   len, cfg->momentum, lr);
	}
}

/* the head's wrong answers among n rows of logits */
static size_t count_wrong(const float *z, const uint8_t *labels, size_t n,
			  size_t c)
{
	size_t wrong = 0;
	for (size_t e = 0; e < n; e++, z += c) {
		size_t best = 0;
		for (size_t j = 1; j < c; j++)
			if (z[j] > z[best])
				best = j;
		wrong += best != labels[e];
	}
	return wrong;
}

double stack_finetune_eval(struct as_stack *s, const struct as_config *cfg,
			   const float *x, const uint8_t *labels, size_t n,
			   size_t *wrong)
{
	stack_forward(s, cfg, x, n, NULL);
	if (cfg->finetune != AS_FINETUNE_CLASSIFY || !s->n_classes)
		return decode_loss(s, cfg, x, n, 0);
	head_logits(s, n);
	if (wrong)
		*wrong += count_wrong(s->logits, labels, n, s->n_classes);
	return softmax_ce(s->logits, labels, n, s->n_classes, 1.0f);
}
