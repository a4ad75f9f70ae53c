/*
 * hostio.h - the host's file descriptors a run in real time listens to.
 *
 * The bridges (doc/emulation.md) hold host sockets and devices; while
 * the real-time pacer waits for the next event's time it waits on them
 * too (ppoll), and calls the callback of each descriptor that is ready.
 * A callback turns what it reads into events at the virtual time that
 * corresponds to the wall clock then (rt_now(), realtime.h), so input
 * from outside enters the run in time order, and writes what the run
 * sends out.  Nothing here reads or schedules anything in the engine.
 */
#ifndef EMU_HOSTIO_H
#define EMU_HOSTIO_H

#include <stdint.h>

struct hostio;

/* fd is ready for `revents` (POLLIN, POLLOUT, POLLERR, POLLHUP ...). */
typedef void (*hostio_fn)(void *ctx, int fd, short revents);

struct hostio *hostio_new(void);
void hostio_free(struct hostio *io);

/*
 * Watch fd for `events` (POLLIN, POLLOUT): fn is called when it is
 * ready.  Watching an fd again changes its events and callback; events
 * 0 keeps it watched for errors and hang-ups only.
 */
void hostio_watch(struct hostio *io, int fd, short events, hostio_fn fn, void *ctx);
/* Stop watching fd (nothing if it is not watched). */
void hostio_unwatch(struct hostio *io, int fd);
/* How many descriptors are watched. */
unsigned hostio_count(const struct hostio *io);

/*
 * Wait until the monotonic clock reaches `until` (ns; 0 or a time past:
 * do not wait) or a watched descriptor is ready, then call the callbacks
 * of those ready.  Returns how many were called, 0 when the time came
 * first or a signal ended the wait.  Callbacks may watch and unwatch
 * descriptors, their own included.
 */
int hostio_wait(struct hostio *io, int64_t until);

/* The monotonic clock, ns: the clock hostio_wait() waits on. */
int64_t hostio_clock(void);

#endif /* EMU_HOSTIO_H */
