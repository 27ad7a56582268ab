/* kernels: the elementwise loops shared by the models (src/ only, not a
 * public header). Branch-free exp/log1p so the loops vectorise, built for
 * AVX2 and the baseline and picked at load time. Pure functions of their
 * arguments; any thread. */
#ifndef AUTOSCOPE_KERNELS_H
#define AUTOSCOPE_KERNELS_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "autoscope/params.h"

/*
 * The hot loops below run over batch x n_visible and batch x n_hidden
 * values; with libm's expf/log1pf they cost as much as the five GEMMs
 * (about 2,000 exp/log per example). fast_exp and fast_log1p are plain
 * arithmetic without branches or calls, so the compiler vectorises the
 * loops (omp simd, -fopenmp-simd: no OpenMP runtime is involved).
 */

#define AS_ALWAYS_INLINE static inline __attribute__((always_inline))
#define AS_MAYBE __attribute__((unused))

/* The elementwise kernels are built twice, for AVX2 and for the baseline,
 * and picked at load time (ifunc), so one binary runs everywhere. Not in
 * sanitizer builds: their runtimes are not up when ifuncs resolve. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) &&         \
	!defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#define AS_HOT __attribute__((target_clones("avx2", "default")))
#else
#define AS_HOT
#endif

AS_ALWAYS_INLINE float bits_to_float(uint32_t u)
{
	float f;
	memcpy(&f, &u, sizeof f);
	return f;
}

AS_ALWAYS_INLINE uint32_t float_to_bits(float f)
{
	uint32_t u;
	memcpy(&u, &f, sizeof u);
	return u;
}

/* exp(x) for x <= 0, relative error below 2e-7. x = n ln2 + r with
 * |r| <= ln2/2 (Cody-Waite split of ln2), exp(r) by its degree-7 Taylor
 * polynomial (remainder r^8/8! < 6e-9), times 2^n built in the exponent
 * bits. x is clamped at -87 so 2^n stays a normal float. n is rounded
 * with the 1.5 * 2^23 trick, so no float-to-int conversion happens. */
AS_ALWAYS_INLINE float fast_exp_neg(float x)
{
	const float shifter = 12582912.0f; /* 1.5 * 2^23 */
	x = x < -87.0f ? -87.0f : x;	   /* not fmaxf: that is a libm call */
	float t = x * 1.44269504f + shifter;
	float n = t - shifter;
	float r = x - n * 0.693145752f; /* ln2 high part */
	r = r - n * 1.42860677e-6f;	/* ln2 low part */
	float p = 1.0f / 5040;
	p = p * r + 1.0f / 720;
	p = p * r + 1.0f / 120;
	p = p * r + 1.0f / 24;
	p = p * r + 1.0f / 6;
	p = p * r + 0.5f;
	p = p * r + 1.0f;
	p = p * r + 1.0f;
	uint32_t ni = float_to_bits(t) - float_to_bits(shifter);
	return p * bits_to_float((ni + 127u) << 23);
}

/* log1p(e) for e in [0, 1]: log(1 + e) = 2 atanh(u), u = e / (2 + e) in
 * [0, 1/3], by the atanh series to u^15 (remainder < (1/9)^8 / 17 ~ 1e-9). */
AS_ALWAYS_INLINE float fast_log1p_unit(float e)
{
	float u = e / (2.0f + e);
	float u2 = u * u;
	float p = 1.0f / 15;
	p = p * u2 + 1.0f / 13;
	p = p * u2 + 1.0f / 11;
	p = p * u2 + 1.0f / 9;
	p = p * u2 + 1.0f / 7;
	p = p * u2 + 1.0f / 5;
	p = p * u2 + 1.0f / 3;
	p = p * u2 + 1.0f;
	return 2.0f * u * p;
}

/* sigmoid(a) = 1 / (1 + exp(-a)), computed from e = exp(-|a|) so that it
 * never overflows. */
AS_ALWAYS_INLINE float sigmoid_from(float a, float e)
{
	float r = 1.0f / (1.0f + e);
	float er = e * r; /* both computed: a select, not a branch */
	return a >= 0 ? r : er;
}

