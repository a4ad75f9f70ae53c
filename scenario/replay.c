/*
 * replay.c - the load-time replay of every event of a scenario (scripts,
 * <at>, <app>) in time order, over the description (desc.c) rather than
 * a struct net.
 *
 * A reference to a router that is not started yet, a link that is
 * already down, an unknown class or a bad entity argument is reported
 * with the file and line of its event before anything runs.  The replay
 * creates the routers and links the scripts start (a START_ROUTER's
 * address comes from its id: nodeid_parse(), entities/nodeid.h) and the
 * entity instances (each class's init); once it is done, each
 * instance's check sees the whole scenario (an address no node has is
 * refused, even if its router starts later).  The actions at run time
 * are in build.c (scn_ev_run).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "scenario/scenario_int.h"

/*
 * Whether a START_ROUTER id is an address (fe80:0:0:0:0:0:0:1,
 * 192.168.0.1) rather than a curling node id (N, a.b, a.b.c): *a is the
 * address and canon its canonical form (ADDR_STRLEN bytes).
 */
static bool
addr_ident(const char *id, struct addr *a, char *canon)
{
	struct addr tmp;

	if (nodeid_parse(id, &tmp) == 0 || addr_parse(id, a) < 0)
		return false;
	addr_fmt(a, canon);
	return true;
}

/*
 * The node named name: by its name, its START_ROUTER label, or, for a
 * router whose id is an address, that address however it is written
 * (fe80::1 and fe80:0:0:0:0:0:0:1 are one router).
 */
static struct scn_node *
node_find(struct scenario *s, const char *name)
{
	struct scn_node *n = g_hash_table_lookup(s->node_by_name, name);
	char canon[ADDR_STRLEN];
	struct addr a;

	if (!n && s->addr_ids && addr_ident(name, &a, canon))
		n = g_hash_table_lookup(s->node_by_name, canon);
	return n;
}

static struct scn_node *
node_lookup(struct scenario *s, const char *name)
{
	struct scn_node *n = node_find(s, name);

	return n && n->exists ? n : NULL;
}

static void
addr_id_free(void *p)
{
	struct scn_addr_id *id = p;

	g_free(id->num);
	g_free(id);
}

/*
 * Give every router whose id is an address an integer id and its
 * address (doc/curling-format.md), before the replay, so that an
 * application may name such a router before the line that starts it.
 * In the order of the events: the first such router takes the smallest
 * integer from 1 that no node of the topology has as its name or
 * address and that no START_ROUTER of the scenario names as its id.
 */
static void
addr_ids_assign(struct scenario *s)
{
	GHashTable *named = NULL;
	uint32_t next = 1;

	/* Most scripts have none: they pay one look at each START_ROUTER. */
	for (guint i = 0; i < s->events->len && !s->addr_ids; i++) {
		const struct scn_event *ev = g_ptr_array_index(s->events, i);
		char canon[ADDR_STRLEN];
		struct addr a;

		if (ev->kind == SEV_START_ROUTER && ev->argc > 0 &&
		    addr_ident(ev->argv[0], &a, canon)) {
			s->addr_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
							    addr_id_free);
			s->addr_id_nums = g_hash_table_new(g_str_hash, g_str_equal);
		}
	}
	for (guint i = 0; s->addr_ids && i < s->events->len; i++) {
		const struct scn_event *ev = g_ptr_array_index(s->events, i);
		char canon[ADDR_STRLEN];
		struct addr a;

		if (ev->kind != SEV_START_ROUTER || ev->argc < 1 ||
		    nodeid_parse(ev->argv[0], &a) < 0)
			continue;
		if (!named)
			named = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		g_hash_table_add(named, g_strdup(addr_fmt(&a, canon)));
	}
	for (guint i = 0; s->addr_ids && i < s->events->len; i++) {
		const struct scn_event *ev = g_ptr_array_index(s->events, i);
		char canon[ADDR_STRLEN], buf[ADDR_STRLEN];
		struct scn_addr_id *id;
		struct addr a;

		if (ev->kind != SEV_START_ROUTER || ev->argc < 1 ||
		    !addr_ident(ev->argv[0], &a, canon) ||
		    g_hash_table_contains(s->addr_ids, canon))
			continue;
		id = g_new0(struct scn_addr_id, 1);
		for (;; next++) {
			g_free(id->num);
			id->num = g_strdup_printf("%" PRIu32, next);
			nodeid_parse(id->num, &id->a);
			if (!g_hash_table_lookup(s->node_by_name, id->num) &&
			    !scn_addr_owner(s, &id->a) &&
			    !(named && g_hash_table_contains(named, addr_fmt(&id->a, buf))))
				break;
		}
		next++;
		g_hash_table_insert(s->addr_ids, g_strdup(canon), id);
		g_hash_table_insert(s->addr_id_nums, id->num, id);
	}
	if (named)
		g_hash_table_destroy(named);
}

