/*
 * node.c - nodes and their interfaces, addresses and protocol hooks.
 *
 * MAC addresses are locally administered and follow from creation order:
 * 02:00:<node id, 3 bytes>:<interface index>, so the same topology always
 * gets the same addresses.  Every Ethernet interface also gets an IPv6
 * link-local address made from its MAC (modified EUI-64, RFC 4291).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/entity.h"
#include "sim/net.h"

#define IFACE_HASH_FROM	8	/* interfaces from which a node finds names by hash */

struct node *
node_create(struct net *net, const char *name)
{
	struct node *n;
	char cname[64];

	if (g_hash_table_contains(net->node_by_name, name)) {
		errno = EEXIST;
		return NULL;
	}
	n = calloc(1, sizeof(*n));
	n->net = net;
	n->name = strdup(name);
	n->id = net->nnodes;
	n->up = true;
	n->forwarding = true;
	rtable_init(&n->rt4);
	rtable_init(&n->rt6);
	n->udp_ports = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, free);
	n->next_ephemeral = 49152;
	n->ip_id = (uint16_t)(n->id * 4099u + 1);
	n->remote = net->rank_of && net->rank_of(net->rank_ctx, name) != net->rank;
	snprintf(cname, sizeof(cname), "%s", name);
	stats_register(&net->stats, &n->cnt, "node", cname);
	if (net->nnodes == net->nodes_cap) {
		net->nodes_cap = net->nodes_cap ? 2 * net->nodes_cap : 16;
		net->nodes = realloc(net->nodes, net->nodes_cap * sizeof(*net->nodes));
	}
	net->nodes[net->nnodes++] = n;
	g_hash_table_insert(net->node_by_name, n->name, n);
	return n;
}

static struct iface *
iface_new(struct node *n, const char *name, enum iface_kind kind)
{
	struct iface *ifc;
	char cname[IFNAME_MAX + 128];

	if (strlen(name) >= IFNAME_MAX || node_iface(n, name))
		return NULL;
	ifc = calloc(1, sizeof(*ifc));
	ifc->node = n;
	snprintf(ifc->name, sizeof(ifc->name), "%s", name);
	ifc->index = n->nifaces;
	ifc->kind = kind;
	ifc->up = true;
	ifc->mtu = 1500;
	ifc->neigh = g_hash_table_new(addr_hash, addr_equal);
	snprintf(cname, sizeof(cname), "%s:%s", n->name, name);
	stats_register(&n->net->stats, &ifc->cnt, "iface", cname);
	if (n->nifaces == n->ifaces_cap) {
		n->ifaces_cap = n->ifaces_cap ? 2 * n->ifaces_cap : 4;
		n->ifaces = realloc(n->ifaces, n->ifaces_cap * sizeof(*n->ifaces));
	}
	n->ifaces[n->nifaces++] = ifc;
	if (!n->iface_by_name && n->nifaces >= IFACE_HASH_FROM) {
		/* a hub: names are found by hash from now on */
		n->iface_by_name = g_hash_table_new(g_str_hash, g_str_equal);
		for (unsigned i = 0; i < n->nifaces; i++)
			g_hash_table_insert(n->iface_by_name, n->ifaces[i]->name, n->ifaces[i]);
	} else if (n->iface_by_name) {
		g_hash_table_insert(n->iface_by_name, ifc->name, ifc);
	}
	if (kind == IF_VLAN)
		n->nvlans++;
	return ifc;
}

static void
ll6_from_mac(struct addr *a, const uint8_t mac[6])
{
	memset(a, 0, sizeof(*a));
	a->af = ADDR_V6;
	a->a[0] = 0xfe;
	a->a[1] = 0x80;
	a->a[8] = mac[0] ^ 0x02;
	a->a[9] = mac[1];
	a->a[10] = mac[2];
	a->a[11] = 0xff;
	a->a[12] = 0xfe;
	a->a[13] = mac[3];
	a->a[14] = mac[4];
	a->a[15] = mac[5];
}

static void
iface_announce(struct iface *ifc)
{
	struct net *net = ifc->node->net;

	if (net->on_iface_new)
		net->on_iface_new(net->on_iface_ctx, ifc);
}

