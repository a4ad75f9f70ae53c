/*
 * golden_pcap.c - write the golden frames of the unit tests
 * (tests/unit/golden.c) into a pcap, for tests/wireshark/golden.sh: the
 * frames of golden_net first, then those of golden_cafe, frame n at n
 * seconds.  Nothing of the engine is linked in: the bytes are the
 * strings the unit tests compare with, decoded from hexadecimal.
 *
 * Usage: golden_pcap FILE.pcap
 */
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include "tests/unit/golden.h"

#define FRAME_MAX	1514

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Decode one frame; its length, or 0 if the string is not even lowercase hex. */
static size_t
unhex(const char *s, unsigned char *out)
{
	size_t n = strlen(s);

	if (n == 0 || n % 2 || n / 2 > FRAME_MAX)
		return 0;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return 0;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return n / 2;
}

static int
dump_set(pcap_dumper_t *d, const char *name, const char *const *set, size_t n,
	 unsigned *no)
{
	unsigned char f[FRAME_MAX];
	struct pcap_pkthdr h;

	for (size_t i = 0; i < n; i++) {
		size_t len = unhex(set[i], f);

		if (!len) {
			fprintf(stderr, "golden_pcap: %s[%zu] is not a frame in hex\n", name, i);
			return -1;
		}
		memset(&h, 0, sizeof(h));
		h.ts.tv_sec = (time_t)++*no;
		h.caplen = h.len = (bpf_u_int32)len;
		pcap_dump((u_char *)d, &h, f);
	}
	return 0;
}

int
main(int argc, char **argv)
{
	pcap_t *dead;
	pcap_dumper_t *d;
	unsigned no = 0;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: golden_pcap FILE.pcap\n");
		return 2;
	}
	dead = pcap_open_dead(DLT_EN10MB, 65535);
	if (!dead) {
		fprintf(stderr, "golden_pcap: pcap_open_dead failed\n");
		return 1;
	}
	d = pcap_dump_open(dead, argv[1]);
	if (!d) {
		fprintf(stderr, "golden_pcap: %s: %s\n", argv[1], pcap_geterr(dead));
		pcap_close(dead);
		return 1;
	}
	rc = dump_set(d, "golden_net", golden_net, golden_net_n, &no);
	if (rc == 0)
		rc = dump_set(d, "golden_cafe", golden_cafe, golden_cafe_n, &no);
	pcap_dump_close(d);
	pcap_close(dead);
	return rc ? 1 : 0;
}
