/*
 * agent_wire.c - the wire format of the CME-CAFE interface (agent_wire.h,
 * doc/cafe-agent.md): the framing, a 2-byte big-endian length and then
 * the protobuf body of cmecafe.proto, and the names of the classes of
 * service the messages carry.  The agent (agent.c) and the CME
 * (entities/cme/cme_serve.c) both use it.
 */
#include <string.h>

#include <protobuf-c/protobuf-c.h>

#include "entities/cafe/agent_wire.h"
#include "sim/wire.h"

/* ---- framing: 2-byte big-endian length, then the body ---- */

void
cafe_agent_framer_init(struct cafe_agent_framer *f)
{
	f->buf = g_byte_array_new();
	f->off = 0;
}

void
cafe_agent_framer_fini(struct cafe_agent_framer *f)
{
	if (f->buf)
		g_byte_array_free(f->buf, TRUE);
	f->buf = NULL;
	f->off = 0;
}

void
cafe_agent_framer_push(struct cafe_agent_framer *f, const void *data, size_t len)
{
	/* What was handed out may be dropped now: the caller is done with it. */
	if (f->off) {
		g_byte_array_remove_range(f->buf, 0, (guint)f->off);
		f->off = 0;
	}
	g_byte_array_append(f->buf, data, (guint)len);
}

int
cafe_agent_framer_next(struct cafe_agent_framer *f, const uint8_t **body, size_t *len)
{
	size_t have = f->buf->len - f->off, blen;
	const uint8_t *p;

	/* An empty GByteArray has no data pointer: look at it only when it holds a header. */
	if (have < CAFE_AGENT_FRAME_HDR)
		return 0;
	p = f->buf->data + f->off;
	blen = rd16(p);
	if (have < CAFE_AGENT_FRAME_HDR + blen)
		return 0;
	*body = p + CAFE_AGENT_FRAME_HDR;
	*len = blen;
	f->off += CAFE_AGENT_FRAME_HDR + blen;
	return 1;
}

size_t
cafe_agent_framer_held(const struct cafe_agent_framer *f, size_t *want)
{
	size_t have = f->buf->len - f->off;

	if (want)
		*want = have >= CAFE_AGENT_FRAME_HDR ?
			CAFE_AGENT_FRAME_HDR + rd16(f->buf->data + f->off) : 0;
	return have;
}

int
cafe_agent_frame(const ProtobufCMessage *m, GByteArray *out)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	guint at = out->len;

	if (n > CAFE_AGENT_MAX_MSG)
		return -1;
	g_byte_array_set_size(out, at + (guint)(CAFE_AGENT_FRAME_HDR + n));
	wr16(out->data + at, (uint16_t)n);
	protobuf_c_message_pack(m, out->data + at + CAFE_AGENT_FRAME_HDR);
	return 0;
}

/* ---- classes of service ---- */

static const char *const cos_names[] = { "BE", "BTBE", "PR" };

const char *
cafe_agent_cos_name(unsigned cos)
{
	return cos < 3 ? cos_names[cos] : NULL;
}

int
cafe_agent_cos_parse(const char *s)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(s, cos_names[i]) == 0)
			return i;
	return -1;
}
