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
#include "sim/log.h"
#include "sim/net.h"

#define REQUESTS_EXT	"requests"
#define REQUESTS_FILE	"requests.csv"
#define REQUESTS_PART	".requests.part"	/* a split run's: REQUESTS_PART.RANK */

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
	/*
	 * A split run (doc/parallel.md): what the clients and CRMEs of this
	 * process did, each line after its place in the run, for process 0
	 * to do it again in the run's order (requests_merge); NULL otherwise.
	 */
	GString *journal;
	uint64_t jseq;		/* lines written */
	int rank;
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

/* Write the records of rq, sorted, to f: the file requests.csv. */
static int
write_records(FILE *f, struct requests *rq)
{
	struct request_rec **v;

	for (guint i = 0; i < rq->recs->len; i++)
		crme_path(g_ptr_array_index(rq->recs, i));
	v = g_memdup2(rq->recs->pdata, rq->recs->len * sizeof(void *));
	qsort(v, rq->recs->len, sizeof(void *), rec_order);
	fputs("time,client,content,approach,server,as_path,path_len,first_byte,completion,"
	      "bytes,size,outcome\n", f);
	for (guint i = 0; i < rq->recs->len; i++)
		rec_row(f, v[i]);
	g_free(v);
	return ferror(f) ? -1 : 0;
}

/* A split run: this process's journal, then its records ("R" lines). */
static int
write_part(FILE *f, struct requests *rq)
{
	fputs(rq->journal->str, f);
	for (guint i = 0; i < rq->recs->len; i++) {
		const struct request_rec *r = g_ptr_array_index(rq->recs, i);
		char *node = g_strescape(r->node, NULL), *content = g_strescape(r->content, NULL);
		char *server = g_strescape(r->server, NULL);
		char *path = g_strescape(r->as_path ? r->as_path : "", NULL);

		fprintf(f, "R\t%d:%" PRIu64 "\t%" PRId64 "\t%s\t%u\t%s\t%d\t%s\t%d\t%s\t%" PRId64
			"\t%" PRId64 "\t%" PRId64 "\t%" PRIu64 "\t%" PRIu64 "\t%d\t%d\n", rq->rank,
			r->seq, (int64_t)r->time, node, r->port, content, (int)r->approach, server,
			r->as_path ? 1 : 0, path, r->path_len, (int64_t)r->first_byte,
			(int64_t)r->completion, r->bytes, r->size, r->size_known ? 1 : 0,
			(int)r->outcome);
		g_free(node);
		g_free(content);
		g_free(server);
		g_free(path);
	}
	return ferror(f) ? -1 : 0;
}

static void
end_error(struct net *net, struct requests *rq, const char *path)
{
	if (rq->node)
		node_log(rq->node, LOG_ERROR, rq->kind, rq->inst, "cannot write %s: %s", path,
			 strerror(errno));
	else
		log_line(&net->log, LOG_ERROR, NULL, "requests", NULL, "cannot write %s: %s", path,
			 strerror(errno));
}

/*
 * The run ends: write every record, sorted, if the run has a directory;
 * in a split run, this process's part, which process 0 merges
 * (requests_merge).
 */
