/*
 * test_sched.c - the scheduler test suite, run against every scheduler.
 *
 * One CUnit suite per entry of sched_all[] ("sched-heap",
 * "sched-calendar", ...), each holding the same tests; the suite's init
 * function picks the scheduler from the suite's name.  Most tests go
 * through the sim_* API (schedule, cancel, timers, run) and check the
 * exact order of execution; the randomized test drives the raw
 * sched_ops against a sorted array that serves as the reference.
 *
 * The contract tested is the one of sim.h and sched.h: events run in
 * (time, insertion sequence) order, so equal times run first-in
 * first-out; a cancelled event never runs; sim_run() stops at the end
 * time, at sim_stop(), when nothing remains, or at the event limit.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "sim/rng.h"
#include "sim/sched.h"
#include "sim/sim.h"
#include "tests/unit/suites.h"

#define SUITE_PREFIX	"sched-"
#define MAX_SCHEDS	8

/* The scheduler of the suite being run. */
static const struct sched_ops *cur_ops;

/* ---- a trace of what ran, in order ---- */

struct rec {
	sim_time_t t;
	long id;
};

struct trace {
	struct rec *r;
	size_t n, cap;
};

static void
trace_add(struct trace *tr, sim_time_t t, long id)
{
	if (tr->n == tr->cap) {
		tr->cap = tr->cap ? tr->cap * 2 : 256;
		tr->r = realloc(tr->r, tr->cap * sizeof(*tr->r));
		if (!tr->r)
			abort();
	}
	tr->r[tr->n].t = t;
	tr->r[tr->n].id = id;
	tr->n++;
}

static void
trace_free(struct trace *tr)
{
	free(tr->r);
	memset(tr, 0, sizeof(*tr));
}

/* Order of the expected trace: by time, then by id (= insertion order). */
static int
rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->id < y->id ? -1 : (x->id > y->id);
}

/* Number of positions where the trace differs from the expected one. */
static size_t
trace_diff(const struct trace *got, const struct rec *want, size_t n)
{
	size_t bad = 0;

	if (got->n != n)
		return got->n > n ? got->n - n : n - got->n;
	for (size_t i = 0; i < n; i++)
		if (got->r[i].t != want[i].t || got->r[i].id != want[i].id)
			bad++;
	return bad;
}

/* Handler: record (now, id) into the trace ctx; id is arg. */
static void
h_log(struct sim *sim, void *ctx, void *arg)
{
	trace_add(ctx, sim_now(sim), (long)(intptr_t)arg);
}

static struct sim *
new_sim(void)
{
	struct sim *sim = sim_create(cur_ops->name);

	CU_ASSERT_PTR_NOT_NULL_FATAL(sim);
	CU_ASSERT_STRING_EQUAL(sim_sched_name(sim), cur_ops->name);
	return sim;
}

/* A time drawn from a mix: many ties, ns, ms, hours. */
static sim_time_t
mixed_time(struct rng *r)
{
	switch (rng_below(r, 5)) {
	case 0:
		return (sim_time_t)rng_below(r, 8);
	case 1:
		return (sim_time_t)rng_below(r, 1000);
	case 2:
		return (sim_time_t)rng_below(r, SIM_MS);
	case 3:
		return (sim_time_t)rng_below(r, SIM_S);
	default:
		return (sim_time_t)rng_below(r, 3600 * SIM_S);
	}
}

/* ---- ordering ---- */

static void
test_order(void)
{
	enum { N = 20000 };
	struct sim *sim = new_sim();
	struct rec *want = calloc(N, sizeof(*want));
	struct trace tr = { 0 };
	size_t null_handles = 0;
	struct rng r;

	rng_init(&r, 1, 1, "test-order");
	for (long i = 0; i < N; i++) {
		sim_time_t t = mixed_time(&r);

		want[i].t = t;
		want[i].id = i;
		if (!sim_schedule_at(sim, t, h_log, &tr, (void *)(intptr_t)i))
			null_handles++;
	}
	CU_ASSERT_EQUAL(null_handles, 0);
	CU_ASSERT_EQUAL(sim_events_pending(sim), N);
	qsort(want, N, sizeof(*want), rec_cmp);

	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL(trace_diff(&tr, want, N), 0);
	CU_ASSERT_EQUAL(sim_events_run(sim), N);
	CU_ASSERT_EQUAL(sim_events_pending(sim), 0);
	CU_ASSERT_EQUAL(sim_now(sim), want[N - 1].t);

	trace_free(&tr);
	free(want);
	sim_destroy(sim);
}

/* ---- FIFO among equal times ---- */

struct chain {
	struct trace *tr;
	int left;		/* how many more to schedule at delay 0 */
	long next_id;
};

/* Handler: log, then schedule the next link of the chain at delay 0. */
static void
h_chain(struct sim *sim, void *ctx, void *arg)
{
	struct chain *c = ctx;

	trace_add(c->tr, sim_now(sim), (long)(intptr_t)arg);
	if (c->left-- > 0)
		sim_schedule(sim, 0, h_chain, c, (void *)(intptr_t)c->next_id++);
}

static void
test_fifo_ties(void)
{
	enum { N = 30000 };
	static const sim_time_t hot[] = { 5, 3, 7, 5 * SIM_S, 0 };
	struct sim *sim = new_sim();
	struct rec *want = calloc(N, sizeof(*want));
	struct trace tr = { 0 };
	struct rng r;

	/* Equal-time groups interleaved with each other and with others. */
	rng_init(&r, 1, 1, "test-fifo");
	for (long i = 0; i < N; i++) {
		sim_time_t t;

		if (i % 3 == 2)
			t = mixed_time(&r);
		else
			t = hot[rng_below(&r, sizeof(hot) / sizeof(hot[0]))];
		want[i].t = t;
		want[i].id = i;
		sim_schedule_at(sim, t, h_log, &tr, (void *)(intptr_t)i);
	}
	qsort(want, N, sizeof(*want), rec_cmp);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL(trace_diff(&tr, want, N), 0);
	trace_free(&tr);
	free(want);
	sim_destroy(sim);

	/*
	 * Events scheduled at delay 0 from a handler run after everything
	 * already pending at that instant, in the order scheduled.
	 */
	{
		struct chain c = { &tr, 100, 1000 };
		struct rec w[1 + 50 + 100 + 1];
		size_t k = 0;

		sim = new_sim();
		sim_schedule_at(sim, 10, h_chain, &c, (void *)(intptr_t)0);
		for (long i = 1; i <= 50; i++)
			sim_schedule_at(sim, 10, h_log, &tr, (void *)(intptr_t)i);
		sim_schedule_at(sim, 11, h_log, &tr, (void *)(intptr_t)99);
		w[k++] = (struct rec){ 10, 0 };
		for (long i = 1; i <= 50; i++)
			w[k++] = (struct rec){ 10, i };
		for (long i = 0; i < 100; i++)
			w[k++] = (struct rec){ 10, 1000 + i };
		w[k++] = (struct rec){ 11, 99 };
		CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
		CU_ASSERT_EQUAL(trace_diff(&tr, w, k), 0);
		CU_ASSERT_EQUAL(sim_events_run(sim), k);
		trace_free(&tr);
		sim_destroy(sim);
	}
}

