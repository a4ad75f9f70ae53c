/*
 * sweep_out.c - what a sweep reads back from its runs.
 *
 * A run's results are the two files output/report.c writes at its end:
 * summary.json, flattened here into dotted paths ("drops.loss",
 * "totals.frames_received"), and counters.csv (kind, name, counter,
 * value).  A metric of the sweep description selects among them
 * (doc/sweeps.md, "Metrics"); this file turns a selection into one
 * value.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "sim/fileio.h"
#include "sweep/sweep.h"

/* ---- summary.json, flattened ---- */

/*
 * summary.json of rdir, parsed by json-glib: its top-level object, which
 * the caller unrefs, or NULL when the file is missing, is not JSON or
 * holds something else.
 */
static JsonObject *
summary_load(const char *rdir)
{
	char *path = g_build_filename(rdir, "summary.json", NULL), *text;
	JsonParser *jp = NULL;
	JsonObject *obj = NULL;
	JsonNode *root;
	gsize len = 0;

	text = fileio_text(path, &len);
	g_free(path);
	if (!text)
		return NULL;
	jp = json_parser_new();
	if (json_parser_load_from_data(jp, text, (gssize)len, NULL) &&
	    (root = json_parser_get_root(jp)) && JSON_NODE_HOLDS_OBJECT(root))
		obj = json_object_ref(json_node_get_object(root));
	g_object_unref(jp);
	g_free(text);
	return obj;
}

static void
put(struct sw_outputs *o, const char *path, char *value)
{
	if (!g_hash_table_contains(o->summary, path))
		g_ptr_array_add(o->summary_keys, g_strdup(path));
	g_hash_table_replace(o->summary, g_strdup(path), value);
}

/*
 * The scalars under n, by dotted path (members by name, array elements
 * by index): a string as its value, anything else as its JSON text
 * (3, 0.25, true, null).
 */
static void
flatten(struct sw_outputs *o, const char *path, JsonNode *n)
{
	char *sub;

	if (JSON_NODE_HOLDS_OBJECT(n)) {
		JsonObject *obj = json_node_get_object(n);
		GList *members = json_object_get_members(obj);

		for (GList *m = members; m; m = m->next) {
			sub = *path ? g_strconcat(path, ".", m->data, NULL) : g_strdup(m->data);
			flatten(o, sub, json_object_get_member(obj, m->data));
			g_free(sub);
		}
		g_list_free(members);
	} else if (JSON_NODE_HOLDS_ARRAY(n)) {
		JsonArray *arr = json_node_get_array(n);

		for (guint i = 0; i < json_array_get_length(arr); i++) {
			sub = *path ? g_strdup_printf("%s.%u", path, i) : g_strdup_printf("%u", i);
			flatten(o, sub, json_array_get_element(arr, i));
			g_free(sub);
		}
	} else if (JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING) {
		put(o, path, g_strdup(json_node_get_string(n)));
	} else {
		put(o, path, json_to_string(n, FALSE));
	}
}

void
sw_outputs_free(struct sw_outputs *o)
{
	if (!o)
		return;
	g_hash_table_destroy(o->summary);
	g_ptr_array_free(o->summary_keys, TRUE);
	if (o->rows)
		g_ptr_array_free(o->rows, TRUE);
	g_free(o);
}

struct sw_outputs *
sw_outputs_read(const char *dir)
{
	struct sw_outputs *o;
	JsonObject *sum = summary_load(dir);
	JsonNode *root;
	char *path, *text;

	if (!sum)
		return NULL;
	o = g_new0(struct sw_outputs, 1);
	o->summary = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	o->summary_keys = g_ptr_array_new_with_free_func(g_free);
	root = json_node_init_object(json_node_alloc(), sum);
	flatten(o, "", root);
	json_node_unref(root);
	json_object_unref(sum);
	path = g_build_filename(dir, "counters.csv", NULL);
	if ((text = fileio_text(path, NULL)) != NULL) {
		o->rows = sw_csv_parse(text);
		g_free(text);
		if (o->rows && o->rows->len)
			g_ptr_array_remove_index(o->rows, 0);	/* the header */
	}
	g_free(path);
	if (!o->rows)
		o->rows = g_ptr_array_new();
	return o;
}

/* Whether the top-level "status" of rdir/summary.json is the string want. */
static bool
summary_status_is(const char *rdir, const char *want)
{
	JsonObject *sum = summary_load(rdir);
	JsonNode *st = sum ? json_object_get_member(sum, "status") : NULL;
	bool ok;

	ok = st && JSON_NODE_HOLDS_VALUE(st) && json_node_get_value_type(st) == G_TYPE_STRING &&
	     strcmp(json_node_get_string(st), want) == 0;
	if (sum)
		json_object_unref(sum);
	return ok;
}

bool
sw_summary_complete(const char *rdir)
{
	return summary_status_is(rdir, "complete");
}

bool
sw_summary_interrupted(const char *rdir)
{
	return summary_status_is(rdir, "interrupted");
}

bool
sw_outputs_complete(const struct sw_outputs *o)
{
	const char *st = o ? g_hash_table_lookup(o->summary, "status") : NULL;

	return st && strcmp(st, "complete") == 0;
}

/* ---- metrics ---- */

static bool
has_glob(const char *s)
{
	return strpbrk(s, "*?") != NULL;
}

static bool
glob_match(const char *pattern, const char *s)
{
	return has_glob(pattern) ? g_pattern_match_simple(pattern, s) : strcmp(pattern, s) == 0;
}

