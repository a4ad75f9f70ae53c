/*
 * scenario_xml.c - reading the XML files of a scenario: <scenario>,
 * <topology> (its own file or inline) and the curling emulator's
 * <SimOptions>.
 *
 * Each file is read whole, parsed by libxml2 (no network, no entity
 * expansion) and validated against the schema compiled into the program
 * (scenario/schema/\*.xsd); the first parser or schema error becomes the
 * "file:line: message" of the load.  The elements are then copied into
 * the description of scenario_int.h: names and references are
 * substituted (${name}) and checked here, values that an override may
 * replace are kept as written for values.c.  The formats are documented in
 * doc/scenario-format.md.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "entities/xmldoc.h"
#include "scenario/graph.h"
#include "scenario/scenario_int.h"

/* The schema of each root element. */
struct xsd {
	const char *root;
	const unsigned char *text;
	const unsigned int *len;
};

static const struct xsd xsds[] = {
	{ "topology", xsd_scenario_schema_topology, &xsd_scenario_schema_topology_len },
	{ "scenario", xsd_scenario_schema_scenario, &xsd_scenario_schema_scenario_len },
	{ "SimOptions", xsd_scenario_schema_simoptions, &xsd_scenario_schema_simoptions_len },
};

/*
 * Validate elem (and what it holds) against the schema of its name.
 * Returns 0, or -1 with the first violation as the error.
 */
static int
xml_validate(struct scn_ld *ld, const char *file, xmlNode *elem)
{
	const struct xsd *x = NULL;
	struct xmldoc_err e = { 0, "" };

	for (size_t i = 0; i < sizeof(xsds) / sizeof(xsds[0]); i++)
		if (strcmp((const char *)elem->name, xsds[i].root) == 0)
			x = &xsds[i];
	if (!x)
		return scn_error(ld, file, (int)xmlGetLineNo(elem),
				 "no schema for <%s>", (const char *)elem->name);
	if (xmldoc_validate(elem, x->text, *x->len, &e) < 0)
		return scn_error(ld, file, e.line, "schema: %s", e.msg);
	return 0;
}

/*
 * Read and parse an XML file; from/from_line cite where it is referenced
 * (NULL for the scenario itself).  Returns the document or NULL.
 */
static xmlDoc *
xml_read(struct scn_ld *ld, const char *path, const char *from, int from_line,
	 const char *what)
{
	struct xmldoc_err xe = { 0, "" };
	xmlDoc *doc;
	char *buf;
	size_t len;

	if (scn_file_read(ld, path, from, from_line, what, &buf, &len) < 0)
		return NULL;
	doc = xmldoc_parse(buf, len, path, &xe);
	g_free(buf);
	if (!doc) {
		scn_error(ld, path, xe.line, "malformed XML: %s", xe.msg);
		return NULL;
	}
	return doc;
}

static int
line_of(const xmlNode *e)
{
	return (int)xmlGetLineNo(e);
}