/* ---- cancellation ---- */

struct canceller {
	struct trace *tr;
	struct sim_event *victim[3];
	int rc[3];
	struct sim_event *self;
	int self_rc;
};

/* Handler: cancel the victims and itself, record the return codes. */
static void
h_cancel(struct sim *sim, void *ctx, void *arg)
{
	struct canceller *c = ctx;

	trace_add(c->tr, sim_now(sim), (long)(intptr_t)arg);
	for (int i = 0; i < 3; i++)
		c->rc[i] = sim_cancel(sim, c->victim[i]);
	c->self_rc = sim_cancel(sim, c->self);
}

static void
test_cancel(void)
{
	enum { N = 200 };
	struct sim *sim = new_sim();
	struct sim_event *h[N];
	struct rec want[N];
	struct trace tr = { 0 };
	size_t k = 0;
	bool gone[N] = { false };

	/* Times 0, 10, 10, 20, 20, ...: pairs of equal times. */
	for (long i = 0; i < N; i++)
		h[i] = sim_schedule_at(sim, (i + 1) / 2 * 10, h_log, &tr,
				       (void *)(intptr_t)i);
	CU_ASSERT_EQUAL(sim_events_pending(sim), N);
	/* The head, the second and the first of equal pairs, the last. */
	CU_ASSERT_EQUAL(sim_cancel(sim, h[0]), 0);
	CU_ASSERT_EQUAL(sim_cancel(sim, h[100]), 0);
	CU_ASSERT_EQUAL(sim_cancel(sim, h[57]), 0);
	CU_ASSERT_EQUAL(sim_cancel(sim, h[N - 1]), 0);
	gone[0] = gone[100] = gone[57] = gone[N - 1] = true;
	CU_ASSERT_EQUAL(sim_events_pending(sim), N - 4);
	/* The new head, then one that is now the last. */
	CU_ASSERT_EQUAL(sim_cancel(sim, h[1]), 0);
	CU_ASSERT_EQUAL(sim_cancel(sim, h[N - 2]), 0);
	gone[1] = gone[N - 2] = true;
	CU_ASSERT_EQUAL(sim_events_pending(sim), N - 6);
	CU_ASSERT_EQUAL(sim_cancel(sim, NULL), -1);

	/* Run half, cancel the new head while stopped, run the rest. */
	CU_ASSERT_EQUAL(sim_run(sim, 500), SIM_STOP_END_TIME);
	CU_ASSERT_EQUAL(sim_cancel(sim, h[101]), 0);
	gone[101] = true;
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	for (long i = 0; i < N; i++)
		if (!gone[i])
			want[k++] = (struct rec){ (i + 1) / 2 * 10, i };
	CU_ASSERT_EQUAL(trace_diff(&tr, want, k), 0);
	CU_ASSERT_EQUAL(sim_events_run(sim), k);

	/* Nothing was scheduled since they ran: their handles are not pending. */
	CU_ASSERT_EQUAL(sim_cancel(sim, h[2]), -1);
	CU_ASSERT_EQUAL(sim_cancel(sim, h[150]), -1);
	CU_ASSERT_EQUAL(sim_cancel(sim, h[N - 3]), -1);
	trace_free(&tr);
	sim_destroy(sim);

	/* Cancelling from a handler: a later equal time, a later time, itself. */
	{
		struct canceller c = { .tr = &tr };
		struct sim_event *a, *dead;

		sim = new_sim();
		c.self = sim_schedule_at(sim, 5, h_cancel, &c, (void *)(intptr_t)1);
		a = sim_schedule_at(sim, 5, h_log, &tr, (void *)(intptr_t)2);
		c.victim[0] = sim_schedule_at(sim, 5, h_log, &tr, (void *)(intptr_t)3);
		c.victim[1] = sim_schedule_at(sim, 6, h_log, &tr, (void *)(intptr_t)4);
		dead = sim_schedule_at(sim, 4, h_log, &tr, (void *)(intptr_t)5);
		c.victim[2] = dead;
		sim_schedule_at(sim, 7, h_log, &tr, (void *)(intptr_t)6);
		(void)a;
		CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
		CU_ASSERT_EQUAL(c.rc[0], 0);
		CU_ASSERT_EQUAL(c.rc[1], 0);
		CU_ASSERT_EQUAL(c.rc[2], -1);	/* already ran */
		CU_ASSERT_EQUAL(c.self_rc, -1);	/* running now */
		{
			struct rec w[] = { { 4, 5 }, { 5, 1 }, { 5, 2 }, { 7, 6 } };

			CU_ASSERT_EQUAL(trace_diff(&tr, w, 4), 0);
		}
		trace_free(&tr);
		sim_destroy(sim);
	}

	/* Cancel everything: nothing runs. */
	{
		struct sim_event *e[64];

		sim = new_sim();
		for (long i = 0; i < 64; i++)
			e[i] = sim_schedule_at(sim, i % 3 == 0 ? 7 : i * SIM_S,
					       h_log, &tr, (void *)(intptr_t)i);
		for (long i = 0; i < 64; i++)
			CU_ASSERT_EQUAL(sim_cancel(sim, e[(i * 37) % 64]), 0);
		CU_ASSERT_EQUAL(sim_cancel(sim, e[5]), -1);
		CU_ASSERT_EQUAL(sim_events_pending(sim), 0);
		CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
		CU_ASSERT_EQUAL(tr.n, 0);
		CU_ASSERT_EQUAL(sim_events_run(sim), 0);
		trace_free(&tr);
		sim_destroy(sim);
	}
}

/* ---- embedded timers ---- */

struct owner {
	struct sim_timer t;
	struct trace *tr;
	long id;
	int fired;
	int rearm;		/* re-arm this many more times, period ns apart */
	sim_time_t period;
	sim_time_t last_set;	/* expected firing time */
	uint64_t last_order;	/* when it was last armed, for FIFO ties */
};

static void
h_timer(struct sim *sim, void *ctx, void *arg)
{
	struct owner *o = ctx;

	o->fired++;
	trace_add(o->tr, sim_now(sim), o->id);
	CU_ASSERT_FALSE(sim_timer_armed(&o->t));
	if (o->rearm-- > 0)
		sim_timer_after(sim, &o->t, o->period);
}

struct timer_kill {
	struct owner *victim;
	struct trace *tr;
};

static void
h_timer_kill(struct sim *sim, void *ctx, void *arg)
{
	struct timer_kill *k = ctx;

	trace_add(k->tr, sim_now(sim), -1);
	sim_timer_cancel(sim, &k->victim->t);
}

static int
owner_cmp(const void *a, const void *b)
{
	const struct owner *x = *(struct owner *const *)a;
	const struct owner *y = *(struct owner *const *)b;

	if (x->last_set != y->last_set)
		return x->last_set < y->last_set ? -1 : 1;
	return x->last_order < y->last_order ? -1 : (x->last_order > y->last_order);
}

