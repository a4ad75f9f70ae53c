/*
 * pathstore.c - the receiving end of the RAE-CME interface, shared by the
 * CME and the CRME (pathstore.h; doc/rae.md, "The CME's path store" and
 * doc/curling.md, "The RAE feeds the CRME").
 *
 * Per (AS of the reporting RAE, prefix) the store keeps the PathInf last
 * received, packed; an empty PathInf removes the entry.  Per AS it keeps
 * the prefixes and the provisioning table of ProvInf: a request marked
 * `full` first forgets everything of its AS; a ProvInf marked `first`
 * replaces the prefixes and the table, the ones after it add prefixes (a
 * long list comes in several requests).  The log of the store is here
 * too: a summary per AS, and one line per entry if there are at most
 * `report` of them.
 *
 * The connections: every connection carries GenericRequests from one
 * RAE (type 16 of the 5-byte framing, cmerae.proto), each applied and
 * answered by a Reply (type 17) with the sequence number of the request
 * and the store's version, which its owner sets (the virtual time at
 * which it started, plus one).  A request that cannot be decoded closes
 * its connection (RST), logged and counted.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "entities/pathstore.h"

static guint
key_hash(gconstpointer k)
{
	const struct ps_key *x = k;
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
	const struct ps_key *x = a, *y = b;

	return x->as == y->as && x->pfx.len == y->pfx.len && addr_eq(&x->pfx.addr, &y->pfx.addr);
}

static void
domain_free(gpointer p)
{
	struct ps_domain *d = p;

	g_array_free(d->prefixes, TRUE);
	g_ptr_array_free(d->prov, TRUE);
	g_free(d);
}

static void
pathstore_init_tables(struct pathstore *ps)
{
	ps->routes = g_hash_table_new_full(key_hash, key_equal, g_free,
					  (GDestroyNotify)g_bytes_unref);
	ps->domains = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, domain_free);
}

void
pathstore_clear(struct pathstore *ps)
{
	g_hash_table_remove_all(ps->routes);
	g_hash_table_remove_all(ps->domains);
	ps->npaths = 0;
}

static void
pathstore_fini_tables(struct pathstore *ps)
{
	if (ps->routes)
		g_hash_table_destroy(ps->routes);
	if (ps->domains)
		g_hash_table_destroy(ps->domains);
}

/* ---- filling it ---- */

static struct ps_domain *
ps_domain_get(struct pathstore *ps, uint32_t as)
{
	struct ps_domain *d = g_hash_table_lookup(ps->domains, GUINT_TO_POINTER(as));

	if (!d) {
		d = g_new0(struct ps_domain, 1);
		d->as = as;
		d->prefixes = g_array_new(FALSE, FALSE, sizeof(struct prefix));
		d->prov = g_ptr_array_new_with_free_func((GDestroyNotify)g_bytes_unref);
		g_hash_table_insert(ps->domains, GUINT_TO_POINTER(as), d);
	}
	return d;
}

bool
pathstore_prefix_of(const Comet__Rae__Config__Prefix *p, struct prefix *out)
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
	return ((struct ps_key *)k)->as == GPOINTER_TO_UINT(ctx);
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

