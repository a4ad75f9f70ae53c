/*
 * validate_rows.c - the rows of the evaluators: reading rows.jsonl, the
 * rows an evaluator owed and did not write, D4.3's category and place of
 * each row, and the run behind each row (its timestamp/owner).
 *
 * An evaluator writes one flat JSON object a line to OUTDIR/rows.jsonl:
 * category, test, description, step, expected, actual, result (PASS or
 * FAIL), run_dir, and whatever else it wants kept.  This file reads them
 * and never decides a result itself.
 *
 * The timestamp/owner column of a row is the date, version and commit of
 * the run behind it (its run_dir/summary.json), not of this command: a
 * row graded from a run this command did not make with this build is
 * marked, and the validation is incomplete.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "config.h"

#include "sim/fileio.h"
#include "validate/validate_int.h"

/* ---- rows.jsonl: one flat JSON object a line ---- */

static void
field_free(gpointer p)
{
	struct validate_field *f = p;

	g_free(f->key);
	g_free(f->value);
	json_node_unref(f->node);
	g_free(f);
}

struct validate_field *
validate_field_new(const char *key, JsonNode *node)
{
	struct validate_field *f = g_new0(struct validate_field, 1);

	f->key = g_strdup(key);
	f->node = node;
	f->str = JSON_NODE_HOLDS_VALUE(node) && json_node_get_value_type(node) == G_TYPE_STRING;
	f->value = f->str ? g_strdup(json_node_get_string(node)) : json_to_string(node, FALSE);
	return f;
}

GPtrArray *
validate_fields_new(void)
{
	return g_ptr_array_new_with_free_func(field_free);
}

/* json-glib's "<data>:1:42: Parse error: unexpected ..." as "unexpected ... (column 42)". */
static void
parse_error(const char *msg, char *err, size_t errlen)
{
	unsigned line, col;
	int n = 0;

	if (sscanf(msg, "<data>:%u:%u: %n", &line, &col, &n) == 2 && n > 0) {
		msg += n;
		if (g_str_has_prefix(msg, "Parse error: "))
			msg += strlen("Parse error: ");
		snprintf(err, errlen, "%s (column %u)", msg, col);
	} else {
		snprintf(err, errlen, "%s", msg);
	}
}

/*
 * json-glib keeps the last of two members of the same name: the names
 * as the parser meets them tell that one came twice.
 */
static void
on_member(JsonParser *jp, JsonObject *obj, gchar *name, gpointer data)
{
	GPtrArray *names = data;

	g_ptr_array_add(names, g_strdup(name));
}

GPtrArray *
validate_row_parse(const char *line, char *err, size_t errlen)
{
	JsonParser *jp = json_parser_new();
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free), *fields = NULL;
	GError *gerr = NULL;
	JsonObject *obj;
	JsonNode *root;
	GList *members = NULL;

	if (!g_utf8_validate(line, -1, NULL)) {
		snprintf(err, errlen, "not UTF-8");
		goto done;
	}
	g_signal_connect(jp, "object-member", G_CALLBACK(on_member), names);
	if (!json_parser_load_from_data(jp, line, -1, &gerr)) {
		parse_error(log_gerror(gerr), err, errlen);
		g_error_free(gerr);
		goto done;
	}
	root = json_parser_get_root(jp);
	if (!root || !JSON_NODE_HOLDS_OBJECT(root)) {
		snprintf(err, errlen, "not a JSON object");
		goto done;
	}
	obj = json_node_get_object(root);
	members = json_object_get_members(obj);
	for (GList *m = members; m; m = m->next)
		if (!JSON_NODE_HOLDS_VALUE(json_object_get_member(obj, m->data)) &&
		    !JSON_NODE_HOLDS_NULL(json_object_get_member(obj, m->data))) {
			snprintf(err, errlen, "\"%s\": nested objects and arrays are not supported",
				 (const char *)m->data);
			goto done;
		}
	for (guint i = 0; i < names->len; i++)
		for (guint k = 0; k < i; k++)
			if (strcmp(names->pdata[i], names->pdata[k]) == 0) {
				snprintf(err, errlen, "key \"%s\" twice", (const char *)names->pdata[i]);
				goto done;
			}
	fields = validate_fields_new();
	for (GList *m = members; m; m = m->next)
		g_ptr_array_add(fields, validate_field_new(m->data,
			json_node_copy(json_object_get_member(obj, m->data))));
done:
	g_list_free(members);
	g_ptr_array_unref(names);
	g_object_unref(jp);
	return fields;
}

