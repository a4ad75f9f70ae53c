/*
 * sockbr.c - the socket bridge (sockbr.h, doc/emulation.md).
 *
 * Two kinds of object live on both sides:
 *  - a connection (TCP): one host socket and one emulated TCP socket,
 *    bytes copied both ways, FIN mapped to shutdown() and back, a reset
 *    to a reset;
 *  - a peer (UDP): inward, one host address:port and the emulated socket
 *    on `from` its datagrams leave by; outward, one emulated address:port
 *    and the host socket connected to the server for it.
 * Host callbacks never touch the emulated stacks: they read, then
 * schedule a message at rt_now(), and the message's event does the rest.
 */
#define _GNU_SOURCE	/* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>

#include "emu/hostio.h"
#include "emu/realtime.h"
#include "emu/sockbr.h"
#include "sim/addr.h"
#include "sim/net.h"
#include "sim/sim.h"
#include "sim/tcp.h"

/* Bytes read from a host TCP socket at a time. */
#define BR_READ		16384
/*
 * Back-pressure: once the emulated send buffer holds more than BR_HIGH
 * bytes the host socket is not read; the emulated TCP's `writable`
 * callback, at BR_LOWAT, resumes reading.
 */
#define BR_HIGH		(256 * 1024)
#define BR_LOWAT	(64 * 1024)
/* Datagrams read from a host UDP socket in one callback. */
#define BR_BURST	64
/* UDP peers a bridge keeps (host addresses inward, emulated ones outward). */
#define BR_PEERS_MAX	1024
#define BR_DGRAM_MAX	65535

static const char *const drop_names[SOCKBR_DROPS] = {
	"no_route", "too_many_peers", "host_busy", "host_error", "host_refused",
	"emulated_refused", "too_big", "host_no_fd",
};

enum msg_kind { M_OPEN = 0, M_DATA, M_EOF, M_ABORT, M_UDP_IN, M_UDP_BACK };

struct conn;
struct peer;

/* Input from the host waiting for its event (owned by the bridge until it runs). */
struct msg {
	struct msg *prev, *next;
	struct sim_event *ev;
	enum msg_kind kind;
	struct conn *c;
	struct peer *p;
	struct sockaddr_in from;	/* M_UDP_IN: the host sender */
	size_t len;
	uint8_t data[];
};

struct conn {
	struct sockbr *b;
	int fd;			/* host socket; -1 once closed */
	struct tcp_sock *s;	/* emulated socket; NULL once `closed` came */
	GByteArray *out;	/* for the host socket, not yet written */
	bool emu_up;		/* the emulated side is established */
	bool connecting;	/* outward: the host connect() is in progress */
	bool host_eof;		/* the host sent EOF: tcp_close() asked for */
	bool emu_eof;		/* the emulated peer sent FIN */
	bool shut;		/* shutdown(SHUT_WR) done */
	bool paused;		/* back-pressure: the send buffer is full */
	bool inflight;		/* a data message of it waits for its event */
	unsigned nmsgs;		/* messages that name it */
	bool watched;
};

struct peer {
	struct sockbr *b;
	char *key;
	struct sockaddr_in ha;	/* inward: the host sender */
	struct udp_sock *us;	/* inward: its socket on `from` */
	struct addr ea;		/* outward: the emulated sender */
	uint16_t eport;
	int fd;			/* outward: host socket connected to the server; -1 */
};

struct sockbr {
	char *name, *where;
	struct sockbr_spec spec;
	struct sim *sim;
	struct realtime *rt;
	struct hostio *io;
	struct node *node, *from;
	struct addr dst;	/* inward: node's address */
	int lfd;		/* inward: the host listener or UDP socket; -1 */
	int spare;		/* inward TCP: a descriptor kept for refusing (listen_io); -1 */
	bool lfd_off;		/* inward TCP: the listener not watched, no descriptor left */
	struct tcp_sock *tl;	/* outward TCP: the emulated listener */
	struct udp_sock *us;	/* outward UDP: the emulated socket on node */
	GPtrArray *conns;	/* struct conn*, alive */
	GHashTable *peers;	/* key -> struct peer* */
	struct msg *msgs;	/* waiting for their events */
	uint64_t conns_n, bytes_in, bytes_out, dgrams_in, dgrams_out, pauses;
	uint64_t drops[SOCKBR_DROPS];
};

