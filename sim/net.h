/*
 * net.h - the emulated network: nodes, interfaces, links, the node stack.
 *
 * A struct net holds everything one run emulates: nodes with their
 * interfaces (Ethernet, 802.1Q sub-interfaces, GRE tunnels), full-duplex
 * point-to-point links with bandwidth, delay, MTU, a drop-tail queue and
 * a loss model, and the counters and log every object writes to.
 *
 * The node stack speaks real formats byte for byte (Ethernet II, 802.1Q,
 * ARP, IPv4, IPv6 with neighbour discovery, ICMP/ICMPv6 echo, UDP, GRE).
 * Entities see it through: datagram sockets, hooks for an EtherType (raw
 * frames, also through GRE) and hooks for an IP protocol number.  The
 * output layer sees it through a per-interface frame tap and a hook
 * called when an interface is created.
 *
 * The header lists prototypes grouped by the file that defines them.
 */
#ifndef SIM_NET_H
#define SIM_NET_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

#include "sim/addr.h"
#include "sim/log.h"
#include "sim/pkt.h"
#include "sim/rng.h"
#include "sim/sim.h"
#include "sim/stats.h"

#define IFNAME_MAX	16
#define ETH_HLEN	14
#define VLAN_HLEN	4
#define ETH_ZLEN	60	/* minimum frame without FCS: shorter ones are padded */

/*
 * Frame bytes an unresolved neighbour entry holds by default: Linux's
 * default unres_qlen_bytes on 64-bit machines (net.ipv4.neigh.default.
 * unres_qlen_bytes), which it counts in socket buffer sizes and the
 * engine in frame lengths (arp.c).
 */
#define NET_ARP_QUEUE_BYTES	212992

#define ETHERTYPE_IPV4	0x0800
#define ETHERTYPE_ARP	0x0806
#define ETHERTYPE_VLAN	0x8100
#define ETHERTYPE_IPV6	0x86DD

#define IPPROTO_ICMP_	1
#define IPPROTO_TCP_	6
#define IPPROTO_UDP_	17
#define IPPROTO_GRE_	47
#define IPPROTO_ICMPV6_	58

struct net;
struct node;
struct iface;
struct link;
struct udp_sock;

enum tap_dir { TAP_TX = 0, TAP_RX = 1 };

/* Sees every frame an interface sends or receives, as it is on the wire. */
typedef void (*iface_tap_fn)(void *ctx, struct iface *ifc, enum tap_dir dir,
			     const struct pkt *frame);

/*
 * A frame leaves an interface bound to the outside (iface_set_outside):
 * the frame tap has seen it, as it sees a frame start on a link.  Owns p.
 */
typedef void (*iface_outside_fn)(void *ctx, struct iface *ifc, struct pkt *p);

/* A frame of a hooked EtherType arrived; p->data is past the L2 header. Owns p. */
typedef void (*eth_hook_fn)(struct iface *in, void *ctx, struct pkt *p);
/*
 * An IP packet for a local address with a hooked protocol; p->data is at
 * the transport header, src and dst are the IP addresses.  Owns p.
 */
typedef void (*ip_hook_fn)(struct node *n, void *ctx, struct pkt *p,
			   const struct addr *src, const struct addr *dst);
/*
 * A UDP datagram for a bound socket; p->data is the payload.  The packet
 * is borrowed: it is freed when the callback returns.
 */
typedef void (*udp_recv_fn)(struct udp_sock *s, void *ctx, struct pkt *p,
			    const struct addr *src, uint16_t sport,
			    const struct addr *dst, uint16_t dport);

enum iface_kind { IF_ETHER = 0, IF_VLAN, IF_GRE };

struct ifaddr {
	struct addr addr;
	uint8_t plen;
};

/* An entry of the ARP (IPv4) or neighbour (IPv6) cache of one interface. */
struct neigh {
	struct addr ip;
	uint8_t mac[6];
	uint8_t state;		/* NEIGH_INCOMPLETE / NEIGH_REACHABLE */
	uint8_t tries;
	sim_time_t expires;	/* reachable until */
	struct pkt *q_head, *q_tail;	/* waiting for resolution */
	uint32_t qlen;
	uint64_t qbytes;	/* frame bytes of the held packets (arp.c) */
	struct sim_timer retry;
	struct iface *ifc;
};

