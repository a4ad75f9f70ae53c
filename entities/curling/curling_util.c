/*
 * curling_util.c - what the four classes of the coupled approach share:
 * argument parsing, addresses printed as D4.3 prints them ("2.2"), the
 * domain of an address (getAddressPrefix), the load-time checks of
 * addresses and port claims, sending a message, and generated content
 * bytes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "entities/curling/curling.h"
#include "sim/net.h"
#include "sim/rng.h"
#include "sim/scenario.h"

int
curling_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

int
curling_parse_addr(const char *s, uint32_t *addr)
{
	struct addr a;
	const char *p;
	int dots = 0;

	for (p = s; *p; p++) {
		if (*p == '.')
			dots++;
		else if (*p < '0' || *p > '9')
			return -1;
	}
	/* "N", "a.b" and "a.b.c" are node ids; four parts are an IPv4 literal. */
	if (dots == 3) {
		if (addr_parse(s, &a) < 0 || a.af != ADDR_V4)
			return -1;
	} else if (addr_from_node_id(s, &a) < 0) {
		return -1;
	}
	*addr = addr_v4_host(&a);
	return *addr ? 0 : -1;
}

int
curling_parse_port(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (!s[0] || s[0] < '0' || s[0] > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end || v == 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int
curling_parse_count(const char *s, unsigned max, unsigned *n)
{
	char *end;
	unsigned long v;

	if (!s[0] || s[0] < '0' || s[0] > '9')
		return -1;
	v = strtoul(s, &end, 10);
	if (*end || v > max)
		return -1;
	*n = (unsigned)v;
	return 0;
}

/*
 * "<digits>[.<digits>]<unit>" with the unit's scale in `units`: the value
 * times the scale, exactly (a result that is not a whole number is refused).
 */
struct unit_scale {
	const char *unit;
	uint64_t scale;
};

static int
parse_scaled(const char *s, const struct unit_scale *units, size_t nunits, uint64_t *out)
{
	unsigned __int128 mant = 0, div = 1, v;
	unsigned digits = 0;
	bool frac = false;
	const char *p = s;

	for (; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (++digits > 30)
				return -1;
			mant = mant * 10 + (unsigned)(*p - '0');
			if (frac)
				div *= 10;
		} else if (*p == '.' && !frac) {
			frac = true;
		} else {
			break;
		}
	}
	if (digits == 0)
		return -1;
	for (size_t i = 0; i < nunits; i++)
		if (strcmp(p, units[i].unit) == 0) {
			v = mant * units[i].scale;
			if (v % div != 0 || v / div > (unsigned __int128)INT64_MAX)
				return -1;
			*out = (uint64_t)(v / div);
			return 0;
		}
	return -1;
}

int
curling_parse_duration(const char *s, sim_time_t *t)
{
	static const struct unit_scale units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
	};
	uint64_t v;

	if (strcmp(s, "0") == 0) {
		*t = 0;
		return 0;
	}
	if (parse_scaled(s, units, G_N_ELEMENTS(units), &v) < 0)
		return -1;
	*t = (sim_time_t)v;
	return 0;
}

int
curling_parse_size(const char *s, uint64_t *bytes)
{
	static const struct unit_scale units[] = {
		{ "", 1 }, { "B", 1 }, { "KB", 1000 }, { "MB", 1000000 }, { "KiB", 1024 },
		{ "MiB", 1048576 },
	};

	return parse_scaled(s, units, G_N_ELEMENTS(units), bytes);
}

int
curling_parse_rate(const char *s, uint64_t *bps)
{
	static const struct unit_scale units[] = {
		{ "", 1 }, { "bps", 1 }, { "kbps", 1000 }, { "Kbps", 1000 }, { "Mbps", 1000000 },
		{ "Gbps", 1000000000 },
	};

	return parse_scaled(s, units, G_N_ELEMENTS(units), bps) < 0 || *bps == 0 ? -1 : 0;
}

char *
curling_fmt_addr(uint32_t addr, char *buf)
{
	if ((addr >> 16) == 0x0a00)
		snprintf(buf, CURLING_ADDRLEN, "%u.%u", (addr >> 8) & 255, addr & 255);
	else
		snprintf(buf, CURLING_ADDRLEN, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 255,
			 (addr >> 8) & 255, addr & 255);
	return buf;
}

