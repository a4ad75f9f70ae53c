/*
 * scenario.c - the scenario API: load, describe (parameters, DOT).
 *
 * scenario_load() is the loader's pipeline, one step after the other,
 * each in its own file; a step calls down to the description (desc.c)
 * and to the steps before it, never back up:
 *
 *   1. merge the overrides       override.c   the command line's list:
 *                                             one per name, the last wins
 *   2. read the files            scenario_xml.c, script.c
 *                                             a <param> takes its override
 *                                             as it is read (params.c
 *                                             expands ${name})
 *   3. replay the events         replay.c     check every reference, make
 *                                             the scripts' routers, links
 *                                             and entity instances
 *   4. bind the overrides        override.c   every other override
 *                                             replaces the value it names
 *   5. parse the values          values.c     run options, links
 *   6. check the limits          here
 *
 * scenario_instantiate() (build.c) then makes the description real.
 * doc/scenario-format.md describes the formats and, in "--set", the path
 * of a value from the command line to what uses it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "scenario/graph.h"
#include "scenario/scenario_int.h"

/*
 * Refuse a scenario the machine could not hold once built, citing the
 * node or link that goes past the limit (scenario_int.h, SCN_*_MAX): at
 * most SCN_NODES_MAX nodes and SCN_LINKS_MAX links, counting those the
 * scripts start.  Shortest-path routing has no limit of its own: it is
 * computed on demand (sim/spf.c), and grows with what the run uses.
 * Runs once the events are replayed, so the scripts' routers are known.
 */
static int
limits_check(struct scn_ld *ld)
{
	struct scenario *s = ld->s;

	if (s->nodes->len > SCN_NODES_MAX) {
		const struct scn_node *n = g_ptr_array_index(s->nodes, SCN_NODES_MAX);

		return scn_error(ld, n->file, n->line, "node %s: more than %u nodes, the most "
				 "a scenario may have", n->name, SCN_NODES_MAX);
	}
	if (s->links->len > SCN_LINKS_MAX) {
		const struct scn_link *l = g_ptr_array_index(s->links, SCN_LINKS_MAX);

		return scn_error(ld, l->file, l->line, "link %s: more than %u links, the most "
				 "a scenario may have", l->name, SCN_LINKS_MAX);
	}
	return 0;
}

/*
 * Load and check a scenario: the steps of the pipeline above.  The
 * overrides come in precedence order (a later one wins).
 */
struct scenario *
scenario_load(const char *path, const struct scn_override *ov, size_t nov,
	      char *err, size_t errlen)
{
	return scenario_load_as(path, NULL, ov, nov, err, errlen);
}

bool
scenario_format_known(const char *format)
{
	return graph_reader_of(format) != NULL;
}

struct scenario *
scenario_load_as(const char *path, const char *format, const struct scn_override *ov,
		 size_t nov, char *err, size_t errlen)
{
	struct scn_ld ld = {
		.err = err, .errlen = errlen,
	};

	if (errlen)
		err[0] = '\0';
	ld.s = scn_desc_new(path);
	ld.note = g_string_new(NULL);
	if (scn_overrides_merge(&ld, ov, nov) < 0)
		goto fail;
	if (format) {
		ld.s->auto_routes = true;
		if (scn_topology_import(&ld, NULL, 0, path, format) < 0 ||
		    scn_topo_check(&ld) < 0)
			goto fail;
		if (!ld.s->name)
			ld.s->name = g_strdup(ld.s->topo_name);
	} else if (scn_xml_load(&ld, path) < 0) {
		goto fail;
	}
	if (scn_events_replay(&ld) < 0)
		goto fail;
	if (scn_overrides_bind(&ld) < 0)
		goto fail;
	if (scn_values_parse(&ld) < 0)
		goto fail;
	if (scn_bridges_check(&ld) < 0)
		goto fail;
	if (ld.s->deploy && scn_deploy_finish(&ld) < 0)
		goto fail;
	if (limits_check(&ld) < 0 || scn_taps_check(&ld) < 0)
		goto fail;
	scn_overrides_free(&ld);
	g_string_free(ld.note, TRUE);
	if (ld.notes)
		g_hash_table_destroy(ld.notes);
	return ld.s;
fail:
	if (!ld.failed)
		scn_error(&ld, path, 0, "cannot load the scenario");
	scn_overrides_free(&ld);
	g_string_free(ld.note, TRUE);
	if (ld.notes)
		g_hash_table_destroy(ld.notes);
	scenario_free(ld.s);
	return NULL;
}

