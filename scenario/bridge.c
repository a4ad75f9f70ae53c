/*
 * bridge.c - the scenario's socket bridges (<bridge>, doc/emulation.md):
 * their attributes checked once the topology and the events are known.
 * The bridges themselves are emu/sockbr.c, which the front end wires.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "scenario/scenario_int.h"

/* One <bridge> as written (substituted), and what it says once checked. */
struct scn_bridge_d {
	struct scn_bridge b;
	char *v[SCN_BRIDGE_NATTRS];
	char *name;
};

const char *const scn_bridge_attrs[SCN_BRIDGE_NATTRS] = {
	"name", "node", "from", "proto", "port", "listen", "connect",
};

enum { BA_NAME = 0, BA_NODE, BA_FROM, BA_PROTO, BA_PORT, BA_LISTEN, BA_CONNECT };

void
scn_bridge_add(struct scn_ld *ld, const char *file, int line, char **v)
{
	struct scenario *s = ld->s;
	struct scn_bridge_d *d = g_new0(struct scn_bridge_d, 1);

	if (!s->bridges)
		s->bridges = g_ptr_array_new();
	memcpy(d->v, v, sizeof(d->v));
	d->b.file = file;
	d->b.line = line;
	g_ptr_array_add(s->bridges, d);
}

/* "A.B.C.D:PORT" with a port from 1 to 65535; 0 or -1. */
static int
host_parse(const char *str, uint8_t ip[4], uint16_t *port)
{
	const char *colon = strrchr(str, ':');
	char *ipstr, *end;
	struct addr a;
	long p;
	int rc;

	if (!colon || colon == str || !colon[1])
		return -1;
	ipstr = g_strndup(str, (gsize)(colon - str));
	rc = addr_parse(ipstr, &a);
	g_free(ipstr);
	if (rc < 0 || a.af != ADDR_V4)
		return -1;
	p = strtol(colon + 1, &end, 10);
	if (*end || colon[1] < '0' || colon[1] > '9' || p < 1 || p > 65535)
		return -1;
	memcpy(ip, a.a, 4);
	*port = (uint16_t)p;
	return 0;
}

/* The node a bridge names: it must exist from the start (not a script's router). */
static const struct scn_node *
bridge_node(struct scn_ld *ld, const struct scn_bridge_d *d, const char *attr,
	    const char *name)
{
	const struct scn_node *n = g_hash_table_lookup(ld->s->node_by_name, name);

	if (!n) {
		scn_error(ld, d->b.file, d->b.line, "bridge %s: %s=\"%s\": no such node",
			  d->b.name, attr, name);
		return NULL;
	}
	if (n->scripted) {
		scn_error(ld, d->b.file, d->b.line, "bridge %s: %s=\"%s\": a router a script "
			  "starts; a bridge needs a node of the topology", d->b.name, attr, name);
		return NULL;
	}
	return n;
}

/*
 * Whether the node has an address a listen= bridge can reach it at from
 * the start (emu/sockbr.c takes the first of its interfaces' addresses,
 * else its router id): without one the run could only refuse the bridge
 * once its outputs are open.
 */
static bool
bridge_node_has_addr(const struct scn_node *n)
{
	if (!addr_is_unset(&n->router_id))
		return true;
	for (guint i = 0; i < n->ifaces->len; i++) {
		const struct scn_iface *ifc = g_ptr_array_index(n->ifaces, i);

		if (!ifc->scripted && ifc->addrs && ifc->addrs->len)
			return true;
	}
	return false;
}

static int
bridge_check(struct scn_ld *ld, struct scn_bridge_d *d, unsigned idx)
{
	struct scn_bridge *b = &d->b;
	const char *host;
	const struct scn_node *n;
	char *end;
	long p;

	d->name = d->v[BA_NAME] ? g_strdup(d->v[BA_NAME]) : g_strdup_printf("bridge%u", idx + 1);
	b->name = d->name;
	if (!*d->name)
		return scn_error(ld, b->file, b->line, "bridge: name=\"\" is empty");
	if (!d->v[BA_NODE])
		return scn_error(ld, b->file, b->line, "bridge %s: node= is missing", b->name);
	if (!(n = bridge_node(ld, d, "node", d->v[BA_NODE])))
		return -1;
	b->node = n->name;
	if (!d->v[BA_PROTO] || strcmp(d->v[BA_PROTO], "tcp") == 0)
		b->udp = false;
	else if (strcmp(d->v[BA_PROTO], "udp") == 0)
		b->udp = true;
	else
		return scn_error(ld, b->file, b->line, "bridge %s: proto=\"%s\": expected tcp or "
				 "udp", b->name, d->v[BA_PROTO]);
	if (!d->v[BA_PORT])
		return scn_error(ld, b->file, b->line, "bridge %s: port= is missing", b->name);
	p = strtol(d->v[BA_PORT], &end, 10);
	if (*end || d->v[BA_PORT][0] < '0' || d->v[BA_PORT][0] > '9' || p < 1 || p > 65535)
		return scn_error(ld, b->file, b->line, "bridge %s: port=\"%s\": expected a port "
				 "from 1 to 65535", b->name, d->v[BA_PORT]);
	b->port = (uint16_t)p;
	if (!!d->v[BA_LISTEN] == !!d->v[BA_CONNECT])
		return scn_error(ld, b->file, b->line, "bridge %s: needs one of listen= (host "
				 "clients reach the node) and connect= (emulated clients reach "
				 "a host server)", b->name);
	b->outward = d->v[BA_CONNECT] != NULL;
	host = b->outward ? d->v[BA_CONNECT] : d->v[BA_LISTEN];
	if (host_parse(host, b->host_ip, &b->host_port) < 0)
		return scn_error(ld, b->file, b->line, "bridge %s: %s=\"%s\": expected an IPv4 "
				 "address and a port, 127.0.0.1:19999", b->name,
				 b->outward ? "connect" : "listen", host);
	if (b->host_ip[0] != 127)
		return scn_error(ld, b->file, b->line, "bridge %s: %s=\"%s\": not a loopback "
				 "address; a bridge uses 127.0.0.0/8 only", b->name,
				 b->outward ? "connect" : "listen", host);
	if (b->outward) {
		if (d->v[BA_FROM])
			return scn_error(ld, b->file, b->line, "bridge %s: from= is for listen=; "
					 "with connect= the emulated clients are where they are",
					 b->name);
		return 0;
	}
	if (!bridge_node_has_addr(g_hash_table_lookup(ld->s->node_by_name, b->node)))
		return scn_error(ld, b->file, b->line, "bridge %s: node %s has no address to "
				 "reach", b->name, b->node);
	if (!d->v[BA_FROM])
		return scn_error(ld, b->file, b->line, "bridge %s: from= is missing: the node "
				 "the host's connections come from", b->name);
	if (!(n = bridge_node(ld, d, "from", d->v[BA_FROM])))
		return -1;
	if (strcmp(n->name, b->node) == 0)
		return scn_error(ld, b->file, b->line, "bridge %s: from=\"%s\" is node= itself; "
				 "the bridge's traffic must cross an emulated link", b->name,
				 d->v[BA_FROM]);
	b->from = n->name;
	return 0;
}

