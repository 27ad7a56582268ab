/*
 * The stack: fine-tuning gradients by finite differences at depth 2 and 3
 * (tied and untied, cross-entropy and squared error, the softmax head),
 * CD-1 against a hand computation, and a one-layer stack against the
 * one-layer model bit for bit.
 *
 * The reference objective is written again here in double precision from
 * the formulas in stack.h, independently of stack.c, and differentiated
 * by central differences (step 1e-6, as test_grad.c argues); the stack
 * computes in float, so 1e-4 + 1e-3 |g| separates rounding from a wrong
 * formula (a missing sigmoid derivative or a transposed W'), which is off
 * by O(|g|).
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "autoscope/stack.h"

enum { NV = 6, NB = 4, NC = 3, MAXU = 8 };

struct ref {
	size_t L, sizes[4];
	int tied, ce, code_sig, classify;
	double wd;
	size_t block[3], head;
};

static double sigm(double a)
{
	return 1.0 / (1.0 + exp(-a));
}

/* the whole fine-tuning objective on the arena p (double) */
static double objective(const struct ref *r, const double *p, const float *x,
			const uint8_t *y)
{
	double total = 0;
	for (int e = 0; e < NB; e++) {
		double a[4][MAXU];
		for (size_t i = 0; i < NV; i++)
			a[0][i] = x[e * NV + i];
		for (size_t k = 0; k < r->L; k++) {
			size_t nv = r->sizes[k], nh = r->sizes[k + 1];
			const double *w = p + r->block[k], *b = w + nh * nv;
			for (size_t j = 0; j < nh; j++) {
				double s = b[j];
				for (size_t i = 0; i < nv; i++)
					s += w[j * nv + i] * a[k][i];
				int sig = k + 1 < r->L || r->code_sig;
				a[k + 1][j] = sig ? sigm(s) : s;
			}
		}
		if (r->classify) {
			size_t top = r->sizes[r->L];
			const double *v = p + r->head, *vb = v + NC * top;
			double z[NC], mx = -1e300, sum = 0;
			for (int c = 0; c < NC; c++) {
				z[c] = vb[c];
				for (size_t j = 0; j < top; j++)
					z[c] += v[c * top + j] * a[r->L][j];
				mx = z[c] > mx ? z[c] : mx;
			}
			for (int c = 0; c < NC; c++)
				sum += exp(z[c] - mx);
			total += log(sum) - (z[y[e]] - mx);
			continue;
		}
		double rr[MAXU];
		for (size_t j = 0; j < r->sizes[r->L]; j++)
			rr[j] = a[r->L][j];
		for (size_t k = r->L; k-- > 0;) {
			size_t nv = r->sizes[k], nh = r->sizes[k + 1];
			const double *w = p + r->block[k], *c = w + nh * nv + nh;
			const double *w2 = c + nv;
			double out[MAXU];
			for (size_t i = 0; i < nv; i++) {
				double s = c[i];
				for (size_t j = 0; j < nh; j++)
					s += (r->tied ? w[j * nv + i]
						      : w2[i * nh + j]) *
					     rr[j];
				out[i] = s;
			}
			for (size_t i = 0; i < nv; i++) {
				if (k > 0) {
					rr[i] = sigm(out[i]);
				} else if (r->ce) {
					double q = sigm(out[i]), v = x[e * NV + i];
					total -= v * log(q) + (1 - v) * log(1 - q);
				} else {
					double d = out[i] - x[e * NV + i];
					total += 0.5 * d * d;
				}
			}
		}
	}
	double obj = total / NB;
	if (r->wd > 0) {
		double sq = 0;
		for (size_t k = 0; k < r->L; k++) {
			size_t nv = r->sizes[k], nh = r->sizes[k + 1];
			const double *w = p + r->block[k];
			const double *w2 = w + nh * nv + nh + nv;
			for (size_t i = 0; i < nv * nh; i++) {
				sq += w[i] * w[i];
				if (!r->tied && !r->classify)
					sq += w2[i] * w2[i];
			}
		}
		if (r->classify)
			for (size_t i = 0; i < NC * r->sizes[r->L]; i++)
				sq += p[r->head + i] * p[r->head + i];
		obj += 0.5 * r->wd * sq;
	}
	return obj;
}

