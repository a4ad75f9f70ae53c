/*
 * rae.c - the Routing Awareness Entity (D4.3 chapter 4), class usr.rae.Rae:
 *
 *   usr.rae.Rae <config-file> [keepalive=DURATION] [hold=DURATION]
 *       [retry=DURATION] [generate=N[@PREFIX]] [report=N]
 *
 * One RAE per domain.  It reads its configuration (rae_config.c: the
 * binary file of D4.3 Appendix A or its XML form), listens on
 * local_port_number, keeps one session per peer over emulated TCP
 * (sim/tcp.h), exchanges open, keepalive, update and withdraw messages
 * (rae.proto, framing rae_wire.h), selects the preferred paths of every
 * prefix (rae_decide.c, rae_rib.c) and reports them with its domain's
 * provisioning to the CME (cmerae.proto).
 *
 * What D4.3 leaves open and this file decides (doc/rae.md says why):
 *  - of two peers, the one with the lower AS number connects, the other
 *    waits; a new connection from a peer replaces its session;
 *  - the connecting RAE sends Open, the other answers with its own Open
 *    (the confirmation); the hold time is the smaller of the two, the
 *    keepalive interval min(keepalive, hold / 3);
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
 *  - the RAE-CME connection carries GenericRequests and Replies with the
 *    same framing; after a reconnection the RAE compares the Reply's
 *    version with the last one: a different version (the CME restarted)
 *    or requests left unanswered make it send everything again.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entities/rae/cmerae.pb-c.h"
#include "entities/rae/config.pb-c.h"
#include "entities/rae/rae.h"
#include "entities/rae/rae.pb-c.h"
#include "sim/net.h"
#include "sim/tcp.h"
#include "sim/units.h"

#define RAE_USAGE "<config-file> [keepalive=DURATION] [hold=DURATION] [retry=DURATION] " \
		  "[generate=N[@PREFIX]] [report=N]"
#define RAE_DEFAULT_KEEPALIVE	(5 * SIM_S)
#define RAE_DEFAULT_HOLD	(15 * SIM_S)
#define RAE_DEFAULT_RETRY	(5 * SIM_S)
#define RAE_DEFAULT_REPORT	1000
#define RAE_GENERATE_MAX	10000000u	/* generate=N: about 5 GB in all */
#define RAE_UPDATE_BYTES	(48 * 1024)	/* an update is flushed beyond this estimate */
#define RAE_ROUTE_PREFIXES	2000		/* prefixes in one Route */
#define RAE_WITHDRAW_PREFIXES	4000		/* prefixes in one Withdraw */
#define RAE_CME_BATCH		1000		/* PathInf in one GenericRequest */
#define RAE_CME_PROV_PREFIXES	10000		/* prefixes in one ProvInf */
#define RAE_NEVER		INT64_MIN
#define RAE_EXT			"rae"	/* the node's RAE, for rae_tool */

/* ---- the session state machine (see rae_fsm) ---- */

enum peer_state {
	PS_IDLE = 0,
	PS_CONNECT,		/* active: TCP handshake under way */
	PS_OPEN_SENT,		/* active: Open sent, waiting for the peer's */
	PS_OPEN_WAIT,		/* passive: connection accepted, waiting for Open */
	PS_ESTABLISHED,
};

static const char *const state_names[] = {
	"Idle", "Connect", "OpenSent", "OpenWait", "Established",
};

enum peer_event {
	PE_START = 0,		/* the RAE starts, or the retry timer fires (active side) */
	PE_TCP_UP,		/* our connection completed */
	PE_ACCEPTED,		/* the peer's connection was accepted */
	PE_OPEN,		/* a valid Open from the peer */
	PE_ERROR,		/* anything that ends the session, with a reason */
	PE_STOP,		/* the RAE stops */
};

struct rae;

struct rae_peer {
	struct rae *r;
	uint16_t idx;
	const struct rae_peer_cfg *cfg;
	char name[64];		/* "AS5/10.5.3.1" for the log */
	bool active;		/* we open the connection */
	enum peer_state state;
	struct tcp_sock *sock;
	struct rae_framer fr;
	sim_time_t hold, keepalive;	/* negotiated */
	struct sim_timer t_hold, t_keepalive, t_retry, t_drain;
	sim_time_t last_update;	/* when the last update was sent, or RAE_NEVER */
	GPtrArray *fresh;	/* struct rae_dest*: changed since the last drain */
	GPtrArray *deferred;	/* waiting for minimum_update_interval */
	uint32_t announce_mask;	/* class slots the link offers (peer class_table) */
	/* statistics */
	uint64_t established, resets;	/* sessions set up; lost or refused after TCP came up */
	uint64_t connect_failures;	/* connections that never came up */
	uint64_t msgs_in[5], msgs_out[5];	/* by message type 1..4 */
	uint64_t pfx_in, wdr_in, pfx_out, wdr_out;
	char last_reason[160];
};

enum cme_state { CS_IDLE = 0, CS_CONNECT, CS_SYNC, CS_UP };

struct rae_cme_link {
	enum cme_state state;
	struct tcp_sock *sock;
	struct rae_framer fr;
	struct sim_timer t_retry, t_drain;
	GPtrArray *q;		/* struct rae_dest*: to report */
	uint64_t seq;		/* of the last request sent on this connection */
	uint64_t unacked;	/* requests without a reply */
	bool have_version;
	uint64_t version;	/* the CME's, from its last reply */
	bool need_full;		/* the next connection sends everything */
	bool lost_unacked;	/* the last connection ended with requests unanswered */
	/* statistics */
	uint64_t requests, path_inf, replies, restarts, full_reports, connects;
};

struct rae {
	struct entity e;
	/* arguments */
	char *config_path;
	sim_time_t keepalive, hold, retry;
	uint32_t generate;
	struct prefix gen_base;
	uint32_t report;
	/* configuration and state */
	struct rae_config *cfg;
	struct rae_rib rib;
	bool rib_ready;
	struct rae_peer peers[RAE_MAX_PEERS];
	struct tcp_sock *listener;
	struct rae_cme_link cme;
	struct rae_pbarena rx;		/* messages decoded (one at a time) */
	struct rae_dest **local;	/* own prefixes, config then generated */
	size_t nlocal;
	/* statistics */
	uint64_t malformed, hold_expired, paths_looped, paths_unusable;
	uint64_t bytes_in, bytes_out;
	sim_time_t last_change;	/* last change of a preferred path, RAE_NEVER if none */
	bool stopping;		/* in rae_stop() */
};

static void rae_fsm(struct rae_peer *p, enum peer_event ev, const char *reason);
static void peer_enqueue(struct rae_peer *p, struct rae_dest *d);
static void cme_enqueue(struct rae *r, struct rae_dest *d);
static void cme_start(struct rae *r);

static struct sim *
rae_sim(const struct rae *r)
{
	return r->e.node->net->sim;
}

static sim_time_t
rae_now(const struct rae *r)
{
	return sim_now(rae_sim(r));
}

/* ---- arguments ---- */

static int
rae_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	struct rae *r = (struct rae *)e;
	bool has_keepalive = false;
	uint64_t u;

	if (argc < 1)
		return entity_err(err, errlen, "missing <config-file> (usage: %s)", RAE_USAGE);
	r->keepalive = RAE_DEFAULT_KEEPALIVE;
	r->hold = RAE_DEFAULT_HOLD;
	r->retry = RAE_DEFAULT_RETRY;
	r->report = RAE_DEFAULT_REPORT;
	prefix_parse("16.0.0.0/24", &r->gen_base);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = strchr(a, '=');

		if (!v)
			return entity_err(err, errlen, "unexpected argument \"%s\" (usage: %s)", a,
					  RAE_USAGE);
		v++;
		if (strncmp(a, "keepalive=", 10) == 0) {
			if (units_duration("keepalive", v, 0, 1, SIM_TIME_LIMIT, &r->keepalive, err,
					   errlen) < 0)
				return -1;
			has_keepalive = true;
		} else if (strncmp(a, "hold=", 5) == 0) {
			if (units_duration("hold", v, 0, SIM_MS, 3600 * SIM_S, &r->hold, err,
					   errlen) < 0)
				return -1;
		} else if (strncmp(a, "retry=", 6) == 0) {
			if (units_duration("retry", v, 0, 1, SIM_TIME_LIMIT, &r->retry, err,
					   errlen) < 0)
				return -1;
		} else if (strncmp(a, "report=", 7) == 0) {
			if (units_uint("report", v, 0, UINT32_MAX, &u, err, errlen) < 0)
				return -1;
			r->report = (uint32_t)u;
		} else if (strncmp(a, "generate=", 9) == 0) {
			const char *at = strchr(v, '@');
			char *num = g_strndup(v, at ? (gsize)(at - v) : strlen(v));
			char msg[UNITS_ERRLEN];
			uint64_t span, last;
			int bad;

			/* N alone is the value; in N@PREFIX, the count is a part of it. */
			bad = units_uint(at ? "count" : "generate", num, 0, RAE_GENERATE_MAX, &u,
					 msg, sizeof(msg)) < 0;
			g_free(num);
			if (bad && at)
				return entity_err(err, errlen, "generate \"%s\": %s", v, msg);
			if (bad)
				return entity_err(err, errlen, "%s", msg);
			r->generate = (uint32_t)u;
			if (at && (prefix_parse(at + 1, &r->gen_base) < 0 ||
				   r->gen_base.addr.af != ADDR_V4 || !strchr(at + 1, '/')))
				return entity_err(err, errlen, "generate \"%s\": \"%s\" is not an IPv4 "
						  "prefix", v, at + 1);
			span = 1ull << (32 - r->gen_base.len);
			last = addr_v4_host(&r->gen_base.addr) + span * (uint64_t)r->generate;
			if (r->gen_base.len == 0 || last > (1ull << 32))
				return entity_err(err, errlen, "generate \"%s\": %" PRIu32 " prefixes do "
						  "not fit after %s", v, r->generate, at ? at + 1 :
						  "16.0.0.0/24");
		} else {
			return entity_err(err, errlen, "unknown option \"%s\" (usage: %s)", a, RAE_USAGE);
		}
	}
	if (!has_keepalive && r->keepalive > r->hold / 3)
		r->keepalive = r->hold / 3 > 0 ? r->hold / 3 : 1;
	if (r->keepalive >= r->hold)
		return entity_err(err, errlen, "keepalive must be shorter than hold");
	r->config_path = g_strdup(argv[0]);
	/* Errors in the file are load-time errors: they name the file and field. */
	r->cfg = rae_config_load(argv[0], err, errlen);
	if (!r->cfg)
		return -1;
	return 0;
}

