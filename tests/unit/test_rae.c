/*
 * test_rae.c - the RAE's parts that need no network: the decision
 * process and metric aggregation against values worked out by hand
 * (doc/rae.md, "Metric aggregation and the decision process"; the
 * arithmetic is in the comments), the RIB
 * (interning, preferred paths, the hash table under load), the
 * configuration file (binary and XML, bad input of every kind), the
 * message decoder (framing, truncated and garbage input) and the state
 * machine of the RAE's link to its CME (rae_cme_next, drawn in
 * doc/rae.md).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <glib.h>

#include "entities/rae/cmerae.pb-c.h"
#include "entities/rae/config.pb-c.h"
#include "entities/rae/rae.h"
#include "entities/rae/rae.pb-c.h"
#include "entities/rae/rae_int.h"
#include "tests/unit/suites.h"

#define EPS 1e-12

/* Appendix A's class 1 (BTBE) parameters. */
static const struct rae_dparams btbe = {
	.cos = 1, .delay_a = 0.5, .delay_r = 1.0, .loss_a = 1e-5, .loss_r = 1e-3,
	.bw_a = 4e6, .bw_r = 1e6,
};

/* ---- metric aggregation and the decision process ---- */

static void
test_concat(void)
{
	struct rae_metric a = { 0.001, 1e-6, 10e6 }, b = { 0.002, 2e-6, 4e6 };
	struct rae_metric m = rae_metric_concat(a, b), z = rae_metric_zero();

	CU_ASSERT_DOUBLE_EQUAL(m.delay, 0.003, EPS);
	/* 1 - (1 - 1e-6)(1 - 2e-6) = 3e-6 - 2e-12 */
	CU_ASSERT_DOUBLE_EQUAL(m.loss, 3e-6 - 2e-12, 1e-18);
	CU_ASSERT_EQUAL(m.bw, 4e6);
	/* The zero metric is neutral. */
	m = rae_metric_concat(z, a);
	CU_ASSERT_EQUAL(m.delay, a.delay);
	CU_ASSERT_EQUAL(m.loss, a.loss);
	CU_ASSERT_EQUAL(m.bw, a.bw);
}

static void
test_sigma(void)
{
	/* 1 at the aspiration level, 0 at the reservation level, each criterion. */
	CU_ASSERT_DOUBLE_EQUAL(rae_sigma(0.5, 0.5, 1.0, false), 1.0, EPS);
	CU_ASSERT_DOUBLE_EQUAL(rae_sigma(1.0, 0.5, 1.0, false), 0.0, EPS);
	CU_ASSERT_DOUBLE_EQUAL(rae_sigma(1e-5, 1e-5, 1e-3, false), 1.0, EPS);
	CU_ASSERT_DOUBLE_EQUAL(rae_sigma(1e-3, 1e-5, 1e-3, false), 0.0, EPS);
	CU_ASSERT_DOUBLE_EQUAL(rae_sigma(4e6, 4e6, 1e6, true), 1.0, EPS);
	CU_ASSERT_DOUBLE_EQUAL(rae_sigma(1e6, 4e6, 1e6, true), 0.0, EPS);
	/* Half way: delay 0.75 between 0.5 and 1; bandwidth 2.5e6 between 1e6 and 4e6. */
	CU_ASSERT_DOUBLE_EQUAL(rae_sigma(0.75, 0.5, 1.0, false), 0.5, EPS);
	CU_ASSERT_DOUBLE_EQUAL(rae_sigma(2.5e6, 4e6, 1e6, true), 0.5, EPS);
	/* Beyond: (1 - 0.25)/0.5 = 1.5; (10e6 - 1e6)/(4e6 - 1e6) = 3; below: -0.4. */
	CU_ASSERT_DOUBLE_EQUAL(rae_sigma(0.25, 0.5, 1.0, false), 1.5, EPS);
	CU_ASSERT_DOUBLE_EQUAL(rae_sigma(10e6, 4e6, 1e6, true), 3.0, EPS);
	CU_ASSERT_DOUBLE_EQUAL(rae_sigma(1.2, 0.5, 1.0, false), -0.4, EPS);
	/* a = r: 1 if q meets a, else -1. */
	CU_ASSERT_EQUAL(rae_sigma(0.1, 0.2, 0.2, false), 1.0);
	CU_ASSERT_EQUAL(rae_sigma(0.2, 0.2, 0.2, false), 1.0);
	CU_ASSERT_EQUAL(rae_sigma(0.3, 0.2, 0.2, false), -1.0);
	CU_ASSERT_EQUAL(rae_sigma(5e6, 5e6, 5e6, true), 1.0);
	CU_ASSERT_EQUAL(rae_sigma(9e6, 5e6, 5e6, true), 1.0);
	CU_ASSERT_EQUAL(rae_sigma(4e6, 5e6, 5e6, true), -1.0);
	CU_ASSERT_EQUAL(rae_sigma(INFINITY, 5e6, 5e6, true), 1.0);
}

static void
test_achievement(void)
{
	CU_ASSERT_DOUBLE_EQUAL(rae_achievement(0.0, false), 0.0, EPS);
	CU_ASSERT_DOUBLE_EQUAL(rae_achievement(0.5, false), 0.5, EPS);
	CU_ASSERT_DOUBLE_EQUAL(rae_achievement(1.0, true), 1.0, EPS);
	/* Below the reservation level: 10 sigma. */
	CU_ASSERT_DOUBLE_EQUAL(rae_achievement(-0.4, false), -4.0, EPS);
	CU_ASSERT_DOUBLE_EQUAL(rae_achievement(-1.0, true), -10.0, EPS);
	/* Above the aspiration level: flat 1, or 2 - 1/sigma. */
	CU_ASSERT_DOUBLE_EQUAL(rae_achievement(3.0, true), 1.0, EPS);
	CU_ASSERT_DOUBLE_EQUAL(rae_achievement(2.0, false), 1.5, EPS);
	CU_ASSERT_DOUBLE_EQUAL(rae_achievement(4.0, false), 1.75, EPS);
	CU_ASSERT_DOUBLE_EQUAL(rae_achievement(INFINITY, false), 2.0, EPS);
	/* Continuous at 1 either way. */
	CU_ASSERT_DOUBLE_EQUAL(rae_achievement(1.0 + 1e-9, false), 1.0, 1e-8);
}

static void
test_score(void)
{
	struct rae_metric m = { 0.75, 1e-5, 10e6 };

	/*
	 * u_delay = 0.5, u_loss = 1, u_bw: sigma 3 -> 2 - 1/3 = 5/3.
	 * multiplicative inverse: 0.5 + 0.01 (0.5 + 1 + 5/3) = 0.5316666...
	 * flat: u_bw = 1: 0.5 + 0.01 (0.5 + 1 + 1) = 0.525.
	 */
	CU_ASSERT_DOUBLE_EQUAL(rae_score(&btbe, &m, false), 0.5 + 0.01 * (1.5 + 5.0 / 3.0),
			       EPS);
	CU_ASSERT_DOUBLE_EQUAL(rae_score(&btbe, &m, true), 0.525, EPS);
	/* Delay 1.2 s: sigma -0.4, u -4 (the 10 sigma penalty); the rest meet aspiration. */
	m.delay = 1.2;
	m.bw = 4e6;
	CU_ASSERT_DOUBLE_EQUAL(rae_score(&btbe, &m, true), -4.0 + 0.01 * (-4.0 + 1 + 1), EPS);
	/* All at the aspiration level: 1 + 0.03. */
	m.delay = 0.5;
	CU_ASSERT_DOUBLE_EQUAL(rae_score(&btbe, &m, false), 1.03, EPS);
	/* All at the reservation level: 0. */
	m.delay = 1.0;
	m.loss = 1e-3;
	m.bw = 1e6;
	CU_ASSERT_DOUBLE_EQUAL(rae_score(&btbe, &m, false), 0.0, EPS);
}

/* A RIB with one class (BTBE), limit paths per class; peers 0..3 are in ASes 5, 7, 3, 7. */
static void
rib_one_class(struct rae_rib *rib, uint32_t limit, bool flat)
{
	struct rae_decide_params dp = { &btbe, 1, flat, limit, NULL };

	rae_rib_init(rib, &dp);
}

static struct rae_attr *
mk_attr(struct rae_rib *rib, const uint32_t *asn, unsigned len, double delay, double loss,
	double bw)
{
	struct rae_metric m = { delay, loss, bw };
	struct rae_aspath *p = rae_aspath_get(asn, len);
	struct rae_attr *a = rae_attr_get(rib, p, 1, &m);

	rae_aspath_put(p);
	return a;
}

static void
test_rank_ties(void)
{
	struct rae_rib rib;
	struct prefix pfx;
	struct rae_dest *d;
	struct rae_attr *a;
	const uint32_t p5[] = { 5, 9 }, p7[] = { 7, 9 }, p3[] = { 3, 8, 9 }, p7b[] = { 7, 1, 9 };
	const struct rae_path *path;

	rib_one_class(&rib, 2, false);
	prefix_parse("10.9.0.0/16", &pfx);
	d = rae_rib_get(&rib, &pfx);
	/* Four paths with the same metric, hence the same score. */
	a = mk_attr(&rib, p3, 3, 0.5, 1e-5, 4e6);
	CU_ASSERT_TRUE(rae_rib_update(&rib, d, 2, &a, 1));
	rae_attr_put(&rib, a);
	a = mk_attr(&rib, p7, 2, 0.5, 1e-5, 4e6);
	CU_ASSERT_TRUE(rae_rib_update(&rib, d, 1, &a, 1));
	rae_attr_put(&rib, a);
	a = mk_attr(&rib, p5, 2, 0.5, 1e-5, 4e6);
	CU_ASSERT_TRUE(rae_rib_update(&rib, d, 0, &a, 1));
	rae_attr_put(&rib, a);
	/* Shorter AS paths win over AS 3's; between 5 and 7 the lower next-hop AS. */
	for (path = d->paths; path; path = path->next)
		CU_ASSERT_EQUAL(path->pref, path->peer == 2 ? 0 : 1);
	/* A longer path through the other AS 7 peer changes nothing. */
	a = mk_attr(&rib, p7b, 3, 0.5, 1e-5, 4e6);
	CU_ASSERT_FALSE(rae_rib_update(&rib, d, 3, &a, 1));
	rae_attr_put(&rib, a);
	/* A better score beats a shorter path: AS 3's path becomes first. */
	a = mk_attr(&rib, p3, 3, 0.4, 1e-5, 4e6);
	CU_ASSERT_TRUE(rae_rib_update(&rib, d, 2, &a, 1));
	rae_attr_put(&rib, a);
	for (path = d->paths; path; path = path->next)
		CU_ASSERT_EQUAL(path->pref, (path->peer == 2 || path->peer == 0) ? 1 : 0);
	/* The same update again is no change. */
	a = mk_attr(&rib, p3, 3, 0.4, 1e-5, 4e6);
	CU_ASSERT_FALSE(rae_rib_update(&rib, d, 2, &a, 1));
	rae_attr_put(&rib, a);
	/* Withdrawing a preferred path is one; AS 7 moves up. */
	CU_ASSERT_TRUE(rae_rib_update(&rib, d, 0, NULL, 0));
	for (path = d->paths; path; path = path->next)
		CU_ASSERT_EQUAL(path->pref, (path->peer == 2 || path->peer == 1) ? 1 : 0);
	rae_rib_fini(&rib);
}

