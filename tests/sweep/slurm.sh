#!/bin/sh
# slurm.sh - the slurm engine on a real one-node Slurm cluster that this
# test installs (slurm-wlm, munge), starts in its scratch directory and
# stops again, even when a check fails: a job array runs the small sweep,
# "cometsim sweep status" follows it and "cometsim sweep collect" gathers
# the same results.csv as the local engine; a failing run is reported the
# same way; with Open MPI, a sweep whose runs are each split over two
# processes (array tasks of 2 tasks, srun -n 2) gives the results of the
# same runs in one process.  doc/sweeps.md says what works here: no
# systemd, munged started by hand as user munge, slurmctld and slurmd
# started directly, accounting off.  Every wait is bounded.
#
# Skipped (77) when not root (slurmd must be) or when the packages are
# missing and cannot be installed (no network).
. "${top_srcdir:-.}/tests/sweep/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: this test starts slurmd and munged, which needs root"
	exit 77
fi
if ! command -v slurmctld > /dev/null || ! command -v slurmd > /dev/null ||
   ! command -v sbatch > /dev/null || ! command -v munged > /dev/null; then
	echo "installing slurm-wlm and munge for this test"
	if ! DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -q \
		--no-install-recommends slurm-wlm munge > "$T/apt.log" 2>&1; then
		timeout 120 apt-get update -q > /dev/null 2>&1
		if ! DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -q \
			--no-install-recommends slurm-wlm munge > "$T/apt.log" 2>&1; then
			tail -n 5 "$T/apt.log"
			echo "SKIP: slurm-wlm and munge are not installed and cannot be (no network?)"
			exit 77
		fi
	fi
fi

# ---- a one-node cluster in $T ----
stop_cluster() {
	for p in "$T/slurmd.pid" "$T/slurmctld.pid" "$T/munge/munged.pid"; do
		[ -s "$p" ] || continue
		pid=$(cat "$p")
		kill "$pid" 2>/dev/null || continue
		n=50
		while [ "$n" -gt 0 ] && kill -0 "$pid" 2>/dev/null; do
			sleep 0.1
			n=$((n - 1))
		done
		kill -9 "$pid" 2>/dev/null
		rm -f "$p"
	done
}
trap '[ "$failures" -eq 0 ] || show_logs; stop_cluster; cleanup' EXIT
trap 'exit 1' INT TERM HUP

show_logs() {
	for f in "$T/munge/munged.log" "$T/slurmctld.log" "$T/slurmd.log"; do
		[ -f "$f" ] && { echo "--- $f"; tail -n 20 "$f"; }
	done
}

chmod 755 "$T"
mkdir -p "$T/munge" "$T/state" "$T/spool"
chown munge:munge "$T/munge"
chmod 755 "$T/munge"
dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 2> /dev/null
chown munge:munge "$T/munge/munge.key"
chmod 400 "$T/munge/munge.key"
runuser -u munge -- munged --socket="$T/munge/munge.sock" --key-file="$T/munge/munge.key" \
	--pid-file="$T/munge/munged.pid" --log-file="$T/munge/munged.log" \
	--seed-file="$T/munge/munged.seed" ||
	{ fail "munged does not start"; finish; exit 1; }

# Ports of our own, so that another Slurm on the machine does not answer.
# sched/builtin starts array tasks as soon as CPUs free up (the default
# backfill scheduler takes about twice as long for these short tasks).
port=$((20000 + $$ % 20000))
cat > "$T/slurm.conf" <<EOC
ClusterName=cometsimtest
SlurmctldHost=localhost
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$T/munge/munge.sock
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MailProg=/bin/true
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
ReturnToService=2
SchedulerType=sched/builtin
NodeName=localhost CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOC
SLURM_CONF="$T/slurm.conf"
export SLURM_CONF
slurmctld || { fail "slurmctld does not start"; finish; exit 1; }
slurmd -N localhost || { fail "slurmd does not start"; finish; exit 1; }
node_idle() {
	[ "$(sinfo -h -n localhost -o %t 2>/dev/null)" = idle ]
}
if ! wait_for 30 node_idle; then
	fail "the node is not idle within 30 s"
	finish
	exit 1
fi
pass "a one-node Slurm cluster is up"

# ---- the sweep ----
"$COMETSIM" sweep "$data/small.xml" --out "$T/local" -j 2 > /dev/null 2>&1
check "the local engine completes" [ $? -eq 0 -a "$(complete "$T/local")" -eq 8 ]

