/*
 * sched.cc - the peer's half of the scheduler benchmark: the hold model of
 * tests/bench/bench_sched.c written against ns-3.
 *
 *   sched IMPL Q EVENTS [MAX_WALL]
 *
 * IMPL is one of ns-3's schedulers: map (its default), heap, calendar,
 * priority-queue or list.  Q events are put in the queue at exponential
 * delays of mean 1 ms; each one that runs draws a new exponential delay
 * and schedules one more, so the population stays at Q.  The run stops
 * after EVENTS events, or once MAX_WALL seconds of wall time have passed
 * (looked at every 4 096 events; 0 or absent: no limit), since some of
 * ns-3's schedulers are very slow on some populations.  As in our benchmark only the run is timed, not
 * the initial fill, and the time includes drawing the delays (here from
 * ns-3's own random stream).  One line is printed, with the keys of our
 * bench=scheduler line and peer=ns-VERSION:
 *
 *   bench=scheduler peer=ns-3.37 impl=map q=1000 events=20000000 wall_s=2.6
 *       events_per_s=7700000 peak_rss_kb=12345
 *
 * (on one line); peak_rss_kb is the process's high-water mark.  A run
 * stopped by MAX_WALL has fewer events than asked and ends its line with
 * stopped=max_wall; its events_per_s is the rate over the events it ran.
 * tests/bench/peer/run.sh builds and runs it.
 */
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include <sys/resource.h>

#include "ns3/core-module.h"

using namespace ns3;

#ifndef PEER_VERSION
#define PEER_VERSION	"unknown"	/* run.sh passes pkg-config's version */
#endif

static const double HOLD_MEAN_NS = 1e6;	/* mean delay: 1 ms */

static Ptr<ExponentialRandomVariable> hold_rv;
static uint64_t hold_left;	/* events still to run */
static double hold_deadline;	/* wall time at which to stop; 0: none */
static int hold_stopped;	/* the deadline stopped the run */

static double now_s(void);

static void
hold_event(void)
{
	/* Like sim_set_event_limit: the run ends once EVENTS have run. */
	if (--hold_left == 0) {
		Simulator::Stop();
		return;
	}
	if ((hold_left & 0xfff) == 0 && hold_deadline > 0 && now_s() >= hold_deadline) {
		hold_stopped = 1;
		Simulator::Stop();
		return;
	}
	Simulator::Schedule(NanoSeconds((int64_t)hold_rv->GetValue()), &hold_event);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *
sched_type(const char *impl)
{
	static const struct {
		const char *name, *type;
	} impls[] = {
		{ "map", "ns3::MapScheduler" },
		{ "heap", "ns3::HeapScheduler" },
		{ "calendar", "ns3::CalendarScheduler" },
		{ "priority-queue", "ns3::PriorityQueueScheduler" },
		{ "list", "ns3::ListScheduler" },
	};

	for (size_t i = 0; i < sizeof(impls) / sizeof(impls[0]); i++)
		if (strcmp(impls[i].name, impl) == 0)
			return impls[i].type;
	return NULL;
}

static int
parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 10);
	return s[0] >= '0' && s[0] <= '9' && *end == '\0' && errno == 0 && *v > 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct rusage ru;
	const char *type;
	uint64_t q, events, ran;
	double t0, wall, max_wall = 0;
	char *end;

	if (argc == 5) {
		errno = 0;
		max_wall = strtod(argv[4], &end);
		if (end == argv[4] || *end != '\0' || errno != 0 || !(max_wall >= 0))
			argc = 0;	/* bad usage */
	}
	if ((argc != 4 && argc != 5) || !(type = sched_type(argv[1])) || parse_u64(argv[2], &q) ||
	    parse_u64(argv[3], &events)) {
		fprintf(stderr, "usage: sched map|heap|calendar|priority-queue|list Q EVENTS "
			"[MAX_WALL]\n  (Q and EVENTS positive integers, MAX_WALL seconds)\n");
		return 2;
	}

	Simulator::SetScheduler(ObjectFactory(type));
	hold_rv = CreateObject<ExponentialRandomVariable>();
	hold_rv->SetAttribute("Mean", DoubleValue(HOLD_MEAN_NS));
	hold_rv->SetStream(1);
	for (uint64_t i = 0; i < q; i++)
		Simulator::Schedule(NanoSeconds((int64_t)hold_rv->GetValue()), &hold_event);
	hold_left = events;

	t0 = now_s();
	if (max_wall > 0)
		hold_deadline = t0 + max_wall;
	Simulator::Run();
	wall = now_s() - t0;

	ran = Simulator::GetEventCount();
	getrusage(RUSAGE_SELF, &ru);
	printf("bench=scheduler peer=ns-" PEER_VERSION " impl=%s q=%" PRIu64 " events=%" PRIu64
	       " wall_s=%.3f events_per_s=%.0f peak_rss_kb=%ld%s\n", argv[1], q, ran, wall,
	       wall > 0 ? (double)ran / wall : 0.0, ru.ru_maxrss,
	       hold_stopped ? " stopped=max_wall" : "");
	fflush(stdout);
	Simulator::Destroy();
	return 0;
}
