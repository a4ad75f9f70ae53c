/*
 * bench_curling.c - the coupled approach at scale: topology 2 (the seven
 * domains of topologies/curling-topology2.script, built here the way a
 * curling script builds it: routers with /32 addresses on every link,
 * shortest-path routing), its 7 CRMEs and 15 CAFEs, one content server on
 * 7.3 holding `ncontents` contents, and `nclients` clients spread over
 * the eight CAFE routers of domains 2, 3, 5 and 6.  Each client asks for
 * one content, drawn with Zipf popularity (exponent 1) from its own
 * stream, at a time drawn uniformly over 10 s.  Popular contents are
 * served by joining flows already in progress (and repairs for the heads
 * the late joiners missed).
 *
 * Reported: wall time, events and events per second, the coupled-
 * approach messages the entities received, the chunks the CAFEs sent,
 * how many clients completed, and the peak memory.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <glib.h>

#include "entities/curling/curling.h"
#include "entities/nodeid.h"
#include "sim/entity.h"
#include "sim/net.h"
#include "sim/rng.h"
#include "tests/bench/bench.h"

#define CONTENT_SIZE	"20000"	/* bytes: 20 chunks of 1024 */
#define REQUEST_SPAN	(10 * SIM_S)

static const char *const routers[] = {
	"1.1", "1.2", "1.3", "1.4", "2.1", "2.2", "2.3", "3.1", "3.2", "3.3", "4.1",
	"4.2", "4.3", "5.1", "5.2", "5.3", "6.1", "6.2", "6.3", "7.1", "7.2", "7.3",
};

static const char *const links[][2] = {
	{ "1.1", "1.2" }, { "1.1", "1.3" }, { "1.1", "1.4" }, { "1.2", "1.3" },
	{ "1.3", "1.4" }, { "1.2", "1.4" }, { "2.1", "2.2" }, { "2.1", "2.3" },
	{ "2.2", "2.3" }, { "3.1", "3.2" }, { "3.1", "3.3" }, { "3.2", "3.3" },
	{ "4.1", "4.2" }, { "4.1", "4.3" }, { "4.2", "4.3" }, { "5.1", "5.2" },
	{ "5.1", "5.3" }, { "5.2", "5.3" }, { "6.1", "6.2" }, { "6.1", "6.3" },
	{ "6.2", "6.3" }, { "7.1", "7.2" }, { "7.1", "7.3" }, { "7.2", "7.3" },
	{ "2.2", "1.2" }, { "3.2", "1.3" }, { "4.2", "1.4" }, { "5.2", "2.3" },
	{ "6.2", "3.3" }, { "7.2", "4.3" },
};

/* Router, then the entity's class and arguments, as the scenario writes them. */
static const char *const infra[][3] = {
	{ "1.1", "usr.curling.Crme", "3000 0" },
	{ "2.1", "usr.curling.Crme", "3000 1 1.1" },
	{ "3.1", "usr.curling.Crme", "3000 1 1.1" },
	{ "4.1", "usr.curling.Crme", "3000 1 1.1" },
	{ "5.1", "usr.curling.Crme", "3000 1 2.1" },
	{ "6.1", "usr.curling.Crme", "3000 1 3.1" },
	{ "7.1", "usr.curling.Crme", "3000 1 4.1" },
	{ "1.2", "usr.curling.Cafe", "2000 1.1 3000 1 2.2 2000 2.1" },
	{ "1.3", "usr.curling.Cafe", "2000 1.1 3000 1 3.2 2000 3.1" },
	{ "1.4", "usr.curling.Cafe", "2000 1.1 3000 1 4.2 2000 4.1" },
	{ "2.2", "usr.curling.Cafe", "2000 2.1 3000 1 1.2 2000 1.1" },
	{ "2.3", "usr.curling.Cafe", "2000 2.1 3000 1 5.2 2000 5.1" },
	{ "3.2", "usr.curling.Cafe", "2000 3.1 3000 1 1.3 2000 1.1" },
	{ "3.3", "usr.curling.Cafe", "2000 3.1 3000 1 6.2 2000 6.1" },
	{ "4.2", "usr.curling.Cafe", "2000 4.1 3000 1 1.4 2000 1.1" },
	{ "4.3", "usr.curling.Cafe", "2000 4.1 3000 1 7.2 2000 7.1" },
	{ "5.2", "usr.curling.Cafe", "2000 5.1 3000 1 2.3 2000 2.1" },
	{ "5.3", "usr.curling.Cafe", "2000 5.1 3000 0" },
	{ "6.2", "usr.curling.Cafe", "2000 6.1 3000 1 3.3 2000 3.1" },
	{ "6.3", "usr.curling.Cafe", "2000 6.1 3000 0" },
	{ "7.2", "usr.curling.Cafe", "2000 7.1 3000 1 4.3 2000 4.1" },
	{ "7.3", "usr.curling.Cafe", "2000 7.1 3000 0" },
};