/* ---- formatting ---- */

static char *
aspath_fmt(const uint32_t *asn, unsigned len, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < len && n + 12 < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%" PRIu32, i ? " " : "", asn[i]);
	return buf;
}

/* rae_rib_foreach() into a GPtrArray, so the RIB may change while the array is walked. */
static void
collect_dest(struct rae_dest *d, void *ctx)
{
	g_ptr_array_add(ctx, d);
}

/* ---- counting changes ---- */

/* A preferred path of d changed: tell every established peer and the CME. */
static void
dest_changed(struct rae *r, struct rae_dest *d)
{
	r->last_change = rae_now(r);
	for (unsigned i = 0; i < r->cfg->npeers; i++)
		if (r->peers[i].state == PS_ESTABLISHED)
			peer_enqueue(&r->peers[i], d);
	if (!(d->flags & RAE_DEST_LOCAL))
		cme_enqueue(r, d);
}

/* ---- what goes to a peer ---- */

/* One path advertised to a peer: from a RIB path, or the origin of an own prefix. */
/* Compared and hashed as bytes: whoever fills one zeroes it first (padding). */
struct adv_item {
	const struct rae_attr *attr;	/* NULL: an own prefix */
	const struct rae_prov *prov;	/* the transit or origin provisioning */
	uint8_t mask;			/* class slots offered */
};

/*
 * The paths d offers to peer p: its preferred paths, except those learned
 * from p, with the classes our provisioning covers; or, for an own
 * prefix, the origin path.  Returns the number written to v.
 */
static unsigned
adv_compute(struct rae *r, struct rae_peer *p, const struct rae_dest *d,
	    struct adv_item *v, unsigned cap)
{
	const struct rae_config *c = r->cfg;
	unsigned n = 0;

	if (d->flags & RAE_DEST_LOCAL) {
		const struct rae_prov *pv = rae_config_prov(c, p->cfg->asn, false, 0, &d->pfx);
		uint8_t mask = 0;

		if (!pv)
			return 0;
		for (unsigned s = 0; s < c->ndp; s++)
			if (rae_cmetric_find(pv->classes, pv->nclasses, c->dp[s].cos))
				mask |= (uint8_t)(1u << s);
		if (!mask)
			return 0;
		memset(&v[0], 0, sizeof(v[0]));
		v[0].attr = NULL;
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
		pv = rae_config_prov(c, p->cfg->asn, true, q->attr->aspath->asn[0], NULL);
		if (!pv)
			continue;
		for (unsigned s = 0; s < c->ndp; s++)
			if ((q->pref & (1u << s)) &&
			    rae_cmetric_find(pv->classes, pv->nclasses, c->dp[s].cos))
				mask |= (uint8_t)(1u << s);
		if (!mask)
			continue;
		memset(&v[n], 0, sizeof(v[n]));	/* the padding is hashed too (peer_drain) */
		v[n].attr = q->attr;
		v[n].prov = pv;
		v[n].mask = mask;
		n++;
	}
	return n;
}

/* Protobuf-c objects of the messages being built, freed together (rae_wire.h). */
struct arena {
	struct rae_pbarena pa;
};

static void *
arena_alloc(struct arena *a, size_t size)
{
	return rae_pbarena_alloc(&a->pa, size);
}

static void
arena_init(struct arena *a)
{
	rae_pbarena_init(&a->pa);
}

static void
arena_reset(struct arena *a)
{
	rae_pbarena_reset(&a->pa);
}

static void
arena_fini(struct arena *a)
{
	rae_pbarena_fini(&a->pa);
}

/* n config.proto Prefix messages for dests[0..n), in the arena. */
static Comet__Rae__Config__Prefix **
pb_prefixes(struct arena *a, struct rae_dest *const *dests, size_t n)
{
	Comet__Rae__Config__Prefix **pv = arena_alloc(a, n * sizeof(*pv));
	Comet__Rae__Config__Prefix *msgs = arena_alloc(a, n * sizeof(*msgs));
	char *text = arena_alloc(a, n * ADDR_STRLEN);

	for (size_t i = 0; i < n; i++) {
		comet__rae__config__prefix__init(&msgs[i]);
		msgs[i].ip_address = addr_fmt(&dests[i]->pfx.addr, text + i * ADDR_STRLEN);
		msgs[i].has_prefix_length = 1;
		msgs[i].prefix_length = dests[i]->pfx.len;
		pv[i] = &msgs[i];
	}
	return pv;
}

