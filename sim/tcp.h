/*
 * tcp.h - emulated TCP: stream sockets for entities (RAE, CME, CAFE agent).
 *
 * A real TCP on the wire (RFC 9293): three-way handshake, sequence and
 * acknowledgement numbers, MSS segmentation, retransmission with the
 * RFC 6298 timer, in-order delivery, FIN and RST, checksums over IPv4
 * and IPv6.  Congestion control is a fixed window (doc/tcp.md says which
 * and why).
 *
 * Sockets are owned by the stack: after `closed` has been called the
 * socket must not be used again (the stack frees it).  Callbacks may call
 * any function of this file, including tcp_close and tcp_abort.
 */
#ifndef SIM_TCP_H
#define SIM_TCP_H

#include <stddef.h>
#include <stdint.h>

#include "sim/addr.h"
#include "sim/sim.h"

struct node;
struct tcp_sock;

/* The constants of doc/tcp.md. */
#define TCP_WINDOW		65535	/* receive window advertised, and most bytes in flight */
#define TCP_RTO_INIT		(1 * SIM_S)	/* before any RTT sample (RFC 6298 2.1) */
#define TCP_RTO_MIN		(200 * SIM_MS)	/* as Linux; RFC 6298 says 1 s */
#define TCP_RTO_MAX		(60 * SIM_S)
#define TCP_MSL			(30 * SIM_S)	/* TIME_WAIT lasts 2 * TCP_MSL */
#define TCP_SYN_RETRIES		6	/* SYN or SYN-ACK retransmissions before giving up */
#define TCP_DATA_RETRIES	8	/* retransmissions of one segment before giving up */
#define TCP_DUPACK_THRESHOLD	3	/* duplicate ACKs that trigger fast retransmit */

/* RFC 9293 states; a socket made by tcp_listen is TCP_LISTEN. */
enum tcp_state {
	TCP_CLOSED = 0,
	TCP_LISTEN,
	TCP_SYN_SENT,
	TCP_SYN_RCVD,
	TCP_ESTABLISHED,
	TCP_FIN_WAIT_1,
	TCP_FIN_WAIT_2,
	TCP_CLOSING,
	TCP_TIME_WAIT,
	TCP_CLOSE_WAIT,
	TCP_LAST_ACK,
};

/* Why a connection ended, as `closed` reports it. */
enum tcp_close_reason {
	TCP_CLOSED_NORMAL = 0,	/* both sides sent FIN */
	TCP_CLOSED_RESET,	/* RST received */
	TCP_CLOSED_REFUSED,	/* RST in answer to our SYN */
	TCP_CLOSED_TIMEOUT,	/* retransmissions gave up */
	TCP_CLOSED_ABORTED,	/* tcp_abort() by us */
};

struct tcp_callbacks {
	/* The handshake completed (active open). */
	void (*connected)(struct tcp_sock *s, void *ctx);
	/* In-order bytes arrived. */
	void (*recv)(struct tcp_sock *s, void *ctx, const uint8_t *data, size_t len);
	/* The peer sent FIN: no more bytes will arrive (we may still send). */
	void (*eof)(struct tcp_sock *s, void *ctx);
	/* The connection is over; s is freed when this returns. */
	void (*closed)(struct tcp_sock *s, void *ctx, enum tcp_close_reason why);
	/*
	 * The send buffer fell to the low-water mark (tcp_set_lowat) or
	 * below, after holding more; optional.
	 */
	void (*writable)(struct tcp_sock *s, void *ctx);
};

/*
 * The IP options of a socket, as setsockopt's IP_TTL and IP_MINTTL
 * (IPV6_UNICAST_HOPS and IPV6_MINHOPCOUNT for IPv6); doc/tcp.md, "TTL and
 * minimum TTL".
 * All zero is what a socket has unless told: TTL 64, no check.
 */
struct tcp_ip_opts {
	uint8_t ttl;		/* TTL or hop limit of every segment sent, SYN included; 0: 64 */
	uint8_t min_ttl;	/* a segment received with a lower TTL is dropped; 0: none */
};

/* A listener accepted a connection: set its callbacks with tcp_set_callbacks. */
typedef void (*tcp_accept_fn)(struct tcp_sock *listener, struct tcp_sock *conn, void *ctx);

/* tcp.c */

/* Listen on a port of the node; NULL if the port is taken. */
struct tcp_sock *tcp_listen(struct node *n, uint16_t port, tcp_accept_fn fn, void *ctx);
/*
 * Open a connection from an ephemeral port (or `sport` if non-zero) to
 * dst:dport.  Returns the socket at once; `connected` or `closed` follows.
 * NULL if no route or no port.
 */
struct tcp_sock *tcp_connect(struct node *n, const struct addr *dst, uint16_t dport,
			     uint16_t sport, const struct tcp_callbacks *cb, void *ctx);
