/*
 * validate_run.c - finding the evaluators and running them.
 *
 * The evaluators are the scripts scenarios/validation/NAME.sh of the
 * source tree (the build's program) or of the installed data folder (an
 * installed program), or of $COMETSIM_DATADIR or $COMETSIM_SRCDIR
 * (vd_find_srcdir).  Before any runs, the tools the
 * selected ones need (the catalog) must all be there.  Each one runs in
 * its own process group, into DIR/NAME/, with --cometsim set to this
 * very program (/proc/self/exe), its output in DIR/NAME.log; SIGINT and
 * SIGTERM are handed to its whole group.  Then its rows are read
 * (validate_rows.c) and what went wrong is recorded as its problems: an
 * evaluator that crashed, exited 2 or more, wrote a malformed line or no
 * row "failed to run".  The front end may read the wall clock: the
 * seconds each evaluator took are shown.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"

#include "output/term.h"
#include "sim/fileio.h"
#include "sim/units.h"
#include "validate/datadir.h"
#include "validate/validate_int.h"

/* ---- an evaluator and its problems ---- */

void
vd_eval_free(gpointer p)
{
	struct vd_eval *e = p;

	g_free(e->name);
	g_free(e->path);
	g_array_unref(e->tests);
	g_ptr_array_unref(e->pass);
	g_free(e->dir);
	g_free(e->log);
	g_ptr_array_unref(e->problems);
	g_ptr_array_unref(e->rows);
	g_free(e);
}

void
vd_problem(struct vd_eval *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	g_ptr_array_add(e->problems, g_strdup_vprintf(fmt, ap));
	va_end(ap);
}


/* ---- finding the evaluators ---- */

static int
eval_order(const struct vd_eval *e)
{
	for (size_t i = 0; i < vd_ncatalog; i++)
		if (e->tab == &vd_catalog[i])
			return (int)i;
	return (int)vd_ncatalog;
}

static gint
eval_cmp(gconstpointer a, gconstpointer b)
{
	const struct vd_eval *x = *(struct vd_eval *const *)a;
	const struct vd_eval *y = *(struct vd_eval *const *)b;
	int ox = eval_order(x), oy = eval_order(y);

	if (ox != oy)
		return ox < oy ? -1 : 1;
	return strcmp(x->name, y->name);
}

static bool
has_evaluators(const char *dir)
{
	char *p = g_build_filename(dir, "scenarios", "validation", NULL);
	bool ok = g_file_test(p, G_FILE_TEST_IS_DIR);

	g_free(p);
	return ok;
}

/* The program is the build tree's own cometsim (not an installed copy). */
static bool
running_from_build(void)
{
	char *exe = realpath("/proc/self/exe", NULL);
	char *built = realpath(COMETSIM_BUILDDIR "/cometsim", NULL);
	bool same = exe && built && strcmp(exe, built) == 0;

	free(exe);
	free(built);
	return same;
}

/* The folder an environment variable names, checked.  NULL after a message. */
static char *
env_tree(const char *var, const char *dir)
{
	if (!has_evaluators(dir)) {
		fprintf(stderr, "%s: %s=%s: no scenarios/validation folder there\n",
			log_prog(), var, dir);
		return NULL;
	}
	return g_canonicalize_filename(dir, NULL);
}

/*
 * The folder of the evaluators (the one holding scenarios/validation):
 *   1. $COMETSIM_DATADIR, else $COMETSIM_SRCDIR, when set: a copy
 *      installed elsewhere than its prefix says (dpkg -x, DESTDIR), or
 *      another source tree;
 *   2. the program of a build tree, uninstalled: the source tree it was
 *      built from (COMETSIM_SRCDIR of Makefile.am);
 *   3. an installed program: the data folder make install fills,
 *      COMETSIM_DATADIR ($(pkgdatadir), laid out as the source tree).
 * An installed program never falls back on the source tree it was built
 * from, which may have changed since: a broken install says so.  NULL
 * after a message.
 */
