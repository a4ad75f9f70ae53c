/*
 * curling.h - the coupled approach (CURLING, D4.3 chapter 6): the
 * stateful CAFE, the CRME, the content server and the content client,
 * and the UDP messages they exchange.
 *
 * Four entity classes, started by ON_ROUTER lines as the curling
 * emulator's scripts write them:
 *   usr.curling.Cafe           the stateful CAFE and its ContentStateTable
 *   usr.curling.Crme           content resolution, state installation,
 *                              ActiveSessions, route optimisation
 *   usr.curling.ContentServer  (alias ContentPublisher) holds contents,
 *                              publishes them, sends them in chunks
 *   usr.curling.ContentClient  (alias ContentConsumer) requests a
 *                              content and saves what it receives
 * They talk only through the messages below, over UDP; the byte layouts
 * are the project's own (D4.3 lists the fields of Announce, Configure
 * and Notify in Table 3 and loses Table 4) and are drawn in
 * doc/curling.md.  Every multi-byte field is big endian; addresses are
 * IPv4.
 *
 * Prototypes are grouped by the file that defines them.
 */
#ifndef ENTITIES_CURLING_CURLING_H
#define ENTITIES_CURLING_CURLING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/addr.h"
#include "sim/entity.h"
#include "sim/sim.h"

struct net;
struct node;
struct udp_sock;

/* ---- the messages (curling_msg.c; doc/curling.md draws them) ---- */

#define CMSG_MAGIC	0x4355	/* "CU" */
#define CMSG_VERSION	1
#define CMSG_HLEN	8	/* magic, version, type, length, flags, reserved */
#define CMSG_ID_MAX	64	/* bytes of a ContentID */
#define CMSG_MAX_HOPS	64	/* next hops in one Configure or Notify */
#define CMSG_MAX_LEN	1472	/* the largest message: UDP payload of a 1500-byte MTU */
/* Inter-domain links in one Announce: what fits CMSG_MAX_LEN after its 20 bytes of fields. */
#define CMSG_MAX_LINKS	((CMSG_MAX_LEN - 20) / 10)
#define CMSG_MAX_PARTS	256	/* Announces of one CAFE's links: the part number is a byte */
/* A CAFE's inter-domain links, a CRME's providers or peers: every part full. */
#define CURLING_MAX_LINKS	(CMSG_MAX_PARTS * CMSG_MAX_LINKS)
#define CMSG_MAX_PATH	16	/* CRMEs in a Consume's path or a route's path */
#define CMSG_MAX_ROUTES	64	/* routes in one Routes message */

enum cmsg_type {
	CMSG_ANNOUNCE = 1,	/* CAFE -> CRME: my inter-domain links (Table 3) */
	CMSG_ACK = 2,		/* CRME -> CAFE or server: Announce/Publish received */
	CMSG_CONFIGURE = 3,	/* CRME -> CAFE: install or remove state (Table 3) */
	CMSG_NOTIFY = 4,	/* CAFE -> CRME: a content flow began or ended (Table 3) */
	CMSG_PUBLISH = 5,	/* server -> CRME -> provider CRMEs: a content record */
	CMSG_CONSUME = 6,	/* client -> CRME -> ... -> server: a request */
	CMSG_CONSUME_REPLY = 7,	/* back along the request's path: its outcome */
	CMSG_RELEASE = 8,	/* CRME -> upstream CRME or server: prune my branch */
	CMSG_ROUTES = 9,	/* CRME -> neighbour CRME: its exportable routes */
	CMSG_CONTENT = 10,	/* server -> CAFE -> CAFE -> client: one chunk (Table 4) */
	CMSG_TYPE_MAX = 10
};

/* Configure's flags: what to do with the listed next hops (low 4 bits)... */
enum cmsg_cfg_op {
	CFG_ADD = 1,		/* install the content, add these next hops */
	CFG_DEL_HOPS = 2,	/* remove these next hops (the entry too if none remain) */
	CFG_DEL_CONTENT = 3,	/* remove the entry; the list is empty */
};
#define CFG_OP_MASK	0x0f
/* ... and, with CFG_ADD, that a new transmission of the content will come. */
#define CFG_F_NEWTX	0x80

/* Notify's flags (D4.3 section 6.3.3: create or teardown). */
enum cmsg_notify_op {
	NOTIFY_CREATE = 1,
	NOTIFY_TEARDOWN = 2,
};

#define CONSUME_F_RO	0x01	/* sent by a CRME for route optimisation */
#define CONSUME_F_NOJOIN 0x02	/* a repair: do not serve it from a flow, ask the server */
#define CONTENT_F_LAST	0x01	/* the last chunk of this transmission */

