/*
 * deploy_write.c - what a <deploy> generated, printed (cometsim deploy)
 * and written out as ordinary files (cometsim deploy --write,
 * doc/deploy.md, "Seeing and editing what is generated"): the
 * configuration files, deploy.script, scenario.xml and, when the
 * deployment adds hosts, topology.xml.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <libxml/tree.h>

#include "scenario/deploy_int.h"
#include "sim/log.h"

/* ---- written out ---- */

static int
write_file(const char *dir, const char *base, const char *text, size_t len, char *err,
	   size_t errlen)
{
	char *path = g_build_filename(dir, base, NULL);
	GError *ge = NULL;
	int rc = 0;

	if (!g_file_set_contents(path, text, (gssize)len, &ge)) {
		snprintf(err, errlen, "%s", log_gerror(ge));
		g_error_free(ge);
		rc = -1;
	}
	g_free(path);
	return rc;
}

/* The events as a script: deploy:AS<n>/x.xml becomes ${deploy}/AS<n>-x.xml. */
static GString *
deploy_script(const struct scenario *s)
{
	const struct scn_deploy *d = s->deploy;
	GString *g = g_string_new(NULL);

	g_string_append_printf(g, "// deploy.script - the events the <deploy> of %s adds "
			       "(doc/deploy.md).\n// The files they name are beside it: "
			       "the parameter deploy is their folder.\n", s->path);
	for (guint i = 0; i < d->cmds->len; i++) {
		const char *line = g_ptr_array_index(d->cmds, i);
		const char *at = strstr(line, "deploy:AS"), *end;

		if (!at) {
			g_string_append_printf(g, "%s\n", line);
			continue;
		}
		end = at + strcspn(at, " ");
		g_string_append_len(g, line, at - line);
		g_string_append(g, "${deploy}/");
		for (const char *q = at + strlen("deploy:"); *q; q++)
			g_string_append_c(g, *q == '/' && q < end ? '-' : *q);
		g_string_append_c(g, '\n');
	}
	return g;
}

/* A file reference of the scenario made absolute, as the loader reads it. */
static void
absolute_ref(xmlNode *e, const char *from)
{
	xmlChar *ref = xmlGetProp(e, (const xmlChar *)"file");
	char *p, *abs;

	if (!ref)
		return;
	p = scn_path_join(from, (const char *)ref);
	abs = g_canonicalize_filename(p, NULL);
	xmlSetProp(e, (const xmlChar *)"file", (const xmlChar *)abs);
	g_free(abs);
	g_free(p);
	xmlFree(ref);
}

static void
xml_attr(GString *g, const char *name, const char *v)
{
	char *e = g_markup_escape_text(v, -1);

	g_string_append_printf(g, " %s=\"%s\"", name, e);
	g_free(e);
}

/*
 * The topology as the loader has it, the deployment's hosts included, as
 * an ordinary topology file: every node of the topology (not those
 * scripts start), its interfaces and addresses, every link with all of
 * its values as parsed (so an imported link keeps what <linkdefaults>
 * gave it).
 */