/* Where clients live: CAFE routers of the domains without the server. */
static const char *const client_routers[] = {
	"2.2", "2.3", "3.2", "3.3", "5.2", "5.3", "6.2", "6.3",
};

struct world {
	struct sim *sim;
	struct net *net;
	GPtrArray *ents;
};

static void
start_cb(struct sim *sim, void *ctx, void *arg)
{
	entity_start(ctx, arg);
}

/* An entity of `cls` on router `at_node` from its argument string, started at `t`. */
static void
spawn(struct world *w, const char *at_node, const char *cls_name, const char *args,
      sim_time_t t)
{
	const struct entity_class *cls = NULL;
	const struct entity_class *const all[] = { &curling_cafe_class, &crme_class,
						   &content_server_class, &content_client_class };
	char **argv = g_strsplit(args, " ", -1);
	char err[512];
	struct entity *e;

	for (size_t i = 0; i < G_N_ELEMENTS(all); i++)
		if (strcmp(all[i]->name, cls_name) == 0)
			cls = all[i];
	e = cls ? entity_new(cls, at_node, (int)g_strv_length(argv), argv, err, sizeof(err)) :
		  NULL;
	g_strfreev(argv);
	if (!e) {
		fprintf(stderr, "bench: %s %s: %s\n", cls_name, args, cls ? err : "no class");
		exit(1);
	}
	g_ptr_array_add(w->ents, e);
	sim_schedule_at(w->sim, t, start_cb, e, net_node(w->net, at_node));
}

static void
build(struct world *w)
{
	struct link_params lp;

	link_params_default(&lp);
	lp.bandwidth_bps = 100000000ULL;
	lp.delay = SIM_MS;
	for (size_t i = 0; i < G_N_ELEMENTS(routers); i++) {
		struct node *n = node_create(w->net, routers[i]);

		n->forwarding = true;
		nodeid_parse(routers[i], &n->router_id);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(links); i++) {
		struct node *a = net_node(w->net, links[i][0]), *b = net_node(w->net, links[i][1]);
		char na[16], nb[16];
		struct iface *ia, *ib;

		snprintf(na, sizeof(na), "eth%u", a->nifaces);
		snprintf(nb, sizeof(nb), "eth%u", b->nifaces);
		ia = iface_add_ether(a, na);
		ib = iface_add_ether(b, nb);
		iface_addr_add(ia, &a->router_id, 32);
		iface_addr_add(ib, &b->router_id, 32);
		link_create(w->net, NULL, ia, ib, &lp);
	}
	w->net->auto_routes = true;
	net_compute_routes(w->net);
}

struct sum {
	const char *name;
	uint64_t value;
};

static void
sum_stat(void *ctx, const char *name, uint64_t value)
{
	struct sum *s = ctx;

	if (strcmp(s->name, name) == 0)
		s->value += value;
}

