/*
 * deploy_place.c - where <deploy> puts what it adds to a topology
 * (doc/deploy.md, "Hosts"): the domains a <servers> or <clients> rule
 * picks, and the server and client hosts it adds to them, each linked to
 * its domain's node.  deploy.c calls these while it plans.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "scenario/deploy_int.h"

/* Domains by AS number: the order of every list of domains a deployment makes. */
gint
dep_as_cmp(gconstpointer a, gconstpointer b)
{
	const struct dep_as *x = *(struct dep_as *const *)a, *y = *(struct dep_as *const *)b;

	return x->asn < y->asn ? -1 : x->asn > y->asn;
}

/* An Ethernet interface name the node does not have yet: eth<k>, the lowest k. */
static char *
free_eth(const struct scn_node *n)
{
	for (unsigned k = 0;; k++) {
		char *name = g_strdup_printf("eth%u", k);

		if (!scn_node_iface(n, name))
			return name;
		g_free(name);
	}
}

static int
host_iface(struct scn_ld *ld, struct scn_node *n, const char *name, uint32_t a, const char *file,
	   int line)
{
	struct scn_iface *ifc = scn_iface_new(n, name, IF_ETHER, file, line);
	struct ifaddr ia = { .addr = addr_v4(a), .plen = 30 };

	g_array_append_val(ifc->addrs, ia);
	return scn_addr_claim(ld, n, name, &ia.addr, file, line, "address");
}

/*
 * A host of the deployment in domain a: a node "<domain>-<role><k>" with
 * eth0 on a /30 of the domain's first prefix, linked to the domain's RAE
 * node by a 1 Gbit/s, 100 us link whose MTU is 1400 bytes.
 */
struct dep_host *
dep_add_host(struct scn_ld *ld, struct scn_deploy *d, struct dep_as *a, const char *role,
	 const char *elem, unsigned k, const struct dep_place *pl)
{
	struct scenario *s = ld->s;
	const struct prefix *p = &g_array_index(a->prefixes, struct prefix, 0);
	struct scn_node *r = a->node, *h;
	struct scn_link *l;
	struct dep_host *dh;
	char *name, *rif;
	uint32_t base;

	if (p->addr.af != ADDR_V4) {
		char b[ADDR_STRLEN + 4];

		scn_error_also(ld, a->dom->file, a->dom->line, pl->file, pl->line, "domain %s: "
			       "prefix %s is not IPv4, and the hosts of <%s> (line %d) are "
			       "placed on IPv4 /30s of the domain's first prefix", a->dom->name,
			       prefix_fmt(p, b), elem, pl->line);
		return NULL;
	}
	if (p->len > 30 || a->next_slot >= (1u << (30 - p->len)) - (p->len < 30)) {
		char b[ADDR_STRLEN + 4];

		scn_error(ld, pl->file, pl->line, "<%s>: domain %s's prefix %s has no /30 "
			  "left for another host", elem, a->dom->name, prefix_fmt(p, b));
		return NULL;
	}
	name = g_strdup_printf("%s-%s%u", a->dom->name, role, k);
	if (g_hash_table_lookup(s->node_by_name, name)) {
		scn_error(ld, pl->file, pl->line, "<%s>: the host %s would take the name of a "
			  "node of the topology", elem, name);
		g_free(name);
		return NULL;
	}
	/* The prefix's first /30 is left alone: its first address is the domain's. */
	base = addr_v4_host(&p->addr) + 4 * (++a->next_slot);
	h = scn_node_new(s, name, pl->file, pl->line);
	g_free(name);
	h->host = true;
	h->domain = g_strdup(a->dom->name);
	h->exists = h->up = true;
	rif = free_eth(r);
	if (host_iface(ld, h, "eth0", base + 2, pl->file, pl->line) < 0 ||
	    host_iface(ld, r, rif, base + 1, pl->file, pl->line) < 0) {
		g_free(rif);
		return NULL;
	}
	l = scn_link_new(s, pl->file, pl->line);
	l->node[0] = g_strdup(r->name);
	l->ifname[0] = rif;
	l->node[1] = g_strdup(h->name);
	l->ifname[1] = g_strdup("eth0");
	l->name = g_strdup_printf("%s-%s", r->name, h->name);
	if (g_hash_table_lookup(s->link_by_name, l->name)) {
		scn_error(ld, pl->file, pl->line, "<%s>: the link %s would take the name of a "
			  "link of the topology", elem, l->name);
		return NULL;
	}
	g_hash_table_insert(s->link_by_name, l->name, l);
	scn_node_iface(r, rif)->link = l->name;
	scn_node_iface(h, "eth0")->link = l->name;
	scn_val_set(&l->v[LA_BANDWIDTH], "1Gbps", pl->file, pl->line);
	scn_val_set(&l->v[LA_DELAY], "100us", pl->file, pl->line);
	/*
	 * A host's packets leave room for a COMET header (doc/comet-header.md):
	 * a server's full TCP segment still fits a 1500-byte link once the
	 * edge CAFE has put the header on.
	 */
	scn_val_set(&l->v[LA_MTU], "1400", pl->file, pl->line);
	l->exists = l->up = true;
	dh = g_new0(struct dep_host, 1);
	dh->node = h;
	dh->as = a;
	dh->rif = scn_node_iface(r, rif)->name;
	a->nsrv += strcmp(role, "srv") == 0;
	dh->ip = addr_v4(base + 2);
	dh->cafe = a->ip;
	dh->next_port = pl->port;
	return dh;
}

