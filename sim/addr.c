/*
 * addr.c - parsing and formatting addresses and prefixes.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "sim/addr.h"

int
addr_parse(const char *s, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	if (strchr(s, ':')) {
		if (inet_pton(AF_INET6, s, a->a) != 1)
			return -1;
		a->af = ADDR_V6;
		return 0;
	}
	if (inet_pton(AF_INET, s, a->a) != 1)
		return -1;
	a->af = ADDR_V4;
	return 0;
}

int
addr_plen_parse(const char *s, struct addr *a, uint8_t *plen)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);

	if (n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (addr_parse(buf, a) < 0)
		return -1;
	if (slash) {
		const char *d = slash + 1;
		unsigned l = 0;

		/* Decimal digits only: "/+24", "/ 24" and "/024" are typing slips. */
		if (d[0] < '0' || d[0] > '9' || (d[0] == '0' && d[1] != '\0'))
			return -1;
		for (; *d; d++) {
			if (*d < '0' || *d > '9')
				return -1;
			l = l * 10 + (unsigned)(*d - '0');
			if (l > (a->af == ADDR_V4 ? 32u : 128u))
				return -1;
		}
		*plen = (uint8_t)l;
	} else {
		*plen = a->af == ADDR_V4 ? 32 : 128;
	}
	return 0;
}

int
prefix_parse(const char *s, struct prefix *p)
{
	if (addr_plen_parse(s, &p->addr, &p->len) < 0)
		return -1;
	addr_mask(&p->addr, p->len);
	return 0;
}

/*
 * An IPv4 address in dotted decimal, the text inet_ntop() writes, by
 * hand: the RAEs format every prefix of every update they send, and
 * inet_ntop's printf machinery was a tenth of an Internet-scale run.
 */
static void
v4_fmt(const uint8_t *b, char *buf)
{
	char *p = buf;

	for (int i = 0; i < 4; i++) {
		unsigned v = b[i];

		if (i)
			*p++ = '.';
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
	}
	*p = '\0';
}

char *
addr_fmt(const struct addr *a, char *buf)
{
	if (a->af == ADDR_V4)
		v4_fmt(a->a, buf);
	else if (a->af == ADDR_V6)
		inet_ntop(AF_INET6, a->a, buf, ADDR_STRLEN);
	else
		strcpy(buf, "-");
	return buf;
}

char *
prefix_fmt(const struct prefix *p, char *buf)
{
	size_t n;

	addr_fmt(&p->addr, buf);
	n = strlen(buf);
	snprintf(buf + n, ADDR_STRLEN - n, "/%u", p->len);
	return buf;
}

void
addr_mask(struct addr *a, unsigned plen)
{
	unsigned bytes = a->af == ADDR_V4 ? 4 : 16;

	for (unsigned i = 0; i < bytes; i++) {
		if (plen >= 8) {
			plen -= 8;
			continue;
		}
		a->a[i] &= (uint8_t)(0xff00u >> plen);
		plen = 0;
	}
	if (a->af == ADDR_V4)
		memset(a->a + 4, 0, 12);
}

bool
prefix_contains(const struct prefix *p, const struct addr *a)
{
	struct addr m = *a;

	if (a->af != p->addr.af)
		return false;
	addr_mask(&m, p->len);
	return addr_eq(&m, &p->addr);
}

struct addr
addr_v4(uint32_t h)
{
	struct addr a;

	memset(&a, 0, sizeof(a));
	a.af = ADDR_V4;
	a.a[0] = (uint8_t)(h >> 24);
	a.a[1] = (uint8_t)(h >> 16);
	a.a[2] = (uint8_t)(h >> 8);
	a.a[3] = (uint8_t)h;
	return a;
}

uint32_t
addr_v4_host(const struct addr *a)
{
	return (uint32_t)a->a[0] << 24 | (uint32_t)a->a[1] << 16 |
	       (uint32_t)a->a[2] << 8 | a->a[3];
}

bool
addr_is_unset(const struct addr *a)
{
	return a->af == 0;
}

unsigned
addr_hash(const void *p)
{
	const struct addr *a = p;
	unsigned n = a->af == ADDR_V4 ? 4 : 16;
	uint32_t h = 2166136261u ^ a->af;

	for (unsigned i = 0; i < n; i++)
		h = (h ^ a->a[i]) * 16777619u;
	return h;
}

int
addr_equal(const void *x, const void *y)
{
	return addr_eq(x, y);
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
mac_parse(const char *s, uint8_t mac[6])
{
	char sep;

	if (strlen(s) != 17)
		return -1;
	sep = s[2];
	if (sep != ':' && sep != '-')
		return -1;
	for (int i = 0; i < 6; i++) {
		int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != sep))
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

char *
mac_fmt(const uint8_t mac[6], char *buf)
{
	snprintf(buf, MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
	return buf;
}
