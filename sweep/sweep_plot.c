/*
 * sweep_plot.c - the plots of a sweep: mean and 95% confidence interval of a
 * metric over the repetitions, against one parameter, one series per
 * value of another, drawn by gnuplot as PNG and SVG.
 *
 *   cometsim plot SWEEPDIR        redraw from SWEEPDIR/results.csv
 *
 * Everything comes from results.csv (nothing is run again) and the
 * <plot> elements of SWEEPDIR/sweep.xml, which may be edited to change
 * the plots.  For each plot, plots/NAME.dat holds the numbers (x, mean,
 * interval, n, standard deviation: a block per series) and plots/NAME.gp
 * the gnuplot script that draws NAME.png and NAME.svg from it; both stay
 * there for whoever wants another look.
 *
 * The interval is mean +- t(0.975, n-1) * s / sqrt(n), s the sample
 * standard deviation and t the quantile of Student's t distribution
 * (sweep_stats.c); with one repetition it is the mean alone.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/fileio.h"
#include "sweep/sweep.h"
#include "sweep/sweep_int.h"

const char plot_usage[] =
	"usage: cometsim plot SWEEPDIR [--quiet]\n"
	"       cometsim plot RUNDIR [--series NAME]... [--keys N] [--out DIR] [--quiet]\n"
	"       cometsim plot --cdf COLUMN [--by COLUMN] [--out DIR] [--quiet] CSV\n";

const char plot_help[] =
	"Redraw the plots of a sweep (its <plot> elements, in SWEEPDIR/sweep.xml)\n"
	"from SWEEPDIR/results.csv, without running anything: SWEEPDIR/plots/NAME.png\n"
	"and NAME.svg, with NAME.dat (the numbers) and NAME.gp (the gnuplot script).\n"
	"\n"
	"Given the directory of a run that wrote timeseries.csv, draw each series\n"
	"against time, a line per key: RUNDIR/plots/ts-SERIES.png and .svg (.dat,\n"
	".gp).  With --cdf, draw the empirical CDF of a numeric column of any CSV\n"
	"file with a header, a curve per value of --by: cdf-COLUMN.png and .svg.\n"
	"\n"
	"  --series NAME       only this series (repeat for more)\n"
	"  --keys N            at most N keys a plot, those with the highest\n"
	"                      peaks (default 10)\n"
	"  --cdf COLUMN        the CDF of COLUMN of the file CSV\n"
	"  --by COLUMN         a curve per value of COLUMN\n"
	"  --out DIR           where the plots go (default: RUNDIR/plots, or\n"
	"                      plots/ beside CSV)\n"
	"  -q, --quiet         do not list the files written\n"
	"  -h, --help          this help\n";

/* ---- from results.csv to points ---- */

struct point {
	char *x;
	GArray *v;		/* double */
	GPtrArray *seed;	/* char *: the seed of each value, for the outliers */
	GPtrArray *run;		/* char *: the run_id of each value, for the outliers */
	char *rest;		/* the other params, which must not vary */
};

struct series {
	char *name;		/* the series value, or NULL */
	GPtrArray *points;	/* struct point *, in first-seen order */
};

static void
point_free(gpointer p)
{
	struct point *pt = p;

	g_free(pt->x);
	g_array_free(pt->v, TRUE);
	g_ptr_array_free(pt->seed, TRUE);
	g_ptr_array_free(pt->run, TRUE);
	g_free(pt->rest);
	g_free(pt);
}

static void
series_free(gpointer p)
{
	struct series *s = p;

	g_free(s->name);
	g_ptr_array_free(s->points, TRUE);
	g_free(s);
}

struct row_ctx {
	GHashTable *col;	/* name -> index + 1 */
	GPtrArray *row;
};

static const char *
row_lookup(void *ctx, const char *name)
{
	struct row_ctx *rc = ctx;
	guint c = GPOINTER_TO_UINT(g_hash_table_lookup(rc->col, name));

	return c && c - 1 < rc->row->len ? g_ptr_array_index(rc->row, c - 1) : NULL;
}

bool
sweep_number(const char *s, double *v)
{
	char *end;

	if (!s || !*s)
		return false;
	*v = g_ascii_strtod(s, &end);
	return !*end && isfinite(*v);
}

static gint
cmp_num_text(const char *a, const char *b)
{
	double x = 0, y = 0;

	sweep_number(a, &x);
	sweep_number(b, &y);
	return x < y ? -1 : x > y;
}

static gint
cmp_point(gconstpointer a, gconstpointer b)
{
	return cmp_num_text((*(struct point *const *)a)->x, (*(struct point *const *)b)->x);
}

static gint
cmp_series(gconstpointer a, gconstpointer b)
{
	return cmp_num_text((*(struct series *const *)a)->name,
			    (*(struct series *const *)b)->name);
}

void
sw_gp_str(GString *s, const char *v)
{
	g_string_append_c(s, '\'');
	for (; v && *v; v++) {
		if (*v == '\'')
			g_string_append_c(s, '\'');
		if (*v != '\n' && *v != '\r')
			g_string_append_c(s, *v);
	}
	g_string_append_c(s, '\'');
}

void
sw_dat_num(GString *s, double v)
{
	char buf[G_ASCII_DTOSTR_BUF_SIZE];

	g_string_append(s, g_ascii_formatd(buf, sizeof(buf), "%.10g", v));
}

