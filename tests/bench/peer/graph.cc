/*
 * graph.cc - the peer's half of bench=graph (tests/bench/bench_graph.c),
 * written against ns-3.
 *
 *   graph EDGES-FILE ROUTING
 *
 * EDGES-FILE is the graph as tests/graph/graphdump prints it (run.sh has
 * it print the same Barabási–Albert graph our benchmark builds: model
 * ba, m = 2, seed 1): a first line "nodes N edges M", then lines "node
 * NAME ..." in order and "edge A B ..." naming nodes n0 .. nN-1.  Every
 * edge becomes a point-to-point link of 1 Gbps and 1 ms with a device
 * queue of 100 packets and its own /30; ROUTING is nix (Nix-vector
 * routing, paths computed on demand: ns-3's routing for large graphs) or
 * global (all pairs at the start).  One UDP flow of 10 000 datagrams of
 * 1000 bytes at line rate goes from n0 to the first address of the last
 * node.  The whole process is timed, as ours is (setup_s: building the
 * network and its routing; wall_s: setup and run).  One line:
 *
 *   bench=graph peer=ns-3.37 routing=nix nodes=... edges=... packets=10000
 *       received=... setup_s=... wall_s=... peak_rss_kb=...
 *
 * tests/bench/peer/run.sh builds and runs it.
 */
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "ns3/applications-module.h"
#include "ns3/core-module.h"
#include "ns3/internet-module.h"
#include "ns3/network-module.h"
#include "ns3/nix-vector-helper.h"
#include "ns3/point-to-point-module.h"

using namespace ns3;

#ifndef PEER_VERSION
#define PEER_VERSION	"unknown"	/* run.sh passes pkg-config's version */
#endif

#define PAYLOAD		1000
#define PACKETS		10000

static Ptr<Socket> src_sock;
static uint8_t payload[PAYLOAD];
static uint64_t left = PACKETS, received;
static Time interval;

static void
sink_recv(Ptr<Socket> s)
{
	while (s->Recv())
		received++;
}

static void
src_tick(void)
{
	src_sock->Send(Create<Packet>(payload, PAYLOAD));
	if (--left)
		Simulator::Schedule(interval, &src_tick);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* "nK" -> K; -1 if the name is not of that form or K >= n. */
static long
node_index(const char *name, unsigned long n)
{
	char *end;
	unsigned long k;

	if (name[0] != 'n' || name[1] < '0' || name[1] > '9')
		return -1;
	k = strtoul(name + 1, &end, 10);
	return *end == '\0' && k < n ? (long)k : -1;
}

int
main(int argc, char **argv)
{
	double t0 = now_s(), t1, t2;
	unsigned long nn = 0, ne = 0;
	std::vector<std::pair<long, long>> edges;
	char line[512], a[128], b[128];
	struct rusage ru;
	FILE *f;
	int nix;

	if (argc != 3 || (strcmp(argv[2], "nix") && strcmp(argv[2], "global"))) {
		fprintf(stderr, "usage: graph EDGES-FILE nix|global\n");
		return 2;
	}
	nix = strcmp(argv[2], "nix") == 0;
	f = fopen(argv[1], "r");
	if (!f || !fgets(line, sizeof(line), f) ||
	    sscanf(line, "nodes %lu edges %lu", &nn, &ne) != 2 || nn < 2) {
		fprintf(stderr, "graph: %s: not a graphdump file\n", argv[1]);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		long x, y;

		if (strncmp(line, "edge ", 5) != 0)
			continue;
		if (sscanf(line, "edge %127s %127s", a, b) != 2 ||
		    (x = node_index(a, nn)) < 0 || (y = node_index(b, nn)) < 0) {
			fprintf(stderr, "graph: %s: bad line: %s", argv[1], line);
			return 1;
		}
		edges.push_back(std::make_pair(x, y));
	}
	fclose(f);

	NodeContainer nv;
	PointToPointHelper p2p;
	InternetStackHelper stack;
	Ipv4NixVectorHelper nixh;
	Ipv4AddressHelper addrs;
	Ipv4Address dst;
	bool have_dst = false;

	nv.Create(nn);
	if (nix)
		stack.SetRoutingHelper(nixh);
	stack.Install(nv);
	p2p.SetDeviceAttribute("DataRate", StringValue("1Gbps"));
	p2p.SetChannelAttribute("Delay", StringValue("1ms"));
	p2p.SetQueue("ns3::DropTailQueue<Packet>", "MaxSize", StringValue("100p"));
	addrs.SetBase("10.0.0.0", "255.255.255.252");
	for (size_t k = 0; k < edges.size(); k++) {
		NetDeviceContainer d = p2p.Install(nv.Get(edges[k].first), nv.Get(edges[k].second));
		Ipv4InterfaceContainer ifs = addrs.Assign(d);

		addrs.NewNetwork();
		if (!have_dst && (unsigned long)edges[k].second == nn - 1) {
			dst = ifs.GetAddress(1);
			have_dst = true;
		} else if (!have_dst && (unsigned long)edges[k].first == nn - 1) {
			dst = ifs.GetAddress(0);
			have_dst = true;
		}
	}
	if (!have_dst) {
		fprintf(stderr, "graph: the last node has no link\n");
		return 1;
	}
	if (!nix)
		Ipv4GlobalRoutingHelper::PopulateRoutingTables();

	Ptr<Socket> sink = Socket::CreateSocket(nv.Get(nn - 1), UdpSocketFactory::GetTypeId());
	if (sink->Bind(InetSocketAddress(Ipv4Address::GetAny(), 9000)) != 0) {
		fprintf(stderr, "graph: cannot bind the sink\n");
		return 1;
	}
	sink->SetRecvCallback(MakeCallback(&sink_recv));
	src_sock = Socket::CreateSocket(nv.Get(0), UdpSocketFactory::GetTypeId());
	if (src_sock->Bind(InetSocketAddress(Ipv4Address::GetAny(), 5000)) != 0 ||
	    src_sock->Connect(InetSocketAddress(dst, 9000)) != 0) {
		fprintf(stderr, "graph: cannot open the source's socket\n");
		return 1;
	}
	memset(payload, 0x5a, sizeof(payload));
	/* Line rate: one 1030-byte frame (PPP 2 + IPv4 20 + UDP 8 + payload) per slot. */
	interval = DataRate("1Gbps").CalculateBytesTxTime(2 + 20 + 8 + PAYLOAD);
	Simulator::Schedule(Seconds(0), &src_tick);
	t1 = now_s();
	Simulator::Run();
	t2 = now_s();
	getrusage(RUSAGE_SELF, &ru);
	printf("bench=graph peer=ns-" PEER_VERSION " routing=%s model=ba m=2 nodes=%lu edges=%zu"
	       " packets=%d received=%" PRIu64 " setup_s=%.3f wall_s=%.3f peak_rss_kb=%ld\n",
	       argv[2], nn, edges.size(), PACKETS, received, t1 - t0, t2 - t0, ru.ru_maxrss);
	fflush(stdout);
	src_sock = NULL;
	Simulator::Destroy();
	return 0;
}