static const struct tcp_callbacks conn_cb;

/* ---- host sockets ---- */

static const char *
host_fmt(const struct sockaddr_in *sa, char *buf, size_t len)
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sa->sin_addr, ip, sizeof(ip));
	snprintf(buf, len, "%s:%u", ip, (unsigned)ntohs(sa->sin_port));
	return buf;
}

/* Close with a reset, not a FIN: the emulated side was reset or failed. */
static void
close_reset(int fd)
{
	struct linger lg = { 1, 0 };

	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(fd);
}

/* ---- messages: host input turned into events ---- */

static void msg_run(struct sim *sim, void *ctx, void *arg);

static struct msg *
msg_new(struct sockbr *b, enum msg_kind kind, const void *data, size_t len)
{
	struct msg *m = g_malloc0(sizeof(*m) + len);

	m->kind = kind;
	m->len = len;
	if (len)
		memcpy(m->data, data, len);
	m->next = b->msgs;
	if (b->msgs)
		b->msgs->prev = m;
	b->msgs = m;
	return m;
}

static void
msg_post(struct sockbr *b, struct msg *m)
{
	uint32_t actor;

	if (m->c)
		m->c->nmsgs++;
	/* What the message does, the emulated node of the bridge does (sim.h). */
	actor = sim_set_actor(b->sim, (b->from ? b->from : b->node)->id + 1);
	m->ev = sim_schedule_at(b->sim, rt_now(b->rt, b->sim), msg_run, b, m);
	sim_set_actor(b->sim, actor);
}

static void
msg_unlink(struct sockbr *b, struct msg *m)
{
	if (m->prev)
		m->prev->next = m->next;
	else
		b->msgs = m->next;
	if (m->next)
		m->next->prev = m->prev;
}

/* ---- TCP connections ---- */

static void listen_resume(struct sockbr *b);

static void conn_io(void *ctx, int fd, short revents);

static struct conn *
conn_new(struct sockbr *b, int fd)
{
	struct conn *c = g_new0(struct conn, 1);

	c->b = b;
	c->fd = fd;
	c->out = g_byte_array_new();
	g_ptr_array_add(b->conns, c);
	b->conns_n++;
	return c;
}

/* Watch the host socket for what the connection waits for now. */
static void
conn_watch(struct conn *c)
{
	short ev = 0;

	if (c->fd < 0)
		return;
	if (c->connecting || c->out->len)
		ev |= POLLOUT;
	if (!c->connecting && c->emu_up && c->s && !c->host_eof && !c->paused && !c->inflight)
		ev |= POLLIN;
	if (ev) {
		hostio_watch(c->b->io, c->fd, ev, conn_io, c);
		c->watched = true;
	} else if (c->watched) {
		/* Not watched at all: a hang-up would be reported again and again. */
		hostio_unwatch(c->b->io, c->fd);
		c->watched = false;
	}
}

static void
conn_host_close(struct conn *c, bool reset)
{
	if (c->fd < 0)
		return;
	if (c->watched)
		hostio_unwatch(c->b->io, c->fd);
	c->watched = false;
	if (reset)
		close_reset(c->fd);
	else
		close(c->fd);
	c->fd = -1;
	g_byte_array_set_size(c->out, 0);
	listen_resume(c->b);
}

/* Free the connection once neither side nor any message holds it. */
static void
conn_maybe_free(struct conn *c)
{
	if (c->s || c->fd >= 0 || c->nmsgs)
		return;
	g_ptr_array_remove_fast(c->b->conns, c);
	g_byte_array_free(c->out, TRUE);
	g_free(c);
}

/* The host socket failed or reset: reset the emulated side too. */
static void
conn_host_failed(struct conn *c)
{
	struct msg *m;

	conn_host_close(c, true);
	if (!c->s)
		return;
	m = msg_new(c->b, M_ABORT, NULL, 0);
	m->c = c;
	msg_post(c->b, m);
}

