/*
 * pbcheck.c - a checker of the protobuf wire format (the "Encoding" page
 * of the protobuf documentation) driven by protobuf-c's descriptors, for
 * every entity that reads protobuf from a file or a peer (the RAE's
 * configuration and messages, the CAFE agent, the CME).
 *
 * protobuf-c's unpack says only "no" when a buffer is wrong.  An entity
 * must say what is wrong: a configuration file with a field of the wrong
 * type is an error naming the file and the field, and a malformed
 * message from a peer closes its connection with a logged reason.  So
 * every buffer is walked here first, field by field, before protobuf-c
 * builds it; the walk allocates nothing and bounds its recursion.
 *
 * Checked: tags (field number 1..2^29-1, wire type 0, 1, 2 or 5; groups
 * are refused, as protobuf-c refuses them), varints (at most 10 bytes;
 * a 32-bit field's value fits 32 bits), lengths (inside the buffer), the
 * wire type of every known field (a repeated scalar may come packed),
 * strings (valid UTF-8 without NUL bytes, as protobuf-c turns them into
 * C strings) and nested messages, recursively.  Unknown fields are
 * skipped, as protobuf intends.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <protobuf-c/protobuf-c.h>

#include "entities/pbcheck.h"

#define PB_MAX_DEPTH	16

enum { WT_VARINT = 0, WT_64 = 1, WT_LEN = 2, WT_SGROUP = 3, WT_EGROUP = 4, WT_32 = 5 };

static const char *const wt_names[] = {
	"0 (varint)", "1 (64-bit)", "2 (length-delimited)", "3 (group start)",
	"4 (group end)", "5 (32-bit)", "6", "7",
};

struct pb_walk {
	const uint8_t *base;	/* the whole buffer, for offsets */
	char *why;
	size_t whylen;
};

/* Read a varint at *p (below end); -1 if it is cut or longer than 10 bytes. */
static int
pb_varint(const uint8_t **p, const uint8_t *end, uint64_t *v)
{
	uint64_t x = 0;

	for (unsigned i = 0; i < 10; i++) {
		if (*p >= end)
			return -1;
		uint8_t b = *(*p)++;

		x |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return -1;
}

/* The wire type a field's values have when not packed. */
static int
pb_field_wt(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_BOOL:
	case PROTOBUF_C_TYPE_ENUM:
		return WT_VARINT;
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_FLOAT:
		return WT_32;
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_DOUBLE:
		return WT_64;
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_BYTES:
	case PROTOBUF_C_TYPE_MESSAGE:
		return WT_LEN;
	}
	return -1;
}

/* Whether a varint value fits the field's C type (32-bit types). */
static bool
pb_varint_fits(ProtobufCType t, uint64_t v)
{
	switch (t) {
	case PROTOBUF_C_TYPE_UINT32:
		return v <= UINT32_MAX;
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_ENUM:	/* an int32 on the wire; protobuf-c keeps 32 bits */
		/* Negative int32 values are sign-extended to 64 bits. */
		return v <= INT32_MAX || v >= 0xffffffff80000000ULL;
	case PROTOBUF_C_TYPE_SINT32:
		return v <= UINT32_MAX;
	default:
		return true;
	}
}

static const char *
pb_wt_expected(int wt)
{
	return wt_names[wt & 7];
}

/*
 * Where the walk is, as a chain of frames on the stack: the field path
 * ("peer_table[1].class_table[0].cos_id") is written only when a check
 * fails, so a good buffer costs no formatting.
 */
struct pb_frame {
	const struct pb_frame *up;
	const char *name;	/* NULL: the top-level message */
	int index;		/* repeated fields: the element; else -1 */
};

static size_t
pb_path_fmt(const struct pb_frame *f, char *buf, size_t len)
{
	size_t n = 0;

	if (!f || !f->name) {
		if (len)
			buf[0] = '\0';
		return 0;
	}
	n = pb_path_fmt(f->up, buf, len);
	if (n >= len)
		return n;
	if (f->index >= 0)
		n += (size_t)snprintf(buf + n, len - n, "%s%s[%d]", n ? "." : "", f->name, f->index);
	else
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "." : "", f->name);
	return n;
}

