#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "autoscope/checkpoint.h"
#include "autoscope/stack.h"
#include "autoscope/fileio.h"

#include "checkpoint_internal.h"

/* ---- reading: a bounds-checked cursor over one section ---- */

struct in {
	const unsigned char *p;
	size_t len, at;
	int short_read;
};

static int take(struct in *r, void *dst, size_t n)
{
	if (r->len - r->at < n) {
		r->short_read = 1;
		if (dst)
			memset(dst, 0, n);
		return 0;
	}
	if (dst)
		memcpy(dst, r->p + r->at, n);
	r->at += n;
	return 1;
}

static uint32_t get_u32(struct in *r)
{
	unsigned char b[4];
	take(r, b, 4);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static uint64_t get_u64(struct in *r)
{
	uint64_t lo = get_u32(r);
	return lo | (uint64_t)get_u32(r) << 32;
}

static float get_f32(struct in *r)
{
	uint32_t u = get_u32(r);
	float f;
	memcpy(&f, &u, 4);
	return f;
}

static double get_f64(struct in *r)
{
	uint64_t u = get_u64(r);
	double f;
	memcpy(&f, &u, 8);
	return f;
}

static int get_text(struct in *r, char *dst, size_t field)
{
	take(r, dst, field);
	return memchr(dst, 0, field) != NULL;
}

static enum as_status bad(struct as_error *err, const char *path,
			  const char *what)
{
	return as_error_set(err, AS_ERR_FORMAT, "%s: %s", path, what);
}

/* One "name=value" line per setting. Settings the file leaves out take
 * their defaults (a checkpoint older than the setting); a setting this
 * program does not know is skipped, unless the writer marked it critical
 * with a leading '!' (it changes what the weights mean). */
static enum as_status read_config(struct in *r, const char *path,
				  struct as_config *cfg, struct as_error *err)
{
	as_config_default(cfg);
	char line[256];
	unsigned char seen[64] = {0};
	while (r->at < r->len) {
		const unsigned char *s = r->p + r->at;
		const unsigned char *nl = memchr(s, '\n', r->len - r->at);
		size_t n = nl ? (size_t)(nl - s) : r->len - r->at;
		if (!nl || n >= sizeof line || memchr(s, 0, n))
			return as_error_set(err, AS_ERR_FORMAT,
					    "%s: malformed config section at "
					    "byte %zu",
					    path, r->at);
		memcpy(line, s, n);
		line[n] = 0;
		r->at += n + 1;
		char *name = line;
		int critical = name[0] == '!';
		if (critical)
			name++;
		char *eq = strchr(name, '=');
		if (!eq)
			return as_error_set(err, AS_ERR_FORMAT,
					    "%s: config line '%.60s' has no "
					    "'='",
					    path, line);
		*eq = 0;
		const struct as_param *p = as_param_find(name);
		if (!p) {
			if (critical)
				return as_error_set(
					err, AS_ERR_FORMAT,
					"%s: the run needs the setting "
					"'%.60s', which this autoscope does "
					"not know (saved by a newer version)",
					path, name);
			continue;
		}
		int k = as_param_index(p);
		if (k < 0 || (size_t)k >= sizeof seen || seen[k]++)
			return as_error_set(err, AS_ERR_FORMAT,
					    "%s: setting '%s' given twice",
					    path, p->name);
		struct as_error e2;
		if (as_param_parse(cfg, p, eq + 1, &e2) != AS_OK)
			return as_error_set(err, AS_ERR_FORMAT, "%s: %s", path,
					    e2.msg);
	}
	struct as_error e2;
	if (as_config_validate(cfg, &e2) != AS_OK)
		return as_error_set(err, AS_ERR_FORMAT, "%s: %s", path, e2.msg);
	return AS_OK;
}

/* n float32 values, proven by the bytes really there before anything is
 * allocated: the section must hold exactly n * 4 bytes, compared by
 * division so that no product of file sizes can wrap. */
static enum as_status read_floats(struct in *r, const char *path,
				  const char *what, size_t n, float **out,
				  struct as_error *err)
{
	size_t have = r->len - r->at;
	if (have % 4 != 0 || have / 4 != n)
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: %s section holds %zu bytes, but the "
				    "dimensions need %zu values of 4 bytes",
				    path, what, have, n);
	float *v = malloc(n ? n * sizeof(float) : 1);
	if (!v)
		return as_error_set(err, AS_ERR_NOMEM, "%s: out of memory",
				    path);
	for (size_t i = 0; i < n; i++) {
		v[i] = get_f32(r);
		if (!isfinite(v[i])) {
			free(v);
			return as_error_set(err, AS_ERR_FORMAT,
					    "%s: %s value %zu is not finite",
					    path, what, i);
		}
	}
	*out = v;
	return AS_OK;
}

