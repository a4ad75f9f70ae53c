/*
 * net.c - the network of one run: creation, lookup, teardown.
 */
#include <stdlib.h>
#include <string.h>

#include "sim/entity.h"
#include "sim/net.h"

struct net *
net_create(struct sim *sim, uint64_t seed, uint64_t run)
{
	struct net *net = calloc(1, sizeof(*net));

	if (!net)
		return NULL;
	net->sim = sim;
	net->seed = seed;
	net->run = run;
	stats_init(&net->stats);
	net->stats.stamp_fn = net_stamp;
	net->stats.stamp_ctx = net;
	log_init(&net->log, sim);
	net->node_by_name = g_hash_table_new(g_str_hash, g_str_equal);
	net->link_by_name = g_hash_table_new(g_str_hash, g_str_equal);
	net->spf_budget = SPF_BUDGET_DEFAULT;
	net->arp_timeout = 60 * SIM_S;
	net->arp_retry = 1 * SIM_S;
	net->arp_tries = 3;
	net->arp_queue_pkts = 0;
	net->arp_queue_bytes = NET_ARP_QUEUE_BYTES;
	return net;
}

void
link_params_default(struct link_params *lp)
{
	memset(lp, 0, sizeof(*lp));
	lp->bandwidth_bps = 1000000000ULL;
	lp->delay = 0;
	lp->mtu = 1500;
	lp->queue_pkts = 100;
	lp->queue_bytes = 0;
	lp->loss.kind = LOSS_NONE;
	lp->weight = 1;
}

struct node *
net_node(const struct net *net, const char *name)
{
	return g_hash_table_lookup(net->node_by_name, name);
}

void
net_stamp(void *ctx, struct stats_stamp *s)
{
	const struct net *net = ctx;

	memset(s, 0, sizeof(*s));
	s->phase = net->phase;
	if (net->phase == 1) {
		s->time = sim_now(net->sim);
		s->actor = sim_event_actor(net->sim);
		s->key = sim_event_key(net->sim);
	} else if (net->phase == 2) {
		s->actor = sim_actor(net->sim);
	}
}

bool
net_actor_local(void *ctx, uint32_t actor)
{
	struct net *net = ctx;

	return actor == SIM_ACTOR_RUN || actor > net->nnodes || !net->nodes[actor - 1]->remote;
}

struct link *
net_link(const struct net *net, const char *name)
{
	return g_hash_table_lookup(net->link_by_name, name);
}

uint64_t
net_drops(const struct net *net, uint32_t reason)
{
	return stats_drop_total(&net->stats, NULL, reason);
}

char *
net_outfile(struct net *net, const char *name)
{
	if (!net->outdir)
		return NULL;
	if (net->on_outfile && net->on_outfile(net->on_outfile_ctx, name) != 0)
		return NULL;
	return g_build_filename(net->outdir, name, NULL);
}

char *
net_outfile_part(struct net *net, const char *name)
{
	char *part = g_strdup_printf(".rows.%s.part.%d", name, net->rank);
	char *path = net_outfile(net, part);

	g_free(part);
	return path;
}

void
net_key_str(GString *k, const char *s)
{
	/* Each byte as two hex digits, then '!', below every digit: "a" < "ab". */
	for (; *s; s++)
		g_string_append_printf(k, "%02x", (unsigned char)*s);
	g_string_append_c(k, '!');
}

static void
neigh_free(struct neigh *ne, struct sim *sim)
{
	struct pkt *p, *next;

	sim_timer_cancel(sim, &ne->retry);
	for (p = ne->q_head; p; p = next) {
		next = p->next;
		pkt_free(p);
	}
	free(ne);
}

static void
link_free(struct net *net, struct link *l)
{
	for (int d = 0; d < 2; d++) {
		struct link_dir *ld = &l->dir[d];
		struct pkt *p, *next;

		sim_timer_cancel(net->sim, &ld->tx_done);
		sim_timer_cancel(net->sim, &ld->arrive);
		pkt_free(ld->tx);
		for (p = ld->fl_head; p; p = next) {
			next = p->next;
			pkt_free(p);
		}
		for (p = ld->q_head; p; p = next) {
			next = p->next;
			pkt_free(p);
		}
	}
	free(l->name);
	free(l);
}

