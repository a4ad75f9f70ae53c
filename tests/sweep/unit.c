/*
 * unit.c - CUnit tests of the sweep module's code that does not run
 * anything (libsweep.a: sweep_stats.c, sweep_expr.c, sweep_desc.c,
 * sweep_plan.c, sweep_text.c, sweep_out.c): Student's t against the
 * published table and the statistics of a point, the constraint
 * expressions, exact decimal ranges, the plan's order with tuples, skips
 * and repetitions, the CSV reader and writer, summary.json read by
 * json-glib (flattened, metric selection, the mark of a finished run),
 * shell quoting.  The scripts beside it test the sweeps themselves.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "sweep/sweep.h"

static char *tmpdir;

static char *
write_file(const char *name, const char *text)
{
	char *path = g_build_filename(tmpdir, name, NULL);

	g_file_set_contents(path, text, -1, NULL);
	return path;
}

/* ---- Student's t, the statistics of a point ---- */

static void
test_t_table(void)
{
	/*
	 * The published table of Student's t, two-sided critical values, to
	 * three decimals: alpha 0.05 (95%) and 0.01 (99%).  The last line is
	 * the normal limit (z 1.960 and 2.576), which t must reach as df
	 * grows: a million degrees of freedom are within 0.0005 of it.
	 */
	static const struct {
		unsigned df;
		double t95, t99;
	} tab[] = {
		{ 1, 12.706, 63.657 },
		{ 2, 4.303, 9.925 },
		{ 3, 3.182, 5.841 },
		{ 5, 2.571, 4.032 },
		{ 10, 2.228, 3.169 },
		{ 30, 2.042, 2.750 },
		{ 100, 1.984, 2.626 },
		{ 1000000, 1.960, 2.576 },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(tab); i++) {
		double t95 = sw_t_crit(0.05, tab[i].df), t99 = sw_t_crit(0.01, tab[i].df);

		if (fabs(t95 - tab[i].t95) > 0.0005 || fabs(t99 - tab[i].t99) > 0.0005)
			fprintf(stderr, "df %u: t95 %.4f (table %.3f), t99 %.4f (table %.3f)\n",
				tab[i].df, t95, tab[i].t95, t99, tab[i].t99);
		CU_ASSERT_DOUBLE_EQUAL(t95, tab[i].t95, 0.0005);
		CU_ASSERT_DOUBLE_EQUAL(t99, tab[i].t99, 0.0005);
	}
	CU_ASSERT(isnan(sw_t_crit(0.05, 0)));
}

static void
test_point_stats(void)
{
	static const double four[] = { 1, 2, 3, 4 }, one[] = { 5 }, same[] = { 0.1, 0.1, 0.1 };
	double mean, sd, ci;

	sw_stats_mean_ci(four, 4, &mean, &sd, &ci);
	CU_ASSERT_DOUBLE_EQUAL(mean, 2.5, 1e-12);
	CU_ASSERT_DOUBLE_EQUAL(sd, sqrt(5.0 / 3), 1e-12);
	/* t(0.05, 3) s / sqrt(4), t from the table: 3.182 */
	CU_ASSERT_DOUBLE_EQUAL(ci, 3.182 * sqrt(5.0 / 3) / 2, 0.001);
	/* One repetition: the mean alone. */
	sw_stats_mean_ci(one, 1, &mean, &sd, &ci);
	CU_ASSERT_DOUBLE_EQUAL(mean, 5, 0);
	CU_ASSERT_DOUBLE_EQUAL(sd, 0, 0);
	CU_ASSERT_DOUBLE_EQUAL(ci, 0, 0);
	/* Equal values: no interval at all, not rounding noise. */
	sw_stats_mean_ci(same, 3, &mean, &sd, &ci);
	CU_ASSERT_EQUAL(sd, 0);
	CU_ASSERT_EQUAL(ci, 0);
}

/* ---- expressions ---- */

