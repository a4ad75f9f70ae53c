#!/bin/sh
# failure.sh - a run that fails (count=abc: the scenario refuses it and the
# run exits 1) is recorded with its exit status and the end of its stderr;
# the other runs complete; the sweep lists the failure and exits 1.
# Started again, the failed run (and only it) is tried again.
. "${top_srcdir:-.}/tests/sweep/lib.sh"

S="$T/fail"
"$COMETSIM" sweep "$data/failing.xml" --out "$S" -j 2 > "$T/out" 2> "$T/err"
rc=$?
check "the sweep exits 1" [ "$rc" -eq 1 ]
check "the other runs complete" [ "$(complete "$S")" -eq 2 ]
check "the summary counts the failure" grep -q '^sweep failing: 3 runs: 2 complete, 1 failed$' "$T/out"
check "stderr lists the failed run with its parameters, exit status and stderr" \
	grep -q '^  0001 (count=abc seed=1 run=1): exit 1: .*sample.xml:[0-9]*: usr.applications.Send: count "abc": not a whole number' "$T/err"
check "runs.csv records the failure: status, exit status, end of stderr" \
	grep -q '^0001,abc,1,1,failed,exit 1,1,".*count ""abc"": not a whole number' "$S/runs.csv"
check "the run's whole stderr is kept" grep -q 'count "abc"' "$S/runs/0001/stderr.txt"
check "the run's exit status is kept" [ "$(cat "$S/runs/0001/exit")" = "exit 1" ]
check "results.csv has the two runs that completed" \
	eval '[ "$(rows "$S/results.csv")" -eq 2 ] && grep -q "^0002,30,1,1,.*,received,30\$" "$S/results.csv"'
"$COMETSIM" sweep status "$S" > "$T/status"
rc=$?
check "status exits 1 and names the failure" \
	eval '[ $rc -eq 1 ] && grep -q "1 failed" "$T/status" && grep -q "^  0001 (count=abc" "$T/status"'

"$COMETSIM" sweep "$data/failing.xml" --out "$S" -j 2 > "$T/out2" 2> "$T/err2"
rc=$?
check "started again: exit 1 again" [ "$rc" -eq 1 ]
check "started again: only the failed run ran again" \
	[ "$(grep -c '^start' "$S/runs/0001/attempts.log")" -eq 2 -a \
	  "$(grep -c '^start' "$S/runs/0000/attempts.log")" -eq 1 -a \
	  "$(grep -c '^start' "$S/runs/0002/attempts.log")" -eq 1 ]

finish
