/*
 * crme_rae.c - the RAE feeds the CRME (D4.3 section 3: one RAE per domain
 * "creates the set of preferred paths and provides them to CME/CRMEs";
 * doc/curling.md, "The RAE feeds the CRME").
 *
 * With rae=PORT the CRME takes the RAE-CME interface on that TCP port,
 * exactly as the CME does (entities/pathstore.c, shared with it):
 * GenericRequests (PathInf, ProvInf) answered by Replies with the
 * store's version, the restart handshake included.  Its domain's RAE
 * names the CRME as its CME.  What the RAE says replaces the Routes
 * protocol (crme_route.c, kept for routes=on):
 *   - resolution: a Consume for a content whose server is known goes to
 *     the neighbour CRME of the next AS of the RAE's preferred path to
 *     the server's prefix (crme_session.c);
 *   - route optimisation (section 6.3.1, "look up in its BGP routing
 *     table"): the same lookup, on the Notify of a new flow.
 * The neighbours' AS numbers are the nbr_as= argument (CRME address ->
 * AS): nothing the CRME hears tells it which AS a neighbour CRME is.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "entities/curling/crme_int.h"

/* The AS a neighbour CRME is (nbr_as=), or 0. */
static uint32_t
nbr_as_of(const struct crme *r, uint32_t crme)
{
	for (unsigned i = 0; i < r->nnas; i++)
		if (r->nas_addr[i] == crme)
			return r->nas_as[i];
	return 0;
}

/* The neighbour CRME of AS as (nbr_as=), or 0. */
static uint32_t
nbr_of_as(const struct crme *r, uint32_t as)
{
	for (unsigned i = 0; i < r->nnas; i++)
		if (r->nas_as[i] == as)
			return r->nas_addr[i];
	return 0;
}

static void
rae_applied(void *ctx, const Comet__Cmerae__GenericRequest *g)
{
	struct crme *r = ctx;

	if (r->rae_as != g->as_number) {
		if (r->rae_as)
			entity_log(&r->e, LOG_WARN, "CRME %s: the RAE now reports for AS %" PRIu32
				   " (was AS %" PRIu32 ")", r->self_str, g->as_number, r->rae_as);
		else
			entity_log(&r->e, LOG_INFO, "CRME %s: the RAE of AS %" PRIu32 " reports "
				   "its preferred paths", r->self_str, g->as_number);
		r->rae_as = g->as_number;
	}
	if (r->asn && g->as_number != r->asn && !r->rae_as_warned) {
		r->rae_as_warned = true;
		entity_log(&r->e, LOG_WARN, "CRME %s: the RAE reports for AS %" PRIu32 " but the "
			   "CRME's as= is %" PRIu32 ": its paths are kept, not followed", r->self_str,
			   g->as_number, r->asn);
	}
}

void
crme_rae_init(struct crme *r)
{
	pathstore_init(&r->ps, &r->e, r->rae_report);
	r->ps.applied = rae_applied;
	r->ps.ctx = r;
}

void
crme_rae_start(struct crme *r)
{
	if (!r->rae_port)
		return;
	r->ps.version = (uint64_t)sim_now(crme_sim(r)) + 1;
	if (!pathstore_listen(&r->ps, r->rae_port))
		entity_log(&r->e, LOG_ERROR, "CRME %s: cannot listen for the RAE on TCP port %u: "
			   "in use", r->self_str, r->rae_port);
	else
		entity_log(&r->e, LOG_INFO, "CRME %s: listening for its RAE on TCP port %u, "
			   "version %" PRIu64, r->self_str, r->rae_port, r->ps.version);
}

void
crme_rae_stop(struct crme *r)
{
	if (!r->rae_port)
		return;
	pathstore_stop(&r->ps);
	if (r->rae_report)
		pathstore_log(&r->ps);
}

void
crme_rae_fini(struct crme *r)
{
	pathstore_fini(&r->ps);
}

