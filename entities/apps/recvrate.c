/*
 * recvrate.c - usr.applications.RecvDataRate: a UDP sink that reports
 * the rate at which data arrives, interval by interval, as the usr
 * emulator's receiver of that name did (doc/apps.md,
 * doc/curling-format.md).
 *
 *   usr.applications.RecvDataRate <port> [interval=DURATION]
 *
 * Binds the port and counts every datagram and its payload bytes.  Every
 * interval (default 1s) from its start while data arrives, it logs what
 * came in that interval and the rate it makes; an interval in which
 * nothing came is reported once, then the reports pause until the next
 * datagram (so that a receiver left alone does not keep a run going),
 * and resume on the same grid of intervals.  The last interval's rate
 * is a statistic, so --timeseries entity.recvrate.rate_bps samples it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "entities/apps/apps.h"
#include "sim/net.h"
#include "sim/units.h"

#define RATE_USAGE "<port> [interval=DURATION]"
#define RATE_DEFAULT_INTERVAL	SIM_S

/* The rate of bytes over t ns, in bit/s, rounded down. */
static uint64_t
rate_bps(uint64_t bytes, sim_time_t t)
{
	unsigned __int128 bits = (unsigned __int128)bytes * 8 * (uint64_t)SIM_S;

	return (uint64_t)(bits / (uint64_t)t);
}

/* The end of the interval now falls in (intervals counted from the start). */
static sim_time_t
rate_next_tick(const struct app_recvrate *r, sim_time_t now)
{
	sim_time_t k = (now - r->t0) / r->interval + 1;

	return r->t0 + k * r->interval;
}

static void
rate_tick(struct sim *sim, void *ctx, void *arg)
{
	struct app_recvrate *r = ctx;
	uint64_t n = r->received - r->last_received;
	uint64_t b = r->bytes_received - r->last_bytes;
	char iv[32];

	r->rate = rate_bps(b, r->interval);
	if (r->rate > r->rate_max)
		r->rate_max = r->rate;
	r->reports++;
	entity_log(&r->e, LOG_INFO, "%" PRIu64 " datagrams, %" PRIu64 " bytes in the last %s: "
		   "%" PRIu64 " bit/s (%" PRIu64 " datagrams in all)", n, b,
		   units_fmt_duration(r->interval, iv, sizeof(iv)), r->rate, r->received);
	r->last_received = r->received;
	r->last_bytes = r->bytes_received;
	/* Quiet: pause until the next datagram. */
	if (n > 0)
		sim_timer_after(sim, &r->timer, r->interval);
}

static void
rate_input(struct udp_sock *sock, void *ctx, struct pkt *p, const struct addr *src,
	   uint16_t sport, const struct addr *dst, uint16_t dport)
{
	struct app_recvrate *r = ctx;
	struct sim *sim = r->e.node->net->sim;
	char a[ADDR_STRLEN];

	if (!r->e.running)
		return;
	if (r->received == 0)
		entity_log(&r->e, LOG_INFO, "first datagram from %s:%u", addr_fmt(src, a), sport);
	r->received++;
	r->bytes_received += p->len;
	if (!sim_timer_armed(&r->timer))
		sim_timer_after(sim, &r->timer, rate_next_tick(r, sim_now(sim)) - sim_now(sim));
}

static int
rate_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	static const char *const pos_names[] = { "<port>" };
	static const char *const opt_names[] = { "interval" };
	struct app_recvrate *r = (struct app_recvrate *)e;
	const char *pos[1], *opt[1];
	uint64_t n;

	if (app_args_split(argc, argv, RATE_USAGE, pos_names, 1, pos, opt_names, 1, opt,
			   err, errlen) < 0)
		return -1;
	if (units_uint("port", pos[0], 1, 65535, &n, err, errlen) < 0)
		return -1;
	r->port = (uint16_t)n;
	r->interval = RATE_DEFAULT_INTERVAL;
	if (opt[0] && units_duration("interval", opt[0], 0, 1, SIM_TIME_LIMIT, &r->interval,
				     err, errlen) < 0)
		return -1;
	sim_timer_init(&r->timer, rate_tick, r, NULL);
	return 0;
}

static void
rate_start(struct entity *e)
{
	struct app_recvrate *r = (struct app_recvrate *)e;
	char iv[32];

	r->t0 = sim_now(e->node->net->sim);
	r->last_received = r->received;
	r->last_bytes = r->bytes_received;
	r->sock = udp_open(e->node, r->port, rate_input, r);
	if (!r->sock)
		entity_log(e, LOG_ERROR, "cannot bind UDP port %u: in use", r->port);
	else
		entity_log(e, LOG_INFO, "listening on UDP port %u, reporting the data rate every %s",
			   r->port, units_fmt_duration(r->interval, iv, sizeof(iv)));
}

static void
rate_stop(struct entity *e)
{
	struct app_recvrate *r = (struct app_recvrate *)e;

	if (sim_timer_armed(&r->timer))
		sim_timer_cancel(e->node->net->sim, &r->timer);
	if (r->sock) {
		udp_close(r->sock);
		r->sock = NULL;
	}
	entity_log(e, LOG_INFO, "received %" PRIu64 " datagrams, %" PRIu64 " bytes; highest "
		   "rate %" PRIu64 " bit/s over %" PRIu64 " reports", r->received,
		   r->bytes_received, r->rate_max, r->reports);
}

static void
rate_stats(struct entity *e, entity_stat_fn fn, void *ctx)
{
	struct app_recvrate *r = (struct app_recvrate *)e;

	fn(ctx, "received", r->received);
	fn(ctx, "bytes_received", r->bytes_received);
	fn(ctx, "reports", r->reports);
	fn(ctx, "rate_bps", r->rate);
	fn(ctx, "rate_max_bps", r->rate_max);
	fn(ctx, "interval_ns", (uint64_t)r->interval);
}

static void
rate_dump(struct entity *e, FILE *out)
{
	struct app_recvrate *r = (struct app_recvrate *)e;

	fprintf(out, "%s: port %u interval %" PRId64 "ns received %" PRIu64 " bytes %" PRIu64
		" reports %" PRIu64 " rate %" PRIu64 "bps max %" PRIu64 "bps\n", e->inst, r->port,
		r->interval, r->received, r->bytes_received, r->reports, r->rate, r->rate_max);
}

const struct entity_class app_recvrate_class = {
	.name      = "usr.applications.RecvDataRate",
	.kind      = "recvrate",
	.usage     = RATE_USAGE,
	.inst_size = sizeof(struct app_recvrate),
	.init      = rate_init,		/* port, interval */
	.start     = rate_start,	/* bind the port, start the intervals */
	.stop      = rate_stop,		/* close the port, log the totals */
	.stats     = rate_stats,
	.dump      = rate_dump,
};
