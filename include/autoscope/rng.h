/* rng: seeded, reproducible random streams (xoshiro256**).
 *
 * Owns: struct as_rng, a plain value with no global state. A run derives one
 * stream per purpose (initialisation, shuffling, corruption) from its seed so
 * that changing one use of randomness does not shift the others.
 * Threading: a stream belongs to one thread at a time. */
#ifndef AUTOSCOPE_RNG_H
#define AUTOSCOPE_RNG_H

#include <stdint.h>
#include <stddef.h>

struct as_rng {
	uint64_t s[4];
};

/* Stream `stream` of seed `seed` (splitmix64 expansion). */
void as_rng_seed(struct as_rng *rng, uint64_t seed, uint64_t stream);
uint64_t as_rng_u64(struct as_rng *rng);
/* Uniform in [0, 1) with 24 random bits. */
float as_rng_uniform(struct as_rng *rng);
/* out[i] = 1 with probability p[i], else 0 (binary samples, as of an
 * RBM's hidden units): u < p[i] for 24-bit uniforms u from eight
 * generators side by side, seeded from one draw of rng (see rng.c). */
void as_rng_bernoulli(struct as_rng *rng, const float *p, float *out,
		      size_t n);
/* Uniform integer in [0, n), n > 0, without modulo bias (Lemire). */
uint32_t as_rng_below(struct as_rng *rng, uint32_t n);
/* Standard normal (Box-Muller, one value per call). */
float as_rng_normal(struct as_rng *rng);
/* Fisher-Yates shuffle of idx[0..n). */
void as_rng_shuffle(struct as_rng *rng, uint32_t *idx, size_t n);

#endif
