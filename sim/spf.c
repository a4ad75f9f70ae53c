/*
 * spf.c - shortest-path routing computed on demand: what a network gets
 * with net->auto_routes set (doc/engine.md, "Routing").
 *
 * The routes are those of a Dijkstra run from every node over the links
 * that are up between nodes that are up, with the links' weights, each
 * other node's prefixes (its interfaces' subnets, its router address)
 * routed through the first hop towards it.  Nodes are settled in
 * (distance, node id) order and relaxed only on a strictly shorter
 * distance, so equal-cost ties always resolve the same way; a prefix that
 * several nodes have goes towards the nearest of them in that order, and
 * a prefix the node has a route for (connected or static) keeps it.
 *
 * Nothing is computed before it is used.  The first route lookup of a
 * node runs its Dijkstra once and keeps the tree (distance and tree link
 * of every node: 16 bytes a node); each route is then made from the tree
 * when a lookup first needs its prefix, and kept in the node's table.
 * Which nodes have which prefix is one index for the whole network,
 * updated as addresses are added.  A change of the topology touches only
 * the trees it can change:
 *   - a link that comes up between a node a tree reaches and one it does
 *     not extends that tree from the new end (the part it reaches can
 *     only be entered through that link); one between two reached nodes
 *     drops the trees where it is as short as or shorter than the path
 *     they have (a tie may move a first hop);
 *   - a link that goes down drops the trees that use it;
 *   - a node that goes down drops the trees that reach it, one that comes
 *     up those that reach one of its neighbours.
 * A dropped tree is computed again at the next lookup, with the same
 * result as if the whole network had been computed then.  The trees use
 * at most net->spf_budget bytes: beyond it the least recently computed
 * are dropped (and computed again when needed, to the same routes).
 */
#include <stdlib.h>
#include <string.h>

#include "sim/net.h"
#include "sim/sim.h"

#define SPF_CHECK_EVERY	4096	/* settled nodes between two interrupt checks */
#define SPF_INF		UINT64_MAX

/* Who has a prefix: the nodes, in the order they got it. */
struct route_owners {
	struct addr key;	/* masked */
	uint32_t n, cap;
	uint32_t *ids;
};

struct spf_tree {
	struct node *src;
	uint32_t cap;		/* entries of dist and via */
	uint64_t *dist;		/* SPF_INF: not reached */
	struct iface **via;	/* the node's interface on its tree link (NULL: source, unreached) */
	struct spf_tree *prev, *next;	/* net->spf_head: most recently computed first */
};

struct heap_ent {
	uint64_t dist;
	uint32_t id;
};

static bool
heap_less(const struct heap_ent *a, const struct heap_ent *b)
{
	return a->dist < b->dist || (a->dist == b->dist && a->id < b->id);
}

static void
heap_push(struct net *net, struct heap_ent e)
{
	struct heap_ent *h;
	size_t i;

	if (net->spf_nheap == net->spf_heapcap) {
		net->spf_heapcap = net->spf_heapcap ? 2 * net->spf_heapcap : 1024;
		net->spf_heap = g_realloc_n(net->spf_heap, net->spf_heapcap, sizeof(*h));
	}
	h = net->spf_heap;
	i = net->spf_nheap++;
	while (i > 0) {
		size_t p = (i - 1) / 2;

		if (heap_less(&h[p], &e))
			break;
		h[i] = h[p];
		i = p;
	}
	h[i] = e;
}

static struct heap_ent
heap_pop(struct net *net)
{
	struct heap_ent *h = net->spf_heap;
	struct heap_ent top = h[0], last = h[--net->spf_nheap];
	size_t n = net->spf_nheap, i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && heap_less(&h[c + 1], &h[c]))
			c++;
		if (!heap_less(&h[c], &last))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = last;
	return top;
}

/* The far end of ifc's link if a path may cross it now, else NULL. */
static struct iface *
usable_peer(const struct iface *ifc)
{
	const struct link *l = ifc->link;
	struct iface *peer;

	if (ifc->kind != IF_ETHER || !l || !l->up || !ifc->up || !ifc->node->up)
		return NULL;
	peer = l->end[1 - ifc->link_side];
	if (!peer->up || !peer->node->up)
		return NULL;
	return peer;
}

static uint64_t
link_weight(const struct link *l)
{
	return l->p.weight ? l->p.weight : 1;
}

static uint64_t
tree_dist(const struct spf_tree *t, uint32_t id)
{
	return id < t->cap ? t->dist[id] : SPF_INF;
}

