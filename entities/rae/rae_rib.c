/*
 * rae_rib.c - the RAE's RIB: every destination prefix with the paths the
 * peers offer to it, which the decision process (rae_decide.c) ranks.
 *
 * Built to hold a full Internet table (a million prefixes) in little
 * memory, as bgpd's RDE does, and thousands of RIBs side by side (a
 * 10 000-AS graph, doc/scale.md):
 *  - destinations hold the process's number of their prefix (below), not
 *    the prefix, and live in an open-addressing hash table keyed by the
 *    prefix's hash (linear probing, backward-shift deletion, at most
 *    half full); what was advertised to a peer and what its queue holds
 *    are bit arrays indexed by the number;
 *  - AS paths are cells of a store the process's RIBs share (below): an
 *    AS in front of the rest of the path, one cell per distinct pair;
 *  - path attributes (AS path, classes offered, metric per class; the
 *    score is computed when the decision compares two paths) are
 *    interned when a Route of several prefixes shares them, and held in
 *    the path when it is a Route's only prefix, its metrics as a vector
 *    of a store the process's RIBs share (below);
 *  - destinations, paths and attributes come from pools of chunks that
 *    grow with the RIB, with free lists: no allocator overhead per
 *    object, and a small RIB holds small chunks.
 * Hashes are computed from bytes of content, never from a pointer, and
 * nothing that reaches the output iterates over the interning tables or
 * in the order of prefix numbers: every run is the same.
 */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "entities/rae/rae.h"

#define RIB_CHUNK	4096	/* objects per pool chunk, at most */
#define RIB_CHUNK_MIN	32	/* in the first chunk of a pool */
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

/*
 * A pool of objects of one size, carved from chunks that double from
 * RIB_CHUNK_MIN objects to RIB_CHUNK (a RIB of a few hundred prefixes
 * does not pay for four thousand); a freed object goes on the pool's
 * free list, linked through its first bytes.  The chunks are the RIB's
 * and go with it.
 */
static void
pool_init(struct rae_pool *pl, size_t size)
{
	pl->size = (size + 7) & ~(size_t)7;
	pl->free = NULL;
	pl->next = RIB_CHUNK_MIN;
}

static void *
pool_get(struct rae_rib *rib, struct rae_pool *pl)
{
	void *o;

	if (!pl->free) {
		char *c = g_malloc(pl->size * pl->next);

		g_ptr_array_add(rib->chunks, c);
		rib->pool_bytes += pl->size * pl->next;
		for (size_t i = pl->next; i-- > 0;) {
			memcpy(c + i * pl->size, &pl->free, sizeof(void *));
			pl->free = c + i * pl->size;
		}
		if (pl->next < RIB_CHUNK)
			pl->next *= 2;
	}
	o = pl->free;
	memcpy(&pl->free, o, sizeof(void *));
	memset(o, 0, pl->size);
	return o;
}

static void
pool_put(struct rae_pool *pl, void *o)
{
	memcpy(o, &pl->free, sizeof(void *));
	pl->free = o;
}

static struct rae_dest *
dest_alloc(struct rae_rib *rib)
{
	return pool_get(rib, &rib->dest_pool);
}

static void
dest_free(struct rae_rib *rib, struct rae_dest *d)
{
	pool_put(&rib->dest_pool, d);
}

/* A path sharing attr, or holding a copy of the template attr (refcnt 0). */
static struct rae_path *
path_alloc(struct rae_rib *rib, struct rae_attr *attr)
{
	struct rae_path *p;

	rib->npaths++;
	if (attr->refcnt) {
		p = pool_get(rib, &rib->path_pool);
		p->u.attr = attr;
		attr->refcnt++;
		return p;
	}
	p = pool_get(rib, &rib->own_pool);
	p->u.aspath = attr->aspath;
	attr->aspath->refcnt++;
	assert(attr->classmask);
	p->classmask = attr->classmask;
	((struct rae_path_own *)p)->mv = rae_mvec_get(attr->m, rib->nslots);
	return p;
}

/* Free a path and let go of its attributes. */
static void
path_free(struct rae_rib *rib, struct rae_path *p)
{
	if (p->classmask) {
		rae_aspath_put(p->u.aspath);
		rae_mvec_put(((struct rae_path_own *)p)->mv);
		pool_put(&rib->own_pool, p);
	} else {
		rae_attr_put(rib, p->u.attr);
		pool_put(&rib->path_pool, p);
	}
	rib->npaths--;
}

