/*
 * cme.c - usr.cme.Cme (alias cme): the entity's hooks and the receiving
 * end of the RAE-CME interface (D4.3 section 4.2.3); what the RAEs say
 * goes into the path store (cme_store.c), the request service (content
 * requests, the decision, the CAFE agents, expired streams) is in
 * cme_serve.c, doc/cme.md describes them.  This file calls both; they
 * call nothing here (cme_serve.c reads the store through cme_store.c).
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
 * The store (cme_store.c) keeps, per (AS of the reporting RAE, prefix),
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
	c->conns = g_ptr_array_new();
	cme_store_init(c);
	rae_pbarena_init(&c->rx);
	return c->config_path ? cme_serve_init(c, err, errlen) : 0;
}

static int
cme_check(struct entity *e, const struct entity_scope *sc, char *err, size_t errlen)
{
	struct cme *c = (struct cme *)e;

	return c->cfg ? cme_serve_check(c, sc->addr_known, sc->ctx, err, errlen) : 0;
}

/* ---- the RAEs' connections ---- */

static void
cme_conn_close(struct cme_conn *cn, bool abort)
{
	struct tcp_sock *s = cn->sock;

	cn->sock = NULL;
	if (s) {
		tcp_set_callbacks(s, NULL, NULL);
		/*
		 * At the end of the run (stopping on a node that is up) the stack
		 * frees the socket; a RST to a peer on the same node would stay
		 * in a pending event.
		 */
		if (!cn->c->stopping || !cn->c->e.node->up) {
			if (abort)
				tcp_abort(s);
			else
				tcp_close(s);
		}
	}
	rae_framer_fini(&cn->fr);
}

static void
cme_reply(struct cme_conn *cn, uint64_t seq)
{
	Comet__Cmerae__Reply r = COMET__CMERAE__REPLY__INIT;
	GByteArray *b = g_byte_array_new();

	r.has_version = 1;
	r.version = cn->c->version;
	r.has_sequence = 1;
	r.sequence = seq;
	rae_frame_append(b, RAE_MSG_CME_REPLY, &r.base);
	tcp_send(cn->sock, b->data, b->len);
	g_byte_array_free(b, TRUE);
}

static void
cme_tcp_recv(struct tcp_sock *s, void *ctx, const uint8_t *data, size_t len)
{
	struct cme_conn *cn = ctx;
	struct cme *c = cn->c;
	const uint8_t *body;
	unsigned type;
	size_t blen;
	char why[512];
	int rc;

	if (cn->sock != s)
		return;
	rae_framer_push(&cn->fr, data, len);
	while ((rc = rae_framer_next(&cn->fr, &type, &body, &blen, why, sizeof(why))) == 1) {
		struct ProtobufCMessage *m = NULL;

		if (type == RAE_MSG_CME_REQUEST)
			m = rae_msg_decode(type, body, blen, &c->rx, why, sizeof(why));
		else
			snprintf(why, sizeof(why), "message type %u is not a GenericRequest", type);
		if (!m) {
			rc = -1;
			break;
		}
		{
			const Comet__Cmerae__GenericRequest *g =
				(const Comet__Cmerae__GenericRequest *)m;

			c->requests++;
			entity_log(&c->e, LOG_DEBUG, "%s: request %" PRIu64 " from AS %" PRIu32
				   ": %zu path_inf%s%s", cn->peer, g->sequence, g->as_number,
				   g->n_path_inf, g->prov_inf ? ", prov_inf" : "",
				   g->has_full && g->full ? ", full" : "");
			cn->as = g->as_number;
			cme_store_apply(c, g);
			cme_reply(cn, g->sequence);
		}
	}
	if (rc < 0) {
		c->malformed++;
		entity_log(&c->e, LOG_WARN, "%s: %s: connection reset", cn->peer, why);
		cme_conn_close(cn, true);
	}
}

static void
cme_tcp_eof(struct tcp_sock *s, void *ctx)
{
	struct cme_conn *cn = ctx;

	if (cn->sock == s)
		cme_conn_close(cn, false);
}

static void
cme_tcp_closed(struct tcp_sock *s, void *ctx, enum tcp_close_reason why)
{
	struct cme_conn *cn = ctx;

	if (cn->sock != s)
		return;
	cn->sock = NULL;
	rae_framer_fini(&cn->fr);
	entity_log(&cn->c->e, LOG_INFO, "%s: connection closed", cn->peer);
}

static const struct tcp_callbacks cme_cbs = {
	.recv = cme_tcp_recv,
	.eof = cme_tcp_eof,
	.closed = cme_tcp_closed,
};

