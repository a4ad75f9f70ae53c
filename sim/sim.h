/*
 * sim.h - the discrete-event core: virtual time, events, the run loop.
 *
 * Virtual time is a signed 64-bit count of nanoseconds.  Events run in
 * (time, actor, key) order (below, "The order of events due at the same
 * time"), always the same way.  The pending set
 * lives in one of the schedulers of sched.h, chosen per run.
 *
 * Two kinds of event:
 *  - one-shot events, allocated from the simulator's pool by
 *    sim_schedule(); the returned handle may be cancelled until it runs;
 *  - timers (struct sim_timer) embedded in their owner's struct, armed,
 *    re-armed and cancelled at will (BIRD timers, Linux timer_list).
 * Both are the same struct sim_event underneath.
 *
 * Nothing here knows what the events do; entities and the network stack
 * are users of this file, never the other way round.
 */
#ifndef SIM_SIM_H
#define SIM_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t sim_time_t;		/* nanoseconds of virtual time */

#define SIM_NS	((sim_time_t)1)
#define SIM_US	((sim_time_t)1000)
#define SIM_MS	((sim_time_t)1000000)
#define SIM_S	((sim_time_t)1000000000)
#define SIM_TIME_MAX INT64_MAX

/*
 * The largest virtual time a run may reach: 10^18 ns, 10^9 s, about 31.7
 * years.  The loader refuses every duration and time beyond it, so any
 * sum of up to nine values that each lie within it still fits in
 * int64_t (9 x 10^18 < 2^63 - 1 = 9.22 x 10^18); doc/engine.md ("The
 * largest time") gives the reasoning.  An event due after it never runs
 * and a run ends at it at the latest.
 */
#define SIM_TIME_LIMIT	((sim_time_t)1000000000 * SIM_S)
/* The time of an event that never comes; also "no end" (SIM_TIME_MAX). */
#define SIM_TIME_NEVER	SIM_TIME_MAX

struct sim;
struct sim_event;

typedef void (*sim_event_fn)(struct sim *sim, void *ctx, void *arg);

enum sim_event_state {
	EV_IDLE = 0,		/* not pending */
	EV_PENDING,		/* in the scheduler */
	EV_NEVER,		/* due after SIM_TIME_LIMIT: armed, kept out of the
				   scheduler, never runs */
};

/*
 * One pending event.  The scheduler owns the link fields (heap index or
 * bucket list pointers); everybody else treats them as opaque.
 */
struct sim_event {
	sim_time_t time;
	uint64_t seq;		/* the key among equal times: (origin << SIM_KEY_SHIFT) | count */
	sim_event_fn fn;
	void *ctx;
	void *arg;
	union {
		uint32_t heap_idx;			/* heap schedulers */
		struct {
			struct sim_event *next, *prev;	/* bucket schedulers */
		} l;
	} s;
	uint8_t state;		/* enum sim_event_state */
	uint8_t pooled;		/* allocated by sim_schedule(), freed after it runs */
	uint32_t actor;		/* whose code it runs (below) */
};

/* A timer embedded in its owner: set it up once, then arm and cancel freely. */
struct sim_timer {
	struct sim_event ev;
};

/*
 * t + d for a time t and a duration d (both >= 0), or SIM_TIME_NEVER
 * when the sum lies beyond SIM_TIME_LIMIT (or t is already never).  The
 * one way to add to virtual time: it cannot overflow.
 */
static inline sim_time_t
sim_time_add(sim_time_t t, sim_time_t d)
{
	if (t > SIM_TIME_LIMIT || d > SIM_TIME_LIMIT - t)
		return SIM_TIME_NEVER;
	return t + d;
}

/*
 * The order of events due at the same time.  Every event has an actor,
 * the one whose code it runs: a node (numbered from 1 by whoever builds
 * the network: its creation order plus one), or SIM_ACTOR_RUN for the
 * run's own events (a script's, a fault's).  An event inherits the actor
 * of the code that schedules it (sim_actor()); a frame crossing a link is
 * delivered to the receiving node's actor (sim_timer_set_keyed()).  And
 * every event has a key: an origin in the top bits and a count below,
 * the count growing with every event scheduled.  The origin is
 * SIM_ORIGIN_LOCAL for an event its actor scheduled, and the sending node
 * for a frame, whose key is taken when the frame leaves its link's
 * transmitter (sim_key()).
 *
 * At one instant events run by actor, then by key: the run's own first,
 * then node by node; within a node, its own events in the order they were
 * scheduled, then the frames that arrive, by sending node and, from one
 * sender, in the order sent.  The order of one node's events so depends
 * only on what the node and its senders did, never on what other nodes
 * did meanwhile, and the order of everything on which node holds it: a
 * run split over several processes (each running some nodes' events)
 * runs every node's events in this order, and its outputs merged by
 * (time, actor) come out in the order of one process (doc/engine.md,
 * "Time and events").
 */
