/*
 * rae_int.h - what the files of the entity usr.rae.Rae share: the
 * instance struct, a peer's session, the link to the CME, and the calls
 * one file makes into another.  Only the RAE's files (and its unit test)
 * include it; other entities see rae.h, rae_wire.h and rae_score.h.
 *
 * The entity is split by concern, like OpenBSD bgpd's session.c, rde.c
 * and rde_decide.c:
 *   rae.c          the entity: arguments, start and stop, the RIB's own
 *                  prefixes, statistics, the report
 *   rae_session.c  the sessions with the peers over TCP and their state
 *                  machine (rae_fsm): Open, Keepalive, the hold timer
 *   rae_rde.c      what goes into and out of the RIB: updates and
 *                  withdrawals received, the paths advertised to each
 *                  peer, the minimum update interval
 *   rae_decide.c   the decision process itself (rae_score.h)
 *   rae_cme.c      the link to the CME and its state machine
 *                  (rae_cme_next): PathInf and ProvInf reporting
 *   rae_tool.c     rae_tool, the operator's commands
 *   rae_paths.c    rae-paths.csv: every RAE's preferred paths at the end
 *                  of the run, one file for the run
 * Prototypes are grouped by the file that defines them.
 */
#ifndef ENTITIES_RAE_RAE_INT_H
#define ENTITIES_RAE_RAE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "entities/rae/cmerae.pb-c.h"
#include "entities/rae/rae.h"
#include "entities/rae/rae.pb-c.h"
#include "sim/net.h"
#include "sim/tcp.h"

#define RAE_NEVER		INT64_MIN
#define RAE_EXT			"rae"	/* the node's RAE, for rae_tool */

/* ---- the session state machine (rae_session.c, see rae_fsm) ---- */

enum peer_state {
	PS_IDLE = 0,
	PS_CONNECT,		/* active: TCP handshake under way */
	PS_OPEN_SENT,		/* active: Open sent, waiting for the peer's */
	PS_OPEN_WAIT,		/* passive: connection accepted, waiting for Open */
	PS_ESTABLISHED,
};

enum peer_event {
	PE_START = 0,		/* the RAE starts, or the retry timer fires (active side) */
	PE_TCP_UP,		/* our connection completed */
	PE_ACCEPTED,		/* the peer's connection was accepted */
	PE_OPEN,		/* a valid Open from the peer */
	PE_ERROR,		/* anything that ends the session, with a reason */
	PE_STOP,		/* the RAE stops */
};

struct rae;

struct rae_peer {
	struct rae *r;
	uint16_t idx;
	const struct rae_peer_cfg *cfg;
	char name[64];		/* "AS5/10.5.3.1" for the log */
	bool active;		/* we open the connection */
	enum peer_state state;
	struct tcp_sock *sock;
	struct rae_framer fr;
	sim_time_t hold, keepalive;	/* negotiated */
	struct sim_timer t_hold, t_keepalive, t_retry, t_drain;
	sim_time_t last_update;	/* when the last update was sent, or RAE_NEVER */
	GPtrArray *fresh;	/* struct rae_dest*: changed since the last drain */
	GPtrArray *deferred;	/* waiting for minimum_update_interval */
	GPtrArray *backlog;	/* allowed, waiting for room in the send buffer (pace=) */
	uint32_t announce_mask;	/* class slots the link offers (peer class_table) */
	/* statistics */
	uint64_t established, resets;	/* sessions set up; lost or refused after TCP came up */
	uint64_t connect_failures;	/* connections that never came up */
	uint64_t msgs_in[6], msgs_out[6];	/* by message type 1..5 */
	uint64_t pfx_in, wdr_in, pfx_out, wdr_out;
	char last_reason[160];
};

/* ---- the link to the CME (rae_cme.c, see rae_cme_next; doc/rae.md draws it) ---- */

enum rae_cme_state {
	CS_IDLE = 0,		/* no connection; the retry timer may be armed */
	CS_CONNECT,		/* TCP handshake under way */
	CS_SYNC,		/* connected, ProvInf sent, waiting for the first Reply */
	CS_UP,			/* reporting: PathInf as the RIB changes */
};
#define RAE_CME_NSTATES	4

enum rae_cme_event {
	CE_START = 0,		/* the RAE starts, or the retry timer fires: connect */
	CE_TCP_UP,		/* the connection completed */
	CE_REPLY,		/* a Reply from the CME */
	CE_LOST,		/* refused, reset, closed, timed out, or a bad frame */
	CE_STOP,		/* the RAE stops */
};
#define RAE_CME_NEVENTS	5

struct rae_cme_link {
	enum rae_cme_state state;	/* changed by cme_change_state() only */
	struct tcp_sock *sock;
	struct rae_framer fr;
	struct sim_timer t_retry, t_drain;
	GPtrArray *q;		/* struct rae_dest*: to report */
	uint64_t seq;		/* of the last request sent on this connection */
	uint64_t unacked;	/* requests without a reply */
	bool have_version;
	uint64_t version;	/* the CME's, from its last reply */
	bool need_full;		/* the next connection sends everything */
	bool lost_unacked;	/* the last connection ended with requests unanswered */
	/* statistics */
	uint64_t requests, path_inf, replies, restarts, full_reports, connects;
};

