/*
 * content.c - usr.cme.Client and usr.cme.Server: a content client that
 * asks the CME for a content and fetches it from the server the CME
 * chose, and a server of named contents.
 *
 *   usr.cme.Client <cme-address> <content> [cme_port=9091] [cos=N]
 *       [bandwidth=BPS] [port=P] [timeout=DURATION] [retries=N]
 *       [server=ADDR:PORT size=N]
 *   usr.cme.Server <port> <name>=<size> [<name>=<size> ...]
 *
 * The client sends a ContentRequest (cmeclient.proto) to the CME's
 * client port from an ephemeral UDP port, sends it again after every
 * `timeout` without an answer, `retries` times at most, then gives up.
 * On ACCEPTED it connects from its `port` (the one it told the CME, so
 * that the edge CAFE's filter matches the stream) to the server the
 * reply names, sends "GET <content>\n" and counts what comes until the
 * server closes.  server= and size= skip the CME and fetch directly.
 *
 * The server listens on its port and answers each connection's request
 * line with the content (byte i is cme_content_byte(i)) or an "ERR"
 * line, then closes.  Both are described in doc/content-apps.md; the CME
 * side of the interface is entities/cme/cme.c.  Each client keeps its
 * record of requests.csv (entities/requests.h) up to date.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <protobuf-c/protobuf-c.h>

#include "entities/apps/apps.h"
#include "entities/cme/cmeclient.pb-c.h"
#include "entities/cme/content.h"
#include "entities/requests.h"
#include "sim/net.h"
#include "sim/tcp.h"
#include "sim/units.h"

#define CC_USAGE	"<cme-address> <content> [cme_port=9091] [cos=N] [bandwidth=BPS] " \
			"[port=P] [timeout=DURATION] [retries=N] [server=ADDR:PORT size=N]"
#define CS_USAGE	"<port> <name>=<size> [<name>=<size> ...]"

#define CC_SEQUENCE		1	/* of the one request a client makes */
#define CC_PROTOCOL		6	/* the transfer runs over TCP */
#define CC_DEFAULT_COS		1
#define CC_DEFAULT_PORT		5001
#define CC_DEFAULT_TIMEOUT	SIM_S
#define CC_DEFAULT_RETRIES	3
#define CC_RETRIES_MAX		100
#define CC_HEAD			64	/* first bytes kept, to quote an ERR line */
#define CONTENT_NAME_MAX	(CME_GET_LINE_MAX - 4)	/* "GET " + name fits the line */
#define CONTENT_SIZE_MAX	1000000000000000ull	/* 10^15 bytes */

#define CS_CONTENTS_MAX		1024
#define CS_PIECE		65536	/* bytes per tcp_send call */
#define CS_AHEAD		(4 * CS_PIECE)	/* most bytes left unacknowledged */
#define CS_REFILL		SIM_MS	/* how often the send queue is topped up */

typedef Comet__Cmeclient__ContentRequest cc_request;
typedef Comet__Cmeclient__ContentReply cc_reply;

/* ---- shared parsers ---- */

/* A port number 1..65535; err may be NULL (errlen 0) for no message. */
static int
parse_port(const char *what, const char *s, uint16_t *port, char *err, size_t errlen)
{
	uint64_t v;

	if (units_uint(what, s, 1, 65535, &v, err, errlen) < 0)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* A content name: printable, no space and no '=', 1..CONTENT_NAME_MAX bytes. */
static bool
name_ok(const char *s, size_t len)
{
	if (len == 0 || len > CONTENT_NAME_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] > '~' || s[i] == '=')
			return false;
	return true;
}

/* "addr:port" or "[addr]:port" into buf. */
static void
fmt_ep(const struct addr *a, uint16_t port, char *buf, size_t len)
{
	char s[ADDR_STRLEN];

	snprintf(buf, len, a->af == ADDR_V6 ? "[%s]:%u" : "%s:%u", addr_fmt(a, s), port);
}

/* "ADDR:PORT" (IPv4) or "[ADDR]:PORT" (IPv6).  0 or -1. */
static int
parse_ep(const char *s, struct addr *a, uint16_t *port)
{
	char host[ADDR_STRLEN];
	const char *colon, *h = s;
	size_t hlen;

	if (*s == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			return -1;
		h = s + 1;
		hlen = (size_t)(close - h);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon)
			return -1;
		hlen = (size_t)(colon - s);
	}
	if (hlen == 0 || hlen >= sizeof(host))
		return -1;
	memcpy(host, h, hlen);
	host[hlen] = '\0';
	if (addr_parse(host, a) < 0 || (*s != '[' && a->af != ADDR_V4))
		return -1;
	return parse_port(NULL, colon + 1, port, NULL, 0);
}

/* ---- usr.cme.Client ---- */

/*
 *   IDLE --start--> ASKING --ACCEPTED--> FETCHING --closed--> DONE
 *   IDLE --start, server=--> FETCHING
 *   ASKING --timeout, resends left--> ASKING (the same request again)
 *   ASKING --timeout, none left; REFUSED--> DONE
 *   any --stop--> DONE
 */
enum cc_state { CC_IDLE = 0, CC_ASKING, CC_FETCHING, CC_DONE };

static const char *const cc_state_names[] = { "IDLE", "ASKING", "FETCHING", "DONE" };