#define SIM_ACTOR_RUN		0u
#define SIM_ORIGIN_LOCAL	0u
#define SIM_KEY_SHIFT		40
#define SIM_ORIGIN_MAX		((1u << (64 - SIM_KEY_SHIFT)) - 1)	/* 16 777 215 */
#define SIM_ACTOR_MAX		SIM_ORIGIN_MAX
#define SIM_KEY_COUNT_MAX	((UINT64_C(1) << SIM_KEY_SHIFT) - 1)

/* The origin of a key. */
static inline uint32_t
sim_key_origin(uint64_t key)
{
	return (uint32_t)(key >> SIM_KEY_SHIFT);
}

/* Ordering of two pending events: negative when a runs before b. */
static inline int
sim_event_cmp(const struct sim_event *a, const struct sim_event *b)
{
	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	if (a->actor != b->actor)
		return a->actor < b->actor ? -1 : 1;
	return a->seq < b->seq ? -1 : (a->seq > b->seq);
}

/* Why sim_run() returned. */
enum sim_stop_reason {
	SIM_STOP_EMPTY = 0,	/* no events remain */
	SIM_STOP_END_TIME,	/* the end time was reached */
	SIM_STOP_REQUESTED,	/* sim_stop(): END_SIMULATION, error or signal */
	SIM_STOP_EVENT_LIMIT,	/* the event limit was reached */
	SIM_STOP_INTERRUPTED,	/* sim_interrupt(): a signal or a wall-clock limit */
	SIM_STOP_PACER,		/* the pacer said stop (real time fell too far behind) */
	SIM_STOP_HORIZON,	/* the next event is at or after the horizon (sim_set_horizon) */
};

/* sim.c */

/*
 * Create a simulator using the scheduler named `sched` ("heap", "calendar";
 * NULL for the default).  Returns NULL if the name is unknown.
 */
struct sim *sim_create(const char *sched);
/* Free the simulator, its pending events and its event pool. */
void sim_destroy(struct sim *sim);
/* Name of the scheduler in use. */
const char *sim_sched_name(const struct sim *sim);

/* Current virtual time. */
sim_time_t sim_now(const struct sim *sim);
/* Number of events executed so far. */
uint64_t sim_events_run(const struct sim *sim);
/* Number of events pending (also those due after SIM_TIME_LIMIT). */
size_t sim_events_pending(const struct sim *sim);
/* Time of the next event due, or SIM_TIME_NEVER when none is. */
sim_time_t sim_next_time(const struct sim *sim);

/*
 * Schedule fn(sim, ctx, arg) to run `delay` ns from now (delay >= 0).
 * The event comes from the simulator's pool; the handle stays valid until
 * the event runs or is cancelled, and must not be used after that.
 * Times add with sim_time_add(): an event due after SIM_TIME_LIMIT is
 * kept, cancellable, but never runs (so for the timers below).
 */
struct sim_event *sim_schedule(struct sim *sim, sim_time_t delay,
			       sim_event_fn fn, void *ctx, void *arg);
/* As sim_schedule() at absolute time `when` (>= sim_now()). */
struct sim_event *sim_schedule_at(struct sim *sim, sim_time_t when,
				  sim_event_fn fn, void *ctx, void *arg);
/*
 * A key of `origin` (<= SIM_ORIGIN_MAX), as an event scheduled now
 * would get a key of SIM_ORIGIN_LOCAL: for a frame put in flight by a
 * node, delivered later with sim_timer_set_keyed().
 */
uint64_t sim_key(struct sim *sim, uint32_t origin);
/*
 * The actor whose code runs: the running event's, or, outside events,
 * the last set (SIM_ACTOR_RUN at first).
 */
uint32_t sim_actor(const struct sim *sim);
/*
 * Make `actor` (<= SIM_ACTOR_MAX) the one whose code runs, for code that
 * acts on a node's behalf outside its events (building the node's
 * entities, a script starting them); returns the one before, to put back.
 */
uint32_t sim_set_actor(struct sim *sim, uint32_t actor);
/* Cancel a pending one-shot event; returns 0, or -1 if it was not pending. */
int sim_cancel(struct sim *sim, struct sim_event *ev);

/* Prepare an embedded timer; it is not armed. */
void sim_timer_init(struct sim_timer *t, sim_event_fn fn, void *ctx, void *arg);
/* Arm (or re-arm) a timer to fire at absolute time `when`. */
void sim_timer_set(struct sim *sim, struct sim_timer *t, sim_time_t when);
/* Arm (or re-arm) a timer to fire `delay` ns from now. */
void sim_timer_after(struct sim *sim, struct sim_timer *t, sim_time_t delay);
/* (Re)arm at `when` with a key taken earlier (sim_key()), to run `actor`'s code. */
void sim_timer_set_keyed(struct sim *sim, struct sim_timer *t, sim_time_t when,
			 uint64_t key, uint32_t actor);
/* Disarm a timer; harmless if it is not armed. */
void sim_timer_cancel(struct sim *sim, struct sim_timer *t);
/* Whether the timer is armed (also when it is due too late to ever fire). */
static inline bool
sim_timer_armed(const struct sim_timer *t)
{
	return t->ev.state != EV_IDLE;
}