static void
test_timers(void)
{
	struct trace tr = { 0 };
	struct sim *sim = new_sim();
	struct owner a = { .tr = &tr, .id = 1 }, b = { .tr = &tr, .id = 2 };
	struct timer_kill kill = { &b, &tr };

	sim_timer_init(&a.t, h_timer, &a, NULL);
	CU_ASSERT_FALSE(sim_timer_armed(&a.t));
	sim_timer_cancel(sim, &a.t);		/* harmless when idle */
	sim_timer_set(sim, &a.t, 100);
	CU_ASSERT_TRUE(sim_timer_armed(&a.t));
	sim_timer_set(sim, &a.t, 50);		/* earlier */
	sim_timer_set(sim, &a.t, 200);		/* later */
	CU_ASSERT_EQUAL(sim_events_pending(sim), 1);
	CU_ASSERT_EQUAL(sim_run(sim, 150), SIM_STOP_END_TIME);
	CU_ASSERT_EQUAL(a.fired, 0);
	CU_ASSERT_EQUAL(sim_now(sim), 150);
	CU_ASSERT_TRUE(sim_timer_armed(&a.t));
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL(a.fired, 1);
	CU_ASSERT_EQUAL(sim_now(sim), 200);
	CU_ASSERT_FALSE(sim_timer_armed(&a.t));

	/* Periodic: re-armed from its own handler. */
	a.rearm = 4;
	a.period = 10;
	sim_timer_after(sim, &a.t, 10);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL(a.fired, 6);
	CU_ASSERT_EQUAL(sim_now(sim), 250);

	/* Re-arming moves a timer behind events already at that time. */
	trace_free(&tr);
	sim_timer_init(&b.t, h_timer, &b, NULL);
	sim_timer_set(sim, &a.t, 300);
	sim_schedule_at(sim, 300, h_log, &tr, (void *)(intptr_t)7);
	sim_timer_set(sim, &a.t, 300);
	/* b is cancelled by an event at its own time, scheduled before it. */
	sim_schedule_at(sim, 400, h_timer_kill, &kill, NULL);
	sim_timer_set(sim, &b.t, 400);
	sim_schedule_at(sim, 400, h_log, &tr, (void *)(intptr_t)8);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	{
		struct rec w[] = { { 300, 7 }, { 300, 1 }, { 400, -1 }, { 400, 8 } };

		CU_ASSERT_EQUAL(trace_diff(&tr, w, 4), 0);
	}
	CU_ASSERT_EQUAL(b.fired, 0);
	CU_ASSERT_FALSE(sim_timer_armed(&b.t));
	trace_free(&tr);
	sim_destroy(sim);

	/* Many timers re-armed and cancelled at random: each fires once, in order. */
	{
		enum { T = 2000, OPS = 40000 };
		struct owner *o = calloc(T, sizeof(*o));
		struct owner **armed = calloc(T, sizeof(*armed));
		struct rec *want = calloc(T, sizeof(*want));
		uint64_t order = 0;
		size_t k = 0, bad = 0;
		struct rng r;

		rng_init(&r, 1, 1, "test-timers");
		sim = new_sim();
		for (long i = 0; i < T; i++) {
			o[i].tr = &tr;
			o[i].id = i;
			sim_timer_init(&o[i].t, h_timer, &o[i], NULL);
		}
		for (long i = 0; i < OPS; i++) {
			struct owner *x = &o[rng_below(&r, T)];

			if (rng_below(&r, 5) == 0) {
				sim_timer_cancel(sim, &x->t);
			} else {
				x->last_set = rng_below(&r, 3) ? (sim_time_t)rng_below(&r, 50) :
				    mixed_time(&r);
				x->last_order = order++;
				sim_timer_set(sim, &x->t, x->last_set);
			}
		}
		for (long i = 0; i < T; i++)
			if (sim_timer_armed(&o[i].t))
				armed[k++] = &o[i];
		CU_ASSERT_EQUAL(sim_events_pending(sim), k);
		qsort(armed, k, sizeof(*armed), owner_cmp);
		for (size_t i = 0; i < k; i++)
			want[i] = (struct rec){ armed[i]->last_set, armed[i]->id };
		CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
		CU_ASSERT_EQUAL(trace_diff(&tr, want, k), 0);
		for (size_t i = 0; i < k; i++)
			armed[i]->rearm = -1;	/* marks the armed ones */
		for (long i = 0; i < T; i++)
			if (o[i].fired != (o[i].rearm < 0 ? 1 : 0))
				bad++;
		CU_ASSERT_EQUAL(bad, 0);
		trace_free(&tr);
		sim_destroy(sim);
		free(want);
		free(armed);
		free(o);
	}
}

/* ---- why and where sim_run() stops ---- */

static void
test_run_end_time(void)
{
	struct trace tr = { 0 };
	struct sim *sim = new_sim();

	for (long i = 1; i <= 10; i++)
		sim_schedule_at(sim, i * SIM_S, h_log, &tr, (void *)(intptr_t)i);
	sim_schedule_at(sim, 5 * SIM_S, h_log, &tr, (void *)(intptr_t)55);

	/* An event exactly at the end time runs; time stops at the end. */
	CU_ASSERT_EQUAL(sim_run(sim, 5 * SIM_S), SIM_STOP_END_TIME);
	CU_ASSERT_EQUAL(sim_now(sim), 5 * SIM_S);
	CU_ASSERT_EQUAL(sim_events_run(sim), 6);
	CU_ASSERT_EQUAL(sim_events_pending(sim), 5);
	CU_ASSERT_EQUAL(tr.n, 6);
	if (tr.n == 6)
		CU_ASSERT_EQUAL(tr.r[5].id, 55);

	CU_ASSERT_EQUAL(sim_run(sim, 5 * SIM_S), SIM_STOP_END_TIME);
	CU_ASSERT_EQUAL(sim_events_run(sim), 6);
	CU_ASSERT_EQUAL(sim_run(sim, 7 * SIM_S + SIM_S / 2), SIM_STOP_END_TIME);
	CU_ASSERT_EQUAL(sim_now(sim), 7 * SIM_S + SIM_S / 2);
	CU_ASSERT_EQUAL(sim_events_run(sim), 8);
	CU_ASSERT_EQUAL(sim_events_pending(sim), 3);

	/* Later events are still there and can be scheduled before. */
	sim_schedule(sim, 1, h_log, &tr, (void *)(intptr_t)77);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL(sim_now(sim), 10 * SIM_S);
	CU_ASSERT_EQUAL(sim_events_run(sim), 12);
	CU_ASSERT_EQUAL(tr.n, 12);
	if (tr.n == 12) {
		CU_ASSERT_EQUAL(tr.r[8].id, 77);
		CU_ASSERT_EQUAL(tr.r[8].t, 7 * SIM_S + SIM_S / 2 + 1);
		CU_ASSERT_EQUAL(tr.r[11].id, 10);
	}
	trace_free(&tr);
	sim_destroy(sim);

	/* An end time before the first event: nothing runs. */
	sim = new_sim();
	sim_schedule_at(sim, 10 * SIM_S, h_log, &tr, NULL);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_S), SIM_STOP_END_TIME);
	CU_ASSERT_EQUAL(sim_now(sim), SIM_S);
	CU_ASSERT_EQUAL(sim_events_run(sim), 0);
	CU_ASSERT_EQUAL(sim_events_pending(sim), 1);
	trace_free(&tr);
	sim_destroy(sim);
}

