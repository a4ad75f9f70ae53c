/*
 * sweep.c - the "sweep" command: run a plan of runs with one of three
 * engines, follow it, gather its results.
 *
 *   cometsim sweep SWEEP.xml [-j N] [--engine local|parallel|slurm] [--out DIR]
 *   cometsim sweep status DIR
 *   cometsim sweep collect DIR
 *   cometsim sweep exec DIR INDEX      (what every engine starts, once per run)
 *
 * The sweep directory holds everything: sweep.xml (a copy of the
 * description), manifest, plan.csv (the runs: the sweep's identity),
 * runs/ID/ (the outputs of run ID, with argv, command, stderr.txt, exit,
 * attempts.log and lock), results.csv, runs.csv and plots/.
 *
 * A run is finished when runs/ID/summary.json says "complete" (the run
 * writes it last, atomically).  "sweep exec" holds runs/ID/lock while
 * the run goes on (the lock descriptor is inherited by the run itself,
 * so an orphaned run still holds it), checks again under the lock that
 * the run is not finished, runs it, and records its exit status.  So a
 * run is never run twice at once, and never again once finished,
 * whichever engine or how many sweeps start it; anything unfinished is
 * run again when the sweep is started again.
 *
 * Engines: local forks the wrappers itself, N at a time (each in its own
 * process group, so a signal to the sweep is passed on once to every
 * run); parallel hands the wrapper commands to GNU parallel; slurm
 * writes and submits a job array whose task i runs run i.  Wall-clock
 * time is read here only for the progress line and the attempt log.
 * doc/sweeps.md is the user's guide.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sweep/sweep.h"
#include "output/output.h"
#include "sim/fileio.h"
#include "sim/units.h"

#define EXIT_INPUT	1
#define EXIT_USAGE	2
#define EXIT_PENDING	3	/* runs are still queued or running */

#define TICK_US		200000	/* progress and signal checks */
#define TAIL_LINES	3	/* stderr lines kept in runs.csv ... */
#define TAIL_BYTES	(64 * 1024)	/* ... found in its last bytes */

const char sweep_usage[] =
	"usage: cometsim sweep SWEEP.xml [-j N] [--engine local|parallel|slurm]\n"
	"                      [--out DIR] [--sshloginfile FILE] [--sbatch OPTION]...\n"
	"                      [--dry-run] [--quiet]\n"
	"       cometsim sweep status DIR\n"
	"       cometsim sweep collect DIR [--quiet]\n"
	"       cometsim sweep exec DIR INDEX\n";

const char sweep_help[] =
	"Run a scenario over a grid of parameters and repetitions (a sweep\n"
	"description, doc/sweeps.md), gather one tidy CSV and draw the plots.\n"
	"Started again with the same description and directory, a sweep runs only\n"
	"what is not finished.\n"
	"\n"
	"  -j, --jobs N          runs at a time (local: default the number of CPUs;\n"
	"                        parallel: --jobs of GNU parallel; slurm: the array's\n"
	"                        %N throttle)\n"
	"  -e, --engine NAME     local (default), parallel (GNU parallel) or slurm\n"
	"                        (submit a job array and return)\n"
	"  -o, --out DIR         the sweep directory (default output/sweeps/NAME)\n"
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

enum engine { ENG_LOCAL, ENG_PARALLEL, ENG_SLURM };

static volatile sig_atomic_t got_signal;	/* the last SIGINT/SIGTERM */
static volatile sig_atomic_t nsignals;

static void
on_signal(int sig)
{
	got_signal = sig;
	nsignals++;
}

static void
on_tick(int sig)
{
	(void)sig;
}

/* Handlers that interrupt waitpid() (no SA_RESTART). */
static void
signals_catch(bool tick)
{
	struct sigaction sa;
	struct itimerval it;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (tick) {
		sa.sa_handler = on_tick;
		sigaction(SIGALRM, &sa, NULL);
		memset(&it, 0, sizeof(it));
		it.it_interval.tv_usec = TICK_US;
		it.it_value.tv_usec = TICK_US;
		setitimer(ITIMER_REAL, &it, NULL);
	}
}

static void
signals_default(void)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	signal(SIGALRM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
}

static int64_t
wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The program itself, for the wrappers and the runs. */
static char *
self_exe(void)
{
	char buf[PATH_MAX + 1];
	ssize_t n = readlink("/proc/self/exe", buf, PATH_MAX);

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return g_strdup(buf);
}

static char *
abs_path(const char *p)
{
	return g_canonicalize_filename(p, NULL);
}

/* ---- the sweep directory ---- */

struct sweepdir {
	char *dir;		/* absolute */
	GHashTable *manifest;	/* key -> value */
	GPtrArray *cols;	/* plan.csv header, run_id ... seed, run */
	GPtrArray *plan;	/* plan.csv rows (GPtrArray of char *) */
	int idwidth;
};

static void
sweepdir_free(struct sweepdir *sd)
{
	if (!sd)
		return;
	g_free(sd->dir);
	if (sd->manifest)
		g_hash_table_destroy(sd->manifest);
	if (sd->plan)
		g_ptr_array_free(sd->plan, TRUE);
	g_free(sd);
}

static char *
run_dir(const char *dir, int idwidth, unsigned i)
{
	char id[32];

	snprintf(id, sizeof(id), "%0*u", idwidth, i);
	return g_build_filename(dir, "runs", id, NULL);
}

/*
 * Read the manifest and (with_plan) plan.csv of a sweep directory.  NULL
 * after printing.
 */
static struct sweepdir *
sweepdir_load(const char *dir, bool with_plan)
{
	struct sweepdir *sd = g_new0(struct sweepdir, 1);
	char *path, *text = NULL;
	char **lines;
	const char *w;

	sd->dir = abs_path(dir);
	sd->manifest = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	path = g_build_filename(sd->dir, "manifest", NULL);
	if (!(text = fileio_text(path, NULL))) {
		fprintf(stderr, "cometsim: %s is not a sweep directory (no manifest)\n", dir);
		g_free(path);
		sweepdir_free(sd);
		return NULL;
	}
	g_free(path);
	lines = g_strsplit(text, "\n", -1);
	g_free(text);
	for (char **q = lines; *q; q++) {
		char *eq = strchr(*q, '=');

		if (eq)
			g_hash_table_insert(sd->manifest, g_strndup(*q, (gsize)(eq - *q)),
					    g_strdup(eq + 1));
	}
	g_strfreev(lines);
	w = g_hash_table_lookup(sd->manifest, "idwidth");
	sd->idwidth = w ? atoi(w) : 4;
	if (sd->idwidth < 1 || sd->idwidth > 9)
		sd->idwidth = 4;
	if (!with_plan)
		return sd;
	path = g_build_filename(sd->dir, "plan.csv", NULL);
	if (!(text = fileio_text(path, NULL)) ||
	    !(sd->plan = sw_csv_parse(text)) || sd->plan->len < 1) {
		fprintf(stderr, "cometsim: %s: cannot read the plan\n", path);
		g_free(text);
		g_free(path);
		sweepdir_free(sd);
		return NULL;
	}
	g_free(text);
	g_free(path);
	sd->cols = g_ptr_array_index(sd->plan, 0);
	return sd;
}

