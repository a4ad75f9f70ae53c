/*
 * crme_session.c - the CRME's ActiveSessions (D4.3 sections 6.3.1-6.3.3):
 * a Consume is resolved hop by hop towards the content's source while
 * state is installed in the ingress and egress CAFEs of the domain
 * (Configure); the session answers the requests waiting on it when the
 * reply comes back, loses branches on Release, follows the flow through
 * the CAFEs' Notify, and moves to a better path by route optimisation,
 * the old path held for ro_hold (make before break).  The tables the
 * resolution reads (neighbours, routes, content records) are crme.c's and
 * crme_route.c's; the messages are in curling.h and doc/curling.md.
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "entities/curling/crme_int.h"
#include "entities/requests.h"

/* ---- Configure ---- */

/* Configure op (with CFG_F_NEWTX if newtx) of the content to one CAFE. */
static void
send_configure_tx(struct crme *r, const struct cmsg_hop *cafe, uint8_t op, bool newtx,
		  const char *id, const struct cmsg_hop *hops, unsigned nhops)
{
	struct cmsg m;
	char a[CURLING_ADDRLEN];

	memset(&m, 0, sizeof(m));
	m.type = CMSG_CONFIGURE;
	m.flags = (uint8_t)(op | (newtx ? CFG_F_NEWTX : 0));
	snprintf(m.id, sizeof(m.id), "%s", id);
	for (unsigned i = 0; i < nhops && i < CMSG_MAX_HOPS; i++)
		m.hops[m.nhops++] = hops[i];
	crme_send(r, cafe->addr, cafe->port, &m);
	r->configures++;
	entity_log(&r->e, LOG_DEBUG, "CRME %s: Configure (%s) %s to CAFE %s", r->self_str,
		   op == CFG_ADD ? "add" : op == CFG_DEL_HOPS ? "remove next hops" : "remove",
		   id, fa(cafe->addr, a));
}

static void
send_configure(struct crme *r, const struct cmsg_hop *cafe, uint8_t op, const char *id,
	       const struct cmsg_hop *hops, unsigned nhops)
{
	send_configure_tx(r, cafe, op, false, id, hops, nhops);
}

/* ---- ActiveSessions in the log ---- */

/* D4.3's columns: ContentID <IngressCAFEaddr, port> numEgressCAFEs <EgressCAFEaddr, port>... */
static void
log_session(struct crme *r, const struct session *s, const char *what)
{
	GString *g = g_string_new(NULL);
	char a[CURLING_ADDRLEN];
	unsigned n = 0;

	for (guint i = 0; i < s->branches->len; i++) {
		const struct branch *b = &g_array_index(s->branches, struct branch, i);
		bool dup = false;

		for (guint k = 0; k < i && !dup; k++)
			dup = hop_eq(&g_array_index(s->branches, struct branch, k).egress, &b->egress);
		if (dup)
			continue;
		g_string_append_printf(g, " %s:%u", fa(b->egress.addr, a), b->egress.port);
		n++;
	}
	entity_log(&r->e, LOG_INFO, "CRME %s: ActiveSessions %s: %s %s:%u %u%s", r->self_str,
		   what, s->id, fa(s->ingress.addr, a), s->ingress.port, n, g->str);
	g_string_free(g, TRUE);
}

/* ---- sessions ---- */

static struct session *
session_find(struct crme *r, const char *id)
{
	return g_hash_table_lookup(r->session_by_id, id);
}

static void release_old_path(struct crme *r, struct session *s);

static void
hold_expired(struct sim *sim, void *ctx, void *arg)
{
	struct session *s = arg;

	release_old_path(s->owner, s);
}

static struct session *
session_new(struct crme *r, const char *id)
{
	struct session *s = g_new0(struct session, 1);

	snprintf(s->id, sizeof(s->id), "%s", id);
	s->owner = r;
	sim_timer_init(&s->hold, hold_expired, r, s);
	s->branches = g_array_new(FALSE, FALSE, sizeof(struct branch));
	s->waiting = g_array_new(FALSE, FALSE, sizeof(struct waiter));
	g_hash_table_insert(r->session_by_id, s->id, s);
	g_ptr_array_add(r->sessions, s);
	return s;
}

