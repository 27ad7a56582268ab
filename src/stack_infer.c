/* stack_infer: the one-layer models whose codes are inferred, sparse coding
 * and PSD (sparse.h) and code inference (sesm.h), as the stack holds and
 * drives them: the block each keeps after the layer, its scratch, its
 * start, its codes, reconstructions, energies and step. stack.c and
 * stack_pass.c hand such a stack here (stack_infers) and know nothing of
 * the models themselves. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/blas.h"
#include "autoscope/sesm.h"
#include "autoscope/sparse.h"

#include "stack_internal.h"

size_t stack_infer_tail_len(const struct as_config *cfg, size_t n_visible,
			    size_t k)
{
	if (cfg->model == AS_MODEL_PSD) /* [P | b | gain] */
		return k > SIZE_MAX / (n_visible + 2) ? SIZE_MAX
						      : k * (n_visible + 2);
	if (cfg->model == AS_MODEL_SESM) /* log zeta */
		return k;
	return 0;
}

size_t stack_infer_slots(enum as_model_kind kind, const size_t *sizes,
			 size_t at, struct as_slot *out)
{
	size_t n = 0, k = sizes[1], d = sizes[0];
	if (kind == AS_MODEL_SESM)
		out[n++] = (struct as_slot){"sesm_log_zeta", k, 0, at};
	if (kind == AS_MODEL_PSD) {
		out[n++] = (struct as_slot){"predictor_W", k, d, at};
		out[n++] = (struct as_slot){"predictor_b", k, 0, at + k * d};
		out[n++] = (struct as_slot){"predictor_gain", k, 0,
					    at + k * d + k};
	}
	return n;
}

enum as_status stack_infer_attach(struct as_stack *s,
				  const struct as_config *cfg, size_t at,
				  struct as_error *err)
{
	size_t d = s->sizes[0], k = s->sizes[1], B = s->max_batch, work;
	s->sc = cfg->model == AS_MODEL_SC || cfg->model == AS_MODEL_PSD;
	s->psd = cfg->model == AS_MODEL_PSD;
	s->sesm = cfg->model == AS_MODEL_SESM;
	if (!stack_infers(s))
		return AS_OK;
	s->tail = s->params + at;
	s->tail_len = stack_infer_tail_len(cfg, d, k);
	if (s->psd) { /* the encoder's block after the layer's */
		s->pred = (struct as_psd){
			s->params + at,		     s->params + at + k * d,
			s->params + at + k * d + k, s->grad + at,
			s->grad + at + k * d,	     s->grad + at + k * d + k,
			s->velocity + at};
		work = as_psd_work_len(d, k, B);
	} else if (s->sesm) {
		s->log_zeta = s->tail;
		work = as_sesm_work_len(d, k, B);
	} else {
		s->tail = NULL;
		work = as_sc_work_len(d, k, B);
	}
	s->infer_work = malloc(work * sizeof(float));
	if (!s->infer_work)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	return AS_OK;
}

void stack_infer_init(struct as_stack *s, struct as_rng *rng)
{
	struct as_model *m = s->layer[0];
	size_t k = s->sizes[1], d = s->sizes[0];
	if (s->sc) {
		/* atoms: Gaussian directions of unit length; W' unused */
		for (size_t i = 0; i < k * d; i++)
			m->w[i] = as_rng_normal(rng);
		as_sc_renorm(m);
		memset(m->b, 0, k * sizeof(float));
		memset(m->c, 0, d * sizeof(float));
	}
	if (s->psd) {
		/* the encoder: its own random unit rows, b 0, gain 1 */
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
		float r = sqrtf(6.0f / (float)(d + k));
		for (size_t i = 0; i < d * k; i++)
			m->w2[i] = r * (2.0f * as_rng_uniform(rng) - 1.0f);
		memset(s->log_zeta, 0, k * sizeof(float));
	}
}

