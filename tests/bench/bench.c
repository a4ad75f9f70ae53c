/*
 * bench.c - `make bench`: every benchmark of the engine, one line each.
 *
 *   bench [all|sched|chain|cafe|curling|rae|rae_internet|graph|script_build|study|
 *          realtime|mpi]
 *         [--quick] [prefixes=N] [ases=N] [nodes=N] [routers=N] [requests=N]
 *         [pace=SIZE] [procs=N]
 *
 * rae runs the RAE stress test with 10 000 and 1 000 000 prefixes (10 000
 * with --quick), or with N alone if prefixes=N is given.  rae_internet
 * runs the RAEs of a 1 000-AS tiered graph (200 with --quick), or of N
 * ASes if ases=N is given (10 000 is run by hand: doc/scale.md), with
 * the RAEs paced (pace=SIZE, doc/rae.md) if pace= is given.  study
 * runs both approaches of the study on 1 000 ASes (200 with --quick; or
 * ases=N) with requests=N requests (default 100 000, 2 000 with --quick);
 * it is run by name only, not by all.  realtime runs the 10-node chain in
 * real time (emu/realtime.h), one second of 64-byte datagrams at 100 000
 * to 1 600 000 a second, without and with captures, and prints the lags;
 * it is run by name only too (it takes wall-clock seconds by design).
 * mpi runs `cometsim run` alone and under mpirun -np 2 (up to procs=N, by
 * powers of two) on a 10 000-router graph (nodes=N) and the RAEs of 1 000
 * ASes (ases=N) (bench_mpi.c); by name only, in a build with
 * --enable-mpi.
 *
 * The chain runs in a child process per case, so each case's peak memory
 * is its own.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib.h>

#include "entities/registry.h"
#include "scenario/scenario.h"
#include "sim/net.h"
#include "emu/realtime.h"
#include "tests/bench/bench.h"

struct scenario *
bench_load(const char *path, const struct scn_override *ov, size_t nov, struct sim **sim,
	   struct net **net)
{
	struct scenario *scn;
	char err[2048];

	if (entities_register_all() != 0) {
		fprintf(stderr, "bench: cannot register the entity classes\n");
		exit(1);
	}
	scn = scenario_load(path, ov, nov, err, sizeof(err));
	if (!scn) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
	*sim = sim_create(NULL);
	*net = net_create(*sim, 1, 1);
	if (scenario_instantiate(scn, *net, err, sizeof(err)) != 0) {
		fprintf(stderr, "bench: %s\n", err);
		exit(1);
	}
	return scn;
}

static void
in_child(void (*fn)(void *), void *arg)
{
	pid_t pid;
	int st;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		fn(arg);
		fflush(stdout);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "bench: a case failed\n");
		exit(1);
	}
}

struct sched_case {
	const char *impl;
	size_t q;
	uint64_t events;
};

static void
run_sched(void *arg)
{
	struct sched_case *c = arg;

	bench_sched(c->impl, c->q, c->events);
}

struct chain_case {
	unsigned nodes;
	uint64_t packets;
	int pcap;
};

struct rt_case {
	uint64_t rate;
	int pcap;
};

/* One second of datagrams at the rate, in real time. */
static void
run_realtime(void *arg)
{
	const struct rt_case *c = arg;
	struct realtime *rt = rt_new(0, NULL);

	bench_chain_run(10, c->rate, c->pcap, c->rate, rt);
	rt_free(rt);
}

static void
run_chain(void *arg)
{
	struct chain_case *c = arg;

	bench_chain(c->nodes, c->packets, c->pcap);
}

static void
run_cafe(void *arg)
{
	struct chain_case *c = arg;

	bench_cafe(c->nodes, c->packets, c->pcap);
}

struct curling_case {
	unsigned clients, contents;
};

static void
run_curling(void *arg)
{
	struct curling_case *c = arg;

	bench_curling(c->clients, c->contents);
}

static void
run_rae(void *arg)
{
	bench_rae(*(uint64_t *)arg);
}

struct internet_case {
	unsigned ases;
	const char *pace;
};

static void
run_internet(void *arg)
{
	const struct internet_case *c = arg;

	bench_internet(c->ases, c->pace);
}

static void
run_graph(void *arg)
{
	bench_graph(*(unsigned *)arg);
}

struct study_case {
	const char *approach;
	unsigned ases;
	uint64_t requests;
};

static void
run_study(void *arg)
{
	struct study_case *c = arg;

	bench_study(c->approach, c->ases, c->requests);
}

static void
run_script_build(void *arg)
{
	bench_script_build(*(unsigned *)arg);
}

