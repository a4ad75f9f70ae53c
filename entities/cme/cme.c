/*
 * cme.c - usr.cme.Cme (alias cme): the entity's hooks and the receiving
 * end of the RAE-CME interface (D4.3 section 4.2.3); what the RAEs say
 * goes into the path store (entities/pathstore.c, which the CRME shares),
 * the request service (content
 * requests, the decision, the CAFE agents, expired streams) is in
 * cme_serve.c, doc/cme.md describes them.  This file calls both; they
 * call nothing here (cme_serve.c reads the store through pathstore.h).
 *
 *   usr.cme.Cme <port> [report=N] [config=FILE]
 *
 * Listens on <port>; every connection carries GenericRequests from one
 * RAE (type 16 of the 5-byte framing, cmerae.proto), each answered by a
 * Reply (type 17) with the sequence number of the request and the CME's
 * version: the virtual time in ns at which this instance started, plus
 * one, so that a CME started again has another version and its RAEs send
 * everything again.
 *
 * The store (entities/pathstore.c) keeps, per (AS of the reporting RAE, prefix),
 * the PathInf last received, and per AS its ProvInf.  At the end (stop)
 * the store is logged: a summary per AS, and one line per entry if there
 * are at most `report` of them (default 1000).  A request that cannot be
 * decoded closes its connection (RST), logged and counted.
 * With config=FILE (a <cme-config>, cme_config.c) the CME also serves
 * content requests.
 *
 *   cme_tool restart | report
 *
 * acts on the node's running CME at the tool's time: `restart` does what a
 * CME process started again would (its connections to RAEs and agents
 * reset, its store and answered requests forgotten, a new version: the
 * virtual time plus one), `report` logs the store now.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "entities/cme/cme_int.h"
#include "sim/units.h"

#define CME_USAGE "<port> [report=N] [config=FILE]"
#define CME_DEFAULT_REPORT 1000
#define CME_EXT "cme"		/* the node's CME, for cme_tool */

/* ---- the entity ---- */

static int
cme_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	struct cme *c = (struct cme *)e;
	uint64_t v;

	if (argc < 1) {
		snprintf(err, errlen, "missing <port> (usage: %s)", CME_USAGE);
		return -1;
	}
	if (units_uint("port", argv[0], 1, 65535, &v, err, errlen) < 0)
		return -1;
	c->port = (uint16_t)v;
	c->report = CME_DEFAULT_REPORT;
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "report=", 7) == 0) {
			if (units_uint("report", argv[i] + 7, 0, UINT32_MAX, &v, err, errlen) < 0)
				return -1;
			c->report = (uint32_t)v;
		} else if (strncmp(argv[i], "config=", 7) == 0 && argv[i][7]) {
			g_free(c->config_path);
			/* Relative to the file that names the CME (entity_path). */
			c->config_path = entity_path(e, argv[i] + 7);
		} else {
			snprintf(err, errlen, "unknown argument \"%s\" (usage: %s)", argv[i],
				 CME_USAGE);
			return -1;
		}
	}
	pathstore_init(&c->ps, e, c->report);
	return c->config_path ? cme_serve_init(c, err, errlen) : 0;
}

static int
cme_check(struct entity *e, const struct entity_scope *sc, char *err, size_t errlen)
{
	struct cme *c = (struct cme *)e;

	return c->cfg ? cme_serve_check(c, sc->addr_known, sc->ctx, err, errlen) : 0;
}

static void
cme_start(struct entity *e)
{
	struct cme *c = (struct cme *)e;

	c->ps.version = (uint64_t)sim_now(e->node->net->sim) + 1;
	{
		/* One CME a node for cme_tool; a CME started again replaces one that stopped. */
		struct cme *old = node_ext_get(e->node, CME_EXT);

		if (!old || !old->e.running)
			node_ext_replace(e->node, CME_EXT, c, NULL);
	}
	if (!pathstore_listen(&c->ps, c->port))
		entity_log(e, LOG_ERROR, "cannot listen on TCP port %u: in use", c->port);
	else
		entity_log(e, LOG_INFO, "path store listening on TCP port %u, version %" PRIu64,
			   c->port, c->ps.version);
	if (c->cfg)
		cme_serve_start(c);
}

