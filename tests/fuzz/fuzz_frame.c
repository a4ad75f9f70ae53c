/*
 * fuzz_frame.c - the frame formats of the engine (sim/ether.c, arp.c,
 * nd.c, ipv4.c, ipv6.c, icmp.c, udp.c, tcp.c, gre.c) and the stateless
 * CAFE's COMET path (entities/cafe/cafe.c): the input is one Ethernet
 * frame, as it would arrive from the link on interface eth0 of router r
 * of this small network, built through the engine's API for every input:
 *
 *        h eth0 ---- eth0 r eth1 ---- eth0 s
 *   10.0.0.2/24   10.0.0.1/24    10.0.1.1/24   10.0.1.2/24
 *   2001:db8::2   2001:db8::1    2001:db8:1::1 2001:db8:1::2
 *                 eth0.100 10.0.100.1/24, 2001:db8:100::1/64 (VLAN 100)
 *   gre1 10.9.0.2/30 ======== gre1 10.9.0.1/30 (GRE between 10.0.0.2 and 10.0.0.1)
 *
 * r forwards, with default routes towards s, answers ARP, neighbour
 * discovery and echo requests, has UDP port 5000 and TCP port 80 open,
 * and runs a stateless CAFE: key 01 forwards over Ethernet to s, 02 into
 * the GRE tunnel, 03 out of the VLAN to h; filters put keys on UDP to
 * 10.0.1.2:9000, on IPv6 UDP to 2001:db8:1::2 and on TCP.  s runs a CAFE
 * too, so that what r forwards is decapsulated there.  MAC addresses
 * follow the engine's rule (sim/node.c): r's eth0 is 02:00:00:00:00:00.
 *
 * After the frame, the network runs for a few virtual seconds (answers,
 * forwarding, address resolution, expiry), bounded in events.  Every
 * packet buffer must be back in its pool once the network is freed.  The
 * verdict is "refused" when any node or CAFE counted the frame as
 * malformed or with a bad checksum (a seed named ok-* must not be).
 */
#include <string.h>

#include "entities/cafe/cafe.h"
#include "sim/net.h"
#include "sim/tcp.h"
#include "tests/fuzz/fuzz.h"

#define MAX_FRAME	16000	/* a jumbo frame and more; longer inputs are cut */
#define RUN_TIME	(3 * SIM_S)
#define RUN_EVENTS	20000

struct net_fz {
	struct sim *sim;
	struct net *net;
	struct node *r, *h, *s;
	struct iface *r0;
};

static void
log_sink(void *ctx, const char *line)
{
	/* Lines are formatted (the fuzzer reaches that code) and dropped. */
}

static void
udp_recv(struct udp_sock *s, void *ctx, struct pkt *p, const struct addr *src,
	 uint16_t sport, const struct addr *dst, uint16_t dport)
{
}

static void
tcp_data(struct tcp_sock *s, void *ctx, const uint8_t *data, size_t len)
{
}

static const struct tcp_callbacks tcp_cbs = {
	.recv = tcp_data,
};

static void
tcp_accepted(struct tcp_sock *l, struct tcp_sock *conn, void *ctx)
{
	tcp_set_callbacks(conn, &tcp_cbs, NULL);
}

static struct iface *
ether(struct node *n, const char *name, const char *v4, const char *v6)
{
	struct iface *ifc = iface_add_ether(n, name);
	struct addr a;

	FUZZ_CHECK(ifc && addr_parse(v4, &a) == 0 && iface_addr_add(ifc, &a, 24) == 0);
	FUZZ_CHECK(addr_parse(v6, &a) == 0 && iface_addr_add(ifc, &a, 64) == 0);
	return ifc;
}

static struct iface *
gre(struct node *n, const char *local, const char *remote, const char *addr)
{
	struct addr l, r, a;
	struct iface *ifc;

	FUZZ_CHECK(addr_parse(local, &l) == 0 && addr_parse(remote, &r) == 0);
	ifc = iface_add_gre(n, "gre1", &l, &r);
	FUZZ_CHECK(ifc && addr_parse(addr, &a) == 0 && iface_addr_add(ifc, &a, 30) == 0);
	return ifc;
}

static void
route(struct node *n, const char *dst, const char *gw, struct iface *ifc)
{
	struct route r = { .ifc = ifc, .metric = 1 };

	FUZZ_CHECK(prefix_parse(dst, &r.dst) == 0 && addr_parse(gw, &r.gw) == 0);
	FUZZ_CHECK(route_add(n, &r) == 0);
}

