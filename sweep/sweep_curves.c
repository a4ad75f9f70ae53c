/*
 * sweep_curves.c - curves from a tidy CSV, drawn by gnuplot: the time
 * series of a run (its timeseries.csv, doc/outputs.md) and the empirical
 * CDF of a numeric column of any CSV with a header.
 *
 *   cometsim plot RUNDIR [--series NAME]... [--keys N] [--out DIR]
 *   cometsim plot --cdf COLUMN [--by COLUMN] [--out DIR] CSV
 *
 * Both come down to sw_curves_draw(): a set of curves (a title and its
 * points each) written as NAME.dat (a block per curve), NAME.gp (the
 * script) and, through gnuplot, NAME.png and NAME.svg, as the plots of a
 * sweep are (sweep_plot.c).  A new kind of plot of a CSV (the delivery
 * times of a requests file, say) only has to gather its curves.
 *
 * A time series plot has one curve per key, time on x; a series with more
 * keys than --keys (10 by default) shows those with the highest peaks
 * (the first seen among equal ones), and its title says how many it left
 * out.  A CDF has one curve per value of --by (or one), the values sorted
 * on x and the share of rows at or below each on y, as steps.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/fileio.h"
#include "sweep/sweep.h"
#include "sweep/sweep_int.h"

#define KEYS_DEFAULT	10

/* One curve: its title and points, in the order they are drawn. */
struct curve {
	char *title;
	GArray *x, *y;		/* double */
	double peak;		/* the largest y */
	guint seen;		/* first-seen rank, for ties */
};

static struct curve *
curve_new(const char *title, guint seen)
{
	struct curve *c = g_new0(struct curve, 1);

	c->title = g_strdup(title);
	c->x = g_array_new(FALSE, FALSE, sizeof(double));
	c->y = g_array_new(FALSE, FALSE, sizeof(double));
	c->peak = -INFINITY;
	c->seen = seen;
	return c;
}

static void
curve_free(gpointer p)
{
	struct curve *c = p;

	g_free(c->title);
	g_array_free(c->x, TRUE);
	g_array_free(c->y, TRUE);
	g_free(c);
}

static void
curve_add(struct curve *c, double x, double y)
{
	g_array_append_val(c->x, x);
	g_array_append_val(c->y, y);
	if (y > c->peak)
		c->peak = y;
}

/* The highest peak first; among equal peaks, the first seen. */
static gint
cmp_peak(gconstpointer a, gconstpointer b)
{
	const struct curve *x = *(struct curve *const *)a, *y = *(struct curve *const *)b;

	if (x->peak != y->peak)
		return x->peak > y->peak ? -1 : 1;
	return x->seen < y->seen ? -1 : (x->seen > y->seen);
}

/*
 * Write dir/NAME.dat and dir/NAME.gp for the curves and run gnuplot on
 * them (when there is one).  steps: draw as a staircase (a CDF) rather
 * than lines.  0, or -1 after printing why.
 */
