/*
 * rae.c - the Routing Awareness Entity (D4.3 chapter 4), class usr.rae.Rae:
 *
 *   usr.rae.Rae <config-file> [keepalive=DURATION] [hold=DURATION]
 *       [retry=DURATION] [generate=N[@PREFIX]] [report=N] [pace=SIZE]
 *
 * One RAE per domain.  It reads its configuration (rae_config.c: the
 * binary file of D4.3 Appendix A or its XML form), listens on
 * local_port_number, keeps one session per peer over emulated TCP
 * (rae_session.c), exchanges open, keepalive, update and withdraw
 * messages (rae.proto, framing rae_wire.h), selects the preferred paths
 * of every prefix (rae_rde.c, rae_decide.c, rae_rib.c) and reports them
 * with its domain's provisioning to the CME (rae_cme.c, cmerae.proto).
 *
 * This file is the entity itself: its arguments, its own prefixes in the
 * RIB, starting and stopping the sessions and the CME link, the
 * statistics and the report.  rae_int.h says what each file does.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entities/rae/rae_int.h"
#include "sim/units.h"

#define RAE_USAGE "<config-file> [keepalive=DURATION] [hold=DURATION] [retry=DURATION] " \
		  "[generate=N[@PREFIX]] [report=N] [pace=SIZE]"
#define RAE_DEFAULT_KEEPALIVE	(5 * SIM_S)
#define RAE_DEFAULT_HOLD	(15 * SIM_S)
#define RAE_PACE_MIN		4096u		/* pace=: a few segments at least */
#define RAE_PACE_MAX		(1ull << 30)
#define RAE_DEFAULT_RETRY	(5 * SIM_S)
#define RAE_DEFAULT_REPORT	1000
#define RAE_GENERATE_MAX	10000000u	/* generate=N: about 5 GB in all */
/*
 * The paths every RAE of a scenario may hold together, counted as (own
 * prefixes of every RAE) x (peers of every RAE, at least one each): a
 * prefix is held, at worst, by every RAE once for each of its peers, and
 * by the CMEs.  Measured (doc/rae.md, "Speed and memory"; doc/scale.md),
 * the whole run's peak memory over this count: about 170 bytes on the
 * tiered AS graphs (whose RAEs hold about half of what is counted), 235
 * on the stress scenario.  The bound lets a 10 000-AS graph load (3.3e8
 * counted); its run needs a machine far larger than 24 GB.
 */
#define RAE_PATHS_MAX		400000000u
#define RAE_PATH_BYTES		200u

/* ---- arguments ---- */

