/*
 * timeseries.c - the sampler behind timeseries.csv.
 *
 * At every multiple of the interval the sampler reads the series the run
 * selected (sim/series.h) from the engine's state and writes one row per
 * series and key:
 *
 *   time,series,key,value
 *   0.100000000,link.util,ab/a>b,0.512
 *
 * It is the engine's watcher (sim_set_watch()), not an event: it sees
 * the state every event before the instant left, none of the instant's
 * own, and the events run exactly as they would without it (the same
 * order, the same count; tests/scenarios/timeseries.sh checks it).  Rows
 * come in time order; within one instant, series in the order of the
 * selection, and keys in the order of the objects: links by creation
 * (each direction from its first end, then back), nodes by creation,
 * entities node by node and in start order, as counters.csv lists them.
 * The previous reading of a key, which a rate or a utilisation needs, is
 * found by name in a hash table that is never walked.
 *
 * Values: a gauge or a counter as an integer; a utilisation (the time a
 * direction spent sending over the interval) and a rate (a counter's
 * increase over the interval, per second) as the exact quotient rounded
 * to 9 decimals (series_fmt_ratio()).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "output/report.h"
#include "sim/log.h"
#include "output/timeseries.h"
#include "sim/entity.h"
#include "sim/net.h"
#include "sim/series.h"

struct tseries {
	struct net *net;
	FILE *f;
	char *buf;		/* f's stdio buffer */
	sim_time_t interval;
	GPtrArray *sel;		/* struct series_sel * */
	GHashTable **prev;	/* per series: key -> uint64_t *, the last reading */
	GString *key;		/* the key being formatted */
	uint64_t samples;	/* instants sampled */
	bool watching;
};

#define TS_BUFSZ	(64 * 1024)

/* The reading of key in series i before this one, 0 if none; remember cur. */
static uint64_t
prev_swap(struct tseries *ts, guint i, const char *key, uint64_t cur)
{
	uint64_t *p = g_hash_table_lookup(ts->prev[i], key), old;

	if (!p) {
		p = g_new(uint64_t, 1);
		g_hash_table_insert(ts->prev[i], g_strdup(key), p);
		old = 0;
	} else {
		old = *p;
	}
	*p = cur;
	return old;
}

static void
row(struct tseries *ts, const char *time, const struct series_sel *s, const char *key,
    const char *value)
{
	fprintf(ts->f, "%s,", time);
	report_csv_field(ts->f, s->name);
	putc(',', ts->f);
	report_csv_field(ts->f, key);
	fprintf(ts->f, ",%s\n", value);
}

/*
 * One reading of a counter: the value, or its increase per second over
 * the interval.  A counter that went down (an instance started anew)
 * counts from 0.
 */
static void
counter_row(struct tseries *ts, guint i, const char *time, const char *key, uint64_t cur)
{
	struct series_sel *s = g_ptr_array_index(ts->sel, i);
	char v[64];

	if (s->rate) {
		uint64_t old = prev_swap(ts, i, key, cur);
		uint64_t d = cur >= old ? cur - old : cur;

		series_fmt_ratio((unsigned __int128)d * 1000000000u, (uint64_t)ts->interval, v,
				 sizeof(v));
	} else {
		snprintf(v, sizeof(v), "%" PRIu64, cur);
	}
	row(ts, time, s, key, v);
}

