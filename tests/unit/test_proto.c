/*
 * test_proto.c - the protobuf-c build rules work: a message generated
 * from tests/unit/roundtrip.proto packs to the bytes the protobuf
 * encoding defines and unpacks back.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "tests/unit/roundtrip.pb-c.h"
#include "tests/unit/suites.h"

static void
test_probe_encoding(void)
{
	/* id = 150 is the protobuf documentation's example: 08 96 01. */
	static const uint8_t want[] = {
		0x08, 0x96, 0x01,			/* id */
		0x12, 0x03, 'c', 'm', 'e',		/* name */
		0x1a, 0x03, 0x12, 0x34, 0x56,		/* keys, packed */
	};
	uint32_t keys[] = { 0x12, 0x34, 0x56 };
	Cometsim__Test__Probe m = COMETSIM__TEST__PROBE__INIT, *back;
	uint8_t buf[64];
	size_t n;

	m.id = 150;
	m.name = "cme";
	m.n_keys = 3;
	m.keys = keys;
	n = cometsim__test__probe__get_packed_size(&m);
	CU_ASSERT_EQUAL_FATAL(n, sizeof(want));
	CU_ASSERT_EQUAL(cometsim__test__probe__pack(&m, buf), n);
	CU_ASSERT_EQUAL(memcmp(buf, want, n), 0);
	back = cometsim__test__probe__unpack(NULL, n, buf);
	CU_ASSERT_PTR_NOT_NULL_FATAL(back);
	CU_ASSERT_EQUAL(back->id, 150);
	CU_ASSERT_STRING_EQUAL(back->name, "cme");
	CU_ASSERT_EQUAL(back->n_keys, 3);
	CU_ASSERT_EQUAL(back->keys[2], 0x56);
	cometsim__test__probe__free_unpacked(back, NULL);
	/* A truncated message is refused, not half-read. */
	CU_ASSERT_PTR_NULL(cometsim__test__probe__unpack(NULL, n - 1, buf));
}

int
suite_proto_register(void)
{
	CU_pSuite s = CU_add_suite("protobuf-c", NULL, NULL);

	if (!s || !CU_add_test(s, "generated code packs and unpacks", test_probe_encoding))
		return -1;
	return 0;
}
