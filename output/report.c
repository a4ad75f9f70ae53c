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
 * the version, commit and date of the run behind it.
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

/* One CSV field, quoted (RFC 4180) only when it has to be. */
static void
csv_field(FILE *f, const char *s)
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
	csv_field(f, kind);
	putc(',', f);
	csv_field(f, name);
	putc(',', f);
	csv_field(f, counter);
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

/* Length of the valid UTF-8 sequence at s, or 0 if it is not one. */
static size_t
utf8_seq_len(const unsigned char *s)
{
	unsigned char c = s[0];
	size_t n;
	uint32_t cp;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		cp = c & 0x07;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and values past U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/*
 * A JSON string literal.  Names come from user files, so control
 * characters are escaped and bytes that are not UTF-8 become U+FFFD:
 * the file stays valid JSON whatever the scenario contains.
 */
static void
json_str(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	putc('"', f);
	while (*p) {
		size_t n;

		switch (*p) {
		case '"':
			fputs("\\\"", f);
			p++;
			continue;
		case '\\':
			fputs("\\\\", f);
			p++;
			continue;
		case '\b':
			fputs("\\b", f);
			p++;
			continue;
		case '\f':
			fputs("\\f", f);
			p++;
			continue;
		case '\n':
			fputs("\\n", f);
			p++;
			continue;
		case '\r':
			fputs("\\r", f);
			p++;
			continue;
		case '\t':
			fputs("\\t", f);
			p++;
			continue;
		}
		if (*p < 0x20) {
			fprintf(f, "\\u%04x", *p);
			p++;
			continue;
		}
		n = utf8_seq_len(p);
		if (n == 0) {
			fputs("\\ufffd", f);
			p++;
			continue;
		}
		fwrite(p, 1, n, f);
		p += n;
	}
	putc('"', f);
}

/* A finite double; JSON has no NaN or infinity. */
static void
json_double(FILE *f, const char *fmt, double v)
{
	fprintf(f, fmt, isfinite(v) ? v : 0.0);
}

struct summary_args {
	const struct net *net;
	const struct run_summary *sum;
	const char *const *pcaps;
	size_t npcaps;
};

static int
summary_body(FILE *f, const void *arg)
{
	const struct summary_args *a = arg;
	const struct net *net = a->net;
	const struct run_summary *sum = a->sum;
	uint64_t tx_frames = 0, tx_bytes = 0, rx_frames = 0, rx_bytes = 0;
	double eps = sum->wall_s > 0 ? (double)sum->events / sum->wall_s : 0.0;
	time_t now = time(NULL);
	struct tm tm;
	char date[64] = "";

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

	fputs("{\n  \"scenario\": ", f);
	json_str(f, sum->scenario);
	fprintf(f, ",\n  \"seed\": %" PRIu64 ",\n  \"run\": %" PRIu64,
		sum->seed, sum->run);
	fputs(",\n  \"version\": ", f);
	json_str(f, PACKAGE_VERSION);
	fputs(",\n  \"commit\": ", f);
	json_str(f, COMETSIM_COMMIT);
	fputs(",\n  \"date\": ", f);
	json_str(f, date);
	fputs(",\n  \"scheduler\": ", f);
	json_str(f, sum->scheduler);
	fprintf(f, ",\n  \"events\": %" PRIu64, sum->events);
	fprintf(f, ",\n  \"sim_time_ns\": %" PRId64, (int64_t)sum->sim_time_ns);
	fputs(",\n  \"wall_s\": ", f);
	json_double(f, "%.6f", sum->wall_s);
	fputs(",\n  \"events_per_s\": ", f);
	json_double(f, "%.1f", eps);
	fprintf(f, ",\n  \"peak_rss_kb\": %ld", sum->peak_rss_kb);
	fputs(",\n  \"status\": ", f);
	json_str(f, sum->status);
	fputs(",\n  \"stop_reason\": ", f);
	json_str(f, sum->stop_reason);
	fprintf(f, ",\n  \"max_events\": %" PRIu64, sum->max_events);
	fputs(",\n  \"max_wall_s\": ", f);
	json_double(f, "%.6f", (double)sum->max_wall / 1e9);
	fprintf(f, ",\n  \"nodes\": %u,\n  \"links\": %u", net->nnodes,
		net->nlinks);

	fputs(",\n  \"drops\": {", f);
	for (uint32_t r = 0; r < net->stats.nreasons; r++) {
		fputs(r ? ",\n    " : "\n    ", f);
		json_str(f, stats_reason_name(&net->stats, r));
		fprintf(f, ": %" PRIu64, net_drops(net, r));
	}
	fputs(net->stats.nreasons ? "\n  }" : "}", f);

	fprintf(f, ",\n  \"totals\": {\n"
		"    \"frames_sent\": %" PRIu64 ",\n"
		"    \"bytes_sent\": %" PRIu64 ",\n"
		"    \"frames_received\": %" PRIu64 ",\n"
		"    \"bytes_received\": %" PRIu64 "\n  }",
		tx_frames, tx_bytes, rx_frames, rx_bytes);

	fputs(",\n  \"pcap_files\": [", f);
	for (size_t i = 0; i < a->npcaps; i++) {
		fputs(i ? ",\n    " : "\n    ", f);
		json_str(f, a->pcaps[i]);
	}
	fputs(a->npcaps ? "\n  ]\n}\n" : "]\n}\n", f);
	return 0;
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
