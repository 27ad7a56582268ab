/* stack: a deep autoencoder, or classifier, made of one-layer blocks.
 *
 *   a_0 = x,   a_k = f_k(W_k a_{k-1} + b_k),      k = 1..L   encoder
 *   r_L = a_L, r_{k-1} = g_k(W'_k r_k + c_k),      k = L..1   decoder
 *   p = softmax(V a_L + v)                                   classifier
 * f_k is the sigmoid below the code and cfg->encoder at the code (k = L);
 * g_k is the sigmoid for k > 1 and, for k = 1, the loss's own (sigmoid with
 * cross-entropy, identity with 1/2 squared error). Tied: W'_k = W_k^T.
 * Fine-tuning objective per minibatch of n (Hinton & Salakhutdinov 2006;
 * Vincent et al. 2008): (1/n) sum L(x, r_0) (recon) or (1/n) sum -log p_y
 * (classify), + (wd/2) sum of every ||W||^2; the input is clean (the
 * corruption belongs to the layer being pretrained) and code_noise adds
 * N(0, sigma^2) to the code layer's input (semantic hashing).
 *
 * Owns: one arena [block_1 | ... | block_L | head]. block_k has the layout
 * of model.h, [W_k | b_k | c_k | W'_k] over n_{k-1} visible and n_k hidden
 * units, so layer k is a struct as_model view of its block: pretraining a
 * layer as an autoencoder is the gradient-checked one-layer model, and a
 * stack of one layer without a head is that model bit for bit. The head
 * [V (C x n_L) | v (C)] exists only when fine-tuning classifies; PSD's
 * encoder [P (n_1 x n_0) | b (n_1) | gain (n_1)] or SESM's state
 * [log zeta (n_1)] sits between the layer and the head (no head with
 * them). Gradient
 * and momentum arenas of the same layout; workspaces for max_batch
 * examples, so no step allocates.
 * Threading: a stack belongs to one thread (the trainer's), like a model;
 * as_project_units is a pure function for any thread. */
#ifndef AUTOSCOPE_STACK_H
#define AUTOSCOPE_STACK_H

#include <stddef.h>
#include <stdint.h>

#include "autoscope/error.h"
#include "autoscope/model.h"
#include "autoscope/params.h"
#include "autoscope/rng.h"
#include "autoscope/sparse.h"

struct as_stack {
	size_t n_layers;
	size_t sizes[AS_LAYERS_MAX + 1]; /* [0] the input, [k] layer k */
	size_t n_classes;		 /* the head's, 0: no head */
	size_t max_batch;
	size_t n_params;
	float *params, *grad, *velocity;
	size_t block[AS_LAYERS_MAX]; /* offset of layer k+1's block */
	struct as_model *layer[AS_LAYERS_MAX]; /* views of the blocks */
	float *head_w, *head_b;	  /* C x n_L, C (inside params) */
	float *head_gw, *head_gb; /* the same inside grad */
	int rbm_layer; /* index of a layer kept tied for CD-1, or -1 */
	int real_input; /* the input is not in [0, 1]: the first RBM has
			 * Gaussian visible units */
	/* the one-layer models whose codes are inferred (stack_infer.c) */
	int sc;	 /* sparse coding (model sc, and psd): layer 0's codes are
		  * inferred (sparse.h), not computed */
	int psd; /* predictive sparse decomposition (model psd, with sc):
		  * the encoder's block [P | b | gain] follows the layer's,
		  * and layer 0's codes are its predictions */
	struct as_psd pred; /* that block's arrays (sparse.h) */
	int sesm;	    /* code inference (model sesm): layer 0's codes are
			     * inferred at training (sesm.h), its state after
			     * the layer's block */
	float *log_zeta;    /* that state: the sparsifying logistic's log
			     * zeta_j (n_1) */
	float *tail;	 /* the block after the layers (PSD's encoder or
			  * SESM's state), or NULL */
	size_t tail_len; /* its floats */
	float *infer_work; /* the inference's scratch (as_sc_work_len,
			    * as_psd_work_len, as_sesm_work_len), or NULL */
	/* workspace */
	float *buf[2]; /* max_batch x the widest layer */
	float *logits; /* max_batch x C */
};

