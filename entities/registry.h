/*
 * registry.h - the list of every entity class the emulator knows.
 *
 * The front end calls entities_register_all() once before loading a
 * scenario; the loader then finds classes by name or alias through
 * entity_class_lookup() (sim/entity.h).  Nothing registers itself.
 */
#ifndef ENTITIES_REGISTRY_H
#define ENTITIES_REGISTRY_H

/* registry.c */

/*
 * Forget the classes registered so far and register every class, in a
 * fixed order.  Returns 0, or -1 if a registration was refused (two
 * classes share a name or an alias: a bug in the table).
 */
int entities_register_all(void);

#endif /* ENTITIES_REGISTRY_H */
