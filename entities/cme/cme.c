/*
 * cme.c - usr.cme.Cme (alias cme): the CME's path store, the receiving
 * end of the RAE-CME interface (D4.3 section 4.2.3), and the entity's
 * hooks; the request service (content requests, the decision, the CAFE
 * agents, expired streams) is in cme_serve.c, doc/cme.md describes both.
 *
 *   usr.cme.Cme <port> [report=N] [config=FILE]
 *
 * Listens on <port>; every connection carries GenericRequests from one
 * RAE (type 16 of the 5-byte framing, cmerae.proto), each answered by a
 * Reply (type 17) with the sequence number of the request and the CME's
 * version: the virtual time in ns at which this instance started, plus
 * one, so that a CME started again has another version and its RAEs send
 * everything again.
 *
 * The store keeps, per (AS of the reporting RAE, prefix), the PathInf
 * last received, packed as it came; an empty PathInf removes the entry.
 * Per AS it keeps the prefixes and the provisioning table of ProvInf: a
 * request marked `full` first forgets everything of its AS; a ProvInf
 * marked `first` replaces the prefixes and the table, the ones after it
 * add prefixes (a long list comes in several requests).  At the
 * end (stop) the store is logged: a summary per AS, and one line per
 * entry if there are at most `report` of them (default 1000).  A request
 * that cannot be decoded closes its connection (RST), logged and counted.
 * With config=FILE (a <cme-config>, cme_config.c) the CME also serves
 * content requests.
 *
 *   cme_tool restart | report
 *
 * acts on the node's running CME at the tool's time: `restart` does what a
 * CME process started again would (its connections to RAEs and agents
 * reset, its store and answered requests forgotten, a new version: the
 * virtual time plus one), `report` logs the store now.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "entities/cme/cme_int.h"
#include "sim/units.h"

#define CME_USAGE "<port> [report=N] [config=FILE]"
#define CME_DEFAULT_REPORT 1000
#define CME_EXT "cme"		/* the node's CME, for cme_tool */

static guint
key_hash(gconstpointer k)
{
	const struct cme_key *x = k;
	uint64_t a, b, h;

	memcpy(&a, x->pfx.addr.a, 8);
	memcpy(&b, x->pfx.addr.a + 8, 8);
	h = a * 0x9e3779b97f4a7c15ULL ^ b * 0xc2b2ae3d27d4eb4fULL ^
	    ((uint64_t)x->as << 8 | x->pfx.len) * 0x165667b19e3779f9ULL;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (guint)h;
}

static gboolean
key_equal(gconstpointer a, gconstpointer b)
{
	const struct cme_key *x = a, *y = b;

	return x->as == y->as && x->pfx.len == y->pfx.len && addr_eq(&x->pfx.addr, &y->pfx.addr);
}

static void
domain_free(gpointer p)
{
	struct cme_domain *d = p;

	g_array_free(d->prefixes, TRUE);
	g_ptr_array_free(d->prov, TRUE);
	g_free(d);
}

static int
cme_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	struct cme *c = (struct cme *)e;
	uint64_t v;

	if (argc < 1) {
		snprintf(err, errlen, "missing <port> (usage: %s)", CME_USAGE);
		return -1;
	}
	if (units_uint("port", argv[0], 1, 65535, &v, err, errlen) < 0)
		return -1;
	c->port = (uint16_t)v;
	c->report = CME_DEFAULT_REPORT;
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "report=", 7) == 0) {
			if (units_uint("report", argv[i] + 7, 0, UINT32_MAX, &v, err, errlen) < 0)
				return -1;
			c->report = (uint32_t)v;
		} else if (strncmp(argv[i], "config=", 7) == 0 && argv[i][7]) {
			g_free(c->config_path);
			c->config_path = g_strdup(argv[i] + 7);
		} else {
			snprintf(err, errlen, "unknown argument \"%s\" (usage: %s)", argv[i],
				 CME_USAGE);
			return -1;
		}
	}
	c->conns = g_ptr_array_new();
	c->routes = g_hash_table_new_full(key_hash, key_equal, g_free,
					  (GDestroyNotify)g_bytes_unref);
	c->domains = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, domain_free);
	rae_pbarena_init(&c->rx);
	return c->config_path ? cme_serve_init(c, err, errlen) : 0;
}