static void
test_rank_penalty_and_flat(void)
{
	struct rae_rib rib;
	struct prefix pfx;
	struct rae_dest *d;
	struct rae_attr *a;
	const uint32_t p5[] = { 5 }, p7[] = { 7 };
	const struct rae_path *path;

	/*
	 * Path via 5: delay 0.1 (sigma 1.8), loss 1e-5, bw 4e6.
	 * Path via 7: delay 0.5, loss 1e-5, bw 40e6 (sigma 13).
	 * Inverse: via 5: u = (2 - 1/1.8, 1, 1) -> 1 + 0.01 (3.4444) = 1.034444;
	 *          via 7: u = (1, 1, 2 - 1/13) -> 1 + 0.01 (3.923) = 1.03923: 7 wins.
	 * Flat: both 1 + 0.03: a tie, both AS paths of length 1, AS 5 wins.
	 */
	for (int flat = 0; flat <= 1; flat++) {
		rib_one_class(&rib, 1, flat);
		prefix_parse("2001:db8::/32", &pfx);
		d = rae_rib_get(&rib, &pfx);
		a = mk_attr(&rib, p5, 1, 0.1, 1e-5, 4e6);
		rae_rib_update(&rib, d, 0, &a, 1);
		rae_attr_put(&rib, a);
		a = mk_attr(&rib, p7, 1, 0.5, 1e-5, 40e6);
		rae_rib_update(&rib, d, 1, &a, 1);
		rae_attr_put(&rib, a);
		for (path = d->paths; path; path = path->next)
			CU_ASSERT_EQUAL(path->pref, path->peer == (flat ? 0 : 1) ? 1 : 0);
		rae_rib_fini(&rib);
	}
	/* A path below the reservation level still ranks, last: -10 sigma. */
	rib_one_class(&rib, 2, false);
	prefix_parse("10.0.0.0/8", &pfx);
	d = rae_rib_get(&rib, &pfx);
	a = mk_attr(&rib, p5, 1, 2.0, 1e-5, 4e6);	/* sigma -2: u -20 */
	rae_rib_update(&rib, d, 0, &a, 1);
	CU_ASSERT_DOUBLE_EQUAL(rae_score(&rib.dp.dp[0], &a->m[0], rib.dp.flat), -20.0 + 0.01 * (-20.0 + 1 + 1), EPS);
	rae_attr_put(&rib, a);
	a = mk_attr(&rib, p7, 1, 1.1, 1e-5, 4e6);	/* sigma -0.2: u -2 */
	rae_rib_update(&rib, d, 1, &a, 1);
	rae_attr_put(&rib, a);
	CU_ASSERT_EQUAL(d->paths->pref, 1);
	CU_ASSERT_EQUAL(d->paths->next->pref, 1);
	rae_rib_fini(&rib);
}

static void
test_rib_interning(void)
{
	struct rae_rib rib;
	const uint32_t asn[] = { 5, 9, 11 };
	struct rae_aspath *p1, *p2;
	struct rae_attr *a1, *a2;
	struct rae_metric m = { 0.01, 0, 1e6 };
	size_t cells = rae_aspath_cells();

	rib_one_class(&rib, 1, false);
	p1 = rae_aspath_get(asn, 3);
	p2 = rae_aspath_get(asn, 3);
	CU_ASSERT_PTR_EQUAL(p1, p2);
	CU_ASSERT_EQUAL(p1->refcnt, 2);
	CU_ASSERT_TRUE(rae_aspath_contains(p1, 9));
	CU_ASSERT_FALSE(rae_aspath_contains(p1, 7));
	a1 = rae_attr_get(&rib, p1, 1, &m);
	a2 = rae_attr_get(&rib, p2, 1, &m);
	CU_ASSERT_PTR_EQUAL(a1, a2);
	CU_ASSERT_EQUAL(a1->refcnt, 2);
	CU_ASSERT_EQUAL(p1->refcnt, 3);		/* two of ours and the attribute's */
	m.delay = 0.02;
	a2 = rae_attr_get(&rib, p2, 1, &m);
	CU_ASSERT_PTR_NOT_EQUAL(a1, a2);
	rae_attr_put(&rib, a2);
	rae_attr_put(&rib, a1);
	rae_attr_put(&rib, a1);
	CU_ASSERT_EQUAL(g_hash_table_size(rib.attrs), 0);
	/* One cell an AS; the tail of the path is a path of its own. */
	CU_ASSERT_EQUAL(rae_aspath_cells(), cells + 3);
	CU_ASSERT_PTR_EQUAL(rae_aspath_get(asn + 1, 2), p1->rest);
	CU_ASSERT_EQUAL(p1->rest->refcnt, 2);
	CU_ASSERT_EQUAL(p1->rest->len, 2);
	rae_aspath_put(p1->rest);
	rae_aspath_put(p1);
	rae_aspath_put(p2);
	CU_ASSERT_EQUAL(rae_aspath_cells(), cells);
	rae_rib_fini(&rib);
}

/*
 * A received path is found by its rest when the store holds it: the
 * peer's AS in front of the cell the peer holds, the same cell a path
 * built AS by AS would be, with the same counts; a rest the store does
 * not hold, one that differs from a held one only at its origin or only
 * in its length, builds cells of its own.
 */
static void
test_rib_aspath_rest(void)
{
	const uint32_t held[] = { 9, 11, 13 }, recv[] = { 7, 9, 11, 13 };
	const uint32_t other[] = { 7, 9, 11, 14 }, shorter[] = { 7, 9, 11 };
	const uint32_t longer[] = { 7, 9, 11, 13, 15 };
	size_t cells = rae_aspath_cells();
	struct rae_aspath *h, *r, *o, *s, *l, *again;

	/* The hints read and change nothing, store empty or not, path held or not. */
	rae_aspath_prefetch(recv, 4, 0);
	rae_aspath_prefetch(recv, 4, 1);
	h = rae_aspath_get(held, 3);
	rae_aspath_prefetch(recv, 4, 0);
	rae_aspath_prefetch(recv, 4, 1);
	rae_aspath_prefetch(recv, 1, 1);
	CU_ASSERT_EQUAL(rae_aspath_cells(), cells + 3);
	CU_ASSERT_EQUAL(h->refcnt, 1);
	r = rae_aspath_get(recv, 4);
	CU_ASSERT_PTR_EQUAL(r->rest, h);
	CU_ASSERT_EQUAL(r->asn, 7);
	CU_ASSERT_EQUAL(r->len, 4);
	CU_ASSERT_EQUAL(h->refcnt, 2);		/* ours and r's */
	CU_ASSERT_EQUAL(r->refcnt, 1);
	CU_ASSERT_EQUAL(rae_aspath_cells(), cells + 4);
	again = rae_aspath_get(recv, 4);
	CU_ASSERT_PTR_EQUAL(again, r);
	CU_ASSERT_EQUAL(r->refcnt, 2);
	CU_ASSERT_EQUAL(h->refcnt, 2);
	rae_aspath_put(again);
	/* A path whose rest is r: r is found (it was stored where its content hashes). */
	{
		const uint32_t further[] = { 5, 7, 9, 11, 13 };
		struct rae_aspath *x = rae_aspath_get(further, 5);

		CU_ASSERT_PTR_EQUAL(x->rest, r);
		CU_ASSERT_EQUAL(rae_aspath_cells(), cells + 5);
		rae_aspath_put(x);
		CU_ASSERT_EQUAL(rae_aspath_cells(), cells + 4);
	}
	o = rae_aspath_get(other, 4);
	CU_ASSERT_PTR_NOT_EQUAL(o->rest, h);
	CU_ASSERT_EQUAL(o->rest->rest->rest->asn, 14);
	CU_ASSERT_PTR_NOT_EQUAL(o->rest->rest, h->rest);	/* 11 then 14, not 11 then 13 */
	s = rae_aspath_get(shorter, 3);
	CU_ASSERT_EQUAL(s->len, 3);
	CU_ASSERT_PTR_NULL(s->rest->rest->rest);
	CU_ASSERT_PTR_NOT_EQUAL(s->rest, h);
	l = rae_aspath_get(longer, 5);
	CU_ASSERT_EQUAL(l->len, 5);
	CU_ASSERT_PTR_NOT_EQUAL(l->rest, h);
	CU_ASSERT_EQUAL(l->rest->rest->rest->rest->asn, 15);
	rae_aspath_put(l);
	rae_aspath_put(s);
	rae_aspath_put(o);
	rae_aspath_put(r);
	CU_ASSERT_EQUAL(h->refcnt, 1);
	rae_aspath_put(h);
	CU_ASSERT_EQUAL(rae_aspath_cells(), cells);
}

/* The metric of attribute i, class slot s: every one different. */
static struct rae_metric
pool_metric(unsigned i, unsigned s)
{
	struct rae_metric m = { 1e-3 * i + s, 1e-7 * i, 1e6 + i + 1e3 * s };

	return m;
}

/* The AS path of attribute i (`salt` makes another family): 1 to 12 ASes. */
static unsigned
pool_aspath(unsigned i, unsigned salt, uint32_t *asn)
{
	unsigned len = 1 + i % 12;

	for (unsigned k = 0; k < len; k++)
		asn[k] = 100000 * salt + 13 * i + k;
	return len;
}

/*
 * The AS-path cells of attributes 0, step, 2 step, ... below n: one an AS
 * (no two of pool_aspath's paths share an AS).
 */
static size_t
pool_cells(unsigned n, unsigned step)
{
	size_t k = 0;

	for (unsigned i = 0; i < n; i += step)
		k += 1 + i % 12;
	return k;
}

static struct rae_attr *
pool_attr(struct rae_rib *rib, unsigned i, unsigned salt)
{
	struct rae_metric m[2] = { pool_metric(i, 0), pool_metric(i, 1) };
	uint32_t asn[12];
	unsigned len = pool_aspath(i, salt, asn);
	struct rae_aspath *p = rae_aspath_get(asn, len);
	struct rae_attr *a = rae_attr_get(rib, p, 3, m);

	rae_aspath_put(p);
	return a;
}

/* Whether attribute a holds, byte for byte, what pool_attr(i, salt) put in it. */
static bool
pool_attr_ok(const struct rae_attr *a, unsigned i, unsigned salt)
{
	uint32_t asn[12], got[12];
	unsigned len = pool_aspath(i, salt, asn);

	for (unsigned s = 0; s < 2; s++) {
		struct rae_metric m = pool_metric(i, s);

		if (memcmp(&a->m[s], &m, sizeof(m)) != 0)
			return false;
	}
	return a->classmask == 3 && a->aspath->len == len &&
	       rae_aspath_copy(a->aspath, got) == len &&
	       memcmp(got, asn, len * sizeof(uint32_t)) == 0;
}

/*
 * The pools the RIB takes its objects from (doc/rae.md, "The RIB"): two
 * classes, 3 000 attributes with AS paths of 1 to 12 ASes, every metric
 * different; half of them released and as many others made, which take
 * the freed objects (the chunks do not grow); every attribute still holds
 * exactly what it was given; a small RIB holds small chunks.
 */
static void
test_rib_pools(void)
{
	enum { N = 3000 };
	struct rae_dparams dps[2];
	struct rae_decide_params dp = { dps, 2, false, 1, NULL };
	struct rae_rib rib;
	struct rae_attr **v = g_new(struct rae_attr *, N);
	struct prefix pfx;
	struct rae_dest *d;
	size_t bytes, cells = rae_aspath_cells();
	unsigned bad = 0;

	dps[0] = btbe;
	dps[1] = btbe;
	dps[1].cos = 2;
	rae_rib_init(&rib, &dp);
	for (unsigned i = 0; i < N; i++)
		v[i] = pool_attr(&rib, i, 1);
	for (unsigned i = 0; i < N; i++)
		bad += !pool_attr_ok(v[i], i, 1);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(g_hash_table_size(rib.attrs), N);
	CU_ASSERT_EQUAL(rae_aspath_cells(), cells + pool_cells(N, 1));
	/* The same content again: the same object. */
	{
		struct rae_attr *again = pool_attr(&rib, 17, 1);

		CU_ASSERT_PTR_EQUAL(again, v[17]);
		CU_ASSERT_EQUAL(v[17]->refcnt, 2);
		rae_attr_put(&rib, again);
	}
	for (unsigned i = 1; i < N; i += 2)
		rae_attr_put(&rib, v[i]);
	CU_ASSERT_EQUAL(g_hash_table_size(rib.attrs), N / 2);
	CU_ASSERT_EQUAL(rae_aspath_cells(), cells + pool_cells(N, 2));
	bytes = rib.pool_bytes;
	/* Others of the same lengths: made from what was freed. */
	for (unsigned i = 1; i < N; i += 2)
		v[i] = pool_attr(&rib, i, 2);
	CU_ASSERT_EQUAL(rib.pool_bytes, bytes);
	bad = 0;
	for (unsigned i = 0; i < N; i++)
		bad += !pool_attr_ok(v[i], i, i % 2 ? 2 : 1);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_TRUE(rae_rib_memory(&rib) >= rib.pool_bytes);
	for (unsigned i = 0; i < N; i++)
		rae_attr_put(&rib, v[i]);
	CU_ASSERT_EQUAL(g_hash_table_size(rib.attrs), 0);
	CU_ASSERT_EQUAL(rae_aspath_cells(), cells);
	rae_rib_fini(&rib);
	g_free(v);

	/* One destination, one path: the slot table and chunks of 32, under 16 KB. */
	rae_rib_init(&rib, &dp);
	prefix_parse("10.1.0.0/16", &pfx);
	d = rae_rib_get(&rib, &pfx);
	{
		struct rae_attr *a = pool_attr(&rib, 5, 1);

		rae_rib_update(&rib, d, 0, &a, 1);
		rae_attr_put(&rib, a);
	}
	CU_ASSERT_EQUAL(rib.npaths, 1);
	CU_ASSERT_TRUE(pool_attr_ok(d->paths->u.attr, 5, 1));
	CU_ASSERT_TRUE(rae_rib_memory(&rib) < 16384);
	rae_rib_fini(&rib);
}

