/*
 * script.c - the curling emulator's text scripts (doc/scenario-format.md,
 * "Curling scripts"): each line becomes an event of the description.
 *
 * A script has one event a line, "TIME COMMAND args": TIME in
 * milliseconds, absolute ("5000", "2.5") or relative to the previous
 * line ("+1000"), converted exactly to nanoseconds; "//" starts a comment
 * anywhere on a line.  The commands:
 *   START_ROUTER [id [name]]           a router named id (next free integer
 *                                      if absent), address from the id
 *   END_ROUTER id                      take the router down
 *   START_LINK r1 r2 [weight [name]]   a new link on the next free ethN of
 *                                      each (or bring an ended one back)
 *   START_LINK name                    bring an ended link back up
 *   END_LINK r1 r2 | END_LINK name     take the link down
 *   ON_ROUTER router Class args...     start an entity (START_APP: same)
 *   END_SIMULATION                     stop the run
 *
 * Here a line is only read: the events name routers, links and classes
 * that replay.c checks once every file is read, and build.c acts on at
 * run time.  The <at> and <app> events of a scenario file come through
 * scn_script_command() too.
 */
#include <string.h>

#include "scenario/scenario_int.h"

struct cmd {
	const char *name;
	enum scn_ev_kind kind;
	int min, max;		/* argument count; max -1: no limit */
	const char *usage;
};

static const struct cmd cmds[] = {
	{ "START_ROUTER", SEV_START_ROUTER, 0, 2, "START_ROUTER [id [name]]" },
	{ "END_ROUTER", SEV_END_ROUTER, 1, 1, "END_ROUTER id" },
	{ "START_LINK", SEV_START_LINK, 1, 4, "START_LINK r1 r2 [weight [name]]" },
	{ "END_LINK", SEV_END_LINK, 1, 2, "END_LINK r1 r2" },
	{ "ON_ROUTER", SEV_APP, 2, -1, "ON_ROUTER router Class args..." },
	{ "START_APP", SEV_APP, 2, -1, "START_APP router Class args..." },
	{ "END_SIMULATION", SEV_END_SIM, 0, 0, "END_SIMULATION" },
};

/* Whether c separates the words of a command. */
static bool
is_sep(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Parse one command without its time ("END_LINK 1 2") as an event at t.
 * The events' words are bounded in all (SCN_TEXT_MAX, each counted with
 * its pointer) and their number (SCN_EVENTS_MAX) as they are read, so
 * that no script, whatever it holds or its parameters expand to, fills
 * the memory before it is refused.
 */
int
scn_script_command(struct scn_ld *ld, sim_time_t t, const char *cmd,
		   const char *file, int line)
{
	GPtrArray *args = g_ptr_array_new_with_free_func(g_free);
	const struct cmd *c = NULL;
	struct scn_event *ev;
	const char *q = cmd;
	int n;

	if (ld->s->events->len >= SCN_EVENTS_MAX) {
		scn_error(ld, file, line, "more than %u events, the most a scenario may have "
			  "(scripts, <at> and <app> together)", SCN_EVENTS_MAX);
		goto fail;
	}
	while (*q) {
		const char *w;

		while (*q && is_sep(*q))
			q++;
		if (!*q)
			break;
		for (w = q; *q && !is_sep(*q); q++)
			;
		ld->s->event_bytes += (uint64_t)(q - w) + 1 + sizeof(char *);
		if (ld->s->event_bytes > SCN_TEXT_MAX) {
			scn_error(ld, file, line, "the events' arguments take more than the %u "
				  "bytes a scenario may hold in all", (unsigned)SCN_TEXT_MAX);
			goto fail;
		}
		g_ptr_array_add(args, g_strndup(w, (gsize)(q - w)));
	}
	if (args->len == 0) {
		scn_error(ld, file, line, "missing command");
		goto fail;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmds[i].name, g_ptr_array_index(args, 0)) == 0)
			c = &cmds[i];
	if (!c) {
		scn_error(ld, file, line, "unknown command \"%s\" (expected START_ROUTER, "
			  "END_ROUTER, START_LINK, END_LINK, ON_ROUTER, START_APP or "
			  "END_SIMULATION)", (char *)g_ptr_array_index(args, 0));
		goto fail;
	}
	n = (int)args->len - 1;
	if (n < c->min || (c->max >= 0 && n > c->max)) {
		scn_error(ld, file, line, "%s: wrong number of arguments (%d); usage: %s",
			  c->name, n, c->usage);
		goto fail;
	}
	ev = scn_event_new(ld->s, t, c->kind, file, line);
	if (ld->note->len && ld->note_file == file && ld->note_line == line)
		ev->note = g_strdup(ld->note->str);
	ev->argc = n;
	ev->argv = g_new0(char *, (gsize)n + 1);
	for (int i = 0; i < n; i++)
		ev->argv[i] = g_strdup(g_ptr_array_index(args, (guint)i + 1));
	g_ptr_array_free(args, TRUE);
	return 0;
