/*
 * import_graphml.c - the GraphML reader: a topology as the Internet
 * Topology Zoo writes it (one <graph> of <node>s and <edge>s whose
 * <data> children carry the attributes declared by <key>s), into a
 * struct graph (graph.h).  doc/topology-graphml.md says what is read
 * and what is refused.
 *
 * The file is parsed by libxml2 from memory (entities/xmldoc.h: no
 * network); a file with a DOCTYPE is refused, so that no entity is
 * ever expanded.  Elements are matched by their local name, with or
 * without the GraphML namespace.  The reader makes two passes over the
 * graph: the nodes, then the edges, since an edge may name a node
 * written after it.
 *
 * Node names: an id of decimal digits only ("0", "17": what the Zoo
 * writes) is named n<id> ("n0", "n17"); any other id is the name as it
 * is.  Two ids that would give the same name, and an id that cannot be
 * a name (empty, with ':' or blanks), are refused.
 *
 * An edge with no delay of its own between two nodes with coordinates
 * gets the propagation delay along the great circle (haversine, a
 * spherical Earth of GML_EARTH_RADIUS metres) at two thirds of the
 * speed of light, rounded to the nanosecond.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "entities/xmldoc.h"
#include "scenario/graph.h"
#include "sim/units.h"

#define GML_EARTH_RADIUS	6371000.0		/* m, the mean radius */
#define GML_LIGHT		299792458.0		/* m/s, in a vacuum */
#define GML_SPEED		(GML_LIGHT * 2.0 / 3.0)	/* m/s, in fibre */

/* What a <key> means to the reader; its attr.name. */
enum gml_attr {
	GA_OTHER = 0,		/* not read */
	GA_LABEL,		/* node: label */
	GA_LAT,			/* node: Latitude, the y */
	GA_LON,			/* node: Longitude, the x */
	GA_RAW,			/* edge: LinkSpeedRaw, bit/s */
	GA_SPEED,		/* edge: LinkSpeed, in LinkSpeedUnits */
	GA_UNITS,		/* edge: LinkSpeedUnits (k, M, G...) */
	GA_DELAY,		/* edge: delay, a duration (bare: ms) */
	GA_WEIGHT,		/* edge: weight, a number rounded */
	GA_N
};

static const struct {
	const char *name;
	bool node;		/* an attribute of nodes, else of edges */
} gml_attrs[GA_N] = {
	[GA_LABEL] = { "label", true },
	[GA_LAT] = { "Latitude", true },
	[GA_LON] = { "Longitude", true },
	[GA_RAW] = { "LinkSpeedRaw", false },
	[GA_SPEED] = { "LinkSpeed", false },
	[GA_UNITS] = { "LinkSpeedUnits", false },
	[GA_DELAY] = { "delay", false },
	[GA_WEIGHT] = { "weight", false },
};

/* Where a key applies: its for="...". */
#define GK_NODE	0x1u
#define GK_EDGE	0x2u

struct gml_key {
	const char *id;		/* the document's */
	const char *dom;	/* for="..." as written, for messages */
	unsigned where;		/* GK_* */
	enum gml_attr node_attr, edge_attr;	/* its meaning on a node, on an edge */
	xmlChar *def;		/* <default>, or NULL */
	int line;
};

struct gml {
	const char *buf;
	size_t len;
	int lines;		/* of the file, to keep an error's line in range */
	struct graph *g;
	GHashTable *keys;	/* id -> struct gml_key * */
	const xmlChar *def[2][GA_N];	/* [edge?][attr]: the first key's <default> */
	GHashTable *ids;	/* node id -> node index + 1 */
	GPtrArray *idof;	/* node index -> its id */
	GPtrArray *strs;	/* attribute values (xmlFree them) */
	int *line;
	char *err;
	size_t errlen;
};

