/*
 * values.c - the values a run option or a link has, from the text the
 * files or an override give to what the engine uses: the names --set
 * knows them by, their parsing and their printing (cometsim params).
 *
 * Every value is read by sim/units.h, the one grammar of the program
 * (exact integers for durations, sizes and rates; probabilities the only
 * doubles); here are the two link values that are lists of them (a
 * queue's limits, which the run option arp_queue has too, and a loss
 * model) and where each value goes.  A value is kept as written (struct
 * scn_val) until the overrides are bound, then substituted (params.c)
 * and parsed, so that an error cites the file and line, or the override,
 * that gave it.  The formats are in doc/scenario-format.md.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "scenario/scenario_int.h"
#include "sim/log.h"
#include "sim/sched.h"
#include "sim/series.h"
#include "sim/units.h"

static const char *const lattr_names[LA_COUNT] = {
	"bandwidth", "delay", "mtu", "queue", "loss", "weight",
};

static const char *const ropt_names[RO_COUNT] = {
	"end_time", "seed", "run", "pcap", "snaplen", "log", "scheduler",
	"max_events", "max_wall", "arp_queue", "timeseries", "timeseries_interval",
	"realtime", "realtime_bound", "routing",
};

const char *
scn_lattr_name(enum scn_lattr a)
{
	return lattr_names[a];
}

const char *
scn_ropt_name(enum scn_ropt o)
{
	return ropt_names[o];
}

/* The attribute called name, or -1. */
int
scn_lattr_lookup(const char *name)
{
	for (int i = 0; i < LA_COUNT; i++)
		if (strcmp(lattr_names[i], name) == 0)
			return i;
	return -1;
}

/*
 * One or two limits separated by blanks or a comma: frames "100" or
 * "100p" (also "pkts", "packets"), bytes as a size with its unit ("64KB",
 * "64KiB", "1500B"); "none" or "0" for no limit.
 */
int
scn_parse_queue(const char *s, uint32_t *pkts, uint64_t *bytes, char *err, size_t errlen)
{
	static const char *const frames[] = { "", "p", "pkts", "packets" };
	char **tok = g_strsplit_set(s, " \t,", -1);
	bool have_p = false, have_b = false, any = false;
	uint32_t p = 0;
	uint64_t b = 0;
	int rc = -1;

	for (char **t = tok; *t; t++) {
		size_t n = strspn(*t, "0123456789");
		bool is_frames = false;
		uint64_t v;

		if (**t == '\0')
			continue;
		any = true;
		if (strcmp(*t, "none") == 0 || strcmp(*t, "unlimited") == 0) {
			have_p = have_b = true;
			continue;
		}
		for (size_t i = 0; n > 0 && i < G_N_ELEMENTS(frames); i++)
			is_frames |= strcmp(*t + n, frames[i]) == 0;
		if (is_frames) {
			char *num = g_strndup(*t, n);
			int bad = units_uint(NULL, num, 0, SCN_QUEUE_PKTS_MAX, &v, NULL, 0) < 0;

			g_free(num);
			/* Digits alone: only their size can be wrong. */
			if (bad) {
				snprintf(err, errlen, "\"%s\": too large (at most %up)", *t,
					 SCN_QUEUE_PKTS_MAX);
				goto out;
			}
			if (have_p) {
				snprintf(err, errlen, "\"%s\": a second frame limit", *t);
				goto out;
			}
			have_p = true;
			p = (uint32_t)v;
			continue;
		}
		if (n == 0 && **t != '.' && **t != '-') {
			snprintf(err, errlen, "\"%s\": not a limit (frames, 100 or 100p; bytes, a "
				 "size with its unit, 64KB or 64KiB; or none)", *t);
			goto out;
		}
		if (units_size(NULL, *t, 0, SCN_QUEUE_BYTES_MAX, &v, err, errlen) < 0)
			goto out;
		if (have_b) {
			snprintf(err, errlen, "\"%s\": a second byte limit", *t);
			goto out;
		}
		have_b = true;
		b = v;
	}
	if (!any) {
		snprintf(err, errlen, "empty");
		goto out;
	}
	*pkts = p;
	*bytes = b;
	rc = 0;
out:
	g_strfreev(tok);
	return rc;
}

