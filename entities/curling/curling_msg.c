/*
 * curling_msg.c - encoding and decoding the coupled approach's messages.
 *
 * Every message is one UDP datagram: the 8-byte header, then the fields
 * of its type at fixed offsets, then the ContentID (one length byte and
 * the bytes), then the lists.  The layouts are drawn in doc/curling.md;
 * the dissector in output/wireshark/cometsim.lua decodes the same bytes.
 * Fields are read and written one at a time through a cursor, never
 * through packed structs, so the code follows the diagrams.
 *
 * A decoder is strict: the length field must be the datagram's length
 * and the fields must fill it exactly, so that a malformed message is
 * counted as such by the entity that received it, never half-used.
 */
#include <string.h>

#include "entities/curling/curling.h"
#include "sim/wire.h"

/* A write cursor: `bad` is set when a write would pass `end`. */
struct wcur {
	uint8_t *p, *end;
	bool bad;
};

static uint8_t *
wc_take(struct wcur *c, size_t n)
{
	uint8_t *at = c->p;

	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = true;
		return NULL;
	}
	c->p += n;
	return at;
}

static void
w8(struct wcur *c, uint8_t v)
{
	uint8_t *q = wc_take(c, 1);

	if (q)
		q[0] = v;
}

static void
w16(struct wcur *c, uint16_t v)
{
	uint8_t *q = wc_take(c, 2);

	if (q)
		wr16(q, v);
}

static void
w32(struct wcur *c, uint32_t v)
{
	uint8_t *q = wc_take(c, 4);

	if (q)
		wr32(q, v);
}

static void
w64(struct wcur *c, uint64_t v)
{
	w32(c, (uint32_t)(v >> 32));
	w32(c, (uint32_t)v);
}

static void
wbytes(struct wcur *c, const void *src, size_t n)
{
	uint8_t *q = wc_take(c, n);

	if (q && n)
		memcpy(q, src, n);
}

static void
whop(struct wcur *c, const struct cmsg_hop *h)
{
	w32(c, h->addr);
	w16(c, h->port);
}

static void
wid(struct wcur *c, const char *id)
{
	size_t n = strlen(id);

	if (!cmsg_id_valid(id, n)) {
		c->bad = true;
		return;
	}
	w8(c, (uint8_t)n);
	wbytes(c, id, n);
}

/* A read cursor: `bad` is set when a read would pass `end`. */
struct rcur {
	const uint8_t *p, *end;
	bool bad;
};

static const uint8_t *
rc_take(struct rcur *c, size_t n)
{
	const uint8_t *at = c->p;

	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = true;
		return NULL;
	}
	c->p += n;
	return at;
}

static uint8_t
r8(struct rcur *c)
{
	const uint8_t *q = rc_take(c, 1);

	return q ? q[0] : 0;
}

static uint16_t
r16(struct rcur *c)
{
	const uint8_t *q = rc_take(c, 2);

	return q ? rd16(q) : 0;
}

static uint32_t
r32(struct rcur *c)
{
	const uint8_t *q = rc_take(c, 4);

	return q ? rd32(q) : 0;
}

static uint64_t
r64(struct rcur *c)
{
	uint64_t hi = r32(c);

	return hi << 32 | r32(c);
}

static void
rhop(struct rcur *c, struct cmsg_hop *h)
{
	h->addr = r32(c);
	h->port = r16(c);
}

/* The ContentID: CMSG_E_ID if it is not acceptable, CMSG_E_LENGTH if cut. */
static int
rid(struct rcur *c, char *id)
{
	uint8_t n = r8(c);
	const uint8_t *q = rc_take(c, n);

	if (!q)
		return CMSG_E_LENGTH;
	if (!cmsg_id_valid((const char *)q, n))
		return CMSG_E_ID;
	memcpy(id, q, n);
	id[n] = '\0';
	return CMSG_OK;
}

bool
cmsg_id_valid(const char *id, size_t len)
{
	if (len == 0 || len > CMSG_ID_MAX)
		return false;
	if ((len == 1 && id[0] == '.') || (len == 2 && id[0] == '.' && id[1] == '.'))
		return false;
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)id[i] < 0x21 || (unsigned char)id[i] > 0x7e || id[i] == '/')
			return false;
	return true;
}

