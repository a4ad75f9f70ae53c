/*
 * test_units.c - the value grammar of sim/units.c: every unit of every
 * kind, the bounds, the forms it refuses, and that every refusal is
 * worded the one way (WHAT "VALUE": PROBLEM).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <glib.h>

#include "entities/registry.h"
#include "sim/entity.h"
#include "sim/series.h"
#include "sim/units.h"
#include "tests/unit/suites.h"

/* The message starts with `x "VALUE": ` and says `problem`. */
static int
worded(const char *err, const char *value, const char *problem)
{
	char head[UNITS_ERRLEN];

	snprintf(head, sizeof(head), "x \"%s\": ", value);
	if (strncmp(err, head, strlen(head)) != 0) {
		fprintf(stderr, "\n  message \"%s\" does not start with '%s'\n", err, head);
		return 0;
	}
	if (!strstr(err + strlen(head), problem)) {
		fprintf(stderr, "\n  message \"%s\" does not say \"%s\"\n", err, problem);
		return 0;
	}
	return 1;
}

static void
test_duration_units(void)
{
	static const struct {
		const char *s;
		sim_time_t ns;
	} good[] = {
		{ "0", 0 }, { "0.0", 0 }, { "00", 0 }, { "0s", 0 },
		{ "1ns", 1 }, { "1us", SIM_US }, { "1ms", SIM_MS }, { "1s", SIM_S },
		{ "1min", 60 * SIM_S }, { "1h", 3600 * SIM_S },
		{ "1.5ms", 1500 * SIM_US }, { "0.1s", 100 * SIM_MS }, { ".5s", 500 * SIM_MS },
		{ "5.s", 5 * SIM_S }, { "2.50000s", 2500 * SIM_MS }, { "007ms", 7 * SIM_MS },
		{ "0.000000001s", 1 }, { "1.000000000000000000000000s", SIM_S },
		{ "0.5min", 30 * SIM_S }, { "1.25h", 4500 * SIM_S },
		{ "1000000000s", SIM_TIME_LIMIT }, { "277777.5h", 999999000 * SIM_S },
	};
	char err[UNITS_ERRLEN];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		sim_time_t t = -1;

		if (units_duration("x", good[i].s, 0, 0, SIM_TIME_LIMIT, &t, err,
				   sizeof(err)) != 0)
			fprintf(stderr, "\n  \"%s\" refused: %s\n", good[i].s, err);
		CU_ASSERT_EQUAL(t, good[i].ns);
	}
}

