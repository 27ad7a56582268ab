/* stack_internal: what the stack's files share (src/ only, not a public
 * header): stack.c (the arena: made, laid out, started, copied),
 * stack_pass.c (encoding, decoding, losses, a layer's step, evaluation),
 * stack_finetune.c (the whole stack trained at once), stack_infer.c (the
 * inferring one-layer models: sparse coding, PSD, code inference),
 * stack_rbm.c (a layer's CD-1 step), drlim.c (the contrastive loss
 * through the encoder) and sesm.c (the decoder's product). Same threading
 * as stack.h. */
#ifndef AUTOSCOPE_STACK_INTERNAL_H
#define AUTOSCOPE_STACK_INTERNAL_H

#include <string.h>

#include "autoscope/blas.h"
#include "autoscope/stack.h"

/* out = in W^T + b (pre-activations of a view's hidden units) */
static inline void pre_up(const struct as_model *m, const float *in, size_t n,
		   float *out)
{
	size_t nv = m->n_visible, nh = m->n_hidden;
	for (size_t e = 0; e < n; e++)
		memcpy(out + e * nh, m->b, nh * sizeof(float));
	as_sgemm(0, 1, n, nh, nv, 1.0f, in, nv, m->w, nv, 1.0f, out, nh);
}

/* out = in W'^T + c (pre-activations of a view's visible units) */
static inline void pre_down(const struct as_model *m, const float *in, size_t n,
		     float *out)
{
	size_t nv = m->n_visible, nh = m->n_hidden;
	for (size_t e = 0; e < n; e++)
		memcpy(out + e * nv, m->c, nv * sizeof(float));
	if (m->tied)
		as_sgemm(0, 0, n, nv, nh, 1.0f, in, nh, m->w, nv, 1.0f, out,
			 nv);
	else
		as_sgemm(0, 1, n, nv, nh, 1.0f, in, nh, m->w2, nh, 1.0f, out,
			 nv);
}

static inline double half_sq(const float *a, const float *b, size_t len)
{
	double t = 0;
	for (size_t at = 0; at < len; at += 1024) {
		size_t end = at + 1024 < len ? at + 1024 : len;
		float part = 0;
#pragma omp simd reduction(+ : part)
		for (size_t i = at; i < end; i++) {
			float r = a[i] - b[i];
			part += r * r;
		}
		t += 0.5 * (double)part;
	}
	return t;
}

/* layer k's units are sigmoid: every layer below the code, and the code
 * with the sigmoid encoder */
static inline int layer_sigmoid(const struct as_stack *s,
				const struct as_config *cfg, size_t k)
{
	return k + 1 < s->n_layers || cfg->encoder == AS_ACT_SIGMOID;
}

/* a one-layer model whose codes are inferred (stack_infer.c) */
static inline int stack_infers(const struct as_stack *s)
{
	return s->sc || s->sesm;
}

/* The inferring models (stack_infer.c). The block cfg's model keeps
 * after layer 1 of k units on n_visible inputs, in floats (0: none);
 * its slots, from arena offset at, into out (returns how many); the
 * flags, the block's arrays and the scratch of a stack made with the
 * block at offset at; layer 1 and the block started. */
size_t stack_infer_tail_len(const struct as_config *cfg, size_t n_visible,
			    size_t k);
size_t stack_infer_slots(enum as_model_kind kind, const size_t *sizes,
			 size_t at, struct as_slot *out);
enum as_status stack_infer_attach(struct as_stack *s,
				  const struct as_config *cfg, size_t at,
				  struct as_error *err);
void stack_infer_init(struct as_stack *s, struct as_rng *rng);
/* n <= max_batch rows' codes (into layer 1's h, returned): sparse
 * coding's inferred, PSD's predicted, code inference's a(z^) */
const float *stack_infer_codes(struct as_stack *s, const struct as_config *cfg,
			       const float *x, size_t n);
/* reconstructions of any n rows from those codes; their mean squared
 * error's half (sparse coding's at the inferred codes); the mean energy
 * (at z* for PSD and code inference); one minibatch's step */
void stack_infer_reconstruct(struct as_stack *s, const struct as_config *cfg,
			     const float *x, size_t n, float *out);
double stack_infer_recon_loss(struct as_stack *s, const struct as_config *cfg,
			      const float *x, size_t n);
double stack_infer_eval(struct as_stack *s, const struct as_config *cfg,
			const float *x, size_t n);
void stack_infer_step(struct as_stack *s, const struct as_config *cfg,
		      const float *x, size_t n, float lr,
		      struct as_losses *out);

/* A fine-tuning stage's summed loss over n <= max_batch rows: the
 * unrolled decoder's, or the head's cross-entropy (its wrong answers
 * added to *wrong when not NULL) */
double stack_finetune_eval(struct as_stack *s, const struct as_config *cfg,
			   const float *x, const uint8_t *labels, size_t n,
			   size_t *wrong);

/* The forward pass of fine-tuning on n <= max_batch rows, leaving a_k in
 * layer k's h; code noise (training only, noise not NULL) before the
 * code's activation. */
void stack_forward(struct as_stack *s, const struct as_config *cfg,
		   const float *x, size_t n, struct as_rng *noise);

/* The encoder's backward pass from dL/da_L in the top layer's dh (after
 * stack_forward on the same x): each layer's gw and gb, the deltas below
 * in their dh. add_tied: a tied layer's gw already holds its decoder's
 * part, which this adds to. */
void stack_encoder_backward(struct as_stack *s, const struct as_config *cfg,
			    const float *x, size_t n, int add_tied);

/* (wd/2) sum ||W||^2 over every layer's W (and the untied decoders' W'
 * with decoders) and the head's, returned, its gradient added to s->grad */
double stack_weight_decay(struct as_stack *s, float wd, int decoders);

/* mean-field CD-1 reconstruction: v1 of v0 through a tied view */
void stack_rbm_mean_field(struct as_model *m, int gaussian_visible,
			  int linear_hidden, const float *v0, size_t n,
			  float *v1);

#endif