/*
 * Encode m:
 *  1. the header with length 0, filled in at the end;
 *  2. the fixed fields of the type, the ContentID, the lists;
 *  3. refuse lists over their limits, bad ops and a message over cap.
 */
int
cmsg_encode(const struct cmsg *m, uint8_t *buf, size_t cap)
{
	struct wcur c = { buf, buf + cap, false };

	w16(&c, CMSG_MAGIC);
	w8(&c, CMSG_VERSION);
	w8(&c, m->type);
	w16(&c, 0);
	w8(&c, m->flags);
	w8(&c, 0);
	switch (m->type) {
	case CMSG_ANNOUNCE:
		if (m->nlinks > CMSG_MAX_LINKS)
			return -1;
		w32(&c, m->token);
		whop(&c, &m->cafe);
		w8(&c, m->nlinks);
		w8(&c, m->part);
		for (unsigned i = 0; i < m->nlinks; i++) {
			w32(&c, m->links[i].cafe);
			w16(&c, m->links[i].cafe_port);
			w32(&c, m->links[i].crme);
		}
		break;
	case CMSG_ACK:
		w8(&c, m->acked_type);
		w8(&c, m->part);
		w16(&c, 0);
		w32(&c, m->token);
		break;
	case CMSG_CONFIGURE:
		if ((m->flags & CFG_OP_MASK) < CFG_ADD || (m->flags & CFG_OP_MASK) > CFG_DEL_CONTENT ||
		    (m->flags & ~(CFG_OP_MASK | CFG_F_NEWTX)) || m->nhops > CMSG_MAX_HOPS)
			return -1;
		wid(&c, m->id);
		w8(&c, m->nhops);
		for (unsigned i = 0; i < m->nhops; i++)
			whop(&c, &m->hops[i]);
		break;
	case CMSG_NOTIFY:
		if (m->flags < NOTIFY_CREATE || m->flags > NOTIFY_TEARDOWN ||
		    m->nhops > CMSG_MAX_HOPS)
			return -1;
		whop(&c, &m->src);
		whop(&c, &m->prev);
		wid(&c, m->id);
		w8(&c, m->nhops);
		for (unsigned i = 0; i < m->nhops; i++)
			whop(&c, &m->hops[i]);
		break;
	case CMSG_PUBLISH:
		w32(&c, m->token);
		whop(&c, &m->src);
		whop(&c, &m->src_cafe);
		w64(&c, m->size);
		wid(&c, m->id);
		break;
	case CMSG_CONSUME:
		if (m->npath > CMSG_MAX_PATH)
			return -1;
		w32(&c, m->reqid);
		whop(&c, &m->client);
		whop(&c, &m->client_cafe);
		w32(&c, m->first);
		w32(&c, m->last);
		wid(&c, m->id);
		w8(&c, m->npath);
		for (unsigned i = 0; i < m->npath; i++)
			w32(&c, m->path[i]);
		break;
	case CMSG_CONSUME_REPLY:
		if (m->status > CSTAT_MAX)
			return -1;
		w32(&c, m->reqid);
		whop(&c, &m->client);
		w8(&c, m->status);
		w8(&c, 0);
		w64(&c, m->size);
		w32(&c, m->nchunks);
		wid(&c, m->id);
		break;
	case CMSG_RELEASE:
		wid(&c, m->id);
		break;
	case CMSG_ROUTES:
		if (m->nroutes > CMSG_MAX_ROUTES)
			return -1;
		w16(&c, m->nroutes);
		for (unsigned i = 0; i < m->nroutes; i++) {
			const struct cmsg_route *r = &m->routes[i];

			if (r->npath > CMSG_MAX_PATH || r->plen > 32)
				return -1;
			w32(&c, r->prefix);
			w8(&c, r->plen);
			w8(&c, r->npath);
			for (unsigned k = 0; k < r->npath; k++)
				w32(&c, r->path[k]);
		}
		break;
	case CMSG_CONTENT:
		if (m->datalen && !m->data)
			return -1;
		whop(&c, &m->src);
		w16(&c, m->datalen);
		w32(&c, m->tx);
		w32(&c, m->seq);
		w32(&c, m->nchunks);
		w64(&c, m->size);
		w64(&c, m->offset);
		wid(&c, m->id);
		wbytes(&c, m->data, m->datalen);
		break;
	default:
		return -1;
	}
	if (c.bad || c.p - buf > 0xffff)
		return -1;
	wr16(buf + 4, (uint16_t)(c.p - buf));
	return (int)(c.p - buf);
}