/* ---- the entity (rae.c) ---- */

struct rae {
	struct entity e;
	/* arguments */
	char *config_path;
	sim_time_t keepalive, hold, retry;
	uint32_t generate;
	struct prefix gen_base;
	uint32_t report;
	size_t pace;		/* pace=: bytes in a session's send buffer; 0 unpaced */
	/* configuration and state */
	struct rae_config *cfg;
	struct rae_rib rib;
	bool rib_ready;
	struct rae_peer *peers;		/* cfg->npeers of them, made at the first start */
	uint8_t peer_class[RAE_MAX_PEERS];	/* rae_rel_class() of each peer */
	struct tcp_sock *listener;
	struct rae_cme_link cme;
	struct rae_pbarena rx;		/* messages decoded (one at a time) */
	struct rae_dest **local;	/* own prefixes, config then generated */
	size_t nlocal;
	/* statistics */
	uint64_t malformed, hold_expired, paths_looped, paths_unusable;
	uint64_t bytes_in, bytes_out;
	sim_time_t last_change;	/* last change of a preferred path, RAE_NEVER if none */
	uint64_t pref_changes;	/* destinations whose preferred paths changed, counted
				   once a change (a time series of convergence) */
	/* reloads and restarts (rae_tool reload, restart; doc/rae.md) */
	uint64_t reloads, reload_peers, reload_readvertised, restarts;
	struct sim_timer t_restart;	/* rae_tool restart: the start after the down time */
	bool restarting;	/* stopped by rae_tool restart: connections are reset */
	bool down;		/* between the two halves of a restart: no process (the
				   entity stays running for the engine, so that a node
				   going down or the run's end stops it as usual) */
	bool stopping;		/* in rae_stop() */
	bool paths_registered;	/* in the run's list for rae-paths.csv */
};

static inline struct sim *
rae_sim(const struct rae *r)
{
	return r->e.node->net->sim;
}

static inline sim_time_t
rae_now(const struct rae *r)
{
	return sim_now(rae_sim(r));
}

/*
 * Let go of a connection without hearing from it again (reset, except at
 * the end of the run); s may be NULL.
 */
void rae_sock_drop(struct rae *r, struct tcp_sock *s);
/*
 * Add an instance's own prefixes and peers to the scenario's totals
 * (sc->total_add) and check that every RAE's RIB together stays within
 * RAE_PATHS_MAX; 0, or -1 with a message in err.
 */
int rae_total_check(const struct entity_scope *sc, uint64_t prefixes, uint64_t peers,
		    char *err, size_t errlen);
/* Log the RIB summary, the preferred paths (up to `report` prefixes), the sessions. */
void rae_report(struct rae *r);
/*
 * rae_tool reload: run with configuration nc (taken over) instead of
 * r->cfg.  Only the provisioning table and the peers' class tables may
 * differ; otherwise -1 with why (nc is then the caller's still).
 */
int rae_reload(struct rae *r, struct rae_config *nc, char *why, size_t whylen);
/*
 * rae_tool restart: stop the RAE as its process would end (every
 * connection reset), empty its RIB, and start it again after `down`.
 */
void rae_restart(struct rae *r, sim_time_t down);

/* ---- the sessions (rae_session.c) ---- */

/* Set up peer i of the configuration (its name, queues, timers), in Idle. */
void rae_peer_setup(struct rae *r, unsigned i);
/* Feed an event to a peer's session state machine (drawn above it). */
void rae_fsm(struct rae_peer *p, enum peer_event ev, const char *reason);
/* The listener's accept callback: the connection is a peer's, or refused. */
void rae_accept(struct tcp_sock *l, struct tcp_sock *conn, void *ctx);
/* The TCP IP options (TTL, minimum TTL) of the session with a peer of this configuration. */
void rae_peer_ip_opts(const struct rae_peer_cfg *pc, struct tcp_ip_opts *o);
/* Frame and send one message on the peer's connection (m NULL: empty body). */
void rae_peer_send(struct rae_peer *p, unsigned type, const ProtobufCMessage *m);
/* "Idle", "Connect", ... */
const char *rae_peer_state_name(enum peer_state st);

/* ---- into and out of the RIB (rae_rde.c) ---- */

