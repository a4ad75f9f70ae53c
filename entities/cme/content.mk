## entities/cme/content.mk - included by Makefile.am: the content client
## and server that speak to the CME (entities/cme/content.c,
## doc/content-apps.md), the CME's client interface
## (entities/cme/cmeclient.proto), the dissector's section for it and the
## tests of both.
##
## cmeclient.proto becomes cmeclient.pb-c.c and .pb-c.h in the build tree
## by Makefile.am's .proto rule; both are in BUILT_SOURCES, so they exist
## before any object of libentities.a is compiled (the CME's cme.c
## includes the header too).
libentities_a_SOURCES += entities/cme/content.h entities/cme/content.c
CME_CLIENT_PB = entities/cme/cmeclient.pb-c.c entities/cme/cmeclient.pb-c.h
nodist_libentities_a_SOURCES += $(CME_CLIENT_PB)
BUILT_SOURCES += $(CME_CLIENT_PB)
CLEANFILES += $(CME_CLIENT_PB)
entities/cme/cmeclient.pb-c.h: entities/cme/cmeclient.pb-c.c
EXTRA_DIST += entities/cme/content.mk entities/cme/cmeclient.proto
# The client and server end to end (no CME: no answer, direct fetch), and
# the dissector's CME client section against their captures
TESTS += tests/scenarios/content_apps.sh tests/wireshark/cmeclient.sh
EXTRA_DIST += tests/scenarios/content_apps.sh tests/wireshark/cmeclient.sh \
	tests/scenarios/data/content-apps.xml
dist_doc_DATA += doc/content-apps.md
