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
#include "sim/log.h"
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

/* ---- a split run's counters: parts, merged (doc/parallel.md) ---- */

/* A stamp as text that sorts as the stamps do. */
static void
stamp_text(const struct stats_stamp *st, char out[64])
{
	snprintf(out, 64, "%c%016" PRIx64 "%08" PRIx32 "%016" PRIx64 "%08" PRIx32,
		 '0' + st->phase, (uint64_t)st->time, st->actor, st->key, st->sub);
}

static void
part_str(FILE *f, const char *s)
{
	char *e = g_strescape(s ? s : "", NULL);

	putc('\t', f);
	fputs(e, f);
	g_free(e);
}

/* Entity statistics rows of a part: "E", the node's number, the row as CSV. */
struct part_rows {
	FILE *f;
	unsigned node;
	const char *kind;
	const char *name;
};

static void
part_stat_row(void *ctx, const char *stat, uint64_t value)
{
	struct part_rows *pr = ctx;
	char *row = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&row, &len);

	csv_row(m, pr->kind, pr->name, stat, value);
	fclose(m);
	if (len && row[len - 1] == '\n')
		row[len - 1] = '\0';
	fprintf(pr->f, "E\t%08x", pr->node);
	part_str(pr->f, row);
	putc('\n', pr->f);
	free(row);
}

static int
part_body(FILE *f, const void *arg)
{
	const struct net *net = arg;
	char st[64];

	for (uint32_t r = 0; r < net->stats.nreasons; r++) {
		stamp_text(&net->stats.reason_stamps[r], st);
		fprintf(f, "R\t%s", st);
		part_str(f, net->stats.reasons[r]);
		putc('\n', f);
	}
	for (const struct counters *c = net->stats.head; c; c = c->next) {
		stamp_text(&c->stamp, st);
		fprintf(f, "C\t%s", st);
		part_str(f, c->kind);
		part_str(f, c->name);
		fprintf(f, "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64, c->tx_frames,
			c->tx_bytes, c->rx_frames, c->rx_bytes);
		for (uint32_t r = 0; r < c->ndrops; r++)
			if (c->drops[r])
				fprintf(f, "\t%" PRIu32 "=%" PRIu64, r, c->drops[r]);
		putc('\n', f);
	}
	for (unsigned i = 0; i < net->nnodes; i++) {
		const struct node *n = net->nodes[i];

		if (!n->entities || n->remote)
			continue;
		for (guint j = 0; j < n->entities->len; j++) {
			struct entity *e = g_ptr_array_index(n->entities, j);
			struct part_rows pr;
			char *name;

			if (!e || !e->cls->stats)
				continue;
			pr.f = f;
			pr.node = i;
			pr.kind = e->cls->kind ? e->cls->kind : e->cls->name;
			name = g_strdup_printf("%s/%s", n->name, e->inst ? e->inst : pr.kind);
			pr.name = name;
			e->cls->stats(e, part_stat_row, &pr);
			g_free(name);
		}
	}
	return 0;
}

int
report_counters_part(const struct net *net, const char *path, char *err, size_t errlen)
{
	return write_aside(path, part_body, net, err, errlen);
}

/* A counter of the merge: one object, its values summed over the parts. */
struct mcount {
	char *stamp, *kind, *name;
	unsigned first;		/* order first read, for ties */
	uint64_t v[4];
	GHashTable *drops;	/* reason name -> uint64_t* */
};

struct mreason {
	char *name;
	char *stamp;		/* the earliest */
	unsigned first;
};

struct mrow {
	unsigned node, first;
	char *row;
};

static int
mcount_cmp(const void *a, const void *b)
{
	const struct mcount *x = *(struct mcount *const *)a, *y = *(struct mcount *const *)b;
	int c = strcmp(x->stamp, y->stamp);

	return c ? c : (x->first > y->first) - (x->first < y->first);
}