static void
cme_stop(struct entity *e)
{
	struct cme *c = (struct cme *)e;

	pathstore_stop(&c->ps);
	cme_serve_stop(c);
	pathstore_log(&c->ps);
}

static void
cme_stats(struct entity *e, entity_stat_fn fn, void *ctx)
{
	struct cme *c = (struct cme *)e;

	fn(ctx, "version", c->ps.version);
	fn(ctx, "connections", c->ps.connections);
	fn(ctx, "requests", c->ps.requests);
	fn(ctx, "path_inf", c->ps.path_inf);
	fn(ctx, "prov_inf", c->ps.prov_inf);
	fn(ctx, "full_reports", c->ps.full_reports);
	fn(ctx, "unreachable", c->ps.unreachable);
	fn(ctx, "malformed", c->ps.malformed);
	fn(ctx, "restarts", c->restarts);
	fn(ctx, "store_prefixes", pathstore_prefixes(&c->ps));
	fn(ctx, "store_paths", c->ps.npaths);
	fn(ctx, "store_domains", pathstore_domains(&c->ps));
	fn(ctx, "last_change_ns", (uint64_t)c->ps.last_change);
	cme_serve_stats(c, fn, ctx);
}

static void
cme_fini(struct entity *e)
{
	struct cme *c = (struct cme *)e;

	pathstore_fini(&c->ps);
	cme_serve_fini(c);
	g_free(c->config_path);
}

static const char *const cme_aliases[] = { "cme", NULL };

const struct entity_class cme_class = {
	.name      = "usr.cme.Cme",
	.aliases   = cme_aliases,
	.kind      = "cme",
	.usage     = CME_USAGE,
	.inst_size = sizeof(struct cme),
	.init      = cme_init,		/* port, report limit, configuration */
	.check     = cme_check,		/* servers and agents are nodes of the scenario */
	.start     = cme_start,		/* listen; the version is the start time */
	.stop      = cme_stop,		/* drop the connections, log the store */
	.stats     = cme_stats,
	.fini      = cme_fini,
};

/* ---- cme_tool: the operator's commands ---- */

struct cme_tool {
	struct entity e;
	bool restart;		/* else report */
};

static int
cme_tool_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	struct cme_tool *t = (struct cme_tool *)e;

	if (argc != 1 || (strcmp(argv[0], "restart") != 0 && strcmp(argv[0], "report") != 0)) {
		snprintf(err, errlen, "%s \"%s\" (usage: %s)", argc ? "unknown command" :
			 "missing command", argc ? argv[0] : "", e->cls->usage);
		return -1;
	}
	t->restart = strcmp(argv[0], "restart") == 0;
	return 0;
}

/*
 * As a CME process started again: the connections reset (the RAEs see a
 * RST and reconnect), the store empty, a new version.  The listener stays
 * (the new process would listen on the same port at once); the counters
 * go on, so that they cover the whole run.
 */
static void
cme_restart(struct cme *c)
{
	uint64_t old = c->ps.version;

	pathstore_reset_conns(&c->ps, true);
	pathstore_clear(&c->ps);
	cme_serve_reset(c, "lost its CME (the CME restarted)");
	if (c->reqs)
		g_hash_table_remove_all(c->reqs);
	c->restarts++;
	c->ps.last_change = sim_now(c->e.node->net->sim);
	c->ps.version = (uint64_t)c->ps.last_change + 1;
	entity_log(&c->e, LOG_INFO, "restarted: store emptied, version %" PRIu64 " (was %"
		   PRIu64 ")", c->ps.version, old);
}

static void
cme_tool_start(struct entity *e)
{
	struct cme_tool *t = (struct cme_tool *)e;
	struct cme *c = node_ext_get(e->node, CME_EXT);

	if (!c || !c->e.running) {
		entity_log(e, LOG_ERROR, "no CME is running on %s", e->node->name);
		return;
	}
	if (t->restart)
		cme_restart(c);
	else
		pathstore_log(&c->ps);
}

const struct entity_class cme_tool_class = {
	.name      = "cme_tool",
	.kind      = "cme_tool",
	.usage     = "restart | report",
	.inst_size = sizeof(struct cme_tool),
	.init      = cme_tool_init,	/* the command */
	.start     = cme_tool_start,	/* carried out on the node's CME */
};
