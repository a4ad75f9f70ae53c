/*
 * deploy_int.h - what the files of <deploy> share (doc/deploy.md):
 * deploy.c (the description, the plan and the events), deploy_place.c
 * (the hosts and the domains they go to), deploy_conf.c (the
 * configuration files), deploy_routers.c (the entities on the routers
 * of a domain, as D4.3's coupled topologies have them) and
 * deploy_write.c (cometsim deploy: printed and written out).
 */
#ifndef SCENARIO_DEPLOY_INT_H
#define SCENARIO_DEPLOY_INT_H

#include "entities/curling/curling.h"
#include "scenario/scenario_int.h"

#define DEP_PORT_RAE	10001	/* the RAEs' TCP port */
#define DEP_PORT_CME	9090	/* the CME's (or the CRME's) port for its RAE */
#define DEP_PORT_CRME	3000	/* the CRMEs' port (the curling scripts') */
#define DEP_PORT_CAFE	2000	/* the stateful CAFEs' port */
#define DEP_CURLING_MAX	CURLING_MAX_LINKS	/* a CAFE's links, a CRME's providers, peers */
#define DEP_KEYS_MAX	255	/* keys are one byte, 0 unused: neighbours of one AS with keys */
#define DEP_POOL	"100.64.0.0/10"	/* the domains' prefixes when they have none */

enum dep_approach { DEP_DECOUPLED = 0, DEP_COUPLED, DEP_NONE };

/* Relationship of a neighbour to the AS that holds it. */
enum dep_rel { REL_NONE = 0, REL_CUSTOMER, REL_PEER, REL_PROVIDER, REL_SIBLING };


/* A class of service: the decision parameters the RAEs and CMEs get. */
struct dep_class {
	unsigned id;
	char *cos;
	char *v[6];	/* as written: delay, loss, bandwidth; aspiration then reservation */
};


struct dep_as;

struct dep_nbr {
	struct dep_as *as;
	const struct scn_link *link;	/* the first link between the two domains */
	enum dep_rel rel;		/* the neighbour's relationship to this AS */
	unsigned key;			/* this AS's key towards it, 1..255 */
	const struct scn_link *rlink;	/* the link between the two RAEs' nodes */
	struct addr peer_ip;		/* the neighbour's RAE's address on it */
	char *ifname;			/* this node's interface on it */
};

struct dep_as {
	uint32_t asn;
	unsigned ncust, nprov;		/* neighbours that are its customers, its providers */
	unsigned nsrv;			/* server hosts in it */
	unsigned next_slot;		/* the next /30 of its first prefix for a host */
	bool pooled;			/* its prefix is from the pool (prefixes=) */
	const struct scn_domain *dom;
	struct scn_node *node;		/* holds the RAE and the CME */
	struct addr ip;			/* the RAE's address */
	unsigned idx;			/* its index in d->ases */
	struct scn_node *cme_node;	/* holds its CME: the node, a host (cme=), or NULL: none */
	struct addr cme_ip;		/* that CME's address */
	GArray *prefixes;		/* struct prefix */
	GArray *nbrs;			/* struct dep_nbr, by AS number */
};

/* Where hosts go: <servers where= hosts=/> or <clients .../>. */
struct dep_place {
	char *where;		/* all, stub, transit, tier1, top:N, or domain names; NULL: none */
	unsigned hosts;		/* per domain chosen */
	unsigned port;		/* the clients' first port for a request (port=) */
	bool nosave;		/* save="no": coupled clients and servers keep no copy */
	const char *file;
	int line;
};

/* A server or client host the deployment adds to a domain. */
struct dep_host {
	struct scn_node *node;
	struct dep_as *as;
	const char *rif;	/* the RAE node's interface towards it */
	struct addr ip;
	struct addr cafe;	/* the address of the CAFE it sends through (coupled) */
	unsigned next_port;	/* the clients' next port for a request */
	bool on_router;		/* where="node:...": a router of the topology, not a host made */
};

/* A content named by <content name= size= seed= server=/>. */
struct dep_content {
	char *name;
	uint64_t size;
	char *seed;		/* as written, or NULL: the server's default */
	char *server;		/* the router that serves it */
	struct scn_node *node;	/* that router, once planned */
	struct dep_as *as;	/* its domain */
	const char *file;
	int line;
	/* the decoupled approach (deploy_hosts.c) */
	const char *rif;	/* the domain node's interface towards the server host */
	struct addr gw;		/* that interface's address: the server's edge CAFE */
	char *agent;		/* agent=: the node the CME asks as its CAFE agent, or NULL */
	struct addr agent_ip;	/* the agent's address: agent='s node's, else gw */
	struct addr node_ip;	/* the server host's address */
};