static struct sweepdir *
sweepdir_open(const char *dir)
{
	return sweepdir_load(dir, true);
}

static guint
sweepdir_nruns(const struct sweepdir *sd)
{
	return sd->plan->len - 1;
}

static GPtrArray *
sweepdir_row(const struct sweepdir *sd, guint i)
{
	return g_ptr_array_index(sd->plan, i + 1);
}

/* The description kept in the directory, for metrics and plots. */
static struct sw_desc *
sweepdir_desc(const struct sweepdir *sd)
{
	char *path = g_build_filename(sd->dir, "sweep.xml", NULL);
	struct sw_desc *d = sw_desc_load(path, g_hash_table_lookup(sd->manifest, "base_dir"));

	g_free(path);
	return d;
}

/* ---- the state of one run, from its directory ---- */

enum rstate { RS_PENDING, RS_QUEUED, RS_RUNNING, RS_INTERRUPTED, RS_FAILED, RS_COMPLETE };

static const char *const rstate_names[] = {
	"pending", "queued", "running", "interrupted", "failed", "complete",
};

struct rinfo {
	enum rstate st;
	char *exit;		/* "exit 1", "signal 9", or NULL */
	unsigned attempts;
};

static bool
summary_complete(const char *rdir)
{
	char *path = g_build_filename(rdir, "summary.json", NULL), *text = NULL;
	bool ok = false;

	if ((text = fileio_text(path, NULL)) != NULL)
		ok = strstr(text, "\n  \"status\": \"complete\"") != NULL;
	g_free(text);
	g_free(path);
	return ok;
}

/* Someone holds runs/ID/lock: the run is going on. */
static bool
lock_held(const char *rdir)
{
	char *path = g_build_filename(rdir, "lock", NULL);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool held = false;

	g_free(path);
	if (fd < 0)
		return false;
	if (flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK)
		held = true;
	close(fd);	/* also drops our shared lock */
	return held;
}

static void
rinfo_read(const char *rdir, struct rinfo *ri)
{
	char *path, *text = NULL;

	memset(ri, 0, sizeof(*ri));
	path = g_build_filename(rdir, "attempts.log", NULL);
	if ((text = fileio_text(path, NULL)) != NULL)
		for (char *p = text; (p = strstr(p, "start ")); p++)
			if (p == text || p[-1] == '\n')
				ri->attempts++;
	g_free(text);
	text = NULL;
	g_free(path);
	path = g_build_filename(rdir, "exit", NULL);
	if ((text = fileio_text(path, NULL)) != NULL)
		ri->exit = g_strchomp(text);
	g_free(path);
	if (summary_complete(rdir))
		ri->st = RS_COMPLETE;
	else if (lock_held(rdir))
		ri->st = RS_RUNNING;
	else if (ri->exit)
		ri->st = !strcmp(ri->exit, "exit 130") || !strcmp(ri->exit, "exit 143") ||
			 g_str_has_prefix(ri->exit, "signal ") ? RS_INTERRUPTED : RS_FAILED;
	else if (ri->attempts)
		ri->st = RS_INTERRUPTED;
	else
		ri->st = RS_PENDING;
}

/* The last lines of runs/ID/stderr.txt, joined by " | ". */
static char *
stderr_tail(const char *rdir)
{
	char *path = g_build_filename(rdir, "stderr.txt", NULL), *text = NULL;
	GString *s = g_string_new(NULL);
	char **lines;
	int n, first;

	/* The end of it only: a run may have written gigabytes there. */
	if (!(text = fileio_tail(path, TAIL_BYTES, NULL))) {
		g_free(path);
		return g_string_free(s, FALSE);
	}
	g_free(path);
	lines = g_strsplit(g_strstrip(text), "\n", -1);
	n = (int)g_strv_length(lines);
	first = MAX(0, n - TAIL_LINES);
	for (int i = first; i < n; i++)
		g_string_append_printf(s, "%s%s", i > first ? " | " : "", lines[i]);
	g_strfreev(lines);
	g_free(text);
	if (s->len > 1000) {
		g_string_erase(s, 0, (gssize)(s->len - 1000));
		g_string_prepend(s, "...");
	}
	return g_string_free(s, FALSE);
}

/* ---- sweep exec DIR INDEX: one run, under its lock ---- */

