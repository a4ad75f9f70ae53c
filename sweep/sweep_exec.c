/*
 * sweep_exec.c - "cometsim sweep exec DIR INDEX": the wrapper every
 * engine starts for a run, and the signals of a running sweep.
 *
 * The wrapper holds runs/ID/lock while the run goes on (the lock
 * descriptor is inherited by the run itself, so an orphaned run still
 * holds it), checks again under the lock that the run is not finished,
 * runs "cometsim run ..." with the arguments of runs/ID/argv (under the
 * launcher the engine gives, mpirun or srun, for a run over several
 * processes), and
 * records its exit status (runs/ID/exit) and stderr (runs/ID/stderr.txt).
 * So a run is never run twice at once, and never again once finished,
 * whichever engine or how many sweeps start it.  Wall-clock time is read
 * here only for the attempt log and, through sw_wall_ns(), for the
 * progress line of the engines.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "output/output.h"
#include "sim/fileio.h"
#include "sweep/sweep_int.h"

#define TICK_US		200000	/* progress and signal checks */

/* ---- signals ---- */

volatile sig_atomic_t sw_got_signal;
volatile sig_atomic_t sw_nsignals;

static void
on_signal(int sig)
{
	sw_got_signal = sig;
	sw_nsignals++;
}

static void
on_tick(int sig)
{
	(void)sig;
}

void
sw_signals_catch(bool tick)
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

