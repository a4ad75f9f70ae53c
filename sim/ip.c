/*
 * ip.c - what IPv4 and IPv6 share: dispatch by family, local delivery to
 * the transport protocols and hooks, loopback.
 */
#include "sim/net.h"
#include "sim/wire.h"

int
ip_output(struct node *n, const struct addr *src, const struct addr *dst, uint8_t proto,
	  struct pkt *p)
{
	return ip_output_ttl(n, src, dst, proto, IP_TTL_DEFAULT, p);
}

int
ip_output_ttl(struct node *n, const struct addr *src, const struct addr *dst, uint8_t proto,
	      uint8_t ttl, struct pkt *p)
{
	if (dst->af == ADDR_V4)
		return ipv4_output_ttl(n, src, dst, proto, ttl, p);
	return ipv6_output_ttl(n, src, dst, proto, ttl, p);
}

void
ip_input(struct iface *ifc, uint16_t ethertype, struct pkt *p)
{
	if (ethertype == ETHERTYPE_IPV4)
		ipv4_input(ifc, p);
	else if (ethertype == ETHERTYPE_IPV6)
		ipv6_input(ifc, p);
	else {
		stats_drop(&ifc->node->cnt, DROP_UNKNOWN_ETHERTYPE);
		pkt_free(p);
	}
}

void
ip_unpad(struct pkt *p, uint16_t ethertype)
{
	size_t want, min;

	if (ethertype == ETHERTYPE_IPV4 && p->len >= IPV4_HLEN) {
		want = rd16(p->data + 2);
		min = IPV4_HLEN;
	} else if (ethertype == ETHERTYPE_IPV6 && p->len >= IPV6_HLEN) {
		want = IPV6_HLEN + (size_t)rd16(p->data + 4);
		min = IPV6_HLEN;
	} else {
		return;
	}
	if (want >= min && want < p->len)
		pkt_trim(p, want);
}

/*
 * One zero-delay event per packet, as if each had an event of its own
 * carrying it: events of one time run in the order they were scheduled,
 * so the k-th event of a node delivers the k-th packet queued.
 */
static void
loopback_deliver(struct sim *sim, void *ctx, void *arg)
{
	struct node *n = ctx;
	struct pkt *p = n->lo_head;

	n->lo_head = p->next;
	if (!n->lo_head)
		n->lo_tail = NULL;
	p->next = NULL;
	if (p->ethertype == ETHERTYPE_IPV4)
		ipv4_input_node(n, NULL, p);
	else
		ipv6_input_node(n, NULL, p);
}

void
ip_loopback(struct node *n, struct pkt *p, uint16_t ethertype)
{
	p->ethertype = ethertype;
	p->in_if = NULL;
	p->next = NULL;
	if (n->lo_tail)
		n->lo_tail->next = p;
	else
		n->lo_head = p;
	n->lo_tail = p;
	sim_schedule(n->net->sim, 0, loopback_deliver, n, NULL);
}

void
ip_local_deliver(struct node *n, uint8_t proto, struct pkt *p, const struct addr *src,
		 const struct addr *dst)
{
	for (unsigned i = 0; i < n->nip_hooks; i++)
		if (n->ip_hooks[i].proto == proto) {
			n->ip_hooks[i].fn(n, n->ip_hooks[i].ctx, p, src, dst);
			return;
		}
	switch (proto) {
	case IPPROTO_UDP_:
		udp_input(n, p, src, dst);
		return;
	case IPPROTO_ICMP_:
		if (src->af == ADDR_V4) {
			icmp4_input(n, p, src, dst);
			return;
		}
		break;
	case IPPROTO_GRE_:
		if (src->af == ADDR_V4) {
			gre_input(n, p, src, dst);
			return;
		}
		break;
	default:
		break;
	}
	stats_drop(&n->cnt, DROP_UNKNOWN_PROTO);
	pkt_free(p);
}