/* The stack's weights by name, for files: per layer k (from 1, the input
 * up) encoder_Wk (n_k x n_{k-1}), encoder_bk, decoder_ck and decoder_Wk
 * (n_{k-1} x n_k: W_k^T when tied, after as_model_sync_decoder), then
 * PSD's predictor_W, predictor_b and predictor_gain (SESM's
 * sesm_log_zeta), then softmax_W and
 * softmax_b with a head. numbered 0 drops the k (one layer
 * keeps the names it always had). */
struct as_tensor {
	char name[32];
	const float *data;
	size_t rows, cols; /* cols 0: a vector of rows values */
};
#define AS_TENSORS_MAX (4 * AS_LAYERS_MAX + 5) /* + PSD's 3, the head's 2 */
size_t as_stack_tensors(const struct as_stack *s, int numbered,
			struct as_tensor *out);

/* The same names as a layout, without a stack: each tensor's place in
 * the arena (offset, in floats) for nv inputs and cfg's layers and head
 * (as as_stack_arena_len). The tensors cover the arena exactly, in order;
 * the checkpoint writes this directory beside the arena and reads a
 * file's tensors back by name. Returns the count, 0 if the arena would
 * overflow. */
struct as_slot {
	char name[32];
	size_t rows, cols; /* cols 0: a vector of rows values */
	size_t offset;
};
size_t as_stack_layout(size_t n_visible, const struct as_config *cfg,
		       size_t n_classes, int numbered, struct as_slot *out);

/* The arena length for nv inputs and cfg's layers (plus a head of
 * n_classes when cfg fine-tunes to classify); 0 if it would overflow. */
size_t as_stack_arena_len(size_t n_visible, const struct as_config *cfg,
			  size_t n_classes);

enum as_status as_stack_create(size_t n_visible, const struct as_config *cfg,
			       size_t n_classes, size_t max_batch,
			       struct as_stack **out, struct as_error *err);
void as_stack_free(struct as_stack *s);

/* The one-layer config of layer i (0-based) inside cfg: its encoder is the
 * sigmoid below the code, and its loss cross-entropy above the input. */
void as_stack_layer_config(const struct as_stack *s,
			   const struct as_config *cfg, size_t i,
			   struct as_config *out);

/* Every layer as as_model_init with its layer config, in order (a one-layer
 * stack draws exactly what as_model_init draws); init small replaces each
 * W by N(0, 0.01^2); the head is zero; momentum zero. */
void as_stack_init(struct as_stack *s, const struct as_config *cfg,
		   struct as_rng *rng);
/* as_model_set_tied on every layer except the one kept tied for CD-1. */
void as_stack_set_tied(struct as_stack *s, int tied);
/* Same shapes required; the weights in use only, not the momentum. */
enum as_status as_stack_copy_weights(struct as_stack *dst,
				     const struct as_stack *src,
				     struct as_error *err);
int as_stack_finite(const struct as_stack *s);

/* Codes of the first depth layers (n x sizes[depth]) of any n inputs. */
void as_stack_encode(struct as_stack *s, const struct as_config *cfg,
		     size_t depth, const float *x, size_t n, float *out);
/* Up through depth layers and back down their decoders (n x sizes[0]). */
void as_stack_reconstruct(struct as_stack *s, const struct as_config *cfg,
			  size_t depth, const float *x, size_t n, float *out);

/* One minibatch (n <= max_batch) of pretraining layer i on the codes of
 * the layers below: the autoencoder step (corruption and every
 * regulariser of cfg) or CD-1. losses->recon is the layer's loss: its
 * reconstruction objective, or CD-1's 1/2 squared reconstruction error. */
void as_stack_pretrain_step(struct as_stack *s, const struct as_config *cfg,
			    size_t i, const float *x, size_t n, float lr,
			    struct as_rng *rng, struct as_losses *out);

/* Fine-tuning: the gradient of the objective above into s->grad (labels
 * needed to classify), then v := momentum v - lr g, params += v. */
