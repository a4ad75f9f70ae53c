/*
 * import_brite.c - the text files of the BRITE topology generator
 * (doc/topology-brite.md) read into a graph (graph.h).
 *
 *   Topology: ( N Nodes, M Edges )
 *   Model (...): ...                        one or more, or none
 *   Nodes: ( N )                            a ':' may follow
 *   id x y indeg outdeg ASid type           N lines
 *   Edges: ( M )                            a ':' may follow
 *   id from to length delay bandwidth ASfrom ASto type [direction]
 *
 * Fields are separated by runs of spaces and tabs; blank lines stand
 * anywhere.  A node is called n<id> (the id in decimal, "007" is n7),
 * with its x and y; its AS number is ASid + 1 when ASid is 0 or more (an
 * AS-level or top-down model: BRITE counts ASes from 0, which graph.h
 * keeps for "no AS"), none when ASid is -1.  An edge joins from and to;
 * its delay (milliseconds) and bandwidth (Mbit/s), real numbers, are
 * kept when greater than 0, rounded to the nanosecond and the bit/s.
 * Degrees, length, the edge's ASes, types and direction are checked for
 * their form and not kept.
 *
 * Refused, with the line: a section out of place or missing, a count
 * that differs from the Topology line or from the lines listed, a wrong
 * field count, a field that is not a number where one is due, a node id
 * or an edge id listed twice (the message gives the first line), an
 * edge naming a node not listed, an edge from a node to itself, a
 * negative delay or bandwidth, one too small to keep or too large, a
 * NUL byte.  Nothing is allocated from a declared count: a file that
 * says it has a billion nodes costs only what it lists.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include <glib.h>

#include "scenario/graph.h"

/* The most a field is quoted with in a message. */
#define QUOTE_MAX	40
/* Node and edge ids, and counts, are at most this. */
#define ID_MAX		UINT32_MAX
/* The most bandwidth an edge may have, in bit/s (exact as a double). */
#define BW_MAX		UINT64_C(1000000000000000000)

enum part { P_TOP, P_MODEL, P_NODES, P_EDGES };

struct brite {
	struct graph *g;
	enum part part;
	uint64_t top_nodes, top_edges;	/* as the Topology line says */
	int top_line;
	uint64_t want;			/* lines the current section declares */
	uint64_t have;			/* and has listed */
	int sect_line;			/* where it starts */
	GHashTable *edge_ids;		/* edge id -> first line */
	int line;
	char *err;
	size_t errlen;
};