struct cc {
	struct entity e;
	/* arguments */
	struct addr cme;
	uint16_t cme_port;
	char *content;
	uint32_t cos;
	uint64_t bandwidth;
	uint16_t port;		/* local TCP port of the transfer, told to the CME */
	sim_time_t timeout;	/* between two requests */
	uint32_t retries;	/* resends after the first request */
	bool direct;		/* server= given: no CME */
	char cme_ep[ADDR_STRLEN + 8];
	/* run */
	enum cc_state state;
	struct udp_sock *udp;
	struct tcp_sock *tcp;	/* NULL once closed */
	struct sim_timer timer;
	struct addr server;	/* from server= or the reply */
	uint16_t server_port;
	char server_ep[ADDR_STRLEN + 8];
	sim_time_t t_start;	/* the start: the first request, or the connection of server= */
	sim_time_t t_request;	/* first request sent */
	sim_time_t t_connect;	/* first SYN */
	sim_time_t t_last_byte;	/* when the last bytes came */
	bool eof;		/* the server closed its side */
	uint8_t head[CC_HEAD];	/* first bytes received */
	struct request_rec *rec;	/* its row of requests.csv, from the start */
	/* statistics */
	uint64_t requests_sent, replies, accepted, refused, no_answer, malformed_replies;
	uint64_t send_errors;	/* requests the stack refused (no route) */
	uint64_t bytes_received, expected_bytes, complete, content_errors;
	uint64_t request_to_reply_ns, transfer_ns;
	uint64_t server_as, stream_id;
	uint64_t first_byte_ns, completion_ns;	/* from the start; 0: none */
};

static void
cc_set_state(struct cc *c, enum cc_state st, const char *why)
{
	entity_log(&c->e, LOG_DEBUG, "%s -> %s (%s)", cc_state_names[c->state],
		   cc_state_names[st], why);
	c->state = st;
}

static void
cc_send_request(struct cc *c)
{
	cc_request m = COMET__CMECLIENT__CONTENT_REQUEST__INIT;
	size_t len;
	uint8_t *buf;
	int rc;

	m.has_sequence = m.has_cos = m.has_bandwidth = m.has_port = m.has_protocol = 1;
	m.sequence = CC_SEQUENCE;
	m.content = c->content;
	m.cos = c->cos;
	m.bandwidth = c->bandwidth;
	m.port = c->port;
	m.protocol = CC_PROTOCOL;
	len = comet__cmeclient__content_request__get_packed_size(&m);
	buf = g_malloc(len ? len : 1);
	comet__cmeclient__content_request__pack(&m, buf);
	rc = udp_sendto_buf(c->udp, &c->cme, c->cme_port, buf, len);
	g_free(buf);
	c->requests_sent++;
	if (rc < 0) {
		c->send_errors++;
		entity_log(&c->e, LOG_WARN, "request %" PRIu64 " to the CME %s could not be sent "
			   "(no route)", c->requests_sent, c->cme_ep);
	} else {
		entity_log(&c->e, LOG_DEBUG, "request %" PRIu64 " sent to the CME %s: content %s "
			   "cos %" PRIu32 " bandwidth %" PRIu64 " port %u (%zu bytes)",
			   c->requests_sent, c->cme_ep, c->content, c->cos, c->bandwidth, c->port,
			   len);
	}
	sim_timer_after(c->e.node->net->sim, &c->timer, c->timeout);
}

/*
 * The transfer is over: its outcome in the record.  An ERR line from the
 * server is no content: no bytes, no first byte; "ERR unknown content"
 * is REQ_NOT_FOUND.
 */
static void
cc_record_end(struct cc *c, bool err_line)
{
	struct request_rec *r = c->rec;
	static const char unknown[] = "ERR unknown content ";

	if (c->complete) {
		struct sim *sim = c->e.node->net->sim;
		sim_time_t last = c->bytes_received ? c->t_last_byte : sim_now(sim);

		c->completion_ns = (uint64_t)(last - c->t_start);
		r->completion = last - c->t_start;
		r->outcome = REQ_COMPLETE;
		return;
	}
	r->outcome = REQ_INCOMPLETE;
	if (!err_line)
		return;
	r->bytes = 0;
	r->first_byte = -1;
	c->first_byte_ns = 0;
	if (c->bytes_received >= sizeof(unknown) - 1 &&
	    memcmp(c->head, unknown, sizeof(unknown) - 1) == 0)
		r->outcome = REQ_NOT_FOUND;
}