static int
cme_check(struct entity *e, const struct entity_scope *sc, char *err, size_t errlen)
{
	struct cme *c = (struct cme *)e;

	return c->cfg ? cme_serve_check(c, sc->addr_known, sc->ctx, err, errlen) : 0;
}

static struct cme_domain *
cme_domain(struct cme *c, uint32_t as)
{
	struct cme_domain *d = g_hash_table_lookup(c->domains, GUINT_TO_POINTER(as));

	if (!d) {
		d = g_new0(struct cme_domain, 1);
		d->as = as;
		d->prefixes = g_array_new(FALSE, FALSE, sizeof(struct prefix));
		d->prov = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
		g_hash_table_insert(c->domains, GUINT_TO_POINTER(as), d);
	}
	return d;
}

bool
cme_prefix_of(const Comet__Rae__Config__Prefix *p, struct prefix *out)
{
	struct addr m;

	if (!p || !p->ip_address || addr_parse(p->ip_address, &out->addr) < 0)
		return false;
	out->len = (uint8_t)p->prefix_length;
	m = out->addr;
	addr_mask(&m, out->len);
	return addr_eq(&m, &out->addr);
}

static gboolean
route_of_as(gpointer k, gpointer v, gpointer ctx)
{
	return ((struct cme_key *)k)->as == GPOINTER_TO_UINT(ctx);
}

static void
count_paths(gpointer k, gpointer v, gpointer ctx)
{
	Comet__Cmerae__PathInf *pi;
	gsize len;
	const uint8_t *b = g_bytes_get_data(v, &len);

	pi = comet__cmerae__path_inf__unpack(NULL, len, b);
	if (pi) {
		*(uint64_t *)ctx += pi->n_paths;
		comet__cmerae__path_inf__free_unpacked(pi, NULL);
	}
}

/* Apply one request to the store. */
static void
cme_apply(struct cme *c, struct cme_conn *cn, const Comet__Cmerae__GenericRequest *g)
{
	uint32_t as = g->as_number;

	cn->as = as;
	c->last_change = sim_now(c->e.node->net->sim);
	if (g->has_full && g->full) {
		c->full_reports++;
		g_hash_table_foreach_remove(c->routes, route_of_as, GUINT_TO_POINTER(as));
		g_hash_table_remove(c->domains, GUINT_TO_POINTER(as));
		c->npaths = 0;
		g_hash_table_foreach(c->routes, count_paths, &c->npaths);
		entity_log(&c->e, LOG_INFO, "full report from AS %" PRIu32 ": its entries are "
			   "cleared", as);
	}
	if (g->prov_inf) {
		const Comet__Cmerae__ProvInf *pi = g->prov_inf;
		struct cme_domain *d = cme_domain(c, as);

		c->prov_inf++;
		if (pi->has_first && pi->first) {
			g_array_set_size(d->prefixes, 0);
			g_ptr_array_set_size(d->prov, 0);
		}
		for (size_t i = 0; i < pi->n_prefixes; i++) {
			struct prefix p;

			if (cme_prefix_of(pi->prefixes[i], &p))
				g_array_append_val(d->prefixes, p);
		}
		if (pi->n_provisioning_table) {
			g_ptr_array_set_size(d->prov, 0);
			for (size_t i = 0; i < pi->n_provisioning_table; i++) {
				size_t n = comet__rae__config__provisioning__get_packed_size(
					pi->provisioning_table[i]);
				uint8_t *b = g_malloc(n ? n : 1);

				comet__rae__config__provisioning__pack(pi->provisioning_table[i], b);
				g_ptr_array_add(d->prov, g_bytes_new_take(b, n));
			}
		}
	}
	for (size_t i = 0; i < g->n_path_inf; i++) {
		const Comet__Cmerae__PathInf *pi = g->path_inf[i];
		struct cme_key key, *k;
		GBytes *old;
		size_t n;
		uint8_t *b;

		key.as = as;
		memset(&key.pfx, 0, sizeof(key.pfx));
		if (!cme_prefix_of(pi->prefix, &key.pfx))
			continue;
		c->path_inf++;
		old = g_hash_table_lookup(c->routes, &key);
		if (old) {
			uint64_t before = 0;

			count_paths(NULL, old, &before);
			c->npaths -= before;
		}
		if (pi->n_paths == 0) {
			c->unreachable++;
			g_hash_table_remove(c->routes, &key);
			continue;
		}
		n = comet__cmerae__path_inf__get_packed_size(pi);
		b = g_malloc(n);
		comet__cmerae__path_inf__pack(pi, b);
		k = g_memdup2(&key, sizeof(key));
		g_hash_table_replace(c->routes, k, g_bytes_new_take(b, n));
		c->npaths += pi->n_paths;
	}
}

