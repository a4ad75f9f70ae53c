/*
 * crme.c - usr.curling.Crme: the CRME of the coupled approach, the parts
 * that concern content delivery (D4.3 sections 6.3.1-6.3.3): resolving
 * a Consume hop by hop towards the content's source while installing
 * state in the ingress and egress CAFEs of its domain, the ActiveSessions
 * table, and route optimisation.
 *
 *   usr.curling.Crme myport nProviders <providerCRMEaddr>...
 *       [nPeers <peerCRMEaddr>...] [ro=on|off] [ro_hold=DURATION]
 *
 * Every neighbour CRME a local CAFE announces is a provider if listed
 * as one, a peer if listed as one, a customer otherwise.  All CRMEs
 * listen on the same port (D4.3's CAFE tuple names the neighbour CRME's
 * address only).  ro=off turns route optimisation off; ro_hold is how
 * long the old path is kept after the content arrives by the optimised
 * one, so that the chunks still on the old path get through (default
 * 100ms).
 *
 * Tables (logged whenever they change, dumped by `dump`):
 *   locCAFE       the local CAFEs (Announce)
 *   nextHopCrmes  neighbour CRME -> local CAFE and neighbour CAFE of the
 *                 link between the domains (Announce tuples)
 *   routes        the BGP-like table: domain prefix (/24) -> neighbour
 *                 CRME, learned from Routes messages (path vector,
 *                 valley-free export, customer > peer > provider, then
 *                 the shorter path, then the lower address)
 *   contents      ContentID -> local server, or the neighbour CRME its
 *                 Publish came from (or route optimisation chose)
 *   ActiveSessions ContentID -> ingress CAFE, egress CAFEs, the branch
 *                 towards each requester, the upstream CRME or server
 * Content resolution follows the publication: Publish messages climb
 * from a server's CRME to its providers, so a Consume climbs the
 * provider hierarchy until a CRME has a record, then follows the
 * records down to the server.  The messages are in curling.h and
 * doc/curling.md; the log kind is "crme".
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "entities/curling/curling.h"
#include "sim/net.h"
#include "sim/units.h"

#define CRME_USAGE "myport nProviders <providerCRMEaddr>... [nPeers <peerCRMEaddr>...] " \
		   "[ro=on|off] [ro_hold=DURATION]"
#define DEFAULT_RO_HOLD	(100 * SIM_MS)
#define CRME_MAX_REL	32

enum rel {
	REL_PROVIDER = 1,
	REL_PEER = 2,
	REL_CUSTOMER = 3,
	REL_LOCAL = 4,		/* our own prefix */
};

static const char *
rel_name(enum rel r)
{
	switch (r) {
	case REL_PROVIDER:
		return "provider";
	case REL_PEER:
		return "peer";
	case REL_CUSTOMER:
		return "customer";
	case REL_LOCAL:
		return "local";
	}
	return "?";
}

/* locCAFE: one local CAFE. */
struct loc_cafe {
	struct cmsg_hop h;
	unsigned nlinks;
};

/* nextHopCrmes: one neighbour domain. */
struct nbr {
	uint32_t crme;
	struct cmsg_hop cafe;		/* our CAFE on the link */
	struct cmsg_hop nbr_cafe;	/* theirs */
	enum rel rel;
	bool heard;			/* a Routes message came from it */
	GArray *routes;			/* struct cmsg_route: its last snapshot */
};

/* The best route to one prefix. */
struct rib_route {
	uint32_t prefix;
	uint8_t plen;
	uint32_t via;			/* neighbour CRME; 0 for our own prefix */
	enum rel rel;
	uint8_t npath;
	uint32_t path[CMSG_MAX_PATH];	/* as received: the neighbour first */
};

/* A content record. */
struct content {
	char id[CMSG_ID_MAX + 1];
	bool local;			/* published by a server of this domain */
	struct cmsg_hop server, server_cafe;
	uint64_t size;
	uint32_t via;			/* not local: the neighbour CRME towards it */
	bool ro;			/* via was set by route optimisation */
};

/* A request waiting for, or given, its reply. */
struct req {
	uint32_t reqid;
	struct cmsg_hop client;		/* the request's originator */
};

/* One branch of a session: from the egress CAFE towards requesters. */
struct branch {
	struct cmsg_hop egress;		/* local CAFE the content leaves by */
	struct cmsg_hop down;		/* next CAFE beyond it, or the client */
	uint32_t down_crme;		/* the neighbour CRME that asked; 0: a local client */
};

/*
 * A request the session has still to answer.  Several may wait on one
 * branch at once (requests from several clients behind one neighbour
 * CRME, each with its own repair under way): each gets its own answer.
 */
struct waiter {
	struct req req;
	uint32_t down_crme;		/* where the answer goes; 0: to the client itself */
	struct cmsg_hop egress, down;	/* its branch */
	bool side;			/* a repair forwarded on its own: its answer is its own */
};

/* One ActiveSessions entry (D4.3 section 6.3.3.2), with what resolution needs. */
struct session {
	char id[CMSG_ID_MAX + 1];
	struct cmsg_hop ingress;	/* local CAFE the content enters by */
	uint32_t up_crme;		/* the neighbour CRME it comes from; 0: local server */
	struct cmsg_hop server;		/* up_crme 0: the server */
	struct req up_req;		/* the request forwarded upstream */
	bool confirmed;			/* upstream answered OK */
	bool active;			/* the ingress CAFE notified a flow */
	uint64_t size;
	uint32_t nchunks;
	uint32_t src;			/* content server, from Notify */
	GArray *branches;		/* struct branch */
	GArray *waiting;		/* struct waiter: requests not answered yet */
	/* route optimisation in progress */
	bool ro_pending;
	uint32_t ro_crme;
	struct cmsg_hop ro_ingress;
	struct req ro_req;
	/* after the switch, the old path is held for ro_hold, then released */
	bool releasing;
	struct cmsg_hop old_ingress;
	uint32_t old_up;
	struct sim_timer hold;
	struct crme *owner;
};

struct crme {
	struct entity e;
	/* arguments */
	uint16_t port;
	unsigned nprov, npeer;
	uint32_t prov[CRME_MAX_REL], peer[CRME_MAX_REL];
	bool ro;
	sim_time_t ro_hold;		/* old path kept after a switch (in-flight chunks) */
	/* run */
	uint32_t self;
	char self_str[CURLING_ADDRLEN];
	struct udp_sock *sock;
	GArray *loc;			/* struct loc_cafe, announce order */
	GPtrArray *nbrs;		/* struct nbr*, announce order */
	GPtrArray *rib;			/* struct rib_route*, by prefix */
	GPtrArray *contents;		/* struct content*, first-heard order */
	GHashTable *content_by_id;	/* lookups only */
	GPtrArray *sessions;		/* struct session*, creation order */
	GHashTable *session_by_id;	/* lookups only */
	uint32_t next_reqid;
	struct counters cnt;
	bool cnt_registered;
	uint32_t r_unexpected;
	/* statistics */
	uint64_t consumes, forwarded, joins, refused, configures, notifies, publishes;
	uint64_t releases, ro_attempts, ro_switches, routes_in, routes_out, bad;
	uint64_t unknown_addrs;	/* found at start (check did not run) */
	bool addrs_checked;	/* check ran at load time: start does not repeat it */
};

/* ---- small helpers ---- */

static struct sim *
crme_sim(struct crme *r)
{
	return r->e.node->net->sim;
}

