/*
 * policy_check.c - an independent model of Gao-Rexford routing, to check
 * what the RAEs of a run chose (rae-paths.csv) against the business
 * relationships of their AS graph.  It shares no code with the RAE
 * (entities/rae): it reads the two files and computes, from the graph
 * alone, what policy routing must give.
 *
 *   policy_check RELATIONSHIPS RAE-PATHS.CSV
 *
 * RELATIONSHIPS is a CAIDA serial-1 (or serial-2) file: AS1|AS2|REL[|SOURCE]
 * lines, REL -1 when AS1 is a provider of AS2, 0 when they are peers; `#`
 * lines and blank lines are skipped; siblings (REL 1) are refused, the
 * model has none.  RAE-PATHS.CSV is the file a run writes (doc/rae.md,
 * "rae-paths.csv").  Every AS of the graph must run an RAE that owns at
 * least one prefix (its rows with the one-AS path say which), and every
 * AS of the file must be in the graph.  The checks:
 *
 *   (a) every AS path is valley-free: from the RAE towards the origin,
 *       zero or more customer-to-provider hops, at most one peer hop,
 *       then zero or more provider-to-customer hops; each hop a link of
 *       the graph, no AS twice, the path starting at the RAE's AS and
 *       ending at the prefix's origin;
 *   (b) each RAE has a path to exactly the prefixes the export rules make
 *       reachable for it: the prefix of origin O reaches the ASes above O
 *       (its providers, theirs, ...: up(O)), their peers, and everything
 *       below those (customers, theirs, ...);
 *   (c) the first-ranked path of each (RAE, prefix, class) leaves through
 *       the best relationship available, which the graph decides: a
 *       customer if the RAE is in up(O), else a peer if one of its peers
 *       is, else a provider.
 *
 * Prints one line per violation (`FILE:LINE: ...`, at most 50 of them,
 * then their count) and a summary line; exits 0 when everything holds, 1
 * on a violation, 2 on a usage error or a file it cannot read.  Used by
 * tests/scenarios/rae_policy.sh; the deployment of large AS graphs
 * (doc/deploy.md) runs it on its own runs.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#define MAX_REPORTS	50
#define HEADER		"as,prefix,class,as_path,delay,loss,bandwidth,score"

enum rel { CUST = 0, PEER = 1, PROV = 2 };	/* what the neighbour is to the AS */

struct nbr {
	unsigned as;	/* index */
	enum rel rel;
};

struct asn {
	uint32_t num;
	GArray *nbrs;	/* struct nbr */
	bool has_rae;	/* owns a prefix in the CSV */
};

struct model {
	GPtrArray *ases;	/* struct asn* */
	GHashTable *by_num;	/* uint32 (as pointer key) -> index + 1 */
	GHashTable *prefixes;	/* prefix text -> origin index + 1 */
	unsigned long violations;
};

