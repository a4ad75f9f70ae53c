/*
 * deploy_routers.c - <deploy> on the routers of a domain, as D4.3's
 * coupled topologies have them (doc/deploy.md, "The routers of a
 * domain"): domains made of the routers a script names d.h, their
 * relationships from the order of a link's ends, the CRME on the
 * domain's first router and a CAFE on each of the others, contents named
 * and served from routers, clients on routers, and a start time per
 * family.  deploy.c calls these while it reads the description, plans
 * and makes the events; nothing here is used by a deployment that does
 * not ask for it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <libxml/tree.h>

#include "entities/curling/curling.h"
#include "scenario/deploy_int.h"

int
dep_routers_parse(struct scn_ld *ld, struct scn_deploy *d, struct _xmlNode *e,
		  const char *file)
{
	if ((!d->only && dep_two_words(ld, e, file, "domains", "topology", "d.h", &d->by_id) < 0) ||
	    dep_two_words(ld, e, file, "links", "none", "c2p", &d->c2p) < 0 ||
	    dep_two_words(ld, e, file, "rae", "yes", "no", &d->no_rae) < 0 ||
	    dep_two_words(ld, e, file, "node", "border", "first", &d->node_first) < 0 ||
	    dep_two_words(ld, e, file, "cafes", "node", "routers", &d->cafe_routers) < 0)
		return -1;
	d->t_crme = d->t_cafe = d->t_server = d->t_rae = d->start;
	return 0;
}

int
dep_start_parse(struct scn_ld *ld, struct scn_deploy *d, struct _xmlNode *e, const char *file)
{
	static const char *const fam[4] = { "crme", "cafe", "server", "rae" };
	sim_time_t *t[4] = { &d->t_crme, &d->t_cafe, &d->t_server, &d->t_rae };
	int line = (int)xmlGetLineNo(e), rc = 0;
	char err[UNITS_ERRLEN];

	if (d->has_start)
		return scn_error(ld, file, line, "<start> is given twice");
	d->has_start = true;
	for (int k = 0; k < 4 && rc == 0; k++) {
		char *v = scn_xml_attr(ld, e, file, fam[k], &rc);

		/* crme= and cafe= are the coupled approach's families. */
		d->start_coupled |= v && k < 2;
		if (v && units_duration(fam[k], v, 0, 0, SIM_TIME_LIMIT, t[k], err,
					sizeof(err)) < 0)
			rc = scn_error(ld, file, line, "<start>: %s", err);
		g_free(v);
	}
	return rc < 0 ? -1 : 0;
}

static void
content_free(gpointer p)
{
	struct dep_content *c = p;

	g_free(c->name);
	g_free(c->seed);
	g_free(c->server);
	g_free(c->agent);
	g_free(c);
}


/*
 * A content's name: a curling ContentID (cmsg_id_valid: the coupled
 * client saves a file of that name) without '=', which would split the
 * decoupled server's NAME=SIZE argument.
 */
static bool
content_name_ok(const char *n)
{
	return cmsg_id_valid(n, strlen(n)) && !strchr(n, '=');
}