/* _i: depth 2 or 3 x tied x {CE + sigmoid code, MSE + linear code,
 * CE + weight decay, classify} */
static void setting(int idx, struct ref *r, struct as_config *cfg)
{
	int kind = idx % 4, tied = (idx / 4) % 2, depth = 2 + idx / 8;
	struct as_error err;
	as_config_default(cfg);
	memset(r, 0, sizeof *r);
	ck_assert_int_eq(as_param_parse(cfg, as_param_find("layers"),
					depth == 2 ? "5-4" : "5-4-3", &err),
			 AS_OK);
	r->L = (size_t)depth;
	r->sizes[0] = NV;
	r->sizes[1] = 5;
	r->sizes[2] = 4;
	r->sizes[3] = 3;
	r->tied = cfg->tied = tied;
	r->ce = kind != 1;
	cfg->loss = r->ce ? AS_LOSS_CE : AS_LOSS_MSE;
	r->code_sig = kind != 1;
	cfg->encoder = r->code_sig ? AS_ACT_SIGMOID : AS_ACT_LINEAR;
	if (kind == 2)
		r->wd = cfg->weight_decay = 0.05f;
	r->classify = kind == 3;
	cfg->finetune = r->classify ? AS_FINETUNE_CLASSIFY : AS_FINETUNE_RECON;
	if (r->classify)
		r->wd = cfg->weight_decay = 0.03f;
	cfg->stage = depth;
}

START_TEST(test_finetune_gradient_matches_finite_differences)
{
	struct ref r;
	struct as_config cfg;
	setting(_i, &r, &cfg);
	struct as_stack *s;
	struct as_error err;
	ck_assert_int_eq(as_stack_create(NV, &cfg, NC, NB, &s, &err), AS_OK);
	for (size_t k = 0; k < r.L; k++)
		r.block[k] = s->block[k];
	r.head = (size_t)(s->head_w - s->params);
	struct as_rng rng;
	as_rng_seed(&rng, 7 + (uint64_t)_i, 0);
	as_stack_init(s, &cfg, &rng);
	for (size_t i = 0; i < s->n_params; i++)
		s->params[i] = as_rng_normal(&rng) * 0.7f;
	if (r.tied) /* W' of a tied layer is not a parameter */
		for (size_t k = 0; k < r.L; k++)
			as_model_sync_decoder(s->layer[k]);
	float x[NB * NV];
	uint8_t y[NB];
	for (int i = 0; i < NB * NV; i++)
		x[i] = r.ce ? as_rng_uniform(&rng) : as_rng_normal(&rng);
	for (int e = 0; e < NB; e++)
		y[e] = (uint8_t)(e % NC);
	struct as_losses got;
	as_stack_finetune_grad(s, &cfg, x, y, NB, NULL, &got);

	size_t np = s->n_params;
	double *p = calloc(np, sizeof *p);
	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < np; i++)
		p[i] = s->params[i];
	double j0 = objective(&r, p, x, y);
	ck_assert_msg(
		fabs(got.recon + got.penalty - j0) <= 1e-5 * (1 + fabs(j0)),
		"setting %d: objective %g, reference %g", _i,
		got.recon + got.penalty, j0);
	const double h = 1e-6;
	size_t checked = 0;
	for (size_t i = 0; i < np; i++) {
		/* the tied layers' W' parts are not parameters */
		int unused = 0;
		for (size_t k = 0; k < r.L; k++) {
			size_t nv = r.sizes[k], nh = r.sizes[k + 1];
			size_t w2 = r.block[k] + nh * nv + nh + nv;
			if (r.tied && i >= w2 && i < w2 + nv * nh)
				unused = 1;
		}
		if (unused) {
			ck_assert(s->grad[i] == 0.0f || !r.tied);
			continue;
		}
		double keep = p[i];
		p[i] = keep + h;
		double up = objective(&r, p, x, y);
		p[i] = keep - h;
		double down = objective(&r, p, x, y);
		p[i] = keep;
		double want = (up - down) / (2 * h);
		double g = s->grad[i];
		ck_assert_msg(fabs(g - want) <= 1e-4 + 1e-3 * fabs(want),
			      "setting %d, parameter %zu of %zu: gradient "
			      "%.7g, finite difference %.7g",
			      _i, i, np, g, want);
		checked++;
	}
	ck_assert_uint_gt(checked, 60);
	free(p);
	as_stack_free(s);
}
END_TEST

