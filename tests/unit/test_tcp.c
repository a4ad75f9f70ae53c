/*
 * test_tcp.c - unit tests of the emulated TCP (sim/tcp.c) over two
 * nodes joined by one link: the handshake to the nanosecond, bulk
 * transfers over IPv4 and IPv6, with and without loss, RST in its
 * forms, both closes and TIME_WAIT, the retransmission timer's back-off
 * and give-up, checksums, the MSS on a small MTU, and callbacks that
 * close or abort from inside, the send buffer's low-water mark.
 *
 * Expected times follow from the link model (sim/net.h): a frame of S
 * bytes (padded to 60) takes ceil(8 S 1e9 / bandwidth) ns to serialise
 * and then the propagation delay.  The neighbour caches are filled
 * beforehand, so no ARP or ND exchange shifts the first segment.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <glib.h>

#include "entities/apps/tcp_apps.h"
#include "sim/entity.h"
#include "sim/net.h"
#include "sim/tcp.h"
#include "sim/wire.h"
#include "tests/unit/suites.h"

/* ---- what the taps see ---- */

struct seg_rec {
	sim_time_t t;
	struct iface *ifc;
	enum tap_dir dir;
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t wnd;
	uint32_t len;		/* TCP data bytes */
	uint32_t ip_len;	/* IPv4 total length or IPv6 header + payload */
	uint32_t mss;		/* MSS option, 0 if none */
	uint8_t ttl;		/* IPv4 TTL or IPv6 hop limit */
	int csum_ok;
};

/* ---- one connection end as the tests drive it ---- */

struct ep {
	struct tcp_sock *s;
	int connected, eofs, closed;
	enum tcp_close_reason why;
	sim_time_t t_connected, t_closed, t_eof;
	uint64_t rx, rx_bad;	/* bytes received; of which not the pattern */
	uint64_t tx_off;	/* bytes sent so far (pattern offset) */
	/* what to do */
	uint64_t send_on_connect;
	int close_after_send;
	int close_on_eof;
	int abort_on_recv;
	int send_in_closed_rc;	/* tcp_send's result inside `closed` */
	struct sim *sim;
};

struct t2 {
	struct sim *sim;
	struct net *net;
	struct node *a, *b;
	struct iface *ia, *ib;
	struct link *l;
	struct addr a4, b4, a6, b6;
	GArray *segs;		/* struct seg_rec */
	struct ep cli, srv;
	struct tcp_sock *listener;
	int accepts;
	sim_time_t t_accept;
	int unlisten_in_accept;
};

static uint8_t
pattern(uint64_t i)
{
	return (uint8_t)((i * 7 + 3) & 0xff);
}

static void
tap(void *ctx, struct iface *ifc, enum tap_dir dir, const struct pkt *f)
{
	struct t2 *t = ctx;
	const uint8_t *d = f->data;
	struct seg_rec r;
	struct addr s, dst;
	uint32_t l4len;
	const uint8_t *h;

	if (f->len < ETH_HLEN + IPV4_HLEN)
		return;
	memset(&r, 0, sizeof(r));
	memset(&s, 0, sizeof(s));
	memset(&dst, 0, sizeof(dst));
	if (rd16(d + 12) == ETHERTYPE_IPV4 && d[23] == IPPROTO_TCP_) {
		unsigned ihl = (d[14] & 0xf) * 4u;

		r.ip_len = rd16(d + 16);
		r.ttl = d[22];
		l4len = r.ip_len - ihl;
		h = d + ETH_HLEN + ihl;
		s.af = dst.af = ADDR_V4;
		memcpy(s.a, d + 26, 4);
		memcpy(dst.a, d + 30, 4);
	} else if (rd16(d + 12) == ETHERTYPE_IPV6 && d[20] == IPPROTO_TCP_) {
		l4len = rd16(d + 18);
		r.ip_len = IPV6_HLEN + l4len;
		r.ttl = d[21];
		h = d + ETH_HLEN + IPV6_HLEN;
		s.af = dst.af = ADDR_V6;
		memcpy(s.a, d + 22, 16);
		memcpy(dst.a, d + 38, 16);
	} else {
		return;
	}
	r.t = sim_now(ifc->node->net->sim);
	r.ifc = ifc;
	r.dir = dir;
	r.seq = rd32(h + 4);
	r.ack = rd32(h + 8);
	r.flags = h[13];
	r.wnd = rd16(h + 14);
	r.len = l4len - (h[12] >> 4) * 4u;
	if ((h[12] >> 4) * 4u >= 24 && h[20] == 2 && h[21] == 4)
		r.mss = rd16(h + 22);
	r.csum_ok = csum_fold(csum_add(csum_pseudo(&s, &dst, IPPROTO_TCP_, l4len), h, l4len)) == 0;
	g_array_append_val(t->segs, r);
}

/* The seed of the next t2_setup()'s network. */
static uint64_t t2_seed = 1;

static void
t2_setup(struct t2 *t, uint64_t bw, sim_time_t delay, uint32_t mtu, double loss)
{
	struct link_params lp;

	memset(t, 0, sizeof(*t));
	t->sim = sim_create(NULL);
	t->net = net_create(t->sim, t2_seed, 1);
	t->a = node_create(t->net, "a");
	t->b = node_create(t->net, "b");
	t->ia = iface_add_ether(t->a, "eth0");
	t->ib = iface_add_ether(t->b, "eth0");
	link_params_default(&lp);
	lp.bandwidth_bps = bw;
	lp.delay = delay;
	lp.mtu = mtu;
	lp.queue_pkts = 1000;
	if (loss > 0) {
		lp.loss.kind = LOSS_BERNOULLI;
		lp.loss.p = loss;
	}
	t->l = link_create(t->net, "ab", t->ia, t->ib, &lp);
	addr_parse("10.0.0.1", &t->a4);
	addr_parse("10.0.0.2", &t->b4);
	addr_parse("2001:db8::1", &t->a6);
	addr_parse("2001:db8::2", &t->b6);
	iface_addr_add(t->ia, &t->a4, 24);
	iface_addr_add(t->ib, &t->b4, 24);
	iface_addr_add(t->ia, &t->a6, 64);
	iface_addr_add(t->ib, &t->b6, 64);
	/* Resolved neighbours: the first segment leaves at once. */
	neigh_learn(t->ia, &t->b4, t->ib->mac, true);
	neigh_learn(t->ib, &t->a4, t->ia->mac, true);
	neigh_learn(t->ia, &t->b6, t->ib->mac, true);
	neigh_learn(t->ib, &t->a6, t->ia->mac, true);
	t->segs = g_array_new(FALSE, TRUE, sizeof(struct seg_rec));
	t->ia->tap = tap;
	t->ia->tap_ctx = t;
	t->ib->tap = tap;
	t->ib->tap_ctx = t;
	t->cli.sim = t->srv.sim = t->sim;
}

static void
t2_teardown(struct t2 *t)
{
	net_destroy(t->net);
	sim_destroy(t->sim);
	g_array_free(t->segs, TRUE);
	CU_ASSERT_EQUAL(pkt_outstanding(), 0);
}

static struct seg_rec *
seg_at(struct t2 *t, guint i)
{
	return &g_array_index(t->segs, struct seg_rec, i);
}

static void
nothing(struct sim *sim, void *ctx, void *arg)
{
}

/* Run until exactly `when`, even if no event falls there. */
static void
run_to(struct t2 *t, sim_time_t when)
{
	sim_schedule_at(t->sim, when, nothing, NULL, NULL);
	sim_run(t->sim, when);
}

/*
 * Take the link down or up.  Down flushes the neighbour caches
 * (link.c); they are filled again at once so that the TCP timings under
 * test are not shifted by ARP.
 */
static void
t2_link(struct t2 *t, bool up)
{
	link_set_up(t->l, up);
	neigh_learn(t->ia, &t->b4, t->ib->mac, true);
	neigh_learn(t->ib, &t->a4, t->ia->mac, true);
	neigh_learn(t->ia, &t->b6, t->ib->mac, true);
	neigh_learn(t->ib, &t->a6, t->ia->mac, true);
}

/* ---- callbacks ---- */

static void
ep_send(struct ep *e, uint64_t n)
{
	uint8_t *buf = malloc(n ? n : 1);

	for (uint64_t i = 0; i < n; i++)
		buf[i] = pattern(e->tx_off + i);
	CU_ASSERT_EQUAL(tcp_send(e->s, buf, n), 0);
	e->tx_off += n;
	free(buf);
}