/* The transfer is over, one way or another: log the outcome once. */
static void
cc_finish(struct cc *c, enum tcp_close_reason why)
{
	struct sim *sim = c->e.node->net->sim;
	char t[32], err[CC_HEAD + 32] = "";
	size_t n = c->bytes_received < CC_HEAD ? (size_t)c->bytes_received : CC_HEAD;

	if (!c->eof)
		c->transfer_ns = (uint64_t)(sim_now(sim) - c->t_connect);
	c->complete = c->eof && c->bytes_received == c->expected_bytes;
	if (!c->complete && n > 4 && memcmp(c->head, "ERR ", 4) == 0) {
		size_t k = 0;

		while (k < n && c->head[k] != '\n' && c->head[k] >= ' ' && c->head[k] <= '~')
			k++;
		snprintf(err, sizeof(err), "; the server said \"%.*s\"", (int)k,
			 (const char *)c->head);
	}
	cc_set_state(c, CC_DONE, "transfer over");
	cc_record_end(c, err[0] != '\0');
	entity_log(&c->e, c->complete && !c->content_errors ? LOG_INFO : LOG_WARN,
		   "received %" PRIu64 " bytes of %" PRIu64 " in %s s from %s: %s (connection "
		   "closed: %s), %" PRIu64 " bytes differ from the content%s", c->bytes_received,
		   c->expected_bytes, sim_time_fmt((sim_time_t)c->transfer_ns, t, sizeof(t)),
		   c->server_ep, c->complete ? "complete" : "incomplete",
		   tcp_close_reason_name(why), c->content_errors, err);
}

static void
cc_connected(struct tcp_sock *sock, void *ctx)
{
	struct cc *c = ctx;
	char line[CME_GET_LINE_MAX + 2];
	int n = snprintf(line, sizeof(line), "GET %s\n", c->content);

	entity_log(&c->e, LOG_DEBUG, "connected to %s, sending GET %s", c->server_ep, c->content);
	tcp_send(sock, line, (size_t)n);
}

static void
cc_recv(struct tcp_sock *sock, void *ctx, const uint8_t *data, size_t len)
{
	struct cc *c = ctx;
	sim_time_t now = sim_now(c->e.node->net->sim);

	if (!len)
		return;
	if (c->bytes_received == 0) {
		entity_log(&c->e, LOG_DEBUG, "first bytes from %s", c->server_ep);
		c->first_byte_ns = (uint64_t)(now - c->t_start);
		requests_first_byte(c->rec, now);
	}
	c->t_last_byte = now;
	for (size_t i = 0; i < len; i++) {
		uint64_t off = c->bytes_received + i;

		if (off < CC_HEAD)
			c->head[off] = data[i];
		if (data[i] != cme_content_byte(off))
			c->content_errors++;
	}
	c->bytes_received += len;
	c->rec->bytes = c->bytes_received;
}

static void
cc_eof(struct tcp_sock *sock, void *ctx)
{
	struct cc *c = ctx;

	c->eof = true;
	c->transfer_ns = (uint64_t)(sim_now(c->e.node->net->sim) - c->t_connect);
	entity_log(&c->e, LOG_DEBUG, "the server closed after %" PRIu64 " bytes",
		   c->bytes_received);
	tcp_close(sock);
}

static void
cc_closed(struct tcp_sock *sock, void *ctx, enum tcp_close_reason why)
{
	struct cc *c = ctx;

	c->tcp = NULL;
	entity_log(&c->e, LOG_DEBUG, "connection to %s closed (%s)", c->server_ep,
		   tcp_close_reason_name(why));
	cc_finish(c, why);
}

static const struct tcp_callbacks cc_tcp_cb = {
	.connected = cc_connected,
	.recv = cc_recv,
	.eof = cc_eof,
	.closed = cc_closed,
};

static void
cc_fetch(struct cc *c)
{
	cc_set_state(c, CC_FETCHING, c->direct ? "server= given" : "accepted");
	c->t_connect = sim_now(c->e.node->net->sim);
	c->tcp = tcp_connect(c->e.node, &c->server, c->server_port, c->port, &cc_tcp_cb, c);
	if (!c->tcp) {
		entity_log(&c->e, LOG_ERROR, "cannot connect from port %u to %s: no route, or "
			   "the port is taken", c->port, c->server_ep);
		c->rec->outcome = REQ_ERROR;
		cc_set_state(c, CC_DONE, "no connection");
		return;
	}
	entity_log(&c->e, LOG_DEBUG, "connecting from port %u to %s", c->port, c->server_ep);
}

/* keys as hex, the AS path as "a b c", into the buffers. */
static void
cc_fmt_reply(const cc_reply *r, char *keys, size_t klen, char *path, size_t plen)
{
	size_t used = 0;

	keys[0] = '\0';
	for (size_t i = 0; r->has_keys && i < r->keys.len && used + 3 <= klen; i++)
		used += (size_t)snprintf(keys + used, klen - used, "%02x", r->keys.data[i]);
	if (!keys[0])
		snprintf(keys, klen, "none");
	used = 0;
	path[0] = '\0';
	for (size_t i = 0; i < r->n_as_path && used + 12 <= plen; i++)
		used += (size_t)snprintf(path + used, plen - used, "%s%" PRIu32, i ? " " : "",
					 r->as_path[i]);
	if (!path[0])
		snprintf(path, plen, "none");
}

