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
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/net.h"
#include "sim/tcp.h"
#include "sim/wire.h"

#define TCP_HLEN		20
#define TCP_MSS_OPT_LEN		4
#define TCP_RTO_AFTER_SYN_LOSS	(3 * SIM_S)	/* RFC 6298 5.7 */
#define TCP_CLOCK_G		(1 * SIM_MS)	/* the G of RFC 6298 2.3 */
#define TCP_MSS_DEFAULT_V4	536	/* RFC 9293 3.7.1: no MSS option */
#define TCP_MSS_DEFAULT_V6	1220
#define TCP_LOOPBACK_MTU	1500	/* MTU assumed to one of the node's own addresses */
#define TCP_EPHEMERAL_LO	49152

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PSH	0x08
#define TH_ACK	0x10

#define SEQ_LT(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) < 0)
#define SEQ_LEQ(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) <= 0)
#define SEQ_GT(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) > 0)
#define SEQ_GEQ(a, b)	((int32_t)((uint32_t)(a) - (uint32_t)(b)) >= 0)

struct tcp_key {
	struct addr laddr, raddr;
	uint16_t lport, rport;
};

/* Received data beyond a hole: pieces sorted by seq, never overlapping. */
struct tcp_ooo {
	struct tcp_ooo *next;
	uint32_t seq;
	uint32_t len;
	uint8_t data[];
};

/* A segment sent and not yet acknowledged, for RTT samples. */
struct tcp_txrec {
	uint32_t end;		/* sequence number after it */
	sim_time_t sent;	/* its first transmission */
	bool again;		/* sent more than once: no sample (Karn) */
};

struct tcp_stack;

struct tcp_sock {
	struct tcp_stack *st;
	struct tcp_sock *prev, *next;	/* the stack's sockets, creation order */
	struct tcp_key key;
	char name[2 * ADDR_STRLEN + 20];	/* "a:p>b:q" for the log */
	enum tcp_state state;
	bool in_table;		/* in st->conns (or st->listeners) */
	bool passive;		/* made by a listener */
	bool visible;		/* the application has it: connected or accepted */
	bool notified;		/* `closed` was called: no more callbacks */
	bool dead;		/* closed and waiting in the graveyard */
	bool fin_pending;	/* tcp_close: FIN after the queued data */
	bool fin_sent, fin_acked;
	bool fin_in;		/* a FIN at fin_in_seq was received, maybe beyond a hole */
	bool ack_now;		/* an ACK is owed: the next segment out carries it */
	bool in_recovery;	/* retransmitting holes up to `recover` */
	bool have_rtt;		/* srtt and rttvar hold a sample */
	bool syn_rexmit;	/* the SYN was sent again (RFC 6298 5.7) */
	struct tcp_sock *listener;	/* passive and not yet accepted */
	/* listener */
	tcp_accept_fn accept_fn;
	void *accept_ctx;
	/* application */
	struct tcp_callbacks cb;
	void *ctx;
	/* send sequence space (RFC 9293 3.3.1) */
	uint32_t iss, snd_una, snd_nxt, snd_wnd, snd_wl1, snd_wl2;
	uint32_t max_sndwnd;	/* largest window the peer offered */
	uint32_t recover;	/* snd_nxt when recovery began */
	uint32_t fin_seq;	/* sequence number of our FIN, once sent */
	uint32_t mss;		/* send segment size: min(our_mss, peer_mss) */
	uint32_t our_mss, peer_mss;
	/* send buffer: unacknowledged and unsent bytes, sbuf[shead] at sdata_seq */
	uint8_t *sbuf;
	size_t shead, slen, scap;
	uint32_t sdata_seq;
	/* receive sequence space */
	uint32_t irs, rcv_nxt;
	struct tcp_ooo *ooo;
	uint32_t fin_in_seq;
	/* timers */
	struct sim_timer rexmt;	/* retransmission (SYN, data, FIN) */
	struct sim_timer twait;	/* TIME_WAIT */
	sim_time_t srtt, rttvar, rto;
	struct tcp_txrec *txq;	/* segments in flight, in order: a ring */
	unsigned txq_cap, txq_head, txq_len;
	unsigned nrexmt;	/* timer expiries since the last progress */
	unsigned dupacks;
	sim_time_t *tx_times;	/* ring: when the last segments with data or FIN left */
	unsigned tx_ring, tx_pos;	/* its size, the next slot */
	uint32_t rxt_high;	/* end of what was sent again in this recovery */
	sim_time_t syn_at;	/* when our SYN (or SYN-ACK) last left */
	sim_time_t rtt_hint;	/* handshake RTT from the last SYN sent, Karn or not */
	unsigned lr_limit;	/* duplicate ACKs the segments in flight can explain */
	unsigned lr_dupacks;	/* duplicate ACKs since the last retransmission */
	struct tcp_info info;	/* counters (state and timers filled on demand) */
};

struct tcp_stack {
	struct node *node;
	GHashTable *conns;	/* struct tcp_key * -> struct tcp_sock * */
	GHashTable *listeners;	/* port -> struct tcp_sock * */
	GHashTable *ports;	/* local port -> connections using it */
	struct tcp_sock *head, *tail;	/* live sockets */
	GPtrArray *graveyard;	/* closed sockets, freed by `reap` */
	struct sim_event *reap;
	struct rng rng;		/* "tcp/<node>": initial sequence numbers */
	uint16_t next_ephemeral;
	uint32_t drop_no_listener;	/* interned reason "tcp_no_listener" */
	struct tcp_stats stats;
};