static void
ep_connected(struct tcp_sock *s, void *ctx)
{
	struct ep *e = ctx;

	e->connected++;
	e->t_connected = sim_now(e->sim);
	if (e->send_on_connect)
		ep_send(e, e->send_on_connect);
	if (e->close_after_send)
		tcp_close(s);
}

static void
ep_recv(struct tcp_sock *s, void *ctx, const uint8_t *data, size_t len)
{
	struct ep *e = ctx;

	for (size_t i = 0; i < len; i++)
		e->rx_bad += data[i] != pattern(e->rx + i);
	e->rx += len;
	if (e->abort_on_recv) {
		tcp_abort(s);
		/* s is closed but still valid until the zero-delay reap. */
		CU_ASSERT_EQUAL(tcp_send(s, "x", 1), -1);
	}
}

static void
ep_eof(struct tcp_sock *s, void *ctx)
{
	struct ep *e = ctx;

	e->eofs++;
	e->t_eof = sim_now(e->sim);
	if (e->close_on_eof)
		tcp_close(s);
}

static void
ep_closed(struct tcp_sock *s, void *ctx, enum tcp_close_reason why)
{
	struct ep *e = ctx;

	e->closed++;
	e->why = why;
	e->t_closed = sim_now(e->sim);
	e->send_in_closed_rc = tcp_send(s, "x", 1);
	e->s = NULL;
}

static const struct tcp_callbacks ep_cb = {
	.connected = ep_connected,
	.recv = ep_recv,
	.eof = ep_eof,
	.closed = ep_closed,
};

static void
srv_accept(struct tcp_sock *l, struct tcp_sock *s, void *ctx)
{
	struct t2 *t = ctx;

	t->accepts++;
	t->t_accept = sim_now(t->sim);
	t->srv.s = s;
	tcp_set_callbacks(s, &ep_cb, &t->srv);
	if (t->srv.send_on_connect)
		ep_send(&t->srv, t->srv.send_on_connect);
	if (t->unlisten_in_accept) {
		tcp_unlisten(l);
		t->listener = NULL;
	}
}

/* Listen on b:port and connect from a to dst:port. */
static void
t2_open(struct t2 *t, const struct addr *dst, uint16_t port)
{
	t->listener = tcp_listen(t->b, port, srv_accept, t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t->listener);
	t->cli.s = tcp_connect(t->a, dst, port, 0, &ep_cb, &t->cli);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t->cli.s);
}

/* ---- the low-water mark (tcp_set_lowat) ---- */

struct lw {
	struct ep *e;
	int calls;
	size_t worst;		/* the largest tcp_unacked seen in `writable` */
	uint64_t more;		/* bytes to send at the first call */
};

static struct lw lw_state;

static void
lw_connected(struct tcp_sock *s, void *ctx)
{
	tcp_set_lowat(s, 10000);
	ep_connected(s, ctx);
}

static void
lw_writable(struct tcp_sock *s, void *ctx)
{
	CU_ASSERT_PTR_EQUAL(ctx, lw_state.e);
	lw_state.calls++;
	if (tcp_unacked(s) > lw_state.worst)
		lw_state.worst = tcp_unacked(s);
	if (lw_state.calls == 1 && lw_state.more)
		ep_send(lw_state.e, lw_state.more);
}

static const struct tcp_callbacks lw_cb = {
	.connected = lw_connected,
	.recv = ep_recv,
	.eof = ep_eof,
	.closed = ep_closed,
	.writable = lw_writable,
};

/* Send `first` at connect with a low-water mark of 10 000, `more` at the first call. */
static void
lowat_run(uint64_t first, uint64_t more)
{
	struct t2 t;

	t2_setup(&t, 100000000ULL, SIM_MS, 1500, 0);
	memset(&lw_state, 0, sizeof(lw_state));
	lw_state.e = &t.cli;
	lw_state.more = more;
	t.cli.send_on_connect = first;
	t.listener = tcp_listen(t.b, 5000, srv_accept, &t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t.listener);
	t.cli.s = tcp_connect(t.a, &t.b4, 5000, 0, &lw_cb, &t.cli);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t.cli.s);
	sim_run(t.sim, 5 * SIM_S);
	CU_ASSERT_EQUAL(t.srv.rx, first + (lw_state.calls ? more : 0));
	CU_ASSERT_EQUAL(t.srv.rx_bad, 0);
	t2_teardown(&t);
}

static void
test_lowat(void)
{
	/* 100 000 bytes: one call, when the buffer falls to 10 000 or less. */
	lowat_run(100000, 0);
	CU_ASSERT_EQUAL(lw_state.calls, 1);
	CU_ASSERT(lw_state.worst <= 10000);
	/* Writing 50 000 more in the callback arms it again: a second call. */
	lowat_run(100000, 50000);
	CU_ASSERT_EQUAL(lw_state.calls, 2);
	CU_ASSERT(lw_state.worst <= 10000);
	/* A buffer that never held more than the mark: no call. */
	lowat_run(8000, 0);
	CU_ASSERT_EQUAL(lw_state.calls, 0);
}

/* ---- tests ---- */

