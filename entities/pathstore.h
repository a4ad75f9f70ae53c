/*
 * pathstore.h - the receiving end of the RAE-CME interface (D4.3 section
 * 4.2.3; doc/rae.md, "The RAE-CME interface"), shared by the two
 * entities an RAE reports to: the CME of the decoupled approach
 * (entities/cme/) and the CRME of the coupled one (entities/curling/,
 * D4.3 section 3: the RAE "provides them to CME/CRMEs").
 *
 * It listens on a TCP port, takes the GenericRequests of every RAE that
 * connects (the framing of rae_wire.h), keeps what they say and answers
 * each with a Reply carrying the request's sequence and the store's
 * version (the restart handshake: a new version tells the RAE to send
 * everything again).  Per (AS of the reporting RAE, prefix) it keeps the
 * PathInf last received, packed; per AS the prefixes and provisioning
 * table of ProvInf.  Its owner logs through it with its own entity (its
 * own log kind) and reads it with pathstore_lookup()/pathstore_domain().
 */
#ifndef ENTITIES_PATHSTORE_H
#define ENTITIES_PATHSTORE_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "entities/rae/cmerae.pb-c.h"
#include "entities/rae/rae_wire.h"
#include "sim/entity.h"
#include "sim/net.h"
#include "sim/tcp.h"

/* A store key: the AS of the reporting RAE and a prefix. */
struct ps_key {
	uint32_t as;
	struct prefix pfx;
};

/* What one AS's RAE said about its domain (ProvInf). */
struct ps_domain {
	uint32_t as;
	GArray *prefixes;	/* struct prefix, as received */
	GPtrArray *prov;	/* GBytes*: packed Provisioning messages */
};

struct pathstore;

/* A connection from an RAE. */
struct ps_conn {
	struct pathstore *ps;
	struct tcp_sock *sock;
	struct rae_framer fr;
	char peer[64];
	uint32_t as;		/* of the RAE, from its first request */
};

struct pathstore {
	struct entity *e;	/* the owner: its log, its node, its time */
	uint32_t report;	/* entries logged one a line up to this many */
	uint64_t version;	/* in every Reply */
	struct tcp_sock *listener;
	GPtrArray *conns;	/* struct ps_conn*, in accept order */
	GHashTable *routes;	/* struct ps_key* -> GBytes* (packed PathInf) */
	GHashTable *domains;	/* AS -> struct ps_domain* */
	struct rae_pbarena rx;	/* requests decoded, one at a time */
	bool stopping;		/* in pathstore_stop() */
	uint64_t npaths;	/* paths in the store */
	sim_time_t last_change;	/* last change of the store (0: none) */
	/* called after every request applied (NULL: nobody) */
	void (*applied)(void *ctx, const Comet__Cmerae__GenericRequest *g);
	void *ctx;
	/* statistics */
	uint64_t connections, requests, path_inf, prov_inf, full_reports, malformed;
	uint64_t unreachable;	/* PathInf without paths received */
};

/* An empty store owned by e (nothing listens yet). */
void pathstore_init(struct pathstore *ps, struct entity *e, uint32_t report);
/* Listen on port; false if it is in use.  The version is not changed. */
bool pathstore_listen(struct pathstore *ps, uint16_t port);
/* Reset every RAE connection (RST), each logged "...: connection reset" if log. */
void pathstore_reset_conns(struct pathstore *ps, bool log);
/* The owner stops: connections dropped, listener closed. */
void pathstore_stop(struct pathstore *ps);
/* Forget every path and ProvInf. */
void pathstore_clear(struct pathstore *ps);
void pathstore_fini(struct pathstore *ps);
/* Apply one GenericRequest of AS g->as_number; last_change is now. */
void pathstore_apply(struct pathstore *ps, const Comet__Cmerae__GenericRequest *g);
/*
 * The PathInf (packed) stored for AS `as` and the longest prefix holding
 * a, that prefix in *pfx; NULL if none.
 */
const GBytes *pathstore_lookup(const struct pathstore *ps, uint32_t as, const struct addr *a,
			       struct prefix *pfx);
/* What AS `as` said about its domain (ProvInf), or NULL. */
const struct ps_domain *pathstore_domain(const struct pathstore *ps, uint32_t as);
/* Prefixes with paths in the store. */
unsigned pathstore_prefixes(const struct pathstore *ps);
unsigned pathstore_domains(const struct pathstore *ps);
/* Log the store: the summary, each AS, each entry if there are at most ps->report. */
void pathstore_log(const struct pathstore *ps);
/* A prefix of a message: true if it has an address and no bit beyond its length. */
bool pathstore_prefix_of(const Comet__Rae__Config__Prefix *p, struct prefix *out);

#endif /* ENTITIES_PATHSTORE_H */