static int
rae_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	struct rae *r = (struct rae *)e;
	bool has_keepalive = false;
	uint64_t u;

	if (argc < 1)
		return entity_err(err, errlen, "missing <config-file> (usage: %s)", RAE_USAGE);
	r->keepalive = RAE_DEFAULT_KEEPALIVE;
	r->hold = RAE_DEFAULT_HOLD;
	r->retry = RAE_DEFAULT_RETRY;
	r->report = RAE_DEFAULT_REPORT;
	prefix_parse("16.0.0.0/24", &r->gen_base);
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = strchr(a, '=');

		if (!v)
			return entity_err(err, errlen, "unexpected argument \"%s\" (usage: %s)", a,
					  RAE_USAGE);
		/* An option given twice is a mistake, not "the last one wins". */
		for (int j = 1; j < i; j++)
			if (strncmp(argv[j], a, (size_t)(v - a + 1)) == 0)
				return entity_err(err, errlen, "option \"%.*s\" given twice",
						  (int)(v - a), a);
		v++;
		if (strncmp(a, "keepalive=", 10) == 0) {
			if (units_duration("keepalive", v, 0, 1, SIM_TIME_LIMIT, &r->keepalive, err,
					   errlen) < 0)
				return -1;
			has_keepalive = true;
		} else if (strncmp(a, "hold=", 5) == 0) {
			if (units_duration("hold", v, 0, SIM_MS, 3600 * SIM_S, &r->hold, err,
					   errlen) < 0)
				return -1;
		} else if (strncmp(a, "retry=", 6) == 0) {
			if (units_duration("retry", v, 0, 1, SIM_TIME_LIMIT, &r->retry, err,
					   errlen) < 0)
				return -1;
		} else if (strncmp(a, "pace=", 5) == 0) {
			if (units_size("pace", v, 0, RAE_PACE_MAX, &u, err, errlen) < 0)
				return -1;
			if (u > 0 && u < RAE_PACE_MIN)
				return entity_err(err, errlen, "pace %s: 0 (unpaced) or at least "
						  "%u bytes", v, RAE_PACE_MIN);
			r->pace = (size_t)u;
		} else if (strncmp(a, "report=", 7) == 0) {
			if (units_uint("report", v, 0, UINT32_MAX, &u, err, errlen) < 0)
				return -1;
			r->report = (uint32_t)u;
		} else if (strncmp(a, "generate=", 9) == 0) {
			const char *at = strchr(v, '@');
			char *num = g_strndup(v, at ? (gsize)(at - v) : strlen(v));
			char msg[UNITS_ERRLEN];
			uint64_t span, last;
			int bad;

			/* N alone is the value; in N@PREFIX, the count is a part of it. */
			bad = units_uint(at ? "count" : "generate", num, 0, RAE_GENERATE_MAX, &u,
					 msg, sizeof(msg)) < 0;
			g_free(num);
			if (bad && at)
				return entity_err(err, errlen, "generate \"%s\": %s", v, msg);
			if (bad)
				return entity_err(err, errlen, "%s", msg);
			r->generate = (uint32_t)u;
			if (at && (prefix_parse(at + 1, &r->gen_base) < 0 ||
				   r->gen_base.addr.af != ADDR_V4 || !strchr(at + 1, '/')))
				return entity_err(err, errlen, "generate \"%s\": \"%s\" is not an IPv4 "
						  "prefix", v, at + 1);
			span = 1ull << (32 - r->gen_base.len);
			last = addr_v4_host(&r->gen_base.addr) + span * (uint64_t)r->generate;
			if (r->gen_base.len == 0 || last > (1ull << 32))
				return entity_err(err, errlen, "generate \"%s\": %" PRIu32 " prefixes do "
						  "not fit after %s", v, r->generate, at ? at + 1 :
						  "16.0.0.0/24");
		} else {
			return entity_err(err, errlen, "unknown option \"%s\" (usage: %s)", a, RAE_USAGE);
		}
	}
	if (!has_keepalive && r->keepalive > r->hold / 3)
		r->keepalive = r->hold / 3 > 0 ? r->hold / 3 : 1;
	if (r->keepalive >= r->hold)
		return entity_err(err, errlen, "keepalive must be shorter than hold");
	/* Relative to the file that names the RAE (entity_path). */
	r->config_path = entity_path(e, argv[0]);
	/* Errors in the file are load-time errors: they name the file and field. */
	r->cfg = rae_config_load(r->config_path, err, errlen);
	if (!r->cfg)
		return -1;
	return 0;
}

/* ---- the scenario's totals ---- */

int
rae_total_check(const struct entity_scope *sc, uint64_t prefixes, uint64_t peers,
		char *err, size_t errlen)
{
	uint64_t g, p;

	if (!sc->total_add)
		return 0;
	g = sc->total_add(sc->ctx, "rae.prefixes", prefixes);
	p = sc->total_add(sc->ctx, "rae.peers", peers);
	if (p == 0)
		p = 1;	/* an announce before any RAE: counted once */
	if (g <= RAE_PATHS_MAX / p)
		return 0;
	return entity_err(err, errlen, "the scenario's RAEs would hold %" PRIu64 " own prefixes "
			  "(generate= and prefix_table) and have %" PRIu64 " peers in all: "
			  "about %" PRIu64 " paths (every prefix once a peer), more than the "
			  "%u the RAEs of a run may hold (about %u bytes each); generate fewer "
			  "prefixes", g, p, g > UINT64_MAX / p ? UINT64_MAX : g * p,
			  RAE_PATHS_MAX, RAE_PATH_BYTES);
}

