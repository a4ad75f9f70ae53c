/*
 * tcp_input.c - the segments the emulated TCP receives (RFC 9293 3.10.7,
 * RFC 5961; doc/tcp.md): the node's hook for IP protocol 6 checks and
 * parses a segment and finds its connection or listener; then the
 * acceptability checks, RST and SYN handling, acknowledgements (new data
 * acknowledged, duplicate ACKs and fast retransmit, the send window),
 * data in order delivered at once and data beyond a hole kept until it
 * fills, and the FIN when every byte before it has arrived.  What a
 * segment changes in the connection's state goes through tcp_fsm (tcp.c);
 * what it makes the sender do, through tcp_output.c.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/tcp_int.h"
#include "sim/wire.h"

#define TCP_SBUF_KEEP	16384	/* bytes of send buffer an idle connection keeps */

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
 * After an acknowledgement: tell the application its send buffer fell to
 * the low-water mark, if it asked; false if the socket died meanwhile.
 */
static bool
notify_writable(struct tcp_sock *s)
{
	if (!s->above_lowat || s->slen > s->lowat)
		return true;
	s->above_lowat = false;
	if (!s->notified && s->visible && s->cb.writable)
		s->cb.writable(s, s->ctx);
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
			/*
			 * All acknowledged: a buffer grown for a burst goes back,
			 * so that thousands of connections do not each keep the
			 * largest burst they sent.
			 */
			if (s->slen == 0 && s->scap > TCP_SBUF_KEEP) {
				free(s->sbuf);
				s->sbuf = NULL;
				s->scap = 0;
			}
			s->sdata_seq = upto;
			s->info.bytes_acked += n;
		}
		sim_time_t r = tcp_txq_ack(s, ack);

		if (r >= 0)
			tcp_rtt_sample(s, r);
		s->snd_una = ack;
		s->nrexmt = 0;
		s->dupacks = 0;
		if (s->fin_sent && ack == s->fin_seq + 1)
			s->fin_acked = true;
		if (s->in_recovery) {
			if (SEQ_GEQ(ack, s->recover)) {
				s->in_recovery = false;
			} else if (SEQ_GEQ(ack, s->rxt_high)) {
				tcp_retransmit_first(s);
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
			tcp_rexmt_arm(s, true);
	} else if (ack == s->snd_una && seg->len == 0 &&
		   !(seg->flags & (TH_SYN | TH_FIN)) && seg->wnd == s->snd_wnd &&
		   s->snd_una != s->snd_nxt) {
		if (s->in_recovery) {
			if (++s->lr_dupacks >= s->lr_limit + TCP_DUPACK_THRESHOLD) {
				tcp_log(s, LOG_DEBUG, "retransmission lost: sending it again");
				tcp_retransmit_first(s);
				tcp_rexmt_arm(s, true);
			}
		} else if (++s->dupacks == TCP_DUPACK_THRESHOLD) {
			s->in_recovery = true;
			s->recover = s->snd_nxt;
			s->rxt_high = s->snd_una;
			s->info.fast_retransmits++;
			s->st->stats.fast_retransmits++;
			tcp_log(s, LOG_DEBUG, "%u duplicate ACKs: fast retransmit", s->dupacks);
			tcp_retransmit_first(s);
			tcp_rexmt_arm(s, true);
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
		tcp_reply_rst(s->st, seg);
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
		sim_time_t r = tcp_txq_ack(s, seg->ack);

		if (r >= 0)
			tcp_rtt_sample(s, r);
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
	uint32_t wnd = tcp_rcv_wnd(s);
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
 *     acknowledged, else answers with a RST; then ack_in, and the
 *     application's `writable` if the send buffer fell to its low-water
 *     mark;
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
		tcp_retransmit_first(s);
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
			tcp_reply_rst(s->st, seg);
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
	if (!notify_writable(s))
		return;
	if (s->fin_acked && (s->state == TCP_FIN_WAIT_1 || s->state == TCP_CLOSING ||
			     s->state == TCP_LAST_ACK)) {
		tcp_fsm(s, TCP_EV_FIN_ACKED);
		if (s->dead)
			return;
	}

	if (s->state == TCP_ESTABLISHED || s->state == TCP_FIN_WAIT_1 ||
	    s->state == TCP_FIN_WAIT_2) {
		uint32_t right = s->rcv_nxt + tcp_rcv_wnd(s);

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
		tcp_reply_rst(st, seg);
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
	mss = tcp_route_mss(st->node, seg->src, &src);
	if (mss == 0) {
		stats_drop(&st->node->cnt, DROP_NO_ROUTE);
		return;
	}
	s = tcp_conn_new(st, &key, mss);
	s->passive = true;
	s->listener = l;
	s->ipo = *tcp_listen_opts_for(l, seg->src);
	s->irs = seg->seq;
	s->rcv_nxt = seg->seq + 1;
	peer_mss_set(s, seg->mss);
	s->snd_wnd = s->max_sndwnd = seg->wnd;
	s->snd_wl1 = seg->seq;
	tcp_fsm(s, TCP_EV_SYN);
}

/*
 * The check of IP_MINTTL: a segment that arrived with a TTL below the
 * socket's min_ttl (o: the connection's, or what its listener gives the
 * sender) is dropped before anything reads it, with no answer, and
 * counted on the socket, the stack and the node (reason tcp_min_ttl).
 */
static bool
min_ttl_ok(struct tcp_sock *s, const struct tcp_ip_opts *o, const struct tcp_seg *seg)
{
	struct tcp_stack *st = s->st;

	if (!o->min_ttl || seg->ttl >= o->min_ttl)
		return true;
	s->info.min_ttl_drops++;
	st->stats.min_ttl_drops++;
	stats_drop(&st->node->cnt, st->drop_min_ttl);
	tcp_log(s, LOG_DEBUG, "segment from TTL %u, below the minimum %u: dropped", seg->ttl,
		o->min_ttl);
	return false;
}

void
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
	seg.ttl = p->ttl;
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
		tcp_enter_closed(s, TCP_CLOSED_NORMAL, "new SYN in TIME_WAIT");
		s = NULL;
	}
	if (s) {
		if (!min_ttl_ok(s, &s->ipo, &seg))
			goto done;
		input_conn(s, &seg);
	} else if ((s = g_hash_table_lookup(st->listeners, GUINT_TO_POINTER(seg.dport)))) {
		if (!min_ttl_ok(s, tcp_listen_opts_for(s, src), &seg))
			goto done;
		input_listen(s, &seg);
	} else {
		st->stats.no_listener++;
		stats_drop(&n->cnt, st->drop_no_listener);
		tcp_reply_rst(st, &seg);
	}
done:
	pkt_free(p);
}
