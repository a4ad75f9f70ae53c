/*
 * import_caida.c - CAIDA AS-relationship files (doc/topology-caida.md)
 * read into a graph (graph.h): one node per AS, one edge per pair of
 * ASes, with its business relationship.
 *
 * A line is "AS1|AS2|REL" (serial-1) or "AS1|AS2|REL|SOURCE" (serial-2,
 * SOURCE a word such as bgp or mlp, not kept); a line whose first
 * character that is not a blank is '#' is a comment, and a blank line is
 * nothing.  REL -1 makes AS1 the provider of AS2 (GREL_P2C from AS1 to
 * AS2), 0 peers (GREL_P2P), 1 siblings (GREL_S2S).  An AS number is
 * written as one decimal number from 1 to 4294967295 or in the asdot
 * form HIGH.LOW (each half from 0 to 65535: HIGH * 65536 + LOW), and its
 * node is called AS<number> in decimal, whichever form named it.
 *
 * Refused, with the line: a field count other than 3 or 4, an AS number
 * that is not one of the forms above or is 0, an unknown REL, an empty
 * SOURCE, an AS related to itself, a pair of ASes written twice (in
 * either order; the message gives the first line), a NUL byte.  A file
 * without any relationship is refused as a whole.  Each line is read
 * once and the pairs are looked up in a hash table: linear time in the
 * size of the file.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include <glib.h>

#include "scenario/graph.h"

/* The most a field is quoted with in a message. */
#define QUOTE_MAX	40

struct caida {
	struct graph *g;
	GHashTable *pairs;	/* lower << 32 | higher AS number (g_new) -> first line */
	int line;
	char *err;
	size_t errlen;
};

static int __attribute__((format(printf, 2, 3)))
refuse(struct caida *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_vsnprintf(c->err, (gulong)c->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* A 16-bit half of an asdot number, s[0..n): digits, at most 65535. */
static bool
asdot_half(const char *s, size_t n, uint32_t *out)
{
	uint32_t v = 0;

	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!g_ascii_isdigit(s[i]))
			return false;
		v = v * 10 + (uint32_t)(s[i] - '0');
		if (v > 65535)
			return false;
	}
	*out = v;
	return true;
}

/* The AS number in the field s (NUL-terminated), or -1 with the message. */
static int
read_asn(struct caida *c, const char *s, uint32_t *out)
{
	const char *dot = strchr(s, '.');
	uint64_t v = 0;
	const char *p;

	if (*s == '\0')
		return refuse(c, "empty AS number");
	if (dot) {
		uint32_t hi, lo;

		if (!asdot_half(s, (size_t)(dot - s), &hi) ||
		    !asdot_half(dot + 1, strlen(dot + 1), &lo))
			return refuse(c, "AS number \"%.*s\" is not a number (nor HIGH.LOW, "
				      "each half from 0 to 65535)", QUOTE_MAX, s);
		v = (uint64_t)hi << 16 | lo;
	} else {
		for (p = s; g_ascii_isdigit(*p); p++)
			if (v <= UINT32_MAX)
				v = v * 10 + (uint64_t)(*p - '0');
		if (*p != '\0')
			return refuse(c, "AS number \"%.*s\" is not a number", QUOTE_MAX, s);
		if (v > UINT32_MAX)
			return refuse(c, "AS number \"%.*s\" is too large (at most 4294967295)",
				      QUOTE_MAX, s);
	}
	if (v == 0)
		return refuse(c, "AS number \"%.*s\" is 0 (AS numbers run from 1 to "
			      "4294967295)", QUOTE_MAX, s);
	*out = (uint32_t)v;
	return 0;
}

/* The node of AS asn, made (and its number set) the first time. */
static uint32_t
as_node(struct caida *c, uint32_t asn)
{
	char name[16];
	int i;

	g_snprintf(name, sizeof(name), "AS%" PRIu32, asn);
	i = graph_node(c->g, name, c->line);
	/* "AS" and digits: always a valid name. */
	g_assert(i >= 0);
	g_array_index(c->g->nodes, struct graph_node, i).asn = asn;
	return (uint32_t)i;
}