/* Forget a session (its hold timer must be idle: see session_end). */
void
crme_session_free(struct crme *r, struct session *s)
{
	g_hash_table_remove(r->session_by_id, s->id);
	g_ptr_array_remove(r->sessions, s);
	g_array_free(s->branches, TRUE);
	g_array_free(s->waiting, TRUE);
	g_free(s);
}

/* A session ends while the run goes on: finish a pending release first. */
static void
session_end(struct crme *r, struct session *s)
{
	if (s->releasing)
		release_old_path(r, s);
	sim_timer_cancel(crme_sim(r), &s->hold);
	crme_session_free(r, s);
}

/* The next hop an ingress CAFE gives branch b: the egress, or beyond it. */
static struct cmsg_hop
ingress_hop(const struct cmsg_hop *ingress, const struct branch *b)
{
	return hop_eq(&b->egress, ingress) ? b->down : b->egress;
}

/*
 * State for one branch: Configure to the ingress, then to the egress (D4.3
 * Figure 25); newtx when a transmission will come for it (the request goes
 * on towards the server), not when it joins a flow.
 */
static void
branch_install(struct crme *r, const struct session *s, const struct cmsg_hop *ingress,
	       const struct branch *b, bool newtx)
{
	struct cmsg_hop h = ingress_hop(ingress, b);

	send_configure_tx(r, ingress, CFG_ADD, newtx, s->id, &h, 1);
	if (!hop_eq(&b->egress, ingress))
		send_configure_tx(r, &b->egress, CFG_ADD, newtx, s->id, &b->down, 1);
}

/* Send a Consume on towards the session's source, this CRME added to its path. */
static void
forward_up(struct crme *r, const struct session *s, const struct cmsg *m)
{
	struct cmsg f = *m;

	if (s->up_crme) {
		if (f.npath < CMSG_MAX_PATH)
			f.path[f.npath++] = r->self;
		crme_send(r, s->up_crme, r->port, &f);
	} else {
		crme_send(r, s->server.addr, s->server.port, &f);
	}
	r->forwarded++;
}

/* Remove branch i's state; the ingress keeps a next hop other branches use. */
static void
branch_remove(struct crme *r, struct session *s, guint i)
{
	struct branch b = g_array_index(s->branches, struct branch, i);
	bool shared = false;

	g_array_remove_index(s->branches, i);
	if (hop_eq(&b.egress, &s->ingress)) {
		send_configure(r, &s->ingress, CFG_DEL_HOPS, s->id, &b.down, 1);
		return;
	}
	send_configure(r, &b.egress, CFG_DEL_HOPS, s->id, &b.down, 1);
	for (guint k = 0; k < s->branches->len && !shared; k++)
		shared = hop_eq(&g_array_index(s->branches, struct branch, k).egress, &b.egress);
	if (!shared)
		send_configure(r, &s->ingress, CFG_DEL_HOPS, s->id, &b.egress, 1);
}

/* Answer request q: to the neighbour CRME it came from, or to the client (down_crme 0). */
static void
reply_to(struct crme *r, uint32_t down_crme, const struct req *q, const char *id,
	 uint8_t status, uint64_t size, uint32_t nchunks)
{
	struct cmsg m;

	memset(&m, 0, sizeof(m));
	m.type = CMSG_CONSUME_REPLY;
	m.reqid = q->reqid;
	m.client = q->client;
	m.status = status;
	m.size = size;
	m.nchunks = nchunks;
	snprintf(m.id, sizeof(m.id), "%s", id);
	if (down_crme)
		crme_send(r, down_crme, r->port, &m);
	else
		crme_send(r, q->client.addr, q->client.port, &m);
}

/*
 * Request q, on branch b, waits for its answer.  A client has one
 * request under way: a newer one from the same client replaces the one
 * waiting (the client would ignore that one's answer).
 */