static void
filter(struct cafe *c, uint32_t id, uint8_t proto, const char *dst, uint16_t dport,
       const char *keys)
{
	struct cafe_filter_spec fs;
	char err[256];
	int nk;

	memset(&fs, 0, sizeof(fs));
	fs.id = id;
	fs.timeout_s = 1;
	fs.proto = proto;
	fs.dport = dport;
	if (dst)
		FUZZ_CHECK(addr_parse(dst, &fs.dst) == 0);
	nk = comet_keys_parse(keys, fs.keys, sizeof(fs.keys));
	FUZZ_CHECK(nk > 0);
	fs.nkeys = (uint8_t)nk;
	snprintf(fs.as_path, sizeof(fs.as_path), "-");
	FUZZ_CHECK(cafe_filter_add(c, &fs, err, sizeof(err)) == 0);
}

static void
net_build(struct net_fz *z)
{
	struct iface *r1, *h0, *s0, *v;
	struct link_params lp;
	struct cafe *c;
	struct addr a;
	char err[256];

	z->sim = sim_create(NULL);
	z->net = net_create(z->sim, 1, 1);
	log_set_sink(&z->net->log, log_sink, NULL);
	FUZZ_CHECK(log_parse_spec(&z->net->log, "trace", err, sizeof(err)) == 0);
	z->r = node_create(z->net, "r");
	z->h = node_create(z->net, "h");
	z->s = node_create(z->net, "s");
	z->r0 = ether(z->r, "eth0", "10.0.0.1", "2001:db8::1");
	r1 = ether(z->r, "eth1", "10.0.1.1", "2001:db8:1::1");
	h0 = ether(z->h, "eth0", "10.0.0.2", "2001:db8::2");
	s0 = ether(z->s, "eth0", "10.0.1.2", "2001:db8:1::2");
	v = iface_add_vlan(z->r, z->r0, 100);
	FUZZ_CHECK(v && addr_parse("10.0.100.1", &a) == 0 && iface_addr_add(v, &a, 24) == 0);
	FUZZ_CHECK(addr_parse("2001:db8:100::1", &a) == 0 && iface_addr_add(v, &a, 64) == 0);
	gre(z->r, "10.0.0.1", "10.0.0.2", "10.9.0.1");
	gre(z->h, "10.0.0.2", "10.0.0.1", "10.9.0.2");
	link_params_default(&lp);
	lp.delay = SIM_MS;
	FUZZ_CHECK(link_create(z->net, NULL, z->r0, h0, &lp) != NULL);
	FUZZ_CHECK(link_create(z->net, NULL, r1, s0, &lp) != NULL);
	z->net->auto_routes = true;	/* shortest paths, made when first used */
	net_compute_routes(z->net);
	route(z->r, "0.0.0.0/0", "10.0.1.2", r1);
	route(z->r, "::/0", "2001:db8:1::2", r1);
	FUZZ_CHECK(udp_open(z->r, 5000, udp_recv, NULL) != NULL);
	FUZZ_CHECK(udp_open(z->s, 9000, udp_recv, NULL) != NULL);
	FUZZ_CHECK(tcp_listen(z->r, 80, tcp_accepted, NULL) != NULL);

	c = cafe_get(z->r);
	FUZZ_CHECK(c != NULL);
	FUZZ_CHECK(cafe_rule_add_ethernet(c, 0x01, "eth1", s0->mac, err, sizeof(err)) == 0);
	FUZZ_CHECK(cafe_rule_add_device(c, 0x02, "gre1", err, sizeof(err)) == 0);
	FUZZ_CHECK(cafe_rule_add_ethernet(c, 0x03, "eth0.100", h0->mac, err, sizeof(err)) == 0);
	filter(c, 1, 17, "10.0.1.2", 9000, "01");
	filter(c, 2, 17, "2001:db8:1::2", 0, "0301");
	filter(c, 3, 6, NULL, 0, "02");
	FUZZ_CHECK(cafe_get(z->s) != NULL);
}

/* Drops of the reasons that say "this frame is not well formed". */
static uint64_t
malformed(struct net *net)
{
	static const char *const names[] = {
		"comet_truncated", "comet_bad_version", "comet_index_beyond_length",
	};
	uint64_t n = net_drops(net, DROP_MALFORMED) + net_drops(net, DROP_BAD_CHECKSUM);

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		n += stats_drop_total(&net->stats, NULL, stats_reason_intern(&net->stats, names[i]));
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct net_fz z;
	struct pkt *p;

	if (size > MAX_FRAME)
		size = MAX_FRAME;
	net_build(&z);
	p = pkt_alloc(size);
	if (size)
		memcpy(pkt_put(p, size), data, size);
	ether_input(z.r0, p);
	sim_set_event_limit(z.sim, RUN_EVENTS);
	sim_run(z.sim, RUN_TIME);
	fuzz_verdict = malformed(z.net) ? FUZZ_REJECTED : FUZZ_ACCEPTED;
	net_stop_entities(z.net);
	net_destroy(z.net);
	sim_destroy(z.sim);
	FUZZ_CHECK(pkt_outstanding() == 0);
	return 0;
}
