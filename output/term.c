/*
 * term.c - the progress line on a terminal (term.h).
 */
#include <string.h>
#include <sys/ioctl.h>

#include "output/term.h"

void
term_line(FILE *f, const char *line)
{
	struct winsize ws;
	size_t n = strlen(line);

	if (ioctl(fileno(f), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 && n > ws.ws_col - 1u)
		n = ws.ws_col - 1u;
	fprintf(f, "\r\033[K%.*s", (int)n, line);
}

void
term_clear(FILE *f)
{
	fputs("\r\033[K", f);
}
