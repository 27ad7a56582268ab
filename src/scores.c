/* scores: what a lesson measures on a run (as_trainer_score). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "autoscope/blas.h"
#include "autoscope/trainer.h"

/* noise images behind AS_SCORE_NOISE, from a fixed stream */
#define NOISE_N 200
/* iterations of the two-vector power method (converges long before) */
#define POWER_ITERS 300

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
}

static double clock_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* out (n x k) = (x - mean) on k directions (k x d rows: p's top k
 * principal directions, or others); sign: 0/1 codes of the signs */
static int project(const struct as_pca *p, const float *dirs, size_t k,
		   const float *x, size_t n, int sign, float *out)
{
	size_t d = p->d;
	float *xc = calloc(n * d, sizeof *xc);
	if (!xc)
		return -1;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d; j++)
			xc[i * d + j] = (float)(x[i * d + j] - p->mean[j]);
	as_sgemm(0, 1, n, k, d, 1.0f, xc, d, dirs, d, 0.0f, out, k);
	if (sign)
		for (size_t i = 0; i < n * k; i++)
			out[i] = out[i] > 0 ? 1.0f : 0.0f;
	free(xc);
	return 0;
}

/* The neighbour searches' sizes: the training part is the database, the
 * first AS_HASH_Q_SCORED held-out examples the queries, k neighbours. */
static void search_sizes(const struct as_dataset *ds, size_t *nq, size_t *k)
{
	*nq = ds->n - ds->n_train;
	if (*nq > AS_HASH_Q_SCORED)
		*nq = AS_HASH_Q_SCORED;
	*k = AS_HASH_K < ds->n_train ? AS_HASH_K : ds->n_train;
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

/* xy (n x 2) = the centred rows of x (n x d) on their top two principal
 * directions, found by orthogonal (block power) iteration on X^T X through
 * two sgemm calls a round: for codes of a few hundred units this costs a
 * few MFLOP a round where a full eigen-decomposition would cost seconds.
 * Signs as below. */
static int top2(const float *x, size_t n, size_t d, float (*xy)[2])
{
	float *xc = calloc(n * d, sizeof *xc);
	double *mean = calloc(d, sizeof *mean);
	float *v = malloc(2 * d * sizeof *v), *u = malloc(2 * d * sizeof *u);
	float *p = malloc(2 * n * sizeof *p);
	int rc = -1;
	if (!xc || !mean || !v || !u || !p)
		goto out;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d; j++)
			mean[j] += x[i * d + j];
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < d; j++)
			xc[i * d + j] =
				(float)(x[i * d + j] - mean[j] / (double)n);
	for (size_t j = 0; j < 2 * d; j++) /* a fixed, generic start */
		v[j] = (float)sin(1.0 + 0.7 * (double)j);
	for (int it = 0; it < POWER_ITERS; it++) {
		/* p = Xc v^T (n x 2), u = p^T Xc (2 x d) */
		as_sgemm(0, 1, n, 2, d, 1.0f, xc, d, v, d, 0.0f, p, 2);
		as_sgemm(1, 0, 2, d, n, 1.0f, p, 2, xc, d, 0.0f, u, d);
		/* Gram-Schmidt: the first direction, then the second
		 * orthogonal to it */
		double change = 0;
		for (int c = 0; c < 2; c++) {
			float *uc = u + c * d;
			if (c == 1) {
				double h = 0;
				for (size_t j = 0; j < d; j++)
					h += (double)uc[j] * u[j];
				for (size_t j = 0; j < d; j++)
					uc[j] -= (float)h * u[j];
			}
			double nrm = 0;
			for (size_t j = 0; j < d; j++)
				nrm += (double)uc[j] * uc[j];
			nrm = sqrt(nrm);
			for (size_t j = 0; j < d; j++) {
				uc[j] = nrm > 0 ? (float)(uc[j] / nrm) : 0;
				double e = uc[j] - v[c * d + j];
				change += e * e;
			}
		}
		memcpy(v, u, 2 * d * sizeof *v);
		if (change < 1e-10)
			break;
	}
	/* Signs: each axis points where its projections have their long
	 * tail (positive third moment). The direction's largest entry, the
	 * usual rule, changes hands between epochs as a run learns and made
	 * the picture flip; the skew of a cloud of digits stays put. */
	as_sgemm(0, 1, n, 2, d, 1.0f, xc, d, v, d, 0.0f, p, 2);
	for (int c = 0; c < 2; c++) {
		double m3 = 0;
		for (size_t i = 0; i < n; i++)
			m3 += (double)p[2 * i + c] * p[2 * i + c] *
			      p[2 * i + c];
		float sign = m3 < 0 ? -1.0f : 1.0f;
		for (size_t i = 0; i < n; i++)
			xy[i][c] = sign * p[2 * i + c];
	}
	rc = 0;
