/*
 * test_agent.c - the CAFE agent (entities/cafe/agent.c) without TCP: the
 * framer on split, merged and empty messages; the strict reading of
 * bodies on garbage of every kind; a CONFIGURE_STREAM turned into a
 * filter spec (Appendix B's values, wildcards, each refusal); expired
 * streams turned into records; and whole requests answered by an agent
 * on a node, with the CAFE's own refusals, the collection of expired
 * streams once the virtual clock has passed their refresh time, and a
 * collection too large for one response.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <glib.h>

#include "entities/cafe/agent.h"
#include "entities/pbcheck.h"
#include "sim/net.h"
#include "tests/unit/suites.h"

/* ---- helpers ---- */

/* A request packed and framed into a new array. */
static GByteArray *
framed(const ProtobufCMessage *m)
{
	GByteArray *b = g_byte_array_new();

	CU_ASSERT_EQUAL_FATAL(cafe_agent_frame(m, b), 0);
	return b;
}

/* Appendix B's flow i. */
struct flow {
	cafe_agent_req m;
	cafe_agent_cfg c;
	Comet__Cmecafe__Filter f;
	uint8_t key[3];
	uint32_t path[3];
};

static void
flow_init(struct flow *w, uint32_t i)
{
	comet__cmecafe__generic_request__init(&w->m);
	comet__cmecafe__configure_stream__init(&w->c);
	comet__cmecafe__filter__init(&w->f);
	w->m.has_type = 1;
	w->m.type = CAFE_AGENT_CONFIGURE;
	w->m.configure = &w->c;
	w->c.has_id = 1;
	w->c.id = i;
	w->c.filter = &w->f;
	w->f.ip_source = "1.1.1.1";
	w->f.ip_destination = "2.2.2.2";
	w->f.has_protocol = w->f.has_port_source = w->f.has_port_destination = 1;
	w->f.protocol = 6;
	w->f.port_source = 80;
	w->f.port_destination = 0;
	w->c.has_bandwidth = 1;
	w->c.bandwidth = 1000;
	w->c.cos = "PR";
	w->key[0] = 1;
	w->key[1] = 2;
	w->key[2] = (uint8_t)(i & 0xff);
	w->c.has_key = 1;
	w->c.key.data = w->key;
	w->c.key.len = 3;
	w->c.has_refresh_time = 1;
	w->c.refresh_time = 10;
	w->path[0] = 1;
	w->path[1] = 2;
	w->path[2] = 3;
	w->c.n_as_path = 3;
	w->c.as_path = w->path;
}

/* ---- the framer ---- */

