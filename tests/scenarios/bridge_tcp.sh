#!/bin/sh
# bridge_tcp.sh - TCP through the socket bridge (doc/emulation.md) with
# real programs, on tests/scenarios/data/bridge-tcp.xml:
#  - curl (gopher://, which sends the selector and a CRLF: the content
#    server's "GET <name>" line) fetches movie.bin from the emulated
#    content server: curl's output is the content, byte for byte;
#  - a Python client sends 2 MB to an emulated TcpSink faster than the
#    emulated links carry them: every byte arrives, intact, and the
#    bridge stopped reading the host socket while the emulated send
#    buffer was full (back-pressure);
#  - an emulated client (cme_client) fetches page.bin from a Python
#    server on 127.0.0.1 through connect=: the server reads the client's
#    request line, the client receives the whole content;
#  - each conversation is in the captures, between the emulated
#    addresses, closed with FIN both ways; summary.json counts it;
#  - refusals cross the bridge as resets: a host port where nothing
#    listens resets the emulated client (connect=), an emulated port where
#    nothing listens resets the host client (listen=), each counted.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"
. "$top_srcdir/tests/scenarios/bridge_lib.sh"

if ! command -v curl >/dev/null 2>&1; then
	echo "SKIP: curl is not installed (Debian package curl)"
	exit 77
fi
size=300000
web_size=100000
bulk=2000000
gp=$(free_port)
bp=$(free_port)
wp=$(free_port)
dp=$(free_port)
np=$(free_port)
[ "$(printf '%s\n' "$gp" "$bp" "$wp" "$dp" "$np" | sort -u | wc -l)" -eq 5 ] ||
	{ echo "ports collide" >&2; exit 99; }

# The host server of "web": one connection, one request line, the
# content's pattern (doc/content-apps.md), then close.
cat >"$T/server.py" <<'PY'
import socket, sys
port, size, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
l = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("127.0.0.1", port))
l.listen(1)
l.settimeout(120)
c, _ = l.accept()
c.settimeout(60)
line = b""
while not line.endswith(b"\n"):
    d = c.recv(1)
    if not d:
        break
    line += d
c.sendall(bytes((13 * i + 5) % 256 for i in range(size)))
c.close()
open(out + ".tmp", "w").write(line.decode("ascii", "replace"))
import os
os.rename(out + ".tmp", out)
PY
python3 "$T/server.py" "$wp" "$web_size" "$T/request.txt" &
bridge_pids="$bridge_pids $!"
check "the host server listens on 127.0.0.1:$wp" wait_bound tcp "$wp"

run_start "$T/run" "$top_srcdir/tests/scenarios/data/bridge-tcp.xml" --set size=$size \
	--set web_size=$web_size --set get_port="$gp" --set bulk_port="$bp" --set web_port="$wp" \
	--set dead_port="$dp" --set none_port="$np"
check "bridge get listens on 127.0.0.1:$gp" wait_bound tcp "$gp"
check "bridge bulk listens on 127.0.0.1:$bp" wait_bound tcp "$bp"

# curl through "get"
curl -sS --max-time 60 -o "$T/movie.bin" "gopher://127.0.0.1:$gp/0GET%20movie.bin" 2>"$T/curl.err"
rc=$?
check "curl fetched movie.bin through the bridge (exit $rc)" [ "$rc" -eq 0 ]
python3 -c 'import sys; sys.stdout.buffer.write(bytes((13 * i + 5) % 256 for i in range(int(sys.argv[1]))))' \
	$size >"$T/expected.bin"
check "curl's output is the content the server serves ($size bytes)" cmp -s "$T/movie.bin" "$T/expected.bin"

# 2 MB into "bulk", as fast as the host socket takes them
python3 -c '
import socket, sys
n = int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=60)
s.sendall(bytes((i * 7 + 3) & 0xff for i in range(n)))
s.shutdown(socket.SHUT_WR)
while s.recv(65536):
    pass
s.close()
' "$bp" $bulk
rc=$?
check "the Python client sent $bulk bytes and saw the close (exit $rc)" [ "$rc" -eq 0 ]

# A host client of "none": the emulated port refuses, the bridge resets.
python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=60)
try:
    d = s.recv(100)
    print("closed" if d == b"" else "data")
except ConnectionResetError:
    print("reset")
' "$np" >"$T/none.txt" 2>&1
check "a host client of an emulated port nobody listens on is reset ($(cat "$T/none.txt"))" \
	[ "$(cat "$T/none.txt")" = reset ]

check "the host server got a request" wait_file "$T/request.txt"
check "the emulated client's request line reached the host server" \
	[ "$(cat "$T/request.txt")" = "GET page.bin" ]
