/* stack: the arena and its views (stack.h): its length and layout, the
 * stack made, started, copied and checked; the passes through it are
 * stack_pass.c's, fine-tuning stack_finetune.c's, the inferring models'
 * own parts stack_infer.c's. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/blas.h"
#include "autoscope/mem.h"
#include "autoscope/stack.h"

#include "stack_internal.h"

static size_t n_head(const struct as_config *cfg, size_t n_classes)
{
	return cfg->finetune == AS_FINETUNE_CLASSIFY ? n_classes : 0;
}

size_t as_stack_arena_len(size_t n_visible, const struct as_config *cfg,
			  size_t n_classes)
{
	if (cfg->n_layers < 1 || cfg->n_layers > AS_LAYERS_MAX)
		return 0;
	size_t total = 0, below = n_visible;
	for (int k = 0; k < cfg->n_layers; k++) {
		int units = as_config_layer(cfg, k);
		size_t nh = (size_t)units, vh, len;
		if (units < 1 || !as_mul_ok(below, nh, &vh) ||
		    vh > SIZE_MAX / 4)
			return 0;
		len = 2 * vh + below + nh;
		if (len > SIZE_MAX / sizeof(float) - total)
			return 0;
		total += len;
		below = nh;
	}
	/* an inferring model's block after layer 1 (stack_infer.c) */
	size_t tail = stack_infer_tail_len(cfg, n_visible,
					   (size_t)as_config_layer(cfg, 0));
	if (tail > SIZE_MAX / sizeof(float) - total)
		return 0;
	total += tail;
	size_t c = n_head(cfg, n_classes), ch;
	if (!as_mul_ok(c, below + 1, &ch) ||
	    ch > SIZE_MAX / sizeof(float) - total)
		return 0;
	return total + ch;
}

enum as_status as_stack_create(size_t n_visible, const struct as_config *cfg,
			       size_t n_classes, size_t max_batch,
			       struct as_stack **out, struct as_error *err)
{
	*out = NULL;
	size_t len = as_stack_arena_len(n_visible, cfg, n_classes);
	if (len == 0 || n_visible == 0 || max_batch == 0)
		return as_error_set(err, AS_ERR_NOMEM,
				    "a stack of %d layers on %zu inputs is "
				    "too large",
				    cfg->n_layers, n_visible);
	struct as_stack *s = calloc(1, sizeof *s);
	if (!s)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	s->n_layers = (size_t)cfg->n_layers;
	s->sizes[0] = n_visible;
	size_t widest = n_visible;
	for (size_t k = 0; k < s->n_layers; k++) {
		s->sizes[k + 1] = (size_t)as_config_layer(cfg, (int)k);
		if (s->sizes[k + 1] > widest)
			widest = s->sizes[k + 1];
	}
	s->n_classes = n_head(cfg, n_classes);
	s->max_batch = max_batch;
	s->n_params = len;
	s->rbm_layer = -1;
	s->params = as_alloc_large_zero(len, sizeof(float));
	s->grad = as_alloc_large_zero(len, sizeof(float));
	s->velocity = as_alloc_large_zero(len, sizeof(float));
	size_t wide;
	if (!s->params || !s->grad || !s->velocity ||
	    !as_mul_ok(max_batch, widest, &wide)) {
		as_stack_free(s);
		return as_error_set(err, AS_ERR_NOMEM,
				    "out of memory for a stack of %zu "
				    "parameters",
				    len);
	}
	size_t at = 0;
	enum as_status st;
	for (size_t k = 0; k < s->n_layers; k++) {
		size_t nv = s->sizes[k], nh = s->sizes[k + 1];
		s->block[k] = at;
		st = as_model_create_view(
			nv, nh, max_batch, s->params + at, s->grad + at,
			s->velocity + at, &s->layer[k], err);
		if (st != AS_OK) {
			as_stack_free(s);
			return st;
		}
		s->layer[k]->tied = cfg->tied ? 1 : 0;
		at += as_model_arena_len(nv, nh);
	}
	st = stack_infer_attach(s, cfg, at, err);
	if (st != AS_OK) {
		as_stack_free(s);
		return st;
	}
	at += s->tail_len;
	s->head_w = s->params + at;
	s->head_gw = s->grad + at;
	s->head_b = s->head_w + s->n_classes * s->sizes[s->n_layers];
	s->head_gb = s->head_gw + s->n_classes * s->sizes[s->n_layers];
	/* the deep workspace: only stacks that train more than one layer
	 * or classify need it */
	if (s->n_layers > 1 || s->n_classes) {
		s->buf[0] = as_alloc_large(wide, sizeof(float));
		s->buf[1] = as_alloc_large(wide, sizeof(float));
		s->logits = malloc((max_batch * (s->n_classes + 1)) *
				   sizeof(float));
		if (!s->buf[0] || !s->buf[1] || !s->logits) {
			as_stack_free(s);
			return as_error_set(err, AS_ERR_NOMEM,
					    "out of memory for the stack's "
					    "workspace");
		}
	}
	*out = s;
	return AS_OK;
}