/* <inside> or <links>: metrics the RAEs give, for some domains (doc/deploy.md). */
struct dep_metric {
	char **domains;		/* names, or NULL: every domain */
	char *v[3];		/* delay, loss, bandwidth as written; NULL: not given */
	int transit;		/* <inside transit=>: 1, 0, or -1 not given */
	const char *file;
	int line;
};

/* An entry of a decoupled key plan: domain as, entered from (0: it starts there), left to (0: ends). */
struct dep_keyent {
	uint32_t as, from, to;
};

enum { PL_SERVERS = 0, PL_CLIENTS = 1 };

/* A file the deployment made: its name (the in-memory one) and text. */
struct dep_doc {
	char *name;
	char *base;	/* the name of the file --write makes */
	GString *text;
};

struct scn_deploy {
	const char *file;
	int line;
	enum dep_approach approach;
	bool both;		/* approach="both": cometsim run runs it once for each */
	sim_time_t start;
	char *timers;		/* the RAE's "keepalive=.. hold=.. retry=.. pace=..", or "" */
	unsigned limit, mrai;
	struct prefix pool;
	GArray *classes;	/* struct dep_class */
	GPtrArray *ases;	/* struct dep_as*, by AS number */
	GPtrArray *docs;	/* struct dep_doc* */
	GPtrArray *cmds;	/* char*: the events, "TIME COMMAND" as a script writes them */
	struct dep_place place[2];	/* servers, clients */
	GPtrArray *hosts[2];	/* struct dep_host*: servers, clients, in AS order */
	struct scn_workload wl;
	bool has_catalogue;
	/* D4.3's coupled topologies (deploy_routers.c) */
	bool by_id;		/* domains="d.h": router d.h is in domain d, AS d */
	bool c2p;		/* links="c2p": an inter-domain link is customer to provider */
	bool no_rae;		/* rae="no" */
	bool node_first;	/* node="first": the domain's first router, not its first border */
	bool cafe_routers;	/* cafes="routers": a CAFE on every router but the domain's node */
	sim_time_t t_crme, t_cafe, t_server;	/* <start>; each start= by default */
	bool has_start;
	GPtrArray *contents;	/* struct dep_content*: <content>; NULL: none */
	bool start_coupled;	/* <start> gave crme= or cafe= */
	/* a written topology with its own hosts, decoupled (deploy_hosts.c) */
	char **only;		/* domains="NAMES": the domains deployed; NULL: every one */
	const char *only_attr;	/* "domains" when only is set */
	bool addr_border;	/* address="border": the RAE's address on its first inter-domain link */
	char *cme_hosts;	/* cme="HOSTS": the CMEs are on these hosts; NULL: on each node */
	char *collect;		/* collect=: the CMEs' collect_interval, as written; NULL: 0 */
	bool report;		/* report="yes": no report=0 for the RAEs and CMEs */
	bool keys_as;		/* keys="as": the key towards a neighbour is its AS number */
	sim_time_t t_rae;	/* <start rae=> */
	GArray *inside, *links;	/* struct dep_metric: <inside>, <links> */
	GArray *plan;		/* struct dep_keyent: the key plan of the named contents */
};

/* deploy.c */

/* The attributes of a class's six levels, delay then loss then bandwidth. */
extern const char *const dep_class_attrs[6];

/* deploy_place.c */

/* g_ptr_array_sort's order of struct dep_as*: by AS number. */
gint dep_as_cmp(gconstpointer a, gconstpointer b);
/* The domains a <servers> or <clients> rule picks, in AS order; NULL on an error. */
GPtrArray *dep_place_domains(struct scn_ld *ld, struct scn_deploy *d,
			     const struct dep_place *pl, const char *elem, bool has_rel);
/* A host "<domain>-<role><k>" linked to a's node; NULL on an error. */
struct dep_host *dep_add_host(struct scn_ld *ld, struct scn_deploy *d, struct dep_as *a,
			      const char *role, const char *elem, unsigned k,
			      const struct dep_place *pl);

/* deploy_hosts.c */

/*
 * An attribute of e that takes one of two words: *out true for `yes`,
 * left as it is for `no` or no attribute; 0, or -1 with the error.
 */
int dep_two_words(struct scn_ld *ld, struct _xmlNode *e, const char *file, const char *name,
		  const char *no, const char *yes, bool *out);

