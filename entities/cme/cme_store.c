/*
 * cme_store.c - the CME's path store (doc/cme.md, "The CME's path
 * store"; doc/rae.md, "The RAE-CME interface"): what the RAEs report,
 * kept as it came.
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
 * cme.c (the RAE connections, the entity) fills it and logs it; the
 * request service (cme_serve.c) reads it through cme_store_lookup() and
 * cme_store_domain().  This file calls neither of them.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "entities/cme/cme_int.h"

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

void
cme_store_init(struct cme *c)
{
	c->routes = g_hash_table_new_full(key_hash, key_equal, g_free,
					  (GDestroyNotify)g_bytes_unref);
	c->domains = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, domain_free);
}

void
cme_store_clear(struct cme *c)
{
	g_hash_table_remove_all(c->routes);
	g_hash_table_remove_all(c->domains);
}

void
cme_store_fini(struct cme *c)
{
	if (c->routes)
		g_hash_table_destroy(c->routes);
	if (c->domains)
		g_hash_table_destroy(c->domains);
}

/* ---- filling it ---- */

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

void
cme_store_apply(struct cme *c, const Comet__Cmerae__GenericRequest *g)
{
	uint32_t as = g->as_number;

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


/* ---- reading it ---- */

const GBytes *
cme_store_lookup(struct cme *c, uint32_t as, const struct addr *a, struct prefix *pfx)
{
	struct cme_key k;
	int max = a->af == ADDR_V6 ? 128 : 32;

	for (int len = max; len >= 0; len--) {
		GBytes *b;

		memset(&k, 0, sizeof(k));
		k.as = as;
		k.pfx.addr = *a;
		k.pfx.len = (uint8_t)len;
		addr_mask(&k.pfx.addr, k.pfx.len);
		b = g_hash_table_lookup(c->routes, &k);
		if (b) {
			*pfx = k.pfx;
			return b;
		}
	}
	return NULL;
}

const struct cme_domain *
cme_store_domain(struct cme *c, uint32_t as)
{
	return g_hash_table_lookup(c->domains, GUINT_TO_POINTER(as));
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

void
cme_store_log(struct cme *c)
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