static int
mreason_cmp(const void *a, const void *b)
{
	const struct mreason *x = *(struct mreason *const *)a, *y = *(struct mreason *const *)b;
	int c = strcmp(x->stamp, y->stamp);

	return c ? c : (x->first > y->first) - (x->first < y->first);
}

static int
mrow_cmp(const void *a, const void *b)
{
	const struct mrow *x = a, *y = b;

	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	return (x->first > y->first) - (x->first < y->first);
}

struct merge {
	GPtrArray *counts;	/* struct mcount* */
	GHashTable *count_by;	/* "stamp\tkind\tname" -> struct mcount* */
	GPtrArray *reasons;	/* struct mreason*, sorted before writing */
	GHashTable *reason_by;	/* name -> struct mreason* */
	GArray *rows;		/* struct mrow */
	unsigned seq;
};

static int
merge_part(struct merge *m, const char *path, char *err, size_t errlen)
{
	char *text = NULL, **lines;
	GError *ge = NULL;
	GPtrArray *local = g_ptr_array_new();	/* this part's reason ids -> names */
	int rc = 0;

	if (!g_file_get_contents(path, &text, NULL, &ge)) {
		snprintf(err, errlen, "%s", log_gerror(ge));
		g_error_free(ge);
		g_ptr_array_free(local, TRUE);
		return -1;
	}
	lines = g_strsplit(text, "\n", -1);
	g_free(text);
	for (char **l = lines; *l && rc == 0; l++) {
		char **f;
		guint nf;

		if (!**l)
			continue;
		f = g_strsplit(*l, "\t", -1);
		nf = g_strv_length(f);
		if (strcmp(f[0], "R") == 0 && nf == 3) {
			char *name = g_strcompress(f[2]);
			struct mreason *r = g_hash_table_lookup(m->reason_by, name);

			if (!r) {
				r = g_new0(struct mreason, 1);
				r->name = name;
				r->stamp = g_strdup(f[1]);
				r->first = m->seq++;
				g_ptr_array_add(m->reasons, r);
				g_hash_table_insert(m->reason_by, r->name, r);
			} else {
				if (strcmp(f[1], r->stamp) < 0) {
					g_free(r->stamp);
					r->stamp = g_strdup(f[1]);
				}
				g_free(name);
			}
			g_ptr_array_add(local, r->name);
		} else if (strcmp(f[0], "C") == 0 && nf >= 8) {
			char *kind = g_strcompress(f[2]), *name = g_strcompress(f[3]);
			char *key = g_strdup_printf("%s\t%s\t%s", f[1], kind, name);
			struct mcount *c = g_hash_table_lookup(m->count_by, key);

			if (!c) {
				c = g_new0(struct mcount, 1);
				c->stamp = g_strdup(f[1]);
				c->kind = kind;
				c->name = name;
				c->first = m->seq++;
				c->drops = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
				g_ptr_array_add(m->counts, c);
				g_hash_table_insert(m->count_by, key, c);
			} else {
				g_free(kind);
				g_free(name);
				g_free(key);
			}
			for (int k = 0; k < 4; k++)
				c->v[k] += g_ascii_strtoull(f[4 + k], NULL, 10);
			for (guint k = 8; k < nf; k++) {
				char *eq = strchr(f[k], '=');
				guint64 id = g_ascii_strtoull(f[k], NULL, 10);
				uint64_t *v;

				if (!eq || id >= local->len) {
					rc = -1;
					break;
				}
				v = g_hash_table_lookup(c->drops, g_ptr_array_index(local, id));
				if (!v) {
					v = g_new0(uint64_t, 1);
					g_hash_table_insert(c->drops, g_ptr_array_index(local, id), v);
				}
				*v += g_ascii_strtoull(eq + 1, NULL, 10);
			}
		} else if (strcmp(f[0], "E") == 0 && nf == 3) {
			struct mrow r;

			r.node = (unsigned)g_ascii_strtoull(f[1], NULL, 16);
			r.first = m->seq++;
			r.row = g_strcompress(f[2]);
			g_array_append_val(m->rows, r);
		} else {
			rc = -1;
		}
		g_strfreev(f);
	}
	if (rc != 0)
		snprintf(err, errlen, "%s: not a part of the counters this program writes", path);
	g_strfreev(lines);
	g_ptr_array_free(local, TRUE);
	return rc;
}