/* ---- AS paths: the process's shared store of cells ---- */

/*
 * Every RIB of the process takes its AS paths from one store, so that the
 * path a thousand RAEs learn from peer A is, in each of them, one cell in
 * front of the cell A holds: at one prefix per AS, about one cell per
 * (RAE, prefix) instead of a copy of the whole path per (RAE, prefix,
 * peer).  The cells live in an open-addressing table keyed by (AS, rest)
 * (linear probing, backward-shift deletion, at most three quarters full)
 * and come from chunks with a free list; when the last cell goes, so do
 * the chunks and the table.  The hash is computed from the ASes, never
 * from a pointer, and nothing iterates over the table but its own growth:
 * every run is the same whatever else the process holds.
 */
#define STORE_CHUNK	4096	/* cells per chunk */
#define STORE_MIN_SLOTS	1024

static struct {
	struct rae_aspath **slot;
	size_t nslot, count;
	struct rae_aspath *free;	/* linked through rest */
	GPtrArray *chunks;
} store;

/* The hash of the cell (asn, rest), from rest's hash and length (0x9e3779b9 and 0 for none). */
static uint32_t
cell_hash_of(uint32_t asn, uint32_t rest_hash, uint32_t rest_len)
{
	return (uint32_t)mix64(((uint64_t)rest_hash << 32) ^ asn ^ ((uint64_t)rest_len << 24));
}

static size_t
store_slot(uint32_t h, uint32_t asn, const struct rae_aspath *rest)
{
	size_t mask = store.nslot - 1, i = h & mask;

	while (store.slot[i] && !(store.slot[i]->asn == asn && store.slot[i]->rest == rest))
		i = (i + 1) & mask;
	return i;
}

static void
store_grow(void)
{
	struct rae_aspath **old = store.slot;
	size_t n = store.nslot;

	store.nslot = n ? 2 * n : STORE_MIN_SLOTS;
	store.slot = g_new0(struct rae_aspath *, store.nslot);
	for (size_t i = 0; i < n; i++)
		if (old[i]) {
			size_t mask = store.nslot - 1, j = old[i]->hash & mask;

			while (store.slot[j])
				j = (j + 1) & mask;
			store.slot[j] = old[i];
		}
	g_free(old);
}

/* The cell (asn, rest) of hash h, a new reference; a new cell takes one on rest. */
static struct rae_aspath *
cell_get_h(uint32_t asn, struct rae_aspath *rest, uint32_t h)
{
	struct rae_aspath *c;
	size_t i;

	if (4 * (store.count + 1) > 3 * store.nslot)
		store_grow();
	i = store_slot(h, asn, rest);
	if (store.slot[i]) {
		store.slot[i]->refcnt++;
		return store.slot[i];
	}
	if (!store.free) {
		struct rae_aspath *chunk = g_new(struct rae_aspath, STORE_CHUNK);

		if (!store.chunks)
			store.chunks = g_ptr_array_new_with_free_func(g_free);
		g_ptr_array_add(store.chunks, chunk);
		for (size_t k = STORE_CHUNK; k-- > 0;) {
			chunk[k].rest = store.free;
			store.free = &chunk[k];
		}
	}
	c = store.free;
	store.free = c->rest;
	c->rest = rest;
	c->asn = asn;
	c->refcnt = 1;
	c->hash = h;
	c->len = (uint16_t)(rest ? rest->len + 1 : 1);
	if (rest)
		rest->refcnt++;
	store.slot[i] = c;
	store.count++;
	return c;
}

/*
 * The cell holding the sequence asn[0..len) (hash h), if the store has
 * it; no reference taken.  Found by its content: the candidates of hash
 * h and length len are walked and compared AS by AS, and cells are
 * unique by content, so the one that matches is the one.
 */
static struct rae_aspath *
cell_find_seq(const uint32_t *asn, unsigned len, uint32_t h)
{
	size_t mask, i;

	if (!store.nslot)
		return NULL;
	mask = store.nslot - 1;
	for (i = h & mask; store.slot[i]; i = (i + 1) & mask) {
		const struct rae_aspath *c = store.slot[i];
		unsigned k = 0;

		if (c->hash != h || c->len != len)
			continue;
		for (; c && c->asn == asn[k]; c = c->rest)
			k++;
		if (k == len)
			return store.slot[i];
	}
	return NULL;
}