static void
waiter_add(struct session *s, const struct branch *b, const struct req *q, bool side)
{
	struct waiter w;

	for (guint i = 0; i < s->waiting->len; i++)
		if (hop_eq(&g_array_index(s->waiting, struct waiter, i).req.client, &q->client)) {
			g_array_remove_index(s->waiting, i);
			break;
		}
	memset(&w, 0, sizeof(w));
	w.req = *q;
	w.down_crme = b->down_crme;
	w.egress = b->egress;
	w.down = b->down;
	w.side = side;
	g_array_append_val(s->waiting, w);
}

/* Whether a request still waits on the branch (egress, down). */
static bool
branch_waited(const struct session *s, const struct cmsg_hop *egress,
	      const struct cmsg_hop *down)
{
	for (guint i = 0; i < s->waiting->len; i++) {
		const struct waiter *w = &g_array_index(s->waiting, struct waiter, i);

		if (hop_eq(&w->egress, egress) && hop_eq(&w->down, down))
			return true;
	}
	return false;
}

/* Refuse a request that has no branch yet. */
static void
refuse(struct crme *r, const struct cmsg *m, uint32_t down_crme, uint8_t status,
       const char *why)
{
	struct req q;
	char a[CURLING_ADDRLEN];

	q.reqid = m->reqid;
	q.client = m->client;
	reply_to(r, down_crme, &q, m->id, status, 0, 0);
	r->refused++;
	entity_log(&r->e, LOG_INFO, "CRME %s: Consume for %s from %s refused (%s): %s",
		   r->self_str, m->id, fa(down_crme ? down_crme : m->client.addr, a),
		   cmsg_status_name(status), why);
}

/* Tear a session down entirely: its ingress state, and upstream. */
static void
session_teardown(struct crme *r, struct session *s, const char *why)
{
	struct cmsg m;

	while (s->branches->len)
		branch_remove(r, s, s->branches->len - 1);
	send_configure(r, &s->ingress, CFG_DEL_CONTENT, s->id, NULL, 0);
	memset(&m, 0, sizeof(m));
	m.type = CMSG_RELEASE;
	snprintf(m.id, sizeof(m.id), "%s", s->id);
	if (s->up_crme)
		crme_send(r, s->up_crme, r->port, &m);
	else if (s->server.addr)
		crme_send(r, s->server.addr, s->server.port, &m);
	r->releases++;
	log_session(r, s, why);
	session_end(r, s);
}

/*
 * processConsume() (D4.3 sections 6.3.1 and 6.3.2.1), for a request from
 * a local client or from the neighbour CRME on the client's side:
 *  1. refuse a request whose path already holds this CRME (a loop);
 *  2. the branch: from the egress CAFE (the client's CAFE, or our CAFE
 *     on the link to the requesting domain) to the next CAFE beyond it;
 *  3. if the content already flows through the domain (ActiveSessions),
 *     join that flow: add the branch, answer, do not forward - unless the
 *     request is a repair (CONSUME_F_NOJOIN): its chunks may not be in the
 *     flow, so the branch is added and the request goes on to the source;
 *  4. otherwise find the next hop towards the source: the local server,
 *     else the content record's neighbour, else the first provider;
 *     none: refuse (not_found);
 *  5. make the session, send Configure to the ingress and the egress
 *     CAFEs, forward the Consume (this CRME added to its path).
 */
/*
 * requests.csv's path of a coupled request (entities/requests.h): what
 * this CRME did with a Consume, when the deployment gave the CRME its AS
 * (as=); up: the CRME the content will come from (REQ_HOP_ON).
 */
static void
note_hop(struct crme *r, const struct cmsg *m, enum req_hop how, uint32_t up)
{
	if (r->asn)
		requests_crme(r->e.node->net, r->self, r->asn, m->client.addr, m->client.port,
			      m->id, how, up, (m->flags & CONSUME_F_NOJOIN) != 0);
}

