/*
 * agent_test.c - the CAFE agent's self test, D4.3 section 5.4.2 test 1:
 * what Appendix B's test.py does, as an application on a tester node.
 *
 *   usr.stateless.AgentTest <agent-addr> [port] [flows] [refresh=SECONDS]
 *       [collect_after=DURATION] [timeout=DURATION] [start=DURATION]
 *       [chunk=BYTES] [pipeline=0|1] [src=ADDR] [dst=ADDR] [proto=N]
 *       [sport=N] [dport=N] [keys=HEX]
 *
 * Steps, each request answered before the next is sent (test.py's order):
 *   1. connect to the agent (default port 9999);
 *   2. COLLECT_EXPIRED_STREAMS, receive the response (whatever it holds);
 *   3. CONFIGURE_STREAM for `flows` flows (default 10), ids 1..flows, with
 *      test.py's values: filter 1.1.1.1 -> 2.2.2.2, protocol 6, source
 *      port 80, destination port 0, bandwidth 1000, cos "PR", keys
 *      01 02 <id & 0xff>, refresh_time `refresh` (10), AS path 1 2 3;
 *      each must be answered CAFE_SUCCESS;
 *   4. configurations the CAFE must refuse, each answered CAFE_FAILURE
 *      with a reason that says why: stream id 3 again (a duplicate; id 1
 *      with fewer than 3 flows), an empty key list (id flows+1), a bad
 *      source address "1.1.1.300" (id flows+2);
 *   5. `collect_after` later (default refresh + 1 s: every flow has
 *      expired) COLLECT_EXPIRED_STREAMS again, as often as the agent says
 *      more=true: exactly one record for each flow, carrying the values
 *      configured (addresses, ports, protocol, bandwidth, cos, AS path);
 *   6. close, and log the verdict.
 * test.py's loop, range(1, 10), configures 9 flows; D4.3's table says 10,
 * which is the default here.  pipeline=1 sends the flows' requests all at
 * once (one TCP segment holds several messages); chunk=N hands every
 * message to TCP in pieces of N bytes (one message over several segments).
 * An answer that does not come within `timeout` (5 s) ends the test.
 * src, dst, proto, sport, dport and keys replace test.py's filter and key
 * list (the same for every flow), so that a scenario can send traffic the
 * first flow intercepts and read its bytes in the record.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <protobuf-c/protobuf-c.h>

#include "entities/cafe/agent.h"
#include "entities/pbcheck.h"
#include "sim/net.h"
#include "sim/units.h"

#define AT_USAGE	"<agent-addr> [port] [flows] [refresh=SECONDS] [collect_after=DURATION] " \
			"[timeout=DURATION] [start=DURATION] [chunk=BYTES] [pipeline=0|1] " \
			"[src=ADDR] [dst=ADDR] [proto=N] [sport=N] [dport=N] [keys=HEX]"
#define AT_FLOWS_MAX	1000
#define AT_NREFUSE	3

/* test.py's values for every flow. */
#define AT_SRC		"1.1.1.1"
#define AT_DST		"2.2.2.2"
#define AT_PROTO	6
#define AT_SPORT	80
#define AT_DPORT	0
#define AT_BANDWIDTH	1000
#define AT_COS		"PR"
#define AT_BAD_SRC	"1.1.1.300"
static const uint32_t at_as_path[] = { 1, 2, 3 };

static const char *const state_names[] = {
	"IDLE", "CONNECTING", "RUNNING", "WAITING", "DONE", "FAILED",
};

static void at_pump(struct cafe_agent_test *t);

/* ---- the state machine ----
 *
 *   IDLE --start + `start`--> CONNECTING --connected--> RUNNING
 *   RUNNING: requests out, answers in, in order (steps 2-4)
 *   RUNNING --refusals answered--> WAITING --`collect_after`--> RUNNING (step 5)
 *   RUNNING --last record collected--> DONE (close; verdict logged)
 *   CONNECTING, RUNNING --refused, no answer within `timeout`, connection
 *       lost, a response that does not parse--> FAILED (verdict logged)
 */
