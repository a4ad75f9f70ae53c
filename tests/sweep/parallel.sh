#!/bin/sh
# parallel.sh - the same small sweep through GNU parallel gives the same
# results.csv as the local engine, with --sshloginfile passed through
# (a login file naming only this machine, ":", so no ssh is needed).
# Skipped (77) when GNU parallel is not installed: scripts/setup.sh
# installs it.
. "${top_srcdir:-.}/tests/sweep/lib.sh"

if ! parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
	echo "SKIP: GNU parallel is not installed (apt-get install parallel; scripts/setup.sh does)"
	exit 77
fi

"$COMETSIM" sweep "$data/small.xml" --out "$T/local" -j 2 > /dev/null 2>&1
check "the local engine completes" [ $? -eq 0 -a "$(complete "$T/local")" -eq 8 ]

"$COMETSIM" sweep "$data/small.xml" --out "$T/par" --engine parallel -j 2 > "$T/out" 2> "$T/err"
rc=$?
check "the parallel engine completes (exit 0)" [ "$rc" -eq 0 -a "$(complete "$T/par")" -eq 8 ]
check "it handed GNU parallel one wrapper command per run" \
	eval '[ "$(wc -l < "$T/par/commands.txt")" -eq 8 ] &&
	      grep -q "sweep exec $T/par 7\$" "$T/par/commands.txt"'
check "GNU parallel's job log lists the 8 runs" [ "$(rows "$T/par/parallel.joblog")" -eq 8 ]
check "same results.csv as the local engine" cmp -s "$T/par/results.csv" "$T/local/results.csv"
check "the same plot data" cmp -s "$T/par/plots/received.dat" "$T/local/plots/received.dat"

echo '2/:' > "$T/sshlogins"
"$COMETSIM" sweep "$data/small.xml" --out "$T/ssh" --engine parallel \
	--sshloginfile "$T/sshlogins" > /dev/null 2> "$T/err"
rc=$?
check "--sshloginfile goes to GNU parallel: same results.csv" \
	eval '[ $rc -eq 0 ] && cmp -s "$T/ssh/results.csv" "$T/local/results.csv"'
"$COMETSIM" sweep "$data/small.xml" --out "$T/x" --sshloginfile "$T/sshlogins" > /dev/null 2>&1
check "--sshloginfile without --engine parallel is a usage error" [ $? -eq 2 ]

# A failing run through GNU parallel: recorded the same way.
"$COMETSIM" sweep "$data/failing.xml" --out "$T/fail" --engine parallel > /dev/null 2> "$T/err"
rc=$?
check "parallel: a failed run makes the sweep exit 1, the others complete" \
	eval '[ $rc -eq 1 ] && [ "$(complete "$T/fail")" -eq 2 ] &&
	      grep -q "^0001,abc,1,1,failed,exit 1," "$T/fail/runs.csv"'

finish