/* Take cell c out of the table (backward-shift deletion) and free it. */
static void
cell_free(struct rae_aspath *c)
{
	size_t mask = store.nslot - 1, i = store_slot(c->hash, c->asn, c->rest), j = i;

	assert(store.slot[i] == c);
	store.slot[i] = NULL;
	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!store.slot[j])
			break;
		home = store.slot[j]->hash & mask;
		/* Move j back to i unless its home lies cyclically in (i, j]. */
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			store.slot[i] = store.slot[j];
			store.slot[j] = NULL;
			i = j;
		}
	}
	c->rest = store.free;
	store.free = c;
	if (--store.count == 0) {
		/* The last cell: give everything back. */
		g_ptr_array_free(store.chunks, TRUE);
		g_free(store.slot);
		memset(&store, 0, sizeof(store));
	}
}

/* The hash of the cell holding asn[0..len), from the ASes alone. */
static uint32_t
seq_hash(const uint32_t *asn, unsigned len)
{
	uint32_t h = cell_hash_of(asn[len - 1], 0x9e3779b9u, 0);

	for (unsigned i = len - 1; i-- > 0;)
		h = cell_hash_of(asn[i], h, len - 1 - i);
	return h;
}

void
rae_aspath_prefetch(const uint32_t *asn, unsigned len, int stage)
{
	uint32_t h1, h0;
	const void *at[2];

	if (len < 2 || len > RAE_MAX_ASPATH || !store.nslot)
		return;
	/* The rest's slot (or cell), and the whole path's: both are looked up. */
	h1 = seq_hash(asn + 1, len - 1);
	h0 = cell_hash_of(asn[0], h1, len - 1);
	at[0] = &store.slot[h1 & (store.nslot - 1)];
	at[1] = &store.slot[h0 & (store.nslot - 1)];
	for (int k = 0; k < 2; k++) {
		const void *a = stage ? *(const void *const *)at[k] : at[k];

		if (a)
			__builtin_prefetch(a);
	}
}

/*
 * An AS path received from a peer is nearly always the peer's AS in front
 * of a path the peer holds, hence a cell of the store already: the rest
 * (asn[1..len)) is looked up once by its content, and only when it is
 * not there is the path built cell by cell from the origin.  The hashes
 * of every suffix are computed from the ASes alone, as the cells'.
 */
struct rae_aspath *
rae_aspath_get(const uint32_t *asn, unsigned len)
{
	uint32_t h[RAE_MAX_ASPATH];
	struct rae_aspath *p = NULL;

	assert(len >= 1 && len <= RAE_MAX_ASPATH);
	h[len - 1] = cell_hash_of(asn[len - 1], 0x9e3779b9u, 0);
	for (unsigned i = len - 1; i-- > 0;)
		h[i] = cell_hash_of(asn[i], h[i + 1], len - 1 - i);
	if (len > 1) {
		struct rae_aspath *rest = cell_find_seq(asn + 1, len - 1, h[1]);

		if (rest)
			return cell_get_h(asn[0], rest, h[0]);
	}
	/* From the origin forwards, each cell in front of the last. */
	for (unsigned i = len; i-- > 0;) {
		struct rae_aspath *c = cell_get_h(asn[i], p, h[i]);

		if (p)
			rae_aspath_put(p);
		p = c;
	}
	return p;
}

void
rae_aspath_put(struct rae_aspath *p)
{
	while (p) {
		struct rae_aspath *rest = p->rest;

		assert(p->refcnt > 0);
		if (--p->refcnt > 0)
			break;
		cell_free(p);
		p = rest;
	}
}

bool
rae_aspath_contains(const struct rae_aspath *p, uint32_t asn)
{
	for (; p; p = p->rest)
		if (p->asn == asn)
			return true;
	return false;
}

unsigned
rae_aspath_copy(const struct rae_aspath *p, uint32_t *out)
{
	unsigned n = 0;

	for (; p; p = p->rest)
		out[n++] = p->asn;
	return n;
}

size_t
rae_aspath_cells(void)
{
	return store.count;
}

size_t
rae_aspath_store_bytes(void)
{
	return store.nslot * sizeof(struct rae_aspath *) +
	       (store.chunks ? store.chunks->len : 0) * STORE_CHUNK * sizeof(struct rae_aspath);
}

