/*
 * entity.c - the registry of entity classes and the life of an instance.
 *
 * The registry is a fixed table filled by entities/registry.c, one
 * explicit entity_class_register() call per class, in an order that is
 * kept: --help and error messages list the classes in that order.  A
 * name or alias may belong to one class only.
 *
 * Each registry slot also holds the class's instance counter, so the
 * default instance names ("send0", "send1", ... in creation order) are
 * the same on every run, and entity_class_reset() starts them again.
 *
 * Instances are created when the scenario is loaded, before the run
 * (entity_new: init checks the arguments while no node exists yet),
 * started when their event comes (entity_start) and stopped when their
 * node stops or the run ends (entity_stop).  See sim/entity.h.
 */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "sim/entity.h"
#include "sim/net.h"

#define ENTITY_CLASS_MAX	64

static const struct entity_class *classes[ENTITY_CLASS_MAX];
static unsigned class_next_inst[ENTITY_CLASS_MAX];	/* next instance number */
static size_t nclasses;
/* Instance numbers of classes made without registration (unit tests). */
static unsigned unregistered_next_inst;

/* Whether `name` is the name or an alias of cls. */
static int
class_has_name(const struct entity_class *cls, const char *name)
{
	if (strcmp(cls->name, name) == 0)
		return 1;
	if (cls->aliases)
		for (const char *const *a = cls->aliases; *a; a++)
			if (strcmp(*a, name) == 0)
				return 1;
	return 0;
}

/* Registry slot of a class, or -1 if it is not registered. */
static int
class_slot(const struct entity_class *cls)
{
	for (size_t i = 0; i < nclasses; i++)
		if (classes[i] == cls)
			return (int)i;
	return -1;
}

/*
 * Add cls at the end of the registry.  Refused (-1) when the registry is
 * full, when cls itself is already in it, or when its name or one of its
 * aliases is a name or alias of a registered class, or repeats within
 * the class.  A table without name, kind or init is a programming error.
 */
int
entity_class_register(const struct entity_class *cls)
{
	assert(cls && cls->name && cls->kind && cls->init);
	assert(cls->inst_size >= sizeof(struct entity));

	if (nclasses == ENTITY_CLASS_MAX || class_slot(cls) >= 0)
		return -1;
	if (entity_class_lookup(cls->name))
		return -1;
	if (cls->aliases)
		for (const char *const *a = cls->aliases; *a; a++) {
			if (entity_class_lookup(*a) || strcmp(*a, cls->name) == 0)
				return -1;
			for (const char *const *b = cls->aliases; b != a; b++)
				if (strcmp(*a, *b) == 0)
					return -1;
		}
	classes[nclasses] = cls;
	class_next_inst[nclasses] = 0;
	nclasses++;
	return 0;
}

/* The registered class called `name` (its name or an alias), or NULL. */
const struct entity_class *
entity_class_lookup(const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < nclasses; i++)
		if (class_has_name(classes[i], name))
			return classes[i];
	return NULL;
}

/*
 * The registered classes in registration order; the array belongs to
 * the registry and is valid until the next register or reset.
 */
const struct entity_class *const *
entity_classes(size_t *n)
{
	if (n)
		*n = nclasses;
	return classes;
}

/* Forget every class and restart every instance counter at 0. */
void
entity_class_reset(void)
{
	memset(classes, 0, sizeof(classes));
	memset(class_next_inst, 0, sizeof(class_next_inst));
	nclasses = 0;
	unregistered_next_inst = 0;
}

/*
 * Create an instance of cls for the node called node_name and let the
 * class parse argv (the arguments after the class name; argc of them).
 * The instance is zeroed, its default name is "<kind><n>", n counting
 * the class's instances from 0 in creation order.  If init fails, its
 * fini (if any) runs on the partly filled instance, which is freed, and
 * NULL is returned with "<class name>: <class's message>" in err; the
 * caller adds the file and line.  The caller owns the instance.
 */
struct entity *
entity_new(const struct entity_class *cls, const char *node_name, int argc,
	   char **argv, char *err, size_t errlen)
{
	return entity_new_life(cls, node_name, 0, NULL, argc, argv, err, errlen);
}

/*
 * entity_new() for an instance that starts in the node's life `life`
 * (whoever loads the scenario counts a node's restarts): init sees it
 * in e->node_life, so that a class that claims resources at load time
 * (a port) can tell an instance that follows a restart from one running
 * beside it.  dir: the folder of the file that named the instance, which
 * the files its arguments name are relative to (entity_path).
 */
