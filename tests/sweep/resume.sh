#!/bin/sh
# resume.sh - a sweep stopped half-way and started again ends with every
# run's results exactly once: SIGTERM to the sweep process while runs
# are going (the runs stop, nothing finished is lost, the rest runs on the
# second start), and SIGKILL to it (its runs go on alone and keep their
# locks: the second start waits for them instead of running them again).
# Each time the results equal those of a sweep never stopped.
. "${top_srcdir:-.}/tests/sweep/lib.sh"

# The reference: the same sweep, never stopped.
"$COMETSIM" sweep "$data/slow.xml" --out "$T/ref" -j 2 > /dev/null 2>&1
check "the reference sweep completes" [ $? -eq 0 -a "$(complete "$T/ref")" -eq 12 ]

# started_runs DIR: how many runs have started (attempts.log exists).
started_runs() {
	ls "$1"/runs/*/attempts.log 2>/dev/null | wc -l
}
at_least_started() {
	[ "$(started_runs "$1")" -ge "$2" ]
}

for sig in TERM KILL; do
	S="$T/$sig"
	"$COMETSIM" sweep "$data/slow.xml" --out "$S" -j 2 > "$T/$sig.out1" 2> "$T/$sig.err1" &
	pid=$!
	# Run 4 has just started: with -j 2, runs 0 to 2 are complete and
	# 3 and 4 are going on.
	wait_for 120 at_least_started "$S" 5 || fail "SIG$sig: run 4 did not start within 120 s"
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	before=$(complete "$S")
	if [ "$sig" = TERM ]; then
		check "SIGTERM: the sweep exits 143" [ "$rc" -eq 143 ]
		check "SIGTERM: it says how to go on" grep -q 'run the same command again' "$T/$sig.err1"
		check "SIGTERM: the runs going on stop with it (none running)" \
			eval '"$COMETSIM" sweep status "$S" | grep -q " 0 running,"'
		check "SIGTERM: stopped half-way ($before of 12 complete)" \
			[ "$before" -ge 3 -a "$before" -lt 12 ]
		check "SIGTERM: a stopped run is recorded as interrupted" \
			grep -q ',interrupted,exit 143,' "$S/runs.csv"
		check "SIGTERM: results.csv holds the finished runs" \
			[ "$(rows "$S/results.csv")" -eq $((before * 2)) ]
	else
		check "SIGKILL: the sweep dies (137)" [ "$rc" -eq 137 ]
		check "SIGKILL: some runs are still going on, alone" \
			eval '"$COMETSIM" sweep status "$S" | grep -Eq " [1-9][0-9]* running,"'
	fi
	ls "$S"/runs/*/summary.json 2>/dev/null | while read -r f; do
		grep -q '"status": "complete"' "$f" && dirname "$f"
	done | sort > "$T/$sig.done1"

	"$COMETSIM" sweep "$data/slow.xml" --out "$S" -j 2 > "$T/$sig.out2" 2> "$T/$sig.err2"
	rc=$?
	check "SIG$sig: started again, the sweep completes (exit 0)" [ "$rc" -eq 0 ]
	check "SIG$sig: every run complete" [ "$(complete "$S")" -eq 12 ]
	check "SIG$sig: each run completed exactly once" \
		[ "$(cat "$S"/runs/*/attempts.log | grep -c '^end exit 0 ')" -eq 12 -a \
		  "$(for a in "$S"/runs/*/attempts.log; do grep -c '^end exit 0 ' "$a"; done | sort -u)" = 1 ]
	n=0
	while read -r d; do
		[ "$(grep -c '^start' "$d/attempts.log")" -eq 1 ] || n=$((n + 1))
	done < "$T/$sig.done1"
	check "SIG$sig: no run finished before the stop ran again" [ "$n" -eq 0 ]
	check "SIG$sig: results.csv has each run and metric once" \
		[ "$(rows "$S/results.csv")" -eq 24 -a -z "$(dup_keys "$S/results.csv")" ]
	check "SIG$sig: results.csv equals the uninterrupted sweep's" \
		cmp -s "$S/results.csv" "$T/ref/results.csv"
done

# Two wrappers for one unfinished run at once (an engine started twice, a
# requeued Slurm task): the second waits for the first's lock, then finds
# the run finished and does not run it again.
S="$T/KILL"
log="$S/runs/0000/attempts.log"
n0=$(wc -l < "$log")
rm "$S/runs/0000/summary.json"
"$COMETSIM" sweep exec "$S" 0 &
p1=$!
# Its "start" line is written once it holds the lock.
started() {
	[ "$(wc -l < "$log")" -gt "$n0" ]
}
wait_for 30 started || fail "the first wrapper did not start"
"$COMETSIM" sweep exec "$S" 0 &
p2=$!
wait "$p1"
r1=$?
wait "$p2"
r2=$?
check "two wrappers of one run at once: both exit 0" [ "$r1" -eq 0 -a "$r2" -eq 0 ]
check "... the first runs it, the second waits for the lock and skips it" \
	[ "$(tail -n +$((n0 + 1)) "$log" | awk '{ print $1 }' | tr '\n' ' ')" = "start end skip " ]
check "... and the run is complete" [ "$(complete "$S")" -eq 12 ]

finish
