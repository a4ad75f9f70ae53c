/*
 * test_comet.c - the COMET header encoder and parser against the bytes
 * of doc/comet-header.md, and the argument checks of cf_tool and ci_tool
 * with D4.3's own examples.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "entities/cafe/cafe.h"
#include "entities/cafe/comet.h"
#include "tests/unit/suites.h"

static void
test_comet_golden(void)
{
	/* ci_tool add 123 60 1.1.1.2 2.2.2.1 17 0 80 1234567890abcdef: 8 keys. */
	static const uint8_t want[] = { 0x01, 0x00, 0x08, 0x00, 0x08, 0x00, 0x12, 0x34,
					0x56, 0x78, 0x90, 0xab, 0xcd, 0xef };
	uint8_t keys[COMET_MAX_KEYS];
	struct pkt *p = pkt_alloc(20);
	uint8_t *payload = pkt_put(p, 20), *h;
	struct comet_hdr hd;

	memset(payload, 0x45, 20);
	CU_ASSERT_EQUAL_FATAL(comet_keys_parse("1234567890abcdef", keys, COMET_MAX_KEYS), 8);
	h = comet_push(p, COMET_COS_BE, keys, 8, 0x0800);
	CU_ASSERT_EQUAL(p->len, 34);
	CU_ASSERT_EQUAL(memcmp(h, want, sizeof(want)), 0);
	CU_ASSERT_PTR_EQUAL(h + 14, payload);	/* pushed in front: no copy */
	CU_ASSERT_EQUAL(comet_parse(p->data, p->len, &hd), COMET_OK);
	CU_ASSERT_EQUAL(hd.length, 8);
	CU_ASSERT_EQUAL(hd.index, 0);
	CU_ASSERT_EQUAL(hd.next_proto, 0x0800);
	CU_ASSERT_EQUAL(hd.keys[7], 0xef);
	pkt_free(p);
}

static void
test_comet_parse_errors(void)
{
	uint8_t b[16] = { 1, 2, 3, 1, 0x86, 0xdd, 0xa7, 0x05, 0x01 };
	struct comet_hdr h;

	CU_ASSERT_EQUAL(comet_parse(b, 9, &h), COMET_OK);
	CU_ASSERT_EQUAL(h.cos, 2);
	CU_ASSERT_EQUAL(h.next_proto, 0x86dd);
	CU_ASSERT_EQUAL(comet_parse(b, 5, &h), COMET_TRUNCATED);	/* inside the header */
	CU_ASSERT_EQUAL(comet_parse(b, 8, &h), COMET_TRUNCATED);	/* key list cut */
	b[3] = 3;
	CU_ASSERT_EQUAL(comet_parse(b, 9, &h), COMET_OK);		/* index == length */
	b[3] = 4;
	CU_ASSERT_EQUAL(comet_parse(b, 9, &h), COMET_INDEX_BEYOND_LENGTH);
	b[3] = 0;
	b[0] = 2;
	CU_ASSERT_EQUAL(comet_parse(b, 9, &h), COMET_BAD_VERSION);
	b[0] = 1;
	b[2] = 0;
	CU_ASSERT_EQUAL(comet_parse(b, 6, &h), COMET_OK);		/* no keys at all */
	CU_ASSERT_STRING_EQUAL(comet_err_name(COMET_BAD_VERSION), "comet_bad_version");
}

static void
test_comet_keys(void)
{
	uint8_t k[COMET_MAX_KEYS];
	char buf[2 * COMET_MAX_KEYS + 1], big[2 * 256 + 1];

	CU_ASSERT_EQUAL(comet_keys_parse("0203", k, COMET_MAX_KEYS), 2);
	CU_ASSERT_EQUAL(k[0], 2);
	CU_ASSERT_EQUAL(k[1], 3);
	CU_ASSERT_STRING_EQUAL(comet_keys_fmt(k, 2, buf), "0203");
	CU_ASSERT_EQUAL(comet_keys_parse("", k, COMET_MAX_KEYS), -1);
	CU_ASSERT_EQUAL(comet_keys_parse("123", k, COMET_MAX_KEYS), -1);
	CU_ASSERT_EQUAL(comet_keys_parse("12zz", k, COMET_MAX_KEYS), -1);
	memset(big, 'a', 512);
	big[512] = '\0';
	CU_ASSERT_EQUAL(comet_keys_parse(big, k, COMET_MAX_KEYS), -1);	/* 256 keys */
	big[510] = '\0';
	CU_ASSERT_EQUAL(comet_keys_parse(big, k, COMET_MAX_KEYS), 255);
	CU_ASSERT_EQUAL(comet_key_parse("a7"), 0xa7);
	CU_ASSERT_EQUAL(comet_key_parse("5"), 5);
	CU_ASSERT_EQUAL(comet_key_parse("100"), -1);
	CU_ASSERT_EQUAL(comet_key_parse("g1"), -1);
}

