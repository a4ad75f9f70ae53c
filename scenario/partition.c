/*
 * partition.c - which process runs which node when one run is split over
 * several (doc/parallel.md, "Partitions").
 *
 * The nodes are first grouped into units that never split: the ends of a
 * link without delay (a link between processes needs a delay, its
 * lookahead), and, by domain, the nodes of one domain.  The units are
 * then given to the parts:
 *
 *  - "domain" (the default when the scenario has at least as many
 *    domains as parts): the largest unit first, each to the part that
 *    holds the fewest nodes so far (the lower part on a tie); a node of
 *    no domain joins the domain nearest to it (breadth first from every
 *    domain at once, in the order nodes and links were written);
 *  - "graph" (otherwise): the nodes in breadth-first order over the
 *    links, from the first node written, cut into parts of as equal a
 *    weight as the units allow, a node weighing one plus its links:
 *    neighbours stay together, so few links are cut on the chains, trees
 *    and meshes of the scenarios, and the hubs that forward most of the
 *    traffic are not all in one part with their share of nodes besides;
 *  - explicit <part>s: part i in process i mod N.
 *
 * Everything is in the order the scenario was written: every process
 * computes the same partition, whatever the number of processes the
 * others run with.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/scenario_int.h"
#include "sim/entity.h"

static unsigned
uf_find(unsigned *up, unsigned x)
{
	while (up[x] != x) {
		up[x] = up[up[x]];
		x = up[x];
	}
	return x;
}

/* Union by the lower index: a unit is named by its first node. */
static void
uf_union(unsigned *up, unsigned a, unsigned b)
{
	a = uf_find(up, a);
	b = uf_find(up, b);
	if (a < b)
		up[b] = a;
	else if (b < a)
		up[a] = b;
}

struct pgraph {
	unsigned n;			/* nodes */
	unsigned nl;			/* links */
	unsigned (*ends)[2];		/* per link: its two nodes' indices */
	unsigned *adj_start, *adj;	/* CSR adjacency: link indices, in link order */
};

static int
pgraph_build(struct scenario *s, struct pgraph *g)
{
	GHashTable *idx = g_hash_table_new(g_direct_hash, g_direct_equal);
	unsigned *deg;

	g->n = s->nodes->len;
	g->nl = s->links->len;
	for (unsigned i = 0; i < g->n; i++)
		g_hash_table_insert(idx, g_ptr_array_index(s->nodes, i), GUINT_TO_POINTER(i + 1));
	g->ends = g_malloc0_n(g->nl ? g->nl : 1, sizeof(*g->ends));
	deg = g_new0(unsigned, g->n + 1);
	for (unsigned i = 0; i < g->nl; i++) {
		const struct scn_link *sl = g_ptr_array_index(s->links, i);

		for (int e = 0; e < 2; e++) {
			struct scn_node *sn = g_hash_table_lookup(s->node_by_name, sl->node[e]);
			unsigned k = sn ? GPOINTER_TO_UINT(g_hash_table_lookup(idx, sn)) : 0;

			if (!k) {
				g_hash_table_destroy(idx);
				g_free(deg);
				g_free(g->ends);
				return -1;
			}
			g->ends[i][e] = k - 1;
			deg[k - 1]++;
		}
	}
	g_hash_table_destroy(idx);
	g->adj_start = g_new0(unsigned, g->n + 1);
	for (unsigned i = 0; i < g->n; i++)
		g->adj_start[i + 1] = g->adj_start[i] + deg[i];
	g->adj = g_new0(unsigned, 2 * g->nl + 1);
	memset(deg, 0, (g->n + 1) * sizeof(*deg));
	for (unsigned i = 0; i < g->nl; i++)
		for (int e = 0; e < 2; e++) {
			unsigned a = g->ends[i][e];

			g->adj[g->adj_start[a] + deg[a]++] = i;
		}
	g_free(deg);
	return 0;
}

static void
pgraph_free(struct pgraph *g)
{
	g_free(g->ends);
	g_free(g->adj_start);
	g_free(g->adj);
}

/* The node at the other end of link l from a. */
static unsigned
other_end(const struct pgraph *g, unsigned l, unsigned a)
{
	return g->ends[l][0] == a ? g->ends[l][1] : g->ends[l][0];
}

