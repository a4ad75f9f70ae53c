/*
 * deploy_hosts.c - <deploy> on a written topology that has its own hosts,
 * as D4.3's decoupled end-to-end network has them (doc/deploy.md, "A
 * written network of hosts: the decoupled end-to-end network"): only the
 * domains named, the RAE's address on its border, the CMEs on hosts, the
 * contents named and served from hosts of the topology, the key plan and
 * the CAFE rules along the shortest AS paths from the servers to the
 * clients, and the metrics the RAEs give (<inside>, <links>).  deploy.c
 * calls these while it reads the description, plans and makes the
 * events; nothing here changes a deployment that does not ask for it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "scenario/deploy_int.h"

static const char *const metric_attrs[3] = { "delay", "loss", "bandwidth" };

int
dep_two_words(struct scn_ld *ld, xmlNode *e, const char *file, const char *name, const char *no,
	      const char *yes, bool *out)
{
	int rc = 0;
	char *v = scn_xml_attr(ld, e, file, name, &rc);

	if (rc < 0 || !v)
		return rc;
	if (strcmp(v, yes) == 0)
		*out = true;
	else if (strcmp(v, no) != 0)
		rc = scn_error(ld, file, (int)xmlGetLineNo(e), "<%s>: %s \"%s\" is not known "
			       "(%s or %s)", (const char *)e->name, name, v, no, yes);
	g_free(v);
	return rc;
}

/* Names separated by blanks or commas; NULL when there is none. */
static char **
names_split(const char *v)
{
	char **f = g_strsplit_set(v, " \t\r\n,", -1);
	GPtrArray *out = g_ptr_array_new();

	for (char **q = f; *q; q++)
		if (**q)
			g_ptr_array_add(out, g_strdup(*q));
	g_strfreev(f);
	if (!out->len) {
		g_ptr_array_free(out, TRUE);
		return NULL;
	}
	g_ptr_array_add(out, NULL);
	return (char **)g_ptr_array_free(out, FALSE);
}

int
dep_hosts_parse(struct scn_ld *ld, struct scn_deploy *d, struct _xmlNode *e, const char *file)
{
	int line = (int)xmlGetLineNo(e), rc = 0;
	char err[UNITS_ERRLEN];
	char *v;

	v = scn_xml_attr(ld, e, file, "domains", &rc);
	/* Names of domains: the decoupled approach's (the coupled one knows topology and d.h). */
	if (rc == 0 && v && strcmp(v, "topology") != 0 && strcmp(v, "d.h") != 0 &&
	    d->approach == DEP_DECOUPLED && !d->both) {
		if (!(d->only = names_split(v)))
			rc = scn_error(ld, file, line, "<deploy>: domains= names no domain");
		d->only_attr = "domains";
	}
	g_free(v);
	if (rc == 0)
		rc = dep_two_words(ld, e, file, "address", "node", "border", &d->addr_border);
	if (rc == 0)
		rc = dep_two_words(ld, e, file, "report", "no", "yes", &d->report);
	if (rc == 0)
		rc = dep_two_words(ld, e, file, "keys", "index", "as", &d->keys_as);
	if (rc == 0 && (d->cme_hosts = scn_xml_attr(ld, e, file, "cme", &rc))) {
		char **n = names_split(d->cme_hosts);

		if (!n)
			rc = scn_error(ld, file, line, "<deploy>: cme= names no host");
		g_strfreev(n);
	}
	if (rc == 0 && (d->collect = scn_xml_attr(ld, e, file, "collect", &rc))) {
		sim_time_t t;

		if (units_duration("collect", d->collect, 0, 0, 86400 * SIM_S, &t, err,
				   sizeof(err)) < 0)
			rc = scn_error(ld, file, line, "<deploy>: %s", err);
	}
	d->inside = g_array_new(FALSE, TRUE, sizeof(struct dep_metric));
	d->links = g_array_new(FALSE, TRUE, sizeof(struct dep_metric));
	return rc < 0 ? -1 : 0;
}

