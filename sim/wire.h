/*
 * wire.h - byte layouts of the frame formats the engine speaks, and the
 * Internet checksum.
 *
 * Accessors read and write fields at fixed offsets in network byte order,
 * never through packed structs, so the code is the byte diagram.
 */
#ifndef SIM_WIRE_H
#define SIM_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "sim/addr.h"

static inline uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
wr32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#define IPV4_HLEN	20
#define IPV6_HLEN	40
#define UDP_HLEN	8
#define GRE_HLEN	4
#define ARP_LEN		28
#define ICMP_HLEN	8

/* csum.c */

/* One's-complement sum of len bytes added to sum (not folded). */
uint32_t csum_add(uint32_t sum, const void *data, size_t len);
/* Fold a 32-bit sum into 16 bits and complement it. */
uint16_t csum_fold(uint32_t sum);
/* Internet checksum of a buffer (RFC 1071). */
uint16_t csum(const void *data, size_t len);
/* The IPv4 or IPv6 pseudo-header sum for an upper-layer checksum. */
uint32_t csum_pseudo(const struct addr *src, const struct addr *dst,
		     uint8_t proto, uint32_t len);
/*
 * Update a checksum field after a 16-bit word changed from old to new
 * (RFC 1624, eqn. 3).
 */
uint16_t csum_update16(uint16_t check, uint16_t old, uint16_t new_);

/* Write an IPv4 header at h (IPV4_HLEN bytes) with its checksum. */
void ipv4_hdr_write(uint8_t *h, uint16_t total_len, uint16_t id, uint8_t ttl,
		    uint8_t proto, const struct addr *src, const struct addr *dst);
/* Write an IPv6 header at h (IPV6_HLEN bytes). */
void ipv6_hdr_write(uint8_t *h, uint16_t payload_len, uint8_t next, uint8_t hop_limit,
		    const struct addr *src, const struct addr *dst);

#endif /* SIM_WIRE_H */
