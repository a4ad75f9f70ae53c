/*
 * desc.c - the description of a scenario (scenario_int.h) and what every
 * step of the loader builds it with: its nodes, interfaces, links and
 * events, who owns each address, values as written, the files an error
 * may cite, and the error itself ("file:line: message", the first one
 * wins).
 *
 * Every other file of the loader calls down to this one; it calls none
 * of them, so the steps of scenario_load() (scenario.c) form a line and
 * not a circle.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scenario/scenario_int.h"
#include "sim/log.h"

/* The key of a line in ld->notes. */
static char *
note_key(const char *file, int line)
{
	return g_strdup_printf("%d:%s", line, file);
}

void
scn_note_add(struct scn_ld *ld, const char *file, int line, const char *origin)
{
	char *key;
	GPtrArray *items;

	if (!file || !origin || !*origin)
		return;
	if (!ld->notes)
		ld->notes = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						  (GDestroyNotify)g_ptr_array_unref);
	key = note_key(file, line);
	if ((items = g_hash_table_lookup(ld->notes, key))) {
		g_free(key);
	} else {
		items = g_ptr_array_new();
		g_hash_table_insert(ld->notes, key, items);
	}
	for (guint i = 0; i < items->len; i++)
		if (strcmp(g_ptr_array_index(items, i), origin) == 0)
			return;
	g_ptr_array_add(items, (char *)origin);
}

/* Add to items (not owned) the overrides substituted at file:line that it does not hold. */
static void
note_collect(const struct scn_ld *ld, const char *file, int line, GPtrArray *items)
{
	GPtrArray *at = NULL;
	char *key;

	if (!file)
		return;
	if (ld->notes) {
		key = note_key(file, line);
		at = g_hash_table_lookup(ld->notes, key);
		g_free(key);
	}
	/* The line being read, should the table not have it. */
	if (!at && ld->note && ld->note->len && file == ld->note_file && line == ld->note_line) {
		g_ptr_array_add(items, ld->note->str);
		return;
	}
	for (guint i = 0; at && i < at->len; i++) {
		const char *it = g_ptr_array_index(at, i);
		bool have = false;

		for (guint k = 0; k < items->len && !have; k++)
			have = strcmp(g_ptr_array_index(items, k), it) == 0;
		if (!have)
			g_ptr_array_add(items, (char *)it);
	}
}

/*
 * Record the first error: "file:line: message", then, when a value from
 * an override was substituted at file:line or at ofile:oline (another
 * line the message cites), " (with --set NAME=VALUE, ...)".
 */
static int
verror(struct scn_ld *ld, const char *file, int line, const char *ofile, int oline,
       const char *fmt, va_list ap)
{
	char msg[4096], *vis, *shown;
	GPtrArray *items;

	if (ld->failed)
		return -1;
	ld->failed = true;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	/* A value from an override: say so, the file alone would mislead. */
	items = g_ptr_array_new();
	note_collect(ld, file, line, items);
	note_collect(ld, ofile, oline, items);
	for (guint i = 0; i < items->len; i++) {
		size_t n = strlen(msg);

		snprintf(msg + n, sizeof(msg) - n, "%s%s%s", i ? ", " : " (with ",
			 (char *)g_ptr_array_index(items, i), i + 1 == items->len ? ")" : "");
	}
	g_ptr_array_free(items, TRUE);
	/* What the user wrote may hold characters a terminal does not show. */
	if (file && line > 0)
		vis = g_strdup_printf("%s:%d: %s", file, line, msg);
	else if (file)
		vis = g_strdup_printf("%s: %s", file, msg);
	else
		vis = g_strdup(msg);
	shown = log_escape(vis);
	snprintf(ld->err, ld->errlen, "%s", shown);
	g_free(shown);
	g_free(vis);
	return -1;
}

/* Record the first error as "file:line: message". Returns -1. */
int
scn_error(struct scn_ld *ld, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(ld, file, line, NULL, 0, fmt, ap);
	va_end(ap);
	return -1;
}

/*
 * A warning: "file:line: warning: message" on stderr at once; the load
 * goes on.  For what is allowed but most likely not meant.
 */
void
scn_warn(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	char msg[1024], *vis, *shown;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vis = g_strdup_printf("%s:%d: warning: %s", file, line, msg);
	shown = log_escape(vis);
	fprintf(stderr, "%s\n", shown);
	g_free(shown);
	g_free(vis);
}

