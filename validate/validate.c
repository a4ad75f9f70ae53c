/*
 * validate.c - "cometsim validate": run every validation evaluator and
 * print D4.3's tables from what they observed.
 *
 * An evaluator is a script scenarios/validation/NAME.sh of the source
 * tree (stateless.sh, curling.sh, rae.sh, ...).  It takes
 * "OUTDIR --cometsim PATH --quiet [--only LIST]", runs its scenarios into
 * OUTDIR, reads what they captured and logged, and writes one flat JSON
 * object a line to OUTDIR/rows.jsonl: category, test, description, step,
 * expected, actual, result (PASS or FAIL), run_dir.  It exits 0 when
 * every row passes, 1 when one fails, 2 or more when it could not do its
 * job.  This file only runs them and reads their rows: it never decides
 * a result itself.
 *
 * The steps:
 *   1. find the evaluators: $COMETSIM_SRCDIR, else the source tree the
 *      program was built from (COMETSIM_SRCDIR of Makefile.am);
 *   2. select them and their tests with --only, through the catalog
 *      below (D4.3's tests, their categories and tables);
 *   3. run each one, in its own process group, into DIR/NAME/, with
 *      --cometsim set to this very program (/proc/self/exe), its output
 *      in DIR/NAME.log;
 *   4. read DIR/NAME/rows.jsonl; an evaluator that crashed, exited 2 or
 *      more, wrote a malformed line, no row for a test it should have or
 *      more rows than the catalog knows "failed to run": reported, and
 *      the exit status is 3; a row it owed and did not write is a FAIL
 *      row;
 *   5. print the tables grouped as D4.3 groups them and write them to
 *      DIR/validation.md, DIR/validation.html (self-contained) and
 *      DIR/validation.json (and --json FILE).
 * Before step 3, the tools the selected evaluators need (the catalog)
 * must all be there, or nothing runs (exit 2).
 *
 * The timestamp/owner column of a row is the date, version and commit of
 * the run behind it (its run_dir/summary.json), not of this command: a
 * row graded from a run this command did not make with this build is
 * marked, and the validation is incomplete (exit 3).  The front end may
 * read the wall clock.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "config.h"

#include "validate/validate.h"
#include "sim/fileio.h"

#define EXIT_FAIL	1	/* a row says FAIL */
#define EXIT_USAGE	2	/* the command line is wrong */
#define EXIT_INCOMPLETE	3	/* an evaluator failed to run, bad rows, no row */

const char validate_usage[] =
	"usage: cometsim validate [--out DIR] [--json FILE] [--only PATTERN]...\n"
	"                         [--keep-going] [--pass NAME:ARGS]... [--list] [--quiet]\n";

const char validate_help[] =
	"Run every validation evaluator (scenarios/validation/*.sh of the source\n"
	"tree), read the rows they observed and print D4.3's validation tables:\n"
	"test category, test, timestamp/owner, description, step, expected,\n"
	"actual, result.  The tables are also written to DIR/validation.md,\n"
	"DIR/validation.html (self-contained) and DIR/validation.json.\n"
	"\n"
	"  -o, --out DIR         output directory (default output/validation); each\n"
	"                        evaluator runs into DIR/NAME/, its output in DIR/NAME.log\n"
	"  --json FILE           also write the rows as JSON to FILE\n"
	"  --only PATTERN        only what PATTERN selects: an evaluator (\"stateless\"),\n"
	"                        or tests by \"CATEGORY TEST\" or \"EVALUATOR TEST\"\n"
	"                        (\"CAFE forward\", \"stateless 3\", \"multi-domain\");\n"
	"                        a substring, or a glob with * ? [ ], any case; comma\n"
	"                        separated or repeated for several\n"
	"  -k, --keep-going      run the other evaluators after one failed to run\n"
	"                        (default: stop there; FAIL rows never stop it)\n"
	"  --pass NAME:ARGS      give evaluator NAME these extra arguments (split as\n"
	"                        the shell does): --pass 'stateless:--scenario 3=F.xml'\n"
	"  --list                print the evaluators and tests --only selects; run nothing\n"
	"  -q, --quiet           print only the summary, not the tables\n"
	"  -h, --help            this help\n"
	"\n"
	"The evaluators come from $COMETSIM_SRCDIR/scenarios/validation, else from\n"
	"the source tree this program was built from.\n"
	"Each row is stamped with the date, version and commit of the run behind it.\n"
	"Exit status: 0 every row passes, 1 a row failed (or is missing), 2 bad usage\n"
	"or a tool the evaluators need is missing, 3 incomplete (an evaluator failed\n"
	"to run or wrote bad rows, no row at all, a row not run by this command, an\n"
	"output not written), 130/143 interrupted.\n";

/* ---- the catalog: D4.3's tests, their categories and tables ---- */

#define VD_MAX_TESTS	16	/* tests of one table in the catalog */

/* One test of D4.3 as an evaluator rebuilds it. */
struct vd_test {
	int test;		/* D4.3's number */
	int cat;		/* index in the table's categories */
	int rows;		/* rows the evaluator writes for it (0: one) */
	const char *missing;	/* NULL: rebuilt, its rows are due; else why it is not */
};

/* A program an evaluator needs, and where Debian has it. */
struct vd_tool {
	const char *env;	/* the variable that names it, or NULL */
	const char *prog;	/* the default */
	const char *package;	/* the Debian package */
};

/* One table of D4.3, and the evaluator that rebuilds it. */
struct vd_table {
	const char *evaluator;		/* scenarios/validation/EVALUATOR.sh */
	const char *title;
	const char *source;		/* where D4.3 has the table */
	const char *cats[8];		/* D4.3's categories, in its order */
	struct vd_test tests[VD_MAX_TESTS];
	size_t ntests;
	struct vd_tool tools[4];	/* what it runs besides cometsim and the shell */
};

#define VD_TSHARK	{ "TSHARK", "tshark", "tshark" }

static const struct vd_table catalog[] = {
	{ "stateless", "Stateless CAFE", "D4.3 section 5.4.2",
	  { "CAFE Agent", "CAFE intercept", "CAFE forward" },
	  { { .test = 1, .cat = 0 },
	    { .test = 2, .cat = 1 }, { .test = 3, .cat = 2 }, { .test = 4, .cat = 2 },
	    { .test = 5, .cat = 2 }, { .test = 6, .cat = 2 }, { .test = 7, .cat = 2 } }, 7,
	  { VD_TSHARK } },
	{ "curling", "Coupled approach", "D4.3 section 6.4.2",
	  { "Content State Installation", "Content Delivery" },
	  { { .test = 1, .cat = 0 }, { .test = 2, .cat = 0 }, { .test = 3, .cat = 1 },
	    { .test = 4, .cat = 1 } }, 4,
	  { VD_TSHARK, { NULL, "mergecap", "wireshark-common" } } },
	/*
	 * One row per check: the number of checks of each test.  Tests 4 and
	 * 5 are the project's: ties in the decision, lossy control links.
	 */
	{ "rae", "Routing Awareness Entity", "D4.3 section 4.4.1; tests 4 and 5 the project's",
	  { "single-domain", "multi-domain", "stress-test", "decision ties", "lossy control links" },
	  { { .test = 1, .cat = 0, .rows = 3 }, { .test = 2, .cat = 1, .rows = 7 },
	    { .test = 3, .cat = 2, .rows = 3 }, { .test = 4, .cat = 3, .rows = 3 },
	    { .test = 5, .cat = 4, .rows = 3 } }, 5,
	  { VD_TSHARK, { "PYTHON", "python3", "python3" } } },
	/* Not a table of D4.3: the project's end-to-end run of sections 3, 5.2.3, 5.3.4. */
	{ "decoupled", "Decoupled approach end to end", "the project's, D4.3 sections 3, 5.2.3, 5.3.4",
	  { "RAE-CME interface", "CME decision", "CME-CAFE interface", "CAFE forward",
	    "Content delivery", "Bad input" },
	  { { .test = 1, .cat = 0 }, { .test = 2, .cat = 1 }, { .test = 3, .cat = 2 },
	    { .test = 4, .cat = 3 }, { .test = 5, .cat = 4 }, { .test = 6, .cat = 2 },
	    { .test = 7, .cat = 1 }, { .test = 8, .cat = 5 }, { .test = 9, .cat = 5 },
	    { .test = 10, .cat = 5 }, { .test = 11, .cat = 5 }, { .test = 12, .cat = 5 },
	    { .test = 13, .cat = 5 } }, 13,
	  { VD_TSHARK } },
};

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
static const struct validate_field *
row_get(GPtrArray *fields, const char *key)
{
	for (guint i = 0; i < fields->len; i++) {
		const struct validate_field *f = fields->pdata[i];

		if (strcmp(f->key, key) == 0)
			return f;
	}
	return NULL;
}

