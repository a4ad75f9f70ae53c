/*
 * test_entity.c - the entity class registry and instance life cycle
 * (sim/entity.c), the argument parsers of the traffic applications
 * (entities/apps/; their values are sim/units.h's, tested in
 * test_units.c), and the applications running over two emulated
 * nodes joined by one link.
 *
 * The expected delays of the run tests follow from the link model of
 * sim/net.h: serialisation ceil(8 * frame * 1e9 / bandwidth) plus the
 * propagation delay, frame = Ethernet 14 + IPv4 20 + transport + data,
 * padded to 60 bytes.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/CUnit.h>
#include <glib.h>
#include <glib/gstdio.h>

#include "entities/apps/apps.h"
#include "entities/registry.h"
#include "entities/requests.h"
#include "sim/entity.h"
#include "sim/net.h"
#include "sim/pkt.h"
#include "tests/unit/suites.h"

/* ---- helpers ---- */

/* Create an instance from a space-separated argument string. */
static struct entity *
new_from(const struct entity_class *cls, const char *args, char *err, size_t errlen)
{
	char **argv = g_strsplit(args, " ", -1);
	int argc = 0;
	struct entity *e;

	/* "" gives no arguments at all. */
	while (argv[argc] && argv[argc][0])
		argc++;
	err[0] = '\0';
	e = entity_new(cls, "r1", argc, argv, err, errlen);
	g_strfreev(argv);
	return e;
}

static struct entity *
new_ok(const struct entity_class *cls, const char *args)
{
	char err[512];
	struct entity *e = new_from(cls, args, err, sizeof(err));

	if (!e)
		fprintf(stderr, "\n  unexpected error for \"%s\": %s\n", args, err);
	CU_ASSERT_PTR_NOT_NULL(e);
	return e;
}

/* init must fail with a message naming the class and `needle`. */
static void
expect_bad(const struct entity_class *cls, const char *args, const char *needle)
{
	char err[512];
	struct entity *e = new_from(cls, args, err, sizeof(err));

	CU_ASSERT_PTR_NULL(e);
	if (e) {
		fprintf(stderr, "\n  \"%s\" was accepted\n", args);
		entity_free(e);
		return;
	}
	CU_ASSERT_PTR_NOT_NULL(strstr(err, cls->name));
	if (!strstr(err, needle))
		fprintf(stderr, "\n  \"%s\": message \"%s\" lacks \"%s\"\n", args, err, needle);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, needle));
}

static int
suite_init(void)
{
	return entities_register_all();
}

static int
suite_clean(void)
{
	entity_class_reset();
	return 0;
}

/* ---- a fake class for the registry and life cycle ---- */

struct fake {
	struct entity e;
	int inits, starts, stops, finis;
};

static int fake_finis;	/* fini of instances that are gone */

static int
fake_init(struct entity *e, int argc, char **argv, char *err, size_t errlen)
{
	struct fake *f = (struct fake *)e;

	f->inits++;
	if (argc > 0 && strcmp(argv[0], "fail") == 0) {
		snprintf(err, errlen, "argument \"%s\" refused", argv[0]);
		return -1;
	}
	return 0;
}

static void
fake_start(struct entity *e)
{
	((struct fake *)e)->starts++;
}

static void
fake_stop(struct entity *e)
{
	((struct fake *)e)->stops++;
}

static void
fake_fini(struct entity *e)
{
	((struct fake *)e)->finis++;
	fake_finis++;
}

static const char *const fake_aliases[] = { "fake.alias", "fk", NULL };
static const char *const fake2_aliases[] = { "other", "fk", NULL };
static const char *const fake3_aliases[] = { "x", "x", NULL };
static const char *const fake4_aliases[] = { "fake4", NULL };

static const struct entity_class fake_class = {
	.name = "fake", .aliases = fake_aliases, .kind = "fake",
	.inst_size = sizeof(struct fake), .init = fake_init, .start = fake_start,
	.stop = fake_stop, .fini = fake_fini,
};
/* Same name as fake. */
static const struct entity_class fake_dup_name = {
	.name = "fake", .kind = "fake", .inst_size = sizeof(struct fake), .init = fake_init,
};
/* Name is an alias of fake. */
static const struct entity_class fake_name_is_alias = {
	.name = "fk", .kind = "fake", .inst_size = sizeof(struct fake), .init = fake_init,
};
/* An alias is an alias of fake. */
static const struct entity_class fake_alias_taken = {
	.name = "fake2", .aliases = fake2_aliases, .kind = "fake",
	.inst_size = sizeof(struct fake), .init = fake_init,
};
/* The same alias twice. */
static const struct entity_class fake_alias_twice = {
	.name = "fake3", .aliases = fake3_aliases, .kind = "fake",
	.inst_size = sizeof(struct fake), .init = fake_init,
};
/* An alias equal to its own name. */
static const struct entity_class fake_alias_self = {
	.name = "fake4", .aliases = fake4_aliases, .kind = "fake",
	.inst_size = sizeof(struct fake), .init = fake_init,
};
static const struct entity_class fake_ok2 = {
	.name = "fake5", .kind = "fake5", .inst_size = sizeof(struct fake),
	.init = fake_init,
};

/* ---- registry ---- */

static void
test_registry_all(void)
{
	const struct entity_class *const *cls;
	size_t n;

	CU_ASSERT_EQUAL(entities_register_all(), 0);
	/* Twice in one process: the second call starts from scratch. */
	CU_ASSERT_EQUAL(entities_register_all(), 0);
	cls = entity_classes(&n);
	/* The applications come first; every other family adds its classes after. */
	CU_ASSERT(n >= 3);
	if (n >= 3) {
		CU_ASSERT_PTR_EQUAL(cls[0], &app_send_class);
		CU_ASSERT_PTR_EQUAL(cls[1], &app_recv_class);
		CU_ASSERT_PTR_EQUAL(cls[2], &app_ping_class);
	}
	for (size_t i = 0; i < n; i++) {
		CU_ASSERT_PTR_NOT_NULL(cls[i]->usage);
		CU_ASSERT(cls[i]->inst_size >= sizeof(struct entity));
		/* Every name and alias leads back to its own class. */
		CU_ASSERT_PTR_EQUAL(entity_class_lookup(cls[i]->name), cls[i]);
		for (const char *const *a = cls[i]->aliases; a && *a; a++)
			CU_ASSERT_PTR_EQUAL(entity_class_lookup(*a), cls[i]);
	}
}

static void
test_registry_lookup(void)
{
	CU_ASSERT_EQUAL(entities_register_all(), 0);
	CU_ASSERT_PTR_EQUAL(entity_class_lookup("usr.applications.Send"), &app_send_class);
	CU_ASSERT_PTR_EQUAL(entity_class_lookup("usr.applications.Recv"), &app_recv_class);
	CU_ASSERT_PTR_EQUAL(entity_class_lookup("usr.applications.Receive"), &app_recv_class);
	CU_ASSERT_PTR_EQUAL(entity_class_lookup("usr.applications.Ping"), &app_ping_class);
	CU_ASSERT_PTR_EQUAL(entity_class_lookup("ping"), &app_ping_class);
	CU_ASSERT_PTR_NULL(entity_class_lookup("usr.applications.send"));
	CU_ASSERT_PTR_NULL(entity_class_lookup("usr.applications"));
	CU_ASSERT_PTR_NULL(entity_class_lookup("send"));
	CU_ASSERT_PTR_NULL(entity_class_lookup(""));
	CU_ASSERT_PTR_NULL(entity_class_lookup(NULL));
}

