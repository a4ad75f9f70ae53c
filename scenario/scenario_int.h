/*
 * scenario_int.h - what the files of the scenario loader share: the
 * description of a scenario (run options, parameters, topology, events)
 * and the prototypes of each step.  Only scenario/ includes it; everybody
 * else sees scenario/scenario.h.
 *
 * A description is built by the steps of scenario_load() (scenario.c),
 * and checked completely before anything is instantiated.  The files,
 * from the bottom up (each calls only those above it in this list):
 *   desc.c           the description: nodes, interfaces, links, events,
 *                    addresses, values as written, the error;
 *   params.c         <param> values and ${name} substitution;
 *   values.c         run options and link values: names, parsing,
 *                    printing;
 *   override.c       the command line's overrides: one merge, then each
 *                    replaces the value it names;
 *   script.c         curling script lines into events;
 *   scenario_xml.c   the XML files (scenario, topology, <SimOptions>),
 *                    validated against the embedded schemas;
 *   replay.c         the events replayed in time order: references
 *                    checked, the scripts' routers, links and entity
 *                    instances made;
 *   tap.c            <tap>: interfaces bound to TAP devices;
 *   build.c          scenario_instantiate() and the events' actions;
 *   scenario.c       the pipeline of scenario_load(), DOT, parameters.
 * The formats are documented in doc/scenario-format.md.
 */
#ifndef SCENARIO_SCENARIO_INT_H
#define SCENARIO_SCENARIO_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "entities/nodeid.h"
#include "scenario/scenario.h"
#include "sim/addr.h"
#include "sim/entity.h"
#include "sim/fileio.h"
#include "sim/net.h"
#include "sim/sim.h"
#include "sim/units.h"

/*
 * The most a scenario may ask for (doc/scenario-format.md, "Limits").
 * Beyond them a run would exhaust memory rather than fail: the loader
 * refuses them, naming the file and line, before the network is built.
 */
#define SCN_FILE_MAX		FILEIO_MAX	/* bytes of one XML or script file */
#define SCN_NODES_MAX		1000000u	/* nodes, from topologies and scripts */
#define SCN_LINKS_MAX		1000000u
/* interfaces from which a node's are found by name through a hash table */
#define SCN_IFACE_HASH_FROM	8u
#define SCN_QUEUE_PKTS_MAX	1000000u	/* a link queue's limit in frames ... */
#define SCN_QUEUE_BYTES_MAX	(1ull << 30)	/* ... and in bytes */
/* events of scripts, <at> and <app>: about 300 bytes each once parsed */
#define SCN_EVENTS_MAX		4000000u
/* bytes of the events' arguments in all, and of one text once substituted */
#define SCN_TEXT_MAX		SCN_FILE_MAX

/* Attributes of a link that an override may change, in this order. */
enum scn_lattr {
	LA_BANDWIDTH = 0,
	LA_DELAY,
	LA_MTU,
	LA_QUEUE,
	LA_LOSS,
	LA_WEIGHT,
	LA_COUNT
};

/* Run options, as the overrides name them, in this order. */
enum scn_ropt {
	RO_END_TIME = 0,
	RO_SEED,
	RO_RUN,
	RO_PCAP,
	RO_SNAPLEN,
	RO_LOG,
	RO_SCHEDULER,
	RO_MAX_EVENTS,
	RO_MAX_WALL,
	RO_ARP_QUEUE,
	RO_TIMESERIES,
	RO_TIMESERIES_INTERVAL,
	RO_REALTIME,
	RO_REALTIME_BOUND,
	RO_ROUTING,
	RO_COUNT
};

/*
 * A value as written, kept raw until the overrides are bound, then
 * substituted and parsed.
 */
struct scn_val {
	char *raw;		/* NULL: not given, the default applies */
	const char *file;	/* owned by the scenario's file list */
	int line;
	char *origin;		/* the override that replaced it ("--set NAME=VALUE"), or NULL */
};

/*
 * A user parameter: <param name= value=/>, used as ${name}.  Its value
 * may refer to other parameters; scn_params_expand() replaces them.
 */
struct scn_param {
	char *name;
	char *value;		/* as written or overridden; expanded by scn_params_expand() */
	const char *file;
	int line;
	char *origin;		/* the override that gave the value ("--set NAME=VALUE"), or NULL */
	bool expanded;		/* value holds no reference any more */
	char **sets;		/* origins of the overrides in the expanded value, or NULL */
};

