/*
 * tcp.c - emulated TCP (RFC 9293) for the entities: stream sockets over
 * the node stack of net.h.
 *
 * Segments are real TCP on the wire: 20-byte header, the MSS option on
 * SYN and SYN-ACK, checksum over the IPv4 or IPv6 pseudo-header.  They
 * leave through ip_output() with the connection's local address as
 * source and arrive through the node's hook for IP protocol 6.  Each node
 * keeps its TCP in a node extension ("tcp"): the connections by
 * (local address, local port, remote address, remote port) in a hash
 * table, the listeners by port, the random stream "tcp/<node>" the
 * initial sequence numbers come from.
 *
 * What is implemented and what is not, with the constants, is in
 * doc/tcp.md.  In short:
 *  - three-way handshake (and simultaneous open), FIN both ways with the
 *    full state machine (tcp_fsm below), RST sent and received with the
 *    checks of RFC 5961 (exact sequence number, else a challenge ACK);
 *  - retransmission timer of RFC 6298 with Karn's rule (every segment's
 *    send time is kept; an ACK that covers only segments sent once gives
 *    a sample), exponential back-off and a bounded number of retries;
 *    a timeout sends everything outstanding again (go back N: without
 *    SACK the sender cannot know what arrived);
 *  - fast retransmit on three duplicate ACKs, and NewReno-style
 *    partial-ACK recovery (RFC 6582): while recovering, each ACK that
 *    leaves a hole below the recovery point retransmits the segment at
 *    the hole, and a retransmission shown lost by duplicate ACKs that
 *    only later segments can have caused goes again (lr_start);
 *  - a fixed send window: at most min(TCP_WINDOW, peer's window) bytes
 *    in flight, no congestion control; sender-side silly window
 *    avoidance (full segments only, unless it is the last data);
 *  - every data segment is acknowledged at once (no delayed ACK); data
 *    beyond a hole is kept and delivered when the hole is filled.
 *
 * Sockets are freed by a zero-delay event after they close, so that no
 * code path here or in a callback touches freed memory: after every
 * callback the caller checks `dead` and stops.
 *
 * The implementation is split by concern (tcp_int.h): this file holds
 * the per-node stack, the sockets and their life, the connection state
 * machine and the socket calls of tcp.h; tcp_input.c the processing of
 * segments that arrive; tcp_output.c what leaves, retransmissions and the
 * timers.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/tcp_int.h"
#include "sim/wire.h"
static const char *const state_names[] = {
	[TCP_CLOSED] = "CLOSED",
	[TCP_LISTEN] = "LISTEN",
	[TCP_SYN_SENT] = "SYN_SENT",
	[TCP_SYN_RCVD] = "SYN_RCVD",
	[TCP_ESTABLISHED] = "ESTABLISHED",
	[TCP_FIN_WAIT_1] = "FIN_WAIT_1",
	[TCP_FIN_WAIT_2] = "FIN_WAIT_2",
	[TCP_CLOSING] = "CLOSING",
	[TCP_TIME_WAIT] = "TIME_WAIT",
	[TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_LAST_ACK] = "LAST_ACK",
};

const char *
tcp_state_name(enum tcp_state st)
{
	if ((unsigned)st < sizeof(state_names) / sizeof(state_names[0]))
		return state_names[st];
	return "?";
}

const char *
tcp_close_reason_name(enum tcp_close_reason why)
{
	switch (why) {
	case TCP_CLOSED_NORMAL:
		return "normal";
	case TCP_CLOSED_RESET:
		return "reset";
	case TCP_CLOSED_REFUSED:
		return "refused";
	case TCP_CLOSED_TIMEOUT:
		return "timeout";
	case TCP_CLOSED_ABORTED:
		return "aborted";
	}
	return "?";
}

/* ---- the per-node stack ---- */

static guint
key_hash(gconstpointer k)
{
	const struct tcp_key *key = k;
	size_t alen = key->laddr.af == ADDR_V4 ? 4 : 16;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < alen; i++)
		h = (h ^ key->laddr.a[i]) * 16777619u;
	for (size_t i = 0; i < alen; i++)
		h = (h ^ key->raddr.a[i]) * 16777619u;
	h = (h ^ key->lport) * 16777619u;
	h = (h ^ key->rport) * 16777619u;
	return h;
}

