/* model: a one-hidden-layer autoencoder on minibatches.
 *
 *   h  = s_e(W x~ + b)      encoder, s_e sigmoid or identity
 *   x^ = s_d(W' h + c)      decoder, sigmoid + cross-entropy or
 *                           identity + 1/2 sum of squares
 * where x~ is the corrupted input and the loss compares x^ with the clean x.
 * Tied weights use W' = W^T and dL/dW is the sum of the encoder and decoder
 * parts. Objective per minibatch of n:
 *   (1/n) sum_n L(x_n, x^_n)
 *   + beta sum_j KL(rho || mean_n h_nj)                  (sparsity)
 *   + lambda (1/n) sum_n ||dh_n/dx~_n||_F^2              (contractive)
 *   + (wd/2) (||W||^2 + ||W'||^2 if untied)              (weight decay)
 *
 * Owns: the parameters in one arena [W | b | c | W'] (W' kept even when tied
 * so tie/untie never reallocates; while tied it is not updated, and
 * as_model_sync_decoder makes it W^T for files), the gradient and momentum
 * arenas of the same layout, and a workspace preallocated for max_batch
 * examples: no allocation happens in a step. Threading: a model belongs to one
 * thread (the trainer's); no locks. */
#ifndef AUTOSCOPE_MODEL_H
#define AUTOSCOPE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "autoscope/error.h"
#include "autoscope/params.h"
#include "autoscope/rng.h"

struct as_model {
	size_t n_visible, n_hidden, max_batch;
	int tied;	 /* 1: the decoder uses W^T and w2 is not used */
	int view;	 /* 1: the three arenas belong to a stack */
	size_t n_params; /* arena length: nh*nv + nh + nv + nv*nh */
	float *params;
	float *w;    /* n_hidden x n_visible, row-major (inside params) */
	float *b;    /* n_hidden */
	float *c;    /* n_visible */
	float *w2;   /* n_visible x n_hidden, the untied decoder */
	float *grad; /* same layout as params */
	float *gw, *gb, *gc, *gw2;
	float *velocity; /* momentum, same layout as params */
	/* workspace, max_batch rows each */
	float *xc; /* corrupted input, batch x n_visible */
	float *h;  /* code, batch x n_hidden */
	float *xr; /* reconstruction, batch x n_visible */
	float *dx; /* dObjective/d(decoder pre-activation), batch x n_visible */
	float *dh; /* dObjective/d(encoder pre-activation), batch x n_hidden */
	float *col;	/* n_hidden scratch (mean activations, row norms) */
	float *rowsum;	/* max_batch scratch */
	uint32_t *perm; /* n_visible, for choosing masked components */
};

struct as_losses {
	double recon;	/* mean over the batch of the per-example loss */
	double penalty; /* sparsity + contractive + weight decay */
};

enum as_status as_model_create(size_t n_visible, size_t n_hidden,
			       size_t max_batch, struct as_model **out,
			       struct as_error *err);
/* A model over arenas of as_model_arena_len floats that stay someone
 * else's (a layer of a stack); the workspace is its own. */
enum as_status as_model_create_view(size_t n_visible, size_t n_hidden,
				    size_t max_batch, float *params,
				    float *grad, float *velocity,
				    struct as_model **out, struct as_error *err);
size_t as_model_arena_len(size_t n_visible, size_t n_hidden);
void as_model_free(struct as_model *m);

/* W ~ U(-r, r), r = 4 sqrt(6 / (nv + nh)) for the sigmoid encoder (Glorot
 * & Bengio 2010, as in the Theano dA tutorial) and sqrt(6 / (nv + nh)) for
 * the linear one; b = c = 0; W' = W^T; momentum 0; tied from cfg. */
void as_model_init(struct as_model *m, const struct as_config *cfg,
		   struct as_rng *rng);

/* Untie: W' := W^T. Tie: W := (W + W'^T) / 2 and W' is dropped. The
 * momentum follows the same rule, so a switch is smooth. */
void as_model_set_tied(struct as_model *m, int tied);

/* Same sizes required. The weights in use only (W, b, c, and W' when
 * untied) and tied; not the momentum. For the divergence guard's copies, which
 * are restored with the momentum zeroed: a quarter of the bytes of the whole
 * arenas for a tied model, copied every few dozen steps. */
enum as_status as_model_copy_weights(struct as_model *dst,
				     const struct as_model *src,
				     struct as_error *err);

/* Corrupts n examples of x (n x d) into out per cfg (kind and level). */
void as_corrupt(const struct as_config *cfg, const float *x, float *out,
		size_t n, size_t d, uint32_t *perm, struct as_rng *rng);

/* Forward on x~ = xc, loss against x, gradient of the whole objective into
 * m->grad. n <= max_batch. xc may be x (no corruption). */
void as_model_grad(struct as_model *m, const struct as_config *cfg,
		   const float *x, const float *xc, size_t n,
		   struct as_losses *out);

/* v := momentum v - lr grad; params += v (W' untouched when tied). */
void as_model_update(struct as_model *m, const struct as_config *cfg, float lr);

/* Corrupt, grad, update: one minibatch of SGD. */
void as_model_step(struct as_model *m, const struct as_config *cfg,
		   const float *x, size_t n, float lr, struct as_rng *rng,
		   struct as_losses *out);

/* Mean per-example reconstruction loss against the clean x, of x itself
 * (noise NULL) or of x corrupted per cfg with the noise stream (the
 * training objective's reconstruction term, on other data). */
double as_model_eval(struct as_model *m, const struct as_config *cfg,
		     const float *x, size_t n, struct as_rng *noise);

/* Codes h of x (n x nh) and reconstructions of xin (n x nv), any n. */
void as_model_encode(struct as_model *m, const struct as_config *cfg,
		     const float *x, size_t n, float *h);
void as_model_reconstruct(struct as_model *m, const struct as_config *cfg,
			  const float *xin, size_t n, float *out);

/* Tied: W' := W^T, so the arena holds the decoder in use (before it is
 * saved or exported). Untied: nothing to do. */
void as_model_sync_decoder(struct as_model *m);

/* The mean over units of the cosine between encoder row j of W and
 * decoder column j of W' (1 when tied): how alike untied filters are. */
double as_model_decoder_cos(const struct as_model *m);

/* 1 if every parameter is finite. */
int as_model_finite(const struct as_model *m);

#endif
