/*
 * agent.h - the CAFE management agent (D4.3 sections 5.2.3 and 5.3.4) and
 * its self test (D4.3 section 5.4.2, test 1; Appendix B's test.py).
 *
 * The agent (class usr.stateless.CafeAgent, alias "cafe_agent") listens
 * on emulated TCP on a CAFE node for the CME.  Every message, both ways,
 * is a 2-byte big-endian length and a protobuf body of cmecafe.proto: a
 * GenericRequest from the CME, one GenericResponse back for each, in
 * order.  CONFIGURE_STREAM becomes a filter of the node's stateless CAFE
 * through cafe_filter_add(), the function ci_tool add ends in;
 * COLLECT_EXPIRED_STREAMS hands over what cafe_collect() gives.
 *
 * The self test (class usr.stateless.AgentTest, alias "agent_test") is
 * the client side: it does what test.py does and checks every answer.
 * doc/cafe-agent.md describes both, the message layouts and the reasons.
 *
 * The instance structs are here so that the unit tests can drive the
 * agent without TCP; no other entity may look inside them.  Prototypes
 * are grouped by the file that defines them.
 */
#ifndef ENTITIES_CAFE_AGENT_H
#define ENTITIES_CAFE_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "entities/cafe/cafe.h"
#include "entities/cafe/cmecafe.pb-c.h"
#include "sim/addr.h"
#include "sim/entity.h"
#include "sim/sim.h"
#include "sim/tcp.h"

#define CAFE_AGENT_PORT		9999	/* Appendix B's PORT */
#define CAFE_AGENT_MAX_MSG	65535	/* the most a 2-byte length can say */
#define CAFE_AGENT_FRAME_HDR	2

/* Short names for the generated protobuf-c types. */
typedef Comet__Cmecafe__GenericRequest cafe_agent_req;
typedef Comet__Cmecafe__GenericResponse cafe_agent_resp;
typedef Comet__Cmecafe__ConfigureStream cafe_agent_cfg;
typedef Comet__Cmecafe__ExpiredStream cafe_agent_rec;
#define CAFE_AGENT_CONFIGURE	COMET__CMECAFE__GENERIC_REQUEST__TYPE__CONFIGURE_STREAM
#define CAFE_AGENT_COLLECT	COMET__CMECAFE__GENERIC_REQUEST__TYPE__COLLECT_EXPIRED_STREAMS
#define CAFE_AGENT_SUCCESS	COMET__CMECAFE__GENERIC_RESPONSE__STATUS__CAFE_SUCCESS
#define CAFE_AGENT_FAILURE	COMET__CMECAFE__GENERIC_RESPONSE__STATUS__CAFE_FAILURE

/*
 * Cuts a TCP byte stream into messages: bytes go in as they arrive, split
 * or merged any way, and whole bodies come out in order.
 */
struct cafe_agent_framer {
	GByteArray *buf;
	size_t off;		/* bytes of buf already handed out */
};

/* One connection of an agent. */
struct cafe_agent_conn {
	struct cafe_agent *agent;
	struct tcp_sock *sock;
	char peer[ADDR_STRLEN + 8];	/* "addr:port" or "[addr]:port" */
	struct cafe_agent_framer fr;
	uint64_t requests;	/* answered on this connection */
	bool closing;		/* a malformed message came: ignore the rest */
};

/* usr.stateless.CafeAgent */
struct cafe_agent {
	struct entity e;
	/* arguments */
	uint16_t port;
	/* run */
	struct tcp_sock *listener;
	GPtrArray *conns;	/* struct cafe_agent_conn *, accept order */
	GArray *pending;	/* struct cafe_expired collected from the CAFE, not yet sent */
	/* statistics */
	uint64_t connections;	/* accepted */
	uint64_t requests;	/* well-formed requests answered */
	uint64_t configure_success, configure_failure;
	uint64_t collects;	/* COLLECT_EXPIRED_STREAMS answered */
	uint64_t records_sent;	/* expired-stream records handed to the CME */
	uint64_t other_failures;	/* requests without a type, of an unknown type */
	uint64_t malformed;	/* connections closed for a body that is not a GenericRequest */
	uint64_t truncated;	/* connections that ended inside a message */
};

/* What one step of the self test sends and expects. */
enum cafe_agent_step_kind {
	AT_STEP_COLLECT_FIRST,	/* collect streams, receive the response (any) */
	AT_STEP_CONFIGURE,	/* a flow: CAFE_SUCCESS expected */
	AT_STEP_REFUSE,		/* a configuration the CAFE must refuse */
	AT_STEP_COLLECT_LAST,	/* after the refresh time: the flows' records */
};

struct cafe_agent_step {
	enum cafe_agent_step_kind kind;
	uint32_t id;		/* the stream id sent (configure, refuse) */
	const char *what;	/* refuse: "duplicate id", "empty key list", ... */
	const char *want;	/* refuse: text the reason must contain */
};

/* The self test's state (cafe_agent_test_fsm draws it). */
enum cafe_agent_test_state {
	AT_IDLE = 0,
	AT_CONNECTING,
	AT_RUNNING,		/* requests out, answers expected */
	AT_WAITING,		/* for the flows to expire */
	AT_DONE,		/* every step answered; connection closing */
	AT_FAILED,		/* the agent could not be reached or stopped answering */
};

