/*
 * deploy_conf.c - the configuration files <deploy> makes in memory
 * (doc/deploy.md, "The RAE's configuration"): each domain's RAE
 * configuration, and the CME configuration of a decoupled domain with
 * servers.  deploy.c calls these once the links' values are parsed;
 * deploy_write.c writes the files out.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "scenario/deploy_int.h"

static const char *const rel_names[] = {
	[REL_NONE] = NULL, [REL_CUSTOMER] = "customer", [REL_PEER] = "peer",
	[REL_PROVIDER] = "provider", [REL_SIBLING] = "peer",
};

/* An attribute whose value the user wrote: escaped for XML. */
static void
put_attr(GString *g, const char *name, const char *v)
{
	char *e = g_markup_escape_text(v, -1);

	g_string_append_printf(g, " %s=\"%s\"", name, e);
	g_free(e);
}

static void
put_real(GString *g, const char *name, double v)
{
	char b[G_ASCII_DTOSTR_BUF_SIZE];

	g_string_append_printf(g, " %s=\"%s\"", name, g_ascii_dtostr(b, sizeof(b), v));
}

/* The loss a frame meets on average on link parameters p. */
static double
link_loss(const struct link_params *p)
{
	const struct loss_model *m = &p->loss;
	double bad;

	switch (m->kind) {
	case LOSS_BERNOULLI:
		return m->p;
	case LOSS_GILBERT_ELLIOTT:
		if (m->p_gb + m->p_bg <= 0)
			return m->loss_good;
		bad = m->p_gb / (m->p_gb + m->p_bg);
		return (1 - bad) * m->loss_good + bad * m->loss_bad;
	default:
		return 0;
	}
}

/*
 * The metric of every class: the same for each, from the link (or
 * neutral); a value of v (delay, loss, bandwidth as a rule wrote it)
 * replaces the link's, or the neutral one.
 */
static void
put_classes_v(GString *g, const struct scn_deploy *d, const struct link_params *p,
	      const char *const v[3], const char *indent)
{
	for (guint c = 0; c < d->classes->len; c++) {
		const struct dep_class *dc = &g_array_index(d->classes, struct dep_class, c);
		char b[64];

		g_string_append_printf(g, "%s<class_table cos_id=\"%u\"><metric", indent, dc->id);
		if (v[1])
			put_attr(g, "loss_ratio", v[1]);
		else if (p)
			put_real(g, "loss_ratio", link_loss(p));
		else
			g_string_append(g, " loss_ratio=\"0\"");
		if (v[0])
			put_attr(g, "maximum_delay", v[0]);
		else
			g_string_append_printf(g, " maximum_delay=\"%s\"", p ?
					       units_fmt_duration(p->delay, b, sizeof(b)) : "0");
		if (v[2])
			put_attr(g, "supported_bandwidth", v[2]);
		else if (p)
			g_string_append_printf(g, " supported_bandwidth=\"%s\"",
					       units_fmt_rate(p->bandwidth_bps, b, sizeof(b)));
		g_string_append(g, "/></class_table>\n");
	}
}

/* The metric of every class: the same for each, from the link (or neutral). */
static void
put_classes(GString *g, const struct scn_deploy *d, const struct link_params *p,
	    const char *indent)
{
	for (guint c = 0; c < d->classes->len; c++) {
		const struct dep_class *dc = &g_array_index(d->classes, struct dep_class, c);
		char b[64];

		g_string_append_printf(g, "%s<class_table cos_id=\"%u\"><metric", indent, dc->id);
		if (p) {
			put_real(g, "loss_ratio", link_loss(p));
			g_string_append_printf(g, " maximum_delay=\"%s\"",
					       units_fmt_duration(p->delay, b, sizeof(b)));
			g_string_append_printf(g, " supported_bandwidth=\"%s\"",
					       units_fmt_rate(p->bandwidth_bps, b, sizeof(b)));
		} else {
			g_string_append(g, " loss_ratio=\"0\" maximum_delay=\"0\"");
		}
		g_string_append(g, "/></class_table>\n");
	}
}

