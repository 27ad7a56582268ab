/* scores: what a lesson measures on a run, from its layers, config and
 * data (as_scores_compute); the data's own numbers are baselines.c's. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "autoscope/blas.h"
#include "autoscope/baselines.h"
#include "autoscope/parts.h"
#include "autoscope/rng.h"
#include "autoscope/sparse.h"
#include "autoscope/stack.h"
#include "scores_internal.h"

/* noise images behind AS_SCORE_NOISE, from a fixed stream */
#define NOISE_N 200

void as_scores_clear(struct as_scores *s)
{
	memset(s, 0, sizeof *s);
	s->heldout = s->recon_clean = s->variance = NAN;
	s->recon_sq = s->error = s->error_se = s->pca_code = NAN;
	s->grad_first = s->grad_top = NAN;
	s->probe_codes = s->probe_raw = NAN;
	s->pca_error = s->angle_max_deg = s->angle_mean_deg = NAN;
	s->localisation = NAN;
	s->hash_precision = s->pixel_precision = NAN;
	s->noise_r2 = s->digit_r2 = NAN;
	s->knn_codes = s->knn_pca = NAN;
	s->lsh_precision = s->pcasign_precision = s->binary_share = NAN;
	s->ball_size = s->ball_precision = s->us_ball = s->us_pixels = NAN;
	for (int l = 0; l < AS_FEW_LEVELS; l++)
		s->few_codes[l] = s->few_raw[l] = s->few_pca[l] =
			(struct as_few){NAN, NAN, NAN};
	s->sc_active = s->sc_residual = s->sc_l1 = s->sc_atom_norm = NAN;
	s->chain_start = s->chain_10 = s->chain_end = NAN;
	s->psd_rel_err = s->psd_energy_ratio = s->psd_cos = NAN;
	s->lin_rel_err = s->lin_energy_ratio = s->lin_cos = NAN;
	s->us_infer = s->us_predict = NAN;
	s->jac_frob = s->jac_tangent = s->jac_random = s->jac_ratio = NAN;
	s->parts_median = s->parts_over = NAN;
	s->map_n = 0;
	s->map_slant_r2 = s->map_shift_p = s->map_copy_ratio = NAN;
	s->pca_slant_r2 = s->pca_shift_p = s->pca_copy_ratio = NAN;
	s->sesm_e_pred = s->sesm_e_star = s->sesm_rec_pred = NAN;
	s->sesm_rec_star = s->sesm_code_err = s->sesm_mean_a = NAN;
	s->sesm_active = s->sesm_cos = s->sesm_scale = NAN;
}

double scores_clock_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

struct addr {
	uint64_t code;
	uint32_t row;
};

static int cmp_addr(const void *a, const void *b)
{
	const struct addr *x = a, *y = b;
	return x->code < y->code ? -1 : x->code > y->code;
}

static uint64_t pack(const float *c, size_t bits)
{
	uint64_t v = 0;
	for (size_t b = 0; b < bits; b++)
		v |= (uint64_t)(c[b] > 0.5f) << b;
	return v;
}

/* items with this address in the sorted table: [*lo, *hi) */
static void find_addr(const struct addr *t, size_t n, uint64_t code,
		      size_t *lo, size_t *hi)
{
	size_t a = 0, b = n;
	while (a < b) {
		size_t m = a + (b - a) / 2;
		if (t[m].code < code)
			a = m + 1;
		else
			b = m;
	}
	*lo = a;
	while (a < n && t[a].code == code)
		a++;
	*hi = a;
}

/* Semantic hashing's lookup (Salakhutdinov & Hinton 2009): every address
 * within Hamming distance AS_BALL_R of the query's, looked up in the
 * training codes sorted by address. Means over the queries of the items
 * found and of the share with the query's label (over queries that find
 * any); the time per query. */