/* CD-1 on a 3-visible, 2-hidden RBM with one example, against the update
 * computed by hand from the same uniform draws. */
START_TEST(test_cd1_matches_a_hand_computation)
{
	struct as_config cfg;
	as_config_default(&cfg);
	cfg.n_hidden = 2;
	cfg.momentum = 0;
	cfg.weight_decay = 0;
	struct as_model *m;
	struct as_error err;
	ck_assert_int_eq(as_model_create(3, 2, 1, &m, &err), AS_OK);
	const float w[6] = {0.5f, -0.3f, 0.2f, -0.4f, 0.1f, 0.6f};
	const float b[2] = {0.1f, -0.2f}, c[3] = {0.05f, -0.1f, 0.2f};
	memcpy(m->w, w, sizeof w);
	memcpy(m->b, b, sizeof b);
	memcpy(m->c, c, sizeof c);
	const float v0[3] = {1.0f, 0.0f, 1.0f};
	struct as_rng rng, copy;
	as_rng_seed(&rng, 3, 9);
	copy = rng;
	const float lr = 0.5f;
	double err2 = as_rbm_step(m, &cfg, 0, 0, v0, 1, lr, &rng);

	double ph0[2], h0[2], v1[3], ph1[2];
	/* the two hidden units' uniforms: the high and the middle 24 bits
	 * of one draw */
	uint64_t draw = as_rng_u64(&copy);
	const double u[2] = {(double)(draw >> 40) / 16777216.0,
			     (double)((draw >> 16) & 0xffffff) / 16777216.0};
	for (int j = 0; j < 2; j++) {
		double a = b[j];
		for (int i = 0; i < 3; i++)
			a += w[j * 3 + i] * v0[i];
		ph0[j] = sigm(a);
		h0[j] = u[j] < ph0[j] ? 1.0 : 0.0;
	}
	for (int i = 0; i < 3; i++) {
		double a = c[i];
		for (int j = 0; j < 2; j++)
			a += w[j * 3 + i] * h0[j];
		v1[i] = sigm(a);
	}
	for (int j = 0; j < 2; j++) {
		double a = b[j];
		for (int i = 0; i < 3; i++)
			a += w[j * 3 + i] * v1[i];
		ph1[j] = sigm(a);
	}
	double want_err = 0;
	for (int i = 0; i < 3; i++)
		want_err += 0.5 * (v0[i] - v1[i]) * (v0[i] - v1[i]);
	ck_assert_msg(fabs(err2 - want_err) < 1e-6, "error %g, by hand %g",
		      err2, want_err);
	for (int j = 0; j < 2; j++) {
		for (int i = 0; i < 3; i++) {
			double dw = ph0[j] * v0[i] - ph1[j] * v1[i];
			double want = w[j * 3 + i] + lr * dw;
			ck_assert_msg(fabs(m->w[j * 3 + i] - want) < 1e-6,
				      "W[%d][%d] = %.7g, by hand %.7g", j, i,
				      m->w[j * 3 + i], want);
		}
		double want = b[j] + lr * (ph0[j] - ph1[j]);
		ck_assert_msg(fabs(m->b[j] - want) < 1e-6, "b[%d]", j);
	}
	for (int i = 0; i < 3; i++) {
		double want = c[i] + lr * (v0[i] - v1[i]);
		ck_assert_msg(fabs(m->c[i] - want) < 1e-6, "c[%d]", i);
	}
	as_model_free(m);
}
END_TEST

/* A one-layer stack is the one-layer model: the same draws at init, the
 * same steps, bit for bit (the refactor's guard beside the resume and
 * fork tests of test_trainer). */