/* scn_error() whose message cites ofile:oline too. Returns -1. */
int
scn_error_also(struct scn_ld *ld, const char *file, int line, const char *ofile, int oline,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror(ld, file, line, ofile, oline, fmt, ap);
	va_end(ap);
	return -1;
}

/* scn_error() about value v: "ORIGIN: ", "file:12: " or "(default): " first. Returns -1. */
int
scn_val_error(struct scn_ld *ld, const struct scn_val *v, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (v->origin)
		verror(ld, v->origin, -1, NULL, 0, fmt, ap);
	else if (v->file)
		verror(ld, v->file, v->line, NULL, 0, fmt, ap);
	else
		verror(ld, "(default)", -1, NULL, 0, fmt, ap);
	va_end(ap);
	return -1;
}

/* An empty description of the scenario at path, with the default run options. */
struct scenario *
scn_desc_new(const char *path)
{
	struct scenario *s = g_new0(struct scenario, 1);
	char *base, *dot;

	s->path = g_strdup(path);
	base = g_path_get_basename(path);
	if ((dot = strrchr(base, '.')) && dot != base)
		*dot = '\0';
	s->name = base;
	s->files = g_ptr_array_new_with_free_func(g_free);
	s->notes = g_ptr_array_new_with_free_func(g_free);
	s->params = g_ptr_array_new();
	s->domains = g_ptr_array_new();
	s->nodes = g_ptr_array_new();
	s->links = g_ptr_array_new();
	s->events = g_ptr_array_new();
	s->node_by_name = g_hash_table_new(g_str_hash, g_str_equal);
	s->link_by_name = g_hash_table_new(g_str_hash, g_str_equal);
	s->addr_owner = g_hash_table_new_full((GHashFunc)addr_hash, (GEqualFunc)addr_equal,
					      NULL, g_free);
	s->ro.end_time = SIM_TIME_MAX;
	s->ro.seed = 1;
	s->ro.run = 1;
	s->ro.pcap = "all";
	s->ro.snaplen = 65535;
	s->ro.timeseries_interval = SIM_S;
	s->ro.realtime = SCN_RT_NO;
	s->ro.realtime_bound = 100 * SIM_MS;
	s->ro.log_spec = "info";
	s->ro.scheduler = NULL;
	s->ro.arp_queue_pkts = 0;
	s->ro.arp_queue_bytes = NET_ARP_QUEUE_BYTES;
	return s;
}

static void
node_free(struct scn_node *n)
{
	for (guint i = 0; i < n->ifaces->len; i++) {
		struct scn_iface *ifc = g_ptr_array_index(n->ifaces, i);

		g_free(ifc->name);
		g_free(ifc->parent);
		g_array_free(ifc->addrs, TRUE);
		g_free(ifc);
	}
	g_ptr_array_free(n->ifaces, TRUE);
	if (n->iface_by_name)
		g_hash_table_destroy(n->iface_by_name);
	for (guint i = 0; i < n->routes->len; i++)
		g_free(g_array_index(n->routes, struct scn_route, i).dev);
	g_array_free(n->routes, TRUE);
	g_free(n->name);
	g_free(n->label);
	g_free(n->ident);
	g_free(n->domain);
	g_free(n);
}

/*
 * Free the description and every entity instance, started or not (a
 * node's list of entities does not own them): call it after
 * net_destroy(), which stops them.
 */
