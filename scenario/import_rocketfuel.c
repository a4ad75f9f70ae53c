/*
 * import_rocketfuel.c - the Rocketfuel reader: the ISP maps measured by
 * the Rocketfuel project, in either of the two forms network simulators
 * take them, into a struct graph (graph.h).  doc/topology-rocketfuel.md
 * says what is read and what is refused.
 *
 * 1. Weights files (weights.intra, latencies.intra): one link a line,
 *    "NAME1 NAME2 VALUE".  The names (a city and a number, as
 *    Sydney,+Australia3967) are the nodes' names; the label is the city
 *    ("Sydney, Australia").  Whether VALUE is a weight or a latency in
 *    ms the file does not say: it becomes the link's routing weight,
 *    rounded half up, at least 1.
 * 2. Maps (.cch): one router a line,
 *      uid @loc [+] [bb] (num_neigh) [&ext] -> <nuid>... {-euid}... =name[!] rN
 *    The router is named r<uid>, its label is the location; each <nuid>
 *    is a link.  External neighbours ({-euid}) and the lines of external
 *    routers (a negative uid) are not part of the ISP: left out.
 *
 * Which of the two a file is comes from its first line that is neither
 * blank nor a comment (#): a map when its first field is a whole number
 * (a sign allowed) and its second starts with '@' or '='.  Both forms
 * list a link from each end: a pair of nodes is linked once, by the
 * first line that names it (a hash set of pairs, linear in the file).
 */
#include <inttypes.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "scenario/graph.h"

struct rf {
	struct graph *g;
	GHashTable *pairs;	/* linked pairs: uint64_t (low index << 32 | high) */
	GArray *described;	/* map: node index -> line of its own line, 0: none */
	int *line;
	char *err;
	size_t errlen;
};

