/*
 * tcp.c - usr.applications.TcpSend and usr.applications.TcpSink, bulk
 * transfers over the emulated TCP of sim/tcp.h.
 *
 *   usr.applications.TcpSend <dst> <port> <bytes> [start=DURATION] [chunk=BYTES]
 *   usr.applications.TcpSink <port>
 *
 * TcpSend connects to dst:port `start` after it starts, hands `bytes`
 * bytes to TCP in tcp_send calls of `chunk` bytes as soon as the
 * connection is up, and closes.  Byte i of the stream is
 * (i * 7 + 3) & 0xff (app_tcp_pattern), so TcpSink can check every byte
 * it receives without knowing the sender.  TcpSink accepts any number
 * of connections on its port, answers the sender's FIN with its own and
 * logs one report line per connection.  Arguments and statistics are in
 * doc/tcp.md.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entities/apps/apps.h"
#include "entities/apps/tcp_apps.h"
#include "sim/net.h"
#include "sim/units.h"

#define TCP_SEND_USAGE	"<dst> <port> <bytes> [start=DURATION] [chunk=BYTES]"
#define TCP_SINK_USAGE	"<port>"
#define TCP_CHUNK_MAX	(64u << 20)
/*
 * TcpSend hands the whole transfer to TCP at once and TCP keeps it until
 * it is acknowledged (at most 2 GiB of sequence space may be), so the
 * transfer is held in memory: refused at load time beyond 1 GiB.
 */
#define TCP_BYTES_MAX	(1ull << 30)

static int
parse_port(const char *v, uint16_t *port, char *err, size_t errlen)
{
	uint64_t n;

	if (units_uint("port", v, 1, 65535, &n, err, errlen) < 0)
		return -1;
	*port = (uint16_t)n;
	return 0;
}

/* ---- usr.applications.TcpSend ---- */

static void
tsend_connected(struct tcp_sock *sock, void *ctx)
{
	struct app_tcp_send *s = ctx;
	uint8_t *buf = malloc(s->chunk ? s->chunk : 1);
	uint64_t off = 0;

	s->connected++;
	entity_log(&s->e, LOG_INFO, "connected to %s, sending %" PRIu64 " bytes", s->dst_ep,
		   s->bytes);
	while (off < s->bytes) {
		uint64_t n = s->bytes - off < s->chunk ? s->bytes - off : s->chunk;

		for (uint64_t i = 0; i < n; i++)
			buf[i] = app_tcp_pattern(off + i);
		if (tcp_send(sock, buf, n) < 0)
			break;
		off += n;
		s->bytes_queued += n;
	}
	free(buf);
	tcp_close(sock);
}

/* The sink sends nothing; whatever comes is ignored. */
static void
tsend_recv(struct tcp_sock *sock, void *ctx, const uint8_t *data, size_t len)
{
}

static void
tsend_eof(struct tcp_sock *sock, void *ctx)
{
}

static void
tsend_closed(struct tcp_sock *sock, void *ctx, enum tcp_close_reason why)
{
	struct app_tcp_send *s = ctx;
	struct tcp_info ti;
	char ms[32];

	tcp_info_get(sock, &ti);
	s->sock = NULL;
	s->closed++;
	s->closed_reason = why;
	s->bytes_sent += ti.bytes_acked;
	s->retransmits += ti.retransmits;
	s->timeouts += ti.timeouts;
	entity_log(&s->e, why == TCP_CLOSED_NORMAL ? LOG_INFO : LOG_WARN,
		   "connection to %s closed (%s) after %s ms: %" PRIu64 " of %" PRIu64
		   " bytes acknowledged, %" PRIu64 " retransmissions",
		   s->dst_ep, tcp_close_reason_name(why),
		   app_fmt_ms(sim_now(s->e.node->net->sim) - s->t_open, ms, sizeof(ms)),
		   ti.bytes_acked, s->bytes, ti.retransmits);
}