/* Write what waits for the host; after the emulated FIN, pass it on. */
static void
conn_flush(struct conn *c)
{
	while (c->fd >= 0 && c->out->len) {
		ssize_t n = send(c->fd, c->out->data, c->out->len, MSG_NOSIGNAL);

		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			break;
		if (n < 0) {
			conn_host_failed(c);
			return;
		}
		c->b->bytes_out += (uint64_t)n;
		g_byte_array_remove_range(c->out, 0, (guint)n);
	}
	if (c->fd < 0 || c->out->len)
		return;
	if (c->emu_eof && !c->shut) {
		shutdown(c->fd, SHUT_WR);
		c->shut = true;
	}
	/* Both directions are over and written: the host socket is done. */
	if (!c->s && (c->host_eof || c->shut))
		conn_host_close(c, false);
}

static void
conn_io(void *ctx, int fd, short revents)
{
	struct conn *c = ctx;
	struct sockbr *b = c->b;
	uint8_t buf[BR_READ];
	ssize_t n;

	(void)fd;
	if (c->connecting) {
		int e = 0;
		socklen_t el = sizeof(e);

		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0)
			e = errno;
		if (e == 0 && !(revents & (POLLOUT | POLLERR | POLLHUP)))
			return;
		if (e) {
			b->drops[SOCKBR_HOST_REFUSED]++;
			conn_host_failed(c);
			conn_maybe_free(c);
			return;
		}
		c->connecting = false;
	}
	if (c->out->len && (revents & (POLLOUT | POLLERR | POLLHUP)))
		conn_flush(c);
	if (c->fd >= 0 && (revents & (POLLIN | POLLERR | POLLHUP)) && c->s && c->emu_up &&
	    !c->host_eof && !c->paused && !c->inflight) {
		n = recv(c->fd, buf, sizeof(buf), 0);
		if (n > 0) {
			struct msg *m = msg_new(b, M_DATA, buf, (size_t)n);

			m->c = c;
			c->inflight = true;
			b->bytes_in += (uint64_t)n;
			msg_post(b, m);
		} else if (n == 0) {
			struct msg *m = msg_new(b, M_EOF, NULL, 0);

			m->c = c;
			c->host_eof = true;
			msg_post(b, m);
		} else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			conn_host_failed(c);
		}
	}
	conn_watch(c);
	conn_maybe_free(c);
}

/* Emulated callbacks (inside events). */

static void
conn_connected(struct tcp_sock *s, void *ctx)
{
	struct conn *c = ctx;

	(void)s;
	c->emu_up = true;
	conn_watch(c);
}

static void
conn_recv(struct tcp_sock *s, void *ctx, const uint8_t *data, size_t len)
{
	struct conn *c = ctx;

	(void)s;
	/* Counted once written to the host (conn_flush): a host gone takes none. */
	if (c->fd < 0)
		return;
	g_byte_array_append(c->out, data, (guint)len);
	if (!c->connecting)
		conn_flush(c);
	conn_watch(c);
}

static void
conn_eof(struct tcp_sock *s, void *ctx)
{
	struct conn *c = ctx;

	(void)s;
	c->emu_eof = true;
	if (!c->connecting)
		conn_flush(c);
	conn_watch(c);
}

static void
conn_closed(struct tcp_sock *s, void *ctx, enum tcp_close_reason why)
{
	struct conn *c = ctx;

	(void)s;
	c->s = NULL;
	if (why == TCP_CLOSED_REFUSED || why == TCP_CLOSED_TIMEOUT) {
		if (!c->emu_up)
			c->b->drops[SOCKBR_EMU_REFUSED]++;
		conn_host_close(c, true);
	} else if (why != TCP_CLOSED_NORMAL) {
		conn_host_close(c, true);
	} else {
		c->emu_eof = true;
		if (!c->connecting)
			conn_flush(c);
		conn_watch(c);
	}
	conn_maybe_free(c);
}