static void
attempt_log(const char *rdir, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
attempt_log(const char *rdir, const char *fmt, ...)
{
	char *path = g_build_filename(rdir, "attempts.log", NULL);
	char host[256] = "?", when[64];
	time_t now = time(NULL);
	struct tm tm;
	va_list ap;
	FILE *f;

	f = fopen(path, "a");
	g_free(path);
	if (!f)
		return;
	gethostname(host, sizeof(host) - 1);
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fprintf(f, " %s %s %ld\n", when, host, (long)getpid());
	fclose(f);
}

static int
cmd_exec(int argc, char **argv)
{
	struct sweepdir *sd = NULL;
	char *rdir = NULL, *path = NULL, *args = NULL, *self = NULL, *end;
	const char *wrap = getenv("COMETSIM_SWEEP_WRAP");
	char **wargv = NULL, num[32];
	GError *gerr = NULL;
	GPtrArray *av = NULL;
	gsize len = 0;
	unsigned long idx, nruns;
	int lockfd = -1, errfd = -1, status, rc = EXIT_INPUT, wargc = 0;
	char exitbuf[32];
	pid_t pid;

	if (argc != 3)
		return fprintf(stderr, "%s", sweep_usage), EXIT_USAGE;
	errno = 0;
	idx = strtoul(argv[2], &end, 10);
	if (!g_ascii_isdigit(argv[2][0]) || *end || errno)
		return fprintf(stderr, "cometsim sweep exec: bad INDEX \"%s\"\n", argv[2]),
		       EXIT_USAGE;
	if (wrap && wrap[0] && !g_shell_parse_argv(wrap, &wargc, &wargv, &gerr)) {
		fprintf(stderr, "cometsim sweep exec: COMETSIM_SWEEP_WRAP=\"%s\": %s\n",
			wrap, gerr->message);
		g_error_free(gerr);
		return EXIT_INPUT;
	}
	/* The manifest only: a wrapper per run should not read the whole plan. */
	sd = sweepdir_load(argv[1], false);
	if (!sd)
		goto done;
	nruns = strtoul(g_hash_table_lookup(sd->manifest, "runs") ?
			(char *)g_hash_table_lookup(sd->manifest, "runs") : "0", NULL, 10);
	if (idx >= nruns) {
		fprintf(stderr, "cometsim sweep exec: %s has %lu runs, no run %lu\n", sd->dir,
			nruns, idx);
		goto done;
	}
	rdir = run_dir(sd->dir, sd->idwidth, (unsigned)idx);
	if (g_mkdir_with_parents(rdir, 0777) != 0) {
		fprintf(stderr, "cometsim sweep exec: %s: %s\n", rdir, strerror(errno));
		goto done;
	}
	/* Not close-on-exec: the run inherits the lock and holds it to its end. */
	path = g_build_filename(rdir, "lock", NULL);
	lockfd = open(path, O_RDWR | O_CREAT, 0666);
	if (lockfd < 0) {
		fprintf(stderr, "cometsim sweep exec: %s: %s\n", path, strerror(errno));
		goto done;
	}
	while (flock(lockfd, LOCK_EX) != 0)
		if (errno != EINTR) {
			fprintf(stderr, "cometsim sweep exec: lock %s: %s\n", path, strerror(errno));
			goto done;
		}
	if (summary_complete(rdir)) {
		attempt_log(rdir, "skip (already complete)");
		rc = 0;
		goto done;
	}
	/* The run writes beside our files: tell it they are not in its way. */
	{
		char err[512];

		if (output_dir_adopt(rdir, err, sizeof(err)) != 0) {
			fprintf(stderr, "cometsim sweep exec: %s\n", err);
			goto done;
		}
	}
	g_free(path);
	path = g_build_filename(rdir, "argv", NULL);
	if (!(args = fileio_text(path, &len)) || len == 0) {
		fprintf(stderr, "cometsim sweep exec: cannot read %s\n", path);
		goto done;
	}
	self = self_exe();
	av = g_ptr_array_new();
	/*
	 * COMETSIM_SWEEP_WRAP: a command the run is started under (valgrind,
	 * nice, taskset, a test's wrapper), given the program and its
	 * arguments; it learns which run it is from COMETSIM_SWEEP_DIR and
	 * COMETSIM_SWEEP_INDEX.
	 */
	if (wargv) {
		for (int k = 0; k < wargc; k++)
			g_ptr_array_add(av, wargv[k]);
		g_ptr_array_add(av, self);
	} else {
		g_ptr_array_add(av, "cometsim");
	}
	for (gsize off = 0; off < len; off += strlen(args + off) + 1)
		g_ptr_array_add(av, args + off);
	g_ptr_array_add(av, NULL);

	g_free(path);
	path = g_build_filename(rdir, "exit", NULL);
	unlink(path);
	g_free(path);
	path = g_build_filename(rdir, "stderr.txt", NULL);
	errfd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (errfd < 0 || !self) {
		fprintf(stderr, "cometsim sweep exec: %s: %s\n", path, strerror(errno));
		goto done;
	}
	snprintf(num, sizeof(num), "%lu", idx);
	g_setenv("COMETSIM_SWEEP_DIR", sd->dir, TRUE);
	g_setenv("COMETSIM_SWEEP_INDEX", num, TRUE);
	attempt_log(rdir, "start");
	/*
	 * The signals that stop a run reach it directly (terminal, the local
	 * engine's process group, GNU parallel, Slurm): the wrapper only
	 * outlives it to record how it ended.
	 */
	signals_catch(false);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "cometsim sweep exec: fork: %s\n", strerror(errno));
		goto done;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		signals_default();
		if (nul >= 0)
			dup2(nul, STDIN_FILENO);
		dup2(errfd, STDOUT_FILENO);
		dup2(errfd, STDERR_FILENO);
		if (wargv)
			execvp(wargv[0], (char **)av->pdata);
		else
			execv(self, (char **)av->pdata);
		fprintf(stderr, "cometsim sweep exec: cannot run %s: %s\n",
			wargv ? wargv[0] : self, strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			status = 127 << 8;
			break;
		}
	if (WIFSIGNALED(status)) {
		snprintf(exitbuf, sizeof(exitbuf), "signal %d", WTERMSIG(status));
		rc = 128 + WTERMSIG(status);
	} else {
		snprintf(exitbuf, sizeof(exitbuf), "exit %d", WEXITSTATUS(status));
		rc = WEXITSTATUS(status);
	}
	g_free(path);
	path = g_build_filename(rdir, "exit", NULL);
	{
		char *line = g_strdup_printf("%s\n", exitbuf);

		sw_write_atomic(path, line, strlen(line));
		g_free(line);
	}
	attempt_log(rdir, "end %s", exitbuf);
done:
	if (errfd >= 0)
		close(errfd);
	if (lockfd >= 0)
		close(lockfd);
	if (av)
		g_ptr_array_free(av, TRUE);
	g_strfreev(wargv);
	g_free(args);
	g_free(self);
	g_free(path);
	g_free(rdir);
	sweepdir_free(sd);
	return rc;
}

/* ---- collecting ---- */

struct tally {
	unsigned n[RS_COMPLETE + 1];
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
	if (t->n[RS_COMPLETE] == t->total)
		return 0;
	if (t->n[RS_RUNNING] || t->n[RS_QUEUED])
		return EXIT_PENDING;
	return EXIT_INPUT;
}

/* Unfinished runs that nothing runs any more: say how to go on. */
static void
tally_hint(const struct tally *t, const struct sweepdir *sd)
{
	unsigned idle = t->n[RS_PENDING] + t->n[RS_INTERRUPTED];
	const char *desc = g_hash_table_lookup(sd->manifest, "description");

	if (idle && !t->n[RS_RUNNING] && !t->n[RS_QUEUED])
		fprintf(stderr, "cometsim sweep: %u runs are not finished and nothing runs them: "
			"start the sweep again (cometsim sweep %s --out %s)\n", idle,
			desc ? desc : "SWEEP.xml", sd->dir);
}

