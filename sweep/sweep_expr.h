/*
 * sweep_expr.h - the expression language of sweep descriptions
 * (<skip when="...">, <plot where="...">; doc/sweeps.md): boolean and
 * arithmetic expressions over parameter values.
 */
#ifndef SWEEP_SWEEP_EXPR_H
#define SWEEP_SWEEP_EXPR_H

#include <stddef.h>

struct sw_expr;

/* A parameter value by name, as text; NULL when there is none. */
typedef const char *(*sw_lookup_fn)(void *ctx, const char *name);

/* sweep_expr.c */

/*
 * Parse a boolean or arithmetic expression.  The tree is the caller's
 * (sw_expr_free); NULL with a message in err.
 */
struct sw_expr *sw_expr_parse(const char *text, char *err, size_t errlen);
void sw_expr_free(struct sw_expr *e);
/* 1 true, 0 false, -1 with err set (an operand that is not a number...). */
int sw_expr_eval(const struct sw_expr *e, sw_lookup_fn lookup, void *ctx, char *err,
		 size_t errlen);
/* Call fn for every variable the expression names. */
void sw_expr_vars(const struct sw_expr *e, void (*fn)(void *ctx, const char *name),
		  void *ctx);

#endif /* SWEEP_SWEEP_EXPR_H */
