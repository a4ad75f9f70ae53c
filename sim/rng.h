/*
 * rng.h - named random streams.
 *
 * Every entity and link draws from its own stream, derived from the run
 * seed, the run number and the stream's name, so adding a node or a link
 * leaves every other stream's draws unchanged.  The generator is
 * xoshiro256** (Blackman and Vigna), seeded through SplitMix64 from a
 * 64-bit FNV-1a hash of the name mixed with seed and run.
 */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <stdint.h>

struct rng {
	uint64_t s[4];
};

/* rng.c */

/* Derive the stream (seed, run, name). */
void rng_init(struct rng *r, uint64_t seed, uint64_t run, const char *name);
/* Next 64 random bits. */
uint64_t rng_u64(struct rng *r);
/* Uniform double in [0, 1), 53 bits of precision. */
double rng_uniform(struct rng *r);
/* Uniform integer in [0, n), without modulo bias; n > 0. */
uint64_t rng_below(struct rng *r, uint64_t n);
/* Exponential variate with the given mean. */
double rng_exp(struct rng *r, double mean);
/* 1 with probability p, else 0. */
int rng_bernoulli(struct rng *r, double p);

#endif /* SIM_RNG_H */
