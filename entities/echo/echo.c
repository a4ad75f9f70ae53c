/*
 * echo.c - usr.echo.Echo (alias echo), the template entity: it answers
 * the echo requests that reach its UDP port and, given peer=, sends its
 * own and measures their round trips (echo.h, doc/echo.md).
 *
 * This file is written to be copied (doc/adding-an-entity.md).  It has
 * every part an entity has, in the order the emulator uses them:
 *
 *   1. arguments   init: parse and check them, fill the instance; the
 *                  user's mistakes are messages, never crashes;
 *   2. check       the arguments against the whole scenario (optional);
 *   3. start       at the event's time, on the node: open the socket,
 *                  arm the timer;
 *   4. receive     a datagram arrived: decode, count, answer;
 *   5. send        the timer fired: one request, the next timer;
 *   6. stop        the node went down or the run ended: close, report;
 *   7. counters    stats: every counter by name, for counters.csv;
 *   8. dump        the state, for tests and debugging;
 *   9. the class table, which the registry (entities/registry.c) lists.
 *
 * An entity includes the engine (sim/) and its own family's headers,
 * nothing else: it talks to other entities only through messages over
 * the emulated links (doc/architecture.md).  It logs through
 * entity_log(), which stamps every line with virtual time, node and
 * instance, and keeps no state outside its instance struct.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "entities/echo/echo.h"
#include "sim/net.h"
#include "sim/pkt.h"
#include "sim/units.h"

#define ECHO_USAGE "<port> [peer=ADDRESS] [count=N] [interval=DURATION]"
#define ECHO_DEFAULT_COUNT	3
#define ECHO_DEFAULT_INTERVAL	SIM_S
#define ECHO_MAX_COUNT		1000000

static void echo_tick(struct sim *sim, void *ctx, void *arg);

/* ---- 1. arguments ---- */

/*
 * Split "name=value" options from the one positional argument.  Each
 * option may come once; an unknown one is refused with the usage, so a
 * typo never goes unnoticed.  The messages are the user's: the loader
 * puts the file, line and class name in front of them.
 */
static int
echo_args(int argc, char **argv, const char **port, const char **peer,
	  const char **count, const char **interval, char *err, size_t errlen)
{
	static const char *const names[] = { "peer", "count", "interval" };
	const char **slot[] = { peer, count, interval };

	*port = *peer = *count = *interval = NULL;
	for (int i = 0; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		size_t k;

		if (!eq) {
			if (*port)
				return entity_err(err, errlen, "unexpected argument \"%s\" (usage: %s)",
						  argv[i], ECHO_USAGE);
			*port = argv[i];
			continue;
		}
		for (k = 0; k < sizeof(names) / sizeof(names[0]); k++)
			if (strlen(names[k]) == (size_t)(eq - argv[i]) &&
			    strncmp(argv[i], names[k], (size_t)(eq - argv[i])) == 0)
				break;
		if (k == sizeof(names) / sizeof(names[0]))
			return entity_err(err, errlen, "unknown option \"%s\" (usage: %s)", argv[i],
					  ECHO_USAGE);
		if (*slot[k])
			return entity_err(err, errlen, "option \"%s\" given twice", names[k]);
		*slot[k] = eq + 1;
	}
	if (!*port)
		return entity_err(err, errlen, "missing <port> (usage: %s)", ECHO_USAGE);
	return 0;
}

/*
 * init runs at load time, before the run and before the node exists:
 * it may look only at its arguments.  Every value is read by sim/units.h,
 * the one grammar of the program (doc/scenario-format.md, "Values"), so
 * "interval=250ms" means here what it means everywhere.
 */
static int
echo_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	struct echo *ec = (struct echo *)e;
	const char *port, *peer, *count, *interval;
	uint64_t n;

	if (echo_args(argc, argv, &port, &peer, &count, &interval, err, errlen) < 0)
		return -1;
	if (units_uint("port", port, 1, 65535, &n, err, errlen) < 0)
		return -1;
	ec->port = (uint16_t)n;

	ec->count = ECHO_DEFAULT_COUNT;
	ec->interval = ECHO_DEFAULT_INTERVAL;
	if (!peer) {
		if (count || interval)
			return entity_err(err, errlen, "%s= without peer=: only an echo that asks "
					  "sends requests", count ? "count" : "interval");
	} else {
		if (addr_parse(peer, &ec->peer) < 0)
			return entity_err(err, errlen, "peer \"%s\" is not an IPv4 or IPv6 address",
					  peer);
		addr_fmt(&ec->peer, ec->peer_str);
		ec->has_peer = 1;
		if (count && units_uint("count", count, 1, ECHO_MAX_COUNT, &n, err, errlen) < 0)
			return -1;
		if (count)
			ec->count = (uint32_t)n;
		if (interval && units_duration("interval", interval, 0, 1, SIM_TIME_LIMIT,
					       &ec->interval, err, errlen) < 0)
			return -1;
	}
	sim_timer_init(&ec->timer, echo_tick, ec, NULL);
	return 0;
}

