/*
 * curling_cafe.c - usr.curling.Cafe: the stateful CAFE of the coupled
 * approach (D4.3 sections 6.1-6.3.4).
 *
 *   usr.curling.Cafe myport myCRMEaddr myCRMEport nInterDLink
 *       <neighbourCAFEaddr neighbourCAFEport neighbourCRMEaddr>...
 *       [timeout=DURATION]
 *
 * D4.3's start-up line (section 6.3.4.1), accepted as written: the port
 * the CAFE listens on, its CRME, and one tuple per inter-domain link.
 * timeout= is ours: how long a state may stay unused before it is
 * removed (default 10s), so a flow whose last chunk was lost does not
 * hold state for ever.
 *
 * The CAFE announces its links to its CRME (Announce, repeated until
 * acknowledged; more links than one datagram holds go in several parts,
 * each acknowledged on its own, doc/curling.md), installs and removes state on Configure, and forwards
 * content chunks by its ContentStateTable.  Each table line is logged as
 * D4.3's displayContentStateTable() prints it, prefixed with the table's
 * title so that one grep finds the CAFE and the entry:
 *   CAFE ContentStateTable at 2.2: Content ID   Next Hop Address   Next Hop Port
 *   CAFE ContentStateTable at 2.2: MyContent1 2.3 2000
 * The first chunk of a content to each next hop logs D4.3's delivery line
 *   CAFE 5.3: Content MyContent1 received and will be sent to 5.2:2000
 * (every chunk at debug level).  Dropped messages are counted under the
 * counters of kind "ccafe" with their reason.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "entities/curling/curling.h"
#include "sim/net.h"
#include "sim/units.h"

#define CAFE_USAGE "myport myCRMEaddr myCRMEport nInterDLink " \
		   "<neighbourCAFEaddr neighbourCAFEport neighbourCRMEaddr>... [timeout=DURATION]"
#define ANNOUNCE_RETRY	(200 * SIM_MS)
#define ANNOUNCE_TRIES	25
#define DEFAULT_TIMEOUT	(10 * SIM_S)

/* One next hop of a ContentStateTable entry. */
struct cst_hop {
	struct cmsg_hop h;
	bool announced;		/* the delivery line for it was logged */
};

/* A transmission: the server that sends it and its number there. */
struct tx_key {
	uint32_t src;
	uint16_t port;
	uint32_t tx;
};

#define TX_DONE_MAX	8	/* finished transmissions remembered per entry */

/* One ContentStateTable entry (D4.3 section 6.3.4.2). */
struct cst_entry {
	char id[CMSG_ID_MAX + 1];
	struct cmsg_hop prev;		/* PrevHopCAFEaddr: where content last came from */
	GArray *hops;			/* struct cst_hop: <NextHopCAFEaddr, NextHopCAFEport>... */
	GArray *notified;		/* struct cmsg_hop: previous hops whose notify flag is set */
	struct cmsg_hop src;		/* the content server, from the chunks */
	sim_time_t used;		/* installed or last chunk */
	uint64_t chunks;
	GArray *active;			/* struct tx_key: transmissions under way */
	struct tx_key done[TX_DONE_MAX];	/* the last ones that ended (a ring) */
	unsigned ndone;
	unsigned expect;		/* new transmissions announced (CFG_F_NEWTX), not seen */
};

struct ccafe {
	struct entity e;
	/* arguments */
	uint16_t port;
	uint32_t crme;
	uint16_t crme_port;
	unsigned nlinks;
	struct cmsg_link *links;	/* nlinks of them */
	sim_time_t timeout;
	/* run */
	uint32_t self;			/* this CAFE's address */
	char self_str[CURLING_ADDRLEN];
	struct udp_sock *sock;
	GHashTable *by_id;		/* ContentID -> struct cst_entry* (lookups only) */
	GPtrArray *cst;			/* struct cst_entry*, installation order */
	uint32_t token;
	bool acked;			/* every part of the Announce */
	unsigned nparts;		/* Announces the links take, 1 at least */
	bool part_acked[CMSG_MAX_PARTS];
	unsigned announce_tries;
	struct sim_timer announce;
	struct sim_timer sweep;
	struct counters cnt;
	bool cnt_registered;
	uint32_t r_no_state, r_unexpected;
	/* statistics */
	uint64_t configures, installs, removals, expired;
	uint64_t chunks_in, chunks_out, bytes_out, notifies, no_state, bad;
	uint64_t unknown_addrs;	/* found at start (check did not run) */
	bool addrs_checked;	/* check ran at load time: start does not repeat it */
};

