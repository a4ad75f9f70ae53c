/*
 * rae.h - the Routing Awareness Entity (D4.3 chapter 4): the RAE's
 * configuration, the decision process, the RIB, the inter-RAE and
 * RAE-CME messages and the entity itself.
 *
 * The RAE is split by concern, like OpenBSD bgpd's rde_*.c:
 *   rae_config.c      the configuration: ConfigurationMessage (binary,
 *                     config.proto, D4.3 Appendix A) into struct
 *                     rae_config, checked field by field; writing it back
 *   rae_config_xml.c  the same configuration written as XML (<rae-config>,
 *                     rae-config.xsd), for scenarios and `cometsim rae-config`
 *   (entities/pbcheck.c, shared with the CAFE agent and the CME, checks
 *   the protobuf wire format and names the field that is wrong)
 *                     and the byte where a buffer goes wrong
 *   rae_decide.c      metric aggregation and the decision process
 *                     (doc/rae.md)
 *   rae_rib.c         the RIB: prefixes in a hash keyed by prefix, path
 *                     attributes interned and reference counted, AS paths
 *                     shared by every RIB of the process as cells
 *   rae_msg.c         the 5-byte framing and the messages of rae.proto and
 *                     cmerae.proto, decoded into an arena and checked
 *                     (its API is in rae_wire.h, which the CME shares)
 *   rae.c             the entity usr.rae.Rae: arguments, start, stop, report
 *   rae_session.c     its sessions with the peers and their state machine
 *   rae_rde.c         updates and withdrawals in, advertisements out, MRAI
 *   rae_cme.c         its link to the CME and that link's state machine
 *   rae_tool.c        rae_tool, the operator's commands
 * (the entity's files share rae_int.h; the CME sees only rae_wire.h and
 * rae_score.h, the metric and the score).
 *
 * doc/rae.md describes the protocol, the formats and every choice made
 * where D4.3 is silent.  The header lists prototypes grouped by the file
 * that defines them.
 */
#ifndef ENTITIES_RAE_RAE_H
#define ENTITIES_RAE_RAE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

#include "entities/rae/rae_score.h"
#include "entities/rae/rae_wire.h"
#include "sim/addr.h"
#include "sim/entity.h"
#include "sim/sim.h"

#define RAE_MAX_PEERS	64	/* peers of one RAE (bit masks in the RIB) */
#define RAE_AS_ANY	0u	/* a provisioning endpoint for any neighbouring AS */

/* ---- configuration (rae_config.c) ---- */

/* (struct rae_metric and struct rae_dparams are in rae_score.h.) */

/* The metric of one class of service. */
struct rae_cmetric {
	uint32_t cos;
	struct rae_metric m;
};

/*
 * The business relationship of a peer's AS to the local one (the
 * project's extension, doc/rae.md "Policy routing"); the values are those
 * of config.proto's Peer.Relationship.
 */
enum rae_rel {
	RAE_REL_NONE = 0,	/* none given: handled as a customer */
	RAE_REL_CUSTOMER = 1,	/* the peer's AS is our customer */
	RAE_REL_PEER = 2,
	RAE_REL_PROVIDER = 3,	/* the peer's AS is our provider */
};

struct rae_peer_cfg {
	uint32_t asn;
	enum rae_rel rel;		/* relationship, RAE_REL_NONE if absent */
	struct addr ip;
	uint16_t port;
	uint32_t ttl;			/* ttl_value: TTL security, 0 none (doc/rae.md) */
	struct rae_cmetric *classes;	/* the link towards the peer */
	unsigned nclasses;
};

/* One end of an intra-domain part: an own prefix or a neighbouring AS. */
struct rae_endpoint {
	bool is_as;
	uint32_t asn;			/* RAE_AS_ANY: any neighbouring AS */
	struct prefix pfx;
};

struct rae_prov {
	struct rae_endpoint src, sink;
	struct rae_cmetric *classes;
	unsigned nclasses;
};

