/*
 * pbcheck.h - the protobuf wire format checked field by field against
 * protobuf-c's descriptors (pbcheck.c), so that a malformed buffer is
 * refused with a reason naming the field and the byte.
 */
#ifndef ENTITIES_PBCHECK_H
#define ENTITIES_PBCHECK_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

/*
 * Walk a protobuf message against its descriptor without building it:
 * every tag, length and nested message must be well formed, every known
 * field must have its wire type, a 32-bit field's value must fit and a
 * string must be UTF-8 without NUL.  Unknown fields are skipped.
 * Returns 0, or -1 with a reason naming the field path and the byte
 * offset ("peer_table[1].class_table[0].cos_id: wire type 2
 * (length-delimited), expected 0 (varint) (byte 57)").
 */
int pb_check(const ProtobufCMessageDescriptor *d, const uint8_t *buf, size_t len, char *why,
	     size_t whylen);
/*
 * pb_check, then protobuf-c's unpack: the message (free it with
 * protobuf_c_message_free_unpacked), or NULL with why set.
 */
ProtobufCMessage *pb_unpack(const ProtobufCMessageDescriptor *d, const uint8_t *buf,
			    size_t len, char *why, size_t whylen);

#endif /* ENTITIES_PBCHECK_H */