/* The keys every row must have, in the order evaluators write them. */
static const char *const row_keys[] = {
	"category", "test", "description", "step", "expected", "actual", "result",
	"run_dir",
};

/* ---- the state of one validation ---- */

/* One row, as read and as it is shown. */
struct vd_row {
	GPtrArray *fields;	/* struct validate_field, as the line had them */
	const char *ev_cat;	/* the evaluator's "category" (in fields) */
	const char *test;	/* "test" as text (in fields) */
	const char *cat;	/* D4.3's category (catalog), else ev_cat */
	int catno;		/* D4.3's number of cat, 0 if none */
	int order;		/* place of cat in its table, to group rows */
	guint seq;		/* place of the row in rows.jsonl */
	bool pass;
	bool owed;		/* not written by the evaluator: a row it owed */
	char *owner;		/* timestamp/owner: the run's date, version and commit */
	char *shown;		/* owner as the tables show it (marked if not fresh) */
	bool fresh;		/* its run was made by this command, with this build */
	char *run_dir;		/* absolute, resolved */
	char *href;		/* run_dir relative to DIR, URI-escaped */
	char *rel;		/* the same, readable */
};

enum vd_state { VD_SKIPPED, VD_NOT_RUN, VD_RAN, VD_FAILED };

/* One evaluator and what came of it. */
struct vd_eval {
	char *name;		/* "stateless" */
	char *path;		/* the script */
	const struct vd_table *tab;	/* NULL: not in the catalog */
	enum vd_state state;
	bool whole;		/* every test of it selected (no --only passed) */
	bool postfilter;	/* its rows filtered by --only after the run */
	GArray *tests;		/* int: the catalog tests selected, passed as --only */
	GPtrArray *pass;	/* char *: --pass arguments for it */
	char *dir, *log;	/* DIR/NAME, DIR/NAME.log */
	int status;		/* exit status, or 128 + signal */
	double secs;
	GPtrArray *problems;	/* char *: why it failed to run */
	GPtrArray *rows;	/* struct vd_row * */
	int nread, nread_fail;	/* rows in rows.jsonl, before --only */
	int npass, nfail;
	int nstale;		/* rows not fresh (row_provenance) */
};

struct vd {
	char *srcdir;		/* where scenarios/validation is */
	const char *out;	/* --out as given */
	char *outabs;		/* the same, resolved */
	const char *json;	/* --json */
	GPtrArray *pats;	/* char *: the --only patterns, lower case */
	GPtrArray *passes;	/* char *: --pass as given */
	bool keep_going, list, quiet;
	char *exe;		/* this program */
	char *owner;		/* this command's timestamp/owner: its date, this build */
	char *when;		/* date and time of the command, for the headers */
	time_t t0;		/* when the command started */
	char *cmdline;		/* the command, for the headers */
	GPtrArray *evals;	/* struct vd_eval * */
	int nrows, npass, nfail;
	int nstale;		/* rows whose run this command did not make */
	int nfailed, nnotrun;	/* evaluators that failed to run, that did not run */
	bool stopped;		/* an evaluator failed and --keep-going is off */
};

static void
row_free(gpointer p)
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

static void
eval_free(gpointer p)
{
	struct vd_eval *e = p;

	g_free(e->name);
	g_free(e->path);
	g_array_unref(e->tests);
	g_ptr_array_unref(e->pass);
	g_free(e->dir);
	g_free(e->log);
	g_ptr_array_unref(e->problems);
	g_ptr_array_unref(e->rows);
	g_free(e);
}

static void
problem(struct vd_eval *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
problem(struct vd_eval *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_ptr_array_add(e->problems, g_strdup_vprintf(fmt, ap));
	va_end(ap);
}

/* ---- selection: --only ---- */

/* PATTERN against one key: a glob if it has * ? [, else a substring; any case. */
static bool
pat_match(const char *pat, const char *key)
{
	char *k = g_ascii_strdown(key, -1);
	bool m;

	if (strpbrk(pat, "*?["))
		m = fnmatch(pat, k, 0) == 0;
	else
		m = strstr(k, pat) != NULL;
	g_free(k);
	return m;
}

/*
 * Does --only select this?  The keys of a test: "EVALUATOR",
 * "EVALUATOR TEST", "CATEGORY TEST" with D4.3's category and with the
 * evaluator's own.  Without test, the evaluator alone.
 */
static bool
selects(const struct vd *v, const char *ev, const char *cat, const char *ev_cat,
	const char *test)
{
	char *keys[4] = { NULL };
	bool m = false;
	size_t n = 0;

	if (v->pats->len == 0)
		return true;
	keys[n++] = g_strdup(ev);
	if (test) {
		keys[n++] = g_strdup_printf("%s %s", ev, test);
		if (cat)
			keys[n++] = g_strdup_printf("%s %s", cat, test);
		if (ev_cat && (!cat || strcmp(cat, ev_cat) != 0))
			keys[n++] = g_strdup_printf("%s %s", ev_cat, test);
	}
	for (guint i = 0; i < v->pats->len && !m; i++)
		for (size_t k = 0; k < n && !m; k++)
			m = pat_match(v->pats->pdata[i], keys[k]);
	for (size_t k = 0; k < n; k++)
		g_free(keys[k]);
	return m;
}

static const struct vd_table *
catalog_find(const char *name)
{
	for (size_t i = 0; i < G_N_ELEMENTS(catalog); i++)
		if (strcmp(catalog[i].evaluator, name) == 0)
			return &catalog[i];
	return NULL;
}

/* Decide what runs of e: all of it, some tests, or nothing. */
static void
eval_select(struct vd *v, struct vd_eval *e)
{
	char num[16];

	e->state = VD_SKIPPED;
	if (v->pats->len == 0 || selects(v, e->name, NULL, NULL, NULL)) {
		e->whole = true;
		e->state = VD_NOT_RUN;
		return;
	}
	if (!e->tab) {
		/*
		 * Its tests are unknown until it runs: "NAME TEST" runs it all
		 * and keeps the rows that match.
		 */
		char *prefix = g_ascii_strdown(e->name, -1);
		char *p2 = g_strconcat(prefix, " ", NULL);

		for (guint i = 0; i < v->pats->len; i++)
			if (g_str_has_prefix(v->pats->pdata[i], p2)) {
				e->whole = true;
				e->postfilter = true;
				e->state = VD_NOT_RUN;
			}
		g_free(prefix);
		g_free(p2);
		return;
	}
	for (size_t i = 0; i < e->tab->ntests; i++) {
		const struct vd_test *t = &e->tab->tests[i];

		snprintf(num, sizeof(num), "%d", t->test);
		if (!t->missing && selects(v, e->name, e->tab->cats[t->cat], NULL, num))
			g_array_append_val(e->tests, t->test);
	}
	if (e->tests->len > 0) {
		e->postfilter = true;
		e->state = VD_NOT_RUN;
	}
}

/* ---- finding the evaluators ---- */

static int
eval_order(const struct vd_eval *e)
{
	for (size_t i = 0; i < G_N_ELEMENTS(catalog); i++)
		if (e->tab == &catalog[i])
			return (int)i;
	return (int)G_N_ELEMENTS(catalog);
}

static gint
eval_cmp(gconstpointer a, gconstpointer b)
{
	const struct vd_eval *x = *(struct vd_eval *const *)a;
	const struct vd_eval *y = *(struct vd_eval *const *)b;
	int ox = eval_order(x), oy = eval_order(y);

	if (ox != oy)
		return ox < oy ? -1 : 1;
	return strcmp(x->name, y->name);
}

static bool
has_evaluators(const char *dir)
{
	char *p = g_build_filename(dir, "scenarios", "validation", NULL);
	bool ok = g_file_test(p, G_FILE_TEST_IS_DIR);

	g_free(p);
	return ok;
}

/*
 * The source tree: $COMETSIM_SRCDIR, else the one of the build.  NULL
 * after a message.
 */
static char *
find_srcdir(void)
{
	const char *env = getenv("COMETSIM_SRCDIR");

	if (env && env[0]) {
		if (!has_evaluators(env)) {
			fprintf(stderr, "cometsim validate: COMETSIM_SRCDIR=%s: no "
				"scenarios/validation folder there\n", env);
			return NULL;
		}
		return g_canonicalize_filename(env, NULL);
	}
	if (has_evaluators(COMETSIM_SRCDIR))
		return g_strdup(COMETSIM_SRCDIR);
	fprintf(stderr, "cometsim validate: no scenarios/validation in %s, the source "
		"tree of this build; set COMETSIM_SRCDIR to a source tree\n",
		COMETSIM_SRCDIR);
	return NULL;
}

/* Every scenarios/validation/NAME.sh ("_" first: a helper, skipped). */
static int
find_evaluators(struct vd *v)
{
	char *dir = g_build_filename(v->srcdir, "scenarios", "validation", NULL);
	GError *gerr = NULL;
	GDir *d = g_dir_open(dir, 0, &gerr);
	const char *n;

	if (!d) {
		fprintf(stderr, "cometsim validate: %s\n", gerr->message);
		g_error_free(gerr);
		g_free(dir);
		return -1;
	}
	while ((n = g_dir_read_name(d))) {
		struct vd_eval *e;
		char *path;

		if (!g_str_has_suffix(n, ".sh") || n[0] == '_' || n[0] == '.')
			continue;
		path = g_build_filename(dir, n, NULL);
		if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
			g_free(path);
			continue;
		}
		e = g_new0(struct vd_eval, 1);
		e->name = g_strndup(n, strlen(n) - 3);
		e->path = path;
		e->tab = catalog_find(e->name);
		e->tests = g_array_new(FALSE, FALSE, sizeof(int));
		e->pass = g_ptr_array_new_with_free_func(g_free);
		e->problems = g_ptr_array_new_with_free_func(g_free);
		e->rows = g_ptr_array_new_with_free_func(row_free);
		g_ptr_array_add(v->evals, e);
	}
	g_dir_close(d);
	g_ptr_array_sort(v->evals, eval_cmp);
	if (v->evals->len == 0) {
		fprintf(stderr, "cometsim validate: no evaluator (*.sh) in %s\n", dir);
		g_free(dir);
		return -1;
	}
	g_free(dir);
	return 0;
}

