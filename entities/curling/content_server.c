/*
 * content_server.c - usr.curling.ContentServer (alias
 * usr.curling.ContentPublisher): holds contents, publishes them to its
 * CRME and sends them, in chunks, to its CAFE when a Consume reaches it
 * (D4.3 sections 6.3.1 and 6.3.2.2, sendContent()).
 *
 *   usr.curling.ContentServer myport myCRMEaddr myCRMEport myCAFEaddr
 *       myCAFEport nContents <ContentID content>... [chunk=BYTES] [rate=BPS]
 *       [save=yes|no]
 *
 * A content is SIZE (bytes, "10000", "64KiB": generated from seed 1),
 * SIZE:SEED (generated from that seed), or file:PATH (the bytes of a
 * file, read when the scenario is loaded; a relative PATH is relative
 * to the working directory).  chunk is the data bytes per chunk (default
 * 1024, at most what fits a 1500-byte MTU), rate the pace of a
 * transmission in content bits per second (default 10Mbps).
 *
 * With a run directory the server writes each content it holds to
 * Content/<address> <port>/<ContentID> there, so the client's copy can
 * be compared with it; save=no does not (a deployment's catalogue of
 * thousands of contents, doc/deploy.md).  Log kind "cserver"; lines start "CS <addr>:".
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "entities/curling/curling.h"
#include "sim/fileio.h"
#include "sim/net.h"
#include "sim/units.h"
#include "sim/wire.h"

#define SERVER_USAGE "myport myCRMEaddr myCRMEport myCAFEaddr myCAFEport nContents " \
		     "<ContentID SIZE[:SEED]|file:PATH>... [chunk=BYTES] [rate=BPS] [save=yes|no]"
#define MAX_CONTENTS	1024
#define DEFAULT_CHUNK	1024
#define DEFAULT_RATE	10000000ULL
#define PUBLISH_RETRY	(200 * SIM_MS)
#define PUBLISH_TRIES	25
/* The largest chunk: a 1500-byte MTU less IPv4, UDP and the chunk header with a full id. */
#define MAX_CHUNK	(1500 - IPV4_HLEN - UDP_HLEN - 45 - CMSG_ID_MAX)

struct item {
	char id[CMSG_ID_MAX + 1];
	uint8_t *bytes;
	uint64_t size;
	char *path;		/* file:PATH, or NULL when generated */
	uint64_t seed;
	uint32_t token;		/* of its Publish */
	bool acked;
};

/* One transmission: a range of chunks of one content, paced. */
struct tx {
	struct cserver *srv;
	const struct item *it;
	uint32_t next, last;	/* next chunk to send, last one */
	uint32_t sent;
	uint32_t id;		/* transmission number, from 1 */
	struct cmsg_hop client;
	struct sim_timer t;
};

struct cserver {
	struct entity e;
	/* arguments */
	uint16_t port;
	uint32_t crme, cafe;
	uint16_t crme_port, cafe_port;
	struct item *items;
	unsigned nitems;
	uint32_t chunk;
	uint64_t rate;
	sim_time_t interval;
	bool nosave;		/* save=no: no copy in the run directory */
	/* run */
	uint32_t self;
	char self_str[CURLING_ADDRLEN];
	struct udp_sock *sock;
	GPtrArray *txs;		/* struct tx*, start order */
	struct sim_timer publish;
	unsigned publish_tries;
	struct counters cnt;
	bool cnt_registered;
	uint32_t r_unexpected;
	/* statistics */
	uint64_t requests, refused, transmissions, chunks, bytes, releases, bad;
	uint64_t unknown_addrs;	/* found at start (check did not run) */
	bool addrs_checked;	/* check ran at load time: start does not repeat it */
};

static uint32_t
nchunks_of(const struct cserver *s, const struct item *it)
{
	return (uint32_t)((it->size + s->chunk - 1) / s->chunk);
}

