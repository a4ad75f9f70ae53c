/*
 * sweep_expr.c - the expression language of sweep descriptions: the
 * constraints of <skip when="..."> and the filters of <plot where="...">
 * (doc/sweeps.md, "Expressions").
 *
 * An expression is parsed once into a tree (recursive descent, the
 * grammar below) and evaluated for each run against its parameter
 * values, which a lookup function gives as text.  A value is a number
 * when its whole text is one, text otherwise: numbers compare as
 * numbers, anything else compares as text, and arithmetic on text is an
 * error of the evaluation, not of the parse.
 */
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "sweep/sweep_expr.h"

/* ---- parsing ---- */

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

/* ---- evaluating ---- */

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

