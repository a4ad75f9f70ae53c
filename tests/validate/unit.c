/*
 * unit.c - CUnit tests of the validation module's code that runs
 * nothing (libvalidate.a): rows.jsonl read by json-glib, the catalog of
 * D4.3's tables and what --only selects of it, a row's timestamp/owner
 * from the summary.json of its run, and the tables written from rows
 * (validation.json as json-glib writes it, Markdown and HTML escaping).
 * tests/scenarios/validate.sh runs the command itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <CUnit/Basic.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "config.h"

#include "output/jsontext.h"
#include "validate/validate_int.h"

static char *tmpdir;

static char *
write_file(const char *dir, const char *name, const char *text)
{
	char *path = g_build_filename(dir, name, NULL);

	g_file_set_contents(path, text, -1, NULL);
	return path;
}

/* ---- rows.jsonl ---- */

static const char *
field(GPtrArray *f, guint i, const char *key)
{
	const struct validate_field *x;

	if (i >= f->len)
		return "(none)";
	x = f->pdata[i];
	return strcmp(x->key, key) == 0 ? x->value : "(other key)";
}

static bool
field_str(GPtrArray *f, guint i)
{
	return i < f->len && ((const struct validate_field *)f->pdata[i])->str;
}

static void
test_row_parse(void)
{
	char err[256] = "";
	GPtrArray *f = validate_row_parse(
		"{\"category\":\"c \\\"q\\\" \\\\ \\t\\n\\u00e9 \\ud83d\\ude00\",\"test\":2,"
		"\"x\":1.5,\"ok\":true,\"none\":null,\"s\":\"7\"}", err, sizeof(err));

	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->len, 6);
	/* In the order of the line, strings unescaped, numbers as text. */
	CU_ASSERT_STRING_EQUAL(field(f, 0, "category"), "c \"q\" \\ \t\n\xc3\xa9 \xf0\x9f\x98\x80");
	CU_ASSERT(field_str(f, 0));
	CU_ASSERT_STRING_EQUAL(field(f, 1, "test"), "2");
	CU_ASSERT_FALSE(field_str(f, 1));
	CU_ASSERT_STRING_EQUAL(field(f, 2, "x"), "1.5");
	CU_ASSERT_STRING_EQUAL(field(f, 3, "ok"), "true");
	CU_ASSERT_STRING_EQUAL(field(f, 4, "none"), "null");
	CU_ASSERT_STRING_EQUAL(field(f, 5, "s"), "7");
	CU_ASSERT(field_str(f, 5));
	CU_ASSERT_PTR_NOT_NULL(vd_row_get(f, "x"));
	CU_ASSERT_PTR_NULL(vd_row_get(f, "y"));
	g_ptr_array_unref(f);

	/* What is refused, and why. */
	CU_ASSERT_PTR_NULL(validate_row_parse("{\"a\":1,\"b\":2,\"a\":3}", err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "key \"a\" twice");
	CU_ASSERT_PTR_NULL(validate_row_parse("{\"a\":{\"b\":1}}", err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nested objects and arrays are not supported"));
	CU_ASSERT_PTR_NULL(validate_row_parse("{\"a\":[1]}", err, sizeof(err)));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "nested objects and arrays are not supported"));
	CU_ASSERT_PTR_NULL(validate_row_parse("[1, 2]", err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "not a JSON object");
	CU_ASSERT_PTR_NULL(validate_row_parse("\"row\"", err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "not a JSON object");
	CU_ASSERT_PTR_NULL(validate_row_parse("{\"a\":\"\xff\"}", err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "not UTF-8");
	/* json-glib's own words, with the column. */
	CU_ASSERT_PTR_NULL(validate_row_parse("{\"a\":1 \"b\":2}", err, sizeof(err)));
	CU_ASSERT(g_str_has_suffix(err, "expected character `,' (column 6)"));
	CU_ASSERT_PTR_NULL(strstr(err, "<data>"));
	CU_ASSERT_PTR_NULL(validate_row_parse("{\"a\":tru}", err, sizeof(err)));
	CU_ASSERT(g_str_has_suffix(err, " (column 8)"));
}

/* ---- the catalog and --only ---- */

static void
test_catalog(void)
{
	for (size_t i = 0; i < vd_ncatalog; i++) {
		const struct vd_table *t = &vd_catalog[i];

		CU_ASSERT(t->ntests > 0 && t->ntests <= VD_MAX_TESTS);
		CU_ASSERT_PTR_EQUAL(vd_catalog_find(t->evaluator), t);
		for (size_t k = 0; k < t->ntests; k++) {
			/* Its category is one of the table's. */
			CU_ASSERT(t->tests[k].cat >= 0 && t->tests[k].cat < 8);
			CU_ASSERT_PTR_NOT_NULL(t->cats[t->tests[k].cat]);
			for (size_t j = 0; j < k; j++)
				CU_ASSERT(t->tests[j].test != t->tests[k].test);
		}
	}
	CU_ASSERT_PTR_NOT_NULL(vd_catalog_find("stateless"));
	CU_ASSERT_PTR_NULL(vd_catalog_find("nosuch"));
}

static struct vd_eval *
eval_new(const char *name)
{
	struct vd_eval *e = g_new0(struct vd_eval, 1);

	e->name = g_strdup(name);
	e->path = g_strdup_printf("%s.sh", name);
	e->tab = vd_catalog_find(name);
	e->tests = g_array_new(FALSE, FALSE, sizeof(int));
	e->pass = g_ptr_array_new_with_free_func(g_free);
	e->problems = g_ptr_array_new_with_free_func(g_free);
	e->rows = g_ptr_array_new_with_free_func(vd_row_free);
	return e;
}

static void
vd_init(struct vd *v)
{
	memset(v, 0, sizeof(*v));
	v->pats = g_ptr_array_new_with_free_func(g_free);
	v->evals = g_ptr_array_new_with_free_func(vd_eval_free);
}

static void
vd_clear(struct vd *v)
{
	g_ptr_array_unref(v->pats);
	g_ptr_array_unref(v->evals);
	g_free(v->outabs);
	g_free(v->owner);
	g_free(v->when);
	g_free(v->cmdline);
}

/* The catalog tests --only selects of stateless.sh, as "3,4,". */
static char *
selected(const char *pats)
{
	struct vd v;
	struct vd_eval *e = eval_new("stateless");
	GString *s = g_string_new(NULL);
	char **p = g_strsplit(pats, ",", -1);

	vd_init(&v);
	for (char **q = p; *q; q++)
		g_ptr_array_add(v.pats, g_ascii_strdown(*q, -1));
	vd_eval_select(&v, e);
	if (e->state == VD_SKIPPED)
		g_string_append(s, "skipped");
	else if (e->whole)
		g_string_append(s, "all");
	for (guint i = 0; i < e->tests->len; i++)
		g_string_append_printf(s, "%d,", g_array_index(e->tests, int, i));
	g_strfreev(p);
	vd_eval_free(e);
	vd_clear(&v);
	return g_string_free(s, FALSE);
}

#define CHECK_SELECTED(pats, want) do { \
		char *s_ = selected(pats); \
		CU_ASSERT_STRING_EQUAL(s_, want); \
		g_free(s_); \
	} while (0)

static void
test_selection(void)
{
	CHECK_SELECTED("stateless", "all");
	CHECK_SELECTED("STATELESS 3", "3,");
	CHECK_SELECTED("cafe forward", "3,4,5,6,7,");
	CHECK_SELECTED("stateless [26]", "2,6,");
	CHECK_SELECTED("CAFE Agent 1,stateless 7", "1,7,");
	CHECK_SELECTED("curling", "skipped");
	CHECK_SELECTED("stateless 9", "skipped");
}

/* ---- provenance, and the tables ---- */

/* A run directory whose summary.json says who ran it, and when. */
static char *
run_dir(const char *name, const char *summary)
{
	char *dir = g_build_filename(tmpdir, name, NULL), *p;

	g_mkdir_with_parents(dir, 0777);
	if (summary) {
		p = write_file(dir, "summary.json", summary);
		g_free(p);
	}
	return dir;
}

static char *
summary(const char *date, const char *commit, bool old_layout)
{
	return g_strdup_printf(old_layout ?
		"{\n  \"scenario\": \"s\",\n  \"version\": \"%s\",\n  \"commit\": \"%s\",\n"
		"  \"date\": \"%s\",\n  \"status\": \"complete\"\n}\n" :
		"{\n  \"scenario\" : \"s\",\n  \"version\" : \"%s\",\n  \"commit\" : \"%s\",\n"
		"  \"date\" : \"%s\",\n  \"status\" : \"complete\"\n}\n",
		PACKAGE_VERSION, commit, date);
}

/*
 * A validation of one evaluator, stateless.sh, whose rows.jsonl is text,
 * read, stamped and grouped as the command does it.
 */
static void
validation(struct vd *v, const char *text)
{
	struct vd_eval *e = eval_new("stateless");
	char *p;

	vd_init(v);
	v->t0 = time(NULL) - 60;
	v->owner = g_strdup("2026-01-01/cometsim test");
	v->outabs = g_strdup(tmpdir);
	v->when = g_strdup("2026-01-01 00:00:00 +0000");
	v->cmdline = g_strdup("cometsim validate");
	e->dir = g_build_filename(tmpdir, "stateless", NULL);
	e->log = g_strdup_printf("%s.log", e->dir);
	e->state = VD_RAN;
	e->whole = true;
	g_mkdir_with_parents(e->dir, 0777);
	p = write_file(e->dir, "rows.jsonl", text);
	g_free(p);
	vd_eval_read_rows(v, e);
	for (guint i = 0; i < e->rows->len; i++) {
		struct vd_row *r = e->rows->pdata[i];

		vd_row_provenance(v, r);
		e->npass += r->pass;
		e->nfail += !r->pass;
		e->nstale += !r->fresh;
	}
	vd_eval_group_rows(e);
	v->nrows = (int)e->rows->len;
	v->npass = e->npass;
	v->nfail = e->nfail;
	v->nstale = e->nstale;
	g_ptr_array_add(v->evals, e);
}

static struct vd_row *
row(const struct vd *v, guint i)
{
	const struct vd_eval *e = v->evals->pdata[0];

	return i < e->rows->len ? e->rows->pdata[i] : NULL;
}

static void
test_provenance(void)
{
	char now[32], *fresh, *other, *old, *none, *s, *text;
	struct vd v;
	time_t t = time(NULL);
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%S%z", &tm);
	s = summary(now, COMETSIM_COMMIT, false);
	fresh = run_dir("fresh", s);
	g_free(s);
	s = summary(now, "0123456789ab", true);
	other = run_dir("other", s);
	g_free(s);
	s = summary("2020-01-02T03:04:05+0000", COMETSIM_COMMIT, true);
	old = run_dir("old", s);
	g_free(s);
	none = run_dir("none", NULL);
	text = g_strdup_printf(
		"{\"category\":\"CAFE forward\",\"test\":3,\"description\":\"d\",\"step\":\"s\","
		"\"expected\":\"e\",\"actual\":\"a\",\"result\":\"PASS\",\"run_dir\":\"%s\"}\n"
		"{\"category\":\"CAFE forward\",\"test\":4,\"description\":\"d\",\"step\":\"s\","
		"\"expected\":\"e\",\"actual\":\"a\",\"result\":\"PASS\",\"run_dir\":\"%s\"}\n"
		"{\"category\":\"CAFE forward\",\"test\":5,\"description\":\"d\",\"step\":\"s\","
		"\"expected\":\"e\",\"actual\":\"a\",\"result\":\"PASS\",\"run_dir\":\"%s\"}\n"
		"{\"category\":\"CAFE forward\",\"test\":6,\"description\":\"d\",\"step\":\"s\","
		"\"expected\":\"e\",\"actual\":\"a\",\"result\":\"PASS\",\"run_dir\":\"%s\"}\n",
		fresh, other, old, none);
	validation(&v, text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(row(&v, 3));
	s = g_strdup_printf("%.10s/cometsim %s (%s)", now, PACKAGE_VERSION, COMETSIM_COMMIT);
	/* json-glib's layout: this build, after the command started. */
	CU_ASSERT_STRING_EQUAL(row(&v, 0)->owner, s);
	CU_ASSERT(row(&v, 0)->fresh);
	CU_ASSERT_STRING_EQUAL(row(&v, 0)->shown, s);
	g_free(s);
	/* The layout of earlier builds reads as well. */
	CU_ASSERT_FALSE(row(&v, 1)->fresh);
	CU_ASSERT(g_str_has_suffix(row(&v, 1)->shown, "(0123456789ab), another build"));
	CU_ASSERT_FALSE(row(&v, 2)->fresh);
	CU_ASSERT(g_str_has_prefix(row(&v, 2)->shown, "2020-01-02/cometsim "));
	CU_ASSERT(g_str_has_suffix(row(&v, 2)->shown, ", earlier run"));
	CU_ASSERT_FALSE(row(&v, 3)->fresh);
	CU_ASSERT_STRING_EQUAL(row(&v, 3)->owner, "no run record");
	vd_clear(&v);
	g_free(text);
	g_free(fresh);
	g_free(other);
	g_free(old);
	g_free(none);
}

/* validation.json, parsed back by json-glib: its rows, or NULL. */
static JsonArray *
json_rows(const char *text, JsonParser **jp)
{
	JsonNode *root;

	*jp = json_parser_new();
	if (!json_parser_load_from_data(*jp, text, -1, NULL))
		return NULL;
	root = json_parser_get_root(*jp);
	return root && JSON_NODE_HOLDS_ARRAY(root) ? json_node_get_array(root) : NULL;
}

static void
test_tables(void)
{
	static const char *const keys[] = {
		"table", "evaluator", "category", "evaluator_category", "test",
		"timestamp_owner", "origin", "fresh", "description", "step", "expected", "actual",
		"result", "run_dir", "extra", "n",
	};
	char *dir = run_dir("tables", NULL), *text, *json, *md, *html, **lines;
	JsonParser *jp;
	JsonArray *rows;
	JsonObject *r;
	GList *members;
	guint k = 0;
	struct vd v;

	text = g_strdup_printf(
		"{\"category\":\"CAFE forward\",\"test\":4,\"description\":\"pipe | and "
		"<script>x</script>\",\"step\":\"unit \\u001f sep\",\"expected\":\"e\",\"actual\":"
		"\"a\",\"result\":\"FAIL\",\"run_dir\":\"%s\",\"extra\":\"kept\",\"n\":12}\n"
		"{\"category\":\"CAFE intercept\",\"test\":2,\"description\":\"d\",\"step\":\"s\","
		"\"expected\":\"e\",\"actual\":\"a\",\"result\":\"PASS\",\"run_dir\":\"\"}\n", dir);
	validation(&v, text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(row(&v, 1));

	/* One row object a line, in D4.3's order of categories: intercept, forward. */
	json = vd_render_json(&v);
	lines = g_strsplit(json, "\n", -1);
	CU_ASSERT_EQUAL(g_strv_length(lines), 5);
	CU_ASSERT_STRING_EQUAL(lines[0], "[");
	CU_ASSERT(g_str_has_prefix(lines[1], "  {\"table\":\"Stateless CAFE (D4.3 section 5.4.2)\","
				   "\"evaluator\":\"stateless\",\"category\":\"CAFE intercept\","));
	CU_ASSERT(g_str_has_suffix(lines[1], "},"));
	CU_ASSERT(g_str_has_prefix(lines[2], "  {"));
	CU_ASSERT(g_str_has_suffix(lines[2], "\"extra\":\"kept\",\"n\":12}"));
	CU_ASSERT_STRING_EQUAL(lines[3], "]");
	CU_ASSERT_STRING_EQUAL(lines[4], "");
	/* The control character U+001F is escaped: the file is JSON. */
	CU_ASSERT_PTR_NOT_NULL(strstr(lines[2], "\"step\":\"unit \\u001f sep\""));
	CU_ASSERT_PTR_NULL(strchr(json, 0x1f));
	g_strfreev(lines);
	rows = json_rows(json, &jp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rows);
	CU_ASSERT_EQUAL_FATAL(json_array_get_length(rows), 2);
	r = json_array_get_object_element(rows, 1);
	members = json_object_get_members(r);
	for (GList *m = members; m; m = m->next, k++)
		CU_ASSERT(k < G_N_ELEMENTS(keys) && strcmp(m->data, keys[k]) == 0);
	CU_ASSERT_EQUAL(k, G_N_ELEMENTS(keys));
	g_list_free(members);
	CU_ASSERT_EQUAL(json_object_get_int_member(r, "test"), 4);
	CU_ASSERT_EQUAL(json_object_get_int_member(r, "n"), 12);
	CU_ASSERT_FALSE(json_object_get_boolean_member(r, "fresh"));
	CU_ASSERT_STRING_EQUAL(json_object_get_string_member(r, "step"), "unit \x1f sep");
	CU_ASSERT_STRING_EQUAL(json_object_get_string_member(r, "result"), "FAIL");
	/* Stateless test 4 is a row of D4.3's table. */
	CU_ASSERT_STRING_EQUAL(json_object_get_string_member(r, "origin"), "D4.3 table");
	g_object_unref(jp);
	g_free(json);

	/* Markdown: the table stays whole, nothing is taken as markup. */
	md = vd_render_md(&v);
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| pipe \\| and \\<script\\>x\\</script\\> |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "| **FAIL** | [tables/](tables/) | D4.3 table |"));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "Here: 2 rows of D4.3's tables, 0 of its test plan, 0 "
				      "the project's."));
	CU_ASSERT_PTR_NOT_NULL(strstr(md, "2 rows, 1 PASS, 1 FAIL; INCOMPLETE: 2 rows not run by"));
	g_free(md);
	/* HTML: text, not tags. */
	html = vd_render_html(&v);
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "<td>pipe | and &lt;script&gt;x&lt;/script&gt;</td>"));
	CU_ASSERT_PTR_NULL(strstr(html, "<script>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "<tr class=\"fail\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "<td class=\"origin\">D4.3 table</td></tr>"));
	g_free(html);
	vd_clear(&v);
	g_free(text);
	g_free(dir);
}

