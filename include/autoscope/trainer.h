/* trainer: a run. A model, its data, its history and the loop around them.
 *
 * Owns: the model, the epoch order and three rng streams (initialisation,
 * shuffling, noise), the counters, the history, the filter history
 * (frames.h: taken on its own thread, read by the UI under its lock) and
 * the CSV log, the last
 * good weights (restored when a step diverges, with the learning rate
 * halved), the command queue and the snapshot publisher.
 *
 * Two ways to drive it, one code path:
 *  - headless (CLI, tests, bench): call as_trainer_step in a loop;
 *  - threaded (TUI): as_trainer_start runs the same loop on its own thread;
 *    the UI pushes commands (as_trainer_push), reads snapshots (t->pub)
 *    and reads the filter history (t->frames, under its lock: a copy in
 *    every snapshot would cost megabytes); it never touches the model.
 * Commands are applied between two minibatches, validated through the
 * params table, and every applied change is recorded in the history
 * (step, parameter, old -> new) and the CSV log.
 * Threading: as_trainer_push, the publisher and the frames' locked reads
 * may be used from any thread; everything else belongs to the thread that
 * drives the trainer. */
#ifndef AUTOSCOPE_TRAINER_H
#define AUTOSCOPE_TRAINER_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "autoscope/baselines.h"
#include "autoscope/checkpoint.h"
#include "autoscope/drlim.h"
#include "autoscope/dataset.h"
#include "autoscope/error.h"
#include "autoscope/export.h"
#include "autoscope/history.h"
#include "autoscope/measure.h"
#include "autoscope/model.h"
#include "autoscope/pace.h"
#include "autoscope/params.h"
#include "autoscope/rng.h"
#include "autoscope/scores.h"
#include "autoscope/snapshot.h"
#include "autoscope/stack.h"

enum as_cmd_kind {
	AS_CMD_SET,    /* param = value (table index, value) */
	AS_CMD_NUDGE,  /* param one key step up (value > 0) or down */
	AS_CMD_PAUSE,  /* value > 0: pause, 0: resume, < 0: toggle */
	AS_CMD_STEP,   /* one minibatch while paused */
	AS_CMD_RESET,  /* new initialisation (same config, next seed) */
	AS_CMD_SAVE,   /* checkpoint to <out>/checkpoint.ascp */
	AS_CMD_EXPORT, /* filters.png, recon.png, weights .npy into <out> */
	AS_CMD_PROBE,  /* linear probe on codes and raw pixels */
	AS_CMD_FORK,   /* an exact copy of the run: as_trainer_take_fork */
	AS_CMD_SCORE,  /* as_trainer_score(value: enum as_score_kind bits) */
	AS_CMD_HISTORY, /* history.png and frames/ into <out> */
	AS_CMD_CHAINS,	/* the live sampling chains start again */
	AS_CMD_QUIT,   /* stop the thread (after the queue before it) */
};

struct as_command {
	enum as_cmd_kind kind;
	int param;
	double value;
};

#define AS_QUEUE_MAX 64

/* A held-out evaluation is a forward pass (2 GEMMs an example) where a
 * trained example costs 5: with one held-out example per 20 trained it
 * stays near 2 % of the training work. It always takes the first held-out
 * examples, corrupted by the same noise, so the curve shows the model
 * changing and not the sample; AS_EVAL_MIN keeps it from shrinking to a
 * handful on a small training set. */
#define AS_EVAL_MIN 200

struct as_trainer_opts {
	const char *out_dir;  /* NULL: no files written */
	int csv;	      /* write <out>/log.csv */
	int append_csv;	      /* a resumed run appends */
	size_t point_every;   /* examples between history points (1000) */
	double point_min_s;   /* and at least these seconds (0: no limit),
			       * so a fast run does not flood log.csv */
	size_t eval_every;    /* examples between held-out evals (4000);
			       * 0: at the end of each epoch */
	size_t eval_max;      /* held-out examples used per eval, the first
			       * ones (0: all) */
	size_t eval_ratio;    /* and at most one per eval_ratio examples
			       * of eval_every (or of an epoch), but at
			       * least AS_EVAL_MIN (20; 0: no such limit) */
	size_t good_every;    /* steps between last-good copies (50) */
	int publish;	      /* 1: fill snapshots (TUI) */
	double publish_min_s; /* seconds between snapshots (0.08) */
	unsigned score_every_epoch; /* threaded: as_trainer_score(these)
				     * after each epoch (0: never) */
	struct as_pace *pace; /* threaded: keep step with other runs (NULL:
			       * alone); joined on start, left on stop */
	size_t grid_cols, grid_rows; /* export also filters-CxR.png (0: no) */
	size_t history_mb; /* the filter history's budget (frames.h; 0: none;
			    * AS_FRAMES_MB_DEFAULT) */
};