int
dep_metric_parse(struct scn_ld *ld, struct scn_deploy *d, struct _xmlNode *e, const char *file)
{
	static const enum units_level kind[3] = {
		UNITS_LEVEL_DELAY, UNITS_LEVEL_LOSS, UNITS_LEVEL_BANDWIDTH,
	};
	const char *nm = (const char *)e->name;
	bool inside = strcmp(nm, "inside") == 0;
	struct dep_metric m = { .transit = -1, .file = file, .line = (int)xmlGetLineNo(e) };
	char err[UNITS_ERRLEN];
	int rc = 0;
	char *v;

	if ((v = scn_xml_attr(ld, e, file, "domains", &rc))) {
		if (!(m.domains = names_split(v)))
			rc = scn_error(ld, file, m.line, "<%s>: domains= names no domain", nm);
		g_free(v);
	}
	for (int k = 0; k < 3; k++) {
		double x;

		m.v[k] = rc == 0 ? scn_xml_attr(ld, e, file, metric_attrs[k], &rc) : NULL;
		if (m.v[k] && units_level(metric_attrs[k], m.v[k], kind[k], &x, err,
					  sizeof(err)) < 0)
			rc = scn_error(ld, file, m.line, "<%s>: %s", nm, err);
	}
	if (rc == 0 && inside) {
		bool yes = false;

		v = scn_xml_attr(ld, e, file, "transit", &rc);
		if (v) {
			rc = dep_two_words(ld, e, file, "transit", "no", "yes", &yes);
			m.transit = yes;
		}
		g_free(v);
	}
	g_array_append_val(inside ? d->inside : d->links, m);
	return rc < 0 ? -1 : 0;
}

static void
metrics_free(GArray *a)
{
	for (guint i = 0; a && i < a->len; i++) {
		struct dep_metric *m = &g_array_index(a, struct dep_metric, i);

		g_strfreev(m->domains);
		for (int k = 0; k < 3; k++)
			g_free(m->v[k]);
	}
	if (a)
		g_array_free(a, TRUE);
}

void
dep_hosts_free(struct scn_deploy *d)
{
	g_strfreev(d->only);
	g_free(d->cme_hosts);
	g_free(d->collect);
	metrics_free(d->inside);
	metrics_free(d->links);
	if (d->plan)
		g_array_free(d->plan, TRUE);
}

int
dep_hosts_check(struct scn_ld *ld, struct scn_deploy *d)
{
	const char *what = d->only ? "domains= (names)" : d->cme_hosts ? "cme=" :
		d->collect ? "collect=" : d->keys_as ? "keys=\"as\"" : NULL;

	if (what && (d->approach != DEP_DECOUPLED || d->both))
		return scn_error(ld, d->file, d->line, "<deploy>: %s is for the decoupled "
				 "approach alone (approach=\"decoupled\")", what);
	if (d->no_rae && (d->inside->len || d->links->len || d->addr_border))
		return scn_error(ld, d->file, d->line, "<deploy>: %s says what the RAEs get, "
				 "and rae=\"no\" places none", d->addr_border ? "address=" :
				 d->inside->len ? "<inside>" : "<links>");
	return 0;
}

bool
dep_left_out(const struct scn_deploy *d, const char *name)
{
	if (!d->only)
		return false;
	for (char **q = d->only; *q; q++)
		if (strcmp(*q, name) == 0)
			return false;
	return true;
}

static struct dep_as *
as_named(const struct scn_deploy *d, const char *name)
{
	for (guint i = 0; i < d->ases->len; i++) {
		struct dep_as *a = g_ptr_array_index(d->ases, i);

		if (strcmp(a->dom->name, name) == 0)
			return a;
	}
	return NULL;
}

/* The first IPv4 address of node n's interface ifname. */
static bool
if_ip(const struct scn_node *n, const char *ifname, struct addr *out)
{
	const struct scn_iface *ifc = scn_node_iface(n, ifname);

	for (guint k = 0; ifc && ifc->addrs && k < ifc->addrs->len; k++) {
		const struct ifaddr *ia = &g_array_index(ifc->addrs, struct ifaddr, k);

		if (ia->addr.af == ADDR_V4) {
			*out = ia->addr;
			return true;
		}
	}
	return false;
}

/* Every name of a rule's domains= is a domain of the deployment. */
static int
rule_domains(struct scn_ld *ld, const struct scn_deploy *d, GArray *rules, const char *elem)
{
	for (guint i = 0; i < rules->len; i++) {
		const struct dep_metric *m = &g_array_index(rules, struct dep_metric, i);

		for (char **q = m->domains; q && *q; q++)
			if (!as_named(d, *q))
				return scn_error(ld, m->file, m->line, "<%s>: \"%s\" is not a "
						 "domain of the deployment", elem, *q);
	}
	return 0;
}

