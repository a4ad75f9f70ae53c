/*
 * series.c - the names of the series a run can sample, the grammar of a
 * selection, and the exact printing of a measured ratio (series.h).
 *
 * Grammar (doc/outputs.md, "Choosing the series"):
 *
 *   selection := item { "," item }
 *   item      := series [ "@" pattern ]
 *   series    := "link." LINKQ | "node." NODEQ [ ".rate" ]
 *              | "entity." KIND "." STAT [ ".rate" ]
 *   LINKQ     := "util" | "queue" | "queue_bytes"
 *              | ("tx_frames" | "tx_bytes" | "drops") [ ".rate" ]
 *   NODEQ     := "tx_frames" | "tx_bytes" | "rx_frames" | "rx_bytes" | "drops"
 *
 * Blanks around an item are ignored; a pattern is a glob ('*' any text,
 * '?' one character) matched against the whole key.
 */
#include <stdio.h>
#include <string.h>

#include "sim/entity.h"
#include "sim/log.h"
#include "sim/series.h"

#define RATE_SUFFIX	".rate"

/* The series of links and nodes, by name; whether each is a counter (".rate" allowed). */
static const struct {
	const char *name;
	enum series_what what;
	bool counter;
} fixed[] = {
	{ "link.util", SERIES_LINK_UTIL, false },
	{ "link.queue", SERIES_LINK_QUEUE, false },
	{ "link.queue_bytes", SERIES_LINK_QUEUE_BYTES, false },
	{ "link.tx_frames", SERIES_LINK_TX_FRAMES, true },
	{ "link.tx_bytes", SERIES_LINK_TX_BYTES, true },
	{ "link.drops", SERIES_LINK_DROPS, true },
	{ "node.tx_frames", SERIES_NODE_TX_FRAMES, true },
	{ "node.tx_bytes", SERIES_NODE_TX_BYTES, true },
	{ "node.rx_frames", SERIES_NODE_RX_FRAMES, true },
	{ "node.rx_bytes", SERIES_NODE_RX_BYTES, true },
	{ "node.drops", SERIES_NODE_DROPS, true },
};

static void
sel_free(gpointer p)
{
	struct series_sel *s = p;

	g_free(s->name);
	g_free(s->kind);
	g_free(s->stat);
	for (unsigned i = 0; i < s->nitems; i++) {
		g_free(s->items[i].text);
		g_free(s->items[i].pattern);
	}
	g_free(s->items);
	g_free(s);
}

/* Whether kind is the kind (or, without one, the name) of a registered class. */
static bool
kind_known(const char *kind)
{
	size_t n;
	const struct entity_class *const *cls = entity_classes(&n);

	for (size_t i = 0; i < n; i++)
		if (strcmp(cls[i]->kind ? cls[i]->kind : cls[i]->name, kind) == 0)
			return true;
	return false;
}

/* A name made only of letters, digits, '_' and '-' (a kind, a statistic's word). */
static bool
word_ok(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!g_ascii_isalnum(s[i]) && s[i] != '_' && s[i] != '-')
			return false;
	return true;
}

/*
 * Fill s from the series name of one item (without its pattern).  NULL,
 * or what is wrong with it.
 */
static const char *
name_parse(struct series_sel *s, const char *name)
{
	size_t len = strlen(name), rl = strlen(RATE_SUFFIX);
	bool rate = len > rl && strcmp(name + len - rl, RATE_SUFFIX) == 0;
	char *base = g_strndup(name, rate ? len - rl : len);
	const char *why = NULL;

	s->rate = rate;
	if (g_str_has_prefix(base, "entity.")) {
		const char *k = base + strlen("entity."), *dot = strchr(k, '.');

		if (!dot || !word_ok(k, (size_t)(dot - k)))
			why = "expected entity.KIND.STATISTIC, KIND a class's kind (rae, cafe, "
			      "cme, ...)";
		else if (!dot[1] || strspn(dot + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
					   "OPQRSTUVWXYZ0123456789_-.") != strlen(dot + 1))
			why = "expected entity.KIND.STATISTIC, STATISTIC a name of counters.csv";
		else {
			s->what = SERIES_ENTITY;
			s->kind = g_strndup(k, (size_t)(dot - k));
			s->stat = g_strdup(dot + 1);
			if (!kind_known(s->kind))
				why = "names an entity kind no class has";
		}
		g_free(base);
		return why;
	}
	why = "not a series (link.util, link.queue, link.queue_bytes, link.tx_frames, "
	      "link.tx_bytes, link.drops, node.tx_frames, node.tx_bytes, node.rx_frames, "
	      "node.rx_bytes, node.drops, entity.KIND.STATISTIC; a counter may end in .rate)";
	for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++)
		if (strcmp(fixed[i].name, base) == 0) {
			s->what = fixed[i].what;
			why = rate && !fixed[i].counter ?
			      "measures a state, not a count: it has no .rate" : NULL;
			break;
		}
	g_free(base);
	return why;
}

