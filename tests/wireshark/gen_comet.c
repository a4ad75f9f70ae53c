/*
 * gen_comet.c - write a pcap of hand-built COMET frames for the test of
 * the Wireshark dissector (tests/wireshark/dissector.sh).
 *
 * The frames are built byte by byte here, independently of sim/ and of
 * the CAFE entity, so the dissector is checked against the header layout
 * of doc/comet-header.md and not against our own encoder.  The IPv4
 * header checksums and the UDP checksums (over IPv4 and over IPv6) are
 * computed here (RFC 1071) so that tshark, with checksum validation on,
 * proves the carried packet was handed on at the right offset.
 *
 * Frames, in order (dissector.sh relies on the numbering):
 *   1  Ethernet + COMET (v1, cos 0, index 0 of 3 keys) + IPv4/UDP
 *   2  Ethernet + 802.1Q (VLAN 100) + COMET (cos 1, index 1 of 3) + IPv4/UDP
 *   3  Ethernet + IPv4 (proto 47) + GRE (0xCCCC) + COMET (cos 2, index 2
 *      of 2: at the end) + IPv6/UDP
 *   4  version 2
 *   5  key list truncated: length 10, only 3 key bytes in the frame
 *   6  index 4 > length 3
 *   7  next protocol 0x1234
 *   8  frame cut inside the 6-byte header (4 bytes of it)
 *   9  frame with nothing after the EtherType 0xCCCC
 *  10  frame 1 cut by a snap length inside the IPv4 packet (caplen 40)
 *  11  frame 1 cut by a snap length inside the key list (caplen 21)
 *  12  next protocol IPv6 but a 2-byte payload: the IPv6 dissector fails
 *
 * Usage: gen_comet FILE.pcap
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#define ETH_COMET	0xCCCC
#define ETH_IPV4	0x0800
#define ETH_IPV6	0x86DD
#define ETH_VLAN	0x8100
#define IPPROTO_GRE_	47
#define IPPROTO_UDP_	17
#define FRAME_MAX	1514

static const uint8_t mac_dst[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 };
static const uint8_t mac_src[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
static const uint8_t v4_src[4] = { 10, 0, 1, 1 };
static const uint8_t v4_dst[4] = { 10, 0, 2, 1 };
static const uint8_t tun_src[4] = { 192, 0, 2, 1 };	/* GRE tunnel ends */
static const uint8_t tun_dst[4] = { 192, 0, 2, 2 };
static const uint8_t v6_src[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x01 };
static const uint8_t v6_dst[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 0x02 };
static const uint8_t keys3[3] = { 0x12, 0x34, 0x56 };
static const uint8_t keys2[2] = { 0xab, 0xcd };
static const char udp_text[] = "cometsim dissector test payload";

#define UDP_SPORT	1000
#define UDP_DPORT	2000

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Ones' complement sum of len bytes added to sum, not yet folded. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* udp: a UDP datagram carrying udp_text at p; the checksum is left 0 for
 * the caller, which knows the pseudo-header.  Returns its length. */
static size_t udp(uint8_t *p)
{
	size_t len = 8 + sizeof(udp_text) - 1;

	put16(p, UDP_SPORT);
	put16(p + 2, UDP_DPORT);
	put16(p + 4, (unsigned)len);
	put16(p + 6, 0);
	memcpy(p + 8, udp_text, sizeof(udp_text) - 1);
	return len;
}

/* ipv4: a 20-byte IPv4 header with a valid checksum, then plen bytes of
 * payload copied from pl.  Returns the packet's length. */
static size_t ipv4(uint8_t *p, uint8_t proto, const uint8_t *src,
    const uint8_t *dst, const uint8_t *pl, size_t plen)
{
	memset(p, 0, 20);
	p[0] = 0x45;
	put16(p + 2, (unsigned)(20 + plen));
	put16(p + 4, 0x1234);		/* identification */
	put16(p + 6, 0x4000);		/* DF */
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, src, 4);
	memcpy(p + 16, dst, 4);
	put16(p + 10, csum_fold(csum_add(0, p, 20)));
	memmove(p + 20, pl, plen);
	return 20 + plen;
}