static int __attribute__((format(printf, 2, 3)))
refuse(struct brite *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_vsnprintf(r->err, (gulong)r->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static void
skip_blanks(const char **p)
{
	while (**p == ' ' || **p == '\t')
		(*p)++;
}

/* Whether the word w comes at *p (after blanks); *p moves past it if so. */
static bool
eat(const char **p, const char *w)
{
	size_t n = strlen(w);

	skip_blanks(p);
	if (strncmp(*p, w, n) != 0)
		return false;
	*p += n;
	return true;
}

/* A whole number of decimal digits at *p (after blanks), at most ID_MAX. */
static bool
eat_count(const char **p, uint64_t *out)
{
	uint64_t v = 0;
	const char *q;

	skip_blanks(p);
	for (q = *p; g_ascii_isdigit(*q); q++)
		if ((v = v * 10 + (uint64_t)(*q - '0')) > ID_MAX)
			return false;
	if (q == *p)
		return false;
	*p = q;
	*out = v;
	return true;
}

/* Whether s is an id (digits, at most ID_MAX); *out its value. */
static bool
is_id(const char *s, uint64_t *out)
{
	return eat_count(&s, out) && *s == '\0';
}

/* Whether s is an AS id: -1 or an id. */
static bool
is_asid(const char *s, int64_t *out)
{
	uint64_t v;

	if (strcmp(s, "-1") == 0) {
		*out = -1;
		return true;
	}
	if (!is_id(s, &v))
		return false;
	*out = (int64_t)v;
	return true;
}

/*
 * Whether s is a real number as BRITE writes one: an optional '-',
 * digits with an optional point (at least one digit), an optional
 * exponent; *out its value, finite.
 */
static bool
is_real(const char *s, double *out)
{
	const char *p = s;
	bool digits = false;

	if (*p == '-')
		p++;
	for (; g_ascii_isdigit(*p); p++)
		digits = true;
	if (*p == '.')
		for (p++; g_ascii_isdigit(*p); p++)
			digits = true;
	if (!digits)
		return false;
	if (*p == 'e' || *p == 'E') {
		p++;
		if (*p == '-' || *p == '+')
			p++;
		if (!g_ascii_isdigit(*p))
			return false;
		while (g_ascii_isdigit(*p))
			p++;
	}
	if (*p != '\0')
		return false;
	*out = g_ascii_strtod(s, NULL);
	return isfinite(*out);
}

/* "Nodes: ( N )" or "Edges: ( M )", a ':' allowed after; N in *n. */
static bool
section_head(const char *l, const char *word, uint64_t *n)
{
	const char *p = l;

	if (!eat(&p, word) || !eat(&p, "(") || !eat_count(&p, n) || !eat(&p, ")"))
		return false;
	(void)eat(&p, ":");
	skip_blanks(&p);
	return *p == '\0';
}

/* "Topology: ( N Nodes, M Edges )". */
static int
topology_line(struct brite *r, const char *l)
{
	const char *p = l;

	if (!eat(&p, "Topology:") || !eat(&p, "(") || !eat_count(&p, &r->top_nodes) ||
	    !eat(&p, "Nodes") || !eat(&p, ",") || !eat_count(&p, &r->top_edges) ||
	    !eat(&p, "Edges") || !eat(&p, ")") || (skip_blanks(&p), *p != '\0'))
		return refuse(r, "expected \"Topology: ( N Nodes, M Edges )\" first");
	r->top_line = r->line;
	r->part = P_MODEL;
	return 0;
}

/* The end of a section: as many lines as it declares. */
static int
section_end(struct brite *r, const char *what)
{
	if (r->have == r->want)
		return 0;
	r->line = r->sect_line;
	return refuse(r, "the section declares %" PRIu64 " %s, %" PRIu64 " listed", r->want,
		      what, r->have);
}

/* A line "Nodes: ( N )" or "Edges: ( M )" where one is due. */
static int
start_section(struct brite *r, const char *l, enum part part)
{
	const char *word = part == P_NODES ? "Nodes:" : "Edges:";
	uint64_t n, top = part == P_NODES ? r->top_nodes : r->top_edges;

	if (!section_head(l, word, &n))
		return refuse(r, "expected \"%s ( %" PRIu64 " )\"", word, top);
	if (n != top)
		return refuse(r, "%s ( %" PRIu64 " ) but the Topology line (line %d) says %"
			      PRIu64, word, n, r->top_line, top);
	r->part = part;
	r->want = n;
	r->have = 0;
	r->sect_line = r->line;
	return 0;
}

/* Cut l into at most max fields at runs of blanks; their count, or max + 1. */
static unsigned
fields(char *l, char **f, unsigned max)
{
	unsigned nf = 0;

	for (char *p = l; *p;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (nf == max)
			return max + 1;
		f[nf++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	return nf;
}

/* id x y indeg outdeg ASid type */
static int
node_line(struct brite *r, char *l)
{
	struct graph_node *n;
	char *f[7], name[16];
	uint64_t id, deg;
	double x, y;
	int64_t as;
	int i;

	if (r->have == r->want)
		return refuse(r, "more nodes than the %" PRIu64 " the section declares (line "
			      "%d)", r->want, r->sect_line);
	if (fields(l, f, 7) != 7)
		return refuse(r, "a node is 7 fields: id x y indeg outdeg ASid type");
	if (!is_id(f[0], &id))
		return refuse(r, "node id \"%.*s\" is not a whole number", QUOTE_MAX, f[0]);
	if (!is_real(f[1], &x) || !is_real(f[2], &y))
		return refuse(r, "coordinates \"%.*s\" \"%.*s\" are not numbers", QUOTE_MAX,
			      f[1], QUOTE_MAX, f[2]);
	if (!is_id(f[3], &deg) || !is_id(f[4], &deg))
		return refuse(r, "degrees \"%.*s\" \"%.*s\" are not whole numbers", QUOTE_MAX,
			      f[3], QUOTE_MAX, f[4]);
	if (!is_asid(f[5], &as) || as >= (int64_t)UINT32_MAX)
		return refuse(r, "AS id \"%.*s\" is not -1 nor a whole number below "
			      "4294967295", QUOTE_MAX, f[5]);
	g_snprintf(name, sizeof(name), "n%" PRIu64, id);
	if ((i = graph_find(r->g, name)) >= 0)
		return refuse(r, "node %" PRIu64 " again, first at line %d", id,
			      g_array_index(r->g->nodes, struct graph_node, i).line);
	i = graph_node(r->g, name, r->line);
	/* "n" and digits: always a valid name. */
	g_assert(i >= 0);
	n = &g_array_index(r->g->nodes, struct graph_node, i);
	n->has_xy = true;
	n->x = x;
	n->y = y;
	if (as >= 0)
		n->asn = (uint32_t)as + 1;
	r->have++;
	return 0;
}

/* The node of id s in an edge, or -1 with the message. */
static int
edge_end(struct brite *r, const char *s)
{
	char name[16];
	uint64_t id;
	int i;

	if (!is_id(s, &id))
		return refuse(r, "node id \"%.*s\" is not a whole number", QUOTE_MAX, s);
	g_snprintf(name, sizeof(name), "n%" PRIu64, id);
	if ((i = graph_find(r->g, name)) < 0)
		return refuse(r, "node %" PRIu64 " is not listed in the Nodes section", id);
	return i;
}

/*
 * A delay in milliseconds or a bandwidth in Mbit/s, s, into *out in
 * millionths of it (ns, bit/s: unit names them): 0 when it is 0, -1 with
 * the message when negative, too small to be 1 once rounded, or above max.
 */
static int
edge_value(struct brite *r, const char *what, const char *s, const char *unit, uint64_t max,
	   uint64_t *out)
{
	double v, u;

	if (!is_real(s, &v))
		return refuse(r, "%s \"%.*s\" is not a number", what, QUOTE_MAX, s);
	if (v < 0)
		return refuse(r, "%s \"%.*s\" is negative", what, QUOTE_MAX, s);
	u = round(v * 1e6);
	if (v > 0 && u < 1)
		return refuse(r, "%s \"%.*s\" is too small to keep (below 1 %s)", what,
			      QUOTE_MAX, s, unit);
	if (u > (double)max)
		return refuse(r, "%s \"%.*s\" is too large", what, QUOTE_MAX, s);
	*out = (uint64_t)u;
	return 0;
}

/* id from to length delay bandwidth ASfrom ASto type [direction] */
static int
edge_line(struct brite *r, char *l)
{
	struct graph_edge e;
	char *f[10];
	unsigned nf;
	uint64_t id, delay;
	double len;
	int64_t as;
	gpointer first;
	int a, b;

	if (r->have == r->want)
		return refuse(r, "more edges than the %" PRIu64 " the section declares (line "
			      "%d)", r->want, r->sect_line);
	nf = fields(l, f, 10);
	if (nf < 9 || nf > 10)
		return refuse(r, "an edge is 9 or 10 fields: id from to length delay "
			      "bandwidth ASfrom ASto type [direction]");
	if (!is_id(f[0], &id))
		return refuse(r, "edge id \"%.*s\" is not a whole number", QUOTE_MAX, f[0]);
	if ((first = g_hash_table_lookup(r->edge_ids, GUINT_TO_POINTER((guint)id))))
		return refuse(r, "edge %" PRIu64 " again, first at line %d", id,
			      GPOINTER_TO_INT(first));
	if ((a = edge_end(r, f[1])) < 0 || (b = edge_end(r, f[2])) < 0)
		return -1;
	if (a == b)
		return refuse(r, "edge %" PRIu64 " from node %s to itself", id, f[1]);
	if (!is_real(f[3], &len))
		return refuse(r, "length \"%.*s\" is not a number", QUOTE_MAX, f[3]);
	memset(&e, 0, sizeof(e));
	if (edge_value(r, "delay", f[4], "ns", (uint64_t)SIM_TIME_LIMIT, &delay) < 0 ||
	    edge_value(r, "bandwidth", f[5], "bit/s", BW_MAX, &e.bw) < 0)
		return -1;
	if (!is_asid(f[6], &as) || !is_asid(f[7], &as))
		return refuse(r, "edge ASes \"%.*s\" \"%.*s\" are not -1 nor whole numbers",
			      QUOTE_MAX, f[6], QUOTE_MAX, f[7]);
	if (delay > 0) {
		e.delay = (sim_time_t)delay;
		e.has_delay = true;
	}
	e.line = r->line;
	graph_edge(r->g, (uint32_t)a, (uint32_t)b, &e);
	g_hash_table_insert(r->edge_ids, GUINT_TO_POINTER((guint)id),
			    GINT_TO_POINTER(r->line));
	r->have++;
	return 0;
}

static int
brite_line(struct brite *r, char *l)
{
	switch (r->part) {
	case P_TOP:
		return topology_line(r, l);
	case P_MODEL:
		if (strncmp(l, "Model", 5) == 0)
			return 0;
		return start_section(r, l, P_NODES);
	case P_NODES:
		if (strncmp(l, "Edges:", 6) == 0) {
			if (section_end(r, "nodes") < 0)
				return -1;
			return start_section(r, l, P_EDGES);
		}
		return node_line(r, l);
	case P_EDGES:
		return edge_line(r, l);
	}
	return refuse(r, "unexpected line");
}

int
graph_read_brite(const char *buf, size_t len, struct graph *g, int *line, char *err,
		 size_t errlen)
{
	struct brite r = { .g = g, .err = err, .errlen = errlen };
	GString *l = g_string_new(NULL);
	size_t pos = 0;
	int rc = 0;

	r.edge_ids = g_hash_table_new(g_direct_hash, g_direct_equal);
	/* A UTF-8 byte-order mark, as some editors save text, is not content. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len && rc == 0) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;

		pos += n + 1;
		r.line++;
		if (memchr(s, '\0', n)) {
			rc = refuse(&r, "a NUL byte: not a text file");
			break;
		}
		g_string_append_len(g_string_truncate(l, 0), s, (gssize)n);
		g_strstrip(l->str);
		if (l->str[0] != '\0')
			rc = brite_line(&r, l->str);
	}
	if (rc == 0 && r.part != P_EDGES) {
		r.line = 0;
		rc = refuse(&r, "no %s section", r.part == P_TOP ? "Topology line, Nodes nor Edges"
			    : r.part == P_MODEL ? "Nodes nor Edges" : "Edges");
	}
	if (rc == 0)
		rc = section_end(&r, "edges");
	if (rc == 0 && g->nodes->len == 0) {
		r.line = 0;
		rc = refuse(&r, "no node in the file");
	}
	g_string_free(l, TRUE);
	g_hash_table_destroy(r.edge_ids);
	*line = rc < 0 ? r.line : 0;
	return rc;
}
