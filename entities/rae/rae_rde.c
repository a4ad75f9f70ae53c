/*
 * rae_rde.c - what goes into and out of the RAE's RIB (bgpd's rde.c):
 * the updates and withdrawals a peer sends are checked and applied to
 * the RIB (rae_rib.c, whose decision process is rae_decide.c); every
 * destination whose preferred paths change is queued for each
 * established peer and for the CME (rae_cme.c); a peer's queue is
 * drained into Update and Withdraw messages, the prefixes that share one
 * set of paths grouped into one Route, with the minimum update interval
 * (MRAI) between two updates to one peer.  The sessions that carry the
 * messages are rae_session.c's.
 *
 * What D4.3 leaves open and this file decides (doc/rae.md says why):
 *  - an update carries, per prefix, the whole set of paths the sender
 *    prefers; it replaces what the sender said before about the prefix;
 *  - a path's metric accumulates, from the receiving RAE towards the
 *    prefix: the receiver's link metric to the peer (peer_table
 *    class_table), then what the peer advertised, which includes the
 *    peer's own transit (provisioning from the receiver's AS to the next
 *    AS) or, at the origin, its provisioning from the receiver's AS to
 *    the prefix.  A class is offered only where every part has a metric;
 *  - minimum_update_interval spaces the updates sent to a peer;
 *    withdrawals go at once;
 *  - (the project's policy extension) a path learned from a peer or a
 *    provider goes to customers only (rae_rel_exports, rae_decide.c).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entities/rae/config.pb-c.h"
#include "entities/rae/rae_int.h"

#define RAE_UPDATE_BYTES	(48 * 1024)	/* an update is flushed beyond this estimate */
#define RAE_ROUTE_PREFIXES	2000		/* prefixes in one Route */
#define RAE_WITHDRAW_PREFIXES	4000		/* prefixes in one Withdraw */

/*
 * Empty a peer's queue.  One that held a whole table (a session coming up
 * is sent everything) gives its storage back instead of keeping room for
 * a table it holds once: thousands of sessions each kept room for every
 * prefix of the graph.
 */
#define RAE_QUEUE_KEEP	256	/* entries a queue keeps room for when emptied */

static void
queue_empty(GPtrArray **q, guint had)
{
	if (had > RAE_QUEUE_KEEP) {
		g_ptr_array_free(*q, TRUE);
		*q = g_ptr_array_new();
	} else {
		g_ptr_array_set_size(*q, 0);
	}
}

/* rae_rib_foreach() into a GPtrArray, so the RIB may change while the array is walked. */
void
rae_rde_collect(struct rae_dest *d, void *ctx)
{
	g_ptr_array_add(ctx, d);
}

/* ---- counting changes ---- */

/* A preferred path of d changed: tell every established peer and the CME. */
void
rae_rde_changed(struct rae *r, struct rae_dest *d)
{
	r->last_change = rae_now(r);
	r->pref_changes++;
	for (unsigned i = 0; i < r->cfg->npeers; i++)
		if (r->peers[i].state == PS_ESTABLISHED)
			rae_rde_enqueue(&r->peers[i], d);
	if (!(d->flags & RAE_DEST_LOCAL))
		rae_cme_enqueue(r, d);
}

/* ---- what goes to a peer ---- */

/* One path advertised to a peer: from a RIB path, or the origin of an own prefix. */
struct adv_item {
	const struct rae_path *path;	/* NULL: an own prefix */
	const struct rae_prov *prov;	/* the transit or origin provisioning */
	uint8_t mask;			/* class slots offered */
};

/*
 * What makes two items the same on the wire, as bytes to hash and
 * compare: the path's attributes by content (AS path, classes, every
 * slot's metric, unused ones zero), the provisioning, the classes
 * offered.  Two prefixes whose items are the same go in one Route.
 */
struct adv_key {
	const struct rae_aspath *aspath;
	const struct rae_prov *prov;
	uint8_t mask, classmask;
	struct rae_metric m[];		/* nslots of them */
};

static size_t
adv_key_size(unsigned nslots)
{
	return sizeof(struct adv_key) + nslots * sizeof(struct rae_metric);
}

/* The keys of items v[0..n) into buf (n adv_key_size() each), zeroed first (padding). */
static void
adv_keys(const struct adv_item *v, unsigned n, unsigned nslots, char *buf)
{
	size_t ks = adv_key_size(nslots);

	memset(buf, 0, n * ks);
	for (unsigned i = 0; i < n; i++) {
		struct adv_key *k = (struct adv_key *)(buf + i * ks);

		k->prov = v[i].prov;
		k->mask = v[i].mask;
		if (!v[i].path)
			continue;
		k->aspath = rae_path_aspath(v[i].path);
		k->classmask = rae_path_classes(v[i].path);
		memcpy(k->m, rae_path_metric(v[i].path, 0), nslots * sizeof(struct rae_metric));
	}
}

/*
 * The paths d offers to peer p: its preferred paths, except those learned
 * from p and those the policy keeps from p (a path from a peer or a
 * provider goes to customers only), with the classes our provisioning
 * covers; or, for an own prefix, the origin path.  Returns the number
 * written to v.
 */
static unsigned
adv_compute_cfg(const struct rae_config *c, struct rae_peer *p, const struct rae_dest *d,
		struct adv_item *v, unsigned cap)
{
	unsigned n = 0;

