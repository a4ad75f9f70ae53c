/*
 * recv.c - usr.applications.Recv (alias usr.applications.Receive): the
 * sink and meter of usr.applications.Send.
 *
 *   usr.applications.Recv <port> [count]
 *
 * Binds a UDP port and reads the header of every datagram (apps.h) to
 * count losses, duplicates and reordering per sender, and the one-way
 * delay from the send time the header carries: every node shares the
 * one virtual clock, so the difference is exact.  `count` is the number
 * of datagrams expected, for the `lost` statistic.  Arguments and
 * statistics are documented in doc/apps.md.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "entities/apps/apps.h"
#include "sim/net.h"
#include "sim/units.h"

#define RECV_USAGE "<port> [count]"

static int
recv_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	struct app_recv *r = (struct app_recv *)e;
	uint64_t n;

	if (argc < 1)
		return entity_err(err, errlen, "missing <port> (usage: %s)", RECV_USAGE);
	if (argc > 2)
		return entity_err(err, errlen, "unexpected argument \"%s\" (usage: %s)",
				  argv[2], RECV_USAGE);
	if (units_uint("port", argv[0], 1, 65535, &n, err, errlen) < 0)
		return -1;
	r->port = (uint16_t)n;
	if (argc == 2) {
		if (units_uint("count", argv[1], 1, UINT32_MAX, &n, err, errlen) < 0)
			return -1;
		r->expect = n;
	}
	r->flows = g_ptr_array_new();
	return 0;
}

/* The state of the sender src:sport, made (and logged) when first heard. */
static struct app_recv_flow *
recv_flow(struct app_recv *r, const struct addr *src, uint16_t sport)
{
	struct app_recv_flow *f;
	char a[ADDR_STRLEN];

	for (guint i = 0; i < r->flows->len; i++) {
		f = g_ptr_array_index(r->flows, i);
		if (f->sport == sport && addr_eq(&f->src, src))
			return f;
	}
	f = g_new0(struct app_recv_flow, 1);
	f->src = *src;
	f->sport = sport;
	g_ptr_array_add(r->flows, f);
	entity_log(&r->e, LOG_INFO, "first datagram from %s:%u", addr_fmt(src, a), sport);
	return f;
}

/*
 * Mark seq as received; returns 1 if it was already.  The bitmap grows
 * to the highest sequence number heard, which Send numbers from 0.
 */
static int
flow_seen(struct app_recv_flow *f, uint32_t seq)
{
	size_t byte = seq / 8;
	uint8_t bit = (uint8_t)(1u << (seq % 8));
	int was;

	if (byte >= f->seen_len) {
		size_t len = f->seen_len ? f->seen_len : 64;

		while (len <= byte)
			len *= 2;
		f->seen = g_realloc(f->seen, len);
		memset(f->seen + f->seen_len, 0, len - f->seen_len);
		f->seen_len = len;
	}
	was = (f->seen[byte] & bit) != 0;
	f->seen[byte] |= bit;
	return was;
}

/*
 * One datagram:
 *  1. count it; shorter than the header: `short`, wrong magic or a send
 *     time in the future: `bad`; neither is looked at further;
 *  2. a sequence number already received from this sender: `duplicates`;
 *  3. one above the highest so far: the numbers skipped are added to
 *     `lost_gaps`;
 *  4. one below it, not yet received: `out_of_order`, and it fills one
 *     of the gaps (lost_gaps - 1);
 *  5. the delay of every datagram of steps 2-4 enters min/avg/max.
 */
static void
recv_input(struct udp_sock *sock, void *ctx, struct pkt *p, const struct addr *src,
	   uint16_t sport, const struct addr *dst, uint16_t dport)
{
	struct app_recv *r = ctx;
	struct app_recv_flow *f;
	struct app_hdr h;
	sim_time_t now = sim_now(r->e.node->net->sim), delay = 0;
	char a[ADDR_STRLEN];
	int rc;

	if (!r->e.running)
		return;
	r->received++;
	r->bytes_received += p->len;
	rc = app_hdr_read(p->data, p->len, &h);
	/* A send time from the future (or negative) is no Send header either. */
	if (rc == 0)
		delay = h.sent >= 0 && h.sent <= now ? now - h.sent : -1;
	if (rc == -1) {
		r->short_++;
		entity_log(&r->e, LOG_DEBUG, "%" PRIu32 " bytes from %s:%u: shorter than the header",
			   p->len, addr_fmt(src, a), sport);
		return;
	}
	if (rc < 0 || delay < 0) {
		r->bad++;
		entity_log(&r->e, LOG_DEBUG, "%" PRIu32 " bytes from %s:%u: not a Send header",
			   p->len, addr_fmt(src, a), sport);
		return;
	}

	f = recv_flow(r, src, sport);
	if (flow_seen(f, h.seq)) {
		r->duplicates++;
	} else {
		r->unique++;
		if (h.seq >= f->next_seq) {
			r->lost_gaps += h.seq - f->next_seq;
			f->next_seq = h.seq + 1;
		} else {
			r->out_of_order++;
			r->lost_gaps--;
		}
	}
	if (r->ndelay == 0 || delay < r->delay_min)
		r->delay_min = delay;
	if (r->ndelay == 0 || delay > r->delay_max)
		r->delay_max = delay;
	r->delay_sum += (uint64_t)delay;
	r->ndelay++;
	entity_log(&r->e, LOG_DEBUG, "datagram %" PRIu32 " from %s:%u, %" PRIu32
		   " bytes, delay %" PRId64 " ns", h.seq, addr_fmt(src, a), sport, p->len,
		   delay);
	if (r->expect && r->unique == r->expect)
		entity_log(&r->e, LOG_INFO, "all %" PRIu64 " datagrams expected received",
			   r->expect);
}