/*
 * The smallest integer id from 1 that names no node and whose address is
 * free.  Nodes never leave the model, so an id found taken stays taken:
 * the search starts where the last one ended, not at 1 again for every
 * START_ROUTER of a long script.
 */
static char *
next_free_id(struct scenario *s)
{
	for (uint32_t i = s->id_hint > 1 ? s->id_hint : 1;; i++) {
		char *id = g_strdup_printf("%" PRIu32, i);
		struct addr a;
		bool taken = g_hash_table_lookup(s->node_by_name, id) != NULL ||
			     (s->addr_id_nums && g_hash_table_contains(s->addr_id_nums, id));

		nodeid_parse(id, &a);
		if (!taken && !scn_addr_owner(s, &a)) {
			s->id_hint = i;
			return id;
		}
		g_free(id);
	}
}

/*
 * A START_ROUTER whose id is an address: the router is named by its
 * second argument (else by the integer id addr_ids_assign() gave it) and
 * has the address of that integer id; the address it is written with is
 * an identifier the scripts use in its place.
 */
static int
start_router_addr(struct scn_ld *ld, struct scn_event *ev, const char *canon)
{
	struct scenario *s = ld->s;
	const char *ident = ev->argv[0];
	const struct scn_addr_id *id = g_hash_table_lookup(s->addr_ids, canon);
	struct scn_node *n = g_hash_table_lookup(s->node_by_name, canon);
	const char *name = ev->argc > 1 ? ev->argv[1] : id->num;
	const struct scn_node *o;
	struct addr a;
	char gets[ADDR_STRLEN];

	if (n) {
		if (ev->argc > 1 && strcmp(name, n->name) != 0)
			return scn_error_also(ld, ev->file, ev->line, n->file, n->line,
					      "START_ROUTER %s: this router is named %s (%s:%d), "
					      "not %s", ident, n->name, n->file, n->line, name);
		if (n->up)
			return scn_error_also(ld, ev->file, ev->line, n->file, n->line,
					      "START_ROUTER %s: router %s is already running "
					      "(%s:%d)", ident, n->name, n->file, n->line);
		n->up = true;
		n->life++;
		ev->create = false;
		ev->node = n;
		return 0;
	}
	/*
	 * An IPv4 id among the routers' own addresses (10.0.0.0/8) that is
	 * not the address this router gets would name one router and be
	 * another's address: a Send to it would go to the wrong router.
	 */
	if (addr_parse(ident, &a) == 0 && a.af == ADDR_V4 && addr_v4_host(&a) >> 24 == 10 &&
	    !addr_eq(&a, &id->a))
		return scn_error(ld, ev->file, ev->line, "START_ROUTER %s: an id in 10.0.0.0/8, "
				 "where the routers' own addresses are, must be the address the "
				 "router gets (%s): name it by another address, or by N, a.b or "
				 "a.b.c", ident, addr_fmt(&id->a, gets));
	if (strpbrk(name, ":/"))
		return scn_error(ld, ev->file, ev->line, "START_ROUTER %s: name \"%s\" may not "
				 "hold ':' or '/' (it names the router's captures and log lines)",
				 ident, name);
	if (name != id->num && (nodeid_parse(name, &a) == 0 || addr_parse(name, &a) == 0))
		return scn_error(ld, ev->file, ev->line, "START_ROUTER %s: name \"%s\" is a "
				 "router id or an address; a name may not be one", ident, name);
	if ((o = g_hash_table_lookup(s->node_by_name, name)))
		return scn_error_also(ld, ev->file, ev->line, o->file, o->line,
				      "START_ROUTER %s: the name \"%s\" is taken (%s:%d)", ident,
				      name, o->file, o->line);
	n = scn_node_new(s, name, ev->file, ev->line);
	n->scripted = true;
	n->router_id = id->a;
	n->exists = n->up = true;
	n->label = g_strdup(ident);
	n->ident = g_strdup(canon);
	g_hash_table_insert(s->node_by_name, n->ident, n);
	if (strcmp(n->label, n->ident) != 0)
		g_hash_table_insert(s->node_by_name, n->label, n);
	ev->create = true;
	ev->node = n;
	return scn_addr_claim(ld, n, NULL, &id->a, ev->file, ev->line, "START_ROUTER: address");
}