/* An ACCEPTED reply: where to fetch from.  false if it names no usable server. */
static bool
cc_accept(struct cc *c, const cc_reply *r)
{
	struct sim *sim = c->e.node->net->sim;
	char keys[2 * 255 + 1], path[256];

	if (!r->server || addr_parse(r->server, &c->server) < 0 || !r->has_server_port ||
	    r->server_port == 0 || r->server_port > 65535) {
		c->malformed_replies++;
		entity_log(&c->e, LOG_WARN, "a reply ACCEPTED names no usable server (%s port %"
			   PRIu32 "): ignored", r->server ? r->server : "none",
			   r->has_server_port ? r->server_port : 0);
		return false;
	}
	c->server_port = (uint16_t)r->server_port;
	fmt_ep(&c->server, c->server_port, c->server_ep, sizeof(c->server_ep));
	c->accepted++;
	c->request_to_reply_ns = (uint64_t)(sim_now(sim) - c->t_request);
	c->expected_bytes = r->has_size ? r->size : 0;
	c->stream_id = r->has_stream_id ? r->stream_id : 0;
	c->server_as = r->has_server_as ? r->server_as : 0;
	sim_timer_cancel(sim, &c->timer);
	snprintf(c->rec->server, sizeof(c->rec->server), "%s", c->server_ep);
	c->rec->size = c->expected_bytes;
	c->rec->size_known = true;
	requests_set_path(c->rec, r->has_server_as, r->server_as, r->as_path, r->n_as_path);
	cc_fmt_reply(r, keys, sizeof(keys), path, sizeof(path));
	entity_log(&c->e, LOG_INFO, "accepted: server %s (AS %" PRIu64 "), %" PRIu64 " bytes, "
		   "stream %" PRIu64 ", AS path %s, keys %s, score %g", c->server_ep, c->server_as,
		   c->expected_bytes, c->stream_id, path, keys, r->has_score ? r->score : 0.0);
	return true;
}

/*
 * A datagram on the client's UDP port:
 *  1. one that is not from the CME, does not decode as a ContentReply,
 *     or carries another sequence is counted in malformed_replies and
 *     ignored;
 *  2. once the CME has answered, further replies (to a resent request)
 *     are counted and ignored;
 *  3. REFUSED ends the client; ACCEPTED with a usable server starts the
 *     transfer (a reply without status is ACCEPTED, the field's default).
 */
static void
cc_udp_input(struct udp_sock *s, void *ctx, struct pkt *p, const struct addr *src,
	     uint16_t sport, const struct addr *dst, uint16_t dport)
{
	struct cc *c = ctx;
	cc_reply *r;
	char from[ADDR_STRLEN + 8];

	if (!c->e.running)
		return;
	fmt_ep(src, sport, from, sizeof(from));
	if (!addr_eq(src, &c->cme) || sport != c->cme_port) {
		c->malformed_replies++;
		entity_log(&c->e, LOG_DEBUG, "datagram from %s, not the CME: ignored", from);
		return;
	}
	r = comet__cmeclient__content_reply__unpack(NULL, p->len, p->data);
	if (!r || !r->has_sequence || r->sequence != CC_SEQUENCE) {
		c->malformed_replies++;
		if (r)
			entity_log(&c->e, LOG_DEBUG, "reply with sequence %s%" PRIu64 " from %s: "
				   "ignored", r->has_sequence ? "" : "(none) ", r->sequence, from);
		else
			entity_log(&c->e, LOG_DEBUG, "%zu bytes from %s are not a ContentReply: "
				   "ignored", (size_t)p->len, from);
		if (r)
			comet__cmeclient__content_reply__free_unpacked(r, NULL);
		return;
	}
	c->replies++;
	if (c->state != CC_ASKING) {
		entity_log(&c->e, LOG_DEBUG, "a further reply from %s: ignored", from);
	} else if (r->has_status && r->status == COMET__CMECLIENT__CONTENT_REPLY__STATUS__REFUSED) {
		struct sim *sim = c->e.node->net->sim;

		c->refused++;
		c->request_to_reply_ns = (uint64_t)(sim_now(sim) - c->t_request);
		sim_timer_cancel(sim, &c->timer);
		entity_log(&c->e, LOG_WARN, "refused: %s", r->reason ? r->reason : "no reason given");
		c->rec->outcome = REQ_REFUSED;
		cc_set_state(c, CC_DONE, "refused");
	} else if (r->has_status && r->status != COMET__CMECLIENT__CONTENT_REPLY__STATUS__ACCEPTED) {
		c->malformed_replies++;
		entity_log(&c->e, LOG_WARN, "a reply with the unknown status %d: ignored",
			   (int)r->status);
	} else if (cc_accept(c, r)) {
		cc_fetch(c);
	}
	comet__cmeclient__content_reply__free_unpacked(r, NULL);
}

/* No reply within `timeout`: ask again, or give up. */
static void
cc_timer(struct sim *sim, void *ctx, void *arg)
{
	struct cc *c = ctx;

	if (c->state != CC_ASKING)
		return;
	if (c->requests_sent <= c->retries) {
		entity_log(&c->e, LOG_DEBUG, "no reply within the timeout: asking again");
		cc_send_request(c);
		return;
	}
	c->no_answer = 1;
	c->rec->outcome = REQ_NO_ANSWER;
	entity_log(&c->e, LOG_WARN, "no answer from the CME %s after %" PRIu64 " requests",
		   c->cme_ep, c->requests_sent);
	cc_set_state(c, CC_DONE, "no answer");
}

