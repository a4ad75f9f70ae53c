#!/bin/sh
# resume.sh - a sweep stopped half-way and started again ends with every
# run's results exactly once: SIGTERM to the sweep process while runs
# are going (the runs stop, nothing finished is lost, the rest runs on the
# second start), and SIGKILL to it (its runs go on alone and keep their
# locks: the second start waits for them instead of running them again).
# Each time the results equal those of a sweep never stopped.
#
# Whether a run is going on when the signal comes does not depend on the
# machine: the first start runs under tests/sweep/data/hold.sh
# (COMETSIM_SWEEP_WRAP), which holds run 4 before it starts until the
# test writes to a FIFO.  The signal comes while run 4 is held; with
# -j 2, runs 0 to 3 are all started and at least three are complete.
. "${top_srcdir:-.}/tests/sweep/lib.sh"

# The reference: the same sweep, never stopped.
"$COMETSIM" sweep "$data/slow.xml" --out "$T/ref" -j 2 > /dev/null 2>&1
check "the reference sweep completes: exit 0" [ $? -eq 0 ]
check "the reference sweep completes: 12 runs" [ "$(complete "$T/ref")" -eq 12 ]

hold="sh '$data/hold.sh'"
HOLD_INDEX=4
export HOLD_INDEX

# running DIR: the number of runs "sweep status" says are going on.
running() {
	"$COMETSIM" sweep status "$1" | sed -n 's/.* \([0-9][0-9]*\) running,.*/\1/p'
}

# waited_for LOCKFILE: a process waits for the flock on LOCKFILE (the
# kernel lists it in /proc/locks with "->").
waited_for() {
	grep -q -- "-> FLOCK .*:$(stat -c %i "$1") " /proc/locks
}

for sig in TERM KILL; do
	S="$T/$sig"
	HOLD_DIR="$T/hold-$sig"
	export HOLD_DIR
	mkdir -p "$HOLD_DIR"
	mkfifo "$HOLD_DIR/go"
	COMETSIM_SWEEP_WRAP=$hold "$COMETSIM" sweep "$data/slow.xml" --out "$S" -j 2 \
		> "$T/$sig.out1" 2> "$T/$sig.err1" &
	pid=$!
	# A safety net only: run 4 is held however long the others take.
	wait_for 300 test -e "$HOLD_DIR/held" || fail "SIG$sig: run 4 never started"
	kill -"$sig" "$pid"
	wait "$pid"
	rc=$?
	before=$(complete "$S")
	if [ "$sig" = TERM ]; then
		check "SIGTERM: the sweep exits 143" [ "$rc" -eq 143 ]
		check "SIGTERM: it says how to go on" grep -q 'run the same command again' "$T/$sig.err1"
		check "SIGTERM: the runs going on stop with it (none running)" [ "$(running "$S")" = 0 ]
		check "SIGTERM: at least 3 runs complete before the stop ($before)" [ "$before" -ge 3 ]
		check "SIGTERM: the held run is not complete ($before of 12)" [ "$before" -lt 12 ]
		check "SIGTERM: the held run is recorded as interrupted by its exit status 143" \
			grep -q '^0004,.*,interrupted,exit 143,' "$S/runs.csv"
		check "SIGTERM: results.csv holds the finished runs" \
			[ "$(rows "$S/results.csv")" -eq $((before * 2)) ]
	else
		check "SIGKILL: the sweep dies (137)" [ "$rc" -eq 137 ]
		check "SIGKILL: the held run is still going on, alone" [ "$(running "$S")" -ge 1 ]
		check "SIGKILL: ... and is not complete" \
			[ "$(json_get "$S/runs/0004/summary.json" status)" != complete ]
	fi
	ls "$S"/runs/*/summary.json 2>/dev/null | while read -r f; do
		[ "$(json_get "$f" status)" = complete ] && dirname "$f"
	done | sort > "$T/$sig.done1"

	"$COMETSIM" sweep "$data/slow.xml" --out "$S" -j 2 > "$T/$sig.out2" 2> "$T/$sig.err2" &
	pid=$!
	if [ "$sig" = KILL ]; then
		# The held run goes on once the second start waits for its lock.
		wait_for 300 waited_for "$S/runs/0004/lock"
		check "SIGKILL: started again, the sweep waits for the held run's lock" [ $? -eq 0 ]
		echo go > "$HOLD_DIR/go"
	fi
	wait "$pid"
	rc=$?
	check "SIG$sig: started again, the sweep completes (exit 0)" [ "$rc" -eq 0 ]
	check "SIG$sig: every run complete" [ "$(complete "$S")" -eq 12 ]
	check "SIG$sig: 12 runs completed" \
		[ "$(cat "$S"/runs/*/attempts.log | grep -c '^end exit 0 ')" -eq 12 ]
	check "SIG$sig: each run completed exactly once" \
		[ "$(for a in "$S"/runs/*/attempts.log; do grep -c '^end exit 0 ' "$a"; done | sort -u)" = 1 ]
	n=0
	while read -r d; do
		[ "$(grep -c '^start' "$d/attempts.log")" -eq 1 ] || n=$((n + 1))
	done < "$T/$sig.done1"
	check "SIG$sig: no run finished before the stop ran again" [ "$n" -eq 0 ]
	check "SIG$sig: results.csv has a row per run and metric" [ "$(rows "$S/results.csv")" -eq 24 ]
	check "SIG$sig: results.csv has each run and metric once" [ -z "$(dup_keys "$S/results.csv")" ]
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
HOLD_DIR="$T/hold-twice"
HOLD_INDEX=0
mkdir -p "$HOLD_DIR"
mkfifo "$HOLD_DIR/go"
COMETSIM_SWEEP_WRAP=$hold "$COMETSIM" sweep exec "$S" 0 &
p1=$!
# The first holds the lock while its run is held.
wait_for 300 test -e "$HOLD_DIR/held" || fail "the first wrapper did not start"
"$COMETSIM" sweep exec "$S" 0 &
p2=$!
wait_for 300 waited_for "$S/runs/0000/lock"
check "two wrappers of one run at once: the second waits for the first's lock" [ $? -eq 0 ]
echo go > "$HOLD_DIR/go"
wait "$p1"
r1=$?
wait "$p2"
r2=$?
check "... the first exits 0" [ "$r1" -eq 0 ]
check "... the second exits 0" [ "$r2" -eq 0 ]
check "... the first runs it, the second skips it" \
	[ "$(tail -n +$((n0 + 1)) "$log" | awk '{ print $1 }' | tr '\n' ' ')" = "start end skip " ]
check "... and the run is complete" [ "$(complete "$S")" -eq 12 ]

COMETSIM_SWEEP_WRAP="'nice" "$COMETSIM" sweep exec "$S" 0 2> "$T/wrap.err"
check "a COMETSIM_SWEEP_WRAP the shell cannot split: exit 1" [ $? -eq 1 ]
check "... with a message naming it" grep -q "^cometsim sweep exec: COMETSIM_SWEEP_WRAP=\"'nice\": " "$T/wrap.err"

finish