int
dep_hosts_plan(struct scn_ld *ld, struct scn_deploy *d)
{
	const struct scenario *s = ld->s;

	for (char **q = d->only; q && *q; q++) {
		bool found = false;

		for (guint i = 0; i < s->domains->len && !found; i++)
			found = strcmp(((struct scn_domain *)g_ptr_array_index(s->domains,
									       i))->name, *q) == 0;
		if (!found)
			return scn_error(ld, d->file, d->line, "<deploy>: domains=: \"%s\" is not a "
					 "domain of the topology", *q);
	}
	if (rule_domains(ld, d, d->inside, "inside") < 0 ||
	    rule_domains(ld, d, d->links, "links") < 0)
		return -1;
	for (guint i = 0; i < d->ases->len; i++) {
		struct dep_as *a = g_ptr_array_index(d->ases, i);

		a->idx = i;
		/* address="border": on the domain's first inter-domain link, in the topology's order. */
		for (guint k = 0; d->addr_border && k < s->links->len; k++) {
			const struct scn_link *l = g_ptr_array_index(s->links, k);
			int me = !l->node[0] || !l->node[1] ? -1 :
				strcmp(l->node[0], a->node->name) == 0 ? 0 :
				strcmp(l->node[1], a->node->name) == 0 ? 1 : -1;
			const struct scn_node *o;
			struct dep_as *oa;

			if (me < 0 || (l->scripted && !d->by_id))
				continue;
			o = g_hash_table_lookup(s->node_by_name, l->node[1 - me]);
			oa = o ? dep_as_of(d, o) : NULL;
			if (!oa || oa == a)
				continue;
			if (!if_ip(a->node, l->ifname[me], &a->ip))
				return scn_error(ld, l->file, l->line, "link %s: %s:%s has no IPv4 "
						 "address for the RAE of domain %s (address=\"border\")",
						 l->name, a->node->name, l->ifname[me], a->dom->name);
			break;
		}
		if (d->approach == DEP_DECOUPLED && !d->cme_hosts) {
			a->cme_node = a->node;
			a->cme_ip = a->ip;
		}
		for (guint k = 0; d->keys_as && k < a->nbrs->len; k++) {
			struct dep_nbr *nb = &g_array_index(a->nbrs, struct dep_nbr, k);

			if (nb->as->asn > DEP_KEYS_MAX)
				return scn_error(ld, nb->as->dom->file, nb->as->dom->line, "domain %s "
						 "is AS %" PRIu32 ": with keys=\"as\" (<deploy> at line "
						 "%d) a key is the AS number, one byte: at most %d",
						 nb->as->dom->name, nb->as->asn, d->line, DEP_KEYS_MAX);
			nb->key = nb->as->asn;
		}
	}
	if (d->cme_hosts) {
		char **n = names_split(d->cme_hosts);
		int rc = 0;

		for (char **q = n; *q && rc == 0; q++) {
			struct scn_node *h = g_hash_table_lookup(s->node_by_name, *q);
			struct dep_as *a = h && h->host ? dep_as_of(d, h) : NULL;

			if (!a)
				rc = scn_error(ld, d->file, d->line, "<deploy>: cme=: \"%s\" is not a "
					       "host of a domain of the deployment", *q);
			else if (a->cme_node)
				rc = scn_error(ld, d->file, d->line, "<deploy>: cme=: domain %s has "
					       "two CMEs, %s and %s", a->dom->name, a->cme_node->name,
					       *q);
			else if (!dep_node_ip(h, &a->cme_ip))
				rc = scn_error(ld, h->file, h->line, "node %s has no IPv4 address "
					       "for the CME of domain %s", h->name, a->dom->name);
			else
				a->cme_node = h;
		}
		g_strfreev(n);
		return rc;
	}
	return 0;
}