/* Nodes of no domain join the nearest domain's: breadth first from them all. */
static void
domains_spread(struct scenario *s, const struct pgraph *g, unsigned *dom)
{
	unsigned *queue = g_new(unsigned, g->n + 1);
	unsigned head = 0, tail = 0;

	for (unsigned i = 0; i < g->n; i++)
		if (dom[i] != UINT32_MAX)
			queue[tail++] = i;
	while (head < tail) {
		unsigned a = queue[head++];

		for (unsigned k = g->adj_start[a]; k < g->adj_start[a + 1]; k++) {
			unsigned b = other_end(g, g->adj[k], a);

			if (dom[b] == UINT32_MAX) {
				dom[b] = dom[a];
				queue[tail++] = b;
			}
		}
	}
	/* Unconnected to any domain: a unit of their own. */
	g_free(queue);
	(void)s;
}

/*
 * <partition> with <part>s: part i runs in process i mod nparts; every
 * node in exactly one part.  The process of each node in proc[], or -1
 * with err set.
 */
static int
explicit_parts(struct scenario *s, unsigned nparts, unsigned *proc, char *err, size_t errlen)
{
	GPtrArray *specs = g_ptr_array_new_with_free_func((GDestroyNotify)g_pattern_spec_free);
	bool *used;
	int rc = 0;

	used = g_new0(bool, 1);
	for (guint i = 0; i < s->parts->len; i++) {
		const struct scn_part *pt = g_ptr_array_index(s->parts, i);

		for (guint k = 0; pt->patterns[k]; k++)
			g_ptr_array_add(specs, g_pattern_spec_new(pt->patterns[k]));
	}
	used = g_renew(bool, used, specs->len + 1);
	memset(used, 0, (specs->len + 1) * sizeof(bool));
	for (guint n = 0; n < s->nodes->len && rc == 0; n++) {
		const struct scn_node *sn = g_ptr_array_index(s->nodes, n);
		int found = -1, found_line = 0;
		guint sp = 0;

		for (guint i = 0; i < s->parts->len && rc == 0; i++) {
			const struct scn_part *pt = g_ptr_array_index(s->parts, i);
			bool hit = false;

			for (guint k = 0; pt->patterns[k]; k++, sp++)
				if (g_pattern_spec_match_string(g_ptr_array_index(specs, sp), sn->name)) {
					hit = true;
					used[sp] = true;
				}
			if (!hit)
				continue;
			if (found >= 0 && found != (int)i) {
				snprintf(err, errlen, "%s:%d: node %s is in this <part> and in the one "
					 "at line %d", pt->file, pt->line, sn->name, found_line);
				rc = -1;
			}
			found = (int)i;
			found_line = pt->line;
		}
		if (rc == 0 && found < 0) {
			snprintf(err, errlen, "%s:%d: node %s is in no <part>: every node of the "
				 "scenario goes in one", s->part_file, s->part_line, sn->name);
			rc = -1;
		}
		if (rc == 0)
			proc[n] = (unsigned)found % nparts;
	}
	/* A pattern that matches nothing is most likely a typo. */
	for (guint i = 0, sp = 0; i < s->parts->len && rc == 0; i++) {
		const struct scn_part *pt = g_ptr_array_index(s->parts, i);

		for (guint k = 0; pt->patterns[k] && rc == 0; k++, sp++)
			if (!used[sp]) {
				snprintf(err, errlen, "%s:%d: <part> nodes \"%s\" matches no node of "
					 "the scenario", pt->file, pt->line, pt->patterns[k]);
				rc = -1;
			}
	}
	g_free(used);
	g_ptr_array_free(specs, TRUE);
	return rc;
}

/* The cut of a partition: the links between processes, their smallest delay. */
static void
partition_cut(struct scenario *s, const struct pgraph *g, const unsigned *proc,
	      struct scn_partition *p)
{
	p->lookahead = SIM_TIME_NEVER;
	for (unsigned l = 0; l < g->nl; l++) {
		const struct scn_link *sl = g_ptr_array_index(s->links, l);

		if (proc[g->ends[l][0]] == proc[g->ends[l][1]])
			continue;
		p->cut++;
		if (sl->p.delay < p->lookahead) {
			p->lookahead = sl->p.delay;
			p->lookahead_link = sl->name;
		}
	}
}

static int
partition_explicit(struct scenario *s, struct pgraph *g, unsigned nparts,
		   struct scn_partition *p, char *err, size_t errlen)
{
	unsigned *proc = g_new0(unsigned, g->n + 1);
	int rc = explicit_parts(s, nparts, proc, err, errlen);