/* ---- metric vectors: the process's shared store ---- */

/*
 * The metrics of the paths that hold their own attributes, one vector a
 * distinct content (the bytes of nslots metrics), shared by every RIB of
 * the process: on a graph whose links all have the same properties
 * nearly every path has the same metrics, and 48 bytes a path (two
 * classes) become a pointer.  An open-addressing table keyed by the
 * content (at most three quarters full), hashed from the bytes; nothing
 * iterates over it but its own growth.
 */
static struct {
	struct rae_mvec **slot;
	size_t nslot, count, bytes;
} mvs;

static uint32_t
mvec_hash(const struct rae_metric *m, unsigned nslots)
{
	uint64_t h = mix64(nslots + 0x9e3779b97f4a7c15ULL);

	for (unsigned s = 0; s < nslots; s++) {
		uint64_t w[3];

		memcpy(w, &m[s], sizeof(w));
		h = mix64(h ^ w[0] ^ mix64(w[1] ^ mix64(w[2])));
	}
	return (uint32_t)h;
}

static size_t
mvec_slot(const struct rae_metric *m, unsigned nslots, uint32_t h)
{
	size_t mask = mvs.nslot - 1, i = h & mask;

	while (mvs.slot[i] && !(mvs.slot[i]->nslots == nslots &&
				memcmp(mvs.slot[i]->m, m, nslots * sizeof(*m)) == 0))
		i = (i + 1) & mask;
	return i;
}

struct rae_mvec *
rae_mvec_get(const struct rae_metric *m, unsigned nslots)
{
	uint32_t h = mvec_hash(m, nslots);
	struct rae_mvec *v;
	size_t i;

	if (4 * (mvs.count + 1) > 3 * mvs.nslot) {
		struct rae_mvec **old = mvs.slot;
		size_t n = mvs.nslot;

		mvs.nslot = n ? 2 * n : 64;
		mvs.slot = g_new0(struct rae_mvec *, mvs.nslot);
		for (size_t k = 0; k < n; k++)
			if (old[k]) {
				size_t mask = mvs.nslot - 1, j = old[k]->hash & mask;

				while (mvs.slot[j])
					j = (j + 1) & mask;
				mvs.slot[j] = old[k];
			}
		g_free(old);
	}
	i = mvec_slot(m, nslots, h);
	if (mvs.slot[i]) {
		mvs.slot[i]->refcnt++;
		return mvs.slot[i];
	}
	v = g_malloc(sizeof(*v) + nslots * sizeof(*m));
	v->refcnt = 1;
	v->hash = h;
	v->nslots = (uint8_t)nslots;
	memcpy(v->m, m, nslots * sizeof(*m));
	mvs.slot[i] = v;
	mvs.count++;
	mvs.bytes += sizeof(*v) + nslots * sizeof(*m);
	return v;
}

void
rae_mvec_put(struct rae_mvec *v)
{
	size_t mask, i, j;

	assert(v->refcnt > 0);
	if (--v->refcnt > 0)
		return;
	mask = mvs.nslot - 1;
	i = j = mvec_slot(v->m, v->nslots, v->hash);
	assert(mvs.slot[i] == v);
	mvs.slot[i] = NULL;
	for (;;) {
		size_t home;

		j = (j + 1) & mask;
		if (!mvs.slot[j])
			break;
		home = mvs.slot[j]->hash & mask;
		/* Move j back to i unless its home lies cyclically in (i, j]. */
		if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
			mvs.slot[i] = mvs.slot[j];
			mvs.slot[j] = NULL;
			i = j;
		}
	}
	mvs.bytes -= sizeof(*v) + v->nslots * sizeof(struct rae_metric);
	g_free(v);
	if (--mvs.count == 0) {
		g_free(mvs.slot);
		memset(&mvs, 0, sizeof(mvs));
	}
}

size_t
rae_mvec_count(void)
{
	return mvs.count;
}

size_t
rae_mvec_store_bytes(void)
{
	return mvs.nslot * sizeof(struct rae_mvec *) + mvs.bytes;
}

static int
ptr_cmp(const void *x, const void *y)
{
	uintptr_t a = (uintptr_t)*(const void *const *)x, b = (uintptr_t)*(const void *const *)y;

	return a < b ? -1 : a > b;
}