/* At load time, the RAEs of the whole scenario must fit in memory together. */
static int
rae_check(struct entity *e, const struct entity_scope *sc, char *err, size_t errlen)
{
	struct rae *r = (struct rae *)e;

	/* An RAE with no peer still holds its own prefixes once. */
	return rae_total_check(sc, (uint64_t)r->cfg->nprefixes + r->generate,
			       r->cfg->npeers ? r->cfg->npeers : 1, err, errlen);
}

/* ---- formatting ---- */

static char *
aspath_fmt(const uint32_t *asn, unsigned len, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < len && n + 12 < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%" PRIu32, i ? " " : "", asn[i]);
	return buf;
}

/* ---- connections ---- */

/*
 * Let go of a connection without hearing from it again: reset it (RST),
 * except at the end of the run (the RAE stops on a node that is up):
 * nothing runs any more, the stack frees the socket, and a RST to the
 * node itself would stay in a pending event.
 */
void
rae_sock_drop(struct rae *r, struct tcp_sock *s)
{
	if (!s)
		return;
	tcp_set_callbacks(s, NULL, NULL);
	if (!r->stopping || r->restarting || !r->e.node->up)
		tcp_abort(s);
}

/* ---- the entity ---- */

static void
rae_setup_rib(struct rae *r)
{
	struct rae_decide_params dp = {
		.dp = r->cfg->dp, .nslots = r->cfg->ndp, .flat = r->cfg->flat,
		.limit = r->cfg->limit, .peer_class = r->peer_class,
	};
	size_t n = r->cfg->nprefixes + r->generate;
	uint32_t base = addr_v4_host(&r->gen_base.addr), step = 1u << (32 - r->gen_base.len);

	for (unsigned i = 0; i < r->cfg->npeers; i++)
		r->peer_class[i] = (uint8_t)rae_rel_class(r->cfg->peers[i].rel);
	rae_rib_init(&r->rib, &dp);
	r->rib_ready = true;
	r->local = g_new(struct rae_dest *, n ? n : 1);
	for (unsigned i = 0; i < r->cfg->nprefixes; i++) {
		struct rae_dest *d = rae_rib_get(&r->rib, &r->cfg->prefixes[i]);

		if (!(d->flags & RAE_DEST_LOCAL))
			r->local[r->nlocal++] = d;
		d->flags |= RAE_DEST_LOCAL;
	}
	for (uint32_t i = 0; i < r->generate; i++) {
		struct prefix pfx = { addr_v4(base + i * step), r->gen_base.len };
		struct rae_dest *d = rae_rib_get(&r->rib, &pfx);

		if (!(d->flags & RAE_DEST_LOCAL))
			r->local[r->nlocal++] = d;
		d->flags |= RAE_DEST_LOCAL;
	}
}

static void rae_restart_fire(struct sim *sim, void *ctx, void *arg);
static void rae_stop(struct entity *e);

