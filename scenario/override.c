/*
 * override.c - the overrides of the command line: --set NAME=VALUE, and
 * the run options the front end's own flags give (--seed 5 is seed=5,
 * --end 10s is end_time=10s, ...), overrides like any --set.
 *
 * scenario_load() gets them as one list in precedence order: for one
 * name, a later entry wins over an earlier one, and every entry wins over
 * what the files say.  scn_overrides_merge() applies that rule, once:
 * one override is left per name, the value that wins, at the place its
 * name first appears.  From there an override replaces a value as
 * written, before ${name} substitution and before the value is parsed,
 * so that a bad value is reported against the override that gave it
 * (its origin: "--set NAME=VALUE", "--pcap WHAT"):
 *   - a <param>'s value when the <param> is read (scn_overrides_param),
 *     before anything substitutes ${name};
 *   - a run option, a link default or an attribute of a link once the
 *     events are replayed and the links the scripts start exist
 *     (scn_overrides_bind); a name that names nothing is refused there.
 * doc/scenario-format.md ("--set") draws the path of a value.
 */
#include <stdio.h>
#include <string.h>

#include "scenario/scenario_int.h"

static void
ovr_free(gpointer p)
{
	struct scn_ovr *o = p;

	g_free(o->name);
	g_free(o->value);
	g_free(o->origin);
	g_free(o);
}

/*
 * The one merge: the list, in precedence order, becomes one override per
 * name holding the value of its last entry.
 */
int
scn_overrides_merge(struct scn_ld *ld, const struct scn_override *ov, size_t nov)
{
	ld->ovr = g_ptr_array_new_with_free_func(ovr_free);
	ld->ovr_by_name = g_hash_table_new(g_str_hash, g_str_equal);
	for (size_t i = 0; i < nov; i++) {
		const struct scn_override *o = &ov[i];
		struct scn_ovr *m;

		if (!o->name || !o->value || o->name[0] == '\0')
			return scn_error(ld, NULL, 0, "--set: expected NAME=VALUE");
		m = g_hash_table_lookup(ld->ovr_by_name, o->name);
		if (!m) {
			m = g_new0(struct scn_ovr, 1);
			m->name = g_strdup(o->name);
			g_ptr_array_add(ld->ovr, m);
			g_hash_table_insert(ld->ovr_by_name, m->name, m);
		}
		g_free(m->value);
		g_free(m->origin);
		m->value = g_strdup(o->value);
		m->origin = o->origin ? g_strdup(o->origin) :
			    g_strdup_printf("--set %s=%s", o->name, o->value);
	}
	return 0;
}

void
scn_overrides_free(struct scn_ld *ld)
{
	if (ld->ovr_by_name)
		g_hash_table_destroy(ld->ovr_by_name);
	if (ld->ovr)
		g_ptr_array_free(ld->ovr, TRUE);
	ld->ovr_by_name = NULL;
	ld->ovr = NULL;
}

/* A <param> just read: the override of its name, if any, replaces its value. */
void
scn_overrides_param(struct scn_ld *ld, struct scn_param *p)
{
	struct scn_ovr *o = g_hash_table_lookup(ld->ovr_by_name, p->name);

	if (!o)
		return;
	g_free(p->value);
	g_free(p->origin);
	p->value = g_strdup(o->value);
	p->origin = g_strdup(o->origin);
	o->used = true;
}

/*
 * The value an override that names no parameter replaces: a run option,
 * linkdefaults.ATTR or link.NAME.ATTR; NULL if there is none.
 */
static struct scn_val *
override_target(struct scenario *s, const char *name)
{
	const char *dot;
	struct scn_link *l;
	char *lname;
	int a;

	for (int i = 0; i < RO_COUNT; i++)
		if (strcmp(scn_ropt_name(i), name) == 0)
			return &s->run[i];
	if (strncmp(name, "linkdefaults.", 13) == 0 && (a = scn_lattr_lookup(name + 13)) >= 0)
		return &s->ldef[a];
	if (strncmp(name, "link.", 5) != 0 || !(dot = strrchr(name + 5, '.')) ||
	    (a = scn_lattr_lookup(dot + 1)) < 0)
		return NULL;
	lname = g_strndup(name + 5, (gsize)(dot - name - 5));
	l = g_hash_table_lookup(s->link_by_name, lname);
	g_free(lname);
	return l ? &l->v[a] : NULL;
}

static void
add_name(void *ctx, const char *name, const char *value)
{
	GString *g = ctx;

	(void)value;
	/* Links are summed up below rather than listed attribute by attribute. */
	if (strncmp(name, "link.", 5) == 0 || strncmp(name, "linkdefaults.", 13) == 0)
		return;
	g_string_append_printf(g, "%s, ", name);
}

/* The valid names, compactly, for the error about an unknown one. */
static char *
valid_names(const struct scenario *s)
{
	GString *g = g_string_new(NULL);
	GString *attrs = g_string_new("{");

	for (int i = 0; i < LA_COUNT; i++)
		g_string_append_printf(attrs, "%s%s", i ? "," : "", scn_lattr_name(i));
	g_string_append_c(attrs, '}');
	scn_params_foreach(s, add_name, g);
	g_string_append_printf(g, "linkdefaults.%s", attrs->str);
	if (s->links->len) {
		g_string_append_printf(g, ", link.<name>.%s with <name> one of: ", attrs->str);
		for (guint i = 0; i < s->links->len; i++) {
			struct scn_link *l = g_ptr_array_index(s->links, i);

			g_string_append_printf(g, "%s%s", i ? ", " : "", l->name);
		}
	}
	g_string_free(attrs, TRUE);
	return g_string_free(g, FALSE);
}

/*
 * Every override no parameter took replaces the value it names, in the
 * order the names first appeared; then the first name that named
 * nothing is refused, with the names there are.
 */
int
scn_overrides_bind(struct scn_ld *ld)
{
	struct scenario *s = ld->s;
	char *names;

	for (guint i = 0; i < ld->ovr->len; i++) {
		struct scn_ovr *o = g_ptr_array_index(ld->ovr, i);
		struct scn_val *v;

		if (o->used || !(v = override_target(s, o->name)))
			continue;
		g_free(v->raw);
		g_free(v->origin);
		v->raw = g_strdup(o->value);
		v->origin = g_strdup(o->origin);
		v->file = NULL;
		v->line = 0;
		o->used = true;
	}
	for (guint i = 0; i < ld->ovr->len; i++) {
		struct scn_ovr *o = g_ptr_array_index(ld->ovr, i);

		if (o->used)
			continue;
		names = valid_names(s);
		scn_error(ld, NULL, 0, "--set %s: unknown parameter; valid names: %s", o->name,
			  names);
		g_free(names);
		return -1;
	}
	return 0;
}