static int hamming_ball(const float *db, const uint8_t *ydb, size_t ndb,
			const float *q, const uint8_t *yq, size_t nq,
			size_t bits, struct as_scores *s)
{
	struct addr *t = malloc(ndb * sizeof *t);
	if (!t)
		return -1;
	for (size_t i = 0; i < ndb; i++)
		t[i] = (struct addr){pack(db + i * bits, bits), (uint32_t)i};
	qsort(t, ndb, sizeof *t, cmp_addr);
	double found = 0, share = 0;
	size_t hit = 0;
	double t0 = scores_clock_s();
	for (size_t i = 0; i < nq; i++) {
		uint64_t a = pack(q + i * bits, bits);
		size_t n = 0, same = 0;
		/* radius 0, 1 and 2: the address, one bit flipped, two */
		for (size_t b1 = 0; b1 <= bits; b1++)
			for (size_t b2 = b1; b2 <= bits; b2++) {
				if (b2 == b1 && b1 < bits)
					continue;
				uint64_t probe = a;
				if (b1 < bits)
					probe ^= (uint64_t)1 << b1;
				if (b2 < bits)
					probe ^= (uint64_t)1 << b2;
				size_t lo, hi;
				find_addr(t, ndb, probe, &lo, &hi);
				for (size_t j = lo; j < hi; j++)
					same += ydb[t[j].row] == yq[i];
				n += hi - lo;
			}
		found += (double)n;
		if (n) {
			share += (double)same / (double)n;
			hit++;
		}
	}
	s->us_ball = (scores_clock_s() - t0) / (double)(nq ? nq : 1) * 1e6;
	s->ball_size = found / (double)(nq ? nq : 1);
	s->ball_precision = hit ? share / (double)hit : NAN;
	free(t);
	return 0;
}

/* The subspace the decoder reconstructs in: the columns of W' (rows of
 * W'^T), which are the rows of W when tied. out: n_hidden x n_visible. */
static void decoder_rows(struct as_model *m, float *out)
{
	size_t nv = m->n_visible, nh = m->n_hidden;
	if (m->tied) {
		memcpy(out, m->w, nh * nv * sizeof *out);
		return;
	}
	for (size_t i = 0; i < nv; i++)
		for (size_t j = 0; j < nh; j++)
			out[j * nv + i] = m->w2[i * nh + j];
}

/* What a run's scores are computed from (as_scores_compute's arguments). */

static size_t code_width(const struct run *r)
{
	return r->stack->sizes[r->depth];
}

static void encode(const struct run *r, const float *x, size_t n,
		   float *codes)
{
	as_stack_encode(r->stack, r->cfg, r->depth, x, n, codes);
}

static enum as_status score_pca(const struct run *r, struct as_scores *s,
				struct as_error *err)
{
	struct as_model *m = r->stack->layer[0];
	size_t nv = m->n_visible, nh = m->n_hidden;
	if (nh >= nv || r->stack->n_layers > 1)
		return AS_OK; /* no proper (linear) subspace to compare */
	enum as_status st = as_baselines_pca(r->b, r->ds, nh, err);
	if (st != AS_OK)
		return st;
	s->pca_error = r->b->pca_error;
	float *rows = malloc(nh * nv * sizeof *rows);
	double *ang = malloc(nh * sizeof *ang);
	if (!rows || !ang) {
		free(rows);
		free(ang);
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	}
	decoder_rows(m, rows);
	st = as_principal_angles(rows, nh, nv, r->b->pca, ang, err);
	if (st == AS_OK) {
		double sum = 0;
		for (size_t i = 0; i < nh; i++)
			sum += ang[i];
		s->angle_max_deg = ang[nh - 1] * 180.0 / M_PI;
		s->angle_mean_deg = sum / (double)nh * 180.0 / M_PI;
		s->have |= AS_SCORE_PCA;
	} else {
		/* a rank-deficient decoder (early in a run) has no angles
		 * yet: a number to skip, not an error to stop for */
		st = AS_OK;
	}
	free(rows);
	free(ang);
	return st;
}

/* Query rows (held-out) and database rows (training part): codes of both
 * go to the Hamming search; the pixel search and the same-bits baselines
 * are the data's (baselines.h). */
