/* scores: the numbers a lesson shows for a run, at one moment.
 *
 * Owns: struct as_scores (plain numbers and small fixed arrays, so a
 * snapshot can carry a copy), which of them a lesson asks for, and their
 * computation from a run's layers, config and data (as_scores_compute),
 * against the data's own numbers (baselines.h). The trainer calls it on
 * its own thread (as_trainer_score); the CLI writes the result to
 * lesson.csv and the explorer draws it.
 * Threading: a struct belongs to whoever holds it; no shared state. */
#ifndef AUTOSCOPE_SCORES_H
#define AUTOSCOPE_SCORES_H

#include <stddef.h>
#include <stdint.h>

#include "autoscope/dataset.h"
#include "autoscope/error.h"

struct as_stack;
struct as_config;
struct as_dataset;
struct as_baselines;

enum as_score_kind {
	AS_SCORE_PROBE = 1 << 0,   /* linear probe on codes and raw input */
	AS_SCORE_PCA = 1 << 1,	   /* rank-k PCA error, principal angles */
	AS_SCORE_LOCAL = 1 << 2,   /* localisation of the filters */
	AS_SCORE_HASH = 1 << 3,	   /* semantic hashing precision */
	AS_SCORE_SCATTER = 1 << 4, /* 2-D projection of the codes */
	AS_SCORE_NOISE = 1 << 5,   /* R^2 rebuilding binary noise vs digits */
	AS_SCORE_LOSS = 1 << 6,	   /* only the held-out losses (always in) */
	AS_SCORE_KNN = 1 << 7,	   /* k-NN label precision of the codes */
	AS_SCORE_DEEP = 1 << 8,	   /* squared error vs PCA, gradient norms */
	AS_SCORE_FEW = 1 << 9,	   /* the probe with few labels a class */
	AS_SCORE_SPARSE = 1 << 10, /* sparse coding's codes and atoms */
	AS_SCORE_CHAIN = 1 << 11,  /* denoising sampling chains */
	AS_SCORE_PSD = 1 << 12,	   /* predicted codes against inferred */
	AS_SCORE_JACOBIAN = 1 << 13, /* the encoder's sensitivity */
	AS_SCORE_PARTS = 1 << 14,    /* units that carry a digit */
	AS_SCORE_MAP = 1 << 15,	     /* a map's order: slant, shifts */
	AS_SCORE_SESM = 1 << 16,     /* code inference: energies, filters */
};

/* AS_SCORE_CHAIN: AS_CHAIN_N chains from the first held-out examples,
 * each step corrupt, rebuild, sample (as_stack_chain_step), from a fixed
 * stream */
#define AS_CHAIN_N 100
#define AS_CHAIN_STEPS 100

/* AS_SCORE_FEW: the linear probe trained on AS_FEW_A and AS_FEW_B
 * labelled training examples a class (AS_FEW_DRAWS random draws of them,
 * the same draws for every feature), and on all the training part, scored
 * on all held-out examples */
#define AS_FEW_A 10
#define AS_FEW_B 100
#define AS_FEW_DRAWS 5
#define AS_FEW_LEVELS 3 /* AS_FEW_A, AS_FEW_B, all */

struct as_few {
	double mean, lo, hi; /* over the draws (all: one) */
};

#define AS_SCATTER_N 1000   /* held-out examples in the 2-D scatter */
#define AS_HASH_QUERIES 24  /* held-out queries whose neighbours are kept */
#define AS_HASH_K 10	    /* precision at 10 neighbours */
#define AS_HASH_Q_SCORED 500 /* held-out queries behind the precision */