struct scn_domain {
	char *name;
	char *asn;		/* as written, or NULL */
	char *prefixes;		/* space-separated list, or NULL */
	const char *file;
	int line;
};

/* A <part> of a <partition>: the nodes whose names match its patterns. */
struct scn_part {
	char **patterns;	/* globs (* and ?), as written */
	const char *file;
	int line;
};

struct scn_iface {
	char *name;
	enum iface_kind kind;
	char *parent;		/* IF_VLAN: name of the Ethernet interface */
	uint16_t vid;		/* IF_VLAN */
	struct addr gre_local, gre_remote;	/* IF_GRE */
	GArray *addrs;		/* struct ifaddr */
	const char *link;	/* IF_ETHER: name of the link attached, or NULL */
	bool scripted;		/* added by a START_LINK */
	const char *file;
	int line;
};

struct scn_route {
	struct prefix dst;
	struct addr gw;		/* unset: on-link through dev */
	char *dev;		/* NULL: the interface that reaches gw */
	uint32_t metric;
	const char *file;
	int line;
};

struct scn_node {
	char *name;
	char *label;		/* START_ROUTER's second argument, or NULL; for a router
				 * whose id is an address, that id as written */
	char *ident;		/* a router whose id is an address: its canonical form
				 * (addr_fmt), a key of node_by_name; else NULL */
	char *domain;		/* NULL: none */
	bool host;		/* does not forward */
	bool scripted;		/* created by a START_ROUTER at run time */
	struct addr router_id;	/* unset: none */
	GPtrArray *ifaces;	/* struct scn_iface*, creation order */
	GHashTable *iface_by_name;	/* once it has many: name -> struct scn_iface*; or NULL */
	GArray *routes;		/* struct scn_route */
	const char *file;
	int line;
	bool exists, up;	/* load-time replay of the events */
	unsigned life;		/* START_ROUTERs that brought it back up so far */
	unsigned eth_hint;	/* every "ethK" with K below it is taken (next_eth) */
};

/* The integer id and IPv4 address a router whose id is an address is given. */
struct scn_addr_id {
	char *num;		/* "1", "2" ...: the router's name if it has none */
	struct addr a;		/* nodeid_parse(num) */
};

struct scn_link {
	char *name;
	char *node[2];
	char *ifname[2];
	struct scn_val v[LA_COUNT];	/* raw NULL: the default */
	struct link_params p;	/* parsed */
	bool scripted;		/* created by a START_LINK at run time */
	bool imported;		/* from a graph (graph_build.c): <linkdefaults> apply */
	int rel;		/* its business relationship, enum graph_rel: node[0] to node[1] */
	const char *file;
	int line;
	bool exists, up;	/* load-time replay of the events */
};

enum scn_ev_kind {
	SEV_START_ROUTER = 0,
	SEV_END_ROUTER,
	SEV_START_LINK,
	SEV_END_LINK,
	SEV_APP,
	SEV_END_SIM,
};

struct scn_event {
	sim_time_t t;
	unsigned seq;		/* order of appearance: ties run in this order */
	enum scn_ev_kind kind;
	char **argv;		/* arguments after the command word (strv) */
	int argc;
	const char *file;
	int line;
	char *note;		/* the overrides of parameters substituted in it, or NULL */
	/* filled by scn_events_replay() */
	struct scn_node *node;
	struct scn_link *link;
	bool create;		/* START_*: create (false: bring back up) */
	struct entity *ent;	/* SEV_APP: the instance (owned) */
	bool deferred;		/* SEV_APP of a <deploy>: instance made by scn_deploy_finish() */
};

/* The node that has an address (scn_addr_claim), and where it got it. */
struct scn_addr_owner {
	struct addr a;
	const struct scn_node *node;
	const char *iface;	/* the interface's name, or NULL: the router id */
	const char *file;
	int line;
};

