/*
 * cme.h - the Content Mediation Entity (COMET D3.3, D4.3 sections 3,
 * 4.2.3, 5.2.3): class usr.cme.Cme.
 *
 * The CME keeps the paths its RAEs report (the RAE-CME interface,
 * entities/rae/cmerae.proto), answers content requests from clients
 * (entities/cme/cmeclient.proto over UDP) by choosing a server and a path
 * with the decision function of the RAE (rae_score), maps the path to the
 * forwarding keys of the CAFEs on it (the key plan of its configuration)
 * and configures the server's edge CAFE through the CAFE agent
 * (entities/cafe/cmecafe.proto over TCP); it collects the expired streams
 * of those agents periodically.  doc/cme.md describes it.
 *
 * The configuration (cme_config.c) is an XML file, <cme-config>, checked
 * against cme-config.xsd; its types are here so that the unit tests can
 * load one.  Prototypes are grouped by the file that defines them.
 */
#ifndef ENTITIES_CME_CME_H
#define ENTITIES_CME_CME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "entities/rae/rae_score.h"
#include "sim/addr.h"
#include "sim/entity.h"

#define CME_CLIENT_PORT		9091	/* default UDP port of the request interface */
#define CME_MAX_KEYS		255	/* keys of one stream (the COMET header's limit) */

/* A server of a content and the agent of its edge CAFE. */
struct cme_server {
	struct addr addr;
	uint16_t port;
	uint32_t as;			/* its domain */
	struct addr agent;
	uint16_t agent_port;
	int line;
};

struct cme_content {
	char *name;
	uint64_t size;			/* bytes */
	struct cme_server *servers;	/* in file order (the last tie-break) */
	unsigned nservers;
	int line;
};

/*
 * The keys the CAFEs of domain `as` use for a stream that enters from AS
 * `from` (none: the stream starts in the domain; from_any: from any
 * neighbouring AS that has no entry of its own) and leaves towards AS
 * `to` (none: it ends in the domain).
 */
struct cme_keyplan {
	uint32_t as, from, to;		/* from 0 when from_any */
	bool has_from, has_to;
	bool from_any;			/* from="any" (has_from is true too) */
	uint8_t keys[CME_MAX_KEYS];
	unsigned nkeys;
	int line;
};

struct cme_class {
	struct rae_dparams dp;		/* dp.cos: the class id */
	unsigned cafe_cos;		/* 0 BE, 1 BTBE, 2 PR: what the CAFE writes */
};

struct cme_config {
	char *file;
	uint16_t client_port;
	double collect_interval;	/* seconds; 0: never */
	double agent_timeout;		/* seconds */
	uint32_t refresh_time;		/* idle timeout of a configured stream, seconds */
	bool flat;			/* decision_with_flat_function */
	struct cme_class classes[RAE_MAX_CLASSES];
	unsigned nclasses;
	struct cme_content *contents;
	unsigned ncontents;
	struct cme_keyplan *keyplans;
	unsigned nkeyplans;
	GHashTable *keyindex;		/* entry and exit -> index + 1 in keyplans */
};

/* cme_config.c */

/* Read and check a <cme-config> file: the configuration, or NULL with err "file:line: ...". */
struct cme_config *cme_config_load(const char *path, char *err, size_t errlen);
/* The same from memory (file names the buffer in messages). */
struct cme_config *cme_config_parse(const char *buf, size_t len, const char *file, char *err,
				    size_t errlen);
void cme_config_free(struct cme_config *c);
const struct cme_content *cme_config_content(const struct cme_config *c, const char *name);
const struct cme_class *cme_config_class(const struct cme_config *c, uint32_t cos);
/*
 * The key plan entry of domain `as` for a stream from `from` (has_from
 * false: it starts there) to `to` (has_to false: it ends there): the
 * entry with that exact `from`, else, for a stream that enters from a
 * neighbour, the domain's from="any" entry for the same exit; NULL if
 * neither.  The entry belongs to the configuration.
 */
const struct cme_keyplan *cme_config_keys(const struct cme_config *c, uint32_t as,
					  bool has_from, uint32_t from, bool has_to, uint32_t to);

/* cme.c */
extern const struct entity_class cme_class;
extern const struct entity_class cme_tool_class;	/* cme_tool restart | report */

#endif /* ENTITIES_CME_CME_H */
