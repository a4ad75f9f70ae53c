/*
 * content_client.c - usr.curling.ContentClient (alias
 * usr.curling.ContentConsumer): requests one content from its CRME and
 * saves what its CAFE delivers (D4.3 sections 6.3.2.3 and 6.4).
 *
 *   usr.curling.ContentClient myport myCRMEaddr myCRMEport myCAFEaddr
 *       myCAFEport ContentID [timeout=DURATION] [stall=DURATION]
 *       [retries=N]
 *
 * At start the client sends a Consume to its CRME; the CRME's answer
 * (ConsumeReply) either accepts the request, with the content's size,
 * or refuses it, which the client logs and ends with.  No answer within
 * `timeout` (default 5s) ends it too.  Chunks may come before the
 * answer: they are kept by sequence number, duplicates counted.
 *
 * When every chunk is in, the content is written to
 * Content/<address> <port>/<ContentID> in the run directory (kept in
 * memory when there is none) and D4.3's line is logged:
 *   CC: Content MyContent1 received and saved to: ./Content/4.3 1000/MyContent1
 * If the last chunk came and some are missing, or nothing came for
 * `stall` (default 2s), the client asks again for the missing range,
 * `retries` times at most (default 3), then gives up and logs what it
 * has.  Log kind "cclient"; lines start "CC:".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "entities/curling/curling.h"
#include "sim/net.h"

#define CLIENT_USAGE "myport myCRMEaddr myCRMEport myCAFEaddr myCAFEport ContentID " \
		     "[timeout=DURATION] [stall=DURATION] [retries=N]"
#define DEFAULT_TIMEOUT	(5 * SIM_S)
#define DEFAULT_STALL	(2 * SIM_S)
#define DEFAULT_RETRIES	3
#define REPAIR_DELAY	(200 * SIM_MS)	/* after a last chunk with gaps: let states go */

/*
 * The client's states; every change goes through client_state(), which
 * logs it (debug):
 *
 *   IDLE --start: Consume--> ASKING --ConsumeReply ok, or a chunk--> RECEIVING
 *                              |  \                                   |  |  ^
 *             ConsumeReply not ok  no answer in `timeout`        all in  |  | repair:
 *                              v    v                                v   |  | Consume for
 *                        REFUSED   FAILED <--retries spent, or--  DONE   |  | the missing
 *                                           repair unanswered          `--' range
 */
enum cstate {
	CS_IDLE = 0,
	CS_ASKING,	/* Consume sent, nothing back yet */
	CS_RECEIVING,	/* accepted, or chunks arriving */
	CS_DONE,	/* every chunk in */
	CS_REFUSED,	/* the CRME said no */
	CS_FAILED,	/* no answer, or incomplete after the retries */
};

static const char *
cstate_name(enum cstate s)
{
	static const char *const names[] = { "idle", "asking", "receiving", "done", "refused",
					     "failed" };

	return names[s];
}

struct cclient {
	struct entity e;
	/* arguments */
	uint16_t port;
	uint32_t crme, cafe;
	uint16_t crme_port, cafe_port;
	char id[CMSG_ID_MAX + 1];
	sim_time_t timeout, stall;
	unsigned retries;
	/* run */
	uint32_t self;
	char self_str[CURLING_ADDRLEN];
	struct udp_sock *sock;
	enum cstate state;
	uint32_t reqid;
	bool answered;		/* the current request was answered */
	unsigned repairs;
	uint64_t size;		/* 0 until known */
	uint32_t nchunks;
	uint8_t *buf;		/* size bytes */
	uint8_t *have;		/* one byte per chunk */
	uint32_t nhave;
	struct sim_timer reply_timer, stall_timer;
	sim_time_t asked_at, done_at;
	struct counters cnt;
	bool cnt_registered;
	uint32_t r_unexpected;
	/* statistics */
	uint64_t requests, chunks, duplicates, bytes, inconsistent, bad;
	uint64_t unknown_addrs;	/* found at start (check did not run) */
	bool addrs_checked;	/* check ran at load time: start does not repeat it */
};