static void
rae_start(struct entity *e)
{
	struct rae *r = (struct rae *)e;
	const struct rae_config *c = r->cfg;
	char a[ADDR_STRLEN];

	if (!r->rib_ready) {
		r->last_change = RAE_NEVER;
		r->peers = g_new0(struct rae_peer, c->npeers ? c->npeers : 1);
		for (unsigned i = 0; i < c->npeers; i++)
			rae_peer_setup(r, i);
		rae_pbarena_init(&r->rx);
		rae_cme_setup(r);
		rae_setup_rib(r);
		sim_timer_init(&r->t_restart, rae_restart_fire, r, NULL);
	}
	r->stopping = false;
	{
		/* One RAE a node for rae_tool; an RAE started again replaces one that stopped. */
		struct rae *old = node_ext_get(e->node, RAE_EXT);

		if (!old || !old->e.running)
			node_ext_replace(e->node, RAE_EXT, r, NULL);
	}
	if (!node_has_addr(e->node, &c->local_ip))
		entity_log(e, LOG_WARN, "local_ip_address %s is not an address of %s",
			   addr_fmt(&c->local_ip, a), e->node->name);
	rae_paths_register(r);
	r->listener = tcp_listen(e->node, c->local_port, rae_accept, r);
	if (!r->listener)
		entity_log(e, LOG_ERROR, "cannot listen on TCP port %u: in use", c->local_port);
	else
		for (unsigned i = 0; i < c->npeers; i++) {
			struct tcp_ip_opts ipo;

			/* The passive side: the SYN is checked, the SYN-ACK sent, with the peer's. */
			rae_peer_ip_opts(&c->peers[i], &ipo);
			if (ipo.ttl || ipo.min_ttl)
				tcp_listen_peer_opts(r->listener, &c->peers[i].ip, &ipo);
		}
	entity_log(e, LOG_INFO, "AS %" PRIu32 ", %s port %u, %u peers, %zu own prefixes, "
		   "%u classes, keepalive %" PRId64 " ms, hold %" PRId64 " ms (config %s)",
		   c->local_as, addr_fmt(&c->local_ip, a), c->local_port, c->npeers, r->nlocal,
		   c->ndp, r->keepalive / SIM_MS, r->hold / SIM_MS, r->config_path);
	for (unsigned i = 0; i < c->npeers; i++)
		rae_fsm(&r->peers[i], PE_START, NULL);
	rae_cme_start(r);
}

/* The preferred paths of every prefix, one line each, if there are few enough. */
void
rae_report(struct rae *r)
{
	const struct rae_config *c = r->cfg;
	size_t n = r->rib.count, npref = 0;
	struct rae_dest **v = NULL;

	for (size_t i = 0; i < r->rib.nslot; i++)
		if (r->rib.slot[i])
			for (const struct rae_path *p = r->rib.slot[i]->paths; p; p = p->next)
				npref += p->pref != 0;
	/* Sorted only when it is printed (a million prefixes are not), own ones left out. */
	if (n - r->nlocal <= r->report)
		v = rae_rib_sorted(&r->rib, true, &n);
	entity_log(&r->e, LOG_INFO, "RIB: %zu prefixes (%zu own), %" PRIu64 " paths, %zu "
		   "preferred, %zu AS paths, %zu attribute sets, about %zu KiB", r->rib.count, r->nlocal,
		   r->rib.npaths, npref, rae_rib_aspaths(&r->rib),
		   rae_rib_attrs(&r->rib), rae_rib_memory(&r->rib) / 1024);
	for (size_t i = 0; v && i < n; i++) {
		char pfx[ADDR_STRLEN];

		prefix_fmt(rae_dest_prefix(v[i]), pfx);
		for (const struct rae_path *p = v[i]->paths; p; p = p->next) {
			char asp[RAE_MAX_ASPATH * 11 + 1], line[1024];
			uint32_t asn[RAE_MAX_ASPATH];
			size_t k;

			if (!p->pref)
				continue;
			aspath_fmt(asn, rae_aspath_copy(rae_path_aspath(p), asn), asp, sizeof(asp));
			k = (size_t)snprintf(line, sizeof(line), "rib %s as_path %s", pfx, asp);
			for (unsigned s = 0; s < c->ndp && k < sizeof(line); s++)
				if (p->pref & (1u << s))
					k += (size_t)snprintf(line + k, sizeof(line) - k,
						" class %" PRIu32 " delay %.9g loss %.9g bandwidth %.9g "
						"score %.6f", c->dp[s].cos, rae_path_metric(p, s)->delay,
						rae_path_metric(p, s)->loss, rae_path_metric(p, s)->bw,
						rae_score(&c->dp[s], rae_path_metric(p, s), c->flat));
			entity_log(&r->e, LOG_INFO, "%s", line);
		}
	}
	g_free(v);
	for (unsigned i = 0; i < c->npeers; i++) {
		const struct rae_peer *p = &r->peers[i];

		entity_log(&r->e, LOG_INFO, "%s: %s, up %" PRIu64 " times, %" PRIu64 " resets%s%s; "
			   "in: %" PRIu64 " updates (%" PRIu64 " prefixes), %" PRIu64 " withdraws (%"
			   PRIu64 " prefixes), %" PRIu64 " keepalives; out: %" PRIu64 " updates (%"
			   PRIu64 " prefixes), %" PRIu64 " withdraws (%" PRIu64 " prefixes), %"
			   PRIu64 " keepalives", p->name, rae_peer_state_name(p->state), p->established,
			   p->resets, p->resets ? ", last: " : "", p->resets ? p->last_reason : "",
			   p->msgs_in[RAE_MSG_UPDATE], p->pfx_in, p->msgs_in[RAE_MSG_WITHDRAW],
			   p->wdr_in, p->msgs_in[RAE_MSG_KEEPALIVE], p->msgs_out[RAE_MSG_UPDATE],
			   p->pfx_out, p->msgs_out[RAE_MSG_WITHDRAW], p->wdr_out,
			   p->msgs_out[RAE_MSG_KEEPALIVE]);
	}
	if (c->has_cme)
		entity_log(&r->e, LOG_INFO, "CME: %" PRIu64 " requests, %" PRIu64 " path_inf, %"
			   PRIu64 " replies, %" PRIu64 " restarts seen, %" PRIu64 " full reports",
			   r->cme.requests, r->cme.path_inf, r->cme.replies, r->cme.restarts,
			   r->cme.full_reports);
}

