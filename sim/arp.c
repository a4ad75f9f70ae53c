/*
 * arp.c - the neighbour cache of an interface, and ARP (RFC 826).
 *
 * One cache per interface serves IPv4 (resolved by ARP) and IPv6
 * (resolved by neighbour discovery, nd.c).  An entry is INCOMPLETE while
 * requests go out (every net->arp_retry, net->arp_tries times) and holds
 * the packets for its address meanwhile; when the answer comes they are
 * sent, when it does not they are dropped (reason no_arp).  A REACHABLE
 * entry lasts net->arp_timeout; after that the next packet resolves the
 * address again.  A node that receives a request for one of its
 * addresses learns the sender (as Linux does).
 *
 * The queue of an entry is bounded as Linux bounds it (unres_qlen_bytes),
 * in bytes: net->arp_queue_bytes, by default NET_ARP_QUEUE_BYTES, and
 * optionally in packets, net->arp_queue_pkts.  A packet counts for the
 * frame the link will carry, Ethernet header, 802.1Q tag and padding
 * included (the bytes a link's queue counts).  Linux counts its buffer's
 * truesize, the frame and the kernel's bookkeeping, so the same limit
 * holds more packets here: about 140 full-size frames, where Linux holds
 * fewer than 100.  A packet that does not fit is dropped (no_arp); Linux
 * drops the oldest held packet instead, which for packets of one size
 * loses as many, but other ones.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/net.h"
#include "sim/wire.h"

enum { NEIGH_INCOMPLETE = 0, NEIGH_REACHABLE = 1 };

static void neigh_retry(struct sim *sim, void *ctx, void *arg);

static struct neigh *
neigh_get(struct iface *ifc, const struct addr *ip, bool create)
{
	struct neigh *ne = g_hash_table_lookup(ifc->neigh, ip);

	if (ne || !create)
		return ne;
	ne = calloc(1, sizeof(*ne));
	ne->ip = *ip;
	ne->ifc = ifc;
	ne->state = NEIGH_INCOMPLETE;
	sim_timer_init(&ne->retry, neigh_retry, ne, NULL);
	g_hash_table_insert(ifc->neigh, &ne->ip, ne);
	return ne;
}

static void
neigh_drop_queue(struct neigh *ne)
{
	struct node *n = ne->ifc->node;
	struct pkt *p, *next;

	for (p = ne->q_head; p; p = next) {
		next = p->next;
		stats_drop(&n->cnt, DROP_NO_ARP);
		pkt_free(p);
	}
	ne->q_head = ne->q_tail = NULL;
	ne->qlen = 0;
	ne->qbytes = 0;
}

/* The bytes p counts for in the queue: the frame ifc will send it in. */
static uint64_t
neigh_frame_len(const struct iface *ifc, const struct pkt *p)
{
	uint64_t len = (uint64_t)p->len + ETH_HLEN + (ifc->kind == IF_VLAN ? VLAN_HLEN : 0);

	return len < ETH_ZLEN ? ETH_ZLEN : len;
}

static void
neigh_solicit(struct neigh *ne)
{
	if (ne->ip.af == ADDR_V4)
		arp_request(ne->ifc, ne);
	else
		nd_solicit(ne->ifc, ne);
}

static void
neigh_retry(struct sim *sim, void *ctx, void *arg)
{
	struct neigh *ne = ctx;
	struct net *net = ne->ifc->node->net;

	if (++ne->tries >= net->arp_tries) {
		char a[ADDR_STRLEN];

		node_log(ne->ifc->node, LOG_DEBUG, "net", NULL,
			 "%s: no answer for %s", ne->ifc->name, addr_fmt(&ne->ip, a));
		neigh_drop_queue(ne);
		g_hash_table_remove(ne->ifc->neigh, &ne->ip);
		free(ne);
		return;
	}
	neigh_solicit(ne);
	sim_timer_after(sim, &ne->retry, net->arp_retry);
}

void
neigh_output(struct iface *ifc, const struct addr *nexthop, struct pkt *p)
{
	struct net *net = ifc->node->net;
	sim_time_t now = sim_now(net->sim);
	uint16_t type = nexthop->af == ADDR_V4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
	struct neigh *ne;
	uint64_t flen;

	if (ifc->kind == IF_GRE) {
		iface_output(ifc, type, NULL, p);
		return;
	}
	ne = neigh_get(ifc, nexthop, true);
	if (ne->state == NEIGH_REACHABLE && ne->expires > now) {
		iface_output(ifc, type, ne->mac, p);
		return;
	}
	if (ne->state == NEIGH_REACHABLE) {
		/* Expired: resolve again, holding the packet meanwhile. */
		ne->state = NEIGH_INCOMPLETE;
		ne->tries = 0;
	}
	flen = neigh_frame_len(ifc, p);
	if ((net->arp_queue_pkts && ne->qlen >= net->arp_queue_pkts) ||
	    (net->arp_queue_bytes && ne->qbytes + flen > net->arp_queue_bytes)) {
		stats_drop(&ifc->node->cnt, DROP_NO_ARP);
		pkt_free(p);
	} else {
		p->next = NULL;
		if (ne->q_tail)
			ne->q_tail->next = p;
		else
			ne->q_head = p;
		ne->q_tail = p;
		ne->qlen++;
		ne->qbytes += flen;
	}
	if (!sim_timer_armed(&ne->retry)) {
		neigh_solicit(ne);
		sim_timer_after(net->sim, &ne->retry, net->arp_retry);
	}
}

