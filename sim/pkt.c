/*
 * pkt.c - the packet pool.
 *
 * Two size classes cover every frame the emulator makes: 2 KiB buffers
 * for standard MTUs and 16 KiB ones for jumbo frames; anything larger is
 * allocated exactly and freed directly.  Freed buffers go back to their
 * class's free list, so steady-state forwarding never calls malloc.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/pkt.h"

#define NCLASS 2
static const uint32_t class_cap[NCLASS] = { 2048 - sizeof(struct pkt), 16384 - sizeof(struct pkt) };
#define CLASS_HUGE 255

static struct pkt *free_list[NCLASS];
static uint64_t outstanding;
static uint64_t slow_copies;
static uint64_t next_uid;

struct pkt *
pkt_alloc(size_t len)
{
	size_t need = PKT_HEADROOM + len + PKT_TAILROOM;
	struct pkt *p = NULL;
	uint8_t cls = CLASS_HUGE;
	uint32_t cap;

	for (uint8_t c = 0; c < NCLASS; c++)
		if (need <= class_cap[c]) {
			cls = c;
			break;
		}
	if (cls != CLASS_HUGE) {
		cap = class_cap[cls];
		p = free_list[cls];
		if (p)
			free_list[cls] = p->next;
		else
			p = malloc(sizeof(*p) + cap);
	} else {
		cap = (uint32_t)need;
		p = malloc(sizeof(*p) + cap);
	}
	if (!p) {
		fprintf(stderr, "cometsim: out of memory for packets\n");
		abort();
	}
	p->cap = cap;
	p->size_class = cls;
	p->data = p->buf + PKT_HEADROOM;
	p->len = 0;
	p->next = NULL;
	p->in_if = NULL;
	p->uid = ++next_uid;
	p->ethertype = 0;
	p->mark = 0;
	p->when = 0;
	outstanding++;
	return p;
}

struct pkt *
pkt_from(const void *src, size_t len)
{
	struct pkt *p = pkt_alloc(len);

	memcpy(p->data, src, len);
	p->len = (uint32_t)len;
	return p;
}

struct pkt *
pkt_clone(const struct pkt *p)
{
	struct pkt *q = pkt_alloc(p->len);
	size_t head = pkt_headroom(p);

	if (head <= pkt_headroom(q))
		q->data = q->buf + head;
	memcpy(q->data, p->data, p->len);
	q->len = p->len;
	q->in_if = p->in_if;
	q->ethertype = p->ethertype;
	q->mark = p->mark;
	return q;
}

void
pkt_free(struct pkt *p)
{
	if (!p)
		return;
	assert(outstanding > 0);
	outstanding--;
	if (p->size_class == CLASS_HUGE) {
		free(p);
		return;
	}
	p->next = free_list[p->size_class];
	free_list[p->size_class] = p;
}

void
pkt_pool_drain(void)
{
	for (int c = 0; c < NCLASS; c++) {
		struct pkt *p, *next;

		for (p = free_list[c]; p; p = next) {
			next = p->next;
			free(p);
		}
		free_list[c] = NULL;
	}
}

uint64_t
pkt_outstanding(void)
{
	return outstanding;
}

uint64_t
pkt_slow_copies(void)
{
	return slow_copies;
}

uint8_t *
pkt_push(struct pkt *p, size_t n)
{
	if (pkt_headroom(p) < n) {
		size_t free_total = p->cap - p->len;
		uint8_t *dst;

		if (free_total < n) {
			fprintf(stderr, "cometsim: packet buffer overflow (push %zu)\n", n);
			abort();
		}
		/* Leave half the spare room in front for further pushes. */
		dst = p->buf + n + (free_total - n) / 2;
		memmove(dst, p->data, p->len);
		p->data = dst;
		slow_copies++;
	}
	p->data -= n;
	p->len += (uint32_t)n;
	return p->data;
}

uint8_t *
pkt_pull(struct pkt *p, size_t n)
{
	if (p->len < n)
		return NULL;
	p->data += n;
	p->len -= (uint32_t)n;
	return p->data;
}

uint8_t *
pkt_put(struct pkt *p, size_t n)
{
	uint8_t *tail;

	if (pkt_tailroom(p) < n) {
		size_t free_total = p->cap - p->len;
		uint8_t *dst;

		if (free_total < n) {
			fprintf(stderr, "cometsim: packet buffer overflow (put %zu)\n", n);
			abort();
		}
		dst = p->buf + (free_total - n) / 2;
		memmove(dst, p->data, p->len);
		p->data = dst;
		slow_copies++;
	}
	tail = p->data + p->len;
	p->len += (uint32_t)n;
	return tail;
}

void
pkt_trim(struct pkt *p, size_t n)
{
	if (p->len > n)
		p->len = (uint32_t)n;
}