static int
pb_fail(struct pb_walk *w, const struct pb_frame *f, const uint8_t *at, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
pb_fail(struct pb_walk *w, const struct pb_frame *f, const uint8_t *at, const char *fmt, ...)
{
	char msg[256], path[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	pb_path_fmt(f, path, sizeof(path));
	snprintf(w->why, w->whylen, "%s%s%s (byte %td)", path, path[0] ? ": " : "", msg,
		 at - w->base);
	return -1;
}

static int pb_walk_msg(struct pb_walk *w, const ProtobufCMessageDescriptor *d,
		       const uint8_t *p, const uint8_t *end, const struct pb_frame *path,
		       int depth);

/* The values of one packed repeated field, p..end. */
static int
pb_walk_packed(struct pb_walk *w, const ProtobufCFieldDescriptor *f, const uint8_t *p,
	       const uint8_t *end, const struct pb_frame *path)
{
	int wt = pb_field_wt(f->type);
	uint64_t v;

	while (p < end) {
		const uint8_t *at = p;

		if (wt == WT_VARINT) {
			if (pb_varint(&p, end, &v) < 0)
				return pb_fail(w, path, at, "packed varint cut or too long");
			if (!pb_varint_fits(f->type, v))
				return pb_fail(w, path, at, "value %" PRIu64 " does not fit 32 bits", v);
		} else {
			size_t sz = wt == WT_32 ? 4 : 8;

			if ((size_t)(end - p) < sz)
				return pb_fail(w, path, at, "packed values cut");
			p += sz;
		}
	}
	return 0;
}

/*
 * One field value; *pp points after the tag, which starts at tagat (for
 * the messages).  Advances *pp past the value.
 */
static int
pb_walk_field(struct pb_walk *w, const ProtobufCFieldDescriptor *f, int wt,
	      const uint8_t *tagat, const uint8_t **pp, const uint8_t *end,
	      const struct pb_frame *path, int depth)
{
	const uint8_t *p = *pp, *at = *pp;
	int want = pb_field_wt(f->type);
	uint64_t v, len;

	if (wt != want) {
		bool packable = f->label == PROTOBUF_C_LABEL_REPEATED && want != WT_LEN;

		if (!(packable && wt == WT_LEN))
			return pb_fail(w, path, tagat, "wire type %s, expected %s", wt_names[wt],
				       pb_wt_expected(want));
	}
	switch (wt) {
	case WT_VARINT:
		if (pb_varint(&p, end, &v) < 0)
			return pb_fail(w, path, at, "varint cut or longer than 10 bytes");
		if (!pb_varint_fits(f->type, v))
			return pb_fail(w, path, at, "value %" PRIu64 " does not fit 32 bits", v);
		break;
	case WT_64:
	case WT_32: {
		size_t sz = wt == WT_32 ? 4 : 8;

		if ((size_t)(end - p) < sz)
			return pb_fail(w, path, at, "%zu-byte value cut", sz);
		p += sz;
		break;
	}
	case WT_LEN:
		if (pb_varint(&p, end, &len) < 0)
			return pb_fail(w, path, at, "length cut or longer than 10 bytes");
		if (len > (uint64_t)(end - p))
			return pb_fail(w, path, at, "length %" PRIu64 " runs past the end "
				       "(%td bytes left)", len, end - p);
		if (want != WT_LEN) {
			if (pb_walk_packed(w, f, p, p + len, path) < 0)
				return -1;
		} else if (f->type == PROTOBUF_C_TYPE_STRING) {
			if (memchr(p, 0, len))
				return pb_fail(w, path, at, "string holds a NUL byte");
			if (!g_utf8_validate((const char *)p, (gssize)len, NULL))
				return pb_fail(w, path, at, "string is not valid UTF-8");
		} else if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
			if (pb_walk_msg(w, f->descriptor, p, p + len, path, depth + 1) < 0)
				return -1;
		}
		p += len;
		break;
	}
	*pp = p;
	return 0;
}

static int
pb_walk_msg(struct pb_walk *w, const ProtobufCMessageDescriptor *d, const uint8_t *p,
	    const uint8_t *end, const struct pb_frame *path, int depth)
{
	unsigned counts[64] = { 0 };	/* repeated field indexes, by field position */

	if (depth > PB_MAX_DEPTH)
		return pb_fail(w, path, p, "messages nested too deep");
	while (p < end) {
		const uint8_t *at = p;
		const ProtobufCFieldDescriptor *f;
		uint64_t tag, v;
		uint32_t id;
		int wt;

		if (pb_varint(&p, end, &tag) < 0)
			return pb_fail(w, path, at, "tag cut or longer than 10 bytes");
		wt = (int)(tag & 7);
		if ((tag >> 3) == 0 || (tag >> 3) > 0x1fffffff)
			return pb_fail(w, path, at, "field number %" PRIu64 " out of range",
				       tag >> 3);
		id = (uint32_t)(tag >> 3);
		if (wt == WT_SGROUP || wt == WT_EGROUP || wt > WT_32)
			return pb_fail(w, path, at, "field %" PRIu32 ": wire type %s is not "
				       "supported", id, wt_names[wt]);
		f = protobuf_c_message_descriptor_get_field(d, id);
		if (!f) {
			/* Unknown: skip its value, which must still be whole. */
			switch (wt) {
			case WT_VARINT:
				if (pb_varint(&p, end, &v) < 0)
					return pb_fail(w, path, at, "field %" PRIu32 ": varint cut",
						       id);
				break;
			case WT_64:
			case WT_32: {
				size_t sz = wt == WT_32 ? 4 : 8;

				if ((size_t)(end - p) < sz)
					return pb_fail(w, path, at, "field %" PRIu32 ": value cut",
						       id);
				p += sz;
				break;
			}
			case WT_LEN:
				if (pb_varint(&p, end, &v) < 0 || v > (uint64_t)(end - p))
					return pb_fail(w, path, at, "field %" PRIu32 ": length "
						       "runs past the end", id);
				p += v;
				break;
			}
			continue;
		}
		{
			unsigned pos = (unsigned)(f - d->fields);
			struct pb_frame fr = { path, f->name, -1 };

			if (f->label == PROTOBUF_C_LABEL_REPEATED && pos < G_N_ELEMENTS(counts))
				fr.index = (int)counts[pos]++;
			if (pb_walk_field(w, f, wt, at, &p, end, &fr, depth) < 0)
				return -1;
		}
	}
	return 0;
}

int
pb_check(const ProtobufCMessageDescriptor *d, const uint8_t *buf, size_t len, char *why,
	 size_t whylen)
{
	struct pb_walk w = { buf, why, whylen };
	struct pb_frame top = { NULL, NULL, -1 };

	return pb_walk_msg(&w, d, buf, buf + len, &top, 0);
}

ProtobufCMessage *
pb_unpack(const ProtobufCMessageDescriptor *d, const uint8_t *buf, size_t len, char *why,
	  size_t whylen)
{
	ProtobufCMessage *m;

	if (pb_check(d, buf, len, why, whylen) < 0)
		return NULL;
	m = protobuf_c_message_unpack(d, NULL, len, buf);
	if (!m)
		snprintf(why, whylen, "not a %s (protobuf-c cannot unpack it)", d->short_name);
	return m;
}