int
dep_hosts_clients(struct scn_ld *ld, struct scn_deploy *d)
{
	const struct dep_place *pl = &d->place[PL_CLIENTS];
	char **names = g_strsplit_set(pl->where + 5, " \t,", -1);
	int rc = 0;

	for (char **q = names; *q && rc == 0; q++) {
		struct scn_node *n;
		struct dep_as *a;
		struct dep_host *h;

		if (!**q)
			continue;
		n = g_hash_table_lookup(ld->s->node_by_name, *q);
		a = n && n->host ? dep_as_of(d, n) : NULL;
		if (!a) {
			rc = scn_error(ld, pl->file, pl->line, "<clients where=\"node:...\">: \"%s\" "
				       "is not a host of a domain of the deployment", *q);
			break;
		}
		for (guint i = 0; i < d->hosts[PL_CLIENTS]->len; i++)
			if (((struct dep_host *)g_ptr_array_index(d->hosts[PL_CLIENTS], i))->node == n)
				rc = scn_error(ld, pl->file, pl->line, "<clients>: host %s is named "
					       "twice", *q);
		h = g_new0(struct dep_host, 1);
		h->node = n;
		h->as = a;
		h->on_router = true;	/* a node of the topology, not a host made */
		dep_node_ip(n, &h->ip);
		h->next_port = pl->port;
		g_ptr_array_add(d->hosts[PL_CLIENTS], h);
	}
	if (rc == 0 && d->hosts[PL_CLIENTS]->len == 0)
		rc = scn_error(ld, pl->file, pl->line, "<clients where=\"%s\">: no host is named",
			       pl->where);
	g_strfreev(names);
	return rc;
}

/* Hop counts from domain a over the deployment's neighbours (-1: not reached). */
static int *
hops_from(const struct scn_deploy *d, const struct dep_as *a)
{
	int *dist = g_new(int, d->ases->len);
	GQueue q = G_QUEUE_INIT;

	for (guint i = 0; i < d->ases->len; i++)
		dist[i] = -1;
	dist[a->idx] = 0;
	g_queue_push_tail(&q, (gpointer)a);
	while (!g_queue_is_empty(&q)) {
		const struct dep_as *x = g_queue_pop_head(&q);

		for (guint k = 0; k < x->nbrs->len; k++) {
			const struct dep_as *y = g_array_index(x->nbrs, struct dep_nbr, k).as;

			if (dist[y->idx] < 0) {
				dist[y->idx] = dist[x->idx] + 1;
				g_queue_push_tail(&q, (gpointer)y);
			}
		}
	}
	return dist;
}

static void
plan_add(GArray *plan, GHashTable *seen, uint32_t as, uint32_t from, uint32_t to)
{
	struct dep_keyent k = { as, from, to };
	char *key = g_strdup_printf("%" PRIu32 " %" PRIu32 " %" PRIu32, as, from, to);

	if (g_hash_table_contains(seen, key)) {
		g_free(key);
		return;
	}
	g_hash_table_add(seen, key);
	g_array_append_val(plan, k);
}

static gint
keyent_cmp(gconstpointer x, gconstpointer y)
{
	const struct dep_keyent *a = x, *b = y;

	if (a->as != b->as)
		return a->as < b->as ? -1 : 1;
	if (a->from != b->from)
		return a->from < b->from ? -1 : 1;
	return a->to < b->to ? -1 : a->to > b->to;
}

/*
 * The key plan from server domain S to client domain C: every domain X on
 * a shortest AS path between them, entered from each F before it on such
 * a path (none at S) and left towards each T after it (none at C).
 */
static void
plan_paths(const struct scn_deploy *d, const struct dep_as *S, const struct dep_as *C,
	   GArray *plan, GHashTable *seen)
{
	int *ds = hops_from(d, S), *dc = hops_from(d, C);
	int len = ds[C->idx];

	for (guint i = 0; i < d->ases->len; i++) {
		const struct dep_as *x = g_ptr_array_index(d->ases, i);

		if (ds[i] < 0 || dc[i] < 0 || ds[i] + dc[i] != len)
			continue;
		for (guint f = 0; f <= x->nbrs->len; f++) {
			const struct dep_as *fa = f < x->nbrs->len ?
				g_array_index(x->nbrs, struct dep_nbr, f).as : NULL;

			if (fa ? x == S || ds[fa->idx] != ds[i] - 1 || dc[fa->idx] != dc[i] + 1 :
			    x != S)
				continue;
			for (guint t = 0; t <= x->nbrs->len; t++) {
				const struct dep_as *ta = t < x->nbrs->len ?
					g_array_index(x->nbrs, struct dep_nbr, t).as : NULL;

				if (ta ? x == C || dc[ta->idx] != dc[i] - 1 ||
				    ds[ta->idx] != ds[i] + 1 : x != C)
					continue;
				plan_add(plan, seen, x->asn, fa ? fa->asn : 0, ta ? ta->asn : 0);
			}
		}
	}
	g_free(ds);
	g_free(dc);
}