static enum as_status read_history(struct in *r, const char *path,
				   struct as_history **out,
				   struct as_error *err)
{
	struct as_history *h = calloc(1, sizeof *h);
	if (!h)
		return as_error_set(err, AS_ERR_NOMEM, "%s: out of memory",
				    path);
	h->n_points = get_u32(r);
	if (h->n_points > AS_HISTORY_MAX || h->n_points > (r->len - r->at) / 32)
		goto fail;
	for (size_t i = 0; i < h->n_points; i++) {
		struct as_point *p = &h->points[i];
		p->step = get_u64(r);
		p->examples = get_u64(r);
		p->train_loss = get_f32(r);
		p->heldout_loss = get_f32(r);
		p->time_s = get_f64(r);
	}
	h->n_changes = get_u32(r);
	if (h->n_changes > AS_CHANGES_MAX)
		goto fail;
	for (size_t i = 0; i < h->n_changes; i++) {
		struct as_change *c = &h->changes[i];
		c->step = get_u64(r);
		c->examples = get_u64(r);
		if (!get_text(r, c->param, sizeof c->param) ||
		    !get_text(r, c->old_value, sizeof c->old_value) ||
		    !get_text(r, c->new_value, sizeof c->new_value))
			goto fail;
	}
	if (r->short_read || r->at != r->len)
		goto fail;
	*out = h;
	return AS_OK;
fail:
	free(h);
	return bad(err, path, "malformed history section");
}

void as_checkpoint_release(struct as_checkpoint *ck)
{
	free(ck->order);
	free(ck->params);
	free(ck->velocity);
	free(ck->history);
	if (ck->frames) {
		as_frames_free((struct as_frames *)ck->frames);
		free((struct as_frames *)ck->frames);
	}
	memset(ck, 0, sizeof *ck);
}

static const char *tag_name(uint32_t tag)
{
	static const char *const names[] = {
		"?",	 "config",     "data",	    "counters", "generator",
		"order", "dimensions", "parameter", "momentum", "history",
		"stage", "frames",     "tensors"};
	return tag <= TAG_COUNT ? names[tag] : "?";
}

/* The filter history: its units must be the first layer's, its frames'
 * count proven by the bytes, their examples in order. */
static enum as_status read_frames(struct in *r, const char *path,
				  struct as_checkpoint *ck,
				  struct as_error *err)
{
	uint64_t units = get_u64(r), d = get_u64(r), n = get_u64(r);
	double next_s = get_f64(r);
	uint64_t last_epoch = get_u64(r);
	size_t bytes, each;
	if (r->short_read || units != (uint64_t)as_config_layer(&ck->config, 0) ||
	    d != ck->n_visible || !as_mul_ok((size_t)units, (size_t)d, &bytes) ||
	    bytes > SIZE_MAX - 32 || !isfinite(next_s) ||
	    !(next_s >= AS_FRAMES_FIRST_S) || next_s > 1e300 ||
	    last_epoch > ck->epoch)
		return bad(err, path, "malformed frames section");
	each = 32 + bytes;
	size_t left = r->len - r->at;
	if (n == 0 || left % each != 0 || n != left / each || n > 1000000)
		return bad(err, path, "malformed frames section");
	struct as_frames *fr = calloc(1, sizeof *fr);
	if (!fr)
		return as_error_set(err, AS_ERR_NOMEM, "%s: out of memory",
				    path);
	pthread_mutex_init(&fr->lock, NULL);
	ck->frames = fr;
	fr->n_units = (size_t)units;
	fr->d = (size_t)d;
	fr->next_s = next_s;
	fr->last_epoch = last_epoch;
	/* one slot per frame of the file: the pool is exactly its size */
	fr->f = calloc((size_t)n, sizeof *fr->f);
	fr->pool = malloc((size_t)n * bytes);
	if (!fr->f || !fr->pool)
		return as_error_set(err, AS_ERR_NOMEM, "%s: out of memory",
				    path);
	fr->cap = (size_t)n;
	uint64_t last = 0;
	for (size_t i = 0; i < (size_t)n; i++) {
		struct as_frame *f = &fr->f[i];
		f->step = get_u64(r);
		f->examples = get_u64(r);
		f->epoch = get_u64(r);
		f->time_s = get_f64(r);
		if (r->short_read || f->examples < last ||
		    f->examples > ck->examples || f->step > ck->step ||
		    f->epoch > ck->epoch || !isfinite(f->time_s) ||
		    f->time_s < 0)
			return bad(err, path, "malformed frames section");
		last = f->examples;
		f->px = fr->pool + i * bytes;
		memcpy(f->px, r->p + r->at, bytes);
		r->at += bytes;
		fr->n = i + 1;
	}
	return AS_OK;
}