static void
recv_start(struct entity *e)
{
	struct app_recv *r = (struct app_recv *)e;

	r->sock = udp_open(e->node, r->port, recv_input, r);
	if (!r->sock)
		entity_log(e, LOG_ERROR, "cannot bind UDP port %u: in use", r->port);
	else
		entity_log(e, LOG_INFO, "listening on UDP port %u", r->port);
}

static sim_time_t
recv_delay_avg(const struct app_recv *r)
{
	return r->ndelay ? (sim_time_t)(r->delay_sum / r->ndelay) : 0;
}

static uint64_t
recv_lost(const struct app_recv *r)
{
	return r->expect > r->unique ? r->expect - r->unique : 0;
}

static void
recv_stop(struct entity *e)
{
	struct app_recv *r = (struct app_recv *)e;
	char mn[32], av[32], mx[32], lost[48] = "";

	if (r->sock) {
		udp_close(r->sock);
		r->sock = NULL;
	}
	if (r->expect)
		snprintf(lost, sizeof(lost), ", %" PRIu64 " of %" PRIu64 " lost",
			 recv_lost(r), r->expect);
	if (r->ndelay)
		entity_log(e, LOG_INFO, "received %" PRIu64 " datagrams, %" PRIu64
			   " bytes, delay min/avg/max %s/%s/%s ms%s, %" PRIu64 " missing in gaps, %"
			   PRIu64 " duplicates, %" PRIu64 " out of order, %" PRIu64 " bad",
			   r->received, r->bytes_received, app_fmt_ms(r->delay_min, mn, sizeof(mn)),
			   app_fmt_ms(recv_delay_avg(r), av, sizeof(av)),
			   app_fmt_ms(r->delay_max, mx, sizeof(mx)), lost, r->lost_gaps,
			   r->duplicates, r->out_of_order, r->bad + r->short_);
	else
		entity_log(e, LOG_INFO, "received %" PRIu64 " datagrams, %" PRIu64
			   " bytes, delay min/avg/max -/-/- ms%s, %" PRIu64 " bad",
			   r->received, r->bytes_received, lost, r->bad + r->short_);
}

static void
recv_stats(struct entity *e, entity_stat_fn fn, void *ctx)
{
	struct app_recv *r = (struct app_recv *)e;

	fn(ctx, "received", r->received);
	fn(ctx, "bytes_received", r->bytes_received);
	fn(ctx, "duplicates", r->duplicates);
	fn(ctx, "out_of_order", r->out_of_order);
	fn(ctx, "lost_gaps", r->lost_gaps);
	fn(ctx, "bad", r->bad);
	fn(ctx, "short", r->short_);
	fn(ctx, "expected", r->expect);
	fn(ctx, "lost", recv_lost(r));
	fn(ctx, "delay_min_ns", (uint64_t)r->delay_min);
	fn(ctx, "delay_avg_ns", (uint64_t)recv_delay_avg(r));
	fn(ctx, "delay_max_ns", (uint64_t)r->delay_max);
}

static void
recv_dump(struct entity *e, FILE *out)
{
	struct app_recv *r = (struct app_recv *)e;
	char a[ADDR_STRLEN];

	fprintf(out, "%s: port %u expect %" PRIu64 " received %" PRIu64 " bytes %" PRIu64
		" unique %" PRIu64 " duplicates %" PRIu64 " out_of_order %" PRIu64
		" lost_gaps %" PRIu64 " bad %" PRIu64 " short %" PRIu64 "\n", e->inst,
		r->port, r->expect, r->received, r->bytes_received, r->unique,
		r->duplicates, r->out_of_order, r->lost_gaps, r->bad, r->short_);
	for (guint i = 0; r->flows && i < r->flows->len; i++) {
		const struct app_recv_flow *f = g_ptr_array_index(r->flows, i);

		fprintf(out, "%s: flow %s:%u next_seq %" PRIu32 "\n", e->inst,
			addr_fmt(&f->src, a), f->sport, f->next_seq);
	}
}

static void
recv_fini(struct entity *e)
{
	struct app_recv *r = (struct app_recv *)e;

	if (!r->flows)
		return;
	for (guint i = 0; i < r->flows->len; i++) {
		struct app_recv_flow *f = g_ptr_array_index(r->flows, i);

		g_free(f->seen);
		g_free(f);
	}
	g_ptr_array_free(r->flows, TRUE);
	r->flows = NULL;
}

static const char *const recv_aliases[] = { "usr.applications.Receive", NULL };

const struct entity_class app_recv_class = {
	.name      = "usr.applications.Recv",
	.aliases   = recv_aliases,
	.kind      = "recv",
	.usage     = RECV_USAGE,
	.inst_size = sizeof(struct app_recv),
	.init      = recv_init,		/* port, expected count */
	.start     = recv_start,	/* bind the port */
	.stop      = recv_stop,		/* close the port, log the report */
	.stats     = recv_stats,
	.dump      = recv_dump,
	.fini      = recv_fini,
};
