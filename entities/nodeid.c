/*
 * nodeid.c - the curling emulator's node ids as IPv4 addresses
 * (nodeid.h; doc/scenario-format.md, "Curling scripts").
 */
#include <stdint.h>

#include "entities/nodeid.h"
#include "sim/addr.h"

/*
 * The address of a node id: "N" is 10.(N>>16).(N>>8).N with each part
 * taken modulo 256 (N < 2^24), "a.b" is 10.0.a.b, "a.b.c" is 10.a.b.c,
 * every part a decimal number up to 255.  Returns 0, or -1 if id has
 * none of these forms.
 */
int
nodeid_parse(const char *id, struct addr *out)
{
	uint32_t part[3];
	unsigned n = 0;
	const char *p = id;

	for (;;) {
		uint32_t v = 0;
		const char *start = p;

		if (n == 3)
			return -1;
		while (*p >= '0' && *p <= '9') {
			v = v * 10 + (uint32_t)(*p - '0');
			if (v > 0xffffff)
				return -1;
			p++;
		}
		if (p == start || p - start > 8)
			return -1;
		part[n++] = v;
		if (*p == '\0')
			break;
		if (*p != '.')
			return -1;
		p++;
	}
	switch (n) {
	case 1:
		*out = addr_v4(0x0a000000u | part[0]);
		return 0;
	case 2:
		if (part[0] > 255 || part[1] > 255)
			return -1;
		*out = addr_v4(0x0a000000u | part[0] << 8 | part[1]);
		return 0;
	default:
		if (part[0] > 255 || part[1] > 255 || part[2] > 255)
			return -1;
		*out = addr_v4(0x0a000000u | part[0] << 16 | part[1] << 8 | part[2]);
		return 0;
	}
}
