/*
 * chain.cc - the peer's half of the chain benchmark of
 * tests/bench/bench_chain.c, written against ns-3.
 *
 *   chain NODES PACKETS PCAP QDISC
 *
 * NODES nodes in a line, joined by point-to-point links of 1 Gbps and
 * 1 ms with a device queue of 100 packets (our links' queue); one UDP flow
 * of PACKETS datagrams of 1000 bytes, from the first node to the last, at
 * the line rate of these links; global (shortest-path) IPv4 routing.
 * PCAP 1 writes a capture of every device into a fresh directory under
 * /dev/shm, removed at the end (our benchmark writes there too).  QDISC is
 * fq_codel, the queue disc ns-3 puts on every device that gets an IPv4
 * address, or none: the queue disc removed, so a packet goes from IPv4
 * straight to the device queue, as in our stack.
 *
 * The stream starts at 100 ms, as ours does; ours first sends one datagram
 * so that every hop has resolved its neighbour, and point-to-point links
 * have no neighbour resolution, so there is nothing to warm up here.  The
 * payload bytes are real (copied into each packet), as ours are.  Only the
 * run is timed.  One line is printed, with the keys of our bench=chain
 * line, peer=ns-VERSION and qdisc=:
 *
 *   bench=chain peer=ns-3.37 nodes=10 packets=500000 pcap=0 qdisc=fq_codel
 *       received=500000 events=... wall_s=... hops_per_s=... peak_rss_kb=...
 *
 * (on one line); a packet-hop is one packet crossing one link.
 * tests/bench/peer/run.sh builds and runs it.
 */
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/point-to-point-module.h"
#include "ns3/traffic-control-module.h"

using namespace ns3;

#ifndef PEER_VERSION
#define PEER_VERSION	"unknown"	/* run.sh passes pkg-config's version */
#endif

#define PAYLOAD	1000

struct chain_src {
	Ptr<Socket> sock;
	uint8_t payload[PAYLOAD];
	uint64_t left;		/* datagrams still to send */
	Time interval;		/* one frame's transmission time */
};

static struct chain_src src;
static uint64_t sink_received;

static void
sink_recv(Ptr<Socket> s)
{
	while (s->Recv())
		sink_received++;
}

static void
src_tick(void)
{
	src.sock->Send(Create<Packet>(src.payload, PAYLOAD));
	if (--src.left)
		Simulator::Schedule(src.interval, &src_tick);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int
parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	return s[0] >= '0' && s[0] <= '9' && *end == '\0' && errno == 0 ? 0 : -1;
}

/* Removes dir and the captures in it (it holds nothing else). */
static void
remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d) {
		fprintf(stderr, "chain: %s: %s\n", dir, strerror(errno));
		return;
	}
	while ((e = readdir(d)) != NULL) {
		std::string path;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		path = std::string(dir) + "/" + e->d_name;
		if (unlink(path.c_str()) != 0)
			fprintf(stderr, "chain: %s: %s\n", path.c_str(), strerror(errno));
	}
	closedir(d);
	if (rmdir(dir) != 0)
		fprintf(stderr, "chain: %s: %s\n", dir, strerror(errno));
}

int
main(int argc, char **argv)
{
	char dir[] = "/dev/shm/cometsim-peer-XXXXXX";
	uint64_t nodes, packets, pcap, hops;
	int qdisc;
	struct rusage ru;
	double t0, wall;

	if (argc != 5 || parse_u64(argv[1], &nodes) || nodes < 2 || nodes > 255 ||
	    parse_u64(argv[2], &packets) || packets == 0 || parse_u64(argv[3], &pcap) ||
	    pcap > 1 || (strcmp(argv[4], "fq_codel") && strcmp(argv[4], "none"))) {
		fprintf(stderr, "usage: chain NODES PACKETS 0|1 fq_codel|none\n"
			"  (2 <= NODES <= 255, PACKETS > 0)\n");
		return 2;
	}
	qdisc = strcmp(argv[4], "fq_codel") == 0;

	NodeContainer nv;
	PointToPointHelper p2p;
	InternetStackHelper stack;
	Ipv4AddressHelper addrs;
	TrafficControlHelper tch;
	Ipv4Address dst;

	nv.Create(nodes);
	stack.Install(nv);
	p2p.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
	p2p.SetChannelAttribute("Delay", StringValue("1ms"));
	p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue("100p"));
	for (uint64_t i = 0; i + 1 < nodes; i++) {
		NetDeviceContainer d = p2p.Install(nv.Get(i), nv.Get(i + 1));
		char base[32];

		snprintf(base, sizeof(base), "10.0.%u.0", (unsigned)i);
		addrs.SetBase(base, "255.255.255.0");
		Ipv4InterfaceContainer ifs = addrs.Assign(d);
		/* Assign has just put ns-3's default queue disc on both devices. */
		if (!qdisc)
			tch.Uninstall(d);
		dst = ifs.GetAddress(1);
	}
	Ipv4GlobalRoutingHelper::PopulateRoutingTables();
	if (pcap) {
		if (!mkdtemp(dir)) {
			fprintf(stderr, "chain: %s: %s\n", dir, strerror(errno));
			return 1;
		}
		p2p.EnablePcapAll(std::string(dir) + "/chain");
	}

	Ptr<Socket> sink = Socket::CreateSocket(nv.Get(nodes - 1), UdpSocketFactory::GetTypeId());
	if (sink->Bind(InetSocketAddress(Ipv4Address::GetAny(), 9000)) != 0) {
		fprintf(stderr, "chain: cannot bind the sink\n");
		return 1;
	}
	sink->SetRecvCallback(MakeCallback(&sink_recv));

	src.sock = Socket::CreateSocket(nv.Get(0), UdpSocketFactory::GetTypeId());
	if (src.sock->Bind(InetSocketAddress(Ipv4Address::GetAny(), 5000)) != 0 ||
	    src.sock->Connect(InetSocketAddress(dst, 9000)) != 0) {
		fprintf(stderr, "chain: cannot open the source's socket\n");
		return 1;
	}
	memset(src.payload, 0x5a, sizeof(src.payload));
	src.left = packets;
	/* Line rate: one 1030-byte frame (PPP 2 + IPv4 20 + UDP 8 + payload) per slot. */
	src.interval = DataRate("1Gbps").CalculateBytesTxTime(2 + 20 + 8 + PAYLOAD);
	Simulator::Schedule(MilliSeconds(100), &src_tick);

	t0 = now_s();
	Simulator::Run();
	wall = now_s() - t0;
	getrusage(RUSAGE_SELF, &ru);
	hops = sink_received * (nodes - 1);
	printf("bench=chain peer=ns-" PEER_VERSION " nodes=%" PRIu64 " packets=%" PRIu64 " pcap=%d qdisc=%s"
	       " received=%" PRIu64 " events=%" PRIu64 " wall_s=%.3f hops_per_s=%.0f"
	       " peak_rss_kb=%ld\n", nodes, packets, (int)pcap, argv[4], sink_received,
	       Simulator::GetEventCount(), wall, wall > 0 ? hops / wall : 0.0, ru.ru_maxrss);
	fflush(stdout);
	src.sock = NULL;
	Simulator::Destroy();
	if (pcap)
		remove_dir(dir);
	return sink_received == packets ? 0 : 1;
}
