/*
 * rae_decide.c - metric aggregation and the RAE's decision process
 * (D4.3 section 4, doc/rae.md): the reference-point method of
 * multi-criteria decision, per class of service.
 *
 * Everything here is a pure function of its arguments, so that the unit
 * tests (tests/unit/test_rae.c) can check each step against values
 * worked out by hand; rae_rib.c calls rae_decide() whenever the
 * candidates of a prefix change.  doc/rae.md has the same text with
 * worked examples.
 */
#include <math.h>
#include <string.h>

#include "entities/rae/rae.h"

/*
 * Path metrics along an AS path: delay adds up, loss combines as
 * 1 - (1 - p1)(1 - p2), bandwidth is the minimum.  The loss is computed
 * as p1 + p2 - p1 p2, the same number written so that small ratios keep
 * their precision (1 - 0.999997 would lose ten digits).
 */
struct rae_metric
rae_metric_concat(struct rae_metric a, struct rae_metric b)
{
	struct rae_metric m;

	m.delay = a.delay + b.delay;
	m.loss = a.loss + b.loss - a.loss * b.loss;
	m.bw = a.bw < b.bw ? a.bw : b.bw;
	return m;
}

struct rae_metric
rae_metric_zero(void)
{
	struct rae_metric m = { 0.0, 0.0, INFINITY };

	return m;
}

/*
 * Step 1: normalise a criterion with aspiration a and reservation r.
 * Smaller is better (delay, loss): sigma = (r - q) / (r - a); larger is
 * better (bandwidth): sigma = (q - r) / (a - r).  sigma is 1 at the
 * aspiration level and 0 at the reservation level.  Where a = r: 1 if q
 * meets a, -1 otherwise.
 */
double
rae_sigma(double q, double a, double r, bool larger_better)
{
	if (a == r) {
		bool meets = larger_better ? q >= a : q <= a;

		return meets ? 1.0 : -1.0;
	}
	if (larger_better)
		return (q - r) / (a - r);
	return (r - q) / (r - a);
}

/*
 * Step 2: achievement u of a normalised criterion.  u = sigma for
 * 0 <= sigma <= 1; u = 10 sigma below the reservation level (sigma < 0);
 * above the aspiration level (sigma > 1) u = 1 with the flat function
 * (decision_with_flat_function = 1) and u = 2 - 1/sigma with the
 * multiplicative-inverse function (= 0), which is bounded by 2.
 */
double
rae_achievement(double sigma, bool flat)
{
	if (sigma < 0.0)
		return 10.0 * sigma;
	if (sigma <= 1.0)
		return sigma;
	return flat ? 1.0 : 2.0 - 1.0 / sigma;
}

/*
 * Step 3: score = min(u_delay, u_loss, u_bw) + 0.01 (u_delay + u_loss + u_bw).
 */
double
rae_score(const struct rae_dparams *dp, const struct rae_metric *m, bool flat)
{
	double ud = rae_achievement(rae_sigma(m->delay, dp->delay_a, dp->delay_r, false), flat);
	double ul = rae_achievement(rae_sigma(m->loss, dp->loss_a, dp->loss_r, false), flat);
	double ub = rae_achievement(rae_sigma(m->bw, dp->bw_a, dp->bw_r, true), flat);
	double mn = ud;

	if (ul < mn)
		mn = ul;
	if (ub < mn)
		mn = ub;
	return mn + 0.01 * (ud + ul + ub);
}

/* ---- the policy: relationships (the project's extension) ---- */

unsigned
rae_rel_class(enum rae_rel rel)
{
	switch (rel) {
	case RAE_REL_PEER:
		return 1;
	case RAE_REL_PROVIDER:
		return 2;
	default:
		return 0;	/* a customer, or a peer without relationship */
	}
}

bool
rae_rel_exports(enum rae_rel from, enum rae_rel to)
{
	return rae_rel_class(from) == 0 || rae_rel_class(to) == 0;
}

/*
 * The order of two candidates for class slot s: negative when a ranks
 * before b.  First the relationship class of the peer each came from
 * (the policy), then step 4: the score, its ties, then what makes the
 * order total (two peers in one AS, two paths from one peer): the lower
 * peer index, then the AS paths compared AS by AS.
 */
