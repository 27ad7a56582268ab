/* drlim: dimensionality reduction by learning an invariant mapping
 * (Hadsell, Chopra & LeCun 2006; the tutorial in ../shared/papers, 000_).
 *
 * Owns: the neighbourhood graph of a set of examples and the contrastive
 * loss of a siamese mapping G, the stack's encoder (both halves of the
 * siamese pair are the same weights):
 *   D = ||G(x1) - G(x2)||,
 *   L = (1 - Y) 1/2 D^2 + Y 1/2 max(0, m - D)^2,  Y = 1: dissimilar,
 * m the margin. A similar pair is pulled together, a dissimilar one
 * pushed apart until it is m apart (the paper's eq. 4: springs that only
 * attract, and springs that only repel within m).
 * The graph: each example's AS_DRLIM_K nearest others by Euclidean
 * distance in the input (the paper's 5); with shifted copies (dataset.h:
 * rows of one original consecutive) and the shift mode, also the other
 * copies of itself and every copy of its neighbours (the paper's second
 * experiment, which makes the map shift-invariant). Every other pair is
 * dissimilar. A minibatch draws for each of its examples a similar
 * partner or, as often, a dissimilar one.
 * Threading: a graph is read-only once built (any thread); the step and
 * the loss belong to the stack's thread. */
#ifndef AUTOSCOPE_DRLIM_H
#define AUTOSCOPE_DRLIM_H

#include <stddef.h>
#include <stdint.h>

#include "autoscope/error.h"
#include "autoscope/model.h"
#include "autoscope/params.h"
#include "autoscope/rng.h"

struct as_stack;

#define AS_DRLIM_K 5

struct as_pairs {
	size_t n;      /* examples */
	size_t copies; /* rows of one original, consecutive (1: none) */
	uint32_t *nn;  /* n x AS_DRLIM_K, nearest first */
};

/* The graph of the n rows of x (n x d): brute force through sgemm, in
 * blocks (ties to the lower index). n >= 2 (fewer neighbours than
 * AS_DRLIM_K are repeated). */
enum as_status as_pairs_build(const float *x, size_t n, size_t d,
			      size_t copies, struct as_pairs *out,
			      struct as_error *err);
/* dst (empty) becomes a copy of src */
enum as_status as_pairs_copy(struct as_pairs *dst, const struct as_pairs *src,
			     struct as_error *err);
void as_pairs_free(struct as_pairs *p);

/* Whether j is similar to i (i != j) in mode (enum as_drlim_pairs). */
int as_pairs_similar(const struct as_pairs *p, size_t i, size_t j,
		     int mode);
/* A partner of i: uniformly among its similar ones, or a dissimilar one
 * drawn uniformly (by rejection). */
size_t as_pairs_draw(const struct as_pairs *p, size_t i, int similar,
		     int mode, struct as_rng *rng);

/* The contrastive loss of n pairs, x (2n x d): the first rows of the
 * pairs, then their partners, dissimilar[e] the Y of pair e; summed
 * over the pairs. With grad, the gradient of the mean through the
 * encoder into s->grad (weight decay added to each W, its penalty in
 * *penalty; the decoders' parts are left alone: zero from the stack's
 * creation, as nothing in a mapping's run writes them). 2n <= s->max_batch. */
double as_drlim_loss(struct as_stack *s, const struct as_config *cfg,
		     const float *x, const uint8_t *dissimilar, size_t n,
		     int grad, double *penalty);

/* One minibatch: as_drlim_loss with the gradient, then the stack's
 * momentum step; losses->recon the mean loss a pair. */
void as_drlim_step(struct as_stack *s, const struct as_config *cfg,
		   const float *x, const uint8_t *dissimilar, size_t n,
		   float lr, struct as_losses *out);

#endif
