/*
 * link.c - full-duplex point-to-point links.
 *
 * Each direction is a transmitter with a drop-tail queue.  A frame of S
 * bytes (as captured: Ethernet header to the end of the padding, no
 * preamble or FCS) that starts transmission at t on a link of bandwidth B
 * and delay D finishes serialising at t + ceil(8S/B) and arrives at the
 * far end at exactly t + ceil(8S/B) + D.  The queue holds frames waiting
 * behind the one being serialised; its limits count those frames only.
 *
 * The loss model is applied when a frame finishes serialising (the sender
 * still saw it leave): Bernoulli with probability p, or Gilbert-Elliott,
 * whose state moves first (good->bad with p_gb, bad->good with p_bg) and
 * then loses the frame with the state's probability.  Draws come from the
 * link's own stream, "link/<name>".
 *
 * Frames on the wire of one direction arrive in the order they left (the
 * delay is the same for all), so each direction keeps them in a FIFO and
 * arms one timer for the first: the scheduler holds two events per link
 * direction at most, however many frames are on the wire.
 *
 * Taking a link down drops, at once, what is queued, being serialised and
 * on the wire (reason link_down).
 *
 * An interface bound to the outside (iface_set_outside, a TAP device)
 * has no link: link_send hands its frames over at once, seen by its
 * frame tap as a frame that starts on a link; the outside's own time
 * is its bandwidth and delay.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "sim/net.h"

static void tx_done(struct sim *sim, void *ctx, void *arg);
static void arrive(struct sim *sim, void *ctx, void *arg);

struct link *
link_create(struct net *net, const char *name, struct iface *a, struct iface *b,
	    const struct link_params *lp)
{
	struct link *l;
	char buf[256];

	if (!a || !b || a == b || a->kind != IF_ETHER || b->kind != IF_ETHER ||
	    a->link || b->link || a->outside || b->outside || lp->bandwidth_bps == 0 || lp->delay < 0)
		return NULL;
	if (!name) {
		snprintf(buf, sizeof(buf), "%s:%s-%s:%s", a->node->name, a->name,
			 b->node->name, b->name);
		name = buf;
	}
	if (g_hash_table_contains(net->link_by_name, name))
		return NULL;
	l = calloc(1, sizeof(*l));
	l->net = net;
	l->name = strdup(name);
	l->id = net->nlinks;
	l->end[0] = a;
	l->end[1] = b;
	l->p = *lp;
	l->up = true;
	l->last_down = -1;
	for (int d = 0; d < 2; d++) {
		/*
		 * A stream a direction: its draws depend on its own frames only,
		 * whoever runs the other direction's (a split run).
		 */
		char *rname = g_strdup_printf("link/%s/%s>%s", name, l->end[d]->node->name,
					      l->end[1 - d]->node->name);

		rng_init(&l->dir[d].rng, net->seed, net->run, rname);
		g_free(rname);
		l->dir[d].link = l;
		l->dir[d].side = d;
		sim_timer_init(&l->dir[d].tx_done, tx_done, &l->dir[d], NULL);
		sim_timer_init(&l->dir[d].arrive, arrive, &l->dir[d], NULL);
	}
	a->link = l;
	a->link_side = 0;
	b->link = l;
	b->link_side = 1;
	a->mtu = b->mtu = lp->mtu;
	for (int e = 0; e < 2; e++) {
		struct node *n = l->end[e]->node;

		for (unsigned i = 0; n->nvlans && i < n->nifaces; i++)
			if (n->ifaces[i]->parent == l->end[e])
				n->ifaces[i]->mtu = lp->mtu;
	}
	stats_register(&net->stats, &l->cnt, "link", name);
	if (net->nlinks == net->links_cap) {
		net->links_cap = net->links_cap ? 2 * net->links_cap : 16;
		net->links = realloc(net->links, net->links_cap * sizeof(*net->links));
	}
	net->links[net->nlinks++] = l;
	g_hash_table_insert(net->link_by_name, l->name, l);
	spf_link_changed(l);
	return l;
}

sim_time_t
link_tx_time(const struct link *l, uint32_t bytes)
{
	unsigned __int128 bits_ns = (unsigned __int128)bytes * 8u * 1000000000u;
	uint64_t bw = l->p.bandwidth_bps;

	return (sim_time_t)((bits_ns + bw - 1) / bw);
}

