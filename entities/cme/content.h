/*
 * content.h - the two ends of a content transfer the CME mediates:
 * usr.cme.Client (alias cme_client) asks the CME for a content over the
 * client interface (entities/cme/cmeclient.proto, UDP port 9091) and
 * fetches it from the server the CME names; usr.cme.Server (alias
 * cme_server) serves named contents of given sizes over TCP.
 *
 * The transfer is one TCP connection from the client's `port` to the
 * server: the client sends one line "GET <name>\n", the server answers
 * with the content's bytes (byte i is cme_content_byte(i)) and closes,
 * or with one line "ERR <why>\n" and closes.  doc/content-apps.md
 * describes the arguments, the log and the statistics.
 *
 * The instance structs stay inside content.c: nothing else needs them.
 */
#ifndef ENTITIES_CME_CONTENT_H
#define ENTITIES_CME_CONTENT_H

#include <stdint.h>

#include "sim/entity.h"

#define CME_CLIENT_PORT		9091	/* the CME's client port (cmeclient.proto) */
#define CME_GET_LINE_MAX	256	/* longest request line, "\n" excluded */

/* Byte i of every content a usr.cme.Server sends. */
static inline uint8_t
cme_content_byte(uint64_t i)
{
	return (uint8_t)((i * 13 + 5) & 0xff);
}

/* content.c */
extern const struct entity_class cme_content_client_class;	/* usr.cme.Client */
extern const struct entity_class cme_content_server_class;	/* usr.cme.Server */

#endif /* ENTITIES_CME_CONTENT_H */