/* udp4: IPv4 + UDP from v4_src to v4_dst, both checksums valid. */
static size_t udp4(uint8_t *p)
{
	uint8_t d[64], ph[12];
	size_t n = udp(d);

	memcpy(ph, v4_src, 4);
	memcpy(ph + 4, v4_dst, 4);
	ph[8] = 0;
	ph[9] = IPPROTO_UDP_;
	put16(ph + 10, (unsigned)n);
	put16(d + 6, csum_fold(csum_add(csum_add(0, ph, 12), d, n)));
	return ipv4(p, IPPROTO_UDP_, v4_src, v4_dst, d, n);
}

/* udp6: IPv6 + UDP from v6_src to v6_dst, UDP checksum valid (RFC 8200
 * section 8.1 pseudo-header). */
static size_t udp6(uint8_t *p)
{
	uint8_t *d = p + 40, ph[40];
	size_t n = udp(d);

	memset(p, 0, 40);
	p[0] = 0x60;
	put16(p + 4, (unsigned)n);
	p[6] = IPPROTO_UDP_;
	p[7] = 64;
	memcpy(p + 8, v6_src, 16);
	memcpy(p + 24, v6_dst, 16);
	memset(ph, 0, sizeof(ph));
	memcpy(ph, v6_src, 16);
	memcpy(ph + 16, v6_dst, 16);
	put16(ph + 34, (unsigned)n);	/* upper-layer length, low half */
	ph[39] = IPPROTO_UDP_;
	put16(d + 6, csum_fold(csum_add(csum_add(0, ph, 40), d, n)));
	return 40 + n;
}

/* eth: an Ethernet header with the given EtherType. */
static size_t eth(uint8_t *p, unsigned type)
{
	memcpy(p, mac_dst, 6);
	memcpy(p + 6, mac_src, 6);
	put16(p + 12, type);
	return 14;
}

/* vlan: an 802.1Q tag (priority 0) after the Ethernet addresses. */
static size_t vlan(uint8_t *p, unsigned vid, unsigned type)
{
	put16(p, vid & 0xfff);
	put16(p + 2, type);
	return 4;
}

/* comet: the 6-byte COMET header and nkeys key bytes (nkeys may differ
 * from length to build a truncated key list). */
static size_t comet(uint8_t *p, uint8_t version, uint8_t cos, uint8_t length,
    uint8_t index, unsigned next, const uint8_t *keys, size_t nkeys)
{
	p[0] = version;
	p[1] = cos;
	p[2] = length;
	p[3] = index;
	put16(p + 4, next);
	memcpy(p + 6, keys, nkeys);
	return 6 + nkeys;
}

/* gre: a 4-byte RFC 2784 GRE header, no checksum. */
static size_t gre(uint8_t *p, unsigned proto)
{
	put16(p, 0);
	put16(p + 2, proto);
	return 4;
}

/* emit_cut: frame no, n bytes long on the wire, of which caplen were
 * captured (caplen < n stands for a capture's snap length). */
static int emit_cut(pcap_dumper_t *dump, unsigned no, const uint8_t *f,
    size_t n, size_t caplen)
{
	struct pcap_pkthdr h;

	if (n > FRAME_MAX || caplen > n) {
		fprintf(stderr, "gen_comet: frame %u too long (%zu)\n", no, n);
		return -1;
	}
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)no;	/* deterministic: frame n at n s */
	h.caplen = (bpf_u_int32)caplen;
	h.len = (bpf_u_int32)n;
	pcap_dump((u_char *)dump, &h, f);
	return 0;
}

static int emit(pcap_dumper_t *dump, unsigned no, const uint8_t *f, size_t n)
{
	return emit_cut(dump, no, f, n, n);
}