/* An arena without a directory (files before it): this version's
 * layout, so its length must be this version's. */
static enum as_status read_flat(struct in *sec, const char *path,
				size_t n_params, struct as_checkpoint *ck,
				struct as_error *err)
{
	if (n_params != ck->n_params)
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: %zu parameters for a %zu x %zu "
				    "model (expected %zu)",
				    path, n_params, ck->n_hidden, ck->n_visible,
				    ck->n_params);
	enum as_status st = read_floats(&sec[TAG_PARAMS], path, "parameter",
					ck->n_params, &ck->params, err);
	if (st != AS_OK)
		return st;
	if (sec[TAG_VELOCITY].p)
		return read_floats(&sec[TAG_VELOCITY], path, "momentum",
				   ck->n_params, &ck->velocity, err);
	ck->velocity = calloc(ck->n_params, sizeof(float));
	if (!ck->velocity)
		return as_error_set(err, AS_ERR_NOMEM, "%s: out of memory",
				    path);
	return AS_OK;
}

/* The file's directory: names of letters, digits and '_', each once;
 * each tensor inside the file's arena of n_params values. */
static enum as_status read_directory(struct in *r, const char *path,
				     size_t n_params, struct as_slot *dir,
				     size_t *n_dir, struct as_error *err)
{
	uint32_t n = get_u32(r);
	if (r->short_read || n > DIRECTORY_MAX)
		return bad(err, path, "malformed tensors section");
	for (uint32_t i = 0; i < n; i++) {
		struct as_slot *d = &dir[i];
		int ok = get_text(r, d->name, sizeof d->name);
		uint64_t rows = get_u64(r), cols = get_u64(r),
			 off = get_u64(r);
		size_t len;
		ok = ok && !r->short_read && d->name[0] && rows > 0 &&
		     rows <= n_params && cols <= n_params && off <= n_params &&
		     as_mul_ok((size_t)rows, cols ? (size_t)cols : 1, &len) &&
		     len <= n_params - (size_t)off;
		for (const char *c = d->name; ok && *c; c++)
			ok = (*c >= 'a' && *c <= 'z') ||
			     (*c >= 'A' && *c <= 'Z') ||
			     (*c >= '0' && *c <= '9') || *c == '_';
		for (uint32_t j = 0; ok && j < i; j++)
			ok = strcmp(dir[j].name, d->name) != 0;
		if (!ok)
			return as_error_set(err, AS_ERR_FORMAT,
					    "%s: malformed tensors section "
					    "(entry %u)",
					    path, i + 1);
		d->rows = (size_t)rows;
		d->cols = (size_t)cols;
		d->offset = (size_t)off;
	}
	if (r->at != r->len)
		return bad(err, path, "malformed tensors section");
	*n_dir = n;
	return AS_OK;
}

/* An arena with a directory: each tensor this version's settings need,
 * found by name and checked by shape, copied to where this version keeps
 * it; tensors it does not know (a later version's) are skipped. The
 * file's arena is read whole first: its bytes were proven by the
 * section's length. */