void
pathstore_apply(struct pathstore *ps, const Comet__Cmerae__GenericRequest *g)
{
	uint32_t as = g->as_number;

	ps->last_change = sim_now(ps->e->node->net->sim);
	if (g->has_full && g->full) {
		ps->full_reports++;
		g_hash_table_foreach_remove(ps->routes, route_of_as, GUINT_TO_POINTER(as));
		g_hash_table_remove(ps->domains, GUINT_TO_POINTER(as));
		ps->npaths = 0;
		g_hash_table_foreach(ps->routes, count_paths, &ps->npaths);
		entity_log(ps->e, LOG_INFO, "full report from AS %" PRIu32 ": its entries are "
			   "cleared", as);
	}
	if (g->prov_inf) {
		const Comet__Cmerae__ProvInf *pi = g->prov_inf;
		struct ps_domain *d = ps_domain_get(ps, as);

		ps->prov_inf++;
		if (pi->has_first && pi->first) {
			g_array_set_size(d->prefixes, 0);
			g_ptr_array_set_size(d->prov, 0);
		}
		for (size_t i = 0; i < pi->n_prefixes; i++) {
			struct prefix p;

			if (pathstore_prefix_of(pi->prefixes[i], &p))
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
		struct ps_key key, *k;
		GBytes *old;
		size_t n;
		uint8_t *b;

		key.as = as;
		memset(&key.pfx, 0, sizeof(key.pfx));
		if (!pathstore_prefix_of(pi->prefix, &key.pfx))
			continue;
		ps->path_inf++;
		old = g_hash_table_lookup(ps->routes, &key);
		if (old) {
			uint64_t before = 0;

			count_paths(NULL, old, &before);
			ps->npaths -= before;
		}
		if (pi->n_paths == 0) {
			ps->unreachable++;
			g_hash_table_remove(ps->routes, &key);
			continue;
		}
		n = comet__cmerae__path_inf__get_packed_size(pi);
		b = g_malloc(n);
		comet__cmerae__path_inf__pack(pi, b);
		k = g_memdup2(&key, sizeof(key));
		g_hash_table_replace(ps->routes, k, g_bytes_new_take(b, n));
		ps->npaths += pi->n_paths;
	}
}


/* ---- reading it ---- */

const GBytes *
pathstore_lookup(const struct pathstore *ps, uint32_t as, const struct addr *a, struct prefix *pfx)
{
	struct ps_key k;
	int max = a->af == ADDR_V6 ? 128 : 32;

	for (int len = max; len >= 0; len--) {
		GBytes *b;

		memset(&k, 0, sizeof(k));
		k.as = as;
		k.pfx.addr = *a;
		k.pfx.len = (uint8_t)len;
		addr_mask(&k.pfx.addr, k.pfx.len);
		b = g_hash_table_lookup(ps->routes, &k);
		if (b) {
			*pfx = k.pfx;
			return b;
		}
	}
	return NULL;
}

const struct ps_domain *
pathstore_domain(const struct pathstore *ps, uint32_t as)
{
	return g_hash_table_lookup(ps->domains, GUINT_TO_POINTER(as));
}

/* ---- the report ---- */

static int
key_cmp(const void *x, const void *y)
{
	const struct ps_key *a = *(const struct ps_key *const *)x;
	const struct ps_key *b = *(const struct ps_key *const *)y;
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
	else if (e && pathstore_prefix_of(e->prefix, &p))
		snprintf(buf, size, "%s", prefix_fmt(&p, a));
	else
		snprintf(buf, size, "?");
}

void
pathstore_log(const struct pathstore *ps)
{
	guint nr = g_hash_table_size(ps->routes), nd = g_hash_table_size(ps->domains);
	struct ps_key **keys = (struct ps_key **)g_hash_table_get_keys_as_array(ps->routes, NULL);
	uint32_t *ases = g_new(uint32_t, nd + 1);
	GHashTableIter it;
	gpointer k;
	guint i = 0;

	entity_log(ps->e, LOG_INFO, "store: %u prefixes with paths, %" PRIu64 " paths, %u "
		   "domains; %" PRIu64 " requests, %" PRIu64 " path_inf, %" PRIu64 " prov_inf, %"
		   PRIu64 " full reports, %" PRIu64 " malformed", nr, ps->npaths, nd, ps->requests,
		   ps->path_inf, ps->prov_inf, ps->full_reports, ps->malformed);
	g_hash_table_iter_init(&it, ps->domains);
	while (g_hash_table_iter_next(&it, &k, NULL))
		ases[i++] = GPOINTER_TO_UINT(k);
	qsort(ases, nd, sizeof(*ases), u32_cmp);
	for (i = 0; i < nd; i++) {
		struct ps_domain *d = g_hash_table_lookup(ps->domains, GUINT_TO_POINTER(ases[i]));
		char line[1024], a[ADDR_STRLEN];

		entity_log(ps->e, LOG_INFO, "prov_inf AS %" PRIu32 ": %u prefixes, %u provisioning "
			   "entries", d->as, d->prefixes->len, d->prov->len);
		for (guint j = 0; j < d->prefixes->len && d->prefixes->len <= ps->report; j++)
			entity_log(ps->e, LOG_INFO, "prov_inf AS %" PRIu32 " prefix %s", d->as,
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
			entity_log(ps->e, LOG_INFO, "%s", line);
			comet__rae__config__provisioning__free_unpacked(pv, NULL);
		}
	}
	g_free(ases);
	if (nr <= ps->report)
		qsort(keys, nr, sizeof(*keys), key_cmp);
	for (i = 0; i < nr && nr <= ps->report; i++) {
		gsize len;
		const uint8_t *b = g_bytes_get_data(g_hash_table_lookup(ps->routes, keys[i]), &len);
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
			entity_log(ps->e, LOG_INFO, "%s", line);
		}
		comet__cmerae__path_inf__free_unpacked(pi, NULL);
	}
	g_free(keys);
}

unsigned
pathstore_prefixes(const struct pathstore *ps)
{
	return g_hash_table_size(ps->routes);
}

unsigned
pathstore_domains(const struct pathstore *ps)
{
	return g_hash_table_size(ps->domains);
}

/* ---- the RAEs' connections ---- */

void
pathstore_init(struct pathstore *ps, struct entity *e, uint32_t report)
{
	ps->e = e;
	ps->report = report;
	ps->conns = g_ptr_array_new();
	pathstore_init_tables(ps);
	rae_pbarena_init(&ps->rx);
}

static void
conn_close(struct ps_conn *cn, bool abort)
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
		if (!cn->ps->stopping || !cn->ps->e->node->up) {
			if (abort)
				tcp_abort(s);
			else
				tcp_close(s);
		}
	}
	rae_framer_fini(&cn->fr);
}

