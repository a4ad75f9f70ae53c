/*
 * scenario.h - loading scenarios: topology XML, scenario XML, the curling
 * emulator's <SimOptions> control files and text scripts; the overrides
 * of the command line.
 *
 * Loading happens in two steps so that every user error shows up before
 * anything runs or any output is written:
 *   scenario_load()        read and check every file (XML schema,
 *                          script syntax, references between objects,
 *                          entity arguments through each class's init),
 *                          with the overrides in; build a description.
 *   scenario_instantiate() create nodes, interfaces, links and routes in
 *                          a struct net and schedule the events.
 * Every error message starts with "file:line: " (or with the override
 * that gave the bad value).
 */
#ifndef SCENARIO_SCENARIO_H
#define SCENARIO_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <glib.h>

#include "sim/sim.h"

struct net;
struct scenario;

/*
 * One override of the command line: --set NAME=VALUE, or a run option's
 * own flag (--seed 5 is the override seed=5, --end 10s end_time=10s).
 * scenario_load() takes a list of them in precedence order: for one
 * name, a later entry wins over an earlier one, and every entry wins
 * over what the files say.
 */
struct scn_override {
	const char *name;
	const char *value;
	const char *origin;	/* as the user wrote it, for messages ("--seed 5");
				   NULL: "--set NAME=VALUE" */
};

/* Run options a scenario carries, overrides in (the name --set knows each by). */
struct scn_run_opts {
	sim_time_t end_time;	/* end_time; SIM_TIME_MAX if the scenario sets none */
	uint64_t seed;		/* seed; default 1 */
	uint64_t run;		/* run; default 1 */
	const char *pcap;	/* pcap: "all", "none", or a list "n1,n2:eth0"; default "all" */
	unsigned snaplen;	/* snaplen; default 65535 */
	const char *log_spec;	/* log; default "info" */
	const char *scheduler;	/* scheduler; NULL: the default */
	uint64_t max_events;	/* max_events: stop after this many events; 0: no limit */
	sim_time_t max_wall;	/* max_wall: stop after this much wall-clock time; 0: none */
	uint32_t arp_queue_pkts;	/* arp_queue: packets an unresolved neighbour holds; 0: no limit */
	uint64_t arp_queue_bytes;	/* arp_queue: their frame bytes; 0: no limit; default
					   NET_ARP_QUEUE_BYTES */
	const char *timeseries;	/* timeseries: the series sampled (sim/series.h); NULL:
				   none, the default */
	sim_time_t timeseries_interval;	/* timeseries_interval: between samples; default 1s */
	enum scn_realtime {
		SCN_RT_NO = 0,	/* realtime "no": as fast as it goes, the default */
		SCN_RT_YES,	/* "yes": virtual time follows the wall clock */
		SCN_RT_STRICT,	/* "strict": and the run stops past realtime_bound */
	} realtime;
	sim_time_t realtime_bound;	/* realtime_bound: the lag "strict" allows; default 100ms */
};

/* scenario.c */

/*
 * Load and check a scenario (native <scenario>, a bare <topology>, or a
 * curling <SimOptions> file), with the nov overrides of ov (in
 * precedence order; the caller keeps them).  Returns NULL with a
 * "file:line: message" in err on any error.
 */
struct scenario *scenario_load(const char *path, const struct scn_override *ov,
			       size_t nov, char *err, size_t errlen);
/*
 * scenario_load() of a topology file of another format (caida, graphml,
 * rocketfuel, brite, edgelist: doc/topology-import.md); format NULL: a
 * scenario as scenario_load() reads it.
 */
/* Whether scenario_load_as() reads that format. */
bool scenario_format_known(const char *format);
struct scenario *scenario_load_as(const char *path, const char *format,
				  const struct scn_override *ov, size_t nov, char *err,
				  size_t errlen);
/* Name of the scenario (its name attribute, or the file's base name). */
const char *scenario_name(const struct scenario *s);
const char *scenario_path(const struct scenario *s);
const struct scn_run_opts *scenario_run_opts(const struct scenario *s);
/* Every parameter name --set accepts, one a line, with its current value. */
void scenario_list_params(const struct scenario *s, FILE *out);
/* The topology as Graphviz DOT (nodes, interfaces, links with parameters). */
void scenario_write_dot(const struct scenario *s, FILE *out);
/* The same for a reader: a line per node, then a line per link. */
void scenario_write_text(const struct scenario *s, FILE *out);

/* tap.c */

/*
 * A <tap>: the emulated Ethernet interface node:iface bound to the Linux
 * TAP device `device`, of network namespace netns (an `ip netns` name or
 * a path) when given (doc/emulation.md, "The TAP bridge").  The loader
 * has checked that the interface is one of the topology's, has no link,
 * and is the only one bound to that device.
 */