static struct item *
item_find(struct cserver *s, const char *id)
{
	for (unsigned i = 0; i < s->nitems; i++)
		if (strcmp(s->items[i].id, id) == 0)
			return &s->items[i];
	return NULL;
}

/* End a transmission; its timer is cancelled unless the network is gone (fini). */
static void
tx_free(struct cserver *s, struct tx *t, bool cancel)
{
	if (cancel)
		sim_timer_cancel(s->e.node->net->sim, &t->t);
	g_ptr_array_remove(s->txs, t);
	g_free(t);
}

/* sendContent(): the next chunk of a transmission to the server's CAFE. */
static void
tx_tick(struct sim *sim, void *ctx, void *arg)
{
	struct tx *t = ctx;
	struct cserver *s = t->srv;
	const struct item *it = t->it;
	char a[CURLING_ADDRLEN];
	struct cmsg m;
	uint64_t off = (uint64_t)t->next * s->chunk;

	memset(&m, 0, sizeof(m));
	m.type = CMSG_CONTENT;
	snprintf(m.id, sizeof(m.id), "%s", it->id);
	m.src.addr = s->self;
	m.src.port = s->port;
	m.seq = t->next;
	m.tx = t->id;
	m.nchunks = nchunks_of(s, it);
	m.size = it->size;
	m.offset = off;
	m.data = it->bytes + off;
	m.datalen = (uint16_t)(it->size - off < s->chunk ? it->size - off : s->chunk);
	if (t->next == t->last)
		m.flags |= CONTENT_F_LAST;
	if (curling_send(s->sock, s->cafe, s->cafe_port, &m) == 0) {
		s->chunks++;
		s->bytes += m.datalen;
		t->sent++;
	}
	if (t->next++ < t->last) {
		sim_timer_after(sim, &t->t, s->interval);
		return;
	}
	entity_log(&s->e, LOG_INFO, "CS %s: Content %s sent to %s:%u: %" PRIu32 " chunks",
		   s->self_str, it->id, curling_fmt_addr(t->client.addr, a), t->client.port,
		   t->sent);
	tx_free(s, t, false);
}

static void
reply(struct cserver *s, const struct cmsg *m, uint32_t to, uint16_t port, uint8_t status,
      const struct item *it)
{
	struct cmsg r;

	memset(&r, 0, sizeof(r));
	r.type = CMSG_CONSUME_REPLY;
	r.reqid = m->reqid;
	r.client = m->client;
	r.status = status;
	snprintf(r.id, sizeof(r.id), "%s", m->id);
	if (it) {
		r.size = it->size;
		r.nchunks = nchunks_of(s, it);
	}
	curling_send(s->sock, to, port, &r);
}

/*
 * A Consume that reached the server:
 *  1. unknown content, or a range past its end: answer not_found;
 *  2. answer OK with the size and the number of chunks;
 *  3. start a transmission of the chunks asked for, the last one
 *     flagged so that each CAFE on the way can drop its state.
 */
static void
process_consume(struct cserver *s, const struct cmsg *m, uint32_t from, uint16_t sport)
{
	struct item *it = item_find(s, m->id);
	char a[CURLING_ADDRLEN], b[CURLING_ADDRLEN];
	struct tx *t;
	uint32_t n;

	s->requests++;
	if (!it || m->first >= nchunks_of(s, it)) {
		s->refused++;
		entity_log(&s->e, LOG_INFO, "CS %s: Consume for %s: %s", s->self_str, m->id,
			   it ? "range past the end" : "no such content here");
		reply(s, m, from, sport, CSTAT_NOT_FOUND, NULL);
		return;
	}
	n = nchunks_of(s, it);
	reply(s, m, from, sport, CSTAT_OK, it);
	t = g_new0(struct tx, 1);
	t->srv = s;
	t->it = it;
	t->next = m->first;
	t->last = m->last < n ? m->last : n - 1;
	t->client = m->client;
	t->id = (uint32_t)++s->transmissions;
	sim_timer_init(&t->t, tx_tick, t, NULL);
	g_ptr_array_add(s->txs, t);
	entity_log(&s->e, LOG_INFO, "CS %s: Content %s requested by %s:%u: sending chunks "
		   "%" PRIu32 "-%" PRIu32 " of %" PRIu32 " to CAFE %s:%u", s->self_str, it->id,
		   curling_fmt_addr(m->client.addr, a), m->client.port, t->next, t->last, n,
		   curling_fmt_addr(s->cafe, b), s->cafe_port);
	sim_schedule(s->e.node->net->sim, 0, tx_tick, t, NULL);
}

