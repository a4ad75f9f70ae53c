/*
 * cafe.c - the stateless CAFE: forwarding by COMET keys and interception
 * of IP packets (D4.3 sections 5.3.1 and 5.3.2, doc/comet-header.md).
 *
 * The CAFE hooks three EtherTypes on its node: 0xCCCC (COMET frames, also
 * those arriving through a GRE tunnel) and 0x0800/0x86DD (IP packets, for
 * interception; those no filter matches go on to the node's IP stack
 * untouched).  Every frame it drops is counted under its "cafe" counters
 * with the reason: comet_bad_version, comet_truncated,
 * comet_index_beyond_length, comet_no_rule, comet_unknown_next_proto,
 * comet_mtu (larger than the egress device's MTU once the COMET header is
 * on: the CAFE does not fragment), comet_no_route (a GRE rule whose
 * tunnel's remote end has no route).  Each rule counts the frames and
 * bytes it sent out and its own drops (struct cafe_rule), which cf_tool
 * get prints and the instance's statistics report as rule.KEY.*.
 *
 * Arguments: [intercept=IFACE,IFACE...] (default: every interface); each
 * IFACE must be an interface the node has (cafe_check).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "entities/cafe/cafe.h"
#include "sim/wire.h"

#define CAFE_EXT	"cafe"

static void cafe_comet_in(struct iface *in, void *ctx, struct pkt *p);
static void cafe_ip_in(struct iface *in, void *ctx, struct pkt *p);

/* ---- loading ---- */

static int
cafe_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	struct cafe *c = (struct cafe *)e;

	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "intercept=", 10) == 0 && argv[i][10] &&
		    strlen(argv[i] + 10) < sizeof(c->intercept)) {
			snprintf(c->intercept, sizeof(c->intercept), "%s", argv[i] + 10);
		} else {
			snprintf(err, errlen, "unknown argument \"%s\" (usage: %s)", argv[i],
				 e->cls->usage);
			return -1;
		}
	}
	c->filters = g_ptr_array_new();
	c->expired = g_array_new(FALSE, FALSE, sizeof(struct cafe_expired));
	return 0;
}

/*
 * Every interface of intercept= is one the node has: a misspelt name
 * would otherwise intercept nothing there, silently.  Interfaces a
 * script's START_LINK gives the node later count.
 */
static int
cafe_check(struct entity *e, const struct entity_scope *sc, char *err, size_t errlen)
{
	struct cafe *c = (struct cafe *)e;
	char **names = g_strsplit(c->intercept, ",", -1);
	char have[512];
	int rc = 0;

	for (char **n = names; c->intercept[0] && *n && rc == 0; n++) {
		if (!**n) {
			snprintf(err, errlen, "intercept=%s: an empty interface name", c->intercept);
			rc = -1;
		} else if (!sc->iface_known(sc->ctx, e->node_name, *n, have, sizeof(have))) {
			snprintf(err, errlen, "intercept=%s: node %s has no interface \"%s\" "
				 "(it has %s)", c->intercept, e->node_name, *n,
				 have[0] ? have : "none");
			rc = -1;
		}
	}
	g_strfreev(names);
	return rc;
}

static void
cafe_start(struct entity *e)
{
	struct cafe *c = (struct cafe *)e;
	struct node *n = e->node;
	struct stats *st = &n->net->stats;

	struct cafe *old = node_ext_get(n, CAFE_EXT);

	/*
	 * One CAFE a node.  The one a restarted node had stopped with it: a
	 * CAFE loaded again takes its place; one that cf_tool or ci_tool
	 * loaded (owned by the node) is started again by cafe_get instead.
	 */
	if (old && old != c && (old->e.running || old->auto_loaded)) {
		entity_log(e, LOG_ERROR, "a CAFE is already loaded on %s: this one stays idle",
			   n->name);
		return;
	}
	c->node = n;
	if (old != c)
		node_ext_replace(n, CAFE_EXT, c, NULL);
	if (!c->cnt_registered) {
		stats_register(st, &c->cnt, "cafe", n->name);
		c->cnt_registered = true;
		c->r_bad_version = stats_reason_intern(st, "comet_bad_version");
		c->r_truncated = stats_reason_intern(st, "comet_truncated");
		c->r_index = stats_reason_intern(st, "comet_index_beyond_length");
		c->r_no_rule = stats_reason_intern(st, "comet_no_rule");
		c->r_next_proto = stats_reason_intern(st, "comet_unknown_next_proto");
		c->r_mtu = stats_reason_intern(st, "comet_mtu");
		c->r_no_route = stats_reason_intern(st, "comet_no_route");
	}
	node_eth_hook(n, ETHERTYPE_COMET, cafe_comet_in, c);
	node_eth_hook(n, ETHERTYPE_IPV4, cafe_ip_in, c);
	node_eth_hook(n, ETHERTYPE_IPV6, cafe_ip_in, c);
	c->hooked = true;
	entity_log(e, LOG_INFO, "stateless CAFE loaded (intercepting on %s)",
		   c->intercept[0] ? c->intercept : "every interface");
}