static void
tree_grow(struct net *net, struct spf_tree *t)
{
	uint32_t cap = net->nnodes, old = t->cap;

	if (cap <= old)
		return;
	t->dist = g_realloc_n(t->dist, cap, sizeof(*t->dist));
	t->via = g_realloc_n(t->via, cap, sizeof(*t->via));
	for (uint32_t i = old; i < cap; i++) {
		t->dist[i] = SPF_INF;
		t->via[i] = NULL;
	}
	net->spf_bytes += (size_t)(cap - old) * (sizeof(*t->dist) + sizeof(*t->via));
	t->cap = cap;
}

/*
 * Dijkstra from what the heap holds, relaxing on a strictly shorter
 * distance.  -1 if interrupted (sim_interrupted()) on the way.
 */
static int
dijkstra(struct net *net, struct spf_tree *t, GArray *reached)
{
	unsigned settled = 0;

	while (net->spf_nheap) {
		struct heap_ent e = heap_pop(net);
		struct node *u = net->nodes[e.id];

		if (e.dist != t->dist[e.id])
			continue;	/* stale entry */
		if (++settled % SPF_CHECK_EVERY == 0 && sim_interrupted()) {
			net->spf_nheap = 0;
			return -1;
		}
		if (reached)
			g_array_append_val(reached, e.id);
		for (unsigned i = 0; i < u->nifaces; i++) {
			struct iface *peer = usable_peer(u->ifaces[i]);
			uint64_t nd;
			uint32_t v;

			if (!peer)
				continue;
			v = peer->node->id;
			nd = e.dist + link_weight(u->ifaces[i]->link);
			if (nd < t->dist[v]) {
				t->dist[v] = nd;
				t->via[v] = peer;
				heap_push(net, (struct heap_ent){ nd, v });
			}
		}
	}
	return 0;
}

static void
lru_unlink(struct net *net, struct spf_tree *t)
{
	if (t->prev)
		t->prev->next = t->next;
	else
		net->spf_head = t->next;
	if (t->next)
		t->next->prev = t->prev;
	else
		net->spf_tail = t->prev;
	t->prev = t->next = NULL;
}

/* Forget a tree and the routes made from it. */
static void
tree_drop(struct net *net, struct spf_tree *t)
{
	lru_unlink(net, t);
	net->spf_bytes -= (size_t)t->cap * (sizeof(*t->dist) + sizeof(*t->via));
	t->src->spf = NULL;
	route_flush_auto(t->src);
	g_free(t->dist);
	g_free(t->via);
	g_free(t);
}

static struct spf_tree *
tree_compute(struct net *net, struct node *s)
{
	struct spf_tree *t;

	if (sim_interrupted())
		return NULL;	/* the run is stopping: no new work */
	t = g_new0(struct spf_tree, 1);
	t->src = s;
	tree_grow(net, t);
	t->dist[s->id] = 0;
	net->spf_nheap = 0;
	heap_push(net, (struct heap_ent){ 0, s->id });
	if (dijkstra(net, t, NULL) < 0) {
		net->spf_bytes -= (size_t)t->cap * (sizeof(*t->dist) + sizeof(*t->via));
		g_free(t->dist);
		g_free(t->via);
		g_free(t);
		return NULL;
	}
	net->spf_runs++;
	s->spf = t;
	t->next = net->spf_head;
	if (net->spf_head)
		net->spf_head->prev = t;
	net->spf_head = t;
	if (!net->spf_tail)
		net->spf_tail = t;
	while (net->spf_bytes > net->spf_budget && net->spf_tail != t)
		tree_drop(net, net->spf_tail);
	return t;
}

static int
fam(int af)
{
	return af == ADDR_V4 ? 0 : 1;
}

static void
olens_rebuild(struct net *net, int f)
{
	net->nolens[f] = 0;
	for (int l = 128; l >= 0; l--)
		if (net->owners[f][l])
			net->olens[f][net->nolens[f]++] = (uint8_t)l;
}

static void
owners_free(gpointer p)
{
	struct route_owners *o = p;

	g_free(o->ids);
	g_free(o);
}

static const struct route_owners *
owners_of(const struct net *net, const struct addr *a, uint8_t plen)
{
	struct addr key = *a;
	GHashTable *h = net->owners[fam(a->af)][plen];

	if (!h)
		return NULL;
	addr_mask(&key, plen);
	return g_hash_table_lookup(h, &key);
}

/*
 * Forget node s's route to a prefix that more than one node has: one of
 * them may now be nearer, or reachable.
 */
static void
forget_shared(struct node *s, const struct addr *a, uint8_t plen)
{
	const struct route_owners *o = owners_of(s->net, a, plen);
	struct rtable *t = a->af == ADDR_V4 ? &s->rt4 : &s->rt6;
	const struct route *r;

	if (!o || o->n < 2 || !t->by_len[plen])
		return;
	r = g_hash_table_lookup(t->by_len[plen], &o->key);
	if (r && r->automatic) {
		struct prefix pf = { o->key, plen };

		route_del(s, &pf);
	}
}