static void
server_input(struct udp_sock *sock, void *ctx, struct pkt *p, const struct addr *src,
	     uint16_t sport, const struct addr *dst, uint16_t dport)
{
	struct cserver *s = ctx;
	uint32_t from = addr_v4_host(src);
	struct cmsg *m;
	int rc;

	if (!s->e.running)
		return;
	stats_rx(&s->cnt, p->len);
	m = g_new(struct cmsg, 1);
	rc = cmsg_decode(p->data, p->len, m);
	if (rc != CMSG_OK) {
		s->bad++;
		stats_drop(&s->cnt, stats_reason_intern(&s->e.node->net->stats, cmsg_err_name(rc)));
		g_free(m);
		return;
	}
	switch (m->type) {
	case CMSG_CONSUME:
		process_consume(s, m, from, sport);
		break;
	case CMSG_ACK:
		for (unsigned i = 0; i < s->nitems; i++)
			if (m->acked_type == CMSG_PUBLISH && s->items[i].token == m->token &&
			    !s->items[i].acked) {
				s->items[i].acked = true;
				entity_log(&s->e, LOG_INFO, "CS %s: Content %s (%" PRIu64 " bytes) "
					   "published", s->self_str, s->items[i].id, s->items[i].size);
			}
		break;
	case CMSG_RELEASE:
		/* The last branch was pruned: nobody wants this content any more. */
		for (guint i = s->txs->len; i-- > 0;) {
			struct tx *t = g_ptr_array_index(s->txs, i);

			if (strcmp(t->it->id, m->id) == 0) {
				entity_log(&s->e, LOG_INFO, "CS %s: Content %s released: stopped after "
					   "%" PRIu32 " chunks", s->self_str, m->id, t->sent);
				tx_free(s, t, true);
				s->releases++;
			}
		}
		break;
	default:
		stats_drop(&s->cnt, s->r_unexpected);
		break;
	}
	g_free(m);
}

/* Publish every content not yet acknowledged, until the CRME answers. */
static void
publish_tick(struct sim *sim, void *ctx, void *arg)
{
	struct cserver *s = ctx;
	char a[CURLING_ADDRLEN];
	bool pending = false;

	if (s->publish_tries++ == PUBLISH_TRIES) {
		entity_log(&s->e, LOG_WARN, "CS %s: no answer to Publish from the CRME at %s:%u",
			   s->self_str, curling_fmt_addr(s->crme, a), s->crme_port);
		return;
	}
	for (unsigned i = 0; i < s->nitems; i++) {
		struct item *it = &s->items[i];
		struct cmsg m;

		if (it->acked)
			continue;
		pending = true;
		memset(&m, 0, sizeof(m));
		m.type = CMSG_PUBLISH;
		m.token = it->token;
		snprintf(m.id, sizeof(m.id), "%s", it->id);
		m.src.addr = s->self;
		m.src.port = s->port;
		m.src_cafe.addr = s->cafe;
		m.src_cafe.port = s->cafe_port;
		m.size = it->size;
		curling_send(s->sock, s->crme, s->crme_port, &m);
	}
	if (pending)
		sim_timer_after(sim, &s->publish, PUBLISH_RETRY);
}