static void
cafe_stop(struct entity *e)
{
	struct cafe *c = (struct cafe *)e;

	if (!c->hooked)
		return;
	node_eth_unhook(c->node, ETHERTYPE_COMET, cafe_comet_in, c);
	node_eth_unhook(c->node, ETHERTYPE_IPV4, cafe_ip_in, c);
	node_eth_unhook(c->node, ETHERTYPE_IPV6, cafe_ip_in, c);
	c->hooked = false;
	for (unsigned i = 0; i < c->filters->len; i++) {
		struct cafe_filter *f = g_ptr_array_index(c->filters, i);

		sim_timer_cancel(c->node->net->sim, &f->idle);
	}
}

static void
cafe_fini(struct entity *e)
{
	struct cafe *c = (struct cafe *)e;

	if (c->filters) {
		for (unsigned i = 0; i < c->filters->len; i++)
			free(g_ptr_array_index(c->filters, i));
		g_ptr_array_free(c->filters, TRUE);
	}
	if (c->expired)
		g_array_free(c->expired, TRUE);
}

static void
cafe_stats(struct entity *e, entity_stat_fn fn, void *ctx)
{
	struct cafe *c = (struct cafe *)e;

	fn(ctx, "comet_in", c->comet_in);
	fn(ctx, "forwarded", c->forwarded);
	fn(ctx, "intercepted", c->intercepted);
	fn(ctx, "decapsulated", c->decapsulated);
	fn(ctx, "ip_passed", c->passed);
	fn(ctx, "filters", c->filters ? c->filters->len : 0);
	fn(ctx, "expired_streams", c->expired_total);
	for (unsigned i = 0; c->filters && i < c->filters->len; i++) {
		struct cafe_filter *f = g_ptr_array_index(c->filters, i);
		char name[64];

		snprintf(name, sizeof(name), "filter%" PRIu32 "_packets", f->s.id);
		fn(ctx, name, f->packets);
		snprintf(name, sizeof(name), "filter%" PRIu32 "_bytes", f->s.id);
		fn(ctx, name, f->bytes);
	}
	/*
	 * Every rule in the table at the end, by key: all its rows, zeros
	 * included, so that a sweep finds each one whatever happened.
	 */
	for (int k = 0; k < 256; k++) {
		const struct cafe_rule *r = &c->rules[k];
		char name[64];

		if (r->kind == CAFE_RULE_NONE)
			continue;
		snprintf(name, sizeof(name), "rule.%02x.frames", k);
		fn(ctx, name, r->frames);
		snprintf(name, sizeof(name), "rule.%02x.bytes", k);
		fn(ctx, name, r->bytes);
		for (int d = 0; d < CAFE_RULE_NDROPS; d++) {
			snprintf(name, sizeof(name), "rule.%02x.drop_%s", k, cafe_rule_drop_names[d]);
			fn(ctx, name, r->drops[d]);
		}
	}
}

static void
cafe_dump(struct entity *e, FILE *out)
{
	struct cafe *c = (struct cafe *)e;
	char line[256];

	for (int k = 0; k < 256; k++)
		if (c->rules[k].kind != CAFE_RULE_NONE) {
			cafe_rule_fmt(c, (uint8_t)k, line, sizeof(line));
			fprintf(out, "rule %s frames %" PRIu64 "\n", line, c->rules[k].frames);
		}
	for (unsigned i = 0; i < c->filters->len; i++) {
		struct cafe_filter *f = g_ptr_array_index(c->filters, i);

		fprintf(out, "filter %" PRIu32 " packets %" PRIu64 " bytes %" PRIu64 "\n",
			f->s.id, f->packets, f->bytes);
	}
}

static const char *const cafe_aliases[] = { "cafe", NULL };