static void
test_agent_framer(void)
{
	static const uint8_t stream[] = {
		0x00, 0x03, 'a', 'b', 'c',	/* "abc" */
		0x00, 0x00,			/* an empty body */
		0x01, 0x02,			/* 258 bytes follow */
	};
	uint8_t *big = malloc(sizeof(stream) + 258);
	size_t n = sizeof(stream) + 258, held, want, blen;
	const uint8_t *body;
	struct cafe_agent_framer f;
	unsigned got = 0;

	memcpy(big, stream, sizeof(stream));
	for (size_t i = 0; i < 258; i++)
		big[sizeof(stream) + i] = (uint8_t)i;

	/* Split: one byte at a time, the bodies come out whole and in order. */
	cafe_agent_framer_init(&f);
	for (size_t i = 0; i < n; i++) {
		cafe_agent_framer_push(&f, big + i, 1);
		while (cafe_agent_framer_next(&f, &body, &blen)) {
			if (got == 0) {
				CU_ASSERT_EQUAL(i, 4);
				CU_ASSERT_EQUAL(blen, 3);
				CU_ASSERT_EQUAL(memcmp(body, "abc", 3), 0);
			} else if (got == 1) {
				CU_ASSERT_EQUAL(i, 6);
				CU_ASSERT_EQUAL(blen, 0);
			} else {
				CU_ASSERT_EQUAL(i, n - 1);
				CU_ASSERT_EQUAL(blen, 258);
				CU_ASSERT_EQUAL(body[257], 257 & 0xff);
			}
			got++;
		}
		if (i == 7) {
			CU_ASSERT_EQUAL(cafe_agent_framer_held(&f, &want), 1);
			CU_ASSERT_EQUAL(want, 0);	/* half a length */
		}
		if (i == 100) {
			CU_ASSERT_EQUAL(cafe_agent_framer_held(&f, &want), 100 - 6);
			CU_ASSERT_EQUAL(want, 260);
		}
	}
	CU_ASSERT_EQUAL(got, 3);
	CU_ASSERT_EQUAL(cafe_agent_framer_held(&f, NULL), 0);
	cafe_agent_framer_fini(&f);

	/* Merged: everything in one push, then twice over in one push. */
	cafe_agent_framer_init(&f);
	got = 0;
	cafe_agent_framer_push(&f, big, n);
	while (cafe_agent_framer_next(&f, &body, &blen))
		got++;
	CU_ASSERT_EQUAL(got, 3);
	big = realloc(big, 2 * n);
	memcpy(big + n, big, n);
	cafe_agent_framer_push(&f, big, 2 * n - 100);
	got = 0;
	while (cafe_agent_framer_next(&f, &body, &blen))
		got++;
	CU_ASSERT_EQUAL(got, 5);	/* the sixth lacks 100 bytes */
	held = cafe_agent_framer_held(&f, &want);
	CU_ASSERT_EQUAL(held, 260 - 100);
	CU_ASSERT_EQUAL(want, 260);
	cafe_agent_framer_push(&f, big + 2 * n - 100, 100);
	CU_ASSERT_EQUAL(cafe_agent_framer_next(&f, &body, &blen), 1);
	CU_ASSERT_EQUAL(blen, 258);
	CU_ASSERT_EQUAL(cafe_agent_framer_next(&f, &body, &blen), 0);
	cafe_agent_framer_fini(&f);
	free(big);
}

static void
test_agent_frame(void)
{
	struct flow w;
	cafe_agent_resp r = COMET__CMECAFE__GENERIC_RESPONSE__INIT;
	GByteArray *b;
	char *huge;
	size_t n;

	flow_init(&w, 7);
	b = framed(&w.m.base);
	n = protobuf_c_message_get_packed_size(&w.m.base);
	CU_ASSERT_EQUAL(b->len, n + 2);
	CU_ASSERT_EQUAL(b->data[0], n >> 8);
	CU_ASSERT_EQUAL(b->data[1], n & 0xff);
	/* type = 1 (field 1, varint) comes first. */
	CU_ASSERT_EQUAL(b->data[2], 0x08);
	CU_ASSERT_EQUAL(b->data[3], 0x01);
	g_byte_array_free(b, TRUE);

	/* A body over 65535 bytes cannot be framed. */
	huge = malloc(70000);
	memset(huge, 'x', 69999);
	huge[69999] = '\0';
	r.reason = huge;
	b = g_byte_array_new();
	CU_ASSERT_EQUAL(cafe_agent_frame(&r.base, b), -1);
	CU_ASSERT_EQUAL(b->len, 0);
	g_byte_array_free(b, TRUE);
	free(huge);
}

/* ---- strict reading ---- */

static void
bad_body(const uint8_t *p, size_t n, const char *want)
{
	char why[256] = "";
	ProtobufCMessage *m = pb_unpack(&comet__cmecafe__generic_request__descriptor,
						p, n, why, sizeof(why));

	CU_ASSERT_PTR_NULL(m);
	if (m)
		protobuf_c_message_free_unpacked(m, NULL);
	if (!strstr(why, want))
		fprintf(stderr, "\n  reason \"%s\" lacks \"%s\"\n", why, want);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, want));
}

