/*
 * tap.c - <tap node="h1" iface="eth0" device="tapcs0" netns="ns1" mtu="1500"/>: an
 * emulated Ethernet interface bound to a Linux TAP device, the real
 * network on the other end of it (doc/emulation.md, "The TAP bridge").
 *
 * The loader only describes and checks the binding: the interface is
 * one of the topology's Ethernet interfaces and has no link (the device
 * is its link), one <tap> a device and an interface.  The front end
 * opens the devices (emu/tapdev.c) before anything is written, and binds
 * them once the network is built; scn_taps_build() gives the interfaces
 * their MTU.
 */
#include <string.h>

#include <libxml/tree.h>

#include "scenario/scenario_int.h"

/* A Linux interface name: 1 to 15 bytes, no '/', ':' or blank (dev_valid_name). */
static bool
devname_ok(const char *d)
{
	size_t n = strlen(d);

	if (n == 0 || n >= 16 || strcmp(d, ".") == 0 || strcmp(d, "..") == 0)
		return false;
	for (const char *c = d; *c; c++)
		if (*c == '/' || *c == ':' || *c <= ' ' || *c == 0x7f)
			return false;
	return true;
}

int
scn_tap_parse(struct scn_ld *ld, struct _xmlNode *e, const char *file)
{
	struct scenario *s = ld->s;
	struct scn_tap t = { .mtu = 1500, .file = file, .line = (int)xmlGetLineNo(e) };
	char *mtu;
	int rc = 0;

	t.node = scn_xml_attr(ld, e, file, "node", &rc);
	t.iface = scn_xml_attr(ld, e, file, "iface", &rc);
	t.device = scn_xml_attr(ld, e, file, "device", &rc);
	t.netns = scn_xml_attr(ld, e, file, "netns", &rc);
	mtu = scn_xml_attr(ld, e, file, "mtu", &rc);
	if (!s->taps)
		s->taps = g_array_new(FALSE, TRUE, sizeof(struct scn_tap));
	/* Kept at once, so that scenario_free() frees it whatever follows. */
	g_array_append_val(s->taps, t);
	if (rc < 0) {
		g_free(mtu);
		return -1;
	}
	if (mtu) {
		char err[256];
		uint64_t u;

		rc = units_uint("mtu", mtu, 68, 65535, &u, err, sizeof(err));
		g_free(mtu);
		if (rc < 0)
			return scn_error(ld, t.file, t.line, "<tap>: %s", err);
		g_array_index(s->taps, struct scn_tap, s->taps->len - 1).mtu = (uint32_t)u;
	}
	if (!devname_ok(t.device))
		return scn_error(ld, t.file, t.line, "<tap>: device \"%s\": a Linux interface "
				 "name has 1 to 15 characters, none of them '/', ':' or a blank",
				 t.device);
	if (t.netns && (!*t.netns || strpbrk(t.netns, " \t\n")))
		return scn_error(ld, t.file, t.line, "<tap>: netns \"%s\": the name of a "
				 "network namespace of ip netns, or the path of one, without "
				 "blanks", t.netns);
	return 0;
}

