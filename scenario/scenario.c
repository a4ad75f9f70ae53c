/*
 * scenario.c - the scenario API: load, instantiate, describe.
 *
 * scenario_load() drives the loader (scenario_int.h): read the files
 * (scenario_xml.c, script.c), apply --set, replay the events to check
 * them, parse every value (params.c).  scenario_instantiate() then turns
 * the description into nodes, interfaces, links and routes of a struct
 * net and schedules the events, whose actions are below (scn_ev_run).
 *
 * Curling routers (START_ROUTER) are named by their id and addressed by
 * nodeid_parse(); each START_LINK gives both routers the next free
 * ethN, with the router's address as a /32 so ARP works on the unnumbered
 * link, and routing among them is shortest-path, recomputed after every
 * change of the topology, as the curling emulator's routers do on their
 * own (doc/scenario-format.md, "Curling scripts").
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario_int.h"
#include "sim/log.h"

#define INST_CHECK_EVERY	4096	/* nodes or links between interrupt checks */

/* Record the first error as "file:line: message". Returns -1. */
int
scn_error(struct scn_ld *ld, const char *file, int line, const char *fmt, ...)
{
	char msg[4096], *vis, *shown;
	va_list ap;

	if (ld->failed)
		return -1;
	ld->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* A value from --set: say so, the file alone would mislead. */
	if (ld->note && ld->note->len && file && file == ld->note_file &&
	    line == ld->note_line) {
		size_t n = strlen(msg);

		snprintf(msg + n, sizeof(msg) - n, " (with %s)", ld->note->str);
	}
	/* What the user wrote may hold characters a terminal does not show. */
	if (file && line > 0)
		vis = g_strdup_printf("%s:%d: %s", file, line, msg);
	else if (file)
		vis = g_strdup_printf("%s: %s", file, msg);
	else
		vis = g_strdup(msg);
	shown = log_escape(vis);
	snprintf(ld->err, ld->errlen, "%s", shown);
	g_free(shown);
	g_free(vis);
	return -1;
}

/* A file name owned by the scenario, to cite in errors. */
const char *
scn_file(struct scenario *s, const char *path)
{
	for (guint i = 0; i < s->files->len; i++)
		if (strcmp(g_ptr_array_index(s->files, i), path) == 0)
			return g_ptr_array_index(s->files, i);
	g_ptr_array_add(s->files, g_strdup(path));
	return g_ptr_array_index(s->files, s->files->len - 1);
}

/*
 * A file of the scenario.  A billion START_ROUTER lines or <node>
 * elements would fill the memory with their text before any count could
 * be checked, so what is read is bounded: a regular file by its size
 * before reading, anything else (/dev/zero, a FIFO) after SCN_FILE_MAX + 1
 * bytes.
 */
int
scn_file_read(struct scn_ld *ld, const char *path, const char *from, int from_line,
	      const char *what, char **buf, size_t *len)
{
	char why[256];
	int rc = fileio_read(path, SCN_FILE_MAX, buf, len);

	if (rc == FILEIO_OK)
		return 0;
	fileio_strerror(rc, *len, SCN_FILE_MAX, "scenario, topology or script file", why,
			sizeof(why));
	if (rc == FILEIO_ERR && from)
		return scn_error(ld, from, from_line, "cannot read %s \"%s\": %s", what, path,
				 why);
	if (rc == FILEIO_ERR)
		return scn_error(ld, path, 0, "cannot read the %s: %s", what, why);
	if (from)
		return scn_error(ld, from, from_line, "\"%s\" %s%s", path,
				 rc == FILEIO_TOO_LARGE ? "is " : "", why);
	return scn_error(ld, path, 0, "%s", why);
}

/* The path of `ref` as written in `from`: relative to from's folder. */
char *
scn_path_join(const char *from, const char *ref)
{
	char *dir, *p;

	if (g_path_is_absolute(ref))
		return g_strdup(ref);
	dir = g_path_get_dirname(from);
	if (strcmp(dir, ".") == 0)
		p = g_strdup(ref);
	else
		p = g_build_filename(dir, ref, NULL);
	g_free(dir);
	return p;
}

