/* checkpoint_write: a run saved to one file, atomically (checkpoint.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "autoscope/checkpoint.h"
#include "autoscope/fileio.h"
#include "autoscope/stack.h"
#include "checkpoint_internal.h"

/* ---- writing: everything little-endian into one growing buffer ---- */

struct out {
	unsigned char *p;
	size_t len, cap;
	int failed;
};

static void put(struct out *o, const void *src, size_t n)
{
	if (o->failed)
		return;
	if (o->len + n > o->cap) {
		size_t cap = o->cap ? o->cap : 1 << 16;
		while (cap < o->len + n)
			cap *= 2;
		unsigned char *np = realloc(o->p, cap);
		if (!np) {
			o->failed = 1;
			return;
		}
		o->p = np;
		o->cap = cap;
	}
	memcpy(o->p + o->len, src, n);
	o->len += n;
}

static void put_u32(struct out *o, uint32_t v)
{
	unsigned char b[4] = {(unsigned char)v, (unsigned char)(v >> 8),
			      (unsigned char)(v >> 16),
			      (unsigned char)(v >> 24)};
	put(o, b, 4);
}

static void put_u64(struct out *o, uint64_t v)
{
	put_u32(o, (uint32_t)v);
	put_u32(o, (uint32_t)(v >> 32));
}

static void put_f32(struct out *o, float f)
{
	uint32_t u;
	memcpy(&u, &f, 4);
	put_u32(o, u);
}

static void put_f64(struct out *o, double f)
{
	uint64_t u;
	memcpy(&u, &f, 8);
	put_u64(o, u);
}

/* a section: tag, u64 length patched in once the body is written */
static size_t begin(struct out *o, uint32_t tag)
{
	put_u32(o, tag);
	put_u64(o, 0);
	return o->len;
}

static void end(struct out *o, size_t start)
{
	if (o->failed)
		return;
	uint64_t n = o->len - start;
	for (int i = 0; i < 8; i++)
		o->p[start - 8 + i] = (unsigned char)(n >> (8 * i));
}

static void put_floats(struct out *o, const float *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put_f32(o, v[i]);
}

static void put_text(struct out *o, const char *s, size_t field)
{
	char buf[64] = {0};
	snprintf(buf, sizeof buf, "%s", s);
	put(o, buf, field);
}

static void put_config(struct out *o, const struct as_config *cfg)
{
	for (size_t i = 0; i < as_param_count(); i++) {
		const struct as_param *p = as_param_at(i);
		char line[128], v[64];
		if (p->type == AS_PT_FLOAT) /* %.9g: floats round-trip */
			snprintf(v, sizeof v, "%.9g", as_param_get(cfg, p));
		else
			as_param_format(cfg, p, v, sizeof v);
		/* a setting that changes what the weights mean, away from
		 * the default an older program assumes: it must refuse (for
		 * layers the count: one layer is what it knows) */
		int critical = p->critical && as_param_get(cfg, p) != p->def;
		snprintf(line, sizeof line, "%s%s=%s\n", critical ? "!" : "",
			 p->name, v);
		put(o, line, strlen(line));
	}
}

