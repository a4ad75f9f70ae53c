/*
 * sched_cal.c - the "calendar" scheduler: a calendar queue.
 *
 * R. Brown, "Calendar queues: a fast O(1) priority queue implementation
 * for the simulation event set problem", CACM 31(10), 1988.
 *
 * Time is cut into buckets of `width` ns (a power of two); bucket i holds
 * the events whose time t has (t / width) % nb == i, whatever their
 * "year" (one year is nb * width).  Each bucket is a list sorted by
 * sim_event_cmp() (time, then actor, then key), doubly linked through
 * ev->s.l, so removing an event is O(1).  The
 * dequeue position (cur, cur_start) walks the buckets in time order; the
 * head of bucket cur is next when its time lies below cur_start + width.
 *
 * Departures from the paper, for skewed event sets:
 *  - after one whole year without a hit, the first event is found by a
 *    direct search over the bucket heads and the position jumps to it;
 *  - an insert that is not an append walks the bucket from both ends at
 *    once, so neither a crowd of equal times nor a tail of far-future
 *    events costs more than the shorter side;
 *  - the bucket count doubles or halves to stay within 2 to 8 buckets
 *    per event, and the width is then re-estimated from the events next
 *    to the head (mean gap, outliers left out; a crowd at one time is
 *    kept out of its neighbours' bucket); when operations take too many
 *    steps on average, the width is re-estimated in place.
 *
 * Memory latency, not the algorithm, sets the speed of a large calendar:
 * an insert lands in a random bucket and reads its tail, and the events
 * popped next were written long ago.  So once the bucket array outgrows
 * the caches:
 *  - a new event waits in a small stage before it is linked: its bucket
 *    is prefetched on entry and the bucket's ends halfway through, so
 *    the link itself hits the cache.  Peek, pop and remove look at the
 *    stage too (a staged event has s.l.next == CAL_STAGED(c));
 *  - every search prefetches the heads of the next CAL_AHEAD buckets,
 *    and the successors of the heads halfway there.
 *
 * A found first event is cached, so sim_run()'s peek-then-pop searches
 * once.  The prev pointer of a bucket's head is never read, so popping a
 * head does not write to the next event.
 */
#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/mman.h>

#include "sim/sched.h"
#include "sim/sim.h"

#define CAL_MIN_BUCKETS	16u		/* never fewer buckets than this */
#define CAL_INIT_SHIFT	10		/* initial width: 1024 ns */
#define CAL_MAX_SHIFT	56		/* widest bucket: 2^56 ns */
#define CAL_SAMPLE	32		/* events sampled to estimate the width */
#define CAL_COST_MAX	6		/* mean steps per operation before a re-estimate */
#define CAL_HUGE	(2u << 20)	/* arrays this large ask for huge pages */
#define CAL_BIG		(256u << 10)	/* bucket arrays this large stage and prefetch */
#define CAL_STAGE	8		/* events staged before they are linked */
#define CAL_AHEAD	8		/* buckets prefetched ahead of the dequeue */

struct cal_bucket {
	struct sim_event *head;		/* earliest; its prev is never read */
	struct sim_event *tail;		/* latest; its next is NULL */
};

struct sched {
	struct cal_bucket *b;
	size_t bytes;			/* size of the allocation of b */
	uint32_t nb;			/* number of buckets, a power of two */
	uint32_t mask;			/* nb - 1 */
	unsigned shift;			/* log2 of the bucket width */
	uint32_t cur;			/* bucket of the dequeue position */
	uint64_t cur_start;		/* key where bucket cur's window starts */
	uint64_t pf_start;		/* window of the last bucket prefetched */
	size_t n;			/* events pending, staged ones included */
	struct sim_event *min;		/* cached first event, or NULL */
	struct sim_event *stage[CAL_STAGE];	/* inserted, not linked yet */
	unsigned nstage;
	struct sim_event *stage_min;	/* first staged event; NULL: unknown */
	uint64_t ops;			/* operations since the last cost check */
	uint64_t work;			/* steps taken by those operations */
};

/* ev->s.l.next of a staged event: an address no event can have. */
#define CAL_STAGED(c)	((struct sim_event *)(void *)(c))

/*
 * Start fetching an event.  The pool does not align events to cache
 * lines, so one may span two; fetch both.
 */
