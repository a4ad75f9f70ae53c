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
 *   timeseries.csv        the series the run samples, if any (timeseries.c)
 *   summary.json          written last: its presence marks a finished run
 *   .cometsim-run         the marker: what the run owns in the directory
 *
 * One directory, one run (doc/outputs.md).  The run holds an exclusive
 * flock(2) on the directory from output_open() to output_close(): a
 * second run into it is refused.  The marker names, one a line, every
 * file and folder the run creates there, each written down before it is
 * created (entities announce theirs through net_outfile()), so that even
 * after a crash the next run into the directory knows what to remove
 * first: nothing of an earlier run stays beside a new summary, and
 * nothing else (a file the user put there) is ever removed.  A directory
 * that is not empty and has no marker is not a run's: it is refused.
 * The same rules take the output folder of a deployment of approach
 * "both", whose marker names its two halves' folders (output_both_take),
 * and the folder of cometsim deploy --write, with a marker of its own,
 * .cometsim-deploy (output_write_take).
 *
 * Only Ethernet interfaces get a pcap: a VLAN sub-interface's tagged
 * frames and a GRE tunnel's encapsulated packets are on the wire of the
 * Ethernet interface beneath them, in that interface's file.
 */
#include <dirent.h>
#include <inttypes.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "output/output.h"
#include "output/pcapw.h"
#include "output/report.h"
#include "output/timeseries.h"
#include "sim/fileio.h"
#include "sim/log.h"
#include "sim/net.h"

#define LOG_BUFSZ	(64 * 1024)
#define SNAPLEN_DEFAULT	65535
#define SNAPLEN_MAX	262144	/* the largest libpcap readers accept */

#define TS_NAME		"timeseries.csv"
#define MARK_NAME	".cometsim-run"
#define MARK_HEAD	"cometsim output directory: the last run into it created the " \
			"files below; the next run removes them first (doc/outputs.md)\n"
/* The marker of the output folder of a deployment of approach "both" (doc/deploy.md). */
#define MARK_HEAD_BOTH	"cometsim output directory of a deployment of approach both: " \
			"its two runs are in the folders below, each with its own marker; " \
			"a single run into this directory removes them first (doc/deploy.md)\n"
#define DEPLOY_MARK	".cometsim-deploy"
#define DEPLOY_HEAD	"cometsim deploy --write folder: the last write into it created " \
			"the files below; the next one removes them first (doc/deploy.md)\n"

/*
 * A kind of folder cometsim writes and marks: the marker's name, the
 * head its text begins with (compared up to the colon), and what the
 * messages call the folder and tell to do.
 */
struct mark_kind {
	const char *name;
	const char *tmp;	/* the marker being written */
	const char *head;
	const char *what;
	const char *fix;
};

static const struct mark_kind run_kind = {
	MARK_NAME, MARK_NAME ".tmp", MARK_HEAD, "a cometsim output directory",
	"choose another --out",
};
static const struct mark_kind deploy_kind = {
	DEPLOY_MARK, DEPLOY_MARK ".tmp", DEPLOY_HEAD, "a folder cometsim deploy --write wrote",
	"choose another folder",
};

/* One captured interface. */
struct capture {
	struct output *o;
	struct pcapw *w;	/* NULL: another process's (a split run) */
	char *file;		/* name within the run directory */
};

/* A split run's parts of the log and the counters (doc/parallel.md). */
#define PART_LOG	".log.part"
#define PART_COUNTERS	".counters.part"

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
	bool failed;		/* a file could not be opened or written */
	char err[1024];		/* the first such error */
	unsigned more_errors;	/* errors after the first */
	unsigned cap_failed;	/* interfaces that could not be captured */
	int dirfd;		/* the run directory, flock()ed; -1: none */
	int markfd;		/* the marker, appended to; -1: none */
	GHashTable *claimed;	/* names entities announced (lookups only) */
	struct tseries *ts;	/* the sampler of timeseries.csv, or NULL */
	/* A split run (output_opts): 1 process when not. */
	int rank, nranks;
	void (*barrier)(void);
	int64_t (*pmax)(int64_t v);
	int (*merge)(void *ctx, const char *dir, int nranks,
		     char *(*claim)(void *claim_ctx, const char *name), void *claim_ctx,
		     char *err, size_t errlen);
	void *merge_ctx;
	FILE *partf;		/* this process's part of the log */
	char *partbuf;
	/*
	 * A split run: the names in the directory when this process opened
	 * it (the user's: what a run listed was removed by then), since the
	 * names the others make meanwhile are the run's (name_foreign).
	 */
	GHashTable *pre;
};

/*
 * Record an error.  Once output_open() has returned nobody else can
 * report it, so it goes to stderr; before that the caller gets it in err.
 * Only the first is said: the others (a full disk fails every file) are
 * counted, and output_close() says how many there were.
 */
static void
out_error(struct output *o, const char *msg)
{
	if (o->failed) {
		o->more_errors++;
		return;
	}
	snprintf(o->err, sizeof(o->err), "%s", msg);
	o->failed = true;
	if (o->opened)
		fprintf(stderr, "%s: %s\n", log_prog(), msg);
}

/*
 * A split run: a line is written by the process that runs its actor (the
 * run's own lines by process 0), into its part, after the place of its
 * event in the run (struct stats_stamp): phase, time, actor and key, in
 * fixed-width hexadecimal, so that process 0 merges the parts by
 * comparing text.  Every part is in that order already.
 */
