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
}

static double clock_s(void)
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
	double t0 = clock_s();
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
	s->us_ball = (clock_s() - t0) / (double)(nq ? nq : 1) * 1e6;
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
struct run {
	struct as_stack *stack;
	size_t depth; /* the layers trained so far */
	const struct as_config *cfg;
	const struct as_dataset *ds;
	struct as_baselines *b;
};

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
	for (size_t i = 0; i < n; i++)
		s->scatter_label[i] = ds->labels ? ds->labels[ntr + i] : 0;
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

/* Cholesky of the n x n symmetric positive definite a (lower, in
 * place), then the solve a X = B for B n x m (in place); 0 if a is not
 * positive definite */
static int cholesky_solve(double *a, size_t n, double *bm, size_t m)
{
	for (size_t j = 0; j < n; j++) {
		double dj = a[j * n + j];
		for (size_t k = 0; k < j; k++)
			dj -= a[j * n + k] * a[j * n + k];
		if (!(dj > 0))
			return 0;
		dj = sqrt(dj);
		a[j * n + j] = dj;
		for (size_t i = j + 1; i < n; i++) {
			double v = a[i * n + j];
			for (size_t k = 0; k < j; k++)
				v -= a[i * n + k] * a[j * n + k];
			a[i * n + j] = v / dj;
		}
	}
	for (size_t c = 0; c < m; c++) {
		/* L y = b, then L^T x = y, column c of B */
		for (size_t i = 0; i < n; i++) {
			double v = bm[i * m + c];
			for (size_t k = 0; k < i; k++)
				v -= a[i * n + k] * bm[k * m + c];
			bm[i * m + c] = v / a[i * n + i];
		}
		for (size_t i = n; i-- > 0;) {
			double v = bm[i * m + c];
			for (size_t k = i + 1; k < n; k++)
				v -= a[k * n + i] * bm[k * m + c];
			bm[i * m + c] = v / a[i * n + i];
		}
	}
	return 1;
}

/* the sparse-coding energy a row, 1/2 ||x - zD||^2 + lambda ||z||_1 */
static double sc_energy_rows(struct as_model *m, const struct as_config *cfg,
			     const float *x, const float *z, size_t n)
{
	double total = 0;
	size_t d = m->n_visible, k = m->n_hidden;
	for (size_t at = 0; at < n; at += m->max_batch) {
		size_t b = n - at < m->max_batch ? n - at : m->max_batch;
		double r, a;
		as_sc_energy(m, x + at * d, z + at * k, b, &r, &a);
		total += r + cfg->sc_lambda * a;
	}
	return n ? total / (double)n : NAN;
}

static double rel_err(const float *zp, const float *z, size_t len)
{
	double e = 0, t = 0;
	for (size_t i = 0; i < len; i++) {
		e += (double)(zp[i] - z[i]) * (zp[i] - z[i]);
		t += (double)z[i] * z[i];
	}
	return t > 0 ? sqrt(e / t) : NAN;
}

/* mean over units of cos(f_j, atom_j), f_j row j of f (k x d) */
static double mean_cos(const float *f, const float *atoms, size_t k,
		       size_t d)
{
	double total = 0;
	for (size_t j = 0; j < k; j++) {
		double ab = 0, aa = 0, bb = 0;
		for (size_t i = 0; i < d; i++) {
			double a = f[j * d + i], b = atoms[j * d + i];
			ab += a * b;
			aa += a * a;
			bb += b * b;
		}
		total += aa > 0 && bb > 0 ? ab / sqrt(aa * bb) : 0;
	}
	return k ? total / (double)k : NAN;
}

enum { PSD_FIT = 4000, PSD_EVAL = 2000 };

/* PSD's prediction, and the least-squares linear one, against the codes
 * sparse coding infers (sparse.h, scores.h) */