/* ---- what a plot shows besides its curves ---- */

static const struct sw_param *
plot_param(const struct sw_desc *d, const char *name)
{
	for (guint k = 0; name && k < d->params->len; k++) {
		const struct sw_param *sp = g_ptr_array_index(d->params, k);

		if (!strcmp(sp->name, name))
			return sp;
	}
	return NULL;
}

/* "delay = 5 ms": a series' legend, with the parameter's unit if it has one. */
static char *
series_title(const struct sw_desc *d, const char *param, const char *value)
{
	const struct sw_param *sp = plot_param(d, param);

	if (sp && sp->unit && *sp->unit)
		return g_strdup_printf("%s = %s %s", param, value, sp->unit);
	return g_strdup_printf("%s = %s", param, value);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
median(double *v, guint n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Whether x lies far from a point of median m and median absolute deviation mad. */
static bool
is_far(double x, double m, double mad)
{
	double dev = fabs(x - m);

	return dev > 5 * mad && dev > 0.1 * fabs(m);
}

/*
 * The median and median absolute deviation of the n values v, and whether
 * some of them lie far from the others: more than 5 median absolute
 * deviations and more than a tenth from the median, among 4 values or
 * more, and no more than a quarter of them (two camps are not outliers).
 */
static bool
has_far(const double *v, guint n, double *m, double *mad)
{
	double *w;
	guint found = 0;

	if (n < 4)
		return false;
	w = g_new(double, n);
	memcpy(w, v, n * sizeof(double));
	*m = median(w, n);
	for (guint i = 0; i < n; i++)
		w[i] = fabs(v[i] - *m);
	*mad = median(w, n);
	g_free(w);
	for (guint i = 0; i < n; i++)
		found += is_far(v[i], *m, *mad);
	return found > 0 && 4 * found <= n;
}

/*
 * What else stands out in run `run_id` (an outlier of metric `y`): each
 * other metric of the sweep whose value in that run is itself far from
 * the others of the same parameters (has_far), as
 * "; no_arp 212 against a median of 0".  The reader then sees the cause
 * beside the outlier (ARP drops beside the datagrams missing).
 */
static void
outlier_cause(const struct sw_desc *d, GPtrArray *rows, GHashTable *col, const char *y,
	      const char *run_id, GString *out)
{
	guint cm = GPOINTER_TO_UINT(g_hash_table_lookup(col, "metric"));
	guint cv = GPOINTER_TO_UINT(g_hash_table_lookup(col, "value"));
	guint cr = GPOINTER_TO_UINT(g_hash_table_lookup(col, "run_id"));
	GPtrArray *mine = NULL;	/* the outlier's row, for its parameters */

	if (!cm || !cv || !cr || !*run_id)
		return;
	for (guint i = 1; i < rows->len && !mine; i++) {
		GPtrArray *r = g_ptr_array_index(rows, i);

		if (r->len >= cv && !strcmp(g_ptr_array_index(r, cr - 1), run_id))
			mine = r;
	}
	if (!mine)
		return;
	for (guint k = 0; k < d->metrics->len; k++) {
		const struct sw_metric *m = g_ptr_array_index(d->metrics, k);
		GArray *v = g_array_new(FALSE, FALSE, sizeof(double));
		double own = NAN, x, med, mad;

		if (!strcmp(m->name, y)) {
			g_array_free(v, TRUE);
			continue;
		}
		for (guint i = 1; i < rows->len; i++) {
			struct row_ctx a = { col, g_ptr_array_index(rows, i) }, b = { col, mine };
			bool same = a.row->len >= cv &&
				    !strcmp(g_ptr_array_index(a.row, cm - 1), m->name);

			for (guint j = 0; j < d->params->len && same; j++) {
				const struct sw_param *sp = g_ptr_array_index(d->params, j);

				same = !g_strcmp0(row_lookup(&a, sp->name), row_lookup(&b, sp->name));
			}
			if (!same || !sweep_number(g_ptr_array_index(a.row, cv - 1), &x))
				continue;
			g_array_append_val(v, x);
			if (!strcmp(g_ptr_array_index(a.row, cr - 1), run_id))
				own = x;
		}
		if (isfinite(own) && has_far((const double *)v->data, v->len, &med, &mad) &&
		    is_far(own, med, mad))
			g_string_append_printf(out, "; %s %.6g against a median of %.6g",
					       m->name, own, med);
		g_array_free(v, TRUE);
	}
}

/*
 * The values of a point that lie far from the others (has_far).  Added
 * to `out` as "seed S at X: V (median M)", with the other metrics that
 * stand out in the same run (outlier_cause).
 */
static unsigned
point_outliers(const struct sw_desc *d, GPtrArray *rows, GHashTable *col, const char *y,
	       const struct point *p, const char *where, GPtrArray *out)
{
	double m, mad;
	unsigned found = 0;

	if (!has_far((const double *)p->v->data, p->v->len, &m, &mad))
		return 0;
	for (guint i = 0; i < p->v->len; i++) {
		double v = g_array_index(p->v, double, i);
		GString *o;

		if (!is_far(v, m, mad))
			continue;
		o = g_string_new(NULL);
		g_string_printf(o, "seed %s at %s: %.6g (median %.6g",
				(char *)g_ptr_array_index(p->seed, i), where, v, m);
		outlier_cause(d, rows, col, y, g_ptr_array_index(p->run, i), o);
		g_string_append_c(o, ')');
		g_ptr_array_add(out, g_string_free(o, FALSE));
		found++;
	}
	return found;
}

/* text folded into lines of at most `width` characters, at blanks. */
static char *
wrap_text(const char *text, size_t width)
{
	GString *out = g_string_new(NULL);
	size_t col = 0;
	gchar **words = g_strsplit(text, " ", -1);

	for (gchar **w = words; *w; w++) {
		size_t n = strlen(*w);

		if (col && col + 1 + n > width) {
			g_string_append_c(out, '\n');
			col = 0;
		} else if (col) {
			g_string_append_c(out, ' ');
			col++;
		}
		g_string_append(out, *w);
		col += n;
	}
	g_strfreev(words);
	return g_string_free(out, FALSE);
}

/* A gnuplot string in double quotes, where a new line is \n. */
static void
gp_dq(GString *s, const char *v)
{
	g_string_append_c(s, '"');
	for (; *v; v++) {
		if (*v == '\n')
			g_string_append(s, "\\n");
		else if (*v == '"' || *v == '\\')
			g_string_append_printf(s, "\\%c", *v);
		else if (*v != '\r')
			g_string_append_c(s, *v);
	}
	g_string_append_c(s, '"');
}

/*
 * A tick format that does not mix 100000 and 1e+06: from 10^5 on, SI
 * prefixes (100k, 2.5M), with as many decimals as the ticks' step needs
 * in the prefix's unit (about a fifth of the span); none on a logarithmic
 * axis.
 */
static void
axis_format(GString *gp, char axis, double lo, double hi, bool logscale)
{
	double top = fmax(fabs(lo), fabs(hi)), unit, step;
	int dec = 0;

	if (!(top >= 1e5) || !isfinite(top))
		return;
	unit = pow(1000, floor(log10(top) / 3));
	step = (hi - lo) / 5 / unit;
	/* A logarithmic axis has its ticks at powers of ten: 10k 100k 1M, no decimals. */
	while (!logscale && dec < 3 && step > 0 && step < pow(10, -dec))
		dec++;
	g_string_append_printf(gp, "set format %c '%%.%ds%%c'\n", axis, dec);
}

/*
 * The range of an axis: the data with a margin of `pad` of its span on
 * each side, but not below 0 when no value is (a margin must not show a
 * negative loss or delay).
 */
static void
axis_range(GString *gp, char axis, double lo, double hi, double pad, bool nonneg)
{
	double span = hi - lo, a, b;
	char x[G_ASCII_DTOSTR_BUF_SIZE], y[G_ASCII_DTOSTR_BUF_SIZE];

	if (!isfinite(lo) || !isfinite(hi))
		return;
	if (span <= 0)
		span = fabs(hi) > 0 ? fabs(hi) : 1;
	a = lo - pad * span;
	b = hi + pad * span;
	if (nonneg && lo >= 0 && a < 0)
		a = 0;
	/* Every digit: a spread of a few units at 10^11 must not print as one value. */
	g_string_append_printf(gp, "set %crange [%s:%s]\n", axis,
			       g_ascii_formatd(x, sizeof(x), "%.17g", a),
			       g_ascii_formatd(y, sizeof(y), "%.17g", b));
}

/*
 * Whether some metric of results.csv takes different values over the
 * repetitions (seeds, runs) of one combination of the parameters: the
 * reason a sweep repeats, even when the metric of one plot does not vary.
 */
static bool
any_metric_varies(const struct sw_desc *d, GPtrArray *rows, GHashTable *col)
{
	GHashTable *first = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	guint cm = GPOINTER_TO_UINT(g_hash_table_lookup(col, "metric"));
	guint cv = GPOINTER_TO_UINT(g_hash_table_lookup(col, "value"));
	bool varies = false;

	for (guint i = 1; i < rows->len && !varies && cm && cv; i++) {
		struct row_ctx rc_ = { col, g_ptr_array_index(rows, i) };
		GString *key;
		const char *old;

		if (rc_.row->len < cv || rc_.row->len < cm)
			continue;
		key = g_string_new(g_ptr_array_index(rc_.row, cm - 1));
		for (guint k = 0; k < d->params->len; k++) {
			const struct sw_param *sp = g_ptr_array_index(d->params, k);
			const char *v = row_lookup(&rc_, sp->name);

			g_string_append_printf(key, "\t%s", v ? v : "");
		}
		old = g_hash_table_lookup(first, key->str);
		if (!old) {
			g_hash_table_insert(first, g_string_free(key, FALSE),
					    g_ptr_array_index(rc_.row, cv - 1));
			continue;
		}
		varies = strcmp(old, g_ptr_array_index(rc_.row, cv - 1)) != 0;
		g_string_free(key, TRUE);
	}
	g_hash_table_destroy(first);
	return varies;
}

/*
 * Whether every series has the same points with the same values (mean
 * and spread): their curves lie on top of each other.
 */
static bool
series_coincide(GPtrArray *series)
{
	const struct series *s0;

	if (series->len < 2)
		return false;
	s0 = g_ptr_array_index(series, 0);
	for (guint k = 1; k < series->len; k++) {
		const struct series *s = g_ptr_array_index(series, k);

		if (s->points->len != s0->points->len)
			return false;
		for (guint j = 0; j < s->points->len; j++) {
			const struct point *p = g_ptr_array_index(s->points, j);
			const struct point *q = g_ptr_array_index(s0->points, j);
			double m1, sd1, ci1, m2, sd2, ci2;

			if (strcmp(p->x, q->x) != 0 || p->v->len != q->v->len)
				return false;
			sw_stats_mean_ci((const double *)p->v->data, p->v->len, &m1, &sd1, &ci1);
			sw_stats_mean_ci((const double *)q->v->data, q->v->len, &m2, &sd2, &ci2);
			if (m1 != m2 || sd1 != sd2)
				return false;
		}
	}
	return true;
}

/* Draw one plot.  0, or -1 after printing why. */
static int
plot_one(const struct sw_desc *d, const struct sw_plot *pt, GPtrArray *rows,
	 GHashTable *col, const char *dir, const char *gnuplot, bool quiet)
{
	GPtrArray *series = g_ptr_array_new_with_free_func(series_free);
	GPtrArray *xs = g_ptr_array_new();	/* x values in first-seen order, borrowed */
	GString *dat = g_string_new(NULL), *gp = g_string_new(NULL);
	guint cm = GPOINTER_TO_UINT(g_hash_table_lookup(col, "metric"));
	guint cv = GPOINTER_TO_UINT(g_hash_table_lookup(col, "value"));
	bool xnum = true, snum = true, nonneg = true, repeated = true, same = true, single = true;
	double xlo = INFINITY, xhi = -INFINITY, ylo = INFINITY, yhi = -INFINITY;
	GPtrArray *outliers = g_ptr_array_new_with_free_func(g_free);
	const struct sw_metric *ym = NULL;
	char *path = NULL, ymax[G_ASCII_DTOSTR_BUF_SIZE] = "";
	int rc = -1;

	for (guint k = 0; k < d->metrics->len && !ym; k++) {
		const struct sw_metric *m = g_ptr_array_index(d->metrics, k);

		if (!strcmp(m->name, pt->y) && m->has_max)
			ym = m;
	}
	if (ym)
		g_ascii_formatd(ymax, sizeof(ymax), "%.17g", ym->max);

	if (!cm || !cv || !g_hash_table_lookup(col, pt->x) ||
	    (pt->series && !g_hash_table_lookup(col, pt->series))) {
		fprintf(stderr, "%s:%d: plot %s: results.csv lacks its columns\n", d->path,
			pt->line, pt->name);
		goto done;
	}
	for (guint i = 1; i < rows->len; i++) {
		struct row_ctx rc_ = { col, g_ptr_array_index(rows, i) };
		const char *x, *sv, *val;
		struct series *s = NULL;
		struct point *p = NULL;
		GString *rest;
		double v;
		char err[256];

		if (rc_.row->len < cv || strcmp(g_ptr_array_index(rc_.row, cm - 1), pt->y) != 0)
			continue;
		if (pt->where) {
			int w = sw_expr_eval(pt->where, row_lookup, &rc_, err, sizeof(err));

			if (w < 0) {
				fprintf(stderr, "%s:%d: plot %s: where: %s\n", d->path, pt->line,
					pt->name, err);
				goto done;
			}
			if (!w)
				continue;
		}
		x = row_lookup(&rc_, pt->x);
		sv = pt->series ? row_lookup(&rc_, pt->series) : NULL;
		val = g_ptr_array_index(rc_.row, cv - 1);
		if (!sweep_number(val, &v)) {
			/* The row that holds it: results.csv beside plots/, line i + 1. */
			char *top = g_path_get_dirname(dir);
			const char *id = row_lookup(&rc_, "run_id"), *seed = row_lookup(&rc_, "seed");

			fprintf(stderr, "%s/results.csv:%u: run %s (seed %s): metric %s has the value "
				"\"%s\", not a number (plot %s, %s:%d)\n", top, i + 1, id ? id : "?",
				seed ? seed : "?", pt->y, val, pt->name, d->path, pt->line);
			g_free(top);
			goto done;
		}
		for (guint k = 0; k < series->len && !s; k++) {
			struct series *c = g_ptr_array_index(series, k);

			if (!g_strcmp0(c->name, sv))
				s = c;
		}
		if (!s) {
			s = g_new0(struct series, 1);
			s->name = g_strdup(sv);
			s->points = g_ptr_array_new_with_free_func(point_free);
			g_ptr_array_add(series, s);
			if (sv && !sweep_number(sv, &(double){ 0 }))
				snum = false;
		}
		rest = g_string_new(NULL);
		for (guint k = 0; k < d->params->len; k++) {
			const struct sw_param *sp = g_ptr_array_index(d->params, k);

			if (strcmp(sp->name, pt->x) && (!pt->series || strcmp(sp->name, pt->series)))
				g_string_append_printf(rest, "%s=%s ", sp->name,
						       row_lookup(&rc_, sp->name));
		}
		for (guint k = 0; k < s->points->len && !p; k++) {
			struct point *c = g_ptr_array_index(s->points, k);

			if (!strcmp(c->x, x))
				p = c;
		}
		if (!p) {
			p = g_new0(struct point, 1);
			p->x = g_strdup(x);
			p->v = g_array_new(FALSE, FALSE, sizeof(double));
			p->seed = g_ptr_array_new_with_free_func(g_free);
			p->run = g_ptr_array_new_with_free_func(g_free);
			p->rest = g_string_free(rest, FALSE);
			g_ptr_array_add(s->points, p);
			rest = NULL;
			{
				bool seen = false;

				for (guint k = 0; k < xs->len && !seen; k++)
					seen = !strcmp(g_ptr_array_index(xs, k), p->x);
				if (!seen)
					g_ptr_array_add(xs, p->x);
			}
			if (!sweep_number(x, &(double){ 0 }))
				xnum = false;
		} else if (strcmp(p->rest, rest->str) != 0) {
			fprintf(stderr, "%s:%d: plot %s: other params take several values for one "
				"point (%s/ %s); make one the series or pin it with where=\"...\"\n",
				d->path, pt->line, pt->name, p->rest, rest->str);
			g_string_free(rest, TRUE);
			goto done;
		}
		if (rest)
			g_string_free(rest, TRUE);
		sweep_number(val, &v);
		g_array_append_val(p->v, v);
		g_ptr_array_add(p->seed, g_strdup(row_lookup(&rc_, "seed") ?
						  row_lookup(&rc_, "seed") : "?"));
		g_ptr_array_add(p->run, g_strdup(row_lookup(&rc_, "run_id") ?
						 row_lookup(&rc_, "run_id") : ""));
	}
	if (series->len == 0) {
		fprintf(stderr, "%s:%d: plot %s: no result of metric %s to draw\n", d->path,
			pt->line, pt->name, pt->y);
		goto done;
	}
	if (snum && pt->series)
		g_ptr_array_sort(series, cmp_series);

	/* What the values say about the plot: all non-negative, repeated, outliers. */
	for (guint k = 0; k < series->len; k++) {
		struct series *s = g_ptr_array_index(series, k);

		if (xnum)
			g_ptr_array_sort(s->points, cmp_point);
		for (guint j = 0; j < s->points->len; j++) {
			const struct point *p = g_ptr_array_index(s->points, j);
			char *where = s->name ? g_strdup_printf("%s %s, %s %s", pt->x, p->x,
							       pt->series, s->name) :
						g_strdup_printf("%s %s", pt->x, p->x);

			for (guint i = 0; i < p->v->len; i++)
				nonneg = nonneg && g_array_index(p->v, double, i) >= 0;
			repeated = repeated && p->v->len > 1;
			single = single && p->v->len == 1;
			point_outliers(d, rows, col, pt->y, p, where, outliers);
			g_free(where);
		}
	}

	/* NAME.dat: a block per series, two blank lines apart (gnuplot's index). */
	g_string_append_printf(dat, "# %s.dat - written by cometsim from results.csv: metric %s "
			       "against %s", pt->name, pt->y, pt->x);
	if (pt->series)
		g_string_append_printf(dat, ", a block per value of %s", pt->series);
	g_string_append(dat, "\n# xpos\tx\tmean\tci_low\tci_high\tn\tsd\n");
	for (guint k = 0; k < series->len; k++) {
		struct series *s = g_ptr_array_index(series, k);

		if (xnum)
			g_ptr_array_sort(s->points, cmp_point);

		if (k)
			g_string_append(dat, "\n\n");
		if (s->name)
			g_string_append_printf(dat, "# %s=%s\n", pt->series, s->name);
		for (guint j = 0; j < s->points->len; j++) {
			struct point *p = g_ptr_array_index(s->points, j);
			guint n = p->v->len;
			double mean, sd, ci, xpos = 0;

			sw_stats_mean_ci((const double *)p->v->data, n, &mean, &sd, &ci);
			ylo = fmin(ylo, nonneg && mean - ci < 0 ? 0 : mean - ci);
			/* An interval is drawn up to the metric's max="..." at most. */
			yhi = fmax(yhi, ym && mean + ci > ym->max ? fmax(mean, ym->max) : mean + ci);
			same = same && sd == 0;
			if (xnum)
				sweep_number(p->x, &xpos);
			else
				for (guint i = 0; i < xs->len; i++)
					if (!strcmp(g_ptr_array_index(xs, i), p->x))
						xpos = i;
			xlo = fmin(xlo, xpos);
			xhi = fmax(xhi, xpos);
			sw_dat_num(dat, xpos);
			g_string_append_printf(dat, "\t%s\t", p->x);
			sw_dat_num(dat, mean);
			g_string_append_c(dat, '\t');
			sw_dat_num(dat, mean - ci);
			g_string_append_c(dat, '\t');
			sw_dat_num(dat, mean + ci);
			g_string_append_printf(dat, "\t%u\t", n);
			sw_dat_num(dat, sd);
			g_string_append_c(dat, '\n');
		}
	}
	path = g_strdup_printf("%s/%s.dat", dir, pt->name);
	if (sw_write_atomic(path, dat->str, dat->len) != 0)
		goto done;
	g_free(path);

	/* NAME.gp */
	g_string_append_printf(gp, "# %s.gp - written by cometsim: \"gnuplot %s.gp\" in this "
			       "folder draws %s.png and %s.svg from %s.dat\n"
			       "# (%s)\n",
			       pt->name, pt->name, pt->name, pt->name, pt->name,
			       single ? "one run a point: no interval" :
			       "mean and 95% confidence interval over the repetitions");
	g_string_append(gp, "set datafile separator '\\t'\nset title ");
	sw_gp_str(gp, pt->title ? pt->title : pt->name);
	g_string_append(gp, "\nset xlabel ");
	{
		const struct sw_param *xp = plot_param(d, pt->x);
		char *xl = !pt->xlabel && xp && xp->unit && *xp->unit ?
				   g_strdup_printf("%s (%s)", pt->x, xp->unit) : NULL;

		sw_gp_str(gp, pt->xlabel ? pt->xlabel : xl ? xl : pt->x);
		g_free(xl);
	}
	g_string_append(gp, "\nset ylabel ");
	sw_gp_str(gp, pt->ylabel ? pt->ylabel : pt->y);
	g_string_append(gp, "\nset grid\nset key outside right top\n");
	/* Ranges with a margin, never below 0 for values that are not. */
	if (xnum && !pt->logx)
		axis_range(gp, 'x', xlo, xhi, 0.03, true);
	else if (!xnum)
		axis_range(gp, 'x', -0.5, xhi + 0.5, 0, false);
	if (!pt->logy)
		axis_range(gp, 'y', ylo, yhi, 0.05, nonneg);
	/*
	 * A logarithmic x: the same margin as a factor, not gnuplot's
	 * autoscale, which pads to whole decades (an empty one below 1000).
	 */
	if (xnum && pt->logx && xlo > 0 && xhi >= xlo) {
		double f = xhi > xlo ? pow(xhi / xlo, 0.03) : 1.5;
		char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];

		g_string_append_printf(gp, "set xrange [%s:%s]\n",
				       g_ascii_formatd(a, sizeof(a), "%.17g", xlo / f),
				       g_ascii_formatd(b, sizeof(b), "%.17g", xhi * f));
	}
	if (xnum)
		axis_format(gp, 'x', xlo, xhi, pt->logx);
	axis_format(gp, 'y', ylo, yhi, pt->logy);
	if (pt->logx && xnum)
		g_string_append(gp, "set logscale x\n");
	if (pt->logy)
		g_string_append(gp, "set logscale y\n");
	/* A caption under the plot: repetitions that all agree, values far from the rest. */
	{
		GString *cap = g_string_new(NULL);

		if (repeated && same)
			g_string_append_printf(cap, "Every repetition of every point gave the same "
					       "value: %s does not depend on the seed here (no "
					       "interval to draw); %s", pt->y,
					       any_metric_varies(d, rows, col) ?
					       "other metrics of the sweep do, which is why it "
					       "repeats." :
					       "nor does any metric of the sweep: one repetition "
					       "would do.");
		if (pt->series && series_coincide(series)) {
			GString *names = g_string_new(NULL);

			for (guint k = 0; k < series->len; k++) {
				const struct series *s = g_ptr_array_index(series, k);
				char *t = series_title(d, pt->series, s->name);

				g_string_append_printf(names, "%s%s", k ? ", " : "", t);
				g_free(t);
			}
			g_string_append_printf(cap, "%sThe %u curves (%s) coincide: each point gave "
					       "the same values for every %s, so %s does not "
					       "depend on %s here; they are drawn on top of each "
					       "other.", cap->len ? " " : "", series->len,
					       names->str, pt->series, pt->y, pt->series);
			g_string_free(names, TRUE);
		}
		if (outliers->len) {
			g_string_append_printf(cap, "%sFar from the other repetitions of their "
					       "point (5 median deviations and 10%% from the median, "
					       "a quarter of the point at most), "
					       "pulling the mean and widening the interval: ",
					       cap->len ? " " : "");
			for (guint i = 0; i < outliers->len && i < 3; i++)
				g_string_append_printf(cap, "%s%s", i ? "; " : "",
						       (char *)g_ptr_array_index(outliers, i));
			if (outliers->len > 3)
				g_string_append_printf(cap, "; and %u more", outliers->len - 3);
			g_string_append(cap, ". Other metrics far from their median in the same "
					"run follow the value; the runs' counters.csv say more.");
		}
		if (cap->len) {
			char *wrapped = wrap_text(cap->str, 150);
			unsigned lines = 1;
			char at[G_ASCII_DTOSTR_BUF_SIZE];

			for (const char *c = wrapped; *c; c++)
				lines += *c == '\n';
			/* Room for every line of the caption under the x label. */
			g_string_append_printf(gp, "set bmargin %u\nset label 1 ", 5 + lines);
			gp_dq(gp, wrapped);
			g_string_append_printf(gp, " at screen 0.01, screen %s left font ',9'\n",
					       g_ascii_formatd(at, sizeof(at), "%.3f",
							       0.035 + 0.022 * (lines - 1)));
			g_free(wrapped);
			if (!quiet)
				printf("plot %s: %s\n", pt->name, cap->str);
		}
		g_string_free(cap, TRUE);
	}
	g_string_append_printf(gp, "set terminal pngcairo size 960,600 noenhanced\n"
			       "set output '%s.png'\nplot ", pt->name);
	for (guint k = 0; k < series->len; k++) {
		struct series *s = g_ptr_array_index(series, k);
		char *title = s->name ? series_title(d, pt->series, s->name) :
				single ? g_strdup_printf("%s (one run a point)", pt->y) :
				g_strdup_printf("%s (mean, 95%% CI)", pt->y);

		if (k)
			g_string_append(gp, ", \\\n     ");
		if (k == 0)
			g_string_append_printf(gp, "'%s.dat'", pt->name);
		else
			g_string_append(gp, "''");
		/*
		 * Markers shrink from series to series: equal curves stay visible.
		 * An interval of values that are never negative is drawn from 0 up.
		 */
		char *hi = ym ? g_strdup_printf("($5 > %s ? %s : $5)", ymax, ymax) : g_strdup("5");

		g_string_append_printf(gp, " index %u using 1:3:%s:%s%s with yerrorlines "
				       "pointtype %u pointsize %.1f dashtype %u title ", k,
				       nonneg ? "($4 < 0 ? 0 : $4)" : "4", hi,
				       xnum ? "" : ":xtic(2)", 5 + 2 * (k % 4),
				       MAX(0.6, 1.8 - 0.3 * (k % 5)), 1 + k % 5);
		g_free(hi);
		sw_gp_str(gp, title);
		g_free(title);
	}
	g_string_append_printf(gp, "\nset terminal svg size 960,600 noenhanced\n"
			       "set output '%s.svg'\nreplot\nunset output\n", pt->name);
	path = g_strdup_printf("%s/%s.gp", dir, pt->name);
	if (sw_write_atomic(path, gp->str, gp->len) != 0)
		goto done;
	g_free(path);
	path = NULL;

	if (gnuplot) {
		if (sw_gnuplot(gnuplot, dir, pt->name) != 0)
			goto done;
		if (!quiet)
			printf("plot: %s/%s.png %s/%s.svg\n", dir, pt->name, dir, pt->name);
	}
	rc = 0;
done:
	g_free(path);
	g_string_free(dat, TRUE);
	g_string_free(gp, TRUE);
	g_ptr_array_free(xs, TRUE);
	g_ptr_array_free(series, TRUE);
	g_ptr_array_free(outliers, TRUE);
	return rc;
}

int
sw_gnuplot(const char *gnuplot, const char *dir, const char *name)
{
	char *script = g_strdup_printf("%s.gp", name);
	char *argv[] = { (char *)gnuplot, script, NULL }, *err = NULL;
	GError *gerr = NULL;
	int status, rc = -1;

	if (!g_spawn_sync(dir, argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
			  &status, &gerr)) {
		fprintf(stderr, "%s: cannot run gnuplot: %s\n", log_prog(), log_gerror(gerr));
		g_error_free(gerr);
	} else if (!g_spawn_check_wait_status(status, NULL)) {
		fprintf(stderr, "%s: gnuplot %s/%s failed:\n%s", log_prog(), dir, script, err ? err : "");
	} else {
		rc = 0;
	}
	g_free(err);
	g_free(script);
	return rc;
}

int
sw_plots_draw(const struct sw_desc *d, const char *csv_path, const char *plots_dir,
	      bool quiet)
{
	GHashTable *col;
	GPtrArray *rows, *hdr;
	char *text = NULL, *gnuplot;
	int rc = 0;

	if (!(text = fileio_text(csv_path, NULL))) {
		fprintf(stderr, "%s: %s: %s\n", log_prog(), csv_path, strerror(errno));
		return -1;
	}
	rows = sw_csv_parse(text);
	g_free(text);
	if (!rows || rows->len == 0) {
		fprintf(stderr, "%s: %s: not a results file\n", log_prog(), csv_path);
		if (rows)
			g_ptr_array_free(rows, TRUE);
		return -1;
	}
	if (g_mkdir_with_parents(plots_dir, 0777) != 0) {
		fprintf(stderr, "%s: %s: %s\n", log_prog(), plots_dir, strerror(errno));
		g_ptr_array_free(rows, TRUE);
		return -1;
	}
	hdr = g_ptr_array_index(rows, 0);
	col = g_hash_table_new(g_str_hash, g_str_equal);
	for (guint c = 0; c < hdr->len; c++)
		g_hash_table_insert(col, g_ptr_array_index(hdr, c), GUINT_TO_POINTER(c + 1));
	gnuplot = g_find_program_in_path("gnuplot");
	if (!gnuplot)
		fprintf(stderr, "%s: gnuplot is not installed (Debian: apt-get install "
			"gnuplot-nox): writing the data and scripts of the plots only\n", log_prog());
	for (guint k = 0; k < d->plots->len; k++)
		if (plot_one(d, g_ptr_array_index(d->plots, k), rows, col, plots_dir, gnuplot,
			     quiet) != 0)
			rc = -1;
	g_free(gnuplot);
	g_hash_table_destroy(col);
	g_ptr_array_free(rows, TRUE);
	return rc;
}

/* A usage error of cometsim plot: status 2. */
static int
plot_usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", log_prog());
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n%s", plot_usage);
	return 2;
}