struct iface {
	struct node *node;
	char name[IFNAME_MAX];
	uint32_t index;		/* within the node, from 0 */
	enum iface_kind kind;
	uint8_t mac[6];
	bool up;
	uint32_t mtu;		/* IP MTU */
	struct iface *parent;	/* IF_VLAN: the Ethernet interface */
	uint16_t vlan_id;	/* IF_VLAN */
	struct addr gre_local, gre_remote;	/* IF_GRE, IPv4 */
	struct link *link;	/* IF_ETHER: attached link or NULL */
	int link_side;		/* 0 or 1 */
	struct ifaddr *addrs;	/* configured addresses (v4 and v6) */
	unsigned naddrs;
	struct addr ll6;	/* IPv6 link-local, from the MAC */
	GHashTable *neigh;	/* struct addr* -> struct neigh*: ARP and ND */
	struct counters cnt;
	iface_tap_fn tap;	/* set by the output layer, or NULL */
	void *tap_ctx;
	/*
	 * IF_ETHER without a link: the world outside the emulated network
	 * (a TAP device, emu/tapdev.c), set by iface_set_outside(), or NULL.
	 */
	iface_outside_fn outside;
	void *outside_ctx;
};

struct route {
	struct prefix dst;
	struct addr gw;		/* unset: directly connected */
	struct iface *ifc;
	uint32_t metric;
	bool automatic;		/* installed by shortest-path routing */
};

/* Longest-prefix-match table of one family: one hash table per length. */
struct rtable {
	GHashTable *by_len[129];	/* struct addr* (masked) -> struct route* */
	uint8_t lens[129];		/* lengths in use, longest first */
	unsigned nlens;
	unsigned count;
	struct addr cache_dst;		/* the last destination looked up ... */
	const struct route *cache_r;	/* ... and its route; cleared on any change */
	uint64_t cache_gen;		/* ... valid while net->route_gen is this */
};

struct eth_hook {
	uint16_t ethertype;
	eth_hook_fn fn;
	void *ctx;
};

struct ip_hook {
	uint8_t proto;
	ip_hook_fn fn;
	void *ctx;
};

struct echo_hook;
struct spf_tree;
struct heap_ent;

struct node {
	struct net *net;
	char *name;
	uint32_t id;		/* creation order, from 0 */
	bool up;
	bool forwarding;	/* routes packets not addressed to it */
	struct addr router_id;	/* its own address, not an interface's; unset: none */
	struct iface **ifaces;
	unsigned nifaces, ifaces_cap;
	GHashTable *iface_by_name;	/* name -> struct iface*, once it has many; or NULL */
	unsigned nvlans;	/* VLAN sub-interfaces among them */
	struct rtable rt4, rt6;
	struct spf_tree *spf;	/* shortest paths from it (spf.c), or NULL: not computed */
	struct eth_hook *eth_hooks;
	unsigned neth_hooks;
	struct ip_hook *ip_hooks;
	unsigned nip_hooks;
	struct echo_hook *echo_hooks;	/* ICMP echo replies go to each */
	unsigned necho_hooks;
	GHashTable *udp_ports;	/* port -> struct udp_sock* */
	uint16_t next_ephemeral;
	uint16_t ip_id;
	/*
	 * Packets it sent to itself, each waiting for its own zero-delay
	 * event (ip_loopback); kept here so that a run that stops before
	 * they are delivered frees them with the node.
	 */
	struct pkt *lo_head, *lo_tail;
	struct counters cnt;
	bool remote;		/* a split run: its events run in another process */
	GPtrArray *entities;	/* struct entity*, start order */
	struct node_ext *exts;	/* per-node state of entity families, by key */
	unsigned nexts;
};

/*
 * A slot where an entity family keeps per-node state that several of its
 * classes share (the CAFE's tables, which cf_tool and ci_tool configure,
 * as the real tools reach a kernel module).  The engine only stores the
 * pointer and calls fini when the node goes away.
 */