/* One received segment, parsed. */
struct tcp_seg {
	const struct addr *src, *dst;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	uint32_t mss;		/* MSS option, 0 if absent */
	const uint8_t *data;
	uint32_t len;		/* data bytes */
};

enum tcp_event {
	TCP_EV_OPEN,		/* tcp_connect */
	TCP_EV_SYN,		/* SYN to a listener, or a bare SYN in SYN_SENT */
	TCP_EV_SYN_ACK,		/* acceptable SYN-ACK in SYN_SENT */
	TCP_EV_ACK_OF_SYN,	/* our SYN acknowledged in SYN_RCVD */
	TCP_EV_CLOSE,		/* tcp_close */
	TCP_EV_FIN,		/* the peer's FIN, in order */
	TCP_EV_FIN_ACKED,	/* our FIN acknowledged */
	TCP_EV_RST,		/* acceptable RST */
	TCP_EV_ABORT,		/* tcp_abort */
	TCP_EV_TIMEOUT,		/* retransmissions gave up */
	TCP_EV_2MSL,		/* TIME_WAIT is over */
};

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

static void tcp_input(struct node *n, void *ctx, struct pkt *p, const struct addr *src,
		      const struct addr *dst);
static void tcp_fsm(struct tcp_sock *s, enum tcp_event ev);
static void tcp_output(struct tcp_sock *s);

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
static void
stack_attach_all(struct net *net)
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

static void rexmt_expired(struct sim *sim, void *ctx, void *arg);
static void twait_expired(struct sim *sim, void *ctx, void *arg);

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
	sim_timer_init(&s->rexmt, rexmt_expired, s, NULL);
	sim_timer_init(&s->twait, twait_expired, s, NULL);
	s->rto = TCP_RTO_INIT;
	return s;
}

/* A connection socket for key, in the table; the caller fills the rest. */
static struct tcp_sock *
conn_new(struct tcp_stack *st, const struct tcp_key *key, uint32_t our_mss)
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
static uint32_t
route_mss(struct node *n, const struct addr *dst, struct addr *src)
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

