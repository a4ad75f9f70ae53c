/*
 * rae_rib.c - the RAE's RIB: every destination prefix with the paths the
 * peers offer to it, which the decision process (rae_decide.c) ranks.
 *
 * Built to hold a full Internet table (a million prefixes) in little
 * memory, as bgpd's RDE does:
 *  - destinations live in an open-addressing hash table keyed by the
 *    prefix (linear probing, backward-shift deletion, at most half full);
 *  - AS paths are interned: one reference-counted copy per sequence;
 *  - path attributes (AS path, classes offered, metric and score per
 *    class) are interned too, so the thousands of prefixes of one update
 *    share one attribute object and a path is 24 bytes;
 *  - destinations and paths come from chunk pools with free lists.
 * The hash is computed from the prefix's bytes, never from a pointer, and
 * nothing that reaches the output iterates over the interning tables:
 * every run is the same.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "entities/rae/rae.h"

#define RIB_CHUNK	4096	/* objects per pool chunk */
#define RIB_MIN_SLOTS	1024

/* ---- hashing ---- */

static uint64_t
mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static uint64_t
prefix_hash(const struct prefix *p)
{
	uint64_t a, b;

	memcpy(&a, p->addr.a, 8);
	memcpy(&b, p->addr.a + 8, 8);
	return mix64(a ^ mix64(b ^ ((uint64_t)p->addr.af << 8 | p->len)));
}

static bool
prefix_eq(const struct prefix *x, const struct prefix *y)
{
	return x->len == y->len && addr_eq(&x->addr, &y->addr);
}

/* ---- pools ---- */

static void *
pool_chunk(struct rae_rib *rib, size_t objsize)
{
	void *c = g_malloc0(objsize * RIB_CHUNK);

	g_ptr_array_add(rib->chunks, c);
	return c;
}

static struct rae_dest *
dest_alloc(struct rae_rib *rib)
{
	struct rae_dest *d;

	if (!rib->free_dest) {
		struct rae_dest *c = pool_chunk(rib, sizeof(*c));

		for (size_t i = 0; i < RIB_CHUNK; i++) {
			c[i].paths = (struct rae_path *)rib->free_dest;
			rib->free_dest = &c[i];
		}
	}
	d = rib->free_dest;
	rib->free_dest = (struct rae_dest *)d->paths;
	memset(d, 0, sizeof(*d));
	return d;
}

static void
dest_free(struct rae_rib *rib, struct rae_dest *d)
{
	d->paths = (struct rae_path *)rib->free_dest;
	rib->free_dest = d;
}

static struct rae_path *
path_alloc(struct rae_rib *rib)
{
	struct rae_path *p;

	if (!rib->free_path) {
		struct rae_path *c = pool_chunk(rib, sizeof(*c));

		for (size_t i = 0; i < RIB_CHUNK; i++) {
			c[i].next = rib->free_path;
			rib->free_path = &c[i];
		}
	}
	p = rib->free_path;
	rib->free_path = p->next;
	memset(p, 0, sizeof(*p));
	rib->npaths++;
	return p;
}

static void
path_free(struct rae_rib *rib, struct rae_path *p)
{
	p->next = rib->free_path;
	rib->free_path = p;
	rib->npaths--;
}

/* ---- interned AS paths and attributes ---- */

static guint
aspath_hash_fn(gconstpointer k)
{
	return ((const struct rae_aspath *)k)->hash;
}

static gboolean
aspath_eq_fn(gconstpointer x, gconstpointer y)
{
	const struct rae_aspath *a = x, *b = y;

	return a->len == b->len && memcmp(a->asn, b->asn, a->len * sizeof(uint32_t)) == 0;
}

static uint32_t
aspath_hash(const uint32_t *asn, unsigned len)
{
	uint64_t h = mix64(len + 0x9e3779b97f4a7c15ULL);

	for (unsigned i = 0; i < len; i++)
		h = mix64(h ^ asn[i]);
	return (uint32_t)h;
}