static void
test_registry_duplicates(void)
{
	size_t n;

	entity_class_reset();
	entity_classes(&n);
	CU_ASSERT_EQUAL(n, 0);
	CU_ASSERT_PTR_NULL(entity_class_lookup("usr.applications.Send"));

	CU_ASSERT_EQUAL(entity_class_register(&fake_class), 0);
	CU_ASSERT_EQUAL(entity_class_register(&fake_class), -1);
	CU_ASSERT_EQUAL(entity_class_register(&fake_dup_name), -1);
	CU_ASSERT_EQUAL(entity_class_register(&fake_name_is_alias), -1);
	CU_ASSERT_EQUAL(entity_class_register(&fake_alias_taken), -1);
	CU_ASSERT_EQUAL(entity_class_register(&fake_alias_twice), -1);
	CU_ASSERT_EQUAL(entity_class_register(&fake_alias_self), -1);
	CU_ASSERT_EQUAL(entity_class_register(&fake_ok2), 0);
	entity_classes(&n);
	CU_ASSERT_EQUAL(n, 2);
	/* Refused classes left nothing behind. */
	CU_ASSERT_PTR_EQUAL(entity_class_lookup("fake"), &fake_class);
	CU_ASSERT_PTR_EQUAL(entity_class_lookup("fake.alias"), &fake_class);
	CU_ASSERT_PTR_EQUAL(entity_class_lookup("fk"), &fake_class);
	CU_ASSERT_PTR_EQUAL(entity_class_lookup("fake5"), &fake_ok2);
	CU_ASSERT_PTR_NULL(entity_class_lookup("fake2"));
	CU_ASSERT_PTR_NULL(entity_class_lookup("other"));
	CU_ASSERT_PTR_NULL(entity_class_lookup("fake3"));
	CU_ASSERT_PTR_NULL(entity_class_lookup("x"));
	CU_ASSERT_PTR_NULL(entity_class_lookup("fake4"));

	CU_ASSERT_EQUAL(entities_register_all(), 0);
	CU_ASSERT_PTR_NULL(entity_class_lookup("fake"));
}

/* ---- instances ---- */

static void
test_entity_names(void)
{
	struct entity *a, *b, *c;

	CU_ASSERT_EQUAL(entities_register_all(), 0);
	a = new_ok(&app_send_class, "4 3000 100");
	b = new_ok(&app_recv_class, "3000");
	c = new_ok(&app_send_class, "5 3000 100");
	if (a && b && c) {
		CU_ASSERT_STRING_EQUAL(a->inst, "send0");
		CU_ASSERT_STRING_EQUAL(b->inst, "recv0");
		CU_ASSERT_STRING_EQUAL(c->inst, "send1");
		CU_ASSERT_STRING_EQUAL(a->node_name, "r1");
		CU_ASSERT_PTR_EQUAL(a->cls, &app_send_class);
		CU_ASSERT_PTR_NULL(a->node);
		CU_ASSERT_EQUAL(a->running, 0);
	}
	entity_free(a);
	entity_free(b);
	entity_free(c);
	/* A failed init uses up a number too: names follow the script lines. */
	expect_bad(&app_send_class, "4", "<port>");
	a = new_ok(&app_send_class, "4 3000 100");
	if (a)
		CU_ASSERT_STRING_EQUAL(a->inst, "send3");
	entity_free(a);

	/* Registering again numbers from 0 again. */
	CU_ASSERT_EQUAL(entities_register_all(), 0);
	a = new_ok(&app_send_class, "4 3000 100");
	if (a)
		CU_ASSERT_STRING_EQUAL(a->inst, "send0");
	entity_free(a);
}

