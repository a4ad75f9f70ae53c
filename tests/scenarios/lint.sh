#!/bin/sh
# lint.sh - no test checks less than it says: "check DESC A && B" checks
# only A (tests/scenarios/lint.awk).  Every shell script under tests/ is
# read; planted instances of the pattern are found with their file and
# line, a clean file is not, and a test that sources lib.sh with one is
# refused before it runs.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

lint="$top_srcdir/tests/scenarios/lint.awk"

find "$top_srcdir/tests" -name '*.sh' | LC_ALL=C sort > "$T/scripts"
check "there are test scripts to read ($(wc -l < "$T/scripts"))" [ "$(wc -l < "$T/scripts")" -gt 20 ]
: > "$T/tree.out"
while read -r f; do
	awk -f "$lint" "$f" >> "$T/tree.out"
done < "$T/scripts"
cat "$T/tree.out"
check "no script under tests/ has a check followed by && || or |" [ ! -s "$T/tree.out" ]

# Planted: each line marked "# bad" must be reported, by its line.
cat > "$T/planted.sh" <<'EOF'
check "and" [ "$a" -eq 1 ] && [ "$b" -eq 2 ]  # bad
check "continued" \
	[ -s "$T/x" ] &&
	cmp -s "$T/x" "$T/y"
check "or" grep -q x "$T/f" || fail "whatever"  # bad
check "pipe" grep -c x "$T/f" | grep -q 3  # bad
if true; then check "in a then" true && true; fi  # bad
x=$((1 << 2)) && check "after arithmetic" [ $((x + (1))) -eq 5 ] && true  # bad
EOF
# The continued one starts on line 2.
printf '%s\n' 1 2 5 6 7 8 > "$T/want"
awk -f "$lint" "$T/planted.sh" > "$T/planted.out"
check "lint.awk exits 1 on the planted file" [ $? -eq 1 ]
cat "$T/planted.out"
sed -n 's/^.*planted\.sh:\([0-9]*\): .*/\1/p' "$T/planted.out" > "$T/got"
check "every planted check is reported, by file and line ($(tr '\n' ' ' < "$T/got"))" \
	cmp -s "$T/want" "$T/got"
check "the message says what is wrong" \
	grep -q 'planted\.sh:1: a check followed by &&: only the command before && is checked' \
	"$T/planted.out"

# Clean: && || | inside quotes, substitutions, eval strings, comments and
# here-documents, and around commands that are not checks.
cat > "$T/clean.sh" <<'EOF'
check "eval" eval '[ $rc -eq 0 ] && grep -q x "$T/f"'
check "substitution" [ "$(echo a && echo b | tr a b)" = "b
b" ]
check "parameter" [ "${a:-"&&"}" = x ]
check "quoted" grep -q 'a && b || c | d' "$T/f"
# check "a comment" a && b
[ -f "$T/f" ] && [ -s "$T/f" ] || fail "not a check"
while [ "$i" -lt 3 ] && [ -n "$x" ]; do i=$((i + 1)); done
cat <<EOT
check "in a here-document" a && b
EOT
check "after it" true
check() { :; }
EOF
awk -f "$lint" "$T/clean.sh" > "$T/clean.out"
check "lint.awk exits 0 on a clean file" [ $? -eq 0 ]
check "nothing reported on it" [ ! -s "$T/clean.out" ]

# A test with one is refused when it sources lib.sh, before its first check.
mkdir -p "$T/src/tests/scenarios"
cp "$top_srcdir/tests/scenarios/lib.sh" "$lint" "$T/src/tests/scenarios/"
cat > "$T/src/tests/scenarios/bad.sh" <<'EOF'
. "$top_srcdir/tests/scenarios/lib.sh"
check "first" true
check "hides its second half" [ 1 -eq 1 ] &&
	[ 1 -eq 2 ]
finish
EOF
top_srcdir="$T/src" sh "$T/src/tests/scenarios/bad.sh" > "$T/bad.out" 2> "$T/bad.err"
check "a test with one exits 99 (a hard error for the harness)" [ $? -eq 99 ]
cat "$T/bad.err"
check "... naming the file and line" grep -q 'tests/scenarios/bad\.sh:3: a check followed by &&' "$T/bad.err"
check "... before any check ran" [ ! -s "$T/bad.out" ]

finish
