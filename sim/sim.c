/*
 * sim.c - the event loop, the event pool, embedded timers.
 *
 * The core owns every struct sim_event it allocates; schedulers only
 * order them (sched.h).  One-shot events come from a free list refilled
 * in slabs, so scheduling on the hot path does not call malloc.
 */
#include <assert.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/sched.h"
#include "sim/sim.h"

#define EV_SLAB	1024

/* Events first, so that with a 64-byte aligned slab each event fills one cache line. */
struct ev_slab {
	struct sim_event ev[EV_SLAB];
	struct ev_slab *next;
};

struct sim {
	const struct sched_ops *ops;
	struct sched *sched;
	sim_time_t now;
	uint64_t seq;		/* the count of the next key */
	uint32_t actor;		/* whose code runs (sim_actor()) */
	uint64_t events_run;
	uint64_t event_limit;
	size_t never;		/* events in state EV_NEVER */
	bool stop;
	struct sim_event *free_ev;	/* free list, linked by ctx */
	struct ev_slab *slabs;
	uint64_t poll_every, poll_left;
	sim_poll_fn poll_fn;
	void *poll_ctx;
	sim_time_t watch_at;	/* the watcher's next instant; SIM_TIME_NEVER: none */
	sim_watch_fn watch_fn;
	void *watch_ctx;
	sim_pacer_fn pacer_fn;
	void *pacer_ctx;
	sim_time_t horizon;	/* sim_set_horizon(); SIM_TIME_NEVER: none */
	sim_local_fn local_fn;	/* sim_set_local(); NULL: every actor runs here */
	void *local_ctx;
	uint32_t ev_actor;	/* the running (or last) event's actor and key */
	uint64_t ev_key;
};

/* Set by sim_interrupt(), possibly from a signal handler. */
static volatile sig_atomic_t interrupt_word;

/* The first is the default: the calendar queue is the faster at every size. */
const struct sched_ops *const sched_all[] = {
	&sched_cal_ops,
	&sched_heap_ops,
	NULL,
};

const struct sched_ops *
sched_lookup(const char *name)
{
	if (!name)
		return sched_all[0];
	for (size_t i = 0; sched_all[i]; i++)
		if (strcmp(sched_all[i]->name, name) == 0)
			return sched_all[i];
	return NULL;
}

struct sim *
sim_create(const char *sched)
{
	const struct sched_ops *ops = sched_lookup(sched);
	struct sim *sim;

	if (!ops)
		return NULL;
	sim = calloc(1, sizeof(*sim));
	if (!sim)
		return NULL;
	sim->ops = ops;
	sim->watch_at = SIM_TIME_NEVER;
	sim->horizon = SIM_TIME_NEVER;
	sim->sched = ops->create();
	if (!sim->sched) {
		free(sim);
		return NULL;
	}
	return sim;
}

void
sim_destroy(struct sim *sim)
{
	struct ev_slab *s, *next;

	if (!sim)
		return;
	sim->ops->destroy(sim->sched);
	for (s = sim->slabs; s; s = next) {
		next = s->next;
		free(s);
	}
	free(sim);
}

const char *
sim_sched_name(const struct sim *sim)
{
	return sim->ops->name;
}

sim_time_t
sim_now(const struct sim *sim)
{
	return sim->now;
}

uint64_t
sim_events_run(const struct sim *sim)
{
	return sim->events_run;
}

size_t
sim_events_pending(const struct sim *sim)
{
	return sim->ops->size(sim->sched) + sim->never;
}

sim_time_t
sim_next_time(const struct sim *sim)
{
	struct sim_event *ev = sim->ops->peek(sim->sched);

	return ev ? ev->time : SIM_TIME_NEVER;
}

static struct sim_event *
ev_alloc(struct sim *sim)
{
	struct sim_event *ev = sim->free_ev;

	if (!ev) {
		struct ev_slab *s = aligned_alloc(64, (sizeof(*s) + 63) & ~(size_t)63);

		if (!s) {
			fprintf(stderr, "cometsim: out of memory for events\n");
			abort();
		}
		s->next = sim->slabs;
		sim->slabs = s;
		for (size_t i = 0; i < EV_SLAB - 1; i++)
			s->ev[i].ctx = &s->ev[i + 1];
		s->ev[EV_SLAB - 1].ctx = NULL;
		ev = &s->ev[0];
	}
	sim->free_ev = ev->ctx;
	return ev;
}

static void
ev_release(struct sim *sim, struct sim_event *ev)
{
	ev->state = EV_IDLE;
	ev->ctx = sim->free_ev;
	sim->free_ev = ev;
}

/*
 * An event due after the largest time is kept out of the scheduler: it
 * can never run, and no scheduler has to order times that large.
 */
uint64_t
sim_key(struct sim *sim, uint32_t origin)
{
	assert(origin <= SIM_ORIGIN_MAX);
	if (sim->seq > SIM_KEY_COUNT_MAX) {
		/* 2^40 events: days of any run this engine makes. */
		fprintf(stderr, "cometsim: more than %" PRIu64 " events scheduled: the event keys ran out\n",
			(uint64_t)SIM_KEY_COUNT_MAX);
		abort();
	}
	return (uint64_t)origin << SIM_KEY_SHIFT | sim->seq++;
}

