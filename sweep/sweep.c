/*
 * sweep.c - the "sweep" command: start a sweep with one of three
 * engines, follow it, gather its results.
 *
 *   cometsim sweep SWEEP.xml [-j N] [--engine local|parallel|slurm] [--out DIR]
 *   cometsim sweep status DIR
 *   cometsim sweep collect DIR
 *   cometsim sweep exec DIR INDEX [-- LAUNCHER ARG...]
 *                                      (what every engine starts, once per run)
 *
 * The sweep directory holds everything: sweep.xml (a copy of the
 * description), manifest, plan.csv (the runs: the sweep's identity),
 * runs/ID/ (the outputs of run ID, with argv, command, stderr.txt, exit,
 * attempts.log and lock), results.csv, runs.csv and plots/.  Started
 * again with the same description and directory, a sweep runs only what
 * is not finished (sweep_dir.c says when a run is finished, sweep_exec.c
 * how one is run, sweep_engine.c how the runs are spread).
 *
 * This file parses the options, prepares the directory, hands the pending
 * runs to the engine, and gathers what the runs wrote into results.csv
 * (one row per run and metric) and runs.csv (one row per run: its state,
 * exit status and last stderr lines).  doc/sweeps.md is the user's guide.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "output/output.h"
#include "sim/units.h"
#include "sweep/sweep_int.h"

/* What every sweep writes in its directory first: the mark of one. */
static const char *const sweep_own[] = { "manifest", "plan.csv", NULL };

const char sweep_usage[] =
	"usage: cometsim sweep SWEEP.xml [-j N] [--engine local|parallel|slurm]\n"
	"                      [--out DIR] [--ranks N] [--sshloginfile FILE]\n"
	"                      [--sbatch OPTION]... [--dry-run] [--quiet]\n"
	"       cometsim sweep status DIR\n"
	"       cometsim sweep collect DIR [--quiet]\n"
	"       cometsim sweep exec DIR INDEX [-- LAUNCHER ARG...]\n";

const char sweep_help[] =
	"Run a scenario over a grid of parameters and repetitions (a sweep\n"
	"description, doc/sweeps.md), gather one tidy CSV and draw the plots.\n"
	"Started again with the same description and directory, a sweep runs only\n"
	"what is not finished.\n"
	"\n"
	"  -j, --jobs N          runs at a time (local: default the number of CPUs,\n"
	"                        divided by the processes of a run;\n"
	"                        parallel: --jobs of GNU parallel; slurm: the array's\n"
	"                        %N throttle)\n"
	"  -e, --engine NAME     local (default), parallel (GNU parallel) or slurm\n"
	"                        (submit a job array and return)\n"
	"  -o, --out DIR         the sweep directory (default output/sweeps/NAME)\n"
	"  --ranks N             processes of each run (mpirun -np N, or srun -n N\n"
	"                        under Slurm), instead of <run ranks=\"...\"> (default\n"
	"                        1); more than 1 needs a build with --enable-mpi\n"
	"  --sshloginfile FILE   (parallel) passed to GNU parallel: spread the runs\n"
	"                        over the hosts it lists (shared file system)\n"
	"  --sbatch OPTION       (slurm) an option for sbatch, e.g. --sbatch=--time=10\n"
	"  -n, --dry-run         print the run commands and exit\n"
	"  -q, --quiet           no progress line, no summary on stdout\n"
	"  -h, --help            this help\n"
	"\n"
	"  status DIR            how many runs are finished, failed, running, queued\n"
	"  collect DIR           gather results.csv and runs.csv, draw the plots\n"
	"  exec DIR INDEX        run run INDEX of the sweep (what the engines start)\n"
	"\n"
	"Exit status: 0 every run complete, 1 a run failed or bad input, 2 bad\n"
	"usage, 3 runs still queued or running, 130/143 interrupted.\n";


/* ---- collecting ---- */

struct tally {
	unsigned n[SW_RS_COMPLETE + 1];
	unsigned total;
};