static bool
is_elem(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* An attribute as written, or NULL. */
static char *
attr_raw(xmlNode *e, const char *name)
{
	xmlChar *v = xmlGetProp(e, (const xmlChar *)name);
	char *s;

	if (!v)
		return NULL;
	s = g_strdup((const char *)v);
	xmlFree(v);
	return s;
}

/*
 * An attribute with ${name} substituted: *out is NULL when it is absent.
 * Returns 0, or -1 on a substitution error.
 */
static int
attr(struct scn_ld *ld, xmlNode *e, const char *file, const char *name, char **out)
{
	char *raw = attr_raw(e, name);

	*out = NULL;
	if (!raw)
		return 0;
	*out = scn_subst(ld, raw, file, line_of(e));
	g_free(raw);
	return *out ? 0 : -1;
}

char *
scn_xml_attr(struct scn_ld *ld, struct _xmlNode *e, const char *file, const char *name,
	     int *rc)
{
	char *v;

	if (attr(ld, e, file, name, &v) < 0)
		*rc = -1;
	return v;
}

/* Keep a value attribute as written, with its origin, for the overrides and values.c. */
static void
attr_val(xmlNode *e, const char *file, const char *name, struct scn_val *v)
{
	char *raw = attr_raw(e, name);

	if (raw) {
		scn_val_set(v, raw, file, line_of(e));
		g_free(raw);
	}
}

/* Text of an element, trimmed, substituted. */
static char *
elem_text(struct scn_ld *ld, xmlNode *e, const char *file)
{
	xmlChar *c = xmlNodeGetContent(e);
	char *t, *s;

	t = g_strdup(c ? (const char *)c : "");
	xmlFree(c);
	s = scn_subst(ld, g_strstrip(t), file, line_of(e));
	g_free(t);
	return s;
}

/* ---- topology ---- */

/*
 * What follows "bad address" or "bad prefix" when the length after the
 * '/' is not written as digits: the rule, so that "/+24" or "/024" is
 * not a puzzle.
 */
static const char *
plen_hint(const char *s)
{
	const char *slash = strchr(s, '/');

	if (!slash || (strspn(slash + 1, "0123456789") == strlen(slash + 1) &&
		       (slash[1] != '0' || slash[2] == '\0')))
		return "";
	return " (a prefix length is decimal digits, without sign, blank or leading zero)";
}

/*
 * Why address a with prefix length plen cannot be an interface's, or
 * NULL: an IPv4 interface address is none of 0.0.0.0, 255.255.255.255,
 * a multicast address (224.0.0.0/4), or, under a prefix shorter than /31
 * (RFC 3021: a /31 and a /32 have none), the network or broadcast
 * address of its prefix; an IPv6 one is not :: nor multicast (ff00::/8).
 * The message goes to why (len bytes).
 */
static const char *
iface_addr_why(const struct addr *a, uint8_t plen, char *why, size_t len)
{
	char net[ADDR_STRLEN], lo[ADDR_STRLEN], hi[ADDR_STRLEN];
	struct addr n, f, l;
	uint32_t h, mask;

	if (a->af == ADDR_V6) {
		static const uint8_t zero[16];

		if (memcmp(a->a, zero, 16) == 0)
			return "is the unspecified address";
		if (a->a[0] == 0xff)
			return "is a multicast address (ff00::/8)";
		return NULL;
	}
	h = addr_v4_host(a);
	if (h == 0)
		return "is 0.0.0.0, no host's address";
	if (h == UINT32_MAX)
		return "is the limited broadcast address";
	if ((h >> 28) == 0xe)
		return "is a multicast address (224.0.0.0/4)";
	if (plen >= 31)
		return NULL;
	mask = plen ? UINT32_MAX << (32 - plen) : 0;
	if ((h & ~mask) != 0 && (h & ~mask) != ~mask)
		return NULL;
	n = addr_v4(h & mask);
	f = addr_v4((h & mask) + 1);
	l = addr_v4((h | ~mask) - 1);
	snprintf(why, len, "is the %s address of %s/%u (its hosts are %s to %s)",
		 (h & ~mask) ? "broadcast" : "network", addr_fmt(&n, net), plen,
		 addr_fmt(&f, lo), addr_fmt(&l, hi));
	return why;
}

/* Addresses "10.0.0.1/24 2001:db8::1/64" of an interface. */
static int
parse_addrs(struct scn_ld *ld, const char *list, struct scn_iface *ifc, const char *node)
{
	char **tok = g_strsplit_set(list, " \t\n,", -1);
	char buf[256];
	const char *why;
	int rc = 0;

	for (char **t = tok; *t && rc == 0; t++) {
		struct ifaddr a;

		if (**t == '\0')
			continue;
		memset(&a, 0, sizeof(a));
		if (!strchr(*t, '/'))
			rc = scn_error(ld, ifc->file, ifc->line,
				       "node %s: %s: address \"%s\" needs a prefix length "
				       "(10.0.0.1/24, 2001:db8::1/64)", node, ifc->name, *t);
		else if (addr_plen_parse(*t, &a.addr, &a.plen) < 0 ||
			 a.plen > (a.addr.af == ADDR_V4 ? 32 : 128))
			rc = scn_error(ld, ifc->file, ifc->line,
				       "node %s: %s: bad address \"%s\"%s", node, ifc->name, *t,
				       plen_hint(*t));
		else if ((why = iface_addr_why(&a.addr, a.plen, buf, sizeof(buf))))
			rc = scn_error(ld, ifc->file, ifc->line,
				       "node %s: %s: address %s %s", node, ifc->name, *t, why);
		else
			g_array_append_val(ifc->addrs, a);
	}
	g_strfreev(tok);
	return rc;
}

/*
 * A prefix ("10.1.2.0/24"; an address alone is a /32 or /128) whose host
 * bits are clear: "10.1.2.3/24" is a likely mistake, refused with the
 * prefix it would have meant.  `what` starts the message ("node a:
 * route", "domain d1").  Returns 0, or -1 with the error recorded.
 */
static int
parse_prefix(struct scn_ld *ld, const char *file, int line, const char *what,
	     const char *s, struct prefix *p)
{
	char buf[ADDR_STRLEN];
	struct addr a;
	uint8_t plen;

	if (prefix_parse(s, p) < 0)
		return scn_error(ld, file, line, "%s: bad prefix \"%s\"%s", what, s,
				 plen_hint(s));
	if (addr_plen_parse(s, &a, &plen) == 0 && !addr_eq(&a, &p->addr))
		return scn_error(ld, file, line, "%s: prefix %s: host bits are set (did you "
				 "mean %s?)", what, s, prefix_fmt(p, buf));
	return 0;
}

static int
parse_v4(struct scn_ld *ld, const char *file, int line, const char *what,
	 const char *s, struct addr *a)
{
	if (addr_parse(s, a) < 0 || a->af != ADDR_V4)
		return scn_error(ld, file, line, "%s: \"%s\" is not an IPv4 address", what, s);
	return 0;
}

/* An interface name the stack can hold. */
static int
check_ifname(struct scn_ld *ld, const char *file, int line, const struct scn_node *n,
	     const char *name)
{
	struct scn_iface *old;

	if (strlen(name) >= IFNAME_MAX)
		return scn_error(ld, file, line, "node %s: interface name \"%s\" is longer "
				 "than %d characters", n->name, name, IFNAME_MAX - 1);
	if ((old = scn_node_iface(n, name)))
		return scn_error_also(ld, file, line, old->file, old->line, "node %s: duplicate "
				      "interface \"%s\" (first at %s:%d)", n->name, name, old->file,
				      old->line);
	return 0;
}

static int
parse_iface(struct scn_ld *ld, xmlNode *e, const char *file, struct scn_node *n)
{
	int line = line_of(e);
	char *name = NULL, *parent = NULL, *vid = NULL, *loc = NULL, *rem = NULL;
	char *addrs = NULL;
	struct scn_iface *ifc;
	char err[UNITS_ERRLEN];
	uint64_t v;
	int rc = -1;

	if (attr(ld, e, file, "address", &addrs) < 0)
		goto out;
	if (is_elem(e, "vlan")) {
		if (attr(ld, e, file, "parent", &parent) < 0 || attr(ld, e, file, "vid", &vid) < 0)
			goto out;
		if (units_uint("vlan vid", vid, 1, 4094, &v, err, sizeof(err)) < 0) {
			scn_error(ld, file, line, "node %s: %s", n->name, err);
			goto out;
		}
		name = g_strdup_printf("%s.%s", parent, vid);
		if (check_ifname(ld, file, line, n, name) < 0)
			goto out;
		ifc = scn_iface_new(n, name, IF_VLAN, file, line);
		ifc->parent = parent;
		parent = NULL;
		ifc->vid = (uint16_t)v;
	} else {
		if (attr(ld, e, file, "name", &name) < 0 || check_ifname(ld, file, line, n, name) < 0)
			goto out;
		if (is_elem(e, "gre")) {
			struct addr la, ra;

			if (attr(ld, e, file, "local", &loc) < 0 || attr(ld, e, file, "remote", &rem) < 0 ||
			    parse_v4(ld, file, line, "gre local", loc, &la) < 0 ||
			    parse_v4(ld, file, line, "gre remote", rem, &ra) < 0)
				goto out;
			if (addr_eq(&la, &ra)) {
				scn_error(ld, file, line, "node %s: gre %s: local and remote are "
					  "both %s; remote is the address of the tunnel's other "
					  "end", n->name, name, loc);
				goto out;
			}
			ifc = scn_iface_new(n, name, IF_GRE, file, line);
			ifc->gre_local = la;
			ifc->gre_remote = ra;
		} else {
			ifc = scn_iface_new(n, name, IF_ETHER, file, line);
		}
	}
	if (addrs && parse_addrs(ld, addrs, ifc, n->name) < 0)
		goto out;
	rc = 0;
out:
	g_free(name);
	g_free(parent);
	g_free(vid);
	g_free(loc);
	g_free(rem);
	g_free(addrs);
	return rc;
}

static int
parse_route(struct scn_ld *ld, xmlNode *e, const char *file, struct scn_node *n)
{
	int line = line_of(e);
	char *pfx = NULL, *via = NULL, *dev = NULL, *metric = NULL;
	struct scn_route r;
	char err[UNITS_ERRLEN];
	char *what;
	uint64_t m = 0;
	bool bad;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	if (attr(ld, e, file, "prefix", &pfx) < 0 || attr(ld, e, file, "via", &via) < 0 ||
	    attr(ld, e, file, "dev", &dev) < 0 || attr(ld, e, file, "metric", &metric) < 0)
		goto out;
	what = g_strdup_printf("node %s: route", n->name);
	bad = parse_prefix(ld, file, line, what, pfx, &r.dst) < 0;
	g_free(what);
	if (bad)
		goto out;
	if (via && (addr_parse(via, &r.gw) < 0 || r.gw.af != r.dst.addr.af)) {
		scn_error(ld, file, line, "node %s: route %s: bad gateway \"%s\"%s", n->name,
			  pfx, via, r.gw.af && r.gw.af != r.dst.addr.af ?
			  " (not of the prefix's family)" : "");
		goto out;
	}
	if (!via && !dev) {
		scn_error(ld, file, line, "node %s: route %s needs via=, dev= or both",
			  n->name, pfx);
		goto out;
	}
	if (metric && units_uint("metric", metric, 0, UINT32_MAX, &m, err, sizeof(err)) < 0) {
		scn_error(ld, file, line, "node %s: route %s: %s", n->name, pfx, err);
		goto out;
	}
	r.metric = (uint32_t)m;
	r.dev = dev;
	dev = NULL;
	r.file = file;
	r.line = line;
	g_array_append_val(n->routes, r);
	rc = 0;
out:
	g_free(pfx);
	g_free(via);
	g_free(dev);
	g_free(metric);
	return rc;
}

static int
parse_node(struct scn_ld *ld, xmlNode *e, const char *file)
{
	struct scenario *s = ld->s;
	int line = line_of(e);
	char *name = NULL, *domain = NULL, *role = NULL, *rid = NULL;
	struct scn_node *n, *old;
	int rc = -1;

	if (attr(ld, e, file, "name", &name) < 0 || attr(ld, e, file, "domain", &domain) < 0 ||
	    attr(ld, e, file, "role", &role) < 0 || attr(ld, e, file, "router-id", &rid) < 0)
		goto out;
	if (strchr(name, ':') || strpbrk(name, " \t\n") || !*name) {
		scn_error(ld, file, line, "node name \"%s\" may not hold ':' or blanks", name);
		goto out;
	}
	if ((old = g_hash_table_lookup(s->node_by_name, name))) {
		scn_error_also(ld, file, line, old->file, old->line, "duplicate node \"%s\" "
			       "(first at %s:%d)", name, old->file, old->line);
		goto out;
	}
	n = scn_node_new(s, name, file, line);
	n->domain = domain;
	domain = NULL;
	n->host = role && strcmp(role, "host") == 0;
	if (rid && strcmp(rid, "auto") == 0) {
		if (nodeid_parse(name, &n->router_id) < 0) {
			scn_error(ld, file, line, "node %s: router-id=\"auto\" needs a name of "
				  "the form N, a.b or a.b.c", name);
			goto out;
		}
	} else if (rid && parse_v4(ld, file, line, "router-id", rid, &n->router_id) < 0) {
		goto out;
	}
	for (xmlNode *c = e->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_elem(c, "route")) {
			if (parse_route(ld, c, file, n) < 0)
				goto out;
		} else if (parse_iface(ld, c, file, n) < 0) {
			goto out;
		}
	}
	rc = 0;
out:
	g_free(name);
	g_free(domain);
	g_free(role);
	g_free(rid);
	return rc;
}