static void
at_set_state(struct cafe_agent_test *t, enum cafe_agent_test_state st, const char *why)
{
	entity_log(&t->e, LOG_DEBUG, "%s -> %s (%s)", state_names[t->state], state_names[st], why);
	t->state = st;
}

static void
at_verdict(struct cafe_agent_test *t)
{
	uint32_t n = t->flows;

	t->passed = t->finished && t->successes == n && t->failures_expected == AT_NREFUSE &&
		    t->failures_unexpected == 0 && t->records_ok == n && t->records_bad == 0 &&
		    t->malformed_responses == 0;
	entity_log(&t->e, t->passed ? LOG_INFO : LOG_WARN,
		   "self test %s: %" PRIu64 " of %" PRIu32 " CONFIGURE_STREAM answered CAFE_SUCCESS, "
		   "%" PRIu64 " of %d refusals answered CAFE_FAILURE with their reason, %" PRIu64
		   " unexpected answers, %" PRIu64 " of %" PRIu32 " expired-stream records as "
		   "configured (%" PRIu64 " wrong or missing)%s",
		   t->passed ? "PASSED" : "FAILED", t->successes, n, t->failures_expected, AT_NREFUSE,
		   t->failures_unexpected, t->records_ok, n, t->records_bad,
		   t->finished ? "" : "; the test did not finish");
}

static void
at_fail(struct cafe_agent_test *t, const char *why)
{
	sim_timer_cancel(t->e.node->net->sim, &t->timer);
	at_set_state(t, AT_FAILED, why);
	entity_log(&t->e, LOG_WARN, "%s", why);
	at_verdict(t);
	if (t->sock) {
		struct tcp_sock *s = t->sock;

		t->sock = NULL;
		tcp_abort(s);
	}
}

/* ---- requests ---- */

/* Append the request of step st, framed, to out. */
static void
at_request(struct cafe_agent_test *t, const struct cafe_agent_step *st, GByteArray *out)
{
	cafe_agent_req m = COMET__CMECAFE__GENERIC_REQUEST__INIT;
	cafe_agent_cfg c = COMET__CMECAFE__CONFIGURE_STREAM__INIT;
	Comet__Cmecafe__Filter f = COMET__CMECAFE__FILTER__INIT;
	uint8_t key[3] = { 0x01, 0x02, (uint8_t)(st->id & 0xff) };

	m.has_type = 1;
	if (st->kind == AT_STEP_COLLECT_FIRST || st->kind == AT_STEP_COLLECT_LAST) {
		m.type = CAFE_AGENT_COLLECT;
	} else {
		m.type = CAFE_AGENT_CONFIGURE;
		m.configure = &c;
		c.has_id = 1;
		c.id = st->id;
		c.filter = &f;
		f.ip_source = t->src;
		f.ip_destination = t->dst_filter;
		f.has_protocol = f.has_port_source = f.has_port_destination = 1;
		f.protocol = t->f_proto;
		f.port_source = t->f_sport;
		f.port_destination = t->f_dport;
		c.has_bandwidth = 1;
		c.bandwidth = AT_BANDWIDTH;
		c.cos = (char *)AT_COS;
		c.has_key = 1;
		c.key.data = t->nkeys ? t->keys : key;
		c.key.len = t->nkeys ? t->nkeys : sizeof(key);
		c.has_refresh_time = 1;
		c.refresh_time = t->refresh;
		c.n_as_path = sizeof(at_as_path) / sizeof(at_as_path[0]);
		c.as_path = (uint32_t *)at_as_path;
		if (st->kind == AT_STEP_REFUSE && strcmp(st->what, "empty key list") == 0)
			c.key.len = 0;
		if (st->kind == AT_STEP_REFUSE && strcmp(st->what, "bad source address") == 0)
			f.ip_source = (char *)AT_BAD_SRC;
	}
	if (cafe_agent_frame(&m.base, out) < 0)
		abort();	/* a few dozen bytes: cannot happen */
	t->requests++;
}

