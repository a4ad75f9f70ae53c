/*
 * fuzz_script.c - the curling emulator's text scripts (scenario/script.c,
 * doc/scenario-format.md "Curling files"): START_ROUTER, START_LINK,
 * ON_ROUTER, END_LINK and the rest, one timed line each.
 *
 * The input is the script a fixed <SimOptions> control file names, both
 * in the harness's temporary folder; scenario_load reads the control
 * file, parses the script and replays it (routers and links created,
 * entities' arguments checked).  A script that loads is built and run
 * for a few thousand events.
 */
#include <glib.h>

#include "entities/registry.h"
#include "scenario/scenario.h"
#include "sim/net.h"
#include "tests/fuzz/fuzz.h"

#define RUN_EVENTS	3000

static const char control[] =
	"<?xml version=\"1.0\"?>\n"
	"<SimOptions>\n"
	"  <EventEngine>\n"
	"    <Name>Script</Name>\n"
	"    <Parameters>fuzz.script</Parameters>\n"
	"    <EndTime>5</EndTime>\n"
	"  </EventEngine>\n"
	"</SimOptions>\n";

static char *path;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct scenario *s;
	struct sim *sim;
	struct net *net;
	char err[2048] = "";

	if (!path) {
		FUZZ_CHECK(entities_register_all() == 0);
		path = fuzz_write("c/control.xml", control, sizeof(control) - 1);
	}
	g_free(fuzz_write("c/fuzz.script", data, size));
	s = scenario_load(path, NULL, 0, err, sizeof(err));
	if (!s) {
		FUZZ_CHECK(err[0] != '\0');
		fuzz_verdict = FUZZ_REJECTED;
		return 0;
	}
	fuzz_verdict = FUZZ_ACCEPTED;
	sim = sim_create(NULL);
	net = net_create(sim, 1, 1);
	if (scenario_instantiate(s, net, err, sizeof(err)) == 0) {
		sim_set_event_limit(sim, RUN_EVENTS);
		sim_run(sim, scenario_run_opts(s)->end_time);
	}
	net_stop_entities(net);
	net_destroy(net);
	sim_destroy(sim);
	/* Every packet goes with the network: none left in queues or events. */
	FUZZ_CHECK(pkt_outstanding() == 0);
	scenario_free(s);
	return 0;
}