void as_trainer_opts_default(struct as_trainer_opts *o);

/* The divergence guard (trainer_step.c): weights are copied to cand
 * every good_every steps and promoted to good once the next good_every
 * steps ran with finite losses that did not more than double (ref_loss);
 * a step with a non-finite loss brings back good. */
struct as_trainer_guard {
	struct as_stack *good, *cand;
	uint64_t good_step, cand_step;
	double int_loss; /* loss summed since cand was taken */
	size_t int_n;
	double ref_loss; /* mean loss of the last promoted interval */
	int rejected;	 /* intervals in a row that more than doubled */
};

/* The command queue and pause state (under qlock: as_trainer_push from
 * any thread; as_trainer_step applies the queue in both modes; paused may
 * be set before the thread starts), the thread that runs the loop in
 * threaded mode (trainer_out.c), the fork a command made, and the run's
 * place among runs kept in step. */
struct as_trainer_control {
	pthread_t thread;
	int running;
	pthread_mutex_t qlock;
	pthread_cond_t qcond;
	struct as_command queue[AS_QUEUE_MAX];
	size_t q_head, q_len;
	int paused, quit, step_once;
	/* a fork made by AS_CMD_FORK, waiting for as_trainer_take_fork
	 * (under qlock) */
	struct as_trainer *forked;
	int forks_failed; /* AS_CMD_FORKs that made nothing (under qlock) */
	double wait_share; /* moving share of rounds held back */
	int pace_slot;
};

/* What the snapshots show beside the weights (trainer_out.c fills them on
 * the run's thread, for publishing runs only): the throughput, and
 * pictures computed from the model at their own pace. */
struct as_trainer_views {
	double last_publish_s;
	double rate; /* examples per second over the last half second */
	size_t rate_n;
	double rate_s;
	float *recon_noisy; /* AS_SNAP_RECON x d */
	/* a lesson's live sampling chains (AS_SCORE_CHAIN): AS_SNAP_CHAINS
	 * states, their starts, scratch (NULL: none) */
	float *chain_x, *chain_x0, *chain_work;
	uint32_t *chain_perm;
	uint64_t chain_step;
	struct as_rng rng_chain;
	/* the 2-D code plane decoded (a layer of two units): AS_PLANE^2 x d,
	 * refreshed each second, or NULL */
	float *plane;
	int has_plane;
	/* DrLIM (no decoder): the plane is the held-out digits at their
	 * places on the map instead (trainer_map_fill); the codes of the
	 * first AS_MAP_N held-out examples and the fill's scratch, or NULL */
	float *map_codes;
	float plane_lo[2], plane_hi[2];
	double last_plane_s;
	float *parts_norms; /* n_hidden + 2 d: the parts view's scratch
			     * (one layer), or NULL */
	/* the last computed parts (refreshed twice a second) */
	size_t n_parts;
	struct as_parts parts[AS_SNAP_RECON];
	float *parts_img, *parts_cols; /* AS_SNAP_RECON x AS_PARTS_K x d */
	double last_parts_s;
	/* the traversals, refreshed with the parts (snapshot.h), the codes
	 * they start from and the dialled codes' scratch */
	float *trav, *trav_h, *trav_codes;
	float trav_hi[AS_SNAP_RECON][AS_TRAV_UNITS];
	/* code inference on the samples (model sesm), refreshed with the
	 * parts: the fields of snapshot.h, or NULL */
	size_t n_infer;
	int infer_t;
	float *infer_energy, *code_pred, *code_star, *infer_recon;
	float *dots; /* AS_SNAP_RECON x d random dots (as_noise_images) for
		      * a lesson with AS_SCORE_NOISE, or NULL */
	float *recon_stats; /* AS_SNAP_STATS x the widest layer */
	struct as_layer_stats stats[AS_LAYERS_MAX]; /* the last computed */
	double last_stats_s;
};

#define AS_MAP_N 2000

/* The run's files: its directory (trainer_export.c writes there) and
 * log.csv (trainer.c opens it, trainer_step.c writes it). */
