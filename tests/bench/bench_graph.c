/*
 * bench_graph.c - networks at scale, built through the scenario loader
 * as a user's scenario is:
 *
 *   graph: a Barabási–Albert graph (<topology generate="ba" m="2">) of N
 *     nodes, every edge a 1 Gbps / 1 ms link with its own /30, and one
 *     UDP flow of 10 000 datagrams of 1000 bytes at line rate from node 0
 *     to node N-1, over cold ARP caches (the peer's figures in
 *     doc/engine.md use point-to-point links, with no address
 *     resolution);
 *   script_build: a curling script that starts R routers and links them
 *     in a line, run to its end.
 * setup_s is loading and building the network; wall_s the whole.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "scenario/scenario.h"
#include "sim/net.h"
#include "sim/sim.h"
#include "tests/bench/bench.h"

#define PAYLOAD		1000
#define FLOW_PACKETS	10000

struct flow {
	struct udp_sock *sock;
	struct sim_timer t;
	struct addr dst;
	uint64_t left, received;
	sim_time_t interval;
};

static void
flow_recv(struct udp_sock *s, void *ctx, struct pkt *p, const struct addr *src,
	  uint16_t sport, const struct addr *dst, uint16_t dport)
{
	if (ctx)
		((struct flow *)ctx)->received++;
}

static void
flow_tick(struct sim *sim, void *ctx, void *arg)
{
	struct flow *f = ctx;
	struct pkt *p = pkt_alloc(PAYLOAD);

	memset(pkt_put(p, PAYLOAD), 0x5a, PAYLOAD);
	udp_sendto(f->sock, &f->dst, 9000, p);
	if (--f->left)
		sim_timer_after(sim, &f->t, f->interval);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Load the scenario in `xml` (written to a scratch file) and build it. */
static struct scenario *
build(const char *xml, const char *script, struct sim **simp, struct net **netp)
{
	char dir[] = "/tmp/cometsim-bench-XXXXXX", err[2048];
	char *path, *spath;
	struct scenario *s;

	if (!mkdtemp(dir)) {
		perror("bench: mkdtemp");
		exit(1);
	}
	path = g_build_filename(dir, "s.xml", NULL);
	spath = g_build_filename(dir, "s.script", NULL);
	if (!g_file_set_contents(path, xml, -1, NULL) ||
	    (script && !g_file_set_contents(spath, script, -1, NULL))) {
		fprintf(stderr, "bench: cannot write %s\n", path);
		exit(1);
	}
	s = scenario_load(path, NULL, 0, err, sizeof(err));
	unlink(path);
	unlink(spath);
	rmdir(dir);
	g_free(path);
	g_free(spath);
	if (!s) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
	*simp = sim_create(NULL);
	*netp = net_create(*simp, 1, 1);
	if (scenario_instantiate(s, *netp, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
	return s;
}

void
bench_graph(unsigned n)
{
	char *xml = g_strdup_printf("<scenario name=\"graph\">\n"
				    "  <topology generate=\"ba\" nodes=\"%u\" m=\"2\" seed=\"1\"/>\n"
				    "  <linkdefaults bandwidth=\"1Gbps\" delay=\"1ms\" "
				    "queue=\"100p\"/>\n"
				    "</scenario>\n", n);
	struct sim *sim;
	struct net *net;
	struct scenario *s;
	struct flow f;
	struct rusage ru;
	double t0 = now_s(), t1, t2;

	s = build(xml, NULL, &sim, &net);
	t1 = now_s();
	memset(&f, 0, sizeof(f));
	f.sock = udp_open(net->nodes[0], 5000, flow_recv, NULL);
	udp_open(net->nodes[n - 1], 9000, flow_recv, &f);
	f.dst = net->nodes[n - 1]->router_id;
	f.left = FLOW_PACKETS;
	f.interval = link_tx_time(net->links[0], ETH_HLEN + 20 + 8 + PAYLOAD);
	sim_timer_init(&f.t, flow_tick, &f, NULL);
	sim_timer_after(sim, &f.t, 0);
	sim_run(sim, SIM_TIME_MAX);
	t2 = now_s();
	getrusage(RUSAGE_SELF, &ru);
	printf("bench=graph model=ba m=2 nodes=%u edges=%u packets=%d received=%" PRIu64
	       " no_route=%" PRIu64 " no_arp=%" PRIu64 " queue_full=%" PRIu64 " trees=%" PRIu64
	       " routes_made=%" PRIu64
	       " setup_s=%.3f wall_s=%.3f peak_rss_kb=%ld\n", n, net->nlinks, FLOW_PACKETS,
	       f.received, net_drops(net, DROP_NO_ROUTE), net_drops(net, DROP_NO_ARP),
	       net_drops(net, DROP_QUEUE_FULL), net->spf_runs, net->spf_routes, t1 - t0, t2 - t0, ru.ru_maxrss);
	fflush(stdout);
	net_destroy(net);
	sim_destroy(sim);
	scenario_free(s);
	g_free(xml);
}

void
bench_script_build(unsigned routers)
{
	GString *sc = g_string_new(NULL);
	const char *xml = "<scenario name=\"line\">\n  <run pcap=\"none\"/>\n"
			  "  <events>\n    <script file=\"s.script\"/>\n  </events>\n"
			  "</scenario>\n";
	struct sim *sim;
	struct net *net;
	struct scenario *s;
	struct rusage ru;
	double t0 = now_s(), t1, t2;

	for (unsigned i = 1; i <= routers; i++)
		g_string_append_printf(sc, "0 START_ROUTER %u\n", i);
	for (unsigned i = 1; i < routers; i++)
		g_string_append_printf(sc, "+1 START_LINK %u %u\n", i, i + 1);
	g_string_append(sc, "+1000 END_SIMULATION\n");
	s = build(xml, sc->str, &sim, &net);
	t1 = now_s();
	sim_run(sim, SIM_TIME_MAX);
	t2 = now_s();
	getrusage(RUSAGE_SELF, &ru);
	printf("bench=script_build routers=%u links=%u setup_s=%.3f wall_s=%.3f "
	       "peak_rss_kb=%ld\n", routers, net->nlinks, t1 - t0, t2 - t0, ru.ru_maxrss);
	fflush(stdout);
	net_destroy(net);
	sim_destroy(sim);
	scenario_free(s);
	g_string_free(sc, TRUE);
}
