/*
 * requests.c - requests.csv: one row per content request of the run,
 * whichever approach's client made it (entities/requests.h;
 * doc/outputs.md, "requests.csv", says what each column holds).
 *
 *   time,client,content,approach,server,as_path,path_len,first_byte,
 *   completion,bytes,size,outcome
 *
 * The records sit in a run-wide extension of the network, as the RAEs'
 * rae-paths.csv does (entities/rae/rae_paths.c): the first request of
 * the run creates it, and its end call, made once when the run ends and
 * before the entities stop, writes the file when the run has an output
 * directory.  A run without requests has no table and writes no file.
 *
 * Rows are sorted by time, client node (by name), client port, content,
 * approach, then the order the records were made: nothing depends on
 * where the records sit in memory, so the file is the same whatever the
 * scheduler.  Times are seconds with nine decimals, as the log prints
 * them (sim_time_fmt).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "entities/requests.h"
#include "sim/entity.h"
#include "sim/net.h"

#define REQUESTS_EXT	"requests"
#define REQUESTS_FILE	"requests.csv"

struct requests {
	GPtrArray *recs;	/* struct request_rec*, in the order they were made */
	GHashTable *by_key;	/* "addr port content" -> struct request_rec* (coupled) */
	/*
	 * The CRMEs' sessions, as they tell them: "AS content" -> the
	 * address of the CRME the content comes from (0: the server is in
	 * that AS), and each CRME's AS by its address.
	 */
	GHashTable *sess;
	GHashTable *crme_as;
	struct node *node;	/* the first client's node, kind and instance: */
	char *kind, *inst;	/* whom to log a failure to write the file on behalf of */
};

static const char *const outcome_names[REQ_OUTCOMES] = {
	[REQ_PENDING] = "pending",
	[REQ_COMPLETE] = "complete",
	[REQ_INCOMPLETE] = "incomplete",
	[REQ_REFUSED] = "refused",
	[REQ_NOT_FOUND] = "not_found",
	[REQ_NO_ANSWER] = "no_answer",
	[REQ_STOPPED] = "stopped",
	[REQ_ERROR] = "error",
};

const char *
requests_outcome_name(enum req_outcome o)
{
	g_assert((unsigned)o < REQ_OUTCOMES);
	return outcome_names[o];
}

/* A CSV field: as it is, or quoted (quotes doubled) when it holds a comma, quote or newline. */
static void
csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

/* A duration since the request, or nothing when there is none. */
static void
csv_time(FILE *f, sim_time_t t)
{
	char buf[32];

	if (t >= 0)
		fputs(sim_time_fmt(t, buf, sizeof(buf)), f);
}

static void
rec_row(FILE *f, const struct request_rec *r)
{
	char t[32], client[256];

	snprintf(client, sizeof(client), "%s:%u", r->node, r->port);
	fprintf(f, "%s,", sim_time_fmt(r->time, t, sizeof(t)));
	csv_field(f, client);
	fputc(',', f);
	csv_field(f, r->content);
	fprintf(f, ",%s,%s,%s,", r->approach == REQ_COUPLED ? "coupled" : "decoupled", r->server,
		r->as_path ? r->as_path : "");
	if (r->path_len >= 0)
		fprintf(f, "%" PRId64, r->path_len);
	fputc(',', f);
	csv_time(f, r->first_byte);
	fputc(',', f);
	csv_time(f, r->completion);
	fprintf(f, ",%" PRIu64 ",", r->bytes);
	if (r->size_known)
		fprintf(f, "%" PRIu64, r->size);
	fprintf(f, ",%s\n", requests_outcome_name(r->outcome));
}

