/*
 * deploy.c - <deploy>: the COMET entities placed on a topology of domains
 * by the loader, from a short description (doc/deploy.md).
 *
 * A deployment is made in two steps of scenario_load():
 *
 *   plan    once the files are read (scenario_xml.c): the ASes of the
 *           topology's domains, their neighbours and business
 *           relationships (from the inter-domain links), the node that
 *           holds each domain's RAE and CME, each domain's prefixes; the
 *           events that start the entities, added to the scenario as
 *           script commands would be, their instances left to make;
 *   finish  once the values are parsed (the links' delays, bandwidths and
 *           losses, overrides included): the configuration files, made
 *           in memory (sim/fileio.h, names "deploy:AS<n>/rae.xml"), then
 *           the instances of the planned events, made and checked as the
 *           replay makes those of the other events.
 *
 * What it generates is kept (s->deploy) so that `cometsim deploy --write`
 * can write it out as ordinary files; nothing else reads it after the
 * load.  Every choice of the defaults is in doc/deploy.md.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libxml/tree.h>

#include "entities/cafe/agent_wire.h"
#include "scenario/deploy_int.h"
#include "scenario/graph.h"

const char *const dep_class_attrs[6] = {
	"delay_aspiration", "delay_reservation", "loss_aspiration", "loss_reservation",
	"bandwidth_aspiration", "bandwidth_reservation",
};

static const char *const place_elems[2] = { "servers", "clients" };

/* ---- the description ---- */

/* The default classes: best effort and premium, as the decoupled scenarios have them. */
static const struct {
	unsigned id;
	const char *cos;
	const char *v[6];
} default_classes[] = {
	{ 1, "BE", { "0.05", "0.2", "1e-4", "0.01", "5e7", "1e6" } },
	{ 2, "PR", { "0.015", "0.03", "1e-5", "0.001", "5e6", "1e6" } },
};

static void
deploy_free_parts(struct scn_deploy *d)
{
	if (d->classes) {
		for (guint i = 0; i < d->classes->len; i++) {
			struct dep_class *c = &g_array_index(d->classes, struct dep_class, i);

			g_free(c->cos);
			for (int k = 0; k < 6; k++)
				g_free(c->v[k]);
		}
		g_array_free(d->classes, TRUE);
	}
	if (d->ases) {
		for (guint i = 0; i < d->ases->len; i++) {
			struct dep_as *a = g_ptr_array_index(d->ases, i);

			g_array_free(a->prefixes, TRUE);
			g_array_free(a->nbrs, TRUE);
			g_free(a);
		}
		g_ptr_array_free(d->ases, TRUE);
	}
	if (d->docs) {
		for (guint i = 0; i < d->docs->len; i++) {
			struct dep_doc *doc = g_ptr_array_index(d->docs, i);

			fileio_mem_remove(doc->name);
			g_free(doc->name);
			g_free(doc->base);
			g_string_free(doc->text, TRUE);
			g_free(doc);
		}
		g_ptr_array_free(d->docs, TRUE);
	}
	if (d->cmds)
		g_ptr_array_free(d->cmds, TRUE);
	if (d->contents)
		g_ptr_array_free(d->contents, TRUE);
	for (int k = 0; k < 2; k++) {
		g_free(d->place[k].where);
		if (d->hosts[k]) {
			for (guint i = 0; i < d->hosts[k]->len; i++)
				g_free(g_ptr_array_index(d->hosts[k], i));
			g_ptr_array_free(d->hosts[k], TRUE);
		}
	}
	scn_workload_fini(&d->wl);
	g_free(d->timers);
	dep_hosts_free(d);
}

void
scn_deploy_free(struct scn_deploy *d)
{
	if (!d)
		return;
	deploy_free_parts(d);
	g_free(d);
}

/*
 * A class's values as the RAE and the CME read them: each level in the
 * grammar of sim/units.c for its kind, an aspiration no worse than its
 * reservation, and cos a class the CAFE agent knows (BE, BTBE, PR).
 */
static int
class_check(struct scn_ld *ld, const struct dep_class *c, const char *file, int line)
{
	static const enum units_level kind[3] = {
		UNITS_LEVEL_DELAY, UNITS_LEVEL_LOSS, UNITS_LEVEL_BANDWIDTH,
	};
	char err[UNITS_ERRLEN];
	double v[6];

	for (int k = 0; k < 6; k++)
		if (units_level(dep_class_attrs[k], c->v[k], kind[k / 2], &v[k], err,
				sizeof(err)) < 0)
			return scn_error(ld, file, line, "<class>: class %u: %s", c->id, err);
	if (v[0] > v[1] || v[2] > v[3] || v[4] < v[5])
		return scn_error(ld, file, line, "<class>: class %u: its %s level is worse than "
				 "its reservation", c->id, v[0] > v[1] ? "delay aspiration" :
				 v[2] > v[3] ? "loss aspiration" : "bandwidth aspiration");
	if (c->cos && cafe_agent_cos_parse(c->cos) < 0)
		return scn_error(ld, file, line, "<class>: class %u: cos \"%s\" is not one the "
				 "CAFE writes (BE, BTBE or PR)", c->id, c->cos);
	return 0;
}

static int
parse_class(struct scn_ld *ld, struct scn_deploy *d, xmlNode *e, const char *file)
{
	int line = (int)xmlGetLineNo(e), rc = 0;
	char err[UNITS_ERRLEN];
	struct dep_class c = { 0 };
	uint64_t id;
	char *s = scn_xml_attr(ld, e, file, "id", &rc);

	if (rc < 0)
		return -1;
	if (!s || units_uint("class id", s, 1, 255, &id, err, sizeof(err)) < 0) {
		g_free(s);
		return scn_error(ld, file, line, "<class>: %s", s ? err : "id is required");
	}
	g_free(s);
	for (guint i = 0; i < d->classes->len; i++)
		if (g_array_index(d->classes, struct dep_class, i).id == id)
			return scn_error(ld, file, line, "<class>: class %" PRIu64 " is given "
					 "twice", id);
	c.id = (unsigned)id;
	c.cos = scn_xml_attr(ld, e, file, "cos", &rc);
	for (int k = 0; k < 6; k++)
		c.v[k] = scn_xml_attr(ld, e, file, dep_class_attrs[k], &rc);
	g_array_append_val(d->classes, c);
	if (rc < 0)
		return -1;
	for (int k = 0; k < 6; k++)
		if (!c.v[k])
			return scn_error(ld, file, line, "<class>: class %u has no %s (a class "
					 "needs the six levels)", c.id, dep_class_attrs[k]);
	return class_check(ld, &c, file, line);
}

