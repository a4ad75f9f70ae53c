/*
 * sched.h - the scheduler interface: the set of pending events.
 *
 * A scheduler keeps struct sim_event pointers ordered by sim_event_cmp()
 * (time, actor, key).  It uses only the `s` union of the
 * event for its own bookkeeping and never frees events: the core in
 * sim.c owns them.  Every implementation must pass the same test suite
 * (tests/unit/test_sched.c).
 *
 *   heap      4-ary implicit heap of (time, key, event, actor) entries; removal
 *             by the index kept in the event: O(log n).
 *   calendar  calendar queue (R. Brown, CACM 1988) with buckets resized
 *             as the population changes; O(1) expected insert and pop,
 *             O(1) removal from a bucket's doubly-linked list.
 */
#ifndef SIM_SCHED_H
#define SIM_SCHED_H

#include <stddef.h>

#include "sim/sim.h"

struct sched;

struct sched_ops {
	const char *name;
	struct sched *(*create)(void);
	void (*destroy)(struct sched *s);
	void (*insert)(struct sched *s, struct sim_event *ev);
	/* Remove and return the first event, or NULL if empty. */
	struct sim_event *(*pop)(struct sched *s);
	/* First event without removing it, or NULL if empty. */
	struct sim_event *(*peek)(struct sched *s);
	/* Remove a pending event (it is known to be in this scheduler). */
	void (*remove)(struct sched *s, struct sim_event *ev);
	size_t (*size)(const struct sched *s);
};

/* sched_heap.c */
extern const struct sched_ops sched_heap_ops;
/* sched_cal.c */
extern const struct sched_ops sched_cal_ops;

/* sim.c: the scheduler called `name`, or NULL; NULL name gives the default. */
const struct sched_ops *sched_lookup(const char *name);
/* sim.c: NULL-terminated list of every scheduler, for --help and tests. */
extern const struct sched_ops *const sched_all[];

#endif /* SIM_SCHED_H */
