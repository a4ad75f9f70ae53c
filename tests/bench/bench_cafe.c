/*
 * bench_cafe.c - the CAFE chain: a source host, N stateless CAFEs in a
 * line and a sink host, every link 1 Gbps and 1 ms.  The first CAFE
 * intercepts the source's UDP stream (1000-byte payloads) and puts N - 1
 * keys on it, each CAFE forwards by its key to the next over Ethernet,
 * the last one decapsulates and routes to the sink.  The stream runs at
 * the line rate of the COMET frames.
 *
 * A packet-hop is one packet crossing one link (N + 1 links).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "entities/cafe/cafe.h"
#include "output/output.h"
#include "sim/net.h"
#include "tests/bench/bench.h"

#define PAYLOAD	1000

struct src {
	struct udp_sock *sock;
	struct sim_timer t;
	struct addr dst;
	uint64_t left;
	sim_time_t interval;
};

static uint64_t received;

static void
sink(struct udp_sock *s, void *ctx, struct pkt *p, const struct addr *src, uint16_t sport,
     const struct addr *dst, uint16_t dport)
{
	received++;
}

static void
tick(struct sim *sim, void *ctx, void *arg)
{
	struct src *s = ctx;
	struct pkt *p = pkt_alloc(PAYLOAD);

	memset(pkt_put(p, PAYLOAD), 0x5a, PAYLOAD);
	udp_sendto(s->sock, &s->dst, 9000, p);
	if (--s->left)
		sim_timer_after(sim, &s->t, s->interval);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void
bench_cafe(unsigned ncafes, uint64_t packets, int pcap)
{
	unsigned nn = ncafes + 2, nlinks = ncafes + 1;
	struct sim *sim = sim_create(NULL);
	struct net *net = net_create(sim, 1, 1);
	struct node **nv = calloc(nn, sizeof(*nv));
	struct iface **left = calloc(nn, sizeof(*left)), **right = calloc(nn, sizeof(*right));
	struct output *out = NULL;
	char dir[] = "/dev/shm/cometsim-bench-XXXXXX", err[256];
	struct link_params lp;
	struct cafe_filter_spec fs;
	struct src s;
	struct rusage ru;
	double t0, wall;

	link_params_default(&lp);
	lp.delay = 1 * SIM_MS;
	for (unsigned i = 0; i < nn; i++) {
		char name[32];

		snprintf(name, sizeof(name), i == 0 ? "src" : i == nn - 1 ? "dst" : "cafe%u", i);
		nv[i] = node_create(net, name);
	}
	if (pcap) {
		struct output_opts oo = { .dir = dir, .pcap = "all", .snaplen = 65535 };

		if (!mkdtemp(dir) || !(out = output_open(net, &oo, err, sizeof(err)))) {
			fprintf(stderr, "bench: cannot open the outputs\n");
			exit(1);
		}
	}
	for (unsigned i = 0; i < nlinks; i++) {
		struct addr a = addr_v4(0x0a000001u | (i << 8)), b = addr_v4(0x0a000002u | (i << 8));

		right[i] = iface_add_ether(nv[i], i ? "eth1" : "eth0");
		left[i + 1] = iface_add_ether(nv[i + 1], "eth0");
		iface_addr_add(right[i], &a, 24);
		iface_addr_add(left[i + 1], &b, 24);
		link_create(net, NULL, right[i], left[i + 1], &lp);
	}
	net->auto_routes = true;	/* shortest paths, made when first used */
	net_compute_routes(net);

	/* CAFE i forwards key i to CAFE i + 1; the last decapsulates. */
	memset(&fs, 0, sizeof(fs));
	fs.id = 1;
	fs.proto = 17;
	fs.nkeys = (uint8_t)(ncafes - 1);
	snprintf(fs.as_path, sizeof(fs.as_path), "-");
	for (unsigned i = 1; i <= ncafes; i++) {
		struct cafe *c = cafe_get(nv[i]);

		if (i < ncafes) {
			fs.keys[i - 1] = (uint8_t)i;
			cafe_rule_add_ethernet(c, (uint8_t)i, "eth1", left[i + 1]->mac, err,
					       sizeof(err));
		}
	}
	cafe_filter_add(cafe_get(nv[1]), &fs, err, sizeof(err));

	memset(&s, 0, sizeof(s));
	s.sock = udp_open(nv[0], 5000, sink, NULL);
	udp_open(nv[nn - 1], 9000, sink, NULL);
	s.dst = addr_v4(0x0a000002u | ((nlinks - 1) << 8));
	s.left = packets;
	s.interval = link_tx_time(net->links[0], ETH_HLEN + COMET_HLEN + fs.nkeys + 20 + 8 + PAYLOAD);
	sim_timer_init(&s.t, tick, &s, NULL);
	{
		/* One datagram resolves every neighbour before the stream starts. */
		struct pkt *p = pkt_alloc(PAYLOAD);

		memset(pkt_put(p, PAYLOAD), 0x5a, PAYLOAD);
		udp_sendto(s.sock, &s.dst, 9000, p);
	}
	sim_timer_after(sim, &s.t, 100 * SIM_MS);
	received = 0;
	t0 = now_s();
	sim_run(sim, SIM_TIME_MAX);
	wall = now_s() - t0;
	getrusage(RUSAGE_SELF, &ru);
	received--;
	printf("bench=cafe_chain cafes=%u packets=%" PRIu64 " pcap=%d received=%" PRIu64
	       " events=%" PRIu64 " wall_s=%.3f hops_per_s=%.0f peak_rss_kb=%ld\n",
	       ncafes, packets, pcap, received, sim_events_run(sim), wall,
	       wall > 0 ? (double)received * nlinks / wall : 0.0, ru.ru_maxrss);
	fflush(stdout);
	if (out) {
		struct run_summary sum = { .scenario = "bench-cafe", .seed = 1, .run = 1,
					   .scheduler = sim_sched_name(sim),
					   .events = sim_events_run(sim), .sim_time_ns = sim_now(sim),
					   .wall_s = wall, .peak_rss_kb = ru.ru_maxrss,
					   .status = "complete", .stop_reason = "no_events" };
		char cmd[128];

		output_close(out, &sum);
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench: could not remove %s\n", dir);
	}
	net_stop_entities(net);
	net_destroy(net);
	sim_destroy(sim);
	free(nv);
	free(left);
	free(right);
}
