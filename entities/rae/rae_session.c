/*
 * rae_session.c - the RAE's sessions with its peers (bgpd's session.c):
 * one TCP connection per peer (sim/tcp.h), the 5-byte framing of
 * rae_wire.h, Open and Keepalive, the hold timer, and the state machine
 * of a session (rae_fsm, drawn above it; doc/rae.md).  Updates and
 * withdrawals received are handed to rae_rde.c, which also decides what
 * is sent; a session coming up or going down is told to it.
 *
 * What D4.3 leaves open and this file decides (doc/rae.md says why):
 *  - of two peers, the one with the lower AS number connects, the other
 *    waits; a new connection from a peer replaces its session;
 *  - the connecting RAE sends Open, the other answers with its own Open
 *    (the confirmation); the hold time is the smaller of the two, the
 *    keepalive interval min(keepalive, hold / 3).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "entities/rae/rae_int.h"

static const char *const state_names[] = {
	"Idle", "Connect", "OpenSent", "OpenWait", "Established",
};

const char *
rae_peer_state_name(enum peer_state st)
{
	return state_names[st];
}

/* ---- sending ---- */

void
rae_peer_send(struct rae_peer *p, unsigned type, const ProtobufCMessage *m)
{
	GByteArray *b = g_byte_array_new();
	char nb[16];

	rae_frame_append(b, type, m);
	if (p->sock && tcp_send(p->sock, b->data, b->len) == 0) {
		p->r->bytes_out += b->len;
		if (type >= RAE_MSG_OPEN && type <= RAE_MSG_REFRESH)
			p->msgs_out[type]++;
		entity_log(&p->r->e, LOG_TRACE, "%s: sent %s, %u bytes", p->name,
			   rae_msg_name(type, nb, sizeof(nb)), b->len);
	}
	g_byte_array_free(b, TRUE);
}

static void
peer_send_open(struct rae_peer *p)
{
	Comet__Rae__Open o = COMET__RAE__OPEN__INIT;
	char ip[ADDR_STRLEN];

	o.has_version = 1;
	o.version = 1;
	o.has_as_number = 1;
	o.as_number = p->r->cfg->local_as;
	o.ip_address = addr_fmt(&p->r->cfg->local_ip, ip);
	o.has_hold_time_ms = 1;
	o.hold_time_ms = (uint32_t)(p->r->hold / SIM_MS);
	rae_peer_send(p, RAE_MSG_OPEN, &o.base);
}

static void
peer_keepalive(struct sim *sim, void *ctx, void *arg)
{
	struct rae_peer *p = ctx;

	if (p->state != PS_ESTABLISHED)
		return;
	rae_peer_send(p, RAE_MSG_KEEPALIVE, NULL);
	sim_timer_after(sim, &p->t_keepalive, p->keepalive);
}

static void
peer_hold_expired(struct sim *sim, void *ctx, void *arg)
{
	struct rae_peer *p = ctx;
	char buf[96];

	p->r->hold_expired++;
	snprintf(buf, sizeof(buf), "hold timer expired (nothing heard for %" PRId64 " ms)",
		 p->hold / SIM_MS);
	rae_fsm(p, PE_ERROR, buf);
}

/* ---- receiving ---- */

