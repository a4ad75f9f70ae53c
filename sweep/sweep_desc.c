/*
 * sweep_desc.c - sweep descriptions: reading the XML (validated against
 * sweep/sweep.xsd, compiled in), the constraint expressions, and the
 * expansion into a plan of numbered runs.
 *
 * The plan is the identity of a sweep: the same description expands to
 * the same runs in the same order, so run i is the same run whichever
 * engine starts it and however often the sweep is resumed.  Parameters
 * expand as a product, the first one declared outermost; the params of
 * a <tuple> step together; then <skip> constraints drop combinations;
 * the repetitions (seeds, then run numbers) are innermost.
 *
 * Ranges are computed in decimal integers, never in floating point:
 * from="0" to="0.1" step="0.02" gives exactly 0, 0.02, ..., 0.1.
 * The format is documented in doc/sweeps.md.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "sweep/sweep.h"
#include "entities/registry.h"
#include "sim/fileio.h"
#include "sim/log.h"
#include "sim/scenario.h"
#include "sim/xmldoc.h"

#define MAX_RUNS	1000000u	/* a plan larger than this is refused */
#define MAX_RANGE	100000u		/* values one <range> may give */

/* sweep/sweep_xsd.c, generated from sweep/sweep.xsd by Makefile.am */
extern const unsigned char sw_xsd_sweep[];
extern const unsigned int sw_xsd_sweep_len;

/* ---- errors ---- */

