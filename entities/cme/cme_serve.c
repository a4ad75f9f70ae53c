/*
 * cme_serve.c - the CME's request service (doc/cme.md): content requests
 * from clients (cmeclient.proto over UDP), the decision among the
 * (server, path) pairs the store offers, the mapping of the chosen AS
 * path to CAFE keys, the configuration of the server's edge CAFE through
 * its agent (cmecafe.proto over TCP) and the periodic collection of
 * expired streams.
 *
 * A request goes through these steps, and the first that fails refuses
 * it with a reason the client logs:
 *   1. the content is in the catalogue, the class has decision
 *      parameters, the client said which port to send to;
 *   2. candidates: for every server of the content, every path of the
 *      store from the server's AS to the longest prefix that holds the
 *      client, preferred for the class; each gets the metric of the
 *      server's domain (its provisioning from the server's prefix to the
 *      next-hop AS, if the RAE reported one) followed by the path's;
 *   3. a candidate needs keys: the key plan entry of every domain on the
 *      way (the server's, each transit, the client's);
 *   4. the best candidate by score (rae_score, doc/rae.md), then
 *      the shorter AS path, the lower next-hop AS, the server listed
 *      first;
 *   5. CONFIGURE_STREAM to the agent of the server's edge CAFE; its
 *      answer (or its silence for agent_timeout) decides the reply.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "entities/cme/cme_int.h"
#include "entities/cme/cmeclient.pb-c.h"

typedef Comet__Cmeclient__ContentRequest cme_creq;
typedef Comet__Cmeclient__ContentReply cme_crep;
#define CME_ACCEPTED	COMET__CMECLIENT__CONTENT_REPLY__STATUS__ACCEPTED
#define CME_REFUSED	COMET__CMECLIENT__CONTENT_REPLY__STATUS__REFUSED

/* A request to an agent, waiting for its answer. */
struct cme_op {
	bool collect;		/* else CONFIGURE_STREAM */
	uint32_t id;		/* configure: the stream */
	struct cme_req *req;	/* configure: the client request it answers */
	GByteArray *msg;	/* framed */
	bool sent;
};

/* A (server, path) pair for a request. */
struct cme_cand {
	unsigned srv;		/* index in the content's servers */
	const Comet__Cmerae__Path *path;
	struct rae_metric m;
	double score;
	uint8_t keys[CME_MAX_KEYS];
	unsigned nkeys;
	bool usable;		/* it has keys */
};

static sim_time_t
secs_ns(double s)
{
	return (sim_time_t)llround(s * 1e9);
}

static struct sim *
cme_sim(struct cme *c)
{
	return c->e.node->net->sim;
}

/* ---- replies to clients ---- */

static void
reply_send(struct cme *c, struct cme_req *q)
{
	gsize len;
	const uint8_t *b = g_bytes_get_data(q->reply, &len);

	if (c->usock) {
		/* From the address the client asked, whichever interface the route takes. */
		udp_set_source(c->usock, &q->to);
		udp_sendto_buf(c->usock, &q->client, q->cport, b, len);
	}
}

static void
req_answer(struct cme *c, struct cme_req *q, cme_crep *r)
{
	size_t n = comet__cmeclient__content_reply__get_packed_size(r);
	uint8_t *b = g_malloc(n ? n : 1);

	comet__cmeclient__content_reply__pack(r, b);
	q->reply = g_bytes_new_take(b, n);
	reply_send(c, q);
}

