/*
 * unit.c - the unit test of the echo, the template entity family
 * (entities/echo, doc/echo.md): its own CUnit program, so that adding a
 * family edits no shared list of tests.
 *
 *   1. the wire format: the bytes of a message written by hand, each
 *      reason of the decoder;
 *   2. the arguments: what init keeps, what it refuses and how it says so;
 *   3. two echoes over one emulated link: every request answered, the
 *      round trips the link model predicts, malformed datagrams and
 *      replies to no request counted, not answered.
 *
 * The round trips follow from the link model of sim/net.h: each way
 * takes the serialisation of a 60-byte frame (Ethernet 14 + IPv4 20 +
 * UDP 8 + 16 of message, padded to 60) plus the propagation delay; the
 * first request also waits for ARP, one more round trip of 60-byte
 * frames.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <glib.h>

#include "entities/echo/echo.h"
#include "entities/registry.h"
#include "sim/entity.h"
#include "sim/net.h"

/* ---- 1. the wire format ---- */

static void
test_msg_bytes(void)
{
	static const uint8_t want[ECHO_MSG_LEN] = {
		0x45, 0x43, 0x01, 0x02, 0x00, 0x01, 0x02, 0x03,
		0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
	};
	struct echo_msg m = { ECHO_REPLY, 0x00010203, ((sim_time_t)1 << 32) | 2 }, back;
	uint8_t buf[ECHO_MSG_LEN];

	echo_msg_encode(buf, &m);
	CU_ASSERT_EQUAL(memcmp(buf, want, sizeof(want)), 0);
	CU_ASSERT_EQUAL(echo_msg_decode(want, sizeof(want), &back), ECHO_OK);
	CU_ASSERT_EQUAL(back.type, ECHO_REPLY);
	CU_ASSERT_EQUAL(back.seq, 0x00010203);
	CU_ASSERT_EQUAL(back.sent, ((sim_time_t)1 << 32) | 2);
}

/* Change byte `at` of a good request to `v` and decode ECHO_MSG_LEN bytes. */
static enum echo_err
decode_with(size_t at, uint8_t v)
{
	struct echo_msg m = { ECHO_REQUEST, 7, 1000 }, out;
	uint8_t buf[ECHO_MSG_LEN];

	echo_msg_encode(buf, &m);
	buf[at] = v;
	return echo_msg_decode(buf, sizeof(buf), &out);
}

static void
test_msg_reasons(void)
{
	uint8_t buf[ECHO_MSG_LEN + 1] = { 0 };
	struct echo_msg m = { ECHO_REQUEST, 7, 1000 }, out;

	echo_msg_encode(buf, &m);
	CU_ASSERT_EQUAL(echo_msg_decode(buf, ECHO_MSG_LEN, &out), ECHO_OK);
	CU_ASSERT_EQUAL(echo_msg_decode(buf, ECHO_MSG_LEN - 1, &out), ECHO_ERR_LENGTH);
	CU_ASSERT_EQUAL(echo_msg_decode(buf, ECHO_MSG_LEN + 1, &out), ECHO_ERR_LENGTH);
	CU_ASSERT_EQUAL(echo_msg_decode(buf, 0, &out), ECHO_ERR_LENGTH);
	CU_ASSERT_EQUAL(decode_with(0, 0x43), ECHO_ERR_MAGIC);
	CU_ASSERT_EQUAL(decode_with(1, 0x45), ECHO_ERR_MAGIC);
	CU_ASSERT_EQUAL(decode_with(2, 0), ECHO_ERR_VERSION);
	CU_ASSERT_EQUAL(decode_with(2, 2), ECHO_ERR_VERSION);
	CU_ASSERT_EQUAL(decode_with(3, 0), ECHO_ERR_TYPE);
	CU_ASSERT_EQUAL(decode_with(3, 3), ECHO_ERR_TYPE);
	CU_ASSERT_EQUAL(decode_with(3, ECHO_REPLY), ECHO_OK);
	CU_ASSERT_STRING_EQUAL(echo_err_name(ECHO_ERR_LENGTH), "length");
	CU_ASSERT_STRING_EQUAL(echo_err_name(ECHO_ERR_MAGIC), "magic");
	CU_ASSERT_STRING_EQUAL(echo_err_name(ECHO_ERR_VERSION), "version");
	CU_ASSERT_STRING_EQUAL(echo_err_name(ECHO_ERR_TYPE), "type");
}

