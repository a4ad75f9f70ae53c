/*
 * validate_int.h - what the files of the validation module share among
 * themselves: the catalog of D4.3's tables, the state of one validation
 * (its evaluators and their rows), and the functions of each file.
 * validate.h is the module's interface to the front end; this header is
 * not, though the unit test (tests/validate/unit.c) reaches into it.
 *
 * The header lists the functions file by file.
 */
#ifndef VALIDATE_VALIDATE_INT_H
#define VALIDATE_VALIDATE_INT_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include <glib.h>

#include "sim/log.h"
#include "validate/validate.h"

#define VD_EXIT_FAIL		1	/* a row says FAIL */
#define VD_EXIT_USAGE		2	/* the command line is wrong */
#define VD_EXIT_INCOMPLETE	3	/* an evaluator failed to run, bad rows, no row */

/* ---- the catalog: D4.3's tests, their categories and tables ---- */

#define VD_MAX_TESTS	16	/* tests of one table in the catalog */

/* One test of D4.3 as an evaluator rebuilds it. */
/* Where a test comes from: a row of a D4.3 table, D4.3's test plan, or the project. */
enum vd_origin {
	VD_ORIGIN_OWN = 0,	/* the project's own (the default) */
	VD_ORIGIN_TABLE,	/* a row of one of D4.3's validation tables */
	VD_ORIGIN_PLAN,		/* a test D4.3 plans (section 4.4.1) but gives no table for */
};

struct vd_test {
	int test;		/* D4.3's number */
	int cat;		/* index in the table's categories */
	int rows;		/* rows the evaluator writes for it (0: one) */
	const char *missing;	/* NULL: rebuilt, its rows are due; else why it is not */
	enum vd_origin origin;
};

/* A program an evaluator needs, and where Debian has it. */
struct vd_tool {
	const char *env;	/* the variable that names it, or NULL */
	const char *prog;	/* the default */
	const char *package;	/* the Debian package */
};

/* One table of D4.3, and the evaluator that rebuilds it. */
struct vd_table {
	const char *evaluator;		/* scenarios/validation/EVALUATOR.sh */
	const char *title;
	const char *source;		/* where D4.3 has the table */
	const char *cats[8];		/* D4.3's categories, in its order */
	struct vd_test tests[VD_MAX_TESTS];
	size_t ntests;
	struct vd_tool tools[4];	/* what it runs besides cometsim and the shell */
};

/* ---- the state of one validation ---- */

/* One row, as read and as it is shown. */
struct vd_row {
	GPtrArray *fields;	/* struct validate_field, as the line had them */
	const char *ev_cat;	/* the evaluator's "category" (in fields) */
	const char *test;	/* "test" as text (in fields) */
	const char *cat;	/* D4.3's category (catalog), else ev_cat */
	int catno;		/* D4.3's number of cat, 0 if none */
	bool catno_shown;	/* label it "3. CAFE forward": its table's categories
				   follow its test order (vd_cats_in_test_order) */
	int order;		/* place of cat in its table, to group rows */
	guint seq;		/* place of the row in rows.jsonl */
	bool pass;
	bool owed;		/* not written by the evaluator: a row it owed */
	char *owner;		/* timestamp/owner: the run's date, version and commit */
	char *shown;		/* owner as the tables show it (marked if not fresh) */
	bool fresh;		/* its run was made by this command, with this build */
	char *run_dir;		/* absolute, resolved */
	char *href;		/* run_dir relative to DIR, URI-escaped */
	char *rel;		/* the same, readable */
};

enum vd_state { VD_SKIPPED, VD_NOT_RUN, VD_RAN, VD_FAILED };

/* One evaluator and what came of it. */
struct vd_eval {
	char *name;		/* "stateless" */
	char *path;		/* the script */
	const struct vd_table *tab;	/* NULL: not in the catalog */
	enum vd_state state;
	bool whole;		/* every test of it selected (no --only passed) */
	bool postfilter;	/* its rows filtered by --only after the run */
	GArray *tests;		/* int: the catalog tests selected, passed as --only */
	GPtrArray *pass;	/* char *: --pass arguments for it */
	char *dir, *log;	/* DIR/NAME, DIR/NAME.log */
	int status;		/* exit status, or 128 + signal */
	double secs;
	GPtrArray *problems;	/* char *: why it failed to run */
	GPtrArray *rows;	/* struct vd_row * */
	int nread, nread_fail;	/* rows in rows.jsonl, before --only */
	int npass, nfail;
	int nstale;		/* rows not fresh (vd_row_provenance) */
};

/* One run of the command. */
struct vd {
	char *srcdir;		/* where scenarios/validation is */
	const char *out;	/* --out as given */
	char *outabs;		/* the same, resolved */
	const char *json;	/* --json */
	GPtrArray *pats;	/* char *: the --only patterns, lower case */
	GPtrArray *passes;	/* char *: --pass as given */
	bool keep_going, list, quiet;
	char *exe;		/* this program */
	char *owner;		/* this command's timestamp/owner: its date, this build */
	char *when;		/* date and time of the command, for the headers */
	time_t t0;		/* when the command started */
	char *cmdline;		/* the command, for the headers */
	GPtrArray *evals;	/* struct vd_eval * */
	int nrows, npass, nfail;
	int nstale;		/* rows whose run this command did not make */
	int nfailed, nnotrun;	/* evaluators that failed to run, that did not run */
	bool stopped;		/* an evaluator failed and --keep-going is off */
	/* the progress line (a terminal, not --quiet): validate_run.c */
	bool show;
	bool shown;		/* a progress line is on the screen */
	char *last_line;	/* its text */
	double wall0;		/* when the first evaluator started (monotonic s) */
	double ran_secs, ran_typical;	/* finished evaluators: took, expected */
};

