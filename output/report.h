/*
 * report.h - the files written once at the end of a run: counters.csv
 * and summary.json.
 *
 * Internal to output/: output_close() calls these after the run.  Both
 * files are written beside their final name and renamed into place, so
 * a reader never sees half a file.
 */
#ifndef OUTPUT_REPORT_H
#define OUTPUT_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct net;
struct run_summary;

/* report.c */

/* One CSV field, quoted (RFC 4180) only when it has to be; NULL is empty. */
void report_csv_field(FILE *f, const char *s);

/*
 * Write every registered counter and every entity statistic of net to
 * `path` as CSV (kind,name,counter,value).  0, or -1 with err set.
 */
int report_counters(const struct net *net, const char *path, char *err,
		    size_t errlen);
/*
 * The drop totals by reason and the traffic over links of a run split
 * over processes, from their merged counters (summary.json).
 */
struct report_totals {
	char **reasons;		/* every reason, in the run's order */
	uint64_t *drops;	/* per reason */
	unsigned nreasons;
	uint64_t tx_frames, tx_bytes, rx_frames, rx_bytes;	/* over links */
};
void report_totals_free(struct report_totals *t);
/*
 * A split run (doc/parallel.md): this process's counters, with where each
 * was registered (struct stats_stamp), into `path`; 0, or -1 with err.
 */
int report_counters_part(const struct net *net, const char *path, char *err,
			 size_t errlen);
/*
 * Process 0, every part written: counters.csv at `path` from the n parts,
 * as one process writes it: the counters in the order they were
 * registered in the run, each registered in several processes (the
 * topology's) once with the sum of their values, the drop reasons in the
 * order they were first met in the run, then the entities' statistics
 * node by node.  The totals of summary.json in *tot.  0, or -1 with err.
 */
int report_counters_merge(const struct net *net, const char *const *parts, int n,
			  const char *path, struct report_totals *tot, char *err, size_t errlen);
/*
 * Write summary.json to `path`: the run description in sum, drop totals by
 * reason, traffic totals over links (from tot when not NULL, else from
 * net) and the pcap file names (relative to the run directory).  0, or -1
 * with err set.
 */
int report_summary(const struct net *net, const struct run_summary *sum,
		   const struct report_totals *tot,
		   const char *const *pcaps, size_t npcaps, const char *path,
		   char *err, size_t errlen);

#endif /* OUTPUT_REPORT_H */