	if (d->flags & RAE_DEST_LOCAL) {
		const struct rae_prov *pv = rae_config_prov(c, p->cfg->asn, false, 0,
							    rae_dest_prefix(d));
		uint8_t mask = 0;

		if (!pv)
			return 0;
		for (unsigned s = 0; s < c->ndp; s++)
			if (rae_cmetric_find(pv->classes, pv->nclasses, c->dp[s].cos))
				mask |= (uint8_t)(1u << s);
		if (!mask)
			return 0;
		v[0].path = NULL;
		v[0].prov = pv;
		v[0].mask = mask;
		return 1;
	}
	for (const struct rae_path *q = d->paths; q && n < cap; q = q->next) {
		const struct rae_prov *pv;
		uint8_t mask = 0;

		/*
		 * Split horizon; a path through the peer's AS goes anyway, as in
		 * BGP: discarding it is the receiver's rule (paths_looped).
		 */
		if (!q->pref || q->peer == p->idx)
			continue;
		/* The policy: what peers and providers offer goes to customers only. */
		if (!rae_rel_exports(c->peers[q->peer].rel, p->cfg->rel))
			continue;
		pv = rae_config_prov(c, p->cfg->asn, true, rae_path_aspath(q)->asn, NULL);
		if (!pv)
			continue;
		for (unsigned s = 0; s < c->ndp; s++)
			if ((q->pref & (1u << s)) &&
			    rae_cmetric_find(pv->classes, pv->nclasses, c->dp[s].cos))
				mask |= (uint8_t)(1u << s);
		if (!mask)
			continue;
		v[n].path = q;
		v[n].prov = pv;
		v[n].mask = mask;
		n++;
	}
	return n;
}

/* The same with the RAE's configuration. */
static unsigned
adv_compute(struct rae *r, struct rae_peer *p, const struct rae_dest *d,
	    struct adv_item *v, unsigned cap)
{
	return adv_compute_cfg(r->cfg, p, d, v, cap);
}

/* n config.proto Prefix messages for dests[0..n), in the arena. */
static Comet__Rae__Config__Prefix **
pb_prefixes(struct rae_pbarena *a, struct rae_dest *const *dests, size_t n)
{
	Comet__Rae__Config__Prefix **pv = rae_pbarena_alloc(a, n * sizeof(*pv));
	Comet__Rae__Config__Prefix *msgs = rae_pbarena_alloc(a, n * sizeof(*msgs));
	char *text = rae_pbarena_alloc(a, n * ADDR_STRLEN);

	for (size_t i = 0; i < n; i++) {
		comet__rae__config__prefix__init(&msgs[i]);
		const struct prefix *pfx = rae_dest_prefix(dests[i]);

		msgs[i].ip_address = addr_fmt(&pfx->addr, text + i * ADDR_STRLEN);
		msgs[i].has_prefix_length = 1;
		msgs[i].prefix_length = pfx->len;
		pv[i] = &msgs[i];
	}
	return pv;
}

static Comet__Rae__Config__ClassEntry *
pb_class(struct rae_pbarena *a, uint32_t cos, const struct rae_metric *m)
{
	Comet__Rae__Config__ClassEntry *ce = rae_pbarena_alloc(a, sizeof(*ce));
	Comet__Rae__Config__Metric *mt = rae_pbarena_alloc(a, sizeof(*mt));

	comet__rae__config__class_entry__init(ce);
	comet__rae__config__metric__init(mt);
	ce->has_cos_id = 1;
	ce->cos_id = cos;
	ce->metric = mt;
	mt->has_loss_ratio = 1;
	mt->loss_ratio = m->loss;
	mt->has_maximum_delay = 1;
	mt->maximum_delay = m->delay;
	if (!isinf(m->bw)) {
		mt->has_supported_bandwidth = 1;
		mt->supported_bandwidth = m->bw;
	}
	return ce;
}

/* The Path message of an advertised item: our AS first, metrics through us. */
static Comet__Rae__Path *
pb_adv_path(struct rae *r, struct rae_pbarena *a, const struct adv_item *it)
{
	const struct rae_config *c = r->cfg;
	Comet__Rae__Path *p = rae_pbarena_alloc(a, sizeof(*p));
	const struct rae_aspath *asp = it->path ? rae_path_aspath(it->path) : NULL;
	unsigned len = asp ? asp->len + 1u : 1u, k = 0;

	comet__rae__path__init(p);
	p->n_as_path = len;
	p->as_path = rae_pbarena_alloc(a, len * sizeof(uint32_t));
	p->as_path[0] = c->local_as;
	if (asp)
		rae_aspath_copy(asp, p->as_path + 1);
	p->class_table = rae_pbarena_alloc(a, c->ndp * sizeof(*p->class_table));
	for (unsigned s = 0; s < c->ndp; s++) {
		const struct rae_metric *pm;
		struct rae_metric m;

		if (!(it->mask & (1u << s)))
			continue;
		pm = rae_cmetric_find(it->prov->classes, it->prov->nclasses, c->dp[s].cos);
		m = it->path ? rae_metric_concat(*pm, *rae_path_metric(it->path, s)) : *pm;
		p->class_table[k++] = pb_class(a, c->dp[s].cos, &m);
	}
	p->n_class_table = k;
	return p;
}

