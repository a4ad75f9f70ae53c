/*
 * cme.h - the Content Mediation Entity (COMET D3.3), so far only the path
 * store that the RAEs report to (D4.3 section 4.2.3): class usr.cme.Cme.
 *
 * It listens on a TCP port for RAE-CME connections (framing
 * entities/rae/rae_wire.h, messages entities/rae/cmerae.proto), keeps the
 * latest PathInf of every (AS, prefix) and the latest ProvInf of every
 * AS, answers every GenericRequest with a Reply carrying its version (the
 * virtual time it started, so a restarted CME has a new one), logs and
 * counts what it receives.  The CME issue extends it with the decision
 * maker; doc/rae.md describes the interface.
 */
#ifndef ENTITIES_CME_CME_H
#define ENTITIES_CME_CME_H

#include "sim/entity.h"

/* cme.c */
extern const struct entity_class cme_class;
extern const struct entity_class cme_tool_class;	/* cme_tool restart | report */

#endif /* ENTITIES_CME_CME_H */