static void
req_refuse(struct cme *c, struct cme_req *q, uint64_t *counter, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void
req_refuse(struct cme *c, struct cme_req *q, uint64_t *counter, const char *fmt, ...)
{
	cme_crep r = COMET__CMECLIENT__CONTENT_REPLY__INIT;
	char why[512], a[ADDR_STRLEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	c->refused++;
	(*counter)++;
	entity_log(&c->e, LOG_INFO, "request %" PRIu64 " from %s:%u refused: %s", q->seq,
		   addr_fmt(&q->client, a), q->cport, why);
	r.has_sequence = 1;
	r.sequence = q->seq;
	r.has_status = 1;
	r.status = CME_REFUSED;
	r.reason = why;
	req_answer(c, q, &r);
}

static void
req_accept(struct cme *c, struct cme_req *q, const struct cme_stream *st)
{
	cme_crep r = COMET__CMECLIENT__CONTENT_REPLY__INIT;
	char srv[ADDR_STRLEN], a[ADDR_STRLEN];

	c->accepted++;
	r.has_sequence = 1;
	r.sequence = q->seq;
	r.has_status = 1;
	r.status = CME_ACCEPTED;
	r.server = addr_fmt(&st->srv.addr, srv);
	r.has_server_port = 1;
	r.server_port = st->srv.port;
	r.has_size = 1;
	r.size = st->size;
	r.has_stream_id = 1;
	r.stream_id = st->id;
	r.n_as_path = st->naspath;
	r.as_path = (uint32_t *)st->as_path;
	r.has_keys = 1;
	r.keys.data = (uint8_t *)st->keys;
	r.keys.len = st->nkeys;
	r.has_score = 1;
	r.score = st->score;
	r.has_server_as = 1;
	r.server_as = st->srv.as;
	entity_log(&c->e, LOG_INFO, "request %" PRIu64 " from %s:%u accepted: stream %" PRIu32
		   " from server %s:%u", q->seq, addr_fmt(&q->client, a), q->cport, st->id, srv,
		   st->srv.port);
	req_answer(c, q, &r);
}

/* ---- the agents ---- */

static void agent_pump(struct cme_agent *ag);

static void
op_free(struct cme_op *op)
{
	g_byte_array_free(op->msg, TRUE);
	g_free(op);
}

static void
agent_fail_all(struct cme_agent *ag, const char *why)
{
	struct cme *c = ag->c;
	struct cme_op *op;

	sim_timer_cancel(cme_sim(c), &ag->timer);
	while ((op = g_queue_pop_head(&ag->ops))) {
		if (op->collect) {
			ag->collecting = false;
			entity_log(&c->e, ag->failing ? LOG_DEBUG : LOG_WARN, "collect from CAFE "
				   "agent %s failed: %s", ag->name, why);
		} else if (op->req && !op->req->reply) {
			req_refuse(c, op->req, &c->refused_agent, "CAFE agent %s %s (stream %"
				   PRIu32 " not configured)", ag->name, why, op->id);
		}
		op_free(op);
	}
	ag->failing = true;
}

/* Forget the connection (and abort it unless the run is ending on an up node). */
static void
agent_drop(struct cme_agent *ag)
{
	struct tcp_sock *s = ag->sock;
	struct cme *c = ag->c;

	ag->sock = NULL;
	ag->connected = false;
	cafe_agent_framer_fini(&ag->fr);
	cafe_agent_framer_init(&ag->fr);
	if (s) {
		tcp_set_callbacks(s, NULL, NULL);
		if (!c->ps.stopping || !c->e.node->up)
			tcp_abort(s);
	}
}

static void
agent_timeout(struct sim *sim, void *ctx, void *arg)
{
	struct cme_agent *ag = ctx;
	char why[96];

	(void)sim;
	(void)arg;
	ag->timeouts++;
	snprintf(why, sizeof(why), "did not answer within %g s", ag->c->cfg->agent_timeout);
	agent_drop(ag);
	agent_fail_all(ag, why);
}

static void
agent_arm(struct cme_agent *ag)
{
	struct cme *c = ag->c;

	sim_timer_cancel(cme_sim(c), &ag->timer);
	if (!g_queue_is_empty(&ag->ops))
		sim_timer_after(cme_sim(c), &ag->timer, secs_ns(c->cfg->agent_timeout));
}

static void
stream_log_record(struct cme *c, struct cme_agent *ag, const cafe_agent_rec *r)
{
	struct cme_stream *st = g_hash_table_lookup(c->streams, GUINT_TO_POINTER(r->id));
	char path[256] = "-";
	size_t n = 0;

	for (size_t i = 0; i < r->n_as_path && n < sizeof(path); i++)
		n += (size_t)snprintf(path + n, sizeof(path) - n, "%s%" PRIu32, i ? " " : "",
				      r->as_path[i]);
	c->expired_streams++;
	c->expired_bytes += r->transferred_bytes;
	c->expired_packets += r->packets;
	if (st)
		st->expired = true;
	entity_log(&c->e, LOG_INFO, "expired stream %" PRIu32 " from %s%s%s: %s -> %s proto %"
		   PRIu32 " ports %" PRIu32 " -> %" PRIu32 " cos %s as_path %s: %" PRIu64
		   " bytes, %" PRIu64 " packets in %.9f s", r->id, ag->name,
		   st ? ", content " : " (not configured by this CME)", st ? st->content : "",
		   r->ip_source ? r->ip_source : "*", r->ip_destination ? r->ip_destination : "*",
		   r->protocol, r->port_source, r->port_destination, r->cos ? r->cos : "BE", path,
		   r->transferred_bytes, r->packets, (double)r->duration / 1e9);
}

static void agent_submit_collect(struct cme_agent *ag);

/* One response: it answers the head of the queue. */
static int
agent_answer(struct cme_agent *ag, const uint8_t *body, size_t len)
{
	struct cme *c = ag->c;
	struct cme_op *op = g_queue_pop_head(&ag->ops);
	cafe_agent_resp *r;
	char why[256];

	if (!op) {
		entity_log(&c->e, LOG_WARN, "CAFE agent %s: a response to no request", ag->name);
		return -1;
	}
	r = (cafe_agent_resp *)pb_unpack(&comet__cmecafe__generic_response__descriptor,
						 body, len, why, sizeof(why));
	if (!r) {
		g_queue_push_head(&ag->ops, op);
		entity_log(&c->e, LOG_WARN, "CAFE agent %s: malformed response: %s", ag->name, why);
		return -1;
	}
	ag->failing = false;
	if (op->collect) {
		ag->collecting = false;
		c->collects++;
		entity_log(&c->e, LOG_DEBUG, "collect from CAFE agent %s: %zu expired streams%s",
			   ag->name, r->n_expired_streams, r->has_more && r->more ? ", more" : "");
		for (size_t i = 0; i < r->n_expired_streams; i++)
			stream_log_record(c, ag, r->expired_streams[i]);
		if (r->has_more && r->more)
			agent_submit_collect(ag);
	} else {
		struct cme_stream *st = g_hash_table_lookup(c->streams, GUINT_TO_POINTER(op->id));

		if (r->status == CAFE_AGENT_SUCCESS && st) {
			st->configured = true;
			entity_log(&c->e, LOG_INFO, "CAFE agent %s configured stream %" PRIu32,
				   ag->name, op->id);
			if (op->req && !op->req->reply)
				req_accept(c, op->req, st);
		} else if (op->req && !op->req->reply) {
			req_refuse(c, op->req, &c->refused_agent, "CAFE agent %s refused stream %"
				   PRIu32 ": %s", ag->name, op->id,
				   r->reason ? r->reason : "no reason given");
		}
	}
	protobuf_c_message_free_unpacked(&r->base, NULL);
	op_free(op);
	agent_arm(ag);
	return 0;
}

static void
agent_recv(struct tcp_sock *s, void *ctx, const uint8_t *data, size_t len)
{
	struct cme_agent *ag = ctx;
	const uint8_t *body;
	size_t blen;

	if (ag->sock != s)
		return;
	cafe_agent_framer_push(&ag->fr, data, len);
	while (ag->sock == s && cafe_agent_framer_next(&ag->fr, &body, &blen) == 1) {
		if (agent_answer(ag, body, blen) < 0) {
			agent_drop(ag);
			agent_fail_all(ag, "sent a malformed response");
			return;
		}
	}
}

static void
agent_connected(struct tcp_sock *s, void *ctx)
{
	struct cme_agent *ag = ctx;

	if (ag->sock != s)
		return;
	ag->connected = true;
	ag->connects++;
	entity_log(&ag->c->e, LOG_INFO, "connected to CAFE agent %s", ag->name);
	agent_pump(ag);
}

static void
agent_eof(struct tcp_sock *s, void *ctx)
{
	struct cme_agent *ag = ctx;

	if (ag->sock != s)
		return;
	agent_drop(ag);
	agent_fail_all(ag, "closed the connection");
}

static void
agent_closed(struct tcp_sock *s, void *ctx, enum tcp_close_reason why)
{
	struct cme_agent *ag = ctx;
	const char *what;

	if (ag->sock != s)
		return;
	ag->sock = NULL;
	ag->connected = false;
	switch (why) {
	case TCP_CLOSED_REFUSED:
		what = "refused the connection (no agent listening)";
		break;
	case TCP_CLOSED_TIMEOUT:
		what = "could not be reached";
		break;
	case TCP_CLOSED_RESET:
		what = "reset the connection";
		break;
	default:
		what = "closed the connection";
		break;
	}
	if (why != TCP_CLOSED_NORMAL)
		ag->conn_failures++;
	cafe_agent_framer_fini(&ag->fr);
	cafe_agent_framer_init(&ag->fr);
	agent_fail_all(ag, what);
}

static const struct tcp_callbacks agent_cbs = {
	.connected = agent_connected,
	.recv = agent_recv,
	.eof = agent_eof,
	.closed = agent_closed,
};

/* Send what waits; connect first if needed. */
static void
agent_pump(struct cme_agent *ag)
{
	struct cme *c = ag->c;

	if (g_queue_is_empty(&ag->ops))
		return;
	if (!ag->sock) {
		ag->sock = tcp_connect(c->e.node, &ag->addr, ag->port, 0, &agent_cbs, ag);
		if (!ag->sock) {
			ag->conn_failures++;
			agent_fail_all(ag, "has no route from the CME");
			return;
		}
		agent_arm(ag);
		return;
	}
	if (!ag->connected)
		return;
	for (GList *l = ag->ops.head; l; l = l->next) {
		struct cme_op *op = l->data;

		if (!op->sent) {
			op->sent = true;
			tcp_send(ag->sock, op->msg->data, op->msg->len);
		}
	}
	if (!sim_timer_armed(&ag->timer))
		agent_arm(ag);
}

static void
agent_submit(struct cme_agent *ag, struct cme_op *op)
{
	g_queue_push_tail(&ag->ops, op);
	if (!sim_timer_armed(&ag->timer))
		agent_arm(ag);
	agent_pump(ag);
}

static void
agent_submit_collect(struct cme_agent *ag)
{
	cafe_agent_req q = COMET__CMECAFE__GENERIC_REQUEST__INIT;
	struct cme_op *op;

	if (ag->collecting)
		return;
	op = g_new0(struct cme_op, 1);
	op->collect = true;
	op->msg = g_byte_array_new();
	q.has_type = 1;
	q.type = CAFE_AGENT_COLLECT;
	cafe_agent_frame(&q.base, op->msg);
	ag->collecting = true;
	agent_submit(ag, op);
}

static struct cme_agent *
agent_get(struct cme *c, const struct addr *a, uint16_t port)
{
	struct cme_agent *ag;
	char s[ADDR_STRLEN];

	for (guint i = 0; i < c->agents->len; i++) {
		ag = g_ptr_array_index(c->agents, i);
		if (ag->port == port && addr_eq(&ag->addr, a))
			return ag;
	}
	ag = g_new0(struct cme_agent, 1);
	ag->c = c;
	ag->addr = *a;
	ag->port = port;
	addr_fmt(a, s);
	snprintf(ag->name, sizeof(ag->name), a->af == ADDR_V6 ? "[%s]:%u" : "%s:%u", s, port);
	cafe_agent_framer_init(&ag->fr);
	g_queue_init(&ag->ops);
	sim_timer_init(&ag->timer, agent_timeout, ag, NULL);
	g_ptr_array_add(c->agents, ag);
	return ag;
}

static void
collect_tick(struct sim *sim, void *ctx, void *arg)
{
	struct cme *c = ctx;

	(void)arg;
	for (guint i = 0; i < c->agents->len; i++)
		agent_submit_collect(g_ptr_array_index(c->agents, i));
	sim_timer_after(sim, &c->collect_timer, secs_ns(c->cfg->collect_interval));
}

/* ---- the decision ---- */

/* The metric of class cos in a class table; false if the table has none. */
static bool
class_metric(Comet__Rae__Config__ClassEntry **v, size_t n, uint32_t cos, struct rae_metric *m)
{
	char why[128];

	for (size_t i = 0; i < n; i++) {
		const Comet__Rae__Config__Metric *x = v[i]->metric;

		if (v[i]->cos_id != cos || !x)
			continue;
		return rae_msg_metric(x->has_loss_ratio, x->loss_ratio, x->has_maximum_delay,
				      x->maximum_delay, x->has_supported_bandwidth,
				      x->supported_bandwidth, m, why, sizeof(why)) == 0;
	}
	return false;
}

/*
 * The server's domain: its provisioning from a prefix holding the server
 * to the next-hop AS, for the class; an entry for any AS (as_number 0,
 * doc/rae.md "Wildcard provisioning") when none names the AS; neutral if
 * the RAE reported neither.
 */
static struct rae_metric
intra_metric(struct cme *c, const struct cme_server *s, uint32_t next_as, uint32_t cos)
{
	const struct ps_domain *d = pathstore_domain(&c->ps, s->as);
	struct rae_metric m = rae_metric_zero(), any = rae_metric_zero();
	bool have_any = false;

	for (guint i = 0; d && i < d->prov->len; i++) {
		gsize len;
		const uint8_t *b = g_bytes_get_data(g_ptr_array_index(d->prov, i), &len);
		Comet__Rae__Config__Provisioning *pv =
			comet__rae__config__provisioning__unpack(NULL, len, b);
		struct prefix p;
		bool hit = false;

		if (!pv)
			continue;
		if (pv->source && pv->sink &&
		    pv->source->endpoint_case == COMET__RAE__CONFIG__ENDPOINT__ENDPOINT_PREFIX &&
		    pathstore_prefix_of(pv->source->prefix, &p) && prefix_contains(&p, &s->addr) &&
		    pv->sink->endpoint_case == COMET__RAE__CONFIG__ENDPOINT__ENDPOINT_AS_NUMBER) {
			if (pv->sink->as_number == next_as)
				hit = class_metric(pv->class_table, pv->n_class_table, cos, &m);
			else if (pv->sink->as_number == 0 && !have_any)
				have_any = class_metric(pv->class_table, pv->n_class_table, cos,
							&any);
		}
		comet__rae__config__provisioning__free_unpacked(pv, NULL);
		if (hit)
			return m;
	}
	return have_any ? any : m;
}

/* The keys of a candidate from the key plan; false with why if a domain has none. */
static bool
cand_keys(struct cme *c, struct cme_cand *k, uint32_t src_as, char *why, size_t whylen)
{
	const Comet__Cmerae__Path *p = k->path;
	size_t n = p->n_as_path;

	k->nkeys = 0;
	for (size_t i = 0; i <= n; i++) {
		uint32_t as = i ? p->as_path[i - 1] : src_as;
		uint32_t from = i > 1 ? p->as_path[i - 2] : src_as;
		uint32_t to = i < n ? p->as_path[i] : 0;
		const struct cme_keyplan *kp = cme_config_keys(c->cfg, as, i > 0, from, i < n, to);
		char f[24] = "its own servers", t[24] = "its own clients";

		if (!kp) {
			if (i > 0)
				snprintf(f, sizeof(f), "AS %" PRIu32, from);
			if (i < n)
				snprintf(t, sizeof(t), "AS %" PRIu32, to);
			snprintf(why, whylen, "the key plan has no keys for AS %" PRIu32 " from %s "
				 "to %s", as, f, t);
			return false;
		}
		if (k->nkeys + kp->nkeys > CME_MAX_KEYS) {
			snprintf(why, whylen, "the path needs more than %d keys", CME_MAX_KEYS);
			return false;
		}
		memcpy(k->keys + k->nkeys, kp->keys, kp->nkeys);
		k->nkeys += kp->nkeys;
	}
	if (k->nkeys == 0) {
		snprintf(why, whylen, "the key plan gives the path no key");
		return false;
	}
	return true;
}

/*
 * The entries of the key plan a candidate took from="any" (the stream
 * entered those domains from a neighbour with no entry of its own), as
 * the log names them: " (from=\"any\": AS 3 line 30, AS 4 line 31)", or
 * nothing when every entry named its entry AS.
 */
static void
cand_any_note(struct cme *c, const struct cme_cand *k, uint32_t src_as, char *buf, size_t size)
{
	const Comet__Cmerae__Path *p = k->path;
	size_t n = p->n_as_path, o = 0;
	unsigned used = 0;

	buf[0] = '\0';
	for (size_t i = 1; i <= n && o < size; i++) {
		uint32_t as = p->as_path[i - 1];
		uint32_t from = i > 1 ? p->as_path[i - 2] : src_as;
		uint32_t to = i < n ? p->as_path[i] : 0;
		const struct cme_keyplan *kp = cme_config_keys(c->cfg, as, true, from, i < n, to);

		if (!kp || !kp->from_any)
			continue;
		o += (size_t)snprintf(buf + o, size - o, "%sAS %" PRIu32 " line %d",
				      used++ ? ", " : " (from=\"any\": ", as, kp->line);
	}
	if (used && o < size)
		snprintf(buf + o, size - o, ")");
}

static int
cand_cmp(const struct cme_cand *a, const struct cme_cand *b)
{
	if (a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->path->n_as_path != b->path->n_as_path)
		return a->path->n_as_path < b->path->n_as_path ? -1 : 1;
	if (a->path->n_as_path && a->path->as_path[0] != b->path->as_path[0])
		return a->path->as_path[0] < b->path->as_path[0] ? -1 : 1;
	return a->srv < b->srv ? -1 : a->srv > b->srv;
}

static size_t
fmt_path(char *buf, size_t size, const uint32_t *v, size_t n)
{
	size_t k = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && k < size; i++)
		k += (size_t)snprintf(buf + k, size - k, "%s%" PRIu32, i ? " " : "", v[i]);
	return k;
}

static void
fmt_keys(char *buf, size_t size, const uint8_t *k, unsigned n)
{
	size_t o = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n && o + 3 <= size; i++)
		o += (size_t)snprintf(buf + o, size - o, "%02x", k[i]);
}

