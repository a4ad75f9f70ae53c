/*
 * bench_internet.c - the RAEs at Internet scale (speed and memory): a
 * tiered AS graph of `ases` ASes (seed 1, the generator's
 * default tiers), one RAE per AS and one prefix each, placed by
 * <deploy approach="none"> (doc/deploy.md), valley-free policy routing
 * from the graph's relationships, MRAI 1 s, no capture.  The scenario is
 * written to a temporary file and loaded as `cometsim run` loads it.
 *
 * Convergence is watched in virtual time, once a second (a watcher,
 * which changes nothing): the run is converged at the first check where
 *   - every session of every RAE is established,
 *   - no RAE has a destination queued for a peer nor a drain timer armed
 *     (nothing waits for the MRAI),
 *   - and no RAE received an update or a withdrawal during the last two
 *     seconds (what was in flight has arrived: the links' delays are
 *     milliseconds);
 * the run then stops (the next poll, every 1024 events).  It reports:
 *   sim_s       virtual time from the RAEs' start (0) to the last change
 *               of a preferred path in any RAE
 *   wall_s      wall time of the run until it stopped (setup_s: writing
 *               and loading the scenario, building the network); cpu_s,
 *               last, the CPU time of the run, which the other jobs of a
 *               shared machine change less
 *   updates     Update messages received by all the RAEs together
 *   prefixes_in prefixes those updates carried
 *   paths       paths in every RIB together at the end (rib_paths)
 *   events      events run
 *   peak_rss_kb the process's peak memory (each case runs in a child)
 *   valley_free yes if every preferred path of every RAE is valley-free
 *               for the relationships the RAEs were configured with,
 *               checked here, in the process, from the RIBs (the
 *               independent model, tests/rae/policy_check, checks the
 *               same on 80 ASes in tests/scenarios/deploy.sh)
 * Targets: 1 000 ASes in under 30 s wall; 10 000 in under
 * 15 minutes and 16 GB.  doc/scale.md has the figures.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "entities/rae/rae_int.h"
#include "entities/registry.h"
#include "scenario/scenario.h"
#include "sim/entity.h"
#include "sim/net.h"
#include "sim/pkt.h"
#include "tests/bench/bench.h"

#define QUIET_CHECKS	2	/* seconds without an update received */
#define MAX_END		"3600s"	/* virtual time: not converged by then is a failure */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* CPU time of the process so far (user and system), in seconds. */
static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

struct inet_watch {
	struct net *net;
	unsigned want;		/* RAEs: one per AS */
	GPtrArray *raes;	/* struct rae*, in the order of the nodes */
	uint64_t last_in;	/* updates and withdrawals received, at the last check */
	unsigned quiet;		/* consecutive checks without any */
	int done;
	double wall;
	double cpu;		/* CPU time when it did */
};

/* The running RAEs, in the order of the nodes (they are made when they start). */
static void
inet_collect(struct inet_watch *w)
{
	struct net *net = w->net;

	g_ptr_array_set_size(w->raes, 0);
	for (unsigned i = 0; i < net->nnodes; i++) {
		struct node *n = net->nodes[i];

		for (guint k = 0; n->entities && k < n->entities->len; k++) {
			struct entity *e = g_ptr_array_index(n->entities, k);

			if (e->cls == &rae_class && e->running && ((struct rae *)e)->rib_ready)
				g_ptr_array_add(w->raes, e);
		}
	}
}

/* Updates and withdrawals received by every RAE, and whether anything waits to go out. */
static uint64_t
inet_state(struct inet_watch *w, bool *busy)
{
	uint64_t in = 0;

	inet_collect(w);
	*busy = w->raes->len != w->want;
	for (guint i = 0; i < w->raes->len; i++) {
		const struct rae *r = g_ptr_array_index(w->raes, i);

		for (unsigned k = 0; k < r->cfg->npeers; k++) {
			const struct rae_peer *p = &r->peers[k];

			in += p->msgs_in[RAE_MSG_UPDATE] + p->msgs_in[RAE_MSG_WITHDRAW];
			if (p->state != PS_ESTABLISHED || p->fresh->len || p->deferred->len ||
			    sim_timer_armed(&p->t_drain))
				*busy = true;
		}
	}
	return in;
}

static sim_time_t
inet_check(struct sim *sim, void *ctx, sim_time_t at)
{
	struct inet_watch *w = ctx;
	bool busy;
	uint64_t in = inet_state(w, &busy);

	(void)sim;
	if (busy || in != w->last_in)
		w->quiet = 0;
	else
		w->quiet++;
	w->last_in = in;
	if (w->quiet >= QUIET_CHECKS) {
		w->done = 1;
		return SIM_TIME_NEVER;
	}
	return at + SIM_S;
}

static void
inet_poll(struct sim *sim, void *ctx)
{
	struct inet_watch *w = ctx;

	if (w->done && !w->wall) {
		w->wall = now_s();
		w->cpu = cpu_s();
		sim_stop(sim);
	}
}

/* ---- valley-freeness, from the RAEs' configurations and RIBs ---- */