/* Run i of the plan as "name=value name=value seed=S run=R". */
static char *
row_label(const struct sweepdir *sd, guint i)
{
	GPtrArray *row = sweepdir_row(sd, i);
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
collect(struct sweepdir *sd, const struct sw_desc *d, bool quiet, bool draw,
	GHashTable *queued, const char *prefix)
{
	GString *res = g_string_new(NULL), *runs = g_string_new(NULL);
	guint nruns = sweepdir_nruns(sd), nm = d->metrics->len, nrows = 0;
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
		GPtrArray *row = sweepdir_row(sd, i);
		char *rdir = run_dir(sd->dir, sd->idwidth, i);
		struct sw_outputs *o = NULL;
		struct rinfo ri;
		char *tail = NULL;

		rinfo_read(rdir, &ri);
		if (ri.st == RS_COMPLETE) {
			o = sw_outputs_read(rdir);
			if (!sw_outputs_complete(o)) {
				sw_outputs_free(o);
				o = NULL;
				ri.st = RS_FAILED;
			}
		}
		if (ri.st == RS_PENDING && queued &&
		    g_hash_table_contains(queued, GUINT_TO_POINTER(i + 1)))
			ri.st = RS_QUEUED;
		t.n[ri.st]++;
		if (ri.st == RS_FAILED) {
			char *label = row_label(sd, i);

			tail = stderr_tail(rdir);
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
		g_string_append_printf(runs, ",%s,", rstate_names[ri.st]);
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
			/* seed and run as the run reported them, then version and commit. */
			for (guint c = 0; c < row->len; c++) {
				const char *col = g_ptr_array_index(sd->cols, c);

				if (c)
					g_string_append_c(res, ',');
				if ((!strcmp(col, "seed") || !strcmp(col, "run")) &&
				    c + 2 >= row->len &&
				    (v = g_hash_table_lookup(o->summary, col)))
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
	if (!got_signal)
		tally_hint(&t, sd);
	if (t.n[RS_FAILED])
		fprintf(stderr, "cometsim sweep: %u of %u runs failed (runs.csv has their exit "
			"status and stderr):\n%s", t.n[RS_FAILED], nruns, failures->str);
	if (!quiet) {
		printf("%s%u runs: %u complete", prefix ? prefix : "", nruns, t.n[RS_COMPLETE]);
		for (int s = RS_FAILED; s >= RS_PENDING; s--)
			if (t.n[s])
				printf(", %u %s", t.n[s], s == RS_PENDING ? "not started" :
				       rstate_names[s]);
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
		rc = EXIT_INPUT;
	if (errors && rc == EXIT_PENDING)
		rc = EXIT_INPUT;
	sw_outputs_free(first);
	g_string_free(failures, TRUE);
	g_string_free(res, TRUE);
	g_string_free(runs, TRUE);
	g_free(matched);
	g_free(bad);
	return rc;
}

/* ---- Slurm: the jobs a sweep submitted ---- */

static GPtrArray *
slurm_jobs(const struct sweepdir *sd)
{
	char *path = g_build_filename(sd->dir, "slurm", "jobs", NULL), *text = NULL;
	GPtrArray *jobs = g_ptr_array_new_with_free_func(g_free);

	if ((text = fileio_text(path, NULL)) != NULL) {
		char **v = g_strsplit(text, "\n", -1);

		for (char **q = v; *q; q++)
			if (**q)
				g_ptr_array_add(jobs, g_strdup(*q));
		g_strfreev(v);
	}
	g_free(text);
	g_free(path);
	return jobs;
}

/*
 * Array tasks of the sweep's last job that Slurm still holds, pending or
 * running: a set of run index + 1.  NULL when the sweep never used
 * Slurm or squeue does not answer.
 */
static GHashTable *
slurm_active(const struct sweepdir *sd, unsigned *nactive)
{
	GPtrArray *jobs = slurm_jobs(sd);
	GHashTable *set = NULL;
	char *argv[9], *out = NULL, *joblist;
	int status;

	*nactive = 0;
	if (jobs->len == 0) {
		g_ptr_array_free(jobs, TRUE);
		return NULL;
	}
	/* A sweep submits again only when its last job is over: ask about that one. */
	joblist = g_strdup(g_ptr_array_index(jobs, jobs->len - 1));
	argv[0] = "squeue";
	argv[1] = "-h";
	argv[2] = "-r";
	argv[3] = "-j";
	argv[4] = joblist;
	argv[5] = "-t";
	argv[6] = "PENDING,CONFIGURING,RUNNING,COMPLETING,SUSPENDED,REQUEUED,RESIZING";
	argv[7] = "-o%K %T";
	argv[8] = NULL;
	if (g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
			 NULL, NULL, &out, NULL, &status, NULL) &&
	    g_spawn_check_wait_status(status, NULL)) {
		char **v = g_strsplit(out, "\n", -1);

		set = g_hash_table_new(g_direct_hash, g_direct_equal);
		for (char **q = v; *q; q++) {
			char *end;
			unsigned long k = strtoul(*q, &end, 10);

			if (end != *q && *end == ' ') {
				g_hash_table_add(set, GUINT_TO_POINTER(k + 1));
				(*nactive)++;
			}
		}
		g_strfreev(v);
	}
	g_free(out);
	g_free(joblist);
	g_ptr_array_free(jobs, TRUE);
	return set;
}

static int
cmd_status(int argc, char **argv)
{
	struct sweepdir *sd;
	GHashTable *queued;
	struct tally t = { 0 };
	unsigned nactive = 0;
	GString *failed = g_string_new(NULL);
	int rc;

	if (argc != 2)
		return fprintf(stderr, "%s", sweep_usage), EXIT_USAGE;
	sd = sweepdir_open(argv[1]);
	if (!sd)
		return EXIT_INPUT;
	queued = slurm_active(sd, &nactive);
	t.total = sweepdir_nruns(sd);
	for (guint i = 0; i < t.total; i++) {
		char *rdir = run_dir(sd->dir, sd->idwidth, i);
		struct rinfo ri;

		rinfo_read(rdir, &ri);
		if (ri.st != RS_COMPLETE && ri.st != RS_RUNNING && queued &&
		    g_hash_table_contains(queued, GUINT_TO_POINTER(i + 1)))
			ri.st = ri.st == RS_PENDING ? RS_QUEUED : RS_RUNNING;
		t.n[ri.st]++;
		if (ri.st == RS_FAILED) {
			char *label = row_label(sd, i), *tail = stderr_tail(rdir);

			g_string_append_printf(failed, "  %s (%s): %s: %s\n",
					       (const char *)g_ptr_array_index(sweepdir_row(sd, i), 0),
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
	       t.n[RS_COMPLETE], t.n[RS_FAILED], t.n[RS_RUNNING], t.n[RS_QUEUED],
	       t.n[RS_INTERRUPTED], t.n[RS_PENDING]);
	if (queued)
		printf("slurm: %u array tasks pending or running\n", nactive);
	if (failed->len)
		printf("failed:\n%s", failed->str);
	rc = tally_status(&t);
	tally_hint(&t, sd);
	if (queued)
		g_hash_table_destroy(queued);
	g_string_free(failed, TRUE);
	sweepdir_free(sd);
	return rc;
}

static int
cmd_collect(int argc, char **argv)
{
	struct sweepdir *sd;
	struct sw_desc *d;
	GHashTable *queued;
	unsigned nactive;
	bool quiet = false;
	const char *dir = NULL;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet"))
			quiet = true;
		else if (!dir && argv[i][0] != '-')
			dir = argv[i];
		else
			return fprintf(stderr, "%s", sweep_usage), EXIT_USAGE;
	}
	if (!dir)
		return fprintf(stderr, "%s", sweep_usage), EXIT_USAGE;
	sd = sweepdir_open(dir);
	if (!sd)
		return EXIT_INPUT;
	d = sweepdir_desc(sd);
	if (!d) {
		sweepdir_free(sd);
		return EXIT_INPUT;
	}
	queued = slurm_active(sd, &nactive);
	rc = collect(sd, d, quiet, true, queued, NULL);
	if (queued)
		g_hash_table_destroy(queued);
	sw_desc_free(d);
	sweepdir_free(sd);
	return rc;
}

/* ---- starting a sweep ---- */

struct sweep_opts {
	const char *desc_path;
	const char *out;
	enum engine engine;
	unsigned jobs;		/* 0: the engine's default */
	const char *sshloginfile;
	GPtrArray *sbatch;	/* const char * */
	bool dry_run, quiet;
};

/* Everything a started sweep shares with its engine. */
struct sweep_ctx {
	struct sweep_opts *o;
	struct sw_plan *plan;
	struct sweepdir *sd;
	char *self;
	GArray *pending;	/* unsigned: runs to start */
	unsigned done_before;	/* complete when the sweep started */
	/* progress */
	bool show;
	bool shown;
	int64_t t0;
	unsigned finished, failed, running;
	bool metrics_checked;
};

static char *
fmt_duration(int64_t ns)
{
	int64_t s = ns / 1000000000LL;

	if (s >= 3600)
		return g_strdup_printf("%" PRId64 ":%02d:%02d", s / 3600, (int)(s / 60 % 60),
				       (int)(s % 60));
	return g_strdup_printf("%d:%02d", (int)(s / 60), (int)(s % 60));
}

static void
progress(struct sweep_ctx *cx)
{
	unsigned total = cx->pending->len, width = 24, fill;
	int64_t el = wall_ns() - cx->t0;
	char *els, *eta = NULL;
	char bar[64];

	if (!cx->show)
		return;
	fill = total ? cx->finished * width / total : width;
	for (unsigned i = 0; i < width; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[width] = '\0';
	els = fmt_duration(el);
	if (cx->finished && cx->finished < total)
		eta = fmt_duration(el / cx->finished * (total - cx->finished));
	fprintf(stderr, "\r\033[K[%s] %u/%u runs", bar, cx->finished, total);
	if (cx->failed)
		fprintf(stderr, ", %u failed", cx->failed);
	fprintf(stderr, ", %u running, %s elapsed, ETA %s", cx->running, els,
		eta ? eta : "--");
	if (got_signal)
		fputs(" (stopping)", stderr);
	cx->shown = true;
	g_free(els);
	g_free(eta);
}

static void
progress_clear(struct sweep_ctx *cx)
{
	if (cx->shown)
		fputs("\r\033[K", stderr);
	cx->shown = false;
}

/*
 * The first finished run shows which metrics exist: say early which
 * ones it does not have (the collect step makes it an error if no run
 * has them).
 */
static void
check_metrics_early(struct sweep_ctx *cx, unsigned idx)
{
	const struct sw_desc *d = cx->plan->d;
	char *rdir = run_dir(cx->sd->dir, cx->sd->idwidth, idx);
	struct sw_outputs *o = sw_outputs_read(rdir);
	bool any = false;

	g_free(rdir);
	if (!sw_outputs_complete(o)) {
		sw_outputs_free(o);
		return;
	}
	cx->metrics_checked = true;
	for (guint k = 0; k < d->metrics->len; k++) {
		const struct sw_metric *m = g_ptr_array_index(d->metrics, k);
		char *val = NULL, err[512];

		if (sw_metric_value(m, o, &val, err, sizeof(err)) == 0) {
			progress_clear(cx);
			fprintf(stderr, "%s:%d: warning: metric %s: select=\"%s\" matches nothing "
				"in run %u\n", d->path, m->line, m->name, m->select, idx);
			any = true;
		}
		g_free(val);
	}
	if (any) {
		char *desc = sw_outputs_describe(o);

		fprintf(stderr, "valid selections in that run:\n%s\n", desc);
		g_free(desc);
	}
	sw_outputs_free(o);
}

/* A wrapper finished: count it. */
static void
run_finished(struct sweep_ctx *cx, unsigned idx)
{
	char *rdir = run_dir(cx->sd->dir, cx->sd->idwidth, idx);
	struct rinfo ri;

	rinfo_read(rdir, &ri);
	g_free(rdir);
	cx->finished++;
	if (ri.st == RS_FAILED)
		cx->failed++;
	if (ri.st == RS_COMPLETE && !cx->metrics_checked)
		check_metrics_early(cx, idx);
	g_free(ri.exit);
}

static pid_t
spawn_exec(struct sweep_ctx *cx, unsigned idx)
{
	char num[32];
	pid_t pid;

	snprintf(num, sizeof(num), "%u", idx);
	pid = fork();
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);

		setpgid(0, 0);
		signals_default();
		if (nul >= 0) {
			dup2(nul, STDIN_FILENO);
			dup2(nul, STDOUT_FILENO);
		}
		execl(cx->self, "cometsim", "sweep", "exec", cx->sd->dir, num, (char *)NULL);
		fprintf(stderr, "cometsim sweep: cannot run %s: %s\n", cx->self, strerror(errno));
		_exit(127);
	}
	if (pid > 0)
		setpgid(pid, pid);	/* also here: no race with the first kill() */
	return pid;
}

static int
engine_local(struct sweep_ctx *cx)
{
	unsigned jobs = cx->o->jobs ? cx->o->jobs : (unsigned)g_get_num_processors();
	pid_t *pids = g_new0(pid_t, jobs);
	unsigned *idxs = g_new0(unsigned, jobs);
	guint next = 0;
	int forwarded = 0;

	signals_catch(true);
	for (;;) {
		pid_t pid;
		int status;

		while (!got_signal && cx->running < jobs && next < cx->pending->len) {
			unsigned slot = 0;

			while (pids[slot])
				slot++;
			idxs[slot] = g_array_index(cx->pending, unsigned, next++);
			pids[slot] = spawn_exec(cx, idxs[slot]);
			if (pids[slot] < 0) {
				fprintf(stderr, "cometsim sweep: fork: %s\n", strerror(errno));
				pids[slot] = 0;
				got_signal = SIGTERM;
				break;
			}
			cx->running++;
		}
		if (got_signal && forwarded < nsignals) {
			/* Each run's process group: the wrapper and the run. */
			for (unsigned s = 0; s < jobs; s++)
				if (pids[s])
					kill(-pids[s], got_signal);
			forwarded = nsignals;
		}
		progress(cx);
		if (cx->running == 0)
			break;
		pid = waitpid(-1, &status, 0);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (unsigned s = 0; s < jobs; s++)
			if (pids[s] == pid) {
				pids[s] = 0;
				cx->running--;
				run_finished(cx, idxs[s]);
			}
	}
	signals_default();
	progress_clear(cx);
	g_free(pids);
	g_free(idxs);
	return 0;
}

/* Count what finished since the last look (engines that do not tell us). */
static void
scan_finished(struct sweep_ctx *cx, bool *seen)
{
	unsigned running = 0;

	for (guint k = 0; k < cx->pending->len; k++) {
		unsigned idx = g_array_index(cx->pending, unsigned, k);
		char *rdir;
		struct rinfo ri;

		if (seen[k])
			continue;
		rdir = run_dir(cx->sd->dir, cx->sd->idwidth, idx);
		rinfo_read(rdir, &ri);
		g_free(rdir);
		if (ri.st == RS_RUNNING)
			running++;
		else if (ri.st == RS_COMPLETE || (ri.st == RS_FAILED && ri.exit)) {
			seen[k] = true;
			cx->finished++;
			if (ri.st == RS_FAILED)
				cx->failed++;
			else if (!cx->metrics_checked)
				check_metrics_early(cx, idx);
		}
		g_free(ri.exit);
	}
	cx->running = running;
}

static bool
is_gnu_parallel(void)
{
	char *argv[] = { "parallel", "--version", NULL }, *out = NULL;
	bool ok;

	ok = g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
			  NULL, NULL, &out, NULL, NULL, NULL) && out &&
	     strstr(out, "GNU parallel");
	g_free(out);
	return ok;
}

static char *
exec_command(struct sweep_ctx *cx, unsigned idx)
{
	char num[32];
	char *argv[] = { cx->self, "sweep", "exec", cx->sd->dir, num, NULL };

	snprintf(num, sizeof(num), "%u", idx);
	return sw_shell_join(argv);
}

static int
engine_parallel(struct sweep_ctx *cx)
{
	GString *cmds = g_string_new(NULL);
	GPtrArray *av = g_ptr_array_new_with_free_func(g_free);
	char *cmdfile = g_build_filename(cx->sd->dir, "commands.txt", NULL);
	char *joblog = g_build_filename(cx->sd->dir, "parallel.joblog", NULL);
	bool *seen = g_new0(bool, cx->pending->len + 1);
	int64_t last_scan = 0;
	int forwarded = 0, rc = 0, status = 0;
	pid_t pid;

	if (!is_gnu_parallel()) {
		fprintf(stderr, "cometsim sweep: GNU parallel is not installed (Debian: "
			"apt-get install parallel)\n");
		rc = EXIT_INPUT;
		goto done;
	}
	for (guint k = 0; k < cx->pending->len; k++) {
		char *c = exec_command(cx, g_array_index(cx->pending, unsigned, k));

		g_string_append_printf(cmds, "%s\n", c);
		g_free(c);
	}
	if (sw_write_atomic(cmdfile, cmds->str, cmds->len) != 0) {
		rc = EXIT_INPUT;
		goto done;
	}
	g_ptr_array_add(av, g_strdup("parallel"));
	g_ptr_array_add(av, g_strdup("--will-cite"));
	g_ptr_array_add(av, g_strdup("--halt"));
	g_ptr_array_add(av, g_strdup("never"));
	g_ptr_array_add(av, g_strdup("--joblog"));
	g_ptr_array_add(av, g_strdup(joblog));
	if (cx->o->jobs) {
		g_ptr_array_add(av, g_strdup("--jobs"));
		g_ptr_array_add(av, g_strdup_printf("%u", cx->o->jobs));
	}
	if (cx->o->sshloginfile) {
		g_ptr_array_add(av, g_strdup("--sshloginfile"));
		g_ptr_array_add(av, g_strdup(cx->o->sshloginfile));
	}
	g_ptr_array_add(av, g_strdup("-a"));
	g_ptr_array_add(av, g_strdup(cmdfile));
	g_ptr_array_add(av, NULL);

	signals_catch(true);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "cometsim sweep: fork: %s\n", strerror(errno));
		rc = EXIT_INPUT;
		goto done;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		signals_default();
		if (nul >= 0)
			dup2(nul, STDIN_FILENO);
		execvp("parallel", (char **)av->pdata);
		fprintf(stderr, "cometsim sweep: cannot run parallel: %s\n", strerror(errno));
		_exit(127);
	}
	for (;;) {
		pid_t w;

		if (got_signal && forwarded < nsignals) {
			/* GNU parallel passes it on to every job's processes. */
			kill(pid, got_signal);
			forwarded = nsignals;
		}
		if (wall_ns() - last_scan > 1000000000LL) {
			scan_finished(cx, seen);
			last_scan = wall_ns();
		}
		progress(cx);
		w = waitpid(pid, &status, 0);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			break;
	}
	signals_default();
	progress_clear(cx);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		rc = EXIT_INPUT;
		goto done;
	}
