/*
 * sweep_engine.c - the three engines that run the pending runs of a
 * sweep, and the progress line while they do.
 *
 * Every engine starts the same wrapper for a run, "cometsim sweep exec
 * DIR INDEX" (sweep_exec.c), followed by "-- LAUNCHER ARG..." when a run
 * is split over several processes: mpirun here and through GNU parallel,
 * srun in a Slurm job, which is given as many tasks.  local forks the
 * wrappers itself, N at a time, each in its own process group, so that a
 * signal to the sweep is
 * passed on once to every run; parallel hands the wrapper commands to GNU
 * parallel; slurm writes and submits a job array whose task i runs run i,
 * and returns (status and collect follow the job).  The engines that do
 * not see their runs end look at the run directories to count them.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "output/term.h"
#include "sim/fileio.h"
#include "sim/units.h"
#include "sweep/sweep_int.h"

/* ---- progress ---- */

static void
progress(struct sw_ctx *cx)
{
	unsigned total = cx->pending->len, width = 24, fill;
	int64_t el = sw_wall_ns() - cx->t0;
	char els[32], eta[32] = "--";
	char bar[64];
	GString *line;

	if (!cx->show)
		return;
	fill = total ? cx->finished * width / total : width;
	for (unsigned i = 0; i < width; i++)
		bar[i] = i < fill ? '#' : '.';
	bar[width] = '\0';
	units_fmt_clock(el, els, sizeof(els));
	if (cx->finished && cx->finished < total)
		units_fmt_clock(el / cx->finished * (total - cx->finished), eta, sizeof(eta));
	line = g_string_new(NULL);
	g_string_append_printf(line, "[%s] %u/%u runs", bar, cx->finished, total);
	if (cx->failed)
		g_string_append_printf(line, ", %u failed", cx->failed);
	g_string_append_printf(line, ", %u running, %s elapsed, ETA %s", cx->running, els, eta);
	if (sw_got_signal)
		g_string_append(line, " (stopping)");
	term_line(stderr, line->str);
	g_string_free(line, TRUE);
	cx->shown = true;
}

static void
progress_clear(struct sw_ctx *cx)
{
	if (cx->shown)
		term_clear(stderr);
	cx->shown = false;
}

/*
 * The first finished run shows which metrics exist: say early which
 * ones it does not have (the collect step makes it an error if no run
 * has them).
 */