static void
rae_stop(struct entity *e)
{
	struct rae *r = (struct rae *)e;

	if (!r->rib_ready)
		return;
	if (r->down) {
		/* Stopped between the two halves of a restart: it never comes back. */
		sim_timer_cancel(rae_sim(r), &r->t_restart);
		r->down = false;
		entity_log(e, LOG_INFO, "restart: stopped before it started again");
		return;
	}
	r->stopping = true;
	rae_report(r);
	for (unsigned i = 0; i < r->cfg->npeers; i++)
		rae_fsm(&r->peers[i], PE_STOP, NULL);
	if (r->listener) {
		tcp_unlisten(r->listener);
		r->listener = NULL;
	}
	rae_cme_stop(r);
}

/* ---- rae_tool reload ---- */

static bool
cmetrics_same(const struct rae_cmetric *a, unsigned na, const struct rae_cmetric *b,
	      unsigned nb)
{
	if (na != nb)
		return false;
	for (unsigned i = 0; i < na; i++)
		if (a[i].cos != b[i].cos || a[i].m.delay != b[i].m.delay ||
		    a[i].m.loss != b[i].m.loss || a[i].m.bw != b[i].m.bw)
			return false;
	return true;
}

static bool
endpoint_same(const struct rae_endpoint *a, const struct rae_endpoint *b)
{
	if (a->is_as != b->is_as)
		return false;
	if (a->is_as)
		return a->asn == b->asn;
	return a->pfx.len == b->pfx.len && addr_eq(&a->pfx.addr, &b->pfx.addr);
}

static bool
prov_same(const struct rae_config *a, const struct rae_config *b)
{
	if (a->nprov != b->nprov)
		return false;
	for (unsigned i = 0; i < a->nprov; i++)
		if (!endpoint_same(&a->prov[i].src, &b->prov[i].src) ||
		    !endpoint_same(&a->prov[i].sink, &b->prov[i].sink) ||
		    !cmetrics_same(a->prov[i].classes, a->prov[i].nclasses, b->prov[i].classes,
				   b->prov[i].nclasses))
			return false;
	return true;
}

/*
 * What a reload may not change: everything but the provisioning table and
 * the peers' class tables.  NULL if nothing else differs, else the field.
 */
