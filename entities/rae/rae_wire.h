/*
 * rae_wire.h - the framing of the RAE's TCP connections (doc/rae.md, "The
 * inter-RAE protocol"; D4.3 figure 6): a 5-byte header, 1 byte message type
 * and 4
 * bytes body length in network byte order, then the protobuf body.
 *
 * Both ends of both interfaces use it: RAE to RAE (rae.proto) and RAE to
 * CME (cmerae.proto), which is why the CME entity includes this header
 * (and rae_score.h, the metric and the score) and nothing else of the
 * RAE.  Implemented in rae_msg.c.
 */
#ifndef ENTITIES_RAE_RAE_WIRE_H
#define ENTITIES_RAE_RAE_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#define RAE_HDR_LEN	5
#define RAE_MAX_BODY	(16u << 20)	/* a longer announced body resets the session */
#define RAE_MAX_ASPATH	255	/* ASes in one AS path of a message */

enum rae_msg_type {
	RAE_MSG_OPEN = 1,
	RAE_MSG_KEEPALIVE = 2,
	RAE_MSG_UPDATE = 3,
	RAE_MSG_WITHDRAW = 4,
	RAE_MSG_REFRESH = 5,		/* the project's: send your paths again */
	RAE_MSG_CME_REQUEST = 16,	/* cmerae GenericRequest, RAE -> CME */
	RAE_MSG_CME_REPLY = 17,		/* cmerae Reply, CME -> RAE */
};

/* Reassembles messages from the bytes of a TCP stream. */
struct rae_framer {
	uint8_t *buf;
	size_t off, len, cap;	/* unread bytes are buf[off .. off+len) */
};

struct ProtobufCMessage;

/* rae_msg.c */

/* Name of a message type ("open", ...; "type 9" for others, in buf). */
const char *rae_msg_name(unsigned type, char *buf, size_t len);
/* Whether a type is one the framing defines. */
int rae_msg_type_known(unsigned type);
void rae_framer_init(struct rae_framer *f);
void rae_framer_fini(struct rae_framer *f);
/* Append bytes received. */
void rae_framer_push(struct rae_framer *f, const uint8_t *data, size_t len);
/*
 * The next whole message: 1 with *type, *body and *len set (body valid
 * until the next call), 0 if more bytes are needed, -1 with a reason if
 * the header is bad (unknown type, body longer than RAE_MAX_BODY): the
 * stream cannot be resynchronised.
 */
int rae_framer_next(struct rae_framer *f, unsigned *type, const uint8_t **body,
		    size_t *len, char *why, size_t whylen);
/* Append one framed message (header and packed body; m NULL: empty body). */
void rae_frame_append(GByteArray *out, unsigned type, const struct ProtobufCMessage *m);
/*
 * Memory for decoded and built messages: protobuf-c's allocator over a
 * bump arena.  A message of thousands of prefixes is thousands of small
 * objects; the arena hands them out from large chunks and forgets them
 * all at once, so decoding a million prefixes does not make malloc work
 * for each (with glibc that made the run superlinear).
 */
struct rae_pbchunk;
struct prefix;
struct rae_pbarena {
	struct {
		void *(*alloc)(void *data, size_t size);
		void (*free)(void *data, void *p);
		void *data;
	} allocator;		/* a ProtobufCAllocator */
	struct rae_pbchunk *chunks;	/* the first one is kept by reset */
	struct rae_pbchunk *cur;	/* the one allocations come from */
	/*
	 * The prefixes of the Update or Withdraw last decoded into the arena,
	 * as its checks parsed them, in the message's order (route by route,
	 * each route's in order), so that applying it parses none again;
	 * NULL after any other message and after a reset.
	 */
	struct prefix *pfx;
	size_t npfx;
};

void rae_pbarena_init(struct rae_pbarena *a);
/* Forget everything allocated; the first chunk is kept for the next use. */
void rae_pbarena_reset(struct rae_pbarena *a);
/* Free every chunk; the arena may be used again, from nothing. */
void rae_pbarena_fini(struct rae_pbarena *a);
/* size zeroed bytes, aligned for any type, valid until reset or fini. */
void *rae_pbarena_alloc(struct rae_pbarena *a, size_t size);
/*
 * Decode the body of a message of `type`: the wire walk of entities/pbcheck.c,
 * protobuf-c's unpack into the arena (reset first), then the checks of
 * the values (see rae_msg.c).  Returns the protobuf-c message of the
 * type's .proto (rae.proto or cmerae.proto), valid until the arena is
 * reset, or NULL with the reason.  An Update or Withdraw written the
 * way the RAEs write them is decoded in one pass instead of the walk
 * and the unpack, into the same structure (rae_msg.c says when).
 */
struct ProtobufCMessage *rae_msg_decode(unsigned type, const uint8_t *body, size_t len,
					struct rae_pbarena *a, char *why, size_t whylen);
/* rae_msg_decode without the one pass: the tests compare the two. */
struct ProtobufCMessage *rae_msg_decode_general(unsigned type, const uint8_t *body, size_t len,
						struct rae_pbarena *a, char *why,
						size_t whylen);

#endif /* ENTITIES_RAE_RAE_WIRE_H */
