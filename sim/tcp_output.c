/*
 * tcp_output.c - what the emulated TCP sends (RFC 9293, RFC 6298,
 * RFC 6582; doc/tcp.md): building a segment and its checksum, what the
 * window allows (tcp_output), retransmission (the timeout with go back N,
 * fast retransmit and NewReno-style partial-ACK recovery, a lost
 * retransmission sent again: lr_start), the send times kept for RTT
 * samples under Karn's rule, the retransmission and TIME_WAIT timers and
 * the RTO estimate.  tcp_input.c calls in here when an acknowledgement
 * calls for it; the state machine (tcp.c) when a connection opens.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/tcp_int.h"
#include "sim/wire.h"

/* ---- segments out ---- */

/*
 * Build and send one segment from src:sport to dst:dport: header, the
 * MSS option if mss is non-zero, `len` bytes of data, checksum over the
 * pseudo-header; IP TTL `ttl`, 0 for the default.
 */
static void
xmit(struct tcp_stack *st, const struct addr *src, uint16_t sport, const struct addr *dst,
     uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t wnd, uint32_t mss,
     const uint8_t *data, uint32_t len, uint8_t ttl)
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
	ip_output_ttl(st->node, src, dst, IPPROTO_TCP_, ttl ? ttl : IP_TTL_DEFAULT, p);
}

/* ---- send times of the segments in flight (RTT samples, Karn's rule) ---- */

static struct tcp_txrec *
txq_at(struct tcp_sock *s, unsigned i)
{
	return &s->txq[(s->txq_head + i) % s->txq_cap];
}

/* A new segment ending at `end` left now. */
void
tcp_txq_push(struct tcp_sock *s, uint32_t end)
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
void
tcp_txq_again(struct tcp_sock *s, uint32_t seq, uint32_t end)
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
sim_time_t
tcp_txq_ack(struct tcp_sock *s, uint32_t ack)
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
uint16_t
tcp_rcv_wnd(const struct tcp_sock *s)
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
void
tcp_sock_xmit(struct tcp_sock *s, uint32_t seq, uint8_t flags, size_t off, uint32_t len)
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
	     flags, tcp_rcv_wnd(s), mss, len ? s->sbuf + s->shead + off : NULL, len, s->ipo.ttl);
}

/* RST in answer to a segment that belongs to no connection (RFC 9293 3.10.7.1). */
void
tcp_reply_rst(struct tcp_stack *st, const struct tcp_seg *seg)
{
	uint32_t seglen = seg->len + !!(seg->flags & TH_SYN) + !!(seg->flags & TH_FIN);

	if (seg->flags & TH_RST)
		return;
	if (seg->flags & TH_ACK)
		xmit(st, seg->dst, seg->dport, seg->src, seg->sport, seg->ack, 0, TH_RST, 0, 0,
		     NULL, 0, 0);
	else
		xmit(st, seg->dst, seg->dport, seg->src, seg->sport, 0, seg->seq + seglen,
		     TH_RST | TH_ACK, 0, 0, NULL, 0, 0);
}

/* Arm the retransmission timer unless it runs (RFC 6298 5.1). */
void
tcp_rexmt_arm(struct tcp_sock *s, bool restart)
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
void
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
		tcp_sock_xmit(s, s->snd_nxt, flags, off, len);
		s->snd_nxt += len;
		if (fin) {
			s->fin_sent = true;
			s->fin_seq = s->snd_nxt;
			s->snd_nxt++;
		}
		tcp_txq_push(s, s->snd_nxt);
		tcp_rexmt_arm(s, false);
	}
	if (s->ack_now)
		tcp_sock_xmit(s, s->snd_nxt, TH_ACK, 0, 0);
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
	tcp_txq_again(s, seq, end);
	if (SEQ_GT(end, s->rxt_high))
		s->rxt_high = end;
	tcp_sock_xmit(s, seq, flags, seq - s->sdata_seq, len);
	s->info.retransmits++;
	s->st->stats.retransmits++;
	return end;
}

/*
 * Send again the first unacknowledged segment: the SYN (SYN_SENT), the
 * SYN-ACK (SYN_RCVD), or the data (and FIN) at snd_una.
 */
void
tcp_retransmit_first(struct tcp_sock *s)
{
	if (s->state == TCP_SYN_SENT || s->state == TCP_SYN_RCVD) {
		tcp_txq_again(s, s->iss, s->iss + 1);
		tcp_sock_xmit(s, s->iss, s->state == TCP_SYN_SENT ? TH_SYN : TH_SYN | TH_ACK, 0, 0);
		s->info.retransmits++;
		s->st->stats.retransmits++;
		return;
	}
	lr_start(s);
	retransmit_seg(s, s->snd_una);
}

/* ---- timers ---- */

void
tcp_rexmt_expired(struct sim *sim, void *ctx, void *arg)
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
			tcp_stack_attach_all(s->st->node->net);
	}
	s->in_recovery = true;
	s->recover = s->snd_nxt;
	s->rxt_high = s->snd_una;
	s->dupacks = 0;
	tcp_log(s, LOG_DEBUG, "retransmission timeout %u, next in %" PRId64 " ms", s->nrexmt,
		s->rto / SIM_MS);
	if (syn) {
		tcp_retransmit_first(s);
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
	tcp_rexmt_arm(s, true);
}

void
tcp_twait_expired(struct sim *sim, void *ctx, void *arg)
{
	tcp_fsm(ctx, TCP_EV_2MSL);
}

/*
 * RFC 6298 2.2-2.4 with a sample r.  A sample is a time between two
 * instants of the run, so at most SIM_TIME_LIMIT (sim.h); then srtt and
 * rttvar stay within it too, and the largest sum below, 7 * srtt + r, is
 * at most 8 * SIM_TIME_LIMIT: no overflow.
 */
void
tcp_rtt_sample(struct tcp_sock *s, sim_time_t r)
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