/* A list count over its limit is CMSG_E_COUNT. */
#define NEED_COUNT(n, max) do { if ((n) > (max)) return CMSG_E_COUNT; } while (0)

static int
decode_hops(struct rcur *c, struct cmsg *m)
{
	m->nhops = r8(c);
	NEED_COUNT(m->nhops, CMSG_MAX_HOPS);
	for (unsigned i = 0; i < m->nhops; i++)
		rhop(c, &m->hops[i]);
	return CMSG_OK;
}

/*
 * Decode one datagram:
 *  1. at least the header, magic "CU", version 1, a known type;
 *  2. the length field equals the datagram's length (shorter datagram:
 *     truncated; longer: a length error);
 *  3. the fields of the type; a ContentID, op, status or count out of
 *     range is refused; the fields must end exactly at the length.
 */
int
cmsg_decode(const uint8_t *buf, size_t len, struct cmsg *m)
{
	struct rcur c;
	uint16_t length;
	int rc = CMSG_OK;

	memset(m, 0, sizeof(*m));
	if (len < CMSG_HLEN)
		return CMSG_E_TRUNCATED;
	if (rd16(buf) != CMSG_MAGIC)
		return CMSG_E_MAGIC;
	if (buf[2] != CMSG_VERSION)
		return CMSG_E_VERSION;
	if (buf[3] < 1 || buf[3] > CMSG_TYPE_MAX)
		return CMSG_E_TYPE;
	length = rd16(buf + 4);
	if (length > len)
		return CMSG_E_TRUNCATED;
	if (length != len || length < CMSG_HLEN)
		return CMSG_E_LENGTH;
	m->type = buf[3];
	m->flags = buf[6];
	c.p = buf + CMSG_HLEN;
	c.end = buf + length;
	c.bad = false;

	switch (m->type) {
	case CMSG_ANNOUNCE:
		m->token = r32(&c);
		rhop(&c, &m->cafe);
		m->nlinks = r8(&c);
		m->part = r8(&c);
		NEED_COUNT(m->nlinks, CMSG_MAX_LINKS);
		for (unsigned i = 0; i < m->nlinks; i++) {
			m->links[i].cafe = r32(&c);
			m->links[i].cafe_port = r16(&c);
			m->links[i].crme = r32(&c);
		}
		break;
	case CMSG_ACK:
		m->acked_type = r8(&c);
		m->part = r8(&c);
		(void)r16(&c);
		m->token = r32(&c);
		break;
	case CMSG_CONFIGURE:
		if ((m->flags & CFG_OP_MASK) < CFG_ADD || (m->flags & CFG_OP_MASK) > CFG_DEL_CONTENT ||
		    (m->flags & ~(CFG_OP_MASK | CFG_F_NEWTX)))
			return CMSG_E_FIELD;
		if ((rc = rid(&c, m->id)) != CMSG_OK)
			return rc;
		if ((rc = decode_hops(&c, m)) != CMSG_OK)
			return rc;
		break;
	case CMSG_NOTIFY:
		if (m->flags < NOTIFY_CREATE || m->flags > NOTIFY_TEARDOWN)
			return CMSG_E_FIELD;
		rhop(&c, &m->src);
		rhop(&c, &m->prev);
		if ((rc = rid(&c, m->id)) != CMSG_OK)
			return rc;
		if ((rc = decode_hops(&c, m)) != CMSG_OK)
			return rc;
		break;
	case CMSG_PUBLISH:
		m->token = r32(&c);
		rhop(&c, &m->src);
		rhop(&c, &m->src_cafe);
		m->size = r64(&c);
		if ((rc = rid(&c, m->id)) != CMSG_OK)
			return rc;
		break;
	case CMSG_CONSUME:
		m->reqid = r32(&c);
		rhop(&c, &m->client);
		rhop(&c, &m->client_cafe);
		m->first = r32(&c);
		m->last = r32(&c);
		if ((rc = rid(&c, m->id)) != CMSG_OK)
			return rc;
		m->npath = r8(&c);
		NEED_COUNT(m->npath, CMSG_MAX_PATH);
		for (unsigned i = 0; i < m->npath; i++)
			m->path[i] = r32(&c);
		if (!c.bad && m->first > m->last)
			return CMSG_E_FIELD;
		break;
	case CMSG_CONSUME_REPLY:
		m->reqid = r32(&c);
		rhop(&c, &m->client);
		m->status = r8(&c);
		(void)r8(&c);
		m->size = r64(&c);
		m->nchunks = r32(&c);
		if ((rc = rid(&c, m->id)) != CMSG_OK)
			return rc;
		if (m->status > CSTAT_MAX)
			return CMSG_E_FIELD;
		break;
	case CMSG_RELEASE:
		if ((rc = rid(&c, m->id)) != CMSG_OK)
			return rc;
		break;
	case CMSG_ROUTES:
		m->nroutes = r16(&c);
		NEED_COUNT(m->nroutes, CMSG_MAX_ROUTES);
		for (unsigned i = 0; i < m->nroutes && !c.bad; i++) {
			struct cmsg_route *r = &m->routes[i];

			r->prefix = r32(&c);
			r->plen = r8(&c);
			r->npath = r8(&c);
			NEED_COUNT(r->npath, CMSG_MAX_PATH);
			if (r->plen > 32)
				return CMSG_E_FIELD;
			for (unsigned k = 0; k < r->npath; k++)
				r->path[k] = r32(&c);
		}
		break;
	case CMSG_CONTENT:
		rhop(&c, &m->src);
		m->datalen = r16(&c);
		m->tx = r32(&c);
		m->seq = r32(&c);
		m->nchunks = r32(&c);
		m->size = r64(&c);
		m->offset = r64(&c);
		if ((rc = rid(&c, m->id)) != CMSG_OK)
			return rc;
		m->data = rc_take(&c, m->datalen);
		if (c.bad)
			return CMSG_E_LENGTH;
		if (m->seq >= m->nchunks || m->offset > m->size ||
		    m->size - m->offset < m->datalen)
			return CMSG_E_FIELD;
		break;
	}
	if (c.bad || c.p != c.end)
		return CMSG_E_LENGTH;
	return CMSG_OK;
}

