/*
 * agent.c - the CAFE management agent (D4.3 sections 5.2.3 and 5.3.4):
 * usr.stateless.CafeAgent [port], alias cafe_agent.
 *
 * It listens on emulated TCP (sim/tcp.h) on its node, port 9999 unless
 * told otherwise, and answers every GenericRequest of cmecafe.proto with
 * one GenericResponse, in order.  Each message is a 2-byte big-endian
 * length and then the protobuf body (Appendix B); TCP may split or merge
 * them any way, the framer of agent_wire.c puts them back together.
 *
 *   CONFIGURE_STREAM         the request becomes a cafe_filter_spec, with
 *                            the meaning ci_tool add's arguments have, and
 *                            goes to cafe_filter_add() on the node's CAFE
 *                            (cafe_get(): loaded if the node has none) -
 *                            the function ci_tool add ends in, so the
 *                            agent and the tool are one code path, as D4.3
 *                            Figure 21 has the agent invoke ci_tool.
 *                            CAFE_SUCCESS, or CAFE_FAILURE with the reason.
 *   COLLECT_EXPIRED_STREAMS  cafe_collect(): the records of the streams
 *                            that expired since the last collect, with
 *                            D4.3's fields.  A response holds at most 65535
 *                            bytes; records that do not fit wait for the
 *                            next collect, and the response says more=true.
 *
 * A request that parses but makes no sense (no type, an unknown type, a
 * field out of range) is answered CAFE_FAILURE and the connection stays.
 * A body that is not a GenericRequest at all (bad tag, wire type, length,
 * text) cannot be trusted to be followed by a good length: the agent
 * answers CAFE_FAILURE with the reason, logs it, counts it (statistic
 * "malformed") and closes the connection, ignoring whatever else comes on
 * it.  A connection that ends inside a message is counted as "truncated".
 * doc/cafe-agent.md has the layouts, the reasons and the log lines.
 */
#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <protobuf-c/protobuf-c.h>

#include "entities/cafe/agent.h"
#include "entities/pbcheck.h"
#include "sim/net.h"
#include "sim/units.h"
#include "sim/wire.h"

#define AGENT_USAGE	"[port]"
#define TIMEOUT_MAX_S	(86400u * 365)	/* ci_tool add's limit */

/* ---- requests and records ---- */

/* An address of a filter: absent, "", "*", 0.0.0.0 or :: is any. */
static int
spec_addr(const char *s, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	if (!s || !*s || strcmp(s, "*") == 0 || strcmp(s, "0.0.0.0") == 0 || strcmp(s, "::") == 0)
		return 0;
	return addr_parse(s, a);
}

int
cafe_agent_spec(const cafe_agent_cfg *c, struct cafe_filter_spec *s, char *err, size_t errlen)
{
	const Comet__Cmecafe__Filter *f = c->filter;
	size_t used = 0;
	int cos = 0;

	memset(s, 0, sizeof(*s));
	if (!c->has_id) {
		snprintf(err, errlen, "no stream id");
		return -1;
	}
	s->id = c->id;
	if (f && spec_addr(f->ip_source, &s->src) < 0) {
		snprintf(err, errlen, "bad source address \"%s\"", f->ip_source);
		return -1;
	}
	if (f && spec_addr(f->ip_destination, &s->dst) < 0) {
		snprintf(err, errlen, "bad destination address \"%s\"", f->ip_destination);
		return -1;
	}
	if (f && f->has_protocol && f->protocol > 255) {
		snprintf(err, errlen, "bad protocol %" PRIu32 " (0..255)", f->protocol);
		return -1;
	}
	if (f && f->has_port_source && f->port_source > 65535) {
		snprintf(err, errlen, "bad source port %" PRIu32 " (0..65535)", f->port_source);
		return -1;
	}
	if (f && f->has_port_destination && f->port_destination > 65535) {
		snprintf(err, errlen, "bad destination port %" PRIu32 " (0..65535)",
			 f->port_destination);
		return -1;
	}
	if (f) {
		s->proto = f->has_protocol ? (uint8_t)f->protocol : 0;
		s->sport = f->has_port_source ? (uint16_t)f->port_source : 0;
		s->dport = f->has_port_destination ? (uint16_t)f->port_destination : 0;
	}
	if (c->cos && (cos = cafe_agent_cos_parse(c->cos)) < 0) {
		snprintf(err, errlen, "unknown class of service \"%s\" (BE, BTBE or PR)", c->cos);
		return -1;
	}
	s->cos = (uint8_t)cos;
	if (c->has_key && c->key.len > COMET_MAX_KEYS) {
		snprintf(err, errlen, "%zu keys (at most %d)", c->key.len, COMET_MAX_KEYS);
		return -1;
	}
	if (c->has_key && c->key.len) {
		memcpy(s->keys, c->key.data, c->key.len);
		s->nkeys = (uint8_t)c->key.len;
	}
	if (c->has_refresh_time && c->refresh_time > TIMEOUT_MAX_S) {
		snprintf(err, errlen, "refresh time %" PRIu32 " s too long (at most %u)",
			 c->refresh_time, TIMEOUT_MAX_S);
		return -1;
	}
	s->timeout_s = c->has_refresh_time ? c->refresh_time : 0;
	s->bandwidth = c->has_bandwidth ? c->bandwidth : 0;
	/* The CAFE keeps the AS path as text, "1,2,3" ("-": none, as ci_tool). */
	if (c->n_as_path == 0)
		snprintf(s->as_path, sizeof(s->as_path), "-");
	for (size_t i = 0; i < c->n_as_path; i++) {
		int w = snprintf(s->as_path + used, sizeof(s->as_path) - used, "%s%" PRIu32,
				 i ? "," : "", c->as_path[i]);

		if (w < 0 || (size_t)w >= sizeof(s->as_path) - used) {
			snprintf(err, errlen, "AS path of %zu ASes too long (at most %zu characters "
				 "written out)", c->n_as_path, sizeof(s->as_path) - 1);
			return -1;
		}
		used += (size_t)w;
	}
	return 0;
}

