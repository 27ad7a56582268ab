#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/drlim.h"
#include "autoscope/rng.h"
#include "autoscope/scores.h"
#include "autoscope/stack.h"

static float *random_rows(size_t n, size_t d, int seed)
{
	float *x = malloc(n * d * sizeof *x);
	struct as_rng rng;
	as_rng_seed(&rng, (uint64_t)seed, 5);
	for (size_t i = 0; i < n * d; i++)
		x[i] = as_rng_uniform(&rng);
	return x;
}

/* the graph against a brute-force search in double */
START_TEST(test_neighbours_by_brute_force)
{
	size_t n = 300, d = 7; /* more than one block of rows */
	float *x = random_rows(n, d, 1);
	struct as_pairs p;
	struct as_error err;
	ck_assert_int_eq(as_pairs_build(x, n, d, 1, &p, &err), AS_OK);
	for (size_t i = 0; i < n; i++) {
		double best[AS_DRLIM_K];
		size_t at[AS_DRLIM_K];
		for (size_t q = 0; q < AS_DRLIM_K; q++)
			best[q] = INFINITY;
		for (size_t j = 0; j < n; j++) {
			if (j == i)
				continue;
			double t = 0;
			for (size_t c = 0; c < d; c++)
				t += ((double)x[i * d + c] - x[j * d + c]) *
				     ((double)x[i * d + c] - x[j * d + c]);
			for (size_t q = 0; q < AS_DRLIM_K; q++)
				if (t < best[q]) {
					memmove(best + q + 1, best + q,
						(AS_DRLIM_K - 1 - q) *
							sizeof *best);
					memmove(at + q + 1, at + q,
						(AS_DRLIM_K - 1 - q) *
							sizeof *at);
					best[q] = t;
					at[q] = j;
					break;
				}
		}
		for (size_t q = 0; q < AS_DRLIM_K; q++)
			ck_assert_msg(p.nn[i * AS_DRLIM_K + q] == at[q],
				      "row %zu neighbour %zu: %u, not %zu", i,
				      q, p.nn[i * AS_DRLIM_K + q], at[q]);
	}
	as_pairs_free(&p);
	free(x);
	/* too few rows, or rows not in whole groups of copies */
	float two[4] = {0, 1, 2, 3};
	ck_assert_int_eq(as_pairs_build(two, 1, 4, 1, &p, &err),
			 AS_ERR_INVALID);
	ck_assert_int_eq(as_pairs_build(two, 2, 2, 3, &p, &err),
			 AS_ERR_INVALID);
}
END_TEST

/* The similar sets: Euclidean, the 5 nearest; shift, also the other
 * copies of the example and every copy of its neighbours. Draws cover
 * exactly them; dissimilar draws never land in them. */
START_TEST(test_similar_sets_and_draws)
{
	size_t copies = 3, n = 60, d = 5;
	float *x = random_rows(n, d, 2);
	struct as_pairs p;
	struct as_error err;
	ck_assert_int_eq(as_pairs_build(x, n, d, copies, &p, &err), AS_OK);
	struct as_rng rng;
	as_rng_seed(&rng, 3, 1);
	for (int mode = 0; mode < 2; mode++)
		for (size_t i = 0; i < n; i++) {
			int want[60] = {0}, seen[60] = {0};
			size_t size = 0;
			for (size_t j = 0; j < n; j++) {
				if (j == i)
					continue;
				int in = 0;
				for (size_t q = 0; q < AS_DRLIM_K; q++) {
					size_t nb = p.nn[i * AS_DRLIM_K + q];
					in |= nb == j ||
					      (mode && nb / copies ==
							       j / copies);
				}
				in |= mode && i / copies == j / copies;
				want[j] = in;
				size += (size_t)in;
				ck_assert_int_eq(
					as_pairs_similar(&p, i, j, mode), in);
			}
			ck_assert(size >= (mode ? copies - 1 : AS_DRLIM_K));
			for (int k = 0; k < 600; k++) {
				size_t j = as_pairs_draw(&p, i, 1, mode, &rng);
				ck_assert(j < n);
				/* a neighbour's copies can hold i itself */
				ck_assert(j == i || want[j]);
				seen[j] = 1;
				size_t u = as_pairs_draw(&p, i, 0, mode, &rng);
				ck_assert(u != i && !want[u]);
			}
			for (size_t j = 0; j < n; j++)
				ck_assert_msg(!want[j] || seen[j],
					      "mode %d: %zu never drawn for %zu",
					      mode, j, i);
		}
	as_pairs_free(&p);
	free(x);
}
END_TEST

static struct as_stack *mapping(struct as_config *cfg, size_t d, size_t n)
{
	as_config_default(cfg);
	cfg->model = AS_MODEL_DRLIM;
	cfg->n_hidden = 4;
	cfg->n_layers = 2;
	cfg->layers[1] = 2;
	cfg->encoder = AS_ACT_LINEAR;
	cfg->weight_decay = 0.01f;
	cfg->drlim_margin = 1.5f;
	cfg->stage = 2;
	struct as_stack *s;
	struct as_error err;
	ck_assert_int_eq(as_stack_create(d, cfg, 0, 2 * n, &s, &err), AS_OK);
	struct as_rng rng;
	as_rng_seed(&rng, 4, 1);
	as_stack_init(s, cfg, &rng);
	for (size_t i = 0; i < s->n_params; i++)
		s->params[i] += 0.5f * (as_rng_uniform(&rng) - 0.5f);
	return s;
}

/* the loss by hand from the codes, and its gradient by central
 * differences in double-checked float (the decoders' parts are zero) */
