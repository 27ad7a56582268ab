/* xoshiro256** (Blackman & Vigna 2018), seeded through splitmix64. */
#include <math.h>

#include "autoscope/rng.h"
#include "kernels.h" /* AS_HOT */

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void as_rng_seed(struct as_rng *rng, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * 0xd1b54a32d192ed03ULL);
	for (int i = 0; i < 4; i++)
		rng->s[i] = splitmix64(&x);
}

uint64_t as_rng_u64(struct as_rng *rng)
{
	uint64_t *s = rng->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

float as_rng_uniform(struct as_rng *rng)
{
	return (float)(as_rng_u64(rng) >> 40) * (1.0f / 16777216.0f);
}

/*
 * The Bernoulli samples come from AS_LANES xoshiro256** generators run
 * side by side, seeded for each call from one draw of the caller's
 * stream (through splitmix64, as as_rng_seed seeds one): the lanes have
 * no dependency on each other, so the loop vectorises, where one
 * generator's chain of state updates costs 3.5 ns a value (a fifth of
 * CD-1's time outside its GEMMs). Lane l gives out[16 j + l] (high 24
 * bits) and out[16 j + 8 + l] (middle 24 bits) of its j-th draw.
 */
enum { AS_LANES = 8 };

AS_HOT void as_rng_bernoulli(struct as_rng *rng, const float *p,
			     float *out, size_t n)
{
	uint64_t s0[AS_LANES], s1[AS_LANES], s2[AS_LANES], s3[AS_LANES];
	uint64_t x = as_rng_u64(rng);
	for (int l = 0; l < AS_LANES; l++) {
		s0[l] = splitmix64(&x);
		s1[l] = splitmix64(&x);
		s2[l] = splitmix64(&x);
		s3[l] = splitmix64(&x);
	}
	const float scale = 1.0f / 16777216.0f;
	size_t i = 0;
	for (; i + 2 * AS_LANES <= n; i += 2 * AS_LANES) {
		const float *pi = p + i;
		float *oi = out + i;
#pragma omp simd
		for (int l = 0; l < AS_LANES; l++) {
			uint64_t u = rotl(s1[l] * 5, 7) * 9;
			uint64_t t = s1[l] << 17;
			s2[l] ^= s0[l];
			s3[l] ^= s1[l];
			s1[l] ^= s2[l];
			s0[l] ^= s3[l];
			s2[l] ^= t;
			s3[l] = rotl(s3[l], 45);
			float a = (float)(int32_t)(u >> 40) * scale;
			float b = (float)(int32_t)((u >> 16) & 0xffffff) * scale;
			oi[l] = a < pi[l] ? 1.0f : 0.0f;
			oi[AS_LANES + l] = b < pi[AS_LANES + l] ? 1.0f : 0.0f;
		}
	}
	/* the tail from lane 0's generator */
	struct as_rng r = {{s0[0], s1[0], s2[0], s3[0]}};
	for (; i < n; i++)
		out[i] = (float)(as_rng_u64(&r) >> 40) * scale < p[i] ? 1.0f
								       : 0.0f;
}

/* Lemire 2019, "Fast random integer generation in an interval". */
uint32_t as_rng_below(struct as_rng *rng, uint32_t n)
{
	uint64_t m = (as_rng_u64(rng) >> 32) * (uint64_t)n;
	uint32_t low = (uint32_t)m;
	if (low < n) {
		uint32_t threshold = (uint32_t)(-n) % n;
		while (low < threshold) {
			m = (as_rng_u64(rng) >> 32) * (uint64_t)n;
			low = (uint32_t)m;
		}
	}
	return (uint32_t)(m >> 32);
}

float as_rng_normal(struct as_rng *rng)
{
	/* u1 in (0, 1] so the log is finite */
	double u1 = ((double)(as_rng_u64(rng) >> 11) + 1.0) * 0x1.0p-53;
	double u2 = (double)(as_rng_u64(rng) >> 11) * 0x1.0p-53;
	return (float)(sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
}

void as_rng_shuffle(struct as_rng *rng, uint32_t *idx, size_t n)
{
	for (size_t i = n; i > 1; i--) {
		uint32_t j = as_rng_below(rng, (uint32_t)i);
		uint32_t t = idx[i - 1];
		idx[i - 1] = idx[j];
		idx[j] = t;
	}
}
