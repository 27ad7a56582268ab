/* pace: runs side by side keep step (see include/autoscope/pace.h). */
#include <string.h>

#include "autoscope/pace.h"

void as_pace_init(struct as_pace *p, uint64_t slack)
{
	memset(p, 0, sizeof *p);
	pthread_mutex_init(&p->lock, NULL);
	p->slack = slack ? slack : 2000;
}

void as_pace_destroy(struct as_pace *p)
{
	pthread_mutex_destroy(&p->lock);
}

int as_pace_join(struct as_pace *p, uint64_t examples)
{
	int slot = -1;
	pthread_mutex_lock(&p->lock);
	for (int i = 0; i < AS_PACE_SLOTS && slot < 0; i++)
		if (!p->used[i])
			slot = i;
	if (slot >= 0) {
		/* a newcomer starts level with the slowest running run, or
		 * with the slowest run at all when every one is paused */
		uint64_t least = UINT64_MAX, least_any = UINT64_MAX;
		for (int i = 0; i < AS_PACE_SLOTS; i++) {
			if (p->used[i] && p->active[i] && p->done[i] < least)
				least = p->done[i];
			if (p->used[i] && p->done[i] < least_any)
				least_any = p->done[i];
		}
		if (least == UINT64_MAX)
			least = least_any;
		p->used[slot] = 1;
		p->active[slot] = 0;
		p->done[slot] = least == UINT64_MAX ? 0 : least;
		p->offset[slot] = (int64_t)p->done[slot] - (int64_t)examples;
	}
	pthread_mutex_unlock(&p->lock);
	return slot;
}

void as_pace_leave(struct as_pace *p, int slot)
{
	if (slot < 0 || slot >= AS_PACE_SLOTS)
		return;
	pthread_mutex_lock(&p->lock);
	p->used[slot] = 0;
	p->active[slot] = 0;
	pthread_mutex_unlock(&p->lock);
}

int as_pace_ahead(struct as_pace *p, int slot, uint64_t examples, int running)
{
	if (slot < 0 || slot >= AS_PACE_SLOTS)
		return 0;
	pthread_mutex_lock(&p->lock);
	uint64_t least = UINT64_MAX;
	for (int i = 0; i < AS_PACE_SLOTS; i++)
		if (i != slot && p->used[i] && p->active[i] &&
		    p->done[i] < least)
			least = p->done[i];
	int64_t done = (int64_t)examples + p->offset[slot];
	/* back from a pause: level with the slowest running run, so the
	 * others do not wait while it trains the whole pause over again */
	if (running && !p->active[slot] && least != UINT64_MAX &&
	    done < (int64_t)least) {
		p->offset[slot] += (int64_t)least - done;
		done = (int64_t)least;
	}
	p->active[slot] = running;
	p->done[slot] = done > 0 ? (uint64_t)done : 0;
	int ahead = running && least != UINT64_MAX &&
		    p->done[slot] > least + p->slack;
	pthread_mutex_unlock(&p->lock);
	return ahead;
}