AS_HOT AS_MAYBE static void k_sigmoid(float *h, size_t len)
{
#pragma omp simd
	for (size_t i = 0; i < len; i++) {
		float a = h[i];
		h[i] = sigmoid_from(a, fast_exp_neg(-fabsf(a)));
	}
}

/* Cross-entropy from the pre-activation a (replaced by sigmoid(a)), with
 * dx = (sigmoid(a) - x) * scale when dx is not NULL; returns the sum. */
AS_HOT AS_MAYBE static float k_ce(float *a, const float *x, float *dx, size_t len,
			 float scale)
{
	float acc = 0;
	if (dx) {
#pragma omp simd reduction(+ : acc)
		for (size_t i = 0; i < len; i++) {
			float v = a[i];
			float e = fast_exp_neg(-fabsf(v));
			float sp = (v > 0 ? v : 0.0f) + fast_log1p_unit(e);
			float s = sigmoid_from(v, e);
			acc += sp - x[i] * v;
			a[i] = s;
			dx[i] = (s - x[i]) * scale;
		}
	} else {
#pragma omp simd reduction(+ : acc)
		for (size_t i = 0; i < len; i++) {
			float v = a[i];
			float e = fast_exp_neg(-fabsf(v));
			float sp = (v > 0 ? v : 0.0f) + fast_log1p_unit(e);
			acc += sp - x[i] * v;
			a[i] = sigmoid_from(v, e);
		}
	}
	return acc;
}

AS_HOT AS_MAYBE static float k_mse(const float *a, const float *x, float *dx, size_t len,
			  float scale)
{
	float acc = 0;
#pragma omp simd reduction(+ : acc)
	for (size_t i = 0; i < len; i++) {
		float r = a[i] - x[i];
		acc += 0.5f * r * r;
		if (dx)
			dx[i] = r * scale;
	}
	return acc;
}

/* dh *= h (1 - h): through the sigmoid */
AS_HOT AS_MAYBE static void k_dsigmoid(float *dh, const float *h, size_t len)
{
#pragma omp simd
	for (size_t i = 0; i < len; i++)
		dh[i] *= h[i] * (1.0f - h[i]);
}

/* v := mom v - lr g; p += v */
AS_HOT AS_MAYBE static void k_momentum(float *p, float *v, const float *g, size_t len,
			      float mom, float lr)
{
#pragma omp simd
	for (size_t i = 0; i < len; i++) {
		v[i] = mom * v[i] - lr * g[i];
		p[i] += v[i];
	}
}

/*
 * From the decoder pre-activation a (overwritten by the reconstruction)
 * and the clean x: the summed loss and, if dx is not NULL, dL/da * scale.
 *   CE:  L = sum softplus(a) - x a,  dL/da = sigmoid(a) - x
 *        (softplus(a) = max(a, 0) + log1p(exp(-|a|)): stable for any a)
 *   MSE: L = 1/2 sum (a - x)^2,      dL/da = a - x
 */
AS_MAYBE static double output_loss(const struct as_config *cfg, float *a, const float *x,
			  float *dx, size_t len, float scale)
{
	/* sums of at most one row's worth of floats, then added in double */
	const size_t chunk = 1024;
	double total = 0;
	for (size_t s = 0; s < len; s += chunk) {
		size_t end = s + chunk < len ? s + chunk : len;
		float *d = dx ? dx + s : NULL;
		total += cfg->loss == AS_LOSS_CE
				 ? k_ce(a + s, x + s, d, end - s, scale)
				 : k_mse(a + s, x + s, d, end - s, scale);
	}
	return total;
}

/* out[j] = sum over n rows of a (n x cols) */
AS_MAYBE static void column_sums(const float *a, size_t n, size_t cols, float *out)
{
	memset(out, 0, cols * sizeof(float));
	for (size_t e = 0; e < n; e++) {
		const float *row = a + e * cols;
#pragma omp simd
		for (size_t j = 0; j < cols; j++)
			out[j] += row[j];
	}
}

#endif