static int
rec_order(const void *x, const void *y)
{
	const struct request_rec *a = *(const struct request_rec *const *)x;
	const struct request_rec *b = *(const struct request_rec *const *)y;
	int c;

	if (a->time != b->time)
		return a->time < b->time ? -1 : 1;
	if ((c = strcmp(a->node, b->node)) != 0)
		return c;
	if (a->port != b->port)
		return a->port < b->port ? -1 : 1;
	if ((c = strcmp(a->content, b->content)) != 0)
		return c;
	if (a->approach != b->approach)
		return a->approach < b->approach ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* A coupled record's as_path from its way: the server's AS first. */
static void
crme_path(struct request_rec *r)
{
	GString *s;

	if (r->as_path || !r->crmes || !r->way_done)
		return;
	s = g_string_new(NULL);
	for (guint i = r->crmes->len; i-- > 0;)
		g_string_append_printf(s, "%s%" PRIu32, s->len ? " " : "",
				       g_array_index(r->crmes, uint32_t, i));
	r->as_path = g_string_free(s, FALSE);
	r->path_len = (int64_t)r->crmes->len - 1;
}

/* The run ends: write every record, sorted, if the run has a directory. */
static void
requests_end(struct net *net, void *data)
{
	struct requests *rq = data;
	struct request_rec **v;
	/* A split run: this process's clients' records, merged by process 0 (net_outfile_part). */
	bool split = net_split(net);
	char *path = split ? net_outfile_part(net, REQUESTS_FILE) : net_outfile(net, REQUESTS_FILE);
	GString *key = g_string_new(NULL);
	FILE *f = NULL;
	bool bad;
	int fd;

	if (!path)
		return;
	/* Created new, never through a link, as every output of a run. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		node_log(rq->node, LOG_ERROR, rq->kind, rq->inst, "cannot write %s: %s", path,
			 strerror(errno));
		if (fd >= 0)
			close(fd);
		g_free(path);
		g_string_free(key, TRUE);
		return;
	}
	for (guint i = 0; i < rq->recs->len; i++)
		crme_path(g_ptr_array_index(rq->recs, i));
	v = g_memdup2(rq->recs->pdata, rq->recs->len * sizeof(void *));
	qsort(v, rq->recs->len, sizeof(void *), rec_order);
	if (split)
		fputc('\t', f);
	fputs("time,client,content,approach,server,as_path,path_len,first_byte,completion,"
	      "bytes,size,outcome\n", f);
	for (guint i = 0; i < rq->recs->len; i++) {
		if (split) {
			/* As rec_order; the records of one client are in one process. */
			g_string_printf(key, "%016" PRIx64, (uint64_t)v[i]->time);
			net_key_str(key, v[i]->node);
			g_string_append_printf(key, "%04x", v[i]->port);
			net_key_str(key, v[i]->content);
			g_string_append_printf(key, "%d%016" PRIx64 "\t", (int)v[i]->approach,
					       (uint64_t)v[i]->seq);
			fputs(key->str, f);
		}
		rec_row(f, v[i]);
	}
	g_string_free(key, TRUE);
	g_free(v);
	bad = ferror(f) != 0;
	if (fclose(f) != 0 || bad)
		node_log(rq->node, LOG_ERROR, rq->kind, rq->inst, "cannot write %s: %s", path,
			 strerror(errno));
	g_free(path);
}

static void
rec_free(gpointer p)
{
	struct request_rec *r = p;

	g_free(r->node);
	g_free(r->content);
	g_free(r->as_path);
	if (r->crmes)
		g_array_free(r->crmes, TRUE);
	g_free(r);
}

static void
requests_fini(void *data)
{
	struct requests *rq = data;

	if (rq->by_key)
		g_hash_table_destroy(rq->by_key);
	if (rq->sess)
		g_hash_table_destroy(rq->sess);
	if (rq->crme_as)
		g_hash_table_destroy(rq->crme_as);
	g_ptr_array_free(rq->recs, TRUE);
	g_free(rq->kind);
	g_free(rq->inst);
	g_free(rq);
}

struct request_rec *
requests_add(struct entity *e, uint16_t port, const char *content, enum req_approach approach)
{
	struct net *net = e->node->net;
	struct requests *rq = net_ext_get(net, REQUESTS_EXT);
	struct request_rec *r = g_new0(struct request_rec, 1);

	if (!rq) {
		rq = g_new0(struct requests, 1);
		rq->recs = g_ptr_array_new_with_free_func(rec_free);
		rq->node = e->node;
		rq->kind = g_strdup(e->cls->kind);
		rq->inst = g_strdup(e->inst);
		net_ext_set(net, REQUESTS_EXT, rq, requests_end, requests_fini);
	}
	r->time = sim_now(net->sim);
	r->node = g_strdup(e->node->name);
	r->port = port;
	r->content = g_strdup(content);
	r->approach = approach;
	r->path_len = -1;
	r->first_byte = -1;
	r->completion = -1;
	r->outcome = REQ_PENDING;
	r->seq = rq->recs->len;
	g_ptr_array_add(rq->recs, r);
	return r;
}

void
requests_first_byte(struct request_rec *r, sim_time_t now)
{
	if (r->first_byte < 0)
		r->first_byte = now - r->time;
}

