# lib.sh - what the tests of the topology readers share (sourced after
# tests/scenarios/lib.sh).  The test sets FMT, the format it reads, and
# may set SUFFIX, the ending of its scratch files (default .txt).
#
#   accepted DESC FILE        graphdump reads FILE: exit 0, nothing on
#                             stderr, its dump the same as $T/want
#   refused_text DESC TEXT M  the file printf TEXT writes is refused,
#                             exit 1, with exactly "FILE:M", no dump
#   dump FILE                 graphdump's output in $T/out, its errors in
#                             $T/err, its exit status in $rc
#   has DESC LINE             the last dump holds exactly this line
#   refused_file NAME LINE M  $T/NAME$SUFFIX is refused with exactly
#                             "FILE:LINE: M" ("FILE: M" for line 0)

GD=$top_builddir/tests/graph/graphdump
D=$top_srcdir/tests/graph/data
: "${SUFFIX=.txt}"

accepted() {
	"$GD" "$FMT" "$2" >"$T/got" 2>"$T/err"
	rc=$?
	check "$1: exit 0" [ "$rc" -eq 0 ]
	check "$1: nothing on stderr" [ ! -s "$T/err" ]
	check "$1: the dump" diff -u "$T/want" "$T/got"
}

refused_text() {
	printf "$2" >"$T/in$SUFFIX"
	"$GD" "$FMT" "$T/in$SUFFIX" >"$T/got" 2>"$T/err"
	rc=$?
	check "$1: exit 1" [ "$rc" -eq 1 ]
	check "$1: the message" [ "$(cat "$T/err")" = "$T/in$SUFFIX:$3" ]
	check "$1: no dump" [ ! -s "$T/got" ]
}

dump() {
	rc=0
	"$GD" "$FMT" "$1" >"$T/out" 2>"$T/err" || rc=$?
}

has() {
	check "$1: $2" grep -qxF "$2" "$T/out"
}

refused_file() {
	f="$T/$1$SUFFIX"
	dump "$f"
	check "$1: refused (exit $rc)" [ "$rc" -eq 1 ]
	if [ "$2" -eq 0 ]; then
		check "$1: \"$3\"" grep -qxF "$f: $3" "$T/err"
	else
		check "$1: line $2: \"$3\"" grep -qxF "$f:$2: $3" "$T/err"
	fi
}