void
crme_process_consume(struct crme *r, const struct cmsg *m, uint32_t from)
{
	struct nbr *down = crme_nbr_find(r, from), *up = NULL;
	struct content *c = crme_content_find(r, m->id);
	struct session *s = session_find(r, m->id);
	struct branch b;
	struct req q;
	struct cmsg f;
	char a[CURLING_ADDRLEN], x[CURLING_ADDRLEN], y[CURLING_ADDRLEN];

	r->consumes++;
	for (unsigned i = 0; i < m->npath; i++)
		if (m->path[i] == r->self) {
			refuse(r, m, down ? from : 0, CSTAT_LOOP, "this CRME is on its path");
			return;
		}
	memset(&b, 0, sizeof(b));
	q.reqid = m->reqid;
	q.client = m->client;
	if (down) {
		b.egress = down->cafe;
		b.down = down->nbr_cafe;
		b.down_crme = down->crme;
	} else {
		if (!crme_loc_known(r, m->client_cafe.addr, m->client_cafe.port)) {
			refuse(r, m, 0, CSTAT_NO_PATH, "the client's CAFE is not one of ours");
			return;
		}
		b.egress = m->client_cafe;
		b.down = m->client;
	}
	entity_log(&r->e, LOG_INFO, "CRME %s: Consume for %s from %s (client %s:%u)",
		   r->self_str, m->id, fa(from, a), fa(m->client.addr, x), m->client.port);

	if (s) {
		bool repair = (m->flags & CONSUME_F_NOJOIN) != 0;
		struct branch *o = NULL;

		if (s->up_crme && s->up_crme == b.down_crme) {
			refuse(r, m, b.down_crme, CSTAT_LOOP, "the content comes from there");
			return;
		}
		if (repair && m->npath >= CMSG_MAX_PATH) {
			refuse(r, m, b.down_crme, CSTAT_NO_PATH, "path too long");
			return;
		}
		for (guint i = 0; i < s->branches->len && !o; i++) {
			struct branch *k = &g_array_index(s->branches, struct branch, i);

			if (hop_eq(&k->egress, &b.egress) && hop_eq(&k->down, &b.down))
				o = k;
		}
		if (!o) {
			g_array_append_val(s->branches, b);
			o = &g_array_index(s->branches, struct branch, s->branches->len - 1);
		}
		if (repair) {
			/* A repair needs its own transmission: the flow may not carry its chunks. */
			waiter_add(s, o, &q, true);
			entity_log(&r->e, LOG_INFO, "CRME %s: %s already flows through this domain "
				   "(ingress %s): the repair is added to it and goes on to the "
				   "source", r->self_str, s->id, fa(s->ingress.addr, a));
			branch_install(r, s, &s->ingress, o, true);
			forward_up(r, s, m);
			log_session(r, s, "repair");
			return;
		}
		r->joins++;
		note_hop(r, m, REQ_HOP_JOIN, 0);
		entity_log(&r->e, LOG_INFO, "CRME %s: %s already flows through this domain "
			   "(ingress %s): the request joins it", r->self_str, s->id,
			   fa(s->ingress.addr, a));
		branch_install(r, s, &s->ingress, o, false);
		if (s->confirmed)
			reply_to(r, o->down_crme, &q, s->id, CSTAT_OK, s->size, s->nchunks);
		else
			waiter_add(s, o, &q, false);
		log_session(r, s, "joined");
		return;
	}

	memset(&f, 0, sizeof(f));
	f = *m;
	if (c && c->local) {
		s = session_new(r, m->id);
		s->ingress = c->server_cafe;
		s->server = c->server;
		note_hop(r, m, REQ_HOP_SOURCE, 0);
	} else {
		uint32_t via = c ? c->via : 0;
		struct crme_next nx;

		/* The RAE's preferred path to the server, if it has one (crme_rae.c). */
		if (c && c->server.addr && r->rae_port) {
			bool back = false;

			if (crme_rae_next(r, c->server.addr, &nx))
				for (unsigned k = 0; k < m->npath; k++)
					back |= m->path[k] == nx.crme;
			if (!nx.why[0] && !back && nx.crme != b.down_crme) {
				r->rae_resolved++;
				up = nx.n;
				entity_log(&r->e, LOG_INFO, "CRME %s: %s: the RAE's preferred path "
					   "to %s (%s) is AS %s: next CRME %s", r->self_str, m->id,
					   fa(c->server.addr, a), nx.prefix, nx.aspath,
					   fa(nx.crme, x));
			} else if (!nx.why[0]) {
				r->rae_misses++;	/* a path, but not one to follow */
				entity_log(&r->e, LOG_INFO, "CRME %s: %s: the RAE's preferred path "
					   "to %s leads back to CRME %s, on the request's way: the "
					   "records are followed",
					   r->self_str, m->id, fa(c->server.addr, a), fa(nx.crme, x));
			} else
				entity_log(&r->e, LOG_INFO, "CRME %s: %s: no RAE path to %s (%s): "
					   "the records are followed", r->self_str, m->id,
					   fa(c->server.addr, a), nx.why);
		}
		if (!up && via && via != b.down_crme)
			up = crme_nbr_find(r, via);
		for (guint i = 0; !up && i < r->nbrs->len; i++) {
			struct nbr *n = g_ptr_array_index(r->nbrs, i);

			if (n->rel == REL_PROVIDER && n->crme != b.down_crme)
				up = n;
		}
		if (!up) {
			refuse(r, m, b.down_crme, CSTAT_NOT_FOUND, c ? "no way towards its source" :
			       "no record of it and no provider to ask");
			return;
		}
		if (m->npath >= CMSG_MAX_PATH) {
			refuse(r, m, b.down_crme, CSTAT_NO_PATH, "path too long");
			return;
		}
		s = session_new(r, m->id);
		s->ingress = up->cafe;
		s->up_crme = up->crme;
		f.path[f.npath++] = r->self;
		note_hop(r, m, REQ_HOP_ON, up->crme);
	}
	s->up_req = q;
	g_array_append_val(s->branches, b);
	waiter_add(s, &b, &q, false);
	branch_install(r, s, &s->ingress, &b, true);
	if (s->up_crme) {
		crme_send(r, s->up_crme, r->port, &f);
		entity_log(&r->e, LOG_INFO, "CRME %s: Consume for %s forwarded to CRME %s; "
			   "ingress CAFE %s, egress CAFE %s", r->self_str, s->id,
			   fa(s->up_crme, a), fa(s->ingress.addr, x),
			   fa(b.egress.addr, y));
	} else {
		crme_send(r, s->server.addr, s->server.port, &f);
		entity_log(&r->e, LOG_INFO, "CRME %s: Consume for %s forwarded to the server "
			   "%s:%u; ingress CAFE %s, egress CAFE %s", r->self_str, s->id,
			   fa(s->server.addr, a), s->server.port, fa(s->ingress.addr, x),
			   fa(b.egress.addr, y));
	}
	r->forwarded++;
	log_session(r, s, "pending");
}