START_TEST(test_one_layer_stack_is_the_model)
{
	struct as_config cfg;
	as_config_default(&cfg);
	cfg.n_hidden = 7;
	cfg.tied = _i;
	cfg.corruption_level = 0.3f;
	cfg.sparsity_weight = 0.2f;
	cfg.momentum = 0.5f;
	struct as_stack *s;
	struct as_model *m;
	struct as_error err;
	ck_assert_int_eq(as_stack_create(NV * 2, &cfg, 0, 16, &s, &err), AS_OK);
	ck_assert_int_eq(as_model_create(NV * 2, 7, 16, &m, &err), AS_OK);
	ck_assert_uint_eq(s->n_params, m->n_params);
	struct as_rng r1, r2;
	as_rng_seed(&r1, 5, 1);
	as_rng_seed(&r2, 5, 1);
	as_stack_init(s, &cfg, &r1);
	as_model_init(m, &cfg, &r2);
	float x[16 * NV * 2];
	for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
		x[i] = as_rng_uniform(&r1);
	as_rng_seed(&r1, 6, 3);
	as_rng_seed(&r2, 6, 3);
	for (int step = 0; step < 30; step++) {
		struct as_losses a, b;
		as_stack_pretrain_step(s, &cfg, 0, x, 16, 0.1f, &r1, &a);
		as_model_step(m, &cfg, x, 16, 0.1f, &r2, &b);
		ck_assert(a.recon == b.recon && a.penalty == b.penalty);
	}
	ck_assert(memcmp(s->params, m->params,
			 m->n_params * sizeof(float)) == 0);
	ck_assert(memcmp(s->velocity, m->velocity,
			 m->n_params * sizeof(float)) == 0);
	float r_s[16 * NV * 2], r_m[16 * NV * 2];
	as_stack_reconstruct(s, &cfg, 1, x, 16, r_s);
	as_model_reconstruct(m, &cfg, x, 16, r_m);
	ck_assert(memcmp(r_s, r_m, sizeof r_s) == 0);
	as_stack_free(s);
	as_model_free(m);
}
END_TEST

/* Pixel-space pictures of a deeper unit are W_2 W_1 rows, by hand. */
START_TEST(test_projection_by_hand)
{
	const float w1[6] = {1, 2, 3, 4, 5, 6}; /* 2 x 3 */
	const float w2[4] = {1, -1, 0.5f, 2};	/* 2 x 2 */
	const float *w[2] = {w1, w2};
	const size_t sizes[3] = {3, 2, 2};
	float out[3], scratch[2 * 1 * 2]; /* the contract: widest of sizes[1..] */
	as_project_units(w, sizes, 1, 1, 1, out, scratch);
	/* unit 1 of layer 2: 0.5 * (1,2,3) + 2 * (4,5,6) */
	const float want[3] = {8.5f, 11.0f, 13.5f};
	for (int i = 0; i < 3; i++)
		ck_assert_msg(fabsf(out[i] - want[i]) < 1e-6, "%d: %g", i,
			      out[i]);
	as_project_units(w, sizes, 0, 1, 1, out, scratch);
	for (int i = 0; i < 3; i++)
		ck_assert(out[i] == w1[3 + i]);
}
END_TEST

/* A chain step: without noise it is the reconstruction (squared error:
 * no sampling); under cross-entropy each pixel is drawn from it, so over
 * many chains the mean of a pixel is its rebuilt probability; with every
 * pixel masked the input is all zeros */