static int
parse_place(struct scn_ld *ld, struct dep_place *pl, xmlNode *e, const char *file)
{
	int line = (int)xmlGetLineNo(e), rc = 0;
	char err[UNITS_ERRLEN];
	char *v;
	uint64_t n = 1;

	if (pl->where)
		return scn_error(ld, file, line, "<%s> is given twice (first at line %d)",
				 (const char *)e->name, pl->line);
	pl->file = file;
	pl->line = line;
	pl->where = scn_xml_attr(ld, e, file, "where", &rc);
	if (rc == 0 && !pl->where)
		pl->where = g_strdup("all");
	if (rc == 0 && (v = scn_xml_attr(ld, e, file, "hosts", &rc))) {
		if (units_uint("hosts", v, 1, 1000, &n, err, sizeof(err)) < 0)
			rc = scn_error(ld, file, line, "<%s>: %s", (const char *)e->name, err);
		g_free(v);
	}
	pl->hosts = (unsigned)n;
	n = 10000;
	if (rc == 0 && (v = scn_xml_attr(ld, e, file, "port", &rc))) {
		if (units_uint("port", v, 1, 65535, &n, err, sizeof(err)) < 0)
			rc = scn_error(ld, file, line, "<%s>: %s", (const char *)e->name, err);
		g_free(v);
	}
	pl->port = (unsigned)n;
	if (rc == 0 && (v = scn_xml_attr(ld, e, file, "save", &rc))) {
		if (strcmp(v, "yes") != 0 && strcmp(v, "no") != 0)
			rc = scn_error(ld, file, line, "<%s>: save \"%s\": yes or no",
				       (const char *)e->name, v);
		pl->nosave = strcmp(v, "no") == 0;
		g_free(v);
	}
	return rc < 0 ? -1 : 0;
}

/*
 * The pool of prefixes=: written without host bits (as <domain prefix>
 * is), and clear of the addresses no host may have: "this network"
 * 0.0.0.0/8 (0.0.0.0 is also the engine's unset address), loopback
 * 127.0.0.0/8, and multicast and reserved 224.0.0.0/3.
 */
static int
pool_check(struct scn_ld *ld, const struct scn_deploy *d, const char *v, const char *file,
	   int line)
{
	static const char *const reserved[] = { "0.0.0.0/8", "127.0.0.0/8", "224.0.0.0/3" };
	char b[ADDR_STRLEN + 4];
	struct addr a;
	uint8_t plen;

	if (addr_plen_parse(v, &a, &plen) == 0 && !addr_eq(&a, &d->pool.addr))
		return scn_error(ld, file, line, "<deploy>: prefixes %s: host bits are set (did "
				 "you mean %s?)", v, prefix_fmt(&d->pool, b));
	for (size_t i = 0; i < G_N_ELEMENTS(reserved); i++) {
		struct prefix r;

		prefix_parse(reserved[i], &r);
		if (prefix_contains(&r, &d->pool.addr) || prefix_contains(&d->pool, &r.addr))
			return scn_error(ld, file, line, "<deploy>: prefixes %s overlaps %s, "
					 "whose addresses no host may have", v, reserved[i]);
	}
	return 0;
}

