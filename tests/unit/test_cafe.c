/*
 * test_cafe.c - the stateless CAFE's data plane (entities/cafe/cafe.c)
 * on a small emulated network, frame by frame.
 *
 *        t ---------- dut ---------- s1      eth1 also carries gre1
 *      eth0  10.0.0/24 eth0   eth1  10.0.1/24   (10.0.1.1 -> 10.0.1.2)
 *                       |
 *                      eth2 (+ eth2.100) ---- s2 (eth0, eth0.100)
 *                             10.0.2/24, VLAN 100: 192.168.100/24
 *
 * The tester t sends COMET frames and IP packets to the CAFE under test
 * (dut); a tap on every interface of dut and of the receivers keeps each
 * frame.  The expected bytes are written out here from the COMET header
 * layout (doc/comet-header.md), 802.1Q, GRE (RFC 2784) and the MACs the
 * engine gives interfaces, never read back from the CAFE's own encoder:
 * forwarding by key over Ethernet, a VLAN sub-interface and a GRE
 * tunnel; the index moved on by one and nothing else changed; the
 * source MAC of the egress device; decapsulation at the end of the key
 * list; interception of the packets a filter matches (and only on the
 * interfaces it is told to), with the stream's record when it expires;
 * and every drop counted under its own reason with nothing sent on.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>

#include "entities/cafe/cafe.h"
#include "sim/net.h"
#include "sim/wire.h"
#include "tests/unit/golden.h"
#include "tests/unit/suites.h"

#define MAXF	32
#define FBYTES	600

struct frame {
	struct iface *ifc;
	enum tap_dir dir;
	sim_time_t t;
	uint32_t len;
	uint8_t b[FBYTES];
};

struct rig {
	struct sim *sim;
	struct net *net;
	struct node *t, *dut, *s1, *s2;
	struct iface *t0, *d0, *d1, *d2, *d2v, *dg, *s1e, *s2e, *s2v;
	struct cafe *c;
	unsigned n;
	struct frame f[MAXF];
};

static void
rig_tap(void *ctx, struct iface *ifc, enum tap_dir dir, const struct pkt *p)
{
	struct rig *r = ctx;
	struct frame *f;

	if (r->n >= MAXF)
		return;
	f = &r->f[r->n++];
	f->ifc = ifc;
	f->dir = dir;
	f->t = sim_now(ifc->node->net->sim);
	f->len = p->len;
	memcpy(f->b, p->data, p->len < FBYTES ? p->len : FBYTES);
}

static void
addr4(struct iface *ifc, const char *a, uint8_t plen)
{
	struct addr x;

	CU_ASSERT_EQUAL_FATAL(addr_parse(a, &x), 0);
	CU_ASSERT_EQUAL_FATAL(iface_addr_add(ifc, &x, plen), 0);
}

static void
link2(struct rig *r, struct iface *a, struct iface *b)
{
	struct link_params lp;

	link_params_default(&lp);
	lp.delay = 10 * SIM_US;
	link_create(r->net, NULL, a, b, &lp);
}

/* The network above; the CAFE is loaded with `args` (NULL: none). */
static void
rig_setup(struct rig *r, const char *args)
{
	struct addr lo, re;
	struct route def;
	char err[256], copy[128], *argv[4];
	int argc = 0;
	struct entity *e;

	memset(r, 0, sizeof(*r));
	r->sim = sim_create(NULL);
	r->net = net_create(r->sim, 1, 1);
	r->t = node_create(r->net, "t");
	r->dut = node_create(r->net, "dut");
	r->s1 = node_create(r->net, "s1");
	r->s2 = node_create(r->net, "s2");
	r->t0 = iface_add_ether(r->t, "eth0");
	r->d0 = iface_add_ether(r->dut, "eth0");
	r->d1 = iface_add_ether(r->dut, "eth1");
	r->d2 = iface_add_ether(r->dut, "eth2");
	r->s1e = iface_add_ether(r->s1, "eth0");
	r->s2e = iface_add_ether(r->s2, "eth0");
	r->d2v = iface_add_vlan(r->dut, r->d2, 100);
	r->s2v = iface_add_vlan(r->s2, r->s2e, 100);
	link2(r, r->t0, r->d0);
	link2(r, r->d1, r->s1e);
	link2(r, r->d2, r->s2e);
	addr4(r->t0, "10.0.0.1", 24);
	addr4(r->d0, "10.0.0.2", 24);
	addr4(r->d1, "10.0.1.1", 24);
	addr4(r->s1e, "10.0.1.2", 24);
	addr4(r->d2, "10.0.2.1", 24);
	addr4(r->s2e, "10.0.2.2", 24);
	addr4(r->d2v, "192.168.100.1", 24);
	addr4(r->s2v, "192.168.100.2", 24);
	addr_parse("10.0.1.1", &lo);
	addr_parse("10.0.1.2", &re);
	r->dg = iface_add_gre(r->dut, "gre1", &lo, &re);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->dg);
	/* The tester reaches everything through dut. */
	memset(&def, 0, sizeof(def));
	prefix_parse("0.0.0.0/0", &def.dst);
	addr_parse("10.0.0.2", &def.gw);
	def.ifc = r->t0;
	CU_ASSERT_EQUAL_FATAL(route_add(r->t, &def), 0);
	r->t0->tap = r->d0->tap = r->d1->tap = r->d2->tap = rig_tap;
	r->s1e->tap = r->s2e->tap = rig_tap;
	r->t0->tap_ctx = r->d0->tap_ctx = r->d1->tap_ctx = r->d2->tap_ctx = r;
	r->s1e->tap_ctx = r->s2e->tap_ctx = r;
	if (args) {
		snprintf(copy, sizeof(copy), "%s", args);
		for (char *s = strtok(copy, " "); s && argc < 4; s = strtok(NULL, " "))
			argv[argc++] = s;
		e = entity_new(&cafe_class, "dut", argc, argv, err, sizeof(err));
		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		entity_start(e, r->dut);
	}
	r->c = cafe_get(r->dut);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->c);
}

static void
rig_teardown(struct rig *r, bool own_entity)
{
	struct cafe *c = r->c;

	if (own_entity)
		entity_stop(&c->e);
	net_destroy(r->net);
	if (own_entity)
		entity_free(&c->e);
	sim_destroy(r->sim);
	CU_ASSERT_EQUAL(pkt_outstanding(), 0);
}