struct as_trainer_files {
	char out_dir[2048]; /* "": none */
	struct as_csv_log csv;
};

/* A run: its state (what a checkpoint holds) and its measures at the
 * top, then the parts above: the guard (trainer_step.c), the control
 * (trainer_step.c applies the commands, trainer_out.c runs the thread),
 * the views (trainer_out.c) and the files; trainer.c makes, copies (fork)
 * and frees them all. The threading rule at the top holds for every
 * part: a run that opens paused sets ctl.paused before its thread starts. */
struct as_trainer {
	struct as_config cfg;
	struct as_trainer_opts opts;
	const struct as_dataset *ds; /* borrowed; outlives the trainer */
	struct as_stack *stack; /* the layers (one for --hidden) */
	struct as_model *model; /* its first layer (a view, not owned): the
				 * filters in pixel space */
	struct as_rng rng_init, rng_shuffle, rng_noise;
	uint32_t *order;
	size_t cursor;
	float *batch; /* max batch x d, gathered from the order (DrLIM:
		       * twice that, the pairs' partners after them) */
	/* DrLIM's neighbourhood graphs of the training and the held-out
	 * part (drlim.h; built from the data, so not saved), else empty */
	struct as_pairs pairs, pairs_held;
	uint64_t step, epoch, examples;
	uint64_t stage_epoch; /* the epoch the stage in force began */
	uint8_t *batch_labels; /* max batch, gathered with the batch */
	double elapsed_s; /* wall time spent running (not paused) */
	double last_tick; /* end of the last minibatch, 0: not running */
	double last_point_s; /* wall clock of the last history point */
	/* loss since the last history point */
	double acc_loss;
	size_t acc_examples;
	uint64_t last_eval_examples;
	struct as_history *history;
	struct as_frames frames; /* the first layer's filters through time */
	int frames_ok;		 /* frames initialised (to free) */
	/* the run's own measures: the held-out loss and the examples it was
	 * measured on, a classifier's error, the probe on codes (NaN: not
	 * measured), the latest scores and the data's numbers they are
	 * compared with (computed once, kept: baselines.h) */
	double last_heldout;
	size_t last_heldout_n;
	double last_error;
	double probe_accuracy;
	int has_pca; /* the PCA baseline was tried (the thread fits it) */
	struct as_scores scores;
	uint64_t scored_epoch;
	struct as_baselines base;
	char message[160]; /* the last thing the run said, and its id */
	uint64_t message_id;
	struct as_publisher pub; /* snapshots for any thread */
	struct as_trainer_guard guard;
	struct as_trainer_control ctl;
	struct as_trainer_views view;
	struct as_trainer_files files;
};

/* A new run of cfg on ds (ds must outlive the trainer). */
enum as_status as_trainer_create(const struct as_config *cfg,
				 const struct as_dataset *ds,
				 const struct as_trainer_opts *opts,
				 struct as_trainer **out, struct as_error *err);
/* A run resumed from a checkpoint's state, on the same data. */
enum as_status as_trainer_resume(const struct as_checkpoint *ck,
				 const struct as_dataset *ds,
				 const struct as_trainer_opts *opts,
				 struct as_trainer **out, struct as_error *err);
void as_trainer_free(struct as_trainer *t);

/* An exact copy of src (weights, momentum, tied, config, counters, rng
 * streams, epoch order, history, divergence guard, scores) that trains on
 * by itself: with the same commands the two stay bit-identical. opts NULL:
 * src's options without its output directory (as_trainer_set_out_dir
 * names one). Call on the thread that drives src. */
enum as_status as_trainer_fork(struct as_trainer *src,
			       const struct as_trainer_opts *opts,
			       struct as_trainer **out, struct as_error *err);
/* Threaded mode: the fork made by the last AS_CMD_FORK, once, or NULL
 * (not made yet). The caller owns it; it is not started. failed (if not
 * NULL) receives how many forks failed since the last call. */
struct as_trainer *as_trainer_take_fork(struct as_trainer *t, int *failed);
/* Sets the output directory of a run that is not running (creating it
 * and opening a fresh log.csv). */
enum as_status as_trainer_set_out_dir(struct as_trainer *t, const char *dir,
				      struct as_error *err);

/* Applies queued commands, then one minibatch of SGD (unless paused).
 * Returns 1 if a minibatch ran. Errors (a failed save) are reported in
 * t->message and do not stop training. */