static int __attribute__((format(printf, 3, 4)))
gml_fail(struct gml *r, int line, const char *fmt, ...)
{
	va_list ap;

	*r->line = line < 0 ? 0 : line > r->lines ? r->lines : line;
	va_start(ap, fmt);
	g_vsnprintf(r->err, r->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static int
gml_line(const xmlNode *n)
{
	return xmldoc_line(n);
}

/* An element of that local name (any namespace). */
static bool
gml_is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* An attribute's value, kept until the end of the read (r->strs), or NULL. */
static const char *
gml_prop(struct gml *r, const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);

	if (v)
		g_ptr_array_add(r->strs, v);
	return (const char *)v;
}

/* The text of an element without the blanks around it (g_free it). */
static char *
gml_text(const xmlNode *n)
{
	xmlChar *c = xmlNodeGetContent(n);
	char *s = g_strstrip(g_strdup(c ? (const char *)c : ""));

	xmlFree(c);
	return s;
}

static void
gml_key_free(gpointer p)
{
	struct gml_key *k = p;

	xmlFree(k->def);
	g_free(k);
}

static enum gml_attr
gml_attr_of(const char *name, bool node)
{
	for (int i = 1; i < GA_N; i++)
		if (gml_attrs[i].node == node && strcmp(gml_attrs[i].name, name) == 0)
			return (enum gml_attr)i;
	return GA_OTHER;
}

/* The <key>s of the document, into r->keys. */
static int
gml_keys(struct gml *r, const xmlNode *root)
{
	for (const xmlNode *n = root->children; n; n = n->next) {
		const char *id, *dom, *name;
		struct gml_key *k, *old;

		if (!gml_is(n, "key"))
			continue;
		id = gml_prop(r, n, "id");
		if (!id || !*id)
			return gml_fail(r, gml_line(n), "a <key> without an id");
		old = g_hash_table_lookup(r->keys, id);
		if (old)
			return gml_fail(r, gml_line(n), "key \"%s\" is declared twice "
					"(first at line %d)", id, old->line);
		dom = gml_prop(r, n, "for");
		name = gml_prop(r, n, "attr.name");
		k = g_new0(struct gml_key, 1);
		k->id = id;
		k->dom = dom ? dom : "all";
		k->line = gml_line(n);
		if (strcmp(k->dom, "node") == 0)
			k->where = GK_NODE;
		else if (strcmp(k->dom, "edge") == 0)
			k->where = GK_EDGE;
		else if (strcmp(k->dom, "all") == 0)
			k->where = GK_NODE | GK_EDGE;
		if (name) {
			k->node_attr = gml_attr_of(name, true);
			k->edge_attr = gml_attr_of(name, false);
		}
		for (const xmlNode *c = n->children; c; c = c->next)
			if (gml_is(c, "default") && !k->def)
				k->def = xmlNodeGetContent(c);
		g_hash_table_insert(r->keys, (gpointer)id, k);
		if ((k->where & GK_NODE) && k->def && !r->def[0][k->node_attr])
			r->def[0][k->node_attr] = k->def;
		if ((k->where & GK_EDGE) && k->def && !r->def[1][k->edge_attr])
			r->def[1][k->edge_attr] = k->def;
	}
	return 0;
}

/*
 * The values of what the reader knows on a node or an edge (el), from
 * its <data> and the keys' defaults, into v[GA_N] (g_free each).  what
 * names the element in messages.
 */
static int
gml_values(struct gml *r, const xmlNode *el, bool node, const char *what, char **v)
{
	unsigned where = node ? GK_NODE : GK_EDGE;

	for (const xmlNode *c = el->children; c; c = c->next) {
		const struct gml_key *k;
		const char *key;
		enum gml_attr a;

		if (gml_is(c, "graph"))
			return gml_fail(r, gml_line(c), "a graph nested in %s: nested graphs "
					"are not read", what);
		if (!gml_is(c, "data"))
			continue;
		key = gml_prop(r, c, "key");
		if (!key)
			return gml_fail(r, gml_line(c), "a <data> without a key");
		k = g_hash_table_lookup(r->keys, key);
		if (!k)
			return gml_fail(r, gml_line(c), "data key \"%s\" is not declared by "
					"a <key>", key);
		if (!(k->where & where))
			return gml_fail(r, gml_line(c), "data key \"%s\" is declared for %s, "
					"not for %s", key, k->dom, node ? "node" : "edge");
		a = node ? k->node_attr : k->edge_attr;
		if (a == GA_OTHER)
			continue;
		if (v[a])
			return gml_fail(r, gml_line(c), "%s: %s is given twice", what,
					gml_attrs[a].name);
		v[a] = gml_text(c);
	}
	for (int a = 1; a < GA_N; a++)
		if (!v[a] && r->def[!node][a])
			v[a] = g_strstrip(g_strdup((const char *)r->def[!node][a]));
	return 0;
}

static void
gml_values_free(char **v)
{
	for (int i = 0; i < GA_N; i++) {
		g_free(v[i]);
		v[i] = NULL;
	}
}

/*
 * A real number as written in the Zoo: an optional sign, digits with
 * an optional fraction, an optional exponent; finite.  0 or -1.
 */
static int
gml_real(const char *s, double *out)
{
	const char *p = s;
	bool digits = false;
	char *end;

	if (*p == '-' || *p == '+')
		p++;
	while (g_ascii_isdigit(*p)) {
		p++;
		digits = true;
	}
	if (*p == '.')
		for (p++; g_ascii_isdigit(*p); p++)
			digits = true;
	if (!digits)
		return -1;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!g_ascii_isdigit(*p))
			return -1;
		while (g_ascii_isdigit(*p))
			p++;
	}
	if (*p)
		return -1;
	*out = g_ascii_strtod(s, &end);
	return *end == '\0' && isfinite(*out) ? 0 : -1;
}

