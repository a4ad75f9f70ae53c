/*
 * graph.c - the graph the importers and generators fill (graph.h), and
 * the table of formats and models.
 */
#include <string.h>

#include "scenario/graph.h"

void
graph_init(struct graph *g)
{
	memset(g, 0, sizeof(*g));
	g->nodes = g_array_new(FALSE, TRUE, sizeof(struct graph_node));
	g->edges = g_array_new(FALSE, TRUE, sizeof(struct graph_edge));
	g->by_name = g_hash_table_new(g_str_hash, g_str_equal);
}

void
graph_fini(struct graph *g)
{
	if (!g->nodes)
		return;
	g_hash_table_destroy(g->by_name);
	for (guint i = 0; i < g->nodes->len; i++) {
		struct graph_node *n = &g_array_index(g->nodes, struct graph_node, i);

		g_free(n->name);
		g_free(n->label);
	}
	g_array_free(g->nodes, TRUE);
	g_array_free(g->edges, TRUE);
	memset(g, 0, sizeof(*g));
}

guint
graph_pair_hash(gconstpointer key)
{
	uint64_t x = *(const uint64_t *)key;

	/* the finaliser of SplitMix64: every input bit moves every output bit */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebull;
	x ^= x >> 31;
	return (guint)(x ^ (x >> 32));
}

int
graph_find(const struct graph *g, const char *name)
{
	gpointer v = g_hash_table_lookup(g->by_name, name);

	return v ? (int)(GPOINTER_TO_UINT(v) - 1) : -1;
}

int
graph_node(struct graph *g, const char *name, int line)
{
	struct graph_node n;
	int i = graph_find(g, name);

	if (i >= 0)
		return i;
	if (!*name || strchr(name, ':') || strpbrk(name, " \t\r\n\v\f"))
		return -1;
	memset(&n, 0, sizeof(n));
	n.name = g_strdup(name);
	n.line = line;
	g_array_append_val(g->nodes, n);
	g_hash_table_insert(g->by_name, n.name, GUINT_TO_POINTER(g->nodes->len));
	return (int)g->nodes->len - 1;
}

unsigned
graph_edge(struct graph *g, uint32_t a, uint32_t b, const struct graph_edge *e)
{
	struct graph_edge c = *e;

	c.a = a;
	c.b = b;
	g_array_append_val(g->edges, c);
	return g->edges->len - 1;
}

static const struct {
	const char *name;
	graph_reader read;
} readers[] = {
	{ "caida", graph_read_caida },
	{ "graphml", graph_read_graphml },
	{ "rocketfuel", graph_read_rocketfuel },
	{ "brite", graph_read_brite },
	{ "edgelist", graph_read_edgelist },
};

graph_reader
graph_reader_of(const char *format)
{
	for (size_t i = 0; i < G_N_ELEMENTS(readers); i++)
		if (strcmp(readers[i].name, format) == 0)
			return readers[i].read;
	return NULL;
}

const char *
graph_formats(void)
{
	return "caida, graphml, rocketfuel, brite, edgelist";
}
