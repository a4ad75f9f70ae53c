/*
 * apps.h - the traffic applications of the curling emulator's scripts:
 * usr.applications.Send (constant bit-rate UDP), usr.applications.Recv
 * (its receiver and meter) and usr.applications.Ping (ICMP/ICMPv6 echo).
 *
 * The instance structs are here so that the unit tests can check what
 * init parsed; no other entity may look inside them.  Arguments, the
 * statistics and the payload header are described in doc/apps.md.
 *
 * Prototypes are grouped by the file that defines them.
 */
#ifndef ENTITIES_APPS_APPS_H
#define ENTITIES_APPS_APPS_H

#include <stddef.h>
#include <stdint.h>

#include <glib.h>

#include "sim/addr.h"
#include "sim/entity.h"
#include "sim/sim.h"

/*
 * Header at the start of every Send payload (all fields big endian):
 *   0  4  magic "CSIM"
 *   4  4  sequence number, from 0
 *   8  8  virtual send time in ns
 * Payload byte i >= 16 is (seq + i) & 0xff.  A payload shorter than 16
 * bytes carries the first bytes of the header only.
 */
#define APP_HDR_LEN	16
#define APP_MAGIC	"CSIM"

#define APP_UDP_MAX_V4	65507	/* 65535 - IPv4 header - UDP header */
#define APP_UDP_MAX_V6	65527	/* 65535 (payload length) - UDP header */
#define APP_ICMP_MAX_V4	65507	/* 65535 - IPv4 header - ICMP header */
#define APP_ICMP_MAX_V6	65527	/* 65535 (payload length) - ICMPv6 header */

struct app_hdr {
	uint32_t seq;
	sim_time_t sent;
};

/* usr.applications.Send */
struct app_send {
	struct entity e;
	/* arguments */
	struct addr dst;
	char dst_str[ADDR_STRLEN];	/* dst, formatted for the log */
	uint16_t dport;
	uint16_t sport;		/* 0: ephemeral */
	uint32_t count;
	uint32_t size;		/* UDP payload bytes */
	uint64_t rate_bps;	/* 0 unless rate= was given */
	sim_time_t interval;	/* between datagrams, from interval= or rate= */
	sim_time_t start_delay;	/* from start to the first datagram */
	uint32_t burst;		/* datagrams sent at each tick (1..count) */
	/* run */
	struct udp_sock *sock;
	uint16_t lport;		/* source port bound at the first start */
	struct sim_timer timer;
	uint32_t next_seq;	/* datagrams tried so far */
	/* statistics */
	uint64_t sent, bytes_sent, send_errors;
};

/* What usr.applications.Recv knows of one sender (address and port). */
struct app_recv_flow {
	struct addr src;
	uint16_t sport;
	uint8_t *seen;		/* bitmap of the sequence numbers received */
	size_t seen_len;	/* bytes in seen */
	uint32_t next_seq;	/* highest sequence number received + 1 */
};

/* usr.applications.Recv */
struct app_recv {
	struct entity e;
	/* arguments */
	uint16_t port;
	uint64_t expect;	/* count argument; 0 if not given */
	/* run */
	struct udp_sock *sock;
	GPtrArray *flows;	/* struct app_recv_flow *, first-heard order */
	/* statistics */
	uint64_t received, bytes_received;
	uint64_t unique;	/* distinct sequence numbers, over all flows */
	uint64_t duplicates, out_of_order, lost_gaps;
	uint64_t bad, short_;	/* wrong magic; shorter than the header */
	uint64_t ndelay;
	sim_time_t delay_min, delay_max;
	unsigned __int128 delay_sum;	/* 2^32 delays of up to SIM_TIME_LIMIT fit */
};

/* usr.applications.RecvDataRate */
struct app_recvrate {
	struct entity e;
	/* arguments */
	uint16_t port;
	sim_time_t interval;	/* between two reports */
	/* run */
	struct udp_sock *sock;
	struct sim_timer timer;	/* the end of the current interval; unarmed: quiet */
	sim_time_t t0;		/* the start: intervals end at t0 + k * interval */
	uint64_t last_received, last_bytes;	/* totals at the last report */
	/* statistics */
	uint64_t received, bytes_received, reports;
	uint64_t rate, rate_max;	/* bit/s: the last interval's, the highest */
};

/* usr.applications.Ping */
struct app_ping {
	struct entity e;
	/* arguments */
	struct addr dst;
	char dst_str[ADDR_STRLEN];	/* dst, formatted for the log */
	uint32_t count;		/* 1..65535: icmp_seq 1..count */
	sim_time_t interval;
	uint32_t size;		/* echo payload bytes */
	/* run */
	uint16_t id;		/* ICMP identifier, chosen at start */
	struct sim_timer timer;
	uint32_t next_seq;	/* requests sent so far */
	sim_time_t *sent_at;	/* [count]: send time of icmp_seq i+1 */
	uint8_t *replied;	/* [count]: a reply to icmp_seq i+1 came */
	/* statistics */
	uint64_t transmitted, received, duplicates, errors;
	sim_time_t rtt_min, rtt_max;
	unsigned __int128 rtt_sum;	/* 65535 times of up to SIM_TIME_LIMIT fit */
};

/* send.c */
extern const struct entity_class app_send_class;
/*
 * Interval between datagrams of `size` payload bytes sent at `bps` bits
 * per second to an address of family af; see send.c.
 */
sim_time_t app_send_interval(uint32_t size, int af, uint64_t bps);

/* recv.c */
extern const struct entity_class app_recv_class;

/* ping.c */
extern const struct entity_class app_ping_class;

/* recvrate.c */
extern const struct entity_class app_recvrate_class;

/* apps.c: helpers shared by the applications */

/* Write the Send header and filler into a payload of len bytes. */
void app_payload_fill(uint8_t *buf, size_t len, uint32_t seq, sim_time_t sent);
/* Read a Send header: 0, -1 if len < APP_HDR_LEN, -2 if the magic is wrong. */
int app_hdr_read(const uint8_t *buf, size_t len, struct app_hdr *h);
/*
 * A destination: an IPv4 or IPv6 literal, or a curling node id
 * ("N", "a.b", "a.b.c") mapped to the node's 10/8 address.  0 or -1.
 */
int app_parse_dst(const char *s, struct addr *a);
/* Format ns as milliseconds with 3 decimals (rounded to the us) into buf. */
char *app_fmt_ms(sim_time_t ns, char *buf, size_t len);
/*
 * Split arguments into exactly npos positional ones (named pos_names, all
 * required) and "name=value" options from opt_names, each at most once;
 * pos[] and opt[] (nopt entries, NULL if absent) point into argv.  0, or
 * -1 with err naming the argument and quoting usage.
 */
int app_args_split(int argc, char **argv, const char *usage,
		   const char *const *pos_names, int npos, const char **pos,
		   const char *const *opt_names, int nopt, const char **opt,
		   char *err, size_t errlen);

#endif /* ENTITIES_APPS_APPS_H */