# follow DIR: poll "sweep status" until nothing is queued or running (90 s at most).
follow() {
	n=450
	while [ "$n" -gt 0 ]; do
		"$COMETSIM" sweep status "$1" > "$T/status" 2>&1
		st=$?
		[ "$st" -ne 3 ] && return "$st"
		sleep 0.2
		n=$((n - 1))
	done
	cat "$T/status"
	return 124
}

"$COMETSIM" sweep "$data/small.xml" --out "$T/slurm" --engine slurm > "$T/out" 2> "$T/err"
rc=$?
check "sbatch takes the job array (exit 0)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$T/err"
check "it says how to follow and gather" \
	eval 'grep -q "^submitted Slurm job [0-9]*: 8 runs (array 0-7)" "$T/out" &&
	      grep -q "cometsim sweep status $T/slurm" "$T/out"'
check "the array script runs one wrapper per task" \
	eval 'grep -q "^#SBATCH --array=0-7\$" "$T/slurm/slurm/array.sh" &&
	      grep -q "sweep exec .*SLURM_ARRAY_TASK_ID" "$T/slurm/slurm/array.sh"'
follow "$T/slurm"
st=$?
check "status follows the array until every run is complete (exit 0)" [ "$st" -eq 0 ]
[ "$st" -eq 0 ] || cat "$T/status"
check "status counts 8 complete" grep -q '8 runs: 8 complete, 0 failed' "$T/status"
"$COMETSIM" sweep collect "$T/slurm" > "$T/collect" 2>&1
rc=$?
check "collect gathers it (exit 0)" [ "$rc" -eq 0 ]
check "same results.csv as the local engine" cmp -s "$T/slurm/results.csv" "$T/local/results.csv"
check "the same plot data" cmp -s "$T/slurm/plots/received.dat" "$T/local/plots/received.dat"
check "Slurm ran every task (an output file each)" [ "$(ls "$T"/slurm/slurm/*_*.out | wc -l)" -eq 8 ]

"$COMETSIM" sweep "$data/small.xml" --out "$T/slurm" --engine slurm > "$T/out" 2>&1
rc=$?
check "submitted again when complete: nothing to submit, collected at once" \
	eval '[ $rc -eq 0 ] && grep -q "all 8 runs already complete" "$T/out" &&
	      [ "$(wc -l < "$T/slurm/slurm/jobs")" -eq 1 ]'

"$COMETSIM" sweep "$data/failing.xml" --out "$T/fail" --engine slurm > /dev/null 2>&1
check "a sweep with a failing run is submitted" [ $? -eq 0 ]
follow "$T/fail"
st=$?
check "status: the failed run is reported, exit 1" \
	eval '[ $st -eq 1 ] && grep -q "^  0001 (count=abc seed=1 run=1): exit 1: " "$T/status"'
"$COMETSIM" sweep collect "$T/fail" > /dev/null 2>&1
rc=$?
check "collect: exit 1, runs.csv records it, the others are in results.csv" \
	eval '[ $rc -eq 1 ] && grep -q "^0001,abc,1,1,failed,exit 1," "$T/fail/runs.csv" &&
	      [ "$(rows "$T/fail/results.csv")" -eq 2 ]'

# Cancelled half-way (scancel), submitted again: every run exactly once.
"$COMETSIM" sweep "$data/slow.xml" --out "$T/slow" --engine slurm -j 2 > "$T/out" 2>&1
rc=$?
check "the slow sweep is submitted, 2 tasks at a time" \
	eval '[ $rc -eq 0 ] && grep -q "^#SBATCH --array=0-11%2\$" "$T/slow/slurm/array.sh"'
job=$(tail -n 1 "$T/slow/slurm/jobs")
at_least_complete() {
	[ "$(complete "$1")" -ge "$2" ]
}
wait_for 90 at_least_complete "$T/slow" 2 || fail "no run of the slow sweep finished within 90 s"
"$COMETSIM" sweep "$data/slow.xml" --out "$T/slow" --engine slurm > "$T/out" 2> "$T/err"
rc=$?
check "submitting again while the array runs is refused" \
	eval '[ $rc -eq 1 ] && grep -q "still pending or running" "$T/err"'
scancel "$job"
gone() {
	[ -z "$(squeue -h -j "$job" -t PENDING,RUNNING,CONFIGURING,COMPLETING 2>/dev/null)" ]
}
wait_for 60 gone || fail "job $job still there 60 s after scancel"
before=$(complete "$T/slow")
"$COMETSIM" sweep status "$T/slow" > "$T/status" 2> "$T/err"
rc=$?
check "status after scancel: unfinished runs, nothing runs them: exit 1 ($before complete)" \
	eval '[ $rc -eq 1 -a $before -lt 12 ] && grep -q "start the sweep again" "$T/err"'