/* Name of the scenario (its name attribute, or the file's base name). */
const char *
scenario_name(const struct scenario *s)
{
	return s->name;
}

const char *
scenario_path(const struct scenario *s)
{
	return s->path;
}

const struct scn_run_opts *
scenario_run_opts(const struct scenario *s)
{
	return &s->ro;
}

static void
print_param(void *ctx, const char *name, const char *value)
{
	fprintf(ctx, "%s=%s\n", name, value);
}

/* Every --set name, one a line, as NAME=VALUE with its current value. */
void
scenario_list_params(const struct scenario *s, FILE *out)
{
	scn_params_foreach(s, print_param, out);
}

/* ---- Graphviz ---- */

/* Write s as a DOT string, quoted and escaped. */
static void
dot_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '\n') {
			fputs("\\n", out);
			continue;
		}
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

static void
dot_node(FILE *out, const struct scn_node *n, const char *indent)
{
	GString *label = g_string_new(n->name);
	char buf[ADDR_STRLEN];

	if (n->label)
		g_string_append_printf(label, " (%s)", n->label);
	if (!addr_is_unset(&n->router_id))
		g_string_append_printf(label, "\n%s", addr_fmt(&n->router_id, buf));
	for (guint i = 0; i < n->ifaces->len; i++) {
		const struct scn_iface *ifc = g_ptr_array_index(n->ifaces, i);

		for (guint k = 0; k < ifc->addrs->len; k++) {
			const struct ifaddr *a = &g_array_index(ifc->addrs, struct ifaddr, k);

			g_string_append_printf(label, "\n%s %s/%u", ifc->name,
					       addr_fmt(&a->addr, buf), a->plen);
		}
	}
	fprintf(out, "%s", indent);
	dot_str(out, n->name);
	fprintf(out, " [label=");
	dot_str(out, label->str);
	fprintf(out, ", shape=%s];\n", n->host ? "ellipse" : "box");
	g_string_free(label, TRUE);
}

/* The node of the topology that has address a on one of its interfaces. */
static const struct scn_node *
node_with_addr(const struct scenario *s, const struct addr *a)
{
	for (guint i = 0; i < s->nodes->len; i++) {
		const struct scn_node *n = g_ptr_array_index(s->nodes, i);

		for (guint j = 0; j < n->ifaces->len; j++) {
			const struct scn_iface *ifc = g_ptr_array_index(n->ifaces, j);

			for (guint k = 0; k < ifc->addrs->len; k++)
				if (addr_eq(&g_array_index(ifc->addrs, struct ifaddr, k).addr, a))
					return n;
		}
	}
	return NULL;
}

/* "100Mbps" as "100 Mbps": a space between a number and its unit. */
static void
spaced_unit(const char *f, GString *g)
{
	const char *u = f;

	while (*u && (g_ascii_isdigit(*u) || *u == '.'))
		u++;
	g_string_append_len(g, f, u - f);
	if (*u)
		g_string_append_printf(g, " %s", u);
}

/* A link's parameters for a reader: "1 Gbps, 0 ms, weight 1". */
static void
link_params_text(const struct scn_link *l, GString *g)
{
	char buf[64];

	spaced_unit(units_fmt_rate(l->p.bandwidth_bps, buf, sizeof(buf)), g);
	g_string_append(g, ", ");
	if (l->p.delay == 0)
		g_string_append(g, "0 ms");
	else
		spaced_unit(units_fmt_duration(l->p.delay, buf, sizeof(buf)), g);
	g_string_append_printf(g, ", weight %" PRIu32, l->p.weight);
}