size_t
rae_rib_aspaths(const struct rae_rib *rib)
{
	const void **v = g_new(const void *, rib->npaths ? rib->npaths : 1);
	size_t n = 0, distinct = 0;

	for (size_t i = 0; i < rib->nslot; i++)
		if (rib->slot[i])
			for (const struct rae_path *p = rib->slot[i]->paths; p; p = p->next)
				v[n++] = rae_path_aspath(p);
	/* Sorted by address only to count the distinct ones: the count is the same. */
	qsort(v, n, sizeof(*v), ptr_cmp);
	for (size_t i = 0; i < n; i++)
		distinct += i == 0 || v[i] != v[i - 1];
	g_free(v);
	return distinct;
}

/* Whether two paths carry the same attributes: AS path, classes, metrics. */
static bool
path_attr_same(unsigned nslots, const struct rae_path *a, const struct rae_path *b)
{
	if (rae_path_aspath(a) != rae_path_aspath(b) || rae_path_classes(a) != rae_path_classes(b))
		return false;
	/* Unused slots are zero in both kinds: the bytes compare as the interning did. */
	return memcmp(rae_path_metric(a, 0), rae_path_metric(b, 0),
		      nslots * sizeof(struct rae_metric)) == 0;
}

static unsigned attr_cmp_nslots;	/* for attr_cmp under qsort */

/* An order of paths by attributes, only to count the distinct ones. */
static int
attr_cmp(const void *x, const void *y)
{
	const struct rae_path *a = *(const struct rae_path *const *)x;
	const struct rae_path *b = *(const struct rae_path *const *)y;
	uintptr_t pa = (uintptr_t)rae_path_aspath(a), pb = (uintptr_t)rae_path_aspath(b);

	if (pa != pb)
		return pa < pb ? -1 : 1;
	if (rae_path_classes(a) != rae_path_classes(b))
		return rae_path_classes(a) < rae_path_classes(b) ? -1 : 1;
	return memcmp(rae_path_metric(a, 0), rae_path_metric(b, 0),
		      attr_cmp_nslots * sizeof(struct rae_metric));
}

size_t
rae_rib_attrs(const struct rae_rib *rib)
{
	const struct rae_path **v = g_new(const struct rae_path *, rib->npaths ? rib->npaths : 1);
	size_t n = 0, distinct = 0;

	for (size_t i = 0; i < rib->nslot; i++)
		if (rib->slot[i])
			for (const struct rae_path *p = rib->slot[i]->paths; p; p = p->next)
				v[n++] = p;
	attr_cmp_nslots = rib->nslots;
	qsort(v, n, sizeof(*v), attr_cmp);
	for (size_t i = 0; i < n; i++)
		distinct += i == 0 || !path_attr_same(rib->nslots, v[i], v[i - 1]);
	g_free(v);
	return distinct;
}

size_t
rae_attr_size(const struct rae_rib *rib)
{
	return sizeof(struct rae_attr) + rib->nslots * sizeof(struct rae_metric);
}

/* ---- interned attributes ---- */

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
	union {
		struct rae_attr a;
		char bytes[sizeof(struct rae_attr) + RAE_MAX_CLASSES * sizeof(struct rae_metric)];
	} k;
	struct rae_attr *key = &k.a, *a;
	uint64_t h;

	memset(&k, 0, sizeof(k));
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
		a->refcnt++;
		return a;
	}
	a = pool_get(rib, &rib->attr_pool);
	memcpy(a, key, sizeof(*a) + rib->nslots * sizeof(struct rae_metric));
	a->refcnt = 1;
	aspath->refcnt++;
	g_hash_table_add(rib->attrs, a);
	return a;
}

void
rae_attr_put(struct rae_rib *rib, struct rae_attr *a)
{
	assert(a->refcnt > 0);
	if (--a->refcnt == 0) {
		g_hash_table_remove(rib->attrs, a);
		rae_aspath_put(a->aspath);
		pool_put(&rib->attr_pool, a);
	}
}

/* ---- the destination table ---- */

static void
attr_drop_aspath(gpointer key, gpointer value, gpointer data)
{
	(void)value;
	(void)data;
	rae_aspath_put(((struct rae_attr *)key)->aspath);
}

