#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/snapshot.h"

static void slot_free(struct as_snapshot *s)
{
	free(s->w);
	free(s->w2);
	free(s->mean_h);
	free(s->clean);
	free(s->corrupted);
	free(s->recon);
	free(s->dots);
	free(s->dots_recon);
	free(s->parts_cols);
	free(s->parts_img);
	free(s->trav);
	free(s->chain_start);
	free(s->chain_now);
	free(s->plane);
	free(s->deep_w);
	free(s->infer_energy);
	free(s->code_pred);
	free(s->code_star);
	free(s->infer_recon);
	memset(s, 0, sizeof *s);
}

enum as_status as_publisher_init(struct as_publisher *p, size_t n_layers,
				 const size_t *sizes, size_t n_recon,
				 struct as_error *err)
{
	memset(p, 0, sizeof *p);
	size_t n_visible = sizes[0], n_hidden = sizes[1];
	size_t wlen, rlen, deep = 0;
	if (n_layers < 1 || n_layers > AS_LAYERS_MAX ||
	    !as_mul_ok(n_visible, n_hidden, &wlen) ||
	    !as_mul_ok(n_visible, n_recon ? n_recon : 1, &rlen))
		return as_error_set(err, AS_ERR_NOMEM, "snapshot too large");
	for (size_t k = 2; k <= n_layers; k++) {
		size_t len;
		if (!as_mul_ok(sizes[k], sizes[k - 1], &len) ||
		    len > SIZE_MAX / 4 - deep)
			return as_error_set(err, AS_ERR_NOMEM,
					    "snapshot too large");
		deep += len;
	}
	for (int i = 0; i < 3; i++) {
		struct as_snapshot *s = &p->slot[i];
		s->w = calloc(wlen, sizeof(float));
		s->w2 = calloc(wlen, sizeof(float));
		s->mean_h = calloc(n_hidden, sizeof(float));
		s->clean = calloc(rlen, sizeof(float));
		s->corrupted = calloc(rlen, sizeof(float));
		s->recon = calloc(rlen, sizeof(float));
		s->dots = calloc(rlen, sizeof(float));
		s->dots_recon = calloc(rlen, sizeof(float));
		s->parts_cols = calloc(rlen * AS_PARTS_K, sizeof(float));
		s->parts_img = calloc(rlen * AS_PARTS_K, sizeof(float));
		s->trav = calloc(rlen * AS_TRAV_UNITS * AS_TRAV_T,
				 sizeof(float));
		s->chain_start = calloc(rlen, sizeof(float));
		s->chain_now = calloc(rlen, sizeof(float));
		s->plane = calloc((size_t)AS_PLANE * AS_PLANE * n_visible,
				  sizeof(float));
		s->deep_w = deep ? calloc(deep, sizeof(float)) : NULL;
		size_t nr = n_recon ? n_recon : 1;
		s->infer_energy = calloc(nr * (AS_SESM_TRACE_MAX + 1),
					 sizeof(float));
		s->code_pred = calloc(nr * n_hidden, sizeof(float));
		s->code_star = calloc(nr * n_hidden, sizeof(float));
		s->infer_recon = calloc(rlen, sizeof(float));
		s->n_layers = n_layers;
		memcpy(s->sizes, sizes, (n_layers + 1) * sizeof *sizes);
		s->error = NAN;
		s->n_visible = n_visible;
		s->n_hidden = n_hidden;
		s->n_recon = n_recon;
		s->pca_error = s->heldout_loss = NAN;
		s->probe_accuracy = s->probe_raw = NAN;
		if (!s->w || !s->w2 || !s->mean_h || !s->clean || !s->corrupted ||
		    !s->recon || !s->dots || !s->dots_recon ||
		    !s->parts_cols || !s->parts_img || !s->trav ||
		    !s->chain_start ||
		    !s->chain_now || !s->plane || !s->infer_energy ||
		    !s->code_pred || !s->code_star || !s->infer_recon ||
		    (deep && !s->deep_w)) {
			for (int j = 0; j <= i; j++)
				slot_free(&p->slot[j]);
			return as_error_set(err, AS_ERR_NOMEM,
					    "out of memory for snapshots");
		}
	}
	pthread_mutex_init(&p->lock, NULL);
	p->latest = -1;
	p->reading = -1;
	p->writing = 0;
	return AS_OK;
}

void as_publisher_destroy(struct as_publisher *p)
{
	for (int i = 0; i < 3; i++)
		slot_free(&p->slot[i]);
	pthread_mutex_destroy(&p->lock);
}

struct as_snapshot *as_publisher_begin(struct as_publisher *p)
{
	return &p->slot[p->writing];
}

void as_publisher_commit(struct as_publisher *p)
{
	pthread_mutex_lock(&p->lock);
	p->slot[p->writing].generation = ++p->generation;
	p->latest = p->writing;
	/* the next slot to fill: neither the newest nor the reader's */
	for (int i = 0; i < 3; i++)
		if (i != p->latest && i != p->reading) {
			p->writing = i;
			break;
		}
	pthread_mutex_unlock(&p->lock);
}

const struct as_snapshot *as_snapshot_acquire(struct as_publisher *p)
{
	pthread_mutex_lock(&p->lock);
	p->reading = p->latest;
	const struct as_snapshot *s =
		p->latest >= 0 ? &p->slot[p->latest] : NULL;
	pthread_mutex_unlock(&p->lock);
	return s;
}

void as_snapshot_release(struct as_publisher *p)
{
	pthread_mutex_lock(&p->lock);
	p->reading = -1;
	pthread_mutex_unlock(&p->lock);
}