static int
path_cmp(const struct rae_decide_params *dp, const struct rae_path *a,
	 const struct rae_path *b, unsigned s)
{
	const struct rae_aspath *pa = rae_path_aspath(a), *pb = rae_path_aspath(b);
	double sa, sb;

	if (dp->peer_class && dp->peer_class[a->peer] != dp->peer_class[b->peer])
		return dp->peer_class[a->peer] < dp->peer_class[b->peer] ? -1 : 1;
	sa = rae_score(&dp->dp[s], rae_path_metric(a, s), dp->flat);
	sb = rae_score(&dp->dp[s], rae_path_metric(b, s), dp->flat);
	if (sa != sb)
		return sa > sb ? -1 : 1;
	if (pa->len != pb->len)
		return pa->len < pb->len ? -1 : 1;
	/* The lower next-hop AS. */
	if (pa->asn != pb->asn)
		return pa->asn < pb->asn ? -1 : 1;	/* next hop */
	if (a->peer != b->peer)
		return a->peer < b->peer ? -1 : 1;
	/* AS by AS; one cell is one sequence, so the walk stops where they meet. */
	for (; pa != pb; pa = pa->rest, pb = pb->rest)
		if (pa->asn != pb->asn)
			return pa->asn < pb->asn ? -1 : 1;
	return 0;
}

/*
 * The decision process for one destination, class by class:
 *  0.    (the policy, the project's extension) candidates learned from
 *        customers (or peers without relationship) rank before those
 *        from peers, which rank before those from providers; steps 4's
 *        order applies within one relationship class;
 *  1.-3. each candidate's score for the class is computed from its
 *        aggregated metric (rae_score() above) as the candidates are
 *        compared: a pure function, the same number every time;
 *  4.    rank the candidates that offer the class by score, highest
 *        first; ties by the shorter AS path, then by the lower next-hop
 *        AS number (then by peer and AS path, so the order is total);
 *  5.    the first `limit_of_preferred_paths` are the preferred paths of
 *        the class: their pref bit for the class is set, every other
 *        candidate's is cleared.  Only preferred paths are advertised
 *        and reported to the CME.
 * Returns true if any pref bit changed.
 */
bool
rae_decide(const struct rae_decide_params *dp, struct rae_dest *d)
{
	struct rae_path *stack[64], **v = stack;
	uint8_t newpref[64], *np = newpref;
	unsigned n = 0, cap = 64;
	bool changed = false;

	for (struct rae_path *p = d->paths; p; p = p->next)
		n++;
	if (n > cap) {
		v = g_new(struct rae_path *, n);
		np = g_new(uint8_t, n);
	}
	n = 0;
	for (struct rae_path *p = d->paths; p; p = p->next) {
		v[n] = p;
		np[n] = 0;
		n++;
	}
	for (unsigned s = 0; s < dp->nslots; s++) {
		struct rae_path *rank[64], **r = rank;
		unsigned k = 0;

		if (n > 64)
			r = g_new(struct rae_path *, n);
		for (unsigned i = 0; i < n; i++) {
			struct rae_path *p = v[i];
			unsigned j;

			if (!(rae_path_classes(p) & (1u << s)))
				continue;
			/* Insertion sort: a prefix has few candidates. */
			for (j = k; j > 0 && path_cmp(dp, p, r[j - 1], s) < 0; j--)
				r[j] = r[j - 1];
			r[j] = p;
			k++;
		}
		for (unsigned j = 0; j < k && j < dp->limit; j++)
			for (unsigned i = 0; i < n; i++)
				if (v[i] == r[j])
					np[i] |= (uint8_t)(1u << s);
		if (r != rank)
			g_free(r);
	}
	for (unsigned i = 0; i < n; i++) {
		if (v[i]->pref != np[i])
			changed = true;
		v[i]->pref = np[i];
	}
	if (v != stack) {
		g_free(v);
		g_free(np);
	}
	return changed;
}

unsigned
rae_decide_ranked(const struct rae_decide_params *dp, const struct rae_dest *d,
		  unsigned slot, const struct rae_path **v, unsigned cap)
{
	unsigned k = 0;

	for (const struct rae_path *p = d->paths; p; p = p->next) {
		unsigned j;

		if (!(p->pref & (1u << slot)) || k == cap)
			continue;
		for (j = k; j > 0 && path_cmp(dp, p, v[j - 1], slot) < 0; j--)
			v[j] = v[j - 1];
		v[j] = p;
		k++;
	}
	return k;
}
