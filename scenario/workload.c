/*
 * workload.c - the requests of a deployment's workload (doc/deploy.md,
 * "Workload"): a catalogue of contents with their sizes, their
 * popularity (Zipf), and when each client asks for which content: a
 * Poisson process per client, or a trace file.
 *
 * Every draw comes from a named random stream of the run's seed and run
 * number (sim/rng.h): the sizes from "workload/sizes", each client's
 * arrivals and choices from "workload/client/<name>".  A client's
 * requests therefore do not change when another client is added, and the
 * same description gives the same requests to both approaches.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "scenario/scenario_int.h"
#include "sim/rng.h"

#define WL_CONTENTS_MAX	1000000u	/* contents of a catalogue */
#define WL_REQUESTS_MAX	1000000u	/* requests of a workload: an instance each */

/* <catalogue contents="N" size="SIZE" | size="uniform MIN MAX"/> */
int
scn_workload_parse_catalogue(struct scn_ld *ld, struct _xmlNode *e, const char *file,
			     struct scn_workload *w)
{
	int line = (int)xmlGetLineNo(e), rc = 0;
	char err[UNITS_ERRLEN];
	char *v;
	uint64_t n;

	if (w->cat_file)
		return scn_error(ld, file, line, "<catalogue> is given twice (first at line %d)",
				 w->cat_line);
	w->cat_file = file;
	w->cat_line = line;
	if ((v = scn_xml_attr(ld, e, file, "contents", &rc))) {
		if (units_uint("contents", v, 1, WL_CONTENTS_MAX, &n, err, sizeof(err)) < 0)
			rc = scn_error(ld, file, line, "<catalogue>: %s", err);
		w->ncontents = (unsigned)n;
		g_free(v);
	}
	if (rc == 0 && (v = scn_xml_attr(ld, e, file, "size", &rc))) {
		char **f = g_strsplit_set(g_strstrip(v), " \t", -1);
		guint nf = g_strv_length(f);

		if (nf == 1) {
			if (units_size("size", f[0], 0, UINT64_C(1) << 32, &w->size_min, err,
				       sizeof(err)) < 0)
				rc = scn_error(ld, file, line, "<catalogue>: %s", err);
			w->size_max = w->size_min;
		} else if (nf == 3 && strcmp(f[0], "uniform") == 0) {
			if (units_size("size", f[1], 0, UINT64_C(1) << 32, &w->size_min, err,
				       sizeof(err)) < 0 ||
			    units_size("size", f[2], 0, UINT64_C(1) << 32, &w->size_max, err,
				       sizeof(err)) < 0)
				rc = scn_error(ld, file, line, "<catalogue>: %s", err);
			else if (w->size_max < w->size_min)
				rc = scn_error(ld, file, line, "<catalogue>: size \"%s\": the "
					       "largest is below the smallest", v);
		} else {
			rc = scn_error(ld, file, line, "<catalogue>: size \"%s\" is neither a "
				       "size (1MB) nor \"uniform MIN MAX\"", v);
		}
		g_strfreev(f);
		g_free(v);
	}
	return rc < 0 ? -1 : 0;
}

/* <requests rate="R" start="T" duration="D" zipf="A"/> or <requests trace="FILE"/> */
int
scn_workload_parse_requests(struct scn_ld *ld, struct _xmlNode *e, const char *file,
			    struct scn_workload *w)
{
	int line = (int)xmlGetLineNo(e), rc = 0;
	char err[UNITS_ERRLEN];
	char *v;

