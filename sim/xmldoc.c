/*
 * xmldoc.c - an XML document from memory, validated against a compiled-in
 * schema; the first error libxml2 reports becomes "file:line: message".
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "sim/xmldoc.h"

/* The first error of a parse or a validation. */
struct xd_cap {
	bool got;
	int line;
	char msg[512];
};

static void
xd_error(void *ctx, xmlErrorPtr e)
{
	struct xd_cap *cap = ctx;

	if (cap->got || !e || e->level < XML_ERR_ERROR)
		return;
	cap->got = true;
	cap->line = e->line;
	snprintf(cap->msg, sizeof(cap->msg), "%s", e->message ? e->message : "error");
	cap->msg[strcspn(cap->msg, "\n")] = '\0';
}

static void
xd_err(char *err, size_t errlen, const char *file, int line, const char *what, const char *msg)
{
	if (line > 0)
		snprintf(err, errlen, "%s:%d: %s%s", file, line, what, msg);
	else
		snprintf(err, errlen, "%s: %s%s", file, what, msg);
}

static int
xd_validate(xmlDoc *doc, const char *file, const char *root, const unsigned char *xsd,
	    size_t xsdlen, char *err, size_t errlen)
{
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaValidCtxtPtr vc;
	xmlSchemaPtr schema;
	struct xd_cap cap = { 0 };
	int rc;

	pc = xmlSchemaNewMemParserCtxt((const char *)xsd, (int)xsdlen);
	if (!pc) {
		xd_err(err, errlen, file, 0, "", "out of memory");
		return -1;
	}
	xmlSchemaSetParserStructuredErrors(pc, xd_error, &cap);
	schema = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	if (!schema) {
		fprintf(stderr, "internal error: the schema of <%s>: %s\n", root, cap.msg);
		abort();
	}
	vc = xmlSchemaNewValidCtxt(schema);
	if (!vc) {
		xmlSchemaFree(schema);
		xd_err(err, errlen, file, 0, "", "out of memory");
		return -1;
	}
	xmlSchemaSetValidStructuredErrors(vc, xd_error, &cap);
	rc = xmlSchemaValidateDoc(vc, doc);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	if (rc != 0) {
		xd_err(err, errlen, file, cap.got ? cap.line : 0, "schema: ",
		       cap.got ? cap.msg : "the document is not valid");
		return -1;
	}
	return 0;
}

xmlDoc *
xmldoc_read(const char *buf, size_t len, const char *file, const char *root,
	    const unsigned char *xsd, size_t xsdlen, char *err, size_t errlen)
{
	struct xd_cap cap = { 0 };
	xmlStructuredErrorFunc old_fn;
	xmlParserCtxtPtr pc;
	xmlNode *r;
	void *old_ctx;
	xmlDoc *doc;

	if (len > INT32_MAX) {
		xd_err(err, errlen, file, 0, "", "file too large");
		return NULL;
	}
	pc = xmlNewParserCtxt();
	if (!pc) {
		xd_err(err, errlen, file, 0, "", "out of memory");
		return NULL;
	}
	old_fn = xmlStructuredError;
	old_ctx = xmlStructuredErrorContext;
	xmlSetStructuredErrorFunc(&cap, xd_error);
	doc = xmlCtxtReadMemory(pc, buf, (int)len, file, NULL,
				XML_PARSE_NONET | XML_PARSE_BIG_LINES | XML_PARSE_NOWARNING);
	xmlSetStructuredErrorFunc(old_ctx, old_fn);
	if (doc && !pc->wellFormed) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(pc);
	if (!doc) {
		xd_err(err, errlen, file, cap.line, "malformed XML: ",
		       cap.got ? cap.msg : "cannot parse");
		return NULL;
	}
	r = xmlDocGetRootElement(doc);
	if (!r || strcmp((const char *)r->name, root) != 0) {
		char what[160];

		snprintf(what, sizeof(what), "the root element is <%s>, expected <%s>",
			 r ? (const char *)r->name : "", root);
		xd_err(err, errlen, file, r ? (int)xmlGetLineNo(r) : 0, "", what);
		xmlFreeDoc(doc);
		return NULL;
	}
	if (xd_validate(doc, file, root, xsd, xsdlen, err, errlen) < 0) {
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

int
xmldoc_line(const xmlNode *n)
{
	long l = n ? xmlGetLineNo(n) : 0;

	return l > 0 && l < INT32_MAX ? (int)l : 0;
}