int main(int argc, char **argv)
{
	static const uint8_t keys10[3] = { 0x01, 0x02, 0x03 };
	pcap_t *dead;
	pcap_dumper_t *dump;
	uint8_t f[FRAME_MAX + 64], t[FRAME_MAX];
	size_t n, m;
	int rc = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: gen_comet FILE.pcap\n");
		return 2;
	}
	dead = pcap_open_dead(DLT_EN10MB, 65535);
	if (dead == NULL) {
		fprintf(stderr, "gen_comet: pcap_open_dead failed\n");
		return 1;
	}
	dump = pcap_dump_open(dead, argv[1]);
	if (dump == NULL) {
		fprintf(stderr, "gen_comet: %s: %s\n", argv[1], pcap_geterr(dead));
		pcap_close(dead);
		return 1;
	}

	/* 1: plain Ethernet, first hop. */
	n = eth(f, ETH_COMET);
	n += comet(f + n, 1, 0, 3, 0, ETH_IPV4, keys3, 3);
	n += udp4(f + n);
	rc |= emit(dump, 1, f, n);

	/* 2: 802.1Q, VLAN 100, second hop. */
	n = eth(f, ETH_VLAN);
	n += vlan(f + n, 100, ETH_COMET);
	n += comet(f + n, 1, 1, 3, 1, ETH_IPV4, keys3, 3);
	n += udp4(f + n);
	rc |= emit(dump, 2, f, n);

	/* 3: GRE over IPv4, keys used up, IPv6 inside. */
	m = gre(t, ETH_COMET);
	m += comet(t + m, 1, 2, 2, 2, ETH_IPV6, keys2, 2);
	m += udp6(t + m);
	n = eth(f, ETH_IPV4);
	n += ipv4(f + n, IPPROTO_GRE_, tun_src, tun_dst, t, m);
	rc |= emit(dump, 3, f, n);

	/* 4: version 2. */
	n = eth(f, ETH_COMET);
	n += comet(f + n, 2, 0, 3, 0, ETH_IPV4, keys3, 3);
	n += udp4(f + n);
	rc |= emit(dump, 4, f, n);

	/* 5: length 10 but the frame ends after 3 keys. */
	n = eth(f, ETH_COMET);
	n += comet(f + n, 1, 0, 10, 0, ETH_IPV4, keys10, 3);
	rc |= emit(dump, 5, f, n);

	/* 6: index 4 beyond length 3. */
	n = eth(f, ETH_COMET);
	n += comet(f + n, 1, 0, 3, 4, ETH_IPV4, keys3, 3);
	n += udp4(f + n);
	rc |= emit(dump, 6, f, n);

	/* 7: next protocol 0x1234 (the payload is still an IPv4 packet). */
	n = eth(f, ETH_COMET);
	n += comet(f + n, 1, 0, 3, 0, 0x1234, keys3, 3);
	n += udp4(f + n);
	rc |= emit(dump, 7, f, n);

	/* 8: the frame ends after 4 of the 6 header bytes. */
	n = eth(f, ETH_COMET);
	n += comet(f + n, 1, 0, 3, 0, ETH_IPV4, keys3, 0) - 2;
	rc |= emit(dump, 8, f, n);

	/* 9: nothing after the EtherType. */
	n = eth(f, ETH_COMET);
	rc |= emit(dump, 9, f, n);

	/* 10, 11: frame 1 again, captured with a short snap length. */
	n = eth(f, ETH_COMET);
	n += comet(f + n, 1, 0, 3, 0, ETH_IPV4, keys3, 3);
	n += udp4(f + n);
	rc |= emit_cut(dump, 10, f, n, 40);
	rc |= emit_cut(dump, 11, f, n, 21);

	/* 12: a payload far too short for the IPv6 header it claims. */
	n = eth(f, ETH_COMET);
	n += comet(f + n, 1, 0, 0, 0, ETH_IPV6, keys3, 0);
	f[n++] = 0x60;
	f[n++] = 0x00;
	rc |= emit(dump, 12, f, n);

	pcap_dump_close(dump);
	pcap_close(dead);
	return rc ? 1 : 0;
}