struct as_scores {
	unsigned have; /* enum as_score_kind bits filled */
	uint64_t step, epoch, examples;
	double heldout;	    /* the training objective on held-out */
	double recon_clean; /* reconstruction loss of clean held-out input */
	double variance;    /* mean 1/2 ||x - mean x||^2 over held-out: the
			     * squared error of drawing the mean (MSE only) */
	double recon_sq;    /* mean 1/2 ||x - x^||^2 of clean held-out input
			     * through the trained layers, whatever the
			     * loss (the unit of the PCA baseline) */
	double error;	    /* held-out classification error of a
			     * classifier on all held-out examples, NaN */
	double error_se;    /* its binomial standard error */
	double pca_code;    /* rank-(code width) PCA error on held-out */
	double grad_first, grad_top; /* ||dL/dW|| of the first and the top
				      * layer at the last step (stack.h) */
	double probe_codes, probe_raw;
	double pca_error;     /* rank-n_hidden PCA on held-out (MSE units) */
	double angle_max_deg; /* principal angles, decoder subspace vs PCA */
	double angle_mean_deg;
	double localisation; /* as_filter_localisation, half-size windows */
	double hash_precision, pixel_precision; /* at AS_HASH_K */
	double noise_r2; /* R^2 of rebuilt binary noise (1: copies it) */
	double digit_r2; /* R^2 of rebuilt clean held-out examples */
	size_t n_scatter;
	float code_xy[AS_SCATTER_N][2];	 /* top-2 PCA of the codes */
	float pixel_xy[AS_SCATTER_N][2]; /* top-2 PCA of the raw input */
	uint8_t scatter_label[AS_SCATTER_N];
	/* data with shifted copies (dataset.h): each point's copy, whose
	 * shift is scatter_shift_px[copy] (the scatter's colours then);
	 * scatter_copies 1 without */
	uint8_t scatter_copy[AS_SCATTER_N];
	size_t scatter_copies;
	int scatter_shift_px[AS_SHIFTS_MAX + 1];
	size_t n_queries, hash_k; /* queries kept, neighbours of each */
	uint32_t query[AS_HASH_QUERIES]; /* example rows (held-out part) */
	uint32_t hash_nn[AS_HASH_QUERIES][AS_HASH_K];  /* training rows */
	uint32_t pixel_nn[AS_HASH_QUERIES][AS_HASH_K]; /* training rows */
	/* AS_SCORE_KNN: precision@AS_HASH_K of AS_HASH_Q_SCORED held-out
	 * queries among the training part, Euclidean, in code space and in
	 * the space of as many principal components of the pixels */
	double knn_codes, knn_pca;
	/* AS_SCORE_HASH, beside the Hamming precision: the baselines at the
	 * same number of bits (random-projection LSH: signs of Gaussian
	 * projections of the centred pixels; the signs of the top principal
	 * components), the share of code values below 0.1 or above 0.9, the
	 * Hamming ball of radius AS_BALL_R around each query's address
	 * (training items in it, the share of them with its label), and the
	 * time per query of that lookup and of a pixel-space search */
	double lsh_precision, pcasign_precision;
	double binary_share;
	double ball_size, ball_precision;
	double us_ball, us_pixels;
	/* AS_SCORE_FEW, at each level: on the codes, on raw pixels, on PCA
	 * codes of as many components as the code has units (NaN when the
	 * code is not narrower than the input) */
	struct as_few few_codes[AS_FEW_LEVELS], few_raw[AS_FEW_LEVELS],
		few_pca[AS_FEW_LEVELS];
	/* AS_SCORE_SPARSE (sparse coding), on the held-out part: non-zero
	 * coefficients a code, the residual's share of the energy, the mean
	 * ||z||_1 and the mean atom norm */
	double sc_active, sc_residual, sc_l1, sc_atom_norm;
	/* AS_SCORE_CHAIN: the chains' mean pixel value at the start, after
	 * 10 steps and after AS_CHAIN_STEPS */
	double chain_start, chain_10, chain_end;
	/* AS_SCORE_PSD (sparse coding and PSD), against the codes z* that
	 * sparse coding infers on the held-out part: the relative error
	 * ||zp - z*|| / ||z*|| and the sparse-coding energy ratio E(zp) /
	 * E(z*) of PSD's prediction (psd_*, NaN for sc) and of the best
	 * linear predictor fitted to the training part's codes by least
	 * squares (lin_*, the baseline); the mean cosine between each unit's
	 * predictor filter and its atom; the time per code of inference and
	 * of prediction */
	double psd_rel_err, psd_energy_ratio, psd_cos;
	double lin_rel_err, lin_energy_ratio, lin_cos;
	double us_infer, us_predict;
	/* AS_SCORE_JACOBIAN (a one-layer sigmoid encoder), over the first
	 * held-out digits: J = dh/dx = diag(h (1 - h)) W at each, the mean
	 * ||J||_F, the root mean square gain ||J v|| along v the unit
	 * direction to the digit's nearest training digit (a direction of
	 * the data), the same along random unit directions (from
	 * E ||J v||^2 = ||J||_F^2 / d, exactly), and their ratio: how much
	 * more the code moves along the data than across it (Rifai et al.
	 * 2011) */
	double jac_frob, jac_tangent, jac_random, jac_ratio;
	/* AS_SCORE_PARTS (one-layer runs), over the first AS_PARTS_N
	 * held-out examples rebuilt by parts (parts.h): the median number of
	 * units that carry 90% of what the code puts into the decoder
	 * (AS_PARTS_MAX + 1 standing for more) and the share of examples
	 * that need more than AS_PARTS_MAX */
	double parts_median, parts_over;
	/* AS_SCORE_MAP (DrLIM's experiments), over the first map_n held-out
	 * examples (whole groups of shifted copies), on the codes (map_*)
	 * and on PCA-2 of the pixels (pca_*, the baseline): R^2 of each
	 * digit's slant (as_image_slant) predicted by the mean slant of its
	 * 10 nearest others on the map (1: neighbours lean alike; 0: no
	 * better than the mean slant); with shifted copies the share of
	 * those neighbours that are the same shift (clustered by shift: near
	 * 1; chance 1 / copies) and the mean distance between the copies of
	 * one digit over the mean distance between any two (invariant: near
	 * 0; NaN without copies) */
	size_t map_n;
	double map_slant_r2, map_shift_p, map_copy_ratio;
	double pca_slant_r2, pca_shift_p, pca_copy_ratio;
	/* AS_SCORE_SESM (model sesm, sesm.h), over the first AS_SESM_N
	 * held-out examples: the mean energy at the prediction z^ and at
	 * the inferred z*; half the squared error of the reconstruction
	 * from a(z^) and from a(z*); the prediction's relative error
	 * ||a(z^) - a(z*)|| / ||a(z*)||; the mean code value a(z^) and the
	 * share of its units above 0.5; the mean cosine of encoder row and
	 * decoder column (as_model_decoder_cos) and the mean ratio of their
	 * norms, decoder over encoder (the scale factor) */
	double sesm_e_pred, sesm_e_star, sesm_rec_pred, sesm_rec_star;
	double sesm_code_err, sesm_mean_a, sesm_active, sesm_cos, sesm_scale;
};
#define AS_SESM_N 1000