fail:
	g_ptr_array_free(args, TRUE);
	return -1;
}

/*
 * Parse a script from text: one event a line.  first_line is the number
 * of text's first line in file; *prev is what "+N" adds to.
 */
int
scn_script_parse(struct scn_ld *ld, const char *text, const char *file,
		 int first_line, sim_time_t *prev)
{
	int rc = 0;

	/* A UTF-8 byte-order mark, as some editors save text, is not content. */
	if (g_str_has_prefix(text, "\xef\xbb\xbf"))
		text += 3;
	/* One line at a time: the text is not split whole, whatever its lines. */
	for (int i = 0; text && rc == 0; i++) {
		const char *nl = strchr(text, '\n');
		int line = first_line + i;
		char *l, *cm, *sub, *p, *tstr;
		char err[UNITS_ERRLEN], lim[32];
		sim_time_t t, d;
		bool rel;

		l = nl ? g_strndup(text, (gsize)(nl - text)) : g_strdup(text);
		text = nl ? nl + 1 : NULL;
		if ((cm = strstr(l, "//")))
			*cm = '\0';
		g_strstrip(l);
		if (*l == '\0') {
			g_free(l);
			continue;
		}
		sub = scn_subst(ld, l, file, line);
		g_free(l);
		if (!sub) {
			rc = -1;
			break;
		}
		for (p = sub; *p && !g_ascii_isspace(*p); p++)
			;
		tstr = g_strndup(sub, (gsize)(p - sub));
		rel = tstr[0] == '+';
		if (units_duration(rel ? "relative time" : "time", tstr + rel, UNITS_BARE_MS, 0,
				   SIM_TIME_LIMIT, &d, err, sizeof(err)) < 0) {
			rc = scn_error(ld, file, line, "%s", err);
		} else if (rel && sim_time_add(*prev, d) == SIM_TIME_NEVER) {
			rc = scn_error(ld, file, line, "relative time \"%s\": too large (the line "
				       "would run after %s, the longest time a run may reach)",
				       tstr + rel, units_fmt_duration(SIM_TIME_LIMIT, lim,
								      sizeof(lim)));
		} else {
			t = rel ? *prev + d : d;
			*prev = t;
			while (g_ascii_isspace(*p))
				p++;
			if (*p == '\0')
				rc = scn_error(ld, file, line, "missing command after the time");
			else
				rc = scn_script_command(ld, t, p, file, line);
		}
		g_free(tstr);
		g_free(sub);
	}
	return rc;
}

/* Parse a script file referenced from file:line. */
int
scn_script_load(struct scn_ld *ld, const char *ref, const char *from, int from_line)
{
	char *path = scn_path_join(from, ref);
	const char *file = scn_file(ld->s, path);
	sim_time_t prev = 0;
	char *buf;
	size_t len;
	int rc;

	g_free(path);
	if (scn_file_read(ld, file, from, from_line, "script file", &buf, &len) < 0)
		return -1;
	if (len >= 2 && ((buf[0] == '\xff' && buf[1] == '\xfe') ||
			 (buf[0] == '\xfe' && buf[1] == '\xff')))
		rc = scn_error(ld, file, 0, "a UTF-16 text (its byte-order mark says so); "
			       "save it as UTF-8");
	else if (memchr(buf, '\0', len))
		rc = scn_error(ld, file, 0, "not a text file");
	else
		rc = scn_script_parse(ld, buf, file, 1, &prev);
	g_free(buf);
	return rc;
}
