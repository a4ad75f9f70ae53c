/*
 * output.h - what a run writes: one directory with pcaps per interface,
 * the log, counters as CSV and summary.json.
 *
 * The output layer attaches to the engine only through its hooks: the
 * net's new-interface hook (to attach a pcap tap), the log sink, and the
 * counters it reads at the end.
 */
#ifndef OUTPUT_OUTPUT_H
#define OUTPUT_OUTPUT_H

#include <stdint.h>

#include "sim/sim.h"

struct net;
struct output;

struct output_opts {
	const char *dir;	/* run directory, created if missing */
	const char *pcap;	/* "all", "none" or "node,node:iface,..." */
	unsigned snaplen;
	int log_stderr;		/* also copy log lines to stderr */
};

/* What summary.json records beyond the counters. */
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
};

/* output.c */

/*
 * Create the run directory and attach to net: log sink, pcap taps on the
 * interfaces selected (also those created later).  NULL with err set.
 * A summary.json left by an earlier run in the directory is removed first,
 * so a directory without one is never mistaken for a complete run.
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
/* The directory of the run. */
const char *output_dir(const struct output *o);

#endif /* OUTPUT_OUTPUT_H */
