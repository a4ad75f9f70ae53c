/*
 * sweep_desc.c - sweep descriptions: reading the XML (validated against
 * sweep/sweep.xsd, compiled in), the values of the parameters (lists,
 * ranges, tuples), and the checks of what refers to what inside the
 * description (parameters, <set>, <skip>, metrics, plots).  The
 * expressions are sweep_expr.c's; the expansion into a plan is
 * sweep_plan.c's.
 *
 * Ranges are computed in decimal integers, never in floating point:
 * from="0" to="0.1" step="0.02" gives exactly 0, 0.02, ..., 0.1.
 * The format is documented in doc/sweeps.md.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "entities/registry.h"
#include "entities/xmldoc.h"
#include "sim/fileio.h"
#include "sim/log.h"
#include "sim/units.h"
#include "sweep/sweep_int.h"

#define MAX_RANGE	100000u		/* values one <range> may give */

/* sweep/sweep.xsd.c, generated from sweep/sweep.xsd (scripts/embed-xsd.sh) */
extern const unsigned char xsd_sweep_sweep[];
extern const unsigned int xsd_sweep_sweep_len;

/* ---- errors ---- */

void
sw_desc_error(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	char *msg, *shown;

	va_start(ap, fmt);
	msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	/* What the user wrote may hold characters a terminal does not show. */
	shown = log_escape(msg);
	if (line > 0)
		fprintf(stderr, "%s:%d: %s\n", file, line, shown);
	else
		fprintf(stderr, "%s: %s\n", file, shown);
	g_free(shown);
	g_free(msg);
}

/* ---- decimal ranges ---- */

/* A decimal number: mantissa and digits after the point. */
struct dec {
	int64_t m;
	int scale;
};

static int
dec_parse(const char *s, struct dec *d)
{
	bool neg = false, frac = false;
	int digits = 0;

	d->m = 0;
	d->scale = 0;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s; s++) {
		if (*s == '.' && !frac) {
			frac = true;
			continue;
		}
		if (!g_ascii_isdigit(*s) || ++digits > 17)
			return -1;
		d->m = d->m * 10 + (*s - '0');
		if (frac)
			d->scale++;
	}
	if (digits == 0)
		return -1;
	if (neg)
		d->m = -d->m;
	return 0;
}

static int
dec_rescale(struct dec *d, int scale)
{
	while (d->scale < scale) {
		if (d->m > INT64_MAX / 10 || d->m < INT64_MIN / 10)
			return -1;
		d->m *= 10;
		d->scale++;
	}
	return 0;
}

/* The shortest decimal text of m * 10^-scale: "0.02", "5", "-1.5". */
static char *
dec_format(int64_t m, int scale)
{
	GString *s = g_string_new(NULL);
	uint64_t u = m < 0 ? (uint64_t)0 - (uint64_t)m : (uint64_t)m;
	uint64_t p = 1;
	uint64_t ip, fp;

	for (int i = 0; i < scale; i++)
		p *= 10;
	ip = u / p;
	fp = u % p;
	if (m < 0)
		g_string_append_c(s, '-');
	g_string_append_printf(s, "%" PRIu64, ip);
	if (fp) {
		char buf[32];
		int n;

		snprintf(buf, sizeof(buf), "%0*" PRIu64, scale, fp);
		n = (int)strlen(buf);
		while (n > 0 && buf[n - 1] == '0')
			buf[--n] = '\0';
		g_string_append_printf(s, ".%s", buf);
	}
	return g_string_free(s, FALSE);
}