struct scn_node *
scn_node_new(struct scenario *s, const char *name, const char *file, int line)
{
	struct scn_node *n = g_new0(struct scn_node, 1);

	n->name = g_strdup(name);
	n->ifaces = g_ptr_array_new();
	n->routes = g_array_new(FALSE, TRUE, sizeof(struct scn_route));
	n->file = file;
	n->line = line;
	g_ptr_array_add(s->nodes, n);
	g_hash_table_insert(s->node_by_name, n->name, n);
	return n;
}

/* IPv6 fe80::/10: every link has its own, the same on two nodes is fine. */
static bool
addr_link_local(const struct addr *a)
{
	return a->af == ADDR_V6 && a->a[0] == 0xfe && (a->a[1] & 0xc0) == 0x80;
}

int
scn_addr_claim(struct scn_ld *ld, const struct scn_node *n, const char *iface,
	       const struct addr *a, const char *file, int line, const char *what)
{
	struct scn_addr_owner *o;
	char buf[ADDR_STRLEN];

	if (addr_is_unset(a) || addr_link_local(a))
		return 0;
	o = g_hash_table_lookup(ld->s->addr_owner, a);
	if (o && o->node != n)
		return scn_error(ld, file, line, "%s %s is also on node %s (%s, %s:%d)", what,
				 addr_fmt(a, buf), o->node->name,
				 o->iface ? o->iface : "router id", o->file, o->line);
	if (o)
		return 0;
	o = g_new0(struct scn_addr_owner, 1);
	o->a = *a;
	o->node = n;
	o->iface = iface;
	o->file = file;
	o->line = line;
	g_hash_table_insert(ld->s->addr_owner, &o->a, o);
	return 0;
}

const struct scn_addr_owner *
scn_addr_owner(const struct scenario *s, const struct addr *a)
{
	return g_hash_table_lookup(s->addr_owner, a);
}

struct scn_iface *
scn_iface_new(struct scn_node *n, const char *name, enum iface_kind kind,
	      const char *file, int line)
{
	struct scn_iface *ifc = g_new0(struct scn_iface, 1);

	ifc->name = g_strdup(name);
	ifc->kind = kind;
	ifc->addrs = g_array_new(FALSE, TRUE, sizeof(struct ifaddr));
	ifc->file = file;
	ifc->line = line;
	g_ptr_array_add(n->ifaces, ifc);
	return ifc;
}

struct scn_iface *
scn_node_iface(const struct scn_node *n, const char *name)
{
	for (guint i = 0; i < n->ifaces->len; i++) {
		struct scn_iface *ifc = g_ptr_array_index(n->ifaces, i);

		if (strcmp(ifc->name, name) == 0)
			return ifc;
	}
	return NULL;
}

struct scn_link *
scn_link_new(struct scenario *s, const char *file, int line)
{
	struct scn_link *l = g_new0(struct scn_link, 1);

	l->file = file;
	l->line = line;
	g_ptr_array_add(s->links, l);
	return l;
}

struct scn_event *
scn_event_new(struct scenario *s, sim_time_t t, enum scn_ev_kind kind,
	      const char *file, int line)
{
	struct scn_event *ev = g_new0(struct scn_event, 1);

	ev->t = t;
	ev->seq = s->next_seq++;
	ev->kind = kind;
	ev->file = file;
	ev->line = line;
	g_ptr_array_add(s->events, ev);
	return ev;
}

