#!/bin/sh
# mpi.sh - one run split over processes gives the outputs of one process
# (doc/parallel.md): figure 10, topology 2 (a curling script that starts
# routers and links while it runs), a generated graph of 1 000 routers, an
# RAE and CME network (rae-paths.csv merged from the parts) and figure 10
# split by an explicit <partition>, each run with mpirun -np 1, 2 and 4
# (the processes kept together by windows, and for three of them by null
# messages too) and compared file by file with the run without mpirun: every pcap,
# log.txt, counters.csv, the per-run CSVs, the curling clients' files.
# Coupled requests over a CAIDA graph's ASes (requests.csv from every
# process's journal).  Then what a split run refuses: a link without delay
# between two processes' nodes, a <part> that misses a node, what it cannot
# split yet, a file of the user's under the name of another process's pcap
# (said once, left alone), a bad argument (said once); and a signal to
# process 1 alone, which process 0 names.
# Skipped when the program is built without Open MPI (--enable-mpi).
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

# srun's tasks without a PMI that joins them would each run the whole run:
# refused, in either build.
st=0
SLURM_STEP_NUM_TASKS=2 SLURM_PROCID=0 "$COMETSIM" run "$top_srcdir/scenarios/figure10.xml" \
	--out "$T/srun" --quiet >"$T/out" 2>&1 || st=$?
check "srun tasks that are not joined: refused (exit $st)" [ "$st" -eq 1 ]
check "  saying why ($(head -n 1 "$T/out"))" grep -q 'started by srun as one of 2 tasks' "$T/out"
check "  nothing written" [ ! -e "$T/srun" ]

if [ "${COMETSIM_MPI:-no}" != yes ]; then
	echo "SKIP: cometsim is built without Open MPI (configure --enable-mpi)"
	cleanup
	exit 77
fi
# The captures are read with the project's dissector: CURLING and COMET
# frames are otherwise taken for other protocols and called malformed.
lua="$top_srcdir/output/wireshark/cometsim.lua"
printf '#!/bin/sh\nexec "%s" -X "lua_script:%s" "$@"\n' "$TSHARK" "$lua" >"$T/tshark-lua"
chmod +x "$T/tshark-lua"
TSHARK=$T/tshark-lua
# As root (CI) mpirun wants to be told; more processes than cores is fine.
mpi() {
	n=$1
	shift
	OMPI_MCA_rmaps_base_oversubscribe=1 "${MPIRUN:-mpirun}" --allow-run-as-root \
		--oversubscribe -np "$n" "$@" </dev/null
}

# differing A B: the files of run A that run B lacks or has otherwise, and
# those B has that A lacks (summary.json and the marker aside: the first
# counts the processes' events and times, the second lists the parts).
differing() {
	(cd "$T/$1" && find . -type f ! -name summary.json ! -name .cometsim-run | LC_ALL=C sort) \
		>"$T/files.a"
	(cd "$T/$2" && find . -type f ! -name summary.json ! -name .cometsim-run | LC_ALL=C sort) \
		>"$T/files.b"
	while IFS= read -r f; do
		cmp -s "$T/$1/$f" "$T/$2/$f" || echo "$f"
	done <"$T/files.a"
	comm -13 "$T/files.a" "$T/files.b"
}