/* Route optimisation gave up or failed: undo the new ingress's state. */
static void
ro_abandon(struct crme *r, struct session *s, const char *why, bool release)
{
	char a[CURLING_ADDRLEN];

	for (guint i = 0; i < s->branches->len; i++) {
		struct cmsg_hop h = ingress_hop(&s->ro_ingress,
						&g_array_index(s->branches, struct branch, i));

		send_configure(r, &s->ro_ingress, CFG_DEL_HOPS, s->id, &h, 1);
	}
	/*
	 * A CRME that took the request (it did not refuse) feeds the new
	 * ingress: a Release prunes what it set up, or its server would send
	 * the content a second time, to nobody.
	 */
	if (release) {
		struct cmsg m;

		memset(&m, 0, sizeof(m));
		m.type = CMSG_RELEASE;
		snprintf(m.id, sizeof(m.id), "%s", s->id);
		crme_send(r, s->ro_crme, r->port, &m);
		r->releases++;
	}
	s->ro_pending = false;
	entity_log(&r->e, LOG_INFO, "CRME %s: route optimisation of %s via %s abandoned: %s",
		   r->self_str, s->id, fa(s->ro_crme, a), why);
}

/*
 * A ConsumeReply from upstream:
 *  1. the answer to a route-optimisation request: on refusal, undo it;
 *  2. the answer to a repair that went on by itself goes to that request
 *     alone (a refusal removes its branch, unless another request still
 *     waits on it);
 *  3. the answer to the session's request: OK confirms the session and
 *     answers every request waiting but the repairs; anything else is
 *     passed to them and the session's state is removed.
 */