static inline void
cal_prefetch(const struct sim_event *ev)
{
	__builtin_prefetch(ev);
	__builtin_prefetch((const char *)(ev + 1) - 1);
}

/* An event's time as an unsigned key with the same order. */
static inline uint64_t
cal_key(const struct sim_event *ev)
{
	return (uint64_t)ev->time ^ (1ULL << 63);
}

static inline uint32_t
cal_index(const struct sched *c, uint64_t key)
{
	return (uint32_t)(key >> c->shift) & c->mask;
}

static inline int
cal_before(const struct sim_event *a, const struct sim_event *b)
{
	return sim_event_cmp(a, b) < 0;
}

static struct cal_bucket *
cal_buckets_alloc(uint32_t nb, size_t *bytesp)
{
	size_t bytes = (size_t)nb * sizeof(struct cal_bucket);
	struct cal_bucket *b;

	if (bytes >= CAL_HUGE) {
		/* Inserts land in random buckets: fewer TLB misses matter. */
		bytes = (bytes + CAL_HUGE - 1) & ~((size_t)CAL_HUGE - 1);
		b = aligned_alloc(CAL_HUGE, bytes);
		if (b) {
			madvise(b, bytes, MADV_HUGEPAGE);
			memset(b, 0, bytes);
		}
	} else {
		b = calloc(nb, sizeof(*b));
	}
	if (!b) {
		fprintf(stderr, "cometsim: calendar scheduler: out of memory\n");
		abort();
	}
	*bytesp = bytes;
	return b;
}

/*
 * Link ev into bucket b, keeping it sorted.  Returns the number of list
 * steps taken.
 */
static inline uint64_t
cal_link(struct cal_bucket *b, struct sim_event *ev)
{
	struct sim_event *f, *r;
	uint64_t steps = 0;

	if (!b->head) {
		b->head = b->tail = ev;
		ev->s.l.next = NULL;
		return 0;
	}
	r = b->tail;
	if (!cal_before(ev, r)) {
		/* The common case, and always the case for equal times. */
		ev->s.l.prev = r;
		ev->s.l.next = NULL;
		r->s.l.next = ev;
		b->tail = ev;
		return 0;
	}
	f = b->head;
	if (cal_before(ev, f)) {
		ev->s.l.next = f;
		f->s.l.prev = ev;
		b->head = ev;
		return 1;
	}
	/* f <= ev < r: walk inwards from both ends, stop at the first gap. */
	for (;;) {
		struct sim_event *p;

		steps++;
		p = f->s.l.next;
		if (cal_before(ev, p)) {
			r = p;
			break;
		}
		f = p;
		p = r->s.l.prev;
		if (!cal_before(ev, p)) {
			f = p;
			break;
		}
		r = p;
	}
	/* f < ev < r, f->next == r */
	ev->s.l.prev = f;
	ev->s.l.next = r;
	f->s.l.next = ev;
	r->s.l.prev = ev;
	return steps + 1;
}

static inline void
cal_unlink(struct cal_bucket *b, struct sim_event *ev)
{
	if (ev == b->head) {
		b->head = ev->s.l.next;
		if (!b->head)
			b->tail = NULL;
	} else {
		ev->s.l.prev->s.l.next = ev->s.l.next;
		if (ev == b->tail)
			b->tail = ev->s.l.prev;
		else
			ev->s.l.next->s.l.prev = ev->s.l.prev;
	}
}

/*
 * Keep the CAL_SAMPLE smallest keys seen in a max-heap; with `distinct`,
 * a key already there is not added again.
 */
static void
cal_sample_push(uint64_t *h, int *np, uint64_t k, bool distinct)
{
	int n = *np, i;

	if (distinct)
		for (i = 0; i < n; i++)
			if (h[i] == k)
				return;
	if (n == CAL_SAMPLE) {
		if (k >= h[0])
			return;
		/* Replace the largest and sift it down. */
		i = 0;
		for (;;) {
			int l = 2 * i + 1, m;

			if (l >= n)
				break;
			m = (l + 1 < n && h[l + 1] > h[l]) ? l + 1 : l;
			if (h[m] <= k)
				break;
			h[i] = h[m];
			i = m;
		}
		h[i] = k;
		return;
	}
	i = n++;
	while (i > 0 && h[(i - 1) / 2] < k) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = k;
	*np = n;
}