/* <range from= to= step=|factor=>: append its values. */
static int
range_expand(const char *file, int line, xmlNode *n, GPtrArray *out)
{
	char *from = (char *)xmlGetProp(n, (const xmlChar *)"from");
	char *to = (char *)xmlGetProp(n, (const xmlChar *)"to");
	char *step = (char *)xmlGetProp(n, (const xmlChar *)"step");
	char *factor = (char *)xmlGetProp(n, (const xmlChar *)"factor");
	struct dec f, t, s = { 1, 0 };
	uint64_t k = 0;
	int64_t fac = 0;
	int scale, rc = -1;

	if (dec_parse(from, &f) != 0 || dec_parse(to, &t) != 0) {
		sw_desc_error(file, line, "<range>: from and to must be decimal numbers "
			   "(\"%s\", \"%s\")", from, to);
		goto done;
	}
	if (step && factor) {
		sw_desc_error(file, line, "<range>: give step or factor, not both");
		goto done;
	}
	if (step && dec_parse(step, &s) != 0) {
		sw_desc_error(file, line, "<range>: step \"%s\" is not a decimal number", step);
		goto done;
	}
	if (factor) {
		char e[UNITS_ERRLEN];
		uint64_t u;

		if (units_uint("factor", factor, 2, 1000000, &u, e, sizeof(e)) < 0) {
			sw_desc_error(file, line, "<range>: %s", e);
			goto done;
		}
		fac = (int64_t)u;
		if (f.m <= 0 || t.m < 0) {
			sw_desc_error(file, line, "<range>: with a factor, from and to must be positive");
			goto done;
		}
	}
	scale = MAX(f.scale, MAX(t.scale, s.scale));
	if (dec_rescale(&f, scale) || dec_rescale(&t, scale) || dec_rescale(&s, scale)) {
		sw_desc_error(file, line, "<range>: numbers too large");
		goto done;
	}
	if (!factor && (s.m == 0 || (t.m > f.m && s.m < 0) || (t.m < f.m && s.m > 0))) {
		sw_desc_error(file, line, "<range>: step %s never goes from %s to %s",
			   step ? step : "1", from, to);
		goto done;
	}
	/* A factor only grows: a `to` below `from` is a slip, as a step away from it is. */
	if (factor && t.m < f.m) {
		sw_desc_error(file, line, "<range>: factor %s never goes from %s down to %s",
			   factor, from, to);
		goto done;
	}
	for (int64_t v = f.m;; k++) {
		if (k >= MAX_RANGE) {
			sw_desc_error(file, line, "<range>: more than %u values", MAX_RANGE);
			goto done;
		}
		g_ptr_array_add(out, dec_format(v, scale));
		if (factor) {
			if (v > t.m / fac)
				break;
			v *= fac;
			if (v > t.m)
				break;
		} else {
			if ((s.m > 0 && v > t.m - s.m) || (s.m < 0 && v < t.m - s.m))
				break;
			v += s.m;
		}
	}
	rc = 0;
done:
	xmlFree(from);
	xmlFree(to);
	xmlFree(step);
	xmlFree(factor);
	return rc;
}

/* ---- reading the XML ---- */

/* Parse and validate the file; NULL after printing the error. */
static xmlDoc *
desc_read_xml(const char *path)
{
	struct xmldoc_err xe = { 0, "" };
	xmlDoc *doc;
	xmlNode *root;
	char *buf = NULL, why[256];
	size_t len = 0;
	int rc = fileio_read(path, FILEIO_MAX, &buf, &len);

	if (rc != FILEIO_OK) {
		fileio_strerror(rc, len, FILEIO_MAX, "sweep description", why, sizeof(why));
		if (rc == FILEIO_ERR)
			sw_desc_error(path, 0, "cannot read the sweep description: %s", why);
		else
			sw_desc_error(path, 0, "%s", why);
		return NULL;
	}
	doc = xmldoc_parse(buf, len, path, &xe);
	g_free(buf);
	if (!doc) {
		sw_desc_error(path, xe.line, "malformed XML: %s", xe.msg);
		return NULL;
	}
	root = xmlDocGetRootElement(doc);
	if (strcmp((const char *)root->name, "sweep") != 0) {
		sw_desc_error(path, (int)xmlGetLineNo(root),
			   "not a sweep description (the root element must be <sweep>)");
		xmlFreeDoc(doc);
		return NULL;
	}
	if (xmldoc_validate(root, xsd_sweep_sweep, xsd_sweep_sweep_len, &xe) < 0) {
		sw_desc_error(path, xe.line, "schema: %s", xe.msg);
		xmlFreeDoc(doc);
		return NULL;
	}
	return doc;
}

static char *
prop(xmlNode *n, const char *name)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)name);
	char *s = v ? g_strdup((const char *)v) : NULL;

	xmlFree(v);
	return s;
}