/* Withdraw messages for dests, in slices. */
static void
send_withdraws(struct rae_peer *p, GPtrArray *dests)
{
	struct rae_pbarena a;

	rae_pbarena_init(&a);
	for (guint at = 0; at < dests->len; at += RAE_WITHDRAW_PREFIXES) {
		Comet__Rae__Withdraw w = COMET__RAE__WITHDRAW__INIT;
		guint n = MIN(dests->len - at, (guint)RAE_WITHDRAW_PREFIXES);

		w.n_prefixes = n;
		w.prefixes = pb_prefixes(&a, (struct rae_dest *const *)dests->pdata + at, n);
		rae_peer_send(p, RAE_MSG_WITHDRAW, &w.base);
		p->wdr_out += n;
		rae_pbarena_reset(&a);
	}
	rae_pbarena_fini(&a);
}

/*
 * The groups of one drain: the prefixes that share one set of advertised
 * items, found by the items' keys (the bytes that make two items the
 * same on the wire).  Every prefix a drain sends is looked up here, so
 * nothing is allocated per prefix or per group: the groups, their items
 * and keys, and their members each sit in one array of the table that
 * doubles when full, and a group's members are a list through the
 * member array, in the order they were added.  The lookup is an
 * open-addressing table of group numbers (at most half full), the keys
 * hashed a word at a time.  Which group a prefix joins depends only on
 * the keys' bytes, and the groups are walked in the order they were made,
 * never in the table's order.
 */
#define GROUP_NONE	UINT32_MAX

void
rae_groups_init(struct rae_groups *t, size_t isize, size_t ksize)
{
	memset(t, 0, sizeof(*t));
	t->isize = isize;
	t->ksize = ksize;
}

void
rae_groups_fini(struct rae_groups *t)
{
	g_free(t->items);
	g_free(t->keys);
	g_free(t->g);
	g_free(t->m);
	g_free(t->slot);
	memset(t, 0, sizeof(*t));
}

static uint64_t
adv_sig_hash(const char *sig, size_t len)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ len, w;
	size_t i = 0;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, sig + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	for (; i < len; i++)
		h = (h ^ (uint8_t)sig[i]) * 0x100000001b3ULL;
	return h ^ (h >> 29);
}

/* The slot of the group of n items with keys `keys`, or the empty slot where it would go. */
static uint32_t *
groups_slot(const struct rae_groups *t, const char *keys, unsigned n, uint64_t h)
{
	size_t mask = t->nslot - 1, i = (size_t)h & mask;

	for (;; i = (i + 1) & mask) {
		const struct rae_group *g;

		if (!t->slot[i])
			return &t->slot[i];
		g = &t->g[t->slot[i] - 1];
		if (g->hash == h && g->nitems == n &&
		    memcmp(t->keys + (size_t)g->item0 * t->ksize, keys, n * t->ksize) == 0)
			return &t->slot[i];
	}
}

/* Room for one more group in the lookup (at most half full) and in the group array. */
static void
groups_room(struct rae_groups *t)
{
	if (t->n == t->gcap) {
		t->gcap = t->gcap ? 2 * t->gcap : 64;
		t->g = g_renew(struct rae_group, t->g, t->gcap);
	}
	if (2 * ((size_t)t->n + 1) > t->nslot) {
		uint32_t *old = t->slot;
		size_t n = t->nslot;

		t->nslot = n ? 2 * n : 128;
		t->slot = g_new0(uint32_t, t->nslot);
		for (size_t i = 0; i < n; i++)
			if (old[i]) {
				const struct rae_group *g = &t->g[old[i] - 1];

				*groups_slot(t, t->keys + (size_t)g->item0 * t->ksize, g->nitems,
					     g->hash) = old[i];
			}
		g_free(old);
	}
}

uint32_t
rae_groups_add(struct rae_groups *t, const void *items, const void *keys, unsigned n,
	       void *member, bool *made)
{
	uint64_t h = adv_sig_hash(keys, n * t->ksize);
	uint32_t *at, gi;
	struct rae_group *g;

	groups_room(t);
	at = groups_slot(t, keys, n, h);
	*made = !*at;
	if (*at) {
		gi = *at - 1;
		g = &t->g[gi];
	} else {
		if ((size_t)t->nitems + n > t->icap) {
			size_t cap = t->icap ? 2 * (size_t)t->icap : 64;

			while (cap < (size_t)t->nitems + n)
				cap *= 2;
			t->icap = (uint32_t)cap;
			t->items = g_realloc(t->items, cap * t->isize);
			t->keys = g_realloc(t->keys, cap * t->ksize);
		}
		gi = t->n++;
		g = &t->g[gi];
		g->item0 = t->nitems;
		g->nitems = n;
		g->first = g->last = GROUP_NONE;
		g->nmembers = 0;
		g->hash = h;
		memcpy(t->items + (size_t)t->nitems * t->isize, items, n * t->isize);
		memcpy(t->keys + (size_t)t->nitems * t->ksize, keys, n * t->ksize);
		t->nitems += n;
		*at = gi + 1;
	}
	if (t->nm == t->mcap) {
		t->mcap = t->mcap ? 2 * t->mcap : 256;
		t->m = g_renew(struct rae_member, t->m, t->mcap);
	}
	t->m[t->nm].member = member;
	t->m[t->nm].next = GROUP_NONE;
	if (g->last == GROUP_NONE)
		g->first = t->nm;
	else
		t->m[g->last].next = t->nm;
	g->last = t->nm++;
	g->nmembers++;
	return gi;
}

