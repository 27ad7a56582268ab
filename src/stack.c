#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/blas.h"
#include "autoscope/mem.h"
#include "autoscope/sesm.h"
#include "autoscope/sparse.h"
#include "autoscope/stack.h"

#include "kernels.h"
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
	if (cfg->model == AS_MODEL_PSD) { /* [P | b | gain] of layer 1 */
		size_t k = (size_t)as_config_layer(cfg, 0), pk;
		if (!as_mul_ok(k, n_visible + 2, &pk) ||
		    pk > SIZE_MAX / sizeof(float) - total)
			return 0;
		total += pk;
	}
	if (cfg->model == AS_MODEL_SESM) { /* log zeta of layer 1 */
		size_t k = (size_t)as_config_layer(cfg, 0);
		if (k > SIZE_MAX / sizeof(float) - total)
			return 0;
		total += k;
	}
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
	for (size_t k = 0; k < s->n_layers; k++) {
		size_t nv = s->sizes[k], nh = s->sizes[k + 1];
		s->block[k] = at;
		enum as_status st = as_model_create_view(
			nv, nh, max_batch, s->params + at, s->grad + at,
			s->velocity + at, &s->layer[k], err);
		if (st != AS_OK) {
			as_stack_free(s);
			return st;
		}
		s->layer[k]->tied = cfg->tied ? 1 : 0;
		at += as_model_arena_len(nv, nh);
	}
	if (cfg->model == AS_MODEL_SC || cfg->model == AS_MODEL_PSD) {
		s->sc = 1;
		s->psd = cfg->model == AS_MODEL_PSD;
		size_t k = s->sizes[1];
		if (s->psd) { /* the encoder's block after the layer's */
			s->pred = (struct as_psd){
				s->params + at,
				s->params + at + k * n_visible,
				s->params + at + k * n_visible + k,
				s->grad + at,
				s->grad + at + k * n_visible,
				s->grad + at + k * n_visible + k,
				s->velocity + at};
			s->tail = s->params + at;
			s->tail_len = k * (n_visible + 2);
			at += k * (n_visible + 2);
		}
		s->sc_work = malloc((s->psd ? as_psd_work_len(n_visible, k,
							      max_batch)
					    : as_sc_work_len(n_visible, k,
							     max_batch)) *
				    sizeof(float));
		if (!s->sc_work) {
			as_stack_free(s);
			return as_error_set(err, AS_ERR_NOMEM,
					    "out of memory");
		}
	}
	if (cfg->model == AS_MODEL_SESM) {
		size_t k = s->sizes[1];
		s->sesm = 1;
		s->log_zeta = s->tail = s->params + at;
		s->tail_len = k;
		at += k;
		s->sc_work = malloc(as_sesm_work_len(n_visible, k, max_batch) *
				    sizeof(float));
		if (!s->sc_work) {
			as_stack_free(s);
			return as_error_set(err, AS_ERR_NOMEM,
					    "out of memory");
		}
	}
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
	free(s->sc_work);
	free(s);
}