static int
gml_coord(struct gml *r, int line, const char *what, enum gml_attr a, const char *s,
	  double lim, double *out)
{
	if (gml_real(s, out) < 0)
		return gml_fail(r, line, "%s: %s \"%s\" is not a number", what,
				gml_attrs[a].name, s);
	if (*out < -lim || *out > lim)
		return gml_fail(r, line, "%s: %s \"%s\" is not between -%g and %g", what,
				gml_attrs[a].name, s, lim, lim);
	return 0;
}

static int
gml_node(struct gml *r, const xmlNode *el)
{
	int line = gml_line(el);
	const char *id = gml_prop(r, el, "id");
	char *v[GA_N] = { NULL };
	char what[96], *name;
	struct graph_node *gn;
	gpointer old;
	int i, rc = -1;

	if (!id)
		return gml_fail(r, line, "a <node> without an id");
	if (!*id)
		return gml_fail(r, line, "a <node> with an empty id");
	old = g_hash_table_lookup(r->ids, id);
	if (old) {
		gn = &g_array_index(r->g->nodes, struct graph_node, GPOINTER_TO_UINT(old) - 1);
		return gml_fail(r, line, "node \"%s\" is declared twice (first at line %d)",
				id, gn->line);
	}
	g_snprintf(what, sizeof(what), "node \"%.80s\"", id);
	if (strspn(id, "0123456789") == strlen(id))
		name = g_strdup_printf("n%s", id);
	else
		name = g_strdup(id);
	i = graph_find(r->g, name);
	if (i >= 0) {
		gn = &g_array_index(r->g->nodes, struct graph_node, i);
		gml_fail(r, line, "node \"%s\" would be named %s, which node \"%s\" is "
			 "(line %d)", id, name, (const char *)g_ptr_array_index(r->idof, i),
			 gn->line);
		goto out;
	}
	i = graph_node(r->g, name, line);
	if (i < 0) {
		gml_fail(r, line, "%s: a name has no ':' and no blanks", what);
		goto out;
	}
	g_hash_table_insert(r->ids, g_strdup(id), GUINT_TO_POINTER((guint)i + 1));
	g_ptr_array_add(r->idof, g_strdup(id));
	if (gml_values(r, el, true, what, v) < 0)
		goto out;
	gn = &g_array_index(r->g->nodes, struct graph_node, i);
	if (v[GA_LABEL] && *v[GA_LABEL])
		gn->label = g_strdup(v[GA_LABEL]);
	if (v[GA_LAT] && !v[GA_LON]) {
		gml_fail(r, line, "%s: a Latitude without a Longitude", what);
		goto out;
	}
	if (v[GA_LON] && !v[GA_LAT]) {
		gml_fail(r, line, "%s: a Longitude without a Latitude", what);
		goto out;
	}
	if (v[GA_LAT]) {
		if (gml_coord(r, line, what, GA_LAT, v[GA_LAT], 90, &gn->y) < 0 ||
		    gml_coord(r, line, what, GA_LON, v[GA_LON], 180, &gn->x) < 0)
			goto out;
		gn->has_xy = true;
	}
	rc = 0;
out:
	gml_values_free(v);
	g_free(name);
	return rc;
}

