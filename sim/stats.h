/*
 * stats.h - counters: frames and bytes in and out, drops by reason.
 *
 * Every object that carries traffic (node, interface, link, entity) owns
 * a struct counters registered with the run's struct stats, in creation
 * order, so the CSV the output layer writes is always in the same order.
 * Drop reasons are interned names: the engine's own are fixed below,
 * entities add theirs (a CAFE's "comet_bad_version") with
 * stats_reason_intern() at start-up.
 */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include <stddef.h>
#include <stdint.h>

enum drop_reason {
	DROP_QUEUE_FULL = 0,	/* drop-tail queue limit */
	DROP_LOSS,		/* loss model of a link */
	DROP_LINK_DOWN,		/* link down when sent or while in flight */
	DROP_NODE_DOWN,		/* node stopped */
	DROP_IFACE_DOWN,	/* interface not attached or down */
	DROP_NO_ROUTE,		/* no matching route */
	DROP_NO_ARP,		/* address resolution failed or queue overflow */
	DROP_TTL,		/* TTL or hop limit expired */
	DROP_MALFORMED,		/* truncated or inconsistent header */
	DROP_BAD_CHECKSUM,	/* IPv4 header, UDP, ICMP checksum */
	DROP_MTU,		/* larger than the link MTU (no fragmentation) */
	DROP_NOT_FOR_US,	/* destination MAC or IP is not ours */
	DROP_UNKNOWN_ETHERTYPE,	/* no handler for the EtherType */
	DROP_UNKNOWN_PROTO,	/* no handler for the IP protocol */
	DROP_PORT_UNREACH,	/* no socket bound to the UDP port */
	DROP_NO_VLAN,		/* 802.1Q tag with no sub-interface */
	DROP_NO_TUNNEL,		/* GRE packet matching no tunnel */
	DROP_BUILTIN_COUNT
};

/*
 * Where in the run something was registered: the phase (0 building, 1
 * running, 2 ended), the running event's time, actor and key, and its
 * number among the registrations of that event.  A split run merges the
 * processes' counters in this order, which is the order of one process
 * (doc/parallel.md, "Merged outputs").
 */
struct stats_stamp {
	uint8_t phase;
	int64_t time;
	uint32_t actor;
	uint64_t key;
	uint32_t sub;
};

struct counters {
	uint64_t tx_frames, tx_bytes;
	uint64_t rx_frames, rx_bytes;
	uint64_t *drops;	/* by reason id, grown on demand */
	uint32_t ndrops;
	const char *kind;	/* "node", "iface", "link", or an entity's */
	char *name;
	struct counters *next;	/* registration order */
	struct stats_stamp stamp;	/* when it was registered */
};

struct stats {
	char **reasons;		/* interned reason names */
	struct stats_stamp *reason_stamps;	/* when each was first interned */
	uint32_t nreasons;
	struct counters *head, **tail;
	/* The stamp of now (the net sets it); NULL: all zero. */
	void (*stamp_fn)(void *ctx, struct stats_stamp *s);
	void *stamp_ctx;
	struct stats_stamp last;	/* the last stamp given, for its sub */
};

/* stats.c */

void stats_init(struct stats *st);
/* Free reason names and every registered counter's storage. */
void stats_fini(struct stats *st);
/* Register c (zeroed) under kind and name; name is copied. */
void stats_register(struct stats *st, struct counters *c, const char *kind,
		    const char *name);
/* Id of a reason name, adding it if new. */
uint32_t stats_reason_intern(struct stats *st, const char *name);
const char *stats_reason_name(const struct stats *st, uint32_t id);
/* Count one dropped frame for reason id. */
void stats_drop(struct counters *c, uint32_t reason);
/* Total drops of reason id over every counter of one kind (NULL: all kinds). */
uint64_t stats_drop_total(const struct stats *st, const char *kind, uint32_t reason);
/*
 * The totals of every reason over every counter at once, tot[r] for r
 * below st->nreasons (one pass: a large network has many counters).
 */
void stats_drop_totals(const struct stats *st, uint64_t *tot);

static inline void
stats_tx(struct counters *c, size_t bytes)
{
	c->tx_frames++;
	c->tx_bytes += bytes;
}

static inline void
stats_rx(struct counters *c, size_t bytes)
{
	c->rx_frames++;
	c->rx_bytes += bytes;
}

#endif /* SIM_STATS_H */