/* Frames seen on ifc in direction dir with EtherType type (0: any), after the MACs. */
static unsigned
nframes(const struct rig *r, const struct iface *ifc, enum tap_dir dir, uint16_t type)
{
	unsigned k = 0;

	for (unsigned i = 0; i < r->n; i++)
		if (r->f[i].ifc == ifc && r->f[i].dir == dir &&
		    (!type || rd16(r->f[i].b + 12) == type))
			k++;
	return k;
}

static const struct frame *
first(const struct rig *r, const struct iface *ifc, enum tap_dir dir, uint16_t type)
{
	for (unsigned i = 0; i < r->n; i++)
		if (r->f[i].ifc == ifc && r->f[i].dir == dir && rd16(r->f[i].b + 12) == type)
			return &r->f[i];
	return NULL;
}

/* When the k-th (from 0) such frame was seen; -1 if there are fewer. */
static sim_time_t
when(const struct rig *r, const struct iface *ifc, enum tap_dir dir, uint16_t type, unsigned k)
{
	for (unsigned i = 0; i < r->n; i++)
		if (r->f[i].ifc == ifc && r->f[i].dir == dir && rd16(r->f[i].b + 12) == type &&
		    k-- == 0)
			return r->f[i].t;
	return -1;
}

/* A UDP datagram over IPv4 in buf; returns its length.  Checksum 0: none (RFC 768). */
static size_t
ip_udp(uint8_t *buf, const char *src, const char *dst, uint16_t sport, uint16_t dport,
       size_t payload)
{
	struct addr s, d;
	size_t len = IPV4_HLEN + UDP_HLEN + payload;

	addr_parse(src, &s);
	addr_parse(dst, &d);
	ipv4_hdr_write(buf, (uint16_t)len, 7, 64, IPPROTO_UDP_, &s, &d);
	wr16(buf + 20, sport);
	wr16(buf + 22, dport);
	wr16(buf + 24, (uint16_t)(UDP_HLEN + payload));
	wr16(buf + 26, 0);
	for (size_t i = 0; i < payload; i++)
		buf[28 + i] = (uint8_t)(0xa0 + i);
	return len;
}

/*
 * The COMET header written byte by byte (doc/comet-header.md):
 * version, cos, length, index, next protocol, keys.
 */
static size_t
comet_bytes(uint8_t *buf, uint8_t version, uint8_t cos, uint8_t length, uint8_t index,
	    uint16_t next, const uint8_t *keys, size_t nkeys)
{
	buf[0] = version;
	buf[1] = cos;
	buf[2] = length;
	buf[3] = index;
	buf[4] = (uint8_t)(next >> 8);
	buf[5] = (uint8_t)next;
	memcpy(buf + 6, keys, nkeys);
	return 6 + nkeys;
}

/* The tester sends bytes with EtherType type to dut's eth0. */
static void
send_frame(struct rig *r, uint16_t type, const uint8_t *b, size_t len)
{
	struct pkt *p = pkt_alloc(len);

	memcpy(pkt_put(p, len), b, len);
	iface_output(r->t0, type, r->d0->mac, p);
}

static uint64_t
cafe_drops(const struct rig *r, const char *reason)
{
	struct stats *st = &r->net->stats;

	return stats_drop_total(st, "cafe", stats_reason_intern(st, reason));
}

static const uint8_t mac_x[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x01 };

/* A COMET frame with keys 01 a3 05 at index 1, cos 2, an IPv4/UDP packet inside. */
static size_t
std_frame(uint8_t *b, uint8_t *inner, size_t *ilen)
{
	static const uint8_t keys[3] = { 0x01, 0xa3, 0x05 };
	size_t h = comet_bytes(b, 1, 2, 3, 1, 0x0800, keys, 3);

	*ilen = ip_udp(inner, "10.0.0.1", "10.9.9.9", 4000, 5000, 30);
	memcpy(b + h, inner, *ilen);
	return h + *ilen;
}

/* ---- forwarding by key ---- */

static void
test_cafe_forward_ethernet(void)
{
	struct rig r;
	uint8_t b[256], inner[128];
	size_t ilen, len = std_frame(b, inner, &ilen);
	const struct frame *f;
	char err[128];

	rig_setup(&r, NULL);
	CU_ASSERT_EQUAL(cafe_rule_add_ethernet(r.c, 0xa3, "eth1", mac_x, err, sizeof(err)), 0);
	send_frame(&r, ETHERTYPE_COMET, b, len);
	sim_run(r.sim, SIM_S);
	CU_ASSERT_EQUAL(nframes(&r, r.d1, TAP_TX, ETHERTYPE_COMET), 1);
	CU_ASSERT_EQUAL(nframes(&r, r.d2, TAP_TX, 0), 0);
	CU_ASSERT_EQUAL(nframes(&r, r.d0, TAP_TX, 0), 0);
	f = first(&r, r.d1, TAP_TX, ETHERTYPE_COMET);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->len, ETH_HLEN + len);
	CU_ASSERT_EQUAL(memcmp(f->b, mac_x, 6), 0);		/* the rule's MAC */
	CU_ASSERT_EQUAL(memcmp(f->b + 6, r.d1->mac, 6), 0);	/* eth1's own */
	CU_ASSERT_NOT_EQUAL(memcmp(r.d1->mac, r.d0->mac, 6), 0);
	CU_ASSERT_EQUAL(f->b[14], 1);		/* version */
	CU_ASSERT_EQUAL(f->b[15], 2);		/* cos */
	CU_ASSERT_EQUAL(f->b[16], 3);		/* length */
	CU_ASSERT_EQUAL(f->b[17], 2);		/* index 1 -> 2 */
	CU_ASSERT_EQUAL(rd16(f->b + 18), 0x0800);
	CU_ASSERT_EQUAL(memcmp(f->b + 20, b + 6, 3), 0);	/* keys unchanged */
	CU_ASSERT_EQUAL(memcmp(f->b + 23, inner, ilen), 0);	/* packet untouched */
	CU_ASSERT_EQUAL(r.c->rules[0xa3].frames, 1);
	CU_ASSERT_EQUAL(r.c->rules[0xa3].bytes, len);
	CU_ASSERT_EQUAL(r.c->forwarded, 1);
	CU_ASSERT_EQUAL(r.c->comet_in, 1);
	CU_ASSERT_EQUAL(r.c->cnt.tx_frames, 1);
	CU_ASSERT_EQUAL(r.c->cnt.rx_frames, 1);

	/* The next key is the frame's next hop: a second CAFE would read index 2. */
	b[3] = 2;
	CU_ASSERT_EQUAL(cafe_rule_add_ethernet(r.c, 0x05, "eth2", mac_x, err, sizeof(err)), 0);
	send_frame(&r, ETHERTYPE_COMET, b, len);
	sim_run(r.sim, 2 * SIM_S);
	f = first(&r, r.d2, TAP_TX, ETHERTYPE_COMET);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->b[17], 3);		/* index 2 -> 3 = length */
	CU_ASSERT_EQUAL(memcmp(f->b + 6, r.d2->mac, 6), 0);
	CU_ASSERT_EQUAL(r.c->rules[0x05].frames, 1);
	CU_ASSERT_EQUAL(r.c->rules[0xa3].frames, 1);
	rig_teardown(&r, false);
}