char *
vd_find_srcdir(void)
{
	const char *env = getenv("COMETSIM_DATADIR");

	if (env && env[0])
		return env_tree("COMETSIM_DATADIR", env);
	env = getenv("COMETSIM_SRCDIR");
	if (env && env[0])
		return env_tree("COMETSIM_SRCDIR", env);
	if (running_from_build()) {
		if (has_evaluators(COMETSIM_SRCDIR))
			return g_strdup(COMETSIM_SRCDIR);
		fprintf(stderr, "%s: no scenarios/validation in %s, the source tree of this "
			"build; set COMETSIM_SRCDIR to a source tree\n", log_prog(), COMETSIM_SRCDIR);
		return NULL;
	}
	if (has_evaluators(COMETSIM_DATADIR))
		return g_strdup(COMETSIM_DATADIR);
	fprintf(stderr, "%s: no scenarios/validation in %s, where the installation "
		"(make install, or the cometsim package) puts them: install again; for a "
		"copy installed elsewhere, set COMETSIM_DATADIR to its share/cometsim "
		"folder\n", log_prog(), COMETSIM_DATADIR);
	return NULL;
}

/* Every scenarios/validation/NAME.sh ("_" first: a helper, skipped). */
int
vd_find_evaluators(struct vd *v)
{
	char *dir = g_build_filename(v->srcdir, "scenarios", "validation", NULL);
	GError *gerr = NULL;
	GDir *d = g_dir_open(dir, 0, &gerr);
	const char *n;

	if (!d) {
		fprintf(stderr, "%s: %s\n", log_prog(), log_gerror(gerr));
		g_error_free(gerr);
		g_free(dir);
		return -1;
	}
	while ((n = g_dir_read_name(d))) {
		struct vd_eval *e;
		char *path;

		if (!g_str_has_suffix(n, ".sh") || n[0] == '_' || n[0] == '.')
			continue;
		path = g_build_filename(dir, n, NULL);
		if (!g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
			g_free(path);
			continue;
		}
		e = g_new0(struct vd_eval, 1);
		e->name = g_strndup(n, strlen(n) - 3);
		e->path = path;
		e->tab = vd_catalog_find(e->name);
		e->tests = g_array_new(FALSE, FALSE, sizeof(int));
		e->pass = g_ptr_array_new_with_free_func(g_free);
		e->problems = g_ptr_array_new_with_free_func(g_free);
		e->rows = g_ptr_array_new_with_free_func(vd_row_free);
		g_ptr_array_add(v->evals, e);
	}
	g_dir_close(d);
	g_ptr_array_sort(v->evals, eval_cmp);
	if (v->evals->len == 0) {
		fprintf(stderr, "%s: no evaluator (*.sh) in %s\n", log_prog(), dir);
		g_free(dir);
		return -1;
	}
	g_free(dir);
	return 0;
}

struct vd_eval *
vd_eval_find(struct vd *v, const char *name)
{
	for (guint i = 0; i < v->evals->len; i++) {
		struct vd_eval *e = v->evals->pdata[i];

		if (strcmp(e->name, name) == 0)
			return e;
	}
	return NULL;
}

/* --pass NAME:ARGS, split as the shell does.  -1 after a message. */
int
vd_passes_apply(struct vd *v)
{
	for (guint i = 0; i < v->passes->len; i++) {
		const char *p = v->passes->pdata[i], *colon = strchr(p, ':');
		GError *gerr = NULL;
		struct vd_eval *e;
		char **argv = NULL;
		char *name;
		int argc;

		if (!colon || colon == p) {
			fprintf(stderr, "%s: --pass \"%s\": expected NAME:ARGS\n", log_prog(), p);
			return -1;
		}
		name = g_strndup(p, (gsize)(colon - p));
		if (g_str_has_suffix(name, ".sh"))
			name[strlen(name) - 3] = '\0';
		e = vd_eval_find(v, name);
		if (!e) {
			fprintf(stderr, "%s: --pass \"%s\": no evaluator "
				"\"%s\" in %s/scenarios/validation\n", log_prog(), p, name, v->srcdir);
			g_free(name);
			return -1;
		}
		g_free(name);
		if (!g_shell_parse_argv(colon + 1, &argc, &argv, &gerr)) {
			fprintf(stderr, "%s: --pass \"%s\": %s\n", log_prog(), p, log_gerror(gerr));
			g_error_free(gerr);
			return -1;
		}
		for (int k = 0; k < argc; k++)
			g_ptr_array_add(e->pass, g_strdup(argv[k]));
		g_strfreev(argv);
	}
	return 0;
}

