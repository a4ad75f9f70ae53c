/*
 * bench_rae.c - the RAE stress test (D4.3 section 4.4, test 3) as a
 * benchmark: scenarios/rae/stress.xml, loaded as `cometsim run` loads it,
 * with `prefixes` prefixes in the east domain.  The run stops as soon as
 * the west domain's CME holds every prefix (checked every 64 events)
 * and reports:
 *   sim_s       virtual time from the RAEs' start (0.1 s) to the CME's
 *               last change
 *   wall_s      wall time of the run to that moment (setup_s: loading the
 *               scenario and building the network, before it)
 *   messages    inter-RAE messages received by the west RAE (updates),
 *               and GenericRequests received by the CME
 *   peak_rss_kb the process's peak memory (each case runs in a child)
 * Targets: 10 000 prefixes in under 1 s wall, 1 000 000 in
 * under 30 s and 4 GB.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "entities/registry.h"
#include "scenario/scenario.h"
#include "sim/entity.h"
#include "sim/net.h"
#include "sim/pkt.h"
#include "tests/bench/bench.h"

#define RAE_START_NS	(100 * SIM_MS)	/* the RAEs start at 0.1 s in stress.xml */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One statistic of one entity. */
struct stat_get {
	const char *name;
	uint64_t value;
	int found;
};

static void
stat_cb(void *ctx, const char *name, uint64_t value)
{
	struct stat_get *g = ctx;

	if (strcmp(name, g->name) == 0) {
		g->value = value;
		g->found = 1;
	}
}

/* The statistic `name` of the first entity of kind `kind` on node `node`. */
static uint64_t
entity_stat(struct net *net, const char *node, const char *kind, const char *name)
{
	struct node *n = net_node(net, node);
	struct stat_get g = { name, 0, 0 };

	if (!n || !n->entities)
		return 0;
	for (guint i = 0; i < n->entities->len; i++) {
		struct entity *e = g_ptr_array_index(n->entities, i);

		if (strcmp(e->cls->kind, kind) == 0 && e->cls->stats) {
			e->cls->stats(e, stat_cb, &g);
			if (g.found)
				break;
		}
	}
	return g.value;
}

struct watch {
	struct net *net;
	uint64_t want;		/* prefixes the CME must hold */
	int done;
	double wall;		/* when it did */
};

static void
watch_poll(struct sim *sim, void *ctx)
{
	struct watch *w = ctx;

	if (w->done || entity_stat(w->net, "cw", "cme", "store_prefixes") < w->want)
		return;
	w->done = 1;
	w->wall = now_s();
	sim_stop(sim);
}

void
bench_rae(uint64_t prefixes)
{
	char num[32];
	struct scn_override ov[3] = {
		{ "prefixes", num, NULL },
		{ "raedir", COMETSIM_SRCDIR "/scenarios/rae", NULL },
		{ "end", "600s", NULL },
	};
	struct scenario *scn;
	struct sim *sim;
	struct net *net;
	struct watch w;
	struct rusage ru;
	double t0, t1;

	snprintf(num, sizeof(num), "%" PRIu64, prefixes);
	t0 = now_s();
	scn = bench_load(COMETSIM_SRCDIR "/scenarios/rae/stress.xml", ov, 3, &sim, &net);
	memset(&w, 0, sizeof(w));
	w.net = net;
	w.want = prefixes + 1;	/* and the east's own 10.200.0.0/16 */
	sim_set_poll(sim, 64, watch_poll, &w);
	t1 = now_s();
	sim_run(sim, scenario_run_opts(scn)->end_time);
	if (!w.done)
		w.wall = now_s();
	getrusage(RUSAGE_SELF, &ru);
	printf("bench=rae_stress prefixes=%" PRIu64 " converged=%s sim_s=%.6f wall_s=%.3f "
	       "setup_s=%.3f updates=%" PRIu64 " prefixes_in=%" PRIu64 " cme_requests=%" PRIu64
	       " cme_prefixes=%" PRIu64 " events=%" PRIu64 " peak_rss_kb=%ld\n",
	       prefixes, w.done ? "yes" : "no",
	       w.done ? (double)((sim_time_t)entity_stat(net, "cw", "cme", "last_change_ns") -
			RAE_START_NS) / 1e9 : 0.0, w.wall - t1, t1 - t0,
	       entity_stat(net, "rw", "rae", "update_in"),
	       entity_stat(net, "rw", "rae", "prefixes_in"),
	       entity_stat(net, "cw", "cme", "requests"),
	       entity_stat(net, "cw", "cme", "store_prefixes"),
	       sim_events_run(sim), ru.ru_maxrss);
	fflush(stdout);
	if (!w.done)
		exit(1);
	net_stop_entities(net);
	net_destroy(net);
	sim_destroy(sim);
	scenario_free(scn);
	pkt_pool_drain();
}
