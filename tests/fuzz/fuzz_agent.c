/*
 * fuzz_agent.c - the CME-CAFE interface (entities/cafe/cmecafe.proto) as
 * the CAFE agent reads it (entities/cafe/agent.c, doc/cafe-agent.md):
 * the input is the byte stream of one connection from the CME, cut by
 * the agent's framer into 2-byte-length-prefixed bodies, each answered
 * by cafe_agent_answer on a node whose stateless CAFE takes the
 * CONFIGURE_STREAM filters.  Virtual time advances a second between
 * requests so that filters expire and COLLECT_EXPIRED_STREAMS has
 * records to hand over.
 *
 * Every answer must be one frame holding a GenericResponse with a
 * status; the agent stops reading at the first body that is not a
 * GenericRequest, as it closes the connection then.
 */
#include <string.h>

#include "entities/cafe/agent.h"
#include "sim/net.h"
#include "tests/fuzz/fuzz.h"

static void
check_answer(const GByteArray *out)
{
	cafe_agent_resp *r;
	size_t n;

	FUZZ_CHECK(out->len >= CAFE_AGENT_FRAME_HDR);
	n = (size_t)out->data[0] << 8 | out->data[1];
	FUZZ_CHECK(n == out->len - CAFE_AGENT_FRAME_HDR);
	r = comet__cmecafe__generic_response__unpack(NULL, n, out->data + CAFE_AGENT_FRAME_HDR);
	FUZZ_CHECK(r != NULL && r->has_status);
	FUZZ_CHECK(r->status == CAFE_AGENT_SUCCESS || r->status == CAFE_AGENT_FAILURE);
	comet__cmecafe__generic_response__free_unpacked(r, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sim *sim = sim_create(NULL);
	struct net *net = net_create(sim, 1, 1);
	struct node *n = node_create(net, "cafe1");
	struct cafe_agent_framer fr;
	struct cafe_agent *a;
	const uint8_t *body;
	size_t len;
	char err[256], why[512];
	int msgs = 0, bad = 0;

	a = (struct cafe_agent *)entity_new(&cafe_agent_class, "cafe1", 0, NULL, err,
					    sizeof(err));
	FUZZ_CHECK(a != NULL);
	entity_start(&a->e, n);
	cafe_agent_framer_init(&fr);
	cafe_agent_framer_push(&fr, data, size);
	while (!bad && cafe_agent_framer_next(&fr, &body, &len) == 1) {
		GByteArray *out = g_byte_array_new();

		FUZZ_CHECK(len <= CAFE_AGENT_MAX_MSG);
		why[0] = '\0';
		if (cafe_agent_answer(a, "fuzz", body, len, out, why, sizeof(why)) < 0) {
			FUZZ_CHECK(why[0] != '\0');
			bad = 1;
		}
		check_answer(out);
		g_byte_array_free(out, TRUE);
		msgs++;
		sim_run(sim, sim_now(sim) + SIM_S);
	}
	if (!bad) {
		size_t want, held = cafe_agent_framer_held(&fr, &want);

		FUZZ_CHECK(held < CAFE_AGENT_FRAME_HDR || held < want);
	}
	fuzz_verdict = bad ? FUZZ_REJECTED : msgs ? FUZZ_ACCEPTED : FUZZ_NONE;
	cafe_agent_framer_fini(&fr);
	entity_stop(&a->e);
	net_destroy(net);
	entity_free(&a->e);
	sim_destroy(sim);
	return 0;
}