/* ---- 2. check ---- */

/*
 * Once the whole scenario is read: a peer that no node has is a typo, and
 * it is better said now, with the file and line, than found after the run
 * as requests that were never answered.
 */
static int
echo_check(struct entity *e, const struct entity_scope *sc, char *err, size_t errlen)
{
	struct echo *ec = (struct echo *)e;

	if (ec->has_peer && !sc->addr_known(sc->ctx, &ec->peer))
		return entity_err(err, errlen, "no node of the scenario has the peer's address %s",
				  ec->peer_str);
	return 0;
}

/* ---- 4. receive ---- */

/* The round trip of one reply enters min/avg/max. */
static void
echo_rtt(struct echo *ec, sim_time_t rtt)
{
	if (ec->replies_received == 0 || rtt < ec->rtt_min)
		ec->rtt_min = rtt;
	if (ec->replies_received == 0 || rtt > ec->rtt_max)
		ec->rtt_max = rtt;
	ec->rtt_sum += (uint64_t)rtt;
	ec->replies_received++;
}

/*
 * One datagram to the echo's port (the packet is the engine's: it is
 * freed when this returns):
 *  1. decode it; what is not an echo message is counted by reason
 *     (malformed_<reason>) and dropped, as every entity treats bad bytes
 *     from the wire;
 *  2. a request is answered to its sender's address and port with a
 *     reply that carries its sequence number and time;
 *  3. a reply is ours when it comes from the peer, for a sequence number
 *     already sent, with a time between 0 and now: its round trip is
 *     counted; any other reply is `unexpected`.
 */
static void
echo_input(struct udp_sock *sock, void *ctx, struct pkt *p, const struct addr *src,
	   uint16_t sport, const struct addr *dst, uint16_t dport)
{
	struct echo *ec = ctx;
	sim_time_t now = sim_now(ec->e.node->net->sim);
	uint8_t buf[ECHO_MSG_LEN];
	struct echo_msg m;
	enum echo_err rc;
	char a[ADDR_STRLEN];

	rc = echo_msg_decode(p->data, p->len, &m);
	if (rc != ECHO_OK) {
		ec->malformed[rc]++;
		entity_log(&ec->e, LOG_DEBUG, "%" PRIu32 " bytes from %s:%u: not an echo message (%s)",
			   p->len, addr_fmt(src, a), sport, echo_err_name(rc));
		return;
	}
	if (m.type == ECHO_REQUEST) {
		ec->requests_received++;
		m.type = ECHO_REPLY;
		echo_msg_encode(buf, &m);
		if (udp_sendto_buf(sock, src, sport, buf, sizeof(buf)) == 0)
			ec->replies_sent++;
		else
			ec->send_errors++;
		entity_log(&ec->e, LOG_DEBUG, "request %" PRIu32 " from %s:%u answered", m.seq,
			   addr_fmt(src, a), sport);
		return;
	}
	if (!ec->has_peer || !addr_eq(src, &ec->peer) || m.seq >= ec->next_seq ||
	    m.sent < 0 || m.sent > now) {
		ec->unexpected++;
		entity_log(&ec->e, LOG_DEBUG, "reply %" PRIu32 " from %s:%u: not to a request of ours",
			   m.seq, addr_fmt(src, a), sport);
		return;
	}
	echo_rtt(ec, now - m.sent);
	entity_log(&ec->e, LOG_DEBUG, "reply %" PRIu32 " from %s, round trip %" PRId64 " ns",
		   m.seq, ec->peer_str, now - m.sent);
}

/* ---- 5. send ---- */

/* The timer: one request now, the next one `interval` later. */
static void
echo_tick(struct sim *sim, void *ctx, void *arg)
{
	struct echo *ec = ctx;
	struct echo_msg m = { ECHO_REQUEST, ec->next_seq++, sim_now(sim) };
	uint8_t buf[ECHO_MSG_LEN];

	echo_msg_encode(buf, &m);
	if (udp_sendto_buf(ec->sock, &ec->peer, ec->port, buf, sizeof(buf)) == 0)
		ec->requests_sent++;
	else
		ec->send_errors++;
	if (ec->next_seq < ec->count)
		sim_timer_after(sim, &ec->timer, ec->interval);
}

/* ---- 3. start ---- */

/*
 * At the event's time, with e->node set.  After the node went down and
 * came back up the instance is started again: it binds the port again and
 * goes on with the next sequence number, so the peer sees one series.
 */
static void
echo_start(struct entity *e)
{
	struct echo *ec = (struct echo *)e;
	char iv[32];

	ec->sock = udp_open(e->node, ec->port, echo_input, ec);
	if (!ec->sock) {
		entity_log(e, LOG_ERROR, "cannot bind UDP port %u: in use", ec->port);
		return;
	}
	entity_log(e, LOG_INFO, "listening on UDP port %u", ec->port);
	if (!ec->has_peer || ec->next_seq >= ec->count)
		return;
	entity_log(e, LOG_INFO, "asking %s:%u %" PRIu32 " times, one request every %s",
		   ec->peer_str, ec->port, ec->count - ec->next_seq,
		   units_fmt_duration(ec->interval, iv, sizeof(iv)));
	sim_timer_after(e->node->net->sim, &ec->timer, 0);
}