static Comet__Rae__Config__ClassEntry *
pb_class(struct arena *a, uint32_t cos, const struct rae_metric *m)
{
	Comet__Rae__Config__ClassEntry *ce = arena_alloc(a, sizeof(*ce));
	Comet__Rae__Config__Metric *mt = arena_alloc(a, sizeof(*mt));

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
pb_adv_path(struct rae *r, struct arena *a, const struct adv_item *it)
{
	const struct rae_config *c = r->cfg;
	Comet__Rae__Path *p = arena_alloc(a, sizeof(*p));
	unsigned len = it->attr ? it->attr->aspath->len + 1u : 1u, k = 0;

	comet__rae__path__init(p);
	p->n_as_path = len;
	p->as_path = arena_alloc(a, len * sizeof(uint32_t));
	p->as_path[0] = c->local_as;
	if (it->attr)
		memcpy(p->as_path + 1, it->attr->aspath->asn, it->attr->aspath->len * sizeof(uint32_t));
	p->class_table = arena_alloc(a, c->ndp * sizeof(*p->class_table));
	for (unsigned s = 0; s < c->ndp; s++) {
		const struct rae_metric *pm;
		struct rae_metric m;

		if (!(it->mask & (1u << s)))
			continue;
		pm = rae_cmetric_find(it->prov->classes, it->prov->nclasses, c->dp[s].cos);
		m = it->attr ? rae_metric_concat(*pm, it->attr->m[s]) : *pm;
		p->class_table[k++] = pb_class(a, c->dp[s].cos, &m);
	}
	p->n_class_table = k;
	return p;
}

static void
peer_send(struct rae_peer *p, unsigned type, const ProtobufCMessage *m)
{
	GByteArray *b = g_byte_array_new();
	char nb[16];

	rae_frame_append(b, type, m);
	if (p->sock && tcp_send(p->sock, b->data, b->len) == 0) {
		p->r->bytes_out += b->len;
		if (type >= 1 && type <= 4)
			p->msgs_out[type]++;
		entity_log(&p->r->e, LOG_TRACE, "%s: sent %s, %u bytes", p->name,
			   rae_msg_name(type, nb, sizeof(nb)), b->len);
	}
	g_byte_array_free(b, TRUE);
}

/* Withdraw messages for dests, in slices. */
static void
send_withdraws(struct rae_peer *p, GPtrArray *dests)
{
	struct arena a;

	arena_init(&a);
	for (guint at = 0; at < dests->len; at += RAE_WITHDRAW_PREFIXES) {
		Comet__Rae__Withdraw w = COMET__RAE__WITHDRAW__INIT;
		guint n = MIN(dests->len - at, (guint)RAE_WITHDRAW_PREFIXES);

		w.n_prefixes = n;
		w.prefixes = pb_prefixes(&a, (struct rae_dest *const *)dests->pdata + at, n);
		peer_send(p, RAE_MSG_WITHDRAW, &w.base);
		p->wdr_out += n;
		arena_reset(&a);
	}
	arena_fini(&a);
}

/* Prefixes that share one set of advertised paths. */
struct adv_group {
	struct adv_item *items;
	unsigned nitems;
	GPtrArray *dests;
};

static void
adv_group_free(gpointer x)
{
	struct adv_group *g = x;

	g_free(g->items);
	g_ptr_array_free(g->dests, TRUE);
	g_free(g);
}

/* Update messages for the groups, in order, each under RAE_UPDATE_BYTES. */
static void
send_updates(struct rae_peer *p, GPtrArray *groups)
{
	Comet__Rae__Update u = COMET__RAE__UPDATE__INIT;
	GPtrArray *routes = g_ptr_array_new();
	size_t est = 0;
	struct arena a;

	arena_init(&a);
	for (guint gi = 0; gi < groups->len; gi++) {
		struct adv_group *g = g_ptr_array_index(groups, gi);

		for (guint at = 0; at < g->dests->len; at += RAE_ROUTE_PREFIXES) {
			Comet__Rae__Route *rt = arena_alloc(&a, sizeof(*rt));
			guint n = MIN(g->dests->len - at, (guint)RAE_ROUTE_PREFIXES);

			comet__rae__route__init(rt);
			rt->n_prefixes = n;
			rt->prefixes = pb_prefixes(&a, (struct rae_dest *const *)g->dests->pdata + at, n);
			rt->n_paths = g->nitems;
			rt->paths = arena_alloc(&a, g->nitems * sizeof(*rt->paths));
			for (unsigned i = 0; i < g->nitems; i++) {
				rt->paths[i] = pb_adv_path(p->r, &a, &g->items[i]);
				est += 16 + 5 * rt->paths[i]->n_as_path + 40 * rt->paths[i]->n_class_table;
			}
			est += 22 * (size_t)n;
			p->pfx_out += n;
			g_ptr_array_add(routes, rt);
			if (est > RAE_UPDATE_BYTES) {
				u.n_routes = routes->len;
				u.routes = (Comet__Rae__Route **)routes->pdata;
				peer_send(p, RAE_MSG_UPDATE, &u.base);
				g_ptr_array_set_size(routes, 0);
				arena_reset(&a);
				est = 0;
			}
		}
	}
	if (routes->len) {
		u.n_routes = routes->len;
		u.routes = (Comet__Rae__Route **)routes->pdata;
		peer_send(p, RAE_MSG_UPDATE, &u.base);
	}
	g_ptr_array_free(routes, TRUE);
	arena_fini(&a);
}

/*
 * Drain the queues of a peer: withdrawals at once; updates if the
 * minimum update interval allows, otherwise they wait in `deferred` and
 * the drain timer is armed for the moment it does.
 */
static void
peer_drain(struct sim *sim, void *ctx, void *arg)
{
	struct rae_peer *p = ctx;
	struct rae *r = p->r;
	sim_time_t now = sim_now(sim), mrai = (sim_time_t)r->cfg->min_update_interval * SIM_S;
	bool allow = mrai == 0 || p->last_update == RAE_NEVER ||
		     now >= sim_time_add(p->last_update, mrai);
	unsigned cap = r->cfg->ndp * r->cfg->limit + 1;
	struct adv_item *items = g_new(struct adv_item, cap);
	GPtrArray *wd = g_ptr_array_new(), *groups = g_ptr_array_new_with_free_func(adv_group_free);
	GPtrArray *release = g_ptr_array_new(), *keep = g_ptr_array_new();
	GHashTable *bysig = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
						  (GDestroyNotify)g_bytes_unref, NULL);
	uint64_t bit = 1ull << p->idx;
	GPtrArray *srcs[2] = { p->deferred, p->fresh };

	if (p->state != PS_ESTABLISHED)
		goto out;
	for (int k = 0; k < 2; k++) {
		GPtrArray *src = srcs[k];

		if (k == 0 && !allow)
			continue;
		for (guint i = 0; i < src->len; i++) {
			struct rae_dest *d = g_ptr_array_index(src, i);
			unsigned n = adv_compute(r, p, d, items, cap);

			if (n == 0) {
				if (d->adv & bit) {
					g_ptr_array_add(wd, d);
					d->adv &= ~bit;
				}
			} else if (!allow) {
				g_ptr_array_add(keep, d);
				continue;
			} else {
				GBytes *sig = g_bytes_new(items, n * sizeof(*items));
				struct adv_group *g = g_hash_table_lookup(bysig, sig);

				if (!g) {
					g = g_new0(struct adv_group, 1);
					g->items = g_memdup2(items, n * sizeof(*items));
					g->nitems = n;
					g->dests = g_ptr_array_new();
					g_ptr_array_add(groups, g);
					g_hash_table_insert(bysig, sig, g);
				} else {
					g_bytes_unref(sig);
				}
				g_ptr_array_add(g->dests, d);
				d->adv |= bit;
			}
			d->queued &= ~bit;
			g_ptr_array_add(release, d);
		}
		g_ptr_array_set_size(src, 0);
	}
	/* What waits for the interval (the fresh ones that could not go). */
	for (guint i = 0; i < keep->len; i++)
		g_ptr_array_add(p->deferred, g_ptr_array_index(keep, i));
	if (wd->len) {
		entity_log(&r->e, LOG_DEBUG, "%s: withdrawing %u prefixes", p->name, wd->len);
		send_withdraws(p, wd);
	}
	if (groups->len) {
		guint np = 0;

		for (guint i = 0; i < groups->len; i++)
			np += ((struct adv_group *)g_ptr_array_index(groups, i))->dests->len;
		entity_log(&r->e, LOG_DEBUG, "%s: announcing %u prefixes (%u path sets)", p->name,
			   np, groups->len);
		send_updates(p, groups);
		p->last_update = now;
	}
	if (p->deferred->len) {
		sim_time_t when = sim_time_add(p->last_update == RAE_NEVER ? now : p->last_update,
					       mrai);

		sim_timer_set(sim, &p->t_drain, when > now ? when : now);
	}
out:
	/* After the groups are sent: releasing frees what nothing holds. */
	g_hash_table_destroy(bysig);
	g_ptr_array_free(groups, TRUE);
	for (guint i = 0; i < release->len; i++)
		rae_rib_release(&r->rib, g_ptr_array_index(release, i));
	g_ptr_array_free(release, TRUE);
	g_ptr_array_free(keep, TRUE);
	g_ptr_array_free(wd, TRUE);
	g_free(items);
}

static void
peer_enqueue(struct rae_peer *p, struct rae_dest *d)
{
	uint64_t bit = 1ull << p->idx;

	if (d->queued & bit)
		return;
	d->queued |= bit;
	g_ptr_array_add(p->fresh, d);
	if (!sim_timer_armed(&p->t_drain) || p->t_drain.ev.time > rae_now(p->r))
		sim_timer_after(rae_sim(p->r), &p->t_drain, 0);
}

/* Empty a peer's queues (session down), releasing what only they held. */
static void
peer_flush_queues(struct rae_peer *p)
{
	GPtrArray *srcs[2] = { p->fresh, p->deferred };
	uint64_t bit = 1ull << p->idx;

	for (int k = 0; k < 2; k++) {
		for (guint i = 0; i < srcs[k]->len; i++) {
			struct rae_dest *d = g_ptr_array_index(srcs[k], i);

			d->queued &= ~bit;
			rae_rib_release(&p->r->rib, d);
		}
		g_ptr_array_set_size(srcs[k], 0);
	}
}

/* ---- receiving ---- */

/*
 * An update: every path is checked before anything is applied (the
 * first AS must be the peer's), so a bad message never half-changes the
 * RIB.  Paths through our own AS are dropped; the metric of each class
 * gets our link to the peer in front of it.
 */
static int
peer_rx_update(struct rae_peer *p, const Comet__Rae__Update *u, char *why, size_t whylen)
{
	struct rae *r = p->r;
	const struct rae_config *c = r->cfg;
	struct rae_attr **attrs = NULL;
	size_t cap = 0;

	for (size_t i = 0; i < u->n_routes; i++)
		for (size_t j = 0; j < u->routes[i]->n_paths; j++)
			if (u->routes[i]->paths[j]->as_path[0] != p->cfg->asn) {
				snprintf(why, whylen, "update: routes[%zu].paths[%zu]: AS path starts "
					 "with %" PRIu32 ", not the peer's AS %" PRIu32, i, j,
					 u->routes[i]->paths[j]->as_path[0], p->cfg->asn);
				return -1;
			}
	for (size_t i = 0; i < u->n_routes; i++) {
		const Comet__Rae__Route *rt = u->routes[i];
		unsigned n = 0;

		if (rt->n_paths > cap) {
			cap = rt->n_paths;
			attrs = g_renew(struct rae_attr *, attrs, cap);
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
			asp = rae_aspath_get(&r->rib, pp->as_path, (unsigned)pp->n_as_path);
			attrs[n++] = rae_attr_get(&r->rib, asp, mask, m);
			rae_aspath_put(&r->rib, asp);
		}
		for (size_t j = 0; j < rt->n_prefixes; j++) {
			struct prefix pfx;
			struct rae_dest *d;
			char r2[64];

			rae_msg_prefix(rt->prefixes[j]->ip_address, rt->prefixes[j]->has_prefix_length,
				       rt->prefixes[j]->prefix_length, &pfx, r2, sizeof(r2));
			d = n ? rae_rib_get(&r->rib, &pfx) : rae_rib_lookup(&r->rib, &pfx);
			/* Paths to an own prefix are not ours to choose from. */
			if (!d || (d->flags & RAE_DEST_LOCAL))
				continue;
			if (rae_rib_update(&r->rib, d, p->idx, attrs, n))
				dest_changed(r, d);
			rae_rib_release(&r->rib, d);
		}
		p->pfx_in += rt->n_prefixes;
		for (unsigned k = 0; k < n; k++)
			rae_attr_put(&r->rib, attrs[k]);
	}
	g_free(attrs);
	return 0;
}

