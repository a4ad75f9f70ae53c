/*
 * nd.c - minimal IPv6 neighbour discovery (RFC 4861): neighbour
 * solicitation and advertisement with link-layer address options, enough
 * to resolve on-link next hops.  No router discovery, no duplicate
 * address detection, no NUD states beyond the cache of arp.c.
 *
 * A solicitation goes to the target's solicited-node multicast address
 * ff02::1:ffXX:XXXX (MAC 33:33:ff:XX:XX:XX) with hop limit 255 and the
 * sender's link-layer address; the advertisement answers to the sender
 * with the Solicited and Override flags (and Router when forwarding).
 */
#include <string.h>

#include "sim/net.h"
#include "sim/wire.h"

#define ND_NS	135
#define ND_NA	136
#define ND_LEN	32	/* header, target and one link-layer address option */

static void
solicited_node(const struct addr *target, struct addr *mc, uint8_t mac[6])
{
	memset(mc, 0, sizeof(*mc));
	mc->af = ADDR_V6;
	mc->a[0] = 0xff;
	mc->a[1] = 0x02;
	mc->a[11] = 0x01;
	mc->a[12] = 0xff;
	memcpy(mc->a + 13, target->a + 13, 3);
	mac[0] = 0x33;
	mac[1] = 0x33;
	memcpy(mac + 2, mc->a + 12, 4);
}

static void
nd_send(struct iface *ifc, uint8_t type, uint8_t flags, const struct addr *target,
	const struct addr *src, const struct addr *dst, const uint8_t dst_mac[6])
{
	struct pkt *p = pkt_alloc(ND_LEN);
	uint8_t *m = pkt_put(p, ND_LEN);

	memset(m, 0, ND_LEN);
	m[0] = type;
	m[4] = flags;
	memcpy(m + 8, target->a, 16);
	m[24] = type == ND_NS ? 1 : 2;	/* source / target link-layer address */
	m[25] = 1;			/* length in units of 8 bytes */
	memcpy(m + 26, ifc->mac, 6);
	wr16(m + 2, csum_fold(csum_add(csum_pseudo(src, dst, IPPROTO_ICMPV6_, ND_LEN),
				       m, ND_LEN)));
	ipv6_output_if(ifc, src, dst, IPPROTO_ICMPV6_, 255, dst_mac, p);
}

void
nd_solicit(struct iface *ifc, struct neigh *ne)
{
	const struct addr *src = NULL;
	struct addr mc;
	uint8_t mac[6];

	/* A global source on the target's prefix, else the link-local one. */
	for (unsigned i = 0; i < ifc->naddrs; i++) {
		struct prefix pf;

		if (ifc->addrs[i].addr.af != ADDR_V6)
			continue;
		pf.addr = ifc->addrs[i].addr;
		pf.len = ifc->addrs[i].plen;
		addr_mask(&pf.addr, pf.len);
		if (prefix_contains(&pf, &ne->ip)) {
			src = &ifc->addrs[i].addr;
			break;
		}
	}
	if (!src)
		src = &ifc->ll6;
	solicited_node(&ne->ip, &mc, mac);
	nd_send(ifc, ND_NS, 0, &ne->ip, src, &mc, mac);
}

static const uint8_t *
nd_lladdr(const uint8_t *opt, size_t len, uint8_t want)
{
	while (len >= 8) {
		size_t olen = (size_t)opt[1] * 8;

		if (olen == 0 || olen > len)
			return NULL;
		if (opt[0] == want && olen >= 8)
			return opt + 2;
		opt += olen;
		len -= olen;
	}
	return NULL;
}

void
nd_input(struct iface *ifc, struct pkt *p, const struct addr *src,
	 const struct addr *dst, uint8_t hop_limit)
{
	struct node *n = ifc->node;
	const uint8_t *m = p->data;
	struct addr target;
	const uint8_t *ll;

	if (p->len < 24 || hop_limit != 255) {
		stats_drop(&n->cnt, DROP_MALFORMED);
		pkt_free(p);
		return;
	}
	memset(&target, 0, sizeof(target));
	target.af = ADDR_V6;
	memcpy(target.a, m + 8, 16);
	if (m[0] == ND_NS) {
		uint8_t mac[6];
		static const struct addr unspec = { .af = ADDR_V6 };

		ll = nd_lladdr(m + 24, p->len - 24, 1);
		if (!node_has_addr(n, &target) || !ll || addr_eq(src, &unspec)) {
			stats_drop(&n->cnt, DROP_NOT_FOR_US);
			pkt_free(p);
			return;
		}
		memcpy(mac, ll, 6);
		neigh_learn(ifc, src, mac, true);
		nd_send(ifc, ND_NA, n->forwarding ? 0xe0 : 0x60, &target, &target, src, mac);
	} else if (m[0] == ND_NA) {
		ll = nd_lladdr(m + 24, p->len - 24, 2);
		if (ll)
			neigh_learn(ifc, &target, ll, false);
	}
	pkt_free(p);
}