const float *stack_infer_codes(struct as_stack *s, const struct as_config *cfg,
			       const float *x, size_t n)
{
	struct as_model *m = s->layer[0];
	if (s->psd) { /* the encoder's prediction */
		float *t = s->infer_work + as_sc_work_len(m->n_visible,
							  m->n_hidden,
							  s->max_batch);
		as_psd_predict(&s->pred, m->n_hidden, m->n_visible, x, n, t,
			       m->h);
	} else if (s->sesm) { /* the prediction's code a(z^) */
		as_sesm_encode(m, s->log_zeta, cfg, x, n, m->h, s->infer_work);
	} else { /* the codes that minimise the energy */
		as_sc_infer(m, cfg, x, n, m->h, s->infer_work);
	}
	return m->h;
}

void stack_infer_reconstruct(struct as_stack *s, const struct as_config *cfg,
			     const float *x, size_t n, float *out)
{
	struct as_model *m = s->layer[0];
	size_t nv = m->n_visible, k = m->n_hidden;
	for (size_t at = 0; at < n; at += s->max_batch) {
		size_t b = n - at < s->max_batch ? n - at : s->max_batch;
		const float *z = stack_infer_codes(s, cfg, x + at * nv, b);
		if (s->sesm) /* a D + c */
			as_sesm_decode(m, z, b, out + at * nv);
		else	     /* z D: the dictionary has no bias */
			as_sgemm(0, 0, b, nv, k, 1.0f, z, k, m->w, nv, 0.0f,
				 out + at * nv, nv);
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
		const float *z = stack_infer_codes(s, cfg, xb, b);
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

double stack_infer_recon_loss(struct as_stack *s, const struct as_config *cfg,
			      const float *x, size_t n)
{
	if (!n)
		return NAN;
	if (s->sc) {
		double r, a;
		sc_parts(s, cfg, x, n, &r, &a);
		return r;
	}
	/* sesm: half the squared error of the prediction's rebuild */
	struct as_model *m = s->layer[0];
	size_t nv = m->n_visible;
	float *out = m->xr; /* max_batch x nv, free between steps */
	double total = 0;
	for (size_t at = 0; at < n; at += s->max_batch) {
		size_t b = n - at < s->max_batch ? n - at : s->max_batch;
		stack_infer_reconstruct(s, cfg, x + at * nv, b, out);
		total += half_sq(x + at * nv, out, b * nv);
	}
	return total / (double)n;
}

double stack_infer_eval(struct as_stack *s, const struct as_config *cfg,
			const float *x, size_t n)
{
	if (!n)
		return NAN;
	struct as_model *m = s->layer[0];
	if (s->sc && !s->psd) { /* the energy at the inferred codes */
		double r, a;
		sc_parts(s, cfg, x, n, &r, &a);
		return r + cfg->sc_lambda * a;
	}
	/* PSD's and SESM's: the energy at z*, inferred from the prediction */
	size_t d = m->n_visible;
	double total = 0;
	for (size_t at = 0; at < n; at += s->max_batch) {
		size_t b = n - at < s->max_batch ? n - at : s->max_batch;
		total += s->psd ? as_psd_energy(m, &s->pred, cfg, x + at * d, b,
						s->infer_work)
				: as_sesm_energy(m, s->log_zeta, cfg,
						 x + at * d, b, s->infer_work);
	}
	return total / (double)n;
}

void stack_infer_step(struct as_stack *s, const struct as_config *cfg,
		      const float *x, size_t n, float lr,
		      struct as_losses *out)
{
	struct as_model *m = s->layer[0];
	if (s->psd)
		as_psd_step(m, &s->pred, cfg, x, n, lr, s->infer_work, out);
	else if (s->sesm)
		as_sesm_step(m, s->log_zeta, cfg, x, n, lr, s->infer_work, out);
	else
		as_sc_step(m, cfg, x, n, lr, s->infer_work, out);
}