static int
cal_u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Collect the keys of the first events (with `distinct`, the first
 * distinct keys), in order, into k[]; returns how many.  Walks the
 * calendar from the dequeue position for one year; if that finds too
 * few, scans every event instead.
 */
static int
cal_sample(const struct sched *c, uint64_t *k, bool distinct)
{
	uint64_t width = 1ULL << c->shift, start = c->cur_start;
	uint32_t i = c->cur;
	int m = 0;

	for (uint32_t step = 0; step < c->nb && m < CAL_SAMPLE; step++) {
		const struct sim_event *ev;

		for (ev = c->b[i].head; ev && m < CAL_SAMPLE; ev = ev->s.l.next) {
			uint64_t key = cal_key(ev);

			if (key - start >= width)
				break;
			if (!distinct || m == 0 || k[m - 1] != key)
				k[m++] = key;
		}
		i = (i + 1) & c->mask;
		start += width;
	}
	if (m == CAL_SAMPLE || (!distinct && (size_t)m == c->n))
		return m;

	m = 0;
	for (i = 0; i < c->nb; i++)
		for (const struct sim_event *ev = c->b[i].head; ev;
		    ev = ev->s.l.next)
			cal_sample_push(k, &m, cal_key(ev), distinct);
	qsort(k, (size_t)m, sizeof(*k), cal_u64_cmp);
	return m;
}

/*
 * The bucket width, as a shift, for the current events:
 *  1. sample the first CAL_SAMPLE events;
 *  2. if their times differ, take the mean gap between them, gaps over
 *     twice the mean left out (Brown, section 4);
 *  3. if they are one crowd at a single time, no width splits it, but
 *     times next to it must not share its bucket, or every insert there
 *     walks the crowd: take the smallest gap between the first distinct
 *     times;
 *  4. the width is the largest power of two not above that gap: most
 *     buckets then hold one event or none, and each extra one costs a
 *     cache miss.
 * Keeps the old width when there are fewer than two distinct times.
 */
static unsigned
cal_estimate_shift(const struct sched *c)
{
	uint64_t k[CAL_SAMPLE], span, cnt = 0, gap;
	unsigned __int128 sum = 0;
	unsigned shift;
	int m;

	m = cal_sample(c, k, false);
	if (m < 2)
		return c->shift;
	span = k[m - 1] - k[0];
	if (span > 0) {
		for (int i = 1; i < m; i++) {
			uint64_t d = k[i] - k[i - 1];

			/* d <= 2 * span / (m - 1), written without overflow */
			if (d / 2 <= span / (uint64_t)(m - 1)) {
				sum += d;
				cnt++;
			}
		}
		gap = (cnt && sum) ? (uint64_t)(sum / cnt) :
		    span / (uint64_t)(m - 1);
	} else {
		m = cal_sample(c, k, true);
		if (m < 2)
			return c->shift;
		gap = UINT64_MAX;
		for (int i = 1; i < m; i++)
			if (k[i] - k[i - 1] < gap)
				gap = k[i] - k[i - 1];
	}
	for (shift = 0; shift < CAL_MAX_SHIFT && (gap >> (shift + 1)) != 0; shift++)
		;
	return shift;
}

/*
 * Link a staged or new event into its bucket, counting the steps.  The
 * dequeue position moves back if the event lies before it: only linked
 * events count there, so this is the place, not the insert.
 */
static inline void
cal_place(struct sched *c, struct sim_event *ev)
{
	uint64_t key = cal_key(ev);
	uint32_t i = cal_index(c, key);

	if (key < c->cur_start) {
		c->cur_start = key & ~((1ULL << c->shift) - 1);
		c->cur = i;
	}
	c->work += cal_link(&c->b[i], ev);
}

/* Link the oldest staged event. */
static void
cal_stage_out(struct sched *c)
{
	struct sim_event *ev = c->stage[0];

	c->nstage--;
	memmove(&c->stage[0], &c->stage[1], c->nstage * sizeof(c->stage[0]));
	if (ev == c->stage_min)
		c->stage_min = NULL;
	cal_place(c, ev);
}