static int
merged_body(FILE *f, const void *arg)
{
	const struct merge *m = arg;

	fputs("kind,name,counter,value\n", f);
	for (guint i = 0; i < m->counts->len; i++) {
		const struct mcount *c = g_ptr_array_index(m->counts, i);

		csv_row(f, c->kind, c->name, "tx_frames", c->v[0]);
		csv_row(f, c->kind, c->name, "tx_bytes", c->v[1]);
		csv_row(f, c->kind, c->name, "rx_frames", c->v[2]);
		csv_row(f, c->kind, c->name, "rx_bytes", c->v[3]);
		for (guint r = 0; r < m->reasons->len; r++) {
			const struct mreason *mr = g_ptr_array_index(m->reasons, r);
			const uint64_t *v = g_hash_table_lookup(c->drops, mr->name);
			char *counter;

			if (!v || !*v)
				continue;
			counter = g_strconcat("drop_", mr->name, NULL);
			csv_row(f, c->kind, c->name, counter, *v);
			g_free(counter);
		}
	}
	for (guint i = 0; i < m->rows->len; i++) {
		fputs(g_array_index(m->rows, struct mrow, i).row, f);
		putc('\n', f);
	}
	return 0;
}

int
report_counters_merge(const struct net *net, const char *const *parts, int n,
		      const char *path, struct report_totals *tot, char *err, size_t errlen)
{
	struct merge m;
	int rc = 0;

	(void)net;
	memset(tot, 0, sizeof(*tot));
	m.counts = g_ptr_array_new();
	m.count_by = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	m.reasons = g_ptr_array_new();
	m.reason_by = g_hash_table_new(g_str_hash, g_str_equal);
	m.rows = g_array_new(FALSE, FALSE, sizeof(struct mrow));
	m.seq = 0;
	for (int i = 0; i < n && rc == 0; i++)
		rc = merge_part(&m, parts[i], err, errlen);
	if (rc == 0) {
		g_ptr_array_sort(m.counts, mcount_cmp);
		g_ptr_array_sort(m.reasons, mreason_cmp);
		g_array_sort(m.rows, mrow_cmp);
		rc = write_aside(path, merged_body, &m, err, errlen);
	}
	if (rc == 0) {
		tot->nreasons = m.reasons->len;
		tot->reasons = g_new0(char *, m.reasons->len + 1);
		tot->drops = g_new0(uint64_t, m.reasons->len + 1);
		for (guint r = 0; r < m.reasons->len; r++) {
			const struct mreason *mr = g_ptr_array_index(m.reasons, r);

			tot->reasons[r] = g_strdup(mr->name);
			for (guint i = 0; i < m.counts->len; i++) {
				const struct mcount *c = g_ptr_array_index(m.counts, i);
				const uint64_t *v = g_hash_table_lookup(c->drops, mr->name);

				tot->drops[r] += v ? *v : 0;
			}
		}
		for (guint i = 0; i < m.counts->len; i++) {
			const struct mcount *c = g_ptr_array_index(m.counts, i);

			if (strcmp(c->kind, "link") != 0)
				continue;
			tot->tx_frames += c->v[0];
			tot->tx_bytes += c->v[1];
			tot->rx_frames += c->v[2];
			tot->rx_bytes += c->v[3];
		}
	}
	for (guint i = 0; i < m.counts->len; i++) {
		struct mcount *c = g_ptr_array_index(m.counts, i);

		g_free(c->stamp);
		g_free(c->kind);
		g_free(c->name);
		g_hash_table_destroy(c->drops);
		g_free(c);
	}
	for (guint i = 0; i < m.reasons->len; i++) {
		struct mreason *r = g_ptr_array_index(m.reasons, i);

		g_free(r->name);
		g_free(r->stamp);
		g_free(r);
	}
	for (guint i = 0; i < m.rows->len; i++)
		g_free(g_array_index(m.rows, struct mrow, i).row);
	g_ptr_array_free(m.counts, TRUE);
	g_hash_table_destroy(m.count_by);
	g_ptr_array_free(m.reasons, TRUE);
	g_hash_table_destroy(m.reason_by);
	g_array_free(m.rows, TRUE);
	return rc;
}