struct stopper {
	struct trace *tr;
	long stop_at;		/* call sim_stop() in the event with this id */
};

static void
h_stop(struct sim *sim, void *ctx, void *arg)
{
	struct stopper *s = ctx;
	long id = (long)(intptr_t)arg;

	trace_add(s->tr, sim_now(sim), id);
	if (id == s->stop_at)
		sim_stop(sim);
}

static void
test_run_stop(void)
{
	struct trace tr = { 0 };
	struct stopper st = { &tr, 3 };
	struct sim *sim = new_sim();

	for (long i = 1; i <= 10; i++)
		sim_schedule_at(sim, i * 100, h_stop, &st, (void *)(intptr_t)i);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_REQUESTED);
	CU_ASSERT_EQUAL(sim_events_run(sim), 3);
	CU_ASSERT_EQUAL(sim_now(sim), 300);
	CU_ASSERT_EQUAL(sim_events_pending(sim), 7);

	/* Stopping in the very last event still says "requested". */
	st.stop_at = 10;
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_REQUESTED);
	CU_ASSERT_EQUAL(sim_events_run(sim), 10);
	CU_ASSERT_EQUAL(sim_now(sim), 1000);
	CU_ASSERT_EQUAL(sim_events_pending(sim), 0);
	CU_ASSERT_EQUAL(tr.n, 10);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	trace_free(&tr);
	sim_destroy(sim);
}

static void
test_run_empty(void)
{
	struct trace tr = { 0 };
	struct sim *sim = new_sim();

	CU_ASSERT_EQUAL(sim_events_pending(sim), 0);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL(sim_now(sim), 0);
	CU_ASSERT_EQUAL(sim_events_run(sim), 0);
	/* Empty wins over the end time: time does not jump to the end. */
	CU_ASSERT_EQUAL(sim_run(sim, 5 * SIM_S), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL(sim_now(sim), 0);

	sim_schedule(sim, 42, h_log, &tr, NULL);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL(sim_now(sim), 42);
	CU_ASSERT_EQUAL(sim_events_run(sim), 1);
	CU_ASSERT_EQUAL(tr.n, 1);
	trace_free(&tr);
	sim_destroy(sim);
}

struct holder {
	struct rng r;
	uint64_t ran;
};

/* Handler: the hold model, one new event per event run. */
static void
h_hold(struct sim *sim, void *ctx, void *arg)
{
	struct holder *h = ctx;

	h->ran++;
	sim_schedule(sim, (sim_time_t)rng_exp(&h->r, 1e3), h_hold, h, arg);
}

static void
test_run_limit(void)
{
	struct trace tr = { 0 };
	struct sim *sim = new_sim();
	struct holder h;

	for (long i = 0; i < 100; i++)
		sim_schedule_at(sim, i / 4, h_log, &tr, (void *)(intptr_t)i);
	sim_set_event_limit(sim, 40);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EVENT_LIMIT);
	CU_ASSERT_EQUAL(sim_events_run(sim), 40);
	CU_ASSERT_EQUAL(sim_events_pending(sim), 60);
	CU_ASSERT_EQUAL(sim_now(sim), 9);
	CU_ASSERT_EQUAL(tr.n, 40);
	if (tr.n == 40)
		CU_ASSERT_EQUAL(tr.r[39].id, 39);
	/* The limit counts all events, not those of one run. */
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EVENT_LIMIT);
	CU_ASSERT_EQUAL(sim_events_run(sim), 40);
	sim_set_event_limit(sim, 100);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL(sim_events_run(sim), 100);
	trace_free(&tr);
	sim_destroy(sim);

	/* A population that never empties stops exactly at the limit. */
	sim = new_sim();
	rng_init(&h.r, 1, 1, "test-limit");
	h.ran = 0;
	for (int i = 0; i < 1000; i++)
		sim_schedule(sim, (sim_time_t)rng_exp(&h.r, 1e3), h_hold, &h, NULL);
	sim_set_event_limit(sim, 123457);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EVENT_LIMIT);
	CU_ASSERT_EQUAL(sim_events_run(sim), 123457);
	CU_ASSERT_EQUAL(h.ran, 123457);
	CU_ASSERT_EQUAL(sim_events_pending(sim), 1000);
	sim_set_event_limit(sim, 0);
	CU_ASSERT_EQUAL(sim_run(sim, sim_now(sim) + 1000), SIM_STOP_END_TIME);
	CU_ASSERT_TRUE(h.ran > 123457);
	sim_destroy(sim);
}

/* ---- randomized comparison with a reference, through the raw ops ---- */

/*
 * The reference: pending events sorted in decreasing order, so the first
 * event is at the end of the array.
 */
struct ref {
	struct sim_event **a;
	size_t n;
};