struct rae_aspath *
rae_aspath_get(struct rae_rib *rib, const uint32_t *asn, unsigned len)
{
	struct rae_aspath *key, *p;

	assert(len <= RAE_MAX_ASPATH);
	key = g_malloc(sizeof(*key) + len * sizeof(uint32_t));
	key->refcnt = 1;
	key->len = (uint16_t)len;
	key->hash = aspath_hash(asn, len);
	memcpy(key->asn, asn, len * sizeof(uint32_t));
	p = g_hash_table_lookup(rib->aspaths, key);
	if (p) {
		g_free(key);
		p->refcnt++;
		return p;
	}
	g_hash_table_add(rib->aspaths, key);
	return key;
}

void
rae_aspath_put(struct rae_rib *rib, struct rae_aspath *p)
{
	assert(p->refcnt > 0);
	if (--p->refcnt == 0) {
		g_hash_table_remove(rib->aspaths, p);
		g_free(p);
	}
}

bool
rae_aspath_contains(const struct rae_aspath *p, uint32_t asn)
{
	for (unsigned i = 0; i < p->len; i++)
		if (p->asn[i] == asn)
			return true;
	return false;
}

static guint
attr_hash_fn(gconstpointer k)
{
	return ((const struct rae_attr *)k)->hash;
}

static gboolean
attr_eq_fn(gconstpointer x, gconstpointer y)
{
	const struct rae_attr *a = x, *b = y;

	return a->aspath == b->aspath && a->classmask == b->classmask &&
	       memcmp(a->m, b->m, a->nslots * sizeof(struct rae_metric)) == 0;
}

struct rae_attr *
rae_attr_get(struct rae_rib *rib, struct rae_aspath *aspath, uint8_t classmask,
	     const struct rae_metric *m)
{
	size_t size = sizeof(struct rae_attr) + rib->nslots * sizeof(struct rae_metric);
	struct rae_attr *key = g_malloc0(size), *a;
	uint64_t h;

	key->aspath = aspath;
	key->classmask = classmask;
	key->nslots = (uint8_t)rib->nslots;
	/* Unused slots stay zero, so that equal attributes compare equal. */
	for (unsigned s = 0; s < rib->nslots; s++)
		if (classmask & (1u << s))
			key->m[s] = m[s];
	h = mix64(aspath->hash ^ ((uint64_t)classmask << 32));
	for (unsigned s = 0; s < rib->nslots; s++) {
		uint64_t w[3];

		memcpy(w, &key->m[s], sizeof(w));
		h = mix64(h ^ w[0] ^ mix64(w[1] ^ mix64(w[2])));
	}
	key->hash = (uint32_t)h;
	a = g_hash_table_lookup(rib->attrs, key);
	if (a) {
		g_free(key);
		a->refcnt++;
		return a;
	}
	key->refcnt = 1;
	aspath->refcnt++;
	for (unsigned s = 0; s < rib->nslots; s++)
		if (classmask & (1u << s))
			key->score[s] = rae_score(&rib->dp.dp[s], &key->m[s], rib->dp.flat);
	g_hash_table_add(rib->attrs, key);
	return key;
}

void
rae_attr_put(struct rae_rib *rib, struct rae_attr *a)
{
	assert(a->refcnt > 0);
	if (--a->refcnt == 0) {
		g_hash_table_remove(rib->attrs, a);
		rae_aspath_put(rib, a->aspath);
		g_free(a);
	}
}

/* ---- the destination table ---- */

void
rae_rib_init(struct rae_rib *rib, const struct rae_decide_params *dp)
{
	memset(rib, 0, sizeof(*rib));
	rib->dp = *dp;
	rib->nslots = dp->nslots;
	rib->nslot = RIB_MIN_SLOTS;
	rib->slot = g_new0(struct rae_dest *, rib->nslot);
	rib->aspaths = g_hash_table_new(aspath_hash_fn, aspath_eq_fn);
	rib->attrs = g_hash_table_new(attr_hash_fn, attr_eq_fn);
	rib->chunks = g_ptr_array_new_with_free_func(g_free);
}