/* Rows in test order whatever the evaluator's; the HTML folds long cells and spans shared ones. */
static void
test_order_and_html(void)
{
	char *dir = run_dir("order", NULL), *text, *html, *longv, *cell, **parts;
	GString *lv = g_string_new(NULL);
	static const char *const want[] = { "1", "2", "3", "3", "7" };
	struct vd v;

	for (int i = 0; i < 30; i++)
		g_string_append_printf(lv, "word%02d ", i);
	g_string_append(lv, "end");
	longv = g_string_free(lv, FALSE);
	text = g_strdup_printf(
		"{\"category\":\"CAFE forward\",\"test\":7,\"description\":\"d\",\"step\":\"s\","
		"\"expected\":\"e\",\"actual\":\"a\",\"result\":\"PASS\",\"run_dir\":\"%s\"}\n"
		"{\"category\":\"CAFE forward\",\"test\":3,\"description\":\"first of 3\",\"step\":\"s\","
		"\"expected\":\"e\",\"actual\":\"%s\",\"result\":\"PASS\",\"run_dir\":\"%s\"}\n"
		"{\"category\":\"CAFE intercept\",\"test\":2,\"description\":\"d\",\"step\":\"s\","
		"\"expected\":\"e\",\"actual\":\"a\",\"result\":\"PASS\",\"run_dir\":\"%s\"}\n"
		"{\"category\":\"CAFE forward\",\"test\":3,\"description\":\"second of 3\",\"step\":\"s\","
		"\"expected\":\"e\",\"actual\":\"a\",\"result\":\"PASS\",\"run_dir\":\"%s\"}\n"
		"{\"category\":\"CAFE Agent\",\"test\":1,\"description\":\"d\",\"step\":\"s\","
		"\"expected\":\"e\",\"actual\":\"a\",\"result\":\"PASS\",\"run_dir\":\"%s\"}\n",
		dir, longv, dir, dir, dir, dir);
	validation(&v, text);
	for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
		CU_ASSERT_PTR_NOT_NULL_FATAL(row(&v, i));
		CU_ASSERT_STRING_EQUAL(row(&v, i)->test, want[i]);
	}
	/* The two rows of test 3 keep the evaluator's order. */
	CU_ASSERT_STRING_EQUAL(vd_row_get(row(&v, 2)->fields, "description")->value, "first of 3");
	html = vd_render_html(&v);
	/* A contents list that links each table. */
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "<div class=\"contents\">"));
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "<li><a href=\"#stateless\">"));
	/* The long cell folded: its first words as the summary, the whole inside. */
	cell = g_strdup_printf("<td><details><summary>word00 word01");
	CU_ASSERT_PTR_NOT_NULL(strstr(html, cell));
	g_free(cell);
	cell = g_strdup_printf("&hellip;</summary>%s</details></td>", longv);
	CU_ASSERT_PTR_NOT_NULL(strstr(html, cell));
	g_free(cell);
	/* Short cells are not folded. */
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "<td>second of 3</td>"));
	/* "3. CAFE forward" once for its three rows (3, 3, 7), the others alone. */
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "<td rowspan=\"3\">3. CAFE forward</td>"));
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "<td>2. CAFE intercept</td>"));
	/* One timestamp/owner cell for the five rows of one run. */
	CU_ASSERT_PTR_NOT_NULL(strstr(html, "<td class=\"owner\" rowspan=\"5\">"));
	/* Five rows, every one with its own test cell. */
	parts = g_strsplit(html, "<td class=\"test\">", -1);
	CU_ASSERT_EQUAL(g_strv_length(parts), 6);
	g_strfreev(parts);
	g_free(html);
	vd_clear(&v);
	g_free(text);
	g_free(longv);
	g_free(dir);
}