void as_stack_free(struct as_stack *s)
{
	if (!s)
		return;
	for (size_t k = 0; k < s->n_layers; k++)
		as_model_free(s->layer[k]);
	free(s->params);
	free(s->grad);
	free(s->velocity);
	free(s->buf[0]);
	free(s->buf[1]);
	free(s->logits);
	free(s->infer_work);
	free(s);
}

/* the one statement of the arena's layout: per layer k a block
 * [W | b | c | W'] (as_model_arena_len), an inferring model's block,
 * then the head [W | b] */
static size_t layout(const size_t *sizes, size_t n_layers, size_t classes,
		     enum as_model_kind kind, int numbered, struct as_slot *out)
{
	size_t n = 0, at = 0;
	for (size_t k = 0; k < n_layers; k++) {
		size_t nv = sizes[k], nh = sizes[k + 1];
		char num[24] = "";
		if (numbered)
			snprintf(num, sizeof num, "%zu", k + 1);
		const struct {
			const char *name;
			size_t rows, cols;
		} part[4] = {{"encoder_W", nh, nv},
			     {"encoder_b", nh, 0},
			     {"decoder_c", nv, 0},
			     {"decoder_W", nv, nh}};
		for (int i = 0; i < 4; i++, n++) {
			snprintf(out[n].name, sizeof out->name, "%s%s",
				 part[i].name, num);
			out[n].rows = part[i].rows;
			out[n].cols = part[i].cols;
			out[n].offset = at;
			at += part[i].rows * (part[i].cols ? part[i].cols : 1);
		}
	}
	/* an inferring model's block (stack_infer.c) */
	size_t first = n;
	n += stack_infer_slots(kind, sizes, at, out + n);
	for (size_t i = first; i < n; i++)
		at += out[i].rows * (out[i].cols ? out[i].cols : 1);
	if (classes) {
		size_t code = sizes[n_layers];
		out[n++] = (struct as_slot){"softmax_W", classes, code, at};
		at += classes * code;
		out[n++] = (struct as_slot){"softmax_b", classes, 0, at};
	}
	return n;
}

size_t as_stack_tensors(const struct as_stack *s, int numbered,
			struct as_tensor *out)
{
	struct as_slot slot[AS_TENSORS_MAX];
	size_t n = layout(s->sizes, s->n_layers, s->n_classes,
			  s->psd	 ? AS_MODEL_PSD
			  : s->sesm ? AS_MODEL_SESM
				    : AS_MODEL_AE,
			  numbered, slot);
	for (size_t i = 0; i < n; i++) {
		memcpy(out[i].name, slot[i].name, sizeof out[i].name);
		out[i].data = s->params + slot[i].offset;
		out[i].rows = slot[i].rows;
		out[i].cols = slot[i].cols;
	}
	return n;
}

size_t as_stack_layout(size_t n_visible, const struct as_config *cfg,
		       size_t n_classes, int numbered, struct as_slot *out)
{
	if (as_stack_arena_len(n_visible, cfg, n_classes) == 0)
		return 0;
	size_t sizes[AS_LAYERS_MAX + 1] = {n_visible};
	for (int k = 0; k < cfg->n_layers; k++)
		sizes[k + 1] = (size_t)as_config_layer(cfg, k);
	return layout(sizes, (size_t)cfg->n_layers, n_head(cfg, n_classes),
		      cfg->model, numbered, out);
}

void as_stack_layer_config(const struct as_stack *s,
			   const struct as_config *cfg, size_t i,
			   struct as_config *out)
{
	*out = *cfg;
	if (i + 1 < s->n_layers) {
		/* below the code: sigmoid units, as in both papers */
		out->encoder = AS_ACT_SIGMOID;
	}
	if (i > 0) /* its input is sigmoid codes in (0, 1) */
		out->loss = AS_LOSS_CE;
	if (out->encoder == AS_ACT_LINEAR)
		out->sparsity_weight = 0;
}