/* As tcp_connect, with IP options from the first SYN on (opts NULL: none). */
struct tcp_sock *tcp_connect_opts(struct node *n, const struct addr *dst, uint16_t dport,
				  uint16_t sport, const struct tcp_ip_opts *opts,
				  const struct tcp_callbacks *cb, void *ctx);
/*
 * Set the IP options of a connection (from its next segment, sent or
 * received) or of a listener (for the connections it makes from then on:
 * the SYN is checked against min_ttl, the SYN-ACK leaves with ttl).
 */
void tcp_set_ip_opts(struct tcp_sock *s, const struct tcp_ip_opts *opts);
void tcp_get_ip_opts(const struct tcp_sock *s, struct tcp_ip_opts *out);
/*
 * On a listener: the IP options of connections from one remote address,
 * in place of the listener's own (as a TCP-MD5 key is set per peer on a
 * listening socket).  Setting an address again replaces its options.
 * Returns 0, or -1 if s is not a listener.
 */
int tcp_listen_peer_opts(struct tcp_sock *l, const struct addr *remote,
			 const struct tcp_ip_opts *opts);
void tcp_set_callbacks(struct tcp_sock *s, const struct tcp_callbacks *cb, void *ctx);
/*
 * Queue bytes for sending.  Everything is accepted (the send buffer grows);
 * returns 0, or -1 if the connection can no longer send.
 */
int tcp_send(struct tcp_sock *s, const void *data, size_t len);
/* Bytes queued but not yet acknowledged. */
size_t tcp_unacked(const struct tcp_sock *s);
/*
 * The low-water mark of the send buffer, as SO_SNDLOWAT: once the buffer
 * holds more than `lowat` bytes, the `writable` callback is called when
 * acknowledgements bring it back to `lowat` or below (once each time).
 * 0 (the default) never calls it.
 */
void tcp_set_lowat(struct tcp_sock *s, size_t lowat);
/* Send FIN after what is queued; `closed` comes when both sides are done. */
void tcp_close(struct tcp_sock *s);
/* Send RST and drop the connection now; `closed` is called with ABORTED. */
void tcp_abort(struct tcp_sock *s);
/* Stop listening and free the listener (accepted connections live on). */
void tcp_unlisten(struct tcp_sock *s);
/* Addresses and ports of a connection. */
void tcp_endpoints(const struct tcp_sock *s, struct addr *local, uint16_t *lport,
		   struct addr *remote, uint16_t *rport);
struct node *tcp_node(const struct tcp_sock *s);

/* What one connection did so far (tcp_info_get). */
struct tcp_info {
	enum tcp_state state;
	uint32_t mss;		/* segment size in use: the smaller of both MSS */
	uint32_t peer_mss;	/* announced by the peer (536 or 1220 if it did not) */
	sim_time_t srtt, rttvar;	/* 0 before the first RTT sample */
	sim_time_t rto;		/* current retransmission timeout, backed off */
	uint64_t bytes_queued;	/* handed to tcp_send */
	uint64_t bytes_acked;	/* acknowledged by the peer */
	uint64_t bytes_received;	/* delivered in order to the application */
	uint64_t segs_out, segs_in;
	uint64_t retransmits;	/* segments sent again, for any reason */
	uint64_t timeouts;	/* retransmission timer expiries */
	uint64_t fast_retransmits;	/* on TCP_DUPACK_THRESHOLD duplicate ACKs */
	uint64_t ooo_segs;	/* received beyond a hole and buffered */
	uint64_t min_ttl_drops;	/* received below the socket's min_ttl and dropped */
};

/* Totals of one node's stack (tcp_stats_get). */
struct tcp_stats {
	uint64_t segs_out, segs_in;
	uint64_t retransmits, timeouts, fast_retransmits;
	uint64_t rst_out, rst_in;
	uint64_t no_listener;	/* segments for a port nobody listens on */
	uint64_t bad_checksum, malformed;
	uint64_t active_opens, passive_opens;	/* SYN sent by connect; SYN accepted */
	uint64_t established;	/* connections that reached ESTABLISHED */
	uint64_t min_ttl_drops;	/* segments below a socket's min_ttl (reason tcp_min_ttl) */
};

/* The state and counters of a connection or listener, into *out. */
void tcp_info_get(const struct tcp_sock *s, struct tcp_info *out);
/* The totals of the node's TCP (all zero if it never used TCP). */
void tcp_stats_get(const struct node *n, struct tcp_stats *out);
/* Connections the node holds, TIME_WAIT included, listeners not. */
size_t tcp_conn_count(const struct node *n);
/* "ESTABLISHED", "TIME_WAIT" ... */
const char *tcp_state_name(enum tcp_state st);
/* "normal", "reset", "refused", "timeout", "aborted". */
const char *tcp_close_reason_name(enum tcp_close_reason why);

#endif /* SIM_TCP_H */