static gboolean
key_equal(gconstpointer a, gconstpointer b)
{
	const struct tcp_key *x = a, *y = b;

	return x->lport == y->lport && x->rport == y->rport &&
	       addr_eq(&x->laddr, &y->laddr) && addr_eq(&x->raddr, &y->raddr);
}

static void
sock_free(struct tcp_sock *s)
{
	struct tcp_ooo *q, *next;

	for (q = s->ooo; q; q = next) {
		next = q->next;
		free(q);
	}
	free(s->sbuf);
	free(s->tx_times);
	free(s->txq);
	if (s->peer_ipo)
		g_array_free(s->peer_ipo, TRUE);
	free(s);
}

/*
 * The node is going away (net_destroy): free every socket without a
 * callback.  Entities were stopped before, and closed what they owned.
 */
static void
stack_fini(void *data)
{
	struct tcp_stack *st = data;
	struct sim *sim = st->node->net->sim;
	struct tcp_sock *s, *next;

	for (s = st->head; s; s = next) {
		next = s->next;
		sim_timer_cancel(sim, &s->rexmt);
		sim_timer_cancel(sim, &s->twait);
		sock_free(s);
	}
	for (guint i = 0; i < st->graveyard->len; i++)
		sock_free(g_ptr_array_index(st->graveyard, i));
	g_ptr_array_free(st->graveyard, TRUE);
	if (st->reap)
		sim_cancel(sim, st->reap);
	g_hash_table_destroy(st->conns);
	g_hash_table_destroy(st->listeners);
	g_hash_table_destroy(st->ports);
	free(st);
}

/* The node's TCP, made and hooked to IP protocol 6 on first use; NULL if it cannot be. */
static struct tcp_stack *
stack_get(struct node *n)
{
	struct tcp_stack *st = node_ext_get(n, "tcp");
	char name[256];

	if (st)
		return st;
	st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	if (node_ip_hook(n, IPPROTO_TCP_, tcp_input, st) < 0) {
		node_log(n, LOG_ERROR, "tcp", NULL, "IP protocol 6 is hooked by someone else");
		free(st);
		return NULL;
	}
	st->node = n;
	st->conns = g_hash_table_new(key_hash, key_equal);
	st->listeners = g_hash_table_new(g_direct_hash, g_direct_equal);
	st->ports = g_hash_table_new(g_direct_hash, g_direct_equal);
	st->graveyard = g_ptr_array_new();
	snprintf(name, sizeof(name), "tcp/%s", n->name);
	rng_init(&st->rng, n->net->seed, n->net->run, name);
	st->next_ephemeral = TCP_EPHEMERAL_LO;
	st->drop_no_listener = stats_reason_intern(&n->net->stats, "tcp_no_listener");
	node_ext_set(n, "tcp", st, stack_fini);
	return st;
}

/*
 * Every node of the net gets its TCP before a connection is tried, so
 * that a SYN to a node where nothing ever listened is answered with a
 * RST, as a real host does, rather than dropped as an unknown protocol.
 */
void
tcp_stack_attach_all(struct net *net)
{
	for (unsigned i = 0; i < net->nnodes; i++)
		if (!node_ext_get(net->nodes[i], "tcp"))
			stack_get(net->nodes[i]);
}

static unsigned
port_users(struct tcp_stack *st, uint16_t port)
{
	return GPOINTER_TO_UINT(g_hash_table_lookup(st->ports, GUINT_TO_POINTER(port)));
}

static void
port_ref(struct tcp_stack *st, uint16_t port, int delta)
{
	unsigned n = port_users(st, port);

	n = (unsigned)((int)n + delta);
	if (n)
		g_hash_table_insert(st->ports, GUINT_TO_POINTER(port), GUINT_TO_POINTER(n));
	else
		g_hash_table_remove(st->ports, GUINT_TO_POINTER(port));
}

