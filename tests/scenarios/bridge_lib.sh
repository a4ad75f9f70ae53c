# bridge_lib.sh - helpers for the socket bridge's tests (sourced after
# lib.sh; doc/emulation.md, "The socket bridge").  A run with a bridge and
# no end time lasts until a signal: each test starts it in the
# background, waits for its host socket, talks to it, then stops it with
# SIGINT (exit 130, outputs whole, status "interrupted").  Waits poll for
# a condition up to 60 s; nothing depends on how long anything takes.

bridge_pids=
# Stop what the test started (a run, a host server), then lib.sh's cleanup.
bridge_cleanup() {
	for _p in $bridge_pids; do
		kill "$_p" 2>/dev/null
	done
	cleanup
}
trap bridge_cleanup EXIT

# free_port: a loopback port free for both TCP and UDP now; the run or
# server binds it soon after.  wait_bound PROTO PORT: until a socket
# holds 127.0.0.1:PORT.  wait_idle PORT: until the bridge has closed
# every connection to or from it.  Each waits up to 60 s
# (tests/scenarios/bridge_wait.py).
free_port() {
	python3 "$top_srcdir/tests/scenarios/bridge_wait.py" free-port
}
wait_bound() {
	python3 "$top_srcdir/tests/scenarios/bridge_wait.py" bound "$1" "$2"
}
wait_idle() {
	python3 "$top_srcdir/tests/scenarios/bridge_wait.py" idle "$1"
}

# wait_file FILE: wait until FILE exists and is not empty, up to 60 s.
wait_file() {
	_n=0
	while [ ! -s "$1" ] && [ "$_n" -lt 600 ]; do
		sleep 0.1
		_n=$((_n + 1))
	done
	[ -s "$1" ]
}

# run_start DIR SCENARIO ARGS...: cometsim run into DIR, in the background
# (stdout and stderr in DIR.out and DIR.err).
run_start() {
	_d=$1
	shift
	"$COMETSIM" run "$@" --out "$_d" --quiet >"$_d.out" 2>"$_d.err" &
	run_pid=$!
	bridge_pids="$bridge_pids $run_pid"
}

# run_stop: SIGINT to the run, and its exit status in run_rc.
run_stop() {
	kill -INT "$run_pid" 2>/dev/null
	wait "$run_pid"
	run_rc=$?
}