static bool
is(xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static bool
has_child(xmlNode *n, const char *name)
{
	for (xmlNode *c = n->children; c; c = c->next)
		if (is(c, name))
			return true;
	return false;
}

struct sw_param *
sw_desc_param(const struct sw_desc *d, const char *name)
{
	for (guint i = 0; i < d->params->len; i++) {
		struct sw_param *p = g_ptr_array_index(d->params, i);

		if (strcmp(p->name, name) == 0)
			return p;
	}
	return NULL;
}

static struct sw_metric *
find_metric(const struct sw_desc *d, const char *name)
{
	for (guint i = 0; i < d->metrics->len; i++) {
		struct sw_metric *m = g_ptr_array_index(d->metrics, i);

		if (strcmp(m->name, name) == 0)
			return m;
	}
	return NULL;
}

static char *
param_names(const struct sw_desc *d)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < d->params->len; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "",
				       ((struct sw_param *)g_ptr_array_index(d->params, i))->name);
	if (!s->len)
		g_string_append(s, "(none)");
	return g_string_free(s, FALSE);
}

static void
param_free(struct sw_param *p)
{
	g_free(p->name);
	g_free(p->unit);
	g_ptr_array_free(p->values, TRUE);
	g_free(p);
}

/* <param>: its values from values=, <value> and <range>, in order. */
static struct sw_param *
param_read(const char *file, xmlNode *n, int group)
{
	struct sw_param *p = g_new0(struct sw_param, 1);
	char *values = prop(n, "values");

	p->name = prop(n, "name");
	p->unit = prop(n, "unit");
	p->line = (int)xmlGetLineNo(n);
	p->group = group;
	p->values = g_ptr_array_new_with_free_func(g_free);
	if (strpbrk(p->name, " \t\r\n=${}")) {
		sw_desc_error(file, p->line, "param \"%s\": a name may not hold blanks, "
			   "'=', '$', '{' or '}'", p->name);
		goto fail;
	}
	if (strcmp(p->name, "seed") == 0 || strcmp(p->name, "run") == 0) {
		sw_desc_error(file, p->line, "param \"%s\": seeds and run numbers are given by "
			   "<repetitions seeds=... runs=...>", p->name);
		goto fail;
	}
	if (values) {
		char **v = g_strsplit_set(values, " \t\r\n", -1);

		for (char **q = v; *q; q++)
			if (**q)
				g_ptr_array_add(p->values, g_strdup(*q));
		g_strfreev(v);
	}
	for (xmlNode *c = n->children; c; c = c->next) {
		if (is(c, "value")) {
			xmlChar *t = xmlNodeGetContent(c);

			g_ptr_array_add(p->values, g_strstrip(g_strdup((const char *)t)));
			xmlFree(t);
		} else if (is(c, "range")) {
			if (range_expand(file, (int)xmlGetLineNo(c), c, p->values) != 0)
				goto fail;
		}
	}
	if (p->values->len == 0) {
		sw_desc_error(file, p->line, "param \"%s\" has no values (give values=\"...\", "
			   "<value> or <range>)", p->name);
		goto fail;
	}
	g_free(values);
	return p;
fail:
	g_free(values);
	param_free(p);
	return NULL;
}

/* Every ${name} of text is a param of d.  0 or -1 after printing. */
static int
check_refs(const struct sw_desc *d, const char *file, int line, const char *text)
{
	for (const char *s = text; (s = strstr(s, "${")); ) {
		const char *end = strchr(s + 2, '}');
		char *name;

		if (!end) {
			sw_desc_error(file, line, "unterminated \"${\" in \"%s\"", text);
			return -1;
		}
		name = g_strndup(s + 2, (gsize)(end - s - 2));
		if (!sw_desc_param(d, name)) {
			char *names = param_names(d);

			sw_desc_error(file, line, "\"${%s}\": not a swept parameter (they are: %s)",
				   name, names);
			g_free(names);
			g_free(name);
			return -1;
		}
		g_free(name);
		s = end + 1;
	}
	return 0;
}

struct var_check {
	const struct sw_desc *d;
	const char *file;
	int line;
	const char *what;
	int bad;
};