static void
check_metrics_early(struct sw_ctx *cx, unsigned idx)
{
	const struct sw_desc *d = cx->plan->d;
	char *rdir = sw_run_dir(cx->sd->dir, cx->sd->idwidth, idx);
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
run_finished(struct sw_ctx *cx, unsigned idx)
{
	char *rdir = sw_run_dir(cx->sd->dir, cx->sd->idwidth, idx);
	struct sw_rinfo ri;

	sw_rinfo_read(rdir, &ri);
	g_free(rdir);
	cx->finished++;
	if (ri.st == SW_RS_FAILED)
		cx->failed++;
	if (ri.st == SW_RS_COMPLETE && !cx->metrics_checked)
		check_metrics_early(cx, idx);
	g_free(ri.exit);
}

/* ---- the launcher of a run over several processes ---- */

char **
sw_launcher(enum sw_engine e, unsigned ranks)
{
	GPtrArray *a;

	if (ranks <= 1)
		return NULL;
	a = g_ptr_array_new();
	if (e == SW_ENG_SLURM) {
		/* The job step gets the tasks of its array task (--ntasks). */
		g_ptr_array_add(a, g_strdup("srun"));
		g_ptr_array_add(a, g_strdup("-n"));
	} else {
		/*
		 * More processes than cores is fine (the runs are split to be
		 * checked, or the pool runs fewer at a time); mpirun refuses to
		 * run as root without being told.
		 */
		g_ptr_array_add(a, g_strdup("mpirun"));
		g_ptr_array_add(a, g_strdup("-np"));
	}
	g_ptr_array_add(a, g_strdup_printf("%u", ranks));
	if (e != SW_ENG_SLURM) {
		g_ptr_array_add(a, g_strdup("--oversubscribe"));
		if (geteuid() == 0)
			g_ptr_array_add(a, g_strdup("--allow-run-as-root"));
	}
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

/* The wrapper of run idx: "PROGRAM sweep exec DIR idx [-- LAUNCHER ...]". */
static char **
exec_argv(struct sw_ctx *cx, unsigned idx)
{
	GPtrArray *a = g_ptr_array_new();

	g_ptr_array_add(a, g_strdup(cx->self));
	g_ptr_array_add(a, g_strdup("sweep"));
	g_ptr_array_add(a, g_strdup("exec"));
	g_ptr_array_add(a, g_strdup(cx->sd->dir));
	g_ptr_array_add(a, g_strdup_printf("%u", idx));
	if (cx->launch) {
		g_ptr_array_add(a, g_strdup("--"));
		for (char **q = cx->launch; *q; q++)
			g_ptr_array_add(a, g_strdup(*q));
	}
	g_ptr_array_add(a, NULL);
	return (char **)g_ptr_array_free(a, FALSE);
}

/* ---- local: a pool of processes ---- */

static pid_t
spawn_exec(struct sw_ctx *cx, unsigned idx)
{
	char **av = exec_argv(cx, idx);
	pid_t pid;

	/* The path is the program's; its argv[0] its name, as from a shell. */
	g_free(av[0]);
	av[0] = g_strdup("cometsim");
	pid = fork();
	if (pid == 0) {
		int nul = open("/dev/null", O_RDWR);

		setpgid(0, 0);
		sw_signals_default();
		if (nul >= 0) {
			dup2(nul, STDIN_FILENO);
			dup2(nul, STDOUT_FILENO);
		}
		execv(cx->self, av);
		fprintf(stderr, "%s: cannot run %s: %s\n", log_prog(), cx->self, strerror(errno));
		_exit(127);
	}
	if (pid > 0)
		setpgid(pid, pid);	/* also here: no race with the first kill() */
	g_strfreev(av);
	return pid;
}

int
sw_engine_local(struct sw_ctx *cx)
{
	unsigned ranks = cx->plan->d->ranks ? cx->plan->d->ranks : 1;
	/* By default as many processes as CPUs: a run of N processes takes N. */
	unsigned jobs = cx->o->jobs ? cx->o->jobs :
			MAX(1u, (unsigned)g_get_num_processors() / ranks);
	pid_t *pids = g_new0(pid_t, jobs);
	unsigned *idxs = g_new0(unsigned, jobs);
	guint next = 0;
	int forwarded = 0;

	sw_signals_catch(true);
	for (;;) {
		pid_t pid;
		int status;

		while (!sw_got_signal && cx->running < jobs && next < cx->pending->len) {
			unsigned slot = 0;

			while (pids[slot])
				slot++;
			idxs[slot] = g_array_index(cx->pending, unsigned, next++);
			pids[slot] = spawn_exec(cx, idxs[slot]);
			if (pids[slot] < 0) {
				fprintf(stderr, "%s: fork: %s\n", log_prog(), strerror(errno));
				pids[slot] = 0;
				sw_got_signal = SIGTERM;
				break;
			}
			cx->running++;
		}
		if (sw_got_signal && forwarded < sw_nsignals) {
			/* Each run's process group: the wrapper and the run. */
			for (unsigned s = 0; s < jobs; s++)
				if (pids[s])
					kill(-pids[s], sw_got_signal);
			forwarded = sw_nsignals;
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
	sw_signals_default();
	progress_clear(cx);
	g_free(pids);
	g_free(idxs);
	return 0;
}

/* ---- GNU parallel ---- */

/* Count what finished since the last look (engines that do not tell us). */
static void
scan_finished(struct sw_ctx *cx, bool *seen)
{
	unsigned running = 0;

	for (guint k = 0; k < cx->pending->len; k++) {
		unsigned idx = g_array_index(cx->pending, unsigned, k);
		char *rdir;
		struct sw_rinfo ri;

		if (seen[k])
			continue;
		rdir = sw_run_dir(cx->sd->dir, cx->sd->idwidth, idx);
		sw_rinfo_read(rdir, &ri);
		g_free(rdir);
		if (ri.st == SW_RS_RUNNING)
			running++;
		else if (ri.st == SW_RS_COMPLETE || (ri.st == SW_RS_FAILED && ri.exit)) {
			seen[k] = true;
			cx->finished++;
			if (ri.st == SW_RS_FAILED)
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
exec_command(struct sw_ctx *cx, unsigned idx)
{
	char **av = exec_argv(cx, idx);
	char *cmd = sw_shell_join(av);

	g_strfreev(av);
	return cmd;
}

int
sw_engine_parallel(struct sw_ctx *cx)
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
		fprintf(stderr, "%s: GNU parallel is not installed (Debian: "
			"apt-get install parallel)\n", log_prog());
		rc = SW_EXIT_INPUT;
		goto done;
	}
	for (guint k = 0; k < cx->pending->len; k++) {
		char *c = exec_command(cx, g_array_index(cx->pending, unsigned, k));

		g_string_append_printf(cmds, "%s\n", c);
		g_free(c);
	}
	if (sw_write_atomic(cmdfile, cmds->str, cmds->len) != 0) {
		rc = SW_EXIT_INPUT;
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

	sw_signals_catch(true);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s: fork: %s\n", log_prog(), strerror(errno));
		rc = SW_EXIT_INPUT;
		goto done;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		sw_signals_default();
		if (nul >= 0)
			dup2(nul, STDIN_FILENO);
		execvp("parallel", (char **)av->pdata);
		fprintf(stderr, "%s: cannot run parallel: %s\n", log_prog(), strerror(errno));
		_exit(127);
	}
	for (;;) {
		pid_t w;

		if (sw_got_signal && forwarded < sw_nsignals) {
			/* GNU parallel passes it on to every job's processes. */
			kill(pid, sw_got_signal);
			forwarded = sw_nsignals;
		}
		if (sw_wall_ns() - last_scan > 1000000000LL) {
			scan_finished(cx, seen);
			last_scan = sw_wall_ns();
		}
		progress(cx);
		w = waitpid(pid, &status, 0);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR)
			break;
	}
	sw_signals_default();
	progress_clear(cx);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		rc = SW_EXIT_INPUT;
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

/* ---- Slurm: a job array ---- */

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

int
sw_engine_slurm(struct sw_ctx *cx)
{
	char *sdir = g_build_filename(cx->sd->dir, "slurm", NULL);
	char *script = g_build_filename(sdir, "array.sh", NULL);
	char *jobsfile = g_build_filename(sdir, "jobs", NULL);
	char *spec = array_spec(cx->pending), *out = NULL, *err = NULL;
	GPtrArray *av = g_ptr_array_new_with_free_func(g_free);
	GHashTable *active;
	GString *sh = g_string_new(NULL);
	GError *gerr = NULL;
	unsigned nactive = 0, maxarr;
	int status, rc = SW_EXIT_INPUT;
	FILE *f;

	active = sw_slurm_active(cx->sd, &nactive);
	if (active)
		g_hash_table_destroy(active);
	if (nactive) {
		fprintf(stderr, "%s: %u array tasks of this sweep are still pending "
			"or running (cometsim sweep status %s); wait for them or scancel them "
			"first\n", log_prog(), nactive, cx->sd->dir);
		goto done;
	}
	maxarr = slurm_max_array();
	if (maxarr && g_array_index(cx->pending, unsigned, cx->pending->len - 1) >= maxarr) {
		fprintf(stderr, "%s: the sweep has %zu runs but the cluster's "
			"MaxArraySize is %u: array indexes must stay below it (raise it in "
			"slurm.conf, or split the sweep)\n", log_prog(), cx->plan->n, maxarr);
		goto done;
	}
	if (g_mkdir_with_parents(sdir, 0777) != 0) {
		fprintf(stderr, "%s: %s: %s\n", log_prog(), sdir, strerror(errno));
		goto done;
	}
	g_string_append_printf(sh,
		"#!/bin/sh\n"
		"# Written by cometsim sweep: array task i runs run i of %s/plan.csv.\n"
		"#SBATCH --job-name=cometsim-%s\n"
		"#SBATCH --output=%s/%%A_%%a.out\n"
		"#SBATCH --array=%s",
		cx->sd->dir, cx->plan->d->name, sdir, spec);
	if (cx->o->jobs)
		g_string_append_printf(sh, "%%%u", cx->o->jobs);
	/*
	 * A task per process of a run: the wrapper runs in the batch step,
	 * its launcher (srun -n N) starts the run's processes over them.
	 */
	{
		char **wav = exec_argv(cx, 0), *index = wav[4], *head, *tail = NULL;

		/* PROGRAM sweep exec DIR, the task's index, then -- LAUNCHER ... */
		wav[4] = NULL;
		head = sw_shell_join(wav);
		if (cx->launch)
			tail = sw_shell_join(wav + 5);
		wav[4] = index;
		g_string_append_printf(sh,
			"\n#SBATCH --ntasks=%u\n"
			"#SBATCH --cpus-per-task=1\n"
			"exec %s \"$SLURM_ARRAY_TASK_ID\"%s%s\n",
			cx->plan->d->ranks ? cx->plan->d->ranks : 1, head, tail ? " " : "",
			tail ? tail : "");
		g_free(head);
		g_free(tail);
		g_strfreev(wav);
	}
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
		fprintf(stderr, "%s: cannot run sbatch: %s (Debian: apt-get install "
			"slurm-client, and a cluster)\n", log_prog(), log_gerror(gerr));
		g_error_free(gerr);
		goto done;
	}
	if (!g_spawn_check_wait_status(status, NULL)) {
		fprintf(stderr, "%s: sbatch failed: %s", log_prog(), err ? err : "\n");
		goto done;
	}
	g_strstrip(out);
	out[strcspn(out, ";")] = '\0';	/* "JOBID;CLUSTER" */
	f = fopen(jobsfile, "a");
	if (!f || fprintf(f, "%s\n", out) < 0 || fclose(f) != 0) {
		fprintf(stderr, "%s: %s: %s\n", log_prog(), jobsfile, strerror(errno));
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

/* ---- Slurm: the jobs a sweep submitted ---- */

static GPtrArray *
slurm_jobs(const struct sw_dir *sd)
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
GHashTable *
sw_slurm_active(const struct sw_dir *sd, unsigned *nactive)
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

