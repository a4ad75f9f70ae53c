/*
 * rae_cme.c - the RAE's link to its CME (D4.3 section 4.2.3,
 * cmerae.proto): one TCP connection, the framing of rae_wire.h,
 * GenericRequests out and Replies back.  The RAE reports its domain's
 * provisioning and prefixes (ProvInf) and, as the RIB changes, the
 * preferred paths of every remote prefix (PathInf; rae_rde.c queues
 * them).  The link is a state machine of its own, drawn above
 * rae_cme_next() and in doc/rae.md; cme_change_state() is the only place
 * its state changes.
 *
 * What D4.3 leaves open and this file decides (doc/rae.md says why): the
 * RAE-CME connection carries GenericRequests and Replies with the same
 * framing as between RAEs; after a reconnection the RAE compares the
 * Reply's version with the last one: a different version (the CME
 * restarted) or requests left unanswered make it send everything again.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entities/rae/config.pb-c.h"
#include "entities/rae/rae_int.h"

#define RAE_CME_BATCH		1000		/* PathInf in one GenericRequest */
#define RAE_CME_PROV_PREFIXES	10000		/* prefixes in one ProvInf */

/* ---- the state machine of the link ---- */

static const char *const cme_state_names[RAE_CME_NSTATES] = {
	"Idle", "Connect", "Sync", "Up",
};

static const char *const cme_event_names[RAE_CME_NEVENTS] = {
	"START", "TCP_UP", "REPLY", "LOST", "STOP",
};

const char *
rae_cme_state_name(enum rae_cme_state st)
{
	return (unsigned)st < RAE_CME_NSTATES ? cme_state_names[st] : "?";
}

const char *
rae_cme_event_name(enum rae_cme_event ev)
{
	return (unsigned)ev < RAE_CME_NEVENTS ? cme_event_names[ev] : "?";
}

/*
 * The link to the CME (the states and events are those of rae_int.h;
 * doc/rae.md, "The link to the CME", draws the same):
 *
 *          START                TCP_UP                   REPLY (the first;
 *  Idle ---------> Connect --------------> Sync -----------------> Up
 *   ^   connect      |    send ProvInf, or   |     its version:     | ^
 *   |                |    everything if the  |     restarted?       | | REPLY
 *   |                |    CME may have       |     then everything  +-+
 *   |                |    forgotten us       |     again)           |
 *   +------LOST------+--------LOST-----------+---------LOST---------+
 *                  (the retry timer is armed: START after `retry`)
 *
 *  STOP in any state: drop the connection, back to Idle; an RAE started
 *  again begins with START.
 *
 * A tcp_connect() that cannot start (no route) changes nothing: the
 * retry timer is armed in Idle.  PathInf goes only in Up; what changes
 * before waits in the queue.  Any other event in a state is a bug.
 */
int
rae_cme_next(enum rae_cme_state from, enum rae_cme_event ev)
{
	switch (ev) {
	case CE_START:
		return from == CS_IDLE ? CS_CONNECT : -1;
	case CE_TCP_UP:
		return from == CS_CONNECT ? CS_SYNC : -1;
	case CE_REPLY:
		return from == CS_SYNC || from == CS_UP ? CS_UP : -1;
	case CE_LOST:
		return from == CS_CONNECT || from == CS_SYNC || from == CS_UP ? CS_IDLE : -1;
	case CE_STOP:
		return (unsigned)from < RAE_CME_NSTATES ? CS_IDLE : -1;
	}
	return -1;
}

static void cme_change_state(struct rae *r, enum rae_cme_event ev, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Every change of the link's state goes through here.  A change is
 * logged as "CME: " and what fmt says (fmt NULL: not logged); an event
 * that leaves the state as it is logs nothing.  An event the state
 * machine does not allow is a bug of this file: abort.
 */
static void
cme_change_state(struct rae *r, enum rae_cme_event ev, const char *fmt, ...)
{
	int to = rae_cme_next(r->cme.state, ev);
	char what[2048];
	va_list ap;

	if (to < 0) {
		fprintf(stderr, "internal error: %s: RAE-CME link: event %s in state %s\n",
			r->e.node->name, rae_cme_event_name(ev), rae_cme_state_name(r->cme.state));
		abort();
	}
	if ((enum rae_cme_state)to == r->cme.state)
		return;
	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(what, sizeof(what), fmt, ap);
		va_end(ap);
		entity_log(&r->e, LOG_INFO, "CME: %s", what);
	}
	r->cme.state = (enum rae_cme_state)to;
}

