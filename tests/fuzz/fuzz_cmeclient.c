/*
 * fuzz_cmeclient.c - the CME's request interface (entities/cme/
 * cmeclient.proto, doc/cme.md): the input is one UDP datagram from a
 * client, handed to a running CME (entities/cme/cme_serve.c) through the
 * node's UDP input, then again (a client's retransmission).  The CME has
 * a catalogue and key plan, and its store holds two paths towards the
 * client, so that a well-formed request goes through the whole decision;
 * the CME's node has no interface, so the agent cannot be reached and
 * the virtual clock runs past agent_timeout.
 *
 * What must hold: the first datagram is counted exactly once, as a
 * request or as malformed; one that protobuf-c cannot unpack is
 * malformed for the CME too (the CME's reader is the stricter); the
 * second copy of a well-formed request is a duplicate; nothing is left
 * waiting once the agent timed out.
 */
#include <string.h>

#include <protobuf-c/protobuf-c.h>

#include "entities/cme/cme_int.h"
#include "entities/cme/cmeclient.pb-c.h"
#include "sim/net.h"
#include "sim/pkt.h"
#include "tests/fuzz/fuzz.h"

static const char config[] =
	"<cme-config client_port=\"9091\" collect_interval=\"1\" agent_timeout=\"1\">\n"
	"  <decision_parameters id=\"1\" delay_aspiration=\"0.05\" delay_reservation=\"0.2\"\n"
	"    loss_aspiration=\"1e-4\" loss_reservation=\"0.01\" bandwidth_aspiration=\"5e7\"\n"
	"    bandwidth_reservation=\"1e6\"/>\n"
	"  <decision_parameters id=\"2\" cos=\"PR\" delay_aspiration=\"0.015\"\n"
	"    delay_reservation=\"0.03\" loss_aspiration=\"1e-5\" loss_reservation=\"0.001\"\n"
	"    bandwidth_aspiration=\"5e6\" bandwidth_reservation=\"1e6\"/>\n"
	"  <content name=\"video\" size=\"1000000\">\n"
	"    <server address=\"10.1.1.2\" port=\"8080\" as=\"1\" agent=\"10.1.1.1\"/>\n"
	"  </content>\n"
	"  <keys as=\"1\" to=\"2\" keys=\"02\"/>\n"
	"  <keys as=\"2\" from=\"1\" to=\"4\" keys=\"04\"/>\n"
	"  <keys as=\"4\" from=\"2\" keys=\"\"/>\n"
	"</cme-config>\n";

/* The store: paths 2 4 and 3 4 from AS 1 to 10.4.0.0/16, classes 1 and 2. */
static void
store_paths(struct cme *c)
{
	Comet__Rae__Config__Metric m[2] = { COMET__RAE__CONFIG__METRIC__INIT,
					    COMET__RAE__CONFIG__METRIC__INIT };
	Comet__Rae__Config__ClassEntry ce[2][2];
	Comet__Rae__Config__ClassEntry *cep[2][2];
	Comet__Cmerae__Path path[2] = { COMET__CMERAE__PATH__INIT, COMET__CMERAE__PATH__INIT };
	Comet__Cmerae__Path *pp[2] = { &path[0], &path[1] };
	Comet__Rae__Config__Prefix pfx = COMET__RAE__CONFIG__PREFIX__INIT;
	Comet__Cmerae__PathInf pi = COMET__CMERAE__PATH_INF__INIT;
	uint32_t as[2][2] = { { 2, 4 }, { 3, 4 } };
	struct ps_key *k = g_new0(struct ps_key, 1);
	size_t n;
	uint8_t *b;

	for (int i = 0; i < 2; i++) {
		m[i].has_loss_ratio = m[i].has_maximum_delay = m[i].has_supported_bandwidth = 1;
		m[i].loss_ratio = 4e-6;
		m[i].maximum_delay = i ? 0.042 : 0.012;
		m[i].supported_bandwidth = i ? 1e8 : 1e7;
		for (int j = 0; j < 2; j++) {
			comet__rae__config__class_entry__init(&ce[i][j]);
			ce[i][j].has_cos_id = 1;
			ce[i][j].cos_id = (uint32_t)j + 1;
			ce[i][j].metric = &m[i];
			cep[i][j] = &ce[i][j];
		}
		path[i].n_as_path = 2;
		path[i].as_path = as[i];
		path[i].n_class_table = 2;
		path[i].class_table = cep[i];
	}
	pfx.ip_address = "10.4.0.0";
	pfx.has_prefix_length = 1;
	pfx.prefix_length = 16;
	pi.prefix = &pfx;
	pi.n_paths = 2;
	pi.paths = pp;
	n = comet__cmerae__path_inf__get_packed_size(&pi);
	b = g_malloc(n);
	comet__cmerae__path_inf__pack(&pi, b);
	k->as = 1;
	FUZZ_CHECK(addr_parse("10.4.0.0", &k->pfx.addr) == 0);
	k->pfx.len = 16;
	g_hash_table_replace(c->ps.routes, k, g_bytes_new_take(b, n));
}

