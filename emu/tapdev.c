/*
 * tapdev.c - the TAP bridge (tapdev.h).
 *
 * Input: the device's descriptor is non-blocking and watched on the
 * run's hostio; when it is readable, up to TAP_BATCH frames are read at
 * once, each checked (an Ethernet header at least, no more than the
 * interface's MTU carries) and queued in arrival order, and each gets an
 * event at rt_now(), the virtual time of the wall clock when it was
 * read.  The events come in the same order as the frames at
 * non-decreasing times, so each takes the oldest frame queued: the
 * engine owns no frame of ours when a run ends with some not delivered.
 *
 * Output: the interface's frames are handed over by link_send (sim/
 * link.c, iface_set_outside) and written at once, one write() a frame,
 * as the kernel takes a frame from a TAP device: whole or not at all.
 */
#define _GNU_SOURCE	/* setns */
#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/ioctl.h>
#include <linux/if.h>
#include <linux/if_tun.h>

#include "emu/hostio.h"
#include "emu/realtime.h"
#include "emu/tapdev.h"

/* Frames read in one callback at most: the run goes on between batches. */
#define TAP_BATCH	64
/* The largest frame a TAP device can give: an MTU of 65535, a header and a tag. */
#define TAP_FRAME_MAX	(65535 + ETH_HLEN + VLAN_HLEN)

struct tapdev {
	char name[IFNAMSIZ];
	int fd;
	struct iface *ifc;
	struct realtime *rt;
	struct hostio *io;
	uint8_t *buf;		/* TAP_FRAME_MAX bytes */
	struct pkt *q_head, *q_tail;	/* read, waiting for their event */
	struct tapdev_stats st;
};

static const char *const drop_names[TAPDEV_DROP_COUNT] = {
	[TAPDEV_DROP_RUNT] = "runt",
	[TAPDEV_DROP_OVERSIZE] = "oversize",
	[TAPDEV_DROP_READ_ERROR] = "read_error",
	[TAPDEV_DROP_DEVICE_DOWN] = "device_down",
	[TAPDEV_DROP_DEVICE_BUSY] = "device_busy",
	[TAPDEV_DROP_WRITE_ERROR] = "write_error",
	[TAPDEV_DROP_RUN_OVER] = "run_over",
};

const char *
tapdev_drop_name(enum tapdev_drop d)
{
	return d < TAPDEV_DROP_COUNT ? drop_names[d] : "unknown";
}

/* Open the device in the process's namespace: the descriptor, or -1 with errno. */
static int
tun_open(const char *name)
{
	struct ifreq ifr;
	int fd, e;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	memcpy(ifr.ifr_name, name, strlen(name));
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/*
 * tun_open() inside the network namespace netns, coming back to the
 * process's own: the device is made or found there, and its descriptor
 * (which keeps the namespace it was opened in) stays with the process.
 */
static int
tun_open_in(const char *name, const char *netns)
{
	char path[4096];
	int self, ns, fd, e;

	if (strchr(netns, '/'))
		snprintf(path, sizeof(path), "%s", netns);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", netns);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0)
		return -1;
	ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0) {
		e = errno;
		close(self);
		errno = e;
		return -1;
	}
	if (setns(ns, CLONE_NEWNET) < 0) {
		e = errno;
		close(ns);
		close(self);
		errno = e;
		return -1;
	}
	fd = tun_open(name);
	e = errno;
	/* Back home: a process that cannot come back must not go on in there. */
	if (setns(self, CLONE_NEWNET) < 0)
		abort();
	close(ns);
	close(self);
	errno = e;
	return fd;
}

struct tapdev *
tapdev_open(const char *name, const char *netns)
{
	struct tapdev *t;
	int fd;

	if (strlen(name) == 0 || strlen(name) >= IFNAMSIZ) {
		errno = EINVAL;
		return NULL;
	}
	fd = netns ? tun_open_in(name, netns) : tun_open(name);
	if (fd < 0)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (t)
		t->buf = malloc(TAP_FRAME_MAX);
	if (!t || !t->buf) {
		free(t);
		close(fd);
		errno = ENOMEM;
		return NULL;
	}
	memcpy(t->name, name, strlen(name) + 1);
	t->fd = fd;
	return t;
}

