/*
 * fileio.h - whole files read into memory, with a bound on what is read.
 *
 * Every file a user names is read through here, by the layers above the
 * engine: the scenario loader, the entities that load a configuration or
 * contents, the outputs and the front end.  It reads bytes and knows no
 * format.  The bound holds for the bytes read, not for the size stat(2)
 * reports: /dev/zero, /dev/urandom, a FIFO or a file that grows while it
 * is read are refused after max + 1 bytes, and never fill the memory.
 * A regular file larger than the bound is refused before it is read.
 */
#ifndef SIM_FILEIO_H
#define SIM_FILEIO_H

#include <stddef.h>

/* The most any file a user names may have (doc/scenario-format.md, "Limits"). */
#define FILEIO_MAX	(256u << 20)

enum fileio_rc {
	FILEIO_OK = 0,
	FILEIO_ERR = -1,		/* open or read failed: errno says why */
	FILEIO_TOO_LARGE = -2,		/* more than max bytes */
	FILEIO_INTERRUPTED = -3,	/* sim_interrupt() was called meanwhile */
};

/* fileio.c */

/*
 * Read the file at path, at most max bytes (max < SIZE_MAX), into *buf,
 * which the caller frees with g_free(); a NUL follows its *len bytes.
 * Returns an enum fileio_rc; on anything but FILEIO_OK *buf is NULL.  On
 * FILEIO_TOO_LARGE, *len is the size stat(2) gave for a regular file,
 * else 0 (more than max bytes came).  Between two reads it looks at the
 * engine's interrupt word (sim_interrupted()).
 */
int fileio_read(const char *path, size_t max, char **buf, size_t *len);
/*
 * fileio_read() at most FILEIO_MAX bytes, for callers that only need the
 * text: the buffer (g_free it), or NULL with errno set (EFBIG: too large,
 * EINTR: interrupted).  len may be NULL.
 */
char *fileio_text(const char *path, size_t *len);
/*
 * The last bytes of a file, at most max of them (a log's tail, however
 * long the log): the buffer (g_free it, NUL-terminated), or NULL with
 * errno set.  len may be NULL.
 */
char *fileio_tail(const char *path, size_t max, size_t *len);
/*
 * What went wrong, for a message "PATH: <this>": strerror() for
 * FILEIO_ERR (call it before errno changes), "N bytes, more than the MAX
 * a WHAT may have" or "more than the MAX bytes a WHAT may have" for
 * FILEIO_TOO_LARGE, "interrupted while it was read".  Returns buf.
 */
char *fileio_strerror(int rc, size_t len, size_t max, const char *what, char *buf,
		      size_t buflen);

/*
 * Files held in memory.  A layer that generates files its readers will
 * ask for by name (the scenario loader's deployment, doc/deploy.md) puts
 * them here; fileio_read() then finds a name that was put, exactly as
 * written, before it looks at the disk.  The names are the generator's
 * to choose so that they cannot be taken for files ("deploy:AS1/rae.xml").
 * fileio_mem_put() copies data (a NUL follows it when read) and replaces
 * what the name held; fileio_mem_remove() forgets it.  Not thread-safe,
 * as the rest of the program.
 */
void fileio_mem_put(const char *name, const char *data, size_t len);
void fileio_mem_remove(const char *name);

#endif /* SIM_FILEIO_H */
