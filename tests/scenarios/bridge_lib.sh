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

# free_port: a loopback port free for both TCP and UDP now (the kernel's
# choice for TCP, checked for UDP); the run binds it soon after.
free_port() {
	python3 -c '
import socket
for _ in range(100):
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(("127.0.0.1", 0))
    p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p))
    except OSError:
        continue
    print(p)
    break
'
}

# wait_bound PROTO PORT: wait until a socket holds 127.0.0.1:PORT (tcp:
# listening; udp: bound), read from /proc/net/tcp or udp without touching
# it (a test connection would be carried into the emulated network), up
# to 60 s; 0 when one does.
wait_bound() {
	python3 -c '
import sys, time
proto, port = sys.argv[1], int(sys.argv[2])
want = "0100007F:%04X" % port
for _ in range(600):
    with open("/proc/net/" + proto) as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[1] == want and (proto == "udp" or fields[3] == "0A"):
                sys.exit(0)
    time.sleep(0.1)
sys.exit(1)
' "$1" "$2"
}

# wait_idle PORT: wait until no process holds a TCP connection to or
# from 127.0.0.1:PORT (listeners aside; a closed connection waiting in
# TIME_WAIT is held by none), up to 60 s.  Once the test's own clients
# and servers are done, that is the bridge: it closes its host socket
# when the emulated connection is over.
wait_idle() {
	python3 -c '
import sys, time
want = "0100007F:%04X" % int(sys.argv[1])
for _ in range(600):
    with open("/proc/net/tcp") as f:
        rows = [l.split() for l in f.readlines()[1:]]
    if not [r for r in rows if want in (r[1], r[2]) and r[3] != "0A" and r[9] != "0"]:
        sys.exit(0)
    time.sleep(0.1)
sys.exit(1)
' "$1"
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