uint32_t
sim_actor(const struct sim *sim)
{
	return sim->actor;
}

uint32_t
sim_set_actor(struct sim *sim, uint32_t actor)
{
	uint32_t old = sim->actor;

	assert(actor <= SIM_ACTOR_MAX);
	sim->actor = actor;
	return old;
}

static void
ev_insert_keyed(struct sim *sim, struct sim_event *ev, sim_time_t when, uint64_t key,
		uint32_t actor)
{
	assert(when >= sim->now);
	ev->seq = key;
	ev->actor = actor;
	/* An actor of another process: kept as one that never comes (sim_set_local). */
	if (when > SIM_TIME_LIMIT || (sim->local_fn && actor != SIM_ACTOR_RUN &&
				       !sim->local_fn(sim->local_ctx, actor))) {
		ev->time = SIM_TIME_NEVER;
		ev->state = EV_NEVER;
		sim->never++;
		return;
	}
	ev->time = when;
	ev->state = EV_PENDING;
	sim->ops->insert(sim->sched, ev);
}

static void
ev_insert(struct sim *sim, struct sim_event *ev, sim_time_t when)
{
	ev_insert_keyed(sim, ev, when, sim_key(sim, SIM_ORIGIN_LOCAL), sim->actor);
}

/* Take a pending or never-due event out of the set. */
static void
ev_remove(struct sim *sim, struct sim_event *ev)
{
	if (ev->state == EV_PENDING)
		sim->ops->remove(sim->sched, ev);
	else if (ev->state == EV_NEVER)
		sim->never--;
	ev->state = EV_IDLE;
}

struct sim_event *
sim_schedule_at(struct sim *sim, sim_time_t when, sim_event_fn fn, void *ctx,
		void *arg)
{
	struct sim_event *ev = ev_alloc(sim);

	ev->fn = fn;
	ev->ctx = ctx;
	ev->arg = arg;
	ev->pooled = 1;
	ev_insert(sim, ev, when);
	return ev;
}

struct sim_event *
sim_schedule(struct sim *sim, sim_time_t delay, sim_event_fn fn, void *ctx,
	     void *arg)
{
	assert(delay >= 0);
	return sim_schedule_at(sim, sim_time_add(sim->now, delay), fn, ctx, arg);
}

int
sim_cancel(struct sim *sim, struct sim_event *ev)
{
	if (!ev || ev->state == EV_IDLE)
		return -1;
	ev_remove(sim, ev);
	if (ev->pooled)
		ev_release(sim, ev);
	return 0;
}

void
sim_timer_init(struct sim_timer *t, sim_event_fn fn, void *ctx, void *arg)
{
	memset(t, 0, sizeof(*t));
	t->ev.fn = fn;
	t->ev.ctx = ctx;
	t->ev.arg = arg;
	t->ev.state = EV_IDLE;
	t->ev.pooled = 0;
}

void
sim_timer_set(struct sim *sim, struct sim_timer *t, sim_time_t when)
{
	ev_remove(sim, &t->ev);
	ev_insert(sim, &t->ev, when);
}

void
sim_timer_set_keyed(struct sim *sim, struct sim_timer *t, sim_time_t when, uint64_t key,
		    uint32_t actor)
{
	ev_remove(sim, &t->ev);
	ev_insert_keyed(sim, &t->ev, when, key, actor);
}

void
sim_timer_after(struct sim *sim, struct sim_timer *t, sim_time_t delay)
{
	assert(delay >= 0);
	sim_timer_set(sim, t, sim_time_add(sim->now, delay));
}

void
sim_timer_cancel(struct sim *sim, struct sim_timer *t)
{
	ev_remove(sim, &t->ev);
}

void
sim_set_horizon(struct sim *sim, sim_time_t h)
{
	sim->horizon = h;
}

void
sim_advance(struct sim *sim, sim_time_t t)
{
	struct sim_event *ev = sim->ops->peek(sim->sched);

	assert(t >= sim->now && (!ev || ev->time >= t));
	(void)ev;
	sim->now = t;
}

void
sim_set_local(struct sim *sim, sim_local_fn fn, void *ctx)
{
	sim->local_fn = fn;
	sim->local_ctx = ctx;
}

uint32_t
sim_event_actor(const struct sim *sim)
{
	return sim->ev_actor;
}

uint64_t
sim_event_key(const struct sim *sim)
{
	return sim->ev_key;
}

void
sim_stop(struct sim *sim)
{
	sim->stop = true;
}

void
sim_set_event_limit(struct sim *sim, uint64_t n)
{
	sim->event_limit = n;
}

void
sim_set_poll(struct sim *sim, uint64_t every, sim_poll_fn fn, void *ctx)
{
	sim->poll_every = every;
	sim->poll_left = every;
	sim->poll_fn = fn;
	sim->poll_ctx = ctx;
}

