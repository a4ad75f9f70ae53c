/*
 * realtime.h - real-time mode: virtual time follows the wall clock.
 *
 * A pacer for the engine (sim_set_pacer, sim/sim.h): before each event
 * it waits until the wall clock reaches the event's time, counted from
 * the first event the run paces, and measures how late it is: the lag,
 * the wall-clock time past the instant the event was due.  A run that
 * falls behind catches up by running what is due without waiting (as
 * ns-3's real-time scheduler does in its best-effort mode); with a bound,
 * the pacer stops the run instead once the lag passes it.  Waiting
 * changes no event, so a run in real time writes what it writes without
 * (doc/emulation.md).
 *
 * The clock is the process's monotonic clock, or one a test gives.
 */
#ifndef EMU_REALTIME_H
#define EMU_REALTIME_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/sim.h"

/* How the pacer reads the wall clock and waits on it (ns, monotonic). */
struct rt_clock {
	int64_t (*now)(void *ctx);
	/*
	 * Wait until `t`, or less (a signal, input from outside): the pacer
	 * looks again.  A time past: do not wait, only look for input.
	 * Returns how much input it handled (callbacks that may have
	 * scheduled events), 0 when none.
	 */
	int (*sleep_until)(void *ctx, int64_t t);
	void *ctx;
};

/* A lag at or above this is an event "late" (1 ms). */
#define RT_LATE_NS	1000000

struct rt_stats {
	uint64_t waits;		/* times the pacer was asked: events, and the end */
	uint64_t late;		/* of them, with a lag of RT_LATE_NS or more */
	int64_t lag_max;	/* ns */
	int64_t lag_p99;	/* ns, the upper bound of its histogram bucket (within 19 %) */
	bool stopped;		/* the bound was passed: the run stopped */
	sim_time_t stop_at;	/* the virtual time of the event it stopped before */
	int64_t stop_lag;	/* and its lag, ns */
};

struct realtime;

/*
 * A pacer; bound > 0 stops the run (SIM_STOP_PACER) when an event's lag
 * passes it, 0 never stops it.  clk NULL: the process's monotonic clock.
 */
struct realtime *rt_new(int64_t bound, const struct rt_clock *clk);
/* Make it sim's pacer; the wall clock's origin is taken at its first call. */
void rt_attach(struct realtime *rt, struct sim *sim);
void rt_stats(const struct realtime *rt, struct rt_stats *out);

struct hostio;
/*
 * Wait on the host's descriptors too (hostio.h): while waiting for an
 * event's time, and, when the run is behind and does not wait, at least
 * once a millisecond of wall-clock time.  Input a callback schedules
 * earlier than the event waited for runs first.  Only with the
 * process's monotonic clock (rt_new with clk NULL).
 */
void rt_set_io(struct realtime *rt, struct hostio *io);
/*
 * The virtual time that corresponds to the wall clock now (never before
 * sim_now(sim)): when input from outside happens.  Before the run's
 * first event, sim_now(sim).
 */
sim_time_t rt_now(const struct realtime *rt, const struct sim *sim);
void rt_free(struct realtime *rt);

#endif /* EMU_REALTIME_H */