int
dep_content_parse(struct scn_ld *ld, struct scn_deploy *d, struct _xmlNode *e,
		  const char *file)
{
	int line = (int)xmlGetLineNo(e), rc = 0;
	char err[UNITS_ERRLEN];
	struct dep_content *c = g_new0(struct dep_content, 1);
	char *size;
	uint64_t seed;

	if (!d->contents)
		d->contents = g_ptr_array_new_with_free_func(content_free);
	g_ptr_array_add(d->contents, c);
	c->file = file;
	c->line = line;
	c->name = scn_xml_attr(ld, e, file, "name", &rc);
	size = scn_xml_attr(ld, e, file, "size", &rc);
	c->seed = scn_xml_attr(ld, e, file, "seed", &rc);
	c->server = scn_xml_attr(ld, e, file, "server", &rc);
	c->agent = scn_xml_attr(ld, e, file, "agent", &rc);
	if (rc == 0 && (!c->name || !*c->name || strpbrk(c->name, " \t\r\n")))
		rc = scn_error(ld, file, line, "<content>: name= is required, one word");
	if (rc == 0 && !content_name_ok(c->name))
		rc = scn_error(ld, file, line, "<content>: name \"%s\": 1 to 64 printable ASCII "
			       "characters, none of them '/' or '=' (it names a saved file and is "
			       "a server's argument), and not . or ..", c->name);
	if (rc == 0 && !c->server)
		rc = scn_error(ld, file, line, "<content %s>: server= (a %s) is required",
			       c->name, d->approach == DEP_DECOUPLED ? "host" : "router");
	if (rc == 0 && c->seed && d->approach == DEP_DECOUPLED)
		rc = scn_error(ld, file, line, "<content %s>: seed= is the coupled approach's "
			       "(the decoupled server's contents have no seed)", c->name);
	if (rc == 0 && c->agent && d->approach != DEP_DECOUPLED)
		rc = scn_error(ld, file, line, "<content %s>: agent= is the decoupled "
			       "approach's (a CME asks a CAFE agent)", c->name);
	if (rc == 0 && units_size("size", size ? size : "1MB", 1, UINT64_C(1) << 32, &c->size,
				  err, sizeof(err)) < 0)
		rc = scn_error(ld, file, line, "<content %s>: %s", c->name, err);
	if (rc == 0 && c->seed && units_uint("seed", c->seed, 0, UINT64_MAX, &seed, err,
					     sizeof(err)) < 0)
		rc = scn_error(ld, file, line, "<content %s>: %s", c->name, err);
	for (guint i = 0; rc == 0 && i + 1 < d->contents->len; i++) {
		const struct dep_content *o = g_ptr_array_index(d->contents, i);

		if (strcmp(o->name, c->name) == 0)
			rc = scn_error(ld, file, line, "<content %s> is given twice (first at "
				       "line %d)", c->name, o->line);
	}
	g_free(size);
	return rc < 0 ? -1 : 0;
}

int
dep_routers_check(struct scn_ld *ld, struct scn_deploy *d)
{
	bool one = !d->both && d->approach != DEP_NONE;	/* one approach that serves content */
	const char *what = d->by_id ? "domains=\"d.h\"" : d->c2p ? "links=\"c2p\"" :
		d->no_rae ? "rae=\"no\"" : d->cafe_routers ? "cafes=\"routers\"" :
		d->contents && !one ? "<content>" : d->start_coupled ? "<start>" :
		d->place[PL_CLIENTS].where && !one &&
		strncmp(d->place[PL_CLIENTS].where, "node:", 5) == 0 ? "<clients where=node:>" :
		NULL;
	int line = d->contents ? ((struct dep_content *)g_ptr_array_index(d->contents, 0))->line :
		d->line;

	if (what && (d->approach != DEP_COUPLED || d->both))
		return scn_error(ld, d->file, d->line, "<deploy>: %s is for the coupled approach "
				 "alone (approach=\"coupled\")", what);
	/*
	 * A CRME follows the path its RAE reports for a class, the first
	 * one: with more than one preferred path a class, the report does
	 * not say which is the best (doc/curling.md 7.8).
	 */
	if ((d->approach == DEP_COUPLED || d->both) && !d->no_rae && d->limit > 1)
		return scn_error(ld, d->file, d->line, "<deploy>: limit %u: the coupled approach's "
				 "CRMEs follow the one preferred path a class their RAE reports "
				 "(limit 1); with more, a report does not say which is the best "
				 "(rae=\"no\" for CRMEs without RAEs)", d->limit);
	if (d->contents && (d->wl.cat_file || d->place[PL_SERVERS].where))
		return scn_error(ld, d->file, line, "<content>: the named contents are the "
				 "catalogue and say their servers: no <catalogue> or <servers> "
				 "beside them");
	if (d->place[PL_SERVERS].where && strncmp(d->place[PL_SERVERS].where, "node:", 5) == 0)
		return scn_error(ld, d->place[PL_SERVERS].file, d->place[PL_SERVERS].line,
				 "<servers where=\"node:...\">: a server on a router is given by "
				 "<content server=>");
	if (d->by_id && d->place[PL_CLIENTS].where &&
	    strncmp(d->place[PL_CLIENTS].where, "node:", 5) != 0)
		return scn_error(ld, d->place[PL_CLIENTS].file, d->place[PL_CLIENTS].line,
				 "<clients>: with domains=\"d.h\" the clients are on routers "
				 "(where=\"node:ROUTER ...\")");
	if (d->contents) {
		d->wl.ncontents = d->contents->len;
		d->wl.names = g_new0(const char *, d->contents->len + 1);
		d->wl.sizes = g_new(uint64_t, d->contents->len);
		for (guint i = 0; i < d->contents->len; i++) {
			const struct dep_content *c = g_ptr_array_index(d->contents, i);

			d->wl.names[i] = c->name;
			d->wl.sizes[i] = c->size;
		}
	}
	return 0;
}

