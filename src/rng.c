/* xoshiro256** (Blackman & Vigna 2018), seeded through splitmix64. */
#include <math.h>

#include "autoscope/rng.h"

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

void as_rng_bernoulli(struct as_rng *rng, const float *p, float *out,
		      size_t n)
{
	/* the state in locals, two 24-bit uniforms from each draw: the
	 * draws are as_rng_u64's, without a call per value */
	struct as_rng r = *rng;
	const float scale = 1.0f / 16777216.0f;
	size_t i = 0;
	for (; i + 1 < n; i += 2) {
		uint64_t u = as_rng_u64(&r);
		out[i] = (float)(u >> 40) * scale < p[i] ? 1.0f : 0.0f;
		out[i + 1] = (float)((u >> 16) & 0xffffff) * scale < p[i + 1]
				     ? 1.0f
				     : 0.0f;
	}
	if (i < n)
		out[i] = (float)(as_rng_u64(&r) >> 40) * scale < p[i] ? 1.0f
								       : 0.0f;
	*rng = r;
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