static void
peer_rx_withdraw(struct rae_peer *p, const Comet__Rae__Withdraw *w)
{
	struct rae *r = p->r;

	for (size_t i = 0; i < w->n_prefixes; i++) {
		struct prefix pfx;
		struct rae_dest *d;
		char r2[64];

		rae_msg_prefix(w->prefixes[i]->ip_address, w->prefixes[i]->has_prefix_length,
			       w->prefixes[i]->prefix_length, &pfx, r2, sizeof(r2));
		d = rae_rib_lookup(&r->rib, &pfx);
		if (!d || (d->flags & RAE_DEST_LOCAL))
			continue;
		if (rae_rib_update(&r->rib, d, p->idx, NULL, 0))
			dest_changed(r, d);
		rae_rib_release(&r->rib, d);
	}
	p->wdr_in += w->n_prefixes;
}

static void
peer_send_open(struct rae_peer *p)
{
	Comet__Rae__Open o = COMET__RAE__OPEN__INIT;
	char ip[ADDR_STRLEN];

	o.has_version = 1;
	o.version = 1;
	o.has_as_number = 1;
	o.as_number = p->r->cfg->local_as;
	o.ip_address = addr_fmt(&p->r->cfg->local_ip, ip);
	o.has_hold_time_ms = 1;
	o.hold_time_ms = (uint32_t)(p->r->hold / SIM_MS);
	peer_send(p, RAE_MSG_OPEN, &o.base);
}

static void
peer_keepalive(struct sim *sim, void *ctx, void *arg)
{
	struct rae_peer *p = ctx;

	if (p->state != PS_ESTABLISHED)
		return;
	peer_send(p, RAE_MSG_KEEPALIVE, NULL);
	sim_timer_after(sim, &p->t_keepalive, p->keepalive);
}

static void
peer_hold_expired(struct sim *sim, void *ctx, void *arg)
{
	struct rae_peer *p = ctx;
	char buf[96];

	p->r->hold_expired++;
	snprintf(buf, sizeof(buf), "hold timer expired (nothing heard for %" PRId64 " ms)",
		 p->hold / SIM_MS);
	rae_fsm(p, PE_ERROR, buf);
}

/* One whole message from the peer. Returns -1 if the session was reset. */
static int
peer_rx_msg(struct rae_peer *p, unsigned type, const uint8_t *body, size_t len)
{
	struct rae *r = p->r;
	struct ProtobufCMessage *m;
	char why[512], nb[16];

	m = rae_msg_decode(type, body, len, &r->rx, why, sizeof(why));
	if (!m || type == RAE_MSG_CME_REQUEST || type == RAE_MSG_CME_REPLY) {
		if (m)
			snprintf(why, sizeof(why), "%s on an inter-RAE session",
				 rae_msg_name(type, nb, sizeof(nb)));
		r->malformed++;
		rae_fsm(p, PE_ERROR, why);
		return -1;
	}
	p->msgs_in[type]++;
	entity_log(&r->e, LOG_TRACE, "%s: received %s, %zu bytes", p->name,
		   rae_msg_name(type, nb, sizeof(nb)), len);
	if (p->state == PS_ESTABLISHED)
		sim_timer_after(rae_sim(r), &p->t_hold, p->hold);
	if (type == RAE_MSG_OPEN) {
		const Comet__Rae__Open *o = (const Comet__Rae__Open *)m;
		sim_time_t hold = (sim_time_t)o->hold_time_ms * SIM_MS;

		if (p->state != PS_OPEN_SENT && p->state != PS_OPEN_WAIT) {
			rae_fsm(p, PE_ERROR, "open on an established session");
			return -1;
		}
		if (o->as_number != p->cfg->asn) {
			snprintf(why, sizeof(why), "open from AS %" PRIu32 ", expected AS %" PRIu32,
				 o->as_number, p->cfg->asn);
			rae_fsm(p, PE_ERROR, why);
			return -1;
		}
		p->hold = hold < r->hold ? hold : r->hold;
		p->keepalive = r->keepalive < p->hold / 3 ? r->keepalive : p->hold / 3;
		if (p->keepalive <= 0)
			p->keepalive = 1;
		rae_fsm(p, PE_OPEN, NULL);
		return p->state == PS_ESTABLISHED ? 0 : -1;
	}
	if (p->state != PS_ESTABLISHED) {
		snprintf(why, sizeof(why), "%s before open", rae_msg_name(type, nb, sizeof(nb)));
		rae_fsm(p, PE_ERROR, why);
		return -1;
	}
	if (type == RAE_MSG_UPDATE) {
		if (peer_rx_update(p, (const Comet__Rae__Update *)m, why, sizeof(why)) < 0) {
			r->malformed++;
			rae_fsm(p, PE_ERROR, why);
			return -1;
		}
	} else if (type == RAE_MSG_WITHDRAW) {
		peer_rx_withdraw(p, (const Comet__Rae__Withdraw *)m);
	}
	return 0;
}

/* ---- TCP callbacks of a peer's connection ---- */

static void
peer_tcp_recv(struct tcp_sock *s, void *ctx, const uint8_t *data, size_t len)
{
	struct rae_peer *p = ctx;
	const uint8_t *body;
	unsigned type;
	size_t blen;
	char why[256];
	int rc;

	if (p->sock != s)
		return;
	p->r->bytes_in += len;
	rae_framer_push(&p->fr, data, len);
	while ((rc = rae_framer_next(&p->fr, &type, &body, &blen, why, sizeof(why))) == 1)
		if (peer_rx_msg(p, type, body, blen) < 0)
			return;
	if (rc < 0) {
		p->r->malformed++;
		rae_fsm(p, PE_ERROR, why);
	}
}

static void
peer_tcp_eof(struct tcp_sock *s, void *ctx)
{
	struct rae_peer *p = ctx;

	if (p->sock == s)
		rae_fsm(p, PE_ERROR, "the peer closed the connection");
}

static void
peer_tcp_closed(struct tcp_sock *s, void *ctx, enum tcp_close_reason why)
{
	struct rae_peer *p = ctx;
	static const char *const names[] = { "closed", "reset by the peer", "refused",
					     "timed out", "aborted" };
	char buf[64];

	if (p->sock != s)
		return;
	p->sock = NULL;		/* the stack frees it */
	snprintf(buf, sizeof(buf), "connection %s", names[why]);
	rae_fsm(p, PE_ERROR, buf);
}

static void
peer_tcp_connected(struct tcp_sock *s, void *ctx)
{
	struct rae_peer *p = ctx;

	if (p->sock == s)
		rae_fsm(p, PE_TCP_UP, NULL);
}

static const struct tcp_callbacks peer_cbs = {
	.connected = peer_tcp_connected,
	.recv = peer_tcp_recv,
	.eof = peer_tcp_eof,
	.closed = peer_tcp_closed,
};

static void
peer_retry(struct sim *sim, void *ctx, void *arg)
{
	rae_fsm(ctx, PE_START, NULL);
}

/* ---- the session state machine ---- */

/*
 * Let go of a connection without hearing from it again: reset it (RST),
 * except at the end of the run (the RAE stops on a node that is up):
 * nothing runs any more, the stack frees the socket, and a RST to the
 * node itself would stay in a pending event.
 */
static void
rae_sock_drop(struct rae *r, struct tcp_sock *s)
{
	if (!s)
		return;
	tcp_set_callbacks(s, NULL, NULL);
	if (!r->stopping || !r->e.node->up)
		tcp_abort(s);
}

static void
peer_drop_sock(struct rae_peer *p)
{
	struct tcp_sock *s = p->sock;

	p->sock = NULL;
	rae_sock_drop(p->r, s);
	rae_framer_fini(&p->fr);
	rae_framer_init(&p->fr);
}

/* The session is down: forget every path learned from the peer and what it was sent. */
static void
peer_session_down(struct rae_peer *p)
{
	struct rae *r = p->r;
	GPtrArray *all = g_ptr_array_new();
	uint64_t bit = 1ull << p->idx;
	unsigned lost = 0, changed = 0;

	peer_flush_queues(p);
	rae_rib_foreach(&r->rib, collect_dest, all);
	for (guint i = 0; i < all->len; i++) {
		struct rae_dest *d = g_ptr_array_index(all, i);
		bool had = false;

		d->adv &= ~bit;
		for (const struct rae_path *q = d->paths; q; q = q->next)
			if (q->peer == p->idx)
				had = true;
		if (had) {
			lost++;
			if (rae_rib_update(&r->rib, d, p->idx, NULL, 0)) {
				changed++;
				dest_changed(r, d);
			}
		}
		rae_rib_release(&r->rib, d);
	}
	g_ptr_array_free(all, TRUE);
	if (lost)
		entity_log(&r->e, LOG_INFO, "%s: withdrew the paths of %u prefixes learned from "
			   "it; %u preferred paths changed", p->name, lost, changed);
}

/* Every transition goes through here and is logged: a session lost is a warning. */
static void
peer_change_state(struct rae_peer *p, enum peer_state to, const char *reason, bool error)
{
	enum log_level l = error && p->state != PS_CONNECT ? LOG_WARN : LOG_INFO;

	if (p->state == to)
		return;
	entity_log(&p->r->e, l, "%s: %s -> %s%s%s", p->name, state_names[p->state],
		   state_names[to], reason ? ": " : "", reason ? reason : "");
	p->state = to;
}