GPtrArray *
series_parse(const char *spec, char *err, size_t errlen)
{
	GPtrArray *out = g_ptr_array_new_with_free_func(sel_free);
	char **items = g_strsplit(spec, ",", -1);
	bool any = false;

	for (char **it = items; *it; it++) {
		struct series_sel tmp = { 0 }, *s = NULL;
		char *at, *item = g_strstrip(*it), *shown;
		const char *why = NULL;

		if (!*item) {
			snprintf(err, errlen, "an item of the list is empty");
			goto fail;
		}
		any = true;
		at = strchr(item, '@');
		if (at)
			*at = '\0';
		g_strstrip(item);
		if (at && !at[1])
			why = "an empty pattern after '@' (leave the '@' out for every key)";
		else
			why = name_parse(&tmp, item);
		if (why) {
			if (at)
				*at = '@';
			shown = log_escape(item);
			snprintf(err, errlen, "item \"%s\": %s", shown, why);
			g_free(shown);
			g_free(tmp.kind);
			g_free(tmp.stat);
			goto fail;
		}
		for (guint i = 0; i < out->len && !s; i++) {
			struct series_sel *c = g_ptr_array_index(out, i);

			if (strcmp(c->name, item) == 0)
				s = c;
		}
		if (!s) {
			s = g_new0(struct series_sel, 1);
			*s = tmp;
			s->name = g_strdup(item);
			g_ptr_array_add(out, s);
		} else {
			g_free(tmp.kind);
			g_free(tmp.stat);
		}
		s->items = g_renew(struct series_item, s->items, s->nitems + 1);
		s->items[s->nitems].pattern = at ? g_strdup(g_strstrip(at + 1)) : NULL;
		if (at)
			*at = '@';
		s->items[s->nitems].text = g_strdup(item);
		s->items[s->nitems].used = false;
		s->nitems++;
	}
	if (!any) {
		snprintf(err, errlen, "empty (write none for no time series)");
		goto fail;
	}
	g_strfreev(items);
	return out;
fail:
	g_strfreev(items);
	g_ptr_array_free(out, TRUE);
	return NULL;
}

enum series_obj
series_obj(const struct series_sel *s)
{
	if (s->what <= SERIES_LINK_DROPS)
		return SERIES_OF_LINK;
	return s->what == SERIES_ENTITY ? SERIES_OF_ENTITY : SERIES_OF_NODE;
}

bool
series_keeps(struct series_sel *s, const char *key)
{
	bool hit = false;

	for (unsigned i = 0; i < s->nitems; i++) {
		struct series_item *it = &s->items[i];

		if (!it->pattern || g_pattern_match_simple(it->pattern, key)) {
			it->used = true;
			hit = true;
		}
	}
	return hit;
}

bool
series_matches(const struct series_sel *s, const char *key)
{
	for (unsigned i = 0; i < s->nitems; i++)
		if (!s->items[i].pattern || g_pattern_match_simple(s->items[i].pattern, key))
			return true;
	return false;
}

char *
series_fmt_ratio(unsigned __int128 value, uint64_t den, char *buf, size_t len)
{
	unsigned __int128 q, r;
	uint64_t frac;
	char digits[48], *p = digits + sizeof(digits);
	int n;

	/* Rounded to 10^-9 first, then split: 0.9999999996 becomes 1. */
	q = value / den;
	r = value % den;
	frac = (uint64_t)((r * 1000000000u + den / 2) / den);
	if (frac == 1000000000u) {
		q++;
		frac = 0;
	}
	*--p = '\0';
	do {
		*--p = (char)('0' + (int)(q % 10));
		q /= 10;
	} while (q);
	if (frac == 0) {
		snprintf(buf, len, "%s", p);
		return buf;
	}
	n = 9;
	while (frac % 10 == 0) {
		frac /= 10;
		n--;
	}
	snprintf(buf, len, "%s.%0*llu", p, n, (unsigned long long)frac);
	return buf;
}