static int
ev_cmp(gconstpointer a, gconstpointer b)
{
	const struct scn_event *x = *(struct scn_event *const *)a;
	const struct scn_event *y = *(struct scn_event *const *)b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

static struct scenario *
scenario_new(const char *path)
{
	struct scenario *s = g_new0(struct scenario, 1);
	char *base, *dot;

	s->path = g_strdup(path);
	base = g_path_get_basename(path);
	if ((dot = strrchr(base, '.')) && dot != base)
		*dot = '\0';
	s->name = base;
	s->files = g_ptr_array_new_with_free_func(g_free);
	s->params = g_ptr_array_new();
	s->domains = g_ptr_array_new();
	s->nodes = g_ptr_array_new();
	s->links = g_ptr_array_new();
	s->events = g_ptr_array_new();
	s->node_by_name = g_hash_table_new(g_str_hash, g_str_equal);
	s->link_by_name = g_hash_table_new(g_str_hash, g_str_equal);
	s->addr_owner = g_hash_table_new_full((GHashFunc)addr_hash, (GEqualFunc)addr_equal,
					      NULL, g_free);
	s->ro.end_time = SIM_TIME_MAX;
	s->ro.seed = 1;
	s->ro.run = 1;
	s->ro.pcap = "all";
	s->ro.snaplen = 65535;
	s->ro.log_spec = "info";
	s->ro.scheduler = NULL;
	return s;
}

/*
 * Load and check a scenario: read the files, apply the overrides in two
 * stages (those that exist before the events are replayed, then the
 * links the scripts create), replay the events, parse every value.
 */
struct scenario *
scenario_load(const char *path, const struct scn_override *ov, size_t nov,
	      char *err, size_t errlen)
{
	struct scn_ld ld = {
		.err = err, .errlen = errlen, .ov = ov, .nov = nov,
	};

	if (errlen)
		err[0] = '\0';
	ld.s = scenario_new(path);
	ld.ov_used = g_new0(bool, nov ? nov : 1);
	ld.note = g_string_new(NULL);
	if (scn_xml_load(&ld, path) < 0)
		goto fail;
	if (scn_events_resolve(&ld) < 0)
		goto fail;
	if (scn_overrides_apply(&ld, 1) < 0 || scn_overrides_apply(&ld, 2) < 0)
		goto fail;
	if (scn_values_parse(&ld) < 0 || scn_limits_check(&ld) < 0)
		goto fail;
	g_free(ld.ov_used);
	g_string_free(ld.note, TRUE);
	return ld.s;
fail:
	if (!ld.failed)
		scn_error(&ld, path, 0, "cannot load the scenario");
	g_free(ld.ov_used);
	g_string_free(ld.note, TRUE);
	scenario_free(ld.s);
	return NULL;
}

static void
node_free(struct scn_node *n)
{
	for (guint i = 0; i < n->ifaces->len; i++) {
		struct scn_iface *ifc = g_ptr_array_index(n->ifaces, i);

		g_free(ifc->name);
		g_free(ifc->parent);
		g_array_free(ifc->addrs, TRUE);
		g_free(ifc);
	}
	g_ptr_array_free(n->ifaces, TRUE);
	for (guint i = 0; i < n->routes->len; i++)
		g_free(g_array_index(n->routes, struct scn_route, i).dev);
	g_array_free(n->routes, TRUE);
	g_free(n->name);
	g_free(n->label);
	g_free(n->domain);
	g_free(n);
}

/*
 * Free the description and every entity instance, started or not (a
 * node's list of entities does not own them): call it after
 * net_destroy(), which stops them.
 */
void
scenario_free(struct scenario *s)
{
	if (!s)
		return;
	for (guint i = 0; i < s->events->len; i++) {
		struct scn_event *ev = g_ptr_array_index(s->events, i);

		if (ev->ent)
			entity_free(ev->ent);
		g_strfreev(ev->argv);
		g_free(ev->note);
		g_free(ev);
	}
	g_ptr_array_free(s->events, TRUE);
	for (guint i = 0; i < s->links->len; i++) {
		struct scn_link *l = g_ptr_array_index(s->links, i);

		for (int a = 0; a < LA_COUNT; a++)
			scn_val_clear(&l->v[a]);
		g_free(l->name);
		for (int k = 0; k < 2; k++) {
			g_free(l->node[k]);
			g_free(l->ifname[k]);
		}
		g_free(l);
	}
	g_ptr_array_free(s->links, TRUE);
	for (guint i = 0; i < s->nodes->len; i++)
		node_free(g_ptr_array_index(s->nodes, i));
	g_ptr_array_free(s->nodes, TRUE);
	for (guint i = 0; i < s->domains->len; i++) {
		struct scn_domain *d = g_ptr_array_index(s->domains, i);

		g_free(d->name);
		g_free(d->asn);
		g_free(d->prefixes);
		g_free(d);
	}
	g_ptr_array_free(s->domains, TRUE);
	for (guint i = 0; i < s->params->len; i++) {
		struct scn_param *p = g_ptr_array_index(s->params, i);

		g_free(p->name);
		g_free(p->value);
		g_strfreev(p->sets);
		g_free(p);
	}
	g_ptr_array_free(s->params, TRUE);
	for (int o = 0; o < RO_COUNT; o++) {
		scn_val_clear(&s->run[o]);
		g_free(s->run_str[o]);
	}
	for (int a = 0; a < LA_COUNT; a++)
		scn_val_clear(&s->ldef[a]);
	g_hash_table_destroy(s->node_by_name);
	g_hash_table_destroy(s->link_by_name);
	g_hash_table_destroy(s->addr_owner);
	g_ptr_array_free(s->files, TRUE);
	g_free(s->topo_name);
	g_free(s->path);
	g_free(s->name);
	g_free(s);
}

/* Name of the scenario (its name attribute, or the file's base name). */
const char *
scenario_name(const struct scenario *s)
{
	return s->name;
}

const char *
scenario_path(const struct scenario *s)
{
	return s->path;
}

const struct scn_run_opts *
scenario_run_opts(const struct scenario *s)
{
	return &s->ro;
}

static void
print_param(void *ctx, const char *name, const char *value)
{
	fprintf(ctx, "%s=%s\n", name, value);
}

/* Every --set name, one a line, as NAME=VALUE with its current value. */
void
scenario_list_params(const struct scenario *s, FILE *out)
{
	scn_params_foreach(s, print_param, out);
}

/* ---- instantiation and the events' actions ---- */

/* The interface of a script link on node n, with n's address as a /32. */
static struct iface *
script_iface(struct node *n, const char *name)
{
	struct iface *ifc = node_iface(n, name);

	if (ifc)
		return ifc;
	ifc = iface_add_ether(n, name);
	if (ifc && !addr_is_unset(&n->router_id))
		iface_addr_add(ifc, &n->router_id, 32);
	return ifc;
}

static void
routes_changed(struct net *net)
{
	if (net->auto_routes)
		net_compute_routes(net);
}

static void
log_ev(struct net *net, const struct scn_event *ev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
log_ev(struct net *net, const struct scn_event *ev, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_line(&net->log, LOG_INFO, ev->node ? ev->node->name : NULL, "scenario",
		 NULL, "%s (%s:%d)", msg, ev->file, ev->line);
}

/* Run one event of the scenario at its time (ctx: the scenario, arg: the event). */
static void
scn_ev_run(struct sim *sim, void *ctx, void *arg)
{
	struct scenario *s = ctx;
	struct scn_event *ev = arg;
	struct net *net = s->net;
	struct node *n = ev->node ? net_node(net, ev->node->name) : NULL;
	struct link *l;

	switch (ev->kind) {
	case SEV_START_ROUTER:
		if (!n) {
			n = node_create(net, ev->node->name);
			if (!n)
				break;
			n->forwarding = true;
			n->router_id = ev->node->router_id;
		} else {
			node_set_up(n, true);
		}
		log_ev(net, ev, "router %s started", ev->node->name);
		routes_changed(net);
		break;
	case SEV_END_ROUTER:
		if (n)
			node_set_up(n, false);
		log_ev(net, ev, "router %s ended", ev->node->name);
		routes_changed(net);
		break;
	case SEV_START_LINK:
		l = net_link(net, ev->link->name);
		if (!l) {
			struct node *a = net_node(net, ev->link->node[0]);
			struct node *b = net_node(net, ev->link->node[1]);
			struct iface *ia, *ib;

			if (!a || !b)
				break;
			ia = script_iface(a, ev->link->ifname[0]);
			ib = script_iface(b, ev->link->ifname[1]);
			if (!ia || !ib)
				break;
			l = link_create(net, ev->link->name, ia, ib, &ev->link->p);
		} else {
			link_set_up(l, true);
		}
		log_ev(net, ev, "link %s started", ev->link->name);
		routes_changed(net);
		break;
	case SEV_END_LINK:
		l = net_link(net, ev->link->name);
		if (l)
			link_set_up(l, false);
		log_ev(net, ev, "link %s ended", ev->link->name);
		routes_changed(net);
		break;
	case SEV_APP:
		/* entity_start() adds the instance to n->entities; we keep owning it. */
		if (n && ev->ent)
			entity_start(ev->ent, n);
		break;
	case SEV_END_SIM:
		log_ev(net, ev, "END_SIMULATION");
		sim_stop(sim);
		break;
	}
}

static int
inst_error(char *err, size_t errlen, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static int
inst_error(char *err, size_t errlen, const char *file, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s:%d: %s", file, line, msg);
	return -1;
}

static int
inst_addrs(struct iface *ifc, const struct scn_iface *si, char *err, size_t errlen)
{
	for (guint k = 0; k < si->addrs->len; k++) {
		const struct ifaddr *a = &g_array_index(si->addrs, struct ifaddr, k);
		char buf[ADDR_STRLEN];

		if (iface_addr_add(ifc, &a->addr, a->plen) < 0)
			return inst_error(err, errlen, si->file, si->line,
					  "%s: cannot add address %s/%u (too many?)",
					  si->name, addr_fmt(&a->addr, buf), a->plen);
	}
	return 0;
}

/* Create one node of the topology with its interfaces and addresses. */
static int
inst_node(struct net *net, const struct scn_node *sn, char *err, size_t errlen)
{
	struct node *n = node_create(net, sn->name);

	if (!n)
		return inst_error(err, errlen, sn->file, sn->line,
				  "cannot create node \"%s\": %s", sn->name, strerror(errno));
	n->forwarding = !sn->host;
	n->router_id = sn->router_id;
	/* Parents first: a VLAN or a tunnel may be declared before them. */
	for (int pass = 0; pass < 3; pass++) {
		for (guint i = 0; i < sn->ifaces->len; i++) {
			const struct scn_iface *si = g_ptr_array_index(sn->ifaces, i);
			struct iface *ifc = NULL;

			if (si->scripted || (int)si->kind != (pass == 0 ? IF_ETHER :
							       pass == 1 ? IF_VLAN : IF_GRE))
				continue;
			switch (si->kind) {
			case IF_ETHER:
				ifc = iface_add_ether(n, si->name);
				break;
			case IF_VLAN:
				ifc = node_iface(n, si->parent);
				ifc = ifc ? iface_add_vlan(n, ifc, si->vid) : NULL;
				break;
			case IF_GRE:
				ifc = iface_add_gre(n, si->name, &si->gre_local, &si->gre_remote);
				break;
			}
			if (!ifc)
				return inst_error(err, errlen, si->file, si->line,
						  "node %s: cannot add interface %s", sn->name,
						  si->name);
			if (inst_addrs(ifc, si, err, errlen) < 0)
				return -1;
		}
	}
	return 0;
}

static int
inst_routes(struct net *net, const struct scn_node *sn, char *err, size_t errlen)
{
	struct node *n = net_node(net, sn->name);

	for (guint i = 0; i < sn->routes->len; i++) {
		const struct scn_route *sr = &g_array_index(sn->routes, struct scn_route, i);
		struct route r;

		memset(&r, 0, sizeof(r));
		r.dst = sr->dst;
		r.gw = sr->gw;
		r.metric = sr->metric;
		r.automatic = false;
		r.ifc = node_iface(n, sr->dev);
		if (!r.ifc || route_add(n, &r) < 0)
			return inst_error(err, errlen, sr->file, sr->line,
					  "node %s: cannot add the route", sn->name);
	}
	return 0;
}

/*
 * Build the topology in net, set its routing and schedule every event on
 * net->sim.  A scenario is instantiated once: its entity instances are
 * started on the nodes, but the scenario keeps owning them.  Gives up
 * (-1, "interrupted") when sim_interrupt() is called meanwhile.
 */
int
scenario_instantiate(struct scenario *s, struct net *net, char *err, size_t errlen)
{
	if (s->net) {
		snprintf(err, errlen, "%s: the scenario is already instantiated", s->path);
		return -1;
	}
	s->net = net;
	for (guint i = 0; i < s->nodes->len; i++) {
		const struct scn_node *sn = g_ptr_array_index(s->nodes, i);

		if (i % INST_CHECK_EVERY == 0 && sim_interrupted())
			goto interrupted;
		if (!sn->scripted && inst_node(net, sn, err, errlen) < 0)
			return -1;
	}
	for (guint i = 0; i < s->links->len; i++) {
		const struct scn_link *sl = g_ptr_array_index(s->links, i);
		struct node *a, *b;
		struct iface *ia, *ib;

		if (i % INST_CHECK_EVERY == 0 && sim_interrupted())
			goto interrupted;
		if (sl->scripted)
			continue;
		a = net_node(net, sl->node[0]);
		b = net_node(net, sl->node[1]);
		ia = a ? node_iface(a, sl->ifname[0]) : NULL;
		ib = b ? node_iface(b, sl->ifname[1]) : NULL;
		if (!ia || !ib || !link_create(net, sl->name, ia, ib, &sl->p))
			return inst_error(err, errlen, sl->file, sl->line,
					  "cannot create link \"%s\"", sl->name);
	}
	for (guint i = 0; i < s->nodes->len; i++) {
		const struct scn_node *sn = g_ptr_array_index(s->nodes, i);

		if (!sn->scripted && inst_routes(net, sn, err, errlen) < 0)
			return -1;
	}
	net->auto_routes = s->auto_routes;
	if (net->auto_routes)
		net_compute_routes(net);
	if (sim_interrupted())
		goto interrupted;
	for (guint i = 0; i < s->events->len; i++) {
		struct scn_event *ev = g_ptr_array_index(s->events, i);

		/* All of them: the command line may move the end time. */
		if (!sim_schedule_at(net->sim, ev->t, scn_ev_run, s, ev))
			return inst_error(err, errlen, ev->file, ev->line,
					  "cannot schedule the event");
	}
	return 0;

interrupted:
	snprintf(err, errlen, "%s: interrupted while the network was built", s->path);
	return -1;
}

/* ---- Graphviz ---- */

/* Write s as a DOT string, quoted and escaped. */
static void
dot_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '\n') {
			fputs("\\n", out);
			continue;
		}
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void
dot_node(FILE *out, const struct scn_node *n, const char *indent)
{
	GString *label = g_string_new(n->name);
	char buf[ADDR_STRLEN];

	if (n->label)
		g_string_append_printf(label, " (%s)", n->label);
	if (!addr_is_unset(&n->router_id))
		g_string_append_printf(label, "\n%s", addr_fmt(&n->router_id, buf));
	for (guint i = 0; i < n->ifaces->len; i++) {
		const struct scn_iface *ifc = g_ptr_array_index(n->ifaces, i);

		for (guint k = 0; k < ifc->addrs->len; k++) {
			const struct ifaddr *a = &g_array_index(ifc->addrs, struct ifaddr, k);

			g_string_append_printf(label, "\n%s %s/%u", ifc->name,
					       addr_fmt(&a->addr, buf), a->plen);
		}
	}
	fprintf(out, "%s", indent);
	dot_str(out, n->name);
	fprintf(out, " [label=");
	dot_str(out, label->str);
	fprintf(out, ", shape=%s];\n", n->host ? "ellipse" : "box");
	g_string_free(label, TRUE);
}

/* The node of the topology that has address a on one of its interfaces. */
static const struct scn_node *
node_with_addr(const struct scenario *s, const struct addr *a)
{
	for (guint i = 0; i < s->nodes->len; i++) {
		const struct scn_node *n = g_ptr_array_index(s->nodes, i);

		for (guint j = 0; j < n->ifaces->len; j++) {
			const struct scn_iface *ifc = g_ptr_array_index(n->ifaces, j);

			for (guint k = 0; k < ifc->addrs->len; k++)
				if (addr_eq(&g_array_index(ifc->addrs, struct ifaddr, k).addr, a))
					return n;
		}
	}
	return NULL;
}

/*
 * The topology as an undirected graph: nodes grouped by domain, links
 * labelled with bandwidth and delay, GRE tunnels as dashed edges.  For a
 * curling script: every router and link the script starts.
 */
void
scenario_write_dot(const struct scenario *s, FILE *out)
{
	char bw[64], dl[64];

	fprintf(out, "graph ");
	dot_str(out, s->name);
	fprintf(out, " {\n\tnode [fontname=\"Helvetica\", fontsize=10];\n"
		"\tedge [fontname=\"Helvetica\", fontsize=9];\n");
	for (guint d = 0; d < s->domains->len; d++) {
		const struct scn_domain *dom = g_ptr_array_index(s->domains, d);
		GString *label = g_string_new(dom->name);
		char *cl = g_strdup_printf("cluster_%s", dom->name);

		if (dom->asn)
			g_string_append_printf(label, " AS%s", dom->asn);
		if (dom->prefixes)
			g_string_append_printf(label, "\n%s", dom->prefixes);
		fprintf(out, "\tsubgraph ");
		dot_str(out, cl);
		fprintf(out, " {\n\t\tlabel=");
		dot_str(out, label->str);
		fprintf(out, ";\n");
		for (guint i = 0; i < s->nodes->len; i++) {
			const struct scn_node *n = g_ptr_array_index(s->nodes, i);

			if (n->domain && strcmp(n->domain, dom->name) == 0)
				dot_node(out, n, "\t\t");
		}
		fprintf(out, "\t}\n");
		g_string_free(label, TRUE);
		g_free(cl);
	}
	for (guint i = 0; i < s->nodes->len; i++) {
		const struct scn_node *n = g_ptr_array_index(s->nodes, i);

		if (!n->domain)
			dot_node(out, n, "\t");
	}
	for (guint i = 0; i < s->links->len; i++) {
		const struct scn_link *l = g_ptr_array_index(s->links, i);
		char *label = g_strdup_printf("%s %s", units_fmt_rate(l->p.bandwidth_bps,
									 bw, sizeof(bw)),
					      units_fmt_duration(l->p.delay, dl, sizeof(dl)));

		fprintf(out, "\t");
		dot_str(out, l->node[0]);
		fprintf(out, " -- ");
		dot_str(out, l->node[1]);
		fprintf(out, " [label=");
		dot_str(out, label);
		fprintf(out, ", taillabel=");
		dot_str(out, l->ifname[0]);
		fprintf(out, ", headlabel=");
		dot_str(out, l->ifname[1]);
		fprintf(out, "%s];\n", l->scripted ? ", style=bold" : "");
		g_free(label);
	}
	for (guint i = 0; i < s->nodes->len; i++) {
		const struct scn_node *n = g_ptr_array_index(s->nodes, i);

		for (guint j = 0; j < n->ifaces->len; j++) {
			const struct scn_iface *ifc = g_ptr_array_index(n->ifaces, j);
			const struct scn_node *peer;

			/* Each tunnel once: from the end with the smaller name. */
			if (ifc->kind != IF_GRE ||
			    !(peer = node_with_addr(s, &ifc->gre_remote)) || peer == n)
				continue;
			if (strcmp(n->name, peer->name) > 0)
				continue;
			fprintf(out, "\t");
			dot_str(out, n->name);
			fprintf(out, " -- ");
			dot_str(out, peer->name);
			fprintf(out, " [style=dashed, label=");
			dot_str(out, ifc->name);
			fprintf(out, "];\n");
		}
	}
	fprintf(out, "}\n");
}

/* Sort the events by (time, order of appearance). */
void
scn_events_sort(struct scenario *s)
{
	g_ptr_array_sort(s->events, ev_cmp);
}

/*
 * Refuse a scenario the machine could not hold once built, citing the
 * node or link that goes past the limit (scenario_int.h, SCN_*_MAX):
 *  1. at most SCN_NODES_MAX nodes and SCN_LINKS_MAX links, counting
 *     those the scripts start;
 *  2. with shortest-path routing every node gets a route to every
 *     prefix of the others: nodes times prefixes at most SCN_ROUTES_MAX.
 * Runs once the events are replayed and the values parsed, so the
 * routing and the scripts' routers are known.
 */
int
scn_limits_check(struct scn_ld *ld)
{
	struct scenario *s = ld->s;
	const struct scn_node *over = NULL;
	uint64_t prefixes = 0;

	if (s->nodes->len > SCN_NODES_MAX) {
		const struct scn_node *n = g_ptr_array_index(s->nodes, SCN_NODES_MAX);

		return scn_error(ld, n->file, n->line, "node %s: more than %u nodes, the most "
				 "a scenario may have", n->name, SCN_NODES_MAX);
	}
	if (s->links->len > SCN_LINKS_MAX) {
		const struct scn_link *l = g_ptr_array_index(s->links, SCN_LINKS_MAX);

		return scn_error(ld, l->file, l->line, "link %s: more than %u links, the most "
				 "a scenario may have", l->name, SCN_LINKS_MAX);
	}
	if (!s->auto_routes)
		return 0;
	for (guint i = 0; i < s->nodes->len; i++) {
		const struct scn_node *n = g_ptr_array_index(s->nodes, i);

		prefixes += !addr_is_unset(&n->router_id);
		for (guint k = 0; k < n->ifaces->len; k++)
			prefixes += ((const struct scn_iface *)g_ptr_array_index(n->ifaces, k))->addrs->len;
		if (!over && (uint64_t)(i + 1) * prefixes > SCN_ROUTES_MAX)
			over = n;
	}
	if (over)
		return scn_error(ld, over->file, over->line, "node %s: shortest-path routing over "
				 "%u nodes and %" PRIu64 " prefixes would install about %" PRIu64
				 " routes, more than the %u a run may hold; use routing=\"static\" "
				 "or fewer nodes", over->name, s->nodes->len, prefixes,
				 (uint64_t)s->nodes->len * prefixes, SCN_ROUTES_MAX);
	return 0;
}