/*
 * 0 when every run is complete, 3 while some are queued or running, 1
 * otherwise (failed runs, or unfinished ones nothing is running: a
 * loop that polls "sweep status" until it is not 3 always ends).
 */
static int
tally_status(const struct tally *t)
{
	if (t->n[SW_RS_COMPLETE] == t->total)
		return 0;
	if (t->n[SW_RS_RUNNING] || t->n[SW_RS_QUEUED])
		return SW_EXIT_PENDING;
	return SW_EXIT_INPUT;
}

/* Unfinished runs that nothing runs any more: say how to go on. */
static void
tally_hint(const struct tally *t, const struct sw_dir *sd)
{
	unsigned idle = t->n[SW_RS_PENDING] + t->n[SW_RS_INTERRUPTED];
	const char *desc = g_hash_table_lookup(sd->manifest, "description");

	if (idle && !t->n[SW_RS_RUNNING] && !t->n[SW_RS_QUEUED])
		fprintf(stderr, "%s: %u runs are not finished and nothing runs them: "
			"start the sweep again (cometsim sweep %s --out %s)\n", log_prog(), idle,
			desc ? desc : "SWEEP.xml", sd->dir);
}

/* Run i of the plan as "name=value name=value seed=S run=R". */
static char *
row_label(const struct sw_dir *sd, guint i)
{
	GPtrArray *row = sw_dir_row(sd, i);
	GString *s = g_string_new(NULL);

	for (guint c = 1; c < row->len && c < sd->cols->len; c++)
		g_string_append_printf(s, "%s%s=%s", c > 1 ? " " : "",
				       (const char *)g_ptr_array_index(sd->cols, c),
				       (const char *)g_ptr_array_index(row, c));
	return g_string_free(s, FALSE);
}

/*
 * Write results.csv and runs.csv from the runs' outputs, print the
 * failures and (unless quiet) a summary.  queued: run indexes Slurm
 * still holds (may be NULL).  Returns the exit status.
 */
