#!/bin/sh
# commit_stamp.sh - the commit a build reports (scripts/commit-stamp.sh,
# output/commit.c, doc/validation.md "Where a row's stamp comes from"):
# the commit of a clean tree, "-dirty" once a tracked file changes (staged
# or not, not for an untracked one), .commit in a tree that is not the top
# of a git work tree (a dist tarball, even unpacked inside one), "unknown"
# otherwise; the program reports the stamp of the tree it was built from,
# and every run's summary.json records it with the version and the date.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

stamp="$top_srcdir/scripts/commit-stamp.sh"

# The program against the tree it was built from ("make check" builds it
# first; in "make distcheck" the tree is the tarball's, with .commit).
built=$("$COMETSIM" --version | sed -n 's/^cometsim [^ ]* (commit \(.*\))$/\1/p')
now=$(sh "$stamp" "$top_srcdir")
check "the program reports the commit of the tree it was built from ($built, tree: $now)" \
	[ "$built" = "$now" ]
"$COMETSIM" run "$top_srcdir/scenarios/sample.xml" --out "$T/run" --quiet --pcap none \
	--end 1ms || fail "run exited $?"
check "summary.json records the version" \
	[ "$(json_get "$T/run/summary.json" version)" = "$("$COMETSIM" --version | awk '{ print $2 }')" ]
check "summary.json records the commit" [ "$(json_get "$T/run/summary.json" commit)" = "$built" ]
check "summary.json records the date the run ended, ISO 8601 with its offset" \
	expr "$(json_get "$T/run/summary.json" date)" : \
	'[0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}T[0-9]\{2\}:[0-9]\{2\}:[0-9]\{2\}[+-][0-9]\{4\}$' >/dev/null

if ! command -v git >/dev/null 2>&1; then
	echo "SKIP: the rest needs git"
	finish
	exit $?
fi

r="$T/repo"
mkdir -p "$r/sub"
(
	cd "$r" && git init -q . && git config user.email t@example.org &&
		git config user.name test && echo one > a.txt && git add a.txt &&
		git commit -q -m one
) || fail "cannot make a git repository"
head=$(cd "$r" && git rev-parse --short=12 HEAD)
check "a clean tree: its commit ($head)" [ "$(sh "$stamp" "$r")" = "$head" ]
echo untracked > "$r/b.txt"
check "an untracked file does not make it dirty" [ "$(sh "$stamp" "$r")" = "$head" ]
echo two >> "$r/a.txt"
check "a changed tracked file: -dirty" [ "$(sh "$stamp" "$r")" = "$head-dirty" ]
(cd "$r" && git add a.txt)
check "the change staged: still -dirty" [ "$(sh "$stamp" "$r")" = "$head-dirty" ]
(cd "$r" && git commit -q -m two)
head2=$(cd "$r" && git rev-parse --short=12 HEAD)
check "committed: the new commit, clean ($head2)" [ "$(sh "$stamp" "$r")" = "$head2" ]
check "... not the old one" [ "$head2" != "$head" ]
# A tree git cannot read (here a corrupt index: git status fails, HEAD is
# still known) cannot be called clean.
mv "$r/.git/index" "$T/index.good"
printf 'not an index' > "$r/.git/index"
check "git status fails on the corrupt index (the case is real)" \
	not sh -c "cd '$r' && git status --porcelain >/dev/null 2>&1"
check "a tree whose status cannot be read: -dirty" [ "$(sh "$stamp" "$r" 2>/dev/null)" = "$head2-dirty" ]
mv "$T/index.good" "$r/.git/index"
check "the index back: clean again" [ "$(sh "$stamp" "$r")" = "$head2" ]
check "a folder inside the work tree without .commit: unknown" \
	[ "$(sh "$stamp" "$r/sub")" = unknown ]
echo 0123456789ab-dirty > "$r/sub/.commit"
check "a folder inside the work tree (an unpacked tarball): its .commit" \
	[ "$(sh "$stamp" "$r/sub")" = 0123456789ab-dirty ]
printf '%s\n' 'abc"; int x' > "$r/sub/.commit"
check "a .commit that is not a commit name: unknown" [ "$(sh "$stamp" "$r/sub")" = unknown ]
mkdir -p "$T/plain"
cd "$T/plain" && git rev-parse --show-toplevel >/dev/null 2>&1 && inside=1 || inside=0
if [ "$inside" -eq 0 ]; then
	check "a tree outside git with no .commit: unknown" [ "$(sh "$stamp" "$T/plain")" = unknown ]
fi
check "a folder that does not exist: unknown" [ "$(sh "$stamp" "$T/nowhere")" = unknown ]

finish
