/*
 * spf.c - shortest-path routes computed over the whole topology, like
 * ns-3's global routing: what a network gets with net->auto_routes set.
 *
 * For every node that is up, Dijkstra over links that are up between
 * nodes that are up, with the links' weights.  Nodes are settled in
 * (distance, node id) order and relaxed only on a strictly shorter
 * distance, so equal-cost ties always resolve the same way.  Each other
 * node's prefixes (its interfaces' subnets and its router address) are
 * then installed as automatic routes through the first hop towards it,
 * nearest node first; a prefix that already has a route (connected,
 * static, or learned from a nearer node) keeps it.  The gateway is the
 * neighbour's address on the first link in the same family (or on a
 * VLAN sub-interface both ends share), else the neighbour's router
 * address for unnumbered links.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/net.h"
#include "sim/sim.h"

#define SPF_CHECK_EVERY	4096	/* settled nodes between two interrupt checks */

struct hop {
	struct iface *out;	/* our interface on the first link */
	struct iface *nbr;	/* the neighbour's interface on it */
};

struct heap_ent {
	uint64_t dist;
	uint32_t id;
};

static void
heap_push(struct heap_ent *h, unsigned *n, struct heap_ent e)
{
	unsigned i = (*n)++;

	while (i > 0) {
		unsigned p = (i - 1) / 2;

		if (h[p].dist < e.dist || (h[p].dist == e.dist && h[p].id < e.id))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = e;
}

static struct heap_ent
heap_pop(struct heap_ent *h, unsigned *n)
{
	struct heap_ent top = h[0], last = h[--(*n)];
	unsigned i = 0;

	for (;;) {
		unsigned c = 2 * i + 1;

		if (c >= *n)
			break;
		if (c + 1 < *n && (h[c + 1].dist < h[c].dist ||
				   (h[c + 1].dist == h[c].dist && h[c + 1].id < h[c].id)))
			c++;
		if (last.dist < h[c].dist || (last.dist == h[c].dist && last.id < h[c].id))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = last;
	return top;
}

static bool
adjacency_gw(struct hop *hp, int af, struct iface **out, struct addr *gw)
{
	const struct ifaddr *ia = iface_addr(hp->nbr, af);
	struct node *nb = hp->nbr->node;

	if (ia) {
		*out = hp->out;
		*gw = ia->addr;
		return true;
	}
	for (unsigned i = 0; i < nb->nifaces; i++) {
		struct iface *sub = nb->ifaces[i];
		struct node *me = hp->out->node;

		if (sub->parent != hp->nbr || !(ia = iface_addr(sub, af)))
			continue;
		for (unsigned j = 0; j < me->nifaces; j++)
			if (me->ifaces[j]->parent == hp->out &&
			    me->ifaces[j]->vlan_id == sub->vlan_id) {
				*out = me->ifaces[j];
				*gw = ia->addr;
				return true;
			}
	}
	if (nb->router_id.af == af) {
		*out = hp->out;
		*gw = nb->router_id;
		return true;
	}
	return false;
}

static void
add_auto(struct node *s, const struct prefix *pf, struct hop *hp)
{
	struct route r;
	struct iface *out;
	struct addr gw;

	if (!adjacency_gw(hp, pf->addr.af, &out, &gw))
		return;
	memset(&r, 0, sizeof(r));
	r.dst = *pf;
	addr_mask(&r.dst.addr, r.dst.len);
	{
		const struct rtable *t = pf->addr.af == ADDR_V4 ? &s->rt4 : &s->rt6;

		if (t->by_len[pf->len] && g_hash_table_contains(t->by_len[pf->len], &r.dst.addr))
			return;
	}
	r.gw = gw;
	r.ifc = out;
	r.automatic = true;
	route_add(s, &r);
}

/* Returns -1 when interrupted (sim_interrupt()), its routes incomplete. */
static int
spf_from(struct net *net, struct node *s, uint64_t *dist, struct hop *first,
	 uint32_t *order, struct heap_ent *heap)
{
	unsigned nheap = 0, norder = 0;

	for (unsigned i = 0; i < net->nnodes; i++) {
		dist[i] = UINT64_MAX;
		first[i].out = first[i].nbr = NULL;
	}
	dist[s->id] = 0;
	heap_push(heap, &nheap, (struct heap_ent){ 0, s->id });
	while (nheap) {
		struct heap_ent e = heap_pop(heap, &nheap);
		struct node *u = net->nodes[e.id];

		if (e.dist != dist[e.id])
			continue;	/* stale entry */
		if (norder % SPF_CHECK_EVERY == SPF_CHECK_EVERY - 1 && sim_interrupted())
			return -1;
		order[norder++] = e.id;
		for (unsigned i = 0; i < u->nifaces; i++) {
			struct iface *ifc = u->ifaces[i];
			struct link *l = ifc->link;
			struct iface *peer;
			uint64_t nd;

			if (ifc->kind != IF_ETHER || !l || !l->up || !ifc->up)
				continue;
			peer = l->end[1 - ifc->link_side];
			if (!peer->up || !peer->node->up)
				continue;
			nd = e.dist + (l->p.weight ? l->p.weight : 1);
			if (nd < dist[peer->node->id]) {
				dist[peer->node->id] = nd;
				if (u == s) {
					first[peer->node->id].out = ifc;
					first[peer->node->id].nbr = peer;
				} else {
					first[peer->node->id] = first[u->id];
				}
				heap_push(heap, &nheap, (struct heap_ent){ nd, peer->node->id });
			}
		}
	}
	for (unsigned k = 1; k < norder; k++) {
		struct node *d = net->nodes[order[k]];
		struct hop *hp = &first[d->id];

		if (d->router_id.af) {
			struct prefix pf = { d->router_id, d->router_id.af == ADDR_V4 ? 32 : 128 };

			add_auto(s, &pf, hp);
		}
		for (unsigned i = 0; i < d->nifaces; i++)
			for (unsigned j = 0; j < d->ifaces[i]->naddrs; j++) {
				struct prefix pf;

				pf.addr = d->ifaces[i]->addrs[j].addr;
				pf.len = d->ifaces[i]->addrs[j].plen;
				add_auto(s, &pf, hp);
			}
	}
	return 0;
}

void
net_compute_routes(struct net *net)
{
	unsigned n = net->nnodes;
	uint64_t *dist;
	struct hop *first;
	uint32_t *order;
	struct heap_ent *heap;
	size_t heap_cap = 1;
	bool any = false;

	/* No address anywhere: no route to install, and nothing to compute. */
	for (unsigned i = 0; i < n && !any; i++) {
		const struct node *s = net->nodes[i];

		any = !addr_is_unset(&s->router_id);
		for (unsigned j = 0; j < s->nifaces && !any; j++)
			any = s->ifaces[j]->naddrs > 0;
	}
	if (!any) {
		for (unsigned i = 0; i < n; i++)
			route_flush_auto(net->nodes[i]);
		net->routes_dirty = false;
		return;
	}
	for (unsigned i = 0; i < net->nlinks; i++)
		heap_cap += 2;
	heap_cap += n;
	dist = malloc(n * sizeof(*dist) + 1);
	first = malloc(n * sizeof(*first) + 1);
	order = malloc(n * sizeof(*order) + 1);
	heap = malloc(heap_cap * sizeof(*heap));
	net->routes_dirty = true;
	for (unsigned i = 0; i < n; i++) {
		struct node *s = net->nodes[i];

		if (sim_interrupted())
			goto out;
		route_flush_auto(s);
		if (s->up && spf_from(net, s, dist, first, order, heap) < 0)
			goto out;
	}
	net->routes_dirty = false;
out:
	free(dist);
	free(first);
	free(order);
	free(heap);
}