/* ---- the ContentStateTable ---- */

static struct cst_entry *
cst_lookup(struct ccafe *c, const char *id)
{
	return g_hash_table_lookup(c->by_id, id);
}

static struct cst_entry *
cst_install(struct ccafe *c, const char *id)
{
	struct cst_entry *x = cst_lookup(c, id);

	if (x)
		return x;
	x = g_new0(struct cst_entry, 1);
	snprintf(x->id, sizeof(x->id), "%s", id);
	x->hops = g_array_new(FALSE, FALSE, sizeof(struct cst_hop));
	x->notified = g_array_new(FALSE, FALSE, sizeof(struct cmsg_hop));
	x->active = g_array_new(FALSE, FALSE, sizeof(struct tx_key));
	g_hash_table_insert(c->by_id, x->id, x);
	g_ptr_array_add(c->cst, x);
	c->installs++;
	return x;
}

static int
hop_index(const struct cst_entry *x, const struct cmsg_hop *h)
{
	for (guint i = 0; i < x->hops->len; i++) {
		const struct cst_hop *k = &g_array_index(x->hops, struct cst_hop, i);

		if (k->h.addr == h->addr && k->h.port == h->port)
			return (int)i;
	}
	return -1;
}

/*
 * displayContentStateTable(): the title with the column names, then one
 * line per (content, next hop), each a log line of its own.
 */
static void
cst_display(struct ccafe *c)
{
	char a[CURLING_ADDRLEN];

	entity_log(&c->e, LOG_INFO, "CAFE ContentStateTable at %s: Content ID   Next Hop "
		   "Address   Next Hop Port", c->self_str);
	for (guint i = 0; i < c->cst->len; i++) {
		const struct cst_entry *x = g_ptr_array_index(c->cst, i);

		for (guint k = 0; k < x->hops->len; k++) {
			const struct cst_hop *h = &g_array_index(x->hops, struct cst_hop, k);

			entity_log(&c->e, LOG_INFO, "CAFE ContentStateTable at %s: %s %s %u",
				   c->self_str, x->id, curling_fmt_addr(h->h.addr, a), h->h.port);
		}
	}
}

static void
send_notify(struct ccafe *c, const struct cst_entry *x, const struct cmsg_hop *prev,
	    uint8_t op)
{
	struct cmsg m;

	memset(&m, 0, sizeof(m));
	m.type = CMSG_NOTIFY;
	m.flags = op;
	snprintf(m.id, sizeof(m.id), "%s", x->id);
	m.src = x->src;
	m.prev = *prev;
	if (op == NOTIFY_CREATE)
		for (guint k = 0; k < x->hops->len && m.nhops < CMSG_MAX_HOPS; k++)
			m.hops[m.nhops++] = g_array_index(x->hops, struct cst_hop, k).h;
	if (curling_send(c->sock, c->crme, c->crme_port, &m) == 0)
		c->notifies++;
}

static void
cst_entry_free(struct cst_entry *x)
{
	g_array_free(x->hops, TRUE);
	g_array_free(x->notified, TRUE);
	g_array_free(x->active, TRUE);
	g_free(x);
}

/* Remove an entry; a teardown Notify goes for every previous hop notified. */
static void
cst_remove(struct ccafe *c, struct cst_entry *x, const char *why)
{
	for (guint i = 0; i < x->notified->len; i++)
		send_notify(c, x, &g_array_index(x->notified, struct cmsg_hop, i),
			    NOTIFY_TEARDOWN);
	entity_log(&c->e, LOG_INFO, "CAFE %s: state for %s removed (%s)", c->self_str, x->id,
		   why);
	g_hash_table_remove(c->by_id, x->id);
	g_ptr_array_remove(c->cst, x);
	cst_entry_free(x);
	c->removals++;
}

/* ---- messages in ---- */

static void
drop(struct ccafe *c, uint32_t reason, const char *what, uint32_t from)
{
	char a[CURLING_ADDRLEN];

	stats_drop(&c->cnt, reason);
	entity_log(&c->e, LOG_DEBUG, "dropped a message from %s: %s",
		   curling_fmt_addr(from, a), what);
}

