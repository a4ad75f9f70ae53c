#!/bin/sh
# order_window.sh - the event order does not depend on when a frame
# becomes known to its receiver (doc/engine.md, "Time and events"), the
# property a run split over processes needs: with COMETSIM_CHECK_WINDOW=W
# a frame on a link whose delay is at least W is made known to its
# receiver only at the next multiple of W, as a split run learns of the
# frames of a window at its end; every output stays byte for byte the
# same (summary.json's count of events and the wall-clock fields aside).
# Scenarios with ties between frames and a node's own events at one
# instant (the RAE's sessions, TCP under loss): a frame armed with a
# fresh key at the window's start instead of the one it took when it left
# changes their outputs.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

# The files of run $1 that differ from run $2's (summary.json compared
# without the fields that count events or measure the machine).
differing() {
	(cd "$T/$1" && find . -type f ! -name summary.json |
		while IFS= read -r f; do
			cmp -s "$f" "$T/$2/$f" || echo "$f"
		done)
	for d in "$1" "$2"; do
		grep -v -e '"events' -e '"wall_s"' -e '"peak_rss_kb"' -e '"date"' \
			"$T/$d/summary.json" >"$T/$d.sum"
	done
	cmp -s "$T/$1.sum" "$T/$2.sum" || echo summary.json
}

for s in rae/ties rae/multi faults/tcp decoupled/e2e curling-topology2; do
	n=$(echo "$s" | tr / _)
	"$COMETSIM" run "$top_srcdir/scenarios/$s.xml" --out "$T/$n" --quiet >"$T/out" 2>&1 ||
		fail "$s: the run exited $?"
	files=$(cd "$T/$n" && find . -type f | wc -l)
	check "$s: the run wrote its outputs ($files files)" [ "$files" -gt 3 ]
	for w in 1ms 100us; do
		COMETSIM_CHECK_WINDOW=$w "$COMETSIM" run "$top_srcdir/scenarios/$s.xml" \
			--out "$T/$n-$w" --quiet >"$T/out" 2>&1 || fail "$s, window $w: the run exited $?"
		differing "$n" "$n-$w" >"$T/diff"
		check "$s, frames known a window of $w late: the same outputs ($(tr '\n' ' ' <"$T/diff"))" \
			[ ! -s "$T/diff" ]
		e0=$(json_get "$T/$n/summary.json" events)
		e1=$(json_get "$T/$n-$w/summary.json" events)
		# The window's own events: the check did defer frames.
		check "$s, window $w: frames were deferred ($e0 events, then $e1)" [ "$e1" -gt "$e0" ]
	done
done

COMETSIM_CHECK_WINDOW=abc "$COMETSIM" run "$top_srcdir/scenarios/sample.xml" --out "$T/bad" \
	--quiet >"$T/out" 2>"$T/err"
rc=$?
check "a window that is no duration: exit 1 (got $rc)" [ "$rc" -eq 1 ]
check "and says what is wrong" grep -q 'COMETSIM_CHECK_WINDOW "abc"' "$T/err"
check "and writes nothing" [ ! -e "$T/bad" ]

finish