static int
collect(struct sw_dir *sd, const struct sw_desc *d, bool quiet, bool draw,
	GHashTable *queued, const char *prefix)
{
	GString *res = g_string_new(NULL), *runs = g_string_new(NULL);
	guint nruns = sw_dir_nruns(sd), nm = d->metrics->len, nrows = 0;
	unsigned *matched = g_new0(unsigned, nm), *bad = g_new0(unsigned, nm);
	struct sw_outputs *first = NULL;
	struct tally t = { .total = nruns };
	GString *failures = g_string_new(NULL);
	char *path;
	int rc, errors = 0;

	/* Headers: the plan's columns, then what each file adds. */
	for (guint c = 0; c < sd->cols->len; c++) {
		const char *name = g_ptr_array_index(sd->cols, c);

		if (c) {
			g_string_append_c(res, ',');
			g_string_append_c(runs, ',');
		}
		sw_csv_field(res, name);
		sw_csv_field(runs, name);
	}
	g_string_append(res, ",version,commit,metric,value\n");
	g_string_append(runs, ",status,exit,attempts,stderr_tail\n");

	for (guint i = 0; i < nruns; i++) {
		GPtrArray *row = sw_dir_row(sd, i);
		char *rdir = sw_run_dir(sd->dir, sd->idwidth, i);
		struct sw_outputs *o = NULL;
		struct sw_rinfo ri;
		char *tail = NULL;

		sw_rinfo_read(rdir, &ri);
		if (ri.st == SW_RS_COMPLETE) {
			o = sw_outputs_read(rdir);
			if (!sw_outputs_complete(o)) {
				sw_outputs_free(o);
				o = NULL;
				ri.st = SW_RS_FAILED;
			}
		}
		if (ri.st == SW_RS_PENDING && queued &&
		    g_hash_table_contains(queued, GUINT_TO_POINTER(i + 1)))
			ri.st = SW_RS_QUEUED;
		t.n[ri.st]++;
		if (ri.st == SW_RS_FAILED) {
			char *label = row_label(sd, i);

			tail = sw_stderr_tail(rdir);
			g_string_append_printf(failures, "  %s (%s): %s: %s\n",
					       (const char *)g_ptr_array_index(row, 0), label,
					       ri.exit ? ri.exit : "no exit status", tail);
			g_free(label);
		}
		for (guint c = 0; c < row->len; c++) {
			if (c)
				g_string_append_c(runs, ',');
			sw_csv_field(runs, g_ptr_array_index(row, c));
		}
		g_string_append_printf(runs, ",%s,", sw_rstate_names[ri.st]);
		sw_csv_field(runs, ri.exit ? ri.exit : "");
		g_string_append_printf(runs, ",%u,", ri.attempts);
		sw_csv_field(runs, tail ? tail : "");
		g_string_append_c(runs, '\n');

		for (guint k = 0; o && k < nm; k++) {
			const struct sw_metric *m = g_ptr_array_index(d->metrics, k);
			char *val = NULL, err[512];
			int got = sw_metric_value(m, o, &val, err, sizeof(err));
			const char *v;

			if (got < 0 && !bad[k]++) {
				fprintf(stderr, "%s: run %s: %s\n", d->path,
					(const char *)g_ptr_array_index(row, 0), err);
				errors++;
			}
			if (got <= 0)
				continue;
			matched[k]++;
			nrows++;
			/*
			 * seed and run as the run reported them, then version and
			 * commit.  A seed above INT64_MAX is in summary.json as a
			 * rounded double (output/report.c): the plan's is exact.
			 */
			for (guint c = 0; c < row->len; c++) {
				const char *col = g_ptr_array_index(sd->cols, c);

				if (c)
					g_string_append_c(res, ',');
				if ((!strcmp(col, "seed") || !strcmp(col, "run")) &&
				    c + 2 >= row->len &&
				    (v = g_hash_table_lookup(o->summary, col)) &&
				    v[0] && !v[strspn(v, "0123456789")])
					sw_csv_field(res, v);
				else
					sw_csv_field(res, g_ptr_array_index(row, c));
			}
			g_string_append_c(res, ',');
			v = g_hash_table_lookup(o->summary, "version");
			sw_csv_field(res, v ? v : "");
			g_string_append_c(res, ',');
			v = g_hash_table_lookup(o->summary, "commit");
			sw_csv_field(res, v ? v : "");
			g_string_append_c(res, ',');
			sw_csv_field(res, m->name);
			g_string_append_c(res, ',');
			sw_csv_field(res, val);
			g_string_append_c(res, '\n');
			g_free(val);
		}
		if (o && !first)
			first = o;
		else
			sw_outputs_free(o);
		g_free(tail);
		g_free(ri.exit);
		g_free(rdir);
	}

	path = g_build_filename(sd->dir, "results.csv", NULL);
	if (sw_write_atomic(path, res->str, res->len) != 0)
		errors++;
	g_free(path);
	path = g_build_filename(sd->dir, "runs.csv", NULL);
	if (sw_write_atomic(path, runs->str, runs->len) != 0)
		errors++;
	g_free(path);

	/* A metric no finished run has is a mistake in the description. */
	if (first) {
		GString *unknown = g_string_new(NULL);

		for (guint k = 0; k < nm; k++)
			if (!matched[k] && !bad[k]) {
				const struct sw_metric *m = g_ptr_array_index(d->metrics, k);

				fprintf(stderr, "%s:%d: metric %s: select=\"%s\" matches nothing in "
					"any finished run\n", d->path, m->line, m->name, m->select);
				g_string_append_c(unknown, 'x');
			}
		if (unknown->len) {
			char *desc = sw_outputs_describe(first);

			fprintf(stderr, "valid selections (from the first finished run):\n%s\n",
				desc);
			g_free(desc);
			errors++;
		}
		g_string_free(unknown, TRUE);
	}

	rc = tally_status(&t);
	if (!sw_got_signal)
		tally_hint(&t, sd);
	if (t.n[SW_RS_FAILED])
		fprintf(stderr, "%s: %u of %u runs failed (runs.csv has their exit "
			"status and stderr):\n%s", log_prog(), t.n[SW_RS_FAILED], nruns, failures->str);
	if (!quiet) {
		printf("%s%u runs: %u complete", prefix ? prefix : "", nruns, t.n[SW_RS_COMPLETE]);
		for (int s = SW_RS_FAILED; s >= SW_RS_PENDING; s--)
			if (t.n[s])
				printf(", %u %s", t.n[s], s == SW_RS_PENDING ? "not started" :
				       sw_rstate_names[s]);
		printf("\nresults: %s/results.csv (%u rows), runs: %s/runs.csv\n", sd->dir,
		       nrows, sd->dir);
	}
	if (draw && d->plots->len && nrows) {
		char *csv = g_build_filename(sd->dir, "results.csv", NULL);
		char *pdir = g_build_filename(sd->dir, "plots", NULL);

		if (sw_plots_draw(d, csv, pdir, quiet) != 0)
			errors++;
		g_free(csv);
		g_free(pdir);
	}
	if (errors && rc == 0)
		rc = SW_EXIT_INPUT;
	if (errors && rc == SW_EXIT_PENDING)
		rc = SW_EXIT_INPUT;
	sw_outputs_free(first);
	g_string_free(failures, TRUE);
	g_string_free(res, TRUE);
	g_string_free(runs, TRUE);
	g_free(matched);
	g_free(bad);
	return rc;
}

