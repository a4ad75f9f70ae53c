/*
 * validate.c - "cometsim validate": run every validation evaluator and
 * print D4.3's tables from what they observed.
 *
 * An evaluator is a script scenarios/validation/NAME.sh of the source
 * tree (stateless.sh, curling.sh, rae.sh, ...).  It takes
 * "OUTDIR --cometsim PATH --quiet [--only LIST]", runs its scenarios into
 * OUTDIR, reads what they captured and logged, and writes one flat JSON
 * object a line to OUTDIR/rows.jsonl: category, test, description, step,
 * expected, actual, result (PASS or FAIL), run_dir.  It exits 0 when
 * every row passes, 1 when one fails, 2 or more when it could not do its
 * job.  This file only runs them and reads their rows: it never decides
 * a result itself.
 *
 * The steps:
 *   1. find the evaluators: $COMETSIM_DATADIR or $COMETSIM_SRCDIR, else
 *      the source tree the program was built from (the build's program)
 *      or the data folder make install filled (an installed program);
 *   2. select them and their tests with --only, through the catalog
 *      (validate_catalog.c: D4.3's tests, their categories and tables);
 *   3. run each one, in its own process group, into DIR/NAME/, with
 *      --cometsim set to this very program (/proc/self/exe), its output
 *      in DIR/NAME.log;
 *   4. read DIR/NAME/rows.jsonl; an evaluator that crashed, exited 2 or
 *      more, wrote a malformed line, no row for a test it should have or
 *      more rows than the catalog knows "failed to run": reported, and
 *      the exit status is 3; a row it owed and did not write is a FAIL
 *      row;
 *   5. print the tables grouped as D4.3 groups them and write them to
 *      DIR/validation.md, DIR/validation.html (self-contained) and
 *      DIR/validation.json (and --json FILE).
 * Before step 3, the tools the selected evaluators need (the catalog)
 * must all be there, or nothing runs (exit 2).  This file parses the
 * options and goes through the steps; validate_run.c runs the
 * evaluators, validate_rows.c reads their rows, validate_render.c shows
 * and writes the tables.
 *
 * The timestamp/owner column of a row is the date, version and commit of
 * the run behind it (its run_dir/summary.json), not of this command: a
 * row graded from a run this command did not make with this build is
 * marked, and the validation is incomplete (exit 3).  The front end may
 * read the wall clock.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "config.h"

#include "output/output.h"
#include "validate/datadir.h"
#include "validate/validate_int.h"

const char validate_usage[] =
	"usage: cometsim validate [--out DIR] [--json FILE] [--only PATTERN]...\n"
	"                         [--keep-going] [--pass NAME:ARGS]... [--list] [--quiet]\n";

const char validate_help[] =
	"Run every validation evaluator (scenarios/validation/*.sh of the source\n"
	"tree), read the rows they observed and print D4.3's validation tables:\n"
	"test category, test, timestamp/owner, description, step, expected,\n"
	"actual, result.  The tables are also written to DIR/validation.md,\n"
	"DIR/validation.html (self-contained) and DIR/validation.json.\n"
	"\n"
	"  -o, --out DIR         output directory (default output/validation); each\n"
	"                        evaluator runs into DIR/NAME/, its output in DIR/NAME.log\n"
	"  --json FILE           also write the rows as JSON to FILE\n"
	"  --only PATTERN        only what PATTERN selects: an evaluator (\"stateless\"),\n"
	"                        or tests by \"CATEGORY TEST\" or \"EVALUATOR TEST\"\n"
	"                        (\"CAFE forward\", \"stateless 3\", \"multi-domain\");\n"
	"                        a substring, or a glob with * ? [ ], any case; comma\n"
	"                        separated or repeated for several\n"
	"  -k, --keep-going      run the other evaluators after one failed to run\n"
	"                        (default: stop there; FAIL rows never stop it)\n"
	"  --pass NAME:ARGS      give evaluator NAME these extra arguments (split as\n"
	"                        the shell does): --pass 'stateless:--scenario 3=F.xml'\n"
	"  --list                print the evaluators and tests --only selects; run nothing\n"
	"  -q, --quiet           print only the summary: no tables, no progress line\n"
	"  -h, --help            this help\n"
	"\n"
	"The evaluators come from scenarios/validation in $COMETSIM_DATADIR or\n"
	"$COMETSIM_SRCDIR when set, else in the source tree (this program uninstalled,\n"
	"in its build tree) or in " COMETSIM_DATADIR " (installed).\n"
	"Each row is stamped with the date, version and commit of the run behind it.\n"
	"Exit status: 0 every row passes, 1 a row failed (or is missing), 2 bad usage\n"
	"or a tool the evaluators need is missing, 3 incomplete (an evaluator failed\n"
	"to run or wrote bad rows, no row at all, a row not run by this command, an\n"
	"output not written), 130/143 interrupted.\n";

/* ---- the command ---- */

enum { OPT_JSON = 256, OPT_ONLY, OPT_PASS, OPT_LIST };

static const struct option validate_options[] = {
	{ "out", required_argument, NULL, 'o' },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "only", required_argument, NULL, OPT_ONLY },
	{ "keep-going", no_argument, NULL, 'k' },
	{ "pass", required_argument, NULL, OPT_PASS },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int
usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage_error(const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		fprintf(stderr, "%s: ", log_prog());
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		putc('\n', stderr);
	}
	fputs(validate_usage, stderr);
	return VD_EXIT_USAGE;
}

/* --only: comma separated patterns, kept in lower case. */
static int
only_add(struct vd *v, const char *arg)
{
	char **parts = g_strsplit(arg, ",", -1);
	int n = 0;

	for (char **p = parts; *p; p++) {
		char *t = g_strstrip(*p);

		if (!t[0])
			continue;
		g_ptr_array_add(v->pats, g_ascii_strdown(t, -1));
		n++;
	}
	g_strfreev(parts);
	return n ? 0 : -1;
}

/* The date, version and commit: "2026-11-21/cometsim 0.1.0 (3f2a9c1b0d4e)". */
static void
stamp(struct vd *v, int argc, char **argv)
{
	time_t t = time(NULL);
	struct tm tm;
	char day[32], when[64];
	GString *cmd = g_string_new("cometsim validate");

	v->t0 = t;
	localtime_r(&t, &tm);
	strftime(day, sizeof(day), "%Y-%m-%d", &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z", &tm);
	v->owner = g_strdup_printf("%s/cometsim %s (%s)", day, PACKAGE_VERSION, COMETSIM_COMMIT);
	v->when = g_strdup(when);
	for (int i = 1; i < argc; i++) {
		char *q = g_shell_quote(argv[i]);
		bool plain = argv[i][0] != '\0';

		for (const char *p = argv[i]; *p && plain; p++)
			plain = g_ascii_isalnum(*p) || strchr("_./:=,+-@%", *p);
		g_string_append_printf(cmd, " %s", plain ? argv[i] : q);
		g_free(q);
	}
	v->cmdline = g_string_free(cmd, FALSE);
}

static void
vd_free(struct vd *v)
{
	g_free(v->srcdir);
	g_free(v->outabs);
	g_ptr_array_unref(v->pats);
	g_ptr_array_unref(v->passes);
	g_free(v->exe);
	g_free(v->owner);
	g_free(v->when);
	g_free(v->cmdline);
	g_ptr_array_unref(v->evals);
}

int
validate_main(int argc, char **argv)
{
	struct vd v = { 0 };
	char exe[PATH_MAX], *inc;
	ssize_t n;
	int c, rc = VD_EXIT_USAGE, lockfd = -1;
	guint nsel = 0;

	v.out = "output/validation";
	v.pats = g_ptr_array_new_with_free_func(g_free);
	v.passes = g_ptr_array_new();
	v.evals = g_ptr_array_new_with_free_func(vd_eval_free);
	stamp(&v, argc, argv);

	optind = 1;
	opterr = 0;	/* said below, in the program's words */
	while ((c = getopt_long(argc, argv, ":ho:kq", validate_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(validate_usage, stdout);
			putchar('\n');
			fputs(validate_help, stdout);
			rc = 0;
			goto done;
		case 'o':
			if (!optarg[0]) {
				rc = usage_error("--out: empty directory name");
				goto done;
			}
			v.out = optarg;
			break;
		case OPT_JSON:
			if (!optarg[0]) {
				rc = usage_error("--json: empty file name");
				goto done;
			}
			v.json = optarg;
			break;
		case OPT_ONLY:
			if (only_add(&v, optarg) != 0) {
				rc = usage_error("--only \"%s\": no pattern", optarg);
				goto done;
			}
			break;
		case 'k':
			v.keep_going = true;
			break;
		case OPT_PASS:
			g_ptr_array_add(v.passes, optarg);
			break;
		case OPT_LIST:
			v.list = true;
			break;
		case 'q':
			v.quiet = true;
			break;
		default: {	/* ':' or '?' */
			char *why = log_getopt_error(c, argc, argv, validate_options);

			rc = usage_error("%s", why);
			g_free(why);
			goto done;
		}
		}
	}
	if (optind < argc) {
		rc = usage_error("unexpected argument \"%s\"", argv[optind]);
		goto done;
	}

	v.srcdir = vd_find_srcdir();
	if (!v.srcdir || vd_find_evaluators(&v) != 0) {
		rc = VD_EXIT_INCOMPLETE;
		goto done;
	}
	if (vd_passes_apply(&v) != 0)
		goto done;
	for (guint i = 0; i < v.evals->len; i++) {
		struct vd_eval *e = v.evals->pdata[i];

		vd_eval_select(&v, e);
		nsel += e->state != VD_SKIPPED;
	}
	if (v.list) {
		vd_print_list(&v);
		rc = 0;
		goto done;
	}
	if (nsel == 0) {
		GString *pats = g_string_new(NULL);

		for (guint i = 0; i < v.pats->len; i++)
			g_string_append_printf(pats, "%s\"%s\"", i ? ", " : "",
					       (char *)v.pats->pdata[i]);
		rc = usage_error("--only %s: no test matches (cometsim validate --list shows "
				 "them)", pats->str);
		g_string_free(pats, TRUE);
		goto done;
	}
	/* Nothing runs, and nothing is written, without every tool. */
	if (vd_tools_check(&v) != 0) {
		fprintf(stderr, "%s: not run: the tools above are missing\n", log_prog());
		rc = VD_EXIT_USAGE;
		goto done;
	}
	for (guint i = 0; i < v.passes->len; i++) {
		const char *p = v.passes->pdata[i];
		char *name = g_strndup(p, (gsize)(strchr(p, ':') - p));
		struct vd_eval *e;

		if (g_str_has_suffix(name, ".sh"))
			name[strlen(name) - 3] = '\0';
		e = vd_eval_find(&v, name);
		if (e->state == VD_SKIPPED)
			fprintf(stderr, "%s: warning: --pass %s: %s is not "
				"selected by --only\n", log_prog(), p, name);
		g_free(name);
	}

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0) {
		fprintf(stderr, "%s: cannot find this program "
			"(/proc/self/exe): %s\n", log_prog(), strerror(errno));
		rc = VD_EXIT_INCOMPLETE;
		goto done;
	}
	exe[n] = '\0';
	v.exe = g_strdup(exe);
	{
		/*
		 * A directory of a validation has the folder or the log of one
		 * evaluator at least (--no-run grades a folder of captures).
		 */
		GPtrArray *own = g_ptr_array_new_with_free_func(g_free);
		bool foreign;

		g_ptr_array_add(own, g_strdup("validation.json"));
		for (guint i = 0; i < v.evals->len; i++) {
			const char *name = ((struct vd_eval *)v.evals->pdata[i])->name;

			g_ptr_array_add(own, g_strdup(name));
			g_ptr_array_add(own, g_strdup_printf("%s.log", name));
		}
		g_ptr_array_add(own, NULL);
		foreign = output_dir_foreign(v.out, (const char *const *)own->pdata);
		g_ptr_array_free(own, TRUE);
		if (foreign) {
			fprintf(stderr, "%s: %s: not empty, and not the directory "
				"of a validation (no validation.json, no evaluator's folder or log): "
				"choose another --out, or empty it yourself\n", log_prog(), v.out);
			rc = VD_EXIT_USAGE;
			goto done;
		}
	}
	if (g_mkdir_with_parents(v.out, 0755) != 0) {
		fprintf(stderr, "%s: cannot create %s: %s\n", log_prog(), v.out,
			strerror(errno));
		rc = VD_EXIT_INCOMPLETE;
		goto done;
	}
	v.outabs = vd_path_resolve(v.out);
	/* One validation per directory at a time (the lock goes with the process). */
	lockfd = open(v.out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lockfd < 0 || flock(lockfd, LOCK_EX | LOCK_NB) != 0) {
		fprintf(stderr, "%s: %s: %s\n", log_prog(), v.out,
			lockfd >= 0 && errno == EWOULDBLOCK ?
			"another validation is writing into this directory: wait for it to "
			"end, or choose another --out" : strerror(errno));
		rc = VD_EXIT_USAGE;
		goto done;
	}

	/* The progress line: on a terminal, not with --quiet (as the sweep's). */
	v.show = !v.quiet && isatty(STDERR_FILENO);
	for (guint i = 0; i < v.evals->len; i++) {
		struct vd_eval *e = v.evals->pdata[i];

		if (e->state != VD_NOT_RUN || v.stopped || vd_signal)
			continue;
		e->dir = g_build_filename(v.outabs, e->name, NULL);
		e->log = g_strdup_printf("%s.log", e->dir);
		if (g_mkdir_with_parents(e->dir, 0755) != 0)
			vd_problem(e, "cannot create %s: %s", e->dir, strerror(errno));
		vd_eval_run(&v, e);
		if (e->state == VD_FAILED && !v.keep_going) {
			v.stopped = true;
			fprintf(stderr, "validate: stopping (--keep-going runs the other "
				"evaluators)\n");
		}
	}
	for (guint i = 0; i < v.evals->len; i++) {
		struct vd_eval *e = v.evals->pdata[i];

		v.nrows += (int)e->rows->len;
		v.npass += e->npass;
		v.nfail += e->nfail;
		v.nstale += e->nstale;
		v.nfailed += e->state == VD_FAILED;
		v.nnotrun += e->state == VD_NOT_RUN;
	}

	if (!v.quiet)
		vd_print_tables(&v, stdout);
	rc = 0;
	if (v.nfail)
		rc = VD_EXIT_FAIL;
	if (v.nfailed || v.nnotrun || v.nrows == 0 || v.nstale)
		rc = VD_EXIT_INCOMPLETE;
	if (vd_write_outputs(&v) != 0)
		rc = VD_EXIT_INCOMPLETE;
	printf("validate: %d %s, %d PASS, %d FAIL", v.nrows, vd_rows_word(v.nrows), v.npass,
	       v.nfail);
	inc = vd_incomplete_text(&v);
	printf("%s\n", inc);
	g_free(inc);
	if (vd_signal)
		rc = 128 + vd_signal;
done:
	if (lockfd >= 0)
		close(lockfd);
	vd_free(&v);
	return rc;
}