static void
pathinf_free(gpointer p)
{
	comet__cmerae__path_inf__free_unpacked(p, NULL);
}

static void
decide(struct cme *c, struct cme_req *q, const cme_creq *r)
{
	const struct cme_content *ct = cme_config_content(c->cfg, r->content);
	uint32_t cos = r->has_cos ? r->cos : 1;
	const struct cme_class *cl = cme_config_class(c->cfg, cos);
	GArray *cands = g_array_new(FALSE, FALSE, sizeof(struct cme_cand));
	GPtrArray *unpacked = g_ptr_array_new_with_free_func(pathinf_free);
	char why[256] = "", cl_list[128] = "", a[ADDR_STRLEN];
	const struct cme_cand *best = NULL;
	unsigned nstored = 0;

	if (!ct) {
		req_refuse(c, q, &c->refused_unknown_content, "unknown content \"%s\"", r->content);
		goto out;
	}
	if (!cl) {
		size_t n = 0;

		for (unsigned i = 0; i < c->cfg->nclasses && n < sizeof(cl_list); i++)
			n += (size_t)snprintf(cl_list + n, sizeof(cl_list) - n, "%s%" PRIu32,
					      i ? ", " : "", c->cfg->classes[i].dp.cos);
		req_refuse(c, q, &c->refused_other, "no class of service %" PRIu32 " (the CME "
			   "has decision parameters for %s)", cos, cl_list);
		goto out;
	}
	if (!r->has_port || r->port == 0 || r->port > 65535) {
		req_refuse(c, q, &c->refused_other, "the request names no client port (1..65535)");
		goto out;
	}
	if (r->has_protocol && r->protocol > 255) {
		req_refuse(c, q, &c->refused_other, "protocol %" PRIu32 " is not an IP protocol",
			   r->protocol);
		goto out;
	}
	for (unsigned s = 0; s < ct->nservers; s++) {
		const struct cme_server *sv = &ct->servers[s];
		struct prefix pfx;
		const GBytes *b = pathstore_lookup(&c->ps, sv->as, &q->client, &pfx);
		Comet__Cmerae__PathInf *pi;
		gsize len;
		const uint8_t *d;

		if (!b)
			continue;
		d = g_bytes_get_data((GBytes *)b, &len);
		pi = comet__cmerae__path_inf__unpack(NULL, len, d);
		if (!pi)
			continue;
		g_ptr_array_add(unpacked, pi);
		for (size_t j = 0; j < pi->n_paths; j++) {
			struct cme_cand k = { .srv = s, .path = pi->paths[j] };
			struct rae_metric pm;
			char path[256], kw[256];

			nstored++;
			if (!k.path->n_as_path ||
			    !class_metric(k.path->class_table, k.path->n_class_table, cos, &pm))
				continue;
			k.m = rae_metric_concat(intra_metric(c, sv, k.path->as_path[0], cos), pm);
			k.score = rae_score(&cl->dp, &k.m, c->cfg->flat);
			k.usable = cand_keys(c, &k, sv->as, kw, sizeof(kw));
			if (!k.usable && !why[0])
				snprintf(why, sizeof(why), "%s", kw);
			fmt_path(path, sizeof(path), k.path->as_path, k.path->n_as_path);
			entity_log(&c->e, LOG_INFO, "request %" PRIu64 ": candidate server %s (AS %"
				   PRIu32 ") as_path %s class %" PRIu32 ": delay %.9g loss %.9g "
				   "bandwidth %.9g score %.6f%s", q->seq, addr_fmt(&sv->addr, a),
				   sv->as, path, cos, k.m.delay, k.m.loss, k.m.bw, k.score,
				   k.usable ? "" : " (no keys)");
			g_array_append_val(cands, k);
		}
	}
	for (guint i = 0; i < cands->len; i++) {
		const struct cme_cand *k = &g_array_index(cands, struct cme_cand, i);

		if (k->usable && (!best || cand_cmp(k, best) < 0))
			best = k;
	}
	if (!best) {
		if (cands->len)
			req_refuse(c, q, &c->refused_no_keys, "no path can be used: %s", why);
		else
			req_refuse(c, q, &c->refused_no_path, "no path reaches %s from the servers "
				   "of \"%s\" for class %" PRIu32 " (%u paths stored towards it)",
				   addr_fmt(&q->client, a), ct->name, cos, nstored);
		goto out;
	}
	{
		const struct cme_server *sv = &ct->servers[best->srv];
		struct cme_stream *st = g_new0(struct cme_stream, 1);
		struct cme_agent *ag = agent_get(c, &sv->agent, sv->agent_port);
		struct cme_op *op = g_new0(struct cme_op, 1);
		cafe_agent_req m = COMET__CMECAFE__GENERIC_REQUEST__INIT;
		cafe_agent_cfg cf = COMET__CMECAFE__CONFIGURE_STREAM__INIT;
		Comet__Cmecafe__Filter fl = COMET__CMECAFE__FILTER__INIT;
		char src[ADDR_STRLEN], dst[ADDR_STRLEN], path[256], keys[2 * CME_MAX_KEYS + 1];
		char any[512];

		st->id = ++c->next_id;
		st->content = g_strdup(ct->name);
		st->srv = *sv;
		st->client = q->client;
		st->cport = (uint16_t)r->port;
		st->cos = cos;
		st->naspath = (unsigned)MIN(best->path->n_as_path, RAE_MAX_ASPATH);
		memcpy(st->as_path, best->path->as_path, st->naspath * sizeof(uint32_t));
		g_hash_table_insert(c->streams, GUINT_TO_POINTER(st->id), st);
		st->size = ct->size;
		memcpy(st->keys, best->keys, best->nkeys);
		st->nkeys = best->nkeys;
		st->score = best->score;

		fl.ip_source = addr_fmt(&sv->addr, src);
		fl.ip_destination = addr_fmt(&q->client, dst);
		fl.has_protocol = 1;
		fl.protocol = r->has_protocol && r->protocol ? r->protocol : 6;
		fl.has_port_source = 1;
		fl.port_source = sv->port;
		fl.has_port_destination = 1;
		fl.port_destination = r->port;
		cf.has_id = 1;
		cf.id = st->id;
		cf.filter = &fl;
		cf.has_bandwidth = 1;
		cf.bandwidth = r->has_bandwidth ? r->bandwidth : 0;
		cf.cos = (char *)cafe_agent_cos_name(cl->cafe_cos);
		cf.has_key = 1;
		cf.key.data = (uint8_t *)best->keys;
		cf.key.len = best->nkeys;
		cf.has_refresh_time = 1;
		cf.refresh_time = c->cfg->refresh_time;
		cf.n_as_path = st->naspath;
		cf.as_path = st->as_path;
		m.has_type = 1;
		m.type = CAFE_AGENT_CONFIGURE;
		m.configure = &cf;
		op->id = st->id;
		op->req = q;
		op->msg = g_byte_array_new();
		cafe_agent_frame(&m.base, op->msg);
		fmt_path(path, sizeof(path), st->as_path, st->naspath);
		fmt_keys(keys, sizeof(keys), best->keys, best->nkeys);
		cand_any_note(c, best, sv->as, any, sizeof(any));
		entity_log(&c->e, LOG_INFO, "request %" PRIu64 ": chose server %s (AS %" PRIu32
			   ") as_path %s score %.6f keys %s%s; configuring stream %" PRIu32 " at "
			   "CAFE agent %s", q->seq, src, sv->as, path, best->score, keys, any,
			   st->id, ag->name);
		agent_submit(ag, op);
	}
out:
	g_ptr_array_free(unpacked, TRUE);
	g_array_free(cands, TRUE);
}

