/*
 * xmldoc.h - XML documents read from memory and validated against schemas
 * compiled into the program, with the first error libxml2 reports and its
 * line: for the configuration files entities read (the RAE's, the CME's).
 * It sits with the entities, not in the engine, because the engine knows
 * no file format; the layers above (the scenario loader, scenario/, and
 * the sweep descriptions) read their own XML files with it too.
 */
#ifndef ENTITIES_XMLDOC_H
#define ENTITIES_XMLDOC_H

#include <stddef.h>

#include <libxml/tree.h>

/* The first error of a parse or a validation. */
struct xmldoc_err {
	int line;		/* 0: unknown */
	char msg[768];		/* libxml2's message, its first line */
};

/*
 * Parse buf (len bytes, read from `file`, which names it in libxml2's
 * errors): the document, or NULL with e set.  Never reaches the network.
 */
xmlDoc *xmldoc_parse(const char *buf, size_t len, const char *file, struct xmldoc_err *e);
/*
 * Validate elem and what it holds against the schema xsd (xsdlen bytes):
 * 0, or -1 with e set (e->line: the element's line if libxml2 gives
 * none).  A schema that does not parse is a bug of the program: it aborts.
 */
int xmldoc_validate(xmlNode *elem, const unsigned char *xsd, size_t xsdlen,
		    struct xmldoc_err *e);
/*
 * Both, for a whole configuration file: parse, check that the root
 * element is <root>, validate.  The document (xmlFreeDoc it), or NULL
 * with err set to "file:line: what is wrong".
 */
xmlDoc *xmldoc_read(const char *buf, size_t len, const char *file, const char *root,
		    const unsigned char *xsd, size_t xsdlen, char *err, size_t errlen);

/* The line of an element (0 if unknown). */
int xmldoc_line(const xmlNode *n);

#endif /* ENTITIES_XMLDOC_H */