/* A Consume for chunks first..last; a repair (flags CONSUME_F_NOJOIN) after the first. */
static void
client_state(struct cclient *c, enum cstate st)
{
	if (c->state == st)
		return;
	entity_log(&c->e, LOG_DEBUG, "CC: %s: %s -> %s", c->id, cstate_name(c->state),
		   cstate_name(st));
	c->state = st;
}

static void
send_consume(struct cclient *c, uint32_t first, uint32_t last, uint8_t flags)
{
	struct sim *sim = c->e.node->net->sim;
	struct cmsg m;
	char a[CURLING_ADDRLEN];

	memset(&m, 0, sizeof(m));
	m.type = CMSG_CONSUME;
	m.flags = flags;
	m.reqid = ++c->reqid;
	m.client.addr = c->self;
	m.client.port = c->port;
	m.client_cafe.addr = c->cafe;
	m.client_cafe.port = c->cafe_port;
	m.first = first;
	m.last = last;
	snprintf(m.id, sizeof(m.id), "%s", c->id);
	c->answered = false;
	c->requests++;
	if (curling_send(c->sock, c->crme, c->crme_port, &m) == 0)
		entity_log(&c->e, LOG_INFO, "CC: Consume for %s sent to the CRME at %s:%u",
			   c->id, curling_fmt_addr(c->crme, a), c->crme_port);
	if (c->asked_at == 0)
		c->asked_at = sim_now(sim);
	sim_timer_after(sim, &c->reply_timer, c->timeout);
}

static void
finish(struct cclient *c, enum cstate st)
{
	struct sim *sim = c->e.node->net->sim;

	client_state(c, st);
	c->done_at = sim_now(sim);
	sim_timer_cancel(sim, &c->reply_timer);
	sim_timer_cancel(sim, &c->stall_timer);
}

/* Every chunk is in: write the content where D4.3's line says, and log it. */
static void
complete(struct cclient *c)
{
	const char *out = c->e.node->net->outdir;
	char *rel, *path, *dir;
	GError *ge = NULL;

	finish(c, CS_DONE);
	if (!out) {
		entity_log(&c->e, LOG_INFO, "CC: Content %s received (%" PRIu64 " bytes, kept in "
			   "memory)", c->id, c->size);
		return;
	}
	rel = g_strdup_printf("Content/%s %u", c->self_str, c->port);
	dir = g_strdup_printf("%s/%s", out, rel);
	path = g_strdup_printf("%s/%s", dir, c->id);
	if (g_mkdir_with_parents(dir, 0755) < 0) {
		entity_log(&c->e, LOG_ERROR, "CC: cannot create %s: %s", dir, strerror(errno));
	} else if (!g_file_set_contents(path, (const char *)c->buf, (gssize)c->size, &ge)) {
		entity_log(&c->e, LOG_ERROR, "CC: cannot write %s: %s", path, ge->message);
		g_error_free(ge);
	} else {
		entity_log(&c->e, LOG_INFO, "CC: Content %s received and saved to: ./%s/%s",
			   c->id, rel, c->id);
	}
	g_free(rel);
	g_free(dir);
	g_free(path);
}

/* The missing chunks as one range, first to last missing. */
static bool
missing_range(const struct cclient *c, uint32_t *first, uint32_t *last)
{
	bool any = false;

	for (uint32_t i = 0; i < c->nchunks; i++)
		if (!c->have[i]) {
			if (!any)
				*first = i;
			*last = i;
			any = true;
		}
	return any;
}

/* Nothing for a while, or a last chunk with gaps: ask again, or give up. */
static void
stall_tick(struct sim *sim, void *ctx, void *arg)
{
	struct cclient *c = ctx;
	uint32_t first = 0, last = UINT32_MAX;

	if (c->state != CS_RECEIVING)
		return;
	if (c->nchunks && !missing_range(c, &first, &last))
		return;
	if (c->repairs == c->retries) {
		entity_log(&c->e, LOG_WARN, "CC: Content %s incomplete: %" PRIu32 " of %" PRIu32
			   " chunks after %u request%s: giving up", c->id, c->nhave, c->nchunks,
			   c->repairs + 1, c->repairs ? "s" : "");
		finish(c, CS_FAILED);
		return;
	}
	c->repairs++;
	entity_log(&c->e, LOG_INFO, "CC: Content %s: %" PRIu32 " of %" PRIu32 " chunks in: "
		   "asking again for chunks %" PRIu32 "-%" PRIu32, c->id, c->nhave, c->nchunks,
		   first, last == UINT32_MAX && !c->nchunks ? 0 : last);
	send_consume(c, first, last, CONSUME_F_NOJOIN);
}