/* --out DIR without its trailing slashes: "plots/" prints plots/ts-..., not plots//ts-.... */
static char *
out_dir(const char *out)
{
	char *d = g_strdup(out);
	size_t n = strlen(d);

	while (n > 1 && d[n - 1] == '/')
		d[--n] = '\0';
	return d;
}

/* A run's directory, or a CSV file: the time series or a CDF. */
static int
plot_curves(const char *path, const char *out, const char *cdf, const char *by,
	    GPtrArray *only, unsigned keys, bool quiet)
{
	char *csv, *pdir, *parent;
	int rc;

	if (cdf) {
		parent = g_path_get_dirname(path);
		pdir = out ? out_dir(out) : g_build_filename(parent, "plots", NULL);
		rc = sw_plot_cdf(path, cdf, by, pdir, quiet);
		g_free(parent);
		g_free(pdir);
		return rc == 0 ? 0 : 1;
	}
	csv = g_build_filename(path, "timeseries.csv", NULL);
	if (!g_file_test(csv, G_FILE_TEST_IS_REGULAR)) {
		fprintf(stderr, "%s: %s: neither a sweep's directory (no sweep.xml) nor "
			"a run's with time series (no timeseries.csv)\n", log_prog(), path);
		g_free(csv);
		return 1;
	}
	pdir = out ? out_dir(out) : g_build_filename(path, "plots", NULL);
	g_ptr_array_add(only, NULL);
	rc = sw_plot_timeseries(csv, pdir, (const char *const *)only->pdata, keys, quiet);
	g_free(csv);
	g_free(pdir);
	return rc == 0 ? 0 : 1;
}