/* ---- the tools the evaluators need ---- */

/*
 * Every tool the selected evaluators of the catalog need is there (as
 * the evaluator will look for it: $ENV, else the default on PATH).  -1
 * after a message per missing tool, naming its Debian package.
 */
int
vd_tools_check(const struct vd *v)
{
	GPtrArray *seen = g_ptr_array_new_with_free_func(g_free);
	int missing = 0;

	for (guint i = 0; i < v->evals->len; i++) {
		const struct vd_eval *e = v->evals->pdata[i];

		if (e->state == VD_SKIPPED || !e->tab)
			continue;
		for (size_t k = 0; k < G_N_ELEMENTS(e->tab->tools) && e->tab->tools[k].prog; k++) {
			const struct vd_tool *t = &e->tab->tools[k];
			const char *env = t->env ? getenv(t->env) : NULL;
			const char *prog = env && env[0] ? env : t->prog;
			char *path = strchr(prog, '/') ? g_strdup(prog) : g_find_program_in_path(prog);
			bool found = path && g_file_test(path, G_FILE_TEST_IS_EXECUTABLE) &&
				!g_file_test(path, G_FILE_TEST_IS_DIR);
			bool said = false;

			g_free(path);
			if (found)
				continue;
			for (guint j = 0; j < seen->len && !said; j++)
				said = strcmp(seen->pdata[j], prog) == 0;
			if (said)
				continue;
			g_ptr_array_add(seen, g_strdup(prog));
			if (prog == env)
				fprintf(stderr, "%s: %s.sh needs %s: %s=%s is not a "
					"program; on Debian: apt-get install %s\n", log_prog(), e->name, t->prog,
					t->env, env, t->package);
			else
				fprintf(stderr, "%s: %s.sh needs %s, which is not "
					"installed (not on PATH); on Debian: apt-get install %s\n", log_prog(),
					e->name, t->prog, t->package);
			missing++;
		}
	}
	g_ptr_array_unref(seen);
	return missing ? -1 : 0;
}

/* ---- running one evaluator ---- */

volatile sig_atomic_t vd_signal;
static volatile pid_t vd_child;		/* the evaluator's process group */

/* Hand the signal to the evaluator's whole process group; stop after it. */
static void
on_signal(int sig)
{
	vd_signal = sig;
	if (vd_child > 0)
		kill(-vd_child, sig);
}

/*
 * The last lines of an evaluator's output that are not empty, joined
 * with " | "; the first line, the command we wrote there, does not count.
 */
