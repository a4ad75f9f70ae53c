/*
 * bench_mpi.c - one run split over processes (doc/parallel.md): the
 * program itself, `cometsim run`, in one process and under `mpirun -np N`,
 * on two cases, each written to a temporary scenario:
 *
 *   graph   a preferential-attachment graph of `nodes` routers (10 000:
 *           two links a new node, 100 Mbit/s and 1 ms each), 200 UDP
 *           flows between routers drawn from the bench's own stream
 *           (1 000 datagrams of 1 000 bytes each, one every 2 ms), no
 *           capture, 3 s of virtual time;
 *   rae     the RAEs of a tiered graph of `ases` ASes (1 000; one RAE and
 *           one prefix per AS, <deploy approach="none" mrai="1">, as
 *           bench=rae_internet) with 2 ms links, no capture, 20 s of
 *           virtual time (bench=rae_internet's links have no delay; a
 *           link between processes needs one);
 *
 * at np=1 (the program started alone) and np=2, 4 ... up to `procs`.
 * Each line: the wall time of the run (summary.json's wall_s: events
 * only), of the whole command (loading and building included: every
 * process loads the whole scenario), the speed-up of the run over np=1,
 * the peak memory of each process, the synchronisation wait of each,
 * the windows, the frames between processes, and whether every output
 * (counters.csv, log.txt, rae-paths.csv) is the same as np=1's.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <json-glib/json-glib.h>

#include "sim/rng.h"
#include "tests/bench/bench.h"

static double
mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The scenario of a case, in dir; its path (g_free). */
static char *
write_case(const char *dir, const char *name, unsigned size)
{
	char *path = g_strdup_printf("%s/%s.xml", dir, name);
	FILE *f = fopen(path, "w");

	if (!f) {
		perror(path);
		exit(1);
	}
	if (strcmp(name, "graph") == 0) {
		struct rng r;

		fprintf(f, "<scenario name=\"graph\">\n"
			"  <topology generate=\"ba\" nodes=\"%u\" m=\"2\" seed=\"1\"/>\n"
			"  <linkdefaults bandwidth=\"100Mbps\" delay=\"1ms\" queue=\"100p\"/>\n"
			"  <run end_time=\"3s\" pcap=\"none\"/>\n"
			"  <events><script><![CDATA[\n", size);
		rng_init(&r, 1, 0, "bench/mpi");
		for (unsigned i = 0; i < 200; i++) {
			unsigned a = (unsigned)rng_below(&r, size), b = (unsigned)rng_below(&r, size);

			if (a == b)
				b = (b + 1) % size;
			/* Router nK is 10.64.A.B, A.B = K + 1 in base 256 (doc/topology-import.md). */
			fprintf(f, "0 ON_ROUTER n%u usr.applications.Recv %u\n", b, 5000 + i);
			fprintf(f, "100 ON_ROUTER n%u usr.applications.Send 10.64.%u.%u %u 1000 "
				"size=1000 interval=2ms\n", a, (b + 1) / 256, (b + 1) % 256, 5000 + i);
		}
		fprintf(f, "  ]]></script></events>\n</scenario>\n");
	} else {
		fprintf(f, "<scenario name=\"rae\">\n"
			"  <topology generate=\"tiered\" nodes=\"%u\" seed=\"1\"/>\n"
			"  <linkdefaults delay=\"2ms\"/>\n"
			"  <run end_time=\"20s\" pcap=\"none\"/>\n"
			"  <deploy approach=\"none\" mrai=\"1\"/>\n"
			"</scenario>\n", size);
	}
	fclose(f);
	return path;
}

/* Run argv; its exit status (-1: not started). */
static int
run(char **argv)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		int fd = open("/dev/null", O_RDONLY);

		if (fd >= 0)
			dup2(fd, 0);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

static bool
same_file(const char *a, const char *b)
{
	char *x = NULL, *y = NULL;
	gsize nx = 0, ny = 0;
	bool same;

	if (!g_file_get_contents(a, &x, &nx, NULL))
		x = NULL;
	if (!g_file_get_contents(b, &y, &ny, NULL))
		y = NULL;
	same = (!x && !y) || (x && y && nx == ny && memcmp(x, y, nx) == 0);
	g_free(x);
	g_free(y);
	return same;
}

