/*
 * pcapw.h - one pcap file written through libpcap's dump interface.
 *
 * Internal to output/: output.c opens one writer per captured interface
 * and feeds it from the interface's frame tap.  Files are Ethernet
 * (DLT_EN10MB) with nanosecond timestamps, so the virtual time of a frame
 * is kept exactly.
 */
#ifndef OUTPUT_PCAPW_H
#define OUTPUT_PCAPW_H

#include <stddef.h>
#include <stdint.h>

#include "sim/sim.h"

struct pcapw;

/* pcapw.c */

/*
 * Create `path`, which must not exist (and is never reached through a
 * symbolic link), and write the pcap file header.  The writer owns the
 * file until pcapw_close().  NULL with a message in err and
 * errno set by the call that failed.
 */
struct pcapw *pcapw_open(const char *path, unsigned snaplen, char *err,
			 size_t errlen);
/* Append one frame of `len` bytes seen at virtual time t (>= 0). */
void pcapw_write(struct pcapw *w, sim_time_t t, const uint8_t *data,
		 uint32_t len);
/* Push buffered records to the file; 0, or -1 if a write has failed. */
int pcapw_flush(struct pcapw *w);
/* Frames written so far. */
uint64_t pcapw_frames(const struct pcapw *w);
/* Flush, close and free w; 0, or -1 if any write failed.  NULL is ignored. */
int pcapw_close(struct pcapw *w);

#endif /* OUTPUT_PCAPW_H */
