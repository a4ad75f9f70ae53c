/*
 * sweep.h - batch parameter sweeps: the "sweep" and "plot" commands.
 *
 * A sweep description (sweep/sweep.xsd, doc/sweeps.md) names a base
 * scenario, the parameters to vary, the repetitions, the metrics to
 * collect and the plots to draw.  It expands into a plan: a numbered
 * list of runs, each one "cometsim run BASE --seed S --run R --set ...
 * --out DIR/runs/ID".  Every engine (a local pool of processes, GNU
 * parallel, a Slurm job array) starts the same wrapper for a run,
 * "cometsim sweep exec DIR INDEX", which runs that command, records its
 * exit status and stderr, and never runs a finished run again.  The
 * results of the runs are gathered into one tidy CSV and drawn by
 * gnuplot.
 *
 * The module sits beside the front end (cli/), which only dispatches to
 * sweep_main() and plot_main(): it may read the wall clock and handle
 * signals; it only reads what runs write (summary.json, counters.csv)
 * and never reaches into the engine.  sweep_int.h holds what its files
 * share among themselves.
 *
 * The header lists the functions file by file.
 */
#ifndef SWEEP_SWEEP_H
#define SWEEP_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

#include "sweep/sweep_expr.h"

/* ---- the description (sweep_desc.c) ---- */

/* One swept parameter: a name and its values, in order. */
struct sw_param {
	char *name;
	GPtrArray *values;	/* char *, as written or computed (ranges) */
	int group;		/* params of one <tuple> share it */
	bool direct;		/* passed as --set NAME=VALUE itself */
	char *unit;		/* unit=, for legends and axis labels; may be NULL */
	int line;
};

/* <set name= value=>: a --set given to every run, ${param} substituted. */
struct sw_set {
	char *name;
	char *value;
	int line;
};

enum sw_agg { SW_AGG_SUM, SW_AGG_MEAN, SW_AGG_MIN, SW_AGG_MAX, SW_AGG_COUNT };

/*
 * <metric name= select=>: a field of summary.json ("events",
 * "drops.loss") or rows of counters.csv ("KIND:NAME:COUNTER", each part
 * a glob), combined by agg and multiplied by scale.
 */
struct sw_metric {
	char *name;
	char *select;
	bool counter;		/* counters.csv rather than summary.json */
	char *kind, *oname, *cname;	/* the three parts of a counter selector */
	enum sw_agg agg;
	bool has_scale;
	double scale;
	bool has_max;		/* max="...": no value can exceed it (plots clip to it) */
	double max;
	int line;
};

/* <plot>: mean and 95% confidence interval of y against x, a series per value. */
struct sw_plot {
	char *name;
	char *x, *y, *series;	/* series may be NULL */
	struct sw_expr *where;	/* may be NULL */
	char *title, *xlabel, *ylabel;
	bool logx, logy;
	int line;
};

struct sw_desc {
	char *path;		/* the description file as given */
	char *name;
	char *scenario;		/* the base scenario, absolute */
	char *pcap;		/* --pcap of every run (default "none") */
	char *log;		/* --log of every run, or NULL */
	unsigned ranks;		/* processes of each run (mpirun or srun), default 1 */
	int ranks_line;		/* the line of <run ranks=>, 0 when not given */
	GPtrArray *params;	/* struct sw_param * */
	int ngroups;
	GPtrArray *sets;	/* struct sw_set * */
	GPtrArray *skips;	/* struct sw_expr * */
	GArray *skip_lines;	/* int, beside skips */
	GArray *seeds;		/* uint64_t; empty: the scenario's */
	GArray *runs;		/* uint64_t; empty: the scenario's */
	GPtrArray *metrics;	/* struct sw_metric * */
	GPtrArray *plots;	/* struct sw_plot * */
};

/* One run of the plan. */
struct sw_run {
	unsigned index;
	char **vals;		/* a value per param (pointers into the params) */
	char **setvals;		/* a value per <set>, substituted */
	uint64_t seed, run;
};

struct sw_plan {
	struct sw_desc *d;
	struct sw_run *runs;
	size_t n;
	int idwidth;		/* digits of a run id */
};

/*
 * Parse and validate a description file (schema, values, expressions,
 * references between its own elements); the scenario path is made
 * absolute relative to base_dir (NULL: the description's folder).
 * Returns NULL after printing "file:line: message" errors on stderr.
 */
struct sw_desc *sw_desc_load(const char *path, const char *base_dir);
void sw_desc_free(struct sw_desc *d);

/* ---- the plan (sweep_plan.c) ---- */

/*
 * Check the parameter and <set> names against the base scenario's
 * (as "cometsim params" lists them) and fill in the default seed and
 * run.  Returns 0, or -1 after printing the errors with the valid names.
 */
int sw_desc_check_scenario(struct sw_desc *d);
/* Expand into the plan (constraints applied).  NULL after printing an error. */
struct sw_plan *sw_plan_build(struct sw_desc *d);
void sw_plan_free(struct sw_plan *p);
/* "0007": the id of run i, as wide as the plan needs.  Caller frees. */
char *sw_run_id(const struct sw_plan *p, unsigned i);
/*
 * The argument vector of run i, from "run" on (the program name is not
 * in it), with its output in out_dir.  NULL-terminated; g_strfreev().
 */
char **sw_run_argv(const struct sw_plan *p, unsigned i, const char *out_dir);
/* The columns naming a run: every parameter, then every <set> name. */
GPtrArray *sw_plan_columns(const struct sw_plan *p);
/* A value of run r for column c of sw_plan_columns(). */
const char *sw_run_column(const struct sw_plan *p, const struct sw_run *r, unsigned c);
/* The plan as CSV text (run_id, columns, seed, run): the sweep's identity. */
char *sw_plan_csv(const struct sw_plan *p);