/* rae_rib_foreach() callback that collects the destinations into a GPtrArray (ctx). */
void rae_rde_collect(struct rae_dest *d, void *ctx);
/* A preferred path of d changed: queue it for every established peer and the CME. */
void rae_rde_changed(struct rae *r, struct rae_dest *d);
/* Queue d for peer p (the drain timer sends it). */
void rae_rde_enqueue(struct rae_peer *p, struct rae_dest *d);
/* The session's send buffer fell to its low-water mark (pace=): write what waits. */
void rae_rde_writable(struct rae_peer *p);
/* Empty a peer's queues, releasing what only they held. */
void rae_rde_flush(struct rae_peer *p);
/* The drain timer of a peer (ctx): send what its queues hold, as MRAI allows. */
void rae_rde_drain(struct sim *sim, void *ctx, void *arg);
/*
 * Apply an Update from p to the RIB, pfx its prefixes as the decoder's
 * checks parsed them (rae_pbarena.pfx): 0, or -1 with why (nothing
 * applied).
 */
int rae_rde_update(struct rae_peer *p, const Comet__Rae__Update *u, const struct prefix *pfx,
		   char *why, size_t whylen);
/* Apply a Withdraw from p to the RIB, pfx its prefixes parsed. */
void rae_rde_withdraw(struct rae_peer *p, const Comet__Rae__Withdraw *w,
		      const struct prefix *pfx);
/* The session came up: queue everything we have to offer. */
void rae_rde_peer_up(struct rae_peer *p);
/* The session went down: forget every path learned from p and what it was sent. */
void rae_rde_peer_down(struct rae_peer *p);
/*
 * The configuration changed from `old` to r->cfg (rae_tool reload): queue
 * for each established peer the prefixes whose advertisement to it
 * changes (the provisioning a path goes out with); returns how many
 * (peer, prefix) pairs were queued.
 */
uint64_t rae_rde_reconfigured(struct rae *r, const struct rae_config *old);

/*
 * The groups of a drain (rae_rde.c): members (the destinations a drain
 * sends) grouped by the items they are advertised with, found by the
 * items' keys (isize and ksize bytes an item).  Groups are numbered in
 * the order they were made; a group's members are a list through m[],
 * in the order they were added.  Nothing is allocated per member or per
 * group: every array doubles when full.
 */
struct rae_group {
	uint32_t item0, nitems;		/* its items (and keys) in the table's arrays */
	uint32_t first, last;		/* its members: indices into m[], UINT32_MAX none */
	uint32_t nmembers;
	uint64_t hash;			/* of its keys */
};

struct rae_member {
	void *member;
	uint32_t next;			/* the group's next member, UINT32_MAX none */
};

struct rae_groups {
	size_t isize, ksize;
	char *items, *keys;		/* every group's items and keys, group after group */
	uint32_t nitems, icap;
	struct rae_group *g;		/* n groups, in the order they were made */
	uint32_t n, gcap;
	struct rae_member *m;		/* nm members */
	uint32_t nm, mcap;
	uint32_t *slot;			/* the lookup: group number + 1, 0 empty */
	size_t nslot;
};

void rae_groups_init(struct rae_groups *t, size_t isize, size_t ksize);
void rae_groups_fini(struct rae_groups *t);
/*
 * Empty the table for its next use, keeping its arrays unless it held
 * more than `keep` groups (or 8 * keep members): then it gives them back.
 */
void rae_groups_clear(struct rae_groups *t, uint32_t keep);
/*
 * Add member to the group of the n items at `items` whose keys are at
 * `keys` (n * ksize bytes, compared as bytes), made (*made) with a copy
 * of the items and keys if no group has those keys; the group's number.
 */
uint32_t rae_groups_add(struct rae_groups *t, const void *items, const void *keys, unsigned n,
			void *member, bool *made);
/* The items of group gi. */
const void *rae_groups_items(const struct rae_groups *t, uint32_t gi);

/* ---- rae-paths.csv (rae_paths.c) ---- */

/*
 * Add the RAE to the run's list (a net extension, made by the first):
 * when the run ends, every RAE of the list still running writes its
 * preferred paths to the run's rae-paths.csv.
 */
void rae_paths_register(struct rae *r);

/* ---- the link to the CME (rae_cme.c) ---- */

/*
 * The state the link goes to when `ev` happens in `from`, or -1 if the
 * event cannot happen there (a bug: cme_change_state() aborts).
 */
int rae_cme_next(enum rae_cme_state from, enum rae_cme_event ev);
/* "Idle", "Connect", "Sync", "Up". */
const char *rae_cme_state_name(enum rae_cme_state st);
/* "START", "TCP_UP", "REPLY", "LOST", "STOP". */
const char *rae_cme_event_name(enum rae_cme_event ev);
/* Set up the link (queue, framer, timers), in Idle. */
void rae_cme_setup(struct rae *r);
/* Connect to the CME if the configuration names one and the link is Idle. */
void rae_cme_start(struct rae *r);
/* The RAE stops: drop the connection, back to Idle. */
void rae_cme_stop(struct rae *r);
void rae_cme_fini(struct rae *r);
/* Queue d's preferred paths (or their absence) for the CME. */
void rae_cme_enqueue(struct rae *r, struct rae_dest *d);
/* Send the domain's provisioning and prefixes (full: the CME first forgets the AS). */
void rae_cme_send_prov(struct rae *r, bool full);

#endif /* ENTITIES_RAE_RAE_INT_H */