void
report_totals_free(struct report_totals *t)
{
	g_strfreev(t->reasons);
	g_free(t->drops);
	memset(t, 0, sizeof(*t));
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
	const struct report_totals *tot;
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

	for (unsigned i = 0; !a->tot && i < net->nlinks; i++) {
		const struct counters *c = &net->links[i]->cnt;

		tx_frames += c->tx_frames;
		tx_bytes += c->tx_bytes;
		rx_frames += c->rx_frames;
		rx_bytes += c->rx_bytes;
	}
	if (a->tot) {
		tx_frames = a->tot->tx_frames;
		tx_bytes = a->tot->tx_bytes;
		rx_frames = a->tot->rx_frames;
		rx_bytes = a->tot->rx_bytes;
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
	if (sum->nprocs) {
		/* A split run (doc/parallel.md): how it was split, what each process did. */
		json_builder_set_member_name(b, "partition");
		json_builder_begin_object(b);
		add_str(b, "method", sum->partition);
		add_u64(b, "processes", sum->nprocs);
		add_u64(b, "cut_links", sum->cut_links);
		json_builder_set_member_name(b, "lookahead_ns");
		json_builder_add_int_value(b, sum->lookahead == SIM_TIME_NEVER ? -1 :
					   (gint64)sum->lookahead);
		json_builder_end_object(b);
		json_builder_set_member_name(b, "processes");
		json_builder_begin_array(b);
		for (size_t i = 0; i < sum->nprocs; i++) {
			const struct run_process *p = &sum->procs[i];

			json_builder_begin_object(b);
			add_u64(b, "rank", i);
			add_u64(b, "nodes", p->nodes);
			add_u64(b, "events", p->events);
			add_fixed(b, "wall_s", "%.6f", p->wall_s);
			add_fixed(b, "sync_wait_s", "%.6f", p->wait_s);
			add_u64(b, "windows", p->windows);
			add_u64(b, "frames_sent", p->frames_out);
			add_u64(b, "frames_received", p->frames_in);
			add_u64(b, "bytes_sent", p->bytes_out);
			add_u64(b, "bytes_received", p->bytes_in);
			json_builder_set_member_name(b, "peak_rss_kb");
			json_builder_add_int_value(b, p->peak_rss_kb);
			json_builder_end_object(b);
		}
		json_builder_end_array(b);
	}
	add_u64(b, "nodes", net->nnodes);
	add_u64(b, "links", net->nlinks);

	json_builder_set_member_name(b, "drops");
	json_builder_begin_object(b);
	if (a->tot) {
		for (unsigned r = 0; r < a->tot->nreasons; r++) {
			char *name = jsontext_utf8(a->tot->reasons[r]);

			add_u64(b, name, a->tot->drops[r]);
			g_free(name);
		}
	} else {
		tot = g_new(uint64_t, net->stats.nreasons + 1);
		stats_drop_totals(&net->stats, tot);
		for (uint32_t r = 0; r < net->stats.nreasons; r++) {
			char *name = jsontext_utf8(stats_reason_name(&net->stats, r));

			add_u64(b, name, tot[r]);
			g_free(name);
		}
		g_free(tot);
	}
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
	       const struct report_totals *tot,
	       const char *const *pcaps, size_t npcaps, const char *path,
	       char *err, size_t errlen)
{
	struct summary_args a = {
		.net = net,
		.sum = sum,
		.tot = tot,
		.pcaps = pcaps,
		.npcaps = npcaps,
	};

	return write_aside(path, summary_body, &a, err, errlen);
}