/* The attributes domains= (names), address=, cme=, collect=, report=, keys= of <deploy>. */
int dep_hosts_parse(struct scn_ld *ld, struct scn_deploy *d, struct _xmlNode *e,
		    const char *file);
/* <inside> and <links>. */
int dep_metric_parse(struct scn_ld *ld, struct scn_deploy *d, struct _xmlNode *e,
		     const char *file);
/* Once <deploy> is read: the new rules are the decoupled approach's. */
int dep_hosts_check(struct scn_ld *ld, struct scn_deploy *d);
/* Whether domains= leaves domain name out of the deployment. */
bool dep_left_out(const struct scn_deploy *d, const char *name);
/* Once the ASes are planned: addresses, CMEs, keys, the rules' domains. */
int dep_hosts_plan(struct scn_ld *ld, struct scn_deploy *d);
/* The named contents of the decoupled approach: their server hosts, agents, the key plan. */
int dep_hosts_contents(struct scn_ld *ld, struct scn_deploy *d);
/* The clients where="node:..." of the decoupled approach: hosts of the topology. */
int dep_hosts_clients(struct scn_ld *ld, struct scn_deploy *d);
/* The events of domain a with named contents (decoupled): CME, CAFE, rules, agent. */
void dep_hosts_cmds(const struct scn_deploy *d, const struct dep_as *a, GPtrArray *cmds);
/* The metric values (delay, loss, bandwidth) the rules give: inside a, or on a link a-b. */
void dep_metric_inside(const struct scn_deploy *d, const struct dep_as *a, const char *v[3],
		       bool *transit);
void dep_metric_link(const struct scn_deploy *d, const struct dep_as *a, const struct dep_as *b,
		     const char *v[3]);
void dep_hosts_free(struct scn_deploy *d);

/* deploy_conf.c */

/* The RAE configuration of a, added to d->docs. */
void dep_rae_doc(struct scn_deploy *d, const struct dep_as *a);
/* The CME configuration of a domain with servers, added to d->docs. */
void dep_cme_doc(struct scn_deploy *d, const struct dep_as *a);
/* The CME configuration of a domain with named contents (decoupled), added to d->docs. */
void dep_cme_doc_contents(struct scn_deploy *d, const struct dep_as *a);

/* deploy_routers.c */

/* The attributes domains=, links=, rae=, node=, cafes= of <deploy>. */
int dep_routers_parse(struct scn_ld *ld, struct scn_deploy *d, struct _xmlNode *e,
		      const char *file);
/* <start crme= cafe= server=/>. */
int dep_start_parse(struct scn_ld *ld, struct scn_deploy *d, struct _xmlNode *e,
		    const char *file);
/* <content name= size= seed= server=/>. */
int dep_content_parse(struct scn_ld *ld, struct scn_deploy *d, struct _xmlNode *e,
		      const char *file);
/* Once <deploy> is read: what goes with what (coupled only, <content> or <catalogue>). */
int dep_routers_check(struct scn_ld *ld, struct scn_deploy *d);
/* domains="d.h": the domains of the routers, once the scripts' routers are known. */
int dep_routers_domains(struct scn_ld *ld, struct scn_deploy *d);
/* The routers of <content server=> and <clients where="node:...">, once the ASes are known. */
int dep_routers_place(struct scn_ld *ld, struct scn_deploy *d, int k);
int dep_routers_contents(struct scn_ld *ld, struct scn_deploy *d);
/* cafes="routers": a's CAFEs, each with the tuples of its inter-domain links. */
int dep_routers_cafes(struct scn_ld *ld, const struct scn_deploy *d, const struct dep_as *a,
		      GPtrArray *cmds, GArray *times);
/* domains="d.h": each event of the deployment (from index late) on a router that is up. */
int dep_routers_up(struct scn_ld *ld, guint late);
/*
 * cafes="routers": the domain's node (its CRME) holds no CAFE, so no
 * link of it may go to another domain (it would end at no CAFE).  0, or
 * -1 with the error, at the link.
 */
int dep_routers_node_links(struct scn_ld *ld, const struct scn_deploy *d,
			   const struct dep_as *a);
/* The servers of the <content>s, one command a router. */
void dep_routers_servers(const struct scn_deploy *d, GPtrArray *cmds, GArray *times);
/* The address a CAFE, CRME or RAE on n uses: its router id, else its first IPv4 address. */
bool dep_node_ip(const struct scn_node *n, struct addr *out);
/* The domain of the AS that holds node n, or NULL. */
struct dep_as *dep_as_of(const struct scn_deploy *d, const struct scn_node *n);

#endif /* SCENARIO_DEPLOY_INT_H */