struct node_ext {
	const char *key;
	void *data;
	void (*fini)(void *data);
};

enum loss_kind { LOSS_NONE = 0, LOSS_BERNOULLI, LOSS_GILBERT_ELLIOTT };

struct loss_model {
	enum loss_kind kind;
	double p;		/* Bernoulli loss probability */
	double p_gb, p_bg;	/* GE: good->bad and bad->good per frame */
	double loss_good, loss_bad;	/* GE: loss probability in each state */
};

struct link_params {
	uint64_t bandwidth_bps;	/* > 0 */
	sim_time_t delay;	/* propagation delay, >= 0 */
	uint32_t mtu;		/* IP MTU of both ends */
	uint32_t queue_pkts;	/* drop-tail limit in frames (0 = none) */
	uint64_t queue_bytes;	/* drop-tail limit in bytes (0 = none) */
	struct loss_model loss;
	uint32_t weight;	/* cost for shortest-path routing */
};

/* One direction of a link: a transmitter with its queue. */
struct link_dir {
	struct link *link;
	int side;		/* sending side: 0 or 1 */
	struct pkt *q_head, *q_tail;	/* waiting to be sent */
	uint32_t q_pkts;
	uint64_t q_bytes;
	struct pkt *tx;		/* being serialised, or NULL */
	struct sim_timer tx_done;
	bool ge_bad;		/* Gilbert-Elliott state */
	struct rng rng;		/* its loss draws: stream "link/<name>/<from>><to>" */
	struct pkt *fl_head, *fl_tail;	/* on the wire, in arrival order (pkt->when) */
	uint64_t in_flight;	/* frames on the wire */
	struct sim_timer arrive;	/* armed for the first frame on the wire */
	bool win_pending;	/* in net->win_pending: armed at the next window (net_set_window) */
	uint64_t tx_frames, tx_bytes;	/* frames it started to send, and their bytes */
	sim_time_t busy;	/* time spent sending frames it finished (or a link
				   going down cut short); link_dir_busy() adds the
				   one being sent */
	sim_time_t tx_start;	/* when tx started to be sent */
};

struct link {
	struct net *net;
	char *name;
	uint32_t id;
	struct iface *end[2];
	struct link_params p;
	bool up;
	struct link_dir dir[2];	/* dir[i] sends from end[i] to end[1-i] */
	struct counters cnt;
	sim_time_t last_down;	/* when it last went down; -1: never */
};