static struct vd_eval *
eval_find(struct vd *v, const char *name)
{
	for (guint i = 0; i < v->evals->len; i++) {
		struct vd_eval *e = v->evals->pdata[i];

		if (strcmp(e->name, name) == 0)
			return e;
	}
	return NULL;
}

/* --pass NAME:ARGS, split as the shell does.  -1 after a message. */
static int
passes_apply(struct vd *v)
{
	for (guint i = 0; i < v->passes->len; i++) {
		const char *p = v->passes->pdata[i], *colon = strchr(p, ':');
		GError *gerr = NULL;
		struct vd_eval *e;
		char **argv = NULL;
		char *name;
		int argc;

		if (!colon || colon == p) {
			fprintf(stderr, "cometsim validate: --pass \"%s\": expected NAME:ARGS\n", p);
			return -1;
		}
		name = g_strndup(p, (gsize)(colon - p));
		if (g_str_has_suffix(name, ".sh"))
			name[strlen(name) - 3] = '\0';
		e = eval_find(v, name);
		if (!e) {
			fprintf(stderr, "cometsim validate: --pass \"%s\": no evaluator "
				"\"%s\" in %s/scenarios/validation\n", p, name, v->srcdir);
			g_free(name);
			return -1;
		}
		g_free(name);
		if (!g_shell_parse_argv(colon + 1, &argc, &argv, &gerr)) {
			fprintf(stderr, "cometsim validate: --pass \"%s\": %s\n", p, gerr->message);
			g_error_free(gerr);
			return -1;
		}
		for (int k = 0; k < argc; k++)
			g_ptr_array_add(e->pass, g_strdup(argv[k]));
		g_strfreev(argv);
	}
	return 0;
}

/* ---- the tools the evaluators need ---- */

/*
 * Every tool the selected evaluators of the catalog need is there (as
 * the evaluator will look for it: $ENV, else the default on PATH).  -1
 * after a message per missing tool, naming its Debian package.
 */
static int
tools_check(const struct vd *v)
{
	GPtrArray *seen = g_ptr_array_new_with_free_func(g_free);
	int missing = 0;

	for (guint i = 0; i < v->evals->len; i++) {
		const struct vd_eval *e = v->evals->pdata[i];

		if (e->state == VD_SKIPPED || !e->tab)
			continue;
		for (size_t k = 0; k < G_N_ELEMENTS(e->tab->tools) && e->tab->tools[k].prog; k++) {
			const struct vd_tool *t = &e->tab->tools[k];
			const char *env = t->env ? getenv(t->env) : NULL;
			const char *prog = env && env[0] ? env : t->prog;
			char *path = strchr(prog, '/') ? g_strdup(prog) : g_find_program_in_path(prog);
			bool found = path && g_file_test(path, G_FILE_TEST_IS_EXECUTABLE) &&
				!g_file_test(path, G_FILE_TEST_IS_DIR);
			bool said = false;

			g_free(path);
			if (found)
				continue;
			for (guint j = 0; j < seen->len && !said; j++)
				said = strcmp(seen->pdata[j], prog) == 0;
			if (said)
				continue;
			g_ptr_array_add(seen, g_strdup(prog));
			if (prog == env)
				fprintf(stderr, "cometsim validate: %s.sh needs %s: %s=%s is not a "
					"program; on Debian: apt-get install %s\n", e->name, t->prog,
					t->env, env, t->package);
			else
				fprintf(stderr, "cometsim validate: %s.sh needs %s, which is not "
					"installed (not on PATH); on Debian: apt-get install %s\n",
					e->name, t->prog, t->package);
			missing++;
		}
	}
	g_ptr_array_unref(seen);
	return missing ? -1 : 0;
}

/* ---- running one evaluator ---- */

static volatile sig_atomic_t vd_signal;	/* SIGINT or SIGTERM received */
static volatile pid_t vd_child;		/* the evaluator's process group */

/* Hand the signal to the evaluator's whole process group; stop after it. */
static void
on_signal(int sig)
{
	vd_signal = sig;
	if (vd_child > 0)
		kill(-vd_child, sig);
}

/*
 * The last lines of an evaluator's output that are not empty, joined
 * with " | "; the first line, the command we wrote there, does not count.
 */
