/*
 * content_client.c - usr.curling.ContentClient (alias
 * usr.curling.ContentConsumer): requests one content from its CRME and
 * saves what its CAFE delivers (D4.3 sections 6.3.2.3 and 6.4).
 *
 *   usr.curling.ContentClient myport myCRMEaddr myCRMEport myCAFEaddr
 *       myCAFEport ContentID [timeout=DURATION] [stall=DURATION]
 *       [retries=N] [clients=N] [spread=DURATION] [save=yes|no]
 *
 * One instance runs `clients` requesters (default 1), on ports myport,
 * myport+1, ...: each asks for the content on its own, saves its own
 * copy and reports its own statistics (doc/curling.md section 7.5).
 * They all ask when the instance starts, or with `spread`, each at a
 * time drawn uniformly from [start, start + spread) from its own random
 * stream "cclient/<node>/<port>" (sim/rng.h), so that a sweep over the
 * number of clients or the seed varies the arrivals.  Below, "the
 * client" is one requester.
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
 * With save=no the client keeps no byte of what it receives, only which
 * chunks came, and logs "received (N bytes, not saved)": a workload of
 * many requests (a deployment's clients, doc/deploy.md) then costs
 * neither memory nor disk for the contents.
 * If the last chunk came and some are missing, or nothing came for
 * `stall` (default 2s), the client asks again for the missing range,
 * `retries` times at most (default 3), then gives up and logs what it
 * has.  Log kind "cclient"; lines start "CC:", or "CC <port>:" when the
 * instance has several requesters (D4.3's saved line keeps "CC:": its
 * path names the port).
 *
 * Each requester that asks makes its record of requests.csv
 * (entities/requests.h) and keeps it up to date: the server is the
 * source its chunks name, the path stays unknown (no message of the
 * protocol tells the client the path of the content).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "entities/curling/curling.h"
#include "entities/requests.h"
#include "sim/net.h"
#include "sim/rng.h"
#include "sim/units.h"

#define CLIENT_USAGE "myport myCRMEaddr myCRMEport myCAFEaddr myCAFEport ContentID " \
		     "[timeout=DURATION] [stall=DURATION] [retries=N] [clients=N] " \
		     "[spread=DURATION] [save=yes|no]"
#define DEFAULT_TIMEOUT	(5 * SIM_S)
#define DEFAULT_STALL	(2 * SIM_S)
#define DEFAULT_RETRIES	3
#define REPAIR_DELAY	(200 * SIM_MS)	/* after a last chunk with gaps: let states go */
#define MAX_CLIENTS	1000		/* requesters of one instance */

/*
 * A requester's states ("start" is its time to ask); every change goes
 * through client_state(), which logs it (debug):
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

/* One requester: a port, a request, a copy of the content. */
struct creq {
	struct cclient *c;	/* the instance it belongs to */
	uint16_t port;
	char tag[16];		/* its log prefix: "CC:" or "CC 1003:" */
	struct udp_sock *sock;
	enum cstate state;
	uint32_t reqid;
	bool answered;		/* the current request was answered */
	unsigned repairs;
	uint64_t size;		/* 0 until known */
	uint32_t nchunks;
	uint8_t *buf;		/* size bytes, until saved; never with save=no */
	uint8_t *have;		/* one byte per chunk */
	uint32_t nhave;
	struct sim_timer ask_timer, reply_timer, stall_timer;
	bool planned;		/* ask_at is set (first start) */
	sim_time_t ask_at;	/* when it asks: the start, plus its draw with spread */
	bool asked;
	sim_time_t asked_at, done_at;
	sim_time_t first_at;	/* its first chunk, when chunks > 0 */
	struct request_rec *rec;	/* its row of requests.csv, from its first Consume */
	/* statistics */
	uint64_t requests, replies, chunks, duplicates, bytes, inconsistent, bad;
};