/* "d" of a router named "d.h" (two numbers), or NULL. */
static char *
id_domain(const char *name)
{
	const char *dot = strchr(name, '.');

	if (!dot || dot == name || !dot[1] || strspn(name, "0123456789") != (size_t)(dot - name) ||
	    strspn(dot + 1, "0123456789") != strlen(dot + 1))
		return NULL;
	return g_strndup(name, (size_t)(dot - name));
}

int
dep_routers_domains(struct scn_ld *ld, struct scn_deploy *d)
{
	struct scenario *s = ld->s;
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);

	if (s->domains->len) {
		const struct scn_domain *o = g_ptr_array_index(s->domains, 0);

		g_hash_table_destroy(seen);
		return scn_error_also(ld, d->file, d->line, o->file, o->line, "<deploy>: "
				      "domains=\"d.h\" makes the domains from the routers' names, "
				      "and the topology has its own (domain %s)", o->name);
	}
	for (guint i = 0; i < s->nodes->len; i++) {
		struct scn_node *n = g_ptr_array_index(s->nodes, i);
		char *dn = n->host || n->domain ? NULL : id_domain(n->name);
		struct scn_domain *dom;
		struct prefix p = { .len = 24 };
		char b[ADDR_STRLEN + 4];
		struct addr ip;

		/* A router of no domain would get nothing, silently: refused. */
		if (!dn && !n->host && !n->domain) {
			g_hash_table_destroy(seen);
			return scn_error_also(ld, n->file, n->line, d->file, d->line, "router "
					      "%s: <deploy domains=\"d.h\"> makes the domains from "
					      "the routers' names, and \"%s\" is not d.h (two "
					      "numbers): it would be in no domain", n->name, n->name);
		}
		if (!dn)
			continue;
		n->domain = dn;
		if (g_hash_table_contains(seen, dn) || !dep_node_ip(n, &ip) || ip.af != ADDR_V4)
			continue;
		p.addr = addr_v4(addr_v4_host(&ip) & 0xffffff00u);
		dom = g_new0(struct scn_domain, 1);
		dom->name = g_strdup(dn);
		dom->asn = g_strdup(dn);
		dom->prefixes = g_strdup(prefix_fmt(&p, b));
		dom->file = n->file;
		dom->line = n->line;
		g_ptr_array_add(s->domains, dom);
		g_hash_table_add(seen, dom->name);
	}
	g_hash_table_destroy(seen);
	return 0;
}

