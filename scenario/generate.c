/* generate.c - placeholder until the generators land: every model is refused. */
#include <glib.h>

#include "scenario/graph.h"

int
graph_generate(const char *model, const struct graph_gen_params *p, struct graph *g,
	       char *err, size_t errlen)
{
	(void)p;
	(void)g;
	g_snprintf(err, errlen, "generate=\"%s\": no generator yet", model);
	return -1;
}

const char *
graph_models(void)
{
	return "";
}
