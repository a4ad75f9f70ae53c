#!/bin/sh
# list.sh - the mutant list of make mutants (tests/mutants/mutants.list,
# doc/mutants.md) still applies to the tree: every mutant's text occurs
# exactly once in its file, so a change to a mutated line is noticed here
# and not only when someone runs make mutants.  And run.sh refuses, with
# the list's file and line, a list that does not apply or is malformed.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

run="$top_srcdir/tests/mutants/run.sh"
list="$top_srcdir/tests/mutants/mutants.list"

sh "$run" --check-list >"$T/out" 2>&1
rc=$?
check "every mutant of mutants.list applies to the tree (exit $rc)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$T/out" >&2
n=$(grep -c '^mutant ' "$list")
check "the list holds at least 20 mutants ($n)" [ "$n" -ge 20 ]
nv=$(grep -c '^validate ' "$list")
check "seven of them must fail cometsim validate too ($nv)" [ "$nv" -eq 7 ]

# A made-up tree and list: what run.sh must refuse.
mkdir -p "$T/tree/src"
printf 'int a = 1;\nint b = 1;\nint c = 2;\n' >"$T/tree/src/x.c"

# bad_list NAME: run.sh --check-list on the list in $T/NAME.list; its
# exit status in rc, its messages in $T/NAME.err.
bad_list() {
	top_srcdir="$T/tree" sh "$run" --check-list --list "$T/$1.list" \
		>"$T/$1.out" 2>"$T/$1.err"
	rc=$?
}

cat >"$T/twice.list" <<'EOF'
# a comment

mutant two
what found twice
file src/x.c
find = 1;
replace = 0;
EOF
bad_list twice
check "a text found twice is refused (exit $rc)" [ "$rc" -eq 2 ]
check "with the list's file and line, and the count" \
	grep -q "twice.list:3: mutant two: \"= 1;\" occurs 2 times in src/x.c" "$T/twice.err"

cat >"$T/none.list" <<'EOF'
mutant gone
what not there
file src/x.c
find int d
replace int e
EOF
bad_list none
check "a text found nowhere is refused (exit $rc)" [ "$rc" -eq 2 ]
check "with its line and the count 0" grep -q 'none.list:1: mutant gone: "int d" occurs 0 times' "$T/none.err"

cat >"$T/keys.list" <<'EOF'
mutant one
what a
file src/x.c
find int c
replace int d
colour blue

mutant one
what b
file src/y.c
find int a
replace int a
EOF
bad_list keys
check "a malformed list is refused (exit $rc)" [ "$rc" -eq 2 ]
check "an unknown key, with its line" grep -q 'keys.list:6: unknown key "colour"' "$T/keys.err"
check "a name used twice" grep -q 'keys.list:8: mutant one named twice (line 1)' "$T/keys.err"
check "a replacement that changes nothing" \
	grep -q 'keys.list:8: mutant one: replace is the same as find' "$T/keys.err"

cat >"$T/nofile.list" <<'EOF'
mutant lost
what a file that is not there
file src/y.c
find int a
replace int b
EOF
bad_list nofile
check "a missing file is refused (exit $rc)" [ "$rc" -eq 2 ]
check "and named" grep -q 'nofile.list:1: mutant lost: no file src/y.c' "$T/nofile.err"

cat >"$T/good.list" <<'EOF'
mutant fine
what c becomes 3
file src/x.c
find int c = 2;
replace int c = 3;
EOF
bad_list good
check "a list that applies passes --check-list (exit $rc)" [ "$rc" -eq 0 ]
check "and the tree is left as it was" \
	[ "$(cat "$T/tree/src/x.c")" = "$(printf 'int a = 1;\nint b = 1;\nint c = 2;')" ]

finish