	if (w->requests)
		return scn_error(ld, file, line, "<requests> is given twice (first at line %d)",
				 w->line);
	w->file = file;
	w->line = line;
	w->requests = true;
	w->trace = scn_xml_attr(ld, e, file, "trace", &rc);
	/* A trace gives the times and the contents: what would draw them has no place. */
	for (int k = 0; w->trace && rc == 0 && k < 3; k++) {
		static const char *const drawn[3] = { "start", "duration", "zipf" };

		if ((v = scn_xml_attr(ld, e, file, drawn[k], &rc))) {
			rc = scn_error(ld, file, line, "<requests>: %s= and trace= together: a "
				       "trace gives the %s", drawn[k], k < 2 ? "times" : "contents");
			g_free(v);
		}
	}
	if (rc == 0 && (v = scn_xml_attr(ld, e, file, "rate", &rc))) {
		if (w->trace)
			rc = scn_error(ld, file, line, "<requests>: rate= and trace= together: a "
				       "trace gives the times");
		else if (units_real("rate", v, &w->rate, err, sizeof(err)) < 0)
			rc = scn_error(ld, file, line, "<requests>: %s", err);
		else if (!(w->rate > 0) || w->rate > 1e6)
			rc = scn_error(ld, file, line, "<requests>: rate %s is not in (0, 1e6] "
				       "requests a second", v);
		g_free(v);
	} else if (rc == 0 && !w->trace) {
		rc = scn_error(ld, file, line, "<requests> needs rate= (requests a second per "
			       "client) or trace= (a file of \"time client content\" lines)");
	}
	if (rc == 0 && (v = scn_xml_attr(ld, e, file, "start", &rc))) {
		if (units_duration("start", v, 0, 0, SIM_TIME_LIMIT, &w->start, err,
				   sizeof(err)) < 0)
			rc = scn_error(ld, file, line, "<requests>: %s", err);
		g_free(v);
	}
	w->duration = 10 * SIM_S;
	if (rc == 0 && (v = scn_xml_attr(ld, e, file, "duration", &rc))) {
		if (units_duration("duration", v, 0, 0, SIM_TIME_LIMIT, &w->duration, err,
				   sizeof(err)) < 0)
			rc = scn_error(ld, file, line, "<requests>: %s", err);
		g_free(v);
	}
	if (rc == 0 && (v = scn_xml_attr(ld, e, file, "zipf", &rc))) {
		/* 0 (uniform, the default) said in words: units_real wants more than 0 */
		if (v[0] == '0' && strspn(v, "0.") == strlen(v) && strchr(v, '.') == strrchr(v, '.'))
			w->zipf = 0;
		else if (units_real("zipf", v, &w->zipf, err, sizeof(err)) < 0)
			rc = scn_error(ld, file, line, "<requests>: %s", err);
		else if (!(w->zipf >= 0) || w->zipf > 10)
			rc = scn_error(ld, file, line, "<requests>: zipf %s is not in [0, 10]", v);
		g_free(v);
	}
	return rc < 0 ? -1 : 0;
}

void
scn_workload_fini(struct scn_workload *w)
{
	g_free(w->trace);
	g_free(w->sizes);
	g_free(w->names);
	w->trace = NULL;
	w->sizes = NULL;
	w->names = NULL;
}

/* The contents' sizes, from the stream "workload/sizes" when they vary. */
void
scn_workload_sizes(struct scn_workload *w, uint64_t seed, uint64_t run)
{
	struct rng r;

	g_free(w->sizes);
	w->sizes = g_new(uint64_t, w->ncontents);
	rng_init(&r, seed, run, "workload/sizes");
	for (unsigned i = 0; i < w->ncontents; i++)
		w->sizes[i] = w->size_min == w->size_max ? w->size_min :
			w->size_min + rng_below(&r, w->size_max - w->size_min + 1);
}

