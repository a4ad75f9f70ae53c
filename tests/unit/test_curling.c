/*
 * test_curling.c - the coupled approach's messages (golden bytes from the
 * diagrams of doc/curling.md, a round trip of every type, every decoding
 * error), the start-up arguments of the four classes with D4.3's own
 * CAFE line, and a stateful CAFE at work between a fake CRME and a fake
 * server on two emulated nodes.
 */
#include <string.h>

#include <CUnit/CUnit.h>
#include <glib.h>

#include "entities/curling/curling.h"
#include "sim/net.h"
#include "sim/pkt.h"
#include "sim/units.h"
#include "sim/wire.h"
#include "tests/unit/suites.h"

#define A(a, b) (0x0a000000u | (a) << 8 | (b))	/* the curling node id a.b */

/* ---- golden bytes ---- */

static void
test_golden_configure(void)
{
	/* Configure (add) MyContent1 -> 2.3:2000, as CRME 2.1 sends it to CAFE 2.2. */
	static const uint8_t want[] = {
		0x43, 0x55, 0x01, 0x03, 0x00, 0x1a, 0x01, 0x00,
		0x0a, 'M', 'y', 'C', 'o', 'n', 't', 'e', 'n', 't', '1',
		0x01, 0x0a, 0x00, 0x02, 0x03, 0x07, 0xd0,
	};
	struct cmsg m, d;
	uint8_t buf[CMSG_MAX_LEN];

	memset(&m, 0, sizeof(m));
	m.type = CMSG_CONFIGURE;
	m.flags = CFG_ADD;
	strcpy(m.id, "MyContent1");
	m.nhops = 1;
	m.hops[0].addr = A(2, 3);
	m.hops[0].port = 2000;
	CU_ASSERT_EQUAL_FATAL(cmsg_encode(&m, buf, sizeof(buf)), (int)sizeof(want));
	CU_ASSERT_EQUAL(memcmp(buf, want, sizeof(want)), 0);
	CU_ASSERT_EQUAL_FATAL(cmsg_decode(want, sizeof(want), &d), CMSG_OK);
	CU_ASSERT_EQUAL(d.type, CMSG_CONFIGURE);
	CU_ASSERT_EQUAL(d.flags, CFG_ADD);
	CU_ASSERT_STRING_EQUAL(d.id, "MyContent1");
	CU_ASSERT_EQUAL(d.nhops, 1);
	CU_ASSERT_EQUAL(d.hops[0].addr, A(2, 3));
	CU_ASSERT_EQUAL(d.hops[0].port, 2000);
}

static void
test_golden_content(void)
{
	/* The last chunk (2 of 3) of a 12-byte MyContent1, transmission 7 of the server 5.3:1000. */
	static const uint8_t want[] = {
		0x43, 0x55, 0x01, 0x0a, 0x00, 0x3b, 0x01, 0x00,
		0x0a, 0x00, 0x05, 0x03, 0x03, 0xe8,		/* source */
		0x00, 0x04,					/* data length */
		0x00, 0x00, 0x00, 0x07,				/* transmission */
		0x00, 0x00, 0x00, 0x02,				/* sequence */
		0x00, 0x00, 0x00, 0x03,				/* chunks */
		0, 0, 0, 0, 0, 0, 0, 0x0c,			/* size */
		0, 0, 0, 0, 0, 0, 0, 0x08,			/* offset */
		0x0a, 'M', 'y', 'C', 'o', 'n', 't', 'e', 'n', 't', '1',
		0xde, 0xad, 0xbe, 0xef,
	};
	static const uint8_t data[] = { 0xde, 0xad, 0xbe, 0xef };
	struct cmsg m, d;
	uint8_t buf[CMSG_MAX_LEN];

	memset(&m, 0, sizeof(m));
	m.type = CMSG_CONTENT;
	m.flags = CONTENT_F_LAST;
	strcpy(m.id, "MyContent1");
	m.src.addr = A(5, 3);
	m.src.port = 1000;
	m.seq = 2;
	m.tx = 7;
	m.nchunks = 3;
	m.size = 12;
	m.offset = 8;
	m.data = data;
	m.datalen = 4;
	CU_ASSERT_EQUAL_FATAL(cmsg_encode(&m, buf, sizeof(buf)), (int)sizeof(want));
	CU_ASSERT_EQUAL(memcmp(buf, want, sizeof(want)), 0);
	CU_ASSERT_EQUAL_FATAL(cmsg_decode(want, sizeof(want), &d), CMSG_OK);
	CU_ASSERT_EQUAL(d.seq, 2);
	CU_ASSERT_EQUAL(d.tx, 7);
	CU_ASSERT_EQUAL(d.offset, 8);
	CU_ASSERT_EQUAL(d.datalen, 4);
	CU_ASSERT_PTR_EQUAL(d.data, want + sizeof(want) - 4);	/* no copy */
	CU_ASSERT(d.flags & CONTENT_F_LAST);
}