/* ---- the catalog and the selection (validate_catalog.c) ---- */

/* D4.3's tables in the order the tables are shown, and their number. */
extern const struct vd_table vd_catalog[];
extern const size_t vd_ncatalog;

/* The table evaluator NAME rebuilds, or NULL when the catalog has none. */
const struct vd_table *vd_catalog_find(const char *name);
/* "Stateless CAFE: D4.3 section 5.4.2", or the evaluator's name.  Caller frees. */
char *vd_eval_title(const struct vd_eval *e);
/*
 * A row's origin as the tables show it: "D4.3 table", "D4.3 test plan" or
 * "project" (a test the catalog does not know is the project's).
 */
const char *vd_row_origin(const struct vd_eval *e, const struct vd_row *r);
/*
 * Does --only select this?  The keys of a test: "EVALUATOR",
 * "EVALUATOR TEST", "CATEGORY TEST" with D4.3's category (cat) and with
 * the evaluator's own (ev_cat).  Without test, the evaluator alone.
 * Everything is selected when there is no pattern.
 */
bool vd_selects(const struct vd *v, const char *ev, const char *cat, const char *ev_cat,
		const char *test);
/* Decide what runs of e (e->state, e->whole, e->tests, e->postfilter). */
void vd_eval_select(struct vd *v, struct vd_eval *e);
/* --list: the evaluators and tests --only selects, on stdout. */
void vd_print_list(const struct vd *v);

/* ---- finding and running the evaluators (validate_run.c) ---- */

extern volatile sig_atomic_t vd_signal;	/* SIGINT or SIGTERM received */

/* One more reason why e failed to run. */
void vd_problem(struct vd_eval *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void vd_eval_free(gpointer p);
/*
 * The folder of the evaluators: $COMETSIM_DATADIR or $COMETSIM_SRCDIR when
 * set, else the source tree for the build's own program, else the
 * installed data folder.  NULL after a message.
 */
char *vd_find_srcdir(void);
/* Every scenarios/validation/NAME.sh of v->srcdir into v->evals.  -1 after a message. */
int vd_find_evaluators(struct vd *v);
/* The evaluator of that name, or NULL. */
struct vd_eval *vd_eval_find(struct vd *v, const char *name);
/* --pass NAME:ARGS, split as the shell does, given to each evaluator.  -1 after a message. */
int vd_passes_apply(struct vd *v);
/*
 * Every tool the selected evaluators of the catalog need is there.  -1
 * after a message per missing tool, naming its Debian package.
 */
int vd_tools_check(const struct vd *v);
/* Run e, read its rows, record what went wrong, and say so on stderr. */
void vd_eval_run(struct vd *v, struct vd_eval *e);

/* ---- the rows (validate_rows.c) ---- */

/* The keys every row must have, in the order evaluators write them. */
extern const char *const vd_row_keys[];
#define VD_NROW_KEYS	8

/* The field key of a parsed row, or NULL. */
const struct validate_field *vd_row_get(GPtrArray *fields, const char *key);
void vd_row_free(gpointer p);
/* "row" or "rows". */
const char *vd_rows_word(long n);
/* path made absolute, symbolic links resolved if it exists.  Caller frees. */
char *vd_path_resolve(const char *path);
/* Read e's rows.jsonl into e->rows; a malformed line is a problem of e. */
void vd_eval_read_rows(struct vd *v, struct vd_eval *e);
/*
 * Every test of the catalog that e was asked to run has its rows: each
 * one missing becomes a FAIL row; a test without any row, or with more
 * rows than the catalog knows, is a problem of e.
 */
void vd_eval_check_rows(struct vd_eval *e);
/* Put e's rows in test order (D4.3's tables stay grouped by category). */
void vd_eval_group_rows(struct vd_eval *e);
/* The timestamp/owner of r, from the summary.json of its run directory. */
void vd_row_provenance(const struct vd *v, struct vd_row *r);

/* ---- the tables (validate_render.c) ---- */

/* "", or why the tables are incomplete: "; INCOMPLETE: ...".  Caller frees. */
char *vd_incomplete_text(const struct vd *v);
/* The tables for the terminal, on f (colours when f is a terminal). */
void vd_print_tables(struct vd *v, FILE *f);
/* The rows as a JSON list, one row object a line.  Caller frees. */
char *vd_render_json(const struct vd *v);
/* The tables in Markdown.  Caller frees. */
char *vd_render_md(const struct vd *v);
/* The tables as a self-contained HTML page.  Caller frees. */
char *vd_render_html(const struct vd *v);
/* DIR/validation.{json,md,html} and --json FILE.  -1 after a message. */
int vd_write_outputs(struct vd *v);

#endif /* VALIDATE_VALIDATE_INT_H */
