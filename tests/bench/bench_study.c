/*
 * bench_study.c - the study (scenarios/study/study.xml, doc/study.md) as
 * a benchmark: one approach on a generated tiered graph of `ases` ASes
 * with about `requests` requests, loaded as `cometsim run` loads it
 * (pcap none, log warn) and run to its end.  The load: the requests are
 * spread over the study's 60 s of requests and its stub domains' clients
 * (ases - 5 - ases / 10 of them with the tiered generator's defaults), so
 * each client asks at requests / (clients x 60) a second.  One line:
 *
 *   bench=study approach=decoupled ases=1000 requests=... complete=...
 *       sim_s=150 wall_s=... setup_s=... events=... peak_rss_kb=...
 *
 * requests: the clients' instances (one a request); complete: those the
 * client counted complete.  Each approach runs in its own child process
 * (bench.c), so its peak memory is its own.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "entities/registry.h"
#include "scenario/scenario.h"
#include "sim/entity.h"
#include "sim/net.h"
#include "sim/pkt.h"
#include "tests/bench/bench.h"

#define STUDY_DURATION_S	60	/* study.xml's duration */

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct sum {
	const char *name;
	uint64_t value;
};

static void
sum_cb(void *ctx, const char *name, uint64_t value)
{
	struct sum *s = ctx;

	if (strcmp(name, s->name) == 0)
		s->value += value;
}

/* The entities of kind `kind`: how many, and the sum of their statistic `name`. */
static uint64_t
kind_sum(struct net *net, const char *kind, const char *name, uint64_t *count)
{
	struct sum s = { name, 0 };

	for (unsigned i = 0; i < net->nnodes; i++) {
		GPtrArray *v = net->nodes[i]->entities;

		for (guint k = 0; v && k < v->len; k++) {
			struct entity *e = g_ptr_array_index(v, k);

			if (strcmp(e->cls->kind, kind) != 0)
				continue;
			(*count)++;
			if (e->cls->stats)
				e->cls->stats(e, sum_cb, &s);
		}
	}
	return s.value;
}

void
bench_study(const char *approach, unsigned ases, uint64_t requests)
{
	char ases_s[32], rate_s[64];
	struct scn_override ov[6] = {
		{ "ases", ases_s, NULL },
		{ "rate", rate_s, NULL },
		{ "deploy.approach", approach, NULL },
		{ "pcap", "none", NULL },
		{ "log", "warn", NULL },
		{ "timeseries", "none", NULL },
	};
	unsigned clients = ases - 5 - ases / 10;
	struct scenario *scn;
	struct sim *sim;
	struct net *net;
	struct rusage ru;
	uint64_t n = 0, complete;
	double t0, t1, t2;

	snprintf(ases_s, sizeof(ases_s), "%u", ases);
	snprintf(rate_s, sizeof(rate_s), "%.9f",
		 (double)requests / ((double)clients * STUDY_DURATION_S));
	t0 = now_s();
	scn = bench_load(COMETSIM_SRCDIR "/scenarios/study/study.xml", ov, 6, &sim, &net);
	t1 = now_s();
	sim_run(sim, scenario_run_opts(scn)->end_time);
	t2 = now_s();
	if (strcmp(approach, "coupled") == 0)
		complete = kind_sum(net, "cclient", "complete", &n);
	else
		complete = kind_sum(net, "cme_client", "complete", &n);
	getrusage(RUSAGE_SELF, &ru);
	printf("bench=study approach=%s ases=%u requests=%" PRIu64 " complete=%" PRIu64
	       " sim_s=%.0f wall_s=%.3f setup_s=%.3f events=%" PRIu64 " peak_rss_kb=%ld\n",
	       approach, ases, n, complete, (double)sim_now(sim) / 1e9, t2 - t1, t1 - t0,
	       sim_events_run(sim), ru.ru_maxrss);
	fflush(stdout);
	net_stop_entities(net);
	net_destroy(net);
	sim_destroy(sim);
	scenario_free(scn);
	pkt_pool_drain();
}