/* Hand bytes to TCP as test.py does (length, then body) or in chunks. */
static void
at_send(struct cafe_agent_test *t, GByteArray *out, unsigned nmsg)
{
	size_t off = 0;

	if (t->chunk) {
		for (; off < out->len; off += t->chunk)
			tcp_send(t->sock, out->data + off,
				 out->len - off < t->chunk ? out->len - off : t->chunk);
	} else if (nmsg == 1) {
		tcp_send(t->sock, out->data, CAFE_AGENT_FRAME_HDR);
		tcp_send(t->sock, out->data + CAFE_AGENT_FRAME_HDR,
			 out->len - CAFE_AGENT_FRAME_HDR);
	} else {
		tcp_send(t->sock, out->data, out->len);
	}
}

/*
 * Send what may go now: the next step once everything before it is
 * answered, or with pipeline=1 every flow's request at once.  Before the
 * last collect, wait collect_after.  Arms the answer timeout.
 */
static void
at_pump(struct cafe_agent_test *t)
{
	struct sim *sim = t->e.node->net->sim;
	GByteArray *out = g_byte_array_new();
	unsigned nmsg = 0;

	while (t->state == AT_RUNNING && t->next_send < t->nsteps) {
		const struct cafe_agent_step *st = &t->steps[t->next_send];
		bool outstanding = t->next_send > t->next_answer;

		if (outstanding && !(t->pipeline && st->kind == AT_STEP_CONFIGURE &&
				     t->steps[t->next_send - 1].kind == AT_STEP_CONFIGURE))
			break;
		if (st->kind == AT_STEP_COLLECT_LAST && !t->waited) {
			char d[32];

			at_set_state(t, AT_WAITING, "refusals answered");
			entity_log(&t->e, LOG_INFO, "waiting %s s for the flows to expire",
				   sim_time_fmt(t->collect_after, d, sizeof(d)));
			sim_timer_after(sim, &t->timer, t->collect_after);
			break;
		}
		at_request(t, st, out);
		nmsg++;
		t->next_send++;
	}
	if (nmsg)
		at_send(t, out, nmsg);
	g_byte_array_free(out, TRUE);
	if (t->state == AT_RUNNING && t->next_send > t->next_answer)
		sim_timer_after(sim, &t->timer, t->timeout);
}

/* ---- answers ---- */

/* A record's address against the one configured (af 0: "*"). */
static bool
rec_addr_ok(const char *s, const struct addr *want)
{
	struct addr a;

	if (!s)
		return false;
	if (strcmp(s, "*") == 0)
		return want->af == 0;
	return addr_parse(s, &a) == 0 && want->af && addr_eq(&a, want);
}

static bool
rec_ok(const struct cafe_agent_test *t, const cafe_agent_rec *r, char *what, size_t len)
{
	bool path = r->n_as_path == 3;

	for (size_t i = 0; path && i < 3; i++)
		path = r->as_path[i] == at_as_path[i];
	if (!r->has_id || r->id < 1 || r->id > t->flows)
		snprintf(what, len, "not one of the flows");
	else if (t->seen[r->id - 1])
		snprintf(what, len, "a second record of the flow");
	else if (!rec_addr_ok(r->ip_source, &t->src_a) ||
		 !rec_addr_ok(r->ip_destination, &t->dst_a))
		snprintf(what, len, "addresses %s -> %s", r->ip_source ? r->ip_source : "none",
			 r->ip_destination ? r->ip_destination : "none");
	else if (r->protocol != t->f_proto || r->port_source != t->f_sport ||
		 r->port_destination != t->f_dport)
		snprintf(what, len, "protocol %" PRIu32 " ports %" PRIu32 " -> %" PRIu32,
			 r->protocol, r->port_source, r->port_destination);
	else if (r->bandwidth != AT_BANDWIDTH)
		snprintf(what, len, "bandwidth %" PRIu64, r->bandwidth);
	else if (!r->cos || strcmp(r->cos, AT_COS))
		snprintf(what, len, "cos %s", r->cos ? r->cos : "none");
	else if (!path)
		snprintf(what, len, "AS path of %zu ASes", r->n_as_path);
	else
		return true;
	return false;
}