static enum as_status read_by_name(struct in *sec, const char *path,
				   size_t n_params, struct as_checkpoint *ck,
				   struct as_error *err)
{
	/* the count first: the section's bytes prove it (56 a tensor)
	 * before anything is allocated for it */
	struct in *rt = &sec[TAG_TENSORS];
	size_t count = rt->len >= 4 ? (size_t)rt->p[0] |
					      (size_t)rt->p[1] << 8 |
					      (size_t)rt->p[2] << 16 |
					      (size_t)rt->p[3] << 24
				    : 0;
	if (rt->len < 4 || count > DIRECTORY_MAX ||
	    rt->len != 4 + count * DIRECTORY_ENTRY)
		return bad(err, path, "malformed tensors section");
	struct as_slot *dir = malloc((count ? count : 1) * sizeof *dir);
	if (!dir)
		return as_error_set(err, AS_ERR_NOMEM, "%s: out of memory",
				    path);
	size_t n_dir = 0;
	enum as_status st = read_directory(&sec[TAG_TENSORS], path, n_params,
					   dir, &n_dir, err);
	/* where each wanted tensor is in the file (by name, same shape) */
	struct as_slot want[AS_TENSORS_MAX];
	size_t from[AS_TENSORS_MAX];
	size_t n_want = st == AS_OK ? as_stack_layout(ck->n_visible,
						      &ck->config,
						      ck->n_classes, 1, want)
				    : 0;
	for (size_t i = 0; st == AS_OK && i < n_want; i++) {
		const struct as_slot *w = &want[i], *f = NULL;
		for (size_t j = 0; j < n_dir && !f; j++)
			if (strcmp(dir[j].name, w->name) == 0)
				f = &dir[j];
		if (!f)
			st = as_error_set(err, AS_ERR_FORMAT,
					  "%s: no tensor %s, which the "
					  "settings need",
					  path, w->name);
		else if (f->rows != w->rows || f->cols != w->cols)
			st = as_error_set(err, AS_ERR_FORMAT,
					  "%s: tensor %s is %zu x %zu, the "
					  "settings make it %zu x %zu",
					  path, w->name, f->rows, f->cols,
					  w->rows, w->cols);
		else
			from[i] = f->offset;
	}
	free(dir);
	/* the wanted tensors must not share values: each one's place in the
	 * file apart from every other's (they then fit in the file's arena,
	 * whose bytes the sections prove) */
	for (size_t i = 0; st == AS_OK && i < n_want; i++) {
		size_t li = want[i].rows * (want[i].cols ? want[i].cols : 1);
		for (size_t j = i + 1; st == AS_OK && j < n_want; j++) {
			size_t lj = want[j].rows *
				    (want[j].cols ? want[j].cols : 1);
			if (from[i] < from[j] + lj && from[j] < from[i] + li)
				st = as_error_set(err, AS_ERR_FORMAT,
						  "%s: tensors %s and %s "
						  "overlap",
						  path, want[i].name,
						  want[j].name);
		}
	}
	if (st == AS_OK && ck->n_params > n_params)
		st = bad(err, path, "malformed tensors section (they overlap)");
	float *p = NULL, *v = NULL;
	if (st == AS_OK)
		st = read_floats(&sec[TAG_PARAMS], path, "parameter",
				 n_params, &p, err);
	if (st == AS_OK && sec[TAG_VELOCITY].p)
		st = read_floats(&sec[TAG_VELOCITY], path, "momentum",
				 n_params, &v, err);
	if (st == AS_OK) {
		ck->params = calloc(ck->n_params, sizeof(float));
		ck->velocity = calloc(ck->n_params, sizeof(float));
		if (!ck->params || !ck->velocity)
			st = as_error_set(err, AS_ERR_NOMEM,
					  "%s: out of memory", path);
	}
	for (size_t i = 0; st == AS_OK && i < n_want; i++) {
		const struct as_slot *w = &want[i];
		size_t len = w->rows * (w->cols ? w->cols : 1);
		memcpy(ck->params + w->offset, p + from[i],
		       len * sizeof(float));
		if (v)
			memcpy(ck->velocity + w->offset, v + from[i],
			       len * sizeof(float));
	}
	free(p);
	free(v);
	return st;
}

