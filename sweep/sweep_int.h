/*
 * sweep_int.h - what the files of the sweep module share among
 * themselves: the sweep directory and the state of its runs, the
 * wrapper that runs one run, the engines and the signals of a running
 * sweep.  sweep.h is the module's interface to the rest of the program
 * and to the tests; this header is not.
 *
 * The header lists the functions file by file.
 */
#ifndef SWEEP_SWEEP_INT_H
#define SWEEP_SWEEP_INT_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "sim/log.h"
#include "sweep/sweep.h"

#define SW_EXIT_INPUT	1
#define SW_EXIT_USAGE	2
#define SW_EXIT_PENDING	3	/* runs are still queued or running */

#define SW_MAX_RUNS	1000000u	/* a plan larger than this is refused */
#define SW_MAX_RANKS	4096u	/* processes of one run, <run ranks=> and --ranks */

/* ---- the description (sweep_desc.c) ---- */

/* "file:line: message" on stderr (no line when line <= 0), shown escaped. */
void sw_desc_error(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The swept parameter of that name, or NULL. */
struct sw_param *sw_desc_param(const struct sw_desc *d, const char *name);

/* ---- the sweep directory, the state of its runs (sweep_dir.c) ---- */

/* A sweep directory as its files describe it. */
struct sw_dir {
	char *dir;		/* absolute */
	GHashTable *manifest;	/* key -> value */
	GPtrArray *cols;	/* plan.csv header, run_id ... seed, run */
	GPtrArray *plan;	/* plan.csv rows (GPtrArray of char *) */
	int idwidth;
};

enum sw_rstate {
	SW_RS_PENDING, SW_RS_QUEUED, SW_RS_RUNNING, SW_RS_INTERRUPTED, SW_RS_FAILED,
	SW_RS_COMPLETE
};

/* "pending", "queued", ...: the states as runs.csv names them. */
extern const char *const sw_rstate_names[];

/* The state of one run, from its directory. */
struct sw_rinfo {
	enum sw_rstate st;
	char *exit;		/* "exit 1", "signal 9", or NULL */
	unsigned attempts;
};

/* DIR/runs/ID of run i.  Caller frees. */
char *sw_run_dir(const char *dir, int idwidth, unsigned i);
/*
 * Read the manifest and (with_plan) plan.csv of a sweep directory.  NULL
 * after printing.
 */
struct sw_dir *sw_dir_load(const char *dir, bool with_plan);
/* sw_dir_load() with the plan. */
struct sw_dir *sw_dir_open(const char *dir);
void sw_dir_free(struct sw_dir *sd);
/* The number of runs of the plan. */
guint sw_dir_nruns(const struct sw_dir *sd);
/* Run i of plan.csv: its fields (run_id first), borrowed. */
GPtrArray *sw_dir_row(const struct sw_dir *sd, guint i);
/* The description kept in the directory, for metrics and plots.  NULL after printing. */
struct sw_desc *sw_dir_desc(const struct sw_dir *sd);
/*
 * Make dir a sweep directory for the plan (plan.csv, sweep.xml, the
 * manifest naming the program self, each run's argv and command), or
 * check that it already is one for the same plan.  launch: the launcher
 * the runs are started under (sw_launcher()), shown in each run's
 * command; NULL for none.  0, or -1 after printing.
 */
int sw_dir_prepare(const char *dir, const struct sw_plan *pl, const char *self,
		   char *const *launch);
/* Fill ri from the run directory rdir; ri->exit is the caller's to free. */
void sw_rinfo_read(const char *rdir, struct sw_rinfo *ri);
/* The last lines of rdir/stderr.txt, joined by " | ".  Caller frees. */
char *sw_stderr_tail(const char *rdir);

/* ---- sweep exec DIR INDEX, signals (sweep_exec.c) ---- */

extern volatile sig_atomic_t sw_got_signal;	/* the last SIGINT/SIGTERM */
extern volatile sig_atomic_t sw_nsignals;	/* how many came */

/*
 * SIGINT and SIGTERM recorded in sw_got_signal, interrupting waitpid()
 * (no SA_RESTART); with tick, SIGALRM every 200 ms too (progress).
 */
void sw_signals_catch(bool tick);
/* Default actions again, and no timer. */
void sw_signals_default(void);
/* A monotonic clock in nanoseconds: progress and engines only. */
int64_t sw_wall_ns(void);
/* The program itself (/proc/self/exe), or NULL.  Caller frees. */
char *sw_self_exe(void);
/*
 * cometsim sweep exec DIR INDEX [-- LAUNCHER ARG...]: argv[0] is "exec",
 * argv[1] DIR, argv[2] INDEX; launch (NULL-terminated, or NULL) the
 * command the run is started under, as "LAUNCHER ARG... PROGRAM run ...".
 * Returns the exit status.
 */
int sw_exec_main(int argc, char **argv, char *const *launch);

/* ---- engines (sweep_engine.c) ---- */

enum sw_engine { SW_ENG_LOCAL, SW_ENG_PARALLEL, SW_ENG_SLURM };

/* The options of "cometsim sweep SWEEP.xml". */
struct sw_opts {
	const char *desc_path;
	const char *out;
	enum sw_engine engine;
	unsigned jobs;		/* 0: the engine's default */
	unsigned ranks;		/* --ranks, processes of each run; 0: the description's */
	const char *sshloginfile;
	GPtrArray *sbatch;	/* const char * */
	bool dry_run, quiet;
};

/* Everything a started sweep shares with its engine. */
struct sw_ctx {
	struct sw_opts *o;
	struct sw_plan *plan;
	struct sw_dir *sd;
	char *self;
	char **launch;		/* sw_launcher(): what each run starts under, or NULL */
	GArray *pending;	/* unsigned: runs to start */
	unsigned done_before;	/* complete when the sweep started */
	/* progress */
	bool show;
	bool shown;
	int64_t t0;
	unsigned finished, failed, running;
	bool metrics_checked;
};

/*
 * The launcher of a run over ranks processes on engine e, NULL-terminated
 * (g_strfreev()): "mpirun -np N --oversubscribe" on this machine and
 * through GNU parallel (with --allow-run-as-root when run as root),
 * "srun -n N" in a Slurm job.  NULL when ranks is 1: the run is started
 * directly.
 */
char **sw_launcher(enum sw_engine e, unsigned ranks);
/*
 * Run the pending runs of cx: forked here N at a time, by GNU parallel,
 * or submitted to Slurm as a job array (which returns at once).  0, or
 * an exit status after printing what went wrong.
 */
int sw_engine_local(struct sw_ctx *cx);
int sw_engine_parallel(struct sw_ctx *cx);
int sw_engine_slurm(struct sw_ctx *cx);
/*
 * Array tasks of the sweep's last Slurm job that Slurm still holds,
 * pending or running: a set of run index + 1, their number in *nactive.
 * NULL when the sweep never used Slurm or squeue does not answer.
 */
GHashTable *sw_slurm_active(const struct sw_dir *sd, unsigned *nactive);

/* sweep_plot.c */

/* Whether s is a whole finite number (g_ascii_strtod, nothing after it); it into *v. */
bool sweep_number(const char *s, double *v);

#endif /* SWEEP_SWEEP_INT_H */
