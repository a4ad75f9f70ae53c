/*
 * generate.c - the topology generators (graph.h): preferential attachment
 * (ba), random geometric graphs with Waxman's edge probability (waxman)
 * and a tiered hierarchy of ASes with business relationships (tiered).
 *
 * A generator fills a struct graph as an importer does; the loader turns
 * it into nodes and links (graph_build.c).  Each model draws from one
 * stream of sim/rng.h of its own, derived from the seed alone (run 0,
 * the stream "topology/MODEL"), so a graph depends on the model, its
 * parameters and the seed, and on nothing else: not on the run number,
 * the rest of the scenario or the build.  The draws are integers and
 * exact floating-point steps, except one libm call in waxman (see
 * above waxman()).  doc/topology-generators.md says what each model
 * makes and refuses.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>

#include <glib.h>

#include "scenario/graph.h"
#include "sim/rng.h"

#define GEN_MAX_NODES	 1000000u
#define GEN_MAX_EDGES	 4000000u	/* ba and waxman: ~160 MB of struct graph_edge */
#define BA_M		 2u
#define BA_MAX_M	 1000u
#define WAXMAN_MAX_NODES 20000u		/* it draws for every pair: 2e8 draws at most */
#define WAXMAN_ALPHA	 0.4
#define WAXMAN_BETA	 0.1
#define WAXMAN_BITS	 26		/* a coordinate is a multiple of 2^-26 */
#define TIERED_TIER1	 5u
#define TIERED_MAX_TIER1 1000u		/* the clique: 499500 edges */

/* Nodes prefix<first>.. prefix<first + n - 1>, generated, at indices 0.. n-1. */
static void
add_nodes(struct graph *g, const char *prefix, uint32_t first, uint32_t n)
{
	char name[32];

	for (uint32_t i = 0; i < n; i++) {
		int k;

		g_snprintf(name, sizeof(name), "%s%" PRIu32, prefix, first + i);
		k = graph_node(g, name, 0);
		g_assert(k == (int)i);
	}
}

/* An edge a-b with nothing set but its relationship. */
static void
add_edge(struct graph *g, uint32_t a, uint32_t b, enum graph_rel rel)
{
	struct graph_edge e;

	memset(&e, 0, sizeof(e));
	e.rel = rel;
	graph_edge(g, a, b, &e);
}

/* Refuse a parameter the model does not read (0 is "not given"). */
static int
not_for(const char *model, const struct graph_gen_params *p, bool m, bool ab, bool tiers,
	char *err, size_t errlen)
{
	const char *what = NULL;

	if (!m && p->m)
		what = "m";
	else if (!ab && p->alpha != 0)
		what = "alpha";
	else if (!ab && p->beta != 0)
		what = "beta";
	else if (!tiers && p->tier1)
		what = "tier1";
	else if (!tiers && p->transit)
		what = "transit";
	if (!what)
		return 0;
	g_snprintf(err, errlen, "%s does not apply to %s", what, model);
	return -1;
}

/* nodes, required, at most max. */
static int
check_nodes(const struct graph_gen_params *p, uint32_t max, const char *why, char *err,
	    size_t errlen)
{
	if (p->nodes == 0) {
		g_snprintf(err, errlen, "nodes is required (1 to %u)", max);
		return -1;
	}
	if (p->nodes > max) {
		g_snprintf(err, errlen, "nodes %" PRIu32 " is more than %u%s", p->nodes, max, why);
		return -1;
	}
	return 0;
}

/*
 * k distinct indices in [lo, hi), each drawn uniformly among those not
 * yet drawn for this node nor marked with stamp already, in pick[];
 * mark[i] == stamp marks i.  The caller makes sure k candidates are free.
 */
static void
draw_distinct(struct rng *r, uint32_t lo, uint32_t hi, uint32_t k, uint32_t *mark,
	      uint32_t stamp, uint32_t *pick)
{
	for (uint32_t i = 0; i < k; i++) {
		uint32_t c;

		do
			c = lo + (uint32_t)rng_below(r, hi - lo);
		while (mark[c] == stamp);
		mark[c] = stamp;
		pick[i] = c;
	}
}

/*
 * Barabási-Albert preferential attachment, nodes n0..n<N-1>:
 *  1. n0..n<m> form a clique: edges (i, j) for i < j, by i then j, so
 *     each of these m + 1 nodes starts with degree m;
 *  2. each later node v, in order, draws m distinct earlier nodes, each
 *     with a probability proportional to its degree when v arrives: a
 *     draw is a uniform entry of the list of every edge's two ends (a
 *     node is in it once per edge it has); a node already drawn for v is
 *     drawn again;
 *  3. v's edges (v, target) are added in the order drawn, and only then
 *     do their ends join the list, so v's draws do not see one another.
 * m(m+1)/2 + m(N-m-1) edges; O(N m) time and memory.
 */
