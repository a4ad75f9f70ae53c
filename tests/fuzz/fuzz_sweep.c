/*
 * fuzz_sweep.c - sweep descriptions (sweep/sweep_desc.c, sweep/sweep.xsd,
 * doc/sweeps.md): the schema, the values, ranges and tuples, the
 * expressions of <skip> and <plot where=>, and the expansion into a
 * plan with its CSV and the argument vector of each run.
 *
 * sw_desc_load takes a path: the input is written to the harness's
 * temporary folder.  Plans larger than PLAN_MAX runs are not expanded:
 * the loader allows a million, which would only make the fuzzer slow.
 */
#include <glib.h>

#include "sweep/sweep.h"
#include "tests/fuzz/fuzz.h"

#define PLAN_MAX	20000

/* The number of runs the plan will have before <skip>: groups x seeds x runs. */
static double
plan_size(const struct sw_desc *d)
{
	double n = MAX(d->seeds->len, 1) * (double)MAX(d->runs->len, 1);

	for (int g = 0; g <= d->ngroups; g++)
		for (guint i = 0; i < d->params->len; i++) {
			const struct sw_param *p = g_ptr_array_index(d->params, i);

			if (p->group == g) {
				n *= p->values->len;
				break;
			}
		}
	return n;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sw_desc *d;
	struct sw_plan *pl;
	char *path = fuzz_write("fuzz-sweep.xml", data, size);

	d = sw_desc_load(path, NULL);
	g_free(path);
	if (!d) {
		fuzz_verdict = FUZZ_REJECTED;
		return 0;
	}
	fuzz_verdict = FUZZ_ACCEPTED;
	FUZZ_CHECK(d->name && d->scenario && g_path_is_absolute(d->scenario));
	if (plan_size(d) <= PLAN_MAX && (pl = sw_plan_build(d))) {
		GPtrArray *cols = sw_plan_columns(pl);
		char *csv = sw_plan_csv(pl);

		FUZZ_CHECK(csv != NULL);
		for (size_t i = 0; i < pl->n && i < 16; i++) {
			char **argv = sw_run_argv(pl, (unsigned)i, "/nonexistent/out");
			char *id = sw_run_id(pl, (unsigned)i);

			FUZZ_CHECK(argv && argv[0]);
			for (guint c = 0; c < cols->len; c++)
				FUZZ_CHECK(sw_run_column(pl, &pl->runs[i], c) != NULL);
			g_strfreev(argv);
			g_free(id);
		}
		g_free(csv);
		g_ptr_array_free(cols, TRUE);
		sw_plan_free(pl);
	}
	sw_desc_free(d);
	return 0;
}