static void
start_tx(struct link_dir *ld, struct pkt *p)
{
	struct link *l = ld->link;
	struct iface *from = l->end[ld->side];

	ld->tx = p;
	ld->tx_start = sim_now(l->net->sim);
	ld->tx_frames++;
	ld->tx_bytes += p->len;
	if (from->tap)
		from->tap(from->tap_ctx, from, TAP_TX, p);
	stats_tx(&from->cnt, p->len);
	stats_tx(&l->cnt, p->len);
	sim_timer_after(l->net->sim, &ld->tx_done, link_tx_time(l, p->len));
}

sim_time_t
link_dir_busy(const struct link_dir *ld, sim_time_t now)
{
	return ld->busy + (ld->tx ? now - ld->tx_start : 0);
}

static bool
frame_lost(struct link *l, struct link_dir *ld)
{
	const struct loss_model *m = &l->p.loss;

	switch (m->kind) {
	case LOSS_NONE:
		return false;
	case LOSS_BERNOULLI:
		return rng_bernoulli(&ld->rng, m->p);
	case LOSS_GILBERT_ELLIOTT:
		if (ld->ge_bad) {
			if (rng_bernoulli(&ld->rng, m->p_bg))
				ld->ge_bad = false;
		} else {
			if (rng_bernoulli(&ld->rng, m->p_gb))
				ld->ge_bad = true;
		}
		return rng_bernoulli(&ld->rng, ld->ge_bad ? m->loss_bad : m->loss_good);
	}
	return false;
}

static void
arrive(struct sim *sim, void *ctx, void *arg)
{
	struct link_dir *ld = ctx;
	struct link *l = ld->link;
	struct iface *to = l->end[1 - ld->side];
	struct pkt *p = ld->fl_head;

	ld->fl_head = p->next;
	if (!ld->fl_head)
		ld->fl_tail = NULL;
	else
		sim_timer_set_keyed(sim, &ld->arrive, ld->fl_head->when, ld->fl_head->key,
				    to->node->id + 1);
	p->next = NULL;
	ld->in_flight--;
	stats_rx(&l->cnt, p->len);
	ether_input(to, p);
}

/*
 * net_set_window(): the directions whose first frame waits for the next
 * window are armed at its start, with the keys their frames took when
 * they left (sim.h): the order they run in is the same.
 */
static void
window_start(struct sim *sim, void *ctx, void *arg)
{
	struct net *net = ctx;

	(void)arg;
	for (size_t i = 0; i < net->nwin_pending; i++) {
		struct link_dir *ld = net->win_pending[i];

		ld->win_pending = false;
		if (ld->fl_head && !sim_timer_armed(&ld->arrive))
			sim_timer_set_keyed(sim, &ld->arrive, ld->fl_head->when, ld->fl_head->key,
					    ld->link->end[1 - ld->side]->node->id + 1);
	}
	net->nwin_pending = 0;
}

static void
window_defer(struct net *net, struct link_dir *ld)
{
	struct sim *sim = net->sim;

	if (!ld->win_pending) {
		if (net->nwin_pending == net->win_cap) {
			net->win_cap = net->win_cap ? 2 * net->win_cap : 64;
			net->win_pending = g_renew(struct link_dir *, net->win_pending, net->win_cap);
		}
		net->win_pending[net->nwin_pending++] = ld;
		ld->win_pending = true;
	}
	if (!sim_timer_armed(&net->window_ev)) {
		/* The run's own event: it runs before the nodes' at its instant. */
		uint32_t actor = sim_set_actor(sim, SIM_ACTOR_RUN);

		sim_timer_set(sim, &net->window_ev, (sim_now(sim) / net->window + 1) * net->window);
		sim_set_actor(sim, actor);
	}
}

void
net_set_window(struct net *net, sim_time_t w)
{
	sim_timer_init(&net->window_ev, window_start, net, NULL);
	net->window = w > 0 ? w : 0;
}

/*
 * Put p, due at p->when with key p->key, on the wire of ld behind the
 * frames there, and arm the arrival of the first (at the next window's
 * start with net_set_window()): a frame that left here (tx_done) or in
 * another process (link_xrecv).
 */
static void
wire_put(struct link_dir *ld, struct pkt *p)
{
	struct link *l = ld->link;

	p->next = NULL;
	if (ld->fl_tail)
		ld->fl_tail->next = p;
	else
		ld->fl_head = p;
	ld->fl_tail = p;
	ld->in_flight++;
	if (sim_timer_armed(&ld->arrive))
		return;
	if (l->net->window && l->p.delay >= l->net->window)
		window_defer(l->net, ld);
	else
		sim_timer_set_keyed(l->net->sim, &ld->arrive, ld->fl_head->when, ld->fl_head->key,
				    l->end[1 - ld->side]->node->id + 1);
}

