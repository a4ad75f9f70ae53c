/*
 * params.c - the user's parameters (<param name= value=/>) and ${name}
 * substitution.
 *
 * A parameter's value may refer to other parameters; once the <param>
 * elements are read, and each has taken its override (override.c),
 * scn_params_expand() expands them all, so that ${name} is then replaced
 * by text without references.  Every attribute, <at> text and script
 * line is substituted with scn_subst() as it is read; a value that an
 * override may replace is kept as written and substituted later
 * (scn_val_subst), when it is parsed (values.c).  An error in a line
 * that used a parameter given by an override says so ("with --set
 * count=abc"), even when it is found later, once the whole file is
 * read: the notes of struct scn_ld.  The rules are in
 * doc/scenario-format.md ("Parameters and ${name}").
 */
#include <stdio.h>
#include <string.h>

#include "scenario/scenario_int.h"

struct scn_param *
scn_param_find(const struct scenario *s, const char *name)
{
	for (guint i = 0; i < s->params->len; i++) {
		struct scn_param *p = g_ptr_array_index(s->params, i);

		if (strcmp(p->name, name) == 0)
			return p;
	}
	return NULL;
}

/* How deep references may nest in parameters' values, and how long one may grow. */
#define PARAM_DEPTH_MAX		64
#define PARAM_VALUE_MAX		(1u << 20)

static int param_expand(struct scn_ld *ld, struct scn_param *p, GPtrArray *chain);

/*
 * The overrides a used parameter holds go to the note of the line
 * being substituted (its errors say "with --set ...") and, while a
 * parameter is being expanded, to its own list (sets).
 */
static void
note_sets(struct scn_ld *ld, const struct scn_param *q, GPtrArray *sets)
{
	for (char **it = q->sets; it && *it; it++) {
		bool have = false;

		if (!strstr(ld->note->str, *it))
			g_string_append_printf(ld->note, "%s%s", ld->note->len ? ", " : "", *it);
		scn_note_add(ld, ld->note_file, ld->note_line, *it);
		for (guint i = 0; sets && i < sets->len && !have; i++)
			have = strcmp(g_ptr_array_index(sets, i), *it) == 0;
		if (sets && !have)
			g_ptr_array_add(sets, g_strdup(*it));
	}
}

/*
 * Replace each ${name} in `in` by the parameter's value.  A '$' not
 * followed by '{' stays as it is.  While parameters are expanded
 * (chain: those under way), a parameter used is expanded first.  A
 * "${" in the result, made of a value and the text after it, is an
 * error: it would reach a parser as it is.
 */
static char *
subst(struct scn_ld *ld, const char *in, const char *file, int line, GPtrArray *chain,
      GPtrArray *sets)
{
	GString *out;
	const char *p = in;
	char *left;

	if (file != ld->note_file || line != ld->note_line) {
		g_string_truncate(ld->note, 0);
		ld->note_file = file;
		ld->note_line = line;
	}
	if (!strstr(in, "${"))
		return g_strdup(in);
	out = g_string_new(NULL);
	while (*p) {
		const char *close;
		char *name;
		struct scn_param *prm;

		if (p[0] != '$' || p[1] != '{') {
			g_string_append_c(out, *p++);
			continue;
		}
		close = strchr(p + 2, '}');
		if (!close) {
			scn_error(ld, file, line, "unterminated \"${\" in \"%s\"", in);
			goto fail;
		}
		name = g_strndup(p + 2, (gsize)(close - p - 2));
		prm = scn_param_find(ld->s, name);
		if (!prm) {
			GString *known = g_string_new(NULL);

			for (guint i = 0; i < ld->s->params->len; i++) {
				struct scn_param *q = g_ptr_array_index(ld->s->params, i);

				g_string_append_printf(known, "%s%s", i ? ", " : "", q->name);
			}
			scn_error(ld, file, line, "undefined parameter \"${%s}\" (%s%s)", name,
				  known->len ? "defined: " : "no <param> is defined",
				  known->str);
			g_string_free(known, TRUE);
			g_free(name);
			goto fail;
		}
		g_free(name);
		if (chain && param_expand(ld, prm, chain) < 0)
			goto fail;
		note_sets(ld, prm, sets);
		/* Many references to a long value: refused before the text is made. */
		if (out->len + strlen(prm->value) > SCN_TEXT_MAX) {
			scn_error(ld, file, line, "more than %u bytes once its parameters are "
				  "substituted (\"${%s}\" is %zu bytes)", (unsigned)SCN_TEXT_MAX,
				  prm->name, strlen(prm->value));
			goto fail;
		}
		g_string_append(out, prm->value);
		p = close + 1;
	}
	if ((left = strstr(out->str, "${"))) {
		const char *close = strchr(left, '}');

		scn_error(ld, file, line, "\"%.*s\" is left after substitution (a reference "
			  "cannot be made of a parameter's value and the text after it)",
			  close ? (int)(close - left + 1) : (int)strlen(left), left);
		goto fail;
	}
	return g_string_free(out, FALSE);
fail:
	g_string_free(out, TRUE);
	return NULL;
}