const void *
rae_groups_items(const struct rae_groups *t, uint32_t gi)
{
	return t->items + (size_t)t->g[gi].item0 * t->isize;
}

void
rae_groups_clear(struct rae_groups *t, uint32_t keep)
{
	size_t isize = t->isize, ksize = t->ksize;

	if (t->gcap > keep || t->mcap > 8 * keep) {
		rae_groups_fini(t);
		rae_groups_init(t, isize, ksize);
		return;
	}
	/*
	 * Empty the lookup where the groups are, found while the table is
	 * whole (each group's slot noted in its `first`, which is not needed
	 * any more), then cleared; all of it at once when they fill much of it.
	 */
	if (8 * (size_t)t->n >= t->nslot) {
		if (t->slot)
			memset(t->slot, 0, t->nslot * sizeof(*t->slot));
	} else {
		for (uint32_t gi = 0; gi < t->n; gi++) {
			const struct rae_group *g = &t->g[gi];

			t->g[gi].first = (uint32_t)(groups_slot(t, t->keys + (size_t)g->item0 * t->ksize,
							       g->nitems, g->hash) - t->slot);
		}
		for (uint32_t gi = 0; gi < t->n; gi++)
			t->slot[t->g[gi].first] = 0;
	}
	t->n = t->nitems = t->nm = 0;
}

/* What an item adds to an Update: the estimate that splits Updates and paces them. */
static size_t
adv_item_bytes(const struct adv_item *it)
{
	unsigned len = it->path ? rae_path_aspath(it->path)->len + 1u : 1u;

	return 16 + 5 * (size_t)len + 40 * (size_t)__builtin_popcount(it->mask);
}

/*
 * What a drain works in, kept from one drain to the next: a run drains
 * millions of times, most of them a few prefixes, and allocating these
 * arrays every time was several per cent of the CPU.  They are emptied,
 * not freed, unless a drain made them large (DRAIN_KEEP).  Drains do not
 * nest (a drain is a timer's event, and what it sends only fills TCP's
 * buffers); one that found the arrays taken would use arrays of its own.
 */
#define DRAIN_KEEP	1024	/* groups (and entries an array) kept room for */

struct drain_ws {
	bool busy;
	struct rae_groups groups;
	GPtrArray *wd, *release, *keep, *later, *routes;
	struct adv_item *items;		/* icap of them */
	char *keys;			/* icap keys of ksize bytes */
	size_t icap, ksize;
	struct rae_dest **dests;	/* RAE_ROUTE_PREFIXES: a Route's prefixes */
	struct rae_pbarena arena;	/* the Updates built (reset keeps its first chunk) */
};

static struct drain_ws drain_ws;

static void
drain_ws_init(struct drain_ws *ws)
{
	memset(ws, 0, sizeof(*ws));
	rae_groups_init(&ws->groups, sizeof(struct adv_item), 0);
	ws->wd = g_ptr_array_new();
	ws->release = g_ptr_array_new();
	ws->keep = g_ptr_array_new();
	ws->later = g_ptr_array_new();
	ws->routes = g_ptr_array_new();
	ws->dests = g_new(struct rae_dest *, RAE_ROUTE_PREFIXES);
	rae_pbarena_init(&ws->arena);
}

static void
drain_ws_fini(struct drain_ws *ws)
{
	rae_groups_fini(&ws->groups);
	g_ptr_array_free(ws->wd, TRUE);
	g_ptr_array_free(ws->release, TRUE);
	g_ptr_array_free(ws->keep, TRUE);
	g_ptr_array_free(ws->later, TRUE);
	g_ptr_array_free(ws->routes, TRUE);
	g_free(ws->items);
	g_free(ws->keys);
	g_free(ws->dests);
	rae_pbarena_fini(&ws->arena);
	memset(ws, 0, sizeof(*ws));
}

/* The arrays for a drain of `cap` items a prefix, keys of ksize bytes: the kept ones if free. */
static struct drain_ws *
drain_ws_take(struct drain_ws *own, unsigned cap, size_t ksize)
{
	struct drain_ws *ws = &drain_ws;

	if (ws->busy) {
		ws = own;
		drain_ws_init(ws);
	} else if (!ws->wd) {
		drain_ws_init(ws);
	}
	ws->busy = true;
	if (cap > ws->icap || ksize != ws->ksize) {
		ws->icap = cap > ws->icap ? cap : ws->icap;
		ws->ksize = ksize;
		ws->items = g_renew(struct adv_item, ws->items, ws->icap);
		ws->keys = g_realloc(ws->keys, ws->icap * ksize);
	}
	if (ws->groups.ksize != ksize) {
		rae_groups_fini(&ws->groups);
		rae_groups_init(&ws->groups, sizeof(struct adv_item), ksize);
	}
	return ws;
}

static void
ws_array_empty(GPtrArray **a)
{
	if ((*a)->len > DRAIN_KEEP) {
		g_ptr_array_free(*a, TRUE);
		*a = g_ptr_array_new();
	} else {
		g_ptr_array_set_size(*a, 0);
	}
}