/* The server's copy in the run directory: Content/<addr> <port>/<ContentID>. */
static void
store_write(struct cserver *s)
{
	char *top = net_outfile(s->e.node->net, "Content"), *dir, *path;

	if (!top)
		return;
	dir = g_strdup_printf("%s/%s %u", top, s->self_str, s->port);
	g_free(top);
	if (g_mkdir_with_parents(dir, 0755) < 0) {
		entity_log(&s->e, LOG_ERROR, "CS %s: cannot create %s: %s", s->self_str, dir,
			   strerror(errno));
		g_free(dir);
		return;
	}
	for (unsigned i = 0; i < s->nitems; i++) {
		GError *ge = NULL;

		path = g_strdup_printf("%s/%s", dir, s->items[i].id);
		if (!g_file_set_contents(path, (const char *)s->items[i].bytes,
					 (gssize)s->items[i].size, &ge)) {
			entity_log(&s->e, LOG_ERROR, "CS %s: cannot write %s: %s", s->self_str,
				   path, ge->message);
			g_error_free(ge);
		}
		g_free(path);
	}
	g_free(dir);
}

/* ---- the class ---- */

static int
parse_content(const struct entity *e, struct item *it, const char *id, const char *spec,
	      char *err, size_t errlen)
{
	const char *colon;
	uint64_t v;

	if (!cmsg_id_valid(id, strlen(id)))
		return entity_err(err, errlen, "ContentID \"%s\": 1 to %d printable characters, "
				  "no '/'", id, CMSG_ID_MAX);
	snprintf(it->id, sizeof(it->id), "%s", id);
	if (strncmp(spec, "file:", 5) == 0) {
		/* Relative to the file that names the server (entity_path). */
		char *data, why[256], *path = entity_path(e, spec + 5);
		size_t len;
		int rc = fileio_read(path, FILEIO_MAX, &data, &len);

		if (rc != FILEIO_OK) {
			fileio_strerror(rc, len, FILEIO_MAX, "content file", why, sizeof(why));
			entity_err(err, errlen, "content %s: %s\"%s\": %s", id,
				   rc == FILEIO_ERR ? "cannot read " : "", path, why);
			g_free(path);
			return -1;
		}
		if (len == 0) {
			g_free(data);
			entity_err(err, errlen, "content %s: \"%s\" is empty", id, path);
			g_free(path);
			return -1;
		}
		it->bytes = (uint8_t *)data;
		it->size = len;
		it->path = path;
		return 0;
	}
	colon = strchr(spec, ':');
	{
		char *sz = colon ? g_strndup(spec, (gsize)(colon - spec)) : g_strdup(spec);
		char what[UNITS_ERRLEN];
		int bad = units_size("size", sz, 1, UINT64_C(1) << 32, &it->size, what,
				     sizeof(what)) < 0;

		g_free(sz);
		if (bad)
			return entity_err(err, errlen, "content %s: %s; a content is a size with "
					  "an optional :SEED, or file:PATH", id, what);
	}
	it->seed = 1;
	if (colon) {
		char what[UNITS_ERRLEN];

		if (units_uint("seed", colon + 1, 0, UINT64_MAX, &v, what, sizeof(what)) < 0)
			return entity_err(err, errlen, "content %s: %s", id, what);
		it->seed = v;
	}
	it->bytes = curling_content_generate(id, it->seed, it->size);
	return 0;
}

