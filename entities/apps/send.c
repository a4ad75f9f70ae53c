/*
 * send.c - usr.applications.Send: a constant bit-rate UDP source.
 *
 *   usr.applications.Send <dst> <port> <count> [-s SIZE] [-i INTERVAL_MS]
 *       [-d DELAY_MS] [-b BURST] [size=BYTES] [rate=BPS | interval=DURATION]
 *       [burst=N] [sport=PORT] [start=DURATION]
 *
 * Sends `count` datagrams of `size` payload bytes to dst:port, one (or
 * `burst`) every interval, the first `start` after the application
 * starts; usr's flags -s, -i, -d and -b are these options.  Every
 * payload begins with the header read by usr.applications.Recv
 * (apps.h).  The curling emulator's scripts write
 * "usr.applications.Send 4 3000 100": 100 datagrams to router 4, port
 * 3000.  Arguments and statistics are documented in doc/apps.md.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "entities/apps/apps.h"
#include "sim/net.h"
#include "sim/units.h"
#include "sim/wire.h"

#define SEND_USAGE "<dst> <port> <count> [-s SIZE] [-i INTERVAL_MS] [-d DELAY_MS] " \
		   "[-b BURST] [size=BYTES] [rate=BPS | interval=DURATION] [burst=N] " \
		   "[sport=PORT] [start=DURATION]"
#define SEND_DEFAULT_SIZE	1000
#define SEND_DEFAULT_INTERVAL	SIM_MS

/*
 * The interval that makes the datagrams fill `bps` on an Ethernet link:
 * the time to serialise one whole frame,
 *   frame    = max(14 + IP header (20 or 40) + 8 + size, 60)
 *   interval = ceil(8 * frame * 10^9 / bps) ns,
 * which is the formula of link_tx_time(), so rate=1Gbps on a 1 Gbps
 * link sends frames back to back.  An 802.1Q tag or a GRE tunnel on
 * the way is not counted.
 */
sim_time_t
app_send_interval(uint32_t size, int af, uint64_t bps)
{
	uint64_t frame = ETH_HLEN + (af == ADDR_V6 ? IPV6_HLEN : IPV4_HLEN) +
			 UDP_HLEN + (uint64_t)size;
	uint64_t bits_ns, q;

	if (frame < ETH_ZLEN)
		frame = ETH_ZLEN;
	bits_ns = 8 * frame * (uint64_t)SIM_S;
	q = bits_ns / bps;
	if (bits_ns % bps)
		q++;
	return (sim_time_t)q;
}

/* Replies to the source port are not this application's business. */
static void
send_input(struct udp_sock *sock, void *ctx, struct pkt *p, const struct addr *src,
	   uint16_t sport, const struct addr *dst, uint16_t dport)
{
}

static void
send_tick(struct sim *sim, void *ctx, void *arg)
{
	struct app_send *s = ctx;

	/* A burst: `burst` datagrams (1 unless -b or burst= says) at this instant. */
	for (uint32_t k = 0; k < s->burst && s->next_seq < s->count; k++) {
		uint32_t seq = s->next_seq++;
		struct pkt *p;

		p = pkt_alloc(s->size);
		app_payload_fill(pkt_put(p, s->size), s->size, seq, sim_now(sim));
		if (udp_sendto(s->sock, &s->dst, s->dport, p) == 0) {
			s->sent++;
			s->bytes_sent += s->size;
			entity_log(&s->e, LOG_DEBUG, "datagram %" PRIu32 " to %s:%u, %" PRIu32
				   " bytes", seq, s->dst_str, s->dport, s->size);
		} else {
			s->send_errors++;
			entity_log(&s->e, LOG_DEBUG, "datagram %" PRIu32 " to %s:%u not sent",
				   seq, s->dst_str, s->dport);
		}
	}
	if (s->next_seq < s->count)
		sim_timer_after(sim, &s->timer, s->interval);
	else
		entity_log(&s->e, LOG_INFO, "sent %" PRIu64 " datagrams to %s:%u%s",
			   s->sent, s->dst_str, s->dport,
			   s->send_errors ? " (some could not be sent)" : "");
}

/* Parse a port number; `min` is 1 for a destination, 0 for a source. */
static int
parse_port(const char *what, const char *v, uint64_t min, uint16_t *port,
	   char *err, size_t errlen)
{
	uint64_t n;

	if (units_uint(what, v, min, 65535, &n, err, errlen) < 0)
		return -1;
	*port = (uint16_t)n;
	return 0;
}

