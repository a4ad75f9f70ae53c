/*
 * sweep_text.c - the small text formats of a sweep: CSV (the plan, the
 * results, counters.csv of the runs; RFC 4180 quoting), whole files
 * written through a temporary file and a rename, and shell quoting of
 * the per-run commands (for humans and GNU parallel).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "sim/log.h"
#include "sweep/sweep.h"

/* ---- CSV ---- */

void
sw_csv_field(GString *s, const char *v)
{
	if (!v)
		v = "";
	if (!strpbrk(v, ",\"\r\n")) {
		g_string_append(s, v);
		return;
	}
	g_string_append_c(s, '"');
	for (; *v; v++) {
		if (*v == '"')
			g_string_append_c(s, '"');
		g_string_append_c(s, *v);
	}
	g_string_append_c(s, '"');
}

static void
row_free(gpointer p)
{
	g_ptr_array_free(p, TRUE);
}

GPtrArray *
sw_csv_parse(const char *text)
{
	GPtrArray *rows = g_ptr_array_new_with_free_func(row_free);
	GPtrArray *row = NULL;
	GString *f = g_string_new(NULL);
	const char *p = text;

	while (*p) {
		bool quoted = false;

		if (!row)
			row = g_ptr_array_new_with_free_func(g_free);
		g_string_truncate(f, 0);
		if (*p == '"') {
			quoted = true;
			for (p++;; p++) {
				if (!*p)
					goto bad;
				if (*p == '"') {
					if (p[1] != '"')
						break;
					p++;
				}
				g_string_append_c(f, *p);
			}
			p++;
		} else {
			while (*p && *p != ',' && *p != '\n' && *p != '\r')
				g_string_append_c(f, *p++);
		}
		g_ptr_array_add(row, g_strdup(f->str));
		if (*p == ',') {
			p++;
			if (!*p || *p == '\n' || *p == '\r')
				g_ptr_array_add(row, g_strdup(""));
			else
				continue;
		}
		if (*p == '\r')
			p++;
		if (*p == '\n')
			p++;
		else if (*p && quoted)
			goto bad;
		g_ptr_array_add(rows, row);
		row = NULL;
	}
	if (row)
		g_ptr_array_add(rows, row);
	g_string_free(f, TRUE);
	return rows;
bad:
	if (row)
		g_ptr_array_free(row, TRUE);
	g_string_free(f, TRUE);
	g_ptr_array_free(rows, TRUE);
	return NULL;
}

/* ---- files and commands ---- */

int
sw_write_atomic(const char *path, const char *text, size_t len)
{
	GError *err = NULL;

	/* A temporary file beside path, then rename(): readers see all or nothing. */
	if (!g_file_set_contents_full(path, text, (gssize)len,
				      G_FILE_SET_CONTENTS_CONSISTENT, 0666, &err)) {
		fprintf(stderr, "%s: %s\n", log_prog(), log_gerror(err));
		g_error_free(err);
		errno = EIO;
		return -1;
	}
	return 0;
}

static bool
shell_safe(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!g_ascii_isalnum(*s) && !strchr("_./=:,+-@%", *s))
			return false;
	return true;
}

char *
sw_shell_join(char *const *argv)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; argv[i]; i++) {
		if (i)
			g_string_append_c(s, ' ');
		if (shell_safe(argv[i])) {
			g_string_append(s, argv[i]);
			continue;
		}
		g_string_append_c(s, '\'');
		for (const char *p = argv[i]; *p; p++) {
			if (*p == '\'')
				g_string_append(s, "'\\''");
			else
				g_string_append_c(s, *p);
		}
		g_string_append_c(s, '\'');
	}
	return g_string_free(s, FALSE);
}

