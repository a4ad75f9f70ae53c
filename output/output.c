/*
 * output.c - the run directory: pcap taps, the log file, the end-of-run
 * reports.
 *
 * The output layer attaches to the engine only through the hooks net.h
 * and log.h expose: the new-interface hook of struct net (curling
 * scripts create routers and their interfaces while the run goes on),
 * the per-interface frame tap, and the log sink.  At the end it reads the
 * counters (report.c) and detaches again, so that whatever the engine
 * does while it is torn down never reaches a closed file.
 *
 * Directory layout (one run):
 *   <node>-<iface>.pcap   both directions of one Ethernet interface
 *   log.txt               the log lines of the run
 *   counters.csv          every counter (report.c)
 *   summary.json          written last: its presence marks a finished run
 *
 * Only Ethernet interfaces get a pcap: a VLAN sub-interface's tagged
 * frames and a GRE tunnel's encapsulated packets are on the wire of the
 * Ethernet interface beneath them, in that interface's file.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "output/output.h"
#include "output/pcapw.h"
#include "output/report.h"
#include "sim/log.h"
#include "sim/net.h"

#define LOG_BUFSZ	(64 * 1024)
#define SNAPLEN_DEFAULT	65535
#define SNAPLEN_MAX	262144	/* the largest libpcap readers accept */

/* One captured interface. */
struct capture {
	struct output *o;
	struct pcapw *w;
	char *file;		/* name within the run directory */
};

struct output {
	struct net *net;
	char *dir;
	FILE *logf;
	char *logbuf;		/* logf's stdio buffer */
	bool log_stderr;
	unsigned snaplen;
	bool pcap_all;
	char **sel;		/* "node" and "node:iface" tokens; NULL: all or none */
	bool *sel_used;		/* per token: matched an interface */
	unsigned nsel;
	GPtrArray *caps;	/* struct capture*, creation order */
	GHashTable *files;	/* file names taken (lookups only, never walked) */
	bool hooked;		/* we own net->on_iface_new */
	void (*prev_new)(void *ctx, struct iface *ifc);	/* hook we replaced */
	void *prev_ctx;
	bool opened;		/* output_open() has returned */
	bool failed;		/* a pcap could not be opened */
	char err[512];		/* the first such error */
};

/*
 * Record an error.  Once output_open() has returned nobody else can
 * report it, so it goes to stderr; before that the caller gets it in err.
 */
static void
out_error(struct output *o, const char *msg)
{
	if (!o->failed)
		snprintf(o->err, sizeof(o->err), "%s", msg);
	o->failed = true;
	if (o->opened)
		fprintf(stderr, "cometsim: %s\n", msg);
}

static void
out_log_sink(void *ctx, const char *line)
{
	struct output *o = ctx;

	fputs(line, o->logf);
	putc('\n', o->logf);
	if (o->log_stderr)
		fprintf(stderr, "%s\n", line);	/* one write on the unbuffered stream */
}

static void
capture_tap(void *ctx, struct iface *ifc, enum tap_dir dir,
	    const struct pkt *frame)
{
	struct capture *c = ctx;

	pcapw_write(c->w, sim_now(c->o->net->sim), frame->data, frame->len);
}

/*
 * Parse the selection: "all", "none", or a comma-separated list of node
 * names and node:iface pairs (blanks around items are ignored).
 */
static int
sel_parse(struct output *o, const char *spec, char *err, size_t errlen)
{
	char **items;
	unsigned n = 0;

	if (!spec || strcmp(spec, "all") == 0) {
		o->pcap_all = true;
		return 0;
	}
	if (strcmp(spec, "none") == 0)
		return 0;
	items = g_strsplit(spec, ",", -1);
	for (unsigned i = 0; items[i]; i++) {
		g_strstrip(items[i]);
		if (items[i][0] == '\0' || items[i][0] == ':' ||
		    g_str_has_suffix(items[i], ":")) {
			snprintf(err, errlen,
				 "pcap selection \"%s\": empty node or interface name",
				 spec);
			g_strfreev(items);
			return -1;
		}
		n++;
	}
	o->sel = items;
	o->nsel = n;
	o->sel_used = g_new0(bool, n ? n : 1);
	return 0;
}

/*
 * Whether ifc is to be captured.  A token names a node, or a node and an
 * interface joined by ':'; comparing against the whole names (rather than
 * splitting the token) keeps names that contain ':' themselves working.
 */
