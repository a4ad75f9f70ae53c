/*
 * rae_msg.c - the RAE's messages on the wire: the 5-byte framing
 * (rae_wire.h) and the decoding of every body of rae.proto and
 * cmerae.proto into a message that is known to be sound.
 *
 * A body is decoded in three steps and accepted only if all pass, so
 * that a malformed message never reaches the RIB half applied:
 *   1. the wire-format walk of entities/pbcheck.c (cut fields, wrong wire types,
 *      bad strings), with the field path and byte in the reason;
 *   2. protobuf-c's unpack;
 *   (1 and 2 are one pass for an Update or Withdraw written as the RAEs
 *   write them: "the one-pass decoding" below;)
 *   3. the checks of the values: prefixes (address, length, no host
 *      bits), AS paths (1..255 ASes, no AS 0), class tables (a class
 *      once, a metric each, finite non-negative numbers, loss <= 1),
 *      the Open's version, AS and hold time.
 * Any failure returns NULL with the reason; the caller resets the
 * session (rae.c) or drops the connection (the CME).
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "entities/rae/cmerae.pb-c.h"
#include "entities/pbcheck.h"
#include "entities/rae/rae.h"
#include "entities/rae/rae.pb-c.h"

/* ---- framing ---- */

const char *
rae_msg_name(unsigned type, char *buf, size_t len)
{
	switch (type) {
	case RAE_MSG_OPEN:
		return "open";
	case RAE_MSG_KEEPALIVE:
		return "keepalive";
	case RAE_MSG_UPDATE:
		return "update";
	case RAE_MSG_WITHDRAW:
		return "withdraw";
	case RAE_MSG_REFRESH:
		return "refresh";
	case RAE_MSG_CME_REQUEST:
		return "cme-request";
	case RAE_MSG_CME_REPLY:
		return "cme-reply";
	}
	snprintf(buf, len, "type %u", type);
	return buf;
}

int
rae_msg_type_known(unsigned type)
{
	return (type >= RAE_MSG_OPEN && type <= RAE_MSG_REFRESH) ||
	       type == RAE_MSG_CME_REQUEST || type == RAE_MSG_CME_REPLY;
}

#define RAE_FRAMER_KEEP	4096	/* bytes an empty framer keeps */

void
rae_framer_init(struct rae_framer *f)
{
	memset(f, 0, sizeof(*f));
}

void
rae_framer_fini(struct rae_framer *f)
{
	g_free(f->buf);
	memset(f, 0, sizeof(*f));
}

void
rae_framer_push(struct rae_framer *f, const uint8_t *data, size_t len)
{
	/* Nothing to add (the buffer may not exist yet). */
	if (len == 0)
		return;
	/*
	 * An empty buffer grown for a large message goes back: a run of
	 * thousands of sessions would otherwise keep the largest each saw.
	 */
	if (f->len == 0 && f->cap > RAE_FRAMER_KEEP) {
		g_free(f->buf);
		f->buf = NULL;
		f->cap = f->off = 0;
	}
	/* Compact when the consumed front outweighs what is left. */
	if (f->off && f->off >= f->len) {
		memmove(f->buf, f->buf + f->off, f->len);
		f->off = 0;
	}
	if (f->off + f->len + len > f->cap) {
		size_t cap = f->cap ? f->cap : 4096;

		while (cap < f->off + f->len + len)
			cap *= 2;
		f->buf = g_realloc(f->buf, cap);
		f->cap = cap;
	}
	memcpy(f->buf + f->off + f->len, data, len);
	f->len += len;
}

int
rae_framer_next(struct rae_framer *f, unsigned *type, const uint8_t **body, size_t *len,
		char *why, size_t whylen)
{
	const uint8_t *h;
	uint32_t blen;
	char nb[16];

	if (f->len < RAE_HDR_LEN)
		return 0;
	h = f->buf + f->off;
	blen = (uint32_t)h[1] << 24 | (uint32_t)h[2] << 16 | (uint32_t)h[3] << 8 | h[4];
	if (!rae_msg_type_known(h[0])) {
		snprintf(why, whylen, "unknown message type %u (length %" PRIu32 ")", h[0], blen);
		return -1;
	}
	if (blen > RAE_MAX_BODY) {
		snprintf(why, whylen, "%s: body length %" PRIu32 " exceeds %u",
			 rae_msg_name(h[0], nb, sizeof(nb)), blen, RAE_MAX_BODY);
		return -1;
	}
	if (f->len - RAE_HDR_LEN < blen)
		return 0;
	*type = h[0];
	*body = h + RAE_HDR_LEN;
	*len = blen;
	f->off += RAE_HDR_LEN + blen;
	f->len -= RAE_HDR_LEN + blen;
	if (f->len == 0)
		f->off = 0;
	return 1;
}