void
sim_set_watch(struct sim *sim, sim_time_t first, sim_watch_fn fn, void *ctx)
{
	assert(!fn || first >= sim->now);
	sim->watch_fn = fn;
	sim->watch_ctx = ctx;
	sim->watch_at = fn ? first : SIM_TIME_NEVER;
}

/*
 * Call the watcher for every instant it asked for up to `upto`, with the
 * clock at that instant.  False when an interruption came meanwhile: the
 * clock is put back where the last event left it.
 */
static bool
watch_upto(struct sim *sim, sim_time_t upto)
{
	sim_time_t was = sim->now;

	while (sim->watch_at <= upto) {
		sim_time_t at = sim->watch_at;

		if (interrupt_word) {
			sim->now = was;
			return false;
		}
		sim->now = at;
		sim->watch_at = sim->watch_fn(sim, sim->watch_ctx, at);
		/* An instant that does not move on would never let the run go on. */
		assert(sim->watch_at > at);
	}
	return true;
}

void
sim_set_pacer(struct sim *sim, sim_pacer_fn fn, void *ctx)
{
	sim->pacer_fn = fn;
	sim->pacer_ctx = ctx;
}

enum sim_stop_reason
sim_run(struct sim *sim, sim_time_t end)
{
	const struct sched_ops *ops = sim->ops;
	struct sched *sched = sim->sched;
	bool paced_end = false;

	sim->stop = false;
	if (end > SIM_TIME_LIMIT)
		end = SIM_TIME_LIMIT;
	for (;;) {
		struct sim_event *ev;
		sim_event_fn fn;
		void *ctx, *arg;

		/* One load and a branch that is never taken: no cost to measure. */
		if (interrupt_word)
			return SIM_STOP_INTERRUPTED;
		ev = ops->peek(sched);
		/*
		 * A paced run lasts until its end time: the pacer waits for it
		 * once, and what it scheduled meanwhile runs.
		 */
		if (sim->pacer_fn && (!ev || ev->time > end) && end < SIM_TIME_LIMIT &&
		    !paced_end) {
			paced_end = true;
			if (sim->pacer_fn(sim, sim->pacer_ctx, end) < 0)
				return SIM_STOP_PACER;
			continue;
		}
		if (!ev)
			return SIM_STOP_EMPTY;
		/*
		 * A window of a split run ends here, time left where it is: an
		 * event beyond the end too, for other processes may still send
		 * frames due before the end.
		 */
		if (ev->time >= sim->horizon)
			return SIM_STOP_HORIZON;
		if (ev->time > end) {
			if (sim->watch_at <= end && !watch_upto(sim, end))
				return SIM_STOP_INTERRUPTED;
			sim->now = end;
			return SIM_STOP_END_TIME;
		}
		if (sim->event_limit && sim->events_run >= sim->event_limit)
			return SIM_STOP_EVENT_LIMIT;
		/* Never taken when nothing watches: SIM_TIME_NEVER is no event's time. */
		if (ev->time >= sim->watch_at && !watch_upto(sim, ev->time))
			return SIM_STOP_INTERRUPTED;
		if (sim->pacer_fn) {
			if (sim->pacer_fn(sim, sim->pacer_ctx, ev->time) < 0)
				return SIM_STOP_PACER;
			/*
			 * It may have scheduled an earlier event: that one goes
			 * first.  A signal that ended its wait stops the run before
			 * the event, whose time has not come.
			 */
			if (ops->peek(sched) != ev || interrupt_word)
				continue;
		}
		ops->pop(sched);
		sim->now = ev->time;
		sim->actor = ev->actor;
		sim->ev_actor = ev->actor;
		sim->ev_key = ev->seq;
		fn = ev->fn;
		ctx = ev->ctx;
		arg = ev->arg;
		/* Released before the call, so the handler may re-arm or reuse it. */
		if (ev->pooled)
			ev_release(sim, ev);
		else
			ev->state = EV_IDLE;
		sim->events_run++;
		fn(sim, ctx, arg);
		paced_end = false;	/* what ran may have been input that came while waiting */
		if (sim->poll_fn && --sim->poll_left == 0) {
			sim->poll_left = sim->poll_every;
			sim->poll_fn(sim, sim->poll_ctx);
		}
		if (sim->stop)
			return SIM_STOP_REQUESTED;
	}
}

void
sim_interrupt(void)
{
	interrupt_word = 1;
}

bool
sim_interrupted(void)
{
	return interrupt_word != 0;
}

void
sim_interrupt_clear(void)
{
	interrupt_word = 0;
}

char *
sim_time_fmt(sim_time_t t, char *buf, size_t len)
{
	const char *sign = "";
	uint64_t u;

	if (t < 0) {
		sign = "-";
		u = (uint64_t)0 - (uint64_t)t;
	} else {
		u = (uint64_t)t;
	}
	snprintf(buf, len, "%s%" PRIu64 ".%09" PRIu64, sign, u / 1000000000u,
		 u % 1000000000u);
	return buf;
}