static void
conn_writable(struct tcp_sock *s, void *ctx)
{
	struct conn *c = ctx;

	(void)s;
	c->paused = false;
	conn_watch(c);
}

static const struct tcp_callbacks conn_cb = {
	.connected = conn_connected,
	.recv = conn_recv,
	.eof = conn_eof,
	.closed = conn_closed,
	.writable = conn_writable,
};

static void listen_io(void *ctx, int fd, short revents);

/*
 * The process is out of descriptors (EMFILE, ENFILE) with connections
 * queued on the listener: left there, they keep it readable and the
 * wait would wake at once, again and again.  The spare descriptor is
 * given up to accept one, which is closed at once with a reset and
 * counted (host_no_fd), then taken again.  Returns whether one was
 * refused (false too when none was queued).  If not even that works
 * (no spare), the listener is not watched until a connection of this
 * bridge closes its host socket (listen_resume()).
 */
static bool
listen_refuse(struct sockbr *b)
{
	int cfd = -1, e = EMFILE;

	if (b->spare >= 0) {
		close(b->spare);
		cfd = accept4(b->lfd, NULL, NULL, SOCK_CLOEXEC);
		e = errno;
		if (cfd >= 0) {
			close_reset(cfd);
			b->drops[SOCKBR_HOST_NO_FD]++;
		}
		b->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	}
	if (cfd >= 0)
		return true;
	/* EMFILE comes before the queue is looked at: it may be empty. */
	if (e == EAGAIN || e == EWOULDBLOCK)
		return false;
	hostio_unwatch(b->io, b->lfd);
	b->lfd_off = true;
	return false;
}

/* A descriptor of the bridge was closed: a listener left unwatched is watched again. */
static void
listen_resume(struct sockbr *b)
{
	if (!b->lfd_off)
		return;
	b->lfd_off = false;
	if (b->spare < 0)
		b->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	hostio_watch(b->io, b->lfd, POLLIN, listen_io, b);
}

/* Inward: the host listener has connections to accept. */
static void
listen_io(void *ctx, int fd, short revents)
{
	struct sockbr *b = ctx;

	(void)revents;
	for (;;) {
		int cfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn *c;
		struct msg *m;

		if (cfd < 0 && (errno == EMFILE || errno == ENFILE)) {
			if (listen_refuse(b))
				continue;
			return;
		}
		if (cfd < 0 && errno == ECONNABORTED)
			continue;
		if (cfd < 0)
			return;
		c = conn_new(b, cfd);
		m = msg_new(b, M_OPEN, NULL, 0);
		m->c = c;
		msg_post(b, m);
	}
}

/* Outward: an emulated client connected to the bridge's port. */
static void
outward_accept(struct tcp_sock *l, struct tcp_sock *s, void *ctx)
{
	struct sockbr *b = ctx;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct conn *c;

	(void)l;
	c = conn_new(b, fd);
	c->s = s;
	c->emu_up = true;
	tcp_set_callbacks(s, &conn_cb, c);
	tcp_set_lowat(s, BR_LOWAT);
	if (fd < 0 || (connect(fd, (const struct sockaddr *)&b->spec.host,
			       sizeof(b->spec.host)) < 0 && errno != EINPROGRESS)) {
		b->drops[SOCKBR_HOST_REFUSED]++;
		if (fd >= 0)
			close(fd);
		c->fd = -1;
		tcp_abort(s);	/* `closed` frees c */
		return;
	}
	c->connecting = true;
	conn_watch(c);
}

/* ---- UDP peers ---- */

static void peer_io(void *ctx, int fd, short revents);
static void inward_udp_recv(struct udp_sock *s, void *ctx, struct pkt *p,
			    const struct addr *src, uint16_t sport,
			    const struct addr *dst, uint16_t dport);

static void
peer_free(void *data)
{
	struct peer *p = data;

	if (p->fd >= 0) {
		hostio_unwatch(p->b->io, p->fd);
		close(p->fd);
	}
	g_free(p->key);
	g_free(p);
}

