/* import_graphml.c - placeholder until the graphml reader lands: it refuses every file. */
#include <glib.h>

#include "scenario/graph.h"

int
graph_read_graphml(const char *buf, size_t len, struct graph *g, int *line, char *err,
	      size_t errlen)
{
	(void)buf;
	(void)len;
	(void)g;
	*line = 0;
	g_snprintf(err, errlen, "the graphml format is not read yet");
	return -1;
}
