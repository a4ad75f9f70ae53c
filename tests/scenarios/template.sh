#!/bin/sh
# template.sh - doc/adding-an-entity.md, followed to the letter on a copy
# of the source tree: a new family "hello" made from the template (the
# echo, entities/echo/) builds and passes its own tests, and the rest of
# the tree does not notice.
#
# 1. the copy commands are read out of the page (the ```sh block of
#    section 2), so the page and this test cannot drift apart;
# 2. the one line of Makefile.am and the two lines of the registry are
#    the ones the page shows (sections 3 and 4);
# 3. the copy is configured and built from scratch; its unit test, its
#    scenario test, the layer rule, the lint and the registry's unit test
#    pass; `cometsim --help` lists the new class;
# 4. nothing outside the new family's files, Makefile.am and the
#    registry changed.
#
# It builds the whole program once more (a few minutes on two cores).
# The sanitizer build skips it: the copy is a plain build either way.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

if [ -n "${COMETSIM_SANITIZERS:-}" ]; then
	echo "skipped: $COMETSIM is built with $COMETSIM_SANITIZERS (the copy is built plain; the plain build runs this test)"
	exit 77
fi
for t in autoreconf make cc; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "$0: $t not found: scripts/setup.sh installs the build tools" >&2
		exit 99
	}
done

# The copy is built by a make of its own: nothing of the make that runs
# this test (its variables, its TESTS, its -j) may leak into it.
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES TESTS TEST_LOGS 2>/dev/null
page="$top_srcdir/doc/adding-an-entity.md"
src="$T/src"
mkdir -p "$src"
# The source tree as it is (a git checkout, or the unpacked archive of
# make distcheck), without build directories.
# In a checkout, the files git tracks (what a fresh clone has); in the
# unpacked archive, all of it.
if [ -d "$top_srcdir/.git" ] && command -v git >/dev/null 2>&1; then
	(cd "$top_srcdir" && git ls-files -z | tar --null -T - -cf -)
else
	(cd "$top_srcdir" && tar --exclude='./_build*' --exclude='./autom4te.cache' -cf - .)
fi | (cd "$src" && tar -xf -) || fail "copying the source tree"
chmod -R u+w "$src"
find "$src" -maxdepth 1 -type d -name '_build*' | grep -q . &&
	fail "a build directory was copied"
before="$T/before"
(cd "$src" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) >"$before"

# ---- 1. the commands of section 2, as the page writes them ----
awk '/^## 2\./ { s = 1; next } /^## / { s = 0 }
	s && /^```sh$/ { b = 1; next } b && /^```$/ { exit } b' \
	"$page" >"$T/copy.sh"
check "section 2 of the page has a block of commands" [ -s "$T/copy.sh" ]
check "... the block copies the template" grep -q 'cp entities/echo/echo.c' "$T/copy.sh"
(cd "$src" && sh -e "$T/copy.sh") >"$T/copy.out" 2>&1
check "the copy commands run without an error" [ $? -eq 0 ]
check "... entities/hello/hello.c exists" [ -f "$src/entities/hello/hello.c" ]
check "... no file of the new family still says echo" \
	[ -z "$(grep -l -i echo "$src/entities/hello/"* "$src/tests/hello/unit.c" \
		"$src/tests/scenarios/hello.sh" "$src/scenarios/hello.xml" \
		"$src/doc/hello.md" 2>/dev/null)" ]

# ---- 2. the lines of sections 3 and 4 ----
mk='include $(srcdir)/entities/hello/local.am'
inc='#include "entities/hello/hello.h"'
cls='&hello_class,'
check "section 3 shows the Makefile.am line" grep -qF "$mk" "$page"
check "section 4 shows the registry's include" grep -qF "$inc" "$page"
check "section 4 shows the registry's class line" grep -qF "$cls" "$page"
# After the template's lines, as the page says ("below the other
# families", "at the end of the table").
awk -v l="$mk" '{ print } /^include \$\(srcdir\)\/entities\/echo\/local\.am$/ { print l }' \
	"$src/Makefile.am" >"$T/mk" && cp "$T/mk" "$src/Makefile.am"