/* The drain is done with ws: emptied for the next (freed if it was its own). */
static void
drain_ws_give(struct drain_ws *ws, struct drain_ws *own)
{
	if (ws == own) {
		drain_ws_fini(ws);
		return;
	}
	rae_groups_clear(&ws->groups, DRAIN_KEEP);
	ws_array_empty(&ws->wd);
	ws_array_empty(&ws->release);
	ws_array_empty(&ws->keep);
	ws_array_empty(&ws->later);
	ws_array_empty(&ws->routes);
	ws->busy = false;
}

/* Update messages for the groups, in order, each under RAE_UPDATE_BYTES. */
static void
send_updates(struct rae_peer *p, const struct rae_groups *groups, struct drain_ws *ws)
{
	Comet__Rae__Update u = COMET__RAE__UPDATE__INIT;
	GPtrArray *routes = ws->routes;
	struct rae_dest **dests = ws->dests;
	size_t est = 0;
	struct rae_pbarena *a = &ws->arena;

	for (uint32_t gi = 0; gi < groups->n; gi++) {
		const struct rae_group *g = &groups->g[gi];
		const struct adv_item *items = rae_groups_items(groups, gi);
		uint32_t m = g->first;

		while (m != GROUP_NONE) {
			Comet__Rae__Route *rt = rae_pbarena_alloc(a, sizeof(*rt));
			guint n = 0;

			/* The next slice of the group's prefixes, in the order they joined it. */
			for (; m != GROUP_NONE && n < RAE_ROUTE_PREFIXES; m = groups->m[m].next)
				dests[n++] = groups->m[m].member;
			comet__rae__route__init(rt);
			rt->n_prefixes = n;
			rt->prefixes = pb_prefixes(a, dests, n);
			rt->n_paths = g->nitems;
			rt->paths = rae_pbarena_alloc(a, g->nitems * sizeof(*rt->paths));
			for (unsigned i = 0; i < g->nitems; i++) {
				rt->paths[i] = pb_adv_path(p->r, a, &items[i]);
				est += adv_item_bytes(&items[i]);
			}
			est += 22 * (size_t)n;
			p->pfx_out += n;
			g_ptr_array_add(routes, rt);
			if (est > RAE_UPDATE_BYTES) {
				u.n_routes = routes->len;
				u.routes = (Comet__Rae__Route **)routes->pdata;
				rae_peer_send(p, RAE_MSG_UPDATE, &u.base);
				g_ptr_array_set_size(routes, 0);
				rae_pbarena_reset(a);
				est = 0;
			}
		}
	}
	if (routes->len) {
		u.n_routes = routes->len;
		u.routes = (Comet__Rae__Route **)routes->pdata;
		rae_peer_send(p, RAE_MSG_UPDATE, &u.base);
	}
	g_ptr_array_set_size(routes, 0);
	rae_pbarena_reset(a);
}

/*
 * Drain the queues of a peer: withdrawals at once; updates if the
 * minimum update interval allows, otherwise they wait in `deferred` and
 * the drain timer is armed for the moment it does.
 *
 * With pace=N (r->pace), updates are written only while the session's
 * send buffer holds less than N bytes: what does not fit waits in
 * `backlog`, still queued (so a later change of a destination there is
 * what goes, not the one before), and goes when TCP says the buffer fell
 * to N/2 (peer_tcp_writable, rae_session.c), without waiting for the
 * interval again: it was allowed when it was taken.
 */