/* ---- 6. stop ---- */

static sim_time_t
echo_rtt_avg(const struct echo *ec)
{
	return ec->replies_received ? (sim_time_t)(ec->rtt_sum / ec->replies_received) : 0;
}

static uint64_t
echo_malformed(const struct echo *ec)
{
	uint64_t n = 0;

	for (int i = ECHO_OK + 1; i < ECHO_ERR_N; i++)
		n += ec->malformed[i];
	return n;
}

/*
 * The node is stopped or the run ends: cancel what is armed, close what
 * is open (start opens them again), and say in one line what happened.
 */
static void
echo_stop(struct entity *e)
{
	struct echo *ec = (struct echo *)e;

	if (sim_timer_armed(&ec->timer))
		sim_timer_cancel(e->node->net->sim, &ec->timer);
	if (ec->sock) {
		udp_close(ec->sock);
		ec->sock = NULL;
	}
	if (ec->has_peer && ec->replies_received)
		entity_log(e, LOG_INFO, "%" PRIu64 " requests sent, %" PRIu64 " replies, round trip "
			   "min/avg/max %" PRId64 "/%" PRId64 "/%" PRId64 " ns", ec->requests_sent,
			   ec->replies_received, ec->rtt_min, echo_rtt_avg(ec), ec->rtt_max);
	else if (ec->has_peer)
		entity_log(e, LOG_INFO, "%" PRIu64 " requests sent, no reply", ec->requests_sent);
	entity_log(e, LOG_INFO, "%" PRIu64 " requests answered, %" PRIu64 " malformed, %" PRIu64
		   " unexpected", ec->replies_sent, echo_malformed(ec), ec->unexpected);
}

/* ---- 7. counters ---- */

/*
 * Every counter, by name, each time the same names in the same order:
 * they become the rows of counters.csv ("echo,NODE/INSTANCE,NAME,VALUE")
 * and what the tests read.
 */
static void
echo_stats(struct entity *e, entity_stat_fn fn, void *ctx)
{
	struct echo *ec = (struct echo *)e;
	char name[32];

	fn(ctx, "requests_sent", ec->requests_sent);
	fn(ctx, "replies_received", ec->replies_received);
	fn(ctx, "requests_received", ec->requests_received);
	fn(ctx, "replies_sent", ec->replies_sent);
	fn(ctx, "send_errors", ec->send_errors);
	fn(ctx, "unexpected", ec->unexpected);
	for (int i = ECHO_OK + 1; i < ECHO_ERR_N; i++) {
		snprintf(name, sizeof(name), "malformed_%s", echo_err_name((enum echo_err)i));
		fn(ctx, name, ec->malformed[i]);
	}
	fn(ctx, "rtt_min_ns", (uint64_t)ec->rtt_min);
	fn(ctx, "rtt_avg_ns", (uint64_t)echo_rtt_avg(ec));
	fn(ctx, "rtt_max_ns", (uint64_t)ec->rtt_max);
}

/* ---- 8. dump ---- */

static void
echo_dump(struct entity *e, FILE *out)
{
	struct echo *ec = (struct echo *)e;
	char iv[32];

	fprintf(out, "%s: port %u peer %s count %" PRIu32 " interval %s\n", e->inst, ec->port,
		ec->has_peer ? ec->peer_str : "-", ec->count,
		units_fmt_duration(ec->interval, iv, sizeof(iv)));
	fprintf(out, "%s: next_seq %" PRIu32 " sent %" PRIu64 " replies %" PRIu64
		" answered %" PRIu64 " malformed %" PRIu64 " unexpected %" PRIu64 "\n", e->inst,
		ec->next_seq, ec->requests_sent, ec->replies_received, ec->replies_sent,
		echo_malformed(ec), ec->unexpected);
}

/* ---- 9. the class table ---- */

static const char *const echo_aliases[] = { "echo", NULL };

/*
 * What the emulator knows of the class: its names, the size of an
 * instance, and the functions above.  fini (free what init and start
 * allocated) is left out: the echo allocates nothing.  The registry
 * (entities/registry.c) lists this table; nothing registers itself.
 */
const struct entity_class echo_class = {
	.name      = "usr.echo.Echo",
	.aliases   = echo_aliases,
	.kind      = "echo",		/* counters.csv, log lines, --log echo=debug */
	.usage     = ECHO_USAGE,
	.inst_size = sizeof(struct echo),
	.init      = echo_init,		/* port, peer, count, interval */
	.check     = echo_check,	/* the peer is a node of the scenario */
	.start     = echo_start,	/* bind the port, arm the first request */
	.stop      = echo_stop,		/* cancel, close, report */
	.stats     = echo_stats,
	.dump      = echo_dump,
};
