/*
 * graph_build.c - a topology from a file of another format or from a
 * generator (scenario/graph.h): the graph becomes nodes, interfaces,
 * links and addresses of the scenario, the same way for every format.
 *
 *   - each graph node is a router (forwarding) of the same name, with a
 *     router address 10.64.0.0 + (its number + 1) (10.64.0.0/11: up to
 *     two million nodes);
 *   - each edge is a link between two new interfaces ethK (K from 0 a
 *     node, in edge order), numbered from its own /30 of 10.0.0.0/10
 *     (edge k: 10.0.0.0 + 4k, ends .1 and .2; up to a million links);
 *     its bandwidth, delay and weight come from the file when it gives
 *     them, the rest from the scenario's <linkdefaults> (and --set
 *     linkdefaults.NAME=VALUE);
 *   - a node with an AS number belongs to the domain "AS<number>" (made
 *     in order of first appearance, with that AS number);
 *   - shortest-path routing, unless the <topology> says routing="static".
 * The whole is then checked as a written topology is (addresses claimed
 * once, links between existing interfaces): doc/topology-import.md.
 */
#include <inttypes.h>
#include <string.h>

#include "scenario/graph.h"
#include "scenario/scenario_int.h"

#define GB_LINK_BASE	0x0a000000u	/* 10.0.0.0/10: a /30 a link */
#define GB_RID_BASE	0x0a400000u	/* 10.64.0.0/11: router addresses */
#define GB_RID_MAX	((1u << 21) - 2)

static const char *
domain_of(struct scn_ld *ld, GHashTable *doms, uint32_t asn, const char *file, int line)
{
	struct scenario *s = ld->s;
	struct scn_domain *d = g_hash_table_lookup(doms, GUINT_TO_POINTER(asn));

	if (d)
		return d->name;
	d = g_new0(struct scn_domain, 1);
	d->name = g_strdup_printf("AS%" PRIu32, asn);
	d->asn = g_strdup_printf("%" PRIu32, asn);
	d->file = file;
	d->line = line;
	g_ptr_array_add(s->domains, d);
	g_hash_table_insert(doms, GUINT_TO_POINTER(asn), d);
	return d->name;
}

