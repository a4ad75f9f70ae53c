/*
 * fuzz_cmerae.c - the bodies of the RAE-CME interface
 * (entities/rae/cmerae.proto): the input is decoded both as the
 * GenericRequest the CME receives and as the Reply an RAE receives,
 * through rae_msg_decode (entities/rae/rae_msg.c), the one decoder both
 * ends use.  A body that decodes must pack again into one that decodes.
 */
#include <protobuf-c/protobuf-c.h>

#include "entities/rae/rae_wire.h"
#include "tests/fuzz/fuzz.h"

static int
decode(struct rae_pbarena *a, unsigned type, const uint8_t *body, size_t len)
{
	ProtobufCMessage *m;
	uint8_t *packed;
	size_t plen;
	char why[512];

	m = rae_msg_decode(type, body, len, a, why, sizeof(why));
	if (!m) {
		FUZZ_CHECK(why[0] != '\0');
		return -1;
	}
	plen = protobuf_c_message_get_packed_size(m);
	packed = g_malloc(plen ? plen : 1);
	FUZZ_CHECK(protobuf_c_message_pack(m, packed) == plen);
	FUZZ_CHECK(rae_msg_decode(type, packed, plen, a, why, sizeof(why)) != NULL);
	g_free(packed);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rae_pbarena arena;
	int req, rep;

	rae_pbarena_init(&arena);
	req = decode(&arena, RAE_MSG_CME_REQUEST, data, size);
	rep = decode(&arena, RAE_MSG_CME_REPLY, data, size);
	fuzz_verdict = req == 0 || rep == 0 ? FUZZ_ACCEPTED : FUZZ_REJECTED;
	rae_pbarena_fini(&arena);
	return 0;
}
