/*
 * main.c - runs every CUnit suite of the project.
 *
 * With an argument, only the suites whose name contains it run
 * ("unit sched").  The exit status is non-zero when any test fails.
 */
#include <stdio.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "tests/unit/suites.h"

static int (*const registrars[])(void) = {
	suite_sched_register,
	suite_realtime_register,
	suite_units_register,
	suite_net_register,
	suite_outside_register,
	suite_proto_register,
	suite_comet_register,
	suite_cafe_register,
	suite_entity_register,
	suite_tcp_register,
	suite_rae_register,
	suite_curling_register,
	suite_agent_register,
	suite_cme_register,
};

int
main(int argc, char **argv)
{
	unsigned failed;

	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (size_t i = 0; i < sizeof(registrars) / sizeof(registrars[0]); i++)
		if (registrars[i]() != 0) {
			fprintf(stderr, "unit: cannot register suite %zu: %s\n", i,
				CU_get_error_msg());
			CU_cleanup_registry();
			return 2;
		}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	if (argc > 1) {
		CU_pSuite s = CU_get_registry()->pSuite;
		int found = 0;

		for (; s; s = s->pNext)
			if (strstr(s->pName, argv[1])) {
				CU_basic_run_suite(s);
				found = 1;
			}
		if (!found) {
			fprintf(stderr, "unit: no suite matches '%s'\n", argv[1]);
			CU_cleanup_registry();
			return 2;
		}
	} else {
		CU_basic_run_tests();
	}
	failed = CU_get_number_of_failures() + CU_get_number_of_tests_failed();
	CU_cleanup_registry();
	return failed ? 1 : 0;
}
