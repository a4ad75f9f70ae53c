/*
 * test_cme.c - the CME's configuration (entities/cme/cme_config.c) from
 * memory: defaults, the catalogue, the key plan lookups by entry and exit
 * (from="any" too), and each refusal with its line.
 */
#include <math.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <glib.h>

#include "entities/cme/cme.h"
#include "tests/unit/suites.h"

static const char good[] =
	"<?xml version=\"1.0\"?>\n"
	"<cme-config refresh_time=\"7\">\n"
	"  <decision_parameters id=\"1\" delay_aspiration=\"0.05\" delay_reservation=\"0.2\"\n"
	"      loss_aspiration=\"1e-4\" loss_reservation=\"0.01\"\n"
	"      bandwidth_aspiration=\"5e7\" bandwidth_reservation=\"1e6\"/>\n"
	"  <decision_parameters id=\"4\" cos=\"PR\" delay_aspiration=\"0.01\" delay_reservation=\"0.02\"\n"
	"      loss_aspiration=\"0\" loss_reservation=\"0\"\n"
	"      bandwidth_aspiration=\"1e6\" bandwidth_reservation=\"1e6\"/>\n"
	"  <content name=\"a\" size=\"12\">\n"
	"    <server address=\"10.0.0.1\" port=\"80\" as=\"1\" agent=\"10.0.0.254\"/>\n"
	"    <server address=\"2001:db8::1\" port=\"81\" as=\"2\" agent=\"2001:db8::fe\" agent_port=\"7\"/>\n"
	"  </content>\n"
	"  <keys as=\"1\" to=\"2\" keys=\"0a0B\"/>\n"
	"  <keys as=\"2\" from=\"1\" to=\"3\" keys=\"ff\"/>\n"
	"  <keys as=\"3\" from=\"2\" keys=\"\"/>\n"
	"</cme-config>\n";

static struct cme_config *
parse(const char *text, char *err, size_t errlen)
{
	return cme_config_parse(text, strlen(text), "t.xml", err, errlen);
}

