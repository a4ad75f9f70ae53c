/*
 * script.c - the curling emulator's text scripts (doc/scenario-format.md,
 * "Curling scripts")
 * and the load-time replay of every event.
 *
 * A script has one event a line, "TIME COMMAND args": TIME in
 * milliseconds, absolute ("5000", "2.5") or relative to the previous
 * line ("+1000"), converted exactly to nanoseconds; "//" starts a comment
 * anywhere on a line.  The commands:
 *   START_ROUTER [id [name]]           a router named id (next free integer
 *                                      if absent), address from the id
 *   END_ROUTER id                      take the router down
 *   START_LINK r1 r2 [weight [name]]   a new link on the next free ethN of
 *                                      each (or bring an ended one back)
 *   START_LINK name                    bring an ended link back up
 *   END_LINK r1 r2 | END_LINK name     take the link down
 *   ON_ROUTER router Class args...     start an entity (START_APP: same)
 *   END_SIMULATION                     stop the run
 *
 * Nothing here touches a struct net.  scn_events_resolve() replays the
 * events of the whole scenario (scripts, <at>, <app>) in time order over
 * a model of the topology, so that a reference to a router that is not
 * started yet, a link that is already down or a bad entity argument is
 * reported with its file and line before anything runs.  Once the
 * replay is done, each entity class's check sees the whole scenario
 * (an address no node has is refused, even if its router starts later).
 * The actions at run time are in scenario.c (scn_ev_run).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario_int.h"

struct cmd {
	const char *name;
	enum scn_ev_kind kind;
	int min, max;		/* argument count; max -1: no limit */
	const char *usage;
};

static const struct cmd cmds[] = {
	{ "START_ROUTER", SEV_START_ROUTER, 0, 2, "START_ROUTER [id [name]]" },
	{ "END_ROUTER", SEV_END_ROUTER, 1, 1, "END_ROUTER id" },
	{ "START_LINK", SEV_START_LINK, 1, 4, "START_LINK r1 r2 [weight [name]]" },
	{ "END_LINK", SEV_END_LINK, 1, 2, "END_LINK r1 r2" },
	{ "ON_ROUTER", SEV_APP, 2, -1, "ON_ROUTER router Class args..." },
	{ "START_APP", SEV_APP, 2, -1, "START_APP router Class args..." },
	{ "END_SIMULATION", SEV_END_SIM, 0, 0, "END_SIMULATION" },
};

/* Parse one command without its time ("END_LINK 1 2") as an event at t. */
int
scn_script_command(struct scn_ld *ld, sim_time_t t, const char *cmd,
		   const char *file, int line)
{
	char **tok = g_strsplit_set(cmd, " \t\r\n", -1);
	GPtrArray *args = g_ptr_array_new();
	const struct cmd *c = NULL;
	struct scn_event *ev;
	int n;

	for (char **p = tok; *p; p++)
		if (**p)
			g_ptr_array_add(args, *p);
	if (args->len == 0) {
		scn_error(ld, file, line, "missing command");
		goto fail;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmds[i].name, g_ptr_array_index(args, 0)) == 0)
			c = &cmds[i];
	if (!c) {
		scn_error(ld, file, line, "unknown command \"%s\" (expected START_ROUTER, "
			  "END_ROUTER, START_LINK, END_LINK, ON_ROUTER, START_APP or "
			  "END_SIMULATION)", (char *)g_ptr_array_index(args, 0));
		goto fail;
	}
	n = (int)args->len - 1;
	if (n < c->min || (c->max >= 0 && n > c->max)) {
		scn_error(ld, file, line, "%s: wrong number of arguments (%d); usage: %s",
			  c->name, n, c->usage);
		goto fail;
	}
	ev = scn_event_new(ld->s, t, c->kind, file, line);
	if (ld->note->len && ld->note_file == file && ld->note_line == line)
		ev->note = g_strdup(ld->note->str);
	ev->argc = n;
	ev->argv = g_new0(char *, (gsize)n + 1);
	for (int i = 0; i < n; i++)
		ev->argv[i] = g_strdup(g_ptr_array_index(args, (guint)i + 1));
	g_ptr_array_free(args, TRUE);
	g_strfreev(tok);
	return 0;
fail:
	g_ptr_array_free(args, TRUE);
	g_strfreev(tok);
	return -1;
}

/*
 * Parse a script from text: one event a line.  first_line is the number
 * of text's first line in file; *prev is what "+N" adds to.
 */