static void tcp_log(struct tcp_sock *s, enum log_level l, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
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

/* ---- segments out ---- */

/*
 * Build and send one segment from src:sport to dst:dport: header, the
 * MSS option if mss is non-zero, `len` bytes of data, checksum over the
 * pseudo-header.
 */
static void
xmit(struct tcp_stack *st, const struct addr *src, uint16_t sport, const struct addr *dst,
     uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, uint32_t mss,
     const uint8_t *data, uint32_t len)
{
	size_t hlen = TCP_HLEN + (mss ? TCP_MSS_OPT_LEN : 0);
	struct pkt *p = pkt_alloc(hlen + len);
	uint8_t *h;

	if (len)
		memcpy(pkt_put(p, len), data, len);
	h = pkt_push(p, hlen);
	wr16(h, sport);
	wr16(h + 2, dport);
	wr32(h + 4, seq);
	wr32(h + 8, (flags & TH_ACK) ? ack : 0);
	h[12] = (uint8_t)((hlen / 4) << 4);
	h[13] = flags;
	wr16(h + 14, wnd);
	wr16(h + 16, 0);
	wr16(h + 18, 0);
	if (mss) {
		h[20] = 2;	/* kind: maximum segment size */
		h[21] = 4;
		wr16(h + 22, (uint16_t)mss);
	}
	wr16(h + 16, csum_fold(csum_add(csum_pseudo(src, dst, IPPROTO_TCP_, p->len),
					h, p->len)));
	st->stats.segs_out++;
	if (flags & TH_RST)
		st->stats.rst_out++;
	ip_output(st->node, src, dst, IPPROTO_TCP_, p);
}

/* ---- send times of the segments in flight (RTT samples, Karn's rule) ---- */

static struct tcp_txrec *
txq_at(struct tcp_sock *s, unsigned i)
{
	return &s->txq[(s->txq_head + i) % s->txq_cap];
}

/* A new segment ending at `end` left now. */
static void
txq_push(struct tcp_sock *s, uint32_t end)
{
	if (s->txq_len == s->txq_cap) {
		unsigned cap = s->txq_cap ? 2 * s->txq_cap : 64;
		struct tcp_txrec *q = malloc(cap * sizeof(*q));

		for (unsigned i = 0; i < s->txq_len; i++)
			q[i] = *txq_at(s, i);
		free(s->txq);
		s->txq = q;
		s->txq_cap = cap;
		s->txq_head = 0;
	}
	s->txq[(s->txq_head + s->txq_len) % s->txq_cap] = (struct tcp_txrec){
		.end = end, .sent = sim_now(s->st->node->net->sim),
	};
	s->txq_len++;
}

/* [seq, end) is being sent again: the segments it touches give no sample. */
static void
txq_again(struct tcp_sock *s, uint32_t seq, uint32_t end)
{
	uint32_t start = s->snd_una;

	for (unsigned i = 0; i < s->txq_len && SEQ_LT(start, end); i++) {
		struct tcp_txrec *r = txq_at(s, i);

		if (SEQ_GT(r->end, seq))
			r->again = true;
		start = r->end;
	}
}

/*
 * Drop the segments `ack` covers.  If they were all sent once, return
 * the time since the oldest left (an RTT sample, as Linux measures it),
 * else -1: Karn's rule.
 */
static sim_time_t
txq_ack(struct tcp_sock *s, uint32_t ack)
{
	sim_time_t oldest = -1;
	bool again = false;

	while (s->txq_len > 0 && SEQ_LEQ(txq_at(s, 0)->end, ack)) {
		struct tcp_txrec *r = txq_at(s, 0);

		if (oldest < 0)
			oldest = r->sent;
		again |= r->again;
		s->txq_head = (s->txq_head + 1) % s->txq_cap;
		s->txq_len--;
	}
	if (oldest < 0 || again)
		return -1;
	return sim_now(s->st->node->net->sim) - oldest;
}

/* The window we advertise: see doc/tcp.md, "Receive window". */
static uint16_t
rcv_wnd(const struct tcp_sock *s)
{
	/*
	 * In-order data goes to the application at once, so the buffer
	 * behind rcv_nxt is always empty; data kept beyond a hole lies
	 * inside [rcv_nxt, rcv_nxt + TCP_WINDOW), which the buffer holds.
	 */
	(void)s;
	return TCP_WINDOW;
}

/* A segment of connection s; `off` is the data's offset in the send buffer. */
static void
sock_xmit(struct tcp_sock *s, uint32_t seq, uint8_t flags, size_t off, uint32_t len)
{
	uint32_t mss = (flags & TH_SYN) ? s->our_mss : 0;

	s->info.segs_out++;
	if (flags & TH_SYN)
		s->syn_at = sim_now(s->st->node->net->sim);
	if ((len || (flags & TH_FIN)) && s->tx_ring) {
		s->tx_times[s->tx_pos] = sim_now(s->st->node->net->sim);
		s->tx_pos = (s->tx_pos + 1) % s->tx_ring;
	}
	if (flags & TH_ACK)
		s->ack_now = false;
	xmit(s->st, &s->key.laddr, s->key.lport, &s->key.raddr, s->key.rport, seq, s->rcv_nxt,
	     flags, rcv_wnd(s), mss, len ? s->sbuf + s->shead + off : NULL, len);
}

/* RST in answer to a segment that belongs to no connection (RFC 9293 3.10.7.1). */
static void
reply_rst(struct tcp_stack *st, const struct tcp_seg *seg)
{
	uint32_t seglen = seg->len + !!(seg->flags & TH_SYN) + !!(seg->flags & TH_FIN);

	if (seg->flags & TH_RST)
		return;
	if (seg->flags & TH_ACK)
		xmit(st, seg->dst, seg->dport, seg->src, seg->sport, seg->ack, 0, TH_RST, 0, 0,
		     NULL, 0);
	else
		xmit(st, seg->dst, seg->dport, seg->src, seg->sport, 0, seg->seq + seglen,
		     TH_RST | TH_ACK, 0, 0, NULL, 0);
}

/* Arm the retransmission timer unless it runs (RFC 6298 5.1). */
static void
rexmt_arm(struct tcp_sock *s, bool restart)
{
	if (restart || !sim_timer_armed(&s->rexmt))
		sim_timer_after(s->st->node->net->sim, &s->rexmt, s->rto);
}

/*
 * Send what the window allows:
 *  1. the usable window is snd_una + min(snd_wnd, TCP_WINDOW) - snd_nxt;
 *  2. a segment carries min(unsent bytes, usable window, mss) bytes;
 *  3. a segment shorter than mss goes only if it empties the buffer, or
 *     is at least half the largest window the peer offered, or nothing
 *     is in flight (sender silly window avoidance, RFC 9293 3.8.6.2.1);
 *  4. FIN rides on the segment that empties the buffer after tcp_close
 *     (or goes alone), if the window has room for its sequence number;
 *  5. every new segment's send time is kept for RTT samples;
 *  6. if nothing was sent and an ACK is owed, a pure ACK goes.
 */
static void
tcp_output(struct tcp_sock *s)
{
	bool can_send = s->state == TCP_ESTABLISHED || s->state == TCP_CLOSE_WAIT ||
			s->state == TCP_FIN_WAIT_1 || s->state == TCP_LAST_ACK;

	if (s->dead)
		return;
	while (can_send && !s->fin_sent) {
		uint32_t off = s->snd_nxt - s->sdata_seq;
		size_t avail = s->slen - off;
		uint32_t wnd = s->snd_wnd < TCP_WINDOW ? s->snd_wnd : TCP_WINDOW;
		int64_t usable = (int64_t)(int32_t)(s->snd_una + wnd - s->snd_nxt);
		uint32_t len = (uint32_t)(avail < s->mss ? avail : s->mss);
		bool fin;
		uint8_t flags = TH_ACK;

		if (usable < 0)
			usable = 0;
		if (len > usable)
			len = (uint32_t)usable;
		/* The FIN takes a sequence number: it needs room in the window too. */
		fin = s->fin_pending && off + len == s->slen &&
		      (len < usable || s->snd_nxt == s->snd_una);
		if (len == 0 && !fin)
			break;
		if (len > 0 && len < s->mss && len < avail && len < s->max_sndwnd / 2 &&
		    s->snd_nxt != s->snd_una)
			break;
		if (len > 0 && off + len == s->slen)
			flags |= TH_PSH;
		if (fin)
			flags |= TH_FIN;
		sock_xmit(s, s->snd_nxt, flags, off, len);
		s->snd_nxt += len;
		if (fin) {
			s->fin_sent = true;
			s->fin_seq = s->snd_nxt;
			s->snd_nxt++;
		}
		txq_push(s, s->snd_nxt);
		rexmt_arm(s, false);
	}
	if (s->ack_now)
		sock_xmit(s, s->snd_nxt, TH_ACK, 0, 0);
}

/*
 * About to retransmit the first unacknowledged segment R: how many
 * duplicate ACKs may still come that do not tell whether R arrived?
 * The peer answers every segment and the links keep order, so they are
 * the answers to the segments sent before R that may still be on their
 * way: those sent within one RTT bound (SRTT + 4 RTTVAR) before now.
 * Beyond that count, a duplicate ACK answers a segment sent after R
 * that arrived while R did not.  Before the first RTT sample (a lost SYN
 * forbids the handshake's) the bound is twice the handshake's time from
 * the last SYN sent: too short a bound costs one segment sent twice, too
 * long a one a retransmission timeout.
 */
static void
lr_start(struct tcp_sock *s)
{
	sim_time_t now = sim_now(s->st->node->net->sim);
	sim_time_t since = now - (s->have_rtt ? s->srtt + 4 * s->rttvar
				  : s->rtt_hint ? 2 * s->rtt_hint : TCP_RTO_MIN);

	s->lr_dupacks = 0;
	s->lr_limit = 0;
	if (!s->tx_ring) {
		s->lr_limit = UINT32_MAX / 2;
		return;
	}
	for (unsigned i = 0; i < s->tx_ring; i++)
		if (s->tx_times[i] > since)
			s->lr_limit++;
}

/*
 * Send again the segment at seq (up to mss bytes, with the FIN if it is
 * the last) and return the sequence number after it; seq is snd_una or
 * beyond.  The segments it covers will give no RTT sample (Karn).
 */
static uint32_t
retransmit_seg(struct tcp_sock *s, uint32_t seq)
{
	uint32_t data_end = s->fin_sent ? s->fin_seq : s->snd_nxt;
	uint32_t len = SEQ_GT(data_end, seq) ? data_end - seq : 0;
	uint8_t flags = TH_ACK;
	uint32_t end;

	if (len > s->mss)
		len = s->mss;
	if (s->fin_sent && seq + len == s->fin_seq)
		flags |= TH_FIN;
	if (len > 0 && seq + len == s->sdata_seq + s->slen)
		flags |= TH_PSH;
	if (len == 0 && !(flags & TH_FIN))
		return seq;
	end = seq + len + !!(flags & TH_FIN);
	txq_again(s, seq, end);
	if (SEQ_GT(end, s->rxt_high))
		s->rxt_high = end;
	sock_xmit(s, seq, flags, seq - s->sdata_seq, len);
	s->info.retransmits++;
	s->st->stats.retransmits++;
	return end;
}

/*
 * Send again the first unacknowledged segment: the SYN (SYN_SENT), the
 * SYN-ACK (SYN_RCVD), or the data (and FIN) at snd_una.
 */
static void
retransmit_first(struct tcp_sock *s)
{
	if (s->state == TCP_SYN_SENT || s->state == TCP_SYN_RCVD) {
		txq_again(s, s->iss, s->iss + 1);
		sock_xmit(s, s->iss, s->state == TCP_SYN_SENT ? TH_SYN : TH_SYN | TH_ACK, 0, 0);
		s->info.retransmits++;
		s->st->stats.retransmits++;
		return;
	}
	lr_start(s);
	retransmit_seg(s, s->snd_una);
}

/* ---- timers ---- */

static void
rexmt_expired(struct sim *sim, void *ctx, void *arg)
{
	struct tcp_sock *s = ctx;
	bool syn = s->state == TCP_SYN_SENT || s->state == TCP_SYN_RCVD;
	unsigned limit = syn ? TCP_SYN_RETRIES : TCP_DATA_RETRIES;

	if (s->nrexmt >= limit) {
		tcp_log(s, LOG_INFO, "no answer after %u retransmissions: giving up", s->nrexmt);
		tcp_fsm(s, TCP_EV_TIMEOUT);
		return;
	}
	s->nrexmt++;
	s->info.timeouts++;
	s->st->stats.timeouts++;
	s->rto = s->rto * 2 > TCP_RTO_MAX ? TCP_RTO_MAX : s->rto * 2;
	if (syn) {
		s->syn_rexmit = true;
		if (s->state == TCP_SYN_SENT)
			stack_attach_all(s->st->node->net);
	}
	s->in_recovery = true;
	s->recover = s->snd_nxt;
	s->rxt_high = s->snd_una;
	s->dupacks = 0;
	tcp_log(s, LOG_DEBUG, "retransmission timeout %u, next in %" PRId64 " ms", s->nrexmt,
		s->rto / SIM_MS);
	if (syn) {
		retransmit_first(s);
	} else {
		/*
		 * Go back N: without SACK the sender cannot tell what
		 * arrived, so everything outstanding goes again, in order.
		 */
		uint32_t seq = s->snd_una, next;

		lr_start(s);
		while (SEQ_LT(seq, s->snd_nxt) && (next = retransmit_seg(s, seq)) != seq)
			seq = next;
	}
	rexmt_arm(s, true);
}

static void
twait_expired(struct sim *sim, void *ctx, void *arg)
{
	tcp_fsm(ctx, TCP_EV_2MSL);
}

/*
 * RFC 6298 2.2-2.4 with a sample r.  A sample is a time between two
 * instants of the run, so at most SIM_TIME_LIMIT (sim.h); then srtt and
 * rttvar stay within it too, and the largest sum below, 7 * srtt + r, is
 * at most 8 * SIM_TIME_LIMIT: no overflow.
 */
static void
rtt_sample(struct tcp_sock *s, sim_time_t r)
{
	sim_time_t k;

	if (!s->have_rtt) {
		s->srtt = r;
		s->rttvar = r / 2;
		s->have_rtt = true;
	} else {
		sim_time_t d = s->srtt > r ? s->srtt - r : r - s->srtt;

		s->rttvar = (3 * s->rttvar + d) / 4;
		s->srtt = (7 * s->srtt + r) / 8;
	}
	tcp_log(s, LOG_TRACE, "rtt sample %" PRId64 " us", r / 1000);
	k = 4 * s->rttvar;
	s->rto = s->srtt + (k > TCP_CLOCK_G ? k : TCP_CLOCK_G);
	if (s->rto < TCP_RTO_MIN)
		s->rto = TCP_RTO_MIN;
	if (s->rto > TCP_RTO_MAX)
		s->rto = TCP_RTO_MAX;
}

/* ---- the state machine ---- */

/* Enter CLOSED: out of the tables, then `closed` if the application has s. */
static void
enter_closed(struct tcp_sock *s, enum tcp_close_reason why, const char *what)
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
 * processing in tcp_input_conn turns segments into events; the socket
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
static void
tcp_fsm(struct tcp_sock *s, enum tcp_event ev)
{
	switch (ev) {
	case TCP_EV_OPEN:
		if (s->state != TCP_CLOSED)
			break;
		s->st->stats.active_opens++;
		s->visible = true;
		tcp_set_state(s, TCP_SYN_SENT, "connect");
		sock_xmit(s, s->iss, TH_SYN, 0, 0);
		s->snd_nxt = s->iss + 1;
		txq_push(s, s->snd_nxt);
		rexmt_arm(s, true);
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
			txq_push(s, s->iss + 1);
		else
			txq_again(s, s->iss, s->iss + 1);	/* our SYN, now with ACK */
		sock_xmit(s, s->iss, TH_SYN | TH_ACK, 0, 0);
		s->snd_nxt = s->iss + 1;
		rexmt_arm(s, true);
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
			enter_closed(s, TCP_CLOSED_NORMAL, "our FIN acknowledged");
			break;
		default:
			break;
		}
		break;

	case TCP_EV_RST:
		s->st->stats.rst_in++;
		switch (s->state) {
		case TCP_SYN_SENT:
			enter_closed(s, TCP_CLOSED_REFUSED, "RST received: refused");
			break;
		case TCP_SYN_RCVD:
			enter_closed(s, TCP_CLOSED_REFUSED, "RST received");
			break;
		case TCP_TIME_WAIT:
			enter_closed(s, TCP_CLOSED_RESET, "RST received in TIME_WAIT");
			break;
		case TCP_CLOSED:
		case TCP_LISTEN:
			break;
		default:
			enter_closed(s, TCP_CLOSED_RESET, "RST received");
			break;
		}
		break;

	case TCP_EV_ABORT:
		if (s->state == TCP_CLOSED || s->state == TCP_LISTEN)
			break;
		if (s->state != TCP_SYN_SENT && s->state != TCP_TIME_WAIT)
			sock_xmit(s, s->snd_nxt, TH_RST | TH_ACK, 0, 0);
		enter_closed(s, TCP_CLOSED_ABORTED, "abort");
		break;

	case TCP_EV_TIMEOUT:
		if (s->state == TCP_CLOSED || s->state == TCP_LISTEN)
			break;
		enter_closed(s, TCP_CLOSED_TIMEOUT, "retransmissions gave up");
		break;

	case TCP_EV_2MSL:
		if (s->state == TCP_TIME_WAIT)
			enter_closed(s, TCP_CLOSED_NORMAL, "2 MSL");
		break;
	}
}