void
scenario_free(struct scenario *s)
{
	if (!s)
		return;
	scn_deploy_free(s->deploy);
	scn_taps_free(s);
	scn_bridges_free(s);
	for (guint i = 0; i < s->events->len; i++) {
		struct scn_event *ev = g_ptr_array_index(s->events, i);

		if (ev->ent)
			entity_free(ev->ent);
		g_strfreev(ev->argv);
		g_free(ev->note);
		g_free(ev);
	}
	g_ptr_array_free(s->events, TRUE);
	for (guint i = 0; i < s->links->len; i++) {
		struct scn_link *l = g_ptr_array_index(s->links, i);

		for (int a = 0; a < LA_COUNT; a++)
			scn_val_clear(&l->v[a]);
		g_free(l->name);
		for (int k = 0; k < 2; k++) {
			g_free(l->node[k]);
			g_free(l->ifname[k]);
		}
		g_free(l);
	}
	g_ptr_array_free(s->links, TRUE);
	for (guint i = 0; i < s->nodes->len; i++)
		node_free(g_ptr_array_index(s->nodes, i));
	g_ptr_array_free(s->nodes, TRUE);
	for (guint i = 0; i < s->domains->len; i++) {
		struct scn_domain *d = g_ptr_array_index(s->domains, i);

		g_free(d->name);
		g_free(d->asn);
		g_free(d->prefixes);
		g_free(d);
	}
	g_ptr_array_free(s->domains, TRUE);
	for (guint i = 0; s->parts && i < s->parts->len; i++) {
		struct scn_part *pt = g_ptr_array_index(s->parts, i);

		g_strfreev(pt->patterns);
		g_free(pt);
	}
	if (s->parts)
		g_ptr_array_free(s->parts, TRUE);
	g_free(s->part_method);
	for (guint i = 0; i < s->params->len; i++) {
		struct scn_param *p = g_ptr_array_index(s->params, i);

		g_free(p->name);
		g_free(p->value);
		g_free(p->origin);
		g_strfreev(p->sets);
		g_free(p);
	}
	g_ptr_array_free(s->params, TRUE);
	for (int o = 0; o < RO_COUNT; o++) {
		scn_val_clear(&s->run[o]);
		g_free(s->run_str[o]);
	}
	for (int a = 0; a < LA_COUNT; a++)
		scn_val_clear(&s->ldef[a]);
	g_hash_table_destroy(s->node_by_name);
	g_hash_table_destroy(s->link_by_name);
	if (s->link_pairs)
		g_hash_table_destroy(s->link_pairs);
	if (s->addr_id_nums)
		g_hash_table_destroy(s->addr_id_nums);
	if (s->addr_ids)
		g_hash_table_destroy(s->addr_ids);
	g_hash_table_destroy(s->addr_owner);
	g_ptr_array_free(s->files, TRUE);
	g_ptr_array_free(s->notes, TRUE);
	g_free(s->topo_name);
	g_free(s->path);
	g_free(s->name);
	g_free(s);
}

/* A file name owned by the scenario, to cite in errors. */
const char *
scn_file(struct scenario *s, const char *path)
{
	for (guint i = 0; i < s->files->len; i++)
		if (strcmp(g_ptr_array_index(s->files, i), path) == 0)
			return g_ptr_array_index(s->files, i);
	g_ptr_array_add(s->files, g_strdup(path));
	return g_ptr_array_index(s->files, s->files->len - 1);
}

/*
 * A file of the scenario.  A billion START_ROUTER lines or <node>
 * elements would fill the memory with their text before any count could
 * be checked, so what is read is bounded: a regular file by its size
 * before reading, anything else (/dev/zero, a FIFO) after SCN_FILE_MAX + 1
 * bytes.
 */
int
scn_file_read(struct scn_ld *ld, const char *path, const char *from, int from_line,
	      const char *what, char **buf, size_t *len)
{
	char why[256];
	int rc = fileio_read(path, SCN_FILE_MAX, buf, len);

	if (rc == FILEIO_OK)
		return 0;
	fileio_strerror(rc, *len, SCN_FILE_MAX, "scenario, topology or script file", why,
			sizeof(why));
	if (rc == FILEIO_ERR && from)
		return scn_error(ld, from, from_line, "cannot read %s \"%s\": %s", what, path,
				 why);
	if (rc == FILEIO_ERR)
		return scn_error(ld, path, 0, "cannot read the %s: %s", what, why);
	if (from)
		return scn_error(ld, from, from_line, "\"%s\" %s%s", path,
				 rc == FILEIO_TOO_LARGE ? "is " : "", why);
	return scn_error(ld, path, 0, "%s", why);
}

/* The path of `ref` as written in `from`: relative to from's folder. */
char *
scn_path_join(const char *from, const char *ref)
{
	char *dir, *p;

	if (g_path_is_absolute(ref))
		return g_strdup(ref);
	dir = g_path_get_dirname(from);
	if (strcmp(dir, ".") == 0)
		p = g_strdup(ref);
	else
		p = g_build_filename(dir, ref, NULL);
	g_free(dir);
	return p;
}

struct scn_node *
scn_node_new(struct scenario *s, const char *name, const char *file, int line)
{
	struct scn_node *n = g_new0(struct scn_node, 1);

	n->name = g_strdup(name);
	n->ifaces = g_ptr_array_new();
	n->routes = g_array_new(FALSE, TRUE, sizeof(struct scn_route));
	n->file = file;
	n->line = line;
	g_ptr_array_add(s->nodes, n);
	g_hash_table_insert(s->node_by_name, n->name, n);
	return n;
}