/* The propagation delay along the great circle from a to b. */
static sim_time_t
gml_delay(const struct graph_node *a, const struct graph_node *b)
{
	double f1 = a->y * G_PI / 180, f2 = b->y * G_PI / 180;
	double sf = sin((f2 - f1) / 2), sl = sin((b->x - a->x) * G_PI / 180 / 2);
	double h = sf * sf + cos(f1) * cos(f2) * sl * sl;
	double d = 2 * GML_EARTH_RADIUS * asin(sqrt(fmin(1, h)));

	return (sim_time_t)llround(d / GML_SPEED * 1e9);
}

/* The rate of an edge from its values, into *bw (0: none). */
static int
gml_rate(struct gml *r, int line, const char *what, char **v, uint64_t *bw)
{
	char uerr[UNITS_ERRLEN];
	const char *u = v[GA_UNITS];
	char *s;
	int rc;

	if (v[GA_RAW]) {
		if (units_rate_flags("LinkSpeedRaw", v[GA_RAW], UNITS_BARE_EXP, 1, UINT64_MAX, bw,
				     uerr, sizeof(uerr)) < 0)
			return gml_fail(r, line, "%s: %s", what, uerr);
		return 0;
	}
	if (!v[GA_SPEED])
		return 0;
	if (!u || !*u)
		return gml_fail(r, line, "%s: LinkSpeed \"%s\" without LinkSpeedUnits", what,
				v[GA_SPEED]);
	for (const char *p = u; *p; p++)
		if (!g_ascii_isalpha(*p) && *p != '/')
			return gml_fail(r, line, "%s: LinkSpeedUnits \"%s\" is not a unit", what,
					u);
	s = g_strconcat(v[GA_SPEED], u, NULL);
	rc = units_rate("LinkSpeed", s, 1, UINT64_MAX, bw, uerr, sizeof(uerr));
	g_free(s);
	return rc < 0 ? gml_fail(r, line, "%s: %s", what, uerr) : 0;
}

/* A weight: a number from 0, rounded half up, at least 1. */
static int
gml_weight(struct gml *r, int line, const char *what, const char *s, uint32_t *out)
{
	double w;

	if (*s == '-')
		return gml_fail(r, line, "%s: weight \"%s\" is negative", what, s);
	if (*s == '+' || gml_real(s, &w) < 0)
		return gml_fail(r, line, "%s: weight \"%s\" is not a number", what, s);
	w = floor(w + 0.5);
	if (w > UINT32_MAX)
		return gml_fail(r, line, "%s: weight \"%s\" is too large (at most %u)", what, s,
				UINT32_MAX);
	*out = w < 1 ? 1 : (uint32_t)w;
	return 0;
}

static int
gml_edge(struct gml *r, const xmlNode *el)
{
	int line = gml_line(el);
	const char *src = gml_prop(r, el, "source"), *dst = gml_prop(r, el, "target");
	char *v[GA_N] = { NULL };
	char what[128], uerr[UNITS_ERRLEN];
	const struct graph_node *na, *nb;
	struct graph_edge e;
	guint a, b;
	int rc = -1;

	if (!src)
		return gml_fail(r, line, "an <edge> without a source");
	if (!dst)
		return gml_fail(r, line, "an <edge> without a target");
	g_snprintf(what, sizeof(what), "edge %.50s-%.50s", src, dst);
	a = GPOINTER_TO_UINT(g_hash_table_lookup(r->ids, src));
	b = GPOINTER_TO_UINT(g_hash_table_lookup(r->ids, dst));
	if (!a)
		return gml_fail(r, line, "%s: no node \"%s\"", what, src);
	if (!b)
		return gml_fail(r, line, "%s: no node \"%s\"", what, dst);
	if (a == b)
		return gml_fail(r, line, "%s: a link from a node to itself (remove the <edge>)",
				what);
	memset(&e, 0, sizeof(e));
	e.line = line;
	if (gml_values(r, el, false, what, v) < 0 || gml_rate(r, line, what, v, &e.bw) < 0)
		goto out;
	na = &g_array_index(r->g->nodes, struct graph_node, a - 1);
	nb = &g_array_index(r->g->nodes, struct graph_node, b - 1);
	if (v[GA_DELAY]) {
		if (units_duration("delay", v[GA_DELAY], UNITS_BARE_MS, 0, SIM_TIME_LIMIT,
				   &e.delay, uerr, sizeof(uerr)) < 0) {
			gml_fail(r, line, "%s: %s", what, uerr);
			goto out;
		}
		e.has_delay = true;
	} else if (na->has_xy && nb->has_xy) {
		e.delay = gml_delay(na, nb);
		e.has_delay = true;
	}
	if (v[GA_WEIGHT] && gml_weight(r, line, what, v[GA_WEIGHT], &e.weight) < 0)
		goto out;
	graph_edge(r->g, a - 1, b - 1, &e);
	rc = 0;
out:
	gml_values_free(v);
	return rc;
}