static char *
file_tail(const char *path, int nlines)
{
	char *text = NULL, **lines;
	GString *s = g_string_new(NULL);
	int n, first, k = 0;

	/* The end of it only (when that is less than the whole, line 0 is cut). */
	if (!(text = fileio_tail(path, 64 * 1024, NULL)))
		return g_string_free(s, FALSE);
	lines = g_strsplit(text, "\n", -1);
	n = (int)g_strv_length(lines);
	for (first = n - 1; first >= 0 && k < nlines; first--)
		if (g_strstrip(lines[first])[0])
			k++;
	for (int i = MAX(first + 1, 1); i < n; i++)
		if (lines[i][0])
			g_string_append_printf(s, "%s%s", s->len ? " | " : "", lines[i]);
	g_strfreev(lines);
	g_free(text);
	return g_string_free(s, FALSE);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run e into e->dir, its output to e->log.  Sets e->status.  -1: no start. */
static int
eval_spawn(struct vd *v, struct vd_eval *e)
{
	GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
	GString *only = g_string_new(NULL);
	struct sigaction sa, old_int, old_term;
	int wst, fd;
	pid_t pid;

	g_ptr_array_add(argv, g_strdup("sh"));
	g_ptr_array_add(argv, g_strdup(e->path));
	g_ptr_array_add(argv, g_strdup(e->dir));
	g_ptr_array_add(argv, g_strdup("--cometsim"));
	g_ptr_array_add(argv, g_strdup(v->exe));
	g_ptr_array_add(argv, g_strdup("--quiet"));
	if (!e->whole) {
		for (guint i = 0; i < e->tests->len; i++)
			g_string_append_printf(only, "%s%d", i ? "," : "",
					       g_array_index(e->tests, int, i));
		g_ptr_array_add(argv, g_strdup("--only"));
		g_ptr_array_add(argv, g_strdup(only->str));
	}
	for (guint i = 0; i < e->pass->len; i++)
		g_ptr_array_add(argv, g_strdup(e->pass->pdata[i]));
	g_ptr_array_add(argv, NULL);
	g_string_free(only, TRUE);

	fd = open(e->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		problem(e, "cannot write %s: %s", e->log, strerror(errno));
		g_ptr_array_unref(argv);
		return -1;
	}
	/* The command, first, so that the log says what ran. */
	{
		char *cmd = g_strjoinv(" ", (char **)argv->pdata);

		dprintf(fd, "# %s\n", cmd);
		g_free(cmd);
	}

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		/* Its own process group: a signal reaches its cometsim and tshark too. */
		setpgid(0, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		setenv("top_srcdir", v->srcdir, 1);
		execv("/bin/sh", (char **)argv->pdata);
		dprintf(STDERR_FILENO, "cannot run /bin/sh: %s\n", strerror(errno));
		_exit(127);
	}
	close(fd);
	if (pid < 0) {
		problem(e, "cannot start it: %s", strerror(errno));
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		g_ptr_array_unref(argv);
		return -1;
	}
	setpgid(pid, pid);	/* as the child does: whichever runs first */
	vd_child = pid;
	if (vd_signal)
		kill(-pid, vd_signal);
	while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
		;
	vd_child = 0;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (WIFEXITED(wst))
		e->status = WEXITSTATUS(wst);
	else
		e->status = 128 + (WIFSIGNALED(wst) ? WTERMSIG(wst) : 0);
	g_ptr_array_unref(argv);
	return 0;
}

/* ---- paths ---- */
static const char *
rows_word(long n)
{
	return n == 1 ? "row" : "rows";
}


/* path made absolute against the current directory, symbolic links resolved if it exists. */
static char *
path_resolve(const char *path)
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
static void
eval_read_rows(struct vd *v, struct vd_eval *e)
{
	char *path = g_build_filename(e->dir, "rows.jsonl", NULL);
	char *text = NULL, **lines, err[512];

	if (!(text = fileio_text(path, NULL))) {
		problem(e, "no rows: %s: %s", path, strerror(errno));
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
			problem(e, "%s:%u: %s", path, ln + 1, err);
			continue;
		}
		for (k = 0; k < G_N_ELEMENTS(row_keys); k++)
			if (!row_get(fields, row_keys[k]))
				break;
		if (k < G_N_ELEMENTS(row_keys)) {
			problem(e, "%s:%u: no key \"%s\"", path, ln + 1, row_keys[k]);
			g_ptr_array_unref(fields);
			continue;
		}
		f = row_get(fields, "result");
		if (!f->str || (strcmp(f->value, "PASS") != 0 && strcmp(f->value, "FAIL") != 0)) {
			problem(e, "%s:%u: result \"%s\": expected PASS or FAIL", path, ln + 1,
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
		r->ev_cat = row_get(fields, "category")->value;
		r->test = row_get(fields, "test")->value;
		row_classify(e, r);
		if (e->postfilter && !selects(v, e->name, r->cat, r->ev_cat, r->test)) {
			row_free(r);
			continue;
		}
		f = row_get(fields, "run_dir");
		if (f->value[0]) {
			r->run_dir = path_resolve(f->value);
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
						      "cli/validate.c)", due, rows_word(due),
						      t->test), true);
	field_add(fields, "actual", g_strdup_printf("the evaluator wrote %d", have), true);
	field_add(fields, "result", g_strdup("FAIL"), true);
	field_add(fields, "run_dir", g_strdup(""), true);
	r->fields = fields;
	r->seq = G_MAXUINT;
	r->pass = false;
	r->owed = true;
	r->ev_cat = row_get(fields, "category")->value;
	r->test = row_get(fields, "test")->value;
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
static void
eval_check_rows(struct vd_eval *e)
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
			problem(e, "no row for test %d", t->test);
		else if (have > due)
			problem(e, "%d rows for test %d, the catalog of cli/validate.c knows %d: "
				"a row added to the evaluator goes in the catalog too", have,
				t->test, due);
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
static void
eval_group_rows(struct vd_eval *e)
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
static void
row_provenance(const struct vd *v, struct vd_row *r)
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

/* Run e, read its rows, record what went wrong. */
static void
eval_run(struct vd *v, struct vd_eval *e)
{
	char *rows = g_build_filename(e->dir, "rows.jsonl", NULL);
	double t0;

	/* An old rows.jsonl must not pass for this run's. */
	if (unlink(rows) != 0 && errno != ENOENT)
		problem(e, "cannot remove the old %s: %s", rows, strerror(errno));
	g_free(rows);
	fprintf(stderr, "validate: %s.sh ...\n", e->name);
	t0 = now_s();
	if (e->problems->len == 0 && eval_spawn(v, e) == 0) {
		e->secs = now_s() - t0;
		if (e->status >= 128) {
			problem(e, "killed by signal %d", e->status - 128);
		} else if (e->status >= 2) {
			char *tail = file_tail(e->log, 3);

			problem(e, "exit status %d: %s", e->status, tail[0] ? tail : "(no output)");
			g_free(tail);
		}
		if (e->status < 128)
			eval_read_rows(v, e);
		if (e->status < 2)
			eval_check_rows(e);
	}
	for (guint i = 0; i < e->rows->len; i++) {
		struct vd_row *r = e->rows->pdata[i];

		row_provenance(v, r);
		if (r->pass)
			e->npass++;
		else
			e->nfail++;
		e->nstale += !r->fresh;
	}
	if (e->problems->len == 0 && e->nread == 0)
		problem(e, "no row (exit status %d)", e->status);
	if (e->problems->len == 0 && e->status == 1 && e->nread_fail == 0)
		problem(e, "exit status 1, but no row says FAIL");
	eval_group_rows(e);
	e->state = e->problems->len ? VD_FAILED : VD_RAN;
	if (e->state == VD_FAILED)
		fprintf(stderr, "validate: %s.sh FAILED TO RUN (%.1f s, output in %s): %s\n",
			e->name, e->secs, e->log, (char *)e->problems->pdata[0]);
	else
		fprintf(stderr, "validate: %s.sh: %u %s, %d PASS, %d FAIL (%.1f s)\n",
			e->name, e->rows->len, rows_word(e->rows->len), e->npass, e->nfail,
			e->secs);
}

/* ---- text helpers ---- */

static const char *
rget(const struct vd_row *r, const char *key)
{
	const struct validate_field *f = row_get(r->fields, key);

	return f ? f->value : "";
}

/* "3. CAFE forward", or the category alone when D4.3 does not number it. */
static char *
cat_label(const struct vd_row *r)
{
	if (r->catno)
		return g_strdup_printf("%d. %s", r->catno, r->cat);
	return g_strdup(r->cat);
}

static char *
eval_title(const struct vd_eval *e)
{
	if (e->tab)
		return g_strdup_printf("%s: %s", e->tab->title, e->tab->source);
	return g_strdup(e->name);
}

/* "", or why the tables are incomplete: "; INCOMPLETE: ...". */
static char *
incomplete_text(const struct vd *v)
{
	GString *s = g_string_new(NULL);

	if (v->nfailed)
		g_string_append_printf(s, "%d evaluator%s failed to run", v->nfailed,
				       v->nfailed > 1 ? "s" : "");
	if (v->nnotrun)
		g_string_append_printf(s, "%s%d did not run", s->len ? ", " : "", v->nnotrun);
	if (!s->len && v->nrows == 0)
		g_string_append(s, "no row");
	if (v->nstale)
		g_string_append_printf(s, "%s%d %s not run by this command", s->len ? ", " : "",
				       v->nstale, rows_word(v->nstale));
	if (s->len)
		g_string_prepend(s, "; INCOMPLETE: ");
	return g_string_free(s, FALSE);
}

/* The tests of the catalog that have no row because they are not rebuilt. */
static void
eval_notes(const struct vd *v, const struct vd_eval *e, GPtrArray *out)
{
	char num[16];

	if (!e->tab)
		return;
	for (size_t i = 0; i < e->tab->ntests; i++) {
		const struct vd_test *t = &e->tab->tests[i];

		bool found = false;

		if (!t->missing)
			continue;
		snprintf(num, sizeof(num), "%d", t->test);
		for (guint k = 0; k < e->rows->len && !found; k++)
			found = strcmp(((struct vd_row *)e->rows->pdata[k])->test, num) == 0;
		if (!found && selects(v, e->name, e->tab->cats[t->cat], NULL, num))
			g_ptr_array_add(out, g_strdup_printf("D4.3 test %d (%d. %s) has no row: %s",
							     t->test, t->cat + 1,
							     e->tab->cats[t->cat], t->missing));
	}
}

/* Why an evaluator that was selected did not run. */
static const char *
not_run_why(void)
{
	return vd_signal ? "interrupted" :
		"an evaluator before it failed to run (--keep-going runs the others)";
}

static char *
eval_script(const struct vd_eval *e)
{
	return g_strdup_printf("scenarios/validation/%s.sh", e->name);
}

/* ---- the terminal ---- */

static int
term_width(void)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");
	int w = 100;

	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col)
		w = ws.ws_col;
	else if (c && atoi(c) > 0)
		w = atoi(c);
	return CLAMP(w, 60, 160);
}

/*
 * text wrapped at width, the first line after a label already printed
 * (the cursor at column indent), the next ones indented by indent.
 */
static void
wrap(GString *out, const char *text, int indent, int width)
{
	char **words = g_strsplit_set(text, " \n", -1);
	int col = indent, room = MAX(width - indent, 20);
	bool first = true;

	for (char **w = words; *w; w++) {
		long n = g_utf8_strlen(*w, -1);

		if (!(*w)[0])
			continue;
		if (!first && col + 1 + n > indent + room) {
			g_string_append_printf(out, "\n%*s", indent, "");
			col = indent;
		} else if (!first) {
			g_string_append_c(out, ' ');
			col++;
		}
		g_string_append(out, *w);
		col += (int)n;
		first = false;
	}
	g_string_append_c(out, '\n');
	g_strfreev(words);
}

static void
pad(GString *s, const char *text, int width)
{
	long n = g_utf8_strlen(text, -1);

	g_string_append(s, text);
	for (long i = n; i < width; i++)
		g_string_append_c(s, ' ');
}

static void
print_tables(struct vd *v, FILE *f)
{
	bool color = isatty(fileno(f)) && !getenv("NO_COLOR");
	int width = term_width();
	GString *s = g_string_new(NULL);
	static const char *const details[] = { "description", "step", "expected", "actual" };

	g_string_append_printf(s, "D4.3 validation tables: %s\n(%s, cometsim %s, commit %s)\n",
			       v->cmdline, v->when, PACKAGE_VERSION, COMETSIM_COMMIT);
	for (guint i = 0; i < v->evals->len; i++) {
		struct vd_eval *e = v->evals->pdata[i];
		GPtrArray *notes;
		char *title, *script;
		int cw = (int)strlen("Test category"), tw = 4, ow = (int)strlen("Timestamp/owner");

		if (e->state == VD_SKIPPED)
			continue;
		notes = g_ptr_array_new_with_free_func(g_free);
		title = eval_title(e);
		script = eval_script(e);
		g_string_append_printf(s, "\n%s (%s)\n", title, script);
		g_free(title);
		g_free(script);
		for (guint k = 0; k < e->rows->len; k++) {
			struct vd_row *r = e->rows->pdata[k];
			char *l = cat_label(r);

			cw = MAX(cw, (int)g_utf8_strlen(l, -1));
			tw = MAX(tw, (int)g_utf8_strlen(r->test, -1));
			ow = MAX(ow, (int)g_utf8_strlen(r->shown, -1));
			g_free(l);
		}
		if (e->rows->len) {
			g_string_append(s, "  ");
			pad(s, "Test category", cw + 2);
			pad(s, "Test", tw + 2);
			pad(s, "Timestamp/owner", ow + 2);
			g_string_append(s, "Result\n");
		}
		for (guint k = 0; k < e->rows->len; k++) {
			struct vd_row *r = e->rows->pdata[k];
			char *l = cat_label(r);

			g_string_append(s, "  ");
			pad(s, l, cw + 2);
			pad(s, r->test, tw + 2);
			pad(s, r->shown, ow + 2);
			if (color)
				g_string_append(s, r->pass ? "\033[1;32m" : "\033[1;31m");
			g_string_append(s, r->pass ? "PASS" : "FAIL");
			if (color)
				g_string_append(s, "\033[0m");
			g_string_append_c(s, '\n');
			g_free(l);
			for (size_t d = 0; d < G_N_ELEMENTS(details); d++) {
				g_string_append_printf(s, "      %-12s ", details[d]);
				wrap(s, rget(r, details[d]), 19, width);
			}
			g_string_append_printf(s, "      %-12s ", "run dir");
			wrap(s, r->run_dir, 19, width);
		}
		eval_notes(v, e, notes);
		for (guint k = 0; k < notes->len; k++) {
			g_string_append(s, "  note: ");
			wrap(s, notes->pdata[k], 8, width);
		}
		g_ptr_array_unref(notes);
		switch (e->state) {
		case VD_NOT_RUN:
			g_string_append_printf(s, "  NOT RUN: %s\n", not_run_why());
			break;
		case VD_FAILED:
			for (guint k = 0; k < e->problems->len; k++) {
				g_string_append(s, "  FAILED TO RUN: ");
				wrap(s, e->problems->pdata[k], 17, width);
			}
			g_string_append_printf(s, "  (its output: %s)\n", e->log);
			/* fall through */
		default:
			g_string_append_printf(s, "  PASS %d, FAIL %d (%u %s)\n", e->npass,
					       e->nfail, e->rows->len, rows_word(e->rows->len));
		}
	}
	fputs(s->str, f);
	g_string_free(s, TRUE);
}

/* ---- the files: JSON, Markdown, HTML ---- */

static void
json_str(GString *s, const char *v)
{
	g_string_append_c(s, '"');
	for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
		switch (*p) {
		case '"': g_string_append(s, "\\\""); break;
		case '\\': g_string_append(s, "\\\\"); break;
		case '\n': g_string_append(s, "\\n"); break;
		case '\r': g_string_append(s, "\\r"); break;
		case '\t': g_string_append(s, "\\t"); break;
		default:
			if (*p < 0x20)
				g_string_append_printf(s, "\\u%04x", *p);
			else
				g_string_append_c(s, (char)*p);
		}
	}
	g_string_append_c(s, '"');
}