struct scn_tap {
	char *node, *iface, *device;
	char *netns;		/* the network namespace the device is in; NULL: the process's */
	uint32_t mtu;		/* the interface's IP MTU; default 1500 */
	const char *file;	/* where the <tap> is */
	int line;
};

/* The scenario's <tap> elements in file order; *n their number (0: none). */
const struct scn_tap *scenario_taps(const struct scenario *s, size_t *n);

/* bridge.c */

/*
 * A socket bridge of the scenario (<bridge>, doc/emulation.md), checked:
 * the nodes exist from the start, the host address is on the loopback.
 */
struct scn_bridge {
	const char *name;	/* name=, or "bridge-LINE" */
	const char *file;	/* where the element is, for messages */
	int line;
	const char *node;	/* the node whose port is reached (inward) or taken (outward) */
	const char *from;	/* inward: the node connections come from; outward NULL */
	bool udp;		/* proto="udp" (else TCP) */
	bool outward;		/* connect= (else listen=) */
	uint16_t port;		/* the emulated port */
	uint8_t host_ip[4];	/* listen= or connect= address, network order */
	uint16_t host_port;
};

/* How many bridges the scenario has, and the i-th (i < the count). */
size_t scenario_bridge_count(const struct scenario *s);
const struct scn_bridge *scenario_bridge(const struct scenario *s, size_t i);

/* deploy.c */

/*
 * Write what the scenario's <deploy> generated into the folder dir (made
 * if missing): its configuration files and deploy.script, the events
 * (doc/deploy.md).  Returns 0, or -1 with err set (no <deploy>, a file
 * that cannot be written).
 */
int scenario_deploy_write(const struct scenario *s, const char *dir, char *err,
			  size_t errlen);
/*
 * The names scenario_deploy_write() writes in its folder, in the order
 * it writes them (NULL-terminated; g_strfreev() it), or NULL without
 * <deploy>.
 */
char **scenario_deploy_files(const struct scenario *s);
/*
 * Whether dir can be the folder of scenario_deploy_write(): its path goes
 * into the events written, and must have no blank and no "${".  0, or
 * -1 with err set.
 */
int scenario_deploy_write_check(const char *dir, char *err, size_t errlen);
/*
 * Whether the scenario's <deploy> says approach="both" (and no --set
 * deploy.approach chose one): the loaded scenario is its decoupled half;
 * loading it again with deploy.approach=coupled gives the other.
 */
bool scenario_deploy_both(const struct scenario *s);

/*
 * A split run (doc/parallel.md): the part, 0 to nparts - 1, of every node
 * of the scenario (its topology's and its scripts'), and the lookahead,
 * the smallest delay of the links between parts.
 */
struct scn_partition {
	unsigned nparts;
	const char *method;	/* "domain" or "graph" */
	GHashTable *part;	/* node name -> GUINT_TO_POINTER(part + 1) */
	unsigned *nodes;	/* per part: its nodes */
	unsigned cut;		/* links between parts */
	sim_time_t lookahead;	/* their smallest delay; SIM_TIME_NEVER: none */
	const char *lookahead_link;	/* the link that has it */
};

/* partition.c */

/* Whether an event of s starts an entity of class kind `kind` ("crme"). */
bool scenario_uses_kind(const struct scenario *s, const char *kind);

/*
 * Split the nodes of s into nparts parts, by method "domain", "graph" or
 * NULL (domain when there are as many domains as parts, else graph); no
 * link without delay is cut.  0, or -1 with err set.
 */
int scenario_partition(struct scenario *s, unsigned nparts, const char *method,
		       struct scn_partition *p, char *err, size_t errlen);
/* The part of the node named name (as net->rank_of; ctx: the partition). */
int scenario_partition_rank(void *ctx, const char *name);
void scenario_partition_free(struct scn_partition *p);
/* Print deploy.script, the events of the scenario's <deploy>; -1 with err if it has none. */
int scenario_deploy_print(const struct scenario *s, FILE *out, char *err, size_t errlen);

/* desc.c */

/*
 * Free the description and every entity instance, started or not: call
 * it after net_destroy(), which stops them.
 */
void scenario_free(struct scenario *s);

/* build.c */

/*
 * Build the network in net and schedule the scenario's events on its
 * simulator.  Returns 0, or -1 with err set (also when sim_interrupt()
 * stops it: the network is then half built).
 */
int scenario_instantiate(struct scenario *s, struct net *net, char *err, size_t errlen);

#endif /* SCENARIO_SCENARIO_H */