/* The line of the first "<!DOCTYPE" of the file (1 if none is found). */
static int
gml_doctype_line(const struct gml *r)
{
	const char *d = g_strstr_len(r->buf, (gssize)r->len, "<!DOCTYPE");
	int line = 1;

	for (const char *p = r->buf; d && p < d; p++)
		line += *p == '\n';
	return line;
}

static int
gml_graph(struct gml *r, const xmlNode *root)
{
	const xmlNode *graph = NULL;

	if (gml_keys(r, root) < 0)
		return -1;
	for (const xmlNode *n = root->children; n; n = n->next) {
		if (!gml_is(n, "graph"))
			continue;
		if (graph)
			return gml_fail(r, gml_line(n), "a second <graph>: one graph a file");
		graph = n;
	}
	if (!graph)
		return gml_fail(r, gml_line(root), "no <graph> in <graphml>");
	for (const xmlNode *n = graph->children; n; n = n->next) {
		if (gml_is(n, "hyperedge"))
			return gml_fail(r, gml_line(n), "a <hyperedge>: only edges between two "
					"nodes are read");
		if (gml_is(n, "node") && gml_node(r, n) < 0)
			return -1;
	}
	if (r->g->nodes->len == 0)
		return gml_fail(r, gml_line(graph), "the graph has no node");
	for (const xmlNode *n = graph->children; n; n = n->next)
		if (gml_is(n, "edge") && gml_edge(r, n) < 0)
			return -1;
	return 0;
}

int
graph_read_graphml(const char *buf, size_t len, struct graph *g, int *line, char *err,
		   size_t errlen)
{
	struct gml r = { .buf = buf, .len = len, .lines = 1, .g = g, .line = line,
			 .err = err, .errlen = errlen };
	struct xmldoc_err xe = { 0, "" };
	const char *nul = memchr(buf, '\0', len);
	const xmlNode *root;
	xmlDoc *doc;
	int rc;

	*line = 0;
	for (size_t i = 0; i < len; i++)
		r.lines += buf[i] == '\n';
	if (len == 0)
		return gml_fail(&r, 0, "not GraphML: the file is empty");
	if (nul) {
		int l = 1;

		for (const char *p = buf; p < nul; p++)
			l += *p == '\n';
		return gml_fail(&r, l, "a NUL byte");
	}
	doc = xmldoc_parse(buf, len, "graphml", &xe);
	if (!doc)
		return gml_fail(&r, xe.line, "malformed XML: %s", xe.msg);
	root = xmlDocGetRootElement(doc);
	if (doc->intSubset || doc->extSubset) {
		rc = gml_fail(&r, gml_doctype_line(&r), "a DOCTYPE: GraphML has none, and "
			      "entities are not read");
	} else if (!gml_is(root, "graphml")) {
		rc = gml_fail(&r, gml_line(root), "not GraphML: the root element is <%s>, not "
			      "<graphml>", (const char *)root->name);
	} else {
		r.keys = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, gml_key_free);
		r.ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		r.idof = g_ptr_array_new_with_free_func(g_free);
		r.strs = g_ptr_array_new_with_free_func(xmlFree);
		rc = gml_graph(&r, root);
		g_hash_table_destroy(r.keys);
		g_hash_table_destroy(r.ids);
		g_ptr_array_free(r.idof, TRUE);
		g_ptr_array_free(r.strs, TRUE);
	}
	xmlFreeDoc(doc);
	return rc;
}