int as_trainer_step(struct as_trainer *t);

/* The layers trained so far (the stage's layer while pretraining, all
 * while fine-tuning), the width of their top code, and their codes and
 * reconstructions of any n inputs (n x width, n x d). */
size_t as_trainer_depth(const struct as_trainer *t);
/* The training examples an epoch goes through: all, or while a classifier
 * fine-tunes with cfg.labelled set, the first that many. */
size_t as_trainer_epoch_len(const struct as_trainer *t);
size_t as_trainer_code_width(const struct as_trainer *t);
void as_trainer_encode(struct as_trainer *t, const float *x, size_t n,
		       float *codes);
void as_trainer_reconstruct(struct as_trainer *t, const float *x, size_t n,
			    float *out);
/* Mean reconstruction loss of clean x through the layers trained so far. */
double as_trainer_recon_loss(struct as_trainer *t, const float *x, size_t n);
/* The same in 1/2 squared error whatever the loss (PCA's unit). */
double as_trainer_recon_sq(struct as_trainer *t, const float *x, size_t n);

/* The learning rate in force this epoch (lr / (1 + lr_decay epoch)). */
float as_trainer_lr(const struct as_trainer *t);

/* The stage's loss on the held-out part (up to max examples, 0: all), its
 * inputs corrupted as in training by a fixed noise stream; NaN if the data
 * has no held-out part. A classifier also leaves its error rate on the
 * same examples in t->last_error. */
double as_trainer_heldout_loss(struct as_trainer *t, size_t max);

/* Sets one parameter now, records the change; the same rules as
 * commands. Structural parameters are refused. A new stage starts from the
 * weights in force with zero momentum (a new objective); pretraining
 * epochs past the stage's move it on at the end of an epoch. */
enum as_status as_trainer_set(struct as_trainer *t, const struct as_param *p,
			      double value, struct as_error *err);

/* The rank-k PCA baseline in t->base.pca_error, for k the code's width
 * (refused when k exceeds the input); fitted once. */
enum as_status as_trainer_pca(struct as_trainer *t, struct as_error *err);
/* Linear probe on codes (t->probe_accuracy) and on raw input
 * (t->base.probe_raw); needs labels. */
enum as_status as_trainer_probe(struct as_trainer *t, struct as_error *err);
/* Fills t->scores with the kinds in which (enum as_score_kind bits) that
 * fit the data (no probe or hashing without labels, no angles when the
 * code is not smaller than the input), plus the held-out losses: the run's
 * own numbers, then as_scores_compute on its layers, config and data. */
enum as_status as_trainer_score(struct as_trainer *t, unsigned which,
				struct as_error *err);

/* The run's state as a checkpoint (arrays borrowed from t). */
void as_trainer_checkpoint(const struct as_trainer *t,
			   struct as_checkpoint *ck);
enum as_status as_trainer_save(struct as_trainer *t, const char *path,
			       struct as_error *err);
/* <out>/checkpoint.ascp, saying so (or why not) in t->message; fails
 * without an output directory. Call on the driving thread, or on any
 * thread once the run's thread has stopped. */
enum as_status as_trainer_save_out(struct as_trainer *t, struct as_error *err);
/* filters.png, recon.png, encoder_W.npy, encoder_b.npy, decoder_c.npy,
 * decoder_W.npy into dir. */
enum as_status as_trainer_export(struct as_trainer *t, const char *dir,
				 struct as_error *err);

/* The filter history as pictures into dir: history.png, a contact sheet
 * (a row per frame: its first filters, 16 or the --grid width), and
 * frames/frame-NNNN.png (each frame's first C x R filters, --grid or
 * 10x10); the frames' steps, examples and times in frames/frames.csv. */
enum as_status as_trainer_export_history(struct as_trainer *t,
					 const char *dir,
					 struct as_error *err);

/* Adds a history point now (the CLI calls it at the end of an epoch). */
void as_trainer_point(struct as_trainer *t, int with_heldout);

/* Threaded mode. push fails with AS_ERR_STATE when the queue is full. */
enum as_status as_trainer_start(struct as_trainer *t, struct as_error *err);
enum as_status as_trainer_push(struct as_trainer *t,
			       const struct as_command *c);
/* Pushes QUIT and joins the thread. */
void as_trainer_stop(struct as_trainer *t);
/* Fills and publishes a snapshot now (the thread does this itself). */
void as_trainer_publish(struct as_trainer *t);

#endif