/*
 * Attributes a path holds itself (a template of refcnt 0, as an update
 * of one prefix gives them): copied into the path, nothing interned;
 * they read, compare and count as the same attributes interned would.
 */
static void
test_rib_own_attrs(void)
{
	struct rae_rib rib;
	struct prefix pfx;
	struct rae_dest *d;
	const uint32_t p5[] = { 5, 9 }, p7[] = { 7, 9 };
	union {
		struct rae_attr a;
		char bytes[sizeof(struct rae_attr) + sizeof(struct rae_metric)];
	} t;
	struct rae_attr *tp = &t.a, *a;
	size_t cells = rae_aspath_cells(), mvecs = rae_mvec_count();
	struct prefix pfx2;
	struct rae_dest *d2;

	rib_one_class(&rib, 1, false);
	CU_ASSERT_EQUAL(rae_attr_size(&rib), sizeof(t));
	prefix_parse("10.9.0.0/16", &pfx);
	d = rae_rib_get(&rib, &pfx);
	memset(&t, 0, sizeof(t));
	tp->aspath = rae_aspath_get(p5, 2);
	tp->classmask = 1;
	tp->nslots = 1;
	tp->m[0].delay = 0.5;
	tp->m[0].loss = 1e-5;
	tp->m[0].bw = 4e6;
	CU_ASSERT_TRUE(rae_rib_update(&rib, d, 0, &tp, 1));
	CU_ASSERT_EQUAL(g_hash_table_size(rib.attrs), 0);
	CU_ASSERT_EQUAL(d->paths->classmask, 1);
	CU_ASSERT_PTR_EQUAL(rae_path_aspath(d->paths), tp->aspath);
	CU_ASSERT_EQUAL(tp->aspath->refcnt, 2);		/* ours and the path's */
	CU_ASSERT_EQUAL(rae_path_metric(d->paths, 0)->delay, 0.5);
	CU_ASSERT_EQUAL(rae_path_classes(d->paths), 1);
	/* The same attributes again, interned this time: no change. */
	a = mk_attr(&rib, p5, 2, 0.5, 1e-5, 4e6);
	CU_ASSERT_FALSE(rae_rib_update(&rib, d, 0, &a, 1));
	CU_ASSERT_EQUAL(d->paths->classmask, 0);
	/* ... and back to its own: still none. */
	CU_ASSERT_FALSE(rae_rib_update(&rib, d, 0, &tp, 1));
	/* Another metric is a change. */
	tp->m[0].delay = 0.4;
	CU_ASSERT_TRUE(rae_rib_update(&rib, d, 0, &tp, 1));
	/* Peer 1 with the interned attributes: 2 paths, 2 attribute sets, 1 AS path. */
	rae_rib_update(&rib, d, 1, &a, 1);
	CU_ASSERT_EQUAL(rae_rib_attrs(&rib), 2);
	CU_ASSERT_EQUAL(rae_rib_aspaths(&rib), 1);
	tp->m[0].delay = 0.5;
	rae_rib_update(&rib, d, 0, &tp, 1);
	CU_ASSERT_EQUAL(rae_rib_attrs(&rib), 1);
	rae_attr_put(&rib, a);
	a = mk_attr(&rib, p7, 2, 0.5, 1e-5, 4e6);
	rae_rib_update(&rib, d, 1, &a, 1);
	rae_attr_put(&rib, a);
	CU_ASSERT_EQUAL(rae_rib_attrs(&rib), 2);
	CU_ASSERT_EQUAL(rae_rib_aspaths(&rib), 2);
	/* Another destination with the same metrics: one vector for both paths. */
	CU_ASSERT_EQUAL(rae_mvec_count(), mvecs + 1);
	prefix_parse("10.8.0.0/16", &pfx2);
	d2 = rae_rib_get(&rib, &pfx2);
	rae_rib_update(&rib, d2, 0, &tp, 1);
	CU_ASSERT_EQUAL(rae_mvec_count(), mvecs + 1);
	CU_ASSERT_PTR_EQUAL(((struct rae_path_own *)d2->paths)->mv,
			    ((struct rae_path_own *)d->paths)->mv);
	tp->m[0].loss = 2e-5;
	rae_rib_update(&rib, d2, 0, &tp, 1);
	CU_ASSERT_EQUAL(rae_mvec_count(), mvecs + 2);
	CU_ASSERT_EQUAL(rae_path_metric(d2->paths, 0)->loss, 2e-5);
	CU_ASSERT_EQUAL(rae_path_metric(d->paths, 0)->loss, 1e-5);
	rae_aspath_put(tp->aspath);
	/* The RIB gives back the AS paths and metric vectors its paths hold. */
	rae_rib_fini(&rib);
	CU_ASSERT_EQUAL(rae_aspath_cells(), cells);
	CU_ASSERT_EQUAL(rae_mvec_count(), mvecs);
}

/*
 * Destinations by the process's prefix numbers: two RIBs number a prefix
 * alike; the per-peer bits keep a destination while any is set, and
 * clearing one that is not set changes nothing.
 */
static bool
prefix_eq_test(const struct prefix *a, const struct prefix *b)
{
	return a->len == b->len && addr_eq(&a->addr, &b->addr);
}

static void
test_rib_numbers(void)
{
	struct rae_rib r1, r2;
	struct prefix p1, p2;
	struct rae_dest *d1, *d2;

	rib_one_class(&r1, 1, false);
	rib_one_class(&r2, 1, false);
	prefix_parse("10.7.0.0/16", &p1);
	prefix_parse("2001:db8:7::/48", &p2);
	d1 = rae_rib_get(&r1, &p1);
	d2 = rae_rib_get(&r2, &p1);
	CU_ASSERT_EQUAL(d1->num, d2->num);
	CU_ASSERT_EQUAL(rae_prefix_num(&p1), d1->num);
	CU_ASSERT_NOT_EQUAL(rae_prefix_num(&p2), d1->num);
	CU_ASSERT_TRUE(prefix_eq_test(rae_dest_prefix(d1), &p1));
	CU_ASSERT_PTR_NULL(rae_rib_lookup(&r1, &p2));
	/* Peer 40's bit: set twice counts once; the destination stays while it is set. */
	rae_dest_set_adv(&r1, d1, 40, true);
	rae_dest_set_adv(&r1, d1, 40, true);
	CU_ASSERT_EQUAL(d1->nadv, 1);
	CU_ASSERT_TRUE(rae_dest_adv(&r1, d1, 40));
	CU_ASSERT_FALSE(rae_dest_adv(&r1, d1, 39));
	CU_ASSERT_FALSE(rae_dest_adv(&r2, d2, 40));
	rae_dest_set_queued(&r1, d1, 3, false);
	CU_ASSERT_EQUAL(d1->nqueued, 0);
	rae_dest_set_queued(&r1, d1, 3, true);
	rae_rib_release(&r1, d1);
	CU_ASSERT_PTR_EQUAL(rae_rib_lookup(&r1, &p1), d1);
	rae_dest_set_adv(&r1, d1, 40, false);
	rae_rib_release(&r1, d1);
	CU_ASSERT_PTR_EQUAL(rae_rib_lookup(&r1, &p1), d1);
	rae_dest_set_queued(&r1, d1, 3, false);
	rae_rib_release(&r1, d1);
	CU_ASSERT_PTR_NULL(rae_rib_lookup(&r1, &p1));
	CU_ASSERT_EQUAL(r1.count, 0);
	/* Made again: no bit left over from before. */
	d1 = rae_rib_get(&r1, &p1);
	CU_ASSERT_FALSE(rae_dest_adv(&r1, d1, 40));
	CU_ASSERT_FALSE(rae_dest_queued(&r1, d1, 3));
	rae_rib_fini(&r1);
	rae_rib_fini(&r2);
}

/*
 * The drain's groups: 5 000 members over 700 keys of one item, and keys
 * of two items whose first is one of those: every group made once, in
 * the order first seen, its members in the order added, a longer key
 * never taken for a shorter one that begins like it.
 */
static void
test_drain_groups(void)
{
	enum { NKEYS = 700, NMEMBERS = 5000 };
	struct rae_groups t;
	uint64_t key[2];
	int item[2];
	uint32_t made = 0, n = 0;

	rae_groups_init(&t, sizeof(int), sizeof(uint64_t));
	for (int i = 0; i < NMEMBERS; i++) {
		bool m;
		uint32_t gi;

		key[0] = (uint64_t)(i % NKEYS) * 0x10001u;
		item[0] = i % NKEYS;
		gi = rae_groups_add(&t, item, key, 1, GINT_TO_POINTER(i + 1), &m);
		made += m;
		if (gi != (uint32_t)(i % NKEYS) || m != (i < NKEYS))
			n++;
	}
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(made, NKEYS);
	CU_ASSERT_EQUAL(t.n, NKEYS);
	CU_ASSERT_EQUAL(t.nm, NMEMBERS);
	/* Two items, the first as key 5's: a group of its own, then found again. */
	key[0] = 5 * 0x10001u;
	key[1] = 77;
	item[0] = 5;
	item[1] = -1;
	{
		bool m1, m2;
		uint32_t g1 = rae_groups_add(&t, item, key, 2, GINT_TO_POINTER(-1), &m1);
		uint32_t g2 = rae_groups_add(&t, item, key, 2, GINT_TO_POINTER(-2), &m2);

		CU_ASSERT_TRUE(m1);
		CU_ASSERT_FALSE(m2);
		CU_ASSERT_EQUAL(g1, NKEYS);
		CU_ASSERT_EQUAL(g2, NKEYS);
		CU_ASSERT_EQUAL(t.g[g1].nitems, 2);
		CU_ASSERT_EQUAL(((const int *)rae_groups_items(&t, g1))[1], -1);
	}
	/* Each group: its items, its members in order (i, i + 700, ...), its count. */
	n = 0;
	for (uint32_t gi = 0; gi < NKEYS; gi++) {
		int want = (int)gi, count = 0;

		if (*(const int *)rae_groups_items(&t, gi) != (int)gi)
			n++;
		for (uint32_t m = t.g[gi].first; m != UINT32_MAX; m = t.m[m].next, count++) {
			if (GPOINTER_TO_INT(t.m[m].member) != want + 1)
				n++;
			want += NKEYS;
		}
		if ((uint32_t)count != t.g[gi].nmembers || want < NMEMBERS)
			n++;
	}
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_EQUAL(GPOINTER_TO_INT(t.m[t.g[NKEYS].first].member), -1);
	CU_ASSERT_EQUAL(GPOINTER_TO_INT(t.m[t.g[NKEYS].last].member), -2);
	/*
	 * Emptied for the next drain, its room kept: a key of before is new
	 * again and groups are numbered from 0; both ways of emptying the
	 * lookup (a few groups in a large table, then many).
	 */
	rae_groups_clear(&t, 4096);
	CU_ASSERT_EQUAL(t.n, 0);
	CU_ASSERT_EQUAL(t.nm, 0);
	CU_ASSERT_TRUE(t.gcap >= NKEYS);
	for (int round = 0; round < 2; round++) {
		int nk = round ? NKEYS : 3;

		n = made = 0;
		for (int i = 0; i < 2 * nk; i++) {
			bool m;

			key[0] = (uint64_t)((i + round) % nk) * 0x10001u;
			item[0] = i;
			if (rae_groups_add(&t, item, key, 1, GINT_TO_POINTER(i), &m) != (uint32_t)(i % nk))
				n++;
			made += m;
		}
		CU_ASSERT_EQUAL(n, 0);
		CU_ASSERT_EQUAL(made, (uint32_t)nk);
		CU_ASSERT_EQUAL(t.n, (uint32_t)nk);
		rae_groups_clear(&t, 4096);
	}
	/* A table that held more than `keep` groups gives its room back. */
	rae_groups_add(&t, item, key, 1, NULL, &(bool){ false });
	rae_groups_clear(&t, 0);
	CU_ASSERT_EQUAL(t.gcap, 0);
	CU_ASSERT_PTR_NULL(t.slot);
	CU_ASSERT_TRUE(rae_groups_add(&t, item, key, 1, NULL, &(bool){ false }) == 0);
	rae_groups_fini(&t);
}

