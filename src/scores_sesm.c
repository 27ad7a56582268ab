/* scores_sesm: what code inference does, on held-out digits (scores.h
 * AS_SCORE_SESM). */
#include <math.h>
#include <stdlib.h>

#include "autoscope/sesm.h"
#include "scores_internal.h"
#include "stack_internal.h"

enum as_status scores_sesm(const struct run *r, struct as_scores *s,
			   struct as_error *err)
{
	struct as_stack *stack = r->stack;
	struct as_model *m = stack->layer[0];
	const struct as_dataset *ds = r->ds;
	size_t d = ds->d, k = m->n_hidden, B = stack->max_batch;
	size_t nte = ds->n - ds->n_train;
	size_t ne = nte < AS_SESM_N ? nte : AS_SESM_N;
	const float *xe = ds->x + ds->n_train * d;
	float *ap = malloc(B * k * sizeof *ap), *as = malloc(B * k * sizeof *as);
	float *rec = malloc(B * d * sizeof *rec);
	float *tr = malloc(B * (AS_SESM_TRACE_MAX + 1) * sizeof *tr);
	if (!ap || !as || !rec || !tr) {
		free(ap);
		free(as);
		free(rec);
		free(tr);
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	}
	int t = as_sesm_trace_len(r->cfg);
	double e_pred = 0, e_star = 0, rec_pred = 0, rec_star = 0;
	double diff = 0, norm = 0, mean = 0, active = 0;
	for (size_t at = 0; at < ne; at += B) {
		size_t b = ne - at < B ? ne - at : B;
		const float *x = xe + at * d;
		as_sesm_trace(m, stack->log_zeta, r->cfg, x, b, tr, ap, as, rec,
			      stack->infer_work);
		/* where inference started and where it ended, per row */
		for (size_t e = 0; e < b; e++) {
			e_pred += tr[e * (size_t)(t + 1)];
			e_star += tr[e * (size_t)(t + 1) + (size_t)t];
		}
		rec_star += half_sq(rec, x, b * d);
		as_sesm_decode(m, ap, b, rec);
		rec_pred += half_sq(rec, x, b * d);
		for (size_t i = 0; i < b * k; i++) {
			double v = (double)ap[i] - as[i];
			diff += v * v;
			norm += (double)as[i] * as[i];
			mean += ap[i];
			active += ap[i] > 0.5f;
		}
	}
	double n = (double)ne;
	s->sesm_e_pred = e_pred / n;
	s->sesm_e_star = e_star / n;
	s->sesm_rec_pred = rec_pred / n;
	s->sesm_rec_star = rec_star / n;
	s->sesm_code_err = norm > 0 ? sqrt(diff / norm) : NAN;
	s->sesm_mean_a = mean / (n * (double)k);
	s->sesm_active = active / (n * (double)k);
	s->sesm_cos = as_model_decoder_cos(m);
	/* the scale factor: ||decoder column|| / ||encoder row|| */
	double scale = 0;
	for (size_t j = 0; j < k; j++) {
		double ee = 0, dd = 0;
		for (size_t i = 0; i < d; i++) {
			double p = m->w[j * d + i];
			double q = m->tied ? p : m->w2[i * k + j];
			ee += p * p;
			dd += q * q;
		}
		scale += ee > 0 ? sqrt(dd / ee) : 0;
	}
	s->sesm_scale = scale / (double)k;
	s->have |= AS_SCORE_SESM;
	free(ap);
	free(as);
	free(rec);
	free(tr);
	return AS_OK;
}