static const char *
reload_fixed_diff(const struct rae_config *a, const struct rae_config *b)
{
	if (a->local_as != b->local_as)
		return "local_as_number";
	if (!addr_eq(&a->local_ip, &b->local_ip))
		return "local_ip_address";
	if (a->local_port != b->local_port)
		return "local_port_number";
	if (a->limit != b->limit)
		return "limit_of_preferred_paths";
	if (a->min_update_interval != b->min_update_interval)
		return "minimum_update_interval";
	if (a->has_cme != b->has_cme || (a->has_cme && (!addr_eq(&a->cme_ip, &b->cme_ip) ||
							  a->cme_port != b->cme_port)))
		return "cme_ip_address or cme_port_number";
	if (a->flat != b->flat)
		return "decision_with_flat_function";
	if (a->ndp != b->ndp)
		return "decision_parameters";
	for (unsigned i = 0; i < a->ndp; i++) {
		const struct rae_dparams *x = &a->dp[i], *y = &b->dp[i];

		if (x->cos != y->cos || x->delay_a != y->delay_a || x->delay_r != y->delay_r ||
		    x->loss_a != y->loss_a || x->loss_r != y->loss_r || x->bw_a != y->bw_a ||
		    x->bw_r != y->bw_r)
			return "decision_parameters";
	}
	if (a->npeers != b->npeers)
		return "peer_table (its peers)";
	for (unsigned i = 0; i < a->npeers; i++) {
		const struct rae_peer_cfg *x = &a->peers[i], *y = &b->peers[i];

		if (x->asn != y->asn || x->rel != y->rel || !addr_eq(&x->ip, &y->ip) ||
		    x->port != y->port || x->ttl != y->ttl)
			return "peer_table (a peer's AS, address, port, ttl_value or relationship)";
	}
	if (a->nprefixes != b->nprefixes)
		return "prefix_table";
	for (unsigned i = 0; i < a->nprefixes; i++)
		if (a->prefixes[i].len != b->prefixes[i].len ||
		    !addr_eq(&a->prefixes[i].addr, &b->prefixes[i].addr))
			return "prefix_table";
	return NULL;
}

int
rae_reload(struct rae *r, struct rae_config *nc, char *why, size_t whylen)
{
	struct rae_config *old = r->cfg;
	const char *fixed = reload_fixed_diff(old, nc);
	bool prov_changed;
	unsigned npeers = 0;
	uint64_t readv = 0;

	if (fixed) {
		snprintf(why, whylen, "%s: %s differs from the running configuration's (%s): a "
			 "reload changes only provisioning_table and the peers' class_table",
			 nc->file, fixed, old->file);
		return -1;
	}
	prov_changed = !prov_same(old, nc);
	r->cfg = nc;
	r->rib.dp.dp = nc->dp;	/* the same values (checked above), now nc's */
	for (unsigned i = 0; i < nc->npeers; i++)
		r->peers[i].cfg = &nc->peers[i];
	r->reloads++;
	/*
	 * A link metric changed: the paths learned over it hold the old one
	 * in their sum, and only the peer has the other part; ask it for its
	 * paths again (Refresh), and they come back with the new metric.
	 */
	for (unsigned i = 0; i < nc->npeers; i++) {
		struct rae_peer *p = &r->peers[i];

		if (cmetrics_same(old->peers[i].classes, old->peers[i].nclasses,
				  nc->peers[i].classes, nc->peers[i].nclasses))
			continue;
		npeers++;
		if (p->state == PS_ESTABLISHED) {
			entity_log(&r->e, LOG_INFO, "%s: link metric changed: asking for its paths "
				   "again", p->name);
			rae_peer_send(p, RAE_MSG_REFRESH, NULL);
		}
	}
	r->reload_peers += npeers;
	/* The provisioning changed: what goes out with it to each peer. */
	if (prov_changed)
		readv = rae_rde_reconfigured(r, old);
	r->reload_readvertised += readv;
	entity_log(&r->e, LOG_INFO, "reloaded %s: provisioning %s, %u peer link metrics "
		   "changed, %" PRIu64 " (peer, prefix) advertisements to send again", nc->file,
		   prov_changed ? "changed" : "unchanged", npeers, readv);
	if (prov_changed && r->cme.state == CS_UP)
		rae_cme_send_prov(r, false);
	rae_config_free(old);
	return 0;
}

