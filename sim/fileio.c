/*
 * fileio.c - whole files read into memory, with a bound on what is read
 * (fileio.h).
 *
 * The buffer grows by doubling up to max + 1 bytes: one byte more than a
 * file may have is what it takes to know that it has more, whatever
 * stat(2) says (a character device, a FIFO and a file that grows report
 * a size that says nothing of what comes).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "sim/fileio.h"
#include "sim/sim.h"

#define FILEIO_FIRST	(64 * 1024)	/* first buffer when the size is unknown */

/* Files held in memory: name -> GBytes (fileio_mem_put). */
static GHashTable *mem_files;

void
fileio_mem_put(const char *name, const char *data, size_t len)
{
	if (!mem_files)
		mem_files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
						  (GDestroyNotify)g_bytes_unref);
	g_hash_table_replace(mem_files, g_strdup(name), g_bytes_new(data, len));
}

void
fileio_mem_remove(const char *name)
{
	if (mem_files)
		g_hash_table_remove(mem_files, name);
}

static int
mem_read(GBytes *b, size_t max, char **bufp, size_t *lenp)
{
	size_t n;
	const char *d = g_bytes_get_data(b, &n);

	if (n > max) {
		*lenp = n;
		return FILEIO_TOO_LARGE;
	}
	*bufp = g_malloc(n + 1);
	if (n)
		memcpy(*bufp, d, n);
	(*bufp)[n] = '\0';
	*lenp = n;
	return FILEIO_OK;
}

int
fileio_read(const char *path, size_t max, char **bufp, size_t *lenp)
{
	struct stat st;
	size_t cap, n = 0;
	char *buf = NULL;
	int fd, rc, e;

	*bufp = NULL;
	*lenp = 0;
	if (mem_files) {
		GBytes *b = g_hash_table_lookup(mem_files, path);

		if (b)
			return mem_read(b, max, bufp, lenp);
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return FILEIO_ERR;
	if (fstat(fd, &st) != 0)
		goto err;
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max) {
		close(fd);
		*lenp = (size_t)st.st_size;
		return FILEIO_TOO_LARGE;
	}
	/* A regular file's size is a good first guess: one read, one realloc at most. */
	cap = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : FILEIO_FIRST;
	if (cap > max + 1)
		cap = max + 1;
	buf = g_malloc(cap + 1);
	for (;;) {
		ssize_t r;

		if (sim_interrupted()) {
			rc = FILEIO_INTERRUPTED;
			goto out;
		}
		if (n == cap) {
			if (cap > max) {
				rc = FILEIO_TOO_LARGE;
				goto out;
			}
			cap = cap > (max + 1) / 2 ? max + 1 : cap * 2;
			buf = g_realloc(buf, cap + 1);
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			goto err;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	if (n > max) {
		rc = FILEIO_TOO_LARGE;
		goto out;
	}
	close(fd);
	buf[n] = '\0';
	*bufp = buf;
	*lenp = n;
	return FILEIO_OK;

err:
	e = errno;
	close(fd);
	g_free(buf);
	errno = e;
	return FILEIO_ERR;
out:
	close(fd);
	g_free(buf);
	return rc;
}

char *
fileio_text(const char *path, size_t *lenp)
{
	char *buf;
	size_t len;
	int rc = fileio_read(path, FILEIO_MAX, &buf, &len);

	if (rc == FILEIO_TOO_LARGE)
		errno = EFBIG;
	else if (rc == FILEIO_INTERRUPTED)
		errno = EINTR;
	if (lenp)
		*lenp = rc == FILEIO_OK ? len : 0;
	return buf;
}

char *
fileio_tail(const char *path, size_t max, size_t *lenp)
{
	struct stat st;
	char *buf;
	size_t n = 0;
	int fd, e;

	if (lenp)
		*lenp = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size > max &&
	    lseek(fd, -(off_t)max, SEEK_END) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return NULL;
	}
	buf = g_malloc(max + 1);
	while (n < max) {
		ssize_t r = read(fd, buf + n, max - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = errno;
			close(fd);
			g_free(buf);
			errno = e;
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	if (lenp)
		*lenp = n;
	return buf;
}

char *
fileio_strerror(int rc, size_t len, size_t max, const char *what, char *buf,
		size_t buflen)
{
	switch (rc) {
	case FILEIO_ERR:
		snprintf(buf, buflen, "%s", strerror(errno));
		break;
	case FILEIO_TOO_LARGE:
		if (len)
			snprintf(buf, buflen, "%zu bytes, more than the %zu a %s may have",
				 len, max, what);
		else
			snprintf(buf, buflen, "more than the %zu bytes a %s may have", max,
				 what);
		break;
	case FILEIO_INTERRUPTED:
		snprintf(buf, buflen, "interrupted while it was read");
		break;
	default:
		snprintf(buf, buflen, "cannot read");
		break;
	}
	return buf;
}