void as_stack_finetune_grad(struct as_stack *s, const struct as_config *cfg,
			    const float *x, const uint8_t *labels, size_t n,
			    struct as_rng *rng, struct as_losses *out);
void as_stack_update(struct as_stack *s, const struct as_config *cfg,
		     float lr);

/* The loss of stage (as cfg->stage) on n examples: the layer's
 * objective on the codes below it (its inputs corrupted by noise when not
 * NULL, CD-1's squared error by mean field), or the fine-tuning loss. */
/* wrong (NULL: not wanted) receives, while fine-tuning a classifier, the
 * examples whose largest logit is not their label, from the same pass. */
double as_stack_eval(struct as_stack *s, const struct as_config *cfg,
		     int stage, const float *x, const uint8_t *labels,
		     size_t n, struct as_rng *noise, size_t *wrong);
/* The reconstruction loss of clean x through the first depth layers and
 * back (the run's loss; squared: 1/2 squared error whatever the loss). */
double as_stack_recon_loss(struct as_stack *s, const struct as_config *cfg,
			   size_t depth, const float *x, size_t n,
			   int squared);

/* The decoder alone: n codes of layer depth (n x sizes[depth]) down to
 * the input space (n x sizes[0]), through the output non-linearity. */
void as_stack_decode(struct as_stack *s, const struct as_config *cfg,
		     size_t depth, const float *codes, size_t n, float *out);

/* One code unit dialled (the decoder's view of a unit): code is one row
 * of depth-d codes; out[t] (n_vals x n_visible) is the decoding of code
 * with unit `unit` set to vals[t], the others held; scratch n_vals x the
 * code's width. */
void as_stack_traverse(struct as_stack *s, const struct as_config *cfg,
		       size_t depth, const float *code, size_t unit,
		       const float *vals, size_t n_vals, float *scratch,
		       float *out);

/* One step of the denoising sampling chain on n <= max_batch rows of x
 * (replaced): corrupt them as cfg says (perm: n_visible scratch), rebuild
 * them through the first depth layers, and for data in [0, 1] under cross-entropy
 * draw each pixel from its rebuilt probability (else keep the
 * reconstruction). work: n x n_visible. */
void as_stack_chain_step(struct as_stack *s, const struct as_config *cfg,
			 size_t depth, float *x, size_t n, uint32_t *perm,
			 struct as_rng *rng, float *work);

/* ||dL/dW_k||_F of each layer's encoder weights from s->grad (as the last
 * gradient left them) into norms[0..n_layers). */
void as_stack_grad_norms(const struct as_stack *s, double *norms);

/* CD-1 on a model view m (Hinton 2002; Hinton & Salakhutdinov 2006):
 *   ph0 = sigm(W v0 + b), h0 ~ Bernoulli(ph0)
 *   v1  = sigm(W^T h0 + c)  (gaussian_visible: W^T h0 + c, unit variance)
 *   ph1 = sigm(W v1 + b)
 *   dW = (ph0^T v0 - ph1^T v1) / n - wd W, db, dc alike; params += the
 *   momentum step. linear_hidden: ph = W v + b and h0 = ph + N(0, 1).
 * Returns the mean 1/2 ||v0 - v1||^2. W' is not used (the caller keeps the
 * layer tied). */
double as_rbm_step(struct as_model *m, const struct as_config *cfg,
		   int gaussian_visible, int linear_hidden, const float *v0,
		   size_t n, float lr, struct as_rng *rng);

/* Pixel-space pictures of count units of layer `layer` (0-based) from
 * first: rows of W_layer W_{layer-1} ... W_1 (out count x sizes[0]); w[k]
 * is layer k's W (sizes[k+1] x sizes[k]). scratch holds 2 x count x the
 * widest of sizes[1..layer] (the input's width is not needed). The linear projection ignores the sigmoids between: a
 * picture of what a unit looks for, as in Hinton & Salakhutdinov's
 * figures, not its exact receptive field. */
void as_project_units(const float *const *w, const size_t *sizes,
		      size_t layer, size_t first, size_t count, float *out,
		      float *scratch);

#endif