/*
 * The options of usr's Send, written as flags with a value each (-s 1024
 * -i 10): -s the datagram size in bytes, -i the delay between two
 * sends and -d the delay before the first, in milliseconds when bare,
 * -b the datagrams sent together before each delay.  They are taken
 * out of argv (the rest goes to app_args_split) into flag[] in the
 * order of flag_names; each may also be written as its key=value
 * option, but not both.
 */
static const char flag_names[] = "sidb";
static const char *const flag_opts[] = { "size", "interval", "start", "burst" };

static int
send_flags(int argc, char **argv, int *rest_c, char **rest, const char **flag,
	   char *err, size_t errlen)
{
	*rest_c = 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *f;

		/* "-5" is a (negative) number, for the check of its argument to refuse. */
		if (a[0] != '-' || !g_ascii_isalpha(a[1])) {
			rest[(*rest_c)++] = argv[i];
			continue;
		}
		f = a[2] == '\0' ? strchr(flag_names, a[1]) : NULL;
		if (!f)
			return entity_err(err, errlen, "unknown option \"%s\" (usr's Send takes "
					  "-s SIZE, -i INTERVAL_MS, -d DELAY_MS and -b BURST; "
					  "usage: %s)", a, SEND_USAGE);
		if (i + 1 >= argc)
			return entity_err(err, errlen, "option %s needs a value (-%c: %s)", a,
					  a[1], flag_opts[f - flag_names]);
		if (flag[f - flag_names])
			return entity_err(err, errlen, "option %s given twice", a);
		flag[f - flag_names] = argv[++i];
	}
	return 0;
}

static int
send_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	static const char *const pos_names[] = { "<dst>", "<port>", "<count>" };
	static const char *const opt_names[] = { "size", "rate", "interval", "sport", "start",
						 "burst" };
	enum { O_SIZE, O_RATE, O_INTERVAL, O_SPORT, O_START, O_BURST, O_N };
	enum { F_SIZE, F_INTERVAL, F_START, F_BURST, F_N };
	static const int flag_opt[F_N] = { O_SIZE, O_INTERVAL, O_START, O_BURST };
	struct app_send *s = (struct app_send *)e;
	const char *pos[3], *opt[O_N] = { NULL }, *flag[F_N] = { NULL };
	unsigned bare[O_N] = { 0 };
	char **rest = g_new0(char *, (gsize)argc + 1);
	uint64_t n, max;
	int rest_c, rc;

	rc = send_flags(argc, argv, &rest_c, rest, flag, err, errlen);
	if (rc == 0)
		rc = app_args_split(rest_c, rest, SEND_USAGE, pos_names, 3, pos, opt_names, O_N,
				    opt, err, errlen);
	g_free(rest);
	if (rc < 0)
		return -1;
	for (int f = 0; f < F_N; f++) {
		if (!flag[f])
			continue;
		if (opt[flag_opt[f]])
			return entity_err(err, errlen, "-%c %s and %s=%s: give one or the other",
					  flag_names[f], flag[f], opt_names[flag_opt[f]],
					  opt[flag_opt[f]]);
		opt[flag_opt[f]] = flag[f];
		/* usr's -i and -d are milliseconds. */
		bare[flag_opt[f]] = UNITS_BARE_MS;
	}

	if (app_parse_dst(pos[0], &s->dst) < 0)
		return entity_err(err, errlen, "destination \"%s\" is neither an IPv4 or IPv6 "
				  "address nor a node id", pos[0]);
	addr_fmt(&s->dst, s->dst_str);
	if (parse_port("port", pos[1], 1, &s->dport, err, errlen) < 0)
		return -1;
	if (units_uint("count", pos[2], 1, UINT32_MAX, &n, err, errlen) < 0)
		return -1;
	s->count = (uint32_t)n;

	max = s->dst.af == ADDR_V6 ? APP_UDP_MAX_V6 : APP_UDP_MAX_V4;
	s->size = SEND_DEFAULT_SIZE;
	if (opt[O_SIZE]) {
		if (units_size("size", opt[O_SIZE], 0, max, &n, err, errlen) < 0)
			return -1;
		s->size = (uint32_t)n;
	}

	if (opt[O_RATE] && opt[O_INTERVAL])
		return entity_err(err, errlen, "rate=%s and %s %s: give one or the other",
				  opt[O_RATE], flag[F_INTERVAL] ? "-i" : "interval", opt[O_INTERVAL]);
	s->interval = SEND_DEFAULT_INTERVAL;
	if (opt[O_RATE]) {
		if (units_rate("rate", opt[O_RATE], 1, INT64_MAX, &s->rate_bps, err, errlen) < 0)
			return -1;
		s->interval = app_send_interval(s->size, s->dst.af, s->rate_bps);
	}
	if (opt[O_INTERVAL] && units_duration("interval", opt[O_INTERVAL], bare[O_INTERVAL], 0,
					      SIM_TIME_LIMIT, &s->interval, err, errlen) < 0)
		return -1;
	if (opt[O_SPORT] && parse_port("sport", opt[O_SPORT], 0, &s->sport, err, errlen) < 0)
		return -1;
	if (opt[O_START] && units_duration("start", opt[O_START], bare[O_START], 0,
					   SIM_TIME_LIMIT, &s->start_delay, err, errlen) < 0)
		return -1;
	s->burst = 1;
	if (opt[O_BURST]) {
		if (opt[O_RATE])
			return entity_err(err, errlen, "rate=%s and a burst of %s: give an "
					  "interval with the burst", opt[O_RATE], opt[O_BURST]);
		if (units_uint("burst", opt[O_BURST], 1, s->count, &n, err, errlen) < 0)
			return -1;
		s->burst = (uint32_t)n;
	}

	sim_timer_init(&s->timer, send_tick, s, NULL);
	return 0;
}