static void
requests_end(struct net *net, void *data)
{
	struct requests *rq = data;
	char *part = rq->journal ? g_strdup_printf("%s.%d", REQUESTS_PART, rq->rank) : NULL;
	char *path = net_outfile(net, part ? part : REQUESTS_FILE);
	FILE *f = NULL;
	bool bad;
	int fd;

	g_free(part);
	if (!path)
		return;
	/* Created new, never through a link, as every output of a run. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		end_error(net, rq, path);
		if (fd >= 0)
			close(fd);
		g_free(path);
		return;
	}
	bad = (rq->journal ? write_part(f, rq) : write_records(f, rq)) != 0;
	if (fclose(f) != 0 || bad)
		end_error(net, rq, path);
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

	if (rq->journal)
		g_string_free(rq->journal, TRUE);
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

/* The run's table, made on first use (e: whom a failure to write it is logged for). */
static struct requests *
rq_get(struct net *net, struct entity *e)
{
	struct requests *rq = net_ext_get(net, REQUESTS_EXT);

	if (!rq) {
		rq = g_new0(struct requests, 1);
		rq->recs = g_ptr_array_new_with_free_func(rec_free);
		rq->node = e ? e->node : NULL;
		rq->kind = g_strdup(e ? e->cls->kind : "crme");
		rq->inst = g_strdup(e ? e->inst : "");
		if (net_split(net)) {
			rq->journal = g_string_new(NULL);
			rq->rank = net->rank;
		}
		net_ext_set(net, REQUESTS_EXT, rq, requests_end, requests_fini);
	}
	return rq;
}

/* A journal line's head: where it is in the run, then its number here. */
static void
jhead(struct requests *rq, struct net *net, char op)
{
	struct stats_stamp st;

	net_stamp(net, &st);
	g_string_append_printf(rq->journal, "%c%016" PRIx64 "%08" PRIx32 "%016" PRIx64 "%016" PRIx64
			       "\t%c", '0' + st.phase, (uint64_t)st.time, st.actor, st.key,
			       rq->jseq++, op);
}

static void
jstr(struct requests *rq, const char *s)
{
	char *e = g_strescape(s ? s : "", NULL);

	g_string_append_c(rq->journal, '\t');
	g_string_append(rq->journal, e);
	g_free(e);
}

struct request_rec *
requests_add(struct entity *e, uint16_t port, const char *content, enum req_approach approach)
{
	struct net *net = e->node->net;
	struct requests *rq = rq_get(net, e);
	struct request_rec *r = g_new0(struct request_rec, 1);

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
	if (rq->journal) {
		jhead(rq, net, 'A');
		g_string_append_printf(rq->journal, "\t%d:%" PRIu64 "\n", rq->rank, r->seq);
	}
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
	if (rq->journal) {
		jhead(rq, e->node->net, 'K');
		g_string_append_printf(rq->journal, "\t%" PRIu32 "\t%u", addr, r->port);
		jstr(rq, r->content);
		g_string_append_printf(rq->journal, "\t%d:%" PRIu64 "\n", rq->rank, r->seq);
	}
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

/* requests_crme() on the table rq: live, or done again by requests_merge(). */
static void
crme_apply(struct requests *rq, uint32_t self, uint32_t as, uint32_t addr, uint16_t port,
	   const char *content, enum req_hop how, uint32_t up, bool repair)
{
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
requests_crme(struct net *net, uint32_t self, uint32_t as, uint32_t addr, uint16_t port,
	      const char *content, enum req_hop how, uint32_t up, bool repair)
{
	struct requests *rq;

	if (!net_split(net)) {
		crme_apply(net_ext_get(net, REQUESTS_EXT), self, as, addr, port, content, how, up,
			   repair);
		return;
	}
	/*
	 * A split run: the request's record may be in another process, and
	 * what the CRMEs of every process told must be taken in the run's
	 * order: written down, done by process 0 (requests_merge).
	 */
	rq = rq_get(net, NULL);
	jhead(rq, net, 'C');
	g_string_append_printf(rq->journal, "\t%" PRIu32 "\t%" PRIu32 "\t%" PRIu32 "\t%u",
			       self, as, addr, port);
	jstr(rq, content);
	g_string_append_printf(rq->journal, "\t%d\t%" PRIu32 "\t%d\n", (int)how, up,
			       repair ? 1 : 0);
}

static void way_final_apply(struct requests *rq, struct request_rec *r);

void
requests_way_final(struct entity *e, struct request_rec *r)
{
	struct requests *rq = net_ext_get(e->node->net, REQUESTS_EXT);

	if (rq && rq->journal) {
		jhead(rq, e->node->net, 'F');
		g_string_append_printf(rq->journal, "\t%d:%" PRIu64 "\n", rq->rank, r->seq);
		return;
	}
	way_final_apply(rq, r);
}

static void
way_final_apply(struct requests *rq, struct request_rec *r)
{
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

/* ---- a split run: requests.csv from every process's part ---- */

/* A journal line, with where it came from, for sorting. */
struct jline {
	char *text;		/* the head (stamp and number), a tab, the rest */
	int rank;
};

static int
jline_cmp(const void *a, const void *b)
{
	const struct jline *x = a, *y = b;
	/* The stamp (1 + 16 + 8 + 16 characters), then the process, then the number. */
	int c = memcmp(x->text, y->text, 41);

	if (c)
		return c;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return memcmp(x->text + 41, y->text + 41, 16);
}

/* A record from an "R" line's fields (f[1] its id ... f[16]). */
static struct request_rec *
rec_parse(char **f)
{
	struct request_rec *r = g_new0(struct request_rec, 1);

	r->time = g_ascii_strtoll(f[2], NULL, 10);
	r->node = g_strcompress(f[3]);
	r->port = (uint16_t)g_ascii_strtoull(f[4], NULL, 10);
	r->content = g_strcompress(f[5]);
	r->approach = (enum req_approach)g_ascii_strtoll(f[6], NULL, 10);
	{
		char *server = g_strcompress(f[7]);

		g_strlcpy(r->server, server, sizeof(r->server));
		g_free(server);
	}
	r->as_path = strcmp(f[8], "1") == 0 ? g_strcompress(f[9]) : NULL;
	r->path_len = g_ascii_strtoll(f[10], NULL, 10);
	r->first_byte = g_ascii_strtoll(f[11], NULL, 10);
	r->completion = g_ascii_strtoll(f[12], NULL, 10);
	r->bytes = g_ascii_strtoull(f[13], NULL, 10);
	r->size = g_ascii_strtoull(f[14], NULL, 10);
	r->size_known = strcmp(f[15], "1") == 0;
	r->outcome = (enum req_outcome)g_ascii_strtoll(f[16], NULL, 10);
	return r;
}

int
requests_merge(const char *dir, int nranks, char *(*claim)(void *ctx, const char *name),
	       void *ctx, char *err, size_t errlen)
{
	GArray *lines = g_array_new(FALSE, FALSE, sizeof(struct jline));
	GHashTable *by_id = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	GPtrArray *texts = g_ptr_array_new_with_free_func(g_free);
	struct requests rq;
	bool any = false, made = false;
	int rc = 0;

	memset(&rq, 0, sizeof(rq));
	rq.recs = g_ptr_array_new_with_free_func(rec_free);
	for (int r = 0; r < nranks && rc == 0; r++) {
		char *path = g_strdup_printf("%s/%s.%d", dir, REQUESTS_PART, r), *text = NULL;
		char **ls;

		if (!g_file_get_contents(path, &text, NULL, NULL)) {
			g_free(path);
			continue;	/* that process had no client and no CRME */
		}
		any = true;
		unlink(path);
		g_free(path);
		g_ptr_array_add(texts, text);
		ls = g_strsplit(text, "\n", -1);
		for (char **l = ls; *l && rc == 0; l++) {
			if (!**l)
				continue;
			if ((*l)[0] == 'R') {
				char **f = g_strsplit(*l, "\t", -1);

				if (g_strv_length(f) != 17) {
					rc = -1;
				} else {
					struct request_rec *rec = rec_parse(f);

					g_ptr_array_add(rq.recs, rec);
					g_hash_table_insert(by_id, g_strdup(f[1]), rec);
				}
				g_strfreev(f);
			} else if (strlen(*l) > 59) {
				struct jline jl = { g_strdup(*l), r };

				g_array_append_val(lines, jl);
			} else {
				rc = -1;
			}
		}
		g_strfreev(ls);
	}
	if (rc != 0)
		snprintf(err, errlen, "%s: a part of %s this program did not write", dir,
			 REQUESTS_FILE);
	/* Every step again, in the order of the run, on one table: as one process does them. */
	g_array_sort(lines, jline_cmp);
	for (guint i = 0; i < lines->len && rc == 0; i++) {
		char **f = g_strsplit(g_array_index(lines, struct jline, i).text, "\t", -1);
		guint nf = g_strv_length(f);
		char op = nf > 1 ? f[1][0] : '?';
		struct request_rec *rec = NULL;

		if ((op == 'A' || op == 'F') && nf == 3)
			rec = g_hash_table_lookup(by_id, f[2]);
		else if (op == 'K' && nf == 6)
			rec = g_hash_table_lookup(by_id, f[5]);
		if (op == 'A' && rec) {
			/* The order of creation in the run: the last sort key. */
			rec->seq = rq.jseq++;
			made = true;
		} else if (op == 'K' && rec) {
			char *content = g_strcompress(f[4]);

			if (!rq.by_key)
				rq.by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
								  NULL);
			g_hash_table_replace(rq.by_key,
					     req_key((uint32_t)g_ascii_strtoull(f[2], NULL, 10),
						     (uint16_t)g_ascii_strtoull(f[3], NULL, 10),
						     content), rec);
			g_free(content);
		} else if (op == 'C' && nf == 10) {
			char *content = g_strcompress(f[6]);

			/* Before any client made a request there is no table. */
			if (made)
				crme_apply(&rq, (uint32_t)g_ascii_strtoull(f[2], NULL, 10),
					   (uint32_t)g_ascii_strtoull(f[3], NULL, 10),
					   (uint32_t)g_ascii_strtoull(f[4], NULL, 10),
					   (uint16_t)g_ascii_strtoull(f[5], NULL, 10), content,
					   (enum req_hop)g_ascii_strtoll(f[7], NULL, 10),
					   (uint32_t)g_ascii_strtoull(f[8], NULL, 10),
					   strcmp(f[9], "1") == 0);
			g_free(content);
		} else if (op == 'F' && rec) {
			way_final_apply(&rq, rec);
		} else {
			snprintf(err, errlen, "%s: a part of %s this program did not write", dir,
				 REQUESTS_FILE);
			rc = -1;
		}
		g_strfreev(f);
	}
	/* A run where no client made a request writes no file. */
	if (rc == 0 && any && made) {
		char *path = claim(ctx, REQUESTS_FILE);
		int fd = path ? open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				     0666) : -1;
		FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

		if (!f) {
			snprintf(err, errlen, "cannot write %s/%s: %s", dir, REQUESTS_FILE,
				 path ? strerror(errno) : "refused");
			if (fd >= 0)
				close(fd);
			rc = -1;
		} else {
			bool bad = write_records(f, &rq) != 0;

			if (fclose(f) != 0 || bad) {
				snprintf(err, errlen, "%s/%s: write failed", dir, REQUESTS_FILE);
				rc = -1;
			}
		}
		g_free(path);
	}
	for (guint i = 0; i < lines->len; i++)
		g_free(g_array_index(lines, struct jline, i).text);
	g_array_free(lines, TRUE);
	g_hash_table_destroy(by_id);
	g_ptr_array_free(texts, TRUE);
	if (rq.by_key)
		g_hash_table_destroy(rq.by_key);
	if (rq.sess)
		g_hash_table_destroy(rq.sess);
	if (rq.crme_as)
		g_hash_table_destroy(rq.crme_as);
	g_ptr_array_free(rq.recs, TRUE);
	return rc;
}
