/*
 * entity.h - entity classes and instances.
 *
 * An entity is anything a scenario starts on a node at some time: the
 * traffic applications, the RAE, the CME, the CAFE, the curling classes.
 * Each class is a table of functions (BIRD's struct protocol); the
 * instance struct starts with struct entity.  Whoever loads the scenario
 * (the loader, above the engine) creates instances and starts them; the
 * engine knows neither its files nor their formats.
 *
 * Life of an instance:
 *   init   at load time, before the run: parse the arguments, check them
 *          and fill the instance.  A bad argument is the user's error:
 *          return -1 with a message; the loader adds file and line.
 *          An argument that names a file is relative to the folder of
 *          the file that named the instance, not to the working
 *          directory: init opens entity_path(e, arg), never arg itself.
 *          The node may not exist yet (a scenario may create nodes
 *          during the run), so init must not touch it.
 *   check  optional, at load time, once the whole scenario has been read
 *          and replayed, before the run: check what init parsed against
 *          the scenario, through struct entity_scope: which addresses
 *          the nodes have and which interfaces (any node the scenario
 *          ever has, from the start or created during the run, with
 *          every interface it ever gets, even after the entity's own
 *          start), and totals over every instance of the scenario (what
 *          they will hold in all).  Return 0, or -1 with a message; the loader adds
 *          file, line and the class name.  The node is still not bound.
 *   start  at the event's time, with e->node set: open sockets, arm timers.
 *   stop   the node is stopped (node_set_up(n, false)) or the run ends.
 *   stats  report named statistics for counters and summaries.
 *   fini   free what init and start allocated (not the instance itself).
 *
 * The registry of classes is explicit (entities/registry.c calls
 * entity_class_register for each); no constructor magic.
 */
#ifndef SIM_ENTITY_H
#define SIM_ENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/log.h"

struct addr;
struct node;
struct entity;

/* Report one named statistic. */
typedef void (*entity_stat_fn)(void *ctx, const char *name, uint64_t value);
/* Whether an address belongs to a node of the scenario (check). */
typedef bool (*entity_addr_known_fn)(void *ctx, const struct addr *a);

/* What an entity class's check may ask of the scenario (the loader's ctx). */
struct entity_scope {
	void *ctx;
	/* Whether some node has a as its router id or on one of its interfaces. */
	entity_addr_known_fn addr_known;
	/*
	 * Whether the node `node` has the interface `ifname` (at some time:
	 * it may be added during the run).  If not, its interfaces'
	 * names, ", "-separated ("" if none), are written to have.
	 */
	bool (*iface_known)(void *ctx, const char *node, const char *ifname, char *have,
			    size_t havelen);
	/*
	 * Add n to the scenario-wide total `name` (a class's own name, as
	 * "rae.prefixes") and return the total so far: the checks run in the
	 * events' order, so a class bounds a sum over every instance and
	 * refuses the first one that passes the bound.  NULL: no totals.
	 */
	uint64_t (*total_add)(void *ctx, const char *name, uint64_t n);
};

struct entity_class {
	const char *name;		/* as the user writes it: "usr.applications.Send" */
	const char *const *aliases;	/* NULL-terminated, or NULL */
	const char *kind;		/* short name for logs and --log: "send" */
	const char *usage;		/* argument synopsis for errors and --help */
	size_t inst_size;
	int (*init)(struct entity *e, int argc, char **argv, char *err, size_t errlen);
	int (*check)(struct entity *e, const struct entity_scope *sc, char *err,
		     size_t errlen);	/* optional */
	void (*start)(struct entity *e);
	void (*stop)(struct entity *e);
	void (*stats)(struct entity *e, entity_stat_fn fn, void *ctx);
	void (*dump)(struct entity *e, FILE *out);
	void (*fini)(struct entity *e);
};

struct entity {
	const struct entity_class *cls;
	struct node *node;	/* set before start */
	char *node_name;
	char *inst;		/* instance name: "<kind><n>" unless given */
	unsigned node_life;	/* 0, or how many times the node was brought back
				   up (down, then up again) before the event
				   that starts the instance: two instances of
				   different lives never run at the same time */
	int running;
	/*
	 * The folder that relative file names in the arguments are relative
	 * to, set before init: the folder of the scenario or script file
	 * that named the instance ("scenarios/rae"; "." for a file in the
	 * working directory).  NULL: names are used as they are (arguments a
	 * program made, unit tests).  Read it through entity_path().
	 */
	char *dir;
};

/* entity.c */

/* Add a class; -1 if its name or an alias is already registered. */
int entity_class_register(const struct entity_class *cls);
/* The class for a name or alias, or NULL. */
const struct entity_class *entity_class_lookup(const char *name);
/* Every registered class in registration order; *n receives the count. */
const struct entity_class *const *entity_classes(size_t *n);
/* Forget every class (tests). */
void entity_class_reset(void);

/*
 * Allocate an instance of cls for node_name and run its init with the
 * arguments.  NULL with err set on bad arguments.
 */
struct entity *entity_new(const struct entity_class *cls, const char *node_name,
			  int argc, char **argv, char *err, size_t errlen);
/*
 * The same, for an instance started in the node's life `life`, whose
 * arguments were written in a file of the folder `dir` (both set before
 * init; dir may be NULL, see struct entity).
 */
struct entity *entity_new_life(const struct entity_class *cls, const char *node_name,
			       unsigned life, const char *dir, int argc, char **argv,
			       char *err, size_t errlen);
/*
 * The file an argument names, for init to open (g_free it): an absolute
 * name, or any name when e->dir is NULL, as it is; a relative one joined
 * to e->dir (entity_path_join).
 */
char *entity_path(const struct entity *e, const char *name);
/*
 * dir/name without the "." components of either ("scenarios/rae" and
 * "./rae11.xml" give "scenarios/rae/rae11.xml"; "." and "cme.xml" give
 * "cme.xml"); ".." is kept, as a symbolic link may stand before it.  An
 * absolute name is returned as it is.  g_free the result.
 */
char *entity_path_join(const char *dir, const char *name);
/* Bind to a node and start (at the event's time). */
void entity_start(struct entity *e, struct node *n);
void entity_stop(struct entity *e);
/* fini and free. */
void entity_free(struct entity *e);
/* Log on behalf of an entity. */
void entity_log(struct entity *e, enum log_level l, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/*
 * Whether entity_log at level l would write: a caller that formats many
 * lines (a table) asks first, rather than formatting what is dropped.
 */
bool entity_log_enabled(const struct entity *e, enum log_level l);
/*
 * Write an init or check error into err (when err and errlen allow) and
 * return -1, for `return entity_err(err, errlen, "...", ...);`.
 */
int entity_err(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* SIM_ENTITY_H */
