/*
 * apps.c - what the traffic applications share: the payload header of
 * usr.applications.Send, and the parsers of their arguments (numbers,
 * durations, rates, destinations).
 *
 * Durations and rates are parsed exactly, in integers: "1.5ms" is
 * 1500000 ns and "0.5ns" is refused, never rounded through a double.
 * Destinations follow the curling emulator's convention (REFERENCE.md
 * section 4): a router id N stands for the address 10.N>>16.N>>8.N
 * (8 bits each), "a.b" for 10.0.a.b and "a.b.c" for 10.a.b.c, mapped
 * by the scenario loader's addr_from_node_id() so that both agree.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "entities/apps/apps.h"
#include "sim/scenario.h"
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
app_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

/*
 * The decimal number in s[0..n) ("12", "1.5", ".25", "3.") times
 * `scale`, if that is a whole number no larger than INT64_MAX.
 */
static int
parse_scaled(const char *s, size_t n, uint64_t scale, uint64_t *out)
{
	unsigned __int128 ip = 0, frac = 0, pow10 = 1, v;
	size_t i = 0, nfrac = 0, digits = 0;

	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
		ip = ip * 10 + (unsigned)(s[i] - '0');
		if (ip > INT64_MAX)
			return -1;
	}
	if (i < n && s[i] == '.') {
		size_t end = n;

		/* Trailing zeros of the fraction change nothing. */
		while (end > i + 1 && s[end - 1] == '0')
			end--;
		for (i++; i < end && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
			if (++nfrac > 18)
				return -1;
			frac = frac * 10 + (unsigned)(s[i] - '0');
			pow10 *= 10;
		}
		for (; i < n && s[i] == '0'; i++)
			digits++;
	}
	if (i != n || digits == 0)
		return -1;
	if ((frac * scale) % pow10 != 0)
		return -1;
	v = ip * scale + frac * scale / pow10;
	if (v > INT64_MAX)
		return -1;
	*out = (uint64_t)v;
	return 0;
}

/* Length of the leading number (digits and '.') of s. */
static size_t
number_len(const char *s)
{
	size_t n = 0;

	while ((s[n] >= '0' && s[n] <= '9') || s[n] == '.')
		n++;
	return n;
}

int
app_parse_duration(const char *s, sim_time_t *out)
{
	static const struct {
		const char *unit;
		uint64_t ns;
	} units[] = {
		{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
	};
	size_t n;
	uint64_t v;

	if (!s)
		return -1;
	if (strcmp(s, "0") == 0) {
		*out = 0;
		return 0;
	}
	n = number_len(s);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcmp(s + n, units[i].unit) == 0) {
			if (parse_scaled(s, n, units[i].ns, &v) < 0)
				return -1;
			*out = (sim_time_t)v;
			return 0;
		}
	return -1;
}

int
app_parse_rate(const char *s, uint64_t *bps)
{
	static const struct {
		const char *unit;
		uint64_t bps;
	} units[] = {
		{ "", 1 }, { "bps", 1 }, { "kbps", 1000 }, { "mbps", 1000000 },
		{ "gbps", 1000000000 }, { "tbps", 1000000000000ULL },
	};
	size_t n;
	uint64_t v;

	if (!s)
		return -1;
	n = number_len(s);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strcasecmp(s + n, units[i].unit) == 0) {
			if (parse_scaled(s, n, units[i].bps, &v) < 0 || v == 0)
				return -1;
			*bps = v;
			return 0;
		}
	return -1;
}

int
app_parse_dst(const char *s, struct addr *a)
{
	static const uint8_t zero[16];

	if (!s || !*s)
		return -1;
	/* Four dotted parts are never a node id. */
	if (addr_from_node_id(s, a) == 0)
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
				return app_err(err, errlen, "unexpected argument \"%s\" (usage: %s)",
					       argv[i], usage);
			pos[n++] = argv[i];
			continue;
		}
		for (k = 0; k < nopt; k++)
			if (strlen(opt_names[k]) == (size_t)(eq - argv[i]) &&
			    strncmp(argv[i], opt_names[k], (size_t)(eq - argv[i])) == 0)
				break;
		if (k == nopt)
			return app_err(err, errlen, "unknown option \"%s\" (usage: %s)", argv[i],
				       usage);
		if (opt[k])
			return app_err(err, errlen, "option \"%s\" given twice", opt_names[k]);
		opt[k] = eq + 1;
	}
	if (n < npos)
		return app_err(err, errlen, "missing %s (usage: %s)", pos_names[n], usage);
	return 0;
}

int
app_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}
