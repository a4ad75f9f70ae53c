/*
 * rae_paths.c - rae-paths.csv, the preferred paths of every RAE of a run
 * in one tidy file of the run's directory (doc/rae.md, "rae-paths.csv";
 * doc/outputs.md), so that reachability and the policy can be checked
 * from outside (tests/rae/policy_check.c).
 *
 * Each RAE is an entity of its own; the file is one for the run.  The
 * RAEs share it through a run-wide extension of the network (net_ext_set,
 * sim/net.h): every RAE that starts adds itself to the list kept there,
 * and the extension's end call, made once when the run ends and before
 * any entity is stopped (stopping drops the sessions and, with them, the
 * learned paths), writes the rows of every RAE still running, in order.
 *
 *   as,prefix,class,as_path,delay,loss,bandwidth,score
 *
 * One row per preferred path per (RAE, prefix, class of service), ranked
 * as the decision process ranked them; an own prefix has one row per
 * class, its path the local AS alone and the neutral metric.  Rows come
 * sorted by AS (then node name, for two RAEs of one AS), prefix (family,
 * address, length), class, rank.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "entities/rae/rae_int.h"

#define RAE_PATHS_EXT	"rae.paths"
#define RAE_PATHS_FILE	"rae-paths.csv"

/* The RAEs of the run, in the order they first started. */
struct rae_paths {
	GPtrArray *raes;	/* struct rae* */
};


/* v written with `prec` significant digits into buf: does it read back as v? */
static bool
fits(double v, int prec, char *buf, size_t len)
{
	char fmt[8];

	snprintf(fmt, sizeof(fmt), "%%.%dg", prec);
	g_ascii_formatd(buf, (gint)len, fmt, v);
	return g_ascii_strtod(buf, NULL) == v;
}

/*
 * A number exactly: an integer as an integer, any other number in the
 * fewest significant digits that read back as the same double (0.003,
 * not 0.0030000000000000001, the same value written to 17 digits as
 * summary.json and a sweep's results.csv write theirs; `cometsim
 * rae-config` prints numbers this way too); an unlimited bandwidth as
 * "inf".  Never "-0", never the locale's decimal comma.
 */
static const char *
csv_num(double v, char *buf, size_t len)
{
	int lo = 1, hi = 17;

	if (isinf(v))
		return v > 0 ? "inf" : "-inf";
	if (v == 0)
		return "0";
	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(buf, len, "%.0f", v);
		return buf;
	}
	/*
	 * The fewest significant digits that read back as v.  A precision
	 * that does, every larger one does too (the closest decimal of more
	 * digits is at least as close), so a binary search finds it in about
	 * five tries where a walk from 1 took up to 17.
	 */
	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (fits(v, mid, buf, len))
			hi = mid;
		else
			lo = mid + 1;
	}
	fits(v, lo, buf, len);
	return buf;
}

static void
row(FILE *f, const char *key, const struct rae *r, const char *pfx, uint32_t cos,
    const struct rae_aspath *asp, const struct rae_metric *m, double score)
{
	char d[G_ASCII_DTOSTR_BUF_SIZE], l[G_ASCII_DTOSTR_BUF_SIZE];
	char b[G_ASCII_DTOSTR_BUF_SIZE], s[G_ASCII_DTOSTR_BUF_SIZE];

	if (key)
		fprintf(f, "%s\t", key);
	fprintf(f, "%" PRIu32 ",%s,%" PRIu32 ",%" PRIu32, r->cfg->local_as, pfx, cos,
		r->cfg->local_as);
	for (; asp; asp = asp->rest)
		fprintf(f, " %" PRIu32, asp->asn);
	fprintf(f, ",%s,%s,%s,%s\n", csv_num(m->delay, d, sizeof(d)),
		csv_num(m->loss, l, sizeof(l)), csv_num(m->bw, b, sizeof(b)),
		csv_num(score, s, sizeof(s)));
}

/* Class slots by class number. */
static void
slots_by_cos(const struct rae_config *c, unsigned *slot)
{
	for (unsigned i = 0; i < c->ndp; i++) {
		unsigned j;

		for (j = i; j > 0 && c->dp[slot[j - 1]].cos > c->dp[i].cos; j--)
			slot[j] = slot[j - 1];
		slot[j] = i;
	}
}