/*
 * "none", "bernoulli P" or "gilbert-elliott P_GB P_BG [LOSS_GOOD [LOSS_BAD]]"
 * (LOSS_GOOD defaults to 0, LOSS_BAD to 1).
 */
int
scn_parse_loss(const char *s, struct loss_model *lm, char *err, size_t errlen)
{
	char **tok = g_strsplit_set(s, " \t", -1);
	const char *a[6];
	int n = 0, rc = -1;
	double v[4] = { 0, 0, 0, 1 };

	for (char **t = tok; *t; t++)
		if (**t != '\0') {
			if (n == 6) {
				snprintf(err, errlen, "too many numbers");
				goto out;
			}
			a[n++] = *t;
		}
	memset(lm, 0, sizeof(*lm));
	if (n == 0) {
		snprintf(err, errlen, "empty");
		goto out;
	}
	if (strcmp(a[0], "none") == 0) {
		if (n != 1) {
			snprintf(err, errlen, "\"none\" takes no numbers");
			goto out;
		}
		lm->kind = LOSS_NONE;
	} else if (strcmp(a[0], "bernoulli") == 0) {
		if (n != 2) {
			snprintf(err, errlen, "\"bernoulli\" takes one probability");
			goto out;
		}
		if (units_prob(NULL, a[1], &lm->p, err, errlen) < 0)
			goto out;
		lm->kind = LOSS_BERNOULLI;
	} else if (strcmp(a[0], "gilbert-elliott") == 0 || strcmp(a[0], "ge") == 0) {
		if (n < 3 || n > 5) {
			snprintf(err, errlen, "\"gilbert-elliott\" takes P_GB P_BG [LOSS_GOOD "
				 "[LOSS_BAD]]");
			goto out;
		}
		for (int i = 1; i < n; i++)
			if (units_prob(NULL, a[i], &v[i - 1], err, errlen) < 0)
				goto out;
		lm->kind = LOSS_GILBERT_ELLIOTT;
		lm->p_gb = v[0];
		lm->p_bg = v[1];
		lm->loss_good = v[2];
		lm->loss_bad = v[3];
	} else {
		snprintf(err, errlen, "unknown loss model (none, bernoulli, gilbert-elliott)");
		goto out;
	}
	rc = 0;
out:
	g_strfreev(tok);
	return rc;
}

char *
scn_fmt_queue(uint32_t pkts, uint64_t bytes, char *buf, size_t len)
{
	char b[32];

	units_fmt_size(bytes, b, sizeof(b));
	if (pkts == 0 && bytes == 0)
		snprintf(buf, len, "none");
	else if (bytes == 0)
		snprintf(buf, len, "%" PRIu32 "p", pkts);
	else if (pkts == 0)
		snprintf(buf, len, "%s", b);
	else
		snprintf(buf, len, "%" PRIu32 "p %s", pkts, b);
	return buf;
}

char *
scn_fmt_loss(const struct loss_model *lm, char *buf, size_t len)
{
	switch (lm->kind) {
	case LOSS_BERNOULLI:
		snprintf(buf, len, "bernoulli %g", lm->p);
		break;
	case LOSS_GILBERT_ELLIOTT:
		snprintf(buf, len, "gilbert-elliott %g %g %g %g", lm->p_gb, lm->p_bg,
			 lm->loss_good, lm->loss_bad);
		break;
	default:
		snprintf(buf, len, "none");
		break;
	}
	return buf;
}

