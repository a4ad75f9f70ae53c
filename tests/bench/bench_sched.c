/*
 * bench_sched.c - the scheduler benchmark: the classic hold model.
 *
 * Q events are pending; each one that runs schedules one more at an
 * exponential delay of mean 1 ms, so the population stays at Q.  The
 * measure goes through the real core (sim_schedule, the event pool,
 * sim_run) and includes drawing the delays, so it is what a simulation
 * whose events do nothing would see.  Only the run is timed, not the
 * initial fill.  The line printed is
 *
 *   bench=scheduler impl=heap q=1000 events=10000000 wall_s=0.812
 *       events_per_s=12315271 peak_rss_kb=2345
 *
 * (on one line); peak_rss_kb is the process's high-water mark so far.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <sys/resource.h>

#include "sim/rng.h"
#include "sim/sim.h"
#include "tests/bench/bench.h"

#define HOLD_MEAN_NS	1e6	/* mean delay: 1 ms */

static void
hold_event(struct sim *sim, void *ctx, void *arg)
{
	struct rng *r = ctx;

	sim_schedule(sim, (sim_time_t)rng_exp(r, HOLD_MEAN_NS), hold_event, r,
		     arg);
}

static double
bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void
bench_sched(const char *impl, size_t q, uint64_t events)
{
	struct rusage ru;
	struct sim *sim;
	struct rng r;
	double t0, wall;
	uint64_t ran;

	sim = sim_create(impl);
	if (!sim) {
		fprintf(stderr, "bench: unknown scheduler '%s'\n", impl);
		exit(1);
	}
	rng_init(&r, 1, 1, "bench");
	for (size_t i = 0; i < q; i++)
		sim_schedule(sim, (sim_time_t)rng_exp(&r, HOLD_MEAN_NS),
			     hold_event, &r, NULL);
	sim_set_event_limit(sim, events);

	t0 = bench_now();
	sim_run(sim, SIM_TIME_MAX);
	wall = bench_now() - t0;

	ran = sim_events_run(sim);
	getrusage(RUSAGE_SELF, &ru);
	printf("bench=scheduler impl=%s q=%zu events=%llu wall_s=%.3f "
	       "events_per_s=%.0f peak_rss_kb=%ld\n", sim_sched_name(sim), q,
	       (unsigned long long)ran, wall, wall > 0 ? (double)ran / wall : 0.0,
	       ru.ru_maxrss);
	fflush(stdout);
	sim_destroy(sim);
}
