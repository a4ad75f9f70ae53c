#!/bin/sh
# mpi.sh - a sweep whose runs are each split over two processes
# (<run ranks="2">, mpirun -np 2 on this machine) gives, run by run, what
# the same sweep gives with --ranks 1: every run's counters.csv and
# log.txt, and results.csv; on the local engine and through GNU parallel.
# The runs of the first are really split (their summary.json lists two
# processes), those of the second are not.  A sweep that a launcher
# started (mpirun -np 1 cometsim sweep) gives the same, its runs in one
# or two processes.  Skipped (77) when the program is built without Open
# MPI (configure --enable-mpi): ranks.sh checks the refusal there.
. "${top_srcdir:-.}/tests/sweep/lib.sh"

if [ "${COMETSIM_MPI:-no}" != yes ]; then
	echo "SKIP: cometsim is built without Open MPI (configure --enable-mpi)"
	cleanup
	exit 77
fi

# processes DIR: the number of processes each run of DIR lists in its
# summary.json ("processes": absent for a run in one process), one a line.
processes() {
	python3 -c '
import json, sys
for f in sys.argv[1:]:
    print(len(json.load(open(f)).get("processes", [None])))
' "$1"/runs/*/summary.json
}

# same_runs A B FILE: every run of sweep A has FILE, not empty, as run
# of B has it; prints the runs that differ.
same_runs() {
	for r in "$T/$1"/runs/*/; do
		id=$(basename "$r")
		[ -s "$r$3" ] || echo "$id: no $3"
		cmp -s "$r$3" "$T/$2/runs/$id/$3" || echo "$id: $3 differs"
	done
}

"$COMETSIM" sweep "$data/ranks.xml" --out "$T/one" --ranks 1 -j 2 > /dev/null 2> "$T/err1"
rc=$?
check "with --ranks 1 the sweep completes (exit 0)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$T/err1"
check "with --ranks 1 its 8 runs complete" [ "$(complete "$T/one")" -eq 8 ]
check "with --ranks 1 no run is split" [ "$(processes "$T/one" | sort -u)" = 1 ]

"$COMETSIM" sweep "$data/ranks.xml" --out "$T/two" -j 2 > /dev/null 2> "$T/err2"
rc=$?
check "with ranks=\"2\" the sweep completes (exit 0)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$T/err2"
check "with ranks=\"2\" its 8 runs complete" [ "$(complete "$T/two")" -eq 8 ]
check "with ranks=\"2\" every run is split over 2 processes" \
	[ "$(processes "$T/two" | sort -u)" = 2 ]
check "each run's command says how it was started" \
	grep -q '^mpirun -np 2 --oversubscribe .*cometsim run ' "$T/two/runs/0005/command"
check "the same counters.csv in every run" [ -z "$(same_runs two one counters.csv)" ]
check "the same log.txt in every run" [ -z "$(same_runs two one log.txt)" ]
check "the same results.csv" cmp -s "$T/two/results.csv" "$T/one/results.csv"
check "results.csv has every run's metrics" [ "$(rows "$T/two/results.csv")" -eq 40 ]

"$COMETSIM" sweep "$data/ranks.xml" --out "$T/dry" --dry-run > "$T/dry.txt" 2>&1
check "--dry-run prints each run under mpirun" \
	[ "$(grep -c '^mpirun -np 2 --oversubscribe .*cometsim run ' "$T/dry.txt")" -eq 8 ]
"$COMETSIM" sweep "$data/ranks.xml" --out "$T/dry" --dry-run --ranks 3 > "$T/dry.txt" 2>&1
check "--ranks 3 overrides the description" \
	[ "$(grep -c '^mpirun -np 3 --oversubscribe .*cometsim run ' "$T/dry.txt")" -eq 8 ]

# A sweep itself started by a launcher (as srun cometsim sweep ... on a
# cluster node) does not hand the launcher's environment to its runs,
# which would take themselves for processes of that launch.
for r in 1 2; do
	timeout 300 "${MPIRUN:-mpirun}" --allow-run-as-root -np 1 "$COMETSIM" sweep \
		"$data/ranks.xml" --out "$T/under$r" --ranks "$r" -j 2 < /dev/null > /dev/null 2> "$T/err4"
	rc=$?
	check "a sweep started by mpirun -np 1, --ranks $r, completes (exit 0)" [ "$rc" -eq 0 ]
	[ "$rc" -eq 0 ] || tail -n 5 "$T/err4" "$T/under$r"/runs/0000/stderr.txt
	check "a sweep started by mpirun -np 1, --ranks $r: runs over $r processes" \
		[ "$(processes "$T/under$r" | sort -u)" = "$r" ]
	check "a sweep started by mpirun -np 1, --ranks $r: the same results.csv" \
		cmp -s "$T/under$r/results.csv" "$T/one/results.csv"
done

if parallel --version 2>/dev/null | grep -q 'GNU parallel'; then
	"$COMETSIM" sweep "$data/ranks.xml" --out "$T/par" --engine parallel -j 2 \
		> /dev/null 2> "$T/err3"
	rc=$?
	check "through GNU parallel the sweep completes (exit 0)" [ "$rc" -eq 0 ]
	[ "$rc" -eq 0 ] || cat "$T/err3"
	check "GNU parallel starts each wrapper with the launcher" \
		[ "$(grep -c "sweep exec $T/par [0-7] -- mpirun -np 2 --oversubscribe" \
			"$T/par/commands.txt")" -eq 8 ]
	check "through GNU parallel every run is split over 2 processes" \
		[ "$(processes "$T/par" | sort -u)" = 2 ]
	check "through GNU parallel the same counters.csv in every run" \
		[ -z "$(same_runs par one counters.csv)" ]
	check "through GNU parallel the same results.csv" \
		cmp -s "$T/par/results.csv" "$T/one/results.csv"
else
	echo "GNU parallel is not installed: its part is left out"
fi

finish