static int
cc_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	static const char *const opt_names[] = {
		"cme_port", "cos", "bandwidth", "port", "timeout", "retries", "server", "size",
	};
	enum { O_CME_PORT, O_COS, O_BW, O_PORT, O_TIMEOUT, O_RETRIES, O_SERVER, O_SIZE, O_N };
	struct cc *c = (struct cc *)e;
	static const char *const pos_names[] = { "<cme-address>", "<content>" };
	const char *pos[2], *opt[O_N];
	uint64_t v;

	if (app_args_split(argc, argv, CC_USAGE, pos_names, 2, pos, opt_names, O_N, opt, err,
			   errlen) < 0)
		return -1;
	c->direct = opt[O_SERVER] != NULL;
	if (c->direct) {
		if (strcmp(pos[0], "-") != 0)
			return entity_err(err, errlen, "server= fetches without the CME: write - as "
					  "<cme-address>, not \"%s\"", pos[0]);
		if (parse_ep(opt[O_SERVER], &c->server, &c->server_port) < 0)
			return entity_err(err, errlen, "server \"%s\" is not ADDR:PORT (IPv6: "
					  "[ADDR]:PORT, port 1..65535)", opt[O_SERVER]);
		if (!opt[O_SIZE])
			return entity_err(err, errlen, "server= needs size=N, the bytes to expect");
		if (units_size("size", opt[O_SIZE], 0, CONTENT_SIZE_MAX, &c->expected_bytes, err,
			       errlen) < 0)
			return -1;
		fmt_ep(&c->server, c->server_port, c->server_ep, sizeof(c->server_ep));
		snprintf(c->cme_ep, sizeof(c->cme_ep), "-");
	} else {
		if (opt[O_SIZE])
			return entity_err(err, errlen, "size= goes with server= only: the CME's reply "
					  "gives the size");
		if (addr_parse(pos[0], &c->cme) < 0)
			return entity_err(err, errlen, "CME address \"%s\" is not an IPv4 or IPv6 "
					  "address", pos[0]);
	}
	if (!name_ok(pos[1], strlen(pos[1])))
		return entity_err(err, errlen, "content \"%s\" is not a content name (1..%d "
				  "printable characters, no space, no '=')", pos[1], CONTENT_NAME_MAX);
	c->cme_port = CME_CLIENT_PORT;
	if (opt[O_CME_PORT] && parse_port("cme_port", opt[O_CME_PORT], &c->cme_port, err,
					  errlen) < 0)
		return -1;
	if (!c->direct)
		fmt_ep(&c->cme, c->cme_port, c->cme_ep, sizeof(c->cme_ep));
	c->cos = CC_DEFAULT_COS;
	if (opt[O_COS]) {
		if (units_uint("cos", opt[O_COS], 0, UINT32_MAX, &v, err, errlen) < 0)
			return -1;
		c->cos = (uint32_t)v;
	}
	if (opt[O_BW] && units_rate("bandwidth", opt[O_BW], 0, UINT64_MAX, &c->bandwidth, err,
				    errlen) < 0)
		return -1;
	c->port = CC_DEFAULT_PORT;
	if (opt[O_PORT] && parse_port("port", opt[O_PORT], &c->port, err, errlen) < 0)
		return -1;
	c->timeout = CC_DEFAULT_TIMEOUT;
	if (opt[O_TIMEOUT] && units_duration("timeout", opt[O_TIMEOUT], 0, 1, SIM_TIME_LIMIT,
					     &c->timeout, err, errlen) < 0)
		return -1;
	c->retries = CC_DEFAULT_RETRIES;
	if (opt[O_RETRIES]) {
		if (units_uint("retries", opt[O_RETRIES], 0, CC_RETRIES_MAX, &v, err, errlen) < 0)
			return -1;
		c->retries = (uint32_t)v;
	}
	c->content = g_strdup(pos[1]);
	sim_timer_init(&c->timer, cc_timer, c, NULL);
	return 0;
}

static int
cc_check(struct entity *e, const struct entity_scope *sc, char *err, size_t errlen)
{
	struct cc *c = (struct cc *)e;
	char a[ADDR_STRLEN];

	if (c->direct && !sc->addr_known(sc->ctx, &c->server))
		return entity_err(err, errlen, "no node of the scenario has the server's address %s",
				  addr_fmt(&c->server, a));
	if (!c->direct && !sc->addr_known(sc->ctx, &c->cme))
		return entity_err(err, errlen, "no node of the scenario has the CME's address %s",
				  addr_fmt(&c->cme, a));
	return 0;
}

static void
cc_start(struct entity *e)
{
	struct cc *c = (struct cc *)e;

	if (c->state != CC_IDLE) {
		entity_log(e, LOG_WARN, "a client fetches once: not started again");
		return;
	}
	c->t_start = sim_now(e->node->net->sim);
	c->rec = requests_add(e, c->port, c->content, REQ_DECOUPLED);
	if (c->direct) {
		snprintf(c->rec->server, sizeof(c->rec->server), "%s", c->server_ep);
		c->rec->size = c->expected_bytes;
		c->rec->size_known = true;
		entity_log(e, LOG_INFO, "fetching %s directly from %s, %" PRIu64 " bytes expected",
			   c->content, c->server_ep, c->expected_bytes);
		cc_fetch(c);
		return;
	}
	c->udp = udp_open(e->node, 0, cc_udp_input, c);
	if (!c->udp) {
		entity_log(e, LOG_ERROR, "no free UDP port for the request");
		c->rec->outcome = REQ_ERROR;
		cc_set_state(c, CC_DONE, "no UDP port");
		return;
	}
	entity_log(e, LOG_INFO, "asking the CME %s for %s (cos %" PRIu32 ", bandwidth %" PRIu64
		   ", port %u)", c->cme_ep, c->content, c->cos, c->bandwidth, c->port);
	cc_set_state(c, CC_ASKING, "start");
	c->t_request = sim_now(e->node->net->sim);
	cc_send_request(c);
}