static void
out_log_part(struct output *o, const char *line)
{
	struct stats_stamp st;
	uint32_t a = sim_actor(o->net->sim);

	if (a == SIM_ACTOR_RUN ? o->rank != 0 :
	    a <= o->net->nnodes && o->net->nodes[a - 1]->remote)
		return;
	net_stamp(o->net, &st);
	fprintf(o->partf, "%c%016" PRIx64 "%08" PRIx32 "%016" PRIx64 " %s\n", '0' + st.phase,
		(uint64_t)st.time, st.actor, st.key, line);
	if (o->log_stderr)
		fprintf(stderr, "%s\n", line);
}

static void
out_log_sink(void *ctx, const char *line)
{
	struct output *o = ctx;

	if (o->partf) {
		out_log_part(o, line);
		return;
	}
	fputs(line, o->logf);
	putc('\n', o->logf);
	if (o->log_stderr)
		fprintf(stderr, "%s\n", line);	/* one write on the unbuffered stream */
}

/*
 * Write name down in the marker before it is created in the directory:
 * one line, escaped (g_strescape) so that any name fits on one.  -1 with
 * the error recorded.
 */
static int
mark_add(struct output *o, const char *name)
{
	char *esc, *line, msg[512];
	size_t len, off = 0;
	int rc = 0;

	if (o->markfd < 0)
		return 0;
	esc = g_strescape(name, NULL);
	line = g_strconcat(esc, "\n", NULL);
	len = strlen(line);
	while (off < len) {
		ssize_t w = write(o->markfd, line + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			snprintf(msg, sizeof(msg), "%s/%s: write failed: %s", o->dir, MARK_NAME,
				 w < 0 ? strerror(errno) : "no space");
			out_error(o, msg);
			rc = -1;
			break;
		}
		off += (size_t)w;
	}
	g_free(line);
	g_free(esc);
	return rc;
}

/*
 * A name the run is about to create that is there already: every name of
 * the run before was removed when the directory was taken, so it is a
 * file the user put there.  It is never written over: recorded as the
 * error of the run, which stops.  True when so.
 */