awk -v i="$inc" '{ print } /^#include "entities\/echo\/echo\.h"$/ { print i }
	/^\t&echo_class,/ { print "\t&hello_class,\t\t/* usr.hello.Hello, hello */" }' \
	"$src/entities/registry.c" >"$T/reg" && cp "$T/reg" "$src/entities/registry.c"
check "Makefile.am has the new line" grep -qxF "$mk" "$src/Makefile.am"
check "the registry has the new class" grep -qF "$cls" "$src/entities/registry.c"

# ---- 3. configure, build, the family's tests ----
b="$src/_build"
mkdir -p "$b"
(cd "$src" && autoreconf -fi) >"$T/autoreconf.log" 2>&1
check "autoreconf" [ $? -eq 0 ]
(cd "$b" && "$src/configure" && make -j2) >"$T/build.log" 2>&1
st=$?
check "the copy configures and builds" [ "$st" -eq 0 ]
[ "$st" -eq 0 ] || tail -30 "$T/build.log" >&2
check "... without a compiler warning" \
	[ "$(grep -c 'warning:' "$T/build.log")" -eq 0 ]
(cd "$b" && make check TSHARK="$TSHARK" TESTS='tests/hello/unit tests/scenarios/hello.sh
	tests/scenarios/layers.sh tests/scenarios/lint.sh tests/unit/unit') \
	>"$T/check.log" 2>&1
check "make check of the new family, the layers, the lint and the registry" [ $? -eq 0 ]
check "the copy ran exactly the five tests asked for" \
	[ "$(grep -c '^# TOTAL: 5$' "$T/check.log")" -eq 1 ]
for t in tests/hello/unit tests/scenarios/hello.sh tests/scenarios/layers.sh \
	tests/scenarios/lint.sh tests/unit/unit; do
	check "... PASS: $t" grep -qx "PASS: $t" "$T/check.log"
done
"$b/cometsim" check "$src/scenarios/hello.xml" >"$T/chk" 2>&1
check "the copy's cometsim knows usr.hello.Hello (check scenarios/hello.xml)" [ $? -eq 0 ]
"$b/cometsim" check "$src/scenarios/echo.xml" >"$T/chk" 2>&1
check "... and still usr.echo.Echo (check scenarios/echo.xml)" [ $? -eq 0 ]

# ---- 4. what changed ----
(cd "$src" && find . -path ./_build -prune -o -path ./autom4te.cache -prune -o \
	-type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) >"$T/after"
# Files that were there before and differ now, and files that are new,
# outside what autoreconf regenerates.
gen='^\./(configure~?|Makefile\.in|aclocal\.m4|config\.h\.in~?|build-aux/.*|m4/(libtool|lt).*\.m4)$'
sort -k2 "$before" >"$T/b2"
sort -k2 "$T/after" >"$T/a2"
join -1 2 -2 2 -o 0,1.1,2.1 "$T/b2" "$T/a2" |
	awk '$2 != $3 { print $1 }' | grep -Ev "$gen" >"$T/changed"
check "of the files already there, only Makefile.am and the registry changed" \
	[ "$(tr '\n' ' ' <"$T/changed")" = "./Makefile.am ./entities/registry.c " ]
awk '{ print $2 }' "$before" >"$T/had"
awk '{ print $2 }' "$T/after" | grep -vxF -f "$T/had" | grep -Ev "$gen" >"$T/new"
check "every new file is the new family's" \
	[ -z "$(grep -Ev '/(hello|fuzz_hello\.c)$|/hello[^/]*$|/hello/' "$T/new")" ]
cat "$T/changed" "$T/new" | sed 's/^/  /'

finish