static GString *
deploy_topology(const struct scenario *s)
{
	GString *g = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
				  "<!-- the topology of ");
	char b[ADDR_STRLEN + 8];

	g_string_append_printf(g, "%s with the hosts its <deploy> adds (doc/deploy.md) -->\n"
			       "<topology", s->path);
	if (s->topo_name)
		xml_attr(g, "name", s->topo_name);
	xml_attr(g, "routing", s->auto_routes ? "shortest-path" : "static");
	g_string_append(g, ">\n");
	for (guint i = 0; i < s->domains->len; i++) {
		const struct scn_domain *d = g_ptr_array_index(s->domains, i);

		g_string_append(g, "  <domain");
		xml_attr(g, "name", d->name);
		if (d->asn)
			xml_attr(g, "as", d->asn);
		if (d->prefixes)
			xml_attr(g, "prefix", d->prefixes);
		g_string_append(g, "/>\n");
	}
	for (guint i = 0; i < s->nodes->len; i++) {
		const struct scn_node *n = g_ptr_array_index(s->nodes, i);

		if (n->scripted)
			continue;
		g_string_append(g, "  <node");
		xml_attr(g, "name", n->name);
		if (n->domain)
			xml_attr(g, "domain", n->domain);
		if (n->host)
			xml_attr(g, "role", "host");
		if (!addr_is_unset(&n->router_id))
			xml_attr(g, "router-id", addr_fmt(&n->router_id, b));
		g_string_append(g, ">\n");
		for (guint k = 0; k < n->ifaces->len; k++) {
			const struct scn_iface *ifc = g_ptr_array_index(n->ifaces, k);
			GString *al = g_string_new(NULL);

			if (ifc->scripted)
				continue;
			for (guint j = 0; ifc->addrs && j < ifc->addrs->len; j++) {
				const struct ifaddr *ia = &g_array_index(ifc->addrs, struct ifaddr, j);

				g_string_append_printf(al, "%s%s/%u", j ? " " : "",
						       addr_fmt(&ia->addr, b), ia->plen);
			}
			g_string_append_printf(g, "    <%s", ifc->kind == IF_VLAN ? "vlan" :
					       ifc->kind == IF_GRE ? "gre" : "ether");
			xml_attr(g, "name", ifc->name);
			if (ifc->kind == IF_VLAN) {
				xml_attr(g, "parent", ifc->parent);
				g_string_append_printf(g, " vid=\"%u\"", ifc->vid);
			} else if (ifc->kind == IF_GRE) {
				xml_attr(g, "local", addr_fmt(&ifc->gre_local, b));
				xml_attr(g, "remote", addr_fmt(&ifc->gre_remote, b));
			}
			if (al->len)
				xml_attr(g, "address", al->str);
			g_string_append(g, "/>\n");
			g_string_free(al, TRUE);
		}
		for (guint k = 0; n->routes && k < n->routes->len; k++) {
			const struct scn_route *r = &g_array_index(n->routes, struct scn_route, k);

			g_string_append(g, "    <route");
			xml_attr(g, "prefix", prefix_fmt(&r->dst, b));
			if (!addr_is_unset(&r->gw))
				xml_attr(g, "via", addr_fmt(&r->gw, b));
			if (r->dev)
				xml_attr(g, "dev", r->dev);
			g_string_append_printf(g, " metric=\"%u\"/>\n", r->metric);
		}
		g_string_append(g, "  </node>\n");
	}
	for (guint i = 0; i < s->links->len; i++) {
		const struct scn_link *l = g_ptr_array_index(s->links, i);
		char v[128], *ep;

		if (l->scripted)
			continue;
		g_string_append(g, "  <link");
		xml_attr(g, "name", l->name);
		for (int k = 0; k < 2; k++) {
			ep = g_strdup_printf("%s:%s", l->node[k], l->ifname[k]);
			xml_attr(g, k ? "b" : "a", ep);
			g_free(ep);
		}
		for (int a = 0; a < LA_COUNT; a++)
			xml_attr(g, scn_lattr_name(a), scn_fmt_lattr(&l->p, a, v, sizeof(v)));
		g_string_append(g, "/>\n");
	}
	g_string_append(g, "</topology>\n");
	return g;
}

/* Whether a --set changed a value of a link of the topology. */
static bool links_overridden(const struct scenario *s);

/*
 * Whether --write writes topology.xml: hosts added (clients on routers,
 * where="node:...", add none), or a link's value overridden.
 */
static bool
topology_written(const struct scenario *s)
{
	for (int k = 0; k < 2; k++)
		if (s->deploy->hosts[k]->len &&
		    !((const struct dep_host *)g_ptr_array_index(s->deploy->hosts[k], 0))->on_router)
			return true;
	return links_overridden(s);
}

