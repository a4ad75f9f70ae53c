/*
 * bridges.h - the front end's side of a run's bridges (doc/emulation.md):
 * open the host sockets before anything is written, join them to the
 * built network, report them in summary.json, close them.
 */
#ifndef CLI_BRIDGES_H
#define CLI_BRIDGES_H

#include <stddef.h>

struct scenario;
struct sim;
struct net;
struct realtime;
struct hostio;
struct run_summary;
struct run_bridge;
struct run_bridges;

/* The scenario's bridges opened (none: NULL, not an error); -1 with err set. */
int run_bridges_open(const struct scenario *scn, struct run_bridges **out,
		     char *err, size_t errlen);
/* Join them to the network, their host sockets watched in io.  0, or -1 with err. */
int run_bridges_start(struct run_bridges *rb, struct sim *sim, struct net *net,
		      struct realtime *rt, struct hostio *io, char *err, size_t errlen);
/* Fill sum->bridges from their counters (valid until run_bridges_free). */
void run_bridges_summary(struct run_bridges *rb, struct run_summary *sum);
/* After net_destroy(), before hostio_free(): close the host sockets; NULL is ignored. */
void run_bridges_free(struct run_bridges *rb);

#endif /* CLI_BRIDGES_H */
