/*
 * realtime.c - the real-time pacer (realtime.h): waits on the wall clock
 * before each event, measures the lag, keeps its maximum and a histogram
 * for its 99th percentile, and stops the run past a bound if asked.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "emu/hostio.h"
#include "emu/realtime.h"

/*
 * The lag histogram: four buckets a power of two (lags of 0 to 3 ns have
 * their own), so a percentile read from it is within a fifth of the lag.
 */
#define RT_BUCKETS	(4 * 64)

struct realtime {
	int64_t bound;
	struct rt_clock clk;
	bool started;
	struct hostio *io;	/* NULL: no input from outside */
	int64_t wall0;		/* the wall clock at the first call ... */
	sim_time_t vt0;		/* ... and the virtual time then */
	struct rt_stats st;
	int64_t io_last;	/* the wall clock when input was last looked for */
	uint64_t hist[RT_BUCKETS];
};

/* A run that does not wait still looks for input this often (1 ms). */
#define RT_IO_EVERY	1000000

static int64_t
mono_now(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int
mono_sleep_until(void *ctx, int64_t t)
{
	struct timespec ts = { (time_t)(t / 1000000000LL), (long)(t % 1000000000LL) };

	(void)ctx;
	/* A signal ends the wait early (EINTR): the pacer looks at the clock again. */
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	return 0;
}

static int
io_sleep_until(void *ctx, int64_t t)
{
	return hostio_wait(ctx, t);
}

static unsigned
bucket_of(int64_t lag)
{
	unsigned b;

	if (lag < 4)
		return lag < 0 ? 0 : (unsigned)lag;
	b = 63 - (unsigned)__builtin_clzll((unsigned long long)lag);	/* lag in [2^b, 2^(b+1)) */
	return 4 * (b - 1) + (unsigned)((lag >> (b - 2)) & 3);
}

/* The largest lag bucket `i` holds. */
static int64_t
bucket_top(unsigned i)
{
	unsigned b, q;

	if (i < 4)
		return (int64_t)i;
	b = i / 4 + 1;
	q = i % 4;
	if (b >= 62)
		return INT64_MAX;
	return ((int64_t)(4 + q + 1) << (b - 2)) - 1;
}

static int
pace(struct sim *sim, void *ctx, sim_time_t next)
{
	struct realtime *rt = ctx;
	int64_t target, t, lag;

	if (!rt->started) {
		rt->started = true;
		rt->wall0 = rt->clk.now(rt->clk.ctx);
		rt->vt0 = sim_now(sim);
	}
	target = rt->wall0 + (next - rt->vt0);
	t = rt->clk.now(rt->clk.ctx);
	while (t < target) {
		/* A signal or a wall-clock limit: let sim_run() see it. */
		if (sim_interrupted())
			return 0;
		/* Input scheduled before `next`: the engine runs it first. */
		if (rt->clk.sleep_until(rt->clk.ctx, target) > 0 && sim_next_time(sim) < next)
			return 0;
		t = rt->clk.now(rt->clk.ctx);
		rt->io_last = t;
	}
	/* Behind: no wait, but input is still looked for now and then. */
	if (rt->io && t - rt->io_last >= RT_IO_EVERY) {
		rt->io_last = t;
		if (rt->clk.sleep_until(rt->clk.ctx, 0) > 0 && sim_next_time(sim) < next)
			return 0;
	}
	lag = t - target;
	rt->st.waits++;
	rt->st.late += lag >= RT_LATE_NS;
	if (lag > rt->st.lag_max)
		rt->st.lag_max = lag;
	rt->hist[bucket_of(lag)]++;
	if (rt->bound > 0 && lag > rt->bound) {
		rt->st.stopped = true;
		rt->st.stop_at = next;
		rt->st.stop_lag = lag;
		return -1;
	}
	return 0;
}

struct realtime *
rt_new(int64_t bound, const struct rt_clock *clk)
{
	struct realtime *rt = g_new0(struct realtime, 1);

	rt->bound = bound;
	if (clk) {
		rt->clk = *clk;
	} else {
		rt->clk.now = mono_now;
		rt->clk.sleep_until = mono_sleep_until;
	}
	return rt;
}

void
rt_attach(struct realtime *rt, struct sim *sim)
{
	sim_set_pacer(sim, pace, rt);
}

void
rt_set_io(struct realtime *rt, struct hostio *io)
{
	rt->io = io;
	rt->clk.now = mono_now;
	rt->clk.sleep_until = io ? io_sleep_until : mono_sleep_until;
	rt->clk.ctx = io;	/* mono_now needs none */
}

sim_time_t
rt_now(const struct realtime *rt, const struct sim *sim)
{
	sim_time_t v;

	if (!rt->started)
		return sim_now(sim);
	v = rt->vt0 + (rt->clk.now(rt->clk.ctx) - rt->wall0);
	return v > sim_now(sim) ? v : sim_now(sim);
}

void
rt_stats(const struct realtime *rt, struct rt_stats *out)
{
	uint64_t need, seen = 0;

	*out = rt->st;
	out->lag_p99 = 0;
	if (!rt->st.waits)
		return;
	/* The smallest bucket below which 99 % of the lags lie (nearest rank). */
	need = (rt->st.waits * 99 + 99) / 100;
	for (unsigned i = 0; i < RT_BUCKETS; i++) {
		seen += rt->hist[i];
		if (seen >= need) {
			out->lag_p99 = bucket_top(i) < rt->st.lag_max ? bucket_top(i) : rt->st.lag_max;
			return;
		}
	}
	out->lag_p99 = rt->st.lag_max;
}

void
rt_free(struct realtime *rt)
{
	g_free(rt);
}