const struct entity_class cafe_class = {
	.name = "usr.stateless.Cafe",
	.aliases = cafe_aliases,
	.kind = "cafe",
	.usage = "[intercept=IFACE,IFACE...]",
	.inst_size = sizeof(struct cafe),
	.init = cafe_init,
	.check = cafe_check,	/* the interfaces of intercept= are the node's */
	.start = cafe_start,
	.stop = cafe_stop,
	.stats = cafe_stats,
	.dump = cafe_dump,
	.fini = cafe_fini,
};

/* Forget the rules, filters and records: a CAFE as its module is loaded. */
static void
cafe_reset(struct cafe *c)
{
	memset(c->rules, 0, sizeof(c->rules));
	for (unsigned i = 0; i < c->filters->len; i++)
		free(g_ptr_array_index(c->filters, i));
	g_ptr_array_set_size(c->filters, 0);
	g_array_set_size(c->expired, 0);
}

static void
cafe_auto_fini(void *data)
{
	entity_free(data);
}

struct cafe *
cafe_get(struct node *n)
{
	struct cafe *c = node_ext_get(n, CAFE_EXT);
	struct entity *e;
	char err[256];

	if (c && !c->e.running && c->auto_loaded) {
		/* Its node was restarted: the module is loaded again, empty. */
		cafe_reset(c);
		entity_start(&c->e, n);
	}
	if (c)
		return c;
	e = entity_new(&cafe_class, n->name, 0, NULL, err, sizeof(err));
	if (!e)
		return NULL;
	/*
	 * Loaded on first use, while the run goes on: named after the module,
	 * not numbered in the order the nodes first used theirs, which would
	 * depend on the order in which processes run other nodes' events (a
	 * split run, doc/parallel.md).
	 */
	g_free(e->inst);
	e->inst = g_strdup(e->cls->kind);
	c = (struct cafe *)e;
	c->auto_loaded = true;
	node_ext_set(n, CAFE_EXT, c, cafe_auto_fini);
	entity_start(e, n);
	return c;
}

/* ---- the forwarding table (cf_tool) ---- */

const char *const cafe_rule_drop_names[CAFE_RULE_NDROPS] = {
	[CAFE_RULE_DROP_MTU] = "comet_mtu",
	[CAFE_RULE_DROP_NO_ROUTE] = "comet_no_route",
	[CAFE_RULE_DROP_IFACE_DOWN] = "iface_down",
	[CAFE_RULE_DROP_LINK_DOWN] = "link_down",
};

/*
 * Put a rule in a key's place.  The same rule added again keeps its
 * statistics; a different one (kind, device or MAC) starts from zero, so
 * that what a rule counts went out of the device it names.
 */
static void
rule_set(struct cafe_rule *r, enum cafe_rule_kind kind, struct iface *ifc,
	 const uint8_t mac[6])
{
	static const uint8_t none[6];

	if (!mac)
		mac = none;
	if (r->kind == kind && r->ifc == ifc && memcmp(r->mac, mac, 6) == 0)
		return;
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->ifc = ifc;
	memcpy(r->mac, mac, 6);
}

int
cafe_rule_add_ethernet(struct cafe *c, uint8_t key, const char *dev, const uint8_t mac[6],
		       char *err, size_t errlen)
{
	struct iface *ifc = node_iface(c->node, dev);

	if (!ifc) {
		snprintf(err, errlen, "no device %s on %s", dev, c->node->name);
		return -1;
	}
	if (ifc->kind == IF_GRE) {
		snprintf(err, errlen, "%s is a GRE tunnel: use add_device", dev);
		return -1;
	}
	rule_set(&c->rules[key], CAFE_RULE_ETHERNET, ifc, mac);
	return 0;
}

int
cafe_rule_add_device(struct cafe *c, uint8_t key, const char *dev, char *err, size_t errlen)
{
	struct iface *ifc = node_iface(c->node, dev);

	if (!ifc) {
		snprintf(err, errlen, "no device %s on %s", dev, c->node->name);
		return -1;
	}
	if (ifc->kind != IF_GRE) {
		snprintf(err, errlen, "%s is not a GRE tunnel: use add_ethernet with a MAC", dev);
		return -1;
	}
	rule_set(&c->rules[key], CAFE_RULE_DEVICE, ifc, NULL);
	return 0;
}

int
cafe_rule_remove(struct cafe *c, uint8_t key)
{
	if (c->rules[key].kind == CAFE_RULE_NONE)
		return -1;
	memset(&c->rules[key], 0, sizeof(c->rules[key]));
	return 0;
}