/* The value of key in a parsed row, or NULL. */
const struct validate_field *
vd_row_get(GPtrArray *fields, const char *key)
{
	for (guint i = 0; i < fields->len; i++) {
		const struct validate_field *f = fields->pdata[i];

		if (strcmp(f->key, key) == 0)
			return f;
	}
	return NULL;
}

/* The keys every row must have, in the order evaluators write them. */
const char *const vd_row_keys[] = {
	"category", "test", "description", "step", "expected", "actual", "result",
	"run_dir",
};

void
vd_row_free(gpointer p)
{
	struct vd_row *r = p;

	g_ptr_array_unref(r->fields);
	g_free(r->run_dir);
	g_free(r->href);
	g_free(r->rel);
	g_free(r->owner);
	g_free(r->shown);
	g_free(r);
}

/* ---- paths ---- */

const char *
vd_rows_word(long n)
{
	return n == 1 ? "row" : "rows";
}

/* path made absolute against the current directory, symbolic links resolved if it exists. */
char *
vd_path_resolve(const char *path)
{
	char buf[PATH_MAX];

	if (realpath(path, buf))
		return g_strdup(buf);
	return g_canonicalize_filename(path, NULL);
}

/* to, relative to the directory from (both absolute and resolved). */
static char *
path_relative(const char *from, const char *to)
{
	char **a = g_strsplit(from, "/", -1), **b = g_strsplit(to, "/", -1);
	GString *s = g_string_new(NULL);
	guint i = 0, k;

	while (a[i] && b[i] && strcmp(a[i], b[i]) == 0)
		i++;
	for (k = i; a[k]; k++)
		if (a[k][0])
			g_string_append(s, "../");
	for (k = i; b[k]; k++)
		if (b[k][0])
			g_string_append_printf(s, "%s/", b[k]);
	if (s->len == 0)
		g_string_append(s, "./");
	g_strfreev(a);
	g_strfreev(b);
	return g_string_free(s, FALSE);
}


/* ---- reading the rows ---- */

/*
 * Whether the categories of table t, numbered in its order, come in the
 * order of its tests (1, 2, 3, 3, 3: D4.3's tables).  When they do not
 * (the decoupled table's 1, 2, 3, 4, 5, 3, 2, 6), a number beside each
 * row's category reads as a jumble: the rows show the name alone.
 */
static bool
cats_in_test_order(const struct vd_table *t)
{
	int last = -1;

	for (size_t i = 0; i < t->ntests; i++) {
		if (t->tests[i].cat < last)
			return false;
		last = t->tests[i].cat;
	}
	return true;
}

/* D4.3's category of a row: the evaluator's if it is one of the table's, else by test. */
static void
row_classify(struct vd_eval *e, struct vd_row *r)
{
	const struct vd_table *t = e->tab;
	char *endp;
	long n;

	r->cat = r->ev_cat;
	r->catno = 0;
	r->catno_shown = false;
	r->order = 100;
	if (!t)
		return;
	r->catno_shown = cats_in_test_order(t);
	for (int c = 0; c < (int)G_N_ELEMENTS(t->cats) && t->cats[c]; c++)
		if (g_ascii_strcasecmp(t->cats[c], r->ev_cat) == 0) {
			r->cat = t->cats[c];
			r->catno = c + 1;
			r->order = c;
			return;
		}
	n = strtol(r->test, &endp, 10);
	if (*endp)
		return;
	for (size_t i = 0; i < t->ntests; i++)
		if (t->tests[i].test == n) {
			r->cat = t->cats[t->tests[i].cat];
			r->catno = t->tests[i].cat + 1;
			r->order = t->tests[i].cat;
			return;
		}
}

