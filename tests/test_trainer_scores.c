/* trainer_scores: the scores from layers, config and data, the filter
 * history saved and carried, the few-label draws */
#include "trainer_fixtures.h"

/* PCA-w codes of the bars by hand, their k-NN precision (160 | 40) */
static double pca_knn_by_hand(const struct as_dataset *ds,
			      const struct as_pca *p, size_t w, size_t k)
{
	float *c = malloc(ds->n * w * sizeof *c);
	for (size_t e = 0; e < ds->n; e++)
		for (size_t j = 0; j < w; j++) {
			double v = 0;
			for (size_t i = 0; i < ds->d; i++)
				v += (ds->x[e * ds->d + i] - p->mean[i]) *
				     p->eigvec[j * ds->d + i];
			c[e * w + j] = (float)v;
		}
	double got;
	struct as_error err;
	ck_assert_int_eq(as_knn_precision(c, ds->labels, 160, c + 160 * w,
					  ds->labels + 160, 40, w, k, 0, &got,
					  NULL, &err),
			 AS_OK);
	free(c);
	return got;
}

/* The scores come from a run's layers, config and data alone: a stack
 * made without any trainer, given a trainer's weights, scores the same as
 * the trainer; the data's baselines are measured at the width asked for
 * and again when it changes, and refuse widths the data cannot give. */
START_TEST(test_scores_from_layers_config_and_data)
{
	struct as_dataset *ds = noisy_bars();
	struct as_config cfg;
	deep_config(&cfg, "10-5", AS_PRETRAIN_AE, AS_FINETUNE_RECON);
	struct as_trainer *t = make(ds, &cfg, NULL);
	for (int i = 0; i < 16 * 3; i++)
		as_trainer_step(t);
	ck_assert_int_eq(t->cfg.stage, 2);
	struct as_error err;
	unsigned which = AS_SCORE_KNN | AS_SCORE_HASH | AS_SCORE_SCATTER |
			 AS_SCORE_DEEP | AS_SCORE_PROBE;
	ck_assert_int_eq(as_trainer_score(t, which, &err), AS_OK);
	const struct as_scores *a = &t->scores;
	ck_assert(a->have & AS_SCORE_KNN);
	ck_assert(a->have & AS_SCORE_HASH);
	struct as_stack *stk;
	ck_assert_int_eq(as_stack_create(ds->d, &t->cfg, 0,
					 t->stack->max_batch, &stk, &err),
			 AS_OK);
	ck_assert_int_eq(as_stack_copy_weights(stk, t->stack, &err), AS_OK);
	struct as_baselines b;
	as_baselines_init(&b);
	struct as_scores s;
	as_scores_clear(&s);
	ck_assert_int_eq(as_scores_compute(stk, 2, &t->cfg, ds, &b, which, &s,
					   &err),
			 AS_OK);
	ck_assert_uint_eq(s.have, a->have);
	ck_assert(s.knn_codes == a->knn_codes);
	ck_assert(s.knn_pca == a->knn_pca);
	ck_assert(s.hash_precision == a->hash_precision);
	ck_assert(s.lsh_precision == a->lsh_precision);
	ck_assert(s.pcasign_precision == a->pcasign_precision);
	ck_assert(s.probe_codes == a->probe_codes);
	ck_assert_msg(s.recon_sq == a->recon_sq, "%.17g %.17g", s.recon_sq, a->recon_sq);
	ck_assert(s.pca_code == a->pca_code);
	ck_assert(memcmp(s.code_xy, a->code_xy, sizeof s.code_xy) == 0);
	ck_assert(isfinite(s.knn_pca) && isfinite(s.lsh_precision));
	/* measured at the code's 5 units; again at 3 */
	ck_assert_uint_eq(b.knn_k, 5);
	ck_assert_uint_eq(b.hash_bits, 5);
	double five = b.knn_pca;
	ck_assert_int_eq(as_baselines_knn(&b, ds, 3, &err), AS_OK);
	ck_assert_uint_eq(b.knn_k, 3);
	ck_assert(isfinite(b.knn_pca));
	size_t nq, k;
	as_search_sizes(ds, &nq, &k);
	ck_assert_uint_eq(nq, 40);
	double want5 = pca_knn_by_hand(ds, b.pca, 5, k);
	double want3 = pca_knn_by_hand(ds, b.pca, 3, k);
	ck_assert_msg(fabs(s.knn_pca - want5) < 1e-9, "%g against %g",
		      s.knn_pca, want5);
	ck_assert_msg(fabs(b.knn_pca - want3) < 1e-9, "%g against %g",
		      b.knn_pca, want3);
	ck_assert(five == s.knn_pca);
	/* (different numbers, or the checks above could not tell them apart) */
	ck_assert(want5 != want3 && want5 != s.lsh_precision &&
		  s.lsh_precision != s.pcasign_precision);
	fprintf(stderr, "noisy bars: k-NN codes %.3f, PCA-5 %.3f, PCA-3 %.3f, "
		"hash %.3f, LSH %.3f, PCA-sign %.3f\n",
		s.knn_codes, want5, want3, s.hash_precision, s.lsh_precision,
		s.pcasign_precision);
	/* widths the data cannot give are refused with a sentence */
	ck_assert_int_eq(as_baselines_knn(&b, ds, 36, &err), AS_ERR_INVALID);
	ck_assert_int_eq(as_baselines_hash(&b, ds, 37, &err), AS_ERR_INVALID);
	ck_assert_int_eq(as_baselines_pca(&b, ds, 37, &err), AS_ERR_INVALID);
	ck_assert(strstr(err.msg, "37") != NULL);
	as_baselines_free(&b);
	as_stack_free(stk);
	as_trainer_free(t);
	as_dataset_free(ds);
}
END_TEST

