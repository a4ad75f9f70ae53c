#!/bin/sh
# bridge_nofd.sh - a socket bridge out of descriptors (doc/emulation.md,
# "The socket bridge"): the run is started with a small `ulimit -n`, and a
# host client opens more connections to a listen= bridge than the run
# has descriptors for, all at once, before sending anything.  The
# bridge takes those it can; each one beyond is accepted with a
# descriptor kept spare for that and closed at once with a reset, and
# counted under drops.host_no_fd; the accepted ones carry their
# conversation whole.  Left queued, they would keep the listener
# readable and the run waking at once (the bridge once did).
. "${top_srcdir:-.}/tests/scenarios/lib.sh"
. "$top_srcdir/tests/scenarios/bridge_lib.sh"

# 24 descriptors: the run itself holds about 15 (outputs, the listener,
# the spare); the rest is what the bridge has for connections.
limit=24
conns=30
size=5000
gp=$(free_port)

cat >"$T/nofd.xml" <<'XML'
<scenario name="bridge-nofd">
  <param name="get_port" value="18080"/>
  <param name="size" value="5000"/>
  <topology name="nofd" routing="static">
    <node name="c" role="host"><ether name="eth0" address="10.1.0.2/24"/></node>
    <node name="s" role="host"><ether name="eth0" address="10.1.0.3/24"/></node>
    <link name="c-s" a="c:eth0" b="s:eth0" bandwidth="10Mbps" delay="2ms"/>
  </topology>
  <bridge name="get" node="s" from="c" port="8080" listen="127.0.0.1:${get_port}"/>
  <events>
    <app time="0" node="s" class="usr.cme.Server" args="8080 movie.bin=${size}"/>
  </events>
</scenario>
XML
cat >"$T/limited.sh" <<SH2
#!/bin/sh
ulimit -n $limit || exit 99
exec "$COMETSIM" "\$@"
SH2
chmod +x "$T/limited.sh"
COMETSIM=$T/limited.sh run_start "$T/run" "$T/nofd.xml" --set get_port="$gp" --set size=$size
check "bridge get listens on 127.0.0.1:$gp" wait_bound tcp "$gp"

# Every connection opened first, then each asks for movie.bin and reads
# to the end: "ok" for the whole content, "reset" for a refused one.
python3 -c '
import socket, sys
port, n, size = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
want = bytes((13 * i + 5) % 256 for i in range(size))
def connect():
    # A connection the bridge resets at once may fail in connect() already.
    try:
        return socket.create_connection(("127.0.0.1", port), timeout=60)
    except ConnectionResetError:
        return None
socks = [connect() for _ in range(n)]
res = []
for s in socks:
    if s is None:
        res.append("reset")
        continue
    try:
        s.sendall(b"GET movie.bin\r\n")
        got = b""
        while True:
            d = s.recv(65536)
            if not d:
                break
            got += d
        res.append("ok" if got == want else "differs %d" % len(got))
    except (ConnectionResetError, BrokenPipeError):
        res.append("reset")
open(sys.argv[4], "w").write("\n".join(res) + "\n")
' "$gp" $conns $size "$T/res.txt"
rc=$?
check "the client ran its $conns connections (exit $rc)" [ "$rc" -eq 0 ]
ok=$(grep -c '^ok$' "$T/res.txt")
reset=$(grep -c '^reset$' "$T/res.txt")
check "each connection got the whole content or a reset ($ok ok, $reset reset)" [ $((ok + reset)) -eq $conns ]
check "some were carried" [ "$ok" -gt 0 ]
check "some were refused: the run had no descriptor for them" [ "$reset" -gt 0 ]
run_stop
check "the run stopped on SIGINT (exit $run_rc)" [ "$run_rc" -eq 130 ]
[ "$run_rc" -eq 130 ] || cat "$T/run.err" >&2

o=$T/run
cat >"$T/sum.py" <<'PY'
import json, sys
ok, reset = int(sys.argv[2]), int(sys.argv[3])
b = json.load(open(sys.argv[1]))["bridges"][0]
assert b["connections"] == ok, b
assert b["drops"]["host_no_fd"] == reset, b
assert all(v == 0 for r, v in b["drops"].items() if r != "host_no_fd"), b
print("ok")
PY
check "summary.json: $ok connections carried, $reset under host_no_fd, no other drop ($(python3 "$T/sum.py" "$o/summary.json" "$ok" "$reset" 2>&1 | tail -n 1))" \
	python3 "$T/sum.py" "$o/summary.json" "$ok" "$reset"
check "s-eth0: $ok connections opened to 8080, one for each carried" \
	[ "$(count "$o/s-eth0.pcap" 'tcp.dstport == 8080 && tcp.flags.syn == 1')" -eq "$ok" ]
captures_ok "$o" "the run out of descriptors"
finish