struct net {
	struct sim *sim;
	uint64_t seed, run;
	struct stats stats;
	struct netlog log;
	struct node **nodes;
	unsigned nnodes, nodes_cap;
	struct link **links;
	unsigned nlinks, links_cap;
	GHashTable *node_by_name;
	GHashTable *link_by_name;
	bool auto_routes;	/* shortest-path routes, made on demand (spf.c) */
	/* spf.c: who has each prefix (masked prefix -> struct route_owners*) */
	GHashTable *owners[2][129];
	uint8_t olens[2][129];	/* lengths in owners[], longest first */
	unsigned nolens[2];
	uint64_t route_gen;	/* changes whenever routes may have: lookup caches check it */
	struct spf_tree *spf_head, *spf_tail;	/* computed trees, newest first */
	size_t spf_bytes;	/* what they hold */
	size_t spf_budget;	/* the most they may hold: older ones are dropped */
	struct heap_ent *spf_heap;	/* Dijkstra's heap, kept between runs */
	size_t spf_nheap, spf_heapcap;
	uint64_t spf_runs;	/* trees computed */
	uint64_t spf_extends;	/* trees extended by a link */
	uint64_t spf_routes;	/* routes made from trees */
	uint64_t next_pkt_uid;
	/* net_set_window(): frames on links that long delivered a window late */
	sim_time_t window;		/* 0: off */
	struct sim_timer window_ev;	/* the next window's start, when frames wait for it */
	struct link_dir **win_pending;
	size_t nwin_pending, win_cap;
	/* output layer hook: a new interface exists (attach a tap) */
	void (*on_iface_new)(void *ctx, struct iface *ifc);
	void *on_iface_ctx;
	sim_time_t arp_timeout;		/* neighbour entry lifetime */
	sim_time_t arp_retry;		/* between requests */
	unsigned arp_tries;		/* requests before giving up */
	/*
	 * The packets an unresolved entry holds: at most arp_queue_pkts of
	 * them and arp_queue_bytes of their frames (0: no such limit; both 0:
	 * none at all).  net_create() sets Linux's default, NET_ARP_QUEUE_BYTES
	 * and no packet limit; the scenario's run option arp_queue replaces it.
	 */
	uint32_t arp_queue_pkts;
	uint64_t arp_queue_bytes;
	/*
	 * The run's output directory, for entities that write files there
	 * (a client's downloaded contents, say) through net_outfile(); NULL
	 * when there is none (unit tests, benchmarks): such entities keep
	 * their bytes in memory.  Set by the front end before the scenario
	 * is instantiated.
	 */
	const char *outdir;
	/*
	 * output layer hook: an entity is about to create a name in outdir;
	 * nonzero refuses it (the name is someone else's)
	 */
	int (*on_outfile)(void *ctx, const char *name);
	void *on_outfile_ctx;
	struct net_ext *exts;	/* state of the whole run kept by entity families */
	unsigned nexts;
	bool ended;		/* the exts' end calls were made (net_stop_entities) */
	/*
	 * 0 while the network is built, 1 once the run started (the front
	 * end sets it), 2 from net_stop_entities(): where outputs written
	 * then belong (struct stats_stamp, net_stamp()).
	 */
	uint8_t phase;
	/*
	 * A run split over processes (doc/parallel.md).  rank_of() gives the
	 * process of a node by name, set before the network is built (NULL:
	 * one process): a node of another process is built here too, but
	 * marked remote, and its events run there (sim_set_local with
	 * net_actor_local).  A frame that leaves a link towards a remote node
	 * goes to xsend(), with its arrival time and key in p->when and
	 * p->key; the other process hands it to link_xrecv().
	 */
	int (*rank_of)(void *ctx, const char *name);
	void *rank_ctx;
	int rank;
	void (*xsend)(void *ctx, struct link_dir *ld, struct pkt *p);
	void *xsend_ctx;
};

/*
 * A slot where an entity family keeps state of the whole run that its
 * instances share (the RAEs' one rae-paths.csv).  The engine only stores
 * the pointer, calls `end` once when the run ends, before any entity is
 * stopped (the instances still hold their end-of-run state), and `fini`
 * when the network goes away.
 */
struct net_ext {
	const char *key;
	void *data;
	void (*end)(struct net *net, void *data);
	void (*fini)(void *data);
};

/* net.c */

/* A network on sim, with the run's seed and run number. */
struct net *net_create(struct sim *sim, uint64_t seed, uint64_t run);
/* Free nodes, links, entities, counters and the log state. */
void net_destroy(struct net *net);
/*
 * A check of the event order (doc/engine.md, "Time and events"): a frame
 * put on a link whose delay is at least `w` (> 0) is made known to its
 * receiver only at the next multiple of `w`, as a run split over
 * processes would learn of it at the end of a window of that length, not
 * when it leaves.  Nothing else changes: a run gives the same outputs
 * with and without it (one event more a window that had frames; the
 * count of events aside).  0 turns it off.
 */
void net_set_window(struct net *net, sim_time_t w);
struct node *net_node(const struct net *net, const char *name);
/*
 * The stamp of now: net->phase, and while running the event's time,
 * actor and key, after it the actor (sim_actor()); sub is left 0.
 */
void net_stamp(void *net, struct stats_stamp *s);
/* sim_local_fn of a split run: whether actor (a node's id + 1, or 0) runs here. */
bool net_actor_local(void *net, uint32_t actor);
struct link *net_link(const struct net *net, const char *name);
/* Default link parameters: 1 Gbps, 0 delay, MTU 1500, 100 frames, no loss. */
void link_params_default(struct link_params *lp);
/*
 * The run ends: the first time, call every extension's `end` (in the order
 * they were set), then stop every running entity (their reports reach the
 * log).  Called again (net_destroy), it only stops what still runs.
 */