static char *
file_tail(const char *path, int nlines)
{
	char *text = NULL, **lines;
	GString *s = g_string_new(NULL);
	int n, first, k = 0;

	/* The end of it only (when that is less than the whole, line 0 is cut). */
	if (!(text = fileio_tail(path, 64 * 1024, NULL)))
		return g_string_free(s, FALSE);
	lines = g_strsplit(text, "\n", -1);
	n = (int)g_strv_length(lines);
	for (first = n - 1; first >= 0 && k < nlines; first--)
		if (g_strstrip(lines[first])[0])
			k++;
	for (int i = MAX(first + 1, 1); i < n; i++)
		if (lines[i][0])
			g_string_append_printf(s, "%s%s", s->len ? " | " : "", lines[i]);
	g_strfreev(lines);
	g_free(text);
	return g_string_free(s, FALSE);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the progress line ---- */

/*
 * How long each evaluator takes, whole, on the project's 2-core machine
 * (seconds): the estimate of the progress line, scaled by how the
 * evaluators already run compared with theirs.  An evaluator not listed
 * has no estimate.
 */
static const struct {
	const char *name;
	double secs;
} typical[] = {
	{ "stateless", 15 }, { "curling", 4 }, { "rae", 90 }, { "decoupled", 18 },
};

/* What e should take: its typical time, in proportion to the tests selected; 0 unknown. */
static double
eval_typical(const struct vd_eval *e)
{
	for (size_t i = 0; i < G_N_ELEMENTS(typical); i++)
		if (strcmp(typical[i].name, e->name) == 0) {
			if (e->whole || !e->tab || !e->tab->ntests)
				return typical[i].secs;
			return typical[i].secs * e->tests->len / (double)e->tab->ntests;
		}
	return 0;
}

/*
 * "validate: rae.sh 0:35, ETA 0:40; evaluator 3 of 4, 1:10 elapsed, ETA
 * 1:25" on stderr, over itself, when stderr is a terminal.
 */
static void
progress(struct vd *v, const struct vd_eval *cur, double t0)
{
	double now = now_s(), scale = 1, left = 0, mine = eval_typical(cur);
	unsigned k = 0, n = 0;
	char el[32], eta[32] = "--", all[32], eta_all[32] = "--", *line;
	bool known = mine > 0;

	if (v->ran_typical > 0 && v->ran_secs > 0)
		scale = v->ran_secs / v->ran_typical;
	for (guint i = 0; i < v->evals->len; i++) {
		const struct vd_eval *e = v->evals->pdata[i];

		if (e->state == VD_SKIPPED)
			continue;
		if (e == cur)
			k = n + 1;
		n++;
		if (e->state == VD_NOT_RUN && e != cur && !v->stopped) {
			left += eval_typical(e) * scale;
			known = known && eval_typical(e) > 0;
		}
	}
	units_fmt_clock((int64_t)((now - t0) * 1e9), el, sizeof(el));
	units_fmt_clock((int64_t)((now - v->wall0) * 1e9), all, sizeof(all));
	if (mine > 0 && mine * scale > now - t0)
		units_fmt_clock((int64_t)((mine * scale - (now - t0)) * 1e9), eta, sizeof(eta));
	if (known)
		units_fmt_clock((int64_t)((MAX(mine * scale - (now - t0), 0) + left) * 1e9), eta_all,
				sizeof(eta_all));
	line = g_strdup_printf("validate: %s.sh %s, ETA %s; evaluator %u of %u, %s elapsed, "
			       "ETA %s", cur->name, el, eta, k, n, all, eta_all);
	/* Drawn again only when it says something new. */
	if (!v->shown || strcmp(line, v->last_line ? v->last_line : "") != 0)
		term_line(stderr, line);
	g_free(v->last_line);
	v->last_line = line;
	v->shown = true;
}

static void
progress_clear(struct vd *v)
{
	if (v->shown)
		term_clear(stderr);
	v->shown = false;
	g_free(v->last_line);
	v->last_line = NULL;
}

/* Run e into e->dir, its output to e->log.  Sets e->status.  -1: no start. */
static int
eval_spawn(struct vd *v, struct vd_eval *e)
{
	GPtrArray *argv = g_ptr_array_new_with_free_func(g_free);
	GString *only = g_string_new(NULL);
	struct sigaction sa, old_int, old_term;
	int wst, fd;
	pid_t pid;

	g_ptr_array_add(argv, g_strdup("sh"));
	g_ptr_array_add(argv, g_strdup(e->path));
	g_ptr_array_add(argv, g_strdup(e->dir));
	g_ptr_array_add(argv, g_strdup("--cometsim"));
	g_ptr_array_add(argv, g_strdup(v->exe));
	g_ptr_array_add(argv, g_strdup("--quiet"));
	if (!e->whole) {
		for (guint i = 0; i < e->tests->len; i++)
			g_string_append_printf(only, "%s%d", i ? "," : "",
					       g_array_index(e->tests, int, i));
		g_ptr_array_add(argv, g_strdup("--only"));
		g_ptr_array_add(argv, g_strdup(only->str));
	}
	for (guint i = 0; i < e->pass->len; i++)
		g_ptr_array_add(argv, g_strdup(e->pass->pdata[i]));
	g_ptr_array_add(argv, NULL);
	g_string_free(only, TRUE);

	fd = open(e->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		vd_problem(e, "cannot write %s: %s", e->log, strerror(errno));
		g_ptr_array_unref(argv);
		return -1;
	}
	/* The command, first, so that the log says what ran. */
	{
		char *cmd = g_strjoinv(" ", (char **)argv->pdata);

		dprintf(fd, "# %s\n", cmd);
		g_free(cmd);
	}

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

		/* Its own process group: a signal reaches its cometsim and tshark too. */
		setpgid(0, 0);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		setenv("top_srcdir", v->srcdir, 1);
		execv("/bin/sh", (char **)argv->pdata);
		dprintf(STDERR_FILENO, "cannot run /bin/sh: %s\n", strerror(errno));
		_exit(127);
	}
	close(fd);
	if (pid < 0) {
		vd_problem(e, "cannot start it: %s", strerror(errno));
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		g_ptr_array_unref(argv);
		return -1;
	}
	setpgid(pid, pid);	/* as the child does: whichever runs first */
	vd_child = pid;
	if (vd_signal)
		kill(-pid, vd_signal);
	for (double t0 = now_s();;) {
		pid_t w = waitpid(pid, &wst, v->show ? WNOHANG : 0);

		if (w == pid || (w < 0 && errno != EINTR))
			break;
		if (w == 0) {
			struct timespec ts = { 0, 250000000 };

			progress(v, e, t0);
			nanosleep(&ts, NULL);
		}
	}
	progress_clear(v);
	vd_child = 0;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (WIFEXITED(wst))
		e->status = WEXITSTATUS(wst);
	else
		e->status = 128 + (WIFSIGNALED(wst) ? WTERMSIG(wst) : 0);
	g_ptr_array_unref(argv);
	return 0;
}


