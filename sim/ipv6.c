/*
 * ipv6.c - IPv6 (RFC 8200) without extension headers: input checks,
 * local delivery (own addresses, link-local, all-nodes and
 * solicited-node multicast), forwarding with hop-limit decrement, output.
 *
 * Packets with an extension header are delivered by their Next Header
 * value like any other protocol, so an unknown one is counted as
 * unknown_proto.  Link-local and multicast destinations are never
 * forwarded.
 */
#include <string.h>

#include "sim/net.h"
#include "sim/wire.h"

static void
v6_addr(struct addr *a, const uint8_t *p)
{
	memset(a, 0, sizeof(*a));
	a->af = ADDR_V6;
	memcpy(a->a, p, 16);
}

/* ff02::1, or the solicited-node group of one of the interface's addresses. */
static bool
v6_our_multicast(const struct iface *ifc, const struct addr *dst)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	static const uint8_t sn_prefix[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

	if (memcmp(dst->a, all_nodes, 16) == 0)
		return true;
	if (!ifc || memcmp(dst->a, sn_prefix, 13) != 0)
		return false;
	if (memcmp(ifc->ll6.a + 13, dst->a + 13, 3) == 0)
		return true;
	for (unsigned i = 0; i < ifc->naddrs; i++)
		if (ifc->addrs[i].addr.af == ADDR_V6 &&
		    memcmp(ifc->addrs[i].addr.a + 13, dst->a + 13, 3) == 0)
			return true;
	return false;
}

static int
v6_send(struct node *n, struct pkt *p, const struct addr *dst)
{
	const struct route *r = route_lookup(n, dst);

	if (!r || !r->ifc) {
		stats_drop(&n->cnt, DROP_NO_ROUTE);
		pkt_free(p);
		return -1;
	}
	if (p->len > r->ifc->mtu) {
		stats_drop(&n->cnt, DROP_MTU);
		pkt_free(p);
		return -1;
	}
	neigh_output(r->ifc, r->gw.af == ADDR_V6 ? &r->gw : dst, p);
	return 0;
}

void
ipv6_input(struct iface *ifc, struct pkt *p)
{
	ipv6_input_node(ifc->node, ifc, p);
}

void
ipv6_input_node(struct node *n, struct iface *ifc, struct pkt *p)
{
	const uint8_t *h = p->data;
	struct addr src, dst;
	unsigned plen;
	uint8_t next, hl;

	if (p->len < IPV6_HLEN || (h[0] >> 4) != 6) {
		stats_drop(&n->cnt, DROP_MALFORMED);
		pkt_free(p);
		return;
	}
	plen = rd16(h + 4);
	if (IPV6_HLEN + plen > p->len) {
		stats_drop(&n->cnt, DROP_MALFORMED);
		pkt_free(p);
		return;
	}
	pkt_trim(p, IPV6_HLEN + plen);
	v6_addr(&src, h + 8);
	v6_addr(&dst, h + 24);
	next = h[6];
	hl = h[7];
	if (node_has_addr(n, &dst) || v6_our_multicast(ifc, &dst)) {
		stats_rx(&n->cnt, p->len);
		p->ttl = hl;
		pkt_pull(p, IPV6_HLEN);
		if (next == IPPROTO_ICMPV6_)
			icmp6_input(n, ifc, p, &src, &dst, hl);
		else
			ip_local_deliver(n, next, p, &src, &dst);
		return;
	}
	if (!n->forwarding || !ifc || dst.a[0] == 0xff ||
	    (dst.a[0] == 0xfe && (dst.a[1] & 0xc0) == 0x80)) {
		stats_drop(&n->cnt, DROP_NOT_FOR_US);
		pkt_free(p);
		return;
	}
	ipv6_route_packet(n, ifc, p);
}

int
ipv6_route_packet(struct node *n, struct iface *in, struct pkt *p)
{
	uint8_t *h = p->data;
	struct addr dst;

	if (p->len < IPV6_HLEN) {
		stats_drop(&n->cnt, DROP_MALFORMED);
		pkt_free(p);
		return -1;
	}
	v6_addr(&dst, h + 24);
	if (in) {
		if (h[7] <= 1) {
			stats_drop(&n->cnt, DROP_TTL);
			pkt_free(p);
			return -1;
		}
		h[7]--;
	}
	if (node_has_addr(n, &dst)) {
		ip_loopback(n, p, ETHERTYPE_IPV6);
		return 0;
	}
	return v6_send(n, p, &dst);
}

int
ipv6_output(struct node *n, const struct addr *src, const struct addr *dst,
	    uint8_t proto, struct pkt *p)
{
	return ipv6_output_ttl(n, src, dst, proto, IP_TTL_DEFAULT, p);
}

int
ipv6_output_ttl(struct node *n, const struct addr *src, const struct addr *dst,
		uint8_t proto, uint8_t hop_limit, struct pkt *p)
{
	uint8_t *h;

	if (!n->up) {
		stats_drop(&n->cnt, DROP_NODE_DOWN);
		pkt_free(p);
		return -1;
	}
	if (!src) {
		if (node_has_addr(n, dst)) {
			src = dst;
		} else {
			const struct route *r = route_lookup(n, dst);

			if (!r || !r->ifc || !(src = node_src_addr(n, r->ifc, ADDR_V6))) {
				stats_drop(&n->cnt, DROP_NO_ROUTE);
				pkt_free(p);
				return -1;
			}
		}
	}
	h = pkt_push(p, IPV6_HLEN);
	ipv6_hdr_write(h, (uint16_t)(p->len - IPV6_HLEN), proto, hop_limit, src, dst);
	stats_tx(&n->cnt, p->len);
	if (node_has_addr(n, dst)) {
		ip_loopback(n, p, ETHERTYPE_IPV6);
		return 0;
	}
	return v6_send(n, p, dst);
}

int
ipv6_output_if(struct iface *ifc, const struct addr *src, const struct addr *dst,
	       uint8_t proto, uint8_t hop_limit, const uint8_t *dst_mac, struct pkt *p)
{
	uint8_t *h = pkt_push(p, IPV6_HLEN);

	ipv6_hdr_write(h, (uint16_t)(p->len - IPV6_HLEN), proto, hop_limit, src, dst);
	if (dst_mac)
		iface_output(ifc, ETHERTYPE_IPV6, dst_mac, p);
	else
		neigh_output(ifc, dst, p);
	return 0;
}