static const char *
vars(void *ctx, const char *name)
{
	static const char *const kv[][2] = {
		{ "loss", "0.05" }, { "delay", "10" }, { "mode", "fast" },
		{ "link.r1-r2.delay", "5ms" }, { "count", "100" }, { "size", "20" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(kv); i++)
		if (strcmp(kv[i][0], name) == 0)
			return kv[i][1];
	return NULL;
}

static int
eval(const char *text)
{
	char err[256];
	struct sw_expr *e = sw_expr_parse(text, err, sizeof(err));
	int v;

	if (!e)
		return -2;
	v = sw_expr_eval(e, vars, NULL, err, sizeof(err));
	sw_expr_free(e);
	return v;
}

static void
test_expr(void)
{
	CU_ASSERT_EQUAL(eval("loss == 0.05 and delay == 10"), 1);
	CU_ASSERT_EQUAL(eval("loss > 0.05 or delay < 10"), 0);
	CU_ASSERT_EQUAL(eval("loss gt 0.01 && delay le 10"), 1);
	CU_ASSERT_EQUAL(eval("not (mode = 'fast')"), 0);
	CU_ASSERT_EQUAL(eval("!(mode != \"slow\")"), 0);
	CU_ASSERT_EQUAL(eval("${link.r1-r2.delay} == '5ms'"), 1);
	CU_ASSERT_EQUAL(eval("count * size <= 2000"), 1);
	CU_ASSERT_EQUAL(eval("count * size < 2000"), 0);
	CU_ASSERT_EQUAL(eval("count / size - 5 == 0 and count % 30 == 10"), 1);
	CU_ASSERT_EQUAL(eval("-1 < 0 and -delay == -10"), 1);
	CU_ASSERT_EQUAL(eval("1 + 2 * 3 == 7"), 1);
	CU_ASSERT_EQUAL(eval("(1 + 2) * 3 == 9"), 1);
	CU_ASSERT_EQUAL(eval("true and not false"), 1);
	/* Numbers compare as numbers, text as text. */
	CU_ASSERT_EQUAL(eval("delay == 10.0"), 1);
	CU_ASSERT_EQUAL(eval("delay == '10.0'"), 0);
	CU_ASSERT_EQUAL(eval("mode > 'abc'"), 1);
	/* Errors at evaluation. */
	CU_ASSERT_EQUAL(eval("mode + 1 > 0"), -1);
	CU_ASSERT_EQUAL(eval("delay / 0 > 0"), -1);
	CU_ASSERT_EQUAL(eval("nosuch == 1"), -1);
	/* Errors at parsing. */
	CU_ASSERT_EQUAL(eval("loss =="), -2);
	CU_ASSERT_EQUAL(eval("(loss == 1"), -2);
	CU_ASSERT_EQUAL(eval("loss delay"), -2);
	CU_ASSERT_EQUAL(eval("'open"), -2);
	CU_ASSERT_EQUAL(eval(""), -2);
}

/* ---- descriptions: ranges, tuples, skips, the plan ---- */

static char *
values_of(const struct sw_desc *d, const char *param)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < d->params->len; i++) {
		struct sw_param *p = g_ptr_array_index(d->params, i);

		if (strcmp(p->name, param) != 0)
			continue;
		for (guint j = 0; j < p->values->len; j++)
			g_string_append_printf(s, "%s%s", j ? " " : "",
					       (char *)g_ptr_array_index(p->values, j));
	}
	return g_string_free(s, FALSE);
}