/* Read <deploy> into ld->s->deploy; scn_deploy_plan() uses it once the files are read. */
int
scn_deploy_parse(struct scn_ld *ld, struct _xmlNode *e, const char *file)
{
	struct scn_deploy *d = g_new0(struct scn_deploy, 1);
	char err[UNITS_ERRLEN];
	int line = (int)xmlGetLineNo(e), rc = 0;
	char *approach, *v;
	struct scn_ovr *ovr;
	GString *timers = g_string_new(NULL);

	ld->s->deploy = d;
	d->file = file;
	d->line = line;
	d->limit = 1;
	d->mrai = 1;
	d->classes = g_array_new(FALSE, TRUE, sizeof(struct dep_class));
	d->docs = g_ptr_array_new();
	d->cmds = g_ptr_array_new_with_free_func(g_free);
	/* --set deploy.approach=X replaces the attribute (cometsim run does it for "both"). */
	ovr = ld->ovr_by_name ? g_hash_table_lookup(ld->ovr_by_name, "deploy.approach") : NULL;
	if (ovr) {
		ovr->used = true;
		approach = g_strdup(ovr->value);
	} else {
		approach = scn_xml_attr(ld, e, file, "approach", &rc);
		if (rc < 0)
			goto fail;
	}
	if (approach && strcmp(approach, "both") == 0) {
		d->both = true;
		d->approach = DEP_DECOUPLED;
	} else if (!approach || strcmp(approach, "decoupled") == 0) {
		d->approach = DEP_DECOUPLED;
	} else if (strcmp(approach, "coupled") == 0) {
		d->approach = DEP_COUPLED;
	} else if (strcmp(approach, "none") == 0) {
		d->approach = DEP_NONE;
	} else {
		if (ovr)
			rc = scn_error(ld, NULL, 0, "%s: approach \"%s\" is not known "
				       "(decoupled, coupled, both or none)", ovr->origin, approach);
		else
			rc = scn_error(ld, file, line, "<deploy>: approach \"%s\" is not known "
				       "(decoupled, coupled, both or none)", approach);
		g_free(approach);
		goto fail;
	}
	g_free(approach);
	if ((v = scn_xml_attr(ld, e, file, "start", &rc))) {
		if (units_duration("start", v, 0, 0, SIM_TIME_LIMIT, &d->start, err,
				   sizeof(err)) < 0)
			rc = scn_error(ld, file, line, "<deploy>: %s", err);
		g_free(v);
	}
	for (int k = 0; k < 3 && rc == 0; k++) {
		static const char *const tnames[3] = { "keepalive", "hold", "retry" };
		sim_time_t t;

		if (!(v = scn_xml_attr(ld, e, file, tnames[k], &rc)))
			continue;
		if (units_duration(tnames[k], v, 0, SIM_MS, 3600 * SIM_S, &t, err,
				   sizeof(err)) < 0)
			rc = scn_error(ld, file, line, "<deploy>: %s", err);
		else
			g_string_append_printf(timers, " %s=%s", tnames[k], v);
		g_free(v);
	}
	if (rc == 0 && (v = scn_xml_attr(ld, e, file, "pace", &rc))) {
		uint64_t n;

		/* The RAE checks the value again, with its own bounds, when it is made. */
		if (units_size("pace", v, 0, UINT64_MAX, &n, err, sizeof(err)) < 0)
			rc = scn_error(ld, file, line, "<deploy>: %s", err);
		else
			g_string_append_printf(timers, " pace=%s", v);
		g_free(v);
	}
	if (rc == 0 && (v = scn_xml_attr(ld, e, file, "limit", &rc))) {
		uint64_t n;

		if (units_uint("limit", v, 1, 64, &n, err, sizeof(err)) < 0)
			rc = scn_error(ld, file, line, "<deploy>: %s", err);
		d->limit = (unsigned)n;
		g_free(v);
	}
	if (rc == 0 && (v = scn_xml_attr(ld, e, file, "mrai", &rc))) {
		uint64_t n;

		if (units_uint("mrai", v, 0, 86400, &n, err, sizeof(err)) < 0)
			rc = scn_error(ld, file, line, "<deploy>: %s", err);
		d->mrai = (unsigned)n;
		g_free(v);
	}
	v = rc == 0 ? scn_xml_attr(ld, e, file, "prefixes", &rc) : NULL;
	if (rc == 0 && (prefix_parse(v ? v : DEP_POOL, &d->pool) < 0 ||
			d->pool.addr.af != ADDR_V4 || d->pool.len > 30))
		rc = scn_error(ld, file, line, "<deploy>: prefixes \"%s\" is not an IPv4 "
			       "prefix of length 30 or less", v);
	if (rc == 0 && v)
		rc = pool_check(ld, d, v, file, line);
	g_free(v);
	d->timers = g_string_free(timers, FALSE);
	if (rc == 0)
		rc = dep_hosts_parse(ld, d, e, file);
	if (rc == 0)
		rc = dep_routers_parse(ld, d, e, file);
	d->wl.ncontents = 100;
	d->wl.size_min = d->wl.size_max = 1000000;
	for (xmlNode *c = e->children; c && rc == 0; c = c->next) {
		const char *nm = (const char *)c->name;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp(nm, "class") == 0)
			rc = parse_class(ld, d, c, file);
		else if (strcmp(nm, "servers") == 0)
			rc = parse_place(ld, &d->place[PL_SERVERS], c, file);
		else if (strcmp(nm, "clients") == 0)
			rc = parse_place(ld, &d->place[PL_CLIENTS], c, file);
		else if (strcmp(nm, "catalogue") == 0)
			rc = scn_workload_parse_catalogue(ld, c, file, &d->wl);
		else if (strcmp(nm, "requests") == 0)
			rc = scn_workload_parse_requests(ld, c, file, &d->wl);
		else if (strcmp(nm, "start") == 0)
			rc = dep_start_parse(ld, d, c, file);
		else if (strcmp(nm, "content") == 0)
			rc = dep_content_parse(ld, d, c, file);
		else if (strcmp(nm, "inside") == 0 || strcmp(nm, "links") == 0)
			rc = dep_metric_parse(ld, d, c, file);
	}
	if (rc == 0)
		rc = dep_routers_check(ld, d);
	if (rc == 0)
		rc = dep_hosts_check(ld, d);
	if (rc == 0 && d->wl.requests && (!d->place[PL_SERVERS].where ||
					   !d->place[PL_CLIENTS].where) &&
	    !(d->contents && d->place[PL_CLIENTS].where))
		rc = scn_error(ld, d->wl.file, d->wl.line, "<requests> needs <servers> and "
			       "<clients> in the <deploy>");
	if (rc == 0 && d->approach == DEP_NONE && d->place[PL_SERVERS].where)
		rc = scn_error(ld, d->place[PL_SERVERS].file, d->place[PL_SERVERS].line,
			       "<servers>: the approach \"none\" places the RAEs alone, "
			       "no content");
	if (rc == 0 && d->approach == DEP_NONE && d->place[PL_CLIENTS].where)
		rc = scn_error(ld, d->place[PL_CLIENTS].file, d->place[PL_CLIENTS].line,
			       "<clients>: the approach \"none\" places the RAEs alone, "
			       "no content");
	if (rc == 0 && d->classes->len == 0)
		for (size_t i = 0; i < G_N_ELEMENTS(default_classes); i++) {
			struct dep_class c = { .id = default_classes[i].id };

			c.cos = g_strdup(default_classes[i].cos);
			for (int k = 0; k < 6; k++)
				c.v[k] = g_strdup(default_classes[i].v[k]);
			g_array_append_val(d->classes, c);
		}
	return rc < 0 ? -1 : 0;
fail:
	g_string_free(timers, TRUE);
	return -1;
}

/* ---- the plan ---- */

static gint
nbr_cmp(gconstpointer a, gconstpointer b)
{
	const struct dep_nbr *x = a, *y = b;

	return x->as->asn < y->as->asn ? -1 : x->as->asn > y->as->asn;
}

/* The first IPv4 address of interface ifc. */
static bool
iface_ip(const struct scn_iface *ifc, struct addr *out)
{
	for (guint k = 0; ifc && ifc->addrs && k < ifc->addrs->len; k++) {
		const struct ifaddr *ia = &g_array_index(ifc->addrs, struct ifaddr, k);

		if (ia->addr.af == ADDR_V4) {
			*out = ia->addr;
			return true;
		}
	}
	return false;
}

/* The address an RAE (CRME, CAFE) on n uses: its router id, else its first IPv4 address. */
bool
dep_node_ip(const struct scn_node *n, struct addr *out)
{
	if (!addr_is_unset(&n->router_id) && n->router_id.af == ADDR_V4) {
		*out = n->router_id;
		return true;
	}
	for (guint i = 0; i < n->ifaces->len; i++)
		if (iface_ip(g_ptr_array_index(n->ifaces, i), out))
			return true;
	return false;
}

static char *
pair_of(const char *a, const char *b)
{
	return strcmp(a, b) <= 0 ? g_strconcat(a, "\n", b, NULL) : g_strconcat(b, "\n", a, NULL);
}

/* The domain's prefixes as written in the topology, or one from the pool. */
static int
as_prefixes(struct scn_ld *ld, struct scn_deploy *d, struct dep_as *a, unsigned idx,
	    unsigned plen)
{
	const struct scn_domain *dom = a->dom;
	struct prefix p;

	if (dom->prefixes) {
		char **v = g_strsplit_set(dom->prefixes, " \t", -1);

		for (char **q = v; *q; q++) {
			if (!**q)
				continue;
			if (prefix_parse(*q, &p) < 0) {
				g_strfreev(v);
				return scn_error(ld, dom->file, dom->line, "domain %s: prefix \"%s\" "
						 "is not a prefix", dom->name, *q);
			}
			g_array_append_val(a->prefixes, p);
		}
		g_strfreev(v);
		if (a->prefixes->len)
			return 0;
	}
	p.addr = addr_v4(addr_v4_host(&d->pool.addr) + ((uint32_t)idx << (32 - plen)));
	p.len = (uint8_t)plen;
	g_array_append_val(a->prefixes, p);
	a->pooled = true;
	return 0;
}

/* The domain whose prefix from the pool (of length plen) holds address x, or NULL. */
static const struct dep_as *
pool_owner(const struct scn_deploy *d, unsigned plen, const struct addr *x)
{
	const struct dep_as *a;
	uint64_t idx;

	if (x->af != ADDR_V4 || !prefix_contains(&d->pool, x))
		return NULL;
	idx = (addr_v4_host(x) - addr_v4_host(&d->pool.addr)) >> (32 - plen);
	if (idx >= d->ases->len)
		return NULL;
	a = g_ptr_array_index(d->ases, idx);
	return a->pooled ? a : NULL;
}