/* ---- status and collect ---- */

static int
cmd_status(int argc, char **argv)
{
	struct sw_dir *sd;
	GHashTable *queued;
	struct tally t = { 0 };
	unsigned nactive = 0;
	GString *failed = g_string_new(NULL);
	int rc;

	(void)argc;
	sd = sw_dir_open(argv[1]);
	if (!sd)
		return SW_EXIT_INPUT;
	queued = sw_slurm_active(sd, &nactive);
	t.total = sw_dir_nruns(sd);
	for (guint i = 0; i < t.total; i++) {
		char *rdir = sw_run_dir(sd->dir, sd->idwidth, i);
		struct sw_rinfo ri;

		sw_rinfo_read(rdir, &ri);
		if (ri.st != SW_RS_COMPLETE && ri.st != SW_RS_RUNNING && queued &&
		    g_hash_table_contains(queued, GUINT_TO_POINTER(i + 1)))
			ri.st = ri.st == SW_RS_PENDING ? SW_RS_QUEUED : SW_RS_RUNNING;
		t.n[ri.st]++;
		if (ri.st == SW_RS_FAILED) {
			char *label = row_label(sd, i), *tail = sw_stderr_tail(rdir);

			g_string_append_printf(failed, "  %s (%s): %s: %s\n",
					       (const char *)g_ptr_array_index(sw_dir_row(sd, i), 0),
					       label, ri.exit, tail);
			g_free(label);
			g_free(tail);
		}
		g_free(ri.exit);
		g_free(rdir);
	}
	printf("%s: %u runs: %u complete, %u failed, %u running, %u queued, "
	       "%u interrupted, %u not started\n",
	       (const char *)g_hash_table_lookup(sd->manifest, "name"), t.total,
	       t.n[SW_RS_COMPLETE], t.n[SW_RS_FAILED], t.n[SW_RS_RUNNING], t.n[SW_RS_QUEUED],
	       t.n[SW_RS_INTERRUPTED], t.n[SW_RS_PENDING]);
	if (queued)
		printf("slurm: %u array tasks pending or running\n", nactive);
	if (failed->len)
		printf("failed:\n%s", failed->str);
	rc = tally_status(&t);
	tally_hint(&t, sd);
	if (queued)
		g_hash_table_destroy(queued);
	g_string_free(failed, TRUE);
	sw_dir_free(sd);
	return rc;
}

