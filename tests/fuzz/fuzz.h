/*
 * fuzz.h - what the fuzzing harnesses of tests/fuzz share.
 *
 * Every harness fuzz_<name>.c defines LLVMFuzzerTestOneInput and hands
 * the bytes to one of the project's parsers.  The same source builds two
 * ways (doc/fuzzing.md):
 *   - with clang and -fsanitize=fuzzer (make fuzz, tests/fuzz/run.sh):
 *     libFuzzer's own main drives it;
 *   - with the normal build as a check program: replay.c's main feeds it
 *     every file of tests/fuzz/corpus/<name>/ and tests/fuzz/regress/<name>/.
 * A harness reports what the parser made of the last input in
 * fuzz_verdict, so that the replay can check a seed named "ok-*" was
 * accepted and one named "bad-*" refused.  A harness checks its own
 * invariants with FUZZ_CHECK, which aborts in both builds.
 */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>

enum fuzz_verdict {
	FUZZ_NONE = 0,		/* the harness cannot tell */
	FUZZ_ACCEPTED,		/* the parser took the input */
	FUZZ_REJECTED,		/* the parser refused it, cleanly */
};

/* Set by the harness for every input (replay.c resets it before each). */
extern enum fuzz_verdict fuzz_verdict;

/* The entry point libFuzzer and replay.c call; always returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_util.c */

/*
 * A private folder for the files a harness must write (parsers that take
 * a path), made once under $TMPDIR and removed at exit.  Never NULL: the
 * process aborts if it cannot be made.
 */
const char *fuzz_tmpdir(void);
/*
 * Write size bytes to the file `name` (a path relative to fuzz_tmpdir(),
 * its folders made as needed), replacing it.  Returns its full path
 * (g_free it); aborts on an I/O error.
 */
char *fuzz_write(const char *name, const void *data, size_t size);
/* The source tree: $top_srcdir, or the one the program was built from. */
const char *fuzz_srcdir(void);
/*
 * Copy the files of the source tree's folder `from` whose names end in
 * suffix into the folder `to` of fuzz_tmpdir(), for scenarios that name
 * other files.  Aborts if `from` cannot be read.
 */
void fuzz_copy_files(const char *from, const char *suffix, const char *to);
/* Report a broken invariant of the harness and abort. */
void fuzz_fail(const char *file, int line, const char *what) __attribute__((noreturn));

#define FUZZ_CHECK(cond) \
	do { \
		if (!(cond)) \
			fuzz_fail(__FILE__, __LINE__, #cond); \
	} while (0)

#endif /* TESTS_FUZZ_FUZZ_H */