/* ---- requests from clients ---- */

static void
cme_udp_input(struct udp_sock *s, void *ctx, struct pkt *p, const struct addr *src,
	      uint16_t sport, const struct addr *dst, uint16_t dport)
{
	struct cme *c = ctx;
	cme_creq *r;
	struct cme_req *q;
	char why[256], a[ADDR_STRLEN], *key;

	(void)s;
	(void)dport;
	if (!c->e.running)
		return;
	r = (cme_creq *)pb_unpack(&comet__cmeclient__content_request__descriptor,
					  p->data, p->len, why, sizeof(why));
	if (!r) {
		cme_crep x = COMET__CMECLIENT__CONTENT_REPLY__INIT;
		uint8_t buf[600];
		char reason[300];

		c->malformed_requests++;
		entity_log(&c->e, LOG_WARN, "request from %s:%u is not a ContentRequest: %s",
			   addr_fmt(src, a), sport, why);
		snprintf(reason, sizeof(reason), "malformed request: %s", why);
		x.has_status = 1;
		x.status = CME_REFUSED;
		x.reason = reason;
		udp_set_source(c->usock, dst);
		if (comet__cmeclient__content_reply__get_packed_size(&x) <= sizeof(buf))
			udp_sendto_buf(c->usock, src, sport, buf,
				       comet__cmeclient__content_reply__pack(&x, buf));
		return;
	}
	key = g_strdup_printf("%s|%u|%" PRIu64, addr_fmt(src, a), sport, r->sequence);
	q = g_hash_table_lookup(c->reqs, key);
	if (q) {
		c->duplicate_requests++;
		entity_log(&c->e, LOG_DEBUG, "request %" PRIu64 " from %s:%u again%s", r->sequence,
			   a, sport, q->reply ? ": the same reply" : ": still being served");
		if (q->reply)
			reply_send(c, q);
		g_free(key);
	} else {
		q = g_new0(struct cme_req, 1);
		q->client = *src;
		q->to = *dst;
		q->cport = sport;
		q->seq = r->sequence;
		g_hash_table_insert(c->reqs, key, q);
		c->content_requests++;
		entity_log(&c->e, LOG_INFO, "request %" PRIu64 " from %s:%u: content \"%s\" class %"
			   PRIu32 " bandwidth %" PRIu64 " port %" PRIu32, r->sequence, a, sport,
			   r->content ? r->content : "", r->has_cos ? r->cos : 1,
			   r->has_bandwidth ? r->bandwidth : 0, r->has_port ? r->port : 0);
		if (!r->content || !r->content[0])
			req_refuse(c, q, &c->refused_unknown_content, "the request names no content");
		else
			decide(c, q, r);
	}
	protobuf_c_message_free_unpacked(&r->base, NULL);
}