static void
var_check_one(void *ctx, const char *name)
{
	struct var_check *vc = ctx;

	if (!sw_desc_param(vc->d, name)) {
		char *names = param_names(vc->d);

		sw_desc_error(vc->file, vc->line, "%s: \"%s\" is not a swept parameter (they are: %s)",
			   vc->what, name, names);
		g_free(names);
		vc->bad++;
	}
}

static struct sw_expr *
expr_read(const struct sw_desc *d, const char *file, int line, const char *what,
	  const char *text)
{
	struct var_check vc = { d, file, line, what, 0 };
	struct sw_expr *e;
	char err[256];

	e = sw_expr_parse(text, err, sizeof(err));
	if (!e) {
		sw_desc_error(file, line, "%s \"%s\": %s", what, text, err);
		return NULL;
	}
	sw_expr_vars(e, var_check_one, &vc);
	if (vc.bad) {
		sw_expr_free(e);
		return NULL;
	}
	return e;
}

/* "1 2 5..8": integers and inclusive ranges. */
static int
u64_list(const char *file, int line, const char *what, const char *text, GArray *out)
{
	char **v = g_strsplit_set(text, " \t\r\n,", -1);
	int rc = -1;

	for (char **q = v; *q; q++) {
		guint64 a, b;
		char *dots;

		if (!**q)
			continue;
		dots = strstr(*q, "..");
		if (dots)
			*dots = '\0';
		if (!g_ascii_isdigit(**q) ||
		    !g_ascii_string_to_unsigned(*q, 10, 0, G_MAXUINT64, &a, NULL) ||
		    (dots && (!g_ascii_isdigit(dots[2]) ||
			      !g_ascii_string_to_unsigned(dots + 2, 10, 0, G_MAXUINT64, &b,
							  NULL)))) {
			sw_desc_error(file, line, "%s=\"%s\": expected numbers and ranges A..B",
				   what, text);
			goto done;
		}
		if (!dots)
			b = a;
		if (b < a || b - a >= SW_MAX_RUNS) {
			sw_desc_error(file, line, "%s=\"%s\": bad range %" G_GUINT64_FORMAT ".."
				   "%" G_GUINT64_FORMAT, what, text, a, b);
			goto done;
		}
		for (guint64 x = a;; x++) {
			uint64_t u = x;

			g_array_append_val(out, u);
			if (x == b)
				break;
		}
	}
	for (guint i = 0; i < out->len; i++)
		for (guint j = 0; j < i; j++)
			if (g_array_index(out, uint64_t, i) == g_array_index(out, uint64_t, j)) {
				sw_desc_error(file, line, "%s=\"%s\": %" PRIu64 " appears twice", what,
					   text, g_array_index(out, uint64_t, i));
				goto done;
			}
	rc = out->len ? 0 : -1;
	if (rc)
		sw_desc_error(file, line, "%s is empty", what);
done:
	g_strfreev(v);
	return rc;
}

static void
metric_free(struct sw_metric *m)
{
	g_free(m->name);
	g_free(m->select);
	g_free(m->kind);
	g_free(m->oname);
	g_free(m->cname);
	g_free(m);
}

static void
plot_free(struct sw_plot *p)
{
	g_free(p->name);
	g_free(p->x);
	g_free(p->y);
	g_free(p->series);
	sw_expr_free(p->where);
	g_free(p->title);
	g_free(p->xlabel);
	g_free(p->ylabel);
	g_free(p);
}

