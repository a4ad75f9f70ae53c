/*
 * output.h - what a run writes: one directory with pcaps per interface,
 * the log, counters as CSV and summary.json.
 *
 * The output layer attaches to the engine only through its hooks: the
 * net's new-interface hook (to attach a pcap tap), the log sink, the
 * engine's watcher (time series, read at instants of virtual time) and
 * the counters it reads at the end.
 */
#ifndef OUTPUT_OUTPUT_H
#define OUTPUT_OUTPUT_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim.h"

struct net;
struct output;

struct output_opts {
	const char *dir;	/* run directory, created if missing */
	const char *pcap;	/* "all", "none" or "node,node:iface,..." */
	unsigned snaplen;
	int log_stderr;		/* also copy log lines to stderr */
	const char *timeseries;	/* the series of timeseries.csv (sim/series.h); NULL: none */
	sim_time_t timeseries_interval;	/* between two samples, > 0 */
	/*
	 * A run split over processes (doc/parallel.md): this process's
	 * number and how many there are (0 or 1: not split), and the calls
	 * through which they wait for each other and agree.  Process 0 takes
	 * the directory and opens first; the others open once it has
	 * (barrier); each writes its nodes' pcaps, and its log lines and
	 * counters into parts that process 0 merges at the close.
	 */
	int rank, nranks;
	void (*barrier)(void);
	int64_t (*max)(int64_t v);
	/*
	 * Process 0 of a split run, every part written and the log, counters
	 * and rows files merged, before summary.json: what else is merged
	 * (the entity families' files, requests.csv); claim(claim_ctx, name)
	 * gives the path of a file of the run (output_claim).  0, or -1 with
	 * err set: the run fails.  NULL: nothing.
	 */
	int (*merge)(void *ctx, const char *dir, int nranks,
		     char *(*claim)(void *claim_ctx, const char *name), void *claim_ctx,
		     char *err, size_t errlen);
	void *merge_ctx;
};

/* What summary.json records beyond the counters. */
/* A run in real time (doc/emulation.md): how the wall clock kept up. */
struct run_realtime {
	const char *mode;	/* "yes" or "strict" */
	int64_t bound_ns;	/* strict: the lag allowed; 0 none */
	uint64_t waits;		/* events paced (and the end) */
	uint64_t late;		/* of them, at least late_ns behind */
	int64_t late_ns;
	int64_t lag_max_ns, lag_p99_ns;
	bool stopped;		/* the bound was passed */
	sim_time_t stop_at;	/* the virtual time of the event it stopped before */
	int64_t stop_lag_ns;
};

/*
 * A bridge between the run and the host (doc/emulation.md): what it
 * carried, as named counters, and what it dropped, by reason.
 */
struct run_bridge {
	const char *name;
	const char *kind;	/* "socket" ... */
	const char *const *info_keys;	/* descriptive strings: proto, direction ... */
	const char *const *info_vals;
	unsigned ninfo;
	const char *const *keys;	/* counters: connections, bytes_in ... */
	const uint64_t *vals;
	unsigned nvals;
	const char *const *drop_keys;	/* drops by reason, every reason listed */
	const uint64_t *drop_vals;
	unsigned ndrops;
};

/* One process of a split run (summary.json, "processes"). */
struct run_process {
	uint64_t nodes;		/* of its part */
	uint64_t events;	/* it ran */
	double wall_s;
	double wait_s;		/* in the exchanges and agreements */
	uint64_t windows;
	uint64_t frames_out, frames_in;
	uint64_t bytes_out, bytes_in;
	long peak_rss_kb;
};