void
crme_process_reply(struct crme *r, const struct cmsg *m, uint32_t from)
{
	struct session *s = session_find(r, m->id);
	char a[CURLING_ADDRLEN];

	if (!s) {
		stats_drop(&r->cnt, r->r_unexpected);
		return;
	}
	if (s->ro_pending && m->reqid == s->ro_req.reqid && hop_eq(&m->client, &s->ro_req.client)) {
		if (m->status != CSTAT_OK)
			ro_abandon(r, s, cmsg_status_name(m->status), false);
		return;
	}
	if (m->reqid != s->up_req.reqid || !hop_eq(&m->client, &s->up_req.client)) {
		/* The answer to a repair that went on by itself: for that request only. */
		for (guint i = 0; i < s->waiting->len; i++) {
			struct waiter w = g_array_index(s->waiting, struct waiter, i);

			if (!w.side || w.req.reqid != m->reqid || !hop_eq(&w.req.client, &m->client))
				continue;
			g_array_remove_index(s->waiting, i);
			reply_to(r, w.down_crme, &w.req, s->id, m->status, m->size, m->nchunks);
			if (m->status != CSTAT_OK && !branch_waited(s, &w.egress, &w.down)) {
				for (guint k = 0; k < s->branches->len; k++) {
					const struct branch *b = &g_array_index(s->branches,
										struct branch, k);

					if (hop_eq(&b->egress, &w.egress) && hop_eq(&b->down, &w.down)) {
						branch_remove(r, s, k);
						break;
					}
				}
				if (s->branches->len == 0)
					session_teardown(r, s, "refused");
			}
			return;
		}
		stats_drop(&r->cnt, r->r_unexpected);
		return;
	}
	if (m->status == CSTAT_OK) {
		s->confirmed = true;
		s->size = m->size;
		s->nchunks = m->nchunks;
	}
	for (guint i = 0; i < s->waiting->len;) {
		struct waiter w = g_array_index(s->waiting, struct waiter, i);

		if (w.side) {
			i++;
			continue;
		}
		g_array_remove_index(s->waiting, i);
		reply_to(r, w.down_crme, &w.req, s->id, m->status, m->size, m->nchunks);
	}
	if (m->status != CSTAT_OK) {
		entity_log(&r->e, LOG_INFO, "CRME %s: %s refused upstream by %s (%s): state "
			   "removed", r->self_str, s->id, fa(from, a), cmsg_status_name(m->status));
		r->refused++;
		s->up_crme = 0;		/* it refused: no Release to send */
		s->server.addr = 0;
		session_teardown(r, s, "refused");
	}
}

/*
 * A Release from a neighbour CRME downstream: remove its branches; a
 * session left without branches is torn down, upstream too.
 */
void
crme_process_release(struct crme *r, const struct cmsg *m, uint32_t from)
{
	struct session *s = session_find(r, m->id);
	char a[CURLING_ADDRLEN];

	if (!s)
		return;
	for (guint i = s->branches->len; i-- > 0;)
		if (g_array_index(s->branches, struct branch, i).down_crme == from)
			branch_remove(r, s, i);
	for (guint i = s->waiting->len; i-- > 0;)
		if (g_array_index(s->waiting, struct waiter, i).down_crme == from)
			g_array_remove_index(s->waiting, i);
	entity_log(&r->e, LOG_INFO, "CRME %s: CRME %s released its branch of %s",
		   r->self_str, fa(from, a), s->id);
	if (s->branches->len == 0)
		session_teardown(r, s, "released");
	else
		log_session(r, s, "pruned");
}