static const struct tcp_callbacks tsend_cb = {
	.connected = tsend_connected,
	.recv = tsend_recv,
	.eof = tsend_eof,
	.closed = tsend_closed,
};

static void
tsend_open(struct sim *sim, void *ctx, void *arg)
{
	struct app_tcp_send *s = ctx;

	s->attempts++;
	s->t_open = sim_now(sim);
	s->sock = tcp_connect(s->e.node, &s->dst, s->dport, 0, &tsend_cb, s);
	if (!s->sock) {
		s->errors++;
		entity_log(&s->e, LOG_ERROR, "cannot connect to %s: no route or no free port",
			   s->dst_ep);
		return;
	}
	entity_log(&s->e, LOG_DEBUG, "connecting to %s", s->dst_ep);
}

static int
tsend_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	static const char *const pos_names[] = { "<dst>", "<port>", "<bytes>" };
	static const char *const opt_names[] = { "start", "chunk" };
	enum { O_START, O_CHUNK, O_N };
	struct app_tcp_send *s = (struct app_tcp_send *)e;
	const char *pos[3], *opt[O_N] = { NULL };

	if (app_args_split(argc, argv, TCP_SEND_USAGE, pos_names, 3, pos, opt_names, O_N, opt,
			   err, errlen) < 0)
		return -1;
	if (app_parse_dst(pos[0], &s->dst) < 0)
		return entity_err(err, errlen, "destination \"%s\" is neither an IPv4 or IPv6 "
				  "address nor a node id", pos[0]);
	addr_fmt(&s->dst, s->dst_str);
	if (parse_port(pos[1], &s->dport, err, errlen) < 0)
		return -1;
	snprintf(s->dst_ep, sizeof(s->dst_ep), s->dst.af == ADDR_V6 ? "[%s]:%u" : "%s:%u",
		 s->dst_str, s->dport);
	/* TCP holds the whole transfer until it is acknowledged. */
	if (units_size("bytes", pos[2], 0, TCP_BYTES_MAX, &s->bytes, err, errlen) < 0)
		return -1;
	s->chunk = APP_TCP_CHUNK_DEFAULT;
	if (opt[O_CHUNK] && units_size("chunk", opt[O_CHUNK], 1, TCP_CHUNK_MAX, &s->chunk, err,
				       errlen) < 0)
		return -1;
	if (opt[O_START] && units_duration("start", opt[O_START], 0, 0, SIM_TIME_LIMIT,
					   &s->start_delay, err, errlen) < 0)
		return -1;
	sim_timer_init(&s->timer, tsend_open, s, NULL);
	return 0;
}

/* Every start (also after a stop) makes a new connection and sends everything. */
static void
tsend_start(struct entity *e)
{
	struct app_tcp_send *s = (struct app_tcp_send *)e;

	sim_timer_after(e->node->net->sim, &s->timer, s->start_delay);
}

/* A connection still open is aborted: RST, unless the node is down. */
static void
tsend_stop(struct entity *e)
{
	struct app_tcp_send *s = (struct app_tcp_send *)e;

	sim_timer_cancel(e->node->net->sim, &s->timer);
	if (s->sock)
		tcp_abort(s->sock);
}

static void
tsend_stats(struct entity *e, entity_stat_fn fn, void *ctx)
{
	struct app_tcp_send *s = (struct app_tcp_send *)e;

	fn(ctx, "attempts", s->attempts);
	fn(ctx, "connected", s->connected);
	fn(ctx, "closed", s->closed);
	fn(ctx, "closed_reason", (uint64_t)s->closed_reason);
	fn(ctx, "bytes_queued", s->bytes_queued);
	fn(ctx, "bytes_sent", s->bytes_sent);
	fn(ctx, "retransmits", s->retransmits);
	fn(ctx, "timeouts", s->timeouts);
	fn(ctx, "errors", s->errors);
}