void
neigh_learn(struct iface *ifc, const struct addr *ip, const uint8_t mac[6], bool create)
{
	struct net *net = ifc->node->net;
	struct neigh *ne = neigh_get(ifc, ip, create);
	uint16_t type = ip->af == ADDR_V4 ? ETHERTYPE_IPV4 : ETHERTYPE_IPV6;
	struct pkt *p, *next;

	if (!ne)
		return;
	memcpy(ne->mac, mac, 6);
	ne->state = NEIGH_REACHABLE;
	ne->tries = 0;
	ne->expires = sim_time_add(sim_now(net->sim), net->arp_timeout);
	sim_timer_cancel(net->sim, &ne->retry);
	p = ne->q_head;
	ne->q_head = ne->q_tail = NULL;
	ne->qlen = 0;
	ne->qbytes = 0;
	for (; p; p = next) {
		next = p->next;
		p->next = NULL;
		iface_output(ifc, type, ne->mac, p);
	}
}

const struct neigh *
neigh_lookup(const struct iface *ifc, const struct addr *ip)
{
	const struct neigh *ne = g_hash_table_lookup(ifc->neigh, ip);

	if (!ne || ne->state != NEIGH_REACHABLE ||
	    ne->expires <= sim_now(ifc->node->net->sim))
		return NULL;
	return ne;
}

void
neigh_flush(struct iface *ifc)
{
	GHashTableIter it;
	gpointer k, v;
	struct sim *sim = ifc->node->net->sim;

	g_hash_table_iter_init(&it, ifc->neigh);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct neigh *ne = v;

		sim_timer_cancel(sim, &ne->retry);
		neigh_drop_queue(ne);
		g_hash_table_iter_remove(&it);
		free(ne);
	}
}

static void
arp_send(struct iface *ifc, uint16_t op, const uint8_t tha[6], const struct addr *spa,
	 const struct addr *tpa, const uint8_t dst_mac[6])
{
	struct pkt *p = pkt_alloc(ARP_LEN);
	uint8_t *a = pkt_put(p, ARP_LEN);

	wr16(a, 1);			/* hardware: Ethernet */
	wr16(a + 2, ETHERTYPE_IPV4);
	a[4] = 6;
	a[5] = 4;
	wr16(a + 6, op);
	memcpy(a + 8, ifc->mac, 6);
	memcpy(a + 14, spa->a, 4);
	memcpy(a + 18, tha, 6);
	memcpy(a + 24, tpa->a, 4);
	iface_output(ifc, ETHERTYPE_ARP, dst_mac, p);
}

void
arp_request(struct iface *ifc, struct neigh *ne)
{
	static const uint8_t zero[6];
	const struct addr *src = node_src_addr(ifc->node, ifc, ADDR_V4);

	if (!src) {
		stats_drop(&ifc->node->cnt, DROP_NO_ARP);
		return;
	}
	arp_send(ifc, 1, zero, src, &ne->ip, ether_broadcast());
}

void
arp_input(struct iface *ifc, struct pkt *p)
{
	struct node *n = ifc->node;
	const uint8_t *a = p->data;
	struct addr spa, tpa;
	uint16_t op;

	if (p->len < ARP_LEN || rd16(a) != 1 || rd16(a + 2) != ETHERTYPE_IPV4 ||
	    a[4] != 6 || a[5] != 4) {
		stats_drop(&n->cnt, DROP_MALFORMED);
		pkt_free(p);
		return;
	}
	op = rd16(a + 6);
	memset(&spa, 0, sizeof(spa));
	memset(&tpa, 0, sizeof(tpa));
	spa.af = tpa.af = ADDR_V4;
	memcpy(spa.a, a + 14, 4);
	memcpy(tpa.a, a + 24, 4);
	if (!node_has_addr(n, &tpa)) {
		/* Still refresh an entry we already have for the sender. */
		neigh_learn(ifc, &spa, a + 8, false);
		stats_drop(&n->cnt, DROP_NOT_FOR_US);
		pkt_free(p);
		return;
	}
	stats_rx(&n->cnt, p->len);
	if (op == 1) {
		uint8_t sha[6];

		memcpy(sha, a + 8, 6);
		neigh_learn(ifc, &spa, sha, true);
		arp_send(ifc, 2, sha, &tpa, &spa, sha);
	} else if (op == 2) {
		neigh_learn(ifc, &spa, a + 8, false);
	}
	pkt_free(p);
}