static void
cme_conn_close(struct cme_conn *cn, bool abort)
{
	struct tcp_sock *s = cn->sock;

	cn->sock = NULL;
	if (s) {
		tcp_set_callbacks(s, NULL, NULL);
		/*
		 * At the end of the run (stopping on a node that is up) the stack
		 * frees the socket; a RST to a peer on the same node would stay
		 * in a pending event.
		 */
		if (!cn->c->stopping || !cn->c->e.node->up) {
			if (abort)
				tcp_abort(s);
			else
				tcp_close(s);
		}
	}
	rae_framer_fini(&cn->fr);
}

static void
cme_reply(struct cme_conn *cn, uint64_t seq)
{
	Comet__Cmerae__Reply r = COMET__CMERAE__REPLY__INIT;
	GByteArray *b = g_byte_array_new();

	r.has_version = 1;
	r.version = cn->c->version;
	r.has_sequence = 1;
	r.sequence = seq;
	rae_frame_append(b, RAE_MSG_CME_REPLY, &r.base);
	tcp_send(cn->sock, b->data, b->len);
	g_byte_array_free(b, TRUE);
}

static void
cme_tcp_recv(struct tcp_sock *s, void *ctx, const uint8_t *data, size_t len)
{
	struct cme_conn *cn = ctx;
	struct cme *c = cn->c;
	const uint8_t *body;
	unsigned type;
	size_t blen;
	char why[512];
	int rc;

	if (cn->sock != s)
		return;
	rae_framer_push(&cn->fr, data, len);
	while ((rc = rae_framer_next(&cn->fr, &type, &body, &blen, why, sizeof(why))) == 1) {
		struct ProtobufCMessage *m = NULL;

		if (type == RAE_MSG_CME_REQUEST)
			m = rae_msg_decode(type, body, blen, &c->rx, why, sizeof(why));
		else
			snprintf(why, sizeof(why), "message type %u is not a GenericRequest", type);
		if (!m) {
			rc = -1;
			break;
		}
		{
			const Comet__Cmerae__GenericRequest *g =
				(const Comet__Cmerae__GenericRequest *)m;

			c->requests++;
			entity_log(&c->e, LOG_DEBUG, "%s: request %" PRIu64 " from AS %" PRIu32
				   ": %zu path_inf%s%s", cn->peer, g->sequence, g->as_number,
				   g->n_path_inf, g->prov_inf ? ", prov_inf" : "",
				   g->has_full && g->full ? ", full" : "");
			cme_apply(c, cn, g);
			cme_reply(cn, g->sequence);
		}
	}
	if (rc < 0) {
		c->malformed++;
		entity_log(&c->e, LOG_WARN, "%s: %s: connection reset", cn->peer, why);
		cme_conn_close(cn, true);
	}
}

static void
cme_tcp_eof(struct tcp_sock *s, void *ctx)
{
	struct cme_conn *cn = ctx;

	if (cn->sock == s)
		cme_conn_close(cn, false);
}

static void
cme_tcp_closed(struct tcp_sock *s, void *ctx, enum tcp_close_reason why)
{
	struct cme_conn *cn = ctx;

	if (cn->sock != s)
		return;
	cn->sock = NULL;
	rae_framer_fini(&cn->fr);
	entity_log(&cn->c->e, LOG_INFO, "%s: connection closed", cn->peer);
}

static const struct tcp_callbacks cme_cbs = {
	.recv = cme_tcp_recv,
	.eof = cme_tcp_eof,
	.closed = cme_tcp_closed,
};