/*
 * The prefixes the pool gave must hold no address of the topology (a
 * router id or an interface's): a host's /30 could take it, and the RAEs
 * would announce a domain's prefix over another's address.  The pool's
 * i-th prefix of length plen is that of the i-th domain by AS number.
 */
static int
pool_clash(struct scn_ld *ld, const struct scn_deploy *d, unsigned plen)
{
	const struct scenario *s = ld->s;

	for (guint i = 0; i < s->nodes->len; i++) {
		const struct scn_node *n = g_ptr_array_index(s->nodes, i);
		const struct addr *x = &n->router_id;
		const char *ifname = NULL, *file = n->file;
		int line = n->line;
		const struct dep_as *a = pool_owner(d, plen, x);
		char b[ADDR_STRLEN + 4], c[ADDR_STRLEN];

		for (guint k = 0; !a && k < n->ifaces->len; k++) {
			const struct scn_iface *ifc = g_ptr_array_index(n->ifaces, k);

			for (guint j = 0; !a && ifc->addrs && j < ifc->addrs->len; j++) {
				x = &g_array_index(ifc->addrs, struct ifaddr, j).addr;
				a = pool_owner(d, plen, x);
				ifname = ifc->name;
				file = ifc->file;
				line = ifc->line;
			}
		}
		if (a)
			return scn_error_also(ld, d->file, d->line, file, line, "<deploy>: the "
					      "prefix %s the pool gives domain %s holds the address "
					      "%s of %s%s%s (%s:%d): choose prefixes= clear of the "
					      "topology's addresses", prefix_fmt(&g_array_index(
						      a->prefixes, struct prefix, 0), b), a->dom->name,
					      addr_fmt(x, c), n->name, ifname ? ":" : "",
					      ifname ? ifname : " (its router id)", file, line);
	}
	return 0;
}

static struct dep_as *
as_of_node(GHashTable *by_domain, const struct scenario *s, const char *node)
{
	const struct scn_node *n = g_hash_table_lookup(s->node_by_name, node);

	return n && n->domain ? g_hash_table_lookup(by_domain, n->domain) : NULL;
}

static void
nbr_add(GHashTable *pairs, struct dep_as *a, struct dep_as *b, const struct scn_link *l,
	enum dep_rel rel)
{
	uint64_t key = (uint64_t)a->asn << 32 | b->asn;
	struct dep_nbr nb = { .as = b, .link = l, .rel = rel };

	if (g_hash_table_contains(pairs, &key))
		return;
	g_hash_table_add(pairs, g_memdup2(&key, sizeof(key)));
	g_array_append_val(a->nbrs, nb);
}

/* " N addr...": the number of a's neighbours that take() accepts, and their addresses. */
static void
append_addrs(GString *g, const struct dep_as *a, bool (*take)(enum dep_rel))
{
	unsigned n = 0;
	char b[ADDR_STRLEN];

	for (guint k = 0; k < a->nbrs->len; k++)
		n += take(g_array_index(a->nbrs, struct dep_nbr, k).rel);
	g_string_append_printf(g, " %u", n);
	for (guint k = 0; k < a->nbrs->len; k++) {
		const struct dep_nbr *nb = &g_array_index(a->nbrs, struct dep_nbr, k);

		if (take(nb->rel))
			g_string_append_printf(g, " %s", addr_fmt(&nb->as->ip, b));
	}
}

static bool
is_provider(enum dep_rel r)
{
	return r == REL_PROVIDER;
}

/* Peers of the CRME: peers, and the neighbours without a relationship or siblings. */
static bool
is_peer(enum dep_rel r)
{
	return r == REL_PEER || r == REL_NONE || r == REL_SIBLING;
}

/* The time of each command of cmds that has none yet: t. */
static void
times_fill(GArray *times, const GPtrArray *cmds, sim_time_t t)
{
	while (times->len < cmds->len)
		g_array_append_val(times, t);
}