char *
scn_fmt_lattr(const struct link_params *p, enum scn_lattr a, char *buf, size_t len)
{
	switch (a) {
	case LA_BANDWIDTH:
		return units_fmt_rate(p->bandwidth_bps, buf, len);
	case LA_DELAY:
		return units_fmt_duration(p->delay, buf, len);
	case LA_MTU:
		snprintf(buf, len, "%" PRIu32, p->mtu);
		return buf;
	case LA_QUEUE:
		return scn_fmt_queue(p->queue_pkts, p->queue_bytes, buf, len);
	case LA_LOSS:
		return scn_fmt_loss(&p->loss, buf, len);
	case LA_WEIGHT:
	default:
		snprintf(buf, len, "%" PRIu32, p->weight);
		return buf;
	}
}

/*
 * What a list's parser said of the value str, without the `"str": ` it
 * puts ahead when the value is its one item: the caller names the value.
 */
static const char *
list_msg(const char *str, const char *err)
{
	size_t n = strlen(str);

	if (err[0] == '"' && strncmp(err + 1, str, n) == 0 &&
	    strncmp(err + 1 + n, "\": ", 3) == 0)
		return err + n + 4;
	return err;
}

/* Parse one link attribute into p. */
static int
lattr_parse(struct scn_ld *ld, const char *what, struct scn_val *v,
	    enum scn_lattr a, struct link_params *p)
{
	const char *name = lattr_names[a];
	char err[UNITS_ERRLEN];
	char *str;
	uint64_t u;
	int rc = -1;

	if (!v->raw)
		return 0;
	if (!(str = scn_val_subst(ld, v)))
		return -1;
	switch (a) {
	case LA_BANDWIDTH:
		rc = units_rate(name, str, 1, INT64_MAX, &p->bandwidth_bps, err, sizeof(err));
		break;
	case LA_DELAY:
		rc = units_duration(name, str, 0, 0, SIM_TIME_LIMIT, &p->delay, err, sizeof(err));
		break;
	case LA_MTU:
		rc = units_uint(name, str, 68, 65535, &u, err, sizeof(err));
		p->mtu = (uint32_t)u;
		break;
	case LA_QUEUE:
		rc = scn_parse_queue(str, &p->queue_pkts, &p->queue_bytes, err, sizeof(err));
		break;
	case LA_LOSS:
		rc = scn_parse_loss(str, &p->loss, err, sizeof(err));
		break;
	case LA_WEIGHT:
		rc = units_uint(name, str, 1, UINT32_MAX, &u, err, sizeof(err));
		p->weight = (uint32_t)u;
		break;
	default:
		break;
	}
	if (rc < 0) {
		if (a == LA_QUEUE || a == LA_LOSS) {
			/* A list: `queue "VALUE": ` ahead of what its item said. */
			scn_val_error(ld, v, "%s: %s \"%s\": %s", what, name, str,
				      list_msg(str, err));
		} else {
			scn_val_error(ld, v, "%s: %s", what, err);
		}
	}
	g_free(str);
	return rc;
}

/*
 * Check a pcap selection against the nodes and interfaces the scenario
 * has: "all", "none", or a list of NODE and NODE:IFACE, with no blank and
 * no empty item.  In a list of several the message names the item that is
 * wrong.  -1 with why (len bytes) set.
 */
