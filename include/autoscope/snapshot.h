/* snapshot: what the screen needs, copied out of the trainer.
 *
 * Owns: struct as_snapshot (weights, reconstructions of a fixed set of
 * held-out examples, the history, counters, the config in force and the
 * trainer's last message) and a triple buffer that hands the newest one
 * from the trainer thread to the UI thread. The writer fills a free slot
 * without any lock and publishes it under a mutex held for a few
 * instructions; the reader takes the newest and keeps it until it
 * releases it. Neither side ever waits for the other's copy.
 * Threading: one writer thread (the trainer), one reader thread (the UI). */
#ifndef AUTOSCOPE_SNAPSHOT_H
#define AUTOSCOPE_SNAPSHOT_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "autoscope/error.h"
#include "autoscope/history.h"
#include "autoscope/parts.h"
#include "autoscope/params.h"
#include "autoscope/scores.h"
#include "autoscope/sesm.h"

#define AS_SNAP_RECON 10
#define AS_SNAP_CHAINS 6 /* live chains a run shows (<= AS_SNAP_RECON) */
#define AS_TRAV_UNITS 3 /* units a sample's traversal dials (<= AS_PARTS_K) */
#define AS_TRAV_T 7	/* values each is dialled through */
#define AS_PLANE 8	 /* the decoded grid over a 2-D code plane */
#define AS_SNAP_BINS 20	 /* of a layer's histogram of code values */
#define AS_SNAP_STATS 100 /* held-out examples the layer statistics see */

/* One layer of a stack as the screen shows it. */
struct as_layer_stats {
	double mean_act;  /* mean code value over AS_SNAP_STATS examples */
	double binary;	  /* share of values below 0.1 or above 0.9 */
	double grad_norm; /* ||dL/dW|| of the last step that trained it */
	float lo, hi;	  /* the histogram's range: [0, 1] for sigmoid */
	float hist[AS_SNAP_BINS]; /* share of the values in each bin */
};

