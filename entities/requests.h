/*
 * requests.h - requests.csv, one record per content request of a run,
 * from the clients of both approaches (usr.cme.Client, the decoupled
 * approach's; usr.curling.ContentClient, the coupled approach's), so
 * that a study compares their delivery times, paths and outcomes from
 * one file (doc/outputs.md, "requests.csv").
 *
 * The table is one for the run, kept in a run-wide extension of the
 * network (net_ext_set, sim/net.h), as the RAEs keep rae-paths.csv.  A
 * client adds its record when it makes its request and keeps it up to
 * date as the request goes on (the record belongs to the table, the
 * client holds a pointer to it); the extension's end call, made once
 * when the run ends and before any entity stops, writes every record in
 * order.  A request still under way then is written as it stands, with
 * the outcome REQ_PENDING.
 */
#ifndef ENTITIES_REQUESTS_H
#define ENTITIES_REQUESTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "sim/sim.h"

struct entity;
struct net;

/* How a request ended; the words of the `outcome` column (requests.c). */
enum req_outcome {
	REQ_PENDING = 0,	/* still under way when the run ended */
	REQ_COMPLETE,		/* every byte of the content arrived */
	REQ_INCOMPLETE,		/* the client ended the transfer without every byte */
	REQ_REFUSED,		/* the CME or a CRME refused the request */
	REQ_NOT_FOUND,		/* no one has it (the CRMEs; the server of a direct fetch) */
	REQ_NO_ANSWER,		/* a request went unanswered and the client gave up */
	REQ_STOPPED,		/* the client's node stopped before an answer */
	REQ_ERROR,		/* the client could not open its socket or its connection */
	REQ_OUTCOMES
};

enum req_approach {
	REQ_DECOUPLED = 0,
	REQ_COUPLED,
};

#define REQ_SERVER_MAX	56	/* "[IPv6]:port" and a NUL */

/* One request; the client that made it writes the fields as they become known. */
struct request_rec {
	sim_time_t time;	/* when the request was made */
	char *node;		/* the client's node */
	uint16_t port;		/* the client's port (its transfer's, or its requester's) */
	char *content;
	enum req_approach approach;
	char server[REQ_SERVER_MAX];	/* "address:port", "" while unknown */
	char *as_path;		/* space-separated ASes, NULL while unknown */
	int64_t path_len;	/* AS hops, -1 while unknown */
	sim_time_t first_byte;	/* since time, -1: no content byte yet */
	sim_time_t completion;	/* since time, -1: not complete */
	uint64_t bytes;		/* content bytes received */
	uint64_t size;		/* the content's size, when size_known */
	bool size_known;
	enum req_outcome outcome;
	uint64_t seq;		/* order of the records' creation: the last sort key */
	/*
	 * The coupled approach's path, from the CRMEs that handle the
	 * request's Consume (requests_crme): their ASes, the client's
	 * domain's first, and once the way reaches the content's source or a
	 * flow of it, the rest of the way to the server's AS (way_done).
	 */
	GArray *crmes;		/* uint32_t, NULL until a CRME tells */
	bool way_done;
};

/* What a CRME did with a request's Consume (requests_crme). */
enum req_hop {
	REQ_HOP_ON = 0,		/* sent it on towards the source */
	REQ_HOP_SOURCE,		/* the content's server is in its domain */
	REQ_HOP_JOIN,		/* the content already flows there: the request joined that flow */
};

/* requests.c */

/*
 * A new record in the run's table (created at the first), for a request
 * the running client e makes now from `port`: outcome REQ_PENDING,
 * nothing else known.  The table owns it until the network goes away.
 */
struct request_rec *requests_add(struct entity *e, uint16_t port, const char *content,
				 enum req_approach approach);
/* The first content byte arrived now (kept if one came before). */
void requests_first_byte(struct request_rec *r, sim_time_t now);
/*
 * The path the content takes: the server's AS when has_first (the
 * decoupled reply's server_as), then the n ASes of path; path_len is n,
 * the AS hops after the server's AS.
 */
void requests_set_path(struct request_rec *r, bool has_first, uint32_t first,
		       const uint32_t *path, size_t n);
/*
 * The coupled approach: the client's IPv4 address (host order), by which,
 * with the record's port and content, the CRMEs name the request.
 */
void requests_key(struct entity *e, struct request_rec *r, uint32_t addr);
/*
 * The CRME at address `self` (IPv4, host order) of AS `as` handled a
 * Consume of the request (addr, port, content) as `how` says: for
 * REQ_HOP_ON it made a session whose content comes from the CRME at
 * `up`; for REQ_HOP_SOURCE the content's server is in its domain; for
 * REQ_HOP_JOIN its session for the content already had a way.  A repair
 * (`repair`) makes sessions but is not a request of its own.  When the
 * run ends, the record's as_path is the content's way, from the server's
 * AS to the client's.  Nothing is kept of a request no client named
 * (requests_key).
 */
void requests_crme(struct net *net, uint32_t self, uint32_t as, uint32_t addr, uint16_t port,
		   const char *content, enum req_hop how, uint32_t up, bool repair);
/*
 * A coupled request is complete: its way becomes the one the content
 * came by at the end, from its client's domain through the CRMEs'
 * sessions as they are now (a route optimisation may have moved the flow
 * since the Consume went up).  Unchanged if a CRME on it told nothing.
 */
void requests_way_final(struct entity *e, struct request_rec *r);
/* The word of an outcome ("complete", ...). */
const char *requests_outcome_name(enum req_outcome o);

/*
 * A split run (doc/parallel.md), process 0, every process's part written
 * in dir: requests.csv as one process writes it.  Each process wrote down
 * what its clients and CRMEs did with the table, each step after its place
 * in the run (struct stats_stamp), and its records; they are done again
 * here in the run's order, on one table: the CRMEs' ways are those one
 * process finds.  claim(ctx, name) gives the path of a file the run makes
 * (the output layer's, output_claim), NULL when refused.  The parts are
 * removed.  0, or -1 with err set.
 */
int requests_merge(const char *dir, int nranks, char *(*claim)(void *ctx, const char *name),
		   void *ctx, char *err, size_t errlen);

#endif /* ENTITIES_REQUESTS_H */