static int
cmd_collect(int argc, char **argv)
{
	struct sw_dir *sd;
	struct sw_desc *d;
	GHashTable *queued;
	unsigned nactive;
	bool quiet = false;
	const char *dir = NULL;
	int rc;

	(void)argc;
	dir = argv[1];
	quiet = argv[2] != NULL;
	sd = sw_dir_open(dir);
	if (!sd)
		return SW_EXIT_INPUT;
	d = sw_dir_desc(sd);
	if (!d) {
		sw_dir_free(sd);
		return SW_EXIT_INPUT;
	}
	queued = sw_slurm_active(sd, &nactive);
	rc = collect(sd, d, quiet, true, queued, NULL);
	if (queued)
		g_hash_table_destroy(queued);
	sw_desc_free(d);
	sw_dir_free(sd);
	return rc;
}

/* ---- starting a sweep ---- */

static int
dry_run(struct sw_plan *pl, const char *dir, char *const *launch)
{
	for (size_t i = 0; i < pl->n; i++) {
		char *rdir = sw_run_dir(dir, pl->idwidth, (unsigned)i);
		char **av = sw_run_argv(pl, (unsigned)i, rdir);
		GPtrArray *full = g_ptr_array_new();
		char *cmd;

		for (char *const *q = launch; q && *q; q++)
			g_ptr_array_add(full, *q);
		g_ptr_array_add(full, "cometsim");
		for (char **q = av; *q; q++)
			g_ptr_array_add(full, *q);
		g_ptr_array_add(full, NULL);
		cmd = sw_shell_join((char **)full->pdata);
		printf("%s\n", cmd);
		g_free(cmd);
		g_ptr_array_free(full, TRUE);
		g_strfreev(av);
		g_free(rdir);
	}
	return 0;
}

enum { OPT_SSH = 256, OPT_SBATCH, OPT_RANKS };

static const struct option sweep_options[] = {
	{ "jobs", required_argument, NULL, 'j' },
	{ "engine", required_argument, NULL, 'e' },
	{ "out", required_argument, NULL, 'o' },
	{ "sshloginfile", required_argument, NULL, OPT_SSH },
	{ "sbatch", required_argument, NULL, OPT_SBATCH },
	{ "ranks", required_argument, NULL, OPT_RANKS },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int
usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", log_prog());
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	fputs(sweep_usage, stderr);
	return SW_EXIT_USAGE;
}

/* Whether this program can split a run over processes (sweep_set_mpi()). */
static bool mpi_built;

void
sweep_set_mpi(bool built)
{
	mpi_built = built;
}

/*
 * Runs over several processes need a program built with Open MPI: the
 * runs are this program, wherever they run.  0, or -1 after printing.
 */
static int
check_ranks(const struct sw_opts *o, const struct sw_desc *d)
{
	if (mpi_built)
		return 0;
	if (o->ranks)
		fprintf(stderr, "%s: --ranks %u: ", log_prog(), o->ranks);
	else
		fprintf(stderr, "%s:%d: ranks=\"%u\": ", d->path, d->ranks_line, d->ranks);
	fprintf(stderr, "this cometsim was built without MPI and runs a run in one "
		"process only; configure it with --enable-mpi (doc/parallel.md) to split "
		"runs over processes, or ask for 1 rank\n");
	return -1;
}