static struct sw_metric *
metric_read(const char *file, xmlNode *n)
{
	struct sw_metric *m = g_new0(struct sw_metric, 1);
	char *agg = prop(n, "agg"), *scale = prop(n, "scale"), *max = prop(n, "max");
	const char *first, *last;

	m->name = prop(n, "name");
	m->select = prop(n, "select");
	m->line = (int)xmlGetLineNo(n);
	first = strchr(m->select, ':');
	last = strrchr(m->select, ':');
	if (first) {
		m->counter = true;
		if (first == last || first == m->select || last == first + 1 || !last[1]) {
			sw_desc_error(file, m->line, "metric %s: select=\"%s\": a counter is "
				   "KIND:NAME:COUNTER (recv:h2/recv0:received)", m->name, m->select);
			goto fail;
		}
		m->kind = g_strndup(m->select, (gsize)(first - m->select));
		m->oname = g_strndup(first + 1, (gsize)(last - first - 1));
		m->cname = g_strdup(last + 1);
	} else if (strspn(m->select, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			  "0123456789_.-*?") != strlen(m->select)) {
		sw_desc_error(file, m->line, "metric %s: select=\"%s\": a field of summary.json is "
			   "a dotted path (events, drops.loss, totals.frames_received)",
			   m->name, m->select);
		goto fail;
	}
	m->agg = !agg || !strcmp(agg, "sum") ? SW_AGG_SUM : !strcmp(agg, "mean") ? SW_AGG_MEAN :
		 !strcmp(agg, "min") ? SW_AGG_MIN : !strcmp(agg, "max") ? SW_AGG_MAX :
		 SW_AGG_COUNT;
	if (scale) {
		char e[UNITS_ERRLEN];

		m->has_scale = true;
		if (units_real("scale", scale, &m->scale, e, sizeof(e)) < 0) {
			sw_desc_error(file, m->line, "metric %s: %s", m->name, e);
			goto fail;
		}
	}
	if (max) {
		char e[UNITS_ERRLEN];

		m->has_max = true;
		if (units_real("max", max, &m->max, e, sizeof(e)) < 0) {
			sw_desc_error(file, m->line, "metric %s: %s", m->name, e);
			goto fail;
		}
	}
	g_free(agg);
	g_free(scale);
	g_free(max);
	return m;
fail:
	g_free(agg);
	g_free(scale);
	g_free(max);
	metric_free(m);
	return NULL;
}

void
sw_desc_free(struct sw_desc *d)
{
	if (!d)
		return;
	g_free(d->path);
	g_free(d->name);
	g_free(d->scenario);
	g_free(d->pcap);
	g_free(d->log);
	if (d->params) {
		for (guint i = 0; i < d->params->len; i++)
			param_free(g_ptr_array_index(d->params, i));
		g_ptr_array_free(d->params, TRUE);
	}
	if (d->sets) {
		for (guint i = 0; i < d->sets->len; i++) {
			struct sw_set *s = g_ptr_array_index(d->sets, i);

			g_free(s->name);
			g_free(s->value);
			g_free(s);
		}
		g_ptr_array_free(d->sets, TRUE);
	}
	if (d->skips) {
		for (guint i = 0; i < d->skips->len; i++)
			sw_expr_free(g_ptr_array_index(d->skips, i));
		g_ptr_array_free(d->skips, TRUE);
	}
	if (d->skip_lines)
		g_array_free(d->skip_lines, TRUE);
	if (d->seeds)
		g_array_free(d->seeds, TRUE);
	if (d->runs)
		g_array_free(d->runs, TRUE);
	if (d->metrics) {
		for (guint i = 0; i < d->metrics->len; i++)
			metric_free(g_ptr_array_index(d->metrics, i));
		g_ptr_array_free(d->metrics, TRUE);
	}
	if (d->plots) {
		for (guint i = 0; i < d->plots->len; i++)
			plot_free(g_ptr_array_index(d->plots, i));
		g_ptr_array_free(d->plots, TRUE);
	}
	g_free(d);
}