static void
test_ranges(void)
{
	char *path = write_file("ranges.xml",
		"<sweep scenario='x.xml'>\n"
		"  <metric name='m' select='events'/>\n"
		"  <param name='a'><range from='0.1' to='0.3' step='0.1'/></param>\n"
		"  <param name='b'><range from='0' to='0.1' step='0.025'/></param>\n"
		"  <param name='c'><range from='5' to='-1' step='-2'/></param>\n"
		"  <param name='d'><range from='1' to='100' factor='3'/></param>\n"
		"  <param name='e' values=' x  y '><value> bernoulli 0.1 </value>"
		"<range from='1' to='2'/></param>\n"
		"  <param name='f'><range from='0' to='1' step='0.3'/></param>\n"
		"</sweep>\n");
	struct sw_desc *d = sw_desc_load(path, NULL);
	char *v;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	v = values_of(d, "a");
	CU_ASSERT_STRING_EQUAL(v, "0.1 0.2 0.3");	/* exact: no 0.30000000000000004 */
	g_free(v);
	v = values_of(d, "b");
	CU_ASSERT_STRING_EQUAL(v, "0 0.025 0.05 0.075 0.1");
	g_free(v);
	v = values_of(d, "c");
	CU_ASSERT_STRING_EQUAL(v, "5 3 1 -1");
	g_free(v);
	v = values_of(d, "d");
	CU_ASSERT_STRING_EQUAL(v, "1 3 9 27 81");
	g_free(v);
	v = values_of(d, "e");
	CU_ASSERT_STRING_EQUAL(v, "x y bernoulli 0.1 1 2");
	g_free(v);
	v = values_of(d, "f");
	CU_ASSERT_STRING_EQUAL(v, "0 0.3 0.6 0.9");	/* stops before passing `to` */
	g_free(v);
	CU_ASSERT_STRING_EQUAL(d->name, "ranges");
	CU_ASSERT(g_path_is_absolute(d->scenario));
	sw_desc_free(d);
	g_free(path);

	/*
	 * factor is an integer and scale a real number of the one grammar
	 * (sim/units.c): exact, and every other form refused.
	 */
	path = write_file("scale.xml",
		"<sweep scenario='x.xml'>\n"
		"  <metric name='m' select='events' scale='1e-6'/>\n"
		"  <metric name='n' select='events' scale='0.000001'/>\n"
		"  <metric name='p' select='events' scale='1e+2'/>\n"
		"  <param name='a'><range from='1' to='8' factor='02'/></param>\n"
		"</sweep>\n");
	d = sw_desc_load(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	CU_ASSERT(((struct sw_metric *)g_ptr_array_index(d->metrics, 0))->scale == 1e-6);
	CU_ASSERT(((struct sw_metric *)g_ptr_array_index(d->metrics, 1))->scale == 1e-6);
	CU_ASSERT(((struct sw_metric *)g_ptr_array_index(d->metrics, 2))->scale == 100);
	v = values_of(d, "a");
	CU_ASSERT_STRING_EQUAL(v, "1 2 4 8");
	g_free(v);
	sw_desc_free(d);
	g_free(path);
	{
		/* Each: the metric's extra attribute, the range's factor. */
		static const struct {
			const char *scale, *factor;
		} bad[] = {
			{ "scale='-1'", NULL }, { "scale='0'", NULL }, { "scale='1e-6x'", NULL },
			{ "scale='1 e-6'", NULL }, { "scale='1e999'", NULL }, { "scale='nan'", NULL },
			{ "scale='0x10'", NULL },
			{ "", "'1'" }, { "", "'+3'" }, { "", "'3.0'" }, { "", "'1000001'" },
			{ "", "' 3'" },
		};

		for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
			char *x = g_strdup_printf("<sweep scenario='x.xml'>\n"
						  "  <metric name='m' select='events' %s/>\n"
						  "  <param name='a'><range from='1' to='9' factor=%s/>"
						  "</param>\n</sweep>\n", bad[i].scale,
						  bad[i].factor ? bad[i].factor : "'3'");

			path = write_file("bad-number.xml", x);
			d = sw_desc_load(path, NULL);
			if (d)
				fprintf(stderr, "\n  %s%s accepted\n", bad[i].scale,
					bad[i].factor ? bad[i].factor : "");
			CU_ASSERT_PTR_NULL(d);
			sw_desc_free(d);
			g_free(path);
			g_free(x);
		}
	}

	/* A step away from `to` never ends: refused. */
	path = write_file("bad-range.xml",
		"<sweep scenario='x.xml'>\n"
		"  <metric name='m' select='events'/>\n"
		"  <param name='a'><range from='0' to='1' step='-1'/></param>\n"
		"</sweep>\n");
	CU_ASSERT_PTR_NULL(sw_desc_load(path, NULL));
	g_free(path);
	/* Nor does a factor from above `to`: refused, not one value past it. */
	path = write_file("bad-range.xml",
		"<sweep scenario='x.xml'>\n"
		"  <metric name='m' select='events'/>\n"
		"  <param name='a'><range from='10' to='5' factor='2'/></param>\n"
		"</sweep>\n");
	CU_ASSERT_PTR_NULL(sw_desc_load(path, NULL));
	g_free(path);
}