void
cafe_rule_fmt(const struct cafe *c, uint8_t key, char *buf, size_t len)
{
	const struct cafe_rule *r = &c->rules[key];
	char mac[MAC_STRLEN];

	switch (r->kind) {
	case CAFE_RULE_ETHERNET:
		snprintf(buf, len, "%02x ethernet %s %s", key, r->ifc->name, mac_fmt(r->mac, mac));
		break;
	case CAFE_RULE_DEVICE:
		snprintf(buf, len, "%02x device %s", key, r->ifc->name);
		break;
	default:
		snprintf(buf, len, "%02x none", key);
	}
}

void
cafe_rule_stats_fmt(const struct cafe *c, uint8_t key, char *buf, size_t len)
{
	const struct cafe_rule *r = &c->rules[key];
	size_t n = (size_t)snprintf(buf, len, "frames %" PRIu64 " bytes %" PRIu64, r->frames,
				    r->bytes);

	for (int d = 0; d < CAFE_RULE_NDROPS && n < len; d++)
		if (r->drops[d])
			n += (size_t)snprintf(buf + n, len - n, " drop_%s %" PRIu64,
					      cafe_rule_drop_names[d], r->drops[d]);
}

/* ---- filters (ci_tool, the agent) ---- */

static struct cafe_filter *
filter_find(const struct cafe *c, uint32_t id, unsigned *pos)
{
	for (unsigned i = 0; i < c->filters->len; i++) {
		struct cafe_filter *f = g_ptr_array_index(c->filters, i);

		if (f->s.id == id) {
			if (pos)
				*pos = i;
			return f;
		}
	}
	return NULL;
}

static void
filter_expire(struct sim *sim, void *ctx, void *arg)
{
	struct cafe_filter *f = ctx;
	struct cafe *c = f->cafe;
	sim_time_t now = sim_now(sim), since = f->packets ? f->last : f->created;
	struct cafe_expired x;
	char line[512];
	unsigned pos = 0;

	if (now - since < (sim_time_t)f->s.timeout_s * SIM_S) {
		sim_timer_set(sim, &f->idle, sim_time_add(since, (sim_time_t)f->s.timeout_s * SIM_S));
		return;
	}
	memset(&x, 0, sizeof(x));
	x.s = f->s;
	x.packets = f->packets;
	x.transferred_bytes = f->bytes;
	x.duration = f->packets ? f->last - f->first : 0;
	x.expired_at = now;
	g_array_append_val(c->expired, x);
	c->expired_total++;
	cafe_expired_fmt(&x, line, sizeof(line));
	entity_log(&c->e, LOG_INFO, "stream %" PRIu32 " expired: %s", f->s.id, line);
	filter_find(c, f->s.id, &pos);
	g_ptr_array_remove_index(c->filters, pos);
	free(f);
}

int
cafe_filter_add(struct cafe *c, const struct cafe_filter_spec *s, char *err, size_t errlen)
{
	struct cafe_filter *f;

	if (filter_find(c, s->id, NULL)) {
		snprintf(err, errlen, "stream id %" PRIu32 " already exists", s->id);
		return -1;
	}
	if (s->nkeys == 0) {
		snprintf(err, errlen, "empty key list");
		return -1;
	}
	if (s->src.af && s->dst.af && s->src.af != s->dst.af) {
		snprintf(err, errlen, "source and destination are of different IP versions");
		return -1;
	}
	f = calloc(1, sizeof(*f));
	f->s = *s;
	f->cafe = c;
	f->created = sim_now(c->node->net->sim);
	sim_timer_init(&f->idle, filter_expire, f, NULL);
	if (s->timeout_s)
		sim_timer_after(c->node->net->sim, &f->idle, (sim_time_t)s->timeout_s * SIM_S);
	g_ptr_array_add(c->filters, f);
	return 0;
}

int
cafe_filter_remove(struct cafe *c, uint32_t id)
{
	unsigned pos = 0;
	struct cafe_filter *f = filter_find(c, id, &pos);

	if (!f)
		return -1;
	sim_timer_cancel(c->node->net->sim, &f->idle);
	g_ptr_array_remove_index(c->filters, pos);
	free(f);
	return 0;
}

struct cafe_expired *
cafe_collect(struct cafe *c, size_t *n)
{
	struct cafe_expired *v;

	*n = c->expired->len;
	v = malloc((*n ? *n : 1) * sizeof(*v));
	if (*n)
		memcpy(v, c->expired->data, *n * sizeof(*v));
	g_array_set_size(c->expired, 0);
	return v;
}

