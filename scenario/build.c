/*
 * build.c - a loaded scenario made real: scenario_instantiate() creates
 * the nodes, interfaces, links and routes of the description in a struct
 * net and schedules its events; scn_ev_run() does what an event says at
 * its time.
 *
 * Curling routers (START_ROUTER) are named by their id and addressed by
 * nodeid_parse() (entities/nodeid.h) when the scenario is loaded; each
 * START_LINK gives both routers the next free ethN, with the router's
 * address as a /32 so ARP works on the unnumbered link, and routing
 * among them is shortest-path, recomputed after every change of the
 * topology, as the curling emulator's routers do on their own
 * (doc/scenario-format.md, "Curling scripts").
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scenario/scenario_int.h"
#include "sim/log.h"

#define INST_CHECK_EVERY	4096	/* nodes or links between interrupt checks */

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

/* Log the notes of the loader (a usr <SimOptions> file's parts) at time 0. */
static void
scn_notes_run(struct sim *sim, void *ctx, void *arg)
{
	struct scenario *s = ctx;

	for (guint i = 0; i < s->notes->len; i++)
		log_line(&s->net->log, LOG_INFO, NULL, "scenario", NULL, "%s",
			 (const char *)g_ptr_array_index(s->notes, i));
}

/* Run one event of the scenario at its time (ctx: the scenario, arg: the event). */
static void
scn_ev_run(struct sim *sim, void *ctx, void *arg)
{
	struct scenario *s = ctx;
	struct scn_event *ev = arg;
	struct net *net = s->net;
	struct node *n = ev->node ? net_node(net, ev->node->name) : NULL;
	uint32_t actor = sim_actor(sim);
	struct link *l;

	/* What it does to a node is the node's doing (sim.h, "The order of events"). */
	if (n)
		sim_set_actor(sim, n->id + 1);
	switch (ev->kind) {
	case SEV_START_ROUTER:
		if (!n) {
			n = node_create(net, ev->node->name);
			if (!n)
				break;
			sim_set_actor(sim, n->id + 1);
			n->forwarding = true;
			node_set_router_id(n, &ev->node->router_id);
		} else {
			node_set_up(n, true);
		}
		if (ev->node->ident) {
			char buf[ADDR_STRLEN];

			log_ev(net, ev, "router %s started (id %s, address %s)", ev->node->name,
			       ev->node->label, addr_fmt(&ev->node->router_id, buf));
		} else {
			log_ev(net, ev, "router %s started", ev->node->name);
		}
		break;
	case SEV_END_ROUTER:
		if (n)
			node_set_up(n, false);
		log_ev(net, ev, "router %s ended", ev->node->name);
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
		break;
	case SEV_END_LINK:
		l = net_link(net, ev->link->name);
		if (l)
			link_set_up(l, false);
		log_ev(net, ev, "link %s ended", ev->link->name);
		break;
	case SEV_APP:
		/*
		 * entity_start() adds the instance to n->entities; we keep owning
		 * it.  In a split run, only in the node's process.
		 */
		if (n && ev->ent && !n->remote)
			entity_start(ev->ent, n);
		break;
	case SEV_END_SIM:
		log_ev(net, ev, "END_SIMULATION");
		sim_stop(sim);
		break;
	}
	sim_set_actor(sim, actor);
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
	node_set_router_id(n, &sn->router_id);
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
	net->arp_queue_pkts = s->ro.arp_queue_pkts;
	net->arp_queue_bytes = s->ro.arp_queue_bytes;
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
	scn_taps_build(s, net);
	/* Shortest paths are computed when first used, and follow the events (sim/spf.c). */
	net->auto_routes = s->auto_routes;
	if (sim_interrupted())
		goto interrupted;
	/* Before the events of time 0: only a usr <SimOptions> file has notes. */
	if (s->notes->len && !sim_schedule_at(net->sim, 0, scn_notes_run, s, NULL))
		return inst_error(err, errlen, s->path, 0, "cannot schedule the notes");
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
