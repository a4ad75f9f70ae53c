/*
 * hostio.c - host descriptors watched while the run waits (hostio.h).
 */
#define _GNU_SOURCE	/* ppoll */
#include <errno.h>
#include <poll.h>
#include <time.h>

#include <glib.h>

#include "emu/hostio.h"

struct watch {
	hostio_fn fn;
	void *ctx;
};

struct hostio {
	GArray *pfd;		/* struct pollfd, in the order watched */
	GArray *w;		/* struct watch, index for index */
	GArray *ready;		/* struct pollfd: the ready ones of one wait */
};

int64_t
hostio_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct hostio *
hostio_new(void)
{
	struct hostio *io = g_new0(struct hostio, 1);

	io->pfd = g_array_new(FALSE, FALSE, sizeof(struct pollfd));
	io->w = g_array_new(FALSE, FALSE, sizeof(struct watch));
	io->ready = g_array_new(FALSE, FALSE, sizeof(struct pollfd));
	return io;
}

void
hostio_free(struct hostio *io)
{
	if (!io)
		return;
	g_array_free(io->pfd, TRUE);
	g_array_free(io->w, TRUE);
	g_array_free(io->ready, TRUE);
	g_free(io);
}

static int
find(const struct hostio *io, int fd)
{
	for (guint i = 0; i < io->pfd->len; i++)
		if (g_array_index(io->pfd, struct pollfd, i).fd == fd)
			return (int)i;
	return -1;
}

void
hostio_watch(struct hostio *io, int fd, short events, hostio_fn fn, void *ctx)
{
	struct pollfd p = { .fd = fd, .events = events };
	struct watch w = { fn, ctx };
	int i = find(io, fd);

	if (i >= 0) {
		g_array_index(io->pfd, struct pollfd, i) = p;
		g_array_index(io->w, struct watch, i) = w;
		return;
	}
	g_array_append_val(io->pfd, p);
	g_array_append_val(io->w, w);
}

void
hostio_unwatch(struct hostio *io, int fd)
{
	int i = find(io, fd);

	if (i < 0)
		return;
	/* In order: the callbacks of one wait run in the order watched. */
	g_array_remove_index(io->pfd, (guint)i);
	g_array_remove_index(io->w, (guint)i);
}

unsigned
hostio_count(const struct hostio *io)
{
	return io->pfd->len;
}

int
hostio_wait(struct hostio *io, int64_t until)
{
	struct timespec ts = { 0, 0 };
	int64_t left = until - hostio_clock();
	int n, called = 0;

	if (left > 0) {
		ts.tv_sec = (time_t)(left / 1000000000LL);
		ts.tv_nsec = (long)(left % 1000000000LL);
	}
	n = ppoll((struct pollfd *)io->pfd->data, io->pfd->len, &ts, NULL);
	if (n <= 0)
		return 0;	/* the time came, or a signal (EINTR): the caller looks */
	/* Copied first: a callback may change what is watched. */
	g_array_set_size(io->ready, 0);
	for (guint i = 0; i < io->pfd->len; i++) {
		struct pollfd p = g_array_index(io->pfd, struct pollfd, i);

		if (p.revents)
			g_array_append_val(io->ready, p);
	}
	for (guint i = 0; i < io->ready->len; i++) {
		struct pollfd p = g_array_index(io->ready, struct pollfd, i);
		int j = find(io, p.fd);
		struct watch w;

		if (j < 0)
			continue;	/* unwatched by an earlier callback */
		w = g_array_index(io->w, struct watch, j);
		w.fn(w.ctx, p.fd, p.revents);
		called++;
	}
	return called;
}
