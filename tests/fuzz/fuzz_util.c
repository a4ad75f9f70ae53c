/*
 * fuzz_util.c - helpers of the fuzzing harnesses (fuzz.h): the verdict
 * of the last input, a private temporary folder for parsers that read
 * files, and the check that aborts.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "tests/fuzz/fuzz.h"

enum fuzz_verdict fuzz_verdict;

static char *tmpdir;

/* Remove a folder the harness made and everything in it. */
static void
remove_tree(const char *path)
{
	GDir *d = g_dir_open(path, 0, NULL);
	const char *name;

	if (d) {
		while ((name = g_dir_read_name(d))) {
			char *p = g_build_filename(path, name, NULL);

			if (g_file_test(p, G_FILE_TEST_IS_DIR) &&
			    !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
				remove_tree(p);
			else
				g_unlink(p);
			g_free(p);
		}
		g_dir_close(d);
	}
	g_rmdir(path);
}

static void
tmpdir_remove(void)
{
	remove_tree(tmpdir);
	g_free(tmpdir);
	tmpdir = NULL;
}

const char *
fuzz_tmpdir(void)
{
	GError *ge = NULL;

	if (tmpdir)
		return tmpdir;
	tmpdir = g_dir_make_tmp("cometsim-fuzz-XXXXXX", &ge);
	if (!tmpdir) {
		fprintf(stderr, "fuzz: cannot make a temporary folder: %s\n", ge->message);
		abort();
	}
	atexit(tmpdir_remove);
	return tmpdir;
}

char *
fuzz_write(const char *name, const void *data, size_t size)
{
	char *path = g_build_filename(fuzz_tmpdir(), name, NULL);
	char *dir = g_path_get_dirname(path);
	FILE *f;

	if (g_mkdir_with_parents(dir, 0700) < 0) {
		fprintf(stderr, "fuzz: cannot make %s: %s\n", dir, strerror(errno));
		abort();
	}
	g_free(dir);
	f = fopen(path, "wb");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
		fprintf(stderr, "fuzz: cannot write %s: %s\n", path, strerror(errno));
		abort();
	}
	return path;
}

const char *
fuzz_srcdir(void)
{
	const char *top = getenv("top_srcdir");

	return top && *top ? top : COMETSIM_SRCDIR;
}

void
fuzz_copy_files(const char *from, const char *suffix, const char *to)
{
	char *src = g_build_filename(fuzz_srcdir(), from, NULL);
	GDir *d = g_dir_open(src, 0, NULL);
	const char *name;

	if (!d) {
		fprintf(stderr, "fuzz: cannot read %s\n", src);
		abort();
	}
	while ((name = g_dir_read_name(d))) {
		char *p = g_build_filename(src, name, NULL), *text, *dst;
		gsize len;

		if (g_str_has_suffix(name, suffix) && g_file_test(p, G_FILE_TEST_IS_REGULAR) &&
		    g_file_get_contents(p, &text, &len, NULL)) {
			dst = g_build_filename(to, name, NULL);
			g_free(fuzz_write(dst, text, len));
			g_free(dst);
			g_free(text);
		}
		g_free(p);
	}
	g_dir_close(d);
	g_free(src);
}

void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: harness check failed: %s\n", file, line, what);
	fflush(stderr);
	abort();
}