static void
at_log_record(struct cafe_agent_test *t, const cafe_agent_rec *r, const char *verdict)
{
	char path[96] = "";
	size_t used = 0;

	for (size_t i = 0; i < r->n_as_path && used < sizeof(path) - 12; i++)
		used += (size_t)snprintf(path + used, sizeof(path) - used, "%s%" PRIu32,
					 i ? " " : "", r->as_path[i]);
	entity_log(&t->e, verdict ? LOG_WARN : LOG_INFO, "expired stream %" PRIu32 ": %s -> %s "
		   "proto %" PRIu32 " ports %" PRIu32 " -> %" PRIu32 " bandwidth %" PRIu64 " cos %s "
		   "as_path %s, %" PRIu64 " bytes in %" PRIu64 " packets over %" PRIu64 " ns%s%s",
		   r->id, r->ip_source ? r->ip_source : "none",
		   r->ip_destination ? r->ip_destination : "none", r->protocol, r->port_source,
		   r->port_destination, r->bandwidth, r->cos ? r->cos : "none",
		   used ? path : "none", r->transferred_bytes, r->packets, r->duration,
		   verdict ? ": wrong, " : "", verdict ? verdict : "");
}

/* The last collect's response; true when the step is complete. */
static bool
at_last_collect(struct cafe_agent_test *t, const cafe_agent_resp *r)
{
	char what[128];

	for (size_t i = 0; i < r->n_expired_streams; i++) {
		const cafe_agent_rec *x = r->expired_streams[i];

		t->records_collected++;
		if (rec_ok(t, x, what, sizeof(what))) {
			t->seen[x->id - 1] = 1;
			t->records_ok++;
			at_log_record(t, x, NULL);
		} else {
			t->records_bad++;
			at_log_record(t, x, what);
		}
	}
	if (r->has_more && r->more) {
		GByteArray *out = g_byte_array_new();

		/* Collect again, answered as the same step. */
		entity_log(&t->e, LOG_INFO, "the agent has more records: collecting again");
		at_request(t, &t->steps[t->next_answer], out);
		at_send(t, out, 1);
		g_byte_array_free(out, TRUE);
		sim_timer_after(t->e.node->net->sim, &t->timer, t->timeout);
		return false;
	}
	for (uint32_t id = 1; id <= t->flows; id++)
		if (!t->seen[id - 1]) {
			t->records_bad++;
			entity_log(&t->e, LOG_WARN, "stream %" PRIu32 ": no expired-stream record", id);
		}
	return true;
}