static void
reply_tick(struct sim *sim, void *ctx, void *arg)
{
	struct cclient *c = ctx;

	if (c->answered || c->state == CS_DONE)
		return;
	entity_log(&c->e, LOG_WARN, "CC: Content %s: no answer to the Consume within %" PRId64
		   " ms: giving up", c->id, c->timeout / SIM_MS);
	finish(c, CS_FAILED);
}

static void
process_reply(struct cclient *c, const struct cmsg *m)
{
	struct sim *sim = c->e.node->net->sim;

	if (m->reqid != c->reqid || strcmp(m->id, c->id) != 0 || c->answered) {
		stats_drop(&c->cnt, c->r_unexpected);
		return;
	}
	c->answered = true;
	sim_timer_cancel(sim, &c->reply_timer);
	if (c->state == CS_DONE || c->state == CS_FAILED || c->state == CS_REFUSED)
		return;
	if (m->status != CSTAT_OK) {
		entity_log(&c->e, LOG_WARN, "CC: Content %s refused: %s", c->id,
			   m->status == CSTAT_NOT_FOUND ? "not found (no CRME knows it)" :
			   cmsg_status_name(m->status));
		finish(c, CS_REFUSED);
		return;
	}
	if (c->repairs == 0)
		entity_log(&c->e, LOG_INFO, "CC: Consume for %s accepted: %" PRIu64 " bytes in %"
			   PRIu32 " chunks", c->id, m->size, m->nchunks);
	client_state(c, CS_RECEIVING);
	if (!sim_timer_armed(&c->stall_timer))
		sim_timer_after(sim, &c->stall_timer, c->stall);
}

/*
 * processContent() at the client (D4.3 section 6.3.2.3):
 *  1. a chunk of another content, or one that contradicts the size and
 *     chunk count already known, is counted and dropped;
 *  2. a chunk already held is a duplicate;
 *  3. the bytes go to their offset; with every chunk in, the content
 *     is saved;
 *  4. a last chunk with gaps asks for the rest a moment later.
 */
static void
process_content(struct cclient *c, const struct cmsg *m)
{
	struct sim *sim = c->e.node->net->sim;

	if (strcmp(m->id, c->id) != 0 || c->state == CS_IDLE || c->state == CS_REFUSED ||
	    c->state == CS_FAILED) {
		stats_drop(&c->cnt, c->r_unexpected);
		return;
	}
	if (c->state == CS_DONE) {
		c->duplicates++;
		return;
	}
	if (!c->buf) {
		c->size = m->size;
		c->nchunks = m->nchunks;
		c->buf = g_malloc0(c->size ? c->size : 1);
		c->have = g_malloc0(c->nchunks);
	}
	if (m->size != c->size || m->nchunks != c->nchunks) {
		c->inconsistent++;
		stats_drop(&c->cnt, c->r_unexpected);
		return;
	}
	client_state(c, CS_RECEIVING);
	c->chunks++;
	if (c->have[m->seq]) {
		c->duplicates++;
	} else {
		memcpy(c->buf + m->offset, m->data, m->datalen);
		c->have[m->seq] = 1;
		c->nhave++;
		c->bytes += m->datalen;
	}
	if (c->nhave == c->nchunks) {
		complete(c);
		return;
	}
	sim_timer_after(sim, &c->stall_timer, (m->flags & CONTENT_F_LAST) ? REPAIR_DELAY :
			c->stall);
}