int
main(int argc, char **argv)
{
	const char *what = "all";
	int quick = 0;
	uint64_t rae_prefixes = 0;	/* prefixes=N: that case alone */
	unsigned graph_nodes = 0;	/* nodes=N: that graph alone */
	unsigned ases = 0;		/* ases=N: that AS graph alone */
	unsigned routers = 10000;	/* routers=N: script_build's line */
	uint64_t study_requests = 0;	/* requests=N: the study's requests */
	const char *pace = NULL;	/* pace=SIZE: rae_internet's RAEs paced */
	unsigned procs = 2;		/* procs=N: mpi's largest process count */

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0)
			quick = 1;
		else if (strncmp(argv[i], "prefixes=", 9) == 0)
			rae_prefixes = strtoull(argv[i] + 9, NULL, 10);
		else if (strncmp(argv[i], "ases=", 5) == 0)
			ases = (unsigned)strtoul(argv[i] + 5, NULL, 10);
		else if (strncmp(argv[i], "nodes=", 6) == 0)
			graph_nodes = (unsigned)strtoul(argv[i] + 6, NULL, 10);
		else if (strncmp(argv[i], "routers=", 8) == 0)
			routers = (unsigned)strtoul(argv[i] + 8, NULL, 10);
		else if (strncmp(argv[i], "requests=", 9) == 0)
			study_requests = strtoull(argv[i] + 9, NULL, 10);
		else if (strncmp(argv[i], "pace=", 5) == 0)
			pace = argv[i] + 5;
		else if (strncmp(argv[i], "procs=", 6) == 0)
			procs = (unsigned)strtoul(argv[i] + 6, NULL, 10);
		else if (strncmp(argv[i], "bench=", 6) == 0)
			what = argv[i] + 6;
		else
			what = argv[i];
	}
	if (strcmp(what, "all") && strcmp(what, "sched") && strcmp(what, "chain") &&
	    strcmp(what, "cafe") && strcmp(what, "curling") && strcmp(what, "rae") &&
	    strcmp(what, "rae_internet") && strcmp(what, "graph") &&
	    strcmp(what, "script_build") && strcmp(what, "study") &&
	    strcmp(what, "realtime") && strcmp(what, "mpi")) {
		fprintf(stderr, "usage: bench [all|sched|chain|cafe|curling|rae|rae_internet|graph|"
			"script_build|study|realtime|mpi] [--quick] [prefixes=N] [ases=N] [nodes=N] "
			"[routers=N] [requests=N] [pace=SIZE] [procs=N]\n");
		return 2;
	}
	if (!strcmp(what, "study") && ases && ases < 20) {
		fprintf(stderr, "bench: ases=%u: the study needs 20 ASes or more\n", ases);
		return 2;
	}
	if (!strcmp(what, "all") || !strcmp(what, "sched")) {
		static const char *const impls[] = { "heap", "calendar" };
		static const size_t qs[] = { 1000, 100000, 1000000 };

		for (size_t i = 0; i < 2; i++)
			for (size_t j = 0; j < 3; j++) {
				struct sched_case c = { impls[i], qs[j], quick ? 1000000 : 20000000 };

				in_child(run_sched, &c);
			}
	}
	if (!strcmp(what, "all") || !strcmp(what, "chain")) {
		for (int pcap = 0; pcap <= 1; pcap++) {
			struct chain_case c = { 10, quick ? 20000 : (pcap ? 100000 : 500000), pcap };

			in_child(run_chain, &c);
		}
	}
	if (!strcmp(what, "all") || !strcmp(what, "cafe")) {
		for (int pcap = 0; pcap <= 1; pcap++) {
			struct chain_case c = { 10, quick ? 20000 : (pcap ? 100000 : 500000), pcap };

			in_child(run_cafe, &c);
		}
	}
	if (!strcmp(what, "all") || !strcmp(what, "curling")) {
		struct curling_case c = { quick ? 200 : 1000, 100 };

		in_child(run_curling, &c);
	}
	if (!strcmp(what, "all") || !strcmp(what, "rae")) {
		uint64_t cases[2] = { 10000, 1000000 };
		size_t ncases = quick ? 1 : 2;

		if (rae_prefixes) {
			cases[0] = rae_prefixes;
			ncases = 1;
		}
		for (size_t i = 0; i < ncases; i++)
			in_child(run_rae, &cases[i]);
	}
	if (!strcmp(what, "all") || !strcmp(what, "rae_internet")) {
		struct internet_case c = { ases ? ases : quick ? 200 : 1000, pace };

		in_child(run_internet, &c);
	}
	if (!strcmp(what, "all") || !strcmp(what, "graph")) {
		unsigned cases[3] = { 1000, 10000, 100000 };
		size_t ncases = quick ? 2 : 3;

		if (graph_nodes) {
			cases[0] = graph_nodes;
			ncases = 1;
		}
		for (size_t i = 0; i < ncases; i++)
			in_child(run_graph, &cases[i]);
	}
	if (!strcmp(what, "realtime")) {
		static const uint64_t rates[] = { 100000, 200000, 400000, 800000, 1600000 };

		for (size_t i = 0; i < G_N_ELEMENTS(rates); i++)
			for (int pcap = 0; pcap <= 1; pcap++) {
				struct rt_case c = { rates[i], pcap };

				if (quick && i > 1)
					continue;
				in_child(run_realtime, &c);
			}
	}
	if (!strcmp(what, "all") || !strcmp(what, "script_build"))
		in_child(run_script_build, &routers);
	/* Not in all: it runs the program, built with --enable-mpi, under mpirun. */
	if (!strcmp(what, "mpi"))
		bench_mpi(graph_nodes ? graph_nodes : quick ? 1000 : 10000,
			  ases ? ases : quick ? 200 : 1000, procs ? procs : 2);
	/* Not in all: 100 000 requests of each approach take the better part of an hour. */
	if (!strcmp(what, "study")) {
		static const char *const approaches[2] = { "decoupled", "coupled" };

		for (int i = 0; i < 2; i++) {
			struct study_case c = {
				approaches[i],
				ases ? ases : quick ? 200 : 1000,
				study_requests ? study_requests : quick ? 2000 : 100000,
			};

			in_child(run_study, &c);
		}
	}
	return 0;
}