static int __attribute__((format(printf, 3, 4)))
rf_fail(struct rf *r, int line, const char *fmt, ...)
{
	va_list ap;

	*r->line = line;
	va_start(ap, fmt);
	g_vsnprintf(r->err, r->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

/* The fields of a line (s is cut in place); blanks are spaces, tabs, CR. */
static void
rf_split(char *s, GPtrArray *f)
{
	g_ptr_array_set_size(f, 0);
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\v' || *s == '\f')
			s++;
		if (!*s)
			return;
		g_ptr_array_add(f, s);
		while (*s && *s != ' ' && *s != '\t' && *s != '\r' && *s != '\v' && *s != '\f')
			s++;
		if (*s)
			*s++ = '\0';
	}
}

#define RF_FIELD(f, i)	((const char *)g_ptr_array_index((f), (i)))

/* A whole number of decimal digits from s to end (NULL: to the NUL) in [0, UINT32_MAX]. */
static int
rf_uid(const char *s, const char *end, uint32_t *out, bool *big)
{
	uint64_t v = 0;
	const char *p;

	*big = false;
	if (!end)
		end = s + strlen(s);
	for (p = s; p < end && g_ascii_isdigit(*p); p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > UINT32_MAX) {
			*big = true;
			v = (uint64_t)UINT32_MAX + 1;
		}
	}
	if (p == s || p != end || *big)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* Link a and b once: 1 if the pair is new, 0 if it was linked before. */
static int
rf_pair(struct rf *r, uint32_t a, uint32_t b)
{
	uint64_t k = a < b ? (uint64_t)a << 32 | b : (uint64_t)b << 32 | a;
	uint64_t *kp;

	if (g_hash_table_contains(r->pairs, &k))
		return 0;
	kp = g_new(uint64_t, 1);
	*kp = k;
	g_hash_table_add(r->pairs, kp);
	return 1;
}

/* A label from text: '+' is a blank (the files' way to write one); NULL if empty. */
static char *
rf_label(const char *s, size_t n)
{
	char *l;

	if (n == 0)
		return NULL;
	l = g_strndup(s, n);
	g_strdelimit(l, "+", ' ');
	return l;
}

/*
 * VALUE of a weights line: digits, an optional fraction of digits, an
 * optional exponent; rounded half up, at least 1, at most UINT32_MAX.
 */
static int
rf_value(struct rf *r, int line, const char *s, uint32_t *out)
{
	const char *p = s;
	double v;

	if (*s == '-')
		return rf_fail(r, line, "value \"%s\" is negative", s);
	while (g_ascii_isdigit(*p))
		p++;
	if (p == s)
		return rf_fail(r, line, "value \"%s\" is not a number", s);
	if (*p == '.') {
		const char *f = ++p;

		while (g_ascii_isdigit(*p))
			p++;
		if (p == f)
			return rf_fail(r, line, "value \"%s\" is not a number", s);
	}
	if (*p == 'e' || *p == 'E') {
		const char *x;

		if (*++p == '-' || *p == '+')
			p++;
		for (x = p; g_ascii_isdigit(*p); p++)
			;
		if (p == x)
			return rf_fail(r, line, "value \"%s\" is not a number", s);
	}
	if (*p)
		return rf_fail(r, line, "value \"%s\" is not a number", s);
	v = floor(g_ascii_strtod(s, NULL) + 0.5);
	if (!(v <= UINT32_MAX))
		return rf_fail(r, line, "value \"%s\" is too large (at most %u)", s, UINT32_MAX);
	*out = v < 1 ? 1 : (uint32_t)v;
	return 0;
}

/* The node of a weights file's name, made at line if new (with its label). */
static int
rf_named(struct rf *r, int line, const char *name)
{
	guint before = r->g->nodes->len;
	int i;
	size_t n;

	if (strchr(name, ':'))
		return rf_fail(r, line, "name \"%s\": a name has no ':'", name);
	i = graph_node(r->g, name, line);
	if (i < 0)
		return rf_fail(r, line, "name \"%s\" cannot be a node's name", name);
	if (r->g->nodes->len > before) {
		/* The city: the name without its number. */
		for (n = strlen(name); n > 0 && g_ascii_isdigit(name[n - 1]); n--)
			;
		g_array_index(r->g->nodes, struct graph_node, i).label = rf_label(name, n);
	}
	return i;
}

/* NAME1 NAME2 VALUE. */
static int
rf_weights_line(struct rf *r, int line, GPtrArray *f)
{
	struct graph_edge e;
	int a, b;

	if (f->len != 3)
		return rf_fail(r, line, "%u fields: a line of weights is NAME NAME VALUE", f->len);
	if ((a = rf_named(r, line, RF_FIELD(f, 0))) < 0 ||
	    (b = rf_named(r, line, RF_FIELD(f, 1))) < 0)
		return -1;
	if (a == b)
		return rf_fail(r, line, "a link from %s to itself", RF_FIELD(f, 0));
	memset(&e, 0, sizeof(e));
	e.line = line;
	if (rf_value(r, line, RF_FIELD(f, 2), &e.weight) < 0)
		return -1;
	if (rf_pair(r, (uint32_t)a, (uint32_t)b))
		graph_edge(r->g, (uint32_t)a, (uint32_t)b, &e);
	return 0;
}

/* The node r<uid>, made at line if new. */
static int
rf_router(struct rf *r, int line, uint32_t uid)
{
	char name[16];
	int i;

	g_snprintf(name, sizeof(name), "r%" PRIu32, uid);
	i = graph_node(r->g, name, line);
	g_assert(i >= 0);
	if ((guint)i >= r->described->len)
		g_array_set_size(r->described, (guint)i + 1);
	return i;
}

/* "found X" or "found the end of the line", for messages. */
static const char *
rf_found(GPtrArray *f, guint i, char *buf, size_t len)
{
	if (i >= f->len)
		return "the end of the line";
	g_snprintf(buf, len, "\"%.80s\"", RF_FIELD(f, i));
	return buf;
}

/*
 * uid @loc [+] [bb] (num_neigh) [&ext] -> <nuid>... {-euid}... =name[!] rN
 * or, for an external router, -euid followed by anything: left out.
 */
static int
rf_map_line(struct rf *r, int line, GPtrArray *f)
{
	const char *s = RF_FIELD(f, 0), *loc;
	uint32_t uid, nuid;
	struct graph_node *n;
	struct graph_edge e;
	char fb[96];
	bool big;
	int me, *seen;
	guint i = 1, first_nb;

	if (rf_uid(s[0] == '-' ? s + 1 : s, NULL, &uid, &big) < 0)
		return rf_fail(r, line, big ? "uid \"%s\" is not a number from 0 to %u" :
			       "uid \"%s\" is not a number", s, UINT32_MAX);
	if (s[0] == '-')
		return 0;
	if (i >= f->len || RF_FIELD(f, i)[0] != '@')
		return rf_fail(r, line, "expected @location after the uid, found %s",
			       rf_found(f, i, fb, sizeof(fb)));
	loc = RF_FIELD(f, i++) + 1;
	if (i < f->len && strcmp(RF_FIELD(f, i), "+") == 0)
		i++;
	if (i < f->len && strcmp(RF_FIELD(f, i), "bb") == 0)
		i++;
	s = i < f->len ? RF_FIELD(f, i) : "";
	if (s[0] != '(' || strlen(s) < 3 || s[strlen(s) - 1] != ')' ||
	    rf_uid(s + 1, s + strlen(s) - 1, &nuid, &big) < 0)
		return rf_fail(r, line, "expected (neighbours), found %s",
			       rf_found(f, i, fb, sizeof(fb)));
	i++;
	if (i < f->len && RF_FIELD(f, i)[0] == '&' && rf_uid(RF_FIELD(f, i) + 1, NULL, &nuid,
							      &big) == 0)
		i++;
	if (i >= f->len || strcmp(RF_FIELD(f, i), "->") != 0)
		return rf_fail(r, line, "expected ->, found %s", rf_found(f, i, fb, sizeof(fb)));
	first_nb = ++i;
	/* The neighbours are checked before anything is made of the line. */
	for (; i < f->len && RF_FIELD(f, i)[0] != '='; i++) {
		s = RF_FIELD(f, i);
		if (s[0] == '<') {
			if (strlen(s) < 3 || s[strlen(s) - 1] != '>' ||
			    rf_uid(s + 1, s + strlen(s) - 1, &nuid, &big) < 0)
				return rf_fail(r, line, "neighbour \"%s\" is not <uid>", s);
			if (nuid == uid)
				return rf_fail(r, line, "router %" PRIu32 " names itself as a "
					       "neighbour", uid);
		} else if (s[0] == '{') {
			const char *d = s[1] == '-' ? s + 2 : s + 1;

			if (strlen(s) < 3 || s[strlen(s) - 1] != '}' ||
			    rf_uid(d, s + strlen(s) - 1, &nuid, &big) < 0)
				return rf_fail(r, line, "external neighbour \"%s\" is not {-uid}",
					       s);
		} else {
			break;
		}
	}
	if (i >= f->len || RF_FIELD(f, i)[0] != '=')
		return rf_fail(r, line, "expected =name after the neighbours, found %s",
			       rf_found(f, i, fb, sizeof(fb)));
	i++;
	s = i < f->len ? RF_FIELD(f, i) : "";
	if (s[0] != 'r' || rf_uid(s + 1, NULL, &nuid, &big) < 0)
		return rf_fail(r, line, "expected r<n> after the name, found %s",
			       rf_found(f, i, fb, sizeof(fb)));
	if (i + 1 < f->len)
		return rf_fail(r, line, "\"%s\" after %s: nothing may follow", RF_FIELD(f, i + 1),
			       s);

	me = rf_router(r, line, uid);
	seen = &g_array_index(r->described, int, me);
	if (*seen)
		return rf_fail(r, line, "router %" PRIu32 " is described twice (first at line %d)",
			       uid, *seen);
	*seen = line;
	n = &g_array_index(r->g->nodes, struct graph_node, me);
	if (strcmp(loc, "?") != 0)
		n->label = rf_label(loc, strlen(loc));
	memset(&e, 0, sizeof(e));
	e.line = line;
	for (i = first_nb; RF_FIELD(f, i)[0] != '='; i++) {
		int nb;

		s = RF_FIELD(f, i);
		if (s[0] != '<')
			continue;
		rf_uid(s + 1, s + strlen(s) - 1, &nuid, &big);
		nb = rf_router(r, line, nuid);
		if (rf_pair(r, (uint32_t)me, (uint32_t)nb))
			graph_edge(r->g, (uint32_t)me, (uint32_t)nb, &e);
	}
	return 0;
}

/* The first data line of a map: a whole number, then @loc or =name. */
static bool
rf_is_map(GPtrArray *f)
{
	const char *s = RF_FIELD(f, 0);
	uint32_t v;
	bool big;

	if (f->len < 2 || (RF_FIELD(f, 1)[0] != '@' && RF_FIELD(f, 1)[0] != '='))
		return false;
	return rf_uid(s[0] == '-' ? s + 1 : s, NULL, &v, &big) == 0 || big;
}

int
graph_read_rocketfuel(const char *buf, size_t len, struct graph *g, int *line, char *err,
		      size_t errlen)
{
	struct rf r = { .g = g, .line = line, .err = err, .errlen = errlen };
	enum { RF_NONE, RF_WEIGHTS, RF_MAP } kind = RF_NONE;
	const char *p = buf, *end = buf + len;
	GPtrArray *f = g_ptr_array_new();
	int ln = 0, rc = 0;

	*line = 0;
	r.pairs = g_hash_table_new_full(graph_pair_hash, g_int64_equal, g_free, NULL);
	r.described = g_array_new(FALSE, TRUE, sizeof(int));
	/* A UTF-8 byte-order mark, as some editors save text, is not content. */
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && rc == 0) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *e = nl ? nl : end;
		char *s;

		ln++;
		if (memchr(p, '\0', (size_t)(e - p))) {
			rc = rf_fail(&r, ln, "a NUL byte");
			break;
		}
		s = g_strndup(p, (size_t)(e - p));
		p = nl ? nl + 1 : end;
		rf_split(s, f);
		if (f->len > 0 && RF_FIELD(f, 0)[0] != '#') {
			if (kind == RF_NONE)
				kind = rf_is_map(f) ? RF_MAP : RF_WEIGHTS;
			rc = kind == RF_MAP ? rf_map_line(&r, ln, f) : rf_weights_line(&r, ln, f);
		}
		g_free(s);
	}
	if (rc == 0 && kind == RF_NONE)
		rc = rf_fail(&r, 0, "no line to read: the file is empty or only comments");
	g_ptr_array_free(f, TRUE);
	g_hash_table_destroy(r.pairs);
	g_array_free(r.described, TRUE);
	return rc;
}