/* Run e, read its rows, record what went wrong. */
void
vd_eval_run(struct vd *v, struct vd_eval *e)
{
	char *rows = g_build_filename(e->dir, "rows.jsonl", NULL);
	double t0;

	/* An old rows.jsonl must not pass for this run's. */
	if (unlink(rows) != 0 && errno != ENOENT)
		vd_problem(e, "cannot remove the old %s: %s", rows, strerror(errno));
	g_free(rows);
	fprintf(stderr, "validate: %s.sh ...\n", e->name);
	t0 = now_s();
	if (v->wall0 == 0)
		v->wall0 = t0;
	if (e->problems->len == 0 && eval_spawn(v, e) == 0) {
		e->secs = now_s() - t0;
		if (e->status >= 128) {
			vd_problem(e, "killed by signal %d", e->status - 128);
		} else if (e->status >= 2) {
			char *tail = file_tail(e->log, 3);

			vd_problem(e, "exit status %d: %s", e->status, tail[0] ? tail : "(no output)");
			g_free(tail);
		}
		if (e->status < 128)
			vd_eval_read_rows(v, e);
		if (e->status < 2)
			vd_eval_check_rows(e);
	}
	for (guint i = 0; i < e->rows->len; i++) {
		struct vd_row *r = e->rows->pdata[i];

		vd_row_provenance(v, r);
		if (r->pass)
			e->npass++;
		else
			e->nfail++;
		e->nstale += !r->fresh;
	}
	if (e->problems->len == 0 && e->nread == 0)
		vd_problem(e, "no row (exit status %d)", e->status);
	if (e->problems->len == 0 && e->status == 1 && e->nread_fail == 0)
		vd_problem(e, "exit status 1, but no row says FAIL");
	vd_eval_group_rows(e);
	if (eval_typical(e) > 0) {
		v->ran_secs += e->secs;
		v->ran_typical += eval_typical(e);
	}
	e->state = e->problems->len ? VD_FAILED : VD_RAN;
	if (e->state == VD_FAILED)
		fprintf(stderr, "validate: %s.sh FAILED TO RUN (%.1f s, output in %s): %s\n",
			e->name, e->secs, e->log, (char *)e->problems->pdata[0]);
	else
		fprintf(stderr, "validate: %s.sh: %u %s, %d PASS, %d FAIL (%.1f s)\n",
			e->name, e->rows->len, vd_rows_word(e->rows->len), e->npass, e->nfail,
			e->secs);
}