/*
 * The session with one peer (bgpd's bgp_fsm):
 *
 *      active side                          passive side
 *
 *   Idle --START--> Connect              Idle (the RAE listens)
 *    ^                 | TCP_UP              | ACCEPTED
 *    |                 | send Open           v
 *    |                 v                  OpenWait
 *    |             OpenSent                  | OPEN: send Open (the
 *    |                 | OPEN                |  confirmation)
 *    |                 v                     v
 *    +---ERROR---- Established <-------------+
 *    |   (retry
 *    |    timer)     ERROR from any state: drop the connection, withdraw
 *    +--------       every path learned from the peer, back to Idle; the
 *                    active side tries again after `retry`.
 *
 * ACCEPTED in any state replaces the current connection (the peer
 * restarted).  STOP goes to Idle for good.
 */
static void
rae_fsm(struct rae_peer *p, enum peer_event ev, const char *reason)
{
	struct rae *r = p->r;
	struct sim *sim = rae_sim(r);
	bool was_up = p->state == PS_ESTABLISHED;

	switch (ev) {
	case PE_START:
		if (p->state != PS_IDLE || !p->active)
			return;
		rae_framer_init(&p->fr);
		p->sock = tcp_connect(r->e.node, &p->cfg->ip, p->cfg->port, 0, &peer_cbs, p);
		if (!p->sock) {
			entity_log(&r->e, LOG_DEBUG, "%s: cannot connect (no route)", p->name);
			sim_timer_after(sim, &p->t_retry, r->retry);
			return;
		}
		peer_change_state(p, PS_CONNECT, NULL, false);
		break;
	case PE_TCP_UP:
		if (p->state != PS_CONNECT)
			return;
		peer_change_state(p, PS_OPEN_SENT, NULL, false);
		peer_send_open(p);
		/* The peer must answer within a hold time. */
		p->hold = r->hold;
		sim_timer_after(sim, &p->t_hold, r->hold);
		break;
	case PE_ACCEPTED:
		/* p->sock is already the new connection. */
		peer_change_state(p, PS_OPEN_WAIT, NULL, false);
		p->hold = r->hold;
		sim_timer_after(sim, &p->t_hold, r->hold);
		break;
	case PE_OPEN:
		if (p->state == PS_OPEN_WAIT)
			peer_send_open(p);
		peer_change_state(p, PS_ESTABLISHED, NULL, false);
		p->established++;
		p->last_update = RAE_NEVER;
		entity_log(&r->e, LOG_INFO, "%s: session up, hold time %" PRId64 " ms, keepalive "
			   "%" PRId64 " ms", p->name, p->hold / SIM_MS, p->keepalive / SIM_MS);
		sim_timer_after(sim, &p->t_hold, p->hold);
		sim_timer_after(sim, &p->t_keepalive, p->keepalive);
		/* Send the peer everything we have to offer. */
		{
			GPtrArray *all = g_ptr_array_new();

			rae_rib_foreach(&r->rib, collect_dest, all);
			for (guint i = 0; i < all->len; i++) {
				struct rae_dest *d = g_ptr_array_index(all, i);

				if ((d->flags & RAE_DEST_LOCAL) || d->paths)
					peer_enqueue(p, d);
			}
			g_ptr_array_free(all, TRUE);
		}
		break;
	case PE_ERROR:
	case PE_STOP:
		if (p->state == PS_IDLE && ev == PE_ERROR)
			return;
		if (ev == PE_ERROR && p->state == PS_CONNECT) {
			p->connect_failures++;
		} else if (ev == PE_ERROR) {
			p->resets++;
			snprintf(p->last_reason, sizeof(p->last_reason), "%s", reason ? reason : "");
		}
		peer_drop_sock(p);
		sim_timer_cancel(sim, &p->t_hold);
		sim_timer_cancel(sim, &p->t_keepalive);
		sim_timer_cancel(sim, &p->t_drain);
		peer_change_state(p, PS_IDLE, ev == PE_STOP ? "stopped" : reason, ev == PE_ERROR);
		if (ev == PE_STOP)
			peer_flush_queues(p);	/* the RAE is going: nobody to tell */
		else if (was_up || p->fresh->len || p->deferred->len)
			peer_session_down(p);
		if (ev == PE_ERROR && p->active)
			sim_timer_after(sim, &p->t_retry, r->retry);
		else
			sim_timer_cancel(sim, &p->t_retry);
		break;
	}
}

/* A connection to our port: which peer is it? */
static void
rae_accept(struct tcp_sock *l, struct tcp_sock *conn, void *ctx)
{
	struct rae *r = ctx;
	struct addr la, ra;
	uint16_t lp, rp;
	char a[ADDR_STRLEN];

	tcp_endpoints(conn, &la, &lp, &ra, &rp);
	for (unsigned i = 0; i < r->cfg->npeers; i++) {
		struct rae_peer *p = &r->peers[i];

		if (!addr_eq(&p->cfg->ip, &ra))
			continue;
		if (p->state != PS_IDLE)
			rae_fsm(p, PE_ERROR, "a new connection from the peer replaces this one");
		sim_timer_cancel(rae_sim(r), &p->t_retry);
		rae_framer_init(&p->fr);
		p->sock = conn;
		tcp_set_callbacks(conn, &peer_cbs, p);
		rae_fsm(p, PE_ACCEPTED, NULL);
		return;
	}
	entity_log(&r->e, LOG_WARN, "connection from %s:%u, which is no peer: refused",
		   addr_fmt(&ra, a), rp);
	tcp_abort(conn);
}

/* ---- reporting to the CME ---- */

static void
cme_send(struct rae *r, Comet__Cmerae__GenericRequest *g)
{
	GByteArray *b = g_byte_array_new();

	g->has_sequence = 1;
	g->sequence = ++r->cme.seq;
	g->has_as_number = 1;
	g->as_number = r->cfg->local_as;
	rae_frame_append(b, RAE_MSG_CME_REQUEST, &g->base);
	if (r->cme.sock && tcp_send(r->cme.sock, b->data, b->len) == 0) {
		r->cme.requests++;
		r->cme.unacked++;
		r->bytes_out += b->len;
	}
	g_byte_array_free(b, TRUE);
}

static Comet__Rae__Config__Prefix *
cme_prefix(struct arena *a, const struct prefix *p)
{
	Comet__Rae__Config__Prefix *m = arena_alloc(a, sizeof(*m));

	comet__rae__config__prefix__init(m);
	m->ip_address = addr_fmt(&p->addr, arena_alloc(a, ADDR_STRLEN));
	m->has_prefix_length = 1;
	m->prefix_length = p->len;
	return m;
}

static Comet__Rae__Config__ClassEntry **
cme_classes(struct arena *a, const struct rae_cmetric *v, unsigned n, size_t *nout)
{
	Comet__Rae__Config__ClassEntry **cv = arena_alloc(a, n * sizeof(*cv));

	for (unsigned i = 0; i < n; i++) {
		Comet__Rae__Config__ClassEntry *ce = arena_alloc(a, sizeof(*ce));
		Comet__Rae__Config__Metric *mt = arena_alloc(a, sizeof(*mt));

		comet__rae__config__class_entry__init(ce);
		comet__rae__config__metric__init(mt);
		ce->has_cos_id = 1;
		ce->cos_id = v[i].cos;
		ce->metric = mt;
		mt->has_loss_ratio = 1;
		mt->loss_ratio = v[i].m.loss;
		mt->has_maximum_delay = 1;
		mt->maximum_delay = v[i].m.delay;
		if (!isinf(v[i].m.bw)) {
			mt->has_supported_bandwidth = 1;
			mt->supported_bandwidth = v[i].m.bw;
		}
		cv[i] = ce;
	}
	*nout = n;
	return cv;
}

static Comet__Rae__Config__Endpoint *
cme_endpoint(struct arena *a, const struct rae_endpoint *e)
{
	Comet__Rae__Config__Endpoint *m = arena_alloc(a, sizeof(*m));

	comet__rae__config__endpoint__init(m);
	if (e->is_as) {
		m->endpoint_case = COMET__RAE__CONFIG__ENDPOINT__ENDPOINT_AS_NUMBER;
		m->as_number = e->asn;
	} else {
		m->endpoint_case = COMET__RAE__CONFIG__ENDPOINT__ENDPOINT_PREFIX;
		m->prefix = cme_prefix(a, &e->pfx);
	}
	return m;
}

/* The domain's provisioning and prefixes, in as many requests as the prefixes need. */
static void
cme_send_prov(struct rae *r, bool full)
{
	const struct rae_config *c = r->cfg;
	size_t at = 0;

	do {
		Comet__Cmerae__GenericRequest g = COMET__CMERAE__GENERIC_REQUEST__INIT;
		Comet__Cmerae__ProvInf pi = COMET__CMERAE__PROV_INF__INIT;
		size_t n = MIN(r->nlocal - at, (size_t)RAE_CME_PROV_PREFIXES);
		struct arena a;

		arena_init(&a);
		pi.has_as_number = 1;
		pi.as_number = c->local_as;
		pi.n_prefixes = n;
		pi.prefixes = arena_alloc(&a, n * sizeof(*pi.prefixes));
		for (size_t i = 0; i < n; i++)
			pi.prefixes[i] = cme_prefix(&a, &r->local[at + i]->pfx);
		if (at == 0) {
			pi.has_first = 1;
			pi.first = 1;
			pi.n_provisioning_table = c->nprov;
			pi.provisioning_table = arena_alloc(&a, c->nprov * sizeof(void *));
			for (unsigned i = 0; i < c->nprov; i++) {
				Comet__Rae__Config__Provisioning *pv = arena_alloc(&a, sizeof(*pv));

				comet__rae__config__provisioning__init(pv);
				pv->source = cme_endpoint(&a, &c->prov[i].src);
				pv->sink = cme_endpoint(&a, &c->prov[i].sink);
				pv->class_table = cme_classes(&a, c->prov[i].classes, c->prov[i].nclasses,
							      &pv->n_class_table);
				pi.provisioning_table[i] = pv;
			}
			if (full) {
				g.has_full = 1;
				g.full = 1;
			}
		}
		g.prov_inf = &pi;
		cme_send(r, &g);
		arena_fini(&a);
		at += n;
	} while (at < r->nlocal);
}