"$COMETSIM" sweep "$data/slow.xml" --out "$T/slow" --engine slurm -j 2 > "$T/out" 2>&1
rc=$?
check "submitted again: only the unfinished runs" \
	eval '[ $rc -eq 0 ] && grep -q "^slow: $before of 12 runs already complete" "$T/out"'
follow "$T/slow"
st=$?
check "... and then every run is complete" [ "$st" -eq 0 ]
check "each run completed exactly once" \
	[ "$(cat "$T"/slow/runs/*/attempts.log | grep -c '^end exit 0 ')" -eq 12 -a \
	  "$(for a in "$T"/slow/runs/*/attempts.log; do grep -c '^end exit 0 ' "$a"; done | sort -u)" = 1 ]
"$COMETSIM" sweep collect "$T/slow" > /dev/null 2>&1
rc=$?
check "collect: each run and metric once" \
	eval '[ $rc -eq 0 -a "$(rows "$T/slow/results.csv")" -eq 24 ] && [ -z "$(dup_keys "$T/slow/results.csv")" ]'

# ---- runs over two processes: srun -n 2 in array tasks of 2 tasks ----
# Only a program built with Open MPI takes ranks="2" (ranks.sh checks the
# refusal).  srun starts Open MPI's processes through PMIx: the cluster's
# MpiDefault, here SLURM_MPI_TYPE, which sbatch passes on to the job.
if [ "${COMETSIM_MPI:-no}" != yes ]; then
	echo "built without Open MPI: runs over several processes left out"
	finish
	exit
fi
SLURM_MPI_TYPE=pmix
export SLURM_MPI_TYPE

# processes SUMMARY...: the number of processes each summary.json lists,
# one a line (1 when it lists none: a run in one process).
processes() {
	python3 -c '
import json, sys
for f in sys.argv[1:]:
    print(len(json.load(open(f)).get("processes", [None])))
' "$@"
}

# Whether Slurm and Open MPI can split a run on this machine at all.
timeout 60 srun -n 2 "$COMETSIM" run "$top_srcdir/scenarios/sample.xml" --set count=5 \
	--out "$T/probe" --quiet --pcap none --log warn < /dev/null > "$T/probe.log" 2>&1
probe=$?
if [ "$probe" -eq 0 ] && [ "$(processes "$T/probe/summary.json" 2>/dev/null)" = 2 ]; then
	split=yes
else
	split=no
	cat "$T/probe.log"
	echo "srun -n 2 does not split a run here (exit $probe): only the job script is checked"
fi

"$COMETSIM" sweep "$data/ranks.xml" --out "$T/ranks1" --ranks 1 -j 2 > /dev/null 2>&1
check "the local engine completes ranks.xml with --ranks 1" [ "$(complete "$T/ranks1")" -eq 8 ]
"$COMETSIM" sweep "$data/ranks.xml" --out "$T/ranks" --engine slurm > "$T/out" 2> "$T/err"
rc=$?
check "sbatch takes the array of runs over 2 processes (exit 0)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$T/err"
check "each array task has 2 tasks" grep -q '^#SBATCH --ntasks=2$' "$T/ranks/slurm/array.sh"
check "the wrapper starts its run with srun -n 2" \
	grep -q '^exec .* sweep exec .* "$SLURM_ARRAY_TASK_ID" -- srun -n 2$' "$T/ranks/slurm/array.sh"
check "each run's command says srun -n 2" \
	grep -q '^srun -n 2 cometsim run ' "$T/ranks/runs/0000/command"
job=$(tail -n 1 "$T/ranks/slurm/jobs")
if [ "$split" = yes ]; then
	follow "$T/ranks"
	st=$?
	check "status follows the array until every run is complete (exit 0)" [ "$st" -eq 0 ]
	[ "$st" -eq 0 ] || cat "$T/status" "$T"/ranks/slurm/*.out
	check "every run is split over 2 processes" [ "$(processes "$T"/ranks/runs/*/summary.json | sort -u)" = 2 ]
	for r in "$T"/ranks1/runs/*/; do
		id=$(basename "$r")
		for f in counters.csv log.txt; do
			check "run $id: the same $f as the run in one process" \
				cmp -s "$T/ranks/runs/$id/$f" "$r$f"
		done
	done
	"$COMETSIM" sweep collect "$T/ranks" > /dev/null 2>&1
	rc=$?
	check "collect gathers it (exit 0)" [ "$rc" -eq 0 ]
	check "the same results.csv as the local engine with --ranks 1" \
		cmp -s "$T/ranks/results.csv" "$T/ranks1/results.csv"
else
	scancel "$job"
	wait_for 60 gone || fail "job $job still there 60 s after scancel"
fi

finish