static void
violation(struct model *m, const char *fmt, ...)
{
	va_list ap;

	if (m->violations++ >= MAX_REPORTS)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static int
as_index(struct model *m, uint32_t num, bool create)
{
	gpointer v = g_hash_table_lookup(m->by_num, GUINT_TO_POINTER(num));
	struct asn *a;

	if (v)
		return (int)GPOINTER_TO_UINT(v) - 1;
	if (!create)
		return -1;
	a = g_new0(struct asn, 1);
	a->num = num;
	a->nbrs = g_array_new(FALSE, FALSE, sizeof(struct nbr));
	g_ptr_array_add(m->ases, a);
	g_hash_table_insert(m->by_num, GUINT_TO_POINTER(num), GUINT_TO_POINTER(m->ases->len));
	return (int)m->ases->len - 1;
}

static struct asn *
as_at(const struct model *m, unsigned i)
{
	return g_ptr_array_index(m->ases, i);
}

/* What b is to a, or -1 if they are not related. */
static int
rel_of(const struct model *m, unsigned a, unsigned b)
{
	const GArray *v = as_at(m, a)->nbrs;

	for (guint i = 0; i < v->len; i++)
		if (g_array_index(v, struct nbr, i).as == b)
			return (int)g_array_index(v, struct nbr, i).rel;
	return -1;
}

static bool
parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long long v;

	if (!g_ascii_isdigit(*s))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end || errno || v == 0 || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static int
read_rels(struct model *m, const char *file)
{
	FILE *f = fopen(file, "r");
	char line[512];
	unsigned ln = 0;

	if (!f) {
		fprintf(stderr, "policy_check: %s: %s\n", file, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		char **fld;
		uint32_t a, b;
		int ia, ib;
		struct nbr n;

		ln++;
		g_strstrip(line);
		if (!line[0] || line[0] == '#')
			continue;
		fld = g_strsplit(line, "|", 5);
		if (g_strv_length(fld) < 3 || g_strv_length(fld) > 4 || !parse_u32(fld[0], &a) ||
		    !parse_u32(fld[1], &b) || a == b ||
		    (strcmp(fld[2], "-1") != 0 && strcmp(fld[2], "0") != 0)) {
			fprintf(stderr, "policy_check: %s:%u: not AS1|AS2|-1 or AS1|AS2|0 "
				"(siblings are not modelled)\n", file, ln);
			g_strfreev(fld);
			fclose(f);
			return -1;
		}
		ia = as_index(m, a, true);
		ib = as_index(m, b, true);
		if (rel_of(m, (unsigned)ia, (unsigned)ib) >= 0) {
			fprintf(stderr, "policy_check: %s:%u: %u and %u again\n", file, ln, a, b);
			g_strfreev(fld);
			fclose(f);
			return -1;
		}
		n.as = (unsigned)ib;
		n.rel = strcmp(fld[2], "0") == 0 ? PEER : CUST;
		g_array_append_val(as_at(m, (unsigned)ia)->nbrs, n);
		n.as = (unsigned)ia;
		n.rel = strcmp(fld[2], "0") == 0 ? PEER : PROV;
		g_array_append_val(as_at(m, (unsigned)ib)->nbrs, n);
		g_strfreev(fld);
	}
	fclose(f);
	if (m->ases->len == 0) {
		fprintf(stderr, "policy_check: %s: no relationship\n", file);
		return -1;
	}
	return 0;
}

/* One row of the CSV, its AS path as indices (-1: not in the graph). */
struct row {
	uint32_t as;
	char *prefix;
	char *cls;
	GArray *path;	/* uint32 AS numbers */
};

static void
row_clear(struct row *r)
{
	g_free(r->prefix);
	g_free(r->cls);
	if (r->path)
		g_array_free(r->path, TRUE);
	memset(r, 0, sizeof(*r));
}

static bool
row_parse(char *line, struct row *r)
{
	char **fld = g_strsplit(line, ",", 9), **hops;
	bool ok = g_strv_length(fld) == 8 && parse_u32(fld[0], &r->as) && fld[1][0] &&
		  fld[2][0] && fld[3][0];

	if (ok) {
		r->prefix = g_strdup(fld[1]);
		r->cls = g_strdup(fld[2]);
		r->path = g_array_new(FALSE, FALSE, sizeof(uint32_t));
		hops = g_strsplit(fld[3], " ", 0);
		for (char **h = hops; *h && ok; h++) {
			uint32_t v;

			ok = parse_u32(*h, &v);
			g_array_append_val(r->path, v);
		}
		g_strfreev(hops);
	}
	g_strfreev(fld);
	return ok;
}

/* Read the CSV; fn(m, file, line, row, ctx) for each row.  -1 if unreadable. */
static int
read_csv(struct model *m, const char *file,
	 void (*fn)(struct model *, const char *, unsigned, const struct row *, void *), void *ctx)
{
	FILE *f = fopen(file, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	unsigned ln = 0;

	if (!f) {
		fprintf(stderr, "policy_check: %s: %s\n", file, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		struct row r = { 0 };

		ln++;
		if (n > 0 && line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (ln == 1) {
			if (strcmp(line, HEADER) != 0) {
				fprintf(stderr, "policy_check: %s:1: not the header %s\n", file,
					HEADER);
				goto bad;
			}
			continue;
		}
		if (!row_parse(line, &r)) {
			fprintf(stderr, "policy_check: %s:%u: not a row of rae-paths.csv\n", file,
				ln);
			row_clear(&r);
			goto bad;
		}
		fn(m, file, ln, &r, ctx);
		row_clear(&r);
	}
	free(line);
	fclose(f);
	return 0;
bad:
	free(line);
	fclose(f);
	return -1;
}

/* Pass 1: the origins, from the rows whose path is the RAE's AS alone. */
static void
pass_origins(struct model *m, const char *file, unsigned ln, const struct row *r, void *ctx)
{
	int o = as_index(m, r->as, false);
	gpointer had;

	(void)ctx;
	if (o < 0) {
		violation(m, "%s:%u: AS %" PRIu32 " is not in the relationships file", file, ln,
			  r->as);
		return;
	}
	if (r->path->len != 1 || g_array_index(r->path, uint32_t, 0) != r->as)
		return;
	as_at(m, (unsigned)o)->has_rae = true;
	had = g_hash_table_lookup(m->prefixes, r->prefix);
	if (had && GPOINTER_TO_UINT(had) != (unsigned)o + 1)
		violation(m, "%s:%u: %s is own to AS %" PRIu32 " and to AS %" PRIu32, file, ln,
			  r->prefix, as_at(m, GPOINTER_TO_UINT(had) - 1)->num, r->as);
	else if (!had)
		g_hash_table_insert(m->prefixes, g_strdup(r->prefix), GUINT_TO_POINTER(o + 1));
}

/* What the graph gives, per origin: up(O) and the reachable set, as byte maps. */
struct reach {
	unsigned origin;
	uint8_t *up, *reach;
};

static void
walk(const struct model *m, uint8_t *mark, GArray *queue, enum rel follow)
{
	for (guint qi = 0; qi < queue->len; qi++) {
		const GArray *v = as_at(m, g_array_index(queue, unsigned, qi))->nbrs;

		for (guint i = 0; i < v->len; i++) {
			const struct nbr *n = &g_array_index(v, struct nbr, i);

			if (n->rel == follow && !mark[n->as]) {
				mark[n->as] = 1;
				g_array_append_val(queue, n->as);
			}
		}
	}
}

static void
reach_compute(const struct model *m, unsigned o, struct reach *rc)
{
	unsigned n = m->ases->len;
	GArray *q = g_array_new(FALSE, FALSE, sizeof(unsigned));

	rc->origin = o;
	rc->up = g_malloc0(n);
	rc->reach = g_malloc0(n);
	rc->up[o] = 1;
	g_array_append_val(q, o);
	walk(m, rc->up, q, PROV);
	/* up(O), then the peers of up(O), then everything below them. */
	memcpy(rc->reach, rc->up, n);
	g_array_set_size(q, 0);
	for (unsigned i = 0; i < n; i++)
		if (rc->up[i])
			g_array_append_val(q, i);
	for (guint qi = 0, len = q->len; qi < len; qi++) {
		const GArray *v = as_at(m, g_array_index(q, unsigned, qi))->nbrs;

		for (guint i = 0; i < v->len; i++) {
			const struct nbr *nb = &g_array_index(v, struct nbr, i);

			if (nb->rel == PEER && !rc->reach[nb->as]) {
				rc->reach[nb->as] = 1;
				g_array_append_val(q, nb->as);
			}
		}
	}
	walk(m, rc->reach, q, CUST);
	g_array_free(q, TRUE);
}

/* The best relationship X can have towards O: CUST, PEER or PROV (X reaches O). */
static enum rel
best_rel(const struct model *m, unsigned x, const struct reach *rc)
{
	const GArray *v = as_at(m, x)->nbrs;

	if (rc->up[x])
		return CUST;
	for (guint i = 0; i < v->len; i++) {
		const struct nbr *n = &g_array_index(v, struct nbr, i);

		if (n->rel == PEER && rc->up[n->as])
			return PEER;
	}
	return PROV;
}

struct pass2 {
	struct reach *rc;	/* by origin index, computed on demand */
	GHashTable *seen;	/* "as prefix" and "as prefix class" -> 1 */
};

static const struct reach *
reach_of(const struct model *m, struct pass2 *p, unsigned o)
{
	if (!p->rc[o].up)
		reach_compute(m, o, &p->rc[o]);
	return &p->rc[o];
}

static const char *const rel_names[] = { "customer", "peer", "provider" };

/* Pass 2: (a) and (c) for each row; (b)'s presence noted. */
static void
pass_paths(struct model *m, const char *file, unsigned ln, const struct row *r, void *ctx)
{
	struct pass2 *p = ctx;
	int x = as_index(m, r->as, false), state = 0;
	gpointer og = g_hash_table_lookup(m->prefixes, r->prefix);
	unsigned o;
	char *key;
	bool first;

	if (x < 0)
		return;	/* reported by pass 1 */
	if (!og) {
		violation(m, "%s:%u: AS %" PRIu32 " has a path to %s, which no AS owns", file, ln,
			  r->as, r->prefix);
		return;
	}
	o = GPOINTER_TO_UINT(og) - 1;
	key = g_strdup_printf("%u %s", (unsigned)x, r->prefix);
	g_hash_table_replace(p->seen, key, GINT_TO_POINTER(1));
	if ((unsigned)x == o)
		return;
	/* (a) the path: from the RAE to the origin, valley-free, over the graph's links. */
	if (g_array_index(r->path, uint32_t, 0) != r->as ||
	    g_array_index(r->path, uint32_t, r->path->len - 1) != as_at(m, o)->num) {
		violation(m, "%s:%u: AS %" PRIu32 ", %s: the path does not run from AS %" PRIu32
			  " to the origin AS %" PRIu32, file, ln, r->as, r->prefix, r->as,
			  as_at(m, o)->num);
		return;
	}
	for (guint i = 0; i + 1 < r->path->len; i++) {
		uint32_t a = g_array_index(r->path, uint32_t, i);
		uint32_t b = g_array_index(r->path, uint32_t, i + 1);
		int ia = as_index(m, a, false), ib = as_index(m, b, false), rel;

		for (guint j = 0; j < i; j++)
			if (g_array_index(r->path, uint32_t, j) == a) {
				violation(m, "%s:%u: AS %" PRIu32 ", %s: AS %" PRIu32
					  " twice in the path", file, ln, r->as, r->prefix, a);
				return;
			}
		rel = ia < 0 || ib < 0 ? -1 : rel_of(m, (unsigned)ia, (unsigned)ib);
		if (rel < 0) {
			violation(m, "%s:%u: AS %" PRIu32 ", %s: no relationship between AS %"
				  PRIu32 " and AS %" PRIu32, file, ln, r->as, r->prefix, a, b);
			return;
		}
		/* state 0: climbing; 1: after the peer hop or on the way down. */
		if (rel != CUST && state == 1) {
			violation(m, "%s:%u: AS %" PRIu32 ", %s: not valley-free: after the top, "
				  "%" PRIu32 " -> %" PRIu32 " goes to a %s", file, ln, r->as,
				  r->prefix, a, b, rel_names[rel]);
			return;
		}
		if (rel != PROV)
			state = 1;
	}
	/* (c) the first path of each (RAE, prefix, class) leaves by the best relationship. */
	key = g_strdup_printf("%u %s %s", (unsigned)x, r->prefix, r->cls);
	first = !g_hash_table_contains(p->seen, key);
	g_hash_table_replace(p->seen, key, GINT_TO_POINTER(1));
	if (first) {
		const struct reach *rc = reach_of(m, p, o);
		int ia = as_index(m, g_array_index(r->path, uint32_t, 1), false);
		enum rel want = best_rel(m, (unsigned)x, rc);
		int got = rel_of(m, (unsigned)x, (unsigned)ia);

		if (got != (int)want)
			violation(m, "%s:%u: AS %" PRIu32 ", %s, class %s: the first path "
				  "leaves through a %s, but a %s route exists", file, ln, r->as,
				  r->prefix, r->cls, rel_names[got], rel_names[want]);
	}
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

int
main(int argc, char **argv)
{
	struct model m = { 0 };
	struct pass2 p = { 0 };
	const char **keys = NULL;
	guint nkeys = 0;
	unsigned long pairs = 0;
	int rc = 2;

	if (argc != 3) {
		fprintf(stderr, "usage: policy_check RELATIONSHIPS RAE-PATHS.CSV\n");
		return 2;
	}
	m.ases = g_ptr_array_new();
	m.by_num = g_hash_table_new(g_direct_hash, g_direct_equal);
	m.prefixes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	if (read_rels(&m, argv[1]) < 0 || read_csv(&m, argv[2], pass_origins, NULL) < 0)
		goto out;
	for (unsigned i = 0; i < m.ases->len; i++)
		if (!as_at(&m, i)->has_rae)
			violation(&m, "%s: AS %" PRIu32 " owns no prefix (no RAE, or none "
				  "running)", argv[2], as_at(&m, i)->num);
	p.rc = g_new0(struct reach, m.ases->len);
	p.seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	if (read_csv(&m, argv[2], pass_paths, &p) < 0)
		goto out;
	/* (b) every (RAE, prefix) the graph allows, and only those. */
	/* In the prefixes' text order, so that the report is the same on every run. */
	keys = (const char **)g_hash_table_get_keys_as_array(m.prefixes, &nkeys);
	qsort(keys, nkeys, sizeof(*keys), str_cmp);
	for (guint ki = 0; ki < nkeys; ki++) {
		const char *k = keys[ki];
		unsigned o = GPOINTER_TO_UINT(g_hash_table_lookup(m.prefixes, k)) - 1;
		const struct reach *re = reach_of(&m, &p, o);

		for (unsigned x = 0; x < m.ases->len; x++) {
			char *key = g_strdup_printf("%u %s", x, k);
			bool has = g_hash_table_contains(p.seen, key);

			g_free(key);
			if (!as_at(&m, x)->has_rae)
				continue;
			pairs += has;
			if (has && !re->reach[x])
				violation(&m, "%s: AS %" PRIu32 " has a path to %s (AS %"
					  PRIu32 "), which the policy does not let reach it",
					  argv[2], as_at(&m, x)->num, k, as_at(&m, o)->num);
			else if (!has && re->reach[x])
				violation(&m, "%s: AS %" PRIu32 " has no path to %s (AS %"
					  PRIu32 "), which the policy lets reach it", argv[2],
					  as_at(&m, x)->num, k, as_at(&m, o)->num);
		}
	}
	if (m.violations > MAX_REPORTS)
		printf("... %lu violations in all\n", m.violations);
	printf("policy_check: %u ASes, %u prefixes, %lu (AS, prefix) pairs with paths: %s\n",
	       m.ases->len, g_hash_table_size(m.prefixes), pairs,
	       m.violations ? "VIOLATED" : "valley-free, complete, best relationships");
	rc = m.violations ? 1 : 0;
out:
	g_free(keys);
	/* Everything freed, so that the sanitizer build's leak check has nothing to say. */
	for (guint i = 0; p.rc && i < m.ases->len; i++) {
		g_free(p.rc[i].up);
		g_free(p.rc[i].reach);
	}
	g_free(p.rc);
	if (p.seen)
		g_hash_table_destroy(p.seen);
	for (guint i = 0; i < m.ases->len; i++) {
		g_array_free(as_at(&m, i)->nbrs, TRUE);
		g_free(as_at(&m, i));
	}
	g_ptr_array_free(m.ases, TRUE);
	g_hash_table_destroy(m.by_num);
	g_hash_table_destroy(m.prefixes);
	return rc;
}
