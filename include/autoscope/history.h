/* history: what a run did, for the curves, the log and the checkpoint.
 *
 * Owns: the loss points (examples seen, train and held-out loss, time) kept
 * in a bounded array (when full, every other old point is dropped, so a long
 * run keeps its whole shape), and the list of hyperparameter changes (step,
 * parameter, old -> new) that the curves mark.
 * Threading: belongs to the trainer; the snapshot carries a copy. */
#ifndef AUTOSCOPE_HISTORY_H
#define AUTOSCOPE_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#define AS_HISTORY_MAX 4096
#define AS_CHANGES_MAX 256

struct as_point {
	uint64_t step;
	uint64_t examples;
	float train_loss;   /* mean reconstruction loss since the last point */
	float heldout_loss; /* NaN when not measured at this point */
	double time_s;	    /* training time so far */
};

struct as_change {
	uint64_t step;
	uint64_t examples;
	char param[32];
	char old_value[24];
	char new_value[24];
};

struct as_history {
	size_t n_points;
	struct as_point points[AS_HISTORY_MAX];
	size_t n_changes; /* the oldest are dropped past AS_CHANGES_MAX */
	struct as_change changes[AS_CHANGES_MAX];
};

void as_history_clear(struct as_history *h);
void as_history_add_point(struct as_history *h, const struct as_point *p);
void as_history_add_change(struct as_history *h, const struct as_change *c);

#endif
