/* sesm: autoencoders whose code is a free variable found by descent on an
 * energy, and an encoder trained to predict it: the tutorial's own
 * "predictive" auto-encoder (its Matlab modules, in ../shared/papers
 * 000_...), Ranzato et al. 2006 (the sparsifying logistic) and SESM
 * (Ranzato, Boureau & LeCun 2007), as settings of one model.
 *
 * On a one-layer view (model.h): the encoder C is W (n_hidden x
 * n_visible) with bias b, the decoder D is W (tied: SESM's symmetry) or
 * W' with bias c. For an input x and a code z (n_hidden):
 *     z^   = x C^T + b                           the encoder's prediction
 *     a    = sigmoid(beta z - theta)             the code's non-linearity
 *     x^   = a D + c                             the decoder (linear)
 *     E(x, z) = 1/2 ||x - x^||^2 + alpha/2 ||z - z^||^2
 *               + s sum_j log(1 + a_j^2)         (SESM's sparsity)
 * theta is 0 for the plain logistic (sesm_code logistic). The sparsifying
 * logistic (sesm_code sparsifying) is Ranzato et al.'s temporal softmax
 *     a_j(k) = eta e^{beta z_j(k)} / zeta_j(k),
 *     zeta_j(k) = eta e^{beta z_j(k)} + (1 - eta) zeta_j(k-1)
 * over the training examples k: with zeta_j(k-1) fixed that is the
 * logistic above with theta_j = log((1 - eta) / eta) + log zeta_j, so a
 * unit fires only for inputs well above its recent history. The state
 * log zeta (n_hidden) lives in the stack's arena after the layer
 * (stack.h) and is saved with the weights; it is held fixed through a
 * minibatch and then advanced over its rows in order (a minibatch's
 * examples share one history: the one approximation).
 * Inference: sesm_iters steps z <- z - sesm_step dE/dz from z = z^.
 * Learning, at the inferred z*: a step on D and c down dE/dD, and on C
 * and b towards z* (dE/dz^ = alpha (z^ - z*)), momentum and weight decay
 * as the autoencoder's (tied: W takes both parts). The code the rest of
 * the program sees (probes, parts, reconstructions) is the prediction's,
 * a(z^): one product, no descent.
 * Threading: the caller's (the trainer's thread); the scratch is work. */
#ifndef AUTOSCOPE_SESM_H
#define AUTOSCOPE_SESM_H

#include <stddef.h>

#include "autoscope/model.h"
#include "autoscope/params.h"

#define AS_SESM_TRACE_MAX 200 /* inference steps a trace records */

/* floats of scratch as_sesm_* need beside the model's own buffers */
size_t as_sesm_work_len(size_t n_visible, size_t n_hidden, size_t max_batch);

/* the thresholds theta (n_hidden) of cfg's non-linearity at the state
 * log_zeta */
void as_sesm_thresholds(const struct as_config *cfg, const float *log_zeta,
			size_t k, float *theta);

/* a = sigmoid(beta z - theta) over n rows of k */
void as_sesm_nonlin(const struct as_config *cfg, const float *theta,
		    const float *z, size_t n, size_t k, float *a);

/* the energy of each of n rows at codes z (n x k) and predictions zp,
 * into e (n, or NULL); the sum returned; a (n x k) and the residual
 * x^ - x (n x d, into m->xr) left */
double as_sesm_energy_at(struct as_model *m, const struct as_config *cfg,
			 const float *theta, const float *x, const float *zp,
			 const float *z, size_t n, float *a, float *e);

/* the steps a trace records: t = min(sesm_iters, AS_SESM_TRACE_MAX) */
int as_sesm_trace_len(const struct as_config *cfg);

/* Infer: z* of n rows (n <= max_batch) from z = zp, cfg's sesm_iters
 * steps. trace (NULL, or n x (t + 1), t as_sesm_trace_len) gets each
 * row's energy before the first step, after each of the first t - 1 and,
 * last, after the last; z (n x k) must not be in work. */
void as_sesm_infer(struct as_model *m, const struct as_config *cfg,
		   const float *theta, const float *x, const float *zp,
		   size_t n, float *z, float *trace, float *work);

/* the predictions zp = x W^T + b of n rows */
void as_sesm_predict(const struct as_model *m, const float *x, size_t n,
		     float *zp);

/* The energy summed over n rows (n <= max_batch) at z* inferred from the
 * prediction; the predictions, z* and a(z*) left in work (as
 * as_sesm_step reads them), the residual in m->xr. */
double as_sesm_energy(struct as_model *m, const float *log_zeta,
		      const struct as_config *cfg, const float *x, size_t n,
		      float *work);

/* The feed-forward code a(z^) of n rows (n <= max_batch) into h */
void as_sesm_encode(const struct as_model *m, const float *log_zeta,
		    const struct as_config *cfg, const float *x, size_t n,
		    float *h, float *work);

/* x^ = a D + c of n codes (any n) */
void as_sesm_decode(const struct as_model *m, const float *a, size_t n,
		    float *out);

/* What the inference view shows of n rows (n <= max_batch): trace as
 * as_sesm_infer's, the codes a(z^) predicted and a(z*) inferred (n x k
 * each) and the reconstruction a(z*) D + c (n x d). */
void as_sesm_trace(struct as_model *m, const float *log_zeta,
		   const struct as_config *cfg, const float *x, size_t n,
		   float *trace, float *a_pred, float *a_star,
		   float *recon_star, float *work);

/* One minibatch: infer, step the weights (above), then advance log_zeta
 * over the rows (sparsifying only). losses->recon is the mean energy a
 * row at z*, before the step; penalty 0. */
void as_sesm_step(struct as_model *m, float *log_zeta,
		  const struct as_config *cfg, const float *x, size_t n,
		  float lr, float *work, struct as_losses *out);

#endif