static void
put_endpoint(GString *g, const char *what, const struct dep_as *a, const struct prefix *p)
{
	char b[ADDR_STRLEN];

	if (p)
		g_string_append_printf(g, "<%s><prefix ip_address=\"%s\" prefix_length=\"%u\"/>"
				       "</%s>", what, addr_fmt(&p->addr, b), p->len, what);
	else if (a)
		g_string_append_printf(g, "<%s as_number=\"%" PRIu32 "\"/>", what, a->asn);
	else
		g_string_append_printf(g, "<%s as_number=\"any\"/>", what);
}

static void
put_prov(GString *g, const struct scn_deploy *d, const struct dep_as *src,
	 const struct prefix *sp, const struct dep_as *dst, const struct prefix *dp)
{
	g_string_append(g, "  <provisioning_table>");
	put_endpoint(g, "source", src, sp);
	put_endpoint(g, "sink", dst, dp);
	g_string_append(g, "\n");
	put_classes(g, d, NULL, "    ");
	g_string_append(g, "  </provisioning_table>\n");
}

/*
 * <inside>: an entry per neighbour rather than wildcards, with the
 * rules' metric: from each prefix to each neighbouring AS, from each to
 * the prefix, then (transit="yes", the default) from each neighbour to
 * each other.
 */
static void
prov_explicit(GString *g, const struct scn_deploy *d, const struct dep_as *a)
{
	const char *v[3];
	bool transit;

	dep_metric_inside(d, a, v, &transit);
	for (guint j = 0; j < a->prefixes->len; j++) {
		const struct prefix *p = &g_array_index(a->prefixes, struct prefix, j);

		for (int dir = 0; dir < 2; dir++)
			for (guint k = 0; k < a->nbrs->len; k++) {
				const struct dep_as *n = g_array_index(a->nbrs, struct dep_nbr, k).as;

				g_string_append(g, "  <provisioning_table>");
				put_endpoint(g, "source", dir ? n : a, dir ? NULL : p);
				put_endpoint(g, "sink", dir ? a : n, dir ? p : NULL);
				g_string_append(g, "\n");
				put_classes_v(g, d, NULL, v, "    ");
				g_string_append(g, "  </provisioning_table>\n");
			}
	}
	for (guint k = 0; transit && k < a->nbrs->len; k++)
		for (guint m = 0; m < a->nbrs->len; m++) {
			const struct dep_as *x = g_array_index(a->nbrs, struct dep_nbr, k).as;
			const struct dep_as *y = g_array_index(a->nbrs, struct dep_nbr, m).as;

			if (x == y)
				continue;
			g_string_append(g, "  <provisioning_table>");
			put_endpoint(g, "source", x, NULL);
			put_endpoint(g, "sink", y, NULL);
			g_string_append(g, "\n");
			put_classes_v(g, d, NULL, v, "    ");
			g_string_append(g, "  </provisioning_table>\n");
		}
}

static struct dep_doc *
doc_new(struct scn_deploy *d, const struct dep_as *a, const char *what)
{
	struct dep_doc *doc = g_new0(struct dep_doc, 1);

	doc->name = g_strdup_printf("deploy:AS%" PRIu32 "/%s", a->asn, what);
	doc->base = g_strdup_printf("AS%" PRIu32 "-%s", a->asn, what);
	doc->text = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	g_ptr_array_add(d->docs, doc);
	return doc;
}