START_TEST(test_chain_step)
{
	struct as_config cfg;
	as_config_default(&cfg);
	cfg.n_hidden = 5;
	cfg.corruption_level = 0;
	struct as_stack *s;
	struct as_error err;
	ck_assert_int_eq(as_stack_create(NV, &cfg, 0, 64, &s, &err), AS_OK);
	struct as_rng rng;
	as_rng_seed(&rng, 2, 2);
	as_stack_init(s, &cfg, &rng);
	float x[64 * NV], rec[64 * NV], w[64 * NV];
	uint32_t perm[NV];
	for (size_t i = 0; i < 64 * NV; i++)
		x[i] = (float)(i % 3) / 2.0f;
	as_stack_reconstruct(s, &cfg, 1, x, 64, rec);
	struct as_config mse = cfg;
	mse.loss = AS_LOSS_MSE;
	float y[64 * NV];
	memcpy(y, x, sizeof y);
	as_stack_reconstruct(s, &mse, 1, x, 64, rec);
	as_stack_chain_step(s, &mse, 1, y, 64, perm, &rng, w);
	ck_assert(memcmp(y, rec, sizeof y) == 0);
	/* cross-entropy: binary samples whose mean is the probability */
	as_stack_reconstruct(s, &cfg, 1, x, 64, rec);
	double mean_p = 0, mean_s = 0;
	for (int rep = 0; rep < 200; rep++) {
		memcpy(y, x, sizeof y);
		as_stack_chain_step(s, &cfg, 1, y, 64, perm, &rng, w);
		for (size_t i = 0; i < 64 * NV; i++) {
			ck_assert(y[i] == 0.0f || y[i] == 1.0f);
			mean_s += y[i];
		}
	}
	for (size_t i = 0; i < 64 * NV; i++)
		mean_p += 200.0 * rec[i];
	ck_assert_msg(fabs(mean_s - mean_p) < 0.02 * mean_p, "%g %g", mean_s,
		      mean_p);
	/* every pixel masked: what it rebuilds from nothing */
	cfg.corruption_level = 1;
	float zero[64 * NV];
	memset(zero, 0, sizeof zero);
	as_stack_reconstruct(s, &mse, 1, zero, 64, rec);
	memcpy(y, x, sizeof y);
	mse.corruption_level = 1;
	as_stack_chain_step(s, &mse, 1, y, 64, perm, &rng, w);
	ck_assert(memcmp(y, rec, sizeof y) == 0);
	as_stack_free(s);
}
END_TEST

/* The decoder alone: decoding a stack's codes gives its reconstruction,
 * at depth 2 of 3 and at the top */
START_TEST(test_decode_is_the_second_half)
{
	struct as_config cfg;
	as_config_default(&cfg);
	struct as_error err;
	ck_assert_int_eq(as_param_parse(&cfg, as_param_find("layers"),
					"6-4-2", &err),
			 AS_OK);
	cfg.finetune = AS_FINETUNE_RECON;
	struct as_stack *s;
	ck_assert_int_eq(as_stack_create(NV, &cfg, 0, 8, &s, &err), AS_OK);
	struct as_rng rng;
	as_rng_seed(&rng, 4, 4);
	as_stack_init(s, &cfg, &rng);
	float x[20 * NV], rec[20 * NV], dec[20 * NV], codes[20 * 4];
	for (size_t i = 0; i < 20 * NV; i++)
		x[i] = as_rng_uniform(&rng);
	for (size_t depth = 2; depth <= 3; depth++) {
		as_stack_reconstruct(s, &cfg, depth, x, 20, rec);
		as_stack_encode(s, &cfg, depth, x, 20, codes);
		as_stack_decode(s, &cfg, depth, codes, 20, dec);
		for (size_t i = 0; i < 20 * NV; i++)
			ck_assert_msg(fabsf(dec[i] - rec[i]) < 1e-6f,
				      "depth %zu: %g against %g", depth, dec[i],
				      rec[i]);
	}
	as_stack_free(s);
}
END_TEST

/* The named tensors are the layer views' and the head's arrays, they
 * tile the arena in order, and the layout without a stack agrees. */
