/*
 * par.c - one run over several processes, on Open MPI (par.h,
 * doc/parallel.md).
 *
 * A window: every process agrees on the earliest event pending anywhere,
 * T (one MPI_Allreduce, which also carries whether a process stopped),
 * then runs its events due before T + L, L the lookahead.  A frame that
 * leaves a link towards another process's node during the window (at
 * t >= T) is due at t + delay >= T + L: after the window.  It is packed
 * into that process's buffer; at the window's end the buffers are
 * exchanged (MPI_Alltoall of their sizes, MPI_Alltoallv of the bytes)
 * and every frame received is put on its link's wire with the key it
 * took when it left (sim.h): where it runs among the events of its
 * instant does not depend on when it became known.
 *
 * One frame on the wire between processes:
 *   u32 link id, u8 direction, 3 bytes zero, i64 due time, u64 key,
 *   u32 length, then the frame's bytes
 * in the host's byte order (the processes of one run run one program).
 */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#ifdef HAVE_MPI
#include <mpi.h>
#endif

#include "par/par.h"
#include "sim/log.h"
#include "sim/net.h"

#define REC_HEAD	32	/* bytes before a frame's own */

static int p_rank, p_size = 1;
#ifdef HAVE_MPI
static bool p_inited;
#endif

bool
par_built(void)
{
#ifdef HAVE_MPI
	return true;
#else
	return false;
#endif
}

#ifdef HAVE_MPI
/* Whether a launcher started us: Open MPI's mpirun, or srun (PMI, PMIx). */
static bool
launched(void)
{
	static const char *const vars[] = {
		"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE", NULL,
	};

	for (size_t i = 0; vars[i]; i++)
		if (getenv(vars[i]))
			return true;
	return false;
}
#endif

int
par_init(int *argc, char ***argv)
{
	const char *tasks = getenv("SLURM_STEP_NUM_TASKS");

#ifdef HAVE_MPI
	if (!launched()) {
#else
	{
#endif
		/*
		 * srun started this as one of several tasks, but gave it nothing
		 * that joins the tasks: each would run the whole run alone.
		 */
		if (tasks && getenv("SLURM_PROCID") && strtol(tasks, NULL, 10) > 1) {
			fprintf(stderr, "%s: started by srun as one of %s tasks, but %s: "
				"each would run the whole run on its own; %s (doc/parallel.md)\n",
				log_prog(), tasks, par_built() ? "without a PMI Open MPI knows" :
				"this cometsim was built without MPI",
				par_built() ? "use srun --mpi=pmix (or the cluster's MpiDefault=pmix)" :
				"configure it with --enable-mpi");
			return -1;
		}
		return 0;
	}
#ifdef HAVE_MPI
	if (MPI_Init(argc, argv) != MPI_SUCCESS) {
		fprintf(stderr, "%s: MPI_Init failed\n", log_prog());
		return -1;
	}
	p_inited = true;
	MPI_Comm_rank(MPI_COMM_WORLD, &p_rank);
	MPI_Comm_size(MPI_COMM_WORLD, &p_size);
	/* A failure is reported as the program's own, not as an MPI abort. */
	MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL);
	return 0;
#else
	(void)argc;
	(void)argv;
#endif
}

void
par_fini(void)
{
#ifdef HAVE_MPI
	if (p_inited) {
		p_inited = false;
		MPI_Finalize();
	}
#endif
}

int
par_rank(void)
{
	return p_rank;
}

int
par_size(void)
{
	return p_size;
}

void
par_abort(int code)
{
#ifdef HAVE_MPI
	if (p_inited && p_size > 1) {
		fflush(NULL);
		MPI_Abort(MPI_COMM_WORLD, code);
	}
#endif
	exit(code);
}

void
par_barrier(void)
{
#ifdef HAVE_MPI
	if (p_size > 1)
		MPI_Barrier(MPI_COMM_WORLD);
#endif
}

#ifdef HAVE_MPI
static int64_t
reduce(int64_t v, MPI_Op op)
{
	int64_t out = v;

	if (p_size > 1)
		MPI_Allreduce(&v, &out, 1, MPI_INT64_T, op, MPI_COMM_WORLD);
	return out;
}
#endif

int64_t
par_min(int64_t v)
{
#ifdef HAVE_MPI
	return reduce(v, MPI_MIN);
#else
	return v;
#endif
}