/*
 * Run events in order until none remain, the next one lies beyond
 * `end` (then time stops at `end`), sim_stop() is called, the event
 * limit is reached, or sim_interrupt() was called (before any event
 * runs, or during the one that is running).  An `end` beyond
 * SIM_TIME_LIMIT is the limit.
 */
enum sim_stop_reason sim_run(struct sim *sim, sim_time_t end);
/*
 * A run split over processes (doc/parallel.md) runs in windows: events
 * due before the horizon only.  sim_run() returns SIM_STOP_HORIZON,
 * time left at the last event, when the next one is due at `h` or
 * later (and not after `end`, which goes first); SIM_TIME_NEVER: none
 * (the default).
 */
void sim_set_horizon(struct sim *sim, sim_time_t h);
/*
 * Move time on to `t` (>= sim_now(), and no event due before it): a split
 * run's processes all end at the time of the last event any of them ran.
 */
void sim_advance(struct sim *sim, sim_time_t t);
/*
 * Which actors' events run in this process (a split run): fn(ctx, actor)
 * says whether actor's code runs here.  An event of an actor that runs
 * elsewhere is kept out of the scheduler and never runs, as one due after
 * the largest time; it still takes its key, so that every process gives
 * the run's own events the same keys.  fn NULL: every actor (the default).
 */
typedef bool (*sim_local_fn)(void *ctx, uint32_t actor);
void sim_set_local(struct sim *sim, sim_local_fn fn, void *ctx);
/*
 * The running event's actor and key (sim_actor() may have been changed
 * since by sim_set_actor()): where output written now belongs in the
 * order of the run (doc/parallel.md, "Merged outputs").  Outside events:
 * those of the last event run, 0 and 0 before the first.
 */
uint32_t sim_event_actor(const struct sim *sim);
uint64_t sim_event_key(const struct sim *sim);

/* Ask the running sim_run() to return after the current event. */
void sim_stop(struct sim *sim);
/* Stop after `n` events in all (0 = no limit). */
void sim_set_event_limit(struct sim *sim, uint64_t n);

/*
 * A hook called every `every` events from inside sim_run() (progress
 * lines, signal checks); the engine itself never reads a clock (a pacer,
 * below, may).
 */
typedef void (*sim_poll_fn)(struct sim *sim, void *ctx);
void sim_set_poll(struct sim *sim, uint64_t every, sim_poll_fn fn, void *ctx);

/*
 * A watcher: fn(sim, ctx, at) is called at virtual instants it chooses,
 * first `first` (>= sim_now()), then each instant it returns (later than
 * `at`; SIM_TIME_NEVER: no more).  It is not an event: it takes no
 * sequence number, does not count as an event run, and runs in sim_run()
 * once the run reaches the instant, before the first event due at that
 * time or later (so it sees the state every earlier event left), or at
 * the end time when the run stops there; a run that ends before the
 * instant (no events left, a limit, sim_stop()) never calls it.
 * sim_now() reads `at` during the call.  It may read the state, never
 * change it nor schedule anything: the events run exactly as without it.
 * One watcher per simulator (the output layer's time series); fn NULL
 * removes it.
 */
typedef sim_time_t (*sim_watch_fn)(struct sim *sim, void *ctx, sim_time_t at);
void sim_set_watch(struct sim *sim, sim_time_t first, sim_watch_fn fn, void *ctx);

/*
 * A pacer: fn(sim, ctx, next) is called before each event runs, with the
 * event's time, and once with `end` when the run reaches its end time
 * with nothing due before it (not when it has no end time).  It is how
 * the run follows another clock (real time: emu/realtime.h) without the
 * engine reading one: it may wait, and it may schedule events (input
 * from outside), which run first when they are due earlier.  It returns
 * 0 to go on, or -1 to make sim_run() return SIM_STOP_PACER before the
 * event.  Without a pacer (fn NULL, the default) nothing changes.
 */
typedef int (*sim_pacer_fn)(struct sim *sim, void *ctx, sim_time_t next);
void sim_set_pacer(struct sim *sim, sim_pacer_fn fn, void *ctx);

/*
 * Interruption, for whoever owns the process (the front end's signal
 * and timer handlers): sim_interrupt() asks whatever the engine is doing
 * to stop as soon as it can.  It only sets one word, so it may be called
 * from a signal handler.  sim_run() looks at the word before every event
 * and returns SIM_STOP_INTERRUPTED; long loops that run outside events
 * or inside one (shortest paths, building the network) look at it with
 * sim_interrupted() and give up.  The word is one for the process and
 * stays set until sim_interrupt_clear().
 */
void sim_interrupt(void);
/* Whether sim_interrupt() was called since the last sim_interrupt_clear(). */
bool sim_interrupted(void);
void sim_interrupt_clear(void);

/* Format virtual time as seconds with 9 decimals, into buf (>= 24 bytes). */
char *sim_time_fmt(sim_time_t t, char *buf, size_t len);

#endif /* SIM_SIM_H */
