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

#endif
