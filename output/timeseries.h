/*
 * timeseries.h - timeseries.csv: the series a run samples at a fixed
 * interval (the run option timeseries, doc/outputs.md).
 *
 * Internal to output/: output_open() starts the sampler when the run asks
 * for series, output_flush() and output_close() reach it.  It watches the
 * engine's clock through sim_set_watch(), which adds no event: a run with
 * series runs exactly the events of one without.
 */
#ifndef OUTPUT_TIMESERIES_H
#define OUTPUT_TIMESERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "sim/sim.h"

struct net;
struct tseries;

/* timeseries.c */

/*
 * Sample the series of spec (sim/series.h) into f, which the sampler owns
 * from now on, every `interval` ns from sim_now() + interval.  Writes
 * the header line.  NULL with err set (a bad spec: the loader has
 * checked it already).
 */
struct tseries *tseries_start(struct net *net, const char *spec, sim_time_t interval,
			      FILE *f, char *err, size_t errlen);
/* Stop sampling (the engine may still run while it is torn down). */
void tseries_stop(struct tseries *ts);
void tseries_flush(struct tseries *ts);
/*
 * Stop, warn on stderr (when asked) about items that kept no key, close
 * the file and free ts.  0, or -1 when the file could not be written whole (err set).
 */
int tseries_close(struct tseries *ts, const char *path, bool warn, char *err,
		  size_t errlen);

#endif /* OUTPUT_TIMESERIES_H */