/* ---- the entity's hooks ---- */

static void
req_free(gpointer p)
{
	struct cme_req *q = p;

	if (q->reply)
		g_bytes_unref(q->reply);
	g_free(q);
}

static void
stream_free(gpointer p)
{
	struct cme_stream *st = p;

	g_free(st->content);
	g_free(st);
}

int
cme_serve_init(struct cme *c, char *err, size_t errlen)
{
	c->cfg = cme_config_load(c->config_path, err, errlen);
	if (!c->cfg)
		return -1;
	c->agents = g_ptr_array_new();
	c->reqs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, req_free);
	c->streams = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, stream_free);
	sim_timer_init(&c->collect_timer, collect_tick, c, NULL);
	return 0;
}

int
cme_serve_check(struct cme *c, entity_addr_known_fn known, void *ctx, char *err,
		size_t errlen)
{
	char a[ADDR_STRLEN];

	for (unsigned i = 0; i < c->cfg->ncontents; i++) {
		const struct cme_content *ct = &c->cfg->contents[i];

		for (unsigned j = 0; j < ct->nservers; j++) {
			const struct cme_server *s = &ct->servers[j];

			if (!known(ctx, &s->addr) || !known(ctx, &s->agent)) {
				snprintf(err, errlen, "%s:%d: no node of the scenario has the %s "
					 "address %s", c->cfg->file, s->line,
					 known(ctx, &s->addr) ? "agent" : "server",
					 addr_fmt(known(ctx, &s->addr) ? &s->agent : &s->addr, a));
				return -1;
			}
		}
	}
	return 0;
}