static void
test_handshake_timing(void)
{
	struct t2 t;
	struct seg_rec *r;
	struct tcp_info ti;
	struct rng rng;
	uint32_t iss_a, iss_b;

	/* 60-byte frames at 1 Gbps: 480 ns, then 1 ms on the wire. */
	t2_setup(&t, 1000000000ULL, SIM_MS, 1500, 0);
	t2_open(&t, &t.b4, 5000);
	run_to(&t, 10 * SIM_MS);
	CU_ASSERT_EQUAL(t.cli.connected, 1);
	CU_ASSERT_EQUAL(t.accepts, 1);
	CU_ASSERT_EQUAL(t.cli.t_connected, 2 * (SIM_MS + 480));
	CU_ASSERT_EQUAL(t.t_accept, 3 * (SIM_MS + 480));
	/* TX a, RX b, TX b, RX a, TX a, RX b. */
	CU_ASSERT_EQUAL_FATAL(t.segs->len, 6);
	r = seg_at(&t, 0);
	CU_ASSERT(r->ifc == t.ia && r->dir == TAP_TX && r->t == 0);
	CU_ASSERT_EQUAL(r->flags, 0x02);		/* SYN */
	CU_ASSERT_EQUAL(r->mss, 1460);
	CU_ASSERT_EQUAL(r->wnd, 65535);
	CU_ASSERT_EQUAL(r->ip_len, 20 + 24);
	CU_ASSERT(r->csum_ok);
	iss_a = r->seq;
	/* The ISN comes from the stream "tcp/<node>" and nothing else. */
	rng_init(&rng, 1, 1, "tcp/a");
	CU_ASSERT_EQUAL(iss_a, (uint32_t)rng_u64(&rng));
	r = seg_at(&t, 2);
	CU_ASSERT(r->ifc == t.ib && r->dir == TAP_TX && r->t == SIM_MS + 480);
	CU_ASSERT_EQUAL(r->flags, 0x12);		/* SYN, ACK */
	CU_ASSERT_EQUAL(r->ack, iss_a + 1);
	CU_ASSERT_EQUAL(r->mss, 1460);
	CU_ASSERT(r->csum_ok);
	iss_b = r->seq;
	rng_init(&rng, 1, 1, "tcp/b");
	CU_ASSERT_EQUAL(iss_b, (uint32_t)rng_u64(&rng));
	r = seg_at(&t, 4);
	CU_ASSERT(r->ifc == t.ia && r->dir == TAP_TX && r->t == 2 * (SIM_MS + 480));
	CU_ASSERT_EQUAL(r->flags, 0x10);		/* ACK */
	CU_ASSERT_EQUAL(r->seq, iss_a + 1);
	CU_ASSERT_EQUAL(r->ack, iss_b + 1);
	CU_ASSERT_EQUAL(r->len, 0);
	CU_ASSERT_EQUAL(r->ip_len, 40);
	CU_ASSERT(r->csum_ok);
	CU_ASSERT_EQUAL(seg_at(&t, 5)->t, 3 * (SIM_MS + 480));
	/* The handshake gave an RTT sample: RTO at its 200 ms floor. */
	tcp_info_get(t.cli.s, &ti);
	CU_ASSERT_EQUAL(ti.state, TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(ti.srtt, 2 * (SIM_MS + 480));
	CU_ASSERT_EQUAL(ti.rto, TCP_RTO_MIN);
	CU_ASSERT_EQUAL(ti.mss, 1460);
	tcp_info_get(t.srv.s, &ti);
	CU_ASSERT_EQUAL(ti.state, TCP_ESTABLISHED);
	CU_ASSERT_EQUAL(tcp_conn_count(t.a), 1);
	CU_ASSERT_EQUAL(tcp_conn_count(t.b), 1);
	{
		struct addr la, ra;
		uint16_t lp, rp;

		tcp_endpoints(t.srv.s, &la, &lp, &ra, &rp);
		CU_ASSERT(addr_eq(&la, &t.b4) && addr_eq(&ra, &t.a4));
		CU_ASSERT_EQUAL(lp, 5000);
		CU_ASSERT_EQUAL(rp, 49152);
		CU_ASSERT_PTR_EQUAL(tcp_node(t.srv.s), t.b);
	}
	t2_teardown(&t);
}

/* a sends `bytes` to b and closes; b closes on eof.  Returns the client's info. */
static void
transfer(struct t2 *t, const struct addr *dst, uint64_t bytes, struct tcp_info *cli_info)
{
	struct tcp_stats sa;

	t->cli.send_on_connect = bytes;
	t->cli.close_after_send = 1;
	t->srv.close_on_eof = 1;
	t2_open(t, dst, 5000);
	/* Keep the client's info before TIME_WAIT ends and the socket goes. */
	while (!t->cli.closed && sim_run(t->sim, sim_now(t->sim) + 100 * SIM_MS) !=
	       SIM_STOP_EMPTY)
		;
	CU_ASSERT_EQUAL_FATAL(t->cli.closed, 1);
	sim_run(t->sim, sim_now(t->sim) + 1 * SIM_S);
	tcp_stats_get(t->a, &sa);
	memset(cli_info, 0, sizeof(*cli_info));
	cli_info->retransmits = sa.retransmits;
	cli_info->fast_retransmits = sa.fast_retransmits;
	cli_info->timeouts = sa.timeouts;
	CU_ASSERT_EQUAL(t->cli.why, TCP_CLOSED_NORMAL);
	CU_ASSERT_EQUAL(t->srv.closed, 1);
	CU_ASSERT_EQUAL(t->srv.why, TCP_CLOSED_NORMAL);
	CU_ASSERT_EQUAL(t->srv.eofs, 1);
	CU_ASSERT_EQUAL(t->cli.eofs, 1);
	CU_ASSERT_EQUAL(t->srv.rx, bytes);
	CU_ASSERT_EQUAL(t->srv.rx_bad, 0);
	CU_ASSERT_EQUAL(t->cli.send_in_closed_rc, -1);
	/* The server is gone at once (LAST_ACK), the client after TIME_WAIT. */
	CU_ASSERT_EQUAL(tcp_conn_count(t->b), 0);
	CU_ASSERT_EQUAL(tcp_conn_count(t->a), 1);
	sim_run(t->sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(tcp_conn_count(t->a), 0);
}

/* Every segment checks out, data never exceeds mss, the window is 65535. */
static void
check_segments(struct t2 *t, uint32_t mss, uint32_t max_ip)
{
	uint32_t biggest = 0, bad = 0, wnd = 0, syns = 0;

	for (guint i = 0; i < t->segs->len; i++) {
		struct seg_rec *r = seg_at(t, i);

		bad += !r->csum_ok;
		biggest = r->len > biggest ? r->len : biggest;
		if (!(r->flags & 0x04))
			wnd += r->wnd != 65535;
		if (r->flags & 0x02) {
			syns++;
			CU_ASSERT_EQUAL(r->mss, mss);
		}
		CU_ASSERT(r->ip_len <= max_ip);
	}
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(wnd, 0);
	CU_ASSERT_EQUAL(biggest, mss);
	CU_ASSERT(syns >= 2);
}

static void
test_transfer_lossless(void)
{
	struct t2 t;
	struct tcp_info ti;

	t2_setup(&t, 1000000000ULL, SIM_MS, 1500, 0);
	transfer(&t, &t.b4, 1 << 20, &ti);
	CU_ASSERT_EQUAL(ti.retransmits, 0);
	CU_ASSERT_EQUAL(ti.timeouts, 0);
	check_segments(&t, 1460, 1500);
	t2_teardown(&t);
}

static void
test_transfer_ipv6(void)
{
	struct t2 t;
	struct tcp_info ti;

	t2_setup(&t, 100000000ULL, 5 * SIM_MS, 1500, 0);
	transfer(&t, &t.b6, 1 << 20, &ti);
	CU_ASSERT_EQUAL(ti.retransmits, 0);
	check_segments(&t, 1440, 1500);
	t2_teardown(&t);
}

/*
 * 5 % loss both ways, eight seeds: every transfer completes, with fast
 * retransmissions.  Data beyond a hole is kept: over the eight, far fewer
 * retransmissions than a go-back-N would cost (after a timeout, without
 * SACK, the sender does go back: one seed's pattern alone can cost three
 * times its losses, so the bound is on the sum).
 */
static void
test_transfer_lossy(void)
{
	uint64_t drops = 0, rexmits = 0, fast = 0, timeouts = 0;

	for (t2_seed = 1; t2_seed <= 8; t2_seed++) {
		struct t2 t;
		struct tcp_info ti;

		t2_setup(&t, 100000000ULL, 2 * SIM_MS, 1500, 0.05);
		transfer(&t, &t.b4, 1 << 20, &ti);
		CU_ASSERT(net_drops(t.net, DROP_LOSS) > 0);
		CU_ASSERT(ti.fast_retransmits > 0);
		drops += net_drops(t.net, DROP_LOSS);
		rexmits += ti.retransmits;
		fast += ti.fast_retransmits;
		timeouts += ti.timeouts;
		t2_teardown(&t);
	}
	t2_seed = 1;
	CU_ASSERT(rexmits < 3 * drops);
	fprintf(stderr, "\n  lossy, 8 seeds: %" PRIu64 " frames lost, %" PRIu64 " retransmissions "
		"(%" PRIu64 " fast, %" PRIu64 " timeouts) ", drops, rexmits, fast, timeouts);
}

static void
test_mss_small_mtu(void)
{
	struct t2 t;
	struct tcp_info ti;

	t2_setup(&t, 100000000ULL, SIM_MS, 576, 0);
	transfer(&t, &t.b4, 100000, &ti);
	check_segments(&t, 536, 576);
	t2_teardown(&t);
	/* IPv6 on a 1280-byte link: 1280 - 40 - 20. */
	t2_setup(&t, 100000000ULL, SIM_MS, 1280, 0);
	transfer(&t, &t.b6, 100000, &ti);
	check_segments(&t, 1220, 1280);
	t2_teardown(&t);
}

static void
test_refused(void)
{
	struct t2 t;
	uint32_t reason;
	struct tcp_stats sb;

	t2_setup(&t, 1000000000ULL, SIM_MS, 1500, 0);
	/* b never used TCP: it answers all the same. */
	t.cli.s = tcp_connect(t.a, &t.b4, 6000, 0, &ep_cb, &t.cli);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t.cli.s);
	sim_run(t.sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(t.cli.connected, 0);
	CU_ASSERT_EQUAL(t.cli.closed, 1);
	CU_ASSERT_EQUAL(t.cli.why, TCP_CLOSED_REFUSED);
	CU_ASSERT_EQUAL(t.cli.t_closed, 2 * (SIM_MS + 480));
	reason = stats_reason_intern(&t.net->stats, "tcp_no_listener");
	CU_ASSERT_EQUAL(net_drops(t.net, reason), 1);
	CU_ASSERT_EQUAL(t.b->cnt.drops[reason], 1);
	tcp_stats_get(t.b, &sb);
	CU_ASSERT_EQUAL(sb.rst_out, 1);
	CU_ASSERT_EQUAL(sb.no_listener, 1);
	CU_ASSERT_EQUAL_FATAL(t.segs->len, 4);
	CU_ASSERT_EQUAL(seg_at(&t, 2)->flags, 0x14);	/* RST, ACK */
	CU_ASSERT_EQUAL(seg_at(&t, 2)->ack, seg_at(&t, 0)->seq + 1);
	CU_ASSERT_EQUAL(tcp_conn_count(t.a), 0);
	t2_teardown(&t);
}

static void
test_abort(void)
{
	struct t2 t;
	struct seg_rec *r;

	t2_setup(&t, 1000000000ULL, SIM_MS, 1500, 0);
	t2_open(&t, &t.b4, 5000);
	run_to(&t, 10 * SIM_MS);
	CU_ASSERT_EQUAL_FATAL(t.accepts, 1);
	t.segs->len = 0;
	tcp_abort(t.cli.s);
	/* `closed` at once, in the call. */
	CU_ASSERT_EQUAL(t.cli.closed, 1);
	CU_ASSERT_EQUAL(t.cli.why, TCP_CLOSED_ABORTED);
	CU_ASSERT_EQUAL(tcp_conn_count(t.a), 0);
	sim_run(t.sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(t.srv.closed, 1);
	CU_ASSERT_EQUAL(t.srv.why, TCP_CLOSED_RESET);
	CU_ASSERT_EQUAL(t.srv.t_closed, 10 * SIM_MS + SIM_MS + 480);
	CU_ASSERT_EQUAL(tcp_conn_count(t.b), 0);
	CU_ASSERT_EQUAL_FATAL(t.segs->len, 2);
	r = seg_at(&t, 0);
	CU_ASSERT(r->flags & 0x04);
	CU_ASSERT(r->csum_ok);
	t2_teardown(&t);
}

/* A RST with a sequence number other than rcv_nxt does not reset; it gets a challenge ACK. */
static void
test_rst_sequence_check(void)
{
	struct t2 t;
	struct seg_rec *syn_ack = NULL;
	struct pkt *p;
	uint8_t *h;
	uint32_t cli_seq = 0;

	t2_setup(&t, 1000000000ULL, SIM_MS, 1500, 0);
	t2_open(&t, &t.b4, 5000);
	run_to(&t, 10 * SIM_MS);
	CU_ASSERT_EQUAL_FATAL(t.accepts, 1);
	for (guint i = 0; i < t.segs->len; i++)
		if (seg_at(&t, i)->flags == 0x12 && !syn_ack)
			syn_ack = seg_at(&t, i);
	CU_ASSERT_PTR_NOT_NULL_FATAL(syn_ack);
	cli_seq = syn_ack->ack;
	/* A forged RST from a to b, in the window but 100 bytes ahead. */
	for (int k = 0; k < 2; k++) {
		uint32_t seq = cli_seq + (k == 0 ? 100 : 0);

		p = pkt_alloc(TCP_WINDOW);
		h = pkt_put(p, 20);
		memset(h, 0, 20);
		wr16(h, 49152);
		wr16(h + 2, 5000);
		wr32(h + 4, seq);
		h[12] = 5 << 4;
		h[13] = 0x04;
		wr16(h + 16, csum_fold(csum_add(csum_pseudo(&t.a4, &t.b4, 6, 20), h, 20)));
		t.segs->len = 0;
		ip_output(t.a, &t.a4, &t.b4, 6, p);
		sim_run(t.sim, sim_now(t.sim) + 10 * SIM_MS);
		if (k == 0) {
			CU_ASSERT_EQUAL(t.srv.closed, 0);
			/* RST a->b, then b's challenge ACK back, on both taps. */
			CU_ASSERT_EQUAL_FATAL(t.segs->len, 4);
			CU_ASSERT_EQUAL(seg_at(&t, 2)->flags, 0x10);
			CU_ASSERT_EQUAL(seg_at(&t, 2)->ack, cli_seq);
		} else {
			CU_ASSERT_EQUAL(t.srv.closed, 1);
			CU_ASSERT_EQUAL(t.srv.why, TCP_CLOSED_RESET);
		}
	}
	tcp_abort(t.cli.s);
	sim_run(t.sim, SIM_TIME_MAX);
	t2_teardown(&t);
}

static void
test_close_both_sides(void)
{
	struct t2 t;
	sim_time_t t0;

	/* Both close at the same instant: FIN_WAIT_1, CLOSING, TIME_WAIT on both. */
	t2_setup(&t, 1000000000ULL, SIM_MS, 1500, 0);
	t2_open(&t, &t.b4, 5000);
	run_to(&t, 10 * SIM_MS);
	CU_ASSERT_EQUAL_FATAL(t.accepts, 1);
	tcp_close(t.cli.s);
	tcp_close(t.srv.s);
	t0 = sim_now(t.sim);
	run_to(&t, t0 + 100 * SIM_MS);
	CU_ASSERT_EQUAL(t.cli.eofs, 1);
	CU_ASSERT_EQUAL(t.srv.eofs, 1);
	CU_ASSERT_EQUAL(t.cli.closed, 1);
	CU_ASSERT_EQUAL(t.srv.closed, 1);
	CU_ASSERT_EQUAL(t.cli.why, TCP_CLOSED_NORMAL);
	CU_ASSERT_EQUAL(t.srv.why, TCP_CLOSED_NORMAL);
	/* FIN crossing FIN: each end hears the other's at t0 + 1 ms + 480 ns, the ACK after as long. */
	CU_ASSERT_EQUAL(t.cli.t_eof, t0 + SIM_MS + 480);
	CU_ASSERT_EQUAL(t.cli.t_closed, t0 + 2 * (SIM_MS + 480));
	/* Both in TIME_WAIT for 2 MSL from there. */
	CU_ASSERT_EQUAL(tcp_conn_count(t.a), 1);
	CU_ASSERT_EQUAL(tcp_conn_count(t.b), 1);
	sim_run(t.sim, t.cli.t_closed + 2 * TCP_MSL - 1);
	CU_ASSERT_EQUAL(tcp_conn_count(t.a), 1);
	sim_run(t.sim, t.cli.t_closed + 2 * TCP_MSL);
	CU_ASSERT_EQUAL(tcp_conn_count(t.a), 0);
	CU_ASSERT_EQUAL(tcp_conn_count(t.b), 0);
	sim_run(t.sim, SIM_TIME_MAX);
	t2_teardown(&t);

	/* One after the other: a FIN_WAIT_2 -> TIME_WAIT, b CLOSE_WAIT -> LAST_ACK -> CLOSED. */
	t2_setup(&t, 1000000000ULL, SIM_MS, 1500, 0);
	t2_open(&t, &t.b4, 5000);
	run_to(&t, 10 * SIM_MS);
	tcp_close(t.cli.s);
	run_to(&t, 20 * SIM_MS);
	CU_ASSERT_EQUAL(t.srv.eofs, 1);
	CU_ASSERT_EQUAL(t.srv.t_eof, 10 * SIM_MS + SIM_MS + 480);
	CU_ASSERT_EQUAL(t.cli.closed, 0);
	/* b may still send after the peer's FIN. */
	ep_send(&t.srv, 5000);
	run_to(&t, 30 * SIM_MS);
	CU_ASSERT_EQUAL(t.cli.rx, 5000);
	CU_ASSERT_EQUAL(t.cli.rx_bad, 0);
	tcp_close(t.srv.s);
	run_to(&t, 40 * SIM_MS);
	CU_ASSERT_EQUAL(t.cli.closed, 1);
	CU_ASSERT_EQUAL(t.srv.closed, 1);
	CU_ASSERT_EQUAL(t.cli.t_closed, 30 * SIM_MS + SIM_MS + 480);
	CU_ASSERT_EQUAL(t.srv.t_closed, 30 * SIM_MS + 2 * (SIM_MS + 480));
	CU_ASSERT_EQUAL(tcp_conn_count(t.b), 0);
	CU_ASSERT_EQUAL(tcp_conn_count(t.a), 1);
	sim_run(t.sim, t.cli.t_closed + 2 * TCP_MSL);
	CU_ASSERT_EQUAL(tcp_conn_count(t.a), 0);
	t2_teardown(&t);
}

/* Link-down drops of the segments sent, sampled just after each expected retransmission. */
static void
test_rto_backoff(void)
{
	struct t2 t;
	sim_time_t t0, at = 0, rto = TCP_RTO_MIN;
	struct tcp_info ti;

	t2_setup(&t, 1000000000ULL, SIM_MS, 1500, 0);
	t2_open(&t, &t.b4, 5000);
	run_to(&t, 10 * SIM_MS);
	CU_ASSERT_EQUAL_FATAL(t.accepts, 1);
	t2_link(&t, false);
	t0 = sim_now(t.sim);
	ep_send(&t.cli, 1000);
	CU_ASSERT_EQUAL(net_drops(t.net, DROP_LINK_DOWN), 1);
	/* Retransmissions at t0 + 200, 600, 1400, 3000 ms: each RTO twice the last. */
	for (int i = 1; i <= 4; i++) {
		at += rto;
		rto *= 2;
		run_to(&t, t0 + at - 1);
		CU_ASSERT_EQUAL(net_drops(t.net, DROP_LINK_DOWN), (uint64_t)i);
		tcp_info_get(t.cli.s, &ti);
		CU_ASSERT_EQUAL(ti.timeouts, (uint64_t)i - 1);
		run_to(&t, t0 + at);
		CU_ASSERT_EQUAL(net_drops(t.net, DROP_LINK_DOWN), (uint64_t)i + 1);
	}
	tcp_info_get(t.cli.s, &ti);
	CU_ASSERT_EQUAL(ti.timeouts, 4);
	CU_ASSERT_EQUAL(ti.rto, 16 * TCP_RTO_MIN);
	/* Back up: the next retransmission (at t0 + 6.2 s) gets through. */
	t2_link(&t, true);
	run_to(&t, t0 + at + rto + SIM_MS + link_tx_time(t.l, 14 + 20 + 20 + 1000) - 1);
	CU_ASSERT_EQUAL(t.srv.rx, 0);
	run_to(&t, t0 + at + rto + SIM_MS + link_tx_time(t.l, 14 + 20 + 20 + 1000));
	CU_ASSERT_EQUAL(t.srv.rx, 1000);
	CU_ASSERT_EQUAL(t.srv.rx_bad, 0);
	sim_run(t.sim, t0 + at + rto + 10 * SIM_MS);
	tcp_info_get(t.cli.s, &ti);
	CU_ASSERT_EQUAL(tcp_unacked(t.cli.s), 0);
	CU_ASSERT_EQUAL(ti.bytes_acked, 1000);
	CU_ASSERT_EQUAL(ti.retransmits, 5);
	/* Karn: no sample from the retransmitted segment, the RTO stays backed off. */
	CU_ASSERT_EQUAL(ti.rto, 32 * TCP_RTO_MIN);
	/* A new segment is timed and brings the RTO back down. */
	ep_send(&t.cli, 1000);
	sim_run(t.sim, sim_now(t.sim) + 10 * SIM_MS);
	tcp_info_get(t.cli.s, &ti);
	CU_ASSERT_EQUAL(ti.rto, TCP_RTO_MIN);
	tcp_abort(t.cli.s);
	sim_run(t.sim, SIM_TIME_MAX);
	t2_teardown(&t);
}

/*
 * RFC 5681 section 3.2: the third duplicate ACK, not the fourth, makes the
 * sender send the missing segment again, at once and long before the RTO.
 */
static void
test_fast_retransmit(void)
{
	struct t2 t;
	struct tcp_info ti;
	sim_time_t t_dup[8], t_rexmit = -1;
	unsigned ndup = 0, nrexmit = 0;
	uint32_t hole = 0;

	t2_setup(&t, 1000000000ULL, SIM_MS, 1500, 0);
	t2_open(&t, &t.b4, 5000);
	run_to(&t, 10 * SIM_MS);
	CU_ASSERT_EQUAL_FATAL(t.accepts, 1);
	g_array_set_size(t.segs, 0);
	t2_link(&t, false);
	ep_send(&t.cli, 1460);		/* lost: the link is down */
	t2_link(&t, true);
	ep_send(&t.cli, 6 * 1460);	/* six behind it: six duplicate ACKs */
	sim_run(t.sim, sim_now(t.sim) + 100 * SIM_MS);
	for (guint i = 0; i < t.segs->len; i++) {
		struct seg_rec *r = seg_at(&t, i);

		if (r->ifc != t.ia)
			continue;
		if (r->dir == TAP_RX && r->len == 0 && !(r->flags & 0x03)) {
			if (ndup == 0)
				hole = r->ack;
			if (r->ack == hole && ndup < 8)
				t_dup[ndup++] = r->t;
		}
		if (r->dir == TAP_TX && r->len > 0 && ndup > 0 && r->seq == hole) {
			if (!nrexmit)
				t_rexmit = r->t;
			nrexmit++;
		}
	}
	CU_ASSERT_EQUAL(ndup, 6);
	CU_ASSERT_EQUAL(nrexmit, 1);
	CU_ASSERT_EQUAL_FATAL(ndup >= 4, 1);
	CU_ASSERT_EQUAL(t_rexmit, t_dup[2]);	/* on the third */
	CU_ASSERT(t_rexmit < t_dup[3]);
	tcp_info_get(t.cli.s, &ti);
	CU_ASSERT_EQUAL(ti.fast_retransmits, 1);
	CU_ASSERT_EQUAL(ti.timeouts, 0);
	CU_ASSERT_EQUAL(ti.retransmits, 1);
	CU_ASSERT_EQUAL(tcp_unacked(t.cli.s), 0);
	CU_ASSERT_EQUAL(t.srv.rx, 7 * 1460);
	CU_ASSERT_EQUAL(t.srv.rx_bad, 0);
	tcp_abort(t.cli.s);
	sim_run(t.sim, SIM_TIME_MAX);
	t2_teardown(&t);
}

static void
test_give_up(void)
{
	struct t2 t;
	sim_time_t t0, total = 0, rto;

	/* Data: TCP_DATA_RETRIES retransmissions, then one more RTO. */
	t2_setup(&t, 1000000000ULL, SIM_MS, 1500, 0);
	t2_open(&t, &t.b4, 5000);
	run_to(&t, 10 * SIM_MS);
	t2_link(&t, false);
	t0 = sim_now(t.sim);
	ep_send(&t.cli, 100);
	rto = TCP_RTO_MIN;
	for (int i = 0; i <= TCP_DATA_RETRIES; i++) {
		total += rto;
		rto = rto * 2 > TCP_RTO_MAX ? TCP_RTO_MAX : rto * 2;
	}
	sim_run(t.sim, t0 + total - 1);
	CU_ASSERT_EQUAL(t.cli.closed, 0);
	sim_run(t.sim, t0 + total);
	CU_ASSERT_EQUAL(t.cli.closed, 1);
	CU_ASSERT_EQUAL(t.cli.why, TCP_CLOSED_TIMEOUT);
	CU_ASSERT_EQUAL(t.cli.t_closed, t0 + total);
	CU_ASSERT_EQUAL(total, 102200 * SIM_MS);
	tcp_abort(t.srv.s);
	sim_run(t.sim, SIM_TIME_MAX);
	t2_teardown(&t);

	/* SYN: TCP_SYN_RETRIES retransmissions from 1 s, the last wait capped at 60 s. */
	t2_setup(&t, 1000000000ULL, SIM_MS, 1500, 0);
	t2_link(&t, false);
	t.cli.s = tcp_connect(t.a, &t.b4, 5000, 0, &ep_cb, &t.cli);
	sim_run(t.sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(t.cli.closed, 1);
	CU_ASSERT_EQUAL(t.cli.why, TCP_CLOSED_TIMEOUT);
	CU_ASSERT_EQUAL(t.cli.t_closed, (1 + 2 + 4 + 8 + 16 + 32 + 60) * SIM_S);
	t2_teardown(&t);
}

/* A lost SYN is sent again after the initial 1 s RTO; RFC 6298 5.7 then sets 3 s. */
static void
test_syn_retransmit(void)
{
	struct t2 t;
	struct tcp_info ti;

	t2_setup(&t, 1000000000ULL, SIM_MS, 1500, 0);
	t2_link(&t, false);
	t2_open(&t, &t.b4, 5000);
	run_to(&t, 500 * SIM_MS);
	t2_link(&t, true);
	run_to(&t, 2 * SIM_S);
	CU_ASSERT_EQUAL(t.cli.connected, 1);
	CU_ASSERT_EQUAL(t.cli.t_connected, SIM_S + 2 * (SIM_MS + 480));
	tcp_info_get(t.cli.s, &ti);
	CU_ASSERT_EQUAL(ti.srtt, 0);
	CU_ASSERT_EQUAL(ti.rto, 3 * SIM_S);
	tcp_abort(t.cli.s);
	sim_run(t.sim, SIM_TIME_MAX);
	t2_teardown(&t);
}

static void
test_bad_checksum(void)
{
	struct t2 t;
	struct tcp_stats sb;

	t2_setup(&t, 1000000000ULL, SIM_MS, 1500, 0);
	t.listener = tcp_listen(t.b, 5000, srv_accept, &t);
	for (int fam = 0; fam < 2; fam++) {
		const struct addr *s = fam ? &t.a6 : &t.a4, *d = fam ? &t.b6 : &t.b4;

		for (int good = 0; good < 2; good++) {
			struct pkt *p = pkt_alloc(24);
			uint8_t *h = pkt_put(p, 24);

			memset(h, 0, 24);
			wr16(h, 40000 + (uint16_t)fam);
			wr16(h + 2, 5000);
			wr32(h + 4, 12345);
			h[12] = 6 << 4;
			h[13] = 0x02;
			wr16(h + 14, 65535);
			h[20] = 2;
			h[21] = 4;
			wr16(h + 22, 1460);
			wr16(h + 16, csum_fold(csum_add(csum_pseudo(s, d, 6, 24), h, 24)));
			if (!good)
				h[16] ^= 0x01;
			ip_output(t.a, s, d, 6, p);
			sim_run(t.sim, sim_now(t.sim) + 10 * SIM_MS);
			tcp_stats_get(t.b, &sb);
			CU_ASSERT_EQUAL(net_drops(t.net, DROP_BAD_CHECKSUM), (uint64_t)fam + 1);
			CU_ASSERT_EQUAL(sb.bad_checksum, (uint64_t)fam + 1);
			/* The bad one made nothing; the good one a SYN-ACK. */
			CU_ASSERT_EQUAL(sb.segs_out, (uint64_t)(fam + good));
			CU_ASSERT_EQUAL(tcp_conn_count(t.b), (size_t)(fam + good));
		}
	}
	sim_run(t.sim, SIM_TIME_MAX);
	t2_teardown(&t);
}

/* Callbacks that abort, close and unlisten from inside; nothing is used after it is freed. */
static void
test_reentrancy(void)
{
	struct t2 t;

	/* The server aborts in its first recv; unlistens in accept. */
	t2_setup(&t, 1000000000ULL, SIM_MS, 1500, 0);
	t.cli.send_on_connect = 100000;
	t.srv.abort_on_recv = 1;
	t.unlisten_in_accept = 1;
	t2_open(&t, &t.b4, 5000);
	sim_run(t.sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(t.accepts, 1);
	CU_ASSERT_EQUAL(t.srv.closed, 1);
	CU_ASSERT_EQUAL(t.srv.why, TCP_CLOSED_ABORTED);
	CU_ASSERT_EQUAL(t.srv.rx, 1460);
	CU_ASSERT_EQUAL(t.cli.closed, 1);
	CU_ASSERT_EQUAL(t.cli.why, TCP_CLOSED_RESET);
	CU_ASSERT_EQUAL(tcp_conn_count(t.a), 0);
	CU_ASSERT_EQUAL(tcp_conn_count(t.b), 0);
	/* No listener any more: a new connection is refused. */
	memset(&t.cli, 0, sizeof(t.cli));
	t.cli.sim = t.sim;
	t.cli.s = tcp_connect(t.a, &t.b4, 5000, 0, &ep_cb, &t.cli);
	sim_run(t.sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(t.cli.why, TCP_CLOSED_REFUSED);
	t2_teardown(&t);

	/* The client sends, closes in `connected`, the server sends back while closing on eof. */
	t2_setup(&t, 1000000000ULL, SIM_MS, 1500, 0);
	t.cli.send_on_connect = 3000;
	t.cli.close_after_send = 1;
	t.srv.send_on_connect = 7000;
	t.srv.close_on_eof = 1;
	t2_open(&t, &t.b4, 5000);
	sim_run(t.sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(t.srv.rx, 3000);
	CU_ASSERT_EQUAL(t.cli.rx, 7000);
	CU_ASSERT_EQUAL(t.cli.rx_bad + t.srv.rx_bad, 0);
	CU_ASSERT_EQUAL(t.cli.why, TCP_CLOSED_NORMAL);
	CU_ASSERT_EQUAL(t.srv.why, TCP_CLOSED_NORMAL);
	tcp_unlisten(t.listener);
	t2_teardown(&t);
}

/* Data and close queued before the handshake ends go out after it. */
static void
test_send_before_connected(void)
{
	struct t2 t;

	t2_setup(&t, 1000000000ULL, SIM_MS, 1500, 0);
	t.srv.close_on_eof = 1;
	t2_open(&t, &t.b4, 5000);
	ep_send(&t.cli, 50000);
	tcp_close(t.cli.s);
	CU_ASSERT_EQUAL(tcp_unacked(t.cli.s), 50000);
	sim_run(t.sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(t.srv.rx, 50000);
	CU_ASSERT_EQUAL(t.srv.rx_bad, 0);
	CU_ASSERT_EQUAL(t.cli.why, TCP_CLOSED_NORMAL);
	CU_ASSERT_EQUAL(t.srv.why, TCP_CLOSED_NORMAL);
	t2_teardown(&t);
}

/*
 * A node that goes down keeps its connections (doc/tcp.md): while it is
 * down nothing goes in or out, the peer retransmits, and when it comes
 * back the transfer goes on.
 */
static void
test_node_down_up(void)
{
	struct t2 t;

	t2_setup(&t, 100000000ULL, SIM_MS, 1500, 0);
	t.cli.send_on_connect = 1 << 20;
	t.cli.close_after_send = 1;
	t.srv.close_on_eof = 1;
	t2_open(&t, &t.b4, 5000);
	sim_run(t.sim, 30 * SIM_MS);
	CU_ASSERT(t.srv.rx > 0 && t.srv.rx < (1 << 20));
	node_set_up(t.b, false);
	sim_run(t.sim, 2 * SIM_S);
	node_set_up(t.b, true);
	sim_run(t.sim, SIM_TIME_MAX);
	CU_ASSERT(net_drops(t.net, DROP_NODE_DOWN) > 0);
	CU_ASSERT_EQUAL(t.srv.rx, 1 << 20);
	CU_ASSERT_EQUAL(t.srv.rx_bad, 0);
	CU_ASSERT_EQUAL(t.cli.why, TCP_CLOSED_NORMAL);
	CU_ASSERT_EQUAL(t.srv.why, TCP_CLOSED_NORMAL);
	t2_teardown(&t);
}

/* A connection to one of the node's own addresses. */
static void
test_loopback(void)
{
	struct t2 t;

	t2_setup(&t, 1000000000ULL, SIM_MS, 1500, 0);
	t.cli.send_on_connect = 100000;
	t.cli.close_after_send = 1;
	t.srv.close_on_eof = 1;
	t.listener = tcp_listen(t.a, 7000, srv_accept, &t);
	t.cli.s = tcp_connect(t.a, &t.a4, 7000, 0, &ep_cb, &t.cli);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t.cli.s);
	/* The port is taken; a second listener is refused. */
	CU_ASSERT_PTR_NULL(tcp_listen(t.a, 7000, srv_accept, &t));
	sim_run(t.sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(t.srv.rx, 100000);
	CU_ASSERT_EQUAL(t.srv.rx_bad, 0);
	CU_ASSERT_EQUAL(t.cli.why, TCP_CLOSED_NORMAL);
	CU_ASSERT_EQUAL(t.segs->len, 0);	/* nothing on the link */
	t2_teardown(&t);
}

/* Sockets left open at net_destroy are freed (the sanitizer build checks for leaks). */
static void
test_destroy_with_open_connections(void)
{
	struct t2 t;

	t2_setup(&t, 10000000ULL, 10 * SIM_MS, 1500, 0);
	t.cli.send_on_connect = 1 << 20;
	t2_open(&t, &t.b4, 5000);
	sim_run(t.sim, 500 * SIM_MS);
	CU_ASSERT_EQUAL(t.cli.closed, 0);
	CU_ASSERT(tcp_unacked(t.cli.s) > 0);
	t2_teardown(&t);
}

/* Both ends connect to each other from the ports the other uses: SYN_SENT, SYN_RCVD, ESTABLISHED. */
static void
test_simultaneous_open(void)
{
	struct t2 t;
	struct addr none;

	t2_setup(&t, 1000000000ULL, SIM_MS, 1500, 0);
	t.cli.send_on_connect = 10000;
	t.cli.close_after_send = 1;
	t.srv.close_on_eof = 1;
	t.cli.s = tcp_connect(t.a, &t.b4, 7000, 6000, &ep_cb, &t.cli);
	t.srv.s = tcp_connect(t.b, &t.a4, 6000, 7000, &ep_cb, &t.srv);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t.cli.s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t.srv.s);
	/* The four-tuple is taken. */
	CU_ASSERT_PTR_NULL(tcp_connect(t.a, &t.b4, 7000, 6000, &ep_cb, &t.cli));
	sim_run(t.sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(t.cli.connected, 1);
	CU_ASSERT_EQUAL(t.srv.connected, 1);
	CU_ASSERT_EQUAL(t.srv.rx, 10000);
	CU_ASSERT_EQUAL(t.srv.rx_bad, 0);
	CU_ASSERT_EQUAL(t.cli.why, TCP_CLOSED_NORMAL);
	CU_ASSERT_EQUAL(t.srv.why, TCP_CLOSED_NORMAL);
	/* No route: no socket. */
	addr_parse("192.0.2.1", &none);
	CU_ASSERT_PTR_NULL(tcp_connect(t.a, &none, 80, 0, &ep_cb, &t.cli));
	t2_teardown(&t);
}

/* ---- the applications' arguments ---- */

static struct entity *
app_new(const struct entity_class *cls, const char *args, char *err, size_t errlen)
{
	char **argv = g_strsplit(args, " ", -1);
	int argc = 0;
	struct entity *e;

	while (argv[argc] && argv[argc][0])
		argc++;
	err[0] = '\0';
	e = entity_new(cls, "h1", argc, argv, err, errlen);
	g_strfreev(argv);
	return e;
}

static void
app_bad(const struct entity_class *cls, const char *args, const char *needle)
{
	char err[512];
	struct entity *e = app_new(cls, args, err, sizeof(err));

	CU_ASSERT_PTR_NULL(e);
	if (e) {
		fprintf(stderr, "\n  \"%s\" was accepted\n", args);
		entity_free(e);
		return;
	}
	if (!strstr(err, needle))
		fprintf(stderr, "\n  \"%s\": message \"%s\" lacks \"%s\"\n", args, err, needle);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, cls->name));
}

static void
test_app_args(void)
{
	char err[512];
	struct entity *e;
	struct app_tcp_send *ts;
	struct app_tcp_sink *tk;

	e = app_new(&app_tcp_send_class, "10.2.0.2 45000 1048576", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	ts = (struct app_tcp_send *)e;
	CU_ASSERT_EQUAL(ts->dport, 45000);
	CU_ASSERT_EQUAL(ts->bytes, 1048576);
	CU_ASSERT_EQUAL(ts->chunk, APP_TCP_CHUNK_DEFAULT);
	CU_ASSERT_EQUAL(ts->start_delay, 0);
	CU_ASSERT_STRING_EQUAL(ts->dst_ep, "10.2.0.2:45000");
	entity_free(e);
	e = app_new(&app_tcp_send_class, "chunk=1000 2001:db8::2 80 0 start=1.5s", err,
		    sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	ts = (struct app_tcp_send *)e;
	CU_ASSERT_EQUAL(ts->chunk, 1000);
	CU_ASSERT_EQUAL(ts->bytes, 0);
	CU_ASSERT_EQUAL(ts->start_delay, 1500 * SIM_MS);
	CU_ASSERT_STRING_EQUAL(ts->dst_ep, "[2001:db8::2]:80");
	entity_free(e);
	e = app_new(&app_tcp_send_class, "4 3000 10", err, sizeof(err));	/* curling id */
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_STRING_EQUAL(((struct app_tcp_send *)e)->dst_ep, "10.0.0.4:3000");
	entity_free(e);
	app_bad(&app_tcp_send_class, "", "missing <dst>");
	app_bad(&app_tcp_send_class, "10.0.0.1 80", "missing <bytes>");
	app_bad(&app_tcp_send_class, "10.0.0.1 80 5 6", "unexpected argument \"6\"");
	app_bad(&app_tcp_send_class, "nowhere 80 5", "destination \"nowhere\"");
	app_bad(&app_tcp_send_class, "10.0.0.1 0 5", "port \"0\"");
	app_bad(&app_tcp_send_class, "10.0.0.1 65536 5", "port \"65536\"");
	app_bad(&app_tcp_send_class, "10.0.0.1 80 -5", "bytes \"-5\"");
	app_bad(&app_tcp_send_class, "10.0.0.1 80 5 chunk=0", "chunk \"0\"");
	app_bad(&app_tcp_send_class, "10.0.0.1 80 5 chunk=100000000", "chunk \"100000000\"");
	app_bad(&app_tcp_send_class, "10.0.0.1 80 5 start=5", "start \"5\"");
	app_bad(&app_tcp_send_class, "10.0.0.1 80 5 start=1s start=2s", "given twice");
	app_bad(&app_tcp_send_class, "10.0.0.1 80 5 rate=1Mbps", "unknown option \"rate=1Mbps\"");

	e = app_new(&app_tcp_sink_class, "45000", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	tk = (struct app_tcp_sink *)e;
	CU_ASSERT_EQUAL(tk->port, 45000);
	entity_free(e);
	app_bad(&app_tcp_sink_class, "", "missing <port>");
	app_bad(&app_tcp_sink_class, "0", "port \"0\"");
	app_bad(&app_tcp_sink_class, "80 81", "unexpected argument \"81\"");
	/* The pattern of doc/tcp.md. */
	CU_ASSERT_EQUAL(app_tcp_pattern(0), 3);
	CU_ASSERT_EQUAL(app_tcp_pattern(1), 10);
	CU_ASSERT_EQUAL(app_tcp_pattern(37), (37 * 7 + 3) & 0xff);
}

/* The applications over the stack: sink stopped mid-transfer reports and aborts. */
static void
test_app_run(void)
{
	struct t2 t;
	char err[512];
	struct entity *snd, *snk;
	struct app_tcp_send *ts;
	struct app_tcp_sink *tk;

	t2_setup(&t, 100000000ULL, SIM_MS, 1500, 0);
	snk = app_new(&app_tcp_sink_class, "45000", err, sizeof(err));
	snd = app_new(&app_tcp_send_class, "10.0.0.2 45000 300000 chunk=777", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(snk);
	CU_ASSERT_PTR_NOT_NULL_FATAL(snd);
	entity_start(snk, t.b);
	entity_start(snd, t.a);
	sim_run(t.sim, SIM_TIME_MAX);
	ts = (struct app_tcp_send *)snd;
	tk = (struct app_tcp_sink *)snk;
	CU_ASSERT_EQUAL(ts->connected, 1);
	CU_ASSERT_EQUAL(ts->closed, 1);
	CU_ASSERT_EQUAL(ts->closed_reason, TCP_CLOSED_NORMAL);
	CU_ASSERT_EQUAL(ts->bytes_sent, 300000);
	CU_ASSERT_EQUAL(tk->bytes_received, 300000);
	CU_ASSERT_EQUAL(tk->content_errors, 0);
	CU_ASSERT_EQUAL(tk->completed, 1);
	/* Again, and the sink's node goes down in the middle: the sink aborts. */
	entity_stop(snd);
	entity_start(snd, t.a);
	run_to(&t, sim_now(t.sim) + 20 * SIM_MS);
	CU_ASSERT_EQUAL(ts->connected, 2);
	node_set_up(t.b, false);
	CU_ASSERT_EQUAL(tk->failed, 1);
	CU_ASSERT_PTR_NULL(tk->listener);
	CU_ASSERT(tk->bytes_received > 300000 && tk->bytes_received < 600000);
	sim_run(t.sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(ts->closed, 2);
	CU_ASSERT_EQUAL(ts->closed_reason, TCP_CLOSED_TIMEOUT);
	CU_ASSERT_EQUAL(tk->content_errors, 0);
	t2_teardown(&t);
	entity_free(snd);
	entity_free(snk);
}


/* ---- IP options: TTL and minimum TTL ---- */

/* Segments one node sent (dir TX on its interface) with TTL ttl; and all it sent. */
static unsigned
sent_with_ttl(struct t2 *t, struct iface *ifc, uint8_t ttl, unsigned *all)
{
	unsigned n = 0;

	*all = 0;
	for (guint i = 0; i < t->segs->len; i++)
		if (seg_at(t, i)->ifc == ifc && seg_at(t, i)->dir == TAP_TX) {
			(*all)++;
			n += seg_at(t, i)->ttl == ttl;
		}
	return n;
}

/* Whether the run interned a drop reason. */
static bool
reason_known(struct t2 *t, const char *name)
{
	for (uint32_t r = 0; r < t->net->stats.nreasons; r++)
		if (strcmp(stats_reason_name(&t->net->stats, r), name) == 0)
			return true;
	return false;
}

static void
test_ip_ttl(void)
{
	struct t2 t;
	struct tcp_ip_opts o = { .ttl = 255 }, peer = { .ttl = 200 }, got;
	unsigned all, n;

	t2_setup(&t, 1000000000ULL, SIM_MS, 1500, 0);
	t.cli.send_on_connect = 5000;
	t.cli.close_after_send = 1;
	t.srv.close_on_eof = 1;
	t.listener = tcp_listen(t.b, 179, srv_accept, &t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t.listener);
	CU_ASSERT_EQUAL(tcp_listen_peer_opts(t.listener, &t.a4, &peer), 0);
	t.cli.s = tcp_connect_opts(t.a, &t.b4, 179, 0, &o, &ep_cb, &t.cli);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t.cli.s);
	tcp_get_ip_opts(t.cli.s, &got);
	CU_ASSERT_EQUAL(got.ttl, 255);
	CU_ASSERT_EQUAL(got.min_ttl, 0);
	sim_run(t.sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(t.srv.rx, 5000);
	CU_ASSERT_EQUAL(t.cli.closed, 1);
	/* Every segment a sent, its SYN first, left with TTL 255. */
	CU_ASSERT_EQUAL(seg_at(&t, 0)->flags, 0x02);	/* SYN */
	CU_ASSERT_EQUAL(seg_at(&t, 0)->ttl, 255);
	n = sent_with_ttl(&t, t.ia, 255, &all);
	CU_ASSERT(all > 4);
	CU_ASSERT_EQUAL(n, all);
	/* b answers with what its listener gives a's address, SYN-ACK included. */
	n = sent_with_ttl(&t, t.ib, 200, &all);
	CU_ASSERT(all > 2);
	CU_ASSERT_EQUAL(n, all);
	/* No minimum asked for: the reason is not even interned. */
	CU_ASSERT_FALSE(reason_known(&t, "tcp_min_ttl"));
	t2_teardown(&t);

	/* Without options: the engine's 64.  Over IPv6, the hop limit. */
	t2_setup(&t, 1000000000ULL, SIM_MS, 1500, 0);
	t2_open(&t, &t.b4, 180);
	run_to(&t, 10 * SIM_MS);
	CU_ASSERT_EQUAL(t.cli.connected, 1);
	n = sent_with_ttl(&t, t.ia, IP_TTL_DEFAULT, &all);
	CU_ASSERT_EQUAL(n, all);
	n = sent_with_ttl(&t, t.ib, IP_TTL_DEFAULT, &all);
	CU_ASSERT_EQUAL(n, all);
	/* tcp_listen_peer_opts is for listeners only. */
	CU_ASSERT_EQUAL(tcp_listen_peer_opts(t.cli.s, &t.b4, &peer), -1);
	o.ttl = 7;
	tcp_set_ip_opts(t.listener, &o);
	g_array_set_size(t.segs, 0);
	t.cli.s = tcp_connect_opts(t.a, &t.b6, 180, 0, &o, &ep_cb, &t.cli);
	run_to(&t, 20 * SIM_MS);
	CU_ASSERT_EQUAL(t.cli.connected, 2);
	/* SYN, SYN-ACK and ACK at least, each seen leaving and arriving. */
	CU_ASSERT(t.segs->len >= 6);
	for (guint i = 0; i < t.segs->len; i++)
		CU_ASSERT_EQUAL(seg_at(&t, i)->ttl, 7);
	t2_teardown(&t);
}

static void
test_min_ttl(void)
{
	struct t2 t;
	struct tcp_ip_opts o = { .ttl = 100 }, strict = { .min_ttl = 101 }, ok = { .min_ttl = 100 };
	struct tcp_stats sb;
	struct tcp_info li;
	uint32_t reason;

	/* A SYN below the listener's minimum: dropped, no answer, counted. */
	t2_setup(&t, 1000000000ULL, SIM_MS, 1500, 0);
	t.listener = tcp_listen(t.b, 179, srv_accept, &t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t.listener);
	tcp_set_ip_opts(t.listener, &strict);
	t.cli.s = tcp_connect_opts(t.a, &t.b4, 179, 0, &o, &ep_cb, &t.cli);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t.cli.s);
	sim_run(t.sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(t.accepts, 0);
	CU_ASSERT_EQUAL(t.cli.connected, 0);
	CU_ASSERT_EQUAL(t.cli.why, TCP_CLOSED_TIMEOUT);
	CU_ASSERT_EQUAL(sent_with_ttl(&t, t.ib, 64, &(unsigned){ 0 }), 0);
	reason = stats_reason_intern(&t.net->stats, "tcp_min_ttl");
	CU_ASSERT_EQUAL(t.b->cnt.drops[reason], 1 + TCP_SYN_RETRIES);
	tcp_stats_get(t.b, &sb);
	CU_ASSERT_EQUAL(sb.min_ttl_drops, 1 + TCP_SYN_RETRIES);
	CU_ASSERT_EQUAL(sb.rst_out, 0);
	tcp_info_get(t.listener, &li);
	CU_ASSERT_EQUAL(li.min_ttl_drops, 1 + TCP_SYN_RETRIES);
	t2_teardown(&t);

	/* The same listener, with a minimum for a's address that its TTL meets. */
	t2_setup(&t, 1000000000ULL, SIM_MS, 1500, 0);
	t.listener = tcp_listen(t.b, 179, srv_accept, &t);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t.listener);
	tcp_set_ip_opts(t.listener, &strict);
	CU_ASSERT_EQUAL(tcp_listen_peer_opts(t.listener, &t.a4, &strict), 0);
	CU_ASSERT_EQUAL(tcp_listen_peer_opts(t.listener, &t.a4, &ok), 0);	/* replaces */
	t.cli.s = tcp_connect_opts(t.a, &t.b4, 179, 0, &o, &ep_cb, &t.cli);
	run_to(&t, 10 * SIM_MS);
	CU_ASSERT_EQUAL(t.accepts, 1);
	CU_ASSERT_EQUAL(t.cli.connected, 1);
	tcp_stats_get(t.b, &sb);
	CU_ASSERT_EQUAL(sb.min_ttl_drops, 0);
	/* An established connection raises its minimum: a's data no longer gets in. */
	tcp_set_ip_opts(t.srv.s, &strict);
	ep_send(&t.cli, 1000);
	run_to(&t, 100 * SIM_MS);
	CU_ASSERT_EQUAL(t.srv.rx, 0);
	tcp_info_get(t.srv.s, &li);
	CU_ASSERT(li.min_ttl_drops >= 1);
	tcp_set_ip_opts(t.srv.s, &ok);
	sim_run(t.sim, 5 * SIM_S);
	CU_ASSERT_EQUAL(t.srv.rx, 1000);
	t2_teardown(&t);
}

int
suite_tcp_register(void)
{
	CU_pSuite s = CU_add_suite("tcp", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "handshake to the nanosecond", test_handshake_timing) ||
	    !CU_add_test(s, "1 MB over IPv4, lossless", test_transfer_lossless) ||
	    !CU_add_test(s, "1 MB over IPv6", test_transfer_ipv6) ||
	    !CU_add_test(s, "1 MB with 5% loss", test_transfer_lossy) ||
	    !CU_add_test(s, "MSS on small MTUs", test_mss_small_mtu) ||
	    !CU_add_test(s, "connection refused", test_refused) ||
	    !CU_add_test(s, "abort sends RST", test_abort) ||
	    !CU_add_test(s, "RST sequence check (RFC 5961)", test_rst_sequence_check) ||
	    !CU_add_test(s, "close from both sides, TIME_WAIT", test_close_both_sides) ||
	    !CU_add_test(s, "RTO back-off, Karn", test_rto_backoff) ||
	    !CU_add_test(s, "fast retransmit on the third duplicate ACK", test_fast_retransmit) ||
	    !CU_add_test(s, "give up after retries", test_give_up) ||
	    !CU_add_test(s, "SYN retransmission", test_syn_retransmit) ||
	    !CU_add_test(s, "bad checksum dropped", test_bad_checksum) ||
	    !CU_add_test(s, "callbacks that close and abort", test_reentrancy) ||
	    !CU_add_test(s, "send and close before connected", test_send_before_connected) ||
	    !CU_add_test(s, "node down and up", test_node_down_up) ||
	    !CU_add_test(s, "loopback", test_loopback) ||
	    !CU_add_test(s, "destroy with open connections", test_destroy_with_open_connections) ||
	    !CU_add_test(s, "simultaneous open", test_simultaneous_open) ||
	    !CU_add_test(s, "IP TTL of every segment (IP_TTL)", test_ip_ttl) ||
	    !CU_add_test(s, "minimum received TTL (IP_MINTTL)", test_min_ttl) ||
	    !CU_add_test(s, "send low-water mark (SO_SNDLOWAT)", test_lowat) ||
	    !CU_add_test(s, "TcpSend and TcpSink arguments", test_app_args) ||
	    !CU_add_test(s, "TcpSend to TcpSink", test_app_run))
		return -1;
	return 0;
}