/* ---- segments in ---- */

/* Put data beyond a hole in the out-of-order list, skipping what it holds. */
static void
ooo_insert(struct tcp_sock *s, uint32_t seq, const uint8_t *data, uint32_t len)
{
	struct tcp_ooo **pp = &s->ooo, *q, *piece;

	while (len > 0) {
		uint32_t n;

		q = *pp;
		if (q && SEQ_GEQ(seq, q->seq + q->len)) {
			pp = &q->next;
			continue;
		}
		/* What lies before q (or everything, at the end of the list). */
		n = !q || SEQ_LEQ(seq + len, q->seq) ? len
		    : SEQ_LT(seq, q->seq) ? q->seq - seq : 0;
		if (n > 0) {
			piece = malloc(sizeof(*piece) + n);
			piece->seq = seq;
			piece->len = n;
			memcpy(piece->data, data, n);
			piece->next = q;
			*pp = piece;
			pp = &piece->next;
			seq += n;
			data += n;
			len -= n;
			continue;
		}
		/* seq is inside q: skip what q holds. */
		n = q->seq + q->len - seq;
		if (n >= len)
			return;
		seq += n;
		data += n;
		len -= n;
		pp = &q->next;
	}
}

/* Hand in-order bytes to the application; false if the socket died meanwhile. */
static bool
deliver(struct tcp_sock *s, const uint8_t *data, uint32_t len)
{
	s->info.bytes_received += len;
	if (!s->notified && s->visible && s->cb.recv)
		s->cb.recv(s, s->ctx, data, len);
	return !s->dead;
}