void
cafe_agent_record(const struct cafe_expired *x, cafe_agent_rec *r, struct cafe_agent_rec_buf *b)
{
	const char *p = x->s.as_path;
	size_t n = 0;

	comet__cmecafe__expired_stream__init(r);
	r->has_id = 1;
	r->id = x->s.id;
	r->ip_source = x->s.src.af ? addr_fmt(&x->s.src, b->src) : strcpy(b->src, "*");
	r->ip_destination = x->s.dst.af ? addr_fmt(&x->s.dst, b->dst) : strcpy(b->dst, "*");
	r->has_protocol = r->has_port_source = r->has_port_destination = 1;
	r->protocol = x->s.proto;
	r->port_source = x->s.sport;
	r->port_destination = x->s.dport;
	r->has_bandwidth = 1;
	r->bandwidth = x->s.bandwidth;
	r->cos = (char *)(cafe_agent_cos_name(x->s.cos) ? cafe_agent_cos_name(x->s.cos) : "BE");
	/* The text cafe_agent_spec wrote: numbers separated by commas, or "-". */
	while (*p >= '0' && *p <= '9' && n < sizeof(b->as_path) / sizeof(b->as_path[0])) {
		char *end;

		b->as_path[n++] = (uint32_t)strtoul(p, &end, 10);
		p = *end == ',' ? end + 1 : end;
	}
	r->n_as_path = n;
	r->as_path = b->as_path;
	r->has_transferred_bytes = r->has_duration = r->has_packets = r->has_expired_at = 1;
	r->transferred_bytes = x->transferred_bytes;
	r->duration = (uint64_t)x->duration;
	r->packets = x->packets;
	r->expired_at = (uint64_t)x->expired_at;
}

