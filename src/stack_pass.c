/* stack_pass: the passes through a stack (stack.h): codes up through its
 * layers, reconstructions down, the losses of either, a layer's
 * pretraining step, the evaluation of any stage, the chains and the
 * traversals. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/blas.h"
#include "autoscope/stack.h"

#include "kernels.h"
#include "stack_internal.h"

/* n <= max_batch rows of x up through layers [0, depth) into the
 * workspace; returns where the codes are (x itself for depth 0). */
static const float *encode_chunk(struct as_stack *s,
				 const struct as_config *cfg, size_t depth,
				 const float *x, size_t n)
{
	if (stack_infers(s) && depth > 0)
		return stack_infer_codes(s, cfg, x, n);
	const float *in = x;
	for (size_t k = 0; k < depth; k++) {
		float *out = s->n_layers > 1 ? s->buf[k & 1] : s->layer[0]->h;
		pre_up(s->layer[k], in, n, out);
		if (layer_sigmoid(s, cfg, k))
			k_sigmoid(out, n * s->sizes[k + 1]);
		in = out;
	}
	return in;
}

void as_stack_encode(struct as_stack *s, const struct as_config *cfg,
		     size_t depth, const float *x, size_t n, float *out)
{
	size_t nv = s->sizes[0], w = s->sizes[depth];
	for (size_t at = 0; at < n; at += s->max_batch) {
		size_t b = n - at < s->max_batch ? n - at : s->max_batch;
		const float *c = encode_chunk(s, cfg, depth, x + at * nv, b);
		if (c != out + at * w) /* a one-layer stack encodes into its h */
			memcpy(out + at * w, c, b * w * sizeof(float));
	}
}

/* From the codes of layer depth (in, n rows) down to the input space;
 * pre: out keeps the output layer's pre-activation. */
static void decode_chunk(struct as_stack *s, const struct as_config *cfg,
			 size_t depth, const float *in, size_t n, float *out,
			 int pre)
{
	for (size_t k = depth; k-- > 0;) {
		float *o = k == 0	      ? out
			   : in == s->buf[0] ? s->buf[1]
					     : s->buf[0];
		pre_down(s->layer[k], in, n, o);
		if (k > 0 || (cfg->loss == AS_LOSS_CE && !pre))
			k_sigmoid(o, n * s->sizes[k]);
		in = o;
	}
}

void as_stack_reconstruct(struct as_stack *s, const struct as_config *cfg,
			  size_t depth, const float *x, size_t n, float *out)
{
	if (stack_infers(s)) {
		stack_infer_reconstruct(s, cfg, x, n, out);
		return;
	}
	if (s->n_layers == 1 && s->n_classes == 0) {
		/* the one-layer model's own path */
		struct as_config lc;
		as_stack_layer_config(s, cfg, 0, &lc);
		as_model_reconstruct(s->layer[0], &lc, x, n, out);
		return;
	}
	size_t nv = s->sizes[0];
	for (size_t at = 0; at < n; at += s->max_batch) {
		size_t b = n - at < s->max_batch ? n - at : s->max_batch;
		const float *c = encode_chunk(s, cfg, depth, x + at * nv, b);
		decode_chunk(s, cfg, depth, c, b, out + at * nv, 0);
	}
}

double as_stack_recon_loss(struct as_stack *s, const struct as_config *cfg,
			   size_t depth, const float *x, size_t n, int squared)
{
	if (stack_infers(s)) /* their loss is the squared error */
		return stack_infer_recon_loss(s, cfg, x, n);
	if (s->n_layers == 1 && s->n_classes == 0 && !squared) {
		struct as_config lc;
		as_stack_layer_config(s, cfg, 0, &lc);
		return as_model_eval(s->layer[0], &lc, x, n, NULL);
	}
	size_t nv = s->sizes[0];
	float *out = s->layer[0]->xr; /* max_batch x nv, free between steps */
	double total = 0;
	for (size_t at = 0; at < n; at += s->max_batch) {
		size_t b = n - at < s->max_batch ? n - at : s->max_batch;
		const float *xb = x + at * nv;
		const float *c = encode_chunk(s, cfg, depth, xb, b);
		decode_chunk(s, cfg, depth, c, b, out, !squared);
		total += squared ? half_sq(xb, out, b * nv)
				 : output_loss(cfg, out, xb, NULL, b * nv, 1);
	}
	return n ? total / (double)n : NAN;
}