static void
test_golden_announce(void)
{
	/* CAFE 2.2:2000 announces its link to CAFE 1.2:2000 of CRME 1.1. */
	static const uint8_t want[] = {
		0x43, 0x55, 0x01, 0x01, 0x00, 0x1e, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x01,
		0x0a, 0x00, 0x02, 0x02, 0x07, 0xd0,
		0x01, 0x00,
		0x0a, 0x00, 0x01, 0x02, 0x07, 0xd0, 0x0a, 0x00, 0x01, 0x01,
	};
	struct cmsg m;
	uint8_t buf[CMSG_MAX_LEN];

	memset(&m, 0, sizeof(m));
	m.type = CMSG_ANNOUNCE;
	m.token = 1;
	m.cafe.addr = A(2, 2);
	m.cafe.port = 2000;
	m.nlinks = 1;
	m.links[0].cafe = A(1, 2);
	m.links[0].cafe_port = 2000;
	m.links[0].crme = A(1, 1);
	CU_ASSERT_EQUAL_FATAL(cmsg_encode(&m, buf, sizeof(buf)), (int)sizeof(want));
	CU_ASSERT_EQUAL(memcmp(buf, want, sizeof(want)), 0);
}

/*
 * The second part of an Announce and its Ack: the part number in the
 * byte after the count of links, and in the Ack's byte after the type.
 */
static void
test_golden_announce_part(void)
{
	static const uint8_t want[] = {
		0x43, 0x55, 0x01, 0x01, 0x00, 0x1e, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x01,
		0x0a, 0x00, 0x02, 0x02, 0x07, 0xd0,
		0x01, 0x01,
		0x0a, 0x00, 0x01, 0x02, 0x07, 0xd0, 0x0a, 0x00, 0x01, 0x01,
	};
	static const uint8_t ack[] = {
		0x43, 0x55, 0x01, 0x02, 0x00, 0x10, 0x00, 0x00,
		0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	};
	struct cmsg m, d;
	uint8_t buf[CMSG_MAX_LEN];

	memset(&m, 0, sizeof(m));
	m.type = CMSG_ANNOUNCE;
	m.token = 1;
	m.part = 1;
	m.cafe.addr = A(2, 2);
	m.cafe.port = 2000;
	m.nlinks = 1;
	m.links[0] = (struct cmsg_link){ A(1, 2), 2000, A(1, 1) };
	CU_ASSERT_EQUAL_FATAL(cmsg_encode(&m, buf, sizeof(buf)), (int)sizeof(want));
	CU_ASSERT_EQUAL(memcmp(buf, want, sizeof(want)), 0);
	CU_ASSERT_EQUAL_FATAL(cmsg_decode(want, sizeof(want), &d), CMSG_OK);
	CU_ASSERT_EQUAL(d.part, 1);
	memset(&m, 0, sizeof(m));
	m.type = CMSG_ACK;
	m.acked_type = CMSG_ANNOUNCE;
	m.part = 1;
	m.token = 1;
	CU_ASSERT_EQUAL_FATAL(cmsg_encode(&m, buf, sizeof(buf)), (int)sizeof(ack));
	CU_ASSERT_EQUAL(memcmp(buf, ack, sizeof(ack)), 0);
	CU_ASSERT_EQUAL_FATAL(cmsg_decode(ack, sizeof(ack), &d), CMSG_OK);
	CU_ASSERT_EQUAL(d.part, 1);
}

/* A full part: CMSG_MAX_LINKS links fit a datagram, one more does not encode. */
static void
test_announce_full(void)
{
	struct cmsg *m = g_new0(struct cmsg, 1);
	uint8_t buf[CMSG_MAX_LEN];

	m->type = CMSG_ANNOUNCE;
	m->nlinks = CMSG_MAX_LINKS;
	CU_ASSERT(CMSG_MAX_LINKS >= 32);
	CU_ASSERT(cmsg_encode(m, buf, sizeof(buf)) > CMSG_MAX_LEN - 10);
	m->nlinks = CMSG_MAX_LINKS + 1;
	CU_ASSERT_EQUAL(cmsg_encode(m, buf, sizeof(buf)), -1);
	g_free(m);
}

/* ---- every type round trip ---- */

static void
roundtrip(const struct cmsg *m)
{
	uint8_t buf[CMSG_MAX_LEN], again[CMSG_MAX_LEN];
	struct cmsg d;
	int n, k;

	n = cmsg_encode(m, buf, sizeof(buf));
	CU_ASSERT_FATAL(n >= CMSG_HLEN);
	CU_ASSERT_EQUAL(rd16(buf + 4), n);
	CU_ASSERT_EQUAL_FATAL(cmsg_decode(buf, (size_t)n, &d), CMSG_OK);
	k = cmsg_encode(&d, again, sizeof(again));
	CU_ASSERT_EQUAL(k, n);
	CU_ASSERT_EQUAL(memcmp(buf, again, (size_t)n), 0);
	/* Every shorter datagram is refused. */
	for (int cut = 0; cut < n; cut++)
		CU_ASSERT(cmsg_decode(buf, (size_t)cut, &d) != CMSG_OK);
	CU_ASSERT_STRING_NOT_EQUAL(cmsg_type_name(m->type), "?");
}

