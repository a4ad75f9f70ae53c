/*
 * fuzz_comet.c - the COMET header parser (entities/cafe/comet.c,
 * doc/comet-header.md) and the hex key lists of cf_tool and ci_tool.
 *
 * A header the parser accepts must be what comet_write writes for its
 * fields, byte for byte; a key list must survive formatting and parsing
 * again.  The same bytes, as text, go to the key-list parsers.
 */
#include <string.h>

#include <glib.h>

#include "entities/cafe/comet.h"
#include "tests/fuzz/fuzz.h"

static void
keys_text(const uint8_t *data, size_t size)
{
	char *s = g_strndup((const char *)data, size);
	uint8_t keys[COMET_MAX_KEYS], again[COMET_MAX_KEYS];
	char hex[2 * COMET_MAX_KEYS + 1];
	int n = comet_keys_parse(s, keys, sizeof(keys)), k;

	if (n >= 0) {
		FUZZ_CHECK(n >= 1 && n <= COMET_MAX_KEYS && strlen(s) == 2 * (size_t)n);
		comet_keys_fmt(keys, (unsigned)n, hex);
		FUZZ_CHECK(g_ascii_strcasecmp(hex, s) == 0);
		FUZZ_CHECK(comet_keys_parse(hex, again, sizeof(again)) == n);
		FUZZ_CHECK(memcmp(keys, again, (size_t)n) == 0);
	}
	k = comet_key_parse(s);
	FUZZ_CHECK(k >= -1 && k <= 255);
	g_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[COMET_HLEN + COMET_MAX_KEYS];
	struct comet_hdr h;
	enum comet_err e = comet_parse(data, size, &h);

	FUZZ_CHECK(comet_err_name(e) != NULL);
	if (e == COMET_OK) {
		fuzz_verdict = FUZZ_ACCEPTED;
		FUZZ_CHECK(h.version == COMET_VERSION && h.index <= h.length);
		FUZZ_CHECK(size >= comet_hdr_len(h.length) && h.keys == data + COMET_HLEN);
		comet_write(out, h.cos, h.index, h.keys, h.length, h.next_proto);
		FUZZ_CHECK(memcmp(out, data, comet_hdr_len(h.length)) == 0);
	} else {
		fuzz_verdict = FUZZ_REJECTED;
		FUZZ_CHECK(size < COMET_HLEN || data[0] != COMET_VERSION ||
			   size < comet_hdr_len(data[2]) || data[3] > data[2]);
	}
	keys_text(data, size);
	return 0;
}