static int
start_router(struct scn_ld *ld, struct scn_event *ev)
{
	struct scenario *s = ld->s;
	char *id;
	struct scn_node *n;
	char buf[ADDR_STRLEN];
	struct addr a;
	int rc = 0;

	if (ev->argc > 0 && s->addr_ids && addr_ident(ev->argv[0], &a, buf))
		return start_router_addr(ld, ev, buf);
	id = ev->argc > 0 ? g_strdup(ev->argv[0]) : next_free_id(s);
	n = g_hash_table_lookup(s->node_by_name, id);

	if (n && strcmp(n->name, id) != 0) {
		rc = scn_error(ld, ev->file, ev->line, "START_ROUTER %s: \"%s\" is the name of "
			       "router %s", id, id, n->name);
	} else if (n && n->up) {
		rc = scn_error_also(ld, ev->file, ev->line, n->file, n->line, "START_ROUTER "
				    "%s: %s %s is already running (%s:%d)", id,
				    n->scripted ? "router" : "node", id, n->file, n->line);
	} else if (n) {
		n->up = true;
		n->life++;
		ev->create = false;
		ev->node = n;
	} else if (nodeid_parse(id, &a) < 0) {
		rc = scn_error(ld, ev->file, ev->line, "START_ROUTER: router id \"%s\" is not "
			       "of the form N, a.b or a.b.c, nor an IPv4 or IPv6 address "
			       "(fe80:0:0:0:0:0:0:1)", id);
	} else {
		const struct scn_addr_owner *o = scn_addr_owner(s, &a);

		if (o)
			rc = scn_error_also(ld, ev->file, ev->line, o->file, o->line,
					    "START_ROUTER %s: address %s is also on node %s "
					    "(%s, %s:%d)", id, addr_fmt(&a, buf), o->node->name,
					    o->iface ? o->iface : "router id", o->file, o->line);
		if (rc == 0) {
			n = scn_node_new(s, id, ev->file, ev->line);
			n->scripted = true;
			n->router_id = a;
			n->exists = n->up = true;
			ev->create = true;
			ev->node = n;
			scn_addr_claim(ld, n, NULL, &a, ev->file, ev->line, "START_ROUTER: address");
			if (ev->argc > 1) {
				if (g_hash_table_lookup(s->node_by_name, ev->argv[1]))
					rc = scn_error(ld, ev->file, ev->line, "START_ROUTER %s: the "
						       "name \"%s\" is taken", id, ev->argv[1]);
				else {
					n->label = g_strdup(ev->argv[1]);
					g_hash_table_insert(s->node_by_name, n->label, n);
				}
			}
		}
	}
	g_free(id);
	return rc;
}

