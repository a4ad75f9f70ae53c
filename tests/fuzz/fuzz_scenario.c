/*
 * fuzz_scenario.c - the scenario loader (scenario/; doc/scenario-format.md):
 * the input is a scenario file, <scenario>, <topology> or the curling
 * emulator's <SimOptions>, loaded by scenario_load as `cometsim check`
 * loads it.
 *
 * scenario_load takes a path, so the input is written to s/fuzz.xml of
 * the harness's temporary folder, beside copies of the project's
 * scripts; the project's topologies are in ../topologies/, where the
 * sample scenarios look for them.  A scenario that loads is then built
 * (scenario_instantiate), drawn as DOT, and run for a few thousand
 * events, so that what the loader accepted is also what the engine and
 * the entities can start from.
 */
#include <stdio.h>
#include <stdlib.h>

#include <glib.h>

#include "entities/registry.h"
#include "scenario/scenario.h"
#include "sim/net.h"
#include "tests/fuzz/fuzz.h"

#define RUN_EVENTS	3000	/* events run after a successful load */

static char *path;

static void
setup(void)
{
	FUZZ_CHECK(entities_register_all() == 0);
	fuzz_copy_files("topologies", ".xml", "topologies");
	fuzz_copy_files("topologies", ".script", "topologies");
	fuzz_copy_files("scenarios", ".script", "s");
	path = g_build_filename(fuzz_tmpdir(), "s", "fuzz.xml", NULL);
}

/* Build and run a loaded scenario briefly. */
static void
run(struct scenario *s)
{
	struct sim *sim = sim_create(NULL);
	struct net *net = net_create(sim, scenario_run_opts(s)->seed, scenario_run_opts(s)->run);
	char err[1024];
	char *text = NULL;
	size_t tlen = 0;
	FILE *f = open_memstream(&text, &tlen);

	FUZZ_CHECK(f != NULL);
	scenario_write_dot(s, f);
	scenario_list_params(s, f);
	fclose(f);
	free(text);
	if (scenario_instantiate(s, net, err, sizeof(err)) == 0) {
		sim_set_event_limit(sim, RUN_EVENTS);
		sim_run(sim, scenario_run_opts(s)->end_time);
	} else {
		FUZZ_CHECK(err[0] != '\0');
	}
	net_stop_entities(net);
	net_destroy(net);
	sim_destroy(sim);
	/* Every packet goes with the network: none left in queues or events. */
	FUZZ_CHECK(pkt_outstanding() == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scenario *s;
	char err[2048] = "";

	if (!path)
		setup();
	g_free(fuzz_write("s/fuzz.xml", data, size));
	s = scenario_load(path, NULL, 0, err, sizeof(err));
	if (!s) {
		FUZZ_CHECK(err[0] != '\0');
		fuzz_verdict = FUZZ_REJECTED;
		return 0;
	}
	fuzz_verdict = FUZZ_ACCEPTED;
	FUZZ_CHECK(scenario_name(s) != NULL);
	run(s);
	scenario_free(s);
	return 0;
}