static void
tsend_dump(struct entity *e, FILE *out)
{
	struct app_tcp_send *s = (struct app_tcp_send *)e;

	fprintf(out, "%s: dst %s:%u bytes %" PRIu64 " chunk %" PRIu64 " start %" PRId64 "ns\n",
		e->inst, s->dst_str, s->dport, s->bytes, s->chunk, s->start_delay);
	fprintf(out, "%s: attempts %" PRIu64 " connected %" PRIu64 " closed %" PRIu64
		" (%s) bytes_sent %" PRIu64 " retransmits %" PRIu64 "\n", e->inst, s->attempts,
		s->connected, s->closed, tcp_close_reason_name(s->closed_reason), s->bytes_sent,
		s->retransmits);
}

const struct entity_class app_tcp_send_class = {
	.name      = "usr.applications.TcpSend",
	.kind      = "tcpsend",
	.usage     = TCP_SEND_USAGE,
	.inst_size = sizeof(struct app_tcp_send),
	.init      = tsend_init,	/* destination, port, bytes, options */
	.start     = tsend_start,	/* arm the connection attempt */
	.stop      = tsend_stop,	/* abort a connection still open */
	.stats     = tsend_stats,
	.dump      = tsend_dump,
};

/* ---- usr.applications.TcpSink ---- */

static void
tsink_recv(struct tcp_sock *sock, void *ctx, const uint8_t *data, size_t len)
{
	struct app_tcp_sink_conn *c = ctx;

	for (size_t i = 0; i < len; i++)
		if (data[i] != app_tcp_pattern(c->bytes + i)) {
			if (c->errors == 0)
				c->first_error = c->bytes + i;
			c->errors++;
		}
	c->bytes += len;
	c->sink->bytes_received += len;
}

/* The sender is done: so are we. */
static void
tsink_eof(struct tcp_sock *sock, void *ctx)
{
	tcp_close(sock);
}

static void
tsink_closed(struct tcp_sock *sock, void *ctx, enum tcp_close_reason why)
{
	struct app_tcp_sink_conn *c = ctx;
	struct app_tcp_sink *k = c->sink;
	char what[96];

	if (c->errors)
		snprintf(what, sizeof(what), "%" PRIu64 " bytes differ from the pattern, the "
			 "first at offset %" PRIu64, c->errors, c->first_error);
	else
		snprintf(what, sizeof(what), "content ok");
	k->content_errors += c->errors;
	if (why == TCP_CLOSED_NORMAL)
		k->completed++;
	else
		k->failed++;
	entity_log(&k->e, why == TCP_CLOSED_NORMAL && !c->errors ? LOG_INFO : LOG_WARN,
		   "connection from %s closed (%s): %" PRIu64 " bytes received, %s",
		   c->peer, tcp_close_reason_name(why), c->bytes, what);
	g_ptr_array_remove(k->conns, c);
	free(c);
}

static const struct tcp_callbacks tsink_cb = {
	.recv = tsink_recv,
	.eof = tsink_eof,
	.closed = tsink_closed,
};

static void
tsink_accept(struct tcp_sock *listener, struct tcp_sock *sock, void *ctx)
{
	struct app_tcp_sink *k = ctx;
	struct app_tcp_sink_conn *c = calloc(1, sizeof(*c));
	struct addr ra;
	uint16_t rport;
	char a[ADDR_STRLEN];

	tcp_endpoints(sock, NULL, NULL, &ra, &rport);
	addr_fmt(&ra, a);
	snprintf(c->peer, sizeof(c->peer), ra.af == ADDR_V6 ? "[%s]:%u" : "%s:%u", a, rport);
	c->sink = k;
	c->sock = sock;
	g_ptr_array_add(k->conns, c);
	k->connections++;
	tcp_set_callbacks(sock, &tsink_cb, c);
	entity_log(&k->e, LOG_INFO, "connection from %s", c->peer);
}