/* A router of a script command: it must exist at the event's time. */
static struct scn_node *
need_node(struct scn_ld *ld, const struct scn_event *ev, const char *cmd, const char *name,
	  bool up)
{
	struct scn_node *n = node_lookup(ld->s, name);

	if (!n) {
		scn_error(ld, ev->file, ev->line, "%s: unknown node \"%s\" (not in the topology "
			  "and not started by an earlier START_ROUTER)", cmd, name);
		return NULL;
	}
	if (up && !n->up) {
		scn_error(ld, ev->file, ev->line, "%s: node \"%s\" is down (END_ROUTER) at "
			  "that time", cmd, name);
		return NULL;
	}
	return n;
}

static char *
pair_key(const char *a, const char *b)
{
	return strcmp(a, b) <= 0 ? g_strconcat(a, "\n", b, NULL) : g_strconcat(b, "\n", a, NULL);
}

/* Index link l by its ends, after those before it (creation order). */
static void
pair_add(struct scenario *s, struct scn_link *l)
{
	char *key = pair_key(l->node[0], l->node[1]);
	GPtrArray *v = g_hash_table_lookup(s->link_pairs, key);

	if (!v) {
		v = g_ptr_array_new();
		g_hash_table_insert(s->link_pairs, key, v);
	} else {
		g_free(key);
	}
	g_ptr_array_add(v, l);
}

/*
 * The link between two nodes, preferring the first in the wanted state,
 * else the last that exists; NULL if none.  Through the index of pairs:
 * a script of many START_LINKs costs one lookup each.
 */
static struct scn_link *
link_between(struct scenario *s, const struct scn_node *a, const struct scn_node *b,
	     bool up)
{
	struct scn_link *any = NULL;
	char *key = pair_key(a->name, b->name);
	GPtrArray *v = g_hash_table_lookup(s->link_pairs, key);

	g_free(key);
	for (guint i = 0; v && i < v->len; i++) {
		struct scn_link *l = g_ptr_array_index(v, i);

		if (!l->exists)
			continue;
		if (l->up == up)
			return l;
		any = l;
	}
	return any;
}

/*
 * The next free "ethN" of a node: the lowest N not taken.  Interfaces are
 * never removed, so the search starts where the last one ended (a hub of
 * d links costs d lookups, not d * d / 2).
 */
static char *
next_eth(struct scn_node *n)
{
	for (unsigned k = n->eth_hint;; k++) {
		char *name = g_strdup_printf("eth%u", k);

		if (!scn_node_iface(n, name)) {
			n->eth_hint = k + 1;
			return name;
		}
		g_free(name);
	}
}

static int
start_link(struct scn_ld *ld, struct scn_event *ev)
{
	struct scenario *s = ld->s;
	struct scn_node *n[2];
	struct scn_iface *ifc[2];
	struct scn_link *l;
	char err[UNITS_ERRLEN];
	uint64_t w;

	if (ev->argc == 1) {
		l = g_hash_table_lookup(s->link_by_name, ev->argv[0]);
		if (!l || !l->exists)
			return scn_error(ld, ev->file, ev->line, "START_LINK: unknown link \"%s\"",
					 ev->argv[0]);
		if (l->up)
			return scn_error(ld, ev->file, ev->line, "START_LINK: link \"%s\" is "
					 "already up", l->name);
		l->up = true;
		ev->link = l;
		return 0;
	}
	for (int k = 0; k < 2; k++)
		if (!(n[k] = need_node(ld, ev, "START_LINK", ev->argv[k], false)))
			return -1;
	if (n[0] == n[1])
		return scn_error(ld, ev->file, ev->line, "START_LINK: a link from %s to itself",
				 n[0]->name);
	if (ev->argc > 2 && units_uint("weight", ev->argv[2], 1, UINT32_MAX, &w, err,
				       sizeof(err)) < 0)
		return scn_error(ld, ev->file, ev->line, "START_LINK: %s", err);
	l = link_between(s, n[0], n[1], false);
	if (l && l->up)
		return scn_error(ld, ev->file, ev->line, "START_LINK: link \"%s\" between %s "
				 "and %s is already up", l->name, n[0]->name, n[1]->name);
	if (l) {
		l->up = true;
		ev->link = l;
		return 0;
	}
	l = scn_link_new(s, ev->file, ev->line);
	l->scripted = true;
	for (int k = 0; k < 2; k++) {
		l->node[k] = g_strdup(n[k]->name);
		if (k == 1)
			pair_add(s, l);
		l->ifname[k] = next_eth(n[k]);
		ifc[k] = scn_iface_new(n[k], l->ifname[k], IF_ETHER, ev->file, ev->line);
		ifc[k]->scripted = true;
	}
	l->name = ev->argc > 3 ? g_strdup(ev->argv[3]) :
		  g_strdup_printf("%s:%s-%s:%s", l->node[0], l->ifname[0], l->node[1],
				  l->ifname[1]);
	if (g_hash_table_lookup(s->link_by_name, l->name))
		return scn_error(ld, ev->file, ev->line, "START_LINK: duplicate link name "
				 "\"%s\"", l->name);
	g_hash_table_insert(s->link_by_name, l->name, l);
	for (int k = 0; k < 2; k++)
		ifc[k]->link = l->name;
	if (ev->argc > 2)
		scn_val_set(&l->v[LA_WEIGHT], ev->argv[2], ev->file, ev->line);
	l->exists = l->up = true;
	ev->create = true;
	ev->link = l;
	return 0;
}