int
scn_script_parse(struct scn_ld *ld, const char *text, const char *file,
		 int first_line, sim_time_t *prev)
{
	char **lines;
	int rc = 0;

	/* A UTF-8 byte-order mark, as some editors save text, is not content. */
	if (g_str_has_prefix(text, "\xef\xbb\xbf"))
		text += 3;
	lines = g_strsplit(text, "\n", -1);

	for (int i = 0; lines[i] && rc == 0; i++) {
		int line = first_line + i;
		char *l = lines[i], *cm, *sub, *p, *tstr;
		char err[UNITS_ERRLEN], lim[32];
		sim_time_t t, d;
		bool rel;

		if ((cm = strstr(l, "//")))
			*cm = '\0';
		g_strstrip(l);
		if (*l == '\0')
			continue;
		if (!(sub = scn_subst(ld, l, file, line))) {
			rc = -1;
			break;
		}
		for (p = sub; *p && !g_ascii_isspace(*p); p++)
			;
		tstr = g_strndup(sub, (gsize)(p - sub));
		rel = tstr[0] == '+';
		if (units_duration(rel ? "relative time" : "time", tstr + rel, UNITS_BARE_MS, 0,
				   SIM_TIME_LIMIT, &d, err, sizeof(err)) < 0) {
			rc = scn_error(ld, file, line, "%s", err);
		} else if (rel && sim_time_add(*prev, d) == SIM_TIME_NEVER) {
			rc = scn_error(ld, file, line, "relative time \"%s\": too large (the line "
				       "would run after %s, the longest time a run may reach)",
				       tstr + rel, units_fmt_duration(SIM_TIME_LIMIT, lim,
								      sizeof(lim)));
		} else {
			t = rel ? *prev + d : d;
			*prev = t;
			while (g_ascii_isspace(*p))
				p++;
			if (*p == '\0')
				rc = scn_error(ld, file, line, "missing command after the time");
			else
				rc = scn_script_command(ld, t, p, file, line);
		}
		g_free(tstr);
		g_free(sub);
	}
	g_strfreev(lines);
	return rc;
}

/* Parse a script file referenced from file:line. */
int
scn_script_load(struct scn_ld *ld, const char *ref, const char *from, int from_line)
{
	char *path = scn_path_join(from, ref);
	const char *file = scn_file(ld->s, path);
	sim_time_t prev = 0;
	char *buf;
	size_t len;
	int rc;

	g_free(path);
	if (scn_file_read(ld, file, from, from_line, "script file", &buf, &len) < 0)
		return -1;
	if (len >= 2 && ((buf[0] == '\xff' && buf[1] == '\xfe') ||
			 (buf[0] == '\xfe' && buf[1] == '\xff')))
		rc = scn_error(ld, file, 0, "a UTF-16 text (its byte-order mark says so); "
			       "save it as UTF-8");
	else if (memchr(buf, '\0', len))
		rc = scn_error(ld, file, 0, "not a text file");
	else
		rc = scn_script_parse(ld, buf, file, 1, &prev);
	g_free(buf);
	return rc;
}

/* ---- replay ---- */

static struct scn_node *
node_lookup(struct scenario *s, const char *name)
{
	struct scn_node *n = g_hash_table_lookup(s->node_by_name, name);

	return n && n->exists ? n : NULL;
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
		bool taken = g_hash_table_lookup(s->node_by_name, id) != NULL;

		nodeid_parse(id, &a);
		if (!taken && !scn_addr_owner(s, &a)) {
			s->id_hint = i;
			return id;
		}
		g_free(id);
	}
}