static const char *
fa(uint32_t a, char *buf)
{
	return curling_fmt_addr(a, buf);
}

static struct nbr *
nbr_find(struct crme *r, uint32_t crme)
{
	for (guint i = 0; i < r->nbrs->len; i++) {
		struct nbr *n = g_ptr_array_index(r->nbrs, i);

		if (n->crme == crme)
			return n;
	}
	return NULL;
}

static bool
loc_known(struct crme *r, uint32_t addr, uint16_t port)
{
	for (guint i = 0; i < r->loc->len; i++) {
		const struct loc_cafe *l = &g_array_index(r->loc, struct loc_cafe, i);

		if (l->h.addr == addr && (port == 0 || l->h.port == port))
			return true;
	}
	return false;
}

static bool
hop_eq(const struct cmsg_hop *a, const struct cmsg_hop *b)
{
	return a->addr == b->addr && a->port == b->port;
}

static enum rel
rel_of(const struct crme *r, uint32_t crme)
{
	for (unsigned i = 0; i < r->nprov; i++)
		if (r->prov[i] == crme)
			return REL_PROVIDER;
	for (unsigned i = 0; i < r->npeer; i++)
		if (r->peer[i] == crme)
			return REL_PEER;
	return REL_CUSTOMER;
}

static void
send_to(struct crme *r, uint32_t addr, uint16_t port, const struct cmsg *m)
{
	curling_send(r->sock, addr, port, m);
}

/* Configure op (with CFG_F_NEWTX if newtx) of the content to one CAFE. */
static void
send_configure_tx(struct crme *r, const struct cmsg_hop *cafe, uint8_t op, bool newtx,
		  const char *id, const struct cmsg_hop *hops, unsigned nhops)
{
	struct cmsg m;
	char a[CURLING_ADDRLEN];

	memset(&m, 0, sizeof(m));
	m.type = CMSG_CONFIGURE;
	m.flags = (uint8_t)(op | (newtx ? CFG_F_NEWTX : 0));
	snprintf(m.id, sizeof(m.id), "%s", id);
	for (unsigned i = 0; i < nhops && i < CMSG_MAX_HOPS; i++)
		m.hops[m.nhops++] = hops[i];
	send_to(r, cafe->addr, cafe->port, &m);
	r->configures++;
	entity_log(&r->e, LOG_DEBUG, "CRME %s: Configure (%s) %s to CAFE %s", r->self_str,
		   op == CFG_ADD ? "add" : op == CFG_DEL_HOPS ? "remove next hops" : "remove",
		   id, fa(cafe->addr, a));
}

static void
send_configure(struct crme *r, const struct cmsg_hop *cafe, uint8_t op, const char *id,
	       const struct cmsg_hop *hops, unsigned nhops)
{
	send_configure_tx(r, cafe, op, false, id, hops, nhops);
}

/* ---- tables in the log ---- */

static void
log_loc(struct crme *r)
{
	GString *g = g_string_new(NULL);
	char a[CURLING_ADDRLEN], b[CURLING_ADDRLEN];

	for (guint i = 0; i < r->loc->len; i++) {
		const struct loc_cafe *l = &g_array_index(r->loc, struct loc_cafe, i);

		g_string_append_printf(g, " %s:%u", fa(l->h.addr, a), l->h.port);
	}
	entity_log(&r->e, LOG_INFO, "CRME %s: locCAFE:%s", r->self_str, g->str);
	g_string_truncate(g, 0);
	for (guint i = 0; i < r->nbrs->len; i++) {
		const struct nbr *n = g_ptr_array_index(r->nbrs, i);

		g_string_append_printf(g, " %s (%s) via %s", fa(n->crme, a), rel_name(n->rel),
				       fa(n->cafe.addr, b));
		g_string_append_printf(g, "->%s:%u;", fa(n->nbr_cafe.addr, a), n->nbr_cafe.port);
	}
	entity_log(&r->e, LOG_INFO, "CRME %s: nextHopCrmes:%s", r->self_str, g->str);
	g_string_free(g, TRUE);
}

/* D4.3's columns: ContentID <IngressCAFEaddr, port> numEgressCAFEs <EgressCAFEaddr, port>... */
static void
log_session(struct crme *r, const struct session *s, const char *what)
{
	GString *g = g_string_new(NULL);
	char a[CURLING_ADDRLEN];
	unsigned n = 0;

	for (guint i = 0; i < s->branches->len; i++) {
		const struct branch *b = &g_array_index(s->branches, struct branch, i);
		bool dup = false;

		for (guint k = 0; k < i && !dup; k++)
			dup = hop_eq(&g_array_index(s->branches, struct branch, k).egress, &b->egress);
		if (dup)
			continue;
		g_string_append_printf(g, " %s:%u", fa(b->egress.addr, a), b->egress.port);
		n++;
	}
	entity_log(&r->e, LOG_INFO, "CRME %s: ActiveSessions %s: %s %s:%u %u%s", r->self_str,
		   what, s->id, fa(s->ingress.addr, a), s->ingress.port, n, g->str);
	g_string_free(g, TRUE);
}

/* ---- routes (a small path-vector protocol between CRMEs) ---- */

