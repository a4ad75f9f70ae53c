/*
 * units.c - one grammar for the values a user writes (units.h).
 *
 *   value  = number [unit]
 *   number = digits ["." [digits]] | "." digits
 *
 * No sign, no blank anywhere, the unit right after the number and spelt
 * as the tables below spell it (case matters: "MB" is not "mb").  The
 * number is read digit by digit into 128-bit integers and multiplied by
 * the unit's scale exactly; the result must be a whole number of the
 * kind's integer unit (ns, byte, bit/s).  Probabilities alone go through
 * a double, converted by g_ascii_strtod() so the locale never matters.
 * doc/scenario-format.md ("Values") is the user's description of this
 * file; keep them together.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "sim/units.h"

typedef unsigned __int128 u128;

/* Significant digits a number may have before and after its point. */
#define INT_DIGITS	20
#define FRAC_DIGITS	24

struct unit {
	const char *name;
	uint64_t scale;		/* the unit in the kind's integer unit */
};

struct kind {
	const char *base;	/* the integer unit, plural: "nanoseconds" */
	const char *expect;	/* the grammar, shortly, for messages */
	const struct unit *units;
	char *(*fmt)(uint64_t v, char *buf, size_t len);
};

static const struct unit dur_units[] = {
	{ "ns", 1 }, { "us", 1000 }, { "ms", 1000000 }, { "s", 1000000000 },
	{ "min", UINT64_C(60000000000) }, { "h", UINT64_C(3600000000000) },
	{ NULL, 0 },
};

static const struct unit size_units[] = {
	{ "B", 1 },
	{ "kB", 1000 }, { "KB", 1000 }, { "k", 1000 }, { "K", 1000 },
	{ "MB", 1000000 }, { "M", 1000000 },
	{ "GB", 1000000000 }, { "G", 1000000000 },
	{ "TB", UINT64_C(1000000000000) }, { "T", UINT64_C(1000000000000) },
	{ "KiB", UINT64_C(1) << 10 }, { "MiB", UINT64_C(1) << 20 },
	{ "GiB", UINT64_C(1) << 30 }, { "TiB", UINT64_C(1) << 40 },
	{ NULL, 0 },
};

static const struct unit rate_units[] = {
	{ "bps", 1 }, { "bit/s", 1 },
	{ "kbps", 1000 }, { "Kbps", 1000 }, { "kbit/s", 1000 }, { "k", 1000 }, { "K", 1000 },
	{ "Mbps", 1000000 }, { "Mbit/s", 1000000 }, { "M", 1000000 },
	{ "Gbps", 1000000000 }, { "Gbit/s", 1000000000 }, { "G", 1000000000 },
	{ "Tbps", UINT64_C(1000000000000) }, { "Tbit/s", UINT64_C(1000000000000) },
	{ "T", UINT64_C(1000000000000) },
	{ NULL, 0 },
};

static char *fmt_duration_u(uint64_t v, char *buf, size_t len);
static char *fmt_size_u(uint64_t v, char *buf, size_t len);
static char *fmt_rate_u(uint64_t v, char *buf, size_t len);

static const struct kind k_duration = {
	"nanoseconds",
	"a duration is a number and a unit: ns, us, ms, s, min or h, as in 1.5ms",
	dur_units, fmt_duration_u,
};

static const struct kind k_size = {
	"bytes",
	"a size is a number of bytes, or a number and a unit: B, kB, MB, GB, TB "
	"(powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024), as in 64KiB",
	size_units, fmt_size_u,
};

static const struct kind k_rate = {
	"bit/s",
	"a rate is a number of bit/s, or a number and a unit: bps, kbps, Mbps, Gbps "
	"or Tbps (powers of 1000), as in 10Mbps",
	rate_units, fmt_rate_u,
};

/*
 * The one wording: WHAT "VALUE": PROBLEM.  Returns -1 for the caller to
 * return.
 */