struct cclient {
	struct entity e;
	/* arguments */
	uint16_t port;		/* the first requester's; the others follow */
	uint32_t crme, cafe;
	uint16_t crme_port, cafe_port;
	char id[CMSG_ID_MAX + 1];
	sim_time_t timeout, stall;
	unsigned retries;
	unsigned nreq;		/* clients=N */
	sim_time_t spread;	/* 0: every requester asks at start */
	bool nosave;		/* save=no */
	/* run */
	uint32_t self;
	char self_str[CURLING_ADDRLEN];
	struct creq *req;	/* nreq of them, by port */
	struct counters cnt;	/* all requesters' datagrams together */
	bool cnt_registered;
	uint32_t r_unexpected;
	uint64_t unknown_addrs;	/* found at start (check did not run) */
	bool addrs_checked;	/* check ran at load time: start does not repeat it */
};

static void
client_state(struct creq *r, enum cstate st)
{
	if (r->state == st)
		return;
	entity_log(&r->c->e, LOG_DEBUG, "%s %s: %s -> %s", r->tag, r->c->id,
		   cstate_name(r->state), cstate_name(st));
	r->state = st;
}

/* A Consume for chunks first..last; a repair (flags CONSUME_F_NOJOIN) after the first. */
static void
send_consume(struct creq *r, uint32_t first, uint32_t last, uint8_t flags)
{
	struct cclient *c = r->c;
	struct sim *sim = c->e.node->net->sim;
	struct cmsg m;
	char a[CURLING_ADDRLEN];

	memset(&m, 0, sizeof(m));
	m.type = CMSG_CONSUME;
	m.flags = flags;
	m.reqid = ++r->reqid;
	m.client.addr = c->self;
	m.client.port = r->port;
	m.client_cafe.addr = c->cafe;
	m.client_cafe.port = c->cafe_port;
	m.first = first;
	m.last = last;
	snprintf(m.id, sizeof(m.id), "%s", c->id);
	r->answered = false;
	r->requests++;
	if (curling_send(r->sock, c->crme, c->crme_port, &m) == 0)
		entity_log(&c->e, LOG_INFO, "%s Consume for %s sent to the CRME at %s:%u",
			   r->tag, c->id, curling_fmt_addr(c->crme, a), c->crme_port);
	if (!r->asked) {
		r->asked = true;
		r->asked_at = sim_now(sim);
		r->rec = requests_add(&c->e, r->port, c->id, REQ_COUPLED);
		requests_key(&c->e, r->rec, c->self);
	}
	sim_timer_after(sim, &r->reply_timer, c->timeout);
}

/* The requester's time has come: ask for the whole content. */
static void
ask(struct creq *r)
{
	client_state(r, CS_ASKING);
	send_consume(r, 0, UINT32_MAX, 0);
}

static void
ask_tick(struct sim *sim, void *ctx, void *arg)
{
	struct creq *r = ctx;

	if (r->state == CS_IDLE)
		ask(r);
}

static void
finish(struct creq *r, enum cstate st)
{
	struct sim *sim = r->c->e.node->net->sim;

	client_state(r, st);
	r->done_at = sim_now(sim);
	sim_timer_cancel(sim, &r->reply_timer);
	sim_timer_cancel(sim, &r->stall_timer);
}

/* Every chunk is in: write the content where D4.3's line says, and log it. */
static void
complete(struct creq *r)
{
	struct cclient *c = r->c;
	char *top, *rel, *path, *dir;
	GError *ge = NULL;

	finish(r, CS_DONE);
	r->rec->completion = r->done_at - r->asked_at;
	r->rec->outcome = REQ_COMPLETE;
	requests_way_final(&c->e, r->rec);
	if (c->nosave) {
		entity_log(&c->e, LOG_INFO, "%s Content %s received (%" PRIu64 " bytes, not saved)",
			   r->tag, c->id, r->size);
		return;
	}
	top = net_outfile(c->e.node->net, "Content");
	if (!top) {
		entity_log(&c->e, LOG_INFO, "%s Content %s received (%" PRIu64 " bytes, kept in "
			   "memory)", r->tag, c->id, r->size);
		return;
	}
	rel = g_strdup_printf("Content/%s %u", c->self_str, r->port);
	dir = g_strdup_printf("%s/%s %u", top, c->self_str, r->port);
	g_free(top);
	path = g_strdup_printf("%s/%s", dir, c->id);
	if (g_mkdir_with_parents(dir, 0755) < 0) {
		entity_log(&c->e, LOG_ERROR, "%s cannot create %s: %s", r->tag, dir,
			   strerror(errno));
	} else if (!g_file_set_contents(path, (const char *)r->buf, (gssize)r->size, &ge)) {
		entity_log(&c->e, LOG_ERROR, "%s cannot write %s: %s", r->tag, path, ge->message);
		g_error_free(ge);
	} else {
		/* D4.3's line, as it is whatever the number of requesters */
		entity_log(&c->e, LOG_INFO, "CC: Content %s received and saved to: ./%s/%s",
			   c->id, rel, c->id);
	}
	g_free(r->buf);		/* written (or not writable): nothing reads it again */
	r->buf = NULL;
	g_free(rel);
	g_free(dir);
	g_free(path);
}