int
scn_bridges_check(struct scn_ld *ld)
{
	struct scenario *s = ld->s;

	if (!s->bridges)
		return 0;
	for (guint i = 0; i < s->bridges->len; i++) {
		struct scn_bridge_d *d = g_ptr_array_index(s->bridges, i);
		struct scn_bridge *b = &d->b;

		if (bridge_check(ld, d, i) < 0)
			return -1;
		for (guint j = 0; j < i; j++) {
			const struct scn_bridge *o = &((struct scn_bridge_d *)
						       g_ptr_array_index(s->bridges, j))->b;

			if (strcmp(o->name, b->name) == 0)
				return scn_error_also(ld, b->file, b->line, o->file, o->line,
						      "bridge %s: a second bridge of that name "
						      "(the first at %s:%d)", b->name, o->file,
						      o->line);
			if (o->udp == b->udp && o->host_port == b->host_port &&
			    memcmp(o->host_ip, b->host_ip, 4) == 0 && !o->outward && !b->outward)
				return scn_error_also(ld, b->file, b->line, o->file, o->line,
						      "bridge %s: listens where bridge %s does "
						      "(%s:%d)", b->name, o->name, o->file, o->line);
			if (o->udp == b->udp && o->port == b->port && o->outward && b->outward &&
			    strcmp(o->node, b->node) == 0)
				return scn_error_also(ld, b->file, b->line, o->file, o->line,
						      "bridge %s: takes %s port %u of %s, as "
						      "bridge %s does (%s:%d)", b->name,
						      b->udp ? "UDP" : "TCP", b->port, b->node,
						      o->name, o->file, o->line);
		}
	}
	/* A bridge talks with the world outside: the run follows the wall clock. */
	{
		const struct scn_bridge *b = &((struct scn_bridge_d *)
					       g_ptr_array_index(s->bridges, 0))->b;
		char *who = g_strdup_printf("bridge %s: a bridge", b->name);
		int rc = scn_need_realtime(ld, b->file, b->line, who);

		g_free(who);
		if (rc < 0)
			return -1;
	}
	return 0;
}

int
scn_need_realtime(struct scn_ld *ld, const char *file, int line, const char *who)
{
	struct scenario *s = ld->s;
	const struct scn_val *v = &s->run[RO_REALTIME];

	if (s->ro.realtime != SCN_RT_NO)
		return 0;
	if (v->raw && v->origin)
		return scn_error(ld, file, line, "%s runs in real time, and %s says realtime "
				 "no; leave it out, or say yes or strict", who, v->origin);
	if (v->raw)
		return scn_error(ld, file, line, "%s runs in real time, and %s:%d says "
				 "realtime=\"no\"; leave it out, or say yes or strict", who,
				 v->file, v->line);
	s->ro.realtime = SCN_RT_YES;
	return 0;
}

size_t
scenario_bridge_count(const struct scenario *s)
{
	return s->bridges ? s->bridges->len : 0;
}

const struct scn_bridge *
scenario_bridge(const struct scenario *s, size_t i)
{
	return &((const struct scn_bridge_d *)g_ptr_array_index(s->bridges, i))->b;
}

void
scn_bridges_free(struct scenario *s)
{
	if (!s->bridges)
		return;
	for (guint i = 0; i < s->bridges->len; i++) {
		struct scn_bridge_d *d = g_ptr_array_index(s->bridges, i);

		for (int k = 0; k < SCN_BRIDGE_NATTRS; k++)
			g_free(d->v[k]);
		g_free(d->name);
		g_free(d);
	}
	g_ptr_array_free(s->bridges, TRUE);
	s->bridges = NULL;
}