/*
 * Route optimisation (D4.3 section 6.3.1, Figure 27), on the Notify of a
 * new flow at the session's ingress:
 *  1. look the content server's prefix up in the routing table;
 *  2. nothing to do if the best next hop is the CRME the content comes
 *     from, if the server is local, if that CRME is one we feed
 *     (a loop), or if no CAFE links us to it;
 *  3. otherwise install the session's branches at the CAFE on the link
 *     to that CRME and send it a Consume (flag RO); the old path is
 *     released when the content arrives by the new one.
 */
static void
ro_check(struct crme *r, struct session *s)
{
	struct nbr *n;
	struct cmsg m;
	uint32_t via;
	enum rel rel;
	char a[CURLING_ADDRLEN], b[CURLING_ADDRLEN], c[CURLING_ADDRLEN];

	if (!r->ro || s->ro_pending || !s->up_crme || !s->src)
		return;
	if (r->routes) {
		const struct rib_route *rt = crme_route_lookup(r, s->src);

		if (!rt)
			return;
		via = rt->via;
		rel = rt->rel;
	} else {
		/* The RAE's preferred path is the BGP routing table (crme_rae.c). */
		struct crme_next nx;

		if (!crme_rae_next(r, s->src, &nx))
			return;
		via = nx.crme;
		rel = nx.n->rel;
	}
	if (via == 0 || via == s->up_crme)
		return;
	for (guint i = 0; i < s->branches->len; i++)
		if (g_array_index(s->branches, struct branch, i).down_crme == via)
			return;
	n = crme_nbr_find(r, via);
	if (!n)
		return;
	r->ro_attempts++;
	s->ro_pending = true;
	s->ro_crme = n->crme;
	s->ro_ingress = n->cafe;
	s->ro_req.reqid = ++r->next_reqid;
	s->ro_req.client.addr = r->self;
	s->ro_req.client.port = r->port;
	entity_log(&r->e, LOG_INFO, "CRME %s: route optimisation for %s: the best route to "
		   "%s is via CRME %s (%s), the content comes from CRME %s: Consume sent to %s",
		   r->self_str, s->id, fa(s->src, a), fa(n->crme, b), crme_rel_name(rel),
		   fa(s->up_crme, c), b);
	for (guint i = 0; i < s->branches->len; i++)
		branch_install(r, s, &s->ro_ingress, &g_array_index(s->branches, struct branch, i),
			       false);
	memset(&m, 0, sizeof(m));
	m.type = CMSG_CONSUME;
	m.flags = CONSUME_F_RO;
	m.reqid = s->ro_req.reqid;
	m.client = s->ro_req.client;
	m.first = 0;
	m.last = UINT32_MAX;
	snprintf(m.id, sizeof(m.id), "%s", s->id);
	m.path[m.npath++] = r->self;
	crme_send(r, n->crme, r->port, &m);
}

/* The hold time is over (or the session ends): release the old path. */
static void
release_old_path(struct crme *r, struct session *s)
{
	struct cmsg_hop hops[CMSG_MAX_HOPS];
	struct cmsg m;
	unsigned nh = 0;
	char a[CURLING_ADDRLEN];

	if (!s->releasing)
		return;
	s->releasing = false;
	for (guint i = 0; i < s->branches->len && nh < CMSG_MAX_HOPS; i++) {
		const struct branch *br = &g_array_index(s->branches, struct branch, i);

		if (!hop_eq(&br->egress, &s->old_ingress))
			hops[nh++] = br->egress;
	}
	if (nh)
		send_configure(r, &s->old_ingress, CFG_DEL_HOPS, s->id, hops, nh);
	memset(&m, 0, sizeof(m));
	m.type = CMSG_RELEASE;
	snprintf(m.id, sizeof(m.id), "%s", s->id);
	crme_send(r, s->old_up, r->port, &m);
	r->releases++;
	entity_log(&r->e, LOG_INFO, "CRME %s: the path of %s through CRME %s is released",
		   r->self_str, s->id, fa(s->old_up, a));
}