/* ---- reporting ---- */

static void
cme_send(struct rae *r, Comet__Cmerae__GenericRequest *g)
{
	GByteArray *b = g_byte_array_new();

	g->has_sequence = 1;
	g->sequence = ++r->cme.seq;
	g->has_as_number = 1;
	g->as_number = r->cfg->local_as;
	rae_frame_append(b, RAE_MSG_CME_REQUEST, &g->base);
	if (r->cme.sock && tcp_send(r->cme.sock, b->data, b->len) == 0) {
		r->cme.requests++;
		r->cme.unacked++;
		r->bytes_out += b->len;
	}
	g_byte_array_free(b, TRUE);
}

static Comet__Rae__Config__Prefix *
cme_prefix(struct rae_pbarena *a, const struct prefix *p)
{
	Comet__Rae__Config__Prefix *m = rae_pbarena_alloc(a, sizeof(*m));

	comet__rae__config__prefix__init(m);
	m->ip_address = addr_fmt(&p->addr, rae_pbarena_alloc(a, ADDR_STRLEN));
	m->has_prefix_length = 1;
	m->prefix_length = p->len;
	return m;
}

static Comet__Rae__Config__ClassEntry **
cme_classes(struct rae_pbarena *a, const struct rae_cmetric *v, unsigned n, size_t *nout)
{
	Comet__Rae__Config__ClassEntry **cv = rae_pbarena_alloc(a, n * sizeof(*cv));

	for (unsigned i = 0; i < n; i++) {
		Comet__Rae__Config__ClassEntry *ce = rae_pbarena_alloc(a, sizeof(*ce));
		Comet__Rae__Config__Metric *mt = rae_pbarena_alloc(a, sizeof(*mt));

		comet__rae__config__class_entry__init(ce);
		comet__rae__config__metric__init(mt);
		ce->has_cos_id = 1;
		ce->cos_id = v[i].cos;
		ce->metric = mt;
		mt->has_loss_ratio = 1;
		mt->loss_ratio = v[i].m.loss;
		mt->has_maximum_delay = 1;
		mt->maximum_delay = v[i].m.delay;
		if (!isinf(v[i].m.bw)) {
			mt->has_supported_bandwidth = 1;
			mt->supported_bandwidth = v[i].m.bw;
		}
		cv[i] = ce;
	}
	*nout = n;
	return cv;
}

static Comet__Rae__Config__Endpoint *
cme_endpoint(struct rae_pbarena *a, const struct rae_endpoint *e)
{
	Comet__Rae__Config__Endpoint *m = rae_pbarena_alloc(a, sizeof(*m));

	comet__rae__config__endpoint__init(m);
	if (e->is_as) {
		m->endpoint_case = COMET__RAE__CONFIG__ENDPOINT__ENDPOINT_AS_NUMBER;
		m->as_number = e->asn;
	} else {
		m->endpoint_case = COMET__RAE__CONFIG__ENDPOINT__ENDPOINT_PREFIX;
		m->prefix = cme_prefix(a, &e->pfx);
	}
	return m;
}

