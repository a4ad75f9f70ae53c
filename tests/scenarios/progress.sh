#!/bin/sh
# progress.sh - the progress lines of `cometsim run` and `cometsim
# validate` (doc/cometsim.1): on a terminal only (script(1) gives the
# commands one), with the elapsed time and an estimate of what is left;
# nothing of them in a pipe or with --quiet.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

# tty FILE CMD...: CMD's output on a pseudo-terminal, carriage returns as new lines.
tty() {
	out=$1
	shift
	script -qec "$*" /dev/null </dev/null | tr '\r' '\n' >"$out"
}
scn="$top_srcdir/scenarios/sample.xml"
# 100 000 datagrams: far more events than the 65 536 after which the first line shows.
args="--set count=100000 --set interval=1us --pcap none"

tty "$T/run.txt" "$COMETSIM" run "$scn" $args --out "$T/r1"
check "run on a terminal: a progress line with the elapsed time and an ETA" \
	grep -aqE '^.\[Ksim time [0-9.]+ s / 10\.0+ s \([0-9.]+%\), [0-9.]+ M events/s, [0-9]+:[0-9]{2} elapsed, ETA ([0-9]+:[0-9]{2}|--)$' "$T/run.txt"
check "run on a terminal: the run still completes" [ -s "$T/r1/summary.json" ]
# The percentage is the share of the end time reached, in every line
# (both numbers come from the line itself: no clock is compared).
pct=$(grep -a 'Ksim time' "$T/run.txt" | sed 's/^.\[K//' | awk '
	{ t = $3; e = $6; p = $8; gsub(/[(%),]/, "", p); n++
	  if (e > 0 && (p - 100 * t / e > 0.051 || 100 * t / e - p > 0.051)) bad++ }
	END { print n + 0, bad + 0 }')
check "run on a terminal: progress lines read (${pct% *})" [ "${pct% *}" -gt 0 ]
check "run on a terminal: every line's percentage is sim time / end time (${pct#* } not)" \
	[ "${pct#* }" -eq 0 ]
# On a terminal 50 columns wide: never a line that would wrap.
tty "$T/run50.txt" "stty cols 50; $COMETSIM run $scn $args --out $T/r4"
widest=$(grep -a 'Ksim time' "$T/run50.txt" | sed 's/^.\[K//' | awk '{ if (length > m) m = length } END { print m + 0 }')
check "run on 50 columns: progress lines shown ($widest characters the widest)" [ "$widest" -gt 0 ]
check "run on 50 columns: none wider than 49 characters ($widest)" [ "$widest" -le 49 ]
"$COMETSIM" run "$scn" $args --out "$T/r2" 2>"$T/run-pipe.txt" >/dev/null
check "run in a pipe: no progress line" not grep -aq 'elapsed' "$T/run-pipe.txt"
tty "$T/run-q.txt" "$COMETSIM" run "$scn" $args --out "$T/r3" --quiet
check "run --quiet on a terminal: no progress line" not grep -aq 'elapsed' "$T/run-q.txt"

# A made-up evaluator named curling (the progress line's estimate knows
# it) that takes two seconds and writes its four rows.
src="$T/src"
mkdir -p "$src/scenarios/validation"
cat >"$src/scenarios/validation/curling.sh" <<EOF
out=\$1; mkdir -p "\$out"
"\$COMETSIM" run '$scn' --out "\$out/run" --quiet --pcap none --end 1ms >/dev/null 2>&1
sleep 2
for t in 1 2 3 4; do
	printf '%s\n' '{"category":"c","test":'\$t',"description":"d","step":"s","expected":"e","actual":"a","result":"PASS","run_dir":"'"\$out/run"'"}'
done >"\$out/rows.jsonl"
EOF
tty "$T/val.txt" env COMETSIM_SRCDIR="$src" "$COMETSIM" validate --out "$T/v1" --only curling
check "validate on a terminal: a progress line with the elapsed times and ETAs" \
	grep -aqE '^.\[Kvalidate: curling\.sh [0-9]+:[0-9]{2}, ETA ([0-9]+:[0-9]{2}|--); evaluator 1 of 1, [0-9]+:[0-9]{2} elapsed, ETA ([0-9]+:[0-9]{2}|--)$' "$T/val.txt"
check "validate on a terminal: the evaluator's result line" \
	grep -aqE '^(.\[K)?validate: curling\.sh: 4 rows, 4 PASS, 0 FAIL' "$T/val.txt"
COMETSIM_SRCDIR="$src" "$COMETSIM" validate --out "$T/v2" --only curling >/dev/null 2>"$T/val-pipe.txt"
check "validate in a pipe: no progress line" not grep -aq 'ETA' "$T/val-pipe.txt"
tty "$T/val-q.txt" env COMETSIM_SRCDIR="$src" "$COMETSIM" validate --out "$T/v3" --only curling --quiet
check "validate --quiet on a terminal: no progress line" not grep -aq 'ETA' "$T/val-q.txt"

# The sweep's progress bar on a terminal 40 columns wide: never wider.
tty "$T/sweep40.txt" "stty cols 40; $COMETSIM sweep $top_srcdir/tests/sweep/data/small.xml -j 2 --out $T/sw"
widest=$(grep -a '\[K\[' "$T/sweep40.txt" | sed 's/^.\[K//' | awk '{ if (length > m) m = length } END { print m + 0 }')
check "sweep on 40 columns: progress lines shown ($widest characters the widest)" [ "$widest" -gt 0 ]
check "sweep on 40 columns: none wider than 39 characters ($widest)" [ "$widest" -le 39 ]

finish
