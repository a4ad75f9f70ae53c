/*
 * crme_int.h - what the files of usr.curling.Crme share: its tables (the
 * instance struct and what it holds) and the calls one file makes into
 * another.  Only these files include it.
 *
 *   crme.c          the entity: arguments, start and stop, the input
 *                   dispatch, locCAFE and nextHopCrmes (Announce), the
 *                   content records and their publication (Publish)
 *   crme_route.c    the routing table of routes=on: a small path-vector
 *                   protocol between CRMEs (Routes messages, valley-free
 *                   export)
 *   crme_rae.c      the RAE feeds the CRME (rae=PORT): its preferred
 *                   paths, for resolution and route optimisation
 *   crme_session.c  ActiveSessions: resolving a Consume hop by hop and
 *                   installing state in the CAFEs, replies, releases,
 *                   notifications, route optimisation
 * Prototypes are grouped by the file that defines them.
 */
#ifndef ENTITIES_CURLING_CRME_INT_H
#define ENTITIES_CURLING_CRME_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "entities/curling/curling.h"
#include "entities/pathstore.h"
#include "sim/net.h"

enum rel {
	REL_PROVIDER = 1,
	REL_PEER = 2,
	REL_CUSTOMER = 3,
	REL_LOCAL = 4,		/* our own prefix */
};

/* locCAFE: one local CAFE. */
struct loc_cafe {
	struct cmsg_hop h;
	unsigned nlinks;		/* in the parts of its Announce heard so far */
	uint32_t parts[CMSG_MAX_PARTS / 32];	/* which parts: a bit each */
};

/* nextHopCrmes: one neighbour domain. */
struct nbr {
	uint32_t crme;
	struct cmsg_hop cafe;		/* our CAFE on the link */
	struct cmsg_hop nbr_cafe;	/* theirs */
	enum rel rel;
	bool heard;			/* a Routes message came from it */
	GArray *routes;			/* struct cmsg_route: its last snapshot */
};

/* The best route to one prefix. */
struct rib_route {
	uint32_t prefix;
	uint8_t plen;
	uint32_t via;			/* neighbour CRME; 0 for our own prefix */
	enum rel rel;
	uint8_t npath;
	uint32_t path[CMSG_MAX_PATH];	/* as received: the neighbour first */
};

/* A content record. */
struct content {
	char id[CMSG_ID_MAX + 1];
	bool local;			/* published by a server of this domain */
	struct cmsg_hop server, server_cafe;
	uint64_t size;
	uint32_t via;			/* not local: the neighbour CRME towards it */
	bool ro;			/* via was set by route optimisation */
};

/* A request waiting for, or given, its reply. */
struct req {
	uint32_t reqid;
	struct cmsg_hop client;		/* the request's originator */
};

/* One branch of a session: from the egress CAFE towards requesters. */
struct branch {
	struct cmsg_hop egress;		/* local CAFE the content leaves by */
	struct cmsg_hop down;		/* next CAFE beyond it, or the client */
	uint32_t down_crme;		/* the neighbour CRME that asked; 0: a local client */
};

/*
 * A request the session has still to answer.  Several may wait on one
 * branch at once (requests from several clients behind one neighbour
 * CRME, each with its own repair under way): each gets its own answer.
 */
struct waiter {
	struct req req;
	uint32_t down_crme;		/* where the answer goes; 0: to the client itself */
	struct cmsg_hop egress, down;	/* its branch */
	bool side;			/* a repair forwarded on its own: its answer is its own */
};

/* One ActiveSessions entry (D4.3 section 6.3.3.2), with what resolution needs. */
struct session {
	char id[CMSG_ID_MAX + 1];
	struct cmsg_hop ingress;	/* local CAFE the content enters by */
	uint32_t up_crme;		/* the neighbour CRME it comes from; 0: local server */
	struct cmsg_hop server;		/* up_crme 0: the server */
	struct req up_req;		/* the request forwarded upstream */
	bool confirmed;			/* upstream answered OK */
	bool active;			/* the ingress CAFE notified a flow */
	uint64_t size;
	uint32_t nchunks;
	uint32_t src;			/* content server, from Notify */
	GArray *branches;		/* struct branch */
	GArray *waiting;		/* struct waiter: requests not answered yet */
	/* route optimisation in progress */
	bool ro_pending;
	uint32_t ro_crme;
	struct cmsg_hop ro_ingress;
	struct req ro_req;
	/* after the switch, the old path is held for ro_hold, then released */
	bool releasing;
	struct cmsg_hop old_ingress;
	uint32_t old_up;
	struct sim_timer hold;
	struct crme *owner;
};