/* Inward: a host datagram's peer, made on first use; NULL (counted) if none can be. */
static struct peer *
inward_peer(struct sockbr *b, const struct sockaddr_in *ha)
{
	char key[64];
	struct peer *p;

	host_fmt(ha, key, sizeof(key));
	p = g_hash_table_lookup(b->peers, key);
	if (p)
		return p;
	if (g_hash_table_size(b->peers) >= BR_PEERS_MAX) {
		b->drops[SOCKBR_TOO_MANY_PEERS]++;
		return NULL;
	}
	p = g_new0(struct peer, 1);
	p->b = b;
	p->fd = -1;
	p->ha = *ha;
	p->us = udp_open(b->from, 0, inward_udp_recv, p);
	if (!p->us) {
		g_free(p);
		b->drops[SOCKBR_NO_ROUTE]++;
		return NULL;
	}
	p->key = g_strdup(key);
	g_hash_table_insert(b->peers, p->key, p);
	return p;
}

/* Inward: the emulated node answered a host peer. */
static void
inward_udp_recv(struct udp_sock *s, void *ctx, struct pkt *pk, const struct addr *src,
		uint16_t sport, const struct addr *dst, uint16_t dport)
{
	struct peer *p = ctx;
	struct sockbr *b = p->b;

	(void)s, (void)src, (void)sport, (void)dst, (void)dport;
	if (sendto(b->lfd, pk->data, pk->len, MSG_NOSIGNAL, (const struct sockaddr *)&p->ha,
		   sizeof(p->ha)) < 0) {
		b->drops[errno == EAGAIN || errno == EWOULDBLOCK ? SOCKBR_HOST_BUSY : SOCKBR_HOST_ERROR]++;
		return;
	}
	b->dgrams_out++;
	b->bytes_out += pk->len;
}

/* Inward: datagrams on the host UDP socket. */
static void
inward_udp_io(void *ctx, int fd, short revents)
{
	struct sockbr *b = ctx;
	static uint8_t buf[BR_DGRAM_MAX];

	(void)revents;
	for (int i = 0; i < BR_BURST; i++) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		struct msg *m;

		if (n < 0)
			return;
		m = msg_new(b, M_UDP_IN, buf, (size_t)n);
		m->from = from;
		msg_post(b, m);
	}
}

/* Outward: an emulated datagram for the bridge's port goes to the host server. */
static void
outward_udp_recv(struct udp_sock *s, void *ctx, struct pkt *pk, const struct addr *src,
		 uint16_t sport, const struct addr *dst, uint16_t dport)
{
	struct sockbr *b = ctx;
	char ab[ADDR_STRLEN], key[ADDR_STRLEN + 8];
	struct peer *p;

	(void)s, (void)dst, (void)dport;
	snprintf(key, sizeof(key), "%s/%u", addr_fmt(src, ab), (unsigned)sport);
	p = g_hash_table_lookup(b->peers, key);
	if (!p) {
		int fd;

		if (g_hash_table_size(b->peers) >= BR_PEERS_MAX) {
			b->drops[SOCKBR_TOO_MANY_PEERS]++;
			return;
		}
		fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0 || connect(fd, (const struct sockaddr *)&b->spec.host,
				      sizeof(b->spec.host)) < 0) {
			if (fd >= 0)
				close(fd);
			b->drops[SOCKBR_HOST_ERROR]++;
			return;
		}
		p = g_new0(struct peer, 1);
		p->b = b;
		p->fd = fd;
		p->ea = *src;
		p->eport = sport;
		p->key = g_strdup(key);
		g_hash_table_insert(b->peers, p->key, p);
		hostio_watch(b->io, fd, POLLIN, peer_io, p);
	}
	if (send(p->fd, pk->data, pk->len, MSG_NOSIGNAL) < 0) {
		b->drops[errno == EAGAIN || errno == EWOULDBLOCK ? SOCKBR_HOST_BUSY : SOCKBR_HOST_ERROR]++;
		return;
	}
	b->dgrams_out++;
	b->bytes_out += pk->len;
}