/* ---- rae_tool restart ---- */

static void
rae_restart_fire(struct sim *sim, void *ctx, void *arg)
{
	struct rae *r = ctx;

	(void)sim;
	(void)arg;
	r->down = false;
	entity_log(&r->e, LOG_INFO, "restart: starting again");
	rae_start(&r->e);
}

void
rae_restart(struct rae *r, sim_time_t down)
{
	size_t n = r->rib.count;
	uint64_t np = r->rib.npaths;

	r->restarts++;
	entity_log(&r->e, LOG_INFO, "restart: stopping (every connection reset)");
	r->restarting = true;
	rae_stop(&r->e);
	r->restarting = false;
	/*
	 * A new process: an empty RIB with the configuration's own prefixes
	 * (those announced or withdrawn by rae_tool are forgotten), nothing
	 * queued, and a CME it knows nothing of (a full report).  The
	 * entity stays running for the engine meanwhile (r->down), so that a
	 * node going down or the end of the run stops it as any other.
	 */
	g_ptr_array_set_size(r->cme.q, 0);
	r->cme.need_full = true;
	r->cme.have_version = false;
	r->cme.lost_unacked = false;
	rae_rib_fini(&r->rib);
	g_free(r->local);
	r->local = NULL;
	r->nlocal = 0;
	rae_setup_rib(r);
	r->down = true;
	entity_log(&r->e, LOG_INFO, "restart: RIB emptied (%zu prefixes and %" PRIu64 " paths "
		   "dropped; now %zu prefixes, %zu own, and %" PRIu64 " paths); starting again in %"
		   PRId64 " ms", n, np, r->rib.count, r->nlocal, r->rib.npaths, down / SIM_MS);
	sim_timer_after(rae_sim(r), &r->t_restart, down);
}