static void
client_input(struct udp_sock *sock, void *ctx, struct pkt *p, const struct addr *src,
	     uint16_t sport, const struct addr *dst, uint16_t dport)
{
	struct cclient *c = ctx;
	struct cmsg *m;
	int rc;

	if (!c->e.running)
		return;
	stats_rx(&c->cnt, p->len);
	m = g_new(struct cmsg, 1);
	rc = cmsg_decode(p->data, p->len, m);
	if (rc != CMSG_OK) {
		c->bad++;
		stats_drop(&c->cnt, stats_reason_intern(&c->e.node->net->stats, cmsg_err_name(rc)));
	} else if (m->type == CMSG_CONSUME_REPLY) {
		process_reply(c, m);
	} else if (m->type == CMSG_CONTENT) {
		process_content(c, m);
	} else {
		stats_drop(&c->cnt, c->r_unexpected);
	}
	g_free(m);
}

/* ---- the class ---- */

static int
client_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	static const char *const names[] = { "myport", "myCRMEaddr", "myCRMEport",
					     "myCAFEaddr", "myCAFEport", "ContentID" };
	struct cclient *c = (struct cclient *)e;
	int npos = 0;

	while (npos < argc && !strchr(argv[npos], '='))
		npos++;
	if (npos < 6)
		return curling_err(err, errlen, "missing <%s>", names[npos]);
	if (npos > 6)
		return curling_err(err, errlen, "unexpected argument \"%s\"", argv[6]);
	if (curling_parse_port(argv[0], &c->port) < 0)
		return curling_err(err, errlen, "myport \"%s\" is not a port", argv[0]);
	if (curling_parse_addr(argv[1], &c->crme) < 0)
		return curling_err(err, errlen, "myCRMEaddr \"%s\" is not an address", argv[1]);
	if (curling_parse_port(argv[2], &c->crme_port) < 0)
		return curling_err(err, errlen, "myCRMEport \"%s\" is not a port", argv[2]);
	if (curling_parse_addr(argv[3], &c->cafe) < 0)
		return curling_err(err, errlen, "myCAFEaddr \"%s\" is not an address", argv[3]);
	if (curling_parse_port(argv[4], &c->cafe_port) < 0)
		return curling_err(err, errlen, "myCAFEport \"%s\" is not a port", argv[4]);
	if (!cmsg_id_valid(argv[5], strlen(argv[5])))
		return curling_err(err, errlen, "ContentID \"%s\": 1 to %d printable characters, "
				   "no '/'", argv[5], CMSG_ID_MAX);
	snprintf(c->id, sizeof(c->id), "%s", argv[5]);
	c->timeout = DEFAULT_TIMEOUT;
	c->stall = DEFAULT_STALL;
	c->retries = DEFAULT_RETRIES;
	for (int i = npos; i < argc; i++) {
		if (strncmp(argv[i], "timeout=", 8) == 0) {
			if (curling_parse_duration(argv[i] + 8, &c->timeout) < 0 || c->timeout <= 0)
				return curling_err(err, errlen, "timeout \"%s\" is not a duration",
						   argv[i] + 8);
		} else if (strncmp(argv[i], "stall=", 6) == 0) {
			if (curling_parse_duration(argv[i] + 6, &c->stall) < 0 || c->stall <= 0)
				return curling_err(err, errlen, "stall \"%s\" is not a duration",
						   argv[i] + 6);
		} else if (strncmp(argv[i], "retries=", 8) == 0) {
			if (curling_parse_count(argv[i] + 8, 100, &c->retries) < 0)
				return curling_err(err, errlen, "retries \"%s\" is not a count (0..100)",
						   argv[i] + 8);
		} else {
			return curling_err(err, errlen, "unknown option \"%s\"", argv[i]);
		}
	}
	if (curling_port_claim(e->node_name, c->port, e) < 0)
		return curling_err(err, errlen, "port %u on %s is already used by another "
				   "curling entity", c->port, e->node_name);
	return 0;
}

/* The addresses of the start-up line, with their roles in CLIENT_USAGE. */
static const char *const client_roles[2] = { "myCRMEaddr", "myCAFEaddr" };

static int
client_check(struct entity *e, entity_addr_known_fn addr_known, void *ctx, char *err,
	     size_t errlen)
{
	struct cclient *c = (struct cclient *)e;
	uint32_t addrs[2] = { c->crme, c->cafe };

	c->addrs_checked = true;
	return curling_check_known(addrs, client_roles, 2, addr_known, ctx, err, errlen);
}