/* ---- 2. the arguments ---- */

/* An instance from a space-separated argument string, or NULL with err. */
static struct echo *
echo_from(const char *node, const char *args, char *err, size_t errlen)
{
	char **argv = g_strsplit(args, " ", -1);
	int argc = 0;
	struct entity *e;

	while (argv[argc] && argv[argc][0])
		argc++;
	err[0] = '\0';
	e = entity_new(&echo_class, node, argc, argv, err, errlen);
	g_strfreev(argv);
	return (struct echo *)e;
}

/* init must refuse args with a message naming the class and `needle`. */
static void
expect_bad(const char *args, const char *needle)
{
	char err[512];
	struct echo *ec = echo_from("n", args, err, sizeof(err));

	CU_ASSERT_PTR_NULL(ec);
	if (ec) {
		fprintf(stderr, "\n  \"%s\" was accepted\n", args);
		entity_free(&ec->e);
		return;
	}
	if (!strstr(err, needle) || !strstr(err, "usr.echo.Echo"))
		fprintf(stderr, "\n  \"%s\": message \"%s\" lacks \"%s\"\n", args, err, needle);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "usr.echo.Echo"));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
}

static void
test_args(void)
{
	char err[512];
	struct echo *ec;

	ec = echo_from("n", "7007", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ec);
	CU_ASSERT_EQUAL(ec->port, 7007);
	CU_ASSERT_FALSE(ec->has_peer);
	entity_free(&ec->e);

	ec = echo_from("n", "interval=250ms 9 peer=2001:db8::2 count=10", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ec);
	CU_ASSERT_EQUAL(ec->port, 9);
	CU_ASSERT_TRUE(ec->has_peer);
	CU_ASSERT_EQUAL(ec->peer.af, ADDR_V6);
	CU_ASSERT_STRING_EQUAL(ec->peer_str, "2001:db8::2");
	CU_ASSERT_EQUAL(ec->count, 10);
	CU_ASSERT_EQUAL(ec->interval, 250 * SIM_MS);
	entity_free(&ec->e);

	ec = echo_from("n", "1 peer=10.0.0.2", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(ec);
	CU_ASSERT_EQUAL(ec->count, 3);
	CU_ASSERT_EQUAL(ec->interval, SIM_S);
	entity_free(&ec->e);

	expect_bad("", "missing <port>");
	expect_bad("0", "port \"0\"");
	expect_bad("65536", "port \"65536\"");
	expect_bad("7007 8", "unexpected argument \"8\"");
	expect_bad("7007 size=3", "unknown option \"size=3\"");
	expect_bad("7007 peer=10.0.0.2 peer=10.0.0.3", "option \"peer\" given twice");
	expect_bad("7007 peer=node2", "peer \"node2\" is not an IPv4 or IPv6 address");
	expect_bad("7007 count=3", "count= without peer=");
	expect_bad("7007 interval=1s", "interval= without peer=");
	expect_bad("7007 peer=10.0.0.2 count=0", "count \"0\"");
	expect_bad("7007 peer=10.0.0.2 count=1000001", "count \"1000001\"");
	expect_bad("7007 peer=10.0.0.2 interval=0", "interval \"0\"");
	expect_bad("7007 peer=10.0.0.2 interval=5", "interval \"5\"");
}

/* ---- 3. two echoes over one link ---- */

struct world {
	struct sim *sim;
	struct net *net;
	struct node *a, *b;
	GString *log;
	GPtrArray *ents;
};

static void
log_to_string(void *ctx, const char *line)
{
	g_string_append(ctx, line);
	g_string_append_c(ctx, '\n');
}

/* a (10.0.0.1) -- 10 Mbps, 5 ms -- b (10.0.0.2) */
static int
world_init(struct world *w)
{
	struct link_params lp;
	struct iface *ia, *ib;
	struct addr x;
	char err[128];

	memset(w, 0, sizeof(*w));
	w->sim = sim_create(NULL);
	if (!w->sim)
		return -1;
	w->net = net_create(w->sim, 1, 1);
	w->log = g_string_new(NULL);
	w->ents = g_ptr_array_new();
	log_set_sink(&w->net->log, log_to_string, w->log);
	if (log_parse_spec(&w->net->log, "debug", err, sizeof(err)) < 0)
		return -1;
	w->a = node_create(w->net, "a");
	w->b = node_create(w->net, "b");
	ia = iface_add_ether(w->a, "eth0");
	ib = iface_add_ether(w->b, "eth0");
	if (!ia || !ib)
		return -1;
	addr_parse("10.0.0.1", &x);
	iface_addr_add(ia, &x, 24);
	addr_parse("10.0.0.2", &x);
	iface_addr_add(ib, &x, 24);
	link_params_default(&lp);
	lp.bandwidth_bps = 10000000;
	lp.delay = 5 * SIM_MS;
	return link_create(w->net, "ab", ia, ib, &lp) ? 0 : -1;
}

static void
start_cb(struct sim *sim, void *ctx, void *arg)
{
	entity_start(ctx, arg);
}

/* An echo with these arguments, started on node n at time `at`. */
static struct echo *
world_echo(struct world *w, struct node *n, const char *args, sim_time_t at)
{
	char err[512];
	struct echo *ec = echo_from(n->name, args, err, sizeof(err));

	if (!ec) {
		fprintf(stderr, "\n  \"%s\": %s\n", args, err);
		return NULL;
	}
	g_ptr_array_add(w->ents, ec);
	sim_schedule_at(w->sim, at, start_cb, ec, n);
	return ec;
}

/* Run until `end`, stop every entity (their reports go to the log). */
static void
world_run(struct world *w, sim_time_t end)
{
	sim_run(w->sim, end);
	for (guint i = 0; i < w->ents->len; i++)
		entity_stop(g_ptr_array_index(w->ents, i));
}

static void
world_fini(struct world *w)
{
	net_destroy(w->net);
	for (guint i = 0; i < w->ents->len; i++)
		entity_free(g_ptr_array_index(w->ents, i));
	g_ptr_array_free(w->ents, TRUE);
	sim_destroy(w->sim);
	g_string_free(w->log, TRUE);
}

struct stat_find {
	const char *name;
	uint64_t value;
	int found;
};

static void
stat_find_fn(void *ctx, const char *name, uint64_t value)
{
	struct stat_find *sf = ctx;

	if (strcmp(sf->name, name) == 0) {
		sf->value = value;
		sf->found++;
	}
}

/* The counter `name` of an echo; fails the test unless it is reported once. */
static uint64_t
stat_of(struct echo *ec, const char *name)
{
	struct stat_find sf = { name, 0, 0 };

	ec->e.cls->stats(&ec->e, stat_find_fn, &sf);
	if (sf.found != 1)
		fprintf(stderr, "\n  counter %s reported %d times\n", name, sf.found);
	CU_ASSERT_EQUAL(sf.found, 1);
	return sf.value;
}

/* Whether the log has the line of ec that starts with `text` after its prefix. */
static int
log_has(const struct world *w, const struct echo *ec, const char *text)
{
	char *needle = g_strdup_printf("%s echo/%s %s", ec->e.node_name, ec->e.inst, text);
	int found = strstr(w->log->str, needle) != NULL;

	if (!found)
		fprintf(stderr, "\n  log lacks \"%s\":\n%s", needle, w->log->str);
	g_free(needle);
	return found;
}

/* How many times `text` occurs in the log. */
static unsigned
log_count(const struct world *w, const char *text)
{
	unsigned n = 0;

	for (const char *p = strstr(w->log->str, text); p; p = strstr(p + 1, text))
		n++;
	return n;
}

/* One way of a 60-byte frame: 8 * 60 bits at 10 Mbit/s, then 5 ms. */
#define ONE_WAY	(48 * SIM_US + 5 * SIM_MS)

static void
test_run_round_trips(void)
{
	struct world w;
	struct echo *server, *client;

	CU_ASSERT_EQUAL_FATAL(world_init(&w), 0);
	server = world_echo(&w, w.b, "7007", 0);
	client = world_echo(&w, w.a, "7007 peer=10.0.0.2 count=4 interval=100ms", 10 * SIM_MS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(server);
	CU_ASSERT_PTR_NOT_NULL_FATAL(client);
	world_run(&w, SIM_S);

	CU_ASSERT_EQUAL(stat_of(client, "requests_sent"), 4);
	CU_ASSERT_EQUAL(stat_of(client, "replies_received"), 4);
	CU_ASSERT_EQUAL(stat_of(server, "requests_received"), 4);
	CU_ASSERT_EQUAL(stat_of(server, "replies_sent"), 4);
	CU_ASSERT_EQUAL(stat_of(client, "unexpected"), 0);
	CU_ASSERT_EQUAL(stat_of(server, "malformed_length"), 0);
	/* ARP first: the first round trip is two. */
	CU_ASSERT_EQUAL(stat_of(client, "rtt_max_ns"), 4 * ONE_WAY);
	CU_ASSERT_EQUAL(stat_of(client, "rtt_min_ns"), 2 * ONE_WAY);
	CU_ASSERT_EQUAL(stat_of(client, "rtt_avg_ns"), (4 + 3 * 2) * ONE_WAY / 4);
	CU_ASSERT_TRUE(log_has(&w, client, "INFO: asking 10.0.0.2:7007 4 times, one request "
			       "every 100ms\n"));
	CU_ASSERT_TRUE(log_has(&w, client, "INFO: 4 requests sent, 4 replies, round trip "
			       "min/avg/max 10096000/12620000/20192000 ns\n"));
	CU_ASSERT_TRUE(log_has(&w, server, "INFO: 4 requests answered, 0 malformed, "
			       "0 unexpected\n"));
	world_fini(&w);
}

/* A UDP socket that sends what the test says and counts what it gets. */
static void
count_input(struct udp_sock *s, void *ctx, struct pkt *p, const struct addr *src,
	    uint16_t sport, const struct addr *dst, uint16_t dport)
{
	(*(unsigned *)ctx)++;
}

struct raw {
	struct udp_sock *sock;
	const uint8_t *bytes;
	size_t len;
	uint16_t dport;
};

static void
raw_send_cb(struct sim *sim, void *ctx, void *arg)
{
	struct raw *r = ctx;
	struct addr dst;

	addr_parse("10.0.0.2", &dst);
	CU_ASSERT_EQUAL(udp_sendto_buf(r->sock, &dst, r->dport, r->bytes, r->len), 0);
}

static void
test_run_malformed_unexpected(void)
{
	static const uint8_t reply7[ECHO_MSG_LEN] = {
		0x45, 0x43, 0x01, 0x02, 0x00, 0x00, 0x00, 0x07,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	static const uint8_t bad_version[ECHO_MSG_LEN] = {
		0x45, 0x43, 0x09, 0x01, 0x00, 0x00, 0x00, 0x07,
	};
	static const uint8_t bad_magic[ECHO_MSG_LEN] = { 0x00, 0x43, 0x01, 0x01 };
	static const uint8_t bad_type[ECHO_MSG_LEN] = { 0x45, 0x43, 0x01, 0x09 };
	static const uint8_t short3[3] = { 0x45, 0x43, 0x01 };
	struct raw raws[] = {
		{ NULL, reply7, sizeof(reply7), 7007 },
		{ NULL, bad_version, sizeof(bad_version), 7007 },
		{ NULL, bad_magic, sizeof(bad_magic), 7007 },
		{ NULL, bad_type, sizeof(bad_type), 7007 },
		{ NULL, short3, sizeof(short3), 7007 },
		{ NULL, short3, sizeof(short3), 7008 },
	};
	struct world w;
	struct echo *server, *asker;
	struct udp_sock *sock;
	unsigned got = 0;

	CU_ASSERT_EQUAL_FATAL(world_init(&w), 0);
	server = world_echo(&w, w.b, "7007", 0);
	/* An echo on b that asks a: a reply from b's own neighbour is not its peer's. */
	asker = world_echo(&w, w.b, "7008 peer=10.0.0.1 count=1", 10 * SIM_MS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(server);
	CU_ASSERT_PTR_NOT_NULL_FATAL(asker);
	sock = udp_open(w.a, 5000, count_input, &got);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sock);
	for (size_t i = 0; i < sizeof(raws) / sizeof(raws[0]); i++) {
		raws[i].sock = sock;
		sim_schedule_at(w.sim, (sim_time_t)(i + 1) * 50 * SIM_MS, raw_send_cb, &raws[i], NULL);
	}
	world_run(&w, SIM_S);

	/* A reply to an echo that never asked: unexpected, not answered. */
	CU_ASSERT_EQUAL(stat_of(server, "unexpected"), 1);
	CU_ASSERT_EQUAL(stat_of(server, "malformed_version"), 1);
	CU_ASSERT_EQUAL(stat_of(server, "malformed_magic"), 1);
	CU_ASSERT_EQUAL(stat_of(server, "malformed_type"), 1);
	CU_ASSERT_EQUAL(stat_of(server, "malformed_length"), 1);
	CU_ASSERT_EQUAL(stat_of(server, "requests_received"), 0);
	CU_ASSERT_EQUAL(stat_of(server, "replies_sent"), 0);
	/* Nothing came back to the sender of all that. */
	CU_ASSERT_EQUAL(got, 0);
	CU_ASSERT_EQUAL(stat_of(asker, "malformed_length"), 1);
	/* a has no echo: the asker's one request goes unanswered. */
	CU_ASSERT_EQUAL(stat_of(asker, "requests_sent"), 1);
	CU_ASSERT_EQUAL(stat_of(asker, "replies_received"), 0);
	CU_ASSERT_TRUE(log_has(&w, server, "DEBUG: 16 bytes from 10.0.0.1:5000: not an echo "
			       "message (version)\n"));
	CU_ASSERT_TRUE(log_has(&w, server, "DEBUG: reply 7 from 10.0.0.1:5000: not to a "
			       "request of ours\n"));
	CU_ASSERT_TRUE(log_has(&w, server, "INFO: 0 requests answered, 4 malformed, "
			       "1 unexpected\n"));
	CU_ASSERT_TRUE(log_has(&w, asker, "INFO: 1 requests sent, no reply\n"));
	udp_close(sock);
	world_fini(&w);
}

/*
 * A request is answered to the address and port it came from: here a
 * socket on port 5000 asks the echo on port 7007, and the reply must reach
 * port 5000 (a reply sent to the port asked, 7007, would reach nobody).
 */
static void
test_run_reply_to_source_port(void)
{
	static const uint8_t request3[ECHO_MSG_LEN] = {
		0x45, 0x43, 0x01, 0x01, 0x00, 0x00, 0x00, 0x03,
	};
	struct raw r = { NULL, request3, sizeof(request3), 7007 };
	struct world w;
	struct echo *server;
	unsigned got = 0;

	CU_ASSERT_EQUAL_FATAL(world_init(&w), 0);
	server = world_echo(&w, w.b, "7007", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(server);
	r.sock = udp_open(w.a, 5000, count_input, &got);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r.sock);
	sim_schedule_at(w.sim, 50 * SIM_MS, raw_send_cb, &r, NULL);
	world_run(&w, SIM_S);

	CU_ASSERT_EQUAL(stat_of(server, "requests_received"), 1);
	CU_ASSERT_EQUAL(stat_of(server, "replies_sent"), 1);
	CU_ASSERT_EQUAL(got, 1);
	CU_ASSERT_TRUE(log_has(&w, server, "DEBUG: request 3 from 10.0.0.1:5000 answered\n"));
	udp_close(r.sock);
	world_fini(&w);
}

/* A second echo on the same port of the same node cannot bind it. */
static void
test_run_port_taken(void)
{
	struct world w;
	struct echo *one, *two;

	CU_ASSERT_EQUAL_FATAL(world_init(&w), 0);
	one = world_echo(&w, w.b, "7007", 0);
	two = world_echo(&w, w.b, "7007", SIM_MS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(one);
	CU_ASSERT_PTR_NOT_NULL_FATAL(two);
	world_run(&w, 10 * SIM_MS);
	CU_ASSERT_TRUE(log_has(&w, two, "ERROR: cannot bind UDP port 7007: in use\n"));
	/* The first keeps the port: only the second says anything is wrong. */
	CU_ASSERT_EQUAL(log_count(&w, " ERROR: "), 1);
	world_fini(&w);
}

int
main(void)
{
	CU_pSuite s;
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	s = CU_add_suite("echo", NULL, NULL);
	if (!s || entities_register_all() != 0 ||
	    !CU_add_test(s, "message bytes", test_msg_bytes) ||
	    !CU_add_test(s, "each reason of the decoder", test_msg_reasons) ||
	    !CU_add_test(s, "arguments", test_args) ||
	    !CU_add_test(s, "round trips over a link", test_run_round_trips) ||
	    !CU_add_test(s, "malformed and unexpected datagrams", test_run_malformed_unexpected) ||
	    !CU_add_test(s, "a reply goes to the port the request came from",
			 test_run_reply_to_source_port) ||
	    !CU_add_test(s, "a port already bound", test_run_port_taken)) {
		CU_cleanup_registry();
		return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