static int
end_link(struct scn_ld *ld, struct scn_event *ev)
{
	struct scenario *s = ld->s;
	struct scn_node *n[2];
	struct scn_link *l;

	if (ev->argc == 1) {
		l = g_hash_table_lookup(s->link_by_name, ev->argv[0]);
		if (!l || !l->exists)
			return scn_error(ld, ev->file, ev->line, "END_LINK: unknown link \"%s\"",
					 ev->argv[0]);
	} else {
		for (int k = 0; k < 2; k++)
			if (!(n[k] = need_node(ld, ev, "END_LINK", ev->argv[k], false)))
				return -1;
		l = link_between(s, n[0], n[1], true);
		if (!l)
			return scn_error(ld, ev->file, ev->line, "END_LINK: no link between %s "
					 "and %s", n[0]->name, n[1]->name);
	}
	if (!l->up)
		return scn_error(ld, ev->file, ev->line, "END_LINK: link \"%s\" is already down",
				 l->name);
	l->up = false;
	ev->link = l;
	return 0;
}

static int
start_app(struct scn_ld *ld, struct scn_event *ev)
{
	struct scn_node *n;

	if (!(n = need_node(ld, ev, "ON_ROUTER", ev->argv[0], true)))
		return -1;
	ev->node = n;
	return ev->deferred ? 0 : scn_event_instance(ld, ev);
}

/*
 * Whether an entity's init error, "<class>: <message>", is about a file
 * its arguments name rather than about the arguments: the message starts
 * with a path, "<path>: ..." or "<path>:<line>: ..." (a configuration
 * file that cannot be read or has an error).  The synopsis of the
 * arguments would say nothing about that, so it is not added.  A path is
 * a word without space, quote or '=' that holds a '/' or names a file
 * that is there.
 */
static bool
names_a_file(const char *msg, const struct entity_class *cls)
{
	size_t cl = strlen(cls->name), len;
	char *word;
	bool file;

	if (strncmp(msg, cls->name, cl) != 0 || strncmp(msg + cl, ": ", 2) != 0)
		return false;
	msg += cl + 2;
	len = strcspn(msg, ": \t\"'=");
	if (len == 0 || msg[len] != ':')
		return false;
	word = g_strndup(msg, len);
	file = strchr(word, '/') || g_file_test(word, G_FILE_TEST_IS_REGULAR);
	g_free(word);
	return file;
}