int
scn_taps_check(struct scn_ld *ld)
{
	struct scenario *s = ld->s;

	for (guint i = 0; s->taps && i < s->taps->len; i++) {
		const struct scn_tap *t = &g_array_index(s->taps, struct scn_tap, i);
		const struct scn_node *n = g_hash_table_lookup(s->node_by_name, t->node);
		const struct scn_iface *ifc = n ? scn_node_iface(n, t->iface) : NULL;

		if (!n || n->scripted || strcmp(n->name, t->node) != 0)
			return scn_error(ld, t->file, t->line, "<tap>: no node \"%s\" in the "
					 "topology", t->node);
		if (!ifc || ifc->scripted) {
			GString *names = g_string_new(NULL);

			for (guint k = 0; k < n->ifaces->len; k++) {
				const struct scn_iface *o = g_ptr_array_index(n->ifaces, k);

				if (o->kind == IF_ETHER && !o->scripted)
					g_string_append_printf(names, "%s%s", names->len ? ", " : "",
							       o->name);
			}
			scn_error(ld, t->file, t->line, "<tap>: node %s has no interface \"%s\" "
				  "(its Ethernet interfaces: %s)", n->name, t->iface,
				  names->len ? names->str : "none");
			g_string_free(names, TRUE);
			return -1;
		}
		if (ifc->kind != IF_ETHER)
			return scn_error(ld, t->file, t->line, "<tap>: %s:%s is a %s interface: a "
					 "TAP device stands for an Ethernet link", n->name, ifc->name,
					 ifc->kind == IF_VLAN ? "VLAN" : "GRE");
		if (ifc->link)
			return scn_error(ld, t->file, t->line, "<tap>: %s:%s is on link %s already: "
					 "the TAP device is a tapped interface's link; leave the "
					 "interface without one", n->name, ifc->name, ifc->link);
		/* summary.json names a TAP device node:iface, in one array with the bridges. */
		for (size_t k = 0; k < scenario_bridge_count(s); k++) {
			const struct scn_bridge *o = scenario_bridge(s, k);
			size_t nl = strlen(t->node);

			if (strncmp(o->name, t->node, nl) == 0 && o->name[nl] == ':' &&
			    strcmp(o->name + nl + 1, t->iface) == 0)
				return scn_error_also(ld, t->file, t->line, o->file, o->line,
						      "<tap>: %s:%s is the name of bridge %s (%s:%d); "
						      "summary.json names a TAP device node:iface, "
						      "rename the bridge", t->node, t->iface, o->name,
						      o->file, o->line);
		}
		for (guint k = 0; k < i; k++) {
			const struct scn_tap *o = &g_array_index(s->taps, struct scn_tap, k);

			if (strcmp(o->device, t->device) == 0)
				return scn_error_also(ld, t->file, t->line, o->file, o->line,
						      "<tap>: device %s is bound already", t->device);
			if (strcmp(o->node, t->node) == 0 && strcmp(o->iface, t->iface) == 0)
				return scn_error_also(ld, t->file, t->line, o->file, o->line,
						      "<tap>: %s:%s is bound already", t->node,
						      t->iface);
		}
	}
	/* As a <bridge>: the host lives on the wall clock, so the run follows it. */
	if (s->taps && s->taps->len) {
		const struct scn_tap *t = &g_array_index(s->taps, struct scn_tap, 0);

		if (scn_need_realtime(ld, t->file, t->line, "<tap>: a TAP device") < 0)
			return -1;
	}
	return 0;
}

void
scn_taps_build(const struct scenario *s, struct net *net)
{
	for (guint i = 0; s->taps && i < s->taps->len; i++) {
		const struct scn_tap *t = &g_array_index(s->taps, struct scn_tap, i);
		struct node *n = net_node(net, t->node);
		struct iface *ifc = n ? node_iface(n, t->iface) : NULL;

		if (!ifc)
			continue;
		ifc->mtu = t->mtu;
		for (unsigned k = 0; n->nvlans && k < n->nifaces; k++)
			if (n->ifaces[k]->parent == ifc)
				n->ifaces[k]->mtu = t->mtu;
	}
}

const struct scn_tap *
scenario_taps(const struct scenario *s, size_t *n)
{
	*n = s->taps ? s->taps->len : 0;
	return s->taps ? (const struct scn_tap *)(void *)s->taps->data : NULL;
}

void
scn_taps_free(struct scenario *s)
{
	for (guint i = 0; s->taps && i < s->taps->len; i++) {
		struct scn_tap *t = &g_array_index(s->taps, struct scn_tap, i);

		g_free(t->node);
		g_free(t->iface);
		g_free(t->device);
		g_free(t->netns);
	}
	if (s->taps)
		g_array_free(s->taps, TRUE);
	s->taps = NULL;
}