/* Report queued prefixes: their preferred paths, or none (unreachable). */
static void
cme_drain(struct sim *sim, void *ctx, void *arg)
{
	struct rae *r = ctx;
	const struct rae_config *c = r->cfg;
	GPtrArray *q = r->cme.q;
	guint at = 0;

	if (r->cme.state != CS_UP)
		return;
	while (at < q->len) {
		Comet__Cmerae__GenericRequest g = COMET__CMERAE__GENERIC_REQUEST__INIT;
		Comet__Cmerae__PathInf **pv = g_new(Comet__Cmerae__PathInf *, RAE_CME_BATCH);
		size_t n = 0;
		struct arena a;

		arena_init(&a);
		for (; at < q->len && n < RAE_CME_BATCH; at++) {
			struct rae_dest *d = g_ptr_array_index(q, at);
			Comet__Cmerae__PathInf *pi;
			unsigned np = 0;

			d->flags &= (uint8_t)~RAE_DEST_CME_QUEUED;
			for (const struct rae_path *p = d->paths; p; p = p->next)
				if (p->pref)
					np++;
			if (np == 0 && !(d->flags & RAE_DEST_CME_KNOWN))
				continue;
			pi = arena_alloc(&a, sizeof(*pi));
			comet__cmerae__path_inf__init(pi);
			pi->prefix = cme_prefix(&a, &d->pfx);
			pi->n_paths = np;
			pi->paths = arena_alloc(&a, np * sizeof(*pi->paths));
			np = 0;
			for (const struct rae_path *p = d->paths; p; p = p->next) {
				Comet__Cmerae__Path *mp;
				struct rae_cmetric cm[RAE_MAX_CLASSES];
				unsigned k = 0;

				if (!p->pref)
					continue;
				mp = arena_alloc(&a, sizeof(*mp));
				comet__cmerae__path__init(mp);
				mp->n_as_path = p->attr->aspath->len;
				mp->as_path = (uint32_t *)p->attr->aspath->asn;
				for (unsigned s = 0; s < c->ndp; s++)
					if (p->pref & (1u << s)) {
						cm[k].cos = c->dp[s].cos;
						cm[k].m = p->attr->m[s];
						k++;
					}
				mp->class_table = cme_classes(&a, cm, k, &mp->n_class_table);
				pi->paths[np++] = mp;
			}
			if (np)
				d->flags |= RAE_DEST_CME_KNOWN;
			else
				d->flags &= (uint8_t)~RAE_DEST_CME_KNOWN;
			pv[n++] = pi;
		}
		if (n) {
			g.n_path_inf = n;
			g.path_inf = pv;
			cme_send(r, &g);
			r->cme.path_inf += n;
		}
		arena_fini(&a);
		g_free(pv);
	}
	for (guint i = 0; i < q->len; i++)
		rae_rib_release(&r->rib, g_ptr_array_index(q, i));
	g_ptr_array_set_size(q, 0);
}

static void
cme_enqueue(struct rae *r, struct rae_dest *d)
{
	if (!r->cfg->has_cme || (d->flags & RAE_DEST_CME_QUEUED))
		return;
	d->flags |= RAE_DEST_CME_QUEUED;
	g_ptr_array_add(r->cme.q, d);
	if (r->cme.state == CS_UP && !sim_timer_armed(&r->cme.t_drain))
		sim_timer_after(rae_sim(r), &r->cme.t_drain, 0);
}

/* Everything again: the CME forgets this AS on a request marked full. */
static void
cme_full_report(struct rae *r)
{
	GPtrArray *all = g_ptr_array_new();

	r->cme.full_reports++;
	rae_rib_foreach(&r->rib, collect_dest, all);
	for (guint i = 0; i < all->len; i++) {
		struct rae_dest *d = g_ptr_array_index(all, i);

		d->flags &= (uint8_t)~RAE_DEST_CME_KNOWN;
		if (!(d->flags & RAE_DEST_LOCAL) && d->paths)
			cme_enqueue(r, d);
	}
	g_ptr_array_free(all, TRUE);
	cme_send_prov(r, true);
}

static void
cme_rx(struct rae *r, unsigned type, const uint8_t *body, size_t len)
{
	struct ProtobufCMessage *m;
	const Comet__Cmerae__Reply *rep;
	char why[256];

	if (type != RAE_MSG_CME_REPLY) {
		entity_log(&r->e, LOG_WARN, "CME: unexpected message type %u: ignored", type);
		return;
	}
	m = rae_msg_decode(type, body, len, &r->rx, why, sizeof(why));
	if (!m) {
		entity_log(&r->e, LOG_WARN, "CME: bad reply: %s", why);
		return;
	}
	rep = (const Comet__Cmerae__Reply *)m;
	r->cme.replies++;
	if (r->cme.unacked)
		r->cme.unacked--;
	if (r->cme.have_version && rep->version != r->cme.version) {
		r->cme.restarts++;
		entity_log(&r->e, LOG_INFO, "CME: version %" PRIu64 " (was %" PRIu64 "): the CME "
			   "restarted, sending everything again", rep->version, r->cme.version);
		r->cme.version = rep->version;
		cme_full_report(r);
	} else if (!r->cme.have_version) {
		r->cme.have_version = true;
		r->cme.version = rep->version;
	}
	if (r->cme.state == CS_SYNC) {
		r->cme.state = CS_UP;
		entity_log(&r->e, LOG_INFO, "CME: reporting (CME version %" PRIu64 ")",
			   r->cme.version);
	}
	if (r->cme.q->len && !sim_timer_armed(&r->cme.t_drain))
		sim_timer_after(rae_sim(r), &r->cme.t_drain, 0);
}

static void cme_lost(struct rae *r, const char *why);

static void
cme_tcp_recv(struct tcp_sock *s, void *ctx, const uint8_t *data, size_t len)
{
	struct rae *r = ctx;
	const uint8_t *body;
	unsigned type;
	size_t blen;
	char why[256];
	int rc;

	if (r->cme.sock != s)
		return;
	r->bytes_in += len;
	rae_framer_push(&r->cme.fr, data, len);
	while ((rc = rae_framer_next(&r->cme.fr, &type, &body, &blen, why, sizeof(why))) == 1) {
		cme_rx(r, type, body, blen);
		if (r->cme.sock != s)
			return;
	}
	if (rc < 0)
		cme_lost(r, why);
}

static void
cme_tcp_connected(struct tcp_sock *s, void *ctx)
{
	struct rae *r = ctx;
	bool full = r->cme.need_full || r->cme.lost_unacked || !r->cme.have_version;

	if (r->cme.sock != s)
		return;
	r->cme.connects++;
	r->cme.state = CS_SYNC;
	r->cme.seq = 0;
	r->cme.unacked = 0;
	entity_log(&r->e, LOG_INFO, "CME: connected%s", full ? ", full report" : "");
	if (full) {
		/* The first reply tells the version; nothing to compare it with. */
		r->cme.need_full = false;
		r->cme.lost_unacked = false;
		r->cme.have_version = false;
		cme_full_report(r);
	} else {
		cme_send_prov(r, false);
	}
}

static void
cme_tcp_closed(struct tcp_sock *s, void *ctx, enum tcp_close_reason why)
{
	struct rae *r = ctx;

	if (r->cme.sock != s)
		return;
	r->cme.sock = NULL;
	cme_lost(r, why == TCP_CLOSED_REFUSED ? "connection refused" : "connection lost");
}

static void
cme_tcp_eof(struct tcp_sock *s, void *ctx)
{
	struct rae *r = ctx;

	if (r->cme.sock == s)
		cme_lost(r, "the CME closed the connection");
}

static const struct tcp_callbacks cme_cbs = {
	.connected = cme_tcp_connected,
	.recv = cme_tcp_recv,
	.eof = cme_tcp_eof,
	.closed = cme_tcp_closed,
};

static void
cme_lost(struct rae *r, const char *why)
{
	struct tcp_sock *s = r->cme.sock;

	if (r->cme.state != CS_CONNECT || s)
		entity_log(&r->e, LOG_INFO, "CME: %s", why);
	r->cme.sock = NULL;
	if (s) {
		tcp_set_callbacks(s, NULL, NULL);
		tcp_abort(s);
	}
	if (r->cme.unacked)
		r->cme.lost_unacked = true;
	r->cme.state = CS_IDLE;
	rae_framer_fini(&r->cme.fr);
	sim_timer_cancel(rae_sim(r), &r->cme.t_drain);
	sim_timer_after(rae_sim(r), &r->cme.t_retry, r->retry);
}

static void
cme_retry(struct sim *sim, void *ctx, void *arg)
{
	cme_start(ctx);
}