done:
	g_free(seen);
	g_free(cmdfile);
	g_free(joblog);
	g_string_free(cmds, TRUE);
	g_ptr_array_free(av, TRUE);
	return rc;
}

/* "0-3,7,9-12": the pending indexes as a Slurm array specification. */
static char *
array_spec(const GArray *pending)
{
	GString *s = g_string_new(NULL);

	for (guint k = 0; k < pending->len;) {
		unsigned a = g_array_index(pending, unsigned, k), b = a;

		while (k + 1 < pending->len && g_array_index(pending, unsigned, k + 1) == b + 1)
			b = g_array_index(pending, unsigned, ++k);
		k++;
		if (s->len)
			g_string_append_c(s, ',');
		if (a == b)
			g_string_append_printf(s, "%u", a);
		else
			g_string_append_printf(s, "%u-%u", a, b);
	}
	return g_string_free(s, FALSE);
}

/* MaxArraySize of the cluster (array indexes must stay below it), or 0. */
static unsigned
slurm_max_array(void)
{
	char *argv[] = { "scontrol", "show", "config", NULL }, *out = NULL, *p;
	unsigned v = 0;

	if (g_spawn_sync(NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
			 NULL, NULL, &out, NULL, NULL, NULL) && out &&
	    (p = strstr(out, "MaxArraySize"))) {
		p += strcspn(p, "=");
		if (*p)
			v = (unsigned)strtoul(p + 1, NULL, 10);
	}
	g_free(out);
	return v;
}