/*
 * After rcv_nxt moved: deliver what the out-of-order list now joins,
 * then take the FIN if it is next.  False if the socket died.
 */
static bool
rcv_advance(struct tcp_sock *s)
{
	struct tcp_ooo *q;

	while ((q = s->ooo) && SEQ_LEQ(q->seq, s->rcv_nxt)) {
		uint32_t end = q->seq + q->len;
		bool alive = true;

		s->ooo = q->next;
		if (SEQ_GT(end, s->rcv_nxt)) {
			uint32_t off = s->rcv_nxt - q->seq;

			s->rcv_nxt = end;
			alive = deliver(s, q->data + off, q->len - off);
		}
		free(q);
		if (!alive)
			return false;
	}
	if (s->fin_in && s->fin_in_seq == s->rcv_nxt) {
		s->fin_in = false;
		s->rcv_nxt++;
		s->ack_now = true;
		tcp_fsm(s, TCP_EV_FIN);
		if (s->dead)
			return false;
	}
	return true;
}

/*
 * Process an acknowledgement in a synchronized state (RFC 9293
 * 3.10.7.4, fifth step):
 *  1. an ACK of something not yet sent is answered with an ACK and the
 *     segment dropped (returns false);
 *  2. an ACK of new data: the bytes leave the send buffer, an RTT
 *     sample is taken if the timed segment is covered, the retry count
 *     clears; in recovery, an ACK below `recover` retransmits the next
 *     hole; the timer stops if nothing is outstanding, else restarts;
 *  3. a duplicate ACK (nothing new, no data, same window, data
 *     outstanding) is counted; the third one starts a fast retransmit.
 *     In recovery, duplicate ACKs are counted from the last
 *     retransmission: the peer answers every segment, and the links
 *     keep order, so once there are TCP_DUPACK_THRESHOLD more than the
 *     segments then in flight could cause, later segments have arrived
 *     without the retransmission: it was lost, and goes again;
 *  4. the send window is updated from segments newer than the last
 *     update (SND.WL1, SND.WL2).
 */