static void
cme_accept(struct tcp_sock *l, struct tcp_sock *conn, void *ctx)
{
	struct cme *c = ctx;
	struct cme_conn *cn = g_new0(struct cme_conn, 1);
	struct addr la, ra;
	uint16_t lp, rp;
	char a[ADDR_STRLEN];

	tcp_endpoints(conn, &la, &lp, &ra, &rp);
	cn->c = c;
	cn->sock = conn;
	rae_framer_init(&cn->fr);
	snprintf(cn->peer, sizeof(cn->peer), "RAE %s:%u", addr_fmt(&ra, a), rp);
	g_ptr_array_add(c->conns, cn);
	c->connections++;
	tcp_set_callbacks(conn, &cme_cbs, cn);
	entity_log(&c->e, LOG_INFO, "%s: connected", cn->peer);
}

static void
cme_start(struct entity *e)
{
	struct cme *c = (struct cme *)e;

	c->version = (uint64_t)sim_now(e->node->net->sim) + 1;
	{
		/* One CME a node for cme_tool; a CME started again replaces one that stopped. */
		struct cme *old = node_ext_get(e->node, CME_EXT);

		if (!old || !old->e.running)
			node_ext_replace(e->node, CME_EXT, c, NULL);
	}
	c->listener = tcp_listen(e->node, c->port, cme_accept, c);
	if (!c->listener)
		entity_log(e, LOG_ERROR, "cannot listen on TCP port %u: in use", c->port);
	else
		entity_log(e, LOG_INFO, "path store listening on TCP port %u, version %" PRIu64,
			   c->port, c->version);
	if (c->cfg)
		cme_serve_start(c);
}

/* ---- the report ---- */

static int
key_cmp(const void *x, const void *y)
{
	const struct cme_key *a = *(const struct cme_key *const *)x;
	const struct cme_key *b = *(const struct cme_key *const *)y;
	int r;

	if (a->as != b->as)
		return a->as < b->as ? -1 : 1;
	if (a->pfx.addr.af != b->pfx.addr.af)
		return a->pfx.addr.af < b->pfx.addr.af ? -1 : 1;
	r = memcmp(a->pfx.addr.a, b->pfx.addr.a, 16);
	return r ? r : (int)a->pfx.len - (int)b->pfx.len;
}

static int
u32_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;

	return a < b ? -1 : a > b;
}

static size_t
fmt_classes(char *buf, size_t size, Comet__Rae__Config__ClassEntry **v, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k < size; i++) {
		const Comet__Rae__Config__Metric *m = v[i]->metric;

		k += (size_t)snprintf(buf + k, size - k, " class %" PRIu32 " delay %.9g loss %.9g "
				      "bandwidth %.9g", v[i]->cos_id,
				      m && m->has_maximum_delay ? m->maximum_delay : 0.0,
				      m && m->has_loss_ratio ? m->loss_ratio : 0.0,
				      m && m->has_supported_bandwidth ? m->supported_bandwidth :
				      INFINITY);
	}
	return k;
}

static void
fmt_endpoint(char *buf, size_t size, const Comet__Rae__Config__Endpoint *e)
{
	struct prefix p;
	char a[ADDR_STRLEN];

	if (e && e->endpoint_case == COMET__RAE__CONFIG__ENDPOINT__ENDPOINT_AS_NUMBER)
		snprintf(buf, size, "AS %" PRIu32, e->as_number);
	else if (e && cme_prefix_of(e->prefix, &p))
		snprintf(buf, size, "%s", prefix_fmt(&p, a));
	else
		snprintf(buf, size, "?");
}