static void desc_error(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
desc_error(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg, *shown;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	/* What the user wrote may hold characters a terminal does not show. */
	shown = log_escape(msg);
	if (line > 0)
		fprintf(stderr, "%s:%d: %s\n", file, line, shown);
	else
		fprintf(stderr, "%s: %s\n", file, shown);
	g_free(shown);
	g_free(msg);
}

/* ---- expressions ---- */

/*
 * The grammar, loosest first:
 *   or    := and { ("or" | "||") and }
 *   and   := not { ("and" | "&&") not }
 *   not   := ("not" | "!") not | cmp
 *   cmp   := sum [ ("==" "=" "!=" "<" "<=" ">" ">=" "eq" "ne" "lt" "le"
 *                   "gt" "ge") sum ]
 *   sum   := prod { ("+" | "-") prod }
 *   prod  := unary { ("*" | "/" | "%") unary }
 *   unary := "-" unary | atom
 *   atom  := NUMBER | 'text' | "text" | NAME | ${any name} | "(" or ")"
 * A NAME is [A-Za-z_][A-Za-z0-9_.]*; true and false are 1 and 0.
 * Values are numbers when their whole text is one, text otherwise.
 */
enum ex_op {
	EX_NUM, EX_STR, EX_VAR, EX_NOT, EX_NEG, EX_AND, EX_OR,
	EX_EQ, EX_NE, EX_LT, EX_LE, EX_GT, EX_GE,
	EX_ADD, EX_SUB, EX_MUL, EX_DIV, EX_MOD,
};

struct sw_expr {
	enum ex_op op;
	struct sw_expr *a, *b;
	double num;
	char *text;		/* literal text, or the variable name */
};

struct ex_parser {
	const char *s;
	char *err;
	size_t errlen;
	bool failed;
};

static struct sw_expr *ex_or(struct ex_parser *p);

static void ex_fail(struct ex_parser *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
ex_fail(struct ex_parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return;
	p->failed = true;
	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
}

static struct sw_expr *
ex_node(enum ex_op op, struct sw_expr *a, struct sw_expr *b)
{
	struct sw_expr *e = g_new0(struct sw_expr, 1);

	e->op = op;
	e->a = a;
	e->b = b;
	return e;
}

void
sw_expr_free(struct sw_expr *e)
{
	if (!e)
		return;
	sw_expr_free(e->a);
	sw_expr_free(e->b);
	g_free(e->text);
	g_free(e);
}

static void
ex_skip_blanks(struct ex_parser *p)
{
	while (g_ascii_isspace(*p->s))
		p->s++;
}

/* A word operator ("and") at the cursor, not the start of a longer name. */
static bool
ex_word(struct ex_parser *p, const char *w)
{
	size_t n = strlen(w);

	ex_skip_blanks(p);
	if (strncmp(p->s, w, n) != 0)
		return false;
	if (g_ascii_isalnum(p->s[n]) || p->s[n] == '_' || p->s[n] == '.')
		return false;
	p->s += n;
	return true;
}

static bool
ex_sym(struct ex_parser *p, const char *sym)
{
	size_t n = strlen(sym);

	ex_skip_blanks(p);
	if (strncmp(p->s, sym, n) != 0)
		return false;
	p->s += n;
	return true;
}

static bool
is_name_start(char c)
{
	return g_ascii_isalpha(c) || c == '_';
}

static bool
is_name_char(char c)
{
	return g_ascii_isalnum(c) || c == '_' || c == '.';
}

static struct sw_expr *
ex_atom(struct ex_parser *p)
{
	struct sw_expr *e;
	const char *start;

	ex_skip_blanks(p);
	if (p->failed)
		return NULL;
	if (*p->s == '(') {
		p->s++;
		e = ex_or(p);
		if (!ex_sym(p, ")"))
			ex_fail(p, "missing \")\"");
		return e;
	}
	if (*p->s == '\'' || *p->s == '"') {
		char q = *p->s++;

		start = p->s;
		while (*p->s && *p->s != q)
			p->s++;
		if (!*p->s) {
			ex_fail(p, "unterminated string");
			return NULL;
		}
		e = ex_node(EX_STR, NULL, NULL);
		e->text = g_strndup(start, (gsize)(p->s - start));
		p->s++;
		return e;
	}
	if (p->s[0] == '$' && p->s[1] == '{') {
		const char *end = strchr(p->s + 2, '}');

		if (!end || end == p->s + 2) {
			ex_fail(p, "bad \"${name}\"");
			return NULL;
		}
		e = ex_node(EX_VAR, NULL, NULL);
		e->text = g_strndup(p->s + 2, (gsize)(end - p->s - 2));
		p->s = end + 1;
		return e;
	}
	if (g_ascii_isdigit(*p->s) || (*p->s == '.' && g_ascii_isdigit(p->s[1]))) {
		char *end;
		double v;

		start = p->s;
		v = g_ascii_strtod(p->s, &end);
		if (end == p->s || is_name_start(*end)) {
			ex_fail(p, "bad number near \"%.20s\"", start);
			return NULL;
		}
		e = ex_node(EX_NUM, NULL, NULL);
		e->num = v;
		e->text = g_strndup(start, (gsize)(end - start));
		p->s = end;
		return e;
	}
	if (is_name_start(*p->s)) {
		start = p->s;
		while (is_name_char(*p->s))
			p->s++;
		e = ex_node(EX_VAR, NULL, NULL);
		e->text = g_strndup(start, (gsize)(p->s - start));
		if (strcmp(e->text, "true") == 0 || strcmp(e->text, "false") == 0) {
			e->op = EX_NUM;
			e->num = e->text[0] == 't';
		}
		return e;
	}
	if (*p->s)
		ex_fail(p, "unexpected \"%.20s\"", p->s);
	else
		ex_fail(p, "unexpected end of the expression");
	return NULL;
}

static struct sw_expr *
ex_unary(struct ex_parser *p)
{
	ex_skip_blanks(p);
	if (*p->s == '-' && !g_ascii_isdigit(p->s[1])) {
		p->s++;
		return ex_node(EX_NEG, ex_unary(p), NULL);
	}
	if (*p->s == '-') {
		/* A negative literal keeps its text: "-1" compares as written. */
		struct sw_expr *e;

		p->s++;
		e = ex_atom(p);
		if (e && e->op == EX_NUM) {
			char *t = g_strconcat("-", e->text, NULL);

			g_free(e->text);
			e->text = t;
			e->num = -e->num;
			return e;
		}
		return ex_node(EX_NEG, e, NULL);
	}
	return ex_atom(p);
}

static struct sw_expr *
ex_prod(struct ex_parser *p)
{
	struct sw_expr *e = ex_unary(p);

	for (;;) {
		enum ex_op op;

		if (ex_sym(p, "*"))
			op = EX_MUL;
		else if (ex_sym(p, "/"))
			op = EX_DIV;
		else if (ex_sym(p, "%"))
			op = EX_MOD;
		else
			return e;
		e = ex_node(op, e, ex_unary(p));
	}
}

static struct sw_expr *
ex_sum(struct ex_parser *p)
{
	struct sw_expr *e = ex_prod(p);

	for (;;) {
		enum ex_op op;

		if (ex_sym(p, "+"))
			op = EX_ADD;
		else if (ex_sym(p, "-"))
			op = EX_SUB;
		else
			return e;
		e = ex_node(op, e, ex_prod(p));
	}
}

static struct sw_expr *
ex_cmp(struct ex_parser *p)
{
	static const struct {
		const char *sym;
		bool word;
		enum ex_op op;
	} ops[] = {
		{ "==", false, EX_EQ }, { "!=", false, EX_NE }, { "<=", false, EX_LE },
		{ ">=", false, EX_GE }, { "<", false, EX_LT }, { ">", false, EX_GT },
		{ "=", false, EX_EQ }, { "eq", true, EX_EQ }, { "ne", true, EX_NE },
		{ "lt", true, EX_LT }, { "le", true, EX_LE }, { "gt", true, EX_GT },
		{ "ge", true, EX_GE },
	};
	struct sw_expr *e = ex_sum(p);

	for (size_t i = 0; i < G_N_ELEMENTS(ops); i++)
		if (ops[i].word ? ex_word(p, ops[i].sym) : ex_sym(p, ops[i].sym))
			return ex_node(ops[i].op, e, ex_sum(p));
	return e;
}

static struct sw_expr *
ex_not(struct ex_parser *p)
{
	ex_skip_blanks(p);
	if (ex_word(p, "not") || (p->s[0] == '!' && p->s[1] != '=' && ex_sym(p, "!")))
		return ex_node(EX_NOT, ex_not(p), NULL);
	return ex_cmp(p);
}

static struct sw_expr *
ex_and(struct ex_parser *p)
{
	struct sw_expr *e = ex_not(p);

	while (ex_word(p, "and") || ex_sym(p, "&&"))
		e = ex_node(EX_AND, e, ex_not(p));
	return e;
}

static struct sw_expr *
ex_or(struct ex_parser *p)
{
	struct sw_expr *e = ex_and(p);

	while (ex_word(p, "or") || ex_sym(p, "||"))
		e = ex_node(EX_OR, e, ex_and(p));
	return e;
}

struct sw_expr *
sw_expr_parse(const char *text, char *err, size_t errlen)
{
	struct ex_parser p = { .s = text, .err = err, .errlen = errlen };
	struct sw_expr *e;

	e = ex_or(&p);
	ex_skip_blanks(&p);
	if (!p.failed && *p.s)
		ex_fail(&p, "unexpected \"%.20s\"", p.s);
	if (p.failed) {
		sw_expr_free(e);
		return NULL;
	}
	return e;
}

void
sw_expr_vars(const struct sw_expr *e, void (*fn)(void *ctx, const char *name), void *ctx)
{
	if (!e)
		return;
	if (e->op == EX_VAR)
		fn(ctx, e->text);
	sw_expr_vars(e->a, fn, ctx);
	sw_expr_vars(e->b, fn, ctx);
}

/* A value while evaluating: a number, text, or both. */
struct ex_val {
	bool isnum;
	double num;
	const char *text;	/* NULL for a computed number */
};

/* The whole of s is a finite number. */
static bool
text_number(const char *s, double *v)
{
	char *end;

	if (!s || !*s || g_ascii_isspace(*s))
		return false;
	*v = g_ascii_strtod(s, &end);
	return *end == '\0' && end != s && isfinite(*v);
}

static int ex_eval(const struct sw_expr *e, sw_lookup_fn lookup, void *ctx,
		   struct ex_val *out, char *err, size_t errlen);

static int
ex_number(const struct sw_expr *e, sw_lookup_fn lookup, void *ctx, double *v, char *err,
	  size_t errlen)
{
	struct ex_val x;

	if (ex_eval(e, lookup, ctx, &x, err, errlen) != 0)
		return -1;
	if (!x.isnum) {
		snprintf(err, errlen, "\"%s\" is not a number", x.text);
		return -1;
	}
	*v = x.num;
	return 0;
}

static bool
ex_truth(const struct ex_val *v)
{
	return v->isnum ? v->num != 0 : v->text[0] != '\0';
}

static int
ex_eval(const struct sw_expr *e, sw_lookup_fn lookup, void *ctx, struct ex_val *out,
	char *err, size_t errlen)
{
	struct ex_val a, b;
	double x, y;
	int c;

	switch (e->op) {
	case EX_NUM:
		out->isnum = true;
		out->num = e->num;
		out->text = e->text;
		return 0;
	case EX_STR:
		out->text = e->text;
		out->isnum = false;
		return 0;
	case EX_VAR:
		out->text = lookup(ctx, e->text);
		if (!out->text) {
			snprintf(err, errlen, "unknown parameter \"%s\"", e->text);
			return -1;
		}
		out->isnum = text_number(out->text, &out->num);
		return 0;
	case EX_NOT:
		if (ex_eval(e->a, lookup, ctx, &a, err, errlen) != 0)
			return -1;
		*out = (struct ex_val){ true, !ex_truth(&a), NULL };
		return 0;
	case EX_NEG:
		if (ex_number(e->a, lookup, ctx, &x, err, errlen) != 0)
			return -1;
		*out = (struct ex_val){ true, -x, NULL };
		return 0;
	case EX_AND:
	case EX_OR:
		if (ex_eval(e->a, lookup, ctx, &a, err, errlen) != 0)
			return -1;
		if (ex_truth(&a) == (e->op == EX_OR)) {
			*out = (struct ex_val){ true, e->op == EX_OR, NULL };
			return 0;
		}
		if (ex_eval(e->b, lookup, ctx, &b, err, errlen) != 0)
			return -1;
		*out = (struct ex_val){ true, ex_truth(&b), NULL };
		return 0;
	case EX_EQ:
	case EX_NE:
	case EX_LT:
	case EX_LE:
	case EX_GT:
	case EX_GE:
		if (ex_eval(e->a, lookup, ctx, &a, err, errlen) != 0 ||
		    ex_eval(e->b, lookup, ctx, &b, err, errlen) != 0)
			return -1;
		if (a.isnum && b.isnum) {
			c = a.num < b.num ? -1 : a.num > b.num;
		} else {
			char ba[64], bb[64];
			const char *ta = a.text, *tb = b.text;

			if (!ta)
				ta = g_ascii_formatd(ba, sizeof(ba), "%.17g", a.num);
			if (!tb)
				tb = g_ascii_formatd(bb, sizeof(bb), "%.17g", b.num);
			c = strcmp(ta, tb);
		}
		switch (e->op) {
		case EX_EQ: c = c == 0; break;
		case EX_NE: c = c != 0; break;
		case EX_LT: c = c < 0; break;
		case EX_LE: c = c <= 0; break;
		case EX_GT: c = c > 0; break;
		default: c = c >= 0; break;
		}
		*out = (struct ex_val){ true, c, NULL };
		return 0;
	case EX_ADD:
	case EX_SUB:
	case EX_MUL:
	case EX_DIV:
	case EX_MOD:
		if (ex_number(e->a, lookup, ctx, &x, err, errlen) != 0 ||
		    ex_number(e->b, lookup, ctx, &y, err, errlen) != 0)
			return -1;
		if ((e->op == EX_DIV || e->op == EX_MOD) && y == 0) {
			snprintf(err, errlen, "division by zero");
			return -1;
		}
		out->isnum = true;
		out->text = NULL;
		out->num = e->op == EX_ADD ? x + y : e->op == EX_SUB ? x - y :
			   e->op == EX_MUL ? x * y : e->op == EX_DIV ? x / y : fmod(x, y);
		return 0;
	}
	g_assert_not_reached();
	return -1;
}

int
sw_expr_eval(const struct sw_expr *e, sw_lookup_fn lookup, void *ctx, char *err,
	     size_t errlen)
{
	struct ex_val v;

	if (ex_eval(e, lookup, ctx, &v, err, errlen) != 0)
		return -1;
	return ex_truth(&v);
}

/* ---- decimal ranges ---- */

/* A decimal number: mantissa and digits after the point. */
struct dec {
	int64_t m;
	int scale;
};

static int
dec_parse(const char *s, struct dec *d)
{
	bool neg = false, frac = false;
	int digits = 0;

	d->m = 0;
	d->scale = 0;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s; s++) {
		if (*s == '.' && !frac) {
			frac = true;
			continue;
		}
		if (!g_ascii_isdigit(*s) || ++digits > 17)
			return -1;
		d->m = d->m * 10 + (*s - '0');
		if (frac)
			d->scale++;
	}
	if (digits == 0)
		return -1;
	if (neg)
		d->m = -d->m;
	return 0;
}

static int
dec_rescale(struct dec *d, int scale)
{
	while (d->scale < scale) {
		if (d->m > INT64_MAX / 10 || d->m < INT64_MIN / 10)
			return -1;
		d->m *= 10;
		d->scale++;
	}
	return 0;
}

/* The shortest decimal text of m * 10^-scale: "0.02", "5", "-1.5". */
static char *
dec_format(int64_t m, int scale)
{
	GString *s = g_string_new(NULL);
	uint64_t u = m < 0 ? (uint64_t)0 - (uint64_t)m : (uint64_t)m;
	uint64_t p = 1;
	uint64_t ip, fp;

	for (int i = 0; i < scale; i++)
		p *= 10;
	ip = u / p;
	fp = u % p;
	if (m < 0)
		g_string_append_c(s, '-');
	g_string_append_printf(s, "%" PRIu64, ip);
	if (fp) {
		char buf[32];
		int n;

		snprintf(buf, sizeof(buf), "%0*" PRIu64, scale, fp);
		n = (int)strlen(buf);
		while (n > 0 && buf[n - 1] == '0')
			buf[--n] = '\0';
		g_string_append_printf(s, ".%s", buf);
	}
	return g_string_free(s, FALSE);
}

/* <range from= to= step=|factor=>: append its values. */
static int
range_expand(const char *file, int line, xmlNode *n, GPtrArray *out)
{
	char *from = (char *)xmlGetProp(n, (const xmlChar *)"from");
	char *to = (char *)xmlGetProp(n, (const xmlChar *)"to");
	char *step = (char *)xmlGetProp(n, (const xmlChar *)"step");
	char *factor = (char *)xmlGetProp(n, (const xmlChar *)"factor");
	struct dec f, t, s = { 1, 0 };
	uint64_t k = 0;
	int64_t fac = 0;
	int scale, rc = -1;

	if (dec_parse(from, &f) != 0 || dec_parse(to, &t) != 0) {
		desc_error(file, line, "<range>: from and to must be decimal numbers "
			   "(\"%s\", \"%s\")", from, to);
		goto done;
	}
	if (step && factor) {
		desc_error(file, line, "<range>: give step or factor, not both");
		goto done;
	}
	if (step && dec_parse(step, &s) != 0) {
		desc_error(file, line, "<range>: step \"%s\" is not a decimal number", step);
		goto done;
	}
	if (factor) {
		char *end;

		fac = (int64_t)g_ascii_strtoll(factor, &end, 10);
		if (*end || fac < 2 || fac > 1000000) {
			desc_error(file, line, "<range>: factor must be an integer from 2");
			goto done;
		}
		if (f.m <= 0 || t.m < 0) {
			desc_error(file, line, "<range>: with a factor, from and to must be positive");
			goto done;
		}
	}
	scale = MAX(f.scale, MAX(t.scale, s.scale));
	if (dec_rescale(&f, scale) || dec_rescale(&t, scale) || dec_rescale(&s, scale)) {
		desc_error(file, line, "<range>: numbers too large");
		goto done;
	}
	if (!factor && (s.m == 0 || (t.m > f.m && s.m < 0) || (t.m < f.m && s.m > 0))) {
		desc_error(file, line, "<range>: step %s never goes from %s to %s",
			   step ? step : "1", from, to);
		goto done;
	}
	for (int64_t v = f.m;; k++) {
		if (k >= MAX_RANGE) {
			desc_error(file, line, "<range>: more than %u values", MAX_RANGE);
			goto done;
		}
		g_ptr_array_add(out, dec_format(v, scale));
		if (factor) {
			if (v > t.m / fac)
				break;
			v *= fac;
			if (v > t.m)
				break;
		} else {
			if ((s.m > 0 && v > t.m - s.m) || (s.m < 0 && v < t.m - s.m))
				break;
			v += s.m;
		}
	}
	rc = 0;
done:
	xmlFree(from);
	xmlFree(to);
	xmlFree(step);
	xmlFree(factor);
	return rc;
}

/* ---- reading the XML ---- */

/* Parse and validate the file; NULL after printing the error. */
static xmlDoc *
desc_read_xml(const char *path)
{
	struct xmldoc_err xe = { 0, "" };
	xmlDoc *doc;
	xmlNode *root;
	char *buf = NULL, why[256];
	size_t len = 0;
	int rc = fileio_read(path, FILEIO_MAX, &buf, &len);

	if (rc != FILEIO_OK) {
		fileio_strerror(rc, len, FILEIO_MAX, "sweep description", why, sizeof(why));
		if (rc == FILEIO_ERR)
			desc_error(path, 0, "cannot read the sweep description: %s", why);
		else
			desc_error(path, 0, "%s", why);
		return NULL;
	}
	doc = xmldoc_parse(buf, len, path, &xe);
	g_free(buf);
	if (!doc) {
		desc_error(path, xe.line, "malformed XML: %s", xe.msg);
		return NULL;
	}
	root = xmlDocGetRootElement(doc);
	if (strcmp((const char *)root->name, "sweep") != 0) {
		desc_error(path, (int)xmlGetLineNo(root),
			   "not a sweep description (the root element must be <sweep>)");
		xmlFreeDoc(doc);
		return NULL;
	}
	if (xmldoc_validate(root, sw_xsd_sweep, sw_xsd_sweep_len, &xe) < 0) {
		desc_error(path, xe.line, "schema: %s", xe.msg);
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

static char *
prop(xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s = v ? g_strdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

static bool
is(xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static bool
has_child(xmlNode *n, const char *name)
{
	for (xmlNode *c = n->children; c; c = c->next)
		if (is(c, name))
			return true;
	return false;
}

static struct sw_param *
find_param(const struct sw_desc *d, const char *name)
{
	for (guint i = 0; i < d->params->len; i++) {
		struct sw_param *p = g_ptr_array_index(d->params, i);

		if (strcmp(p->name, name) == 0)
			return p;
	}
	return NULL;
}

static struct sw_metric *
find_metric(const struct sw_desc *d, const char *name)
{
	for (guint i = 0; i < d->metrics->len; i++) {
		struct sw_metric *m = g_ptr_array_index(d->metrics, i);

		if (strcmp(m->name, name) == 0)
			return m;
	}
	return NULL;
}

static char *
param_names(const struct sw_desc *d)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < d->params->len; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "",
				       ((struct sw_param *)g_ptr_array_index(d->params, i))->name);
	if (!s->len)
		g_string_append(s, "(none)");
	return g_string_free(s, FALSE);
}

static void
param_free(struct sw_param *p)
{
	g_free(p->name);
	g_ptr_array_free(p->values, TRUE);
	g_free(p);
}

/* <param>: its values from values=, <value> and <range>, in order. */
static struct sw_param *
param_read(const char *file, xmlNode *n, int group)
{
	struct sw_param *p = g_new0(struct sw_param, 1);
	char *values = prop(n, "values");

	p->name = prop(n, "name");
	p->line = (int)xmlGetLineNo(n);
	p->group = group;
	p->values = g_ptr_array_new_with_free_func(g_free);
	if (strpbrk(p->name, " \t\r\n=${}")) {
		desc_error(file, p->line, "param \"%s\": a name may not hold blanks, "
			   "'=', '$', '{' or '}'", p->name);
		goto fail;
	}
	if (strcmp(p->name, "seed") == 0 || strcmp(p->name, "run") == 0) {
		desc_error(file, p->line, "param \"%s\": seeds and run numbers are given by "
			   "<repetitions seeds=... runs=...>", p->name);
		goto fail;
	}
	if (values) {
		char **v = g_strsplit_set(values, " \t\r\n", -1);

		for (char **q = v; *q; q++)
			if (**q)
				g_ptr_array_add(p->values, g_strdup(*q));
		g_strfreev(v);
	}
	for (xmlNode *c = n->children; c; c = c->next) {
		if (is(c, "value")) {
			xmlChar *t = xmlNodeGetContent(c);

			g_ptr_array_add(p->values, g_strstrip(g_strdup((const char *)t)));
			xmlFree(t);
		} else if (is(c, "range")) {
			if (range_expand(file, (int)xmlGetLineNo(c), c, p->values) != 0)
				goto fail;
		}
	}
	if (p->values->len == 0) {
		desc_error(file, p->line, "param \"%s\" has no values (give values=\"...\", "
			   "<value> or <range>)", p->name);
		goto fail;
	}
	g_free(values);
	return p;
fail:
	g_free(values);
	param_free(p);
	return NULL;
}

/* Every ${name} of text is a param of d.  0 or -1 after printing. */
static int
check_refs(const struct sw_desc *d, const char *file, int line, const char *text)
{
	for (const char *s = text; (s = strstr(s, "${")); ) {
		const char *end = strchr(s + 2, '}');
		char *name;

		if (!end) {
			desc_error(file, line, "unterminated \"${\" in \"%s\"", text);
			return -1;
		}
		name = g_strndup(s + 2, (gsize)(end - s - 2));
		if (!find_param(d, name)) {
			char *names = param_names(d);

			desc_error(file, line, "\"${%s}\": not a swept parameter (they are: %s)",
				   name, names);
			g_free(names);
			g_free(name);
			return -1;
		}
		g_free(name);
		s = end + 1;
	}
	return 0;
}

struct var_check {
	const struct sw_desc *d;
	const char *file;
	int line;
	const char *what;
	int bad;
};

static void
var_check_one(void *ctx, const char *name)
{
	struct var_check *vc = ctx;

	if (!find_param(vc->d, name)) {
		char *names = param_names(vc->d);

		desc_error(vc->file, vc->line, "%s: \"%s\" is not a swept parameter (they are: %s)",
			   vc->what, name, names);
		g_free(names);
		vc->bad++;
	}
}

static struct sw_expr *
expr_read(const struct sw_desc *d, const char *file, int line, const char *what,
	  const char *text)
{
	struct var_check vc = { d, file, line, what, 0 };
	struct sw_expr *e;
	char err[256];

	e = sw_expr_parse(text, err, sizeof(err));
	if (!e) {
		desc_error(file, line, "%s \"%s\": %s", what, text, err);
		return NULL;
	}
	sw_expr_vars(e, var_check_one, &vc);
	if (vc.bad) {
		sw_expr_free(e);
		return NULL;
	}
	return e;
}

/* "1 2 5..8": integers and inclusive ranges. */
static int
u64_list(const char *file, int line, const char *what, const char *text, GArray *out)
{
	char **v = g_strsplit_set(text, " \t\r\n,", -1);
	int rc = -1;

	for (char **q = v; *q; q++) {
		guint64 a, b;
		char *dots;

		if (!**q)
			continue;
		dots = strstr(*q, "..");
		if (dots)
			*dots = '\0';
		if (!g_ascii_isdigit(**q) ||
		    !g_ascii_string_to_unsigned(*q, 10, 0, G_MAXUINT64, &a, NULL) ||
		    (dots && (!g_ascii_isdigit(dots[2]) ||
			      !g_ascii_string_to_unsigned(dots + 2, 10, 0, G_MAXUINT64, &b,
							  NULL)))) {
			desc_error(file, line, "%s=\"%s\": expected numbers and ranges A..B",
				   what, text);
			goto done;
		}
		if (!dots)
			b = a;
		if (b < a || b - a >= MAX_RUNS) {
			desc_error(file, line, "%s=\"%s\": bad range %" G_GUINT64_FORMAT ".."
				   "%" G_GUINT64_FORMAT, what, text, a, b);
			goto done;
		}
		for (guint64 x = a;; x++) {
			uint64_t u = x;

			g_array_append_val(out, u);
			if (x == b)
				break;
		}
	}
	for (guint i = 0; i < out->len; i++)
		for (guint j = 0; j < i; j++)
			if (g_array_index(out, uint64_t, i) == g_array_index(out, uint64_t, j)) {
				desc_error(file, line, "%s=\"%s\": %" PRIu64 " appears twice", what,
					   text, g_array_index(out, uint64_t, i));
				goto done;
			}
	rc = out->len ? 0 : -1;
	if (rc)
		desc_error(file, line, "%s is empty", what);
done:
	g_strfreev(v);
	return rc;
}

static void
metric_free(struct sw_metric *m)
{
	g_free(m->name);
	g_free(m->select);
	g_free(m->kind);
	g_free(m->oname);
	g_free(m->cname);
	g_free(m);
}

static void
plot_free(struct sw_plot *p)
{
	g_free(p->name);
	g_free(p->x);
	g_free(p->y);
	g_free(p->series);
	sw_expr_free(p->where);
	g_free(p->title);
	g_free(p->xlabel);
	g_free(p->ylabel);
	g_free(p);
}

static struct sw_metric *
metric_read(const char *file, xmlNode *n)
{
	struct sw_metric *m = g_new0(struct sw_metric, 1);
	char *agg = prop(n, "agg"), *scale = prop(n, "scale");
	const char *first, *last;

	m->name = prop(n, "name");
	m->select = prop(n, "select");
	m->line = (int)xmlGetLineNo(n);
	first = strchr(m->select, ':');
	last = strrchr(m->select, ':');
	if (first) {
		m->counter = true;
		if (first == last || first == m->select || last == first + 1 || !last[1]) {
			desc_error(file, m->line, "metric %s: select=\"%s\": a counter is "
				   "KIND:NAME:COUNTER (recv:h2/recv0:received)", m->name, m->select);
			goto fail;
		}
		m->kind = g_strndup(m->select, (gsize)(first - m->select));
		m->oname = g_strndup(first + 1, (gsize)(last - first - 1));
		m->cname = g_strdup(last + 1);
	} else if (strspn(m->select, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			  "0123456789_.-*?") != strlen(m->select)) {
		desc_error(file, m->line, "metric %s: select=\"%s\": a field of summary.json is "
			   "a dotted path (events, drops.loss, totals.frames_received)",
			   m->name, m->select);
		goto fail;
	}
	m->agg = !agg || !strcmp(agg, "sum") ? SW_AGG_SUM : !strcmp(agg, "mean") ? SW_AGG_MEAN :
		 !strcmp(agg, "min") ? SW_AGG_MIN : !strcmp(agg, "max") ? SW_AGG_MAX :
		 SW_AGG_COUNT;
	if (scale) {
		m->has_scale = true;
		m->scale = g_ascii_strtod(scale, NULL);
	}
	g_free(agg);
	g_free(scale);
	return m;
fail:
	g_free(agg);
	g_free(scale);
	metric_free(m);
	return NULL;
}

void
sw_desc_free(struct sw_desc *d)
{
	if (!d)
		return;
	g_free(d->path);
	g_free(d->name);
	g_free(d->scenario);
	g_free(d->pcap);
	g_free(d->log);
	if (d->params) {
		for (guint i = 0; i < d->params->len; i++)
			param_free(g_ptr_array_index(d->params, i));
		g_ptr_array_free(d->params, TRUE);
	}
	if (d->sets) {
		for (guint i = 0; i < d->sets->len; i++) {
			struct sw_set *s = g_ptr_array_index(d->sets, i);

			g_free(s->name);
			g_free(s->value);
			g_free(s);
		}
		g_ptr_array_free(d->sets, TRUE);
	}
	if (d->skips) {
		for (guint i = 0; i < d->skips->len; i++)
			sw_expr_free(g_ptr_array_index(d->skips, i));
		g_ptr_array_free(d->skips, TRUE);
	}
	if (d->skip_lines)
		g_array_free(d->skip_lines, TRUE);
	if (d->seeds)
		g_array_free(d->seeds, TRUE);
	if (d->runs)
		g_array_free(d->runs, TRUE);
	if (d->metrics) {
		for (guint i = 0; i < d->metrics->len; i++)
			metric_free(g_ptr_array_index(d->metrics, i));
		g_ptr_array_free(d->metrics, TRUE);
	}
	if (d->plots) {
		for (guint i = 0; i < d->plots->len; i++)
			plot_free(g_ptr_array_index(d->plots, i));
		g_ptr_array_free(d->plots, TRUE);
	}
	g_free(d);
}

/* The params, then the elements that refer to them. */
static int
desc_read(struct sw_desc *d, xmlNode *root)
{
	const char *file = d->path;
	int errors = 0, nrep = 0, nrun = 0;

	for (xmlNode *n = root->children; n; n = n->next) {
		struct sw_param *p;

		if (is(n, "param")) {
			p = param_read(file, n, d->ngroups++);
			if (!p) {
				errors++;
				continue;
			}
			if (find_param(d, p->name)) {
				desc_error(file, p->line, "param \"%s\" is declared twice", p->name);
				param_free(p);
				errors++;
				continue;
			}
			g_ptr_array_add(d->params, p);
		} else if (is(n, "tuple")) {
			int group = d->ngroups++;
			guint len = 0;

			for (xmlNode *c = n->children; c; c = c->next) {
				if (!is(c, "param"))
					continue;
				p = param_read(file, c, group);
				if (!p) {
					errors++;
					continue;
				}
				if (find_param(d, p->name)) {
					desc_error(file, p->line, "param \"%s\" is declared twice",
						   p->name);
					param_free(p);
					errors++;
					continue;
				}
				if (len && p->values->len != len) {
					desc_error(file, p->line, "<tuple>: param \"%s\" has %u values, "
						   "the params before it %u: a tuple's params step "
						   "together and need as many values", p->name,
						   p->values->len, len);
					errors++;
				}
				len = p->values->len;
				g_ptr_array_add(d->params, p);
			}
		}
	}
	if (errors)
		return -1;

	for (xmlNode *n = root->children; n; n = n->next) {
		int line = (int)xmlGetLineNo(n);

		if (is(n, "set")) {
			struct sw_set *s = g_new0(struct sw_set, 1);

			s->name = prop(n, "name");
			s->value = prop(n, "value");
			s->line = line;
			g_ptr_array_add(d->sets, s);
			if (strcmp(s->name, "seed") == 0 || strcmp(s->name, "run") == 0) {
				desc_error(file, line, "<set name=\"%s\">: seeds and run numbers are "
					   "given by <repetitions>", s->name);
				errors++;
			}
			for (guint i = 0; i + 1 < d->sets->len; i++)
				if (!strcmp(((struct sw_set *)g_ptr_array_index(d->sets, i))->name,
					    s->name)) {
					desc_error(file, line, "<set name=\"%s\"> is given twice",
						   s->name);
					errors++;
				}
			if (check_refs(d, file, line, s->value) != 0)
				errors++;
		} else if (is(n, "skip")) {
			char *when = prop(n, "when");
			struct sw_expr *e = expr_read(d, file, line, "skip when", when);

			g_free(when);
			if (!e) {
				errors++;
				continue;
			}
			g_ptr_array_add(d->skips, e);
			g_array_append_val(d->skip_lines, line);
		} else if (is(n, "repetitions")) {
			char *seeds = prop(n, "seeds"), *runs = prop(n, "runs");

			if (nrep++) {
				desc_error(file, line, "<repetitions> is given twice");
				errors++;
			}
			if (seeds && u64_list(file, line, "seeds", seeds, d->seeds) != 0)
				errors++;
			if (runs && u64_list(file, line, "runs", runs, d->runs) != 0)
				errors++;
			g_free(seeds);
			g_free(runs);
		} else if (is(n, "run")) {
			char *pcap = prop(n, "pcap"), *log = prop(n, "log");

			if (nrun++) {
				desc_error(file, line, "<run> is given twice");
				errors++;
			}
			if (pcap) {
				g_free(d->pcap);
				d->pcap = pcap;
			}
			if (log) {
				char err[1024];

				/* The check and words of --log, which the runs get it as. */
				if (entities_register_all() != 0 ||
				    log_parse_spec(NULL, log, err, sizeof(err)) != 0) {
					desc_error(file, line, "log \"%s\": %s", log, err);
					errors++;
				}
				g_free(d->log);
				d->log = log;
			}
		} else if (is(n, "metric")) {
			struct sw_metric *m = metric_read(file, n);

			if (!m) {
				errors++;
				continue;
			}
			if (find_metric(d, m->name)) {
				desc_error(file, line, "metric \"%s\" is declared twice", m->name);
				metric_free(m);
				errors++;
				continue;
			}
			g_ptr_array_add(d->metrics, m);
		}
	}
	if (d->metrics->len == 0 && !has_child(root, "metric")) {
		desc_error(file, (int)xmlGetLineNo(root), "a sweep needs at least one <metric>");
		errors++;
	}

	for (xmlNode *n = root->children; n; n = n->next) {
		struct sw_plot *p;
		char *v;

		if (!is(n, "plot"))
			continue;
		p = g_new0(struct sw_plot, 1);
		p->line = (int)xmlGetLineNo(n);
		p->name = prop(n, "name");
		p->x = prop(n, "x");
		p->y = prop(n, "y");
		p->series = prop(n, "series");
		p->title = prop(n, "title");
		p->xlabel = prop(n, "xlabel");
		p->ylabel = prop(n, "ylabel");
		v = prop(n, "logx");
		p->logx = v && (!strcmp(v, "true") || !strcmp(v, "1"));
		g_free(v);
		v = prop(n, "logy");
		p->logy = v && (!strcmp(v, "true") || !strcmp(v, "1"));
		g_free(v);
		g_ptr_array_add(d->plots, p);
		for (guint i = 0; i + 1 < d->plots->len; i++)
			if (!strcmp(((struct sw_plot *)g_ptr_array_index(d->plots, i))->name,
				    p->name)) {
				desc_error(file, p->line, "plot \"%s\" is declared twice", p->name);
				errors++;
			}
		if (!find_param(d, p->x)) {
			char *names = param_names(d);

			desc_error(file, p->line, "plot %s: x=\"%s\" is not a swept parameter "
				   "(they are: %s)", p->name, p->x, names);
			g_free(names);
			errors++;
		}
		if (p->series && (!find_param(d, p->series) || !strcmp(p->series, p->x))) {
			char *names = param_names(d);

			desc_error(file, p->line, "plot %s: series=\"%s\" is not a swept parameter "
				   "other than x (they are: %s)", p->name, p->series, names);
			g_free(names);
			errors++;
		}
		if (!find_metric(d, p->y)) {
			GString *s = g_string_new(NULL);

			for (guint i = 0; i < d->metrics->len; i++)
				g_string_append_printf(s, "%s%s", i ? ", " : "",
						       ((struct sw_metric *)
							g_ptr_array_index(d->metrics, i))->name);
			desc_error(file, p->line, "plot %s: y=\"%s\" is not a metric (they are: %s)",
				   p->name, p->y, s->str);
			g_string_free(s, TRUE);
			errors++;
		}
		v = prop(n, "where");
		if (v) {
			p->where = expr_read(d, file, p->line, "plot where", v);
			if (!p->where)
				errors++;
			g_free(v);
		}
	}
	return errors ? -1 : 0;
}

struct sw_desc *
sw_desc_load(const char *path, const char *base_dir)
{
	struct sw_desc *d;
	xmlDoc *doc;
	xmlNode *root;
	char *scn, *dir;

	doc = desc_read_xml(path);
	if (!doc)
		return NULL;
	root = xmlDocGetRootElement(doc);
	d = g_new0(struct sw_desc, 1);
	d->path = g_strdup(path);
	d->params = g_ptr_array_new();
	d->sets = g_ptr_array_new();
	d->skips = g_ptr_array_new();
	d->skip_lines = g_array_new(FALSE, FALSE, sizeof(int));
	d->seeds = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	d->runs = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	d->metrics = g_ptr_array_new();
	d->plots = g_ptr_array_new();
	d->pcap = g_strdup("none");

	d->name = prop(root, "name");
	if (!d->name) {
		char *b = g_path_get_basename(path);
		char *dot = strrchr(b, '.');

		if (dot && dot != b)
			*dot = '\0';
		d->name = b;
	}
	scn = prop(root, "scenario");
	{
		/* Relative to the description's folder, made absolute first. */
		char *rel = base_dir ? g_strdup(base_dir) : g_path_get_dirname(path);

		dir = g_canonicalize_filename(rel, NULL);
		g_free(rel);
	}
	d->scenario = g_canonicalize_filename(scn, dir);
	g_free(scn);
	g_free(dir);

	if (desc_read(d, root) != 0) {
		xmlFreeDoc(doc);
		sw_desc_free(d);
		return NULL;
	}
	xmlFreeDoc(doc);
	return d;
}

/* ---- against the base scenario ---- */

static bool
name_in(char **names, const char *name)
{
	for (char **q = names; *q; q++)
		if (strcmp(*q, name) == 0)
			return true;
	return false;
}

static bool
set_uses(const struct sw_set *s, const char *param)
{
	char *ref = g_strdup_printf("${%s}", param);
	bool used = strstr(s->value, ref) != NULL;

	g_free(ref);
	return used;
}

int
sw_desc_check_scenario(struct sw_desc *d)
{
	struct scenario *scn;
	char err[2048], *text = NULL, **lines, **names;
	size_t len = 0, nn = 0;
	FILE *f;
	int errors = 0;
	GString *valid;

	if (entities_register_all() != 0) {
		fprintf(stderr, "cometsim: cannot register the entity classes\n");
		return -1;
	}
	err[0] = '\0';
	scn = scenario_load(d->scenario, NULL, 0, err, sizeof(err));
	if (!scn) {
		fprintf(stderr, "%s\n", err[0] ? err : "cannot load the scenario");
		desc_error(d->path, 0, "the base scenario %s does not load", d->scenario);
		return -1;
	}
	f = open_memstream(&text, &len);
	scenario_list_params(scn, f);
	fclose(f);
	if (d->seeds->len == 0)
		g_array_append_val(d->seeds, scenario_run_opts(scn)->seed);
	if (d->runs->len == 0)
		g_array_append_val(d->runs, scenario_run_opts(scn)->run);
	scenario_free(scn);

	lines = g_strsplit(text, "\n", -1);
	free(text);
	names = g_new0(char *, g_strv_length(lines) + 1);
	valid = g_string_new(NULL);
	for (char **q = lines; *q; q++) {
		char *eq = strchr(*q, '=');

		if (!eq)
			continue;
		*eq = '\0';
		names[nn++] = *q;
		g_string_append_printf(valid, "%s%s", valid->len ? ", " : "", *q);
	}

	for (guint i = 0; i < d->params->len; i++) {
		struct sw_param *p = g_ptr_array_index(d->params, i);
		bool used = false;

		p->direct = name_in(names, p->name);
		for (guint j = 0; j < d->sets->len; j++)
			used |= set_uses(g_ptr_array_index(d->sets, j), p->name);
		if (!p->direct && !used) {
			desc_error(d->path, p->line, "param \"%s\": unknown parameter of %s, and no "
				   "<set> uses ${%s}; valid names: %s", p->name, d->scenario,
				   p->name, valid->str);
			errors++;
		}
	}
	for (guint j = 0; j < d->sets->len; j++) {
		struct sw_set *s = g_ptr_array_index(d->sets, j);
		struct sw_param *p = find_param(d, s->name);

		if (!name_in(names, s->name)) {
			desc_error(d->path, s->line, "<set name=\"%s\">: unknown parameter of %s; "
				   "valid names: %s", s->name, d->scenario, valid->str);
			errors++;
		} else if (p && p->direct) {
			desc_error(d->path, s->line, "<set name=\"%s\">: the swept param of that "
				   "name already sets it", s->name);
			errors++;
		}
	}
	g_string_free(valid, TRUE);
	g_free(names);
	g_strfreev(lines);
	return errors ? -1 : 0;
}

/* ---- the plan ---- */

struct run_ctx {
	const struct sw_desc *d;
	char **vals;
};

static const char *
run_lookup(void *ctx, const char *name)
{
	struct run_ctx *rc = ctx;

	for (guint i = 0; i < rc->d->params->len; i++)
		if (strcmp(((struct sw_param *)g_ptr_array_index(rc->d->params, i))->name,
			   name) == 0)
			return rc->vals[i];
	return NULL;
}

/* text with each ${param} replaced by its value in vals. */
static char *
substitute(const struct sw_desc *d, const char *text, char **vals)
{
	struct run_ctx rc = { d, vals };
	GString *s = g_string_new(NULL);

	while (*text) {
		const char *end;

		if (text[0] == '$' && text[1] == '{' && (end = strchr(text + 2, '}'))) {
			char *name = g_strndup(text + 2, (gsize)(end - text - 2));
			const char *v = run_lookup(&rc, name);

			g_string_append(s, v ? v : "");
			g_free(name);
			text = end + 1;
		} else {
			g_string_append_c(s, *text++);
		}
	}
	return g_string_free(s, FALSE);
}

void
sw_plan_free(struct sw_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		struct sw_run *r = &p->runs[i];

		g_free(r->vals);
		if (r->setvals)
			for (guint j = 0; j < p->d->sets->len; j++)
				g_free(r->setvals[j]);
		g_free(r->setvals);
	}
	g_free(p->runs);
	g_free(p);
}

/*
 * A plot averages repetitions only: any other param that takes several
 * values for one (x, series) point would be mixed in.  0 or -1.
 */
static int
plan_check_plots(const struct sw_plan *pl)
{
	const struct sw_desc *d = pl->d;
	int errors = 0;

	for (guint k = 0; k < d->plots->len; k++) {
		const struct sw_plot *pt = g_ptr_array_index(d->plots, k);
		GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
		bool reported = false;
		unsigned npoints = 0;

		for (size_t i = 0; i < pl->n && !reported; i++) {
			const struct sw_run *r = &pl->runs[i];
			struct run_ctx rc = { d, r->vals };
			GString *key = g_string_new(NULL), *rest = g_string_new(NULL);
			const char *prev;
			char err[256];

			if (pt->where) {
				int w = sw_expr_eval(pt->where, run_lookup, &rc, err, sizeof(err));

				if (w < 0) {
					desc_error(d->path, pt->line, "plot %s: where: %s", pt->name, err);
					errors++;
					reported = true;
				}
				if (w <= 0) {
					g_string_free(key, TRUE);
					g_string_free(rest, TRUE);
					continue;
				}
			}
			npoints++;
			for (guint j = 0; j < d->params->len; j++) {
				const struct sw_param *p = g_ptr_array_index(d->params, j);
				bool axis = !strcmp(p->name, pt->x) ||
					    (pt->series && !strcmp(p->name, pt->series));

				g_string_append_printf(axis ? key : rest, "%s=%s\n", p->name,
						       r->vals[j]);
			}
			prev = g_hash_table_lookup(seen, key->str);
			if (!prev) {
				g_hash_table_insert(seen, g_string_free(key, FALSE),
						    g_string_free(rest, FALSE));
				continue;
			}
			if (strcmp(prev, rest->str) != 0) {
				char **a = g_strsplit(prev, "\n", -1), **b = g_strsplit(rest->str, "\n", -1);

				for (guint j = 0; a[j] && b[j]; j++)
					if (strcmp(a[j], b[j]) != 0) {
						char *eq = strchr(a[j], '=');

						*eq = '\0';
						desc_error(d->path, pt->line, "plot %s: param \"%s\" takes "
							   "several values (%s, %s) for one point; make "
							   "it the series or pin it with where=\"...\"",
							   pt->name, a[j], eq + 1, strchr(b[j], '=') + 1);
						break;
					}
				g_strfreev(a);
				g_strfreev(b);
				errors++;
				reported = true;
			}
			g_string_free(key, TRUE);
			g_string_free(rest, TRUE);
		}
		if (!reported && npoints == 0) {
			desc_error(d->path, pt->line, "plot %s: no run satisfies where", pt->name);
			errors++;
		}
		g_hash_table_destroy(seen);
	}
	return errors ? -1 : 0;
}

struct sw_plan *
sw_plan_build(struct sw_desc *d)
{
	struct sw_plan *pl = g_new0(struct sw_plan, 1);
	unsigned ng = (unsigned)d->ngroups;
	guint *len = g_new0(guint, ng + 1), *idx = g_new0(guint, ng + 1);
	GArray *runs = g_array_new(FALSE, TRUE, sizeof(struct sw_run));
	bool done = false;

	pl->d = d;
	for (guint j = 0; j < d->params->len; j++) {
		struct sw_param *p = g_ptr_array_index(d->params, j);

		len[p->group] = p->values->len;
	}
	while (!done) {
		char **vals = g_new0(char *, d->params->len + 1);
		struct run_ctx rc = { d, vals };
		bool skip = false;

		for (guint j = 0; j < d->params->len; j++) {
			struct sw_param *p = g_ptr_array_index(d->params, j);

			vals[j] = g_ptr_array_index(p->values, idx[p->group]);
		}
		for (guint k = 0; k < d->skips->len && !skip; k++) {
			char err[256];
			int v = sw_expr_eval(g_ptr_array_index(d->skips, k), run_lookup, &rc, err,
					     sizeof(err));

			if (v < 0) {
				desc_error(d->path, g_array_index(d->skip_lines, int, k),
					   "skip when: %s", err);
				g_free(vals);
				goto fail;
			}
			skip = v;
		}
		for (size_t s = 0; !skip && s < d->seeds->len; s++)
			for (size_t r = 0; r < d->runs->len; r++) {
				struct sw_run run = { 0 };

				if (runs->len >= MAX_RUNS) {
					desc_error(d->path, 0, "the sweep has more than %u runs",
						   MAX_RUNS);
					g_free(vals);
					goto fail;
				}
				run.index = runs->len;
				run.vals = g_memdup2(vals, sizeof(char *) * (d->params->len + 1));
				run.setvals = g_new0(char *, d->sets->len + 1);
				for (guint j = 0; j < d->sets->len; j++)
					run.setvals[j] = substitute(d, ((struct sw_set *)
						g_ptr_array_index(d->sets, j))->value, vals);
				run.seed = g_array_index(d->seeds, uint64_t, s);
				run.run = g_array_index(d->runs, uint64_t, r);
				g_array_append_val(runs, run);
			}
		g_free(vals);
		/* The next combination: the last group moves fastest. */
		done = true;
		for (int g = (int)ng - 1; g >= 0; g--) {
			if (++idx[g] < len[g]) {
				done = false;
				break;
			}
			idx[g] = 0;
		}
	}
	pl->n = runs->len;
	pl->runs = (struct sw_run *)g_array_free(runs, FALSE);
	runs = NULL;
	pl->idwidth = 4;
	for (size_t n = pl->n ? pl->n - 1 : 0; n >= 10000; n /= 10)
		pl->idwidth++;
	g_free(len);
	g_free(idx);
	if (pl->n == 0) {
		desc_error(d->path, 0, "every combination is skipped: the sweep has no run");
		sw_plan_free(pl);
		return NULL;
	}
	if (plan_check_plots(pl) != 0) {
		sw_plan_free(pl);
		return NULL;
	}
	return pl;
fail:
	pl->n = runs->len;
	pl->runs = (struct sw_run *)g_array_free(runs, FALSE);
	g_free(len);
	g_free(idx);
	sw_plan_free(pl);
	return NULL;
}

char *
sw_run_id(const struct sw_plan *p, unsigned i)
{
	return g_strdup_printf("%0*u", p->idwidth, i);
}

char **
sw_run_argv(const struct sw_plan *p, unsigned i, const char *out_dir)
{
	const struct sw_desc *d = p->d;
	const struct sw_run *r = &p->runs[i];
	GPtrArray *a = g_ptr_array_new();

	g_ptr_array_add(a, g_strdup("run"));
	g_ptr_array_add(a, g_strdup(d->scenario));
	g_ptr_array_add(a, g_strdup("--seed"));
	g_ptr_array_add(a, g_strdup_printf("%" PRIu64, r->seed));
	g_ptr_array_add(a, g_strdup("--run"));
	g_ptr_array_add(a, g_strdup_printf("%" PRIu64, r->run));
	for (guint j = 0; j < d->params->len; j++) {
		const struct sw_param *sp = g_ptr_array_index(d->params, j);

		if (!sp->direct)
			continue;
		g_ptr_array_add(a, g_strdup("--set"));
		g_ptr_array_add(a, g_strdup_printf("%s=%s", sp->name, r->vals[j]));
	}
	for (guint j = 0; j < d->sets->len; j++) {
		g_ptr_array_add(a, g_strdup("--set"));
		g_ptr_array_add(a, g_strdup_printf("%s=%s",
			((struct sw_set *)g_ptr_array_index(d->sets, j))->name, r->setvals[j]));
	}
	g_ptr_array_add(a, g_strdup("--out"));
	g_ptr_array_add(a, g_strdup(out_dir));
	g_ptr_array_add(a, g_strdup("--quiet"));
	g_ptr_array_add(a, g_strdup("--pcap"));
	g_ptr_array_add(a, g_strdup(d->pcap));
	if (d->log) {
		g_ptr_array_add(a, g_strdup("--log"));
		g_ptr_array_add(a, g_strdup(d->log));
	}
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

GPtrArray *
sw_plan_columns(const struct sw_plan *p)
{
	const struct sw_desc *d = p->d;
	GPtrArray *c = g_ptr_array_new();

	for (guint j = 0; j < d->params->len; j++)
		g_ptr_array_add(c, ((struct sw_param *)g_ptr_array_index(d->params, j))->name);
	for (guint j = 0; j < d->sets->len; j++)
		g_ptr_array_add(c, ((struct sw_set *)g_ptr_array_index(d->sets, j))->name);
	return c;
}

const char *
sw_run_column(const struct sw_plan *p, const struct sw_run *r, unsigned c)
{
	if (c < p->d->params->len)
		return r->vals[c];
	return r->setvals[c - p->d->params->len];
}

char *
sw_plan_csv(const struct sw_plan *p)
{
	GPtrArray *cols = sw_plan_columns(p);
	GString *s = g_string_new("run_id");

	for (guint c = 0; c < cols->len; c++) {
		g_string_append_c(s, ',');
		sw_csv_field(s, g_ptr_array_index(cols, c));
	}
	g_string_append(s, ",seed,run\n");
	for (size_t i = 0; i < p->n; i++) {
		const struct sw_run *r = &p->runs[i];
		char *id = sw_run_id(p, (unsigned)i);

		g_string_append(s, id);
		g_free(id);
		for (guint c = 0; c < cols->len; c++) {
			g_string_append_c(s, ',');
			sw_csv_field(s, sw_run_column(p, r, c));
		}
		g_string_append_printf(s, ",%" PRIu64 ",%" PRIu64 "\n", r->seed, r->run);
	}
	g_ptr_array_free(cols, TRUE);
	return g_string_free(s, FALSE);
}