void net_stop_entities(struct net *net);
/* The run-wide state stored under key, or NULL. */
void *net_ext_get(const struct net *net, const char *key);
/*
 * Store run-wide state under key (a static string), with the calls made
 * at the end of the run and at teardown (either may be NULL); -1 if the
 * key is taken.
 */
int net_ext_set(struct net *net, const char *key, void *data,
		void (*end)(struct net *net, void *data), void (*fini)(void *data));
/* Total drops of one reason over the whole network. */
uint64_t net_drops(const struct net *net, uint32_t reason);
/*
 * The path of name (one path element: a file or a folder) in the run's
 * output directory, for an entity that writes it; g_free it.  The output
 * layer hears of it first (on_outfile), so that it belongs to the run:
 * the next run into the directory removes it.  NULL when the run has no
 * output directory, or when the output layer refused the name (it is
 * there already, and not the run's: the run is stopping).
 */
char *net_outfile(struct net *net, const char *name);
/* Whether the run is split over processes (doc/parallel.md). */
static inline bool
net_split(const struct net *net)
{
	return net->rank_of != NULL;
}
/*
 * A split run: the path of this process's part of the file name, for a
 * file whose rows several processes write (rae-paths.csv, requests.csv).
 * Every line of a part is a key, a tab, and a row of the file; process 0
 * merges the parts into name at the end of the run, in the order of the
 * keys (compared byte by byte; equal keys keep their part's order, the
 * lower process's part first), and writes the row of the empty key (the
 * header) once.  So a writer gives each row the key that sorts as the
 * file does.  NULL as net_outfile() is.
 */
char *net_outfile_part(struct net *net, const char *name);
/* Append to k a text that sorts among such texts as s sorts among strings (strcmp). */
void net_key_str(GString *k, const char *s);

/* node.c */

/* A new node; names are unique.  NULL (with errno EEXIST) if taken. */
struct node *node_create(struct net *net, const char *name);
/* Add an Ethernet interface; MAC 02:00:<node id, 3 bytes>:<iface index>. */
struct iface *iface_add_ether(struct node *n, const char *name);
/* Add a VLAN sub-interface "<parent>.<vid>" of an Ethernet interface. */
struct iface *iface_add_vlan(struct node *n, struct iface *parent, uint16_t vid);
/* Add a GRE tunnel interface between two IPv4 addresses. */
struct iface *iface_add_gre(struct node *n, const char *name,
			    const struct addr *local, const struct addr *remote);
struct iface *node_iface(const struct node *n, const char *name);
/*
 * Bind an Ethernet interface that has no link to the world outside the
 * emulated network: every frame it sends goes to fn (after its frame
 * tap, counted as sent), and what comes from outside enters with
 * ether_input(), as a frame arriving on a link does.  The interface
 * can then get no link (link_create refuses it).  -1 if it is not an
 * Ethernet interface, has a link or is bound already.
 */
int iface_set_outside(struct iface *ifc, iface_outside_fn fn, void *ctx);
/* Add an address (and its connected route). -1 if the family's slot is full. */
int iface_addr_add(struct iface *ifc, const struct addr *a, uint8_t plen);
/* First address of the family on the interface, or NULL. */
const struct ifaddr *iface_addr(const struct iface *ifc, int af);
/* Whether a is one of the node's addresses (any interface). */
bool node_has_addr(const struct node *n, const struct addr *a);
/* A source address of the family for packets leaving by ifc. */
const struct addr *node_src_addr(const struct node *n, const struct iface *ifc, int af);
/* Take a node down (drops its traffic, stops its entities) or up again. */
void node_set_up(struct node *n, bool up);
/* Give n its router address (indexed for shortest-path routing). */
void node_set_router_id(struct node *n, const struct addr *a);
/* Register a handler for frames of an EtherType (0x0800/0x86DD/0x0806 are the stack's). */
int node_eth_hook(struct node *n, uint16_t ethertype, eth_hook_fn fn, void *ctx);
/* Remove the handler of an EtherType registered with fn and ctx. */
void node_eth_unhook(struct node *n, uint16_t ethertype, eth_hook_fn fn, void *ctx);
/* Register a handler for an IP protocol (UDP and ICMP are the stack's). */
int node_ip_hook(struct node *n, uint8_t proto, ip_hook_fn fn, void *ctx);
/* The per-node state stored under key, or NULL. */
void *node_ext_get(const struct node *n, const char *key);
/* Store per-node state under key (a static string); -1 if the key is taken. */
int node_ext_set(struct node *n, const char *key, void *data, void (*fini)(void *data));
/*
 * Store per-node state under key in place of what is there (whose fini is
 * not called: its owner frees it), or as node_ext_set if the key is free.
 * An entity started again after its node was restarted takes over the key
 * of the instance that stopped with the node.
 */