/* One whole message from the peer. Returns -1 if the session was reset. */
static int
peer_rx_msg(struct rae_peer *p, unsigned type, const uint8_t *body, size_t len)
{
	struct rae *r = p->r;
	struct ProtobufCMessage *m;
	char why[512], nb[16];

	m = rae_msg_decode(type, body, len, &r->rx, why, sizeof(why));
	if (!m || type == RAE_MSG_CME_REQUEST || type == RAE_MSG_CME_REPLY) {
		if (m)
			snprintf(why, sizeof(why), "%s on an inter-RAE session",
				 rae_msg_name(type, nb, sizeof(nb)));
		r->malformed++;
		rae_fsm(p, PE_ERROR, why);
		return -1;
	}
	p->msgs_in[type]++;
	entity_log(&r->e, LOG_TRACE, "%s: received %s, %zu bytes", p->name,
		   rae_msg_name(type, nb, sizeof(nb)), len);
	if (p->state == PS_ESTABLISHED)
		sim_timer_after(rae_sim(r), &p->t_hold, p->hold);
	if (type == RAE_MSG_OPEN) {
		const Comet__Rae__Open *o = (const Comet__Rae__Open *)m;
		sim_time_t hold = (sim_time_t)o->hold_time_ms * SIM_MS;

		if (p->state != PS_OPEN_SENT && p->state != PS_OPEN_WAIT) {
			rae_fsm(p, PE_ERROR, "open on an established session");
			return -1;
		}
		if (o->as_number != p->cfg->asn) {
			snprintf(why, sizeof(why), "open from AS %" PRIu32 ", expected AS %" PRIu32,
				 o->as_number, p->cfg->asn);
			rae_fsm(p, PE_ERROR, why);
			return -1;
		}
		p->hold = hold < r->hold ? hold : r->hold;
		p->keepalive = r->keepalive < p->hold / 3 ? r->keepalive : p->hold / 3;
		if (p->keepalive <= 0)
			p->keepalive = 1;
		rae_fsm(p, PE_OPEN, NULL);
		return p->state == PS_ESTABLISHED ? 0 : -1;
	}
	if (p->state != PS_ESTABLISHED) {
		snprintf(why, sizeof(why), "%s before open", rae_msg_name(type, nb, sizeof(nb)));
		rae_fsm(p, PE_ERROR, why);
		return -1;
	}
	if (type == RAE_MSG_UPDATE) {
		if (rae_rde_update(p, (const Comet__Rae__Update *)m, r->rx.pfx, why,
				   sizeof(why)) < 0) {
			r->malformed++;
			rae_fsm(p, PE_ERROR, why);
			return -1;
		}
	} else if (type == RAE_MSG_WITHDRAW) {
		rae_rde_withdraw(p, (const Comet__Rae__Withdraw *)m, r->rx.pfx);
	} else if (type == RAE_MSG_REFRESH) {
		/* The peer's link metric towards us changed: it needs our paths again. */
		entity_log(&r->e, LOG_INFO, "%s: refresh asked: advertising everything again",
			   p->name);
		rae_rde_peer_up(p);
	}
	return 0;
}

/* ---- TCP callbacks of a peer's connection ---- */

static void
peer_tcp_recv(struct tcp_sock *s, void *ctx, const uint8_t *data, size_t len)
{
	struct rae_peer *p = ctx;
	const uint8_t *body;
	unsigned type;
	size_t blen;
	char why[256];
	int rc;

	if (p->sock != s)
		return;
	p->r->bytes_in += len;
	rae_framer_push(&p->fr, data, len);
	while ((rc = rae_framer_next(&p->fr, &type, &body, &blen, why, sizeof(why))) == 1) {
		int bad = peer_rx_msg(p, type, body, blen);

		/*
		 * What the message was decoded into is not needed any more:
		 * thousands of RAEs do not each keep an arena between messages.
		 */
		rae_pbarena_fini(&p->r->rx);
		if (bad < 0)
			return;
	}
	if (rc < 0) {
		p->r->malformed++;
		rae_fsm(p, PE_ERROR, why);
	}
}

static void
peer_tcp_eof(struct tcp_sock *s, void *ctx)
{
	struct rae_peer *p = ctx;

	if (p->sock == s)
		rae_fsm(p, PE_ERROR, "the peer closed the connection");
}

static void
peer_tcp_closed(struct tcp_sock *s, void *ctx, enum tcp_close_reason why)
{
	struct rae_peer *p = ctx;
	static const char *const names[] = { "closed", "reset by the peer", "refused",
					     "timed out", "aborted" };
	char buf[64];

	if (p->sock != s)
		return;
	p->sock = NULL;		/* the stack frees it */
	snprintf(buf, sizeof(buf), "connection %s", names[why]);
	rae_fsm(p, PE_ERROR, buf);
}

static void
peer_tcp_connected(struct tcp_sock *s, void *ctx)
{
	struct rae_peer *p = ctx;

	if (p->sock == s)
		rae_fsm(p, PE_TCP_UP, NULL);
}

static void
peer_tcp_writable(struct tcp_sock *s, void *ctx)
{
	struct rae_peer *p = ctx;

	if (p->sock == s && p->state == PS_ESTABLISHED)
		rae_rde_writable(p);
}

