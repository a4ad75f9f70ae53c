/*
 * test_realtime.c - the real-time pacer (emu/realtime.c) on a clock of
 * the test's own: no test here reads the wall clock.  The fake clock
 * moves only when the pacer sleeps (to the instant asked, plus an
 * oversleep the test sets) or when an event handler says it took time.
 */
#include <stdint.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "emu/realtime.h"
#include "tests/unit/suites.h"

struct fake {
	int64_t now;
	int64_t oversleep;	/* added to every sleep */
	unsigned sleeps;
};

static int64_t
fake_now(void *ctx)
{
	return ((struct fake *)ctx)->now;
}

static void
fake_sleep(void *ctx, int64_t t)
{
	struct fake *f = ctx;

	f->sleeps++;
	if (t > f->now)
		f->now = t + f->oversleep;
}

/* An event that takes `arg` ns of wall-clock time to handle. */
static void
busy(struct sim *sim, void *ctx, void *arg)
{
	(void)sim;
	((struct fake *)ctx)->now += (int64_t)(intptr_t)arg;
}

static struct sim *
rt_sim(struct fake *f, struct realtime **rt, int64_t bound)
{
	struct sim *sim = sim_create(NULL);
	struct rt_clock clk = { fake_now, fake_sleep, f };

	CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
	*rt = rt_new(bound, &clk);
	rt_attach(*rt, sim);
	return sim;
}

/* On time: the wall clock ends at the end time, no lag, every wait a sleep. */
static void
test_on_time(void)
{
	struct fake f = { 5000000000LL, 0, 0 };
	struct realtime *rt;
	struct sim *sim = rt_sim(&f, &rt, 0);
	struct rt_stats st;

	for (int i = 1; i <= 10; i++)
		sim_schedule_at(sim, i * 100000000LL, busy, &f, (void *)(intptr_t)0);
	CU_ASSERT_EQUAL(sim_run(sim, 2 * 1000000000LL), SIM_STOP_EMPTY);
	rt_stats(rt, &st);
	CU_ASSERT_EQUAL(st.waits, 11);		/* ten events and the end */
	CU_ASSERT_EQUAL(f.sleeps, 11);
	CU_ASSERT_EQUAL(f.now, 5000000000LL + 2000000000LL);
	CU_ASSERT_EQUAL(st.lag_max, 0);
	CU_ASSERT_EQUAL(st.lag_p99, 0);
	CU_ASSERT_EQUAL(st.late, 0);
	CU_ASSERT_FALSE(st.stopped);
	sim_destroy(sim);
	rt_free(rt);
}

/*
 * Behind: an event that takes 250 ms of wall time delays the ones due in
 * the next 250 ms, which run at once, late; the run catches up after.
 */
static void
test_behind(void)
{
	struct fake f = { 0, 0, 0 };
	struct realtime *rt;
	struct sim *sim = rt_sim(&f, &rt, 0);
	struct rt_stats st;

	/* Every 10 ms for 1 s; the one at 100 ms takes 250 ms. */
	for (int i = 0; i < 100; i++)
		sim_schedule_at(sim, i * 10000000LL, busy, &f,
				(void *)(intptr_t)(i == 10 ? 250000000LL : 0));
	CU_ASSERT_EQUAL(sim_run(sim, 1000000000LL), SIM_STOP_EMPTY);
	rt_stats(rt, &st);
	CU_ASSERT_EQUAL(st.waits, 101);
	/* The event at 110 ms runs at 350 ms: 240 ms late, the worst. */
	CU_ASSERT_EQUAL(st.lag_max, 240000000LL);
	/* Lags of 10 to 240 ms for the 24 events due from 110 to 340 ms. */
	CU_ASSERT_EQUAL(st.late, 24);
	/* 99 % of 101 waits is 100: the 99th percentile is a late one, within 19 %. */
	CU_ASSERT(st.lag_p99 >= 230000000LL && st.lag_p99 <= 240000000LL);
	CU_ASSERT_EQUAL(f.now, 1000000000LL);	/* caught up by the end */
	sim_destroy(sim);
	rt_free(rt);
}

/* A bound: the first event later than it stops the run before it runs. */
static void
test_bound(void)
{
	struct fake f = { 0, 0, 0 };
	struct realtime *rt;
	struct sim *sim = rt_sim(&f, &rt, 50000000LL);
	struct rt_stats st;

	for (int i = 0; i < 100; i++)
		sim_schedule_at(sim, i * 10000000LL, busy, &f,
				(void *)(intptr_t)(i == 10 ? 250000000LL : 0));
	CU_ASSERT_EQUAL(sim_run(sim, 1000000000LL), SIM_STOP_PACER);
	rt_stats(rt, &st);
	CU_ASSERT_TRUE(st.stopped);
	/* Lags 240, 230, ... ms at 110, 120, ... : 110 ms is the first past 50. */
	CU_ASSERT_EQUAL(st.stop_at, 110000000LL);
	CU_ASSERT_EQUAL(st.stop_lag, 240000000LL);
	CU_ASSERT_EQUAL(sim_events_run(sim), 11);
	sim_destroy(sim);
	rt_free(rt);
}

/* Oversleeping (the OS wakes the process late) counts as lag. */
static void
test_oversleep(void)
{
	struct fake f = { 0, 2000000, 0 };	/* 2 ms late at every wake-up */
	struct realtime *rt;
	struct sim *sim = rt_sim(&f, &rt, 0);
	struct rt_stats st;

	for (int i = 1; i <= 4; i++)
		sim_schedule_at(sim, i * 100000000LL, busy, &f, (void *)(intptr_t)0);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	rt_stats(rt, &st);
	CU_ASSERT_EQUAL(st.waits, 4);		/* no end time: nothing to wait for after */
	CU_ASSERT_EQUAL(st.lag_max, 2000000);
	CU_ASSERT_EQUAL(st.late, 4);
	sim_destroy(sim);
	rt_free(rt);
}

int
suite_realtime_register(void)
{
	CU_pSuite s = CU_add_suite("realtime", NULL, NULL);

	if (!s || !CU_add_test(s, "on time", test_on_time) ||
	    !CU_add_test(s, "behind, and catching up", test_behind) ||
	    !CU_add_test(s, "a bound stops the run", test_bound) ||
	    !CU_add_test(s, "oversleeping is lag", test_oversleep))
		return -1;
	return 0;
}
