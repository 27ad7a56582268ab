/* frames: a run's filter history (frames.h).
 *
 * The frames live in one pool of cap slots, allocated with the history:
 * the run's thread never allocates (a first malloc on a thread makes glibc
 * reserve a 64 MB arena for it; e2e_nomem measures the address space). A
 * slot is taken in order until the pool is full; after that, the frame
 * that goes gives its slot to the one that comes. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/frames.h"

enum as_status as_frames_init(struct as_frames *fr, size_t n_units, size_t d,
			      size_t budget_mb, struct as_error *err)
{
	memset(fr, 0, sizeof *fr);
	pthread_mutex_init(&fr->lock, NULL);
	fr->n_units = n_units;
	fr->d = d;
	fr->next_s = AS_FRAMES_FIRST_S;
	size_t bytes = n_units * d;
	if (budget_mb == 0 || bytes == 0 || bytes / d != n_units)
		return AS_OK;
	size_t budget = budget_mb * ((size_t)1 << 20);
	/* at least the first and the newest, when the budget allows one */
	size_t cap = budget / bytes;
	if (cap < 2)
		cap = budget >= bytes ? 2 : 0;
	if (cap == 0)
		return AS_OK;
	fr->f = calloc(cap, sizeof *fr->f);
	fr->pool = malloc(cap * bytes);
	if (!fr->f || !fr->pool) {
		free(fr->f);
		free(fr->pool);
		fr->f = NULL;
		fr->pool = NULL;
		return as_error_set(err, AS_ERR_NOMEM,
				    "out of memory for a filter history of "
				    "%zu frames (--history-mb)",
				    cap);
	}
	fr->cap = cap;
	return AS_OK;
}

void as_frames_free(struct as_frames *fr)
{
	free(fr->f);
	free(fr->pool);
	pthread_mutex_destroy(&fr->lock);
	memset(fr, 0, sizeof *fr);
}

static double lx(const struct as_frame *f)
{
	return log1p((double)f->examples);
}

/* the interior frame whose neighbours are closest in log examples */
static size_t least_needed(const struct as_frames *fr)
{
	size_t best = 1;
	double gap = INFINITY;
	for (size_t i = 1; i + 1 < fr->n; i++) {
		double g = lx(&fr->f[i + 1]) - lx(&fr->f[i - 1]);
		if (g < gap) {
			gap = g;
			best = i;
		}
	}
	return best;
}

/* A slot for the next frame: the next free one, or that of the frame
 * the budget lets go (removed from the list here, under the lock, so no
 * reader meets it again). */
static uint8_t *take_slot(struct as_frames *fr)
{
	size_t bytes = fr->n_units * fr->d;
	if (fr->n < fr->cap)
		return fr->pool + fr->n * bytes;
	pthread_mutex_lock(&fr->lock);
	/* the frame its neighbours cover best goes (with two frames, the
	 * second: the first stays) */
	size_t drop = fr->n > 2 ? least_needed(fr) : 1;
	uint8_t *px = fr->f[drop].px;
	memmove(fr->f + drop, fr->f + drop + 1,
		(fr->n - drop - 1) * sizeof *fr->f);
	fr->n--;
	pthread_mutex_unlock(&fr->lock);
	return px;
}

static void append(struct as_frames *fr, const struct as_frame *nf)
{
	pthread_mutex_lock(&fr->lock);
	fr->f[fr->n++] = *nf;
	pthread_mutex_unlock(&fr->lock);
}

enum as_status as_frames_copy(struct as_frames *dst,
			      const struct as_frames *src, size_t budget_mb,
			      struct as_error *err)
{
	enum as_status st = as_frames_init(dst, src->n_units, src->d,
					   budget_mb, err);
	if (st != AS_OK)
		return st;
	dst->next_s = src->next_s;
	dst->last_epoch = src->last_epoch;
	size_t bytes = src->n_units * src->d;
	for (size_t i = 0; i < src->n && dst->cap; i++) {
		struct as_frame nf = src->f[i];
		nf.px = take_slot(dst);
		memcpy(nf.px, src->f[i].px, bytes);
		append(dst, &nf);
	}
	return AS_OK;
}

int as_frames_due(const struct as_frames *fr, double time_s, int epoch_end,
		  uint64_t epoch)
{
	if (fr->cap == 0)
		return 0;
	if (epoch_end)
		return epoch != fr->last_epoch || fr->n == 0;
	return time_s >= fr->next_s;
}

void as_frames_add(struct as_frames *fr, const float *w, uint64_t step,
		   uint64_t examples, uint64_t epoch, double time_s)
{
	if (fr->cap == 0)
		return;
	size_t d = fr->d;
	/* the schedule moves on past the time of this frame (from a sane
	 * start whatever it was given) */
	if (!(fr->next_s >= AS_FRAMES_FIRST_S) || !isfinite(fr->next_s))
		fr->next_s = AS_FRAMES_FIRST_S;
	while (fr->next_s <= time_s && fr->next_s < 1e300)
		fr->next_s *= 2;
	fr->last_epoch = epoch;
	uint8_t *px = take_slot(fr);
	for (size_t k = 0; k < fr->n_units; k++) {
		const float *row = w + k * d;
		float lo = row[0], hi = row[0];
		for (size_t i = 1; i < d; i++) {
			lo = row[i] < lo ? row[i] : lo;
			hi = row[i] > hi ? row[i] : hi;
		}
		float scale = hi > lo ? 255.0f / (hi - lo) : 0.0f;
		for (size_t i = 0; i < d; i++)
			px[k * d + i] = hi > lo ? (uint8_t)lrintf(
							  (row[i] - lo) * scale)
						: 128;
	}
	struct as_frame nf = {step, examples, epoch, time_s, px};
	append(fr, &nf);
}

void as_frames_lock(struct as_frames *fr)
{
	pthread_mutex_lock(&fr->lock);
}

void as_frames_unlock(struct as_frames *fr)
{
	pthread_mutex_unlock(&fr->lock);
}

size_t as_frames_at(const struct as_frames *fr, uint64_t examples)
{
	size_t i = 0;
	while (i + 1 < fr->n && fr->f[i + 1].examples <= examples)
		i++;
	return i;
}

void as_frames_unit(const struct as_frames *fr, size_t i, size_t k,
		    float *out)
{
	const uint8_t *p = fr->f[i].px + k * fr->d;
	for (size_t j = 0; j < fr->d; j++)
		out[j] = (float)p[j] * (1.0f / 255.0f);
}