static void
cal_stage_remove(struct sched *c, struct sim_event *ev)
{
	unsigned i;

	for (i = 0; i < c->nstage && c->stage[i] != ev; i++)
		;
	assert(i < c->nstage);
	c->nstage--;
	memmove(&c->stage[i], &c->stage[i + 1],
		(c->nstage - i) * sizeof(c->stage[0]));
	if (ev == c->stage_min)
		c->stage_min = NULL;
}

static struct sim_event *
cal_stage_first(struct sched *c)
{
	if (!c->stage_min && c->nstage) {
		struct sim_event *m = c->stage[0];

		for (unsigned i = 1; i < c->nstage; i++)
			if (cal_before(c->stage[i], m))
				m = c->stage[i];
		c->stage_min = m;
	}
	return c->stage_min;
}

/*
 * Re-bucket every event into nb buckets of a re-estimated width.  The
 * stage is emptied first; the cached first event stays valid.
 */
static void
cal_resize(struct sched *c, uint32_t nb)
{
	struct cal_bucket *ob, *nbk;
	uint32_t onb, start;
	unsigned shift;
	size_t bytes;

	while (c->nstage)
		cal_stage_out(c);
	shift = cal_estimate_shift(c);
	c->ops = c->work = 0;
	if (nb == c->nb && shift == c->shift)
		return;
	ob = c->b;
	onb = c->nb;
	start = c->cur;
	nbk = cal_buckets_alloc(nb, &bytes);
	c->b = nbk;
	c->nb = nb;
	c->mask = nb - 1;
	c->shift = shift;
	/* Old lists are sorted, so most events append to their new bucket. */
	for (uint32_t j = 0; j < onb; j++) {
		struct sim_event *ev = ob[(start + j) & (onb - 1)].head, *next;

		for (; ev; ev = next) {
			next = ev->s.l.next;
			cal_link(&nbk[cal_index(c, cal_key(ev))], ev);
		}
	}
	free(ob);
	c->bytes = bytes;
	c->cur_start &= ~((1ULL << shift) - 1);
	c->cur = cal_index(c, c->cur_start);
	c->ops = c->work = 0;
}

/*
 * After an insert or a removal: resize when the population leaves
 * [nb / 8, nb / 2], or re-estimate the width when the operations since
 * the last check took too many steps on average.  The check comes every
 * nb operations, or sooner once the steps exceed what nb operations may
 * take: a bad width (direct searches of nb steps each) is then fixed
 * after O(nb) wasted steps, not O(nb^2).
 */
static inline void
cal_adjust(struct sched *c)
{
	uint64_t window = (uint64_t)c->nb + 64;

	if (c->n > c->nb / 2 && c->nb <= UINT32_MAX / 4)
		cal_resize(c, c->nb * 2);
	else if (c->n < c->nb / 8 && c->nb > CAL_MIN_BUCKETS)
		cal_resize(c, c->nb / 2);
	else if (++c->ops >= window || c->work > window * CAL_COST_MAX) {
		if (c->work > c->ops * CAL_COST_MAX)
			cal_resize(c, c->nb);
		c->ops = c->work = 0;
	}
}

static struct sched *
cal_create(void)
{
	struct sched *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->b = cal_buckets_alloc(CAL_MIN_BUCKETS, &c->bytes);
	c->nb = CAL_MIN_BUCKETS;
	c->mask = CAL_MIN_BUCKETS - 1;
	c->shift = CAL_INIT_SHIFT;
	return c;
}

static void
cal_destroy(struct sched *c)
{
	if (!c)
		return;
	free(c->b);
	free(c);
}

/*
 * A small calendar links the event at once.  A big one stages it: the
 * bucket is fetched now, the bucket's ends when the event is halfway
 * through the stage, and the link happens as it leaves.
 */
static void
cal_insert(struct sched *c, struct sim_event *ev)
{
	if (c->min && cal_before(ev, c->min))
		c->min = ev;
	c->n++;
	if (c->bytes < CAL_BIG) {
		cal_place(c, ev);
	} else {
		__builtin_prefetch(&c->b[cal_index(c, cal_key(ev))], 1);
		if (c->nstage == CAL_STAGE)
			cal_stage_out(c);
		ev->s.l.next = CAL_STAGED(c);
		c->stage[c->nstage++] = ev;
		if (c->nstage == 1 || (c->stage_min && cal_before(ev, c->stage_min)))
			c->stage_min = ev;
		if (c->nstage > CAL_STAGE / 2) {
			struct sim_event *mid = c->stage[c->nstage - 1 - CAL_STAGE / 2];
			struct cal_bucket *b = &c->b[cal_index(c, cal_key(mid))];

			if (b->tail) {
				__builtin_prefetch(b->tail, 1);
				if (b->head != b->tail)
					__builtin_prefetch(b->head, 1);
			}
		}
	}
	cal_adjust(c);
}