int
scn_event_instance(struct scn_ld *ld, struct scn_event *ev)
{
	const struct entity_class *cls;
	char ebuf[512], *dir;
	struct scn_node *n = ev->node;
	struct scenario *s = ld->s;

	cls = entity_class_lookup(ev->argv[1]);
	if (!cls) {
		const struct entity_class *const *all;
		GString *g = g_string_new(NULL);
		size_t nc = 0;

		all = entity_classes(&nc);
		for (size_t i = 0; i < nc; i++)
			g_string_append_printf(g, "%s%s", i ? ", " : "", all[i]->name);
		scn_error(ld, ev->file, ev->line, "unknown class \"%s\" (known: %s)",
			  ev->argv[1], nc ? g->str : "none");
		g_string_free(g, TRUE);
		return -1;
	}
	ebuf[0] = '\0';
	/*
	 * Files the arguments name are relative to the file that names them
	 * (doc/scenario-format.md, "Paths"); a <deploy>'s own events name
	 * the files it holds in memory ("deploy:AS1/rae.xml"), as they are.
	 */
	dir = ev->deferred || !ev->file ? NULL : g_path_get_dirname(ev->file);
	if (s->addr_ids) {
		/* A router's address id stands for its address (doc/curling-format.md). */
		char **argv = g_new0(char *, (gsize)ev->argc + 1);

		for (int i = 2; i < ev->argc; i++) {
			char canon[ADDR_STRLEN], buf[ADDR_STRLEN];
			const struct scn_addr_id *id;
			struct addr a;

			if (addr_ident(ev->argv[i], &a, canon) &&
			    (id = g_hash_table_lookup(s->addr_ids, canon)))
				argv[i] = g_strdup(addr_fmt(&id->a, buf));
			else
				argv[i] = g_strdup(ev->argv[i]);
		}
		ev->ent = entity_new_life(cls, n->name, n->life, dir, ev->argc - 2, argv + 2,
					  ebuf, sizeof(ebuf));
		for (int i = 2; i < ev->argc; i++)
			g_free(argv[i]);
		g_free(argv);
	} else {
		ev->ent = entity_new_life(cls, n->name, n->life, dir, ev->argc - 2,
					  ev->argv + 2, ebuf, sizeof(ebuf));
	}
	g_free(dir);
	if (!ev->ent) {
		/* entity_new() writes "<class>: <message>". */
		if (!ebuf[0])
			snprintf(ebuf, sizeof(ebuf), "%s: bad arguments", cls->name);
		if (cls->usage && !strstr(ebuf, "usage:") && !names_a_file(ebuf, cls))
			return scn_error(ld, ev->file, ev->line, "%s (usage: %s %s)", ebuf,
					 cls->name, cls->usage);
		return scn_error(ld, ev->file, ev->line, "%s", ebuf);
	}
	return 0;
}

/* What the checks of the entity classes see: the scenario and the totals they add to. */
struct model {
	const struct scenario *s;
	GHashTable *totals;	/* name -> uint64_t*, for model_total_add() */
};

/*
 * An entity class's addr_known (ctx: the model): whether a node of
 * the scenario has a as its router id or on an interface.  After the
 * replay, s->nodes holds every node the scenario ever has; END_ROUTER
 * only marks a node down.
 */
static bool
model_addr_known(void *ctx, const struct addr *a)
{
	const struct scenario *s = ((const struct model *)ctx)->s;

	for (guint i = 0; i < s->nodes->len; i++) {
		const struct scn_node *n = g_ptr_array_index(s->nodes, i);

		if (addr_eq(&n->router_id, a))
			return true;
		for (guint k = 0; k < n->ifaces->len; k++) {
			const struct scn_iface *ifc = g_ptr_array_index(n->ifaces, k);

			for (guint j = 0; ifc->addrs && j < ifc->addrs->len; j++)
				if (addr_eq(&g_array_index(ifc->addrs, struct ifaddr, j).addr, a))
					return true;
		}
	}
	return false;
}

/*
 * An entity class's iface_known (ctx: the model): whether node has an
 * interface ifname, from the topology or a script's START_LINK; if not,
 * the names it has go to have.
 */
