/*
 * udp.c - UDP (RFC 768) and the datagram sockets entities use.
 *
 * The checksum is always computed on output (it is mandatory over IPv6,
 * RFC 8200 section 8.1) and checked on input when present.  A datagram
 * for a port with no socket is dropped as port_unreachable.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/net.h"
#include "sim/wire.h"

struct udp_sock {
	struct node *node;
	uint16_t port;
	udp_recv_fn fn;
	void *ctx;
	struct addr src;	/* udp_set_source(); unset: the route's interface's */
};

struct udp_sock *
udp_open(struct node *n, uint16_t port, udp_recv_fn fn, void *ctx)
{
	struct udp_sock *s;

	if (port == 0) {
		for (unsigned tries = 0; tries < 16384; tries++) {
			uint16_t cand = n->next_ephemeral;

			n->next_ephemeral = cand == 65535 ? 49152 : (uint16_t)(cand + 1);
			if (!g_hash_table_contains(n->udp_ports, GUINT_TO_POINTER(cand))) {
				port = cand;
				break;
			}
		}
		if (port == 0)
			return NULL;
	} else if (g_hash_table_contains(n->udp_ports, GUINT_TO_POINTER(port))) {
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	s->node = n;
	s->port = port;
	s->fn = fn;
	s->ctx = ctx;
	g_hash_table_insert(n->udp_ports, GUINT_TO_POINTER(port), s);
	return s;
}

void
udp_set_source(struct udp_sock *s, const struct addr *src)
{
	s->src = *src;
}

void
udp_close(struct udp_sock *s)
{
	if (s)
		g_hash_table_remove(s->node->udp_ports, GUINT_TO_POINTER(s->port));
}

uint16_t
udp_port(const struct udp_sock *s)
{
	return s->port;
}

struct node *
udp_node(const struct udp_sock *s)
{
	return s->node;
}

int
udp_sendto(struct udp_sock *s, const struct addr *dst, uint16_t dport, struct pkt *p)
{
	struct node *n = s->node;
	const struct addr *src;
	uint8_t *h;
	uint16_t ck;

	if (node_has_addr(n, dst)) {
		src = dst;
	} else if (!addr_is_unset(&s->src) && s->src.af == dst->af) {
		if (!route_lookup(n, dst)) {
			stats_drop(&n->cnt, DROP_NO_ROUTE);
			pkt_free(p);
			return -1;
		}
		src = &s->src;
	} else {
		const struct route *r = route_lookup(n, dst);

		src = r ? node_src_addr(n, r->ifc, dst->af) : NULL;
		if (!src) {
			stats_drop(&n->cnt, DROP_NO_ROUTE);
			pkt_free(p);
			return -1;
		}
	}
	if (p->len + UDP_HLEN > 65535) {
		stats_drop(&n->cnt, DROP_MTU);
		pkt_free(p);
		return -1;
	}
	h = pkt_push(p, UDP_HLEN);
	wr16(h, s->port);
	wr16(h + 2, dport);
	wr16(h + 4, (uint16_t)p->len);
	wr16(h + 6, 0);
	ck = csum_fold(csum_add(csum_pseudo(src, dst, IPPROTO_UDP_, p->len), h, p->len));
	wr16(h + 6, ck ? ck : 0xffff);
	return ip_output(n, src, dst, IPPROTO_UDP_, p);
}

int
udp_sendto_buf(struct udp_sock *s, const struct addr *dst, uint16_t dport,
	       const void *buf, size_t len)
{
	struct pkt *p = pkt_alloc(len);

	memcpy(pkt_put(p, len), buf, len);
	return udp_sendto(s, dst, dport, p);
}

void
udp_input(struct node *n, struct pkt *p, const struct addr *src, const struct addr *dst)
{
	const uint8_t *h = p->data;
	struct udp_sock *s;
	uint16_t ulen, sport, dport;

	if (p->len < UDP_HLEN || (ulen = rd16(h + 4)) < UDP_HLEN || ulen > p->len) {
		stats_drop(&n->cnt, DROP_MALFORMED);
		pkt_free(p);
		return;
	}
	pkt_trim(p, ulen);
	if (rd16(h + 6) == 0 ? src->af == ADDR_V6
	    : csum_fold(csum_add(csum_pseudo(src, dst, IPPROTO_UDP_, ulen), h, ulen)) != 0) {
		stats_drop(&n->cnt, DROP_BAD_CHECKSUM);
		pkt_free(p);
		return;
	}
	sport = rd16(h);
	dport = rd16(h + 2);
	s = g_hash_table_lookup(n->udp_ports, GUINT_TO_POINTER(dport));
	if (!s) {
		stats_drop(&n->cnt, DROP_PORT_UNREACH);
		pkt_free(p);
		return;
	}
	pkt_pull(p, UDP_HLEN);
	s->fn(s, s->ctx, p, src, sport, dst, dport);
	pkt_free(p);
}
