/*
 * rae_config.c - the RAE's configuration file (D4.3 section 4.2.1 and
 * Appendix A): a binary ConfigurationMessage of config.proto, read with
 * protobuf-c, or the same message written as XML (rae_config_xml.c).
 *
 * Reading goes in three steps, each of which can only fail with a
 * message naming the file:
 *   1. the bytes are walked against the descriptor (entities/pbcheck.c): a
 *      truncated or corrupt file, or a field of the wrong wire type, is
 *      reported with the field and the byte; unknown fields are skipped;
 *   2. protobuf-c builds the message;
 *   3. every field is checked and copied into struct rae_config (ranges,
 *      addresses, prefixes, duplicates, aspiration against reservation);
 *      errors cite the field path, and the line when the file is XML.
 * Defaults for absent fields and the units are listed in doc/rae.md.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "entities/rae/config.pb-c.h"
#include "entities/pbcheck.h"
#include "entities/rae/rae.h"
#include "sim/fileio.h"

#define CFG_MAX_FILE	FILEIO_MAX	/* larger files are refused */
#define CFG_MAX_LIMIT	64u		/* limit_of_preferred_paths */
#define CFG_MAX_MRAI	86400u		/* minimum_update_interval, seconds */

typedef Comet__Rae__Config__ConfigurationMessage CfgMsg;
typedef Comet__Rae__Config__ClassEntry CfgClass;
typedef Comet__Rae__Config__Prefix CfgPrefix;
typedef Comet__Rae__Config__Endpoint CfgEndpoint;

struct cfg_ctx {
	const char *file;
	GHashTable *lines;	/* field path -> line (XML), or NULL */
	char *err;
	size_t errlen;
};

/* The line of the closest enclosing element that wrote `path`, or 0. */
static int
cfg_line(const struct cfg_ctx *x, const char *path)
{
	char buf[256];
	char *dot;

	if (!x->lines)
		return 0;
	snprintf(buf, sizeof(buf), "%s", path);
	for (;;) {
		gpointer v = g_hash_table_lookup(x->lines, buf);

		if (v)
			return GPOINTER_TO_INT(v);
		dot = strrchr(buf, '.');
		if (!dot)
			break;
		*dot = '\0';
	}
	return GPOINTER_TO_INT(g_hash_table_lookup(x->lines, ""));
}

static int
cfg_err(struct cfg_ctx *x, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
cfg_err(struct cfg_ctx *x, const char *path, const char *fmt, ...)
{
	char msg[512], where[64] = "";
	int line = cfg_line(x, path);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > 0)
		snprintf(where, sizeof(where), ":%d", line);
	snprintf(x->err, x->errlen, "%s%s: %s%s%s", x->file, where, path,
		 path[0] ? ": " : "", msg);
	return -1;
}