static int
pcap_check(const struct scenario *s, const char *sel, char *why, size_t len)
{
	char **item, *esc;
	const char *bad = NULL, *what = NULL;
	bool several = strchr(sel, ',') != NULL;
	int rc = 0;

	if (strcmp(sel, "all") == 0 || strcmp(sel, "none") == 0)
		return 0;
	if (!sel[0]) {
		snprintf(why, len, "empty (write none for no capture)");
		return -1;
	}
	if (strpbrk(sel, " \t\n\r")) {
		snprintf(why, len, "no blank may stand in a list of captures "
			 "(write NODE,NODE:IFACE)");
		return -1;
	}
	item = g_strsplit(sel, ",", -1);
	for (char **it = item; *it && !bad; it++) {
		char *colon = strrchr(*it, ':');
		struct scn_node *n;
		struct scn_iface *ifc;

		if (!**it) {
			bad = *it;
			what = "an item of the list is empty";
			break;
		}
		if (strcmp(*it, "all") == 0 || strcmp(*it, "none") == 0) {
			bad = *it;
			what = "stands alone, not in a list";
			break;
		}
		/* A node whose name has a ':' of its own, as the output layer matches. */
		if (colon && g_hash_table_lookup(s->node_by_name, *it))
			colon = NULL;
		if (colon)
			*colon = '\0';
		n = g_hash_table_lookup(s->node_by_name, *it);
		if (!n) {
			bad = *it;
			what = "names a node the scenario does not have";
		} else if (colon && !(ifc = scn_node_iface(n, colon + 1))) {
			*colon = ':';
			bad = *it;
			what = "names an interface the node does not have";
		} else if (colon && ifc->kind != IF_ETHER) {
			*colon = ':';
			bad = *it;
			what = "names a VLAN or GRE interface: its frames are in the pcap of "
			       "the Ethernet interface beneath it";
		}
	}
	if (bad) {
		rc = -1;
		if (!several) {
			snprintf(why, len, "%s", what);
		} else if (!*bad) {
			snprintf(why, len, "%s", what);
		} else {
			esc = log_escape(bad);
			snprintf(why, len, "its item \"%s\" %s", esc, what);
			g_free(esc);
		}
	}
	g_strfreev(item);
	return rc;
}