static void
tx_done(struct sim *sim, void *ctx, void *arg)
{
	struct link_dir *ld = ctx;
	struct link *l = ld->link;
	struct pkt *p = ld->tx;

	ld->tx = NULL;
	ld->busy += sim_now(sim) - ld->tx_start;
	if (frame_lost(l, ld)) {
		stats_drop(&l->cnt, DROP_LOSS);
		pkt_free(p);
	} else {
		/* Beyond the largest time: in flight until the end, never delivered. */
		p->when = sim_time_add(sim_now(sim), l->p.delay);
		/* Its arrival's place among events at one instant: the sender's (sim.h). */
		p->key = sim_key(sim, l->end[ld->side]->node->id + 1);
		if (l->end[1 - ld->side]->node->remote && l->net->xsend)
			/* Its receiver runs in another process (doc/parallel.md). */
			l->net->xsend(l->net->xsend_ctx, ld, p);
		else
			wire_put(ld, p);
	}
	if (ld->q_head) {
		struct pkt *next = ld->q_head;

		ld->q_head = next->next;
		if (!ld->q_head)
			ld->q_tail = NULL;
		next->next = NULL;
		ld->q_pkts--;
		ld->q_bytes -= next->len;
		start_tx(ld, next);
	}
}

void
link_xrecv(struct link_dir *ld, struct pkt *p)
{
	struct link *l = ld->link;

	/*
	 * It left at p->when - delay; a link that went down since dropped it
	 * in flight (down and a frame leaving at one instant: the run's own
	 * event goes first, and nothing leaves).
	 */
	if (!l->up || l->last_down > p->when - l->p.delay) {
		stats_drop(&l->cnt, DROP_LINK_DOWN);
		pkt_free(p);
		return;
	}
	wire_put(ld, p);
}

void
link_send(struct iface *ifc, struct pkt *p)
{
	struct link *l = ifc->link;
	struct link_dir *ld;

	if (!l && ifc->outside) {
		if (ifc->tap)
			ifc->tap(ifc->tap_ctx, ifc, TAP_TX, p);
		stats_tx(&ifc->cnt, p->len);
		ifc->outside(ifc->outside_ctx, ifc, p);
		return;
	}
	if (!l || !l->up) {
		stats_drop(l ? &l->cnt : &ifc->node->cnt, l ? DROP_LINK_DOWN : DROP_IFACE_DOWN);
		pkt_free(p);
		return;
	}
	ld = &l->dir[ifc->link_side];
	if (!ld->tx) {
		start_tx(ld, p);
		return;
	}
	if ((l->p.queue_pkts && ld->q_pkts >= l->p.queue_pkts) ||
	    (l->p.queue_bytes && ld->q_bytes + p->len > l->p.queue_bytes)) {
		stats_drop(&l->cnt, DROP_QUEUE_FULL);
		pkt_free(p);
		return;
	}
	p->next = NULL;
	if (ld->q_tail)
		ld->q_tail->next = p;
	else
		ld->q_head = p;
	ld->q_tail = p;
	ld->q_pkts++;
	ld->q_bytes += p->len;
}

void
link_set_up(struct link *l, bool up)
{
	if (l->up == up)
		return;
	l->up = up;
	if (!up)
		l->last_down = sim_now(l->net->sim);
	log_line(&l->net->log, LOG_INFO, NULL, "link", l->name, "link %s", up ? "up" : "down");
	spf_link_changed(l);
	if (up)
		return;
	for (int d = 0; d < 2; d++) {
		struct link_dir *ld = &l->dir[d];
		struct pkt *p, *next;

		sim_timer_cancel(l->net->sim, &ld->tx_done);
		sim_timer_cancel(l->net->sim, &ld->arrive);
		for (p = ld->fl_head; p; p = next) {
			next = p->next;
			stats_drop(&l->cnt, DROP_LINK_DOWN);
			pkt_free(p);
		}
		ld->fl_head = ld->fl_tail = NULL;
		ld->in_flight = 0;
		if (ld->tx) {
			ld->busy += sim_now(l->net->sim) - ld->tx_start;
			stats_drop(&l->cnt, DROP_LINK_DOWN);
			pkt_free(ld->tx);
			ld->tx = NULL;
		}
		for (p = ld->q_head; p; p = next) {
			next = p->next;
			stats_drop(&l->cnt, DROP_LINK_DOWN);
			pkt_free(p);
		}
		ld->q_head = ld->q_tail = NULL;
		ld->q_pkts = 0;
		ld->q_bytes = 0;
		ld->ge_bad = false;
	}
	for (int e = 0; e < 2; e++)
		neigh_flush(l->end[e]);
}