static bool
ack_in(struct tcp_sock *s, const struct tcp_seg *seg)
{
	struct sim *sim = s->st->node->net->sim;
	uint32_t ack = seg->ack;

	if (SEQ_GT(ack, s->snd_nxt)) {
		s->ack_now = true;
		return false;
	}
	if (SEQ_GT(ack, s->snd_una)) {
		uint32_t old_una = s->snd_una;
		uint32_t data_end = s->sdata_seq + (uint32_t)s->slen;
		uint32_t upto = SEQ_LT(ack, data_end) ? ack : data_end;

		if (SEQ_GT(upto, s->sdata_seq)) {
			uint32_t n = upto - s->sdata_seq;

			s->shead += n;
			s->slen -= n;
			if (s->slen == 0)
				s->shead = 0;
			s->sdata_seq = upto;
			s->info.bytes_acked += n;
		}
		sim_time_t r = txq_ack(s, ack);

		if (r >= 0)
			rtt_sample(s, r);
		s->snd_una = ack;
		s->nrexmt = 0;
		s->dupacks = 0;
		if (s->fin_sent && ack == s->fin_seq + 1)
			s->fin_acked = true;
		if (s->in_recovery) {
			if (SEQ_GEQ(ack, s->recover)) {
				s->in_recovery = false;
			} else if (SEQ_GEQ(ack, s->rxt_high)) {
				retransmit_first(s);
			} else {
				/*
				 * The hole was sent again already (go back N) and
				 * that copy is on its way or lost.  The copies sent
				 * before it, of bytes the peer held, each bring a
				 * duplicate ACK; more than those tell it was lost.
				 */
				s->lr_limit = (ack - old_una + s->mss - 1) / s->mss;
				s->lr_dupacks = 0;
			}
		}
		if (s->snd_una == s->snd_nxt)
			sim_timer_cancel(sim, &s->rexmt);
		else
			rexmt_arm(s, true);
	} else if (ack == s->snd_una && seg->len == 0 &&
		   !(seg->flags & (TH_SYN | TH_FIN)) && seg->wnd == s->snd_wnd &&
		   s->snd_una != s->snd_nxt) {
		if (s->in_recovery) {
			if (++s->lr_dupacks >= s->lr_limit + TCP_DUPACK_THRESHOLD) {
				tcp_log(s, LOG_DEBUG, "retransmission lost: sending it again");
				retransmit_first(s);
				rexmt_arm(s, true);
			}
		} else if (++s->dupacks == TCP_DUPACK_THRESHOLD) {
			s->in_recovery = true;
			s->recover = s->snd_nxt;
			s->rxt_high = s->snd_una;
			s->info.fast_retransmits++;
			s->st->stats.fast_retransmits++;
			tcp_log(s, LOG_DEBUG, "%u duplicate ACKs: fast retransmit", s->dupacks);
			retransmit_first(s);
			rexmt_arm(s, true);
		}
	}
	if (SEQ_LT(s->snd_wl1, seg->seq) ||
	    (s->snd_wl1 == seg->seq && SEQ_LEQ(s->snd_wl2, ack))) {
		s->snd_wnd = seg->wnd;
		s->snd_wl1 = seg->seq;
		s->snd_wl2 = ack;
		if (s->snd_wnd > s->max_sndwnd)
			s->max_sndwnd = s->snd_wnd;
	}
	return true;
}

static void
peer_mss_set(struct tcp_sock *s, uint32_t mss)
{
	if (mss)
		s->peer_mss = mss;
	s->mss = s->peer_mss < s->our_mss ? s->peer_mss : s->our_mss;
	if (s->mss == 0)
		s->mss = 1;
}

/* SYN_SENT (RFC 9293 3.10.7.3). */
static void
input_syn_sent(struct tcp_sock *s, const struct tcp_seg *seg)
{
	bool ack = seg->flags & TH_ACK;

	if (ack && (SEQ_LEQ(seg->ack, s->iss) || SEQ_GT(seg->ack, s->snd_nxt))) {
		reply_rst(s->st, seg);
		return;
	}
	if (seg->flags & TH_RST) {
		if (ack)
			tcp_fsm(s, TCP_EV_RST);
		return;
	}
	if (!(seg->flags & TH_SYN))
		return;
	s->irs = seg->seq;
	s->rcv_nxt = seg->seq + 1;
	peer_mss_set(s, seg->mss);
	s->snd_wnd = s->max_sndwnd = seg->wnd;
	s->snd_wl1 = seg->seq;
	s->snd_wl2 = seg->ack;
	if (ack) {
		s->snd_una = seg->ack;
		sim_time_t r = txq_ack(s, seg->ack);

		if (r >= 0)
			rtt_sample(s, r);
		s->nrexmt = 0;
		sim_timer_cancel(s->st->node->net->sim, &s->rexmt);
		tcp_fsm(s, TCP_EV_SYN_ACK);
	} else {
		s->nrexmt = 0;
		tcp_fsm(s, TCP_EV_SYN);
	}
}