/* The domain's provisioning and prefixes, in as many requests as the prefixes need. */
void
rae_cme_send_prov(struct rae *r, bool full)
{
	const struct rae_config *c = r->cfg;
	size_t at = 0;

	do {
		Comet__Cmerae__GenericRequest g = COMET__CMERAE__GENERIC_REQUEST__INIT;
		Comet__Cmerae__ProvInf pi = COMET__CMERAE__PROV_INF__INIT;
		size_t n = MIN(r->nlocal - at, (size_t)RAE_CME_PROV_PREFIXES);
		struct rae_pbarena a;

		rae_pbarena_init(&a);
		pi.has_as_number = 1;
		pi.as_number = c->local_as;
		pi.n_prefixes = n;
		pi.prefixes = rae_pbarena_alloc(&a, n * sizeof(*pi.prefixes));
		for (size_t i = 0; i < n; i++)
			pi.prefixes[i] = cme_prefix(&a, rae_dest_prefix(r->local[at + i]));
		if (at == 0) {
			pi.has_first = 1;
			pi.first = 1;
			pi.n_provisioning_table = c->nprov;
			pi.provisioning_table = rae_pbarena_alloc(&a, c->nprov * sizeof(void *));
			for (unsigned i = 0; i < c->nprov; i++) {
				Comet__Rae__Config__Provisioning *pv = rae_pbarena_alloc(&a, sizeof(*pv));

				comet__rae__config__provisioning__init(pv);
				pv->source = cme_endpoint(&a, &c->prov[i].src);
				pv->sink = cme_endpoint(&a, &c->prov[i].sink);
				pv->class_table = cme_classes(&a, c->prov[i].classes, c->prov[i].nclasses,
							      &pv->n_class_table);
				pi.provisioning_table[i] = pv;
			}
			if (full) {
				g.has_full = 1;
				g.full = 1;
			}
		}
		g.prov_inf = &pi;
		cme_send(r, &g);
		rae_pbarena_fini(&a);
		at += n;
	} while (at < r->nlocal);
}

/* Report queued prefixes: their preferred paths, or none (unreachable). */
static void
cme_drain(struct sim *sim, void *ctx, void *arg)
{
	struct rae *r = ctx;
	const struct rae_config *c = r->cfg;
	GPtrArray *q = r->cme.q;
	guint at = 0;

	if (r->cme.state != CS_UP)
		return;
	while (at < q->len) {
		Comet__Cmerae__GenericRequest g = COMET__CMERAE__GENERIC_REQUEST__INIT;
		Comet__Cmerae__PathInf **pv = g_new(Comet__Cmerae__PathInf *, RAE_CME_BATCH);
		size_t n = 0;
		struct rae_pbarena a;

		rae_pbarena_init(&a);
		for (; at < q->len && n < RAE_CME_BATCH; at++) {
			struct rae_dest *d = g_ptr_array_index(q, at);
			Comet__Cmerae__PathInf *pi;
			unsigned np = 0;

			d->flags &= (uint8_t)~RAE_DEST_CME_QUEUED;
			for (const struct rae_path *p = d->paths; p; p = p->next)
				if (p->pref)
					np++;
			if (np == 0 && !(d->flags & RAE_DEST_CME_KNOWN))
				continue;
			pi = rae_pbarena_alloc(&a, sizeof(*pi));
			comet__cmerae__path_inf__init(pi);
			pi->prefix = cme_prefix(&a, rae_dest_prefix(d));
			pi->n_paths = np;
			pi->paths = rae_pbarena_alloc(&a, np * sizeof(*pi->paths));
			np = 0;
			for (const struct rae_path *p = d->paths; p; p = p->next) {
				Comet__Cmerae__Path *mp;
				struct rae_cmetric cm[RAE_MAX_CLASSES];
				unsigned k = 0;

				if (!p->pref)
					continue;
				mp = rae_pbarena_alloc(&a, sizeof(*mp));
				comet__cmerae__path__init(mp);
				mp->n_as_path = rae_path_aspath(p)->len;
				mp->as_path = rae_pbarena_alloc(&a, mp->n_as_path * sizeof(uint32_t));
				rae_aspath_copy(rae_path_aspath(p), mp->as_path);
				for (unsigned s = 0; s < c->ndp; s++)
					if (p->pref & (1u << s)) {
						cm[k].cos = c->dp[s].cos;
						cm[k].m = *rae_path_metric(p, s);
						k++;
					}
				mp->class_table = cme_classes(&a, cm, k, &mp->n_class_table);
				pi->paths[np++] = mp;
			}
			if (np)
				d->flags |= RAE_DEST_CME_KNOWN;
			else
				d->flags &= (uint8_t)~RAE_DEST_CME_KNOWN;
			pv[n++] = pi;
		}
		if (n) {
			g.n_path_inf = n;
			g.path_inf = pv;
			cme_send(r, &g);
			r->cme.path_inf += n;
		}
		rae_pbarena_fini(&a);
		g_free(pv);
	}
	for (guint i = 0; i < q->len; i++)
		rae_rib_release(&r->rib, g_ptr_array_index(q, i));
	g_ptr_array_set_size(q, 0);
}