static gint
req_cmp(gconstpointer a, gconstpointer b)
{
	const struct scn_request *x = a, *y = b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	if (x->client != y->client)
		return x->client < y->client ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Zipf(alpha) over ranks 1..n: the cumulative weights, last one 1. */
static double *
zipf_cdf(unsigned n, double alpha)
{
	double *c = g_new(double, n), sum = 0;

	for (unsigned i = 0; i < n; i++) {
		sum += 1.0 / pow((double)(i + 1), alpha);
		c[i] = sum;
	}
	for (unsigned i = 0; i < n; i++)
		c[i] /= sum;
	c[n - 1] = 1.0;
	return c;
}

static unsigned
zipf_draw(const double *c, unsigned n, struct rng *r)
{
	double u = rng_uniform(r);
	unsigned lo = 0, hi = n - 1;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;

		if (u < c[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* The number from 1 of the content named name, or 0. */
static uint64_t
content_named(const struct scn_workload *w, const char *name)
{
	for (unsigned i = 0; i < w->ncontents; i++)
		if (strcmp(w->names[i], name) == 0)
			return i + 1;
	return 0;
}

/*
 * An option after a trace line's three fields (doc/deploy.md): class=N
 * (the class of service the client asks in), bandwidth=RATE, port=N (the
 * client's port for this request).
 */
static int
trace_option(struct scn_ld *ld, const char *tf, int lineno, const char *f,
	     struct scn_request *q)
{
	char err[UNITS_ERRLEN];
	const char *v = strchr(f, '=') + 1;
	uint64_t n;

	if (strncmp(f, "class=", 6) == 0) {
		if (q->has_cos)
			return scn_error(ld, tf, lineno, "class= is given twice");
		if (units_uint("class", v, 1, 255, &n, err, sizeof(err)) < 0)
			return scn_error(ld, tf, lineno, "%s", err);
		q->cos = (unsigned)n;
		q->has_cos = true;
	} else if (strncmp(f, "bandwidth=", 10) == 0) {
		if (q->has_bandwidth)
			return scn_error(ld, tf, lineno, "bandwidth= is given twice");
		if (units_rate("bandwidth", v, 0, UINT64_MAX, &q->bandwidth, err,
			       sizeof(err)) < 0)
			return scn_error(ld, tf, lineno, "%s", err);
		q->has_bandwidth = true;
	} else if (strncmp(f, "port=", 5) == 0) {
		if (q->port)
			return scn_error(ld, tf, lineno, "port= is given twice");
		if (units_uint("port", v, 1, 65535, &n, err, sizeof(err)) < 0)
			return scn_error(ld, tf, lineno, "%s", err);
		q->port = (unsigned)n;
	} else {
		return scn_error(ld, tf, lineno, "\"%s\": the options of a request are "
				 "class=, bandwidth= and port=", f);
	}
	return 0;
}

static int
trace_requests(struct scn_ld *ld, const struct scn_workload *w, const char *const *clients,
	       unsigned nclients, GArray *out)
{
	char *path = scn_path_join(w->file, w->trace), *buf = NULL;
	const char *tf = scn_file(ld->s, path);
	GHashTable *cl = g_hash_table_new(g_str_hash, g_str_equal);
	size_t len;
	int rc, lineno = 0;
	char *p, *next;

	g_free(path);
	rc = scn_file_read(ld, tf, w->file, w->line, "trace", &buf, &len);
	if (rc == 0 && memchr(buf, '\0', len)) {
		const char *nul = memchr(buf, '\0', len);

		for (const char *q = buf; q < nul; q++)
			lineno += *q == '\n';
		rc = scn_error(ld, tf, lineno + 1, "a NUL byte: a trace is text, \"time client "
			       "content\" lines");
	}
	for (unsigned i = 0; i < nclients; i++)
		g_hash_table_insert(cl, (gpointer)clients[i], GUINT_TO_POINTER(i + 1));
	/* A byte order mark before the first line is not part of it. */
	p = buf;
	if (rc == 0 && len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (; rc == 0 && p && *p; p = next) {
		char err[UNITS_ERRLEN], **f, *fld[3];
		struct scn_request q = { 0 };
		guint nf;
		uint64_t c;

		lineno++;
		next = strchr(p, '\n');
		if (next)
			*next++ = '\0';
		g_strstrip(p);
		if (!*p || *p == '#')
			continue;
		f = g_strsplit_set(p, " \t", -1);
		nf = 0;
		for (guint i = 0; f[i] && rc == 0; i++) {
			if (!*f[i])
				continue;
			if (nf >= 3 && strchr(f[i], '='))
				rc = trace_option(ld, tf, lineno, f[i], &q);
			else if (nf++ < 3)
				fld[nf - 1] = f[i];
		}
		if (rc < 0) {	/* an option refused */
			g_strfreev(f);
			break;
		}
		if (nf != 3)
			rc = scn_error(ld, tf, lineno, "expected \"time client content\", %u "
				       "field%s", nf, nf == 1 ? "" : "s");
		else if (units_duration("time", fld[0], 0, 0, SIM_TIME_LIMIT, &q.t, err,
					sizeof(err)) < 0)
			rc = scn_error(ld, tf, lineno, "%s", err);
		else if (!(q.client = GPOINTER_TO_UINT(g_hash_table_lookup(cl, fld[1]))))
			rc = scn_error(ld, tf, lineno, "client \"%s\" is not a client host of "
				       "the deployment (%s, ...)", fld[1],
				       nclients ? clients[0] : "none");
		else if (w->names && !(c = content_named(w, fld[2])))
			rc = scn_error(ld, tf, lineno, "content \"%s\" is not one of the "
				       "<content>s (%s, ...)", fld[2], w->names[0]);
		else if (!w->names && (fld[2][0] != 'c' ||
				       units_uint("content", fld[2] + 1, 1, w->ncontents, &c, err,
						  sizeof(err)) < 0))
			rc = scn_error(ld, tf, lineno, "content \"%s\" is not one of the "
				       "catalogue's, c1 to c%u", fld[2], w->ncontents);
		else {
			q.client--;
			q.content = (unsigned)(c - 1);
			q.line = (unsigned)lineno;
			q.seq = out->len;
			if (out->len >= WL_REQUESTS_MAX)
				rc = scn_error(ld, tf, lineno, "more than %u requests",
					       WL_REQUESTS_MAX);
			else
				g_array_append_val(out, q);
		}
		g_strfreev(f);
	}
	g_hash_table_destroy(cl);
	g_free(buf);
	return rc;
}

/*
 * The requests of the workload: from the trace, or each client's Poisson
 * arrivals over [start, start + duration) with contents drawn by Zipf,
 * sorted by time, then client, then order.
 */
int
scn_workload_requests(struct scn_ld *ld, const struct scn_workload *w, uint64_t seed,
		      uint64_t run, const char *const *clients, unsigned nclients, GArray *out)
{
	double *cdf;
	int rc = 0;

	g_array_set_size(out, 0);
	if (w->trace) {
		rc = trace_requests(ld, w, clients, nclients, out);
	} else {
		cdf = zipf_cdf(w->ncontents, w->zipf);
		for (unsigned i = 0; i < nclients && rc == 0; i++) {
			char *name = g_strdup_printf("workload/client/%s", clients[i]);
			struct rng r;
			double t = 0;

			rng_init(&r, seed, run, name);
			g_free(name);
			for (;;) {
				struct scn_request q = { 0 };

				t += rng_exp(&r, 1.0 / w->rate);
				if (t * 1e9 >= (double)w->duration)
					break;
				q.t = w->start + (sim_time_t)llround(t * 1e9);
				q.client = i;
				q.content = zipf_draw(cdf, w->ncontents, &r);
				q.seq = out->len;
				if (out->len >= WL_REQUESTS_MAX) {
					rc = scn_error(ld, w->file, w->line, "<requests>: more than "
						       "%u requests", WL_REQUESTS_MAX);
					break;
				}
				g_array_append_val(out, q);
			}
		}
		g_free(cdf);
	}
	if (rc == 0)
		g_array_sort(out, req_cmp);
	return rc;
}