/* The run ends or the node stops: give the sockets back. */
static void
cc_stop(struct entity *e)
{
	struct cc *c = (struct cc *)e;

	sim_timer_cancel(e->node->net->sim, &c->timer);
	if (c->state == CC_ASKING) {
		entity_log(e, LOG_WARN, "stopped after %" PRIu64 " requests without an answer",
			   c->requests_sent);
		c->rec->outcome = REQ_STOPPED;
		cc_set_state(c, CC_DONE, "stopped");
	}
	if (c->tcp) {
		struct tcp_sock *s = c->tcp;

		/* cc_closed reports the transfer as aborted. */
		tcp_abort(s);
		c->tcp = NULL;
	}
	if (c->udp) {
		udp_close(c->udp);
		c->udp = NULL;
	}
}

static void
cc_stats(struct entity *e, entity_stat_fn fn, void *ctx)
{
	struct cc *c = (struct cc *)e;

	fn(ctx, "requests_sent", c->requests_sent);
	fn(ctx, "send_errors", c->send_errors);
	fn(ctx, "replies", c->replies);
	fn(ctx, "accepted", c->accepted);
	fn(ctx, "refused", c->refused);
	fn(ctx, "no_answer", c->no_answer);
	fn(ctx, "malformed_replies", c->malformed_replies);
	fn(ctx, "bytes_received", c->bytes_received);
	fn(ctx, "expected_bytes", c->expected_bytes);
	fn(ctx, "complete", c->complete);
	fn(ctx, "content_errors", c->content_errors);
	fn(ctx, "request_to_reply_ns", c->request_to_reply_ns);
	fn(ctx, "transfer_ns", c->transfer_ns);
	fn(ctx, "server_as", c->server_as);
	fn(ctx, "stream_id", c->stream_id);
	fn(ctx, "first_byte_ns", c->first_byte_ns);
	fn(ctx, "completion_ns", c->completion_ns);
}

static void
cc_dump(struct entity *e, FILE *out)
{
	struct cc *c = (struct cc *)e;

	fprintf(out, "%s: cme %s content %s state %s requests %" PRIu64 " replies %" PRIu64
		" server %s received %" PRIu64 "/%" PRIu64 " complete %" PRIu64 "\n", e->inst,
		c->cme_ep, c->content, cc_state_names[c->state], c->requests_sent, c->replies,
		c->server_ep[0] ? c->server_ep : "none", c->bytes_received, c->expected_bytes,
		c->complete);
}

static void
cc_fini(struct entity *e)
{
	struct cc *c = (struct cc *)e;

	g_free(c->content);
	c->content = NULL;
}

static const char *const cc_aliases[] = { "cme_client", NULL };

const struct entity_class cme_content_client_class = {
	.name      = "usr.cme.Client",
	.aliases   = cc_aliases,
	.kind      = "cme_client",
	.usage     = CC_USAGE,
	.inst_size = sizeof(struct cc),
	.init      = cc_init,	/* CME address, content, options */
	.check     = cc_check,	/* the CME's (or server's) address belongs to a node */
	.start     = cc_start,	/* ask the CME, or fetch directly */
	.stop      = cc_stop,	/* abort a transfer, close the UDP socket */
	.stats     = cc_stats,
	.dump      = cc_dump,
	.fini      = cc_fini,
};

/* ---- usr.cme.Server ---- */

struct cs_content {
	char *name;
	uint64_t size;
};

struct cs;

/* One connection: its request line, then the content going out. */
struct cs_conn {
	struct cs *s;
	struct tcp_sock *sock;
	char peer[ADDR_STRLEN + 8];
	char line[CME_GET_LINE_MAX + 1];
	size_t nline;
	bool answered;		/* the request line has been dealt with */
	const struct cs_content *ct;	/* being sent, or NULL */
	uint64_t off;		/* bytes of it queued */
	struct sim_timer refill;
};

struct cs {
	struct entity e;
	/* arguments */
	uint16_t port;
	struct cs_content *contents;
	size_t ncontents;
	/* run */
	struct tcp_sock *listener;
	GPtrArray *conns;	/* struct cs_conn *, accept order */
	/* statistics */
	uint64_t connections, requests, served, unknown, bad_requests, bytes_queued;
};

/*
 * Queue the next pieces of the content while fewer than CS_AHEAD bytes
 * wait for their acknowledgement, so that a large content never sits
 * whole in the send buffer; look again CS_REFILL later while bytes
 * remain, and close after the last.
 */