static size_t
varint_size(size_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static void
answer_configure(struct cafe_agent *a, const char *peer, const cafe_agent_cfg *cfg,
		 cafe_agent_resp *r, char *reason, size_t rlen)
{
	struct cafe_filter_spec s;
	struct cafe *c;
	char src[ADDR_STRLEN], dst[ADDR_STRLEN], keys[2 * COMET_MAX_KEYS + 1];

	if (cfg && cfg->has_id) {
		r->has_id = 1;
		r->id = cfg->id;
	}
	if (!cfg) {
		snprintf(reason, rlen, "CONFIGURE_STREAM without a configure message");
		goto fail;
	}
	if (cafe_agent_spec(cfg, &s, reason, rlen) < 0)
		goto fail;
	if (!(c = cafe_get(a->e.node))) {
		snprintf(reason, rlen, "cannot load a CAFE on %s", a->e.node->name);
		goto fail;
	}
	if (cafe_filter_add(c, &s, reason, rlen) < 0)
		goto fail;
	a->configure_success++;
	r->status = CAFE_AGENT_SUCCESS;
	entity_log(&a->e, LOG_INFO, "CONFIGURE_STREAM %" PRIu32 " from %s: CAFE_SUCCESS (filter "
		   "%" PRIu32 " added: %s -> %s proto %u ports %u -> %u keys %s cos %s timeout %"
		   PRIu32 " s bandwidth %" PRIu64 " as_path %s)", s.id, peer, s.id,
		   s.src.af ? addr_fmt(&s.src, src) : "*", s.dst.af ? addr_fmt(&s.dst, dst) : "*",
		   s.proto, s.sport, s.dport, comet_keys_fmt(s.keys, s.nkeys, keys),
		   cafe_agent_cos_name(s.cos), s.timeout_s, s.bandwidth, s.as_path);
	return;
fail:
	a->configure_failure++;
	r->status = CAFE_AGENT_FAILURE;
	r->reason = reason;
	if (cfg && cfg->has_id)
		entity_log(&a->e, LOG_WARN, "CONFIGURE_STREAM %" PRIu32 " from %s: CAFE_FAILURE: %s",
			   cfg->id, peer, reason);
	else
		entity_log(&a->e, LOG_WARN, "CONFIGURE_STREAM from %s: CAFE_FAILURE: %s", peer,
			   reason);
}

/* Collect into a->pending, answer with as many records as fit. */
static int
answer_collect(struct cafe_agent *a, const char *peer, cafe_agent_resp *r, GByteArray *out)
{
	struct cafe *c = cafe_get(a->e.node);
	struct cafe_expired *x;
	cafe_agent_rec *recs, **ptrs;
	struct cafe_agent_rec_buf *bufs;
	size_t n, k = 0, size;
	char line[512];
	int rc;

	if (c) {
		x = cafe_collect(c, &n);
		g_array_append_vals(a->pending, x, (guint)n);
		free(x);
	}
	n = a->pending->len;
	x = (struct cafe_expired *)a->pending->data;
	recs = calloc(n ? n : 1, sizeof(*recs));
	ptrs = calloc(n ? n : 1, sizeof(*ptrs));
	bufs = calloc(n ? n : 1, sizeof(*bufs));
	r->status = CAFE_AGENT_SUCCESS;
	r->has_more = 1;
	r->more = 1;
	size = protobuf_c_message_get_packed_size(&r->base);
	for (k = 0; k < n; k++) {
		size_t rs;

		cafe_agent_record(&x[k], &recs[k], &bufs[k]);
		rs = protobuf_c_message_get_packed_size(&recs[k].base);
		if (size + 1 + varint_size(rs) + rs > CAFE_AGENT_MAX_MSG)
			break;
		size += 1 + varint_size(rs) + rs;
		ptrs[k] = &recs[k];
	}
	r->more = k < n;
	r->n_expired_streams = k;
	r->expired_streams = ptrs;
	rc = cafe_agent_frame(&r->base, out);
	assert(rc == 0);
	a->collects++;
	a->records_sent += k;
	entity_log(&a->e, LOG_INFO, "COLLECT_EXPIRED_STREAMS from %s: CAFE_SUCCESS, %zu expired "
		   "streams%s", peer, k, r->more ? " (more waiting)" : "");
	for (size_t i = 0; i < k; i++) {
		cafe_expired_fmt(&x[i], line, sizeof(line));
		entity_log(&a->e, LOG_INFO, "expired stream %s", line);
	}
	g_array_remove_range(a->pending, 0, (guint)k);
	free(recs);
	free(ptrs);
	free(bufs);
	return rc;
}

int
cafe_agent_answer(struct cafe_agent *a, const char *peer, const uint8_t *body, size_t len,
		  GByteArray *out, char *why, size_t whylen)
{
	cafe_agent_resp r = COMET__CMECAFE__GENERIC_RESPONSE__INIT;
	cafe_agent_req *q;
	char reason[320];
	int rc;

	q = (cafe_agent_req *)pb_unpack(&comet__cmecafe__generic_request__descriptor,
						body, len, why, whylen);
	r.has_status = 1;
	if (!q) {
		snprintf(reason, sizeof(reason), "malformed request: %s", why);
		r.status = CAFE_AGENT_FAILURE;
		r.reason = reason;
		rc = cafe_agent_frame(&r.base, out);
		assert(rc == 0);
		return -1;
	}
	a->requests++;
	if (q->has_type) {
		r.has_type = 1;
		r.type = q->type;
	}
	if (q->has_type && q->type == CAFE_AGENT_COLLECT) {
		answer_collect(a, peer, &r, out);
		protobuf_c_message_free_unpacked(&q->base, NULL);
		return 0;
	}
	if (q->has_type && q->type == CAFE_AGENT_CONFIGURE) {
		answer_configure(a, peer, q->configure, &r, reason, sizeof(reason));
	} else {
		if (q->has_type)
			snprintf(reason, sizeof(reason), "unknown request type %d", (int)q->type);
		else
			snprintf(reason, sizeof(reason), "request without a type");
		a->other_failures++;
		r.status = CAFE_AGENT_FAILURE;
		r.reason = reason;
		entity_log(&a->e, LOG_WARN, "request from %s: CAFE_FAILURE: %s", peer, reason);
	}
	rc = cafe_agent_frame(&r.base, out);
	assert(rc == 0);
	protobuf_c_message_free_unpacked(&q->base, NULL);
	return 0;
}

/* ---- connections ---- */

static void
conn_free(struct cafe_agent_conn *c)
{
	cafe_agent_framer_fini(&c->fr);
	free(c);
}

static void
agent_recv(struct tcp_sock *sock, void *ctx, const uint8_t *data, size_t len)
{
	struct cafe_agent_conn *c = ctx;
	struct cafe_agent *a = c->agent;
	GByteArray *out;
	const uint8_t *body;
	size_t blen;
	char why[256];

	if (c->closing)
		return;
	cafe_agent_framer_push(&c->fr, data, len);
	out = g_byte_array_new();
	while (cafe_agent_framer_next(&c->fr, &body, &blen)) {
		if (cafe_agent_answer(a, c->peer, body, blen, out, why, sizeof(why)) < 0) {
			a->malformed++;
			c->closing = true;
			entity_log(&a->e, LOG_WARN, "connection from %s closed: malformed request "
				   "(%zu bytes): %s", c->peer, blen, why);
			break;
		}
		c->requests++;
	}
	if (out->len)
		tcp_send(sock, out->data, out->len);
	g_byte_array_free(out, TRUE);
	if (c->closing)
		tcp_close(sock);
}

static void
agent_eof(struct tcp_sock *sock, void *ctx)
{
	struct cafe_agent_conn *c = ctx;
	size_t want, held;

	if (c->closing)
		return;	/* we closed first */
	if ((held = cafe_agent_framer_held(&c->fr, &want)) > 0) {
		c->agent->truncated++;
		if (want)
			entity_log(&c->agent->e, LOG_WARN, "connection from %s ended inside a "
				   "message: %zu of %zu bytes", c->peer, held, want);
		else
			entity_log(&c->agent->e, LOG_WARN, "connection from %s ended inside a "
				   "message: 1 byte of its length", c->peer);
	}
	c->closing = true;
	tcp_close(sock);
}

static void
agent_closed(struct tcp_sock *sock, void *ctx, enum tcp_close_reason why)
{
	struct cafe_agent_conn *c = ctx;
	struct cafe_agent *a = c->agent;

	entity_log(&a->e, why == TCP_CLOSED_NORMAL ? LOG_INFO : LOG_WARN,
		   "connection from %s closed (%s): %" PRIu64 " requests answered", c->peer,
		   tcp_close_reason_name(why), c->requests);
	g_ptr_array_remove(a->conns, c);
	conn_free(c);
}

static const struct tcp_callbacks agent_cb = {
	.recv = agent_recv,
	.eof = agent_eof,
	.closed = agent_closed,
};

static void
agent_accept(struct tcp_sock *listener, struct tcp_sock *sock, void *ctx)
{
	struct cafe_agent *a = ctx;
	struct cafe_agent_conn *c = calloc(1, sizeof(*c));
	struct addr ra;
	uint16_t rport;
	char s[ADDR_STRLEN];

	tcp_endpoints(sock, NULL, NULL, &ra, &rport);
	snprintf(c->peer, sizeof(c->peer), ra.af == ADDR_V6 ? "[%s]:%u" : "%s:%u",
		 addr_fmt(&ra, s), rport);
	c->agent = a;
	c->sock = sock;
	cafe_agent_framer_init(&c->fr);
	g_ptr_array_add(a->conns, c);
	a->connections++;
	tcp_set_callbacks(sock, &agent_cb, c);
	entity_log(&a->e, LOG_INFO, "connection from %s", c->peer);
}

/* ---- the entity ---- */

static int
agent_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	struct cafe_agent *a = (struct cafe_agent *)e;
	uint64_t v;

	if (argc > 1) {
		snprintf(err, errlen, "unexpected argument \"%s\" (usage: %s)", argv[1], AGENT_USAGE);
		return -1;
	}
	a->port = CAFE_AGENT_PORT;
	if (argc == 1) {
		if (units_uint("port", argv[0], 1, 65535, &v, err, errlen) < 0)
			return -1;
		a->port = (uint16_t)v;
	}
	a->conns = g_ptr_array_new();
	a->pending = g_array_new(FALSE, FALSE, sizeof(struct cafe_expired));
	return 0;
}

