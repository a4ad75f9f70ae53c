/*
 * cafe.h - the stateless CAFE of the decoupled approach (D4.3 chapter 5):
 * forwarding by the keys of the COMET header (cafe_forward), interception
 * of IP packets at the edge (cafe_intercept), and the tables cf_tool,
 * ci_tool and the CAFE agent configure.
 *
 * The CAFE of a node is an entity (class usr.stateless.Cafe, alias
 * "cafe") whose tables hang on the node under the key "cafe", as the
 * real kernel modules' tables hang on the kernel: cf_tool and ci_tool
 * reach them through cafe_get(), which loads a CAFE with the default
 * options on a node that has none yet (the real tools need the modules
 * loaded; here using a tool loads them).
 *
 * The header lists prototypes grouped by the file that defines them.
 */
#ifndef ENTITIES_CAFE_CAFE_H
#define ENTITIES_CAFE_CAFE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "entities/cafe/comet.h"
#include "sim/entity.h"
#include "sim/net.h"

enum cafe_rule_kind {
	CAFE_RULE_NONE = 0,
	CAFE_RULE_ETHERNET,	/* cf_tool add_ethernet: device (Ethernet or VLAN) + MAC */
	CAFE_RULE_DEVICE,	/* cf_tool add_device: a GRE tunnel device */
};

/*
 * Why a frame whose key has a rule did not go out by it: the CAFE's own
 * drops (comet_mtu, comet_no_route), and the device or its link found
 * down when the rule was used (the node or the link drops the frame and
 * counts it as before; the rule counts it here instead of in frames).
 */
enum cafe_rule_drop {
	CAFE_RULE_DROP_MTU,
	CAFE_RULE_DROP_NO_ROUTE,
	CAFE_RULE_DROP_IFACE_DOWN,
	CAFE_RULE_DROP_LINK_DOWN,
	CAFE_RULE_NDROPS
};

/* The names of enum cafe_rule_drop, as the drop reasons are named. */
extern const char *const cafe_rule_drop_names[CAFE_RULE_NDROPS];

/*
 * A rule and its statistics (doc/stateless-cafe.md, "Statistics"): they
 * start at zero when the rule is added, stay when the same rule (kind,
 * device, MAC) is added again, start at zero again when a different one
 * replaces it, and go with it when it is removed.
 */
struct cafe_rule {
	enum cafe_rule_kind kind;
	struct iface *ifc;
	uint8_t mac[6];		/* CAFE_RULE_ETHERNET */
	uint64_t frames, bytes;	/* sent out of its device by this rule (COMET bytes) */
	uint64_t drops[CAFE_RULE_NDROPS];
};

/* A packet filter: what ci_tool add and the agent's CONFIGURE_STREAM give. */
struct cafe_filter_spec {
	uint32_t id;
	uint32_t timeout_s;	/* idle timeout in seconds; 0: never expires */
	struct addr src, dst;	/* af 0: any */
	uint8_t proto;		/* 0: any */
	uint16_t sport, dport;	/* 0: any */
	uint8_t cos;
	uint8_t nkeys;
	uint8_t keys[COMET_MAX_KEYS];
	uint64_t bandwidth;	/* from the agent; 0 from ci_tool */
	char as_path[128];	/* from the agent; "-" from ci_tool */
};

struct cafe_filter {
	struct cafe_filter_spec s;
	struct cafe *cafe;
	sim_time_t created, first, last;	/* first, last: of the packets matched */
	uint64_t packets, bytes;
	struct sim_timer idle;
};

/* An expired stream, with D4.3's fields (section 5.2.3). */
struct cafe_expired {
	struct cafe_filter_spec s;
	uint64_t packets;
	uint64_t transferred_bytes;
	sim_time_t duration;	/* first to last packet matched */
	sim_time_t expired_at;
};

struct cafe {
	struct entity e;
	struct node *node;
	char intercept[256];	/* interfaces to intercept on, comma separated; "" = all */
	bool auto_loaded;	/* loaded by a tool: the node frees it */
	bool hooked;
	struct cafe_rule rules[256];	/* indexed by key */
	GPtrArray *filters;	/* struct cafe_filter*, in the order added */
	GArray *expired;	/* struct cafe_expired, not yet collected */
	struct counters cnt;	/* kind "cafe": COMET frames in and out, drops */
	bool cnt_registered;
	uint32_t r_bad_version, r_truncated, r_index, r_no_rule, r_next_proto, r_mtu, r_no_route;
	uint64_t comet_in, forwarded, intercepted, decapsulated, passed, expired_total;
};

extern const struct entity_class cafe_class;

/* cafe.c */

/* The node's CAFE, loaded with the default options if it has none. */
struct cafe *cafe_get(struct node *n);
/* Add or replace the rule of a key; -1 with err set if the device is wrong. */
int cafe_rule_add_ethernet(struct cafe *c, uint8_t key, const char *dev,
			   const uint8_t mac[6], char *err, size_t errlen);
int cafe_rule_add_device(struct cafe *c, uint8_t key, const char *dev, char *err,
			 size_t errlen);
/* Remove the rule of a key; -1 if there is none. */
int cafe_rule_remove(struct cafe *c, uint8_t key);
/* One line describing the rule of a key ("a7 ethernet eth1 aa:11:b0:00:00:01"). */
void cafe_rule_fmt(const struct cafe *c, uint8_t key, char *buf, size_t len);
/*
 * The rule's statistics as cf_tool get prints them after the rule:
 * "frames 100 bytes 23400", then " drop_REASON N" for each drop reason
 * that is not zero.
 */
void cafe_rule_stats_fmt(const struct cafe *c, uint8_t key, char *buf, size_t len);
/* Add a filter; -1 with err set (duplicate id, no keys, mixed families). */
int cafe_filter_add(struct cafe *c, const struct cafe_filter_spec *s, char *err,
		    size_t errlen);
/* Remove a filter without making an expired record; -1 if there is none. */
int cafe_filter_remove(struct cafe *c, uint32_t id);
/* Hand over the expired records not yet collected; *n gets their number. */
struct cafe_expired *cafe_collect(struct cafe *c, size_t *n);
/* D4.3's form: <id> <src> <dst> <proto> <sport> <dport> <bandwidth> <cos> <as_path> <bytes> <duration>. */
void cafe_expired_fmt(const struct cafe_expired *x, char *buf, size_t len);

/* tools.c */

/*
 * Parse "<id> <timeout> <src> <dst> <proto> <sport> <dport> <keys> [<cos>]"
 * (ci_tool add's arguments).  0 or -1 with err naming the bad argument.
 */
int cafe_filter_spec_parse(int argc, char **argv, struct cafe_filter_spec *s, char *err,
			   size_t errlen);
extern const struct entity_class cf_tool_class;
extern const struct entity_class ci_tool_class;

#endif /* ENTITIES_CAFE_CAFE_H */