	for (unsigned l = 0; l < g->nl && rc == 0; l++) {
		const struct scn_link *sl = g_ptr_array_index(s->links, l);
		unsigned a = g->ends[l][0], b = g->ends[l][1];

		if (proc[a] != proc[b] && sl->p.delay == 0) {
			snprintf(err, errlen, "%s:%d: link \"%s\" joins %s (process %u) and %s "
				 "(process %u) and has no delay: a link between processes needs "
				 "one, the time by which one process may run ahead of the other; "
				 "give it a delay or put both ends in one <part> (doc/parallel.md)",
				 sl->file, sl->line, sl->name, sl->node[0], proc[a], sl->node[1],
				 proc[b]);
			rc = -1;
		}
	}
	if (rc == 0) {
		p->nparts = nparts;
		p->method = "explicit";
		p->part = g_hash_table_new(g_str_hash, g_str_equal);
		p->nodes = g_new0(unsigned, nparts);
		for (unsigned i = 0; i < g->n; i++) {
			struct scn_node *sn = g_ptr_array_index(s->nodes, i);

			g_hash_table_insert(p->part, sn->name, GUINT_TO_POINTER(proc[i] + 1));
			p->nodes[proc[i]]++;
		}
		partition_cut(s, g, proc, p);
	}
	g_free(proc);
	pgraph_free(g);
	return rc;
}

int
scenario_partition(struct scenario *s, unsigned nparts, const char *method,
		   struct scn_partition *p, char *err, size_t errlen)
{
	struct pgraph g;
	unsigned *up, *dom, *part, *load, *order, *size;
	unsigned ndom = 0, n;
	GHashTable *dom_idx;
	bool by_domain;

