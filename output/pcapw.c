/*
 * pcapw.c - pcap files written with libpcap.
 *
 * A "dead" capture handle (no device behind it) carries the link type,
 * the snapshot length and the timestamp precision; pcap_dump_open() then
 * writes a classic pcap file with the nanosecond magic number, which
 * tshark and tcpdump read without options.  Records go through the
 * FILE buffer of the dumper; output.c flushes at the end of the run and
 * when a signal arrives.
 *
 * The file is opened here rather than by pcap_dump_open() so that its
 * buffer can be made larger than stdio's default (one block): writing a
 * capture of every interface at line rate is bound by the disk, and
 * large writes go about twice as fast there.  Pages of the buffer of an
 * interface that carries nothing are never touched.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "output/pcapw.h"

#define PCAPW_BUFSZ	(64 * 1024)

struct pcapw {
	pcap_t *dead;		/* carries link type, snaplen and precision */
	pcap_dumper_t *dump;	/* owns the FILE */
	char *buf;		/* the FILE's buffer: freed after it is closed */
	unsigned snaplen;
	uint64_t frames;
};

struct pcapw *
pcapw_open(const char *path, unsigned snaplen, char *err, size_t errlen)
{
	struct pcapw *w;
	FILE *f = NULL;
	int e, fd;

	w = calloc(1, sizeof(*w));
	if (!w) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	w->snaplen = snaplen;
	w->dead = pcap_open_dead_with_tstamp_precision(DLT_EN10MB, (int)snaplen,
						       PCAP_TSTAMP_PRECISION_NANO);
	if (!w->dead) {
		snprintf(err, errlen, "%s: cannot create a pcap handle", path);
		goto fail;
	}
	w->buf = malloc(PCAPW_BUFSZ);
	/* A new file: never over one that is there, never through a link. */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (!f && fd >= 0) {
		e = errno;
		close(fd);
		errno = e;
	}
	if (!w->buf || !f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto fail;
	}
	setvbuf(f, w->buf, _IOFBF, PCAPW_BUFSZ);
	w->dump = pcap_dump_fopen(w->dead, f);
	if (!w->dump) {
		snprintf(err, errlen, "%s: %s", path, pcap_geterr(w->dead));
		goto fail;
	}
	return w;

fail:
	e = errno;	/* of the call that failed: EMFILE tells its own story */
	if (f)
		fclose(f);
	if (w->dead)
		pcap_close(w->dead);
	free(w->buf);
	free(w);
	errno = e;
	return NULL;
}

void
pcapw_write(struct pcapw *w, sim_time_t t, const uint8_t *data, uint32_t len)
{
	struct pcap_pkthdr h;

	/*
	 * With nanosecond precision the dumper stores tv_usec as is, so it
	 * carries nanoseconds here.
	 */
	h.ts.tv_sec = (time_t)(t / SIM_S);
	h.ts.tv_usec = (suseconds_t)(t % SIM_S);
	h.len = len;
	h.caplen = len < w->snaplen ? len : w->snaplen;
	pcap_dump((u_char *)w->dump, &h, data);
	w->frames++;
}

int
pcapw_flush(struct pcapw *w)
{
	if (pcap_dump_flush(w->dump) != 0)
		return -1;
	return ferror(pcap_dump_file(w->dump)) ? -1 : 0;
}

uint64_t
pcapw_frames(const struct pcapw *w)
{
	return w->frames;
}

int
pcapw_close(struct pcapw *w)
{
	int rc;

	if (!w)
		return 0;
	rc = pcapw_flush(w);
	pcap_dump_close(w->dump);
	pcap_close(w->dead);
	free(w->buf);
	free(w);
	return rc;
}