static int
start_router(struct scn_ld *ld, struct scn_event *ev)
{
	struct scenario *s = ld->s;
	char *id = ev->argc > 0 ? g_strdup(ev->argv[0]) : next_free_id(s);
	struct scn_node *n = g_hash_table_lookup(s->node_by_name, id);
	char buf[ADDR_STRLEN];
	struct addr a;
	int rc = 0;

	if (n && strcmp(n->name, id) != 0) {
		rc = scn_error(ld, ev->file, ev->line, "START_ROUTER %s: \"%s\" is the name of "
			       "router %s", id, id, n->name);
	} else if (n && n->up) {
		rc = scn_error(ld, ev->file, ev->line, "START_ROUTER %s: %s %s is already "
			       "running (%s:%d)", id, n->scripted ? "router" : "node", id,
			       n->file, n->line);
	} else if (n) {
		n->up = true;
		n->life++;
		ev->create = false;
		ev->node = n;
	} else if (nodeid_parse(id, &a) < 0) {
		rc = scn_error(ld, ev->file, ev->line, "START_ROUTER: router id \"%s\" is not "
			       "of the form N, a.b or a.b.c", id);
	} else {
		const struct scn_addr_owner *o = scn_addr_owner(s, &a);

		if (o)
			rc = scn_error(ld, ev->file, ev->line, "START_ROUTER %s: address %s is also "
				       "on node %s (%s, %s:%d)", id, addr_fmt(&a, buf), o->node->name,
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

/* The link between two nodes, preferring one in the wanted state; NULL if none. */
static struct scn_link *
link_between(struct scenario *s, const struct scn_node *a, const struct scn_node *b,
	     bool up)
{
	struct scn_link *any = NULL;

	for (guint i = 0; i < s->links->len; i++) {
		struct scn_link *l = g_ptr_array_index(s->links, i);

		if (!l->exists)
			continue;
		if ((strcmp(l->node[0], a->name) == 0 && strcmp(l->node[1], b->name) == 0) ||
		    (strcmp(l->node[0], b->name) == 0 && strcmp(l->node[1], a->name) == 0)) {
			if (l->up == up)
				return l;
			any = l;
		}
	}
	return any;
}

/* The next free "ethN" of a node. */
static char *
next_eth(const struct scn_node *n)
{
	for (unsigned k = 0;; k++) {
		char *name = g_strdup_printf("eth%u", k);

		if (!scn_node_iface(n, name))
			return name;
		g_free(name);
	}
}

static int
start_link(struct scn_ld *ld, struct scn_event *ev)
{
	struct scenario *s = ld->s;
	struct scn_node *n[2];
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
		struct scn_iface *ifc;

		l->node[k] = g_strdup(n[k]->name);
		l->ifname[k] = next_eth(n[k]);
		ifc = scn_iface_new(n[k], l->ifname[k], IF_ETHER, ev->file, ev->line);
		ifc->scripted = true;
	}
	l->name = ev->argc > 3 ? g_strdup(ev->argv[3]) :
		  g_strdup_printf("%s:%s-%s:%s", l->node[0], l->ifname[0], l->node[1],
				  l->ifname[1]);
	if (g_hash_table_lookup(s->link_by_name, l->name))
		return scn_error(ld, ev->file, ev->line, "START_LINK: duplicate link name "
				 "\"%s\"", l->name);
	g_hash_table_insert(s->link_by_name, l->name, l);
	for (int k = 0; k < 2; k++)
		scn_node_iface(n[k], l->ifname[k])->link = l->name;
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
	const struct entity_class *cls;
	char ebuf[512];
	struct scn_node *n;

	if (!(n = need_node(ld, ev, "ON_ROUTER", ev->argv[0], true)))
		return -1;
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
	ev->ent = entity_new_life(cls, n->name, n->life, ev->argc - 2, ev->argv + 2, ebuf,
				  sizeof(ebuf));
	if (!ev->ent) {
		/* entity_new() writes "<class>: <message>". */
		if (!ebuf[0])
			snprintf(ebuf, sizeof(ebuf), "%s: bad arguments", cls->name);
		if (cls->usage && !strstr(ebuf, "usage:"))
			return scn_error(ld, ev->file, ev->line, "%s (usage: %s %s)", ebuf,
					 cls->name, cls->usage);
		return scn_error(ld, ev->file, ev->line, "%s", ebuf);
	}
	ev->node = n;
	return 0;
}

/*
 * An entity class's addr_known (ctx: the scenario): whether a node of
 * the scenario has a as its router id or on an interface.  After the
 * replay, s->nodes holds every node the scenario ever has; END_ROUTER
 * only marks a node down.
 */
static bool
model_addr_known(void *ctx, const struct addr *a)
{
	const struct scenario *s = ctx;

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
 * An entity class's iface_known (ctx: the scenario): whether node has an
 * interface ifname, from the topology or a script's START_LINK; if not,
 * the names it has go to have.
 */
static bool
model_iface_known(void *ctx, const char *node, const char *ifname, char *have,
		  size_t havelen)
{
	const struct scenario *s = ctx;
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
 * Sort the events by time and replay them: check every node, link and
 * class they name, create the script's routers and links, create the
 * entity instances (running each class's init).  Then, the whole
 * scenario known, run each instance's check.
 */
int
scn_events_resolve(struct scn_ld *ld)
{
	struct scenario *s = ld->s;
	struct entity_scope sc;

	scn_events_sort(s);
	for (guint i = 0; i < s->events->len; i++) {
		struct scn_event *ev = g_ptr_array_index(s->events, i);
		struct scn_node *n;
		int rc = 0;

		/* Errors about the event mention the --set values it holds. */
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
	/* After the loop: a router started later by a script counts. */
	sc.ctx = s;
	sc.addr_known = model_addr_known;
	sc.iface_known = model_iface_known;
	for (guint i = 0; i < s->events->len; i++) {
		struct scn_event *ev = g_ptr_array_index(s->events, i);
		char ebuf[512];

		if (ev->kind != SEV_APP || !ev->ent->cls->check)
			continue;
		g_string_assign(ld->note, ev->note ? ev->note : "");
		ld->note_file = ev->file;
		ld->note_line = ev->line;
		ebuf[0] = '\0';
		if (ev->ent->cls->check(ev->ent, &sc, ebuf, sizeof(ebuf)) < 0)
			return scn_error(ld, ev->file, ev->line, "%s: %s", ev->ent->cls->name,
					 ebuf[0] ? ebuf : "bad arguments");
	}
	return 0;
}