void
rae_cme_enqueue(struct rae *r, struct rae_dest *d)
{
	if (!r->cfg->has_cme || (d->flags & RAE_DEST_CME_QUEUED))
		return;
	d->flags |= RAE_DEST_CME_QUEUED;
	g_ptr_array_add(r->cme.q, d);
	if (r->cme.state == CS_UP && !sim_timer_armed(&r->cme.t_drain))
		sim_timer_after(rae_sim(r), &r->cme.t_drain, 0);
}

/* Everything again: the CME forgets this AS on a request marked full. */
static void
cme_full_report(struct rae *r)
{
	GPtrArray *all = g_ptr_array_new();

	r->cme.full_reports++;
	rae_rib_foreach(&r->rib, rae_rde_collect, all);
	for (guint i = 0; i < all->len; i++) {
		struct rae_dest *d = g_ptr_array_index(all, i);

		d->flags &= (uint8_t)~RAE_DEST_CME_KNOWN;
		if (!(d->flags & RAE_DEST_LOCAL) && d->paths)
			rae_cme_enqueue(r, d);
	}
	g_ptr_array_free(all, TRUE);
	rae_cme_send_prov(r, true);
}

static void
cme_rx(struct rae *r, unsigned type, const uint8_t *body, size_t len)
{
	struct ProtobufCMessage *m;
	const Comet__Cmerae__Reply *rep;
	char why[256];

	if (type != RAE_MSG_CME_REPLY) {
		entity_log(&r->e, LOG_WARN, "CME: unexpected message type %u: ignored", type);
		return;
	}
	m = rae_msg_decode(type, body, len, &r->rx, why, sizeof(why));
	if (!m) {
		entity_log(&r->e, LOG_WARN, "CME: bad reply: %s", why);
		return;
	}
	rep = (const Comet__Cmerae__Reply *)m;
	r->cme.replies++;
	if (r->cme.unacked)
		r->cme.unacked--;
	if (r->cme.have_version && rep->version != r->cme.version) {
		r->cme.restarts++;
		entity_log(&r->e, LOG_INFO, "CME: version %" PRIu64 " (was %" PRIu64 "): the CME "
			   "restarted, sending everything again", rep->version, r->cme.version);
		r->cme.version = rep->version;
		cme_full_report(r);
	} else if (!r->cme.have_version) {
		r->cme.have_version = true;
		r->cme.version = rep->version;
	}
	cme_change_state(r, CE_REPLY, "reporting (CME version %" PRIu64 ")", r->cme.version);
	if (r->cme.q->len && !sim_timer_armed(&r->cme.t_drain))
		sim_timer_after(rae_sim(r), &r->cme.t_drain, 0);
}

static void cme_lost(struct rae *r, const char *why);

static void
cme_tcp_recv(struct tcp_sock *s, void *ctx, const uint8_t *data, size_t len)
{
	struct rae *r = ctx;
	const uint8_t *body;
	unsigned type;
	size_t blen;
	char why[256];
	int rc;

	if (r->cme.sock != s)
		return;
	r->bytes_in += len;
	rae_framer_push(&r->cme.fr, data, len);
	while ((rc = rae_framer_next(&r->cme.fr, &type, &body, &blen, why, sizeof(why))) == 1) {
		cme_rx(r, type, body, blen);
		if (r->cme.sock != s)
			return;
	}
	if (rc < 0)
		cme_lost(r, why);
}