static void
cme_log_store(struct cme *c)
{
	guint nr = g_hash_table_size(c->routes), nd = g_hash_table_size(c->domains);
	struct cme_key **keys = (struct cme_key **)g_hash_table_get_keys_as_array(c->routes, NULL);
	uint32_t *ases = g_new(uint32_t, nd + 1);
	GHashTableIter it;
	gpointer k;
	guint i = 0;

	entity_log(&c->e, LOG_INFO, "store: %u prefixes with paths, %" PRIu64 " paths, %u "
		   "domains; %" PRIu64 " requests, %" PRIu64 " path_inf, %" PRIu64 " prov_inf, %"
		   PRIu64 " full reports, %" PRIu64 " malformed", nr, c->npaths, nd, c->requests,
		   c->path_inf, c->prov_inf, c->full_reports, c->malformed);
	g_hash_table_iter_init(&it, c->domains);
	while (g_hash_table_iter_next(&it, &k, NULL))
		ases[i++] = GPOINTER_TO_UINT(k);
	qsort(ases, nd, sizeof(*ases), u32_cmp);
	for (i = 0; i < nd; i++) {
		struct cme_domain *d = g_hash_table_lookup(c->domains, GUINT_TO_POINTER(ases[i]));
		char line[1024], a[ADDR_STRLEN];

		entity_log(&c->e, LOG_INFO, "prov_inf AS %" PRIu32 ": %u prefixes, %u provisioning "
			   "entries", d->as, d->prefixes->len, d->prov->len);
		for (guint j = 0; j < d->prefixes->len && d->prefixes->len <= c->report; j++)
			entity_log(&c->e, LOG_INFO, "prov_inf AS %" PRIu32 " prefix %s", d->as,
				   prefix_fmt(&g_array_index(d->prefixes, struct prefix, j), a));
		for (guint j = 0; j < d->prov->len; j++) {
			gsize len;
			const uint8_t *b = g_bytes_get_data(g_ptr_array_index(d->prov, j), &len);
			Comet__Rae__Config__Provisioning *pv =
				comet__rae__config__provisioning__unpack(NULL, len, b);
			char src[64], sink[64];
			size_t n;

			if (!pv)
				continue;
			fmt_endpoint(src, sizeof(src), pv->source);
			fmt_endpoint(sink, sizeof(sink), pv->sink);
			n = (size_t)snprintf(line, sizeof(line), "prov_inf AS %" PRIu32 " provisioning "
					     "%s -> %s", d->as, src, sink);
			fmt_classes(line + n, sizeof(line) - n, pv->class_table, pv->n_class_table);
			entity_log(&c->e, LOG_INFO, "%s", line);
			comet__rae__config__provisioning__free_unpacked(pv, NULL);
		}
	}
	g_free(ases);
	if (nr <= c->report)
		qsort(keys, nr, sizeof(*keys), key_cmp);
	for (i = 0; i < nr && nr <= c->report; i++) {
		gsize len;
		const uint8_t *b = g_bytes_get_data(g_hash_table_lookup(c->routes, keys[i]), &len);
		Comet__Cmerae__PathInf *pi = comet__cmerae__path_inf__unpack(NULL, len, b);
		char a[ADDR_STRLEN];

		if (!pi)
			continue;
		for (size_t j = 0; j < pi->n_paths; j++) {
			char line[2048];
			size_t n = (size_t)snprintf(line, sizeof(line), "path_inf AS %" PRIu32 " %s "
						    "as_path", keys[i]->as,
						    prefix_fmt(&keys[i]->pfx, a));

			for (size_t h = 0; h < pi->paths[j]->n_as_path && n < sizeof(line); h++)
				n += (size_t)snprintf(line + n, sizeof(line) - n, " %" PRIu32,
						      pi->paths[j]->as_path[h]);
			if (n < sizeof(line))
				fmt_classes(line + n, sizeof(line) - n, pi->paths[j]->class_table,
					    pi->paths[j]->n_class_table);
			entity_log(&c->e, LOG_INFO, "%s", line);
		}
		comet__cmerae__path_inf__free_unpacked(pi, NULL);
	}
	g_free(keys);
}

static void
cme_stop(struct entity *e)
{
	struct cme *c = (struct cme *)e;

	c->stopping = true;
	for (guint i = 0; i < c->conns->len; i++)
		cme_conn_close(g_ptr_array_index(c->conns, i), true);
	if (c->listener) {
		tcp_unlisten(c->listener);
		c->listener = NULL;
	}
	cme_serve_stop(c);
	cme_log_store(c);
}

static void
cme_stats(struct entity *e, entity_stat_fn fn, void *ctx)
{
	struct cme *c = (struct cme *)e;

	fn(ctx, "version", c->version);
	fn(ctx, "connections", c->connections);
	fn(ctx, "requests", c->requests);
	fn(ctx, "path_inf", c->path_inf);
	fn(ctx, "prov_inf", c->prov_inf);
	fn(ctx, "full_reports", c->full_reports);
	fn(ctx, "unreachable", c->unreachable);
	fn(ctx, "malformed", c->malformed);
	fn(ctx, "restarts", c->restarts);
	fn(ctx, "store_prefixes", g_hash_table_size(c->routes));
	fn(ctx, "store_paths", c->npaths);
	fn(ctx, "store_domains", g_hash_table_size(c->domains));
	fn(ctx, "last_change_ns", (uint64_t)c->last_change);
	cme_serve_stats(c, fn, ctx);
}