static int __attribute__((format(printf, 5, 6)))
fail(char *err, size_t errlen, const char *what, const char *s, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	if (!err || errlen == 0)
		return -1;
	if (what && *what)
		snprintf(err, errlen, "%s \"%s\": ", what, s ? s : "");
	else
		snprintf(err, errlen, "\"%s\": ", s ? s : "");
	n = strlen(err);
	if (n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * What every kind refuses the same way before it reads a number: an
 * empty value, a blank (with the value to write instead), a sign.
 * Returns 0 when s may be a value.
 */
static int
check_form(const char *what, const char *s, const char *expect, char *err, size_t errlen)
{
	if (!s || *s == '\0')
		return fail(err, errlen, what, s, "empty (%s)", expect);
	if (strpbrk(s, " \t\n\r\v\f")) {
		char fix[64];
		size_t n = 0;

		for (const char *p = s; *p && n + 1 < sizeof(fix); p++)
			if (!g_ascii_isspace(*p))
				fix[n++] = *p;
		fix[n] = '\0';
		return fail(err, errlen, what, s, "no blank may stand in a value (write %s)",
			    n ? fix : "the value alone");
	}
	if (s[0] == '-' && (g_ascii_isdigit(s[1]) || s[1] == '.'))
		return fail(err, errlen, what, s, "negative (%s)", expect);
	return 0;
}

/* A number as read: integer part, significant fraction digits. */
struct number {
	u128 ip;		/* integer part */
	u128 fp;		/* fraction digits, trailing zeros dropped */
	u128 fdiv;		/* 10^(number of digits in fp) */
	bool int_long;		/* more than INT_DIGITS significant digits */
	bool frac_long;		/* more than FRAC_DIGITS significant digits */
	const char *end;	/* first character after the number */
};

/* Read the number at s; 0, or -1 if s does not start with one. */
static int
scan_number(const char *s, struct number *n)
{
	const char *p = s, *fend;
	unsigned idigits = 0, fdigits = 0;
	bool any = false;

	memset(n, 0, sizeof(*n));
	n->fdiv = 1;
	for (; g_ascii_isdigit(*p); p++) {
		any = true;
		if (n->ip == 0 && *p == '0')
			continue;
		if (++idigits > INT_DIGITS) {
			n->int_long = true;
			continue;
		}
		n->ip = n->ip * 10 + (unsigned)(*p - '0');
	}
	if (*p == '.') {
		const char *f = ++p;

		while (g_ascii_isdigit(*p))
			p++;
		any = any || p > f;
		fend = p;
		while (fend > f && fend[-1] == '0')
			fend--;
		for (; f < fend; f++) {
			if (++fdigits > FRAC_DIGITS) {
				n->frac_long = true;
				break;
			}
			n->fp = n->fp * 10 + (unsigned)(*f - '0');
			n->fdiv *= 10;
		}
	}
	if (!any)
		return -1;
	n->end = p;
	return 0;
}

/*
 * A bare number with a decimal exponent written out without it, in buf:
 * "1.5e6" is "1500000", "5e-2" is "0.05".  e points at the 'e' that ends
 * the number at s.  0, or -1 with the message in err.
 */
static int
expand_exponent(const char *what, const char *s, const char *e, const char *expect,
		char *buf, size_t len, char *err, size_t errlen)
{
	char dig[80];
	size_t nd = 0, point = 0, o = 0;
	long x = 0, np;
	bool neg = false;
	const char *p = e + 1;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (!g_ascii_isdigit(*p))
		return fail(err, errlen, what, s, "not a number (%s)", expect);
	for (; g_ascii_isdigit(*p); p++)
		if ((x = x * 10 + (*p - '0')) > 60)
			return fail(err, errlen, what, s, "exponent out of range (%s)", expect);
	if (*p != '\0')
		return fail(err, errlen, what, s, "no unit may follow an exponent (%s)", expect);
	for (const char *q = s; q < e; q++) {
		if (*q == '.') {
			point = nd;
			continue;
		}
		if (nd + 1 >= sizeof(dig))
			return fail(err, errlen, what, s, "too many digits (%s)", expect);
		dig[nd++] = *q;
	}
	if (!memchr(s, '.', (size_t)(e - s)))
		point = nd;
	np = (long)point + (neg ? -x : x);
	/* At most 79 digits, 61 zeros and a point: buf has 160 bytes. */
	g_assert(len >= 160);
	if (np <= 0) {
		buf[o++] = '0';
		buf[o++] = '.';
		for (long i = 0; i < -np; i++)
			buf[o++] = '0';
		memcpy(buf + o, dig, nd);
		o += nd;
	} else if ((size_t)np >= nd) {
		memcpy(buf, dig, nd);
		o = nd;
		for (size_t i = nd; i < (size_t)np; i++)
			buf[o++] = '0';
	} else {
		memcpy(buf, dig, (size_t)np);
		o = (size_t)np;
		buf[o++] = '.';
		memcpy(buf + o, dig + np, nd - (size_t)np);
		o += nd - (size_t)np;
	}
	buf[o] = '\0';
	return 0;
}

/*
 * The common parser of durations, sizes and rates: the value in the
 * kind's integer unit; `expect` tells the grammar in messages.  `bare`
 * is the scale of a number without a unit (0: only a zero may go without
 * one), `step` a scale the value must be a multiple of (1 for any), named
 * `step_name` in the message.
 */
static int
parse_scaled(const struct kind *k, const char *expect, const char *what, const char *s,
	     uint64_t bare, bool bare_exp, uint64_t step, const char *step_name, uint64_t min,
	     uint64_t max, uint64_t *out, char *err, size_t errlen)
{
	char plain[160];
	const char *why_max = k == &k_duration && max == (uint64_t)SIM_TIME_LIMIT ?
			      ", the longest time a run may reach" : "";
	const struct unit *u = NULL;
	struct number n;
	uint64_t scale;
	u128 v, frac;
	char lim[48];

	if (check_form(what, s, expect, err, errlen) < 0)
		return -1;
	if (scan_number(s, &n) < 0)
		return fail(err, errlen, what, s, "not a number (%s)", expect);
	if (bare_exp && bare && (*n.end == 'e' || *n.end == 'E')) {
		if (expand_exponent(what, s, n.end, expect, plain, sizeof(plain), err,
				    errlen) < 0)
			return -1;
		if (scan_number(plain, &n) < 0 || *n.end != '\0')
			return fail(err, errlen, what, s, "not a number (%s)", expect);
	}
	if (*n.end != '\0') {
		for (u = k->units; u->name; u++)
			if (strcmp(u->name, n.end) == 0)
				break;
		if (!u->name)
			return fail(err, errlen, what, s, "unknown unit \"%s\" (%s)", n.end,
				    expect);
		scale = u->scale;
	} else if (bare) {
		scale = bare;
	} else if (n.ip == 0 && n.fp == 0 && !n.int_long && !n.frac_long) {
		scale = 1;
	} else {
		return fail(err, errlen, what, s, "no unit (%s)", expect);
	}
	if (n.int_long)
		return fail(err, errlen, what, s, "too large (at most %s%s)",
			    k->fmt(max, lim, sizeof(lim)), why_max);
	if (n.frac_long)
		return fail(err, errlen, what, s, "more than %d digits after the point",
			    FRAC_DIGITS);
	frac = n.fp * scale;
	if (frac % n.fdiv != 0)
		return fail(err, errlen, what, s, "not a whole number of %s", k->base);
	v = n.ip * scale + frac / n.fdiv;
	if (v > max)
		return fail(err, errlen, what, s, "too large (at most %s%s)",
			    k->fmt(max, lim, sizeof(lim)), why_max);
	if (v % step != 0)
		return fail(err, errlen, what, s, "not a whole number of %s", step_name);
	if (v < min)
		return fail(err, errlen, what, s, "too small (at least %s)",
			    k->fmt(min, lim, sizeof(lim)));
	*out = (uint64_t)v;
	return 0;
}

int
units_duration(const char *what, const char *s, unsigned flags, sim_time_t min,
	       sim_time_t max, sim_time_t *out, char *err, size_t errlen)
{
	const char *expect = k_duration.expect;
	uint64_t bare = 0, v;

	if (flags & UNITS_BARE_MS) {
		bare = SIM_MS;
		expect = "a duration is a number of milliseconds, or a number and a unit: ns, "
			 "us, ms, s, min or h";
	} else if (flags & UNITS_BARE_S) {
		bare = SIM_S;
		expect = "a duration is a number of seconds, or a number and a unit: ns, us, "
			 "ms, s, min or h";
	}
	if (min < 0)
		min = 0;
	if (max < min)
		max = min;
	if (parse_scaled(&k_duration, expect, what, s, bare, (flags & UNITS_BARE_EXP) != 0,
			 (flags & UNITS_WHOLE_S) ? SIM_S : 1, "seconds", (uint64_t)min,
			 (uint64_t)max, &v, err, errlen) < 0)
		return -1;
	*out = (sim_time_t)v;
	return 0;
}

int
units_size(const char *what, const char *s, uint64_t min, uint64_t max, uint64_t *out,
	   char *err, size_t errlen)
{
	return parse_scaled(&k_size, k_size.expect, what, s, 1, false, 1, NULL, min, max, out,
			    err, errlen);
}

int
units_rate(const char *what, const char *s, uint64_t min, uint64_t max, uint64_t *out,
	   char *err, size_t errlen)
{
	return units_rate_flags(what, s, 0, min, max, out, err, errlen);
}

int
units_rate_flags(const char *what, const char *s, unsigned flags, uint64_t min, uint64_t max,
		 uint64_t *out, char *err, size_t errlen)
{
	return parse_scaled(&k_rate, k_rate.expect, what, s, 1, (flags & UNITS_BARE_EXP) != 0,
			    1, NULL, min, max, out, err, errlen);
}

int
units_level(const char *what, const char *s, enum units_level kind, double *out, char *err,
	    size_t errlen)
{
	sim_time_t t;
	uint64_t b;

	switch (kind) {
	case UNITS_LEVEL_DELAY:
		if (units_duration(what, s, UNITS_BARE_S | UNITS_BARE_EXP, 0, SIM_TIME_LIMIT, &t,
				   err, errlen) < 0)
			return -1;
		*out = (double)t / 1e9;
		return 0;
	case UNITS_LEVEL_LOSS:
		return units_prob(what, s, out, err, errlen);
	case UNITS_LEVEL_BANDWIDTH:
		if (units_rate_flags(what, s, UNITS_BARE_EXP, 0, UINT64_MAX, &b, err, errlen) < 0)
			return -1;
		*out = (double)b;
		return 0;
	}
	return fail(err, errlen, what, s, "not a level");
}

/* Room for the text of a number read as a double, with 8 bytes to spare. */
#define REAL_TEXT	64

/*
 * The common start of the values read as doubles (units_prob,
 * units_real): the form, then a decimal number with an optional exponent
 * (1e-6), copied into num (REAL_TEXT bytes, 8 of them left free for an
 * exponent to be appended); *end is the first character after it.  0, or
 * -1 with the message in err.
 */
static int
scan_real(const char *what, const char *s, const char *expect, char *num, const char **end,
	  char *err, size_t errlen)
{
	struct number n;
	const char *p;

	if (check_form(what, s, expect, err, errlen) < 0)
		return -1;
	if (scan_number(s, &n) < 0)
		return fail(err, errlen, what, s, "not a number (%s)", expect);
	p = n.end;
	if (*p == 'e' || *p == 'E') {
		const char *q = p + 1;

		if (*q == '-' || *q == '+')
			q++;
		if (!g_ascii_isdigit(*q))
			return fail(err, errlen, what, s, "not a number (%s)", expect);
		while (g_ascii_isdigit(*q))
			q++;
		p = q;
	}
	if ((size_t)(p - s) >= REAL_TEXT - 8)
		return fail(err, errlen, what, s, "too many digits (%s)", expect);
	memcpy(num, s, (size_t)(p - s));
	num[p - s] = '\0';
	*end = p;
	return 0;
}

int
units_prob(const char *what, const char *s, double *out, char *err, size_t errlen)
{
	static const char expect[] =
		"a probability is a number from 0 to 1, or a percentage, as in 0.01 or 1%";
	const char *p;
	char num[REAL_TEXT];
	bool pct = false;
	double v;

	if (scan_real(what, s, expect, num, &p, err, errlen) < 0)
		return -1;
	if (*p == '%') {
		pct = true;
		p++;
	}
	if (*p != '\0')
		return fail(err, errlen, what, s, "not a probability (%s)", expect);
	if (pct) {
		/*
		 * N% is N with its exponent lowered by 2, read once: 1.1% is
		 * exactly the double of 0.011 (dividing by 100 would round twice).
		 */
		char *e = strpbrk(num, "eE");
		long x = 0;

		if (e) {
			x = strtol(e + 1, NULL, 10);
			*e = '\0';
		}
		if (x < -100000 || x > 100000)
			x = x < 0 ? -100000 : 100000;	/* 0 or too large either way */
		snprintf(num + strlen(num), sizeof(num) - strlen(num), "e%ld", x - 2);
	}
	v = g_ascii_strtod(num, NULL);
	if (!(v <= 1))
		return fail(err, errlen, what, s, "too large (at most 1, or 100%%)");
	*out = v;
	return 0;
}

int
units_real(const char *what, const char *s, double *out, char *err, size_t errlen)
{
	static const char expect[] =
		"a number, an exponent allowed, greater than 0, as in 0.001 or 1e-6";
	const char *p;
	char num[REAL_TEXT];
	double v;

	if (scan_real(what, s, expect, num, &p, err, errlen) < 0)
		return -1;
	if (*p != '\0')
		return fail(err, errlen, what, s, "not a number (%s)", expect);
	v = g_ascii_strtod(num, NULL);
	if (!isfinite(v))
		return fail(err, errlen, what, s, "too large (%s)", expect);
	if (!(v > 0))
		return fail(err, errlen, what, s, "not greater than 0 (%s)", expect);
	*out = v;
	return 0;
}

int
units_uint(const char *what, const char *s, uint64_t min, uint64_t max, uint64_t *out,
	   char *err, size_t errlen)
{
	static const char expect[] = "a whole number of decimal digits";
	uint64_t v = 0;
	const char *p;
	bool big = false;

	if (check_form(what, s, expect, err, errlen) < 0)
		return -1;
	for (p = s; g_ascii_isdigit(*p); p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			big = true;
		else
			v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p == s || *p != '\0')
		return fail(err, errlen, what, s, "not a whole number");
	if (big || v > max)
		return fail(err, errlen, what, s, "too large (at most %" PRIu64 ")", max);
	if (v < min)
		return fail(err, errlen, what, s, "too small (at least %" PRIu64 ")", min);
	*out = v;
	return 0;
}

/* ---- writing values ---- */

char *
units_fmt_clock(int64_t ns, char *buf, size_t len)
{
	int64_t sec = ns > 0 ? ns / 1000000000LL : 0;

	if (sec >= 3600)
		snprintf(buf, len, "%" PRId64 ":%02d:%02d", sec / 3600, (int)(sec / 60 % 60),
			 (int)(sec % 60));
	else
		snprintf(buf, len, "%d:%02d", (int)(sec / 60), (int)(sec % 60));
	return buf;
}

char *
units_fmt_duration(sim_time_t t, char *buf, size_t len)
{
	if (t == SIM_TIME_NEVER)
		snprintf(buf, len, "none");
	else if (t != 0 && t % SIM_S == 0)
		snprintf(buf, len, "%" PRId64 "s", t / SIM_S);
	else if (t != 0 && t % SIM_MS == 0)
		snprintf(buf, len, "%" PRId64 "ms", t / SIM_MS);
	else if (t != 0 && t % SIM_US == 0)
		snprintf(buf, len, "%" PRId64 "us", t / SIM_US);
	else if (t != 0)
		snprintf(buf, len, "%" PRId64 "ns", t);
	else
		snprintf(buf, len, "0");
	return buf;
}

char *
units_fmt_size(uint64_t b, char *buf, size_t len)
{
	static const struct unit u[] = {
		{ "TiB", UINT64_C(1) << 40 }, { "TB", UINT64_C(1000000000000) },
		{ "GiB", UINT64_C(1) << 30 }, { "GB", 1000000000 },
		{ "MiB", UINT64_C(1) << 20 }, { "MB", 1000000 },
		{ "KiB", UINT64_C(1) << 10 }, { "KB", 1000 },
	};

	if (b != 0)
		for (size_t i = 0; i < G_N_ELEMENTS(u); i++)
			if (b % u[i].scale == 0) {
				snprintf(buf, len, "%" PRIu64 "%s", b / u[i].scale, u[i].name);
				return buf;
			}
	snprintf(buf, len, "%" PRIu64 "B", b);
	return buf;
}

char *
units_fmt_rate(uint64_t bps, char *buf, size_t len)
{
	if (bps != 0 && bps % UINT64_C(1000000000000) == 0)
		snprintf(buf, len, "%" PRIu64 "Tbps", bps / UINT64_C(1000000000000));
	else if (bps != 0 && bps % 1000000000 == 0)
		snprintf(buf, len, "%" PRIu64 "Gbps", bps / 1000000000);
	else if (bps != 0 && bps % 1000000 == 0)
		snprintf(buf, len, "%" PRIu64 "Mbps", bps / 1000000);
	else if (bps != 0 && bps % 1000 == 0)
		snprintf(buf, len, "%" PRIu64 "kbps", bps / 1000);
	else
		snprintf(buf, len, "%" PRIu64 "bps", bps);
	return buf;
}

static char *
fmt_duration_u(uint64_t v, char *buf, size_t len)
{
	return units_fmt_duration((sim_time_t)v, buf, len);
}

static char *
fmt_size_u(uint64_t v, char *buf, size_t len)
{
	return units_fmt_size(v, buf, len);
}

static char *
fmt_rate_u(uint64_t v, char *buf, size_t len)
{
	return units_fmt_rate(v, buf, len);
}