split_same() {
	s=$1
	name=$2
	shift 2
	"$COMETSIM" run "$top_srcdir/scenarios/$s.xml" --out "$T/$name" --quiet "$@" \
		>"$T/out" 2>&1 || fail "$name: the run in one process exited $? ($(head -c 300 "$T/out"))"
	nf=$(cd "$T/$name" && find . -type f | wc -l)
	check "$name: the run in one process wrote its outputs ($nf files)" [ "$nf" -gt 3 ]
	captures_ok "$T/$name" "$name"
	for n in 1 2 4; do
		st=0
		mpi "$n" "$COMETSIM" run "$top_srcdir/scenarios/$s.xml" --out "$T/$name-$n" \
			--quiet "$@" >"$T/out" 2>&1 || st=$?
		check "$name, $n processes: exit 0 ($(head -c 300 "$T/out"))" [ "$st" -eq 0 ]
		differing "$name" "$name-$n" >"$T/diff"
		check "$name, $n processes: every output the same ($(head -n 5 "$T/diff" | tr '\n' ' '))" \
			[ ! -s "$T/diff" ]
		np=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1])).get("processes", [])))' \
			"$T/$name-$n/summary.json" 2>/dev/null)
		want=$n
		[ "$n" -eq 1 ] && want=0
		check "$name, $n processes: summary.json lists $want of them ($np)" [ "${np:-x}" = "$want" ]
		# summary.json's totals and drops are the run's, not process 0's.
		for k in totals drops; do
			a=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))[sys.argv[2]], sort_keys=True))' \
				"$T/$name/summary.json" "$k" 2>/dev/null)
			b=$(python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))[sys.argv[2]], sort_keys=True))' \
				"$T/$name-$n/summary.json" "$k" 2>/dev/null)
			check "$name, $n processes: summary.json's $k as in one process ($b)" [ "${a:-missing}" = "$b" ]
		done
		parts=$(find "$T/$name-$n" -name '.*.part*' | wc -l)
		check "$name, $n processes: no part left in the run directory ($parts)" [ "$parts" -eq 0 ]
	done
	# Split for real: frames crossed between processes, and each process ran events.
	crossed=$(python3 -c 'import json,sys; print(sum(p["frames_sent"] for p in json.load(open(sys.argv[1]))["processes"]))' \
		"$T/$name-2/summary.json" 2>/dev/null)
	check "$name, 2 processes: frames crossed between them (${crossed:-none})" [ "${crossed:-0}" -gt 0 ]
	idle=$(python3 -c 'import json,sys; print(sum(1 for p in json.load(open(sys.argv[1]))["processes"] if p["events"] == 0))' \
		"$T/$name-2/summary.json" 2>/dev/null)
	check "$name, 2 processes: each ran events (${idle:-?} idle)" [ "${idle:-1}" -eq 0 ]
}

split_same figure10 figure10
split_same curling-topology2 topology2
split_same parallel/graph1000 graph1000
split_same rae/multi rae-multi
split_same parallel/figure10-parts figure10-parts
# Coupled requests over the ASes of a CAIDA graph, their CRMEs in several
# processes: requests.csv is put together from every process's journal, in
# the run's order (in the runs above the order of the processes gives it too).
split_same study/study-caida caida-coupled --set deploy.approach=coupled --set timeseries=none \
	--pcap AS64601
# The other way of keeping the processes together (doc/parallel.md).
split_same parallel/graph1000 graph1000-null --sync null
split_same curling-topology2 topology2-null --sync null
split_same rae/multi rae-multi-null --sync null

# A deployment of approach "both": its two halves split alike.
study="$top_srcdir/scenarios/study/study.xml"
"$COMETSIM" run "$study" --set ases=60 --set timeseries=none --set end=80s --set duration=20s \
	--out "$T/both" --quiet >"$T/out" 2>&1 || fail "study, both: exit $? ($(head -c 300 "$T/out"))"
st=0
mpi 2 "$COMETSIM" run "$study" --set ases=60 --set timeseries=none --set end=80s \
	--set duration=20s --out "$T/both-2" --quiet >"$T/out" 2>&1 || st=$?
check "study, both approaches, 2 processes: exit 0 ($(head -c 300 "$T/out"))" [ "$st" -eq 0 ]
rows=$(cat "$T/both/coupled/requests.csv" "$T/both/decoupled/requests.csv" 2>/dev/null | wc -l)
check "study, both approaches: requests made ($rows rows)" [ "$rows" -gt 10 ]
differing both both-2 >"$T/diff"
check "study, both approaches, 2 processes: every output of both halves the same ($(head -n 5 "$T/diff" | tr '\n' ' '))" \
	[ ! -s "$T/diff" ]
np=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1])).get("processes", [])))' \
	"$T/both-2/coupled/summary.json" 2>/dev/null)
check "study, both approaches, 2 processes: the coupled half was split ($np)" [ "${np:-0}" -eq 2 ]

# END_SIMULATION while frames cross three processes: a process that ran
# it must not stop the others before their own events due before it.
for e in 1.0015s 1.05s 1.0999s 1.5237s; do
	"$COMETSIM" run "$top_srcdir/tests/scenarios/data/mpi-endsim.xml" --set end=$e \
		--out "$T/es-$e" --quiet >"$T/out" 2>&1 || fail "endsim $e: exit $?"
	for n in 2 3; do
		for sync in windows null; do
			mpi "$n" "$COMETSIM" run "$top_srcdir/tests/scenarios/data/mpi-endsim.xml" \
				--set end=$e --sync $sync --out "$T/es-$e-$n-$sync" --quiet >"$T/out" 2>&1 ||
				fail "endsim $e, $n processes, $sync: exit $?"
			differing "es-$e" "es-$e-$n-$sync" >"$T/diff"
			check "END_SIMULATION at $e, $n processes, $sync: the same outputs ($(head -n 3 "$T/diff" | tr '\n' ' '))" \
				[ ! -s "$T/diff" ]
		done
	done