/* The filter history: a frame at the start and one per epoch, saved with
 * the checkpoint and read back bit for bit, carried by a fork, and kept
 * by a resumed run that goes on adding to it. */
START_TEST(test_filter_history_is_saved)
{
	struct as_dataset *ds = bars();
	struct as_config cfg;
	small_config(&cfg);
	struct as_trainer *t = make(ds, &cfg, NULL);
	ck_assert_uint_eq(t->frames.n, 1);
	ck_assert_uint_eq(t->frames.f[0].examples, 0);
	for (int i = 0; i < 16 * 3; i++) /* 3 epochs of 16 steps */
		as_trainer_step(t);
	ck_assert_uint_ge(t->frames.n, 4);
	ck_assert_uint_eq(t->frames.f[t->frames.n - 1].epoch, 3);
	ck_assert_uint_eq(t->frames.f[t->frames.n - 1].examples, 480);
	/* the newest frame is the weights now, quantised */
	float u[36];
	as_frames_unit(&t->frames, t->frames.n - 1, 2, u);
	const float *w = t->model->w + 2 * 36;
	float lo = w[0], hi = w[0];
	for (int i = 1; i < 36; i++) {
		lo = w[i] < lo ? w[i] : lo;
		hi = w[i] > hi ? w[i] : hi;
	}
	for (int i = 0; i < 36; i++)
		ck_assert(fabsf(u[i] - (w[i] - lo) / (hi - lo)) <= 0.5f / 255 + 1e-6f);
	char path[256];
	snprintf(path, sizeof path, "%s/frames.ascp", tmpdir);
	struct as_error err;
	ck_assert_int_eq(as_trainer_save(t, path, &err), AS_OK);
	struct as_checkpoint ck;
	ck_assert_int_eq(as_checkpoint_load(path, &ck, &err), AS_OK);
	ck_assert_ptr_nonnull(ck.frames);
	ck_assert_uint_eq(ck.frames->n, t->frames.n);
	struct as_trainer_opts o;
	as_trainer_opts_default(&o);
	o.point_every = 40;
	o.eval_every = 80;
	struct as_trainer *r;
	ck_assert_int_eq(as_trainer_resume(&ck, ds, &o, &r, &err), AS_OK);
	as_checkpoint_release(&ck);
	struct as_trainer *f;
	ck_assert_int_eq(as_trainer_fork(t, NULL, &f, &err), AS_OK);
	const struct as_trainer *both[2] = {r, f};
	for (int k = 0; k < 2; k++) {
		const struct as_frames *a = &t->frames, *b = &both[k]->frames;
		ck_assert_uint_eq(b->n, a->n);
		ck_assert(b->next_s == a->next_s);
		for (size_t i = 0; i < a->n; i++) {
			ck_assert_uint_eq(b->f[i].step, a->f[i].step);
			ck_assert_uint_eq(b->f[i].examples, a->f[i].examples);
			ck_assert(b->f[i].time_s == a->f[i].time_s);
			ck_assert(memcmp(b->f[i].px, a->f[i].px, 8 * 36) == 0);
		}
	}
	/* a frames section whose schedule could not move on is refused
	 * (its next time 0 would double forever) */
	struct as_checkpoint bad;
	as_trainer_checkpoint(t, &bad);
	struct as_frames crafted = t->frames;
	crafted.next_s = 0;
	bad.frames = &crafted;
	ck_assert_int_eq(as_checkpoint_save(path, &bad, &err), AS_OK);
	ck_assert_int_eq(as_checkpoint_load(path, &ck, &err), AS_ERR_FORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "malformed frames section"));
	size_t before = r->frames.n;
	for (int i = 0; i < 16; i++)
		as_trainer_step(r);
	ck_assert_uint_eq(r->frames.n, before + 1);
	ck_assert_uint_eq(r->frames.f[before].epoch, 4);
	/* with no budget, no history, and nothing in the file */
	o.history_mb = 0;
	struct as_trainer *z;
	ck_assert_int_eq(as_trainer_create(&cfg, ds, &o, &z, &err), AS_OK);
	ck_assert_uint_eq(z->frames.n, 0);
	for (int i = 0; i < 16; i++)
		as_trainer_step(z);
	ck_assert_uint_eq(z->frames.n, 0);
	ck_assert_int_eq(as_trainer_save(z, path, &err), AS_OK);
	ck_assert_int_eq(as_checkpoint_load(path, &ck, &err), AS_OK);
	ck_assert_ptr_null(ck.frames);
	as_checkpoint_release(&ck);
	unlink(path);
	as_trainer_free(z);
	as_trainer_free(f);
	as_trainer_free(r);
	as_trainer_free(t);
	as_dataset_free(ds);
}
END_TEST

