## tests/fuzz/fuzz.mk - the fuzzing harnesses (doc/fuzzing.md), included
## by Makefile.am.
##
## Each harness tests/fuzz/fuzz_NAME.c hands its input to one parser of
## the project.  In this build they are check programs that replay their
## seed corpus (tests/fuzz/corpus/NAME/) and regression inputs
## (tests/fuzz/regress/NAME/) through replay.c.  "make fuzz" builds them
## again with clang and libFuzzer in their own build folder and fuzzes
## each for FUZZ_SECONDS (tests/fuzz/run.sh).  A new harness adds its
## name to FUZZ_HARNESSES and the four lines of its program below.

FUZZ_HARNESSES = agent cme_config cmeclient cmerae comet curling frame rae_config \
	rae_config_xml rae_msg scenario script sweep units
FUZZ_COMMON = tests/fuzz/fuzz.h tests/fuzz/fuzz_util.c tests/fuzz/replay.c
FUZZ_LIBS = liboutput.a $(LIBS_ALL)
# Empty here; run.sh sets it to -fsanitize=fuzzer when it links the
# harnesses with libFuzzer.
LIBFUZZER_FLAGS =
FUZZ_SECONDS = 10
FUZZ_BUILDDIR = $(abs_top_srcdir)/_build-fuzz

check_PROGRAMS += tests/fuzz/fuzz_agent tests/fuzz/fuzz_cme_config tests/fuzz/fuzz_cmeclient \
	tests/fuzz/fuzz_cmerae tests/fuzz/fuzz_comet \
	tests/fuzz/fuzz_curling tests/fuzz/fuzz_frame tests/fuzz/fuzz_rae_config \
	tests/fuzz/fuzz_rae_config_xml tests/fuzz/fuzz_rae_msg tests/fuzz/fuzz_scenario \
	tests/fuzz/fuzz_script tests/fuzz/fuzz_sweep tests/fuzz/fuzz_units
TESTS += tests/fuzz/fuzz_agent tests/fuzz/fuzz_cme_config tests/fuzz/fuzz_cmeclient \
	tests/fuzz/fuzz_cmerae tests/fuzz/fuzz_comet \
	tests/fuzz/fuzz_curling tests/fuzz/fuzz_frame tests/fuzz/fuzz_rae_config \
	tests/fuzz/fuzz_rae_config_xml tests/fuzz/fuzz_rae_msg tests/fuzz/fuzz_scenario \
	tests/fuzz/fuzz_script tests/fuzz/fuzz_sweep tests/fuzz/fuzz_units

tests_fuzz_fuzz_agent_SOURCES = tests/fuzz/fuzz_agent.c $(FUZZ_COMMON)
tests_fuzz_fuzz_agent_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_agent_LDFLAGS = $(AM_LDFLAGS) $(LIBFUZZER_FLAGS)

tests_fuzz_fuzz_cme_config_SOURCES = tests/fuzz/fuzz_cme_config.c $(FUZZ_COMMON)
tests_fuzz_fuzz_cme_config_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_cme_config_LDFLAGS = $(AM_LDFLAGS) $(LIBFUZZER_FLAGS)

tests_fuzz_fuzz_cmeclient_SOURCES = tests/fuzz/fuzz_cmeclient.c $(FUZZ_COMMON)
tests_fuzz_fuzz_cmeclient_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_cmeclient_LDFLAGS = $(AM_LDFLAGS) $(LIBFUZZER_FLAGS)

tests_fuzz_fuzz_cmerae_SOURCES = tests/fuzz/fuzz_cmerae.c $(FUZZ_COMMON)
tests_fuzz_fuzz_cmerae_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_cmerae_LDFLAGS = $(AM_LDFLAGS) $(LIBFUZZER_FLAGS)

tests_fuzz_fuzz_comet_SOURCES = tests/fuzz/fuzz_comet.c $(FUZZ_COMMON)
tests_fuzz_fuzz_comet_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_comet_LDFLAGS = $(AM_LDFLAGS) $(LIBFUZZER_FLAGS)

tests_fuzz_fuzz_curling_SOURCES = tests/fuzz/fuzz_curling.c $(FUZZ_COMMON)
tests_fuzz_fuzz_curling_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_curling_LDFLAGS = $(AM_LDFLAGS) $(LIBFUZZER_FLAGS)

tests_fuzz_fuzz_frame_SOURCES = tests/fuzz/fuzz_frame.c $(FUZZ_COMMON)
tests_fuzz_fuzz_frame_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_frame_LDFLAGS = $(AM_LDFLAGS) $(LIBFUZZER_FLAGS)

tests_fuzz_fuzz_rae_config_SOURCES = tests/fuzz/fuzz_rae_config.c $(FUZZ_COMMON)
tests_fuzz_fuzz_rae_config_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_rae_config_LDFLAGS = $(AM_LDFLAGS) $(LIBFUZZER_FLAGS)

tests_fuzz_fuzz_rae_config_xml_SOURCES = tests/fuzz/fuzz_rae_config_xml.c $(FUZZ_COMMON)
tests_fuzz_fuzz_rae_config_xml_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_rae_config_xml_LDFLAGS = $(AM_LDFLAGS) $(LIBFUZZER_FLAGS)

tests_fuzz_fuzz_rae_msg_SOURCES = tests/fuzz/fuzz_rae_msg.c $(FUZZ_COMMON)
tests_fuzz_fuzz_rae_msg_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_rae_msg_LDFLAGS = $(AM_LDFLAGS) $(LIBFUZZER_FLAGS)

tests_fuzz_fuzz_scenario_SOURCES = tests/fuzz/fuzz_scenario.c $(FUZZ_COMMON)
tests_fuzz_fuzz_scenario_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_scenario_LDFLAGS = $(AM_LDFLAGS) $(LIBFUZZER_FLAGS)

tests_fuzz_fuzz_units_SOURCES = tests/fuzz/fuzz_units.c $(FUZZ_COMMON)
tests_fuzz_fuzz_units_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_units_LDFLAGS = $(AM_LDFLAGS) $(LIBFUZZER_FLAGS)

tests_fuzz_fuzz_script_SOURCES = tests/fuzz/fuzz_script.c $(FUZZ_COMMON)
tests_fuzz_fuzz_script_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_script_LDFLAGS = $(AM_LDFLAGS) $(LIBFUZZER_FLAGS)

# The sweep description is the sweep module's (sweep/): the harness links
# libsweep.a, as tests/sweep/unit does.
tests_fuzz_fuzz_sweep_SOURCES = tests/fuzz/fuzz_sweep.c $(FUZZ_COMMON)
tests_fuzz_fuzz_sweep_LDADD = libsweep.a $(FUZZ_LIBS)
tests_fuzz_fuzz_sweep_LDFLAGS = $(AM_LDFLAGS) $(LIBFUZZER_FLAGS)

EXTRA_DIST += tests/fuzz/fuzz.mk tests/fuzz/run.sh tests/fuzz/corpus tests/fuzz/regress \
	tests/fuzz/xml.dict
dist_doc_DATA += doc/fuzzing.md

fuzz:
	FUZZ_SECONDS='$(FUZZ_SECONDS)' FUZZ_HARNESSES='$(FUZZ_HARNESSES)' \
	FUZZ_BUILDDIR='$(FUZZ_BUILDDIR)' top_srcdir='$(abs_top_srcdir)' \
	  $(SHELL) $(srcdir)/tests/fuzz/run.sh
.PHONY: fuzz