void as_stack_init(struct as_stack *s, const struct as_config *cfg,
		   struct as_rng *rng)
{
	for (size_t k = 0; k < s->n_layers; k++) {
		struct as_model *m = s->layer[k];
		struct as_config lc;
		as_stack_layer_config(s, cfg, k, &lc);
		if (s->sesm) /* its encoder is linear */
			lc.encoder = AS_ACT_LINEAR;
		as_model_init(m, &lc, rng);
		if (cfg->init == AS_INIT_SMALL && !s->sesm) {
			size_t len = m->n_hidden * m->n_visible;
			for (size_t i = 0; i < len; i++)
				m->w[i] = 0.01f * as_rng_normal(rng);
			m->tied = 1;
			as_model_sync_decoder(m);
			m->tied = cfg->tied ? 1 : 0;
		}
	}
	if (stack_infers(s))
		stack_infer_init(s, rng);
	if (s->n_classes) {
		size_t len = s->n_classes * (s->sizes[s->n_layers] + 1);
		memset(s->head_w, 0, len * sizeof(float));
		memset(s->velocity + (s->head_w - s->params), 0,
		       len * sizeof(float));
	}
	if (s->rbm_layer >= 0)
		as_model_set_tied(s->layer[s->rbm_layer], 1);
}

void as_stack_set_tied(struct as_stack *s, int tied)
{
	for (size_t k = 0; k < s->n_layers; k++)
		if ((int)k != s->rbm_layer)
			as_model_set_tied(s->layer[k], tied);
}

enum as_status as_stack_copy_weights(struct as_stack *dst,
				     const struct as_stack *src,
				     struct as_error *err)
{
	if (dst->n_layers != src->n_layers || dst->n_params != src->n_params)
		return as_error_set(err, AS_ERR_INVALID,
				    "cannot copy a stack of %zu layers into "
				    "one of %zu",
				    src->n_layers, dst->n_layers);
	for (size_t k = 0; k < src->n_layers; k++) {
		enum as_status st = as_model_copy_weights(
			dst->layer[k], src->layer[k], err);
		if (st != AS_OK)
			return st;
	}
	if (src->n_classes) {
		size_t len = src->n_classes * (src->sizes[src->n_layers] + 1);
		memcpy(dst->head_w, src->head_w, len * sizeof(float));
	}
	if (src->tail && dst->tail && src->tail_len == dst->tail_len)
		memcpy(dst->tail, src->tail, src->tail_len * sizeof(float));
	dst->rbm_layer = src->rbm_layer;
	return AS_OK;
}

int as_stack_finite(const struct as_stack *s)
{
	int ok = 1;
	for (size_t k = 0; k < s->n_layers; k++)
		ok &= as_model_finite(s->layer[k]);
	if (s->n_classes) {
		size_t len = s->n_classes * (s->sizes[s->n_layers] + 1);
		for (size_t i = 0; i < len; i++)
			ok &= isfinite(s->head_w[i]) != 0;
	}
	for (size_t i = 0; i < s->tail_len; i++)
		ok &= isfinite(s->tail[i]) != 0;
	return ok;
}

void as_stack_grad_norms(const struct as_stack *s, double *norms)
{
	for (size_t k = 0; k < s->n_layers; k++) {
		const struct as_model *m = s->layer[k];
		size_t len = m->n_visible * m->n_hidden;
		double t = 0;
		for (size_t i = 0; i < len; i++)
			t += (double)m->gw[i] * m->gw[i];
		norms[k] = sqrt(t);
	}
}

void as_project_units(const float *const *w, const size_t *sizes,
		      size_t layer, size_t first, size_t count, float *out,
		      float *scratch)
{
	size_t width = sizes[layer];
	if (layer == 0) { /* the rows of W_1 themselves */
		memcpy(out, w[0] + first * width, count * width * sizeof(float));
		return;
	}
	/* the input width never goes through scratch: the last product
	 * writes out */
	size_t widest = 0;
	for (size_t k = 1; k <= layer; k++)
		widest = sizes[k] > widest ? sizes[k] : widest;
	float *cur = scratch, *next = scratch + count * widest;
	memcpy(cur, w[layer] + first * width, count * width * sizeof(float));
	for (size_t k = layer; k-- > 0;) {
		/* rows (count x sizes[k+1]) times W_k (sizes[k+1] x sizes[k]) */
		float *dst = k == 0 ? out : next;
		as_sgemm(0, 0, count, sizes[k], sizes[k + 1], 1.0f, cur,
			 sizes[k + 1], w[k], sizes[k], 0.0f, dst, sizes[k]);
		float *t = cur;
		cur = dst;
		next = t;
	}
}