static bool
links_overridden(const struct scenario *s)
{
	for (guint i = 0; i < s->links->len; i++) {
		const struct scn_link *l = g_ptr_array_index(s->links, i);

		for (int a = 0; !l->scripted && a < LA_COUNT; a++)
			if (l->v[a].origin)
				return true;
	}
	return false;
}

/*
 * The values the overrides gave, in the written scenario: each <param>
 * with its value as the load had it, each run option of <run> as
 * overridden (the workload written is that of the seed and run loaded).
 */
static void
carry_overrides(const struct scenario *s, xmlNode *root)
{
	xmlNode *run = NULL;

	for (xmlNode *c = root->children; c; c = c->next) {
		xmlChar *name;
		const struct scn_param *p;

		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)c->name, "run") == 0)
			run = c;
		if (strcmp((const char *)c->name, "param") != 0)
			continue;
		name = xmlGetProp(c, (const xmlChar *)"name");
		p = name ? scn_param_find(s, (const char *)name) : NULL;
		if (p && p->origin)
			xmlSetProp(c, (const xmlChar *)"value", (const xmlChar *)p->value);
		xmlFree(name);
	}
	for (int k = 0; k < RO_COUNT; k++) {
		if (k == RO_ROUTING || !s->run[k].origin || !s->run[k].raw)
			continue;
		if (!run) {
			run = xmlNewNode(NULL, (const xmlChar *)"run");
			xmlAddChild(root, run);
		}
		xmlSetProp(run, (const xmlChar *)scn_ropt_name(k), (const xmlChar *)s->run[k].raw);
	}
}

/*
 * The scenario without its <deploy>: the same file, its references made
 * absolute, the values of the overrides in it, with the parameter deploy
 * and the script of the events; its topology written out (topology.xml)
 * when the deployment added hosts or an override changed a link.
 */
static int
deploy_scenario(const struct scenario *s, const char *dir, char *err, size_t errlen)
{
	xmlDoc *doc = xmlReadFile(s->path, NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
	xmlNode *root, *c, *next, *e;
	char *adir, *out;
	bool hosts = topology_written(s);
	int rc;

	if (!doc) {
		snprintf(err, errlen, "%s: cannot be read again", s->path);
		return -1;
	}
	root = xmlDocGetRootElement(doc);
	carry_overrides(s, root);
	for (c = root->children; c; c = next) {
		next = c->next;
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)c->name, "deploy") == 0) {
			xmlUnlinkNode(c);
			xmlFreeNode(c);
		} else if (strcmp((const char *)c->name, "topology") == 0 && hosts) {
			xmlNode *t = xmlNewNode(NULL, (const xmlChar *)"topology");

			xmlSetProp(t, (const xmlChar *)"file", (const xmlChar *)"topology.xml");
			xmlReplaceNode(c, t);
			xmlFreeNode(c);
		} else if (strcmp((const char *)c->name, "topology") == 0) {
			absolute_ref(c, s->path);
		} else if (strcmp((const char *)c->name, "events") == 0) {
			for (e = c->children; e; e = e->next)
				if (e->type == XML_ELEMENT_NODE &&
				    strcmp((const char *)e->name, "script") == 0)
					absolute_ref(e, s->path);
		}
	}
	adir = g_canonicalize_filename(dir, NULL);
	e = xmlNewNode(NULL, (const xmlChar *)"param");
	xmlSetProp(e, (const xmlChar *)"name", (const xmlChar *)"deploy");
	xmlSetProp(e, (const xmlChar *)"value", (const xmlChar *)adir);
	if (root->children)
		xmlAddPrevSibling(root->children, e);
	else
		xmlAddChild(root, e);
	e = xmlNewChild(root, NULL, (const xmlChar *)"events", NULL);
	c = xmlNewChild(e, NULL, (const xmlChar *)"script", NULL);
	xmlSetProp(c, (const xmlChar *)"file", (const xmlChar *)"deploy.script");
	out = g_build_filename(dir, "scenario.xml", NULL);
	rc = xmlSaveFormatFileEnc(out, doc, "UTF-8", 1) < 0 ? -1 : 0;
	if (rc < 0)
		snprintf(err, errlen, "%s: cannot be written", out);
	g_free(out);
	g_free(adir);
	xmlFreeDoc(doc);
	return rc;
}

