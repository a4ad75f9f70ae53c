/*
 * jsontext.h - JSON text from json-glib trees, the one way the program
 * writes JSON (summary.json of a run, validation.json of "cometsim
 * validate"), and strings made fit for it.
 *
 * json-glib builds and writes the JSON; this module only fixes what
 * json-glib 1.6 leaves wrong or unsaid: it writes the control character
 * U+001F raw inside strings, which no JSON reader accepts, and it takes
 * strings that are not UTF-8 as they are.
 */
#ifndef OUTPUT_JSONTEXT_H
#define OUTPUT_JSONTEXT_H

#include <stdbool.h>

#include <json-glib/json-glib.h>

/* jsontext.c */

/*
 * The JSON text of root: compact (no blank anywhere: {"a":1,"b":[2]}), or
 * pretty (two spaces of indent a level, "key" : value, a final newline).
 * Caller frees.
 */
char *jsontext_write(JsonNode *root, bool pretty);
/*
 * s as valid UTF-8: every byte that is not part of a UTF-8 sequence
 * becomes U+FFFD, as a JSON string needs.  NULL is "".  Caller frees.
 */
char *jsontext_utf8(const char *s);

#endif /* OUTPUT_JSONTEXT_H */
