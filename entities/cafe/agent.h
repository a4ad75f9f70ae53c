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

#include "entities/cafe/agent_wire.h"
#include "entities/cafe/cafe.h"
#include "entities/cafe/cmecafe.pb-c.h"
#include "sim/addr.h"
#include "sim/entity.h"
#include "sim/sim.h"
#include "sim/tcp.h"

/* (The wire format, the framer and the short type names are in agent_wire.h.) */

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