static void
cs_fill(struct cs_conn *k)
{
	struct sim *sim = k->s->e.node->net->sim;
	uint8_t buf[CS_PIECE];

	while (k->off < k->ct->size && tcp_unacked(k->sock) < CS_AHEAD) {
		uint64_t n = k->ct->size - k->off < CS_PIECE ? k->ct->size - k->off : CS_PIECE;

		for (uint64_t i = 0; i < n; i++)
			buf[i] = cme_content_byte(k->off + i);
		if (tcp_send(k->sock, buf, (size_t)n) < 0)
			return;
		k->off += n;
		k->s->bytes_queued += n;
	}
	if (k->off < k->ct->size) {
		sim_timer_after(sim, &k->refill, CS_REFILL);
		return;
	}
	entity_log(&k->s->e, LOG_DEBUG, "%s: all %" PRIu64 " bytes of %s queued, closing",
		   k->peer, k->ct->size, k->ct->name);
	tcp_close(k->sock);
}

static void
cs_refill(struct sim *sim, void *ctx, void *arg)
{
	cs_fill(ctx);
}

/* Answer with one ERR line and close. */
static void
cs_refuse(struct cs_conn *k, const char *fmt, const char *arg)
{
	char msg[CME_GET_LINE_MAX + 64];
	int n = snprintf(msg, sizeof(msg), fmt, arg);

	if (n < 0 || (size_t)n >= sizeof(msg))
		n = (int)sizeof(msg) - 1;
	entity_log(&k->s->e, LOG_WARN, "%s: %.*s", k->peer, n - 1, msg);
	tcp_send(k->sock, msg, (size_t)n);
	tcp_close(k->sock);
}

/*
 * The request line (without "\n", and a "\r" before it):
 *  1. "GET <name>" with a name the server holds: send the content;
 *  2. "GET <name>" with another name: "ERR unknown content <name>";
 *  3. anything else: "ERR bad request".
 */
static void
cs_request(struct cs_conn *k)
{
	struct cs *s = k->s;
	const char *name;

	k->answered = true;
	s->requests++;
	if (k->nline && k->line[k->nline - 1] == '\r')
		k->nline--;
	k->line[k->nline] = '\0';
	if (strncmp(k->line, "GET ", 4) != 0 || !name_ok(k->line + 4, k->nline - 4)) {
		s->bad_requests++;
		cs_refuse(k, "ERR bad request%s\n", "");
		return;
	}
	name = k->line + 4;
	for (size_t i = 0; i < s->ncontents; i++)
		if (strcmp(s->contents[i].name, name) == 0) {
			k->ct = &s->contents[i];
			break;
		}
	if (!k->ct) {
		s->unknown++;
		cs_refuse(k, "ERR unknown content %s\n", name);
		return;
	}
	s->served++;
	entity_log(&s->e, LOG_INFO, "%s: GET %s, sending %" PRIu64 " bytes", k->peer, name,
		   k->ct->size);
	cs_fill(k);
}

static void
cs_recv(struct tcp_sock *sock, void *ctx, const uint8_t *data, size_t len)
{
	struct cs_conn *k = ctx;

	for (size_t i = 0; i < len && !k->answered; i++) {
		if (data[i] == '\n') {
			cs_request(k);
		} else if (k->nline == CME_GET_LINE_MAX) {
			k->answered = true;
			k->s->requests++;
			k->s->bad_requests++;
			cs_refuse(k, "ERR request line longer than %s bytes\n",
				  G_STRINGIFY(CME_GET_LINE_MAX));
		} else {
			k->line[k->nline++] = (char)data[i];
		}
	}
}

/* The client is done sending: without a whole request line, so are we. */
static void
cs_eof(struct tcp_sock *sock, void *ctx)
{
	struct cs_conn *k = ctx;

	if (!k->answered) {
		k->answered = true;
		entity_log(&k->s->e, LOG_WARN, "%s closed without a request line", k->peer);
		tcp_close(sock);
	}
}

static void
cs_closed(struct tcp_sock *sock, void *ctx, enum tcp_close_reason why)
{
	struct cs_conn *k = ctx;
	struct cs *s = k->s;

	sim_timer_cancel(s->e.node->net->sim, &k->refill);
	entity_log(&s->e, why == TCP_CLOSED_NORMAL ? LOG_DEBUG : LOG_WARN,
		   "connection from %s closed (%s), %" PRIu64 " bytes queued", k->peer,
		   tcp_close_reason_name(why), k->off);
	g_ptr_array_remove(s->conns, k);
	g_free(k);
}

static const struct tcp_callbacks cs_tcp_cb = {
	.recv = cs_recv,
	.eof = cs_eof,
	.closed = cs_closed,
};

static void
cs_accept(struct tcp_sock *listener, struct tcp_sock *sock, void *ctx)
{
	struct cs *s = ctx;
	struct cs_conn *k = g_new0(struct cs_conn, 1);
	struct addr ra;
	uint16_t rport;

	tcp_endpoints(sock, NULL, NULL, &ra, &rport);
	fmt_ep(&ra, rport, k->peer, sizeof(k->peer));
	k->s = s;
	k->sock = sock;
	sim_timer_init(&k->refill, cs_refill, k, NULL);
	g_ptr_array_add(s->conns, k);
	s->connections++;
	tcp_set_callbacks(sock, &cs_tcp_cb, k);
	entity_log(&s->e, LOG_DEBUG, "connection from %s", k->peer);
}