static int
rib_route_cmp(gconstpointer x, gconstpointer y)
{
	const struct rib_route *a = *(const struct rib_route *const *)x;
	const struct rib_route *b = *(const struct rib_route *const *)y;

	if (a->prefix != b->prefix)
		return a->prefix < b->prefix ? -1 : 1;
	return (int)a->plen - (int)b->plen;
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

static const struct rib_route *
rib_lookup(struct crme *r, uint32_t addr)
{
	const struct rib_route *best = NULL;

	for (guint i = 0; i < r->rib->len; i++) {
		const struct rib_route *x = g_ptr_array_index(r->rib, i);
		uint32_t mask = x->plen ? 0xffffffffu << (32 - x->plen) : 0;

		if ((addr & mask) == x->prefix && (!best || x->plen > best->plen))
			best = x;
	}
	return best;
}

/* The Routes message for neighbour n: valley-free export of our best routes. */
static void
routes_send(struct crme *r, struct nbr *n)
{
	struct cmsg *m = g_new0(struct cmsg, 1);

	m->type = CMSG_ROUTES;
	for (guint i = 0; i < r->rib->len && m->nroutes < CMSG_MAX_ROUTES; i++) {
		const struct rib_route *x = g_ptr_array_index(r->rib, i);
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
	send_to(r, n->crme, r->port, m);
	r->routes_out++;
	g_free(m);
}

static void
rib_free(GPtrArray *rib)
{
	for (guint i = 0; i < rib->len; i++)
		g_free(g_ptr_array_index(rib, i));
	g_ptr_array_set_size(rib, 0);
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
static void
rib_recompute(struct crme *r)
{
	GPtrArray *rib = g_ptr_array_new();
	struct rib_route *own = g_new0(struct rib_route, 1);
	bool changed;
	char a[CURLING_ADDRLEN], b[CURLING_ADDRLEN];

	own->prefix = curling_prefix(r->self);
	own->plen = 24;
	own->rel = REL_LOCAL;
	g_ptr_array_add(rib, own);
	for (guint i = 0; i < r->nbrs->len; i++) {
		const struct nbr *n = g_ptr_array_index(r->nbrs, i);

		for (guint k = 0; n->routes && k < n->routes->len; k++) {
			const struct cmsg_route *x = &g_array_index(n->routes, struct cmsg_route, k);
			struct rib_route c = { .prefix = x->prefix, .plen = x->plen, .via = n->crme,
					   .rel = n->rel, .npath = x->npath };
			bool loop = false, placed = false;

			for (unsigned p = 0; p < x->npath; p++)
				loop |= x->path[p] == r->self;
			if (loop || x->npath == 0)
				continue;
			memcpy(c.path, x->path, sizeof(x->path[0]) * x->npath);
			for (guint j = 0; j < rib->len && !placed; j++) {
				struct rib_route *best = g_ptr_array_index(rib, j);

				if (best->prefix == c.prefix && best->plen == c.plen) {
					if (rib_route_better(&c, best))
						*best = c;
					placed = true;
				}
			}
			if (!placed)
				g_ptr_array_add(rib, g_memdup2(&c, sizeof(c)));
		}
	}
	g_ptr_array_sort(rib, rib_route_cmp);
	changed = rib->len != r->rib->len;
	for (guint i = 0; i < rib->len && !changed; i++)
		changed = !rib_route_same(g_ptr_array_index(rib, i), g_ptr_array_index(r->rib, i));
	rib_free(r->rib);
	g_ptr_array_free(r->rib, TRUE);
	r->rib = rib;
	if (!changed)
		return;
	for (guint i = 0; i < rib->len; i++) {
		const struct rib_route *x = g_ptr_array_index(rib, i);

		entity_log(&r->e, LOG_DEBUG, "CRME %s: route %s/%u via %s (%s), %u hops",
			   r->self_str, fa(x->prefix, a), x->plen, x->via ? fa(x->via, b) : "-",
			   rel_name(x->rel), x->npath);
	}
	for (guint i = 0; i < r->nbrs->len; i++)
		routes_send(r, g_ptr_array_index(r->nbrs, i));
}

/* ---- contents and publication ---- */

static struct content *
content_find(struct crme *r, const char *id)
{
	return g_hash_table_lookup(r->content_by_id, id);
}

static struct content *
content_add(struct crme *r, const char *id)
{
	struct content *c = content_find(r, id);

	if (c)
		return c;
	c = g_new0(struct content, 1);
	snprintf(c->id, sizeof(c->id), "%s", id);
	g_hash_table_insert(r->content_by_id, c->id, c);
	g_ptr_array_add(r->contents, c);
	return c;
}

static void
publish_to(struct crme *r, const struct content *c, uint32_t crme)
{
	struct cmsg m;

	memset(&m, 0, sizeof(m));
	m.type = CMSG_PUBLISH;
	snprintf(m.id, sizeof(m.id), "%s", c->id);
	m.src = c->server;
	m.size = c->size;
	send_to(r, crme, r->port, &m);
}

/* A record goes to every provider but the neighbour it came from. */
static void
publish_up(struct crme *r, const struct content *c)
{
	for (guint i = 0; i < r->nbrs->len; i++) {
		const struct nbr *n = g_ptr_array_index(r->nbrs, i);

		if (n->rel == REL_PROVIDER && n->crme != c->via)
			publish_to(r, c, n->crme);
	}
}

static void
process_publish(struct crme *r, const struct cmsg *m, uint32_t from, uint16_t sport)
{
	struct nbr *n = nbr_find(r, from);
	struct content *c = content_find(r, m->id);
	char a[CURLING_ADDRLEN], b[CURLING_ADDRLEN];

	r->publishes++;
	if (m->src_cafe.addr) {
		/* From a server of ours: record it, acknowledge, publish upwards. */
		struct cmsg ack;

		memset(&ack, 0, sizeof(ack));
		ack.type = CMSG_ACK;
		ack.acked_type = CMSG_PUBLISH;
		ack.token = m->token;
		send_to(r, from, sport, &ack);
		if (c && c->local && hop_eq(&c->server, &m->src))
			return;
		c = content_add(r, m->id);
		c->local = true;
		c->server = m->src;
		c->server_cafe = m->src_cafe;
		c->size = m->size;
		c->via = 0;
		entity_log(&r->e, LOG_INFO, "CRME %s: content %s published by the server %s:%u "
			   "(CAFE %s)", r->self_str, c->id, fa(c->server.addr, a), c->server.port,
			   fa(c->server_cafe.addr, b));
		publish_up(r, c);
		return;
	}
	if (!n) {
		/* Not yet a neighbour: it publishes again when it first hears from us. */
		stats_drop(&r->cnt, r->r_unexpected);
		return;
	}
	if (c)
		return;		/* the first record heard stays */
	c = content_add(r, m->id);
	c->server = m->src;
	c->size = m->size;
	c->via = from;
	entity_log(&r->e, LOG_INFO, "CRME %s: content %s is reachable via CRME %s",
		   r->self_str, c->id, fa(from, a));
	publish_up(r, c);
}

/* ---- sessions ---- */

static struct session *
session_find(struct crme *r, const char *id)
{
	return g_hash_table_lookup(r->session_by_id, id);
}

static void release_old_path(struct crme *r, struct session *s);

static void
hold_expired(struct sim *sim, void *ctx, void *arg)
{
	struct session *s = arg;

	release_old_path(s->owner, s);
}

static struct session *
session_new(struct crme *r, const char *id)
{
	struct session *s = g_new0(struct session, 1);

	snprintf(s->id, sizeof(s->id), "%s", id);
	s->owner = r;
	sim_timer_init(&s->hold, hold_expired, r, s);
	s->branches = g_array_new(FALSE, FALSE, sizeof(struct branch));
	s->waiting = g_array_new(FALSE, FALSE, sizeof(struct waiter));
	g_hash_table_insert(r->session_by_id, s->id, s);
	g_ptr_array_add(r->sessions, s);
	return s;
}

/* Forget a session (its hold timer must be idle: see session_end). */
static void
session_free(struct crme *r, struct session *s)
{
	g_hash_table_remove(r->session_by_id, s->id);
	g_ptr_array_remove(r->sessions, s);
	g_array_free(s->branches, TRUE);
	g_array_free(s->waiting, TRUE);
	g_free(s);
}

/* A session ends while the run goes on: finish a pending release first. */
static void
session_end(struct crme *r, struct session *s)
{
	if (s->releasing)
		release_old_path(r, s);
	sim_timer_cancel(crme_sim(r), &s->hold);
	session_free(r, s);
}

/* The next hop an ingress CAFE gives branch b: the egress, or beyond it. */
static struct cmsg_hop
ingress_hop(const struct cmsg_hop *ingress, const struct branch *b)
{
	return hop_eq(&b->egress, ingress) ? b->down : b->egress;
}

/*
 * State for one branch: Configure to the ingress, then to the egress (D4.3
 * Figure 25); newtx when a transmission will come for it (the request goes
 * on towards the server), not when it joins a flow.
 */
static void
branch_install(struct crme *r, const struct session *s, const struct cmsg_hop *ingress,
	       const struct branch *b, bool newtx)
{
	struct cmsg_hop h = ingress_hop(ingress, b);

	send_configure_tx(r, ingress, CFG_ADD, newtx, s->id, &h, 1);
	if (!hop_eq(&b->egress, ingress))
		send_configure_tx(r, &b->egress, CFG_ADD, newtx, s->id, &b->down, 1);
}

/* Send a Consume on towards the session's source, this CRME added to its path. */
static void
forward_up(struct crme *r, const struct session *s, const struct cmsg *m)
{
	struct cmsg f = *m;

	if (s->up_crme) {
		if (f.npath < CMSG_MAX_PATH)
			f.path[f.npath++] = r->self;
		send_to(r, s->up_crme, r->port, &f);
	} else {
		send_to(r, s->server.addr, s->server.port, &f);
	}
	r->forwarded++;
}

/* Remove branch i's state; the ingress keeps a next hop other branches use. */
static void
branch_remove(struct crme *r, struct session *s, guint i)
{
	struct branch b = g_array_index(s->branches, struct branch, i);
	bool shared = false;

	g_array_remove_index(s->branches, i);
	if (hop_eq(&b.egress, &s->ingress)) {
		send_configure(r, &s->ingress, CFG_DEL_HOPS, s->id, &b.down, 1);
		return;
	}
	send_configure(r, &b.egress, CFG_DEL_HOPS, s->id, &b.down, 1);
	for (guint k = 0; k < s->branches->len && !shared; k++)
		shared = hop_eq(&g_array_index(s->branches, struct branch, k).egress, &b.egress);
	if (!shared)
		send_configure(r, &s->ingress, CFG_DEL_HOPS, s->id, &b.egress, 1);
}

/* Answer request q: to the neighbour CRME it came from, or to the client (down_crme 0). */
static void
reply_to(struct crme *r, uint32_t down_crme, const struct req *q, const char *id,
	 uint8_t status, uint64_t size, uint32_t nchunks)
{
	struct cmsg m;

	memset(&m, 0, sizeof(m));
	m.type = CMSG_CONSUME_REPLY;
	m.reqid = q->reqid;
	m.client = q->client;
	m.status = status;
	m.size = size;
	m.nchunks = nchunks;
	snprintf(m.id, sizeof(m.id), "%s", id);
	if (down_crme)
		send_to(r, down_crme, r->port, &m);
	else
		send_to(r, q->client.addr, q->client.port, &m);
}

/*
 * Request q, on branch b, waits for its answer.  A client has one
 * request under way: a newer one from the same client replaces the one
 * waiting (the client would ignore that one's answer).
 */
static void
waiter_add(struct session *s, const struct branch *b, const struct req *q, bool side)
{
	struct waiter w;

	for (guint i = 0; i < s->waiting->len; i++)
		if (hop_eq(&g_array_index(s->waiting, struct waiter, i).req.client, &q->client)) {
			g_array_remove_index(s->waiting, i);
			break;
		}
	memset(&w, 0, sizeof(w));
	w.req = *q;
	w.down_crme = b->down_crme;
	w.egress = b->egress;
	w.down = b->down;
	w.side = side;
	g_array_append_val(s->waiting, w);
}

/* Whether a request still waits on the branch (egress, down). */
static bool
branch_waited(const struct session *s, const struct cmsg_hop *egress,
	      const struct cmsg_hop *down)
{
	for (guint i = 0; i < s->waiting->len; i++) {
		const struct waiter *w = &g_array_index(s->waiting, struct waiter, i);

		if (hop_eq(&w->egress, egress) && hop_eq(&w->down, down))
			return true;
	}
	return false;
}

/* Refuse a request that has no branch yet. */
static void
refuse(struct crme *r, const struct cmsg *m, uint32_t down_crme, uint8_t status,
       const char *why)
{
	struct req q;
	char a[CURLING_ADDRLEN];

	q.reqid = m->reqid;
	q.client = m->client;
	reply_to(r, down_crme, &q, m->id, status, 0, 0);
	r->refused++;
	entity_log(&r->e, LOG_INFO, "CRME %s: Consume for %s from %s refused (%s): %s",
		   r->self_str, m->id, fa(down_crme ? down_crme : m->client.addr, a),
		   cmsg_status_name(status), why);
}

/* Tear a session down entirely: its ingress state, and upstream. */
static void
session_teardown(struct crme *r, struct session *s, const char *why)
{
	struct cmsg m;

	while (s->branches->len)
		branch_remove(r, s, s->branches->len - 1);
	send_configure(r, &s->ingress, CFG_DEL_CONTENT, s->id, NULL, 0);
	memset(&m, 0, sizeof(m));
	m.type = CMSG_RELEASE;
	snprintf(m.id, sizeof(m.id), "%s", s->id);
	if (s->up_crme)
		send_to(r, s->up_crme, r->port, &m);
	else if (s->server.addr)
		send_to(r, s->server.addr, s->server.port, &m);
	r->releases++;
	log_session(r, s, why);
	session_end(r, s);
}

/*
 * processConsume() (D4.3 sections 6.3.1 and 6.3.2.1), for a request from
 * a local client or from the neighbour CRME on the client's side:
 *  1. refuse a request whose path already holds this CRME (a loop);
 *  2. the branch: from the egress CAFE (the client's CAFE, or our CAFE
 *     on the link to the requesting domain) to the next CAFE beyond it;
 *  3. if the content already flows through the domain (ActiveSessions),
 *     join that flow: add the branch, answer, do not forward - unless the
 *     request is a repair (CONSUME_F_NOJOIN): its chunks may not be in the
 *     flow, so the branch is added and the request goes on to the source;
 *  4. otherwise find the next hop towards the source: the local server,
 *     else the content record's neighbour, else the first provider;
 *     none: refuse (not_found);
 *  5. make the session, send Configure to the ingress and the egress
 *     CAFEs, forward the Consume (this CRME added to its path).
 */
static void
process_consume(struct crme *r, const struct cmsg *m, uint32_t from)
{
	struct nbr *down = nbr_find(r, from), *up = NULL;
	struct content *c = content_find(r, m->id);
	struct session *s = session_find(r, m->id);
	struct branch b;
	struct req q;
	struct cmsg f;
	char a[CURLING_ADDRLEN], x[CURLING_ADDRLEN], y[CURLING_ADDRLEN];

	r->consumes++;
	for (unsigned i = 0; i < m->npath; i++)
		if (m->path[i] == r->self) {
			refuse(r, m, down ? from : 0, CSTAT_LOOP, "this CRME is on its path");
			return;
		}
	memset(&b, 0, sizeof(b));
	q.reqid = m->reqid;
	q.client = m->client;
	if (down) {
		b.egress = down->cafe;
		b.down = down->nbr_cafe;
		b.down_crme = down->crme;
	} else {
		if (!loc_known(r, m->client_cafe.addr, m->client_cafe.port)) {
			refuse(r, m, 0, CSTAT_NO_PATH, "the client's CAFE is not one of ours");
			return;
		}
		b.egress = m->client_cafe;
		b.down = m->client;
	}
	entity_log(&r->e, LOG_INFO, "CRME %s: Consume for %s from %s (client %s:%u)",
		   r->self_str, m->id, fa(from, a), fa(m->client.addr, x), m->client.port);

	if (s) {
		bool repair = (m->flags & CONSUME_F_NOJOIN) != 0;
		struct branch *o = NULL;

		if (s->up_crme && s->up_crme == b.down_crme) {
			refuse(r, m, b.down_crme, CSTAT_LOOP, "the content comes from there");
			return;
		}
		if (repair && m->npath >= CMSG_MAX_PATH) {
			refuse(r, m, b.down_crme, CSTAT_NO_PATH, "path too long");
			return;
		}
		for (guint i = 0; i < s->branches->len && !o; i++) {
			struct branch *k = &g_array_index(s->branches, struct branch, i);

			if (hop_eq(&k->egress, &b.egress) && hop_eq(&k->down, &b.down))
				o = k;
		}
		if (!o) {
			g_array_append_val(s->branches, b);
			o = &g_array_index(s->branches, struct branch, s->branches->len - 1);
		}
		if (repair) {
			/* A repair needs its own transmission: the flow may not carry its chunks. */
			waiter_add(s, o, &q, true);
			entity_log(&r->e, LOG_INFO, "CRME %s: %s already flows through this domain "
				   "(ingress %s): the repair is added to it and goes on to the "
				   "source", r->self_str, s->id, fa(s->ingress.addr, a));
			branch_install(r, s, &s->ingress, o, true);
			forward_up(r, s, m);
			log_session(r, s, "repair");
			return;
		}
		r->joins++;
		entity_log(&r->e, LOG_INFO, "CRME %s: %s already flows through this domain "
			   "(ingress %s): the request joins it", r->self_str, s->id,
			   fa(s->ingress.addr, a));
		branch_install(r, s, &s->ingress, o, false);
		if (s->confirmed)
			reply_to(r, o->down_crme, &q, s->id, CSTAT_OK, s->size, s->nchunks);
		else
			waiter_add(s, o, &q, false);
		log_session(r, s, "joined");
		return;
	}

	memset(&f, 0, sizeof(f));
	f = *m;
	if (c && c->local) {
		s = session_new(r, m->id);
		s->ingress = c->server_cafe;
		s->server = c->server;
	} else {
		uint32_t via = c ? c->via : 0;

		if (via && via != b.down_crme)
			up = nbr_find(r, via);
		for (guint i = 0; !up && i < r->nbrs->len; i++) {
			struct nbr *n = g_ptr_array_index(r->nbrs, i);

			if (n->rel == REL_PROVIDER && n->crme != b.down_crme)
				up = n;
		}
		if (!up) {
			refuse(r, m, b.down_crme, CSTAT_NOT_FOUND, c ? "no way towards its source" :
			       "no record of it and no provider to ask");
			return;
		}
		if (m->npath >= CMSG_MAX_PATH) {
			refuse(r, m, b.down_crme, CSTAT_NO_PATH, "path too long");
			return;
		}
		s = session_new(r, m->id);
		s->ingress = up->cafe;
		s->up_crme = up->crme;
		f.path[f.npath++] = r->self;
	}
	s->up_req = q;
	g_array_append_val(s->branches, b);
	waiter_add(s, &b, &q, false);
	branch_install(r, s, &s->ingress, &b, true);
	if (s->up_crme) {
		send_to(r, s->up_crme, r->port, &f);
		entity_log(&r->e, LOG_INFO, "CRME %s: Consume for %s forwarded to CRME %s; "
			   "ingress CAFE %s, egress CAFE %s", r->self_str, s->id,
			   fa(s->up_crme, a), fa(s->ingress.addr, x),
			   fa(b.egress.addr, y));
	} else {
		send_to(r, s->server.addr, s->server.port, &f);
		entity_log(&r->e, LOG_INFO, "CRME %s: Consume for %s forwarded to the server "
			   "%s:%u; ingress CAFE %s, egress CAFE %s", r->self_str, s->id,
			   fa(s->server.addr, a), s->server.port, fa(s->ingress.addr, x),
			   fa(b.egress.addr, y));
	}
	r->forwarded++;
	log_session(r, s, "pending");
}

/* Route optimisation gave up or failed: undo the new ingress's state. */
static void
ro_abandon(struct crme *r, struct session *s, const char *why)
{
	char a[CURLING_ADDRLEN];

	for (guint i = 0; i < s->branches->len; i++) {
		struct cmsg_hop h = ingress_hop(&s->ro_ingress,
						&g_array_index(s->branches, struct branch, i));

		send_configure(r, &s->ro_ingress, CFG_DEL_HOPS, s->id, &h, 1);
	}
	s->ro_pending = false;
	entity_log(&r->e, LOG_INFO, "CRME %s: route optimisation of %s via %s abandoned: %s",
		   r->self_str, s->id, fa(s->ro_crme, a), why);
}

/*
 * A ConsumeReply from upstream:
 *  1. the answer to a route-optimisation request: on refusal, undo it;
 *  2. the answer to a repair that went on by itself goes to that request
 *     alone (a refusal removes its branch, unless another request still
 *     waits on it);
 *  3. the answer to the session's request: OK confirms the session and
 *     answers every request waiting but the repairs; anything else is
 *     passed to them and the session's state is removed.
 */
static void
process_reply(struct crme *r, const struct cmsg *m, uint32_t from)
{
	struct session *s = session_find(r, m->id);
	char a[CURLING_ADDRLEN];

	if (!s) {
		stats_drop(&r->cnt, r->r_unexpected);
		return;
	}
	if (s->ro_pending && m->reqid == s->ro_req.reqid && hop_eq(&m->client, &s->ro_req.client)) {
		if (m->status != CSTAT_OK)
			ro_abandon(r, s, cmsg_status_name(m->status));
		return;
	}
	if (m->reqid != s->up_req.reqid || !hop_eq(&m->client, &s->up_req.client)) {
		/* The answer to a repair that went on by itself: for that request only. */
		for (guint i = 0; i < s->waiting->len; i++) {
			struct waiter w = g_array_index(s->waiting, struct waiter, i);

			if (!w.side || w.req.reqid != m->reqid || !hop_eq(&w.req.client, &m->client))
				continue;
			g_array_remove_index(s->waiting, i);
			reply_to(r, w.down_crme, &w.req, s->id, m->status, m->size, m->nchunks);
			if (m->status != CSTAT_OK && !branch_waited(s, &w.egress, &w.down)) {
				for (guint k = 0; k < s->branches->len; k++) {
					const struct branch *b = &g_array_index(s->branches,
										struct branch, k);

					if (hop_eq(&b->egress, &w.egress) && hop_eq(&b->down, &w.down)) {
						branch_remove(r, s, k);
						break;
					}
				}
				if (s->branches->len == 0)
					session_teardown(r, s, "refused");
			}
			return;
		}
		stats_drop(&r->cnt, r->r_unexpected);
		return;
	}
	if (m->status == CSTAT_OK) {
		s->confirmed = true;
		s->size = m->size;
		s->nchunks = m->nchunks;
	}
	for (guint i = 0; i < s->waiting->len;) {
		struct waiter w = g_array_index(s->waiting, struct waiter, i);

		if (w.side) {
			i++;
			continue;
		}
		g_array_remove_index(s->waiting, i);
		reply_to(r, w.down_crme, &w.req, s->id, m->status, m->size, m->nchunks);
	}
	if (m->status != CSTAT_OK) {
		entity_log(&r->e, LOG_INFO, "CRME %s: %s refused upstream by %s (%s): state "
			   "removed", r->self_str, s->id, fa(from, a), cmsg_status_name(m->status));
		r->refused++;
		s->up_crme = 0;		/* it refused: no Release to send */
		s->server.addr = 0;
		session_teardown(r, s, "refused");
	}
}

/*
 * A Release from a neighbour CRME downstream: remove its branches; a
 * session left without branches is torn down, upstream too.
 */
static void
process_release(struct crme *r, const struct cmsg *m, uint32_t from)
{
	struct session *s = session_find(r, m->id);
	char a[CURLING_ADDRLEN];

	if (!s)
		return;
	for (guint i = s->branches->len; i-- > 0;)
		if (g_array_index(s->branches, struct branch, i).down_crme == from)
			branch_remove(r, s, i);
	for (guint i = s->waiting->len; i-- > 0;)
		if (g_array_index(s->waiting, struct waiter, i).down_crme == from)
			g_array_remove_index(s->waiting, i);
	entity_log(&r->e, LOG_INFO, "CRME %s: CRME %s released its branch of %s",
		   r->self_str, fa(from, a), s->id);
	if (s->branches->len == 0)
		session_teardown(r, s, "released");
	else
		log_session(r, s, "pruned");
}

/*
 * Route optimisation (D4.3 section 6.3.1, Figure 27), on the Notify of a
 * new flow at the session's ingress:
 *  1. look the content server's prefix up in the routing table;
 *  2. nothing to do if the best next hop is the CRME the content comes
 *     from, if the server is local, if that CRME is one we feed
 *     (a loop), or if no CAFE links us to it;
 *  3. otherwise install the session's branches at the CAFE on the link
 *     to that CRME and send it a Consume (flag RO); the old path is
 *     released when the content arrives by the new one.
 */
static void
ro_check(struct crme *r, struct session *s)
{
	const struct rib_route *rt;
	struct nbr *n;
	struct cmsg m;
	char a[CURLING_ADDRLEN], b[CURLING_ADDRLEN], c[CURLING_ADDRLEN];

	if (!r->ro || s->ro_pending || !s->up_crme || !s->src)
		return;
	rt = rib_lookup(r, s->src);
	if (!rt || rt->via == 0 || rt->via == s->up_crme)
		return;
	for (guint i = 0; i < s->branches->len; i++)
		if (g_array_index(s->branches, struct branch, i).down_crme == rt->via)
			return;
	n = nbr_find(r, rt->via);
	if (!n)
		return;
	r->ro_attempts++;
	s->ro_pending = true;
	s->ro_crme = n->crme;
	s->ro_ingress = n->cafe;
	s->ro_req.reqid = ++r->next_reqid;
	s->ro_req.client.addr = r->self;
	s->ro_req.client.port = r->port;
	entity_log(&r->e, LOG_INFO, "CRME %s: route optimisation for %s: the best route to "
		   "%s is via CRME %s (%s), the content comes from CRME %s: Consume sent to %s",
		   r->self_str, s->id, fa(s->src, a), fa(n->crme, b), rel_name(rt->rel),
		   fa(s->up_crme, c), b);
	for (guint i = 0; i < s->branches->len; i++)
		branch_install(r, s, &s->ro_ingress, &g_array_index(s->branches, struct branch, i),
			       false);
	memset(&m, 0, sizeof(m));
	m.type = CMSG_CONSUME;
	m.flags = CONSUME_F_RO;
	m.reqid = s->ro_req.reqid;
	m.client = s->ro_req.client;
	m.first = 0;
	m.last = UINT32_MAX;
	snprintf(m.id, sizeof(m.id), "%s", s->id);
	m.path[m.npath++] = r->self;
	send_to(r, n->crme, r->port, &m);
}

/* The hold time is over (or the session ends): release the old path. */
static void
release_old_path(struct crme *r, struct session *s)
{
	struct cmsg_hop hops[CMSG_MAX_HOPS];
	struct cmsg m;
	unsigned nh = 0;
	char a[CURLING_ADDRLEN];

	if (!s->releasing)
		return;
	s->releasing = false;
	for (guint i = 0; i < s->branches->len && nh < CMSG_MAX_HOPS; i++) {
		const struct branch *br = &g_array_index(s->branches, struct branch, i);

		if (!hop_eq(&br->egress, &s->old_ingress))
			hops[nh++] = br->egress;
	}
	if (nh)
		send_configure(r, &s->old_ingress, CFG_DEL_HOPS, s->id, hops, nh);
	memset(&m, 0, sizeof(m));
	m.type = CMSG_RELEASE;
	snprintf(m.id, sizeof(m.id), "%s", s->id);
	send_to(r, s->old_up, r->port, &m);
	r->releases++;
	entity_log(&r->e, LOG_INFO, "CRME %s: the path of %s through CRME %s is released",
		   r->self_str, s->id, fa(s->old_up, a));
}

/*
 * The content now arrives by the optimised path: it becomes the
 * session's, the content table points future requests at it, and the
 * old path is released after the hold time (make before break).
 */
static void
ro_switch(struct crme *r, struct session *s)
{
	struct content *c;
	char a[CURLING_ADDRLEN], b[CURLING_ADDRLEN], d[CURLING_ADDRLEN];

	s->old_ingress = s->ingress;
	s->old_up = s->up_crme;
	s->ingress = s->ro_ingress;
	s->up_crme = s->ro_crme;
	s->ro_pending = false;
	s->releasing = true;
	sim_timer_after(crme_sim(r), &s->hold, r->ro_hold);
	r->ro_switches++;
	entity_log(&r->e, LOG_INFO, "CRME %s: route optimisation of %s done: it now enters at "
		   "%s from CRME %s instead of CRME %s", r->self_str, s->id,
		   fa(s->ingress.addr, a), fa(s->up_crme, b), fa(s->old_up, d));
	c = content_add(r, s->id);
	if (!c->local) {
		c->via = s->up_crme;
		c->ro = true;
		entity_log(&r->e, LOG_INFO, "CRME %s: content table: %s now via CRME %s "
			   "(route optimised)", r->self_str, s->id, fa(c->via, b));
	}
	log_session(r, s, "optimised");
}

/*
 * processNotify() (D4.3 section 6.3.3, Figure 29):
 *  1. teardown from the session's ingress CAFE: remove the session;
 *  2. create from the new ingress of a route optimisation: switch to it;
 *  3. create from the session's ingress, the content coming from outside
 *     the domain's CAFEs: the session is active; check route
 *     optimisation;
 *  4. anything else (an internal hop) is only logged.
 */
static void
process_notify(struct crme *r, const struct cmsg *m, uint32_t from, uint16_t sport)
{
	struct cmsg_hop cafe = { from, sport };
	struct session *s = session_find(r, m->id);
	char a[CURLING_ADDRLEN], b[CURLING_ADDRLEN];

	r->notifies++;
	if (!loc_known(r, from, sport)) {
		stats_drop(&r->cnt, r->r_unexpected);
		return;
	}
	entity_log(&r->e, LOG_DEBUG, "CRME %s: Notify (%s) %s from CAFE %s, previous hop %s",
		   r->self_str, m->flags == NOTIFY_CREATE ? "create" : "teardown", m->id,
		   fa(from, a), fa(m->prev.addr, b));
	if (!s)
		return;
	if (m->flags == NOTIFY_TEARDOWN) {
		if (hop_eq(&cafe, &s->ingress)) {
			if (s->ro_pending)
				ro_abandon(r, s, "the flow ended");
			log_session(r, s, "ended");
			session_end(r, s);
		}
		return;
	}
	if (s->ro_pending && hop_eq(&cafe, &s->ro_ingress) &&
	    !loc_known(r, m->prev.addr, m->prev.port)) {
		ro_switch(r, s);
		return;
	}
	if (hop_eq(&cafe, &s->ingress) && !loc_known(r, m->prev.addr, m->prev.port) &&
	    !s->active) {
		s->active = true;
		s->src = m->src.addr;
		log_session(r, s, "active");
		ro_check(r, s);
	}
}

/*
 * processAnnounce(): a local CAFE and its inter-domain links enter
 * locCAFE and nextHopCrmes; a new neighbour gets our routes and, if it
 * is a provider, our content records.  Always acknowledged.
 */
static void
process_announce(struct crme *r, const struct cmsg *m, uint32_t from, uint16_t sport)
{
	struct cmsg ack;
	bool changed = false, new_nbr = false;

	memset(&ack, 0, sizeof(ack));
	ack.type = CMSG_ACK;
	ack.acked_type = CMSG_ANNOUNCE;
	ack.token = m->token;
	send_to(r, from, sport, &ack);
	if (!loc_known(r, m->cafe.addr, m->cafe.port)) {
		struct loc_cafe l = { m->cafe, m->nlinks };

		g_array_append_val(r->loc, l);
		changed = true;
	}
	for (unsigned i = 0; i < m->nlinks; i++) {
		struct nbr *n;

		if (nbr_find(r, m->links[i].crme))
			continue;
		n = g_new0(struct nbr, 1);
		n->crme = m->links[i].crme;
		n->cafe = m->cafe;
		n->nbr_cafe.addr = m->links[i].cafe;
		n->nbr_cafe.port = m->links[i].cafe_port;
		n->rel = rel_of(r, n->crme);
		g_ptr_array_add(r->nbrs, n);
		changed = new_nbr = true;
		routes_send(r, n);
		if (n->rel == REL_PROVIDER)
			for (guint k = 0; k < r->contents->len; k++) {
				const struct content *c = g_ptr_array_index(r->contents, k);

				if (c->via != n->crme)
					publish_to(r, c, n->crme);
			}
	}
	if (changed)
		log_loc(r);
	if (new_nbr)
		rib_recompute(r);
}

static void
process_routes(struct crme *r, const struct cmsg *m, uint32_t from)
{
	struct nbr *n = nbr_find(r, from);

	r->routes_in++;
	if (!n) {
		stats_drop(&r->cnt, r->r_unexpected);
		return;
	}
	if (!n->routes)
		n->routes = g_array_new(FALSE, FALSE, sizeof(struct cmsg_route));
	g_array_set_size(n->routes, 0);
	g_array_append_vals(n->routes, m->routes, m->nroutes);
	if (!n->heard) {
		/* Its first word: it may have missed ours if it started later. */
		n->heard = true;
		routes_send(r, n);
		if (n->rel == REL_PROVIDER)
			for (guint k = 0; k < r->contents->len; k++) {
				const struct content *c = g_ptr_array_index(r->contents, k);

				if (c->via != n->crme)
					publish_to(r, c, n->crme);
			}
	}
	rib_recompute(r);
}

static void
crme_input(struct udp_sock *sock, void *ctx, struct pkt *p, const struct addr *src,
	   uint16_t sport, const struct addr *dst, uint16_t dport)
{
	struct crme *r = ctx;
	uint32_t from = addr_v4_host(src);
	struct cmsg *m;
	int rc;

	if (!r->e.running)
		return;
	stats_rx(&r->cnt, p->len);
	m = g_new(struct cmsg, 1);
	rc = cmsg_decode(p->data, p->len, m);
	if (rc != CMSG_OK) {
		r->bad++;
		stats_drop(&r->cnt, stats_reason_intern(&r->e.node->net->stats, cmsg_err_name(rc)));
		g_free(m);
		return;
	}
	switch (m->type) {
	case CMSG_ANNOUNCE:
		process_announce(r, m, from, sport);
		break;
	case CMSG_PUBLISH:
		process_publish(r, m, from, sport);
		break;
	case CMSG_CONSUME:
		process_consume(r, m, from);
		break;
	case CMSG_CONSUME_REPLY:
		process_reply(r, m, from);
		break;
	case CMSG_NOTIFY:
		process_notify(r, m, from, sport);
		break;
	case CMSG_RELEASE:
		process_release(r, m, from);
		break;
	case CMSG_ROUTES:
		process_routes(r, m, from);
		break;
	default:
		stats_drop(&r->cnt, r->r_unexpected);
		break;
	}
	g_free(m);
}

/* ---- the class ---- */

static int
parse_group(char **argv, int argc, int *pos, const char *what, uint32_t *out,
	    unsigned *n, char *err, size_t errlen)
{
	unsigned k;

	if (curling_parse_count(what, argv[*pos], 0, CRME_MAX_REL, &k, err, errlen) < 0)
		return -1;
	(*pos)++;
	for (unsigned i = 0; i < k; i++, (*pos)++) {
		if (*pos >= argc || strchr(argv[*pos], '='))
			return entity_err(err, errlen, "%s is %u but only %u address%s follow%s",
					  what, k, i, i == 1 ? "" : "es", i == 1 ? "s" : "");
		if (curling_parse_addr(argv[*pos], &out[i]) < 0)
			return entity_err(err, errlen, "\"%s\" is not a CRME address", argv[*pos]);
	}
	*n = k;
	return 0;
}

static int
crme_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	struct crme *r = (struct crme *)e;
	char a[CURLING_ADDRLEN];
	int pos;

	if (argc < 1 || strchr(argv[0], '='))
		return entity_err(err, errlen, "missing <myport>");
	if (curling_parse_port("myport", argv[0], &r->port, err, errlen) < 0)
		return -1;
	if (argc < 2 || strchr(argv[1], '='))
		return entity_err(err, errlen, "missing <nProviders>");
	pos = 1;
	if (parse_group(argv, argc, &pos, "nProviders", r->prov, &r->nprov, err, errlen) < 0)
		return -1;
	if (pos < argc && !strchr(argv[pos], '=') &&
	    parse_group(argv, argc, &pos, "nPeers", r->peer, &r->npeer, err, errlen) < 0)
		return -1;
	r->ro = true;
	r->ro_hold = DEFAULT_RO_HOLD;
	for (; pos < argc; pos++) {
		if (strcmp(argv[pos], "ro=on") == 0)
			r->ro = true;
		else if (strcmp(argv[pos], "ro=off") == 0)
			r->ro = false;
		else if (strncmp(argv[pos], "ro_hold=", 8) == 0) {
			if (units_duration("ro_hold", argv[pos] + 8, 0, 0, SIM_TIME_LIMIT, &r->ro_hold,
					   err, errlen) < 0)
				return -1;
		} else if (!strchr(argv[pos], '='))
			return entity_err(err, errlen, "unexpected argument \"%s\"", argv[pos]);
		else
			return entity_err(err, errlen, "unknown option \"%s\"", argv[pos]);
	}
	for (unsigned i = 0; i < r->nprov; i++)
		for (unsigned k = 0; k < r->npeer; k++)
			if (r->prov[i] == r->peer[k])
				return entity_err(err, errlen, "%s is both a provider and a peer",
						  curling_fmt_addr(r->prov[i], a));
	if (curling_port_claim(e->node_name, r->port, e) < 0)
		return entity_err(err, errlen, "port %u on %s is already used by another "
				  "curling entity", r->port, e->node_name);
	r->loc = g_array_new(FALSE, FALSE, sizeof(struct loc_cafe));
	r->nbrs = g_ptr_array_new();
	r->rib = g_ptr_array_new();
	r->contents = g_ptr_array_new();
	r->content_by_id = g_hash_table_new(g_str_hash, g_str_equal);
	r->sessions = g_ptr_array_new();
	r->session_by_id = g_hash_table_new(g_str_hash, g_str_equal);
	return 0;
}

/* The providers' then the peers' addresses, with their roles; returns how many. */
static unsigned
crme_addrs(const struct crme *r, uint32_t *addrs, const char **roles)
{
	unsigned n = 0;

	for (unsigned i = 0; i < r->nprov; i++) {
		addrs[n] = r->prov[i];
		roles[n++] = "provider CRME";
	}
	for (unsigned i = 0; i < r->npeer; i++) {
		addrs[n] = r->peer[i];
		roles[n++] = "peer CRME";
	}
	return n;
}

static int
crme_check(struct entity *e, const struct entity_scope *sc, char *err, size_t errlen)
{
	struct crme *r = (struct crme *)e;
	uint32_t addrs[2 * CRME_MAX_REL];
	const char *roles[2 * CRME_MAX_REL];
	unsigned n = crme_addrs(r, addrs, roles);

	r->addrs_checked = true;
	return curling_check_known(addrs, roles, n, sc->addr_known, sc->ctx, err, errlen);
}

static void
crme_start(struct entity *e)
{
	struct crme *r = (struct crme *)e;
	struct stats *st = &e->node->net->stats;

	r->self = curling_node_addr(e->node);
	curling_fmt_addr(r->self, r->self_str);
	if (!r->cnt_registered) {
		stats_register(st, &r->cnt, "crme", e->node->name);
		r->cnt_registered = true;
		r->r_unexpected = stats_reason_intern(st, "curling_unexpected");
	}
	r->sock = udp_open(e->node, r->port, crme_input, r);
	if (!r->sock) {
		entity_log(e, LOG_ERROR, "CRME %s: cannot bind UDP port %u: in use", r->self_str,
			   r->port);
		return;
	}
	entity_log(e, LOG_INFO, "CRME %s: listening on port %u, %u provider%s, %u peer%s%s",
		   r->self_str, r->port, r->nprov, r->nprov == 1 ? "" : "s", r->npeer,
		   r->npeer == 1 ? "" : "s", r->ro ? "" : ", route optimisation off");
	if (!r->addrs_checked) {
		uint32_t addrs[2 * CRME_MAX_REL];
		const char *roles[2 * CRME_MAX_REL];
		unsigned n = crme_addrs(r, addrs, roles);
		char who[CURLING_ADDRLEN + 8];

		snprintf(who, sizeof(who), "CRME %s", r->self_str);
		r->unknown_addrs = curling_check_addrs(e, who, addrs, roles, n);
	}
	rib_recompute(r);
}

static void
crme_stop(struct entity *e)
{
	struct crme *r = (struct crme *)e;

	for (guint i = 0; r->sessions && i < r->sessions->len; i++) {
		struct session *s = g_ptr_array_index(r->sessions, i);

		sim_timer_cancel(crme_sim(r), &s->hold);
		s->releasing = false;
	}
	if (r->sock) {
		udp_close(r->sock);
		r->sock = NULL;
	}
}

static void
crme_stats(struct entity *e, entity_stat_fn fn, void *ctx)
{
	struct crme *r = (struct crme *)e;

	fn(ctx, "consumes", r->consumes);
	fn(ctx, "consumes_forwarded", r->forwarded);
	fn(ctx, "joins", r->joins);
	fn(ctx, "refused", r->refused);
	fn(ctx, "configures", r->configures);
	fn(ctx, "notifies", r->notifies);
	fn(ctx, "publishes", r->publishes);
	fn(ctx, "releases", r->releases);
	fn(ctx, "ro_attempts", r->ro_attempts);
	fn(ctx, "ro_switches", r->ro_switches);
	fn(ctx, "routes_in", r->routes_in);
	fn(ctx, "routes_out", r->routes_out);
	fn(ctx, "sessions", r->sessions ? r->sessions->len : 0);
	fn(ctx, "malformed", r->bad);
	fn(ctx, "unknown_addresses", r->unknown_addrs);
}

static void
crme_dump(struct entity *e, FILE *out)
{
	struct crme *r = (struct crme *)e;
	char a[CURLING_ADDRLEN], b[CURLING_ADDRLEN];

	if (!r->loc)
		return;
	for (guint i = 0; i < r->loc->len; i++) {
		const struct loc_cafe *l = &g_array_index(r->loc, struct loc_cafe, i);

		fprintf(out, "locCAFE %s:%u links %u\n", fa(l->h.addr, a), l->h.port, l->nlinks);
	}
	for (guint i = 0; i < r->nbrs->len; i++) {
		const struct nbr *n = g_ptr_array_index(r->nbrs, i);

		fprintf(out, "nextHopCrme %s %s via %s", fa(n->crme, a), rel_name(n->rel),
			fa(n->cafe.addr, b));
		fprintf(out, " -> %s:%u\n", fa(n->nbr_cafe.addr, a), n->nbr_cafe.port);
	}
	for (guint i = 0; i < r->rib->len; i++) {
		const struct rib_route *x = g_ptr_array_index(r->rib, i);

		fprintf(out, "route %s/%u via %s %s hops %u\n", fa(x->prefix, a), x->plen,
			x->via ? fa(x->via, b) : "-", rel_name(x->rel), x->npath);
	}
	for (guint i = 0; i < r->contents->len; i++) {
		const struct content *c = g_ptr_array_index(r->contents, i);

		if (c->local)
			fprintf(out, "content %s local %s:%u\n", c->id, fa(c->server.addr, a),
				c->server.port);
		else
			fprintf(out, "content %s via %s%s\n", c->id, fa(c->via, a),
				c->ro ? " (route optimised)" : "");
	}
	for (guint i = 0; i < r->sessions->len; i++) {
		const struct session *s = g_ptr_array_index(r->sessions, i);

		fprintf(out, "session %s ingress %s:%u branches %u%s\n", s->id,
			fa(s->ingress.addr, a), s->ingress.port, s->branches->len,
			s->active ? " active" : "");
	}
}

static void
crme_fini(struct entity *e)
{
	struct crme *r = (struct crme *)e;

	curling_port_release(e);
	if (r->nbrs) {
		for (guint i = 0; i < r->nbrs->len; i++) {
			struct nbr *n = g_ptr_array_index(r->nbrs, i);

			if (n->routes)
				g_array_free(n->routes, TRUE);
			g_free(n);
		}
		g_ptr_array_free(r->nbrs, TRUE);
	}
	if (r->rib) {
		rib_free(r->rib);
		g_ptr_array_free(r->rib, TRUE);
	}
	if (r->sessions) {
		while (r->sessions->len)
			session_free(r, g_ptr_array_index(r->sessions, 0));
		g_ptr_array_free(r->sessions, TRUE);
		g_hash_table_destroy(r->session_by_id);
	}
	if (r->contents) {
		for (guint i = 0; i < r->contents->len; i++)
			g_free(g_ptr_array_index(r->contents, i));
		g_ptr_array_free(r->contents, TRUE);
		g_hash_table_destroy(r->content_by_id);
	}
	if (r->loc)
		g_array_free(r->loc, TRUE);
}

const struct entity_class crme_class = {
	.name      = "usr.curling.Crme",
	.kind      = "crme",
	.usage     = CRME_USAGE,
	.inst_size = sizeof(struct crme),
	.init      = crme_init,		/* port, providers, peers */
	.check     = crme_check,	/* the addresses are in the scenario */
	.start     = crme_start,	/* open the port, originate our prefix */
	.stop      = crme_stop,
	.stats     = crme_stats,
	.dump      = crme_dump,		/* every table */
	.fini      = crme_fini,
};
