/*
 * test_realtime.c - the real-time pacer (emu/realtime.c) on a clock of
 * the test's own: no test here reads the wall clock.  The fake clock
 * moves only when the pacer sleeps (to the instant asked, plus an
 * oversleep the test sets) or when an event handler says it took time.
 */
#include <stdbool.h>
#include <stdint.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include <CUnit/CUnit.h>

#include "emu/hostio.h"
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

static int
fake_sleep(void *ctx, int64_t t)
{
	struct fake *f = ctx;

	f->sleeps++;
	if (t > f->now)
		f->now = t + f->oversleep;
	return 0;
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
/* A sleep that a signal ends: the time has not come. */
static int
signal_sleep(void *ctx, int64_t t)
{
	(void)ctx, (void)t;
	sim_interrupt();
	return 0;
}

static void
count_event(struct sim *sim, void *ctx, void *arg)
{
	(void)sim, (void)arg;
	(*(int *)ctx)++;
}

/* A signal during the wait stops the run before the event waited for. */
static void
test_signal(void)
{
	struct fake f = { 1000, 0, 0 };
	struct sim *sim = sim_create(NULL);
	struct rt_clock clk = { fake_now, signal_sleep, &f };
	struct realtime *rt = rt_new(0, &clk);
	int ran = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
	rt_attach(rt, sim);
	sim_schedule_at(sim, 0, count_event, &ran, NULL);
	sim_schedule_at(sim, 5 * 1000000000LL, count_event, &ran, NULL);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_INTERRUPTED);
	CU_ASSERT_EQUAL(ran, 1);	/* the first was due at once; the second's time never came */
	CU_ASSERT_EQUAL(sim_now(sim), 0);
	sim_interrupt_clear();
	sim_destroy(sim);
	rt_free(rt);
}

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

/*
 * The edge of "late": a lag of exactly RT_LATE_NS is late, one ns less
 * is not.  Two runs, one per oversleep.
 */
static void
late_edge(int64_t oversleep, uint64_t want_late)
{
	struct fake f = { 0, oversleep, 0 };
	struct realtime *rt;
	struct sim *sim = rt_sim(&f, &rt, 0);
	struct rt_stats st;

	for (int i = 1; i <= 3; i++)
		sim_schedule_at(sim, i * 100000000LL, busy, &f, (void *)(intptr_t)0);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	rt_stats(rt, &st);
	CU_ASSERT_EQUAL(st.waits, 3);
	CU_ASSERT_EQUAL(st.lag_max, oversleep);
	CU_ASSERT_EQUAL(st.late, want_late);
	sim_destroy(sim);
	rt_free(rt);
}

static void
test_late_edge(void)
{
	late_edge(RT_LATE_NS, 3);
	late_edge(RT_LATE_NS - 1, 0);
}

/*
 * Input from outside: a clock whose first wait ends early, at `at`,
 * with input that the "callback" schedules at rt_now().
 */
struct inclock {
	struct fake f;
	int64_t at;		/* the wall clock when the input comes */
	struct realtime *rt;
	struct sim *sim;
	int inputs;
	bool quiet;		/* the input schedules nothing (a descriptor ready to write) */
	sim_time_t in_vt;	/* the input event's virtual time ... */
	int64_t in_wall;	/* ... and the wall clock when it ran */
	int64_t ev_wall;	/* the wall clock when the waited event ran */
};

static int64_t
in_now(void *ctx)
{
	return ((struct inclock *)ctx)->f.now;
}

static void
in_event(struct sim *sim, void *ctx, void *arg)
{
	struct inclock *c = ctx;

	(void)arg;
	c->in_vt = sim_now(sim);
	c->in_wall = c->f.now;
}

static void
waited_event(struct sim *sim, void *ctx, void *arg)
{
	(void)sim;
	(void)arg;
	((struct inclock *)ctx)->ev_wall = ((struct inclock *)ctx)->f.now;
}

static int
in_sleep(void *ctx, int64_t t)
{
	struct inclock *c = ctx;

	if (!c->inputs && c->at < t) {
		c->inputs++;
		c->f.now = c->at;
		if (!c->quiet)
			sim_schedule_at(c->sim, rt_now(c->rt, c->sim), in_event, c, NULL);
		return 1;
	}
	if (t > c->f.now)
		c->f.now = t;
	return 0;
}