struct rae_config {
	char *file;			/* where it was read from */
	uint32_t limit;			/* limit_of_preferred_paths, >= 1 */
	uint32_t local_as;
	struct addr local_ip;
	uint16_t local_port;
	uint32_t min_update_interval;	/* seconds; 0: no limit */
	bool has_cme;
	struct addr cme_ip;
	uint16_t cme_port;
	bool flat;			/* decision_with_flat_function */
	struct rae_dparams dp[RAE_MAX_CLASSES];
	unsigned ndp;
	struct rae_peer_cfg *peers;
	unsigned npeers;
	struct prefix *prefixes;
	unsigned nprefixes;
	struct rae_prov *prov;
	unsigned nprov;
};

/*
 * Read a configuration file: the binary ConfigurationMessage, or the XML
 * form if the file starts with '<'.  Returns the configuration, or NULL
 * with a message naming the file (and line, for XML) in err.
 */
struct rae_config *rae_config_load(const char *path, char *err, size_t errlen);
/*
 * As rae_config_load, for a configuration (binary or XML) held in
 * memory; `file` names it in messages.
 */
struct rae_config *rae_config_read(const uint8_t *buf, size_t len, const char *file,
				   char *err, size_t errlen);
/*
 * Read a binary ConfigurationMessage from memory; `file` names it in
 * messages.  NULL with err set.
 */
struct rae_config *rae_config_parse(const uint8_t *buf, size_t len, const char *file,
				    char *err, size_t errlen);
void rae_config_free(struct rae_config *c);
/*
 * Convert a configuration file (binary or XML) into the binary form at
 * `out` (written aside, then renamed).  Returns 0, or -1 with err set.
 */
int rae_config_convert(const char *in, const char *out, char *err, size_t errlen);
/* Write the configuration, one field a line, in a stable form (tests, the CLI). */
void rae_config_dump(const struct rae_config *c, FILE *out);
/* The decision parameters of a class, or NULL. */
const struct rae_dparams *rae_config_dparams(const struct rae_config *c, uint32_t cos);
/* The slot (index in c->dp) of a class, or -1. */
int rae_config_slot(const struct rae_config *c, uint32_t cos);
/*
 * The provisioning entry from source AS `src_as` to the sink: an AS
 * (sink_is_as) or the own prefix `pfx` (the entry whose sink prefix is
 * the longest that contains it).  An entry that names the source AS wins
 * over one for any AS (RAE_AS_ANY); then one that names the sink AS over
 * one for any; a wildcard never pairs an AS with itself (a hairpin needs
 * its own entry).  NULL if none.
 */
const struct rae_prov *rae_config_prov(const struct rae_config *c, uint32_t src_as,
				       bool sink_is_as, uint32_t sink_as,
				       const struct prefix *pfx);
/* "customer", "peer", "provider", or "none". */
const char *rae_rel_name(enum rae_rel rel);
/* The metric of class `cos` in a class table, or NULL. */
const struct rae_metric *rae_cmetric_find(const struct rae_cmetric *v, unsigned n,
					  uint32_t cos);

/* ---- the XML form (rae_config_xml.c) ---- */

/*
 * Parse and validate a <rae-config> document held in buf; returns the
 * packed ConfigurationMessage (g_free it) in *out, or -1 with
 * "file:line: message" in err.  lines receives, for each field path
 * ("peer_table[1].remote_ip_address"), the line that wrote it, so that
 * later checks can cite it; it may be NULL.
 */
int rae_config_xml_pack(const char *buf, size_t len, const char *file, uint8_t **out,
			size_t *outlen, GHashTable *lines, char *err, size_t errlen);

/* ---- decision process (rae_decide.c; the metric and the score are in rae_score.h) ---- */

/* ---- the RIB (rae_rib.c) ---- */

#define RAE_PEER_NONE	0xffff

/*
 * An AS path, as a cell of the process's shared store: its first AS in
 * front of the rest of the path, itself a cell (NULL after the origin).
 * Every RIB of the process shares the cells: the path an RAE learns from
 * peer A is one cell in front of the cell that holds A's own path.  One
 * cell per distinct (AS, rest), reference counted (a cell holds one
 * reference on its rest).
 */
struct rae_aspath {
	struct rae_aspath *rest;	/* NULL: asn is the origin */
	uint32_t asn;		/* the first AS: the next-hop AS of a RIB's path */
	uint32_t refcnt;
	uint32_t hash;		/* of the whole sequence, from the content */
	uint16_t len;		/* ASes from this one to the origin */
};