void
rae_rde_drain(struct sim *sim, void *ctx, void *arg)
{
	struct rae_peer *p = ctx;
	struct rae *r = p->r;
	sim_time_t now = sim_now(sim), mrai = (sim_time_t)r->cfg->min_update_interval * SIM_S;
	bool allow = mrai == 0 || p->last_update == RAE_NEVER ||
		     now >= sim_time_add(p->last_update, mrai);
	unsigned cap = r->cfg->ndp * r->cfg->limit + 1;
	size_t ks = adv_key_size(r->rib.nslots);
	struct drain_ws own, *ws = drain_ws_take(&own, cap, ks);
	struct adv_item *items = ws->items;
	char *keys = ws->keys;
	GPtrArray *wd = ws->wd, *release = ws->release, *keep = ws->keep;
	GPtrArray *later = ws->later;	/* allowed, beyond the pace: the next backlog */
	struct rae_groups *groups = &ws->groups;
	GPtrArray **srcs[3] = { &p->backlog, &p->deferred, &p->fresh };
	size_t budget = SIZE_MAX, used = 0;

	if (p->state != PS_ESTABLISHED)
		goto out;
	if (r->pace) {
		size_t held = p->sock ? tcp_unacked(p->sock) : 0;

		budget = held < r->pace ? r->pace - held : 0;
	}
	for (int k = 0; k < 3; k++) {
		GPtrArray *src = *srcs[k];
		bool may = k == 0 || allow;	/* the backlog was allowed when it was taken */
		guint i;

		if (k == 1 && !allow)
			continue;
		for (i = 0; i < src->len; i++) {
			struct rae_dest *d = g_ptr_array_index(src, i);
			unsigned n;

			if (may && used >= budget) {
				if (k == 0)
					break;	/* the rest of the backlog stays where it is */
				g_ptr_array_add(later, d);	/* stays queued */
				continue;
			}
			n = adv_compute(r, p, d, items, cap);
			if (n == 0) {
				if (rae_dest_adv(&r->rib, d, p->idx)) {
					g_ptr_array_add(wd, d);
					rae_dest_set_adv(&r->rib, d, p->idx, false);
				}
			} else if (!may) {
				g_ptr_array_add(keep, d);
				continue;
			} else {
				bool made;

				adv_keys(items, n, r->rib.nslots, keys);
				rae_groups_add(groups, items, keys, n, d, &made);
				if (made)
					for (unsigned j = 0; j < n; j++)
						used += adv_item_bytes(&items[j]);
				used += 22;
				rae_dest_set_adv(&r->rib, d, p->idx, true);
			}
			rae_dest_set_queued(&r->rib, d, p->idx, false);
			g_ptr_array_add(release, d);
		}
		if (k == 0 && i < src->len)
			g_ptr_array_remove_range(src, 0, i);
		else
			queue_empty(srcs[k], src->len);
	}
	/* What waits for the interval (the fresh ones that could not go). */
	for (guint i = 0; i < keep->len; i++)
		g_ptr_array_add(p->deferred, g_ptr_array_index(keep, i));
	for (guint i = 0; i < later->len; i++)
		g_ptr_array_add(p->backlog, g_ptr_array_index(later, i));
	if (wd->len) {
		entity_log(&r->e, LOG_DEBUG, "%s: withdrawing %u prefixes", p->name, wd->len);
		send_withdraws(p, wd);
	}
	if (groups->n) {
		entity_log(&r->e, LOG_DEBUG, "%s: announcing %u prefixes (%u path sets)", p->name,
			   groups->nm, groups->n);
		send_updates(p, groups, ws);
		p->last_update = now;
	}
	if (p->backlog->len && (!p->sock || tcp_unacked(p->sock) <= r->pace / 2)) {
		/*
		 * Less in the buffer than the estimate said: TCP will not call
		 * back (it does when the buffer falls to N/2), so go on at once.
		 */
		sim_timer_after(sim, &p->t_drain, 0);
	} else if (p->deferred->len && !p->backlog->len) {
		sim_time_t when = sim_time_add(p->last_update == RAE_NEVER ? now : p->last_update,
					       mrai);

		sim_timer_set(sim, &p->t_drain, when > now ? when : now);
	}
out:
	/* After the groups are sent: releasing frees what nothing holds. */
	for (guint i = 0; i < release->len; i++)
		rae_rib_release(&r->rib, g_ptr_array_index(release, i));
	drain_ws_give(ws, &own);
}

/* TCP says the session's send buffer fell to its low-water mark: write what waits. */
void
rae_rde_writable(struct rae_peer *p)
{
	if (p->backlog->len || p->fresh->len)
		sim_timer_after(rae_sim(p->r), &p->t_drain, 0);
}

void
rae_rde_enqueue(struct rae_peer *p, struct rae_dest *d)
{
	if (rae_dest_queued(&p->r->rib, d, p->idx))
		return;
	rae_dest_set_queued(&p->r->rib, d, p->idx, true);
	g_ptr_array_add(p->fresh, d);
	if (!sim_timer_armed(&p->t_drain) || p->t_drain.ev.time > rae_now(p->r))
		sim_timer_after(rae_sim(p->r), &p->t_drain, 0);
}

/* Empty a peer's queues (session down), releasing what only they held. */
void
rae_rde_flush(struct rae_peer *p)
{
	GPtrArray **srcs[3] = { &p->fresh, &p->deferred, &p->backlog };

	for (int k = 0; k < 3; k++) {
		GPtrArray *q = *srcs[k];

		for (guint i = 0; i < q->len; i++) {
			struct rae_dest *d = g_ptr_array_index(q, i);

			rae_dest_set_queued(&p->r->rib, d, p->idx, false);
			rae_rib_release(&p->r->rib, d);
		}
		queue_empty(srcs[k], q->len);
	}
}

/* ---- receiving ---- */

/*
 * Hints for the prefixes after pfx[k] of an update (npfx of them): the
 * destination of the next, whose slot the hint before asked for, and the
 * slot of the one after.  They change nothing but when the memory is
 * read: in a RIB too large for the caches each prefix costs a few reads
 * that would otherwise wait one after the other.
 */
static void
rx_ahead(struct rae *r, const struct prefix *pfx, size_t npfx, size_t k)
{
	if (k + 1 < npfx)
		rae_rib_prefetch(&r->rib, &pfx[k + 1], 1);
	if (k + 2 < npfx)
		rae_rib_prefetch(&r->rib, &pfx[k + 2], 0);
}

/*
 * An update: every path is checked before anything is applied (the
 * first AS must be the peer's), so a bad message never half-changes the
 * RIB.  Paths through our own AS are dropped; the metric of each class
 * gets our link to the peer in front of it.
 */
