/*
 * log.c - formatting log lines and choosing verbosity per entity kind.
 *
 * A line reads "<seconds.nanoseconds> <node> <kind>[/<inst>] <LEVEL>: <text>",
 * e.g. "1.000002000 2.2 cafe/cafe0 INFO: rule a7 added".  The engine's own
 * kinds are "sim" (a line without a kind), "net" (node stack), "tcp",
 * "link", "scenario" (its events) and "output" (the output layer's);
 * every entity class has its own (entity_class.kind).  A verbosity spec
 * may name only these: a kind nothing logs as is refused, the same way
 * wherever the spec comes from (--log, <run log=...>, a sweep's <run>).
 */
#include <stdarg.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "sim/entity.h"
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

/*
 * The kinds the engine logs as: the simulator, the node stack and its
 * TCP, links, the scenario's events, and the output layer (which logs
 * through the engine's log).  Entities log as their class's kind.
 */
static const char *const engine_kinds[] = {
	"sim", "net", "link", "tcp", "scenario", "output",
};

/* Whether some line may be written with this kind. */
static bool
kind_known(const char *kind)
{
	const struct entity_class *const *cls;
	size_t n;

	for (size_t i = 0; i < sizeof(engine_kinds) / sizeof(engine_kinds[0]); i++)
		if (strcmp(engine_kinds[i], kind) == 0)
			return true;
	cls = entity_classes(&n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(cls[i]->kind, kind) == 0)
			return true;
	return false;
}

/* Append every kind to g, engine's first, then the classes' in registry order. */
static void
kinds_append(GString *g)
{
	const struct entity_class *const *cls;
	size_t n;

	for (size_t i = 0; i < sizeof(engine_kinds) / sizeof(engine_kinds[0]); i++)
		g_string_append_printf(g, "%s%s", i ? ", " : "", engine_kinds[i]);
	cls = entity_classes(&n);
	for (size_t i = 0; i < n; i++) {
		bool seen = false;

		for (size_t j = 0; j < i && !seen; j++)
			seen = strcmp(cls[j]->kind, cls[i]->kind) == 0;
		if (!seen)
			g_string_append_printf(g, ", %s", cls[i]->kind);
	}
}

