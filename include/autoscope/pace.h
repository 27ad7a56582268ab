/* pace: runs side by side keep step in examples.
 *
 * Owns: a small table of the runs that share the machine, each with the
 * examples it has trained since it joined. A run that is more than a
 * slack ahead of the slowest running one waits (briefly, polling), so a
 * tiny model does not race a large one off the chart's scale and the
 * cores go to whichever run is behind. Paused runs do not hold others
 * back. Progress counts from joining, and a run back from a pause starts
 * level too, so a new run, a fork or a resumed run does not stall the
 * others while it catches up.
 * Threading: every function may be called from any thread (one mutex). */
#ifndef AUTOSCOPE_PACE_H
#define AUTOSCOPE_PACE_H

#include <pthread.h>
#include <stdint.h>

#define AS_PACE_SLOTS 8

struct as_pace {
	pthread_mutex_t lock;
	uint64_t slack; /* examples a run may lead by (default 2000) */
	int used[AS_PACE_SLOTS];
	int active[AS_PACE_SLOTS]; /* training, not paused */
	/* progress = examples + offset, set on joining so that a newcomer
	 * starts level with the slowest running run */
	int64_t offset[AS_PACE_SLOTS];
	uint64_t done[AS_PACE_SLOTS];
};

void as_pace_init(struct as_pace *p, uint64_t slack);
void as_pace_destroy(struct as_pace *p);
/* A slot for a run that has trained `examples` so far; -1 if full. */
int as_pace_join(struct as_pace *p, uint64_t examples);
void as_pace_leave(struct as_pace *p, int slot);
/* Records the run's state; returns 1 if it is ahead and should wait. */
int as_pace_ahead(struct as_pace *p, int slot, uint64_t examples,
		  int running);

#endif