done

# The same split run twice: the same outputs (nothing depends on timing).
mpi 2 "$COMETSIM" run "$top_srcdir/scenarios/parallel/graph1000.xml" --out "$T/again" --quiet \
	>"$T/out" 2>&1 || fail "graph1000 again: exit $?"
differing graph1000-2 again >"$T/diff"
check "graph1000, 2 processes twice: the same outputs" [ ! -s "$T/diff" ]

# A link without delay between two processes' nodes: refused, named, at its line.
st=0
mpi 2 "$COMETSIM" run "$top_srcdir/scenarios/parallel/figure10-parts.xml" --out "$T/zero" \
	--quiet --set link.C-B.delay=0 >"$T/out" 2>&1 || st=$?
check "a link without delay between processes: refused (exit $st)" [ "$st" -eq 1 ]
check "its message names the link and says why ($(head -n 1 "$T/out"))" \
	grep -q 'figure10.xml:[0-9]*: link "C-B" joins cC (process 0) and cB (process 1) and has no delay' "$T/out"
check "its message is said once" [ "$(grep -c 'has no delay' "$T/out")" -eq 1 ]
check "nothing was written" [ ! -e "$T/zero/summary.json" ]
# In one process that link is fine.
st=0
"$COMETSIM" run "$top_srcdir/scenarios/parallel/figure10-parts.xml" --out "$T/zero1" --quiet \
	--set link.C-B.delay=0 >"$T/out" 2>&1 || st=$?
check "the same link in a run of one process: runs (exit $st)" [ "$st" -eq 0 ]

# A <partition> that misses a node, or names one twice, or one that is not there.
cat >"$T/p1.xml" <<EOF
<scenario name="p1">
  <topology file="$top_srcdir/topologies/figure10.xml"/>
  <run end_time="1s"/>
  <partition>
    <part nodes="srv cC cB"/>
    <part nodes="rD cA"/>
  </partition>
</scenario>
EOF
st=0
mpi 2 "$COMETSIM" run "$T/p1.xml" --out "$T/p1" --quiet >"$T/out" 2>&1 || st=$?
check "a node in no <part>: refused (exit $st)" [ "$st" -eq 1 ]
check "  with where and which ($(head -n 1 "$T/out"))" \
	grep -q 'p1.xml:4: node cli is in no <part>' "$T/out"
sed 's|<part nodes="rD cA"/>|<part nodes="rD cA cli cB"/>|' "$T/p1.xml" >"$T/p2.xml"
st=0
mpi 2 "$COMETSIM" run "$T/p2.xml" --out "$T/p2" --quiet >"$T/out" 2>&1 || st=$?
check "a node in two <part>s: refused (exit $st)" [ "$st" -eq 1 ]
check "  with both lines ($(head -n 1 "$T/out"))" \
	grep -q 'p2.xml:6: node cB is in this <part> and in the one at line 5' "$T/out"
sed 's|<part nodes="rD cA"/>|<part nodes="rD cA cli c9*"/>|' "$T/p1.xml" >"$T/p3.xml"
st=0
mpi 2 "$COMETSIM" run "$T/p3.xml" --out "$T/p3" --quiet >"$T/out" 2>&1 || st=$?
check "a <part> pattern that matches no node: refused (exit $st)" [ "$st" -eq 1 ]
check "  naming it ($(head -n 1 "$T/out"))" grep -q 'p3.xml:6: <part> nodes "c9\*" matches no node' "$T/out"
sed 's|<partition>|<partition method="round">|' "$T/p1.xml" >"$T/p4.xml"
st=0
"$COMETSIM" check "$T/p4.xml" >"$T/out" 2>&1 || st=$?
check "an unknown method: refused when the scenario loads (exit $st)" [ "$st" -eq 1 ]
check "  naming it ($(head -n 1 "$T/out"))" grep -q 'p4.xml:4: <partition> method "round"' "$T/out"

# What a split run cannot do yet is refused before anything is written.
st=0
mpi 2 "$COMETSIM" run "$top_srcdir/scenarios/figure10.xml" --out "$T/ts" --quiet \
	--set timeseries=link.util >"$T/out" 2>&1 || st=$?
check "time series in a split run: refused (exit $st)" [ "$st" -eq 1 ]
check "  saying so once ($(head -n 1 "$T/out"))" \
	[ "$(grep -c 'cannot yet be one that samples time series' "$T/out")" -eq 1 ]
check "  nothing written" [ ! -e "$T/ts/summary.json" ]