struct scenario {
	char *path;
	char *name;
	GPtrArray *files;	/* char*: every file name an error may cite */
	GPtrArray *params;	/* struct scn_param* */
	struct scn_val run[RO_COUNT];
	char *run_str[RO_COUNT];	/* substituted strings of the run options */
	struct scn_run_opts ro;
	bool auto_routes;
	struct scn_val ldef[LA_COUNT];	/* <linkdefaults>: links of scripts */
	struct link_params ldef_p;
	char *topo_name;
	GPtrArray *domains;	/* struct scn_domain* */
	/*
	 * <partition> (doc/parallel.md): its method, or its parts (struct
	 * scn_part*, in file order); NULL/empty when the scenario has none.
	 */
	char *part_method;
	GPtrArray *parts;
	const char *part_file;
	int part_line;
	GPtrArray *nodes;	/* struct scn_node*, topology then script */
	GPtrArray *links;	/* struct scn_link* */
	GPtrArray *events;	/* struct scn_event*, sorted by (t, seq) */
	GHashTable *node_by_name;	/* names and START_ROUTER labels */
	GHashTable *link_by_name;
	/* the replay's links by the names of their ends ("a\nb", a < b) -> GPtrArray */
	GHashTable *link_pairs;
	GHashTable *addr_owner;	/* struct addr* -> struct scn_addr_owner*: who has it */
	uint32_t id_hint;	/* every START_ROUTER id below it is taken */
	/*
	 * Routers whose id is an address (START_ROUTER fe80::1 dom1.Src1):
	 * the canonical address -> struct scn_addr_id*, given before the
	 * replay; and the integer ids they took -> the same, so that a
	 * START_ROUTER without id skips them.  NULL when a scenario has none.
	 */
	GHashTable *addr_ids;
	GHashTable *addr_id_nums;
	/*
	 * Lines the run logs at time 0, each ending with its file:line: what
	 * the parts of a usr <SimOptions> file mean here (scenario_xml.c).
	 * char*; empty for every other file.
	 */
	GPtrArray *notes;
	unsigned next_seq;
	uint64_t event_bytes;	/* the events' arguments, for SCN_TEXT_MAX */
	struct net *net;	/* set by scenario_instantiate() */
	struct scn_deploy *deploy;	/* <deploy> (deploy.c), or NULL */
	GArray *taps;		/* struct scn_tap, <tap> (tap.c); NULL: none */
	GPtrArray *bridges;	/* <bridge>s (bridge.c), or NULL: none */
};

/* An override once merged: the value that wins for its name (override.c). */
struct scn_ovr {
	char *name;
	char *value;
	char *origin;		/* as the user wrote it: "--set NAME=VALUE", "--seed 5" */
	bool used;		/* it replaced a value */
};

/* State of one scenario_load(): the first error wins. */
struct scn_ld {
	struct scenario *s;
	char *err;
	size_t errlen;
	bool failed;
	GPtrArray *ovr;		/* struct scn_ovr*, where each name first appeared */
	GHashTable *ovr_by_name;	/* name -> struct scn_ovr* */
	/* overrides substituted at note_file:note_line, for its errors */
	GString *note;
	const char *note_file;
	int note_line;
	/*
	 * the overrides substituted at every line so far ("LINE:FILE" ->
	 * GPtrArray of "--set NAME=VALUE", not owned), so that an error
	 * found later at a line, or citing it, names them too; NULL: none yet
	 */
	GHashTable *notes;
};

/* desc.c */

/*
 * Record the first error as "file:line: message" (file NULL: no prefix;
 * line 0 or less: no line), followed by " (with --set NAME=VALUE, ...)"
 * when values of overrides were substituted at file:line (scn_note_add).
 * Returns -1.
 */
