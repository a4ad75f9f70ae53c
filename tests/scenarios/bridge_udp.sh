#!/bin/sh
# bridge_udp.sh - UDP through the socket bridge (doc/emulation.md), one
# datagram for one, on tests/scenarios/data/bridge-udp.xml:
#  - a Python client sends datagrams of several sizes to bridge "in"; each
#    crosses the emulated network to UDP 5000 of s, where bridge "echo"
#    carries it to a Python echo server on 127.0.0.1, and the answer comes
#    back the same way: the client receives each datagram as it sent it;
#  - then a burst: 40 datagrams sent at once, each with its sequence
#    number and a pattern of it, make the same round trip; the client
#    receives them all, each byte as sent, in the order sent;
#  - an emulated sender (usr.applications.Send) sends 20 datagrams to UDP
#    6000 of s, which bridge "sink" carries to a Python receiver, which
#    checks each byte (Send's header, its sequence number, its pattern,
#    doc/apps.md) and the order;
#  - 1030 host senders, one datagram each, to bridge "many": it keeps
#    1024 senders and drops the datagrams of the others (too_many_peers);
#  - the captures show each datagram between the emulated addresses, and
#    summary.json counts them.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"
. "$top_srcdir/tests/scenarios/bridge_lib.sh"

count=20
burst=40
ip=$(free_port)
ep=$(free_port)
sp=$(free_port)
mp=$(free_port)
senders=1030
[ "$(printf '%s\n' "$ip" "$ep" "$sp" "$mp" | sort -u | wc -l)" -eq 4 ] ||
	{ echo "ports collide" >&2; exit 99; }

# The echo server: answers every datagram with itself, until stopped.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
while True:
    d, a = s.recvfrom(65535)
    s.sendto(d, a)
' "$ep" &
bridge_pids="$bridge_pids $!"
# The receiver: for each of the first N datagrams, its place, its size,
# and "ok" when it is the place-th Send would send: "CSIM", the sequence
# number (big-endian, from 0) equal to its place, then (seq + i) & 0xff
# at every byte i from 16 on; then ends.
python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(120)
out = []
for k in range(int(sys.argv[2])):
    d = s.recv(65535)
    ok = (d[:4] == b"CSIM" and int.from_bytes(d[4:8], "big") == k and
          all(d[i] == (k + i) & 0xff for i in range(16, len(d))))
    out.append("%d %d %s" % (k, len(d), "ok" if ok else "bad"))
open(sys.argv[3] + ".tmp", "w").write("\n".join(out) + "\n")
os.rename(sys.argv[3] + ".tmp", sys.argv[3])
' "$sp" $count "$T/sink.txt" &
bridge_pids="$bridge_pids $!"
check "the echo server is bound" wait_bound udp "$ep"
check "the receiver is bound" wait_bound udp "$sp"

run_start "$T/run" "$top_srcdir/tests/scenarios/data/bridge-udp.xml" --set in_port="$ip" \
	--set echo_port="$ep" --set sink_port="$sp" --set many_port="$mp" --set count=$count
check "bridge in is bound to 127.0.0.1:$ip" wait_bound udp "$ip"

# Datagrams of 0, 1, 100 and 1472 bytes (the most a 1500-byte MTU takes),
# one at a time, each answered; then one of 1473, which the bridge drops
# (the emulated network does not fragment), and one of 50: the next
# answer is that of the 50.
python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(60)
out = open(sys.argv[2], "w")
for n in (0, 1, 100, 1472, 1473, 50):
    d = bytes((n + i) & 0xff for i in range(n))
    s.sendto(d, ("127.0.0.1", int(sys.argv[1])))
    if n == 1473:
        continue
    r, a = s.recvfrom(65535)
    out.write("%d %d %s\n" % (n, len(r), "same" if r == d else "differs"))
' "$ip" "$T/echo.txt"
rc=$?
check "the client got an answer to each of its 5 datagrams that fit (exit $rc)" [ "$rc" -eq 0 ]
check "each answer is the datagram sent, in order: $(tr '\n' ';' <"$T/echo.txt")" \
	[ "$(awk '$1 == $2 && $3 == "same" { printf "%s ", $1 }' "$T/echo.txt")" = "0 1 100 1472 50 " ]

# The burst: datagrams of 300 bytes, the sequence number in the first 4
# (big-endian), then (seq * 7 + i) & 0xff; all sent before any is read.
python3 -c '
import socket, sys
n = int(sys.argv[2])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
s.settimeout(60)
def dgram(k):
    return k.to_bytes(4, "big") + bytes((k * 7 + i) & 0xff for i in range(4, 300))
for k in range(n):
    s.sendto(dgram(k), ("127.0.0.1", int(sys.argv[1])))
out = open(sys.argv[3], "w")
for k in range(n):
    r = s.recv(65535)
    out.write("%d %d %s\n" % (k, int.from_bytes(r[:4], "big"), "same" if r == dgram(k) else "differs"))