/* The params, then the elements that refer to them. */
static int
desc_read(struct sw_desc *d, xmlNode *root)
{
	const char *file = d->path;
	int errors = 0, nrep = 0, nrun = 0;

	for (xmlNode *n = root->children; n; n = n->next) {
		struct sw_param *p;

		if (is(n, "param")) {
			p = param_read(file, n, d->ngroups++);
			if (!p) {
				errors++;
				continue;
			}
			if (sw_desc_param(d, p->name)) {
				sw_desc_error(file, p->line, "param \"%s\" is declared twice", p->name);
				param_free(p);
				errors++;
				continue;
			}
			g_ptr_array_add(d->params, p);
		} else if (is(n, "tuple")) {
			int group = d->ngroups++;
			guint len = 0;

			for (xmlNode *c = n->children; c; c = c->next) {
				if (!is(c, "param"))
					continue;
				p = param_read(file, c, group);
				if (!p) {
					errors++;
					continue;
				}
				if (sw_desc_param(d, p->name)) {
					sw_desc_error(file, p->line, "param \"%s\" is declared twice",
						   p->name);
					param_free(p);
					errors++;
					continue;
				}
				if (len && p->values->len != len) {
					sw_desc_error(file, p->line, "<tuple>: param \"%s\" has %u values, "
						   "the params before it %u: a tuple's params step "
						   "together and need as many values", p->name,
						   p->values->len, len);
					errors++;
				}
				len = p->values->len;
				g_ptr_array_add(d->params, p);
			}
		}
	}
	if (errors)
		return -1;

	for (xmlNode *n = root->children; n; n = n->next) {
		int line = (int)xmlGetLineNo(n);

		if (is(n, "set")) {
			struct sw_set *s = g_new0(struct sw_set, 1);

			s->name = prop(n, "name");
			s->value = prop(n, "value");
			s->line = line;
			g_ptr_array_add(d->sets, s);
			if (strcmp(s->name, "seed") == 0 || strcmp(s->name, "run") == 0) {
				sw_desc_error(file, line, "<set name=\"%s\">: seeds and run numbers are "
					   "given by <repetitions>", s->name);
				errors++;
			}
			for (guint i = 0; i + 1 < d->sets->len; i++)
				if (!strcmp(((struct sw_set *)g_ptr_array_index(d->sets, i))->name,
					    s->name)) {
					sw_desc_error(file, line, "<set name=\"%s\"> is given twice",
						   s->name);
					errors++;
				}
			if (check_refs(d, file, line, s->value) != 0)
				errors++;
		} else if (is(n, "skip")) {
			char *when = prop(n, "when");
			struct sw_expr *e = expr_read(d, file, line, "skip when", when);

			g_free(when);
			if (!e) {
				errors++;
				continue;
			}
			g_ptr_array_add(d->skips, e);
			g_array_append_val(d->skip_lines, line);
		} else if (is(n, "repetitions")) {
			char *seeds = prop(n, "seeds"), *runs = prop(n, "runs");

			if (nrep++) {
				sw_desc_error(file, line, "<repetitions> is given twice");
				errors++;
			}
			if (seeds && u64_list(file, line, "seeds", seeds, d->seeds) != 0)
				errors++;
			if (runs && u64_list(file, line, "runs", runs, d->runs) != 0)
				errors++;
			g_free(seeds);
			g_free(runs);
		} else if (is(n, "run")) {
			char *pcap = prop(n, "pcap"), *log = prop(n, "log"), *ranks = prop(n, "ranks");

			if (nrun++) {
				sw_desc_error(file, line, "<run> is given twice");
				errors++;
			}
			if (pcap) {
				g_free(d->pcap);
				d->pcap = pcap;
			}
			if (log) {
				char err[1024];

				/* The check and words of --log, which the runs get it as. */
				if (entities_register_all() != 0 ||
				    log_parse_spec(NULL, log, err, sizeof(err)) != 0) {
					sw_desc_error(file, line, "log \"%s\": %s", log, err);
					errors++;
				}
				g_free(d->log);
				d->log = log;
			}
			if (ranks) {
				guint64 r;

				/* Digits only: no sign, blank or base prefix slips through. */
				if (ranks[strspn(ranks, "0123456789")] != '\0' ||
				    !g_ascii_string_to_unsigned(ranks, 10, 1, SW_MAX_RANKS, &r, NULL)) {
					sw_desc_error(file, line, "ranks=\"%s\": expected a whole number "
						   "of processes from 1 to %u", ranks, SW_MAX_RANKS);
					errors++;
				} else {
					d->ranks = (unsigned)r;
					d->ranks_line = line;
				}
				g_free(ranks);
			}
		} else if (is(n, "metric")) {
			struct sw_metric *m = metric_read(file, n);

			if (!m) {
				errors++;
				continue;
			}
			if (find_metric(d, m->name)) {
				sw_desc_error(file, line, "metric \"%s\" is declared twice", m->name);
				metric_free(m);
				errors++;
				continue;
			}
			g_ptr_array_add(d->metrics, m);
		}
	}
	if (d->metrics->len == 0 && !has_child(root, "metric")) {
		sw_desc_error(file, (int)xmlGetLineNo(root), "a sweep needs at least one <metric>");
		errors++;
	}

	for (xmlNode *n = root->children; n; n = n->next) {
		struct sw_plot *p;
		char *v;

		if (!is(n, "plot"))
			continue;
		p = g_new0(struct sw_plot, 1);
		p->line = (int)xmlGetLineNo(n);
		p->name = prop(n, "name");
		p->x = prop(n, "x");
		p->y = prop(n, "y");
		p->series = prop(n, "series");
		p->title = prop(n, "title");
		p->xlabel = prop(n, "xlabel");
		p->ylabel = prop(n, "ylabel");
		v = prop(n, "logx");
		p->logx = v && (!strcmp(v, "true") || !strcmp(v, "1"));
		g_free(v);
		v = prop(n, "logy");
		p->logy = v && (!strcmp(v, "true") || !strcmp(v, "1"));
		g_free(v);
		g_ptr_array_add(d->plots, p);
		for (guint i = 0; i + 1 < d->plots->len; i++)
			if (!strcmp(((struct sw_plot *)g_ptr_array_index(d->plots, i))->name,
				    p->name)) {
				sw_desc_error(file, p->line, "plot \"%s\" is declared twice", p->name);
				errors++;
			}
		if (!sw_desc_param(d, p->x)) {
			char *names = param_names(d);

			sw_desc_error(file, p->line, "plot %s: x=\"%s\" is not a swept parameter "
				   "(they are: %s)", p->name, p->x, names);
			g_free(names);
			errors++;
		}
		if (p->series && (!sw_desc_param(d, p->series) || !strcmp(p->series, p->x))) {
			char *names = param_names(d);

			sw_desc_error(file, p->line, "plot %s: series=\"%s\" is not a swept parameter "
				   "other than x (they are: %s)", p->name, p->series, names);
			g_free(names);
			errors++;
		}
		if (!find_metric(d, p->y)) {
			GString *s = g_string_new(NULL);

			for (guint i = 0; i < d->metrics->len; i++)
				g_string_append_printf(s, "%s%s", i ? ", " : "",
						       ((struct sw_metric *)
							g_ptr_array_index(d->metrics, i))->name);
			sw_desc_error(file, p->line, "plot %s: y=\"%s\" is not a metric (they are: %s)",
				   p->name, p->y, s->str);
			g_string_free(s, TRUE);
			errors++;
		}
		v = prop(n, "where");
		if (v) {
			p->where = expr_read(d, file, p->line, "plot where", v);
			if (!p->where)
				errors++;
			g_free(v);
		}
	}
	return errors ? -1 : 0;
}