START_TEST(test_tensors_tile_the_arena)
{
	struct as_config cfg;
	as_config_default(&cfg);
	struct as_error err;
	ck_assert_int_eq(as_param_parse(&cfg, as_param_find("layers"), "5-3",
					&err),
			 AS_OK);
	cfg.finetune = AS_FINETUNE_CLASSIFY;
	struct as_stack *s;
	ck_assert_int_eq(as_stack_create(NV, &cfg, NC, 4, &s, &err), AS_OK);
	struct as_tensor t[AS_TENSORS_MAX];
	struct as_slot slot[AS_TENSORS_MAX];
	size_t n = as_stack_tensors(s, 1, t);
	ck_assert_uint_eq(n, 10);
	ck_assert_uint_eq(as_stack_layout(NV, &cfg, NC, 1, slot), n);
	const float *want[10] = {
		s->layer[0]->w, s->layer[0]->b, s->layer[0]->c, s->layer[0]->w2,
		s->layer[1]->w, s->layer[1]->b, s->layer[1]->c, s->layer[1]->w2,
		s->head_w,	s->head_b};
	const char *names[10] = {"encoder_W1", "encoder_b1", "decoder_c1",
				 "decoder_W1", "encoder_W2", "encoder_b2",
				 "decoder_c2", "decoder_W2", "softmax_W",
				 "softmax_b"};
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		ck_assert_str_eq(t[i].name, names[i]);
		ck_assert_str_eq(slot[i].name, names[i]);
		ck_assert_ptr_eq(t[i].data, want[i]);
		ck_assert_uint_eq(slot[i].offset, at);
		ck_assert(t[i].data == s->params + slot[i].offset);
		ck_assert(t[i].rows == slot[i].rows &&
			  t[i].cols == slot[i].cols);
		at += t[i].rows * (t[i].cols ? t[i].cols : 1);
	}
	ck_assert_uint_eq(at, s->n_params);
	ck_assert_uint_eq(slot[8].rows * slot[8].cols, NC * 3);
	/* one layer keeps its old names, unnumbered */
	cfg.n_layers = 1;
	cfg.finetune = AS_FINETUNE_NONE;
	ck_assert_uint_eq(as_stack_layout(NV, &cfg, 0, 0, slot), 4);
	ck_assert_str_eq(slot[0].name, "encoder_W");
	ck_assert_str_eq(slot[3].name, "decoder_W");
	as_stack_free(s);
}
END_TEST

/* A unit dialled: at the code's own value the decoding is the
 * reconstruction; elsewhere it is the decoding of the code with that unit
 * alone changed (one layer, by hand: sigmoid(h W + c), tied) */
START_TEST(test_traverse_one_unit)
{
	struct as_config cfg;
	as_config_default(&cfg);
	cfg.n_hidden = 5;
	struct as_stack *s;
	struct as_error err;
	ck_assert_int_eq(as_stack_create(NV, &cfg, 0, 8, &s, &err), AS_OK);
	struct as_rng rng;
	as_rng_seed(&rng, 9, 9);
	as_stack_init(s, &cfg, &rng);
	float x[NV], rec[NV], code[5], out[4 * NV], scratch[4 * 5];
	for (size_t i = 0; i < NV; i++)
		x[i] = as_rng_uniform(&rng);
	as_stack_reconstruct(s, &cfg, 1, x, 1, rec);
	as_stack_encode(s, &cfg, 1, x, 1, code);
	const size_t unit = 3;
	float vals[4] = {0.0f, code[unit], 0.5f, 1.0f};
	as_stack_traverse(s, &cfg, 1, code, unit, vals, 4, scratch, out);
	for (size_t i = 0; i < NV; i++)
		ck_assert_msg(fabsf(out[NV + i] - rec[i]) < 1e-6f,
			      "%g against %g", out[NV + i], rec[i]);
	const struct as_model *m = s->layer[0];
	for (int t = 0; t < 4; t++)
		for (size_t i = 0; i < NV; i++) {
			double a = m->c[i];
			for (size_t j = 0; j < 5; j++)
				a += (j == unit ? vals[t] : code[j]) *
				     m->w[j * NV + i];
			double want = 1.0 / (1.0 + exp(-a));
			ck_assert_msg(fabs(out[t * NV + i] - want) < 1e-5,
				      "value %d pixel %zu: %g against %g", t, i,
				      out[t * NV + i], want);
		}
	as_stack_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stack");
	TCase *tc = tcase_create("finite differences");
	/* depth 2 and 3 x tied/untied x {CE, MSE + linear code, CE + weight
	 * decay, classify} */
	tcase_add_loop_test(tc, test_finetune_gradient_matches_finite_differences,
			    0, 16);
	tcase_add_test(tc, test_cd1_matches_a_hand_computation);
	tcase_add_loop_test(tc, test_one_layer_stack_is_the_model, 0, 2);
	tcase_add_test(tc, test_projection_by_hand);
	tcase_add_test(tc, test_chain_step);
	tcase_add_test(tc, test_decode_is_the_second_half);
	tcase_add_test(tc, test_tensors_tile_the_arena);
	tcase_add_test(tc, test_traverse_one_unit);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