static int
ropt_parse(struct scn_ld *ld, enum scn_ropt o)
{
	struct scenario *s = ld->s;
	struct scn_val *v = &s->run[o];
	const char *name = ropt_names[o], *why = NULL;
	char logwhy[1024], pwhy[512], qwhy[UNITS_ERRLEN], err[UNITS_ERRLEN] = "";
	char *str;
	uint64_t u;
	int rc = 0;

	if (!v->raw)
		return 0;
	if (!(str = scn_val_subst(ld, v)))
		return -1;
	switch (o) {
	case RO_END_TIME:
		if (strcmp(str, "none") == 0 || strcmp(str, "inf") == 0)
			s->ro.end_time = SIM_TIME_MAX;
		else
			/* Seconds when no unit is given, as max_wall and <EndTime>. */
			rc = units_duration(name, str, UNITS_BARE_S, 0, SIM_TIME_LIMIT,
					    &s->ro.end_time, err, sizeof(err));
		break;
	case RO_SEED:
		rc = units_uint(name, str, 0, UINT64_MAX, &s->ro.seed, err, sizeof(err));
		break;
	case RO_RUN:
		rc = units_uint(name, str, 0, UINT64_MAX, &s->ro.run, err, sizeof(err));
		break;
	case RO_PCAP:
		rc = pcap_check(s, str, pwhy, sizeof(pwhy));
		why = pwhy;
		break;
	case RO_SNAPLEN:
		rc = units_uint(name, str, 1, 262144, &u, err, sizeof(err));
		s->ro.snaplen = (unsigned)u;
		break;
	case RO_LOG:
		/* The same check and words as --log. */
		rc = log_parse_spec(NULL, str, logwhy, sizeof(logwhy));
		why = logwhy;
		break;
	case RO_SCHEDULER:
		if (!sched_lookup(str)) {
			/* "unknown scheduler (one of: calendar, heap)" */
			size_t at = (size_t)snprintf(pwhy, sizeof(pwhy), "unknown scheduler (one of: ");

			for (size_t i = 0; sched_all[i] && at < sizeof(pwhy); i++)
				at += (size_t)snprintf(pwhy + at, sizeof(pwhy) - at, "%s%s",
						       i ? ", " : "", sched_all[i]->name);
			if (at < sizeof(pwhy))
				snprintf(pwhy + at, sizeof(pwhy) - at, ")");
			why = pwhy;
			rc = -1;
		}
		break;
	case RO_MAX_EVENTS:
		if (strcmp(str, "none") == 0)
			s->ro.max_events = 0;
		else
			rc = units_uint(name, str, 1, UINT64_MAX, &s->ro.max_events, err,
					sizeof(err));
		break;
	case RO_MAX_WALL:
		if (strcmp(str, "none") == 0)
			s->ro.max_wall = 0;
		else
			rc = units_duration(name, str, UNITS_BARE_S, 1, SIM_TIME_LIMIT,
					    &s->ro.max_wall, err, sizeof(err));
		break;
	case RO_ARP_QUEUE:
		/* A link queue's grammar: frames, bytes or both, or none. */
		rc = scn_parse_queue(str, &s->ro.arp_queue_pkts, &s->ro.arp_queue_bytes, qwhy,
				     sizeof(qwhy));
		why = list_msg(str, qwhy);
		break;
	case RO_TIMESERIES:
		if (strcmp(str, "none") == 0) {
			s->ro.timeseries = NULL;
		} else {
			GPtrArray *sel = series_parse(str, pwhy, sizeof(pwhy));

			if (sel)
				g_ptr_array_free(sel, TRUE);
			else
				rc = -1;
			why = pwhy;
		}
		break;
	case RO_TIMESERIES_INTERVAL:
		rc = units_duration(name, str, 0, 1, SIM_TIME_LIMIT, &s->ro.timeseries_interval,
				    err, sizeof(err));
		break;
	case RO_REALTIME:
		if (strcmp(str, "no") == 0)
			s->ro.realtime = SCN_RT_NO;
		else if (strcmp(str, "yes") == 0)
			s->ro.realtime = SCN_RT_YES;
		else if (strcmp(str, "strict") == 0)
			s->ro.realtime = SCN_RT_STRICT;
		else {
			why = "expected no, yes or strict";
			rc = -1;
		}
		break;
	case RO_REALTIME_BOUND:
		rc = units_duration(name, str, 0, SIM_US, 3600 * SIM_S, &s->ro.realtime_bound,
				    err, sizeof(err));
		break;
	case RO_ROUTING:
		if (strcmp(str, "static") == 0)
			s->auto_routes = false;
		else if (strcmp(str, "shortest-path") == 0)
			s->auto_routes = true;
		else {
			why = "expected static or shortest-path";
			rc = -1;
		}
		break;
	default:
		break;
	}
	if (rc < 0) {
		if (err[0])
			scn_val_error(ld, v, "%s", err);
		else
			scn_val_error(ld, v, "%s \"%s\": %s", name, str, why);
		g_free(str);
		return -1;
	}
	g_free(s->run_str[o]);
	s->run_str[o] = str;
	switch (o) {
	case RO_PCAP:
		s->ro.pcap = str;
		break;
	case RO_LOG:
		s->ro.log_spec = str;
		break;
	case RO_SCHEDULER:
		s->ro.scheduler = str;
		break;
	case RO_TIMESERIES:
		s->ro.timeseries = strcmp(str, "none") == 0 ? NULL : str;
		break;
	default:
		break;
	}
	return 0;
}