static int
engine_slurm(struct sweep_ctx *cx)
{
	char *sdir = g_build_filename(cx->sd->dir, "slurm", NULL);
	char *script = g_build_filename(sdir, "array.sh", NULL);
	char *jobsfile = g_build_filename(sdir, "jobs", NULL);
	char *spec = array_spec(cx->pending), *self_q, *dir_q, *out = NULL, *err = NULL;
	GPtrArray *av = g_ptr_array_new_with_free_func(g_free);
	GHashTable *active;
	GString *sh = g_string_new(NULL);
	GError *gerr = NULL;
	unsigned nactive = 0, maxarr;
	int status, rc = EXIT_INPUT;
	FILE *f;

	active = slurm_active(cx->sd, &nactive);
	if (active)
		g_hash_table_destroy(active);
	if (nactive) {
		fprintf(stderr, "cometsim sweep: %u array tasks of this sweep are still pending "
			"or running (cometsim sweep status %s); wait for them or scancel them "
			"first\n", nactive, cx->sd->dir);
		goto done;
	}
	maxarr = slurm_max_array();
	if (maxarr && g_array_index(cx->pending, unsigned, cx->pending->len - 1) >= maxarr) {
		fprintf(stderr, "cometsim sweep: the sweep has %zu runs but the cluster's "
			"MaxArraySize is %u: array indexes must stay below it (raise it in "
			"slurm.conf, or split the sweep)\n", cx->plan->n, maxarr);
		goto done;
	}
	if (g_mkdir_with_parents(sdir, 0777) != 0) {
		fprintf(stderr, "cometsim sweep: %s: %s\n", sdir, strerror(errno));
		goto done;
	}
	self_q = g_shell_quote(cx->self);
	dir_q = g_shell_quote(cx->sd->dir);
	g_string_append_printf(sh,
		"#!/bin/sh\n"
		"# Written by cometsim sweep: array task i runs run i of %s/plan.csv.\n"
		"#SBATCH --job-name=cometsim-%s\n"
		"#SBATCH --output=%s/%%A_%%a.out\n"
		"#SBATCH --array=%s",
		cx->sd->dir, cx->plan->d->name, sdir, spec);
	if (cx->o->jobs)
		g_string_append_printf(sh, "%%%u", cx->o->jobs);
	g_string_append_printf(sh,
		"\n#SBATCH --ntasks=1\n"
		"#SBATCH --cpus-per-task=1\n"
		"exec %s sweep exec %s \"$SLURM_ARRAY_TASK_ID\"\n", self_q, dir_q);
	g_free(self_q);
	g_free(dir_q);
	if (sw_write_atomic(script, sh->str, sh->len) != 0)
		goto done;
	chmod(script, 0755);

	g_ptr_array_add(av, g_strdup("sbatch"));
	g_ptr_array_add(av, g_strdup("--parsable"));
	for (guint i = 0; i < cx->o->sbatch->len; i++)
		g_ptr_array_add(av, g_strdup(g_ptr_array_index(cx->o->sbatch, i)));
	g_ptr_array_add(av, g_strdup(script));
	g_ptr_array_add(av, NULL);
	if (!g_spawn_sync(NULL, (char **)av->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
			  &out, &err, &status, &gerr)) {
		fprintf(stderr, "cometsim sweep: cannot run sbatch: %s (Debian: apt-get install "
			"slurm-client, and a cluster)\n", gerr->message);
		g_error_free(gerr);
		goto done;
	}
	if (!g_spawn_check_wait_status(status, NULL)) {
		fprintf(stderr, "cometsim sweep: sbatch failed: %s", err ? err : "\n");
		goto done;
	}
	g_strstrip(out);
	out[strcspn(out, ";")] = '\0';	/* "JOBID;CLUSTER" */
	f = fopen(jobsfile, "a");
	if (!f || fprintf(f, "%s\n", out) < 0 || fclose(f) != 0) {
		fprintf(stderr, "cometsim sweep: %s: %s\n", jobsfile, strerror(errno));
		goto done;
	}
	if (!cx->o->quiet)
		printf("submitted Slurm job %s: %u runs (array %s)\n"
		       "follow it with:   cometsim sweep status %s\n"
		       "gather it with:   cometsim sweep collect %s\n",
		       out, cx->pending->len, spec, cx->sd->dir, cx->sd->dir);
	rc = 0;
done:
	g_string_free(sh, TRUE);
	g_ptr_array_free(av, TRUE);
	g_free(out);
	g_free(err);
	g_free(spec);
	g_free(sdir);
	g_free(script);
	g_free(jobsfile);
	return rc;
}