check "bridge get closed its connection" wait_idle "$gp"
check "bridge bulk closed its connection" wait_idle "$bp"
check "bridge web closed its connection" wait_idle "$wp"
run_stop
check "the run stopped on SIGINT (exit $run_rc)" [ "$run_rc" -eq 130 ]
o=$T/run
c=$o/counters.csv
check "the content server served movie.bin" [ "$(counter "$c" cme_server s/cme_server0 served)" -eq 1 ]
check "TcpSink received $bulk bytes" [ "$(counter "$c" tcpsink s/tcpsink0 bytes_received)" -eq $bulk ]
check "TcpSink: every byte as sent" [ "$(counter "$c" tcpsink s/tcpsink0 content_errors)" -eq 0 ]
check "TcpSink: the connection completed" [ "$(counter "$c" tcpsink s/tcpsink0 completed)" -eq 1 ]
check "the emulated client received page.bin whole" [ "$(counter "$c" cme_client c/cme_client1 complete)" -eq 1 ]
check "the emulated client: no byte differs" [ "$(counter "$c" cme_client c/cme_client1 content_errors)" -eq 0 ]
check "the emulated client of a host port nobody listens on got nothing" \
	[ "$(counter "$c" cme_client c/cme_client0 bytes_received)" -eq 0 ]
check "... and was reset by s:81" [ "$(count "$o/c-eth0.pcap" 'ip.src == 10.2.0.2 && tcp.srcport == 81 && tcp.flags.reset == 1')" -eq 1 ]
check "the host client's connection to s:9001 was refused on the wire" \
	[ "$(count "$o/s-eth0.pcap" 'ip.src == 10.2.0.2 && tcp.srcport == 9001 && tcp.flags.reset == 1')" -eq 1 ]

# The captures: each conversation between the emulated addresses.
p=$o/s-eth0.pcap
check "s-eth0: curl's request from c (10.1.0.2) to 8080" \
	[ "$(count "$p" 'ip.src == 10.1.0.2 && tcp.dstport == 8080 && tcp.payload contains "GET movie.bin"')" -eq 1 ]
check "s-eth0: $size content bytes from 8080" \
	[ "$(tshark_read "$p" -Y 'tcp.srcport == 8080' -T fields -e tcp.len | awk '{ n += $1 } END { print n + 0 }')" -eq $size ]
check "s-eth0: $bulk bytes to 9000" \
	[ "$(tshark_read "$p" -Y 'tcp.dstport == 9000' -T fields -e tcp.len | awk '{ n += $1 } END { print n + 0 }')" -eq $bulk ]
check "c-eth0: the emulated client's request to 10.2.0.2:80" \
	[ "$(count "$o/c-eth0.pcap" 'ip.dst == 10.2.0.2 && tcp.dstport == 80 && tcp.payload contains "GET page.bin"')" -eq 1 ]
check "c-eth0: $web_size bytes from 80" \
	[ "$(tshark_read "$o/c-eth0.pcap" -Y 'tcp.srcport == 80' -T fields -e tcp.len | awk '{ n += $1 } END { print n + 0 }')" -eq $web_size ]
for port in 8080 9000 80; do
	check "s-eth0: port $port closed with FIN both ways" \
		[ "$(count "$p" "tcp.port == $port && tcp.flags.fin == 1")" -eq 2 ]
done
check "no other reset on the wire" \
	[ "$(count "$p" 'tcp.flags.reset == 1 && !(tcp.port == 81 || tcp.port == 9001)')" -eq 0 ]
captures_ok "$o" "the bridged run"

cat >"$T/sum.py" <<'PY'
import json, sys
size, web, bulk = (int(a) for a in sys.argv[2:5])
b = {x["name"]: x for x in json.load(open(sys.argv[1]))["bridges"]}
assert sorted(b) == ["bulk", "dead", "get", "none", "web"], sorted(b)
g, k, w, d, n = b["get"], b["bulk"], b["web"], b["dead"], b["none"]
assert d["connections"] == 1 and d["bytes_in"] == 0, d
# what the emulated client sent never reached the host: not counted out
assert d["bytes_out"] == 0, d
assert n["connections"] == 1 and n["bytes_out"] == 0, n
assert g["connections"] == 1 and g["bytes_out"] == size and g["direction"] == "in", g
assert g["bytes_in"] == len("GET movie.bin\r\n"), g
assert k["connections"] == 1 and k["bytes_in"] == bulk and k["bytes_out"] == 0, k
assert k["pauses"] >= 1, k
assert w["direction"] == "out" and w["connections"] == 1, w
assert w["bytes_in"] == web and w["bytes_out"] == len("GET page.bin\n"), w
want = {"dead": {"host_refused": 1}, "none": {"emulated_refused": 1}}
for name, x in b.items():
    assert all(v == want.get(name, {}).get(r, 0) for r, v in x["drops"].items()), x
print("ok")
PY
check "summary.json: each bridge's connection and bytes, the two refusals counted; bulk paused ($(python3 "$T/sum.py" "$o/summary.json" $size $web_size $bulk 2>&1 | tail -n 1))" \
	python3 "$T/sum.py" "$o/summary.json" $size $web_size $bulk
finish