static gint
degree_cmp(gconstpointer x, gconstpointer y)
{
	const struct dep_as *a = *(struct dep_as *const *)x, *b = *(struct dep_as *const *)y;

	if (a->nbrs->len != b->nbrs->len)
		return a->nbrs->len > b->nbrs->len ? -1 : 1;
	return a->asn < b->asn ? -1 : a->asn > b->asn;
}

/* The domains a <servers> or <clients> rule picks, in AS order. */
GPtrArray *
dep_place_domains(struct scn_ld *ld, struct scn_deploy *d, const struct dep_place *pl,
	      const char *elem, bool has_rel)
{
	GPtrArray *out = g_ptr_array_new();
	const char *w = pl->where;
	uint64_t top;
	char err[UNITS_ERRLEN];

	if (strcmp(w, "stub") == 0 || strcmp(w, "transit") == 0 || strcmp(w, "tier1") == 0) {
		if (!has_rel) {
			scn_error(ld, pl->file, pl->line, "<%s where=\"%s\">: the topology has "
				  "no business relationships to tell tiers by", elem, w);
			g_ptr_array_free(out, TRUE);
			return NULL;
		}
		for (guint i = 0; i < d->ases->len; i++) {
			struct dep_as *a = g_ptr_array_index(d->ases, i);
			bool take = w[0] == 's' ? a->ncust == 0 :
				w[1] == 'r' ? a->ncust > 0 && a->nprov > 0 : a->nprov == 0;

			if (take)
				g_ptr_array_add(out, a);
		}
	} else if (strcmp(w, "all") == 0) {
		for (guint i = 0; i < d->ases->len; i++)
			g_ptr_array_add(out, g_ptr_array_index(d->ases, i));
	} else if (strncmp(w, "top:", 4) == 0) {
		if (units_uint("top", w + 4, 1, d->ases->len, &top, err, sizeof(err)) < 0) {
			scn_error(ld, pl->file, pl->line, "<%s where=\"%s\">: %s", elem, w, err);
			g_ptr_array_free(out, TRUE);
			return NULL;
		}
		for (guint i = 0; i < d->ases->len; i++)
			g_ptr_array_add(out, g_ptr_array_index(d->ases, i));
		g_ptr_array_sort(out, degree_cmp);
		g_ptr_array_set_size(out, (guint)top);
		g_ptr_array_sort(out, dep_as_cmp);
	} else {
		char **names = g_strsplit_set(w, " \t,", -1);

		for (char **q = names; *q; q++) {
			struct dep_as *a = NULL;

			if (!**q)
				continue;
			for (guint i = 0; i < d->ases->len && !a; i++) {
				struct dep_as *x = g_ptr_array_index(d->ases, i);

				if (strcmp(x->dom->name, *q) == 0)
					a = x;
			}
			if (!a) {
				scn_error(ld, pl->file, pl->line, "<%s where=\"%s\">: \"%s\" is not "
					  "a domain (all, stub, transit, tier1, top:N or domain "
					  "names)", elem, w, *q);
				g_strfreev(names);
				g_ptr_array_free(out, TRUE);
				return NULL;
			}
			for (guint i = 0; i < out->len && a; i++)
				if (g_ptr_array_index(out, i) == a) {
					scn_error(ld, pl->file, pl->line, "<%s where=\"%s\">: domain "
						  "%s is named twice", elem, w, *q);
					a = NULL;
				}
			if (!a) {
				g_strfreev(names);
				g_ptr_array_free(out, TRUE);
				return NULL;
			}
			g_ptr_array_add(out, a);
		}
		g_strfreev(names);
	}
	if (out->len == 0) {
		scn_error(ld, pl->file, pl->line, "<%s where=\"%s\">: no domain is one", elem, w);
		g_ptr_array_free(out, TRUE);
		return NULL;
	}
	return out;
}