/*
 * The content now arrives by the optimised path: it becomes the
 * session's, the content table points future requests at it, and the
 * old path is released after the hold time (make before break).
 */
static void
ro_switch(struct crme *r, struct session *s)
{
	struct content *c;
	char a[CURLING_ADDRLEN], b[CURLING_ADDRLEN], d[CURLING_ADDRLEN];

	s->old_ingress = s->ingress;
	s->old_up = s->up_crme;
	s->ingress = s->ro_ingress;
	s->up_crme = s->ro_crme;
	s->ro_pending = false;
	s->releasing = true;
	sim_timer_after(crme_sim(r), &s->hold, r->ro_hold);
	r->ro_switches++;
	/* requests.csv: the session's content now comes from there. */
	if (r->asn)
		requests_crme(r->e.node->net, r->self, r->asn, 0, 0, s->id, REQ_HOP_ON,
			      s->up_crme, true);
	entity_log(&r->e, LOG_INFO, "CRME %s: route optimisation of %s done: it now enters at "
		   "%s from CRME %s instead of CRME %s", r->self_str, s->id,
		   fa(s->ingress.addr, a), fa(s->up_crme, b), fa(s->old_up, d));
	c = crme_content_add(r, s->id);
	if (!c->local) {
		c->via = s->up_crme;
		c->ro = true;
		/*
		 * The server's address, if the record had none (the content
		 * was first heard of by this flow): later requests then ask
		 * the RAE too, and say why when they follow the record.
		 */
		if (!c->server.addr)
			c->server.addr = s->src;
		entity_log(&r->e, LOG_INFO, "CRME %s: content table: %s now via CRME %s "
			   "(route optimised)", r->self_str, s->id, fa(c->via, b));
	}
	log_session(r, s, "optimised");
}

/*
 * processNotify() (D4.3 section 6.3.3, Figure 29):
 *  1. teardown from the session's ingress CAFE: remove the session;
 *  2. create from the new ingress of a route optimisation: switch to it;
 *  3. create from the session's ingress, the content coming from outside
 *     the domain's CAFEs: the session is active; check route
 *     optimisation;
 *  4. anything else (an internal hop) is only logged.
 */
void
crme_process_notify(struct crme *r, const struct cmsg *m, uint32_t from, uint16_t sport)
{
	struct cmsg_hop cafe = { from, sport };
	struct session *s = session_find(r, m->id);
	char a[CURLING_ADDRLEN], b[CURLING_ADDRLEN];

	r->notifies++;
	if (!crme_loc_known(r, from, sport)) {
		stats_drop(&r->cnt, r->r_unexpected);
		return;
	}
	entity_log(&r->e, LOG_DEBUG, "CRME %s: Notify (%s) %s from CAFE %s, previous hop %s",
		   r->self_str, m->flags == NOTIFY_CREATE ? "create" : "teardown", m->id,
		   fa(from, a), fa(m->prev.addr, b));
	if (!s)
		return;
	if (m->flags == NOTIFY_TEARDOWN) {
		if (hop_eq(&cafe, &s->ingress)) {
			if (s->ro_pending)
				ro_abandon(r, s, "the flow ended", true);
			log_session(r, s, "ended");
			session_end(r, s);
		}
		return;
	}
	if (s->ro_pending && hop_eq(&cafe, &s->ro_ingress) &&
	    !crme_loc_known(r, m->prev.addr, m->prev.port)) {
		ro_switch(r, s);
		return;
	}
	if (hop_eq(&cafe, &s->ingress) && !crme_loc_known(r, m->prev.addr, m->prev.port) &&
	    !s->active) {
		s->active = true;
		s->src = m->src.addr;
		log_session(r, s, "active");
		ro_check(r, s);
	}
}

/* The CRME stops: the hold timers are cancelled, no old path is released any more. */
void
crme_sessions_stop(struct crme *r)
{
	for (guint i = 0; r->sessions && i < r->sessions->len; i++) {
		struct session *s = g_ptr_array_index(r->sessions, i);

		sim_timer_cancel(crme_sim(r), &s->hold);
		s->releasing = false;
	}
}
