/*
 * ping.c - usr.applications.Ping (alias ping): ICMP echo (IPv4) or
 * ICMPv6 echo (IPv6) requests with round-trip times in virtual time.
 *
 *   usr.applications.Ping <dst> [count [interval [size]]]
 *
 * Defaults: 5 requests, 1s apart, 56 payload bytes, as ping(8).  The
 * first request leaves at start; icmp_seq counts from 1.  Replies come
 * through the node's echo hook (sim/net.h), added at start and removed
 * at stop, and are logged the way ping prints them; the summary is
 * logged at stop.  Arguments and
 * statistics are documented in doc/apps.md.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "entities/apps/apps.h"
#include "sim/net.h"
#include "sim/units.h"
#include "sim/wire.h"

#define PING_USAGE "<dst> [count [interval [size]]]"
#define PING_DEFAULT_COUNT	5
#define PING_DEFAULT_INTERVAL	SIM_S
#define PING_DEFAULT_SIZE	56

static void ping_tick(struct sim *sim, void *ctx, void *arg);

static int
ping_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	struct app_ping *p = (struct app_ping *)e;
	uint64_t n, max;

	if (argc < 1)
		return entity_err(err, errlen, "missing <dst> (usage: %s)", PING_USAGE);
	if (argc > 4)
		return entity_err(err, errlen, "unexpected argument \"%s\" (usage: %s)",
				  argv[4], PING_USAGE);
	if (app_parse_dst(argv[0], &p->dst) < 0)
		return entity_err(err, errlen, "destination \"%s\" is neither an IPv4 or IPv6 "
				  "address nor a node id", argv[0]);
	addr_fmt(&p->dst, p->dst_str);

	p->count = PING_DEFAULT_COUNT;
	if (argc > 1) {
		/* icmp_seq is 16 bits wide and must not wrap. */
		if (units_uint("count", argv[1], 1, 65535, &n, err, errlen) < 0)
			return -1;
		p->count = (uint32_t)n;
	}
	p->interval = PING_DEFAULT_INTERVAL;
	if (argc > 2 && units_duration("interval", argv[2], 0, 0, SIM_TIME_LIMIT, &p->interval,
				       err, errlen) < 0)
		return -1;
	p->size = PING_DEFAULT_SIZE;
	if (argc > 3) {
		max = p->dst.af == ADDR_V6 ? APP_ICMP_MAX_V6 : APP_ICMP_MAX_V4;
		if (units_size("size", argv[3], 0, max, &n, err, errlen) < 0)
			return -1;
		p->size = (uint32_t)n;
	}

	p->sent_at = g_new0(sim_time_t, p->count);
	p->replied = g_new0(uint8_t, p->count);
	sim_timer_init(&p->timer, ping_tick, p, NULL);
	return 0;
}

/*
 * The ICMP identifier: FNV-1a of "<node>/<instance>" folded to 16 bits,
 * so it depends on the scenario only and two pings on one node differ
 * (barring a 1 in 65536 collision; a reply must also match a request
 * sent).
 */
static uint16_t
ping_ident(const struct entity *e)
{
	uint32_t h = 0x811c9dc5u;
	const char *parts[3] = { e->node->name, "/", e->inst };

	for (int i = 0; i < 3; i++)
		for (const char *c = parts[i]; c && *c; c++) {
			h ^= (uint8_t)*c;
			h *= 0x01000193u;
		}
	return (uint16_t)(h >> 16 ^ h);
}

static void
ping_tick(struct sim *sim, void *ctx, void *arg)
{
	struct app_ping *p = ctx;
	uint32_t seq = ++p->next_seq;

	p->sent_at[seq - 1] = sim_now(sim);
	p->transmitted++;
	if (icmp_echo_send(p->e.node, &p->dst, p->id, (uint16_t)seq, p->size) < 0) {
		p->errors++;
		entity_log(&p->e, LOG_INFO, "icmp_seq=%" PRIu32 ": cannot send to %s",
			   seq, p->dst_str);
	} else {
		entity_log(&p->e, LOG_DEBUG, "echo request icmp_seq=%" PRIu32 " to %s",
			   seq, p->dst_str);
	}
	if (p->next_seq < p->count)
		sim_timer_after(sim, &p->timer, p->interval);
}