/* Outward: the host server answered one emulated peer. */
static void
peer_io(void *ctx, int fd, short revents)
{
	struct peer *p = ctx;
	static uint8_t buf[BR_DGRAM_MAX];

	(void)revents;
	for (int i = 0; i < BR_BURST; i++) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct msg *m;

		if (n < 0) {
			/* An ICMP error for an earlier datagram reads as ECONNREFUSED: go on. */
			if (errno == ECONNREFUSED)
				continue;
			return;
		}
		m = msg_new(p->b, M_UDP_BACK, buf, (size_t)n);
		m->p = p;
		msg_post(p->b, m);
	}
}

/* ---- the messages' events ---- */

/*
 * Whether a datagram of len bytes to dst is larger than the MTU of the
 * interface it would leave n by: the emulated network never fragments.
 */
static bool
too_big(const struct node *n, const struct addr *dst, size_t len)
{
	const struct route *r = route_lookup(n, dst);
	size_t hdr = 8 + (dst->af == ADDR_V4 ? 20 : 40);

	return r && r->ifc && len + hdr > r->ifc->mtu;
}

/* Send a datagram into the emulated network, counted. */
static void
udp_in(struct sockbr *b, struct udp_sock *us, const struct addr *dst, uint16_t dport,
       const struct msg *m)
{
	if (too_big(udp_node(us), dst, m->len)) {
		b->drops[SOCKBR_TOO_BIG]++;
		return;
	}
	if (udp_sendto_buf(us, dst, dport, m->data, m->len) < 0) {
		b->drops[SOCKBR_NO_ROUTE]++;
		return;
	}
	b->dgrams_in++;
	b->bytes_in += m->len;
}

static void
msg_run(struct sim *sim, void *ctx, void *arg)
{
	struct sockbr *b = ctx;
	struct msg *m = arg;
	struct conn *c = m->c;

	(void)sim;
	msg_unlink(b, m);
	/* c->nmsgs still counts m: a callback of what runs here cannot free c. */
	switch (m->kind) {
	case M_OPEN:
		c->s = c->fd < 0 ? NULL :
			tcp_connect(b->from, &b->dst, b->spec.port, 0, &conn_cb, c);
		if (!c->s) {
			b->drops[SOCKBR_NO_ROUTE]++;
			conn_host_close(c, true);
		} else {
			tcp_set_lowat(c->s, BR_LOWAT);
		}
		break;
	case M_DATA:
		c->inflight = false;
		if (c->s) {
			tcp_send(c->s, m->data, m->len);
			if (tcp_unacked(c->s) > BR_HIGH) {
				c->paused = true;
				b->pauses++;
			}
		}
		conn_watch(c);
		break;
	case M_EOF:
		if (c->s)
			tcp_close(c->s);
		if (c->fd >= 0)
			conn_flush(c);
		break;
	case M_ABORT:
		if (c->s)
			tcp_abort(c->s);
		break;
	case M_UDP_IN: {
		struct peer *p = inward_peer(b, &m->from);

		if (p)
			udp_in(b, p->us, &b->dst, b->spec.port, m);
		break;
	}
	case M_UDP_BACK:
		udp_in(b, b->us, &m->p->ea, m->p->eport, m);
		break;
	}
	if (c) {
		c->nmsgs--;
		conn_maybe_free(c);
	}
	g_free(m);
}

/* ---- the bridge ---- */