/* Shortest decimal form that reads back as the same double. */
static char *
fmt_double(double v, char *buf, size_t len)
{
	if (isinf(v)) {
		snprintf(buf, len, "unlimited");
		return buf;
	}
	if (v == floor(v) && fabs(v) < 1e15) {
		snprintf(buf, len, "%.0f", v);
		return buf;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return buf;
}

/* ---- field checks ---- */

static int
cfg_port(struct cfg_ctx *x, const char *path, protobuf_c_boolean has, uint32_t v,
	 uint16_t *out)
{
	if (!has)
		return cfg_err(x, path, "missing");
	if (v == 0 || v > 65535)
		return cfg_err(x, path, "%" PRIu32 " is not a port number (1..65535)", v);
	*out = (uint16_t)v;
	return 0;
}

static int
cfg_asn(struct cfg_ctx *x, const char *path, protobuf_c_boolean has, uint32_t v,
	uint32_t *out)
{
	if (!has)
		return cfg_err(x, path, "missing");
	if (v == 0)
		return cfg_err(x, path, "0 is not an AS number (1..4294967295)");
	*out = v;
	return 0;
}

static int
cfg_addr(struct cfg_ctx *x, const char *path, const char *s, struct addr *out)
{
	if (!s)
		return cfg_err(x, path, "missing");
	if (addr_parse(s, out) < 0)
		return cfg_err(x, path, "\"%s\" is not an IPv4 or IPv6 address", s);
	return 0;
}

static int
cfg_prefix(struct cfg_ctx *x, const char *path, const CfgPrefix *p, struct prefix *out)
{
	char sub[256];
	struct addr m;

	if (!p)
		return cfg_err(x, path, "missing");
	snprintf(sub, sizeof(sub), "%s.ip_address", path);
	if (cfg_addr(x, sub, p->ip_address, &out->addr) < 0)
		return -1;
	snprintf(sub, sizeof(sub), "%s.prefix_length", path);
	if (!p->has_prefix_length)
		return cfg_err(x, sub, "missing");
	if (p->prefix_length > (out->addr.af == ADDR_V4 ? 32u : 128u))
		return cfg_err(x, sub, "%" PRIu32 " is too long for %s", p->prefix_length,
			       p->ip_address);
	out->len = (uint8_t)p->prefix_length;
	m = out->addr;
	addr_mask(&m, out->len);
	if (!addr_eq(&m, &out->addr))
		return cfg_err(x, path, "%s/%u has bits set beyond the prefix length",
			       p->ip_address, out->len);
	return 0;
}

/* A level or metric: finite, not negative; a ratio is at most 1. */
static int
cfg_number(struct cfg_ctx *x, const char *path, double v, bool ratio)
{
	if (!isfinite(v) || v < 0)
		return cfg_err(x, path, "%g is not a finite number >= 0", v);
	if (ratio && v > 1)
		return cfg_err(x, path, "%g is not a ratio (0..1)", v);
	return 0;
}

static int
cfg_classes(struct cfg_ctx *x, const char *path, CfgClass **v, size_t n,
	    struct rae_cmetric **out, unsigned *nout)
{
	char sub[256], f[300];

	*out = g_new0(struct rae_cmetric, n ? n : 1);
	*nout = 0;
	for (size_t i = 0; i < n; i++) {
		const CfgClass *c = v[i];
		struct rae_cmetric *cm = &(*out)[i];

		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		snprintf(f, sizeof(f), "%s.cos_id", sub);
		if (!c->has_cos_id)
			return cfg_err(x, f, "missing");
		for (size_t j = 0; j < i; j++)
			if ((*out)[j].cos == c->cos_id)
				return cfg_err(x, f, "class %" PRIu32 " is already described by "
					       "%s[%zu]", c->cos_id, path, j);
		cm->cos = c->cos_id;
		snprintf(f, sizeof(f), "%s.metric", sub);
		if (!c->metric)
			return cfg_err(x, f, "missing");
		cm->m.loss = c->metric->has_loss_ratio ? c->metric->loss_ratio : 0;
		cm->m.delay = c->metric->has_maximum_delay ? c->metric->maximum_delay : 0;
		cm->m.bw = c->metric->has_supported_bandwidth ?
			   c->metric->supported_bandwidth : INFINITY;
		snprintf(f, sizeof(f), "%s.metric.loss_ratio", sub);
		if (cfg_number(x, f, cm->m.loss, true) < 0)
			return -1;
		snprintf(f, sizeof(f), "%s.metric.maximum_delay", sub);
		if (cfg_number(x, f, cm->m.delay, false) < 0)
			return -1;
		snprintf(f, sizeof(f), "%s.metric.supported_bandwidth", sub);
		if (!isinf(cm->m.bw) && cfg_number(x, f, cm->m.bw, false) < 0)
			return -1;
		(*nout)++;
	}
	return 0;
}

static int
cfg_endpoint(struct cfg_ctx *x, const char *path, const CfgEndpoint *e,
	     struct rae_endpoint *out)
{
	char sub[256];

	if (!e || e->endpoint_case == COMET__RAE__CONFIG__ENDPOINT__ENDPOINT__NOT_SET)
		return cfg_err(x, path, "missing (give prefix or as_number)");
	if (e->endpoint_case == COMET__RAE__CONFIG__ENDPOINT__ENDPOINT_AS_NUMBER) {
		/* 0 is no AS: the wildcard, any neighbouring AS. */
		out->is_as = true;
		out->asn = e->as_number;
		return 0;
	}
	snprintf(sub, sizeof(sub), "%s.prefix", path);
	return cfg_prefix(x, sub, e->prefix, &out->pfx);
}

static bool
endpoint_eq(const struct rae_endpoint *a, const struct rae_endpoint *b)
{
	if (a->is_as != b->is_as)
		return false;
	if (a->is_as)
		return a->asn == b->asn;
	return a->pfx.len == b->pfx.len && addr_eq(&a->pfx.addr, &b->pfx.addr);
}

static int
cfg_dparams(struct cfg_ctx *x, const Comet__Rae__Config__DecisionParameters *d,
	    size_t i, struct rae_config *c)
{
	struct rae_dparams *p = &c->dp[i];
	char path[64], f[96];
	const struct {
		const char *name;
		protobuf_c_boolean has;
		double v;
		double *out;
		bool ratio;
	} lv[] = {
		{ "delay_aspiration", d->has_delay_aspiration, d->delay_aspiration, &p->delay_a, false },
		{ "delay_reservation", d->has_delay_reservation, d->delay_reservation, &p->delay_r, false },
		{ "loss_aspiration", d->has_loss_aspiration, d->loss_aspiration, &p->loss_a, true },
		{ "loss_reservation", d->has_loss_reservation, d->loss_reservation, &p->loss_r, true },
		{ "bandwidth_aspiration", d->has_bandwidth_aspiration, d->bandwidth_aspiration,
		  &p->bw_a, false },
		{ "bandwidth_reservation", d->has_bandwidth_reservation, d->bandwidth_reservation,
		  &p->bw_r, false },
	};

	snprintf(path, sizeof(path), "decision_parameters[%zu]", i);
	snprintf(f, sizeof(f), "%s.id", path);
	if (!d->has_id)
		return cfg_err(x, f, "missing");
	for (size_t j = 0; j < i; j++)
		if (c->dp[j].cos == d->id)
			return cfg_err(x, f, "class %" PRIu32 " already has parameters in "
				       "decision_parameters[%zu]", d->id, j);
	p->cos = d->id;
	for (size_t k = 0; k < G_N_ELEMENTS(lv); k++) {
		snprintf(f, sizeof(f), "%s.%s", path, lv[k].name);
		if (!lv[k].has)
			return cfg_err(x, f, "missing");
		if (cfg_number(x, f, lv[k].v, lv[k].ratio) < 0)
			return -1;
		*lv[k].out = lv[k].v;
	}
	if (p->delay_a > p->delay_r)
		return cfg_err(x, path, "delay_aspiration %g is worse than delay_reservation %g",
			       p->delay_a, p->delay_r);
	if (p->loss_a > p->loss_r)
		return cfg_err(x, path, "loss_aspiration %g is worse than loss_reservation %g",
			       p->loss_a, p->loss_r);
	if (p->bw_a < p->bw_r)
		return cfg_err(x, path, "bandwidth_aspiration %g is worse than "
			       "bandwidth_reservation %g", p->bw_a, p->bw_r);
	return 0;
}

/* Step 3: check every field of m and fill c. */
static int
cfg_from_msg(struct cfg_ctx *x, const CfgMsg *m, struct rae_config *c)
{
	char path[64], f[128];

	if (cfg_asn(x, "local_as_number", m->has_local_as_number, m->local_as_number,
		    &c->local_as) < 0 ||
	    cfg_addr(x, "local_ip_address", m->local_ip_address, &c->local_ip) < 0 ||
	    cfg_port(x, "local_port_number", m->has_local_port_number, m->local_port_number,
		     &c->local_port) < 0)
		return -1;
	c->limit = 1;
	if (m->has_limit_of_preferred_paths) {
		if (m->limit_of_preferred_paths < 1 || m->limit_of_preferred_paths > CFG_MAX_LIMIT)
			return cfg_err(x, "limit_of_preferred_paths", "%" PRIu32 " is out of "
				       "range 1..%u", m->limit_of_preferred_paths, CFG_MAX_LIMIT);
		c->limit = m->limit_of_preferred_paths;
	}
	if (m->has_minimum_update_interval) {
		if (m->minimum_update_interval > CFG_MAX_MRAI)
			return cfg_err(x, "minimum_update_interval", "%" PRIu32 " s is out of "
				       "range 0..%u", m->minimum_update_interval, CFG_MAX_MRAI);
		c->min_update_interval = m->minimum_update_interval;
	}
	if (m->cme_ip_address || m->has_cme_port_number) {
		if (cfg_addr(x, "cme_ip_address", m->cme_ip_address, &c->cme_ip) < 0 ||
		    cfg_port(x, "cme_port_number", m->has_cme_port_number, m->cme_port_number,
			     &c->cme_port) < 0)
			return -1;
		c->has_cme = true;
	}
	if (m->has_decision_with_flat_function) {
		if (m->decision_with_flat_function > 1)
			return cfg_err(x, "decision_with_flat_function", "%" PRIu32 " is neither "
				       "0 (multiplicative inverse) nor 1 (flat)",
				       m->decision_with_flat_function);
		c->flat = m->decision_with_flat_function == 1;
	}

	if (m->n_decision_parameters > RAE_MAX_CLASSES)
		return cfg_err(x, "decision_parameters", "%zu classes, at most %d",
			       m->n_decision_parameters, RAE_MAX_CLASSES);
	for (size_t i = 0; i < m->n_decision_parameters; i++)
		if (cfg_dparams(x, m->decision_parameters[i], i, c) < 0)
			return -1;
	c->ndp = (unsigned)m->n_decision_parameters;

	if (m->n_peer_table > RAE_MAX_PEERS)
		return cfg_err(x, "peer_table", "%zu peers, at most %d", m->n_peer_table,
			       RAE_MAX_PEERS);
	c->peers = g_new0(struct rae_peer_cfg, m->n_peer_table ? m->n_peer_table : 1);
	for (size_t i = 0; i < m->n_peer_table; i++) {
		const Comet__Rae__Config__Peer *p = m->peer_table[i];
		struct rae_peer_cfg *pc = &c->peers[i];

		c->npeers = (unsigned)i + 1;
		snprintf(path, sizeof(path), "peer_table[%zu]", i);
		snprintf(f, sizeof(f), "%s.remote_as_number", path);
		if (cfg_asn(x, f, p->has_remote_as_number, p->remote_as_number, &pc->asn) < 0)
			return -1;
		if (pc->asn == c->local_as)
			return cfg_err(x, f, "%" PRIu32 " is the local AS: peers are in other "
				       "domains", pc->asn);
		snprintf(f, sizeof(f), "%s.remote_ip_address", path);
		if (cfg_addr(x, f, p->remote_ip_address, &pc->ip) < 0)
			return -1;
		for (size_t j = 0; j < i; j++)
			if (addr_eq(&c->peers[j].ip, &pc->ip))
				return cfg_err(x, f, "%s is already peer_table[%zu]",
					       p->remote_ip_address, j);
		if (addr_eq(&pc->ip, &c->local_ip))
			return cfg_err(x, f, "%s is the local address", p->remote_ip_address);
		snprintf(f, sizeof(f), "%s.remote_port_number", path);
		if (cfg_port(x, f, p->has_remote_port_number, p->remote_port_number,
			     &pc->port) < 0)
			return -1;
		if (p->has_ttl_value) {
			if (p->ttl_value > 255)
			{
				snprintf(f, sizeof(f), "%s.ttl_value", path);
				return cfg_err(x, f, "%" PRIu32 " is not a TTL (0..255)",
					       p->ttl_value);
			}
			pc->ttl = p->ttl_value;
		}
		snprintf(f, sizeof(f), "%s.class_table", path);
		if (cfg_classes(x, f, p->class_table, p->n_class_table, &pc->classes,
				&pc->nclasses) < 0)
			return -1;
		if (p->has_relationship) {
			snprintf(f, sizeof(f), "%s.relationship", path);
			if ((unsigned)p->relationship > RAE_REL_PROVIDER)
				return cfg_err(x, f, "%d is not a relationship (0 none, 1 customer, "
					       "2 peer, 3 provider)", (int)p->relationship);
			pc->rel = (enum rae_rel)p->relationship;
		}
	}

	c->prefixes = g_new0(struct prefix, m->n_prefix_table ? m->n_prefix_table : 1);
	for (size_t i = 0; i < m->n_prefix_table; i++) {
		snprintf(path, sizeof(path), "prefix_table[%zu]", i);
		if (cfg_prefix(x, path, m->prefix_table[i], &c->prefixes[i]) < 0)
			return -1;
		for (size_t j = 0; j < i; j++)
			if (c->prefixes[j].len == c->prefixes[i].len &&
			    addr_eq(&c->prefixes[j].addr, &c->prefixes[i].addr))
				return cfg_err(x, path, "the same prefix as prefix_table[%zu]", j);
		c->nprefixes = (unsigned)i + 1;
	}

	c->prov = g_new0(struct rae_prov, m->n_provisioning_table ? m->n_provisioning_table : 1);
	for (size_t i = 0; i < m->n_provisioning_table; i++) {
		const Comet__Rae__Config__Provisioning *p = m->provisioning_table[i];
		struct rae_prov *pv = &c->prov[i];

		c->nprov = (unsigned)i + 1;
		snprintf(path, sizeof(path), "provisioning_table[%zu]", i);
		snprintf(f, sizeof(f), "%s.source", path);
		if (cfg_endpoint(x, f, p->source, &pv->src) < 0)
			return -1;
		snprintf(f, sizeof(f), "%s.sink", path);
		if (cfg_endpoint(x, f, p->sink, &pv->sink) < 0)
			return -1;
		for (size_t j = 0; j < i; j++)
			if (endpoint_eq(&c->prov[j].src, &pv->src) &&
			    endpoint_eq(&c->prov[j].sink, &pv->sink))
				return cfg_err(x, path, "the same source and sink as "
					       "provisioning_table[%zu]", j);
		snprintf(f, sizeof(f), "%s.class_table", path);
		if (cfg_classes(x, f, p->class_table, p->n_class_table, &pv->classes,
				&pv->nclasses) < 0)
			return -1;
	}
	return 0;
}

/* ---- loading ---- */

static struct rae_config *
cfg_parse(const uint8_t *buf, size_t len, const char *file, GHashTable *lines, char *err,
	  size_t errlen)
{
	struct cfg_ctx x = { file, lines, err, errlen };
	struct rae_config *c;
	char why[512];
	CfgMsg *m;

	if (pb_check(&comet__rae__config__configuration_message__descriptor, buf, len,
			 why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: not a valid ConfigurationMessage: %s", file, why);
		return NULL;
	}
	m = comet__rae__config__configuration_message__unpack(NULL, len, buf);
	if (!m) {
		snprintf(err, errlen, "%s: not a valid ConfigurationMessage (protobuf-c "
			 "refused it)", file);
		return NULL;
	}
	c = g_new0(struct rae_config, 1);
	c->file = g_strdup(file);
	if (cfg_from_msg(&x, m, c) < 0) {
		rae_config_free(c);
		c = NULL;
	}
	comet__rae__config__configuration_message__free_unpacked(m, NULL);
	return c;
}

struct rae_config *
rae_config_parse(const uint8_t *buf, size_t len, const char *file, char *err, size_t errlen)
{
	return cfg_parse(buf, len, file, NULL, err, errlen);
}

/* The whole file in memory, at most CFG_MAX_FILE bytes read; NULL with err set. */
static uint8_t *
cfg_read(const char *path, size_t *len, char *err, size_t errlen)
{
	char *buf, why[256];
	int rc = fileio_read(path, CFG_MAX_FILE, &buf, len);

	if (rc == FILEIO_OK)
		return (uint8_t *)buf;
	fileio_strerror(rc, *len, CFG_MAX_FILE, "configuration file", why, sizeof(why));
	if (rc == FILEIO_ERR)
		snprintf(err, errlen, "%s: cannot read: %s", path, why);
	else
		snprintf(err, errlen, "%s: %s", path, why);
	return NULL;
}

/* Whether a file holds the XML form: its first byte (after a BOM) is '<'. */
static bool
cfg_is_xml(const uint8_t *buf, size_t len)
{
	if (len >= 3 && buf[0] == 0xef && buf[1] == 0xbb && buf[2] == 0xbf) {
		buf += 3;
		len -= 3;
	}
	return len > 0 && buf[0] == '<';
}

/*
 * The configuration's binary form in *bin (g_free it), and the lines of
 * its fields when it was XML.  -1 with err set.
 */
static int
cfg_binary(const char *path, uint8_t **bin, size_t *binlen, GHashTable *lines, char *err,
	   size_t errlen)
{
	uint8_t *buf;
	size_t len;
	int rc;

	buf = cfg_read(path, &len, err, errlen);
	if (!buf)
		return -1;
	if (!cfg_is_xml(buf, len)) {
		*bin = buf;
		*binlen = len;
		return 0;
	}
	rc = rae_config_xml_pack((const char *)buf, len, path, bin, binlen, lines, err,
				 errlen);
	g_free(buf);
	return rc;
}

struct rae_config *
rae_config_load(const char *path, char *err, size_t errlen)
{
	GHashTable *lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	struct rae_config *c = NULL;
	uint8_t *bin;
	size_t len;

	if (cfg_binary(path, &bin, &len, lines, err, errlen) == 0) {
		c = cfg_parse(bin, len, path, g_hash_table_size(lines) ? lines : NULL, err,
			      errlen);
		g_free(bin);
	}
	g_hash_table_destroy(lines);
	return c;
}

struct rae_config *
rae_config_read(const uint8_t *buf, size_t len, const char *file, char *err, size_t errlen)
{
	GHashTable *lines;
	struct rae_config *c = NULL;
	uint8_t *bin;
	size_t binlen;

	if (len > CFG_MAX_FILE) {
		snprintf(err, errlen, "%s: larger than %u MiB", file, CFG_MAX_FILE >> 20);
		return NULL;
	}
	if (!cfg_is_xml(buf, len))
		return cfg_parse(buf, len, file, NULL, err, errlen);
	lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	if (rae_config_xml_pack((const char *)buf, len, file, &bin, &binlen, lines, err,
				errlen) == 0) {
		c = cfg_parse(bin, binlen, file, g_hash_table_size(lines) ? lines : NULL, err,
			      errlen);
		g_free(bin);
	}
	g_hash_table_destroy(lines);
	return c;
}

int
rae_config_convert(const char *in, const char *out, char *err, size_t errlen)
{
	GHashTable *lines = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	struct rae_config *c = NULL;
	char *tmp = NULL;
	uint8_t *bin = NULL;
	size_t len;
	FILE *f;
	int rc = -1;

	if (cfg_binary(in, &bin, &len, lines, err, errlen) < 0)
		goto done;
	/* Only a configuration the RAE would load is written. */
	c = cfg_parse(bin, len, in, g_hash_table_size(lines) ? lines : NULL, err, errlen);
	if (!c)
		goto done;
	tmp = g_strdup_printf("%s.tmp", out);
	f = fopen(tmp, "wb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
		goto done;
	}
	if ((len && fwrite(bin, 1, len, f) != len) || fclose(f) != 0) {
		snprintf(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
		unlink(tmp);
		goto done;
	}
	if (rename(tmp, out) != 0) {
		snprintf(err, errlen, "%s: cannot rename to %s: %s", tmp, out, strerror(errno));
		unlink(tmp);
		goto done;
	}
	rc = 0;
done:
	g_free(tmp);
	g_free(bin);
	rae_config_free(c);
	g_hash_table_destroy(lines);
	return rc;
}

void
rae_config_free(struct rae_config *c)
{
	if (!c)
		return;
	for (unsigned i = 0; i < c->npeers; i++)
		g_free(c->peers[i].classes);
	for (unsigned i = 0; i < c->nprov; i++)
		g_free(c->prov[i].classes);
	g_free(c->peers);
	g_free(c->prefixes);
	g_free(c->prov);
	g_free(c->file);
	g_free(c);
}

/* ---- lookups ---- */

const struct rae_dparams *
rae_config_dparams(const struct rae_config *c, uint32_t cos)
{
	int s = rae_config_slot(c, cos);

	return s < 0 ? NULL : &c->dp[s];
}

int
rae_config_slot(const struct rae_config *c, uint32_t cos)
{
	for (unsigned i = 0; i < c->ndp; i++)
		if (c->dp[i].cos == cos)
			return (int)i;
	return -1;
}

const struct rae_metric *
rae_cmetric_find(const struct rae_cmetric *v, unsigned n, uint32_t cos)
{
	for (unsigned i = 0; i < n; i++)
		if (v[i].cos == cos)
			return &v[i].m;
	return NULL;
}

const char *
rae_rel_name(enum rae_rel rel)
{
	switch (rel) {
	case RAE_REL_CUSTOMER:
		return "customer";
	case RAE_REL_PEER:
		return "peer";
	case RAE_REL_PROVIDER:
		return "provider";
	default:
		return "none";
	}
}

/*
 * How closely an entry fits, lower first: 0 both ends named, 1 the sink
 * is any AS, 2 the source is, 3 both are.  (A source AS named beats a sink
 * AS named: the source is the key of the lookup, as it is of the table a
 * person writes, "from AS 5: ...".)
 */
static int
prov_fit(const struct rae_prov *p, uint32_t src_as, bool sink_is_as, uint32_t sink_as)
{
	bool src_any = p->src.asn == RAE_AS_ANY, sink_any = sink_is_as &&
							      p->sink.asn == RAE_AS_ANY;

	if (!p->src.is_as || p->sink.is_as != sink_is_as)
		return -1;
	if (!src_any && p->src.asn != src_as)
		return -1;
	if (sink_is_as && !sink_any && p->sink.asn != sink_as)
		return -1;
	/* A hairpin (the same AS at both ends) only by its own entry. */
	if (sink_is_as && src_as == sink_as && (src_any || sink_any))
		return -1;
	return (src_any ? 2 : 0) + (sink_any ? 1 : 0);
}

const struct rae_prov *
rae_config_prov(const struct rae_config *c, uint32_t src_as, bool sink_is_as,
		uint32_t sink_as, const struct prefix *pfx)
{
	const struct rae_prov *best = NULL;
	int best_fit = 4;

	for (unsigned i = 0; i < c->nprov; i++) {
		const struct rae_prov *p = &c->prov[i];
		int fit = prov_fit(p, src_as, sink_is_as, sink_as);

		if (fit < 0)
			continue;
		if (sink_is_as) {
			if (fit < best_fit) {
				best = p;
				best_fit = fit;
			}
			continue;
		}
		if (p->sink.pfx.len > pfx->len || !prefix_contains(&p->sink.pfx, &pfx->addr))
			continue;
		if (!best || fit < best_fit ||
		    (fit == best_fit && p->sink.pfx.len > best->sink.pfx.len)) {
			best = p;
			best_fit = fit;
		}
	}
	return best;
}

/* ---- printing ---- */

static void
dump_classes(FILE *out, const struct rae_cmetric *v, unsigned n)
{
	char a[32], b[32], d[32];

	for (unsigned i = 0; i < n; i++)
		fprintf(out, "  class %" PRIu32 " loss %s delay %s bandwidth %s\n", v[i].cos,
			fmt_double(v[i].m.loss, a, sizeof(a)),
			fmt_double(v[i].m.delay, b, sizeof(b)),
			fmt_double(v[i].m.bw, d, sizeof(d)));
}

static void
dump_endpoint(FILE *out, const struct rae_endpoint *e)
{
	char p[ADDR_STRLEN];

	if (e->is_as && e->asn == RAE_AS_ANY)
		fputs("AS any", out);
	else if (e->is_as)
		fprintf(out, "AS %" PRIu32, e->asn);
	else
		fputs(prefix_fmt(&e->pfx, p), out);
}

void
rae_config_dump(const struct rae_config *c, FILE *out)
{
	char a[ADDR_STRLEN], n[6][32];

	fprintf(out, "limit_of_preferred_paths %" PRIu32 "\n", c->limit);
	fprintf(out, "local_as_number %" PRIu32 "\n", c->local_as);
	fprintf(out, "local_ip_address %s\n", addr_fmt(&c->local_ip, a));
	fprintf(out, "local_port_number %u\n", c->local_port);
	fprintf(out, "minimum_update_interval %" PRIu32 "\n", c->min_update_interval);
	if (c->has_cme) {
		fprintf(out, "cme_ip_address %s\n", addr_fmt(&c->cme_ip, a));
		fprintf(out, "cme_port_number %u\n", c->cme_port);
	}
	fprintf(out, "decision_with_flat_function %d\n", c->flat ? 1 : 0);
	for (unsigned i = 0; i < c->ndp; i++) {
		const struct rae_dparams *d = &c->dp[i];

		fprintf(out, "decision_parameters %" PRIu32 " delay %s %s loss %s %s "
			"bandwidth %s %s\n", d->cos,
			fmt_double(d->delay_a, n[0], 32), fmt_double(d->delay_r, n[1], 32),
			fmt_double(d->loss_a, n[2], 32), fmt_double(d->loss_r, n[3], 32),
			fmt_double(d->bw_a, n[4], 32), fmt_double(d->bw_r, n[5], 32));
	}
	for (unsigned i = 0; i < c->npeers; i++) {
		const struct rae_peer_cfg *p = &c->peers[i];

		fprintf(out, "peer AS %" PRIu32 " %s port %u ttl %" PRIu32 "%s%s\n", p->asn,
			addr_fmt(&p->ip, a), p->port, p->ttl, p->rel ? " relationship " : "",
			p->rel ? rae_rel_name(p->rel) : "");
		dump_classes(out, p->classes, p->nclasses);
	}
	for (unsigned i = 0; i < c->nprefixes; i++)
		fprintf(out, "prefix %s\n", prefix_fmt(&c->prefixes[i], a));
	for (unsigned i = 0; i < c->nprov; i++) {
		fputs("provisioning ", out);
		dump_endpoint(out, &c->prov[i].src);
		fputs(" -> ", out);
		dump_endpoint(out, &c->prov[i].sink);
		fputc('\n', out);
		dump_classes(out, c->prov[i].classes, c->prov[i].nclasses);
	}
}
