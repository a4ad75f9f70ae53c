/*
 * tools.c - cf_tool and ci_tool, the CAFE's configuration tools (D4.3
 * section 5.3.3), run as script events on a node:
 *
 *   ON_ROUTER cafe1 cf_tool add_ethernet <key> <dev> <dst-mac>|peer
 *   ON_ROUTER cafe1 cf_tool add_device <key> <dev>
 *   ON_ROUTER cafe1 cf_tool remove <key>
 *   ON_ROUTER cafe1 cf_tool get [<key>]     (the rule, then its statistics)
 *   ON_ROUTER cafe1 ci_tool add <id> <timeout> <src> <dst> <proto> <sport> <dport> <keys> [<cos>]
 *   ON_ROUTER cafe1 ci_tool remove <id>
 *   ON_ROUTER cafe1 ci_tool collect
 *
 * Every argument is checked when the scenario loads; what can only be
 * known on the node (does the device exist, is the id taken) is checked
 * when the tool runs, and an error is printed to the log as the real
 * tools print it on their terminal.  A key is one byte in hex ("a7",
 * "05"); a key list is hex, two digits a key; an address "*" (or
 * 0.0.0.0, ::) and a protocol or port 0 match anything; the class of
 * service is 0 (best effort, the default), 1 (BTBE) or 2 (PR).  The
 * word "peer" in place of a MAC (the project's extension) is the MAC of
 * the interface at the other end of the device's link, read when the
 * tool runs, so that a generated configuration needs no MAC worked out
 * by hand.  doc/stateless-cafe.md shows every line the tools print.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "entities/cafe/cafe.h"
#include "sim/units.h"

/* ---- argument parsing shared with the CAFE agent ---- */

static int
parse_any_addr(const char *s, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	if (strcmp(s, "*") == 0 || strcmp(s, "0.0.0.0") == 0 || strcmp(s, "::") == 0)
		return 0;
	return addr_parse(s, a);
}

int
cafe_filter_spec_parse(int argc, char **argv, struct cafe_filter_spec *s, char *err,
		       size_t errlen)
{
	static const char *const names[] = { "id", "timeout", "source address",
		"destination address", "protocol", "source port", "destination port",
		"key list", "class of service" };
	static const uint64_t max[] = { UINT32_MAX, 86400u * 365, 0, 0, 255, 65535, 65535, 0, 2 };
	uint64_t v[9] = { 0 };
	sim_time_t t;
	int n;

	memset(s, 0, sizeof(*s));
	if (argc < 8 || argc > 9) {
		snprintf(err, errlen, "expected <id> <timeout> <src> <dst> <proto> <sport> <dport> "
			 "<keys> [<cos>], got %d arguments", argc);
		return -1;
	}
	for (int i = 0; i < argc; i++) {
		if (i == 2 || i == 3) {
			if (parse_any_addr(argv[i], i == 2 ? &s->src : &s->dst) < 0)
				goto bad;
		} else if (i == 7) {
			n = comet_keys_parse(argv[i], s->keys, COMET_MAX_KEYS);
			if (n < 0)
				goto bad;
			s->nkeys = (uint8_t)n;
		} else if (i == 1) {
			/* Whole seconds on the wire: a bare number is seconds. */
			if (units_duration(names[i], argv[i], UNITS_BARE_S | UNITS_WHOLE_S, 0,
					   (sim_time_t)max[i] * SIM_S, &t, err, errlen) < 0)
				return -1;
			v[i] = (uint64_t)(t / SIM_S);
		} else if (units_uint(names[i], argv[i], 0, max[i], &v[i], err, errlen) < 0) {
			return -1;
		}
		continue;
bad:
		snprintf(err, errlen, "bad %s \"%s\"", names[i], argv[i]);
		return -1;
	}
	if (s->src.af && s->dst.af && s->src.af != s->dst.af) {
		snprintf(err, errlen, "source %s and destination %s are of different IP versions",
			 argv[2], argv[3]);
		return -1;
	}
	s->id = (uint32_t)v[0];
	s->timeout_s = (uint32_t)v[1];
	s->proto = (uint8_t)v[4];
	s->sport = (uint16_t)v[5];
	s->dport = (uint16_t)v[6];
	s->cos = (uint8_t)v[8];
	snprintf(s->as_path, sizeof(s->as_path), "-");
	return 0;
}

/* ---- cf_tool ---- */

enum cf_op { CF_ADD_ETHERNET, CF_ADD_DEVICE, CF_REMOVE, CF_GET };

struct cf_tool {
	struct entity e;
	enum cf_op op;
	int key;		/* -1: all (get) */
	char dev[IFNAME_MAX];
	uint8_t mac[6];
	bool peer;		/* add_ethernet ... peer: mac is resolved when the tool runs */
};