' "$ip" $burst "$T/burst.txt"
rc=$?
check "the client got $burst answers to its burst of $burst (exit $rc)" [ "$rc" -eq 0 ]
check "each answer of the burst is the datagram sent at its place, every byte" \
	[ "$(awk '$1 == $2 && $3 == "same"' "$T/burst.txt" | wc -l)" -eq $burst ]
check "the receiver got the emulated sender's $count datagrams" wait_file "$T/sink.txt"
check "each of 200 bytes, in the order sent, every byte as Send wrote it" \
	[ "$(awk '$1 == NR - 1 && $2 == 200 && $3 == "ok"' "$T/sink.txt" | wc -l)" -eq $count ]

# More senders than a bridge keeps: each from a socket of its own, all
# open at once (so no two share a port).  Sent 50 at a time, each time
# until the run has read them all from its socket (/proc/net/udp: its
# receive queue empty), so the kernel drops none for a full buffer.
python3 -c '
import resource, socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if soft != resource.RLIM_INFINITY and soft < n + 64:
    resource.setrlimit(resource.RLIMIT_NOFILE, (n + 64, max(hard, n + 64)))
def drained():
    for _ in range(600):
        for l in open("/proc/net/udp").read().splitlines()[1:]:
            f = l.split()
            # 127.0.0.1 in the kernel byte order, little- or big-endian
            if (f[1] in ("0100007F:%04X" % port, "7F000001:%04X" % port) and
                    f[4].split(":")[1] == "00000000"):
                return
        time.sleep(0.1)
    sys.exit("the run did not read its socket")
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(n)]
for k, s in enumerate(socks):
    s.sendto(b"many", ("127.0.0.1", port))
    if k % 50 == 49 or k == n - 1:
        drained()
' "$mp" $senders
rc=$?
check "$senders senders sent a datagram each to bridge many, and the run read them (exit $rc)" \
	[ "$rc" -eq 0 ]
run_stop
check "the run stopped on SIGINT (exit $run_rc)" [ "$run_rc" -eq 130 ]

o=$T/run
p=$o/s-eth0.pcap
check "s-eth0: 5 datagrams and the burst's $burst from c (10.1.0.2) to 5000" \
	[ "$(count "$p" 'ip.src == 10.1.0.2 && udp.dstport == 5000')" -eq $((5 + burst)) ]
check "s-eth0: as many answers from 5000 to c" \
	[ "$(count "$p" 'ip.dst == 10.1.0.2 && udp.srcport == 5000')" -eq $((5 + burst)) ]
check "s-eth0: the first 5 datagrams' sizes, both ways" \
	[ "$(tshark_read "$p" -Y 'udp.port == 5000 && udp.length != 308' -T fields -e udp.length | tr '\n' ' ')" = "8 8 9 9 108 108 1480 1480 58 58 " ]
check "c-eth0: the same $((2 * (5 + burst)))" [ "$(count "$o/c-eth0.pcap" 'udp.port == 5000')" -eq $((2 * (5 + burst))) ]
check "s-eth0: the emulated sender's $count datagrams to 6000" \
	[ "$(count "$p" 'ip.src == 10.1.0.2 && udp.dstport == 6000 && udp.length == 208')" -eq $count ]
captures_ok "$o" "the bridged run"
cat >"$T/sum.py" <<'PY'
import json, sys
count, burst, senders = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
b = {x["name"]: x for x in json.load(open(sys.argv[1]))["bridges"]}
sizes = 0 + 1 + 100 + 1472 + 50 + 300 * burst
n = 5 + burst
i, e, k = b["in"], b["echo"], b["sink"]
assert i["proto"] == "udp" and i["direction"] == "in", i
assert i["port"] == 5000 and k["port"] == 6000, (i, k)	# numbers, not strings
assert i["datagrams_in"] == n and i["datagrams_out"] == n, i
assert i["bytes_in"] == sizes and i["bytes_out"] == sizes, i
assert e["datagrams_out"] == n and e["datagrams_in"] == n and e["direction"] == "out", e
assert k["datagrams_out"] == count and k["bytes_out"] == 200 * count, k
assert k["datagrams_in"] == 0, k
m = b.pop("many")
# A bridge keeps 1024 senders: the datagrams of the others are dropped.
assert m["drops"]["too_many_peers"] == senders - 1024, m
# Those it kept: sent into the emulated network, or no_route if its stack refused one.
assert m["datagrams_in"] + m["drops"]["no_route"] == 1024, m
for x in b.values():
    assert x["connections"] == 0, x
    drops = {"too_big": 1} if x is i else {}
    assert all(v == drops.get(r, 0) for r, v in x["drops"].items()), x
print("ok")
PY
check "summary.json: the datagrams and bytes each bridge carried, the one too big dropped ($(python3 "$T/sum.py" "$o/summary.json" $count $burst $senders 2>&1 | tail -n 1))" \
	python3 "$T/sum.py" "$o/summary.json" $count $burst $senders
finish