static bool
name_foreign(struct output *o, const char *name)
{
	struct stat st;
	char msg[768];

	if (o->pre ? !g_hash_table_contains(o->pre, name) :
	    fstatat(o->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
		return false;
	snprintf(msg, sizeof(msg), "%s/%s: already there, and no earlier run wrote it "
		 "(%s does not list it): the run does not write over it; move it away, "
		 "or choose another --out", o->dir, name, MARK_NAME);
	out_error(o, msg);
	sim_stop(o->net->sim);
	return true;
}

/* net_outfile(): an entity is about to create name in the directory. */
static int
out_outfile(void *ctx, const char *name)
{
	struct output *o = ctx;

	if (g_hash_table_contains(o->claimed, name))
		return 0;
	if (name_foreign(o, name) || mark_add(o, name) != 0)
		return -1;
	g_hash_table_add(o->claimed, g_strdup(name));
	return 0;
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

/*
 * A pcap that could not be opened: said once, with what to do when the
 * process ran out of descriptors (a pcap is one open file for the whole
 * run, and pcap="all" on a large topology asks for thousands), counted
 * after that.
 */
static void
capture_failed(struct output *o, struct iface *ifc, int e, const char *err)
{
	char msg[768];
	struct rlimit rl;

	if (o->cap_failed++)
		return;
	if (e == EMFILE && getrlimit(RLIMIT_NOFILE, &rl) == 0)
		snprintf(msg, sizeof(msg), "out of file descriptors after opening %u pcap "
			 "files: a run keeps one open for every captured interface, and this "
			 "process may have %llu open files in all; raise the limit (ulimit -n), "
			 "or capture fewer interfaces (--pcap NODE,NODE:IFACE,...)",
			 o->caps->len, (unsigned long long)rl.rlim_cur);
	else if (e == ENFILE)
		snprintf(msg, sizeof(msg), "the system is out of file descriptors after "
			 "opening %u pcap files (one for every captured interface); capture "
			 "fewer interfaces (--pcap NODE,NODE:IFACE,...)", o->caps->len);
	else
		snprintf(msg, sizeof(msg), "%s", err);
	out_error(o, msg);
	log_line(&o->net->log, LOG_ERROR, ifc->node->name, "output", NULL,
		 "no capture of %s: %s", ifc->name, msg);
}

static void
capture_attach(struct output *o, struct iface *ifc)
{
	struct capture *c;
	char err[512];
	char *path;

	if (ifc->tap == capture_tap || !sel_match(o, ifc))
		return;
	if (o->cap_failed) {
		o->cap_failed++;	/* the run is stopping: no point in trying */
		return;
	}
	c = g_new0(struct capture, 1);
	c->o = o;
	c->file = capture_file_name(o, ifc);
	c->w = NULL;
	if (o->nranks > 1 && (ifc->node->remote || o->rank != 0)) {
		/*
		 * A split run: every process names every capture the same way;
		 * process 0 writes them all down in the marker, and each
		 * process opens its own nodes' (never over a file that is there,
		 * pcapw_open).  Process 0 looks for a file of the user's under
		 * every name, its own nodes' and the others': its snapshot of
		 * the directory (o->pre) was taken before any other process
		 * joined, so what they make meanwhile is not taken for the
		 * user's, and a name it refuses is never written down as the
		 * run's (the next run would remove the user's file).
		 */
		if (o->rank == 0 && (name_foreign(o, c->file) || mark_add(o, c->file) != 0)) {
			sim_stop(o->net->sim);
			g_free(c->file);
			g_free(c);
			return;
		}
		g_hash_table_add(o->files, c->file);
		g_ptr_array_add(o->caps, c);
		if (ifc->node->remote)
			return;
		if (o->rank != 0 && g_hash_table_contains(o->pre, c->file)) {
			/* The user's file: process 0 refuses it and says so, once. */
			o->failed = true;
			sim_stop(o->net->sim);
			return;
		}
		path = g_build_filename(o->dir, c->file, NULL);
		c->w = pcapw_open(path, o->snaplen, err, sizeof(err));
		g_free(path);
		if (!c->w) {
			capture_failed(o, ifc, errno, err);
			sim_stop(o->net->sim);
			return;
		}
		ifc->tap = capture_tap;
		ifc->tap_ctx = c;
		return;
	}
	if (!name_foreign(o, c->file) && mark_add(o, c->file) == 0) {
		path = g_build_filename(o->dir, c->file, NULL);
		c->w = pcapw_open(path, o->snaplen, err, sizeof(err));
		g_free(path);
		if (!c->w)
			capture_failed(o, ifc, errno, err);
	}
	if (!c->w) {
		/* The run cannot be complete: it stops, and the close fails. */
		sim_stop(o->net->sim);
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
	tseries_stop(o->ts);
	if (net->on_outfile == out_outfile && net->on_outfile_ctx == o) {
		net->on_outfile = NULL;
		net->on_outfile_ctx = NULL;
	}
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
	if (o->ts) {
		char err[512];

		tseries_close(o->ts, TS_NAME, false, err, sizeof(err));
	}
	if (o->logf)
		fclose(o->logf);
	g_free(o->logbuf);
	if (o->partf)
		fclose(o->partf);
	g_free(o->partbuf);
	g_strfreev(o->sel);
	g_free(o->sel_used);
	if (o->claimed)
		g_hash_table_destroy(o->claimed);
	if (o->pre)
		g_hash_table_destroy(o->pre);
	if (o->markfd >= 0)
		close(o->markfd);
	if (o->dirfd >= 0)
		close(o->dirfd);	/* and with it the lock */
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

/*
 * Write a marker whole or not at all: into its temporary name, renamed
 * over its name (a crash leaves at most that one file, which the next run
 * removes).  Whatever has the temporary name is removed first and the
 * file is created new: a symbolic link there is never followed.  0, or
 * -1 with err set.
 */
static int
mark_write(int dfd, const char *dir, const struct mark_kind *k, const char *text, char *err,
	   size_t errlen)
{
	size_t len = strlen(text), off = 0;
	int fd, e;

	if (unlinkat(dfd, k->tmp, 0) != 0 && errno != ENOENT)
		goto fail;
	fd = openat(dfd, k->tmp,
		    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0)
		goto fail;
	while (off < len) {
		ssize_t w = write(fd, text + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			if (w == 0)
				errno = ENOSPC;
			e = errno;
			close(fd);
			errno = e;
			goto fail;
		}
		off += (size_t)w;
	}
	if (close(fd) != 0 || renameat(dfd, k->tmp, dfd, k->name) != 0)
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "cannot write %s/%s: %s", dir, k->name, strerror(errno));
	unlinkat(dfd, k->tmp, 0);
	return -1;
}

/*
 * Whether the directory has nothing in it but, maybe, the half-written
 * marker of a run that crashed (a fresh descriptor: its own offset).
 */
static bool
dir_is_empty(int dfd, const char *tmp)
{
	int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct dirent *de;
	bool empty = true;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 &&
		    strcmp(de->d_name, tmp) != 0) {
			empty = false;
			break;
		}
	closedir(d);
	return empty;
}

/*
 * Remove name from the folder dirfd, and what it holds if it is a folder,
 * without following symbolic links.  0, or -1 with errno set; a name
 * that is not there is no error.
 */
static int
remove_entry(int parent, const char *name, int depth)
{
	struct dirent *de;
	int fd, rc = 0;
	DIR *d;

	if (unlinkat(parent, name, 0) == 0 || errno == ENOENT)
		return 0;
	if ((errno != EISDIR && errno != EPERM) || depth > 64)
		return -1;
	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	while (rc == 0 && (de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			rc = remove_entry(fd, de->d_name, depth + 1);
	closedir(d);
	if (rc == 0 && unlinkat(parent, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
		rc = -1;
	return rc;
}

/* A name the marker may list: one path element, not the marker itself. */
static bool
mark_name_ok(const char *name, const struct mark_kind *k)
{
	return name[0] && !strchr(name, '/') && strcmp(name, ".") != 0 &&
	       strcmp(name, "..") != 0 && strcmp(name, k->name) != 0;
}

/*
 * The marker of kind k in the folder dfd (dir, for the messages): 1 with
 * its text in *text (g_free it) when it is cometsim's, 0 when there is
 * none and the folder is empty; -1 with err set when the folder is not
 * one of that kind (not empty and no marker, a marker that is not a
 * file, or not cometsim's) or the marker cannot be read.
 */
static int
mark_load(int dfd, const char *dir, const struct mark_kind *k, char **text, char *err,
	  size_t errlen)
{
	char *path = g_build_filename(dir, k->name, NULL);
	char why[256];
	struct stat st;
	size_t len = 0;
	int frc, rc = -1;

	*text = NULL;
	if (fstatat(dfd, k->name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not %s (%s is not a file cometsim wrote): %s", dir,
			 k->what, k->name, k->fix);
		goto done;
	}
	frc = fileio_read(path, FILEIO_MAX, text, &len);
	if (frc == FILEIO_ERR && errno == ENOENT) {
		if (!dir_is_empty(dfd, k->tmp)) {
			snprintf(err, errlen, "%s: not empty, and not %s (it has no %s): %s, or "
				 "empty it yourself", dir, k->what, k->name, k->fix);
			goto done;
		}
		rc = 0;
	} else if (frc != FILEIO_OK) {
		snprintf(err, errlen, "%s: %s", path, fileio_strerror(frc, len, FILEIO_MAX,
								     "marker", why, sizeof(why)));
	} else if (strncmp(*text, k->head, strcspn(k->head, ":")) != 0) {
		snprintf(err, errlen, "%s: not %s (%s was not written by cometsim): %s", dir,
			 k->what, k->name, k->fix);
	} else {
		rc = 1;
	}
done:
	if (rc != 1) {
		g_free(*text);
		*text = NULL;
	}
	g_free(path);
	return rc;
}

/* The names a marker's text lists (line 0 is its head), each one path element. */
static char **
mark_names(const char *text, const struct mark_kind *k)
{
	char **lines = g_strsplit(text, "\n", -1);
	GPtrArray *names = g_ptr_array_new();

	for (unsigned i = 1; lines[0] && lines[i]; i++) {
		char *name = g_strcompress(lines[i]);

		if (mark_name_ok(name, k))
			g_ptr_array_add(names, name);
		else
			g_free(name);
	}
	g_ptr_array_add(names, NULL);
	g_strfreev(lines);
	return (char **)g_ptr_array_free(names, FALSE);
}

/* Remove what a marker lists from the folder dfd: 0, or -1 with err set. */
static int
mark_clear(int dfd, const char *dir, const struct mark_kind *k, const char *text,
	   const char *by, char *err, size_t errlen)
{
	char **names = mark_names(text, k);
	int rc = 0;

	for (char **q = names; *q && rc == 0; q++)
		if (remove_entry(dfd, *q, 0) != 0) {
			snprintf(err, errlen, "cannot remove %s/%s, left by %s: %s", dir, *q, by,
				 strerror(errno));
			rc = -1;
		}
	g_strfreev(names);
	return rc;
}

/* The text of a new marker: its head and one escaped name a line. */
static GString *
mark_text(const char *head, const char *const *names, size_t n)
{
	GString *g = g_string_new(head);

	for (size_t i = 0; i < n; i++) {
		char *esc = g_strescape(names[i], NULL);

		g_string_append_printf(g, "%s\n", esc);
		g_free(esc);
	}
	return g;
}

/*
 * Open dir (made first when make), lock it without waiting: the
 * descriptor, or -1 with err set (who: who else would hold the lock).
 */
static int
dir_lock(const char *dir, bool make, const char *who, const struct mark_kind *k, char *err,
	 size_t errlen)
{
	int fd;

	if (make && out_mkdir(dir, err, errlen) != 0)
		return -1;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", dir, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		if (errno == EWOULDBLOCK)
			snprintf(err, errlen, "%s: %s is writing into this directory (it holds "
				 "its lock): wait for it to end, or %s", dir, who, k->fix);
		else
			snprintf(err, errlen, "cannot lock %s: %s", dir, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Make the directory this run's (see the top of the file): create it,
 * lock it, refuse it when another run holds it or when it is not empty
 * and not a run's, remove what the marker lists, and start a new marker
 * with the files every run writes.  -1 with err set.
 */
static int
dir_take(struct output *o, char *err, size_t errlen)
{
	static const char *const own[] = {
		"log.txt", "counters.csv", "counters.csv.tmp", "summary.json",
		"summary.json.tmp",
	};
	char *mark = g_build_filename(o->dir, MARK_NAME, NULL);
	char *text = NULL;
	GString *head = NULL;
	int rc = -1, mrc;

	o->dirfd = dir_lock(o->dir, true, "another run", &run_kind, err, errlen);
	if (o->dirfd < 0)
		goto done;
	mrc = mark_load(o->dirfd, o->dir, &run_kind, &text, err, errlen);
	if (mrc < 0)
		goto done;
	/* What follows the head belongs to the earlier run. */
	if (mrc == 1 && mark_clear(o->dirfd, o->dir, &run_kind, text, "the run before", err,
				   errlen) != 0)
		goto done;

	/* The new marker, with the files every run writes. */
	head = mark_text(MARK_HEAD, own, G_N_ELEMENTS(own));
	if (mark_write(o->dirfd, o->dir, &run_kind, head->str, err, errlen) != 0)
		goto done;
	o->markfd = openat(o->dirfd, MARK_NAME, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (o->markfd < 0) {
		snprintf(err, errlen, "%s: %s", mark, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	if (head)
		g_string_free(head, TRUE);
	g_free(text);
	g_free(mark);
	return rc;
}

int
output_dir_check(const char *dir, char *err, size_t errlen)
{
	char *text = NULL;
	struct stat st;
	int fd, rc;

	if (stat(dir, &st) != 0 && errno == ENOENT)
		return 0;
	fd = dir_lock(dir, false, "another run", &run_kind, err, errlen);
	if (fd < 0)
		return -1;
	rc = mark_load(fd, dir, &run_kind, &text, err, errlen);
	g_free(text);
	close(fd);	/* and with it the lock */
	return rc < 0 ? -1 : 0;
}

int
output_both_take(const char *dir, const char *const *halves, size_t nhalves, char *err,
		 size_t errlen)
{
	char *text = NULL;
	GString *head = NULL;
	int fd, mrc;

	fd = dir_lock(dir, true, "another run", &run_kind, err, errlen);
	if (fd < 0)
		return -1;
	mrc = mark_load(fd, dir, &run_kind, &text, err, errlen);
	if (mrc < 0)
		goto fail;
	/*
	 * A single run's files go; the halves of a "both" run before stay,
	 * each taken by its own run as any run directory is.
	 */
	if (mrc == 1 && strncmp(text, MARK_HEAD_BOTH, strlen(MARK_HEAD_BOTH)) != 0 &&
	    mark_clear(fd, dir, &run_kind, text, "the run before", err, errlen) != 0)
		goto fail;
	head = mark_text(MARK_HEAD_BOTH, halves, nhalves);
	if (mark_write(fd, dir, &run_kind, head->str, err, errlen) != 0)
		goto fail;
	g_string_free(head, TRUE);
	g_free(text);
	return fd;
fail:
	if (head)
		g_string_free(head, TRUE);
	g_free(text);
	close(fd);
	return -1;
}

/* Whether the canonical path real is the entry name of dir, or inside it. */
static bool
path_within(const char *dir, const char *name, const char *real)
{
	char *p = g_build_filename(dir, name, NULL);
	char *rp = realpath(p, NULL);
	size_t n = rp ? strlen(rp) : 0;
	bool in = rp && strncmp(real, rp, n) == 0 && (real[n] == '\0' || real[n] == '/');

	free(rp);
	g_free(p);
	return in;
}

int
output_write_take(const char *dir, const char *const *names, size_t n, const char *input,
		  char *err, size_t errlen)
{
	char *text = NULL, **old = NULL, *real = input ? realpath(input, NULL) : NULL;
	GString *head = NULL;
	struct stat st;
	int fd, mrc;

	fd = dir_lock(dir, true, "another cometsim deploy --write", &deploy_kind, err, errlen);
	if (fd < 0)
		goto out;
	mrc = mark_load(fd, dir, &deploy_kind, &text, err, errlen);
	if (mrc < 0)
		goto fail;
	old = mrc == 1 ? mark_names(text, &deploy_kind) : g_new0(char *, 1);
	/* Everything is checked before anything is removed or written. */
	for (char **q = old; real && *q; q++)
		if (path_within(dir, *q, real)) {
			snprintf(err, errlen, "%s/%s: the scenario being read (%s) is there, and "
				 "the write would remove it: %s", dir, *q, input,
				 deploy_kind.fix);
			goto fail;
		}
	for (size_t i = 0; i < n; i++) {
		if (real && path_within(dir, names[i], real)) {
			snprintf(err, errlen, "%s/%s: the scenario being read (%s) is there, and "
				 "the write would write over it: %s", dir, names[i], input,
				 deploy_kind.fix);
			goto fail;
		}
		if (fstatat(fd, names[i], &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    !g_strv_contains((const char *const *)old, names[i])) {
			snprintf(err, errlen, "%s/%s: already there, and no earlier write wrote it "
				 "(%s does not list it): the write does not write over it; move "
				 "it away, or %s", dir, names[i], DEPLOY_MARK, deploy_kind.fix);
			goto fail;
		}
	}
	if (mrc == 1 && mark_clear(fd, dir, &deploy_kind, text, "the write before", err,
				   errlen) != 0)
		goto fail;
	head = mark_text(DEPLOY_HEAD, names, n);
	if (mark_write(fd, dir, &deploy_kind, head->str, err, errlen) != 0)
		goto fail;
	goto out;
fail:
	close(fd);
	fd = -1;
out:
	if (head)
		g_string_free(head, TRUE);
	g_strfreev(old);
	g_free(text);
	free(real);
	return fd;
}

bool
output_dir_foreign(const char *dir, const char *const *own)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	bool foreign;

	if (dfd < 0)
		return false;	/* none yet, or not one: the command says so itself */
	foreign = !dir_is_empty(dfd, MARK_NAME ".tmp");
	for (size_t i = 0; foreign && own[i]; i++)
		if (fstatat(dfd, own[i], &st, AT_SYMLINK_NOFOLLOW) == 0)
			foreign = false;
	close(dfd);
	return foreign;
}

int
output_dir_adopt(const char *dir, char *err, size_t errlen)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc = 0;

	if (dfd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", dir, strerror(errno));
		return -1;
	}
	if (faccessat(dfd, MARK_NAME, F_OK, 0) != 0)
		rc = mark_write(dfd, dir, &run_kind, MARK_HEAD, err, errlen);
	close(dfd);
	return rc;
}

/*
 * timeseries.csv: written down in the marker, created new (never over a
 * file of the user's, never through a link), handed to the sampler.
 */
static int
ts_open(struct output *o, const struct output_opts *opts, char *err, size_t errlen)
{
	FILE *f;
	int fd;

	if (name_foreign(o, TS_NAME) || mark_add(o, TS_NAME) != 0) {
		snprintf(err, errlen, "%s", o->err);
		return -1;
	}
	fd = openat(o->dirfd, TS_NAME, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0666);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!f) {
		snprintf(err, errlen, "%s/%s: %s", o->dir, TS_NAME, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	o->ts = tseries_start(o->net, opts->timeseries, opts->timeseries_interval, f, err,
			      errlen);
	return o->ts ? 0 : -1;
}

/*
 * A split run's process other than 0: the directory process 0 took
 * (before the barrier the front end puts between them), without its
 * lock; names go into its marker, appended to.
 */
static int
part_join(struct output *o, char *err, size_t errlen)
{
	o->dirfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o->dirfd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", o->dir, strerror(errno));
		return -1;
	}
	o->markfd = openat(o->dirfd, MARK_NAME, O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (o->markfd < 0) {
		snprintf(err, errlen, "%s/%s: %s", o->dir, MARK_NAME, strerror(errno));
		return -1;
	}
	return 0;
}

/* The names in the directory now (struct output, pre). */
static int
part_snapshot(struct output *o, char *err, size_t errlen)
{
	int dfd = dup(o->dirfd);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *de;

	if (!d) {
		snprintf(err, errlen, "cannot read %s: %s", o->dir, strerror(errno));
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	o->pre = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			g_hash_table_add(o->pre, g_strdup(de->d_name));
	/* dup() shares the position: back to the start for whoever reads it next. */
	rewinddir(d);
	closedir(d);
	return 0;
}

/* This process's part of the log, new. */
static int
part_open_log(struct output *o, char *err, size_t errlen)
{
	char *name = g_strdup_printf("%s.%d", PART_LOG, o->rank);
	int fd = openat(o->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			0666);

	o->partf = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!o->partf) {
		snprintf(err, errlen, "%s/%s: %s", o->dir, name, strerror(errno));
		if (fd >= 0)
			close(fd);
		g_free(name);
		return -1;
	}
	g_free(name);
	o->partbuf = g_malloc(LOG_BUFSZ);
	setvbuf(o->partf, o->partbuf, _IOFBF, LOG_BUFSZ);
	return 0;
}

/* One part being merged: its next line, and the length of its stamp. */
struct part_in {
	FILE *f;
	char *line;
	size_t cap;
	ssize_t len;
};

#define STAMP_LEN	(1 + 16 + 8 + 16 + 1)

static void
part_next(struct part_in *p)
{
	p->len = p->f ? getline(&p->line, &p->cap, p->f) : -1;
	if (p->len >= 0 && p->len < STAMP_LEN + 1)
		p->len = -1;	/* not a line we wrote: the part is cut */
}

/*
 * Process 0, every part complete: log.txt is the parts' lines merged by
 * their stamps (a tie: the lower process first), stamps taken off.
 */
static int
part_merge_log(struct output *o, char *err, size_t errlen)
{
	struct part_in *in = g_new0(struct part_in, o->nranks);
	int rc = 0;

	for (int r = 0; r < o->nranks; r++) {
		char *name = g_strdup_printf("%s.%d", PART_LOG, r);
		int fd = openat(o->dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

		in[r].f = fd >= 0 ? fdopen(fd, "r") : NULL;
		if (!in[r].f) {
			snprintf(err, errlen, "%s/%s: %s", o->dir, name, strerror(errno));
			rc = -1;
		}
		g_free(name);
		part_next(&in[r]);
	}
	while (rc == 0) {
		int best = -1;

		for (int r = 0; r < o->nranks; r++)
			if (in[r].len >= 0 &&
			    (best < 0 || memcmp(in[r].line, in[best].line, STAMP_LEN) < 0))
				best = r;
		if (best < 0)
			break;
		fwrite(in[best].line + STAMP_LEN, 1, (size_t)in[best].len - STAMP_LEN, o->logf);
		part_next(&in[best]);
	}
	for (int r = 0; r < o->nranks; r++) {
		if (in[r].f && ferror(in[r].f) && rc == 0) {
			snprintf(err, errlen, "%s/%s.%d: read failed", o->dir, PART_LOG, r);
			rc = -1;
		}
		if (in[r].f)
			fclose(in[r].f);
		free(in[r].line);
	}
	g_free(in);
	return rc;
}

/* The claim of a merge hook (output_opts): a file of the run, written down first. */
static char *
part_claim(void *ctx, const char *name)
{
	struct output *o = ctx;

	if (name_foreign(o, name) || mark_add(o, name) != 0)
		return NULL;
	return g_build_filename(o->dir, name, NULL);
}

static gint
g_strcmp0_ptr(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A line of a rows part: its key, up to the tab. */
static int
rows_cmp(const struct part_in *a, const struct part_in *b)
{
	const char *ta = memchr(a->line, '\t', (size_t)a->len);
	const char *tb = memchr(b->line, '\t', (size_t)b->len);
	size_t la = ta ? (size_t)(ta - a->line) : (size_t)a->len;
	size_t lb = tb ? (size_t)(tb - b->line) : (size_t)b->len;
	int c = memcmp(a->line, b->line, la < lb ? la : lb);

	return c ? c : (la > lb) - (la < lb);
}

static void
rows_next(struct part_in *p)
{
	p->len = p->f ? getline(&p->line, &p->cap, p->f) : -1;
}

/*
 * Process 0: the file name from the parts the processes wrote of it
 * (net_outfile_part): the header once, then the rows by key.
 */
static int
part_merge_rows(struct output *o, const char *name, char *err, size_t errlen)
{
	struct part_in *in = g_new0(struct part_in, o->nranks);
	bool header = false;
	FILE *out = NULL;
	int fd, rc = 0;

	if (name_foreign(o, name) || mark_add(o, name) != 0) {
		snprintf(err, errlen, "%.400s", o->err);
		g_free(in);
		return -1;
	}
	fd = openat(o->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	out = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!out) {
		snprintf(err, errlen, "%s/%s: %s", o->dir, name, strerror(errno));
		if (fd >= 0)
			close(fd);
		g_free(in);
		return -1;
	}
	for (int r = 0; r < o->nranks; r++) {
		char *part = g_strdup_printf(".rows.%s.part.%d", name, r);

		fd = openat(o->dirfd, part, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		in[r].f = fd >= 0 ? fdopen(fd, "r") : NULL;	/* none: no rows there */
		g_free(part);
		rows_next(&in[r]);
		/* The header: the line of the empty key, first in every part. */
		if (in[r].len > 0 && in[r].line[0] == '\t') {
			if (!header)
				fwrite(in[r].line + 1, 1, (size_t)in[r].len - 1, out);
			header = true;
			rows_next(&in[r]);
		}
	}
	for (;;) {
		int best = -1;

		for (int r = 0; r < o->nranks; r++)
			if (in[r].len > 0 && (best < 0 || rows_cmp(&in[r], &in[best]) < 0))
				best = r;
		if (best < 0)
			break;
		{
			const char *t = memchr(in[best].line, '\t', (size_t)in[best].len);
			size_t skip = t ? (size_t)(t - in[best].line) + 1 : 0;

			fwrite(in[best].line + skip, 1, (size_t)in[best].len - skip, out);
		}
		rows_next(&in[best]);
	}
	for (int r = 0; r < o->nranks; r++) {
		char *part = g_strdup_printf(".rows.%s.part.%d", name, r);

		if (in[r].f)
			fclose(in[r].f);
		free(in[r].line);
		unlinkat(o->dirfd, part, 0);
		g_free(part);
	}
	if (fflush(out) != 0 || ferror(out)) {
		snprintf(err, errlen, "%s/%s: write failed", o->dir, name);
		rc = -1;
	}
	fclose(out);
	g_free(in);
	return rc;
}

/* Process 0: every file of which some process wrote rows parts, merged; in name order. */
static int
part_merge_all_rows(struct output *o, char *err, size_t errlen)
{
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	int dfd = dup(o->dirfd);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *de;
	int rc = 0;

	if (!d) {
		snprintf(err, errlen, "cannot read %s: %s", o->dir, strerror(errno));
		if (dfd >= 0)
			close(dfd);
		g_ptr_array_free(names, TRUE);
		return -1;
	}
	while ((de = readdir(d))) {
		const char *n = de->d_name, *dot;
		char *base;

		if (strncmp(n, ".rows.", 6) != 0 || !(dot = strstr(n + 6, ".part.")))
			continue;
		while (strstr(dot + 1, ".part."))
			dot = strstr(dot + 1, ".part.");
		base = g_strndup(n + 6, (size_t)(dot - (n + 6)));
		if (g_ptr_array_find_with_equal_func(names, base, g_str_equal, NULL))
			g_free(base);
		else
			g_ptr_array_add(names, base);
	}
	closedir(d);
	g_ptr_array_sort(names, (GCompareFunc)g_strcmp0_ptr);
	for (guint i = 0; i < names->len && rc == 0; i++)
		rc = part_merge_rows(o, g_ptr_array_index(names, i), err, errlen);
	g_ptr_array_free(names, TRUE);
	return rc;
}

/* Process 0: remove the parts once merged. */
static void
part_remove(struct output *o)
{
	for (int r = 0; r < o->nranks; r++) {
		char *a = g_strdup_printf("%s.%d", PART_LOG, r);
		char *b = g_strdup_printf("%s.%d", PART_COUNTERS, r);

		unlinkat(o->dirfd, a, 0);
		unlinkat(o->dirfd, b, 0);
		g_free(a);
		g_free(b);
	}
}

struct output *
output_open(struct net *net, const struct output_opts *opts, char *err,
	    size_t errlen)
{
	struct output *o;
	char *path;
	int fd;

	o = g_new0(struct output, 1);
	o->net = net;
	o->dir = g_strdup(opts->dir && opts->dir[0] ? opts->dir : ".");
	o->log_stderr = opts->log_stderr != 0;
	o->snaplen = opts->snaplen ? opts->snaplen : SNAPLEN_DEFAULT;
	o->caps = g_ptr_array_new();
	o->files = g_hash_table_new(g_str_hash, g_str_equal);
	o->claimed = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	o->dirfd = -1;
	o->markfd = -1;
	if (o->snaplen > SNAPLEN_MAX) {
		snprintf(err, errlen, "snaplen %u is out of range (1..%u)",
			 o->snaplen, SNAPLEN_MAX);
		goto fail;
	}
	if (sel_parse(o, opts->pcap, err, errlen) != 0)
		goto fail;
	o->rank = opts->nranks > 1 ? opts->rank : 0;
	o->nranks = opts->nranks > 1 ? opts->nranks : 1;
	o->barrier = opts->barrier;
	o->pmax = opts->max;
	o->merge = opts->merge;
	o->merge_ctx = opts->merge_ctx;
	if (o->nranks > 1 && opts->timeseries) {
		snprintf(err, errlen, "timeseries.csv is not written by a run split over "
			 "processes yet: run it in one process (doc/parallel.md)");
		goto fail;
	}
	if (o->rank > 0) {
		if (part_join(o, err, errlen) != 0)
			goto fail;
		goto parts;
	}
	if (dir_take(o, err, errlen) != 0)
		goto fail;
	/* Every process's parts, written down before any is made. */
	for (int r = 0; o->nranks > 1 && r < o->nranks; r++) {
		char *a = g_strdup_printf("%s.%d", PART_LOG, r);
		char *b = g_strdup_printf("%s.%d", PART_COUNTERS, r);
		int m = mark_add(o, a) | mark_add(o, b);

		g_free(a);
		g_free(b);
		if (m != 0) {
			snprintf(err, errlen, "%s", o->err);
			goto fail;
		}
	}

	/* Listed, so gone already; but a directory without one is never complete. */
	path = g_build_filename(o->dir, "summary.json", NULL);
	if (unlink(path) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "cannot remove %s: %s", path, strerror(errno));
		g_free(path);
		goto fail;
	}
	g_free(path);

	/* New, never through a link: the name of the run before is gone. */
	path = g_build_filename(o->dir, "log.txt", NULL);
	fd = openat(o->dirfd, "log.txt", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		    0666);
	o->logf = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!o->logf) {
		if (fd >= 0)
			close(fd);
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		g_free(path);
		goto fail;
	}
	g_free(path);
	o->logbuf = g_malloc(LOG_BUFSZ);
	setvbuf(o->logf, o->logbuf, _IOFBF, LOG_BUFSZ);
parts:
	if (o->nranks > 1 && (part_snapshot(o, err, errlen) != 0 ||
			      part_open_log(o, err, errlen) != 0))
		goto fail;
	log_set_sink(&net->log, out_log_sink, o);
	net->on_outfile = out_outfile;
	net->on_outfile_ctx = o;
	if (opts->timeseries && ts_open(o, opts, err, errlen) != 0)
		goto fail;

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
	if (o->logf)
		fflush(o->logf);
	if (o->partf)
		fflush(o->partf);
	tseries_flush(o->ts);
	if (o->log_stderr)
		fflush(stderr);
}

/*
 * output_close() of a split run, the pcaps closed: each process writes
 * its part of the counters and ends its part of the log; they agree on
 * whether all went well (which also waits for all); then process 0 merges
 * the parts into log.txt and counters.csv, removes them, and writes
 * summary.json last.
 */
static int
part_close(struct output *o, const struct run_summary *sum, const char **files, int rc)
{
	struct net *net = o->net;
	struct report_totals tot;
	char err[512];
	char *name = g_strdup_printf("%s.%d", PART_COUNTERS, o->rank);
	char *path = g_build_filename(o->dir, name, NULL);
	int64_t bad;

	if (report_counters_part(net, path, err, sizeof(err)) != 0) {
		out_error(o, err);
		rc = -1;
	}
	g_free(path);
	g_free(name);
	log_set_sink(&net->log, NULL, NULL);
	if (fflush(o->partf) != 0 || ferror(o->partf)) {
		snprintf(err, sizeof(err), "%s/%s.%d: write failed", o->dir, PART_LOG, o->rank);
		out_error(o, err);
		rc = -1;
	}
	fclose(o->partf);
	o->partf = NULL;
	bad = o->pmax(rc != 0 || o->failed);
	if (o->rank != 0) {
		out_free(o);
		return bad ? -1 : 0;
	}
	memset(&tot, 0, sizeof(tot));
	if (!bad) {
		char **parts = g_new0(char *, o->nranks + 1);

		if (part_merge_log(o, err, sizeof(err)) != 0) {
			out_error(o, err);
			rc = -1;
		}
		for (int r = 0; r < o->nranks; r++)
			parts[r] = g_strdup_printf("%s/%s.%d", o->dir, PART_COUNTERS, r);
		path = g_build_filename(o->dir, "counters.csv", NULL);
		if (rc == 0 && report_counters_merge(net, (const char *const *)parts, o->nranks,
						     path, &tot, err, sizeof(err)) != 0) {
			out_error(o, err);
			rc = -1;
		}
		g_free(path);
		g_strfreev(parts);
		if (rc == 0 && part_merge_all_rows(o, err, sizeof(err)) != 0) {
			out_error(o, err);
			rc = -1;
		}
		if (rc == 0 && o->merge &&
		    o->merge(o->merge_ctx, o->dir, o->nranks, part_claim, o, err, sizeof(err)) != 0) {
			out_error(o, err);
			rc = -1;
		}
	} else {
		rc = -1;
	}
	part_remove(o);
	if (fflush(o->logf) != 0 || ferror(o->logf)) {
		snprintf(err, sizeof(err), "%s/log.txt: write failed", o->dir);
		out_error(o, err);
		rc = -1;
	}
	if (sum && rc == 0) {
		path = g_build_filename(o->dir, "summary.json", NULL);
		if (report_summary(net, sum, &tot, files, o->caps->len, path, err, sizeof(err)) != 0) {
			out_error(o, err);
			rc = -1;
		}
		g_free(path);
	}
	report_totals_free(&tot);
	if (o->more_errors)
		fprintf(stderr, "%s: %s: %u more errors after the first\n", log_prog(), o->dir,
			o->more_errors);
	out_free(o);
	return rc;
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
	/* What is said now comes after everything the entities said at the end. */
	net->phase = 3;
	if (o->cap_failed > 1)
		fprintf(stderr, "%s: %s: %u interfaces in all could not be captured\n", log_prog(),
			o->dir, o->cap_failed);
	for (unsigned i = 0; i < o->nsel; i++) {
		if (o->sel_used[i])
			continue;
		/* Most likely a typo: say so where the user looks, too. */
		if (!o->log_stderr && o->rank == 0)
			fprintf(stderr, "%s: warning: pcap selection \"%s\" "
				"matched no Ethernet interface\n", log_prog(), o->sel[i]);
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

	if (o->nranks > 1) {
		rc = part_close(o, sum, files, rc);
		g_free(files);
		return rc;
	}
	if (o->ts) {
		path = g_build_filename(o->dir, TS_NAME, NULL);
		if (tseries_close(o->ts, path, true, err, sizeof(err)) != 0) {
			out_error(o, err);
			rc = -1;
		}
		o->ts = NULL;
		g_free(path);
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
		if (report_summary(net, sum, NULL, files, o->caps->len, path, err,
				   sizeof(err)) != 0) {
			out_error(o, err);
			rc = -1;
		}
		g_free(path);
	}
	g_free(files);
	if (o->more_errors)
		fprintf(stderr, "%s: %s: %u more errors after the first\n", log_prog(), o->dir,
			o->more_errors);
	out_free(o);
	return rc;
}

const char *
output_dir(const struct output *o)
{
	return o->dir;
}

bool
output_failed(const struct output *o)
{
	return o->failed;
}