/*
 * The dequeue position is at the bucket whose window starts at `start`:
 * fetch the heads of the next CAL_AHEAD buckets, none skipped even when
 * the position jumps several at once, and the successors of those heads
 * halfway there, by when the heads have arrived.
 */
static inline void
cal_prefetch_ahead(struct sched *c, uint64_t start)
{
	const uint64_t width = 1ULL << c->shift;
	const uint64_t last = start + CAL_AHEAD * width;
	const struct sim_event *a;

	if (c->pf_start < start || c->pf_start > last)
		c->pf_start = start;
	while (c->pf_start < last) {
		c->pf_start += width;
		a = c->b[cal_index(c, c->pf_start)].head;
		if (a)
			cal_prefetch(a);
		a = c->b[cal_index(c, c->pf_start - CAL_AHEAD / 2 * width)].head;
		if (a && a->s.l.next)
			cal_prefetch(a->s.l.next);
	}
}

/* The first linked event; moves the dequeue position to its bucket. */
static struct sim_event *
cal_search(struct sched *c)
{
	const uint64_t width = 1ULL << c->shift;
	struct cal_bucket *b = c->b;
	uint32_t i = c->cur, mask = c->mask;
	uint64_t start = c->cur_start;
	struct sim_event *best;

	for (uint32_t step = 0; step < c->nb; step++) {
		struct sim_event *h = b[i].head;

		if (h && cal_key(h) - start < width) {
			if (c->bytes >= CAL_BIG)
				cal_prefetch_ahead(c, start);
			c->cur = i;
			c->cur_start = start;
			c->work += step;
			return h;
		}
		i = (i + 1) & mask;
		start += width;
	}

	/* A whole year was empty: the next event is far ahead. */
	best = NULL;
	for (i = 0; i < c->nb; i++)
		if (b[i].head && (!best || cal_before(b[i].head, best)))
			best = b[i].head;
	assert(best);
	c->cur_start = cal_key(best) & ~(width - 1);
	c->cur = cal_index(c, c->cur_start);
	c->work += 2 * (uint64_t)c->nb;
	return best;
}

static struct sim_event *
cal_peek(struct sched *c)
{
	struct sim_event *m = NULL, *sm;

	if (c->min || c->n == 0)
		return c->min;
	if (c->n > c->nstage)
		m = cal_search(c);
	sm = cal_stage_first(c);
	if (sm && (!m || cal_before(sm, m)))
		m = sm;
	c->min = m;
	return m;
}

static struct sim_event *
cal_pop(struct sched *c)
{
	struct sim_event *ev = cal_peek(c);

	if (!ev)
		return NULL;
	if (ev->s.l.next == CAL_STAGED(c)) {
		cal_stage_remove(c, ev);
	} else {
		struct cal_bucket *b = &c->b[cal_index(c, cal_key(ev))];

		assert(b->head == ev);
		b->head = ev->s.l.next;
		if (b->head)
			cal_prefetch(b->head);
		else
			b->tail = NULL;
	}
	c->min = NULL;
	c->n--;
	cal_adjust(c);
	return ev;
}

static void
cal_remove(struct sched *c, struct sim_event *ev)
{
	if (ev->s.l.next == CAL_STAGED(c))
		cal_stage_remove(c, ev);
	else
		cal_unlink(&c->b[cal_index(c, cal_key(ev))], ev);
	if (ev == c->min)
		c->min = NULL;
	c->n--;
	cal_adjust(c);
}

static size_t
cal_size(const struct sched *c)
{
	return c->n;
}

/* The "calendar" scheduler of sched.h. */
const struct sched_ops sched_cal_ops = {
	.name	 = "calendar",
	.create	 = cal_create,
	.destroy = cal_destroy,
	.insert	 = cal_insert,
	.pop	 = cal_pop,
	.peek	 = cal_peek,
	.remove	 = cal_remove,
	.size	 = cal_size,
};
