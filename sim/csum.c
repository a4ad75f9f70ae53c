/*
 * csum.c - the Internet checksum (RFC 1071, RFC 1624) and the IPv4 and
 * IPv6 header writers that use it.
 */
#include <string.h>

#include "sim/wire.h"

/*
 * The one's-complement sum does not depend on byte order (RFC 1071,
 * section 2(B)): on a little-endian machine, sum the data as native
 * 64-bit words with end-around carry, fold to 16 bits, and swap the two
 * bytes to get the sum of the big-endian 16-bit words.
 */
uint32_t
csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t s = 0, w;
	uint32_t w32;
	uint16_t w16;

	while (len >= 8) {
		memcpy(&w, p, 8);
		s += w;
		s += s < w;
		p += 8;
		len -= 8;
	}
	if (len >= 4) {
		memcpy(&w32, p, 4);
		s += w32;
		s += s < w32;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&w16, p, 2);
		s += w16;
		s += s < w16;
		p += 2;
		len -= 2;
	}
	if (len) {
		s += p[0];
		s += s < p[0];
	}
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return sum + (uint32_t)(((s & 0xff) << 8) | (s >> 8));
#else
	uint64_t s = sum;

	while (len >= 2) {
		s += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
	}
	if (len)
		s += (uint32_t)p[0] << 8;
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
#endif
}

uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t
csum(const void *data, size_t len)
{
	return csum_fold(csum_add(0, data, len));
}

uint32_t
csum_pseudo(const struct addr *src, const struct addr *dst, uint8_t proto, uint32_t len)
{
	uint32_t s = 0;
	size_t alen = src->af == ADDR_V4 ? 4 : 16;

	s = csum_add(s, src->a, alen);
	s = csum_add(s, dst->a, alen);
	if (src->af == ADDR_V4) {
		s += proto;
		s += len;
	} else {
		s += len >> 16;
		s += len & 0xffff;
		s += proto;
	}
	return s;
}

uint16_t
csum_update16(uint16_t check, uint16_t old, uint16_t new_)
{
	/* HC' = ~(~HC + ~m + m') */
	uint32_t s = (uint16_t)~check + (uint16_t)~old + (uint32_t)new_;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

void
ipv4_hdr_write(uint8_t *h, uint16_t total_len, uint16_t id, uint8_t ttl,
	       uint8_t proto, const struct addr *src, const struct addr *dst)
{
	h[0] = 0x45;		/* version 4, IHL 5 */
	h[1] = 0;		/* DSCP/ECN */
	wr16(h + 2, total_len);
	wr16(h + 4, id);
	wr16(h + 6, 0x4000);	/* DF: the emulator does not fragment */
	h[8] = ttl;
	h[9] = proto;
	wr16(h + 10, 0);
	memcpy(h + 12, src->a, 4);
	memcpy(h + 16, dst->a, 4);
	wr16(h + 10, csum(h, IPV4_HLEN));
}

void
ipv6_hdr_write(uint8_t *h, uint16_t payload_len, uint8_t next, uint8_t hop_limit,
	       const struct addr *src, const struct addr *dst)
{
	h[0] = 0x60;
	h[1] = 0;
	h[2] = 0;
	h[3] = 0;
	wr16(h + 4, payload_len);
	h[6] = next;
	h[7] = hop_limit;
	memcpy(h + 8, src->a, 16);
	memcpy(h + 24, dst->a, 16);
}