int
dep_routers_node_links(struct scn_ld *ld, const struct scn_deploy *d, const struct dep_as *a)
{
	const struct scenario *s = ld->s;

	for (guint k = 0; k < s->links->len; k++) {
		const struct scn_link *l = g_ptr_array_index(s->links, k);
		const char *other = !l->node[0] || !l->node[1] ? NULL :
			strcmp(l->node[0], a->node->name) == 0 ? l->node[1] :
			strcmp(l->node[1], a->node->name) == 0 ? l->node[0] : NULL;
		const struct scn_node *o = other ?
			g_hash_table_lookup(s->node_by_name, other) : NULL;
		const struct dep_as *oa = o ? dep_as_of(d, o) : NULL;

		if (oa && oa != a)
			return scn_error_also(ld, l->file, l->line, d->file, d->line, "link %s "
					      "(%s to %s): router %s is the node of domain %s (its "
					      "CRME), which cafes=\"routers\" gives no CAFE, and the "
					      "link goes to domain %s: it would end at no CAFE",
					      l->name, l->node[0], l->node[1], a->node->name,
					      a->dom->name, oa->dom->name);
	}
	return 0;
}

/* A router of the topology that holds a CAFE of the deployment: its AS, or NULL. */
static struct dep_as *
cafe_router(struct scn_ld *ld, const struct scn_deploy *d, const char *name, const char *what,
	    const char *file, int line, struct scn_node **out)
{
	struct scn_node *n = g_hash_table_lookup(ld->s->node_by_name, name);
	struct dep_as *a = n ? dep_as_of(d, n) : NULL;

	if (!a || n->host) {
		scn_error(ld, file, line, "%s: \"%s\" is not a router of a domain", what, name);
		return NULL;
	}
	if ((a->node == n) == d->cafe_routers) {
		scn_error(ld, file, line, "%s: router %s holds no CAFE (the CAFEs are on %s)",
			  what, name, d->cafe_routers ? "the routers but the domain's first" :
			  "the domain's node");
		return NULL;
	}
	*out = n;
	return a;
}

int
dep_routers_place(struct scn_ld *ld, struct scn_deploy *d, int k)
{
	const struct dep_place *pl = &d->place[k];
	char **names = g_strsplit_set(pl->where + 5, " \t,", -1);
	int rc = 0;

	for (char **q = names; *q && rc == 0; q++) {
		struct scn_node *n;
		struct dep_as *a;
		struct dep_host *h;

		if (!**q)
			continue;
		if (!(a = cafe_router(ld, d, *q, "<clients where=\"node:...\">", pl->file,
				      pl->line, &n))) {
			rc = -1;
			break;
		}
		for (guint i = 0; i < d->hosts[k]->len; i++)
			if (((struct dep_host *)g_ptr_array_index(d->hosts[k], i))->node == n)
				rc = scn_error(ld, pl->file, pl->line, "<clients>: router %s is "
					       "named twice", *q);
		h = g_new0(struct dep_host, 1);
		h->node = n;
		h->as = a;
		h->on_router = true;
		dep_node_ip(n, &h->ip);
		h->cafe = h->ip;
		h->next_port = pl->port;
		g_ptr_array_add(d->hosts[k], h);
	}
	if (rc == 0 && d->hosts[k]->len == 0)
		rc = scn_error(ld, pl->file, pl->line, "<clients where=\"%s\">: no router is "
			       "named", pl->where);
	g_strfreev(names);
	return rc;
}

int
dep_routers_contents(struct scn_ld *ld, struct scn_deploy *d)
{
	for (guint i = 0; d->contents && i < d->contents->len; i++) {
		struct dep_content *c = g_ptr_array_index(d->contents, i);

		c->as = cafe_router(ld, d, c->server, "<content server=>", c->file, c->line,
				    &c->node);
		if (!c->as)
			return -1;
	}
	return 0;
}

