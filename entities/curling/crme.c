/*
 * crme.c - usr.curling.Crme: the CRME of the coupled approach, the parts
 * that concern content delivery (D4.3 sections 6.3.1-6.3.3): resolving
 * a Consume hop by hop towards the content's source while installing
 * state in the ingress and egress CAFEs of its domain, the ActiveSessions
 * table, and route optimisation.
 *
 *   usr.curling.Crme myport nProviders <providerCRMEaddr>...
 *       [nPeers <peerCRMEaddr>...] [ro=on|off] [ro_hold=DURATION] [prefix=PREFIX]
 *       [as=N] [rae=PORT] [nbr_as=CRME:AS,...] [cos=N] [rae_report=N] [routes=on|off]
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
 *   routes        the BGP-like table: by default the preferred paths its
 *                 domain's RAE reports (rae=PORT, crme_rae.c); with
 *                 routes=on domain prefix (/24) -> neighbour CRME,
 *                 learned from Routes messages (path vector, valley-free
 *                 export, customer > peer > provider, then the shorter
 *                 path, then the lower address)
 *   contents      ContentID -> local server, or the neighbour CRME its
 *                 Publish came from (or route optimisation chose)
 *   ActiveSessions ContentID -> ingress CAFE, egress CAFEs, the branch
 *                 towards each requester, the upstream CRME or server
 * Content resolution follows the publication: Publish messages climb
 * from a server's CRME to its providers, so a Consume climbs the
 * provider hierarchy until a CRME has a record, then goes towards the
 * server: along the RAE's preferred path to the server's prefix if the
 * RAE has one, else down the records.  The messages are in curling.h and
 * doc/curling.md; the log kind is "crme".
 *
 * This file is the entity (arguments, start, stop, statistics, dump),
 * the input dispatch, locCAFE and nextHopCrmes (Announce, Routes from a
 * neighbour) and the content records with their publication; the
 * routing table is crme_route.c's, ActiveSessions crme_session.c's
 * (crme_int.h).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "entities/curling/crme_int.h"
#include "sim/units.h"

#define CRME_USAGE "myport nProviders <providerCRMEaddr>... [nPeers <peerCRMEaddr>...] " \
		   "[ro=on|off] [ro_hold=DURATION] [prefix=PREFIX] [as=N] [rae=PORT] " \
		   "[nbr_as=CRME:AS,...] [cos=N] [rae_report=N] [routes=on|off]"
#define DEFAULT_RO_HOLD	(100 * SIM_MS)

const char *
crme_rel_name(enum rel r)
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

/* ---- small helpers ---- */

struct nbr *
crme_nbr_find(struct crme *r, uint32_t crme)
{
	for (guint i = 0; i < r->nbrs->len; i++) {
		struct nbr *n = g_ptr_array_index(r->nbrs, i);

		if (n->crme == crme)
			return n;
	}
	return NULL;
}

static struct loc_cafe *
loc_find(struct crme *r, uint32_t addr, uint16_t port)
{
	for (guint i = 0; i < r->loc->len; i++) {
		struct loc_cafe *l = &g_array_index(r->loc, struct loc_cafe, i);

		if (l->h.addr == addr && (port == 0 || l->h.port == port))
			return l;
	}
	return NULL;
}

bool
crme_loc_known(struct crme *r, uint32_t addr, uint16_t port)
{
	return loc_find(r, addr, port) != NULL;
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

void
crme_send(struct crme *r, uint32_t addr, uint16_t port, const struct cmsg *m)
{
	curling_send(r->sock, addr, port, m);
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

		g_string_append_printf(g, " %s (%s) via %s", fa(n->crme, a), crme_rel_name(n->rel),
				       fa(n->cafe.addr, b));
		g_string_append_printf(g, "->%s:%u;", fa(n->nbr_cafe.addr, a), n->nbr_cafe.port);
	}
	entity_log(&r->e, LOG_INFO, "CRME %s: nextHopCrmes:%s", r->self_str, g->str);
	g_string_free(g, TRUE);
}

/* ---- contents and publication ---- */

