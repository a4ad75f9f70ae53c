/*
 * apps.c - what the traffic applications share: the payload header of
 * usr.applications.Send, and the splitter and parsers of their arguments.
 *
 * Numbers, durations, sizes and rates are read by sim/units.h, as every
 * value of the program is.
 *
 * Destinations follow the curling emulator's convention
 * (doc/scenario-format.md, "Curling scripts"): a router id N stands for the
 * address 10.N>>16.N>>8.N
 * (8 bits each), "a.b" for 10.0.a.b and "a.b.c" for 10.a.b.c, mapped
 * by nodeid_parse() (entities/nodeid.h), as the scenario loader maps them.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "entities/apps/apps.h"
#include "entities/nodeid.h"
#include "sim/wire.h"

void
app_payload_fill(uint8_t *buf, size_t len, uint32_t seq, sim_time_t sent)
{
	uint8_t hdr[APP_HDR_LEN];
	size_t i;

	memcpy(hdr, APP_MAGIC, 4);
	wr32(hdr + 4, seq);
	wr32(hdr + 8, (uint32_t)((uint64_t)sent >> 32));
	wr32(hdr + 12, (uint32_t)sent);
	for (i = 0; i < len && i < APP_HDR_LEN; i++)
		buf[i] = hdr[i];
	for (; i < len; i++)
		buf[i] = (uint8_t)(seq + i);
}

int
app_hdr_read(const uint8_t *buf, size_t len, struct app_hdr *h)
{
	if (len < APP_HDR_LEN)
		return -1;
	if (memcmp(buf, APP_MAGIC, 4) != 0)
		return -2;
	h->seq = rd32(buf + 4);
	h->sent = (sim_time_t)((uint64_t)rd32(buf + 8) << 32 | rd32(buf + 12));
	return 0;
}

int
app_parse_dst(const char *s, struct addr *a)
{
	static const uint8_t zero[16];

	if (!s || !*s)
		return -1;
	/* Four dotted parts are never a node id. */
	if (nodeid_parse(s, a) == 0)
		return 0;
	if (addr_parse(s, a) < 0)
		return -1;
	/* 0.0.0.0 and :: name no destination. */
	if (memcmp(a->a, zero, a->af == ADDR_V4 ? 4 : 16) == 0)
		return -1;
	return 0;
}

char *
app_fmt_ms(sim_time_t ns, char *buf, size_t len)
{
	int64_t us = ns >= 0 ? (ns + 500) / 1000 : -((-ns + 500) / 1000);
	int64_t mag = us < 0 ? -us : us;

	snprintf(buf, len, "%s%" PRId64 ".%03" PRId64, us < 0 ? "-" : "",
		 mag / 1000, mag % 1000);
	return buf;
}

int
app_args_split(int argc, char **argv, const char *usage,
	       const char *const *pos_names, int npos, const char **pos,
	       const char *const *opt_names, int nopt, const char **opt,
	       char *err, size_t errlen)
{
	int n = 0;

	for (int k = 0; k < nopt; k++)
		opt[k] = NULL;
	for (int i = 0; i < argc; i++) {
		const char *eq = strchr(argv[i], '=');
		int k;

		if (!eq) {
			if (n == npos)
				return entity_err(err, errlen, "unexpected argument \"%s\" (usage: %s)",
						  argv[i], usage);
			pos[n++] = argv[i];
			continue;
		}
		for (k = 0; k < nopt; k++)
			if (strlen(opt_names[k]) == (size_t)(eq - argv[i]) &&
			    strncmp(argv[i], opt_names[k], (size_t)(eq - argv[i])) == 0)
				break;
		if (k == nopt)
			return entity_err(err, errlen, "unknown option \"%s\" (usage: %s)", argv[i],
					  usage);
		if (opt[k])
			return entity_err(err, errlen, "option \"%s\" given twice", opt_names[k]);
		opt[k] = eq + 1;
	}
	if (n < npos)
		return entity_err(err, errlen, "missing %s (usage: %s)", pos_names[n], usage);
	return 0;
}

