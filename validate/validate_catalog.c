/*
 * validate_catalog.c - the catalog of D4.3's validation tables: for each
 * evaluator, the table it rebuilds, D4.3's categories in their order,
 * each test with its category and the number of rows it owes, and the
 * programs the evaluator needs besides cometsim; then what --only
 * selects of it, and --list.
 *
 * An evaluator the catalog does not know still runs: its rows are shown
 * under its own categories, and its tests are known only once it ran.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "validate/validate_int.h"

/* ---- the tables ---- */

#define VD_TSHARK	{ "TSHARK", "tshark", "tshark" }

const struct vd_table vd_catalog[] = {
	{ "stateless", "Stateless CAFE", "D4.3 section 5.4.2",
	  { "CAFE Agent", "CAFE intercept", "CAFE forward" },
	  { { .test = 1, .cat = 0, .origin = VD_ORIGIN_TABLE },
	    { .test = 2, .cat = 1, .origin = VD_ORIGIN_TABLE },
	    { .test = 3, .cat = 2, .origin = VD_ORIGIN_TABLE },
	    { .test = 4, .cat = 2, .origin = VD_ORIGIN_TABLE },
	    { .test = 5, .cat = 2, .origin = VD_ORIGIN_TABLE },
	    { .test = 6, .cat = 2, .origin = VD_ORIGIN_TABLE },
	    { .test = 7, .cat = 2, .origin = VD_ORIGIN_TABLE } }, 7,
	  { VD_TSHARK } },
	{ "curling", "Coupled approach", "D4.3 section 6.4.2",
	  { "Content State Installation", "Content Delivery" },
	  { { .test = 1, .cat = 0, .origin = VD_ORIGIN_TABLE },
	    { .test = 2, .cat = 0, .origin = VD_ORIGIN_TABLE },
	    { .test = 3, .cat = 1, .origin = VD_ORIGIN_TABLE },
	    { .test = 4, .cat = 1, .origin = VD_ORIGIN_TABLE } }, 4,
	  { VD_TSHARK, { NULL, "mergecap", "wireshark-common" } } },
	/*
	 * One row per check: the number of checks of each test.  D4.3 plans
	 * tests 1 to 3 (section 4.4.1) but gives no table of results; tests 4
	 * to 6 are the project's: ties in the decision, lossy control links,
	 * ttl_value as TTL security.  Tests 7 and 8 are two functions the
	 * same plan says its tests are to verify ("updating of provisioning
	 * information and reset/unavailability of RAE") without a test case
	 * of their own: the project's reading of the plan, as 1 to 3 are.
	 */
	{ "rae", "Routing Awareness Entity",
	  "D4.3 section 4.4.1 (tests 1 to 3, 7 and 8); tests 4 to 6 the project's",
	  { "single-domain", "multi-domain", "stress-test", "decision ties", "lossy control links",
	    "ttl_value", "provisioning update", "RAE reset" },
	  { { .test = 1, .cat = 0, .rows = 3, .origin = VD_ORIGIN_PLAN },
	    { .test = 2, .cat = 1, .rows = 7, .origin = VD_ORIGIN_PLAN },
	    { .test = 3, .cat = 2, .rows = 3, .origin = VD_ORIGIN_PLAN },
	    { .test = 4, .cat = 3, .rows = 3 },
	    { .test = 5, .cat = 4, .rows = 3 },
	    { .test = 6, .cat = 5, .rows = 2 },
	    { .test = 7, .cat = 6, .rows = 4, .origin = VD_ORIGIN_PLAN },
	    { .test = 8, .cat = 7, .rows = 4, .origin = VD_ORIGIN_PLAN } }, 8,
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

const size_t vd_ncatalog = G_N_ELEMENTS(vd_catalog);

const char *
vd_row_origin(const struct vd_eval *e, const struct vd_row *r)
{
	static const char *const names[] = {
		[VD_ORIGIN_OWN] = "project",
		[VD_ORIGIN_TABLE] = "D4.3 table",
		[VD_ORIGIN_PLAN] = "D4.3 test plan",
	};
	char *end;
	long t;

	if (!e->tab || !r->test)
		return names[VD_ORIGIN_OWN];
	t = strtol(r->test, &end, 10);
	if (end == r->test || *end)
		return names[VD_ORIGIN_OWN];
	for (size_t i = 0; i < e->tab->ntests; i++)
		if (e->tab->tests[i].test == t)
			return names[e->tab->tests[i].origin];
	return names[VD_ORIGIN_OWN];
}

char *
vd_eval_title(const struct vd_eval *e)
{
	if (e->tab)
		return g_strdup_printf("%s: %s", e->tab->title, e->tab->source);
	return g_strdup(e->name);
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

bool
vd_selects(const struct vd *v, const char *ev, const char *cat, const char *ev_cat,
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

const struct vd_table *
vd_catalog_find(const char *name)
{
	for (size_t i = 0; i < vd_ncatalog; i++)
		if (strcmp(vd_catalog[i].evaluator, name) == 0)
			return &vd_catalog[i];
	return NULL;
}

/* Decide what runs of e: all of it, some tests, or nothing. */
void
vd_eval_select(struct vd *v, struct vd_eval *e)
{
	char num[16];

	e->state = VD_SKIPPED;
	if (v->pats->len == 0 || vd_selects(v, e->name, NULL, NULL, NULL)) {
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
		if (!t->missing && vd_selects(v, e->name, e->tab->cats[t->cat], NULL, num))
			g_array_append_val(e->tests, t->test);
	}
	if (e->tests->len > 0) {
		e->postfilter = true;
		e->state = VD_NOT_RUN;
	}
}


/* ---- --list ---- */

void
vd_print_list(const struct vd *v)
{
	for (guint i = 0; i < v->evals->len; i++) {
		const struct vd_eval *e = v->evals->pdata[i];
		char *title = vd_eval_title(e);

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