void
requests_set_path(struct request_rec *r, bool has_first, uint32_t first, const uint32_t *path,
		  size_t n)
{
	GString *s = g_string_new(NULL);

	if (has_first)
		g_string_append_printf(s, "%" PRIu32, first);
	for (size_t i = 0; i < n; i++)
		g_string_append_printf(s, "%s%" PRIu32, s->len ? " " : "", path[i]);
	g_free(r->as_path);
	r->as_path = g_string_free(s, FALSE);
	r->path_len = (int64_t)n;
}

static char *
req_key(uint32_t addr, uint16_t port, const char *content)
{
	return g_strdup_printf("%" PRIu32 " %u %s", addr, port, content);
}

void
requests_key(struct entity *e, struct request_rec *r, uint32_t addr)
{
	struct requests *rq = net_ext_get(e->node->net, REQUESTS_EXT);

	g_assert(rq);
	if (!rq->by_key)
		rq->by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	/* A later request of the same port and content takes the name. */
	g_hash_table_replace(rq->by_key, req_key(addr, r->port, r->content), r);
}

/* "AS content": the key of a CRME's session. */
static char *
sess_key(uint32_t as, const char *content)
{
	return g_strdup_printf("%" PRIu32 " %s", as, content);
}

/*
 * r's way goes on from the session of AS `as` for the content: the ASes
 * the content comes through, up to the server's; false if a CRME on the
 * way told nothing (no as=) or the way loops.
 */
static bool
way_on(struct requests *rq, struct request_rec *r, uint32_t as, const char *content)
{
	for (unsigned n = 0; n < 256; n++) {
		char *k = sess_key(as, content);
		gpointer up;
		bool found = g_hash_table_lookup_extended(rq->sess, k, NULL, &up);

		g_free(k);
		if (!found)
			return false;
		if (!up)
			return true;
		if (!g_hash_table_lookup_extended(rq->crme_as, up, NULL, &up))
			return false;
		as = GPOINTER_TO_UINT(up);
		g_array_append_val(r->crmes, as);
	}
	return false;
}

void
requests_crme(struct net *net, uint32_t self, uint32_t as, uint32_t addr, uint16_t port,
	      const char *content, enum req_hop how, uint32_t up, bool repair)
{
	struct requests *rq = net_ext_get(net, REQUESTS_EXT);
	struct request_rec *r;
	char *k;

	if (!rq || !rq->by_key)
		return;
	if (!rq->sess) {
		rq->sess = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		rq->crme_as = g_hash_table_new(g_direct_hash, g_direct_equal);
	}
	g_hash_table_replace(rq->crme_as, GUINT_TO_POINTER(self), GUINT_TO_POINTER(as));
	if (how != REQ_HOP_JOIN)
		g_hash_table_replace(rq->sess, sess_key(as, content),
				     GUINT_TO_POINTER(how == REQ_HOP_ON ? up : 0));
	if (repair)
		return;
	k = req_key(addr, port, content);
	r = g_hash_table_lookup(rq->by_key, k);
	g_free(k);
	/* Once the way is known (or lost), later Consumes change nothing. */
	if (!r || (r->crmes && r->crmes->len == 0) || r->way_done)
		return;
	if (!r->crmes)
		r->crmes = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	g_array_append_val(r->crmes, as);
	if (how == REQ_HOP_SOURCE) {
		r->way_done = true;
	} else if (how == REQ_HOP_JOIN) {
		guint known = r->crmes->len;

		/*
		 * The session joined may still be waiting for its own
		 * upstream session, its Consume on a link: the way is then
		 * found when the request completes (requests_way_final).
		 */
		if (!(r->way_done = way_on(rq, r, as, content)))
			g_array_set_size(r->crmes, known);
	}
}

void
requests_way_final(struct entity *e, struct request_rec *r)
{
	struct requests *rq = net_ext_get(e->node->net, REQUESTS_EXT);
	struct request_rec w;

	if (!rq || !rq->sess || !r->crmes || r->crmes->len == 0)
		return;
	memset(&w, 0, sizeof(w));
	w.crmes = g_array_new(FALSE, FALSE, sizeof(uint32_t));
	g_array_append_val(w.crmes, g_array_index(r->crmes, uint32_t, 0));
	if (way_on(rq, &w, g_array_index(r->crmes, uint32_t, 0), r->content)) {
		g_array_free(r->crmes, TRUE);
		r->crmes = w.crmes;
		r->way_done = true;
	} else {
		g_array_free(w.crmes, TRUE);
	}
}