static void
json_kv(GString *s, const char *k, const char *v, bool str)
{
	json_str(s, k);
	g_string_append_c(s, ':');
	if (str)
		json_str(s, v);
	else
		g_string_append(s, v);
}

/* A JSON list, one row object a line. */
static char *
make_json(const struct vd *v)
{
	GString *s = g_string_new("[\n");
	bool first = true;

	for (guint i = 0; i < v->evals->len; i++) {
		struct vd_eval *e = v->evals->pdata[i];
		char *title = e->tab ? g_strdup_printf("%s (%s)", e->tab->title, e->tab->source) :
			g_strdup(e->name);

		for (guint k = 0; k < e->rows->len; k++) {
			struct vd_row *r = e->rows->pdata[k];
			const struct validate_field *t = row_get(r->fields, "test");

			g_string_append(s, first ? "  {" : ",\n  {");
			first = false;
			json_kv(s, "table", title, true);
			g_string_append_c(s, ',');
			json_kv(s, "evaluator", e->name, true);
			g_string_append_c(s, ',');
			json_kv(s, "category", r->cat, true);
			g_string_append_c(s, ',');
			json_kv(s, "evaluator_category", r->ev_cat, true);
			g_string_append_c(s, ',');
			json_kv(s, "test", t->value, t->str);
			g_string_append_c(s, ',');
			json_kv(s, "timestamp_owner", r->owner, true);
			g_string_append_c(s, ',');
			json_kv(s, "fresh", r->fresh ? "true" : "false", false);
			for (size_t f = 2; f < G_N_ELEMENTS(row_keys); f++) {
				g_string_append_c(s, ',');
				json_kv(s, row_keys[f], f + 1 == G_N_ELEMENTS(row_keys) ?
					r->run_dir : rget(r, row_keys[f]), true);
			}
			/* Whatever else the evaluator wrote, as it wrote it. */
			for (guint f = 0; f < r->fields->len; f++) {
				const struct validate_field *x = r->fields->pdata[f];
				size_t j;

				for (j = 0; j < G_N_ELEMENTS(row_keys); j++)
					if (strcmp(x->key, row_keys[j]) == 0)
						break;
				if (j < G_N_ELEMENTS(row_keys) || strcmp(x->key, "table") == 0 ||
				    strcmp(x->key, "evaluator") == 0 ||
				    strcmp(x->key, "evaluator_category") == 0 ||
				    strcmp(x->key, "timestamp_owner") == 0 ||
				    strcmp(x->key, "fresh") == 0)
					continue;
				g_string_append_c(s, ',');
				json_kv(s, x->key, x->value, x->str);
			}
			g_string_append_c(s, '}');
		}
		g_free(title);
	}
	g_string_append(s, first ? "]\n" : "\n]\n");
	return g_string_free(s, FALSE);
}

