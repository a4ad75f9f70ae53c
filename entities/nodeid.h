/*
 * nodeid.h - the curling emulator's node ids as IPv4 addresses.
 *
 * A curling script names its routers by ids ("4", "2.2", "1.2.3") and
 * every router has the address its id gives (doc/scenario-format.md,
 * "Curling scripts").  The scenario loader gives a START_ROUTER its
 * address with it, and the entities that take destinations written as
 * node ids (the traffic applications, the curling classes) read them
 * with it, so that both agree.  A convention of the curling scripts, not
 * a fact of the engine: it lives with the entities, which the loader may
 * include and the engine never does.
 */
#ifndef ENTITIES_NODEID_H
#define ENTITIES_NODEID_H

struct addr;

/* nodeid.c */

/*
 * The IPv4 address of a node id: "N" (N < 2^24) is
 * 10.(N>>16 & 255).(N>>8 & 255).(N & 255), "a.b" is 10.0.a.b, "a.b.c" is
 * 10.a.b.c, every part a decimal number up to 255.  Returns 0 with *out
 * set, or -1 if id has none of these forms (four parts are an IPv4
 * address, never an id).
 */
int nodeid_parse(const char *id, struct addr *out);

#endif /* ENTITIES_NODEID_H */