static void sweep_arm(struct ccafe *c);

/*
 * processConfigure() (D4.3 section 6.3.4):
 *  1. only the CAFE's own CRME may configure it;
 *  2. add: install the content if new and add each next hop not yet there;
 *     with CFG_F_NEWTX, count one more transmission to wait for;
 *  3. remove next hops: drop those listed; an entry left without next
 *     hops is removed;
 *  4. remove content: drop the entry;
 *  5. display the table.
 */
static void
process_configure(struct ccafe *c, const struct cmsg *m, uint32_t from)
{
	struct cst_entry *x;

	if (from != c->crme) {
		drop(c, c->r_unexpected, "Configure not from our CRME", from);
		return;
	}
	c->configures++;
	x = cst_lookup(c, m->id);
	switch (m->flags & CFG_OP_MASK) {
	case CFG_ADD:
		x = cst_install(c, m->id);
		x->used = sim_now(c->e.node->net->sim);
		if (m->flags & CFG_F_NEWTX)
			x->expect++;
		for (unsigned i = 0; i < m->nhops; i++)
			if (hop_index(x, &m->hops[i]) < 0) {
				struct cst_hop h = { m->hops[i], false };

				g_array_append_val(x->hops, h);
			}
		sweep_arm(c);
		break;
	case CFG_DEL_HOPS:
		if (!x)
			return;
		for (unsigned i = 0; i < m->nhops; i++) {
			int k = hop_index(x, &m->hops[i]);

			if (k >= 0)
				g_array_remove_index(x->hops, (guint)k);
		}
		if (x->hops->len == 0)
			cst_remove(c, x, "no next hop left");
		break;
	case CFG_DEL_CONTENT:
		if (!x)
			return;
		cst_remove(c, x, "configured");
		break;
	}
	cst_display(c);
}

static bool
tx_eq(const struct tx_key *a, const struct tx_key *b)
{
	return a->src == b->src && a->port == b->port && a->tx == b->tx;
}

/* Step 4 of processContent: returns whether this chunk ended its transmission. */
static bool
tx_track(struct cst_entry *x, const struct cmsg *m)
{
	struct tx_key k = { m->src.addr, m->src.port, m->tx };
	bool known = false;
	guint i;

	for (i = 0; i < x->active->len && !known; i++)
		known = tx_eq(&g_array_index(x->active, struct tx_key, i), &k);
	for (unsigned d = 0; d < TX_DONE_MAX && d < x->ndone && !known; d++)
		if (tx_eq(&x->done[d], &k))
			return false;	/* a straggler of a finished transmission */
	if (!known) {
		g_array_append_val(x->active, k);
		if (x->expect)
			x->expect--;
		i = x->active->len;
	}
	if (!(m->flags & CONTENT_F_LAST))
		return false;
	g_array_remove_index(x->active, i - 1);
	x->done[x->ndone++ % TX_DONE_MAX] = k;
	return true;
}

/*
 * processContent() (D4.3 sections 6.3.1 and 6.3.4):
 *  1. look the ContentID up in the ContentStateTable; no state: count
 *     the chunk as curling_no_state and drop it (content passes only
 *     through CAFEs that hold a state for it);
 *  2. record the previous hop; if the notify flag of (content, previous
 *     hop) is not set, send Notify (create) to the CRME and set it;
 *  3. send the chunk, unchanged, to every next hop; the first one to a
 *     next hop logs the delivery line;
 *  4. a chunk of a transmission not seen before starts it (and meets one
 *     announced by CFG_F_NEWTX); the last chunk of a transmission ends it;
 *     when none is under way and none is announced, the entry is removed
 *     (teardown Notify for each previous hop notified).  Several
 *     transmissions of one content may cross a CAFE at once (a client's
 *     repair while the content flows): the first to end must not take
 *     the state the others need.
 */
