/*
 * stats.c - counters and interned drop reasons.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/stats.h"

static const char *const builtin_reasons[DROP_BUILTIN_COUNT] = {
	[DROP_QUEUE_FULL] = "queue_full",
	[DROP_LOSS] = "loss",
	[DROP_LINK_DOWN] = "link_down",
	[DROP_NODE_DOWN] = "node_down",
	[DROP_IFACE_DOWN] = "iface_down",
	[DROP_NO_ROUTE] = "no_route",
	[DROP_NO_ARP] = "no_arp",
	[DROP_TTL] = "ttl",
	[DROP_MALFORMED] = "malformed",
	[DROP_BAD_CHECKSUM] = "bad_checksum",
	[DROP_MTU] = "mtu",
	[DROP_NOT_FOR_US] = "not_for_us",
	[DROP_UNKNOWN_ETHERTYPE] = "unknown_ethertype",
	[DROP_UNKNOWN_PROTO] = "unknown_proto",
	[DROP_PORT_UNREACH] = "port_unreachable",
	[DROP_NO_VLAN] = "no_vlan",
	[DROP_NO_TUNNEL] = "no_tunnel",
};

void
stats_init(struct stats *st)
{
	memset(st, 0, sizeof(*st));
	st->tail = &st->head;
	for (int i = 0; i < DROP_BUILTIN_COUNT; i++)
		stats_reason_intern(st, builtin_reasons[i]);
}

void
stats_fini(struct stats *st)
{
	struct counters *c;

	for (c = st->head; c; c = c->next) {
		free(c->drops);
		free(c->name);
		c->drops = NULL;
		c->name = NULL;
	}
	for (uint32_t i = 0; i < st->nreasons; i++)
		free(st->reasons[i]);
	free(st->reasons);
	free(st->reason_stamps);
	memset(st, 0, sizeof(*st));
}

/* The stamp of a registration now: sub counts those of one event. */
static void
stamp_now(struct stats *st, struct stats_stamp *s)
{
	memset(s, 0, sizeof(*s));
	if (st->stamp_fn)
		st->stamp_fn(st->stamp_ctx, s);
	if (s->phase == st->last.phase && s->time == st->last.time &&
	    s->actor == st->last.actor && s->key == st->last.key)
		s->sub = st->last.sub + 1;
	st->last = *s;
}

void
stats_register(struct stats *st, struct counters *c, const char *kind, const char *name)
{
	memset(c, 0, sizeof(*c));
	stamp_now(st, &c->stamp);
	c->kind = kind;
	c->name = strdup(name);
	*st->tail = c;
	st->tail = &c->next;
}

uint32_t
stats_reason_intern(struct stats *st, const char *name)
{
	for (uint32_t i = 0; i < st->nreasons; i++)
		if (strcmp(st->reasons[i], name) == 0)
			return i;
	st->reasons = realloc(st->reasons, (st->nreasons + 1) * sizeof(*st->reasons));
	st->reason_stamps = realloc(st->reason_stamps,
				    (st->nreasons + 1) * sizeof(*st->reason_stamps));
	st->reasons[st->nreasons] = strdup(name);
	stamp_now(st, &st->reason_stamps[st->nreasons]);
	return st->nreasons++;
}

const char *
stats_reason_name(const struct stats *st, uint32_t id)
{
	return id < st->nreasons ? st->reasons[id] : "?";
}

void
stats_drop(struct counters *c, uint32_t reason)
{
	if (reason >= c->ndrops) {
		uint32_t n = reason + 8;

		c->drops = realloc(c->drops, n * sizeof(*c->drops));
		memset(c->drops + c->ndrops, 0, (n - c->ndrops) * sizeof(*c->drops));
		c->ndrops = n;
	}
	c->drops[reason]++;
}

void
stats_drop_totals(const struct stats *st, uint64_t *tot)
{
	memset(tot, 0, st->nreasons * sizeof(*tot));
	for (const struct counters *c = st->head; c; c = c->next)
		for (uint32_t r = 0; r < c->ndrops && r < st->nreasons; r++)
			tot[r] += c->drops[r];
}

uint64_t
stats_drop_total(const struct stats *st, const char *kind, uint32_t reason)
{
	uint64_t t = 0;

	for (const struct counters *c = st->head; c; c = c->next)
		if ((!kind || strcmp(kind, c->kind) == 0) && reason < c->ndrops)
			t += c->drops[reason];
	return t;
}
