/*
 * echo.h - usr.echo.Echo, the template entity: the smallest complete
 * entity family of the project, written to be copied
 * (doc/adding-an-entity.md; what it does for a user: doc/echo.md).
 *
 *   usr.echo.Echo <port> [peer=ADDRESS] [count=N] [interval=DURATION]
 *
 * An echo binds a UDP port and answers every request that reaches it
 * with a reply carrying the request's sequence number and time.  Given
 * peer=, it also sends `count` requests to the same port at the peer, one
 * every `interval`, and measures the round trip of each reply.  Frames
 * that are not echo messages are counted by reason and dropped.
 *
 * The wire format is the family's own (doc/echo.md, "Wire format"; the
 * Wireshark dissector entities/echo/cometsim-echo.lua decodes it).  One
 * message per UDP datagram, big endian, exactly ECHO_MSG_LEN bytes:
 *
 *   offset size  field
 *   0      2     magic      0x4543 ("EC")
 *   2      1     version    1
 *   3      1     type       1 request, 2 reply
 *   4      4     sequence   from 0, per sender
 *   8      8     time       the virtual time the request was sent, in ns;
 *                           a reply carries its request's
 *
 * A family's header is a table of contents: the wire format, the
 * instance struct (here so that the unit test can check what init
 * parsed; no other family may look inside it), then the prototypes
 * grouped by the file that defines them.
 */
#ifndef ENTITIES_ECHO_ECHO_H
#define ENTITIES_ECHO_ECHO_H

#include <stddef.h>
#include <stdint.h>

#include "sim/addr.h"
#include "sim/entity.h"
#include "sim/sim.h"

#define ECHO_MSG_LEN	16
#define ECHO_MAGIC	0x4543
#define ECHO_VERSION	1

enum echo_type {
	ECHO_REQUEST = 1,
	ECHO_REPLY = 2,
};

/* One message, decoded. */
struct echo_msg {
	enum echo_type type;
	uint32_t seq;
	sim_time_t sent;	/* virtual time the request was sent */
};

/*
 * Why a datagram is not an echo message, in the order echo_msg_decode()
 * checks; each has a counter of its own ("malformed_<name>").
 */
enum echo_err {
	ECHO_OK = 0,
	ECHO_ERR_LENGTH,	/* not exactly ECHO_MSG_LEN bytes */
	ECHO_ERR_MAGIC,		/* the first two bytes are not 0x4543 */
	ECHO_ERR_VERSION,	/* a version other than 1 */
	ECHO_ERR_TYPE,		/* neither a request nor a reply */
	ECHO_ERR_N
};

/* usr.echo.Echo */
struct echo {
	struct entity e;	/* the base: first, always */
	/* arguments (init) */
	uint16_t port;		/* bound at start, the peer's port too */
	int has_peer;		/* peer= was given: this echo also asks */
	struct addr peer;
	char peer_str[ADDR_STRLEN];	/* peer, formatted for the log */
	uint32_t count;		/* requests to send in all */
	sim_time_t interval;	/* between two requests */
	/* run (start, stop) */
	struct udp_sock *sock;
	struct sim_timer timer;	/* the next request */
	uint32_t next_seq;	/* requests tried so far; goes on after a restart */
	/* counters (stats) */
	uint64_t requests_sent, send_errors, replies_received;
	uint64_t unexpected;	/* replies to no request of ours */
	uint64_t requests_received, replies_sent;
	uint64_t malformed[ECHO_ERR_N];	/* by reason; [ECHO_OK] unused */
	sim_time_t rtt_min, rtt_max;
	unsigned __int128 rtt_sum;	/* 2^32 round trips of up to SIM_TIME_LIMIT fit */
};

/* echo.c */
extern const struct entity_class echo_class;

/* echo_msg.c: the wire format, with no state, for the entity and the tests */

/* Write m into buf, which has room for ECHO_MSG_LEN bytes. */
void echo_msg_encode(uint8_t *buf, const struct echo_msg *m);
/*
 * Read the len bytes at buf into *m.  Returns ECHO_OK, or why they are
 * not an echo message (*m is then unspecified).  Reads no byte beyond
 * len.
 */
enum echo_err echo_msg_decode(const uint8_t *buf, size_t len, struct echo_msg *m);
/* The name of a reason, as its counter has it after "malformed_": "length". */
const char *echo_err_name(enum echo_err err);

#endif /* ENTITIES_ECHO_ECHO_H */