/* the one statement of the arena's layout: per layer k a block
 * [W | b | c | W'] (as_model_arena_len), then the head [W | b] */
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
	if (kind == AS_MODEL_SESM) {
		out[n++] = (struct as_slot){"sesm_log_zeta", sizes[1], 0, at};
		at += sizes[1];
	}
	if (kind == AS_MODEL_PSD) {
		size_t k = sizes[1], d = sizes[0];
		out[n++] = (struct as_slot){"predictor_W", k, d, at};
		at += k * d;
		out[n++] = (struct as_slot){"predictor_b", k, 0, at};
		at += k;
		out[n++] = (struct as_slot){"predictor_gain", k, 0, at};
		at += k;
	}
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
	if (s->sc) {
		/* atoms: Gaussian directions of unit length; W' unused */
		struct as_model *m = s->layer[0];
		for (size_t i = 0; i < m->n_hidden * m->n_visible; i++)
			m->w[i] = as_rng_normal(rng);
		as_sc_renorm(m);
		memset(m->b, 0, m->n_hidden * sizeof(float));
		memset(m->c, 0, m->n_visible * sizeof(float));
	}
	if (s->psd) {
		/* the encoder: its own random unit rows, b 0, gain 1 */
		size_t k = s->sizes[1], d = s->sizes[0];
		for (size_t j = 0; j < k; j++) {
			float *row = s->pred.p + j * d;
			double sq = 0;
			for (size_t i = 0; i < d; i++) {
				row[i] = as_rng_normal(rng);
				sq += (double)row[i] * row[i];
			}
			float inv = sq > 0 ? (float)(1.0 / sqrt(sq)) : 0.0f;
			for (size_t i = 0; i < d; i++)
				row[i] *= inv;
			s->pred.b[j] = 0;
			s->pred.gain[j] = 1;
		}
		memset(s->pred.v, 0, k * (d + 2) * sizeof(float));
	}
	if (s->sesm) {
		/* the decoder drawn on its own, not W^T: whether encoder and
		 * decoder come out alike (Ranzato et al. 2006) is then found,
		 * not given; zeta 1: the history of codes at 0 */
		struct as_model *m = s->layer[0];
		float r = sqrtf(6.0f / (float)(m->n_visible + m->n_hidden));
		for (size_t i = 0; i < m->n_visible * m->n_hidden; i++)
			m->w2[i] = r * (2.0f * as_rng_uniform(rng) - 1.0f);
		memset(s->log_zeta, 0, s->sizes[1] * sizeof(float));
	}
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

static int layer_sigmoid(const struct as_stack *s, const struct as_config *cfg,
			 size_t k)
{
	return k + 1 < s->n_layers || cfg->encoder == AS_ACT_SIGMOID;
}

/* n <= max_batch rows of x up through layers [0, depth) into the
 * workspace; returns where the codes are (x itself for depth 0). */
static const float *encode_chunk(struct as_stack *s,
				 const struct as_config *cfg, size_t depth,
				 const float *x, size_t n)
{
	if (s->psd && depth > 0) { /* the encoder's prediction */
		struct as_model *m = s->layer[0];
		float *t = s->sc_work +
			   as_sc_work_len(m->n_visible, m->n_hidden,
					  s->max_batch);
		as_psd_predict(&s->pred, m->n_hidden, m->n_visible, x, n, t,
			       m->h);
		return m->h;
	}
	if (s->sesm && depth > 0) { /* the prediction's code a(z^) */
		as_sesm_encode(s->layer[0], s->log_zeta, cfg, x, n,
			       s->layer[0]->h, s->sc_work);
		return s->layer[0]->h;
	}
	if (s->sc && depth > 0) { /* the codes that minimise the energy */
		as_sc_infer(s->layer[0], cfg, x, n, s->layer[0]->h,
			    s->sc_work);
		return s->layer[0]->h;
	}
	const float *in = x;
	for (size_t k = 0; k < depth; k++) {
		float *out = s->n_layers > 1 ? s->buf[k & 1] : s->layer[0]->h;
		pre_up(s->layer[k], in, n, out);
		if (layer_sigmoid(s, cfg, k))
			k_sigmoid(out, n * s->sizes[k + 1]);
		in = out;
	}
	return in;
}

void as_stack_encode(struct as_stack *s, const struct as_config *cfg,
		     size_t depth, const float *x, size_t n, float *out)
{
	size_t nv = s->sizes[0], w = s->sizes[depth];
	for (size_t at = 0; at < n; at += s->max_batch) {
		size_t b = n - at < s->max_batch ? n - at : s->max_batch;
		const float *c = encode_chunk(s, cfg, depth, x + at * nv, b);
		if (c != out + at * w) /* a one-layer stack encodes into its h */
			memcpy(out + at * w, c, b * w * sizeof(float));
	}
}