enum as_status as_checkpoint_save(const char *path,
				  const struct as_checkpoint *ck,
				  struct as_error *err)
{
	struct out o = {0};
	put(&o, MAGIC, 8);
	put_u32(&o, AS_CHECKPOINT_VERSION);
	const struct as_frames *fr = ck->frames;
	int with_frames = fr && fr->n > 0;
	put_u32(&o, TAG_COUNT - !with_frames);
	size_t s = begin(&o, TAG_CONFIG);
	put_config(&o, &ck->config);
	end(&o, s);
	s = begin(&o, TAG_DATA);
	put(&o, ck->data, strnlen(ck->data, sizeof ck->data));
	end(&o, s);
	s = begin(&o, TAG_COUNTERS);
	put_u64(&o, ck->step);
	put_u64(&o, ck->epoch);
	put_u64(&o, ck->examples);
	put_f64(&o, ck->elapsed_s);
	put_u64(&o, ck->cursor);
	put_f64(&o, ck->acc_loss);
	put_u64(&o, ck->acc_examples);
	put_u64(&o, ck->last_eval_examples);
	end(&o, s);
	s = begin(&o, TAG_RNG);
	const struct as_rng *r[3] = {&ck->rng_init, &ck->rng_shuffle,
				     &ck->rng_noise};
	for (int i = 0; i < 3; i++)
		for (int k = 0; k < 4; k++)
			put_u64(&o, r[i]->s[k]);
	end(&o, s);
	s = begin(&o, TAG_ORDER);
	put_u64(&o, ck->n_order);
	for (size_t i = 0; i < ck->n_order; i++)
		put_u32(&o, ck->order[i]);
	end(&o, s);
	s = begin(&o, TAG_DIMS);
	put_u64(&o, ck->n_visible);
	put_u64(&o, ck->n_hidden);
	put_u32(&o, (uint32_t)ck->tied);
	put_u64(&o, ck->n_params);
	end(&o, s);
	s = begin(&o, TAG_PARAMS);
	put_floats(&o, ck->params, ck->n_params);
	end(&o, s);
	s = begin(&o, TAG_VELOCITY);
	put_floats(&o, ck->velocity, ck->n_params);
	end(&o, s);
	s = begin(&o, TAG_HISTORY);
	const struct as_history *h = ck->history;
	put_u32(&o, h ? (uint32_t)h->n_points : 0);
	for (size_t i = 0; h && i < h->n_points; i++) {
		const struct as_point *p = &h->points[i];
		put_u64(&o, p->step);
		put_u64(&o, p->examples);
		put_f32(&o, p->train_loss);
		put_f32(&o, p->heldout_loss);
		put_f64(&o, p->time_s);
	}
	put_u32(&o, h ? (uint32_t)h->n_changes : 0);
	for (size_t i = 0; h && i < h->n_changes; i++) {
		const struct as_change *c = &h->changes[i];
		put_u64(&o, c->step);
		put_u64(&o, c->examples);
		put_text(&o, c->param, sizeof c->param);
		put_text(&o, c->old_value, sizeof c->old_value);
		put_text(&o, c->new_value, sizeof c->new_value);
	}
	end(&o, s);
	s = begin(&o, TAG_STAGE);
	put_u64(&o, ck->stage_epoch);
	put_u64(&o, ck->n_classes);
	end(&o, s);
	/* the directory of the arena: a reader finds each tensor by its
	 * name and shape, not by where this version put it */
	struct as_slot slot[AS_TENSORS_MAX];
	size_t n_slots = as_stack_layout(ck->n_visible, &ck->config,
					 ck->n_classes, 1, slot);
	s = begin(&o, TAG_TENSORS);
	put_u32(&o, (uint32_t)n_slots);
	for (size_t i = 0; i < n_slots; i++) {
		char name[sizeof slot[i].name] = {0}; /* zero-padded */
		memcpy(name, slot[i].name,
		       strnlen(slot[i].name, sizeof name - 1));
		put(&o, name, sizeof name);
		put_u64(&o, slot[i].rows);
		put_u64(&o, slot[i].cols);
		put_u64(&o, slot[i].offset);
	}
	end(&o, s);
	if (with_frames) {
		s = begin(&o, TAG_FRAMES);
		put_u64(&o, fr->n_units);
		put_u64(&o, fr->d);
		put_u64(&o, fr->n);
		put_f64(&o, fr->next_s);
		put_u64(&o, fr->last_epoch);
		for (size_t i = 0; i < fr->n; i++) {
			const struct as_frame *f = &fr->f[i];
			put_u64(&o, f->step);
			put_u64(&o, f->examples);
			put_u64(&o, f->epoch);
			put_f64(&o, f->time_s);
			put(&o, f->px, fr->n_units * fr->d);
		}
		end(&o, s);
	}
	/* what the loader would refuse is never written over a good file */
	if (!o.failed && o.len > MAX_FILE - 4) {
		size_t len = o.len;
		free(o.p);
		return as_error_set(err, AS_ERR_INVALID,
				    "%s: the checkpoint would be %zu MB, more "
				    "than the %zu MB a checkpoint may have "
				    "(lower --history-mb)",
				    path, len >> 20, (size_t)(MAX_FILE >> 20));
	}
	if (!o.failed)
		put_u32(&o, (uint32_t)crc32(0L, o.p, (uInt)o.len));
	if (o.failed) {
		free(o.p);
		return as_error_set(err, AS_ERR_NOMEM, "%s: out of memory",
				    path);
	}
	struct as_atomic a;
	enum as_status st = as_atomic_open(&a, path, err);
	if (st == AS_OK) {
		errno = 0;
		if (fwrite(o.p, 1, o.len, a.f) != o.len || fflush(a.f) != 0) {
			/* the reason (a full disk, a size limit) before the
			 * clean-up can change errno */
			int saved = errno;
			as_atomic_abort(&a);
			st = as_error_set(
				err, AS_ERR_IO, "%s: write failed: %s", path,
				saved ? strerror(saved) : "short write");
		} else {
			st = as_atomic_commit(&a, err);
		}
	}
	free(o.p);
	return st;
}
