/*
 * report.c - counters.csv and summary.json, written at the end of a run.
 *
 * counters.csv has one row per (object, counter): every struct counters
 * registered with the net's struct stats in registration order (frames
 * and bytes each way, then the non-zero drops by reason), then the
 * statistics each entity reports through its class's stats callback,
 * node by node in creation order and entity by entity in start order.
 * Nothing here iterates a hash table, so the rows come out the same for
 * the same run.
 *
 * summary.json describes the run (scenario, seed, run, the build that
 * ran it: version and commit, "-dirty" when its tree had changes, the
 * date it ended, scheduler, events, virtual and wall time, status) with
 * drop totals for every interned reason, traffic totals over links and
 * the list of pcap files.  Only date, wall_s, events_per_s and
 * peak_rss_kb differ between two runs of the same scenario, seed and run
 * number by the same build.  "cometsim validate" stamps a result row with
 * the version, commit and date of the run behind it.  json-glib builds
 * and writes the file (jsontext.c): two spaces of indent, "key" : value,
 * numbers with a fraction to 17 significant digits.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "config.h"

#include "output/jsontext.h"
#include "output/output.h"
#include "output/report.h"
#include "sim/entity.h"
#include "sim/net.h"
#include "sim/stats.h"

typedef int (*report_body_fn)(FILE *f, const void *arg);

/*
 * Write a file through body() into "<path>.tmp", then rename it over
 * path, so that the final name only ever holds a complete file.
 */
