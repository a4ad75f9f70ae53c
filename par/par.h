/*
 * par.h - one run over several processes (doc/parallel.md).
 *
 * Built with --enable-mpi and started by mpirun or srun, the program is
 * one of N processes of one run: each builds the whole network, runs the
 * events of its part of the nodes, and hands the frames that cross to
 * another part to that part's process, as Open MPI messages.  The
 * processes advance together in windows (conservative synchronisation):
 * all run every event due before the earliest pending event of any of
 * them plus the lookahead, the smallest delay of a link between two
 * parts; no frame sent in a window can then be due inside it.
 *
 * Started alone, or built without MPI, there is one process and nothing
 * here does anything: par_size() is 1.
 */
#ifndef PAR_PAR_H
#define PAR_PAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"

struct net;

/* Whether the program was built with Open MPI (--enable-mpi). */
bool par_built(void);
/*
 * Join the processes of the run when a launcher (mpirun, srun) started
 * this one; otherwise nothing.  0, or -1 after a message.
 */
int par_init(int *argc, char ***argv);
/* Leave them (MPI_Finalize), once, at exit. */
void par_fini(void);
/* This process's number, from 0, and how many there are (1: not split). */
int par_rank(void);
int par_size(void);
/* Stop every process of the run with status code (a failure in one). */
void par_abort(int code) __attribute__((noreturn));
/* Wait until every process is here. */
void par_barrier(void);
/* The smallest, largest and sum of v over the processes. */
int64_t par_min(int64_t v);
int64_t par_max(int64_t v);
int64_t par_sum(int64_t v);
/*
 * Every process's bytes, at process 0: there, out[r] (g_free each, and
 * out) holds process r's len[r] bytes; elsewhere *out is NULL.
 */
void par_gather(const void *buf, size_t n, uint8_t ***out, size_t **len);

/* What synchronising cost one process (summary.json, "processes"). */
struct par_stats {
	uint64_t windows;	/* windows run (null messages: rounds) */
	uint64_t frames_out, frames_in;	/* frames sent to and received from others */
	uint64_t bytes_out, bytes_in;	/* their bytes, as sent over MPI */
	double wait_s;		/* wall time in the exchanges and agreements */
};

struct par_run;

/* How the processes keep together (doc/parallel.md, "Synchronisation"). */
enum par_sync {
	PAR_SYNC_WINDOWS = 0,	/* windows from the earliest event of all (the default) */
	PAR_SYNC_NULL,		/* null messages: each process's promise to the others */
};

/*
 * Split net's run: its nodes' parts are set (net->rank_of), lookahead is
 * the smallest delay between parts (SIM_TIME_NEVER: no link between
 * them).  Sets the simulator's local actors and the net's cross-link
 * hook.  NULL when not split.
 */
struct par_run *par_run_attach(struct net *net, sim_time_t lookahead, enum par_sync sync);
/*
 * As sim_run(sim, end) for the run as a whole: returns when every
 * process stopped, each with the same reason and at the same virtual
 * time (an error or a signal in one stops them all: SIM_STOP_REQUESTED
 * or SIM_STOP_INTERRUPTED).
 */
enum sim_stop_reason par_run(struct par_run *pr, sim_time_t end);
void par_run_stats(const struct par_run *pr, struct par_stats *st);
void par_run_free(struct par_run *pr);

#endif /* PAR_PAR_H */