/* A draw of few labels: exactly per examples of each class from the
 * training part, none twice, the same for the same draw, another for
 * another draw; per 0 takes them all */
START_TEST(test_few_label_draws)
{
	struct as_dataset *ds = noisy_bars();
	uint32_t a[160], b[160], c[160];
	size_t n = as_few_draw(ds, 3, 0, a);
	ck_assert_uint_eq(n, 12 * 3);
	size_t per[12] = {0};
	unsigned char seen[160] = {0};
	for (size_t i = 0; i < n; i++) {
		ck_assert_uint_lt(a[i], 160);
		ck_assert(!seen[a[i]]);
		seen[a[i]] = 1;
		per[ds->labels[a[i]]]++;
	}
	for (int k = 0; k < 12; k++)
		ck_assert_uint_eq(per[k], 3);
	ck_assert_uint_eq(as_few_draw(ds, 3, 0, b), n);
	ck_assert(memcmp(a, b, n * sizeof *a) == 0);
	as_few_draw(ds, 3, 1, c);
	ck_assert(memcmp(a, c, n * sizeof *a) != 0);
	ck_assert_uint_eq(as_few_draw(ds, 0, 0, c), 160);
	/* more a class than there are: all of them */
	ck_assert_uint_eq(as_few_draw(ds, 1000, 0, c), 160);
	as_dataset_free(ds);
}
END_TEST

/* The Jacobian score against a hand computation: J by central
 * differences of the encoder in double, its norm, the gain towards each
 * query's nearest training example found by brute force, and along
 * random unit directions (sampled), each a root mean square over the
 * queries */