/* One response, for step t->next_answer. */
static void
at_answer(struct cafe_agent_test *t, const uint8_t *body, size_t len)
{
	const struct cafe_agent_step *st = &t->steps[t->next_answer];
	cafe_agent_resp *r;
	char why[256];
	bool ok, done = true;
	const char *status;

	r = (cafe_agent_resp *)pb_unpack(&comet__cmecafe__generic_response__descriptor,
						 body, len, why, sizeof(why));
	t->responses++;
	if (!r) {
		char msg[320];

		t->malformed_responses++;
		t->failures_unexpected++;
		snprintf(msg, sizeof(msg), "response %" PRIu64 " (%zu bytes) is not a "
			 "GenericResponse: %s", t->responses, len, why);
		at_fail(t, msg);
		return;
	}
	status = !r->has_status ? "no status" : r->status == CAFE_AGENT_SUCCESS ? "CAFE_SUCCESS" :
		 r->status == CAFE_AGENT_FAILURE ? "CAFE_FAILURE" : "an unknown status";
	switch (st->kind) {
	case AT_STEP_COLLECT_FIRST:
		t->collects++;
		t->records_first += r->n_expired_streams;
		ok = r->has_status && r->status == CAFE_AGENT_SUCCESS;
		entity_log(&t->e, ok ? LOG_INFO : LOG_WARN, "collect streams: %s, %zu expired "
			   "streams%s%s", status, r->n_expired_streams, r->reason ? ": " : "",
			   r->reason ? r->reason : "");
		if (!ok)
			t->failures_unexpected++;
		break;
	case AT_STEP_CONFIGURE:
		ok = r->has_status && r->status == CAFE_AGENT_SUCCESS && r->has_id &&
		     r->id == st->id;
		if (ok)
			t->successes++;
		else
			t->failures_unexpected++;
		entity_log(&t->e, ok ? LOG_INFO : LOG_WARN, "CONFIGURE_STREAM %" PRIu32 ": %s%s%s%s",
			   st->id, status, r->reason ? ": " : "", r->reason ? r->reason : "",
			   ok ? "" : " (expected CAFE_SUCCESS for this stream)");
		break;
	case AT_STEP_REFUSE:
		ok = r->has_status && r->status == CAFE_AGENT_FAILURE && r->reason &&
		     strstr(r->reason, st->want) && r->has_id && r->id == st->id;
		if (ok)
			t->failures_expected++;
		else
			t->failures_unexpected++;
		entity_log(&t->e, ok ? LOG_INFO : LOG_WARN, "CONFIGURE_STREAM %" PRIu32 " with %s: "
			   "%s%s%s%s", st->id, st->what, status, r->reason ? ": " : "",
			   r->reason ? r->reason : "", ok ? ", as expected" :
			   " (expected CAFE_FAILURE saying so)");
		break;
	case AT_STEP_COLLECT_LAST:
		t->collects++;
		if (!r->has_status || r->status != CAFE_AGENT_SUCCESS) {
			t->failures_unexpected++;
			entity_log(&t->e, LOG_WARN, "collect streams: %s%s%s", status,
				   r->reason ? ": " : "", r->reason ? r->reason : "");
			break;
		}
		entity_log(&t->e, LOG_INFO, "collect streams: CAFE_SUCCESS, %zu expired streams%s",
			   r->n_expired_streams, r->has_more && r->more ? " (more waiting)" : "");
		done = at_last_collect(t, r);
		break;
	}
	protobuf_c_message_free_unpacked(&r->base, NULL);
	if (!done)
		return;
	t->next_answer++;
	sim_timer_cancel(t->e.node->net->sim, &t->timer);
	if (t->next_answer == t->nsteps) {
		t->finished = 1;
		at_set_state(t, AT_DONE, "every step answered");
		at_verdict(t);
		tcp_close(t->sock);
		return;
	}
	at_pump(t);
}

/* ---- TCP ---- */

static void
at_connected(struct tcp_sock *sock, void *ctx)
{
	struct cafe_agent_test *t = ctx;

	t->connected++;
	entity_log(&t->e, LOG_INFO, "connected to the agent at %s", t->dst_ep);
	at_set_state(t, AT_RUNNING, "connected");
	at_pump(t);
}

static void
at_recv(struct tcp_sock *sock, void *ctx, const uint8_t *data, size_t len)
{
	struct cafe_agent_test *t = ctx;
	const uint8_t *body;
	size_t blen;

	cafe_agent_framer_push(&t->fr, data, len);
	while (t->state == AT_RUNNING && cafe_agent_framer_next(&t->fr, &body, &blen)) {
		if (t->next_answer >= t->next_send) {
			t->failures_unexpected++;
			at_fail(t, "a response to no request");
			return;
		}
		at_answer(t, body, blen);
	}
}

static void
at_eof(struct tcp_sock *sock, void *ctx)
{
	struct cafe_agent_test *t = ctx;

	if (t->state != AT_DONE)
		entity_log(&t->e, LOG_WARN, "the agent closed the connection");
	tcp_close(sock);
}

static void
at_closed(struct tcp_sock *sock, void *ctx, enum tcp_close_reason why)
{
	struct cafe_agent_test *t = ctx;
	char msg[160];

	if (t->sock != sock)
		return;		/* aborted by at_fail, already reported */
	t->sock = NULL;
	if (t->state == AT_DONE) {
		entity_log(&t->e, LOG_INFO, "connection to %s closed (%s)", t->dst_ep,
			   tcp_close_reason_name(why));
		return;
	}
	snprintf(msg, sizeof(msg), "connection to %s closed (%s) with %" PRIu32 " of %" PRIu32
		 " steps answered", t->dst_ep, tcp_close_reason_name(why), t->next_answer,
		 t->nsteps);
	at_fail(t, msg);
}

static const struct tcp_callbacks at_cb = {
	.connected = at_connected,
	.recv = at_recv,
	.eof = at_eof,
	.closed = at_closed,
};