/* Markdown table cell: no line break, no |, no markup taken from the text. */
static void
md_cell(GString *s, const char *v)
{
	for (const char *p = v; *p; p++) {
		if (*p == '\n')
			g_string_append(s, "<br>");
		else if (*p == '&')
			g_string_append(s, "&amp;");
		else if (strchr("\\`*_[]<>|#~", *p))
			g_string_append_printf(s, "\\%c", *p);
		else if ((unsigned char)*p >= 0x20)
			g_string_append_c(s, *p);
	}
}

static char *
make_md(const struct vd *v)
{
	GString *s = g_string_new(NULL);
	char *inc = incomplete_text(v);

	g_string_append(s, "# D4.3 validation tables\n\n");
	g_string_append(s, "Regenerated by ");
	if (strchr(v->cmdline, '`'))
		md_cell(s, v->cmdline);
	else
		g_string_append_printf(s, "`%s`", v->cmdline);
	g_string_append_printf(s, " on %s with cometsim %s (commit %s): %d %s, %d PASS, "
			       "%d FAIL%s.\n", v->when, PACKAGE_VERSION, COMETSIM_COMMIT,
			       v->nrows, rows_word(v->nrows), v->npass, v->nfail, inc);
	g_string_append(s, "The evidence of each row (pcaps, log.txt, counters.csv) is in "
			"its run directory, linked from the last column.\n");
	for (guint i = 0; i < v->evals->len; i++) {
		struct vd_eval *e = v->evals->pdata[i];
		GPtrArray *notes;
		char *title, *script;

		if (e->state == VD_SKIPPED)
			continue;
		notes = g_ptr_array_new_with_free_func(g_free);
		title = eval_title(e);
		script = eval_script(e);
		g_string_append_printf(s, "\n## ");
		md_cell(s, title);
		g_string_append_printf(s, "\n\nEvaluator `%s`: %u %s, %d PASS, %d FAIL (%.1f s).\n\n",
				       script, e->rows->len, rows_word(e->rows->len), e->npass,
				       e->nfail, e->secs);
		g_free(title);
		g_free(script);
		if (e->rows->len)
			g_string_append(s, "| Test category | Test | Timestamp/Owner | Test description "
					"| Step | Expected | Actual | Result | Evidence |\n"
					"|---|---|---|---|---|---|---|---|---|\n");
		for (guint k = 0; k < e->rows->len; k++) {
			struct vd_row *r = e->rows->pdata[k];
			char *l = cat_label(r);

			g_string_append(s, "| ");
			md_cell(s, l);
			g_string_append(s, " | ");
			md_cell(s, r->test);
			g_string_append(s, " | ");
			md_cell(s, r->shown);
			g_string_append(s, " | ");
			md_cell(s, rget(r, "description"));
			g_string_append(s, " | ");
			md_cell(s, rget(r, "step"));
			g_string_append(s, " | ");
			md_cell(s, rget(r, "expected"));
			g_string_append(s, " | ");
			md_cell(s, rget(r, "actual"));
			g_string_append_printf(s, " | **%s** | ", r->pass ? "PASS" : "FAIL");
			if (r->href)
				g_string_append(s, "[");
			md_cell(s, r->rel);
			if (r->href)
				g_string_append_printf(s, "](%s)", r->href);
			g_string_append(s, " |\n");
			g_free(l);
		}
		eval_notes(v, e, notes);
		if (notes->len)
			g_string_append_c(s, '\n');
		for (guint k = 0; k < notes->len; k++) {
			g_string_append(s, "- Note: ");
			md_cell(s, notes->pdata[k]);
			g_string_append_c(s, '\n');
		}
		g_ptr_array_unref(notes);
		if (e->state == VD_NOT_RUN)
			g_string_append_printf(s, "\n**Not run**: %s.\n", not_run_why());
		if (e->state == VD_FAILED) {
			g_string_append(s, "\n**The evaluator failed to run:**\n\n");
			for (guint k = 0; k < e->problems->len; k++) {
				g_string_append(s, "- ");
				md_cell(s, e->problems->pdata[k]);
				g_string_append_c(s, '\n');
			}
			g_string_append(s, "- its output: ");
			md_cell(s, e->log);
			g_string_append_c(s, '\n');
		}
	}
	g_free(inc);
	return g_string_free(s, FALSE);
}

static void
html_text(GString *s, const char *v)
{
	for (const char *p = v; *p; p++) {
		switch (*p) {
		case '&': g_string_append(s, "&amp;"); break;
		case '<': g_string_append(s, "&lt;"); break;
		case '>': g_string_append(s, "&gt;"); break;
		case '"': g_string_append(s, "&quot;"); break;
		case '\'': g_string_append(s, "&#39;"); break;
		case '\n': g_string_append(s, "<br>"); break;
		default:
			if ((unsigned char)*p >= 0x20 || *p == '\t')
				g_string_append_c(s, *p);
		}
	}
}

static void
html_td(GString *s, const char *cls, const char *v)
{
	if (cls)
		g_string_append_printf(s, "<td class=\"%s\">", cls);
	else
		g_string_append(s, "<td>");
	html_text(s, v);
	g_string_append(s, "</td>");
}