static void
cme_start(struct rae *r)
{
	if (!r->cfg->has_cme || r->cme.state != CS_IDLE || !r->e.running)
		return;
	rae_framer_init(&r->cme.fr);
	r->cme.sock = tcp_connect(r->e.node, &r->cfg->cme_ip, r->cfg->cme_port, 0, &cme_cbs, r);
	if (!r->cme.sock) {
		sim_timer_after(rae_sim(r), &r->cme.t_retry, r->retry);
		return;
	}
	r->cme.state = CS_CONNECT;
}

/* ---- the entity ---- */

static void
rae_setup_rib(struct rae *r)
{
	struct rae_decide_params dp = {
		.dp = r->cfg->dp, .nslots = r->cfg->ndp, .flat = r->cfg->flat,
		.limit = r->cfg->limit,
	};
	size_t n = r->cfg->nprefixes + r->generate;
	uint32_t base = addr_v4_host(&r->gen_base.addr), step = 1u << (32 - r->gen_base.len);

	rae_rib_init(&r->rib, &dp);
	r->rib_ready = true;
	r->local = g_new(struct rae_dest *, n ? n : 1);
	for (unsigned i = 0; i < r->cfg->nprefixes; i++) {
		struct rae_dest *d = rae_rib_get(&r->rib, &r->cfg->prefixes[i]);

		if (!(d->flags & RAE_DEST_LOCAL))
			r->local[r->nlocal++] = d;
		d->flags |= RAE_DEST_LOCAL;
	}
	for (uint32_t i = 0; i < r->generate; i++) {
		struct prefix pfx = { addr_v4(base + i * step), r->gen_base.len };
		struct rae_dest *d = rae_rib_get(&r->rib, &pfx);

		if (!(d->flags & RAE_DEST_LOCAL))
			r->local[r->nlocal++] = d;
		d->flags |= RAE_DEST_LOCAL;
	}
}

static void
rae_start(struct entity *e)
{
	struct rae *r = (struct rae *)e;
	const struct rae_config *c = r->cfg;
	char a[ADDR_STRLEN];

	if (!r->rib_ready) {
		r->last_change = RAE_NEVER;
		for (unsigned i = 0; i < c->npeers; i++) {
			struct rae_peer *p = &r->peers[i];
			char ip[ADDR_STRLEN];

			p->r = r;
			p->idx = (uint16_t)i;
			p->cfg = &c->peers[i];
			snprintf(p->name, sizeof(p->name), "peer AS%" PRIu32 "/%s", p->cfg->asn,
				 addr_fmt(&p->cfg->ip, ip));
			p->active = c->local_as < p->cfg->asn;
			p->fresh = g_ptr_array_new();
			p->deferred = g_ptr_array_new();
			rae_framer_init(&p->fr);
			sim_timer_init(&p->t_hold, peer_hold_expired, p, NULL);
			sim_timer_init(&p->t_keepalive, peer_keepalive, p, NULL);
			sim_timer_init(&p->t_retry, peer_retry, p, NULL);
			sim_timer_init(&p->t_drain, peer_drain, p, NULL);
		}
		r->cme.q = g_ptr_array_new();
		rae_pbarena_init(&r->rx);
		rae_framer_init(&r->cme.fr);
		sim_timer_init(&r->cme.t_retry, cme_retry, r, NULL);
		sim_timer_init(&r->cme.t_drain, cme_drain, r, NULL);
		rae_setup_rib(r);
	}
	r->stopping = false;
	{
		/* One RAE a node for rae_tool; an RAE started again replaces one that stopped. */
		struct rae *old = node_ext_get(e->node, RAE_EXT);

		if (!old || !old->e.running)
			node_ext_replace(e->node, RAE_EXT, r, NULL);
	}
	if (!node_has_addr(e->node, &c->local_ip))
		entity_log(e, LOG_WARN, "local_ip_address %s is not an address of %s",
			   addr_fmt(&c->local_ip, a), e->node->name);
	r->listener = tcp_listen(e->node, c->local_port, rae_accept, r);
	if (!r->listener)
		entity_log(e, LOG_ERROR, "cannot listen on TCP port %u: in use", c->local_port);
	entity_log(e, LOG_INFO, "AS %" PRIu32 ", %s port %u, %u peers, %zu own prefixes, "
		   "%u classes, keepalive %" PRId64 " ms, hold %" PRId64 " ms (config %s)",
		   c->local_as, addr_fmt(&c->local_ip, a), c->local_port, c->npeers, r->nlocal,
		   c->ndp, r->keepalive / SIM_MS, r->hold / SIM_MS, r->config_path);
	for (unsigned i = 0; i < c->npeers; i++)
		rae_fsm(&r->peers[i], PE_START, NULL);
	cme_start(r);
}

/* The preferred paths of every prefix, one line each, if there are few enough. */
static void
rae_report(struct rae *r)
{
	const struct rae_config *c = r->cfg;
	size_t n = r->rib.count, npref = 0;
	struct rae_dest **v = NULL;

	for (size_t i = 0; i < r->rib.nslot; i++)
		if (r->rib.slot[i])
			for (const struct rae_path *p = r->rib.slot[i]->paths; p; p = p->next)
				npref += p->pref != 0;
	/* Sorted only when it is printed (a million prefixes are not), own ones left out. */
	if (n - r->nlocal <= r->report)
		v = rae_rib_sorted(&r->rib, true, &n);
	entity_log(&r->e, LOG_INFO, "RIB: %zu prefixes (%zu own), %" PRIu64 " paths, %zu "
		   "preferred, %u AS paths, %u attribute sets, about %zu KiB", r->rib.count, r->nlocal,
		   r->rib.npaths, npref, g_hash_table_size(r->rib.aspaths),
		   g_hash_table_size(r->rib.attrs), rae_rib_memory(&r->rib) / 1024);
	for (size_t i = 0; v && i < n; i++) {
		char pfx[ADDR_STRLEN];

		prefix_fmt(&v[i]->pfx, pfx);
		for (const struct rae_path *p = v[i]->paths; p; p = p->next) {
			char asp[RAE_MAX_ASPATH * 11 + 1], line[1024];
			size_t k;

			if (!p->pref)
				continue;
			aspath_fmt(p->attr->aspath->asn, p->attr->aspath->len, asp, sizeof(asp));
			k = (size_t)snprintf(line, sizeof(line), "rib %s as_path %s", pfx, asp);
			for (unsigned s = 0; s < c->ndp && k < sizeof(line); s++)
				if (p->pref & (1u << s))
					k += (size_t)snprintf(line + k, sizeof(line) - k,
						" class %" PRIu32 " delay %.9g loss %.9g bandwidth %.9g "
						"score %.6f", c->dp[s].cos, p->attr->m[s].delay,
						p->attr->m[s].loss, p->attr->m[s].bw, p->attr->score[s]);
			entity_log(&r->e, LOG_INFO, "%s", line);
		}
	}
	g_free(v);
	for (unsigned i = 0; i < c->npeers; i++) {
		const struct rae_peer *p = &r->peers[i];

		entity_log(&r->e, LOG_INFO, "%s: %s, up %" PRIu64 " times, %" PRIu64 " resets%s%s; "
			   "in: %" PRIu64 " updates (%" PRIu64 " prefixes), %" PRIu64 " withdraws (%"
			   PRIu64 " prefixes), %" PRIu64 " keepalives; out: %" PRIu64 " updates (%"
			   PRIu64 " prefixes), %" PRIu64 " withdraws (%" PRIu64 " prefixes), %"
			   PRIu64 " keepalives", p->name, state_names[p->state], p->established,
			   p->resets, p->resets ? ", last: " : "", p->resets ? p->last_reason : "",
			   p->msgs_in[RAE_MSG_UPDATE], p->pfx_in, p->msgs_in[RAE_MSG_WITHDRAW],
			   p->wdr_in, p->msgs_in[RAE_MSG_KEEPALIVE], p->msgs_out[RAE_MSG_UPDATE],
			   p->pfx_out, p->msgs_out[RAE_MSG_WITHDRAW], p->wdr_out,
			   p->msgs_out[RAE_MSG_KEEPALIVE]);
	}
	if (c->has_cme)
		entity_log(&r->e, LOG_INFO, "CME: %" PRIu64 " requests, %" PRIu64 " path_inf, %"
			   PRIu64 " replies, %" PRIu64 " restarts seen, %" PRIu64 " full reports",
			   r->cme.requests, r->cme.path_inf, r->cme.replies, r->cme.restarts,
			   r->cme.full_reports);
}

static void
rae_stop(struct entity *e)
{
	struct rae *r = (struct rae *)e;
	struct sim *sim = rae_sim(r);

	if (!r->rib_ready)
		return;
	r->stopping = true;
	rae_report(r);
	for (unsigned i = 0; i < r->cfg->npeers; i++)
		rae_fsm(&r->peers[i], PE_STOP, NULL);
	if (r->listener) {
		tcp_unlisten(r->listener);
		r->listener = NULL;
	}
	if (r->cme.sock) {
		struct tcp_sock *s = r->cme.sock;

		r->cme.sock = NULL;
		rae_sock_drop(r, s);
	}
	r->cme.state = CS_IDLE;
	sim_timer_cancel(sim, &r->cme.t_retry);
	sim_timer_cancel(sim, &r->cme.t_drain);
}

