/*
 * scenario.h - loading scenarios: topology XML, scenario XML, the curling
 * emulator's <SimOptions> control files and text scripts.
 *
 * Loading happens in two steps so that every user error shows up before
 * anything runs or any output is written:
 *   scenario_load()        parse and validate every file (XML schema,
 *                          script syntax, references between objects,
 *                          entity arguments through each class's init);
 *                          apply --set overrides; build a description.
 *   scenario_instantiate() create nodes, interfaces, links and routes in
 *                          a struct net and schedule the events.
 * Every error message starts with "file:line: ".
 */
#ifndef SCENARIO_SCENARIO_H
#define SCENARIO_SCENARIO_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/sim.h"

struct addr;
struct net;
struct scenario;

/* One --set NAME=VALUE. */
struct scn_override {
	const char *name;
	const char *value;
};

/* Run options a scenario carries; the command line may override each. */
struct scn_run_opts {
	sim_time_t end_time;	/* SIM_TIME_MAX if the scenario sets none */
	uint64_t seed;		/* default 1 */
	uint64_t run;		/* default 1 */
	const char *pcap;	/* "all", "none", or a list "n1,n2:eth0"; default "all" */
	unsigned snaplen;	/* default 65535 */
	const char *log_spec;	/* default "info" */
	const char *scheduler;	/* NULL: the default */
	uint64_t max_events;	/* stop after this many events; 0: no limit */
	sim_time_t max_wall;	/* stop after this much wall-clock time; 0: no limit */
};

/* scenario.c */

/*
 * Load and check a scenario (native <scenario>, or a curling <SimOptions>
 * file).  Returns NULL with a "file:line: message" in err on any error.
 */
struct scenario *scenario_load(const char *path, const struct scn_override *ov,
			       size_t nov, char *err, size_t errlen);
void scenario_free(struct scenario *s);
/* Name of the scenario (its name attribute, or the file's base name). */
const char *scenario_name(const struct scenario *s);
const char *scenario_path(const struct scenario *s);
const struct scn_run_opts *scenario_run_opts(const struct scenario *s);
/* Every parameter name --set accepts, one a line, with its current value. */
void scenario_list_params(const struct scenario *s, FILE *out);
/*
 * Build the network in net and schedule the scenario's events on its
 * simulator.  Returns 0, or -1 with err set (also when sim_interrupt()
 * stops it: the network is then half built).
 */
int scenario_instantiate(struct scenario *s, struct net *net, char *err, size_t errlen);
/* The topology as Graphviz DOT (nodes, interfaces, links with parameters). */
void scenario_write_dot(const struct scenario *s, FILE *out);

/* params.c */

/*
 * Check a pcap selection ("all", "none", or NODE and NODE:IFACE items,
 * comma separated) against the nodes and interfaces of the scenario,
 * those its scripts create included.  0, or -1 with *why saying what is
 * wrong, worded as for <run pcap=...>: the front end checks --pcap with
 * it, so that the option and the attribute fail alike.
 */
int scenario_check_pcap(const struct scenario *s, const char *sel, const char **why);

#endif /* SCENARIO_SCENARIO_H */
