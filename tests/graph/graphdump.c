/*
 * graphdump.c - a test program: read a topology file with one importer,
 * or make one with a generator, and print the graph in a canonical text
 * the tests compare (nodes, then edges, in the order the reader gave
 * them), or the reader's refusal as "FILE:LINE: what is wrong", exit 1.
 *
 *   graphdump FORMAT FILE
 *   graphdump --generate MODEL [nodes=N] [m=M] [alpha=A] [beta=B]
 *             [tier1=K] [transit=T] [seed=S]
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "scenario/graph.h"

static const char *const rels[] = { "", "p2c", "p2p", "s2s" };

static void
dump(const struct graph *g)
{
	printf("nodes %u edges %u\n", g->nodes->len, g->edges->len);
	for (guint i = 0; i < g->nodes->len; i++) {
		const struct graph_node *n = &g_array_index(g->nodes, struct graph_node, i);

		printf("node %s", n->name);
		if (n->label)
			printf(" label=\"%s\"", n->label);
		if (n->asn)
			printf(" as=%" PRIu32, n->asn);
		if (n->has_xy)
			printf(" xy=%.6g,%.6g", n->x, n->y);
		if (n->tier)
			printf(" tier=%d", n->tier);
		printf(" line=%d\n", n->line);
	}
	for (guint i = 0; i < g->edges->len; i++) {
		const struct graph_edge *e = &g_array_index(g->edges, struct graph_edge, i);
		const struct graph_node *a = &g_array_index(g->nodes, struct graph_node, e->a);
		const struct graph_node *b = &g_array_index(g->nodes, struct graph_node, e->b);

		printf("edge %s %s", a->name, b->name);
		if (e->bw)
			printf(" bw=%" PRIu64, e->bw);
		if (e->has_delay)
			printf(" delay=%" PRId64 "ns", (int64_t)e->delay);
		if (e->weight)
			printf(" weight=%" PRIu32, e->weight);
		if (e->rel)
			printf(" rel=%s", rels[e->rel]);
		printf(" line=%d\n", e->line);
	}
}

int
main(int argc, char **argv)
{
	struct graph g;
	char err[GRAPH_ERRLEN];
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: graphdump FORMAT FILE | --generate MODEL [k=v]...\n");
		return 2;
	}
	graph_init(&g);
	if (strcmp(argv[1], "--generate") == 0) {
		struct graph_gen_params p = { 0 };

		for (int i = 3; i < argc; i++) {
			char *eq = strchr(argv[i], '=');
			const char *v = eq ? eq + 1 : "";
			size_t k = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);

			if (k == 5 && strncmp(argv[i], "nodes", 5) == 0)
				p.nodes = (uint32_t)strtoul(v, NULL, 10);
			else if (k == 1 && argv[i][0] == 'm')
				p.m = (uint32_t)strtoul(v, NULL, 10);
			else if (k == 5 && strncmp(argv[i], "alpha", 5) == 0)
				p.alpha = strtod(v, NULL);
			else if (k == 4 && strncmp(argv[i], "beta", 4) == 0)
				p.beta = strtod(v, NULL);
			else if (k == 5 && strncmp(argv[i], "tier1", 5) == 0)
				p.tier1 = (uint32_t)strtoul(v, NULL, 10);
			else if (k == 7 && strncmp(argv[i], "transit", 7) == 0)
				p.transit = (uint32_t)strtoul(v, NULL, 10);
			else if (k == 4 && strncmp(argv[i], "seed", 4) == 0)
				p.seed = strtoull(v, NULL, 10);
			else {
				fprintf(stderr, "graphdump: unknown parameter %s\n", argv[i]);
				return 2;
			}
		}
		if (graph_generate(argv[2], &p, &g, err, sizeof(err)) < 0) {
			fprintf(stderr, "generate=%s: %s\n", argv[2], err);
			return 1;
		}
	} else {
		graph_reader rd = graph_reader_of(argv[1]);
		gchar *buf;
		gsize len;
		int line = 0;

		if (!rd) {
			fprintf(stderr, "graphdump: unknown format %s (%s)\n", argv[1],
				graph_formats());
			return 2;
		}
		if (!g_file_get_contents(argv[2], &buf, &len, NULL)) {
			fprintf(stderr, "graphdump: cannot read %s\n", argv[2]);
			return 2;
		}
		rc = rd(buf, len, &g, &line, err, sizeof(err));
		g_free(buf);
		if (rc < 0) {
			if (line > 0)
				fprintf(stderr, "%s:%d: %s\n", argv[2], line, err);
			else
				fprintf(stderr, "%s: %s\n", argv[2], err);
			graph_fini(&g);
			return 1;
		}
	}
	dump(&g);
	graph_fini(&g);
	return 0;
}