static void
sample_links(struct tseries *ts, guint i, const char *time, sim_time_t at)
{
	struct series_sel *s = g_ptr_array_index(ts->sel, i);
	struct net *net = ts->net;
	char v[64];

	for (unsigned k = 0; k < net->nlinks; k++) {
		struct link *l = net->links[k];

		if (s->what == SERIES_LINK_DROPS) {
			uint64_t n = 0;

			for (uint32_t r = 0; r < l->cnt.ndrops; r++)
				n += l->cnt.drops[r];
			if (series_keeps(s, l->name))
				counter_row(ts, i, time, l->name, n);
			continue;
		}
		for (int d = 0; d < 2; d++) {
			const struct link_dir *ld = &l->dir[d];

			g_string_printf(ts->key, "%s/%s>%s", l->name, l->end[d]->node->name,
					l->end[1 - d]->node->name);
			if (!series_keeps(s, ts->key->str))
				continue;
			switch (s->what) {
			case SERIES_LINK_UTIL: {
				uint64_t busy = (uint64_t)link_dir_busy(ld, at);
				uint64_t old = prev_swap(ts, i, ts->key->str, busy);

				series_fmt_ratio(busy - old, (uint64_t)ts->interval, v, sizeof(v));
				row(ts, time, s, ts->key->str, v);
				break;
			}
			case SERIES_LINK_QUEUE:
				counter_row(ts, i, time, ts->key->str, ld->q_pkts);
				break;
			case SERIES_LINK_QUEUE_BYTES:
				counter_row(ts, i, time, ts->key->str, ld->q_bytes);
				break;
			case SERIES_LINK_TX_FRAMES:
				counter_row(ts, i, time, ts->key->str, ld->tx_frames);
				break;
			default:
				counter_row(ts, i, time, ts->key->str, ld->tx_bytes);
				break;
			}
		}
	}
}

static void
sample_nodes(struct tseries *ts, guint i, const char *time)
{
	struct series_sel *s = g_ptr_array_index(ts->sel, i);
	struct net *net = ts->net;

	for (unsigned k = 0; k < net->nnodes; k++) {
		const struct counters *c = &net->nodes[k]->cnt;
		uint64_t v = 0;

		if (!series_keeps(s, net->nodes[k]->name))
			continue;
		switch (s->what) {
		case SERIES_NODE_TX_FRAMES:
			v = c->tx_frames;
			break;
		case SERIES_NODE_TX_BYTES:
			v = c->tx_bytes;
			break;
		case SERIES_NODE_RX_FRAMES:
			v = c->rx_frames;
			break;
		case SERIES_NODE_RX_BYTES:
			v = c->rx_bytes;
			break;
		default:
			for (uint32_t r = 0; r < c->ndrops; r++)
				v += c->drops[r];
			break;
		}
		counter_row(ts, i, time, net->nodes[k]->name, v);
	}
}

/* An entity's statistics, looking for one of them. */
struct stat_find {
	const char *name;
	uint64_t value;
	bool found;
};

static void
stat_find_fn(void *ctx, const char *name, uint64_t value)
{
	struct stat_find *sf = ctx;

	if (!sf->found && strcmp(name, sf->name) == 0) {
		sf->value = value;
		sf->found = true;
	}
}

/*
 * The running instances of the series' kind: one that stopped (its node
 * went down) has no row until it runs again, so that a key stands for one
 * instance at a time.
 */
static void
sample_entities(struct tseries *ts, guint i, const char *time)
{
	struct series_sel *s = g_ptr_array_index(ts->sel, i);
	struct net *net = ts->net;

	for (unsigned k = 0; k < net->nnodes; k++) {
		const struct node *n = net->nodes[k];

		for (guint j = 0; n->entities && j < n->entities->len; j++) {
			struct entity *e = g_ptr_array_index(n->entities, j);
			const char *kind;
			struct stat_find sf = { s->stat, 0, false };

			if (!e || !e->running || !e->cls->stats)
				continue;
			kind = e->cls->kind ? e->cls->kind : e->cls->name;
			if (strcmp(kind, s->kind) != 0)
				continue;
			g_string_printf(ts->key, "%s/%s", n->name, e->inst ? e->inst : kind);
			if (!series_matches(s, ts->key->str))
				continue;
			/* An item is used when it kept a row, not only a name. */
			e->cls->stats(e, stat_find_fn, &sf);
			if (sf.found && series_keeps(s, ts->key->str))
				counter_row(ts, i, time, ts->key->str, sf.value);
		}
	}
}