/* Read e's rows.jsonl.  A malformed line is a problem of e, named by file and line. */
void
vd_eval_read_rows(struct vd *v, struct vd_eval *e)
{
	char *path = g_build_filename(e->dir, "rows.jsonl", NULL);
	char *text = NULL, **lines, err[512];

	if (!(text = fileio_text(path, NULL))) {
		vd_problem(e, "no rows: %s: %s", path, strerror(errno));
		g_free(path);
		return;
	}
	lines = g_strsplit(text, "\n", -1);
	for (guint ln = 0; lines[ln]; ln++) {
		struct vd_row *r;
		const struct validate_field *f;
		GPtrArray *fields;
		size_t k;

		if (!g_strstrip(lines[ln])[0])
			continue;
		fields = validate_row_parse(lines[ln], err, sizeof(err));
		if (!fields) {
			vd_problem(e, "%s:%u: %s", path, ln + 1, err);
			continue;
		}
		for (k = 0; k < VD_NROW_KEYS; k++)
			if (!vd_row_get(fields, vd_row_keys[k]))
				break;
		if (k < VD_NROW_KEYS) {
			vd_problem(e, "%s:%u: no key \"%s\"", path, ln + 1, vd_row_keys[k]);
			g_ptr_array_unref(fields);
			continue;
		}
		f = vd_row_get(fields, "result");
		if (!f->str || (strcmp(f->value, "PASS") != 0 && strcmp(f->value, "FAIL") != 0)) {
			vd_problem(e, "%s:%u: result \"%s\": expected PASS or FAIL", path, ln + 1,
				f->value);
			g_ptr_array_unref(fields);
			continue;
		}
		r = g_new0(struct vd_row, 1);
		r->fields = fields;
		r->seq = ln;
		r->pass = strcmp(f->value, "PASS") == 0;
		e->nread++;
		e->nread_fail += !r->pass;
		r->ev_cat = vd_row_get(fields, "category")->value;
		r->test = vd_row_get(fields, "test")->value;
		row_classify(e, r);
		if (e->postfilter && !vd_selects(v, e->name, r->cat, r->ev_cat, r->test)) {
			vd_row_free(r);
			continue;
		}
		f = vd_row_get(fields, "run_dir");
		if (f->value[0]) {
			r->run_dir = vd_path_resolve(f->value);
			r->rel = path_relative(v->outabs, r->run_dir);
			r->href = g_uri_escape_string(r->rel, "/", FALSE);
		} else {
			r->run_dir = g_strdup("");
			r->rel = g_strdup("(none)");
		}
		g_ptr_array_add(e->rows, r);
	}
	g_strfreev(lines);
	g_free(text);
	g_free(path);
}

/* A string field of a row validate writes itself; value is taken. */
static void
field_add(GPtrArray *fields, const char *key, char *value)
{
	g_ptr_array_add(fields, validate_field_new(key,
		json_node_init_string(json_node_alloc(), value)));
	g_free(value);
}

/*
 * A FAIL row for a row of test t that the evaluator did not write (it
 * wrote have of them): the table shows it like any other, and it counts.
 */
static void
row_missing(struct vd_eval *e, const struct vd_test *t, int have, int due)
{
	GPtrArray *fields = validate_fields_new();
	struct vd_row *r = g_new0(struct vd_row, 1);

	field_add(fields, "category", g_strdup(e->tab->cats[t->cat]));
	g_ptr_array_add(fields, validate_field_new("test",
		json_node_init_int(json_node_alloc(), t->test)));
	field_add(fields, "description", g_strdup_printf("a row of test %d is missing",
							 t->test));
	field_add(fields, "step", g_strdup_printf("scenarios/validation/%s.sh was asked for "
						  "test %d", e->name, t->test));
	field_add(fields, "expected", g_strdup_printf("%d %s for test %d (the catalog of "
						      "validate/validate_catalog.c)", due,
						      vd_rows_word(due), t->test));
	field_add(fields, "actual", g_strdup_printf("the evaluator wrote %d", have));
	field_add(fields, "result", g_strdup("FAIL"));
	field_add(fields, "run_dir", g_strdup(""));
	r->fields = fields;
	r->seq = G_MAXUINT;
	r->pass = false;
	r->owed = true;
	r->ev_cat = vd_row_get(fields, "category")->value;
	r->test = vd_row_get(fields, "test")->value;
	row_classify(e, r);
	r->run_dir = g_strdup("");
	r->rel = g_strdup("(none)");
	g_ptr_array_add(e->rows, r);
}

/*
 * Every test of the catalog that e was asked to run has its rows: each
 * one missing is a FAIL row; a test without any row, or with more rows
 * than the catalog knows, is a problem of e.
 */
void
vd_eval_check_rows(struct vd_eval *e)
{
	char num[16];

	if (!e->tab)
		return;
	for (size_t i = 0; i < e->tab->ntests; i++) {
		const struct vd_test *t = &e->tab->tests[i];
		int due = t->rows > 0 ? t->rows : 1, have = 0;
		bool asked = e->whole;
		guint nrows = e->rows->len;

		for (guint k = 0; k < e->tests->len && !asked; k++)
			asked = g_array_index(e->tests, int, k) == t->test;
		if (!asked || t->missing)
			continue;
		snprintf(num, sizeof(num), "%d", t->test);
		for (guint k = 0; k < nrows; k++)
			have += strcmp(((struct vd_row *)e->rows->pdata[k])->test, num) == 0;
		if (have == 0)
			vd_problem(e, "no row for test %d", t->test);
		else if (have > due)
			vd_problem(e, "%d rows for test %d, the catalog of "
				   "validate/validate_catalog.c knows %d: a row added to the "
				   "evaluator goes in the catalog too", have, t->test, due);
		for (int k = have; k < due; k++)
			row_missing(e, t, have, due);
	}
}

