/*
 * fuzz_graph.c - the topology importers (scenario/import_*.c).
 *
 * The first byte of the input picks the format (its value modulo the
 * number of formats, in the order caida, graphml, rocketfuel, brite,
 * edgelist); the rest is the file.  What a reader accepts is a graph the
 * loader can build: edges between existing, distinct nodes, names without
 * ':' or blanks, each once; what it refuses comes with a message and a
 * line within the file.
 */
#include <string.h>

#include <glib.h>

#include "scenario/graph.h"
#include "tests/fuzz/fuzz.h"

static const char *const formats[] = { "caida", "graphml", "rocketfuel", "brite", "edgelist" };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct graph g;
	char err[GRAPH_ERRLEN];
	int line = -1, lines = 1;
	graph_reader rd;

	fuzz_verdict = FUZZ_NONE;
	if (size < 1)
		return 0;
	rd = graph_reader_of(formats[data[0] % G_N_ELEMENTS(formats)]);
	FUZZ_CHECK(rd != NULL);
	for (size_t i = 1; i < size; i++)
		lines += data[i] == '\n';
	graph_init(&g);
	err[0] = '\0';
	if (rd((const char *)data + 1, size - 1, &g, &line, err, sizeof(err)) == 0) {
		fuzz_verdict = FUZZ_ACCEPTED;
		for (guint i = 0; i < g.nodes->len; i++) {
			const struct graph_node *n = &g_array_index(g.nodes, struct graph_node, i);

			FUZZ_CHECK(n->name && *n->name);
			FUZZ_CHECK(!strchr(n->name, ':') && !strpbrk(n->name, " \t\r\n\v\f"));
			FUZZ_CHECK(graph_find(&g, n->name) == (int)i);
		}
		for (guint i = 0; i < g.edges->len; i++) {
			const struct graph_edge *e = &g_array_index(g.edges, struct graph_edge, i);

			FUZZ_CHECK(e->a < g.nodes->len && e->b < g.nodes->len);
			FUZZ_CHECK(e->a != e->b);
		}
	} else {
		fuzz_verdict = FUZZ_REJECTED;
		FUZZ_CHECK(err[0] != '\0');
		FUZZ_CHECK(line >= 0 && line <= lines);
	}
	graph_fini(&g);
	return 0;
}