static void
reap(struct sim *sim, void *ctx, void *arg)
{
	struct tcp_stack *st = ctx;

	st->reap = NULL;
	for (guint i = 0; i < st->graveyard->len; i++)
		sock_free(g_ptr_array_index(st->graveyard, i));
	g_ptr_array_set_size(st->graveyard, 0);
}

/*
 * Take s out of the tables and timers and mark it dead; the memory is
 * freed by a zero-delay event, after every caller on the stack has
 * returned.
 */
static void
sock_release(struct tcp_sock *s)
{
	struct tcp_stack *st = s->st;
	struct sim *sim = st->node->net->sim;

	if (s->dead)
		return;
	s->dead = true;
	sim_timer_cancel(sim, &s->rexmt);
	sim_timer_cancel(sim, &s->twait);
	if (s->in_table) {
		if (s->state == TCP_LISTEN) {
			g_hash_table_remove(st->listeners, GUINT_TO_POINTER(s->key.lport));
		} else {
			g_hash_table_remove(st->conns, &s->key);
			port_ref(st, s->key.lport, -1);
		}
		s->in_table = false;
	}
	if (s->prev)
		s->prev->next = s->next;
	else
		st->head = s->next;
	if (s->next)
		s->next->prev = s->prev;
	else
		st->tail = s->prev;
	s->prev = s->next = NULL;
	g_ptr_array_add(st->graveyard, s);
	if (!st->reap)
		st->reap = sim_schedule(sim, 0, reap, st, NULL);
}

static void
sock_name(struct tcp_sock *s)
{
	char l[ADDR_STRLEN], r[ADDR_STRLEN];
	bool v6 = s->key.raddr.af == ADDR_V6;

	addr_fmt(&s->key.laddr, l);
	addr_fmt(&s->key.raddr, r);
	snprintf(s->name, sizeof(s->name), v6 ? "[%s]:%u>[%s]:%u" : "%s:%u>%s:%u",
		 l, s->key.lport, r, s->key.rport);
}

static struct tcp_sock *
sock_new(struct tcp_stack *st)
{
	struct tcp_sock *s = calloc(1, sizeof(*s));

	s->st = st;
	s->prev = st->tail;
	if (st->tail)
		st->tail->next = s;
	else
		st->head = s;
	st->tail = s;
	sim_timer_init(&s->rexmt, tcp_rexmt_expired, s, NULL);
	sim_timer_init(&s->twait, tcp_twait_expired, s, NULL);
	s->rto = TCP_RTO_INIT;
	return s;
}

/* A connection socket for key, in the table; the caller fills the rest. */
struct tcp_sock *
tcp_conn_new(struct tcp_stack *st, const struct tcp_key *key, uint32_t our_mss)
{
	struct tcp_sock *s = sock_new(st);

	s->key = *key;
	sock_name(s);
	g_hash_table_insert(st->conns, &s->key, s);
	port_ref(st, key->lport, +1);
	s->in_table = true;
	s->iss = (uint32_t)rng_u64(&st->rng);
	s->snd_una = s->snd_nxt = s->iss;
	s->sdata_seq = s->iss + 1;
	s->our_mss = our_mss;
	s->peer_mss = key->raddr.af == ADDR_V4 ? TCP_MSS_DEFAULT_V4 : TCP_MSS_DEFAULT_V6;
	s->mss = s->peer_mss < our_mss ? s->peer_mss : our_mss;
	return s;
}

/*
 * The MSS to announce for a peer: outgoing MTU - IP header - TCP
 * header, the MTU being the one of the interface the route to the peer
 * uses.  0 (and *src unset) if there is no route.
 */
uint32_t
tcp_route_mss(struct node *n, const struct addr *dst, struct addr *src)
{
	uint32_t mtu, ip = dst->af == ADDR_V4 ? IPV4_HLEN : IPV6_HLEN;
	const struct route *r;
	const struct addr *a;

	if (node_has_addr(n, dst)) {
		*src = *dst;
		mtu = TCP_LOOPBACK_MTU;
	} else {
		r = route_lookup(n, dst);
		if (!r || !r->ifc)
			return 0;
		a = node_src_addr(n, r->ifc, dst->af);
		if (!a)
			return 0;
		*src = *a;
		mtu = r->ifc->mtu;
	}
	if (mtu <= ip + TCP_HLEN)
		return 1;
	mtu -= ip + TCP_HLEN;
	return mtu > 65535 ? 65535 : mtu;
}