void
cafe_expired_fmt(const struct cafe_expired *x, char *buf, size_t len)
{
	char src[ADDR_STRLEN], dst[ADDR_STRLEN], dur[32];

	snprintf(buf, len, "%" PRIu32 " %s %s %u %u %u %" PRIu64 " %u %s %" PRIu64 " %s",
		 x->s.id, x->s.src.af ? addr_fmt(&x->s.src, src) : "*",
		 x->s.dst.af ? addr_fmt(&x->s.dst, dst) : "*", x->s.proto, x->s.sport,
		 x->s.dport, x->s.bandwidth, x->s.cos, x->s.as_path[0] ? x->s.as_path : "-",
		 x->transferred_bytes, sim_time_fmt(x->duration, dur, sizeof(dur)));
}

/* ---- the data plane ---- */

/*
 * Count a frame a rule hands to its device: in the rule's frames and
 * bytes if it goes out, in its drops if the device (a VLAN's parent) or
 * the device's link is down, where iface_output and link_send will drop
 * it and count it on the node or the link as they do for every frame.
 */
static void
rule_count(struct cafe_rule *r, size_t len)
{
	const struct iface *ifc = r->ifc, *dev = ifc->kind == IF_VLAN ? ifc->parent : ifc;

	if (!ifc->up || !dev->up || (ifc->kind != IF_GRE && !dev->link)) {
		r->drops[CAFE_RULE_DROP_IFACE_DOWN]++;
	} else if (ifc->kind != IF_GRE && !dev->link->up) {
		r->drops[CAFE_RULE_DROP_LINK_DOWN]++;
	} else {
		r->frames++;
		r->bytes += len;
	}
}

/*
 * Forward a COMET frame (p->data at the header), received on `in` or just
 * made by interception (doc/comet-header.md):
 *  1. Drop it, counting the reason, if the header is truncated, the
 *     version is not 1, or index > length.
 *  2. If index < length: key = keys[index]; index := index + 1; look the
 *     key up; no rule: drop (comet_no_rule).  An ethernet rule sends on
 *     its device (802.1Q-tagged for a VLAN sub-interface) from the
 *     device's MAC to the rule's MAC; a device rule sends through the GRE
 *     tunnel, whose packets are routed to its remote end (the next hop's
 *     MAC resolved by ARP).
 *     A frame larger than the device's MTU is dropped (comet_mtu), and so
 *     is one for a tunnel whose remote end has no route (comet_no_route).
 *  3. If index == length: remove the header and hand the payload to IPv4
 *     or IPv6 by the next-protocol field; any other value: drop
 *     (comet_unknown_next_proto).
 * Returns whether the frame went on (forwarded or decapsulated).
 */
static bool
cafe_forward(struct cafe *c, struct iface *in, struct pkt *p)
{
	struct comet_hdr h;
	enum comet_err e = comet_parse(p->data, p->len, &h);
	struct counters *cnt = &c->cnt;

	uint32_t why;

	if (e != COMET_OK) {
		why = e == COMET_BAD_VERSION ? c->r_bad_version :
		      e == COMET_TRUNCATED ? c->r_truncated : c->r_index;
		goto drop;
	}
	if (h.index < h.length) {
		uint8_t key = h.keys[h.index];
		struct cafe_rule *r = &c->rules[key];

		if (r->kind == CAFE_RULE_NONE) {
			why = c->r_no_rule;
			goto drop;
		}
		if (p->len > r->ifc->mtu) {
			r->drops[CAFE_RULE_DROP_MTU]++;
			why = c->r_mtu;
			goto drop;
		}
		if (r->kind == CAFE_RULE_DEVICE && !route_lookup(c->node, &r->ifc->gre_remote)) {
			r->drops[CAFE_RULE_DROP_NO_ROUTE]++;
			why = c->r_no_route;
			goto drop;
		}
		p->data[3] = (uint8_t)(h.index + 1);
		rule_count(r, p->len);
		c->forwarded++;
		stats_tx(cnt, p->len);
		iface_output(r->ifc, ETHERTYPE_COMET, r->mac, p);
		return true;
	}
	if (h.next_proto != ETHERTYPE_IPV4 && h.next_proto != ETHERTYPE_IPV6) {
		why = c->r_next_proto;
		goto drop;
	}
	pkt_pull(p, comet_hdr_len(h.length));
	c->decapsulated++;
	ip_input(in, h.next_proto, p);
	return true;
drop:
	stats_drop(cnt, why);
	pkt_free(p);
	return false;
}