static void
client_start(struct entity *e)
{
	struct cclient *c = (struct cclient *)e;
	struct stats *st = &e->node->net->stats;

	c->self = curling_node_addr(e->node);
	curling_fmt_addr(c->self, c->self_str);
	if (!c->cnt_registered) {
		stats_register(st, &c->cnt, "cclient", e->node->name);
		c->cnt_registered = true;
		c->r_unexpected = stats_reason_intern(st, "curling_unexpected");
	}
	sim_timer_init(&c->reply_timer, reply_tick, c, NULL);
	sim_timer_init(&c->stall_timer, stall_tick, c, NULL);
	c->sock = udp_open(e->node, c->port, client_input, c);
	if (!c->sock) {
		entity_log(e, LOG_ERROR, "CC: cannot bind UDP port %u: in use", c->port);
		return;
	}
	if (!c->addrs_checked) {
		uint32_t addrs[2] = { c->crme, c->cafe };

		c->unknown_addrs = curling_check_addrs(e, "CC", addrs, client_roles, 2);
	}
	if (c->state != CS_IDLE)
		return;		/* restarted after END_ROUTER: the request stands as it was */
	client_state(c, CS_ASKING);
	send_consume(c, 0, UINT32_MAX, 0);
}

static void
client_stop(struct entity *e)
{
	struct cclient *c = (struct cclient *)e;
	struct sim *sim = e->node->net->sim;

	sim_timer_cancel(sim, &c->reply_timer);
	sim_timer_cancel(sim, &c->stall_timer);
	if (c->sock) {
		udp_close(c->sock);
		c->sock = NULL;
	}
	if (c->state == CS_ASKING || c->state == CS_RECEIVING)
		entity_log(e, LOG_INFO, "CC: Content %s: %s when the run ended, %" PRIu32 " of %"
			   PRIu32 " chunks", c->id, cstate_name(c->state), c->nhave, c->nchunks);
}

static void
client_stats(struct entity *e, entity_stat_fn fn, void *ctx)
{
	struct cclient *c = (struct cclient *)e;

	fn(ctx, "requests", c->requests);
	fn(ctx, "repairs", c->repairs);
	fn(ctx, "chunks", c->chunks);
	fn(ctx, "chunks_expected", c->nchunks);
	fn(ctx, "chunks_unique", c->nhave);
	fn(ctx, "duplicates", c->duplicates);
	fn(ctx, "bytes", c->bytes);
	fn(ctx, "complete", c->state == CS_DONE);
	fn(ctx, "refused", c->state == CS_REFUSED);
	fn(ctx, "failed", c->state == CS_FAILED);
	fn(ctx, "delay_ns", c->state == CS_DONE ? (uint64_t)(c->done_at - c->asked_at) : 0);
	fn(ctx, "malformed", c->bad);
	fn(ctx, "unknown_addresses", c->unknown_addrs);
}

static void
client_dump(struct entity *e, FILE *out)
{
	struct cclient *c = (struct cclient *)e;

	fprintf(out, "content %s state %s chunks %" PRIu32 "/%" PRIu32 " duplicates %" PRIu64
		"\n", c->id, cstate_name(c->state), c->nhave, c->nchunks, c->duplicates);
}

static void
client_fini(struct entity *e)
{
	struct cclient *c = (struct cclient *)e;

	curling_port_release(e);
	g_free(c->buf);
	g_free(c->have);
	c->buf = c->have = NULL;
}

static const char *const client_aliases[] = { "usr.curling.ContentConsumer", NULL };

const struct entity_class content_client_class = {
	.name      = "usr.curling.ContentClient",
	.aliases   = client_aliases,
	.kind      = "cclient",
	.usage     = CLIENT_USAGE,
	.inst_size = sizeof(struct cclient),
	.init      = client_init,
	.check     = client_check,	/* the addresses are in the scenario */
	.start     = client_start,	/* open the port, send the Consume */
	.stop      = client_stop,
	.stats     = client_stats,
	.dump      = client_dump,
	.fini      = client_fini,
};