static int
gen_ba(const struct graph_gen_params *p, struct graph *g, char *err, size_t errlen)
{
	uint32_t n = p->nodes, m = p->m ? p->m : BA_M;
	uint64_t edges;
	uint32_t *ends, *mark, *pick;
	size_t nends = 0;
	struct rng r;

	if (not_for("ba", p, true, false, false, err, errlen) < 0 ||
	    check_nodes(p, GEN_MAX_NODES, "", err, errlen) < 0)
		return -1;
	if (m > BA_MAX_M) {
		g_snprintf(err, errlen, "m %" PRIu32 " is more than %u", m, BA_MAX_M);
		return -1;
	}
	if (m >= n) {
		g_snprintf(err, errlen, "m %" PRIu32 " is not below nodes %" PRIu32, m, n);
		return -1;
	}
	edges = (uint64_t)m * (m + 1) / 2 + (uint64_t)m * (n - m - 1);
	if (edges > GEN_MAX_EDGES) {
		g_snprintf(err, errlen, "m %" PRIu32 " and nodes %" PRIu32 " make %" PRIu64
			   " edges, more than %u", m, n, edges, GEN_MAX_EDGES);
		return -1;
	}
	rng_init(&r, p->seed, 0, "topology/ba");
	add_nodes(g, "n", 0, n);
	ends = g_new(uint32_t, 2 * edges);
	mark = g_new0(uint32_t, n);
	pick = g_new(uint32_t, m);
	for (uint32_t i = 0; i <= m; i++)
		for (uint32_t j = i + 1; j <= m; j++) {
			add_edge(g, i, j, GREL_NONE);
			ends[nends++] = i;
			ends[nends++] = j;
		}
	for (uint32_t v = m + 1; v < n; v++) {
		for (uint32_t i = 0; i < m; i++) {
			uint32_t t;

			do
				t = ends[rng_below(&r, nends)];
			while (mark[t] == v);
			mark[t] = v;
			pick[i] = t;
		}
		for (uint32_t i = 0; i < m; i++) {
			add_edge(g, v, pick[i], GREL_NONE);
			ends[nends++] = v;
			ends[nends++] = pick[i];
		}
	}
	g_assert(nends == 2 * edges);
	g_free(pick);
	g_free(mark);
	g_free(ends);
	return 0;
}

