/*
 * test_net.c - unit tests of the node stack: checksums against known
 * vectors, header bytes, addresses, random streams, packet buffers,
 * longest-prefix match, link timing to the nanosecond, queue drops, loss
 * models, ARP and neighbour discovery.
 */
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <glib.h>

#include <CUnit/CUnit.h>

#include "sim/net.h"
#include "sim/wire.h"
#include "tests/unit/golden.h"
#include "tests/unit/suites.h"

/* ---- a two-node network with a tap that records frames ---- */

#define MAXF 64

struct capture {
	unsigned n;
	sim_time_t t[MAXF];
	enum tap_dir dir[MAXF];
	uint8_t bytes[MAXF][256];
	uint32_t len[MAXF];
	struct iface *ifc[MAXF];
};

struct pair {
	struct sim *sim;
	struct net *net;
	struct node *a, *b;
	struct iface *ia, *ib;
	struct link *l;
	struct capture cap;
};

static void
tap(void *ctx, struct iface *ifc, enum tap_dir dir, const struct pkt *f)
{
	struct capture *c = ctx;

	if (c->n >= MAXF)
		return;
	c->t[c->n] = sim_now(ifc->node->net->sim);
	c->dir[c->n] = dir;
	c->len[c->n] = f->len;
	c->ifc[c->n] = ifc;
	memcpy(c->bytes[c->n], f->data, f->len < 256 ? f->len : 256);
	c->n++;
}

static void
pair_setup(struct pair *p, uint64_t bw, sim_time_t delay, uint32_t qpkts)
{
	struct link_params lp;
	struct addr a4, b4, a6, b6;

	memset(p, 0, sizeof(*p));
	p->sim = sim_create(NULL);
	p->net = net_create(p->sim, 1, 1);
	p->a = node_create(p->net, "a");
	p->b = node_create(p->net, "b");
	p->ia = iface_add_ether(p->a, "eth0");
	p->ib = iface_add_ether(p->b, "eth0");
	link_params_default(&lp);
	lp.bandwidth_bps = bw;
	lp.delay = delay;
	lp.queue_pkts = qpkts;
	p->l = link_create(p->net, NULL, p->ia, p->ib, &lp);
	addr_parse("10.0.0.1", &a4);
	addr_parse("10.0.0.2", &b4);
	addr_parse("2001:db8::1", &a6);
	addr_parse("2001:db8::2", &b6);
	iface_addr_add(p->ia, &a4, 24);
	iface_addr_add(p->ib, &b4, 24);
	iface_addr_add(p->ia, &a6, 64);
	iface_addr_add(p->ib, &b6, 64);
	p->ia->tap = tap;
	p->ia->tap_ctx = &p->cap;
	p->ib->tap = tap;
	p->ib->tap_ctx = &p->cap;
}

static void
pair_teardown(struct pair *p)
{
	net_destroy(p->net);
	sim_destroy(p->sim);
	CU_ASSERT_EQUAL(pkt_outstanding(), 0);
}

/* ---- checksums ---- */

static void
test_csum_rfc1071(void)
{
	/* RFC 1071 section 3 example: sum 0xddf2, checksum 0x220d. */
	static const uint8_t d[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	CU_ASSERT_EQUAL(csum(d, sizeof(d)), 0x220d);
	/* Odd length: the last byte is padded with zero. */
	CU_ASSERT_EQUAL(csum(d, 7), csum_fold(csum_add(0, (const uint8_t[]){ 0x00, 0x01, 0xf2,
			0x03, 0xf4, 0xf5, 0xf6, 0x00 }, 8)));
}

static void
test_ipv4_header_vector(void)
{
	/* A well-known header: 192.168.0.1 -> 192.168.0.199, UDP, checksum 0xb861. */
	static const uint8_t want[20] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
	};
	uint8_t h[20];
	struct addr s, d;

	addr_parse("192.168.0.1", &s);
	addr_parse("192.168.0.199", &d);
	ipv4_hdr_write(h, 0x73, 0, 64, 17, &s, &d);
	CU_ASSERT_EQUAL(memcmp(h, want, 20), 0);
	CU_ASSERT_EQUAL(csum(h, 20), 0);
}

static void
test_csum_incremental(void)
{
	struct rng r;

	rng_init(&r, 7, 1, "csum");
	for (int i = 0; i < 1000; i++) {
		uint8_t h[20];
		struct addr s = addr_v4((uint32_t)rng_u64(&r)), d = addr_v4((uint32_t)rng_u64(&r));
		uint16_t old, check;

		ipv4_hdr_write(h, (uint16_t)(20 + rng_below(&r, 1400)), (uint16_t)rng_u64(&r),
			       (uint8_t)(2 + rng_below(&r, 250)), 17, &s, &d);
		old = rd16(h + 8);
		h[8]--;
		check = csum_update16(rd16(h + 10), old, rd16(h + 8));
		wr16(h + 10, 0);
		CU_ASSERT_EQUAL(check, csum(h, 20));
	}
}

static void
test_udp_pseudo_v6(void)
{
	/* Sum over pseudo-header + datagram with the checksum in place is 0xffff. */
	struct addr s, d;
	uint8_t u[12] = { 0x13, 0x88, 0x23, 0x28, 0x00, 0x0c, 0, 0, 'p', 'i', 'n', 'g' };
	uint16_t ck;

	addr_parse("2001:db8::1", &s);
	addr_parse("2001:db8::2", &d);
	ck = csum_fold(csum_add(csum_pseudo(&s, &d, 17, 12), u, 12));
	wr16(u + 6, ck);
	CU_ASSERT_EQUAL(csum_fold(csum_add(csum_pseudo(&s, &d, 17, 12), u, 12)), 0);
}

/* ---- addresses ---- */

static void
test_addr(void)
{
	struct addr a;
	struct prefix p;
	char buf[ADDR_STRLEN];
	uint8_t mac[6];

	CU_ASSERT_EQUAL(addr_parse("10.1.2.3", &a), 0);
	CU_ASSERT_STRING_EQUAL(addr_fmt(&a, buf), "10.1.2.3");
	/*
	 * IPv4 is written by hand (sim/addr.c): every byte with one, two and
	 * three digits and their edges, in every position, as the text that
	 * inet_ntop() writes and addr_parse() reads back.
	 */
	{
		static const uint8_t v[] = { 0, 1, 9, 10, 99, 100, 109, 110, 199, 200, 250, 255 };
		unsigned n = G_N_ELEMENTS(v), bad = 0;

		for (unsigned i = 0; i < n * n * n * n; i++) {
			struct addr x, y;
			char ref[ADDR_STRLEN];

			memset(&x, 0, sizeof(x));
			x.af = ADDR_V4;
			x.a[0] = v[i % n];
			x.a[1] = v[i / n % n];
			x.a[2] = v[i / n / n % n];
			x.a[3] = v[i / n / n / n];
			inet_ntop(AF_INET, x.a, ref, sizeof(ref));
			addr_fmt(&x, buf);
			if (strcmp(buf, ref) != 0 || addr_parse(buf, &y) < 0 || !addr_eq(&x, &y))
				bad++;
		}
		CU_ASSERT_EQUAL(bad, 0);
	}
	CU_ASSERT_EQUAL(addr_parse("10.1.2", &a), -1);
	CU_ASSERT_EQUAL(addr_parse("2001:db8:0:0::7", &a), 0);
	CU_ASSERT_STRING_EQUAL(addr_fmt(&a, buf), "2001:db8::7");
	CU_ASSERT_EQUAL(prefix_parse("10.1.2.3/16", &p), 0);
	CU_ASSERT_STRING_EQUAL(prefix_fmt(&p, buf), "10.1.0.0/16");
	{
		struct prefix bad;

		CU_ASSERT_EQUAL(prefix_parse("10.1.2.3/33", &bad), -1);
		/* A length is decimal digits only: no sign, no blank, no leading zero. */
		CU_ASSERT_EQUAL(prefix_parse("10.1.2.0/+24", &bad), -1);
		CU_ASSERT_EQUAL(prefix_parse("10.1.2.0/-0", &bad), -1);
		CU_ASSERT_EQUAL(prefix_parse("10.1.2.0/ 24", &bad), -1);
		CU_ASSERT_EQUAL(prefix_parse("10.1.2.0/\t24", &bad), -1);
		CU_ASSERT_EQUAL(prefix_parse("10.1.2.0/24 ", &bad), -1);
		CU_ASSERT_EQUAL(prefix_parse("10.1.2.0/024", &bad), -1);
		CU_ASSERT_EQUAL(prefix_parse("10.1.2.0/00", &bad), -1);
		CU_ASSERT_EQUAL(prefix_parse("10.1.2.0/", &bad), -1);
		CU_ASSERT_EQUAL(prefix_parse("2001:db8::/+32", &bad), -1);
		CU_ASSERT_EQUAL(prefix_parse("2001:db8::/032", &bad), -1);
		CU_ASSERT_EQUAL(prefix_parse("10.1.2.0/99999999999999999999", &bad), -1);
		CU_ASSERT_EQUAL(prefix_parse("0.0.0.0/0", &bad), 0);
		CU_ASSERT_EQUAL(bad.len, 0);
		CU_ASSERT_EQUAL(prefix_parse("10.1.2.0/24", &bad), 0);
		CU_ASSERT_EQUAL(bad.len, 24);
		CU_ASSERT_EQUAL(prefix_parse("2001:db8::/128", &bad), 0);
		CU_ASSERT_EQUAL(bad.len, 128);
	}
	addr_parse("10.1.255.255", &a);
	CU_ASSERT_TRUE(prefix_contains(&p, &a));
	addr_parse("10.2.0.0", &a);
	CU_ASSERT_FALSE(prefix_contains(&p, &a));
	CU_ASSERT_EQUAL(prefix_parse("2001:db8::/33", &p), 0);
	addr_parse("2001:db8:7fff::1", &a);
	CU_ASSERT_TRUE(prefix_contains(&p, &a));
	addr_parse("2001:db8:8000::1", &a);
	CU_ASSERT_FALSE(prefix_contains(&p, &a));
	CU_ASSERT_EQUAL(mac_parse("aa:11:B0:00:00:01", mac), 0);
	CU_ASSERT_EQUAL(mac[0], 0xaa);
	CU_ASSERT_EQUAL(mac[2], 0xb0);
	CU_ASSERT_EQUAL(mac_parse("aa:11:b0:00:00", mac), -1);
	CU_ASSERT_EQUAL(mac_parse("aa:11:b0:00:00:0g", mac), -1);
	CU_ASSERT_EQUAL(mac_parse("aa:11-b0:00:00:01", mac), -1);
}

