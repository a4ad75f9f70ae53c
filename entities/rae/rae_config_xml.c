/*
 * rae_config_xml.c - the RAE's configuration written as XML.
 *
 *   <rae-config local_as_number="11" local_ip_address="10.203.3.1" ...>
 *     <decision_parameters id="1" delay_aspiration="0.5" .../>
 *     <peer_table remote_as_number="5" remote_ip_address="10.5.3.1" ...>
 *       <class_table cos_id="1"><metric loss_ratio="1e-6" .../></class_table>
 *     </peer_table>
 *     <prefix_table ip_address="10.203.1.0" prefix_length="24"/>
 *     <provisioning_table>
 *       <source><prefix ip_address="10.203.1.0" prefix_length="24"/></source>
 *       <sink as_number="5"/>
 *       <class_table cos_id="1"><metric .../></class_table>
 *     </provisioning_table>
 *   </rae-config>
 *
 * Every element and attribute is a field of ConfigurationMessage with the
 * same name (config.proto), so the document is turned into that message,
 * packed, and then read by exactly the code that reads the binary file
 * (rae_config.c): the XML and the binary form cannot disagree, and the
 * converter (`cometsim rae-config`) is this file plus a write.  The
 * document is validated first against rae-config.xsd, compiled into the
 * program; an attribute that is absent is a field that is not set.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "entities/rae/config.pb-c.h"
#include "entities/rae/rae.h"
#include "entities/xmldoc.h"
#include "sim/units.h"

/* rae-config.xsd.c, generated from rae-config.xsd (scripts/embed-xsd.sh) */
extern const unsigned char xsd_entities_rae_rae_config[];
extern const unsigned int xsd_entities_rae_rae_config_len;

struct xcfg {
	const char *file;
	GPtrArray *arena;	/* everything allocated for the message */
	GHashTable *lines;	/* field path -> line, or NULL */
	char *err;
	size_t errlen;
	bool failed;
};