/* The script commands that start the entities of domain a, and their times. */
static int
domain_cmds(struct scn_ld *ld, const struct scn_deploy *d, const struct dep_as *a,
	    GPtrArray *cmds, GArray *times)
{
	const char *node = a->node->name;
	char b[ADDR_STRLEN + 4];
	int rc = 0;

	if (d->approach == DEP_DECOUPLED && d->contents) {
		dep_hosts_cmds(d, a, cmds);
	} else if (d->approach == DEP_DECOUPLED && a->nsrv) {
		/* The edge of servers: a CAFE intercepting them, its agent, a CME that serves. */
		GString *g = g_string_new(NULL);

		for (guint k = 0; k < d->hosts[PL_SERVERS]->len; k++) {
			const struct dep_host *h = g_ptr_array_index(d->hosts[PL_SERVERS], k);

			if (h->as == a)
				g_string_append_printf(g, "%s%s", g->len ? "," : " intercept=",
						       h->rif);
		}
		g_ptr_array_add(cmds, g_strdup_printf("ON_ROUTER %s cafe%s", node, g->str));
		g_string_free(g, TRUE);
		g_ptr_array_add(cmds, g_strdup_printf("ON_ROUTER %s usr.stateless.CafeAgent",
						      node));
		g_ptr_array_add(cmds, g_strdup_printf("ON_ROUTER %s usr.cme.Cme %d%s "
						      "config=deploy:AS%" PRIu32 "/cme.xml", node,
						      DEP_PORT_CME, d->report ? "" : " report=0",
						      a->asn));
	} else if (d->approach == DEP_DECOUPLED) {
		g_ptr_array_add(cmds, g_strdup_printf("ON_ROUTER %s usr.cme.Cme %d%s",
						      node, DEP_PORT_CME, d->report ? "" : " report=0"));
		if (d->hosts[PL_SERVERS]->len)
			g_ptr_array_add(cmds, g_strdup_printf("ON_ROUTER %s cafe", node));
	} else if (d->approach == DEP_COUPLED) {
		GString *g = g_string_new(NULL);
		unsigned nprov = 0, npeer = 0;

		for (guint k = 0; k < a->nbrs->len; k++) {
			nprov += is_provider(g_array_index(a->nbrs, struct dep_nbr, k).rel);
			npeer += is_peer(g_array_index(a->nbrs, struct dep_nbr, k).rel);
		}
		if (a->nbrs->len > DEP_CURLING_MAX || nprov > DEP_CURLING_MAX ||
		    npeer > DEP_CURLING_MAX) {
			g_string_free(g, TRUE);
			return scn_error(ld, a->dom->file, a->dom->line, "domain %s has %u "
					 "neighbouring ASes (%u providers, %u peers); the coupled "
					 "approach's CAFE and CRME take at most %d of each",
					 a->dom->name, a->nbrs->len, nprov, npeer, DEP_CURLING_MAX);
		}
		if (g_array_index(a->prefixes, struct prefix, 0).addr.af != ADDR_V4) {
			g_string_free(g, TRUE);
			return scn_error_also(ld, a->dom->file, a->dom->line, d->file, d->line,
					      "domain %s: prefix %s is not IPv4, and the coupled "
					      "approach's CRME (<deploy> at line %d) originates the "
					      "domain's first prefix, in IPv4 messages", a->dom->name,
					      prefix_fmt(&g_array_index(a->prefixes, struct prefix, 0),
							 b), d->line);
		}
		g_string_printf(g, "ON_ROUTER %s usr.curling.Crme %d", node, DEP_PORT_CRME);
		append_addrs(g, a, is_provider);
		if (npeer)
			append_addrs(g, a, is_peer);
		g_string_append_printf(g, " prefix=%s as=%" PRIu32,
				       prefix_fmt(&g_array_index(a->prefixes, struct prefix, 0), b),
				       a->asn);
		if (!d->no_rae) {
			/* The domain's RAE feeds the CRME: it names the CRME as its CME. */
			g_string_append_printf(g, " rae=%d", DEP_PORT_CME);
			for (guint k = 0; k < a->nbrs->len; k++) {
				const struct dep_nbr *nb = &g_array_index(a->nbrs, struct dep_nbr, k);

				g_string_append_printf(g, "%s%s:%" PRIu32, k ? "," : " nbr_as=",
						       addr_fmt(&nb->as->ip, b), nb->as->asn);
			}
		}
		g_ptr_array_add(cmds, g_string_free(g, FALSE));
		times_fill(times, cmds, d->t_crme);
		if (d->cafe_routers) {
			rc = dep_routers_cafes(ld, d, a, cmds, times);
			goto rae;
		}
		g = g_string_new(NULL);
		g_string_printf(g, "ON_ROUTER %s usr.curling.Cafe %d %s %d %u", node,
				DEP_PORT_CAFE, addr_fmt(&a->ip, b), DEP_PORT_CRME, a->nbrs->len);
		for (guint k = 0; k < a->nbrs->len; k++) {
			const struct dep_nbr *nb = &g_array_index(a->nbrs, struct dep_nbr, k);

			addr_fmt(&nb->as->ip, b);
			g_string_append_printf(g, " %s %d %s", b, DEP_PORT_CAFE, b);
		}
		g_ptr_array_add(cmds, g_string_free(g, FALSE));
		times_fill(times, cmds, d->t_cafe);
	}
	/* The decoupled data plane: a rule per neighbour, once there is content to carry. */
	for (guint k = 0; d->approach == DEP_DECOUPLED && d->hosts[PL_SERVERS]->len &&
		     k < a->nbrs->len; k++) {
		const struct dep_nbr *nb = &g_array_index(a->nbrs, struct dep_nbr, k);

		g_ptr_array_add(cmds, g_strdup_printf("ON_ROUTER %s cf_tool add_ethernet %02x %s "
						      "peer", node, nb->key, nb->ifname));
	}
rae:
	times_fill(times, cmds, d->start);
	if (rc == 0 && !d->no_rae) {
		g_ptr_array_add(cmds, g_strdup_printf("ON_ROUTER %s usr.rae.Rae deploy:AS%"
						      PRIu32 "/rae.xml%s%s", node, a->asn,
						      d->report ? "" : " report=0", d->timers));
		times_fill(times, cmds, d->t_rae);
	}
	return rc;
}

/*
 * Place the deployment: ASes and neighbours, the node of each RAE, the
 * prefixes, and the events (their instances made by scn_deploy_finish()).
 */