/* IPv6 fe80::/10: every link has its own, the same on two nodes is fine. */
static bool
addr_link_local(const struct addr *a)
{
	return a->af == ADDR_V6 && a->a[0] == 0xfe && (a->a[1] & 0xc0) == 0x80;
}

int
scn_addr_claim(struct scn_ld *ld, const struct scn_node *n, const char *iface,
	       const struct addr *a, const char *file, int line, const char *what)
{
	struct scn_addr_owner *o;
	char buf[ADDR_STRLEN];

	if (addr_is_unset(a) || addr_link_local(a))
		return 0;
	o = g_hash_table_lookup(ld->s->addr_owner, a);
	if (o && o->node != n)
		return scn_error_also(ld, file, line, o->file, o->line, "%s %s is also on node "
				      "%s (%s, %s:%d)", what, addr_fmt(a, buf), o->node->name,
				      o->iface ? o->iface : "router id", o->file, o->line);
	if (o)
		return 0;
	o = g_new0(struct scn_addr_owner, 1);
	o->a = *a;
	o->node = n;
	o->iface = iface;
	o->file = file;
	o->line = line;
	g_hash_table_insert(ld->s->addr_owner, &o->a, o);
	return 0;
}

const struct scn_addr_owner *
scn_addr_owner(const struct scenario *s, const struct addr *a)
{
	return g_hash_table_lookup(s->addr_owner, a);
}

struct scn_iface *
scn_iface_new(struct scn_node *n, const char *name, enum iface_kind kind,
	      const char *file, int line)
{
	struct scn_iface *ifc = g_new0(struct scn_iface, 1);

	ifc->name = g_strdup(name);
	ifc->kind = kind;
	ifc->addrs = g_array_new(FALSE, TRUE, sizeof(struct ifaddr));
	ifc->file = file;
	ifc->line = line;
	g_ptr_array_add(n->ifaces, ifc);
	if (!n->iface_by_name && n->ifaces->len >= SCN_IFACE_HASH_FROM) {
		/* a hub: names are found by hash from now on (the first of a name wins) */
		n->iface_by_name = g_hash_table_new(g_str_hash, g_str_equal);
		for (guint i = n->ifaces->len; i-- > 0;) {
			struct scn_iface *o = g_ptr_array_index(n->ifaces, i);

			g_hash_table_insert(n->iface_by_name, o->name, o);
		}
	} else if (n->iface_by_name && !g_hash_table_contains(n->iface_by_name, ifc->name)) {
		g_hash_table_insert(n->iface_by_name, ifc->name, ifc);
	}
	return ifc;
}

struct scn_iface *
scn_node_iface(const struct scn_node *n, const char *name)
{
	if (n->iface_by_name)
		return g_hash_table_lookup(n->iface_by_name, name);
	for (guint i = 0; i < n->ifaces->len; i++) {
		struct scn_iface *ifc = g_ptr_array_index(n->ifaces, i);

		if (strcmp(ifc->name, name) == 0)
			return ifc;
	}
	return NULL;
}

struct scn_link *
scn_link_new(struct scenario *s, const char *file, int line)
{
	struct scn_link *l = g_new0(struct scn_link, 1);

	l->file = file;
	l->line = line;
	g_ptr_array_add(s->links, l);
	return l;
}

struct scn_event *
scn_event_new(struct scenario *s, sim_time_t t, enum scn_ev_kind kind,
	      const char *file, int line)
{
	struct scn_event *ev = g_new0(struct scn_event, 1);

	ev->t = t;
	ev->seq = s->next_seq++;
	ev->kind = kind;
	ev->file = file;
	ev->line = line;
	g_ptr_array_add(s->events, ev);
	return ev;
}

static int
ev_cmp(gconstpointer a, gconstpointer b)
{
	const struct scn_event *x = *(struct scn_event *const *)a;
	const struct scn_event *y = *(struct scn_event *const *)b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

/* Sort the events by (time, order of appearance). */
void
scn_events_sort(struct scenario *s)
{
	g_ptr_array_sort(s->events, ev_cmp);
}

/* Keep a value as written, with where it was written. */
void
scn_val_set(struct scn_val *v, const char *raw, const char *file, int line)
{
	g_free(v->raw);
	v->raw = g_strdup(raw);
	v->file = file;
	v->line = line;
}

void
scn_val_clear(struct scn_val *v)
{
	g_free(v->raw);
	g_free(v->origin);
	memset(v, 0, sizeof(*v));
}