static uint32_t
uf_find(uint32_t *parent, uint32_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

static uint64_t
dist2(const uint32_t *xy, uint32_t a, uint32_t b)
{
	int64_t dx = (int64_t)xy[2 * a] - xy[2 * b];
	int64_t dy = (int64_t)xy[2 * a + 1] - xy[2 * b + 1];

	return (uint64_t)(dx * dx) + (uint64_t)(dy * dy);
}

/*
 * Join the components of g into one, deterministically: number them by
 * their smallest node; then for each component after the first, in that
 * order, add the shortest edge from one of the nodes of the components
 * before it (which are joined already) to one of its own, the earlier
 * node first.  Of equally short edges, the one whose own node has the
 * smallest index, then the one whose earlier node comes first (by
 * component, then index).  Distances are exact integers.
 */
static void
waxman_join(struct graph *g, const uint32_t *xy, uint32_t n)
{
	uint32_t *parent = g_new(uint32_t, n), *comp = g_new(uint32_t, n);
	uint32_t *start, *members, ncomp = 0;

	for (uint32_t i = 0; i < n; i++)
		parent[i] = i;
	for (guint i = 0; i < g->edges->len; i++) {
		const struct graph_edge *e = &g_array_index(g->edges, struct graph_edge, i);
		uint32_t a = uf_find(parent, e->a), b = uf_find(parent, e->b);

		if (a != b)
			parent[a > b ? a : b] = a < b ? a : b;
	}
	/* A root is the smallest node of its component: numbered when first met. */
	for (uint32_t i = 0; i < n; i++) {
		uint32_t rt = uf_find(parent, i);

		comp[i] = rt == i ? ncomp++ : comp[rt];
	}
	if (ncomp > 1) {
		start = g_new0(uint32_t, ncomp + 1);
		members = g_new(uint32_t, n);
		for (uint32_t i = 0; i < n; i++)
			start[comp[i] + 1]++;
		for (uint32_t k = 0; k < ncomp; k++)
			start[k + 1] += start[k];
		for (uint32_t i = 0; i < n; i++)
			members[start[comp[i]]++] = i;
		for (uint32_t k = ncomp; k > 0; k--)
			start[k] = start[k - 1];
		start[0] = 0;
		for (uint32_t k = 1; k < ncomp; k++) {
			uint64_t best = UINT64_MAX;
			uint32_t ba = 0, bb = 0;

			for (uint32_t i = start[k]; i < start[k + 1]; i++)
				for (uint32_t j = 0; j < start[k]; j++) {
					uint64_t d = dist2(xy, members[i], members[j]);

					if (d < best) {
						best = d;
						ba = members[j];
						bb = members[i];
					}
				}
			add_edge(g, ba, bb, GREL_NONE);
		}
		g_free(members);
		g_free(start);
	}
	g_free(comp);
	g_free(parent);
}

/*
 * Waxman's random graph, nodes n0..n<N-1>:
 *  1. each node, in order, gets x then y, each a uniform multiple of
 *     2^-26 in [0, 1) (26 bits of one draw);
 *  2. for each pair i < j, by i then j, one uniform draw u in [0, 1):
 *     the edge (i, j) is added when u < alpha * exp(-d / (beta * L)), d
 *     the distance of i and j, L = sqrt 2 the largest distance;
 *  3. the components are joined into one (waxman_join).
 * Exactness: the squared distance is an integer below 2^53 (exact in a
 * double), the square root and the division are IEEE operations,
 * correctly rounded on every build; exp() is libm's, whose last bit may
 * in principle differ between libraries (glibc's is within an ulp), and
 * that would change an edge only when u falls within an ulp of the
 * threshold: about one chance in 2^53 per pair.  The build must
 * evaluate doubles as doubles (FLT_EVAL_METHOD 0: any x86-64 or ARM
 * build; not an x87-only i386 one).
 */
static int
gen_waxman(const struct graph_gen_params *p, struct graph *g, char *err, size_t errlen)
{
	double alpha = p->alpha != 0 ? p->alpha : WAXMAN_ALPHA;
	double beta = p->beta != 0 ? p->beta : WAXMAN_BETA;
	double scale;
	uint32_t n = p->nodes, *xy;
	struct rng r;
	int rc = -1;

	if (not_for("waxman", p, false, true, false, err, errlen) < 0 ||
	    check_nodes(p, GEN_MAX_NODES, "", err, errlen) < 0 ||
	    check_nodes(p, WAXMAN_MAX_NODES, " for waxman (it draws for every pair)", err,
			errlen) < 0)
		return -1;
	if (!(alpha > 0 && alpha <= 1)) {
		g_snprintf(err, errlen, "alpha %g is not in (0, 1]", alpha);
		return -1;
	}
	if (!(beta > 0 && beta <= 1)) {
		g_snprintf(err, errlen, "beta %g is not in (0, 1]", beta);
		return -1;
	}
	rng_init(&r, p->seed, 0, "topology/waxman");
	add_nodes(g, "n", 0, n);
	xy = g_new(uint32_t, 2 * (size_t)n);
	for (uint32_t i = 0; i < n; i++) {
		struct graph_node *v = &g_array_index(g->nodes, struct graph_node, i);

		xy[2 * i] = (uint32_t)(rng_u64(&r) >> (64 - WAXMAN_BITS));
		xy[2 * i + 1] = (uint32_t)(rng_u64(&r) >> (64 - WAXMAN_BITS));
		v->has_xy = true;
		v->x = ldexp(xy[2 * i], -WAXMAN_BITS);
		v->y = ldexp(xy[2 * i + 1], -WAXMAN_BITS);
	}
	/* beta L in grid units: d / scale is d / (beta L) in the unit square. */
	scale = ldexp(beta * sqrt(2.0), WAXMAN_BITS);
	for (uint32_t i = 0; i < n; i++)
		for (uint32_t j = i + 1; j < n; j++) {
			double u = rng_uniform(&r);

			/* alpha bounds the probability: most pairs need no exp(). */
			if (u >= alpha)
				continue;
			if (!(u < alpha * exp(-sqrt((double)dist2(xy, i, j)) / scale)))
				continue;
			if (g->edges->len >= GEN_MAX_EDGES) {
				g_snprintf(err, errlen, "more than %u edges: give a smaller "
					   "alpha, beta or nodes", GEN_MAX_EDGES);
				goto out;
			}
			add_edge(g, i, j, GREL_NONE);
		}
	waxman_join(g, xy, n);
	rc = 0;
out:
	g_free(xy);
	return rc;
}

/*
 * A tiered AS hierarchy, AS1..ASN in order (AS i at index i - 1, named
 * AS<i>), K tier-1 ASes, T transit ASes, the rest stubs:
 *  1. AS1..ASK are tier 1 and peer with each other: a p2p edge (i, j)
 *     for each i < j, by i then j;
 *  2. each transit AS (tier 2) t, in order: a count of providers drawn
 *     uniformly in 1..3 (at most the ASes before it), then that many
 *     distinct providers drawn uniformly among the tier-1 ASes and the
 *     transit ASes before t, each a p2c edge (provider, t); then a count
 *     of peers drawn uniformly in 0..2 (at most the transit ASes before t
 *     that are not its providers), and that many distinct peers drawn
 *     uniformly among those, each a p2p edge (peer, t);
 *  3. each stub (tier 3), in order: 1 or 2 providers (the count drawn
 *     uniformly, at most K + T), distinct, drawn uniformly among the
 *     tier-1 and transit ASes, each a p2c edge (provider, stub).
 * A provider always comes before its customer, so the customer-provider
 * graph has no cycle; every AS below tier 1 has a provider, so the graph
 * is connected.
 */
static int
gen_tiered(const struct graph_gen_params *p, struct graph *g, char *err, size_t errlen)
{
	uint32_t n = p->nodes, k, t;
	uint32_t *mark, pick[3];
	struct rng r;

	if (not_for("tiered", p, false, false, true, err, errlen) < 0 ||
	    check_nodes(p, GEN_MAX_NODES, "", err, errlen) < 0)
		return -1;
	k = p->tier1 ? p->tier1 : TIERED_TIER1;
	t = p->transit ? p->transit : n / 10;
	if (k > TIERED_MAX_TIER1) {
		g_snprintf(err, errlen, "tier1 %" PRIu32 " is more than %u", k, TIERED_MAX_TIER1);
		return -1;
	}
	if ((uint64_t)k + t > n) {
		g_snprintf(err, errlen, "tier1 %" PRIu32 " and transit %" PRIu32
			   " make more than nodes %" PRIu32, k, t, n);
		return -1;
	}
	rng_init(&r, p->seed, 0, "topology/tiered");
	g->directed_rel = true;
	add_nodes(g, "AS", 1, n);
	for (uint32_t i = 0; i < n; i++) {
		struct graph_node *v = &g_array_index(g->nodes, struct graph_node, i);

		v->asn = i + 1;
		v->tier = i < k ? 1 : i < k + t ? 2 : 3;
	}
	for (uint32_t i = 0; i < k; i++)
		for (uint32_t j = i + 1; j < k; j++)
			add_edge(g, i, j, GREL_P2P);
	/* mark[c] == v + 1: c is already linked to v. */
	mark = g_new0(uint32_t, n);
	for (uint32_t v = k; v < k + t; v++) {
		uint32_t np = 1 + (uint32_t)rng_below(&r, 3), nq, free_peers;

		np = MIN(np, v);
		draw_distinct(&r, 0, v, np, mark, v + 1, pick);
		free_peers = v - k;
		for (uint32_t i = 0; i < np; i++) {
			add_edge(g, pick[i], v, GREL_P2C);
			free_peers -= pick[i] >= k;
		}
		nq = (uint32_t)rng_below(&r, 3);
		nq = MIN(nq, free_peers);
		draw_distinct(&r, k, v, nq, mark, v + 1, pick);
		for (uint32_t i = 0; i < nq; i++)
			add_edge(g, pick[i], v, GREL_P2P);
	}
	for (uint32_t v = k + t; v < n; v++) {
		uint32_t np = 1 + (uint32_t)rng_below(&r, 2);

		np = MIN(np, k + t);
		draw_distinct(&r, 0, k + t, np, mark, v + 1, pick);
		for (uint32_t i = 0; i < np; i++)
			add_edge(g, pick[i], v, GREL_P2C);
	}
	g_free(mark);
	return 0;
}

static const struct {
	const char *name;
	int (*gen)(const struct graph_gen_params *p, struct graph *g, char *err,
		   size_t errlen);
} models[] = {
	{ "ba", gen_ba },
	{ "waxman", gen_waxman },
	{ "tiered", gen_tiered },
};

int
graph_generate(const char *model, const struct graph_gen_params *p, struct graph *g,
	       char *err, size_t errlen)
{
	for (size_t i = 0; i < G_N_ELEMENTS(models); i++)
		if (strcmp(models[i].name, model) == 0)
			return models[i].gen(p, g, err, errlen);
	g_snprintf(err, errlen, "unknown model \"%s\" (%s)", model, graph_models());
	return -1;
}

const char *
graph_models(void)
{
	return "ba waxman tiered";
}