static int
plan_now(struct scn_ld *ld)
{
	struct scenario *s = ld->s;
	struct scn_deploy *d = s->deploy;
	GHashTable *by_domain = g_hash_table_new(g_str_hash, g_str_equal);
	GHashTable *by_asn = g_hash_table_new(g_direct_hash, g_direct_equal);
	GHashTable *pairs = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	GHashTable *node_pairs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	unsigned plen;
	int rc = 0;

	d->ases = g_ptr_array_new();
	if (d->by_id)
		rc = dep_routers_domains(ld, d);
	for (guint i = 0; i < s->domains->len && rc == 0; i++) {
		const struct scn_domain *dom = g_ptr_array_index(s->domains, i);
		char err[UNITS_ERRLEN];
		struct dep_as *a, *other;
		uint64_t asn;

		if (dep_left_out(d, dom->name))
			continue;	/* domains=: not deployed, its links not inter-domain */
		if (!dom->asn) {
			rc = scn_error(ld, dom->file, dom->line, "domain %s has no AS number "
				       "(as=), which <deploy> needs (at %s:%d)", dom->name,
				       d->file, d->line);
			break;
		}
		if (units_uint("AS number", dom->asn, 1, UINT32_MAX, &asn, err,
			       sizeof(err)) < 0) {
			rc = scn_error(ld, dom->file, dom->line, "domain %s: %s", dom->name, err);
			break;
		}
		if ((other = g_hash_table_lookup(by_asn, GUINT_TO_POINTER((guint)asn)))) {
			rc = scn_error_also(ld, dom->file, dom->line, other->dom->file,
					    other->dom->line, "domain %s has AS %" PRIu64 " as "
					    "domain %s does: <deploy> needs one domain per AS",
					    dom->name, asn, other->dom->name);
			break;
		}
		a = g_new0(struct dep_as, 1);
		a->asn = (uint32_t)asn;
		a->dom = dom;
		a->prefixes = g_array_new(FALSE, FALSE, sizeof(struct prefix));
		a->nbrs = g_array_new(FALSE, FALSE, sizeof(struct dep_nbr));
		g_ptr_array_add(d->ases, a);
		g_hash_table_insert(by_domain, dom->name, a);
		g_hash_table_insert(by_asn, GUINT_TO_POINTER((guint)asn), a);
	}
	if (rc == 0 && d->ases->len == 0)
		rc = scn_error(ld, d->file, d->line, "<deploy>: the topology has no domains "
			       "(an imported AS graph has one per AS; a written one needs "
			       "<domain> elements)");
	/* Neighbours, from the topology's links in their order. */
	for (guint i = 0; i < s->links->len && rc == 0; i++) {
		const struct scn_link *l = g_ptr_array_index(s->links, i);
		struct dep_as *x, *y;
		enum dep_rel rx = REL_NONE, ry = REL_NONE;

		if ((l->scripted && !d->by_id) || !l->node[0] || !l->node[1])
			continue;
		x = as_of_node(by_domain, s, l->node[0]);
		y = as_of_node(by_domain, s, l->node[1]);
		if (!x || !y || x == y)
			continue;
		switch (l->rel) {
		case GREL_P2C:
			rx = REL_CUSTOMER;	/* y is x's customer */
			ry = REL_PROVIDER;
			break;
		case GREL_P2P:
			rx = ry = REL_PEER;
			break;
		case GREL_S2S:
			rx = ry = REL_SIBLING;
			break;
		default:
			if (d->c2p) {
				rx = REL_PROVIDER;	/* y is x's provider */
				ry = REL_CUSTOMER;
			}
			break;
		}
		nbr_add(pairs, x, y, l, rx);
		nbr_add(pairs, y, x, l, ry);
	}
	g_ptr_array_sort(d->ases, dep_as_cmp);
	/* The pool's prefixes: a /24 each, or longer ones (up to /30) when the pool is short. */
	plen = d->pool.len > 24 ? d->pool.len : 24;
	while (plen < 30 && (1ull << (plen - d->pool.len)) < d->ases->len)
		plen++;
	if (rc == 0 && (1ull << (plen - d->pool.len)) < d->ases->len) {
		char b[ADDR_STRLEN + 4];

		rc = scn_error(ld, d->file, d->line, "<deploy>: prefixes %s holds too few /%u "
			       "prefixes for %u domains", prefix_fmt(&d->pool, b), plen,
			       d->ases->len);
	}
	for (guint i = 0; i < d->ases->len && rc == 0; i++) {
		struct dep_as *a = g_ptr_array_index(d->ases, i);
		struct scn_node *first = NULL, *border = NULL;

		g_array_sort(a->nbrs, nbr_cmp);
		for (guint k = 0; k < a->nbrs->len; k++)
			g_array_index(a->nbrs, struct dep_nbr, k).key = k + 1;
		rc = as_prefixes(ld, d, a, i, plen);
		/* The RAE's node: the first router of the domain with an inter-domain link. */
		for (guint k = 0; k < a->nbrs->len && !border; k++) {
			const struct scn_link *l = g_array_index(a->nbrs, struct dep_nbr, k).link;

			for (int e = 0; e < 2; e++) {
				struct scn_node *n = g_hash_table_lookup(s->node_by_name, l->node[e]);

				if (n && !n->host && n->domain && strcmp(n->domain, a->dom->name) == 0)
					border = n;
			}
		}
		for (guint k = 0; k < s->nodes->len && !first; k++) {
			struct scn_node *n = g_ptr_array_index(s->nodes, k);

			if ((!n->scripted || d->by_id) && !n->host && n->domain &&
			    strcmp(n->domain, a->dom->name) == 0)
				first = n;
		}
		a->node = border && !d->node_first ? border : first;
		if (rc == 0 && !a->node)
			rc = scn_error(ld, a->dom->file, a->dom->line, "domain %s has no router "
				       "for its RAE", a->dom->name);
		if (rc == 0 && !dep_node_ip(a->node, &a->ip))
			rc = scn_error(ld, a->node->file, a->node->line, "node %s has no IPv4 "
				       "address for the RAE of domain %s", a->node->name,
				       a->dom->name);
	}
	/* Once every domain has its node: the nodes' links to other domains. */
	for (guint i = 0; i < d->ases->len && rc == 0 && d->cafe_routers; i++)
		rc = dep_routers_node_links(ld, d, g_ptr_array_index(d->ases, i));
	if (rc == 0)
		rc = dep_hosts_plan(ld, d);
	if (rc == 0)
		rc = pool_clash(ld, d, plen);
	/* Each pair of neighbouring RAEs talks over a link between their nodes. */
	for (guint i = 0; i < s->links->len && rc == 0 && !d->no_rae; i++) {
		const struct scn_link *l = g_ptr_array_index(s->links, i);

		if (!l->scripted && l->node[0] && l->node[1]) {
			char *key = pair_of(l->node[0], l->node[1]);

			if (g_hash_table_contains(node_pairs, key))
				g_free(key);
			else
				g_hash_table_insert(node_pairs, key, (gpointer)l);
		}
	}
	for (guint i = 0; i < d->ases->len && rc == 0 && !d->no_rae; i++) {
		struct dep_as *a = g_ptr_array_index(d->ases, i);

		for (guint k = 0; k < a->nbrs->len && rc == 0; k++) {
			struct dep_nbr *nb = &g_array_index(a->nbrs, struct dep_nbr, k);
			char *key = pair_of(a->node->name, nb->as->node->name);
			const struct scn_link *l = g_hash_table_lookup(node_pairs, key);
			int me;

			g_free(key);
			if (!l) {
				rc = scn_error(ld, d->file, d->line, "<deploy>: the RAE of domain %s "
					       "(on %s) and that of its neighbour %s (on %s) have no "
					       "link between their nodes", a->dom->name, a->node->name,
					       nb->as->dom->name, nb->as->node->name);
				break;
			}
			me = strcmp(l->node[0], a->node->name) == 0 ? 0 : 1;
			nb->rlink = l;
			nb->ifname = l->ifname[me];
			if (!iface_ip(scn_node_iface(nb->as->node, l->ifname[1 - me]), &nb->peer_ip))
				rc = scn_error(ld, l->file, l->line, "link %s: %s:%s has no IPv4 "
					       "address for the RAE of domain %s", l->name,
					       nb->as->node->name, l->ifname[1 - me], nb->as->dom->name);
		}
	}
	/* The hosts: servers, then clients, in the order of the domains. */
	for (int k = 0; k < 2 && rc == 0; k++) {
		const struct dep_place *pl = &d->place[k];
		bool has_rel = false;
		GPtrArray *doms;

		d->hosts[k] = g_ptr_array_new();
		if (!pl->where)
			continue;
		if (strncmp(pl->where, "node:", 5) == 0) {
			rc = d->approach == DEP_DECOUPLED ? dep_hosts_clients(ld, d) :
				dep_routers_place(ld, d, k);
			continue;
		}
		for (guint i = 0; i < d->ases->len; i++) {
			struct dep_as *a = g_ptr_array_index(d->ases, i);

			a->ncust = a->nprov = 0;
			for (guint j = 0; j < a->nbrs->len; j++) {
				enum dep_rel r = g_array_index(a->nbrs, struct dep_nbr, j).rel;

				a->ncust += r == REL_CUSTOMER;
				a->nprov += r == REL_PROVIDER;
				has_rel |= r != REL_NONE;
			}
		}
		if (!(doms = dep_place_domains(ld, d, pl, place_elems[k], has_rel))) {
			rc = -1;
			break;
		}
		for (guint i = 0; i < doms->len && rc == 0; i++)
			for (unsigned h = 0; h < pl->hosts && rc == 0; h++) {
				struct dep_host *dh = dep_add_host(ld, d, g_ptr_array_index(doms, i),
							       k == PL_SERVERS ? "srv" : "cli",
							       place_elems[k], h, pl);

				if (!dh)
					rc = -1;
				else
					g_ptr_array_add(d->hosts[k], dh);
			}
		g_ptr_array_free(doms, TRUE);
	}
	if (rc == 0)
		rc = d->approach == DEP_DECOUPLED ? dep_hosts_contents(ld, d) :
			dep_routers_contents(ld, d);
	/* Keys are used by the decoupled data plane only, once there are servers. */
	for (guint i = 0; i < d->ases->len && rc == 0 && d->approach == DEP_DECOUPLED &&
		     d->hosts[PL_SERVERS]->len; i++) {
		const struct dep_as *a = g_ptr_array_index(d->ases, i);

		if (a->nbrs->len > DEP_KEYS_MAX)
			rc = scn_error(ld, a->dom->file, a->dom->line, "domain %s has %u "
				       "neighbouring ASes; with servers, the decoupled approach's "
				       "CAFE keys are one byte: at most %d", a->dom->name,
				       a->nbrs->len, DEP_KEYS_MAX);
	}
	if (rc == 0 && d->hosts[PL_SERVERS]->len &&
	    d->wl.ncontents > 1024 * d->hosts[PL_SERVERS]->len)
		rc = scn_error(ld, d->place[PL_SERVERS].file, d->place[PL_SERVERS].line,
			       "<servers>: %u contents for %u servers: a server holds at most "
			       "1024", d->wl.ncontents, d->hosts[PL_SERVERS]->len);
	/*
	 * The events: per domain, its CME (or CRME and CAFEs), then its RAE;
	 * then the servers of the named contents.
	 */
	for (guint i = 0; i <= d->ases->len && rc == 0; i++) {
		GPtrArray *cmds = g_ptr_array_new_with_free_func(g_free);
		GArray *times = g_array_new(FALSE, FALSE, sizeof(sim_time_t));

		if (i < d->ases->len)
			rc = domain_cmds(ld, d, g_ptr_array_index(d->ases, i), cmds, times);
		else
			dep_routers_servers(d, cmds, times);
		for (guint k = 0; k < cmds->len && rc == 0; k++) {
			const char *cmd = g_ptr_array_index(cmds, k);
			sim_time_t at = g_array_index(times, sim_time_t, k);

			rc = scn_script_command(ld, at, cmd, d->file, d->line);
			if (rc == 0) {
				struct scn_event *ev = g_ptr_array_index(s->events,
									 s->events->len - 1);
				char t[32];

				ev->deferred = true;
				g_ptr_array_add(d->cmds, g_strdup_printf(
					"%s %s", units_fmt_duration(at, t, sizeof(t)), cmd));
			}
		}
		g_ptr_array_free(cmds, TRUE);
		g_array_free(times, TRUE);
	}
	g_hash_table_destroy(by_domain);
	g_hash_table_destroy(by_asn);
	g_hash_table_destroy(pairs);
	g_hash_table_destroy(node_pairs);
	return rc < 0 ? -1 : 0;
}