int
dep_routers_cafes(struct scn_ld *ld, const struct scn_deploy *d, const struct dep_as *a,
		  GPtrArray *cmds, GArray *times)
{
	const struct scenario *s = ld->s;
	char b[ADDR_STRLEN], c[ADDR_STRLEN];

	for (guint i = 0; i < s->nodes->len; i++) {
		const struct scn_node *n = g_ptr_array_index(s->nodes, i);
		GString *tup = g_string_new(NULL);
		unsigned nt = 0;
		struct addr ip;

		if (n == a->node || n->host || dep_as_of(d, n) != a) {
			g_string_free(tup, TRUE);
			continue;
		}
		/* A tuple per link to another domain: its router, and that domain's CRME. */
		for (guint k = 0; k < s->links->len; k++) {
			const struct scn_link *l = g_ptr_array_index(s->links, k);
			const char *other = !l->node[0] || !l->node[1] ? NULL :
				strcmp(l->node[0], n->name) == 0 ? l->node[1] :
				strcmp(l->node[1], n->name) == 0 ? l->node[0] : NULL;
			const struct scn_node *o = other ?
				g_hash_table_lookup(s->node_by_name, other) : NULL;
			const struct dep_as *oa = o ? dep_as_of(d, o) : NULL;

			if (!oa || oa == a || !dep_node_ip(o, &ip))
				continue;
			g_string_append_printf(tup, " %s %d %s", addr_fmt(&ip, b), DEP_PORT_CAFE,
					       addr_fmt(&oa->ip, c));
			nt++;
		}
		if (nt > DEP_CURLING_MAX) {
			g_string_free(tup, TRUE);
			return scn_error(ld, n->file, n->line, "router %s has %u inter-domain "
					 "links; a CAFE takes at most %d", n->name, nt,
					 DEP_CURLING_MAX);
		}
		dep_node_ip(n, &ip);
		g_ptr_array_add(cmds, g_strdup_printf("ON_ROUTER %s usr.curling.Cafe %d %s %d %u%s",
						      n->name, DEP_PORT_CAFE, addr_fmt(&a->ip, c),
						      DEP_PORT_CRME, nt, tup->str));
		g_array_append_val(times, d->t_cafe);
		g_string_free(tup, TRUE);
	}
	return 0;
}

void
dep_routers_servers(const struct scn_deploy *d, GPtrArray *cmds, GArray *times)
{
	char a[ADDR_STRLEN], b[ADDR_STRLEN];

	for (guint i = 0; d->contents && i < d->contents->len; i++) {
		const struct dep_content *c = g_ptr_array_index(d->contents, i);
		GString *g;
		unsigned n = 0;
		bool first = true;
		struct addr ip;

		/* One server a router, where its first content is; its contents in order. */
		for (guint k = 0; k < i && first; k++)
			first = ((struct dep_content *)g_ptr_array_index(d->contents, k))->node !=
				c->node;
		if (!first)
			continue;
		for (guint k = i; k < d->contents->len; k++)
			n += ((struct dep_content *)g_ptr_array_index(d->contents, k))->node ==
				c->node;
		g = g_string_new(NULL);
		if (d->approach == DEP_DECOUPLED) {
			/* usr.cme.Server: NAME=SIZE, in the order of the <content>s. */
			g_string_printf(g, "ON_ROUTER %s usr.cme.Server 8080", c->node->name);
			for (guint k = i; k < d->contents->len; k++) {
				const struct dep_content *x = g_ptr_array_index(d->contents, k);

				if (x->node == c->node)
					g_string_append_printf(g, " %s=%" PRIu64, x->name, x->size);
			}
			g_ptr_array_add(cmds, g_string_free(g, FALSE));
			g_array_append_val(times, d->t_server);
			continue;
		}
		dep_node_ip(c->node, &ip);
		addr_fmt(&ip, b);
		g_string_printf(g, "ON_ROUTER %s usr.curling.ContentServer 1000 %s %d %s %d %u",
				c->node->name, addr_fmt(&c->as->ip, a), DEP_PORT_CRME, b,
				DEP_PORT_CAFE, n);
		for (guint k = i; k < d->contents->len; k++) {
			const struct dep_content *x = g_ptr_array_index(d->contents, k);

			if (x->node != c->node)
				continue;
			g_string_append_printf(g, " %s %" PRIu64, x->name, x->size);
			if (x->seed)
				g_string_append_printf(g, ":%s", x->seed);
		}
		g_ptr_array_add(cmds, g_string_free(g, FALSE));
		g_array_append_val(times, d->t_server);
	}
}