/* A ConsumeReply's status. */
enum cmsg_status {
	CSTAT_OK = 0,
	CSTAT_NOT_FOUND = 1,	/* no record of the content and no provider to ask */
	CSTAT_LOOP = 2,		/* the request came back to a CRME on its path */
	CSTAT_NO_PATH = 3,	/* no CAFE links this domain to the next one */
	CSTAT_MAX = 3
};

/* Why a message could not be decoded (drop reasons "curling_<name>"). */
enum cmsg_err {
	CMSG_OK = 0,
	CMSG_E_TRUNCATED = -1,	/* shorter than its header or its length field */
	CMSG_E_MAGIC = -2,	/* not "CU" */
	CMSG_E_VERSION = -3,	/* not version 1 */
	CMSG_E_TYPE = -4,	/* unknown type */
	CMSG_E_LENGTH = -5,	/* fields do not fill exactly the length given */
	CMSG_E_ID = -6,		/* empty, too long or not printable ContentID */
	CMSG_E_COUNT = -7,	/* a list longer than the limits above */
	CMSG_E_FIELD = -8,	/* a field out of range (op, status, data length) */
};

/* An address and port: a CAFE, a server, a client. */
struct cmsg_hop {
	uint32_t addr;		/* IPv4, host order */
	uint16_t port;
};

/* One inter-domain link of an Announce: D4.3's start-up tuple. */
struct cmsg_link {
	uint32_t cafe;		/* neighbour CAFE */
	uint16_t cafe_port;
	uint32_t crme;		/* neighbour CRME */
};

struct cmsg_route {
	uint32_t prefix;	/* host bits clear */
	uint8_t plen;
	uint8_t npath;		/* CRMEs, the announcing one first, the origin last */
	uint32_t path[CMSG_MAX_PATH];
};

/*
 * One decoded message: the header's type and flags and every field any
 * type has (the comment says which types use it).  Decoding fills only
 * the fields of its type; the rest stay zero.
 */
struct cmsg {
	uint8_t type;
	uint8_t flags;			/* Configure op, Notify op, Consume/Content flags */
	uint32_t token;			/* ANNOUNCE, ACK, PUBLISH */
	uint8_t acked_type;		/* ACK */
	uint8_t part;			/* ANNOUNCE, its ACK: which part of the CAFE's links */
	uint32_t reqid;			/* CONSUME, CONSUME_REPLY */
	uint8_t status;			/* CONSUME_REPLY */
	char id[CMSG_ID_MAX + 1];	/* all but ANNOUNCE, ACK, ROUTES */
	struct cmsg_hop cafe;		/* ANNOUNCE: the announcing CAFE */
	struct cmsg_hop src;		/* NOTIFY, PUBLISH, CONTENT: the content server */
	struct cmsg_hop src_cafe;	/* PUBLISH: the server's CAFE (0 between CRMEs) */
	struct cmsg_hop prev;		/* NOTIFY: previous-hop CAFE (or the server) */
	struct cmsg_hop client;		/* CONSUME, CONSUME_REPLY: who asked */
	struct cmsg_hop client_cafe;	/* CONSUME: the client's CAFE (0 between CRMEs) */
	uint32_t first, last;		/* CONSUME: chunks wanted; last UINT32_MAX: to the end */
	uint64_t size;			/* PUBLISH, CONSUME_REPLY, CONTENT: content bytes */
	uint32_t nchunks;		/* CONSUME_REPLY, CONTENT */
	uint32_t seq;			/* CONTENT: chunk number from 0 */
	uint32_t tx;			/* CONTENT: the server's transmission number */
	uint64_t offset;		/* CONTENT: offset of the chunk's first byte */
	const uint8_t *data;		/* CONTENT: the bytes (points into the buffer) */
	uint16_t datalen;
	uint8_t nhops;			/* CONFIGURE, NOTIFY: next hops */
	struct cmsg_hop hops[CMSG_MAX_HOPS];
	uint8_t nlinks;			/* ANNOUNCE */
	struct cmsg_link links[CMSG_MAX_LINKS];
	uint8_t npath;			/* CONSUME: CRMEs crossed, the client's first */
	uint32_t path[CMSG_MAX_PATH];
	uint16_t nroutes;		/* ROUTES */
	struct cmsg_route routes[CMSG_MAX_ROUTES];
};

/* curling_msg.c */

/*
 * Encode m into buf (cap bytes).  Returns the length, or -1 if a field
 * is out of range or the message does not fit.
 */