void
rae_rib_fini(struct rae_rib *rib)
{
	GHashTableIter it;
	gpointer k;

	if (!rib->slot)
		return;
	for (size_t i = 0; i < rib->nslot; i++) {
		struct rae_dest *d = rib->slot[i];

		if (!d)
			continue;
		while (d->paths) {
			struct rae_path *p = d->paths;

			d->paths = p->next;
			rae_attr_put(rib, p->attr);
		}
	}
	/* What is left is referenced from outside the RIB (tests): free it all. */
	g_hash_table_iter_init(&it, rib->attrs);
	while (g_hash_table_iter_next(&it, &k, NULL))
		g_free(k);
	g_hash_table_iter_init(&it, rib->aspaths);
	while (g_hash_table_iter_next(&it, &k, NULL))
		g_free(k);
	g_hash_table_destroy(rib->attrs);
	g_hash_table_destroy(rib->aspaths);
	g_ptr_array_free(rib->chunks, TRUE);
	g_free(rib->slot);
	memset(rib, 0, sizeof(*rib));
}

static size_t
slot_of(const struct rae_rib *rib, const struct prefix *pfx)
{
	size_t mask = rib->nslot - 1;
	size_t i = (size_t)prefix_hash(pfx) & mask;

	while (rib->slot[i] && !prefix_eq(&rib->slot[i]->pfx, pfx))
		i = (i + 1) & mask;
	return i;
}

struct rae_dest *
rae_rib_lookup(const struct rae_rib *rib, const struct prefix *pfx)
{
	return rib->slot[slot_of(rib, pfx)];
}

static void
rib_grow(struct rae_rib *rib)
{
	struct rae_dest **old = rib->slot;
	size_t n = rib->nslot;

	rib->nslot *= 2;
	rib->slot = g_new0(struct rae_dest *, rib->nslot);
	for (size_t i = 0; i < n; i++)
		if (old[i])
			rib->slot[slot_of(rib, &old[i]->pfx)] = old[i];
	g_free(old);
}

struct rae_dest *
rae_rib_get(struct rae_rib *rib, const struct prefix *pfx)
{
	size_t i = slot_of(rib, pfx);
	struct rae_dest *d = rib->slot[i];

	if (d)
		return d;
	if (2 * (rib->count + 1) > rib->nslot) {
		rib_grow(rib);
		i = slot_of(rib, pfx);
	}
	d = dest_alloc(rib);
	d->pfx = *pfx;
	rib->slot[i] = d;
	rib->count++;
	return d;
}

/* Remove the entry at slot i, shifting back the run that follows it. */
static void
rib_remove_slot(struct rae_rib *rib, size_t i)
{
	size_t mask = rib->nslot - 1, j = i;

	rib->slot[i] = NULL;
	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!rib->slot[j])
			break;
		home = (size_t)prefix_hash(&rib->slot[j]->pfx) & mask;
		/* Move j back to i unless its home lies cyclically in (i, j]. */
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			rib->slot[i] = rib->slot[j];
			rib->slot[j] = NULL;
			i = j;
		}
	}
	rib->count--;
}

void
rae_rib_release(struct rae_rib *rib, struct rae_dest *d)
{
	size_t i;

	if (d->paths || d->flags || d->adv || d->queued)
		return;
	i = slot_of(rib, &d->pfx);
	assert(rib->slot[i] == d);
	rib_remove_slot(rib, i);
	dest_free(rib, d);
}

void
rae_rib_foreach(struct rae_rib *rib, void (*fn)(struct rae_dest *d, void *ctx), void *ctx)
{
	for (size_t i = 0; i < rib->nslot; i++)
		if (rib->slot[i])
			fn(rib->slot[i], ctx);
}