static int
cmd_start(int argc, char **argv)
{
	struct sw_opts o = { 0 };
	struct sw_ctx cx = { 0 };
	struct sw_desc *d = NULL;
	char *dir = NULL, *lockpath = NULL, *path = NULL;
	int c, rc = SW_EXIT_INPUT, lockfd = -1;
	char msg[UNITS_ERRLEN];
	uint64_t v;

	o.sbatch = g_ptr_array_new();
	optind = 1;
	opterr = 0;	/* said below, in the program's words */
	while ((c = getopt_long(argc, argv, ":hj:e:o:nq", sweep_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			printf("%s\n%s", sweep_usage, sweep_help);
			rc = 0;
			goto done;
		case 'j':
			if (units_uint("-j", optarg, 1, 100000, &v, msg, sizeof(msg)) < 0) {
				rc = usage_error("%s", msg);
				goto done;
			}
			o.jobs = (unsigned)v;
			break;
		case 'e':
			if (!strcmp(optarg, "local"))
				o.engine = SW_ENG_LOCAL;
			else if (!strcmp(optarg, "parallel"))
				o.engine = SW_ENG_PARALLEL;
			else if (!strcmp(optarg, "slurm"))
				o.engine = SW_ENG_SLURM;
			else {
				rc = usage_error("unknown engine \"%s\" (one of: local, parallel, "
						 "slurm)", optarg);
				goto done;
			}
			break;
		case 'o':
			o.out = optarg;
			break;
		case OPT_SSH:
			o.sshloginfile = optarg;
			break;
		case OPT_SBATCH:
			g_ptr_array_add(o.sbatch, optarg);
			break;
		case OPT_RANKS:
			if (units_uint("--ranks", optarg, 1, SW_MAX_RANKS, &v, msg,
				       sizeof(msg)) < 0) {
				rc = usage_error("%s", msg);
				goto done;
			}
			o.ranks = (unsigned)v;
			break;
		case 'n':
			o.dry_run = true;
			break;
		case 'q':
			o.quiet = true;
			break;
		default: {	/* ':' or '?' */
			char *why = log_getopt_error(c, argc, argv, sweep_options);

			rc = usage_error("%s", why);
			g_free(why);
			goto done;
		}
		}
	}
	if (optind >= argc) {
		rc = usage_error("%s", "missing SWEEP.xml");
		goto done;
	}
	if (optind + 1 < argc) {
		rc = usage_error("unexpected argument \"%s\"", argv[optind + 1]);
		goto done;
	}
	if (o.sshloginfile && o.engine != SW_ENG_PARALLEL) {
		rc = usage_error("%s", "--sshloginfile goes with --engine parallel");
		goto done;
	}
	if (o.sbatch->len && o.engine != SW_ENG_SLURM) {
		rc = usage_error("%s", "--sbatch goes with --engine slurm");
		goto done;
	}
	o.desc_path = argv[optind];
	cx.o = &o;

	d = sw_desc_load(o.desc_path, NULL);
	if (!d || sw_desc_check_scenario(d) != 0)
		goto done;
	cx.plan = sw_plan_build(d);
	if (!cx.plan)
		goto done;
	if (o.ranks)
		d->ranks = o.ranks;
	if (d->ranks > 1 && check_ranks(&o, d) != 0)
		goto done;
	cx.launch = sw_launcher(o.engine, d->ranks);
	if (o.out)
		dir = g_canonicalize_filename(o.out, NULL);
	else {
		char *rel = g_build_filename("output", "sweeps", d->name, NULL);

		dir = g_canonicalize_filename(rel, NULL);
		g_free(rel);
	}
	if (o.dry_run) {
		rc = dry_run(cx.plan, dir, cx.launch);
		goto done;
	}
	/* mpirun is needed where the sweep runs them; srun is the cluster's. */
	if (cx.launch && o.engine != SW_ENG_SLURM &&
	    !(path = g_find_program_in_path(cx.launch[0]))) {
		fprintf(stderr, "%s: runs over %u processes need %s, which is not installed "
			"(Debian: apt-get install openmpi-bin)\n", log_prog(), d->ranks,
			cx.launch[0]);
		goto done;
	}
	cx.self = sw_self_exe();
	if (!cx.self) {
		fprintf(stderr, "%s: cannot find the program itself\n", log_prog());
		goto done;
	}
	if (output_dir_foreign(dir, sweep_own)) {
		fprintf(stderr, "%s: %s: not empty, and not a sweep directory (it "
			"has no manifest): choose another --out, or empty it yourself\n", log_prog(), dir);
		goto done;
	}
	if (g_mkdir_with_parents(dir, 0777) != 0) {
		fprintf(stderr, "%s: %s: %s\n", log_prog(), dir, strerror(errno));
		goto done;
	}
	/* One sweep process per directory at a time. */
	lockpath = g_build_filename(dir, "lock", NULL);
	lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (lockfd < 0 || flock(lockfd, LOCK_EX | LOCK_NB) != 0) {
		fprintf(stderr, "%s: %s is in use by another cometsim sweep\n", log_prog(), dir);
		goto done;
	}
	if (sw_dir_prepare(dir, cx.plan, cx.self, cx.launch) != 0)
		goto done;
	cx.sd = sw_dir_open(dir);
	if (!cx.sd)
		goto done;

	cx.pending = g_array_new(FALSE, FALSE, sizeof(unsigned));
	for (unsigned i = 0; i < cx.plan->n; i++) {
		char *rdir = sw_run_dir(dir, cx.plan->idwidth, i);

		if (sw_summary_complete(rdir))
			cx.done_before++;
		else
			g_array_append_val(cx.pending, i);
		g_free(rdir);
	}
	cx.show = !o.quiet && isatty(STDERR_FILENO);
	cx.t0 = sw_wall_ns();
	if (cx.done_before && !o.quiet) {
		if (cx.pending->len)
			printf("%s: %u of %zu runs already complete; running the other %u\n",
			       d->name, cx.done_before, cx.plan->n, cx.pending->len);
		else
			printf("%s: all %zu runs already complete\n", d->name, cx.plan->n);
	}

	if (cx.pending->len) {
		switch (o.engine) {
		case SW_ENG_LOCAL:
			rc = sw_engine_local(&cx);
			break;
		case SW_ENG_PARALLEL:
			rc = sw_engine_parallel(&cx);
			break;
		case SW_ENG_SLURM:
			rc = sw_engine_slurm(&cx);
			goto done;	/* status and collect follow the job */
		}
		if (rc != 0)
			goto done;
	}
	{
		char *prefix = g_strdup_printf("sweep %s: ", d->name);

		rc = collect(cx.sd, d, o.quiet, true, NULL, prefix);
		g_free(prefix);
	}
	if (sw_got_signal) {
		fprintf(stderr, "%s: interrupted; run the same command again to "
			"finish the sweep\n", log_prog());
		rc = 128 + sw_got_signal;
	}
done:
	if (lockfd >= 0)
		close(lockfd);
	g_free(lockpath);
	if (cx.pending)
		g_array_free(cx.pending, TRUE);
	sw_dir_free(cx.sd);
	g_free(cx.self);
	g_strfreev(cx.launch);
	g_free(path);
	sw_plan_free(cx.plan);
	sw_desc_free(d);
	g_free(dir);
	g_ptr_array_free(o.sbatch, TRUE);
	return rc;
}

/* ---- status, collect, exec: their usage and arguments ---- */

static const char status_usage[] = "usage: cometsim sweep status SWEEPDIR\n";
static const char status_help[] =
	"Count the runs of a sweep directory: complete, failed (with the end of\n"
	"their standard error), running, queued (Slurm), interrupted, not started.\n"
	"\n"
	"  -h, --help            this help\n"
	"\n"
	"Exit status: 0 every run complete, 1 a run failed, bad input or runs left\n"
	"that nothing runs, 2 bad usage, 3 runs still queued or running.\n";
static const char collect_usage[] = "usage: cometsim sweep collect SWEEPDIR [--quiet]\n";
static const char collect_help[] =
	"Gather the finished runs of a sweep directory into results.csv and\n"
	"runs.csv and draw the plots (what a sweep does when its runs are over;\n"
	"for the Slurm engine, which returns at once).\n"
	"\n"
	"  -q, --quiet           no summary on stdout\n"
	"  -h, --help            this help\n"
	"\n"
	"Exit status: as cometsim sweep status.\n";
static const char exec_usage[] =
	"usage: cometsim sweep exec SWEEPDIR INDEX [-- LAUNCHER ARG...]\n";
static const char exec_help[] =
	"Run run INDEX (from 0) of a sweep directory under its lock, keeping its\n"
	"standard error and exit status; skip it when its summary.json says\n"
	"complete.  What every engine starts for each run (COMETSIM_SWEEP_WRAP:\n"
	"a command to run it under, doc/sweeps.md).  After --, the launcher of a\n"
	"run over several processes, which gets the program and its arguments\n"
	"(-- mpirun -np 2 --oversubscribe, -- srun -n 2).\n"
	"\n"
	"  -h, --help            this help\n"
	"\n"
	"Exit status: that of the run; 1 bad input, 2 bad usage.\n";

/* A usage error of a sub-command: the message, its synopsis, status 2. */
static int
sub_usage_error(const char *usage, const char *fmt, const char *arg)
{
	fprintf(stderr, "%s: ", log_prog());
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	fputs(usage, stderr);
	return SW_EXIT_USAGE;
}

/*
 * The arguments of status, collect or exec (argv[0] is its name): -h or
 * --help prints its help (-1: exit 0); -q or --quiet when the command
 * takes it (*quiet not NULL); then exactly nops operands (named
 * opnames), into ops.  An
 * unknown option, a missing or an extra operand: a usage error (2).
 */
static int
sub_args(int argc, char **argv, const char *usage, const char *help,
	 const char *const *opnames, int nops, const char **ops, bool *quiet)
{
	int n = 0;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			printf("%s\n%s", usage, help);
			return -1;
		}
	}
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (quiet && (!strcmp(a, "-q") || !strcmp(a, "--quiet")))
			*quiet = true;
		else if (a[0] == '-' && a[1])
			return sub_usage_error(usage, "unknown option \"%s\"", a);
		else if (n < nops)
			ops[n++] = a;
		else
			return sub_usage_error(usage, "unexpected argument \"%s\"", a);
	}
	if (n < nops)
		return sub_usage_error(usage, "missing %s", opnames[n]);
	return 0;
}