static bool
model_iface_known(void *ctx, const char *node, const char *ifname, char *have,
		  size_t havelen)
{
	const struct scenario *s = ((const struct model *)ctx)->s;
	const struct scn_node *n = g_hash_table_lookup(s->node_by_name, node);
	GString *g;

	if (n && scn_node_iface(n, ifname))
		return true;
	g = g_string_new(NULL);
	for (guint k = 0; n && k < n->ifaces->len; k++)
		g_string_append_printf(g, "%s%s", k ? ", " : "",
				       ((const struct scn_iface *)g_ptr_array_index(n->ifaces, k))->name);
	if (havelen)
		snprintf(have, havelen, "%s", g->str);
	g_string_free(g, TRUE);
	return false;
}

/*
 * An entity class's total_add (ctx: the model): add n to the total
 * `name` of the whole scenario, saturating, and return the new total.
 */
static uint64_t
model_total_add(void *ctx, const char *name, uint64_t n)
{
	struct model *m = ctx;
	uint64_t *t = g_hash_table_lookup(m->totals, name);

	if (!t) {
		t = g_new0(uint64_t, 1);
		g_hash_table_insert(m->totals, g_strdup(name), t);
	}
	*t = n > UINT64_MAX - *t ? UINT64_MAX : *t + n;
	return *t;
}

/*
 * Sort the events by time and replay them: check every node, link and
 * class they name, create the script's routers and links, create the
 * entity instances (running each class's init).  Then, the whole
 * scenario known, run each instance's check.
 */
int
scn_events_replay(struct scn_ld *ld)
{
	struct scenario *s = ld->s;

	scn_events_sort(s);
	addr_ids_assign(s);
	s->link_pairs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					      (GDestroyNotify)g_ptr_array_unref);
	for (guint i = 0; i < s->links->len; i++) {
		struct scn_link *l = g_ptr_array_index(s->links, i);

		if (l->node[0] && l->node[1])
			pair_add(s, l);
	}
	for (guint i = 0; i < s->events->len; i++) {
		struct scn_event *ev = g_ptr_array_index(s->events, i);
		struct scn_node *n;
		int rc = 0;

		/* Errors about the event mention the overrides it holds. */
		g_string_assign(ld->note, ev->note ? ev->note : "");
		ld->note_file = ev->file;
		ld->note_line = ev->line;
		switch (ev->kind) {
		case SEV_START_ROUTER:
			rc = start_router(ld, ev);
			break;
		case SEV_END_ROUTER:
			if (!(n = need_node(ld, ev, "END_ROUTER", ev->argv[0], true)))
				return -1;
			n->up = false;
			ev->node = n;
			break;
		case SEV_START_LINK:
			rc = start_link(ld, ev);
			break;
		case SEV_END_LINK:
			rc = end_link(ld, ev);
			break;
		case SEV_APP:
			rc = start_app(ld, ev);
			break;
		case SEV_END_SIM:
			break;
		}
		if (rc < 0)
			return -1;
	}
	return s->deploy ? 0 : scn_events_check(ld);
}

int
scn_events_check(struct scn_ld *ld)
{
	struct scenario *s = ld->s;
	struct entity_scope sc;
	struct model m;
	int failed = 0;

	/*
	 * After the replay: a router started later by a script counts.  The
	 * checks run in the events' order, so a total over the scenario is
	 * refused at the first instance that takes it past its bound.
	 */
	m.s = s;
	m.totals = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	sc.ctx = &m;
	sc.addr_known = model_addr_known;
	sc.iface_known = model_iface_known;
	sc.total_add = model_total_add;
	for (guint i = 0; i < s->events->len && !failed; i++) {
		struct scn_event *ev = g_ptr_array_index(s->events, i);
		char ebuf[512];

		if (ev->kind != SEV_APP || !ev->ent->cls->check)
			continue;
		g_string_assign(ld->note, ev->note ? ev->note : "");
		ld->note_file = ev->file;
		ld->note_line = ev->line;
		ebuf[0] = '\0';
		if (ev->ent->cls->check(ev->ent, &sc, ebuf, sizeof(ebuf)) < 0)
			failed = scn_error(ld, ev->file, ev->line, "%s: %s", ev->ent->cls->name,
					   ebuf[0] ? ebuf : "bad arguments");
	}
	g_hash_table_destroy(m.totals);
	return failed;
}