/* ---- logging ---- */

void
tcp_log(struct tcp_sock *s, enum log_level l, const char *fmt, ...)
{
	struct node *n = s->st->node;
	char buf[512];
	va_list ap;

	if (!log_enabled(&n->net->log, "tcp", l))
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	node_log(n, l, "tcp", NULL, "%s %s", s->name, buf);
}

/* Every change of state goes through here. */
static void
tcp_set_state(struct tcp_sock *s, enum tcp_state to, const char *why)
{
	tcp_log(s, LOG_DEBUG, "%s -> %s (%s)", tcp_state_name(s->state), tcp_state_name(to), why);
	s->state = to;
}

/* ---- the state machine ---- */

/* Enter CLOSED: out of the tables, then `closed` if the application has s. */
void
tcp_enter_closed(struct tcp_sock *s, enum tcp_close_reason why, const char *what)
{
	const struct tcp_callbacks cb = s->cb;
	bool tell = s->visible && !s->notified;

	tcp_set_state(s, TCP_CLOSED, what);
	s->notified = true;
	sock_release(s);
	if (tell) {
		tcp_log(s, LOG_DEBUG, "closed: %s", tcp_close_reason_name(why));
		if (cb.closed)
			cb.closed(s, s->ctx, why);
	}
}

/*
 * Enter TIME_WAIT: both FINs are acknowledged, so the application hears
 * `closed` now; the socket stays 2 MSL to answer a retransmitted FIN.
 */
static void
enter_time_wait(struct tcp_sock *s, const char *what)
{
	const struct tcp_callbacks cb = s->cb;
	bool tell = s->visible && !s->notified;
	struct sim *sim = s->st->node->net->sim;

	tcp_set_state(s, TCP_TIME_WAIT, what);
	sim_timer_cancel(sim, &s->rexmt);
	sim_timer_after(sim, &s->twait, 2 * TCP_MSL);
	s->notified = true;
	if (tell && cb.closed)
		cb.closed(s, s->ctx, TCP_CLOSED_NORMAL);
}

static void
notify_eof(struct tcp_sock *s)
{
	if (!s->notified && s->visible && s->cb.eof)
		s->cb.eof(s, s->ctx);
}

/*
 * ESTABLISHED at last: a queued close moves on to FIN_WAIT_1, queued
 * data goes (with the ACK of the SYN-ACK if one is owed).
 */
static void
enter_established(struct tcp_sock *s, const char *what)
{
	s->rtt_hint = sim_now(s->st->node->net->sim) - s->syn_at;
	s->st->stats.established++;
	tcp_set_state(s, TCP_ESTABLISHED, what);
	/* Room for two windows of segments: new ones and their retransmissions. */
	s->tx_ring = 2 * (TCP_WINDOW / s->mss + 1) + 16;
	s->tx_times = calloc(s->tx_ring, sizeof(*s->tx_times));
	for (unsigned i = 0; i < s->tx_ring; i++)
		s->tx_times[i] = -1;
	if (s->syn_rexmit && !s->have_rtt)
		s->rto = TCP_RTO_AFTER_SYN_LOSS;
	s->in_recovery = false;
	if (s->fin_pending)
		tcp_set_state(s, TCP_FIN_WAIT_1, "close was queued");
	tcp_output(s);
}

