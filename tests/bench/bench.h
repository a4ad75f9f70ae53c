/*
 * bench.h - micro-benchmarks of the engine, run by tests/bench/bench.c.
 *
 * Each benchmark prints exactly one line of key=value pairs on stdout,
 * starting with bench=<name>, so results can be compared with grep.
 */
#ifndef TESTS_BENCH_BENCH_H
#define TESTS_BENCH_BENCH_H

#include <stddef.h>
#include <stdint.h>

struct scenario;
struct scn_override;
struct sim;
struct net;

/* bench.c */

/*
 * Register the entity classes, load the scenario at `path` with the
 * overrides ov, and build its network with seed 1, run 1, as `cometsim
 * run` does; exits 1 with the loader's message if anything fails.
 */
struct scenario *bench_load(const char *path, const struct scn_override *ov, size_t nov,
			    struct sim **sim, struct net **net);

/* bench_sched.c */

/*
 * The hold model on scheduler `impl` ("heap", "calendar"): `q` pending
 * events, each executed event schedules one more at an exponential delay
 * of mean 1 ms; runs `events` events and prints one bench=scheduler line.
 * Exits with status 1 if `impl` is not a known scheduler.
 */
void bench_sched(const char *impl, size_t q, uint64_t events);

/* bench_chain.c */

/*
 * The chain: `nodes` nodes in a line over 1 Gbps, 1 ms links, `packets`
 * UDP datagrams of 1000 bytes at line rate from the first to the last,
 * pcap on every interface if `pcap`; prints one bench=chain line.
 */
void bench_chain(unsigned nodes, uint64_t packets, int pcap);
struct realtime;
/*
 * The same chain with a datagram every 1/rate s (rate > 0: 64-byte
 * payloads over 10 Gbit/s links), paced by rt when not NULL: prints one
 * bench=realtime line with the pacer's lags.
 */
void bench_chain_run(unsigned nodes, uint64_t packets, int pcap, uint64_t rate,
		     struct realtime *rt);

/* bench_cafe.c */

/*
 * The CAFE chain: `ncafes` stateless CAFEs between a source and a sink,
 * 1 Gbps and 1 ms links, `packets` datagrams of 1000 bytes intercepted by
 * the first CAFE and forwarded by key; prints one bench=cafe_chain line.
 */
void bench_cafe(unsigned ncafes, uint64_t packets, int pcap);

/* bench_curling.c */

/*
 * The coupled approach on topology 2: `nclients` clients ask for one of
 * `ncontents` contents each (Zipf popularity) over 10 s; prints one
 * bench=curling line.
 */
void bench_curling(unsigned nclients, unsigned ncontents);

/* bench_rae.c */

/*
 * The RAE stress test (scenarios/rae/stress.xml) with `prefixes` prefixes
 * in the east domain, until the west domain's CME holds them all; prints
 * one bench=rae_stress line.  Exits with status 1 if it never does.
 */
void bench_rae(uint64_t prefixes);

/* bench_internet.c */

/*
 * The RAEs of a tiered AS graph of `ases` ASes, one prefix each, placed
 * by <deploy approach="none">, until the routing converged; prints one
 * bench=rae_internet line.  Exits with status 1 if it never converges or
 * a preferred path is not valley-free.
 */
void bench_internet(unsigned ases, const char *pace);

/* bench_graph.c */

/*
 * A Barabási–Albert graph (m = 2) of `nodes` nodes built from a scenario,
 * 1 Gbps / 1 ms links, one 10 000-datagram UDP flow from node 0 to the
 * last; prints one bench=graph line.
 */
void bench_graph(unsigned nodes);
/* bench_mpi.c: one run alone and split over 2 .. procs processes (doc/parallel.md). */
void bench_mpi(unsigned nodes, unsigned ases, unsigned procs);
/* A curling script of `routers` routers linked in a line; one bench=script_build line. */
void bench_script_build(unsigned routers);

/* bench_study.c */

/*
 * The study (scenarios/study/study.xml) with approach `approach` on a
 * tiered graph of `ases` ASes and about `requests` requests; one
 * bench=study line.
 */
void bench_study(const char *approach, unsigned ases, uint64_t requests);

#endif /* TESTS_BENCH_BENCH_H */