static void
cme_accept(struct tcp_sock *l, struct tcp_sock *conn, void *ctx)
{
	struct cme *c = ctx;
	struct cme_conn *cn = g_new0(struct cme_conn, 1);
	struct addr la, ra;
	uint16_t lp, rp;
	char a[ADDR_STRLEN];

	tcp_endpoints(conn, &la, &lp, &ra, &rp);
	cn->c = c;
	cn->sock = conn;
	rae_framer_init(&cn->fr);
	snprintf(cn->peer, sizeof(cn->peer), "RAE %s:%u", addr_fmt(&ra, a), rp);
	g_ptr_array_add(c->conns, cn);
	c->connections++;
	tcp_set_callbacks(conn, &cme_cbs, cn);
	entity_log(&c->e, LOG_INFO, "%s: connected", cn->peer);
}

static void
cme_start(struct entity *e)
{
	struct cme *c = (struct cme *)e;

	c->version = (uint64_t)sim_now(e->node->net->sim) + 1;
	{
		/* One CME a node for cme_tool; a CME started again replaces one that stopped. */
		struct cme *old = node_ext_get(e->node, CME_EXT);

		if (!old || !old->e.running)
			node_ext_replace(e->node, CME_EXT, c, NULL);
	}
	c->listener = tcp_listen(e->node, c->port, cme_accept, c);
	if (!c->listener)
		entity_log(e, LOG_ERROR, "cannot listen on TCP port %u: in use", c->port);
	else
		entity_log(e, LOG_INFO, "path store listening on TCP port %u, version %" PRIu64,
			   c->port, c->version);
	if (c->cfg)
		cme_serve_start(c);
}

static void
cme_stop(struct entity *e)
{
	struct cme *c = (struct cme *)e;

	c->stopping = true;
	for (guint i = 0; i < c->conns->len; i++)
		cme_conn_close(g_ptr_array_index(c->conns, i), true);
	if (c->listener) {
		tcp_unlisten(c->listener);
		c->listener = NULL;
	}
	cme_serve_stop(c);
	cme_store_log(c);
}

static void
cme_stats(struct entity *e, entity_stat_fn fn, void *ctx)
{
	struct cme *c = (struct cme *)e;

	fn(ctx, "version", c->version);
	fn(ctx, "connections", c->connections);
	fn(ctx, "requests", c->requests);
	fn(ctx, "path_inf", c->path_inf);
	fn(ctx, "prov_inf", c->prov_inf);
	fn(ctx, "full_reports", c->full_reports);
	fn(ctx, "unreachable", c->unreachable);
	fn(ctx, "malformed", c->malformed);
	fn(ctx, "restarts", c->restarts);
	fn(ctx, "store_prefixes", g_hash_table_size(c->routes));
	fn(ctx, "store_paths", c->npaths);
	fn(ctx, "store_domains", g_hash_table_size(c->domains));
	fn(ctx, "last_change_ns", (uint64_t)c->last_change);
	cme_serve_stats(c, fn, ctx);
}

static void
cme_fini(struct entity *e)
{
	struct cme *c = (struct cme *)e;

	if (c->conns) {
		for (guint i = 0; i < c->conns->len; i++) {
			struct cme_conn *cn = g_ptr_array_index(c->conns, i);

			rae_framer_fini(&cn->fr);
			g_free(cn);
		}
		g_ptr_array_free(c->conns, TRUE);
	}
	cme_store_fini(c);
	rae_pbarena_fini(&c->rx);
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
	uint64_t old = c->version;

	for (guint i = 0; i < c->conns->len; i++) {
		struct cme_conn *cn = g_ptr_array_index(c->conns, i);

		if (cn->sock) {
			cme_conn_close(cn, true);
			entity_log(&c->e, LOG_INFO, "%s: connection reset", cn->peer);
		}
	}
	cme_store_clear(c);
	cme_serve_reset(c, "lost its CME (the CME restarted)");
	if (c->reqs)
		g_hash_table_remove_all(c->reqs);
	c->npaths = 0;
	c->restarts++;
	c->last_change = sim_now(c->e.node->net->sim);
	c->version = (uint64_t)c->last_change + 1;
	entity_log(&c->e, LOG_INFO, "restarted: store emptied, version %" PRIu64 " (was %"
		   PRIu64 ")", c->version, old);
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
		cme_store_log(c);
}

const struct entity_class cme_tool_class = {
	.name      = "cme_tool",
	.kind      = "cme_tool",
	.usage     = "restart | report",
	.inst_size = sizeof(struct cme_tool),
	.init      = cme_tool_init,	/* the command */
	.start     = cme_tool_start,	/* carried out on the node's CME */
};