const char *
scn_deploy_approach(const struct scenario *s)
{
	if (!s->deploy)
		return NULL;
	if (s->deploy->both)
		return "both";
	return s->deploy->approach == DEP_COUPLED ? "coupled" :
	       s->deploy->approach == DEP_NONE ? "none" : "decoupled";
}

bool
scenario_deploy_both(const struct scenario *s)
{
	return s->deploy && s->deploy->both;
}

int
scenario_deploy_print(const struct scenario *s, FILE *out, char *err, size_t errlen)
{
	GString *script;

	if (!s->deploy) {
		snprintf(err, errlen, "%s has no <deploy>", s->path);
		return -1;
	}
	script = deploy_script(s);
	fputs(script->str, out);
	g_string_free(script, TRUE);
	return 0;
}

/*
 * The folder's absolute path goes into deploy.script's commands as
 * ${deploy}: a blank would split the command there, and "${" would be
 * read as another parameter.  Such a folder is refused.
 */
int
scenario_deploy_write_check(const char *dir, char *err, size_t errlen)
{
	char *adir = g_canonicalize_filename(dir, NULL);
	int rc = 0;

	for (const char *p = adir; *p && rc == 0; p++)
		if (g_ascii_isspace(*p)) {
			snprintf(err, errlen, "--write %s: the folder's path has a blank, at which "
				 "deploy.script's commands would be split: choose one without", dir);
			rc = -1;
		}
	if (rc == 0 && strstr(adir, "${")) {
		snprintf(err, errlen, "--write %s: the folder's path has \"${\", which the "
			 "written scenario would read as a parameter: choose one without", dir);
		rc = -1;
	}
	g_free(adir);
	return rc;
}

char **
scenario_deploy_files(const struct scenario *s)
{
	GPtrArray *names;

	if (!s->deploy)
		return NULL;
	names = g_ptr_array_new();
	for (guint i = 0; i < s->deploy->docs->len; i++)
		g_ptr_array_add(names, g_strdup(((const struct dep_doc *)
						 g_ptr_array_index(s->deploy->docs, i))->base));
	g_ptr_array_add(names, g_strdup("deploy.script"));
	if (topology_written(s))
		g_ptr_array_add(names, g_strdup("topology.xml"));
	g_ptr_array_add(names, g_strdup("scenario.xml"));
	g_ptr_array_add(names, NULL);
	return (char **)g_ptr_array_free(names, FALSE);
}

int
scenario_deploy_write(const struct scenario *s, const char *dir, char *err, size_t errlen)
{
	const struct scn_deploy *d = s->deploy;
	GString *script;
	int rc = 0;

	if (!d) {
		snprintf(err, errlen, "%s has no <deploy>", s->path);
		return -1;
	}
	if (scenario_deploy_write_check(dir, err, errlen) < 0)
		return -1;
	if (g_mkdir_with_parents(dir, 0777) != 0) {
		snprintf(err, errlen, "%s: %s", dir, g_strerror(errno));
		return -1;
	}
	for (guint i = 0; i < d->docs->len && rc == 0; i++) {
		const struct dep_doc *doc = g_ptr_array_index(d->docs, i);

		rc = write_file(dir, doc->base, doc->text->str, doc->text->len, err, errlen);
	}
	if (rc < 0)
		return -1;
	script = deploy_script(s);
	rc = write_file(dir, "deploy.script", script->str, script->len, err, errlen);
	g_string_free(script, TRUE);
	if (rc == 0 && topology_written(s)) {
		GString *t = deploy_topology(s);

		rc = write_file(dir, "topology.xml", t->str, t->len, err, errlen);
		g_string_free(t, TRUE);
	}
	return rc < 0 ? -1 : deploy_scenario(s, dir, err, errlen);
}