	memset(p, 0, sizeof(*p));
	if (nparts == 0)
		nparts = 1;
	if (pgraph_build(s, &g) < 0) {
		snprintf(err, errlen, "%s: a link names a node the scenario does not have", s->path);
		return -1;
	}
	n = g.n;
	if (!method)
		method = s->part_method;
	if (s->parts && s->parts->len)
		return partition_explicit(s, &g, nparts, p, err, errlen);
	up = g_new(unsigned, n + 1);
	dom = g_new(unsigned, n + 1);
	for (unsigned i = 0; i < n; i++) {
		up[i] = i;
		dom[i] = UINT32_MAX;
	}
	/* Domains, by their name, in the order first seen. */
	dom_idx = g_hash_table_new(g_str_hash, g_str_equal);
	for (unsigned i = 0; i < n; i++) {
		const struct scn_node *sn = g_ptr_array_index(s->nodes, i);
		gpointer v;

		if (!sn->domain)
			continue;
		v = g_hash_table_lookup(dom_idx, sn->domain);
		if (!v) {
			v = GUINT_TO_POINTER(++ndom);
			g_hash_table_insert(dom_idx, sn->domain, v);
		}
		dom[i] = GPOINTER_TO_UINT(v) - 1;
	}
	g_hash_table_destroy(dom_idx);
	if (method && strcmp(method, "domain") == 0)
		by_domain = ndom > 0;
	else if (method && strcmp(method, "graph") == 0)
		by_domain = false;
	else
		by_domain = ndom >= nparts && nparts > 1;
	p->method = by_domain ? "domain" : "graph";
	if (by_domain) {
		unsigned *first = g_new(unsigned, ndom + 1);

		domains_spread(s, &g, dom);
		for (unsigned d = 0; d < ndom; d++)
			first[d] = UINT32_MAX;
		for (unsigned i = 0; i < n; i++) {
			if (dom[i] == UINT32_MAX)
				continue;
			if (first[dom[i]] == UINT32_MAX)
				first[dom[i]] = i;
			else
				uf_union(up, first[dom[i]], i);
		}
		g_free(first);
	}
	/* Never cut a link without delay. */
	for (unsigned l = 0; l < g.nl; l++) {
		const struct scn_link *sl = g_ptr_array_index(s->links, l);

		if (sl->p.delay == 0)
			uf_union(up, g.ends[l][0], g.ends[l][1]);
	}
	size = g_new0(unsigned, n + 1);
	for (unsigned i = 0; i < n; i++)
		size[uf_find(up, i)]++;
	part = g_new(unsigned, n + 1);	/* per unit (its first node), then per node */
	load = g_new0(unsigned, nparts);
	for (unsigned i = 0; i < n; i++)
		part[i] = UINT32_MAX;
	order = g_new(unsigned, n + 1);
	if (by_domain) {
		/* Units by size, the larger first; equal ones in the order written. */
		unsigned nu = 0;

		for (unsigned i = 0; i < n; i++)
			if (uf_find(up, i) == i)
				order[nu++] = i;
		for (unsigned i = 1; i < nu; i++) {
			unsigned u = order[i], j = i;

			for (; j > 0 && size[order[j - 1]] < size[u]; j--)
				order[j] = order[j - 1];
			order[j] = u;
		}
		for (unsigned i = 0; i < nu; i++) {
			unsigned best = 0;

			for (unsigned q = 1; q < nparts; q++)
				if (load[q] < load[best])
					best = q;
			part[order[i]] = best;
			load[best] += size[order[i]];
		}
	} else {
		/* Breadth first; each unit whole, in the order first reached. */
		bool *seen = g_new0(bool, n + 1);
		unsigned head = 0, tail = 0, q = 0, placed = 0;

		for (unsigned s0 = 0; s0 < n; s0++) {
			if (seen[s0])
				continue;
			seen[s0] = true;
			order[tail++] = s0;
			while (head < tail) {
				unsigned a = order[head++];

				for (unsigned k = g.adj_start[a]; k < g.adj_start[a + 1]; k++) {
					unsigned b = other_end(&g, g.adj[k], a);

					if (!seen[b]) {
						seen[b] = true;
						order[tail++] = b;
					}
				}
			}
		}
		g_free(seen);
		/*
		 * A node weighs one plus its links: the traffic a node forwards
		 * grows with them (the hubs of a preferential-attachment graph
		 * carry most of it), so parts of equal weight do about equal work.
		 */
		{
			uint64_t *weight = g_new0(uint64_t, n + 1), total = 0, wplaced = 0;

			for (unsigned i = 0; i < n; i++) {
				uint64_t w = 1 + (g.adj_start[i + 1] - g.adj_start[i]);

				weight[uf_find(up, i)] += w;
				total += w;
			}
			for (unsigned i = 0; i < n; i++) {
				unsigned u = uf_find(up, order[i]);

				if (part[u] != UINT32_MAX)
					continue;
				/* Part q is full once it holds its share of the weight placed so far. */
				while (q + 1 < nparts && wplaced >= total * (q + 1) / nparts)
					q++;
				part[u] = q;
				load[q] += size[u];
				placed += size[u];
				wplaced += weight[u];
			}
			g_free(weight);
		}
	}
	p->nparts = nparts;
	p->part = g_hash_table_new(g_str_hash, g_str_equal);
	p->nodes = load;
	p->lookahead = SIM_TIME_NEVER;
	for (unsigned i = 0; i < n; i++) {
		struct scn_node *sn = g_ptr_array_index(s->nodes, i);

		g_hash_table_insert(p->part, sn->name, GUINT_TO_POINTER(part[uf_find(up, i)] + 1));
	}
	for (unsigned l = 0; l < g.nl; l++) {
		const struct scn_link *sl = g_ptr_array_index(s->links, l);

		if (part[uf_find(up, g.ends[l][0])] == part[uf_find(up, g.ends[l][1])])
			continue;
		p->cut++;
		if (sl->p.delay < p->lookahead) {
			p->lookahead = sl->p.delay;
			p->lookahead_link = sl->name;
		}
	}
	g_free(order);
	g_free(part);
	g_free(size);
	g_free(dom);
	g_free(up);
	pgraph_free(&g);
	return 0;
}

bool
scenario_uses_kind(const struct scenario *s, const char *kind)
{
	for (guint i = 0; i < s->events->len; i++) {
		const struct scn_event *ev = g_ptr_array_index(s->events, i);

		if (ev->kind == SEV_APP && ev->ent && ev->ent->cls->kind &&
		    strcmp(ev->ent->cls->kind, kind) == 0)
			return true;
	}
	return false;
}

int
scenario_partition_rank(void *ctx, const char *name)
{
	const struct scn_partition *p = ctx;
	gpointer v = g_hash_table_lookup(p->part, name);

	/* A node the scenario does not know of: the first process's. */
	return v ? (int)GPOINTER_TO_UINT(v) - 1 : 0;
}

void
scenario_partition_free(struct scn_partition *p)
{
	if (p->part)
		g_hash_table_destroy(p->part);
	g_free(p->nodes);
	memset(p, 0, sizeof(*p));
}
