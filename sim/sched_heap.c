/*
 * sched_heap.c - the "heap" scheduler: a 4-ary implicit heap.
 *
 * Each heap slot holds the ordering key (time, actor, key) next to the event
 * pointer, so sifting compares slots without touching the events; the
 * only write to an event is its position, ev->s.heap_idx, kept up to date
 * on every move so that remove() finds the event in O(1) and takes it out
 * in O(log n).  Sifts move a hole and write the moving slot once.
 *
 * Layout: the root sits at index ROOT (3) and the children of slot p are
 * 4p - 8 .. 4p - 5, so every group of four siblings starts at a multiple
 * of four slots; with a 64-byte aligned array a group never straddles
 * more cache lines than it must.  The array grows by doubling.
 *
 * Order is sim_event_cmp() of sim.h: time, then actor, then key.
 */
#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/mman.h>

#include "sim/sched.h"
#include "sim/sim.h"

#define ROOT		3u		/* index of the root slot */
#define HEAP_MIN	64u		/* initial capacity, in slots (ROOT included) */
#define HEAP_MAX	(1u << 30)	/* most slots: 4p - 8 must fit 32 bits */
#define HEAP_HUGE	(2u << 20)	/* arrays this large ask for huge pages */

struct heap_slot {
	sim_time_t time;
	uint64_t seq;
	struct sim_event *ev;
	uint32_t actor;
};

struct sched {
	struct heap_slot *a;	/* slots ROOT .. end-1 are in use */
	uint32_t end;		/* one past the last used slot */
	uint32_t cap;		/* slots allocated */
};

static inline uint32_t
heap_parent(uint32_t p)
{
	return p / 4 + 2;
}

static inline uint32_t
heap_child(uint32_t p)
{
	return 4 * p - 8;
}

/* Whether slot a runs before slot b: (time, actor, seq), sim_event_cmp(). */
static inline int
heap_less(const struct heap_slot *a, const struct heap_slot *b)
{
	if (a->time != b->time)
		return a->time < b->time;
	if (a->actor != b->actor)
		return a->actor < b->actor;
	return a->seq < b->seq;
}

static inline void
heap_put(struct sched *h, uint32_t p, const struct heap_slot *x)
{
	h->a[p] = *x;
	x->ev->s.heap_idx = p;
}

/* An array of n slots, aligned to a cache line; large ones get huge pages. */
static struct heap_slot *
heap_alloc(size_t n)
{
	size_t bytes = n * sizeof(struct heap_slot);
	struct heap_slot *a;

	if (bytes < HEAP_HUGE)
		return aligned_alloc(64, bytes);
	bytes = (bytes + HEAP_HUGE - 1) & ~((size_t)HEAP_HUGE - 1);
	a = aligned_alloc(HEAP_HUGE, bytes);
	if (a)
		madvise(a, bytes, MADV_HUGEPAGE);
	return a;
}

static void
heap_grow(struct sched *h)
{
	size_t ncap = (size_t)h->cap * 2;
	struct heap_slot *na;

	if (ncap > HEAP_MAX) {
		fprintf(stderr, "cometsim: heap scheduler: too many events\n");
		abort();
	}
	na = heap_alloc(ncap);
	if (!na) {
		fprintf(stderr, "cometsim: heap scheduler: out of memory\n");
		abort();
	}
	memcpy(na, h->a, (size_t)h->end * sizeof(*na));
	free(h->a);
	h->a = na;
	h->cap = (uint32_t)ncap;
}

/* Move the hole at p towards the root until x fits there; place x. */
static inline void
heap_sift_up(struct sched *h, uint32_t p, const struct heap_slot *x)
{
	struct heap_slot *a = h->a;

	while (p > ROOT) {
		uint32_t q = heap_parent(p);

		if (!heap_less(x, &a[q]))
			break;
		a[p] = a[q];
		a[p].ev->s.heap_idx = p;
		p = q;
	}
	heap_put(h, p, x);
}

/*
 * Move the hole at p towards the leaves until x fits there; place x.
 * `end` is one past the last slot still in the heap.
 */
static inline void
heap_sift_down(struct sched *h, uint32_t p, const struct heap_slot *x,
	       uint32_t end)
{
	struct heap_slot *a = h->a;

	for (;;) {
		uint32_t c = heap_child(p), m;

		if (c + 3 < end) {
			uint32_t m1, m2;

			/*
			 * The 16 grandchildren sit in a row: start fetching
			 * them while this group is compared.
			 */
			if (heap_child(c) < end) {
				const char *g = (const char *)&a[heap_child(c)];

				for (size_t k = 0; k < 16 * sizeof(*a); k += 64)
					__builtin_prefetch(g + k);
			}
			/* A full group, picked without early exits. */
			m1 = c + heap_less(&a[c + 1], &a[c]);
			m2 = c + 2 + heap_less(&a[c + 3], &a[c + 2]);
			m = heap_less(&a[m2], &a[m1]) ? m2 : m1;
		} else {
			if (c >= end)
				break;
			m = c;
			for (uint32_t i = c + 1; i < end; i++)
				if (heap_less(&a[i], &a[m]))
					m = i;
		}
		if (!heap_less(&a[m], x))
			break;
		a[p] = a[m];
		a[p].ev->s.heap_idx = p;
		p = m;
	}
	heap_put(h, p, x);
}

static struct sched *
heap_create(void)
{
	struct sched *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->a = heap_alloc(HEAP_MIN);
	if (!h->a) {
		free(h);
		return NULL;
	}
	h->cap = HEAP_MIN;
	h->end = ROOT;
	return h;
}

static void
heap_destroy(struct sched *h)
{
	if (!h)
		return;
	free(h->a);
	free(h);
}

static void
heap_insert(struct sched *h, struct sim_event *ev)
{
	struct heap_slot x = { ev->time, ev->seq, ev, ev->actor };

	if (h->end == h->cap)
		heap_grow(h);
	heap_sift_up(h, h->end++, &x);
}

static struct sim_event *
heap_peek(struct sched *h)
{
	return h->end > ROOT ? h->a[ROOT].ev : NULL;
}

static struct sim_event *
heap_pop(struct sched *h)
{
	struct sim_event *ev;
	uint32_t last;

	if (h->end == ROOT)
		return NULL;
	ev = h->a[ROOT].ev;
	last = --h->end;
	if (last > ROOT) {
		struct heap_slot x = h->a[last];

		heap_sift_down(h, ROOT, &x, last);
		/* The caller reads the next event soon; it may span two lines. */
		__builtin_prefetch(h->a[ROOT].ev);
		__builtin_prefetch((const char *)(h->a[ROOT].ev + 1) - 1);
	}
	return ev;
}

static void
heap_remove(struct sched *h, struct sim_event *ev)
{
	uint32_t p = ev->s.heap_idx, last;
	struct heap_slot x;

	assert(p >= ROOT && p < h->end && h->a[p].ev == ev);
	last = --h->end;
	if (p == last)
		return;
	x = h->a[last];
	if (p > ROOT && heap_less(&x, &h->a[heap_parent(p)]))
		heap_sift_up(h, p, &x);
	else
		heap_sift_down(h, p, &x, last);
}

static size_t
heap_size(const struct sched *h)
{
	return h->end - ROOT;
}

/* The "heap" scheduler of sched.h. */
const struct sched_ops sched_heap_ops = {
	.name	 = "heap",
	.create	 = heap_create,
	.destroy = heap_destroy,
	.insert	 = heap_insert,
	.pop	 = heap_pop,
	.peek	 = heap_peek,
	.remove	 = heap_remove,
	.size	 = heap_size,
};
