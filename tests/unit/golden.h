/*
 * golden.h - the golden frames of the unit tests: whole Ethernet frames,
 * as hexadecimal strings, that the stack and the CAFE must write byte
 * for byte (test_net.c, test_cafe.c).
 *
 * They were frozen from the code's own output, so they are checked
 * independently too: tests/wireshark/golden_pcap writes every one into a
 * capture and tests/wireshark/golden.sh has tshark (checksum validation
 * on, the project's dissector loaded for COMET) decode each and compare
 * every field with values written by hand from the protocols.  A change
 * to a frame here must keep both tests passing.
 */
#ifndef TESTS_UNIT_GOLDEN_H
#define TESTS_UNIT_GOLDEN_H

#include <stddef.h>

/* One small exchange between two nodes (test_net.c, "every header"). */
extern const char *const golden_net[];
extern const size_t golden_net_n;

/* What a CAFE sends on (test_cafe.c, "golden frames"). */
extern const char *const golden_cafe[];
extern const size_t golden_cafe_n;

#endif