struct as_snapshot {
	uint64_t generation; /* 0: nothing published yet */
	struct as_config config;
	uint64_t step, epoch, examples;
	size_t epoch_pos, epoch_len; /* examples into this epoch, of */
	double elapsed_s;
	double examples_per_s; /* recent training speed */
	int paused;
	int waiting; /* ahead of the runs beside it: waiting for them */
	int tied;
	int psd; /* PSD: w holds the atoms and w2 the encoder's P^T (the
		  * filter views' decoder side is PSD's encoder) */
	size_t n_visible, n_hidden, rows, cols;
	float *w;      /* n_hidden x n_visible, the encoder filters */
	float *w2;     /* n_visible x n_hidden, the decoder W' (untied;
			* when tied it is W^T and not copied) */
	double decoder_gap; /* ||W' - W^T||_F / ||W||_F (0 when tied) */
	double decoder_cos; /* the mean cosine of encoder row j and decoder
			     * column j (as_model_decoder_cos; 1 tied) */
	float *mean_h; /* n_hidden: mean activation on the recon samples */
	size_t n_recon;
	float *clean, *corrupted, *recon; /* n_recon x n_visible each */
	/* random binary dots (as_noise_images: the images behind the R^2
	 * score) and the run's reconstruction of them, n_dots x n_visible;
	 * n_dots 0 when the run's options do not ask for them */
	size_t n_dots;
	float *dots, *dots_recon;
	/* each clean sample rebuilt unit by unit (parts.h), for one-layer
	 * runs (n_parts 0 otherwise): its largest units, their decoder
	 * columns and the partial reconstructions, AS_PARTS_K x n_visible a
	 * sample in parts_cols and parts_img */
	/* a lesson's live sampling chains (AS_SCORE_CHAIN): each chain's
	 * first state and its state now, n_chains x n_visible, and the steps
	 * taken (n_chains 0 when the run's options do not ask for them) */
	size_t n_chains;
	uint64_t chain_step;
	float *chain_start, *chain_now;
	/* a 2-D code's plane decoded (runs whose trained code has two
	 * units): AS_PLANE x AS_PLANE images, row by row from the top (code
	 * 2 high) and left (code 1 low), over the range of the held-out
	 * codes plane_lo..plane_hi; for a DrLIM mapping (config.model, no
	 * decoder) each the held-out digit nearest that point of its map,
	 * blank where none falls; has_plane 0 otherwise */
	int has_plane;
	float plane_lo[2], plane_hi[2];
	float *plane; /* AS_PLANE^2 x n_visible */
	size_t n_parts;
	struct as_parts parts[AS_SNAP_RECON];
	float *parts_cols, *parts_img;
	/* each sample's AS_TRAV_UNITS largest units (parts[e].unit[0..])
	 * dialled one at a time through AS_TRAV_T values from 0 to
	 * trav_hi[e][u] (1 for a sigmoid code, else twice the unit's value),
	 * the rest of the code held: AS_TRAV_UNITS x AS_TRAV_T decodings a
	 * sample in trav, row by row (one-layer runs, with the parts) */
	float *trav;
	float trav_hi[AS_SNAP_RECON][AS_TRAV_UNITS];
	/* code inference (model sesm, sesm.h) on each clean sample: its
	 * energy from the prediction (step 0) through infer_t steps, a row
	 * of infer_t + 1 values a sample; its code a(z^) predicted and a(z*)
	 * inferred (n_recon x n_hidden each) and the reconstruction from
	 * a(z*) (n_recon x n_visible); n_infer 0 for other models.
	 * Refreshed with the parts. */
	size_t n_infer;
	int infer_t;
	float *infer_energy, *code_pred, *code_star, *infer_recon;
	int unit_range; /* data in [0, 1] (draw clipped) or not */
	/* the stack (one layer for --hidden): w above is layer 1's W */
	size_t n_layers, sizes[AS_LAYERS_MAX + 1];
	size_t depth;	/* layers trained so far (as_trainer_depth) */
	float *deep_w;	/* W_2 .. W_L one after the other, W_k of
			 * sizes[k] x sizes[k-1] (NULL for one layer) */
	struct as_layer_stats layer[AS_LAYERS_MAX];
	double error; /* held-out classification error, or NaN */
	struct as_history history;
	double pca_error;      /* rank-k PCA baseline on held-out, or NaN */
	size_t pca_k;	       /* its k: the code's width (0: none) */
	double heldout_loss;   /* latest, or NaN */
	double probe_accuracy; /* latest linear probe, or NaN */
	double probe_raw;      /* probe on raw pixels, or NaN */
	struct as_scores scores; /* the latest as_trainer_score */
	uint64_t message_id;   /* changes when message changes */
	char message[160];     /* the trainer's last word: saved, diverged */
};

struct as_publisher {
	pthread_mutex_t lock;
	struct as_snapshot slot[3];
	int latest;  /* the newest published slot, -1 before the first */
	int reading; /* the slot the reader holds, -1 if none */
	int writing; /* the slot the writer fills */
	uint64_t generation;
};

/* sizes[0..n_layers]: the input and each layer (n_layers 1: sizes[1] is
 * the hidden layer). */
enum as_status as_publisher_init(struct as_publisher *p, size_t n_layers,
				 const size_t *sizes, size_t n_recon,
				 struct as_error *err);
void as_publisher_destroy(struct as_publisher *p);

/* Writer: the slot to fill (never the reader's or the newest). */
struct as_snapshot *as_publisher_begin(struct as_publisher *p);
/* Writer: makes the slot from begin the newest, with a new generation. */
void as_publisher_commit(struct as_publisher *p);

/* Reader: the newest snapshot (NULL before the first publish); it stays
 * valid and unchanged until as_snapshot_release. */
const struct as_snapshot *as_snapshot_acquire(struct as_publisher *p);
void as_snapshot_release(struct as_publisher *p);

#endif