struct iface *
iface_add_ether(struct node *n, const char *name)
{
	struct iface *ifc = iface_new(n, name, IF_ETHER);

	if (!ifc)
		return NULL;
	ifc->mac[0] = 0x02;
	ifc->mac[1] = 0x00;
	ifc->mac[2] = (uint8_t)(n->id >> 16);
	ifc->mac[3] = (uint8_t)(n->id >> 8);
	ifc->mac[4] = (uint8_t)n->id;
	ifc->mac[5] = (uint8_t)ifc->index;
	ll6_from_mac(&ifc->ll6, ifc->mac);
	iface_announce(ifc);
	return ifc;
}

int
iface_set_outside(struct iface *ifc, iface_outside_fn fn, void *ctx)
{
	if (ifc->kind != IF_ETHER || ifc->link || ifc->outside || !fn)
		return -1;
	ifc->outside = fn;
	ifc->outside_ctx = ctx;
	return 0;
}

struct iface *
iface_add_vlan(struct node *n, struct iface *parent, uint16_t vid)
{
	char name[64];
	struct iface *ifc;

	if (!parent || parent->kind != IF_ETHER || vid == 0 || vid > 4094)
		return NULL;
	snprintf(name, sizeof(name), "%s.%u", parent->name, vid);
	ifc = iface_new(n, name, IF_VLAN);
	if (!ifc)
		return NULL;
	ifc->parent = parent;
	ifc->vlan_id = vid;
	memcpy(ifc->mac, parent->mac, 6);
	ifc->mtu = parent->mtu;
	ll6_from_mac(&ifc->ll6, ifc->mac);
	iface_announce(ifc);
	return ifc;
}

struct iface *
iface_add_gre(struct node *n, const char *name, const struct addr *local,
	      const struct addr *remote)
{
	struct iface *ifc;

	if (local->af != ADDR_V4 || remote->af != ADDR_V4)
		return NULL;
	ifc = iface_new(n, name, IF_GRE);
	if (!ifc)
		return NULL;
	ifc->gre_local = *local;
	ifc->gre_remote = *remote;
	ifc->mtu = 1500 - 20 - 4;
	iface_announce(ifc);
	return ifc;
}

struct iface *
node_iface(const struct node *n, const char *name)
{
	if (n->iface_by_name)
		return g_hash_table_lookup(n->iface_by_name, name);
	for (unsigned i = 0; i < n->nifaces; i++)
		if (strcmp(n->ifaces[i]->name, name) == 0)
			return n->ifaces[i];
	return NULL;
}

int
iface_addr_add(struct iface *ifc, const struct addr *a, uint8_t plen)
{
	struct route r;

	if (a->af != ADDR_V4 && a->af != ADDR_V6)
		return -1;
	ifc->addrs = realloc(ifc->addrs, (ifc->naddrs + 1) * sizeof(*ifc->addrs));
	ifc->addrs[ifc->naddrs].addr = *a;
	ifc->addrs[ifc->naddrs].plen = plen;
	ifc->naddrs++;
	spf_addr_added(ifc->node, a, plen);
	/* The connected route; a host route (/32, /128) needs none. */
	if (plen < (a->af == ADDR_V4 ? 32 : 128)) {
		memset(&r, 0, sizeof(r));
		r.dst.addr = *a;
		r.dst.len = plen;
		addr_mask(&r.dst.addr, plen);
		r.ifc = ifc;
		return route_add(ifc->node, &r);
	}
	return 0;
}

const struct ifaddr *
iface_addr(const struct iface *ifc, int af)
{
	for (unsigned i = 0; i < ifc->naddrs; i++)
		if (ifc->addrs[i].addr.af == af)
			return &ifc->addrs[i];
	return NULL;
}

bool
node_has_addr(const struct node *n, const struct addr *a)
{
	if (addr_eq(&n->router_id, a))
		return true;
	for (unsigned i = 0; i < n->nifaces; i++) {
		const struct iface *ifc = n->ifaces[i];

		for (unsigned j = 0; j < ifc->naddrs; j++)
			if (addr_eq(&ifc->addrs[j].addr, a))
				return true;
		if (a->af == ADDR_V6 && ifc->kind != IF_GRE && addr_eq(&ifc->ll6, a))
			return true;
	}
	return false;
}