/*
 * Place the deployment: ASes and neighbours, the node of each RAE, the
 * prefixes, and the events (their instances made by scn_deploy_finish()).
 * With domains="d.h" the routers are those the scripts start: the plan
 * waits for the replay, and scn_deploy_finish() makes it.
 */
int
scn_deploy_plan(struct scn_ld *ld)
{
	return ld->s->deploy->by_id ? 0 : plan_now(ld);
}

/* The AS of the domain node n is in, or NULL. */
struct dep_as *
dep_as_of(const struct scn_deploy *d, const struct scn_node *n)
{
	for (guint i = 0; n->domain && i < d->ases->len; i++) {
		struct dep_as *a = g_ptr_array_index(d->ases, i);

		if (strcmp(a->dom->name, n->domain) == 0)
			return a;
	}
	return NULL;
}

/* Add one event made at finish time: a script command at t, its instance made later. */
static int
late_cmd(struct scn_ld *ld, struct scn_deploy *d, sim_time_t t, char *cmd)
{
	char b[32];
	int rc = scn_script_command(ld, t, cmd, d->file, d->line);

	if (rc == 0)
		g_ptr_array_add(d->cmds, g_strdup_printf("%s %s", units_fmt_duration(t, b,
										    sizeof(b)),
							 cmd));
	g_free(cmd);
	return rc;
}

/* Where content c is: the server host (round robin over the servers). */
static const struct dep_host *
server_of(const struct scn_deploy *d, unsigned c)
{
	return g_ptr_array_index(d->hosts[PL_SERVERS], c % d->hosts[PL_SERVERS]->len);
}

/*
 * The events that depend on the run's seed: the contents' sizes, so the
 * servers and the CMEs' catalogues, and the requests.  Then the decoupled
 * data plane: a CAFE on every domain's node with a rule per neighbour,
 * and an agent and a CME configuration where the servers are.
 */