static int
cf_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	struct cf_tool *t = (struct cf_tool *)e;
	static const struct {
		const char *name;
		enum cf_op op;
		int min, max;
	} ops[] = {
		{ "add_ethernet", CF_ADD_ETHERNET, 4, 4 },
		{ "add_device", CF_ADD_DEVICE, 3, 3 },
		{ "remove", CF_REMOVE, 2, 2 },
		{ "get", CF_GET, 1, 2 },
	};
	size_t i;

	if (argc < 1) {
		snprintf(err, errlen, "missing command (usage: %s)", e->cls->usage);
		return -1;
	}
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(argv[0], ops[i].name) == 0)
			break;
	if (i == sizeof(ops) / sizeof(ops[0])) {
		snprintf(err, errlen, "unknown command \"%s\" (add_ethernet, add_device, remove, get)",
			 argv[0]);
		return -1;
	}
	if (argc < ops[i].min || argc > ops[i].max) {
		snprintf(err, errlen, "%s: wrong number of arguments (usage: %s)", argv[0],
			 e->cls->usage);
		return -1;
	}
	t->op = ops[i].op;
	t->key = -1;
	if (argc >= 2 && (t->key = comet_key_parse(argv[1])) < 0) {
		snprintf(err, errlen, "bad key \"%s\": one byte in hex, e.g. a7", argv[1]);
		return -1;
	}
	if (argc >= 3) {
		if (strlen(argv[2]) >= IFNAME_MAX || !argv[2][0]) {
			snprintf(err, errlen, "bad device \"%s\"", argv[2]);
			return -1;
		}
		snprintf(t->dev, sizeof(t->dev), "%s", argv[2]);
	}
	if (argc == 4 && strcmp(argv[3], "peer") == 0) {
		t->peer = true;
	} else if (argc == 4 && mac_parse(argv[3], t->mac) < 0) {
		snprintf(err, errlen, "bad MAC address \"%s\" (aa:11:b0:00:00:01, or peer)",
			 argv[3]);
		return -1;
	}
	return 0;
}

/*
 * The interface at the other end of dev's link, for "add_ethernet ...
 * peer": an Ethernet device's own link, a VLAN sub-interface's parent's
 * link (the tag does not change who is at the other end).  A link that
 * is down still has its two ends, so it resolves: frames sent on it are
 * dropped as on any link that is down.  NULL with err when dev is not
 * there, is a GRE tunnel or has no link.
 */
static const struct iface *
cf_peer(const struct cafe *c, const char *dev, char *err, size_t errlen)
{
	const struct iface *ifc = node_iface(c->node, dev), *eth;

	if (!ifc) {
		snprintf(err, errlen, "no device %s on %s", dev, c->node->name);
		return NULL;
	}
	if (ifc->kind == IF_GRE) {
		snprintf(err, errlen, "%s is a GRE tunnel: use add_device", dev);
		return NULL;
	}
	eth = ifc->kind == IF_VLAN ? ifc->parent : ifc;
	if (!eth->link) {
		if (eth != ifc)
			snprintf(err, errlen, "%s has no peer: its parent %s has no link", dev,
				 eth->name);
		else
			snprintf(err, errlen, "%s has no peer: it has no link", dev);
		return NULL;
	}
	return eth->link->end[1 - eth->link_side];
}

static void
cf_start(struct entity *e)
{
	struct cf_tool *t = (struct cf_tool *)e;
	struct cafe *c = cafe_get(e->node);
	char err[256], line[256], st[256], mac[MAC_STRLEN];
	const struct iface *peer = NULL;
	int n = 0;

	if (!c) {
		entity_log(e, LOG_ERROR, "cannot load a CAFE on %s", e->node->name);
		return;
	}
	switch (t->op) {
	case CF_ADD_ETHERNET:
		if (t->peer && !(peer = cf_peer(c, t->dev, err, sizeof(err))))
			entity_log(e, LOG_WARN, "error: %s", err);
		else if (cafe_rule_add_ethernet(c, (uint8_t)t->key, t->dev,
						peer ? peer->mac : t->mac, err, sizeof(err)) < 0)
			entity_log(e, LOG_WARN, "error: %s", err);
		else if (peer)
			entity_log(e, LOG_INFO, "rule %02x added: ethernet %s %s (peer %s %s)",
				   t->key, t->dev, mac_fmt(peer->mac, mac), peer->node->name,
				   peer->name);
		else
			entity_log(e, LOG_INFO, "rule %02x added: ethernet %s %s", t->key, t->dev,
				   mac_fmt(t->mac, mac));
		break;
	case CF_ADD_DEVICE:
		if (cafe_rule_add_device(c, (uint8_t)t->key, t->dev, err, sizeof(err)) < 0)
			entity_log(e, LOG_WARN, "error: %s", err);
		else
			entity_log(e, LOG_INFO, "rule %02x added: device %s", t->key, t->dev);
		break;
	case CF_REMOVE:
		if (cafe_rule_remove(c, (uint8_t)t->key) < 0)
			entity_log(e, LOG_WARN, "error: no rule for key %02x", t->key);
		else
			entity_log(e, LOG_INFO, "rule %02x removed", t->key);
		break;
	case CF_GET:
		for (int k = 0; k < 256; k++) {
			if ((t->key >= 0 && k != t->key) || c->rules[k].kind == CAFE_RULE_NONE)
				continue;
			cafe_rule_fmt(c, (uint8_t)k, line, sizeof(line));
			cafe_rule_stats_fmt(c, (uint8_t)k, st, sizeof(st));
			entity_log(e, LOG_INFO, "%s %s", line, st);
			n++;
		}
		if (t->key >= 0 && n == 0)
			entity_log(e, LOG_INFO, "%02x: no rule", t->key);
		else if (t->key < 0)
			entity_log(e, LOG_INFO, "%d rules", n);
		break;
	}
}

