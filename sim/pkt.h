/*
 * pkt.h - packet buffers with headroom, from a pool.
 *
 * A packet is one contiguous buffer; `data` points at the first valid
 * byte and `len` counts the valid bytes.  Headers are pushed in front of
 * the data (encapsulation) and pulled off it (decapsulation) by moving
 * `data`, so the payload is never copied.  Buffers come from per-size
 * free lists, so the forwarding path does not call malloc once the pool
 * has warmed up.
 */
#ifndef SIM_PKT_H
#define SIM_PKT_H

#include <stddef.h>
#include <stdint.h>

#define PKT_HEADROOM	384	/* 802.1Q Ethernet + IPv6 + GRE + COMET with 255 keys */
#define PKT_TAILROOM	64	/* kept free after the data at allocation */

struct iface;

struct pkt {
	uint8_t *data;		/* first valid byte */
	uint32_t len;		/* valid bytes from data */
	uint32_t cap;		/* bytes in buf[] */
	struct pkt *next;	/* queues and the free list */
	struct iface *in_if;	/* interface it arrived on, or NULL */
	uint64_t uid;		/* unique id, for tracing */
	uint16_t ethertype;	/* protocol of the data, as last demultiplexed */
	uint8_t size_class;	/* pool it returns to */
	uint8_t ttl;		/* IP TTL or hop limit as received, set before local delivery */
	uint32_t mark;		/* free for the current owner's use */
	int64_t when;		/* free for the current owner's use (a link: arrival time) */
	uint64_t key;		/* free for the current owner's use (a link: its event key, sim_key()) */
	uint8_t buf[];
};

/* pkt.c */

/* A packet with room for `len` bytes of data after PKT_HEADROOM; len set to 0. */
struct pkt *pkt_alloc(size_t len);
/* A packet holding a copy of `len` bytes of `src`. */
struct pkt *pkt_from(const void *src, size_t len);
/* A deep copy of `p`, with the same headroom. */
struct pkt *pkt_clone(const struct pkt *p);
/* Return a packet to its pool; NULL is ignored. */
void pkt_free(struct pkt *p);
/* Release every pooled buffer (end of run, leak checks). */
void pkt_pool_drain(void);
/* Packets currently allocated and not freed (leak checks in tests). */
uint64_t pkt_outstanding(void);

/* Room in front of data. */
static inline size_t
pkt_headroom(const struct pkt *p)
{
	return (size_t)(p->data - p->buf);
}

/* Room after the data. */
static inline size_t
pkt_tailroom(const struct pkt *p)
{
	return p->cap - pkt_headroom(p) - p->len;
}

/*
 * Prepend n bytes and return a pointer to them.  If the headroom is short
 * the data is moved back into the tailroom (one copy, counted as a slow
 * path); a packet with no room at all is a bug and aborts.
 */
uint8_t *pkt_push(struct pkt *p, size_t n);
/* Remove n bytes from the front; returns the new data pointer, NULL if len < n. */
uint8_t *pkt_pull(struct pkt *p, size_t n);
/* Append n bytes and return a pointer to them (moves data forward if needed). */
uint8_t *pkt_put(struct pkt *p, size_t n);
/* Cut the packet to n bytes (no-op if already shorter). */
void pkt_trim(struct pkt *p, size_t n);
/* Number of times a push or put had to move the data. */
uint64_t pkt_slow_copies(void);

#endif /* SIM_PKT_H */