int
rae_rde_update(struct rae_peer *p, const Comet__Rae__Update *u, const struct prefix *pfx,
	       char *why, size_t whylen)
{
	struct rae *r = p->r;
	const struct rae_config *c = r->cfg;
	struct rae_attr **attrs = NULL;
	char *own = NULL;	/* the attributes of a Route of one prefix, not interned */
	size_t cap = 0, as = rae_attr_size(&r->rib);
	const struct prefix *pfx0 = pfx;
	size_t npfx = 0;

	for (size_t i = 0; i < u->n_routes; i++)
		for (size_t j = 0; j < u->routes[i]->n_paths; j++)
			if (u->routes[i]->paths[j]->as_path[0] != p->cfg->asn) {
				snprintf(why, whylen, "update: routes[%zu].paths[%zu]: AS path starts "
					 "with %" PRIu32 ", not the peer's AS %" PRIu32, i, j,
					 u->routes[i]->paths[j]->as_path[0], p->cfg->asn);
				return -1;
			}
	for (size_t i = 0; i < u->n_routes; i++)
		npfx += u->routes[i]->n_prefixes;
	for (size_t i = 0; i < u->n_routes; i++) {
		const Comet__Rae__Route *rt = u->routes[i];
		/*
		 * The prefixes of one Route share its paths' attributes (interned);
		 * a Route of one prefix puts them in its paths (rae_rib_update
		 * copies a template of refcnt 0): no interning table to fill.
		 */
		bool shared = rt->n_prefixes > 1;
		unsigned n = 0;

		/* Ask for the memory the next routes' paths and prefixes will read (rx_ahead). */
		for (size_t k = 1; k <= 2 && i + k < u->n_routes; k++)
			for (size_t j = 0; j < u->routes[i + k]->n_paths; j++)
				rae_aspath_prefetch(u->routes[i + k]->paths[j]->as_path,
						    (unsigned)u->routes[i + k]->paths[j]->n_as_path,
						    k == 1);
		rx_ahead(r, pfx0, npfx, (size_t)(pfx - pfx0));
		if (rt->n_paths > cap) {
			cap = rt->n_paths;
			attrs = g_renew(struct rae_attr *, attrs, cap);
			own = g_realloc(own, cap * as);
		}
		for (size_t j = 0; j < rt->n_paths; j++) {
			const Comet__Rae__Path *pp = rt->paths[j];
			struct rae_metric m[RAE_MAX_CLASSES];
			struct rae_aspath *asp;
			uint8_t mask = 0;
			bool loop = false;

			for (size_t k = 0; k < pp->n_as_path; k++)
				if (pp->as_path[k] == c->local_as)
					loop = true;
			if (loop) {
				r->paths_looped++;
				continue;
			}
			memset(m, 0, sizeof(m));
			for (size_t k = 0; k < pp->n_class_table; k++) {
				const Comet__Rae__Config__ClassEntry *ce = pp->class_table[k];
				const Comet__Rae__Config__Metric *mt = ce->metric;
				int s = rae_config_slot(c, ce->cos_id);
				const struct rae_metric *link;
				struct rae_metric rx;
				char r2[64];

				if (s < 0)
					continue;
				link = rae_cmetric_find(p->cfg->classes, p->cfg->nclasses, ce->cos_id);
				if (!link)
					continue;
				rae_msg_metric(mt->has_loss_ratio, mt->loss_ratio, mt->has_maximum_delay,
					       mt->maximum_delay, mt->has_supported_bandwidth,
					       mt->supported_bandwidth, &rx, r2, sizeof(r2));
				m[s] = rae_metric_concat(*link, rx);
				mask |= (uint8_t)(1u << s);
			}
			if (!mask) {
				r->paths_unusable++;
				continue;
			}
			asp = rae_aspath_get(pp->as_path, (unsigned)pp->n_as_path);
			if (shared) {
				attrs[n++] = rae_attr_get(&r->rib, asp, mask, m);
				rae_aspath_put(asp);
			} else {
				struct rae_attr *t = (struct rae_attr *)(own + n * as);

				memset(t, 0, as);	/* refcnt 0: a template; unused slots zero */
				t->aspath = asp;	/* our reference, put below */
				t->classmask = mask;
				t->nslots = (uint8_t)r->rib.nslots;
				for (unsigned s = 0; s < r->rib.nslots; s++)
					if (mask & (1u << s))
						t->m[s] = m[s];
				attrs[n++] = t;
			}
		}
		for (size_t j = 0; j < rt->n_prefixes; j++, pfx++) {
			struct rae_dest *d;

			if (j)
				rx_ahead(r, pfx0, npfx, (size_t)(pfx - pfx0));
			d = n ? rae_rib_get(&r->rib, pfx) : rae_rib_lookup(&r->rib, pfx);
			/* Paths to an own prefix are not ours to choose from. */
			if (!d || (d->flags & RAE_DEST_LOCAL))
				continue;
			if (rae_rib_update(&r->rib, d, p->idx, attrs, n))
				rae_rde_changed(r, d);
			rae_rib_release(&r->rib, d);
		}
		p->pfx_in += rt->n_prefixes;
		for (unsigned k = 0; k < n; k++)
			if (shared)
				rae_attr_put(&r->rib, attrs[k]);
			else
				rae_aspath_put(attrs[k]->aspath);
	}
	g_free(attrs);
	g_free(own);
	return 0;
}