/* Whether seg falls in the receive window (RFC 9293 3.10.7.4, first step). */
static bool
seq_acceptable(const struct tcp_sock *s, const struct tcp_seg *seg)
{
	uint32_t seglen = seg->len + !!(seg->flags & TH_SYN) + !!(seg->flags & TH_FIN);
	uint32_t wnd = rcv_wnd(s);
	uint32_t end = s->rcv_nxt + wnd;

	if (seglen == 0)
		return wnd == 0 ? seg->seq == s->rcv_nxt
		       : SEQ_LEQ(s->rcv_nxt, seg->seq) && SEQ_LT(seg->seq, end);
	if (wnd == 0)
		return false;
	return (SEQ_LEQ(s->rcv_nxt, seg->seq) && SEQ_LT(seg->seq, end)) ||
	       (SEQ_LEQ(s->rcv_nxt, seg->seq + seglen - 1) && SEQ_LT(seg->seq + seglen - 1, end));
}

/*
 * A segment for an existing connection (RFC 9293 3.10.7.3 and 3.10.7.4,
 * with the RST and SYN checks of RFC 5961):
 *  1. SYN_SENT has its own rules (input_syn_sent);
 *  2. a retransmitted SYN in SYN_RCVD gets the SYN-ACK again;
 *  3. a segment outside the window is answered by an ACK (not a RST,
 *     which is dropped); in TIME_WAIT a FIN restarts the 2 MSL timer;
 *  4. a RST: exactly at rcv_nxt it resets the connection, elsewhere in
 *     the window it gets a challenge ACK;
 *  5. a SYN in a synchronized state gets a challenge ACK;
 *  6. no ACK: dropped; SYN_RCVD becomes ESTABLISHED if our SYN is
 *     acknowledged, else answers with a RST; then ack_in;
 *  7. data (ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2): trimmed to the window,
 *     delivered if in order, else kept; either way an ACK is owed;
 *  8. the FIN is taken when every byte before it has arrived;
 *  9. whatever can go out now goes (data, FIN, the ACK owed).
 */
static void
input_conn(struct tcp_sock *s, const struct tcp_seg *seg)
{
	uint32_t seq = seg->seq, len = seg->len;
	const uint8_t *data = seg->data;
	bool fin = seg->flags & TH_FIN;

	s->info.segs_in++;
	if (s->state == TCP_SYN_SENT) {
		input_syn_sent(s, seg);
		return;
	}
	if (s->state == TCP_SYN_RCVD && (seg->flags & TH_SYN) && !(seg->flags & TH_ACK) &&
	    seq == s->irs) {
		retransmit_first(s);
		return;
	}
	if (!seq_acceptable(s, seg)) {
		if (seg->flags & TH_RST)
			return;
		if (s->state == TCP_TIME_WAIT && fin)
			sim_timer_after(s->st->node->net->sim, &s->twait, 2 * TCP_MSL);
		s->ack_now = true;
		tcp_output(s);
		return;
	}
	if (seg->flags & TH_RST) {
		if (seq == s->rcv_nxt) {
			tcp_fsm(s, TCP_EV_RST);
		} else {
			s->ack_now = true;	/* challenge ACK */
			tcp_output(s);
		}
		return;
	}
	if (seg->flags & TH_SYN) {
		s->ack_now = true;	/* challenge ACK */
		tcp_output(s);
		return;
	}
	if (!(seg->flags & TH_ACK))
		return;
	if (s->state == TCP_SYN_RCVD) {
		if (!SEQ_LT(s->snd_una, seg->ack) || SEQ_GT(seg->ack, s->snd_nxt)) {
			reply_rst(s->st, seg);
			return;
		}
		ack_in(s, seg);
		tcp_fsm(s, TCP_EV_ACK_OF_SYN);
		if (s->dead)
			return;
	} else if (!ack_in(s, seg)) {
		tcp_output(s);
		return;
	}
	if (s->fin_acked && (s->state == TCP_FIN_WAIT_1 || s->state == TCP_CLOSING ||
			     s->state == TCP_LAST_ACK)) {
		tcp_fsm(s, TCP_EV_FIN_ACKED);
		if (s->dead)
			return;
	}

	if (s->state == TCP_ESTABLISHED || s->state == TCP_FIN_WAIT_1 ||
	    s->state == TCP_FIN_WAIT_2) {
		uint32_t right = s->rcv_nxt + rcv_wnd(s);

		if (SEQ_LT(seq, s->rcv_nxt)) {
			uint32_t d = s->rcv_nxt - seq;

			if (d > len)
				d = len;	/* only the FIN may be new */
			seq += d;
			data += d;
			len -= d;
		}
		if (SEQ_GT(seq + len, right)) {
			len = SEQ_GT(right, seq) ? right - seq : 0;
			fin = false;
		}
		if (len > 0 || fin)
			s->ack_now = true;
		if (fin && SEQ_GEQ(seq + len, s->rcv_nxt)) {
			s->fin_in = true;
			s->fin_in_seq = seq + len;
		}
		if (len > 0) {
			if (seq == s->rcv_nxt) {
				s->rcv_nxt += len;
				if (!deliver(s, data, len))
					return;
			} else {
				s->info.ooo_segs++;
				ooo_insert(s, seq, data, len);
			}
		}
		if (!rcv_advance(s))
			return;
	}
	tcp_output(s);
}