int cmsg_encode(const struct cmsg *m, uint8_t *buf, size_t cap);
/* Decode len bytes into m.  Returns CMSG_OK or a negative enum cmsg_err. */
int cmsg_decode(const uint8_t *buf, size_t len, struct cmsg *m);
/* "Announce", "Configure", ...; "?" for an unknown type. */
const char *cmsg_type_name(int type);
/* Drop-reason name of a decoding error: "curling_truncated", ... */
const char *cmsg_err_name(int err);
/* "ok", "not_found", "loop", "no_path". */
const char *cmsg_status_name(int status);
/* Whether a ContentID is acceptable: 1..CMSG_ID_MAX bytes 0x21..0x7e, no '/', not "." or "..". */
bool cmsg_id_valid(const char *id, size_t len);

/* ---- shared helpers (curling_util.c) ---- */

#define CURLING_ADDRLEN	24	/* "10.0.2.2" or "2.2" and a NUL */

/*
 * An address as the curling scripts write it: a node id "a.b" (10.0.a.b)
 * or a dotted IPv4 literal.  Returns 0, or -1 (IPv6 and other forms are
 * refused: the coupled approach's messages carry IPv4).
 */
int curling_parse_addr(const char *s, uint32_t *addr);
/*
 * A port 1..65535 and a count min..max, read by units_uint() (sim/units.h)
 * into the types the classes keep; 0, or -1 with units_uint()'s message
 * about `what` in err.
 */
int curling_parse_port(const char *what, const char *s, uint16_t *port, char *err,
		       size_t errlen);
int curling_parse_count(const char *what, const char *s, unsigned min, unsigned max,
			unsigned *n, char *err, size_t errlen);
/*
 * Whether the option argv[i] (NAME=VALUE) was given before it, in
 * argv[from] to argv[i - 1]: 0, or -1 with "option \"NAME\" given twice"
 * in err (a second value would silently win).
 */
int curling_opt_once(char **argv, int from, int i, char *err, size_t errlen);
/*
 * Format an address the way D4.3 prints it: "2.2" for 10.0.2.2, the
 * dotted quad otherwise.  Returns buf (CURLING_ADDRLEN bytes).
 */
char *curling_fmt_addr(uint32_t addr, char *buf);
/* The domain number of an address: its /24 (getAddressPrefix, D4.3 6.3.2.1). */
uint32_t curling_prefix(uint32_t addr);
/* The node's own IPv4 address: its router id, else its first IPv4 address; 0 if none. */
uint32_t curling_node_addr(const struct node *n);
/* Whether addr is a router id or an interface address of a node of net. */
bool curling_addr_known(const struct net *net, uint32_t addr);
/*
 * At load time (a class's check): the first of the n addresses (roles[i]
 * says what it is) that addr_known does not know, as "ROLE 9.9 (10.0.9.9)
 * is not in the topology" in err.  Returns 0, or -1.
 */
int curling_check_known(const uint32_t *addrs, const char *const *roles, unsigned n,
			entity_addr_known_fn addr_known, void *ctx, char *err, size_t errlen);
/*
 * At start, for an instance whose check did not run (created without
 * the scenario loader, as the unit tests do): log an error for each of
 * the n addresses that no node of the network has.  Returns how many.
 */
unsigned curling_check_addrs(struct entity *e, const char *who, const uint32_t *addrs,
			     const char *const *roles, unsigned n);
/*
 * Claim UDP port `port` on the node called `node` for `owner` (a struct
 * entity) at load time, so that two curling entities on one router cannot
 * share a port; instances of different lives of the router (node_life)
 * do not run together and may.  Returns 0, or -1 if another owner holds
 * it.  Released by curling_port_release(owner).
 */
int curling_port_claim(const char *node, uint16_t port, const void *owner);
/* The same for a TCP port (a CRME's rae=): a space of its own. */
int curling_tcp_port_claim(const char *node, uint16_t port, const void *owner);
void curling_port_release(const void *owner);
/* Encode m and send it from sock to addr:port.  Returns 0, or -1 (not encodable, not sent). */
int curling_send(struct udp_sock *s, uint32_t addr, uint16_t port, const struct cmsg *m);
/*
 * What s sends leaves from the node's router id, the address the other
 * curling entities know it by (curling_node_addr), whichever interface
 * the route takes; a node without one sends from the interface's.
 */
void curling_sock_source(struct udp_sock *s, const struct node *n);
/*
 * The bytes of a generated content: `size` bytes drawn from a stream
 * seeded by (seed, id), the same on every run and every machine.
 */
uint8_t *curling_content_generate(const char *id, uint64_t seed, uint64_t size);

/* ---- the classes ---- */

/* curling_cafe.c */
extern const struct entity_class curling_cafe_class;

/* crme.c */
extern const struct entity_class crme_class;

/* content_server.c */
extern const struct entity_class content_server_class;

/* content_client.c */
extern const struct entity_class content_client_class;

#endif /* ENTITIES_CURLING_CURLING_H */