static int
parse_link(struct scn_ld *ld, xmlNode *e, const char *file)
{
	static const char *const ends[2] = { "a", "b" };
	struct scn_link *l = scn_link_new(ld->s, file, line_of(e));
	char *ep;

	if (attr(ld, e, file, "name", &l->name) < 0)
		return -1;
	for (int k = 0; k < 2; k++) {
		char *colon;

		if (attr(ld, e, file, ends[k], &ep) < 0)
			return -1;
		colon = strrchr(ep, ':');
		if (!colon || colon == ep || colon[1] == '\0') {
			scn_error(ld, file, l->line, "link: %s=\"%s\" is not node:interface",
				  ends[k], ep);
			g_free(ep);
			return -1;
		}
		l->node[k] = g_strndup(ep, (gsize)(colon - ep));
		l->ifname[k] = g_strdup(colon + 1);
		g_free(ep);
	}
	for (int a = 0; a < LA_COUNT; a++)
		attr_val(e, file, scn_lattr_name(a), &l->v[a]);
	return 0;
}

static int
parse_domain(struct scn_ld *ld, xmlNode *e, const char *file)
{
	struct scenario *s = ld->s;
	struct scn_domain *d = g_new0(struct scn_domain, 1);
	char err[UNITS_ERRLEN];
	uint64_t asn;

	g_ptr_array_add(s->domains, d);
	d->file = file;
	d->line = line_of(e);
	if (attr(ld, e, file, "name", &d->name) < 0 || attr(ld, e, file, "as", &d->asn) < 0 ||
	    attr(ld, e, file, "prefix", &d->prefixes) < 0)
		return -1;
	for (guint i = 0; i + 1 < s->domains->len; i++) {
		struct scn_domain *o = g_ptr_array_index(s->domains, i);

		if (strcmp(o->name, d->name) == 0)
			return scn_error_also(ld, file, d->line, o->file, o->line, "duplicate "
					      "domain \"%s\" (first at %s:%d)", d->name, o->file,
					      o->line);
	}
	if (d->asn && units_uint("AS number", d->asn, 0, UINT32_MAX, &asn, err,
				 sizeof(err)) < 0)
		return scn_error(ld, file, d->line, "domain %s: %s", d->name, err);
	if (d->prefixes) {
		char **tok = g_strsplit_set(d->prefixes, " \t\n,", -1);
		char *what = g_strdup_printf("domain %s", d->name);
		int rc = 0;

		for (char **t = tok; *t && rc == 0; t++) {
			struct prefix p;

			if (**t)
				rc = parse_prefix(ld, file, d->line, what, *t, &p);
		}
		g_free(what);
		g_strfreev(tok);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* The interface of n whose connected prefix holds gw, or NULL. */
static struct scn_iface *
iface_toward(const struct scn_node *n, const struct addr *gw)
{
	for (guint i = 0; i < n->ifaces->len; i++) {
		struct scn_iface *ifc = g_ptr_array_index(n->ifaces, i);

		for (guint k = 0; k < ifc->addrs->len; k++) {
			const struct ifaddr *a = &g_array_index(ifc->addrs, struct ifaddr, k);
			struct prefix p;

			p.addr = a->addr;
			p.len = a->plen;
			addr_mask(&p.addr, p.len);
			if (a->addr.af == gw->af && prefix_contains(&p, gw))
				return ifc;
		}
	}
	return NULL;
}

/* The interface of n but `skip` (may be NULL) that has address a, or NULL. */
static const struct scn_iface *
iface_with_but(const struct scn_node *n, const struct scn_iface *skip,
	       const struct addr *a)
{
	for (guint i = 0; i < n->ifaces->len; i++) {
		const struct scn_iface *ifc = g_ptr_array_index(n->ifaces, i);

		if (ifc == skip)
			continue;
		for (guint k = 0; k < ifc->addrs->len; k++)
			if (addr_eq(&g_array_index(ifc->addrs, struct ifaddr, k).addr, a))
				return ifc;
	}
	return NULL;
}

/* Whether a is n's router id or an address of one of its interfaces but `skip`. */
static bool
node_has_addr_but(const struct scn_node *n, const struct scn_iface *skip,
		  const struct addr *a)
{
	return addr_eq(&n->router_id, a) || iface_with_but(n, skip, a) != NULL;
}

/*
 * A tunnel's local address is the outer source of what it sends and
 * where the other end's packets arrive: it must be an address the node
 * has on another interface (or its router id).  The tunnel's own
 * (inner) address there is the usual confusion of the two.
 */
static int
gre_check(struct scn_ld *ld, const struct scn_node *n, const struct scn_iface *ifc)
{
	char buf[ADDR_STRLEN];
	GString *own;

	if (node_has_addr_but(n, ifc, &ifc->gre_local))
		return 0;
	own = g_string_new(NULL);
	if (!addr_is_unset(&n->router_id))
		g_string_append_printf(own, "router id %s", addr_fmt(&n->router_id, buf));
	for (guint i = 0; i < n->ifaces->len; i++) {
		const struct scn_iface *o = g_ptr_array_index(n->ifaces, i);

		for (guint k = 0; o != ifc && k < o->addrs->len; k++) {
			const struct addr *a = &g_array_index(o->addrs, struct ifaddr, k).addr;

			if (a->af == ADDR_V4)
				g_string_append_printf(own, "%s%s %s", own->len ? ", " : "", o->name,
						       addr_fmt(a, buf));
		}
	}
	if (node_has_addr_but(n, NULL, &ifc->gre_local))
		scn_error(ld, ifc->file, ifc->line, "node %s: gre %s: local address %s is the "
			  "tunnel's own; local is the outer address, one the node has on "
			  "another interface (%s%s)", n->name, ifc->name,
			  addr_fmt(&ifc->gre_local, buf),
			  own->len ? "the node has: " : "the node has no other IPv4 address",
			  own->str);
	else
		scn_error(ld, ifc->file, ifc->line, "node %s: gre %s: local address %s is not an "
			  "address of node %s (%s%s)", n->name, ifc->name,
			  addr_fmt(&ifc->gre_local, buf), n->name,
			  own->len ? "the node has: " : "the node has no IPv4 address", own->str);
	g_string_free(own, TRUE);
	return -1;
}

/* Every address of n is n's alone (scn_addr_claim). */
static int
addrs_claim(struct scn_ld *ld, const struct scn_node *n)
{
	char *what;
	int rc = 0;

	if (!addr_is_unset(&n->router_id)) {
		what = g_strdup_printf("node %s: router-id", n->name);
		rc = scn_addr_claim(ld, n, NULL, &n->router_id, n->file, n->line, what);
		g_free(what);
	}
	for (guint i = 0; i < n->ifaces->len && rc == 0; i++) {
		const struct scn_iface *ifc = g_ptr_array_index(n->ifaces, i);

		what = g_strdup_printf("node %s: %s: address", n->name, ifc->name);
		for (guint k = 0; k < ifc->addrs->len && rc == 0; k++)
			rc = scn_addr_claim(ld, n, ifc->name,
					    &g_array_index(ifc->addrs, struct ifaddr, k).addr,
					    ifc->file, ifc->line, what);
		g_free(what);
	}
	return rc;
}

static int topo_check_nodes(struct scn_ld *ld, GHashTable *doms);

/* Check what nodes and links refer to, once the whole topology is read. */
int
scn_topo_check(struct scn_ld *ld)
{
	/* the domains by name: an AS graph has tens of thousands */
	GHashTable *doms = g_hash_table_new(g_str_hash, g_str_equal);
	int rc = topo_check_nodes(ld, doms);

	g_hash_table_destroy(doms);
	return rc;
}

/* scn_topo_check() with doms, a table of the domains by name to fill. */
static int
topo_check_nodes(struct scn_ld *ld, GHashTable *doms)
{
	struct scenario *s = ld->s;

	for (guint d = 0; d < s->domains->len; d++) {
		struct scn_domain *dom = g_ptr_array_index(s->domains, d);

		g_hash_table_insert(doms, dom->name, dom);
	}
	for (guint i = 0; i < s->nodes->len; i++) {
		struct scn_node *n = g_ptr_array_index(s->nodes, i);

		if (n->domain && !g_hash_table_contains(doms, n->domain))
			return scn_error(ld, n->file, n->line, "node %s: unknown domain \"%s\"",
					 n->name, n->domain);
		for (guint k = 0; k < n->ifaces->len; k++) {
			struct scn_iface *ifc = g_ptr_array_index(n->ifaces, k);
			struct scn_iface *par;

			if (ifc->kind != IF_VLAN)
				continue;
			par = scn_node_iface(n, ifc->parent);
			if (!par || par->kind != IF_ETHER)
				return scn_error(ld, ifc->file, ifc->line,
						 "node %s: vlan %s: parent \"%s\" is not an Ethernet "
						 "interface of the node", n->name, ifc->name, ifc->parent);
		}
		for (guint k = 0; k < n->routes->len; k++) {
			struct scn_route *r = &g_array_index(n->routes, struct scn_route, k);
			char buf[ADDR_STRLEN], gbuf[ADDR_STRLEN];

			if (r->dev && !scn_node_iface(n, r->dev))
				return scn_error(ld, r->file, r->line, "node %s: route: unknown "
						 "interface \"%s\"", n->name, r->dev);
			if (!addr_is_unset(&r->gw) && node_has_addr_but(n, NULL, &r->gw)) {
				const struct scn_iface *own = iface_with_but(n, NULL, &r->gw);

				return scn_error_also(ld, r->file, r->line,
						      own ? own->file : n->file,
						      own ? own->line : n->line, "node %s: "
						      "route %s: gateway %s is the node's own "
						      "address (%s, %s:%d); via= is the next "
						      "router's address", n->name,
						      prefix_fmt(&r->dst, buf),
						      addr_fmt(&r->gw, gbuf),
						      own ? own->name : "router id",
						      own ? own->file : n->file,
						      own ? own->line : n->line);
			}
			if (!r->dev) {
				struct scn_iface *ifc = iface_toward(n, &r->gw);

				if (!ifc)
					return scn_error(ld, r->file, r->line, "node %s: route: "
							 "gateway %s is on no network of the node; "
							 "add dev=", n->name, addr_fmt(&r->gw, buf));
				r->dev = g_strdup(ifc->name);
			}
		}
		for (guint k = 0; k < n->ifaces->len; k++) {
			struct scn_iface *ifc = g_ptr_array_index(n->ifaces, k);

			if (ifc->kind == IF_GRE && gre_check(ld, n, ifc) < 0)
				return -1;
		}
		if (addrs_claim(ld, n) < 0)
			return -1;
	}
	for (guint i = 0; i < s->links->len; i++) {
		struct scn_link *l = g_ptr_array_index(s->links, i);
		struct scn_iface *end[2];
		struct scn_link *old;

		for (int k = 0; k < 2; k++) {
			struct scn_node *n = g_hash_table_lookup(s->node_by_name, l->node[k]);

			if (!n)
				return scn_error(ld, l->file, l->line, "link %s:%s-%s:%s: unknown node "
						 "\"%s\"", l->node[0], l->ifname[0], l->node[1],
						 l->ifname[1], l->node[k]);
			end[k] = scn_node_iface(n, l->ifname[k]);
			if (!end[k])
				return scn_error(ld, l->file, l->line, "link %s:%s-%s:%s: node %s has "
						 "no interface \"%s\"", l->node[0], l->ifname[0],
						 l->node[1], l->ifname[1], l->node[k], l->ifname[k]);
			if (end[k]->kind != IF_ETHER)
				return scn_error(ld, l->file, l->line, "link: %s:%s is a %s interface; "
						 "links join Ethernet interfaces", l->node[k],
						 l->ifname[k], end[k]->kind == IF_VLAN ? "VLAN" : "GRE");
		}
		if (!l->name)
			l->name = g_strdup_printf("%s:%s-%s:%s", l->node[0], l->ifname[0],
						  l->node[1], l->ifname[1]);
		if ((old = g_hash_table_lookup(s->link_by_name, l->name)))
			return scn_error_also(ld, l->file, l->line, old->file, old->line,
					      "duplicate link \"%s\" (first at %s:%d)", l->name,
					      old->file, old->line);
		g_hash_table_insert(s->link_by_name, l->name, l);
		if (end[0] == end[1])
			return scn_error(ld, l->file, l->line, "link %s joins %s:%s to itself",
					 l->name, l->node[0], l->ifname[0]);
		if (strcmp(l->node[0], l->node[1]) == 0)
			return scn_error(ld, l->file, l->line, "link %s joins two interfaces of "
					 "node %s (%s and %s); a link is between two nodes",
					 l->name, l->node[0], l->ifname[0], l->ifname[1]);
		for (int k = 0; k < 2; k++) {
			if (end[k]->link)
				return scn_error(ld, l->file, l->line, "link %s: %s:%s is already "
						 "on link \"%s\"", l->name, l->node[k], l->ifname[k],
						 end[k]->link);
			end[k]->link = l->name;
		}
		l->exists = l->up = true;
	}
	for (guint i = 0; i < s->nodes->len; i++) {
		struct scn_node *n = g_ptr_array_index(s->nodes, i);

		n->exists = n->up = true;
	}
	return 0;
}

/* A <topology> element: from its own file or inline in a scenario. */
static int
parse_topology(struct scn_ld *ld, xmlNode *root, const char *file, bool own_file)
{
	struct scenario *s = ld->s;
	char *routing = NULL;

	if (xml_validate(ld, file, root) < 0)
		return -1;
	if (own_file && xmlHasProp(root, (const xmlChar *)"file"))
		return scn_error(ld, file, line_of(root), "<topology file=...> is only for "
				 "a topology inside a <scenario>");
	if (attr(ld, root, file, "name", &s->topo_name) < 0)
		return -1;
	if (attr(ld, root, file, "routing", &routing) < 0)
		return -1;
	if (routing) {
		scn_val_set(&s->run[RO_ROUTING], routing, file, line_of(root));
		g_free(routing);
	}
	s->auto_routes = false;
	for (xmlNode *c = root->children; c; c = c->next) {
		int rc = 0;

		if (is_elem(c, "domain"))
			rc = parse_domain(ld, c, file);
		else if (is_elem(c, "node"))
			rc = parse_node(ld, c, file);
		else if (is_elem(c, "link"))
			rc = parse_link(ld, c, file);
		if (rc < 0)
			return -1;
	}
	return scn_topo_check(ld);
}

/* A topology file referenced from file:line. */
static int
load_topology_file(struct scn_ld *ld, const char *ref, const char *from, int line)
{
	char *path = scn_path_join(from, ref);
	const char *file = scn_file(ld->s, path);
	xmlDoc *doc;
	xmlNode *root;
	int rc = -1;

	g_free(path);
	doc = xml_read(ld, file, from, line, "topology file");
	if (!doc)
		return -1;
	root = xmlDocGetRootElement(doc);
	if (!is_elem(root, "topology"))
		scn_error(ld, file, line_of(root), "root element <%s> is not <topology>",
			  (const char *)root->name);
	else
		rc = parse_topology(ld, root, file, true);
	xmlFreeDoc(doc);
	return rc;
}

/*
 * A <topology> of another format (file= format=) or generated
 * (generate=): graph_build.c builds it.  Shortest-path routing unless
 * routing= says otherwise: such a topology has no static route.
 */
static int
parse_topology_graph(struct scn_ld *ld, xmlNode *e, const char *file)
{
	static const char *const known[] = { "file", "format", "generate", "name", "routing",
					     "nodes", "m", "seed", "alpha", "beta", "tier1",
					     "transit" };
	static const char *const nums[] = { "nodes", "m", "tier1", "transit", "seed" };
	struct scenario *s = ld->s;
	char *ref = NULL, *format = NULL, *model = NULL, *routing = NULL, *v = NULL;
	char err[UNITS_ERRLEN];
	struct graph_gen_params p;
	int line = line_of(e), rc = -1;

	memset(&p, 0, sizeof(p));
	for (xmlAttr *a = e->properties; a; a = a->next) {
		bool ok = false;

		for (size_t i = 0; i < G_N_ELEMENTS(known) && !ok; i++)
			ok = strcmp((const char *)a->name, known[i]) == 0;
		if (!ok)
			return scn_error(ld, file, line, "<topology>: unknown attribute %s=",
					 (const char *)a->name);
	}
	if (attr(ld, e, file, "file", &ref) < 0 || attr(ld, e, file, "format", &format) < 0 ||
	    attr(ld, e, file, "generate", &model) < 0 || attr(ld, e, file, "routing", &routing) < 0 ||
	    attr(ld, e, file, "name", &s->topo_name) < 0)
		goto out;
	s->auto_routes = true;
	if (routing)
		scn_val_set(&s->run[RO_ROUTING], routing, file, line);
	if (model && (ref || format)) {
		scn_error(ld, file, line, "<topology> has generate= and %s=; a topology is "
			  "generated or read", ref ? "file" : "format");
		goto out;
	}
	if (!model) {
		if (!ref || !format) {
			scn_error(ld, file, line, "<topology format=...> needs file=");
			goto out;
		}
		for (size_t i = 3; i < G_N_ELEMENTS(known); i++)
			if (xmlHasProp(e, (const xmlChar *)known[i])) {
				scn_error(ld, file, line, "<topology>: %s= is for generate=, not "
					  "for a file", known[i]);
				goto out;
			}
		rc = scn_topology_import(ld, file, line, ref, format);
		goto out;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(nums); i++) {
		uint64_t x;

		if (attr(ld, e, file, nums[i], &v) < 0)
			goto out;
		if (!v)
			continue;
		if (units_uint(nums[i], v, 0, i == 4 ? UINT64_MAX : UINT32_MAX, &x, err,
			       sizeof(err)) < 0) {
			scn_error(ld, file, line, "<topology>: %s", err);
			goto out;
		}
		if (i == 0)
			p.nodes = (uint32_t)x;
		else if (i == 1)
			p.m = (uint32_t)x;
		else if (i == 2)
			p.tier1 = (uint32_t)x;
		else if (i == 3)
			p.transit = (uint32_t)x;
		else
			p.seed = x;
		g_free(v);
		v = NULL;
	}
	for (int i = 0; i < 2; i++) {
		const char *name = i ? "beta" : "alpha";

		if (attr(ld, e, file, name, &v) < 0)
			goto out;
		if (v && units_real(name, v, i ? &p.beta : &p.alpha, err, sizeof(err)) < 0) {
			scn_error(ld, file, line, "<topology>: %s", err);
			goto out;
		}
		g_free(v);
		v = NULL;
	}
	rc = scn_topology_generate(ld, file, line, model, &p);
out:
	g_free(ref);
	g_free(format);
	g_free(model);
	g_free(routing);
	g_free(v);
	return rc < 0 ? -1 : scn_topo_check(ld);
}

/* ---- scenario ---- */

static bool
name_reserved(const char *name)
{
	for (int o = 0; o < RO_COUNT; o++)
		if (strcmp(scn_ropt_name(o), name) == 0)
			return true;
	return strncmp(name, "link", 4) == 0 &&
	       (strcmp(name, "link") == 0 || strcmp(name, "linkdefaults") == 0);
}

static int
parse_params(struct scn_ld *ld, xmlNode *root, const char *file)
{
	struct scenario *s = ld->s;

	for (xmlNode *c = root->children; c; c = c->next) {
		struct scn_param *p, *old;

		if (!is_elem(c, "param"))
			continue;
		p = g_new0(struct scn_param, 1);
		p->name = attr_raw(c, "name");
		p->value = attr_raw(c, "value");
		p->file = file;
		p->line = line_of(c);
		if ((old = scn_param_find(s, p->name))) {
			scn_error(ld, file, p->line, "duplicate param \"%s\" (first at %s:%d)",
				  p->name, old->file, old->line);
			g_free(p->name);
			g_free(p->value);
			g_free(p);
			return -1;
		}
		g_ptr_array_add(s->params, p);
		if (name_reserved(p->name))
			return scn_error(ld, file, p->line, "param \"%s\": the name is reserved "
					 "for a run option", p->name);
		scn_overrides_param(ld, p);
	}
	return 0;
}

/*
 * The text children of a <script>, each parsed with its own first line:
 * libxml2 numbers a CDATA section by its first line and a text node by
 * its last.
 */
static int
parse_inline_script(struct scn_ld *ld, xmlNode *e, const char *file)
{
	sim_time_t prev = 0;

	for (xmlNode *c = e->children; c; c = c->next) {
		const char *txt = (const char *)c->content;
		int line = line_of(c);

		if ((c->type != XML_TEXT_NODE && c->type != XML_CDATA_SECTION_NODE) || !txt)
			continue;
		if (c->type == XML_TEXT_NODE)
			for (const char *p = txt; *p; p++)
				line -= *p == '\n';
		if (scn_script_parse(ld, txt, file, line, &prev) < 0)
			return -1;
	}
	return 0;
}

static int
parse_event_time(struct scn_ld *ld, xmlNode *e, const char *file, sim_time_t *t)
{
	char err[UNITS_ERRLEN];
	char *str;
	int rc = 0;

	if (attr(ld, e, file, "time", &str) < 0)
		return -1;
	if (units_duration("time", str, 0, 0, SIM_TIME_LIMIT, t, err, sizeof(err)) < 0)
		rc = scn_error(ld, file, line_of(e), "%s", err);
	g_free(str);
	return rc;
}

static int
parse_events(struct scn_ld *ld, xmlNode *ev, const char *file)
{
	for (xmlNode *c = ev->children; c; c = c->next) {
		int line = line_of(c);
		sim_time_t t;
		char *a = NULL, *b = NULL, *d = NULL, *cmd;
		int rc;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_elem(c, "app")) {
			if (parse_event_time(ld, c, file, &t) < 0 ||
			    attr(ld, c, file, "node", &a) < 0 || attr(ld, c, file, "class", &b) < 0 ||
			    attr(ld, c, file, "args", &d) < 0) {
				g_free(a);
				g_free(b);
				g_free(d);
				return -1;
			}
			cmd = g_strdup_printf("ON_ROUTER %s %s %s", a, b, d ? d : "");
			rc = scn_script_command(ld, t, cmd, file, line);
			g_free(cmd);
			g_free(a);
			g_free(b);
			g_free(d);
		} else if (is_elem(c, "at")) {
			if (parse_event_time(ld, c, file, &t) < 0 || !(cmd = elem_text(ld, c, file)))
				return -1;
			rc = scn_script_command(ld, t, cmd, file, line);
			g_free(cmd);
		} else {
			char *text = elem_text(ld, c, file);

			if (!text || attr(ld, c, file, "file", &a) < 0) {
				g_free(text);
				return -1;
			}
			if (a && *text)
				rc = scn_error(ld, file, line, "<script> has both file= and text");
			else if (a)
				rc = scn_script_load(ld, a, file, line);
			else if (*text)
				rc = parse_inline_script(ld, c, file);
			else
				rc = scn_error(ld, file, line, "<script> needs file= or the script text");
			g_free(text);
			g_free(a);
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

/*
 * <partition method="domain|graph"/> or <partition> with <part nodes="..."/>
 * children (doc/parallel.md); which node goes where is checked when a run
 * is split (scenario_partition), against every node the scenario has.
 */
static int
parse_partition(struct scn_ld *ld, xmlNode *e, const char *file)
{
	struct scenario *s = ld->s;
	char *method;

	if (attr(ld, e, file, "method", &method) < 0)
		return -1;
	s->part_file = file;
	s->part_line = line_of(e);
	s->parts = g_ptr_array_new();
	for (xmlNode *c = e->children; c; c = c->next) {
		struct scn_part *pt;
		char *nodes;

		if (!is_elem(c, "part"))
			continue;
		if (attr(ld, c, file, "nodes", &nodes) < 0) {
			g_free(method);
			return -1;
		}
		pt = g_new0(struct scn_part, 1);
		pt->patterns = g_strsplit_set(g_strstrip(nodes), " \t\n", -1);
		g_free(nodes);
		/* Blanks between names: no empty pattern. */
		{
			guint k = 0;

			for (guint j = 0; pt->patterns[j]; j++) {
				if (pt->patterns[j][0])
					pt->patterns[k++] = pt->patterns[j];
				else
					g_free(pt->patterns[j]);
			}
			pt->patterns[k] = NULL;
		}
		pt->file = file;
		pt->line = line_of(c);
		g_ptr_array_add(s->parts, pt);
		if (!pt->patterns[0]) {
			g_free(method);
			return scn_error(ld, file, pt->line, "<part> names no node (nodes=\"\")");
		}
	}
	if (method && strcmp(method, "domain") != 0 && strcmp(method, "graph") != 0) {
		int rc = scn_error(ld, file, s->part_line, "<partition> method \"%s\": one of "
				   "domain, graph (or <part> elements, without method)", method);

		g_free(method);
		return rc;
	}
	if (method && s->parts->len) {
		g_free(method);
		return scn_error(ld, file, s->part_line, "<partition> has method= and <part> "
				 "elements: one or the other");
	}
	if (!method && !s->parts->len)
		return scn_error(ld, file, s->part_line, "<partition> has neither method= nor "
				 "<part> elements");
	s->part_method = method;
	return 0;
}

static int
parse_scenario(struct scn_ld *ld, xmlNode *root, const char *file)
{
	static const char *const run_attrs[] = {
		[RO_END_TIME] = "end_time", [RO_SEED] = "seed", [RO_RUN] = "run",
		[RO_PCAP] = "pcap", [RO_SNAPLEN] = "snaplen", [RO_LOG] = "log",
		[RO_SCHEDULER] = "scheduler", [RO_MAX_EVENTS] = "max_events",
		[RO_MAX_WALL] = "max_wall", [RO_ARP_QUEUE] = "arp_queue",
		[RO_TIMESERIES] = "timeseries", [RO_TIMESERIES_INTERVAL] = "timeseries_interval",
		[RO_REALTIME] = "realtime", [RO_REALTIME_BOUND] = "realtime_bound",
	};
	struct scenario *s = ld->s;
	/* topology, run, linkdefaults, deploy, partition */
	xmlNode *seen[5] = { NULL, NULL, NULL, NULL, NULL };
	static const char *const once[5] = { "topology", "run", "linkdefaults", "deploy",
					     "partition" };
	char *name;

	if (xml_validate(ld, file, root) < 0 || parse_params(ld, root, file) < 0)
		return -1;
	if (scn_params_expand(ld) < 0)
		return -1;
	if (attr(ld, root, file, "name", &name) < 0)
		return -1;
	if (name) {
		g_free(s->name);
		s->name = name;
	}
	/* Shortest-path unless a topology says otherwise: scripts' routers need it. */
	s->auto_routes = true;
	for (xmlNode *c = root->children; c; c = c->next) {
		for (int k = 0; k < 5; k++) {
			if (!is_elem(c, once[k]))
				continue;
			if (seen[k])
				return scn_error(ld, file, line_of(c), "duplicate <%s> (first at "
						 "line %d)", once[k], line_of(seen[k]));
			seen[k] = c;
		}
	}
	if (seen[0]) {
		char *ref = NULL;
		bool inline_children = false;

		for (xmlNode *c = seen[0]->children; c; c = c->next)
			inline_children |= c->type == XML_ELEMENT_NODE;
		if (xmlHasProp(seen[0], (const xmlChar *)"format") ||
		    xmlHasProp(seen[0], (const xmlChar *)"generate")) {
			if (inline_children)
				return scn_error(ld, file, line_of(seen[0]), "<topology> has "
						 "format= or generate= and inline content");
			if (parse_topology_graph(ld, seen[0], file) < 0)
				return -1;
		} else if (attr(ld, seen[0], file, "file", &ref) < 0) {
			return -1;
		} else if (ref && inline_children) {
			g_free(ref);
			return scn_error(ld, file, line_of(seen[0]), "<topology> has both file= "
					 "and inline content");
		} else if (ref) {
			int rc = load_topology_file(ld, ref, file, line_of(seen[0]));

			g_free(ref);
			if (rc < 0)
				return -1;
		} else if (parse_topology(ld, seen[0], file, false) < 0) {
			return -1;
		}
	}
	if (seen[1])
		for (int o = 0; o < RO_ROUTING; o++)
			attr_val(seen[1], file, run_attrs[o], &s->run[o]);
	if (seen[2])
		for (int a = 0; a < LA_COUNT; a++)
			attr_val(seen[2], file, scn_lattr_name(a), &s->ldef[a]);
	for (xmlNode *c = root->children; c; c = c->next)
		if ((is_elem(c, "events") && parse_events(ld, c, file) < 0) ||
		    (is_elem(c, "tap") && scn_tap_parse(ld, c, file) < 0))
			return -1;
	for (xmlNode *c = root->children; c; c = c->next) {
		char *v[SCN_BRIDGE_NATTRS] = { NULL };
		int rc = 0;

		if (!is_elem(c, "bridge"))
			continue;
		for (int k = 0; k < SCN_BRIDGE_NATTRS && rc == 0; k++)
			rc = attr(ld, c, file, scn_bridge_attrs[k], &v[k]);
		scn_bridge_add(ld, file, line_of(c), v);
		if (rc < 0)
			return -1;
	}
	if (seen[3] && (scn_deploy_parse(ld, seen[3], file) < 0 || scn_deploy_plan(ld) < 0))
		return -1;
	if (seen[4] && parse_partition(ld, seen[4], file) < 0)
		return -1;
	return 0;
}

/* ---- the curling emulator's <SimOptions> ---- */

/* The series a usr <Output> at an interval samples (doc/curling-format.md). */
#define USR_OUTPUT_SERIES "link.util,link.tx_bytes.rate,node.rx_bytes.rate,node.drops"

/* A line the run logs at time 0, with the file and line it is about. */
static void
scn_note(struct scenario *s, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
scn_note(struct scenario *s, const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_ptr_array_add(s->notes, g_strdup_printf("%s (%s:%d)", msg, file, line));
	g_free(msg);
}

/* How many child elements `name` e has. */
static int
child_count(xmlNode *e, const char *name)
{
	int n = 0;

	for (xmlNode *c = e->children; c; c = c->next)
		n += is_elem(c, name);
	return n;
}

/* The text of e's first child element `name`, substituted; "" if none, NULL on error. */
static char *
child_text(struct scn_ld *ld, xmlNode *e, const char *name, const char *file)
{
	for (xmlNode *c = e->children; c; c = c->next)
		if (is_elem(c, name))
			return elem_text(ld, c, file);
	return g_strdup("");
}

/*
 * The parts of a usr control file beside its <EventEngine>, which
 * described how usr spread its routers over machines and what it wrote:
 * each is accepted and said in the log (one line each) for what it
 * means here; an <Output> at an interval turns on the time series.
 */
static int
simoptions_parts(struct scn_ld *ld, xmlNode *root, const char *file)
{
	struct scenario *s = ld->s;
	sim_time_t every = 0;
	int every_line = 0;

	for (xmlNode *c = root->children; c; c = c->next) {
		char *a = NULL, *b = NULL, *d = NULL, *f = NULL;
		int line = line_of(c), rc = 0;

		if (c->type != XML_ELEMENT_NODE || is_elem(c, "EventEngine"))
			continue;
		if (is_elem(c, "GlobalController")) {
			if (!(a = child_text(ld, c, "Port", file)))
				return -1;
			scn_note(s, file, line, "<GlobalController>%s%s: usr's controller of the "
				 "emulation; here this cometsim process runs all of it, with no "
				 "controller to start and no port opened", *a ? " port " : "", a);
		} else if (is_elem(c, "LocalController")) {
			if (!(a = child_text(ld, c, "Name", file)) ||
			    !(b = child_text(ld, c, "Port", file)))
				rc = -1;
			else
				scn_note(s, file, line, "<LocalController> %s%s%s: a usr host that "
					 "ran a share of the routers; here every router runs in this "
					 "one process", *a ? a : "(no name)", *b ? ":" : "", b);
		} else if (is_elem(c, "RouterOptions")) {
			if (!(a = elem_text(ld, c, file)))
				return -1;
			scn_note(s, file, line, "<RouterOptions> %s: usr's router settings file, "
				 "not read; here routers route by shortest path over the links' "
				 "weights, recomputed at each change", *a ? a : "(empty)");
		} else if (is_elem(c, "Output") &&
			   (child_count(c, "When") > 1 || child_count(c, "Time") > 1)) {
			rc = scn_error(ld, file, line, "<Output> has %s twice: one an output",
				       child_count(c, "When") > 1 ? "<When>" : "<Time>");
		} else if (is_elem(c, "Output")) {
			if (!(a = child_text(ld, c, "When", file)) ||
			    !(b = child_text(ld, c, "Time", file)) ||
			    !(d = child_text(ld, c, "Type", file)) ||
			    !(f = child_text(ld, c, "File", file))) {
				rc = -1;
			} else if (strcmp(a, "End") == 0) {
				scn_note(s, file, line, "<Output> %s at the End%s%s: usr's format is "
					 "not written; counters.csv and summary.json hold the run's "
					 "results at its end", *d ? d : "(no Type)", *f ? " to " : "", f);
			} else if (strcmp(a, "Interval") == 0) {
				char err[UNITS_ERRLEN], iv[32];
				sim_time_t t;

				if (!*b)
					rc = scn_error(ld, file, line, "<Output> at an Interval has no "
						       "<Time> (milliseconds)");
				else if (units_duration("<Time>", b, UNITS_BARE_MS, SIM_MS, SIM_TIME_LIMIT,
							&t, err, sizeof(err)) < 0)
					/* usr's <Time> is whole milliseconds: 1 ms at least */
					rc = scn_error(ld, file, line, "<Output>: %s", err);
				if (rc == 0)
					units_fmt_duration(t, iv, sizeof(iv));
				if (rc == 0 && every && t != every)
					rc = scn_error(ld, file, line, "<Output> every %s: another "
						       "<Output> (line %d) has another interval, and the "
						       "time series has one", iv, every_line);
				if (rc == 0) {
					if (!every) {
						scn_val_set(&s->run[RO_TIMESERIES_INTERVAL], iv, file,
							    line);
						scn_val_set(&s->run[RO_TIMESERIES], USR_OUTPUT_SERIES,
							    file, line);
					}
					every = t;
					every_line = line;
					scn_note(s, file, line, "<Output> %s every %s%s%s: sampled into "
						 "timeseries.csv at that interval instead (series "
						 USR_OUTPUT_SERIES "), usr's format is not written",
						 *d ? d : "(no Type)", iv, *f ? " to " : "", f);
				}
			} else {
				rc = scn_error(ld, file, line, "<Output>: <When> \"%s\": usr's outputs "
					       "are written at the End or at an Interval", a);
			}
		} else {
			scn_note(s, file, line, "<%s>: not a part of usr's control files that "
				 "cometsim knows; ignored", (const char *)c->name);
		}
		g_free(a);
		g_free(b);
		g_free(d);
		g_free(f);
		if (rc < 0)
			return -1;
	}
	return 0;
}

static int
parse_simoptions(struct scn_ld *ld, xmlNode *root, const char *file)
{
	struct scenario *s = ld->s;
	xmlNode *eng = NULL, *nm = NULL, *par = NULL, *end = NULL;
	char *txt;
	int rc;

	if (xml_validate(ld, file, root) < 0)
		return -1;
	for (xmlNode *c = root->children; c; c = c->next) {
		if (!is_elem(c, "EventEngine"))
			continue;
		if (eng)
			return scn_error(ld, file, line_of(c), "duplicate <EventEngine> (first at "
					 "line %d)", line_of(eng));
		eng = c;
	}
	if (!eng)
		return scn_error(ld, file, line_of(root), "<SimOptions> has no <EventEngine>");
	for (xmlNode *c = eng->children; c; c = c->next) {
		if (is_elem(c, "Name"))
			nm = c;
		else if (is_elem(c, "Parameters"))
			par = c;
		else if (is_elem(c, "EndTime"))
			end = c;
	}
	s->auto_routes = true;
	if (!(txt = elem_text(ld, nm, file)))
		return -1;
	if (strcmp(txt, "Probabilistic") == 0) {
		char *dist = par ? elem_text(ld, par, file) : g_strdup("");

		scn_error(ld, file, line_of(nm), "event engine \"Probabilistic\" (routers "
			  "arriving, living and linking at random after the distributions of "
			  "%s) is not implemented: cometsim has no reader for usr's "
			  "<ProbabilisticEngine> file (NodeBirthDist, NodeDeathDist, "
			  "LinkCreateDist, PreferentialAttachment) and no engine drawing "
			  "them from the run's random streams; write the events as a script "
			  "(<Name>Script</Name>)", dist && *dist ? dist : "its <Parameters> file");
		g_free(dist);
		g_free(txt);
		return -1;
	}
	if (strcmp(txt, "Script") != 0) {
		scn_error(ld, file, line_of(nm), "event engine \"%s\": only the Script engine "
			  "is supported", txt);
		g_free(txt);
		return -1;
	}
	g_free(txt);
	if (end) {
		if (!(txt = elem_text(ld, end, file)))
			return -1;
		/* EndTime is in seconds. */
		{
			char *v = g_strdup_printf("%ss", txt);

			scn_val_set(&s->run[RO_END_TIME], v, file, line_of(end));
			g_free(v);
		}
		g_free(txt);
	}
	if (simoptions_parts(ld, root, file) < 0)
		return -1;
	if (!par)
		return scn_error(ld, file, line_of(eng), "<EventEngine> has no <Parameters> "
				 "naming the script file");
	if (!(txt = elem_text(ld, par, file)))
		return -1;
	if (!*txt)
		rc = scn_error(ld, file, line_of(par), "<Parameters> is empty: it names the "
			       "script file");
	else
		rc = scn_script_load(ld, txt, file, line_of(par));
	g_free(txt);
	return rc;
}

/* Read a scenario, topology or <SimOptions> file into ld->s. */
int
scn_xml_load(struct scn_ld *ld, const char *path)
{
	struct scenario *s = ld->s;
	const char *file = scn_file(s, path);
	xmlDoc *doc;
	xmlNode *root;
	int rc;

	doc = xml_read(ld, file, NULL, 0, "scenario");
	if (!doc)
		return -1;
	root = xmlDocGetRootElement(doc);
	if (is_elem(root, "scenario")) {
		rc = parse_scenario(ld, root, file);
	} else if (is_elem(root, "topology")) {
		rc = parse_topology(ld, root, file, true);
		if (rc == 0 && s->topo_name) {
			g_free(s->name);
			s->name = g_strdup(s->topo_name);
		}
	} else if (is_elem(root, "SimOptions")) {
		rc = parse_simoptions(ld, root, file);
	} else {
		rc = scn_error(ld, file, line_of(root), "root element <%s> is not <scenario>, "
			       "<topology> or <SimOptions>", (const char *)root->name);
	}
	xmlFreeDoc(doc);
	return rc;
}
