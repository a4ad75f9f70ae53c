/*
 * jsontext.c - JSON text from json-glib trees (jsontext.h).
 *
 * json-glib's generator escapes the control characters of a string as
 * \uXXXX, all but U+001F, which json-glib 1.6 copies raw (its test is
 * "< 0x1f").  A raw control character makes the file invalid JSON, and
 * it can only appear inside a string in the generator's output (the
 * structure is printable), so every raw 0x1f byte of the text is written
 * as the escape json-glib would have written.
 */
#include <string.h>

#include <glib.h>

#include "output/jsontext.h"

char *
jsontext_write(JsonNode *root, bool pretty)
{
	JsonGenerator *g = json_generator_new();
	GString *s;
	char *text;

	json_generator_set_root(g, root);
	json_generator_set_pretty(g, pretty);
	if (pretty)
		json_generator_set_indent(g, 2);
	text = json_generator_to_data(g, NULL);
	g_object_unref(g);
	if (!strchr(text, 0x1f) && !pretty)
		return text;
	s = g_string_new(NULL);
	for (const char *p = text; *p; p++) {
		if (*p == 0x1f)
			g_string_append(s, "\\u001f");
		else
			g_string_append_c(s, *p);
	}
	if (pretty)
		g_string_append_c(s, '\n');
	g_free(text);
	return g_string_free(s, FALSE);
}

char *
jsontext_utf8(const char *s)
{
	return g_utf8_make_valid(s ? s : "", -1);
}