/* Index where ev sits, or would sit, in the reference. */
static size_t
ref_find(const struct ref *r, const struct sim_event *ev)
{
	size_t lo = 0, hi = r->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sim_event_cmp(r->a[mid], ev) > 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
ref_insert(struct ref *r, struct sim_event *ev)
{
	size_t i = ref_find(r, ev);

	memmove(&r->a[i + 1], &r->a[i], (r->n - i) * sizeof(*r->a));
	r->a[i] = ev;
	r->n++;
}

static void
ref_remove_at(struct ref *r, size_t i)
{
	memmove(&r->a[i], &r->a[i + 1], (r->n - i - 1) * sizeof(*r->a));
	r->n--;
}

/*
 * A phase of the randomized test: the chance of an insert (in percent)
 * and how inserted times are drawn.
 */
struct phase {
	int insert_pct;
	int remove_pct;
	int ops;
	int dist;		/* 0 mixed, 1 ties, 2 hold-like, 3 sparse hours */
};

static sim_time_t
phase_time(struct rng *r, int dist, sim_time_t now, const sim_time_t *hot)
{
	unsigned u = (unsigned)rng_below(r, 100);

	if (u == 0 && now > 0)		/* earlier than the last pop */
		return (sim_time_t)rng_below(r, (uint64_t)now);
	switch (dist) {
	case 1:
		if (u < 80)
			return hot[u % 3];
		return now + (sim_time_t)rng_below(r, 20);
	case 2:
		return now + (sim_time_t)rng_exp(r, 1e6);
	case 3:
		if (u < 50)
			return now + (sim_time_t)rng_below(r, 10);
		return now + (sim_time_t)rng_below(r, 5 * 3600 * SIM_S);
	default:
		if (u < 20)
			return now;
		if (u < 30)
			return hot[u % 3];
		return now + mixed_time(r);
	}
}

static void
test_random_ops(void)
{
	static const struct phase phases[] = {
		{ 70, 10, 15000, 0 },
		{ 30, 10, 10000, 0 },
		{ 65,  5, 15000, 1 },
		{ 20, 20, 10000, 1 },
		{ 60,  5, 15000, 2 },
		{ 50,  5, 10000, 2 },
		{ 70,  5, 10000, 3 },
		{ 25, 10, 15000, 3 },
		/* Large enough for a calendar's staged, prefetching mode. */
		{ 90,  3, 25000, 2 },
		{ 40, 20, 10000, 0 },
		{  0,  0,     0, 0 },
	};
	enum { POOL = 40000 };
	struct sim_event *pool = calloc(POOL, sizeof(*pool));
	struct sim_event **free_ev = calloc(POOL, sizeof(*free_ev));
	struct ref ref = { calloc(POOL, sizeof(struct sim_event *)), 0 };
	struct sched *s = cur_ops->create();
	size_t nfree = POOL, bad_pop = 0, bad_peek = 0, bad_size = 0;
	sim_time_t now = 0, hot[3] = { 0, 0, 0 };
	uint64_t seq = 0, total = 0;
	struct rng r;

	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	rng_init(&r, 1, 1, "test-random");
	for (size_t i = 0; i < POOL; i++)
		free_ev[i] = &pool[POOL - 1 - i];
	CU_ASSERT_PTR_NULL(cur_ops->peek(s));
	CU_ASSERT_PTR_NULL(cur_ops->pop(s));

	for (const struct phase *ph = phases; ph->ops; ph++) {
		for (int op = 0; op < ph->ops; op++, total++) {
			unsigned u = (unsigned)rng_below(&r, 100);

			if (op % 1000 == 0)
				for (int i = 0; i < 3; i++)
					hot[i] = now + (sim_time_t)rng_below(&r, 3) *
					    (i + 1) * 1000;
			if ((int)u < ph->insert_pct && nfree > 0) {
				struct sim_event *ev = free_ev[--nfree];

				memset(ev, 0xa5, sizeof(*ev));
				ev->time = phase_time(&r, ph->dist, now, hot);
				ev->seq = seq++;
				ev->state = EV_PENDING;
				cur_ops->insert(s, ev);
				ref_insert(&ref, ev);
			} else if ((int)u < ph->insert_pct + ph->remove_pct && ref.n) {
				size_t i = (size_t)rng_below(&r, ref.n);
				struct sim_event *ev = ref.a[i];

				cur_ops->remove(s, ev);
				ref_remove_at(&ref, i);
				ev->state = EV_IDLE;
				free_ev[nfree++] = ev;
			} else {
				struct sim_event *want = ref.n ? ref.a[ref.n - 1] : NULL;
				struct sim_event *got;

				/* Both with and without a peek just before. */
				if (u & 1) {
					if (cur_ops->peek(s) != want)
						bad_peek++;
				}
				got = cur_ops->pop(s);
				if (got != want)
					bad_pop++;
				if (want) {
					ref.n--;
					if (want->time > now)
						now = want->time;
					want->state = EV_IDLE;
					free_ev[nfree++] = want;
				}
				if (got != want)
					break;	/* the states have parted */
			}
			if (cur_ops->size(s) != ref.n)
				bad_size++;
		}
		if (bad_pop)
			break;
	}
	CU_ASSERT_TRUE(total >= 100000 || bad_pop);
	CU_ASSERT_EQUAL(bad_pop, 0);
	CU_ASSERT_EQUAL(bad_peek, 0);
	CU_ASSERT_EQUAL(bad_size, 0);

	/* Drain what is left, in order. */
	while (ref.n && !bad_pop) {
		if (cur_ops->pop(s) != ref.a[ref.n - 1])
			bad_pop++;
		ref.n--;
	}
	CU_ASSERT_EQUAL(bad_pop, 0);
	CU_ASSERT_EQUAL(cur_ops->size(s), 0);
	CU_ASSERT_PTR_NULL(cur_ops->pop(s));

	cur_ops->destroy(s);
	free(ref.a);
	free(free_ev);
	free(pool);
}

/* ---- large populations: the calendar resizes up and down ---- */

struct checker {
	sim_time_t last_t;
	long last_id;
	size_t ran, bad;
};

/* Handler: check that (time, id) strictly increase; ids are insertion order. */
static void
h_check(struct sim *sim, void *ctx, void *arg)
{
	struct checker *c = ctx;
	long id = (long)(intptr_t)arg;
	sim_time_t t = sim_now(sim);

	if (c->ran && (t < c->last_t || (t == c->last_t && id <= c->last_id)))
		c->bad++;
	c->last_t = t;
	c->last_id = id;
	c->ran++;
}

static void
test_large_population(void)
{
	enum { N1 = 300000, N2 = 200000 };
	struct sim_event **h = calloc(N2, sizeof(*h));
	struct checker c = { 0 };
	struct sim *sim = new_sim();
	size_t cancelled = 0, scheduled = 0, bad_cancel = 0;
	long id = 0;
	struct rng r;

	rng_init(&r, 1, 1, "test-large");
	/* Grow from nothing: many doublings. */
	for (long i = 0; i < N1; i++, scheduled++)
		sim_schedule_at(sim, (sim_time_t)rng_below(&r, 10 * SIM_S) / 16 * 16,
				h_check, &c, (void *)(intptr_t)id++);
	CU_ASSERT_EQUAL(sim_events_pending(sim), N1);
	/* Drain most of it: several halvings. */
	CU_ASSERT_EQUAL(sim_run(sim, 9 * SIM_S + SIM_S / 2), SIM_STOP_END_TIME);
	CU_ASSERT_EQUAL(sim_events_pending(sim) + c.ran, N1);
	CU_ASSERT_TRUE(sim_events_pending(sim) < N1 / 10);
	/* Grow again, with a different spread, then shrink by cancelling. */
	for (long i = 0; i < N2; i++, scheduled++)
		h[i] = sim_schedule(sim, (sim_time_t)rng_below(&r, SIM_MS),
				    h_check, &c, (void *)(intptr_t)id++);
	for (long i = 0; i < N2; i++)
		if (i % 8 != 0) {
			if (sim_cancel(sim, h[i]) != 0)
				bad_cancel++;
			cancelled++;
		}
	CU_ASSERT_EQUAL(bad_cancel, 0);
	CU_ASSERT_EQUAL(sim_events_pending(sim) + c.ran + cancelled, scheduled);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL(c.ran, scheduled - cancelled);
	CU_ASSERT_EQUAL(c.bad, 0);
	CU_ASSERT_EQUAL(sim_events_run(sim), scheduled - cancelled);
	sim_destroy(sim);
	free(h);
}

/*
 * Skewed: a huge crowd at one instant, a few events hours away, and a
 * hold-like population; ordering and counts must survive the direct
 * searches and width changes this causes.
 */
static void
test_skewed(void)
{
	enum { CROWD = 60000 };
	struct checker c = { 0 };
	struct sim *sim = new_sim();
	size_t scheduled = 0;
	long id = 0;
	struct rng r;

	rng_init(&r, 1, 1, "test-skewed");
	for (long i = 0; i < CROWD; i++, scheduled++) {
		sim_time_t t = SIM_S;

		if (i % 1000 == 999)
			t = (sim_time_t)(1 + i / 1000) * 3600 * SIM_S;
		else if (i % 4 == 1)
			t = SIM_S + 1;
		else if (i % 4 == 2)
			t = (sim_time_t)rng_below(&r, SIM_S);
		sim_schedule_at(sim, t, h_check, &c, (void *)(intptr_t)id++);
	}
	CU_ASSERT_EQUAL(sim_run(sim, SIM_S), SIM_STOP_END_TIME);
	/* Now only the crowd at 1 s + 1 ns and the far ones remain. */
	for (long i = 0; i < 1000; i++, scheduled++)
		sim_schedule(sim, i % 2, h_check, &c, (void *)(intptr_t)id++);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL(c.ran, scheduled);
	CU_ASSERT_EQUAL(c.bad, 0);
	CU_ASSERT_EQUAL(sim_now(sim), 60 * 3600 * SIM_S);
	sim_destroy(sim);

	/*
	 * Half the events on ten nanoseconds, half spread over an hour; then
	 * two crowds with times in between.  Both once made a calendar walk
	 * a crowd on every insert (quadratic): this must stay quick.
	 */
	memset(&c, 0, sizeof(c));
	sim = new_sim();
	id = 0;
	for (long i = 0; i < CROWD; i++)
		sim_schedule_at(sim, i % 2 ? (sim_time_t)rng_below(&r, 10) :
				(sim_time_t)rng_below(&r, 3600 * SIM_S),
				h_check, &c, (void *)(intptr_t)id++);
	for (long i = 0; i < CROWD; i++)
		sim_schedule_at(sim, 4000 * SIM_S + (i % 3 == 0 ? 1024 : 2040),
				h_check, &c, (void *)(intptr_t)id++);
	for (long i = 0; i < CROWD / 2; i++)
		sim_schedule_at(sim, 4000 * SIM_S + 1100 +
				(sim_time_t)rng_below(&r, 800), h_check, &c,
				(void *)(intptr_t)id++);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL(c.ran, (size_t)id);
	CU_ASSERT_EQUAL(c.bad, 0);
	sim_destroy(sim);
}

/* ---- the largest time ---- */

static void
test_time_add(void)
{
	CU_ASSERT_EQUAL(sim_time_add(0, 0), 0);
	CU_ASSERT_EQUAL(sim_time_add(5, 7), 12);
	CU_ASSERT_EQUAL(sim_time_add(0, SIM_TIME_LIMIT), SIM_TIME_LIMIT);
	CU_ASSERT_EQUAL(sim_time_add(SIM_TIME_LIMIT, 0), SIM_TIME_LIMIT);
	CU_ASSERT_EQUAL(sim_time_add(SIM_TIME_LIMIT - 1, 1), SIM_TIME_LIMIT);
	CU_ASSERT_EQUAL(sim_time_add(SIM_TIME_LIMIT, 1), SIM_TIME_NEVER);
	CU_ASSERT_EQUAL(sim_time_add(1, SIM_TIME_LIMIT), SIM_TIME_NEVER);
	/* What plain addition would overflow. */
	CU_ASSERT_EQUAL(sim_time_add(SIM_TIME_LIMIT, INT64_MAX), SIM_TIME_NEVER);
	CU_ASSERT_EQUAL(sim_time_add(INT64_MAX - 1, INT64_MAX - 1), SIM_TIME_NEVER);
	CU_ASSERT_EQUAL(sim_time_add(SIM_TIME_NEVER, 0), SIM_TIME_NEVER);
	CU_ASSERT_EQUAL(sim_time_add(SIM_TIME_NEVER, SIM_TIME_NEVER), SIM_TIME_NEVER);
	CU_ASSERT_EQUAL(sim_time_add(5000000000 * SIM_S, 5000000000 * SIM_S), SIM_TIME_NEVER);
	/* Nine values within the limit never overflow: the reason for its size. */
	CU_ASSERT(9 * SIM_TIME_LIMIT > 0 && 9 * SIM_TIME_LIMIT <= INT64_MAX);
}

/* Handler: log, then schedule itself again `arg` ns later while arg > 0. */
static void
h_again(struct sim *sim, void *ctx, void *arg)
{
	trace_add(ctx, sim_now(sim), (long)(intptr_t)arg);
	sim_schedule(sim, (sim_time_t)(intptr_t)arg, h_again, ctx, arg);
}

static void
test_time_limit(void)
{
	struct sim *sim = new_sim();
	struct trace tr = { 0 };
	struct sim_timer t;
	struct sim_event *ev;

	/* An event at the limit runs; from there every later one is never due. */
	sim_schedule_at(sim, SIM_TIME_LIMIT - 1, h_again, &tr, (void *)(intptr_t)1);
	sim_schedule_at(sim, 3, h_again, &tr, (void *)(intptr_t)(INT64_MAX / 2));
	ev = sim_schedule_at(sim, SIM_TIME_NEVER, h_log, &tr, (void *)(intptr_t)99);
	CU_ASSERT_PTR_NOT_NULL(ev);
	CU_ASSERT_EQUAL(sim_events_pending(sim), 3);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL_FATAL(tr.n, 3);
	CU_ASSERT_EQUAL(tr.r[0].t, 3);
	CU_ASSERT_EQUAL(tr.r[1].t, SIM_TIME_LIMIT - 1);
	CU_ASSERT_EQUAL(tr.r[2].t, SIM_TIME_LIMIT);
	CU_ASSERT_EQUAL(sim_now(sim), SIM_TIME_LIMIT);
	/* The three never-due events are still there, and cancel cleanly. */
	CU_ASSERT_EQUAL(sim_events_pending(sim), 3);
	CU_ASSERT_EQUAL(sim_cancel(sim, ev), 0);
	CU_ASSERT_EQUAL(sim_cancel(sim, ev), -1);
	CU_ASSERT_EQUAL(sim_events_pending(sim), 2);

	/* A timer set too late is armed but never fires; re-armed, it fires. */
	sim_timer_init(&t, h_log, &tr, (void *)(intptr_t)7);
	sim_timer_after(sim, &t, INT64_MAX);
	CU_ASSERT(sim_timer_armed(&t));
	CU_ASSERT_EQUAL(t.ev.time, SIM_TIME_NEVER);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL(tr.n, 3);
	sim_timer_cancel(sim, &t);
	CU_ASSERT(!sim_timer_armed(&t));
	sim_timer_set(sim, &t, SIM_TIME_LIMIT + 1);
	CU_ASSERT(sim_timer_armed(&t));
	sim_timer_set(sim, &t, SIM_TIME_LIMIT);
	CU_ASSERT_EQUAL(sim_events_pending(sim), 3);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL_FATAL(tr.n, 4);
	CU_ASSERT_EQUAL(tr.r[3].id, 7);
	CU_ASSERT(!sim_timer_armed(&t));
	trace_free(&tr);
	sim_destroy(sim);

	/* An end beyond the limit is the limit. */
	sim = new_sim();
	sim_schedule_at(sim, SIM_TIME_LIMIT, h_log, &tr, (void *)(intptr_t)1);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_LIMIT + 5), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL(tr.n, 1);
	trace_free(&tr);
	sim_destroy(sim);
}