static void
test_duration_bare(void)
{
	char err[UNITS_ERRLEN];
	sim_time_t t = -1;

	/* Without a flag a bare number is refused, whatever it is. */
	CU_ASSERT_EQUAL(units_duration("x", "5", 0, 0, SIM_TIME_LIMIT, &t, err, sizeof(err)), -1);
	CU_ASSERT(worded(err, "5", "no unit"));
	CU_ASSERT(strstr(err, "ns, us, ms, s, min or h") != NULL);
	/* The context's unit: curling script times, --max-wall. */
	CU_ASSERT_EQUAL(units_duration("x", "1500", UNITS_BARE_MS, 0, SIM_TIME_LIMIT, &t, err,
				       sizeof(err)), 0);
	CU_ASSERT_EQUAL(t, 1500 * SIM_MS);
	CU_ASSERT_EQUAL(units_duration("x", "0.000001", UNITS_BARE_MS, 0, SIM_TIME_LIMIT, &t,
				       err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(t, 1);
	CU_ASSERT_EQUAL(units_duration("x", "90", UNITS_BARE_S, 0, SIM_TIME_LIMIT, &t, err,
				       sizeof(err)), 0);
	CU_ASSERT_EQUAL(t, 90 * SIM_S);
	/* A unit still wins over the context's. */
	CU_ASSERT_EQUAL(units_duration("x", "2s", UNITS_BARE_MS, 0, SIM_TIME_LIMIT, &t, err,
				       sizeof(err)), 0);
	CU_ASSERT_EQUAL(t, 2 * SIM_S);
	/* Whole seconds. */
	CU_ASSERT_EQUAL(units_duration("x", "10", UNITS_BARE_S | UNITS_WHOLE_S, SIM_S,
				       86400 * SIM_S, &t, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(t, 10 * SIM_S);
	CU_ASSERT_EQUAL(units_duration("x", "2min", UNITS_BARE_S | UNITS_WHOLE_S, SIM_S,
				       86400 * SIM_S, &t, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(t, 120 * SIM_S);
	CU_ASSERT_EQUAL(units_duration("x", "1500ms", UNITS_BARE_S | UNITS_WHOLE_S, SIM_S,
				       86400 * SIM_S, &t, err, sizeof(err)), -1);
	CU_ASSERT(worded(err, "1500ms", "not a whole number of seconds"));
}

static void
test_duration_bounds(void)
{
	char err[UNITS_ERRLEN];
	sim_time_t t = 7;

	CU_ASSERT_EQUAL(units_duration("x", "1000000000.000000001s", 0, 0, SIM_TIME_LIMIT, &t,
				       err, sizeof(err)), -1);
	CU_ASSERT(worded(err, "1000000000.000000001s", "too large (at most 1000000000s, "
			 "the longest time a run may reach)"));
	CU_ASSERT_EQUAL(units_duration("x", "9000000000s", 0, 0, SIM_TIME_LIMIT, &t, err,
				       sizeof(err)), -1);
	CU_ASSERT(worded(err, "9000000000s", "too large"));
	/* Beyond int64_t and beyond 128 bits: still a clean refusal. */
	CU_ASSERT_EQUAL(units_duration("x", "99999999999999999999h", 0, 0, SIM_TIME_LIMIT, &t,
				       err, sizeof(err)), -1);
	CU_ASSERT(worded(err, "99999999999999999999h", "too large (at most 1000000000s, the "
			 "longest time a run may reach)"));
	CU_ASSERT_EQUAL(units_duration("x", "1234567890123456789012345678901234567890s", 0, 0,
				       SIM_TIME_LIMIT, &t, err, sizeof(err)), -1);
	CU_ASSERT(worded(err, "1234567890123456789012345678901234567890s", "too large"));
	CU_ASSERT_EQUAL(units_duration("x", "1ms", 0, SIM_MS, 3600 * SIM_S, &t, err,
				       sizeof(err)), 0);
	CU_ASSERT_EQUAL(units_duration("x", "999us", 0, SIM_MS, 3600 * SIM_S, &t, err,
				       sizeof(err)), -1);
	CU_ASSERT(worded(err, "999us", "too small (at least 1ms)"));
	CU_ASSERT_EQUAL(units_duration("x", "3601s", 0, SIM_MS, 3600 * SIM_S, &t, err,
				       sizeof(err)), -1);
	CU_ASSERT(worded(err, "3601s", "too large (at most 3600s)"));
	CU_ASSERT_EQUAL(units_duration("x", "0", 0, 1, SIM_TIME_LIMIT, &t, err, sizeof(err)),
			-1);
	CU_ASSERT(worded(err, "0", "too small (at least 1ns)"));
	/* A refused value leaves the output alone. */
	CU_ASSERT_EQUAL(t, SIM_MS);
}

static void
test_bad_forms(void)
{
	static const struct {
		const char *s, *problem;
	} bad[] = {
		{ "", "empty" },
		{ "2 s", "no blank may stand in a value (write 2s)" },
		{ " 2s", "no blank may stand in a value (write 2s)" },
		{ "2s ", "no blank may stand in a value (write 2s)" },
		{ "1.5\tms", "no blank may stand in a value (write 1.5ms)" },
		{ "-5ms", "negative" },
		{ "-.5ms", "negative" },
		{ "+5ms", "not a number" },
		{ "ms", "not a number" },
		{ ".", "not a number" },
		{ "abc", "not a number" },
		{ "1e3s", "unknown unit \"e3s\"" },
		{ "5sec", "unknown unit \"sec\"" },
		{ "5S", "unknown unit \"S\"" },
		{ "5m", "unknown unit \"m\"" },
		{ "1.2.3s", "unknown unit \".3s\"" },
		{ "0x10s", "unknown unit \"x10s\"" },
		{ "0.5ns", "not a whole number of nanoseconds" },
		{ "1.0000000001s", "not a whole number of nanoseconds" },
		{ "0.0000000000000000000000001s", "more than 24 digits after the point" },
	};
	char err[UNITS_ERRLEN];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sim_time_t t = 7;

		CU_ASSERT_EQUAL(units_duration("x", bad[i].s, 0, 0, SIM_TIME_LIMIT, &t, err,
					       sizeof(err)), -1);
		CU_ASSERT(worded(err, bad[i].s, bad[i].problem));
		CU_ASSERT_EQUAL(t, 7);
	}
	/* NULL is empty; no name gives the value alone. */
	CU_ASSERT_EQUAL(units_duration("x", NULL, 0, 0, SIM_TIME_LIMIT, NULL, err, sizeof(err)),
			-1);
	CU_ASSERT(worded(err, "", "empty"));
	CU_ASSERT_EQUAL(units_duration(NULL, "2 s", 0, 0, SIM_TIME_LIMIT, NULL, err,
				       sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "\"2 s\": no blank may stand in a value (write 2s)");
}

static void
test_size(void)
{
	static const struct {
		const char *s;
		uint64_t v;
	} good[] = {
		{ "0", 0 }, { "1500", 1500 }, { "1500B", 1500 },
		{ "64kB", 64000 }, { "64KB", 64000 }, { "64k", 64000 }, { "64K", 64000 },
		{ "2MB", 2000000 }, { "2M", 2000000 }, { "1.5MB", 1500000 },
		{ "3GB", 3000000000 }, { "3G", 3000000000 },
		{ "1TB", 1000000000000 }, { "1T", 1000000000000 },
		{ "64KiB", 65536 }, { "1MiB", 1048576 }, { "4GiB", 4294967296 },
		{ "4096MiB", 4294967296 }, { "1TiB", 1099511627776 }, { "0.5KiB", 512 },
		{ "1.5KB", 1500 },
	};
	static const struct {
		const char *s, *problem;
	} bad[] = {
		{ "1.5", "not a whole number of bytes" },
		{ "0.1KiB", "not a whole number of bytes" },
		{ "2mb", "unknown unit \"mb\"" },
		{ "2Mb", "unknown unit \"Mb\"" },
		{ "2 MB", "(write 2MB)" },
		{ "2Mbps", "unknown unit \"Mbps\"" },
		{ "5GiB", "too large (at most 4GiB)" },
		{ "-1", "negative" },
	};
	char err[UNITS_ERRLEN];
	uint64_t v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = 7;
		if (units_size("x", good[i].s, 0, UINT64_C(1) << 42, &v, err, sizeof(err)) != 0)
			fprintf(stderr, "\n  \"%s\" refused: %s\n", good[i].s, err);
		CU_ASSERT_EQUAL(v, good[i].v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(units_size("x", bad[i].s, 0, UINT64_C(1) << 32, &v, err,
					   sizeof(err)), -1);
		CU_ASSERT(worded(err, bad[i].s, bad[i].problem));
	}
	/* The message of a bound is a value the parser takes back. */
	CU_ASSERT_EQUAL(units_size("x", "0", 1, 1000, &v, err, sizeof(err)), -1);
	CU_ASSERT(worded(err, "0", "too small (at least 1B)"));
	CU_ASSERT_EQUAL(units_size("x", "4294967296", 1, UINT32_MAX, &v, err, sizeof(err)), -1);
	CU_ASSERT(worded(err, "4294967296", "too large (at most 4294967295B)"));
	CU_ASSERT_EQUAL(units_size("x", "18446744073709551616", 0, UINT64_MAX, &v, err,
				   sizeof(err)), -1);
	CU_ASSERT(worded(err, "18446744073709551616", "too large"));
	CU_ASSERT_EQUAL(units_size("x", "18446744073709551615", 0, UINT64_MAX, &v, err,
				   sizeof(err)), 0);
	CU_ASSERT_EQUAL(v, UINT64_MAX);
	/* The expectation names both families. */
	CU_ASSERT_EQUAL(units_size("x", "2XB", 0, 100, &v, err, sizeof(err)), -1);
	CU_ASSERT(strstr(err, "(powers of 1000)") != NULL);
	CU_ASSERT(strstr(err, "(powers of 1024)") != NULL);
}

static void
test_rate(void)
{
	static const struct {
		const char *s;
		uint64_t v;
	} good[] = {
		{ "2500000", 2500000 }, { "100bps", 100 }, { "100bit/s", 100 },
		{ "10kbps", 10000 }, { "10Kbps", 10000 }, { "10kbit/s", 10000 }, { "10k", 10000 },
		{ "10K", 10000 }, { "10Mbps", 10000000 }, { "10Mbit/s", 10000000 },
		{ "10M", 10000000 }, { "1.5Mbps", 1500000 }, { "1Gbps", 1000000000 },
		{ "1Gbit/s", 1000000000 }, { "1G", 1000000000 }, { "2Tbps", 2000000000000 },
		{ "2Tbit/s", 2000000000000 }, { "2T", 2000000000000 },
	};
	static const struct {
		const char *s, *problem;
	} bad[] = {
		{ "0", "too small (at least 1bps)" },
		{ "0Mbps", "too small (at least 1bps)" },
		{ "0.5bps", "not a whole number of bit/s" },
		{ "10mbps", "unknown unit \"mbps\"" },
		{ "10MBps", "unknown unit \"MBps\"" },
		{ "10MB/s", "unknown unit \"MB/s\"" },
		{ "10 Mbps", "(write 10Mbps)" },
		{ "fast", "not a number" },
	};
	char err[UNITS_ERRLEN];
	uint64_t v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = 7;
		if (units_rate("x", good[i].s, 1, UINT64_MAX, &v, err, sizeof(err)) != 0)
			fprintf(stderr, "\n  \"%s\" refused: %s\n", good[i].s, err);
		CU_ASSERT_EQUAL(v, good[i].v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(units_rate("x", bad[i].s, 1, UINT64_MAX, &v, err, sizeof(err)),
				-1);
		CU_ASSERT(worded(err, bad[i].s, bad[i].problem));
	}
	CU_ASSERT_EQUAL(units_rate("x", "2Tbps", 1, 1000000000000, &v, err, sizeof(err)), -1);
	CU_ASSERT(worded(err, "2Tbps", "too large (at most 1Tbps)"));
}

static void
test_prob(void)
{
	static const struct {
		const char *s;
		double v;
	} good[] = {
		{ "0", 0 }, { "1", 1 }, { "0.01", 0.01 }, { ".5", 0.5 }, { "1%", 0.01 },
		{ "100%", 1 }, { "0.5%", 0.005 }, { "1e-6", 1e-6 }, { "1E-3", 1e-3 },
		{ "2.5e-1", 0.25 }, { "1.0", 1 },
		/* A percentage is exactly the double of its decimal (one rounding). */
		{ "1.1%", 0.011 }, { "0.7%", 0.007 }, { "0.007%", 0.00007 }, { "12.5%", 0.125 },
		{ "1e-1%", 0.001 }, { "33.3%", 0.333 }, { "2E1%", 0.2 }, { "0%", 0 },
		{ "1e-99999999999%", 0 }, { "1e+0", 1 }, { "5E+0%", 0.05 },
	};
	static const struct {
		const char *s, *problem;
	} bad[] = {
		{ "1.5", "too large (at most 1, or 100%)" },
		{ "101%", "too large (at most 1, or 100%)" },
		{ "1e999", "too large" },
		{ "-0.1", "negative" },
		{ "nan", "not a number" },
		{ "inf", "not a number" },
		{ "0x1p-3", "not a probability" },
		{ "1e", "not a number" },
		{ "0.1 ", "(write 0.1)" },
		{ "5%%", "not a probability" },
		{ "", "empty" },
	};
	char err[UNITS_ERRLEN];
	double v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		v = -1;
		if (units_prob("x", good[i].s, &v, err, sizeof(err)) != 0)
			fprintf(stderr, "\n  \"%s\" refused: %s\n", good[i].s, err);
		if (v != good[i].v)
			fprintf(stderr, "\n  \"%s\" read as %.17g, not %.17g\n", good[i].s, v,
				good[i].v);
		CU_ASSERT(v == good[i].v);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(units_prob("x", bad[i].s, &v, err, sizeof(err)), -1);
		CU_ASSERT(worded(err, bad[i].s, bad[i].problem));
	}
	/* The same double as the decimal text gives (no arithmetic on the way). */
	CU_ASSERT_EQUAL(units_prob("x", "0.06", &v, err, sizeof(err)), 0);
	CU_ASSERT(v == 0.06);
}

static void
test_uint(void)
{
	static const struct {
		const char *s, *problem;
	} bad[] = {
		{ "", "empty" },
		{ "1.5", "not a whole number" },
		{ "10ms", "not a whole number" },
		{ "1k", "not a whole number" },
		{ "0x10", "not a whole number" },
		{ "-1", "negative" },
		{ "+1", "not a whole number" },
		{ " 1", "(write 1)" },
		{ "65536", "too large (at most 65535)" },
		{ "0", "too small (at least 1)" },
		{ "99999999999999999999999", "too large (at most 65535)" },
	};
	char err[UNITS_ERRLEN];
	uint64_t v;

	CU_ASSERT_EQUAL(units_uint("x", "65535", 1, 65535, &v, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(v, 65535);
	CU_ASSERT_EQUAL(units_uint("x", "0001", 1, 65535, &v, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(v, 1);
	CU_ASSERT_EQUAL(units_uint("x", "18446744073709551615", 0, UINT64_MAX, &v, err,
				   sizeof(err)), 0);
	CU_ASSERT_EQUAL(v, UINT64_MAX);
	CU_ASSERT_EQUAL(units_uint("x", "18446744073709551616", 0, UINT64_MAX, &v, err,
				   sizeof(err)), -1);
	CU_ASSERT(worded(err, "18446744073709551616", "too large (at most "
			 "18446744073709551615)"));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(units_uint("x", bad[i].s, 1, 65535, &v, err, sizeof(err)), -1);
		CU_ASSERT(worded(err, bad[i].s, bad[i].problem));
	}
}

/* Every value the writers produce is read back as itself. */
static void
test_fmt_roundtrip(void)
{
	static const sim_time_t times[] = { 0, 1, 999, SIM_US, 1500 * SIM_US, SIM_MS, SIM_S,
					    3600 * SIM_S, SIM_TIME_LIMIT, 123456789 };
	static const uint64_t sizes[] = { 1, 1000, 1024, 1500, 64000, 65536, 1000000,
					  1048576, 4294967296, 1099511627776 };
	static const uint64_t rates[] = { 1, 1500, 64000, 1500000, 10000000, 1000000000,
					  2000000000000 };
	char buf[64], err[UNITS_ERRLEN];

	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		sim_time_t t = -1;

		units_fmt_duration(times[i], buf, sizeof(buf));
		CU_ASSERT_EQUAL(units_duration("x", buf, 0, 0, SIM_TIME_LIMIT, &t, err,
					       sizeof(err)), 0);
		CU_ASSERT_EQUAL(t, times[i]);
	}
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t v = 0;

		units_fmt_size(sizes[i], buf, sizeof(buf));
		CU_ASSERT_EQUAL(units_size("x", buf, 0, UINT64_MAX, &v, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL(v, sizes[i]);
	}
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		uint64_t v = 0;

		units_fmt_rate(rates[i], buf, sizeof(buf));
		CU_ASSERT_EQUAL(units_rate("x", buf, 1, UINT64_MAX, &v, err, sizeof(err)), 0);
		CU_ASSERT_EQUAL(v, rates[i]);
	}
	CU_ASSERT_STRING_EQUAL(units_fmt_duration(SIM_TIME_NEVER, buf, sizeof(buf)), "none");
	CU_ASSERT_STRING_EQUAL(units_fmt_duration(1500 * SIM_US, buf, sizeof(buf)), "1500us");
	CU_ASSERT_STRING_EQUAL(units_fmt_size(4294967296, buf, sizeof(buf)), "4GiB");
	CU_ASSERT_STRING_EQUAL(units_fmt_size(64000, buf, sizeof(buf)), "64KB");
	CU_ASSERT_STRING_EQUAL(units_fmt_rate(1500000, buf, sizeof(buf)), "1500kbps");
}

/*
 * UNITS_BARE_EXP: the exponent of a bare number only moves the point, so
 * the value is exact, and never stands with a unit or without the flag.
 */
static void
test_bare_exponent(void)
{
	static const struct {
		const char *s;
		uint64_t v;
	} rates[] = {
		{ "5e7", 50000000 }, { "1e6", 1000000 }, { "1.5E6", 1500000 }, { "10e6", 10000000 },
		{ "4e+6", 4000000 }, { "25e-1", 0 }, { "0e9", 0 }, { "1e0", 1 },
		{ "123456.7e1", 1234567 }, { ".5e1", 5 }, { "1e19", 10000000000000000000u },
	};
	static const struct {
		const char *s;
		sim_time_t t;
	} durs[] = {
		{ "0.05", 50 * SIM_MS }, { "5e-2", 50 * SIM_MS }, { "2e-3", 2 * SIM_MS },
		{ "1e-9", 1 }, { "1.5e1", 15 * SIM_S }, { "3e0", 3 * SIM_S },
	};
	static const struct {
		const char *s, *problem;
	} bad[] = {
		{ "1e-1", "not a whole number of bit/s" },
		{ "1e20", "too large" },
		{ "1e61", "exponent out of range" },
		{ "1e", "not a number" },
		{ "1e-", "not a number" },
		{ "5e6bps", "no unit may follow an exponent" },
		{ "1e6.5", "no unit may follow an exponent" },
	};
	char err[UNITS_ERRLEN];
	uint64_t v = 0;
	sim_time_t t = 0;

	/* 25e-1 is 2.5 bit/s: refused below; the table keeps whole values. */
	for (size_t i = 0; i < sizeof(rates) / sizeof(rates[0]); i++) {
		if (strcmp(rates[i].s, "25e-1") == 0)
			continue;
		v = 7;
		if (units_rate_flags("x", rates[i].s, UNITS_BARE_EXP, 0, UINT64_MAX, &v, err,
				     sizeof(err)) != 0)
			fprintf(stderr, "\n  \"%s\" refused: %s\n", rates[i].s, err);
		CU_ASSERT_EQUAL(v, rates[i].v);
	}
	CU_ASSERT_EQUAL(units_rate_flags("x", "25e-1", UNITS_BARE_EXP, 0, UINT64_MAX, &v, err,
					 sizeof(err)), -1);
	for (size_t i = 0; i < sizeof(durs) / sizeof(durs[0]); i++) {
		t = -1;
		if (units_duration("x", durs[i].s, UNITS_BARE_S | UNITS_BARE_EXP, 0, SIM_TIME_LIMIT,
				   &t, err, sizeof(err)) != 0)
			fprintf(stderr, "\n  \"%s\" refused: %s\n", durs[i].s, err);
		CU_ASSERT_EQUAL(t, durs[i].t);
		/* The same seconds as the C library reads them. */
		CU_ASSERT_EQUAL((double)t / 1e9, g_ascii_strtod(durs[i].s, NULL));
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT_EQUAL(units_rate_flags("x", bad[i].s, UNITS_BARE_EXP, 0, UINT64_MAX, &v,
						 err, sizeof(err)), -1);
		CU_ASSERT(worded(err, bad[i].s, bad[i].problem));
	}
	/* Without the flag, or with a unit, an exponent is not a number. */
	CU_ASSERT_EQUAL(units_rate("x", "5e7", 0, UINT64_MAX, &v, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(units_duration("x", "5e-2", UNITS_BARE_S, 0, SIM_TIME_LIMIT, &t, err,
				       sizeof(err)), -1);
	CU_ASSERT_EQUAL(units_duration("x", "5e-2s", UNITS_BARE_S | UNITS_BARE_EXP, 0,
				       SIM_TIME_LIMIT, &t, err, sizeof(err)), -1);
	/* A duration with no bare unit takes no bare exponent either. */
	CU_ASSERT_EQUAL(units_duration("x", "5e3", UNITS_BARE_EXP, 0, SIM_TIME_LIMIT, &t, err,
				       sizeof(err)), -1);
	CU_ASSERT_EQUAL(units_rate_flags("x", "5e7", UNITS_BARE_EXP, 0, 1000, &v, err,
					 sizeof(err)), -1);
	CU_ASSERT(worded(err, "5e7", "too large (at most 1kbps)"));
}

/* A message longer than the buffer is cut, never overrun. */
static void
test_short_buffer(void)
{
	char err[16];

	memset(err, 'z', sizeof(err));
	CU_ASSERT_EQUAL(units_duration("interval", "12345678901234567890", 0, 0,
				       SIM_TIME_LIMIT, NULL, err, 12), -1);
	CU_ASSERT_EQUAL(strlen(err), 11);
	CU_ASSERT_EQUAL(err[12], 'z');
	CU_ASSERT_EQUAL(units_uint("x", "y", 0, 1, NULL, NULL, 0), -1);
}

/* ---- the series of timeseries.csv (sim/series.c) ---- */

static void
ratio_is(unsigned __int128 v, uint64_t den, const char *want)
{
	char buf[48];

	series_fmt_ratio(v, den, buf, sizeof(buf));
	if (strcmp(buf, want) != 0)
		fprintf(stderr, "\n  %llu/%llu: \"%s\", want \"%s\"\n", (unsigned long long)v,
			(unsigned long long)den, buf, want);
	CU_ASSERT_STRING_EQUAL(buf, want);
}

static void
test_series_ratio(void)
{
	ratio_is(0, 7, "0");
	ratio_is(5, 10, "0.5");
	ratio_is(12, 1, "12");
	ratio_is(1, 3, "0.333333333");
	ratio_is(2, 3, "0.666666667");
	ratio_is(1, 1000000000, "0.000000001");
	ratio_is(1, 2000000000, "0.000000001");	/* half up */
	ratio_is(1, 2000000001, "0");
	ratio_is(9999999999ull, 10000000000ull, "1");	/* rounds into the integer */
	ratio_is(41616, 100000000, "0.00041616");
	/* A rate of a full 64-bit counter over 1 ns: beyond 64 bits, exact. */
	ratio_is((unsigned __int128)UINT64_MAX * 1000000000u, 1000000000u,
		 "18446744073709551615");
	ratio_is((unsigned __int128)UINT64_MAX * 1000000000u, 1,
		 "18446744073709551615000000000");
}

/* The message of a refused selection has needle. */
static void
series_refused(const char *spec, const char *needle)
{
	char err[1024] = "";
	GPtrArray *sel = series_parse(spec, err, sizeof(err));

	CU_ASSERT_PTR_NULL(sel);
	if (sel)
		g_ptr_array_free(sel, TRUE);
	if (!strstr(err, needle))
		fprintf(stderr, "\n  \"%s\": message \"%s\" lacks \"%s\"\n", spec, err, needle);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
}

static void
test_series_parse(void)
{
	char err[1024];
	GPtrArray *sel;
	struct series_sel *s;

	CU_ASSERT_EQUAL_FATAL(entities_register_all(), 0);
	sel = series_parse(" link.util , node.rx_bytes.rate@h*,link.util@x,entity.rae.update_in,"
			   "link.util@y", err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(sel);
	CU_ASSERT_EQUAL_FATAL(sel->len, 3);
	s = g_ptr_array_index(sel, 0);
	CU_ASSERT_STRING_EQUAL(s->name, "link.util");
	CU_ASSERT_EQUAL(s->what, SERIES_LINK_UTIL);
	CU_ASSERT_EQUAL(series_obj(s), SERIES_OF_LINK);
	CU_ASSERT_EQUAL(s->nitems, 3);
	/* The item without a pattern keeps every key: all three are used. */
	CU_ASSERT(series_keeps(s, "ab/a>b"));
	CU_ASSERT(s->items[0].used);
	CU_ASSERT(!s->items[1].used);
	CU_ASSERT(series_keeps(s, "x"));
	CU_ASSERT(s->items[1].used);
	CU_ASSERT(!s->items[2].used);
	s = g_ptr_array_index(sel, 1);
	CU_ASSERT_STRING_EQUAL(s->name, "node.rx_bytes.rate");
	CU_ASSERT_EQUAL(s->what, SERIES_NODE_RX_BYTES);
	CU_ASSERT(s->rate);
	CU_ASSERT(series_matches(s, "h12"));
	CU_ASSERT(!series_matches(s, "r1"));
	CU_ASSERT(!s->items[0].used);
	s = g_ptr_array_index(sel, 2);
	CU_ASSERT_EQUAL(s->what, SERIES_ENTITY);
	CU_ASSERT_EQUAL(series_obj(s), SERIES_OF_ENTITY);
	CU_ASSERT_STRING_EQUAL(s->kind, "rae");
	CU_ASSERT_STRING_EQUAL(s->stat, "update_in");
	CU_ASSERT(!s->rate);
	g_ptr_array_free(sel, TRUE);

	series_refused("", "empty (write none");
	series_refused("link.util,", "an item of the list is empty");
	series_refused("link.utl", "item \"link.utl\": not a series");
	series_refused("link.util.rate", "measures a state, not a count");
	series_refused("link.queue@", "an empty pattern");
	series_refused("entity.rae", "expected entity.KIND.STATISTIC");
	series_refused("entity.nosuch.x", "names an entity kind no class has");
	series_refused("entity.rae.a b", "STATISTIC a name of counters.csv");
	entity_class_reset();
}

/* units_fmt_clock(): the progress lines' wall-clock spans. */
static void
test_fmt_clock(void)
{
	char b[32];

	CU_ASSERT_STRING_EQUAL(units_fmt_clock(0, b, sizeof(b)), "0:00");
	CU_ASSERT_STRING_EQUAL(units_fmt_clock(-5 * SIM_S, b, sizeof(b)), "0:00");
	CU_ASSERT_STRING_EQUAL(units_fmt_clock(65 * SIM_S + 999999999, b, sizeof(b)), "1:05");
	CU_ASSERT_STRING_EQUAL(units_fmt_clock(3599 * SIM_S, b, sizeof(b)), "59:59");
	CU_ASSERT_STRING_EQUAL(units_fmt_clock(3725 * SIM_S, b, sizeof(b)), "1:02:05");
}

int
suite_units_register(void)
{
	CU_pSuite s = CU_add_suite("units", NULL, NULL);

	if (!s ||
	    !CU_add_test(s, "duration: every unit", test_duration_units) ||
	    !CU_add_test(s, "duration: bare numbers", test_duration_bare) ||
	    !CU_add_test(s, "duration: bounds", test_duration_bounds) ||
	    !CU_add_test(s, "bad forms, one wording", test_bad_forms) ||
	    !CU_add_test(s, "size", test_size) ||
	    !CU_add_test(s, "rate", test_rate) ||
	    !CU_add_test(s, "bare numbers with an exponent", test_bare_exponent) ||
	    !CU_add_test(s, "probability", test_prob) ||
	    !CU_add_test(s, "integer", test_uint) ||
	    !CU_add_test(s, "written values read back", test_fmt_roundtrip) ||
	    !CU_add_test(s, "short error buffer", test_short_buffer) ||
	    !CU_add_test(s, "series: a ratio printed exactly", test_series_ratio) ||
	    !CU_add_test(s, "series: a selection", test_series_parse) ||
	    !CU_add_test(s, "wall-clock spans for progress lines", test_fmt_clock))
		return -1;
	return 0;
}