static enum as_status score_psd(const struct run *r, struct as_scores *s,
				struct as_error *err)
{
	struct as_stack *stack = r->stack;
	const struct as_dataset *ds = r->ds;
	struct as_model *m = stack->layer[0];
	size_t d = ds->d, k = m->n_hidden, q = d + 1;
	size_t ntr = ds->n_train < PSD_FIT ? ds->n_train : PSD_FIT;
	size_t nte = ds->n - ds->n_train;
	size_t ne = nte < PSD_EVAL ? nte : PSD_EVAL;
	const float *xf = ds->x, *xe = ds->x + ds->n_train * d;
	size_t nmax = ntr > ne ? ntr : ne;
	float *z = malloc(nmax * k * sizeof *z);
	float *zp = malloc(ne * k * sizeof *zp);
	float *t = malloc(stack->max_batch * k * sizeof *t);
	double *g = calloc(q * q, sizeof *g), *a = calloc(q * k, sizeof *a);
	float *af = malloc(q * k * sizeof *af), *ft = NULL;
	enum as_status st = AS_OK;
	if (!z || !zp || !t || !g || !a || !af) {
		st = as_error_set(err, AS_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* the training part's codes, and the normal equations of [x 1] A =
	 * z with a ridge of 1e-6 of the mean variance */
	for (size_t at = 0; at < ntr; at += m->max_batch) {
		size_t b = ntr - at < m->max_batch ? ntr - at : m->max_batch;
		as_sc_infer(m, r->cfg, xf + at * d, b, z + at * k,
			    stack->sc_work);
	}
	for (size_t e = 0; e < ntr; e++) {
		const float *xr = xf + e * d, *zr = z + e * k;
		for (size_t i = 0; i < q; i++) {
			double xi = i < d ? xr[i] : 1.0;
			for (size_t j = 0; j <= i; j++)
				g[i * q + j] += xi * (j < d ? xr[j] : 1.0);
			for (size_t c = 0; c < k; c++)
				a[i * k + c] += xi * zr[c];
		}
	}
	double tr = 0;
	for (size_t i = 0; i < d; i++)
		tr += g[i * q + i];
	for (size_t i = 0; i < q; i++) {
		for (size_t j = 0; j < i; j++)
			g[j * q + i] = g[i * q + j];
		g[i * q + i] += 1e-6 * tr / (double)d + 1e-9;
	}
	if (!cholesky_solve(g, q, a, k)) {
		st = as_error_set(err, AS_ERR_STATE,
				  "the linear predictor's fit is singular");
		goto out;
	}
	for (size_t i = 0; i < q * k; i++)
		af[i] = (float)a[i];
	/* held-out: the inferred codes, timed */
	double t0 = clock_s();
	for (size_t at = 0; at < ne; at += m->max_batch) {
		size_t b = ne - at < m->max_batch ? ne - at : m->max_batch;
		as_sc_infer(m, r->cfg, xe + at * d, b, z + at * k,
			    stack->sc_work);
	}
	s->us_infer = (clock_s() - t0) / (double)ne * 1e6;
	double e_star = sc_energy_rows(m, r->cfg, xe, z, ne);
	/* the linear prediction: x A[:d] + A[d] */
	for (size_t e = 0; e < ne; e++)
		memcpy(zp + e * k, af + d * k, k * sizeof(float));
	as_sgemm(0, 0, ne, k, d, 1.0f, xe, d, af, k, 1.0f, zp, k);
	s->lin_rel_err = rel_err(zp, z, ne * k);
	s->lin_energy_ratio = sc_energy_rows(m, r->cfg, xe, zp, ne) / e_star;
	/* its filters are A's columns: as rows, against the atoms */
	ft = malloc(k * d * sizeof *ft);
	if (!ft) {
		st = as_error_set(err, AS_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t c = 0; c < k; c++)
		for (size_t i = 0; i < d; i++)
			ft[c * d + i] = af[i * k + c];
	s->lin_cos = mean_cos(ft, m->w, k, d);
	if (stack->psd) {
		t0 = clock_s();
		for (size_t at = 0; at < ne; at += m->max_batch) {
			size_t b = ne - at < m->max_batch ? ne - at
							  : m->max_batch;
			as_psd_predict(&stack->pred, k, d, xe + at * d, b, t,
				       zp + at * k);
		}
		s->us_predict = (clock_s() - t0) / (double)ne * 1e6;
		s->psd_rel_err = rel_err(zp, z, ne * k);
		s->psd_energy_ratio =
			sc_energy_rows(m, r->cfg, xe, zp, ne) / e_star;
		s->psd_cos = mean_cos(stack->pred.p, m->w, k, d);
	} else {
		t0 = clock_s();
		for (size_t e = 0; e < ne; e++)
			memcpy(zp + e * k, af + d * k, k * sizeof(float));
		as_sgemm(0, 0, ne, k, d, 1.0f, xe, d, af, k, 1.0f, zp, k);
		s->us_predict = (clock_s() - t0) / (double)ne * 1e6;
	}
	s->have |= AS_SCORE_PSD;
out:
	free(z);
	free(zp);
	free(t);
	free(g);
	free(a);
	free(af);
	free(ft);
	return st;
}

enum { JAC_N = 200 };

/* the encoder's Jacobian at held-out digits, along the data and across
 * it (scores.h) */
static enum as_status score_jacobian(const struct run *r,
				     struct as_scores *s,
				     struct as_error *err)
{
	const struct as_dataset *ds = r->ds;
	struct as_model *m = r->stack->layer[0];
	size_t d = ds->d, k = m->n_hidden, ntr = ds->n_train;
	size_t nte = ds->n - ntr, n = nte < JAC_N ? nte : JAC_N;
	const float *q = ds->x + ntr * d;
	float *h = malloc(n * k * sizeof *h), *v = malloc(n * d * sizeof *v);
	float *p = malloc(n * k * sizeof *p);
	float *dots = malloc(n * 512 * sizeof *dots);
	float *tn = malloc(ntr * sizeof *tn);
	uint32_t *nn = malloc(n * sizeof *nn);
	float *best = malloc(n * sizeof *best);
	double *wn = NULL;
	enum as_status st = AS_OK;
	if (!h || !v || !p || !dots || !tn || !nn || !best) {
		st = as_error_set(err, AS_ERR_NOMEM, "out of memory");
		goto out;
	}
	/* each query's nearest training digit: ||t||^2 - 2 q.t, by blocks */
	for (size_t i = 0; i < ntr; i++) {
		double a = 0;
		for (size_t j = 0; j < d; j++)
			a += (double)ds->x[i * d + j] * ds->x[i * d + j];
		tn[i] = (float)a;
	}
	for (size_t e = 0; e < n; e++)
		best[e] = INFINITY, nn[e] = 0;
	for (size_t at = 0; at < ntr; at += 512) {
		size_t b = ntr - at < 512 ? ntr - at : 512;
		as_sgemm(0, 1, n, b, d, 1.0f, q, d, ds->x + at * d, d, 0.0f,
			 dots, b);
		for (size_t e = 0; e < n; e++)
			for (size_t i = 0; i < b; i++) {
				float dist = tn[at + i] - 2 * dots[e * b + i];
				if (dist < best[e])
					best[e] = dist, nn[e] = (uint32_t)(at + i);
			}
	}
	/* the unit directions to them, and the codes */
	for (size_t e = 0; e < n; e++) {
		const float *t = ds->x + (size_t)nn[e] * d;
		double a = 0;
		for (size_t j = 0; j < d; j++) {
			v[e * d + j] = t[j] - q[e * d + j];
			a += (double)v[e * d + j] * v[e * d + j];
		}
		float inv = a > 0 ? (float)(1.0 / sqrt(a)) : 0.0f;
		for (size_t j = 0; j < d; j++)
			v[e * d + j] *= inv;
	}
	for (size_t e = 0; e < n; e++)
		memcpy(h + e * k, m->b, k * sizeof(float));
	as_sgemm(0, 1, n, k, d, 1.0f, q, d, m->w, d, 1.0f, h, k);
	for (size_t i = 0; i < n * k; i++)
		h[i] = 1.0f / (1.0f + expf(-h[i]));
	/* J v = s * (W v) per unit, s = h (1 - h);
	 * ||J||_F^2 = sum_j s_j^2 |W_j|^2 */
	as_sgemm(0, 1, n, k, d, 1.0f, v, d, m->w, d, 0.0f, p, k);
	wn = malloc(k * sizeof *wn);
	if (!wn) {
		st = as_error_set(err, AS_ERR_NOMEM, "out of memory");
		goto out;
	}
	for (size_t j = 0; j < k; j++) {
		double a = 0;
		for (size_t i = 0; i < d; i++)
			a += (double)m->w[j * d + i] * m->w[j * d + i];
		wn[j] = a;
	}
	/* like with like: the root mean square gain along the data and
	 * across it (E ||J v||^2 = ||J||_F^2 / d for random unit v) */
	double fsum = 0, f2sum = 0, t2sum = 0;
	for (size_t e = 0; e < n; e++) {
		double f2 = 0, t2 = 0;
		for (size_t j = 0; j < k; j++) {
			double sj = (double)h[e * k + j] * (1 - h[e * k + j]);
			f2 += sj * sj * wn[j];
			t2 += sj * sj * (double)p[e * k + j] * p[e * k + j];
		}
		fsum += sqrt(f2);
		f2sum += f2;
		t2sum += t2;
	}
	s->jac_frob = fsum / (double)n;
	s->jac_tangent = sqrt(t2sum / (double)n);
	s->jac_random = sqrt(f2sum / (double)n / (double)d);
	s->jac_ratio = s->jac_tangent / s->jac_random;
	s->have |= AS_SCORE_JACOBIAN;
out:
	free(h);
	free(v);
	free(p);
	free(dots);
	free(tn);
	free(nn);
	free(best);
	free(wn);
	return st;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* how many units carry each of the first held-out examples (parts.h) */
static enum as_status score_parts(const struct run *r, struct as_scores *s,
				  struct as_error *err)
{
	const struct as_dataset *ds = r->ds;
	struct as_stack *stack = r->stack;
	struct as_model *m = stack->layer[0];
	size_t d = ds->d, k = m->n_hidden, nte = ds->n - ds->n_train;
	size_t n = nte < AS_PARTS_N ? nte : AS_PARTS_N;
	float *h = malloc(n * k * sizeof *h);
	float *norms = malloc(k * sizeof *norms);
	float *buf = malloc((2 * AS_PARTS_K + 2) * d * sizeof *buf);
	int *u90 = malloc(n * sizeof *u90);
	if (!h || !norms || !buf || !u90) {
		free(h);
		free(norms);
		free(buf);
		free(u90);
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	}
	as_stack_encode(stack, r->cfg, 1, ds->x + ds->n_train * d, n, h);
	int sig = !stack->sc && r->cfg->loss == AS_LOSS_CE;
	as_parts_norms(m, stack->sc, norms);
	size_t over = 0;
	for (size_t e = 0; e < n; e++) {
		struct as_parts p;
		as_parts_of(m, stack->sc, sig, h + e * k, norms, &p, buf,
			    buf + AS_PARTS_K * d, buf + 2 * AS_PARTS_K * d);
		u90[e] = p.units_90;
		over += p.units_90 > AS_PARTS_MAX;
	}
	qsort(u90, n, sizeof *u90, cmp_int);
	s->parts_median = n % 2 ? u90[n / 2]
				: 0.5 * (u90[n / 2 - 1] + u90[n / 2]);
	s->parts_over = (double)over / (double)n;
	s->have |= AS_SCORE_PARTS;
	free(h);
	free(norms);
	free(buf);
	free(u90);
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
	if (nte && !classifier)
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
			      nte < 2000 ? nte : 2000, stack->sc_work, &sc);
		s->sc_active = sc.active;
		s->sc_residual = sc.residual_share;
		s->sc_l1 = sc.l1;
		s->sc_atom_norm = sc.atom_norm;
		s->have |= AS_SCORE_SPARSE;
	}
	if (st == AS_OK && (which & AS_SCORE_PARTS) && stack->n_layers == 1 &&
	    !stack->n_classes && nte)
		st = score_parts(&r, s, err);
	if (st == AS_OK && (which & AS_SCORE_JACOBIAN) && !stack->sc &&
	    stack->n_layers == 1 && cfg->encoder == AS_ACT_SIGMOID && nte &&
	    ds->n_train)
		st = score_jacobian(&r, s, err);
	if (st == AS_OK && (which & AS_SCORE_PSD) && stack->sc && nte &&
	    ds->n_train)
		st = score_psd(&r, s, err);
	if (st == AS_OK && (which & AS_SCORE_SCATTER) && nte > 0)
		st = score_scatter(&r, s, err);
	if (st == AS_OK && (which & AS_SCORE_NOISE) && nte > 0) {
		s->noise_r2 = score_noise(&r);
		s->digit_r2 = r2(&r, held, nte < NOISE_N ? nte : NOISE_N);
		if (isfinite(s->noise_r2))
			s->have |= AS_SCORE_NOISE;
	}
	return st;
}