static void
rae_stats(struct entity *e, entity_stat_fn fn, void *ctx)
{
	struct rae *r = (struct rae *)e;
	uint64_t up = 0, est = 0, resets = 0, cfail = 0, in[5] = { 0 }, out[5] = { 0 }, npref = 0;
	uint64_t pin = 0, pout = 0, win = 0, wout = 0;

	if (!r->rib_ready)
		return;
	for (unsigned i = 0; i < r->cfg->npeers; i++) {
		const struct rae_peer *p = &r->peers[i];

		up += p->state == PS_ESTABLISHED;
		est += p->established;
		resets += p->resets;
		cfail += p->connect_failures;
		for (int k = 1; k <= 4; k++) {
			in[k] += p->msgs_in[k];
			out[k] += p->msgs_out[k];
		}
		pin += p->pfx_in;
		pout += p->pfx_out;
		win += p->wdr_in;
		wout += p->wdr_out;
	}
	for (size_t i = 0; i < r->rib.nslot; i++)
		if (r->rib.slot[i])
			for (const struct rae_path *p = r->rib.slot[i]->paths; p; p = p->next)
				npref += p->pref != 0;
	fn(ctx, "sessions_up", up);
	fn(ctx, "sessions_established", est);
	fn(ctx, "session_resets", resets);
	fn(ctx, "connect_failures", cfail);
	fn(ctx, "hold_expired", r->hold_expired);
	fn(ctx, "malformed", r->malformed);
	fn(ctx, "open_in", in[RAE_MSG_OPEN]);
	fn(ctx, "open_out", out[RAE_MSG_OPEN]);
	fn(ctx, "keepalive_in", in[RAE_MSG_KEEPALIVE]);
	fn(ctx, "keepalive_out", out[RAE_MSG_KEEPALIVE]);
	fn(ctx, "update_in", in[RAE_MSG_UPDATE]);
	fn(ctx, "update_out", out[RAE_MSG_UPDATE]);
	fn(ctx, "withdraw_in", in[RAE_MSG_WITHDRAW]);
	fn(ctx, "withdraw_out", out[RAE_MSG_WITHDRAW]);
	fn(ctx, "prefixes_in", pin);
	fn(ctx, "prefixes_out", pout);
	fn(ctx, "withdrawn_in", win);
	fn(ctx, "withdrawn_out", wout);
	fn(ctx, "paths_looped", r->paths_looped);
	fn(ctx, "paths_unusable", r->paths_unusable);
	fn(ctx, "rib_prefixes", r->rib.count);
	fn(ctx, "rib_own_prefixes", r->nlocal);
	fn(ctx, "rib_paths", r->rib.npaths);
	fn(ctx, "rib_preferred", npref);
	fn(ctx, "rib_aspaths", g_hash_table_size(r->rib.aspaths));
	fn(ctx, "rib_attrs", g_hash_table_size(r->rib.attrs));
	fn(ctx, "rib_bytes", rae_rib_memory(&r->rib));
	fn(ctx, "bytes_in", r->bytes_in);
	fn(ctx, "bytes_out", r->bytes_out);
	fn(ctx, "cme_requests", r->cme.requests);
	fn(ctx, "cme_path_inf", r->cme.path_inf);
	fn(ctx, "cme_replies", r->cme.replies);
	fn(ctx, "cme_restarts", r->cme.restarts);
	fn(ctx, "cme_full_reports", r->cme.full_reports);
	fn(ctx, "last_change_ns", r->last_change == RAE_NEVER ? 0 : (uint64_t)r->last_change);
}

static void
rae_dump(struct entity *e, FILE *out)
{
	struct rae *r = (struct rae *)e;

	if (r->cfg)
		rae_config_dump(r->cfg, out);
}

static void
rae_fini(struct entity *e)
{
	struct rae *r = (struct rae *)e;

	if (r->rib_ready) {
		for (unsigned i = 0; i < r->cfg->npeers; i++) {
			g_ptr_array_free(r->peers[i].fresh, TRUE);
			g_ptr_array_free(r->peers[i].deferred, TRUE);
			rae_framer_fini(&r->peers[i].fr);
		}
		g_ptr_array_free(r->cme.q, TRUE);
		rae_framer_fini(&r->cme.fr);
		rae_rib_fini(&r->rib);
		rae_pbarena_fini(&r->rx);
		g_free(r->local);
	}
	rae_config_free(r->cfg);
	g_free(r->config_path);
}

static const char *const rae_aliases[] = { "rae", NULL };

const struct entity_class rae_class = {
	.name      = "usr.rae.Rae",
	.aliases   = rae_aliases,
	.kind      = "rae",
	.usage     = RAE_USAGE,
	.inst_size = sizeof(struct rae),
	.init      = rae_init,		/* arguments, the configuration file */
	.start     = rae_start,		/* listen, connect to peers and the CME */
	.stop      = rae_stop,		/* drop every session, log the RIB */
	.stats     = rae_stats,
	.dump      = rae_dump,
	.fini      = rae_fini,
};

/* ---- rae_tool: the operator's commands ---- */

/*
 *   rae_tool announce <prefix>   the domain now has this prefix
 *   rae_tool withdraw <prefix>   the domain no longer has it
 *   rae_tool report              log the RIB now
 *
 * Run with ON_ROUTER on a node whose RAE is running (it finds it as the
 * node's "rae" extension, as cf_tool finds the CAFE).  An announced
 * prefix is advertised with the provisioning whose sink covers it; the
 * CME gets the domain's ProvInf again.
 */
struct rae_tool {
	struct entity e;
	int cmd;		/* 0 announce, 1 withdraw, 2 report */
	struct prefix pfx;
};

static int
rae_tool_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	struct rae_tool *t = (struct rae_tool *)e;
	static const char *const cmds[] = { "announce", "withdraw", "report" };

	if (argc < 1)
		return entity_err(err, errlen, "missing command (usage: %s)", e->cls->usage);
	for (t->cmd = 0; t->cmd < 3; t->cmd++)
		if (strcmp(argv[0], cmds[t->cmd]) == 0)
			break;
	if (t->cmd == 3)
		return entity_err(err, errlen, "unknown command \"%s\" (usage: %s)", argv[0],
				  e->cls->usage);
	if (t->cmd == 2) {
		if (argc != 1)
			return entity_err(err, errlen, "report takes no argument");
		return 0;
	}
	if (argc != 2)
		return entity_err(err, errlen, "%s takes one prefix", argv[0]);
	{
		struct addr a;
		uint8_t len;

		if (addr_plen_parse(argv[1], &a, &len) < 0 || !strchr(argv[1], '/'))
			return entity_err(err, errlen, "\"%s\" is not a prefix", argv[1]);
		t->pfx.addr = a;
		t->pfx.len = len;
		addr_mask(&a, len);
		if (!addr_eq(&a, &t->pfx.addr))
			return entity_err(err, errlen, "%s has bits set beyond the prefix length",
					  argv[1]);
	}
	return 0;
}

static void
rae_tool_start(struct entity *e)
{
	struct rae_tool *t = (struct rae_tool *)e;
	struct rae *r = node_ext_get(e->node, RAE_EXT);
	struct rae_dest *d;
	char a[ADDR_STRLEN];

	if (!r || !r->e.running) {
		entity_log(e, LOG_ERROR, "no RAE is running on %s", e->node->name);
		return;
	}
	prefix_fmt(&t->pfx, a);
	if (t->cmd == 2) {
		rae_report(r);
		return;
	}
	d = t->cmd == 0 ? rae_rib_get(&r->rib, &t->pfx) : rae_rib_lookup(&r->rib, &t->pfx);
	if (t->cmd == 0 && !(d->flags & RAE_DEST_LOCAL)) {
		d->flags |= RAE_DEST_LOCAL;
		r->local = g_renew(struct rae_dest *, r->local, r->nlocal + 1);
		r->local[r->nlocal++] = d;
		entity_log(e, LOG_INFO, "announcing %s", a);
		dest_changed(r, d);
		if (r->cme.state == CS_UP)
			cme_send_prov(r, false);
	} else if (t->cmd == 1 && d && (d->flags & RAE_DEST_LOCAL)) {
		size_t i;

		for (i = 0; i < r->nlocal && r->local[i] != d; i++)
			;
		memmove(r->local + i, r->local + i + 1, (r->nlocal - i - 1) * sizeof(*r->local));
		r->nlocal--;
		d->flags &= (uint8_t)~RAE_DEST_LOCAL;
		entity_log(e, LOG_INFO, "withdrawing %s", a);
		r->last_change = rae_now(r);
		for (unsigned k = 0; k < r->cfg->npeers; k++)
			if (r->peers[k].state == PS_ESTABLISHED)
				peer_enqueue(&r->peers[k], d);
		rae_rib_release(&r->rib, d);
		if (r->cme.state == CS_UP)
			cme_send_prov(r, false);
	} else {
		entity_log(e, LOG_WARN, "%s is %s an own prefix: nothing to do", a,
			   t->cmd == 0 ? "already" : "not");
	}
}

const struct entity_class rae_tool_class = {
	.name      = "rae_tool",
	.kind      = "rae_tool",
	.usage     = "announce <prefix> | withdraw <prefix> | report",
	.inst_size = sizeof(struct rae_tool),
	.init      = rae_tool_init,	/* the command and its prefix */
	.start     = rae_tool_start,	/* carried out on the node's RAE */
};