/* jsontext_write(): json-glib's text, U+001F escaped, the pretty layout. */
static void
test_jsontext(void)
{
	JsonBuilder *b = json_builder_new();
	JsonNode *root;
	char *text, *bad = jsontext_utf8("a\xff" "b");

	CU_ASSERT_STRING_EQUAL(bad, "a\xef\xbf\xbd" "b");
	json_builder_begin_object(b);
	json_builder_set_member_name(b, "s");
	json_builder_add_string_value(b, "\x1f\x01\"");
	json_builder_set_member_name(b, "u");
	json_builder_add_string_value(b, bad);
	json_builder_set_member_name(b, "n");
	json_builder_add_int_value(b, 3);
	json_builder_end_object(b);
	root = json_builder_get_root(b);
	text = jsontext_write(root, false);
	CU_ASSERT_STRING_EQUAL(text, "{\"s\":\"\\u001f\\u0001\\\"\",\"u\":\"a\xef\xbf\xbd" "b\",\"n\":3}");
	g_free(text);
	text = jsontext_write(root, true);
	CU_ASSERT_STRING_EQUAL(text, "{\n  \"s\" : \"\\u001f\\u0001\\\"\",\n  \"u\" : \"a\xef\xbf\xbd"
			       "b\",\n  \"n\" : 3\n}\n");
	g_free(text);
	json_node_unref(root);
	g_object_unref(b);
	g_free(bad);
}

int
main(void)
{
	CU_pSuite s;
	unsigned failed;

	tmpdir = g_dir_make_tmp("validate-unit-XXXXXX", NULL);
	if (!tmpdir || CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	s = CU_add_suite("validate", NULL, NULL);
	CU_add_test(s, "rows.jsonl: one flat object a line", test_row_parse);
	CU_add_test(s, "the catalog of D4.3's tables", test_catalog);
	CU_add_test(s, "--only: evaluators, categories, tests", test_selection);
	CU_add_test(s, "timestamp/owner from the run's summary.json", test_provenance);
	CU_add_test(s, "the tables: JSON, Markdown, HTML", test_tables);
	CU_add_test(s, "rows in test order; HTML folds and spans", test_order_and_html);
	CU_add_test(s, "JSON text from json-glib", test_jsontext);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	{
		char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);

		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
		g_free(cmd);
	}
	g_free(tmpdir);
	return failed ? 1 : 0;
}