/* ---- random streams ---- */

static void
test_rng_streams(void)
{
	struct rng a, b, c, d;
	int same = 1, diff_name = 0, diff_seed = 0, diff_run = 0;

	rng_init(&a, 42, 1, "link/x");
	rng_init(&b, 42, 1, "link/x");
	rng_init(&c, 42, 1, "link/y");
	rng_init(&d, 43, 1, "link/x");
	for (int i = 0; i < 100; i++) {
		uint64_t va = rng_u64(&a);

		same &= va == rng_u64(&b);
		diff_name += va != rng_u64(&c);
		diff_seed += va != rng_u64(&d);
	}
	rng_init(&a, 42, 1, "link/x");
	rng_init(&b, 42, 2, "link/x");
	for (int i = 0; i < 100; i++)
		diff_run += rng_u64(&a) != rng_u64(&b);
	CU_ASSERT_TRUE(same);
	CU_ASSERT_EQUAL(diff_name, 100);
	CU_ASSERT_EQUAL(diff_seed, 100);
	CU_ASSERT_EQUAL(diff_run, 100);
}

static void
test_rng_distributions(void)
{
	struct rng r;
	double sum = 0, mn = 1, mx = 0;
	unsigned hits = 0, below[10] = { 0 };
	const int n = 200000;

	rng_init(&r, 1, 1, "dist");
	for (int i = 0; i < n; i++) {
		double u = rng_uniform(&r);

		mn = u < mn ? u : mn;
		mx = u > mx ? u : mx;
		below[rng_below(&r, 10)]++;
		sum += rng_exp(&r, 2.0);
		hits += (unsigned)rng_bernoulli(&r, 0.25);
	}
	CU_ASSERT_TRUE(mn >= 0.0 && mx < 1.0);
	CU_ASSERT_DOUBLE_EQUAL(sum / n, 2.0, 0.03);
	CU_ASSERT_DOUBLE_EQUAL((double)hits / n, 0.25, 0.005);
	for (int i = 0; i < 10; i++)
		CU_ASSERT_DOUBLE_EQUAL(below[i] / (double)n, 0.1, 0.005);
	CU_ASSERT_EQUAL(rng_bernoulli(&r, 0.0), 0);
	CU_ASSERT_EQUAL(rng_bernoulli(&r, 1.0), 1);
}

/* ---- packet buffers ---- */

static void
test_pkt_headroom(void)
{
	uint64_t copies = pkt_slow_copies();
	struct pkt *p = pkt_alloc(100);
	uint8_t *payload = pkt_put(p, 100), *h;

	memset(payload, 0xab, 100);
	h = pkt_push(p, 14 + 4 + 20 + 4 + 6 + 255);
	CU_ASSERT_PTR_EQUAL(h + 303, payload);	/* the payload did not move */
	CU_ASSERT_EQUAL(p->len, 403);
	CU_ASSERT_PTR_EQUAL(pkt_pull(p, 303), payload);
	CU_ASSERT_EQUAL(p->len, 100);
	CU_ASSERT_PTR_NULL(pkt_pull(p, 101));
	CU_ASSERT_EQUAL(pkt_slow_copies(), copies);
	pkt_trim(p, 10);
	CU_ASSERT_EQUAL(p->len, 10);
	pkt_free(p);
}

static void
test_pkt_pool(void)
{
	struct pkt *p = pkt_alloc(1500), *q;
	uint64_t out = pkt_outstanding();

	pkt_free(p);
	CU_ASSERT_EQUAL(pkt_outstanding(), out - 1);
	q = pkt_alloc(1000);
	CU_ASSERT_PTR_EQUAL(p, q);	/* reused from the free list */
	memset(pkt_put(q, 1000), 1, 1000);
	p = pkt_clone(q);
	CU_ASSERT_EQUAL(p->len, 1000);
	CU_ASSERT_EQUAL(memcmp(p->data, q->data, 1000), 0);
	pkt_free(p);
	pkt_free(q);
	p = pkt_alloc(9000);	/* jumbo class */
	CU_ASSERT_TRUE(p->cap >= 9000 + PKT_HEADROOM);
	pkt_free(p);
	p = pkt_alloc(100);
	memset(pkt_put(p, 100), 2, 100);
	/* Force the slow path: more than the headroom. */
	pkt_push(p, PKT_HEADROOM + 10);
	CU_ASSERT_EQUAL(p->len, 100 + PKT_HEADROOM + 10);
	CU_ASSERT_EQUAL(p->data[PKT_HEADROOM + 10], 2);
	pkt_free(p);
}

/* ---- routes ---- */

static void
test_lpm(void)
{
	struct sim *sim = sim_create(NULL);
	struct net *net = net_create(sim, 1, 1);
	struct node *n = node_create(net, "r");
	struct iface *e[5];
	const char *pf[] = { "0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16", "10.1.2.0/24",
			     "10.1.2.3/32" };
	struct addr a;

	for (int i = 0; i < 5; i++) {
		char name[8];
		struct route r;

		snprintf(name, sizeof(name), "eth%d", i);
		e[i] = iface_add_ether(n, name);
		memset(&r, 0, sizeof(r));
		prefix_parse(pf[i], &r.dst);
		r.ifc = e[i];
		CU_ASSERT_EQUAL(route_add(n, &r), 0);
	}
	addr_parse("10.1.2.3", &a);
	CU_ASSERT_PTR_EQUAL(route_lookup(n, &a)->ifc, e[4]);
	addr_parse("10.1.2.4", &a);
	CU_ASSERT_PTR_EQUAL(route_lookup(n, &a)->ifc, e[3]);
	addr_parse("10.1.3.4", &a);
	CU_ASSERT_PTR_EQUAL(route_lookup(n, &a)->ifc, e[2]);
	addr_parse("10.2.3.4", &a);
	CU_ASSERT_PTR_EQUAL(route_lookup(n, &a)->ifc, e[1]);
	addr_parse("11.2.3.4", &a);
	CU_ASSERT_PTR_EQUAL(route_lookup(n, &a)->ifc, e[0]);
	addr_parse("2001:db8::1", &a);
	CU_ASSERT_PTR_NULL(route_lookup(n, &a));
	{
		struct prefix p;

		prefix_parse("10.1.2.0/24", &p);
		CU_ASSERT_EQUAL(route_del(n, &p), 0);
		CU_ASSERT_EQUAL(route_del(n, &p), -1);
		addr_parse("10.1.2.4", &a);
		CU_ASSERT_PTR_EQUAL(route_lookup(n, &a)->ifc, e[2]);
	}
	{
		struct route r;

		memset(&r, 0, sizeof(r));
		prefix_parse("2001:db8::/32", &r.dst);
		r.ifc = e[1];
		route_add(n, &r);
		prefix_parse("2001:db8:1::/48", &r.dst);
		r.ifc = e[2];
		route_add(n, &r);
		addr_parse("2001:db8:1::5", &a);
		CU_ASSERT_PTR_EQUAL(route_lookup(n, &a)->ifc, e[2]);
		addr_parse("2001:db8:2::5", &a);
		CU_ASSERT_PTR_EQUAL(route_lookup(n, &a)->ifc, e[1]);
	}
	net_destroy(net);
	sim_destroy(sim);
}

