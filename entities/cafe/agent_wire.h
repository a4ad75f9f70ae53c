/*
 * agent_wire.h - the wire format of the CME-CAFE interface (D4.3 section
 * 5.2.3, Appendix B; doc/cafe-agent.md): every message, both ways, is a
 * 2-byte big-endian length and a protobuf body of cmecafe.proto, a
 * GenericRequest from the CME and one GenericResponse back for each.
 *
 * Both ends use it: the agent (agent.c) and the CME (entities/cme), which
 * includes this header and nothing else of the CAFE.  Implemented in
 * agent_wire.c.
 */
#ifndef ENTITIES_CAFE_AGENT_WIRE_H
#define ENTITIES_CAFE_AGENT_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "entities/cafe/cmecafe.pb-c.h"

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

/* agent_wire.c */

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

#endif /* ENTITIES_CAFE_AGENT_WIRE_H */