void
rae_rde_withdraw(struct rae_peer *p, const Comet__Rae__Withdraw *w, const struct prefix *pfx)
{
	struct rae *r = p->r;

	for (size_t i = 0; i < w->n_prefixes; i++) {
		struct rae_dest *d;

		d = rae_rib_lookup(&r->rib, &pfx[i]);
		if (!d || (d->flags & RAE_DEST_LOCAL))
			continue;
		if (rae_rib_update(&r->rib, d, p->idx, NULL, 0))
			rae_rde_changed(r, d);
		rae_rib_release(&r->rib, d);
	}
	p->wdr_in += w->n_prefixes;
}

/* ---- sessions up and down ---- */

/* The session is up: send the peer everything we have to offer. */
void
rae_rde_peer_up(struct rae_peer *p)
{
	GPtrArray *all = g_ptr_array_new();

	rae_rib_foreach(&p->r->rib, rae_rde_collect, all);
	for (guint i = 0; i < all->len; i++) {
		struct rae_dest *d = g_ptr_array_index(all, i);

		if ((d->flags & RAE_DEST_LOCAL) || d->paths)
			rae_rde_enqueue(p, d);
	}
	g_ptr_array_free(all, TRUE);
}

/* The session is down: forget every path learned from the peer and what it was sent. */
void
rae_rde_peer_down(struct rae_peer *p)
{
	struct rae *r = p->r;
	GPtrArray *all = g_ptr_array_new();
	unsigned lost = 0, changed = 0;

	rae_rde_flush(p);
	rae_rib_foreach(&r->rib, rae_rde_collect, all);
	for (guint i = 0; i < all->len; i++) {
		struct rae_dest *d = g_ptr_array_index(all, i);
		bool had = false;

		rae_dest_set_adv(&r->rib, d, p->idx, false);
		for (const struct rae_path *q = d->paths; q; q = q->next)
			if (q->peer == p->idx)
				had = true;
		if (had) {
			lost++;
			if (rae_rib_update(&r->rib, d, p->idx, NULL, 0)) {
				changed++;
				rae_rde_changed(r, d);
			}
		}
		rae_rib_release(&r->rib, d);
	}
	g_ptr_array_free(all, TRUE);
	if (lost)
		entity_log(&r->e, LOG_INFO, "%s: withdrew the paths of %u prefixes learned from "
			   "it; %u preferred paths changed", p->name, lost, changed);
}

/* ---- a new configuration (rae_tool reload) ---- */

/*
 * Whether two advertisements (made under configurations ca and cb) would
 * put the same paths on the wire: the same AS paths, classes and metrics
 * (the provisioning in front of the path's metric), in the same order.
 */
static bool
adv_same(const struct rae_config *ca, const struct adv_item *a, unsigned na,
	 const struct rae_config *cb, const struct adv_item *b, unsigned nb)
{
	if (na != nb)
		return false;
	for (unsigned i = 0; i < na; i++) {
		if ((a[i].path == NULL) != (b[i].path == NULL) || a[i].mask != b[i].mask)
			return false;
		/* The same attributes: what the interned attributes' identity said. */
		if (a[i].path && a[i].path != b[i].path &&
		    (rae_path_aspath(a[i].path) != rae_path_aspath(b[i].path) ||
		     rae_path_classes(a[i].path) != rae_path_classes(b[i].path) ||
		     memcmp(rae_path_metric(a[i].path, 0), rae_path_metric(b[i].path, 0),
			    ca->ndp * sizeof(struct rae_metric)) != 0))
			return false;
		for (unsigned s = 0; s < ca->ndp; s++) {
			const struct rae_metric *ma, *mb;

			if (!(a[i].mask & (1u << s)))
				continue;
			ma = rae_cmetric_find(a[i].prov->classes, a[i].prov->nclasses, ca->dp[s].cos);
			mb = rae_cmetric_find(b[i].prov->classes, b[i].prov->nclasses, cb->dp[s].cos);
			if (ma->delay != mb->delay || ma->loss != mb->loss || ma->bw != mb->bw)
				return false;
		}
	}
	return true;
}

uint64_t
rae_rde_reconfigured(struct rae *r, const struct rae_config *old)
{
	unsigned cap = r->cfg->ndp * r->cfg->limit + 1;
	struct adv_item *va = g_new(struct adv_item, cap), *vb = g_new(struct adv_item, cap);
	GPtrArray *all = g_ptr_array_new();
	uint64_t queued = 0;

	rae_rib_foreach(&r->rib, rae_rde_collect, all);
	for (unsigned k = 0; k < r->cfg->npeers; k++) {
		struct rae_peer *p = &r->peers[k];
		unsigned n = 0;

		if (p->state != PS_ESTABLISHED)
			continue;
		for (guint i = 0; i < all->len; i++) {
			struct rae_dest *d = g_ptr_array_index(all, i);
			unsigned na, nb;

			if (!(d->flags & RAE_DEST_LOCAL) && !d->paths)
				continue;
			na = adv_compute_cfg(old, p, d, va, cap);
			nb = adv_compute_cfg(r->cfg, p, d, vb, cap);
			if (adv_same(old, va, na, r->cfg, vb, nb))
				continue;
			rae_rde_enqueue(p, d);
			n++;
		}
		if (n)
			entity_log(&r->e, LOG_INFO, "%s: %u prefixes advertised again (provisioning "
				   "changed)", p->name, n);
		queued += n;
	}
	g_ptr_array_free(all, TRUE);
	g_free(va);
	g_free(vb);
	return queued;
}