void
rae_frame_append(GByteArray *out, unsigned type, const struct ProtobufCMessage *m)
{
	size_t n = m ? protobuf_c_message_get_packed_size(m) : 0;
	guint at = out->len;
	uint8_t *h;

	g_assert(n <= RAE_MAX_BODY);
	g_byte_array_set_size(out, at + RAE_HDR_LEN + (guint)n);
	h = out->data + at;
	h[0] = (uint8_t)type;
	h[1] = (uint8_t)(n >> 24);
	h[2] = (uint8_t)(n >> 16);
	h[3] = (uint8_t)(n >> 8);
	h[4] = (uint8_t)n;
	if (m)
		protobuf_c_message_pack(m, h + RAE_HDR_LEN);
}

/* ---- the arena ---- */

#define ARENA_CHUNK	(64u << 10)

struct rae_pbchunk {
	struct rae_pbchunk *next;
	size_t used, cap;
	max_align_t data[];
};

static void *
arena_pb_alloc(void *data, size_t size)
{
	return rae_pbarena_alloc(data, size);
}

static void
arena_pb_free(void *data, void *p)
{
	/* Everything goes at once, in rae_pbarena_reset(). */
}

void
rae_pbarena_init(struct rae_pbarena *a)
{
	a->allocator.alloc = arena_pb_alloc;
	a->allocator.free = arena_pb_free;
	a->allocator.data = a;
	a->chunks = a->cur = NULL;
	a->pfx = NULL;
	a->npfx = 0;
}

void *
rae_pbarena_alloc(struct rae_pbarena *a, size_t size)
{
	struct rae_pbchunk *c = a->cur;
	size_t al = sizeof(max_align_t);
	void *p;

	size = (size + al - 1) / al * al;
	if (!size)
		size = al;
	if (!c || c->cap - c->used < size) {
		size_t cap = size > ARENA_CHUNK ? size : ARENA_CHUNK;

		c = g_malloc(sizeof(*c) + cap);
		c->used = 0;
		c->cap = cap;
		c->next = NULL;
		if (a->cur)
			a->cur->next = c;
		else
			a->chunks = c;
		a->cur = c;
	}
	p = (char *)c->data + c->used;
	c->used += size;
	memset(p, 0, size);
	return p;
}

void
rae_pbarena_reset(struct rae_pbarena *a)
{
	struct rae_pbchunk *c;

	if (!a->chunks)
		return;
	c = a->chunks->next;
	while (c) {
		struct rae_pbchunk *n = c->next;

		g_free(c);
		c = n;
	}
	a->chunks->next = NULL;
	a->chunks->used = 0;
	a->cur = a->chunks;
	a->pfx = NULL;
	a->npfx = 0;
}

void
rae_pbarena_fini(struct rae_pbarena *a)
{
	rae_pbarena_reset(a);
	g_free(a->chunks);
	a->chunks = a->cur = NULL;
}

/* ---- value checks ---- */