static void
test_entity_life(void)
{
	struct node n;
	struct fake *f;
	char err[256];
	char *argv[] = { "fail", NULL };
	int finis;

	entity_class_reset();
	CU_ASSERT_EQUAL(entity_class_register(&fake_class), 0);

	/* init fails: fini cleans up, the message carries the class name. */
	finis = fake_finis;
	CU_ASSERT_PTR_NULL(entity_new(&fake_class, "r1", 1, argv, err, sizeof(err)));
	CU_ASSERT_STRING_EQUAL(err, "fake: argument \"fail\" refused");
	CU_ASSERT_EQUAL(fake_finis, finis + 1);

	f = (struct fake *)entity_new(&fake_class, "r1", 0, NULL, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_STRING_EQUAL(f->e.inst, "fake1");
	CU_ASSERT_EQUAL(f->inits, 1);
	/* Logging before there is a node goes nowhere. */
	entity_log(&f->e, LOG_ERROR, "nowhere %d", 1);

	/* Stopping what never started does nothing. */
	entity_stop(&f->e);
	CU_ASSERT_EQUAL(f->stops, 0);

	/* A node without a net: the log is skipped, nothing else is needed. */
	memset(&n, 0, sizeof(n));
	entity_start(&f->e, &n);
	CU_ASSERT_EQUAL(f->starts, 1);
	CU_ASSERT_EQUAL(f->e.running, 1);
	CU_ASSERT_PTR_EQUAL(f->e.node, &n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(n.entities);
	CU_ASSERT_EQUAL(n.entities->len, 1);
	entity_start(&f->e, &n);
	CU_ASSERT_EQUAL(f->starts, 1);
	entity_stop(&f->e);
	entity_stop(&f->e);
	CU_ASSERT_EQUAL(f->stops, 1);
	CU_ASSERT_EQUAL(f->e.running, 0);
	/* A restart does not add it to the node twice. */
	entity_start(&f->e, &n);
	CU_ASSERT_EQUAL(f->starts, 2);
	CU_ASSERT_EQUAL(n.entities->len, 1);

	/* Freeing a running instance stops it first. */
	finis = fake_finis;
	entity_free(&f->e);
	CU_ASSERT_EQUAL(fake_finis, finis + 1);
	g_ptr_array_free(n.entities, TRUE);

	CU_ASSERT_EQUAL(entities_register_all(), 0);
}

/* The files an instance's arguments name: relative to its file's folder. */
static void
test_entity_path(void)
{
	static const struct {
		const char *dir, *name, *out;
	} cases[] = {
		{ "scenarios/rae", "./rae11.xml", "scenarios/rae/rae11.xml" },
		{ "scenarios/rae", "stress/west.xml", "scenarios/rae/stress/west.xml" },
		{ "scenarios/faults", "../rae/multi/as1.xml", "scenarios/faults/../rae/multi/as1.xml" },
		{ ".", "./cme.xml", "cme.xml" },
		{ ".", "cme.xml", "cme.xml" },
		{ "/srv/s", "./a//b.xml", "/srv/s/a/b.xml" },
		{ "/", "a.xml", "/a.xml" },
		{ "/srv/s", "/etc/x.xml", "/etc/x.xml" },	/* absolute: as it is */
		{ NULL, "./x.xml", "./x.xml" },		/* no folder: as it is */
		{ ".", ".", "." },
	};
	struct fake *f;
	char err[256], *p;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		p = entity_path_join(cases[i].dir, cases[i].name);
		CU_ASSERT_STRING_EQUAL(p, cases[i].out);
		g_free(p);
	}
	/* entity_new_life keeps a copy of the folder; entity_new gives none. */
	f = (struct fake *)entity_new_life(&fake_class, "r1", 0, "scn/d", 0, NULL, err,
					   sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	p = entity_path(&f->e, "c.xml");
	CU_ASSERT_STRING_EQUAL(p, "scn/d/c.xml");
	g_free(p);
	entity_free(&f->e);
	f = (struct fake *)entity_new(&fake_class, "r1", 0, NULL, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	CU_ASSERT_PTR_NULL(f->e.dir);
	p = entity_path(&f->e, "c.xml");
	CU_ASSERT_STRING_EQUAL(p, "c.xml");
	g_free(p);
	entity_free(&f->e);
}

/* ---- run-wide extensions ---- */

/* What the ext's calls saw: the fake's stops when end ran, and how often each ran. */
struct ext_probe {
	struct fake *f;
	int ends, finis, stops_at_end;
};

static void
probe_end(struct net *net, void *data)
{
	struct ext_probe *p = data;

	(void)net;
	p->ends++;
	p->stops_at_end = p->f->stops;
}

static void
probe_fini(void *data)
{
	((struct ext_probe *)data)->finis++;
}

static void
test_net_ext(void)
{
	struct sim *sim = sim_create(NULL);
	struct net *net = net_create(sim, 1, 1);
	struct node *n = node_create(net, "r1");
	struct ext_probe p = { 0 };
	char err[256];
	int other;

	entity_class_reset();
	CU_ASSERT_EQUAL(entity_class_register(&fake_class), 0);
	p.f = (struct fake *)entity_new(&fake_class, "r1", 0, NULL, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(p.f);
	entity_start(&p.f->e, n);
	CU_ASSERT_PTR_NULL(net_ext_get(net, "probe"));
	CU_ASSERT_EQUAL(net_ext_set(net, "probe", &p, probe_end, probe_fini), 0);
	CU_ASSERT_EQUAL(net_ext_set(net, "probe", &other, NULL, NULL), -1);
	CU_ASSERT_EQUAL(net_ext_set(net, "other", &other, NULL, NULL), 0);
	CU_ASSERT_PTR_EQUAL(net_ext_get(net, "probe"), &p);
	CU_ASSERT_PTR_EQUAL(net_ext_get(net, "other"), &other);
	/* end runs once, before the entities stop. */
	net_stop_entities(net);
	CU_ASSERT_EQUAL(p.ends, 1);
	CU_ASSERT_EQUAL(p.stops_at_end, 0);
	CU_ASSERT_EQUAL(p.f->stops, 1);
	net_stop_entities(net);
	CU_ASSERT_EQUAL(p.ends, 1);
	CU_ASSERT_EQUAL(p.finis, 0);
	net_destroy(net);
	CU_ASSERT_EQUAL(p.ends, 1);
	CU_ASSERT_EQUAL(p.finis, 1);
	sim_destroy(sim);
	entity_free(&p.f->e);
	CU_ASSERT_EQUAL(entities_register_all(), 0);
}

/* ---- requests.csv (entities/requests.c) ---- */

/* A run with an output directory and two nodes, "a" and "b,1"; its fakes' records. */
struct req_run {
	struct sim *sim;
	struct net *net;
	struct fake *fa, *fb;
	char *dir;
};

static void
req_run_open(struct req_run *r, bool outdir)
{
	char err[256];

	memset(r, 0, sizeof(*r));
	entity_class_reset();
	CU_ASSERT_EQUAL(entity_class_register(&fake_class), 0);
	r->sim = sim_create(NULL);
	r->net = net_create(r->sim, 1, 1);
	if (outdir) {
		r->dir = g_dir_make_tmp("cometsim-requests-XXXXXX", NULL);
		CU_ASSERT_PTR_NOT_NULL_FATAL(r->dir);
		r->net->outdir = r->dir;
	}
	r->fa = (struct fake *)entity_new(&fake_class, "a", 0, NULL, err, sizeof(err));
	r->fb = (struct fake *)entity_new(&fake_class, "b,1", 0, NULL, err, sizeof(err));
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->fa);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r->fb);
	entity_start(&r->fa->e, node_create(r->net, "a"));
	entity_start(&r->fb->e, node_create(r->net, "b,1"));
}

static void
req_noop(struct sim *sim, void *ctx, void *arg)
{
	(void)sim;
	(void)ctx;
	(void)arg;
}

/* End the run; the text of requests.csv (g_free it), or NULL if there is none. */
static char *
req_run_close(struct req_run *r)
{
	char *path, *text = NULL;

	net_stop_entities(r->net);
	if (r->dir) {
		path = g_build_filename(r->dir, "requests.csv", NULL);
		if (!g_file_get_contents(path, &text, NULL, NULL))
			text = NULL;
		g_unlink(path);
		g_free(path);
		g_rmdir(r->dir);
		g_free(r->dir);
	}
	net_destroy(r->net);
	sim_destroy(r->sim);
	entity_free(&r->fa->e);
	entity_free(&r->fb->e);
	CU_ASSERT_EQUAL(entities_register_all(), 0);
	return text;
}

/*
 * Rows in (time, node, port, content, approach, creation) order whatever
 * the order they were made in; a name with a comma or a quote quoted;
 * empty fields for what is not known; a record changed after it was
 * made is written as it stands at the end.
 */
static void
test_requests_csv(void)
{
	static const uint32_t path[] = { 3, 4 };
	struct req_run r;
	struct request_rec *x;
	char *text;

	req_run_open(&r, true);
	x = requests_add(&r.fb->e, 9, "first", REQ_COUPLED);
	x->outcome = REQ_NO_ANSWER;
	sim_schedule(r.sim, 2 * SIM_S, req_noop, NULL, NULL);
	sim_run(r.sim, 10 * SIM_S);
	x = requests_add(&r.fb->e, 7, "movie", REQ_COUPLED);
	x->outcome = REQ_REFUSED;
	x = requests_add(&r.fa->e, 9, "say \"hi\"", REQ_DECOUPLED);
	x = requests_add(&r.fa->e, 8, "zz", REQ_DECOUPLED);
	requests_first_byte(x, 2 * SIM_S + 5);
	requests_first_byte(x, 2 * SIM_S + 9);
	x->completion = 40;
	x->bytes = 10;
	x->size = 10;
	x->size_known = true;
	x->outcome = REQ_COMPLETE;
	snprintf(x->server, sizeof(x->server), "10.0.0.1:80");
	requests_set_path(x, true, 1, path, 2);
	x = requests_add(&r.fa->e, 8, "aa", REQ_COUPLED);
	x = requests_add(&r.fa->e, 8, "aa", REQ_DECOUPLED);
	x = requests_add(&r.fa->e, 8, "aa", REQ_DECOUPLED);
	x->bytes = 3;
	text = req_run_close(&r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(text);
	CU_ASSERT_STRING_EQUAL(text,
		"time,client,content,approach,server,as_path,path_len,first_byte,completion,"
		"bytes,size,outcome\n"
		"0.000000000,\"b,1:9\",first,coupled,,,,,,0,,no_answer\n"
		"2.000000000,a:8,aa,decoupled,,,,,,0,,pending\n"
		"2.000000000,a:8,aa,decoupled,,,,,,3,,pending\n"
		"2.000000000,a:8,aa,coupled,,,,,,0,,pending\n"
		"2.000000000,a:8,zz,decoupled,10.0.0.1:80,1 3 4,2,0.000000005,0.000000040,10,10,"
		"complete\n"
		"2.000000000,a:9,\"say \"\"hi\"\"\",decoupled,,,,,,0,,pending\n"
		"2.000000000,\"b,1:7\",movie,coupled,,,,,,0,,refused\n");
	g_free(text);
}

/* No file without a request, nor without an output directory. */
static void
test_requests_none(void)
{
	struct req_run r;

	req_run_open(&r, true);
	CU_ASSERT_PTR_NULL(req_run_close(&r));
	req_run_open(&r, false);
	requests_add(&r.fa->e, 1, "x", REQ_DECOUPLED);
	CU_ASSERT_PTR_NULL(req_run_close(&r));
}

/* ---- parsers ---- */

static void
test_parse_dst(void)
{
	static const struct {
		const char *s, *addr;
	} good[] = {
		{ "4", "10.0.0.4" }, { "0", "10.0.0.0" }, { "256", "10.0.1.0" },
		{ "70000", "10.1.17.112" }, { "16777215", "10.255.255.255" },
		{ "1.2", "10.0.1.2" }, { "1.2.3", "10.1.2.3" }, { "255.255.255", "10.255.255.255" },
		{ "192.168.1.1", "192.168.1.1" }, { "2001:db8::1", "2001:db8::1" },
		{ "::1", "::1" },
	};
	static const char *const bad[] = {
		"", "16777216", "1.256", "256.1.1", "1..2", "1.2.", ".1", "r4", "-4",
		"1.2.3.4.5", "300.1.1.1", "0.0.0.0", "::", "2001:db8::g", "10.0.0.1/24",
	};
	struct addr a;
	char buf[ADDR_STRLEN];

	for (size_t i = 0; i < G_N_ELEMENTS(good); i++) {
		CU_ASSERT_EQUAL_FATAL(app_parse_dst(good[i].s, &a), 0);
		CU_ASSERT_STRING_EQUAL(addr_fmt(&a, buf), good[i].addr);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		if (app_parse_dst(bad[i], &a) == 0)
			fprintf(stderr, "\n  destination \"%s\" was accepted\n", bad[i]);
		CU_ASSERT_EQUAL(app_parse_dst(bad[i], &a), -1);
	}
}

static void
test_fmt_ms(void)
{
	char buf[32];

	CU_ASSERT_STRING_EQUAL(app_fmt_ms(2004000, buf, sizeof(buf)), "2.004");
	CU_ASSERT_STRING_EQUAL(app_fmt_ms(0, buf, sizeof(buf)), "0.000");
	CU_ASSERT_STRING_EQUAL(app_fmt_ms(1499, buf, sizeof(buf)), "0.001");
	CU_ASSERT_STRING_EQUAL(app_fmt_ms(1500, buf, sizeof(buf)), "0.002");
	CU_ASSERT_STRING_EQUAL(app_fmt_ms(1234567890, buf, sizeof(buf)), "1234.568");
}

static void
test_payload_header(void)
{
	static const uint8_t hdr[APP_HDR_LEN] = {
		'C', 'S', 'I', 'M', 0x01, 0x02, 0x03, 0x04,
		0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88,
	};
	uint8_t buf[300], small[5];
	struct app_hdr h;

	app_payload_fill(buf, sizeof(buf), 0x01020304, 0x1122334455667788LL);
	CU_ASSERT_EQUAL(memcmp(buf, hdr, sizeof(hdr)), 0);
	CU_ASSERT_EQUAL(buf[16], 0x14);		/* (seq + 16) & 0xff */
	CU_ASSERT_EQUAL(buf[299], (0x04 + 299) & 0xff);
	CU_ASSERT_EQUAL(app_hdr_read(buf, sizeof(buf), &h), 0);
	CU_ASSERT_EQUAL(h.seq, 0x01020304);
	CU_ASSERT_EQUAL(h.sent, 0x1122334455667788LL);
	CU_ASSERT_EQUAL(app_hdr_read(buf, APP_HDR_LEN, &h), 0);
	CU_ASSERT_EQUAL(app_hdr_read(buf, APP_HDR_LEN - 1, &h), -1);

	/* Short payloads carry the start of the header only. */
	memset(small, 0xee, sizeof(small));
	app_payload_fill(small, 4, 7, 0);
	CU_ASSERT_EQUAL(memcmp(small, "CSIM", 4), 0);
	CU_ASSERT_EQUAL(small[4], 0xee);

	buf[0] = 'X';
	CU_ASSERT_EQUAL(app_hdr_read(buf, sizeof(buf), &h), -2);
}

/* ---- arguments of the applications ---- */

static void
test_send_args(void)
{
	struct app_send *s;
	char a[ADDR_STRLEN];

	s = (struct app_send *)new_ok(&app_send_class, "4 3000 100");
	if (s) {
		CU_ASSERT_STRING_EQUAL(addr_fmt(&s->dst, a), "10.0.0.4");
		CU_ASSERT_EQUAL(s->dport, 3000);
		CU_ASSERT_EQUAL(s->count, 100);
		CU_ASSERT_EQUAL(s->size, 1000);
		CU_ASSERT_EQUAL(s->interval, SIM_MS);
		CU_ASSERT_EQUAL(s->rate_bps, 0);
		CU_ASSERT_EQUAL(s->sport, 0);
		CU_ASSERT_EQUAL(s->start_delay, 0);
	}
	entity_free(&s->e);

	s = (struct app_send *)new_ok(&app_send_class,
				      "start=1.5s 10.1.2.3 9 sport=5000 1 size=0 interval=250us");
	if (s) {
		CU_ASSERT_STRING_EQUAL(addr_fmt(&s->dst, a), "10.1.2.3");
		CU_ASSERT_EQUAL(s->dport, 9);
		CU_ASSERT_EQUAL(s->count, 1);
		CU_ASSERT_EQUAL(s->size, 0);
		CU_ASSERT_EQUAL(s->interval, 250 * SIM_US);
		CU_ASSERT_EQUAL(s->sport, 5000);
		CU_ASSERT_EQUAL(s->start_delay, 1500 * SIM_MS);
	}
	entity_free(&s->e);

	/* Frame 14 + 20 + 8 + 1000 = 1042 bytes = 8336 bits. */
	s = (struct app_send *)new_ok(&app_send_class, "4 3000 100 rate=10Mbps");
	if (s) {
		CU_ASSERT_EQUAL(s->rate_bps, 10000000);
		CU_ASSERT_EQUAL(s->interval, 833600);
	}
	entity_free(&s->e);
	s = (struct app_send *)new_ok(&app_send_class, "4 3000 100 rate=1Gbps");
	if (s)
		CU_ASSERT_EQUAL(s->interval, 8336);
	entity_free(&s->e);
	/* size= after rate= still counts; 8336e9 / 3 rounded up. */
	s = (struct app_send *)new_ok(&app_send_class, "4 3000 100 rate=3 size=1000");
	if (s)
		CU_ASSERT_EQUAL(s->interval, 2778666666667LL);
	entity_free(&s->e);
	/* Small frames are padded to 60 bytes = 480 bits. */
	s = (struct app_send *)new_ok(&app_send_class, "4 3000 100 size=0 rate=1Gbps");
	if (s)
		CU_ASSERT_EQUAL(s->interval, 480);
	entity_free(&s->e);
	/* IPv6: 14 + 40 + 8 + 1000 = 1062 bytes. */
	s = (struct app_send *)new_ok(&app_send_class, "2001:db8::1 3000 100 rate=10Mbps");
	if (s)
		CU_ASSERT_EQUAL(s->interval, 849600);
	entity_free(&s->e);
	/* Sizes and rates in the grammar of every value (sim/units.h). */
	s = (struct app_send *)new_ok(&app_send_class, "4 3000 100 size=1KB rate=10M start=1min");
	if (s) {
		CU_ASSERT_EQUAL(s->size, 1000);
		CU_ASSERT_EQUAL(s->rate_bps, 10000000);
		CU_ASSERT_EQUAL(s->start_delay, 60 * SIM_S);
	}
	entity_free(&s->e);
	s = (struct app_send *)new_ok(&app_send_class, "2001:db8::1 3000 1 size=65527");
	if (s)
		CU_ASSERT_EQUAL(s->size, 65527);
	entity_free(&s->e);
	s = (struct app_send *)new_ok(&app_send_class, "4 65535 4294967295 size=65507 "
				      "sport=0 interval=0");
	if (s) {
		CU_ASSERT_EQUAL(s->dport, 65535);
		CU_ASSERT_EQUAL(s->count, 4294967295u);
		CU_ASSERT_EQUAL(s->size, 65507);
		CU_ASSERT_EQUAL(s->interval, 0);
	}
	entity_free(&s->e);

	CU_ASSERT_EQUAL(app_send_interval(1000, ADDR_V4, 1000000000), 8336);
	CU_ASSERT_EQUAL(app_send_interval(18, ADDR_V4, 1000000000), 480);
	CU_ASSERT_EQUAL(app_send_interval(19, ADDR_V4, 1000000000), 488);
	CU_ASSERT_EQUAL(app_send_interval(1000, ADDR_V4, UINT64_MAX), 1);

	expect_bad(&app_send_class, "", "missing <dst>");
	expect_bad(&app_send_class, "4", "missing <port>");
	expect_bad(&app_send_class, "4 3000", "missing <count>");
	expect_bad(&app_send_class, "4 3000 size=10", "missing <count>");
	expect_bad(&app_send_class, "r4 3000 100", "\"r4\"");
	expect_bad(&app_send_class, "0.0.0.0 3000 100", "\"0.0.0.0\"");
	expect_bad(&app_send_class, "16777216 3000 100", "\"16777216\"");
	expect_bad(&app_send_class, "4 abc 100", "port \"abc\"");
	expect_bad(&app_send_class, "4 70000 100", "port \"70000\"");
	expect_bad(&app_send_class, "4 0 100", "port \"0\"");
	expect_bad(&app_send_class, "4 3000 x1", "count \"x1\"");
	expect_bad(&app_send_class, "4 3000 0", "count \"0\"");
	expect_bad(&app_send_class, "4 3000 -5", "count \"-5\"");
	expect_bad(&app_send_class, "4 3000 4294967296", "count \"4294967296\"");
	expect_bad(&app_send_class, "4 3000 100 200", "\"200\"");
	expect_bad(&app_send_class, "4 3000 100 foo=1", "\"foo=1\"");
	expect_bad(&app_send_class, "4 3000 100 =1", "\"=1\"");
	expect_bad(&app_send_class, "4 3000 100 size=65508", "size \"65508\"");
	expect_bad(&app_send_class, "2001:db8::1 3000 100 size=65528", "size \"65528\"");
	expect_bad(&app_send_class, "4 3000 100 size=-1", "size \"-1\"");
	expect_bad(&app_send_class, "4 3000 100 size=", "size \"\"");
	expect_bad(&app_send_class, "4 3000 100 size=1 size=2", "\"size\" given twice");
	expect_bad(&app_send_class, "4 3000 100 rate=fast", "rate \"fast\"");
	expect_bad(&app_send_class, "4 3000 100 rate=0", "rate \"0\"");
	expect_bad(&app_send_class, "4 3000 100 rate=1Mbps interval=1ms", "rate=1Mbps");
	expect_bad(&app_send_class, "4 3000 100 interval=10", "interval \"10\"");
	expect_bad(&app_send_class, "4 3000 100 interval=0.5ns", "interval \"0.5ns\"");
	expect_bad(&app_send_class, "4 3000 100 sport=65536", "sport \"65536\"");
	expect_bad(&app_send_class, "4 3000 100 start=1hr", "start \"1hr\": unknown unit \"hr\"");
	expect_bad(&app_send_class, "4 3000 100 size=64KiB", "size \"64KiB\": too large "
		   "(at most 65507B)");
	/* Beyond the largest time a run may reach (sim.h SIM_TIME_LIMIT). */
	expect_bad(&app_send_class, "4 3000 100 interval=9000000000s",
		   "interval \"9000000000s\": too large (at most 1000000000s");
	expect_bad(&app_send_class, "4 3000 100 start=1000000000.000000001s",
		   "start \"1000000000.000000001s\": too large");
}

static void
test_recv_args(void)
{
	struct app_recv *r;

	r = (struct app_recv *)new_ok(&app_recv_class, "3000");
	if (r) {
		CU_ASSERT_EQUAL(r->port, 3000);
		CU_ASSERT_EQUAL(r->expect, 0);
	}
	entity_free(&r->e);
	r = (struct app_recv *)new_ok(&app_recv_class, "65535 100");
	if (r) {
		CU_ASSERT_EQUAL(r->port, 65535);
		CU_ASSERT_EQUAL(r->expect, 100);
	}
	entity_free(&r->e);

	expect_bad(&app_recv_class, "", "missing <port>");
	expect_bad(&app_recv_class, "abc", "port \"abc\"");
	expect_bad(&app_recv_class, "0", "port \"0\"");
	expect_bad(&app_recv_class, "65536", "port \"65536\"");
	expect_bad(&app_recv_class, "3000 x", "count \"x\"");
	expect_bad(&app_recv_class, "3000 0", "count \"0\"");
	expect_bad(&app_recv_class, "3000 1 2", "\"2\"");
}

static void
test_ping_args(void)
{
	struct app_ping *p;
	char a[ADDR_STRLEN];

	p = (struct app_ping *)new_ok(&app_ping_class, "4");
	if (p) {
		CU_ASSERT_STRING_EQUAL(addr_fmt(&p->dst, a), "10.0.0.4");
		CU_ASSERT_EQUAL(p->count, 5);
		CU_ASSERT_EQUAL(p->interval, SIM_S);
		CU_ASSERT_EQUAL(p->size, 56);
	}
	entity_free(&p->e);
	p = (struct app_ping *)new_ok(&app_ping_class, "2001:db8::2 3 200ms 65527");
	if (p) {
		CU_ASSERT_EQUAL(p->dst.af, ADDR_V6);
		CU_ASSERT_EQUAL(p->count, 3);
		CU_ASSERT_EQUAL(p->interval, 200 * SIM_MS);
		CU_ASSERT_EQUAL(p->size, 65527);
	}
	entity_free(&p->e);
	p = (struct app_ping *)new_ok(&app_ping_class, "1.2 65535 0 0");
	if (p) {
		CU_ASSERT_EQUAL(p->count, 65535);
		CU_ASSERT_EQUAL(p->interval, 0);
		CU_ASSERT_EQUAL(p->size, 0);
	}
	entity_free(&p->e);

	expect_bad(&app_ping_class, "", "missing <dst>");
	expect_bad(&app_ping_class, "nowhere", "\"nowhere\"");
	expect_bad(&app_ping_class, "4 0", "count \"0\"");
	expect_bad(&app_ping_class, "4 65536", "count \"65536\"");
	expect_bad(&app_ping_class, "4 x", "count \"x\"");
	expect_bad(&app_ping_class, "4 3 1", "interval \"1\"");
	expect_bad(&app_ping_class, "4 3 1s big", "size \"big\"");
	expect_bad(&app_ping_class, "4 3 1s 65508", "size \"65508\"");
	expect_bad(&app_ping_class, "4 3 1s 10 extra", "\"extra\"");
}

/* ---- running over two nodes ---- */

struct world {
	struct sim *sim;
	struct net *net;
	struct node *a, *b;
	struct link *l;
	GString *log;
	GPtrArray *ents;
};

static void
log_to_string(void *ctx, const char *line)
{
	GString *s = ctx;

	g_string_append(s, line);
	g_string_append_c(s, '\n');
}

/* a (10.0.0.1, 2001:db8::1) -- 1 Gbps, 1 ms, `queue` frames -- b (.2, ::2) */
static int
world_init(struct world *w, uint32_t queue)
{
	struct link_params lp;
	struct iface *ia, *ib;
	struct addr x;
	char err[128];

	memset(w, 0, sizeof(*w));
	w->sim = sim_create(NULL);
	if (!w->sim)
		return -1;
	w->net = net_create(w->sim, 1, 1);
	w->log = g_string_new(NULL);
	w->ents = g_ptr_array_new();
	log_set_sink(&w->net->log, log_to_string, w->log);
	if (log_parse_spec(&w->net->log, "info", err, sizeof(err)) < 0)
		return -1;
	w->a = node_create(w->net, "a");
	w->b = node_create(w->net, "b");
	ia = iface_add_ether(w->a, "eth0");
	ib = iface_add_ether(w->b, "eth0");
	if (!ia || !ib)
		return -1;
	addr_parse("10.0.0.1", &x);
	iface_addr_add(ia, &x, 24);
	addr_parse("10.0.0.2", &x);
	iface_addr_add(ib, &x, 24);
	addr_parse("2001:db8::1", &x);
	iface_addr_add(ia, &x, 64);
	addr_parse("2001:db8::2", &x);
	iface_addr_add(ib, &x, 64);
	link_params_default(&lp);
	lp.delay = SIM_MS;
	lp.queue_pkts = queue;
	w->l = link_create(w->net, "ab", ia, ib, &lp);
	return w->l ? 0 : -1;
}

/* Create an instance and start it on node n at time `at`. */
static void
start_cb(struct sim *sim, void *ctx, void *arg)
{
	entity_start(ctx, arg);
}

static struct entity *
world_app(struct world *w, struct node *n, const struct entity_class *cls,
	  const char *args, sim_time_t at)
{
	struct entity *e = new_ok(cls, args);

	if (e) {
		g_ptr_array_add(w->ents, e);
		sim_schedule_at(w->sim, at, start_cb, e, n);
	}
	return e;
}

/* Run until `end`, stop every entity (its report goes to the log), tear down. */
static void
world_run(struct world *w, sim_time_t end)
{
	sim_run(w->sim, end);
	for (guint i = 0; i < w->ents->len; i++)
		entity_stop(g_ptr_array_index(w->ents, i));
}

static void
world_fini(struct world *w)
{
	net_destroy(w->net);
	/* The scenario owns the instances: they outlive the nodes. */
	for (guint i = 0; i < w->ents->len; i++)
		entity_free(g_ptr_array_index(w->ents, i));
	g_ptr_array_free(w->ents, TRUE);
	sim_destroy(w->sim);
	g_string_free(w->log, TRUE);
}

struct stat_find {
	const char *name;
	uint64_t value;
	int found;
};

static void
stat_find_fn(void *ctx, const char *name, uint64_t value)
{
	struct stat_find *sf = ctx;

	if (strcmp(sf->name, name) == 0) {
		sf->value = value;
		sf->found++;
	}
}

/* The statistic `name` of e; fails the test if it is not reported once. */
static uint64_t
stat_of(struct entity *e, const char *name)
{
	struct stat_find sf = { name, 0, 0 };

	e->cls->stats(e, stat_find_fn, &sf);
	CU_ASSERT_EQUAL(sf.found, 1);
	return sf.value;
}

static int
log_has(const struct world *w, const char *needle)
{
	if (strstr(w->log->str, needle))
		return 1;
	fprintf(stderr, "\n  log lacks \"%s\":\n%s", needle, w->log->str);
	return 0;
}

static void
test_run_send_recv(void)
{
	struct world w;
	struct entity *s, *r;

	CU_ASSERT_EQUAL(entities_register_all(), 0);
	CU_ASSERT_EQUAL_FATAL(world_init(&w, 100), 0);
	r = world_app(&w, w.b, &app_recv_class, "3000 10", 0);
	s = world_app(&w, w.a, &app_send_class, "10.0.0.2 3000 10 interval=10ms", SIM_MS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	world_run(&w, 10 * SIM_S);

	CU_ASSERT_EQUAL(stat_of(s, "sent"), 10);
	CU_ASSERT_EQUAL(stat_of(s, "bytes_sent"), 10000);
	CU_ASSERT_EQUAL(stat_of(s, "send_errors"), 0);
	CU_ASSERT_EQUAL(stat_of(r, "received"), 10);
	CU_ASSERT_EQUAL(stat_of(r, "bytes_received"), 10000);
	CU_ASSERT_EQUAL(stat_of(r, "duplicates"), 0);
	CU_ASSERT_EQUAL(stat_of(r, "out_of_order"), 0);
	CU_ASSERT_EQUAL(stat_of(r, "lost_gaps"), 0);
	CU_ASSERT_EQUAL(stat_of(r, "lost"), 0);
	CU_ASSERT_EQUAL(stat_of(r, "bad"), 0);
	/* Without a queue ahead: 8336 ns on the wire + 1 ms; the first waits for ARP. */
	CU_ASSERT_EQUAL(stat_of(r, "delay_min_ns"), 1008336);
	CU_ASSERT(stat_of(r, "delay_max_ns") > 1008336);
	CU_ASSERT(log_has(&w, "sent 10 datagrams to 10.0.0.2:3000"));
	CU_ASSERT(log_has(&w, "first datagram from 10.0.0.1:49152"));
	CU_ASSERT(log_has(&w, "received 10 datagrams, 10000 bytes, delay min/avg/max 1.008/"));
	world_fini(&w);
}

/* rate= equal to the link's bandwidth sends frames back to back: no queue builds up. */
static void
test_run_rate(void)
{
	struct world w;
	struct entity *s, *r;

	CU_ASSERT_EQUAL(entities_register_all(), 0);
	CU_ASSERT_EQUAL_FATAL(world_init(&w, 2), 0);
	r = world_app(&w, w.b, &app_recv_class, "3000 200", 0);
	/* A first datagram resolves the address; the stream starts 10 ms later. */
	world_app(&w, w.a, &app_send_class, "10.0.0.2 3000 1 sport=7", 0);
	s = world_app(&w, w.a, &app_send_class, "10.0.0.2 3000 199 rate=1Gbps", 10 * SIM_MS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	world_run(&w, SIM_S);
	CU_ASSERT_EQUAL(stat_of(s, "sent"), 199);
	CU_ASSERT_EQUAL(stat_of(r, "received"), 200);
	CU_ASSERT_EQUAL(stat_of(r, "lost_gaps"), 0);
	CU_ASSERT_EQUAL(stat_of(r, "lost"), 0);
	CU_ASSERT_EQUAL(stat_of(r, "delay_min_ns"), 1008336);
	world_fini(&w);

	/* Twice the link's rate with a queue of 2 frames: about half is lost. */
	CU_ASSERT_EQUAL_FATAL(world_init(&w, 2), 0);
	r = world_app(&w, w.b, &app_recv_class, "3000", 0);
	world_app(&w, w.a, &app_send_class, "10.0.0.2 3000 1 sport=7", 0);
	s = world_app(&w, w.a, &app_send_class, "10.0.0.2 3000 100 rate=2Gbps", 10 * SIM_MS);
	world_run(&w, SIM_S);
	CU_ASSERT_EQUAL(stat_of(s, "sent"), 100);
	CU_ASSERT(stat_of(r, "received") < 60);
	CU_ASSERT(stat_of(r, "received") > 45);
	/* Only the second flow loses, and only inside its sequence. */
	CU_ASSERT(stat_of(r, "lost_gaps") > 0);
	CU_ASSERT(stat_of(r, "lost_gaps") + stat_of(r, "received") <= 101);
	CU_ASSERT_EQUAL(stat_of(r, "duplicates"), 0);
	world_fini(&w);
}

static void
test_run_ping(void)
{
	struct world w;
	struct entity *p, *p6;

	CU_ASSERT_EQUAL(entities_register_all(), 0);
	CU_ASSERT_EQUAL_FATAL(world_init(&w, 100), 0);
	p = world_app(&w, w.a, &app_ping_class, "10.0.0.2 3 100ms", 0);
	/* Not at the same instants as the other: no frame waits behind another. */
	p6 = world_app(&w, w.a, &app_ping_class, "2001:db8::2 2 100ms 1000", 50 * SIM_MS);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p6);
	world_run(&w, 10 * SIM_S);

	CU_ASSERT_EQUAL(stat_of(p, "transmitted"), 3);
	CU_ASSERT_EQUAL(stat_of(p, "received"), 3);
	CU_ASSERT_EQUAL(stat_of(p, "duplicates"), 0);
	/* Two crossings of 14 + 20 + 8 + 56 = 98 bytes (784 ns) and 1 ms. */
	CU_ASSERT_EQUAL(stat_of(p, "rtt_min_ns"), 2001568);
	CU_ASSERT(stat_of(p, "rtt_max_ns") > 2001568);	/* the first waited for ARP */
	CU_ASSERT(stat_of(p, "rtt_min_ns") <= stat_of(p, "rtt_avg_ns"));
	CU_ASSERT(stat_of(p, "rtt_avg_ns") <= stat_of(p, "rtt_max_ns"));
	CU_ASSERT(log_has(&w, "64 bytes from 10.0.0.2: icmp_seq=2 time=2.002 ms"));
	CU_ASSERT(log_has(&w, "3 packets transmitted, 3 received, 0% packet loss"));

	CU_ASSERT_EQUAL(stat_of(p6, "transmitted"), 2);
	CU_ASSERT_EQUAL(stat_of(p6, "received"), 2);
	/* 14 + 40 + 8 + 1000 = 1062 bytes: 8496 ns each way. */
	CU_ASSERT_EQUAL(stat_of(p6, "rtt_min_ns"), 2016992);
	CU_ASSERT(log_has(&w, "1008 bytes from 2001:db8::2: icmp_seq=2 time=2.017 ms"));
	CU_ASSERT(((struct app_ping *)p)->id != ((struct app_ping *)p6)->id);
	world_fini(&w);

	/* Nobody there: everything is lost. */
	CU_ASSERT_EQUAL_FATAL(world_init(&w, 100), 0);
	p = world_app(&w, w.a, &app_ping_class, "10.0.0.9 2 10ms", 0);
	world_run(&w, SIM_S);
	CU_ASSERT_EQUAL(stat_of(p, "transmitted"), 2);
	CU_ASSERT_EQUAL(stat_of(p, "received"), 0);
	CU_ASSERT(log_has(&w, "2 packets transmitted, 0 received, 100% packet loss"));
	world_fini(&w);
}

static void
udp_ignore(struct udp_sock *sock, void *ctx, struct pkt *p, const struct addr *src,
	   uint16_t sport, const struct addr *dst, uint16_t dport)
{
}

/* Hand-made datagrams: what Recv counts for reordering, duplicates, bad headers. */
static void
test_run_recv_meter(void)
{
	static const uint32_t seqs[] = { 0, 2, 1, 1, 5, 3 };
	struct world w;
	struct entity *r;
	struct udp_sock *sock;
	struct addr dst;
	uint8_t buf[100];
	uint64_t bytes = 0;

	CU_ASSERT_EQUAL(entities_register_all(), 0);
	CU_ASSERT_EQUAL_FATAL(world_init(&w, 100), 0);
	r = world_app(&w, w.b, &app_recv_class, "3000 7", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	sim_run(w.sim, 0);
	sock = udp_open(w.a, 5000, udp_ignore, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sock);
	addr_parse("10.0.0.2", &dst);
	for (size_t i = 0; i < G_N_ELEMENTS(seqs); i++) {
		app_payload_fill(buf, 20 + i, seqs[i], 0);
		CU_ASSERT_EQUAL(udp_sendto_buf(sock, &dst, 3000, buf, 20 + i), 0);
		bytes += 20 + i;
	}
	/* Wrong magic, shorter than the header, sent in the future. */
	app_payload_fill(buf, 40, 9, 0);
	buf[3] = 'N';
	CU_ASSERT_EQUAL(udp_sendto_buf(sock, &dst, 3000, buf, 40), 0);
	CU_ASSERT_EQUAL(udp_sendto_buf(sock, &dst, 3000, buf, 8), 0);
	app_payload_fill(buf, 40, 10, SIM_S);
	CU_ASSERT_EQUAL(udp_sendto_buf(sock, &dst, 3000, buf, 40), 0);
	bytes += 40 + 8 + 40;
	world_run(&w, SIM_S);

	CU_ASSERT_EQUAL(stat_of(r, "received"), 9);
	CU_ASSERT_EQUAL(stat_of(r, "bytes_received"), bytes);
	CU_ASSERT_EQUAL(stat_of(r, "duplicates"), 1);
	CU_ASSERT_EQUAL(stat_of(r, "out_of_order"), 2);
	CU_ASSERT_EQUAL(stat_of(r, "lost_gaps"), 1);	/* 4: 3 came late */
	CU_ASSERT_EQUAL(stat_of(r, "bad"), 2);
	CU_ASSERT_EQUAL(stat_of(r, "short"), 1);
	CU_ASSERT_EQUAL(stat_of(r, "expected"), 7);
	CU_ASSERT_EQUAL(stat_of(r, "lost"), 2);
	CU_ASSERT(stat_of(r, "delay_min_ns") > SIM_MS);
	CU_ASSERT(log_has(&w, "first datagram from 10.0.0.1:5000"));
	CU_ASSERT(log_has(&w, ", 2 of 7 lost, 1 missing in gaps, 1 duplicates, "
			  "2 out of order, 3 bad"));
	udp_close(sock);
	world_fini(&w);
}

/* Stopped and started again, the applications resume where they were, as one flow. */
static void
test_run_stopped(void)
{
	struct world w;
	struct entity *s, *r;

	CU_ASSERT_EQUAL(entities_register_all(), 0);
	CU_ASSERT_EQUAL_FATAL(world_init(&w, 100), 0);
	r = world_app(&w, w.b, &app_recv_class, "3000", 0);
	s = world_app(&w, w.a, &app_send_class, "10.0.0.2 3000 10 interval=10ms", 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	sim_run(w.sim, 55 * SIM_MS);
	entity_stop(r);
	entity_stop(s);
	CU_ASSERT(log_has(&w, "stopped after 6 of 10 datagrams"));
	/* Started again, the sender goes on from datagram 6 on the same port. */
	entity_start(r, w.b);
	entity_start(s, w.a);
	world_run(&w, 10 * SIM_S);
	CU_ASSERT_EQUAL(stat_of(s, "sent"), 10);
	CU_ASSERT_EQUAL(stat_of(r, "received"), 10);
	CU_ASSERT_EQUAL(stat_of(r, "lost_gaps"), 0);
	CU_ASSERT_EQUAL(stat_of(r, "duplicates"), 0);
	world_fini(&w);
}

/* ---- log specs and escaped messages (sim/log.c) ---- */

static void
sink_none(void *ctx, const char *line)
{
	(void)ctx;
	(void)line;
}

static void
test_log_spec(void)
{
	struct netlog lg;
	char err[1024];

	CU_ASSERT_EQUAL_FATAL(entities_register_all(), 0);
	log_init(&lg, NULL);
	log_set_sink(&lg, sink_none, NULL);	/* log_enabled needs a sink */
	CU_ASSERT_EQUAL(log_parse_spec(&lg, " warn , recv = debug ,net=trace", err,
				       sizeof(err)), 0);
	CU_ASSERT(log_enabled(&lg, "recv", LOG_DEBUG));
	CU_ASSERT(!log_enabled(&lg, "recv", LOG_TRACE));
	CU_ASSERT(log_enabled(&lg, "net", LOG_TRACE));
	CU_ASSERT(!log_enabled(&lg, "send", LOG_INFO));
	CU_ASSERT(log_enabled(&lg, "send", LOG_WARN));
	/* Lines without a kind obey sim=. */
	CU_ASSERT_EQUAL(log_parse_spec(&lg, "sim=debug", err, sizeof(err)), 0);
	CU_ASSERT(log_enabled(&lg, NULL, LOG_DEBUG));
	/* A bad spec is refused whole: the good item before it is not applied. */
	CU_ASSERT_EQUAL(log_parse_spec(&lg, "send=trace,bogus=debug", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown kind \"bogus\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "cafe, cf_tool"));
	CU_ASSERT(!log_enabled(&lg, "send", LOG_TRACE));
	CU_ASSERT_EQUAL(log_parse_spec(&lg, "usr.applications.Send=debug", err,
				       sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "logs as \"send\""));
	CU_ASSERT_EQUAL(log_parse_spec(NULL, "cafe=loud", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "unknown level \"loud\""));
	CU_ASSERT_EQUAL(log_parse_spec(NULL, " , ", err, sizeof(err)), -1);
	/* An empty item is a slip (a doubled or trailing comma), never ignored. */
	CU_ASSERT_EQUAL(log_parse_spec(NULL, "send=debug,,", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "item 2 is empty"));
	CU_ASSERT_EQUAL(log_parse_spec(NULL, "send=debug,", err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(log_parse_spec(NULL, ",info", err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "item 1 is empty"));
	CU_ASSERT_EQUAL(log_parse_spec(NULL, "*=error", err, sizeof(err)), 0);
	log_fini(&lg);
}

static void
test_log_escape(void)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "plain 10ms", "plain 10ms" },
		{ "caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac" },	/* visible UTF-8 stays */
		{ "\xef\xbb\xbf" "0", "\\ufeff0" },			/* byte-order mark */
		{ "30\xe2\x80\x8b" "0", "30\\u200b0" },			/* zero-width space */
		{ "a\xc2\xa0" "b", "a\\u00a0b" },				/* no-break space */
		{ "tab\there\r\n", "tab\\there\\r\\n" },
		{ "bell\x07", "bell\\x07" },
		{ "bad \xff\xc3", "bad \\xff\\xc3" },			/* not UTF-8 */
		{ "", "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = log_escape(cases[i].in);

		CU_ASSERT_STRING_EQUAL(got, cases[i].out);
		g_free(got);
	}
}

int
suite_entity_register(void)
{
	CU_pSuite s = CU_add_suite("entity", suite_init, suite_clean);

	if (!s ||
	    !CU_add_test(s, "registry of every class", test_registry_all) ||
	    !CU_add_test(s, "lookup by name and alias", test_registry_lookup) ||
	    !CU_add_test(s, "duplicate names refused", test_registry_duplicates) ||
	    !CU_add_test(s, "instance names", test_entity_names) ||
	    !CU_add_test(s, "instance life cycle", test_entity_life) ||
	    !CU_add_test(s, "files the arguments name", test_entity_path) ||
	    !CU_add_test(s, "run-wide extensions", test_net_ext) ||
	    !CU_add_test(s, "requests.csv: order, quoting, empty fields", test_requests_csv) ||
	    !CU_add_test(s, "requests.csv: none without requests or a directory",
			 test_requests_none) ||
	    !CU_add_test(s, "destinations", test_parse_dst) ||
	    !CU_add_test(s, "ms format", test_fmt_ms) ||
	    !CU_add_test(s, "payload header", test_payload_header) ||
	    !CU_add_test(s, "Send arguments", test_send_args) ||
	    !CU_add_test(s, "Recv arguments", test_recv_args) ||
	    !CU_add_test(s, "Ping arguments", test_ping_args) ||
	    !CU_add_test(s, "Send to Recv", test_run_send_recv) ||
	    !CU_add_test(s, "Send at the link rate", test_run_rate) ||
	    !CU_add_test(s, "Recv's counters", test_run_recv_meter) ||
	    !CU_add_test(s, "Ping v4 and v6", test_run_ping) ||
	    !CU_add_test(s, "stop and restart", test_run_stopped) ||
	    !CU_add_test(s, "log specs", test_log_spec) ||
	    !CU_add_test(s, "escaped messages", test_log_escape))
		return -1;
	return 0;
}
