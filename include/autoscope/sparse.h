/* sparse: sparse coding (Olshausen & Field 1996), the first of the
 * energy-based models of the tutorial in ../shared/papers (000_...).
 *
 * Owns: the model's arithmetic on a one-layer view (model.h): the atoms
 * of the dictionary D are the rows of W (n_hidden x n_visible, so the
 * filter views draw them), an input's code z (n_hidden) is not computed
 * by an encoder but inferred by minimising the energy
 *     E(x, z) = 1/2 ||x - z W||^2 + lambda ||z||_1
 * with ISTA (z <- soft(z - (z W - x) W^T / L, lambda / L)) or FISTA (the
 * same from an extrapolated point, Beck & Teboulle 2009), L the largest
 * eigenvalue of W W^T by power iteration; then a gradient step on W at
 * the inferred codes and, switchable, every atom back to unit length:
 * without it the atoms grow and the codes shrink (the tutorial's
 * warning). Minibatches through sgemm.
 * Threading: the caller's (the trainer's thread); the scratch is work. */
#ifndef AUTOSCOPE_SPARSE_H
#define AUTOSCOPE_SPARSE_H

#include <stddef.h>

#include "autoscope/model.h"
#include "autoscope/params.h"

/* floats of scratch as_sc_* need beside the model's own buffers */
size_t as_sc_work_len(size_t n_visible, size_t n_hidden, size_t max_batch);

/* L of W W^T (power iteration from a fixed start, iters rounds) */
float as_sc_lipschitz(const struct as_model *m, int iters, float *work);

/* the codes z (n x n_hidden, n <= max_batch) of x by cfg's inference
 * (sc_iters rounds of ISTA or FISTA from z = 0); z must not be m->dh */
void as_sc_infer(struct as_model *m, const struct as_config *cfg,
		 const float *x, size_t n, float *z, float *work);

/* the energy's parts at codes z: *recon = sum 1/2 ||x - z W||^2, *l1 =
 * sum ||z||_1 (over the n rows); the residual x - zW left in m->xr */
void as_sc_energy(struct as_model *m, const float *x, const float *z,
		  size_t n, double *recon, double *l1);

/* One minibatch: infer, then W -= lr * dE/dW (with momentum and weight
 * decay as cfg says), then the atoms to unit length if cfg->renorm.
 * losses->recon is the mean energy a row at the inferred codes, before
 * the step (both terms: the curve a run draws), penalty 0. */
void as_sc_step(struct as_model *m, const struct as_config *cfg,
		const float *x, size_t n, float lr, float *work,
		struct as_losses *out);

/* every row of W to unit length (a zero row stays zero) */
void as_sc_renorm(struct as_model *m);

/* what the sparse coding lesson measures on n examples: the mean number
 * of non-zero coefficients a code, the residual's share of the energy
 * (sum ||x - zW||^2 / sum ||x||^2), the mean ||z||_1 and the mean atom
 * norm */
struct as_sc_stats {
	double active, residual_share, l1, atom_norm;
};
void as_sc_measure(struct as_model *m, const struct as_config *cfg,
		   const float *x, size_t n, float *work,
		   struct as_sc_stats *out);

/*
 * Predictive sparse decomposition (Kavukcuoglu, Ranzato & LeCun 2008):
 * the energy gains a prediction term,
 *     E(x, z) = 1/2 ||x - z W||^2 + lambda ||z||_1 + alpha/2 ||z - g(x)||^2,
 * with the encoder g(x) = gain * tanh(x P^T + b) (P k x d, gain and b of
 * k: a scaled tanh per unit). A minibatch: predict, infer z* from the
 * prediction (ISTA/FISTA with L + alpha), a step on the dictionary as
 * sparse coding's and one on the encoder towards z*. After training the
 * code is the prediction: one product, no iterations.
 * The encoder's block is [P | b | gain] in the stack's arena, with its
 * gradient and momentum at the same offsets (stack.h); v is the momentum
 * of the whole block, gp its gradient (gp, gb, ggain consecutive).
 */
struct as_psd {
	float *p, *b, *gain;	/* the block: P, then b, then gain */
	float *gp, *gb, *ggain; /* its gradient, laid out alike */
	float *v;		/* its momentum */
};

/* floats of scratch as_psd_* need: as_sc_work_len's, then 2 n k */
size_t as_psd_work_len(size_t n_visible, size_t n_hidden, size_t max_batch);

/* zp = g(x) for n rows (n x k), t = tanh(x P^T + b) beside it */
void as_psd_predict(const struct as_psd *e, size_t k, size_t d,
		    const float *x, size_t n, float *t, float *zp);

/* z* from zp: the energy above, sc_iters rounds from z = zp; z must not
 * be m->dh */
void as_psd_infer(struct as_model *m, const struct as_config *cfg,
		  const float *x, size_t n, const float *zp, float *z,
		  float *work);

/* the gradient of alpha/(2n) sum ||z - g(x)||^2 in the encoder's block
 * (gp, gb, ggain), from the t and zp of as_psd_predict; du (n x k)
 * scratch */
void as_psd_pred_grad(const struct as_psd *e, size_t k, size_t d,
		      float alpha, const float *x, const float *t,
		      const float *zp, const float *z, size_t n, float *du);

/* The energy summed over n rows at z* inferred from the prediction; z*
 * left in m->h, the residual x - z*W in m->xr, the prediction zp and the
 * tanh t in work (as as_psd_step reads them) */
double as_psd_energy(struct as_model *m, const struct as_psd *e,
		     const struct as_config *cfg, const float *x, size_t n,
		     float *work);

/* One minibatch (above), with momentum and weight decay on both parts and
 * the atoms renormalised if cfg->renorm; losses->recon the mean energy a
 * row at z*, before the step. */
void as_psd_step(struct as_model *m, const struct as_psd *e,
		 const struct as_config *cfg, const float *x, size_t n,
		 float lr, float *work, struct as_losses *out);

#endif