const struct entity_class cf_tool_class = {
	.name = "cf_tool",
	.kind = "cf_tool",
	.usage = "add_ethernet <key> <dev> <dst-mac>|peer | add_device <key> <dev> | remove <key> | get [<key>]",
	.inst_size = sizeof(struct cf_tool),
	.init = cf_init,
	.start = cf_start,
};

/* ---- ci_tool ---- */

enum ci_op { CI_ADD, CI_REMOVE, CI_COLLECT };

struct ci_tool {
	struct entity e;
	enum ci_op op;
	struct cafe_filter_spec spec;
};

static int
ci_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	struct ci_tool *t = (struct ci_tool *)e;
	uint64_t id;

	if (argc >= 1 && strcmp(argv[0], "add") == 0) {
		t->op = CI_ADD;
		return cafe_filter_spec_parse(argc - 1, argv + 1, &t->spec, err, errlen);
	}
	if (argc >= 1 && strcmp(argv[0], "remove") == 0) {
		if (argc != 2) {
			snprintf(err, errlen, "remove: expected one numeric id");
			return -1;
		}
		if (units_uint("id", argv[1], 0, UINT32_MAX, &id, err, errlen) < 0)
			return -1;
		t->op = CI_REMOVE;
		t->spec.id = (uint32_t)id;
		return 0;
	}
	if (argc == 1 && strcmp(argv[0], "collect") == 0) {
		t->op = CI_COLLECT;
		return 0;
	}
	snprintf(err, errlen, "expected add, remove or collect (usage: %s)", e->cls->usage);
	return -1;
}

static void
ci_start(struct entity *e)
{
	struct ci_tool *t = (struct ci_tool *)e;
	struct cafe *c = cafe_get(e->node);
	char err[256], line[512], keys[2 * COMET_MAX_KEYS + 1];
	char src[ADDR_STRLEN], dst[ADDR_STRLEN];
	struct cafe_expired *x;
	size_t n;

	if (!c) {
		entity_log(e, LOG_ERROR, "cannot load a CAFE on %s", e->node->name);
		return;
	}
	switch (t->op) {
	case CI_ADD:
		if (cafe_filter_add(c, &t->spec, err, sizeof(err)) < 0) {
			entity_log(e, LOG_WARN, "error: %s", err);
			break;
		}
		entity_log(e, LOG_INFO,
			   "filter %" PRIu32 " added: %s -> %s proto %u ports %u -> %u keys %s cos %u timeout %" PRIu32 " s",
			   t->spec.id, t->spec.src.af ? addr_fmt(&t->spec.src, src) : "*",
			   t->spec.dst.af ? addr_fmt(&t->spec.dst, dst) : "*", t->spec.proto,
			   t->spec.sport, t->spec.dport,
			   comet_keys_fmt(t->spec.keys, t->spec.nkeys, keys), t->spec.cos,
			   t->spec.timeout_s);
		break;
	case CI_REMOVE:
		if (cafe_filter_remove(c, t->spec.id) < 0)
			entity_log(e, LOG_WARN, "error: no filter %" PRIu32, t->spec.id);
		else
			entity_log(e, LOG_INFO, "filter %" PRIu32 " removed", t->spec.id);
		break;
	case CI_COLLECT:
		x = cafe_collect(c, &n);
		entity_log(e, LOG_INFO, "%zu expired streams", n);
		for (size_t i = 0; i < n; i++) {
			cafe_expired_fmt(&x[i], line, sizeof(line));
			entity_log(e, LOG_INFO, "%s", line);
		}
		free(x);
		break;
	}
}

const struct entity_class ci_tool_class = {
	.name = "ci_tool",
	.kind = "ci_tool",
	.usage = "add <id> <timeout> <src> <dst> <proto> <sport> <dport> <keys> [<cos>] | remove <id> | collect",
	.inst_size = sizeof(struct ci_tool),
	.init = ci_init,
	.start = ci_start,
};