/* The one timer: start, the end of the wait, or an answer that did not come. */
static void
at_timer(struct sim *sim, void *ctx, void *arg)
{
	struct cafe_agent_test *t = ctx;
	char msg[160], d[32];

	switch (t->state) {
	case AT_IDLE:
		at_set_state(t, AT_CONNECTING, "start");
		t->sock = tcp_connect(t->e.node, &t->dst, t->dport, 0, &at_cb, t);
		if (!t->sock)
			at_fail(t, "cannot connect to the agent: no route or no free port");
		break;
	case AT_WAITING:
		t->waited = true;
		at_set_state(t, AT_RUNNING, "flows expired");
		at_pump(t);
		break;
	case AT_RUNNING:
		snprintf(msg, sizeof(msg), "no answer to step %" PRIu32 " of %" PRIu32 " within %s s",
			 t->next_answer + 1, t->nsteps, sim_time_fmt(t->timeout, d, sizeof(d)));
		at_fail(t, msg);
		break;
	default:
		break;
	}
}

/* ---- the entity ---- */

static int
at_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	static const char *const opt_names[] = {
		"refresh", "collect_after", "timeout", "start", "chunk", "pipeline",
		"src", "dst", "proto", "sport", "dport", "keys",
	};
	enum { O_REFRESH, O_COLLECT, O_TIMEOUT, O_START, O_CHUNK, O_PIPELINE,
	       O_SRC, O_DST, O_PROTO, O_SPORT, O_DPORT, O_KEYS, O_N };
	struct cafe_agent_test *t = (struct cafe_agent_test *)e;
	const char *pos[3] = { NULL }, *opt[O_N] = { NULL };
	int npos = 0;
	uint64_t v;
	char a[ADDR_STRLEN];
	uint32_t i = 0, dup;

	for (int k = 0; k < argc; k++) {
		const char *eq = strchr(argv[k], '=');
		size_t j;

		if (!eq) {
			if (npos == 3) {
				snprintf(err, errlen, "unexpected argument \"%s\" (usage: %s)", argv[k],
					 AT_USAGE);
				return -1;
			}
			pos[npos++] = argv[k];
			continue;
		}
		for (j = 0; j < O_N; j++)
			if (strlen(opt_names[j]) == (size_t)(eq - argv[k]) &&
			    strncmp(argv[k], opt_names[j], (size_t)(eq - argv[k])) == 0)
				break;
		if (j == O_N) {
			snprintf(err, errlen, "unknown option \"%s\" (usage: %s)", argv[k], AT_USAGE);
			return -1;
		}
		if (opt[j]) {
			snprintf(err, errlen, "option \"%s\" given twice", opt_names[j]);
			return -1;
		}
		opt[j] = eq + 1;
	}
	if (npos < 1) {
		snprintf(err, errlen, "missing <agent-addr> (usage: %s)", AT_USAGE);
		return -1;
	}
	if (addr_parse(pos[0], &t->dst) < 0) {
		snprintf(err, errlen, "agent address \"%s\" is not an IPv4 or IPv6 address", pos[0]);
		return -1;
	}
	t->dport = CAFE_AGENT_PORT;
	if (pos[1]) {
		if (units_uint("port", pos[1], 1, 65535, &v, err, errlen) < 0)
			return -1;
		t->dport = (uint16_t)v;
	}
	t->flows = 10;
	if (pos[2]) {
		if (units_uint("flows", pos[2], 1, AT_FLOWS_MAX, &v, err, errlen) < 0)
			return -1;
		t->flows = (uint32_t)v;
	}
	snprintf(t->dst_ep, sizeof(t->dst_ep), t->dst.af == ADDR_V6 ? "[%s]:%u" : "%s:%u",
		 addr_fmt(&t->dst, a), t->dport);
	t->refresh = 10;
	if (opt[O_REFRESH]) {
		sim_time_t d;

		/* A wire field in whole seconds: a bare number is seconds. */
		if (units_duration("refresh", opt[O_REFRESH], UNITS_BARE_S | UNITS_WHOLE_S, SIM_S,
				   86400 * SIM_S, &d, err, errlen) < 0)
			return -1;
		t->refresh = (uint32_t)(d / SIM_S);
	}
	t->collect_after = (sim_time_t)(t->refresh + 1) * SIM_S;
	t->timeout = 5 * SIM_S;
	{
		sim_time_t *dur[] = { &t->collect_after, &t->timeout, &t->start_delay };
		int which[] = { O_COLLECT, O_TIMEOUT, O_START };

		for (int k = 0; k < 3; k++)
			if (opt[which[k]] && units_duration(opt_names[which[k]], opt[which[k]], 0,
							    which[k] == O_TIMEOUT, SIM_TIME_LIMIT,
							    dur[k], err, errlen) < 0)
				return -1;
	}
	if (opt[O_CHUNK]) {
		if (units_size("chunk", opt[O_CHUNK], 1, 65536, &v, err, errlen) < 0)
			return -1;
		t->chunk = (uint32_t)v;
	}
	if (opt[O_PIPELINE]) {
		if (strcmp(opt[O_PIPELINE], "0") && strcmp(opt[O_PIPELINE], "1")) {
			snprintf(err, errlen, "pipeline \"%s\" is neither 0 nor 1", opt[O_PIPELINE]);
			return -1;
		}
		t->pipeline = opt[O_PIPELINE][0] == '1';
	}

	/* The flows' filter and keys: test.py's unless told otherwise. */
	{
		const char *addrs[] = { opt[O_SRC] ? opt[O_SRC] : AT_SRC,
					opt[O_DST] ? opt[O_DST] : AT_DST };
		char *bufs[] = { t->src, t->dst_filter };
		struct addr *pa[] = { &t->src_a, &t->dst_a };
		uint32_t *nums[] = { &t->f_proto, &t->f_sport, &t->f_dport };
		const int nopt[] = { O_PROTO, O_SPORT, O_DPORT };
		const uint64_t nmax[] = { 255, 65535, 65535 };
		const uint32_t ndef[] = { AT_PROTO, AT_SPORT, AT_DPORT };
		int nk;

		for (int k = 0; k < 2; k++) {
			memset(pa[k], 0, sizeof(*pa[k]));
			if (strlen(addrs[k]) >= ADDR_STRLEN ||
			    (strcmp(addrs[k], "*") && addr_parse(addrs[k], pa[k]) < 0)) {
				snprintf(err, errlen, "%s \"%s\" is neither an address nor *",
					 k ? "dst" : "src", addrs[k]);
				return -1;
			}
			snprintf(bufs[k], ADDR_STRLEN, "%s", addrs[k]);
		}
		for (int k = 0; k < 3; k++) {
			*nums[k] = ndef[k];
			if (opt[nopt[k]]) {
				if (units_uint(opt_names[nopt[k]], opt[nopt[k]], 0, nmax[k], &v, err,
					       errlen) < 0)
					return -1;
				*nums[k] = (uint32_t)v;
			}
		}
		if (opt[O_KEYS]) {
			nk = comet_keys_parse(opt[O_KEYS], t->keys, COMET_MAX_KEYS);
			if (nk < 0) {
				snprintf(err, errlen, "keys \"%s\" is not a key list (hex, two "
					 "digits a key)", opt[O_KEYS]);
				return -1;
			}
			t->nkeys = (unsigned)nk;
		}
	}

	/* The plan: collect, the flows, the refusals, collect. */
	t->nsteps = 1 + t->flows + AT_NREFUSE + 1;
	t->steps = calloc(t->nsteps, sizeof(*t->steps));
	t->seen = calloc(t->flows, 1);
	t->steps[i++].kind = AT_STEP_COLLECT_FIRST;
	for (uint32_t id = 1; id <= t->flows; id++)
		t->steps[i++] = (struct cafe_agent_step){ AT_STEP_CONFIGURE, id, NULL, NULL };
	dup = t->flows >= 3 ? 3 : 1;
	t->steps[i++] = (struct cafe_agent_step){ AT_STEP_REFUSE, dup, "duplicate id",
						  "already exists" };
	t->steps[i++] = (struct cafe_agent_step){ AT_STEP_REFUSE, t->flows + 1, "empty key list",
						  "empty key list" };
	t->steps[i++] = (struct cafe_agent_step){ AT_STEP_REFUSE, t->flows + 2,
						  "bad source address", "bad source address" };
	t->steps[i++].kind = AT_STEP_COLLECT_LAST;
	cafe_agent_framer_init(&t->fr);
	sim_timer_init(&t->timer, at_timer, t, NULL);
	return 0;
}