/* path already holds exactly text (files a started sweep writes again). */
static bool
same_contents(const char *path, const char *text, size_t len)
{
	char *old = NULL;
	gsize olen = 0;
	bool same;

	if (!(old = fileio_text(path, &olen)))
		return false;
	same = olen == len && memcmp(old, text, len) == 0;
	g_free(old);
	return same;
}

/*
 * Make dir a sweep directory for plan, or check that it already is one
 * for the same plan: the runs of a directory never change meaning.
 */
static int
prepare_dir(struct sweep_ctx *cx, const char *dir)
{
	struct sw_plan *pl = cx->plan;
	const struct sw_desc *d = pl->d;
	char *plan = sw_plan_csv(pl), *path, *old = NULL, *text = NULL, *base_dir, *abs;
	gsize tlen = 0;
	GString *man;
	int rc = -1;

	path = g_build_filename(dir, "plan.csv", NULL);
	if ((old = fileio_text(path, NULL)) != NULL && strcmp(old, plan) != 0) {
		char **a = g_strsplit(old, "\n", -1), **b = g_strsplit(plan, "\n", -1);
		guint i = 0;

		while (a[i] && b[i] && !strcmp(a[i], b[i]))
			i++;
		fprintf(stderr, "cometsim sweep: %s holds another sweep: its plan.csv line %u is\n"
			"  %s\nbut this description gives\n  %s\n"
			"Use another --out, or remove %s to start over.\n", dir, i + 1,
			a[i] ? a[i] : "(the end)", b[i] ? b[i] : "(the end)", dir);
		g_strfreev(a);
		g_strfreev(b);
		goto done;
	}
	if (!old && sw_write_atomic(path, plan, strlen(plan)) != 0)
		goto done;
	g_free(path);

	/* The description itself, for collect and plot. */
	path = g_build_filename(dir, "sweep.xml", NULL);
	if (!(text = fileio_text(d->path, &tlen)) ||
	    sw_write_atomic(path, text, tlen) != 0) {
		fprintf(stderr, "cometsim sweep: cannot copy %s into %s\n", d->path, dir);
		goto done;
	}
	g_free(path);
	abs = abs_path(d->path);
	base_dir = g_path_get_dirname(abs);
	man = g_string_new(NULL);
	g_string_append_printf(man, "name=%s\ndescription=%s\nbase_dir=%s\nscenario=%s\n"
			       "runs=%zu\nidwidth=%d\nprogram=%s\n", d->name, abs, base_dir,
			       d->scenario, pl->n, pl->idwidth, cx->self);
	g_free(base_dir);
	g_free(abs);
	path = g_build_filename(dir, "manifest", NULL);
	if (sw_write_atomic(path, man->str, man->len) != 0) {
		g_string_free(man, TRUE);
		goto done;
	}
	g_string_free(man, TRUE);

	/* Each run's command: argv for the wrapper, command for people. */
	for (size_t i = 0; i < pl->n; i++) {
		char *rdir = run_dir(dir, pl->idwidth, (unsigned)i);
		char **av = sw_run_argv(pl, (unsigned)i, rdir);
		GString *nul = g_string_new(NULL);
		char *cmd, *line, *p2;

		for (char **q = av; *q; q++)
			g_string_append_len(nul, *q, (gssize)strlen(*q) + 1);
		g_mkdir_with_parents(rdir, 0777);
		p2 = g_build_filename(rdir, "argv", NULL);
		if (!same_contents(p2, nul->str, nul->len) &&
		    sw_write_atomic(p2, nul->str, nul->len) != 0) {
			g_free(p2);
			g_string_free(nul, TRUE);
			g_strfreev(av);
			g_free(rdir);
			goto done;
		}
		g_free(p2);
		{
			GPtrArray *full = g_ptr_array_new();

			g_ptr_array_add(full, "cometsim");
			for (char **q = av; *q; q++)
				g_ptr_array_add(full, *q);
			g_ptr_array_add(full, NULL);
			cmd = sw_shell_join((char **)full->pdata);
			g_ptr_array_free(full, TRUE);
		}
		line = g_strdup_printf("%s\n", cmd);
		p2 = g_build_filename(rdir, "command", NULL);
		if (!same_contents(p2, line, strlen(line)))
			sw_write_atomic(p2, line, strlen(line));
		g_free(p2);
		g_free(line);
		g_free(cmd);
		g_string_free(nul, TRUE);
		g_strfreev(av);
		g_free(rdir);
	}
	rc = 0;
done:
	g_free(path);
	g_free(plan);
	g_free(old);
	g_free(text);
	return rc;
}

