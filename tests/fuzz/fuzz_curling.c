/*
 * fuzz_curling.c - the decoder of the coupled approach's messages
 * (entities/curling/curling_msg.c, doc/curling.md): Announce, Ack,
 * Configure, Notify, Publish, Consume, ConsumeReply, Release, Routes and
 * Content, every one a UDP datagram the CAFEs, CRMEs, servers and
 * clients receive.
 *
 * What the decoder accepts must encode again, to as many bytes, and
 * decoding that must give the same encoding: a field the decoder lets
 * through but the encoder refuses (or reads differently) is a bug of one
 * of them.
 */
#include <string.h>

#include "entities/curling/curling.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cmsg m, m2;
	static uint8_t e1[CMSG_MAX_LEN + 64], e2[CMSG_MAX_LEN + 64];
	int rc, n1, n2;

	memset(&m, 0, sizeof(m));
	rc = cmsg_decode(data, size, &m);
	FUZZ_CHECK(cmsg_err_name(rc) != NULL);
	if (rc != CMSG_OK) {
		fuzz_verdict = FUZZ_REJECTED;
		FUZZ_CHECK(rc < 0 && rc >= CMSG_E_FIELD);
		return 0;
	}
	fuzz_verdict = FUZZ_ACCEPTED;
	FUZZ_CHECK(m.type >= 1 && m.type <= CMSG_TYPE_MAX);
	FUZZ_CHECK(cmsg_type_name(m.type) != NULL);
	if (m.type == CMSG_CONSUME_REPLY)
		FUZZ_CHECK(cmsg_status_name(m.status) != NULL);
	n1 = cmsg_encode(&m, e1, sizeof(e1));
	FUZZ_CHECK(n1 >= 0 && (size_t)n1 == size);
	memset(&m2, 0, sizeof(m2));
	FUZZ_CHECK(cmsg_decode(e1, (size_t)n1, &m2) == CMSG_OK);
	n2 = cmsg_encode(&m2, e2, sizeof(e2));
	FUZZ_CHECK(n2 == n1 && memcmp(e1, e2, (size_t)n1) == 0);
	return 0;
}