/* Parse every raw value (run options, link defaults, links). */
int
scn_values_parse(struct scn_ld *ld)
{
	struct scenario *s = ld->s;

	for (int o = 0; o < RO_COUNT; o++)
		if (ropt_parse(ld, o) < 0)
			return -1;
	link_params_default(&s->ldef_p);
	for (int a = 0; a < LA_COUNT; a++)
		if (lattr_parse(ld, "<linkdefaults>", &s->ldef[a], a, &s->ldef_p) < 0)
			return -1;
	for (guint i = 0; i < s->links->len; i++) {
		struct scn_link *l = g_ptr_array_index(s->links, i);
		char *what = g_strdup_printf("link \"%s\"", l->name);
		int rc = 0;

		if (l->scripted || l->imported)
			l->p = s->ldef_p;
		else
			link_params_default(&l->p);
		for (int a = 0; a < LA_COUNT && rc == 0; a++)
			rc = lattr_parse(ld, what, &l->v[a], a, &l->p);
		g_free(what);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* Every name an override may give, with its current value, in a stable order. */
void
scn_params_foreach(const struct scenario *s,
		   void (*fn)(void *ctx, const char *name, const char *value), void *ctx)
{
	char buf[128], name[256];

	for (int o = 0; o < RO_COUNT; o++) {
		const char *v;

		switch (o) {
		case RO_END_TIME:
			v = units_fmt_duration(s->ro.end_time, buf, sizeof(buf));
			break;
		case RO_SEED:
			snprintf(buf, sizeof(buf), "%" PRIu64, s->ro.seed);
			v = buf;
			break;
		case RO_RUN:
			snprintf(buf, sizeof(buf), "%" PRIu64, s->ro.run);
			v = buf;
			break;
		case RO_PCAP:
			v = s->ro.pcap;
			break;
		case RO_SNAPLEN:
			snprintf(buf, sizeof(buf), "%u", s->ro.snaplen);
			v = buf;
			break;
		case RO_LOG:
			v = s->ro.log_spec;
			break;
		case RO_SCHEDULER:
			v = s->ro.scheduler ? s->ro.scheduler : "default";
			break;
		case RO_MAX_EVENTS:
			snprintf(buf, sizeof(buf), "%" PRIu64, s->ro.max_events);
			v = s->ro.max_events ? buf : "none";
			break;
		case RO_MAX_WALL:
			v = s->ro.max_wall ? units_fmt_duration(s->ro.max_wall, buf, sizeof(buf)) :
			    "none";
			break;
		case RO_ARP_QUEUE:
			v = scn_fmt_queue(s->ro.arp_queue_pkts, s->ro.arp_queue_bytes, buf,
					  sizeof(buf));
			break;
		case RO_TIMESERIES:
			v = s->ro.timeseries ? s->ro.timeseries : "none";
			break;
		case RO_TIMESERIES_INTERVAL:
			v = units_fmt_duration(s->ro.timeseries_interval, buf, sizeof(buf));
			break;
		case RO_REALTIME:
			v = s->ro.realtime == SCN_RT_STRICT ? "strict" :
			    s->ro.realtime == SCN_RT_YES ? "yes" : "no";
			break;
		case RO_REALTIME_BOUND:
			v = units_fmt_duration(s->ro.realtime_bound, buf, sizeof(buf));
			break;
		case RO_ROUTING:
		default:
			v = s->auto_routes ? "shortest-path" : "static";
			break;
		}
		fn(ctx, ropt_names[o], v);
	}
	for (guint i = 0; i < s->params->len; i++) {
		struct scn_param *p = g_ptr_array_index(s->params, i);

		fn(ctx, p->name, p->value);
	}
	/* --set deploy.approach replaces <deploy>'s attribute (doc/deploy.md). */
	if (scn_deploy_approach(s))
		fn(ctx, "deploy.approach", scn_deploy_approach(s));
	for (int a = 0; a < LA_COUNT; a++) {
		snprintf(name, sizeof(name), "linkdefaults.%s", lattr_names[a]);
		fn(ctx, name, scn_fmt_lattr(&s->ldef_p, a, buf, sizeof(buf)));
	}
	for (guint i = 0; i < s->links->len; i++) {
		struct scn_link *l = g_ptr_array_index(s->links, i);

		for (int a = 0; a < LA_COUNT; a++) {
			snprintf(name, sizeof(name), "link.%s.%s", l->name, lattr_names[a]);
			fn(ctx, name, scn_fmt_lattr(&l->p, a, buf, sizeof(buf)));
		}
	}
}