static int
dry_run(struct sw_plan *pl, const char *dir)
{
	for (size_t i = 0; i < pl->n; i++) {
		char *rdir = run_dir(dir, pl->idwidth, (unsigned)i);
		char **av = sw_run_argv(pl, (unsigned)i, rdir);
		GPtrArray *full = g_ptr_array_new();
		char *cmd;

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

enum { OPT_SSH = 256, OPT_SBATCH };

static const struct option sweep_options[] = {
	{ "jobs", required_argument, NULL, 'j' },
	{ "engine", required_argument, NULL, 'e' },
	{ "out", required_argument, NULL, 'o' },
	{ "sshloginfile", required_argument, NULL, OPT_SSH },
	{ "sbatch", required_argument, NULL, OPT_SBATCH },
	{ "dry-run", no_argument, NULL, 'n' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int
usage_error(const char *fmt, const char *arg)
{
	fputs("cometsim sweep: ", stderr);
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	fputs(sweep_usage, stderr);
	return EXIT_USAGE;
}

static int
cmd_start(int argc, char **argv)
{
	struct sweep_opts o = { 0 };
	struct sweep_ctx cx = { 0 };
	struct sw_desc *d = NULL;
	char *dir = NULL, *lockpath = NULL;
	int c, rc = EXIT_INPUT, lockfd = -1;
	char msg[UNITS_ERRLEN];
	uint64_t v;

	o.sbatch = g_ptr_array_new();
	optind = 1;
	opterr = 1;
	while ((c = getopt_long(argc, argv, "hj:e:o:nq", sweep_options, NULL)) != -1) {
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
				o.engine = ENG_LOCAL;
			else if (!strcmp(optarg, "parallel"))
				o.engine = ENG_PARALLEL;
			else if (!strcmp(optarg, "slurm"))
				o.engine = ENG_SLURM;
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
		case 'n':
			o.dry_run = true;
			break;
		case 'q':
			o.quiet = true;
			break;
		default:
			fputs(sweep_usage, stderr);
			rc = EXIT_USAGE;
			goto done;
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
	if (o.sshloginfile && o.engine != ENG_PARALLEL) {
		rc = usage_error("%s", "--sshloginfile goes with --engine parallel");
		goto done;
	}
	if (o.sbatch->len && o.engine != ENG_SLURM) {
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
	if (o.out)
		dir = abs_path(o.out);
	else {
		char *rel = g_build_filename("output", "sweeps", d->name, NULL);

		dir = abs_path(rel);
		g_free(rel);
	}
	if (o.dry_run) {
		rc = dry_run(cx.plan, dir);
		goto done;
	}
	cx.self = self_exe();
	if (!cx.self) {
		fprintf(stderr, "cometsim sweep: cannot find the program itself\n");
		goto done;
	}
	if (g_mkdir_with_parents(dir, 0777) != 0) {
		fprintf(stderr, "cometsim sweep: %s: %s\n", dir, strerror(errno));
		goto done;
	}
	/* One sweep process per directory at a time. */
	lockpath = g_build_filename(dir, "lock", NULL);
	lockfd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	if (lockfd < 0 || flock(lockfd, LOCK_EX | LOCK_NB) != 0) {
		fprintf(stderr, "cometsim sweep: %s is in use by another cometsim sweep\n", dir);
		goto done;
	}
	if (prepare_dir(&cx, dir) != 0)
		goto done;
	cx.sd = sweepdir_open(dir);
	if (!cx.sd)
		goto done;

	cx.pending = g_array_new(FALSE, FALSE, sizeof(unsigned));
	for (unsigned i = 0; i < cx.plan->n; i++) {
		char *rdir = run_dir(dir, cx.plan->idwidth, i);

		if (summary_complete(rdir))
			cx.done_before++;
		else
			g_array_append_val(cx.pending, i);
		g_free(rdir);
	}
	cx.show = !o.quiet && isatty(STDERR_FILENO);
	cx.t0 = wall_ns();
	if (cx.done_before && !o.quiet) {
		if (cx.pending->len)
			printf("%s: %u of %zu runs already complete; running the other %u\n",
			       d->name, cx.done_before, cx.plan->n, cx.pending->len);
		else
			printf("%s: all %zu runs already complete\n", d->name, cx.plan->n);
	}

	if (cx.pending->len) {
		switch (o.engine) {
		case ENG_LOCAL:
			rc = engine_local(&cx);
			break;
		case ENG_PARALLEL:
			rc = engine_parallel(&cx);
			break;
		case ENG_SLURM:
			rc = engine_slurm(&cx);
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
	if (got_signal) {
		fprintf(stderr, "cometsim sweep: interrupted; run the same command again to "
			"finish the sweep\n");
		rc = 128 + got_signal;
	}
done:
	if (lockfd >= 0)
		close(lockfd);
	g_free(lockpath);
	if (cx.pending)
		g_array_free(cx.pending, TRUE);
	sweepdir_free(cx.sd);
	g_free(cx.self);
	sw_plan_free(cx.plan);
	sw_desc_free(d);
	g_free(dir);
	g_ptr_array_free(o.sbatch, TRUE);
	return rc;
}

int
sweep_main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "exec"))
		return cmd_exec(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "status"))
		return cmd_status(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "collect"))
		return cmd_collect(argc - 1, argv + 1);
	return cmd_start(argc, argv);
}