static void
agent_start(struct entity *e)
{
	struct cafe_agent *a = (struct cafe_agent *)e;

	a->listener = tcp_listen(e->node, a->port, agent_accept, a);
	if (!a->listener)
		entity_log(e, LOG_ERROR, "cannot listen on TCP port %u: in use", a->port);
	else
		entity_log(e, LOG_INFO, "CAFE agent listening on TCP port %u", a->port);
}

/* Stop listening; connections still open are aborted. */
static void
agent_stop(struct entity *e)
{
	struct cafe_agent *a = (struct cafe_agent *)e;

	if (a->listener) {
		tcp_unlisten(a->listener);
		a->listener = NULL;
	}
	while (a->conns->len) {
		struct cafe_agent_conn *c = g_ptr_array_index(a->conns, 0);

		tcp_abort(c->sock);
		/* agent_closed freed it; make sure, or this would not end. */
		if (a->conns->len && g_ptr_array_index(a->conns, 0) == c) {
			g_ptr_array_remove_index(a->conns, 0);
			conn_free(c);
		}
	}
}

static void
agent_stats(struct entity *e, entity_stat_fn fn, void *ctx)
{
	struct cafe_agent *a = (struct cafe_agent *)e;

	fn(ctx, "connections", a->connections);
	fn(ctx, "requests", a->requests);
	fn(ctx, "configure_success", a->configure_success);
	fn(ctx, "configure_failure", a->configure_failure);
	fn(ctx, "collects", a->collects);
	fn(ctx, "records_sent", a->records_sent);
	fn(ctx, "records_waiting", a->pending ? a->pending->len : 0);
	fn(ctx, "other_failures", a->other_failures);
	fn(ctx, "malformed", a->malformed);
	fn(ctx, "truncated", a->truncated);
}

