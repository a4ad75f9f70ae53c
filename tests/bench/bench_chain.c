/*
 * bench_chain.c - the chain benchmark: N nodes in a line over 1 Gbps,
 * 1 ms links, one UDP flow of 1000-byte payloads at line rate from the
 * first node to the last, through the whole stack (Ethernet, ARP, IPv4
 * forwarding, UDP), with pcap off or on every interface.
 *
 * A packet-hop is one packet crossing one link; the figure to compare
 * with ns-3 is packet-hops per second of wall time.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "output/output.h"
#include "sim/net.h"
#include "emu/realtime.h"
#include "sim/sim.h"
#include "tests/bench/bench.h"

#define PAYLOAD	1000
#define RT_PAYLOAD	64	/* the real-time case's datagrams */

struct chain_src {
	struct net *net;
	struct udp_sock *sock;
	struct sim_timer t;
	struct addr dst;
	uint64_t left;
	sim_time_t interval;
	unsigned payload;
};

struct chain_sink {
	uint64_t received;
};

static void
sink_recv(struct udp_sock *s, void *ctx, struct pkt *p, const struct addr *src,
	  uint16_t sport, const struct addr *dst, uint16_t dport)
{
	((struct chain_sink *)ctx)->received++;
}

static void
src_tick(struct sim *sim, void *ctx, void *arg)
{
	struct chain_src *cs = ctx;
	struct pkt *p = pkt_alloc(cs->payload);

	memset(pkt_put(p, cs->payload), 0x5a, cs->payload);
	udp_sendto(cs->sock, &cs->dst, 9000, p);
	if (--cs->left)
		sim_timer_after(sim, &cs->t, cs->interval);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void
bench_chain(unsigned nodes, uint64_t packets, int pcap)
{
	bench_chain_run(nodes, packets, pcap, 0, NULL);
}

void
bench_chain_run(unsigned nodes, uint64_t packets, int pcap, uint64_t rate,
		struct realtime *rt)
{
	struct sim *sim = sim_create(NULL);
	struct net *net = net_create(sim, 1, 1);
	struct link_params lp;
	struct chain_src cs;
	struct chain_sink sink = { 0 };
	struct node **nv = calloc(nodes, sizeof(*nv));
	struct output *out = NULL;
	char dir[] = "/dev/shm/cometsim-bench-XXXXXX";
	struct rusage ru;
	double t0, wall;
	uint64_t hops;
	unsigned payload = rate ? RT_PAYLOAD : PAYLOAD;

	link_params_default(&lp);
	/* At a given rate (real time): 10 Gbit/s links, small datagrams. */
	lp.bandwidth_bps = rate ? 10000000000ULL : 1000000000ULL;
	lp.delay = 1 * SIM_MS;
	lp.queue_pkts = 100;
	for (unsigned i = 0; i < nodes; i++) {
		char name[32];

		snprintf(name, sizeof(name), "n%u", i);
		nv[i] = node_create(net, name);
	}
	if (pcap) {
		struct output_opts oo = { .dir = dir, .pcap = "all", .snaplen = 65535 };
		char err[256];

		if (!mkdtemp(dir) || !(out = output_open(net, &oo, err, sizeof(err)))) {
			fprintf(stderr, "bench: %s\n", out ? "" : err);
			exit(1);
		}
	}
	for (unsigned i = 0; i + 1 < nodes; i++) {
		struct iface *a = iface_add_ether(nv[i], i ? "eth1" : "eth0");
		struct iface *b = iface_add_ether(nv[i + 1], "eth0");
		struct addr x = addr_v4(0x0a000001u | (i << 8));
		struct addr y = addr_v4(0x0a000002u | (i << 8));

		iface_addr_add(a, &x, 24);
		iface_addr_add(b, &y, 24);
		link_create(net, NULL, a, b, &lp);
	}
	net->auto_routes = true;	/* shortest paths, made when first used */
	net_compute_routes(net);

	memset(&cs, 0, sizeof(cs));
	cs.net = net;
	cs.sock = udp_open(nv[0], 5000, sink_recv, NULL);
	udp_open(nv[nodes - 1], 9000, sink_recv, &sink);
	cs.dst = addr_v4(0x0a000002u | ((nodes - 2) << 8));
	cs.left = packets;
	cs.payload = payload;
	/* Line rate: one 1042-byte frame (Ethernet + IPv4 + UDP + payload) per slot. */
	cs.interval = link_tx_time(net->links[0], ETH_HLEN + 20 + 8 + PAYLOAD);
	if (rate)
		cs.interval = (sim_time_t)(SIM_S / rate);
	sim_timer_init(&cs.t, src_tick, &cs, NULL);
	/*
	 * One datagram first resolves every hop's neighbour; the stream starts
	 * once it has arrived, so no packet waits for ARP.
	 */
	{
		struct pkt *p = pkt_alloc(payload);

		memset(pkt_put(p, payload), 0x5a, payload);
		udp_sendto(cs.sock, &cs.dst, 9000, p);
	}
	sim_timer_after(sim, &cs.t, 100 * SIM_MS);

	if (rt)
		rt_attach(rt, sim);
	t0 = now_s();
	sim_run(sim, SIM_TIME_MAX);
	wall = now_s() - t0;
	getrusage(RUSAGE_SELF, &ru);
	sink.received--;	/* the warm-up datagram */
	hops = sink.received * (nodes - 1);
	if (rt) {
		struct rt_stats st;

		rt_stats(rt, &st);
		printf("bench=realtime nodes=%u rate=%" PRIu64 " payload=%u pcap=%d packets=%" PRIu64
		       " received=%" PRIu64 " events=%" PRIu64 " wall_s=%.3f events_paced=%" PRIu64
		       " lag_max_us=%.1f lag_p99_us=%.1f late=%" PRIu64 " late_share=%.6f\n",
		       nodes, rate, payload, pcap, packets, sink.received, sim_events_run(sim),
		       wall, st.waits, st.lag_max / 1e3, st.lag_p99 / 1e3, st.late,
		       st.waits ? (double)st.late / (double)st.waits : 0.0);
	} else {
		printf("bench=chain nodes=%u packets=%" PRIu64 " pcap=%d received=%" PRIu64
		       " events=%" PRIu64 " wall_s=%.3f hops_per_s=%.0f peak_rss_kb=%ld\n",
		       nodes, packets, pcap, sink.received, sim_events_run(sim), wall,
		       wall > 0 ? hops / wall : 0.0, ru.ru_maxrss);
	}
	fflush(stdout);
	if (out) {
		struct run_summary sum = { .scenario = "bench-chain", .seed = 1, .run = 1,
					   .scheduler = sim_sched_name(sim),
					   .events = sim_events_run(sim),
					   .sim_time_ns = sim_now(sim), .wall_s = wall,
					   .peak_rss_kb = ru.ru_maxrss, .status = "complete",
					   .stop_reason = "no_events" };
		char cmd[128];

		output_close(out, &sum);
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "bench: could not remove %s\n", dir);
	}
	net_destroy(net);
	sim_destroy(sim);
	free(nv);
}