int64_t
par_max(int64_t v)
{
#ifdef HAVE_MPI
	return reduce(v, MPI_MAX);
#else
	return v;
#endif
}

int64_t
par_sum(int64_t v)
{
#ifdef HAVE_MPI
	return reduce(v, MPI_SUM);
#else
	return v;
#endif
}

void
par_gather(const void *buf, size_t n, uint8_t ***out, size_t **len)
{
	*out = NULL;
	*len = NULL;
#ifdef HAVE_MPI
	if (p_size > 1) {
		uint64_t mine = n, *all = NULL;

		if (p_rank == 0)
			all = g_new(uint64_t, p_size);
		MPI_Gather(&mine, 1, MPI_UINT64_T, all, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
		if (p_rank == 0) {
			*out = g_new0(uint8_t *, p_size);
			*len = g_new0(size_t, p_size);
			for (int r = 0; r < p_size; r++) {
				(*len)[r] = all[r];
				(*out)[r] = g_malloc(all[r] + 1);
			}
			memcpy((*out)[0], buf, n);
			for (int r = 1; r < p_size; r++) {
				/* One message a process, in pieces that fit an int. */
				size_t off = 0;

				while (off < all[r]) {
					int piece = all[r] - off > (1u << 30) ? 1 << 30 : (int)(all[r] - off);

					MPI_Recv((*out)[r] + off, piece, MPI_BYTE, r, 7, MPI_COMM_WORLD,
						 MPI_STATUS_IGNORE);
					off += piece;
				}
			}
			g_free(all);
		} else {
			size_t off = 0;

			while (off < n) {
				int piece = n - off > (1u << 30) ? 1 << 30 : (int)(n - off);

				MPI_Send((const uint8_t *)buf + off, piece, MPI_BYTE, 0, 7, MPI_COMM_WORLD);
				off += piece;
			}
		}
		return;
	}
#endif
	*out = g_new0(uint8_t *, 1);
	*len = g_new0(size_t, 1);
	(*out)[0] = g_memdup2(buf, n);
	(*len)[0] = n;
}

/* ---- the split run ---- */

struct par_run {
	struct net *net;
	struct sim *sim;
	sim_time_t lookahead;
	enum par_sync sync;
	GByteArray **out;	/* per process: frames for it this window */
	int32_t *node_rank;	/* per node id: its process; -1: not asked yet */
	size_t nnode_rank;
	struct par_stats st;
};

#ifdef HAVE_MPI
static double
mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}
#endif

static int
node_rank(struct par_run *pr, const struct node *n)
{
	if (n->id >= pr->nnode_rank) {
		size_t old = pr->nnode_rank, cap = old ? old : 64;

		while (cap <= n->id)
			cap *= 2;
		pr->node_rank = g_renew(int32_t, pr->node_rank, cap);
		for (size_t i = old; i < cap; i++)
			pr->node_rank[i] = -1;
		pr->nnode_rank = cap;
	}
	if (pr->node_rank[n->id] < 0)
		pr->node_rank[n->id] = pr->net->rank_of(pr->net->rank_ctx, n->name);
	return pr->node_rank[n->id];
}

/* net->xsend: a frame towards a node of another process (p->when, p->key set). */
static void
xsend(void *ctx, struct link_dir *ld, struct pkt *p)
{
	struct par_run *pr = ctx;
	struct link *l = ld->link;
	int to = node_rank(pr, l->end[1 - ld->side]->node);
	uint8_t head[REC_HEAD];
	uint32_t id = l->id, len = p->len;
	int64_t when = p->when;
	uint64_t key = p->key;

	memset(head, 0, sizeof(head));
	memcpy(head, &id, 4);
	head[4] = (uint8_t)ld->side;
	memcpy(head + 8, &when, 8);
	memcpy(head + 16, &key, 8);
	memcpy(head + 24, &len, 4);
	g_byte_array_append(pr->out[to], head, sizeof(head));
	g_byte_array_append(pr->out[to], p->data, p->len);
	pr->st.frames_out++;
	pr->st.bytes_out += sizeof(head) + p->len;
	pkt_free(p);
}