static void
test_plan(void)
{
	char *path = write_file("plan.xml",
		"<sweep name='p' scenario='x.xml'>\n"
		"  <metric name='m' select='events'/>\n"
		"  <param name='a' values='1 2'/>\n"
		"  <tuple><param name='b' values='10 20 30'/>"
		"<param name='c' values='x y z'/></tuple>\n"
		"  <set name='link.l.delay' value='${a}ms/${c}'/>\n"
		"  <skip when='a == 2 and b &gt;= 20'/>\n"
		"  <repetitions seeds='7 8' runs='1..2'/>\n"
		"</sweep>\n");
	struct sw_desc *d = sw_desc_load(path, NULL);
	struct sw_plan *pl;
	char *csv, **argv, *cmd;

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	/* What sw_desc_check_scenario would decide with a scenario that has a, b, c. */
	for (guint i = 0; i < d->params->len; i++)
		((struct sw_param *)g_ptr_array_index(d->params, i))->direct = true;
	pl = sw_plan_build(d);
	CU_ASSERT_PTR_NOT_NULL_FATAL(pl);
	/* (2 x 3 - 2 skipped) combinations x 2 seeds x 2 runs */
	CU_ASSERT_EQUAL(pl->n, 16);
	csv = sw_plan_csv(pl);
	CU_ASSERT(g_str_has_prefix(csv,
		"run_id,a,b,c,link.l.delay,seed,run\n"
		"0000,1,10,x,1ms/x,7,1\n"
		"0001,1,10,x,1ms/x,7,2\n"
		"0002,1,10,x,1ms/x,8,1\n"
		"0003,1,10,x,1ms/x,8,2\n"
		"0004,1,20,y,1ms/y,7,1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\n0012,2,10,x,2ms/x,7,1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(csv, "\n0015,2,10,x,2ms/x,8,2\n"));
	CU_ASSERT_PTR_NULL(strstr(csv, ",2,20,"));
	argv = sw_run_argv(pl, 13, "/out/runs/0013");
	cmd = sw_shell_join(argv);
	CU_ASSERT(g_str_has_prefix(cmd, "run /") && g_str_has_suffix(cmd,
		"/x.xml --seed 7 --run 2 --set a=2 --set b=10 --set c=x "
		"--set link.l.delay=2ms/x --out /out/runs/0013 --quiet --pcap none"));
	g_free(cmd);
	g_strfreev(argv);
	g_free(csv);
	sw_plan_free(pl);
	sw_desc_free(d);
	g_free(path);
}

/* ---- CSV, shell quoting ---- */

static void
test_csv(void)
{
	GPtrArray *rows = sw_csv_parse("a,b,c\n1,\"x,y\",\"say \"\"hi\"\"\"\r\n2,,\n"
				       "3,\"two\nlines\",end");
	GPtrArray *r;
	GString *s = g_string_new(NULL);
	char *argv[] = { "run", "a b", "it's", "--set", "k=v", "", NULL }, *j;

	CU_ASSERT_PTR_NOT_NULL_FATAL(rows);
	CU_ASSERT_EQUAL_FATAL(rows->len, 4);
	r = g_ptr_array_index(rows, 1);
	CU_ASSERT_STRING_EQUAL(g_ptr_array_index(r, 1), "x,y");
	CU_ASSERT_STRING_EQUAL(g_ptr_array_index(r, 2), "say \"hi\"");
	r = g_ptr_array_index(rows, 2);
	CU_ASSERT_EQUAL(r->len, 3);
	CU_ASSERT_STRING_EQUAL(g_ptr_array_index(r, 2), "");
	r = g_ptr_array_index(rows, 3);
	CU_ASSERT_STRING_EQUAL(g_ptr_array_index(r, 1), "two\nlines");
	CU_ASSERT_STRING_EQUAL(g_ptr_array_index(r, 2), "end");
	g_ptr_array_free(rows, TRUE);
	CU_ASSERT_PTR_NULL(sw_csv_parse("a,\"unterminated\n"));

	sw_csv_field(s, "plain");
	g_string_append_c(s, ',');
	sw_csv_field(s, "with,comma and \"quote\"");
	CU_ASSERT_STRING_EQUAL(s->str, "plain,\"with,comma and \"\"quote\"\"\"");
	g_string_free(s, TRUE);

	j = sw_shell_join(argv);
	CU_ASSERT_STRING_EQUAL(j, "run 'a b' 'it'\\''s' --set k=v ''");
	g_free(j);
}

/* ---- summary.json, counters.csv, metrics ---- */

static struct sw_metric *
metric(const char *select, enum sw_agg agg, double scale)
{
	struct sw_metric *m = g_new0(struct sw_metric, 1);
	const char *a = strchr(select, ':'), *b = strrchr(select, ':');

	m->name = g_strdup("m");
	m->select = g_strdup(select);
	m->agg = agg;
	m->has_scale = scale != 0;
	m->scale = scale;
	if (a) {
		m->counter = true;
		m->kind = g_strndup(select, (gsize)(a - select));
		m->oname = g_strndup(a + 1, (gsize)(b - a - 1));
		m->cname = g_strdup(b + 1);
	}
	return m;
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

/* The value of a selection, or "(none)", or "(error)". */
static char *
value(const struct sw_outputs *o, const char *select, enum sw_agg agg, double scale)
{
	struct sw_metric *m = metric(select, agg, scale);
	char *v = NULL, err[256];
	int rc = sw_metric_value(m, o, &v, err, sizeof(err));

	metric_free(m);
	if (rc == 0)
		return g_strdup("(none)");
	if (rc < 0)
		return g_strdup("(error)");
	return v;
}

#define CHECK_VALUE(o, sel, agg, scale, want) do { \
		char *v_ = value(o, sel, agg, scale); \
		CU_ASSERT_STRING_EQUAL(v_, want); \
		g_free(v_); \
	} while (0)

static void
test_metrics(void)
{
	char *dir = g_build_filename(tmpdir, "run", NULL), *p;
	struct sw_outputs *o;

	g_mkdir(dir, 0777);
	p = g_build_filename(dir, "summary.json", NULL);
	g_file_set_contents(p,
		"{\n  \"scenario\": \"s\\\"q\\u00e9\",\n  \"seed\": 3,\n  \"wall_s\": 0.25,\n"
		"  \"status\": \"complete\",\n  \"drops\": {\n    \"loss\": 7,\n    \"ttl\": 1\n  },\n"
		"  \"totals\": {\n    \"frames_sent\": 9223372036854775807\n  },\n"
		"  \"pcap_files\": [\n    \"a.pcap\"\n  ],\n  \"empty\": {}\n}\n", -1, NULL);
	g_free(p);
	p = g_build_filename(dir, "counters.csv", NULL);
	g_file_set_contents(p,
		"kind,name,counter,value\n"
		"iface,r1:eth1,tx_frames,10\n"
		"iface,r1:eth1,drop_queue_full,2\n"
		"link,\"a,b\",tx_frames,5\n"
		"recv,h2/recv0,received,95\n"
		"recv,h2/recv0,delay_avg_ns,7500000\n"
		"recv,h2/recv1,received,90\n"
		"recv,h3/recv0,received,1\n", -1, NULL);
	g_free(p);
	o = sw_outputs_read(dir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(o);
	CU_ASSERT(sw_outputs_complete(o));

	CHECK_VALUE(o, "seed", SW_AGG_SUM, 0, "3");
	CHECK_VALUE(o, "scenario", SW_AGG_SUM, 0, "s\"q\xc3\xa9");
	CHECK_VALUE(o, "drops.loss", SW_AGG_SUM, 0, "7");
	CHECK_VALUE(o, "drops.*", SW_AGG_SUM, 0, "8");
	CHECK_VALUE(o, "drops.*", SW_AGG_COUNT, 0, "2");
	/* The largest integer json-glib keeps exact. */
	CHECK_VALUE(o, "totals.frames_sent", SW_AGG_SUM, 0, "9223372036854775807");
	CHECK_VALUE(o, "pcap_files.0", SW_AGG_SUM, 0, "a.pcap");
	CHECK_VALUE(o, "wall_s", SW_AGG_SUM, 1000, "250");
	CHECK_VALUE(o, "drops.nosuch", SW_AGG_SUM, 0, "(none)");
	CHECK_VALUE(o, "scenario", SW_AGG_SUM, 2, "(error)");

	CHECK_VALUE(o, "iface:r1:eth1:tx_frames", SW_AGG_SUM, 0, "10");
	CHECK_VALUE(o, "link:a,b:tx_frames", SW_AGG_SUM, 0, "5");
	CHECK_VALUE(o, "recv:h2/*:received", SW_AGG_SUM, 0, "185");
	CHECK_VALUE(o, "recv:h2/*:received", SW_AGG_MEAN, 0, "92.5");
	CHECK_VALUE(o, "recv:*:received", SW_AGG_MIN, 0, "1");
	CHECK_VALUE(o, "recv:*:received", SW_AGG_MAX, 0, "95");
	CHECK_VALUE(o, "recv:*:received", SW_AGG_COUNT, 0, "3");
	CHECK_VALUE(o, "recv:h2/recv0:delay_avg_ns", SW_AGG_SUM, 0.000001, "7.5");
	/* Drops left out of counters.csv are zero, when the object is there. */
	CHECK_VALUE(o, "iface:r1:eth1:drop_loss", SW_AGG_SUM, 0, "0");
	CHECK_VALUE(o, "iface:r1:eth1:drop_queue_full", SW_AGG_SUM, 0, "2");
	CHECK_VALUE(o, "iface:r9:eth1:drop_loss", SW_AGG_SUM, 0, "(none)");
	CHECK_VALUE(o, "recv:h9/recv0:received", SW_AGG_SUM, 0, "(none)");

	p = sw_outputs_describe(o);
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "recv:h2/recv0:{received,delay_avg_ns}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(p, "drops.loss"));
	g_free(p);
	sw_outputs_free(o);

	/* An interrupted run is not complete; a broken summary is no summary. */
	p = g_build_filename(dir, "summary.json", NULL);
	g_file_set_contents(p, "{ \"status\": \"interrupted\" }", -1, NULL);
	o = sw_outputs_read(dir);
	CU_ASSERT(o && !sw_outputs_complete(o));
	sw_outputs_free(o);
	g_file_set_contents(p, "{ \"status\": \"comp", -1, NULL);
	CU_ASSERT_PTR_NULL(sw_outputs_read(dir));
	g_free(p);
	g_free(dir);
}

/* What summary.json says about the run, as the sweep reads it. */
static bool
complete_with(const char *text)
{
	char *dir = g_build_filename(tmpdir, "mark", NULL), *p;
	bool ok;

	g_mkdir(dir, 0777);
	p = g_build_filename(dir, "summary.json", NULL);
	if (text)
		g_file_set_contents(p, text, -1, NULL);
	else
		g_unlink(p);
	ok = sw_summary_complete(dir);
	g_free(p);
	g_free(dir);
	return ok;
}

static void
test_complete(void)
{
	/* The layout json-glib writes, and the one of earlier builds. */
	CU_ASSERT(complete_with("{\n  \"scenario\" : \"s\",\n  \"status\" : \"complete\"\n}\n"));
	CU_ASSERT(complete_with("{\n  \"scenario\": \"s\",\n  \"status\": \"complete\"\n}\n"));
	CU_ASSERT(complete_with("{\"status\":\"complete\",\"x\":[1,{\"y\":2}]}"));
	CU_ASSERT_FALSE(complete_with("{\"status\": \"interrupted\"}"));
	CU_ASSERT_FALSE(complete_with("{\"status\": \"event_limit\"}"));
	/* Only the top-level status counts, and only a string. */
	CU_ASSERT_FALSE(complete_with("{\"run\": {\"status\": \"complete\"}}"));
	CU_ASSERT_FALSE(complete_with("{\"status\": [\"complete\"]}"));
	CU_ASSERT_FALSE(complete_with("[\"status\", \"complete\"]"));
	/* Half a file, no file. */
	CU_ASSERT_FALSE(complete_with("{\"status\": \"complete\""));
	CU_ASSERT_FALSE(complete_with(NULL));
}

int
main(void)
{
	CU_pSuite s;
	unsigned failed;

	tmpdir = g_dir_make_tmp("sweep-unit-XXXXXX", NULL);
	if (!tmpdir || CU_initialize_registry() != CUE_SUCCESS)
		return 99;
	s = CU_add_suite("sweep", NULL, NULL);
	CU_add_test(s, "Student t against the published table", test_t_table);
	CU_add_test(s, "mean, s and interval of a point", test_point_stats);
	CU_add_test(s, "expressions", test_expr);
	CU_add_test(s, "exact decimal ranges", test_ranges);
	CU_add_test(s, "plan: tuples, skips, repetitions, commands", test_plan);
	CU_add_test(s, "CSV and shell quoting", test_csv);
	CU_add_test(s, "summary.json, counters.csv and metrics", test_metrics);
	CU_add_test(s, "summary.json: the mark of a finished run", test_complete);
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	{
		char *cmd = g_strdup_printf("rm -rf '%s'", tmpdir);

		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
		g_free(cmd);
	}
	g_free(tmpdir);
	return failed ? 1 : 0;
}