const char *
tapdev_name(const struct tapdev *t)
{
	return t->name;
}

/* The event of the oldest frame read: it arrives on the interface. */
static void
deliver(struct sim *sim, void *ctx, void *arg)
{
	struct tapdev *t = ctx;
	struct pkt *p = t->q_head;

	(void)sim;
	(void)arg;
	if (!p)
		return;
	t->q_head = p->next;
	if (!t->q_head)
		t->q_tail = NULL;
	p->next = NULL;
	t->st.frames_in++;
	t->st.bytes_in += p->len;
	ether_input(t->ifc, p);
}

/* The largest frame the interface receives: its MTU, a header, and a tag if tagged. */
static size_t
frame_max(const struct tapdev *t, const uint8_t *f, size_t len)
{
	size_t max = (size_t)t->ifc->mtu + ETH_HLEN;

	if (len >= ETH_HLEN && f[12] == 0x81 && f[13] == 0x00)
		max += VLAN_HLEN;
	return max;
}

static void
readable(void *ctx, int fd, short revents)
{
	struct tapdev *t = ctx;
	struct sim *sim = t->ifc->node->net->sim;

	for (int i = 0; i < TAP_BATCH; i++) {
		ssize_t n = read(fd, t->buf, TAP_FRAME_MAX);
		struct pkt *p;

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return;
			/* The device is gone (its namespace deleted): nothing more comes. */
			t->st.drops[TAPDEV_DROP_READ_ERROR]++;
			hostio_unwatch(t->io, fd);
			return;
		}
		if ((size_t)n < ETH_HLEN) {
			t->st.drops[TAPDEV_DROP_RUNT]++;
			continue;
		}
		if ((size_t)n > frame_max(t, t->buf, (size_t)n)) {
			t->st.drops[TAPDEV_DROP_OVERSIZE]++;
			continue;
		}
		p = pkt_from(t->buf, (size_t)n);
		p->next = NULL;
		if (t->q_tail)
			t->q_tail->next = p;
		else
			t->q_head = p;
		t->q_tail = p;
		{
			/* The frame arrives at the node: its event is the node's (sim.h). */
			uint32_t actor = sim_set_actor(sim, t->ifc->node->id + 1);

			sim_schedule_at(sim, rt_now(t->rt, sim), deliver, t, NULL);
			sim_set_actor(sim, actor);
		}
	}
	(void)revents;
}

/* A frame the interface sends: written to the device. */
static void
transmit(void *ctx, struct iface *ifc, struct pkt *p)
{
	struct tapdev *t = ctx;
	ssize_t n = write(t->fd, p->data, p->len);

	(void)ifc;
	if (n == (ssize_t)p->len) {
		t->st.frames_out++;
		t->st.bytes_out += p->len;
	} else if (n < 0 && errno == EIO) {
		t->st.drops[TAPDEV_DROP_DEVICE_DOWN]++;
	} else if (n < 0 && (errno == EAGAIN || errno == ENOBUFS)) {
		t->st.drops[TAPDEV_DROP_DEVICE_BUSY]++;
	} else {
		t->st.drops[TAPDEV_DROP_WRITE_ERROR]++;
	}
	pkt_free(p);
}

int
tapdev_bind(struct tapdev *t, struct iface *ifc, struct realtime *rt, struct hostio *io)
{
	if (t->ifc || iface_set_outside(ifc, transmit, t) < 0)
		return -1;
	t->ifc = ifc;
	t->rt = rt;
	t->io = io;
	hostio_watch(io, t->fd, POLLIN, readable, t);
	return 0;
}

void
tapdev_stats(const struct tapdev *t, struct tapdev_stats *out)
{
	*out = t->st;
	for (const struct pkt *p = t->q_head; p; p = p->next)
		out->drops[TAPDEV_DROP_RUN_OVER]++;
}

void
tapdev_close(struct tapdev *t)
{
	struct pkt *p, *next;

	if (!t)
		return;
	for (p = t->q_head; p; p = next) {
		next = p->next;
		pkt_free(p);
	}
	close(t->fd);
	free(t->buf);
	free(t);
}