/* ---- the watcher: instants of virtual time, not events ---- */

struct watch_rec {
	sim_time_t at[64], now[64];
	uint64_t ran[64];	/* events run before each call */
	int n;
	sim_time_t every, last;	/* the last instant asked for */
	bool interrupt_at_3;	/* call sim_interrupt() in the third call */
};

static sim_time_t
w_record(struct sim *sim, void *ctx, sim_time_t at)
{
	struct watch_rec *w = ctx;

	if (w->n < 64) {
		w->at[w->n] = at;
		w->now[w->n] = sim_now(sim);
		w->ran[w->n] = sim_events_run(sim);
	}
	w->n++;
	if (w->interrupt_at_3 && w->n == 3)
		sim_interrupt();
	return at + w->every > w->last ? SIM_TIME_NEVER : at + w->every;
}

/*
 * Events at 100, 250 (twice) and 400, and one at 2000 beyond the end
 * times below (a run out of events never reaches its end time); a watcher
 * every 100 from 100 to last.
 */
static struct sim *
watch_sim(struct trace *tr, struct watch_rec *w, sim_time_t last)
{
	struct sim *sim = new_sim();

	sim_schedule_at(sim, 2000, h_log, tr, (void *)(intptr_t)5);
	sim_schedule_at(sim, 100, h_log, tr, (void *)(intptr_t)1);
	sim_schedule_at(sim, 250, h_log, tr, (void *)(intptr_t)2);
	sim_schedule_at(sim, 250, h_log, tr, (void *)(intptr_t)3);
	sim_schedule_at(sim, 400, h_log, tr, (void *)(intptr_t)4);
	memset(w, 0, sizeof(*w));
	w->every = 100;
	w->last = last;
	sim_set_watch(sim, 100, w_record, w);
	return sim;
}