static void
cme_tcp_connected(struct tcp_sock *s, void *ctx)
{
	struct rae *r = ctx;
	bool full = r->cme.need_full || r->cme.lost_unacked || !r->cme.have_version;

	if (r->cme.sock != s)
		return;
	r->cme.connects++;
	r->cme.seq = 0;
	r->cme.unacked = 0;
	cme_change_state(r, CE_TCP_UP, "connected%s", full ? ", full report" : "");
	if (full) {
		/* The first reply tells the version; nothing to compare it with. */
		r->cme.need_full = false;
		r->cme.lost_unacked = false;
		r->cme.have_version = false;
		cme_full_report(r);
	} else {
		rae_cme_send_prov(r, false);
	}
}

static void
cme_tcp_closed(struct tcp_sock *s, void *ctx, enum tcp_close_reason why)
{
	struct rae *r = ctx;

	if (r->cme.sock != s)
		return;
	r->cme.sock = NULL;
	cme_lost(r, why == TCP_CLOSED_REFUSED ? "connection refused" : "connection lost");
}

static void
cme_tcp_eof(struct tcp_sock *s, void *ctx)
{
	struct rae *r = ctx;

	if (r->cme.sock == s)
		cme_lost(r, "the CME closed the connection");
}

static const struct tcp_callbacks cme_cbs = {
	.connected = cme_tcp_connected,
	.recv = cme_tcp_recv,
	.eof = cme_tcp_eof,
	.closed = cme_tcp_closed,
};

static void
cme_lost(struct rae *r, const char *why)
{
	struct tcp_sock *s = r->cme.sock;

	/* An attempt that failed is not logged: the RAE retries until the CME listens. */
	cme_change_state(r, CE_LOST, r->cme.state != CS_CONNECT || s ? "%s" : NULL, why);
	r->cme.sock = NULL;
	if (s) {
		tcp_set_callbacks(s, NULL, NULL);
		tcp_abort(s);
	}
	if (r->cme.unacked)
		r->cme.lost_unacked = true;
	rae_framer_fini(&r->cme.fr);
	sim_timer_cancel(rae_sim(r), &r->cme.t_drain);
	sim_timer_after(rae_sim(r), &r->cme.t_retry, r->retry);
}

static void
cme_retry(struct sim *sim, void *ctx, void *arg)
{
	rae_cme_start(ctx);
}

void
rae_cme_start(struct rae *r)
{
	if (!r->cfg->has_cme || r->cme.state != CS_IDLE || !r->e.running)
		return;
	rae_framer_init(&r->cme.fr);
	r->cme.sock = tcp_connect(r->e.node, &r->cfg->cme_ip, r->cfg->cme_port, 0, &cme_cbs, r);
	if (!r->cme.sock) {
		sim_timer_after(rae_sim(r), &r->cme.t_retry, r->retry);
		return;
	}
	cme_change_state(r, CE_START, NULL);
}

/* ---- setting up and stopping ---- */

void
rae_cme_setup(struct rae *r)
{
	r->cme.q = g_ptr_array_new();
	rae_framer_init(&r->cme.fr);
	sim_timer_init(&r->cme.t_retry, cme_retry, r, NULL);
	sim_timer_init(&r->cme.t_drain, cme_drain, r, NULL);
}

void
rae_cme_stop(struct rae *r)
{
	struct sim *sim = rae_sim(r);

	if (r->cme.sock) {
		struct tcp_sock *s = r->cme.sock;

		r->cme.sock = NULL;
		rae_sock_drop(r, s);
	}
	cme_change_state(r, CE_STOP, NULL);
	/* What was half received goes with the connection (a restart starts a new framer). */
	rae_framer_fini(&r->cme.fr);
	sim_timer_cancel(sim, &r->cme.t_retry);
	sim_timer_cancel(sim, &r->cme.t_drain);
}

void
rae_cme_fini(struct rae *r)
{
	g_ptr_array_free(r->cme.q, TRUE);
	rae_framer_fini(&r->cme.fr);
}
