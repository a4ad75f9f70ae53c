/*
 * rng.c - named random streams: xoshiro256** seeded by SplitMix64.
 *
 * The stream key is FNV-1a(name) mixed with the seed and the run number
 * through SplitMix64, so streams of different names, seeds or runs are
 * unrelated, and a stream depends on nothing but those three values.
 */
#include <math.h>
#include <stdint.h>

#include "sim/rng.h"

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
fnv1a64(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (uint8_t)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

void
rng_init(struct rng *r, uint64_t seed, uint64_t run, const char *name)
{
	uint64_t x = seed;
	uint64_t k;

	k = splitmix64(&x);
	x = k ^ run;
	k = splitmix64(&x);
	x = k ^ fnv1a64(name ? name : "");
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
	if (!(r->s[0] | r->s[1] | r->s[2] | r->s[3]))
		r->s[0] = 1;	/* the all-zero state is the one xoshiro cannot leave */
}

static inline uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t
rng_u64(struct rng *r)
{
	uint64_t *s = r->s;
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

double
rng_uniform(struct rng *r)
{
	return (double)(rng_u64(r) >> 11) * 0x1.0p-53;
}

uint64_t
rng_below(struct rng *r, uint64_t n)
{
	/* Rejection of the top partial range (Lemire's bound would also do). */
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t x;

	do
		x = rng_u64(r);
	while (x >= limit);
	return x % n;
}

double
rng_exp(struct rng *r, double mean)
{
	/* 1 - U lies in (0, 1], so the logarithm is finite. */
	return -mean * log(1.0 - rng_uniform(r));
}

int
rng_bernoulli(struct rng *r, double p)
{
	if (p <= 0.0)
		return 0;
	if (p >= 1.0)
		return 1;
	return rng_uniform(r) < p;
}
