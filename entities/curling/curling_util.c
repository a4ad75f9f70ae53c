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
#include "entities/nodeid.h"
#include "sim/net.h"
#include "sim/rng.h"
#include "sim/units.h"


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
	} else if (nodeid_parse(s, &a) < 0) {
		return -1;
	}
	*addr = addr_v4_host(&a);
	return *addr ? 0 : -1;
}

int
curling_parse_port(const char *what, const char *s, uint16_t *port, char *err, size_t errlen)
{
	uint64_t v;

	if (units_uint(what, s, 1, 65535, &v, err, errlen) < 0)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int
curling_opt_once(char **argv, int from, int i, char *err, size_t errlen)
{
	const char *eq = strchr(argv[i], '=');
	size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);

	for (int k = from; k < i; k++)
		if (strncmp(argv[k], argv[i], n) == 0 && (argv[k][n] == '=' || argv[k][n] == '\0'))
			return entity_err(err, errlen, "option \"%.*s\" given twice", (int)n, argv[i]);
	return 0;
}

int
curling_parse_count(const char *what, const char *s, unsigned min, unsigned max, unsigned *n,
		    char *err, size_t errlen)
{
	uint64_t v;

	if (units_uint(what, s, min, max, &v, err, errlen) < 0)
		return -1;
	*n = (unsigned)v;
	return 0;
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
			return entity_err(err, errlen, "%s %s is not in the topology", roles[i], a);
		return entity_err(err, errlen, "%s %s (%s) is not in the topology", roles[i], a,
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

static int
port_claim(const char *node, const char *proto, uint16_t port, const void *owner)
{
	const struct entity *e = owner;
	char *key = g_strdup_printf("%s %u %s%u", node, e->node_life, proto, port);
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

int
curling_port_claim(const char *node, uint16_t port, const void *owner)
{
	return port_claim(node, "", port, owner);
}

int
curling_tcp_port_claim(const char *node, uint16_t port, const void *owner)
{
	return port_claim(node, "tcp ", port, owner);
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

void
curling_sock_source(struct udp_sock *s, const struct node *n)
{
	if (s && n->router_id.af == ADDR_V4)
		udp_set_source(s, &n->router_id);
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