void
sw_signals_default(void)
{
	struct itimerval it;

	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	signal(SIGALRM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
}

int64_t
sw_wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The program itself, for the wrappers and the runs. */
char *
sw_self_exe(void)
{
	char buf[PATH_MAX + 1];
	ssize_t n = readlink("/proc/self/exe", buf, PATH_MAX);

	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return g_strdup(buf);
}

/* ---- sweep exec DIR INDEX: one run, under its lock ---- */

extern char **environ;

/*
 * A sweep started by a launcher itself (srun cometsim sweep ..., mpirun
 * -np 1 cometsim sweep ...) hands the launcher's environment down to its
 * runs: each would take itself for a process of that launch (par_init
 * looks at these variables) and fail to join it, and a run's own mpirun
 * would take itself for one nested in it.  So, in such an environment,
 * the runs start without any variable of Open MPI, PMIx or PMI (settings
 * in OMPI_MCA_* included: they cannot be told from the launcher's); a
 * run's own launcher sets those of its launch.
 */
static void
launch_env_drop(void)
{
	static const char *const marks[] = {
		"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE", NULL,
	};
	static const char *const prefixes[] = { "OMPI_", "PMIX_", "PMI_", NULL };
	bool launched = false;
	GPtrArray *names;

	for (size_t i = 0; marks[i]; i++)
		launched |= getenv(marks[i]) != NULL;
	if (!launched)
		return;
	names = g_ptr_array_new_with_free_func(g_free);
	for (char **e = environ; *e; e++)
		for (size_t i = 0; prefixes[i]; i++)
			if (g_str_has_prefix(*e, prefixes[i])) {
				g_ptr_array_add(names, g_strndup(*e, strcspn(*e, "=")));
				break;
			}
	for (guint i = 0; i < names->len; i++)
		g_unsetenv(g_ptr_array_index(names, i));
	g_ptr_array_free(names, TRUE);
}

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

int
sw_exec_main(int argc, char **argv, char *const *launch)
{
	struct sw_dir *sd = NULL;
	char *rdir = NULL, *path = NULL, *args = NULL, *self = NULL, *end;
	const char *wrap = getenv("COMETSIM_SWEEP_WRAP");
	char **wargv = NULL, num[32];
	GError *gerr = NULL;
	GPtrArray *av = NULL;
	gsize len = 0;
	unsigned long idx, nruns;
	int lockfd = -1, errfd = -1, status, rc = SW_EXIT_INPUT, wargc = 0;
	char exitbuf[32];
	pid_t pid;

	if (argc != 3)
		return fprintf(stderr, "%s", sweep_usage), SW_EXIT_USAGE;
	errno = 0;
	idx = strtoul(argv[2], &end, 10);
	if (!g_ascii_isdigit(argv[2][0]) || *end || errno)
		return fprintf(stderr, "%s: bad INDEX \"%s\" (a run's number, from 0)\n"
			       "usage: cometsim sweep exec SWEEPDIR INDEX\n", log_prog(), argv[2]),
		       SW_EXIT_USAGE;
	if (wrap && wrap[0] && !g_shell_parse_argv(wrap, &wargc, &wargv, &gerr)) {
		fprintf(stderr, "%s: COMETSIM_SWEEP_WRAP=\"%s\": %s\n", log_prog(),
			wrap, log_gerror(gerr));
		g_error_free(gerr);
		return SW_EXIT_INPUT;
	}
	/* The manifest only: a wrapper per run should not read the whole plan. */
	sd = sw_dir_load(argv[1], false);
	if (!sd)
		goto done;
	nruns = strtoul(g_hash_table_lookup(sd->manifest, "runs") ?
			(char *)g_hash_table_lookup(sd->manifest, "runs") : "0", NULL, 10);
	if (idx >= nruns) {
		fprintf(stderr, "%s: %s has %lu runs, no run %lu\n", log_prog(), sd->dir,
			nruns, idx);
		goto done;
	}
	rdir = sw_run_dir(sd->dir, sd->idwidth, (unsigned)idx);
	if (g_mkdir_with_parents(rdir, 0777) != 0) {
		fprintf(stderr, "%s: %s: %s\n", log_prog(), rdir, strerror(errno));
		goto done;
	}
	/* Not close-on-exec: the run inherits the lock and holds it to its end. */
	path = g_build_filename(rdir, "lock", NULL);
	lockfd = open(path, O_RDWR | O_CREAT, 0666);
	if (lockfd < 0) {
		fprintf(stderr, "%s: %s: %s\n", log_prog(), path, strerror(errno));
		goto done;
	}
	while (flock(lockfd, LOCK_EX) != 0)
		if (errno != EINTR) {
			fprintf(stderr, "%s: lock %s: %s\n", log_prog(), path, strerror(errno));
			goto done;
		}
	if (sw_summary_complete(rdir)) {
		attempt_log(rdir, "skip (already complete)");
		rc = 0;
		goto done;
	}
	/* The run writes beside our files: tell it they are not in its way. */
	{
		char err[512];

		if (output_dir_adopt(rdir, err, sizeof(err)) != 0) {
			fprintf(stderr, "%s: %s\n", log_prog(), err);
			goto done;
		}
	}
	g_free(path);
	path = g_build_filename(rdir, "argv", NULL);
	if (!(args = fileio_text(path, &len)) || len == 0) {
		fprintf(stderr, "%s: cannot read %s\n", log_prog(), path);
		goto done;
	}
	self = sw_self_exe();
	av = g_ptr_array_new();
	/*
	 * The launcher of a run over several processes (mpirun, srun) comes
	 * first and starts what follows once per process.  Then
	 * COMETSIM_SWEEP_WRAP: a command the run is started under (valgrind,
	 * nice, taskset, a test's wrapper), given the program and its
	 * arguments, so each process of a split run is wrapped; it learns
	 * which run it is from COMETSIM_SWEEP_DIR and COMETSIM_SWEEP_INDEX.
	 */
	for (char *const *q = launch; q && *q; q++)
		g_ptr_array_add(av, *q);
	for (int k = 0; k < wargc; k++)
		g_ptr_array_add(av, wargv[k]);
	g_ptr_array_add(av, launch || wargv ? self : "cometsim");
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
		fprintf(stderr, "%s: %s: %s\n", log_prog(), path, strerror(errno));
		goto done;
	}
	snprintf(num, sizeof(num), "%lu", idx);
	launch_env_drop();
	g_setenv("COMETSIM_SWEEP_DIR", sd->dir, TRUE);
	g_setenv("COMETSIM_SWEEP_INDEX", num, TRUE);
	attempt_log(rdir, "start");
	/*
	 * The signals that stop a run reach it directly (terminal, the local
	 * engine's process group, GNU parallel, Slurm): the wrapper only
	 * outlives it to record how it ended.
	 */
	sw_signals_catch(false);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "%s: fork: %s\n", log_prog(), strerror(errno));
		goto done;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		sw_signals_default();
		if (nul >= 0)
			dup2(nul, STDIN_FILENO);
		dup2(errfd, STDOUT_FILENO);
		dup2(errfd, STDERR_FILENO);
		if (launch)
			execvp(launch[0], (char **)av->pdata);
		else if (wargv)
			execvp(wargv[0], (char **)av->pdata);
		else
			execv(self, (char **)av->pdata);
		fprintf(stderr, "%s: cannot run %s: %s\n", log_prog(),
			launch ? launch[0] : wargv ? wargv[0] : self, strerror(errno));
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
	/*
	 * The attempt's end is logged before the exit file marks the run
	 * done: whoever sees it done (sweep status) finds its log whole.
	 */
	attempt_log(rdir, "end %s", exitbuf);
	path = g_build_filename(rdir, "exit", NULL);
	{
		char *line = g_strdup_printf("%s\n", exitbuf);

		sw_write_atomic(path, line, strlen(line));
		g_free(line);
	}
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
	sw_dir_free(sd);
	return rc;
}