int
dep_hosts_contents(struct scn_ld *ld, struct scn_deploy *d)
{
	const struct scenario *s = ld->s;
	GHashTable *seen;

	for (guint i = 0; d->contents && i < d->contents->len; i++) {
		struct dep_content *c = g_ptr_array_index(d->contents, i);
		struct scn_node *n = g_hash_table_lookup(s->node_by_name, c->server);
		bool first = true;

		c->as = n && n->host ? dep_as_of(d, n) : NULL;
		if (!c->as)
			return scn_error(ld, c->file, c->line, "<content server=>: \"%s\" is not a "
					 "host of a domain of the deployment", c->server);
		c->node = n;
		dep_node_ip(n, &c->node_ip);
		/* The server's link to its domain's node: where the edge CAFE intercepts it. */
		for (guint k = 0; k < s->links->len && !c->rif; k++) {
			const struct scn_link *l = g_ptr_array_index(s->links, k);

			for (int e = 0; e < 2 && !c->rif; e++)
				if (l->node[e] && l->node[1 - e] &&
				    strcmp(l->node[e], c->as->node->name) == 0 &&
				    strcmp(l->node[1 - e], n->name) == 0 &&
				    if_ip(c->as->node, l->ifname[e], &c->gw))
					c->rif = l->ifname[e];
		}
		if (!c->rif)
			return scn_error(ld, c->file, c->line, "<content server=>: host %s has no "
					 "link to %s, the node of its domain %s, whose CAFE would "
					 "intercept it", n->name, c->as->node->name, c->as->dom->name);
		c->agent_ip = c->gw;
		if (c->agent) {
			const struct scn_node *g = g_hash_table_lookup(s->node_by_name, c->agent);

			if (!g || !dep_node_ip(g, &c->agent_ip))
				return scn_error(ld, c->file, c->line, "<content agent=>: \"%s\" is "
						 "not a node with an IPv4 address", c->agent);
		}
		for (guint k = 0; k < i && first; k++)
			first = ((struct dep_content *)g_ptr_array_index(d->contents, k))->node != n;
		c->as->nsrv += first;
		if (!c->as->cme_node)
			return scn_error(ld, c->file, c->line, "<content %s>: domain %s of its "
					 "server has no CME to mediate it (cme=)", c->name,
					 c->as->dom->name);
	}
	/* The key plan: from every server's domain to every client's. */
	d->plan = g_array_new(FALSE, FALSE, sizeof(struct dep_keyent));
	seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (guint i = 0; i < d->ases->len; i++) {
		const struct dep_as *S = g_ptr_array_index(d->ases, i);

		if (!S->nsrv)
			continue;
		for (guint j = 0; j < d->ases->len; j++) {
			const struct dep_as *C = g_ptr_array_index(d->ases, j);
			bool cli = false;
			int *ds;

			for (guint k = 0; k < d->hosts[PL_CLIENTS]->len && !cli; k++)
				cli = ((struct dep_host *)g_ptr_array_index(d->hosts[PL_CLIENTS],
									    k))->as == C;
			if (!cli || C == S)
				continue;
			ds = hops_from(d, S);
			if (ds[C->idx] < 0) {
				g_free(ds);
				g_hash_table_destroy(seen);
				return scn_error(ld, d->file, d->line, "<deploy>: no path of domains "
						 "joins domain %s, of a server, to domain %s, of a "
						 "client", S->dom->name, C->dom->name);
			}
			g_free(ds);
			plan_paths(d, S, C, d->plan, seen);
		}
	}
	g_hash_table_destroy(seen);
	g_array_sort(d->plan, keyent_cmp);
	return 0;
}

/* The key of domain a towards AS to. */
static unsigned
key_to(const struct dep_as *a, uint32_t to, const char **ifname)
{
	for (guint k = 0; k < a->nbrs->len; k++) {
		const struct dep_nbr *nb = &g_array_index(a->nbrs, struct dep_nbr, k);

		if (nb->as->asn == to) {
			if (ifname)
				*ifname = nb->ifname;
			return nb->key;
		}
	}
	return 0;
}