/* 200 000 prefixes in, every other one out, the rest still found. */
static void
test_rib_table(void)
{
	enum { N = 200000 };
	struct rae_rib rib;
	struct rae_attr *a;
	const uint32_t asn[] = { 5 };
	struct prefix pfx;
	unsigned bad = 0;
	size_t n;
	struct rae_dest **v;

	rib_one_class(&rib, 1, false);
	a = mk_attr(&rib, asn, 1, 0.1, 0, 1e6);
	for (uint32_t i = 0; i < N; i++) {
		pfx.addr = addr_v4(0x10000000u + (i << 8));
		pfx.len = 24;
		rae_rib_update(&rib, rae_rib_get(&rib, &pfx), 0, &a, 1);
	}
	CU_ASSERT_EQUAL(rib.count, N);
	CU_ASSERT_EQUAL(rib.npaths, N);
	CU_ASSERT_EQUAL(a->refcnt, N + 1);	/* one attribute for all */
	for (uint32_t i = 0; i < N; i += 2) {
		struct rae_dest *d;

		pfx.addr = addr_v4(0x10000000u + (i << 8));
		d = rae_rib_lookup(&rib, &pfx);
		rae_rib_update(&rib, d, 0, NULL, 0);
		rae_rib_release(&rib, d);
	}
	CU_ASSERT_EQUAL(rib.count, N / 2);
	for (uint32_t i = 0; i < N; i++) {
		struct rae_dest *d;

		pfx.addr = addr_v4(0x10000000u + (i << 8));
		d = rae_rib_lookup(&rib, &pfx);
		if ((i % 2 == 0) != (d == NULL) || (d && !prefix_contains(rae_dest_prefix(d), &pfx.addr)))
			bad++;
	}
	CU_ASSERT_EQUAL(bad, 0);
	v = rae_rib_sorted(&rib, false, &n);
	CU_ASSERT_EQUAL(n, N / 2);
	for (size_t i = 1; i < n; i++)
		if (memcmp(rae_dest_prefix(v[i - 1])->addr.a, rae_dest_prefix(v[i])->addr.a, 4) >= 0)
			bad++;
	CU_ASSERT_EQUAL(bad, 0);
	g_free(v);
	rae_attr_put(&rib, a);
	rae_rib_fini(&rib);
}

/* ---- the configuration file ---- */

/* A small configuration built in C: AS 11, two classes, one peer, a prefix, one provisioning. */
static uint8_t *
pack_small_config(size_t *len, bool bad_port)
{
	Comet__Rae__Config__ConfigurationMessage m = COMET__RAE__CONFIG__CONFIGURATION_MESSAGE__INIT;
	Comet__Rae__Config__DecisionParameters dp = COMET__RAE__CONFIG__DECISION_PARAMETERS__INIT,
					       *dpv[1] = { &dp };
	Comet__Rae__Config__Peer peer = COMET__RAE__CONFIG__PEER__INIT, *pv[1] = { &peer };
	Comet__Rae__Config__Metric met = COMET__RAE__CONFIG__METRIC__INIT;
	Comet__Rae__Config__ClassEntry ce = COMET__RAE__CONFIG__CLASS_ENTRY__INIT, *cv[1] = { &ce };
	Comet__Rae__Config__Prefix pfx = COMET__RAE__CONFIG__PREFIX__INIT, *pfv[1] = { &pfx };
	Comet__Rae__Config__Prefix spfx = COMET__RAE__CONFIG__PREFIX__INIT;
	Comet__Rae__Config__Endpoint src = COMET__RAE__CONFIG__ENDPOINT__INIT;
	Comet__Rae__Config__Endpoint sink = COMET__RAE__CONFIG__ENDPOINT__INIT;
	Comet__Rae__Config__Provisioning pr = COMET__RAE__CONFIG__PROVISIONING__INIT, *prv[1] = { &pr };
	uint8_t *buf;

	m.has_limit_of_preferred_paths = 1;
	m.limit_of_preferred_paths = 3;
	m.has_local_as_number = 1;
	m.local_as_number = 11;
	m.local_ip_address = "10.203.3.1";
	m.has_local_port_number = 1;
	m.local_port_number = bad_port ? 70000 : 10001;
	m.has_minimum_update_interval = 1;
	m.minimum_update_interval = 15;
	dp.has_id = 1;
	dp.id = 1;
	dp.has_delay_aspiration = dp.has_delay_reservation = 1;
	dp.delay_aspiration = 0.5;
	dp.delay_reservation = 1.0;
	dp.has_loss_aspiration = dp.has_loss_reservation = 1;
	dp.loss_aspiration = 1e-5;
	dp.loss_reservation = 1e-3;
	dp.has_bandwidth_aspiration = dp.has_bandwidth_reservation = 1;
	dp.bandwidth_aspiration = 4e6;
	dp.bandwidth_reservation = 1e6;
	m.n_decision_parameters = 1;
	m.decision_parameters = dpv;
	peer.has_remote_as_number = 1;
	peer.remote_as_number = 5;
	peer.remote_ip_address = "10.5.3.1";
	peer.has_remote_port_number = 1;
	peer.remote_port_number = 10001;
	met.has_loss_ratio = 1;
	met.loss_ratio = 1e-6;
	met.has_supported_bandwidth = 1;
	met.supported_bandwidth = 10e6;
	ce.has_cos_id = 1;
	ce.cos_id = 1;
	ce.metric = &met;
	peer.n_class_table = 1;
	peer.class_table = cv;
	m.n_peer_table = 1;
	m.peer_table = pv;
	pfx.ip_address = "10.203.1.0";
	pfx.has_prefix_length = 1;
	pfx.prefix_length = 24;
	m.n_prefix_table = 1;
	m.prefix_table = pfv;
	spfx = pfx;
	src.endpoint_case = COMET__RAE__CONFIG__ENDPOINT__ENDPOINT_AS_NUMBER;
	src.as_number = 5;
	sink.endpoint_case = COMET__RAE__CONFIG__ENDPOINT__ENDPOINT_PREFIX;
	sink.prefix = &spfx;
	pr.source = &src;
	pr.sink = &sink;
	pr.n_class_table = 1;
	pr.class_table = cv;
	m.n_provisioning_table = 1;
	m.provisioning_table = prv;
	*len = comet__rae__config__configuration_message__get_packed_size(&m);
	buf = g_malloc(*len + 16);
	comet__rae__config__configuration_message__pack(&m, buf);
	return buf;
}

static const char small_xml[] =
	"<?xml version=\"1.0\"?>\n"
	"<rae-config limit_of_preferred_paths=\"3\" local_as_number=\"11\"\n"
	"            local_ip_address=\"10.203.3.1\" local_port_number=\"10001\"\n"
	"            minimum_update_interval=\"15\">\n"
	"  <decision_parameters id=\"1\" delay_aspiration=\"0.5\" delay_reservation=\"1.0\"\n"
	"     loss_aspiration=\"1e-5\" loss_reservation=\"1e-3\" bandwidth_aspiration=\"4e6\"\n"
	"     bandwidth_reservation=\"1e6\"/>\n"
	"  <peer_table remote_as_number=\"5\" remote_ip_address=\"10.5.3.1\" remote_port_number=\"10001\">\n"
	"    <class_table cos_id=\"1\"><metric loss_ratio=\"1e-6\" supported_bandwidth=\"10e6\"/></class_table>\n"
	"  </peer_table>\n"
	"  <prefix_table ip_address=\"10.203.1.0\" prefix_length=\"24\"/>\n"
	"  <provisioning_table>\n"
	"    <source as_number=\"5\"/>\n"
	"    <sink><prefix ip_address=\"10.203.1.0\" prefix_length=\"24\"/></sink>\n"
	"    <class_table cos_id=\"1\"><metric loss_ratio=\"1e-6\" supported_bandwidth=\"10e6\"/></class_table>\n"
	"  </provisioning_table>\n"
	"</rae-config>\n";

static void
test_config_binary(void)
{
	char err[512];
	size_t len;
	uint8_t *buf = pack_small_config(&len, false);
	struct rae_config *c;
	const struct rae_prov *pv;
	struct prefix p;

	c = rae_config_parse(buf, len, "small.pb2", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->limit, 3);
	CU_ASSERT_EQUAL(c->local_as, 11);
	CU_ASSERT_EQUAL(c->local_port, 10001);
	CU_ASSERT_EQUAL(c->min_update_interval, 15);
	CU_ASSERT_FALSE(c->has_cme);
	CU_ASSERT_FALSE(c->flat);
	CU_ASSERT_EQUAL(c->ndp, 1);
	CU_ASSERT_EQUAL(c->dp[0].bw_a, 4e6);
	CU_ASSERT_EQUAL(c->npeers, 1);
	CU_ASSERT_EQUAL(c->peers[0].asn, 5);
	CU_ASSERT_EQUAL(c->peers[0].classes[0].m.delay, 0.0);	/* absent: 0 */
	CU_ASSERT_TRUE(isinf(rae_cmetric_find(c->peers[0].classes, 1, 1)->bw) == 0);
	prefix_parse("10.203.1.0/24", &p);
	pv = rae_config_prov(c, 5, false, 0, &p);
	CU_ASSERT_PTR_NOT_NULL(pv);
	CU_ASSERT_PTR_NULL(rae_config_prov(c, 9, false, 0, &p));
	CU_ASSERT_PTR_NULL(rae_config_prov(c, 5, true, 9, &p));
	rae_config_free(c);

	/* Unknown fields are ignored: field 99 (varint) and 100 (bytes) appended. */
	{
		uint8_t *b2 = g_malloc(len + 8);

		memcpy(b2, buf, len);
		memcpy(b2 + len, "\x98\x06\x07\xa2\x06\x02xy", 8);
		c = rae_config_parse(b2, len + 8, "unknown.pb2", err, sizeof(err));
		CU_ASSERT_PTR_NOT_NULL(c);
		rae_config_free(c);
		g_free(b2);
	}
	/* Truncated anywhere inside: an error naming the file, never a crash. */
	for (size_t cut = 1; cut < len; cut++) {
		c = rae_config_parse(buf, cut, "cut.pb2", err, sizeof(err));
		if (c) {
			/* A cut between fields is a valid shorter message, checked semantically. */
			rae_config_free(c);
			continue;
		}
		CU_ASSERT_EQUAL(strncmp(err, "cut.pb2:", 8), 0);
	}
	c = rae_config_parse(buf, len - 1, "cut.pb2", err, sizeof(err));
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "not a valid ConfigurationMessage"));
	/* Out of range. */
	g_free(buf);
	buf = pack_small_config(&len, true);
	c = rae_config_parse(buf, len, "port.pb2", err, sizeof(err));
	CU_ASSERT_PTR_NULL(c);
	CU_ASSERT_STRING_EQUAL(err, "port.pb2: local_port_number: 70000 is not a port number "
			       "(1..65535)");
	g_free(buf);
}