static int
workload_cmds(struct scn_ld *ld, struct scn_deploy *d)
{
	const struct scn_run_opts *ro = &ld->s->ro;
	GPtrArray *srv = d->hosts[PL_SERVERS], *cli = d->hosts[PL_CLIENTS];
	GArray *reqs;
	const char **names;
	char a[ADDR_STRLEN], b[ADDR_STRLEN];
	int rc = 0;

	if (!srv->len && !d->contents)
		return 0;
	if (!d->contents)
		scn_workload_sizes(&d->wl, ro->seed, ro->run);
	for (guint i = 0; d->approach == DEP_DECOUPLED && i < d->ases->len; i++) {
		struct dep_as *x = g_ptr_array_index(d->ases, i);

		if (x->nsrv && d->contents)
			dep_cme_doc_contents(d, x);
		else if (x->nsrv)
			dep_cme_doc(d, x);
	}
	for (guint k = 0; k < srv->len && rc == 0; k++) {
		const struct dep_host *h = g_ptr_array_index(srv, k);
		GString *g = g_string_new(NULL);
		unsigned n = 0;

		for (unsigned c = k; c < d->wl.ncontents; c += srv->len)
			n++;
		addr_fmt(&h->as->ip, a);
		if (d->approach == DEP_DECOUPLED)
			g_string_printf(g, "ON_ROUTER %s usr.cme.Server 8080", h->node->name);
		else
			g_string_printf(g, "ON_ROUTER %s usr.curling.ContentServer 1000 %s %d %s %d %u",
					h->node->name, a, DEP_PORT_CRME, a, DEP_PORT_CAFE, n);
		for (unsigned c = k; c < d->wl.ncontents; c += srv->len)
			g_string_append_printf(g, d->approach == DEP_DECOUPLED ? " c%u=%" PRIu64 :
					       " c%u %" PRIu64, c + 1, d->wl.sizes[c]);
		if (d->approach != DEP_DECOUPLED && d->place[PL_SERVERS].nosave)
			g_string_append(g, " save=no");
		rc = late_cmd(ld, d, d->t_server, g_string_free(g, FALSE));
	}
	if (rc < 0 || !d->wl.requests)
		return rc;
	names = g_new(const char *, cli->len ? cli->len : 1);
	for (guint i = 0; i < cli->len; i++)
		names[i] = ((const struct dep_host *)g_ptr_array_index(cli, i))->node->name;
	reqs = g_array_new(FALSE, FALSE, sizeof(struct scn_request));
	rc = scn_workload_requests(ld, &d->wl, ro->seed, ro->run, names, cli->len, reqs);
	if (rc == 0 && reqs->len == 0)
		scn_warn(d->wl.file, d->wl.line, "<requests>: the workload has no request (%s)",
			 d->wl.trace ? "the trace has no line of one" :
			 "no arrival within the duration");
	for (guint i = 0; i < reqs->len && rc == 0; i++) {
		const struct scn_request *q = &g_array_index(reqs, struct scn_request, i);
		struct dep_host *h = g_ptr_array_index(cli, q->client);
		const struct dep_host *sv = d->contents ? NULL : server_of(d, q->content);
		const struct dep_content *nc = d->contents ? g_ptr_array_index(d->contents,
									       q->content) : NULL;
		char *cmd, c[ADDR_STRLEN], *name;
		unsigned port = q->port ? q->port : h->next_port;

		if (d->approach == DEP_COUPLED && (q->has_cos || q->has_bandwidth)) {
			char *tf = scn_path_join(d->wl.file, d->wl.trace);

			rc = scn_error(ld, scn_file(ld->s, tf), (int)q->line, "%s= is the decoupled "
				       "approach's (what a client asks the CME for)", q->has_cos ?
				       "class" : "bandwidth");
			g_free(tf);
			break;
		}
		if (!q->port && h->next_port > 65535) {
			rc = scn_error(ld, d->wl.file, d->wl.line, "<requests>: client %s has more "
				       "than %u requests, one port each", h->node->name,
				       65536 - d->place[PL_CLIENTS].port);
			break;
		}
		addr_fmt(&h->as->ip, a);
		if (sv)
			addr_fmt(&sv->as->ip, b);
		name = d->wl.names ? g_strdup(d->wl.names[q->content]) :
			g_strdup_printf("c%u", q->content + 1);
		if (d->approach == DEP_DECOUPLED && nc) {
			GString *g = g_string_new(NULL);

			if (nc->as == h->as)
				/* In the server's own domain: nothing to mediate, a direct fetch. */
				g_string_printf(g, "ON_ROUTER %s usr.cme.Client - %s server=%s:8080 "
						"size=%" PRIu64, h->node->name, nc->name,
						addr_fmt(&nc->node_ip, b), nc->size);
			else
				g_string_printf(g, "ON_ROUTER %s usr.cme.Client %s %s", h->node->name,
						addr_fmt(&nc->as->cme_ip, b), nc->name);
			if (q->has_cos)
				g_string_append_printf(g, " cos=%u", q->cos);
			if (q->has_bandwidth)
				g_string_append_printf(g, " bandwidth=%" PRIu64, q->bandwidth);
			g_string_append_printf(g, " port=%u", port);
			cmd = g_string_free(g, FALSE);
		} else if (d->approach == DEP_DECOUPLED && sv->as == h->as)
			/* In the server's own domain: nothing to mediate, a direct fetch. */
			cmd = g_strdup_printf("ON_ROUTER %s usr.cme.Client - c%u server=%s:8080 "
					      "size=%" PRIu64 " port=%u", h->node->name, q->content + 1,
					      addr_fmt(&sv->ip, b), d->wl.sizes[q->content], port);
		else if (d->approach == DEP_DECOUPLED)
			cmd = g_strdup_printf("ON_ROUTER %s usr.cme.Client %s c%u cme_port=9091 "
					      "port=%u", h->node->name, b, q->content + 1, port);
		else
			cmd = g_strdup_printf("ON_ROUTER %s usr.curling.ContentClient %u %s %d %s %d "
					      "%s%s", h->node->name, port, a, DEP_PORT_CRME,
					      addr_fmt(&h->cafe, c), DEP_PORT_CAFE, name,
					      d->place[PL_CLIENTS].nosave ? " save=no" : "");
		g_free(name);
		h->next_port += !q->port;
		rc = late_cmd(ld, d, q->t, cmd);
	}
	g_array_free(reqs, TRUE);
	g_free(names);
	return rc;
}

/*
 * Make the files, then the instances of the planned events, and check
 * every instance of the scenario (scn_events_check).
 */
int
scn_deploy_finish(struct scn_ld *ld)
{
	struct scenario *s = ld->s;
	struct scn_deploy *d = s->deploy;
	guint late = s->events->len;

	if (d->by_id && plan_now(ld) < 0)
		return -1;
	for (int k = 0; k < 2; k++)
		if (d->hosts[k]->len && !s->auto_routes &&
		    !((struct dep_host *)g_ptr_array_index(d->hosts[k], 0))->on_router)
			return scn_error(ld, d->place[k].file, d->place[k].line, "<%s>: the hosts "
					 "need routes, and the topology's routing is static: give it "
					 "routing=\"shortest-path\"", place_elems[k]);
	for (guint i = 0; i < d->ases->len && !d->no_rae; i++)
		dep_rae_doc(d, g_ptr_array_index(d->ases, i));
	if (workload_cmds(ld, d) < 0)
		return -1;
	for (guint i = late; d->by_id && i < s->events->len; i++) {
		struct scn_event *ev = g_ptr_array_index(s->events, i);

		ev->node = g_hash_table_lookup(s->node_by_name, ev->argv[0]);
	}
	if (d->by_id && dep_routers_up(ld, late) < 0)
		return -1;
	for (guint i = 0; i < d->docs->len; i++) {
		const struct dep_doc *doc = g_ptr_array_index(d->docs, i);

		fileio_mem_put(doc->name, doc->text->str, doc->text->len);
	}
	/*
	 * Every event: the replay sorted the planned ones among the user's;
	 * those of the workload come last, added since.
	 */
	for (guint i = 0; i < s->events->len; i++) {
		struct scn_event *ev = g_ptr_array_index(s->events, i);

		if (i >= late) {
			ev->node = g_hash_table_lookup(s->node_by_name, ev->argv[0]);
			ev->deferred = true;
		}
		if (ev->deferred && !ev->ent && scn_event_instance(ld, ev) < 0)
			return -1;
	}
	if (s->events->len > late)
		scn_events_sort(s);
	return scn_events_check(ld);
}
