/*
 * cme_int.h - what the files of usr.cme.Cme share: the instance struct and
 * the calls between them.  cme.c (the entity) owns the path store
 * (entities/pathstore.c, the RAEs' connections and what they said, shared
 * with the CRME) and calls the request service (cme_serve.c: client
 * requests, the decision, the CAFE agents); the request service reads the
 * store.  Only these files include it.
 *
 * Of the other entities the CME sees only their wire formats: the RAE's
 * framing (rae_wire.h), its metric and score (rae_score.h) and messages
 * (cmerae.pb-c.h), the CAFE agent's framing and messages (agent_wire.h).
 */
#ifndef ENTITIES_CME_CME_INT_H
#define ENTITIES_CME_CME_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "entities/cafe/agent_wire.h"
#include "entities/cme/cme.h"
#include "entities/pathstore.h"
#include "entities/pbcheck.h"
#include "entities/rae/cmerae.pb-c.h"
#include "entities/rae/rae_score.h"
#include "entities/rae/rae_wire.h"
#include "sim/net.h"
#include "sim/tcp.h"

struct cme;

/* A CAFE agent the CME talks to: one TCP connection, requests answered in order. */
struct cme_agent {
	struct cme *c;
	struct addr addr;
	uint16_t port;
	char name[ADDR_STRLEN + 8];	/* "addr:port" */
	struct tcp_sock *sock;
	bool connected;
	struct cafe_agent_framer fr;
	GQueue ops;			/* struct cme_op*: the head is answered next */
	struct sim_timer timer;		/* the head's answer is due */
	bool failing;			/* the last attempt failed (log the next once) */
	bool collecting;		/* a COLLECT is queued */
	/* statistics */
	uint64_t connects, conn_failures, timeouts;
};

/* A client request and, once decided, its answer. */
struct cme_req {
	struct addr client;
	struct addr to;			/* the CME's address it was sent to: the reply's source */
	uint16_t cport;
	uint64_t seq;
	GBytes *reply;			/* packed ContentReply, NULL while pending */
};

/* A stream the CME configured (or tried to). */
struct cme_stream {
	uint32_t id;
	char *content;
	struct cme_server srv;
	struct addr client;
	uint16_t cport;
	uint32_t cos;
	uint32_t as_path[RAE_MAX_ASPATH];
	unsigned naspath;
	uint64_t size;			/* of the content, for the reply */
	uint8_t keys[CME_MAX_KEYS];
	unsigned nkeys;
	double score;			/* of the path chosen */
	bool configured;		/* the agent said CAFE_SUCCESS */
	bool expired;			/* its record was collected */
};

struct cme {
	struct entity e;
	uint16_t port;
	uint32_t report;
	char *config_path;
	struct cme_config *cfg;		/* NULL: the path store only */
	struct pathstore ps;	/* the RAEs' connections and what they said (pathstore.c) */
	/* the request service (cme_serve.c) */
	struct udp_sock *usock;
	GPtrArray *agents;	/* struct cme_agent* */
	GHashTable *reqs;	/* "addr|port|seq" -> struct cme_req* */
	GHashTable *streams;	/* id -> struct cme_stream* */
	uint32_t next_id;
	struct sim_timer collect_timer;
	uint64_t restarts;	/* by cme_tool restart */
	/* statistics of the service */
	uint64_t content_requests, duplicate_requests, malformed_requests;
	uint64_t accepted, refused;
	uint64_t refused_unknown_content, refused_no_path, refused_no_keys, refused_agent;
	uint64_t refused_other;
	uint64_t collects, expired_streams, expired_bytes, expired_packets;
};

/* cme_serve.c */
int cme_serve_init(struct cme *c, char *err, size_t errlen);
int cme_serve_check(struct cme *c, entity_addr_known_fn known, void *ctx, char *err,
		    size_t errlen);
void cme_serve_start(struct cme *c);
/* Drop the connections to the agents, failing what waits (restart, stop). */
void cme_serve_reset(struct cme *c, const char *why);
void cme_serve_stop(struct cme *c);
void cme_serve_stats(struct cme *c, entity_stat_fn fn, void *ctx);
void cme_serve_fini(struct cme *c);

#endif /* ENTITIES_CME_CME_INT_H */