static int
curves_draw(const char *dir, const char *name, const char *title, const char *xlabel,
	    const char *ylabel, GPtrArray *curves, bool steps, const char *gnuplot,
	    bool quiet)
{
	GString *dat = g_string_new(NULL), *gp = g_string_new(NULL);
	char *path;
	int rc = -1;

	g_string_append_printf(dat, "# %s.dat - written by cometsim: %s; a block per curve\n"
			       "# x\ty\n", name, title);
	for (guint k = 0; k < curves->len; k++) {
		const struct curve *c = g_ptr_array_index(curves, k);

		if (k)
			g_string_append(dat, "\n\n");
		g_string_append_printf(dat, "# %s\n", c->title);
		for (guint i = 0; i < c->x->len; i++) {
			sw_dat_num(dat, g_array_index(c->x, double, i));
			g_string_append_c(dat, '\t');
			sw_dat_num(dat, g_array_index(c->y, double, i));
			g_string_append_c(dat, '\n');
		}
	}
	path = g_strdup_printf("%s/%s.dat", dir, name);
	if (sw_write_atomic(path, dat->str, dat->len) != 0) {
		fprintf(stderr, "%s: %s: %s\n", log_prog(), path, strerror(errno));
		goto done;
	}
	g_free(path);

	g_string_append_printf(gp, "# %s.gp - written by cometsim: \"gnuplot %s.gp\" in this "
			       "folder draws %s.png and %s.svg from %s.dat\n", name, name, name,
			       name, name);
	g_string_append(gp, "set datafile separator '\\t'\nset title ");
	sw_gp_str(gp, title);
	g_string_append(gp, "\nset xlabel ");
	sw_gp_str(gp, xlabel);
	g_string_append(gp, "\nset ylabel ");
	sw_gp_str(gp, ylabel);
	g_string_append(gp, "\nset grid\nset key outside right top\n");
	if (steps)
		g_string_append(gp, "set yrange [0:1]\n");
	g_string_append_printf(gp, "set terminal pngcairo size 960,600 noenhanced\n"
			       "set output '%s.png'\nplot ", name);
	for (guint k = 0; k < curves->len; k++) {
		const struct curve *c = g_ptr_array_index(curves, k);

		if (k)
			g_string_append(gp, ", \\\n     ");
		if (k == 0)
			g_string_append_printf(gp, "'%s.dat'", name);
		else
			g_string_append(gp, "''");
		/* A curve of one point has no line to draw: a mark shows it. */
		g_string_append_printf(gp, " index %u using 1:2 with %s dashtype %u title ", k,
				       c->x->len == 1 ? "points pointtype 7 pointsize 1.5" :
				       steps ? "steps" : "lines", 1 + k % 5);
		sw_gp_str(gp, c->title);
	}
	g_string_append_printf(gp, "\nset terminal svg size 960,600 noenhanced\n"
			       "set output '%s.svg'\nreplot\nunset output\n", name);
	path = g_strdup_printf("%s/%s.gp", dir, name);
	if (sw_write_atomic(path, gp->str, gp->len) != 0) {
		fprintf(stderr, "%s: %s: %s\n", log_prog(), path, strerror(errno));
		goto done;
	}
	if (gnuplot) {
		if (sw_gnuplot(gnuplot, dir, name) != 0)
			goto done;
		if (!quiet)
			printf("plot: %s/%s.png %s/%s.svg\n", dir, name, dir, name);
	}
	rc = 0;
done:
	g_free(path);
	g_string_free(dat, TRUE);
	g_string_free(gp, TRUE);
	return rc;
}

/* The rows of a CSV with a header, and the index of each column. */
struct table {
	GPtrArray *rows;	/* row 0 the header */
	GHashTable *col;	/* name -> index + 1 */
};

static void
table_free(struct table *t)
{
	if (t->col)
		g_hash_table_destroy(t->col);
	if (t->rows)
		g_ptr_array_free(t->rows, TRUE);
}

static int
table_load(const char *path, struct table *t)
{
	char *text = fileio_text(path, NULL);
	GPtrArray *hdr;

	memset(t, 0, sizeof(*t));
	if (!text) {
		fprintf(stderr, "%s: %s: %s\n", log_prog(), path, strerror(errno));
		return -1;
	}
	t->rows = sw_csv_parse(text);
	g_free(text);
	if (!t->rows || t->rows->len == 0) {
		fprintf(stderr, "%s: %s: not a CSV file with a header\n", log_prog(), path);
		return -1;
	}
	hdr = g_ptr_array_index(t->rows, 0);
	t->col = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint c = 0; c < hdr->len; c++)
		g_hash_table_insert(t->col, g_ptr_array_index(hdr, c), GUINT_TO_POINTER(c + 1));
	return 0;
}

/* The index of column name, or -1 after printing that the file lacks it. */
static int
table_col(const struct table *t, const char *path, const char *name)
{
	guint c = GPOINTER_TO_UINT(g_hash_table_lookup(t->col, name));

	if (!c) {
		fprintf(stderr, "%s: %s: no column \"%s\"\n", log_prog(), path, name);
		return -1;
	}
	return (int)c - 1;
}

static const char *
cell(const struct table *t, guint row, int col)
{
	GPtrArray *r = g_ptr_array_index(t->rows, row);

	return (guint)col < r->len ? g_ptr_array_index(r, col) : NULL;
}


/* A prepared output folder and gnuplot, or a warning that there is none. */
static int
out_prepare(const char *dir, char **gnuplot)
{
	if (g_mkdir_with_parents(dir, 0777) != 0) {
		fprintf(stderr, "%s: %s: %s\n", log_prog(), dir, strerror(errno));
		return -1;
	}
	*gnuplot = g_find_program_in_path("gnuplot");
	if (!*gnuplot)
		fprintf(stderr, "%s: gnuplot is not installed (Debian: apt-get install "
			"gnuplot-nox): writing the data and scripts of the plots only\n", log_prog());
	return 0;
}