/* From the codes of layer depth (in, n rows) down to the input space;
 * pre: out keeps the output layer's pre-activation. */
static void decode_chunk(struct as_stack *s, const struct as_config *cfg,
			 size_t depth, const float *in, size_t n, float *out,
			 int pre)
{
	for (size_t k = depth; k-- > 0;) {
		float *o = k == 0	      ? out
			   : in == s->buf[0] ? s->buf[1]
					     : s->buf[0];
		pre_down(s->layer[k], in, n, o);
		if (k > 0 || (cfg->loss == AS_LOSS_CE && !pre))
			k_sigmoid(o, n * s->sizes[k]);
		in = o;
	}
}

void as_stack_reconstruct(struct as_stack *s, const struct as_config *cfg,
			  size_t depth, const float *x, size_t n, float *out)
{
	if (s->sc) { /* z D at the inferred codes */
		struct as_model *m = s->layer[0];
		size_t nv = m->n_visible, k = m->n_hidden;
		for (size_t at = 0; at < n; at += s->max_batch) {
			size_t b = n - at < s->max_batch ? n - at
							 : s->max_batch;
			const float *z = encode_chunk(s, cfg, depth, x + at * nv,
						      b);
			as_sgemm(0, 0, b, nv, k, 1.0f, z, k, m->w, nv, 0.0f,
				 out + at * nv, nv);
		}
		return;
	}
	if (s->n_layers == 1 && s->n_classes == 0 && !s->sesm) {
		/* the one-layer model's own path */
		struct as_config lc;
		as_stack_layer_config(s, cfg, 0, &lc);
		as_model_reconstruct(s->layer[0], &lc, x, n, out);
		return;
	}
	size_t nv = s->sizes[0];
	for (size_t at = 0; at < n; at += s->max_batch) {
		size_t b = n - at < s->max_batch ? n - at : s->max_batch;
		const float *c = encode_chunk(s, cfg, depth, x + at * nv, b);
		decode_chunk(s, cfg, depth, c, b, out + at * nv, 0);
	}
}


/* sparse coding: the mean energy's parts a row at the inferred codes */
static void sc_parts(struct as_stack *s, const struct as_config *cfg,
		     const float *x, size_t n, double *recon, double *l1)
{
	struct as_model *m = s->layer[0];
	*recon = *l1 = 0;
	for (size_t at = 0; at < n; at += s->max_batch) {
		size_t b = n - at < s->max_batch ? n - at : s->max_batch;
		const float *xb = x + at * m->n_visible;
		const float *z = encode_chunk(s, cfg, 1, xb, b);
		double r, a;
		as_sc_energy(m, xb, z, b, &r, &a);
		*recon += r;
		*l1 += a;
	}
	if (n) {
		*recon /= (double)n;
		*l1 /= (double)n;
	}
}

/* PSD: the mean energy a row at z*, inferred from the prediction */
static double psd_energy(struct as_stack *s, const struct as_config *cfg,
			 const float *x, size_t n)
{
	struct as_model *m = s->layer[0];
	size_t d = m->n_visible;
	double total = 0;
	for (size_t at = 0; at < n; at += s->max_batch) {
		size_t b = n - at < s->max_batch ? n - at : s->max_batch;
		total += as_psd_energy(m, &s->pred, cfg, x + at * d, b,
				       s->sc_work);
	}
	return total / (double)n;
}