static void
process_content(struct ccafe *c, const struct cmsg *m, struct pkt *p, uint32_t from,
		uint16_t sport)
{
	struct cmsg_hop prev = { from, sport };
	struct cst_entry *x = cst_lookup(c, m->id);
	char a[CURLING_ADDRLEN];
	bool seen = false;

	c->chunks_in++;
	if (!x) {
		c->no_state++;
		stats_drop(&c->cnt, c->r_no_state);
		entity_log(&c->e, c->no_state == 1 ? LOG_INFO : LOG_DEBUG,
			   "CAFE %s: Content %s received from %s:%u but no state: dropped",
			   c->self_str, m->id, curling_fmt_addr(from, a), sport);
		return;
	}
	x->prev = prev;
	x->src = m->src;
	x->used = sim_now(c->e.node->net->sim);
	x->chunks++;
	for (guint i = 0; i < x->notified->len && !seen; i++) {
		const struct cmsg_hop *n = &g_array_index(x->notified, struct cmsg_hop, i);

		seen = n->addr == prev.addr && n->port == prev.port;
	}
	if (!seen) {
		g_array_append_val(x->notified, prev);
		send_notify(c, x, &prev, NOTIFY_CREATE);
	}
	for (guint k = 0; k < x->hops->len; k++) {
		struct cst_hop *h = &g_array_index(x->hops, struct cst_hop, k);
		struct addr dst = addr_v4(h->h.addr);

		if (!h->announced) {
			h->announced = true;
			entity_log(&c->e, LOG_INFO, "CAFE %s: Content %s received and will be sent "
				   "to %s:%u", c->self_str, m->id, curling_fmt_addr(h->h.addr, a),
				   h->h.port);
		} else {
			entity_log(&c->e, LOG_DEBUG, "CAFE %s: chunk %" PRIu32 " of %s to %s:%u",
				   c->self_str, m->seq, m->id, curling_fmt_addr(h->h.addr, a),
				   h->h.port);
		}
		if (udp_sendto_buf(c->sock, &dst, h->h.port, p->data, p->len) == 0) {
			c->chunks_out++;
			c->bytes_out += p->len;
		}
	}
	if (tx_track(x, m) && x->active->len == 0 && x->expect == 0) {
		cst_remove(c, x, "last chunk forwarded");
		cst_display(c);
	}
}

/* Part k of the Announce acknowledged: once every part is, stop repeating it. */
static void
announce_acked(struct ccafe *c, unsigned k)
{
	c->part_acked[k] = true;
	for (unsigned i = 0; i < c->nparts; i++)
		if (!c->part_acked[i])
			return;
	c->acked = true;
	sim_timer_cancel(c->e.node->net->sim, &c->announce);
	entity_log(&c->e, LOG_INFO, "CAFE %s: Announce acknowledged by the CRME", c->self_str);
}

static void
cafe_input(struct udp_sock *s, void *ctx, struct pkt *p, const struct addr *src,
	   uint16_t sport, const struct addr *dst, uint16_t dport)
{
	struct ccafe *c = ctx;
	uint32_t from = addr_v4_host(src);
	struct cmsg msg, *m = &msg;
	int rc;

	if (!c->e.running)
		return;
	stats_rx(&c->cnt, p->len);
	rc = cmsg_decode(p->data, p->len, m);
	if (rc != CMSG_OK) {
		c->bad++;
		drop(c, stats_reason_intern(&c->e.node->net->stats, cmsg_err_name(rc)),
		     cmsg_err_name(rc), from);
		return;
	}
	switch (m->type) {
	case CMSG_CONFIGURE:
		process_configure(c, m, from);
		break;
	case CMSG_CONTENT:
		process_content(c, m, p, from, sport);
		break;
	case CMSG_ACK:
		if (from == c->crme && m->acked_type == CMSG_ANNOUNCE && m->token == c->token &&
		    !c->acked && m->part < c->nparts && !c->part_acked[m->part])
			announce_acked(c, m->part);
		break;
	default:
		drop(c, c->r_unexpected, cmsg_type_name(m->type), from);
		break;
	}
}

/* ---- timers ---- */

/*
 * sendAnnounce(): our links to the CRME, until it acknowledges.  Part k
 * holds links k * CMSG_MAX_LINKS onwards; the parts not acknowledged yet
 * go again at each retry.
 */
