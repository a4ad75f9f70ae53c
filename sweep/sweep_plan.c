/*
 * sweep_plan.c - from a description to its plan: the check against the
 * base scenario, the expansion into numbered runs, and what names each
 * run (its columns, its command, plan.csv).
 *
 * The plan is the identity of a sweep: the same description expands to
 * the same runs in the same order, so run i is the same run whichever
 * engine starts it and however often the sweep is resumed.  Parameters
 * expand as a product, the first one declared outermost; the params of
 * a <tuple> step together; then <skip> constraints drop combinations;
 * the repetitions (seeds, then run numbers) are innermost.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entities/registry.h"
#include "scenario/scenario.h"
#include "sweep/sweep_int.h"

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
		fprintf(stderr, "%s: cannot register the entity classes\n", log_prog());
		return -1;
	}
	err[0] = '\0';
	scn = scenario_load(d->scenario, NULL, 0, err, sizeof(err));
	if (!scn) {
		fprintf(stderr, "%s\n", err[0] ? err : "cannot load the scenario");
		sw_desc_error(d->path, 0, "the base scenario %s does not load", d->scenario);
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
			sw_desc_error(d->path, p->line, "param \"%s\": unknown parameter of %s, and no "
				   "<set> uses ${%s}; valid names: %s", p->name, d->scenario,
				   p->name, valid->str);
			errors++;
		}
	}
	for (guint j = 0; j < d->sets->len; j++) {
		struct sw_set *s = g_ptr_array_index(d->sets, j);
		struct sw_param *p = sw_desc_param(d, s->name);

		if (!name_in(names, s->name)) {
			sw_desc_error(d->path, s->line, "<set name=\"%s\">: unknown parameter of %s; "
				   "valid names: %s", s->name, d->scenario, valid->str);
			errors++;
		} else if (p && p->direct) {
			sw_desc_error(d->path, s->line, "<set name=\"%s\">: the swept param of that "
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
					sw_desc_error(d->path, pt->line, "plot %s: where: %s", pt->name, err);
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
						sw_desc_error(d->path, pt->line, "plot %s: param \"%s\" takes "
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
			sw_desc_error(d->path, pt->line, "plot %s: no run satisfies where", pt->name);
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
				sw_desc_error(d->path, g_array_index(d->skip_lines, int, k),
					   "skip when: %s", err);
				g_free(vals);
				goto fail;
			}
			skip = v;
		}
		for (size_t s = 0; !skip && s < d->seeds->len; s++)
			for (size_t r = 0; r < d->runs->len; r++) {
				struct sw_run run = { 0 };

				if (runs->len >= SW_MAX_RUNS) {
					sw_desc_error(d->path, 0, "the sweep has more than %u runs",
						   SW_MAX_RUNS);
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
		sw_desc_error(d->path, 0, "every combination is skipped: the sweep has no run");
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