/*
 * The connection state machine (RFC 9293 figure 5).  The segment
 * processing of tcp_input.c turns segments into events; the socket
 * calls (connect, close, abort) and the timers add theirs.
 *
 *                              +---------+ ---------\      active OPEN
 *                              |  CLOSED |            \    -----------
 *                              +---------+<---------\   \   snd SYN
 *                 SYN to a       |     ^              \   \
 *                 listener       |     |  ABORT, RST,  \   \
 *                 --------       |     |  TIMEOUT       \   \
 *                 snd SYN,ACK    V     |  (any state)    \   \
 *     +---------+               (passive)                 \   \
 *     |         |<-------------------------------------+   \   V
 *     |SYN_RCVD |              rcv SYN (simultaneous)  +--------+
 *     |         |<-------------------------------------|SYN_SENT|
 *     +---------+             snd SYN,ACK              +--------+
 *       |  rcv ACK of SYN                                   |
 *       |  --------------          rcv SYN,ACK  / snd ACK   |
 *       |  x (accept or            --------------------------+
 *       V    connected)            (connected)
 *     +-----------+ <------------------------------------------+
 *     |ESTABLISHED|
 *     +-----------+
 *  CLOSE |     | rcv FIN
 *  ----- |     | -------  (eof)
 *  snd FIN     V snd ACK
 *  (after   +----------+
 *   data)   |CLOSE_WAIT|
 *       |   +----------+
 *       |      | CLOSE / snd FIN (after data)
 *       V      V
 *  +----------+  +--------+  rcv ACK of FIN  +--------+
 *  |FIN_WAIT_1|  |LAST_ACK|----------------->| CLOSED | (closed: normal)
 *  +----------+  +--------+                  +--------+
 *    |      \ rcv FIN / snd ACK (eof)
 *    |       V
 *    |     +-------+  rcv ACK of FIN
 *    |     |CLOSING|--------------------+
 *    |     +-------+                    |
 *    | rcv ACK of FIN                   V
 *    V                             +---------+  2 MSL   +--------+
 *  +----------+ rcv FIN / snd ACK  |TIME_WAIT|--------->| CLOSED |
 *  |FIN_WAIT_2|------------------->|         |          +--------+
 *  +----------+       (eof)        +---------+
 *                           (closed: normal on entry)
 *
 * A CLOSE in SYN_SENT or SYN_RCVD is remembered and taken on entering
 * ESTABLISHED.  An acceptable RST closes any state: REFUSED in SYN_SENT
 * (and SYN_RCVD of an active open), silently for a passive SYN_RCVD and
 * TIME_WAIT, RESET elsewhere.
 */