static const char html_css[] =
	"body { font-family: sans-serif; margin: 1.5em; color: #1a1a1a; background: #fff; }\n"
	"h1 { font-size: 150%; } h2 { font-size: 120%; margin-top: 2em; }\n"
	"table { border-collapse: collapse; width: 100%; margin: 0.5em 0 1em 0; }\n"
	"th, td { border: 1px solid #9a9a9a; padding: 4px 6px; vertical-align: top;"
	" text-align: left; font-size: 88%; }\n"
	"th { background: #e4e4e4; }\n"
	"td.test, td.result { white-space: nowrap; text-align: center; }\n"
	"td.owner { white-space: nowrap; }\n"
	"tr.pass td.result { background: #b9e4bf; color: #0d4d18; font-weight: bold; }\n"
	"tr.fail td { background: #fbe3e1; }\n"
	"tr.fail td.result { background: #c62828; color: #fff; font-weight: bold; }\n"
	".summary { padding: 0.5em 0.8em; border: 1px solid #9a9a9a; display: inline-block; }\n"
	".summary.pass { background: #b9e4bf; } .summary.fail { background: #fbe3e1; }\n"
	".problem { background: #fbe3e1; border-left: 4px solid #c62828; padding: 0.3em 0.8em; }\n"
	"code { background: #f0f0f0; padding: 0 2px; }\n";

static char *
make_html(const struct vd *v)
{
	GString *s = g_string_new(NULL);
	char *inc = incomplete_text(v);
	bool ok = v->nfail == 0 && !inc[0];

	g_string_append_printf(s, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
			       "<meta charset=\"utf-8\">\n"
			       "<title>D4.3 validation tables, %s</title>\n"
			       "<style>\n%s</style>\n</head>\n<body>\n", v->when, html_css);
	g_string_append(s, "<h1>D4.3 validation tables</h1>\n<p>Regenerated by <code>");
	html_text(s, v->cmdline);
	g_string_append_printf(s, "</code> on %s with cometsim %s (commit %s). The evidence "
			       "of each row (pcaps, log.txt, counters.csv) is in its run "
			       "directory, linked from the last column.</p>\n",
			       v->when, PACKAGE_VERSION, COMETSIM_COMMIT);
	g_string_append_printf(s, "<p class=\"summary %s\">%d %s: %d PASS, %d FAIL%s</p>\n",
			       ok ? "pass" : "fail", v->nrows, rows_word(v->nrows), v->npass, v->nfail,
			       inc);
	for (guint i = 0; i < v->evals->len; i++) {
		struct vd_eval *e = v->evals->pdata[i];
		GPtrArray *notes;
		char *title, *script;

		if (e->state == VD_SKIPPED)
			continue;
		notes = g_ptr_array_new_with_free_func(g_free);
		title = eval_title(e);
		script = eval_script(e);
		g_string_append_printf(s, "<h2 id=\"%s\">", e->name);
		html_text(s, title);
		g_string_append(s, "</h2>\n<p>Evaluator <code>");
		html_text(s, script);
		g_string_append_printf(s, "</code>: %u %s, %d PASS, %d FAIL (%.1f s).</p>\n",
				       e->rows->len, rows_word(e->rows->len), e->npass, e->nfail,
				       e->secs);
		g_free(title);
		g_free(script);
		if (e->rows->len)
			g_string_append(s, "<table>\n<tr><th>Test category</th><th>Test</th>"
					"<th>Timestamp/Owner</th><th>Test description</th>"
					"<th>Step</th><th>Expected</th><th>Actual</th>"
					"<th>Result</th><th>Evidence</th></tr>\n");
		for (guint k = 0; k < e->rows->len; k++) {
			struct vd_row *r = e->rows->pdata[k];
			char *l = cat_label(r);

			g_string_append_printf(s, "<tr class=\"%s\">", r->pass ? "pass" : "fail");
			html_td(s, NULL, l);
			html_td(s, "test", r->test);
			html_td(s, "owner", r->shown);
			html_td(s, NULL, rget(r, "description"));
			html_td(s, NULL, rget(r, "step"));
			html_td(s, NULL, rget(r, "expected"));
			html_td(s, NULL, rget(r, "actual"));
			html_td(s, "result", r->pass ? "PASS" : "FAIL");
			if (r->href) {
				g_string_append(s, "<td><a href=\"");
				html_text(s, r->href);
				g_string_append(s, "\">");
				html_text(s, r->rel);
				g_string_append(s, "</a></td></tr>\n");
			} else {
				html_td(s, NULL, r->rel);
				g_string_append(s, "</tr>\n");
			}
			g_free(l);
		}
		if (e->rows->len)
			g_string_append(s, "</table>\n");
		eval_notes(v, e, notes);
		for (guint k = 0; k < notes->len; k++) {
			g_string_append(s, "<p>Note: ");
			html_text(s, notes->pdata[k]);
			g_string_append(s, "</p>\n");
		}
		g_ptr_array_unref(notes);
		if (e->state == VD_NOT_RUN)
			g_string_append_printf(s, "<p class=\"problem\">Not run: %s.</p>\n",
					       not_run_why());
		if (e->state == VD_FAILED) {
			g_string_append(s, "<div class=\"problem\"><p>The evaluator failed to "
					"run:</p>\n<ul>\n");
			for (guint k = 0; k < e->problems->len; k++) {
				g_string_append(s, "<li>");
				html_text(s, e->problems->pdata[k]);
				g_string_append(s, "</li>\n");
			}
			g_string_append(s, "<li>its output: <code>");
			html_text(s, e->log);
			g_string_append(s, "</code></li>\n</ul></div>\n");
		}
	}
	g_string_append(s, "</body>\n</html>\n");
	g_free(inc);
	return g_string_free(s, FALSE);
}

/* Write text to path (through a temporary file and a rename).  -1 after a message. */
static int
write_file(const char *path, const char *text)
{
	GError *gerr = NULL;

	if (!g_file_set_contents(path, text, -1, &gerr)) {
		fprintf(stderr, "cometsim validate: %s\n", gerr->message);
		g_error_free(gerr);
		return -1;
	}
	return 0;
}

static int
write_outputs(struct vd *v)
{
	char *json = make_json(v), *md = make_md(v), *html = make_html(v);
	char *pj = g_build_filename(v->out, "validation.json", NULL);
	char *pm = g_build_filename(v->out, "validation.md", NULL);
	char *ph = g_build_filename(v->out, "validation.html", NULL);
	int rc = 0;

	if (write_file(pj, json) != 0 || write_file(pm, md) != 0 || write_file(ph, html) != 0)
		rc = -1;
	if (v->json && write_file(v->json, json) != 0)
		rc = -1;
	if (rc == 0 && !v->quiet)
		printf("tables: %s, %s, %s%s%s\n", pm, ph, pj, v->json ? ", " : "",
		       v->json ? v->json : "");
	g_free(json);
	g_free(md);
	g_free(html);
	g_free(pj);
	g_free(pm);
	g_free(ph);
	return rc;
}

/* ---- --list ---- */

static void
print_list(const struct vd *v)
{
	for (guint i = 0; i < v->evals->len; i++) {
		const struct vd_eval *e = v->evals->pdata[i];
		char *title = eval_title(e);

		printf("%s %s.sh: %s\n", e->state == VD_SKIPPED ? "-" : "+", e->name, title);
		g_free(title);
		if (e->state == VD_SKIPPED)
			continue;
		if (!e->tab) {
			printf("    %s\n", e->postfilter ?
			       "every test, run; its rows are then filtered by --only" :
			       "every test");
			continue;
		}
		for (size_t k = 0; k < e->tab->ntests; k++) {
			const struct vd_test *t = &e->tab->tests[k];
			bool on = false;

			for (guint j = 0; j < e->tests->len; j++)
				on = on || g_array_index(e->tests, int, j) == t->test;
			if (e->whole)
				on = !t->missing;
			printf("    %s %d. %s %d", on ? "+" : "-", t->cat + 1, e->tab->cats[t->cat],
			       t->test);
			if (t->missing)
				printf(" (no row: %s)", t->missing);
			else if (t->rows > 1)
				printf(" (%d rows)", t->rows);
			putchar('\n');
		}
	}
}