/*
 * The domain a node belongs to: its own (<domain>, an imported graph), or
 * for a node without one named as the curling scripts name routers,
 * "D.H" (router H of domain D), D.  NULL: none.  *buf receives a name
 * made here (g_free() it).
 */
static const char *
node_domain(const struct scn_node *n, char **buf)
{
	const char *dot;
	size_t i;

	*buf = NULL;
	if (n->domain)
		return n->domain;
	dot = strchr(n->name, '.');
	if (!dot || dot == n->name || !dot[1])
		return NULL;
	for (i = 0; n->name[i]; i++)
		if (n->name + i != dot && !g_ascii_isdigit(n->name[i]))
			return NULL;
	*buf = g_strndup(n->name, (gsize)(dot - n->name));
	return *buf;
}

/*
 * The topology as an undirected graph: nodes grouped by domain (a
 * curling script's routers "D.H" by D), links labelled with their name,
 * bandwidth, delay and weight, GRE tunnels as dashed edges.  For a
 * curling script: every router and link the script starts.
 */
void
scenario_write_dot(const struct scenario *s, FILE *out)
{
	fprintf(out, "graph ");
	dot_str(out, s->name);
	fprintf(out, " {\n\tnode [fontname=\"Helvetica\", fontsize=10];\n"
		"\tedge [fontname=\"Helvetica\", fontsize=9];\n");
	/*
	 * The nodes of each domain, in node order, found in one pass: the
	 * domains the scenario declares, then those of routers named "D.H"
	 * (a curling script's), in the order they first appear.
	 */
	GHashTable *members = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						    (GDestroyNotify)g_ptr_array_unref);
	GPtrArray *named = g_ptr_array_new_with_free_func(g_free);

	for (guint i = 0; i < s->nodes->len; i++) {
		const struct scn_node *n = g_ptr_array_index(s->nodes, i);
		char *own;
		const char *d = node_domain(n, &own);
		GPtrArray *v;

		if (!d)
			continue;
		if (!(v = g_hash_table_lookup(members, d))) {
			v = g_ptr_array_new();
			g_hash_table_insert(members, g_strdup(d), v);
			if (own)
				g_ptr_array_add(named, g_strdup(d));
		}
		g_ptr_array_add(v, (gpointer)n);
		g_free(own);
	}
	for (guint d = 0; d < s->domains->len + named->len; d++) {
		const struct scn_domain *dom = d < s->domains->len ?
			g_ptr_array_index(s->domains, d) : NULL;
		const char *dname = dom ? dom->name : g_ptr_array_index(named, d - s->domains->len);
		GString *label = g_string_new(NULL);
		char *cl = g_strdup_printf("cluster_%s", dname);
		GPtrArray *v = g_hash_table_lookup(members, dname);

		if (dom) {
			char *asname = dom->asn ? g_strdup_printf("AS%s", dom->asn) : NULL;

			g_string_append(label, dom->name);
			/* "AS64601", not "AS64601 AS64601": a name that is already its AS number. */
			if (asname && g_ascii_strcasecmp(asname, dom->name) != 0)
				g_string_append_printf(label, " %s", asname);
			g_free(asname);
			if (dom->prefixes)
				g_string_append_printf(label, "\n%s", dom->prefixes);
		} else {
			g_string_append_printf(label, "domain %s", dname);
		}
		fprintf(out, "\tsubgraph ");
		dot_str(out, cl);
		fprintf(out, " {\n\t\tlabel=");
		dot_str(out, label->str);
		fprintf(out, ";\n");
		for (guint i = 0; v && i < v->len; i++)
			dot_node(out, g_ptr_array_index(v, i), "\t\t");
		fprintf(out, "\t}\n");
		g_string_free(label, TRUE);
		g_free(cl);
	}
	for (guint i = 0; i < s->nodes->len; i++) {
		const struct scn_node *n = g_ptr_array_index(s->nodes, i);
		char *own;

		if (!node_domain(n, &own))
			dot_node(out, n, "\t");
		g_free(own);
	}
	g_hash_table_destroy(members);
	g_ptr_array_free(named, TRUE);
	for (guint i = 0; i < s->links->len; i++) {
		const struct scn_link *l = g_ptr_array_index(s->links, i);
		GString *label = g_string_new(NULL);

		/* Its name, then "1 Gbps, 0 ms, weight 1". */
		if (l->name)
			g_string_append_printf(label, "%s\n", l->name);
		link_params_text(l, label);
		fprintf(out, "\t");
		dot_str(out, l->node[0]);
		fprintf(out, " -- ");
		dot_str(out, l->node[1]);
		fprintf(out, " [label=");
		dot_str(out, label->str);
		fprintf(out, ", taillabel=");
		dot_str(out, l->ifname[0]);
		fprintf(out, ", headlabel=");
		dot_str(out, l->ifname[1]);
		fprintf(out, "%s];\n", l->scripted ? ", style=bold" : "");
		g_string_free(label, TRUE);
	}
	for (guint i = 0; i < s->nodes->len; i++) {
		const struct scn_node *n = g_ptr_array_index(s->nodes, i);

		for (guint j = 0; j < n->ifaces->len; j++) {
			const struct scn_iface *ifc = g_ptr_array_index(n->ifaces, j);
			const struct scn_node *peer;

			/* Each tunnel once: from the end with the smaller name. */
			if (ifc->kind != IF_GRE ||
			    !(peer = node_with_addr(s, &ifc->gre_remote)) || peer == n)
				continue;
			if (strcmp(n->name, peer->name) > 0)
				continue;
			fprintf(out, "\t");
			dot_str(out, n->name);
			fprintf(out, " -- ");
			dot_str(out, peer->name);
			fprintf(out, " [style=dashed, label=");
			dot_str(out, ifc->name);
			fprintf(out, "];\n");
		}
	}
	fprintf(out, "}\n");
}