static void
announce_tick(struct sim *sim, void *ctx, void *arg)
{
	struct ccafe *c = ctx;
	struct cmsg *m;
	char a[CURLING_ADDRLEN];

	if (c->acked)
		return;
	if (c->announce_tries++ == ANNOUNCE_TRIES) {
		entity_log(&c->e, LOG_WARN, "CAFE %s: no answer to Announce from the CRME at "
			   "%s:%u", c->self_str, curling_fmt_addr(c->crme, a), c->crme_port);
		return;
	}
	m = g_new0(struct cmsg, 1);
	for (unsigned k = 0; k < c->nparts; k++) {
		unsigned first = k * CMSG_MAX_LINKS, n = c->nlinks - first;

		if (c->part_acked[k])
			continue;
		if (n > CMSG_MAX_LINKS)
			n = CMSG_MAX_LINKS;
		memset(m, 0, sizeof(*m));
		m->type = CMSG_ANNOUNCE;
		m->token = c->token;
		m->part = (uint8_t)k;
		m->cafe.addr = c->self;
		m->cafe.port = c->port;
		m->nlinks = (uint8_t)n;
		if (n)
			memcpy(m->links, c->links + first, sizeof(m->links[0]) * n);
		curling_send(c->sock, c->crme, c->crme_port, m);
	}
	g_free(m);
	sim_timer_after(sim, &c->announce, ANNOUNCE_RETRY);
}

/* Remove the states unused for longer than the timeout. */
static void
sweep_tick(struct sim *sim, void *ctx, void *arg)
{
	struct ccafe *c = ctx;
	sim_time_t now = sim_now(sim);
	bool changed = false;

	for (guint i = 0; i < c->cst->len;) {
		struct cst_entry *x = g_ptr_array_index(c->cst, i);

		if (now - x->used >= c->timeout) {
			c->expired++;
			cst_remove(c, x, "unused: timed out");
			changed = true;
		} else {
			i++;
		}
	}
	if (changed)
		cst_display(c);
	sweep_arm(c);
}

static void
sweep_arm(struct ccafe *c)
{
	sim_time_t first = SIM_TIME_MAX;
	struct sim *sim = c->e.node->net->sim;

	for (guint i = 0; i < c->cst->len; i++) {
		const struct cst_entry *x = g_ptr_array_index(c->cst, i);

		sim_time_t at = sim_time_add(x->used, c->timeout);

		if (at < first)
			first = at;
	}
	if (first == SIM_TIME_MAX)
		sim_timer_cancel(sim, &c->sweep);
	else if (!sim_timer_armed(&c->sweep) || c->sweep.ev.time > first)
		sim_timer_set(sim, &c->sweep, first);
}

/* ---- the class ---- */

static int
cafe_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	struct ccafe *c = (struct ccafe *)e;
	char what[UNITS_ERRLEN];
	int npos = 0, ntuple;
	unsigned n;

	while (npos < argc && !strchr(argv[npos], '='))
		npos++;
	if (npos < 4)
		return entity_err(err, errlen, "missing <%s>", npos == 0 ? "myport" :
				  npos == 1 ? "myCRMEaddr" : npos == 2 ? "myCRMEport" :
				  "nInterDLink");
	if (curling_parse_port("myport", argv[0], &c->port, err, errlen) < 0)
		return -1;
	if (curling_parse_addr(argv[1], &c->crme) < 0)
		return entity_err(err, errlen, "myCRMEaddr \"%s\" is not an address (a.b or "
				  "an IPv4 address)", argv[1]);
	if (curling_parse_port("myCRMEport", argv[2], &c->crme_port, err, errlen) < 0)
		return -1;
	if (curling_parse_count("nInterDLink", argv[3], 0, CURLING_MAX_LINKS, &n, err,
				errlen) < 0)
		return -1;
	ntuple = npos - 4;
	if (ntuple != 3 * (int)n)
		return entity_err(err, errlen, "nInterDLink is %u but %d argument%s follow%s: "
				  "expected %u tuple%s <neighbourCAFEaddr neighbourCAFEport "
				  "neighbourCRMEaddr>", n, ntuple, ntuple == 1 ? "" : "s",
				  ntuple == 1 ? "s" : "", n, n == 1 ? "" : "s");
	c->nlinks = n;
	c->nparts = n ? (n + CMSG_MAX_LINKS - 1) / CMSG_MAX_LINKS : 1;
	c->links = g_new0(struct cmsg_link, n ? n : 1);
	for (unsigned i = 0; i < n; i++) {
		char **t = argv + 4 + 3 * i;

		if (curling_parse_addr(t[0], &c->links[i].cafe) < 0)
			return entity_err(err, errlen, "link %u: neighbourCAFEaddr \"%s\" is not "
					  "an address", i + 1, t[0]);
		if (curling_parse_port("neighbourCAFEport", t[1], &c->links[i].cafe_port, what,
				       sizeof(what)) < 0)
			return entity_err(err, errlen, "link %u: %s", i + 1, what);
		if (curling_parse_addr(t[2], &c->links[i].crme) < 0)
			return entity_err(err, errlen, "link %u: neighbourCRMEaddr \"%s\" is not "
					  "an address", i + 1, t[2]);
	}
	c->timeout = DEFAULT_TIMEOUT;
	for (int i = npos; i < argc; i++) {
		if (curling_opt_once(argv, npos, i, err, errlen) < 0)
			return -1;
		if (strncmp(argv[i], "timeout=", 8) == 0) {
			if (units_duration("timeout", argv[i] + 8, 0, 1, SIM_TIME_LIMIT, &c->timeout,
					   err, errlen) < 0)
				return -1;
		} else {
			return entity_err(err, errlen, "unknown option \"%s\"", argv[i]);
		}
	}
	if (curling_port_claim(e->node_name, c->port, e) < 0)
		return entity_err(err, errlen, "port %u on %s is already used by another "
				  "curling entity", c->port, e->node_name);
	c->by_id = g_hash_table_new(g_str_hash, g_str_equal);
	c->cst = g_ptr_array_new();
	return 0;
}