void
cme_serve_start(struct cme *c)
{
	c->usock = udp_open(c->e.node, c->cfg->client_port, cme_udp_input, c);
	if (!c->usock)
		entity_log(&c->e, LOG_ERROR, "cannot open UDP port %u for client requests: in use",
			   c->cfg->client_port);
	else
		entity_log(&c->e, LOG_INFO, "content requests on UDP port %u: %u contents, %u "
			   "classes, %u key plan entries (%s)", c->cfg->client_port,
			   c->cfg->ncontents, c->cfg->nclasses, c->cfg->nkeyplans, c->cfg->file);
	/* Every agent of the catalogue is collected from, in catalogue order. */
	for (unsigned i = 0; i < c->cfg->ncontents; i++)
		for (unsigned j = 0; j < c->cfg->contents[i].nservers; j++)
			agent_get(c, &c->cfg->contents[i].servers[j].agent,
				  c->cfg->contents[i].servers[j].agent_port);
	if (c->cfg->collect_interval > 0)
		sim_timer_after(cme_sim(c), &c->collect_timer,
				secs_ns(c->cfg->collect_interval));
}

void
cme_serve_reset(struct cme *c, const char *why)
{
	if (!c->cfg)
		return;
	for (guint i = 0; i < c->agents->len; i++) {
		struct cme_agent *ag = g_ptr_array_index(c->agents, i);

		if (ag->sock)
			agent_drop(ag);
		agent_fail_all(ag, why);
		ag->failing = false;
	}
}