static int
tsink_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	struct app_tcp_sink *k = (struct app_tcp_sink *)e;

	if (argc < 1)
		return entity_err(err, errlen, "missing <port> (usage: %s)", TCP_SINK_USAGE);
	if (argc > 1)
		return entity_err(err, errlen, "unexpected argument \"%s\" (usage: %s)", argv[1],
				  TCP_SINK_USAGE);
	if (parse_port(argv[0], &k->port, err, errlen) < 0)
		return -1;
	k->conns = g_ptr_array_new();
	return 0;
}

static void
tsink_start(struct entity *e)
{
	struct app_tcp_sink *k = (struct app_tcp_sink *)e;

	k->listener = tcp_listen(e->node, k->port, tsink_accept, k);
	if (!k->listener)
		entity_log(e, LOG_ERROR, "cannot listen on TCP port %u: in use", k->port);
	else
		entity_log(e, LOG_INFO, "listening on TCP port %u", k->port);
}

/* Stop listening; connections still open are aborted (and reported). */
static void
tsink_stop(struct entity *e)
{
	struct app_tcp_sink *k = (struct app_tcp_sink *)e;

	if (k->listener) {
		tcp_unlisten(k->listener);
		k->listener = NULL;
	}
	while (k->conns->len) {
		struct app_tcp_sink_conn *c = g_ptr_array_index(k->conns, 0);

		tcp_abort(c->sock);
		/* tsink_closed removed it; make sure, or this would not end. */
		if (k->conns->len && g_ptr_array_index(k->conns, 0) == c) {
			g_ptr_array_remove_index(k->conns, 0);
			free(c);
		}
	}
	entity_log(e, LOG_INFO, "received %" PRIu64 " bytes over %" PRIu64 " connections, %"
		   PRIu64 " closed normally, %" PRIu64 " content errors", k->bytes_received,
		   k->connections, k->completed, k->content_errors);
}

static void
tsink_stats(struct entity *e, entity_stat_fn fn, void *ctx)
{
	struct app_tcp_sink *k = (struct app_tcp_sink *)e;

	fn(ctx, "connections", k->connections);
	fn(ctx, "bytes_received", k->bytes_received);
	fn(ctx, "content_errors", k->content_errors);
	fn(ctx, "completed", k->completed);
	fn(ctx, "failed", k->failed);
}

static void
tsink_dump(struct entity *e, FILE *out)
{
	struct app_tcp_sink *k = (struct app_tcp_sink *)e;

	fprintf(out, "%s: port %u connections %" PRIu64 " bytes_received %" PRIu64
		" content_errors %" PRIu64 " completed %" PRIu64 " failed %" PRIu64 "\n",
		e->inst, k->port, k->connections, k->bytes_received, k->content_errors,
		k->completed, k->failed);
	for (guint i = 0; k->conns && i < k->conns->len; i++) {
		const struct app_tcp_sink_conn *c = g_ptr_array_index(k->conns, i);

		fprintf(out, "%s: open connection from %s, %" PRIu64 " bytes\n", e->inst,
			c->peer, c->bytes);
	}
}

static void
tsink_fini(struct entity *e)
{
	struct app_tcp_sink *k = (struct app_tcp_sink *)e;

	if (!k->conns)
		return;
	for (guint i = 0; i < k->conns->len; i++)
		free(g_ptr_array_index(k->conns, i));
	g_ptr_array_free(k->conns, TRUE);
	k->conns = NULL;
}

const struct entity_class app_tcp_sink_class = {
	.name      = "usr.applications.TcpSink",
	.kind      = "tcpsink",
	.usage     = TCP_SINK_USAGE,
	.inst_size = sizeof(struct app_tcp_sink),
	.init      = tsink_init,	/* port */
	.start     = tsink_start,	/* listen */
	.stop      = tsink_stop,	/* stop listening, abort, report */
	.stats     = tsink_stats,
	.dump      = tsink_dump,
	.fini      = tsink_fini,
};