void
tcp_fsm(struct tcp_sock *s, enum tcp_event ev)
{
	switch (ev) {
	case TCP_EV_OPEN:
		if (s->state != TCP_CLOSED)
			break;
		s->st->stats.active_opens++;
		s->visible = true;
		tcp_set_state(s, TCP_SYN_SENT, "connect");
		tcp_sock_xmit(s, s->iss, TH_SYN, 0, 0);
		s->snd_nxt = s->iss + 1;
		tcp_txq_push(s, s->snd_nxt);
		tcp_rexmt_arm(s, true);
		break;

	case TCP_EV_SYN:
		if (s->state == TCP_CLOSED) {
			s->st->stats.passive_opens++;
			tcp_set_state(s, TCP_SYN_RCVD, "SYN received by a listener");
		} else if (s->state == TCP_SYN_SENT) {
			tcp_set_state(s, TCP_SYN_RCVD, "SYN received: simultaneous open");
		} else {
			break;
		}
		if (s->txq_len == 0)
			tcp_txq_push(s, s->iss + 1);
		else
			tcp_txq_again(s, s->iss, s->iss + 1);	/* our SYN, now with ACK */
		tcp_sock_xmit(s, s->iss, TH_SYN | TH_ACK, 0, 0);
		s->snd_nxt = s->iss + 1;
		tcp_rexmt_arm(s, true);
		break;

	case TCP_EV_SYN_ACK:
		if (s->state != TCP_SYN_SENT)
			break;
		s->ack_now = true;
		enter_established(s, "SYN-ACK received");
		if (!s->dead && !s->notified && s->cb.connected)
			s->cb.connected(s, s->ctx);
		break;

	case TCP_EV_ACK_OF_SYN:
		if (s->state != TCP_SYN_RCVD)
			break;
		enter_established(s, "ACK of SYN received");
		if (s->dead)
			break;
		if (s->passive) {
			struct tcp_sock *l = s->listener;

			s->listener = NULL;
			s->visible = true;
			if (l && l->accept_fn)
				l->accept_fn(l, s, l->accept_ctx);
		} else if (!s->notified && s->cb.connected) {
			s->cb.connected(s, s->ctx);
		}
		break;

	case TCP_EV_CLOSE:
		if (s->fin_pending)
			break;
		switch (s->state) {
		case TCP_SYN_SENT:
		case TCP_SYN_RCVD:
			s->fin_pending = true;	/* taken by enter_established */
			break;
		case TCP_ESTABLISHED:
			s->fin_pending = true;
			tcp_set_state(s, TCP_FIN_WAIT_1, "close");
			tcp_output(s);
			break;
		case TCP_CLOSE_WAIT:
			s->fin_pending = true;
			tcp_set_state(s, TCP_LAST_ACK, "close");
			tcp_output(s);
			break;
		default:
			break;
		}
		break;

	case TCP_EV_FIN:
		switch (s->state) {
		case TCP_ESTABLISHED:
			tcp_set_state(s, TCP_CLOSE_WAIT, "FIN received");
			notify_eof(s);
			break;
		case TCP_FIN_WAIT_1:
			tcp_set_state(s, TCP_CLOSING, "FIN received");
			notify_eof(s);
			break;
		case TCP_FIN_WAIT_2:
			notify_eof(s);
			if (!s->dead)
				enter_time_wait(s, "FIN received");
			break;
		default:
			break;
		}
		break;

	case TCP_EV_FIN_ACKED:
		switch (s->state) {
		case TCP_FIN_WAIT_1:
			tcp_set_state(s, TCP_FIN_WAIT_2, "our FIN acknowledged");
			break;
		case TCP_CLOSING:
			enter_time_wait(s, "our FIN acknowledged");
			break;
		case TCP_LAST_ACK:
			tcp_enter_closed(s, TCP_CLOSED_NORMAL, "our FIN acknowledged");
			break;
		default:
			break;
		}
		break;

	case TCP_EV_RST:
		s->st->stats.rst_in++;
		switch (s->state) {
		case TCP_SYN_SENT:
			tcp_enter_closed(s, TCP_CLOSED_REFUSED, "RST received: refused");
			break;
		case TCP_SYN_RCVD:
			tcp_enter_closed(s, TCP_CLOSED_REFUSED, "RST received");
			break;
		case TCP_TIME_WAIT:
			tcp_enter_closed(s, TCP_CLOSED_RESET, "RST received in TIME_WAIT");
			break;
		case TCP_CLOSED:
		case TCP_LISTEN:
			break;
		default:
			tcp_enter_closed(s, TCP_CLOSED_RESET, "RST received");
			break;
		}
		break;

	case TCP_EV_ABORT:
		if (s->state == TCP_CLOSED || s->state == TCP_LISTEN)
			break;
		if (s->state != TCP_SYN_SENT && s->state != TCP_TIME_WAIT)
			tcp_sock_xmit(s, s->snd_nxt, TH_RST | TH_ACK, 0, 0);
		tcp_enter_closed(s, TCP_CLOSED_ABORTED, "abort");
		break;

	case TCP_EV_TIMEOUT:
		if (s->state == TCP_CLOSED || s->state == TCP_LISTEN)
			break;
		tcp_enter_closed(s, TCP_CLOSED_TIMEOUT, "retransmissions gave up");
		break;

	case TCP_EV_2MSL:
		if (s->state == TCP_TIME_WAIT)
			tcp_enter_closed(s, TCP_CLOSED_NORMAL, "2 MSL");
		break;
	}
}

/* ---- the socket calls ---- */

struct tcp_sock *
tcp_listen(struct node *n, uint16_t port, tcp_accept_fn fn, void *ctx)
{
	struct tcp_stack *st;
	struct tcp_sock *l;

	if (port == 0 || !(st = stack_get(n)))
		return NULL;
	if (g_hash_table_contains(st->listeners, GUINT_TO_POINTER(port)))
		return NULL;
	l = sock_new(st);
	l->key.lport = port;
	snprintf(l->name, sizeof(l->name), "*:%u", port);
	l->state = TCP_LISTEN;
	l->visible = true;
	l->accept_fn = fn;
	l->accept_ctx = ctx;
	g_hash_table_insert(st->listeners, GUINT_TO_POINTER(port), l);
	l->in_table = true;
	tcp_log(l, LOG_DEBUG, "listening");
	return l;
}