static void
test_cafe_forward_vlan(void)
{
	struct rig r;
	uint8_t b[256], inner[128];
	size_t ilen, len = std_frame(b, inner, &ilen);
	const struct frame *f;
	char err[128];

	rig_setup(&r, NULL);
	CU_ASSERT_EQUAL(cafe_rule_add_ethernet(r.c, 0xa3, "eth2.100", mac_x, err,
					       sizeof(err)), 0);
	send_frame(&r, ETHERTYPE_COMET, b, len);
	sim_run(r.sim, SIM_S);
	CU_ASSERT_EQUAL(nframes(&r, r.d2, TAP_TX, ETHERTYPE_VLAN), 1);
	CU_ASSERT_EQUAL(nframes(&r, r.d2, TAP_TX, ETHERTYPE_COMET), 0);	/* never untagged */
	CU_ASSERT_EQUAL(nframes(&r, r.d1, TAP_TX, 0), 0);
	f = first(&r, r.d2, TAP_TX, ETHERTYPE_VLAN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->len, ETH_HLEN + VLAN_HLEN + len);
	CU_ASSERT_EQUAL(memcmp(f->b, mac_x, 6), 0);
	CU_ASSERT_EQUAL(memcmp(f->b + 6, r.d2->mac, 6), 0);
	CU_ASSERT_EQUAL(rd16(f->b + 14), 100);		/* PCP 0, DEI 0, VID 100 */
	CU_ASSERT_EQUAL(rd16(f->b + 16), ETHERTYPE_COMET);
	CU_ASSERT_EQUAL(f->b[18], 1);
	CU_ASSERT_EQUAL(f->b[21], 2);		/* index 1 -> 2 */
	CU_ASSERT_EQUAL(memcmp(f->b + 24, b + 6, 3), 0);
	CU_ASSERT_EQUAL(memcmp(f->b + 27, inner, ilen), 0);
	CU_ASSERT_EQUAL(r.c->forwarded, 1);
	rig_teardown(&r, false);
}