# A file of the user's in a run directory, named as the pcap of a node that
# another process runs: refused at once, as in one process, and left alone;
# nor written down as the run's, or the next run would remove it.
"$COMETSIM" run "$top_srcdir/scenarios/parallel/figure10-parts.xml" --out "$T/foreign" \
	--quiet --pcap srv >"$T/out" 2>&1 || fail "foreign: the first run exited $?"
echo mine >"$T/foreign/rD-eth0.pcap"
st=0
mpi 2 "$COMETSIM" run "$top_srcdir/scenarios/parallel/figure10-parts.xml" --out "$T/foreign" \
	--quiet >"$T/out" 2>&1 || st=$?
check "a file of the user's named as process 1's pcap: refused (exit $st)" [ "$st" -eq 1 ]
check "  naming it ($(head -n 1 "$T/out"))" \
	grep -q 'foreign/rD-eth0.pcap: already there, and no earlier run wrote it' "$T/out"
check "  the file kept" [ "$(cat "$T/foreign/rD-eth0.pcap")" = mine ]
check "  not written down as the run's" not grep -qx 'rD-eth0.pcap' "$T/foreign/.cometsim-run"
"$COMETSIM" run "$top_srcdir/scenarios/parallel/figure10-parts.xml" --out "$T/foreign" \
	--quiet >"$T/out" 2>&1
check "  the next run into the directory leaves it too" [ "$(cat "$T/foreign/rD-eth0.pcap")" = mine ]

# The same while the run goes on: topology 2 starts its routers with its
# script, and 7.3's capture is opened then, in process 1: said once, by
# process 0, as the run's failure.
"$COMETSIM" run "$top_srcdir/scenarios/curling-topology2.xml" --out "$T/foreign2" --quiet \
	--pcap none >"$T/out" 2>&1 || fail "foreign2: the first run exited $?"
echo mine >"$T/foreign2/7.3-eth0.pcap"
st=0
mpi 2 "$COMETSIM" run "$top_srcdir/scenarios/curling-topology2.xml" --out "$T/foreign2" \
	--quiet --pcap 7.3 >"$T/out" 2>&1 || st=$?
check "a file of the user's named as a pcap opened while the run goes on: refused (exit $st)" \
	[ "$st" -eq 1 ]
check "  said once ($(grep -c 'foreign2/7.3-eth0.pcap' "$T/out") lines name it)" \
	[ "$(grep -c 'foreign2/7.3-eth0.pcap' "$T/out")" -eq 1 ]
check "  the run's failure said once" [ "$(grep -c 'the run failed' "$T/out")" -eq 1 ]
check "  the file kept" [ "$(cat "$T/foreign2/7.3-eth0.pcap")" = mine ]
check "  no summary.json" [ ! -e "$T/foreign2/summary.json" ]

# A bad argument: said once, not by every process.
st=0
mpi 2 "$COMETSIM" run "$top_srcdir/scenarios/figure10.xml" --out "$T/badsync" --sync nul \
	>"$T/out" 2>&1 || st=$?
check "--sync nul in a split run: refused as bad usage (exit $st)" [ "$st" -eq 2 ]
check "  said once ($(grep -c -- '--sync "nul"' "$T/out"))" \
	[ "$(grep -c -- '--sync "nul"' "$T/out")" -eq 1 ]

# A signal to one process only, not process 0: every process stops, and
# process 0 names the signal in its message and in the exit status (as a
# run of one process does: 128 + SIGINT).
mpi 2 "$COMETSIM" run "$top_srcdir/scenarios/parallel/graph1000.xml" --out "$T/sig" --quiet \
	--end 1000s --set count=1000000 >"$T/out" 2>&1 &
mp=$!
pid1=
i=0
while [ $i -lt 150 ] && [ -z "$pid1" ]; do
	sleep 0.2
	i=$((i + 1))
	[ -e "$T/sig/.log.part.1" ] || continue
	for p in $(pgrep -f -- "--out $T/sig --quiet"); do
		tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx 'OMPI_COMM_WORLD_RANK=1' &&
			pid1=$p
	done
done
if [ -n "$pid1" ]; then
	sleep 1
	kill -INT "$pid1"
else
	kill "$mp"
fi
st=0
wait "$mp" || st=$?
check "SIGINT to process 1 alone: found it (${pid1:-no process})" [ -n "$pid1" ]
check "  the run stops with 128 + SIGINT (exit $st)" [ "$st" -eq 130 ]
check "  process 0 names the signal ($(head -n 1 "$T/out"))" grep -q 'interrupted by SIGINT' "$T/out"
check "  summary.json says interrupted" grep -q '"status" : "interrupted"' "$T/sig/summary.json"
finish