#ifdef HAVE_MPI
/* Put the frames another process sent on their links' wires here. */
static void
take_frames(struct par_run *pr, const uint8_t *b, size_t n)
{
	size_t off = 0;

	while (off + REC_HEAD <= n) {
		uint32_t id, len;
		int64_t when;
		uint64_t key;
		struct pkt *p;

		memcpy(&id, b + off, 4);
		memcpy(&when, b + off + 8, 8);
		memcpy(&key, b + off + 16, 8);
		memcpy(&len, b + off + 24, 4);
		if (id >= pr->net->nlinks || off + REC_HEAD + len > n) {
			fprintf(stderr, "cometsim: process %d: a frame from another process names "
				"link %u of %u, or is cut: the processes do not run the same network\n",
				p_rank, id, pr->net->nlinks);
			par_abort(1);
		}
		p = pkt_from(b + off + REC_HEAD, len);
		p->when = when;
		p->key = key;
		link_xrecv(&pr->net->links[id]->dir[b[off + 4] & 1], p);
		pr->st.frames_in++;
		pr->st.bytes_in += REC_HEAD + len;
		off += REC_HEAD + len;
	}
}

#endif

struct par_run *
par_run_attach(struct net *net, sim_time_t lookahead, enum par_sync sync)
{
	struct par_run *pr;

	if (p_size <= 1)
		return NULL;
	pr = g_new0(struct par_run, 1);
	pr->net = net;
	pr->sim = net->sim;
	pr->lookahead = lookahead;
	pr->sync = sync;
	pr->out = g_new0(GByteArray *, p_size);
	for (int r = 0; r < p_size; r++)
		pr->out[r] = g_byte_array_new();
	net->xsend = xsend;
	net->xsend_ctx = pr;
	sim_set_local(net->sim, net_actor_local, net);
	return pr;
}

#ifdef HAVE_MPI
/* Hand every process what this one sent it during the window, and take what it got. */
static void
exchange(struct par_run *pr)
{
	int *scount = g_new(int, p_size), *rcount = g_new(int, p_size);
	int *sdisp = g_new(int, p_size), *rdisp = g_new(int, p_size);
	uint8_t *sbuf, *rbuf;
	size_t stot = 0, rtot = 0;

	for (int r = 0; r < p_size; r++) {
		if (pr->out[r]->len > (guint)(1u << 30)) {
			fprintf(stderr, "cometsim: process %d: more than 1 GiB of frames for process "
				"%d in one window\n", p_rank, r);
			par_abort(1);
		}
		scount[r] = (int)pr->out[r]->len;
		sdisp[r] = (int)stot;
		stot += scount[r];
	}
	MPI_Alltoall(scount, 1, MPI_INT, rcount, 1, MPI_INT, MPI_COMM_WORLD);
	for (int r = 0; r < p_size; r++) {
		rdisp[r] = (int)rtot;
		rtot += rcount[r];
	}
	if (stot > INT32_MAX || rtot > INT32_MAX) {
		fprintf(stderr, "cometsim: process %d: more than 2 GiB of frames in one window\n",
			p_rank);
		par_abort(1);
	}
	sbuf = g_malloc(stot + 1);
	rbuf = g_malloc(rtot + 1);
	for (int r = 0; r < p_size; r++) {
		memcpy(sbuf + sdisp[r], pr->out[r]->data, pr->out[r]->len);
		g_byte_array_set_size(pr->out[r], 0);
	}
	MPI_Alltoallv(sbuf, scount, sdisp, MPI_BYTE, rbuf, rcount, rdisp, MPI_BYTE,
		      MPI_COMM_WORLD);
	/* By process: one direction of a link has one sender, its frames in order. */
	for (int r = 0; r < p_size; r++)
		take_frames(pr, rbuf + rdisp[r], rcount[r]);
	g_free(sbuf);
	g_free(rbuf);
	g_free(scount);
	g_free(rcount);
	g_free(sdisp);
	g_free(rdisp);
}
#endif

#ifdef HAVE_MPI
/*
 * The end time, with nothing due before it in any process and nothing in
 * flight: every process ends there, as one process does (sim_run), also
 * one that has no event left.
 */
static enum sim_stop_reason
run_to_end(struct sim *sim, sim_time_t end)
{
	enum sim_stop_reason why;

	sim_set_horizon(sim, SIM_TIME_NEVER);
	why = sim_run(sim, end);
	if (why == SIM_STOP_EMPTY) {
		sim_advance(sim, end);
		why = SIM_STOP_END_TIME;
	}
	return why;
}