void node_ext_replace(struct node *n, const char *key, void *data, void (*fini)(void *data));
/* Log on behalf of a node and entity kind/instance. */
void node_log(struct node *n, enum log_level l, const char *kind,
	      const char *inst, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* link.c */

/*
 * Join two Ethernet interfaces with a full-duplex link; `name` may be
 * NULL ("<node>:<if>-<node>:<if>").  Returns NULL if either end is taken.
 */
struct link *link_create(struct net *net, const char *name, struct iface *a,
			 struct iface *b, const struct link_params *lp);
/* Bring a link up or down; down drops queued and in-flight frames. */
void link_set_up(struct link *l, bool up);
/* Transmission time of `bytes` on the link: ceil(8 * bytes * 1e9 / bandwidth) ns. */
sim_time_t link_tx_time(const struct link *l, uint32_t bytes);
/* Queue a complete frame on ifc's link (called by ether.c). Owns p. */
void link_send(struct iface *ifc, struct pkt *p);
/*
 * A frame that left direction ld of a link in another process (a split
 * run, net->xsend there), due at p->when with key p->key: put on the wire
 * towards its receiver here, or dropped (link_down) when the link went
 * down after it left.
 */
void link_xrecv(struct link_dir *ld, struct pkt *p);
/*
 * The time one direction has spent sending frames up to now (sim_now()),
 * the frame it is sending included as far as it got: its utilisation over
 * an interval is the difference of two readings over the interval's length.
 */
sim_time_t link_dir_busy(const struct link_dir *ld, sim_time_t now);

/* ether.c */

/*
 * Send a payload of `ethertype` out of ifc to dst_mac: pushes the
 * Ethernet header (and the 802.1Q tag of a VLAN sub-interface), pads to
 * ETH_ZLEN, taps and hands it to the link.  For a GRE interface dst_mac
 * is ignored and the payload is sent through the tunnel.  Owns p.
 */
void iface_output(struct iface *ifc, uint16_t ethertype, const uint8_t dst_mac[6],
		  struct pkt *p);
/* A frame arrived from the link on an Ethernet interface. Owns p. */
void ether_input(struct iface *ifc, struct pkt *p);
/* ff:ff:ff:ff:ff:ff */
const uint8_t *ether_broadcast(void);
/* Demultiplex a payload by EtherType as received on ifc (used by GRE too). Owns p. */
void ether_demux(struct iface *ifc, uint16_t ethertype, struct pkt *p);

/* arp.c (IPv4) and nd.c (IPv6) */

/*
 * Send an IP packet (p->data at the IP header) out of ifc towards the
 * on-link next hop, resolving its MAC first if needed.  Owns p.
 */
void neigh_output(struct iface *ifc, const struct addr *nexthop, struct pkt *p);
void arp_input(struct iface *ifc, struct pkt *p);
/* Record ip -> mac and send what waited for it; creates the entry only if asked. */
void neigh_learn(struct iface *ifc, const struct addr *ip, const uint8_t mac[6], bool create);
/* Look up a resolved neighbour; NULL if absent, incomplete or expired. */
const struct neigh *neigh_lookup(const struct iface *ifc, const struct addr *ip);
void neigh_flush(struct iface *ifc);
/* nd.c: an ICMPv6 NS/NA for ifc (called from ipv6.c). Owns p. */
void nd_input(struct iface *ifc, struct pkt *p, const struct addr *src,
	      const struct addr *dst, uint8_t hop_limit);
void nd_solicit(struct iface *ifc, struct neigh *ne);
void arp_request(struct iface *ifc, struct neigh *ne);

/* route.c */

void rtable_init(struct rtable *t);
void rtable_fini(struct rtable *t);
/* Add a route (copied); replaces one with the same prefix. */
int route_add(struct node *n, const struct route *r);
/* Remove the route to exactly this prefix; -1 if none. */
int route_del(struct node *n, const struct prefix *dst);
/*
 * Longest-prefix match; NULL if none.  With net->auto_routes, the
 * shortest-path routes are part of the table (made when first needed).
 */
const struct route *route_lookup(const struct node *n, const struct addr *dst);
/* The route to exactly this prefix, as the table has it now, or NULL. */
const struct route *route_lookup_exact(const struct node *n, const struct prefix *dst);
/* Remove every automatic route of the node. */
void route_flush_auto(struct node *n);
/* Write the node's routes, one a line, in a stable order. */
void route_dump(const struct node *n, FILE *out);

/* spf.c: shortest-path routing, computed on demand (doc/engine.md, "Routing") */

/* The most the shortest-path trees of a network hold, unless set otherwise. */
#define SPF_BUDGET_DEFAULT	((size_t)1 << 30)

/*
 * Forget every shortest-path tree and the routes made from them: the next
 * lookups compute them again.  Shortest paths use link weights, ties by
 * lower node id, over links that are up between nodes that are up.
 */
void net_compute_routes(struct net *net);
/* Node n has a new address (router address or interface's): index it. */
void spf_addr_added(struct node *n, const struct addr *a, uint8_t plen);
/* Link l came up, went down or was made: the trees it changes. */
void spf_link_changed(struct link *l);
/* Node n came up or went down: the trees it changes. */
void spf_node_changed(struct node *n);
/*
 * The shortest-path route of s to the prefix key/plen that other nodes
 * have, made now if it is not yet in s's table; NULL if none of them can
 * be reached.  Called by route_lookup().
 */
const struct route *spf_auto_route(struct node *s, int af, uint8_t plen, const struct addr *key);
/* Free what spf.c holds for the network. */
void spf_fini(struct net *net);

/* ipv4.c */

/* The TTL (hop limit) of what a node originates, unless its sender says otherwise. */
#define IP_TTL_DEFAULT	64

/* Process an IPv4 packet received on ifc (p->data at the IP header). Owns p. */
void ipv4_input(struct iface *ifc, struct pkt *p);
/* As ipv4_input; ifc is NULL for packets a node sent to itself. */
void ipv4_input_node(struct node *n, struct iface *ifc, struct pkt *p);
/*
 * Route and send an IPv4 payload from node n: pushes the IPv4 header
 * (TTL 64, DF set, checksum); src may be NULL (chosen from the route).
 * Returns 0, or -1 if it was dropped (counted).  Owns p.
 */
int ipv4_output(struct node *n, const struct addr *src, const struct addr *dst,
		uint8_t proto, struct pkt *p);
/* As ipv4_output, with the TTL given (a socket's IP_TTL); 0 is sent as 0. */
int ipv4_output_ttl(struct node *n, const struct addr *src, const struct addr *dst,
		    uint8_t proto, uint8_t ttl, struct pkt *p);
/* Route a complete IPv4 packet (header present) as if forwarded. Owns p. */
int ipv4_route_packet(struct node *n, struct iface *in, struct pkt *p);

/* ipv6.c */

void ipv6_input(struct iface *ifc, struct pkt *p);
void ipv6_input_node(struct node *n, struct iface *ifc, struct pkt *p);
int ipv6_output(struct node *n, const struct addr *src, const struct addr *dst,
		uint8_t proto, struct pkt *p);
/* As ipv6_output, with the hop limit given. */
int ipv6_output_ttl(struct node *n, const struct addr *src, const struct addr *dst,
		    uint8_t proto, uint8_t hop_limit, struct pkt *p);
int ipv6_route_packet(struct node *n, struct iface *in, struct pkt *p);
/* Send with an explicit interface and hop limit (ND, link-local traffic). */
int ipv6_output_if(struct iface *ifc, const struct addr *src, const struct addr *dst,
		   uint8_t proto, uint8_t hop_limit, const uint8_t *dst_mac, struct pkt *p);

/* ip.c: family-independent helpers */

/* Send a transport payload to dst by the right family. Owns p. */
int ip_output(struct node *n, const struct addr *src, const struct addr *dst,
	      uint8_t proto, struct pkt *p);
/* As ip_output, with the TTL (IPv4) or hop limit (IPv6) given instead of IP_TTL_DEFAULT. */
int ip_output_ttl(struct node *n, const struct addr *src, const struct addr *dst,
		  uint8_t proto, uint8_t ttl, struct pkt *p);
/*
 * Cut a received IP packet to the length its header declares: the
 * Ethernet padding of a short frame goes, as the IP layer cuts it before
 * any pre-routing hook (ether_demux does it for the IPv4 and IPv6 hooks).
 * A header too short or declaring more than there is: left as it is, for
 * ipv4_input or ipv6_input to drop.
 */
void ip_unpad(struct pkt *p, uint16_t ethertype);
/* Deliver a received IP packet of either family to routing (CAFE decapsulation). Owns p. */
void ip_input(struct iface *ifc, uint16_t ethertype, struct pkt *p);
/* A complete packet a node sent to itself: delivered by a zero-delay event. Owns p. */
void ip_loopback(struct node *n, struct pkt *p, uint16_t ethertype);
/* Hand a packet for a local address to the protocol's handler. Owns p. */
void ip_local_deliver(struct node *n, uint8_t proto, struct pkt *p,
		      const struct addr *src, const struct addr *dst);

/* icmp.c */

void icmp4_input(struct node *n, struct pkt *p, const struct addr *src,
		 const struct addr *dst);
void icmp6_input(struct node *n, struct iface *ifc, struct pkt *p,
		 const struct addr *src, const struct addr *dst, uint8_t hop_limit);
/* Echo replies are passed to this hook: (id, seq, sender). */
typedef void (*echo_reply_fn)(void *ctx, uint16_t id, uint16_t seq,
			      const struct addr *from, size_t len);
struct echo_hook {
	echo_reply_fn fn;
	void *ctx;
};
int node_echo_hook(struct node *n, echo_reply_fn fn, void *ctx);
/* Remove a hook added with the same fn and ctx. */
void node_echo_unhook(struct node *n, echo_reply_fn fn, void *ctx);
/* Send an ICMP or ICMPv6 echo request with `len` payload bytes. */
int icmp_echo_send(struct node *n, const struct addr *dst, uint16_t id,
		   uint16_t seq, size_t len);

/* udp.c */

/* Bind a socket on the node; port 0 picks an ephemeral port.  NULL if taken. */
struct udp_sock *udp_open(struct node *n, uint16_t port, udp_recv_fn fn, void *ctx);
void udp_close(struct udp_sock *s);
/*
 * The source address of what s sends, instead of the address of the
 * interface the route takes (a node's router id, which its peers know it
 * by); a must be the node's.  Datagrams of the other family are not
 * concerned.
 */
void udp_set_source(struct udp_sock *s, const struct addr *a);
uint16_t udp_port(const struct udp_sock *s);
struct node *udp_node(const struct udp_sock *s);
/* Send p (data = payload) to dst:dport; the checksum is always computed. Owns p. */
int udp_sendto(struct udp_sock *s, const struct addr *dst, uint16_t dport, struct pkt *p);
/* Convenience: copy len bytes and send. */
int udp_sendto_buf(struct udp_sock *s, const struct addr *dst, uint16_t dport,
		   const void *buf, size_t len);
void udp_input(struct node *n, struct pkt *p, const struct addr *src,
	       const struct addr *dst);

/* gre.c */

/* Encapsulate p (payload of `ethertype`) in GRE + IPv4 and route it. Owns p. */
void gre_output(struct iface *tun, uint16_t ethertype, struct pkt *p);
/* An IPv4 GRE packet for the node (p->data at the GRE header). Owns p. */
void gre_input(struct node *n, struct pkt *p, const struct addr *src,
	       const struct addr *dst);

#endif /* SIM_NET_H */
