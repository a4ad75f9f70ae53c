/*
 * tcp_int.h - what the files of the emulated TCP share: the socket and
 * the per-node stack, the parsed segment, the events of the state
 * machine, and the calls one file makes into another.  Only sim/tcp*.c
 * include it; everyone else sees sim/tcp.h.
 *
 *   tcp.c         the per-node stack, sockets and their life, the state
 *                 machine (tcp_fsm), the socket calls of tcp.h
 *   tcp_input.c   segments in: parsing, the acceptability checks,
 *                 acknowledgements, fast retransmit, reassembly, delivery
 *   tcp_output.c  segments out: building them, what the window allows,
 *                 retransmission, the timers and the RTT estimate
 * Prototypes are grouped by the file that defines them.
 */
#ifndef SIM_TCP_INT_H
#define SIM_TCP_INT_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "sim/net.h"
#include "sim/tcp.h"

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

/* A listener's IP options for one remote address (tcp_listen_peer_opts). */
struct tcp_peer_ipo {
	struct addr remote;
	struct tcp_ip_opts o;
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
	struct tcp_ip_opts ipo;	/* IP options (a listener's: for connections it makes) */
	/* listener */
	tcp_accept_fn accept_fn;
	void *accept_ctx;
	GArray *peer_ipo;	/* struct tcp_peer_ipo: options by remote address, or NULL */
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
	size_t lowat;		/* tcp_set_lowat; 0: no writable callback */
	bool above_lowat;	/* slen went above lowat since the last callback */
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
	uint32_t drop_min_ttl;	/* "tcp_min_ttl", interned when a min_ttl is first set */
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
	uint8_t ttl;		/* IP TTL or hop limit it arrived with */
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

/* ---- tcp.c ---- */

/* Log one line about s (kind "tcp", the connection's name first). */
void tcp_log(struct tcp_sock *s, enum log_level l, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Feed an event to the connection state machine (drawn above it). */
void tcp_fsm(struct tcp_sock *s, enum tcp_event ev);
/* Enter CLOSED: out of the tables, then `closed` if the application has s. */
void tcp_enter_closed(struct tcp_sock *s, enum tcp_close_reason why, const char *what);
/* Give every node of the net its TCP (a SYN to any of them gets an answer). */
void tcp_stack_attach_all(struct net *net);
/* A connection socket for key, in the table; the caller fills the rest. */
struct tcp_sock *tcp_conn_new(struct tcp_stack *st, const struct tcp_key *key,
			      uint32_t our_mss);
/* The IP options a listener gives a connection from `remote`. */
const struct tcp_ip_opts *tcp_listen_opts_for(const struct tcp_sock *l,
					      const struct addr *remote);
/* The MSS to announce to dst, *src the address to send from; 0 if no route. */
uint32_t tcp_route_mss(struct node *n, const struct addr *dst, struct addr *src);

/* ---- tcp_input.c ---- */

/* The node's hook for IP protocol 6 (ctx: its stack); frees p. */
void tcp_input(struct node *n, void *ctx, struct pkt *p, const struct addr *src,
	       const struct addr *dst);

/* ---- tcp_output.c ---- */

/* Send what the window allows, then the ACK owed if nothing carried it. */
void tcp_output(struct tcp_sock *s);
/* A segment of connection s; `off` is the data's offset in the send buffer. */
void tcp_sock_xmit(struct tcp_sock *s, uint32_t seq, uint8_t flags, size_t off, uint32_t len);
/* RST in answer to a segment that belongs to no connection. */
void tcp_reply_rst(struct tcp_stack *st, const struct tcp_seg *seg);
/* Arm the retransmission timer unless it runs (restart: in any case). */
void tcp_rexmt_arm(struct tcp_sock *s, bool restart);
/* Send again the first unacknowledged segment (SYN, SYN-ACK, or data). */
void tcp_retransmit_first(struct tcp_sock *s);
/* A new segment ending at `end` left now (for RTT samples). */
void tcp_txq_push(struct tcp_sock *s, uint32_t end);
/* [seq, end) is being sent again: the segments it touches give no sample. */
void tcp_txq_again(struct tcp_sock *s, uint32_t seq, uint32_t end);
/* Drop the segments `ack` covers: an RTT sample, or -1 (Karn's rule). */
sim_time_t tcp_txq_ack(struct tcp_sock *s, uint32_t ack);
/* Take an RTT sample into srtt, rttvar and rto (RFC 6298). */
void tcp_rtt_sample(struct tcp_sock *s, sim_time_t r);
/* The window we advertise. */
uint16_t tcp_rcv_wnd(const struct tcp_sock *s);
/* The timers of a socket (sim_timer callbacks, ctx: the socket). */
void tcp_rexmt_expired(struct sim *sim, void *ctx, void *arg);
void tcp_twait_expired(struct sim *sim, void *ctx, void *arg);

#endif /* SIM_TCP_INT_H */