static void
test_roundtrip_all(void)
{
	static const uint8_t data[3] = { 1, 2, 3 };
	struct cmsg m;

	memset(&m, 0, sizeof(m));
	m.type = CMSG_ANNOUNCE;
	m.token = 7;
	m.cafe.addr = A(2, 3);
	m.cafe.port = 2000;
	m.nlinks = 2;
	m.links[0] = (struct cmsg_link){ A(4, 2), 2000, A(4, 1) };
	m.links[1] = (struct cmsg_link){ A(6, 2), 2001, A(6, 1) };
	roundtrip(&m);

	memset(&m, 0, sizeof(m));
	m.type = CMSG_ACK;
	m.acked_type = CMSG_PUBLISH;
	m.token = 0xdeadbeef;
	roundtrip(&m);

	memset(&m, 0, sizeof(m));
	m.type = CMSG_CONFIGURE;
	m.flags = CFG_DEL_CONTENT;
	strcpy(m.id, "x");
	roundtrip(&m);

	memset(&m, 0, sizeof(m));
	m.type = CMSG_NOTIFY;
	m.flags = NOTIFY_CREATE;
	strcpy(m.id, "MyContent1");
	m.src = (struct cmsg_hop){ A(5, 3), 1000 };
	m.prev = (struct cmsg_hop){ A(1, 2), 2000 };
	m.nhops = 2;
	m.hops[0] = (struct cmsg_hop){ A(2, 3), 2000 };
	m.hops[1] = (struct cmsg_hop){ A(2, 4), 2000 };
	roundtrip(&m);

	memset(&m, 0, sizeof(m));
	m.type = CMSG_PUBLISH;
	m.token = 3;
	strcpy(m.id, "MyContent1");
	m.src = (struct cmsg_hop){ A(5, 3), 1000 };
	m.src_cafe = (struct cmsg_hop){ A(5, 3), 2000 };
	m.size = 1ULL << 33;
	roundtrip(&m);

	memset(&m, 0, sizeof(m));
	m.type = CMSG_CONSUME;
	m.flags = CONSUME_F_RO;
	m.reqid = 42;
	strcpy(m.id, "MyContent1");
	m.client = (struct cmsg_hop){ A(4, 3), 1000 };
	m.client_cafe = (struct cmsg_hop){ A(4, 3), 2000 };
	m.first = 3;
	m.last = UINT32_MAX;
	m.npath = 2;
	m.path[0] = A(4, 1);
	m.path[1] = A(2, 1);
	roundtrip(&m);

	memset(&m, 0, sizeof(m));
	m.type = CMSG_CONSUME_REPLY;
	m.reqid = 42;
	m.client = (struct cmsg_hop){ A(4, 3), 1000 };
	m.status = CSTAT_NOT_FOUND;
	strcpy(m.id, "Nope");
	roundtrip(&m);

	memset(&m, 0, sizeof(m));
	m.type = CMSG_RELEASE;
	strcpy(m.id, "MyContent1");
	roundtrip(&m);

	memset(&m, 0, sizeof(m));
	m.type = CMSG_ROUTES;
	m.nroutes = 2;
	m.routes[0] = (struct cmsg_route){ .prefix = A(5, 0), .plen = 24, .npath = 2,
					   .path = { A(3, 1), A(5, 1) } };
	m.routes[1] = (struct cmsg_route){ .prefix = A(3, 0), .plen = 24, .npath = 1,
					   .path = { A(3, 1) } };
	roundtrip(&m);

	memset(&m, 0, sizeof(m));
	m.type = CMSG_CONTENT;
	strcpy(m.id, "c");
	m.src = (struct cmsg_hop){ A(5, 3), 1000 };
	m.nchunks = 1;
	m.size = 3;
	m.data = data;
	m.datalen = 3;
	roundtrip(&m);
}

/* ---- decoding errors ---- */

