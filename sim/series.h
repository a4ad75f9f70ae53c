/*
 * series.h - what a run can measure over time: the quantities of the
 * engine's objects a time series samples, and the selection a user
 * writes to choose them (the run option timeseries, doc/outputs.md,
 * "timeseries.csv").
 *
 * A selection is a comma-separated list of items, each a series name
 * and, after '@', a pattern over the keys it keeps:
 *
 *   link.util,link.queue@r1*,node.rx_bytes.rate,entity.rae.update_in@*as1*
 *
 * The series of a link are per direction (key "LINK/FROM>TO"), but for
 * its drops (key "LINK"), those of a node per node (key "NODE"), those of
 * an entity per instance (key "NODE/INSTANCE", as counters.csv names it);
 * a counter followed by ".rate" is its increase per second over the
 * interval.  This file knows
 * the names and reads the values from the engine's structs; it writes no
 * file: the output layer samples them (output/timeseries.c) and the
 * loader checks a selection with series_parse() before anything runs.
 */
#ifndef SIM_SERIES_H
#define SIM_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

enum series_what {
	SERIES_LINK_UTIL = 0,	/* share of the interval a direction was sending */
	SERIES_LINK_QUEUE,	/* frames waiting in a direction's queue, at the instant */
	SERIES_LINK_QUEUE_BYTES,	/* their bytes */
	SERIES_LINK_TX_FRAMES,	/* frames a direction started to send: a counter */
	SERIES_LINK_TX_BYTES,
	SERIES_LINK_DROPS,	/* every drop a link counted (both directions: key "LINK") */
	SERIES_NODE_TX_FRAMES,	/* a node's counters (counters.csv, kind node) */
	SERIES_NODE_TX_BYTES,
	SERIES_NODE_RX_FRAMES,
	SERIES_NODE_RX_BYTES,
	SERIES_NODE_DROPS,	/* every drop the node counted, whatever the reason */
	SERIES_ENTITY,		/* a statistic an entity class reports */
};

/* The object a series belongs to. */
enum series_obj { SERIES_OF_LINK, SERIES_OF_NODE, SERIES_OF_ENTITY };

/* One series of a selection, with the patterns of every item that named it. */
struct series_sel {
	char *name;		/* as timeseries.csv writes it: "entity.rae.update_in.rate" */
	enum series_what what;
	bool rate;		/* the increase per second, not the value */
	char *kind;		/* SERIES_ENTITY: the class's kind ("rae") */
	char *stat;		/* SERIES_ENTITY: the statistic ("update_in") */
	struct series_item *items;	/* the items that named it, in their order */
	unsigned nitems;
};

/* One item of a selection. */
struct series_item {
	char *text;		/* as written, for messages */
	char *pattern;		/* a glob over the keys; NULL: every key */
	bool used;		/* it kept a key (series_keeps()) */
};

/* series.c */

/*
 * Parse a selection into series, in the order of their first item (two
 * items of one series add their patterns).  An entity's kind must be one
 * of the registered classes (entity_classes()); its statistic is not
 * known before the run.  Returns a GPtrArray of struct series_sel * (free
 * it with g_ptr_array_free: it frees them), or NULL with the message in
 * err: `item "X": PROBLEM`.
 */
GPtrArray *series_parse(const char *spec, char *err, size_t errlen);
/* The object a series belongs to. */
enum series_obj series_obj(const struct series_sel *s);
/* Whether key is kept by s (its patterns, or every key); marks the items that keep it. */
bool series_keeps(struct series_sel *s, const char *key);
/* The same, marking nothing. */
bool series_matches(const struct series_sel *s, const char *key);
/*
 * value / den written exactly as a decimal, rounded to 9 decimals (half
 * up), without trailing zeros ("0.5", "12", "0.333333333"): the one way a
 * measured ratio is printed.  den > 0.  Returns buf (>= 48 bytes).
 */
char *series_fmt_ratio(unsigned __int128 value, uint64_t den, char *buf, size_t len);

#endif /* SIM_SERIES_H */