static void
test_cafe_forward_gre(void)
{
	struct rig r;
	uint8_t b[256], inner[128];
	size_t ilen, len = std_frame(b, inner, &ilen);
	const struct frame *f;
	const uint8_t *ip;
	char err[128];

	rig_setup(&r, NULL);
	CU_ASSERT_EQUAL(cafe_rule_add_device(r.c, 0xa3, "gre1", err, sizeof(err)), 0);
	/* A GRE tunnel takes no MAC, an Ethernet device needs one. */
	CU_ASSERT_EQUAL(cafe_rule_add_ethernet(r.c, 0x10, "gre1", mac_x, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(cafe_rule_add_device(r.c, 0x10, "eth1", err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(cafe_rule_add_device(r.c, 0x10, "eth9", err, sizeof(err)), -1);
	send_frame(&r, ETHERTYPE_COMET, b, len);
	sim_run(r.sim, SIM_S);
	/* ARP for the tunnel's remote end first, then the packet. */
	CU_ASSERT_EQUAL(nframes(&r, r.d1, TAP_TX, ETHERTYPE_IPV4), 1);
	f = first(&r, r.d1, TAP_TX, ETHERTYPE_IPV4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(memcmp(f->b, r.s1e->mac, 6), 0);	/* resolved by ARP */
	CU_ASSERT_EQUAL(memcmp(f->b + 6, r.d1->mac, 6), 0);
	ip = f->b + 14;
	CU_ASSERT_EQUAL(ip[0], 0x45);
	CU_ASSERT_EQUAL(rd16(ip + 2), IPV4_HLEN + GRE_HLEN + len);
	CU_ASSERT_EQUAL(ip[9], 47);			/* GRE */
	CU_ASSERT_EQUAL(csum(ip, IPV4_HLEN), 0);
	CU_ASSERT_EQUAL(memcmp(ip + 12, (const uint8_t[]){ 10, 0, 1, 1 }, 4), 0);
	CU_ASSERT_EQUAL(memcmp(ip + 16, (const uint8_t[]){ 10, 0, 1, 2 }, 4), 0);
	CU_ASSERT_EQUAL(rd16(ip + 20), 0);		/* no flags, version 0 */
	CU_ASSERT_EQUAL(rd16(ip + 22), ETHERTYPE_COMET);	/* protocol type */
	CU_ASSERT_EQUAL(ip[24], 1);
	CU_ASSERT_EQUAL(ip[27], 2);			/* index 1 -> 2 */
	CU_ASSERT_EQUAL(memcmp(ip + 30, b + 6, 3), 0);
	CU_ASSERT_EQUAL(memcmp(ip + 33, inner, ilen), 0);
	CU_ASSERT_EQUAL(r.c->rules[0xa3].frames, 1);
	CU_ASSERT_EQUAL(r.c->rules[0x10].kind, CAFE_RULE_NONE);
	rig_teardown(&r, false);
}

/* At the end of the key list: the header comes off, IP forwards the packet. */
static void
test_cafe_decapsulate(void)
{
	static const uint8_t keys[2] = { 0x01, 0xa3 };
	struct rig r;
	uint8_t b[256], inner[128];
	size_t ilen = ip_udp(inner, "10.0.0.1", "10.0.1.2", 4000, 5000, 30);
	size_t h = comet_bytes(b, 1, 0, 2, 2, 0x0800, keys, 2);
	const struct frame *f;

	memcpy(b + h, inner, ilen);
	rig_setup(&r, NULL);
	send_frame(&r, ETHERTYPE_COMET, b, h + ilen);
	sim_run(r.sim, SIM_S);
	CU_ASSERT_EQUAL(r.c->decapsulated, 1);
	CU_ASSERT_EQUAL(r.c->forwarded, 0);
	CU_ASSERT_EQUAL(nframes(&r, r.d1, TAP_TX, ETHERTYPE_COMET), 0);
	f = first(&r, r.d1, TAP_TX, ETHERTYPE_IPV4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(memcmp(f->b, r.s1e->mac, 6), 0);
	CU_ASSERT_EQUAL(f->b[14 + 8], 63);			/* routed: TTL 64 -> 63 */
	CU_ASSERT_EQUAL(csum(f->b + 14, IPV4_HLEN), 0);
	CU_ASSERT_EQUAL(memcmp(f->b + 14 + 9, inner + 9, 1), 0);
	CU_ASSERT_EQUAL(memcmp(f->b + 14 + 12, inner + 12, ilen - 12), 0);
	rig_teardown(&r, false);
}

/* ---- a rule's statistics ---- */

/*
 * Frames and bytes a rule sent out; a frame for a device or a link that
 * is down counted as the rule's drop, not as sent; the same rule added
 * again keeps its counts, a different one starts from zero, a removed
 * one has none; and the text cf_tool get prints after the rule.
 */
static void
test_cafe_rule_stats(void)
{
	struct rig r;
	uint8_t b[256], inner[128], other[6] = { 0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0x02 };
	size_t ilen, len = std_frame(b, inner, &ilen);
	const struct cafe_rule *a3;
	char err[128], line[256];

	rig_setup(&r, NULL);
	a3 = &r.c->rules[0xa3];
	CU_ASSERT_EQUAL(cafe_rule_add_ethernet(r.c, 0xa3, "eth1", mac_x, err, sizeof(err)), 0);
	send_frame(&r, ETHERTYPE_COMET, b, len);
	send_frame(&r, ETHERTYPE_COMET, b, len);
	sim_run(r.sim, SIM_S);
	CU_ASSERT_EQUAL(a3->frames, 2);
	CU_ASSERT_EQUAL(a3->bytes, 2 * len);
	CU_ASSERT_EQUAL(nframes(&r, r.d1, TAP_TX, ETHERTYPE_COMET), 2);

	/* eth1's link down: the link drops the frame, the rule counts it as link_down. */
	link_set_up(r.d1->link, false);
	send_frame(&r, ETHERTYPE_COMET, b, len);
	sim_run(r.sim, 2 * SIM_S);
	CU_ASSERT_EQUAL(a3->frames, 2);
	CU_ASSERT_EQUAL(a3->drops[CAFE_RULE_DROP_LINK_DOWN], 1);
	CU_ASSERT_EQUAL(a3->drops[CAFE_RULE_DROP_IFACE_DOWN], 0);
	link_set_up(r.d1->link, true);

	/* eth1 itself down: iface_down. */
	r.d1->up = false;
	send_frame(&r, ETHERTYPE_COMET, b, len);
	sim_run(r.sim, 3 * SIM_S);
	r.d1->up = true;
	CU_ASSERT_EQUAL(a3->frames, 2);
	CU_ASSERT_EQUAL(a3->drops[CAFE_RULE_DROP_IFACE_DOWN], 1);
	CU_ASSERT_EQUAL(a3->drops[CAFE_RULE_DROP_LINK_DOWN], 1);
	CU_ASSERT_EQUAL(nframes(&r, r.d1, TAP_TX, ETHERTYPE_COMET), 2);
	/* The CAFE's own count is unchanged: it handed all four over. */
	CU_ASSERT_EQUAL(r.c->forwarded, 4);

	cafe_rule_stats_fmt(r.c, 0xa3, line, sizeof(line));
	snprintf(err, sizeof(err), "frames 2 bytes %zu drop_iface_down 1 drop_link_down 1",
		 2 * len);
	CU_ASSERT_STRING_EQUAL(line, err);

	/* The same rule again keeps its counts. */
	CU_ASSERT_EQUAL(cafe_rule_add_ethernet(r.c, 0xa3, "eth1", mac_x, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(a3->frames, 2);
	CU_ASSERT_EQUAL(a3->drops[CAFE_RULE_DROP_LINK_DOWN], 1);
	/* Another MAC is another rule: from zero. */
	CU_ASSERT_EQUAL(cafe_rule_add_ethernet(r.c, 0xa3, "eth1", other, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(a3->frames, 0);
	CU_ASSERT_EQUAL(a3->bytes, 0);
	CU_ASSERT_EQUAL(a3->drops[CAFE_RULE_DROP_LINK_DOWN], 0);
	cafe_rule_stats_fmt(r.c, 0xa3, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "frames 0 bytes 0");
	send_frame(&r, ETHERTYPE_COMET, b, len);
	sim_run(r.sim, 4 * SIM_S);
	CU_ASSERT_EQUAL(a3->frames, 1);
	/* Another device too. */
	CU_ASSERT_EQUAL(cafe_rule_add_ethernet(r.c, 0xa3, "eth2", other, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(a3->frames, 0);
	send_frame(&r, ETHERTYPE_COMET, b, len);
	sim_run(r.sim, 5 * SIM_S);
	CU_ASSERT_EQUAL(a3->frames, 1);
	/* Removed: nothing left, and a rule added later starts from zero. */
	CU_ASSERT_EQUAL(cafe_rule_remove(r.c, 0xa3), 0);
	CU_ASSERT_EQUAL(a3->frames, 0);
	CU_ASSERT_EQUAL(cafe_rule_add_ethernet(r.c, 0xa3, "eth2", other, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(a3->frames, 0);
	rig_teardown(&r, false);
}

/* ---- drops, each with its reason ---- */

static void
test_cafe_drops(void)
{
	static const uint8_t keys[3] = { 0x01, 0xa3, 0x05 };
	static const char *const reasons[] = {
		"comet_bad_version", "comet_truncated", "comet_index_beyond_length",
		"comet_no_rule", "comet_unknown_next_proto", "comet_mtu", "comet_no_route",
	};
	uint64_t want[7] = { 0 };
	struct rig r;
	uint8_t b[2048], inner[1600];
	size_t ilen = ip_udp(inner, "10.0.0.1", "10.9.9.9", 4000, 5000, 30), h;
	char err[128];
	struct addr lo, far;

	rig_setup(&r, NULL);
	CU_ASSERT_EQUAL(cafe_rule_add_ethernet(r.c, 0xa3, "eth1", mac_x, err, sizeof(err)), 0);

	/* version 2 */
	h = comet_bytes(b, 2, 0, 3, 1, 0x0800, keys, 3);
	memcpy(b + h, inner, ilen);
	send_frame(&r, ETHERTYPE_COMET, b, h + ilen);
	want[0]++;
	/* the key list cut short: length 200, 60 bytes of keys and nothing after */
	h = comet_bytes(b, 1, 0, 200, 1, 0x0800, keys, 3);
	memset(b + h, 0xa3, 60);
	send_frame(&r, ETHERTYPE_COMET, b, 6 + 60);
	want[1]++;
	/* index 4 > length 3 */
	h = comet_bytes(b, 1, 0, 3, 4, 0x0800, keys, 3);
	memcpy(b + h, inner, ilen);
	send_frame(&r, ETHERTYPE_COMET, b, h + ilen);
	want[2]++;
	/* index 2: key 05 has no rule */
	h = comet_bytes(b, 1, 0, 3, 2, 0x0800, keys, 3);
	memcpy(b + h, inner, ilen);
	send_frame(&r, ETHERTYPE_COMET, b, h + ilen);
	want[3]++;
	/* at the end of the keys with next protocol 0x1234 */
	h = comet_bytes(b, 1, 0, 3, 3, 0x1234, keys, 3);
	memcpy(b + h, inner, ilen);
	send_frame(&r, ETHERTYPE_COMET, b, h + ilen);
	want[4]++;
	sim_run(r.sim, SIM_S);
	for (int i = 0; i < 7; i++) {
		CU_ASSERT_EQUAL(cafe_drops(&r, reasons[i]), want[i]);
		if (cafe_drops(&r, reasons[i]) != want[i])
			fprintf(stderr, "\n  %s: %" PRIu64 " drops, want %" PRIu64 "\n", reasons[i],
				cafe_drops(&r, reasons[i]), want[i]);
	}
	CU_ASSERT_EQUAL(nframes(&r, r.d1, TAP_TX, 0), 0);
	CU_ASSERT_EQUAL(nframes(&r, r.d2, TAP_TX, 0), 0);
	CU_ASSERT_EQUAL(r.c->forwarded + r.c->decapsulated, 0);
	CU_ASSERT_EQUAL(r.c->comet_in, 5);

	/* A frame one byte larger than eth1's MTU once the header is on. */
	h = comet_bytes(b, 1, 0, 3, 1, 0x0800, keys, 3);
	ilen = ip_udp(inner, "10.0.0.1", "10.9.9.9", 4000, 5000,
		      r.d1->mtu - h - IPV4_HLEN - UDP_HLEN + 1);
	memcpy(b + h, inner, ilen);
	r.d0->mtu = 2000;
	r.t0->mtu = 2000;
	send_frame(&r, ETHERTYPE_COMET, b, h + ilen);
	want[5]++;
	/* The same frame at exactly the MTU goes. */
	ilen = ip_udp(inner, "10.0.0.1", "10.9.9.9", 4000, 5000,
		      r.d1->mtu - h - IPV4_HLEN - UDP_HLEN);
	memcpy(b + h, inner, ilen);
	send_frame(&r, ETHERTYPE_COMET, b, h + ilen);
	/* A tunnel whose remote end has no route. */
	addr_parse("10.0.1.1", &lo);
	addr_parse("172.30.0.1", &far);
	CU_ASSERT_PTR_NOT_NULL_FATAL(iface_add_gre(r.dut, "gre2", &lo, &far));
	CU_ASSERT_EQUAL(cafe_rule_add_device(r.c, 0x05, "gre2", err, sizeof(err)), 0);
	h = comet_bytes(b, 1, 0, 3, 2, 0x0800, keys, 3);
	ilen = ip_udp(inner, "10.0.0.1", "10.9.9.9", 4000, 5000, 30);
	memcpy(b + h, inner, ilen);
	send_frame(&r, ETHERTYPE_COMET, b, h + ilen);
	want[6]++;
	sim_run(r.sim, 2 * SIM_S);
	for (int i = 0; i < 7; i++) {
		CU_ASSERT_EQUAL(cafe_drops(&r, reasons[i]), want[i]);
		if (cafe_drops(&r, reasons[i]) != want[i])
			fprintf(stderr, "\n  %s: %" PRIu64 " drops, want %" PRIu64 "\n", reasons[i],
				cafe_drops(&r, reasons[i]), want[i]);
	}
	CU_ASSERT_EQUAL(r.c->forwarded, 1);
	CU_ASSERT_EQUAL(nframes(&r, r.d1, TAP_TX, ETHERTYPE_COMET), 1);
	CU_ASSERT_EQUAL(nframes(&r, r.d1, TAP_TX, ETHERTYPE_IPV4), 0);
	/* The drops a rule was used for are its own too. */
	CU_ASSERT_EQUAL(r.c->rules[0xa3].drops[CAFE_RULE_DROP_MTU], 1);
	CU_ASSERT_EQUAL(r.c->rules[0xa3].frames, 1);
	CU_ASSERT_EQUAL(r.c->rules[0x05].drops[CAFE_RULE_DROP_NO_ROUTE], 1);
	CU_ASSERT_EQUAL(r.c->rules[0x05].frames, 0);
	/* Removing a rule: its key has none any more. */
	CU_ASSERT_EQUAL(cafe_rule_remove(r.c, 0xa3), 0);
	CU_ASSERT_EQUAL(cafe_rule_remove(r.c, 0xa3), -1);
	CU_ASSERT_EQUAL(r.c->rules[0xa3].kind, CAFE_RULE_NONE);
	rig_teardown(&r, false);
}

/* ---- interception ---- */

static void
send_udp_cb(struct sim *sim, void *ctx, void *arg)
{
	struct rig *r = ctx;
	uintptr_t dport = (uintptr_t)arg;
	uint8_t buf[128];
	struct pkt *p;
	size_t len = ip_udp(buf, "10.0.0.1", "10.0.1.2", 4000, (uint16_t)dport, 30);

	/* From t, to dut's MAC: t's gateway. */
	p = pkt_alloc(len);
	memcpy(pkt_put(p, len), buf, len);
	iface_output(r->t0, ETHERTYPE_IPV4, r->d0->mac, p);
}

static void
test_cafe_intercept(void)
{
	static const uint8_t keys[3] = { 0xa3, 0x05, 0x07 };
	struct cafe_filter_spec s;
	struct cafe_expired *x;
	struct rig r;
	uint8_t inner[128];
	size_t ilen = ip_udp(inner, "10.0.0.1", "10.0.1.2", 4000, 80, 30), n;
	const struct frame *f;
	char err[128];
	unsigned passed;
	sim_time_t t1, t3;

	rig_setup(&r, NULL);
	CU_ASSERT_EQUAL(cafe_rule_add_ethernet(r.c, 0xa3, "eth2", mac_x, err, sizeof(err)), 0);
	memset(&s, 0, sizeof(s));
	s.id = 42;
	s.timeout_s = 1;
	addr_parse("10.0.0.1", &s.src);
	addr_parse("10.0.1.2", &s.dst);
	s.proto = 17;
	s.dport = 80;
	s.cos = 1;
	s.nkeys = 3;
	memcpy(s.keys, keys, 3);
	snprintf(s.as_path, sizeof(s.as_path), "-");
	CU_ASSERT_EQUAL(cafe_filter_add(r.c, &s, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cafe_filter_add(r.c, &s, err, sizeof(err)), -1);	/* same id */
	/* Three packets the filter matches at 0, 100 and 250 ms; one it does not. */
	sim_schedule_at(r.sim, 0, send_udp_cb, &r, (void *)(uintptr_t)80);
	sim_schedule_at(r.sim, 100 * SIM_MS, send_udp_cb, &r, (void *)(uintptr_t)80);
	sim_schedule_at(r.sim, 250 * SIM_MS, send_udp_cb, &r, (void *)(uintptr_t)80);
	sim_schedule_at(r.sim, 300 * SIM_MS, send_udp_cb, &r, (void *)(uintptr_t)81);
	sim_run(r.sim, 500 * SIM_MS);
	CU_ASSERT_EQUAL(r.c->intercepted, 3);
	CU_ASSERT_EQUAL(r.c->passed, 1);
	CU_ASSERT_EQUAL(nframes(&r, r.d2, TAP_TX, ETHERTYPE_COMET), 3);
	f = first(&r, r.d2, TAP_TX, ETHERTYPE_COMET);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(memcmp(f->b, mac_x, 6), 0);
	CU_ASSERT_EQUAL(memcmp(f->b + 6, r.d2->mac, 6), 0);
	CU_ASSERT_EQUAL(f->b[14], 1);		/* version */
	CU_ASSERT_EQUAL(f->b[15], 1);		/* the filter's cos */
	CU_ASSERT_EQUAL(f->b[16], 3);		/* its keys */
	CU_ASSERT_EQUAL(f->b[17], 1);		/* index 0, the first key used here */
	CU_ASSERT_EQUAL(rd16(f->b + 18), ETHERTYPE_IPV4);
	CU_ASSERT_EQUAL(memcmp(f->b + 20, keys, 3), 0);
	CU_ASSERT_EQUAL(memcmp(f->b + 23, inner, ilen), 0);	/* the packet as it came */
	CU_ASSERT_EQUAL(f->len, ETH_HLEN + 9 + ilen);
	/* The other packet went on by IP, untouched but for its TTL. */
	passed = nframes(&r, r.d1, TAP_TX, ETHERTYPE_IPV4);
	CU_ASSERT_EQUAL(passed, 1);
	f = first(&r, r.d1, TAP_TX, ETHERTYPE_IPV4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(rd16(f->b + 14 + 22), 81);
	CU_ASSERT_EQUAL(f->b[14 + 8], 63);
	CU_ASSERT_EQUAL(nframes(&r, r.d1, TAP_TX, ETHERTYPE_COMET), 0);

	/* Idle for 1 s after the last packet it matched (sent at 250 ms). */
	t1 = when(&r, r.d0, TAP_RX, ETHERTYPE_IPV4, 0);
	t3 = when(&r, r.d0, TAP_RX, ETHERTYPE_IPV4, 2);
	CU_ASSERT_EQUAL(t3 - t1, 250 * SIM_MS);
	sim_run(r.sim, t3 + SIM_S - 1);
	x = cafe_collect(r.c, &n);
	CU_ASSERT_EQUAL(n, 0);
	free(x);
	sim_run(r.sim, 3 * SIM_S);
	x = cafe_collect(r.c, &n);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_EQUAL(x[0].s.id, 42);
	CU_ASSERT_EQUAL(x[0].packets, 3);
	CU_ASSERT_EQUAL(x[0].transferred_bytes, 3 * ilen);	/* IP bytes, as intercepted */
	CU_ASSERT_EQUAL(x[0].duration, t3 - t1);		/* first to last packet */
	CU_ASSERT_EQUAL(x[0].expired_at, t3 + SIM_S);
	free(x);
	CU_ASSERT_EQUAL(r.c->filters->len, 0);
	x = cafe_collect(r.c, &n);	/* collected once only */
	CU_ASSERT_EQUAL(n, 0);
	free(x);
	rig_teardown(&r, false);
}

/* intercept=eth1: a packet that arrives on eth0 is not looked at. */
static void
test_cafe_intercept_ifaces(void)
{
	static const uint8_t keys[1] = { 0xa3 };
	struct cafe_filter_spec s;
	struct rig r;
	char err[128];

	rig_setup(&r, "intercept=eth1,eth2");
	CU_ASSERT_EQUAL(cafe_rule_add_ethernet(r.c, 0xa3, "eth2", mac_x, err, sizeof(err)), 0);
	memset(&s, 0, sizeof(s));
	s.id = 1;
	s.nkeys = 1;
	memcpy(s.keys, keys, 1);
	CU_ASSERT_EQUAL(cafe_filter_add(r.c, &s, err, sizeof(err)), 0);	/* matches all */
	sim_schedule_at(r.sim, 0, send_udp_cb, &r, (void *)(uintptr_t)80);
	sim_run(r.sim, SIM_S);
	CU_ASSERT_EQUAL(r.c->intercepted, 0);
	CU_ASSERT_EQUAL(r.c->passed, 1);
	CU_ASSERT_EQUAL(nframes(&r, r.d1, TAP_TX, ETHERTYPE_IPV4), 1);
	CU_ASSERT_EQUAL(nframes(&r, r.d2, TAP_TX, ETHERTYPE_COMET), 0);
	rig_teardown(&r, true);

	rig_setup(&r, "intercept=eth2,eth0");
	CU_ASSERT_EQUAL(cafe_rule_add_ethernet(r.c, 0xa3, "eth2", mac_x, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cafe_filter_add(r.c, &s, err, sizeof(err)), 0);
	sim_schedule_at(r.sim, 0, send_udp_cb, &r, (void *)(uintptr_t)80);
	sim_run(r.sim, SIM_S);
	CU_ASSERT_EQUAL(r.c->intercepted, 1);
	CU_ASSERT_EQUAL(nframes(&r, r.d2, TAP_TX, ETHERTYPE_COMET), 1);
	rig_teardown(&r, true);
}

/* Each field of a filter must match; the first filter added that matches wins. */
static void
test_cafe_filter_fields(void)
{
	static const uint8_t k1[1] = { 0xa3 }, k2[1] = { 0xb4 };
	struct cafe_filter_spec s;
	struct rig r;
	char err[128];
	const struct frame *f;

	rig_setup(&r, NULL);
	CU_ASSERT_EQUAL(cafe_rule_add_ethernet(r.c, 0xa3, "eth2", mac_x, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cafe_rule_add_ethernet(r.c, 0xb4, "eth2.100", mac_x, err,
					       sizeof(err)), 0);
	memset(&s, 0, sizeof(s));
	s.nkeys = 1;
	/* Filters that each miss the packet (10.0.0.1:4000 -> 10.0.1.2:80, UDP) by one field. */
	memcpy(s.keys, k2, 1);
	s.id = 1;
	addr_parse("10.0.0.9", &s.src);
	CU_ASSERT_EQUAL(cafe_filter_add(r.c, &s, err, sizeof(err)), 0);
	memset(&s.src, 0, sizeof(s.src));
	s.id = 2;
	addr_parse("10.0.1.3", &s.dst);
	CU_ASSERT_EQUAL(cafe_filter_add(r.c, &s, err, sizeof(err)), 0);
	memset(&s.dst, 0, sizeof(s.dst));
	s.id = 3;
	s.proto = 6;
	CU_ASSERT_EQUAL(cafe_filter_add(r.c, &s, err, sizeof(err)), 0);
	s.proto = 0;
	s.id = 4;
	s.sport = 4001;
	CU_ASSERT_EQUAL(cafe_filter_add(r.c, &s, err, sizeof(err)), 0);
	s.sport = 0;
	s.id = 5;
	s.dport = 8080;
	CU_ASSERT_EQUAL(cafe_filter_add(r.c, &s, err, sizeof(err)), 0);
	s.dport = 0;
	s.id = 6;
	addr_parse("2001:db8::1", &s.src);
	CU_ASSERT_EQUAL(cafe_filter_add(r.c, &s, err, sizeof(err)), 0);	/* other family */
	memset(&s.src, 0, sizeof(s.src));
	/* Then one that matches, then another that would too. */
	s.id = 7;
	memcpy(s.keys, k1, 1);
	s.sport = 4000;
	s.dport = 80;
	CU_ASSERT_EQUAL(cafe_filter_add(r.c, &s, err, sizeof(err)), 0);
	s.id = 8;
	memcpy(s.keys, k2, 1);
	CU_ASSERT_EQUAL(cafe_filter_add(r.c, &s, err, sizeof(err)), 0);
	sim_schedule_at(r.sim, 0, send_udp_cb, &r, (void *)(uintptr_t)80);
	sim_run(r.sim, SIM_S);
	CU_ASSERT_EQUAL(r.c->intercepted, 1);
	CU_ASSERT_EQUAL(nframes(&r, r.d2, TAP_TX, ETHERTYPE_COMET), 1);
	CU_ASSERT_EQUAL(nframes(&r, r.d2, TAP_TX, ETHERTYPE_VLAN), 0);
	f = first(&r, r.d2, TAP_TX, ETHERTYPE_COMET);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_EQUAL(f->b[20], 0xa3);
	/* Removed, a filter takes nothing more: the next one does. */
	CU_ASSERT_EQUAL(cafe_filter_remove(r.c, 7), 0);
	CU_ASSERT_EQUAL(cafe_filter_remove(r.c, 7), -1);
	sim_schedule_at(r.sim, 2 * SIM_S, send_udp_cb, &r, (void *)(uintptr_t)80);
	sim_run(r.sim, 3 * SIM_S);
	CU_ASSERT_EQUAL(r.c->intercepted, 2);
	CU_ASSERT_EQUAL(nframes(&r, r.d2, TAP_TX, ETHERTYPE_VLAN), 1);
	rig_teardown(&r, false);
}

/* ---- golden frames ---- */

/* A UDP datagram over IPv6 in buf, with its checksum; returns its length. */
static size_t
ip6_udp(uint8_t *buf, const char *src, const char *dst, uint16_t sport, uint16_t dport,
	const char *text)
{
	struct addr s, d;
	size_t n = strlen(text), ulen = UDP_HLEN + n;

	addr_parse(src, &s);
	addr_parse(dst, &d);
	ipv6_hdr_write(buf, (uint16_t)ulen, IPPROTO_UDP_, 64, &s, &d);
	wr16(buf + 40, sport);
	wr16(buf + 42, dport);
	wr16(buf + 44, (uint16_t)ulen);
	wr16(buf + 46, 0);
	memcpy(buf + 48, text, n);
	wr16(buf + 46, csum_fold(csum_add(csum_pseudo(&s, &d, IPPROTO_UDP_, (uint32_t)ulen),
					  buf + 40, ulen)));
	return IPV6_HLEN + ulen;
}

/* As ip_udp with a text payload and the UDP checksum filled in. */
static size_t
ip4_udp_text(uint8_t *buf, const char *src, const char *dst, uint16_t sport, uint16_t dport,
	     const char *text)
{
	struct addr s, d;
	size_t n = strlen(text), len = ip_udp(buf, src, dst, sport, dport, n);

	memcpy(buf + 28, text, n);
	addr_parse(src, &s);
	addr_parse(dst, &d);
	wr16(buf + 26, csum_fold(csum_add(csum_pseudo(&s, &d, IPPROTO_UDP_,
						      (uint32_t)(UDP_HLEN + n)), buf + 20,
					  UDP_HLEN + n)));
	return len;
}

static void
send_ip(struct rig *r, uint16_t type, const uint8_t *b, size_t len)
{
	struct pkt *p = pkt_alloc(len);

	memcpy(pkt_put(p, len), b, len);
	iface_output(r->t0, type, r->d0->mac, p);
}

/*
 * What dut sends on eth1 and eth2 (ARP aside): an IPv4/UDP packet
 * intercepted (cos 1, keys a3 05) and forwarded over Ethernet; a COMET
 * frame forwarded over VLAN 100 (its last key); one forwarded through
 * GRE (index 1 of 3); an IPv6/UDP packet intercepted (cos 2, key a3).
 */
static void
test_cafe_golden(void)
{
	static const uint8_t k4[2] = { 0xa3, 0x05 }, k6[1] = { 0xa3 };
	static const uint8_t kv[2] = { 0x01, 0xb4 }, kg[3] = { 0x01, 0xc5, 0x07 };
	struct cafe_filter_spec s;
	struct rig r;
	uint8_t b[256], ip[200];
	size_t h, n;
	char err[128], got[8][2 * FBYTES + 1];
	unsigned ngot = 0;

	rig_setup(&r, NULL);
	CU_ASSERT_EQUAL(cafe_rule_add_ethernet(r.c, 0xa3, "eth1", mac_x, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(cafe_rule_add_ethernet(r.c, 0xb4, "eth2.100", mac_x, err,
					       sizeof(err)), 0);
	CU_ASSERT_EQUAL(cafe_rule_add_device(r.c, 0xc5, "gre1", err, sizeof(err)), 0);
	memset(&s, 0, sizeof(s));
	s.id = 1;
	s.proto = 17;
	s.dport = 80;
	s.cos = 1;
	s.nkeys = 2;
	memcpy(s.keys, k4, 2);
	addr_parse("10.0.0.1", &s.src);
	CU_ASSERT_EQUAL(cafe_filter_add(r.c, &s, err, sizeof(err)), 0);
	s.id = 2;
	s.cos = 2;
	s.nkeys = 1;
	memcpy(s.keys, k6, 1);
	addr_parse("2001:db8::1", &s.src);
	CU_ASSERT_EQUAL(cafe_filter_add(r.c, &s, err, sizeof(err)), 0);

	n = ip4_udp_text(ip, "10.0.0.1", "10.0.1.2", 4000, 80, "comet v4");
	send_ip(&r, ETHERTYPE_IPV4, ip, n);
	sim_run(r.sim, SIM_S);
	h = comet_bytes(b, 1, 0, 2, 1, ETHERTYPE_IPV4, kv, 2);
	n = ip4_udp_text(b + h, "10.0.0.1", "192.168.100.2", 4001, 81, "over vlan 100");
	send_frame(&r, ETHERTYPE_COMET, b, h + n);
	sim_run(r.sim, 2 * SIM_S);
	h = comet_bytes(b, 1, 2, 3, 1, ETHERTYPE_IPV4, kg, 3);
	n = ip4_udp_text(b + h, "10.0.0.1", "10.7.7.7", 4002, 82, "through gre");
	send_frame(&r, ETHERTYPE_COMET, b, h + n);
	sim_run(r.sim, 3 * SIM_S);
	n = ip6_udp(ip, "2001:db8::1", "2001:db8:1::2", 4003, 80, "comet v6");
	send_ip(&r, ETHERTYPE_IPV6, ip, n);
	sim_run(r.sim, 4 * SIM_S);

	for (unsigned i = 0; i < r.n && ngot < 8; i++) {
		const struct frame *f = &r.f[i];

		if (f->dir != TAP_TX || (f->ifc != r.d1 && f->ifc != r.d2) ||
		    rd16(f->b + 12) == ETHERTYPE_ARP ||
		    (rd16(f->b + 12) == ETHERTYPE_VLAN && rd16(f->b + 16) == ETHERTYPE_ARP))
			continue;
		for (unsigned k = 0; k < f->len && k < FBYTES; k++)
			snprintf(got[ngot] + 2 * k, 3, "%02x", f->b[k]);
		ngot++;
	}
	CU_ASSERT_EQUAL(ngot, golden_cafe_n);
	for (unsigned i = 0; i < ngot; i++) {
		bool same = i < golden_cafe_n && strcmp(got[i], golden_cafe[i]) == 0;

		CU_ASSERT_TRUE(same);
		if (!same)
			fprintf(stderr, "\n  frame %u:\n  got  %s\n  want %s\n", i + 1, got[i],
				i < golden_cafe_n ? golden_cafe[i] : "(none)");
	}
	rig_teardown(&r, false);
}

int
suite_cafe_register(void)
{
	CU_pSuite s = CU_add_suite("cafe", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "forward by key over Ethernet", test_cafe_forward_ethernet) ||
	    !CU_add_test(s, "forward by key over a VLAN", test_cafe_forward_vlan) ||
	    !CU_add_test(s, "forward by key through GRE", test_cafe_forward_gre) ||
	    !CU_add_test(s, "decapsulate at the end of the keys", test_cafe_decapsulate) ||
	    !CU_add_test(s, "drops, each with its reason", test_cafe_drops) ||
	    !CU_add_test(s, "a rule's statistics", test_cafe_rule_stats) ||
	    !CU_add_test(s, "interception and the expired stream", test_cafe_intercept) ||
	    !CU_add_test(s, "interception on the listed interfaces", test_cafe_intercept_ifaces) ||
	    !CU_add_test(s, "filter fields and order", test_cafe_filter_fields) ||
	    !CU_add_test(s, "golden frames", test_cafe_golden))
		return -1;
	return 0;
}