/* An echo reply reached the node: ours if the identifier is. */
static void
ping_reply(void *ctx, uint16_t id, uint16_t seq, const struct addr *from, size_t len)
{
	struct app_ping *p = ctx;
	sim_time_t rtt;
	char a[ADDR_STRLEN], ms[32];
	int dup;

	if (!p->e.running || id != p->id || seq == 0 || seq > p->next_seq)
		return;
	rtt = sim_now(p->e.node->net->sim) - p->sent_at[seq - 1];
	dup = p->replied[seq - 1];
	if (dup) {
		p->duplicates++;
	} else {
		p->replied[seq - 1] = 1;
		if (p->received == 0 || rtt < p->rtt_min)
			p->rtt_min = rtt;
		if (p->received == 0 || rtt > p->rtt_max)
			p->rtt_max = rtt;
		p->rtt_sum += (uint64_t)rtt;
		p->received++;
	}
	/* ping(8) counts the ICMP header in the size it prints. */
	entity_log(&p->e, LOG_INFO, "%zu bytes from %s: icmp_seq=%u time=%s ms%s",
		   len + ICMP_HLEN, addr_fmt(from, a), seq, app_fmt_ms(rtt, ms, sizeof(ms)),
		   dup ? " (DUP!)" : "");
}

/*
 * Hook echo replies and send the first request now.  After a restart
 * the requests go on from the next icmp_seq until `count` have been
 * sent in all.
 */
static void
ping_start(struct entity *e)
{
	struct app_ping *p = (struct app_ping *)e;

	p->id = ping_ident(e);
	if (node_echo_hook(e->node, ping_reply, p) < 0) {
		entity_log(e, LOG_ERROR, "cannot receive echo replies");
		return;
	}
	if (p->next_seq >= p->count)
		return;
	entity_log(e, LOG_INFO, "PING %s: %" PRIu32 " data bytes, id 0x%04x", p->dst_str,
		   p->size, p->id);
	sim_timer_after(e->node->net->sim, &p->timer, 0);
}

static sim_time_t
ping_rtt_avg(const struct app_ping *p)
{
	return p->received ? (sim_time_t)(p->rtt_sum / p->received) : 0;
}

static void
ping_stop(struct entity *e)
{
	struct app_ping *p = (struct app_ping *)e;
	char mn[32], av[32], mx[32];
	uint64_t loss;

	sim_timer_cancel(e->node->net->sim, &p->timer);
	node_echo_unhook(e->node, ping_reply, p);
	if (p->transmitted == 0)
		return;
	loss = (p->transmitted - p->received) * 100 / p->transmitted;
	if (p->received)
		entity_log(e, LOG_INFO, "--- %s ping statistics --- %" PRIu64 " packets "
			   "transmitted, %" PRIu64 " received, %" PRIu64 "%% packet loss, "
			   "rtt min/avg/max = %s/%s/%s ms", p->dst_str, p->transmitted,
			   p->received, loss, app_fmt_ms(p->rtt_min, mn, sizeof(mn)),
			   app_fmt_ms(ping_rtt_avg(p), av, sizeof(av)),
			   app_fmt_ms(p->rtt_max, mx, sizeof(mx)));
	else
		entity_log(e, LOG_INFO, "--- %s ping statistics --- %" PRIu64 " packets "
			   "transmitted, 0 received, 100%% packet loss", p->dst_str,
			   p->transmitted);
}

static void
ping_stats(struct entity *e, entity_stat_fn fn, void *ctx)
{
	struct app_ping *p = (struct app_ping *)e;

	fn(ctx, "transmitted", p->transmitted);
	fn(ctx, "received", p->received);
	fn(ctx, "duplicates", p->duplicates);
	fn(ctx, "errors", p->errors);
	fn(ctx, "rtt_min_ns", (uint64_t)p->rtt_min);
	fn(ctx, "rtt_avg_ns", (uint64_t)ping_rtt_avg(p));
	fn(ctx, "rtt_max_ns", (uint64_t)p->rtt_max);
}

static void
ping_dump(struct entity *e, FILE *out)
{
	struct app_ping *p = (struct app_ping *)e;

	fprintf(out, "%s: dst %s count %" PRIu32 " interval %" PRId64 "ns size %" PRIu32
		" id 0x%04x\n", e->inst, p->dst_str, p->count, p->interval, p->size, p->id);
	fprintf(out, "%s: transmitted %" PRIu64 " received %" PRIu64 " duplicates %" PRIu64
		" errors %" PRIu64 "\n", e->inst, p->transmitted, p->received,
		p->duplicates, p->errors);
}

static void
ping_fini(struct entity *e)
{
	struct app_ping *p = (struct app_ping *)e;

	g_free(p->sent_at);
	g_free(p->replied);
	p->sent_at = NULL;
	p->replied = NULL;
}

static const char *const ping_aliases[] = { "ping", NULL };

const struct entity_class app_ping_class = {
	.name      = "usr.applications.Ping",
	.aliases   = ping_aliases,
	.kind      = "ping",
	.usage     = PING_USAGE,
	.inst_size = sizeof(struct app_ping),
	.init      = ping_init,		/* destination, count, interval, size */
	.start     = ping_start,	/* hook echo replies, send the first request */
	.stop      = ping_stop,		/* cancel the timer, log the summary */
	.stats     = ping_stats,
	.dump      = ping_dump,
	.fini      = ping_fini,
};