/*
 * What a path carries: its AS path and, per class slot, its metric (the
 * score is computed from it when the decision needs it: storing it cost
 * more memory than computing it costs time).  Interned when shared: the
 * prefixes of one Route of many share one.  The attributes of a Route of
 * one prefix are held in the path itself (struct rae_path): no object,
 * table entry or pointer of their own.
 */
struct rae_attr {
	uint32_t refcnt;
	uint32_t hash;
	struct rae_aspath *aspath;
	uint8_t classmask;	/* class slots the path offers */
	uint8_t nslots;		/* metrics in m[] (the RIB's class count) */
	struct rae_metric m[];	/* by slot */
};

/*
 * The metrics of a path, one a class slot (unused slots zero), as a
 * vector of the process's shared store: paths whose metrics are the same
 * bytes hold one vector (on a graph of uniform links nearly every path
 * has the metrics of every other).  Reference counted.
 */
struct rae_mvec {
	uint32_t refcnt;
	uint32_t hash;
	uint8_t nslots;
	struct rae_metric m[];
};

/*
 * A path to a prefix learned from one peer, with its attributes: shared
 * (classmask 0: u.attr, interned) or its own (classmask, the classes it
 * offers, never 0; u.aspath, and the metrics in struct rae_path_own).
 * Read them with rae_path_aspath(), rae_path_classes() and
 * rae_path_metric().
 */
struct rae_path {
	struct rae_path *next;	/* the prefix's candidate list */
	union {
		struct rae_attr *attr;		/* shared */
		struct rae_aspath *aspath;	/* its own */
	} u;
	uint16_t peer;		/* peer index */
	uint8_t pref;		/* class slots for which it is preferred */
	uint8_t classmask;	/* its own attributes' classes; 0: shared */
};

/* A path with its own attributes. */
struct rae_path_own {
	struct rae_path p;
	struct rae_mvec *mv;	/* its metrics, by slot */
};

static inline const struct rae_aspath *
rae_path_aspath(const struct rae_path *p)
{
	return p->classmask ? p->u.aspath : p->u.attr->aspath;
}

static inline uint8_t
rae_path_classes(const struct rae_path *p)
{
	return p->classmask ? p->classmask : p->u.attr->classmask;
}

static inline const struct rae_metric *
rae_path_metric(const struct rae_path *p, unsigned slot)
{
	return p->classmask ? &((const struct rae_path_own *)p)->mv->m[slot] : &p->u.attr->m[slot];
}

/*
 * A destination prefix, by its number in the process (rae_prefix_of):
 * every RIB of the process numbers the prefixes alike and none holds a
 * copy.  Which peers were sent paths to it and whose queues hold it are
 * bits of the RIB's per-peer bit arrays indexed by the number
 * (rae_dest_adv, rae_dest_queued); the destination counts them.
 */
struct rae_dest {
	struct rae_path *paths;
	uint32_t num;		/* the prefix */
	uint8_t flags;		/* RAE_DEST_* */
	uint8_t nadv;		/* peers that were sent paths to it */
	uint8_t nqueued;	/* peers whose queue holds it */
};

#define RAE_DEST_LOCAL		0x01	/* an own prefix (prefix_table) */
#define RAE_DEST_CME_QUEUED	0x02	/* in the CME queue */
#define RAE_DEST_CME_KNOWN	0x04	/* the CME was told of paths to it */

/* The parameters the decision process needs. */
struct rae_decide_params {
	const struct rae_dparams *dp;	/* by slot */
	unsigned nslots;
	bool flat;
	uint32_t limit;
	/*
	 * By peer index, the preference class of what the peer offers
	 * (rae_rel_class: 0 customer or none, 1 peer, 2 provider); NULL:
	 * every peer is in class 0, the decision of D4.3 alone.
	 */
	const uint8_t *peer_class;
};

/* One bit a prefix number (rae_rib.c). */
struct rae_bits {
	uint64_t *w;
	size_t nw;		/* words in w */
};

/* Objects of one size from chunks, with a free list (rae_rib.c). */
struct rae_pool {
	size_t size;		/* of an object, a multiple of 8 */
	void *free;		/* free objects, linked through their first bytes */
	size_t next;		/* objects in the next chunk */
};