/* Whether x comes before y in the events' order (time, then sequence). */
static bool
ev_before(const struct scn_event *x, const struct scn_event *y)
{
	return x->t < y->t || (x->t == y->t && x->seq < y->seq);
}

/*
 * Whether ev's router was ended (*end: the END_ROUTER) after an earlier
 * deployed entity on it started and before ev: that entity (the router's
 * CAFE, which ev's client or server sends through) is gone when ev
 * starts, since a router started again runs none of what ran before.
 */
static bool
ended_since(const struct scenario *s, guint late, const struct scn_event *ev,
	    const struct scn_event **end)
{
	const struct scn_event *first = NULL;	/* the earliest deployed entity on ev's router */

	for (guint i = late; i < s->events->len; i++) {
		const struct scn_event *e0 = g_ptr_array_index(s->events, i);

		if (e0 != ev && e0->kind == SEV_APP && e0->node == ev->node && ev_before(e0, ev) &&
		    (!first || ev_before(e0, first)))
			first = e0;
	}
	if (!first)
		return false;
	for (guint k = 0; k < late; k++) {
		const struct scn_event *x = g_ptr_array_index(s->events, k);

		if (x->kind == SEV_END_ROUTER && x->node == ev->node && first->t < x->t &&
		    x->t <= ev->t) {
			*end = x;
			return true;
		}
	}
	return false;
}

/*
 * domains="d.h": the replay checked the scripts' events before the
 * deployment was planned, so each of the deployment's events (from
 * index late) is checked here as the replay would have: its router is
 * up at that time (its last START_ROUTER or END_ROUTER before it, in the
 * events' order, is a start; a router of the topology is up until one
 * ends it).
 */
int
dep_routers_up(struct scn_ld *ld, guint late)
{
	const struct scenario *s = ld->s;

	for (guint i = late; i < s->events->len; i++) {
		const struct scn_event *ev = g_ptr_array_index(s->events, i);
		const struct scn_event *last = NULL;

		if (ev->kind != SEV_APP || !ev->node)
			continue;
		for (guint k = 0; k < late; k++) {
			const struct scn_event *x = g_ptr_array_index(s->events, k);

			if ((x->kind != SEV_START_ROUTER && x->kind != SEV_END_ROUTER) ||
			    x->node != ev->node || x->t > ev->t)
				continue;
			if (!last || x->t > last->t || (x->t == last->t && x->seq > last->seq))
				last = x;
		}
		if (last && last->kind == SEV_END_ROUTER)
			return scn_error_also(ld, ev->file, ev->line, last->file, last->line,
					      "<deploy>: %s on router %s: the router is down at "
					      "that time (END_ROUTER at %s:%d)", ev->argv[1],
					      ev->node->name, last->file, last->line);
		if (!last && ev->node->scripted)
			return scn_error(ld, ev->file, ev->line, "<deploy>: %s on router %s: the "
					 "router is not started yet at that time", ev->argv[1],
					 ev->node->name);
		if (last && ended_since(s, late, ev, &last))
			return scn_error_also(ld, ev->file, ev->line, last->file, last->line,
					      "<deploy>: %s on router %s: the router was ended "
					      "(END_ROUTER at %s:%d) after the deployment's "
					      "entities on it started, which a router started "
					      "again does not run", ev->argv[1], ev->node->name,
					      last->file, last->line);
	}
	return 0;
}