int
plot_main(int argc, char **argv)
{
	const char *dir = NULL, *out = NULL, *cdf = NULL, *by = NULL;
	GPtrArray *only = g_ptr_array_new();
	bool quiet = false, curves = false;
	char *man, *text = NULL, *base_dir = NULL, *desc, *csv, *pdir;
	unsigned keys = 0;
	struct sw_desc *d;
	int rc;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		bool takes = !strcmp(a, "--series") || !strcmp(a, "--keys") ||
			     !strcmp(a, "--out") || !strcmp(a, "--cdf") || !strcmp(a, "--by");

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			printf("%s\n%s", plot_usage, plot_help);
			g_ptr_array_free(only, TRUE);
			return 0;
		}
		if (takes && i + 1 >= argc) {
			g_ptr_array_free(only, TRUE);
			return plot_usage_error("%s needs a value", a);
		}
		if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
			quiet = true;
		} else if (!strcmp(a, "--series")) {
			g_ptr_array_add(only, argv[++i]);
			curves = true;
		} else if (!strcmp(a, "--keys")) {
			char *end;
			unsigned long v = strtoul(argv[++i], &end, 10);

			if (!g_ascii_isdigit(argv[i][0]) || *end || v == 0 || v > 1000) {
				g_ptr_array_free(only, TRUE);
				return plot_usage_error("--keys \"%s\": expected a number from 1 to "
							"1000", argv[i]);
			}
			keys = (unsigned)v;
			curves = true;
		} else if (!strcmp(a, "--out")) {
			out = argv[++i];
		} else if (!strcmp(a, "--cdf")) {
			cdf = argv[++i];
		} else if (!strcmp(a, "--by")) {
			by = argv[++i];
		} else if (a[0] == '-' && a[1]) {
			g_ptr_array_free(only, TRUE);
			return plot_usage_error("unknown option \"%s\"", a);
		} else if (!dir) {
			dir = a;
		} else {
			g_ptr_array_free(only, TRUE);
			return plot_usage_error("unexpected argument \"%s\"", a);
		}
	}
	rc = -1;
	if (!dir)
		rc = plot_usage_error("missing %s", cdf ? "CSV" : "SWEEPDIR or RUNDIR");
	else if (by && !cdf)
		rc = plot_usage_error("%s: --by goes with --cdf", "--by");
	else if (cdf && curves)
		rc = plot_usage_error("%s: --series and --keys are for time series", "--cdf");
	else if (cdf || curves || !g_file_test(dir, G_FILE_TEST_IS_DIR))
		rc = plot_curves(dir, out, cdf, by, only, keys, quiet);
	else {
		desc = g_build_filename(dir, "sweep.xml", NULL);
		if (!g_file_test(desc, G_FILE_TEST_EXISTS))
			rc = plot_curves(dir, out, cdf, by, only, keys, quiet);
		else if (out)
			rc = plot_usage_error("%s: a sweep's plots go to SWEEPDIR/plots", "--out");
		g_free(desc);
	}
	g_ptr_array_free(only, TRUE);
	if (rc >= 0)
		return rc;
	man = g_build_filename(dir, "manifest", NULL);
	if ((text = fileio_text(man, NULL)) != NULL) {
		char *p = strstr(text, "\nbase_dir=");

		if (p) {
			p += strlen("\nbase_dir=");
			base_dir = g_strndup(p, strcspn(p, "\n"));
		}
	}
	g_free(text);
	g_free(man);
	desc = g_build_filename(dir, "sweep.xml", NULL);
	d = sw_desc_load(desc, base_dir);
	g_free(desc);
	g_free(base_dir);
	if (!d)
		return 1;
	if (d->plots->len == 0) {
		fprintf(stderr, "%s: %s/sweep.xml has no <plot>\n", log_prog(), dir);
		sw_desc_free(d);
		return 1;
	}
	csv = g_build_filename(dir, "results.csv", NULL);
	pdir = g_build_filename(dir, "plots", NULL);
	rc = sw_plots_draw(d, csv, pdir, quiet) == 0 ? 0 : 1;
	g_free(csv);
	g_free(pdir);
	sw_desc_free(d);
	return rc;
}