/* One series of timeseries.csv: its curves by key, in first-seen order. */
struct ts_series {
	char *name;
	GPtrArray *curves;	/* struct curve * */
	GHashTable *by_key;	/* key -> struct curve * (lookups only) */
};

static void
ts_series_free(gpointer p)
{
	struct ts_series *s = p;

	g_hash_table_destroy(s->by_key);
	g_ptr_array_free(s->curves, TRUE);
	g_free(s->name);
	g_free(s);
}

/*
 * The unit of a series of timeseries.csv (doc/outputs.md, "Choosing the
 * series"), for its axis and title: a utilisation is a share of the
 * interval, a count of bytes, frames or drops is in those, and ".rate"
 * divides by seconds.  NULL when the name does not say (an entity's
 * statistic that is neither).
 */
static char *
series_unit(const char *name)
{
	size_t len = strlen(name), rl = strlen(".rate");
	bool rate = len > rl && !strcmp(name + len - rl, ".rate");
	char *base = g_strndup(name, rate ? len - rl : len);
	const char *last = strrchr(base, '.'), *u = NULL;
	char *out;

	last = last ? last + 1 : base;
	if (!strcmp(base, "link.util")) {
		g_free(base);
		return g_strdup("share of the interval spent sending, 0 to 1");
	}
	if (strstr(last, "bytes"))
		u = "bytes";
	else if (strstr(last, "frames") || !strcmp(base, "link.queue"))
		u = "frames";
	else if (strstr(last, "drops"))
		u = "drops";
	out = rate ? g_strdup_printf("%s/s", u ? u : "count") : g_strdup(u);
	g_free(base);
	return out;
}

int
sw_plot_timeseries(const char *csv, const char *outdir, const char *const *only,
		   unsigned maxkeys, bool quiet)
{
	GPtrArray *series = g_ptr_array_new_with_free_func(ts_series_free);
	GHashTable *by_name = g_hash_table_new(g_str_hash, g_str_equal);
	struct table t;
	char *gnuplot = NULL;
	int ct, cs, ck, cv, rc = -1;

	if (maxkeys == 0)
		maxkeys = KEYS_DEFAULT;
	if (table_load(csv, &t) != 0)
		goto done;
	if ((ct = table_col(&t, csv, "time")) < 0 || (cs = table_col(&t, csv, "series")) < 0 ||
	    (ck = table_col(&t, csv, "key")) < 0 || (cv = table_col(&t, csv, "value")) < 0)
		goto done;
	for (guint i = 1; i < t.rows->len; i++) {
		const char *sn = cell(&t, i, cs), *key = cell(&t, i, ck);
		struct ts_series *s;
		struct curve *c;
		double x, y;
		bool wanted = !only || !only[0];

		for (size_t k = 0; only && only[k] && !wanted; k++)
			wanted = sn && strcmp(only[k], sn) == 0;
		if (!wanted)
			continue;
		if (!sn || !key || !sweep_number(cell(&t, i, ct), &x) ||
		    !sweep_number(cell(&t, i, cv), &y)) {
			fprintf(stderr, "%s: %s:%u: not a row of time series (time,series,"
				"key,value)\n", log_prog(), csv, i + 1);
			goto done;
		}
		s = g_hash_table_lookup(by_name, sn);
		if (!s) {
			s = g_new0(struct ts_series, 1);
			s->name = g_strdup(sn);
			s->curves = g_ptr_array_new_with_free_func(curve_free);
			s->by_key = g_hash_table_new(g_str_hash, g_str_equal);
			g_ptr_array_add(series, s);
			g_hash_table_insert(by_name, s->name, s);
		}
		c = g_hash_table_lookup(s->by_key, key);
		if (!c) {
			c = curve_new(key, s->curves->len);
			g_ptr_array_add(s->curves, c);
			g_hash_table_insert(s->by_key, c->title, c);
		}
		curve_add(c, x, y);
	}
	for (size_t k = 0; only && only[k]; k++)
		if (!g_hash_table_lookup(by_name, only[k])) {
			fprintf(stderr, "%s: %s: no series \"%s\"\n", log_prog(), csv, only[k]);
			goto done;
		}
	if (series->len == 0) {
		fprintf(stderr, "%s: %s: no rows: nothing to draw\n", log_prog(), csv);
		goto done;
	}
	if (out_prepare(outdir, &gnuplot) != 0)
		goto done;
	rc = 0;
	for (guint k = 0; k < series->len; k++) {
		struct ts_series *s = g_ptr_array_index(series, k);
		guint all = s->curves->len;
		char *title, *name;

		if (all > maxkeys) {
			g_ptr_array_sort(s->curves, cmp_peak);
			g_ptr_array_set_size(s->curves, maxkeys);
			title = g_strdup_printf("%s (the %u keys of %u with the highest peaks)",
						s->name, maxkeys, all);
		} else {
			title = g_strdup(s->name);
		}
		name = g_strdup_printf("ts-%s", s->name);
		{
			char *unit = series_unit(s->name);
			char *ylabel = unit ? g_strdup_printf("%s (%s)", s->name, unit) :
					      g_strdup(s->name);
			char *t2 = !unit ? g_strdup(title) : all > maxkeys ?
				   g_strdup_printf("%s (%s; the %u keys of %u with the highest "
						   "peaks)", s->name, unit, maxkeys, all) :
				   g_strdup_printf("%s (%s)", s->name, unit);

			if (curves_draw(outdir, name, t2, "time (s)", ylabel, s->curves, false,
					gnuplot, quiet) != 0)
				rc = -1;
			g_free(t2);
			g_free(ylabel);
			g_free(unit);
		}
		g_free(name);
		g_free(title);
	}
done:
	g_free(gnuplot);
	table_free(&t);
	g_hash_table_destroy(by_name);
	g_ptr_array_free(series, TRUE);
	return rc;
}