/* The CRME's then each link's addresses, with their roles; returns how many. */
static unsigned
cafe_addrs(const struct ccafe *c, uint32_t *addrs, const char **roles)
{
	unsigned n = 0;

	addrs[n] = c->crme;
	roles[n++] = "myCRMEaddr";
	for (unsigned i = 0; i < c->nlinks; i++) {
		addrs[n] = c->links[i].cafe;
		roles[n++] = "neighbourCAFEaddr";
		addrs[n] = c->links[i].crme;
		roles[n++] = "neighbourCRMEaddr";
	}
	return n;
}

static int
cafe_check(struct entity *e, const struct entity_scope *sc, char *err, size_t errlen)
{
	struct ccafe *c = (struct ccafe *)e;
	uint32_t *addrs = g_new(uint32_t, 1 + 2 * c->nlinks);
	const char **roles = g_new(const char *, 1 + 2 * c->nlinks);
	unsigned n = cafe_addrs(c, addrs, roles);
	int rc;

	c->addrs_checked = true;
	rc = curling_check_known(addrs, roles, n, sc->addr_known, sc->ctx, err, errlen);
	g_free(addrs);
	g_free(roles);
	return rc;
}

static void
cafe_start(struct entity *e)
{
	struct ccafe *c = (struct ccafe *)e;
	struct stats *st = &e->node->net->stats;
	struct sim *sim = e->node->net->sim;
	char a[CURLING_ADDRLEN];

	c->self = curling_node_addr(e->node);
	curling_fmt_addr(c->self, c->self_str);
	if (!c->cnt_registered) {
		stats_register(st, &c->cnt, "ccafe", e->node->name);
		c->cnt_registered = true;
		c->r_no_state = stats_reason_intern(st, "curling_no_state");
		c->r_unexpected = stats_reason_intern(st, "curling_unexpected");
	}
	c->sock = udp_open(e->node, c->port, cafe_input, c);
	curling_sock_source(c->sock, e->node);
	if (!c->sock) {
		entity_log(e, LOG_ERROR, "CAFE %s: cannot bind UDP port %u: in use", c->self_str,
			   c->port);
		return;
	}
	entity_log(e, LOG_INFO, "CAFE %s: listening on port %u, CRME %s:%u, %u inter-domain "
		   "link%s", c->self_str, c->port, curling_fmt_addr(c->crme, a), c->crme_port,
		   c->nlinks, c->nlinks == 1 ? "" : "s");
	if (!c->addrs_checked) {
		uint32_t *addrs = g_new(uint32_t, 1 + 2 * c->nlinks);
		const char **roles = g_new(const char *, 1 + 2 * c->nlinks);
		unsigned n = cafe_addrs(c, addrs, roles);
		char who[CURLING_ADDRLEN + 8];

		snprintf(who, sizeof(who), "CAFE %s", c->self_str);
		c->unknown_addrs = curling_check_addrs(e, who, addrs, roles, n);
		g_free(addrs);
		g_free(roles);
	}
	c->token++;
	c->acked = false;
	memset(c->part_acked, 0, sizeof(c->part_acked));
	c->announce_tries = 0;
	sim_timer_init(&c->announce, announce_tick, c, NULL);
	sim_timer_init(&c->sweep, sweep_tick, c, NULL);
	sim_schedule(sim, 0, announce_tick, c, NULL);
}