static int
write_aside(const char *path, report_body_fn body, const void *arg, char *err,
	    size_t errlen)
{
	char *tmp;
	FILE *f;
	int rc;

	tmp = g_strdup_printf("%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		g_free(tmp);
		return -1;
	}
	rc = body(f, arg);
	if (fflush(f) != 0 || ferror(f))
		rc = -1;
	if (rc != 0)
		snprintf(err, errlen, "%s: write failed: %s", tmp, strerror(errno));
	if (fclose(f) != 0 && rc == 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && rename(tmp, path) != 0) {
		snprintf(err, errlen, "cannot rename %s to %s: %s", tmp, path,
			 strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		unlink(tmp);
	g_free(tmp);
	return rc;
}

/* ---- counters.csv ---- */

void
report_csv_field(FILE *f, const char *s)
{
	if (!s)
		s = "";
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	putc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			putc('"', f);
		putc(*s, f);
	}
	putc('"', f);
}

static void
csv_row(FILE *f, const char *kind, const char *name, const char *counter,
	uint64_t value)
{
	report_csv_field(f, kind);
	putc(',', f);
	report_csv_field(f, name);
	putc(',', f);
	report_csv_field(f, counter);
	fprintf(f, ",%" PRIu64 "\n", value);
}

struct entity_rows {
	FILE *f;
	const char *kind;
	const char *name;	/* "<node>/<inst>" */
};

static void
entity_stat_row(void *ctx, const char *stat, uint64_t value)
{
	struct entity_rows *er = ctx;

	csv_row(er->f, er->kind, er->name, stat, value);
}

static int
counters_body(FILE *f, const void *arg)
{
	const struct net *net = arg;
	const struct counters *c;

	fputs("kind,name,counter,value\n", f);
	for (c = net->stats.head; c; c = c->next) {
		csv_row(f, c->kind, c->name, "tx_frames", c->tx_frames);
		csv_row(f, c->kind, c->name, "tx_bytes", c->tx_bytes);
		csv_row(f, c->kind, c->name, "rx_frames", c->rx_frames);
		csv_row(f, c->kind, c->name, "rx_bytes", c->rx_bytes);
		for (uint32_t r = 0; r < c->ndrops; r++) {
			char *counter;

			if (!c->drops[r])
				continue;
			counter = g_strconcat("drop_",
					      stats_reason_name(&net->stats, r), NULL);
			csv_row(f, c->kind, c->name, counter, c->drops[r]);
			g_free(counter);
		}
	}
	for (unsigned i = 0; i < net->nnodes; i++) {
		const struct node *n = net->nodes[i];

		if (!n->entities)
			continue;
		for (guint j = 0; j < n->entities->len; j++) {
			struct entity *e = g_ptr_array_index(n->entities, j);
			struct entity_rows er;

			if (!e || !e->cls->stats)
				continue;
			er.f = f;
			er.kind = e->cls->kind ? e->cls->kind : e->cls->name;
			er.name = g_strdup_printf("%s/%s", n->name,
						  e->inst ? e->inst : er.kind);
			e->cls->stats(e, entity_stat_row, &er);
			g_free((char *)er.name);
		}
	}
	return 0;
}

int
report_counters(const struct net *net, const char *path, char *err,
		size_t errlen)
{
	return write_aside(path, counters_body, net, err, errlen);
}

/* ---- summary.json ---- */

/*
 * A string from a user's file (a scenario or node name), made valid
 * UTF-8 (json-glib writes what it is given): the file stays valid JSON
 * whatever the scenario contains.
 */
static void
add_str(JsonBuilder *b, const char *key, const char *s)
{
	char *v = jsontext_utf8(s);

	json_builder_set_member_name(b, key);
	json_builder_add_string_value(b, v);
	g_free(v);
}

/*
 * A count.  json-glib keeps integers as gint64: a value above
 * INT64_MAX (only a seed chosen that high) is written as the nearest
 * double rather than as a negative number.
 */
static void
add_u64(JsonBuilder *b, const char *key, uint64_t v)
{
	json_builder_set_member_name(b, key);
	if (v <= INT64_MAX)
		json_builder_add_int_value(b, (gint64)v);
	else
		json_builder_add_double_value(b, (double)v);
}

/*
 * A measure with a fixed number of decimals (fmt: "%.6f"): the double
 * the decimal text stands for, so that the value is what it was when the
 * file was written with printf; JSON has no NaN or infinity.
 */
static void
add_fixed(JsonBuilder *b, const char *key, const char *fmt, double v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	g_ascii_formatd(buf, sizeof(buf), fmt, isfinite(v) ? v : 0.0);
	json_builder_set_member_name(b, key);
	json_builder_add_double_value(b, g_ascii_strtod(buf, NULL));
}

struct summary_args {
	const struct net *net;
	const struct run_summary *sum;
	const char *const *pcaps;
	size_t npcaps;
};

/*
 * The members in the order of doc/outputs.md, written by json-glib's
 * pretty generator.
 */
static int
summary_body(FILE *f, const void *arg)
{
	const struct summary_args *a = arg;
	const struct net *net = a->net;
	const struct run_summary *sum = a->sum;
	uint64_t tx_frames = 0, tx_bytes = 0, rx_frames = 0, rx_bytes = 0, *tot;
	double eps = sum->wall_s > 0 ? (double)sum->events / sum->wall_s : 0.0;
	time_t now = time(NULL);
	JsonBuilder *b = json_builder_new();
	JsonNode *root;
	struct tm tm;
	char date[64] = "", *text;
	int rc;

	/* The wall clock, ISO 8601 with the offset: when the run ended. */
	if (localtime_r(&now, &tm))
		strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S%z", &tm);

	for (unsigned i = 0; i < net->nlinks; i++) {
		const struct counters *c = &net->links[i]->cnt;

		tx_frames += c->tx_frames;
		tx_bytes += c->tx_bytes;
		rx_frames += c->rx_frames;
		rx_bytes += c->rx_bytes;
	}

	json_builder_begin_object(b);
	add_str(b, "scenario", sum->scenario);
	add_u64(b, "seed", sum->seed);
	add_u64(b, "run", sum->run);
	add_str(b, "version", PACKAGE_VERSION);
	add_str(b, "commit", COMETSIM_COMMIT);
	add_str(b, "date", date);
	add_str(b, "scheduler", sum->scheduler);
	add_u64(b, "events", sum->events);
	json_builder_set_member_name(b, "sim_time_ns");
	json_builder_add_int_value(b, (gint64)sum->sim_time_ns);
	add_fixed(b, "wall_s", "%.6f", sum->wall_s);
	add_fixed(b, "events_per_s", "%.1f", eps);
	json_builder_set_member_name(b, "peak_rss_kb");
	json_builder_add_int_value(b, sum->peak_rss_kb);
	add_str(b, "status", sum->status);
	add_str(b, "stop_reason", sum->stop_reason);
	add_u64(b, "max_events", sum->max_events);
	add_fixed(b, "max_wall_s", "%.6f", (double)sum->max_wall / 1e9);
	if (sum->realtime) {
		const struct run_realtime *rt = sum->realtime;

		json_builder_set_member_name(b, "realtime");
		json_builder_begin_object(b);
		add_str(b, "mode", rt->mode);
		json_builder_set_member_name(b, "bound_ns");
		json_builder_add_int_value(b, rt->bound_ns);
		add_u64(b, "events_paced", rt->waits);
		json_builder_set_member_name(b, "lag_max_ns");
		json_builder_add_int_value(b, rt->lag_max_ns);
		json_builder_set_member_name(b, "lag_p99_ns");
		json_builder_add_int_value(b, rt->lag_p99_ns);
		add_u64(b, "events_late", rt->late);
		json_builder_set_member_name(b, "late_ns");
		json_builder_add_int_value(b, rt->late_ns);
		json_builder_set_member_name(b, "stopped");
		json_builder_add_boolean_value(b, rt->stopped);
		if (rt->stopped) {
			json_builder_set_member_name(b, "stop_at_ns");
			json_builder_add_int_value(b, rt->stop_at);
			json_builder_set_member_name(b, "stop_lag_ns");
			json_builder_add_int_value(b, rt->stop_lag_ns);
		}
		json_builder_end_object(b);
	}
	if (sum->nbridges) {
		json_builder_set_member_name(b, "bridges");
		json_builder_begin_array(b);
		for (size_t i = 0; i < sum->nbridges; i++) {
			const struct run_bridge *br = &sum->bridges[i];

			json_builder_begin_object(b);
			add_str(b, "name", br->name);
			add_str(b, "kind", br->kind);
			for (unsigned k = 0; k < br->ninfo; k++)
				add_str(b, br->info_keys[k], br->info_vals[k]);
			for (unsigned k = 0; k < br->nvals; k++)
				add_u64(b, br->keys[k], br->vals[k]);
			json_builder_set_member_name(b, "drops");
			json_builder_begin_object(b);
			for (unsigned k = 0; k < br->ndrops; k++)
				add_u64(b, br->drop_keys[k], br->drop_vals[k]);
			json_builder_end_object(b);
			json_builder_end_object(b);
		}
		json_builder_end_array(b);
	}
	add_u64(b, "nodes", net->nnodes);
	add_u64(b, "links", net->nlinks);

	json_builder_set_member_name(b, "drops");
	json_builder_begin_object(b);
	tot = g_new(uint64_t, net->stats.nreasons + 1);
	stats_drop_totals(&net->stats, tot);
	for (uint32_t r = 0; r < net->stats.nreasons; r++) {
		char *name = jsontext_utf8(stats_reason_name(&net->stats, r));

		add_u64(b, name, tot[r]);
		g_free(name);
	}
	g_free(tot);
	json_builder_end_object(b);

	json_builder_set_member_name(b, "totals");
	json_builder_begin_object(b);
	add_u64(b, "frames_sent", tx_frames);
	add_u64(b, "bytes_sent", tx_bytes);
	add_u64(b, "frames_received", rx_frames);
	add_u64(b, "bytes_received", rx_bytes);
	json_builder_end_object(b);

	json_builder_set_member_name(b, "pcap_files");
	json_builder_begin_array(b);
	for (size_t i = 0; i < a->npcaps; i++) {
		char *v = jsontext_utf8(a->pcaps[i]);

		json_builder_add_string_value(b, v);
		g_free(v);
	}
	json_builder_end_array(b);
	json_builder_end_object(b);

	root = json_builder_get_root(b);
	text = jsontext_write(root, true);
	rc = fputs(text, f) < 0 ? -1 : 0;
	g_free(text);
	json_node_unref(root);
	g_object_unref(b);
	return rc;
}

int
report_summary(const struct net *net, const struct run_summary *sum,
	       const char *const *pcaps, size_t npcaps, const char *path,
	       char *err, size_t errlen)
{
	struct summary_args a = {
		.net = net,
		.sum = sum,
		.pcaps = pcaps,
		.npcaps = npcaps,
	};

	return write_aside(path, summary_body, &a, err, errlen);
}