/*
 * The path the CRME follows among a PathInf's preferred paths: the first
 * one preferred for class cos= (default: the lowest class any of them
 * is preferred for).  With limit_of_preferred_paths 1, what a deployment
 * writes, there is one per class.
 */
static const Comet__Cmerae__Path *
pick_path(const struct crme *r, const Comet__Cmerae__PathInf *pi, uint32_t *cosp)
{
	uint32_t cos = r->cos;

	if (!cos)
		for (size_t i = 0; i < pi->n_paths; i++)
			for (size_t k = 0; k < pi->paths[i]->n_class_table; k++) {
				uint32_t c = pi->paths[i]->class_table[k]->cos_id;

				if (!cos || c < cos)
					cos = c;
			}
	*cosp = cos;
	for (size_t i = 0; i < pi->n_paths; i++)
		for (size_t k = 0; k < pi->paths[i]->n_class_table; k++)
			if (pi->paths[i]->class_table[k]->cos_id == cos &&
			    pi->paths[i]->n_as_path > 0)
				return pi->paths[i];
	return NULL;
}

bool
crme_rae_next(struct crme *r, uint32_t dst, struct crme_next *out)
{
	struct addr a;
	struct prefix pfx;
	const GBytes *b;
	const uint8_t *data;
	gsize len;
	Comet__Cmerae__PathInf *pi;
	const Comet__Cmerae__Path *p;
	uint32_t cos = 0;
	char x[ADDR_STRLEN];

	memset(out, 0, sizeof(*out));
	if (!r->rae_port || !r->rae_as) {
		snprintf(out->why, sizeof(out->why), "no RAE has reported");
		return false;
	}
	r->rae_lookups++;
	a = addr_v4(dst);
	/*
	 * With as=, the paths of the CRME's own AS only: another AS's RAE
	 * that reports here too (a wrong cme_ip_address) does not steer it.
	 */
	b = pathstore_lookup(&r->ps, r->asn ? r->asn : r->rae_as, &a, &pfx);
	if (!b) {
		r->rae_misses++;
		snprintf(out->why, sizeof(out->why), "the RAE has no path to it");
		return false;
	}
	data = g_bytes_get_data((GBytes *)b, &len);
	pi = comet__cmerae__path_inf__unpack(NULL, len, data);
	if (!pi) {
		r->rae_misses++;
		snprintf(out->why, sizeof(out->why), "the RAE's paths cannot be read");
		return false;
	}
	p = pick_path(r, pi, &cos);
	if (p) {
		size_t n = 0;

		out->as = p->as_path[0];
		out->crme = nbr_of_as(r, out->as);
		for (size_t h = 0; h < p->n_as_path && n < sizeof(out->aspath); h++)
			n += (size_t)snprintf(out->aspath + n, sizeof(out->aspath) - n, "%s%" PRIu32,
					      h ? " " : "", p->as_path[h]);
		snprintf(out->prefix, sizeof(out->prefix), "%s", prefix_fmt(&pfx, x));
	}
	comet__cmerae__path_inf__free_unpacked(pi, NULL);
	if (!p) {
		r->rae_misses++;
		snprintf(out->why, sizeof(out->why), "the RAE has no path of class %" PRIu32
			 " to it", cos);
		return false;
	}
	if (!out->crme) {
		r->rae_misses++;
		snprintf(out->why, sizeof(out->why), "its next AS %" PRIu32 " is no neighbour "
			 "of nbr_as=", out->as);
		return false;
	}
	out->n = crme_nbr_find(r, out->crme);
	if (!out->n) {
		r->rae_misses++;
		snprintf(out->why, sizeof(out->why), "no CAFE links to CRME %s (AS %" PRIu32 ")",
			 curling_fmt_addr(out->crme, x), out->as);
		return false;
	}
	return true;
}

/* Whether a neighbour's AS is known (for the log of nextHopCrmes). */
uint32_t
crme_rae_nbr_as(const struct crme *r, uint32_t crme)
{
	return nbr_as_of(r, crme);
}