static void encode_double(const struct as_model *m, const double *x,
			  double *h)
{
	for (size_t j = 0; j < m->n_hidden; j++) {
		double a = m->b[j];
		for (size_t i = 0; i < m->n_visible; i++)
			a += (double)m->w[j * m->n_visible + i] * x[i];
		h[j] = 1.0 / (1.0 + exp(-a));
	}
}

START_TEST(test_jacobian_by_hand)
{
	/* the noisy bars with a little jitter, so that no two training
	 * examples tie as a query's nearest */
	struct as_dataset *nb = noisy_bars(), *ds;
	size_t n = nb->n;
	float *xj = malloc(n * nb->d * sizeof *xj);
	uint8_t *yj = malloc(n);
	struct as_rng jit;
	as_rng_seed(&jit, 6, 6);
	for (size_t i = 0; i < n * nb->d; i++)
		xj[i] = nb->x[i] + 0.04f * as_rng_uniform(&jit);
	memcpy(yj, nb->labels, n);
	struct as_error werr;
	ck_assert_int_eq(as_dataset_wrap("jittered bars", xj, yj, n, 6, 6, 160,
					 &ds, &werr),
			 AS_OK);
	as_dataset_free(nb);
	struct as_config cfg;
	small_config(&cfg);
	struct as_trainer *t = make(ds, &cfg, NULL);
	for (int i = 0; i < 16 * 3; i++)
		as_trainer_step(t);
	struct as_scores sc;
	as_scores_clear(&sc);
	struct as_error err;
	ck_assert_int_eq(as_scores_compute(t->stack, 1, &t->cfg, ds, &t->base,
					   AS_SCORE_JACOBIAN, &sc, &err),
			 AS_OK);
	ck_assert(sc.have & AS_SCORE_JACOBIAN);
	const struct as_model *m = t->model;
	size_t d = ds->d, k = m->n_hidden, nq = ds->n - ds->n_train;
	double frob = 0, tang = 0, rnd = 0;
	struct as_rng rng;
	as_rng_seed(&rng, 4, 4);
	double x[36], xp[36], hp[64], hm[64], J[64 * 36], v[36];
	ck_assert(d == 36 && k <= 64);
	for (size_t e = 0; e < nq; e++) {
		const float *q = ds->x + (ds->n_train + e) * d;
		for (size_t i = 0; i < d; i++)
			x[i] = q[i];
		for (size_t i = 0; i < d; i++) { /* column i of J */
			memcpy(xp, x, sizeof x);
			xp[i] += 1e-5;
			encode_double(m, xp, hp);
			xp[i] -= 2e-5;
			encode_double(m, xp, hm);
			for (size_t j = 0; j < k; j++)
				J[j * d + i] = (hp[j] - hm[j]) / 2e-5;
		}
		double f2 = 0;
		for (size_t i = 0; i < k * d; i++)
			f2 += J[i] * J[i];
		frob += sqrt(f2);
		/* the nearest training example, by brute force */
		size_t best = 0;
		double bd = INFINITY;
		for (size_t r = 0; r < ds->n_train; r++) {
			double dist = 0;
			for (size_t i = 0; i < d; i++) {
				double a = ds->x[r * d + i] - x[i];
				dist += a * a;
			}
			if (dist < bd)
				bd = dist, best = r;
		}
		double vn = 0;
		for (size_t i = 0; i < d; i++) {
			v[i] = ds->x[best * d + i] - x[i];
			vn += v[i] * v[i];
		}
		double g2 = 0;
		for (size_t j = 0; j < k; j++) {
			double a = 0;
			for (size_t i = 0; i < d; i++)
				a += J[j * d + i] * v[i] / sqrt(vn);
			g2 += a * a;
		}
		tang += g2;
		/* random unit directions: the root mean square gain */
		double r2 = 0;
		for (int rep = 0; rep < 200; rep++) {
			double n2 = 0, s2 = 0;
			for (size_t i = 0; i < d; i++) {
				v[i] = as_rng_normal(&rng);
				n2 += v[i] * v[i];
			}
			for (size_t j = 0; j < k; j++) {
				double a = 0;
				for (size_t i = 0; i < d; i++)
					a += J[j * d + i] * v[i];
				s2 += a * a;
			}
			r2 += s2 / n2;
		}
		rnd += r2 / 200;
	}
	/* root mean squares over the queries (and the directions) */
	frob /= (double)nq;
	tang = sqrt(tang / (double)nq);
	rnd = sqrt(rnd / (double)nq);
	ck_assert_msg(fabs(sc.jac_frob - frob) < 1e-3 * frob, "%g against %g",
		      sc.jac_frob, frob);
	ck_assert_msg(fabs(sc.jac_tangent - tang) < 1e-3 * tang + 1e-6,
		      "%g against %g", sc.jac_tangent, tang);
	/* the random gain is exact in the score, sampled here */
	ck_assert_msg(fabs(sc.jac_random - rnd) < 0.05 * rnd, "%g against %g",
		      sc.jac_random, rnd);
	ck_assert(fabs(sc.jac_ratio - sc.jac_tangent / sc.jac_random) < 1e-9);
	as_trainer_free(t);
	as_dataset_free(ds);
}
END_TEST