struct rae_rib {
	struct rae_dest **slot;		/* open addressing, linear probing */
	size_t nslot, count;
	GHashTable *attrs;		/* struct rae_attr* set */
	unsigned nslots;		/* class slots */
	struct rae_decide_params dp;
	/*
	 * pools: every destination, path and attribute comes from chunks
	 * that grow with the RIB (the AS paths are the process's store's)
	 */
	GPtrArray *chunks;
	size_t pool_bytes;		/* in the chunks */
	struct rae_pool dest_pool, path_pool, attr_pool;
	struct rae_pool own_pool;	/* paths with their own attributes */
	/* by peer index, what was advertised to it and what its queue holds */
	struct rae_bits *adv, *queued;
	unsigned nbits;			/* peers in adv and queued */
	uint64_t npaths;
};

/* An empty RIB deciding with the given parameters (copied by reference). */
void rae_rib_init(struct rae_rib *rib, const struct rae_decide_params *dp);
void rae_rib_fini(struct rae_rib *rib);
/* The destination of a prefix, or NULL. */
struct rae_dest *rae_rib_lookup(const struct rae_rib *rib, const struct prefix *pfx);
/*
 * The process's numbering of prefixes: the number of a prefix (numbered
 * on first use; numbers are never reused), the prefix of a number.
 */
uint32_t rae_prefix_num(const struct prefix *pfx);
const struct prefix *rae_prefix_of(uint32_t num);
static inline const struct prefix *
rae_dest_prefix(const struct rae_dest *d)
{
	return rae_prefix_of(d->num);
}
/* Whether peer `peer` was sent paths to d; whether its queue holds d. */
bool rae_dest_adv(const struct rae_rib *rib, const struct rae_dest *d, unsigned peer);
bool rae_dest_queued(const struct rae_rib *rib, const struct rae_dest *d, unsigned peer);
/* Set or clear those bits (the destination's counts follow). */
void rae_dest_set_adv(struct rae_rib *rib, struct rae_dest *d, unsigned peer, bool on);
void rae_dest_set_queued(struct rae_rib *rib, struct rae_dest *d, unsigned peer, bool on);
/* The destination of a prefix, created empty if new. */
struct rae_dest *rae_rib_get(struct rae_rib *rib, const struct prefix *pfx);
/*
 * Hints that change nothing but when memory is read: start loading the
 * slot where rae_rib_get() will look for pfx (stage 0), or the
 * destination that slot holds, once the slot was loaded (stage 1).  An
 * update is applied prefix after prefix, each a few memory reads in a
 * table too large for the caches: asking for the next ones ahead lets
 * those reads overlap.
 */
void rae_rib_prefetch(const struct rae_rib *rib, const struct prefix *pfx, int stage);
/* Free d if nothing holds it: no path, not local, not queued, not advertised. */
void rae_rib_release(struct rae_rib *rib, struct rae_dest *d);
/* Call fn for every destination, in slot order (not sorted). */
void rae_rib_foreach(struct rae_rib *rib, void (*fn)(struct rae_dest *d, void *ctx),
		     void *ctx);
/*
 * Every destination (but the own prefixes if skip_local) sorted by prefix
 * (family, address, length); g_free the array.
 */
struct rae_dest **rae_rib_sorted(const struct rae_rib *rib, bool skip_local, size_t *n);
/*
 * The AS path asn[0..len) from the shared store (a new reference); len is
 * 1 to RAE_MAX_ASPATH.
 */
struct rae_aspath *rae_aspath_get(const uint32_t *asn, unsigned len);
/*
 * The same kind of hint for rae_aspath_get(asn, len): the slot where the
 * rest of the path will be looked for (stage 0), the cell it holds
 * (stage 1).
 */