static int
spec_error(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
spec_error(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * Check the spec completely, then apply it if lg is not NULL: a bad
 * spec changes nothing.  Items are separated by commas; blanks around
 * items, kinds and levels do not count; empty items are skipped.
 */
int
log_parse_spec(struct netlog *lg, const char *spec, char *err, size_t errlen)
{
	char **item = g_strsplit(spec, ",", -1);
	guint n = g_strv_length(item);
	const char **kinds = g_new0(const char *, n + 1);	/* NULL: the default */
	int *levels = g_new0(int, n + 1);
	unsigned nitems = 0;
	bool some = false;	/* an item that is not blank */
	int rc = 0;

	for (char **it = item; *it; it++)
		some = some || *g_strstrip(*it);
	for (char **it = item; *it && rc == 0; it++) {
		char *kind = g_strstrip(*it), *eq = strchr(kind, '=');
		char *lvl = eq ? g_strstrip(eq + 1) : kind;
		int l;

		if (!*kind) {
			/* A spec of nothing but commas is refused below ("empty"). */
			if (some)
				rc = spec_error(err, errlen, "item %u is empty (a doubled or "
						"trailing comma?)", (unsigned)(it - item) + 1);
			continue;
		}
		if (eq) {
			*eq = '\0';
			g_strstrip(kind);
		}
		if ((l = log_level_parse(lvl)) < 0) {
			rc = spec_error(err, errlen, "unknown level \"%s\" (error, warn, info, "
					"debug, trace)", lvl);
		} else if (eq && !*kind) {
			rc = spec_error(err, errlen, "empty kind before \"=%s\"", lvl);
		} else if (eq && strcmp(kind, "*") != 0 && !kind_known(kind)) {
			const struct entity_class *cls = entity_class_lookup(kind);
			GString *g = g_string_new(NULL);

			if (cls) {
				g_string_printf(g, "the class \"%s\" logs as \"%s\"", kind,
						cls->kind);
			} else {
				g_string_assign(g, "kinds: ");
				kinds_append(g);
				g_string_append(g, "; * for the others");
			}
			rc = spec_error(err, errlen, "unknown kind \"%s\" (%s)", kind, g->str);
			g_string_free(g, TRUE);
		} else {
			kinds[nitems] = eq && strcmp(kind, "*") != 0 ? kind : NULL;
			levels[nitems] = l;
			nitems++;
		}
	}
	if (rc == 0 && nitems == 0)
		rc = spec_error(err, errlen, "empty; give a level (error, warn, info, debug, "
				"trace) or KIND=LEVEL items");
	for (unsigned i = 0; lg && rc == 0 && i < nitems; i++) {
		if (kinds[i])
			set_kind_level(lg, kinds[i], (enum log_level)levels[i]);
		else
			lg->deflt = (enum log_level)levels[i];
	}
	g_free(kinds);
	g_free(levels);
	g_strfreev(item);
	return rc;
}

bool
log_enabled(const struct netlog *lg, const char *kind, enum log_level l)
{
	if (!lg->sink)
		return false;
	if (!kind)
		kind = "sim";
	for (unsigned i = 0; i < lg->nlevels; i++)
		if (strcmp(lg->levels[i].kind, kind) == 0)
			return l <= lg->levels[i].level;
	return l <= lg->deflt;
}

/*
 * Whether a character would not show in a terminal, or would show as
 * something else: controls, format characters (zero-width space, a
 * byte-order mark, direction marks), separators other than the space,
 * and code points with no character.
 */
static bool
char_invisible(gunichar u)
{
	switch (g_unichar_type(u)) {
	case G_UNICODE_CONTROL:
	case G_UNICODE_FORMAT:
	case G_UNICODE_UNASSIGNED:
	case G_UNICODE_PRIVATE_USE:
	case G_UNICODE_SURROGATE:
	case G_UNICODE_LINE_SEPARATOR:
	case G_UNICODE_PARAGRAPH_SEPARATOR:
		return true;
	case G_UNICODE_SPACE_SEPARATOR:
		return u != ' ';
	default:
		return false;
	}
}

char *
log_straight_quotes(const char *s)
{
	GString *g = g_string_sized_new(strlen(s));

	for (const char *p = s; *p; p++) {
		/* U+2018, U+2019, U+201C, U+201D: E2 80 98/99/9C/9D. */
		if ((unsigned char)p[0] == 0xe2 && (unsigned char)p[1] == 0x80 &&
		    ((unsigned char)p[2] == 0x98 || (unsigned char)p[2] == 0x99 ||
		     (unsigned char)p[2] == 0x9c || (unsigned char)p[2] == 0x9d)) {
			g_string_append_c(g, (unsigned char)p[2] >= 0x9c ? '"' : '\'');
			p += 2;
		} else {
			g_string_append_c(g, *p);
		}
	}
	return g_string_free(g, FALSE);
}

const char *
log_gerror(GError *e)
{
	char *straight;

	if (!e || !e->message)
		return "";
	/* Never longer: each quote of three bytes becomes one. */
	straight = log_straight_quotes(e->message);
	strcpy(e->message, straight);
	g_free(straight);
	return e->message;
}

char *
log_getopt_error(int c, int argc, char **argv, const struct option *longopts)
{
	const char *arg = optind >= 1 && optind - 1 < argc ? argv[optind - 1] : "?";
	GString *cand;
	char *name, *msg;
	const struct option *exact = NULL;
	size_t len;
	int n = 0;

	if (strncmp(arg, "--", 2) != 0 || !arg[2]) {
		/* A short option: getopt says which letter. */
		if (c == ':')
			return g_strdup_printf("option \"-%c\" needs a value", optopt);
		return g_strdup_printf("unknown option \"-%c\"", g_ascii_isprint(optopt) ?
				       optopt : '?');
	}
	len = strcspn(arg, "=");
	name = g_strndup(arg, len);
	if (c == ':') {
		msg = g_strdup_printf("option \"%s\" needs a value", name);
		g_free(name);
		return msg;
	}
	cand = g_string_new(NULL);
	for (const struct option *o = longopts; o && o->name; o++) {
		if (strlen(o->name) == len - 2 && strncmp(o->name, name + 2, len - 2) == 0)
			exact = o;
		if (strncmp(o->name, name + 2, len - 2) == 0) {
			g_string_append_printf(cand, "%s--%s", n ? ", " : "", o->name);
			n++;
		}
	}
	if (exact && arg[len] == '=' && exact->has_arg == no_argument)
		msg = g_strdup_printf("option \"%s\" takes no value", name);
	else if (!exact && n > 1)
		msg = g_strdup_printf("option \"%s\" is ambiguous (%s)", name, cand->str);
	else
		msg = g_strdup_printf("unknown option \"%s\"", name);
	g_string_free(cand, TRUE);
	g_free(name);
	return msg;
}

static char log_prog_name[128] = "cometsim";

const char *
log_prog(void)
{
	return log_prog_name;
}

void
log_prog_set(const char *prog)
{
	g_strlcpy(log_prog_name, prog, sizeof(log_prog_name));
}

char *
log_escape(const char *s)
{
	GString *g = g_string_sized_new(strlen(s) + 16);
	const char *p = s, *end = s + strlen(s);

	while (p < end) {
		gunichar u = g_utf8_get_char_validated(p, end - p);
		const char *next;

		if (u == (gunichar)-1 || u == (gunichar)-2) {
			g_string_append_printf(g, "\\x%02x", (unsigned char)*p++);
			continue;
		}
		next = g_utf8_next_char(p);
		if (u == '\n')
			g_string_append(g, "\\n");
		else if (u == '\t')
			g_string_append(g, "\\t");
		else if (u == '\r')
			g_string_append(g, "\\r");
		else if (u < 0x20 || u == 0x7f)
			g_string_append_printf(g, "\\x%02x", (unsigned)u);
		else if (u >= 0x80 && char_invisible(u))
			g_string_append_printf(g, u > 0xffff ? "\\U%08x" : "\\u%04x", (unsigned)u);
		else
			g_string_append_len(g, p, next - p);
		p = next;
	}
	return g_string_free(g, FALSE);
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