static void
test_decode_errors(void)
{
	uint8_t b[64];
	struct cmsg m;
	int n;

	memset(&m, 0, sizeof(m));
	m.type = CMSG_RELEASE;
	strcpy(m.id, "abc");
	n = cmsg_encode(&m, b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(n, 12);
	CU_ASSERT_EQUAL(cmsg_decode(b, 7, &m), CMSG_E_TRUNCATED);
	CU_ASSERT_EQUAL(cmsg_decode(b, 11, &m), CMSG_E_TRUNCATED);	/* length says 12 */
	b[12] = 0;
	CU_ASSERT_EQUAL(cmsg_decode(b, 13, &m), CMSG_E_LENGTH);		/* a byte too many */
	b[0] = 0x44;
	CU_ASSERT_EQUAL(cmsg_decode(b, 12, &m), CMSG_E_MAGIC);
	b[0] = 0x43;
	b[2] = 2;
	CU_ASSERT_EQUAL(cmsg_decode(b, 12, &m), CMSG_E_VERSION);
	b[2] = 1;
	b[3] = 0;
	CU_ASSERT_EQUAL(cmsg_decode(b, 12, &m), CMSG_E_TYPE);
	b[3] = 11;
	CU_ASSERT_EQUAL(cmsg_decode(b, 12, &m), CMSG_E_TYPE);
	b[3] = CMSG_RELEASE;
	b[9] = ' ';
	CU_ASSERT_EQUAL(cmsg_decode(b, 12, &m), CMSG_E_ID);		/* a blank in the id */
	b[9] = '/';
	CU_ASSERT_EQUAL(cmsg_decode(b, 12, &m), CMSG_E_ID);
	b[9] = 'a';
	b[8] = 4;							/* id runs past the end */
	CU_ASSERT_EQUAL(cmsg_decode(b, 12, &m), CMSG_E_LENGTH);
	b[8] = 0;							/* empty id, 3 bytes left */
	CU_ASSERT_EQUAL(cmsg_decode(b, 12, &m), CMSG_E_ID);
	b[8] = 3;
	CU_ASSERT_EQUAL(cmsg_decode(b, 12, &m), CMSG_OK);
	CU_ASSERT_STRING_EQUAL(cmsg_err_name(CMSG_E_ID), "curling_bad_content_id");

	/* A Configure with a bad op, then too many next hops. */
	memset(&m, 0, sizeof(m));
	m.type = CMSG_CONFIGURE;
	m.flags = CFG_ADD;
	strcpy(m.id, "a");
	n = cmsg_encode(&m, b, sizeof(b));
	CU_ASSERT_EQUAL_FATAL(n, 11);
	b[6] = 4;
	CU_ASSERT_EQUAL(cmsg_decode(b, (size_t)n, &m), CMSG_E_FIELD);
	b[6] = CFG_ADD;
	b[10] = CMSG_MAX_HOPS + 1;
	CU_ASSERT_EQUAL(cmsg_decode(b, (size_t)n, &m), CMSG_E_COUNT);

	/* A chunk whose data would pass the content's end. */
	memset(&m, 0, sizeof(m));
	m.type = CMSG_CONTENT;
	strcpy(m.id, "a");
	m.nchunks = 1;
	m.size = 2;
	m.data = (const uint8_t *)"xy";
	m.datalen = 2;
	n = cmsg_encode(&m, b, sizeof(b));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL(cmsg_decode(b, (size_t)n, &m), CMSG_OK);
	b[35] = 1;		/* size 1 < offset 0 + 2 bytes */
	CU_ASSERT_EQUAL(cmsg_decode(b, (size_t)n, &m), CMSG_E_FIELD);

	/* The encoder refuses what it could not describe. */
	memset(&m, 0, sizeof(m));
	m.type = CMSG_CONFIGURE;
	m.flags = CFG_ADD;
	strcpy(m.id, "..");
	CU_ASSERT_EQUAL(cmsg_encode(&m, b, sizeof(b)), -1);
	strcpy(m.id, "ok");
	CU_ASSERT_EQUAL(cmsg_encode(&m, b, 10), -1);			/* does not fit */
	m.type = 99;
	CU_ASSERT_EQUAL(cmsg_encode(&m, b, sizeof(b)), -1);
}

static void
test_helpers(void)
{
	char buf[CURLING_ADDRLEN], err[UNITS_ERRLEN];
	uint32_t a;
	uint16_t port;
	unsigned n;

	CU_ASSERT_EQUAL(curling_parse_addr("2.2", &a), 0);
	CU_ASSERT_EQUAL(a, A(2, 2));
	CU_ASSERT_EQUAL(curling_parse_addr("192.0.2.1", &a), 0);
	CU_ASSERT_EQUAL(a, 0xc0000201u);
	CU_ASSERT_EQUAL(curling_parse_addr("4", &a), 0);
	CU_ASSERT_EQUAL(a, A(0, 4));
	CU_ASSERT_EQUAL(curling_parse_addr("2.256", &a), -1);
	CU_ASSERT_EQUAL(curling_parse_addr("2001:db8::1", &a), -1);
	CU_ASSERT_EQUAL(curling_parse_addr("x", &a), -1);
	CU_ASSERT_STRING_EQUAL(curling_fmt_addr(A(4, 3), buf), "4.3");
	CU_ASSERT_STRING_EQUAL(curling_fmt_addr(0xc0000201u, buf), "192.0.2.1");
	CU_ASSERT_EQUAL(curling_prefix(A(5, 3)), A(5, 0));
	/* Ports and counts: units_uint() into the classes' types, its wording. */
	CU_ASSERT_EQUAL(curling_parse_port("myport", "65535", &port, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(port, 65535);
	CU_ASSERT_EQUAL(curling_parse_port("myport", "0", &port, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "myport \"0\": too small (at least 1)");
	CU_ASSERT_EQUAL(curling_parse_port("myport", "65536", &port, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "myport \"65536\": too large (at most 65535)");
	CU_ASSERT_EQUAL(port, 65535);
	CU_ASSERT_EQUAL(curling_parse_count("clients", "1000", 1, 1000, &n, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(n, 1000);
	CU_ASSERT_EQUAL(curling_parse_count("clients", "two", 1, 1000, &n, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "clients \"two\": not a whole number");
	{
		uint8_t *x = curling_content_generate("MyContent1", 1, 100);
		uint8_t *y = curling_content_generate("MyContent1", 1, 100);
		uint8_t *z = curling_content_generate("MyContent1", 2, 100);

		CU_ASSERT_EQUAL(memcmp(x, y, 100), 0);
		CU_ASSERT_NOT_EQUAL(memcmp(x, z, 100), 0);
		g_free(x);
		g_free(y);
		g_free(z);
	}
}

/* ---- arguments ---- */

static struct entity *
make(const struct entity_class *cls, const char *node, const char *args, char *err,
     size_t errlen)
{
	char **argv = g_strsplit(args, " ", -1);
	int argc = 0;
	struct entity *e;

	while (argv[argc] && argv[argc][0])
		argc++;
	err[0] = '\0';
	e = entity_new(cls, node, argc, argv, err, errlen);
	g_strfreev(argv);
	return e;
}

static void
expect_ok(const struct entity_class *cls, const char *args)
{
	char err[512];
	struct entity *e = make(cls, "r", args, err, sizeof(err));

	CU_ASSERT_PTR_NOT_NULL(e);
	if (!e)
		fprintf(stderr, "\n  refused: %s %s: %s\n", cls->name, args, err);
	entity_free(e);
}

static void
expect_bad(const struct entity_class *cls, const char *args, const char *phrase)
{
	char err[512];
	struct entity *e = make(cls, "r", args, err, sizeof(err));

	CU_ASSERT_PTR_NULL(e);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, phrase));
	if (e || !strstr(err, phrase))
		fprintf(stderr, "\n  %s %s: got \"%s\", wanted \"%s\"\n", cls->name, args, err,
			phrase);
	entity_free(e);
}

static void
test_arguments(void)
{
	char err[512];
	struct entity *a, *b;

	/* D4.3 section 6.3.4.1, as written. */
	expect_ok(&curling_cafe_class, "2000 2.1 3000 1 3.3 2000 3.1");
	expect_ok(&curling_cafe_class, "2000 2.1 3000 0");
	expect_ok(&curling_cafe_class, "2000 2.1 3000 2 1.2 2000 1.1 4.2 2000 4.1 timeout=5s");
	expect_bad(&curling_cafe_class, "2000 2.1 3000 2 1.2 2000 1.1",
		   "nInterDLink is 2 but 3 arguments follow");
	expect_bad(&curling_cafe_class, "2000 2.1 3000 1 1.2 2000", "nInterDLink is 1 but 2");
	expect_bad(&curling_cafe_class, "2000 2.1 3000", "missing <nInterDLink>");
	expect_bad(&curling_cafe_class, "2000 2.1 3000 1 1.x 2000 1.1", "neighbourCAFEaddr \"1.x\"");
	expect_bad(&curling_cafe_class, "0 2.1 3000 0", "myport \"0\"");
	expect_bad(&curling_cafe_class, "2000 2.1 3000 0 timeout=soon", "timeout \"soon\"");
	{
		/* More links than one Announce holds, and as many providers and peers. */
		GString *c = g_string_new("2000 2.1 3000 300"), *r = g_string_new("3000 150");

		for (unsigned i = 0; i < 300; i++)
			g_string_append_printf(c, " 10.1.%u.%u 2000 10.2.%u.%u", i / 256, i % 256,
					       i / 256, i % 256);
		for (unsigned i = 0; i < 150; i++)
			g_string_append_printf(r, " 10.2.0.%u", i);
		g_string_append(r, " 150");
		for (unsigned i = 150; i < 300; i++)
			g_string_append_printf(r, " 10.2.%u.%u", i / 256, i % 256);
		expect_ok(&curling_cafe_class, c->str);
		expect_ok(&crme_class, r->str);
		g_string_free(c, TRUE);
		g_string_free(r, TRUE);
	}

	expect_ok(&crme_class, "3000 1 1.1");
	expect_ok(&crme_class, "3000 0");
	expect_ok(&crme_class, "3000 1 1.1 1 3.1 ro=off");
	expect_bad(&crme_class, "3000 2 1.1", "nProviders is 2 but only 1 address");
	expect_bad(&crme_class, "3000 1 1.1 1 1.1", "both a provider and a peer");
	expect_bad(&crme_class, "3000 1 1.1 ro=maybe", "unknown option");
	/* the RAE feeds it (rae=, nbr_as=, cos=), or the Routes protocol runs (routes=on) */
	expect_ok(&crme_class, "3000 1 1.1 rae=9090 nbr_as=1.1:1,4.1:4 cos=2 as=2");
	expect_ok(&crme_class, "3000 1 1.1 routes=on");
	expect_bad(&crme_class, "3000 1 1.1 rae=0", "rae");
	expect_bad(&crme_class, "3000 1 1.1 rae=9090 routes=on", "exclude each other");
	expect_bad(&crme_class, "3000 1 1.1 nbr_as=1.1:1", "without rae=PORT");
	expect_bad(&crme_class, "3000 1 1.1 rae=9090 nbr_as=1.1:1,4.1:1", "AS 1 is given twice");

	expect_ok(&content_server_class, "1000 5.1 3000 5.3 2000 1 MyContent1 10000");
	expect_ok(&content_server_class, "1000 5.1 3000 5.3 2000 2 a 10KB:7 b 1 chunk=500 rate=1Mbps");
	expect_bad(&content_server_class, "1000 5.1 3000 5.3 2000 2 a 10", "nContents is 2 but 2");
	expect_bad(&content_server_class, "1000 5.1 3000 5.3 2000 1 a file:/nonexistent/x",
		   "cannot read");
	expect_bad(&content_server_class, "1000 5.1 3000 5.3 2000 1 a/b 10", "ContentID");
	expect_bad(&content_server_class, "1000 5.1 3000 5.3 2000 1 a 10 chunk=9999", "chunk");
	expect_ok(&content_client_class, "1000 4.1 3000 4.3 2000 MyContent1");
	expect_ok(&content_client_class, "1000 4.1 3000 4.3 2000 MyContent1 timeout=1s retries=0");
	expect_bad(&content_client_class, "1000 4.1 3000 4.3 2000", "missing <ContentID>");
	CU_ASSERT_STRING_EQUAL(content_client_class.aliases[0], "usr.curling.ContentConsumer");

	/* Two curling entities may not share a port of one router. */
	a = make(&curling_cafe_class, "2.2", "2000 2.1 3000 0", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL(a);
	b = make(&content_client_class, "2.2", "2000 2.1 3000 2.2 2000 x", err, sizeof(err));
	CU_ASSERT_PTR_NULL(b);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "port 2000 on 2.2 is already used"));
	b = make(&content_client_class, "2.3", "2000 2.1 3000 2.3 2000 x", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL(b);
	entity_free(b);
	entity_free(a);
	a = make(&content_client_class, "2.2", "2000 2.1 3000 2.2 2000 x", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL(a);	/* free again once the CAFE is gone */
	entity_free(a);
}

/* ---- a CAFE at work ---- */

/*
 * Node "2.2" runs the CAFE; node "2.1" holds raw sockets playing the
 * CRME (port 3000) and, for the content, a previous-hop CAFE (port 2000)
 * and the next hop 2.1:2001.  The link is 1 Gbps, 1 ms.
 */
struct bench2 {
	struct sim *sim;
	struct net *net;
	struct node *cafe, *peer;
	GString *log;
	struct entity *e;
	struct udp_sock *crme, *prev, *next;
	GPtrArray *at_crme;	/* struct cmsg* received by the fake CRME */
	unsigned next_chunks;
};

static void
log_sink(void *ctx, const char *line)
{
	g_string_append(ctx, line);
	g_string_append_c(ctx, '\n');
}

static void
crme_rx(struct udp_sock *s, void *ctx, struct pkt *p, const struct addr *src, uint16_t sport,
	const struct addr *dst, uint16_t dport)
{
	struct bench2 *w = ctx;
	struct cmsg *m = g_new(struct cmsg, 1);

	if (cmsg_decode(p->data, p->len, m) == CMSG_OK)
		g_ptr_array_add(w->at_crme, m);
	else
		g_free(m);
}

static void
next_rx(struct udp_sock *s, void *ctx, struct pkt *p, const struct addr *src, uint16_t sport,
	const struct addr *dst, uint16_t dport)
{
	struct bench2 *w = ctx;
	struct cmsg m;

	if (cmsg_decode(p->data, p->len, &m) == CMSG_OK && m.type == CMSG_CONTENT)
		w->next_chunks++;
}

static void
noop_rx(struct udp_sock *s, void *ctx, struct pkt *p, const struct addr *src, uint16_t sport,
	const struct addr *dst, uint16_t dport)
{
}

static void
start_cb(struct sim *sim, void *ctx, void *arg)
{
	entity_start(ctx, arg);
}

static void
bench2_init_cafe(struct bench2 *w, const char *args)
{
	struct link_params lp;
	struct iface *a, *b;
	struct addr x;
	char err[256];

	memset(w, 0, sizeof(*w));
	w->sim = sim_create(NULL);
	w->net = net_create(w->sim, 1, 1);
	w->log = g_string_new(NULL);
	w->at_crme = g_ptr_array_new_with_free_func(g_free);
	log_set_sink(&w->net->log, log_sink, w->log);
	log_parse_spec(&w->net->log, "info", err, sizeof(err));
	w->cafe = node_create(w->net, "2.2");
	w->peer = node_create(w->net, "2.1");
	addr_parse("10.0.2.2", &w->cafe->router_id);
	addr_parse("10.0.2.1", &w->peer->router_id);
	a = iface_add_ether(w->cafe, "eth0");
	b = iface_add_ether(w->peer, "eth0");
	addr_parse("10.0.2.2", &x);
	iface_addr_add(a, &x, 24);
	addr_parse("10.0.2.1", &x);
	iface_addr_add(b, &x, 24);
	link_params_default(&lp);
	lp.delay = SIM_MS;
	link_create(w->net, "l", a, b, &lp);
	w->crme = udp_open(w->peer, 3000, crme_rx, w);
	w->prev = udp_open(w->peer, 2000, noop_rx, NULL);
	w->next = udp_open(w->peer, 2001, next_rx, w);
	w->e = make(&curling_cafe_class, "2.2", args, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(w->e);
	sim_schedule_at(w->sim, 0, start_cb, w->e, w->cafe);
}

static void
bench2_init(struct bench2 *w)
{
	bench2_init_cafe(w, "2000 2.1 3000 1 1.2 2000 1.1");
}

static void
bench2_fini(struct bench2 *w)
{
	net_destroy(w->net);
	entity_free(w->e);
	sim_destroy(w->sim);
	g_string_free(w->log, TRUE);
	g_ptr_array_free(w->at_crme, TRUE);
}

static void
send_from(struct udp_sock *s, const struct cmsg *m)
{
	struct addr to;

	addr_parse("10.0.2.2", &to);
	{
		uint8_t buf[CMSG_MAX_LEN];
		int n = cmsg_encode(m, buf, sizeof(buf));

		CU_ASSERT_FATAL(n > 0);
		udp_sendto_buf(s, &to, 2000, buf, (size_t)n);
	}
}

struct send_job {
	struct udp_sock *s;
	struct cmsg m;
	uint8_t data[8];
};

static void
send_cb(struct sim *sim, void *ctx, void *arg)
{
	struct send_job *j = ctx;

	if (j->m.type == CMSG_CONTENT)
		j->m.data = j->data;
	send_from(j->s, &j->m);
	g_free(j);
}

static void
at(struct bench2 *w, sim_time_t t, struct udp_sock *s, const struct cmsg *m)
{
	struct send_job *j = g_new0(struct send_job, 1);

	j->s = s;
	j->m = *m;
	sim_schedule_at(w->sim, t, send_cb, j, NULL);
}

static bool
has(const struct bench2 *w, const char *needle)
{
	if (strstr(w->log->str, needle))
		return true;
	fprintf(stderr, "\n  log lacks \"%s\":\n%s", needle, w->log->str);
	return false;
}

static void
test_cafe_run(void)
{
	struct bench2 w;
	struct cmsg cfg, chunk, *n;
	unsigned creates = 0, teardowns = 0, announces = 0;

	bench2_init(&w);
	memset(&cfg, 0, sizeof(cfg));
	cfg.type = CMSG_CONFIGURE;
	cfg.flags = CFG_ADD;
	strcpy(cfg.id, "MyContent1");
	cfg.nhops = 1;
	cfg.hops[0] = (struct cmsg_hop){ A(2, 1), 2001 };
	at(&w, 100 * SIM_MS, w.crme, &cfg);

	memset(&chunk, 0, sizeof(chunk));
	chunk.type = CMSG_CONTENT;
	strcpy(chunk.id, "MyContent1");
	chunk.src = (struct cmsg_hop){ A(5, 3), 1000 };
	chunk.nchunks = 3;
	chunk.size = 24;
	chunk.datalen = 8;
	for (uint32_t i = 0; i < 3; i++) {
		chunk.seq = i;
		chunk.offset = 8 * i;
		chunk.flags = i == 2 ? CONTENT_F_LAST : 0;
		at(&w, (200 + 10 * i) * SIM_MS, w.prev, &chunk);
	}
	/* A chunk of a content without state, and a stranger's Configure. */
	strcpy(chunk.id, "Other");
	chunk.seq = 0;
	chunk.offset = 0;
	chunk.flags = 0;
	at(&w, 150 * SIM_MS, w.prev, &chunk);
	at(&w, 160 * SIM_MS, w.prev, &cfg);
	sim_run(w.sim, SIM_S);

	CU_ASSERT(has(&w, "CAFE ContentStateTable at 2.2: Content ID   Next Hop Address   "
		      "Next Hop Port"));
	CU_ASSERT(has(&w, "CAFE ContentStateTable at 2.2: MyContent1 2.1 2001"));
	CU_ASSERT(has(&w, "CAFE 2.2: Content MyContent1 received and will be sent to 2.1:2001"));
	CU_ASSERT(has(&w, "CAFE 2.2: state for MyContent1 removed (last chunk forwarded)"));
	CU_ASSERT(has(&w, "CAFE 2.2: Content Other received from 2.1:2000 but no state"));
	CU_ASSERT_EQUAL(w.next_chunks, 3);
	for (guint i = 0; i < w.at_crme->len; i++) {
		n = g_ptr_array_index(w.at_crme, i);
		if (n->type == CMSG_ANNOUNCE) {
			announces++;
			CU_ASSERT_EQUAL(n->nlinks, 1);
			CU_ASSERT_EQUAL(n->links[0].crme, A(1, 1));
		} else if (n->type == CMSG_NOTIFY && n->flags == NOTIFY_CREATE) {
			creates++;
			CU_ASSERT_STRING_EQUAL(n->id, "MyContent1");
			CU_ASSERT_EQUAL(n->src.addr, A(5, 3));
			CU_ASSERT_EQUAL(n->prev.addr, A(2, 1));
			CU_ASSERT_EQUAL(n->prev.port, 2000);
			CU_ASSERT_EQUAL(n->nhops, 1);
		} else if (n->type == CMSG_NOTIFY) {
			teardowns++;
		}
	}
	/* No Ack comes from the fake CRME: the Announce is repeated. */
	CU_ASSERT(announces > 1);
	/* The notify flag: one Notify for the three chunks from one previous hop. */
	CU_ASSERT_EQUAL(creates, 1);
	CU_ASSERT_EQUAL(teardowns, 1);
	bench2_fini(&w);
}

/*
 * Two transmissions of one content cross the CAFE: a flow (1) and a
 * repair (2) announced by a Configure with CFG_F_NEWTX.  The end of the
 * flow must not remove the state while the repair is announced or under
 * way; the end of the repair does; a straggler of the finished flow does
 * not start it again.
 */
static void
test_cafe_transmissions(void)
{
	struct bench2 w;
	struct cmsg cfg, chunk;
	static const struct { int ms; uint32_t tx, seq; bool last; } plan[] = {
		{ 200, 1, 0, false }, { 210, 1, 1, true },	/* the flow ends ... */
		{ 300, 2, 0, false },				/* ... the repair starts */
		{ 310, 1, 0, false },				/* a straggler of the flow */
		{ 320, 2, 1, true },				/* the repair ends */
	};

	bench2_init(&w);
	memset(&cfg, 0, sizeof(cfg));
	cfg.type = CMSG_CONFIGURE;
	cfg.flags = CFG_ADD | CFG_F_NEWTX;
	strcpy(cfg.id, "C");
	cfg.nhops = 1;
	cfg.hops[0] = (struct cmsg_hop){ A(2, 1), 2001 };
	at(&w, 100 * SIM_MS, w.crme, &cfg);	/* for the flow */
	at(&w, 205 * SIM_MS, w.crme, &cfg);	/* for the repair, while the flow runs */
	memset(&chunk, 0, sizeof(chunk));
	chunk.type = CMSG_CONTENT;
	strcpy(chunk.id, "C");
	chunk.src = (struct cmsg_hop){ A(5, 3), 1000 };
	chunk.nchunks = 2;
	chunk.size = 16;
	chunk.datalen = 8;
	for (size_t i = 0; i < G_N_ELEMENTS(plan); i++) {
		chunk.tx = plan[i].tx;
		chunk.seq = plan[i].seq;
		chunk.offset = 8 * plan[i].seq;
		chunk.flags = plan[i].last ? CONTENT_F_LAST : 0;
		at(&w, plan[i].ms * SIM_MS, w.prev, &chunk);
	}
	sim_run(w.sim, SIM_S);
	CU_ASSERT_EQUAL(w.next_chunks, 5);	/* nothing dropped for want of state */
	CU_ASSERT_PTR_NULL(strstr(w.log->str, "but no state"));
	{
		const char *rm = strstr(w.log->str, "state for C removed (last chunk forwarded)");
		const char *line = rm;

		CU_ASSERT_PTR_NOT_NULL_FATAL(rm);
		CU_ASSERT_PTR_NULL(strstr(rm + 1, "state for C removed"));	/* once */
		while (line > w.log->str && line[-1] != '\n')
			line--;
		/* After the repair's last chunk: sent at 320 ms, over the 1 ms link. */
		CU_ASSERT_EQUAL(strncmp(line, "0.321", 5), 0);
	}
	/* The addresses its start-up line names that no node has are reported. */
	CU_ASSERT(has(&w, "CAFE 2.2: neighbourCAFEaddr 1.2 is not in the topology"));
	bench2_fini(&w);
}

/*
 * A CAFE with more links than one Announce holds sends them in parts,
 * each repeated until its own Ack comes: part 1 acknowledged at 100 ms,
 * part 0 goes again at 200 ms alone; acknowledged at 300 ms, nothing more.
 */
static void
test_cafe_announce_parts(void)
{
	struct bench2 w;
	GString *args = g_string_new(NULL);
	unsigned n = CMSG_MAX_LINKS + 5, parts[2] = { 0, 0 }, links[2] = { 0, 0 };
	struct cmsg ack;

	g_string_printf(args, "2000 2.1 3000 %u", n);
	for (unsigned i = 0; i < n; i++)
		g_string_append_printf(args, " 100.%u 2000 101.%u", i, i);
	bench2_init_cafe(&w, args->str);
	g_string_free(args, TRUE);
	memset(&ack, 0, sizeof(ack));
	ack.type = CMSG_ACK;
	ack.acked_type = CMSG_ANNOUNCE;
	ack.token = 1;
	ack.part = 1;
	at(&w, 100 * SIM_MS, w.crme, &ack);
	ack.part = 0;
	at(&w, 300 * SIM_MS, w.crme, &ack);
	sim_run(w.sim, SIM_S);

	for (guint i = 0; i < w.at_crme->len; i++) {
		const struct cmsg *m = g_ptr_array_index(w.at_crme, i);

		CU_ASSERT_EQUAL_FATAL(m->type, CMSG_ANNOUNCE);
		CU_ASSERT_FATAL(m->part < 2);
		parts[m->part]++;
		links[m->part] = m->nlinks;
		if (m->part == 1)
			CU_ASSERT_EQUAL(m->links[0].crme, A(101, CMSG_MAX_LINKS));
	}
	CU_ASSERT_EQUAL(parts[0], 2);
	CU_ASSERT_EQUAL(parts[1], 1);
	CU_ASSERT_EQUAL(links[0], CMSG_MAX_LINKS);
	CU_ASSERT_EQUAL(links[1], 5);
	CU_ASSERT(has(&w, "CAFE 2.2: Announce acknowledged by the CRME"));
	bench2_fini(&w);
}

int
suite_curling_register(void)
{
	CU_pSuite s = CU_add_suite("curling", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "Configure golden bytes", test_golden_configure) ||
	    !CU_add_test(s, "Content golden bytes", test_golden_content) ||
	    !CU_add_test(s, "Announce golden bytes", test_golden_announce) ||
	    !CU_add_test(s, "Announce part golden bytes", test_golden_announce_part) ||
	    !CU_add_test(s, "a full Announce", test_announce_full) ||
	    !CU_add_test(s, "round trip of every type", test_roundtrip_all) ||
	    !CU_add_test(s, "decoding errors", test_decode_errors) ||
	    !CU_add_test(s, "addresses, sizes, generated content", test_helpers) ||
	    !CU_add_test(s, "arguments of the four classes", test_arguments) ||
	    !CU_add_test(s, "a CAFE between a CRME and a server", test_cafe_run) ||
	    !CU_add_test(s, "two transmissions through one state", test_cafe_transmissions) ||
	    !CU_add_test(s, "an Announce in parts", test_cafe_announce_parts))
		return -1;
	return 0;
}