void
dep_hosts_cmds(const struct scn_deploy *d, const struct dep_as *a, GPtrArray *cmds)
{
	const char *node = a->node->name;
	bool on_plan = false, rules = false;

	if (a->cme_node) {
		GString *g = g_string_new(NULL);

		g_string_printf(g, "ON_ROUTER %s usr.cme.Cme %d", a->cme_node->name, DEP_PORT_CME);
		if (!d->report)
			g_string_append(g, " report=0");
		if (a->nsrv)
			g_string_append_printf(g, " config=deploy:AS%" PRIu32 "/cme.xml", a->asn);
		g_ptr_array_add(cmds, g_string_free(g, FALSE));
	}
	if (a->nsrv) {
		/* The edge of the servers: a CAFE intercepting them. */
		GString *g = g_string_new(NULL);
		GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);

		for (guint i = 0; i < d->contents->len; i++) {
			const struct dep_content *c = g_ptr_array_index(d->contents, i);

			if (c->as != a || g_hash_table_contains(seen, c->rif))
				continue;
			g_hash_table_add(seen, (gpointer)c->rif);
			g_string_append_printf(g, "%s%s", g->len ? "," : " intercept=", c->rif);
		}
		g_hash_table_destroy(seen);
		g_ptr_array_add(cmds, g_strdup_printf("ON_ROUTER %s cafe%s", node, g->str));
		g_string_free(g, TRUE);
	}
	/* A rule per exit of the plan: its first one loads the node's CAFE if it has none. */
	for (guint i = 0; i < d->plan->len; i++) {
		const struct dep_keyent *k = &g_array_index(d->plan, struct dep_keyent, i);
		const char *ifname = NULL;
		bool dup = false;
		unsigned key;

		if (k->as != a->asn)
			continue;
		on_plan = true;
		for (guint j = 0; j < i && !dup; j++) {
			const struct dep_keyent *o = &g_array_index(d->plan, struct dep_keyent, j);

			dup = o->as == k->as && o->to == k->to;
		}
		if (!k->to || dup)
			continue;
		rules = true;
		key = key_to(a, k->to, &ifname);
		g_ptr_array_add(cmds, g_strdup_printf("ON_ROUTER %s cf_tool add_ethernet %02x %s "
						      "peer", node, key, ifname));
	}
	if (a->nsrv)
		g_ptr_array_add(cmds, g_strdup_printf("ON_ROUTER %s usr.stateless.CafeAgent",
						      node));
	else if (on_plan && !rules)
		/* The clients' domain: a CAFE that removes the header. */
		g_ptr_array_add(cmds, g_strdup_printf("ON_ROUTER %s cafe", node));
}

void
dep_metric_inside(const struct scn_deploy *d, const struct dep_as *a, const char *v[3],
		  bool *transit)
{
	*transit = true;
	for (int k = 0; k < 3; k++)
		v[k] = NULL;
	for (guint i = 0; i < d->inside->len; i++) {
		const struct dep_metric *m = &g_array_index(d->inside, struct dep_metric, i);
		bool mine = !m->domains;

		for (char **q = m->domains; q && *q && !mine; q++)
			mine = strcmp(*q, a->dom->name) == 0;
		if (!mine)
			continue;
		for (int k = 0; k < 3; k++)
			if (m->v[k])
				v[k] = m->v[k];
		if (m->transit >= 0)
			*transit = m->transit;
	}
}

void
dep_metric_link(const struct scn_deploy *d, const struct dep_as *a, const struct dep_as *b,
		const char *v[3])
{
	for (int k = 0; k < 3; k++)
		v[k] = NULL;
	for (guint i = 0; i < d->links->len; i++) {
		const struct dep_metric *m = &g_array_index(d->links, struct dep_metric, i);
		bool mine = !m->domains;

		for (char **q = m->domains; q && *q && !mine; q++)
			mine = strcmp(*q, a->dom->name) == 0 || strcmp(*q, b->dom->name) == 0;
		if (!mine)
			continue;
		for (int k = 0; k < 3; k++)
			if (m->v[k])
				v[k] = m->v[k];
	}
}
