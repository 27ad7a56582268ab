/* trainer_internal: what the trainer's files share (src/ only, not a
 * public header): trainer.c (the run's life), trainer_step.c (training,
 * stages, commands), trainer_out.c (measures, checkpoints, snapshots,
 * thread) and trainer_export.c (the exported files).
 * Same threading as trainer.h: the thread that drives the run. */
#ifndef AUTOSCOPE_TRAINER_INTERNAL_H
#define AUTOSCOPE_TRAINER_INTERNAL_H

#include "autoscope/trainer.h"

/* t->message (and a new message_id) */
void trainer_say(struct as_trainer *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* cfg valid and fitting ds (cross-entropy in [0, 1], labels to classify) */
enum as_status trainer_check_fit(const struct as_config *cfg,
				 const struct as_dataset *ds,
				 struct as_error *err);
/* a new epoch order over as_trainer_epoch_len examples, cursor 0 */
void trainer_new_order(struct as_trainer *t);
/* the divergence guard starts over from the weights in force */
void trainer_guard_restart(struct as_trainer *t);
/* the layer in its CD-1 stage kept tied, the others as cfg says */
void trainer_stage_shape(struct as_trainer *t);
/* The first AS_SNAP_RECON held-out examples (*clean; training ones
 * without a held-out part), corrupted into t->view.recon_noisy by a fixed
 * stream; returns how many (trainer_out.c; the export draws them too) */
size_t trainer_recon_samples(struct as_trainer *t, const float **clean);
/* DrLIM's map of n 2-D codes of the images x (n x d) into g x g cells
 * (out g^2 x d, the range used in lo, hi; scratch n floats):
 * trainer_export.c */
void trainer_map_fill(const float *codes, const float *x, size_t n, size_t d,
		      int g, float *out, float lo[2], float hi[2],
		      float *scratch);

#endif
