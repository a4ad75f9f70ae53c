/*
 * addr.h - IPv4 and IPv6 addresses and prefixes, MAC addresses.
 *
 * One type for both families so that routes, sockets and entity arguments
 * take either.  Bytes are kept in network order: an IPv4 address uses the
 * first 4 bytes of a[].
 */
#ifndef SIM_ADDR_H
#define SIM_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define ADDR_V4	4
#define ADDR_V6	6

struct addr {
	uint8_t af;		/* ADDR_V4 or ADDR_V6; 0 = unset */
	uint8_t a[16];
};

struct prefix {
	struct addr addr;	/* host bits cleared */
	uint8_t len;
};

#define ADDR_STRLEN	48
#define MAC_STRLEN	18

/* addr.c */

/* Parse "10.0.0.1" or "2001:db8::1"; 0 on success, -1 if malformed. */
int addr_parse(const char *s, struct addr *a);
/* Parse "10.0.0.0/8" or "2001:db8::/32"; a bare address gets /32 or /128. */
int prefix_parse(const char *s, struct prefix *p);
/*
 * Parse an address with an optional "/len" into address and length (host
 * bits kept).  The length is decimal digits without sign, blank or leading
 * zero, at most 32 (IPv4) or 128 (IPv6).
 */
int addr_plen_parse(const char *s, struct addr *a, uint8_t *plen);
/* Format into buf (ADDR_STRLEN bytes); returns buf. */
char *addr_fmt(const struct addr *a, char *buf);
char *prefix_fmt(const struct prefix *p, char *buf);
static inline bool
addr_eq(const struct addr *x, const struct addr *y)
{
	if (x->af != y->af)
		return false;
	if (x->af == ADDR_V4)
		return x->a[0] == y->a[0] && x->a[1] == y->a[1] && x->a[2] == y->a[2] &&
		       x->a[3] == y->a[3];
	return memcmp(x->a, y->a, 16) == 0;
}
/* Whether `a` falls inside the prefix. */
bool prefix_contains(const struct prefix *p, const struct addr *a);
/* Clear the host bits of a beyond plen. */
void addr_mask(struct addr *a, unsigned plen);
/* IPv4 address from a host-order integer. */
struct addr addr_v4(uint32_t host_order);
/* Host-order integer of an IPv4 address. */
uint32_t addr_v4_host(const struct addr *a);
bool addr_is_unset(const struct addr *a);

/* GLib hash and equality of struct addr pointers (neighbour and route tables). */
unsigned addr_hash(const void *a);
int addr_equal(const void *x, const void *y);

/* Parse "aa:bb:cc:dd:ee:ff" (also with '-'); 0 or -1. */
int mac_parse(const char *s, uint8_t mac[6]);
char *mac_fmt(const uint8_t mac[6], char *buf);

#endif /* SIM_ADDR_H */
