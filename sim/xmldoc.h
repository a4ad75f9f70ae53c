/*
 * xmldoc.h - read an XML document from memory and validate it against a
 * schema compiled into the program, for the configuration files that
 * entities read (the scenario loader has its own, which also follows
 * includes).  Errors name the file and the line.
 */
#ifndef SIM_XMLDOC_H
#define SIM_XMLDOC_H

#include <stddef.h>

#include <libxml/tree.h>

/*
 * Parse buf (len bytes, read from `file`), check that the root element
 * is <root> and that the document is valid for the schema xsd (xsdlen
 * bytes).  Returns the document (xmlFreeDoc it), or NULL with err set to
 * "file:line: what is wrong".  A schema that does not parse is a bug of
 * the program: it aborts.
 */
xmlDoc *xmldoc_read(const char *buf, size_t len, const char *file, const char *root,
		    const unsigned char *xsd, size_t xsdlen, char *err, size_t errlen);

/* The line of an element (0 if unknown). */
int xmldoc_line(const xmlNode *n);

#endif /* SIM_XMLDOC_H */