const struct addr *
node_src_addr(const struct node *n, const struct iface *ifc, int af)
{
	const struct ifaddr *ia;

	if (ifc) {
		ia = iface_addr(ifc, af);
		if (ia)
			return &ia->addr;
	}
	if (n->router_id.af == af)
		return &n->router_id;
	for (unsigned i = 0; i < n->nifaces; i++) {
		ia = iface_addr(n->ifaces[i], af);
		if (ia)
			return &ia->addr;
	}
	if (af == ADDR_V6 && ifc && ifc->kind != IF_GRE)
		return &ifc->ll6;
	return NULL;
}

void
node_set_router_id(struct node *n, const struct addr *a)
{
	n->router_id = *a;
	if (!addr_is_unset(a))
		spf_addr_added(n, a, a->af == ADDR_V4 ? 32 : 128);
}

void
node_set_up(struct node *n, bool up)
{
	if (n->up == up)
		return;
	n->up = up;
	node_log(n, LOG_INFO, "net", NULL, "node %s", up ? "up" : "down");
	spf_node_changed(n);
	if (!up) {
		if (n->entities)
			for (unsigned i = 0; i < n->entities->len; i++)
				entity_stop(g_ptr_array_index(n->entities, i));
		for (unsigned i = 0; i < n->nifaces; i++)
			neigh_flush(n->ifaces[i]);
	}
}

int
node_eth_hook(struct node *n, uint16_t ethertype, eth_hook_fn fn, void *ctx)
{
	for (unsigned i = 0; i < n->neth_hooks; i++)
		if (n->eth_hooks[i].ethertype == ethertype)
			return -1;
	n->eth_hooks = realloc(n->eth_hooks, (n->neth_hooks + 1) * sizeof(*n->eth_hooks));
	n->eth_hooks[n->neth_hooks].ethertype = ethertype;
	n->eth_hooks[n->neth_hooks].fn = fn;
	n->eth_hooks[n->neth_hooks].ctx = ctx;
	n->neth_hooks++;
	return 0;
}

void
node_eth_unhook(struct node *n, uint16_t ethertype, eth_hook_fn fn, void *ctx)
{
	for (unsigned i = 0; i < n->neth_hooks; i++)
		if (n->eth_hooks[i].ethertype == ethertype && n->eth_hooks[i].fn == fn &&
		    n->eth_hooks[i].ctx == ctx) {
			memmove(&n->eth_hooks[i], &n->eth_hooks[i + 1],
				(n->neth_hooks - i - 1) * sizeof(*n->eth_hooks));
			n->neth_hooks--;
			return;
		}
}

int
node_ip_hook(struct node *n, uint8_t proto, ip_hook_fn fn, void *ctx)
{
	for (unsigned i = 0; i < n->nip_hooks; i++)
		if (n->ip_hooks[i].proto == proto)
			return -1;
	n->ip_hooks = realloc(n->ip_hooks, (n->nip_hooks + 1) * sizeof(*n->ip_hooks));
	n->ip_hooks[n->nip_hooks].proto = proto;
	n->ip_hooks[n->nip_hooks].fn = fn;
	n->ip_hooks[n->nip_hooks].ctx = ctx;
	n->nip_hooks++;
	return 0;
}

void *
node_ext_get(const struct node *n, const char *key)
{
	for (unsigned i = 0; i < n->nexts; i++)
		if (strcmp(n->exts[i].key, key) == 0)
			return n->exts[i].data;
	return NULL;
}

int
node_ext_set(struct node *n, const char *key, void *data, void (*fini)(void *data))
{
	if (node_ext_get(n, key))
		return -1;
	n->exts = realloc(n->exts, (n->nexts + 1) * sizeof(*n->exts));
	n->exts[n->nexts].key = key;
	n->exts[n->nexts].data = data;
	n->exts[n->nexts].fini = fini;
	n->nexts++;
	return 0;
}

void
node_ext_replace(struct node *n, const char *key, void *data, void (*fini)(void *data))
{
	for (unsigned i = 0; i < n->nexts; i++)
		if (strcmp(n->exts[i].key, key) == 0) {
			n->exts[i].data = data;
			n->exts[i].fini = fini;
			return;
		}
	node_ext_set(n, key, data, fini);
}

void
node_log(struct node *n, enum log_level l, const char *kind, const char *inst,
	 const char *fmt, ...)
{
	va_list ap;

	if (!log_enabled(&n->net->log, kind, l))
		return;
	va_start(ap, fmt);
	log_vline(&n->net->log, l, n->name, kind, inst, fmt, ap);
	va_end(ap);
}
