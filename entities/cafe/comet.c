/*
 * comet.c - encoding and parsing the COMET header (comet.h).
 */
#include <stdio.h>
#include <string.h>

#include "entities/cafe/comet.h"
#include "sim/wire.h"

enum comet_err
comet_parse(const uint8_t *p, size_t len, struct comet_hdr *h)
{
	if (len < COMET_HLEN)
		return COMET_TRUNCATED;
	h->version = p[0];
	h->cos = p[1];
	h->length = p[2];
	h->index = p[3];
	h->next_proto = rd16(p + 4);
	h->keys = p + COMET_HLEN;
	if (h->version != COMET_VERSION)
		return COMET_BAD_VERSION;
	if (len < comet_hdr_len(h->length))
		return COMET_TRUNCATED;
	if (h->index > h->length)
		return COMET_INDEX_BEYOND_LENGTH;
	return COMET_OK;
}

void
comet_write(uint8_t *buf, uint8_t cos, uint8_t index, const uint8_t *keys, uint8_t nkeys,
	    uint16_t next_proto)
{
	buf[0] = COMET_VERSION;
	buf[1] = cos;
	buf[2] = nkeys;
	buf[3] = index;
	wr16(buf + 4, next_proto);
	memcpy(buf + COMET_HLEN, keys, nkeys);
}

uint8_t *
comet_push(struct pkt *p, uint8_t cos, const uint8_t *keys, uint8_t nkeys,
	   uint16_t next_proto)
{
	uint8_t *h = pkt_push(p, comet_hdr_len(nkeys));

	comet_write(h, cos, 0, keys, nkeys, next_proto);
	return h;
}

static int
hexdigit(char c)
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
comet_keys_parse(const char *hex, uint8_t *keys, size_t max)
{
	size_t n = strlen(hex);

	if (n == 0 || n % 2 || n / 2 > max)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexdigit(hex[2 * i]), lo = hexdigit(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		keys[i] = (uint8_t)(hi << 4 | lo);
	}
	return (int)(n / 2);
}

char *
comet_keys_fmt(const uint8_t *keys, unsigned n, char *buf)
{
	for (unsigned i = 0; i < n; i++)
		snprintf(buf + 2 * i, 3, "%02x", keys[i]);
	buf[2 * n] = '\0';
	return buf;
}

int
comet_key_parse(const char *s)
{
	int v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 2)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int d = hexdigit(s[i]);

		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

const char *
comet_err_name(enum comet_err e)
{
	switch (e) {
	case COMET_OK:
		return "ok";
	case COMET_TRUNCATED:
		return "comet_truncated";
	case COMET_BAD_VERSION:
		return "comet_bad_version";
	case COMET_INDEX_BEYOND_LENGTH:
		return "comet_index_beyond_length";
	}
	return "comet_unknown";
}
