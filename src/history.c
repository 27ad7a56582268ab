#include <string.h>

#include "autoscope/history.h"

void as_history_clear(struct as_history *h)
{
	memset(h, 0, sizeof *h);
}

/* Full: keep every other point of the older half and all of the newer
 * half, so the curve keeps its whole shape and its recent detail. */
void as_history_add_point(struct as_history *h, const struct as_point *p)
{
	if (h->n_points == AS_HISTORY_MAX) {
		size_t half = AS_HISTORY_MAX / 2, k = 0;
		for (size_t i = 0; i < half; i += 2)
			h->points[k++] = h->points[i];
		for (size_t i = half; i < AS_HISTORY_MAX; i++)
			h->points[k++] = h->points[i];
		h->n_points = k;
	}
	h->points[h->n_points++] = *p;
}

void as_history_add_change(struct as_history *h, const struct as_change *c)
{
	if (h->n_changes == AS_CHANGES_MAX) {
		memmove(h->changes, h->changes + 1,
			(AS_CHANGES_MAX - 1) * sizeof *h->changes);
		h->n_changes--;
	}
	h->changes[h->n_changes++] = *c;
}
