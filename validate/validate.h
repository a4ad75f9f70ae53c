/*
 * validate.h - "cometsim validate": D4.3's validation tables, regenerated
 * from a fresh run in one command.
 *
 * The command runs the evaluators scenarios/validation/NAME.sh of the
 * source tree (each one runs its scenarios and writes one result row per
 * test to OUTDIR/rows.jsonl), reads their rows, and prints and writes
 * them as the tables of D4.3 (test category, test, timestamp/owner,
 * description, step, expected, actual, result), grouped as D4.3 groups
 * them.  doc/validation.md describes it, and how each row is rebuilt.
 *
 * This is front-end code: it reads the wall clock (the date of the
 * tables), starts processes and handles signals; it never reaches into
 * the engine or the entities.
 *
 * The header lists the functions file by file.
 */
#ifndef VALIDATE_VALIDATE_H
#define VALIDATE_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include <glib.h>
#include <json-glib/json-glib.h>

/* ---- the rows of an evaluator, rows.jsonl (validate_rows.c) ---- */

/* One key of a row and its value, as json-glib read them. */
struct validate_field {
	char *key;
	char *value;	/* a string's value (UTF-8), else the JSON text of the number or literal */
	bool str;	/* the value is a JSON string */
	JsonNode *node;	/* the value itself, written back as it is */
};

/*
 * Parse one line of rows.jsonl with json-glib: a flat JSON object whose
 * values are strings, numbers, true, false or null (no nested object or
 * array, no key twice).  Returns the fields in the order of the line, a
 * GPtrArray of struct validate_field that frees them (g_ptr_array_unref),
 * or NULL with what is wrong in err ("MESSAGE (column N)" for what
 * json-glib could not parse).
 */
GPtrArray *validate_row_parse(const char *line, char *err, size_t errlen);
/* A field of key whose value is node (taken).  For validate_fields_new() arrays. */
struct validate_field *validate_field_new(const char *key, JsonNode *node);
/* An empty array of fields that frees them. */
GPtrArray *validate_fields_new(void);

/* ---- the command (validate.c) ---- */

extern const char validate_usage[];
extern const char validate_help[];
/*
 * cometsim validate ...: argv[0] is "cometsim validate".  Returns the exit
 * status: 0 every row passes, 1 a row failed or is missing, 2 bad usage
 * or a missing tool, 3 the validation is incomplete (an evaluator failed
 * to run or wrote bad rows, no row at all, a row whose run this command
 * did not make, an output not written), 128 + N after signal N.
 */
int validate_main(int argc, char **argv);

#endif /* VALIDATE_VALIDATE_H */