static void
test_agent_unpack_garbage(void)
{
	static const uint8_t trunc_varint[] = { 0x08, 0x80 };
	static const uint8_t wrong_wt[] = { 0x10, 0x01 };
	static const uint8_t too_long[] = { 0x12, 0x05, 0x08 };
	static const uint8_t group[] = { 0x0b, 0x0c };
	static const uint8_t field0[] = { 0x00, 0x01 };
	/* configure { filter { ip_source = "\xff" } } */
	static const uint8_t not_utf8[] = { 0x12, 0x05, 0x12, 0x03, 0x0a, 0x01, 0xff };
	/* configure { id = 2^33 } */
	static const uint8_t big_id[] = { 0x12, 0x06, 0x08, 0x80, 0x80, 0x80, 0x80, 0x20 };
	/* configure { filter { protocol: wire type 1 } } */
	static const uint8_t nested_wt[] = { 0x12, 0x0b, 0x12, 0x09, 0x19, 1, 2, 3, 4, 5, 6, 7, 8 };
	/* as_path packed with a cut varint */
	static const uint8_t packed_cut[] = { 0x12, 0x04, 0x3a, 0x02, 0x01, 0x80 };
	/* a string with a NUL inside */
	static const uint8_t nul[] = { 0x12, 0x04, 0x22, 0x02, 'P', 0x00 };
	uint8_t pattern[778];

	bad_body(trunc_varint, sizeof(trunc_varint), "type: varint cut or longer than 10 bytes (byte 1)");
	bad_body(wrong_wt, sizeof(wrong_wt),
		 "configure: wire type 0 (varint), expected 2 (length-delimited) (byte 0)");
	bad_body(too_long, sizeof(too_long), "configure: length 5 runs past the end (1 bytes left) (byte 1)");
	bad_body(group, sizeof(group), "field 1: wire type 3 (group start) is not supported (byte 0)");
	bad_body(field0, sizeof(field0), "field number 0 out of range (byte 0)");
	bad_body(not_utf8, sizeof(not_utf8), "configure.filter.ip_source: string is not valid UTF-8 (byte 5)");
	bad_body(big_id, sizeof(big_id), "configure.id: value 8589934592 does not fit 32 bits (byte 3)");
	bad_body(nested_wt, sizeof(nested_wt), "configure.filter.protocol: wire type 1 (64-bit), expected 0 (varint) (byte 4)");
	bad_body(packed_cut, sizeof(packed_cut), "configure.as_path[0]: packed varint cut or too long (byte 5)");
	bad_body(nul, sizeof(nul), "configure.cos: string holds a NUL byte (byte 3)");
	/* What usr.applications.TcpSend sends after its first two bytes. */
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(((i + 2) * 7 + 3) & 0xff);
	bad_body(pattern, sizeof(pattern),
		 "configure: wire type 1 (64-bit), expected 2 (length-delimited) (byte 0)");
}