static int
cs_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	struct cs *s = (struct cs *)e;
	char what[CONTENT_NAME_MAX + 16];

	if (argc < 1)
		return entity_err(err, errlen, "missing <port> (usage: %s)", CS_USAGE);
	if (parse_port("port", argv[0], &s->port, err, errlen) < 0)
		return -1;
	if (argc < 2)
		return entity_err(err, errlen, "missing <name>=<size> (usage: %s)", CS_USAGE);
	if (argc - 1 > CS_CONTENTS_MAX)
		return entity_err(err, errlen, "%d contents: at most %d", argc - 1, CS_CONTENTS_MAX);
	s->contents = g_new0(struct cs_content, (size_t)argc - 1);
	for (int i = 1; i < argc; i++) {
		const char *eq = strrchr(argv[i], '=');
		struct cs_content *ct = &s->contents[s->ncontents];

		if (!eq || !name_ok(argv[i], (size_t)(eq - argv[i])))
			return entity_err(err, errlen, "\"%s\" is not <name>=<size> (a name of 1..%d "
					  "printable characters, no space, no '=')", argv[i],
					  CONTENT_NAME_MAX);
		snprintf(what, sizeof(what), "size of %.*s", (int)(eq - argv[i]), argv[i]);
		if (units_size(what, eq + 1, 0, CONTENT_SIZE_MAX, &ct->size, err, errlen) < 0)
			return -1;
		for (size_t j = 0; j < s->ncontents; j++)
			if (strlen(s->contents[j].name) == (size_t)(eq - argv[i]) &&
			    strncmp(s->contents[j].name, argv[i], (size_t)(eq - argv[i])) == 0)
				return entity_err(err, errlen, "content %s given twice",
						  s->contents[j].name);
		ct->name = g_strndup(argv[i], (gsize)(eq - argv[i]));
		s->ncontents++;
	}
	s->conns = g_ptr_array_new();
	return 0;
}

static void
cs_start(struct entity *e)
{
	struct cs *s = (struct cs *)e;

	s->listener = tcp_listen(e->node, s->port, cs_accept, s);
	if (!s->listener)
		entity_log(e, LOG_ERROR, "cannot listen on TCP port %u: in use", s->port);
	else
		entity_log(e, LOG_INFO, "serving %zu contents on TCP port %u", s->ncontents,
			   s->port);
}

/* Stop listening; transfers still running are aborted. */
static void
cs_stop(struct entity *e)
{
	struct cs *s = (struct cs *)e;

	if (s->listener) {
		tcp_unlisten(s->listener);
		s->listener = NULL;
	}
	while (s->conns->len) {
		struct cs_conn *k = g_ptr_array_index(s->conns, 0);

		tcp_abort(k->sock);
		/* cs_closed freed it; if not, do it here so that the loop ends. */
		if (s->conns->len && g_ptr_array_index(s->conns, 0) == k) {
			sim_timer_cancel(e->node->net->sim, &k->refill);
			g_ptr_array_remove_index(s->conns, 0);
			g_free(k);
		}
	}
	entity_log(e, LOG_INFO, "%" PRIu64 " connections, %" PRIu64 " requests: %" PRIu64
		   " served, %" PRIu64 " unknown, %" PRIu64 " bad; %" PRIu64 " bytes queued",
		   s->connections, s->requests, s->served, s->unknown, s->bad_requests,
		   s->bytes_queued);
}

static void
cs_stats(struct entity *e, entity_stat_fn fn, void *ctx)
{
	struct cs *s = (struct cs *)e;

	fn(ctx, "connections", s->connections);
	fn(ctx, "requests", s->requests);
	fn(ctx, "served", s->served);
	fn(ctx, "unknown", s->unknown);
	fn(ctx, "bad_requests", s->bad_requests);
	fn(ctx, "bytes_queued", s->bytes_queued);
}

static void
cs_dump(struct entity *e, FILE *out)
{
	struct cs *s = (struct cs *)e;

	fprintf(out, "%s: port %u contents %zu connections %" PRIu64 " served %" PRIu64
		" unknown %" PRIu64 " bytes_queued %" PRIu64 "\n", e->inst, s->port,
		s->ncontents, s->connections, s->served, s->unknown, s->bytes_queued);
	for (size_t i = 0; i < s->ncontents; i++)
		fprintf(out, "%s: content %s %" PRIu64 " bytes\n", e->inst, s->contents[i].name,
			s->contents[i].size);
}

static void
cs_fini(struct entity *e)
{
	struct cs *s = (struct cs *)e;

	for (size_t i = 0; i < s->ncontents; i++)
		g_free(s->contents[i].name);
	g_free(s->contents);
	s->contents = NULL;
	s->ncontents = 0;
	if (s->conns) {
		for (guint i = 0; i < s->conns->len; i++)
			g_free(g_ptr_array_index(s->conns, i));
		g_ptr_array_free(s->conns, TRUE);
		s->conns = NULL;
	}
}

static const char *const cs_aliases[] = { "cme_server", NULL };

const struct entity_class cme_content_server_class = {
	.name      = "usr.cme.Server",
	.aliases   = cs_aliases,
	.kind      = "cme_server",
	.usage     = CS_USAGE,
	.inst_size = sizeof(struct cs),
	.init      = cs_init,	/* port, contents */
	.start     = cs_start,	/* listen */
	.stop      = cs_stop,	/* stop listening, abort, report */
	.stats     = cs_stats,
	.dump      = cs_dump,
	.fini      = cs_fini,
};