/* cometsim sweep status|collect|exec ...: argv[0] is the sub-command. */
static int
sub_main(int argc, char **argv)
{
	char prog[64];
	static const char *const dir_index[] = { "SWEEPDIR", "INDEX" };
	const char *ops[2] = { NULL, NULL };
	bool quiet = false;
	int rc;

	snprintf(prog, sizeof(prog), "cometsim sweep %s", argv[0]);
	log_prog_set(prog);
	if (!strcmp(argv[0], "status")) {
		rc = sub_args(argc, argv, status_usage, status_help, dir_index, 1, ops, NULL);
		if (rc == 0) {
			char *av[] = { argv[0], (char *)ops[0], NULL };

			rc = cmd_status(2, av);
		}
	} else if (!strcmp(argv[0], "collect")) {
		rc = sub_args(argc, argv, collect_usage, collect_help, dir_index, 1, ops, &quiet);
		if (rc == 0) {
			char *av[] = { argv[0], (char *)ops[0], quiet ? "--quiet" : NULL, NULL };

			rc = cmd_collect(quiet ? 3 : 2, av);
		}
	} else {
		/* exec's own arguments end at "--": the launcher follows. */
		int own = 1;
		char **launch = NULL;

		while (own < argc && strcmp(argv[own], "--") != 0)
			own++;
		if (own < argc) {
			launch = argv + own + 1;
			if (!launch[0])
				return sub_usage_error(exec_usage, "%s", "no LAUNCHER after --");
		}
		rc = sub_args(own, argv, exec_usage, exec_help, dir_index, 2, ops, NULL);
		if (rc == 0) {
			char *av[] = { argv[0], (char *)ops[0], (char *)ops[1], NULL };

			rc = sw_exec_main(3, av, launch);
		}
	}
	return rc < 0 ? 0 : rc;
}

int
sweep_main(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "exec") || !strcmp(argv[1], "status") ||
			  !strcmp(argv[1], "collect")))
		return sub_main(argc - 1, argv + 1);
	return cmd_start(argc, argv);
}