/* ---- links ---- */

static uint64_t raw_count;
static sim_time_t raw_last;

static void
raw_hook(struct iface *in, void *ctx, struct pkt *p)
{
	raw_count++;
	raw_last = sim_now(in->node->net->sim);
	pkt_free(p);
}

static void
send_raw(struct pair *p, size_t payload)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 1, 0 };
	struct pkt *k = pkt_alloc(payload);

	memset(pkt_put(k, payload), 0, payload);
	iface_output(p->ia, 0x88b5, dst, k);
}

static void
test_link_timing(void)
{
	struct pair p;

	pair_setup(&p, 1000000000ULL, 1 * SIM_MS, 100);
	node_eth_hook(p.b, 0x88b5, raw_hook, NULL);
	raw_count = 0;
	/* 1028 + 14 = 1042 bytes: 8336 ns at 1 Gbps, then 1 ms of propagation. */
	send_raw(&p, 1028);
	send_raw(&p, 1028);
	sim_run(p.sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(raw_count, 2);
	CU_ASSERT_EQUAL(p.cap.n, 4);
	CU_ASSERT_EQUAL(p.cap.t[0], 0);			/* first frame starts */
	CU_ASSERT_EQUAL(p.cap.dir[0], TAP_TX);
	CU_ASSERT_EQUAL(p.cap.t[1], 8336);		/* second starts behind it */
	CU_ASSERT_EQUAL(p.cap.t[2], 8336 + 1000000);	/* first arrives */
	CU_ASSERT_EQUAL(p.cap.dir[2], TAP_RX);
	CU_ASSERT_EQUAL(p.cap.t[3], 2 * 8336 + 1000000);
	CU_ASSERT_EQUAL(p.cap.len[0], 1042);
	pair_teardown(&p);

	/* 10 Mbps, 33-byte payload padded to 60: 48 us exactly; 7 Mbps rounds up. */
	pair_setup(&p, 10000000ULL, 250 * SIM_US, 100);
	node_eth_hook(p.b, 0x88b5, raw_hook, NULL);
	send_raw(&p, 33);
	sim_run(p.sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(p.cap.len[0], 60);
	CU_ASSERT_EQUAL(raw_last, 48000 + 250000);
	p.l->p.bandwidth_bps = 7000000;
	CU_ASSERT_EQUAL(link_tx_time(p.l, 60), 68572);	/* 480e9/7e6 = 68571.43 */
	pair_teardown(&p);
}

static void
test_link_queue_drops(void)
{
	struct pair p;

	pair_setup(&p, 1000000ULL, 0, 2);
	node_eth_hook(p.b, 0x88b5, raw_hook, NULL);
	raw_count = 0;
	for (int i = 0; i < 5; i++)
		send_raw(&p, 100);
	sim_run(p.sim, SIM_TIME_MAX);
	/* One on the wire, two queued, two dropped. */
	CU_ASSERT_EQUAL(raw_count, 3);
	CU_ASSERT_EQUAL(p.l->cnt.drops[DROP_QUEUE_FULL], 2);
	CU_ASSERT_EQUAL(p.l->cnt.tx_frames, 3);
	CU_ASSERT_EQUAL(p.l->cnt.rx_frames, 3);
	pair_teardown(&p);

	/* Byte limit: 250 bytes holds two 114-byte frames, not three. */
	pair_setup(&p, 1000000ULL, 0, 0);
	p.l->p.queue_bytes = 250;
	node_eth_hook(p.b, 0x88b5, raw_hook, NULL);
	raw_count = 0;
	for (int i = 0; i < 5; i++)
		send_raw(&p, 100);
	sim_run(p.sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(raw_count, 3);
	CU_ASSERT_EQUAL(net_drops(p.net, DROP_QUEUE_FULL), 2);
	pair_teardown(&p);
}

static void
test_link_down(void)
{
	struct pair p;

	pair_setup(&p, 1000000000ULL, 10 * SIM_MS, 100);
	node_eth_hook(p.b, 0x88b5, raw_hook, NULL);
	raw_count = 0;
	for (int i = 0; i < 3; i++)
		send_raw(&p, 1000);
	/* All three have left by 1 ms and are in flight until 10 ms. */
	sim_run(p.sim, 1 * SIM_MS);
	link_set_up(p.l, false);
	send_raw(&p, 1000);
	link_set_up(p.l, true);
	sim_run(p.sim, SIM_TIME_MAX);
	/* Three lost in flight, one refused while the link was down. */
	CU_ASSERT_EQUAL(raw_count, 0);
	CU_ASSERT_EQUAL(net_drops(p.net, DROP_LINK_DOWN), 4);
	pair_teardown(&p);
}

static uint64_t
loss_run(uint64_t seed, const struct loss_model *m, uint64_t *first_lost)
{
	struct sim *sim = sim_create(NULL);
	struct net *net = net_create(sim, seed, 1);
	struct node *a = node_create(net, "a"), *b = node_create(net, "b");
	struct iface *ia = iface_add_ether(a, "eth0"), *ib = iface_add_ether(b, "eth0");
	struct link_params lp;
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 1, 0 };
	uint64_t lost;

	link_params_default(&lp);
	lp.loss = *m;
	lp.queue_pkts = 0;
	link_create(net, "l", ia, ib, &lp);
	node_eth_hook(b, 0x88b5, raw_hook, NULL);
	raw_count = 0;
	for (int i = 0; i < 10000; i++) {
		struct pkt *k = pkt_alloc(50);

		memset(pkt_put(k, 50), 0, 50);
		iface_output(ia, 0x88b5, dst, k);
	}
	sim_run(sim, SIM_TIME_MAX);
	lost = net_drops(net, DROP_LOSS);
	CU_ASSERT_EQUAL(lost + raw_count, 10000);
	if (first_lost)
		*first_lost = raw_count;
	net_destroy(net);
	sim_destroy(sim);
	return lost;
}

static void
test_loss_models(void)
{
	struct loss_model bern = { .kind = LOSS_BERNOULLI, .p = 0.1 };
	struct loss_model ge = { .kind = LOSS_GILBERT_ELLIOTT, .p_gb = 0.01, .p_bg = 0.2,
				 .loss_good = 0.0, .loss_bad = 0.8 };
	uint64_t l1 = loss_run(1, &bern, NULL), l1b = loss_run(1, &bern, NULL);
	uint64_t l2 = loss_run(2, &bern, NULL), g;

	CU_ASSERT_EQUAL(l1, l1b);		/* same seed, same drops */
	CU_ASSERT_NOT_EQUAL(l1, l2);		/* another seed, other drops */
	CU_ASSERT_TRUE(l1 > 850 && l1 < 1150);
	/* GE: stationary bad share 0.01/0.21, so about 3.8 % lost. */
	g = loss_run(1, &ge, NULL);
	CU_ASSERT_TRUE(g > 250 && g < 550);
}

/* ---- ARP and neighbour discovery ---- */

static unsigned udp_got;
static uint8_t udp_buf[64];

static void
udp_rx(struct udp_sock *s, void *ctx, struct pkt *p, const struct addr *src, uint16_t sport,
       const struct addr *dst, uint16_t dport)
{
	udp_got++;
	memcpy(udp_buf, p->data, p->len < 64 ? p->len : 64);
}

static void
nothing(struct sim *sim, void *ctx, void *arg)
{
}

static void
test_arp(void)
{
	struct pair p;
	struct udp_sock *sa;
	struct addr b4, ghost;
	const uint8_t *f;

	pair_setup(&p, 1000000000ULL, 1 * SIM_US, 100);
	sa = udp_open(p.a, 5000, udp_rx, NULL);
	udp_open(p.b, 9000, udp_rx, NULL);
	addr_parse("10.0.0.2", &b4);
	udp_got = 0;
	udp_sendto_buf(sa, &b4, 9000, "hello", 5);
	udp_sendto_buf(sa, &b4, 9000, "again", 5);
	sim_run(p.sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(udp_got, 2);
	CU_ASSERT_EQUAL(memcmp(udp_buf, "again", 5), 0);
	/* tx request, rx request, tx reply, rx reply, then the two datagrams. */
	CU_ASSERT_EQUAL(p.cap.n, 8);
	f = p.cap.bytes[0];
	{
		static const uint8_t req[42] = {
			0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00,
			0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01,
			0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 10, 0, 0, 1,
			0, 0, 0, 0, 0, 0, 10, 0, 0, 2,
		};
		CU_ASSERT_EQUAL(memcmp(f, req, 42), 0);
		CU_ASSERT_EQUAL(p.cap.len[0], 60);	/* padded */
	}
	f = p.cap.bytes[2];
	CU_ASSERT_EQUAL(p.cap.ifc[2], p.ib);
	CU_ASSERT_EQUAL(rd16(f + 20), 2);			/* reply */
	CU_ASSERT_EQUAL(memcmp(f, p.ia->mac, 6), 0);		/* unicast back */
	CU_ASSERT_PTR_NOT_NULL(neigh_lookup(p.ia, &b4));
	/* An address nobody answers for: 3 requests 1 s apart, then no_arp. */
	addr_parse("10.0.0.99", &ghost);
	p.cap.n = 0;
	udp_sendto_buf(sa, &ghost, 9000, "x", 1);
	udp_sendto_buf(sa, &ghost, 9000, "y", 1);
	sim_run(p.sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(net_drops(p.net, DROP_NO_ARP), 2);
	CU_ASSERT_EQUAL(p.cap.n, 6);	/* three requests, each seen at both ends */
	if (p.cap.n != 6)
		for (unsigned i = 0; i < p.cap.n; i++)
			fprintf(stderr, "frame %u t=%ld type %04x\n", i, (long)p.cap.t[i],
				rd16(p.cap.bytes[i] + 12));
	CU_ASSERT_EQUAL(p.cap.t[4] - p.cap.t[0], 2 * SIM_S);
	/* The entry expires after the timeout and is resolved again. */
	p.cap.n = 0;
	sim_schedule(p.sim, 61 * SIM_S, nothing, NULL, NULL);
	sim_run(p.sim, SIM_TIME_MAX);
	CU_ASSERT_PTR_NULL(neigh_lookup(p.ia, &b4));
	udp_sendto_buf(sa, &b4, 9000, "late", 4);
	sim_run(p.sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(udp_got, 3);
	CU_ASSERT_EQUAL(rd16(p.cap.bytes[0] + 12), ETHERTYPE_ARP);
	pair_teardown(&p);
}

/*
 * burst P DST N LEN: N datagrams of LEN bytes from a to DST at once, over
 * a cold neighbour entry; the datagrams b received.
 */
static unsigned
burst(struct pair *p, struct udp_sock *sa, const struct addr *dst, unsigned n, size_t len)
{
	static const uint8_t zero[982];

	udp_got = 0;
	for (unsigned i = 0; i < n; i++)
		udp_sendto_buf(sa, dst, 9000, zero, len);
	sim_run(p->sim, SIM_TIME_MAX);
	return udp_got;
}

/*
 * The queue of an unresolved entry: 212992 bytes of frames by default
 * (Linux's unres_qlen_bytes), a frame counted with its Ethernet header,
 * its 802.1Q tag and its padding; a packet limit if asked; the same for
 * neighbour discovery.  A UDP datagram of 982 bytes is a 1024-byte frame
 * (14 + 20 + 8 + 982): 208 of them are 212992 bytes.
 */
/*
 * A node's datagrams to its own addresses go through a zero-delay event
 * each, in the order sent; those a run leaves undelivered go with the
 * node (pair_teardown checks that no packet is left).
 */
static char lo_order[16];

static void
lo_rx(struct udp_sock *s, void *ctx, struct pkt *p, const struct addr *src, uint16_t sport,
      const struct addr *dst, uint16_t dport)
{
	size_t n = strlen(lo_order);

	if (n + 1 < sizeof(lo_order) && p->len == 1)
		lo_order[n] = (char)p->data[0];
}

static void
test_loopback(void)
{
	struct pair p;
	struct udp_sock *sa;
	struct addr a4, a6;

	pair_setup(&p, 1000000000ULL, 1 * SIM_US, 100);
	sa = udp_open(p.a, 5000, udp_rx, NULL);
	udp_open(p.a, 9000, lo_rx, NULL);
	addr_parse("10.0.0.1", &a4);
	addr_parse("2001:db8::1", &a6);
	memset(lo_order, 0, sizeof(lo_order));
	CU_ASSERT_EQUAL(udp_sendto_buf(sa, &a4, 9000, "1", 1), 0);
	CU_ASSERT_EQUAL(udp_sendto_buf(sa, &a6, 9000, "2", 1), 0);
	CU_ASSERT_EQUAL(udp_sendto_buf(sa, &a4, 9000, "3", 1), 0);
	sim_run(p.sim, SIM_TIME_MAX);
	CU_ASSERT_STRING_EQUAL(lo_order, "123");
	CU_ASSERT_EQUAL(p.cap.n, 0);		/* nothing on the wire */
	/* Sent, never delivered: the run ends first. */
	CU_ASSERT_EQUAL(udp_sendto_buf(sa, &a4, 9000, "4", 1), 0);
	CU_ASSERT_EQUAL(udp_sendto_buf(sa, &a6, 9000, "5", 1), 0);
	CU_ASSERT_EQUAL(pkt_outstanding(), 2);
	pair_teardown(&p);
	CU_ASSERT_STRING_EQUAL(lo_order, "123");
}

/*
 * A socket given a source address sends from it whichever interface the
 * route takes (a router id, which curling peers know a node by); without
 * one, from the interface's address.
 */
static void
test_udp_source(void)
{
	struct pair p;
	struct udp_sock *sa;
	struct addr b4, rid;
	const uint8_t *f;

	pair_setup(&p, 1000000000ULL, 1 * SIM_US, 100);
	addr_parse("10.0.0.2", &b4);
	addr_parse("192.0.2.7", &rid);
	node_set_router_id(p.a, &rid);
	sa = udp_open(p.a, 5000, udp_rx, NULL);
	udp_open(p.b, 9000, udp_rx, NULL);
	udp_got = 0;
	CU_ASSERT_EQUAL(udp_sendto_buf(sa, &b4, 9000, "x", 1), 0);
	udp_set_source(sa, &rid);
	CU_ASSERT_EQUAL(udp_sendto_buf(sa, &b4, 9000, "y", 1), 0);
	sim_run(p.sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(udp_got, 2);
	/*
	 * ARP request and reply (sent, received), then the two datagrams,
	 * held for the reply, as a sends them, then as b receives them.
	 */
	CU_ASSERT_EQUAL(p.cap.n, 8);
	f = p.cap.bytes[4];
	CU_ASSERT_EQUAL(memcmp(f + 14 + 12, (const uint8_t[]){ 10, 0, 0, 1 }, 4), 0);
	CU_ASSERT_EQUAL(memcmp(f + 42, "x", 1), 0);
	f = p.cap.bytes[5];
	CU_ASSERT_EQUAL(memcmp(f + 14 + 12, (const uint8_t[]){ 192, 0, 2, 7 }, 4), 0);
	CU_ASSERT_EQUAL(memcmp(f + 42, "y", 1), 0);
	pair_teardown(&p);
}

static void
test_arp_queue(void)
{
	struct pair p;
	struct udp_sock *sa;
	struct iface *va, *vb;
	struct addr b4, b6, x, y;

	pair_setup(&p, 1000000000ULL, 1 * SIM_US, 1000);
	CU_ASSERT_EQUAL(p.net->arp_queue_bytes, 212992);
	CU_ASSERT_EQUAL(p.net->arp_queue_pkts, 0);
	sa = udp_open(p.a, 5000, udp_rx, NULL);
	udp_open(p.b, 9000, udp_rx, NULL);
	addr_parse("10.0.0.2", &b4);
	CU_ASSERT_EQUAL(burst(&p, sa, &b4, 208, 982), 208);
	CU_ASSERT_EQUAL(net_drops(p.net, DROP_NO_ARP), 0);
	/* Expired: the entry holds again from empty, and one more does not fit. */
	sim_schedule(p.sim, 61 * SIM_S, nothing, NULL, NULL);
	sim_run(p.sim, SIM_TIME_MAX);
	CU_ASSERT_PTR_NULL(neigh_lookup(p.ia, &b4));
	CU_ASSERT_EQUAL(burst(&p, sa, &b4, 209, 982), 208);
	CU_ASSERT_EQUAL(net_drops(p.net, DROP_NO_ARP), 1);
	pair_teardown(&p);

	/* A 43-byte frame counts as the 60 bytes it is padded to: 10 in 600. */
	pair_setup(&p, 1000000000ULL, 1 * SIM_US, 1000);
	p.net->arp_queue_bytes = 600;
	sa = udp_open(p.a, 5000, udp_rx, NULL);
	udp_open(p.b, 9000, udp_rx, NULL);
	CU_ASSERT_EQUAL(burst(&p, sa, &b4, 11, 1), 10);
	CU_ASSERT_EQUAL(net_drops(p.net, DROP_NO_ARP), 1);
	pair_teardown(&p);

	/* A packet limit alone, over IPv4 and over neighbour discovery. */
	pair_setup(&p, 1000000000ULL, 1 * SIM_US, 1000);
	p.net->arp_queue_pkts = 3;
	p.net->arp_queue_bytes = 0;
	sa = udp_open(p.a, 5000, udp_rx, NULL);
	udp_open(p.b, 9000, udp_rx, NULL);
	addr_parse("2001:db8::2", &b6);
	CU_ASSERT_EQUAL(burst(&p, sa, &b4, 5, 982), 3);
	CU_ASSERT_EQUAL(net_drops(p.net, DROP_NO_ARP), 2);
	CU_ASSERT_EQUAL(burst(&p, sa, &b6, 5, 982), 3);
	CU_ASSERT_EQUAL(net_drops(p.net, DROP_NO_ARP), 4);
	pair_teardown(&p);

	/* The 802.1Q tag counts: two 1028-byte frames do not fit in 2055 bytes. */
	pair_setup(&p, 1000000000ULL, 1 * SIM_US, 1000);
	p.net->arp_queue_bytes = 2055;
	va = iface_add_vlan(p.a, p.ia, 100);
	vb = iface_add_vlan(p.b, p.ib, 100);
	addr_parse("192.168.100.1", &x);
	addr_parse("192.168.100.2", &y);
	iface_addr_add(va, &x, 24);
	iface_addr_add(vb, &y, 24);
	sa = udp_open(p.a, 5000, udp_rx, NULL);
	udp_open(p.b, 9000, udp_rx, NULL);
	CU_ASSERT_EQUAL(burst(&p, sa, &y, 2, 982), 1);
	CU_ASSERT_EQUAL(net_drops(p.net, DROP_NO_ARP), 1);
	pair_teardown(&p);
}

static void
test_nd(void)
{
	struct pair p;
	struct udp_sock *sa;
	struct addr b6;
	const uint8_t *f;

	pair_setup(&p, 1000000000ULL, 1 * SIM_US, 100);
	sa = udp_open(p.a, 5000, udp_rx, NULL);
	udp_open(p.b, 9000, udp_rx, NULL);
	addr_parse("2001:db8::2", &b6);
	udp_got = 0;
	udp_sendto_buf(sa, &b6, 9000, "six", 3);
	sim_run(p.sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(udp_got, 1);
	CU_ASSERT_EQUAL(p.cap.n, 6);	/* NS, NA, datagram; each at both ends */
	f = p.cap.bytes[0];
	{
		static const uint8_t mc_mac[6] = { 0x33, 0x33, 0xff, 0x00, 0x00, 0x02 };
		struct addr s, d;

		CU_ASSERT_EQUAL(memcmp(f, mc_mac, 6), 0);
		CU_ASSERT_EQUAL(rd16(f + 12), ETHERTYPE_IPV6);
		CU_ASSERT_EQUAL(f[14 + 6], 58);		/* ICMPv6 */
		CU_ASSERT_EQUAL(f[14 + 7], 255);	/* hop limit */
		CU_ASSERT_EQUAL(f[54], 135);		/* NS */
		CU_ASSERT_EQUAL(memcmp(f + 62, b6.a, 16), 0);	/* target */
		CU_ASSERT_EQUAL(f[78], 1);		/* source link-layer option */
		CU_ASSERT_EQUAL(memcmp(f + 80, p.ia->mac, 6), 0);
		memset(&s, 0, sizeof(s));
		s.af = d.af = ADDR_V6;
		memcpy(s.a, f + 22, 16);
		memcpy(d.a, f + 38, 16);
		CU_ASSERT_EQUAL(csum_fold(csum_add(csum_pseudo(&s, &d, 58, 32), f + 54, 32)), 0);
	}
	f = p.cap.bytes[2];
	CU_ASSERT_EQUAL(f[54], 136);		/* NA */
	CU_ASSERT_EQUAL(f[58], 0xe0);		/* router, solicited, override */
	CU_ASSERT_PTR_NOT_NULL(neigh_lookup(p.ia, &b6));
	pair_teardown(&p);
}

static unsigned echo_got;

static void
echo_rx(void *ctx, uint16_t id, uint16_t seq, const struct addr *from, size_t len)
{
	if (id == 0x1234 && len == 56)
		echo_got++;
}

static void
test_ping_both_families(void)
{
	struct pair p;
	struct addr b4, b6;

	pair_setup(&p, 1000000000ULL, 1 * SIM_MS, 100);
	node_echo_hook(p.a, echo_rx, NULL);
	addr_parse("10.0.0.2", &b4);
	addr_parse("2001:db8::2", &b6);
	echo_got = 0;
	CU_ASSERT_EQUAL(icmp_echo_send(p.a, &b4, 0x1234, 1, 56), 0);
	CU_ASSERT_EQUAL(icmp_echo_send(p.a, &b6, 0x1234, 1, 56), 0);
	sim_run(p.sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(echo_got, 2);
	pair_teardown(&p);
}

static void
test_vlan_and_gre_frames(void)
{
	struct pair p;
	struct iface *va, *vb, *ga, *gb;
	struct addr x, y, t1, t2;
	struct udp_sock *s;
	int saw_tag = 0, saw_gre = 0;

	pair_setup(&p, 1000000000ULL, 1 * SIM_US, 100);
	va = iface_add_vlan(p.a, p.ia, 100);
	vb = iface_add_vlan(p.b, p.ib, 100);
	addr_parse("192.168.100.1", &x);
	addr_parse("192.168.100.2", &y);
	iface_addr_add(va, &x, 24);
	iface_addr_add(vb, &y, 24);
	addr_parse("10.0.0.1", &x);
	addr_parse("10.0.0.2", &y);
	ga = iface_add_gre(p.a, "gre1", &x, &y);
	gb = iface_add_gre(p.b, "gre1", &y, &x);
	addr_parse("172.16.0.1", &t1);
	addr_parse("172.16.0.2", &t2);
	iface_addr_add(ga, &t1, 30);
	iface_addr_add(gb, &t2, 30);
	s = udp_open(p.a, 5000, udp_rx, NULL);
	udp_open(p.b, 9000, udp_rx, NULL);
	udp_got = 0;
	addr_parse("192.168.100.2", &y);
	udp_sendto_buf(s, &y, 9000, "vlan", 4);
	udp_sendto_buf(s, &t2, 9000, "gre!", 4);
	sim_run(p.sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(udp_got, 2);
	for (unsigned i = 0; i < p.cap.n; i++) {
		const uint8_t *f = p.cap.bytes[i];

		if (p.cap.dir[i] != TAP_TX)
			continue;
		if (rd16(f + 12) == ETHERTYPE_VLAN && (rd16(f + 14) & 0xfff) == 100 &&
		    rd16(f + 16) == ETHERTYPE_IPV4)
			saw_tag++;
		if (rd16(f + 12) == ETHERTYPE_IPV4 && f[14 + 9] == 47 &&
		    rd16(f + 34) == 0 && rd16(f + 36) == ETHERTYPE_IPV4 &&
		    csum(f + 14, 20) == 0)
			saw_gre++;
	}
	CU_ASSERT_EQUAL(saw_gre, 1);
	CU_ASSERT_TRUE(saw_tag >= 1);	/* the ARP request, the reply from b, the datagram */
	pair_teardown(&p);
}


/*
 * A datagram whose checksum computes to 0 is sent with 0xffff (RFC 768):
 * 0 in the field means "no checksum" over IPv4 and is not allowed over
 * IPv6 (RFC 8200 section 8.1).  The payload is chosen to make the sum so.
 */
static void
test_udp_zero_checksum(void)
{
	static const char *const peers[2][2] = { { "10.0.0.1", "10.0.0.2" },
						 { "2001:db8::1", "2001:db8::2" } };
	struct pair p;
	struct udp_sock *sa;

	pair_setup(&p, 1000000000ULL, 1 * SIM_US, 100);
	sa = udp_open(p.a, 5000, udp_rx, NULL);
	udp_open(p.b, 9000, udp_rx, NULL);
	for (int v = 0; v < 2; v++) {
		uint8_t u[10] = { 0x13, 0x88, 0x23, 0x28, 0x00, 0x0a, 0, 0, 0, 0 };
		struct addr src, dst;
		unsigned seen = 0;
		size_t at = v ? ETH_HLEN + IPV6_HLEN : ETH_HLEN + IPV4_HLEN;

		addr_parse(peers[v][0], &src);
		addr_parse(peers[v][1], &dst);
		/* The payload that completes the sum to 0xffff: the complement of the rest. */
		wr16(u + 8, csum_fold(csum_add(csum_pseudo(&src, &dst, 17, 10), u, 10)));
		CU_ASSERT_EQUAL_FATAL(csum_fold(csum_add(csum_pseudo(&src, &dst, 17, 10), u, 10)), 0);
		udp_got = 0;
		p.cap.n = 0;
		udp_sendto_buf(sa, &dst, 9000, u + 8, 2);
		sim_run(p.sim, SIM_TIME_MAX);
		CU_ASSERT_EQUAL(udp_got, 1);
		for (unsigned i = 0; i < p.cap.n; i++) {
			const uint8_t *f = p.cap.bytes[i];

			if (p.cap.dir[i] != TAP_TX ||
			    rd16(f + 12) != (v ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4) ||
			    f[v ? 14 + 6 : 14 + 9] != 17)
				continue;
			CU_ASSERT_EQUAL(rd16(f + at + 6), 0xffff);
			CU_ASSERT_EQUAL(memcmp(f + at + 8, u + 8, 2), 0);
			seen++;
		}
		CU_ASSERT_EQUAL(seen, 1);
	}
	CU_ASSERT_EQUAL(net_drops(p.net, DROP_BAD_CHECKSUM), 0);
	pair_teardown(&p);
}

/* ---- every header, byte for byte ---- */

/*
 * The frames of one small exchange, as the stack writes them (golden.c,
 * where tests/wireshark/golden.sh has tshark check each): ARP request and
 * reply, UDP over IPv4, ICMPv6 neighbour solicitation and advertisement,
 * UDP over IPv6, ARP and UDP over 802.1Q VLAN 100, UDP through a GRE
 * tunnel, ICMP echo request and reply.  Any change to a header, a
 * checksum, padding or an address is caught.
 */
static char golden_got[16][256];
static unsigned golden_n;

static void
golden_tap(void *ctx, struct iface *ifc, enum tap_dir dir, const struct pkt *f)
{
	if (dir != TAP_TX || golden_n >= 16)
		return;
	for (unsigned i = 0; i < f->len && i < 120; i++)
		snprintf(golden_got[golden_n] + 2 * i, 3, "%02x", f->data[i]);
	golden_n++;
}

static void
test_golden_frames(void)
{
	struct sim *sim = sim_create(NULL);
	struct net *net = net_create(sim, 1, 1);
	struct node *a = node_create(net, "a"), *b = node_create(net, "b");
	struct iface *ia = iface_add_ether(a, "eth0"), *ib = iface_add_ether(b, "eth0");
	struct iface *va, *vb, *ga, *gb;
	struct link_params lp;
	struct addr x, y, x6, y6, v1, v2, t1, t2;
	struct udp_sock *s;

	link_params_default(&lp);
	link_create(net, NULL, ia, ib, &lp);
	addr_parse("10.0.0.1", &x);
	addr_parse("10.0.0.2", &y);
	addr_parse("2001:db8::1", &x6);
	addr_parse("2001:db8::2", &y6);
	iface_addr_add(ia, &x, 24);
	iface_addr_add(ib, &y, 24);
	iface_addr_add(ia, &x6, 64);
	iface_addr_add(ib, &y6, 64);
	va = iface_add_vlan(a, ia, 100);
	vb = iface_add_vlan(b, ib, 100);
	addr_parse("192.168.100.1", &v1);
	addr_parse("192.168.100.2", &v2);
	iface_addr_add(va, &v1, 24);
	iface_addr_add(vb, &v2, 24);
	ga = iface_add_gre(a, "gre1", &x, &y);
	gb = iface_add_gre(b, "gre1", &y, &x);
	addr_parse("172.16.0.1", &t1);
	addr_parse("172.16.0.2", &t2);
	iface_addr_add(ga, &t1, 30);
	iface_addr_add(gb, &t2, 30);
	ia->tap = ib->tap = golden_tap;
	golden_n = 0;
	memset(golden_got, 0, sizeof(golden_got));
	s = udp_open(a, 5000, udp_rx, NULL);
	udp_open(b, 9000, udp_rx, NULL);
	udp_sendto_buf(s, &y, 9000, "hello", 5);
	sim_run(sim, SIM_TIME_MAX);
	udp_sendto_buf(s, &y6, 9000, "hello", 5);
	sim_run(sim, SIM_TIME_MAX);
	udp_sendto_buf(s, &v2, 9000, "hello", 5);
	sim_run(sim, SIM_TIME_MAX);
	udp_sendto_buf(s, &t2, 9000, "hello", 5);
	sim_run(sim, SIM_TIME_MAX);
	icmp_echo_send(a, &y, 0x1234, 1, 8);
	sim_run(sim, SIM_TIME_MAX);
	CU_ASSERT_EQUAL(golden_n, golden_net_n);
	for (unsigned i = 0; i < golden_n && i < golden_net_n; i++) {
		CU_ASSERT_STRING_EQUAL(golden_got[i], golden_net[i]);
		if (strcmp(golden_got[i], golden_net[i]) != 0)
			fprintf(stderr, "\n  frame %u:\n  got  %s\n  want %s\n", i, golden_got[i],
				golden_net[i]);
	}
	net_destroy(net);
	sim_destroy(sim);
}

/* ---- route computation: interrupts, nothing to route, changes ---- */

/* a - b - c, 10.0.1.0/24 and 10.0.2.0/24, routes by shortest path. */
static struct net *
chain3(struct sim *sim, struct node **a)
{
	struct net *net = net_create(sim, 1, 1);
	struct node *b, *c;
	struct iface *ab, *ba, *bc, *cb;
	struct link_params lp;
	struct addr x;

	net->auto_routes = true;
	*a = node_create(net, "a");
	b = node_create(net, "b");
	c = node_create(net, "c");
	ab = iface_add_ether(*a, "eth0");
	ba = iface_add_ether(b, "eth0");
	bc = iface_add_ether(b, "eth1");
	cb = iface_add_ether(c, "eth0");
	link_params_default(&lp);
	link_create(net, NULL, ab, ba, &lp);
	link_create(net, NULL, bc, cb, &lp);
	addr_parse("10.0.1.1", &x);
	iface_addr_add(ab, &x, 24);
	addr_parse("10.0.1.2", &x);
	iface_addr_add(ba, &x, 24);
	addr_parse("10.0.2.1", &x);
	iface_addr_add(bc, &x, 24);
	addr_parse("10.0.2.2", &x);
	iface_addr_add(cb, &x, 24);
	return net;
}

static void
test_routes_interrupted(void)
{
	struct sim *sim = sim_create(NULL);
	struct node *a;
	struct net *net = chain3(sim, &a);
	struct addr far;

	addr_parse("10.0.2.2", &far);
	/* Interrupted, a lookup computes no tree and finds no route. */
	sim_interrupt();
	CU_ASSERT_PTR_NULL(route_lookup(a, &far));
	sim_interrupt_clear();
	CU_ASSERT_PTR_NULL(a->spf);
	CU_ASSERT_EQUAL(net->spf_runs, 0);
	/* Without one, the route is there. */
	CU_ASSERT_PTR_NOT_NULL(route_lookup(a, &far));
	CU_ASSERT_EQUAL(net->spf_runs, 1);
	net_destroy(net);
	sim_destroy(sim);
}

/* Without any address there is nothing to route: nothing is computed. */
static void
test_routes_no_address(void)
{
	struct sim *sim = sim_create(NULL);
	struct net *net = net_create(sim, 1, 1);
	struct node *a = node_create(net, "a"), *b = node_create(net, "b");
	struct link_params lp;
	struct addr x;

	net->auto_routes = true;
	link_params_default(&lp);
	link_create(net, NULL, iface_add_ether(a, "eth0"), iface_add_ether(b, "eth0"), &lp);
	addr_parse("10.0.0.1", &x);
	CU_ASSERT_PTR_NULL(route_lookup(a, &x));
	CU_ASSERT_EQUAL(net->spf_runs, 0);
	net_destroy(net);
	sim_destroy(sim);
}

/*
 * ---- routes on demand follow every change as a full computation would ----
 *
 * Two networks get the same random changes (links made, links and nodes
 * down and up, nodes and addresses added); weights 1 and 2 make ties.  In
 * the first, the trees live across the changes (extended, dropped, kept);
 * the second forgets them all before each lookup, as if everything were
 * computed again.  Every lookup must give the same route in both.
 */
struct twin {
	struct net *net[2];
	unsigned nlinks;
	uint64_t x;
};

static uint32_t
twin_rand(struct twin *w, uint32_t n)
{
	w->x = w->x * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)((w->x >> 33) % n);
}

static void
twin_node(struct twin *w, unsigned k)
{
	for (int i = 0; i < 2; i++) {
		char name[16];
		struct node *n;

		snprintf(name, sizeof(name), "n%u", k);
		n = node_create(w->net[i], name);
		n->forwarding = true;
		if (k % 5 != 4) {	/* some are unnumbered */
			struct addr rid;
			char txt[32];

			snprintf(txt, sizeof(txt), "10.255.%u.%u", k / 200, k % 200 + 1);
			addr_parse(txt, &rid);
			node_set_router_id(n, &rid);
		}
	}
}

static void
twin_link(struct twin *w, unsigned a, unsigned b, uint32_t weight, bool numbered)
{
	unsigned k = w->nlinks++;

	for (int i = 0; i < 2; i++) {
		struct net *net = w->net[i];
		struct node *na = net->nodes[a], *nb = net->nodes[b];
		char ia[16], ib[16], txt[32];
		struct iface *x, *y;
		struct link_params lp;
		struct addr ad;

		snprintf(ia, sizeof(ia), "eth%u", na->nifaces);
		x = iface_add_ether(na, ia);
		snprintf(ib, sizeof(ib), "eth%u", nb->nifaces);
		y = iface_add_ether(nb, ib);
		if (numbered) {
			snprintf(txt, sizeof(txt), "10.%u.%u.%u", k / 16384, (k / 64) % 256,
				 (k % 64) * 4 + 1);
			addr_parse(txt, &ad);
			iface_addr_add(x, &ad, 30);
			ad.a[3]++;
			iface_addr_add(y, &ad, 30);
		}
		link_params_default(&lp);
		lp.weight = weight;
		link_create(net, NULL, x, y, &lp);
	}
}

static bool
same_route(const struct route *r0, const struct route *r1)
{
	if (!r0 || !r1)
		return r0 == r1;
	return strcmp(r0->ifc->name, r1->ifc->name) == 0 && addr_eq(&r0->gw, &r1->gw) &&
	       addr_eq(&r0->dst.addr, &r1->dst.addr) && r0->dst.len == r1->dst.len;
}

/* Every node's route to a random address of a random node, in both. */
static unsigned
twin_compare(struct twin *w)
{
	unsigned bad = 0, nn = w->net[0]->nnodes;

	net_compute_routes(w->net[1]);
	for (unsigned s = 0; s < nn; s++) {
		const struct node *d = w->net[0]->nodes[twin_rand(w, nn)];
		const struct iface *x = d->nifaces ? d->ifaces[twin_rand(w, d->nifaces)] : NULL;
		struct addr dst;
		const struct route *r0, *r1;

		if (twin_rand(w, 3) == 0) {
			char txt[32];

			/* in the prefixes several nodes share: the caches are tried */
			snprintf(txt, sizeof(txt), "10.254.%u.9", twin_rand(w, 3));
			addr_parse(txt, &dst);
		} else if (x && x->naddrs && twin_rand(w, 2))
			dst = x->addrs[twin_rand(w, x->naddrs)].addr;
		else if (!addr_is_unset(&d->router_id))
			dst = d->router_id;
		else
			continue;
		r0 = route_lookup(w->net[0]->nodes[s], &dst);
		r1 = route_lookup(w->net[1]->nodes[s], &dst);
		if (!same_route(r0, r1) && getenv("TWIN_DEBUG")) {
			char b0[64], b1[64], b2[64];
			fprintf(stderr, "MISMATCH src %s dst %s: inc %s %s %s / full %s %s\n",
				w->net[0]->nodes[s]->name, addr_fmt(&dst, b0),
				r0 ? r0->ifc->name : "-", r0 ? addr_fmt(&r0->gw, b1) : "-",
				r0 ? prefix_fmt(&r0->dst, b2) : "-",
				r1 ? r1->ifc->name : "-", r1 ? prefix_fmt(&r1->dst, b2) : "-");
		}
		bad += !same_route(r0, r1);
	}
	return bad;
}

/*
 * s-a (weight 5), a-b down, s-c; the subnet of a-b is routed to a.  Then
 * c-b comes up: b is nearer than a, and the subnet goes to b, through c.
 */
static void
test_routes_shared_prefix_nearer(void)
{
	struct sim *sim = sim_create(NULL);
	struct net *net = net_create(sim, 1, 1);
	struct node *s = node_create(net, "s"), *a = node_create(net, "a");
	struct node *b = node_create(net, "b"), *c = node_create(net, "c");
	struct iface *sa = iface_add_ether(s, "eth0"), *as = iface_add_ether(a, "eth0");
	struct iface *ab = iface_add_ether(a, "eth1"), *ba = iface_add_ether(b, "eth0");
	struct iface *sc = iface_add_ether(s, "eth1"), *cs = iface_add_ether(c, "eth0");
	struct iface *cb = iface_add_ether(c, "eth1"), *bc = iface_add_ether(b, "eth1");
	struct link_params lp;
	struct link *lab;
	struct addr x;
	const struct route *r;

	net->auto_routes = true;
	link_params_default(&lp);
	addr_parse("10.0.1.1", &x);
	iface_addr_add(sa, &x, 30);
	addr_parse("10.0.1.2", &x);
	iface_addr_add(as, &x, 30);
	addr_parse("10.0.2.1", &x);
	iface_addr_add(ab, &x, 30);
	addr_parse("10.0.2.2", &x);
	iface_addr_add(ba, &x, 30);
	addr_parse("10.0.3.1", &x);
	iface_addr_add(sc, &x, 30);
	addr_parse("10.0.3.2", &x);
	iface_addr_add(cs, &x, 30);
	addr_parse("10.0.4.1", &x);
	iface_addr_add(cb, &x, 30);
	addr_parse("10.0.4.2", &x);
	iface_addr_add(bc, &x, 30);
	lp.weight = 5;
	link_create(net, NULL, sa, as, &lp);
	lp.weight = 1;
	lab = link_create(net, NULL, ab, ba, &lp);
	link_set_up(lab, false);
	link_create(net, NULL, sc, cs, &lp);
	addr_parse("10.0.2.2", &x);
	r = route_lookup(s, &x);
	CU_ASSERT_PTR_EQUAL(r ? r->ifc : NULL, sa);
	link_create(net, NULL, cb, bc, &lp);
	r = route_lookup(s, &x);
	CU_ASSERT_PTR_EQUAL(r ? r->ifc : NULL, sc);
	/* by extending the tree, not computing it again */
	CU_ASSERT_EQUAL(net->spf_runs, 1);
	net_destroy(net);
	sim_destroy(sim);
}

/*
 * The tie rules themselves, pinned (doc/engine.md, "Routing"): the ring
 * a-b-c-d-a of equal weights; from a, c is two hops through b (node 1)
 * or d (node 3), and b settles first, so the path is b's, on a:eth0.
 * b and d also share 10.9.0.0/24, at the same distance from a: it goes
 * to b, the lower node.  From c, a goes through b too (c:eth0).
 */
static void
test_routes_ties_golden(void)
{
	struct sim *sim = sim_create(NULL);
	struct net *net = net_create(sim, 1, 1);
	static const char *const names[4] = { "a", "b", "c", "d" };
	struct node *n[4];
	struct link_params lp;
	struct addr x;
	const struct route *r;

	net->auto_routes = true;
	link_params_default(&lp);
	for (int i = 0; i < 4; i++) {
		char txt[32];

		n[i] = node_create(net, names[i]);
		n[i]->forwarding = true;
		snprintf(txt, sizeof(txt), "10.255.0.%d", i + 1);
		addr_parse(txt, &x);
		node_set_router_id(n[i], &x);
	}
	for (int k = 0; k < 4; k++) {
		int u = k, v = (k + 1) % 4;
		char iu[8], iv[8], txt[32];
		struct iface *a, *b;

		snprintf(iu, sizeof(iu), "eth%u", n[u]->nifaces);
		snprintf(iv, sizeof(iv), "eth%u", n[v]->nifaces);
		a = iface_add_ether(n[u], iu);
		b = iface_add_ether(n[v], iv);
		snprintf(txt, sizeof(txt), "10.0.%d.1", k);
		addr_parse(txt, &x);
		iface_addr_add(a, &x, 30);
		x.a[3] = 2;
		iface_addr_add(b, &x, 30);
		link_create(net, NULL, a, b, &lp);
	}
	/* a: eth0 to b, eth1 to d; c: eth0 to b, eth1 to d */
	addr_parse("10.9.0.1", &x);
	iface_addr_add(iface_add_ether(n[1], "lo9"), &x, 24);
	addr_parse("10.9.0.2", &x);
	iface_addr_add(iface_add_ether(n[3], "lo9"), &x, 24);
	addr_parse("10.255.0.3", &x);
	r = route_lookup(n[0], &x);
	CU_ASSERT_STRING_EQUAL(r ? r->ifc->name : "-", "eth0");
	addr_parse("10.9.0.7", &x);
	r = route_lookup(n[0], &x);
	CU_ASSERT_STRING_EQUAL(r ? r->ifc->name : "-", "eth0");
	addr_parse("10.255.0.1", &x);
	r = route_lookup(n[2], &x);
	CU_ASSERT_STRING_EQUAL(r ? r->ifc->name : "-", "eth0");
	net_destroy(net);
	sim_destroy(sim);
}

static void
test_routes_follow_changes(void)
{
	struct sim *sim = sim_create(NULL);
	struct twin w = { .x = 7 };
	unsigned nn = 24, bad = 0, kinds[6] = { 0 };

	for (int i = 0; i < 2; i++) {
		w.net[i] = net_create(sim, 1, 1);
		w.net[i]->auto_routes = true;
	}
	for (unsigned k = 0; k < nn; k++)
		twin_node(&w, k);
	for (unsigned k = 1; k < nn / 2; k++)	/* a tree on half of them */
		twin_link(&w, twin_rand(&w, k), k, 1 + twin_rand(&w, 2), true);
	bad += twin_compare(&w);
	for (unsigned step = 0; step < 3000; step++) {
		unsigned op = twin_rand(&w, 6), nl = w.net[0]->nlinks;

		kinds[op]++;
		if (op == 0 || op == 1) {
			unsigned a = twin_rand(&w, w.net[0]->nnodes);
			unsigned b = twin_rand(&w, w.net[0]->nnodes);

			if (a != b)
				twin_link(&w, a, b, 1 + twin_rand(&w, 2), twin_rand(&w, 4) != 0);
		} else if (op == 2 && nl) {
			unsigned l = twin_rand(&w, nl);
			bool up = !w.net[0]->links[l]->up;

			for (int i = 0; i < 2; i++)
				link_set_up(w.net[i]->links[l], up);
		} else if (op == 3) {
			unsigned n = twin_rand(&w, w.net[0]->nnodes);
			bool up = !w.net[0]->nodes[n]->up;

			for (int i = 0; i < 2; i++)
				node_set_up(w.net[i]->nodes[n], up);
		} else if (op == 4 && w.net[0]->nnodes < 60) {
			twin_node(&w, w.net[0]->nnodes);
		} else if (op == 5 && nl) {
			/* An address more on an interface: a prefix another node may share. */
			unsigned l = twin_rand(&w, nl);

			for (int i = 0; i < 2; i++) {
				struct iface *x = w.net[i]->links[l]->end[1];
				struct addr ad;
				char txt[32];

				snprintf(txt, sizeof(txt), "10.254.%u.%u", l % 3, 1 + l % 7);
				addr_parse(txt, &ad);
				iface_addr_add(x, &ad, 24);
			}
		}
		bad += twin_compare(&w);
	}
	CU_ASSERT_EQUAL(bad, 0);
	/* The run took every path of spf.c: trees were kept, extended and dropped. */
	CU_ASSERT_TRUE(w.net[0]->spf_extends > 0);
	CU_ASSERT_TRUE(w.net[0]->spf_runs < w.net[1]->spf_runs);
	for (int i = 0; i < 2; i++)
		net_destroy(w.net[i]);
	sim_destroy(sim);
}

int
suite_net_register(void)
{
	CU_pSuite s = CU_add_suite("net", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "checksum RFC 1071 example", test_csum_rfc1071) ||
	    !CU_add_test(s, "IPv4 header golden bytes", test_ipv4_header_vector) ||
	    !CU_add_test(s, "incremental checksum (RFC 1624)", test_csum_incremental) ||
	    !CU_add_test(s, "UDP over IPv6 pseudo-header", test_udp_pseudo_v6) ||
	    !CU_add_test(s, "UDP checksum 0 is sent as 0xffff", test_udp_zero_checksum) ||
	    !CU_add_test(s, "addresses, prefixes, MACs", test_addr) ||
	    !CU_add_test(s, "random streams are independent", test_rng_streams) ||
	    !CU_add_test(s, "random distributions", test_rng_distributions) ||
	    !CU_add_test(s, "packet headroom", test_pkt_headroom) ||
	    !CU_add_test(s, "packet pool", test_pkt_pool) ||
	    !CU_add_test(s, "longest-prefix match", test_lpm) ||
	    !CU_add_test(s, "link timing to the nanosecond", test_link_timing) ||
	    !CU_add_test(s, "drop-tail queue", test_link_queue_drops) ||
	    !CU_add_test(s, "link down drops in flight", test_link_down) ||
	    !CU_add_test(s, "loss models", test_loss_models) ||
	    !CU_add_test(s, "ARP", test_arp) ||
	    !CU_add_test(s, "ARP queue: 212992 bytes of frames, or as set", test_arp_queue) ||
	    !CU_add_test(s, "loopback: in order, and freed with the node", test_loopback) ||
	    !CU_add_test(s, "a UDP socket's source address", test_udp_source) ||
	    !CU_add_test(s, "neighbour discovery", test_nd) ||
	    !CU_add_test(s, "ping over IPv4 and IPv6", test_ping_both_families) ||
	    !CU_add_test(s, "VLAN tag and GRE encapsulation", test_vlan_and_gre_frames) ||
	    !CU_add_test(s, "every header, byte for byte", test_golden_frames) ||
	    !CU_add_test(s, "route computation gives up when interrupted",
			 test_routes_interrupted) ||
	    !CU_add_test(s, "route computation: nothing to do without an address",
			 test_routes_no_address) ||
	    !CU_add_test(s, "routes on demand follow changes as a full computation",
			 test_routes_follow_changes) ||
	    !CU_add_test(s, "a shared prefix goes to the nearer node once it is reached",
			 test_routes_shared_prefix_nearer) ||
	    !CU_add_test(s, "equal-cost ties: the first settled neighbour, the lower node",
			 test_routes_ties_golden))
		return -1;
	return 0;
}