double as_stack_recon_loss(struct as_stack *s, const struct as_config *cfg,
			   size_t depth, const float *x, size_t n, int squared)
{
	if (s->sc) {
		double r, a;
		sc_parts(s, cfg, x, n, &r, &a);
		(void)squared; /* its loss is the squared error */
		return n ? r : NAN;
	}
	if (s->n_layers == 1 && s->n_classes == 0 && !squared && !s->sesm) {
		struct as_config lc;
		as_stack_layer_config(s, cfg, 0, &lc);
		return as_model_eval(s->layer[0], &lc, x, n, NULL);
	}
	size_t nv = s->sizes[0];
	float *out = s->layer[0]->xr; /* max_batch x nv, free between steps */
	double total = 0;
	for (size_t at = 0; at < n; at += s->max_batch) {
		size_t b = n - at < s->max_batch ? n - at : s->max_batch;
		const float *xb = x + at * nv;
		const float *c = encode_chunk(s, cfg, depth, xb, b);
		decode_chunk(s, cfg, depth, c, b, out, !squared);
		total += squared ? half_sq(xb, out, b * nv)
				 : output_loss(cfg, out, xb, NULL, b * nv, 1);
	}
	return n ? total / (double)n : NAN;
}

static int gaussian_visible(const struct as_stack *s, size_t i)
{
	return i == 0 && s->real_input;
}

void as_stack_pretrain_step(struct as_stack *s, const struct as_config *cfg,
			    size_t i, const float *x, size_t n, float lr,
			    struct as_rng *rng, struct as_losses *out)
{
	struct as_config lc;
	as_stack_layer_config(s, cfg, i, &lc);
	if (s->psd) {
		as_psd_step(s->layer[0], &s->pred, cfg, x, n, lr, s->sc_work,
			    out);
		return;
	}
	if (s->sc) {
		as_sc_step(s->layer[0], cfg, x, n, lr, s->sc_work, out);
		return;
	}
	if (s->sesm) {
		as_sesm_step(s->layer[0], s->log_zeta, cfg, x, n, lr,
			     s->sc_work, out);
		return;
	}
	/* the layers below are fixed: their codes, without noise */
	const float *in = i == 0 ? x : encode_chunk(s, cfg, i, x, n);
	if (cfg->pretrain == AS_PRETRAIN_RBM) {
		out->recon = as_rbm_step(s->layer[i], &lc,
					 gaussian_visible(s, i),
					 lc.encoder == AS_ACT_LINEAR, in, n, lr,
					 rng);
		out->penalty = 0;
		return;
	}
	as_model_step(s->layer[i], &lc, in, n, lr, rng, out);
}

/* Softmax cross-entropy from logits z (n x C, replaced by dL/dz * scale);
 * returns the summed loss. */
static double softmax_ce(float *z, const uint8_t *y, size_t n, size_t c,
			 float scale)
{
	double total = 0;
	for (size_t e = 0; e < n; e++) {
		float *row = z + e * c, mx = row[0];
		for (size_t j = 1; j < c; j++)
			mx = row[j] > mx ? row[j] : mx;
		double sum = 0;
		for (size_t j = 0; j < c; j++)
			sum += exp((double)(row[j] - mx));
		size_t label = y[e] < c ? y[e] : 0;
		total += log(sum) - (double)(row[label] - mx);
		for (size_t j = 0; j < c; j++)
			row[j] = (float)(exp((double)(row[j] - mx)) / sum) *
				 scale;
		row[label] -= scale;
	}
	return total;
}

void stack_forward(struct as_stack *s, const struct as_config *cfg,
		   const float *x, size_t n, struct as_rng *noise)
{
	const float *in = x;
	size_t top = s->n_layers - 1;
	for (size_t k = 0; k < s->n_layers; k++) {
		float *a = s->layer[k]->h;
		size_t len = n * s->sizes[k + 1];
		pre_up(s->layer[k], in, n, a);
		if (k == top && noise && cfg->code_noise > 0)
			for (size_t i = 0; i < len; i++)
				a[i] += cfg->code_noise * as_rng_normal(noise);
		if (layer_sigmoid(s, cfg, k))
			k_sigmoid(a, len);
		in = a;
	}
}

