/*
 * gre.c - Generic Routing Encapsulation (RFC 2784) over IPv4.
 *
 * A GRE interface wraps what it sends in a 4-byte GRE header (no
 * checksum, version 0, protocol type = the payload's EtherType) and an
 * IPv4 header (protocol 47, TTL 64) from the tunnel's local to its remote
 * address, routed like any packet the node originates.  On receipt, the
 * tunnel whose (local, remote) pair matches the packet's (destination,
 * source) takes it, and the payload is demultiplexed by its protocol type
 * as if it had arrived on the tunnel interface.  A received header with
 * the checksum bit carries 4 more bytes, which are skipped; the key and
 * sequence bits (RFC 2890) and other versions are malformed here.
 */
#include "sim/net.h"
#include "sim/wire.h"

void
gre_output(struct iface *tun, uint16_t ethertype, struct pkt *p)
{
	struct node *n = tun->node;
	const struct route *r = route_lookup(n, &tun->gre_remote);
	uint8_t *h;

	/* A tunnel whose remote end is routed into itself would loop. */
	if (!r || r->ifc == tun) {
		stats_drop(&n->cnt, DROP_NO_ROUTE);
		pkt_free(p);
		return;
	}
	h = pkt_push(p, GRE_HLEN);
	wr16(h, 0);
	wr16(h + 2, ethertype);
	ipv4_output(n, &tun->gre_local, &tun->gre_remote, IPPROTO_GRE_, p);
}

void
gre_input(struct node *n, struct pkt *p, const struct addr *src, const struct addr *dst)
{
	const uint8_t *h = p->data;
	struct iface *tun = NULL;
	uint16_t flags, proto;
	size_t hlen = GRE_HLEN;

	if (p->len < GRE_HLEN) {
		stats_drop(&n->cnt, DROP_MALFORMED);
		pkt_free(p);
		return;
	}
	flags = rd16(h);
	proto = rd16(h + 2);
	if ((flags & 0x7fff) != 0) {
		stats_drop(&n->cnt, DROP_MALFORMED);
		pkt_free(p);
		return;
	}
	if (flags & 0x8000)
		hlen += 4;
	for (unsigned i = 0; i < n->nifaces; i++) {
		struct iface *ifc = n->ifaces[i];

		if (ifc->kind == IF_GRE && addr_eq(&ifc->gre_local, dst) &&
		    addr_eq(&ifc->gre_remote, src)) {
			tun = ifc;
			break;
		}
	}
	if (!tun || !tun->up) {
		stats_drop(&n->cnt, DROP_NO_TUNNEL);
		pkt_free(p);
		return;
	}
	if (!pkt_pull(p, hlen)) {
		stats_drop(&n->cnt, DROP_MALFORMED);
		pkt_free(p);
		return;
	}
	stats_rx(&tun->cnt, p->len);
	ether_demux(tun, proto, p);
}