static void
test_config_wrong_type(void)
{
	/* local_as_number (field 2) written as a string: tag 0x12. */
	static const uint8_t wrong[] = { 0x08, 0x03, 0x12, 0x02, '1', '1' };
	/* local_ip_address (field 3) written as a varint: tag 0x18. */
	static const uint8_t wrong2[] = { 0x10, 0x0b, 0x18, 0x05 };
	/* peer_table[0].remote_as_number (1) as a 64-bit value: 52 09 09 <8 bytes>. */
	static const uint8_t wrong3[] = { 0x52, 0x09, 0x09, 1, 2, 3, 4, 5, 6, 7, 8 };
	/* A string with a NUL inside: local_ip_address = "10\0.1" */
	static const uint8_t nul[] = { 0x1a, 0x05, '1', '0', 0, '.', '1' };
	char err[512];

	CU_ASSERT_PTR_NULL(rae_config_parse(wrong, sizeof(wrong), "w.pb2", err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "w.pb2: not a valid ConfigurationMessage: local_as_number: "
			       "wire type 2 (length-delimited), expected 0 (varint) (byte 2)");
	CU_ASSERT_PTR_NULL(rae_config_parse(wrong2, sizeof(wrong2), "w.pb2", err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "local_ip_address: wire type 0 (varint), expected 2"));
	CU_ASSERT_PTR_NULL(rae_config_parse(wrong3, sizeof(wrong3), "w.pb2", err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "peer_table[0].remote_as_number: wire type 1"));
	CU_ASSERT_PTR_NULL(rae_config_parse(nul, sizeof(nul), "w.pb2", err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "local_ip_address: string holds a NUL byte"));
	/* Missing fields and empty files. */
	CU_ASSERT_PTR_NULL(rae_config_parse((const uint8_t *)"", 0, "e.pb2", err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "e.pb2: local_as_number: missing");
	CU_ASSERT_PTR_NULL(rae_config_load("/nonexistent/rae.pb2", err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "/nonexistent/rae.pb2: cannot read: No such file or directory");
}

/* Write text to a temporary file; returns its name (g_free). */
static char *
tmp_file(const void *data, size_t len)
{
	char *name = g_strdup("/tmp/test_rae.XXXXXX");
	int fd = mkstemp(name);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, data, len), (ssize_t)len);
	close(fd);
	return name;
}

static void
test_config_xml(void)
{
	char err[512];
	size_t len, xlen;
	uint8_t *buf = pack_small_config(&len, false), *xbuf = NULL;
	struct rae_config *c;
	char *f, *out;
	gchar *back = NULL;
	gsize backlen = 0;

	/* The XML form packs to exactly the bytes of the message built in C. */
	CU_ASSERT_EQUAL_FATAL(rae_config_xml_pack(small_xml, strlen(small_xml), "s.xml", &xbuf,
						  &xlen, NULL, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(xlen, len);
	CU_ASSERT_EQUAL(memcmp(xbuf, buf, len), 0);
	g_free(xbuf);
	/*
	 * The same numbers written with units, and the exponents written out,
	 * pack to the same bytes: the one grammar reads them exactly.
	 */
	{
		GString *g = g_string_new(small_xml);

		g_string_replace(g, "delay_aspiration=\"0.5\"", "delay_aspiration=\"500ms\"", 0);
		g_string_replace(g, "delay_reservation=\"1.0\"", "delay_reservation=\"1s\"", 0);
		g_string_replace(g, "loss_reservation=\"1e-3\"", "loss_reservation=\"0.1%\"", 0);
		g_string_replace(g, "bandwidth_aspiration=\"4e6\"",
				 "bandwidth_aspiration=\"4Mbps\"", 0);
		g_string_replace(g, "bandwidth_reservation=\"1e6\"",
				 "bandwidth_reservation=\"1000000\"", 0);
		CU_ASSERT_EQUAL(g_string_replace(g, "supported_bandwidth=\"10e6\"",
						 "supported_bandwidth=\"10Mbit/s\"", 0), 2);
		CU_ASSERT_EQUAL_FATAL(rae_config_xml_pack(g->str, g->len, "u.xml", &xbuf, &xlen,
							  NULL, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL(xlen, len);
		CU_ASSERT_EQUAL(memcmp(xbuf, buf, len), 0);
		g_free(xbuf);
		g_string_free(g, TRUE);
	}

	f = tmp_file(small_xml, strlen(small_xml));
	c = rae_config_load(f, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL(c);
	rae_config_free(c);
	/* The converter writes the binary form. */
	out = g_strdup_printf("%s.pb2", f);
	CU_ASSERT_EQUAL(rae_config_convert(f, out, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(g_file_get_contents(out, &back, &backlen, NULL));
	CU_ASSERT_EQUAL(backlen, len);
	CU_ASSERT_EQUAL(memcmp(back, buf, len), 0);
	g_free(back);
	unlink(out);
	g_free(out);
	unlink(f);
	g_free(f);
	g_free(buf);

	/* A value error cites the line of the element. */
	{
		GString *g = g_string_new(small_xml);
		char *p = strstr(g->str, "10.5.3.1");

		memcpy(p, "10.5.3.x", 8);
		f = tmp_file(g->str, g->len);
		CU_ASSERT_PTR_NULL(rae_config_load(f, err, sizeof(err)));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, ":8: peer_table[0].remote_ip_address: "
					      "\"10.5.3.x\" is not an IPv4 or IPv6 address"));
		CU_ASSERT_EQUAL(rae_config_convert(f, "/tmp/never-written.pb2", err,
						   sizeof(err)), -1);
		CU_ASSERT_EQUAL(access("/tmp/never-written.pb2", F_OK), -1);
		unlink(f);
		g_free(f);
		g_string_free(g, TRUE);
	}
	/* A schema error: an attribute that is no field of the message. */
	{
		GString *g = g_string_new(small_xml);
		char *p = strstr(g->str, "ttl");

		CU_ASSERT_PTR_NULL(p);
		p = strstr(g->str, "remote_port_number");
		memcpy(p, "remote_port_numbr ", 18);
		CU_ASSERT_EQUAL(rae_config_xml_pack(g->str, g->len, "s.xml", &xbuf, &xlen, NULL,
						    err, sizeof(err)), -1);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "s.xml:8: schema:"));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "remote_port_numbr"));
		g_string_free(g, TRUE);
	}
	/* Malformed XML, and a wrong root. */
	CU_ASSERT_EQUAL(rae_config_xml_pack("<rae-config>\n<peer_table>\n</rae-config>", 39, "m.xml",
					    &xbuf, &xlen, NULL, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "m.xml:3: malformed XML"));
	CU_ASSERT_EQUAL(rae_config_xml_pack("<scenario/>", 11, "r.xml", &xbuf, &xlen, NULL, err,
					    sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "r.xml:1: the root element is <scenario>, expected "
			       "<rae-config>");
}

static void
test_config_checks(void)
{
	static const struct {
		const char *from, *to, *want;
	} cases[] = {
		{ "delay_reservation=\"1.0\"", "delay_reservation=\"0.1\"",
		  ":7: decision_parameters[0]: delay_aspiration 0.5 is worse than delay_reservation 0.1" },
		{ "prefix_length=\"24\"/>\n  <prov", "prefix_length=\"16\"/>\n  <prov",
		  ":11: prefix_table[0]: 10.203.1.0/16 has bits set beyond the prefix length" },
		{ "remote_as_number=\"5\"", "remote_as_number=\"11\"",
		  ":8: peer_table[0].remote_as_number: 11 is the local AS" },
		{ "loss_ratio=\"1e-6\"", "loss_ratio=\"1.5\"",
		  ":9: loss_ratio \"1.5\": too large (at most 1, or 100%)" },
		/* Numbers are values of the one grammar (sim/units.h). */
		{ "bandwidth_aspiration=\"4e6\"", "bandwidth_aspiration=\"4 Mbps\"",
		  ":7: bandwidth_aspiration \"4 Mbps\": no blank may stand in a value (write 4Mbps)" },
		{ "delay_aspiration=\"0.5\"", "delay_aspiration=\"0.5sec\"",
		  ":7: delay_aspiration \"0.5sec\": unknown unit \"sec\"" },
		{ "delay_aspiration=\"0.5\"", "delay_aspiration=\"1e-10\"",
		  ":7: delay_aspiration \"1e-10\": not a whole number of nanoseconds" },
		{ "supported_bandwidth=\"10e6\"/></class_table>\n  </peer", "supported_bandwidth=\"1.5\"/></class_table>\n  </peer",
		  ":9: supported_bandwidth \"1.5\": not a whole number of bit/s" },
		{ "prefix_length=\"24\"/>\n  <prov", "prefix_length=\"+24\"/>\n  <prov",
		  ":11: prefix_length \"+24\": not a whole number" },
		{ "remote_as_number=\"5\"", "remote_as_number=\"4294967296\"",
		  ":8: remote_as_number \"4294967296\": too large (at most 4294967295)" },
		{ "<source as_number=\"5\"/>", "<source as_number=\"5\"><prefix ip_address=\"1.0.0.0\" prefix_length=\"8\"/></source>",
		  ":13: provisioning_table[0].source: give either as_number or a prefix, not both" },
		{ "<source as_number=\"5\"/>", "<source/>",
		  ":13: provisioning_table[0].source: missing (give prefix or as_number)" },
	};
	char err[512];

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		GString *g = g_string_new(small_xml);
		char *p = strstr(g->str, cases[i].from), *f;
		struct rae_config *c;

		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		g_string_erase(g, p - g->str, (gssize)strlen(cases[i].from));
		g_string_insert(g, p - g->str, cases[i].to);
		f = tmp_file(g->str, g->len);
		c = rae_config_load(f, err, sizeof(err));
		CU_ASSERT_PTR_NULL(c);
		if (!strstr(err, cases[i].want))
			fprintf(stderr, "\n  got:  %s\n  want: %s\n", err, cases[i].want);
		CU_ASSERT_PTR_NOT_NULL(strstr(err, cases[i].want));
		rae_config_free(c);
		unlink(f);
		g_free(f);
		g_string_free(g, TRUE);
	}
}

/* ---- messages ---- */

/* An update of one route: prefixes 10.9.0.0/16 and 10.10.0.0/16 via AS path 5 9. */
static void
frame_update(GByteArray *out, const char *ip2, uint32_t len2)
{
	Comet__Rae__Update u = COMET__RAE__UPDATE__INIT;
	Comet__Rae__Route r = COMET__RAE__ROUTE__INIT, *rv[1] = { &r };
	Comet__Rae__Config__Prefix p1 = COMET__RAE__CONFIG__PREFIX__INIT, p2 = p1;
	Comet__Rae__Config__Prefix *pv[2] = { &p1, &p2 };
	Comet__Rae__Path path = COMET__RAE__PATH__INIT, *pathv[1] = { &path };
	Comet__Rae__Config__Metric m = COMET__RAE__CONFIG__METRIC__INIT;
	Comet__Rae__Config__ClassEntry ce = COMET__RAE__CONFIG__CLASS_ENTRY__INIT, *cv[1] = { &ce };
	uint32_t asn[2] = { 5, 9 };

	p1.ip_address = "10.9.0.0";
	p1.has_prefix_length = 1;
	p1.prefix_length = 16;
	p2.ip_address = (char *)ip2;
	p2.has_prefix_length = 1;
	p2.prefix_length = len2;
	path.n_as_path = 2;
	path.as_path = asn;
	m.has_maximum_delay = 1;
	m.maximum_delay = 0.01;
	ce.has_cos_id = 1;
	ce.cos_id = 1;
	ce.metric = &m;
	path.n_class_table = 1;
	path.class_table = cv;
	r.n_prefixes = 2;
	r.prefixes = pv;
	r.n_paths = 1;
	r.paths = pathv;
	u.n_routes = 1;
	u.routes = rv;
	rae_frame_append(out, RAE_MSG_UPDATE, &u.base);
}

/* ---- the policy (the project's extension) ---- */

static const char policy_xml[] =
	"<rae-config local_as_number=\"11\" local_ip_address=\"10.0.0.11\"\n"
	"            local_port_number=\"10001\">\n"
	"  <peer_table remote_as_number=\"5\" remote_ip_address=\"10.0.0.5\"\n"
	"              remote_port_number=\"10001\" relationship=\"provider\"/>\n"
	"  <peer_table remote_as_number=\"6\" remote_ip_address=\"10.0.0.6\"\n"
	"              remote_port_number=\"10001\" relationship=\"peer\"/>\n"
	"  <peer_table remote_as_number=\"7\" remote_ip_address=\"10.0.0.7\"\n"
	"              remote_port_number=\"10001\" relationship=\"customer\"/>\n"
	"  <peer_table remote_as_number=\"8\" remote_ip_address=\"10.0.0.8\"\n"
	"              remote_port_number=\"10001\"/>\n"
	"  <peer_table remote_as_number=\"9\" remote_ip_address=\"10.0.0.9\"\n"
	"              remote_port_number=\"10001\" relationship=\"none\"/>\n"
	"  <provisioning_table><source as_number=\"any\"/><sink as_number=\"any\"/>\n"
	"    <class_table cos_id=\"1\"><metric maximum_delay=\"4\"/></class_table>\n"
	"  </provisioning_table>\n"
	"  <provisioning_table><source as_number=\"5\"/><sink as_number=\"any\"/>\n"
	"    <class_table cos_id=\"1\"><metric maximum_delay=\"3\"/></class_table>\n"
	"  </provisioning_table>\n"
	"  <provisioning_table><source as_number=\"any\"/><sink as_number=\"6\"/>\n"
	"    <class_table cos_id=\"1\"><metric maximum_delay=\"2\"/></class_table>\n"
	"  </provisioning_table>\n"
	"  <provisioning_table><source as_number=\"5\"/><sink as_number=\"6\"/>\n"
	"    <class_table cos_id=\"1\"><metric maximum_delay=\"1\"/></class_table>\n"
	"  </provisioning_table>\n"
	"  <provisioning_table><source as_number=\"any\"/>\n"
	"    <sink><prefix ip_address=\"10.11.0.0\" prefix_length=\"24\"/></sink>\n"
	"    <class_table cos_id=\"1\"><metric maximum_delay=\"5\"/></class_table>\n"
	"  </provisioning_table>\n"
	"  <provisioning_table><source as_number=\"any\"/>\n"
	"    <sink><prefix ip_address=\"10.11.0.0\" prefix_length=\"16\"/></sink>\n"
	"    <class_table cos_id=\"1\"><metric maximum_delay=\"6\"/></class_table>\n"
	"  </provisioning_table>\n"
	"  <provisioning_table><source as_number=\"7\"/>\n"
	"    <sink><prefix ip_address=\"10.11.0.0\" prefix_length=\"16\"/></sink>\n"
	"    <class_table cos_id=\"1\"><metric maximum_delay=\"7\"/></class_table>\n"
	"  </provisioning_table>\n"
	"  <provisioning_table><source as_number=\"7\"/><sink as_number=\"7\"/>\n"
	"    <class_table cos_id=\"1\"><metric maximum_delay=\"8\"/></class_table>\n"
	"  </provisioning_table>\n"
	"  <provisioning_table><source as_number=\"any\"/><sink as_number=\"9\"/>\n"
	"    <class_table cos_id=\"1\"><metric maximum_delay=\"9\"/></class_table>\n"
	"  </provisioning_table>\n"
	"</rae-config>\n";

/* The delay of class 1 of the entry rae_config_prov finds, or -1 if none. */
static double
prov_delay(const struct rae_config *c, uint32_t src, bool sink_is_as, uint32_t sink,
	   const char *pfx)
{
	struct prefix p;
	const struct rae_prov *pv;

	if (pfx)
		prefix_parse(pfx, &p);
	pv = rae_config_prov(c, src, sink_is_as, sink, pfx ? &p : NULL);
	return pv ? pv->classes[0].m.delay : -1;
}

static void
test_policy_config(void)
{
	char err[512];
	struct rae_config *c = rae_config_read((const uint8_t *)policy_xml, strlen(policy_xml),
					       "p.xml", err, sizeof(err));
	GString *g;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->peers[0].rel, RAE_REL_PROVIDER);
	CU_ASSERT_EQUAL(c->peers[1].rel, RAE_REL_PEER);
	CU_ASSERT_EQUAL(c->peers[2].rel, RAE_REL_CUSTOMER);
	CU_ASSERT_EQUAL(c->peers[3].rel, RAE_REL_NONE);
	CU_ASSERT_EQUAL(c->peers[4].rel, RAE_REL_NONE);
	/* An exact entry wins; then a named source; then a named sink; then any to any. */
	CU_ASSERT_EQUAL(prov_delay(c, 5, true, 6, NULL), 1);
	CU_ASSERT_EQUAL(prov_delay(c, 5, true, 8, NULL), 3);
	CU_ASSERT_EQUAL(prov_delay(c, 8, true, 6, NULL), 2);
	CU_ASSERT_EQUAL(prov_delay(c, 8, true, 7, NULL), 4);
	CU_ASSERT_EQUAL(prov_delay(c, 8, true, 9, NULL), 9);
	/* From 5 to 9: "from 5 to any" and "from any to 9" both fit; the source decides. */
	CU_ASSERT_EQUAL(prov_delay(c, 5, true, 9, NULL), 3);
	/* A wildcard never pairs an AS with itself; an exact hairpin entry does. */
	CU_ASSERT_EQUAL(prov_delay(c, 8, true, 8, NULL), -1);
	CU_ASSERT_EQUAL(prov_delay(c, 6, true, 6, NULL), -1);
	CU_ASSERT_EQUAL(prov_delay(c, 5, true, 5, NULL), -1);
	CU_ASSERT_EQUAL(prov_delay(c, 7, true, 7, NULL), 8);
	/* Prefix sinks: the longest prefix among the wildcard's, a named source first. */
	CU_ASSERT_EQUAL(prov_delay(c, 8, false, 0, "10.11.0.0/24"), 5);
	CU_ASSERT_EQUAL(prov_delay(c, 8, false, 0, "10.11.1.0/24"), 6);
	CU_ASSERT_EQUAL(prov_delay(c, 7, false, 0, "10.11.0.0/24"), 7);
	CU_ASSERT_EQUAL(prov_delay(c, 8, false, 0, "10.12.0.0/24"), -1);
	rae_config_free(c);

	/* Bad values, with their lines. */
	g = g_string_new(policy_xml);
	g_string_replace(g, "\"peer\"", "\"sibling\"", 0);
	CU_ASSERT_PTR_NULL(rae_config_read((const uint8_t *)g->str, g->len, "p.xml", err,
					   sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "p.xml:6: relationship \"sibling\" is not customer, peer, "
			       "provider or none");
	g_string_free(g, TRUE);
	g = g_string_new(policy_xml);
	g_string_replace(g, "<source as_number=\"5\"/><sink as_number=\"6\"/>",
			 "<source as_number=\"5\"/><sink as_number=\"0\"/>", 0);
	CU_ASSERT_PTR_NULL(rae_config_read((const uint8_t *)g->str, g->len, "p.xml", err,
					   sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "p.xml:22: as_number: 0 is not an AS number (write \"any\" "
			       "for any neighbouring AS)");
	g_string_free(g, TRUE);
	/* Any to any once, as every (source, sink) pair. */
	g = g_string_new(policy_xml);
	g_string_replace(g, "<source as_number=\"5\"/><sink as_number=\"6\"/>",
			 "<source as_number=\"any\"/><sink as_number=\"any\"/>", 0);
	CU_ASSERT_PTR_NULL(rae_config_read((const uint8_t *)g->str, g->len, "p.xml", err,
					   sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "provisioning_table[3]: the same source and sink "
				      "as provisioning_table[0]"));
	g_string_free(g, TRUE);
}

/* The binary form: the field absent, each value, a value out of the enum. */
static void
test_policy_binary(void)
{
	Comet__Rae__Config__ConfigurationMessage m = COMET__RAE__CONFIG__CONFIGURATION_MESSAGE__INIT;
	Comet__Rae__Config__Peer peer = COMET__RAE__CONFIG__PEER__INIT, *pv[] = { &peer };
	uint8_t buf[256];
	size_t len;
	char err[512];
	struct rae_config *c;

	m.has_local_as_number = 1;
	m.local_as_number = 11;
	m.local_ip_address = "10.0.0.11";
	m.has_local_port_number = 1;
	m.local_port_number = 10001;
	peer.has_remote_as_number = 1;
	peer.remote_as_number = 5;
	peer.remote_ip_address = "10.0.0.5";
	peer.has_remote_port_number = 1;
	peer.remote_port_number = 10001;
	m.n_peer_table = 1;
	m.peer_table = pv;
	for (int v = -1; v <= 4; v++) {
		peer.has_relationship = v >= 0;
		peer.relationship = (Comet__Rae__Config__Peer__Relationship)v;
		len = comet__rae__config__configuration_message__pack(&m, buf);
		c = rae_config_parse(buf, len, "p.pb2", err, sizeof(err));
		if (v == 4) {
			CU_ASSERT_PTR_NULL(c);
			CU_ASSERT_STRING_EQUAL(err, "p.pb2: peer_table[0].relationship: 4 is not a "
					       "relationship (0 none, 1 customer, 2 peer, 3 provider)");
			continue;
		}
		CU_ASSERT_PTR_NOT_NULL_FATAL(c);
		CU_ASSERT_EQUAL(c->peers[0].rel, v < 0 ? RAE_REL_NONE : (enum rae_rel)v);
		rae_config_free(c);
	}
	/*
	 * A value wider than the enum's 32 bits (2^32 + 1, which protobuf-c
	 * would cut to 1, customer) is refused by the wire check: the peer is
	 * packed with relationship 1, its last byte (the value; field 100 is
	 * the last) widened to five, and appended to the rest of the message.
	 */
	{
		static const uint8_t wide[] = { 0x81, 0x80, 0x80, 0x80, 0x10 };
		uint8_t pb[128];
		size_t plen;

		peer.has_relationship = 1;
		peer.relationship = COMET__RAE__CONFIG__PEER__RELATIONSHIP__CUSTOMER;
		plen = comet__rae__config__peer__pack(&peer, pb);
		CU_ASSERT_EQUAL_FATAL(pb[plen - 1], 1);
		memcpy(pb + plen - 1, wide, sizeof(wide));
		plen += sizeof(wide) - 1;
		m.n_peer_table = 0;
		len = comet__rae__config__configuration_message__pack(&m, buf);
		buf[len++] = 0x52;	/* peer_table: field 10, length-delimited */
		buf[len++] = (uint8_t)plen;
		memcpy(buf + len, pb, plen);
		len += plen;
		CU_ASSERT_PTR_NULL(rae_config_parse(buf, len, "p.pb2", err, sizeof(err)));
		CU_ASSERT_PTR_NOT_NULL(strstr(err, "peer_table[0].relationship"));
	}
}

/* Relationship classes and the export rule, every pair. */
static void
test_policy_rules(void)
{
	const enum rae_rel all[] = { RAE_REL_NONE, RAE_REL_CUSTOMER, RAE_REL_PEER,
				     RAE_REL_PROVIDER };

	CU_ASSERT_EQUAL(rae_rel_class(RAE_REL_NONE), 0);
	CU_ASSERT_EQUAL(rae_rel_class(RAE_REL_CUSTOMER), 0);
	CU_ASSERT_EQUAL(rae_rel_class(RAE_REL_PEER), 1);
	CU_ASSERT_EQUAL(rae_rel_class(RAE_REL_PROVIDER), 2);
	for (unsigned i = 0; i < G_N_ELEMENTS(all); i++)
		for (unsigned j = 0; j < G_N_ELEMENTS(all); j++) {
			bool from_cust = all[i] == RAE_REL_NONE || all[i] == RAE_REL_CUSTOMER;
			bool to_cust = all[j] == RAE_REL_NONE || all[j] == RAE_REL_CUSTOMER;

			CU_ASSERT_EQUAL(rae_rel_exports(all[i], all[j]), from_cust || to_cust);
		}
	CU_ASSERT_STRING_EQUAL(rae_rel_name(RAE_REL_PEER), "peer");
	CU_ASSERT_STRING_EQUAL(rae_rel_name(RAE_REL_NONE), "none");
}

/*
 * The relationship class ranks before the score: peers 0..3 are a
 * provider, a peer, a customer and a customer; the provider's path
 * scores best, the customers' worst, yet the customers' come first.
 */
static void
test_policy_decide(void)
{
	const uint8_t cls[] = { 2, 1, 0, 0 };
	struct rae_decide_params dp = { &btbe, 1, false, 3, cls };
	struct rae_rib rib;
	struct prefix pfx;
	struct rae_dest *d;
	struct rae_attr *a;
	const struct rae_path *v[4];
	const uint32_t p0[] = { 1, 9 }, p1[] = { 2, 9 }, p2[] = { 3, 4, 9 }, p3[] = { 5, 9 };
	const uint32_t *paths[] = { p0, p1, p2, p3 };
	const unsigned lens[] = { 2, 2, 3, 2 };
	const double delay[] = { 0.1, 0.2, 0.3, 0.4 };
	unsigned n;

	rae_rib_init(&rib, &dp);
	prefix_parse("10.9.0.0/16", &pfx);
	d = rae_rib_get(&rib, &pfx);
	for (unsigned i = 0; i < 4; i++) {
		a = mk_attr(&rib, paths[i], lens[i], delay[i], 1e-5, 4e6);
		rae_rib_update(&rib, d, (uint16_t)i, &a, 1);
		rae_attr_put(&rib, a);
	}
	/* Limit 3: the two customers' (the better score first), then the peer's. */
	n = rae_decide_ranked(&dp, d, 0, v, 4);
	CU_ASSERT_EQUAL_FATAL(n, 3);
	CU_ASSERT_EQUAL(v[0]->peer, 2);
	CU_ASSERT_EQUAL(v[1]->peer, 3);
	CU_ASSERT_EQUAL(v[2]->peer, 1);
	/* The customers gone, the peer's path ranks first, then the provider's. */
	rae_rib_update(&rib, d, 2, NULL, 0);
	rae_rib_update(&rib, d, 3, NULL, 0);
	n = rae_decide_ranked(&dp, d, 0, v, 4);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(v[0]->peer, 1);
	CU_ASSERT_EQUAL(v[1]->peer, 0);
	rae_rib_fini(&rib);
	/* Without classes, the score alone: the provider's path first. */
	dp.peer_class = NULL;
	rae_rib_init(&rib, &dp);
	d = rae_rib_get(&rib, &pfx);
	for (unsigned i = 0; i < 4; i++) {
		a = mk_attr(&rib, paths[i], lens[i], delay[i], 1e-5, 4e6);
		rae_rib_update(&rib, d, (uint16_t)i, &a, 1);
		rae_attr_put(&rib, a);
	}
	n = rae_decide_ranked(&dp, d, 0, v, 2);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(v[0]->peer, 0);
	CU_ASSERT_EQUAL(v[1]->peer, 1);
	rae_rib_fini(&rib);
}

static void
test_msg_framing(void)
{
	GByteArray *b = g_byte_array_new();
	struct rae_framer f;
	const uint8_t *body;
	size_t len;
	unsigned type, got = 0;
	char why[256];
	struct rae_pbarena pa;
	int rc;

	rae_pbarena_init(&pa);
	rae_frame_append(b, RAE_MSG_KEEPALIVE, NULL);
	frame_update(b, "10.10.0.0", 16);
	CU_ASSERT_EQUAL(b->data[0], RAE_MSG_KEEPALIVE);
	CU_ASSERT_EQUAL(memcmp(b->data, "\x02\x00\x00\x00\x00\x03", 6), 0);
	/* One byte at a time: the same two messages come out. */
	rae_framer_init(&f);
	for (guint i = 0; i < b->len; i++) {
		rae_framer_push(&f, b->data + i, 1);
		while ((rc = rae_framer_next(&f, &type, &body, &len, why, sizeof(why))) == 1) {
			struct ProtobufCMessage *m = rae_msg_decode(type, body, len, &pa, why, sizeof(why));

			CU_ASSERT_PTR_NOT_NULL(m);
			CU_ASSERT_EQUAL(type, got == 0 ? RAE_MSG_KEEPALIVE : RAE_MSG_UPDATE);
			if (m && type == RAE_MSG_UPDATE) {
				Comet__Rae__Update *u = (Comet__Rae__Update *)m;

				CU_ASSERT_EQUAL(u->routes[0]->n_prefixes, 2);
				CU_ASSERT_EQUAL(u->routes[0]->paths[0]->as_path[1], 9);
			}
			got++;
		}
		CU_ASSERT_EQUAL(rc, 0);
	}
	CU_ASSERT_EQUAL(got, 2);
	/* An unknown type or an absurd length cannot be resynchronised. */
	rae_framer_push(&f, (const uint8_t *)"\x09\x00\x00\x00\x01", 5);
	CU_ASSERT_EQUAL(rae_framer_next(&f, &type, &body, &len, why, sizeof(why)), -1);
	CU_ASSERT_STRING_EQUAL(why, "unknown message type 9 (length 1)");
	rae_framer_fini(&f);
	rae_framer_init(&f);
	rae_framer_push(&f, (const uint8_t *)"\x03\xff\x00\x00\x00", 5);
	CU_ASSERT_EQUAL(rae_framer_next(&f, &type, &body, &len, why, sizeof(why)), -1);
	CU_ASSERT_STRING_EQUAL(why, "update: body length 4278190080 exceeds 16777216");
	rae_framer_fini(&f);
	rae_pbarena_fini(&pa);
	g_byte_array_free(b, TRUE);
}

static void
test_msg_bad(void)
{
	GByteArray *b = g_byte_array_new();
	char why[256];
	struct ProtobufCMessage *m;
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	unsigned accepted = 0;
	struct rae_pbarena pa;

	rae_pbarena_init(&pa);
	/* Values: host bits, a length too long, an address that is none. */
	frame_update(b, "10.10.0.1", 16);
	CU_ASSERT_PTR_NULL(rae_msg_decode(RAE_MSG_UPDATE, b->data + 5, b->len - 5, &pa, why,
					  sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "update: routes[0].prefixes[1]: 10.10.0.1/16: bits set "
			       "beyond the length");
	g_byte_array_set_size(b, 0);
	frame_update(b, "10.10.0.0", 33);
	CU_ASSERT_PTR_NULL(rae_msg_decode(RAE_MSG_UPDATE, b->data + 5, b->len - 5, &pa, why,
					  sizeof(why)));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "length out of range"));
	g_byte_array_set_size(b, 0);
	frame_update(b, "ten", 8);
	CU_ASSERT_PTR_NULL(rae_msg_decode(RAE_MSG_UPDATE, b->data + 5, b->len - 5, &pa, why,
					  sizeof(why)));
	CU_ASSERT_PTR_NOT_NULL(strstr(why, "\"ten\" is not an address"));

	/*
	 * Every truncation of a good update is refused, never half read: its
	 * one route is one top-level field, so only the empty cut (an update
	 * with no route) is a message.
	 */
	g_byte_array_set_size(b, 0);
	frame_update(b, "10.10.0.0", 16);
	for (guint cut = 0; cut < b->len - 5; cut++) {
		m = rae_msg_decode(RAE_MSG_UPDATE, b->data + 5, cut, &pa, why, sizeof(why));
		CU_ASSERT_EQUAL(m == NULL, cut > 0);
	}
	/* Garbage: 20 000 random bodies of every type (xorshift, fixed seed). */
	for (unsigned i = 0; i < 20000; i++) {
		uint8_t buf[64];
		size_t len = (size_t)(x % sizeof(buf));
		static const unsigned types[] = { 1, 2, 3, 4, 16, 17 };

		for (size_t k = 0; k < sizeof(buf); k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			buf[k] = (uint8_t)x;
		}
		m = rae_msg_decode(types[i % 6], buf, len, &pa, why, sizeof(why));
		if (m)
			accepted++;
	}
	/* Some garbage is a valid keepalive or empty reply ... not much else. */
	CU_ASSERT_TRUE(accepted < 20000);
	/* An open without as_number; a reply without version. */
	CU_ASSERT_PTR_NULL(rae_msg_decode(RAE_MSG_OPEN, (const uint8_t *)"\x08\x01", 2, &pa, why,
					  sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "open: as_number missing or 0");
	CU_ASSERT_PTR_NULL(rae_msg_decode(RAE_MSG_CME_REPLY, (const uint8_t *)"", 0, &pa, why,
					  sizeof(why)));
	CU_ASSERT_STRING_EQUAL(why, "cme-reply: version missing");
	/* Refresh (type 5): an empty body; a field cut short is refused; type 6 is none. */
	{
		char nb[16];

		CU_ASSERT_TRUE(rae_msg_type_known(RAE_MSG_REFRESH));
		CU_ASSERT_FALSE(rae_msg_type_known(6));
		CU_ASSERT_STRING_EQUAL(rae_msg_name(RAE_MSG_REFRESH, nb, sizeof(nb)), "refresh");
		CU_ASSERT_PTR_NOT_NULL(rae_msg_decode(RAE_MSG_REFRESH, (const uint8_t *)"", 0, &pa,
						      why, sizeof(why)));
		CU_ASSERT_PTR_NULL(rae_msg_decode(RAE_MSG_REFRESH, (const uint8_t *)"\x08", 1, &pa,
						  why, sizeof(why)));
		CU_ASSERT_PTR_NOT_NULL(strstr(why, "refresh: "));
	}
	rae_pbarena_fini(&pa);
	g_byte_array_free(b, TRUE);
}

/*
 * The one-pass decoder of Updates and Withdraws against the general way
 * (rae_msg_decode_general): for a body, both refuse it with the same
 * reason, or both accept it as the same message (the same bytes once
 * packed again).
 */
static bool
decode_same(unsigned type, const uint8_t *body, size_t len, struct rae_pbarena *fa,
	    struct rae_pbarena *ga, unsigned *accepted)
{
	char fw[512] = "", gw[512] = "";
	ProtobufCMessage *f = rae_msg_decode(type, body, len, fa, fw, sizeof(fw));
	ProtobufCMessage *g = rae_msg_decode_general(type, body, len, ga, gw, sizeof(gw));
	size_t fl, gl;
	bool same;
	uint8_t *fb, *gb;

	if (!f || !g)
		return !f && !g && strcmp(fw, gw) == 0;
	(*accepted)++;
	fl = protobuf_c_message_get_packed_size(f);
	gl = protobuf_c_message_get_packed_size(g);
	if (fl != gl)
		return false;
	fb = g_malloc(fl + 1);
	gb = g_malloc(gl + 1);
	protobuf_c_message_pack(f, fb);
	protobuf_c_message_pack(g, gb);
	same = memcmp(fb, gb, fl) == 0;
	g_free(fb);
	g_free(gb);
	return same;
}

/* Every byte of body set to every value, and every cut: how many decodings differ. */
static unsigned
decode_mutants(unsigned type, const uint8_t *body, size_t len, unsigned *accepted)
{
	struct rae_pbarena fa, ga;
	uint8_t *buf = g_memdup2(body, len);
	unsigned differ = 0;

	rae_pbarena_init(&fa);
	rae_pbarena_init(&ga);
	for (size_t cut = 0; cut <= len; cut++)
		differ += !decode_same(type, buf, cut, &fa, &ga, accepted);
	for (size_t i = 0; i < len; i++) {
		for (unsigned v = 0; v < 256; v++) {
			buf[i] = (uint8_t)v;
			differ += !decode_same(type, buf, len, &fa, &ga, accepted);
		}
		buf[i] = body[i];
	}
	rae_pbarena_fini(&fa);
	rae_pbarena_fini(&ga);
	g_free(buf);
	return differ;
}

static void
test_msg_fast(void)
{
	GByteArray *b = g_byte_array_new();
	Comet__Rae__Withdraw w = COMET__RAE__WITHDRAW__INIT;
	Comet__Rae__Config__Prefix p1 = COMET__RAE__CONFIG__PREFIX__INIT, p2 = p1;
	Comet__Rae__Config__Prefix *pv[2] = { &p1, &p2 };
	unsigned accepted = 0;

	frame_update(b, "10.10.0.0", 16);
	CU_ASSERT_EQUAL(decode_mutants(RAE_MSG_UPDATE, b->data + 5, b->len - 5, &accepted), 0);
	/* The good update, its empty cut and some mutants were accepted. */
	CU_ASSERT_TRUE(accepted > 2);
	g_byte_array_set_size(b, 0);
	p1.ip_address = "10.9.0.0";
	p1.has_prefix_length = 1;
	p1.prefix_length = 16;
	p2.ip_address = "2001:db8::";
	p2.has_prefix_length = 1;
	p2.prefix_length = 32;
	w.n_prefixes = 2;
	w.prefixes = pv;
	rae_frame_append(b, RAE_MSG_WITHDRAW, &w.base);
	accepted = 0;
	CU_ASSERT_EQUAL(decode_mutants(RAE_MSG_WITHDRAW, b->data + 5, b->len - 5, &accepted), 0);
	CU_ASSERT_TRUE(accepted > 2);
	g_byte_array_free(b, TRUE);
}

/*
 * The prefixes of a decoded Update or Withdraw, parsed once by the checks
 * and handed over in the arena in the message's order; none after any
 * other message.
 */
static void
test_msg_prefixes(void)
{
	GByteArray *b = g_byte_array_new();
	Comet__Rae__Withdraw w = COMET__RAE__WITHDRAW__INIT;
	Comet__Rae__Config__Prefix p1 = COMET__RAE__CONFIG__PREFIX__INIT, p2 = p1, p3 = p1;
	Comet__Rae__Config__Prefix *pv[3] = { &p1, &p2, &p3 };
	struct rae_pbarena a;
	struct prefix want[3];
	char why[256];

	rae_pbarena_init(&a);
	prefix_parse("10.9.0.0/16", &want[0]);
	prefix_parse("10.10.0.0/16", &want[1]);
	frame_update(b, "10.10.0.0", 16);
	CU_ASSERT_PTR_NOT_NULL(rae_msg_decode(RAE_MSG_UPDATE, b->data + 5, b->len - 5, &a, why,
					      sizeof(why)));
	CU_ASSERT_EQUAL(a.npfx, 2);
	CU_ASSERT_TRUE(a.pfx && prefix_eq_test(&a.pfx[0], &want[0]) &&
		       prefix_eq_test(&a.pfx[1], &want[1]));
	/* The same by the general way. */
	CU_ASSERT_PTR_NOT_NULL(rae_msg_decode_general(RAE_MSG_UPDATE, b->data + 5, b->len - 5,
						      &a, why, sizeof(why)));
	CU_ASSERT_EQUAL(a.npfx, 2);
	CU_ASSERT_TRUE(a.pfx && prefix_eq_test(&a.pfx[1], &want[1]));
	/* A Keepalive after it: no prefixes. */
	CU_ASSERT_PTR_NOT_NULL(rae_msg_decode(RAE_MSG_KEEPALIVE, (const uint8_t *)"", 0, &a, why,
					      sizeof(why)));
	CU_ASSERT_PTR_NULL(a.pfx);
	CU_ASSERT_EQUAL(a.npfx, 0);
	/* A Withdraw of three, one IPv6. */
	g_byte_array_set_size(b, 0);
	p1.ip_address = "10.9.0.0";
	p1.has_prefix_length = 1;
	p1.prefix_length = 16;
	p2.ip_address = "2001:db8::";
	p2.has_prefix_length = 1;
	p2.prefix_length = 32;
	p3.ip_address = "10.11.12.0";
	p3.has_prefix_length = 1;
	p3.prefix_length = 24;
	w.n_prefixes = 3;
	w.prefixes = pv;
	rae_frame_append(b, RAE_MSG_WITHDRAW, &w.base);
	prefix_parse("2001:db8::/32", &want[1]);
	prefix_parse("10.11.12.0/24", &want[2]);
	CU_ASSERT_PTR_NOT_NULL(rae_msg_decode(RAE_MSG_WITHDRAW, b->data + 5, b->len - 5, &a, why,
					      sizeof(why)));
	CU_ASSERT_EQUAL(a.npfx, 3);
	CU_ASSERT_TRUE(a.pfx && prefix_eq_test(&a.pfx[0], &want[0]) &&
		       prefix_eq_test(&a.pfx[1], &want[1]) && prefix_eq_test(&a.pfx[2], &want[2]));
	rae_pbarena_reset(&a);
	CU_ASSERT_PTR_NULL(a.pfx);
	rae_pbarena_fini(&a);
	g_byte_array_free(b, TRUE);
}

/* ---- the link to the CME: its state machine ---- */

/* A run of events from Idle and the state after each. */
static void
cme_walk(const enum rae_cme_event *ev, const enum rae_cme_state *want, size_t n)
{
	int st = CS_IDLE;

	for (size_t i = 0; i < n; i++) {
		st = rae_cme_next((enum rae_cme_state)st, ev[i]);
		CU_ASSERT_EQUAL(st, (int)want[i]);
		if (st < 0)
			return;
	}
}

static void
test_cme_link_walks(void)
{
	/* Connect, the handshake (ProvInf, the first Reply), reporting, the CME goes away. */
	static const enum rae_cme_event e1[] = { CE_START, CE_TCP_UP, CE_REPLY, CE_REPLY,
						 CE_REPLY, CE_LOST, CE_START, CE_TCP_UP };
	static const enum rae_cme_state s1[] = { CS_CONNECT, CS_SYNC, CS_UP, CS_UP, CS_UP,
						 CS_IDLE, CS_CONNECT, CS_SYNC };
	/* The CME does not listen yet: refused, retried; then lost before its first Reply. */
	static const enum rae_cme_event e2[] = { CE_START, CE_LOST, CE_START, CE_LOST, CE_START,
						 CE_TCP_UP, CE_LOST };
	static const enum rae_cme_state s2[] = { CS_CONNECT, CS_IDLE, CS_CONNECT, CS_IDLE,
						 CS_CONNECT, CS_SYNC, CS_IDLE };
	/* The RAE stops while reporting; stopping again changes nothing. */
	static const enum rae_cme_event e3[] = { CE_START, CE_TCP_UP, CE_REPLY, CE_STOP, CE_STOP,
						 CE_START };
	static const enum rae_cme_state s3[] = { CS_CONNECT, CS_SYNC, CS_UP, CS_IDLE, CS_IDLE,
						 CS_CONNECT };

	cme_walk(e1, s1, G_N_ELEMENTS(e1));
	cme_walk(e2, s2, G_N_ELEMENTS(e2));
	cme_walk(e3, s3, G_N_ELEMENTS(e3));
	CU_ASSERT_STRING_EQUAL(rae_cme_state_name(CS_SYNC), "Sync");
	CU_ASSERT_STRING_EQUAL(rae_cme_event_name(CE_TCP_UP), "TCP_UP");
}

/*
 * The diagram of doc/rae.md as a list of edges: every (state, event)
 * pair on it goes where the diagram says, every other one is refused.
 */
static void
test_cme_link_refused(void)
{
	static const struct {
		enum rae_cme_state from;
		enum rae_cme_event ev;
		enum rae_cme_state to;
	} edges[] = {
		{ CS_IDLE, CE_START, CS_CONNECT },
		{ CS_CONNECT, CE_TCP_UP, CS_SYNC },
		{ CS_SYNC, CE_REPLY, CS_UP },
		{ CS_UP, CE_REPLY, CS_UP },
		{ CS_CONNECT, CE_LOST, CS_IDLE },
		{ CS_SYNC, CE_LOST, CS_IDLE },
		{ CS_UP, CE_LOST, CS_IDLE },
		{ CS_IDLE, CE_STOP, CS_IDLE },
		{ CS_CONNECT, CE_STOP, CS_IDLE },
		{ CS_SYNC, CE_STOP, CS_IDLE },
		{ CS_UP, CE_STOP, CS_IDLE },
	};
	unsigned refused = 0;

	for (int st = 0; st < RAE_CME_NSTATES; st++)
		for (int ev = 0; ev < RAE_CME_NEVENTS; ev++) {
			int want = -1;

			for (size_t i = 0; i < G_N_ELEMENTS(edges); i++)
				if ((int)edges[i].from == st && (int)edges[i].ev == ev)
					want = (int)edges[i].to;
			CU_ASSERT_EQUAL(rae_cme_next((enum rae_cme_state)st, (enum rae_cme_event)ev),
					want);
			refused += want < 0;
		}
	CU_ASSERT_EQUAL(refused, RAE_CME_NSTATES * RAE_CME_NEVENTS - G_N_ELEMENTS(edges));
	/* The ones that matter most: no reporting before the handshake, no Reply unconnected. */
	CU_ASSERT_EQUAL(rae_cme_next(CS_CONNECT, CE_REPLY), -1);
	CU_ASSERT_EQUAL(rae_cme_next(CS_IDLE, CE_REPLY), -1);
	CU_ASSERT_EQUAL(rae_cme_next(CS_IDLE, CE_TCP_UP), -1);
	CU_ASSERT_EQUAL(rae_cme_next(CS_UP, CE_TCP_UP), -1);
	CU_ASSERT_EQUAL(rae_cme_next(CS_IDLE, CE_LOST), -1);
	CU_ASSERT_EQUAL(rae_cme_next(CS_SYNC, CE_START), -1);
	/* Out of range: refused, not read past the table. */
	CU_ASSERT_EQUAL(rae_cme_next((enum rae_cme_state)RAE_CME_NSTATES, CE_STOP), -1);
	CU_ASSERT_EQUAL(rae_cme_next(CS_IDLE, (enum rae_cme_event)RAE_CME_NEVENTS), -1);
}

int
suite_rae_register(void)
{
	CU_pSuite s = CU_add_suite("rae", NULL, NULL);

	if (!s ||
	    !CU_add_test(s, "metric aggregation", test_concat) ||
	    !CU_add_test(s, "step 1: normalisation", test_sigma) ||
	    !CU_add_test(s, "step 2: achievement", test_achievement) ||
	    !CU_add_test(s, "step 3: score", test_score) ||
	    !CU_add_test(s, "step 4: ranking and ties", test_rank_ties) ||
	    !CU_add_test(s, "penalty, flat and inverse", test_rank_penalty_and_flat) ||
	    !CU_add_test(s, "RIB: interning", test_rib_interning) ||
	    !CU_add_test(s, "RIB: a received path found by its rest", test_rib_aspath_rest) ||
	    !CU_add_test(s, "RIB: 200000 prefixes", test_rib_table) ||
	    !CU_add_test(s, "RIB: pools", test_rib_pools) ||
	    !CU_add_test(s, "RIB: attributes held in the path", test_rib_own_attrs) ||
	    !CU_add_test(s, "RIB: prefix numbers and peer bits", test_rib_numbers) ||
	    !CU_add_test(s, "drain: groups of prefixes", test_drain_groups) ||
	    !CU_add_test(s, "config: binary", test_config_binary) ||
	    !CU_add_test(s, "config: wrong types", test_config_wrong_type) ||
	    !CU_add_test(s, "config: XML form", test_config_xml) ||
	    !CU_add_test(s, "config: value checks", test_config_checks) ||
	    !CU_add_test(s, "policy: configuration", test_policy_config) ||
	    !CU_add_test(s, "policy: binary relationship", test_policy_binary) ||
	    !CU_add_test(s, "policy: classes and export", test_policy_rules) ||
	    !CU_add_test(s, "policy: decision", test_policy_decide) ||
	    !CU_add_test(s, "messages: framing", test_msg_framing) ||
	    !CU_add_test(s, "messages: bad input", test_msg_bad) ||
	    !CU_add_test(s, "messages: the one-pass decoder", test_msg_fast) ||
	    !CU_add_test(s, "messages: prefixes parsed once", test_msg_prefixes) ||
	    !CU_add_test(s, "CME link: transitions", test_cme_link_walks) ||
	    !CU_add_test(s, "CME link: events refused", test_cme_link_refused))
		return -1;
	return 0;
}
