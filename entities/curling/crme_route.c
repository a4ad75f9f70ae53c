/*
 * crme_route.c - the CRME's routing table of routes=on, D4.3's "BGP
 * routing table" that route optimisation consults (doc/curling.md,
 * "Routing table"): a small path-vector protocol between CRMEs.  With
 * rae= the RAE's preferred paths are that table instead (crme_rae.c);
 * without routes=on the Routes messages carry no route.  Each neighbour's last Routes
 * message is kept in its nextHopCrmes entry (crme.c); from them and our
 * own /24 the best route to each prefix is chosen (customer > peer >
 * provider, then the shorter path, then the lower neighbour address) and
 * exported valley-free.  Route optimisation (crme_session.c) looks the
 * content server up here.
 */
#include <string.h>

#include <glib.h>

#include "entities/curling/crme_int.h"

static int
rib_route_cmp(gconstpointer x, gconstpointer y)
{
	const struct rib_route *a = x, *b = y;

	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	return (int)a->plen - (int)b->plen;
}

/* A route's (prefix, length), the key of crme_rib_recompute's table. */
static guint
rib_route_hash(gconstpointer x)
{
	const struct rib_route *a = x;

	return a->prefix * 2654435761u ^ a->plen;
}

static gboolean
rib_route_equal(gconstpointer x, gconstpointer y)
{
	const struct rib_route *a = x, *b = y;

	return a->prefix == b->prefix && a->plen == b->plen;
}

/* Whether candidate c is better than the best so far (D4.3 leaves the BGP policy to us). */
static bool
rib_route_better(const struct rib_route *c, const struct rib_route *best)
{
	if (c->rel != best->rel)
		return c->rel > best->rel;
	if (c->npath != best->npath)
		return c->npath < best->npath;
	return c->via < best->via;
}

static bool
rib_route_same(const struct rib_route *a, const struct rib_route *b)
{
	return a->prefix == b->prefix && a->plen == b->plen && a->via == b->via &&
	       a->rel == b->rel && a->npath == b->npath &&
	       memcmp(a->path, b->path, sizeof(a->path[0]) * a->npath) == 0;
}

const struct rib_route *
crme_route_lookup(struct crme *r, uint32_t addr)
{
	const struct rib_route *best = NULL;

	for (guint i = 0; i < r->rib->len; i++) {
		const struct rib_route *x = &g_array_index(r->rib, struct rib_route, i);
		uint32_t mask = x->plen ? 0xffffffffu << (32 - x->plen) : 0;

		if ((addr & mask) == x->prefix && (!best || x->plen > best->plen))
			best = x;
	}
	return best;
}

/*
 * The Routes message for neighbour n: valley-free export of our best
 * routes.  Without routes=on it carries none: it is only the CRME's
 * greeting, which tells a neighbour that started later that we are here
 * (it then sends us its records, crme.c); the routes are the RAE's.
 */
void
crme_routes_send(struct crme *r, struct nbr *n)
{
	struct cmsg *m = g_new0(struct cmsg, 1);

	m->type = CMSG_ROUTES;
	for (guint i = 0; r->routes && i < r->rib->len && m->nroutes < CMSG_MAX_ROUTES; i++) {
		const struct rib_route *x = &g_array_index(r->rib, struct rib_route, i);
		struct cmsg_route *o;

		if (x->via == n->crme)
			continue;
		if ((x->rel == REL_PEER || x->rel == REL_PROVIDER) && n->rel != REL_CUSTOMER)
			continue;
		if (x->npath + 1 > CMSG_MAX_PATH)
			continue;
		o = &m->routes[m->nroutes++];
		o->prefix = x->prefix;
		o->plen = x->plen;
		o->npath = (uint8_t)(x->npath + 1);
		o->path[0] = r->self;
		memcpy(o->path + 1, x->path, sizeof(x->path[0]) * x->npath);
	}
	crme_send(r, n->crme, r->port, m);
	r->routes_out++;
	g_free(m);
}

/*
 * Recompute the best routes from our own prefix and every known
 * neighbour's snapshot:
 *  1. our /24 is local;
 *  2. a route whose path holds us is a loop and is ignored;
 *  3. per prefix, the best by relationship (customer > peer > provider),
 *     then the shorter path, then the lower neighbour address;
 *  4. if the table changed, log it and send every neighbour its export.
 */
void
crme_rib_recompute(struct crme *r)
{
	GArray *rib;
	/* the best route so far of each (prefix, length), in rib */
	GHashTable *at = g_hash_table_new(rib_route_hash, rib_route_equal);
	struct rib_route own = { 0 };
	guint total = 1;
	bool changed;
	char a[CURLING_ADDRLEN], b[CURLING_ADDRLEN];

	if (!r->routes) {
		g_hash_table_destroy(at);
		return;		/* the RAE's paths are the table (crme_rae.c) */
	}
	/* Room for every candidate: rib is never reallocated while at points into it. */
	for (guint i = 0; i < r->nbrs->len; i++) {
		const struct nbr *n = g_ptr_array_index(r->nbrs, i);

		total += n->routes ? n->routes->len : 0;
	}
	rib = g_array_sized_new(FALSE, FALSE, sizeof(struct rib_route), total);
	own.prefix = r->own_plen ? r->own_prefix : curling_prefix(r->self);
	own.plen = r->own_plen ? r->own_plen : 24;
	own.rel = REL_LOCAL;
	g_array_append_val(rib, own);
	g_hash_table_add(at, &g_array_index(rib, struct rib_route, 0));
	for (guint i = 0; i < r->nbrs->len; i++) {
		const struct nbr *n = g_ptr_array_index(r->nbrs, i);

		for (guint k = 0; n->routes && k < n->routes->len; k++) {
			const struct cmsg_route *x = &g_array_index(n->routes, struct cmsg_route, k);
			struct rib_route c = { .prefix = x->prefix, .plen = x->plen, .via = n->crme,
					   .rel = n->rel, .npath = x->npath };
			struct rib_route *best;
			bool loop = false;

			for (unsigned p = 0; p < x->npath; p++)
				loop |= x->path[p] == r->self;
			if (loop || x->npath == 0)
				continue;
			memcpy(c.path, x->path, sizeof(x->path[0]) * x->npath);
			best = g_hash_table_lookup(at, &c);
			if (best) {
				if (rib_route_better(&c, best))
					*best = c;
				continue;
			}
			g_array_append_val(rib, c);
			g_hash_table_add(at, &g_array_index(rib, struct rib_route, rib->len - 1));
		}
	}
	g_hash_table_destroy(at);
	g_array_sort(rib, rib_route_cmp);
	changed = rib->len != r->rib->len;
	for (guint i = 0; i < rib->len && !changed; i++)
		changed = !rib_route_same(&g_array_index(rib, struct rib_route, i),
					  &g_array_index(r->rib, struct rib_route, i));
	g_array_free(r->rib, TRUE);
	r->rib = rib;
	if (!changed)
		return;
	for (guint i = 0; i < rib->len && entity_log_enabled(&r->e, LOG_DEBUG); i++) {
		const struct rib_route *x = &g_array_index(rib, struct rib_route, i);

		entity_log(&r->e, LOG_DEBUG, "CRME %s: route %s/%u via %s (%s), %u hops",
			   r->self_str, fa(x->prefix, a), x->plen, x->via ? fa(x->via, b) : "-",
			   crme_rel_name(x->rel), x->npath);
	}
	for (guint i = 0; i < r->nbrs->len; i++)
		crme_routes_send(r, g_ptr_array_index(r->nbrs, i));
}