static void
rae_stats(struct entity *e, entity_stat_fn fn, void *ctx)
{
	struct rae *r = (struct rae *)e;
	uint64_t up = 0, est = 0, resets = 0, cfail = 0, in[6] = { 0 }, out[6] = { 0 }, npref = 0;
	uint64_t pin = 0, pout = 0, win = 0, wout = 0;

	if (!r->rib_ready)
		return;
	for (unsigned i = 0; i < r->cfg->npeers; i++) {
		const struct rae_peer *p = &r->peers[i];

		up += p->state == PS_ESTABLISHED;
		est += p->established;
		resets += p->resets;
		cfail += p->connect_failures;
		for (int k = 1; k <= 5; k++) {
			in[k] += p->msgs_in[k];
			out[k] += p->msgs_out[k];
		}
		pin += p->pfx_in;
		pout += p->pfx_out;
		win += p->wdr_in;
		wout += p->wdr_out;
	}
	for (size_t i = 0; i < r->rib.nslot; i++)
		if (r->rib.slot[i])
			for (const struct rae_path *p = r->rib.slot[i]->paths; p; p = p->next)
				npref += p->pref != 0;
	fn(ctx, "sessions_up", up);
	fn(ctx, "sessions_established", est);
	fn(ctx, "session_resets", resets);
	fn(ctx, "connect_failures", cfail);
	fn(ctx, "hold_expired", r->hold_expired);
	fn(ctx, "malformed", r->malformed);
	fn(ctx, "open_in", in[RAE_MSG_OPEN]);
	fn(ctx, "open_out", out[RAE_MSG_OPEN]);
	fn(ctx, "keepalive_in", in[RAE_MSG_KEEPALIVE]);
	fn(ctx, "keepalive_out", out[RAE_MSG_KEEPALIVE]);
	fn(ctx, "update_in", in[RAE_MSG_UPDATE]);
	fn(ctx, "update_out", out[RAE_MSG_UPDATE]);
	fn(ctx, "withdraw_in", in[RAE_MSG_WITHDRAW]);
	fn(ctx, "withdraw_out", out[RAE_MSG_WITHDRAW]);
	fn(ctx, "prefixes_in", pin);
	fn(ctx, "prefixes_out", pout);
	fn(ctx, "withdrawn_in", win);
	fn(ctx, "withdrawn_out", wout);
	fn(ctx, "paths_looped", r->paths_looped);
	fn(ctx, "paths_unusable", r->paths_unusable);
	fn(ctx, "rib_prefixes", r->rib.count);
	fn(ctx, "rib_own_prefixes", r->nlocal);
	fn(ctx, "rib_paths", r->rib.npaths);
	fn(ctx, "rib_preferred", npref);
	fn(ctx, "rib_aspaths", rae_rib_aspaths(&r->rib));
	fn(ctx, "rib_attrs", rae_rib_attrs(&r->rib));
	fn(ctx, "rib_bytes", rae_rib_memory(&r->rib));
	fn(ctx, "bytes_in", r->bytes_in);
	fn(ctx, "bytes_out", r->bytes_out);
	fn(ctx, "cme_requests", r->cme.requests);
	fn(ctx, "cme_path_inf", r->cme.path_inf);
	fn(ctx, "cme_replies", r->cme.replies);
	fn(ctx, "cme_restarts", r->cme.restarts);
	fn(ctx, "cme_full_reports", r->cme.full_reports);
	fn(ctx, "last_change_ns", r->last_change == RAE_NEVER ? 0 : (uint64_t)r->last_change);
	fn(ctx, "preferred_changes", r->pref_changes);
	/*
	 * Only in runs that use them (rae_tool reload and restart), so that
	 * the counters of every other run are what they were before them.
	 */
	if (in[RAE_MSG_REFRESH] || out[RAE_MSG_REFRESH]) {
		fn(ctx, "refresh_in", in[RAE_MSG_REFRESH]);
		fn(ctx, "refresh_out", out[RAE_MSG_REFRESH]);
	}
	if (r->reloads) {
		fn(ctx, "reloads", r->reloads);
		fn(ctx, "reload_peers", r->reload_peers);
		fn(ctx, "reload_readvertised", r->reload_readvertised);
	}
	if (r->restarts)
		fn(ctx, "restarts", r->restarts);
}

static void
rae_dump(struct entity *e, FILE *out)
{
	struct rae *r = (struct rae *)e;

	if (r->cfg)
		rae_config_dump(r->cfg, out);
}

static void
rae_fini(struct entity *e)
{
	struct rae *r = (struct rae *)e;

	if (r->rib_ready) {
		for (unsigned i = 0; i < r->cfg->npeers; i++) {
			g_ptr_array_free(r->peers[i].fresh, TRUE);
			g_ptr_array_free(r->peers[i].deferred, TRUE);
			g_ptr_array_free(r->peers[i].backlog, TRUE);
			rae_framer_fini(&r->peers[i].fr);
		}
		rae_cme_fini(r);
		rae_rib_fini(&r->rib);
		rae_pbarena_fini(&r->rx);
		g_free(r->local);
		g_free(r->peers);
	}
	rae_config_free(r->cfg);
	g_free(r->config_path);
}

static const char *const rae_aliases[] = { "rae", NULL };

const struct entity_class rae_class = {
	.name      = "usr.rae.Rae",
	.aliases   = rae_aliases,
	.kind      = "rae",
	.usage     = RAE_USAGE,
	.inst_size = sizeof(struct rae),
	.init      = rae_init,		/* arguments, the configuration file */
	.check     = rae_check,		/* every RAE's prefixes together */
	.start     = rae_start,		/* listen, connect to peers and the CME */
	.stop      = rae_stop,		/* drop every session, log the RIB */
	.stats     = rae_stats,
	.dump      = rae_dump,
	.fini      = rae_fini,
};
