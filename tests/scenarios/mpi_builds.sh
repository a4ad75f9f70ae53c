#!/bin/sh
# mpi_builds.sh - a run split over processes by the build with Open MPI
# writes what the build without it writes (doc/parallel.md): figure 10
# and the 1 000-router graph run by COMETSIM_OTHER, a program built
# without --enable-mpi (scripts/setup.sh test gives the sanitizer
# build's), and by this build under mpirun -np 2, every output compared
# but summary.json.  Skipped unless this build has Open MPI and
# COMETSIM_OTHER names another program.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

if [ "${COMETSIM_MPI:-no}" != yes ] || [ -z "${COMETSIM_OTHER:-}" ]; then
	echo "SKIP: needs a build with Open MPI and COMETSIM_OTHER, a build without"
	cleanup
	exit 77
fi

for s in figure10 parallel/graph1000; do
	n=$(echo "$s" | tr / _)
	"$COMETSIM_OTHER" run "$top_srcdir/scenarios/$s.xml" --out "$T/$n-plain" --quiet \
		>"$T/out" 2>&1 || fail "$s, the build without MPI: exit $? ($(head -c 300 "$T/out"))"
	OMPI_MCA_rmaps_base_oversubscribe=1 "${MPIRUN:-mpirun}" --allow-run-as-root \
		--oversubscribe -np 2 "$COMETSIM" run "$top_srcdir/scenarios/$s.xml" \
		--out "$T/$n-split" --quiet </dev/null >"$T/out" 2>&1 ||
		fail "$s, 2 processes: exit $? ($(head -c 300 "$T/out"))"
	nf=$(cd "$T/$n-plain" && find . -type f | wc -l)
	check "$s: the build without MPI wrote its outputs ($nf files)" [ "$nf" -gt 3 ]
	diff -r -x summary.json -x .cometsim-run "$T/$n-plain" "$T/$n-split" >"$T/diff" 2>&1
	check "$s: 2 processes of the MPI build write what the build without MPI writes ($(head -n 3 "$T/diff" | tr '\n' ' '))" \
		[ ! -s "$T/diff" ]
done

finish