static int
server_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	static const char *const names[] = { "myport", "myCRMEaddr", "myCRMEport",
					     "myCAFEaddr", "myCAFEport", "nContents" };
	struct cserver *s = (struct cserver *)e;
	int npos = 0;
	unsigned n;
	uint64_t v;

	while (npos < argc && !strchr(argv[npos], '='))
		npos++;
	if (npos < 6)
		return entity_err(err, errlen, "missing <%s>", names[npos]);
	if (curling_parse_port("myport", argv[0], &s->port, err, errlen) < 0)
		return -1;
	if (curling_parse_addr(argv[1], &s->crme) < 0)
		return entity_err(err, errlen, "myCRMEaddr \"%s\" is not an address", argv[1]);
	if (curling_parse_port("myCRMEport", argv[2], &s->crme_port, err, errlen) < 0)
		return -1;
	if (curling_parse_addr(argv[3], &s->cafe) < 0)
		return entity_err(err, errlen, "myCAFEaddr \"%s\" is not an address", argv[3]);
	if (curling_parse_port("myCAFEport", argv[4], &s->cafe_port, err, errlen) < 0)
		return -1;
	if (curling_parse_count("nContents", argv[5], 1, MAX_CONTENTS, &n, err, errlen) < 0)
		return -1;
	if (npos - 6 != 2 * (int)n)
		return entity_err(err, errlen, "nContents is %u but %d argument%s follow%s: "
				  "expected %u pair%s <ContentID content>", n, npos - 6,
				  npos - 6 == 1 ? "" : "s", npos - 6 == 1 ? "s" : "", n,
				  n == 1 ? "" : "s");
	s->chunk = DEFAULT_CHUNK;
	s->rate = DEFAULT_RATE;
	for (int i = npos; i < argc; i++) {
		if (curling_opt_once(argv, npos, i, err, errlen) < 0)
			return -1;
		if (strncmp(argv[i], "chunk=", 6) == 0) {
			if (units_size("chunk", argv[i] + 6, 1, MAX_CHUNK, &v, err, errlen) < 0)
				return -1;
			s->chunk = (uint32_t)v;
		} else if (strncmp(argv[i], "rate=", 5) == 0) {
			if (units_rate("rate", argv[i] + 5, 1, INT64_MAX, &s->rate, err, errlen) < 0)
				return -1;
		} else if (strcmp(argv[i], "save=yes") == 0 || strcmp(argv[i], "save=no") == 0) {
			s->nosave = strcmp(argv[i], "save=no") == 0;
		} else if (strncmp(argv[i], "save=", 5) == 0) {
			return entity_err(err, errlen, "save \"%s\": yes or no", argv[i] + 5);
		} else {
			return entity_err(err, errlen, "unknown option \"%s\"", argv[i]);
		}
	}
	s->interval = (sim_time_t)(((uint64_t)s->chunk * 8 * (uint64_t)SIM_S + s->rate - 1) /
				   s->rate);
	s->items = g_new0(struct item, n);
	s->nitems = n;
	for (unsigned i = 0; i < n; i++) {
		if (parse_content(e, &s->items[i], argv[6 + 2 * i], argv[7 + 2 * i], err, errlen) < 0)
			return -1;
		s->items[i].token = i + 1;
		for (unsigned k = 0; k < i; k++)
			if (strcmp(s->items[k].id, s->items[i].id) == 0)
				return entity_err(err, errlen, "content %s is given twice",
						  s->items[i].id);
	}
	if (curling_port_claim(e->node_name, s->port, e) < 0)
		return entity_err(err, errlen, "port %u on %s is already used by another "
				  "curling entity", s->port, e->node_name);
	s->txs = g_ptr_array_new();
	return 0;
}

/* The addresses of the start-up line, with their roles in SERVER_USAGE. */
static const char *const server_roles[2] = { "myCRMEaddr", "myCAFEaddr" };

static int
server_check(struct entity *e, const struct entity_scope *sc, char *err, size_t errlen)
{
	struct cserver *s = (struct cserver *)e;
	uint32_t addrs[2] = { s->crme, s->cafe };

	s->addrs_checked = true;
	return curling_check_known(addrs, server_roles, 2, sc->addr_known, sc->ctx, err, errlen);
}