static int
why_set(char *why, size_t whylen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
why_set(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

int
rae_msg_prefix(const char *ip, bool has_len, uint32_t len, struct prefix *out, char *why,
	       size_t whylen)
{
	struct addr m;

	if (!ip)
		return why_set(why, whylen, "ip_address missing");
	if (addr_parse(ip, &out->addr) < 0)
		return why_set(why, whylen, "\"%.64s\" is not an address", ip);
	if (!has_len)
		return why_set(why, whylen, "%s: prefix_length missing", ip);
	if (len > (out->addr.af == ADDR_V4 ? 32u : 128u))
		return why_set(why, whylen, "%s/%" PRIu32 ": length out of range", ip, len);
	out->len = (uint8_t)len;
	m = out->addr;
	addr_mask(&m, out->len);
	if (!addr_eq(&m, &out->addr))
		return why_set(why, whylen, "%s/%" PRIu32 ": bits set beyond the length", ip, len);
	return 0;
}

int
rae_msg_metric(bool has_loss, double loss, bool has_delay, double delay, bool has_bw,
	       double bw, struct rae_metric *out, char *why, size_t whylen)
{
	out->loss = has_loss ? loss : 0;
	out->delay = has_delay ? delay : 0;
	out->bw = has_bw ? bw : INFINITY;
	if (!isfinite(out->loss) || out->loss < 0 || out->loss > 1)
		return why_set(why, whylen, "loss_ratio %g is not a ratio", out->loss);
	if (!isfinite(out->delay) || out->delay < 0)
		return why_set(why, whylen, "maximum_delay %g is not a delay", out->delay);
	if (has_bw && (!isfinite(out->bw) || out->bw < 0))
		return why_set(why, whylen, "supported_bandwidth %g is not a bandwidth", out->bw);
	return 0;
}

/* Check a prefix, parsed into *x. */
static int
chk_prefix(const Comet__Rae__Config__Prefix *p, const char *where, struct prefix *x, char *why,
	   size_t whylen)
{
	char r[160];

	if (rae_msg_prefix(p->ip_address, p->has_prefix_length, p->prefix_length, x, r,
			   sizeof(r)) < 0)
		return why_set(why, whylen, "%s: %s", where, r);
	return 0;
}

static int
chk_aspath(const uint32_t *asn, size_t n, const char *where, char *why, size_t whylen)
{
	if (n == 0 || n > RAE_MAX_ASPATH)
		return why_set(why, whylen, "%s.as_path: %zu ASes (1..%d)", where, n,
			       RAE_MAX_ASPATH);
	for (size_t i = 0; i < n; i++)
		if (asn[i] == 0)
			return why_set(why, whylen, "%s.as_path[%zu]: AS 0", where, i);
	return 0;
}

static int
chk_rae_classes(Comet__Rae__Config__ClassEntry **v, size_t n, const char *where, char *why,
		size_t whylen)
{
	char r[160];
	struct rae_metric m;

	for (size_t i = 0; i < n; i++) {
		const Comet__Rae__Config__Metric *mt = v[i]->metric;

		if (!v[i]->has_cos_id)
			return why_set(why, whylen, "%s.class_table[%zu]: cos_id missing", where, i);
		for (size_t j = 0; j < i; j++)
			if (v[j]->cos_id == v[i]->cos_id)
				return why_set(why, whylen, "%s.class_table[%zu]: class %" PRIu32
					       " twice", where, i, v[i]->cos_id);
		if (!mt)
			return why_set(why, whylen, "%s.class_table[%zu]: metric missing", where, i);
		if (rae_msg_metric(mt->has_loss_ratio, mt->loss_ratio, mt->has_maximum_delay,
				   mt->maximum_delay, mt->has_supported_bandwidth,
				   mt->supported_bandwidth, &m, r, sizeof(r)) < 0)
			return why_set(why, whylen, "%s.class_table[%zu].metric: %s", where, i, r);
	}
	return 0;
}

static int
chk_open(const Comet__Rae__Open *o, char *why, size_t whylen)
{
	struct addr a;

	if (!o->has_version || o->version != 1)
		return why_set(why, whylen, "open: version %" PRIu32 ", expected 1",
			       o->has_version ? o->version : 0);
	if (!o->has_as_number || o->as_number == 0)
		return why_set(why, whylen, "open: as_number missing or 0");
	if (!o->has_hold_time_ms || o->hold_time_ms == 0 || o->hold_time_ms > 3600000)
		return why_set(why, whylen, "open: hold_time_ms %" PRIu32 " out of range "
			       "1..3600000", o->has_hold_time_ms ? o->hold_time_ms : 0);
	if (o->ip_address && addr_parse(o->ip_address, &a) < 0)
		return why_set(why, whylen, "open: ip_address \"%.64s\" is not an address",
			       o->ip_address);
	return 0;
}

static int
chk_path(const Comet__Rae__Path *p, const char *where, char *why, size_t whylen)
{
	if (chk_aspath(p->as_path, p->n_as_path, where, why, whylen) < 0 ||
	    chk_rae_classes(p->class_table, p->n_class_table, where, why, whylen) < 0)
		return -1;
	return 0;
}

/* The checks of an Update; its prefixes parsed into pfx[], in order. */
static int
chk_update(const Comet__Rae__Update *u, struct prefix *pfx, char *why, size_t whylen)
{
	char where[96];
	size_t k = 0;

	for (size_t i = 0; i < u->n_routes; i++) {
		const Comet__Rae__Route *r = u->routes[i];

		if (r->n_prefixes == 0)
			return why_set(why, whylen, "update: routes[%zu]: no prefix", i);
		if (r->n_paths == 0)
			return why_set(why, whylen, "update: routes[%zu]: no path (a withdraw "
				       "says that)", i);
		/*
		 * Where a field is is written out only for the one that is wrong
		 * (checked again with its name): a million prefixes are right.
		 */
		for (size_t j = 0; j < r->n_prefixes; j++) {
			if (chk_prefix(r->prefixes[j], "", &pfx[k++], why, whylen) == 0)
				continue;
			snprintf(where, sizeof(where), "update: routes[%zu].prefixes[%zu]", i, j);
			return chk_prefix(r->prefixes[j], where, &pfx[k - 1], why, whylen);
		}
		for (size_t j = 0; j < r->n_paths; j++) {
			const Comet__Rae__Path *p = r->paths[j];

			if (chk_path(p, "", why, whylen) == 0)
				continue;
			snprintf(where, sizeof(where), "update: routes[%zu].paths[%zu]", i, j);
			return chk_path(p, where, why, whylen);
		}
	}
	return 0;
}

/* The checks of a Withdraw; its prefixes parsed into pfx[], in order. */
static int
chk_withdraw(const Comet__Rae__Withdraw *w, struct prefix *pfx, char *why, size_t whylen)
{
	char where[64];

	for (size_t i = 0; i < w->n_prefixes; i++) {
		if (chk_prefix(w->prefixes[i], "", &pfx[i], why, whylen) == 0)
			continue;
		snprintf(where, sizeof(where), "withdraw: prefixes[%zu]", i);
		return chk_prefix(w->prefixes[i], where, &pfx[i], why, whylen);
	}
	return 0;
}

static int
chk_cme_prefix(const Comet__Rae__Config__Prefix *p, const char *where, char *why, size_t whylen)
{
	struct prefix x;
	char r[160];

	if (!p)
		return why_set(why, whylen, "%s: missing", where);
	if (rae_msg_prefix(p->ip_address, p->has_prefix_length, p->prefix_length, &x, r,
			   sizeof(r)) < 0)
		return why_set(why, whylen, "%s: %s", where, r);
	return 0;
}

static int
chk_cme_classes(Comet__Rae__Config__ClassEntry **v, size_t n, const char *where, char *why,
		size_t whylen)
{
	char r[160];
	struct rae_metric m;

	for (size_t i = 0; i < n; i++) {
		const Comet__Rae__Config__Metric *mt = v[i]->metric;

		if (!v[i]->has_cos_id || !mt)
			return why_set(why, whylen, "%s.class_table[%zu]: cos_id or metric "
				       "missing", where, i);
		if (rae_msg_metric(mt->has_loss_ratio, mt->loss_ratio, mt->has_maximum_delay,
				   mt->maximum_delay, mt->has_supported_bandwidth,
				   mt->supported_bandwidth, &m, r, sizeof(r)) < 0)
			return why_set(why, whylen, "%s.class_table[%zu].metric: %s", where, i, r);
	}
	return 0;
}

static int
chk_cme_endpoint(const Comet__Rae__Config__Endpoint *e, const char *where, char *why,
		 size_t whylen)
{
	if (!e || e->endpoint_case == COMET__RAE__CONFIG__ENDPOINT__ENDPOINT__NOT_SET)
		return why_set(why, whylen, "%s: missing", where);
	if (e->endpoint_case == COMET__RAE__CONFIG__ENDPOINT__ENDPOINT_PREFIX)
		return chk_cme_prefix(e->prefix, where, why, whylen);
	return 0;
}

static int
chk_cme_request(const Comet__Cmerae__GenericRequest *g, char *why, size_t whylen)
{
	char where[96];

	if (!g->has_sequence || !g->has_as_number)
		return why_set(why, whylen, "cme-request: sequence or as_number missing");
	if (g->prov_inf) {
		const Comet__Cmerae__ProvInf *pi = g->prov_inf;

		for (size_t i = 0; i < pi->n_prefixes; i++) {
			snprintf(where, sizeof(where), "prov_inf.prefixes[%zu]", i);
			if (chk_cme_prefix(pi->prefixes[i], where, why, whylen) < 0)
				return -1;
		}
		for (size_t i = 0; i < pi->n_provisioning_table; i++) {
			const Comet__Rae__Config__Provisioning *p = pi->provisioning_table[i];

			snprintf(where, sizeof(where), "prov_inf.provisioning_table[%zu].source", i);
			if (chk_cme_endpoint(p->source, where, why, whylen) < 0)
				return -1;
			snprintf(where, sizeof(where), "prov_inf.provisioning_table[%zu].sink", i);
			if (chk_cme_endpoint(p->sink, where, why, whylen) < 0)
				return -1;
			snprintf(where, sizeof(where), "prov_inf.provisioning_table[%zu]", i);
			if (chk_cme_classes(p->class_table, p->n_class_table, where, why,
					    whylen) < 0)
				return -1;
		}
	}
	for (size_t i = 0; i < g->n_path_inf; i++) {
		const Comet__Cmerae__PathInf *pi = g->path_inf[i];

		snprintf(where, sizeof(where), "path_inf[%zu].prefix", i);
		if (chk_cme_prefix(pi->prefix, where, why, whylen) < 0)
			return -1;
		for (size_t j = 0; j < pi->n_paths; j++) {
			snprintf(where, sizeof(where), "path_inf[%zu].paths[%zu]", i, j);
			if (chk_aspath(pi->paths[j]->as_path, pi->paths[j]->n_as_path, where, why,
				       whylen) < 0 ||
			    chk_cme_classes(pi->paths[j]->class_table,
					    pi->paths[j]->n_class_table, where, why, whylen) < 0)
				return -1;
		}
	}
	return 0;
}

/* ---- the one-pass decoding of Updates and Withdraws ---- */

/*
 * Updates and Withdraws are nearly every message a run decodes.  They
 * are decoded here in one pass, straight into protobuf-c's structures in
 * the arena, when they are written the way this program writes them:
 * every tag one byte with its field's wire type, an optional field at
 * most once, as_path packed in one non-empty run, strings of ASCII
 * without NUL, 32-bit values that fit.  For anything else (an unknown
 * field, a field twice, a cut buffer, any other byte of a string) the
 * fast_* functions give up, and the message is decoded the general way
 * (pb_check, then protobuf-c's unpack): a malformed message is refused
 * with the reason that way gives, and whichever way a message went it
 * is the same structure, so the checks of the values and the RIB see
 * the same thing.
 */

/* One field at *pp: its tag, and its value (a varint) or its bytes. */
struct fast_field {
	unsigned tag;
	uint64_t u;
	const uint8_t *b, *e;
};

static int
fast_varint(const uint8_t **pp, const uint8_t *end, uint64_t *v)
{
	const uint8_t *p = *pp;
	uint64_t x = 0;

	for (unsigned i = 0; i < 10 && p < end; i++) {
		uint8_t b = *p++;

		x |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*v = x;
			*pp = p;
			return 0;
		}
	}
	return -1;
}

static int
fast_field(const uint8_t **pp, const uint8_t *end, struct fast_field *f)
{
	const uint8_t *p = *pp;
	uint64_t n;

	if (p >= end || (*p & 0x80))
		return -1;
	f->tag = *p++;
	switch (f->tag & 7) {
	case 0:
		if (fast_varint(&p, end, &f->u) < 0)
			return -1;
		break;
	case 1:
		if (end - p < 8)
			return -1;
		f->b = p;
		p += 8;
		break;
	case 2:
		if (fast_varint(&p, end, &n) < 0 || n > (uint64_t)(end - p))
			return -1;
		f->b = p;
		p += n;
		f->e = p;
		break;
	default:
		return -1;
	}
	*pp = p;
	return 0;
}

/* How many fields of tag t1 and of tag t2 p..end holds; -1 if a field is not whole. */
static int
fast_count(const uint8_t *p, const uint8_t *end, unsigned t1, size_t *n1, unsigned t2,
	   size_t *n2)
{
	struct fast_field f;

	*n1 = 0;
	if (n2)
		*n2 = 0;
	while (p < end) {
		if (fast_field(&p, end, &f) < 0)
			return -1;
		if (f.tag == t1)
			(*n1)++;
		else if (n2 && f.tag == t2)
			(*n2)++;
		else
			return -1;
	}
	return 0;
}

static void *
fast_array(struct rae_pbarena *a, size_t n, size_t size)
{
	return n ? rae_pbarena_alloc(a, n * size) : NULL;
}

static char *
fast_string(struct rae_pbarena *a, const uint8_t *b, const uint8_t *e)
{
	size_t n = (size_t)(e - b);
	char *s;

	for (size_t i = 0; i < n; i++)
		if (b[i] == 0 || b[i] > 0x7f)
			return NULL;
	s = rae_pbarena_alloc(a, n + 1);	/* zeroed: the NUL is there */
	memcpy(s, b, n);
	return s;
}

static double
fast_double(const uint8_t *b)
{
	uint64_t x = 0;
	double d;

	for (int i = 7; i >= 0; i--)
		x = x << 8 | b[i];
	memcpy(&d, &x, sizeof(d));
	return d;
}

static Comet__Rae__Config__Prefix *
fast_prefix(struct rae_pbarena *a, const uint8_t *p, const uint8_t *end)
{
	Comet__Rae__Config__Prefix *x = rae_pbarena_alloc(a, sizeof(*x));
	struct fast_field f;

	comet__rae__config__prefix__init(x);
	while (p < end) {
		if (fast_field(&p, end, &f) < 0)
			return NULL;
		if (f.tag == 0x0a && !x->ip_address) {
			if (!(x->ip_address = fast_string(a, f.b, f.e)))
				return NULL;
		} else if (f.tag == 0x10 && !x->has_prefix_length && f.u <= UINT32_MAX) {
			x->has_prefix_length = 1;
			x->prefix_length = (uint32_t)f.u;
		} else {
			return NULL;
		}
	}
	return x;
}

static Comet__Rae__Config__Metric *
fast_metric(struct rae_pbarena *a, const uint8_t *p, const uint8_t *end)
{
	Comet__Rae__Config__Metric *x = rae_pbarena_alloc(a, sizeof(*x));
	struct fast_field f;

	comet__rae__config__metric__init(x);
	while (p < end) {
		if (fast_field(&p, end, &f) < 0)
			return NULL;
		if (f.tag == 0x09 && !x->has_loss_ratio) {
			x->has_loss_ratio = 1;
			x->loss_ratio = fast_double(f.b);
		} else if (f.tag == 0x11 && !x->has_maximum_delay) {
			x->has_maximum_delay = 1;
			x->maximum_delay = fast_double(f.b);
		} else if (f.tag == 0x19 && !x->has_supported_bandwidth) {
			x->has_supported_bandwidth = 1;
			x->supported_bandwidth = fast_double(f.b);
		} else {
			return NULL;
		}
	}
	return x;
}

static Comet__Rae__Config__ClassEntry *
fast_class(struct rae_pbarena *a, const uint8_t *p, const uint8_t *end)
{
	Comet__Rae__Config__ClassEntry *x = rae_pbarena_alloc(a, sizeof(*x));
	struct fast_field f;

	comet__rae__config__class_entry__init(x);
	while (p < end) {
		if (fast_field(&p, end, &f) < 0)
			return NULL;
		if (f.tag == 0x08 && !x->has_cos_id && f.u <= UINT32_MAX) {
			x->has_cos_id = 1;
			x->cos_id = (uint32_t)f.u;
		} else if (f.tag == 0x12 && !x->metric) {
			if (!(x->metric = fast_metric(a, f.b, f.e)))
				return NULL;
		} else {
			return NULL;
		}
	}
	return x;
}

/* The packed AS path b..e: every value whole and of 32 bits, at least one. */
static int
fast_aspath(struct rae_pbarena *a, const uint8_t *b, const uint8_t *e, Comet__Rae__Path *x)
{
	size_t n = 0;

	for (const uint8_t *q = b; q < e; q++)
		if (!(*q & 0x80))
			n++;
	if (n == 0)
		return -1;
	x->as_path = rae_pbarena_alloc(a, n * sizeof(*x->as_path));
	for (size_t i = 0; i < n; i++) {
		uint64_t v;

		if (fast_varint(&b, e, &v) < 0 || v > UINT32_MAX)
			return -1;
		x->as_path[i] = (uint32_t)v;
	}
	if (b != e)
		return -1;	/* a last varint cut */
	x->n_as_path = n;
	return 0;
}

static Comet__Rae__Path *
fast_path(struct rae_pbarena *a, const uint8_t *p, const uint8_t *end)
{
	Comet__Rae__Path *x = rae_pbarena_alloc(a, sizeof(*x));
	struct fast_field f;
	size_t np, nc, ic = 0;

	comet__rae__path__init(x);
	if (fast_count(p, end, 0x0a, &np, 0x12, &nc) < 0 || np > 1)
		return NULL;
	x->class_table = fast_array(a, nc, sizeof(*x->class_table));
	while (p < end) {
		fast_field(&p, end, &f);	/* whole: counted above */
		if (f.tag == 0x0a) {
			if (fast_aspath(a, f.b, f.e, x) < 0)
				return NULL;
		} else if (!(x->class_table[ic++] = fast_class(a, f.b, f.e))) {
			return NULL;
		}
	}
	x->n_class_table = nc;
	return x;
}

static Comet__Rae__Route *
fast_route(struct rae_pbarena *a, const uint8_t *p, const uint8_t *end)
{
	Comet__Rae__Route *x = rae_pbarena_alloc(a, sizeof(*x));
	struct fast_field f;
	size_t npf, npa, ipf = 0, ipa = 0;

	comet__rae__route__init(x);
	if (fast_count(p, end, 0x0a, &npf, 0x12, &npa) < 0)
		return NULL;
	x->prefixes = fast_array(a, npf, sizeof(*x->prefixes));
	x->paths = fast_array(a, npa, sizeof(*x->paths));
	while (p < end) {
		fast_field(&p, end, &f);
		if (f.tag == 0x0a) {
			if (!(x->prefixes[ipf++] = fast_prefix(a, f.b, f.e)))
				return NULL;
		} else if (!(x->paths[ipa++] = fast_path(a, f.b, f.e))) {
			return NULL;
		}
	}
	x->n_prefixes = npf;
	x->n_paths = npa;
	return x;
}

static ProtobufCMessage *
fast_update(struct rae_pbarena *a, const uint8_t *p, size_t len)
{
	Comet__Rae__Update *x = rae_pbarena_alloc(a, sizeof(*x));
	const uint8_t *end = p + len;
	struct fast_field f;
	size_t n, i = 0;

	comet__rae__update__init(x);
	if (fast_count(p, end, 0x0a, &n, 0, NULL) < 0)
		return NULL;
	x->routes = fast_array(a, n, sizeof(*x->routes));
	while (p < end) {
		fast_field(&p, end, &f);
		if (!(x->routes[i++] = fast_route(a, f.b, f.e)))
			return NULL;
	}
	x->n_routes = n;
	return &x->base;
}

static ProtobufCMessage *
fast_withdraw(struct rae_pbarena *a, const uint8_t *p, size_t len)
{
	Comet__Rae__Withdraw *x = rae_pbarena_alloc(a, sizeof(*x));
	const uint8_t *end = p + len;
	struct fast_field f;
	size_t n, i = 0;

	comet__rae__withdraw__init(x);
	if (fast_count(p, end, 0x0a, &n, 0, NULL) < 0)
		return NULL;
	x->prefixes = fast_array(a, n, sizeof(*x->prefixes));
	while (p < end) {
		fast_field(&p, end, &f);
		if (!(x->prefixes[i++] = fast_prefix(a, f.b, f.e)))
			return NULL;
	}
	x->n_prefixes = n;
	return &x->base;
}

/* ---- decoding ---- */

static const ProtobufCMessageDescriptor *
msg_descriptor(unsigned type)
{
	switch (type) {
	case RAE_MSG_OPEN:
		return &comet__rae__open__descriptor;
	case RAE_MSG_KEEPALIVE:
		return &comet__rae__keepalive__descriptor;
	case RAE_MSG_UPDATE:
		return &comet__rae__update__descriptor;
	case RAE_MSG_WITHDRAW:
		return &comet__rae__withdraw__descriptor;
	case RAE_MSG_REFRESH:
		return &comet__rae__refresh__descriptor;
	case RAE_MSG_CME_REQUEST:
		return &comet__cmerae__generic_request__descriptor;
	case RAE_MSG_CME_REPLY:
		return &comet__cmerae__reply__descriptor;
	}
	return NULL;
}

static struct ProtobufCMessage *
decode(unsigned type, const uint8_t *body, size_t len, struct rae_pbarena *a, bool fast,
       char *why, size_t whylen)
{
	const ProtobufCMessageDescriptor *d = msg_descriptor(type);
	ProtobufCMessage *m;
	char nb[16], r[384];
	int rc = 0;

	a->pfx = NULL;
	a->npfx = 0;
	if (!d) {
		why_set(why, whylen, "unknown message type %u", type);
		return NULL;
	}
	if (fast && (type == RAE_MSG_UPDATE || type == RAE_MSG_WITHDRAW)) {
		rae_pbarena_reset(a);
		m = type == RAE_MSG_UPDATE ? fast_update(a, body, len) : fast_withdraw(a, body, len);
		if (m)
			goto check;
	}
	if (pb_check(d, body, len, r, sizeof(r)) < 0) {
		why_set(why, whylen, "%s: %s", rae_msg_name(type, nb, sizeof(nb)), r);
		return NULL;
	}
	rae_pbarena_reset(a);
	m = protobuf_c_message_unpack(d, (ProtobufCAllocator *)&a->allocator, len, body);
	if (!m) {
		why_set(why, whylen, "%s: protobuf-c cannot unpack it",
			rae_msg_name(type, nb, sizeof(nb)));
		return NULL;
	}
check:
	switch (type) {
	case RAE_MSG_OPEN:
		rc = chk_open((const Comet__Rae__Open *)m, why, whylen);
		break;
	case RAE_MSG_UPDATE: {
		const Comet__Rae__Update *u = (const Comet__Rae__Update *)m;
		size_t n = 0;

		for (size_t i = 0; i < u->n_routes; i++)
			n += u->routes[i]->n_prefixes;
		a->pfx = rae_pbarena_alloc(a, n * sizeof(struct prefix));
		a->npfx = n;
		rc = chk_update(u, a->pfx, why, whylen);
		break;
	}
	case RAE_MSG_WITHDRAW: {
		const Comet__Rae__Withdraw *w = (const Comet__Rae__Withdraw *)m;

		a->pfx = rae_pbarena_alloc(a, w->n_prefixes * sizeof(struct prefix));
		a->npfx = w->n_prefixes;
		rc = chk_withdraw(w, a->pfx, why, whylen);
		break;
	}
	case RAE_MSG_CME_REQUEST:
		rc = chk_cme_request((const Comet__Cmerae__GenericRequest *)m, why, whylen);
		break;
	case RAE_MSG_CME_REPLY:
		if (!((const Comet__Cmerae__Reply *)m)->has_version)
			rc = why_set(why, whylen, "cme-reply: version missing");
		break;
	}
	return rc < 0 ? NULL : m;
}

struct ProtobufCMessage *
rae_msg_decode(unsigned type, const uint8_t *body, size_t len, struct rae_pbarena *a,
	       char *why, size_t whylen)
{
	return decode(type, body, len, a, true, why, whylen);
}

struct ProtobufCMessage *
rae_msg_decode_general(unsigned type, const uint8_t *body, size_t len, struct rae_pbarena *a,
		       char *why, size_t whylen)
{
	return decode(type, body, len, a, false, why, whylen);
}