int scn_error(struct scn_ld *ld, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* "file:line: warning: message" on stderr: allowed, but most likely not meant. */
void scn_warn(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * scn_error() for a message that also cites ofile:oline (the first of two
 * duplicates, the node that has an address): the overrides substituted
 * at either line are named.  Returns -1.
 */
int scn_error_also(struct scn_ld *ld, const char *file, int line, const char *ofile,
		   int oline, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
/*
 * scn_error() about a value kept as written, cited where it comes from:
 * the override that gave it ("--set link.ab.delay=-5ms: ...") or its
 * file:line.  Returns -1.
 */
int scn_val_error(struct scn_ld *ld, const struct scn_val *v, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Remember that the override `origin` ("--set NAME=VALUE", a parameter's
 * origin or sets: not copied, it outlives the load) gave a value
 * substituted at file:line (line -1: the override's own value, file its
 * origin), for the errors scn_error() records there later.
 */
void scn_note_add(struct scn_ld *ld, const char *file, int line, const char *origin);
/* A file name owned by the scenario, to cite in errors. */
const char *scn_file(struct scenario *s, const char *path);
/*
 * Read a file of the scenario whole, at most SCN_FILE_MAX bytes
 * (sim/fileio.h: the bound holds for what is read).  0 with *buf (g_free
 * it) and *len, or -1 with an error citing where it is referenced (from,
 * from_line), or path itself when from is NULL; what names the file
 * ("topology", "script file") in "cannot read" errors.
 */
int scn_file_read(struct scn_ld *ld, const char *path, const char *from, int from_line,
		  const char *what, char **buf, size_t *len);
/* The path of `ref` as written in `from`: relative paths are relative to from's folder. */
char *scn_path_join(const char *from, const char *ref);
/* A node added to s (and to its name table); s owns it. */
struct scn_node *scn_node_new(struct scenario *s, const char *name,
			      const char *file, int line);
/*
 * Record that node n has address a, on interface `iface` (NULL: as its
 * router id), written at file:line.  An address belongs to one node: if
 * another node has it already, the error "<what> <a> is also on node
 * <other> (<its iface or router id>, <file>:<line>)" is recorded and -1
 * returned.  The same node may have it more than once (a curling router
 * has its address on every interface).  IPv6 link-local addresses are
 * not recorded: each link has its own.  Returns 0 or -1.
 */
int scn_addr_claim(struct scn_ld *ld, const struct scn_node *n, const char *iface,
		   const struct addr *a, const char *file, int line, const char *what);
/* The node that has address a, or NULL. */
const struct scn_addr_owner *scn_addr_owner(const struct scenario *s, const struct addr *a);
/* An interface added to n; n owns it. */
struct scn_iface *scn_iface_new(struct scn_node *n, const char *name,
				enum iface_kind kind, const char *file, int line);
/* The interface of n called name, or NULL. */
struct scn_iface *scn_node_iface(const struct scn_node *n, const char *name);
/* A link added to s, without name or ends yet; s owns it. */
struct scn_link *scn_link_new(struct scenario *s, const char *file, int line);
/* An event added to s, numbered in order of appearance; s owns it. */
struct scn_event *scn_event_new(struct scenario *s, sim_time_t t, enum scn_ev_kind kind,
				const char *file, int line);
/* Sort the events by (time, order of appearance). */
void scn_events_sort(struct scenario *s);
/* An empty description of the scenario at path, with the default run options. */
struct scenario *scn_desc_new(const char *path);
/* Keep raw as v's value as written at file:line. */
void scn_val_set(struct scn_val *v, const char *raw, const char *file, int line);
void scn_val_clear(struct scn_val *v);

/* params.c */

struct scn_param *scn_param_find(const struct scenario *s, const char *name);
/*
 * Replace each ${name} in `in` by the parameter's value.  Returns a new
 * string, or NULL with an error cited at file:line.
 */
char *scn_subst(struct scn_ld *ld, const char *in, const char *file, int line);
/*
 * Expand the references between parameters, once each <param> has taken
 * its override: each value becomes what it means, so that ${name} is
 * replaced by text without references.  A parameter that refers to
 * itself, directly or through others, an undefined name or a value too
 * large is an error at the parameter's line.  Returns 0 or -1.
 */
int scn_params_expand(struct scn_ld *ld);
/* scn_subst() for a value: cites the value's origin. */
char *scn_val_subst(struct scn_ld *ld, const struct scn_val *v);

/* values.c */

/* Name of a link attribute ("bandwidth", ...) and of a run option ("end_time", ...). */
const char *scn_lattr_name(enum scn_lattr a);
const char *scn_ropt_name(enum scn_ropt o);
/* The link attribute called name, or -1. */
int scn_lattr_lookup(const char *name);
/*
 * The two values of a link that are lists, each item in the grammar of
 * sim/units.h: a queue's limits ("50p 64KiB") and a loss model
 * ("bernoulli 0.01").  Return 0, or -1 with the message in err.
 */
int scn_parse_queue(const char *s, uint32_t *pkts, uint64_t *bytes, char *err,
		    size_t errlen);
int scn_parse_loss(const char *s, struct loss_model *lm, char *err, size_t errlen);
char *scn_fmt_queue(uint32_t pkts, uint64_t bytes, char *buf, size_t len);
char *scn_fmt_loss(const struct loss_model *lm, char *buf, size_t len);
/* Format one link attribute of p. */
char *scn_fmt_lattr(const struct link_params *p, enum scn_lattr a, char *buf, size_t len);
/* Substitute and parse every value kept as written (run options, link defaults, links). */
int scn_values_parse(struct scn_ld *ld);
/*
 * Call fn for every name an override may give with its current value, in
 * a stable order; values are those parsed (or raw, before parsing).
 */
void scn_params_foreach(const struct scenario *s,
			void (*fn)(void *ctx, const char *name, const char *value),
			void *ctx);

/* deploy_write.c */

/* The approach of the scenario's <deploy> as --set deploy.approach names it, or NULL. */
const char *scn_deploy_approach(const struct scenario *s);

/* override.c */

/*
 * Merge the caller's list (in precedence order: a later entry wins) into
 * one override per name, in ld.  Returns 0, or -1 for an entry without a
 * name.
 */
int scn_overrides_merge(struct scn_ld *ld, const struct scn_override *ov, size_t nov);
void scn_overrides_free(struct scn_ld *ld);
/* A <param> just read takes the override of its name, if there is one. */
void scn_overrides_param(struct scn_ld *ld, struct scn_param *p);
/*
 * Every other override replaces the value it names (a run option, a link
 * default, a link's attribute): call once the events are replayed, so
 * that the links the scripts start exist.  An override that names
 * nothing is an error listing the names there are.  Returns 0 or -1.
 */
int scn_overrides_bind(struct scn_ld *ld);

/* script.c */

/*
 * Parse a curling script (one event a line) from text; first_line is the
 * line number of its first line in `file`; *prev is the time "+N" lines
 * are relative to, updated line by line.
 */
int scn_script_parse(struct scn_ld *ld, const char *text, const char *file,
		     int first_line, sim_time_t *prev);
/* Parse one command without its time ("END_LINK 1 2") as an event at t. */
int scn_script_command(struct scn_ld *ld, sim_time_t t, const char *cmd,
		       const char *file, int line);
/* Parse a script file referenced from file:line. */
int scn_script_load(struct scn_ld *ld, const char *path, const char *from,
		    int from_line);

/* scenario_xml.c */

/*
 * An attribute of e with its ${name} references substituted, or NULL
 * when e has none; on a bad reference NULL, *rc set to -1 and the error
 * recorded at e's line.
 */
struct _xmlNode;
char *scn_xml_attr(struct scn_ld *ld, struct _xmlNode *e, const char *file, const char *name,
		   int *rc);
/* Read a scenario, topology or <SimOptions> file, and what it names, into ld->s. */
int scn_xml_load(struct scn_ld *ld, const char *path);
/*
 * Check what the nodes and links of the topology refer to, once it is
 * all read (domains, interfaces, gateways, addresses claimed once, links
 * between existing Ethernet interfaces); mark them existing and up.
 */
int scn_topo_check(struct scn_ld *ld);

/* graph_build.c: topologies of other formats and generated ones */

struct graph;
struct graph_gen_params;
/*
 * The nodes, links, addresses and domains of graph g: each cited at its
 * own line of file (or at line when it has none); what is wrong with the
 * graph as a whole (too many nodes or links, none) at at:at_line, the
 * <topology> that asks for it.
 */
int scn_graph_build(struct scn_ld *ld, const struct graph *g, const char *file, int line,
		    const char *at, int at_line);
/*
 * Read the topology file `ref` (relative to from's folder; from NULL: as
 * given) in `format` and build it; errors cite the file's own lines, or
 * from:line for the reference.
 */
int scn_topology_import(struct scn_ld *ld, const char *from, int line, const char *ref,
			const char *format);
/* Generate a topology with `model` and build it; errors cite from:line. */
int scn_topology_generate(struct scn_ld *ld, const char *from, int line, const char *model,
			  const struct graph_gen_params *p);

/* replay.c */

/*
 * Sort the events by time and replay them: check every node, link and
 * class they name, create the script's routers and links, create the
 * entity instances (running each class's init); then run each
 * instance's check against every node the scenario has.
 */
int scn_events_replay(struct scn_ld *ld);
/* Make the instance of an SEV_APP event (its class's init).  Returns 0 or -1. */
int scn_event_instance(struct scn_ld *ld, struct scn_event *ev);
/*
 * Run every instance's check against the scenario, in the events' order
 * (scn_events_replay() does, unless a <deploy> still has instances to
 * make: then scn_deploy_finish() does).  Returns 0 or -1.
 */
int scn_events_check(struct scn_ld *ld);

/* workload.c */

/* A deployment's workload, as read from <catalogue> and <requests>. */
struct scn_workload {
	unsigned ncontents;		/* c1 .. cN */
	const char **names;		/* the contents' names when named (not c<i>), or NULL */
	uint64_t size_min, size_max;	/* bytes; equal: every content has that size */
	uint64_t *sizes;		/* drawn: scn_workload_sizes() */
	bool requests;			/* a <requests> was given */
	double rate;			/* requests a second per client (Poisson); 0: trace */
	double zipf;			/* popularity exponent; 0: uniform */
	sim_time_t start, duration;
	char *trace;			/* file of "time client content" lines, or NULL */
	const char *file, *cat_file;	/* where <requests> and <catalogue> are */
	int line, cat_line;
};

/* One request: at t, client (an index), content (0-based). */
struct scn_request {
	sim_time_t t;
	unsigned client, content, seq;
	/* a trace line's options (doc/deploy.md): 0 where not given */
	unsigned cos, port, line;
	uint64_t bandwidth;
	bool has_cos, has_bandwidth;
};

struct _xmlNode;
int scn_workload_parse_catalogue(struct scn_ld *ld, struct _xmlNode *e, const char *file,
				 struct scn_workload *w);
int scn_workload_parse_requests(struct scn_ld *ld, struct _xmlNode *e, const char *file,
				struct scn_workload *w);
/* Draw the contents' sizes (w->sizes) for the run (seed, run). */
void scn_workload_sizes(struct scn_workload *w, uint64_t seed, uint64_t run);
/* The requests (struct scn_request) into out, sorted by time; 0 or -1. */
int scn_workload_requests(struct scn_ld *ld, const struct scn_workload *w, uint64_t seed,
			  uint64_t run, const char *const *clients, unsigned nclients,
			  GArray *out);
void scn_workload_fini(struct scn_workload *w);

/* tap.c */

/* Read a <tap> element into ld->s->taps. */
int scn_tap_parse(struct scn_ld *ld, struct _xmlNode *e, const char *file);
/* Once the topology, the events and <deploy> are in: what each <tap> names. */
int scn_taps_check(struct scn_ld *ld);
/* The tapped interfaces' MTU, once the network is built. */
void scn_taps_build(const struct scenario *s, struct net *net);
void scn_taps_free(struct scenario *s);

/* bridge.c */

/* The attributes of <bridge>, in the order scn_bridge_add() takes their values. */
#define SCN_BRIDGE_NATTRS 7
extern const char *const scn_bridge_attrs[SCN_BRIDGE_NATTRS];
/* A <bridge> at file:line with its attributes' values (NULL: absent; taken over). */
void scn_bridge_add(struct scn_ld *ld, const char *file, int line, char **v);
/* Check every bridge once the nodes are known; a bridge makes the run real-time. */
int scn_bridges_check(struct scn_ld *ld);
void scn_bridges_free(struct scenario *s);
/*
 * What talks with the world outside (a <bridge>, a <tap>, the first at
 * file:line, `who` in messages) makes the run follow the wall clock: a
 * realtime no (scenario or --set) is refused, none is made yes.
 */
int scn_need_realtime(struct scn_ld *ld, const char *file, int line, const char *who);

/* deploy.c */

struct scn_deploy;
/* Read a <deploy> element into ld->s->deploy. */
int scn_deploy_parse(struct scn_ld *ld, struct _xmlNode *e, const char *file);
/* Once the files are read: ASes, neighbours, nodes, prefixes, the events. */
int scn_deploy_plan(struct scn_ld *ld);
/* Once the values are parsed: the files, then the events' instances, then every check. */
int scn_deploy_finish(struct scn_ld *ld);
void scn_deploy_free(struct scn_deploy *d);

/*
 * scenario/schema/NAME.xsd.c, generated from scenario/schema/NAME.xsd at
 * build time (scripts/embed-xsd.sh, Makefile.am's rule for schemas)
 */
extern const unsigned char xsd_scenario_schema_topology[];
extern const unsigned int xsd_scenario_schema_topology_len;
extern const unsigned char xsd_scenario_schema_scenario[];
extern const unsigned int xsd_scenario_schema_scenario_len;
extern const unsigned char xsd_scenario_schema_simoptions[];
extern const unsigned int xsd_scenario_schema_simoptions_len;

#endif /* SCENARIO_SCENARIO_INT_H */