/* ---- what the runs wrote, metrics (sweep_out.c) ---- */

/* A run's outputs, flattened: "drops.loss" -> "0"; counters rows. */
struct sw_outputs {
	GHashTable *summary;	/* char * -> char *, flattened JSON scalars */
	GPtrArray *summary_keys;	/* in file order */
	GPtrArray *rows;	/* char *[4]: kind, name, counter, value */
};

/* Read DIR/summary.json and DIR/counters.csv.  NULL if summary.json is not there. */
struct sw_outputs *sw_outputs_read(const char *dir);
void sw_outputs_free(struct sw_outputs *o);
/* True when o's summary says the run completed. */
bool sw_outputs_complete(const struct sw_outputs *o);
/*
 * True when rdir/summary.json says the run completed ("status" of its
 * top-level object is "complete"): the mark of a finished run.
 */
bool sw_summary_complete(const char *rdir);
/* True when rdir/summary.json says the run was interrupted (a signal). */
bool sw_summary_interrupted(const char *rdir);
/*
 * The value of metric m in o as text: 1 with *val set (caller frees),
 * 0 if nothing in o matches, -1 with err (a non-numeric field to add...).
 */
int sw_metric_value(const struct sw_metric *m, const struct sw_outputs *o, char **val,
		    char *err, size_t errlen);
/* What selectors o offers, for "unknown metric" errors.  Caller frees. */
char *sw_outputs_describe(const struct sw_outputs *o);

/* ---- small text formats (sweep_text.c) ---- */

/* One field of CSV, quoted when needed (RFC 4180). */
void sw_csv_field(GString *s, const char *v);
/* Parse CSV text into rows (GPtrArray of GPtrArray of char *).  NULL if malformed. */
GPtrArray *sw_csv_parse(const char *text);
/* Write text to path through a temporary file and a rename.  0 or -1 (errno). */
int sw_write_atomic(const char *path, const char *text, size_t len);
/* Shell-quoted argument vector, for humans and GNU parallel. */
char *sw_shell_join(char *const *argv);

/* ---- the sweep command (sweep.c) ---- */

extern const char sweep_usage[];
extern const char sweep_help[];
/* cometsim sweep ...: argv[0] is "cometsim sweep".  Returns the exit status. */
int sweep_main(int argc, char **argv);
/*
 * Whether this program, which every run of a sweep is, was built with
 * Open MPI and so can split a run over processes (<run ranks="N">,
 * --ranks N).  The front end says so (par_built()) before sweep_main():
 * the module does not include par/.  Until then it is false, and a
 * sweep asking for more than one process a run is refused.
 */
void sweep_set_mpi(bool built);

/* ---- plots (sweep_plot.c) ---- */

extern const char plot_usage[];
extern const char plot_help[];
/*
 * cometsim plot SWEEPDIR: redraw the plots of a sweep from its results.csv;
 * cometsim plot RUNDIR: the time series of a run (sweep_curves.c);
 * cometsim plot --cdf COLUMN CSV: a CDF (sweep_curves.c).
 */
int plot_main(int argc, char **argv);
/* Single quotes for gnuplot: nothing inside is interpreted but ''. */
void sw_gp_str(GString *s, const char *v);
/* A number for a .dat file (10 significant digits, a point whatever the locale). */
void sw_dat_num(GString *s, double v);
/*
 * Run gnuplot (its path) on NAME.gp in dir, which draws NAME.png and
 * NAME.svg there.  0, or -1 after printing why.
 */
int sw_gnuplot(const char *gnuplot, const char *dir, const char *name);

/* ---- curves of a tidy CSV (sweep_curves.c) ---- */

/*
 * The time series of a run's timeseries.csv at csv: outdir/ts-SERIES.dat,
 * .gp, .png and .svg for each series (those of only, NULL-terminated, if
 * it names any), a line per key, at most maxkeys keys (0: 10) with the
 * highest peaks.  0, or -1 after printing why.
 */
int sw_plot_timeseries(const char *csv, const char *outdir, const char *const *only,
		       unsigned maxkeys, bool quiet);
/*
 * The empirical CDF of the numeric column `column` of the CSV file csv
 * (with a header), a curve per value of the column `by` (NULL: one):
 * outdir/cdf-COLUMN.dat, .gp, .png and .svg.  Empty cells are left out.
 * 0, or -1 after printing why.
 */
int sw_plot_cdf(const char *csv, const char *column, const char *by, const char *outdir,
		bool quiet);
/*
 * Draw every plot of d from the results CSV at csv_path into
 * plots_dir (NAME.dat, NAME.gp, NAME.png, NAME.svg).  Returns 0, or -1
 * after printing what went wrong.
 */
int sw_plots_draw(const struct sw_desc *d, const char *csv_path, const char *plots_dir,
		  bool quiet);

/* ---- statistics (sweep_stats.c) ---- */

/*
 * The critical value of Student's t distribution with df degrees of
 * freedom for a two-sided test at level alpha: the t with P(|T| > t) =
 * alpha (0.05 for a 95% interval, 0.01 for 99%).  NAN when df is 0.
 */
double sw_t_crit(double alpha, unsigned df);
/*
 * The mean of the n values v, their sample standard deviation (0 when n
 * is 1 or the values are all equal) and the half width of the 95%
 * confidence interval of the mean, t(0.05, n - 1) sd / sqrt(n) (0 when n
 * is 1).  n > 0.
 */
void sw_stats_mean_ci(const double *v, unsigned n, double *mean, double *sd, double *ci);

#endif /* SWEEP_SWEEP_H */
