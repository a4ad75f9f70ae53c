/*
 * test_outside.c - an interface bound to the outside (iface_set_outside,
 * sim/net.h), the engine's half of the TAP bridge: what may be bound,
 * frames handed out byte for byte past the frame tap, frames coming in
 * with ether_input as from a link.  No device: the outside is a
 * function of the test.
 */
#include <string.h>

#include <CUnit/CUnit.h>

#include "sim/net.h"
#include "tests/unit/suites.h"

#define OUT_MAX	8

struct outside {
	unsigned n;			/* frames handed out */
	uint8_t bytes[OUT_MAX][128];
	uint32_t len[OUT_MAX];
	unsigned tapped;		/* frames the frame tap saw leave first */
	unsigned tap_tx;		/* frames the frame tap saw leave */
};

static void
out_fn(void *ctx, struct iface *ifc, struct pkt *p)
{
	struct outside *o = ctx;

	(void)ifc;
	if (o->n < OUT_MAX) {
		o->len[o->n] = p->len;
		memcpy(o->bytes[o->n], p->data, p->len < 128 ? p->len : 128);
		if (o->tap_tx == o->n + 1)
			o->tapped++;
		o->n++;
	}
	pkt_free(p);
}

static void
tap_fn(void *ctx, struct iface *ifc, enum tap_dir dir, const struct pkt *f)
{
	struct outside *o = ctx;

	(void)ifc;
	(void)f;
	if (dir == TAP_TX)
		o->tap_tx++;
}

static void
test_bind_rules(void)
{
	struct sim *sim = sim_create(NULL);
	struct net *net = net_create(sim, 1, 1);
	struct node *a = node_create(net, "a"), *b = node_create(net, "b");
	struct iface *a0 = iface_add_ether(a, "eth0"), *a1 = iface_add_ether(a, "eth1");
	struct iface *b0 = iface_add_ether(b, "eth0");
	struct iface *v = iface_add_vlan(a, a0, 5);
	struct outside o = { 0 };
	struct link_params lp;

	link_params_default(&lp);
	CU_ASSERT_PTR_NOT_NULL_FATAL(link_create(net, "l", a1, b0, &lp));
	CU_ASSERT_EQUAL(iface_set_outside(a1, out_fn, &o), -1);	/* has a link */
	CU_ASSERT_EQUAL(iface_set_outside(v, out_fn, &o), -1);	/* not Ethernet */
	CU_ASSERT_EQUAL(iface_set_outside(a0, out_fn, &o), 0);
	CU_ASSERT_EQUAL(iface_set_outside(a0, out_fn, &o), -1);	/* bound already */
	/* ... and it can get no link */
	CU_ASSERT_PTR_NULL(link_create(net, "m", a0, iface_add_ether(b, "eth1"), &lp));
	CU_ASSERT_PTR_NULL(a0->link);
	net_destroy(net);
	sim_destroy(sim);
}

/* An ARP reply for 10.0.0.1 (a:eth0, 02:00:00:00:00:00) from 10.0.0.2 at 0a:..:02. */
static struct pkt *
arp_reply(void)
{
	static const uint8_t f[42] = {
		0x02, 0, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x02, 0x08, 0x06,
		0, 1, 0x08, 0, 6, 4, 0, 2,
		0x0a, 0, 0, 0, 0, 0x02, 10, 0, 0, 2,
		0x02, 0, 0, 0, 0, 0, 10, 0, 0, 1,
	};

	return pkt_from(f, sizeof(f));
}

static void
test_frames(void)
{
	struct sim *sim = sim_create(NULL);
	struct net *net = net_create(sim, 1, 1);
	struct node *a = node_create(net, "a");
	struct iface *a0 = iface_add_ether(a, "eth0");
	struct outside o = { 0 };
	struct addr me, peer;

	CU_ASSERT_EQUAL_FATAL(addr_parse("10.0.0.1", &me), 0);
	CU_ASSERT_EQUAL_FATAL(addr_parse("10.0.0.2", &peer), 0);
	CU_ASSERT_EQUAL_FATAL(iface_addr_add(a0, &me, 24), 0);
	a0->tap = tap_fn;
	a0->tap_ctx = &o;
	CU_ASSERT_EQUAL_FATAL(iface_set_outside(a0, out_fn, &o), 0);

	/* A ping to the outside: first the ARP request, handed out at once. */
	CU_ASSERT_EQUAL(icmp_echo_send(a, &peer, 7, 1, 8), 0);
	sim_run(sim, 1000);
	CU_ASSERT_EQUAL_FATAL(o.n, 1);
	CU_ASSERT_EQUAL(o.len[0], ETH_ZLEN);	/* padded as on a link */
	CU_ASSERT(memcmp(o.bytes[0], ether_broadcast(), 6) == 0);
	CU_ASSERT(o.bytes[0][12] == 0x08 && o.bytes[0][13] == 0x06);
	CU_ASSERT_EQUAL(o.tapped, 1);	/* the frame tap saw it before */
	CU_ASSERT_EQUAL(a0->cnt.tx_frames, 1);

	/* The reply comes in from outside, as from a link: the echo request follows. */
	ether_input(a0, arp_reply());
	sim_run(sim, 2000);
	CU_ASSERT_EQUAL_FATAL(o.n, 2);
	CU_ASSERT(o.bytes[1][0] == 0x0a && o.bytes[1][5] == 0x02);	/* to the MAC learnt */
	CU_ASSERT(o.bytes[1][12] == 0x08 && o.bytes[1][13] == 0x00);
	CU_ASSERT_EQUAL(o.bytes[1][14 + 20], 8);	/* ICMP echo request */
	CU_ASSERT_EQUAL(o.tapped, 2);
	CU_ASSERT_EQUAL(a0->cnt.rx_frames, 1);
	net_destroy(net);
	sim_destroy(sim);
}

int
suite_outside_register(void)
{
	CU_pSuite s = CU_add_suite("outside", NULL, NULL);

	if (!s || !CU_add_test(s, "what may be bound", test_bind_rules) ||
	    !CU_add_test(s, "frames out and in", test_frames))
		return -1;
	return 0;
}