void
rae_rib_init(struct rae_rib *rib, const struct rae_decide_params *dp)
{
	memset(rib, 0, sizeof(*rib));
	rib->dp = *dp;
	rib->nslots = dp->nslots;
	rib->nslot = RIB_MIN_SLOTS;
	rib->slot = g_new0(struct rae_dest *, rib->nslot);
	rib->attrs = g_hash_table_new(attr_hash_fn, attr_eq_fn);
	rib->chunks = g_ptr_array_new_with_free_func(g_free);
	pool_init(&rib->dest_pool, sizeof(struct rae_dest));
	pool_init(&rib->path_pool, sizeof(struct rae_path));
	pool_init(&rib->attr_pool,
		  sizeof(struct rae_attr) + rib->nslots * sizeof(struct rae_metric));
	pool_init(&rib->own_pool, sizeof(struct rae_path_own));
}

void
rae_rib_fini(struct rae_rib *rib)
{
	if (!rib->slot)
		return;
	/*
	 * Every object lives in the pools' chunks: they go all at once, after
	 * each attribute and each path with its own gave back its AS path to
	 * the shared store.
	 */
	for (size_t i = 0; i < rib->nslot; i++)
		if (rib->slot[i])
			for (struct rae_path *p = rib->slot[i]->paths; p; p = p->next)
				if (p->classmask) {
					rae_aspath_put(p->u.aspath);
					rae_mvec_put(((struct rae_path_own *)p)->mv);
				}
	g_hash_table_foreach(rib->attrs, attr_drop_aspath, NULL);
	g_hash_table_destroy(rib->attrs);
	g_ptr_array_free(rib->chunks, TRUE);
	for (unsigned i = 0; i < rib->nbits; i++) {
		g_free(rib->adv[i].w);
		g_free(rib->queued[i].w);
	}
	g_free(rib->adv);
	g_free(rib->queued);
	g_free(rib->slot);
	memset(rib, 0, sizeof(*rib));
}

/* ---- the process's numbering of prefixes ---- */

/*
 * Every RIB of the process knows the prefixes by one number, so that a
 * destination holds 4 bytes instead of a copy of its prefix and the
 * per-peer bits of a RIB are arrays indexed by it.  Prefixes sit in
 * chunks (their addresses never move) with their hash; a table of
 * numbers finds the number of a prefix.  Numbers are never reused: a
 * process knows few prefixes next to its paths.  Nothing iterates in
 * number order, so a number never reaches an output.
 */
#define PFX_CHUNK_BITS	12
#define PFX_CHUNK	(1u << PFX_CHUNK_BITS)

struct pfx_entry {
	struct prefix pfx;
	uint32_t hash;		/* prefix_hash(), low bits: what the RIBs' tables index by */
};

static struct {
	struct pfx_entry **chunk;
	uint32_t n, nchunk;
	uint32_t *slot;		/* number + 1; 0 empty */
	size_t nslot;
} pfxs;

static const struct pfx_entry *
pfx_entry(uint32_t num)
{
	return &pfxs.chunk[num >> PFX_CHUNK_BITS][num & (PFX_CHUNK - 1)];
}

static size_t
pfx_slot(const struct prefix *pfx, uint32_t h)
{
	size_t mask = pfxs.nslot - 1, i = h & mask;

	while (pfxs.slot[i] && !prefix_eq(&pfx_entry(pfxs.slot[i] - 1)->pfx, pfx))
		i = (i + 1) & mask;
	return i;
}

/* The number of pfx if it has one. */
static bool
pfx_find(const struct prefix *pfx, uint32_t *num)
{
	size_t i;

	if (!pfxs.nslot)
		return false;
	i = pfx_slot(pfx, (uint32_t)prefix_hash(pfx));
	if (!pfxs.slot[i])
		return false;
	*num = pfxs.slot[i] - 1;
	return true;
}