static gint
cmp_double(gconstpointer a, gconstpointer b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
sw_plot_cdf(const char *csv, const char *column, const char *by, const char *outdir,
	    bool quiet)
{
	GPtrArray *curves = g_ptr_array_new_with_free_func(curve_free);
	GPtrArray *vals = g_ptr_array_new_with_free_func((GDestroyNotify)g_array_unref);
	GHashTable *by_value = g_hash_table_new(g_str_hash, g_str_equal);
	struct table t;
	char *gnuplot = NULL, *name = NULL, *title = NULL;
	int cc, cb = -1, rc = -1;

	if (table_load(csv, &t) != 0)
		goto done;
	if ((cc = table_col(&t, csv, column)) < 0 || (by && (cb = table_col(&t, csv, by)) < 0))
		goto done;
	for (guint i = 1; i < t.rows->len; i++) {
		const char *g = by ? cell(&t, i, cb) : column, *v = cell(&t, i, cc);
		gpointer idx;
		double x;

		if (!v || !*v)
			continue;	/* an empty cell: no value (a request that never ended) */
		if (!sweep_number(v, &x)) {
			fprintf(stderr, "%s: %s:%u: column %s: \"%s\" is not a number\n", log_prog(), csv,
				i + 1, column, v);
			goto done;
		}
		if (!g)
			g = "";
		if (!g_hash_table_lookup_extended(by_value, g, NULL, &idx)) {
			idx = GUINT_TO_POINTER(curves->len);
			g_ptr_array_add(curves, curve_new(by ? g : column, curves->len));
			g_ptr_array_add(vals, g_array_new(FALSE, FALSE, sizeof(double)));
			g_hash_table_insert(by_value, (char *)g, idx);
		}
		g_array_append_val(g_ptr_array_index(vals, GPOINTER_TO_UINT(idx)), x);
	}
	if (curves->len == 0) {
		fprintf(stderr, "%s: %s: column %s has no value\n", log_prog(), csv, column);
		goto done;
	}
	for (guint k = 0; k < curves->len; k++) {
		GArray *v = g_ptr_array_index(vals, k);
		struct curve *c = g_ptr_array_index(curves, k);

		g_array_sort(v, cmp_double);
		for (guint i = 0; i < v->len; i++)
			curve_add(c, g_array_index(v, double, i), (double)(i + 1) / v->len);
		if (by) {
			char *t2 = g_strdup_printf("%s=%s (%u)", by, c->title, v->len);

			g_free(c->title);
			c->title = t2;
		}
	}
	if (out_prepare(outdir, &gnuplot) != 0)
		goto done;
	name = g_strdup_printf("cdf-%s", column);
	g_strdelimit(name, "/", '_');
	title = by ? g_strdup_printf("CDF of %s by %s", column, by) :
		g_strdup_printf("CDF of %s", column);
	rc = curves_draw(outdir, name, title, column, "share of rows at or below", curves, true,
			 gnuplot, quiet);
done:
	g_free(name);
	g_free(title);
	g_free(gnuplot);
	table_free(&t);
	g_hash_table_destroy(by_value);
	g_ptr_array_free(vals, TRUE);
	g_ptr_array_free(curves, TRUE);
	return rc;
}