/*
 * Null messages (Chandy, Misra and Bryant), in rounds: a process runs
 * its events due before the smallest promise the others made, then sends
 * each of them its frames for it and its own promise: it will send
 * nothing due before the earliest time it can still act (its next event,
 * or a frame of the others, due at their promises or later) plus the
 * lookahead.  No agreement of all: each process goes as far as the
 * promises it holds let it.  A message's head: the promise, the next
 * event, the frames the sender sent this round to anyone, its time, and
 * whether it stopped; every process hears every other's, so all take the
 * same decision to end, in the same round.
 */
struct null_head {
	int64_t promise, next, frames, now, flag;
};

static enum sim_stop_reason
run_null(struct par_run *pr, sim_time_t end)
{
	struct sim *sim = pr->sim;
	struct null_head *in = g_new0(struct null_head, p_size);
	MPI_Request *req = g_new(MPI_Request, 2 * p_size);
	uint8_t **sbuf = g_new0(uint8_t *, p_size);
	sim_time_t safe = 0, L = pr->lookahead;
	enum sim_stop_reason why = SIM_STOP_EMPTY;
	int64_t flag = 0;
	bool first = true;

	for (;;) {
		struct null_head me;
		int64_t frames = 0, fl, mnext, tnow, maxflag = 0, minflag = 2;
		bool all_never = true;
		int nreq = 0;
		double t0;

		/*
		 * A process that stopped (END_SIMULATION, which every process
		 * runs, or an error) runs nothing more and promises nothing: the
		 * others go on to their own END_SIMULATION, for they may still
		 * have events due before it.
		 */
		if (!first && flag == 0) {
			sim_set_horizon(sim, safe > end ? end + 1 : safe);
			why = sim_run(sim, end);
			if (why == SIM_STOP_REQUESTED)
				flag = 1;
			else if (why == SIM_STOP_INTERRUPTED)
				flag = 2;
		}
		fl = flag;
		pr->st.windows++;
		t0 = mono_s();
		memset(&me, 0, sizeof(me));
		me.next = flag ? SIM_TIME_NEVER : sim_next_time(sim);
		{
			sim_time_t act = me.next < safe || first ? me.next : safe;

			me.promise = first || flag ? SIM_TIME_NEVER : sim_time_add(act, L);
		}
		for (int r = 0; r < p_size; r++)
			if (r != p_rank)
				frames += pr->out[r]->len ? 1 : 0;
		me.frames = frames;
		me.now = sim_now(sim);
		me.flag = fl;
		/* To each other process: the head, then its frames. */
		for (int r = 0; r < p_size; r++) {
			size_t n;

			if (r == p_rank)
				continue;
			n = sizeof(me) + pr->out[r]->len;
			sbuf[r] = g_malloc(n);
			memcpy(sbuf[r], &me, sizeof(me));
			memcpy(sbuf[r] + sizeof(me), pr->out[r]->data, pr->out[r]->len);
			g_byte_array_set_size(pr->out[r], 0);
			MPI_Isend(sbuf[r], (int)n, MPI_BYTE, r, 11, MPI_COMM_WORLD, &req[nreq++]);
		}
		in[p_rank] = me;
		for (int r = 0; r < p_size; r++) {
			MPI_Status st;
			int n;
			uint8_t *b;

			if (r == p_rank)
				continue;
			MPI_Probe(r, 11, MPI_COMM_WORLD, &st);
			MPI_Get_count(&st, MPI_BYTE, &n);
			b = g_malloc((size_t)n + 1);
			MPI_Recv(b, n, MPI_BYTE, r, 11, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
			memcpy(&in[r], b, sizeof(in[r]));
			take_frames(pr, b + sizeof(in[r]), (size_t)n - sizeof(in[r]));
			g_free(b);
		}
		MPI_Waitall(nreq, req, MPI_STATUSES_IGNORE);
		for (int r = 0; r < p_size; r++) {
			g_free(sbuf[r]);
			sbuf[r] = NULL;
		}
		pr->st.wait_s += mono_s() - t0;
		/* The same heads everywhere: the same decision. */
		mnext = SIM_TIME_NEVER;
		tnow = 0;
		frames = 0;
		for (int r = 0; r < p_size; r++) {
			if (in[r].flag > maxflag)
				maxflag = in[r].flag;
			if (in[r].flag < minflag)
				minflag = in[r].flag;
			if (in[r].next < mnext)
				mnext = in[r].next;
			if (in[r].now > tnow)
				tnow = in[r].now;
			frames += in[r].frames;
			all_never &= in[r].next == SIM_TIME_NEVER;
		}
		if (maxflag == 2) {
			sim_interrupt();
			why = SIM_STOP_INTERRUPTED;
			break;
		}
		if (minflag == 1) {
			why = SIM_STOP_REQUESTED;
			break;
		}
		if (frames == 0 && all_never) {
			if (flag) {
				/* Stopped here, and the others ran out of events: the run stopped. */
				why = SIM_STOP_REQUESTED;
				break;
			}
			sim_advance(sim, tnow);
			why = SIM_STOP_EMPTY;
			break;
		}
		if (frames == 0 && mnext > end) {
			if (flag) {
				why = SIM_STOP_REQUESTED;
				break;
			}
			why = run_to_end(sim, end);
			break;
		}
		if (first) {
			/*
			 * Nothing in flight yet: nobody acts before the earliest
			 * event of all, and a frame takes the lookahead at least.
			 */
			for (int r = 0; r < p_size; r++)
				in[r].promise = sim_time_add(in[r].next < sim_time_add(mnext, L) ?
							     in[r].next : sim_time_add(mnext, L), L);
			first = false;
		}
		safe = SIM_TIME_NEVER;
		for (int r = 0; r < p_size; r++)
			if (r != p_rank && in[r].promise < safe)
				safe = in[r].promise;
	}
	sim_set_horizon(sim, SIM_TIME_NEVER);
	g_free(in);
	g_free(req);
	g_free(sbuf);
	return why;
}
#endif

enum sim_stop_reason
par_run(struct par_run *pr, sim_time_t end)
{
#ifdef HAVE_MPI
	struct sim *sim = pr->sim;
	enum sim_stop_reason why;
	int64_t flag = 0;	/* 1: stopped (sim_stop), 2: interrupted */

	if (end > SIM_TIME_LIMIT)
		end = SIM_TIME_LIMIT;
	if (pr->sync == PAR_SYNC_NULL)
		return run_null(pr, end);
	for (;;) {
		/* Agree on the earliest event anywhere, and on whether to stop. */
		int64_t in[2], res[2];
		sim_time_t next, horizon;
		double t0 = mono_s();

		in[0] = sim_next_time(sim);
		in[1] = -flag;
		MPI_Allreduce(in, res, 2, MPI_INT64_T, MPI_MIN, MPI_COMM_WORLD);
		pr->st.wait_s += mono_s() - t0;
		next = res[0];
		if (-res[1] == 2) {
			sim_interrupt();
			why = SIM_STOP_INTERRUPTED;
			break;
		}
		if (-res[1] == 1) {
			why = SIM_STOP_REQUESTED;
			break;
		}
		if (next == SIM_TIME_NEVER) {
			/* Nothing left anywhere: time is that of the last event run. */
			sim_time_t last = par_max(sim_now(sim));

			sim_advance(sim, last);
			why = SIM_STOP_EMPTY;
			break;
		}
		if (next > end) {
			why = run_to_end(sim, end);
			break;
		}
		horizon = sim_time_add(next, pr->lookahead);
		if (horizon > end)
			horizon = end + 1;
		sim_set_horizon(sim, horizon);
		why = sim_run(sim, end);
		pr->st.windows++;
		if (why == SIM_STOP_REQUESTED)
			flag = 1;
		else if (why == SIM_STOP_INTERRUPTED)
			flag = 2;
		t0 = mono_s();
		exchange(pr);
		pr->st.wait_s += mono_s() - t0;
	}
	sim_set_horizon(sim, SIM_TIME_NEVER);
	return why;
#else
	(void)pr;
	(void)end;
	return SIM_STOP_EMPTY;
#endif
}

void
par_run_stats(const struct par_run *pr, struct par_stats *st)
{
	*st = pr->st;
}

void
par_run_free(struct par_run *pr)
{
	if (!pr)
		return;
	pr->net->xsend = NULL;
	sim_set_local(pr->sim, NULL, NULL);
	for (int r = 0; r < p_size; r++)
		g_byte_array_free(pr->out[r], TRUE);
	g_free(pr->out);
	g_free(pr->node_rank);
	g_free(pr);
}
