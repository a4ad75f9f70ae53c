/*
 * log.c - formatting log lines and choosing verbosity per entity kind.
 *
 * A line reads "<seconds.nanoseconds> <node> <kind>[/<inst>] <LEVEL>: <text>",
 * e.g. "1.000002000 2.2 cafe/cafe0 INFO: rule a7 added".  The engine's own
 * kinds are "net" (node stack), "link" and "sim".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/log.h"

static const char *const level_names[] = { "error", "warn", "info", "debug", "trace" };
static const char *const level_tags[] = { "ERROR", "WARN", "INFO", "DEBUG", "TRACE" };

void
log_init(struct netlog *lg, struct sim *sim)
{
	memset(lg, 0, sizeof(*lg));
	lg->sim = sim;
	lg->deflt = LOG_INFO;
}

void
log_fini(struct netlog *lg)
{
	for (unsigned i = 0; i < lg->nlevels; i++)
		free(lg->levels[i].kind);
	free(lg->levels);
	lg->levels = NULL;
	lg->nlevels = 0;
}

void
log_set_sink(struct netlog *lg, log_sink_fn fn, void *ctx)
{
	lg->sink = fn;
	lg->sink_ctx = ctx;
}

int
log_level_parse(const char *name)
{
	for (int i = 0; i <= LOG_TRACE; i++)
		if (strcmp(name, level_names[i]) == 0)
			return i;
	return -1;
}

const char *
log_level_name(enum log_level l)
{
	return l <= LOG_TRACE ? level_names[l] : "?";
}

static void
set_kind_level(struct netlog *lg, const char *kind, enum log_level l)
{
	for (unsigned i = 0; i < lg->nlevels; i++)
		if (strcmp(lg->levels[i].kind, kind) == 0) {
			lg->levels[i].level = l;
			return;
		}
	lg->levels = realloc(lg->levels, (lg->nlevels + 1) * sizeof(*lg->levels));
	lg->levels[lg->nlevels].kind = strdup(kind);
	lg->levels[lg->nlevels].level = l;
	lg->nlevels++;
}

int
log_parse_spec(struct netlog *lg, const char *spec, char *err, size_t errlen)
{
	char *copy = strdup(spec), *save = NULL, *tok;
	int rc = 0;

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		const char *lvl = eq ? eq + 1 : tok;
		int l = log_level_parse(lvl);

		if (l < 0) {
			snprintf(err, errlen,
				 "log spec \"%s\": unknown level \"%s\" (error, warn, info, debug, trace)",
				 spec, lvl);
			rc = -1;
			break;
		}
		if (!eq || (eq - tok == 1 && tok[0] == '*')) {
			lg->deflt = (enum log_level)l;
		} else {
			*eq = '\0';
			if (!*tok) {
				snprintf(err, errlen, "log spec \"%s\": empty entity name", spec);
				rc = -1;
				break;
			}
			set_kind_level(lg, tok, (enum log_level)l);
		}
	}
	free(copy);
	return rc;
}

bool
log_enabled(const struct netlog *lg, const char *kind, enum log_level l)
{
	if (!lg->sink)
		return false;
	if (kind)
		for (unsigned i = 0; i < lg->nlevels; i++)
			if (strcmp(lg->levels[i].kind, kind) == 0)
				return l <= lg->levels[i].level;
	return l <= lg->deflt;
}

void
log_vline(struct netlog *lg, enum log_level l, const char *node, const char *kind,
	  const char *inst, const char *fmt, va_list ap)
{
	char line[2048], tbuf[32];
	int n;

	if (!log_enabled(lg, kind, l))
		return;
	n = snprintf(line, sizeof(line), "%s %s %s%s%s %s: ",
		     sim_time_fmt(lg->sim ? sim_now(lg->sim) : 0, tbuf, sizeof(tbuf)),
		     node ? node : "-", kind ? kind : "sim", inst ? "/" : "",
		     inst ? inst : "", level_tags[l]);
	if (n < 0 || (size_t)n >= sizeof(line))
		n = 0;
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	lg->sink(lg->sink_ctx, line);
}

void
log_line(struct netlog *lg, enum log_level l, const char *node, const char *kind,
	 const char *inst, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vline(lg, l, node, kind, inst, fmt, ap);
	va_end(ap);
}