static void
test_watch(void)
{
	static const uint64_t ran[] = { 0, 1, 3, 3, 4, 4, 4, 4, 4, 4 };
	struct trace tr = { 0 };
	struct watch_rec w;
	struct sim *sim = watch_sim(&tr, &w, 1000);

	/* To an end time: every instant up to it, each before the events of its time. */
	CU_ASSERT_EQUAL(sim_run(sim, 1000), SIM_STOP_END_TIME);
	CU_ASSERT_EQUAL_FATAL(w.n, 10);
	for (int i = 0; i < 10; i++) {
		CU_ASSERT_EQUAL(w.at[i], (i + 1) * 100);
		CU_ASSERT_EQUAL(w.now[i], (i + 1) * 100);
		CU_ASSERT_EQUAL(w.ran[i], ran[i]);
	}
	/* Not an event: the count and the clock are those of a run without it. */
	CU_ASSERT_EQUAL(sim_events_run(sim), 4);
	CU_ASSERT_EQUAL(sim_now(sim), 1000);
	CU_ASSERT_EQUAL(tr.n, 4);
	CU_ASSERT_EQUAL(tr.r[1].id, 2);
	CU_ASSERT_EQUAL(tr.r[2].id, 3);
	trace_free(&tr);
	sim_destroy(sim);

	/* Out of events: no instant after the last event, the clock stays there. */
	sim = watch_sim(&tr, &w, 5000);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL(w.n, 20);
	CU_ASSERT_EQUAL(sim_now(sim), 2000);
	CU_ASSERT_EQUAL(sim_events_run(sim), 5);
	trace_free(&tr);
	sim_destroy(sim);

	/* An event limit: no instant beyond the events that ran. */
	sim = watch_sim(&tr, &w, 1000);
	sim_set_event_limit(sim, 2);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EVENT_LIMIT);
	CU_ASSERT_EQUAL(w.n, 2);
	CU_ASSERT_EQUAL(sim_now(sim), 250);
	trace_free(&tr);
	sim_destroy(sim);

	/* A watcher that asks for no more instants, then none at all. */
	sim = watch_sim(&tr, &w, 200);
	CU_ASSERT_EQUAL(sim_run(sim, 1000), SIM_STOP_END_TIME);
	CU_ASSERT_EQUAL(w.n, 2);
	trace_free(&tr);
	sim_destroy(sim);
	sim = watch_sim(&tr, &w, 1000);
	sim_set_watch(sim, 0, NULL, NULL);
	CU_ASSERT_EQUAL(sim_run(sim, 1000), SIM_STOP_END_TIME);
	CU_ASSERT_EQUAL(w.n, 0);
	CU_ASSERT_EQUAL(sim_events_run(sim), 4);
	trace_free(&tr);
	sim_destroy(sim);

	/* Interrupted between instants: the clock goes back to the last event. */
	sim = watch_sim(&tr, &w, 1000);
	w.interrupt_at_3 = true;
	CU_ASSERT_EQUAL(sim_run(sim, 1000), SIM_STOP_INTERRUPTED);
	sim_interrupt_clear();
	CU_ASSERT_EQUAL(w.n, 3);
	CU_ASSERT_EQUAL(sim_now(sim), 250);
	CU_ASSERT_EQUAL(sim_events_run(sim), 3);
	trace_free(&tr);
	sim_destroy(sim);
}

/* ---- the pacer ---- */

struct pacer_rec {
	sim_time_t calls[16];
	int n;
	int stop_at;		/* return -1 at this call (1-based), 0 never */
	sim_time_t inject_when;	/* on a call with this time, schedule an event ... */
	sim_time_t inject_at;	/* ... due then */
	struct trace *tr;
};

static int
pacer_fn(struct sim *sim, void *ctx, sim_time_t next)
{
	struct pacer_rec *p = ctx;

	if (p->n < 16)
		p->calls[p->n] = next;
	p->n++;
	if (p->stop_at && p->n == p->stop_at)
		return -1;
	if (p->inject_when && next == p->inject_when) {
		p->inject_when = 0;
		sim_schedule_at(sim, p->inject_at, h_log, p->tr, (void *)(intptr_t)99);
	}
	return 0;
}

static struct sim *
pacer_sim(struct trace *tr, struct pacer_rec *p)
{
	struct sim *sim = new_sim();

	memset(tr, 0, sizeof(*tr));
	memset(p, 0, sizeof(*p));
	p->tr = tr;
	sim_schedule_at(sim, 30, h_log, tr, (void *)(intptr_t)3);
	sim_schedule_at(sim, 10, h_log, tr, (void *)(intptr_t)1);
	sim_schedule_at(sim, 20, h_log, tr, (void *)(intptr_t)2);
	sim_set_pacer(sim, pacer_fn, p);
	return sim;
}