static const struct tcp_callbacks peer_cbs = {
	.connected = peer_tcp_connected,
	.recv = peer_tcp_recv,
	.eof = peer_tcp_eof,
	.closed = peer_tcp_closed,
	.writable = peer_tcp_writable,
};

static void
peer_retry(struct sim *sim, void *ctx, void *arg)
{
	rae_fsm(ctx, PE_START, NULL);
}

/* ---- the session state machine ---- */

static void
peer_drop_sock(struct rae_peer *p)
{
	struct tcp_sock *s = p->sock;

	p->sock = NULL;
	rae_sock_drop(p->r, s);
	rae_framer_fini(&p->fr);
	rae_framer_init(&p->fr);
}

/* Every transition goes through here and is logged: a session lost is a warning. */
static void
peer_change_state(struct rae_peer *p, enum peer_state to, const char *reason, bool error)
{
	enum log_level l = error && p->state != PS_CONNECT ? LOG_WARN : LOG_INFO;

	if (p->state == to)
		return;
	entity_log(&p->r->e, l, "%s: %s -> %s%s%s", p->name, state_names[p->state],
		   state_names[to], reason ? ": " : "", reason ? reason : "");
	p->state = to;
}

/*
 * The session with one peer (bgpd's bgp_fsm):
 *
 *      active side                          passive side
 *
 *   Idle --START--> Connect              Idle (the RAE listens)
 *    ^                 | TCP_UP              | ACCEPTED
 *    |                 | send Open           v
 *    |                 v                  OpenWait
 *    |             OpenSent                  | OPEN: send Open (the
 *    |                 | OPEN                |  confirmation)
 *    |                 v                     v
 *    +---ERROR---- Established <-------------+
 *    |   (retry
 *    |    timer)     ERROR from any state: drop the connection, withdraw
 *    +--------       every path learned from the peer, back to Idle; the
 *                    active side tries again after `retry`.
 *
 * ACCEPTED in any state replaces the current connection (the peer
 * restarted).  STOP goes to Idle for good.
 */
void
rae_fsm(struct rae_peer *p, enum peer_event ev, const char *reason)
{
	struct rae *r = p->r;
	struct sim *sim = rae_sim(r);
	bool was_up = p->state == PS_ESTABLISHED;
	struct tcp_ip_opts ipo;

	switch (ev) {
	case PE_START:
		if (p->state != PS_IDLE || !p->active)
			return;
		rae_framer_init(&p->fr);
		rae_peer_ip_opts(p->cfg, &ipo);
		p->sock = tcp_connect_opts(r->e.node, &p->cfg->ip, p->cfg->port, 0, &ipo,
					   &peer_cbs, p);
		if (!p->sock) {
			entity_log(&r->e, LOG_DEBUG, "%s: cannot connect (no route)", p->name);
			sim_timer_after(sim, &p->t_retry, r->retry);
			return;
		}
		peer_change_state(p, PS_CONNECT, NULL, false);
		break;
	case PE_TCP_UP:
		if (p->state != PS_CONNECT)
			return;
		peer_change_state(p, PS_OPEN_SENT, NULL, false);
		peer_send_open(p);
		/* The peer must answer within a hold time. */
		p->hold = r->hold;
		sim_timer_after(sim, &p->t_hold, r->hold);
		break;
	case PE_ACCEPTED:
		/* p->sock is already the new connection. */
		peer_change_state(p, PS_OPEN_WAIT, NULL, false);
		p->hold = r->hold;
		sim_timer_after(sim, &p->t_hold, r->hold);
		break;
	case PE_OPEN:
		if (p->state == PS_OPEN_WAIT)
			peer_send_open(p);
		peer_change_state(p, PS_ESTABLISHED, NULL, false);
		p->established++;
		p->last_update = RAE_NEVER;
		entity_log(&r->e, LOG_INFO, "%s: session up, hold time %" PRId64 " ms, keepalive "
			   "%" PRId64 " ms", p->name, p->hold / SIM_MS, p->keepalive / SIM_MS);
		sim_timer_after(sim, &p->t_hold, p->hold);
		sim_timer_after(sim, &p->t_keepalive, p->keepalive);
		if (r->pace)
			tcp_set_lowat(p->sock, r->pace / 2);
		rae_rde_peer_up(p);	/* everything we have to offer */
		break;
	case PE_ERROR:
	case PE_STOP:
		if (p->state == PS_IDLE && ev == PE_ERROR)
			return;
		if (ev == PE_ERROR && p->state == PS_CONNECT) {
			p->connect_failures++;
		} else if (ev == PE_ERROR) {
			p->resets++;
			snprintf(p->last_reason, sizeof(p->last_reason), "%s", reason ? reason : "");
		}
		peer_drop_sock(p);
		sim_timer_cancel(sim, &p->t_hold);
		sim_timer_cancel(sim, &p->t_keepalive);
		sim_timer_cancel(sim, &p->t_drain);
		peer_change_state(p, PS_IDLE, ev == PE_STOP ? "stopped" : reason, ev == PE_ERROR);
		if (ev == PE_STOP)
			rae_rde_flush(p);	/* the RAE is going: nobody to tell */
		else if (was_up || p->fresh->len || p->deferred->len || p->backlog->len)
			rae_rde_peer_down(p);
		if (ev == PE_ERROR && p->active)
			sim_timer_after(sim, &p->t_retry, r->retry);
		else
			sim_timer_cancel(sim, &p->t_retry);
		break;
	}
}