static bool
sel_match(struct output *o, const struct iface *ifc)
{
	const char *node = ifc->node->name;
	size_t nlen = strlen(node);
	bool hit = false;

	if (ifc->kind != IF_ETHER)
		return false;
	if (o->pcap_all)
		return true;
	for (unsigned i = 0; i < o->nsel; i++) {
		const char *t = o->sel[i];

		if (strcmp(t, node) == 0 ||
		    (strncmp(t, node, nlen) == 0 && t[nlen] == ':' &&
		     strcmp(t + nlen + 1, ifc->name) == 0)) {
			o->sel_used[i] = true;
			hit = true;
		}
	}
	return hit;
}

/* "<node>-<iface>.pcap" with '/' made harmless, unique within the run. */
static char *
capture_file_name(struct output *o, const struct iface *ifc)
{
	char *base, *name;

	base = g_strdup_printf("%s-%s", ifc->node->name, ifc->name);
	g_strdelimit(base, "/", '_');
	if (base[0] == '.')
		base[0] = '_';	/* no hidden files, no ".." */
	name = g_strdup_printf("%s.pcap", base);
	/* "a-b"+"c" and "a"+"b-c" would share a name: number the later one. */
	for (unsigned k = 2; g_hash_table_contains(o->files, name); k++) {
		g_free(name);
		name = g_strdup_printf("%s~%u.pcap", base, k);
	}
	g_free(base);
	return name;
}

static void
capture_attach(struct output *o, struct iface *ifc)
{
	struct capture *c;
	char err[512];
	char *path;

	if (ifc->tap == capture_tap || !sel_match(o, ifc))
		return;
	c = g_new0(struct capture, 1);
	c->o = o;
	c->file = capture_file_name(o, ifc);
	path = g_build_filename(o->dir, c->file, NULL);
	c->w = pcapw_open(path, o->snaplen, err, sizeof(err));
	g_free(path);
	if (!c->w) {
		/* The run goes on; the missing file is reported and fails the close. */
		out_error(o, err);
		log_line(&o->net->log, LOG_ERROR, ifc->node->name, "output", NULL,
			 "no capture of %s: %s", ifc->name, err);
		g_free(c->file);
		g_free(c);
		return;
	}
	g_hash_table_add(o->files, c->file);
	g_ptr_array_add(o->caps, c);
	ifc->tap = capture_tap;
	ifc->tap_ctx = c;
}

static void
out_iface_new(void *ctx, struct iface *ifc)
{
	struct output *o = ctx;

	if (o->prev_new)
		o->prev_new(o->prev_ctx, ifc);
	capture_attach(o, ifc);
}

/* Stop receiving frames: the engine may still run while it is torn down. */
static void
out_detach(struct output *o)
{
	struct net *net = o->net;

	if (o->hooked && net->on_iface_new == out_iface_new &&
	    net->on_iface_ctx == o) {
		net->on_iface_new = o->prev_new;
		net->on_iface_ctx = o->prev_ctx;
	}
	o->hooked = false;
	for (unsigned i = 0; i < net->nnodes; i++) {
		struct node *n = net->nodes[i];

		for (unsigned j = 0; j < n->nifaces; j++)
			if (n->ifaces[j]->tap == capture_tap) {
				n->ifaces[j]->tap = NULL;
				n->ifaces[j]->tap_ctx = NULL;
			}
	}
}

static void
out_free(struct output *o)
{
	if (!o)
		return;
	if (o->files)
		g_hash_table_destroy(o->files);	/* keys belong to the captures */
	if (o->caps) {
		for (guint i = 0; i < o->caps->len; i++) {
			struct capture *c = g_ptr_array_index(o->caps, i);

			pcapw_close(c->w);
			g_free(c->file);
			g_free(c);
		}
		g_ptr_array_free(o->caps, TRUE);
	}
	if (o->logf)
		fclose(o->logf);
	g_free(o->logbuf);
	g_strfreev(o->sel);
	g_free(o->sel_used);
	g_free(o->dir);
	g_free(o);
}