static void
cafe_stop(struct entity *e)
{
	struct ccafe *c = (struct ccafe *)e;
	struct sim *sim = e->node->net->sim;

	c->acked = true;	/* an announce_tick already scheduled does nothing */
	sim_timer_cancel(sim, &c->announce);
	sim_timer_cancel(sim, &c->sweep);
	if (c->sock) {
		udp_close(c->sock);
		c->sock = NULL;
	}
	entity_log(e, LOG_INFO, "CAFE %s: %" PRIu64 " chunks in, %" PRIu64 " out, %" PRIu64
		   " without state, %u states left", c->self_str, c->chunks_in, c->chunks_out,
		   c->no_state, c->cst ? c->cst->len : 0);
}

static void
cafe_stats(struct entity *e, entity_stat_fn fn, void *ctx)
{
	struct ccafe *c = (struct ccafe *)e;

	fn(ctx, "configures", c->configures);
	fn(ctx, "states_installed", c->installs);
	fn(ctx, "states_removed", c->removals);
	fn(ctx, "states_expired", c->expired);
	fn(ctx, "states", c->cst ? c->cst->len : 0);
	fn(ctx, "chunks_in", c->chunks_in);
	fn(ctx, "chunks_out", c->chunks_out);
	fn(ctx, "bytes_out", c->bytes_out);
	fn(ctx, "notifies", c->notifies);
	fn(ctx, "no_state", c->no_state);
	fn(ctx, "malformed", c->bad);
	fn(ctx, "unknown_addresses", c->unknown_addrs);
}

/* The whole table, with D4.3's columns: ContentID PrevHop numNextHops <hop>... */
static void
cafe_dump(struct entity *e, FILE *out)
{
	struct ccafe *c = (struct ccafe *)e;
	char a[CURLING_ADDRLEN], b[CURLING_ADDRLEN];

	for (guint i = 0; c->cst && i < c->cst->len; i++) {
		const struct cst_entry *x = g_ptr_array_index(c->cst, i);

		fprintf(out, "%s %s:%u %u", x->id, x->prev.addr ? curling_fmt_addr(x->prev.addr, a) :
			"-", x->prev.port, x->hops->len);
		for (guint k = 0; k < x->hops->len; k++) {
			const struct cst_hop *h = &g_array_index(x->hops, struct cst_hop, k);

			fprintf(out, " %s:%u", curling_fmt_addr(h->h.addr, b), h->h.port);
		}
		fprintf(out, " notified %u\n", x->notified->len);
	}
}

static void
cafe_fini(struct entity *e)
{
	struct ccafe *c = (struct ccafe *)e;

	curling_port_release(e);
	g_free(c->links);
	c->links = NULL;
	if (c->cst) {
		for (guint i = 0; i < c->cst->len; i++)
			cst_entry_free(g_ptr_array_index(c->cst, i));
		g_ptr_array_free(c->cst, TRUE);
		c->cst = NULL;
	}
	if (c->by_id) {
		g_hash_table_destroy(c->by_id);
		c->by_id = NULL;
	}
}

const struct entity_class curling_cafe_class = {
	.name      = "usr.curling.Cafe",
	.kind      = "ccafe",
	.usage     = CAFE_USAGE,
	.inst_size = sizeof(struct ccafe),
	.init      = cafe_init,		/* D4.3's start-up line */
	.check     = cafe_check,	/* the addresses are in the scenario */
	.start     = cafe_start,	/* open the port, send Announce */
	.stop      = cafe_stop,
	.stats     = cafe_stats,
	.dump      = cafe_dump,		/* the ContentStateTable */
	.fini      = cafe_fini,
};
