/*
 * tcp_apps.h - the TCP traffic applications: usr.applications.TcpSend
 * (connects, sends a number of bytes of a known pattern, closes) and
 * usr.applications.TcpSink (listens, counts and checks what arrives).
 * Both run over the emulated TCP of sim/tcp.h; doc/tcp.md describes
 * their arguments and statistics.
 *
 * The instance structs are here so that the unit tests can check what
 * init parsed; no other entity may look inside them.
 */
#ifndef ENTITIES_APPS_TCP_APPS_H
#define ENTITIES_APPS_TCP_APPS_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "sim/addr.h"
#include "sim/entity.h"
#include "sim/sim.h"
#include "sim/tcp.h"

#define APP_TCP_CHUNK_DEFAULT	65536	/* bytes per tcp_send call */

/* Byte i of every TcpSend stream. */
static inline uint8_t
app_tcp_pattern(uint64_t i)
{
	return (uint8_t)((i * 7 + 3) & 0xff);
}

/* usr.applications.TcpSend */
struct app_tcp_send {
	struct entity e;
	/* arguments */
	struct addr dst;
	char dst_str[ADDR_STRLEN];	/* dst, formatted */
	uint16_t dport;
	char dst_ep[ADDR_STRLEN + 8];	/* "addr:port" or "[addr]:port", for the log */
	uint64_t bytes;		/* to send */
	uint64_t chunk;		/* bytes per tcp_send call */
	sim_time_t start_delay;	/* from start to the connection attempt */
	/* run */
	struct tcp_sock *sock;	/* NULL once closed */
	struct sim_timer timer;
	sim_time_t t_open;	/* when the connection was tried */
	/* statistics */
	uint64_t attempts;	/* connections tried */
	uint64_t connected;	/* handshakes completed */
	uint64_t closed;	/* `closed` heard */
	enum tcp_close_reason closed_reason;	/* of the last one */
	uint64_t bytes_queued;	/* handed to TCP */
	uint64_t bytes_sent;	/* acknowledged by the sink's TCP */
	uint64_t retransmits, timeouts;
	uint64_t errors;	/* no route, no port */
};

/* One connection of a TcpSink. */
struct app_tcp_sink_conn {
	struct app_tcp_sink *sink;
	struct tcp_sock *sock;
	char peer[ADDR_STRLEN + 8];	/* "addr:port" or "[addr]:port" */
	uint64_t bytes;
	uint64_t errors;	/* bytes that differ from the pattern */
	uint64_t first_error;	/* offset of the first one */
};

/* usr.applications.TcpSink */
struct app_tcp_sink {
	struct entity e;
	/* arguments */
	uint16_t port;
	/* run */
	struct tcp_sock *listener;
	GPtrArray *conns;	/* struct app_tcp_sink_conn *, accept order */
	/* statistics */
	uint64_t connections;	/* accepted */
	uint64_t bytes_received;
	uint64_t content_errors;	/* bytes that differ from the pattern */
	uint64_t completed;	/* connections closed normally */
	uint64_t failed;	/* connections reset, timed out or aborted */
};

/* tcp.c */
extern const struct entity_class app_tcp_send_class;
extern const struct entity_class app_tcp_sink_class;

#endif /* ENTITIES_APPS_TCP_APPS_H */
