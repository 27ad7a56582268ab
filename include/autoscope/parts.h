/* parts: a digit rebuilt unit by unit, the decoder's view of a code (the
 * tutorial's figure 4, in ../shared/papers).
 *
 * Owns: for one example's code h, the units ranked by what they put into
 * the decoder (|h_j| times the norm of their decoder column), the first
 * AS_PARTS_K of them with their columns, the reconstructions of the
 * partial sums as they are added (the output non-linearity and bias of
 * the model applied), and how many units carry 90% of the decoder's input
 * (the least m with ||a - a_m||^2 <= 0.1 ||a||^2, a = sum_j h_j w'_j, a_m
 * its m largest terms; AS_PARTS_MAX + 1 when more).
 * Threading: the caller's; no state. */
#ifndef AUTOSCOPE_PARTS_H
#define AUTOSCOPE_PARTS_H

#include <stddef.h>
#include <stdint.h>

#include "autoscope/model.h"

#define AS_PARTS_K 8
#define AS_PARTS_MAX 64

struct as_parts {
	int k;	      /* units kept (<= AS_PARTS_K) */
	int units_90; /* units carrying 90% (AS_PARTS_MAX + 1: more) */
	uint32_t unit[AS_PARTS_K];
	float code[AS_PARTS_K];
};

/* The decoder of m: column j is row j of W when tied or sparse (sc),
 * else column j of W'; sigmoid_out: the output is sigmoid(c + a) (else
 * c + a, or a alone for sparse coding: bias 0). norms: the n_hidden
 * column norms (as_parts_norms); partial and cols: AS_PARTS_K x
 * n_visible each; scratch: 2 x n_visible. */
void as_parts_norms(const struct as_model *m, int sparse, float *norms);
void as_parts_of(const struct as_model *m, int sparse, int sigmoid_out,
		 const float *h, const float *norms, struct as_parts *out,
		 float *partial, float *cols, float *scratch);

#endif