struct crme {
	struct entity e;
	/* arguments */
	uint16_t port;
	unsigned nprov, npeer;
	uint32_t *prov, *peer;		/* nprov, npeer of them (up to CURLING_MAX_LINKS) */
	bool ro;
	sim_time_t ro_hold;		/* old path kept after a switch (in-flight chunks) */
	uint32_t asn;			/* as=: the domain's AS number, for requests.csv; 0: none */
	uint32_t own_prefix;		/* prefix=: the domain's prefix; 0: the /24 of self */
	uint8_t own_plen;
	bool routes;			/* routes=on: the Routes protocol (else the RAE's paths) */
	uint16_t rae_port;		/* rae=: the RAE-CME interface's port; 0: no RAE */
	uint32_t rae_report;		/* rae_report=: the store logged at the end (0: not) */
	uint32_t cos;			/* cos=: the class whose preferred path is followed; 0: lowest */
	unsigned nnas;			/* nbr_as=: neighbour CRME -> AS */
	uint32_t *nas_addr, *nas_as;
	/* the RAE (crme_rae.c) */
	struct pathstore ps;
	uint32_t rae_as;		/* the AS its requests give */
	bool rae_as_warned;
	uint64_t rae_lookups, rae_misses, rae_resolved;
	/* run */
	uint32_t self;
	char self_str[CURLING_ADDRLEN];
	struct udp_sock *sock;
	GArray *loc;			/* struct loc_cafe, announce order */
	GPtrArray *nbrs;		/* struct nbr*, announce order */
	GArray *rib;			/* struct rib_route, by prefix */
	GPtrArray *contents;		/* struct content*, first-heard order */
	GHashTable *content_by_id;	/* lookups only */
	GPtrArray *sessions;		/* struct session*, creation order */
	GHashTable *session_by_id;	/* lookups only */
	uint32_t next_reqid;
	struct counters cnt;
	bool cnt_registered;
	uint32_t r_unexpected;
	/* statistics */
	uint64_t consumes, forwarded, joins, refused, configures, notifies, publishes;
	uint64_t releases, ro_attempts, ro_switches, routes_in, routes_out, bad;
	uint64_t unknown_addrs;	/* found at start (check did not run) */
	bool addrs_checked;	/* check ran at load time: start does not repeat it */
};

static inline struct sim *
crme_sim(struct crme *r)
{
	return r->e.node->net->sim;
}

static inline const char *
fa(uint32_t a, char *buf)
{
	return curling_fmt_addr(a, buf);
}

static inline bool
hop_eq(const struct cmsg_hop *a, const struct cmsg_hop *b)
{
	return a->addr == b->addr && a->port == b->port;
}

/* ---- the entity, neighbours, contents (crme.c) ---- */

/* "provider", "peer", "customer", "local". */
const char *crme_rel_name(enum rel r);
/* The neighbour CRME crme (nextHopCrmes), or NULL. */
struct nbr *crme_nbr_find(struct crme *r, uint32_t crme);
/* Whether addr (and port, unless 0) is a local CAFE (locCAFE). */
bool crme_loc_known(struct crme *r, uint32_t addr, uint16_t port);
/* Send a message from the CRME's port. */
void crme_send(struct crme *r, uint32_t addr, uint16_t port, const struct cmsg *m);
/* The content record of id, or NULL. */
struct content *crme_content_find(struct crme *r, const char *id);
/* The content record of id, created empty if there is none. */
struct content *crme_content_add(struct crme *r, const char *id);

/* ---- the routing table (crme_route.c) ---- */

/* The best route to addr (longest prefix), or NULL. */
const struct rib_route *crme_route_lookup(struct crme *r, uint32_t addr);
/* Send neighbour n our Routes: the valley-free export of the best routes. */
void crme_routes_send(struct crme *r, struct nbr *n);
/* Recompute the table; if it changed, log it and send every neighbour its Routes. */
void crme_rib_recompute(struct crme *r);

/* ---- the RAE (crme_rae.c) ---- */

/* Where the RAE's preferred path to an address goes next. */
struct crme_next {
	uint32_t as;			/* the next AS of the path */
	uint32_t crme;			/* its CRME (nbr_as=) */
	struct nbr *n;			/* its nextHopCrmes entry */
	char aspath[160];		/* the AS path, for the log */
	char prefix[48];		/* the prefix the path is for */
	char why[96];			/* false: why not */
};

void crme_rae_init(struct crme *r);
/* Listen for the RAE (rae=); the store's version is the start time plus one. */
void crme_rae_start(struct crme *r);
void crme_rae_stop(struct crme *r);
void crme_rae_fini(struct crme *r);
/* The RAE's preferred path to dst: true and *out filled, or false and out->why. */
bool crme_rae_next(struct crme *r, uint32_t dst, struct crme_next *out);
/* The AS of neighbour CRME crme (nbr_as=), or 0. */
uint32_t crme_rae_nbr_as(const struct crme *r, uint32_t crme);

/* ---- ActiveSessions (crme_session.c) ---- */

/* processConsume(): a Consume from a local client or a neighbour CRME. */
void crme_process_consume(struct crme *r, const struct cmsg *m, uint32_t from);
/* A ConsumeReply from upstream. */
void crme_process_reply(struct crme *r, const struct cmsg *m, uint32_t from);
/* A Release from a neighbour CRME downstream. */
void crme_process_release(struct crme *r, const struct cmsg *m, uint32_t from);
/* processNotify(): a local CAFE saw a flow start or end. */
void crme_process_notify(struct crme *r, const struct cmsg *m, uint32_t from, uint16_t sport);
/* The CRME stops: no old path is released any more. */
void crme_sessions_stop(struct crme *r);
/* Forget a session (its hold timer must be idle). */
void crme_session_free(struct crme *r, struct session *s);

#endif /* ENTITIES_CURLING_CRME_INT_H */