uint32_t
rae_prefix_num(const struct prefix *pfx)
{
	uint32_t h = (uint32_t)prefix_hash(pfx), num;
	struct pfx_entry *e;
	size_t i;

	if (4 * ((size_t)pfxs.n + 1) > 3 * pfxs.nslot) {
		uint32_t *old = pfxs.slot;
		size_t n = pfxs.nslot;

		pfxs.nslot = n ? 2 * n : 1024;
		pfxs.slot = g_new0(uint32_t, pfxs.nslot);
		for (size_t k = 0; k < n; k++)
			if (old[k]) {
				size_t mask = pfxs.nslot - 1, j = pfx_entry(old[k] - 1)->hash & mask;

				while (pfxs.slot[j])
					j = (j + 1) & mask;
				pfxs.slot[j] = old[k];
			}
		g_free(old);
	}
	i = pfx_slot(pfx, h);
	if (pfxs.slot[i])
		return pfxs.slot[i] - 1;
	num = pfxs.n++;
	if ((num >> PFX_CHUNK_BITS) == pfxs.nchunk) {
		pfxs.chunk = g_renew(struct pfx_entry *, pfxs.chunk, pfxs.nchunk + 1);
		pfxs.chunk[pfxs.nchunk++] = g_new(struct pfx_entry, PFX_CHUNK);
	}
	e = (struct pfx_entry *)pfx_entry(num);
	e->pfx = *pfx;
	e->hash = h;
	pfxs.slot[i] = num + 1;
	return num;
}

const struct prefix *
rae_prefix_of(uint32_t num)
{
	assert(num < pfxs.n);
	return &pfx_entry(num)->pfx;
}

/* ---- per-peer bits ---- */

static bool
bit_get(const struct rae_bits *b, uint32_t num)
{
	size_t w = num >> 6;

	return w < b->nw && (b->w[w] >> (num & 63) & 1);
}

/* Set or clear a bit; whether it changed. */
static bool
bit_set(struct rae_bits *b, uint32_t num, bool on)
{
	size_t w = num >> 6;
	uint64_t m = 1ull << (num & 63);

	if (w >= b->nw) {
		size_t nw = 2 * b->nw > w + 1 ? 2 * b->nw : w + 1;

		if (!on)
			return false;
		b->w = g_renew(uint64_t, b->w, nw);
		memset(b->w + b->nw, 0, (nw - b->nw) * sizeof(uint64_t));
		b->nw = nw;
	}
	if (!(b->w[w] & m) == !on)
		return false;
	b->w[w] ^= m;
	return true;
}

/* The bit arrays of peers 0..peer exist. */
static void
bits_reach(struct rae_rib *rib, unsigned peer)
{
	if (peer < rib->nbits)
		return;
	rib->adv = g_renew(struct rae_bits, rib->adv, peer + 1);
	rib->queued = g_renew(struct rae_bits, rib->queued, peer + 1);
	memset(rib->adv + rib->nbits, 0, (peer + 1 - rib->nbits) * sizeof(struct rae_bits));
	memset(rib->queued + rib->nbits, 0, (peer + 1 - rib->nbits) * sizeof(struct rae_bits));
	rib->nbits = peer + 1;
}

bool
rae_dest_adv(const struct rae_rib *rib, const struct rae_dest *d, unsigned peer)
{
	return peer < rib->nbits && bit_get(&rib->adv[peer], d->num);
}

bool
rae_dest_queued(const struct rae_rib *rib, const struct rae_dest *d, unsigned peer)
{
	return peer < rib->nbits && bit_get(&rib->queued[peer], d->num);
}

void
rae_dest_set_adv(struct rae_rib *rib, struct rae_dest *d, unsigned peer, bool on)
{
	bits_reach(rib, peer);
	if (bit_set(&rib->adv[peer], d->num, on))
		d->nadv = (uint8_t)(on ? d->nadv + 1 : d->nadv - 1);
}

void
rae_dest_set_queued(struct rae_rib *rib, struct rae_dest *d, unsigned peer, bool on)
{
	bits_reach(rib, peer);
	if (bit_set(&rib->queued[peer], d->num, on))
		d->nqueued = (uint8_t)(on ? d->nqueued + 1 : d->nqueued - 1);
}

/* ---- the destination table ---- */

/* The slot of prefix number num (its hash h), or the empty one where it would go. */
static size_t
slot_of(const struct rae_rib *rib, uint32_t h, uint32_t num)
{
	size_t mask = rib->nslot - 1;
	size_t i = h & mask;

	while (rib->slot[i] && rib->slot[i]->num != num)
		i = (i + 1) & mask;
	return i;
}

struct rae_dest *
rae_rib_lookup(const struct rae_rib *rib, const struct prefix *pfx)
{
	uint32_t num;

	if (!pfx_find(pfx, &num))
		return NULL;
	return rib->slot[slot_of(rib, pfx_entry(num)->hash, num)];
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
			rib->slot[slot_of(rib, pfx_entry(old[i]->num)->hash, old[i]->num)] = old[i];
	g_free(old);
}