void
spf_addr_added(struct node *n, const struct addr *a, uint8_t plen)
{
	struct net *net = n->net;
	int f = fam(a->af);
	struct route_owners *o;
	struct addr key = *a;

	if (a->af != ADDR_V4 && a->af != ADDR_V6)
		return;
	addr_mask(&key, plen);
	if (!net->owners[f][plen]) {
		net->owners[f][plen] = g_hash_table_new_full(addr_hash, addr_equal, NULL,
							     owners_free);
		olens_rebuild(net, f);
	}
	o = g_hash_table_lookup(net->owners[f][plen], &key);
	if (!o) {
		o = g_new0(struct route_owners, 1);
		o->key = key;
		g_hash_table_insert(net->owners[f][plen], &o->key, o);
	}
	for (uint32_t i = 0; i < o->n; i++)
		if (o->ids[i] == n->id)
			return;
	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 1;
		o->ids = g_realloc_n(o->ids, o->cap, sizeof(*o->ids));
	}
	o->ids[o->n++] = n->id;
	net->route_gen++;
	if (!net->spf_head)
		return;
	/*
	 * A node with links may be reached, and a neighbour whose address
	 * names the gateway of routes made already: make them again.  One
	 * without is reached by no tree but its own: nothing was made from
	 * its prefixes.  (Scripts and topologies give addresses before
	 * links: this is rare.)
	 */
	for (unsigned i = 0; i < n->nifaces; i++)
		if (n->ifaces[i]->link) {
			for (struct spf_tree *t = net->spf_head; t; t = t->next)
				route_flush_auto(t->src);
			return;
		}
}

/* After nodes were reached for the first time: their shared prefixes. */
static void
forget_node_prefixes(struct node *s, const struct node *d)
{
	if (!addr_is_unset(&d->router_id))
		forget_shared(s, &d->router_id, d->router_id.af == ADDR_V4 ? 32 : 128);
	for (unsigned i = 0; i < d->nifaces; i++)
		for (unsigned j = 0; j < d->ifaces[i]->naddrs; j++)
			forget_shared(s, &d->ifaces[i]->addrs[j].addr,
				      d->ifaces[i]->addrs[j].plen);
}

/*
 * A link is now usable from a (reached by t) to b (not reached): what b
 * reaches joins the tree through that link alone, each node at the
 * distance of a plus the link plus its own from b, its first hop a's.
 * No path of the new part leads back to a reached node but through the
 * link, so no reached node changes.
 */
static void
tree_extend(struct net *net, struct spf_tree *t, struct iface *a, struct iface *b)
{
	struct node *s = t->src;
	GArray *reached = g_array_new(FALSE, FALSE, sizeof(uint32_t));

	tree_grow(net, t);
	t->dist[b->node->id] = t->dist[a->node->id] + link_weight(a->link);
	t->via[b->node->id] = b;
	net->spf_nheap = 0;
	heap_push(net, (struct heap_ent){ t->dist[b->node->id], b->node->id });
	if (dijkstra(net, t, reached) < 0) {
		tree_drop(net, t);
	} else {
		net->spf_extends++;
		for (guint i = 0; i < reached->len; i++)
			forget_node_prefixes(s, net->nodes[g_array_index(reached, uint32_t, i)]);
	}
	g_array_free(reached, TRUE);
}

void
spf_link_changed(struct link *l)
{
	struct net *net = l->net;
	struct spf_tree *t, *next;

	net->route_gen++;
	if (!usable_peer(l->end[0])) {
		/* Down, or between nodes not both up: the trees that use it. */
		for (t = net->spf_head; t; t = next) {
			next = t->next;
			for (int k = 0; k < 2; k++) {
				uint32_t id = l->end[k]->node->id;

				if (id < t->cap && t->via[id] == l->end[k]) {
					tree_drop(net, t);
					break;
				}
			}
		}
		return;
	}
	for (t = net->spf_head; t; t = next) {
		uint64_t w = link_weight(l);
		uint64_t d0 = tree_dist(t, l->end[0]->node->id);
		uint64_t d1 = tree_dist(t, l->end[1]->node->id);

		next = t->next;
		if (d0 == SPF_INF && d1 == SPF_INF)
			continue;
		if (d0 != SPF_INF && d1 != SPF_INF) {
			if (d0 + w <= d1 || d1 + w <= d0)
				tree_drop(net, t);
			continue;
		}
		if (d0 != SPF_INF)
			tree_extend(net, t, l->end[0], l->end[1]);
		else
			tree_extend(net, t, l->end[1], l->end[0]);
	}
}

