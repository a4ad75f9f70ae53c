/*
 * ether.c - Ethernet II and IEEE 802.1Q framing, and demultiplexing by
 * EtherType.
 *
 * Frames shorter than 60 bytes are padded with zeros to 60 (the minimum
 * Ethernet frame without its FCS), as a NIC does, so captures look like
 * those of a real link.  A VLAN sub-interface sends through its parent
 * with a 4-byte tag (TPID 0x8100, PCP 0, DEI 0, the VLAN id) between the
 * source MAC and the EtherType.
 *
 * Hooks registered for an EtherType see frames before the stack does; a
 * hook for IPv4 or IPv6 (the CAFE's interception, where Linux's
 * pre-routing hook is) gets the packet without the Ethernet padding of a
 * short frame, and hands what it does not take back with ip_input().
 */
#include <string.h>

#include "sim/net.h"
#include "sim/wire.h"

static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

void
iface_output(struct iface *ifc, uint16_t ethertype, const uint8_t dst_mac[6],
	     struct pkt *p)
{
	struct node *n = ifc->node;
	struct iface *dev = ifc;
	uint8_t *h;

	if (!n->up) {
		stats_drop(&n->cnt, DROP_NODE_DOWN);
		pkt_free(p);
		return;
	}
	if (!ifc->up) {
		stats_drop(&n->cnt, DROP_IFACE_DOWN);
		pkt_free(p);
		return;
	}
	if (ifc->kind == IF_GRE) {
		stats_tx(&ifc->cnt, p->len);
		gre_output(ifc, ethertype, p);
		return;
	}
	if (p->len > ifc->mtu) {
		stats_drop(&n->cnt, DROP_MTU);
		pkt_free(p);
		return;
	}
	if (ifc->kind == IF_VLAN) {
		stats_tx(&ifc->cnt, p->len);
		h = pkt_push(p, VLAN_HLEN);
		wr16(h, ifc->vlan_id & 0x0fff);
		wr16(h + 2, ethertype);
		ethertype = ETHERTYPE_VLAN;
		dev = ifc->parent;
	}
	h = pkt_push(p, ETH_HLEN);
	memcpy(h, dst_mac, 6);
	memcpy(h + 6, dev->mac, 6);
	wr16(h + 12, ethertype);
	if (p->len < ETH_ZLEN) {
		size_t pad = ETH_ZLEN - p->len;

		memset(pkt_put(p, pad), 0, pad);
	}
	if (!dev->up) {
		stats_drop(&n->cnt, DROP_IFACE_DOWN);
		pkt_free(p);
		return;
	}
	link_send(dev, p);
}

void
ether_input(struct iface *ifc, struct pkt *p)
{
	struct node *n = ifc->node;
	const uint8_t *h = p->data;
	uint16_t type;

	if (ifc->tap)
		ifc->tap(ifc->tap_ctx, ifc, TAP_RX, p);
	stats_rx(&ifc->cnt, p->len);
	if (!n->up) {
		stats_drop(&n->cnt, DROP_NODE_DOWN);
		pkt_free(p);
		return;
	}
	if (!ifc->up) {
		stats_drop(&n->cnt, DROP_IFACE_DOWN);
		pkt_free(p);
		return;
	}
	if (p->len < ETH_HLEN) {
		stats_drop(&n->cnt, DROP_MALFORMED);
		pkt_free(p);
		return;
	}
	if (memcmp(h, ifc->mac, 6) != 0 && !(h[0] & 1)) {
		stats_drop(&n->cnt, DROP_NOT_FOR_US);
		pkt_free(p);
		return;
	}
	type = rd16(h + 12);
	pkt_pull(p, ETH_HLEN);
	if (type == ETHERTYPE_VLAN) {
		uint16_t vid;
		struct iface *sub = NULL;

		if (p->len < VLAN_HLEN) {
			stats_drop(&n->cnt, DROP_MALFORMED);
			pkt_free(p);
			return;
		}
		vid = rd16(p->data) & 0x0fff;
		type = rd16(p->data + 2);
		for (unsigned i = 0; i < n->nifaces; i++)
			if (n->ifaces[i]->parent == ifc && n->ifaces[i]->vlan_id == vid) {
				sub = n->ifaces[i];
				break;
			}
		if (!sub || !sub->up) {
			stats_drop(&n->cnt, DROP_NO_VLAN);
			pkt_free(p);
			return;
		}
		pkt_pull(p, VLAN_HLEN);
		stats_rx(&sub->cnt, p->len);
		ifc = sub;
	}
	ether_demux(ifc, type, p);
}

void
ether_demux(struct iface *ifc, uint16_t type, struct pkt *p)
{
	struct node *n = ifc->node;

	p->in_if = ifc;
	p->ethertype = type;
	for (unsigned i = 0; i < n->neth_hooks; i++)
		if (n->eth_hooks[i].ethertype == type) {
			/* An IP hook sees the packet as IP has it: no Ethernet padding. */
			if (type == ETHERTYPE_IPV4 || type == ETHERTYPE_IPV6)
				ip_unpad(p, type);
			n->eth_hooks[i].fn(ifc, n->eth_hooks[i].ctx, p);
			return;
		}
	switch (type) {
	case ETHERTYPE_IPV4:
		ipv4_input(ifc, p);
		return;
	case ETHERTYPE_IPV6:
		ipv6_input(ifc, p);
		return;
	case ETHERTYPE_ARP:
		arp_input(ifc, p);
		return;
	default:
		stats_drop(&n->cnt, DROP_UNKNOWN_ETHERTYPE);
		pkt_free(p);
	}
}

const uint8_t *
ether_broadcast(void)
{
	return bcast;
}