int
scn_graph_build(struct scn_ld *ld, const struct graph *g, const char *file, int line,
		const char *at, int at_line)
{
	struct scenario *s = ld->s;
	guint nn = g->nodes->len, ne = g->edges->len;
	struct scn_node **nodes;
	uint32_t *next_eth;
	GHashTable *doms;
	int rc = -1;

	if (nn == 0)
		return scn_error(ld, at, at_line, "the topology has no node");
	if (nn > SCN_NODES_MAX || nn > GB_RID_MAX)
		return scn_error(ld, at, at_line, "the topology has %u nodes, more than the %u "
				 "a scenario may have", nn, SCN_NODES_MAX);
	if (ne > SCN_LINKS_MAX)
		return scn_error(ld, at, at_line, "the topology has %u links, more than the %u "
				 "a scenario may have", ne, SCN_LINKS_MAX);
	nodes = g_new0(struct scn_node *, nn);
	next_eth = g_new0(uint32_t, nn);
	doms = g_hash_table_new(g_direct_hash, g_direct_equal);
	for (guint i = 0; i < nn; i++) {
		const struct graph_node *gn = &g_array_index(g->nodes, struct graph_node, i);
		int nl = gn->line ? gn->line : line;
		struct scn_node *old = g_hash_table_lookup(s->node_by_name, gn->name);

		if (old) {
			scn_error_also(ld, file, nl, old->file, old->line, "duplicate node \"%s\" "
				       "(first at %s:%d)", gn->name, old->file, old->line);
			goto out;
		}
		nodes[i] = scn_node_new(s, gn->name, file, nl);
		nodes[i]->router_id = addr_v4(GB_RID_BASE + i + 1);
		if (gn->label)
			nodes[i]->label = g_strdup(gn->label);
		if (gn->asn)
			nodes[i]->domain = g_strdup(domain_of(ld, doms, gn->asn, file, nl));
	}
	for (guint k = 0; k < ne; k++) {
		const struct graph_edge *e = &g_array_index(g->edges, struct graph_edge, k);
		int el = e->line ? e->line : line;
		struct scn_link *l = scn_link_new(s, file, el);
		uint32_t ends[2] = { e->a, e->b };
		char buf[64];

		l->imported = true;
		l->rel = e->rel;
		for (int j = 0; j < 2; j++) {
			struct scn_node *n = nodes[ends[j]];
			struct scn_iface *ifc;
			struct ifaddr ia;

			l->node[j] = g_strdup(n->name);
			l->ifname[j] = g_strdup_printf("eth%" PRIu32, next_eth[ends[j]]++);
			ifc = scn_iface_new(n, l->ifname[j], IF_ETHER, file, el);
			ia.addr = addr_v4(GB_LINK_BASE + 4 * k + 1 + (uint32_t)j);
			ia.plen = 30;
			g_array_append_val(ifc->addrs, ia);
		}
		if (e->bw) {
			g_snprintf(buf, sizeof(buf), "%" PRIu64 "bit/s", e->bw);
			scn_val_set(&l->v[LA_BANDWIDTH], buf, file, el);
		}
		if (e->has_delay) {
			g_snprintf(buf, sizeof(buf), "%" PRId64 "ns", (int64_t)e->delay);
			scn_val_set(&l->v[LA_DELAY], buf, file, el);
		}
		if (e->weight) {
			g_snprintf(buf, sizeof(buf), "%" PRIu32, e->weight);
			scn_val_set(&l->v[LA_WEIGHT], buf, file, el);
		}
	}
	rc = 0;
out:
	g_hash_table_destroy(doms);
	g_free(nodes);
	g_free(next_eth);
	return rc;
}

/* The base name of a path, for a scenario without a name. */
static char *
base_name(const char *path)
{
	char *b = g_path_get_basename(path);
	char *dot = strrchr(b, '.');

	if (dot && dot != b)
		*dot = '\0';
	return b;
}

int
scn_topology_import(struct scn_ld *ld, const char *from, int line, const char *ref,
		    const char *format)
{
	struct scenario *s = ld->s;
	graph_reader rd = graph_reader_of(format);
	char *path, *buf = NULL, err[GRAPH_ERRLEN];
	const char *file;
	size_t len;
	struct graph g;
	int eline = 0, rc;

	if (!rd)
		return scn_error(ld, from, line, "format \"%s\" is not known (%s)", format,
				 graph_formats());
	path = from ? scn_path_join(from, ref) : g_strdup(ref);
	file = scn_file(s, path);
	g_free(path);
	if (scn_file_read(ld, file, from, line, "topology file", &buf, &len) < 0)
		return -1;
	graph_init(&g);
	err[0] = '\0';
	rc = rd(buf, len, &g, &eline, err, sizeof(err));
	g_free(buf);
	if (rc < 0)
		scn_error(ld, file, eline, "%s", err);
	else
		rc = scn_graph_build(ld, &g, file, 1, from ? from : file, from ? line : 0);
	graph_fini(&g);
	if (rc == 0 && !s->topo_name)
		s->topo_name = base_name(file);
	return rc;
}

int
scn_topology_generate(struct scn_ld *ld, const char *from, int line, const char *model,
		      const struct graph_gen_params *p)
{
	char err[GRAPH_ERRLEN];
	struct graph g;
	int rc;

	graph_init(&g);
	err[0] = '\0';
	rc = graph_generate(model, p, &g, err, sizeof(err));
	if (rc < 0)
		scn_error(ld, from, line, "<topology generate=\"%s\">: %s", model, err);
	else
		rc = scn_graph_build(ld, &g, from, line, from, line);
	graph_fini(&g);
	if (rc == 0 && !ld->s->topo_name)
		ld->s->topo_name = g_strdup(model);
	return rc;
}
