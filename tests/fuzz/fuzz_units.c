/*
 * fuzz_units.c - the value grammar (sim/units.c, doc/scenario-format.md
 * "Values") and the two list values of a link built on it (queue, loss;
 * scenario/values.c).
 *
 * The input, up to its first NUL, goes to every parser.  What one
 * accepts lies within the bounds it was given, and the writer of its kind
 * writes it back as text that parses to the same value; what one refuses
 * comes with a message worded `x "VALUE": ...`.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "scenario/scenario_int.h"
#include "sim/units.h"
#include "tests/fuzz/fuzz.h"

/*
 * A refusal names the value, the one way (x "VALUE": PROBLEM), whole
 * when the buffer holds the value and at least one character of the
 * problem.
 */
static void
refused_well(const char *s, const char *err)
{
	size_t n = strlen(s);

	FUZZ_CHECK(strncmp(err, "x \"", 3) == 0);
	FUZZ_CHECK(n + 8 > UNITS_ERRLEN || (strncmp(err + 3, s, n) == 0 &&
					   strncmp(err + 3 + n, "\": ", 3) == 0 &&
					   err[n + 6] != '\0'));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = g_strndup((const char *)data, size);
	char err[UNITS_ERRLEN], buf[64];
	static const unsigned flags[] = { 0, UNITS_BARE_MS, UNITS_BARE_S,
					  UNITS_BARE_S | UNITS_WHOLE_S,
					  UNITS_BARE_S | UNITS_BARE_EXP };
	bool any = false;
	uint64_t v, w;
	sim_time_t t, u;
	uint32_t pk;
	double p;
	struct loss_model lm;

	for (size_t i = 0; i < G_N_ELEMENTS(flags); i++) {
		err[0] = '\0';
		if (units_duration("x", s, flags[i], SIM_US, SIM_TIME_LIMIT, &t, err,
				   sizeof(err)) == 0) {
			any = true;
			FUZZ_CHECK(t >= SIM_US && t <= SIM_TIME_LIMIT);
			FUZZ_CHECK(!(flags[i] & UNITS_WHOLE_S) || t % SIM_S == 0);
			units_fmt_duration(t, buf, sizeof(buf));
			FUZZ_CHECK(units_duration("x", buf, 0, SIM_US, SIM_TIME_LIMIT, &u, err,
						  sizeof(err)) == 0);
			FUZZ_CHECK(u == t);
		} else {
			refused_well(s, err);
		}
	}
	if (units_size("x", s, 1, UINT64_MAX, &v, err, sizeof(err)) == 0) {
		any = true;
		FUZZ_CHECK(v >= 1);
		units_fmt_size(v, buf, sizeof(buf));
		FUZZ_CHECK(units_size("x", buf, 0, UINT64_MAX, &w, err, sizeof(err)) == 0);
		FUZZ_CHECK(w == v);
	} else {
		refused_well(s, err);
	}
	if (units_rate("x", s, 1, 1000000000000000ull, &v, err, sizeof(err)) == 0) {
		any = true;
		FUZZ_CHECK(v >= 1 && v <= 1000000000000000ull);
		units_fmt_rate(v, buf, sizeof(buf));
		FUZZ_CHECK(units_rate("x", buf, 1, UINT64_MAX, &w, err, sizeof(err)) == 0);
		FUZZ_CHECK(w == v);
	} else {
		refused_well(s, err);
	}
	/* A bare exponent only moves the point: the value reads back without it. */
	if (units_rate_flags("x", s, UNITS_BARE_EXP, 1, 1000000000000000ull, &v, err,
			     sizeof(err)) == 0) {
		any = true;
		FUZZ_CHECK(v >= 1 && v <= 1000000000000000ull);
		units_fmt_rate(v, buf, sizeof(buf));
		FUZZ_CHECK(units_rate("x", buf, 1, UINT64_MAX, &w, err, sizeof(err)) == 0);
		FUZZ_CHECK(w == v);
	} else {
		refused_well(s, err);
	}
	if (units_prob("x", s, &p, err, sizeof(err)) == 0) {
		any = true;
		FUZZ_CHECK(p >= 0 && p <= 1);
	} else {
		refused_well(s, err);
	}
	if (units_uint("x", s, 7, 65535, &v, err, sizeof(err)) == 0) {
		any = true;
		FUZZ_CHECK(v >= 7 && v <= 65535);
		snprintf(buf, sizeof(buf), "%" PRIu64, v);
		FUZZ_CHECK(units_uint("x", buf, 0, 65535, &w, err, sizeof(err)) == 0 && w == v);
	} else {
		refused_well(s, err);
	}
	/* The lists: no crash, a message when refused. */
	err[0] = '\0';
	if (scn_parse_queue(s, &pk, &v, err, sizeof(err)) == 0) {
		FUZZ_CHECK(pk <= SCN_QUEUE_PKTS_MAX && v <= SCN_QUEUE_BYTES_MAX);
	} else {
		FUZZ_CHECK(err[0] != '\0');
	}
	err[0] = '\0';
	if (scn_parse_loss(s, &lm, err, sizeof(err)) == 0) {
		FUZZ_CHECK(lm.p >= 0 && lm.p <= 1 && lm.p_gb >= 0 && lm.p_gb <= 1);
	} else {
		FUZZ_CHECK(err[0] != '\0');
	}
	fuzz_verdict = any ? FUZZ_ACCEPTED : FUZZ_REJECTED;
	g_free(s);
	return 0;
}