struct rae_dest *
rae_rib_get(struct rae_rib *rib, const struct prefix *pfx)
{
	uint32_t num = rae_prefix_num(pfx), h = pfx_entry(num)->hash;
	size_t i = slot_of(rib, h, num);
	struct rae_dest *d = rib->slot[i];

	if (d)
		return d;
	if (2 * (rib->count + 1) > rib->nslot) {
		rib_grow(rib);
		i = slot_of(rib, h, num);
	}
	d = dest_alloc(rib);
	d->num = num;
	rib->slot[i] = d;
	rib->count++;
	return d;
}

void
rae_rib_prefetch(const struct rae_rib *rib, const struct prefix *pfx, int stage)
{
	const void *at = &rib->slot[(uint32_t)prefix_hash(pfx) & (rib->nslot - 1)];

	if (stage)
		at = *(const void *const *)at;
	if (at)
		__builtin_prefetch(at);
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
		home = pfx_entry(rib->slot[j]->num)->hash & mask;
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

	if (d->paths || d->flags || d->nadv || d->nqueued)
		return;
	i = slot_of(rib, pfx_entry(d->num)->hash, d->num);
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
	const struct prefix *a = rae_dest_prefix(*(const struct rae_dest *const *)x);
	const struct prefix *b = rae_dest_prefix(*(const struct rae_dest *const *)y);
	int c;

	if (a->addr.af != b->addr.af)
		return a->addr.af < b->addr.af ? -1 : 1;
	c = memcmp(a->addr.a, b->addr.a, 16);
	if (c)
		return c;
	return (int)a->len - (int)b->len;
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

/*
 * What a destination's preferred paths are: (peer, classes, attributes),
 * the attributes read from the path (the paths taken out by an update
 * are freed only after the comparison).
 */
struct pref_entry {
	uint16_t peer;
	uint8_t pref;
	const struct rae_path *path;
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
			v[n].path = p;
			n++;
		}
	return n;
}

static bool
pref_same(unsigned nslots, const struct pref_entry *a, unsigned na,
	  const struct pref_entry *b, unsigned nb)
{
	if (na != nb)
		return false;
	for (unsigned i = 0; i < na; i++) {
		unsigned j;

		for (j = 0; j < nb; j++)
			if (a[i].peer == b[j].peer && a[i].pref == b[j].pref &&
			    path_attr_same(nslots, a[i].path, b[j].path))
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
	struct rae_path **pp, *tail = NULL, *gone = NULL;
	unsigned nb, na;
	bool changed;

	nb = pref_snapshot(d, before, G_N_ELEMENTS(before));
	pp = &d->paths;
	while (*pp) {
		struct rae_path *p = *pp;

		if (p->peer == peer) {
			*pp = p->next;
			p->next = gone;		/* freed after the comparison */
			gone = p;
		} else {
			tail = p;
			pp = &p->next;
		}
	}
	for (unsigned i = 0; i < n; i++) {
		struct rae_path *p = path_alloc(rib, attrs[i]);

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
		changed = true;
	else
		changed = !pref_same(rib->nslots, before, nb, after, na);
	while (gone) {
		struct rae_path *next = gone->next;

		path_free(rib, gone);
		gone = next;
	}
	return changed;
}

size_t
rae_rib_memory(const struct rae_rib *rib)
{
	/*
	 * The slot table and the pools' chunks exactly; the interning table
	 * at about 16 bytes an entry (GLib's: a key and a hash a bucket, at
	 * most 15/16 full and about half after it grows).  The AS paths are
	 * the process's store's, not the RIB's.  The bit arrays of the peers
	 * are indexed by the process's numbering of prefixes, so their length
	 * depends on what else the process holds (other RAEs, and in a split
	 * run which RAEs run in the process): counted as the RIB's
	 * destinations need them, a bit each, so that the figure is the RIB's
	 * own, the same however the run is split (doc/parallel.md).
	 */
	size_t bits = (size_t)rib->nbits * 2 * ((rib->count + 63) / 64) * sizeof(uint64_t);

	return rib->nslot * sizeof(struct rae_dest *) + rib->pool_bytes + bits +
	       g_hash_table_size(rib->attrs) * 16;
}