/* One line that is not a comment nor blank, NUL-terminated, cut at '|'. */
static int
read_relation(struct caida *c, char *l)
{
	char *f[5];
	unsigned nf = 0;
	struct graph_edge e;
	uint32_t as1, as2, a, b;
	uint64_t key, *k;
	gpointer first;

	for (char *p = l;; p++) {
		if (nf == G_N_ELEMENTS(f))
			break;
		f[nf++] = p;
		p = strchr(p, '|');
		if (!p)
			break;
		*p = '\0';
	}
	if (nf < 3 || nf > 4)
		return refuse(c, "%s fields, expected AS1|AS2|REL or AS1|AS2|REL|SOURCE",
			      nf < 3 ? "too few" : "too many");
	if (read_asn(c, f[0], &as1) < 0 || read_asn(c, f[1], &as2) < 0)
		return -1;
	memset(&e, 0, sizeof(e));
	if (strcmp(f[2], "-1") == 0)
		e.rel = GREL_P2C;
	else if (strcmp(f[2], "0") == 0)
		e.rel = GREL_P2P;
	else if (strcmp(f[2], "1") == 0)
		e.rel = GREL_S2S;
	else
		return refuse(c, "relationship \"%.*s\" is not known (-1: AS1 is a provider "
			      "of AS2, 0: peers, 1: siblings)", QUOTE_MAX, f[2]);
	if (nf == 4 && f[3][0] == '\0')
		return refuse(c, "empty source after the relationship");
	if (as1 == as2)
		return refuse(c, "AS %" PRIu32 " related to itself", as1);
	key = as1 < as2 ? (uint64_t)as1 << 32 | as2 : (uint64_t)as2 << 32 | as1;
	first = g_hash_table_lookup(c->pairs, &key);
	if (first)
		return refuse(c, "%" PRIu32 "|%" PRIu32 " again, first at line %d", as1, as2,
			      GPOINTER_TO_INT(first));
	k = g_new(uint64_t, 1);
	*k = key;
	g_hash_table_insert(c->pairs, k, GINT_TO_POINTER(c->line));
	e.line = c->line;
	a = as_node(c, as1);
	b = as_node(c, as2);
	graph_edge(c->g, a, b, &e);
	return 0;
}

int
graph_read_caida(const char *buf, size_t len, struct graph *g, int *line, char *err,
		 size_t errlen)
{
	struct caida c = { .g = g, .err = err, .errlen = errlen };
	GString *l = g_string_new(NULL);
	size_t pos = 0;
	int rc = 0;

	c.pairs = g_hash_table_new_full(graph_pair_hash, g_int64_equal, g_free, NULL);
	g->directed_rel = true;
	/* A UTF-8 byte-order mark, as some editors save text, is not content. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		pos = 3;
	while (pos < len && rc == 0) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		const char *p;

		pos += n + 1;
		c.line++;
		if (memchr(s, '\0', n)) {
			rc = refuse(&c, "a NUL byte: not a text file");
			break;
		}
		g_string_append_len(g_string_truncate(l, 0), s, (gssize)n);
		g_strstrip(l->str);
		p = l->str;
		if (*p == '\0' || *p == '#')
			continue;
		if (strpbrk(p, " \t\r\v\f")) {
			rc = refuse(&c, "a blank inside the line (AS1|AS2|REL is written "
				    "without any)");
			break;
		}
		rc = read_relation(&c, l->str);
	}
	if (rc == 0 && g->edges->len == 0) {
		c.line = 0;
		rc = refuse(&c, "no AS relationship in the file");
	}
	g_string_free(l, TRUE);
	g_hash_table_destroy(c.pairs);
	*line = rc < 0 ? c.line : 0;
	return rc;
}