/* usr.stateless.AgentTest */
struct cafe_agent_test {
	struct entity e;
	/* arguments */
	struct addr dst;
	char dst_ep[ADDR_STRLEN + 8];	/* "addr:port", for the log */
	uint16_t dport;
	uint32_t flows;		/* 1..1000 flows, ids 1..flows */
	uint32_t refresh;	/* refresh_time of every flow, seconds */
	sim_time_t start_delay, collect_after, timeout;
	uint32_t chunk;		/* 0: prefix then body, as test.py; else pieces of this many bytes */
	bool pipeline;		/* send every CONFIGURE_STREAM at once */
	char src[ADDR_STRLEN], dst_filter[ADDR_STRLEN];	/* the flows' filter, as sent */
	struct addr src_a, dst_a;	/* the same parsed (af 0: any), to check records */
	uint32_t f_proto, f_sport, f_dport;	/* the flows' protocol and ports */
	uint8_t keys[COMET_MAX_KEYS];	/* keys= (nkeys 0: test.py's 01 02 <id>) */
	unsigned nkeys;
	/* run */
	enum cafe_agent_test_state state;
	struct tcp_sock *sock;
	struct cafe_agent_framer fr;
	struct sim_timer timer;	/* start, collect_after, answer timeout */
	struct cafe_agent_step *steps;
	uint32_t nsteps;
	uint32_t next_send;	/* the next step to send */
	uint32_t next_answer;	/* the step the next response answers */
	uint8_t *seen;		/* flows: records of the last collect seen, by id */
	bool waited;		/* collect_after has passed */
	/* statistics */
	uint64_t connected, requests, responses;
	uint64_t successes;	/* flows answered CAFE_SUCCESS */
	uint64_t failures_expected;	/* refusals answered CAFE_FAILURE with their reason */
	uint64_t failures_unexpected;	/* any other answer */
	uint64_t records_first;	/* records of the first collect */
	uint64_t collects;	/* COLLECT_EXPIRED_STREAMS answered */
	uint64_t records_collected, records_ok, records_bad;	/* of the last collect(s) */
	uint64_t malformed_responses;
	uint64_t finished;	/* 1 once every step was answered */
	uint64_t passed;	/* 1 if every answer was as expected */
};

/* agent.c */

extern const struct entity_class cafe_agent_class;

void cafe_agent_framer_init(struct cafe_agent_framer *f);
void cafe_agent_framer_fini(struct cafe_agent_framer *f);
/* Append bytes received. */
void cafe_agent_framer_push(struct cafe_agent_framer *f, const void *data, size_t len);
/*
 * The next whole message: 1 with *body and *len set (valid until the next
 * push), 0 when more bytes are needed.
 */
int cafe_agent_framer_next(struct cafe_agent_framer *f, const uint8_t **body, size_t *len);
/* Bytes held that are not yet a whole message; *want: that message's size, 0 if unknown. */
size_t cafe_agent_framer_held(const struct cafe_agent_framer *f, size_t *want);
/* Append the length prefix and the packed message to out; -1 if longer than 65535 bytes. */
int cafe_agent_frame(const ProtobufCMessage *m, GByteArray *out);
/* "BE", "BTBE", "PR"; NULL for another value. */
const char *cafe_agent_cos_name(unsigned cos);
/* 0, 1, 2 from "BE", "BTBE", "PR"; -1 otherwise. */
int cafe_agent_cos_parse(const char *s);
/*
 * The filter spec of a CONFIGURE_STREAM, as ci_tool add's arguments give
 * one (cafe_filter_spec_parse), plus bandwidth and AS path.  -1 with err
 * set if a field cannot be one (no id, bad address, protocol > 255, port
 * > 65535, unknown class of service, more than 255 keys, AS path too
 * long); what the CAFE itself refuses (a duplicate id, no key, mixed
 * families) is left to cafe_filter_add.
 */
int cafe_agent_spec(const cafe_agent_cfg *c, struct cafe_filter_spec *s, char *err,
		    size_t errlen);

/* Storage for the strings and AS path of one record. */
struct cafe_agent_rec_buf {
	char src[ADDR_STRLEN], dst[ADDR_STRLEN];
	uint32_t as_path[64];
};

/* Fill r (initialised here) from an expired stream; r points into b. */
void cafe_agent_record(const struct cafe_expired *x, cafe_agent_rec *r,
		       struct cafe_agent_rec_buf *b);
/*
 * Answer one body received from a connection of agent a: the framed
 * response is appended to out.  Returns 0, or -1 when the body is not a
 * GenericRequest (why says what is wrong; out then holds a CAFE_FAILURE
 * saying so, and the caller closes the connection).  peer names the
 * connection in the log.
 */
int cafe_agent_answer(struct cafe_agent *a, const char *peer, const uint8_t *body, size_t len,
		      GByteArray *out, char *why, size_t whylen);

/* agent_test.c */

extern const struct entity_class cafe_agent_test_class;

#endif /* ENTITIES_CAFE_AGENT_H */