char *
scn_subst(struct scn_ld *ld, const char *in, const char *file, int line)
{
	return subst(ld, in, file, line, NULL, NULL);
}

/*
 * Expand p's value (chain: the parameters whose expansion waits for
 * p's).  Recursive, as deep as PARAM_DEPTH_MAX; each parameter is
 * expanded once, so the work is the size of the values.
 */
static int
param_expand(struct scn_ld *ld, struct scn_param *p, GPtrArray *chain)
{
	GString *saved_note;
	const char *saved_file = ld->note_file;
	int saved_line = ld->note_line;
	GPtrArray *sets;
	char *v;

	if (p->expanded)
		return 0;
	for (guint i = 0; i < chain->len; i++) {
		GString *loop;

		if (g_ptr_array_index(chain, i) != p)
			continue;
		loop = g_string_new(NULL);
		for (guint k = i; k < chain->len; k++)
			g_string_append_printf(loop, "%s -> ",
					       ((struct scn_param *)g_ptr_array_index(chain, k))->name);
		g_string_append(loop, p->name);
		scn_error(ld, p->file, p->line, "param \"%s\": its value refers to itself (%s)",
			  p->name, loop->str);
		g_string_free(loop, TRUE);
		return -1;
	}
	if (chain->len >= PARAM_DEPTH_MAX)
		return scn_error(ld, p->file, p->line, "param \"%s\": references nest deeper "
				 "than %d parameters", p->name, PARAM_DEPTH_MAX);
	saved_note = g_string_new(ld->note->str);
	sets = g_ptr_array_new_with_free_func(g_free);
	if (p->origin)
		g_ptr_array_add(sets, g_strdup(p->origin));
	/* Errors at p's line say which overrides made them. */
	ld->note_file = p->file;
	ld->note_line = p->line;
	g_string_assign(ld->note, p->origin ? p->origin : "");
	scn_note_add(ld, p->file, p->line, p->origin);
	g_ptr_array_add(chain, p);
	v = subst(ld, p->value, p->file, p->line, chain, sets);
	g_ptr_array_remove_index(chain, chain->len - 1);
	if (v && strlen(v) > PARAM_VALUE_MAX) {
		scn_error(ld, p->file, p->line, "param \"%s\": its value is more than %u bytes "
			  "once expanded", p->name, PARAM_VALUE_MAX);
		g_free(v);
		v = NULL;
	}
	if (v) {
		g_free(p->value);
		p->value = v;
		g_ptr_array_add(sets, NULL);
		p->sets = (char **)g_ptr_array_free(sets, FALSE);
		p->expanded = true;
		g_string_assign(ld->note, saved_note->str);
		ld->note_file = saved_file;
		ld->note_line = saved_line;
	} else {
		g_ptr_array_free(sets, TRUE);
	}
	g_string_free(saved_note, TRUE);
	return v ? 0 : -1;
}

int
scn_params_expand(struct scn_ld *ld)
{
	GPtrArray *chain = g_ptr_array_new();
	int rc = 0;

	for (guint i = 0; i < ld->s->params->len && rc == 0; i++)
		rc = param_expand(ld, g_ptr_array_index(ld->s->params, i), chain);
	g_ptr_array_free(chain, TRUE);
	return rc;
}

/*
 * scn_subst() for a value kept as written: errors cite where it was
 * written, the override that gave it (its origin, without line) or its
 * file:line, as scn_val_error() does.
 */
char *
scn_val_subst(struct scn_ld *ld, const struct scn_val *v)
{
	if (v->origin)
		return scn_subst(ld, v->raw, v->origin, -1);
	return scn_subst(ld, v->raw, v->file, v->line);
}