void
cme_serve_stop(struct cme *c)
{
	guint unanswered = 0;

	if (!c->cfg)
		return;
	sim_timer_cancel(cme_sim(c), &c->collect_timer);
	for (guint i = 0; i < c->agents->len; i++) {
		struct cme_agent *ag = g_ptr_array_index(c->agents, i);
		struct cme_op *op;

		if (ag->sock)
			agent_drop(ag);
		sim_timer_cancel(cme_sim(c), &ag->timer);
		while ((op = g_queue_pop_head(&ag->ops))) {
			unanswered += !op->collect;
			op_free(op);
		}
		ag->collecting = false;
	}
	if (c->usock) {
		udp_close(c->usock);
		c->usock = NULL;
	}
	entity_log(&c->e, LOG_INFO, "requests: %" PRIu64 " (%" PRIu64 " again), %" PRIu64
		   " accepted, %" PRIu64 " refused, %u unanswered at the end; expired streams "
		   "collected: %" PRIu64 ", %" PRIu64 " bytes, %" PRIu64 " packets",
		   c->content_requests, c->duplicate_requests, c->accepted, c->refused,
		   unanswered, c->expired_streams, c->expired_bytes, c->expired_packets);
}

void
cme_serve_stats(struct cme *c, entity_stat_fn fn, void *ctx)
{
	uint64_t timeouts = 0, failures = 0, connects = 0;

	if (!c->cfg)
		return;
	for (guint i = 0; i < c->agents->len; i++) {
		const struct cme_agent *ag = g_ptr_array_index(c->agents, i);

		timeouts += ag->timeouts;
		failures += ag->conn_failures;
		connects += ag->connects;
	}
	fn(ctx, "content_requests", c->content_requests);
	fn(ctx, "duplicate_requests", c->duplicate_requests);
	fn(ctx, "malformed_requests", c->malformed_requests);
	fn(ctx, "accepted", c->accepted);
	fn(ctx, "refused", c->refused);
	fn(ctx, "refused_unknown_content", c->refused_unknown_content);
	fn(ctx, "refused_no_path", c->refused_no_path);
	fn(ctx, "refused_no_keys", c->refused_no_keys);
	fn(ctx, "refused_agent", c->refused_agent);
	fn(ctx, "refused_other", c->refused_other);
	fn(ctx, "agent_connects", connects);
	fn(ctx, "agent_connection_failures", failures);
	fn(ctx, "agent_timeouts", timeouts);
	fn(ctx, "collects", c->collects);
	fn(ctx, "expired_streams", c->expired_streams);
	fn(ctx, "expired_bytes", c->expired_bytes);
	fn(ctx, "expired_packets", c->expired_packets);
}

void
cme_serve_fini(struct cme *c)
{
	if (c->agents) {
		for (guint i = 0; i < c->agents->len; i++) {
			struct cme_agent *ag = g_ptr_array_index(c->agents, i);
			struct cme_op *op;

			while ((op = g_queue_pop_head(&ag->ops)))
				op_free(op);
			cafe_agent_framer_fini(&ag->fr);
			g_free(ag);
		}
		g_ptr_array_free(c->agents, TRUE);
	}
	if (c->reqs)
		g_hash_table_destroy(c->reqs);
	if (c->streams)
		g_hash_table_destroy(c->streams);
	cme_config_free(c->cfg);
}
