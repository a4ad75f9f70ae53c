/*
 * xmldoc.c - XML documents from memory, validated against compiled-in
 * schemas; the first error libxml2 reports becomes the error, with its
 * line.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include "entities/xmldoc.h"

struct xd_cap {
	bool got;
	struct xmldoc_err *e;
};

static void
xd_error(void *ctx, xmlErrorPtr x)
{
	struct xd_cap *cap = ctx;
	char *m = cap->e->msg;
	size_t n;

	if (cap->got || !x || x->level < XML_ERR_ERROR)
		return;
	cap->got = true;
	cap->e->line = x->line;
	snprintf(m, sizeof(cap->e->msg), "%s", x->message ? x->message : "error");
	/* Some messages quote the document on further lines: keep the first. */
	m[strcspn(m, "\n")] = '\0';
	n = strlen(m);
	while (n > 0 && m[n - 1] == ' ')
		m[--n] = '\0';
}

static void
xd_set(struct xmldoc_err *e, int line, const char *msg)
{
	e->line = line;
	snprintf(e->msg, sizeof(e->msg), "%s", msg);
}

xmlDoc *
xmldoc_parse(const char *buf, size_t len, const char *file, struct xmldoc_err *e)
{
	struct xd_cap cap = { false, e };
	xmlStructuredErrorFunc old_fn;
	xmlParserCtxtPtr pc;
	void *old_ctx;
	xmlDoc *doc;

	if (len > INT32_MAX) {
		xd_set(e, 0, "file too large");
		return NULL;
	}
	pc = xmlNewParserCtxt();
	if (!pc) {
		xd_set(e, 0, "out of memory");
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
	if (!doc && !cap.got)
		xd_set(e, 0, "cannot parse");
	if (doc && !xmlDocGetRootElement(doc)) {
		xmlFreeDoc(doc);
		doc = NULL;
		xd_set(e, 0, "no root element");
	}
	return doc;
}

int
xmldoc_validate(xmlNode *elem, const unsigned char *xsd, size_t xsdlen, struct xmldoc_err *e)
{
	struct xd_cap cap = { false, e };
	xmlSchemaParserCtxtPtr pc;
	xmlSchemaValidCtxtPtr vc;
	xmlSchemaPtr schema;
	int rc;

	pc = xmlSchemaNewMemParserCtxt((const char *)xsd, (int)xsdlen);
	if (!pc) {
		xd_set(e, 0, "out of memory");
		return -1;
	}
	xmlSchemaSetParserStructuredErrors(pc, xd_error, &cap);
	schema = xmlSchemaParse(pc);
	xmlSchemaFreeParserCtxt(pc);
	if (!schema) {
		/* The schemas are ours: a broken one is a bug. */
		fprintf(stderr, "internal error: the schema of <%s>: %s\n",
			(const char *)elem->name, e->msg);
		abort();
	}
	vc = xmlSchemaNewValidCtxt(schema);
	if (!vc) {
		xmlSchemaFree(schema);
		xd_set(e, 0, "out of memory");
		return -1;
	}
	xmlSchemaSetValidStructuredErrors(vc, xd_error, &cap);
	rc = xmlSchemaValidateOneElement(vc, elem);
	xmlSchemaFreeValidCtxt(vc);
	xmlSchemaFree(schema);
	if (rc == 0)
		return 0;
	if (!cap.got)
		snprintf(e->msg, sizeof(e->msg), "<%s> is not valid", (const char *)elem->name);
	if (e->line <= 0)
		e->line = xmldoc_line(elem);
	return -1;
}

static void
xd_err(char *err, size_t errlen, const char *file, int line, const char *what, const char *msg)
{
	if (line > 0)
		snprintf(err, errlen, "%s:%d: %s%s", file, line, what, msg);
	else
		snprintf(err, errlen, "%s: %s%s", file, what, msg);
}

xmlDoc *
xmldoc_read(const char *buf, size_t len, const char *file, const char *root,
	    const unsigned char *xsd, size_t xsdlen, char *err, size_t errlen)
{
	struct xmldoc_err e = { 0, "" };
	xmlDoc *doc = xmldoc_parse(buf, len, file, &e);
	xmlNode *r;

	if (!doc) {
		xd_err(err, errlen, file, e.line, "malformed XML: ", e.msg);
		return NULL;
	}
	r = xmlDocGetRootElement(doc);
	if (strcmp((const char *)r->name, root) != 0) {
		char what[160];

		snprintf(what, sizeof(what), "the root element is <%s>, expected <%s>",
			 (const char *)r->name, root);
		xd_err(err, errlen, file, xmldoc_line(r), "", what);
		xmlFreeDoc(doc);
		return NULL;
	}
	if (xmldoc_validate(r, xsd, xsdlen, &e) < 0) {
		xd_err(err, errlen, file, e.line, "schema: ", e.msg);
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
