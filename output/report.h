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
 * Write summary.json to `path`: the run description in sum, drop totals by
 * reason, traffic totals over links and the pcap file names (relative to
 * the run directory).  0, or -1 with err set.
 */
int report_summary(const struct net *net, const struct run_summary *sum,
		   const char *const *pcaps, size_t npcaps, const char *path,
		   char *err, size_t errlen);

#endif /* OUTPUT_REPORT_H */