/* Hand the datagram to the CME's node as UDP from 10.4.1.2:40000. */
static void
deliver(struct node *n, const uint8_t *data, size_t size)
{
	struct pkt *p = pkt_alloc(size + 8);
	struct addr src, dst;
	uint8_t *h;

	FUZZ_CHECK(addr_parse("10.4.1.2", &src) == 0 && addr_parse("10.1.2.2", &dst) == 0);
	h = pkt_put(p, size + 8);
	h[0] = 40000 >> 8;
	h[1] = 40000 & 0xff;
	h[2] = 9091 >> 8;
	h[3] = 9091 & 0xff;
	h[4] = (uint8_t)((size + 8) >> 8);
	h[5] = (uint8_t)(size + 8);
	h[6] = h[7] = 0;	/* no checksum: allowed over IPv4 */
	if (size)
		memcpy(h + 8, data, size);
	udp_input(n, p, &src, &dst);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char *path, arg[1100];
	struct sim *sim;
	struct net *net;
	struct node *n;
	struct cme *c;
	char err[512], *argv[2] = { "9090", arg };
	Comet__Cmeclient__ContentRequest *r;
	uint64_t first;

	if (size > 1400)	/* more than a datagram the CME's link would carry */
		return 0;
	if (!path) {
		path = fuzz_write("cme.xml", config, strlen(config));
		snprintf(arg, sizeof(arg), "config=%s", path);
	}
	sim = sim_create(NULL);
	net = net_create(sim, 1, 1);
	n = node_create(net, "cme1");
	c = (struct cme *)entity_new(&cme_class, "cme1", 2, argv, err, sizeof(err));
	FUZZ_CHECK(c != NULL);
	entity_start(&c->e, n);
	store_paths(c);

	deliver(n, data, size);
	first = c->content_requests + c->malformed_requests;
	FUZZ_CHECK(first == 1);
	r = comet__cmeclient__content_request__unpack(NULL, size, data);
	if (!r)
		FUZZ_CHECK(c->malformed_requests == 1);
	deliver(n, data, size);
	if (c->content_requests == 1)
		FUZZ_CHECK(c->duplicate_requests == 1);
	sim_run(sim, sim_now(sim) + 3 * SIM_S);
	FUZZ_CHECK(c->accepted == 0);	/* no agent can be reached */
	FUZZ_CHECK(c->refused == c->content_requests);
	fuzz_verdict = c->malformed_requests ? FUZZ_REJECTED : FUZZ_ACCEPTED;
	if (r)
		comet__cmeclient__content_request__free_unpacked(r, NULL);
	entity_stop(&c->e);
	net_destroy(net);
	entity_free(&c->e);
	sim_destroy(sim);
	return 0;
}