static int
dest_cmp(const void *x, const void *y)
{
	const struct rae_dest *a = *(const struct rae_dest *const *)x;
	const struct rae_dest *b = *(const struct rae_dest *const *)y;
	int c;

	if (a->pfx.addr.af != b->pfx.addr.af)
		return a->pfx.addr.af < b->pfx.addr.af ? -1 : 1;
	c = memcmp(a->pfx.addr.a, b->pfx.addr.a, 16);
	if (c)
		return c;
	return (int)a->pfx.len - (int)b->pfx.len;
}

struct rae_dest **
rae_rib_sorted(const struct rae_rib *rib, bool skip_local, size_t *n)
{
	struct rae_dest **v = g_new(struct rae_dest *, rib->count ? rib->count : 1);
	size_t k = 0;

	for (size_t i = 0; i < rib->nslot; i++)
		if (rib->slot[i] && !(skip_local && (rib->slot[i]->flags & RAE_DEST_LOCAL)))
			v[k++] = rib->slot[i];
	qsort(v, k, sizeof(*v), dest_cmp);
	*n = k;
	return v;
}

/* ---- paths ---- */

/* What a destination's preferred paths are: (peer, attributes, classes). */
struct pref_entry {
	uint16_t peer;
	uint8_t pref;
	const struct rae_attr *attr;
};

static unsigned
pref_snapshot(const struct rae_dest *d, struct pref_entry *v, unsigned cap)
{
	unsigned n = 0;

	for (const struct rae_path *p = d->paths; p; p = p->next)
		if (p->pref) {
			if (n == cap)
				return cap + 1;
			v[n].peer = p->peer;
			v[n].pref = p->pref;
			v[n].attr = p->attr;
			n++;
		}
	return n;
}

static bool
pref_same(const struct pref_entry *a, unsigned na, const struct pref_entry *b, unsigned nb)
{
	if (na != nb)
		return false;
	for (unsigned i = 0; i < na; i++) {
		unsigned j;

		for (j = 0; j < nb; j++)
			if (a[i].peer == b[j].peer && a[i].pref == b[j].pref &&
			    a[i].attr == b[j].attr)
				break;
		if (j == nb)
			return false;
	}
	return true;
}

bool
rae_rib_update(struct rae_rib *rib, struct rae_dest *d, uint16_t peer,
	       struct rae_attr *const *attrs, unsigned n)
{
	struct pref_entry before[64], after[64];
	struct rae_path **pp, *tail = NULL;
	unsigned nb, na;

	nb = pref_snapshot(d, before, G_N_ELEMENTS(before));
	pp = &d->paths;
	while (*pp) {
		struct rae_path *p = *pp;

		if (p->peer == peer) {
			*pp = p->next;
			rae_attr_put(rib, p->attr);
			path_free(rib, p);
		} else {
			tail = p;
			pp = &p->next;
		}
	}
	for (unsigned i = 0; i < n; i++) {
		struct rae_path *p = path_alloc(rib);

		p->attr = attrs[i];
		attrs[i]->refcnt++;
		p->peer = peer;
		if (tail)
			tail->next = p;
		else
			d->paths = p;
		tail = p;
	}
	rae_decide(&rib->dp, d);
	na = pref_snapshot(d, after, G_N_ELEMENTS(after));
	/* More than 64 preferred paths: compare no further, call it a change. */
	if (nb > G_N_ELEMENTS(before) || na > G_N_ELEMENTS(after))
		return true;
	return !pref_same(before, nb, after, na);
}

size_t
rae_rib_memory(const struct rae_rib *rib)
{
	size_t m = rib->nslot * sizeof(struct rae_dest *);

	/* Chunks hold destinations or paths; both are counted by their size. */
	for (guint i = 0; i < rib->chunks->len; i++)
		m += RIB_CHUNK * sizeof(struct rae_dest);
	m += g_hash_table_size(rib->attrs) *
	     (sizeof(struct rae_attr) + rib->nslots * sizeof(struct rae_metric) + 32);
	m += g_hash_table_size(rib->aspaths) * (sizeof(struct rae_aspath) + 64);
	return m;
}