static void
cme_fini(struct entity *e)
{
	struct cme *c = (struct cme *)e;

	if (c->conns) {
		for (guint i = 0; i < c->conns->len; i++) {
			struct cme_conn *cn = g_ptr_array_index(c->conns, i);

			rae_framer_fini(&cn->fr);
			g_free(cn);
		}
		g_ptr_array_free(c->conns, TRUE);
	}
	if (c->routes)
		g_hash_table_destroy(c->routes);
	if (c->domains)
		g_hash_table_destroy(c->domains);
	rae_pbarena_fini(&c->rx);
	cme_serve_fini(c);
	g_free(c->config_path);
}

static const char *const cme_aliases[] = { "cme", NULL };

const struct entity_class cme_class = {
	.name      = "usr.cme.Cme",
	.aliases   = cme_aliases,
	.kind      = "cme",
	.usage     = CME_USAGE,
	.inst_size = sizeof(struct cme),
	.init      = cme_init,		/* port, report limit, configuration */
	.check     = cme_check,		/* servers and agents are nodes of the scenario */
	.start     = cme_start,		/* listen; the version is the start time */
	.stop      = cme_stop,		/* drop the connections, log the store */
	.stats     = cme_stats,
	.fini      = cme_fini,
};

/* ---- cme_tool: the operator's commands ---- */

struct cme_tool {
	struct entity e;
	bool restart;		/* else report */
};

static int
cme_tool_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	struct cme_tool *t = (struct cme_tool *)e;

	if (argc != 1 || (strcmp(argv[0], "restart") != 0 && strcmp(argv[0], "report") != 0)) {
		snprintf(err, errlen, "%s \"%s\" (usage: %s)", argc ? "unknown command" :
			 "missing command", argc ? argv[0] : "", e->cls->usage);
		return -1;
	}
	t->restart = strcmp(argv[0], "restart") == 0;
	return 0;
}

/*
 * As a CME process started again: the connections reset (the RAEs see a
 * RST and reconnect), the store empty, a new version.  The listener stays
 * (the new process would listen on the same port at once); the counters
 * go on, so that they cover the whole run.
 */
static void
cme_restart(struct cme *c)
{
	uint64_t old = c->version;

	for (guint i = 0; i < c->conns->len; i++) {
		struct cme_conn *cn = g_ptr_array_index(c->conns, i);

		if (cn->sock) {
			cme_conn_close(cn, true);
			entity_log(&c->e, LOG_INFO, "%s: connection reset", cn->peer);
		}
	}
	g_hash_table_remove_all(c->routes);
	g_hash_table_remove_all(c->domains);
	cme_serve_reset(c, "lost its CME (the CME restarted)");
	if (c->reqs)
		g_hash_table_remove_all(c->reqs);
	c->npaths = 0;
	c->restarts++;
	c->last_change = sim_now(c->e.node->net->sim);
	c->version = (uint64_t)c->last_change + 1;
	entity_log(&c->e, LOG_INFO, "restarted: store emptied, version %" PRIu64 " (was %"
		   PRIu64 ")", c->version, old);
}

static void
cme_tool_start(struct entity *e)
{
	struct cme_tool *t = (struct cme_tool *)e;
	struct cme *c = node_ext_get(e->node, CME_EXT);

	if (!c || !c->e.running) {
		entity_log(e, LOG_ERROR, "no CME is running on %s", e->node->name);
		return;
	}
	if (t->restart)
		cme_restart(c);
	else
		cme_log_store(c);
}

const struct entity_class cme_tool_class = {
	.name      = "cme_tool",
	.kind      = "cme_tool",
	.usage     = "restart | report",
	.inst_size = sizeof(struct cme_tool),
	.init      = cme_tool_init,	/* the command */
	.start     = cme_tool_start,	/* carried out on the node's CME */
};