static int
at_check(struct entity *e, const struct entity_scope *sc, char *err, size_t errlen)
{
	struct cafe_agent_test *t = (struct cafe_agent_test *)e;
	char a[ADDR_STRLEN];

	if (!sc->addr_known(sc->ctx, &t->dst)) {
		snprintf(err, errlen, "no node of the scenario has the agent's address %s",
			 addr_fmt(&t->dst, a));
		return -1;
	}
	return 0;
}

static void
at_start(struct entity *e)
{
	struct cafe_agent_test *t = (struct cafe_agent_test *)e;

	if (t->state != AT_IDLE) {
		entity_log(e, LOG_WARN, "the self test runs once: not started again");
		return;
	}
	sim_timer_after(e->node->net->sim, &t->timer, t->start_delay);
}

static void
at_stop(struct entity *e)
{
	struct cafe_agent_test *t = (struct cafe_agent_test *)e;

	sim_timer_cancel(e->node->net->sim, &t->timer);
	if (t->state == AT_CONNECTING || t->state == AT_RUNNING || t->state == AT_WAITING)
		at_fail(t, "stopped before the end of the test");
	else if (t->sock) {
		struct tcp_sock *s = t->sock;

		t->sock = NULL;
		tcp_abort(s);
	}
}

static void
at_stats(struct entity *e, entity_stat_fn fn, void *ctx)
{
	struct cafe_agent_test *t = (struct cafe_agent_test *)e;

	fn(ctx, "flows", t->flows);
	fn(ctx, "connected", t->connected);
	fn(ctx, "requests", t->requests);
	fn(ctx, "responses", t->responses);
	fn(ctx, "successes", t->successes);
	fn(ctx, "failures_expected", t->failures_expected);
	fn(ctx, "failures_unexpected", t->failures_unexpected);
	fn(ctx, "records_first", t->records_first);
	fn(ctx, "collects", t->collects);
	fn(ctx, "records_collected", t->records_collected);
	fn(ctx, "records_ok", t->records_ok);
	fn(ctx, "records_bad", t->records_bad);
	fn(ctx, "malformed_responses", t->malformed_responses);
	fn(ctx, "finished", t->finished);
	fn(ctx, "passed", t->passed);
}