START_TEST(test_contrastive_loss_and_gradient)
{
	size_t d = 6, n = 8;
	struct as_config cfg;
	struct as_stack *s = mapping(&cfg, d, n);
	float *x = random_rows(2 * n, d, 6);
	uint8_t dis[8] = {0, 1, 0, 1, 1, 1, 0, 1};
	float codes[16 * 2];
	as_stack_encode(s, &cfg, 2, x, 2 * n, codes);
	/* a margin between the dissimilar pairs' distances: some inside
	 * it (pushed), some beyond (left alone) */
	float lo = INFINITY, hi = 0;
	for (size_t e = 0; e < n; e++) {
		float dx = codes[2 * e] - codes[2 * (n + e)];
		float dy = codes[2 * e + 1] - codes[2 * (n + e) + 1];
		float dist = sqrtf(dx * dx + dy * dy);
		if (dis[e]) {
			lo = dist < lo ? dist : lo;
			hi = dist > hi ? dist : hi;
		}
	}
	cfg.drlim_margin = 0.5f * (lo + hi);
	double want = 0;
	int inside = 0, outside = 0;
	for (size_t e = 0; e < n; e++) {
		double dx = codes[2 * e] - codes[2 * (n + e)];
		double dy = codes[2 * e + 1] - codes[2 * (n + e) + 1];
		double dist = sqrt(dx * dx + dy * dy);
		if (!dis[e])
			want += 0.5 * dist * dist;
		else if (dist < cfg.drlim_margin)
			want += 0.5 * (cfg.drlim_margin - dist) *
				(cfg.drlim_margin - dist), inside++;
		else
			outside++;
	}
	ck_assert_msg(inside > 0 && outside > 0, "inside %d outside %d",
		      inside, outside);
	double pen;
	double got = as_drlim_loss(s, &cfg, x, dis, n, 1, &pen);
	ck_assert_msg(fabs(got - want) < 1e-4 * (1 + want), "%g vs %g", got,
		      want);
	float *g = malloc(s->n_params * sizeof *g);
	memcpy(g, s->grad, s->n_params * sizeof *g);
	/* the objective: the mean loss plus wd/2 sum ||W||^2 */
	size_t checked = 0;
	for (size_t k = 0; k < s->n_layers; k++) {
		struct as_model *m = s->layer[k];
		size_t nw = m->n_visible * m->n_hidden;
		for (size_t i = 0; i < nw + m->n_hidden; i++) {
			float *v = i < nw ? m->w + i : m->b + (i - nw);
			size_t at = (size_t)(v - s->params);
			float keep = *v, h = 1e-3f;
			double f[2];
			for (int sgn = 0; sgn < 2; sgn++) {
				*v = keep + (sgn ? h : -h);
				double p2;
				double l = as_drlim_loss(s, &cfg, x, dis, n, 1,
							 &p2);
				f[sgn] = l / (double)n + p2;
			}
			*v = keep;
			double num = (f[1] - f[0]) / (2 * (double)h);
			ck_assert_msg(fabs(num - g[at]) <
					      2e-3 * (1 + fabs(num)),
				      "layer %zu param %zu: %g by differences, "
				      "%g computed",
				      k, i, num, g[at]);
			checked++;
		}
		for (size_t i = 0; i < m->n_visible; i++)
			ck_assert(g[(size_t)(m->c - s->params) + i] == 0);
	}
	ck_assert_uint_eq(checked, 6 * 4 + 4 + 4 * 2 + 2);
	free(g);
	free(x);
	as_stack_free(s);
}
END_TEST

/* a step lowers the loss of the pairs it trained on */
START_TEST(test_step_lowers_the_loss)
{
	size_t d = 6, n = 8;
	struct as_config cfg;
	struct as_stack *s = mapping(&cfg, d, n);
	cfg.weight_decay = 0;
	cfg.momentum = 0;
	float *x = random_rows(2 * n, d, 7);
	uint8_t dis[8] = {0, 1, 0, 1, 0, 1, 0, 1};
	double before = as_drlim_loss(s, &cfg, x, dis, n, 0, NULL);
	struct as_losses l;
	for (int i = 0; i < 200; i++)
		as_drlim_step(s, &cfg, x, dis, n, 0.05f, &l);
	double after = as_drlim_loss(s, &cfg, x, dis, n, 0, NULL);
	ck_assert_msg(after < 0.5 * before, "%g -> %g", before, after);
	free(x);
	as_stack_free(s);
}
END_TEST

/* the slant: a stroke leaning right is positive, upright zero, left
 * negative, with the shear it was drawn with */
START_TEST(test_slant)
{
	float img[28 * 28];
	for (int lean = -1; lean <= 1; lean++) {
		memset(img, 0, sizeof img);
		for (int r = 4; r < 24; r++) {
			int y = 27 - r; /* upwards */
			int c = 14 + (int)lroundf(0.4f * (float)lean *
						  (float)(y - 13));
			img[r * 28 + c] = 1;
		}
		double s = as_image_slant(img, 28, 28);
		ck_assert_msg(fabs(s - 0.4 * lean) < 0.03, "lean %d: %g", lean,
			      s);
	}
	memset(img, 0, sizeof img);
	ck_assert(as_image_slant(img, 28, 28) == 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("drlim");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_neighbours_by_brute_force);
	tcase_add_test(tc, test_similar_sets_and_draws);
	tcase_add_test(tc, test_contrastive_loss_and_gradient);
	tcase_add_test(tc, test_step_lowers_the_loss);
	tcase_add_test(tc, test_slant);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