struct sockbr *
sockbr_open(const struct sockbr_spec *spec, char *err, size_t errlen)
{
	struct sockbr *b = g_new0(struct sockbr, 1);
	int one = 1;

	b->spec = *spec;
	b->name = g_strdup(spec->name);
	b->where = g_strdup(spec->where);
	b->spec.name = b->name;
	b->spec.where = b->where;
	b->lfd = -1;
	b->spare = -1;
	b->conns = g_ptr_array_new();
	b->peers = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, peer_free);
	if (spec->outward)
		return b;
	b->lfd = socket(AF_INET, (spec->proto == SOCKBR_TCP ? SOCK_STREAM : SOCK_DGRAM) |
			SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (b->lfd >= 0 && spec->proto == SOCKBR_TCP)
		setsockopt(b->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (b->lfd < 0 ||
	    bind(b->lfd, (const struct sockaddr *)&spec->host, sizeof(spec->host)) < 0 ||
	    (spec->proto == SOCKBR_TCP && listen(b->lfd, 64) < 0)) {
		char hb[64];

		snprintf(err, errlen, "%s: bridge %s: cannot listen on %s %s: %s",
			 spec->where, spec->name, spec->proto == SOCKBR_TCP ? "TCP" : "UDP",
			 host_fmt(&spec->host, hb, sizeof(hb)), strerror(errno));
		sockbr_free(b);
		return NULL;
	}
	if (spec->proto == SOCKBR_TCP)
		b->spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return b;
}

/* The address a node is reached at: its first IPv4 address, else its first IPv6 one. */
static int
node_addr(const struct node *n, struct addr *out)
{
	static const int afs[2] = { ADDR_V4, ADDR_V6 };

	for (int k = 0; k < 2; k++)
		for (unsigned i = 0; i < n->nifaces; i++) {
			const struct ifaddr *ia = iface_addr(n->ifaces[i], afs[k]);

			if (ia) {
				*out = ia->addr;
				return 0;
			}
		}
	if (!addr_is_unset(&n->router_id)) {
		*out = n->router_id;
		return 0;
	}
	return -1;
}

int
sockbr_start(struct sockbr *b, struct sim *sim, struct realtime *rt, struct hostio *io,
	     struct node *node, struct node *from, char *err, size_t errlen)
{
	b->sim = sim;
	b->rt = rt;
	b->io = io;
	b->node = node;
	b->from = from;
	if (!b->spec.outward) {
		if (node_addr(node, &b->dst) < 0) {
			snprintf(err, errlen, "%s: bridge %s: node %s has no address to reach",
				 b->where, b->name, node->name);
			return -1;
		}
		hostio_watch(io, b->lfd, POLLIN,
			     b->spec.proto == SOCKBR_TCP ? listen_io : inward_udp_io, b);
		return 0;
	}
	if (b->spec.proto == SOCKBR_TCP)
		b->tl = tcp_listen(node, b->spec.port, outward_accept, b);
	else
		b->us = udp_open(node, b->spec.port, outward_udp_recv, b);
	if (!b->tl && !b->us) {
		snprintf(err, errlen, "%s: bridge %s: %s port %u of node %s is taken",
			 b->where, b->name, b->spec.proto == SOCKBR_TCP ? "TCP" : "UDP",
			 (unsigned)b->spec.port, node->name);
		return -1;
	}
	return 0;
}

void
sockbr_stats(const struct sockbr *b, struct sockbr_stats *out)
{
	out->connections = b->conns_n;
	out->bytes_in = b->bytes_in;
	out->bytes_out = b->bytes_out;
	out->datagrams_in = b->dgrams_in;
	out->datagrams_out = b->dgrams_out;
	out->pauses = b->pauses;
	memcpy(out->drops, b->drops, sizeof(out->drops));
}

const char *
sockbr_drop_name(enum sockbr_drop d)
{
	return d < SOCKBR_DROPS ? drop_names[d] : "?";
}

/*
 * After net_destroy(): the emulated sockets are gone with their nodes,
 * so only host descriptors and memory are freed here.
 */
void
sockbr_free(struct sockbr *b)
{
	if (!b)
		return;
	while (b->msgs) {
		struct msg *m = b->msgs;

		msg_unlink(b, m);
		g_free(m);
	}
	for (guint i = 0; i < b->conns->len; i++) {
		struct conn *c = g_ptr_array_index(b->conns, i);

		if (c->fd >= 0) {
			if (c->watched)
				hostio_unwatch(b->io, c->fd);
			close(c->fd);
		}
		g_byte_array_free(c->out, TRUE);
		g_free(c);
	}
	g_ptr_array_free(b->conns, TRUE);
	g_hash_table_destroy(b->peers);
	if (b->lfd >= 0) {
		if (b->io)
			hostio_unwatch(b->io, b->lfd);
		close(b->lfd);
	}
	if (b->spare >= 0)
		close(b->spare);
	g_free(b->name);
	g_free(b->where);
	g_free(b);
}