void
spf_node_changed(struct node *n)
{
	struct net *net = n->net;
	struct spf_tree *t, *next;

	net->route_gen++;
	if (!n->up && n->spf)
		tree_drop(net, n->spf);
	for (t = net->spf_head; t; t = next) {
		bool drop = false;

		next = t->next;
		if (!n->up) {
			drop = tree_dist(t, n->id) != SPF_INF;
		} else {
			/* Up: its links are usable again; one to a reached node changes t. */
			for (unsigned i = 0; i < n->nifaces && !drop; i++) {
				struct iface *peer = usable_peer(n->ifaces[i]);

				drop = peer && tree_dist(t, peer->node->id) != SPF_INF;
			}
		}
		if (drop)
			tree_drop(net, t);
	}
}

void
net_compute_routes(struct net *net)
{
	while (net->spf_head)
		tree_drop(net, net->spf_head);
	net->route_gen++;
}

void
spf_fini(struct net *net)
{
	while (net->spf_head)
		tree_drop(net, net->spf_head);
	for (int f = 0; f < 2; f++)
		for (int l = 0; l <= 128; l++)
			if (net->owners[f][l]) {
				g_hash_table_destroy(net->owners[f][l]);
				net->owners[f][l] = NULL;
			}
	g_free(net->spf_heap);
	net->spf_heap = NULL;
	net->spf_heapcap = net->spf_nheap = 0;
}

/*
 * The gateway towards a neighbour: its address on the link in the family
 * (or on a VLAN sub-interface both ends share), else its router address
 * for unnumbered links.  out: our interface; nbr: the neighbour's.
 */
static bool
adjacency_gw(struct iface *hop_out, struct iface *hop_nbr, int af, struct iface **out,
	     struct addr *gw)
{
	const struct ifaddr *ia = iface_addr(hop_nbr, af);
	struct node *nb = hop_nbr->node;
	struct node *me = hop_out->node;

	if (ia) {
		*out = hop_out;
		*gw = ia->addr;
		return true;
	}
	for (unsigned i = 0; i < nb->nifaces; i++) {
		struct iface *sub = nb->ifaces[i];

		if (sub->parent != hop_nbr || !(ia = iface_addr(sub, af)))
			continue;
		for (unsigned j = 0; j < me->nifaces; j++)
			if (me->ifaces[j]->parent == hop_out &&
			    me->ifaces[j]->vlan_id == sub->vlan_id) {
				*out = me->ifaces[j];
				*gw = ia->addr;
				return true;
			}
	}
	if (nb->router_id.af == af) {
		*out = hop_out;
		*gw = nb->router_id;
		return true;
	}
	return false;
}

/* The first link of t's path to node d: our interface and the neighbour's. */
static void
first_hop(const struct spf_tree *t, uint32_t d, struct iface **out, struct iface **nbr)
{
	for (;;) {
		struct iface *vi = t->via[d];
		struct iface *pi = vi->link->end[1 - vi->link_side];

		if (pi->node == t->src) {
			*out = pi;
			*nbr = vi;
			return;
		}
		d = pi->node->id;
	}
}

const struct route *
spf_auto_route(struct node *s, int af, uint8_t plen, const struct addr *key)
{
	struct net *net = s->net;
	const struct route_owners *o;
	struct spf_tree *t = s->spf;
	uint32_t best = UINT32_MAX;
	uint64_t bestd = SPF_INF;
	struct iface *out = NULL, *nbr;
	struct addr gw;
	struct route r;

	if (!net->auto_routes || !s->up)
		return NULL;
	o = owners_of(net, key, plen);
	if (!o)
		return NULL;
	if (!t && !(t = tree_compute(net, s)))
		return NULL;
	/* The nearest owner, ties by node id, whose gateway can be named. */
	for (;;) {
		uint32_t pick = UINT32_MAX;
		uint64_t pd = SPF_INF;

		for (uint32_t i = 0; i < o->n; i++) {
			uint32_t id = o->ids[i];
			uint64_t d = tree_dist(t, id);

			if (id == s->id || d == SPF_INF)
				continue;
			if (best != UINT32_MAX && (d < bestd || (d == bestd && id <= best)))
				continue;	/* tried already */
			if (d < pd || (d == pd && id < pick)) {
				pd = d;
				pick = id;
			}
		}
		if (pick == UINT32_MAX)
			return NULL;
		best = pick;
		bestd = pd;
		first_hop(t, pick, &out, &nbr);
		if (adjacency_gw(out, nbr, af, &out, &gw))
			break;
	}
	memset(&r, 0, sizeof(r));
	r.dst.addr = o->key;
	r.dst.len = plen;
	r.gw = gw;
	r.ifc = out;
	r.automatic = true;
	route_add(s, &r);
	net->spf_routes++;
	return route_lookup_exact(s, &r.dst);
}