const char *
cmsg_type_name(int type)
{
	static const char *const names[] = {
		NULL, "Announce", "Ack", "Configure", "Notify", "Publish", "Consume",
		"ConsumeReply", "Release", "Routes", "Content",
	};

	if (type < 1 || type > CMSG_TYPE_MAX)
		return "?";
	return names[type];
}

const char *
cmsg_err_name(int err)
{
	switch (err) {
	case CMSG_E_TRUNCATED:
		return "curling_truncated";
	case CMSG_E_MAGIC:
		return "curling_bad_magic";
	case CMSG_E_VERSION:
		return "curling_bad_version";
	case CMSG_E_TYPE:
		return "curling_unknown_type";
	case CMSG_E_LENGTH:
		return "curling_bad_length";
	case CMSG_E_ID:
		return "curling_bad_content_id";
	case CMSG_E_COUNT:
		return "curling_too_many";
	case CMSG_E_FIELD:
		return "curling_bad_field";
	}
	return "curling_ok";
}

const char *
cmsg_status_name(int status)
{
	switch (status) {
	case CSTAT_OK:
		return "ok";
	case CSTAT_NOT_FOUND:
		return "not_found";
	case CSTAT_LOOP:
		return "loop";
	case CSTAT_NO_PATH:
		return "no_path";
	}
	return "?";
}
