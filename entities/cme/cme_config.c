/*
 * cme_config.c - the CME's configuration file, <cme-config> (doc/cme.md):
 * read with libxml2, validated against cme-config.xsd (compiled in), then
 * checked for what a schema cannot say: addresses that parse, decision
 * parameters that make sense, no content or key plan given twice.  Every
 * error names the file and the line.  The key plan is indexed by entry and
 * exit, so that a generated plan of many domains loads and is looked up
 * in time linear in its size.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <libxml/tree.h>

#include "entities/cafe/agent_wire.h"
#include "entities/cme/cme.h"
#include "entities/xmldoc.h"
#include "sim/fileio.h"
#include "sim/units.h"

/* cme-config.xsd.c, generated from cme-config.xsd (scripts/embed-xsd.sh) */
extern const unsigned char xsd_entities_cme_cme_config[];
extern const unsigned int xsd_entities_cme_cme_config_len;

struct cload {
	struct cme_config *c;
	char *err;
	size_t errlen;
	bool failed;
};

static int
cerr(struct cload *l, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
cerr(struct cload *l, int line, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	if (l->failed)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(l->err, l->errlen, "%s:%d: %s", l->c->file, line, msg);
	l->failed = true;
	return -1;
}

static bool
is_elem(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* An attribute's text (g_free it), or NULL if absent. */
static char *
attr(const xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s;

	if (!v)
		return NULL;
	s = g_strdup((const char *)v);
	xmlFree(v);
	return s;
}

/*
 * A duration in seconds, read as every duration is (sim/units.h): a bare
 * number is seconds, "500ms" and "2s" are allowed, and a value finer than a
 * nanosecond is refused rather than rounded to 0.  Absent gives dflt.
 */
static double
attr_secs(struct cload *l, const xmlNode *n, const char *name, const char *dflt,
	  sim_time_t min)
{
	char *s = attr(n, name), e[UNITS_ERRLEN];
	sim_time_t t = 0;

	if (units_duration(name, s ? s : dflt, UNITS_BARE_S, min, 86400 * SIM_S, &t, e,
			   sizeof(e)) < 0)
		cerr(l, xmldoc_line(n), "%s", e);
	g_free(s);
	return (double)t / 1e9;
}

/* A duration in whole seconds, as it travels (refresh_time): "2", "2s", "1min". */
static uint32_t
attr_whole_secs(struct cload *l, const xmlNode *n, const char *name, const char *dflt)
{
	char *s = attr(n, name), e[UNITS_ERRLEN];
	sim_time_t t = 0;

	if (units_duration(name, s ? s : dflt, UNITS_BARE_S | UNITS_WHOLE_S, 0, SIM_TIME_LIMIT,
			   &t, e, sizeof(e)) < 0)
		cerr(l, xmldoc_line(n), "%s", e);
	g_free(s);
	return (uint32_t)(t / SIM_S);
}

/*
 * The other values, read as every value is (sim/units.h; the schema only
 * says they are text).  Each refusal names the line; absent gives dflt.
 * The decision levels keep the bare numbers of D4.3's files
 * (units_level): a delay in seconds and a bandwidth in bit/s may have an
 * exponent (5e7).
 */
static double
attr_level(struct cload *l, const xmlNode *n, const char *name, enum units_level kind)
{
	char *s = attr(n, name), e[UNITS_ERRLEN];
	double v = 0;

	if (s && units_level(name, s, kind, &v, e, sizeof(e)) < 0)
		cerr(l, xmldoc_line(n), "%s", e);
	g_free(s);
	return v;
}

/* A size (bytes, or a unit: 2MB) or, with size false, a plain integer. */
static uint64_t
attr_num(struct cload *l, const xmlNode *n, const char *name, bool size, uint64_t dflt,
	 uint64_t min, uint64_t max, bool *present)
{
	char *s = attr(n, name), e[UNITS_ERRLEN];
	uint64_t v = dflt;

	if (present)
		*present = s != NULL;
	if (s && (size ? units_size(name, s, min, max, &v, e, sizeof(e)) :
		  units_uint(name, s, min, max, &v, e, sizeof(e))) < 0)
		cerr(l, xmldoc_line(n), "%s", e);
	g_free(s);
	return v;
}

static bool
attr_bool(const xmlNode *n, const char *name)
{
	char *s = attr(n, name);
	/* xs:boolean, which the schema checked: blanks around it are allowed. */
	bool v = s && (strcmp(g_strstrip(s), "true") == 0 || strcmp(s, "1") == 0);

	g_free(s);
	return v;
}

static void
attr_addr(struct cload *l, const xmlNode *n, const char *name, struct addr *out)
{
	char *s = attr(n, name);

	if (!s || addr_parse(s, out) < 0)
		cerr(l, xmldoc_line(n), "%s \"%s\" is not an IPv4 or IPv6 address", name,
		     s ? s : "");
	g_free(s);
}

static void
load_class(struct cload *l, const xmlNode *n)
{
	struct cme_config *c = l->c;
	struct cme_class *k = &c->classes[c->nclasses];
	struct rae_dparams *d = &k->dp;
	int line = xmldoc_line(n);
	char *cos = attr(n, "cos");

	d->cos = (uint32_t)attr_num(l, n, "id", false, 0, 0, UINT32_MAX, NULL);
	for (unsigned i = 0; i < c->nclasses; i++)
		if (c->classes[i].dp.cos == d->cos)
			cerr(l, line, "decision_parameters id %" PRIu32 " is given twice", d->cos);
	d->delay_a = attr_level(l, n, "delay_aspiration", UNITS_LEVEL_DELAY);
	d->delay_r = attr_level(l, n, "delay_reservation", UNITS_LEVEL_DELAY);
	d->loss_a = attr_level(l, n, "loss_aspiration", UNITS_LEVEL_LOSS);
	d->loss_r = attr_level(l, n, "loss_reservation", UNITS_LEVEL_LOSS);
	d->bw_a = attr_level(l, n, "bandwidth_aspiration", UNITS_LEVEL_BANDWIDTH);
	d->bw_r = attr_level(l, n, "bandwidth_reservation", UNITS_LEVEL_BANDWIDTH);
	if (!(isfinite(d->delay_a) && isfinite(d->delay_r) && d->delay_a >= 0 && d->delay_r >= 0))
		cerr(l, line, "class %" PRIu32 ": delay levels must be finite and >= 0", d->cos);
	else if (!(d->loss_a >= 0 && d->loss_a <= 1 && d->loss_r >= 0 && d->loss_r <= 1))
		cerr(l, line, "class %" PRIu32 ": loss levels must be ratios in [0, 1]", d->cos);
	else if (!(isfinite(d->bw_a) && isfinite(d->bw_r) && d->bw_a >= 0 && d->bw_r >= 0))
		cerr(l, line, "class %" PRIu32 ": bandwidth levels must be finite and >= 0",
		     d->cos);
	else if (d->delay_a > d->delay_r || d->loss_a > d->loss_r || d->bw_a < d->bw_r)
		cerr(l, line, "class %" PRIu32 ": an aspiration level is worse than its "
		     "reservation level", d->cos);
	k->cafe_cos = cos ? (unsigned)cafe_agent_cos_parse(cos) : 0;
	g_free(cos);
	c->nclasses++;
}

static void
load_content(struct cload *l, const xmlNode *n)
{
	struct cme_config *c = l->c;
	struct cme_content *t;
	unsigned ns = 0;
	char *name = attr(n, "name");

	for (unsigned i = 0; i < c->ncontents; i++)
		if (strcmp(c->contents[i].name, name) == 0)
			cerr(l, xmldoc_line(n), "content \"%s\" is given twice (first at line %d)",
			     name, c->contents[i].line);
	c->contents = g_renew(struct cme_content, c->contents, c->ncontents + 1);
	t = &c->contents[c->ncontents++];
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->size = attr_num(l, n, "size", true, 0, 0, UINT64_MAX, NULL);
	t->line = xmldoc_line(n);
	for (const xmlNode *s = n->children; s; s = s->next)
		if (is_elem(s, "server"))
			ns++;
	t->servers = g_new0(struct cme_server, ns);
	for (const xmlNode *s = n->children; s; s = s->next) {
		struct cme_server *v;

		if (!is_elem(s, "server"))
			continue;
		v = &t->servers[t->nservers++];
		v->line = xmldoc_line(s);
		attr_addr(l, s, "address", &v->addr);
		attr_addr(l, s, "agent", &v->agent);
		v->port = (uint16_t)attr_num(l, s, "port", false, 0, 1, 65535, NULL);
		v->agent_port = (uint16_t)attr_num(l, s, "agent_port", false, CAFE_AGENT_PORT, 1,
						   65535, NULL);
		v->as = (uint32_t)attr_num(l, s, "as", false, 0, 0, UINT32_MAX, NULL);
	}
}

/* What identifies a key plan entry: the domain, its entry and its exit. */
struct keyid {
	uint32_t as, from, to;	/* from and to 0 when absent or any */
	unsigned kind;		/* KEYID_* */
};

#define KEYID_FROM	1u	/* has a from (a number or any) */
#define KEYID_FROM_ANY	2u
#define KEYID_TO	4u

static guint
keyid_hash(gconstpointer p)
{
	const struct keyid *k = p;
	guint h = k->as;

	h = h * 1000003u ^ k->from;
	h = h * 1000003u ^ k->to;
	return h * 1000003u ^ k->kind;
}

static gboolean
keyid_equal(gconstpointer a, gconstpointer b)
{
	const struct keyid *x = a, *y = b;

	return x->as == y->as && x->from == y->from && x->to == y->to && x->kind == y->kind;
}

static struct keyid
keyid_of(uint32_t as, bool has_from, bool from_any, uint32_t from, bool has_to, uint32_t to)
{
	struct keyid k = { as, 0, 0, 0 };

	if (has_from)
		k.kind |= KEYID_FROM;
	if (has_from && from_any)
		k.kind |= KEYID_FROM_ANY;
	else if (has_from)
		k.from = from;
	if (has_to) {
		k.kind |= KEYID_TO;
		k.to = to;
	}
	return k;
}

/*
 * The from of a key plan entry: absent, an AS number, or "any" (an entry
 * for a stream that enters from any neighbouring AS without an entry of
 * its own, the project's extension).  An exit to "any" is refused: the
 * keys a domain gives a stream are the way to the AS it leaves towards,
 * so they cannot hold for every exit.
 */
static void
keys_ends(struct cload *l, const xmlNode *n, struct cme_keyplan *k)
{
	char *from = attr(n, "from"), *to = attr(n, "to");

	if (from && strcmp(from, "any") == 0) {
		k->has_from = k->from_any = true;
		k->from = 0;
	} else {
		k->from = (uint32_t)attr_num(l, n, "from", false, 0, 0, UINT32_MAX, &k->has_from);
	}
	if (to && strcmp(to, "any") == 0)
		cerr(l, k->line, "to=\"any\": the keys of a domain lead to the AS the stream "
		     "leaves towards, so an entry names it (from=\"any\" is allowed)");
	else
		k->to = (uint32_t)attr_num(l, n, "to", false, 0, 0, UINT32_MAX, &k->has_to);
	g_free(from);
	g_free(to);
}

static void
load_keys(struct cload *l, const xmlNode *n)
{
	struct cme_config *c = l->c;
	struct cme_keyplan *k;
	struct keyid id;
	char *hex = attr(n, "keys");
	size_t len = hex ? strlen(hex) : 0;
	gpointer first;

	c->keyplans = g_renew(struct cme_keyplan, c->keyplans, c->nkeyplans + 1);
	k = &c->keyplans[c->nkeyplans];
	memset(k, 0, sizeof(*k));
	k->line = xmldoc_line(n);
	k->as = (uint32_t)attr_num(l, n, "as", false, 0, 0, UINT32_MAX, NULL);
	keys_ends(l, n, k);
	for (size_t i = 0; i + 1 < len && k->nkeys < CME_MAX_KEYS; i += 2) {
		char b[3] = { hex[i], hex[i + 1], 0 };

		k->keys[k->nkeys++] = (uint8_t)strtoul(b, NULL, 16);
	}
	g_free(hex);
	if (l->failed)
		return;
	id = keyid_of(k->as, k->has_from, k->from_any, k->from, k->has_to, k->to);
	first = g_hash_table_lookup(c->keyindex, &id);
	if (first)
		cerr(l, k->line, "the keys of AS %" PRIu32 " for this entry and exit are "
		     "given twice (first at line %d)", k->as,
		     c->keyplans[GPOINTER_TO_UINT(first) - 1].line);
	if ((k->has_from && !k->from_any && k->from == k->as) || (k->has_to && k->to == k->as))
		cerr(l, k->line, "AS %" PRIu32 ": from and to must name neighbouring ASes, "
		     "not the AS itself", k->as);
	if (!first)
		g_hash_table_insert(c->keyindex, g_memdup2(&id, sizeof(id)),
				    GUINT_TO_POINTER(c->nkeyplans + 1));
	c->nkeyplans++;
}

struct cme_config *
cme_config_parse(const char *buf, size_t len, const char *file, char *err, size_t errlen)
{
	struct cload l = { g_new0(struct cme_config, 1), err, errlen, false };
	struct cme_config *c = l.c;
	xmlDoc *doc;
	xmlNode *root;

	c->file = g_strdup(file);
	c->keyindex = g_hash_table_new_full(keyid_hash, keyid_equal, g_free, NULL);
	doc = xmldoc_read(buf, len, file, "cme-config", xsd_entities_cme_cme_config,
			  xsd_entities_cme_cme_config_len, err, errlen);
	if (!doc) {
		cme_config_free(c);
		return NULL;
	}
	root = xmlDocGetRootElement(doc);
	c->client_port = (uint16_t)attr_num(&l, root, "client_port", false, CME_CLIENT_PORT, 1,
					     65535, NULL);
	c->collect_interval = attr_secs(&l, root, "collect_interval", "5", 0);
	c->agent_timeout = attr_secs(&l, root, "agent_timeout", "2", 1);
	c->refresh_time = attr_whole_secs(&l, root, "refresh_time", "2");
	c->flat = attr_bool(root, "decision_with_flat_function");
	for (xmlNode *n = root->children; n && !l.failed; n = n->next) {
		if (is_elem(n, "decision_parameters"))
			load_class(&l, n);
		else if (is_elem(n, "content"))
			load_content(&l, n);
		else if (is_elem(n, "keys"))
			load_keys(&l, n);
	}
	xmlFreeDoc(doc);
	if (l.failed) {
		cme_config_free(c);
		return NULL;
	}
	return c;
}

struct cme_config *
cme_config_load(const char *path, char *err, size_t errlen)
{
	char *buf = NULL, why[256];
	size_t len = 0;
	struct cme_config *c;
	int rc = fileio_read(path, FILEIO_MAX, &buf, &len);

	if (rc != FILEIO_OK) {
		fileio_strerror(rc, len, FILEIO_MAX, "configuration file", why, sizeof(why));
		if (rc == FILEIO_ERR)
			snprintf(err, errlen, "%s: cannot read: %s", path, why);
		else
			snprintf(err, errlen, "%s: %s", path, why);
		return NULL;
	}
	c = cme_config_parse(buf, len, path, err, errlen);
	g_free(buf);
	return c;
}

void
cme_config_free(struct cme_config *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->ncontents; i++) {
		g_free(c->contents[i].name);
		g_free(c->contents[i].servers);
	}
	g_free(c->contents);
	g_free(c->keyplans);
	if (c->keyindex)
		g_hash_table_destroy(c->keyindex);
	g_free(c->file);
	g_free(c);
}

const struct cme_content *
cme_config_content(const struct cme_config *c, const char *name)
{
	for (unsigned i = 0; i < c->ncontents; i++)
		if (strcmp(c->contents[i].name, name) == 0)
			return &c->contents[i];
	return NULL;
}

const struct cme_class *
cme_config_class(const struct cme_config *c, uint32_t cos)
{
	for (unsigned i = 0; i < c->nclasses; i++)
		if (c->classes[i].dp.cos == cos)
			return &c->classes[i];
	return NULL;
}

const struct cme_keyplan *
cme_config_keys(const struct cme_config *c, uint32_t as, bool has_from, uint32_t from,
		bool has_to, uint32_t to)
{
	struct keyid id = keyid_of(as, has_from, false, from, has_to, to);
	gpointer i = g_hash_table_lookup(c->keyindex, &id);

	if (!i && has_from) {
		id = keyid_of(as, true, true, 0, has_to, to);
		i = g_hash_table_lookup(c->keyindex, &id);
	}
	return i ? &c->keyplans[GPOINTER_TO_UINT(i) - 1] : NULL;
}