static void
cafe_comet_in(struct iface *in, void *ctx, struct pkt *p)
{
	struct cafe *c = ctx;

	c->comet_in++;
	stats_rx(&c->cnt, p->len);
	cafe_forward(c, in, p);
}

static bool
intercepts_on(const struct cafe *c, const struct iface *in)
{
	const char *s = c->intercept;
	size_t n = strlen(in->name);

	if (!s[0])
		return true;
	while (*s) {
		const char *end = strchr(s, ',');
		size_t len = end ? (size_t)(end - s) : strlen(s);

		if (len == n && strncmp(s, in->name, n) == 0)
			return true;
		if (!end)
			break;
		s = end + 1;
	}
	return false;
}

/* The 5-tuple of an IP packet; false if it is too short to say. */
static bool
five_tuple(const struct pkt *p, uint16_t type, struct addr *src, struct addr *dst,
	   uint8_t *proto, uint16_t *sport, uint16_t *dport)
{
	const uint8_t *h = p->data;
	size_t hlen;

	memset(src, 0, sizeof(*src));
	memset(dst, 0, sizeof(*dst));
	*sport = *dport = 0;
	if (type == ETHERTYPE_IPV4) {
		if (p->len < IPV4_HLEN || (h[0] >> 4) != 4)
			return false;
		hlen = (size_t)(h[0] & 0xf) * 4;
		src->af = dst->af = ADDR_V4;
		memcpy(src->a, h + 12, 4);
		memcpy(dst->a, h + 16, 4);
		*proto = h[9];
		if (rd16(h + 6) & 0x1fff)
			return true;	/* a later fragment has no ports */
	} else {
		if (p->len < IPV6_HLEN || (h[0] >> 4) != 6)
			return false;
		hlen = IPV6_HLEN;
		src->af = dst->af = ADDR_V6;
		memcpy(src->a, h + 8, 16);
		memcpy(dst->a, h + 24, 16);
		*proto = h[6];
	}
	if ((*proto == IPPROTO_UDP_ || *proto == IPPROTO_TCP_) && p->len >= hlen + 4) {
		*sport = rd16(h + hlen);
		*dport = rd16(h + hlen + 2);
	}
	return true;
}

static bool
filter_match(const struct cafe_filter_spec *s, const struct addr *src, const struct addr *dst,
	     uint8_t proto, uint16_t sport, uint16_t dport)
{
	if (s->src.af && !addr_eq(&s->src, src))
		return false;
	if (s->dst.af && !addr_eq(&s->dst, dst))
		return false;
	if ((s->src.af || s->dst.af) && (s->src.af ? s->src.af : s->dst.af) != src->af)
		return false;
	if (s->proto && s->proto != proto)
		return false;
	if (s->sport && s->sport != sport)
		return false;
	if (s->dport && s->dport != dport)
		return false;
	return true;
}

/*
 * An IP packet arrived: the first filter (in the order they were added)
 * that matches it takes it; it is encapsulated with the filter's keys and
 * class of service, index 0, and forwarded by the first key.  Other
 * packets go on to the IP stack as if the CAFE were not there.
 */
static void
cafe_ip_in(struct iface *in, void *ctx, struct pkt *p)
{
	struct cafe *c = ctx;
	uint16_t type = p->ethertype;
	struct addr src, dst;
	uint8_t proto = 0;
	uint16_t sport, dport;

	if (c->filters->len && intercepts_on(c, in) &&
	    five_tuple(p, type, &src, &dst, &proto, &sport, &dport)) {
		for (unsigned i = 0; i < c->filters->len; i++) {
			struct cafe_filter *f = g_ptr_array_index(c->filters, i);
			sim_time_t now;

			if (!filter_match(&f->s, &src, &dst, proto, sport, dport))
				continue;
			size_t len = p->len;	/* IP bytes: ether_demux cut the padding */

			now = sim_now(c->node->net->sim);
			c->intercepted++;
			comet_push(p, f->s.cos, f->s.keys, f->s.nkeys, type);
			if (!cafe_forward(c, in, p))
				return;
			/* The stream's record counts what the CAFE sent on. */
			if (!f->packets)
				f->first = now;
			f->last = now;
			f->packets++;
			f->bytes += len;
			return;
		}
	}
	c->passed++;
	ip_input(in, type, p);
}
