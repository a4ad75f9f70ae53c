#!/bin/sh
# valgrind.sh - every validation scenario of cometsim validate under
# valgrind memcheck (doc/validation.md): no invalid read or write, no use
# of an uninitialised value, no definite leak.  The scenarios are those
# the evaluators of scenarios/validation/ run; the RAE stress test with
# 1000 prefixes instead of 10 000 (the code paths are the same, valgrind
# is 30 to 50 times slower).  Each run must also complete as it does
# without valgrind.
#
# valgrind is a dependency (scripts/setup.sh installs it); without it the
# test fails rather than pass on nothing.  In a build with the sanitizers
# (COMETSIM_SANITIZERS set by Makefile.am) it is skipped: AddressSanitizer
# and valgrind cannot watch the same program; the plain build runs it.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

if [ -n "${COMETSIM_SANITIZERS:-}" ]; then
	echo "skipped: $COMETSIM is built with $COMETSIM_SANITIZERS (valgrind runs in the plain build)"
	exit 77
fi

if ! command -v valgrind >/dev/null 2>&1; then
	fail "valgrind is missing (Debian package valgrind)"
	finish
	exit 1
fi

s="$top_srcdir/scenarios"

# vg NAME SCENARIO ARGS...: one run under memcheck.
vg() {
	name=$1
	shift
	valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--show-leak-kinds=definite --track-origins=no --num-callers=20 \
		--log-file="$T/$name.vg" "$COMETSIM" run "$@" --out "$T/$name" --quiet \
		>"$T/$name.out" 2>&1
	rc=$?
	errs=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$T/$name.vg" | tail -n 1)
	check "$name: exit $rc, memcheck errors ${errs:-?}" [ "$rc" -eq 0 -a "${errs:-1}" -eq 0 ]
	if [ "$rc" -ne 0 ] || [ "${errs:-1}" -ne 0 ]; then
		grep -E '^==[0-9]+== (Invalid|Use of|Conditional|[0-9,]+ bytes in|   (at|by) )' \
			"$T/$name.vg" | head -n 30 >&2
	fi
	check "$name: the run completed" \
		[ "$(json_get "$T/$name/summary.json" status 2>/dev/null)" = complete ]
}

for f in "$s"/validation/stateless/*.xml; do
	vg "stateless-$(basename "$f" .xml)" "$f"
done
vg curling-topology1 "$s/curling-topology1.xml"
vg curling-topology2 "$s/curling-topology2.xml"
vg rae-single "$s/rae/single.xml" --set "raedir=$s/rae"
vg rae-multi "$s/rae/multi.xml" --set "raedir=$s/rae"
vg rae-ties "$s/rae/ties.xml" --set "raedir=$s/rae"
vg rae-stress "$s/rae/stress.xml" --set "raedir=$s/rae" --set prefixes=1000 --pcap none
vg decoupled-e2e "$s/decoupled/e2e.xml" --set "dir=$s/decoupled"
vg decoupled-refusals "$s/decoupled/refusals.xml" --set "dir=$s/decoupled"
finish