struct content *
crme_content_find(struct crme *r, const char *id)
{
	return g_hash_table_lookup(r->content_by_id, id);
}

struct content *
crme_content_add(struct crme *r, const char *id)
{
	struct content *c = crme_content_find(r, id);

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
	crme_send(r, crme, r->port, &m);
}

/*
 * Whether record c goes to neighbour n: to every provider, and from a
 * CRME without providers (a tier-1 domain's) to its peers too, the
 * project's extension (doc/curling.md, 7.7): D4.3's records climb to the
 * top of one hierarchy, and a top domain that peers with others would
 * not find what is published below them.  A record heard from a peer
 * goes nowhere (valley-free, as a route learned from a peer), nor back
 * where it came from.
 */
static bool
publish_goes(const struct crme *r, const struct content *c, const struct nbr *n)
{
	const struct nbr *via = c->via ? crme_nbr_find((struct crme *)r, c->via) : NULL;

	if (n->crme == c->via || (via && via->rel == REL_PEER))
		return false;
	return n->rel == REL_PROVIDER || (n->rel == REL_PEER && r->nprov == 0);
}

/* A record goes to every neighbour publish_goes() says. */
static void
publish_up(struct crme *r, const struct content *c)
{
	for (guint i = 0; i < r->nbrs->len; i++) {
		const struct nbr *n = g_ptr_array_index(r->nbrs, i);

		if (publish_goes(r, c, n))
			publish_to(r, c, n->crme);
	}
}