out:
	free(xc);
	free(mean);
	free(v);
	free(u);
	free(p);
	return rc;
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

static enum as_status score_pca(struct as_trainer *t, struct as_scores *s,
				struct as_error *err)
{
	struct as_model *m = t->model;
	size_t nv = m->n_visible, nh = m->n_hidden;
	if (nh >= nv || t->stack->n_layers > 1)
		return AS_OK; /* no proper (linear) subspace to compare */
	enum as_status st = as_trainer_pca(t, err);
	if (st != AS_OK)
		return st;
	s->pca_error = t->pca_error;
	float *rows = malloc(nh * nv * sizeof *rows);
	double *ang = malloc(nh * sizeof *ang);
	if (!rows || !ang) {
		free(rows);
		free(ang);
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	}
	decoder_rows(m, rows);
	st = as_principal_angles(rows, nh, nv, t->pca, ang, err);
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

/* The first queries' neighbours (nq x k) into a fixed table, padded
 * with row 0 past k (the pane shows only hash_k of them). */
static void keep_nn(uint32_t (*dst)[AS_HASH_K], const uint32_t *nn,
		    size_t queries, size_t k)
{
	for (size_t i = 0; i < queries; i++)
		for (size_t j = 0; j < AS_HASH_K; j++)
			dst[i][j] = j < k ? nn[i * k + j] : 0;
}

/* Query rows (held-out) and database rows (training part): codes of both
 * go to the Hamming search; pixels to the Euclidean one, once per run. */
static enum as_status score_hash(struct as_trainer *t, struct as_scores *s,
				 struct as_error *err)
{
	const struct as_dataset *ds = t->ds;
	size_t nh = as_trainer_code_width(t), ntr = ds->n_train, nq, k;
	search_sizes(ds, &nq, &k);
	float *codes = malloc((ntr + nq) * nh * sizeof *codes);
	uint32_t *nn = malloc(nq * k * sizeof *nn);
	enum as_status st = AS_OK;
	if (!codes || !nn) {
		st = as_error_set(err, AS_ERR_NOMEM, "out of memory");
		goto out;
	}
	as_trainer_encode(t, ds->x, ntr + nq, codes);
	st = as_knn_precision(codes, ds->labels, ntr, codes + ntr * nh,
			      ds->labels + ntr, nq, nh, k, 1,
			      &s->hash_precision, nn, err);
	if (st != AS_OK)
		goto out;
	s->n_queries = nq < AS_HASH_QUERIES ? nq : AS_HASH_QUERIES;
	s->hash_k = k;
	for (size_t i = 0; i < s->n_queries; i++)
		s->query[i] = (uint32_t)(ntr + i);
	keep_nn(s->hash_nn, nn, s->n_queries, k);
	if (isnan(t->pixel_precision)) {
		double t0 = clock_s();
		st = as_knn_precision(ds->x, ds->labels, ntr,
				      ds->x + ntr * ds->d, ds->labels + ntr, nq,
				      ds->d, k, 0, &t->pixel_precision, nn,
				      err);
		if (st != AS_OK)
			goto out;
		t->pixel_us = (clock_s() - t0) / (double)nq * 1e6;
		keep_nn(t->pixel_nn, nn, s->n_queries, k);
	}
	s->pixel_precision = t->pixel_precision;
	s->us_pixels = t->pixel_us;
	memcpy(s->pixel_nn, t->pixel_nn, sizeof s->pixel_nn);
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
	/* the baselines at the same number of bits, once per run */
	if ((isnan(t->lsh_precision) || t->lsh_bits != nh) && nh <= ds->d) {
		t->lsh_bits = nh;
		t->lsh_precision = t->pcasign_precision = NAN;
		st = as_trainer_pca_fit(t, err);
		if (st != AS_OK)
			goto out;
		float *dirs = malloc(nh * ds->d * sizeof *dirs);
		float *bc = malloc((ntr + nq) * nh * sizeof *bc);
		if (!dirs || !bc) {
			free(dirs);
			free(bc);
			st = as_error_set(err, AS_ERR_NOMEM, "out of memory");
			goto out;
		}
		struct as_rng rng;
		as_rng_seed(&rng, 11, 12);
		for (size_t i = 0; i < nh * ds->d; i++)
			dirs[i] = as_rng_normal(&rng);
		int bad = project(t->pca, dirs, nh, ds->x, ntr + nq, 1, bc);
		if (!bad)
			st = as_knn_precision(bc, ds->labels, ntr, bc + ntr * nh,
					      ds->labels + ntr, nq, nh, k, 1,
					      &t->lsh_precision, NULL, err);
		if (!bad && st == AS_OK)
			bad = project(t->pca, t->pca->eigvec, nh, ds->x,
				      ntr + nq, 1, bc);
		if (!bad && st == AS_OK)
			st = as_knn_precision(bc, ds->labels, ntr, bc + ntr * nh,
					      ds->labels + ntr, nq, nh, k, 1,
					      &t->pcasign_precision, NULL, err);
		free(dirs);
		free(bc);
		if (bad && st == AS_OK)
			st = as_error_set(err, AS_ERR_NOMEM, "out of memory");
		if (st != AS_OK)
			goto out;
	}
	s->lsh_precision = t->lsh_bits == nh ? t->lsh_precision : NAN;
	s->pcasign_precision = t->lsh_bits == nh ? t->pcasign_precision : NAN;
	s->have |= AS_SCORE_HASH;
out:
	free(codes);
	free(nn);
	return st;
}

/* k-NN label precision of held-out queries among the training part,
 * Euclidean: in code space, and in the space of as many principal
 * components of the pixels (once per run) */
static enum as_status score_knn(struct as_trainer *t, struct as_scores *s,
				struct as_error *err)
{
	const struct as_dataset *ds = t->ds;
	size_t w = as_trainer_code_width(t), ntr = ds->n_train, nq, k;
	search_sizes(ds, &nq, &k);
	float *codes = malloc((ntr + nq) * w * sizeof *codes);
	if (!codes)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	as_trainer_encode(t, ds->x, ntr + nq, codes);
	enum as_status st = as_knn_precision(codes, ds->labels, ntr,
					     codes + ntr * w, ds->labels + ntr,
					     nq, w, k, 0, &s->knn_codes, NULL,
					     err);
	if (st == AS_OK && (isnan(t->knn_pca) || t->knn_pca_k != w) &&
	    w < ds->d) {
		t->knn_pca_k = w;
		st = as_trainer_pca_fit(t, err);
		if (st == AS_OK) {
			t->knn_pca = NAN;
			if (project(t->pca, t->pca->eigvec, w, ds->x, ntr + nq, 0,
				    codes) != 0)
				st = as_error_set(err, AS_ERR_NOMEM,
						  "out of memory");
			else
				st = as_knn_precision(
					codes, ds->labels, ntr, codes + ntr * w,
					ds->labels + ntr, nq, w, k, 0,
					&t->knn_pca, NULL, err);
		}
	}
	s->knn_pca = t->knn_pca_k == w ? t->knn_pca : NAN;
	if (st == AS_OK)
		s->have |= AS_SCORE_KNN;
	free(codes);
	return st;
}

static enum as_status score_scatter(struct as_trainer *t, struct as_scores *s,
				    struct as_error *err)
{
	const struct as_dataset *ds = t->ds;
	size_t nh = as_trainer_code_width(t), ntr = ds->n_train;
	size_t n = ds->n - ntr;
	if (n > AS_SCATTER_N)
		n = AS_SCATTER_N;
	const float *x = ds->x + ntr * ds->d;
	float *codes = malloc(n * nh * sizeof *codes);
	if (!codes)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	as_trainer_encode(t, x, n, codes);
	int bad = top2(codes, n, nh, s->code_xy);
	free(codes);
	if (!bad && !t->pixel_xy_done) {
		bad = top2(x, n, ds->d, t->pixel_xy);
		t->pixel_xy_done = !bad;
	}
	if (bad)
		return as_error_set(err, AS_ERR_NOMEM, "out of memory");
	memcpy(s->pixel_xy, t->pixel_xy, sizeof s->pixel_xy);
	for (size_t i = 0; i < n; i++)
		s->scatter_label[i] = ds->labels ? ds->labels[ntr + i] : 0;
	s->n_scatter = n;
	s->have |= AS_SCORE_SCATTER;
	return AS_OK;
}

/* R^2 of the reconstructions of the n rows of x: 1 - sum (x^ - x)^2 /
 * sum (x - mean x)^2, with the mean over all of x. 1 is a perfect copy;
 * 0 is no better than drawing the mean gray everywhere. */
static double r2(struct as_trainer *t, const float *x, size_t n)
{
	size_t d = t->ds->d;
	float *rec = malloc(n * d * sizeof *rec);
	if (!rec || n == 0) {
		free(rec);
		return NAN;
	}
	as_trainer_reconstruct(t, x, n, rec);
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
static double score_noise(struct as_trainer *t)
{
	const struct as_dataset *ds = t->ds;
	size_t d = ds->d;
	double p = 0;
	for (size_t i = 0; i < ds->n_train * d; i++)
		p += (ds->x[i] - ds->min) / (ds->max - ds->min + 1e-30);
	p /= (double)(ds->n_train * d);
	float *x = malloc((size_t)NOISE_N * d * sizeof *x);
	if (!x)
		return NAN;
	struct as_rng rng;
	as_rng_seed(&rng, 7, 6);
	for (size_t i = 0; i < (size_t)NOISE_N * d; i++)
		x[i] = as_rng_uniform(&rng) < p ? ds->max : ds->min;
	double v = r2(t, x, NOISE_N);
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

enum as_status as_trainer_score(struct as_trainer *t, unsigned which,
				struct as_error *err)
{
	struct as_scores *s = &t->scores;
	const struct as_dataset *ds = t->ds;
	size_t nte = ds->n - ds->n_train;
	int labelled = ds->labels != NULL && nte > 0;
	as_scores_clear(s);
	s->step = t->step;
	s->epoch = t->epoch;
	s->examples = t->examples;
	s->heldout = as_trainer_heldout_loss(t, 0);
	double norms[AS_LAYERS_MAX];
	as_stack_grad_norms(t->stack, norms);
	s->grad_first = norms[0];
	s->grad_top = norms[t->stack->n_layers - 1];
	/* (a classifier's decoders are not trained: no reconstruction) */
	if (nte && !(t->stack->n_classes && t->cfg.stage == t->cfg.n_layers))
		s->recon_clean = as_trainer_recon_loss(
			t, ds->x + ds->n_train * ds->d, nte);
	if (nte && t->cfg.loss == AS_LOSS_MSE)
		s->variance = variance(ds->x + ds->n_train * ds->d, nte, ds->d);
	if (nte && (which & AS_SCORE_DEEP) &&
	    t->cfg.finetune != AS_FINETUNE_CLASSIFY) {
		/* (the PCA fit costs seconds: only where a lesson asks) */
		s->recon_sq = as_trainer_recon_sq(
			t, ds->x + ds->n_train * ds->d, nte);
		/* the deep lesson's baseline: PCA with as many components
		 * as the code has units, in the same squared error */
		size_t k = t->stack->sizes[t->stack->n_layers];
		if (k < ds->d && as_trainer_pca(t, err) == AS_OK)
			s->pca_code = t->pca_error;
	}
	if (nte && labelled && t->stack->n_classes &&
	    t->cfg.stage == t->cfg.n_layers) {
		/* from the held-out loss above, on all of them */
		double e = t->last_error;
		s->error = e;
		s->error_se = sqrt(e * (1 - e) / (double)nte);
	}
	enum as_status st = AS_OK;
	if ((which & AS_SCORE_PROBE) && labelled) {
		st = as_trainer_probe(t, err);
		if (st == AS_OK) {
			s->probe_codes = t->probe_accuracy;
			s->probe_raw = t->probe_raw;
			s->have |= AS_SCORE_PROBE;
		}
	}
	if (st == AS_OK && (which & AS_SCORE_PCA))
		st = score_pca(t, s, err);
	if (st == AS_OK && (which & AS_SCORE_LOCAL)) {
		as_model_sync_decoder(t->model);
		s->localisation = as_filter_localisation(
			t->model->w, t->model->n_hidden, ds->rows, ds->cols,
			(ds->rows + 1) / 2, (ds->cols + 1) / 2);
		if (isfinite(s->localisation))
			s->have |= AS_SCORE_LOCAL;
	}
	if (st == AS_OK && (which & AS_SCORE_HASH) && labelled)
		st = score_hash(t, s, err);
	if (st == AS_OK && (which & AS_SCORE_KNN) && labelled)
		st = score_knn(t, s, err);
	if (st == AS_OK && (which & AS_SCORE_SCATTER) && nte > 0)
		st = score_scatter(t, s, err);
	if (st == AS_OK && (which & AS_SCORE_NOISE) && nte > 0) {
		s->noise_r2 = score_noise(t);
		s->digit_r2 = r2(t, ds->x + ds->n_train * ds->d,
				 nte < NOISE_N ? nte : NOISE_N);
		if (isfinite(s->noise_r2))
			s->have |= AS_SCORE_NOISE;
	}
	t->last_tick = 0; /* measuring is not training time */
	return st;
}