/* The slant of the ink of an image (rows x cols): the shear x - slant y
 * (y upwards) that makes its second moments upright; > 0 leans right. */
double as_image_slant(const float *img, size_t rows, size_t cols);

#define AS_PARTS_N 200

#define AS_BALL_R 2

void as_scores_clear(struct as_scores *s);

/* The first n of the fixed binary noise images behind AS_SCORE_NOISE
 * (n x d into out): each value the data's maximum with the probability
 * of the training part's mean brightness, else its minimum; always the
 * same images (a fixed stream). */
void as_noise_images(const struct as_dataset *ds, size_t n, float *out);

/* Adds to s the kinds in which (enum as_score_kind bits) that fit the
 * data, measured on the first depth layers of stack (trained with cfg) and
 * on ds, against the data's numbers in b (computed there when first
 * needed): no probe, hashing or k-NN without labels, no angles unless a
 * single layer is narrower than its input. Also, always: the gradient
 * norms, the clean held-out reconstruction loss (not for a classifier)
 * and the held-out variance (squared error). It leaves the counters, the
 * held-out objective and a classifier's error to the caller (they belong
 * to the run). Runs on the caller's thread; stack's scratch is used. */
enum as_status as_scores_compute(struct as_stack *stack, size_t depth,
				 const struct as_config *cfg,
				 const struct as_dataset *ds,
				 struct as_baselines *b, unsigned which,
				 struct as_scores *s, struct as_error *err);

#endif