/* The rows of one RAE, each after key when not NULL (a split run's part). */
static void
rae_rows(FILE *f, const char *key, struct rae *r)
{
	const struct rae_config *c = r->cfg;
	struct rae_metric zero = rae_metric_zero();
	const struct rae_path **ranked = g_new(const struct rae_path *, c->limit);
	unsigned slot[RAE_MAX_CLASSES];
	struct rae_dest **v;
	size_t n;

	slots_by_cos(c, slot);
	v = rae_rib_sorted(&r->rib, false, &n);
	for (size_t i = 0; i < n; i++) {
		char pfx[ADDR_STRLEN];

		prefix_fmt(rae_dest_prefix(v[i]), pfx);
		for (unsigned k = 0; k < c->ndp; k++) {
			unsigned s = slot[k], np;

			if (v[i]->flags & RAE_DEST_LOCAL) {
				row(f, key, r, pfx, c->dp[s].cos, NULL, &zero,
				    rae_score(&c->dp[s], &zero, c->flat));
				continue;
			}
			np = rae_decide_ranked(&r->rib.dp, v[i], s, ranked, c->limit);
			for (unsigned j = 0; j < np; j++)
				row(f, key, r, pfx, c->dp[s].cos, rae_path_aspath(ranked[j]),
				    rae_path_metric(ranked[j], s),
				    rae_score(&c->dp[s], rae_path_metric(ranked[j], s), c->flat));
		}
	}
	g_free(v);
	g_free(ranked);
}

static int
rae_order(const void *x, const void *y)
{
	const struct rae *a = *(const struct rae *const *)x;
	const struct rae *b = *(const struct rae *const *)y;
	int c;

	if (a->cfg->local_as != b->cfg->local_as)
		return a->cfg->local_as < b->cfg->local_as ? -1 : 1;
	c = strcmp(a->e.node->name, b->e.node->name);
	return c ? c : strcmp(a->e.inst, b->e.inst);
}

/* The run ends, every RAE still running: write the file, if the run has a directory. */
static void
paths_end(struct net *net, void *data)
{
	struct rae_paths *rp = data;
	GPtrArray *live = g_ptr_array_new();
	struct rae *any = g_ptr_array_index(rp->raes, 0);
	/* A split run: this process's RAEs, merged by process 0 (net_outfile_part). */
	bool split = net_split(net);
	char *path = split ? net_outfile_part(net, RAE_PATHS_FILE) : net_outfile(net, RAE_PATHS_FILE);
	GString *key = g_string_new(NULL);
	FILE *f = NULL;
	bool bad;
	int fd;

	if (!path)
		goto out;
	for (guint i = 0; i < rp->raes->len; i++) {
		struct rae *r = g_ptr_array_index(rp->raes, i);

		if (r->e.running && r->rib_ready && !r->down)
			g_ptr_array_add(live, r);
	}
	qsort(live->pdata, live->len, sizeof(void *), rae_order);
	/* Created new, never through a link, as every output of a run. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		entity_log(&any->e, LOG_ERROR, "cannot write %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		goto out;
	}
	if (split)
		fputc('\t', f);
	fputs("as,prefix,class,as_path,delay,loss,bandwidth,score\n", f);
	for (guint i = 0; i < live->len; i++) {
		struct rae *r = g_ptr_array_index(live, i);

		/* As rae_order: the AS, the node's name, the instance's. */
		g_string_printf(key, "%08" PRIx32, r->cfg->local_as);
		net_key_str(key, r->e.node->name);
		net_key_str(key, r->e.inst);
		rae_rows(f, split ? key->str : NULL, r);
	}
	bad = ferror(f) != 0;
	if (fclose(f) != 0 || bad)
		entity_log(&any->e, LOG_ERROR, "cannot write %s: %s", path, strerror(errno));
out:
	g_string_free(key, TRUE);
	g_free(path);
	g_ptr_array_free(live, TRUE);
}

static void
paths_fini(void *data)
{
	struct rae_paths *rp = data;

	g_ptr_array_free(rp->raes, TRUE);
	g_free(rp);
}

void
rae_paths_register(struct rae *r)
{
	struct net *net = r->e.node->net;
	struct rae_paths *rp = net_ext_get(net, RAE_PATHS_EXT);

	if (r->paths_registered)
		return;
	if (!rp) {
		rp = g_new0(struct rae_paths, 1);
		rp->raes = g_ptr_array_new();
		net_ext_set(net, RAE_PATHS_EXT, rp, paths_end, paths_fini);
	}
	g_ptr_array_add(rp->raes, r);
	r->paths_registered = true;
}