static void
test_agent_unpack_good(void)
{
	/* type = 2, an unknown field 15 (varint), then configure with a packed AS path. */
	static const uint8_t body[] = { 0x08, 0x02, 0x78, 0x05, 0x12, 0x07, 0x08, 0x09, 0x3a,
					0x03, 0x01, 0x02, 0x03 };
	char why[256];
	cafe_agent_req *q = (cafe_agent_req *)pb_unpack(
		&comet__cmecafe__generic_request__descriptor, body, sizeof(body), why, sizeof(why));

	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	CU_ASSERT(q->has_type && q->type == CAFE_AGENT_COLLECT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(q->configure);
	CU_ASSERT_EQUAL(q->configure->id, 9);
	CU_ASSERT_EQUAL(q->configure->n_as_path, 3);
	CU_ASSERT_EQUAL(q->configure->as_path[2], 3);
	protobuf_c_message_free_unpacked(&q->base, NULL);

	/* The empty body is an empty request: it parses. */
	q = (cafe_agent_req *)pb_unpack(&comet__cmecafe__generic_request__descriptor,
						body, 0, why, sizeof(why));
	CU_ASSERT_PTR_NOT_NULL_FATAL(q);
	CU_ASSERT_FALSE(q->has_type);
	protobuf_c_message_free_unpacked(&q->base, NULL);
}

/* ---- request -> spec ---- */

static void
spec_err(struct flow *w, const char *want)
{
	struct cafe_filter_spec s;
	char err[256] = "";

	CU_ASSERT_EQUAL(cafe_agent_spec(&w->c, &s, err, sizeof(err)), -1);
	if (strcmp(err, want))
		fprintf(stderr, "\n  got \"%s\", expected \"%s\"\n", err, want);
	CU_ASSERT_STRING_EQUAL(err, want);
}

static void
test_agent_spec(void)
{
	struct flow w;
	struct cafe_filter_spec s;
	char err[256], a[ADDR_STRLEN];
	uint8_t keys[300] = { 0 };
	uint32_t longpath[20];

	flow_init(&w, 5);
	CU_ASSERT_EQUAL_FATAL(cafe_agent_spec(&w.c, &s, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(s.id, 5);
	CU_ASSERT_STRING_EQUAL(addr_fmt(&s.src, a), "1.1.1.1");
	CU_ASSERT_STRING_EQUAL(addr_fmt(&s.dst, a), "2.2.2.2");
	CU_ASSERT_EQUAL(s.proto, 6);
	CU_ASSERT_EQUAL(s.sport, 80);
	CU_ASSERT_EQUAL(s.dport, 0);
	CU_ASSERT_EQUAL(s.cos, COMET_COS_PR);
	CU_ASSERT_EQUAL(s.nkeys, 3);
	CU_ASSERT(s.keys[0] == 1 && s.keys[1] == 2 && s.keys[2] == 5);
	CU_ASSERT_EQUAL(s.timeout_s, 10);
	CU_ASSERT_EQUAL(s.bandwidth, 1000);
	CU_ASSERT_STRING_EQUAL(s.as_path, "1,2,3");

	/* Wildcards and defaults: no filter, no cos, no path. */
	w.c.filter = NULL;
	w.c.cos = NULL;
	w.c.n_as_path = 0;
	w.c.has_refresh_time = 0;
	CU_ASSERT_EQUAL_FATAL(cafe_agent_spec(&w.c, &s, err, sizeof(err)), 0);
	CU_ASSERT(s.src.af == 0 && s.dst.af == 0 && s.proto == 0 && s.sport == 0 && s.dport == 0);
	CU_ASSERT_EQUAL(s.cos, COMET_COS_BE);
	CU_ASSERT_STRING_EQUAL(s.as_path, "-");
	CU_ASSERT_EQUAL(s.timeout_s, 0);
	w.c.filter = &w.f;
	w.f.ip_source = "*";
	w.f.ip_destination = "2001:db8::9";
	w.c.cos = "BTBE";
	CU_ASSERT_EQUAL_FATAL(cafe_agent_spec(&w.c, &s, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(s.src.af, 0);
	CU_ASSERT_EQUAL(s.dst.af, ADDR_V6);
	CU_ASSERT_EQUAL(s.cos, COMET_COS_BTBE);

	/* Each field that cannot be. */
	flow_init(&w, 5);
	w.c.has_id = 0;
	spec_err(&w, "no stream id");
	flow_init(&w, 5);
	w.f.ip_source = "1.1.1.300";
	spec_err(&w, "bad source address \"1.1.1.300\"");
	flow_init(&w, 5);
	w.f.ip_destination = "host";
	spec_err(&w, "bad destination address \"host\"");
	flow_init(&w, 5);
	w.f.protocol = 256;
	spec_err(&w, "bad protocol 256 (0..255)");
	flow_init(&w, 5);
	w.f.port_source = 65536;
	spec_err(&w, "bad source port 65536 (0..65535)");
	flow_init(&w, 5);
	w.f.port_destination = 100000;
	spec_err(&w, "bad destination port 100000 (0..65535)");
	flow_init(&w, 5);
	w.c.cos = "pr";
	spec_err(&w, "unknown class of service \"pr\" (BE, BTBE or PR)");
	flow_init(&w, 5);
	w.c.key.data = keys;
	w.c.key.len = 256;
	spec_err(&w, "256 keys (at most 255)");
	flow_init(&w, 5);
	w.c.refresh_time = 40000000;
	spec_err(&w, "refresh time 40000000 s too long (at most 31536000)");
	flow_init(&w, 5);
	for (int i = 0; i < 20; i++)
		longpath[i] = 4294967295u;
	w.c.as_path = longpath;
	w.c.n_as_path = 20;
	spec_err(&w, "AS path of 20 ASes too long (at most 127 characters written out)");
	/* 255 keys fit; an empty list is left to the CAFE (cafe_filter_add). */
	flow_init(&w, 5);
	w.c.key.data = keys;
	w.c.key.len = 255;
	CU_ASSERT_EQUAL(cafe_agent_spec(&w.c, &s, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(s.nkeys, 255);
	w.c.key.len = 0;
	CU_ASSERT_EQUAL(cafe_agent_spec(&w.c, &s, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(s.nkeys, 0);
}

static void
test_agent_record(void)
{
	struct cafe_expired x;
	struct cafe_agent_rec_buf b;
	cafe_agent_rec r;
	uint8_t *packed;
	size_t n;
	cafe_agent_rec *back;

	memset(&x, 0, sizeof(x));
	x.s.id = 42;
	addr_parse("10.0.1.2", &x.s.src);
	x.s.proto = 17;
	x.s.dport = 5000;
	x.s.cos = COMET_COS_BTBE;
	x.s.bandwidth = 2000000;
	snprintf(x.s.as_path, sizeof(x.s.as_path), "65001,65002,4294967295");
	x.transferred_bytes = 102400;
	x.packets = 100;
	x.duration = 99 * SIM_MS;
	x.expired_at = 12 * SIM_S;
	cafe_agent_record(&x, &r, &b);
	CU_ASSERT_EQUAL(r.id, 42);
	CU_ASSERT_STRING_EQUAL(r.ip_source, "10.0.1.2");
	CU_ASSERT_STRING_EQUAL(r.ip_destination, "*");
	CU_ASSERT(r.has_protocol && r.protocol == 17);
	CU_ASSERT(r.has_port_source && r.port_source == 0);
	CU_ASSERT_EQUAL(r.port_destination, 5000);
	CU_ASSERT_STRING_EQUAL(r.cos, "BTBE");
	CU_ASSERT_EQUAL(r.bandwidth, 2000000);
	CU_ASSERT_EQUAL_FATAL(r.n_as_path, 3);
	CU_ASSERT(r.as_path[0] == 65001 && r.as_path[1] == 65002 && r.as_path[2] == 4294967295u);
	CU_ASSERT_EQUAL(r.transferred_bytes, 102400);
	CU_ASSERT_EQUAL(r.packets, 100);
	CU_ASSERT_EQUAL(r.duration, 99000000);
	CU_ASSERT_EQUAL(r.expired_at, 12000000000ull);

	/* Through the wire and back. */
	n = protobuf_c_message_get_packed_size(&r.base);
	packed = malloc(n);
	protobuf_c_message_pack(&r.base, packed);
	back = comet__cmecafe__expired_stream__unpack(NULL, n, packed);
	CU_ASSERT_PTR_NOT_NULL_FATAL(back);
	CU_ASSERT_STRING_EQUAL(back->cos, "BTBE");
	CU_ASSERT_EQUAL(back->n_as_path, 3);
	comet__cmecafe__expired_stream__free_unpacked(back, NULL);
	free(packed);

	/* A ci_tool filter: no AS path ("-"). */
	snprintf(x.s.as_path, sizeof(x.s.as_path), "-");
	x.s.cos = COMET_COS_BE;
	cafe_agent_record(&x, &r, &b);
	CU_ASSERT_EQUAL(r.n_as_path, 0);
	CU_ASSERT_STRING_EQUAL(r.cos, "BE");
	CU_ASSERT_EQUAL(r.bandwidth, 2000000);
}

/* ---- whole requests on a node ---- */

struct one {
	struct sim *sim;
	struct net *net;
	struct node *n;
	struct cafe_agent *a;
};

static void
one_init(struct one *o)
{
	char err[256];

	memset(o, 0, sizeof(*o));
	o->sim = sim_create(NULL);
	o->net = net_create(o->sim, 1, 1);
	o->n = node_create(o->net, "cafe1");
	o->a = (struct cafe_agent *)entity_new(&cafe_agent_class, "cafe1", 0, NULL, err,
					       sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(o->a);
	entity_start(&o->a->e, o->n);
}

static void
one_fini(struct one *o)
{
	entity_stop(&o->a->e);
	net_destroy(o->net);
	entity_free(&o->a->e);
	sim_destroy(o->sim);
}

/* Send a message to the agent; return its (unframed) response. */
static cafe_agent_resp *
ask(struct one *o, const ProtobufCMessage *m, int want_rc)
{
	GByteArray *in = framed(m), *out = g_byte_array_new();
	char why[256];
	int rc = cafe_agent_answer(o->a, "test", in->data + 2, in->len - 2, out, why, sizeof(why));
	cafe_agent_resp *r;

	CU_ASSERT_EQUAL(rc, want_rc);
	CU_ASSERT_FATAL(out->len >= 2);
	CU_ASSERT_EQUAL(((size_t)out->data[0] << 8 | out->data[1]), out->len - 2);
	r = comet__cmecafe__generic_response__unpack(NULL, out->len - 2, out->data + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT(r->has_status);
	g_byte_array_free(in, TRUE);
	g_byte_array_free(out, TRUE);
	return r;
}

static void
expect(cafe_agent_resp *r, int status, const char *reason)
{
	CU_ASSERT_EQUAL(r->status, status);
	if (reason) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(r->reason);
		if (strcmp(r->reason, reason))
			fprintf(stderr, "\n  reason \"%s\", expected \"%s\"\n", r->reason, reason);
		CU_ASSERT_STRING_EQUAL(r->reason, reason);
	} else {
		CU_ASSERT_PTR_NULL(r->reason);
	}
	comet__cmecafe__generic_response__free_unpacked(r, NULL);
}

static void
test_agent_answer(void)
{
	struct one o;
	struct flow w;
	cafe_agent_req collect = COMET__CMECAFE__GENERIC_REQUEST__INIT;
	cafe_agent_req empty = COMET__CMECAFE__GENERIC_REQUEST__INIT;
	cafe_agent_resp *r;
	GByteArray *out;
	char why[256];
	static const uint8_t garbage[] = { 0x11, 0x18, 0x1f };

	one_init(&o);
	collect.has_type = 1;
	collect.type = CAFE_AGENT_COLLECT;

	/* Nothing expired yet. */
	r = ask(&o, &collect.base, 0);
	CU_ASSERT(r->has_type && r->type == CAFE_AGENT_COLLECT);
	CU_ASSERT_EQUAL(r->n_expired_streams, 0);
	CU_ASSERT(r->has_more && !r->more);
	expect(r, CAFE_AGENT_SUCCESS, NULL);

	for (uint32_t i = 1; i <= 10; i++) {
		flow_init(&w, i);
		r = ask(&o, &w.m.base, 0);
		CU_ASSERT(r->has_id && r->id == i);
		CU_ASSERT(r->has_type && r->type == CAFE_AGENT_CONFIGURE);
		expect(r, CAFE_AGENT_SUCCESS, NULL);
	}
	/* The CAFE's own refusals, through cafe_filter_add. */
	flow_init(&w, 3);
	r = ask(&o, &w.m.base, 0);
	CU_ASSERT(r->has_id && r->id == 3);
	expect(r, CAFE_AGENT_FAILURE, "stream id 3 already exists");
	flow_init(&w, 11);
	w.c.key.len = 0;
	expect(ask(&o, &w.m.base, 0), CAFE_AGENT_FAILURE, "empty key list");
	w.c.has_key = 0;
	expect(ask(&o, &w.m.base, 0), CAFE_AGENT_FAILURE, "empty key list");
	flow_init(&w, 12);
	w.f.ip_destination = "2001:db8::1";
	expect(ask(&o, &w.m.base, 0), CAFE_AGENT_FAILURE,
	       "source and destination are of different IP versions");
	flow_init(&w, 13);
	w.f.ip_source = "1.1.1.300";
	expect(ask(&o, &w.m.base, 0), CAFE_AGENT_FAILURE, "bad source address \"1.1.1.300\"");
	/* Requests that make no sense. */
	expect(ask(&o, &empty.base, 0), CAFE_AGENT_FAILURE, "request without a type");
	empty.has_type = 1;
	empty.type = 7;
	expect(ask(&o, &empty.base, 0), CAFE_AGENT_FAILURE, "unknown request type 7");
	empty.type = CAFE_AGENT_CONFIGURE;
	expect(ask(&o, &empty.base, 0), CAFE_AGENT_FAILURE,
	       "CONFIGURE_STREAM without a configure message");
	CU_ASSERT_EQUAL(o.a->configure_success, 10);
	CU_ASSERT_EQUAL(o.a->configure_failure, 6);
	CU_ASSERT_EQUAL(o.a->other_failures, 2);

	/* Garbage: -1, and a CAFE_FAILURE saying why. */
	out = g_byte_array_new();
	CU_ASSERT_EQUAL(cafe_agent_answer(o.a, "test", garbage, sizeof(garbage), out, why,
					  sizeof(why)), -1);
	r = comet__cmecafe__generic_response__unpack(NULL, out->len - 2, out->data + 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_EQUAL(r->status, CAFE_AGENT_FAILURE);
	CU_ASSERT_PTR_NOT_NULL(strstr(r->reason, "malformed request: configure: wire type"));
	comet__cmecafe__generic_response__free_unpacked(r, NULL);
	g_byte_array_free(out, TRUE);

	/* 10 s of virtual time later every flow has expired. */
	sim_run(o.sim, 11 * SIM_S);
	r = ask(&o, &collect.base, 0);
	CU_ASSERT_EQUAL_FATAL(r->n_expired_streams, 10);
	for (size_t i = 0; i < 10; i++) {
		cafe_agent_rec *x = r->expired_streams[i];

		CU_ASSERT_EQUAL(x->id, i + 1);
		CU_ASSERT_STRING_EQUAL(x->ip_source, "1.1.1.1");
		CU_ASSERT_STRING_EQUAL(x->ip_destination, "2.2.2.2");
		CU_ASSERT_EQUAL(x->protocol, 6);
		CU_ASSERT_EQUAL(x->port_source, 80);
		CU_ASSERT_EQUAL(x->bandwidth, 1000);
		CU_ASSERT_STRING_EQUAL(x->cos, "PR");
		CU_ASSERT(x->n_as_path == 3 && x->as_path[0] == 1 && x->as_path[2] == 3);
		CU_ASSERT_EQUAL(x->transferred_bytes, 0);
		CU_ASSERT_EQUAL(x->expired_at, 10 * SIM_S);
	}
	CU_ASSERT(r->has_more && !r->more);
	expect(r, CAFE_AGENT_SUCCESS, NULL);
	/* Handed over once. */
	r = ask(&o, &collect.base, 0);
	CU_ASSERT_EQUAL(r->n_expired_streams, 0);
	expect(r, CAFE_AGENT_SUCCESS, NULL);
	CU_ASSERT_EQUAL(o.a->records_sent, 10);
	one_fini(&o);
}

/* More records than one response holds: more=true, the rest next time. */
static void
test_agent_collect_more(void)
{
	struct one o;
	struct flow w;
	cafe_agent_req collect = COMET__CMECAFE__GENERIC_REQUEST__INIT;
	cafe_agent_resp *r;
	size_t total = 0, rounds = 0, first = 0;
	uint8_t seen[3000] = { 0 };

	one_init(&o);
	collect.has_type = 1;
	collect.type = CAFE_AGENT_COLLECT;
	for (uint32_t i = 1; i <= 3000; i++) {
		flow_init(&w, i);
		w.c.refresh_time = 1;
		r = ask(&o, &w.m.base, 0);
		expect(r, CAFE_AGENT_SUCCESS, NULL);
	}
	sim_run(o.sim, 2 * SIM_S);
	do {
		GByteArray *in = framed(&collect.base), *out = g_byte_array_new();
		char why[256];

		CU_ASSERT_EQUAL(cafe_agent_answer(o.a, "test", in->data + 2, in->len - 2, out, why,
						  sizeof(why)), 0);
		CU_ASSERT(out->len - 2 <= CAFE_AGENT_MAX_MSG);
		r = comet__cmecafe__generic_response__unpack(NULL, out->len - 2, out->data + 2);
		CU_ASSERT_PTR_NOT_NULL_FATAL(r);
		for (size_t i = 0; i < r->n_expired_streams; i++) {
			uint32_t id = r->expired_streams[i]->id;

			CU_ASSERT_FATAL(id >= 1 && id <= 3000);
			CU_ASSERT_EQUAL(seen[id - 1], 0);
			seen[id - 1] = 1;
		}
		if (rounds == 0) {
			first = r->n_expired_streams;
			/* A full response: a record more would not have fitted. */
			CU_ASSERT(out->len - 2 > CAFE_AGENT_MAX_MSG - 100);
		}
		total += r->n_expired_streams;
		rounds++;
		g_byte_array_free(in, TRUE);
		g_byte_array_free(out, TRUE);
		if (!(r->has_more && r->more)) {
			comet__cmecafe__generic_response__free_unpacked(r, NULL);
			break;
		}
		comet__cmecafe__generic_response__free_unpacked(r, NULL);
	} while (rounds < 10);
	CU_ASSERT(first > 0 && first < 3000);
	CU_ASSERT_EQUAL(total, 3000);
	CU_ASSERT(rounds >= 2);
	CU_ASSERT_EQUAL(o.a->records_sent, 3000);
	one_fini(&o);
}

int
suite_agent_register(void)
{
	CU_pSuite s = CU_add_suite("agent", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "framer: split, merged, empty, partial", test_agent_framer) ||
	    !CU_add_test(s, "frame: length prefix, over 65535 refused", test_agent_frame) ||
	    !CU_add_test(s, "unpack: garbage of every kind, with its reason",
			 test_agent_unpack_garbage) ||
	    !CU_add_test(s, "unpack: unknown fields, packed, empty", test_agent_unpack_good) ||
	    !CU_add_test(s, "CONFIGURE_STREAM to filter spec", test_agent_spec) ||
	    !CU_add_test(s, "expired stream to record", test_agent_record) ||
	    !CU_add_test(s, "answers on a node: configure, refusals, collect",
			 test_agent_answer) ||
	    !CU_add_test(s, "collect: more records than one response holds",
			 test_agent_collect_more))
		return -1;
	return 0;
}