struct tcp_sock *
tcp_connect(struct node *n, const struct addr *dst, uint16_t dport, uint16_t sport,
	    const struct tcp_callbacks *cb, void *ctx)
{
	return tcp_connect_opts(n, dst, dport, sport, NULL, cb, ctx);
}

struct tcp_sock *
tcp_connect_opts(struct node *n, const struct addr *dst, uint16_t dport, uint16_t sport,
		 const struct tcp_ip_opts *opts, const struct tcp_callbacks *cb, void *ctx)
{
	struct tcp_stack *st;
	struct tcp_key key;
	struct tcp_sock *s;
	uint32_t mss;

	if (dport == 0 || !(st = stack_get(n)))
		return NULL;
	memset(&key, 0, sizeof(key));
	mss = tcp_route_mss(n, dst, &key.laddr);
	if (mss == 0)
		return NULL;
	key.raddr = *dst;
	key.rport = dport;
	if (sport) {
		key.lport = sport;
		if (g_hash_table_contains(st->conns, &key))
			return NULL;
	} else {
		for (unsigned tries = 0; tries < 65536 - TCP_EPHEMERAL_LO; tries++) {
			uint16_t cand = st->next_ephemeral;

			st->next_ephemeral = cand == 65535 ? TCP_EPHEMERAL_LO : (uint16_t)(cand + 1);
			if (port_users(st, cand) == 0 &&
			    !g_hash_table_contains(st->listeners, GUINT_TO_POINTER(cand))) {
				key.lport = cand;
				break;
			}
		}
		if (key.lport == 0)
			return NULL;
	}
	tcp_stack_attach_all(n->net);
	s = tcp_conn_new(st, &key, mss);
	tcp_set_callbacks(s, cb, ctx);
	if (opts)
		tcp_set_ip_opts(s, opts);
	tcp_fsm(s, TCP_EV_OPEN);
	return s;
}

/*
 * The drop reason of min_ttl is interned when a socket first asks for
 * the check, so a run that never does keeps the list of reasons it had.
 */
static void
ipo_check_reason(struct tcp_stack *st, const struct tcp_ip_opts *o)
{
	if (o->min_ttl && !st->drop_min_ttl)
		st->drop_min_ttl = stats_reason_intern(&st->node->net->stats, "tcp_min_ttl");
}

void
tcp_set_ip_opts(struct tcp_sock *s, const struct tcp_ip_opts *opts)
{
	ipo_check_reason(s->st, opts);
	s->ipo = *opts;
}

void
tcp_get_ip_opts(const struct tcp_sock *s, struct tcp_ip_opts *out)
{
	*out = s->ipo;
}

int
tcp_listen_peer_opts(struct tcp_sock *l, const struct addr *remote,
		     const struct tcp_ip_opts *opts)
{
	struct tcp_peer_ipo e;

	if (l->state != TCP_LISTEN)
		return -1;
	ipo_check_reason(l->st, opts);
	if (!l->peer_ipo)
		l->peer_ipo = g_array_new(FALSE, FALSE, sizeof(struct tcp_peer_ipo));
	for (guint i = 0; i < l->peer_ipo->len; i++) {
		struct tcp_peer_ipo *x = &g_array_index(l->peer_ipo, struct tcp_peer_ipo, i);

		if (addr_eq(&x->remote, remote)) {
			x->o = *opts;
			return 0;
		}
	}
	e.remote = *remote;
	e.o = *opts;
	g_array_append_val(l->peer_ipo, e);
	return 0;
}

const struct tcp_ip_opts *
tcp_listen_opts_for(const struct tcp_sock *l, const struct addr *remote)
{
	if (l->peer_ipo)
		for (guint i = 0; i < l->peer_ipo->len; i++) {
			const struct tcp_peer_ipo *x =
				&g_array_index(l->peer_ipo, struct tcp_peer_ipo, i);

			if (addr_eq(&x->remote, remote))
				return &x->o;
		}
	return &l->ipo;
}

void
tcp_set_callbacks(struct tcp_sock *s, const struct tcp_callbacks *cb, void *ctx)
{
	if (cb)
		s->cb = *cb;
	else
		memset(&s->cb, 0, sizeof(s->cb));
	s->ctx = ctx;
}

