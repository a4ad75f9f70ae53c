/*
 * graph.h - a topology as the importers and generators give it: named
 * nodes and undirected edges with what the source file says about them
 * (or nothing), before any address, interface or link is made.
 *
 * Each importer (scenario/import_FORMAT.c) reads one file format into a
 * struct graph and each generator (scenario/generate.c) makes one; the
 * scenario loader then turns the graph into nodes, interfaces, links and
 * addresses (scenario/graph_build.c), the same way for all of them.  The
 * readers know nothing of the scenario: they see bytes and give a graph
 * or "line: what is wrong".
 */
#ifndef SCENARIO_GRAPH_H
#define SCENARIO_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "sim/sim.h"

#define GRAPH_ERRLEN	256

/* Business relationship of an edge, from a to b (caida, tiered). */
enum graph_rel {
	GREL_NONE = 0,		/* not known */
	GREL_P2C,		/* a is a provider of b (caida -1) */
	GREL_P2P,		/* a and b are peers (caida 0) */
	GREL_S2S,		/* siblings (caida serial-2 1) */
};

struct graph_node {
	char *name;		/* unique, no ':' and no blanks: the node's name */
	char *label;		/* a longer name from the file (graphml label), or NULL */
	uint32_t asn;		/* its AS (caida, tiered, brite AS level); 0: none */
	bool has_xy;		/* coordinates (graphml Longitude/Latitude, brite, waxman) */
	double x, y;
	int tier;		/* tiered generator: 1, 2 (transit) or 3 (stub); 0: none */
	int line;		/* where it is first named; 0: generated */
};

struct graph_edge {
	uint32_t a, b;		/* node indices, a != b */
	uint64_t bw;		/* bit/s; 0: not given (the scenario's default) */
	sim_time_t delay;	/* ns; meaningful only if has_delay */
	bool has_delay;
	uint32_t weight;	/* routing weight; 0: not given */
	enum graph_rel rel;
	int line;		/* where it is written; 0: generated */
};

struct graph {
	GArray *nodes;		/* struct graph_node */
	GArray *edges;		/* struct graph_edge */
	GHashTable *by_name;	/* name -> index + 1 (GUINT_TO_POINTER) */
	bool directed_rel;	/* the edges carry relationships (caida, tiered) */
};

void graph_init(struct graph *g);
void graph_fini(struct graph *g);
/*
 * The index of the node called name, added (at line) if it is new.  The
 * name is copied.  -1 if the name is empty or holds ':' or blanks (the
 * caller reports it with its line).
 */
int graph_node(struct graph *g, const char *name, int line);
/*
 * Hash of a 64-bit key (a pointer to it) with all its bits mixed, for
 * the readers' tables of node pairs (low << 32 | high): GLib's
 * g_int64_hash keeps the low 32 bits only, so every pair of one high end
 * would share a bucket and a hub's links cost the square of its degree.
 */
guint graph_pair_hash(gconstpointer key);
/* The node called name, or -1. */
int graph_find(const struct graph *g, const char *name);
/* An edge a-b appended (a copy of *e with a and b set); its index. */
unsigned graph_edge(struct graph *g, uint32_t a, uint32_t b, const struct graph_edge *e);

/*
 * The readers.  Each takes the whole file (buf, len: not NUL-terminated
 * necessarily) and fills an initialised graph.  0, or -1 with *line the
 * line of the error (0: the file as a whole) and err what is wrong.
 * Nothing they refuse is half-read into a scenario: the caller frees g.
 */
typedef int (*graph_reader)(const char *buf, size_t len, struct graph *g, int *line,
			    char *err, size_t errlen);
int graph_read_caida(const char *buf, size_t len, struct graph *g, int *line, char *err,
		     size_t errlen);
int graph_read_graphml(const char *buf, size_t len, struct graph *g, int *line, char *err,
		       size_t errlen);
int graph_read_rocketfuel(const char *buf, size_t len, struct graph *g, int *line,
			  char *err, size_t errlen);
int graph_read_brite(const char *buf, size_t len, struct graph *g, int *line, char *err,
		     size_t errlen);
int graph_read_edgelist(const char *buf, size_t len, struct graph *g, int *line,
			char *err, size_t errlen);
/* The reader of a format name ("caida", ...), or NULL. */
graph_reader graph_reader_of(const char *format);
/* The format names, space-separated, for messages. */
const char *graph_formats(void);

/*
 * The generators: deterministic for a seed (their own generator, not the
 * run's).  The parameters as named in <topology generate=...>; a
 * generator reports a bad one in err and returns -1.
 */
struct graph_gen_params {
	uint32_t nodes;		/* ba, waxman: N; tiered: all ASes */
	uint32_t m;		/* ba: edges of each new node */
	double alpha, beta;	/* waxman */
	uint32_t tier1;		/* tiered: size of the tier-1 clique */
	uint32_t transit;	/* tiered: transit ASes (the rest are stubs) */
	uint64_t seed;
};
int graph_generate(const char *model, const struct graph_gen_params *p, struct graph *g,
		   char *err, size_t errlen);
/* The generator names, space-separated. */
const char *graph_models(void);

#endif