/* The relationship of AS `to` to AS `from` (a neighbour), or -1 if they are not neighbours. */
static int
rel_of(GHashTable *byas, uint32_t from, uint32_t to)
{
	const struct rae *r = g_hash_table_lookup(byas, GUINT_TO_POINTER(from));

	if (!r)
		return -1;
	for (unsigned k = 0; k < r->cfg->npeers; k++)
		if (r->cfg->peers[k].asn == to)
			return (int)r->cfg->peers[k].rel;
	return -1;
}

/*
 * Whether the path from the RAE's AS through asp is valley-free: zero or
 * more hops up to a provider, at most one to a peer, then only down to
 * customers; every hop between neighbours.
 */
static bool
path_valley_free(GHashTable *byas, uint32_t local, const struct rae_aspath *asp)
{
	uint32_t from = local;
	bool down = false;

	for (; asp; asp = asp->rest) {
		int rel = rel_of(byas, from, asp->asn);

		if (rel < 0)
			return false;
		if (rel == RAE_REL_PROVIDER) {
			if (down)
				return false;
		} else if (rel == RAE_REL_PEER) {
			if (down)
				return false;
			down = true;
		} else {
			down = true;
		}
		from = asp->asn;
	}
	return true;
}

static bool
all_valley_free(GPtrArray *raes)
{
	GHashTable *byas = g_hash_table_new(g_direct_hash, g_direct_equal);
	bool ok = true;

	for (guint i = 0; i < raes->len; i++) {
		struct rae *r = g_ptr_array_index(raes, i);

		g_hash_table_insert(byas, GUINT_TO_POINTER(r->cfg->local_as), r);
	}
	for (guint i = 0; i < raes->len && ok; i++) {
		const struct rae *r = g_ptr_array_index(raes, i);

		for (size_t s = 0; s < r->rib.nslot && ok; s++) {
			const struct rae_dest *d = r->rib.slot[s];

			if (!d)
				continue;
			for (const struct rae_path *p = d->paths; p && ok; p = p->next)
				if (p->pref && !path_valley_free(byas, r->cfg->local_as,
								 rae_path_aspath(p)))
					ok = false;
		}
	}
	g_hash_table_destroy(byas);
	return ok;
}

void
bench_internet(unsigned ases, const char *pace)
{
	char path[] = "/tmp/bench-internet-XXXXXX";
	struct scenario *scn;
	struct sim *sim;
	struct net *net;
	struct inet_watch w;
	struct rusage ru;
	sim_time_t last = 0;
	uint64_t updates = 0, pfx_in = 0, paths = 0;
	double t0, t1, c1;
	bool vf;
	FILE *f;
	int fd;

	t0 = now_s();
	fd = mkstemp(path);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		fprintf(stderr, "bench: cannot write %s\n", path);
		exit(1);
	}
	fprintf(f, "<scenario name=\"rae_internet\">\n"
		"  <topology generate=\"tiered\" nodes=\"%u\" seed=\"1\"/>\n"
		"  <run end_time=\"%s\" pcap=\"none\"/>\n"
		"  <deploy approach=\"none\" mrai=\"1\"%s%s%s/>\n"
		"</scenario>\n", ases, MAX_END, pace ? " pace=\"" : "", pace ? pace : "",
		pace ? "\"" : "");
	fclose(f);
	/* The file is read while the scenario loads; a failure exits, leaving it in /tmp. */
	scn = bench_load(path, NULL, 0, &sim, &net);
	unlink(path);
	memset(&w, 0, sizeof(w));
	w.net = net;
	w.want = ases;
	w.raes = g_ptr_array_new();
	sim_set_watch(sim, SIM_S, inet_check, &w);
	sim_set_poll(sim, 1024, inet_poll, &w);
	t1 = now_s();
	c1 = cpu_s();
	sim_run(sim, scenario_run_opts(scn)->end_time);
	if (!w.wall) {
		w.wall = now_s();
		w.cpu = cpu_s();
	}
	getrusage(RUSAGE_SELF, &ru);
	inet_collect(&w);
	vf = all_valley_free(w.raes);
	for (guint i = 0; i < w.raes->len; i++) {
		const struct rae *r = g_ptr_array_index(w.raes, i);

		for (unsigned k = 0; k < r->cfg->npeers; k++) {
			updates += r->peers[k].msgs_in[RAE_MSG_UPDATE];
			pfx_in += r->peers[k].pfx_in;
		}
		paths += r->rib.npaths;
		if (r->last_change != RAE_NEVER && r->last_change > last)
			last = r->last_change;
	}
	printf("bench=rae_internet ases=%u%s%s converged=%s sim_s=%.6f wall_s=%.3f setup_s=%.3f "
	       "updates=%" PRIu64 " prefixes_in=%" PRIu64 " paths=%" PRIu64 " events=%" PRIu64
	       " peak_rss_kb=%ld valley_free=%s cpu_s=%.3f\n", ases, pace ? " pace=" : "",
	       pace ? pace : "", w.done ? "yes" : "no",
	       (double)last / 1e9, w.wall - t1, t1 - t0, updates, pfx_in, paths,
	       sim_events_run(sim), ru.ru_maxrss, vf ? "yes" : "no", w.cpu - c1);
	fflush(stdout);
	if (!w.done || w.raes->len != ases || !vf)
		exit(1);
	g_ptr_array_free(w.raes, TRUE);
	net_stop_entities(net);
	net_destroy(net);
	sim_destroy(sim);
	scenario_free(scn);
	pkt_pool_drain();
}