/* The RAE configuration of AS a (rae-config, doc/rae.md). */
void
dep_rae_doc(struct scn_deploy *d, const struct dep_as *a)
{
	GString *g = doc_new(d, a, "rae.xml")->text;
	char b[ADDR_STRLEN];

	g_string_append_printf(g, "<!-- the RAE of AS %" PRIu32 " (domain %s), made by "
			       "<deploy> (doc/deploy.md) -->\n", a->asn, a->dom->name);
	g_string_append_printf(g, "<rae-config limit_of_preferred_paths=\"%u\" "
			       "local_as_number=\"%" PRIu32 "\" local_ip_address=\"%s\" "
			       "local_port_number=\"%d\" minimum_update_interval=\"%u\"",
			       d->limit, a->asn, addr_fmt(&a->ip, b), DEP_PORT_RAE, d->mrai);
	if (d->approach == DEP_DECOUPLED && a->cme_node)
		g_string_append_printf(g, " cme_ip_address=\"%s\" cme_port_number=\"%d\"",
				       addr_fmt(&a->cme_ip, b), DEP_PORT_CME);
	else if (d->approach == DEP_COUPLED)	/* the CRME, on the same node, takes its paths */
		g_string_append_printf(g, " cme_ip_address=\"%s\" cme_port_number=\"%d\"",
				       addr_fmt(&a->ip, b), DEP_PORT_CME);
	g_string_append(g, ">\n");
	for (guint c = 0; c < d->classes->len; c++) {
		const struct dep_class *dc = &g_array_index(d->classes, struct dep_class, c);

		g_string_append_printf(g, "  <decision_parameters id=\"%u\"", dc->id);
		for (int k = 0; k < 6; k++)
			if (dc->v[k])
				put_attr(g, dep_class_attrs[k], dc->v[k]);
		g_string_append(g, "/>\n");
	}
	for (guint k = 0; k < a->nbrs->len; k++) {
		const struct dep_nbr *nb = &g_array_index(a->nbrs, struct dep_nbr, k);

		g_string_append_printf(g, "  <peer_table remote_as_number=\"%" PRIu32 "\" "
				       "remote_ip_address=\"%s\" remote_port_number=\"%d\" "
				       "ttl_value=\"1\"", nb->as->asn, addr_fmt(&nb->peer_ip, b),
				       DEP_PORT_RAE);
		if (rel_names[nb->rel])
			g_string_append_printf(g, " relationship=\"%s\"", rel_names[nb->rel]);
		g_string_append(g, ">\n");
		if (d->links->len) {
			const char *v[3];

			dep_metric_link(d, a, nb->as, v);
			put_classes_v(g, d, &nb->rlink->p, v, "    ");
		} else {
			put_classes(g, d, &nb->rlink->p, "    ");
		}
		g_string_append(g, "  </peer_table>\n");
	}
	for (guint k = 0; k < a->prefixes->len; k++) {
		const struct prefix *p = &g_array_index(a->prefixes, struct prefix, k);

		g_string_append_printf(g, "  <prefix_table ip_address=\"%s\" prefix_length=\"%u\"/>\n",
				       addr_fmt(&p->addr, b), p->len);
	}
	if (d->inside->len) {
		prov_explicit(g, d, a);
		g_string_append(g, "</rae-config>\n");
		return;
	}
	/*
	 * Into and out of the domain, and across it, neutral metrics: from
	 * each prefix to any neighbouring AS and back, and from any to any
	 * (doc/rae.md, "Wildcard provisioning"): as many entries for a
	 * domain of a thousand neighbours as for one of two.
	 */
	for (guint j = 0; j < a->prefixes->len; j++) {
		const struct prefix *p = &g_array_index(a->prefixes, struct prefix, j);

		put_prov(g, d, a, p, NULL, NULL);
		put_prov(g, d, NULL, NULL, a, p);
	}
	if (a->nbrs->len > 1)
		put_prov(g, d, NULL, NULL, NULL, NULL);
	g_string_append(g, "</rae-config>\n");
}

/* A domain's cme.xml up to its contents: the element and the classes' decision parameters. */
static GString *
cme_doc_head(struct scn_deploy *d, const struct dep_as *a)
{
	GString *g = doc_new(d, a, "cme.xml")->text;

	g_string_append_printf(g, "<!-- the CME of AS %" PRIu32 " (domain %s), made by "
			       "<deploy> (doc/deploy.md) -->\n<cme-config client_port=\"9091\"",
			       a->asn, a->dom->name);
	put_attr(g, "collect_interval", d->collect ? d->collect : "0");
	g_string_append(g, ">\n");
	for (guint c = 0; c < d->classes->len; c++) {
		const struct dep_class *dc = &g_array_index(d->classes, struct dep_class, c);

		g_string_append_printf(g, "  <decision_parameters id=\"%u\"", dc->id);
		put_attr(g, "cos", dc->cos ? dc->cos : "BE");
		for (int k = 0; k < 6; k++)
			put_attr(g, dep_class_attrs[k], dc->v[k]);
		g_string_append(g, "/>\n");
	}
	return g;
}

