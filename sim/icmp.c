/*
 * icmp.c - ICMP (RFC 792) and ICMPv6 (RFC 4443) echo, and the dispatch of
 * neighbour discovery messages to nd.c.
 *
 * Echo requests are answered with the same identifier, sequence number
 * and data; echo replies go to every echo hook of the node (the ping
 * application filters by identifier).  Other message types are counted
 * as icmp_unhandled and dropped.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/net.h"
#include "sim/wire.h"

#define ICMP_ECHO_REPLY		0
#define ICMP_ECHO_REQUEST	8
#define ICMP6_ECHO_REQUEST	128
#define ICMP6_ECHO_REPLY	129

int
node_echo_hook(struct node *n, echo_reply_fn fn, void *ctx)
{
	n->echo_hooks = realloc(n->echo_hooks, (n->necho_hooks + 1) * sizeof(*n->echo_hooks));
	n->echo_hooks[n->necho_hooks].fn = fn;
	n->echo_hooks[n->necho_hooks].ctx = ctx;
	n->necho_hooks++;
	return 0;
}

void
node_echo_unhook(struct node *n, echo_reply_fn fn, void *ctx)
{
	for (unsigned i = 0; i < n->necho_hooks; i++)
		if (n->echo_hooks[i].fn == fn && n->echo_hooks[i].ctx == ctx) {
			memmove(&n->echo_hooks[i], &n->echo_hooks[i + 1],
				(n->necho_hooks - i - 1) * sizeof(*n->echo_hooks));
			n->necho_hooks--;
			return;
		}
}

static void
unhandled(struct node *n, struct pkt *p)
{
	stats_drop(&n->cnt, stats_reason_intern(&n->net->stats, "icmp_unhandled"));
	pkt_free(p);
}

static void
echo_reply_in(struct node *n, const struct pkt *p, const struct addr *src)
{
	uint16_t id = rd16(p->data + 4), seq = rd16(p->data + 6);

	for (unsigned i = 0; i < n->necho_hooks; i++)
		n->echo_hooks[i].fn(n->echo_hooks[i].ctx, id, seq, src, p->len - ICMP_HLEN);
}

void
icmp4_input(struct node *n, struct pkt *p, const struct addr *src, const struct addr *dst)
{
	uint8_t *m = p->data;

	if (p->len < ICMP_HLEN) {
		stats_drop(&n->cnt, DROP_MALFORMED);
		pkt_free(p);
		return;
	}
	if (csum(m, p->len) != 0) {
		stats_drop(&n->cnt, DROP_BAD_CHECKSUM);
		pkt_free(p);
		return;
	}
	if (m[0] == ICMP_ECHO_REQUEST) {
		m[0] = ICMP_ECHO_REPLY;
		m[1] = 0;
		wr16(m + 2, 0);
		wr16(m + 2, csum(m, p->len));
		ipv4_output(n, dst->a[0] == 255 ? NULL : dst, src, IPPROTO_ICMP_, p);
		return;
	}
	if (m[0] == ICMP_ECHO_REPLY) {
		echo_reply_in(n, p, src);
		pkt_free(p);
		return;
	}
	unhandled(n, p);
}

void
icmp6_input(struct node *n, struct iface *ifc, struct pkt *p, const struct addr *src,
	    const struct addr *dst, uint8_t hop_limit)
{
	uint8_t *m = p->data;

	if (p->len < ICMP_HLEN) {
		stats_drop(&n->cnt, DROP_MALFORMED);
		pkt_free(p);
		return;
	}
	if (csum_fold(csum_add(csum_pseudo(src, dst, IPPROTO_ICMPV6_, p->len), m, p->len)) != 0) {
		stats_drop(&n->cnt, DROP_BAD_CHECKSUM);
		pkt_free(p);
		return;
	}
	switch (m[0]) {
	case 135:
	case 136:
		if (!ifc) {
			unhandled(n, p);
			return;
		}
		nd_input(ifc, p, src, dst, hop_limit);
		return;
	case ICMP6_ECHO_REQUEST: {
		const struct addr *from = dst;

		if (dst->a[0] == 0xff)
			from = NULL;	/* answer a multicast ping from a unicast address */
		m[0] = ICMP6_ECHO_REPLY;
		wr16(m + 2, 0);
		if (!from)
			from = node_src_addr(n, ifc, ADDR_V6);
		if (!from) {
			unhandled(n, p);
			return;
		}
		wr16(m + 2, csum_fold(csum_add(csum_pseudo(from, src, IPPROTO_ICMPV6_, p->len),
					       m, p->len)));
		ipv6_output(n, from, src, IPPROTO_ICMPV6_, p);
		return;
	}
	case ICMP6_ECHO_REPLY:
		echo_reply_in(n, p, src);
		pkt_free(p);
		return;
	default:
		unhandled(n, p);
	}
}

int
icmp_echo_send(struct node *n, const struct addr *dst, uint16_t id, uint16_t seq, size_t len)
{
	struct pkt *p = pkt_alloc(ICMP_HLEN + len);
	uint8_t *m = pkt_put(p, ICMP_HLEN + len);

	m[1] = 0;
	wr16(m + 2, 0);
	wr16(m + 4, id);
	wr16(m + 6, seq);
	for (size_t i = 0; i < len; i++)
		m[ICMP_HLEN + i] = (uint8_t)(0x10 + i);
	if (dst->af == ADDR_V4) {
		m[0] = ICMP_ECHO_REQUEST;
		wr16(m + 2, csum(m, p->len));
		return ipv4_output(n, NULL, dst, IPPROTO_ICMP_, p);
	} else {
		const struct addr *src;
		const struct route *r;

		m[0] = ICMP6_ECHO_REQUEST;
		if (node_has_addr(n, dst)) {
			src = dst;
		} else {
			r = route_lookup(n, dst);
			src = r ? node_src_addr(n, r->ifc, ADDR_V6) : NULL;
		}
		if (!src) {
			stats_drop(&n->cnt, DROP_NO_ROUTE);
			pkt_free(p);
			return -1;
		}
		wr16(m + 2, csum_fold(csum_add(csum_pseudo(src, dst, IPPROTO_ICMPV6_, p->len),
					       m, p->len)));
		return ipv6_output(n, src, dst, IPPROTO_ICMPV6_, p);
	}
}