/* The parts score where the answer is known: sparse coding with the
 * identity as its dictionary, held-out examples made of m atoms of equal
 * weight, of which the 90% take ceil(0.9 m) units: 2 of 2, and 65 (more
 * than 64) of 72; three of the first kind among seven of the second, in
 * an order where only a sorted median is 65, and 70% need more than 64 */
START_TEST(test_parts_score_known)
{
	enum { D = 80, N = 20, NTR = 10 };
	float *x = calloc(N * D, sizeof *x);
	uint8_t *y = calloc(N, 1);
	for (size_t e = NTR; e < N; e++) {
		static const int few[N - NTR] = {0, 0, 1, 0, 1, 0, 0, 1, 0, 0};
		size_t m = few[e - NTR] ? 2 : 72;
		for (size_t j = 0; j < m; j++)
			x[e * D + (j * 7 + e) % D] = 1.0f;
	}
	struct as_dataset *ds;
	struct as_error err;
	ck_assert_int_eq(as_dataset_wrap("atoms", x, y, N, 8, 10, NTR, &ds,
					 &err),
			 AS_OK);
	struct as_config cfg;
	as_config_default(&cfg);
	cfg.model = AS_MODEL_SC;
	cfg.loss = AS_LOSS_MSE;
	cfg.n_hidden = D;
	cfg.sc_lambda = 0.01f;
	cfg.sc_iters = 100;
	struct as_stack *st;
	ck_assert_int_eq(as_stack_create(D, &cfg, 0, 8, &st, &err), AS_OK);
	struct as_model *m = st->layer[0];
	memset(m->w, 0, D * D * sizeof(float));
	for (size_t j = 0; j < D; j++)
		m->w[j * D + j] = 1.0f;
	struct as_baselines b;
	as_baselines_init(&b);
	struct as_scores sc;
	as_scores_clear(&sc);
	ck_assert_int_eq(as_scores_compute(st, 1, &cfg, ds, &b, AS_SCORE_PARTS,
					   &sc, &err),
			 AS_OK);
	ck_assert(sc.have & AS_SCORE_PARTS);
	ck_assert_msg(sc.parts_median == AS_PARTS_MAX + 1, "median %g",
		      sc.parts_median);
	ck_assert_msg(fabs(sc.parts_over - 0.7) < 1e-12, "over %g",
		      sc.parts_over);
	as_baselines_free(&b);
	as_stack_free(st);
	as_dataset_free(ds);
}
END_TEST

static void add_tests(TCase *tc)
{
	tcase_add_test(tc, test_scores_from_layers_config_and_data);
	tcase_add_test(tc, test_filter_history_is_saved);
	tcase_add_test(tc, test_few_label_draws);
	tcase_add_test(tc, test_jacobian_by_hand);
	tcase_add_test(tc, test_parts_score_known);
}

int main(void)
{
	return run_suite("trainer_scores", add_tests);
}