/* ---- text ---- */

/*
 * The topology for a reader, as "cometsim topo" prints it without --dot:
 * a line per node (its domain, router or host, its interfaces and their
 * addresses), then a line per link (its name, its two ends, bandwidth,
 * delay, weight).
 */
void
scenario_write_text(const struct scenario *s, FILE *out)
{
	char buf[ADDR_STRLEN];

	fprintf(out, "scenario %s: %u nodes, %u links\n", s->name, s->nodes->len,
		s->links->len);
	for (guint i = 0; i < s->nodes->len; i++) {
		const struct scn_node *n = g_ptr_array_index(s->nodes, i);
		char *own;
		const char *d = node_domain(n, &own);

		fprintf(out, "node %s: %s", n->name, n->host ? "host" : "router");
		if (d)
			fprintf(out, ", domain %s", d);
		if (!addr_is_unset(&n->router_id))
			fprintf(out, ", id %s", addr_fmt(&n->router_id, buf));
		for (guint j = 0; j < n->ifaces->len; j++) {
			const struct scn_iface *ifc = g_ptr_array_index(n->ifaces, j);

			fprintf(out, "%s %s", j ? "," : ";", ifc->name);
			for (guint k = 0; k < ifc->addrs->len; k++) {
				const struct ifaddr *a = &g_array_index(ifc->addrs, struct ifaddr, k);

				fprintf(out, " %s/%u", addr_fmt(&a->addr, buf), a->plen);
			}
		}
		fputc('\n', out);
		g_free(own);
	}
	for (guint i = 0; i < s->links->len; i++) {
		const struct scn_link *l = g_ptr_array_index(s->links, i);
		GString *g = g_string_new(NULL);

		link_params_text(l, g);
		fprintf(out, "link %s: %s %s -- %s %s, %s\n", l->name ? l->name : "-",
			l->node[0], l->ifname[0], l->node[1], l->ifname[1], g->str);
		g_string_free(g, TRUE);
	}
}