/* head logits of a_L into s->logits */
static void head_logits(struct as_stack *s, size_t n)
{
	size_t c = s->n_classes, top = s->sizes[s->n_layers];
	for (size_t e = 0; e < n; e++)
		memcpy(s->logits + e * c, s->head_b, c * sizeof(float));
	as_sgemm(0, 1, n, c, top, 1.0f, s->layer[s->n_layers - 1]->h, top,
		 s->head_w, top, 1.0f, s->logits, c);
}

/* Decoder of the recon objective: r_{k-1} into layer k's xr; the loss of
 * r_0 against x, with dL/d(pre r_0) into layer 0's dx when grad. */
static double decode_loss(struct as_stack *s, const struct as_config *cfg,
			  const float *x, size_t n, int grad)
{
	double loss = 0;
	for (size_t k = s->n_layers; k-- > 0;) {
		struct as_model *m = s->layer[k];
		const float *r = k + 1 < s->n_layers ? s->layer[k + 1]->xr
						     : m->h;
		pre_down(m, r, n, m->xr);
		size_t len = n * s->sizes[k];
		if (k > 0)
			k_sigmoid(m->xr, len);
		else
			loss = output_loss(cfg, m->xr, x, grad ? m->dx : NULL,
					   len, 1.0f / (float)n);
	}
	return loss;
}

void stack_encoder_backward(struct as_stack *s, const struct as_config *cfg,
			    const float *x, size_t n, int add_tied)
{
	/* from the code down: dW_k (+)= e^T a_{k-1} */
	for (size_t k = s->n_layers; k-- > 0;) {
		struct as_model *m = s->layer[k];
		size_t nv = m->n_visible, nh = m->n_hidden;
		if (layer_sigmoid(s, cfg, k))
			k_dsigmoid(m->dh, m->h, n * nh);
		const float *a = k > 0 ? s->layer[k - 1]->h : x;
		float beta = add_tied && m->tied ? 1.0f : 0.0f;
		as_sgemm(1, 0, nh, nv, n, 1.0f, m->dh, nh, a, nv, beta, m->gw,
			 nv);
		column_sums(m->dh, n, nh, m->gb);
		if (k > 0)
			as_sgemm(0, 0, n, nv, nh, 1.0f, m->dh, nh, m->w, nv,
				 0.0f, s->layer[k - 1]->dh, nv);
	}
}

void as_stack_finetune_grad(struct as_stack *s, const struct as_config *cfg,
			    const float *x, const uint8_t *labels, size_t n,
			    struct as_rng *rng, struct as_losses *out)
{
	size_t top = s->n_layers - 1;
	float inv_n = 1.0f / (float)n;
	double loss;
	stack_forward(s, cfg, x, n, rng);
	int classify = cfg->finetune == AS_FINETUNE_CLASSIFY && s->n_classes;
	if (classify) {
		size_t c = s->n_classes, nt = s->sizes[top + 1];
		head_logits(s, n);
		loss = softmax_ce(s->logits, labels, n, c, inv_n);
		/* dV = dz^T a_L, dv = column sums, dL/da_L = dz V */
		as_sgemm(1, 0, c, nt, n, 1.0f, s->logits, c, s->layer[top]->h,
			 nt, 0.0f, s->head_gw, nt);
		column_sums(s->logits, n, c, s->head_gb);
		as_sgemm(0, 0, n, nt, c, 1.0f, s->logits, c, s->head_w, nt,
			 0.0f, s->layer[top]->dh, nt);
		/* the decoders are not in use: no gradient */
		for (size_t k = 0; k < s->n_layers; k++) {
			struct as_model *m = s->layer[k];
			memset(m->gc, 0, m->n_visible * sizeof(float));
			memset(m->gw2, 0,
			       m->n_visible * m->n_hidden * sizeof(float));
		}
	} else {
		loss = decode_loss(s, cfg, x, n, 1);
		/* decoder k (k = 1..L) maps r_k to r_{k-1}, its delta in
		 * layer k's dx; dL/dr_k = delta W'_k */
		for (size_t k = 0; k < s->n_layers; k++) {
			struct as_model *m = s->layer[k];
			size_t nv = m->n_visible, nh = m->n_hidden;
			const float *r = k < top ? s->layer[k + 1]->xr : m->h;
			if (m->tied)
				as_sgemm(1, 0, nh, nv, n, 1.0f, r, nh, m->dx,
					 nv, 0.0f, m->gw, nv);
			else
				as_sgemm(1, 0, nv, nh, n, 1.0f, m->dx, nv, r,
					 nh, 0.0f, m->gw2, nh);
			column_sums(m->dx, n, nv, m->gc);
			float *g = k < top ? s->layer[k + 1]->dx : m->dh;
			if (m->tied)
				as_sgemm(0, 1, n, nh, nv, 1.0f, m->dx, nv,
					 m->w, nv, 0.0f, g, nh);
			else
				as_sgemm(0, 0, n, nh, nv, 1.0f, m->dx, nv,
					 m->w2, nh, 0.0f, g, nh);
			if (k < top) /* through r_k = sigmoid */
				k_dsigmoid(g, r, n * nh);
		}
	}
	stack_encoder_backward(s, cfg, x, n, !classify);
	out->recon = loss / (double)n;
	out->penalty = stack_weight_decay(s, cfg->weight_decay, !classify);
}

