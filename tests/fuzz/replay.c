/*
 * replay.c - the main of a harness in the normal build: feed it every
 * file of its seed corpus and of its regression inputs, so that make
 * check (and the sanitizer build of CI) runs them all.
 *
 *   fuzz_NAME              tests/fuzz/corpus/NAME/ and tests/fuzz/regress/NAME/
 *                          under $top_srcdir (or the source tree it was built from)
 *   fuzz_NAME PATH...      these files, or every file of these folders
 *
 * NAME is the program's name without "fuzz_".  A file whose name starts
 * with "ok-" must be accepted by the parser, one that starts with "bad-"
 * refused (when the harness can tell, fuzz.h); any other only has to
 * pass through without a crash, a sanitizer report or a failed check of
 * the harness.  Each input is copied into a buffer of exactly its size,
 * so that AddressSanitizer sees a read one byte too far.
 *
 * With clang's libFuzzer (COMETSIM_LIBFUZZER defined) libFuzzer's own
 * main is used and this file only keeps its comment.
 */
#ifndef COMETSIM_LIBFUZZER

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "tests/fuzz/fuzz.h"

struct tally {
	unsigned files, accepted, refused, wrong;
};

static void
replay_file(const char *path, struct tally *t)
{
	char *base = g_path_get_basename(path);
	gchar *text;
	gsize len;
	GError *ge = NULL;
	uint8_t *buf;

	if (!g_file_get_contents(path, &text, &len, &ge)) {
		fprintf(stderr, "replay: %s\n", ge->message);
		g_error_free(ge);
		t->wrong++;
		g_free(base);
		return;
	}
	buf = malloc(len ? len : 1);
	if (!buf)
		abort();
	memcpy(buf, text, len);
	g_free(text);
	fuzz_verdict = FUZZ_NONE;
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	t->files++;
	if (fuzz_verdict == FUZZ_ACCEPTED)
		t->accepted++;
	else if (fuzz_verdict == FUZZ_REJECTED)
		t->refused++;
	if (g_str_has_prefix(base, "ok-") && fuzz_verdict == FUZZ_REJECTED) {
		fprintf(stderr, "replay: %s: a valid seed was refused\n", path);
		t->wrong++;
	} else if (g_str_has_prefix(base, "bad-") && fuzz_verdict == FUZZ_ACCEPTED) {
		fprintf(stderr, "replay: %s: an invalid seed was accepted\n", path);
		t->wrong++;
	}
	g_free(base);
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A file, or every regular file of a folder in name order. */
static void
replay_path(const char *path, struct tally *t)
{
	GPtrArray *names;
	GDir *d;
	const char *n;

	if (!g_file_test(path, G_FILE_TEST_IS_DIR)) {
		replay_file(path, t);
		return;
	}
	if (!(d = g_dir_open(path, 0, NULL))) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		t->wrong++;
		return;
	}
	names = g_ptr_array_new_with_free_func(g_free);
	while ((n = g_dir_read_name(d)))
		if (n[0] != '.')
			g_ptr_array_add(names, g_build_filename(path, n, NULL));
	g_dir_close(d);
	qsort(names->pdata, names->len, sizeof(char *), name_cmp);
	for (guint i = 0; i < names->len; i++)
		if (g_file_test(names->pdata[i], G_FILE_TEST_IS_REGULAR))
			replay_file(names->pdata[i], t);
	g_ptr_array_free(names, TRUE);
}

int
main(int argc, char **argv)
{
	char *prog = g_path_get_basename(argv[0]);
	const char *name = g_str_has_prefix(prog, "fuzz_") ? prog + 5 : prog;
	struct tally t = { 0 };

	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			replay_path(argv[i], &t);
	} else {
		const char *top = fuzz_srcdir();
		char *corpus, *regress;

		corpus = g_build_filename(top, "tests", "fuzz", "corpus", name, NULL);
		regress = g_build_filename(top, "tests", "fuzz", "regress", name, NULL);
		if (!g_file_test(corpus, G_FILE_TEST_IS_DIR)) {
			fprintf(stderr, "replay: no seed corpus %s\n", corpus);
			t.wrong++;
		}
		replay_path(corpus, &t);
		if (g_file_test(regress, G_FILE_TEST_IS_DIR))
			replay_path(regress, &t);
		g_free(corpus);
		g_free(regress);
	}
	printf("fuzz_%s: %u inputs, %u accepted, %u refused, %u wrong\n", name, t.files,
	       t.accepted, t.refused, t.wrong);
	g_free(prog);
	return t.wrong || t.files == 0 ? 1 : 0;
}

#endif /* COMETSIM_LIBFUZZER */