static void
process_publish(struct crme *r, const struct cmsg *m, uint32_t from, uint16_t sport)
{
	struct nbr *n = crme_nbr_find(r, from);
	struct content *c = crme_content_find(r, m->id);
	char a[CURLING_ADDRLEN], b[CURLING_ADDRLEN];

	r->publishes++;
	if (m->src_cafe.addr) {
		/* From a server of ours: record it, acknowledge, publish upwards. */
		struct cmsg ack;

		memset(&ack, 0, sizeof(ack));
		ack.type = CMSG_ACK;
		ack.acked_type = CMSG_PUBLISH;
		ack.token = m->token;
		crme_send(r, from, sport, &ack);
		if (c && c->local && hop_eq(&c->server, &m->src))
			return;
		c = crme_content_add(r, m->id);
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
	c = crme_content_add(r, m->id);
	c->server = m->src;
	c->size = m->size;
	c->via = from;
	entity_log(&r->e, LOG_INFO, "CRME %s: content %s is reachable via CRME %s",
		   r->self_str, c->id, fa(from, a));
	publish_up(r, c);
}


/* ---- neighbours, and the input ---- */

/*
 * processAnnounce(): a local CAFE and its inter-domain links enter
 * locCAFE and nextHopCrmes; a new neighbour gets our routes and, if it
 * is a provider, our content records.  Always acknowledged, part by
 * part: a CAFE with more links than one Announce holds sends several,
 * each adding its links to those of the others.
 */
static void
process_announce(struct crme *r, const struct cmsg *m, uint32_t from, uint16_t sport)
{
	struct cmsg ack;
	struct loc_cafe *loc;
	bool changed = false, new_nbr = false;

	memset(&ack, 0, sizeof(ack));
	ack.type = CMSG_ACK;
	ack.acked_type = CMSG_ANNOUNCE;
	ack.token = m->token;
	ack.part = m->part;
	crme_send(r, from, sport, &ack);
	if (!(loc = loc_find(r, m->cafe.addr, m->cafe.port))) {
		struct loc_cafe l = { .h = m->cafe };

		g_array_append_val(r->loc, l);
		loc = &g_array_index(r->loc, struct loc_cafe, r->loc->len - 1);
		changed = true;
	}
	if (!(loc->parts[m->part / 32] & (1u << (m->part % 32)))) {
		loc->parts[m->part / 32] |= 1u << (m->part % 32);
		loc->nlinks += m->nlinks;
	}
	for (unsigned i = 0; i < m->nlinks; i++) {
		struct nbr *n;

		if (crme_nbr_find(r, m->links[i].crme))
			continue;
		n = g_new0(struct nbr, 1);
		n->crme = m->links[i].crme;
		n->cafe = m->cafe;
		n->nbr_cafe.addr = m->links[i].cafe;
		n->nbr_cafe.port = m->links[i].cafe_port;
		n->rel = rel_of(r, n->crme);
		g_ptr_array_add(r->nbrs, n);
		changed = new_nbr = true;
		crme_routes_send(r, n);
		for (guint k = 0; k < r->contents->len; k++) {
			const struct content *c = g_ptr_array_index(r->contents, k);

			if (publish_goes(r, c, n))
				publish_to(r, c, n->crme);
		}
	}
	if (changed)
		log_loc(r);
	if (new_nbr)
		crme_rib_recompute(r);
}

/* Whether a Routes message says what a neighbour's last one said (its paths' used entries). */
static bool
routes_same(const GArray *old, const struct cmsg *m)
{
	if (old->len != m->nroutes)
		return false;
	for (unsigned i = 0; i < m->nroutes; i++) {
		const struct cmsg_route *a = &g_array_index(old, struct cmsg_route, i);
		const struct cmsg_route *b = &m->routes[i];

		if (a->prefix != b->prefix || a->plen != b->plen || a->npath != b->npath ||
		    memcmp(a->path, b->path, sizeof(a->path[0]) * a->npath) != 0)
			return false;
	}
	return true;
}

/*
 * A neighbour's Routes replace what it said before; the table is
 * recomputed unless they say the same (the recomputation would find the
 * table unchanged and send nothing: skipping it changes no output).
 */
static void
process_routes(struct crme *r, const struct cmsg *m, uint32_t from)
{
	struct nbr *n = crme_nbr_find(r, from);
	bool same;

	r->routes_in++;
	if (!n) {
		stats_drop(&r->cnt, r->r_unexpected);
		return;
	}
	/* The same routes as its last message: the table cannot change. */
	same = !r->routes || (n->routes && routes_same(n->routes, m));
	if (r->routes && !n->routes)
		n->routes = g_array_new(FALSE, FALSE, sizeof(struct cmsg_route));
	if (!same) {
		g_array_set_size(n->routes, 0);
		g_array_append_vals(n->routes, m->routes, m->nroutes);
	}
	if (!n->heard) {
		/* Its first word: it may have missed ours if it started later. */
		n->heard = true;
		crme_routes_send(r, n);
		if (n->rel == REL_PROVIDER)
			for (guint k = 0; k < r->contents->len; k++) {
				const struct content *c = g_ptr_array_index(r->contents, k);

				if (c->via != n->crme)
					publish_to(r, c, n->crme);
			}
	}
	if (!same)
		crme_rib_recompute(r);
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
		crme_process_consume(r, m, from);
		break;
	case CMSG_CONSUME_REPLY:
		crme_process_reply(r, m, from);
		break;
	case CMSG_NOTIFY:
		crme_process_notify(r, m, from, sport);
		break;
	case CMSG_RELEASE:
		crme_process_release(r, m, from);
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
parse_group(char **argv, int argc, int *pos, const char *what, uint32_t **out,
	    unsigned *n, char *err, size_t errlen)
{
	unsigned k;

	if (curling_parse_count(what, argv[*pos], 0, CURLING_MAX_LINKS, &k, err, errlen) < 0)
		return -1;
	(*pos)++;
	g_free(*out);
	*out = g_new0(uint32_t, k ? k : 1);
	for (unsigned i = 0; i < k; i++, (*pos)++) {
		if (*pos >= argc || strchr(argv[*pos], '='))
			return entity_err(err, errlen, "%s is %u but only %u address%s follow%s",
					  what, k, i, i == 1 ? "" : "es", i == 1 ? "s" : "");
		if (curling_parse_addr(argv[*pos], &(*out)[i]) < 0)
			return entity_err(err, errlen, "\"%s\" is not a CRME address", argv[*pos]);
	}
	*n = k;
	return 0;
}

/*
 * nbr_as=CRME:AS[,CRME:AS...]: the AS number of each neighbour CRME, so
 * that the next AS of an RAE path names the CRME to go to.  A CRME once,
 * an AS once, AS 1..4294967295.
 */
static int
parse_nbr_as(struct crme *r, const char *v, char *err, size_t errlen)
{
	gchar **items;
	int rc = 0;

	if (!*v)
		return entity_err(err, errlen, "nbr_as: an empty list (CRME:AS,...)");
	items = g_strsplit(v, ",", -1);
	g_free(r->nas_addr);
	g_free(r->nas_as);
	r->nnas = 0;
	r->nas_addr = g_new0(uint32_t, g_strv_length(items) + 1);
	r->nas_as = g_new0(uint32_t, g_strv_length(items) + 1);
	for (unsigned i = 0; items[i] && rc == 0; i++) {
		char *colon = strrchr(items[i], ':'), *end;
		uint32_t a;
		unsigned long long as;

		if (!colon) {
			rc = entity_err(err, errlen, "nbr_as: \"%s\" is not CRME:AS (2.1:2)",
					items[i]);
			break;
		}
		*colon = '\0';
		if (curling_parse_addr(items[i], &a) < 0) {
			rc = entity_err(err, errlen, "nbr_as: \"%s\" is not a CRME address",
					items[i]);
			break;
		}
		as = strtoull(colon + 1, &end, 10);
		if (!colon[1] || *end || colon[1] == '-' || colon[1] == '+' || as < 1 ||
		    as > UINT32_MAX) {
			rc = entity_err(err, errlen, "nbr_as: AS \"%s\" of %s is not a number from "
					"1 to 4294967295", colon + 1, items[i]);
			break;
		}
		for (unsigned k = 0; k < r->nnas && rc == 0; k++)
			if (r->nas_addr[k] == a || r->nas_as[k] == (uint32_t)as)
				rc = entity_err(err, errlen, "nbr_as: %s %s is given twice",
						r->nas_addr[k] == a ? "CRME" : "AS",
						r->nas_addr[k] == a ? items[i] : colon + 1);
		r->nas_addr[r->nnas] = a;
		r->nas_as[r->nnas++] = (uint32_t)as;
	}
	g_strfreev(items);
	return rc;
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
	if (parse_group(argv, argc, &pos, "nProviders", &r->prov, &r->nprov, err, errlen) < 0)
		return -1;
	if (pos < argc && !strchr(argv[pos], '=') &&
	    parse_group(argv, argc, &pos, "nPeers", &r->peer, &r->npeer, err, errlen) < 0)
		return -1;
	r->ro = true;
	r->ro_hold = DEFAULT_RO_HOLD;
	for (int first = pos; pos < argc; pos++) {
		if (strchr(argv[pos], '=') && curling_opt_once(argv, first, pos, err, errlen) < 0)
			return -1;
		if (strcmp(argv[pos], "ro=on") == 0)
			r->ro = true;
		else if (strcmp(argv[pos], "ro=off") == 0)
			r->ro = false;
		else if (strncmp(argv[pos], "ro_hold=", 8) == 0) {
			if (units_duration("ro_hold", argv[pos] + 8, 0, 0, SIM_TIME_LIMIT, &r->ro_hold,
					   err, errlen) < 0)
				return -1;
		} else if (strncmp(argv[pos], "as=", 3) == 0) {
			uint64_t v;

			if (units_uint("as", argv[pos] + 3, 1, UINT32_MAX, &v, err, errlen) < 0)
				return -1;
			r->asn = (uint32_t)v;
		} else if (strcmp(argv[pos], "routes=on") == 0) {
			r->routes = true;
		} else if (strcmp(argv[pos], "routes=off") == 0) {
			r->routes = false;
		} else if (strncmp(argv[pos], "rae=", 4) == 0) {
			if (curling_parse_port("rae", argv[pos] + 4, &r->rae_port, err, errlen) < 0)
				return -1;
		} else if (strncmp(argv[pos], "rae_report=", 11) == 0) {
			uint64_t v;

			if (units_uint("rae_report", argv[pos] + 11, 1, UINT32_MAX, &v, err,
				       errlen) < 0)
				return -1;
			r->rae_report = (uint32_t)v;
		} else if (strncmp(argv[pos], "cos=", 4) == 0) {
			uint64_t v;

			if (units_uint("cos", argv[pos] + 4, 1, UINT32_MAX, &v, err, errlen) < 0)
				return -1;
			r->cos = (uint32_t)v;
		} else if (strncmp(argv[pos], "nbr_as=", 7) == 0) {
			if (parse_nbr_as(r, argv[pos] + 7, err, errlen) < 0)
				return -1;
		} else if (strncmp(argv[pos], "prefix=", 7) == 0) {
			struct prefix p;

			if (prefix_parse(argv[pos] + 7, &p) < 0 || p.addr.af != ADDR_V4)
				return entity_err(err, errlen, "prefix=%s: not an IPv4 prefix "
						  "(10.1.0.0/16)", argv[pos] + 7);
			r->own_prefix = addr_v4_host(&p.addr);
			r->own_plen = p.len;
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
	for (unsigned i = 0; i < r->nprov; i++)
		for (unsigned k = 0; k < i; k++)
			if (r->prov[i] == r->prov[k])
				return entity_err(err, errlen, "provider %s is given twice",
						  curling_fmt_addr(r->prov[i], a));
	for (unsigned i = 0; i < r->npeer; i++)
		for (unsigned k = 0; k < i; k++)
			if (r->peer[i] == r->peer[k])
				return entity_err(err, errlen, "peer %s is given twice",
						  curling_fmt_addr(r->peer[i], a));
	if (r->cos && !r->rae_port)
		return entity_err(err, errlen, "cos= without rae=PORT: it picks the class of the "
				  "RAE's paths the CRME follows");
	if (r->rae_report && !r->rae_port)
		return entity_err(err, errlen, "rae_report= without rae=PORT: it logs the paths "
				  "the RAE reported");
	for (unsigned k = 0; k < r->nnas && r->asn; k++)
		if (r->nas_as[k] == r->asn)
			return entity_err(err, errlen, "nbr_as: AS %" PRIu32 " is the CRME's own "
					  "(as=%" PRIu32 "), not a neighbour's", r->asn, r->asn);
	if (r->routes && r->rae_port)
		return entity_err(err, errlen, "rae=%u and routes=on exclude each other: the "
				  "routing table is the RAE's or the Routes protocol's", r->rae_port);
	if (r->nnas && !r->rae_port)
		return entity_err(err, errlen, "nbr_as= without rae=PORT: the neighbours' AS "
				  "numbers serve only to follow an RAE's paths");
	if (curling_port_claim(e->node_name, r->port, e) < 0)
		return entity_err(err, errlen, "port %u on %s is already used by another "
				  "curling entity", r->port, e->node_name);
	if (r->rae_port && curling_tcp_port_claim(e->node_name, r->rae_port, e) < 0)
		return entity_err(err, errlen, "rae=%u: TCP port %u on %s is already another "
				  "CRME's", r->rae_port, r->rae_port, e->node_name);
	r->loc = g_array_new(FALSE, FALSE, sizeof(struct loc_cafe));
	r->nbrs = g_ptr_array_new();
	r->rib = g_array_new(FALSE, FALSE, sizeof(struct rib_route));
	r->contents = g_ptr_array_new();
	r->content_by_id = g_hash_table_new(g_str_hash, g_str_equal);
	r->sessions = g_ptr_array_new();
	r->session_by_id = g_hash_table_new(g_str_hash, g_str_equal);
	crme_rae_init(r);
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
	for (unsigned i = 0; i < r->nnas; i++) {
		addrs[n] = r->nas_addr[i];
		roles[n++] = "nbr_as CRME";
	}
	return n;
}

static int
crme_check(struct entity *e, const struct entity_scope *sc, char *err, size_t errlen)
{
	struct crme *r = (struct crme *)e;
	uint32_t *addrs = g_new(uint32_t, r->nprov + r->npeer + r->nnas + 1);
	const char **roles = g_new(const char *, r->nprov + r->npeer + r->nnas + 1);
	unsigned n = crme_addrs(r, addrs, roles);
	int rc;

	r->addrs_checked = true;
	rc = curling_check_known(addrs, roles, n, sc->addr_known, sc->ctx, err, errlen);
	g_free(addrs);
	g_free(roles);
	return rc;
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
	curling_sock_source(r->sock, e->node);
	if (!r->sock) {
		entity_log(e, LOG_ERROR, "CRME %s: cannot bind UDP port %u: in use", r->self_str,
			   r->port);
		return;
	}
	entity_log(e, LOG_INFO, "CRME %s: listening on port %u, %u provider%s, %u peer%s%s%s",
		   r->self_str, r->port, r->nprov, r->nprov == 1 ? "" : "s", r->npeer,
		   r->npeer == 1 ? "" : "s", r->ro ? "" : ", route optimisation off",
		   r->routes ? ", Routes protocol" : r->rae_port ? "" :
		   ", no RAE: resolution by the records alone, no route optimisation");
	crme_rae_start(r);
	if (!r->addrs_checked) {
		uint32_t *addrs = g_new(uint32_t, r->nprov + r->npeer + r->nnas + 1);
		const char **roles = g_new(const char *, r->nprov + r->npeer + r->nnas + 1);
		unsigned n = crme_addrs(r, addrs, roles);
		char who[CURLING_ADDRLEN + 8];

		snprintf(who, sizeof(who), "CRME %s", r->self_str);
		r->unknown_addrs = curling_check_addrs(e, who, addrs, roles, n);
		g_free(addrs);
		g_free(roles);
	}
	crme_rib_recompute(r);
}

static void
crme_stop(struct entity *e)
{
	struct crme *r = (struct crme *)e;

	crme_sessions_stop(r);
	crme_rae_stop(r);
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
	if (r->rae_port) {
		fn(ctx, "rae_version", r->ps.version);
		fn(ctx, "rae_connections", r->ps.connections);
		fn(ctx, "rae_requests", r->ps.requests);
		fn(ctx, "rae_path_inf", r->ps.path_inf);
		fn(ctx, "rae_full_reports", r->ps.full_reports);
		fn(ctx, "rae_malformed", r->ps.malformed);
		fn(ctx, "rae_prefixes", pathstore_prefixes(&r->ps));
		fn(ctx, "rae_paths", r->ps.npaths);
		fn(ctx, "rae_lookups", r->rae_lookups);
		fn(ctx, "rae_misses", r->rae_misses);
		fn(ctx, "rae_resolved", r->rae_resolved);
	}
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

		fprintf(out, "nextHopCrme %s %s via %s", fa(n->crme, a), crme_rel_name(n->rel),
			fa(n->cafe.addr, b));
		fprintf(out, " -> %s:%u\n", fa(n->nbr_cafe.addr, a), n->nbr_cafe.port);
	}
	for (guint i = 0; i < r->rib->len; i++) {
		const struct rib_route *x = &g_array_index(r->rib, struct rib_route, i);

		fprintf(out, "route %s/%u via %s %s hops %u\n", fa(x->prefix, a), x->plen,
			x->via ? fa(x->via, b) : "-", crme_rel_name(x->rel), x->npath);
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
	crme_rae_fini(r);
	g_free(r->nas_addr);
	g_free(r->nas_as);
	r->nas_addr = r->nas_as = NULL;
	g_free(r->prov);
	g_free(r->peer);
	r->prov = r->peer = NULL;
	if (r->nbrs) {
		for (guint i = 0; i < r->nbrs->len; i++) {
			struct nbr *n = g_ptr_array_index(r->nbrs, i);

			if (n->routes)
				g_array_free(n->routes, TRUE);
			g_free(n);
		}
		g_ptr_array_free(r->nbrs, TRUE);
	}
	if (r->rib)
		g_array_free(r->rib, TRUE);
	if (r->sessions) {
		while (r->sessions->len)
			crme_session_free(r, g_ptr_array_index(r->sessions, 0));
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

