/*
 * ipv4.c - IPv4 (RFC 791): input checks, local delivery, forwarding by
 * longest-prefix match, output.
 *
 * Received packets are checked (version, header length, total length,
 * header checksum) and trimmed to their total length (Ethernet padding).
 * Forwarding decrements the TTL with an incremental checksum update
 * (RFC 1624).  Packets larger than the outgoing MTU are dropped (reason
 * mtu): the emulator sets DF on what it originates and never fragments.
 * Packets a node sends to its own address are delivered through a
 * zero-delay event, never by re-entering the stack.
 */
#include <string.h>

#include "sim/net.h"
#include "sim/wire.h"

static void
v4_addr(struct addr *a, const uint8_t *p)
{
	memset(a, 0, sizeof(*a));
	a->af = ADDR_V4;
	memcpy(a->a, p, 4);
}

static int
v4_send(struct node *n, struct pkt *p, const struct addr *dst)
{
	const struct route *r = route_lookup(n, dst);
	const struct addr *nh;

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
	nh = r->gw.af == ADDR_V4 ? &r->gw : dst;
	neigh_output(r->ifc, nh, p);
	return 0;
}

void
ipv4_input(struct iface *ifc, struct pkt *p)
{
	ipv4_input_node(ifc->node, ifc, p);
}

void
ipv4_input_node(struct node *n, struct iface *ifc, struct pkt *p)
{
	const uint8_t *h = p->data;
	unsigned hlen, total;
	struct addr src, dst;

	if (p->len < IPV4_HLEN || (h[0] >> 4) != 4 || (h[0] & 0xf) < 5) {
		stats_drop(&n->cnt, DROP_MALFORMED);
		pkt_free(p);
		return;
	}
	hlen = (h[0] & 0xfu) * 4u;
	total = rd16(h + 2);
	if (hlen > p->len || total < hlen || total > p->len) {
		stats_drop(&n->cnt, DROP_MALFORMED);
		pkt_free(p);
		return;
	}
	if (csum(h, hlen) != 0) {
		stats_drop(&n->cnt, DROP_BAD_CHECKSUM);
		pkt_free(p);
		return;
	}
	pkt_trim(p, total);
	v4_addr(&src, h + 12);
	v4_addr(&dst, h + 16);
	if (node_has_addr(n, &dst) || addr_v4_host(&dst) == 0xffffffffu) {
		if (rd16(h + 6) & 0x3fff) {
			/* A fragment: the emulator never makes them and does not reassemble. */
			stats_drop(&n->cnt, DROP_MALFORMED);
			pkt_free(p);
			return;
		}
		stats_rx(&n->cnt, p->len);
		p->ttl = h[8];
		pkt_pull(p, hlen);
		ip_local_deliver(n, h[9], p, &src, &dst);
		return;
	}
	if (!n->forwarding || !ifc) {
		stats_drop(&n->cnt, DROP_NOT_FOR_US);
		pkt_free(p);
		return;
	}
	ipv4_route_packet(n, ifc, p);
}

int
ipv4_route_packet(struct node *n, struct iface *in, struct pkt *p)
{
	uint8_t *h = p->data;
	struct addr dst;

	if (p->len < IPV4_HLEN) {
		stats_drop(&n->cnt, DROP_MALFORMED);
		pkt_free(p);
		return -1;
	}
	v4_addr(&dst, h + 16);
	if (in) {
		uint16_t old = rd16(h + 8);

		if (h[8] <= 1) {
			stats_drop(&n->cnt, DROP_TTL);
			pkt_free(p);
			return -1;
		}
		h[8]--;
		wr16(h + 10, csum_update16(rd16(h + 10), old, rd16(h + 8)));
	}
	if (node_has_addr(n, &dst)) {
		ip_loopback(n, p, ETHERTYPE_IPV4);
		return 0;
	}
	return v4_send(n, p, &dst);
}

int
ipv4_output(struct node *n, const struct addr *src, const struct addr *dst,
	    uint8_t proto, struct pkt *p)
{
	return ipv4_output_ttl(n, src, dst, proto, IP_TTL_DEFAULT, p);
}

int
ipv4_output_ttl(struct node *n, const struct addr *src, const struct addr *dst,
		uint8_t proto, uint8_t ttl, struct pkt *p)
{
	const struct route *r = NULL;
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
			r = route_lookup(n, dst);
			if (!r || !r->ifc) {
				stats_drop(&n->cnt, DROP_NO_ROUTE);
				pkt_free(p);
				return -1;
			}
			src = node_src_addr(n, r->ifc, ADDR_V4);
			if (!src) {
				stats_drop(&n->cnt, DROP_NO_ROUTE);
				pkt_free(p);
				return -1;
			}
		}
	}
	h = pkt_push(p, IPV4_HLEN);
	ipv4_hdr_write(h, (uint16_t)p->len, n->ip_id++, ttl, proto, src, dst);
	stats_tx(&n->cnt, p->len);
	if (node_has_addr(n, dst)) {
		ip_loopback(n, p, ETHERTYPE_IPV4);
		return 0;
	}
	return v4_send(n, p, dst);
}
