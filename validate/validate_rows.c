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
	g_free(f);
}

struct jp {
	const char *s, *p;
	char *err;
	size_t errlen;
};

static int
jp_fail(struct jp *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
jp_fail(struct jp *j, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(j->err, j->errlen, "%s (column %ld)", msg,
		 (long)g_utf8_pointer_to_offset(j->s, j->p) + 1);
	return -1;
}

static void
jp_ws(struct jp *j)
{
	while (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n')
		j->p++;
}

static int
jp_hex4(struct jp *j, unsigned *v)
{
	*v = 0;
	for (int i = 0; i < 4; i++) {
		int d = g_ascii_xdigit_value(j->p[i]);

		if (d < 0)
			return jp_fail(j, "\\u needs four hexadecimal digits");
		*v = *v * 16 + (unsigned)d;
	}
	j->p += 4;
	return 0;
}

/* A JSON string at j->p (on its opening quote), unescaped into out. */
static int
jp_string(struct jp *j, GString *out)
{
	unsigned c, lo;

	j->p++;
	for (;;) {
		unsigned char ch = (unsigned char)*j->p;

		if (ch == '"') {
			j->p++;
			return 0;
		}
		if (ch == '\0')
			return jp_fail(j, "unterminated string");
		if (ch < 0x20)
			return jp_fail(j, "raw control character 0x%02x in a string", ch);
		if (ch != '\\') {
			g_string_append_c(out, (char)ch);
			j->p++;
			continue;
		}
		j->p++;
		switch (*j->p) {
		case '"': g_string_append_c(out, '"'); break;
		case '\\': g_string_append_c(out, '\\'); break;
		case '/': g_string_append_c(out, '/'); break;
		case 'b': g_string_append_c(out, '\b'); break;
		case 'f': g_string_append_c(out, '\f'); break;
		case 'n': g_string_append_c(out, '\n'); break;
		case 'r': g_string_append_c(out, '\r'); break;
		case 't': g_string_append_c(out, '\t'); break;
		case 'u':
			j->p++;
			if (jp_hex4(j, &c) != 0)
				return -1;
			if (c >= 0xd800 && c <= 0xdbff) {
				if (j->p[0] != '\\' || j->p[1] != 'u')
					return jp_fail(j, "a high surrogate \\u%04x without its low one", c);
				j->p += 2;
				if (jp_hex4(j, &lo) != 0)
					return -1;
				if (lo < 0xdc00 || lo > 0xdfff)
					return jp_fail(j, "\\u%04x is not a low surrogate", lo);
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			} else if (c >= 0xdc00 && c <= 0xdfff) {
				return jp_fail(j, "a lone low surrogate \\u%04x", c);
			} else if (c == 0) {
				return jp_fail(j, "\\u0000 is not supported");
			}
			g_string_append_unichar(out, c);
			continue;
		case '\0':
			return jp_fail(j, "unterminated string");
		default:
			return jp_fail(j, "unknown escape \\%c", *j->p);
		}
		j->p++;
	}
}

/* A number (RFC 8259's grammar) or true, false, null: kept as written. */
static int
jp_scalar(struct jp *j, GString *out)
{
	static const char *const lits[] = { "true", "false", "null" };
	const char *q = j->p;

	for (size_t i = 0; i < G_N_ELEMENTS(lits); i++)
		if (strncmp(q, lits[i], strlen(lits[i])) == 0) {
			j->p += strlen(lits[i]);
			g_string_append(out, lits[i]);
			return 0;
		}
	if (*q == '{' || *q == '[')
		return jp_fail(j, "nested objects and arrays are not supported");
	if (*q == '-')
		q++;
	if (*q == '0')
		q++;
	else if (*q >= '1' && *q <= '9')
		while (g_ascii_isdigit(*q))
			q++;
	else
		return jp_fail(j, "expected a string or a number");
	if (*q == '.') {
		if (!g_ascii_isdigit(*++q)) {
			j->p = q;
			return jp_fail(j, "a digit must follow the decimal point");
		}
		while (g_ascii_isdigit(*q))
			q++;
	}
	if (*q == 'e' || *q == 'E') {
		q++;
		if (*q == '+' || *q == '-')
			q++;
		if (!g_ascii_isdigit(*q)) {
			j->p = q;
			return jp_fail(j, "a digit must follow the exponent");
		}
		while (g_ascii_isdigit(*q))
			q++;
	}
	g_string_append_len(out, j->p, q - j->p);
	j->p = q;
	return 0;
}

GPtrArray *
validate_row_parse(const char *line, char *err, size_t errlen)
{
	struct jp j = { line, line, err, errlen };
	GPtrArray *fields = g_ptr_array_new_with_free_func(field_free);
	GString *key = g_string_new(NULL), *val = g_string_new(NULL);
	struct validate_field *f;

	if (!g_utf8_validate(line, -1, NULL)) {
		snprintf(err, errlen, "not UTF-8");
		goto fail;
	}
	jp_ws(&j);
	if (*j.p != '{') {
		jp_fail(&j, "expected '{'");
		goto fail;
	}
	j.p++;
	jp_ws(&j);
	if (*j.p == '}') {
		j.p++;
		goto end;
	}
	for (;;) {
		jp_ws(&j);
		if (*j.p != '"') {
			jp_fail(&j, "expected a key in double quotes");
			goto fail;
		}
		g_string_truncate(key, 0);
		if (jp_string(&j, key) != 0)
			goto fail;
		for (guint i = 0; i < fields->len; i++)
			if (strcmp(((struct validate_field *)fields->pdata[i])->key, key->str) == 0) {
				jp_fail(&j, "key \"%s\" twice", key->str);
				goto fail;
			}
		jp_ws(&j);
		if (*j.p != ':') {
			jp_fail(&j, "expected ':' after the key \"%s\"", key->str);
			goto fail;
		}
		j.p++;
		jp_ws(&j);
		g_string_truncate(val, 0);
		f = g_new0(struct validate_field, 1);
		f->str = *j.p == '"';
		if ((f->str ? jp_string(&j, val) : jp_scalar(&j, val)) != 0) {
			g_free(f);
			goto fail;
		}
		f->key = g_strdup(key->str);
		f->value = g_strdup(val->str);
		g_ptr_array_add(fields, f);
		jp_ws(&j);
		if (*j.p == '}') {
			j.p++;
			break;
		}
		if (*j.p != ',') {
			jp_fail(&j, "expected ',' or '}'");
			goto fail;
		}
		j.p++;
	}
end:
	jp_ws(&j);
	if (*j.p) {
		jp_fail(&j, "text after the object");
		goto fail;
	}
	g_string_free(key, TRUE);
	g_string_free(val, TRUE);
	return fields;
fail:
	g_string_free(key, TRUE);
	g_string_free(val, TRUE);
	g_ptr_array_unref(fields);
	return NULL;
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

/* D4.3's category of a row: the evaluator's if it is one of the table's, else by test. */
static void
row_classify(struct vd_eval *e, struct vd_row *r)
{
	const struct vd_table *t = e->tab;
	char *endp;
	long n;

	r->cat = r->ev_cat;
	r->catno = 0;
	r->order = 100;
	if (!t)
		return;
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

static void
field_add(GPtrArray *fields, const char *key, char *value, bool str)
{
	struct validate_field *f = g_new0(struct validate_field, 1);

	f->key = g_strdup(key);
	f->value = value;
	f->str = str;
	g_ptr_array_add(fields, f);
}

/*
 * A FAIL row for a row of test t that the evaluator did not write (it
 * wrote have of them): the table shows it like any other, and it counts.
 */
static void
row_missing(struct vd_eval *e, const struct vd_test *t, int have, int due)
{
	GPtrArray *fields = g_ptr_array_new_with_free_func(field_free);
	struct vd_row *r = g_new0(struct vd_row, 1);

	field_add(fields, "category", g_strdup(e->tab->cats[t->cat]), true);
	field_add(fields, "test", g_strdup_printf("%d", t->test), false);
	field_add(fields, "description", g_strdup_printf("a row of test %d is missing",
							 t->test), true);
	field_add(fields, "step", g_strdup_printf("scenarios/validation/%s.sh was asked for "
						  "test %d", e->name, t->test), true);
	field_add(fields, "expected", g_strdup_printf("%d %s for test %d (the catalog of "
						      "validate/validate_catalog.c)", due,
						      vd_rows_word(due), t->test), true);
	field_add(fields, "actual", g_strdup_printf("the evaluator wrote %d", have), true);
	field_add(fields, "result", g_strdup("FAIL"), true);
	field_add(fields, "run_dir", g_strdup(""), true);
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

static gint
row_cmp(gconstpointer a, gconstpointer b)
{
	const struct vd_row *x = *(struct vd_row *const *)a;
	const struct vd_row *y = *(struct vd_row *const *)b;

	if (x->order != y->order)
		return x->order < y->order ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/*
 * Group e's rows as D4.3 does: by category, D4.3's first in its order,
 * then the others in the order they first appear; rows keep their order
 * inside a category.
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

/*
 * A top-level string of summary.json, as output/report.c writes it (one
 * key a line, two spaces in: "  \"commit\": \"3f2a9c1b0d4e\","), or NULL.
 */
static char *
summary_get(const char *text, const char *key)
{
	char *pat = g_strdup_printf("\n  \"%s\": \"", key);
	const char *p = strstr(text, pat), *q;
	char *val = NULL;

	if (p) {
		p += strlen(pat);
		q = strpbrk(p, "\"\\\n");
		if (q && *q == '"')
			val = g_strndup(p, (gsize)(q - p));
	}
	g_free(pat);
	return val;
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

	if (r->owed) {
		r->owner = g_strdup(v->owner);
		r->shown = g_strdup(v->owner);
		r->fresh = true;
		return;
	}
	path = r->run_dir[0] ? g_build_filename(r->run_dir, "summary.json", NULL) : NULL;
	if (path && g_file_get_contents(path, &text, NULL, NULL)) {
		ver = summary_get(text, "version");
		commit = summary_get(text, "commit");
		date = summary_get(text, "date");
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