/*
 * The IP options of the session with a peer: its ttl_value N, if not 0,
 * as TTL security (doc/rae.md, "ttl_value"): every segment leaves with
 * TTL 255 and only those that arrive with 255 - (N - 1) or more are
 * taken, so the peer can be at most N hops away.
 */
void
rae_peer_ip_opts(const struct rae_peer_cfg *pc, struct tcp_ip_opts *o)
{
	memset(o, 0, sizeof(*o));
	if (pc->ttl == 0)
		return;
	o->ttl = 255;
	o->min_ttl = (uint8_t)(256 - pc->ttl);
}

/* A connection to our port: which peer is it? */
void
rae_accept(struct tcp_sock *l, struct tcp_sock *conn, void *ctx)
{
	struct rae *r = ctx;
	struct addr la, ra;
	uint16_t lp, rp;
	char a[ADDR_STRLEN];

	tcp_endpoints(conn, &la, &lp, &ra, &rp);
	for (unsigned i = 0; i < r->cfg->npeers; i++) {
		struct rae_peer *p = &r->peers[i];

		if (!addr_eq(&p->cfg->ip, &ra))
			continue;
		if (p->state != PS_IDLE)
			rae_fsm(p, PE_ERROR, "a new connection from the peer replaces this one");
		sim_timer_cancel(rae_sim(r), &p->t_retry);
		rae_framer_init(&p->fr);
		p->sock = conn;
		tcp_set_callbacks(conn, &peer_cbs, p);
		rae_fsm(p, PE_ACCEPTED, NULL);
		return;
	}
	entity_log(&r->e, LOG_WARN, "connection from %s:%u, which is no peer: refused",
		   addr_fmt(&ra, a), rp);
	tcp_abort(conn);
}

/* ---- setting up ---- */

void
rae_peer_setup(struct rae *r, unsigned i)
{
	struct rae_peer *p = &r->peers[i];
	char ip[ADDR_STRLEN];

	p->r = r;
	p->idx = (uint16_t)i;
	p->cfg = &r->cfg->peers[i];
	snprintf(p->name, sizeof(p->name), "peer AS%" PRIu32 "/%s", p->cfg->asn,
		 addr_fmt(&p->cfg->ip, ip));
	p->active = r->cfg->local_as < p->cfg->asn;
	p->fresh = g_ptr_array_new();
	p->deferred = g_ptr_array_new();
	p->backlog = g_ptr_array_new();
	rae_framer_init(&p->fr);
	sim_timer_init(&p->t_hold, peer_hold_expired, p, NULL);
	sim_timer_init(&p->t_keepalive, peer_keepalive, p, NULL);
	sim_timer_init(&p->t_retry, peer_retry, p, NULL);
	sim_timer_init(&p->t_drain, rae_rde_drain, p, NULL);
}