static void
server_start(struct entity *e)
{
	struct cserver *s = (struct cserver *)e;
	struct stats *st = &e->node->net->stats;

	s->self = curling_node_addr(e->node);
	curling_fmt_addr(s->self, s->self_str);
	if (!s->cnt_registered) {
		stats_register(st, &s->cnt, "cserver", e->node->name);
		s->cnt_registered = true;
		s->r_unexpected = stats_reason_intern(st, "curling_unexpected");
	}
	s->sock = udp_open(e->node, s->port, server_input, s);
	curling_sock_source(s->sock, e->node);
	if (!s->sock) {
		entity_log(e, LOG_ERROR, "CS %s: cannot bind UDP port %u: in use", s->self_str,
			   s->port);
		return;
	}
	if (!s->addrs_checked) {
		uint32_t addrs[2] = { s->crme, s->cafe };
		char who[CURLING_ADDRLEN + 8];

		snprintf(who, sizeof(who), "CS %s", s->self_str);
		s->unknown_addrs = curling_check_addrs(e, who, addrs, server_roles, 2);
	}
	if (!s->nosave)
		store_write(s);
	for (unsigned i = 0; i < s->nitems; i++)
		entity_log(e, LOG_INFO, "CS %s: holds %s, %" PRIu64 " bytes (%s)", s->self_str,
			   s->items[i].id, s->items[i].size,
			   s->items[i].path ? s->items[i].path : "generated");
	s->publish_tries = 0;
	sim_timer_init(&s->publish, publish_tick, s, NULL);
	sim_schedule(e->node->net->sim, 0, publish_tick, s, NULL);
}

static void
server_stop(struct entity *e)
{
	struct cserver *s = (struct cserver *)e;

	sim_timer_cancel(e->node->net->sim, &s->publish);
	s->publish_tries = PUBLISH_TRIES + 1;
	while (s->txs && s->txs->len)
		tx_free(s, g_ptr_array_index(s->txs, 0), true);
	if (s->sock) {
		udp_close(s->sock);
		s->sock = NULL;
	}
}

static void
server_stats(struct entity *e, entity_stat_fn fn, void *ctx)
{
	struct cserver *s = (struct cserver *)e;

	fn(ctx, "requests", s->requests);
	fn(ctx, "refused", s->refused);
	fn(ctx, "transmissions", s->transmissions);
	fn(ctx, "chunks_sent", s->chunks);
	fn(ctx, "bytes_sent", s->bytes);
	fn(ctx, "releases", s->releases);
	fn(ctx, "malformed", s->bad);
	fn(ctx, "unknown_addresses", s->unknown_addrs);
}

static void
server_dump(struct entity *e, FILE *out)
{
	struct cserver *s = (struct cserver *)e;

	for (unsigned i = 0; i < s->nitems; i++)
		fprintf(out, "content %s %" PRIu64 " bytes %s\n", s->items[i].id, s->items[i].size,
			s->items[i].acked ? "published" : "not published");
}

static void
server_fini(struct entity *e)
{
	struct cserver *s = (struct cserver *)e;

	curling_port_release(e);
	if (s->txs) {
		while (s->txs->len)
			tx_free(s, g_ptr_array_index(s->txs, 0), false);
		g_ptr_array_free(s->txs, TRUE);
		s->txs = NULL;
	}
	for (unsigned i = 0; s->items && i < s->nitems; i++) {
		g_free(s->items[i].bytes);
		g_free(s->items[i].path);
	}
	g_free(s->items);
	s->items = NULL;
}

static const char *const server_aliases[] = { "usr.curling.ContentPublisher", NULL };

const struct entity_class content_server_class = {
	.name      = "usr.curling.ContentServer",
	.aliases   = server_aliases,
	.kind      = "cserver",
	.usage     = SERVER_USAGE,
	.inst_size = sizeof(struct cserver),
	.init      = server_init,	/* the contents: read or generated now */
	.check     = server_check,	/* the addresses are in the scenario */
	.start     = server_start,	/* open the port, write the store, Publish */
	.stop      = server_stop,
	.stats     = server_stats,
	.dump      = server_dump,
	.fini      = server_fini,
};