static void
agent_dump(struct entity *e, FILE *out)
{
	struct cafe_agent *a = (struct cafe_agent *)e;

	fprintf(out, "%s: port %u connections %" PRIu64 " requests %" PRIu64 " configure_success %"
		PRIu64 " configure_failure %" PRIu64 " collects %" PRIu64 " records_sent %" PRIu64
		" malformed %" PRIu64 " truncated %" PRIu64 "\n", e->inst, a->port, a->connections,
		a->requests, a->configure_success, a->configure_failure, a->collects,
		a->records_sent, a->malformed, a->truncated);
}

static void
agent_fini(struct entity *e)
{
	struct cafe_agent *a = (struct cafe_agent *)e;

	if (a->conns) {
		for (guint i = 0; i < a->conns->len; i++)
			conn_free(g_ptr_array_index(a->conns, i));
		g_ptr_array_free(a->conns, TRUE);
		a->conns = NULL;
	}
	if (a->pending)
		g_array_free(a->pending, TRUE);
	a->pending = NULL;
}

static const char *const agent_aliases[] = { "cafe_agent", NULL };

const struct entity_class cafe_agent_class = {
	.name      = "usr.stateless.CafeAgent",
	.aliases   = agent_aliases,
	.kind      = "cafe_agent",
	.usage     = AGENT_USAGE,
	.inst_size = sizeof(struct cafe_agent),
	.init      = agent_init,	/* port */
	.start     = agent_start,	/* listen */
	.stop      = agent_stop,	/* stop listening, abort connections */
	.stats     = agent_stats,
	.dump      = agent_dump,
	.fini      = agent_fini,
};