struct entity *
entity_new_life(const struct entity_class *cls, const char *node_name, unsigned life,
		const char *dir, int argc, char **argv, char *err, size_t errlen)
{
	struct entity *e;
	char msg[512];
	int slot;
	unsigned n;

	assert(cls && cls->init && cls->inst_size >= sizeof(struct entity));
	assert(argc >= 0);

	slot = class_slot(cls);
	n = slot >= 0 ? class_next_inst[slot]++ : unregistered_next_inst++;

	e = calloc(1, cls->inst_size);
	if (!e)
		goto nomem;
	e->cls = cls;
	e->node_name = g_strdup(node_name ? node_name : "");
	e->inst = g_strdup_printf("%s%u", cls->kind, n);
	e->node_life = life;
	e->dir = dir ? g_strdup(dir) : NULL;

	msg[0] = '\0';
	if (cls->init(e, argc, argv, msg, sizeof(msg)) < 0) {
		if (err && errlen)
			snprintf(err, errlen, "%s: %s", cls->name,
				 msg[0] ? msg : "bad arguments");
		goto fail;
	}
	return e;

nomem:
	if (err && errlen)
		snprintf(err, errlen, "%s: out of memory", cls->name);
	return NULL;
fail:
	if (cls->fini)
		cls->fini(e);
	g_free(e->node_name);
	g_free(e->inst);
	g_free(e->dir);
	free(e);
	return NULL;
}

/* Append the components of path to g, without the empty and "." ones. */
static void
path_append(GString *g, const char *path)
{
	const char *p = path;

	while (*p) {
		size_t n = strcspn(p, "/");

		if (n && !(n == 1 && p[0] == '.')) {
			if (g->len && g->str[g->len - 1] != '/')
				g_string_append_c(g, '/');
			g_string_append_len(g, p, (gssize)n);
		}
		p += n;
		p += strspn(p, "/");
	}
}

char *
entity_path_join(const char *dir, const char *name)
{
	GString *g;

	if (!dir || g_path_is_absolute(name))
		return g_strdup(name);
	g = g_string_new(g_path_is_absolute(dir) ? "/" : "");
	path_append(g, dir);
	path_append(g, name);
	if (!g->len)
		g_string_append_c(g, '.');
	return g_string_free(g, FALSE);
}

char *
entity_path(const struct entity *e, const char *name)
{
	return entity_path_join(e ? e->dir : NULL, name);
}

/*
 * Bind e to node n and start it; nothing happens if it is running
 * already.  The instance joins the node's list of entities (once, in
 * start order), so that stopping the node stops it and the report finds
 * its statistics; the list does not own it (the scenario does).
 */
void
entity_start(struct entity *e, struct node *n)
{
	assert(e && n);
	if (e->running)
		return;

	e->node = n;
	if (!n->entities)
		n->entities = g_ptr_array_new();
	if (!g_ptr_array_find(n->entities, e, NULL))
		g_ptr_array_add(n->entities, e);
	e->running = 1;
	entity_log(e, LOG_DEBUG, "started");
	if (e->cls->start)
		e->cls->start(e);
}

/* Stop e if it is running (cancel its timers, close its sockets). */
void
entity_stop(struct entity *e)
{
	if (!e || !e->running)
		return;
	if (e->cls->stop)
		e->cls->stop(e);
	e->running = 0;
	entity_log(e, LOG_DEBUG, "stopped");
}

/* Stop e if needed, let its class free what it holds, then free e. */
void
entity_free(struct entity *e)
{
	if (!e)
		return;
	entity_stop(e);
	if (e->cls->fini)
		e->cls->fini(e);
	g_free(e->node_name);
	g_free(e->inst);
	g_free(e->dir);
	free(e);
}

/*
 * Log a line for e, tagged with its class's kind and its instance name.
 * Before e has a node (during init) there is no log to write to and the
 * line is dropped.
 */
bool
entity_log_enabled(const struct entity *e, enum log_level l)
{
	return e && e->node && e->node->net && log_enabled(&e->node->net->log, e->cls->kind, l);
}

void
entity_log(struct entity *e, enum log_level l, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	if (!e || !e->node || !e->node->net)
		return;
	if (!log_enabled(&e->node->net->log, e->cls->kind, l))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	node_log(e->node, l, e->cls->kind, e->inst, "%s", line);
}

int
entity_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}