int
tcp_send(struct tcp_sock *s, const void *data, size_t len)
{
	if (s->dead || s->notified || s->fin_pending)
		return -1;
	switch (s->state) {
	case TCP_SYN_SENT:
	case TCP_SYN_RCVD:
	case TCP_ESTABLISHED:
	case TCP_CLOSE_WAIT:
		break;
	default:
		return -1;
	}
	if (len == 0)
		return 0;
	if (s->slen + len > UINT32_MAX / 2)
		return -1;	/* more than half the sequence space would be unacknowledged */
	if (s->shead + s->slen + len > s->scap) {
		if (s->shead > 0) {
			memmove(s->sbuf, s->sbuf + s->shead, s->slen);
			s->shead = 0;
		}
		if (s->slen + len > s->scap) {
			size_t cap = s->scap ? s->scap : 4096;

			while (cap < s->slen + len)
				cap *= 2;
			s->sbuf = realloc(s->sbuf, cap);
			s->scap = cap;
		}
	}
	memcpy(s->sbuf + s->shead + s->slen, data, len);
	s->slen += len;
	if (s->lowat && s->slen > s->lowat)
		s->above_lowat = true;
	s->info.bytes_queued += len;
	tcp_output(s);
	return 0;
}

size_t
tcp_unacked(const struct tcp_sock *s)
{
	return s->slen;
}

void
tcp_set_lowat(struct tcp_sock *s, size_t lowat)
{
	s->lowat = lowat;
	s->above_lowat = lowat && s->slen > lowat;
}

void
tcp_close(struct tcp_sock *s)
{
	if (s->dead)
		return;
	if (s->state == TCP_LISTEN) {
		tcp_unlisten(s);
		return;
	}
	if (s->notified)
		return;
	tcp_fsm(s, TCP_EV_CLOSE);
}

void
tcp_abort(struct tcp_sock *s)
{
	if (s->dead)
		return;
	if (s->state == TCP_LISTEN) {
		tcp_unlisten(s);
		return;
	}
	if (s->notified)
		return;
	tcp_fsm(s, TCP_EV_ABORT);
}

/*
 * Connections still in the handshake of this listener are reset: no
 * one would accept them.
 */
void
tcp_unlisten(struct tcp_sock *l)
{
	struct tcp_sock *s, *next;

	if (l->dead || l->state != TCP_LISTEN)
		return;
	for (s = l->st->head; s; s = next) {
		next = s->next;
		if (s->listener == l) {
			tcp_sock_xmit(s, s->snd_nxt, TH_RST | TH_ACK, 0, 0);
			tcp_enter_closed(s, TCP_CLOSED_ABORTED, "listener closed");
		}
	}
	tcp_log(l, LOG_DEBUG, "no longer listening");
	sock_release(l);
	l->state = TCP_CLOSED;
}

void
tcp_endpoints(const struct tcp_sock *s, struct addr *local, uint16_t *lport,
	      struct addr *remote, uint16_t *rport)
{
	if (local)
		*local = s->key.laddr;
	if (lport)
		*lport = s->key.lport;
	if (remote)
		*remote = s->key.raddr;
	if (rport)
		*rport = s->key.rport;
}

struct node *
tcp_node(const struct tcp_sock *s)
{
	return s->st->node;
}

void
tcp_info_get(const struct tcp_sock *s, struct tcp_info *out)
{
	*out = s->info;
	out->state = s->state;
	out->mss = s->mss;
	out->peer_mss = s->peer_mss;
	out->srtt = s->have_rtt ? s->srtt : 0;
	out->rttvar = s->have_rtt ? s->rttvar : 0;
	out->rto = s->rto;
}

void
tcp_stats_get(const struct node *n, struct tcp_stats *out)
{
	const struct tcp_stack *st = node_ext_get(n, "tcp");

	if (st)
		*out = st->stats;
	else
		memset(out, 0, sizeof(*out));
}

size_t
tcp_conn_count(const struct node *n)
{
	const struct tcp_stack *st = node_ext_get(n, "tcp");

	return st ? g_hash_table_size(st->conns) : 0;
}