static int
xerr(struct xcfg *x, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
xerr(struct xcfg *x, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (x->failed)
		return -1;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(x->err, x->errlen, "%s:%d: %s", x->file, line, msg);
	else
		snprintf(x->err, x->errlen, "%s: %s", x->file, msg);
	x->failed = true;
	return -1;
}

static void *
xalloc(struct xcfg *x, size_t size)
{
	void *p = g_malloc0(size);

	g_ptr_array_add(x->arena, p);
	return p;
}

static void
xline(struct xcfg *x, const char *path, xmlNode *n)
{
	if (x->lines)
		g_hash_table_replace(x->lines, g_strdup(path),
				     GINT_TO_POINTER((int)xmlGetLineNo(n)));
}

/* An attribute's value copied into the arena, or NULL if absent. */
static char *
xattr(struct xcfg *x, xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s;

	if (!v)
		return NULL;
	s = xalloc(x, strlen((const char *)v) + 1);
	strcpy(s, (const char *)v);
	xmlFree(v);
	return s;
}

/*
 * The numbers, read as every value is (sim/units.h): the schema only says
 * they are text.  An integer field is digits; a double field is what its
 * name says, keeping the bare numbers of the binary file it mirrors: a
 * ratio (loss_*), seconds (*delay*) or bit/s (*bandwidth*), the last two
 * with an exponent allowed (4e6) and a unit too (150ms, 4Mbps).  Each
 * refusal names the line.
 */
static void
xu32(struct xcfg *x, xmlNode *n, const char *name, protobuf_c_boolean *has, uint32_t *v)
{
	char *s = xattr(x, n, name), e[UNITS_ERRLEN];
	uint64_t u = 0;

	if (!s)
		return;
	if (units_uint(name, s, 0, UINT32_MAX, &u, e, sizeof(e)) < 0)
		xerr(x, (int)xmlGetLineNo(n), "%s", e);
	*has = 1;
	*v = (uint32_t)u;
}

static void
xdouble(struct xcfg *x, xmlNode *n, const char *name, protobuf_c_boolean *has, double *v)
{
	char *s = xattr(x, n, name), e[UNITS_ERRLEN];
	enum units_level kind = strstr(name, "loss") ? UNITS_LEVEL_LOSS :
				strstr(name, "delay") ? UNITS_LEVEL_DELAY : UNITS_LEVEL_BANDWIDTH;

	if (!s)
		return;
	g_assert(kind != UNITS_LEVEL_BANDWIDTH || strstr(name, "bandwidth"));
	if (units_level(name, s, kind, v, e, sizeof(e)) < 0)
		xerr(x, (int)xmlGetLineNo(n), "%s", e);
	*has = 1;
}

static bool
is_elem(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* Append p to a repeated field (array of pointers) kept in the arena. */
static void
xpush(struct xcfg *x, void ***v, size_t *n, void *p)
{
	void **nv = xalloc(x, (*n + 1) * sizeof(void *));

	if (*n)
		memcpy(nv, *v, *n * sizeof(void *));
	nv[(*n)++] = p;
	*v = nv;
}

static Comet__Rae__Config__Prefix *
x_prefix(struct xcfg *x, xmlNode *n, const char *path)
{
	Comet__Rae__Config__Prefix *p = xalloc(x, sizeof(*p));

	comet__rae__config__prefix__init(p);
	xline(x, path, n);
	p->ip_address = xattr(x, n, "ip_address");
	xu32(x, n, "prefix_length", &p->has_prefix_length, &p->prefix_length);
	return p;
}

static void
x_classes(struct xcfg *x, xmlNode *parent, const char *path,
	  Comet__Rae__Config__ClassEntry ***v, size_t *nv)
{
	for (xmlNode *n = parent->children; n; n = n->next) {
		Comet__Rae__Config__ClassEntry *c;
		char p[256], pm[300];

		if (!is_elem(n, "class_table"))
			continue;
		c = xalloc(x, sizeof(*c));
		comet__rae__config__class_entry__init(c);
		snprintf(p, sizeof(p), "%s.class_table[%zu]", path, *nv);
		xline(x, p, n);
		xu32(x, n, "cos_id", &c->has_cos_id, &c->cos_id);
		for (xmlNode *m = n->children; m; m = m->next) {
			if (!is_elem(m, "metric"))
				continue;
			c->metric = xalloc(x, sizeof(*c->metric));
			comet__rae__config__metric__init(c->metric);
			snprintf(pm, sizeof(pm), "%s.metric", p);
			xline(x, pm, m);
			xdouble(x, m, "loss_ratio", &c->metric->has_loss_ratio,
				&c->metric->loss_ratio);
			xdouble(x, m, "maximum_delay", &c->metric->has_maximum_delay,
				&c->metric->maximum_delay);
			xdouble(x, m, "supported_bandwidth", &c->metric->has_supported_bandwidth,
				&c->metric->supported_bandwidth);
		}
		xpush(x, (void ***)v, nv, c);
	}
}

/*
 * A provisioning endpoint's as_number: an AS number, or "any" (any
 * neighbouring AS, 0 in the binary form).  A written 0 is refused: it
 * would read as the wildcard without saying so.
 */
static void
x_endpoint_as(struct xcfg *x, xmlNode *n, protobuf_c_boolean *has, uint32_t *v)
{
	char *s = xattr(x, n, "as_number");

	if (s && strcmp(s, "any") == 0) {
		*has = 1;
		*v = RAE_AS_ANY;
		return;
	}
	xu32(x, n, "as_number", has, v);
	if (*has && *v == 0)
		xerr(x, (int)xmlGetLineNo(n), "as_number: 0 is not an AS number (write \"any\" "
		     "for any neighbouring AS)");
}

/* A peer's relationship attribute into the enum of config.proto. */
static void
x_relationship(struct xcfg *x, xmlNode *n, Comet__Rae__Config__Peer *p)
{
	static const char *const names[] = { "none", "customer", "peer", "provider" };
	char *s = xattr(x, n, "relationship");

	if (!s)
		return;
	for (unsigned i = 0; i < G_N_ELEMENTS(names); i++)
		if (strcmp(s, names[i]) == 0) {
			p->has_relationship = 1;
			p->relationship = (Comet__Rae__Config__Peer__Relationship)i;
			return;
		}
	xerr(x, (int)xmlGetLineNo(n), "relationship \"%s\" is not customer, peer, provider "
	     "or none", s);
}

static Comet__Rae__Config__Endpoint *
x_endpoint(struct xcfg *x, xmlNode *n, const char *path)
{
	Comet__Rae__Config__Endpoint *e = xalloc(x, sizeof(*e));
	protobuf_c_boolean has_as = 0;
	uint32_t as = 0;
	char p[256];

	comet__rae__config__endpoint__init(e);
	xline(x, path, n);
	x_endpoint_as(x, n, &has_as, &as);
	for (xmlNode *c = n->children; c; c = c->next) {
		if (!is_elem(c, "prefix"))
			continue;
		if (has_as) {
			xerr(x, (int)xmlGetLineNo(n), "%s: give either as_number or a prefix, "
			     "not both", path);
			return e;
		}
		snprintf(p, sizeof(p), "%s.prefix", path);
		e->endpoint_case = COMET__RAE__CONFIG__ENDPOINT__ENDPOINT_PREFIX;
		e->prefix = x_prefix(x, c, p);
	}
	if (has_as) {
		e->endpoint_case = COMET__RAE__CONFIG__ENDPOINT__ENDPOINT_AS_NUMBER;
		e->as_number = as;
	}
	return e;
}

/* The root element into m. */
static void
x_root(struct xcfg *x, xmlNode *root, Comet__Rae__Config__ConfigurationMessage *m)
{
	xline(x, "", root);
	xu32(x, root, "limit_of_preferred_paths", &m->has_limit_of_preferred_paths,
	     &m->limit_of_preferred_paths);
	xu32(x, root, "local_as_number", &m->has_local_as_number, &m->local_as_number);
	m->local_ip_address = xattr(x, root, "local_ip_address");
	xu32(x, root, "local_port_number", &m->has_local_port_number, &m->local_port_number);
	xu32(x, root, "minimum_update_interval", &m->has_minimum_update_interval,
	     &m->minimum_update_interval);
	m->cme_ip_address = xattr(x, root, "cme_ip_address");
	xu32(x, root, "cme_port_number", &m->has_cme_port_number, &m->cme_port_number);
	xu32(x, root, "decision_with_flat_function", &m->has_decision_with_flat_function,
	     &m->decision_with_flat_function);

	for (xmlNode *n = root->children; n; n = n->next) {
		char path[128], sub[160];

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (is_elem(n, "decision_parameters")) {
			Comet__Rae__Config__DecisionParameters *d = xalloc(x, sizeof(*d));

			comet__rae__config__decision_parameters__init(d);
			snprintf(path, sizeof(path), "decision_parameters[%zu]",
				 m->n_decision_parameters);
			xline(x, path, n);
			xu32(x, n, "id", &d->has_id, &d->id);
			xdouble(x, n, "delay_aspiration", &d->has_delay_aspiration,
				&d->delay_aspiration);
			xdouble(x, n, "delay_reservation", &d->has_delay_reservation,
				&d->delay_reservation);
			xdouble(x, n, "loss_aspiration", &d->has_loss_aspiration,
				&d->loss_aspiration);
			xdouble(x, n, "loss_reservation", &d->has_loss_reservation,
				&d->loss_reservation);
			xdouble(x, n, "bandwidth_aspiration", &d->has_bandwidth_aspiration,
				&d->bandwidth_aspiration);
			xdouble(x, n, "bandwidth_reservation", &d->has_bandwidth_reservation,
				&d->bandwidth_reservation);
			xpush(x, (void ***)&m->decision_parameters, &m->n_decision_parameters, d);
		} else if (is_elem(n, "peer_table")) {
			Comet__Rae__Config__Peer *p = xalloc(x, sizeof(*p));

			comet__rae__config__peer__init(p);
			snprintf(path, sizeof(path), "peer_table[%zu]", m->n_peer_table);
			xline(x, path, n);
			xu32(x, n, "remote_as_number", &p->has_remote_as_number,
			     &p->remote_as_number);
			p->remote_ip_address = xattr(x, n, "remote_ip_address");
			xu32(x, n, "remote_port_number", &p->has_remote_port_number,
			     &p->remote_port_number);
			xu32(x, n, "ttl_value", &p->has_ttl_value, &p->ttl_value);
			x_relationship(x, n, p);
			x_classes(x, n, path, &p->class_table, &p->n_class_table);
			xpush(x, (void ***)&m->peer_table, &m->n_peer_table, p);
		} else if (is_elem(n, "prefix_table")) {
			snprintf(path, sizeof(path), "prefix_table[%zu]", m->n_prefix_table);
			xpush(x, (void ***)&m->prefix_table, &m->n_prefix_table,
			      x_prefix(x, n, path));
		} else if (is_elem(n, "provisioning_table")) {
			Comet__Rae__Config__Provisioning *p = xalloc(x, sizeof(*p));

			comet__rae__config__provisioning__init(p);
			snprintf(path, sizeof(path), "provisioning_table[%zu]",
				 m->n_provisioning_table);
			xline(x, path, n);
			for (xmlNode *c = n->children; c; c = c->next) {
				if (is_elem(c, "source")) {
					snprintf(sub, sizeof(sub), "%s.source", path);
					p->source = x_endpoint(x, c, sub);
				} else if (is_elem(c, "sink")) {
					snprintf(sub, sizeof(sub), "%s.sink", path);
					p->sink = x_endpoint(x, c, sub);
				}
			}
			x_classes(x, n, path, &p->class_table, &p->n_class_table);
			xpush(x, (void ***)&m->provisioning_table, &m->n_provisioning_table, p);
		}
	}
}

int
rae_config_xml_pack(const char *buf, size_t len, const char *file, uint8_t **out,
		    size_t *outlen, GHashTable *lines, char *err, size_t errlen)
{
	struct xcfg x = { file, g_ptr_array_new_with_free_func(g_free), lines, err, errlen,
			  false };
	Comet__Rae__Config__ConfigurationMessage m;
	xmlDoc *doc;
	xmlNode *root;
	int rc = -1;

	doc = xmldoc_read(buf, len, file, "rae-config", xsd_entities_rae_rae_config,
			  xsd_entities_rae_rae_config_len, err, errlen);
	if (!doc)
		goto done;
	root = xmlDocGetRootElement(doc);
	comet__rae__config__configuration_message__init(&m);
	x_root(&x, root, &m);
	if (x.failed)
		goto done;
	*outlen = comet__rae__config__configuration_message__get_packed_size(&m);
	*out = g_malloc(*outlen ? *outlen : 1);
	comet__rae__config__configuration_message__pack(&m, *out);
	rc = 0;
done:
	if (doc)
		xmlFreeDoc(doc);
	g_ptr_array_free(x.arena, TRUE);
	return rc;
}
