/* scores_internal: what the scores' files share (src/ only, not a public
 * header): scores.c (the compute entry, the codes' neighbours, probes,
 * PCA, hashing, chains), scores_decoder.c (the scores of sparse
 * coding's predictors, the encoder's Jacobian and the decoder's parts)
 * scores_map.c (a low-dimensional map's order, DrLIM's) and
 * scores_sesm.c (code inference's energies and filters).
 * Same threading as scores.h. */
#ifndef AUTOSCOPE_SCORES_INTERNAL_H
#define AUTOSCOPE_SCORES_INTERNAL_H

#include "autoscope/baselines.h"
#include "autoscope/dataset.h"
#include "autoscope/error.h"
#include "autoscope/params.h"
#include "autoscope/scores.h"
#include "autoscope/stack.h"

/* what a score is computed from: the layers, config and data */
struct run {
	struct as_stack *stack;
	size_t depth; /* the layers trained so far */
	const struct as_config *cfg;
	const struct as_dataset *ds;
	struct as_baselines *b;
};

/* a monotonic clock in seconds (the per-query and per-code times) */
double scores_clock_s(void);

/* AS_SCORE_PSD, AS_SCORE_JACOBIAN, AS_SCORE_PARTS (scores.h) */
enum as_status scores_psd(const struct run *r, struct as_scores *s,
			  struct as_error *err);
enum as_status scores_jacobian(const struct run *r, struct as_scores *s,
			       struct as_error *err);
enum as_status scores_parts(const struct run *r, struct as_scores *s,
			    struct as_error *err);
/* AS_SCORE_MAP (scores_map.c) */
enum as_status scores_map(const struct run *r, struct as_scores *s,
			  struct as_error *err);

/* AS_SCORE_SESM (scores_sesm.c) */
enum as_status scores_sesm(const struct run *r, struct as_scores *s,
			   struct as_error *err);

#endif