/* A segment for a listener (RFC 9293 3.10.7.2): a SYN makes a connection. */
static void
input_listen(struct tcp_sock *l, const struct tcp_seg *seg)
{
	struct tcp_stack *st = l->st;
	struct tcp_key key;
	struct tcp_sock *s;
	struct addr src;
	uint32_t mss;

	if (seg->flags & TH_RST)
		return;
	if (seg->flags & TH_ACK) {
		reply_rst(st, seg);
		return;
	}
	if (!(seg->flags & TH_SYN))
		return;
	memset(&key, 0, sizeof(key));
	key.laddr = *seg->dst;
	key.lport = seg->dport;
	key.raddr = *seg->src;
	key.rport = seg->sport;
	/* Our MSS from the route back; the source stays the address the SYN was for. */
	mss = route_mss(st->node, seg->src, &src);
	if (mss == 0) {
		stats_drop(&st->node->cnt, DROP_NO_ROUTE);
		return;
	}
	s = conn_new(st, &key, mss);
	s->passive = true;
	s->listener = l;
	s->irs = seg->seq;
	s->rcv_nxt = seg->seq + 1;
	peer_mss_set(s, seg->mss);
	s->snd_wnd = s->max_sndwnd = seg->wnd;
	s->snd_wl1 = seg->seq;
	tcp_fsm(s, TCP_EV_SYN);
}

static void
tcp_input(struct node *n, void *ctx, struct pkt *p, const struct addr *src,
	  const struct addr *dst)
{
	struct tcp_stack *st = ctx;
	const uint8_t *h = p->data;
	struct tcp_seg seg;
	struct tcp_key key;
	struct tcp_sock *s;
	unsigned off;

	if (p->len < TCP_HLEN || (off = (h[12] >> 4) * 4u) < TCP_HLEN || off > p->len) {
		st->stats.malformed++;
		stats_drop(&n->cnt, DROP_MALFORMED);
		goto done;
	}
	if (csum_fold(csum_add(csum_pseudo(src, dst, IPPROTO_TCP_, p->len), h, p->len)) != 0) {
		st->stats.bad_checksum++;
		stats_drop(&n->cnt, DROP_BAD_CHECKSUM);
		goto done;
	}
	if ((dst->af == ADDR_V4 && addr_v4_host(dst) == 0xffffffffu) ||
	    (dst->af == ADDR_V6 && dst->a[0] == 0xff)) {
		stats_drop(&n->cnt, DROP_NOT_FOR_US);
		goto done;
	}
	st->stats.segs_in++;
	memset(&seg, 0, sizeof(seg));
	seg.src = src;
	seg.dst = dst;
	seg.sport = rd16(h);
	seg.dport = rd16(h + 2);
	seg.seq = rd32(h + 4);
	seg.ack = rd32(h + 8);
	seg.flags = h[13] & 0x3f;
	seg.wnd = rd16(h + 14);
	seg.data = h + off;
	seg.len = p->len - off;
	/* Options: only MSS is understood; the others are skipped. */
	for (unsigned i = TCP_HLEN; i < off;) {
		uint8_t kind = h[i];

		if (kind == 0)
			break;
		if (kind == 1) {
			i++;
			continue;
		}
		if (i + 1 >= off || h[i + 1] < 2 || i + h[i + 1] > off)
			break;
		if (kind == 2 && h[i + 1] == 4 && (seg.flags & TH_SYN))
			seg.mss = rd16(h + i + 2);
		i += h[i + 1];
	}

	memset(&key, 0, sizeof(key));
	key.laddr = *dst;
	key.lport = seg.dport;
	key.raddr = *src;
	key.rport = seg.sport;
	s = g_hash_table_lookup(st->conns, &key);
	/* A new SYN may end a TIME_WAIT if it starts beyond it (RFC 9293 3.6.1). */
	if (s && s->state == TCP_TIME_WAIT && (seg.flags & TH_SYN) && !(seg.flags & TH_ACK) &&
	    SEQ_GT(seg.seq, s->rcv_nxt) &&
	    g_hash_table_lookup(st->listeners, GUINT_TO_POINTER(seg.dport))) {
		enter_closed(s, TCP_CLOSED_NORMAL, "new SYN in TIME_WAIT");
		s = NULL;
	}
	if (s) {
		input_conn(s, &seg);
	} else if ((s = g_hash_table_lookup(st->listeners, GUINT_TO_POINTER(seg.dport)))) {
		input_listen(s, &seg);
	} else {
		st->stats.no_listener++;
		stats_drop(&n->cnt, st->drop_no_listener);
		reply_rst(st, &seg);
	}
done:
	pkt_free(p);
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
	struct tcp_stack *st;
	struct tcp_key key;
	struct tcp_sock *s;
	uint32_t mss;

	if (dport == 0 || !(st = stack_get(n)))
		return NULL;
	memset(&key, 0, sizeof(key));
	mss = route_mss(n, dst, &key.laddr);
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
	stack_attach_all(n->net);
	s = conn_new(st, &key, mss);
	tcp_set_callbacks(s, cb, ctx);
	tcp_fsm(s, TCP_EV_OPEN);
	return s;
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
			sock_xmit(s, s->snd_nxt, TH_RST | TH_ACK, 0, 0);
			enter_closed(s, TCP_CLOSED_ABORTED, "listener closed");
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
