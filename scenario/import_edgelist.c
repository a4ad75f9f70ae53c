/*
 * import_edgelist.c - plain edge lists (doc/topology-edgelist.md) read
 * into a graph (graph.h), one edge a line:
 *
 *   A B [WEIGHT [BANDWIDTH [DELAY]]]
 *
 * Fields are separated by spaces or tabs; '#' starts a comment wherever
 * it stands (so a name cannot hold one); blank lines are nothing.  A and
 * B are node names, taken as they are written; WEIGHT is a whole number
 * from 1 to 4294967295, BANDWIDTH a rate and DELAY a duration as the
 * scenario files write them (sim/units.h: 10Mbps, 2ms); "-" stands for
 * a field not given.  A line with a name alone declares that node, with
 * no edge (an isolated node, or one whose place in the order matters).
 * The same pair on several lines makes parallel edges.
 *
 * Refused, with the line: a name that holds ':' or is "-", more than
 * five fields, a field that is not what its place asks for, an edge from
 * a node to itself, a NUL byte; a file without any node is refused as a
 * whole.
 */
#include <stdarg.h>
#include <string.h>

#include <glib.h>

#include "scenario/graph.h"
#include "sim/units.h"

/* The most a field is quoted with in a message. */
#define QUOTE_MAX	40

struct edgelist {
	struct graph *g;
	int line;
	char *err;
	size_t errlen;
};

static int __attribute__((format(printf, 2, 3)))
refuse(struct edgelist *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_vsnprintf(r->err, (gulong)r->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The node called name, made the first time; -1 with the message. */
static int
named_node(struct edgelist *r, const char *name)
{
	int i;

	if (strcmp(name, "-") == 0)
		return refuse(r, "node name \"-\" is not valid (\"-\" stands for a field not "
			      "given)");
	i = graph_node(r->g, name, r->line);
	if (i < 0)
		return refuse(r, "node name \"%.*s\" is not valid (no ':' and no blanks)",
			      QUOTE_MAX, name);
	return i;
}

/* The optional fields of an edge, f[0..n) (WEIGHT, BANDWIDTH, DELAY), into e. */
static int
edge_fields(struct edgelist *r, char **f, unsigned n, struct graph_edge *e)
{
	char err[UNITS_ERRLEN];
	uint64_t v;

	if (n > 0 && strcmp(f[0], "-") != 0) {
		if (units_uint("weight", f[0], 1, UINT32_MAX, &v, err, sizeof(err)) < 0)
			return refuse(r, "%s", err);
		e->weight = (uint32_t)v;
	}
	if (n > 1 && strcmp(f[1], "-") != 0 &&
	    units_rate("bandwidth", f[1], 1, UINT64_MAX, &e->bw, err, sizeof(err)) < 0)
		return refuse(r, "%s", err);
	if (n > 2 && strcmp(f[2], "-") != 0) {
		if (units_duration("delay", f[2], 0, 0, SIM_TIME_LIMIT, &e->delay, err,
				   sizeof(err)) < 0)
			return refuse(r, "%s", err);
		e->has_delay = true;
	}
	return 0;
}

/* One line without its comment, NUL-terminated; cut into fields here. */
static int
read_line(struct edgelist *r, char *l)
{
	char *f[5];
	unsigned nf = 0;
	struct graph_edge e;
	int a, b;

	for (char *p = l; *p;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		if (nf == G_N_ELEMENTS(f))
			return refuse(r, "more than 5 fields (A B [WEIGHT [BANDWIDTH "
				      "[DELAY]]])");
		f[nf++] = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
	}
	if (nf == 0)
		return 0;
	if ((a = named_node(r, f[0])) < 0)
		return -1;
	if (nf == 1)
		return 0;
	if ((b = named_node(r, f[1])) < 0)
		return -1;
	if (a == b)
		return refuse(r, "edge from %.*s to itself", QUOTE_MAX, f[0]);
	memset(&e, 0, sizeof(e));
	if (edge_fields(r, f + 2, nf - 2, &e) < 0)
		return -1;
	e.line = r->line;
	graph_edge(r->g, (uint32_t)a, (uint32_t)b, &e);
	return 0;
}

int
graph_read_edgelist(const char *buf, size_t len, struct graph *g, int *line, char *err,
		    size_t errlen)
{
	struct edgelist r = { .g = g, .err = err, .errlen = errlen };
	GString *l = g_string_new(NULL);
	size_t pos = 0;
	int rc = 0;

	/* A UTF-8 byte-order mark, as some editors save text, is not content. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len && rc == 0) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		char *cm;

		pos += n + 1;
		r.line++;
		if (memchr(s, '\0', n)) {
			rc = refuse(&r, "a NUL byte: not a text file");
			break;
		}
		g_string_append_len(g_string_truncate(l, 0), s, (gssize)n);
		if ((cm = strchr(l->str, '#')))
			*cm = '\0';
		/* A file written on Windows ends its lines with "\r\n". */
		cm = l->str + strlen(l->str);
		if (cm > l->str && cm[-1] == '\r')
			cm[-1] = '\0';
		rc = read_line(&r, l->str);
	}
	if (rc == 0 && g->nodes->len == 0) {
		r.line = 0;
		rc = refuse(&r, "no node in the file");
	}
	g_string_free(l, TRUE);
	*line = rc < 0 ? r.line : 0;
	return rc;
}