/* The number a row's test starts with (LONG_MAX if none), *rest what follows it. */
static long
row_testno(const struct vd_row *r, const char **rest)
{
	char *end;
	long n = strtol(r->test, &end, 10);

	if (end == r->test) {
		*rest = r->test;
		return LONG_MAX;
	}
	*rest = end;
	return n;
}

static gint
row_cmp(gconstpointer a, gconstpointer b)
{
	const struct vd_row *x = *(struct vd_row *const *)a;
	const struct vd_row *y = *(struct vd_row *const *)b;
	const char *rx, *ry;
	long tx = row_testno(x, &rx), ty = row_testno(y, &ry);
	int c;

	if (tx != ty)
		return tx < ty ? -1 : 1;
	if ((c = strcmp(rx, ry)) != 0)	/* "1" before "1a" before "1b" */
		return c;
	/* Rows of one numbered test: the evaluator's order, whatever their category. */
	if (tx == LONG_MAX && x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Put e's rows in test order (D4.3 numbers its tests in the order of its
 * categories, so its tables stay grouped by category): by the number a
 * test starts with, then what follows it ("1", "1a", "2"); rows of one
 * test keep the evaluator's order.  Rows whose test does not start with
 * a number come last, grouped by category: D4.3's first in its order,
 * then the others in the order they first appear.
 */
void
vd_eval_group_rows(struct vd_eval *e)
{
	for (guint i = 0; i < e->rows->len; i++) {
		struct vd_row *r = e->rows->pdata[i];

		if (r->catno)
			continue;
		r->order = 100 + (int)i;
		for (guint k = 0; k < i; k++) {
			struct vd_row *q = e->rows->pdata[k];

			if (!q->catno && strcmp(q->cat, r->cat) == 0) {
				r->order = q->order;
				break;
			}
		}
	}
	g_ptr_array_sort(e->rows, row_cmp);
}

/* ---- provenance: the run behind each row ---- */

/* A top-level string member of obj, or NULL.  Caller frees. */
static char *
summary_get(JsonObject *obj, const char *key)
{
	JsonNode *n = json_object_get_member(obj, key);

	if (!n || !JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING)
		return NULL;
	return g_strdup(json_node_get_string(n));
}

/*
 * The timestamp/owner of a row is the one of the run that produced its
 * evidence, from run_dir/summary.json: the date the run ended, and the
 * version and commit of the program that ran it.  A row is fresh when
 * that program is this one (same version and commit) and the run ended
 * after this command started; otherwise the tables mark it and the
 * validation is incomplete.  A row validate wrote itself (a missing row)
 * carries this command's stamp.
 */
void
vd_row_provenance(const struct vd *v, struct vd_row *r)
{
	char *path, *text = NULL, *ver = NULL, *commit = NULL, *date = NULL;
	GDateTime *dt = NULL;
	gsize len = 0;

	if (r->owed) {
		r->owner = g_strdup(v->owner);
		r->shown = g_strdup(v->owner);
		r->fresh = true;
		return;
	}
	path = r->run_dir[0] ? g_build_filename(r->run_dir, "summary.json", NULL) : NULL;
	if (path && g_file_get_contents(path, &text, &len, NULL)) {
		JsonParser *jp = json_parser_new();
		JsonNode *root;

		if (json_parser_load_from_data(jp, text, (gssize)len, NULL) &&
		    (root = json_parser_get_root(jp)) && JSON_NODE_HOLDS_OBJECT(root)) {
			ver = summary_get(json_node_get_object(root), "version");
			commit = summary_get(json_node_get_object(root), "commit");
			date = summary_get(json_node_get_object(root), "date");
		}
		g_object_unref(jp);
	}
	if (ver && commit && date && strlen(date) >= 10) {
		bool build = strcmp(ver, PACKAGE_VERSION) == 0 && strcmp(commit, COMETSIM_COMMIT) == 0;

		dt = g_date_time_new_from_iso8601(date, NULL);
		r->owner = g_strdup_printf("%.10s/cometsim %s (%s)", date, ver, commit);
		r->fresh = build && dt && g_date_time_to_unix(dt) >= (gint64)v->t0;
		r->shown = r->fresh ? g_strdup(r->owner) :
			g_strdup_printf("%s, %s", r->owner, build ? "earlier run" : "another build");
	} else {
		r->owner = g_strdup("no run record");
		r->shown = g_strdup("no run record (no summary.json in the run directory)");
		r->fresh = false;
	}
	if (dt)
		g_date_time_unref(dt);
	g_free(ver);
	g_free(commit);
	g_free(date);
	g_free(text);
	g_free(path);
}