uint32_t
curling_prefix(uint32_t addr)
{
	return addr & 0xffffff00u;
}

uint32_t
curling_node_addr(const struct node *n)
{
	if (n->router_id.af == ADDR_V4)
		return addr_v4_host(&n->router_id);
	for (unsigned i = 0; i < n->nifaces; i++) {
		const struct ifaddr *ia = iface_addr(n->ifaces[i], ADDR_V4);

		if (ia)
			return addr_v4_host(&ia->addr);
	}
	return 0;
}

bool
curling_addr_known(const struct net *net, uint32_t addr)
{
	struct addr a = addr_v4(addr);

	for (unsigned i = 0; i < net->nnodes; i++) {
		const struct node *n = net->nodes[i];

		if (addr_eq(&n->router_id, &a) || node_has_addr(n, &a))
			return true;
	}
	return false;
}

int
curling_check_known(const uint32_t *addrs, const char *const *roles, unsigned n,
		    entity_addr_known_fn addr_known, void *ctx, char *err, size_t errlen)
{
	char a[CURLING_ADDRLEN], full[ADDR_STRLEN];

	for (unsigned i = 0; i < n; i++) {
		struct addr x = addr_v4(addrs[i]);

		if (addr_known(ctx, &x))
			continue;
		curling_fmt_addr(addrs[i], a);
		addr_fmt(&x, full);
		if (strcmp(a, full) == 0)
			return curling_err(err, errlen, "%s %s is not in the topology", roles[i], a);
		return curling_err(err, errlen, "%s %s (%s) is not in the topology", roles[i], a,
				   full);
	}
	return 0;
}

unsigned
curling_check_addrs(struct entity *e, const char *who, const uint32_t *addrs,
		    const char *const *roles, unsigned n)
{
	char a[CURLING_ADDRLEN];
	unsigned bad = 0;

	for (unsigned i = 0; i < n; i++)
		if (!curling_addr_known(e->node->net, addrs[i])) {
			entity_log(e, LOG_ERROR, "%s: %s %s is not in the topology: messages to it "
				   "will be dropped (no_route)", who, roles[i],
				   curling_fmt_addr(addrs[i], a));
			bad++;
		}
	return bad;
}

/*
 * The load-time port claims: "node life port" -> owner; an entity started
 * again after its router was ended and started (a later life) may take
 * the port back.  Only lookups by key; nothing iterates over the table,
 * so its order never reaches output.
 */
static GHashTable *claims;

int
curling_port_claim(const char *node, uint16_t port, const void *owner)
{
	const struct entity *e = owner;
	char *key = g_strdup_printf("%s %u %u", node, e->node_life, port);
	const void *held;

	if (!claims)
		claims = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	held = g_hash_table_lookup(claims, key);
	if (held && held != owner) {
		g_free(key);
		return -1;
	}
	g_hash_table_insert(claims, key, (void *)owner);
	return 0;
}

static gboolean
claim_is_owner(gpointer key, gpointer value, gpointer owner)
{
	return value == owner;
}

void
curling_port_release(const void *owner)
{
	if (!claims)
		return;
	g_hash_table_foreach_remove(claims, claim_is_owner, (gpointer)owner);
	if (g_hash_table_size(claims) == 0) {
		g_hash_table_destroy(claims);
		claims = NULL;
	}
}

int
curling_send(struct udp_sock *s, uint32_t addr, uint16_t port, const struct cmsg *m)
{
	uint8_t buf[CMSG_MAX_LEN];
	struct addr dst = addr_v4(addr);
	int len;

	if (!s)
		return -1;
	len = cmsg_encode(m, buf, sizeof(buf));
	if (len < 0)
		return -1;
	return udp_sendto_buf(s, &dst, port, buf, (size_t)len);
}

uint8_t *
curling_content_generate(const char *id, uint64_t seed, uint64_t size)
{
	uint8_t *b = g_malloc(size ? size : 1);
	char name[CMSG_ID_MAX + 16];
	struct rng r;
	uint64_t i = 0;

	snprintf(name, sizeof(name), "content/%s", id);
	rng_init(&r, seed, 0, name);
	while (i < size) {
		uint64_t v = rng_u64(&r);

		for (int k = 0; k < 8 && i < size; k++, i++, v >>= 8)
			b[i] = (uint8_t)v;
	}
	return b;
}
