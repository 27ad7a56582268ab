/* frames: a run's filter history, to scrub back through.
 *
 * Owns: snapshots of the first layer's filters (the rows of W), each unit
 * quantised to 8 bits over its own range (the pictures the explorer and
 * filters.png draw: each filter scaled to its own minimum and maximum),
 * with the step, examples, epoch and training time they were taken at.
 * The trainer takes one at 0.5 s, 1 s, 2 s, 4 s ... of training time
 * (log-spaced) and at the end of every epoch, within a memory budget:
 * when the next would not fit, the frame whose neighbours are closest in
 * log(examples) goes (the first and the newest stay), so a long run keeps
 * its whole story at a coarser grain. Saved with the checkpoint.
 * Threading: the run's thread adds (as_frames_add, as_frames_due); other
 * threads read (the UI, the page on screen) between as_frames_lock and
 * as_frames_unlock; everything else is the owner's. */
#ifndef AUTOSCOPE_FRAMES_H
#define AUTOSCOPE_FRAMES_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "autoscope/error.h"

#define AS_FRAMES_MB_DEFAULT 16 /* a run's budget, --history-mb */
#define AS_FRAMES_FIRST_S 0.5	/* the first log-spaced frame */

struct as_frame {
	uint64_t step, examples, epoch;
	double time_s;
	uint8_t *px; /* n_units x d (a slot of the pool), 0 = the unit's
		      * minimum, 255 its maximum */
};

struct as_frames {
	pthread_mutex_t lock;
	size_t n_units, d;
	size_t cap; /* frames the budget holds (0: no history) */
	size_t n;
	struct as_frame *f; /* oldest first */
	uint8_t *pool;	    /* cap slots of n_units x d bytes */
	double next_s;	    /* training time of the next log-spaced frame */
	uint64_t last_epoch; /* the epoch of the last epoch frame */
};

/* budget_mb 0: no history (adds do nothing). */
enum as_status as_frames_init(struct as_frames *fr, size_t n_units, size_t d,
			      size_t budget_mb, struct as_error *err);
void as_frames_free(struct as_frames *fr);
/* dst (not initialised) becomes a copy of src within budget_mb (its own
 * lock; the frames past the budget thinned as when adding). */
enum as_status as_frames_copy(struct as_frames *dst,
			      const struct as_frames *src, size_t budget_mb,
			      struct as_error *err);

/* 1 when a frame is due at training time time_s or at the end of epoch
 * (epoch_end set, epoch the one just finished). */
int as_frames_due(const struct as_frames *fr, double time_s, int epoch_end,
		  uint64_t epoch);
/* Takes w (n_units x d) as the newest frame; moves the schedule on. */
void as_frames_add(struct as_frames *fr, const float *w, uint64_t step,
		   uint64_t examples, uint64_t epoch, double time_s);

void as_frames_lock(struct as_frames *fr);
void as_frames_unlock(struct as_frames *fr);
/* Under the lock: the newest frame taken at or before examples (0 if
 * none), and unit k of frame i as values in [0, 1] (d of them). */
size_t as_frames_at(const struct as_frames *fr, uint64_t examples);
void as_frames_unit(const struct as_frames *fr, size_t i, size_t k,
		    float *out);

#endif
