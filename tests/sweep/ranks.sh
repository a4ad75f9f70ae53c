#!/bin/sh
# ranks.sh - the processes of each run: bad values of <run ranks=> are
# refused with the file and line, bad --ranks is a usage error; and a
# program built without Open MPI refuses a sweep asking for more than one
# process a run before anything runs, saying to configure with
# --enable-mpi, while --ranks 1 still runs it.  With Open MPI the same
# sweep is accepted instead (mpi.sh runs it).  A run that exits 1 but whose
# summary.json says interrupted (what mpirun gives when a signal stopped
# the run's processes) counts as interrupted, not failed.
. "${top_srcdir:-.}/tests/sweep/lib.sh"

# desc RANKS: a copy of ranks.xml in $T with ranks="RANKS" (its line 17).
desc() {
	sed "s|ranks=\"2\"|ranks=\"$1\"|; s|scenario=\"[^\"]*\"|scenario=\"$top_srcdir/scenarios/sample.xml\"|" \
		"$data/ranks.xml" > "$T/r.xml"
}

desc 2
check "the copy asks for 2 ranks on line 17" grep -q '^  <run .*ranks="2"' "$T/r.xml"
line=$(grep -n 'ranks="2"' "$T/r.xml" | cut -d: -f1)

for bad in 0 -1 x 1.5 4097 " 2"; do
	desc "$bad"
	"$COMETSIM" sweep "$T/r.xml" --out "$T/bad" > "$T/out" 2> "$T/err"
	rc=$?
	check "ranks=\"$bad\" is refused (exit 1)" [ "$rc" -eq 1 ]
	check "ranks=\"$bad\": the file, the line, what is expected" \
		grep -q "^$T/r.xml:$line: ranks=\"$bad\": expected a whole number of processes from 1 to 4096\$" "$T/err"
	check "ranks=\"$bad\": nothing is written" [ ! -e "$T/bad" ]
done

for bad in 0 x 4097; do
	"$COMETSIM" sweep "$data/ranks.xml" --out "$T/bad" --ranks "$bad" > "$T/out" 2> "$T/err"
	rc=$?
	check "--ranks $bad is a usage error (exit 2)" [ "$rc" -eq 2 ]
	check "--ranks $bad: said" grep -q "^cometsim sweep: --ranks \"$bad\": " "$T/err"
done

desc 2
if [ "${COMETSIM_MPI:-no}" = yes ]; then
	"$COMETSIM" sweep "$T/r.xml" --out "$T/dry" --dry-run > "$T/out" 2> "$T/err"
	rc=$?
	check "built with Open MPI: ranks=\"2\" is accepted" [ "$rc" -eq 0 ]
	check "built with Open MPI: each run under mpirun" \
		[ "$(grep -c '^mpirun -np 2 ' "$T/out")" -eq 8 ]
else
	"$COMETSIM" sweep "$T/r.xml" --out "$T/nompi" > "$T/out" 2> "$T/err"
	rc=$?
	check "without Open MPI: ranks=\"2\" is refused (exit 1)" [ "$rc" -eq 1 ]
	check "without Open MPI: the file and line, and to configure with --enable-mpi" \
		grep -q "^$T/r.xml:$line: ranks=\"2\": this cometsim was built without MPI .*configure it with --enable-mpi" "$T/err"
	check "without Open MPI: nothing runs, nothing is written" [ ! -e "$T/nompi" ]
	"$COMETSIM" sweep "$T/r.xml" --out "$T/nompi" --dry-run > "$T/out" 2> "$T/err"
	rc=$?
	check "without Open MPI: --dry-run refuses it too (exit 1)" [ "$rc" -eq 1 ]
	check "without Open MPI: --dry-run prints no command" [ ! -s "$T/out" ]
	"$COMETSIM" sweep "$data/small.xml" --out "$T/nompi" --ranks 2 > "$T/out" 2> "$T/err"
	rc=$?
	check "without Open MPI: --ranks 2 is refused (exit 1)" [ "$rc" -eq 1 ]
	check "without Open MPI: --ranks 2: said, with --enable-mpi" \
		grep -q "^cometsim sweep: --ranks 2: this cometsim was built without MPI .*--enable-mpi" "$T/err"
	check "without Open MPI: --ranks 2: nothing is written" [ ! -e "$T/nompi" ]
	"$COMETSIM" sweep "$T/r.xml" --out "$T/one" --ranks 1 -j 2 > "$T/out" 2> "$T/err"
	rc=$?
	check "without Open MPI: --ranks 1 overrides ranks=\"2\" and the sweep completes" \
		[ "$rc" -eq 0 ]
	check "without Open MPI: --ranks 1: its 8 runs complete" [ "$(complete "$T/one")" -eq 8 ]
	check "without Open MPI: --ranks 1: each run started directly" \
		grep -q '^cometsim run ' "$T/one/runs/0000/command"
fi

# mpirun stopped by a signal exits 1 while the run's processes wrote their
# outputs as interrupted: the run's summary.json says what happened.
"$COMETSIM" sweep "$data/failing.xml" --out "$T/launch" -j 2 > /dev/null 2>&1
check "the failing sweep has its failed run" grep -q '^exit 1$' "$T/launch/runs/0001/exit"
printf '{ "status" : "interrupted" }\n' > "$T/launch/runs/0001/summary.json"
"$COMETSIM" sweep status "$T/launch" > "$T/status" 2> "$T/err"
check "exit 1 with a summary that says interrupted: the run is interrupted, not failed" \
	grep -q '^failing: 3 runs: 2 complete, 0 failed, 0 running, 0 queued, 1 interrupted, 0 not started$' "$T/status"

finish