/* Input while waiting for an event runs first, at its own time; the event then waits on. */
static void
test_input(void)
{
	struct inclock c = { .f = { 1000, 0, 0 }, .at = 1000 + 30000000LL };
	struct rt_clock clk = { in_now, in_sleep, &c };
	struct rt_stats st;

	c.sim = sim_create(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c.sim);
	c.rt = rt_new(0, &clk);
	rt_attach(c.rt, c.sim);
	sim_schedule_at(c.sim, 0, waited_event, &c, NULL);	/* starts the clock */
	sim_schedule_at(c.sim, 100000000LL, waited_event, &c, NULL);
	CU_ASSERT_EQUAL(sim_run(c.sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL(c.inputs, 1);
	CU_ASSERT_EQUAL(c.in_vt, 30000000LL);
	CU_ASSERT_EQUAL(c.in_wall, 1000 + 30000000LL);
	/* Not run early, when the input ended the wait. */
	CU_ASSERT_EQUAL(c.ev_wall, 1000 + 100000000LL);
	rt_stats(c.rt, &st);
	CU_ASSERT_EQUAL(st.waits, 3);
	CU_ASSERT_EQUAL(st.lag_max, 0);
	sim_destroy(c.sim);
	rt_free(c.rt);
}

/* Input that schedules nothing does not make the waited event run early. */
static void
test_input_quiet(void)
{
	struct inclock c = { .f = { 0, 0, 0 }, .at = 30000000LL, .quiet = true };
	struct rt_clock clk = { in_now, in_sleep, &c };

	c.sim = sim_create(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c.sim);
	c.rt = rt_new(0, &clk);
	rt_attach(c.rt, c.sim);
	sim_schedule_at(c.sim, 0, waited_event, &c, NULL);
	sim_schedule_at(c.sim, 100000000LL, waited_event, &c, NULL);
	CU_ASSERT_EQUAL(sim_run(c.sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL(c.inputs, 1);
	CU_ASSERT_EQUAL(c.ev_wall, 100000000LL);
	sim_destroy(c.sim);
	rt_free(c.rt);
}

/* Input while waiting for the end time runs, and the run still lasts until the end. */
static void
test_input_at_end(void)
{
	struct inclock c = { .f = { 0, 0, 0 }, .at = 50000000LL };
	struct rt_clock clk = { in_now, in_sleep, &c };

	c.sim = sim_create(NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c.sim);
	c.rt = rt_new(0, &clk);
	rt_attach(c.rt, c.sim);
	sim_schedule_at(c.sim, 0, waited_event, &c, NULL);
	sim_schedule_at(c.sim, 300000000LL, waited_event, &c, NULL);	/* after the end */
	CU_ASSERT_EQUAL(sim_run(c.sim, 200000000LL), SIM_STOP_END_TIME);
	CU_ASSERT_EQUAL(c.inputs, 1);
	CU_ASSERT_EQUAL(c.in_vt, 50000000LL);
	CU_ASSERT_EQUAL(c.f.now, 200000000LL);
	CU_ASSERT_EQUAL(sim_now(c.sim), 200000000LL);
	sim_destroy(c.sim);
	rt_free(c.rt);
}

/* hostio: callbacks of ready descriptors, in the order watched, unwatching themselves. */
struct hcall {
	struct hostio *io;
	int order[4];
	int n;
	int other;		/* an fd the first callback unwatches */
};

static void
h_read(void *ctx, int fd, short revents)
{
	struct hcall *h = ctx;
	char b;

	CU_ASSERT(revents & POLLIN);
	CU_ASSERT_EQUAL(read(fd, &b, 1), 1);
	if (h->n < 4)
		h->order[h->n++] = b;
	if (h->other >= 0) {
		hostio_unwatch(h->io, h->other);
		h->other = -1;
	}
}

static void
test_hostio(void)
{
	struct hcall h = { .other = -1 };
	int a[2], b[2];

	CU_ASSERT_EQUAL_FATAL(pipe(a), 0);
	CU_ASSERT_EQUAL_FATAL(pipe(b), 0);
	h.io = hostio_new();
	hostio_watch(h.io, a[0], POLLIN, h_read, &h);
	hostio_watch(h.io, b[0], POLLIN, h_read, &h);
	CU_ASSERT_EQUAL(hostio_count(h.io), 2);
	/* Nothing ready, a time past: no wait, no callback. */
	CU_ASSERT_EQUAL(hostio_wait(h.io, 0), 0);
	CU_ASSERT_EQUAL(h.n, 0);
	CU_ASSERT_EQUAL(write(b[1], "b", 1), 1);
	CU_ASSERT_EQUAL(write(a[1], "a", 1), 1);
	/* Both ready: called in the order watched, and the wait ends at once. */
	CU_ASSERT_EQUAL(hostio_wait(h.io, hostio_clock() + 3600000000000LL), 2);
	CU_ASSERT_EQUAL(h.n, 2);
	CU_ASSERT_EQUAL(h.order[0], 'a');
	CU_ASSERT_EQUAL(h.order[1], 'b');
	/* The first callback unwatches the second descriptor: it is not called. */
	h.other = b[0];
	CU_ASSERT_EQUAL(write(a[1], "c", 1), 1);
	CU_ASSERT_EQUAL(write(b[1], "d", 1), 1);
	CU_ASSERT_EQUAL(hostio_wait(h.io, 0), 1);
	CU_ASSERT_EQUAL(h.n, 3);
	CU_ASSERT_EQUAL(h.order[2], 'c');
	CU_ASSERT_EQUAL(hostio_count(h.io), 1);
	hostio_free(h.io);
	close(a[0]);
	close(a[1]);
	close(b[0]);
	close(b[1]);
}

int
suite_realtime_register(void)
{
	CU_pSuite s = CU_add_suite("realtime", NULL, NULL);

	if (!s || !CU_add_test(s, "on time", test_on_time) ||
	    !CU_add_test(s, "behind, and catching up", test_behind) ||
	    !CU_add_test(s, "a bound stops the run", test_bound) ||
	    !CU_add_test(s, "oversleeping is lag", test_oversleep) ||
	    !CU_add_test(s, "a lag of RT_LATE_NS is late", test_late_edge) ||
	    !CU_add_test(s, "input from outside", test_input) ||
	    !CU_add_test(s, "a signal ends the wait", test_signal) ||
	    !CU_add_test(s, "input that schedules nothing", test_input_quiet) ||
	    !CU_add_test(s, "host descriptors", test_hostio) ||
	    !CU_add_test(s, "input while waiting for the end", test_input_at_end))
		return -1;
	return 0;
}