/* Create dir and its parents; it must end up a directory we can write. */
static int
out_mkdir(const char *dir, char *err, size_t errlen)
{
	struct stat st;

	if (g_mkdir_with_parents(dir, 0777) != 0) {
		snprintf(err, errlen, "cannot create %s: %s", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: not a directory", dir);
		return -1;
	}
	return 0;
}

struct output *
output_open(struct net *net, const struct output_opts *opts, char *err,
	    size_t errlen)
{
	struct output *o;
	char *path;

	o = g_new0(struct output, 1);
	o->net = net;
	o->dir = g_strdup(opts->dir && opts->dir[0] ? opts->dir : ".");
	o->log_stderr = opts->log_stderr != 0;
	o->snaplen = opts->snaplen ? opts->snaplen : SNAPLEN_DEFAULT;
	o->caps = g_ptr_array_new();
	o->files = g_hash_table_new(g_str_hash, g_str_equal);
	if (o->snaplen > SNAPLEN_MAX) {
		snprintf(err, errlen, "snaplen %u is out of range (1..%u)",
			 o->snaplen, SNAPLEN_MAX);
		goto fail;
	}
	if (sel_parse(o, opts->pcap, err, errlen) != 0)
		goto fail;
	if (out_mkdir(o->dir, err, errlen) != 0)
		goto fail;

	path = g_build_filename(o->dir, "summary.json", NULL);
	if (unlink(path) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove %s: %s", path, strerror(errno));
		g_free(path);
		goto fail;
	}
	g_free(path);

	path = g_build_filename(o->dir, "log.txt", NULL);
	o->logf = fopen(path, "w");
	if (!o->logf) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		g_free(path);
		goto fail;
	}
	g_free(path);
	o->logbuf = g_malloc(LOG_BUFSZ);
	setvbuf(o->logf, o->logbuf, _IOFBF, LOG_BUFSZ);
	log_set_sink(&net->log, out_log_sink, o);

	if (o->pcap_all || o->nsel) {
		o->prev_new = net->on_iface_new;
		o->prev_ctx = net->on_iface_ctx;
		net->on_iface_new = out_iface_new;
		net->on_iface_ctx = o;
		o->hooked = true;
		for (unsigned i = 0; i < net->nnodes; i++)
			for (unsigned j = 0; j < net->nodes[i]->nifaces; j++)
				capture_attach(o, net->nodes[i]->ifaces[j]);
		if (o->failed) {
			snprintf(err, errlen, "%s", o->err);
			goto fail;
		}
	}
	o->opened = true;
	return o;

fail:
	if (o->logf)
		log_set_sink(&net->log, NULL, NULL);
	out_detach(o);
	out_free(o);
	return NULL;
}

void
output_flush(struct output *o)
{
	if (!o)
		return;
	for (guint i = 0; i < o->caps->len; i++) {
		struct capture *c = g_ptr_array_index(o->caps, i);

		pcapw_flush(c->w);
	}
	fflush(o->logf);
	if (o->log_stderr)
		fflush(stderr);
}

int
output_close(struct output *o, const struct run_summary *sum)
{
	struct net *net = o->net;
	const char **files;
	char err[512];
	char *path;
	int rc = o->failed ? -1 : 0;

	out_detach(o);
	for (unsigned i = 0; i < o->nsel; i++) {
		if (o->sel_used[i])
			continue;
		/* Most likely a typo: say so where the user looks, too. */
		if (!o->log_stderr)
			fprintf(stderr, "cometsim: warning: pcap selection \"%s\" "
				"matched no Ethernet interface\n", o->sel[i]);
		log_line(&net->log, LOG_WARN, NULL, "output", NULL,
			 "pcap selection \"%s\" matched no Ethernet interface",
			 o->sel[i]);
	}

	files = g_new0(const char *, o->caps->len + 1);
	for (guint i = 0; i < o->caps->len; i++) {
		struct capture *c = g_ptr_array_index(o->caps, i);

		files[i] = c->file;
		if (pcapw_close(c->w) != 0) {
			snprintf(err, sizeof(err), "%s/%s: write failed", o->dir,
				 c->file);
			out_error(o, err);
			rc = -1;
		}
		c->w = NULL;
	}

	path = g_build_filename(o->dir, "counters.csv", NULL);
	if (report_counters(net, path, err, sizeof(err)) != 0) {
		out_error(o, err);
		rc = -1;
	}
	g_free(path);

	log_set_sink(&net->log, NULL, NULL);
	if (fflush(o->logf) != 0 || ferror(o->logf)) {
		snprintf(err, sizeof(err), "%s/log.txt: write failed", o->dir);
		out_error(o, err);
		rc = -1;
	}

	/* Last, and only for a complete set of files: it marks a finished run. */
	if (sum && rc == 0) {
		path = g_build_filename(o->dir, "summary.json", NULL);
		if (report_summary(net, sum, files, o->caps->len, path, err,
				   sizeof(err)) != 0) {
			out_error(o, err);
			rc = -1;
		}
		g_free(path);
	}
	g_free(files);
	out_free(o);
	return rc;
}

const char *
output_dir(const struct output *o)
{
	return o->dir;
}