/* The CME configuration of a domain with servers (doc/cme.md): its contents, every key plan. */
void
dep_cme_doc(struct scn_deploy *d, const struct dep_as *a)
{
	GString *g = cme_doc_head(d, a);
	GPtrArray *srv = d->hosts[PL_SERVERS];
	char b[ADDR_STRLEN], r[ADDR_STRLEN];

	addr_fmt(&a->ip, r);
	for (unsigned c = 0; c < d->wl.ncontents; c++) {
		const struct dep_host *h = g_ptr_array_index(srv, c % srv->len);

		if (h->as != a)
			continue;
		g_string_append_printf(g, "  <content name=\"c%u\" size=\"%" PRIu64 "\"><server "
				       "address=\"%s\" port=\"8080\" as=\"%" PRIu32 "\" agent=\"%s\"/>"
				       "</content>\n", c + 1, d->wl.sizes[c], addr_fmt(&h->ip, b),
				       a->asn, r);
	}
	/* One key a neighbour in every domain: out of the source, across, into the client's. */
	for (guint i = 0; i < d->ases->len; i++) {
		const struct dep_as *x = g_ptr_array_index(d->ases, i);

		for (guint k = 0; k < x->nbrs->len; k++) {
			const struct dep_nbr *nb = &g_array_index(x->nbrs, struct dep_nbr, k);

			g_string_append_printf(g, "  <keys as=\"%" PRIu32 "\" to=\"%" PRIu32 "\" "
					       "keys=\"%02x\"/>\n  <keys as=\"%" PRIu32 "\" from=\"any\" "
					       "to=\"%" PRIu32 "\" keys=\"%02x\"/>\n", x->asn,
					       nb->as->asn, nb->key, x->asn, nb->as->asn, nb->key);
		}
		g_string_append_printf(g, "  <keys as=\"%" PRIu32 "\" from=\"any\" keys=\"\"/>\n",
				       x->asn);
	}
	g_string_append(g, "</cme-config>\n");
}

/*
 * The CME configuration of a domain with named contents (decoupled): its
 * contents, each on its server host with the agent of its edge CAFE, and
 * the key plan of the shortest AS paths to the clients, entry by entry.
 */
void
dep_cme_doc_contents(struct scn_deploy *d, const struct dep_as *a)
{
	GString *g = cme_doc_head(d, a);
	char b[ADDR_STRLEN], r[ADDR_STRLEN];

	for (guint i = 0; i < d->contents->len; i++) {
		const struct dep_content *c = g_ptr_array_index(d->contents, i);

		if (c->as != a)
			continue;
		g_string_append(g, "  <content");
		put_attr(g, "name", c->name);
		g_string_append_printf(g, " size=\"%" PRIu64 "\"><server address=\"%s\" "
				       "port=\"8080\" as=\"%" PRIu32 "\" agent=\"%s\"/></content>\n",
				       c->size, addr_fmt(&c->node_ip, b), a->asn,
				       addr_fmt(&c->agent_ip, r));
	}
	for (guint i = 0; i < d->plan->len; i++) {
		const struct dep_keyent *k = &g_array_index(d->plan, struct dep_keyent, i);
		const struct dep_as *x = NULL;

		for (guint j = 0; j < d->ases->len && !x; j++)
			if (((const struct dep_as *)g_ptr_array_index(d->ases, j))->asn == k->as)
				x = g_ptr_array_index(d->ases, j);
		g_string_append_printf(g, "  <keys as=\"%" PRIu32 "\"", k->as);
		if (k->from)
			g_string_append_printf(g, " from=\"%" PRIu32 "\"", k->from);
		if (k->to) {
			unsigned key = 0;

			for (guint j = 0; j < x->nbrs->len; j++) {
				const struct dep_nbr *nb = &g_array_index(x->nbrs, struct dep_nbr, j);

				if (nb->as->asn == k->to)
					key = nb->key;
			}
			g_string_append_printf(g, " to=\"%" PRIu32 "\" keys=\"%02x\"/>\n", k->to,
					       key);
		} else {
			g_string_append(g, " keys=\"\"/>\n");
		}
	}
	g_string_append(g, "</cme-config>\n");
}
