/*
 * sweep_dir.c - the sweep directory: what "cometsim sweep" writes there
 * before any run starts (plan.csv, sweep.xml, the manifest, each run's
 * argv and command), reading it back, and the state of each run from
 * the files of its directory runs/ID/.
 *
 * A run is finished when runs/ID/summary.json says "complete" (the run
 * writes it last, atomically); it is running while someone holds
 * runs/ID/lock (sweep_exec.c); its exit file and attempts.log say how
 * an unfinished one ended.  The plan of a directory never changes: a
 * description that expands to another plan is refused there, so run i
 * means the same run whoever starts it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "sim/fileio.h"
#include "sweep/sweep_int.h"

#define TAIL_LINES	3	/* stderr lines kept in runs.csv ... */
#define TAIL_BYTES	(64 * 1024)	/* ... found in its last bytes */

/* ---- the sweep directory ---- */

void
sw_dir_free(struct sw_dir *sd)
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

char *
sw_run_dir(const char *dir, int idwidth, unsigned i)
{
	char id[32];

	snprintf(id, sizeof(id), "%0*u", idwidth, i);
	return g_build_filename(dir, "runs", id, NULL);
}

/*
 * Read the manifest and (with_plan) plan.csv of a sweep directory.  NULL
 * after printing.
 */
struct sw_dir *
sw_dir_load(const char *dir, bool with_plan)
{
	struct sw_dir *sd = g_new0(struct sw_dir, 1);
	char *path, *text = NULL;
	char **lines;
	const char *w;

	sd->dir = g_canonicalize_filename(dir, NULL);
	sd->manifest = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	path = g_build_filename(sd->dir, "manifest", NULL);
	if (!(text = fileio_text(path, NULL))) {
		fprintf(stderr, "%s: %s is not a sweep directory (no manifest)\n", log_prog(), dir);
		g_free(path);
		sw_dir_free(sd);
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
		fprintf(stderr, "%s: %s: cannot read the plan\n", log_prog(), path);
		g_free(text);
		g_free(path);
		sw_dir_free(sd);
		return NULL;
	}
	g_free(text);
	g_free(path);
	sd->cols = g_ptr_array_index(sd->plan, 0);
	return sd;
}

struct sw_dir *
sw_dir_open(const char *dir)
{
	return sw_dir_load(dir, true);
}

guint
sw_dir_nruns(const struct sw_dir *sd)
{
	return sd->plan->len - 1;
}

GPtrArray *
sw_dir_row(const struct sw_dir *sd, guint i)
{
	return g_ptr_array_index(sd->plan, i + 1);
}

/* The description kept in the directory, for metrics and plots. */
struct sw_desc *
sw_dir_desc(const struct sw_dir *sd)
{
	char *path = g_build_filename(sd->dir, "sweep.xml", NULL);
	struct sw_desc *d = sw_desc_load(path, g_hash_table_lookup(sd->manifest, "base_dir"));

	g_free(path);
	return d;
}

/* ---- the state of one run, from its directory ---- */

const char *const sw_rstate_names[] = {
	"pending", "queued", "running", "interrupted", "failed", "complete",
};

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

void
sw_rinfo_read(const char *rdir, struct sw_rinfo *ri)
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
	if (sw_summary_complete(rdir))
		ri->st = SW_RS_COMPLETE;
	else if (lock_held(rdir))
		ri->st = SW_RS_RUNNING;
	/*
	 * A launcher (mpirun) ends with a status of its own (exit 1) when a
	 * signal stopped the run's processes: the run's summary says it.
	 */
	else if (ri->exit)
		ri->st = !strcmp(ri->exit, "exit 130") || !strcmp(ri->exit, "exit 143") ||
			 g_str_has_prefix(ri->exit, "signal ") || sw_summary_interrupted(rdir) ?
			 SW_RS_INTERRUPTED : SW_RS_FAILED;
	else if (ri->attempts)
		ri->st = SW_RS_INTERRUPTED;
	else
		ri->st = SW_RS_PENDING;
}

/* The last lines of runs/ID/stderr.txt, joined by " | ". */
char *
sw_stderr_tail(const char *rdir)
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

/* ---- writing the directory ---- */

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

/* The runs of a directory never change meaning: see the header. */
int
sw_dir_prepare(const char *dir, const struct sw_plan *pl, const char *self,
	       char *const *launch)
{
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
		fprintf(stderr, "%s: %s holds another sweep: its plan.csv line %u is\n"
			"  %s\nbut this description gives\n  %s\n"
			"Use another --out, or remove %s to start over.\n", log_prog(), dir, i + 1,
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
		fprintf(stderr, "%s: cannot copy %s into %s\n", log_prog(), d->path, dir);
		goto done;
	}
	g_free(path);
	abs = g_canonicalize_filename(d->path, NULL);
	base_dir = g_path_get_dirname(abs);
	man = g_string_new(NULL);
	g_string_append_printf(man, "name=%s\ndescription=%s\nbase_dir=%s\nscenario=%s\n"
			       "runs=%zu\nidwidth=%d\nprogram=%s\n", d->name, abs, base_dir,
			       d->scenario, pl->n, pl->idwidth, self);
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
		char *rdir = sw_run_dir(dir, pl->idwidth, (unsigned)i);
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

			for (char *const *q = launch; q && *q; q++)
				g_ptr_array_add(full, *q);
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

