/*
 * log.h - the run's log: every line stamped with virtual time, node and
 * entity instance, with a verbosity chosen per entity kind.
 *
 * The engine formats the line; where it goes is up to the sink that the
 * output layer installs (a file, stderr, a test's buffer).  With no sink,
 * lines are discarded.
 */
#ifndef SIM_LOG_H
#define SIM_LOG_H

#include <stdarg.h>
#include <stdbool.h>

#include <glib.h>

#include "sim/sim.h"

enum log_level {
	LOG_ERROR = 0,
	LOG_WARN,
	LOG_INFO,
	LOG_DEBUG,
	LOG_TRACE,
};

/* One formatted line, without the trailing newline. */
typedef void (*log_sink_fn)(void *ctx, const char *line);

struct log_kind_level {
	char *kind;
	enum log_level level;
};

struct netlog {
	struct sim *sim;
	log_sink_fn sink;
	void *sink_ctx;
	enum log_level deflt;		/* level for kinds not listed */
	struct log_kind_level *levels;
	unsigned nlevels;
};

/* log.c */

void log_init(struct netlog *lg, struct sim *sim);
void log_fini(struct netlog *lg);
void log_set_sink(struct netlog *lg, log_sink_fn fn, void *ctx);
/*
 * Apply a verbosity spec: "info", "cafe=debug,rae=info", "*=warn,send=trace".
 * A kind must be one the engine or a registered entity class logs as.
 * Returns 0, or -1 with the reason in err ("unknown kind \"x\" (kinds:
 * ...)"; the caller says where the spec comes from) and lg unchanged.
 * With lg NULL the spec is only checked.
 */
int log_parse_spec(struct netlog *lg, const char *spec, char *err, size_t errlen);
/*
 * A copy of the text (UTF-8 or not) in which nothing is invisible:
 * control characters, bytes that are not UTF-8 and invisible characters
 * (a byte-order mark, a zero-width space, a non-breaking space) become
 * escapes ("\n", "\x01", "\ufeff"); the rest is kept.  For messages that
 * quote what a user wrote.  g_free() it.
 */
char *log_escape(const char *s);
/*
 * The same text with the typographic quotes some library messages use
 * (GLib's errors quote a name in curly double quotes) made straight:
 * U+201C and U+201D become ", U+2018 and U+2019 become '.  The program's
 * own messages use straight quotes only (doc/cometsim.1, DIAGNOSTICS).
 * g_free() it.
 */
char *log_straight_quotes(const char *s);
/* A GLib error's message with its quotes made straight, in place; for printing. */
const char *log_gerror(GError *e);
/*
 * The prefix of the program's own messages on standard error: the
 * command as it was typed, "cometsim run", "cometsim sweep status", or
 * "cometsim" before a command is known.  The front end sets it once.
 */
const char *log_prog(void);
void log_prog_set(const char *prog);
struct option;
/*
 * What getopt_long() found wrong, in the program's words, for a parser
 * that set opterr = 0 and starts its short options with ':': c is what
 * getopt_long() returned (':' a value missing, '?' anything else), right
 * after it returned.  'unknown option "--x"', 'option "--seed" needs a
 * value', 'option "--quiet" takes no value', 'option "--s" is ambiguous
 * (--seed, --set)'.  g_free() it.
 */
char *log_getopt_error(int c, int argc, char **argv, const struct option *longopts);
/* Level names: "error", "warn", "info", "debug", "trace"; -1 if unknown. */
int log_level_parse(const char *name);
const char *log_level_name(enum log_level l);
/* Whether a line of this kind and level would be written. */
bool log_enabled(const struct netlog *lg, const char *kind, enum log_level l);
/*
 * Write one line: "<time> <node> <kind>[/<inst>] <LEVEL>: <message>".
 * node and inst may be NULL.
 */
void log_line(struct netlog *lg, enum log_level l, const char *node,
	      const char *kind, const char *inst, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
void log_vline(struct netlog *lg, enum log_level l, const char *node,
	       const char *kind, const char *inst, const char *fmt, va_list ap);

#endif /* SIM_LOG_H */