/* The watcher: every series at instant `at`; the next instant. */
static sim_time_t
tseries_sample(struct sim *sim, void *ctx, sim_time_t at)
{
	struct tseries *ts = ctx;
	char time[32];

	sim_time_fmt(at, time, sizeof(time));
	for (guint i = 0; i < ts->sel->len; i++) {
		switch (series_obj(g_ptr_array_index(ts->sel, i))) {
		case SERIES_OF_LINK:
			sample_links(ts, i, time, at);
			break;
		case SERIES_OF_NODE:
			sample_nodes(ts, i, time);
			break;
		case SERIES_OF_ENTITY:
			sample_entities(ts, i, time);
			break;
		}
	}
	ts->samples++;
	return sim_time_add(at, ts->interval);
}

struct tseries *
tseries_start(struct net *net, const char *spec, sim_time_t interval, FILE *f, char *err,
	      size_t errlen)
{
	struct tseries *ts;
	GPtrArray *sel;
	char why[1024];

	sel = series_parse(spec, why, sizeof(why));
	if (!sel) {
		snprintf(err, errlen, "timeseries \"%s\": %s", spec, why);
		fclose(f);
		return NULL;
	}
	ts = g_new0(struct tseries, 1);
	ts->net = net;
	ts->f = f;
	ts->buf = g_malloc(TS_BUFSZ);
	setvbuf(f, ts->buf, _IOFBF, TS_BUFSZ);
	ts->interval = interval;
	ts->sel = sel;
	ts->prev = g_new0(GHashTable *, sel->len);
	for (guint i = 0; i < sel->len; i++)
		ts->prev[i] = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	ts->key = g_string_new(NULL);
	fputs("time,series,key,value\n", f);
	sim_set_watch(net->sim, sim_time_add(sim_now(net->sim), interval), tseries_sample, ts);
	ts->watching = true;
	return ts;
}

void
tseries_stop(struct tseries *ts)
{
	if (ts && ts->watching) {
		sim_set_watch(ts->net->sim, 0, NULL, NULL);
		ts->watching = false;
	}
}

void
tseries_flush(struct tseries *ts)
{
	if (ts)
		fflush(ts->f);
}

int
tseries_close(struct tseries *ts, const char *path, bool warn, char *err, size_t errlen)
{
	char tbuf[32];
	int rc = 0;

	tseries_stop(ts);
	if (warn && ts->samples == 0)
		fprintf(stderr, "%s: warning: %s: no sample: the run ended at %s s, "
			"before the first instant\n", log_prog(), path,
			sim_time_fmt(sim_now(ts->net->sim), tbuf, sizeof(tbuf)));
	for (guint i = 0; warn && ts->samples && i < ts->sel->len; i++) {
		const struct series_sel *s = g_ptr_array_index(ts->sel, i);

		for (unsigned k = 0; k < s->nitems; k++)
			if (!s->items[k].used)
				fprintf(stderr, "%s: warning: timeseries item \"%s\" kept no "
					"key: no %s matched it\n", log_prog(), s->items[k].text,
					series_obj(s) == SERIES_OF_LINK ? "link direction" :
					series_obj(s) == SERIES_OF_NODE ? "node" :
					"running instance reporting that statistic");
	}
	if (fflush(ts->f) != 0 || ferror(ts->f)) {
		snprintf(err, errlen, "%s: write failed: %s", path, strerror(errno));
		rc = -1;
	}
	if (fclose(ts->f) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	for (guint i = 0; i < ts->sel->len; i++)
		g_hash_table_destroy(ts->prev[i]);
	g_free(ts->prev);
	g_ptr_array_free(ts->sel, TRUE);
	g_string_free(ts->key, TRUE);
	g_free(ts->buf);
	g_free(ts);
	return rc;
}
