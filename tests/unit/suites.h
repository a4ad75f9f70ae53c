/*
 * suites.h - the CUnit suites of the unit test program, one function per
 * test file; main.c calls each in turn.
 */
#ifndef TESTS_UNIT_SUITES_H
#define TESTS_UNIT_SUITES_H

#include <CUnit/CUnit.h>

/* test_sched.c */
int suite_sched_register(void);
/* test_realtime.c: the real-time pacer (emu/realtime.c) */
int suite_realtime_register(void);
/* test_units.c */
int suite_units_register(void);
/* test_comet.c */
int suite_comet_register(void);
/* test_cafe.c */
int suite_cafe_register(void);
/* test_proto.c */
int suite_proto_register(void);
/* test_net.c */
int suite_net_register(void);
/* test_outside.c */
int suite_outside_register(void);
/* test_entity.c */
int suite_entity_register(void);
/* test_tcp.c */
int suite_tcp_register(void);
/* test_rae.c */
int suite_rae_register(void);

/* test_curling.c */
int suite_curling_register(void);
/* test_agent.c */
int suite_agent_register(void);
/* test_cme.c */
int suite_cme_register(void);

#endif