double stack_weight_decay(struct as_stack *s, float wd, int decoders)
{
	if (wd <= 0)
		return 0;
	double sq = 0;
	for (size_t k = 0; k < s->n_layers; k++) {
		struct as_model *m = s->layer[k];
		size_t len = m->n_visible * m->n_hidden;
		for (size_t i = 0; i < len; i++) {
			sq += (double)m->w[i] * m->w[i];
			m->gw[i] += wd * m->w[i];
		}
		if (!m->tied && decoders)
			for (size_t i = 0; i < len; i++) {
				sq += (double)m->w2[i] * m->w2[i];
				m->gw2[i] += wd * m->w2[i];
			}
	}
	size_t len = s->n_classes * s->sizes[s->n_layers];
	for (size_t i = 0; i < len; i++) {
		sq += (double)s->head_w[i] * s->head_w[i];
		s->head_gw[i] += wd * s->head_w[i];
	}
	return 0.5 * wd * sq;
}

void as_stack_update(struct as_stack *s, const struct as_config *cfg, float lr)
{
	for (size_t k = 0; k < s->n_layers; k++)
		as_model_update(s->layer[k], cfg, lr);
	if (s->n_classes) {
		size_t off = (size_t)(s->head_w - s->params);
		size_t len = s->n_classes * (s->sizes[s->n_layers] + 1);
		k_momentum(s->params + off, s->velocity + off, s->grad + off,
			   len, cfg->momentum, lr);
	}
}

/* the head's wrong answers among n rows of logits */
static size_t count_wrong(const float *z, const uint8_t *labels, size_t n,
			  size_t c)
{
	size_t wrong = 0;
	for (size_t e = 0; e < n; e++, z += c) {
		size_t best = 0;
		for (size_t j = 1; j < c; j++)
			if (z[j] > z[best])
				best = j;
		wrong += best != labels[e];
	}
	return wrong;
}

