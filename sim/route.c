/*
 * route.c - longest-prefix-match routing tables.
 *
 * One hash table per prefix length, looked up from the longest length in
 * use to the shortest: a lookup costs one probe per distinct length, and
 * tables of thousands of host routes (shortest-path routing over a large
 * topology) stay O(1) per probe.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/net.h"

void
rtable_init(struct rtable *t)
{
	memset(t, 0, sizeof(*t));
}

void
rtable_fini(struct rtable *t)
{
	for (int i = 0; i <= 128; i++)
		if (t->by_len[i]) {
			g_hash_table_destroy(t->by_len[i]);
			t->by_len[i] = NULL;
		}
	t->nlens = 0;
	t->count = 0;
}

static struct rtable *
table_of(struct node *n, int af)
{
	return af == ADDR_V4 ? &n->rt4 : &n->rt6;
}

static void
lens_rebuild(struct rtable *t)
{
	t->cache_dst.af = 0;
	t->cache_r = NULL;
	t->nlens = 0;
	for (int l = 128; l >= 0; l--)
		if (t->by_len[l] && g_hash_table_size(t->by_len[l]))
			t->lens[t->nlens++] = (uint8_t)l;
}

int
route_add(struct node *n, const struct route *r)
{
	struct rtable *t;
	struct route *copy;

	if (r->dst.addr.af != ADDR_V4 && r->dst.addr.af != ADDR_V6)
		return -1;
	if (r->dst.len > (r->dst.addr.af == ADDR_V4 ? 32 : 128))
		return -1;
	t = table_of(n, r->dst.addr.af);
	copy = malloc(sizeof(*copy));
	*copy = *r;
	addr_mask(&copy->dst.addr, copy->dst.len);
	if (!t->by_len[r->dst.len])
		t->by_len[r->dst.len] = g_hash_table_new_full(addr_hash, addr_equal, NULL, free);
	if (!g_hash_table_contains(t->by_len[r->dst.len], &copy->dst.addr))
		t->count++;
	g_hash_table_replace(t->by_len[r->dst.len], &copy->dst.addr, copy);
	lens_rebuild(t);
	return 0;
}

int
route_del(struct node *n, const struct prefix *dst)
{
	struct rtable *t = table_of(n, dst->addr.af);
	struct addr key = dst->addr;

	addr_mask(&key, dst->len);
	if (!t->by_len[dst->len] || !g_hash_table_remove(t->by_len[dst->len], &key))
		return -1;
	t->count--;
	lens_rebuild(t);
	return 0;
}

const struct route *
route_lookup_exact(const struct node *n, const struct prefix *dst)
{
	const struct rtable *t = dst->addr.af == ADDR_V4 ? &n->rt4 : &n->rt6;
	struct addr key = dst->addr;

	if (!t->by_len[dst->len])
		return NULL;
	addr_mask(&key, dst->len);
	return g_hash_table_lookup(t->by_len[dst->len], &key);
}

/*
 * The longest prefix among the node's own routes (connected, static, and
 * the automatic ones made so far) and, with shortest-path routing, the
 * prefixes of the other nodes (spf.c makes the route on first use): at
 * each length the node's own route wins.  The last answer is cached in
 * the table (every change of the table or of the network's routes clears
 * it): a stream of packets to one destination costs one comparison per
 * packet.  The cache and the routes made on use are why the table is
 * written through a const node.
 */
const struct route *
route_lookup(const struct node *cn, const struct addr *dst)
{
	struct node *n = (struct node *)cn;
	struct rtable *t = dst->af == ADDR_V4 ? &n->rt4 : &n->rt6;
	const struct net *net = n->net;
	int f = dst->af == ADDR_V4 ? 0 : 1;
	unsigned i = 0, j = 0, nol;
	const struct route *r = NULL;

	if (t->cache_r && t->cache_gen == net->route_gen && addr_eq(&t->cache_dst, dst))
		return t->cache_r;
	nol = net->auto_routes && n->up ? net->nolens[f] : 0;
	while (i < t->nlens || j < nol) {
		int lt = i < t->nlens ? t->lens[i] : -1;
		int lo = j < nol ? net->olens[f][j] : -1;
		uint8_t len = (uint8_t)(lt > lo ? lt : lo);
		struct addr key = *dst;

		addr_mask(&key, len);
		if (lt == len) {
			i++;
			r = g_hash_table_lookup(t->by_len[len], &key);
			if (r)
				break;
		}
		if (lo == len) {
			j++;
			r = spf_auto_route(n, dst->af, len, &key);
			if (r)
				break;
		}
	}
	if (r) {
		t->cache_dst = *dst;
		t->cache_r = r;
		t->cache_gen = net->route_gen;
	}
	return r;
}

static gboolean
is_auto(gpointer k, gpointer v, gpointer ud)
{
	return ((struct route *)v)->automatic;
}

void
route_flush_auto(struct node *n)
{
	struct rtable *ts[2] = { &n->rt4, &n->rt6 };

	for (int i = 0; i < 2; i++) {
		for (int l = 0; l <= 128; l++)
			if (ts[i]->by_len[l])
				ts[i]->count -= g_hash_table_foreach_remove(ts[i]->by_len[l],
									    is_auto, NULL);
		lens_rebuild(ts[i]);
	}
}

static int
route_cmp(const void *x, const void *y)
{
	const struct route *a = *(const struct route *const *)x;
	const struct route *b = *(const struct route *const *)y;
	int c;

	if (a->dst.addr.af != b->dst.addr.af)
		return a->dst.addr.af - b->dst.addr.af;
	c = memcmp(a->dst.addr.a, b->dst.addr.a, 16);
	if (c)
		return c;
	return a->dst.len - b->dst.len;
}

void
route_dump(const struct node *n, FILE *out)
{
	const struct rtable *ts[2] = { &n->rt4, &n->rt6 };
	GPtrArray *all = g_ptr_array_new();

	for (int i = 0; i < 2; i++)
		for (int l = 0; l <= 128; l++) {
			GHashTableIter it;
			gpointer k, v;

			if (!ts[i]->by_len[l])
				continue;
			g_hash_table_iter_init(&it, ts[i]->by_len[l]);
			while (g_hash_table_iter_next(&it, &k, &v))
				g_ptr_array_add(all, v);
		}
	qsort(all->pdata, all->len, sizeof(void *), route_cmp);
	for (unsigned i = 0; i < all->len; i++) {
		const struct route *r = g_ptr_array_index(all, i);
		char d[ADDR_STRLEN], g[ADDR_STRLEN];

		fprintf(out, "%s %s via %s dev %s%s\n", n->name, prefix_fmt(&r->dst, d),
			r->gw.af ? addr_fmt(&r->gw, g) : "direct", r->ifc ? r->ifc->name : "-",
			r->automatic ? " auto" : "");
	}
	g_ptr_array_free(all, TRUE);
}