/* An integer with no sign trouble: the exact path for counters. */
static bool
text_int(const char *s, int64_t *v)
{
	char *end;

	if (!*s || (!g_ascii_isdigit(*s) && *s != '-'))
		return false;
	errno = 0;
	*v = g_ascii_strtoll(s, &end, 10);
	return !*end && !errno;
}

static char *
fmt_double(double v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	if (v == 0)
		v = 0;	/* no "-0" */
	return g_strdup(g_ascii_formatd(buf, sizeof(buf), "%.15g", v));
}

int
sw_metric_value(const struct sw_metric *m, const struct sw_outputs *o, char **val,
		char *err, size_t errlen)
{
	GPtrArray *vals = g_ptr_array_new();	/* const char *, borrowed */
	bool any_object = false, all_int = true;
	__int128 isum = 0;
	int64_t imin = INT64_MAX, imax = INT64_MIN;
	double sum = 0, mn = INFINITY, mx = -INFINITY, x;
	int rc = 1;

	if (!m->counter) {
		if (!has_glob(m->select)) {
			const char *v = g_hash_table_lookup(o->summary, m->select);

			if (v)
				g_ptr_array_add(vals, (gpointer)v);
		} else {
			for (guint i = 0; i < o->summary_keys->len; i++) {
				const char *k = g_ptr_array_index(o->summary_keys, i);

				if (g_pattern_match_simple(m->select, k))
					g_ptr_array_add(vals, g_hash_table_lookup(o->summary, k));
			}
		}
	} else {
		for (guint i = 0; i < o->rows->len; i++) {
			GPtrArray *r = g_ptr_array_index(o->rows, i);

			if (r->len < 4 || !glob_match(m->kind, g_ptr_array_index(r, 0)) ||
			    !glob_match(m->oname, g_ptr_array_index(r, 1)))
				continue;
			any_object = true;
			if (glob_match(m->cname, g_ptr_array_index(r, 2)))
				g_ptr_array_add(vals, g_ptr_array_index(r, 3));
		}
		/* counters.csv leaves out drop counters that stayed at zero. */
		if (vals->len == 0 && any_object && g_str_has_prefix(m->cname, "drop_"))
			g_ptr_array_add(vals, "0");
	}
	if (vals->len == 0) {
		rc = 0;
		goto done;
	}
	/* One field as it is: text stays text. */
	if (vals->len == 1 && !m->has_scale && m->agg != SW_AGG_COUNT) {
		*val = g_strdup(g_ptr_array_index(vals, 0));
		goto done;
	}
	if (m->agg == SW_AGG_COUNT) {
		x = (double)vals->len;
		*val = m->has_scale ? fmt_double(x * m->scale) : g_strdup_printf("%u", vals->len);
		goto done;
	}
	for (guint i = 0; i < vals->len; i++) {
		const char *s = g_ptr_array_index(vals, i);
		int64_t iv;
		char *end;

		x = g_ascii_strtod(s, &end);
		if (!*s || *end || !isfinite(x)) {
			snprintf(err, errlen, "metric %s: \"%s\" is not a number", m->name, s);
			rc = -1;
			goto done;
		}
		if (all_int && text_int(s, &iv)) {
			isum += iv;
			imin = MIN(imin, iv);
			imax = MAX(imax, iv);
		} else {
			all_int = false;
		}
		sum += x;
		mn = MIN(mn, x);
		mx = MAX(mx, x);
	}
	if (all_int && !m->has_scale && m->agg != SW_AGG_MEAN &&
	    isum <= INT64_MAX && isum >= INT64_MIN) {
		int64_t v = m->agg == SW_AGG_SUM ? (int64_t)isum : m->agg == SW_AGG_MIN ? imin : imax;

		*val = g_strdup_printf("%" PRId64, v);
		goto done;
	}
	x = m->agg == SW_AGG_SUM ? sum : m->agg == SW_AGG_MEAN ? sum / vals->len :
	    m->agg == SW_AGG_MIN ? mn : mx;
	*val = fmt_double(m->has_scale ? x * m->scale : x);
done:
	g_ptr_array_free(vals, TRUE);
	return rc;
}

char *
sw_outputs_describe(const struct sw_outputs *o)
{
	GString *s = g_string_new("  fields of summary.json: ");
	const char *prev_kind = NULL, *prev_name = NULL;

	for (guint i = 0; i < o->summary_keys->len; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "",
				       (const char *)g_ptr_array_index(o->summary_keys, i));
	g_string_append(s, "\n  counters (KIND:NAME:COUNTER; drop_REASON counters are 0 "
			"when absent):");
	for (guint i = 0; i < o->rows->len; i++) {
		GPtrArray *r = g_ptr_array_index(o->rows, i);
		const char *k, *n;

		if (r->len < 4)
			continue;
		k = g_ptr_array_index(r, 0);
		n = g_ptr_array_index(r, 1);
		if (prev_kind && !strcmp(k, prev_kind) && !strcmp(n, prev_name)) {
			g_string_append_printf(s, ",%s", (const char *)g_ptr_array_index(r, 2));
			continue;
		}
		if (prev_kind)
			g_string_append_c(s, '}');
		g_string_append_printf(s, "\n    %s:%s:{%s", k, n,
				       (const char *)g_ptr_array_index(r, 2));
		prev_kind = k;
		prev_name = n;
	}
	if (prev_kind)
		g_string_append_c(s, '}');
	return g_string_free(s, FALSE);
}
