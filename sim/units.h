/*
 * units.h - the values a user writes: durations, sizes, rates,
 * probabilities and integers.
 *
 * One grammar for every value the program reads, from the user's files,
 * the command line or an entity's arguments
 * (doc/scenario-format.md, "Values"): a number, integer or decimal,
 * immediately followed by its unit, no blank anywhere.  Durations, sizes
 * and rates are computed in integers, never through floating point, so
 * "0.1s" is exactly 100000000 ns; a value finer than the integer unit (a
 * fraction of a nanosecond, of a byte, of a bit/s) is refused, not
 * rounded.
 *
 * Every parser writes the same kind of message into err on failure:
 *   WHAT "VALUE": PROBLEM (WHAT IS EXPECTED)
 * e.g. `time "2 s": no blank may stand in a value (write 2s)`; the caller
 * puts the place (file:line, the --set, the entity) in front of it.
 */
#ifndef SIM_UNITS_H
#define SIM_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"

/* Room for any message the parsers write. */
#define UNITS_ERRLEN 320

/* Flags of units_duration(). */
#define UNITS_BARE_MS	0x1u	/* a number without a unit is milliseconds */
#define UNITS_BARE_S	0x2u	/* a number without a unit is seconds */
#define UNITS_WHOLE_S	0x4u	/* only whole seconds (a wire field in seconds) */
/*
 * A number without a unit may have a decimal exponent (5e7, 1.5e-3), as
 * the configuration files that mirror D4.3's write them; the exponent
 * only moves the point, so the value is still exact.  With a unit, never.
 */
#define UNITS_BARE_EXP	0x8u

/*
 * A duration: a number and one of ns, us, ms, s, min, h; a number that is
 * 0 needs no unit, another bare number is refused unless a UNITS_BARE_*
 * flag gives its unit.  The value must lie in [min, max]; max is at most
 * SIM_TIME_LIMIT for anything added to virtual time.  Returns 0 with *out
 * set, or -1 with the message in err.
 */
int units_duration(const char *what, const char *s, unsigned flags, sim_time_t min,
		   sim_time_t max, sim_time_t *out, char *err, size_t errlen);

/*
 * A size in bytes: a bare number is bytes; units B, kB (or KB, k, K), MB
 * (M), GB (G), TB (T) are powers of 1000, KiB, MiB, GiB, TiB powers of
 * 1024.  In [min, max].  Returns 0 or -1 with the message in err.
 */
int units_size(const char *what, const char *s, uint64_t min, uint64_t max,
	       uint64_t *out, char *err, size_t errlen);

/*
 * A rate in bit/s: a bare number is bit/s; units bps, kbps (or Kbps, k,
 * K), Mbps (M), Gbps (G), Tbps (T), powers of 1000, and the same written
 * bit/s, kbit/s, Mbit/s, Gbit/s, Tbit/s.  In [min, max].  Returns 0 or -1
 * with the message in err.
 */
int units_rate(const char *what, const char *s, uint64_t min, uint64_t max,
	       uint64_t *out, char *err, size_t errlen);
/* The same with flags: UNITS_BARE_EXP. */
int units_rate_flags(const char *what, const char *s, unsigned flags, uint64_t min,
		     uint64_t max, uint64_t *out, char *err, size_t errlen);

/*
 * A probability: a number from 0 to 1 (an exponent is allowed: 1e-6) or a
 * percentage from 0% to 100%.  The only value read as a double.  Returns
 * 0 or -1 with the message in err.
 */
int units_prob(const char *what, const char *s, double *out, char *err, size_t errlen);

/* What a level of the CME's and the RAE's configurations measures. */
enum units_level { UNITS_LEVEL_DELAY, UNITS_LEVEL_LOSS, UNITS_LEVEL_BANDWIDTH };

/*
 * A decision level or a metric of those configurations, as the double
 * their messages carry: a delay in seconds (a duration whose bare number
 * is seconds), a loss (a probability), a bandwidth in bit/s (a rate).  A
 * bare delay or bandwidth may have an exponent (UNITS_BARE_EXP), as
 * D4.3's files write them.  Returns 0 or -1 with the message in err.
 */
int units_level(const char *what, const char *s, enum units_level kind, double *out,
		char *err, size_t errlen);

/*
 * A real number without a unit (a scale factor): a decimal number, an
 * exponent allowed (1e-6), no sign, finite, greater than 0.  Read as a
 * double, once rounded.  Returns 0 or -1 with the message in err.
 */
int units_real(const char *what, const char *s, double *out, char *err, size_t errlen);

/*
 * A whole number of decimal digits, no sign, no unit, in [min, max].
 * Returns 0 or -1 with the message in err.
 */
int units_uint(const char *what, const char *s, uint64_t min, uint64_t max,
	       uint64_t *out, char *err, size_t errlen);

/*
 * Write a value in the largest unit that divides it exactly, as the
 * parsers read it back; each returns buf.  A duration of SIM_TIME_NEVER
 * is "none", a rate in ...bps, a size with the binary units first.
 */
char *units_fmt_duration(sim_time_t t, char *buf, size_t len);
char *units_fmt_size(uint64_t bytes, char *buf, size_t len);
char *units_fmt_rate(uint64_t bps, char *buf, size_t len);
/*
 * A wall-clock span as a person reads it on a progress line: "1:05", or
 * "1:02:05" from an hour on, whole seconds (negative: "0:00"); returns buf.
 */
char *units_fmt_clock(int64_t ns, char *buf, size_t len);

#endif /* SIM_UNITS_H */