static enum as_status parse(const unsigned char *buf, size_t len,
			    const char *path, struct as_checkpoint *ck,
			    struct as_error *err)
{
	if (len < 20 || memcmp(buf, MAGIC, 8) != 0)
		return bad(err, path, "not an autoscope checkpoint");
	struct in all = {buf, len - 4, 8, 0};
	uint32_t crc = (uint32_t)buf[len - 4] | (uint32_t)buf[len - 3] << 8 |
		       (uint32_t)buf[len - 2] << 16 |
		       (uint32_t)buf[len - 1] << 24;
	uint32_t version = get_u32(&all);
	if (version > AS_CHECKPOINT_VERSION)
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: checkpoint version %u is newer than "
				    "this autoscope (%d)",
				    path, version, AS_CHECKPOINT_VERSION);
	if (crc != (uint32_t)crc32(0L, buf, (uInt)(len - 4)))
		return bad(err, path, "checksum mismatch (file corrupted)");
	if (version < 1)
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: unknown checkpoint version %u", path,
				    version);
	uint32_t count = get_u32(&all);
	if (all.short_read || count > SECTIONS_MAX)
		return bad(err, path, "malformed section table");
	struct in sec[TAG_COUNT + 1];
	memset(sec, 0, sizeof sec);
	for (uint32_t i = 0; i < count; i++) {
		uint32_t tag = get_u32(&all);
		uint64_t n = get_u64(&all);
		if (all.short_read || n > all.len - all.at)
			return as_error_set(err, AS_ERR_FORMAT,
					    "%s: section %u claims %llu bytes, "
					    "%zu are left",
					    path, i, (unsigned long long)n,
					    all.short_read ? 0
							   : all.len - all.at);
		const unsigned char *body = all.p + all.at;
		all.at += (size_t)n;
		uint32_t id = tag & ~TAG_CRITICAL;
		if (id < 1 || id > TAG_COUNT) {
			/* a newer version's section: skip it, unless the
			 * writer said the run cannot do without it */
			if (tag & TAG_CRITICAL)
				return as_error_set(
					err, AS_ERR_FORMAT,
					"%s: the run needs section %u, which "
					"this autoscope does not know (saved "
					"by a newer version)",
					path, id);
			continue;
		}
		if (sec[id].p)
			return as_error_set(err, AS_ERR_FORMAT,
					    "%s: two %s sections", path,
					    tag_name(id));
		sec[id] = (struct in){body, (size_t)n, 0, 0};
	}
	if (all.at != all.len)
		return bad(err, path, "trailing bytes after the sections");
	/* every section but the momentum (zero when absent) and the
	 * history (empty) is needed to go on where the run stopped */
	for (uint32_t id = 1; id <= TAG_COUNT; id++)
		if (!sec[id].p && id != TAG_VELOCITY && id != TAG_HISTORY &&
		    id != TAG_STAGE && id != TAG_FRAMES && id != TAG_TENSORS)
			return as_error_set(err, AS_ERR_FORMAT,
					    "%s: no %s section", path,
					    tag_name(id));
	enum as_status st =
		read_config(&sec[TAG_CONFIG], path, &ck->config, err);
	if (st != AS_OK)
		return st;
	if (sec[TAG_DATA].len >= sizeof ck->data)
		return bad(err, path, "data spec too long");
	memcpy(ck->data, sec[TAG_DATA].p, sec[TAG_DATA].len);
	if (memchr(ck->data, 0, sec[TAG_DATA].len))
		return bad(err, path, "data spec holds a NUL byte");
	struct in *r = &sec[TAG_COUNTERS];
	ck->step = get_u64(r);
	ck->epoch = get_u64(r);
	ck->examples = get_u64(r);
	ck->elapsed_s = get_f64(r);
	uint64_t cursor = get_u64(r);
	ck->acc_loss = get_f64(r);
	ck->acc_examples = get_u64(r);
	ck->last_eval_examples = get_u64(r);
	if (r->short_read || r->at != r->len || !isfinite(ck->elapsed_s) ||
	    ck->elapsed_s < 0 || !isfinite(ck->acc_loss) ||
	    ck->acc_examples > ck->examples ||
	    ck->last_eval_examples > ck->examples)
		return bad(err, path, "malformed counters section");
	r = &sec[TAG_RNG];
	struct as_rng *g[3] = {&ck->rng_init, &ck->rng_shuffle, &ck->rng_noise};
	for (int i = 0; i < 3; i++) {
		uint64_t any = 0;
		for (int k = 0; k < 4; k++)
			any |= g[i]->s[k] = get_u64(r);
		if (!any) /* xoshiro's one forbidden state */
			return bad(err, path, "malformed generator state");
	}
	if (r->short_read || r->at != r->len)
		return bad(err, path, "malformed generator section");
	r = &sec[TAG_ORDER];
	uint64_t n_order = get_u64(r);
	/* the count is proven by the bytes that follow it */
	if (r->short_read || (r->len - r->at) % 4 != 0 ||
	    n_order != (r->len - r->at) / 4 || n_order > UINT32_MAX ||
	    cursor > n_order)
		return bad(err, path, "malformed order section");
	ck->cursor = (size_t)cursor;
	ck->n_order = (size_t)n_order;
	ck->order = malloc(ck->n_order ? ck->n_order * 4 : 1);
	unsigned char *seen = calloc(ck->n_order ? ck->n_order : 1, 1);
	if (!ck->order || !seen) {
		free(seen);
		return as_error_set(err, AS_ERR_NOMEM, "%s: out of memory",
				    path);
	}
	for (size_t i = 0; i < ck->n_order; i++) {
		uint32_t v = get_u32(r);
		if (v >= ck->n_order || seen[v]) {
			free(seen);
			return bad(err, path,
				   "epoch order is not a permutation");
		}
		seen[v] = 1;
		ck->order[i] = v;
	}
	free(seen);
	r = &sec[TAG_DIMS];
	uint64_t nv = get_u64(r), nh = get_u64(r);
	uint32_t tied = get_u32(r);
	uint64_t n_params = get_u64(r);
	if (r->short_read || r->at != r->len || tied > 1 || nv == 0 || nh == 0)
		return bad(err, path, "malformed dimensions section");
	/* duplicates of the config are cross-checked, never trusted */
	if (nh != (uint64_t)ck->config.n_hidden)
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: the dimensions say %llu hidden units, "
				    "the config hidden=%d",
				    path, (unsigned long long)nh,
				    ck->config.n_hidden);
	if ((int)tied != ck->config.tied)
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: the dimensions say %s weights, the "
				    "config tied=%s",
				    path, tied ? "tied" : "untied",
				    ck->config.tied ? "on" : "off");
	/* the stage section before the arena: the head's size is in it */
	uint64_t stage_epoch = 0, n_classes = 0;
	if (sec[TAG_STAGE].p) {
		r = &sec[TAG_STAGE];
		stage_epoch = get_u64(r);
		n_classes = get_u64(r);
		if (r->short_read || r->at != r->len || n_classes > 256 ||
		    stage_epoch > ck->epoch)
			return bad(err, path, "malformed stage section");
	}
	if (ck->config.finetune == AS_FINETUNE_CLASSIFY && n_classes < 2)
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: a classifier of %llu classes",
				    path, (unsigned long long)n_classes);
	/* one block [W | b | c | W'] per layer (2 nv nh + nv + nh values)
	 * and the head: every product checked, and the whole must fit the
	 * parameter section (below) */
	if (nv > SIZE_MAX / 4)
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: a model on %llu inputs is too large", path,
				    (unsigned long long)nv);
	size_t expect =
		as_stack_arena_len((size_t)nv, &ck->config, (size_t)n_classes);
	if (expect == 0)
		return as_error_set(err, AS_ERR_FORMAT,
				    "%s: a %llu x %llu model is too large",
				    path, (unsigned long long)nh,
				    (unsigned long long)nv);
	ck->stage_epoch = stage_epoch;
	ck->n_classes = (size_t)n_classes;
	ck->n_visible = (size_t)nv;
	ck->n_hidden = (size_t)nh;
	ck->n_params = expect;
	ck->tied = (int)tied;
	if (sec[TAG_TENSORS].p)
		st = read_by_name(sec, path, (size_t)n_params, ck, err);
	else
		st = read_flat(sec, path, (size_t)n_params, ck, err);
	if (st != AS_OK)
		return st;
	if (sec[TAG_HISTORY].p) {
		st = read_history(&sec[TAG_HISTORY], path, &ck->history, err);
	} else {
		ck->history = calloc(1, sizeof *ck->history);
		if (!ck->history)
			st = as_error_set(err, AS_ERR_NOMEM,
					  "%s: out of memory", path);
	}
	if (st == AS_OK && sec[TAG_FRAMES].p)
		st = read_frames(&sec[TAG_FRAMES], path, ck, err);
	return st;
}

enum as_status as_checkpoint_parse(const unsigned char *buf, size_t len,
				   const char *name, struct as_checkpoint *ck,
				   struct as_error *err)
{
	memset(ck, 0, sizeof *ck);
	enum as_status st = parse(buf, len, name, ck, err);
	if (st != AS_OK)
		as_checkpoint_release(ck);
	return st;
}

enum as_status as_checkpoint_load(const char *path, struct as_checkpoint *ck,
				  struct as_error *err)
{
	memset(ck, 0, sizeof *ck);
	unsigned char *buf;
	size_t len;
	enum as_status st = as_file_read_all(path, MAX_FILE, &buf, &len, err);
	if (st != AS_OK)
		return st;
	st = parse(buf, len, path, ck, err);
	free(buf);
	if (st != AS_OK)
		as_checkpoint_release(ck);
	return st;
}