/* ---- the command ---- */

enum { OPT_JSON = 256, OPT_ONLY, OPT_PASS, OPT_LIST };

static const struct option validate_options[] = {
	{ "out", required_argument, NULL, 'o' },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "only", required_argument, NULL, OPT_ONLY },
	{ "keep-going", no_argument, NULL, 'k' },
	{ "pass", required_argument, NULL, OPT_PASS },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int
usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		fputs("cometsim validate: ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		putc('\n', stderr);
	}
	fputs(validate_usage, stderr);
	return EXIT_USAGE;
}

/* --only: comma separated patterns, kept in lower case. */
static int
only_add(struct vd *v, const char *arg)
{
	char **parts = g_strsplit(arg, ",", -1);
	int n = 0;

	for (char **p = parts; *p; p++) {
		char *t = g_strstrip(*p);

		if (!t[0])
			continue;
		g_ptr_array_add(v->pats, g_ascii_strdown(t, -1));
		n++;
	}
	g_strfreev(parts);
	return n ? 0 : -1;
}

/* The date, version and commit: "2026-11-21/cometsim 0.1.0 (3f2a9c1b0d4e)". */
static void
stamp(struct vd *v, int argc, char **argv)
{
	time_t t = time(NULL);
	struct tm tm;
	char day[32], when[64];
	GString *cmd = g_string_new("cometsim validate");

	v->t0 = t;
	localtime_r(&t, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z", &tm);
	v->owner = g_strdup_printf("%s/cometsim %s (%s)", day, PACKAGE_VERSION, COMETSIM_COMMIT);
	v->when = g_strdup(when);
	for (int i = 1; i < argc; i++) {
		char *q = g_shell_quote(argv[i]);
		bool plain = argv[i][0] != '\0';

		for (const char *p = argv[i]; *p && plain; p++)
			plain = g_ascii_isalnum(*p) || strchr("_./:=,+-@%", *p);
		g_string_append_printf(cmd, " %s", plain ? argv[i] : q);
		g_free(q);
	}
	v->cmdline = g_string_free(cmd, FALSE);
}

static void
vd_free(struct vd *v)
{
	g_free(v->srcdir);
	g_free(v->outabs);
	g_ptr_array_unref(v->pats);
	g_ptr_array_unref(v->passes);
	g_free(v->exe);
	g_free(v->owner);
	g_free(v->when);
	g_free(v->cmdline);
	g_ptr_array_unref(v->evals);
}

int
validate_main(int argc, char **argv)
{
	struct vd v = { 0 };
	char exe[PATH_MAX], *inc;
	ssize_t n;
	int c, rc = EXIT_USAGE;
	guint nsel = 0;

	v.out = "output/validation";
	v.pats = g_ptr_array_new_with_free_func(g_free);
	v.passes = g_ptr_array_new();
	v.evals = g_ptr_array_new_with_free_func(eval_free);
	stamp(&v, argc, argv);

	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "ho:kq", validate_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(validate_usage, stdout);
			putchar('\n');
			fputs(validate_help, stdout);
			rc = 0;
			goto done;
		case 'o':
			if (!optarg[0]) {
				rc = usage_error("--out: empty directory name");
				goto done;
			}
			v.out = optarg;
			break;
		case OPT_JSON:
			if (!optarg[0]) {
				rc = usage_error("--json: empty file name");
				goto done;
			}
			v.json = optarg;
			break;
		case OPT_ONLY:
			if (only_add(&v, optarg) != 0) {
				rc = usage_error("--only \"%s\": no pattern", optarg);
				goto done;
			}
			break;
		case 'k':
			v.keep_going = true;
			break;
		case OPT_PASS:
			g_ptr_array_add(v.passes, optarg);
			break;
		case OPT_LIST:
			v.list = true;
			break;
		case 'q':
			v.quiet = true;
			break;
		default:
			rc = usage_error(NULL);
			goto done;
		}
	}
	if (optind < argc) {
		rc = usage_error("unexpected argument \"%s\"", argv[optind]);
		goto done;
	}

	v.srcdir = find_srcdir();
	if (!v.srcdir || find_evaluators(&v) != 0) {
		rc = EXIT_INCOMPLETE;
		goto done;
	}
	if (passes_apply(&v) != 0)
		goto done;
	for (guint i = 0; i < v.evals->len; i++) {
		struct vd_eval *e = v.evals->pdata[i];

		eval_select(&v, e);
		nsel += e->state != VD_SKIPPED;
	}
	if (v.list) {
		print_list(&v);
		rc = 0;
		goto done;
	}
	if (nsel == 0) {
		rc = usage_error("--only: no test matches (cometsim validate --list shows them)");
		goto done;
	}
	/* Nothing runs, and nothing is written, without every tool. */
	if (tools_check(&v) != 0) {
		fprintf(stderr, "cometsim validate: not run: the tools above are missing\n");
		rc = EXIT_USAGE;
		goto done;
	}
	for (guint i = 0; i < v.passes->len; i++) {
		const char *p = v.passes->pdata[i];
		char *name = g_strndup(p, (gsize)(strchr(p, ':') - p));
		struct vd_eval *e;

		if (g_str_has_suffix(name, ".sh"))
			name[strlen(name) - 3] = '\0';
		e = eval_find(&v, name);
		if (e->state == VD_SKIPPED)
			fprintf(stderr, "cometsim validate: warning: --pass %s: %s is not "
				"selected by --only\n", p, name);
		g_free(name);
	}

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		fprintf(stderr, "cometsim validate: cannot find this program "
			"(/proc/self/exe): %s\n", strerror(errno));
		rc = EXIT_INCOMPLETE;
		goto done;
	}
	exe[n] = '\0';
	v.exe = g_strdup(exe);
	if (g_mkdir_with_parents(v.out, 0755) != 0) {
		fprintf(stderr, "cometsim validate: cannot create %s: %s\n", v.out,
			strerror(errno));
		rc = EXIT_INCOMPLETE;
		goto done;
	}
	v.outabs = path_resolve(v.out);

	for (guint i = 0; i < v.evals->len; i++) {
		struct vd_eval *e = v.evals->pdata[i];

		if (e->state != VD_NOT_RUN || v.stopped || vd_signal)
			continue;
		e->dir = g_build_filename(v.outabs, e->name, NULL);
		e->log = g_strdup_printf("%s.log", e->dir);
		if (g_mkdir_with_parents(e->dir, 0755) != 0)
			problem(e, "cannot create %s: %s", e->dir, strerror(errno));
		eval_run(&v, e);
		if (e->state == VD_FAILED && !v.keep_going) {
			v.stopped = true;
			fprintf(stderr, "validate: stopping (--keep-going runs the other "
				"evaluators)\n");
		}
	}
	for (guint i = 0; i < v.evals->len; i++) {
		struct vd_eval *e = v.evals->pdata[i];

		v.nrows += (int)e->rows->len;
		v.npass += e->npass;
		v.nfail += e->nfail;
		v.nstale += e->nstale;
		v.nfailed += e->state == VD_FAILED;
		v.nnotrun += e->state == VD_NOT_RUN;
	}

	if (!v.quiet)
		print_tables(&v, stdout);
	rc = 0;
	if (v.nfail)
		rc = EXIT_FAIL;
	if (v.nfailed || v.nnotrun || v.nrows == 0 || v.nstale)
		rc = EXIT_INCOMPLETE;
	if (write_outputs(&v) != 0)
		rc = EXIT_INCOMPLETE;
	printf("validate: %d %s, %d PASS, %d FAIL", v.nrows, rows_word(v.nrows), v.npass,
	       v.nfail);
	inc = incomplete_text(&v);
	printf("%s\n", inc);
	g_free(inc);
	if (vd_signal)
		rc = 128 + vd_signal;
done:
	vd_free(&v);
	return rc;
}