static enum as_status score_hash(const struct run *r, struct as_scores *s,
				 struct as_error *err)
{
	const struct as_dataset *ds = r->ds;
	size_t nh = code_width(r), ntr = ds->n_train, nq, k;
	as_search_sizes(ds, &nq, &k);
	float *codes = malloc((ntr + nq) * nh * sizeof *codes);
	uint32_t *nn = malloc(nq * k * sizeof *nn);
	enum as_status st = AS_OK;
	if (!codes || !nn) {
		st = as_error_set(err, AS_ERR_NOMEM, "out of memory");
		goto out;
	}
	encode(r, ds->x, ntr + nq, codes);
	st = as_knn_precision(codes, ds->labels, ntr, codes + ntr * nh,
			      ds->labels + ntr, nq, nh, k, 1,
			      &s->hash_precision, nn, err);
	if (st != AS_OK)
		goto out;
	s->n_queries = nq < AS_HASH_QUERIES ? nq : AS_HASH_QUERIES;
	s->hash_k = k;
	for (size_t i = 0; i < s->n_queries; i++) {
		s->query[i] = (uint32_t)(ntr + i);
		for (size_t j = 0; j < AS_HASH_K; j++)
			s->hash_nn[i][j] = j < k ? nn[i * k + j] : 0;
	}
	st = as_baselines_pixels(r->b, ds, err);
	if (st != AS_OK)
		goto out;
	s->pixel_precision = r->b->pixel_precision;
	s->us_pixels = r->b->pixel_us;
	memcpy(s->pixel_nn, r->b->pixel_nn, sizeof s->pixel_nn);
	/* codes pushed to binary: the share of values near 0 or 1 */
	size_t near = 0;
	for (size_t i = 0; i < nq * nh; i++) {
		float v = codes[ntr * nh + i];
		near += v < 0.1f || v > 0.9f;
	}
	s->binary_share = (double)near / (double)(nq * nh);
	if (nh <= 64 && hamming_ball(codes, ds->labels, ntr, codes + ntr * nh,
				     ds->labels + ntr, nq, nh, s) != 0) {
		st = as_error_set(err, AS_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (nh <= ds->d) {
		st = as_baselines_hash(r->b, ds, nh, err);
		if (st != AS_OK)
			goto out;
		s->lsh_precision = r->b->lsh_precision;
		s->pcasign_precision = r->b->pcasign_precision;
	}
	s->have |= AS_SCORE_HASH;
out:
	free(codes);
	free(nn);
	return st;
}

/* k-NN label precision of held-out queries among the training part,
 * Euclidean: in code space, and in the space of as many principal
 * components of the pixels (the data's, baselines.h) */
static enum as_status score_knn(const struct run *r, struct as_scores *s,
				struct as_error *err)
{
	const struct as_dataset *ds = r->ds;
	size_t w = code_width(r), ntr = ds->n_train, nq, k;
	as_search_sizes(ds, &nq, &k);
	float *codes = malloc((ntr + nq) * w * sizeof *codes);
	if (!codes)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	encode(r, ds->x, ntr + nq, codes);
	enum as_status st = as_knn_precision(codes, ds->labels, ntr,
					     codes + ntr * w, ds->labels + ntr,
					     nq, w, k, 0, &s->knn_codes, NULL,
					     err);
	free(codes);
	if (st == AS_OK && w < ds->d) {
		st = as_baselines_knn(r->b, ds, w, err);
		s->knn_pca = r->b->knn_pca;
	}
	if (st == AS_OK)
		s->have |= AS_SCORE_KNN;
	return st;
}

static enum as_status score_scatter(const struct run *r, struct as_scores *s,
				    struct as_error *err)
{
	const struct as_dataset *ds = r->ds;
	size_t nh = code_width(r), ntr = ds->n_train;
	size_t n = ds->n - ntr;
	if (n > AS_SCATTER_N)
		n = AS_SCATTER_N;
	float *codes = malloc(n * nh * sizeof *codes);
	if (!codes)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	encode(r, ds->x + ntr * ds->d, n, codes);
	int bad = as_top2_projection(codes, n, nh, s->code_xy);
	free(codes);
	if (bad)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	enum as_status st = as_baselines_xy(r->b, ds, err);
	if (st != AS_OK)
		return st;
	memcpy(s->pixel_xy, r->b->pixel_xy, sizeof s->pixel_xy);
	for (size_t i = 0; i < n; i++) {
		s->scatter_label[i] = ds->labels ? ds->labels[ntr + i] : 0;
		s->scatter_copy[i] = (uint8_t)((ntr + i) % ds->copies);
	}
	s->scatter_copies = ds->copies;
	memcpy(s->scatter_shift_px, ds->shift_px, sizeof s->scatter_shift_px);
	s->n_scatter = n;
	s->have |= AS_SCORE_SCATTER;
	return AS_OK;
}

/* R^2 of the reconstructions of the n rows of x: 1 - sum (x^ - x)^2 /
 * sum (x - mean x)^2, with the mean over all of x. 1 is a perfect copy;
 * 0 is no better than drawing the mean gray everywhere. */
static double r2(const struct run *r, const float *x, size_t n)
{
	size_t d = r->ds->d;
	float *rec = malloc(n * d * sizeof *rec);
	if (!rec || n == 0) {
		free(rec);
		return NAN;
	}
	as_stack_reconstruct(r->stack, r->cfg, r->depth, x, n, rec);
	double mean = 0, se = 0, sv = 0;
	for (size_t i = 0; i < n * d; i++)
		mean += x[i];
	mean /= (double)(n * d);
	for (size_t i = 0; i < n * d; i++) {
		double e = (double)rec[i] - x[i], v = x[i] - mean;
		se += e * e;
		sv += v * v;
	}
	free(rec);
	return sv > 0 ? 1.0 - se / sv : NAN;
}

/* Binary noise images, each value on (the data's max) with the
 * probability of the training data's mean brightness, always the same
 * images: an autoencoder that copies its input rebuilds them too (R^2
 * near its R^2 on digits); one that has learned digits does not (R^2 near
 * or below 0). Uniform noise would not tell them apart: under
 * cross-entropy every model rebuilds it worse than a constant gray. */
void as_noise_images(const struct as_dataset *ds, size_t n, float *out)
{
	size_t d = ds->d;
	double p = 0;
	for (size_t i = 0; i < ds->n_train * d; i++)
		p += (ds->x[i] - ds->min) / (ds->max - ds->min + 1e-30);
	p /= (double)(ds->n_train * d);
	struct as_rng rng;
	as_rng_seed(&rng, 7, 6);
	for (size_t i = 0; i < n * d; i++)
		out[i] = as_rng_uniform(&rng) < p ? ds->max : ds->min;
}

static double score_noise(const struct run *r)
{
	float *x = malloc((size_t)NOISE_N * r->ds->d * sizeof *x);
	if (!x)
		return NAN;
	as_noise_images(r->ds, NOISE_N, x);
	double v = r2(r, x, NOISE_N);
	free(x);
	return v;
}

/* mean over rows of 1/2 ||x - mean||^2, the mean over the same rows */
static double variance(const float *x, size_t n, size_t d)
{
	double total = 0;
	for (size_t j = 0; j < d; j++) {
		double m = 0, v = 0;
		for (size_t i = 0; i < n; i++)
			m += x[i * d + j];
		m /= (double)n;
		for (size_t i = 0; i < n; i++) {
			double e = x[i * d + j] - m;
			v += e * e;
		}
		total += v;
	}
	return 0.5 * total / (double)n;
}

/* the linear probe on the codes, beside the data's probe on raw input */
static enum as_status score_probe(const struct run *r, struct as_scores *s,
				  struct as_error *err)
{
	const struct as_dataset *ds = r->ds;
	size_t ntr = ds->n_train, nte = ds->n - ds->n_train;
	size_t k = code_width(r);
	enum as_status st = as_baselines_probe(r->b, ds, err);
	if (st != AS_OK)
		return st;
	float *codes = malloc(ds->n * k * sizeof *codes);
	if (!codes)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	encode(r, ds->x, ds->n, codes);
	struct as_probe_opts po;
	as_probe_opts_default(&po);
	st = as_probe_score(codes, ds->labels, ntr, codes + ntr * k,
			    ds->labels + ntr, nte, k, ds->n_classes, &po,
			    &s->probe_codes, err);
	free(codes);
	if (st == AS_OK) {
		s->probe_raw = r->b->probe_raw;
		s->have |= AS_SCORE_PROBE;
	}
	return st;
}

/* The probe of features f (the data's rows, width w) at each level of
 * labels a class, the draws of as_few_draw */
enum as_status as_few_probe(const struct as_dataset *ds, const float *f,
			    size_t w, struct as_few out[AS_FEW_LEVELS],
			    struct as_error *err)
{
	size_t ntr = ds->n_train, nte = ds->n - ntr;
	uint32_t *idx = malloc(ntr * sizeof *idx);
	float *xs = malloc(ntr * w * sizeof *xs);
	uint8_t *ys = malloc(ntr);
	enum as_status st = AS_OK;
	if (!idx || !xs || !ys) {
		st = as_error_set(err, AS_ERR_NOMEM, "out of memory");
		goto done;
	}
	struct as_probe_opts po;
	as_probe_opts_default(&po);
	static const int per[AS_FEW_LEVELS] = {AS_FEW_A, AS_FEW_B, 0};
	for (int l = 0; l < AS_FEW_LEVELS && st == AS_OK; l++) {
		int draws = per[l] ? AS_FEW_DRAWS : 1;
		double sum = 0, lo = INFINITY, hi = -INFINITY;
		for (int d = 0; d < draws && st == AS_OK; d++) {
			size_t n = as_few_draw(ds, per[l], (uint64_t)d, idx);
			for (size_t i = 0; i < n; i++) {
				memcpy(xs + i * w, f + (size_t)idx[i] * w,
				       w * sizeof *xs);
				ys[i] = ds->labels[idx[i]];
			}
			double acc;
			st = as_probe_score(xs, ys, n, f + ntr * w,
					    ds->labels + ntr, nte, w,
					    ds->n_classes, &po, &acc, err);
			sum += acc;
			lo = acc < lo ? acc : lo;
			hi = acc > hi ? acc : hi;
		}
		out[l] = (struct as_few){sum / draws, lo, hi};
	}
done:
	free(idx);
	free(xs);
	free(ys);
	return st;
}

static enum as_status score_few(const struct run *r, struct as_scores *s,
				struct as_error *err)
{
	const struct as_dataset *ds = r->ds;
	size_t w = code_width(r);
	float *codes = malloc(ds->n * w * sizeof *codes);
	if (!codes)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	encode(r, ds->x, ds->n, codes);
	enum as_status st = as_few_probe(ds, codes, w, s->few_codes, err);
	free(codes);
	if (st == AS_OK)
		st = as_baselines_few(r->b, ds, w, err);
	if (st != AS_OK)
		return st;
	memcpy(s->few_raw, r->b->few_raw, sizeof s->few_raw);
	memcpy(s->few_pca, r->b->few_pca, sizeof s->few_pca);
	s->have |= AS_SCORE_FEW;
	return AS_OK;
}

static double mean_of(const float *x, size_t n)
{
	double m = 0;
	for (size_t i = 0; i < n; i++)
		m += x[i];
	return n ? m / (double)n : NAN;
}

/* the denoising chains' brightness: do they keep drawing digits, or fade
 * (Bengio et al. 2013's sampling by a DAE) */
static enum as_status score_chain(const struct run *r, struct as_scores *s,
				  struct as_error *err)
{
	const struct as_dataset *ds = r->ds;
	size_t d = ds->d, nte = ds->n - ds->n_train;
	size_t n = nte < AS_CHAIN_N ? nte : AS_CHAIN_N;
	size_t b = r->stack->max_batch < n ? r->stack->max_batch : n;
	float *x = malloc(n * d * sizeof *x), *w = malloc(b * d * sizeof *w);
	uint32_t *perm = malloc(d * sizeof *perm);
	if (!x || !w || !perm) {
		free(x);
		free(w);
		free(perm);
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	}
	memcpy(x, ds->x + ds->n_train * d, n * d * sizeof *x);
	s->chain_start = mean_of(x, n * d);
	struct as_rng rng;
	as_rng_seed(&rng, 99, 1);
	for (int st = 1; st <= AS_CHAIN_STEPS; st++) {
		for (size_t at = 0; at < n; at += b) {
			size_t m = n - at < b ? n - at : b;
			as_stack_chain_step(r->stack, r->cfg, r->depth,
					    x + at * d, m, perm, &rng, w);
		}
		if (st == 10)
			s->chain_10 = mean_of(x, n * d);
	}
	s->chain_end = mean_of(x, n * d);
	s->have |= AS_SCORE_CHAIN;
	free(x);
	free(w);
	free(perm);
	return AS_OK;
}

enum as_status as_scores_compute(struct as_stack *stack, size_t depth,
				 const struct as_config *cfg,
				 const struct as_dataset *ds,
				 struct as_baselines *b, unsigned which,
				 struct as_scores *s, struct as_error *err)
{
	const struct run r = {stack, depth, cfg, ds, b};
	size_t nte = ds->n - ds->n_train;
	const float *held = ds->x + ds->n_train * ds->d;
	int labelled = ds->labels != NULL && nte > 0;
	int classifier = stack->n_classes && cfg->stage == cfg->n_layers;
	double norms[AS_LAYERS_MAX];
	as_stack_grad_norms(stack, norms);
	s->grad_first = norms[0];
	s->grad_top = norms[stack->n_layers - 1];
	/* (a classifier's decoders are not trained: no reconstruction) */
	if (nte && !classifier && cfg->model != AS_MODEL_DRLIM)
		s->recon_clean =
			as_stack_recon_loss(stack, cfg, depth, held, nte, 0);
	if (nte && cfg->loss == AS_LOSS_MSE)
		s->variance = variance(held, nte, ds->d);
	if (nte && (which & AS_SCORE_DEEP) &&
	    cfg->finetune != AS_FINETUNE_CLASSIFY) {
		/* (the PCA fit costs seconds: only where a lesson asks) */
		s->recon_sq =
			as_stack_recon_loss(stack, cfg, depth, held, nte, 1);
		/* the deep lesson's baseline: PCA with as many components
		 * as the code has units, in the same squared error */
		size_t k = stack->sizes[stack->n_layers];
		if (k < ds->d && as_baselines_pca(b, ds, k, err) == AS_OK)
			s->pca_code = b->pca_error;
	}
	enum as_status st = AS_OK;
	if ((which & AS_SCORE_PROBE) && labelled)
		st = score_probe(&r, s, err);
	if (st == AS_OK && (which & AS_SCORE_PCA))
		st = score_pca(&r, s, err);
	if (st == AS_OK && (which & AS_SCORE_LOCAL)) {
		struct as_model *m = stack->layer[0];
		as_model_sync_decoder(m);
		s->localisation = as_filter_localisation(
			m->w, m->n_hidden, ds->rows, ds->cols,
			(ds->rows + 1) / 2, (ds->cols + 1) / 2);
		if (isfinite(s->localisation))
			s->have |= AS_SCORE_LOCAL;
	}
	if (st == AS_OK && (which & AS_SCORE_HASH) && labelled)
		st = score_hash(&r, s, err);
	if (st == AS_OK && (which & AS_SCORE_KNN) && labelled)
		st = score_knn(&r, s, err);
	if (st == AS_OK && (which & AS_SCORE_FEW) && labelled)
		st = score_few(&r, s, err);
	if (st == AS_OK && (which & AS_SCORE_CHAIN) && nte)
		st = score_chain(&r, s, err);
	if (st == AS_OK && (which & AS_SCORE_SPARSE) && stack->sc && nte) {
		struct as_sc_stats sc;
		as_sc_measure(stack->layer[0], cfg, held,
			      nte < 2000 ? nte : 2000, stack->infer_work, &sc);
		s->sc_active = sc.active;
		s->sc_residual = sc.residual_share;
		s->sc_l1 = sc.l1;
		s->sc_atom_norm = sc.atom_norm;
		s->have |= AS_SCORE_SPARSE;
	}
	if (st == AS_OK && (which & AS_SCORE_PARTS) && stack->n_layers == 1 &&
	    !stack->n_classes && nte)
		st = scores_parts(&r, s, err);
	if (st == AS_OK && (which & AS_SCORE_JACOBIAN) && !stack->sc &&
	    stack->n_layers == 1 && cfg->encoder == AS_ACT_SIGMOID && nte &&
	    ds->n_train)
		st = scores_jacobian(&r, s, err);
	if (st == AS_OK && (which & AS_SCORE_PSD) && stack->sc && nte &&
	    ds->n_train)
		st = scores_psd(&r, s, err);
	if (st == AS_OK && (which & AS_SCORE_SCATTER) && nte > 0)
		st = score_scatter(&r, s, err);
	if (st == AS_OK && (which & AS_SCORE_MAP) && nte > 1)
		st = scores_map(&r, s, err);
	if (st == AS_OK && (which & AS_SCORE_SESM) && stack->sesm && nte)
		st = scores_sesm(&r, s, err);
	if (st == AS_OK && (which & AS_SCORE_NOISE) && nte > 0) {
		s->noise_r2 = score_noise(&r);
		s->digit_r2 = r2(&r, held, nte < NOISE_N ? nte : NOISE_N);
		if (isfinite(s->noise_r2))
			s->have |= AS_SCORE_NOISE;
	}
	return st;
}
