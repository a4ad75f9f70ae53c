/*
 * fuzz_rae_msg.c - what arrives on an RAE's TCP connections: the 5-byte
 * framing (rae_wire.h) and the bodies of rae.proto and cmerae.proto,
 * through rae_framer and rae_msg_decode (entities/rae/rae_msg.c and its
 * wire walk entities/pbcheck.c), as an RAE or the CME reads them.
 *
 * The input is the byte stream of one connection.  It is cut into
 * messages twice, once pushed whole and once a byte at a time (TCP may
 * deliver it either way): both must give the same messages.  A body that
 * decodes must pack again into a body that decodes.  The general decoding
 * (rae_msg_decode_general) must give what rae_msg_decode gives: the same
 * reason, or the same message.
 */
#include <string.h>

#include <protobuf-c/protobuf-c.h>

#include "entities/rae/rae_wire.h"
#include "tests/fuzz/fuzz.h"

/* Decode one body; if it is sound, check its packed form is too. */
static int
decode(struct rae_pbarena *a, unsigned type, const uint8_t *body, size_t len)
{
	ProtobufCMessage *m;
	uint8_t *packed;
	size_t plen;
	char why[512], nb[16];

	struct rae_pbarena ga;
	ProtobufCMessage *g;
	char gwhy[512];

	FUZZ_CHECK(rae_msg_name(type, nb, sizeof(nb)) != NULL);
	m = rae_msg_decode(type, body, len, a, why, sizeof(why));
	rae_pbarena_init(&ga);
	g = rae_msg_decode_general(type, body, len, &ga, gwhy, sizeof(gwhy));
	FUZZ_CHECK((m == NULL) == (g == NULL));
	if (!m) {
		rae_pbarena_fini(&ga);
		FUZZ_CHECK(why[0] != '\0');
		FUZZ_CHECK(strcmp(why, gwhy) == 0);
		return -1;
	}
	plen = protobuf_c_message_get_packed_size(m);
	packed = g_malloc(plen ? plen : 1);
	FUZZ_CHECK(protobuf_c_message_pack(m, packed) == plen);
	{
		uint8_t *gp = g_malloc(plen ? plen : 1);

		FUZZ_CHECK(protobuf_c_message_get_packed_size(g) == plen);
		FUZZ_CHECK(protobuf_c_message_pack(g, gp) == plen);
		FUZZ_CHECK(plen == 0 || memcmp(packed, gp, plen) == 0);
		g_free(gp);
	}
	rae_pbarena_fini(&ga);
	m = rae_msg_decode(type, packed, plen, a, why, sizeof(why));
	FUZZ_CHECK(m != NULL);
	g_free(packed);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rae_framer whole, bytes;
	struct rae_pbarena arena;
	const uint8_t *body, *body2;
	unsigned type, type2;
	size_t len, len2, fed = 0;
	char why[256], why2[256];
	int rc, rc2, msgs = 0, bad = 0;

	rae_framer_init(&whole);
	rae_framer_init(&bytes);
	rae_pbarena_init(&arena);
	rae_framer_push(&whole, data, size);
	while ((rc = rae_framer_next(&whole, &type, &body, &len, why, sizeof(why))) == 1) {
		/* The same message, from the stream fed a byte at a time. */
		while ((rc2 = rae_framer_next(&bytes, &type2, &body2, &len2, why2,
					      sizeof(why2))) == 0 && fed < size)
			rae_framer_push(&bytes, data + fed++, 1);
		FUZZ_CHECK(rc2 == 1 && type2 == type && len2 == len);
		FUZZ_CHECK(len == 0 || memcmp(body, body2, len) == 0);
		FUZZ_CHECK(len <= RAE_MAX_BODY && rae_msg_type_known(type));
		msgs++;
		if (decode(&arena, type, body, len) < 0)
			bad++;
	}
	if (rc < 0) {
		FUZZ_CHECK(why[0] != '\0');
		bad++;
	}
	fuzz_verdict = bad ? FUZZ_REJECTED : msgs ? FUZZ_ACCEPTED : FUZZ_NONE;
	rae_pbarena_fini(&arena);
	rae_framer_fini(&whole);
	rae_framer_fini(&bytes);
	return 0;
}
