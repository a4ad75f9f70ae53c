/*
 * comet.h - the COMET header, version 1: the one encoder and the one
 * parser of the project (doc/comet-header.md).
 *
 *    0       1       2       3       4       5       6
 *   +-------+-------+-------+-------+-------+-------+---------- - -+
 *   |version|  cos  |length | index | next protocol | keys (length)|
 *   +-------+-------+-------+-------+-------+-------+---------- - -+
 *
 * Carried after Ethernet or 802.1Q with EtherType 0xCCCC, or inside GRE
 * with protocol type 0xCCCC; the original IP packet follows the keys.
 */
#ifndef ENTITIES_CAFE_COMET_H
#define ENTITIES_CAFE_COMET_H

#include <stddef.h>
#include <stdint.h>

#include "sim/pkt.h"

#define ETHERTYPE_COMET	0xCCCC
#define COMET_VERSION	1
#define COMET_HLEN	6	/* without the keys */
#define COMET_MAX_KEYS	255

enum comet_cos {
	COMET_COS_BE = 0,	/* best effort */
	COMET_COS_BTBE = 1,	/* better than best effort */
	COMET_COS_PR = 2,	/* premium */
};

struct comet_hdr {
	uint8_t version;
	uint8_t cos;
	uint8_t length;		/* number of keys */
	uint8_t index;		/* keys already used */
	uint16_t next_proto;	/* EtherType of the payload */
	const uint8_t *keys;	/* into the parsed buffer */
};

/* What the parser found wrong, in the order it checks. */
enum comet_err {
	COMET_OK = 0,
	COMET_TRUNCATED,	/* shorter than 6 bytes, or than 6 + length */
	COMET_BAD_VERSION,	/* version is not 1 */
	COMET_INDEX_BEYOND_LENGTH,	/* index > length */
};

/* comet.c */

/*
 * Parse the header at p (len bytes available).  Returns COMET_OK with h
 * filled, or the first problem found.  Does not judge next_proto: a CAFE
 * only needs it when it decapsulates.
 */
enum comet_err comet_parse(const uint8_t *p, size_t len, struct comet_hdr *h);
/* Bytes of a header with n keys. */
static inline size_t
comet_hdr_len(unsigned n)
{
	return COMET_HLEN + n;
}
/*
 * Prepend a header (version 1, index 0) with the keys to the packet,
 * whose data is a packet of EtherType next_proto.  Returns the header.
 */
uint8_t *comet_push(struct pkt *p, uint8_t cos, const uint8_t *keys, uint8_t nkeys,
		    uint16_t next_proto);
/* Write a header into buf (comet_hdr_len(nkeys) bytes). */
void comet_write(uint8_t *buf, uint8_t cos, uint8_t index, const uint8_t *keys,
		 uint8_t nkeys, uint16_t next_proto);
/*
 * Parse a key list written as hex digits, two per key ("1234567890abcdef"
 * is 12 34 56 78 90 ab cd ef).  Returns the number of keys, or -1 if the
 * text is empty, odd, not hex, or longer than max keys.
 */
int comet_keys_parse(const char *hex, uint8_t *keys, size_t max);
/* Format keys as hex into buf (2 * n + 1 bytes). */
char *comet_keys_fmt(const uint8_t *keys, unsigned n, char *buf);
/* Parse one key "a7" (one or two hex digits); -1 if malformed. */
int comet_key_parse(const char *s);
/* The name of a parse error, for drop reasons and logs. */
const char *comet_err_name(enum comet_err e);

#endif /* ENTITIES_CAFE_COMET_H */