double as_stack_eval(struct as_stack *s, const struct as_config *cfg,
		     int stage, const float *x, const uint8_t *labels,
		     size_t n, struct as_rng *noise, size_t *wrong)
{
	size_t nv = s->sizes[0];
	double total = 0;
	if (wrong)
		*wrong = 0;
	if (s->psd) { /* PSD's energy at z*, inferred from g(x) */
		(void)labels;
		(void)noise;
		return n ? psd_energy(s, cfg, x, n) : NAN;
	}
	if (s->sc) { /* the energy at the inferred codes (no noise) */
		double r, a;
		sc_parts(s, cfg, x, n, &r, &a);
		(void)labels;
		(void)noise;
		return n ? r + cfg->sc_lambda * a : NAN;
	}
	if (s->sesm) { /* the energy at z*, inferred from the prediction */
		struct as_model *m = s->layer[0];
		for (size_t at = 0; at < n; at += s->max_batch) {
			size_t b = n - at < s->max_batch ? n - at
							 : s->max_batch;
			total += as_sesm_energy(m, s->log_zeta, cfg,
						x + at * nv, b, s->sc_work);
		}
		(void)labels;
		(void)noise;
		return n ? total / (double)n : NAN;
	}
	if (stage < (int)s->n_layers && s->n_layers == 1 &&
	    cfg->pretrain != AS_PRETRAIN_RBM) {
		struct as_config lc;
		as_stack_layer_config(s, cfg, 0, &lc);
		return as_model_eval(s->layer[0], &lc, x, n, noise);
	}
	for (size_t at = 0; at < n; at += s->max_batch) {
		size_t b = n - at < s->max_batch ? n - at : s->max_batch;
		const float *xb = x + at * nv;
		if (stage < (int)s->n_layers) {
			size_t i = (size_t)stage;
			struct as_model *m = s->layer[i];
			struct as_config lc;
			as_stack_layer_config(s, cfg, i, &lc);
			const float *in = encode_chunk(s, cfg, i, xb, b);
			if (cfg->pretrain == AS_PRETRAIN_RBM) {
				stack_rbm_mean_field(m, gaussian_visible(s, i),
					       lc.encoder == AS_ACT_LINEAR, in,
					       b, m->xr);
				total += half_sq(in, m->xr, b * m->n_visible);
			} else {
				/* the codes stay in the stack's buffers,
				 * which as_model_eval leaves alone */
				total += (double)b *
					 as_model_eval(m, &lc, in, b, noise);
			}
		} else if (cfg->finetune == AS_FINETUNE_CLASSIFY &&
			   s->n_classes) {
			stack_forward(s, cfg, xb, b, NULL);
			head_logits(s, b);
			if (wrong)
				*wrong += count_wrong(s->logits, labels + at, b,
						      s->n_classes);
			total += softmax_ce(s->logits, labels + at, b,
					    s->n_classes, 1.0f);
		} else {
			stack_forward(s, cfg, xb, b, NULL);
			total += decode_loss(s, cfg, xb, b, 0);
		}
	}
	return n ? total / (double)n : 0;
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

void as_stack_chain_step(struct as_stack *s, const struct as_config *cfg,
			 size_t depth, float *x, size_t n, uint32_t *perm,
			 struct as_rng *rng, float *work)
{
	size_t nv = s->sizes[0];
	as_corrupt(cfg, x, work, n, nv, perm, rng);
	as_stack_reconstruct(s, cfg, depth, work, n, x);
	if (cfg->loss == AS_LOSS_CE && !s->sc) {
		memcpy(work, x, n * nv * sizeof(float));
		as_rng_bernoulli(rng, work, x, n * nv);
	}
}

void as_stack_decode(struct as_stack *s, const struct as_config *cfg,
		     size_t depth, const float *codes, size_t n, float *out)
{
	size_t nv = s->sizes[0], w = s->sizes[depth];
	for (size_t at = 0; at < n; at += s->max_batch) {
		size_t b = n - at < s->max_batch ? n - at : s->max_batch;
		decode_chunk(s, cfg, depth, codes + at * w, b, out + at * nv,
			     0);
	}
}

void as_stack_traverse(struct as_stack *s, const struct as_config *cfg,
		       size_t depth, const float *code, size_t unit,
		       const float *vals, size_t n_vals, float *scratch,
		       float *out)
{
	size_t w = s->sizes[depth];
	for (size_t t = 0; t < n_vals; t++) {
		memcpy(scratch + t * w, code, w * sizeof(float));
		scratch[t * w + unit] = vals[t];
	}
	as_stack_decode(s, cfg, depth, scratch, n_vals, out);
}