static void
send_reply(struct ps_conn *cn, uint64_t seq)
{
	Comet__Cmerae__Reply r = COMET__CMERAE__REPLY__INIT;
	GByteArray *b = g_byte_array_new();

	r.has_version = 1;
	r.version = cn->ps->version;
	r.has_sequence = 1;
	r.sequence = seq;
	rae_frame_append(b, RAE_MSG_CME_REPLY, &r.base);
	tcp_send(cn->sock, b->data, b->len);
	g_byte_array_free(b, TRUE);
}

static void
conn_recv(struct tcp_sock *s, void *ctx, const uint8_t *data, size_t len)
{
	struct ps_conn *cn = ctx;
	struct pathstore *ps = cn->ps;
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
		const Comet__Cmerae__GenericRequest *g;

		if (type == RAE_MSG_CME_REQUEST)
			m = rae_msg_decode(type, body, blen, &ps->rx, why, sizeof(why));
		else
			snprintf(why, sizeof(why), "message type %u is not a GenericRequest", type);
		if (!m) {
			rc = -1;
			break;
		}
		g = (const Comet__Cmerae__GenericRequest *)m;
		ps->requests++;
		entity_log(ps->e, LOG_DEBUG, "%s: request %" PRIu64 " from AS %" PRIu32
			   ": %zu path_inf%s%s", cn->peer, g->sequence, g->as_number,
			   g->n_path_inf, g->prov_inf ? ", prov_inf" : "",
			   g->has_full && g->full ? ", full" : "");
		cn->as = g->as_number;
		pathstore_apply(ps, g);
		send_reply(cn, g->sequence);
		if (ps->applied)
			ps->applied(ps->ctx, g);
		if (cn->sock != s)
			return;		/* the owner reset it */
	}
	if (rc < 0) {
		ps->malformed++;
		entity_log(ps->e, LOG_WARN, "%s: %s: connection reset", cn->peer, why);
		conn_close(cn, true);
	}
}

static void
conn_eof(struct tcp_sock *s, void *ctx)
{
	struct ps_conn *cn = ctx;

	if (cn->sock == s)
		conn_close(cn, false);
}

static void
conn_closed(struct tcp_sock *s, void *ctx, enum tcp_close_reason why)
{
	struct ps_conn *cn = ctx;

	if (cn->sock != s)
		return;
	cn->sock = NULL;
	rae_framer_fini(&cn->fr);
	entity_log(cn->ps->e, LOG_INFO, "%s: connection closed", cn->peer);
}

static const struct tcp_callbacks conn_cbs = {
	.recv = conn_recv,
	.eof = conn_eof,
	.closed = conn_closed,
};

static void
on_accept(struct tcp_sock *l, struct tcp_sock *conn, void *ctx)
{
	struct pathstore *ps = ctx;
	struct ps_conn *cn = g_new0(struct ps_conn, 1);
	struct addr la, ra;
	uint16_t lp, rp;
	char a[ADDR_STRLEN];

	tcp_endpoints(conn, &la, &lp, &ra, &rp);
	cn->ps = ps;
	cn->sock = conn;
	rae_framer_init(&cn->fr);
	snprintf(cn->peer, sizeof(cn->peer), "RAE %s:%u", addr_fmt(&ra, a), rp);
	g_ptr_array_add(ps->conns, cn);
	ps->connections++;
	tcp_set_callbacks(conn, &conn_cbs, cn);
	entity_log(ps->e, LOG_INFO, "%s: connected", cn->peer);
}

bool
pathstore_listen(struct pathstore *ps, uint16_t port)
{
	ps->stopping = false;
	ps->listener = tcp_listen(ps->e->node, port, on_accept, ps);
	return ps->listener != NULL;
}

void
pathstore_reset_conns(struct pathstore *ps, bool log)
{
	for (guint i = 0; i < ps->conns->len; i++) {
		struct ps_conn *cn = g_ptr_array_index(ps->conns, i);

		if (cn->sock) {
			conn_close(cn, true);
			if (log)
				entity_log(ps->e, LOG_INFO, "%s: connection reset", cn->peer);
		}
	}
}

void
pathstore_stop(struct pathstore *ps)
{
	ps->stopping = true;
	for (guint i = 0; i < ps->conns->len; i++)
		conn_close(g_ptr_array_index(ps->conns, i), true);
	if (ps->listener) {
		tcp_unlisten(ps->listener);
		ps->listener = NULL;
	}
}

void
pathstore_fini(struct pathstore *ps)
{
	if (ps->conns) {
		for (guint i = 0; i < ps->conns->len; i++) {
			struct ps_conn *cn = g_ptr_array_index(ps->conns, i);

			rae_framer_fini(&cn->fr);
			g_free(cn);
		}
		g_ptr_array_free(ps->conns, TRUE);
		ps->conns = NULL;
	}
	pathstore_fini_tables(ps);
	ps->routes = ps->domains = NULL;
	rae_pbarena_fini(&ps->rx);
}
