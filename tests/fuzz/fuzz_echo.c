/*
 * fuzz_echo.c - the echo's wire format (entities/echo/echo_msg.c,
 * doc/echo.md), the template entity's parser of bytes from the wire.
 *
 * A message the decoder accepts must be what echo_msg_encode writes for
 * its fields, byte for byte; one it refuses must break the rule its
 * reason names, and no earlier one.
 */
#include <string.h>

#include "entities/echo/echo.h"
#include "sim/wire.h"
#include "tests/fuzz/fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[ECHO_MSG_LEN];
	struct echo_msg m;
	enum echo_err e = echo_msg_decode(data, size, &m);

	FUZZ_CHECK(strcmp(echo_err_name(e), "?") != 0);
	switch (e) {
	case ECHO_OK:
		fuzz_verdict = FUZZ_ACCEPTED;
		echo_msg_encode(out, &m);
		FUZZ_CHECK(size == ECHO_MSG_LEN && memcmp(out, data, ECHO_MSG_LEN) == 0);
		break;
	case ECHO_ERR_LENGTH:
		fuzz_verdict = FUZZ_REJECTED;
		FUZZ_CHECK(size != ECHO_MSG_LEN);
		break;
	case ECHO_ERR_MAGIC:
		fuzz_verdict = FUZZ_REJECTED;
		FUZZ_CHECK(size == ECHO_MSG_LEN && rd16(data) != ECHO_MAGIC);
		break;
	case ECHO_ERR_VERSION:
		fuzz_verdict = FUZZ_REJECTED;
		FUZZ_CHECK(rd16(data) == ECHO_MAGIC && data[2] != ECHO_VERSION);
		break;
	case ECHO_ERR_TYPE:
		fuzz_verdict = FUZZ_REJECTED;
		FUZZ_CHECK(data[2] == ECHO_VERSION && data[3] != ECHO_REQUEST &&
			   data[3] != ECHO_REPLY);
		break;
	default:
		FUZZ_CHECK(!"a reason echo.h does not list");
	}
	return 0;
}
