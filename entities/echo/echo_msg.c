/*
 * echo_msg.c - the echo's wire format (echo.h, doc/echo.md): encode and
 * decode one message.
 *
 * Kept apart from the entity, with no state, so that the unit test
 * (tests/echo/unit.c) and the fuzzing harness (tests/fuzz/fuzz_echo.c)
 * reach it without a network: a family's parsers of bytes from the wire
 * live in a file of their own (the RAE's rae_msg.c, the CURLING
 * messages' curling_msg.c).  Fields are read and written at fixed
 * offsets with sim/wire.h, never through a packed struct.
 */
#include "entities/echo/echo.h"
#include "sim/wire.h"

void
echo_msg_encode(uint8_t *buf, const struct echo_msg *m)
{
	uint64_t t = (uint64_t)m->sent;

	wr16(buf, ECHO_MAGIC);
	buf[2] = ECHO_VERSION;
	buf[3] = (uint8_t)m->type;
	wr32(buf + 4, m->seq);
	wr32(buf + 8, (uint32_t)(t >> 32));
	wr32(buf + 12, (uint32_t)t);
}

/*
 * The checks, in order; the first that fails is the reason:
 *  1. the datagram is exactly ECHO_MSG_LEN bytes (a longer one is not
 *     cut: nothing may follow a message);
 *  2. the magic is 0x4543;
 *  3. the version is 1;
 *  4. the type is a request or a reply.
 * The time is not checked here: what it may be depends on who reads it
 * (echo.c).
 */
enum echo_err
echo_msg_decode(const uint8_t *buf, size_t len, struct echo_msg *m)
{
	if (len != ECHO_MSG_LEN)
		return ECHO_ERR_LENGTH;
	if (rd16(buf) != ECHO_MAGIC)
		return ECHO_ERR_MAGIC;
	if (buf[2] != ECHO_VERSION)
		return ECHO_ERR_VERSION;
	if (buf[3] != ECHO_REQUEST && buf[3] != ECHO_REPLY)
		return ECHO_ERR_TYPE;
	m->type = (enum echo_type)buf[3];
	m->seq = rd32(buf + 4);
	m->sent = (sim_time_t)((uint64_t)rd32(buf + 8) << 32 | rd32(buf + 12));
	return ECHO_OK;
}

const char *
echo_err_name(enum echo_err err)
{
	static const char *const names[ECHO_ERR_N] = {
		[ECHO_OK] = "ok",
		[ECHO_ERR_LENGTH] = "length",
		[ECHO_ERR_MAGIC] = "magic",
		[ECHO_ERR_VERSION] = "version",
		[ECHO_ERR_TYPE] = "type",
	};

	return (unsigned)err < ECHO_ERR_N ? names[err] : "?";
}
