/*
 * term.h - the one progress line of a command on a terminal (run's,
 * validate's, the sweep's): drawn over itself, never wider than the
 * terminal, where a wrapped line would leave its first part behind.
 */
#ifndef OUTPUT_TERM_H
#define OUTPUT_TERM_H

#include <stdio.h>

/* Draw line over the last one on f ("\r", erase), cut to f's terminal width. */
void term_line(FILE *f, const char *line);
/* Erase the line drawn last. */
void term_clear(FILE *f);

#endif /* OUTPUT_TERM_H */