static void
test_cme_config_good(void)
{
	char err[512] = "";
	struct cme_config *c = parse(good, err, sizeof(err));
	const struct cme_content *t;
	const struct cme_keyplan *k;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->client_port, CME_CLIENT_PORT);
	CU_ASSERT(fabs(c->collect_interval - 5) < 1e-9);
	CU_ASSERT(fabs(c->agent_timeout - 2) < 1e-9);
	CU_ASSERT_EQUAL(c->refresh_time, 7);
	CU_ASSERT_FALSE(c->flat);
	CU_ASSERT_EQUAL(c->nclasses, 2);
	CU_ASSERT_PTR_NULL(cme_config_class(c, 2));
	CU_ASSERT_EQUAL(cme_config_class(c, 1)->cafe_cos, 0);
	CU_ASSERT_EQUAL(cme_config_class(c, 4)->cafe_cos, 2);
	CU_ASSERT(fabs(cme_config_class(c, 4)->dp.delay_r - 0.02) < 1e-12);
	/* Each level on its own scale: seconds, ratios, bit/s, to the bit. */
	CU_ASSERT(cme_config_class(c, 1)->dp.delay_a == 0.05);
	CU_ASSERT(cme_config_class(c, 1)->dp.delay_r == 0.2);
	CU_ASSERT(cme_config_class(c, 1)->dp.loss_a == 1e-4);
	CU_ASSERT(cme_config_class(c, 1)->dp.loss_r == 0.01);
	CU_ASSERT(cme_config_class(c, 1)->dp.bw_a == 5e7);
	CU_ASSERT(cme_config_class(c, 1)->dp.bw_r == 1e6);
	t = cme_config_content(c, "a");
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_NULL(cme_config_content(c, "b"));
	CU_ASSERT_EQUAL(t->size, 12);
	CU_ASSERT_EQUAL(t->nservers, 2);
	CU_ASSERT_EQUAL(t->servers[0].agent_port, 9999);
	CU_ASSERT_EQUAL(t->servers[1].agent_port, 7);
	CU_ASSERT_EQUAL(t->servers[1].addr.af, ADDR_V6);
	CU_ASSERT_EQUAL(t->servers[1].line, 11);
	/* The origin domain: no "from"; a transit: both; the last: no "to". */
	k = cme_config_keys(c, 1, false, 0, true, 2);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(k->nkeys, 2);
	CU_ASSERT_EQUAL(k->keys[0], 0x0a);
	CU_ASSERT_EQUAL(k->keys[1], 0x0b);
	CU_ASSERT_PTR_NULL(cme_config_keys(c, 1, true, 2, true, 2));
	CU_ASSERT_PTR_NULL(cme_config_keys(c, 1, false, 0, true, 3));
	k = cme_config_keys(c, 2, true, 1, true, 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(k->keys[0], 0xff);
	CU_ASSERT_PTR_NULL(cme_config_keys(c, 2, true, 3, true, 1));
	k = cme_config_keys(c, 3, true, 2, false, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(k->nkeys, 0);
	cme_config_free(c);
}

/*
 * from="any": an entry for a stream that enters the domain from any
 * neighbour that has no entry of its own.  The any entries come first in
 * the file, so an exact entry wins by being exact, not by its place.
 */
static const char anyplan[] =
	"<?xml version=\"1.0\"?>\n"
	"<cme-config>\n"
	"  <decision_parameters id=\"1\" delay_aspiration=\"0.05\" delay_reservation=\"0.2\"\n"
	"      loss_aspiration=\"1e-4\" loss_reservation=\"0.01\"\n"
	"      bandwidth_aspiration=\"5e7\" bandwidth_reservation=\"1e6\"/>\n"
	"  <keys as=\"2\" from=\"any\" to=\"3\" keys=\"ee\"/>\n"
	"  <keys as=\"2\" from=\"any\" keys=\"dd\"/>\n"
	"  <keys as=\"2\" from=\"1\" to=\"3\" keys=\"ff\"/>\n"
	"  <keys as=\"2\" to=\"3\" keys=\"cc\"/>\n"
	"  <keys as=\"3\" from=\"any\" keys=\"\"/>\n"
	"</cme-config>\n";

static void
test_cme_config_any(void)
{
	char err[512] = "";
	struct cme_config *c = cme_config_parse(anyplan, strlen(anyplan), "t.xml", err,
						sizeof(err));
	const struct cme_keyplan *k;

	if (!c)
		fprintf(stderr, "\n  refused: %s\n", err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_EQUAL(c->nkeyplans, 5);
	/* An exact from wins over any. */
	k = cme_config_keys(c, 2, true, 1, true, 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(k->keys[0], 0xff);
	CU_ASSERT_FALSE(k->from_any);
	CU_ASSERT_EQUAL(k->line, 8);
	/* Any other neighbour gets the any entry of the same exit. */
	k = cme_config_keys(c, 2, true, 7, true, 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(k->keys[0], 0xee);
	CU_ASSERT_TRUE(k->from_any);
	CU_ASSERT_TRUE(k->has_from);
	CU_ASSERT_EQUAL(k->line, 6);
	/* from="any" without to: the stream ends in the domain, whatever it came from. */
	k = cme_config_keys(c, 2, true, 9, false, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(k->keys[0], 0xdd);
	k = cme_config_keys(c, 3, true, 2, false, 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(k->nkeys, 0);
	CU_ASSERT_TRUE(k->from_any);
	/* No from keeps its meaning: the stream starts there; any does not stand for it. */
	k = cme_config_keys(c, 2, false, 0, true, 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(k);
	CU_ASSERT_EQUAL(k->keys[0], 0xcc);
	CU_ASSERT_PTR_NULL(cme_config_keys(c, 3, false, 0, false, 0));
	/* An any entry holds for its own exit only. */
	CU_ASSERT_PTR_NULL(cme_config_keys(c, 2, true, 7, true, 4));
	CU_ASSERT_PTR_NULL(cme_config_keys(c, 3, true, 2, true, 4));
	CU_ASSERT_PTR_NULL(cme_config_keys(c, 4, true, 2, false, 0));
	cme_config_free(c);
}

/*
 * The good text with every `from` replaced by `to` must fail with `want`
 * in the message.  An element's line is where its start tag ends.
 */
static void
refuse(const char *from, const char *to, const char *want)
{
	GString *s = g_string_new(good);
	char err[512] = "";
	struct cme_config *c;

	CU_ASSERT_FATAL(g_string_replace(s, from, to, 0) >= 1);
	c = parse(s->str, err, sizeof(err));
	CU_ASSERT_PTR_NULL(c);
	if (!strstr(err, want) || strncmp(err, "t.xml:", 6) != 0) {
		fprintf(stderr, "\n  got \"%s\", want \"%s\"\n", err, want);
		CU_FAIL("the message");
	}
	cme_config_free(c);
	g_string_free(s, TRUE);
}

static void
test_cme_config_bad(void)
{
	refuse("<content name", "<content nom", "t.xml:9: schema");
	refuse("size=\"12\">", "size=\"12\"", "t.xml:10: malformed XML");
	refuse("cme-config", "rae-config", "expected <cme-config>");
	refuse("keys=\"ff\"", "keys=\"f\"", "t.xml:14: schema");
	refuse("agent=\"10.0.0.254\"", "agent=\"10.0.0\"", "t.xml:10: agent \"10.0.0\"");
	refuse("id=\"4\"", "id=\"1\"", "t.xml:8: decision_parameters id 1 is given twice");
	refuse("loss_reservation=\"0.01\"", "loss_reservation=\"2\"",
	       "t.xml:5: loss_reservation \"2\": too large (at most 1, or 100%)");
	refuse("bandwidth_aspiration=\"5e7\"", "bandwidth_aspiration=\"1e5\"",
	       "an aspiration level is worse");
	refuse("<keys as=\"3\" from=\"2\"", "<keys as=\"2\" from=\"1\" to=\"3\" x=\"\"",
	       "t.xml:15: schema");
	refuse("<keys as=\"3\" from=\"2\" keys=\"\"/>", "<keys as=\"2\" from=\"1\" to=\"3\" keys=\"\"/>",
	       "t.xml:15: the keys of AS 2 for this entry and exit are given twice (first at line 14)");
	refuse("<keys as=\"3\" from=\"2\"", "<keys as=\"3\" from=\"3\"", "neighbouring ASes");
	/* Two from="any" entries of one domain and exit are one entry given twice. */
	refuse("<keys as=\"3\" from=\"2\" keys=\"\"/>",
	       "<keys as=\"3\" from=\"any\" keys=\"\"/>\n"
	       "  <keys as=\"3\" from=\"any\" keys=\"01\"/>",
	       "t.xml:16: the keys of AS 3 for this entry and exit are given twice "
	       "(first at line 15)");
	refuse("<keys as=\"2\" from=\"1\" to=\"3\" keys=\"ff\"/>",
	       "<keys as=\"2\" from=\"any\" to=\"3\" keys=\"ff\"/>\n"
	       "  <keys as=\"2\" from=\"any\" to=\"3\" keys=\"ee\"/>",
	       "t.xml:15: the keys of AS 2 for this entry and exit are given twice "
	       "(first at line 14)");
	/* An exit to any is refused: keys lead to the AS the stream leaves towards. */
	refuse("from=\"1\" to=\"3\"", "from=\"1\" to=\"any\"", "t.xml:14: to=\"any\"");
	refuse("from=\"1\" to=\"3\"", "from=\"any\" to=\"any\"", "t.xml:14: to=\"any\"");
	/* Only the word itself: "Any" is not a number. */
	refuse("from=\"1\" to=\"3\"", "from=\"Any\" to=\"3\"", "t.xml:14: from \"Any\"");
	refuse("port=\"80\"", "port=\"0\"", "t.xml:10: port \"0\": too small (at least 1)");
	/* Every number is a value of the one grammar (sim/units.h). */
	refuse("port=\"80\"", "port=\"+80\"", "t.xml:10: port \"+80\": not a whole number");
	refuse("refresh_time=\"7\"", "client_port=\"0\"",
	       "t.xml:2: client_port \"0\": too small (at least 1)");
	refuse("agent_port=\"7\"", "agent_port=\"65536\"",
	       "t.xml:11: agent_port \"65536\": too large (at most 65535)");
	/* A boolean is read as the schema reads it, blanks collapsed; never guessed. */
	refuse("refresh_time=\"7\"", "decision_with_flat_function=\"yes\"", "t.xml:2: schema");
	refuse("size=\"12\"", "size=\"12 MB\"", "t.xml:9: size \"12 MB\": no blank");
	refuse("size=\"12\"", "size=\"1.5B\"", "t.xml:9: size \"1.5B\": not a whole number of bytes");
	refuse("delay_reservation=\"0.02\"", "delay_reservation=\"20 ms\"", "(write 20ms)");
	refuse("delay_reservation=\"0.02\"", "delay_reservation=\"-1\"",
	       "t.xml:8: delay_reservation \"-1\": negative");
	refuse("bandwidth_aspiration=\"5e7\"", "bandwidth_aspiration=\"5e7bps\"",
	       "no unit may follow an exponent");
	refuse("bandwidth_aspiration=\"5e7\"", "bandwidth_aspiration=\"50MB/s\"",
	       "unknown unit \"MB/s\"");
	refuse("id=\"4\"", "id=\"4294967296\"", "too large (at most 4294967295)");
	refuse("refresh_time=\"7\"", "refresh_time=\"1.5\"", "not a whole number of seconds");
	/* Durations are read as every duration is: finer than 1 ns is refused. */
	refuse("refresh_time=\"7\"", "agent_timeout=\"0\"",
	       "agent_timeout \"0\": too small (at least 1ns)");
	refuse("refresh_time=\"7\"", "collect_interval=\"0.0000000001\"",
	       "collect_interval \"0.0000000001\"");
	refuse("refresh_time=\"7\"", "collect_interval=\"1e-10\"", "collect_interval \"1e-10\"");
	refuse("refresh_time=\"7\"", "agent_timeout=\"2 s\"", "(write 2s)");
	refuse("refresh_time=\"7\"", "agent_timeout=\"2d\"", "agent_timeout \"2d\"");
}

static void
test_cme_config_durations(void)
{
	GString *s = g_string_new(good);
	char err[512] = "";
	struct cme_config *c;

	g_string_replace(s, "refresh_time=\"7\"",
			 "refresh_time=\"7\" collect_interval=\"500ms\" agent_timeout=\"1.5\"", 0);
	c = parse(s->str, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT(fabs(c->collect_interval - 0.5) < 1e-12);
	CU_ASSERT(fabs(c->agent_timeout - 1.5) < 1e-12);
	cme_config_free(c);
	g_string_free(s, TRUE);

	/*
	 * Every other number with units reads as the bare form of the same
	 * value, to the bit: the decision levels, a size, refresh_time.
	 */
	{
		struct cme_config *a = parse(good, err, sizeof(err)), *b;
		const struct rae_dparams *da, *db;

		s = g_string_new(good);
		g_string_replace(s, "refresh_time=\"7\"", "refresh_time=\"7s\"", 0);
		g_string_replace(s, "delay_aspiration=\"0.01\"", "delay_aspiration=\"10ms\"", 0);
		g_string_replace(s, "delay_reservation=\"0.02\"", "delay_reservation=\"2e-2\"", 0);
		g_string_replace(s, "bandwidth_aspiration=\"5e7\"", "bandwidth_aspiration=\"50Mbps\"",
				 0);
		g_string_replace(s, "bandwidth_aspiration=\"1e6\"", "bandwidth_aspiration=\"1M\"", 0);
		g_string_replace(s, "size=\"12\"", "size=\"0.012kB\"", 0);
		g_string_replace(s, "port=\"80\"", "port=\"0080\"", 0);
		b = parse(s->str, err, sizeof(err));
		CU_ASSERT_PTR_NOT_NULL_FATAL(a);
		CU_ASSERT_PTR_NOT_NULL_FATAL(b);
		CU_ASSERT_EQUAL(b->refresh_time, a->refresh_time);
		for (uint32_t id = 1; id <= 4; id += 3) {
			da = &cme_config_class(a, id)->dp;
			db = &cme_config_class(b, id)->dp;
			CU_ASSERT(da->delay_a == db->delay_a);
			CU_ASSERT(da->delay_r == db->delay_r);
			CU_ASSERT(da->bw_a == db->bw_a);
			CU_ASSERT(da->bw_r == db->bw_r);
		}
		CU_ASSERT_EQUAL(cme_config_content(b, "a")->size, 12);
		CU_ASSERT_EQUAL(cme_config_content(b, "a")->servers[0].port, 80);
		cme_config_free(a);
		cme_config_free(b);
		g_string_free(s, TRUE);
	}
	s = g_string_new(good);
	g_string_replace(s, "refresh_time=\"7\"", "decision_with_flat_function=\" true \"", 0);
	c = parse(s->str, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	CU_ASSERT_TRUE(c->flat);
	cme_config_free(c);
	g_string_free(s, TRUE);
}

int
suite_cme_register(void)
{
	CU_pSuite s = CU_add_suite("cme", NULL, NULL);

	if (!s)
		return -1;
	if (!CU_add_test(s, "configuration: defaults, catalogue, key plan", test_cme_config_good) ||
	    !CU_add_test(s, "configuration: key plan entries from any", test_cme_config_any) ||
	    !CU_add_test(s, "configuration: each refusal with its line", test_cme_config_bad) ||
	    !CU_add_test(s, "configuration: values with units", test_cme_config_durations))
		return -1;
	return 0;
}