struct run_summary {
	const char *scenario;
	uint64_t seed, run;
	const char *scheduler;
	uint64_t events;
	sim_time_t sim_time_ns;
	double wall_s;
	long peak_rss_kb;
	const char *status;	/* "complete", "interrupted", "error" */
	const char *stop_reason;	/* "end_time", "no_events", "end_simulation", ... */
	uint64_t max_events;	/* the event limit in force; 0: none */
	sim_time_t max_wall;	/* the wall-clock limit in force, ns; 0: none */
	const struct run_realtime *realtime;	/* NULL: not in real time (no key) */
	const struct run_bridge *bridges;	/* nbridges of them; none: no key */
	size_t nbridges;
	/* A split run: what each process did (no key when not split). */
	const struct run_process *procs;
	size_t nprocs;
	const char *partition;	/* its method */
	sim_time_t lookahead;	/* SIM_TIME_NEVER: no link between processes */
	uint64_t cut_links;
};

/* output.c */

/*
 * Create the run directory, or take one an earlier run wrote, and attach
 * to net: log sink, pcap taps on the interfaces selected (also those
 * created later), the hook of net_outfile(), and the sampler of
 * timeseries.csv when o->timeseries asks for series.  NULL with err set.  The
 * directory is locked until output_close(): a second run into it is
 * refused, as is a directory that is neither empty nor a run's.  What an
 * earlier run wrote there (its marker lists it) is removed first, so no
 * file of it stays beside the new summary (doc/outputs.md).
 */
struct output *output_open(struct net *net, const struct output_opts *o,
			   char *err, size_t errlen);
/* Flush pcaps and the log (called on signals and errors too). */
void output_flush(struct output *o);
/*
 * Write counters.csv and summary.json (atomically: written aside, then
 * renamed), close every file and free o.  Returns 0 or -1.
 */
int output_close(struct output *o, const struct run_summary *sum);
/*
 * Make dir, which exists, an output directory a run may write into even
 * though it holds other files: put an empty marker there if it has none.
 * For the sweep engine, whose runs/ID/ folders hold the command and the
 * exit status of the run beside its outputs.  0, or -1 with err set.
 */
int output_dir_adopt(const char *dir, char *err, size_t errlen);
/*
 * Whether dir is someone else's for a command that writes a directory of
 * its own (a sweep, a validation): it exists, holds something, and holds
 * none of the names in own (NULL-terminated), which such a command always
 * writes there.  A directory that does not exist, an empty one and one of
 * the command's are not.  Symbolic links are not followed.
 */
bool output_dir_foreign(const char *dir, const char *const *own);
/*
 * What output_open() would refuse of dir, checked without changing
 * anything: another run holds it, or it is not empty and not a run's.
 * A directory that does not exist is fine.  0, or -1 with err set.
 */
int output_dir_check(const char *dir, char *err, size_t errlen);
/*
 * Take dir as the output directory of a deployment of approach "both",
 * whose halves run into the folders halves names in it (doc/deploy.md):
 * refused as output_open() refuses a directory; the files a single run
 * before wrote there are removed, and the marker then says the directory
 * holds the halves.  The halves' own folders are left to their runs.
 * The descriptor of dir, locked until it is closed, or -1 with err set.
 */
int output_both_take(const char *dir, const char *const *halves, size_t nhalves,
		     char *err, size_t errlen);
/*
 * Take dir for cometsim deploy --write, which writes the entries names
 * (files, or folders it makes) there (doc/deploy.md): dir is made if
 * missing; refused when it is not empty and has no marker of an earlier
 * write (.cometsim-deploy), when an entry to write is there and no
 * earlier write wrote it, and when the scenario file input is one of the
 * entries to remove or write (or inside one).  Nothing is changed when
 * refused.  Otherwise what the earlier write listed is removed and the
 * new marker lists names.  The descriptor of dir, locked until it is
 * closed, or -1 with err set.
 */
int output_write_take(const char *dir, const char *const *names, size_t n, const char *input,
		      char *err, size_t errlen);
/* The directory of the run. */
const char *output_dir(const struct output *o);
/*
 * Whether a file of the run could not be opened or written (a pcap when
 * the process is out of descriptors): the run cannot be complete, and
 * output_close() will fail.  The error has been printed; the run was
 * asked to stop (sim_stop()) if it was going on.
 */
bool output_failed(const struct output *o);

#endif /* OUTPUT_OUTPUT_H */
