/*
 * tapdev.h - the TAP bridge: an emulated Ethernet interface bound to a
 * Linux TAP device (doc/emulation.md, "The TAP bridge").
 *
 * What the emulated interface sends is written to the device, byte for
 * byte, at the virtual time it leaves (its pcap records it as sent);
 * what the host writes to the device's interface is read while the
 * real-time pacer waits (hostio.h) and enters the emulated network at
 * rt_now(), as a frame arriving on the interface's link (its pcap
 * records it as received).  Every frame that does not make it across is
 * counted with its reason.
 */
#ifndef EMU_TAPDEV_H
#define EMU_TAPDEV_H

#include <stdint.h>

#include "sim/net.h"

struct realtime;
struct hostio;
struct tapdev;

/* Why a frame did not cross. */
enum tapdev_drop {
	TAPDEV_DROP_RUNT = 0,	/* from the device: shorter than an Ethernet header */
	TAPDEV_DROP_OVERSIZE,	/* from the device: more than the interface's MTU carries */
	TAPDEV_DROP_READ_ERROR,	/* from the device: reading it failed */
	TAPDEV_DROP_DEVICE_DOWN,	/* to the device: its interface is down (EIO) */
	TAPDEV_DROP_DEVICE_BUSY,	/* to the device: the kernel took no more (EAGAIN, ENOBUFS) */
	TAPDEV_DROP_WRITE_ERROR,	/* to the device: another error, or written in part */
	TAPDEV_DROP_RUN_OVER,	/* from the device: read, and the run ended before its time */
	TAPDEV_DROP_COUNT
};

struct tapdev_stats {
	uint64_t frames_in, bytes_in;	/* read from the device and arrived on the interface */
	uint64_t frames_out, bytes_out;	/* sent by the interface, written to the device */
	uint64_t drops[TAPDEV_DROP_COUNT];
};

/*
 * Open the TAP device `name` (/dev/net/tun, IFF_TAP | IFF_NO_PI): one
 * made beforehand (ip tuntap add), or a new one the kernel makes when the
 * process may (CAP_NET_ADMIN), which goes away with the process.  netns
 * NULL: in the process's network namespace; else in that one, a name of
 * `ip netns` (/run/netns/NAME) or the path of a namespace file, entered
 * only to open the device (CAP_SYS_ADMIN): the device lives there, the
 * process stays where it is.  NULL with errno set (EPERM, ENOENT: no
 * /dev/net/tun or no such namespace, EBUSY: another process has the
 * device, EINVAL: an interface of another kind has the name).
 */
struct tapdev *tapdev_open(const char *name, const char *netns);
/* The device's name. */
const char *tapdev_name(const struct tapdev *t);
/*
 * Bind the device to ifc (an Ethernet interface without a link,
 * iface_set_outside) and watch it on io; input is scheduled at
 * rt_now(rt, ...).  0, or -1 if the interface cannot be bound.
 */
int tapdev_bind(struct tapdev *t, struct iface *ifc, struct realtime *rt, struct hostio *io);
void tapdev_stats(const struct tapdev *t, struct tapdev_stats *out);
/* The name of a reason as summary.json has it ("oversize"). */
const char *tapdev_drop_name(enum tapdev_drop d);
/*
 * Close the device (a device the kernel made for the run goes away) and
 * free the frames read and not delivered (tapdev_stats counts them as
 * run_over).  It touches neither the interface nor the hostio: call it
 * once the network, the simulator and the hostio are gone.
 */
void tapdev_close(struct tapdev *t);

#endif /* EMU_TAPDEV_H */