static JsonObject *
summary(JsonParser *p, const char *dir)
{
	char *path = g_strdup_printf("%s/summary.json", dir);
	JsonNode *root;

	if (!json_parser_load_from_file(p, path, NULL) ||
	    !(root = json_parser_get_root(p)) || !JSON_NODE_HOLDS_OBJECT(root)) {
		fprintf(stderr, "bench: no summary in %s\n", dir);
		exit(1);
	}
	g_free(path);
	return json_node_get_object(root);
}

static void
one_case(const char *tmp, const char *name, unsigned size, unsigned procs)
{
	char *scn = write_case(tmp, name, size);
	char *prog = g_strdup_printf("%s/cometsim", COMETSIM_BUILDDIR);
	double base = 0;

	/* np 1, then 2, 4 ... up to procs, each with windows then null messages. */
	for (unsigned k = 1; k < 64; k++) {
		unsigned np = k == 1 ? 1 : 1u << (k / 2);
		const char *sync = k % 2 ? "null" : "windows";

		if (np > procs)
			break;
		char *out = g_strdup_printf("%s/%s-%u-%s", tmp, name, np, sync);
		char npa[16];
		char *av1[] = { prog, "run", scn, "--out", out, "--quiet", NULL };
		char *avn[] = { "mpirun", "--allow-run-as-root", "--oversubscribe", "-np", npa,
				prog, "run", scn, "--out", out, "--quiet", "--sync", (char *)sync,
				NULL };
		JsonParser *p = json_parser_new();
		JsonObject *s;
		GString *rss = g_string_new(NULL), *wait = g_string_new(NULL);
		int64_t windows = 0, frames = 0;
		double t0, t1, wall;
		bool same = true;
		int st;

		snprintf(npa, sizeof(npa), "%u", np);
		t0 = mono();
		st = run(np == 1 ? av1 : avn);
		t1 = mono();
		if (st != 0) {
			fprintf(stderr, "bench: %s at np=%u exited %d\n", name, np, st);
			exit(1);
		}
		s = summary(p, out);
		wall = json_object_get_double_member(s, "wall_s");
		if (np == 1) {
			base = wall;
			g_string_append_printf(rss, "%" PRId64, json_object_get_int_member(s, "peak_rss_kb"));
			g_string_append(wait, "0");
		} else {
			JsonArray *a = json_object_get_array_member(s, "processes");

			for (guint i = 0; i < json_array_get_length(a); i++) {
				JsonObject *q = json_array_get_object_element(a, i);

				g_string_append_printf(rss, "%s%" PRId64, i ? "," : "",
						       json_object_get_int_member(q, "peak_rss_kb"));
				g_string_append_printf(wait, "%s%.3f", i ? "," : "",
						       json_object_get_double_member(q, "sync_wait_s"));
				windows = json_object_get_int_member(q, "windows");
				frames += json_object_get_int_member(q, "frames_sent");
			}
			for (const char *const *f = (const char *const[]){ "counters.csv", "log.txt",
						   "rae-paths.csv", NULL }; *f; f++) {
				char *a1 = g_strdup_printf("%s/%s-1-null/%s", tmp, name, *f);
				char *an = g_strdup_printf("%s/%s", out, *f);

				same &= same_file(a1, an);
				g_free(a1);
				g_free(an);
			}
		}
		printf("bench=mpi case=%s %s=%u np=%u sync=%s run_s=%.3f command_s=%.3f "
		       "speedup=%.2f peak_rss_kb=%s sync_wait_s=%s windows=%" PRId64
		       " frames_between=%" PRId64 " same_outputs=%s\n", name,
		       strcmp(name, "rae") ? "nodes" : "ases", size, np, np == 1 ? "-" : sync, wall,
		       t1 - t0, wall > 0 ? base / wall : 0, rss->str, wait->str, windows, frames,
		       np == 1 ? "-" : same ? "yes" : "NO");
		fflush(stdout);
		g_string_free(rss, TRUE);
		g_string_free(wait, TRUE);
		g_object_unref(p);
		g_free(out);
	}
	g_free(prog);
	g_free(scn);
}

void
bench_mpi(unsigned nodes, unsigned ases, unsigned procs)
{
	char tmp[] = "/tmp/cometsim-bench-mpi.XXXXXX";
	char *rm[] = { "rm", "-rf", tmp, NULL };

	if (!mkdtemp(tmp)) {
		perror("mkdtemp");
		exit(1);
	}
	one_case(tmp, "graph", nodes, procs);
	one_case(tmp, "rae", ases, procs);
	run(rm);
}