static void
test_pacer(void)
{
	struct trace tr;
	struct pacer_rec p;
	struct sim *sim;
	static const struct rec order[] = { { 10, 1 }, { 20, 2 }, { 30, 3 } };
	static const struct rec injected[] = { { 10, 1 }, { 20, 2 }, { 25, 99 }, { 30, 3 } };

	/* Called before each event with its time, then once with the end time. */
	sim = pacer_sim(&tr, &p);
	CU_ASSERT_EQUAL(sim_run(sim, 100), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL(p.n, 4);
	CU_ASSERT_EQUAL(p.calls[0], 10);
	CU_ASSERT_EQUAL(p.calls[1], 20);
	CU_ASSERT_EQUAL(p.calls[2], 30);
	CU_ASSERT_EQUAL(p.calls[3], 100);
	CU_ASSERT_EQUAL(trace_diff(&tr, order, 3), 0);
	trace_free(&tr);
	sim_destroy(sim);

	/* No end time: nothing to wait for after the last event. */
	sim = pacer_sim(&tr, &p);
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL(p.n, 3);
	trace_free(&tr);
	sim_destroy(sim);

	/* An end time before the last event: waited for once, then the run stops there. */
	sim = pacer_sim(&tr, &p);
	CU_ASSERT_EQUAL(sim_run(sim, 25), SIM_STOP_END_TIME);
	CU_ASSERT_EQUAL(p.n, 3);
	CU_ASSERT_EQUAL(p.calls[2], 25);
	CU_ASSERT_EQUAL(sim_now(sim), 25);
	trace_free(&tr);
	sim_destroy(sim);

	/* -1 stops the run before the event: one ran, the clock at it. */
	sim = pacer_sim(&tr, &p);
	p.stop_at = 2;
	CU_ASSERT_EQUAL(sim_run(sim, 100), SIM_STOP_PACER);
	CU_ASSERT_EQUAL(sim_events_run(sim), 1);
	CU_ASSERT_EQUAL(sim_now(sim), 10);
	trace_free(&tr);
	sim_destroy(sim);

	/* Input scheduled while waiting for 30, due at 25, runs first. */
	sim = pacer_sim(&tr, &p);
	p.inject_when = 30;
	p.inject_at = 25;
	CU_ASSERT_EQUAL(sim_run(sim, 100), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL(trace_diff(&tr, injected, 4), 0);
	CU_ASSERT_EQUAL(p.n, 6);	/* 10, 20, 30, then 25 and 30 again, 100 */
	CU_ASSERT_EQUAL(p.calls[3], 25);
	CU_ASSERT_EQUAL(p.calls[4], 30);
	trace_free(&tr);
	sim_destroy(sim);

	/* Input that comes while waiting for the end runs, then the wait goes on. */
	sim = pacer_sim(&tr, &p);
	p.inject_when = 100;
	p.inject_at = 60;
	CU_ASSERT_EQUAL(sim_run(sim, 100), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL(p.n, 6);	/* 10, 20, 30, 100, 60, 100 */
	CU_ASSERT_EQUAL(p.calls[4], 60);
	CU_ASSERT_EQUAL(p.calls[5], 100);
	CU_ASSERT_EQUAL(sim_events_run(sim), 4);
	trace_free(&tr);
	sim_destroy(sim);
}

/* ---- registration ---- */

static int
suite_init(void)
{
	const char *name = CU_get_current_suite()->pName;

	cur_ops = sched_lookup(name + strlen(SUITE_PREFIX));
	return cur_ops ? 0 : -1;
}

/*
 * The order at one instant (sim.h): by actor, the run's first; within an
 * actor its own events in the order scheduled, then keyed ones by origin
 * and, from one origin, in the order their keys were taken, whatever the
 * order in which they were armed.
 */
static void
h_actor(struct sim *sim, void *ctx, void *arg)
{
	/* What it schedules is its actor's. */
	trace_add(ctx, sim_now(sim), (long)(intptr_t)arg * 1000 + sim_actor(sim));
}

static void
test_keys(void)
{
	struct sim *sim = new_sim();
	struct trace tr = { 0 };
	struct sim_timer t[4];
	uint64_t k7a, k2, k7b;
	static const long want[] = { 9000, 10001, 11001, 2001, 7001, 8001, 12003, 1001 };

	for (int i = 0; i < 4; i++)
		sim_timer_init(&t[i], h_actor, &tr, (void *)(intptr_t)(i == 0 ? 1 : i == 1 ? 2 : i == 2 ? 7 : 8));
	CU_ASSERT_EQUAL(sim_actor(sim), SIM_ACTOR_RUN);
	k7a = sim_key(sim, 7);		/* taken first, by the origin with the larger number */
	k2 = sim_key(sim, 2);
	k7b = sim_key(sim, 7);
	/* Armed in the opposite order of the keys, and before the local events. */
	sim_timer_set_keyed(sim, &t[3], 100, k7b, 1);
	sim_timer_set_keyed(sim, &t[1], 100, k2, 1);
	sim_timer_set_keyed(sim, &t[2], 100, k7a, 1);
	sim_timer_set_keyed(sim, &t[0], 101, sim_key(sim, 1), 1);	/* a later instant */
	/* Actor 3's event scheduled first: it still runs after actor 1's. */
	CU_ASSERT_EQUAL(sim_set_actor(sim, 3), SIM_ACTOR_RUN);
	sim_schedule_at(sim, 100, h_actor, &tr, (void *)(intptr_t)12);
	sim_set_actor(sim, 1);
	sim_schedule_at(sim, 100, h_actor, &tr, (void *)(intptr_t)10);
	sim_schedule_at(sim, 100, h_actor, &tr, (void *)(intptr_t)11);
	CU_ASSERT_EQUAL(sim_set_actor(sim, SIM_ACTOR_RUN), 1);
	sim_schedule_at(sim, 100, h_actor, &tr, (void *)(intptr_t)9);	/* the run's, last */
	CU_ASSERT_EQUAL(sim_run(sim, SIM_TIME_MAX), SIM_STOP_EMPTY);
	CU_ASSERT_EQUAL_FATAL(tr.n, 8);
	for (size_t i = 0; i < 8; i++)
		CU_ASSERT_EQUAL(tr.r[i].id, want[i]);
	CU_ASSERT_EQUAL(sim_key_origin(k2), 2);
	trace_free(&tr);
	sim_destroy(sim);
}

static const struct {
	const char *name;
	CU_TestFunc fn;
} sched_tests[] = {
	{ "keys among equal times", test_keys },
	{ "order", test_order },
	{ "fifo ties", test_fifo_ties },
	{ "cancel", test_cancel },
	{ "timers", test_timers },
	{ "run until end time", test_run_end_time },
	{ "run until sim_stop", test_run_stop },
	{ "run until empty", test_run_empty },
	{ "run until event limit", test_run_limit },
	{ "random ops vs reference", test_random_ops },
	{ "large population", test_large_population },
	{ "skewed times", test_skewed },
	{ "saturating time addition", test_time_add },
	{ "events beyond the largest time", test_time_limit },
	{ "watcher at instants, not events", test_watch },
	{ "pacer before each event and at the end", test_pacer },
};

int
suite_sched_register(void)
{
	static char names[MAX_SCHEDS][64];

	for (size_t i = 0; sched_all[i]; i++) {
		CU_pSuite s;

		if (i == MAX_SCHEDS)
			return -1;
		snprintf(names[i], sizeof(names[i]), SUITE_PREFIX "%s",
			 sched_all[i]->name);
		s = CU_add_suite(names[i], suite_init, NULL);
		if (!s)
			return -1;
		for (size_t j = 0; j < sizeof(sched_tests) / sizeof(sched_tests[0]);
		    j++)
			if (!CU_add_test(s, sched_tests[j].name, sched_tests[j].fn))
				return -1;
	}
	return 0;
}