struct sw_desc *
sw_desc_load(const char *path, const char *base_dir)
{
	struct sw_desc *d;
	xmlDoc *doc;
	xmlNode *root;
	char *scn, *dir;

	doc = desc_read_xml(path);
	if (!doc)
		return NULL;
	root = xmlDocGetRootElement(doc);
	d = g_new0(struct sw_desc, 1);
	d->path = g_strdup(path);
	d->params = g_ptr_array_new();
	d->sets = g_ptr_array_new();
	d->skips = g_ptr_array_new();
	d->skip_lines = g_array_new(FALSE, FALSE, sizeof(int));
	d->seeds = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	d->runs = g_array_new(FALSE, FALSE, sizeof(uint64_t));
	d->metrics = g_ptr_array_new();
	d->plots = g_ptr_array_new();
	d->pcap = g_strdup("none");
	d->ranks = 1;

	d->name = prop(root, "name");
	if (!d->name) {
		char *b = g_path_get_basename(path);
		char *dot = strrchr(b, '.');

		if (dot && dot != b)
			*dot = '\0';
		d->name = b;
	}
	scn = prop(root, "scenario");
	{
		/* Relative to the description's folder, made absolute first. */
		char *rel = base_dir ? g_strdup(base_dir) : g_path_get_dirname(path);

		dir = g_canonicalize_filename(rel, NULL);
		g_free(rel);
	}
	d->scenario = g_canonicalize_filename(scn, dir);
	g_free(scn);
	g_free(dir);

	if (desc_read(d, root) != 0) {
		xmlFreeDoc(doc);
		sw_desc_free(d);
		return NULL;
	}
	xmlFreeDoc(doc);
	return d;
}