/* The statistic `name` summed over every entity of class cls. */
static uint64_t
total(const struct world *w, const struct entity_class *cls, const char *name)
{
	struct sum s = { name, 0 };

	for (guint i = 0; i < w->ents->len; i++) {
		struct entity *e = g_ptr_array_index(w->ents, i);

		if (e->cls == cls)
			cls->stats(e, sum_stat, &s);
	}
	return s.value;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void
bench_curling(unsigned nclients, unsigned ncontents)
{
	struct world w;
	struct rng r;
	GString *srv = g_string_new(NULL);
	double *cdf = g_new(double, ncontents), acc = 0, t0, wall;
	unsigned *per_router = g_new0(unsigned, G_N_ELEMENTS(client_routers));
	uint64_t messages = 0;
	struct rusage ru;
	struct counters *c;

	w.sim = sim_create(NULL);
	w.net = net_create(w.sim, 1, 1);
	w.ents = g_ptr_array_new();
	build(&w);
	for (size_t i = 0; i < G_N_ELEMENTS(infra); i++)
		spawn(&w, infra[i][0], infra[i][1], infra[i][2],
		      (strcmp(infra[i][1], "usr.curling.Crme") == 0 ? 100 : 200) * SIM_MS);
	g_string_printf(srv, "1000 7.1 3000 7.3 2000 %u", ncontents);
	for (unsigned k = 0; k < ncontents; k++)
		g_string_append_printf(srv, " C%03u " CONTENT_SIZE ":%u", k, k + 1);
	spawn(&w, "7.3", "usr.curling.ContentServer", srv->str, 500 * SIM_MS);

	/* Zipf (exponent 1): content k has weight 1/(k+1). */
	for (unsigned k = 0; k < ncontents; k++) {
		acc += 1.0 / (k + 1);
		cdf[k] = acc;
	}
	rng_init(&r, 1, 1, "bench/curling");
	for (unsigned i = 0; i < nclients; i++) {
		size_t ri = i % G_N_ELEMENTS(client_routers);
		const char *at = client_routers[ri];
		double u = rng_uniform(&r) * acc;
		unsigned lo = 0, hi = ncontents - 1;
		sim_time_t t = SIM_S + (sim_time_t)rng_below(&r, (uint64_t)REQUEST_SPAN);
		char args[128];

		while (lo < hi) {
			unsigned mid = (lo + hi) / 2;

			if (cdf[mid] < u)
				lo = mid + 1;
			else
				hi = mid;
		}
		snprintf(args, sizeof(args), "%u %c.1 3000 %s 2000 C%03u", 1000 + per_router[ri]++,
			 at[0], at, lo);
		spawn(&w, at, "usr.curling.ContentClient", args, t);
	}

	t0 = now_s();
	sim_run(w.sim, 60 * SIM_S);
	wall = now_s() - t0;
	getrusage(RUSAGE_SELF, &ru);
	for (c = w.net->stats.head; c; c = c->next)
		if (strcmp(c->kind, "ccafe") == 0 || strcmp(c->kind, "crme") == 0 ||
		    strcmp(c->kind, "cserver") == 0 || strcmp(c->kind, "cclient") == 0)
			messages += c->rx_frames;
	printf("bench=curling domains=7 routers=%zu clients=%u contents=%u zipf=1 "
	       "complete=%" PRIu64 " refused=%" PRIu64 " failed=%" PRIu64 " joins=%" PRIu64
	       " repairs=%" PRIu64 " transmissions=%" PRIu64 " messages=%" PRIu64
	       " chunks_forwarded=%" PRIu64 " events=%" PRIu64 " sim_s=%.3f wall_s=%.3f"
	       " events_per_s=%.0f peak_rss_kb=%ld\n",
	       G_N_ELEMENTS(routers), nclients, ncontents,
	       total(&w, &content_client_class, "complete"),
	       total(&w, &content_client_class, "refused"),
	       total(&w, &content_client_class, "failed"),
	       total(&w, &crme_class, "joins"),
	       total(&w, &content_client_class, "repairs"),
	       total(&w, &content_server_class, "transmissions"), messages,
	       total(&w, &curling_cafe_class, "chunks_out"), sim_events_run(w.sim),
	       (double)sim_now(w.sim) / 1e9, wall,
	       wall > 0 ? (double)sim_events_run(w.sim) / wall : 0.0, ru.ru_maxrss);
	fflush(stdout);

	net_destroy(w.net);
	for (guint i = 0; i < w.ents->len; i++)
		entity_free(g_ptr_array_index(w.ents, i));
	g_ptr_array_free(w.ents, TRUE);
	sim_destroy(w.sim);
	g_string_free(srv, TRUE);
	g_free(cdf);
	g_free(per_router);
}