/* The missing chunks as one range, first to last missing. */
static bool
missing_range(const struct creq *r, uint32_t *first, uint32_t *last)
{
	bool any = false;

	for (uint32_t i = 0; i < r->nchunks; i++)
		if (!r->have[i]) {
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
	struct creq *r = ctx;
	struct cclient *c = r->c;
	uint32_t first = 0, last = UINT32_MAX;

	if (r->state != CS_RECEIVING)
		return;
	if (r->nchunks && !missing_range(r, &first, &last))
		return;
	if (r->repairs == c->retries) {
		entity_log(&c->e, LOG_WARN, "%s Content %s incomplete: %" PRIu32 " of %" PRIu32
			   " chunks after %u request%s: giving up", r->tag, c->id, r->nhave,
			   r->nchunks, r->repairs + 1, r->repairs ? "s" : "");
		r->rec->outcome = REQ_INCOMPLETE;
		finish(r, CS_FAILED);
		return;
	}
	r->repairs++;
	if (!r->nchunks)	/* no chunk yet: the size is not known */
		entity_log(&c->e, LOG_INFO, "%s Content %s: nothing in yet: asking again for "
			   "the whole content", r->tag, c->id);
	else
		entity_log(&c->e, LOG_INFO, "%s Content %s: %" PRIu32 " of %" PRIu32 " chunks "
			   "in: asking again for chunks %" PRIu32 "-%" PRIu32, r->tag, c->id,
			   r->nhave, r->nchunks, first, last);
	send_consume(r, first, last, CONSUME_F_NOJOIN);
}

static void
reply_tick(struct sim *sim, void *ctx, void *arg)
{
	struct creq *r = ctx;

	if (r->answered || r->state == CS_DONE)
		return;
	entity_log(&r->c->e, LOG_WARN, "%s Content %s: no answer to the Consume within %"
		   PRId64 " ms: giving up", r->tag, r->c->id, r->c->timeout / SIM_MS);
	r->rec->outcome = REQ_NO_ANSWER;
	finish(r, CS_FAILED);
}

static void
process_reply(struct creq *r, const struct cmsg *m)
{
	struct cclient *c = r->c;
	struct sim *sim = c->e.node->net->sim;

	if (m->reqid != r->reqid || strcmp(m->id, c->id) != 0 || r->answered) {
		stats_drop(&c->cnt, c->r_unexpected);
		return;
	}
	r->answered = true;
	r->replies++;
	sim_timer_cancel(sim, &r->reply_timer);
	if (r->state == CS_DONE || r->state == CS_FAILED || r->state == CS_REFUSED)
		return;
	if (m->status != CSTAT_OK) {
		entity_log(&c->e, LOG_WARN, "%s Content %s refused: %s", r->tag, c->id,
			   m->status == CSTAT_NOT_FOUND ? "not found (no CRME knows it)" :
			   cmsg_status_name(m->status));
		r->rec->outcome = m->status == CSTAT_NOT_FOUND ? REQ_NOT_FOUND : REQ_REFUSED;
		finish(r, CS_REFUSED);
		return;
	}
	if (r->repairs == 0)
		entity_log(&c->e, LOG_INFO, "%s Consume for %s accepted: %" PRIu64 " bytes in %"
			   PRIu32 " chunks", r->tag, c->id, m->size, m->nchunks);
	r->rec->size = m->size;
	r->rec->size_known = true;
	client_state(r, CS_RECEIVING);
	if (!sim_timer_armed(&r->stall_timer))
		sim_timer_after(sim, &r->stall_timer, c->stall);
}

/* The first chunk: the first byte, and the server and size it names, in the record. */
static void
first_chunk(struct creq *r, const struct cmsg *m)
{
	struct request_rec *rec = r->rec;

	r->first_at = sim_now(r->c->e.node->net->sim);
	requests_first_byte(rec, r->first_at);
	snprintf(rec->server, sizeof(rec->server), "%u.%u.%u.%u:%u", m->src.addr >> 24,
		 (m->src.addr >> 16) & 255, (m->src.addr >> 8) & 255, m->src.addr & 255,
		 m->src.port);
	rec->size = m->size;
	rec->size_known = true;
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
process_content(struct creq *r, const struct cmsg *m)
{
	struct cclient *c = r->c;
	struct sim *sim = c->e.node->net->sim;

	if (strcmp(m->id, c->id) != 0 || r->state == CS_IDLE || r->state == CS_REFUSED ||
	    r->state == CS_FAILED) {
		stats_drop(&c->cnt, c->r_unexpected);
		return;
	}
	if (r->state == CS_DONE) {
		r->duplicates++;
		return;
	}
	if (!r->have) {
		r->size = m->size;
		r->nchunks = m->nchunks;
		if (!c->nosave)
			r->buf = g_malloc0(r->size ? r->size : 1);
		r->have = g_malloc0(r->nchunks ? r->nchunks : 1);
	}
	if (m->size != r->size || m->nchunks != r->nchunks) {
		r->inconsistent++;
		stats_drop(&c->cnt, c->r_unexpected);
		return;
	}
	client_state(r, CS_RECEIVING);
	if (r->chunks++ == 0)
		first_chunk(r, m);
	if (r->have[m->seq]) {
		r->duplicates++;
	} else {
		if (r->buf)
			memcpy(r->buf + m->offset, m->data, m->datalen);
		r->have[m->seq] = 1;
		r->nhave++;
		r->bytes += m->datalen;
		r->rec->bytes = r->bytes;
	}
	if (r->nhave == r->nchunks) {
		complete(r);
		return;
	}
	sim_timer_after(sim, &r->stall_timer, (m->flags & CONTENT_F_LAST) ? REPAIR_DELAY :
			c->stall);
}

static void
client_input(struct udp_sock *sock, void *ctx, struct pkt *p, const struct addr *src,
	     uint16_t sport, const struct addr *dst, uint16_t dport)
{
	struct creq *r = ctx;
	struct cclient *c = r->c;
	struct cmsg *m;
	int rc;

	if (!c->e.running)
		return;
	stats_rx(&c->cnt, p->len);
	m = g_new(struct cmsg, 1);
	rc = cmsg_decode(p->data, p->len, m);
	if (rc != CMSG_OK) {
		r->bad++;
		stats_drop(&c->cnt, stats_reason_intern(&c->e.node->net->stats, cmsg_err_name(rc)));
	} else if (m->type == CMSG_CONSUME_REPLY) {
		process_reply(r, m);
	} else if (m->type == CMSG_CONTENT) {
		process_content(r, m);
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
		return entity_err(err, errlen, "missing <%s>", names[npos]);
	if (npos > 6)
		return entity_err(err, errlen, "unexpected argument \"%s\"", argv[6]);
	if (curling_parse_port("myport", argv[0], &c->port, err, errlen) < 0)
		return -1;
	if (curling_parse_addr(argv[1], &c->crme) < 0)
		return entity_err(err, errlen, "myCRMEaddr \"%s\" is not an address", argv[1]);
	if (curling_parse_port("myCRMEport", argv[2], &c->crme_port, err, errlen) < 0)
		return -1;
	if (curling_parse_addr(argv[3], &c->cafe) < 0)
		return entity_err(err, errlen, "myCAFEaddr \"%s\" is not an address", argv[3]);
	if (curling_parse_port("myCAFEport", argv[4], &c->cafe_port, err, errlen) < 0)
		return -1;
	if (!cmsg_id_valid(argv[5], strlen(argv[5])))
		return entity_err(err, errlen, "ContentID \"%s\": 1 to %d printable characters, "
				  "no '/'", argv[5], CMSG_ID_MAX);
	snprintf(c->id, sizeof(c->id), "%s", argv[5]);
	c->timeout = DEFAULT_TIMEOUT;
	c->stall = DEFAULT_STALL;
	c->retries = DEFAULT_RETRIES;
	c->nreq = 1;
	c->spread = 0;
	for (int i = npos; i < argc; i++) {
		if (curling_opt_once(argv, npos, i, err, errlen) < 0)
			return -1;
		if (strncmp(argv[i], "timeout=", 8) == 0) {
			if (units_duration("timeout", argv[i] + 8, 0, 1, SIM_TIME_LIMIT, &c->timeout,
					   err, errlen) < 0)
				return -1;
		} else if (strncmp(argv[i], "stall=", 6) == 0) {
			if (units_duration("stall", argv[i] + 6, 0, 1, SIM_TIME_LIMIT, &c->stall, err,
					   errlen) < 0)
				return -1;
		} else if (strncmp(argv[i], "retries=", 8) == 0) {
			if (curling_parse_count("retries", argv[i] + 8, 0, 100, &c->retries, err,
						errlen) < 0)
				return -1;
		} else if (strncmp(argv[i], "clients=", 8) == 0) {
			if (curling_parse_count("clients", argv[i] + 8, 1, MAX_CLIENTS, &c->nreq, err,
						errlen) < 0)
				return -1;
		} else if (strncmp(argv[i], "spread=", 7) == 0) {
			if (units_duration("spread", argv[i] + 7, 0, 0, SIM_TIME_LIMIT, &c->spread, err,
					   errlen) < 0)
				return -1;
		} else if (strcmp(argv[i], "save=yes") == 0 || strcmp(argv[i], "save=no") == 0) {
			c->nosave = strcmp(argv[i], "save=no") == 0;
		} else if (strncmp(argv[i], "save=", 5) == 0) {
			return entity_err(err, errlen, "save \"%s\": yes or no", argv[i] + 5);
		} else {
			return entity_err(err, errlen, "unknown option \"%s\"", argv[i]);
		}
	}
	if ((unsigned)c->port + c->nreq - 1 > 65535)
		return entity_err(err, errlen, "clients=%u from port %u: the last port, %u, is "
				  "beyond 65535", c->nreq, c->port, (unsigned)c->port + c->nreq - 1);
	for (unsigned i = 0; i < c->nreq; i++)
		if (curling_port_claim(e->node_name, (uint16_t)(c->port + i), e) < 0)
			return entity_err(err, errlen, "port %u on %s is already used by another "
					  "curling entity", c->port + i, e->node_name);
	c->req = g_new0(struct creq, c->nreq);
	for (unsigned i = 0; i < c->nreq; i++) {
		struct creq *r = &c->req[i];

		r->c = c;
		r->port = (uint16_t)(c->port + i);
		if (c->nreq == 1)
			snprintf(r->tag, sizeof(r->tag), "CC:");
		else
			snprintf(r->tag, sizeof(r->tag), "CC %u:", r->port);
	}
	return 0;
}

/* The addresses of the start-up line, with their roles in CLIENT_USAGE. */
static const char *const client_roles[2] = { "myCRMEaddr", "myCAFEaddr" };

static int
client_check(struct entity *e, const struct entity_scope *sc, char *err, size_t errlen)
{
	struct cclient *c = (struct cclient *)e;
	uint32_t addrs[2] = { c->crme, c->cafe };

	c->addrs_checked = true;
	return curling_check_known(addrs, client_roles, 2, sc->addr_known, sc->ctx, err, errlen);
}

/*
 * When each requester asks, fixed at the first start: now, or with
 * spread a draw from [now, now + spread) of the requester's own stream,
 * so that adding requesters leaves the others' times as they were.
 */
static void
plan_requests(struct cclient *c)
{
	struct net *net = c->e.node->net;
	sim_time_t now = sim_now(net->sim);

	for (unsigned i = 0; i < c->nreq; i++) {
		struct creq *r = &c->req[i];
		char name[64];
		struct rng rs;

		if (r->planned)
			continue;
		r->planned = true;
		r->ask_at = now;
		if (c->spread > 0) {
			snprintf(name, sizeof(name), "cclient/%s/%u", c->e.node->name, r->port);
			rng_init(&rs, net->seed, net->run, name);
			r->ask_at = sim_time_add(now, (sim_time_t)rng_below(&rs,
									       (uint64_t)c->spread));
		}
	}
}

static void
client_start(struct entity *e)
{
	struct cclient *c = (struct cclient *)e;
	struct net *net = e->node->net;
	struct stats *st = &net->stats;

	c->self = curling_node_addr(e->node);
	curling_fmt_addr(c->self, c->self_str);
	if (!c->cnt_registered) {
		stats_register(st, &c->cnt, "cclient", e->node->name);
		c->cnt_registered = true;
		c->r_unexpected = stats_reason_intern(st, "curling_unexpected");
	}
	plan_requests(c);
	for (unsigned i = 0; i < c->nreq; i++) {
		struct creq *r = &c->req[i];

		sim_timer_init(&r->ask_timer, ask_tick, r, NULL);
		sim_timer_init(&r->reply_timer, reply_tick, r, NULL);
		sim_timer_init(&r->stall_timer, stall_tick, r, NULL);
		r->sock = udp_open(e->node, r->port, client_input, r);
		curling_sock_source(r->sock, e->node);
		if (!r->sock)
			entity_log(e, LOG_ERROR, "%s cannot bind UDP port %u: in use", r->tag,
				   r->port);
	}
	if (!c->addrs_checked) {
		uint32_t addrs[2] = { c->crme, c->cafe };

		c->unknown_addrs = curling_check_addrs(e, "CC", addrs, client_roles, 2);
	}
	for (unsigned i = 0; i < c->nreq; i++) {
		struct creq *r = &c->req[i];

		/* restarted after END_ROUTER: a request under way stands as it was */
		if (!r->sock || r->state != CS_IDLE)
			continue;
		if (r->ask_at <= sim_now(net->sim))
			ask(r);
		else
			sim_timer_set(net->sim, &r->ask_timer, r->ask_at);
	}
}

static void
client_stop(struct entity *e)
{
	struct cclient *c = (struct cclient *)e;
	struct sim *sim = e->node->net->sim;

	for (unsigned i = 0; i < c->nreq; i++) {
		struct creq *r = &c->req[i];

		sim_timer_cancel(sim, &r->ask_timer);
		sim_timer_cancel(sim, &r->reply_timer);
		sim_timer_cancel(sim, &r->stall_timer);
		if (r->sock) {
			udp_close(r->sock);
			r->sock = NULL;
		}
		if (r->state == CS_ASKING || r->state == CS_RECEIVING)
			entity_log(e, LOG_INFO, "%s Content %s: %s when the run ended, %" PRIu32
				   " of %" PRIu32 " chunks", r->tag, c->id, cstate_name(r->state),
				   r->nhave, r->nchunks);
	}
}

static uint64_t
req_delay(const struct creq *r)
{
	return r->state == CS_DONE ? (uint64_t)(r->done_at - r->asked_at) : 0;
}

/* From its first Consume to its first chunk; 0 before any chunk. */
static uint64_t
req_first_byte(const struct creq *r)
{
	return r->chunks ? (uint64_t)(r->first_at - r->asked_at) : 0;
}

/* One requester's statistics, each name after `prefix` ("" or "1003."). */
static void
req_stats(const struct creq *r, const char *prefix, entity_stat_fn fn, void *ctx)
{
	const struct { const char *name; uint64_t v; } st[] = {
		{ "requests", r->requests },
		{ "replies", r->replies },
		{ "repairs", r->repairs },
		{ "chunks", r->chunks },
		{ "chunks_expected", r->nchunks },
		{ "chunks_unique", r->nhave },
		{ "duplicates", r->duplicates },
		{ "bytes", r->bytes },
		{ "complete", r->state == CS_DONE },
		{ "refused", r->state == CS_REFUSED },
		{ "failed", r->state == CS_FAILED },
		{ "delay_ns", req_delay(r) },
		{ "asked_ns", r->asked ? (uint64_t)r->asked_at : 0 },
		{ "first_byte_ns", req_first_byte(r) },
	};
	char name[64];

	for (size_t i = 0; i < G_N_ELEMENTS(st); i++) {
		snprintf(name, sizeof(name), "%s%s", prefix, st[i].name);
		fn(ctx, name, st[i].v);
	}
}

/*
 * The instance's statistics: totals over its requesters (with one, that
 * requester's), delay_ns the mean delivery time of those complete,
 * delay_max_ns the longest, first_byte_ns the mean time to the first
 * chunk of those that had one; then, with several requesters, each
 * one's under "<port>.".
 */
static void
client_stats(struct entity *e, entity_stat_fn fn, void *ctx)
{
	struct cclient *c = (struct cclient *)e;
	uint64_t requests = 0, replies = 0, repairs = 0, chunks = 0, expected = 0, unique = 0, dup = 0;
	uint64_t bytes = 0, done = 0, refused = 0, failed = 0, bad = 0, dmax = 0, nfirst = 0;
	/* up to 1000 delays of up to SIM_TIME_LIMIT */
	unsigned __int128 dsum = 0, fsum = 0;

	for (unsigned i = 0; i < c->nreq; i++) {
		const struct creq *r = &c->req[i];

		requests += r->requests;
		replies += r->replies;
		repairs += r->repairs;
		chunks += r->chunks;
		expected += r->nchunks;
		unique += r->nhave;
		dup += r->duplicates;
		bytes += r->bytes;
		done += r->state == CS_DONE;
		refused += r->state == CS_REFUSED;
		failed += r->state == CS_FAILED;
		bad += r->bad;
		dsum += req_delay(r);
		fsum += req_first_byte(r);
		nfirst += r->chunks != 0;
		if (req_delay(r) > dmax)
			dmax = req_delay(r);
	}
	fn(ctx, "requests", requests);
	fn(ctx, "repairs", repairs);
	fn(ctx, "chunks", chunks);
	fn(ctx, "chunks_expected", expected);
	fn(ctx, "chunks_unique", unique);
	fn(ctx, "duplicates", dup);
	fn(ctx, "bytes", bytes);
	fn(ctx, "complete", done);
	fn(ctx, "refused", refused);
	fn(ctx, "failed", failed);
	fn(ctx, "delay_ns", done ? (uint64_t)(dsum / done) : 0);
	fn(ctx, "malformed", bad);
	fn(ctx, "unknown_addresses", c->unknown_addrs);
	fn(ctx, "clients", c->nreq);
	fn(ctx, "replies", replies);
	fn(ctx, "delay_max_ns", dmax);
	fn(ctx, "first_byte_ns", nfirst ? (uint64_t)(fsum / nfirst) : 0);
	if (c->nreq > 1)
		for (unsigned i = 0; i < c->nreq; i++) {
			char prefix[16];

			snprintf(prefix, sizeof(prefix), "%u.", c->req[i].port);
			req_stats(&c->req[i], prefix, fn, ctx);
		}
}

static void
client_dump(struct entity *e, FILE *out)
{
	struct cclient *c = (struct cclient *)e;

	for (unsigned i = 0; i < c->nreq; i++) {
		const struct creq *r = &c->req[i];

		if (c->nreq > 1)
			fprintf(out, "port %u ", r->port);
		fprintf(out, "content %s state %s chunks %" PRIu32 "/%" PRIu32 " duplicates %"
			PRIu64 "\n", c->id, cstate_name(r->state), r->nhave, r->nchunks,
			r->duplicates);
	}
}

static void
client_fini(struct entity *e)
{
	struct cclient *c = (struct cclient *)e;

	curling_port_release(e);
	for (unsigned i = 0; c->req && i < c->nreq; i++) {
		g_free(c->req[i].buf);
		g_free(c->req[i].have);
	}
	g_free(c->req);
	c->req = NULL;
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
	.start     = client_start,	/* open the ports, send or plan the Consumes */
	.stop      = client_stop,
	.stats     = client_stats,
	.dump      = client_dump,
	.fini      = client_fini,
};