static void
node_free(struct net *net, struct node *n)
{
	/*
	 * Entities stop before the extensions go: an extension may own an
	 * entity (a CAFE loaded by a tool) and free it.
	 */
	if (n->entities) {
		for (unsigned i = 0; i < n->entities->len; i++)
			entity_stop(g_ptr_array_index(n->entities, i));
		/* The scenario owns the instances and frees them. */
		g_ptr_array_free(n->entities, TRUE);
		n->entities = NULL;
	}
	/* Extensions last in, first out: a later one may use an earlier one. */
	for (unsigned i = n->nexts; i-- > 0;)
		if (n->exts[i].fini)
			n->exts[i].fini(n->exts[i].data);
	free(n->exts);
	if (n->iface_by_name)
		g_hash_table_destroy(n->iface_by_name);
	for (unsigned i = 0; i < n->nifaces; i++) {
		struct iface *ifc = n->ifaces[i];
		GHashTableIter it;
		gpointer k, v;

		g_hash_table_iter_init(&it, ifc->neigh);
		while (g_hash_table_iter_next(&it, &k, &v))
			neigh_free(v, net->sim);
		g_hash_table_destroy(ifc->neigh);
		free(ifc->addrs);
		free(ifc);
	}
	free(n->ifaces);
	for (struct pkt *p = n->lo_head, *next; p; p = next) {
		next = p->next;
		pkt_free(p);
	}
	rtable_fini(&n->rt4);
	rtable_fini(&n->rt6);
	free(n->eth_hooks);
	free(n->ip_hooks);
	free(n->echo_hooks);
	if (n->udp_ports)
		g_hash_table_destroy(n->udp_ports);
	free(n->name);
	free(n);
}

void *
net_ext_get(const struct net *net, const char *key)
{
	for (unsigned i = 0; i < net->nexts; i++)
		if (strcmp(net->exts[i].key, key) == 0)
			return net->exts[i].data;
	return NULL;
}

int
net_ext_set(struct net *net, const char *key, void *data,
	    void (*end)(struct net *net, void *data), void (*fini)(void *data))
{
	struct net_ext *v;

	if (net_ext_get(net, key))
		return -1;
	v = realloc(net->exts, (net->nexts + 1) * sizeof(*v));
	if (!v)
		abort();
	net->exts = v;
	v[net->nexts].key = key;
	v[net->nexts].data = data;
	v[net->nexts].end = end;
	v[net->nexts].fini = fini;
	net->nexts++;
	return 0;
}

void
net_stop_entities(struct net *net)
{
	net->phase = 2;
	if (!net->ended) {
		net->ended = true;
		for (unsigned i = 0; i < net->nexts; i++)
			if (net->exts[i].end)
				net->exts[i].end(net, net->exts[i].data);
	}
	for (unsigned i = 0; i < net->nnodes; i++) {
		struct node *n = net->nodes[i];
		uint32_t actor;

		if (!n->entities)
			continue;
		/* What they say then is their node's (a split run merges the log by it). */
		actor = sim_set_actor(net->sim, n->id + 1);
		for (unsigned j = 0; j < n->entities->len; j++)
			entity_stop(g_ptr_array_index(n->entities, j));
		sim_set_actor(net->sim, actor);
	}
}

void
net_destroy(struct net *net)
{
	if (!net)
		return;
	/* Entities first: they may close sockets and cancel timers. */
	net_stop_entities(net);
	spf_fini(net);
	stats_fini(&net->stats);
	if (net->window)
		sim_timer_cancel(net->sim, &net->window_ev);
	g_free(net->win_pending);
	for (unsigned i = 0; i < net->nlinks; i++)
		link_free(net, net->links[i]);
	for (unsigned i = 0; i < net->nnodes; i++)
		node_free(net, net->nodes[i]);
	free(net->links);
	free(net->nodes);
	g_hash_table_destroy(net->node_by_name);
	g_hash_table_destroy(net->link_by_name);
	/* Last in, first out, as a node's extensions. */
	for (unsigned i = net->nexts; i-- > 0;)
		if (net->exts[i].fini)
			net->exts[i].fini(net->exts[i].data);
	free(net->exts);
	log_fini(&net->log);
	free(net);
}