static void
at_dump(struct entity *e, FILE *out)
{
	struct cafe_agent_test *t = (struct cafe_agent_test *)e;

	fprintf(out, "%s: agent %s flows %" PRIu32 " state %s steps %" PRIu32 "/%" PRIu32
		" successes %" PRIu64 " failures_expected %" PRIu64 " failures_unexpected %"
		PRIu64 " records_ok %" PRIu64 " passed %" PRIu64 "\n", e->inst, t->dst_ep, t->flows,
		state_names[t->state], t->next_answer, t->nsteps, t->successes,
		t->failures_expected, t->failures_unexpected, t->records_ok, t->passed);
}

static void
at_fini(struct entity *e)
{
	struct cafe_agent_test *t = (struct cafe_agent_test *)e;

	cafe_agent_framer_fini(&t->fr);
	free(t->steps);
	free(t->seen);
	t->steps = NULL;
	t->seen = NULL;
}

static const char *const at_aliases[] = { "agent_test", NULL };

const struct entity_class cafe_agent_test_class = {
	.name      = "usr.stateless.AgentTest",
	.aliases   = at_aliases,
	.kind      = "agent_test",
	.usage     = AT_USAGE,
	.inst_size = sizeof(struct cafe_agent_test),
	.init      = at_init,	/* agent address, port, flows, options; the plan */
	.check     = at_check,	/* the agent's address belongs to a node */
	.start     = at_start,	/* arm the connection */
	.stop      = at_stop,	/* abort a test still running */
	.stats     = at_stats,
	.dump      = at_dump,
	.fini      = at_fini,
};
