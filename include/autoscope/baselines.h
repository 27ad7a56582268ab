/* baselines: what a run's scores are compared with that depends on the
 * data alone, computed once and kept.
 *
 * Owns: the PCA fit of the training part and the numbers it gives (the
 * rank-k PCA error on held-out, the k-NN precision in the space of k
 * principal components, the signs of the top components as a hash), the
 * random-projection LSH baseline, the raw-pixel neighbour search (its
 * precision, its time per query and the first queries' neighbours), the
 * linear probe on raw input, and the raw input's 2-D projection. Each is
 * computed the first time a score asks for it, again only when the width
 * it is measured at changes (a stage changes the code's width).
 * Threading: one per run, used on the thread that drives that run; a
 * copy (as_baselines_copy) belongs to its new owner. */
#ifndef AUTOSCOPE_BASELINES_H
#define AUTOSCOPE_BASELINES_H

#include <stddef.h>
#include <stdint.h>

#include "autoscope/dataset.h"
#include "autoscope/error.h"
#include "autoscope/measure.h"
#include "autoscope/scores.h"

struct as_baselines {
	struct as_pca *pca; /* of the training part, NULL until needed */
	size_t pca_k;	    /* rank pca_error was measured at (0: none) */
	double pca_error;   /* rank-pca_k PCA error on held-out (all the
			     * data when it has no held-out part), NaN */
	double probe_raw;   /* linear probe on raw input, NaN */
	int pixels_done;    /* the pixel-space neighbour search ran: */
	double pixel_precision, pixel_us;
	uint32_t pixel_nn[AS_HASH_QUERIES][AS_HASH_K];
	size_t knn_k;	/* components knn_pca was measured with (0) */
	double knn_pca; /* k-NN precision of PCA-knn_k codes, NaN */
	size_t hash_bits; /* bits the two hashes were measured at (0) */
	double lsh_precision, pcasign_precision;
	int xy_done;
	float pixel_xy[AS_SCATTER_N][2]; /* held-out input, top-2 PCA */
	/* the probe with few labels (scores.h AS_SCORE_FEW) on raw pixels
	 * and on PCA codes of few_k components (NaN when few_k is not below
	 * the input's width); few_k 0: not measured */
	size_t few_k;
	struct as_few few_raw[AS_FEW_LEVELS], few_pca[AS_FEW_LEVELS];
};

void as_baselines_init(struct as_baselines *b);
void as_baselines_free(struct as_baselines *b);
/* dst (initialised or freed) takes src's numbers; the fit itself is
 * refitted when dst needs it (it is not shared). */
void as_baselines_copy(struct as_baselines *dst,
		       const struct as_baselines *src);

/* The neighbour searches' sizes on ds: the training part is the database,
 * the first AS_HASH_Q_SCORED held-out examples the queries, k neighbours. */
void as_search_sizes(const struct as_dataset *ds, size_t *nq, size_t *k);

/* Each fills its fields above (unless already known at that width) or
 * fails with a sentence: rank k above the input's width, no labels, no
 * held-out part, out of memory. */
enum as_status as_baselines_pca(struct as_baselines *b,
				const struct as_dataset *ds, size_t k,
				struct as_error *err);
enum as_status as_baselines_probe(struct as_baselines *b,
				  const struct as_dataset *ds,
				  struct as_error *err);
enum as_status as_baselines_pixels(struct as_baselines *b,
				   const struct as_dataset *ds,
				   struct as_error *err);
/* PCA-k codes' k-NN precision (k below the input's width) */
enum as_status as_baselines_knn(struct as_baselines *b,
				const struct as_dataset *ds, size_t k,
				struct as_error *err);
/* LSH and PCA-sign at bits bits (bits up to the input's width) */
enum as_status as_baselines_hash(struct as_baselines *b,
				 const struct as_dataset *ds, size_t bits,
				 struct as_error *err);
/* few labels: raw pixels (once) and PCA-k codes (again when k changes) */
enum as_status as_baselines_few(struct as_baselines *b,
				const struct as_dataset *ds, size_t k,
				struct as_error *err);

/* The training rows a draw of labels takes: per examples of each class
 * (0: all the training part), in a random order of the draw's own
 * (the same for a given data set, per and draw); returns how many. */
size_t as_few_draw(const struct as_dataset *ds, int per, uint64_t draw,
		   uint32_t *idx);
/* The probe on features f (ds->n rows of w, the data's order) trained on
 * each level's draws, scored on the held-out part. */
enum as_status as_few_probe(const struct as_dataset *ds, const float *f,
			    size_t w, struct as_few out[AS_FEW_LEVELS],
			    struct as_error *err);

/* the first (up to) AS_SCATTER_N held-out inputs' top-2 projection */
enum as_status as_baselines_xy(struct as_baselines *b,
			       const struct as_dataset *ds,
			       struct as_error *err);

#endif