/*
 * Bind the source port and arm the first datagram.  After a restart the
 * application binds the same port again and goes on with the next
 * sequence number until `count` datagrams have been tried in all, so
 * the receiver sees one flow.
 */
static void
send_start(struct entity *e)
{
	struct app_send *s = (struct app_send *)e;
	uint16_t port = s->lport ? s->lport : s->sport;

	s->sock = udp_open(e->node, port, send_input, s);
	if (!s->sock) {
		entity_log(e, LOG_ERROR, "cannot bind UDP port %u", port);
		return;
	}
	s->lport = udp_port(s->sock);
	if (s->next_seq >= s->count)
		return;
	if (s->burst > 1)
		entity_log(e, LOG_INFO, "sending %" PRIu32 " datagrams of %" PRIu32
			   " bytes from port %u to %s:%u, in bursts of %" PRIu32 ", one burst "
			   "every %" PRId64 " ns", s->count - s->next_seq, s->size,
			   udp_port(s->sock), s->dst_str, s->dport, s->burst, s->interval);
	else
		entity_log(e, LOG_INFO, "sending %" PRIu32 " datagrams of %" PRIu32
			   " bytes from port %u to %s:%u, one every %" PRId64 " ns",
			   s->count - s->next_seq, s->size, udp_port(s->sock), s->dst_str,
			   s->dport, s->interval);
	sim_timer_after(e->node->net->sim, &s->timer, s->start_delay);
}

static void
send_stop(struct entity *e)
{
	struct app_send *s = (struct app_send *)e;

	if (sim_timer_armed(&s->timer)) {
		sim_timer_cancel(e->node->net->sim, &s->timer);
		entity_log(e, LOG_INFO, "stopped after %" PRIu32 " of %" PRIu32 " datagrams",
			   s->next_seq, s->count);
	}
	if (s->sock) {
		udp_close(s->sock);
		s->sock = NULL;
	}
}

static void
send_stats(struct entity *e, entity_stat_fn fn, void *ctx)
{
	struct app_send *s = (struct app_send *)e;

	fn(ctx, "sent", s->sent);
	fn(ctx, "bytes_sent", s->bytes_sent);
	fn(ctx, "send_errors", s->send_errors);
}

static void
send_dump(struct entity *e, FILE *out)
{
	struct app_send *s = (struct app_send *)e;

	fprintf(out, "%s: dst %s:%u sport %u count %" PRIu32 " size %" PRIu32
		" interval %" PRId64 "ns rate %" PRIu64 "bps start %" PRId64 "ns",
		e->inst, s->dst_str, s->dport, s->sport, s->count, s->size, s->interval,
		s->rate_bps, s->start_delay);
	if (s->burst > 1)
		fprintf(out, " burst %" PRIu32, s->burst);
	fputc('\n', out);
	fprintf(out, "%s: next_seq %" PRIu32 " sent %" PRIu64 " bytes_sent %" PRIu64
		" send_errors %" PRIu64 "\n", e->inst, s->next_seq, s->sent,
		s->bytes_sent, s->send_errors);
}

const struct entity_class app_send_class = {
	.name      = "usr.applications.Send",
	.kind      = "send",
	.usage     = SEND_USAGE,
	.inst_size = sizeof(struct app_send),
	.init      = send_init,		/* destination, port, count, options */
	.start     = send_start,	/* bind the source port, arm the timer */
	.stop      = send_stop,		/* cancel the timer, close the socket */
	.stats     = send_stats,
	.dump      = send_dump,
};