static int gaussian_visible(const struct as_stack *s, size_t i)
{
	return i == 0 && s->real_input;
}

void as_stack_pretrain_step(struct as_stack *s, const struct as_config *cfg,
			    size_t i, const float *x, size_t n, float lr,
			    struct as_rng *rng, struct as_losses *out)
{
	if (stack_infers(s)) {
		stack_infer_step(s, cfg, x, n, lr, out);
		return;
	}
	struct as_config lc;
	as_stack_layer_config(s, cfg, i, &lc);
	/* the layers below are fixed: their codes, without noise */
	const float *in = i == 0 ? x : encode_chunk(s, cfg, i, x, n);
	if (cfg->pretrain == AS_PRETRAIN_RBM) {
		out->recon = as_rbm_step(s->layer[i], &lc,
					 gaussian_visible(s, i),
					 lc.encoder == AS_ACT_LINEAR, in, n, lr,
					 rng);
		out->penalty = 0;
		return;
	}
	as_model_step(s->layer[i], &lc, in, n, lr, rng, out);
}

double as_stack_eval(struct as_stack *s, const struct as_config *cfg,
		     int stage, const float *x, const uint8_t *labels,
		     size_t n, struct as_rng *noise, size_t *wrong)
{
	size_t nv = s->sizes[0];
	double total = 0;
	if (wrong)
		*wrong = 0;
	if (stack_infers(s)) /* their energy (no noise, no labels) */
		return stack_infer_eval(s, cfg, x, n);
	if (stage < (int)s->n_layers && s->n_layers == 1 &&
	    cfg->pretrain != AS_PRETRAIN_RBM) {
		struct as_config lc;
		as_stack_layer_config(s, cfg, 0, &lc);
		return as_model_eval(s->layer[0], &lc, x, n, noise);
	}
	for (size_t at = 0; at < n; at += s->max_batch) {
		size_t b = n - at < s->max_batch ? n - at : s->max_batch;
		const float *xb = x + at * nv;
		if (stage < (int)s->n_layers) {
			size_t i = (size_t)stage;
			struct as_model *m = s->layer[i];
			struct as_config lc;
			as_stack_layer_config(s, cfg, i, &lc);
			const float *in = encode_chunk(s, cfg, i, xb, b);
			if (cfg->pretrain == AS_PRETRAIN_RBM) {
				stack_rbm_mean_field(m, gaussian_visible(s, i),
					       lc.encoder == AS_ACT_LINEAR, in,
					       b, m->xr);
				total += half_sq(in, m->xr, b * m->n_visible);
			} else {
				/* the codes stay in the stack's buffers,
				 * which as_model_eval leaves alone */
				total += (double)b *
					 as_model_eval(m, &lc, in, b, noise);
			}
		} else {
			total += stack_finetune_eval(s, cfg, xb,
						     labels ? labels + at : NULL,
						     b, wrong);
		}
	}
	return n ? total / (double)n : 0;
}

void as_stack_chain_step(struct as_stack *s, const struct as_config *cfg,
			 size_t depth, float *x, size_t n, uint32_t *perm,
			 struct as_rng *rng, float *work)
{
	size_t nv = s->sizes[0];
	as_corrupt(cfg, x, work, n, nv, perm, rng);
	as_stack_reconstruct(s, cfg, depth, work, n, x);
	if (cfg->loss == AS_LOSS_CE && !stack_infers(s)) {
		memcpy(work, x, n * nv * sizeof(float));
		as_rng_bernoulli(rng, work, x, n * nv);
	}
}

void as_stack_decode(struct as_stack *s, const struct as_config *cfg,
		     size_t depth, const float *codes, size_t n, float *out)
{
	size_t nv = s->sizes[0], w = s->sizes[depth];
	for (size_t at = 0; at < n; at += s->max_batch) {
		size_t b = n - at < s->max_batch ? n - at : s->max_batch;
		decode_chunk(s, cfg, depth, codes + at * w, b, out + at * nv,
			     0);
	}
}

void as_stack_traverse(struct as_stack *s, const struct as_config *cfg,
		       size_t depth, const float *code, size_t unit,
		       const float *vals, size_t n_vals, float *scratch,
		       float *out)
{
	size_t w = s->sizes[depth];
	for (size_t t = 0; t < n_vals; t++) {
		memcpy(scratch + t * w, code, w * sizeof(float));
		scratch[t * w + unit] = vals[t];
	}
	as_stack_decode(s, cfg, depth, scratch, n_vals, out);
}
