/*
 * sockbr.h - the socket bridge: host sockets carried to emulated ports.
 *
 * A bridge joins one host socket on the loopback to one port of an
 * emulated node (doc/emulation.md, "The socket bridge"):
 *  - inward (listen=): connections accepted on a host TCP socket, or
 *    datagrams received on a host UDP socket, become emulated TCP
 *    connections or UDP datagrams from the node `from` to `port` of the
 *    node `node`, and what comes back goes out on the host socket;
 *  - outward (connect=): the bridge listens on `port` of `node` in the
 *    emulated network, and each connection (or each peer's datagrams) it
 *    gets is carried to a host server at the connect= address.
 * The emulated side is the emulated TCP and UDP (sim/tcp.h, sim/net.h),
 * so it crosses emulated links and the captures show it.
 *
 * Host input arrives in hostio callbacks (hostio.h), which only read and
 * schedule events at rt_now(); every call into the emulated stacks runs
 * in those events.  What the emulated side sends is written to the host
 * socket at once, or kept until the socket takes it.
 */
#ifndef EMU_SOCKBR_H
#define EMU_SOCKBR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netinet/in.h>

struct sim;
struct node;
struct realtime;
struct hostio;
struct sockbr;

enum sockbr_proto { SOCKBR_TCP = 0, SOCKBR_UDP };

struct sockbr_spec {
	const char *name;	/* in summary.json and messages */
	const char *where;	/* "file:line" of the element, for messages */
	enum sockbr_proto proto;
	bool outward;		/* connect=: emulated clients reach a host server */
	uint16_t port;		/* the emulated port: of node (inward: the one reached) */
	struct sockaddr_in host;	/* listen= or connect= address */
};

/*
 * Make a bridge; inward, bind and listen on the host address now, so
 * that a port in use is refused before the run writes anything.  NULL
 * with "where: what" in err.
 */
struct sockbr *sockbr_open(const struct sockbr_spec *spec, char *err, size_t errlen);

/*
 * Join the bridge to the built network: inward, connections go from
 * `from` to `node`'s address (its first IPv4 address, else its first
 * IPv6 one); outward, the bridge listens on node's port (from is NULL).
 * Host descriptors are watched in io.  0, or -1 with err set (no address,
 * the emulated port taken).
 */
int sockbr_start(struct sockbr *b, struct sim *sim, struct realtime *rt,
		 struct hostio *io, struct node *node, struct node *from,
		 char *err, size_t errlen);

/* Why the bridge dropped a datagram or a connection (summary.json's names). */
enum sockbr_drop {
	SOCKBR_NO_ROUTE = 0,	/* the emulated side could not send (no route, no port) */
	SOCKBR_TOO_MANY_PEERS,	/* a new UDP peer beyond the most kept (1024) */
	SOCKBR_HOST_BUSY,	/* the host socket would block for a datagram */
	SOCKBR_HOST_ERROR,	/* the host socket refused a datagram */
	SOCKBR_HOST_REFUSED,	/* outward TCP: the host server refused the connection */
	SOCKBR_EMU_REFUSED,	/* inward TCP: the emulated connection was refused or timed out */
	SOCKBR_TOO_BIG,		/* a datagram larger than the first emulated hop's MTU allows */
	SOCKBR_HOST_NO_FD,	/* inward TCP: a host connection accepted and closed at once, the
				   process out of descriptors (EMFILE, ENFILE) */
	SOCKBR_DROPS
};

/* What a bridge carried: "in" is from the host into the emulated network. */
struct sockbr_stats {
	uint64_t connections;	/* TCP connections carried (accepted on either side) */
	uint64_t bytes_in, bytes_out;	/* TCP stream bytes and UDP payload bytes */
	uint64_t datagrams_in, datagrams_out;
	uint64_t pauses;	/* times a host socket was not read: the emulated send buffer full */
	uint64_t drops[SOCKBR_DROPS];
};

void sockbr_stats(const struct sockbr *b, struct sockbr_stats *out);
const char *sockbr_drop_name(enum sockbr_drop d);

/* Close every host socket and free the bridge; NULL is ignored. */
void sockbr_free(struct sockbr *b);

#endif /* EMU_SOCKBR_H */