static struct entity *
tool(const struct entity_class *cls, const char *line, char *err, size_t errlen)
{
	char copy[512], *argv[32], *save = NULL;
	int argc = 0;

	snprintf(copy, sizeof(copy), "%s", line);
	for (char *t = strtok_r(copy, " ", &save); t && argc < 32; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	err[0] = '\0';
	return entity_new(cls, "cafe1", argc, argv, err, errlen);
}

static void
expect_ok(const struct entity_class *cls, const char *line)
{
	char err[256];
	struct entity *e = tool(cls, line, err, sizeof(err));

	CU_ASSERT_PTR_NOT_NULL(e);
	if (!e)
		fprintf(stderr, "\n  refused: %s %s: %s\n", cls->name, line, err);
	entity_free(e);
}

static void
expect_bad(const struct entity_class *cls, const char *line, const char *phrase)
{
	char err[256];
	struct entity *e = tool(cls, line, err, sizeof(err));

	CU_ASSERT_PTR_NULL(e);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, phrase));
	if (e || !strstr(err, phrase))
		fprintf(stderr, "\n  %s %s: got \"%s\", wanted \"%s\"\n", cls->name, line, err, phrase);
	entity_free(e);
}

static void
test_tool_arguments(void)
{
	struct cafe_filter_spec s;
	char *argv[] = { "123", "60", "1.1.1.2", "2.2.2.1", "17", "0", "80", "1234567890abcdef" };
	char err[256];

	/* D4.3 section 5.3.3, as written. */
	expect_ok(&cf_tool_class, "add_ethernet a7 eth1 aa:11:b0:00:00:01");
	expect_ok(&cf_tool_class, "add_device 05 gre1");
	expect_ok(&cf_tool_class, "remove a7");
	expect_ok(&cf_tool_class, "get a1");
	expect_ok(&cf_tool_class, "get");
	expect_ok(&ci_tool_class, "add 123 60 1.1.1.2 2.2.2.1 17 0 80 1234567890abcdef");
	expect_ok(&ci_tool_class, "remove 123");
	expect_ok(&ci_tool_class, "collect");
	expect_ok(&ci_tool_class, "add 7 0 2001:db8::1 * 17 0 0 01 2");
	/* The project's extension: the MAC of the link's other end, found when it runs. */
	expect_ok(&cf_tool_class, "add_ethernet a7 eth1.100 peer");
	/* What the tools refuse. */
	expect_bad(&cf_tool_class, "add_ethernet a77 eth1 aa:11:b0:00:00:01", "bad key");
	expect_bad(&cf_tool_class, "add_ethernet a7 eth1 aa:11:b0:00:00", "bad MAC");
	expect_bad(&cf_tool_class, "add_ethernet a7 eth1", "wrong number");
	expect_bad(&cf_tool_class, "add_ethernet a7 eth1 Peer", "bad MAC address \"Peer\"");
	expect_bad(&cf_tool_class, "add_device 05 gre1 peer", "wrong number");
	expect_bad(&cf_tool_class, "add_tunnel a7 gre1", "unknown command");
	expect_bad(&ci_tool_class, "add 123 60 1.1.1 2.2.2.1 17 0 80 12", "bad source address");
	expect_bad(&ci_tool_class, "add 123 60 1.1.1.2 2.2.2.1 17 0 80 123", "bad key list");
	expect_bad(&ci_tool_class, "add 123 60 1.1.1.2 2.2.2.1 17 0 70000 12",
		   "destination port \"70000\": too large (at most 65535)");
	expect_bad(&ci_tool_class, "add 123 1.5 1.1.1.2 2.2.2.1 17 0 80 12",
		   "timeout \"1.5\": not a whole number of seconds");
	expect_bad(&ci_tool_class, "add 123 60 1.1.1.2 2001:db8::1 17 0 80 12", "different IP versions");
	expect_bad(&ci_tool_class, "add 123 60 1.1.1.2 2.2.2.1 17 0 80 12 3",
		   "class of service \"3\": too large (at most 2)");
	expect_bad(&ci_tool_class, "add x 60 1.1.1.2 2.2.2.1 17 0 80 12", "id \"x\": not a whole number");
	expect_bad(&ci_tool_class, "remove", "expected one numeric id");
	expect_bad(&ci_tool_class, "flush", "expected add, remove or collect");

	CU_ASSERT_EQUAL_FATAL(cafe_filter_spec_parse(8, argv, &s, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(s.id, 123);
	CU_ASSERT_EQUAL(s.timeout_s, 60);
	CU_ASSERT_EQUAL(s.proto, 17);
	CU_ASSERT_EQUAL(s.sport, 0);
	CU_ASSERT_EQUAL(s.dport, 80);
	CU_ASSERT_EQUAL(s.nkeys, 8);
	CU_ASSERT_EQUAL(s.keys[0], 0x12);
	CU_ASSERT_STRING_EQUAL(s.as_path, "-");
	/* The timeout is a duration in whole seconds; a bare number is seconds. */
	argv[1] = "2min";
	CU_ASSERT_EQUAL_FATAL(cafe_filter_spec_parse(8, argv, &s, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(s.timeout_s, 120);
}

int
suite_comet_register(void)
{
	CU_pSuite s = CU_add_suite("comet", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "header golden bytes (doc/comet-header.md example)", test_comet_golden) ||
	    !CU_add_test(s, "parse errors", test_comet_parse_errors) ||
	    !CU_add_test(s, "key lists", test_comet_keys) ||
	    !CU_add_test(s, "cf_tool and ci_tool arguments", test_tool_arguments))
		return -1;
	return 0;
}