void rae_aspath_prefetch(const uint32_t *asn, unsigned len, int stage);
void rae_aspath_put(struct rae_aspath *p);
bool rae_aspath_contains(const struct rae_aspath *p, uint32_t asn);
/* The ASes of p, first to origin, into out (p->len of them); returns p->len. */
unsigned rae_aspath_copy(const struct rae_aspath *p, uint32_t *out);
/* Cells in the shared store, and the bytes it holds (cells, table, free ones). */
size_t rae_aspath_cells(void);
size_t rae_aspath_store_bytes(void);
/* The metric vector m[0..nslots) from the shared store (a new reference). */
struct rae_mvec *rae_mvec_get(const struct rae_metric *m, unsigned nslots);
void rae_mvec_put(struct rae_mvec *v);
/* Vectors in the shared store, and the bytes it holds. */
size_t rae_mvec_count(void);
size_t rae_mvec_store_bytes(void);
/*
 * Distinct AS paths the RIB's paths hold (counted by a walk: the cells
 * are shared, so no RIB keeps a table of its own).
 */
size_t rae_rib_aspaths(const struct rae_rib *rib);
/* Distinct attribute sets (AS path, classes, metrics) the RIB's paths hold, by a walk. */
size_t rae_rib_attrs(const struct rae_rib *rib);
/* Bytes of an attribute object of the RIB (a template for rae_rib_update). */
size_t rae_attr_size(const struct rae_rib *rib);
/*
 * Interned attributes (a new reference; takes its own reference on
 * aspath).  m has rib->nslots entries; only those in classmask count.
 */
struct rae_attr *rae_attr_get(struct rae_rib *rib, struct rae_aspath *aspath,
			      uint8_t classmask, const struct rae_metric *m);
void rae_attr_put(struct rae_rib *rib, struct rae_attr *a);
/*
 * Replace the paths peer `peer` offers to d by `n` attributes (n = 0
 * removes them), then run the decision process for d.  An interned
 * attribute (rae_attr_get) is shared by the path; one the caller filled
 * itself with refcnt 0 (unused metric slots zeroed; the caller keeps its
 * reference on aspath) is copied into the path.  Takes no reference from
 * the caller.  Returns true if the preferred paths of d changed.
 */
bool rae_rib_update(struct rae_rib *rib, struct rae_dest *d, uint16_t peer,
		    struct rae_attr *const *attrs, unsigned n);
/*
 * The decision process for one destination (doc/rae.md): sets
 * each candidate's pref bits.  Returns true if any changed.
 */
bool rae_decide(const struct rae_decide_params *dp, struct rae_dest *d);
/*
 * The preferred paths of d for class slot `slot`, in the order the
 * decision ranked them, into v (at most cap); returns how many.
 */
unsigned rae_decide_ranked(const struct rae_decide_params *dp, const struct rae_dest *d,
			   unsigned slot, const struct rae_path **v, unsigned cap);
/*
 * The policy (the project's extension, doc/rae.md "Policy routing"): the
 * preference class of a relationship, 0 customer (and none), 1 peer,
 * 2 provider, lower preferred before the score is looked at.
 */
unsigned rae_rel_class(enum rae_rel rel);
/*
 * Whether a path learned from a peer whose relationship is `from` may be
 * advertised to a peer whose relationship is `to`: what customers (and
 * peers without relationship) offer goes to everyone, what peers and
 * providers offer only to customers (and peers without relationship).
 */
bool rae_rel_exports(enum rae_rel from, enum rae_rel to);
/*
 * Memory the RIB holds, in bytes: the slot table and the pools exactly,
 * the interning table estimated; not the AS paths, which are the
 * process's (rae_aspath_store_bytes).
 */
size_t rae_rib_memory(const struct rae_rib *rib);

/* ---- messages (rae_msg.c; the framing and decoding are in rae_wire.h) ---- */

/* A prefix from its text and length: 0, or -1 with why (host bits are an error). */
int rae_msg_prefix(const char *ip, bool has_len, uint32_t len, struct prefix *out,
		   char *why, size_t whylen);
/* (rae_msg_metric, a metric from a message's fields, is in rae_score.h.) */

/* ---- the entity (rae.c; its other files share rae_int.h) ---- */

/* usr.rae.Rae, alias rae. */
extern const struct entity_class rae_class;

/* ---- the operator's commands (rae_tool.c) ---- */

/* rae_tool announce|withdraw <prefix> | report: the node's RAE at run time. */
extern const struct entity_class rae_tool_class;

#endif /* ENTITIES_RAE_RAE_H */
