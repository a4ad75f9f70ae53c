#!/bin/sh
# tap_host.sh - the TAP bridge (doc/emulation.md): a real Linux host in a
# network namespace, behind a TAP device bound to h1:eth0, and the
# emulated host h1 resolve each other's address with ARP, ping each
# other, and exchange UDP datagrams and TCP streams both ways, every byte
# arriving; an oversize frame from the host is dropped and counted by
# the bridge, a malformed one is counted by h1's stack; the capture of
# h1:eth0 holds the conversation.  Needs root, /dev/net/tun and ip netns:
# SKIP otherwise.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"
. "$top_srcdir/tests/scenarios/tap_lib.sh"

tap_require
command -v ping >/dev/null 2>&1 || tap_skip "no ping (Debian package iputils-ping)"

ns="cstaph$$"
dev="tcsh$$"
py="$top_srcdir/tests/scenarios/tap_host.py"
check "the real host's namespace and device are made" tap_host "$ns" "$dev" 10.77.0.2/24

# The emulated side: h1 listens (UDP 40000, TCP 5001), pings the host at
# 1 s, and sends it 20 datagrams (UDP 4000) and a stream (TCP 4001) at 2 s.
# The end time is a safety net: the test ends the run with SIGINT.
cat >"$T/tap.xml" <<EOF
<scenario name="tap-host">
  <topology routing="static">
    <node name="h1" role="host">
      <ether name="eth0" address="10.77.0.1/24"/>
    </node>
  </topology>
  <tap node="h1" iface="eth0" device="$dev" netns="$ns" mtu="1000"/>
  <run end_time="600s"/>
  <events>
    <app time="0s" node="h1" class="usr.applications.Recv" args="40000"/>
    <app time="0s" node="h1" class="usr.applications.TcpSink" args="5001"/>
    <app time="1s" node="h1" class="usr.applications.Ping" args="10.77.0.2 3"/>
    <app time="2s" node="h1" class="usr.applications.Send" args="10.77.0.2 4000 20 size=100 interval=10ms"/>
    <app time="2s" node="h1" class="usr.applications.TcpSend" args="10.77.0.2 4001 100000"/>
  </events>
</scenario>
EOF

# The host's receivers listen before the run starts.
tap_bg "$ns" python3 "$py" udp-recv 4000 20 "$T/udp-in"
tap_bg "$ns" python3 "$py" tcp-recv 4001 "$T/tcp-in"
check "the host's receivers listen" wait_for 60 [ -f "$T/udp-in.ready" -a -f "$T/tcp-in.ready" ]

"$COMETSIM" run "$T/tap.xml" --out "$T/out" --quiet 2>"$T/run.err" &
run=$!
tap_pids="$tap_pids $run"
check "the run opens the device: it has its carrier" wait_for 60 carrier "$ns" "$dev"

# The emulated side's datagrams and stream reach the host.
check "the host received h1's datagrams" wait_for 60 [ -s "$T/udp-in" ]
check "the host received h1's stream to its end" wait_for 60 [ -s "$T/tcp-in" ]

# The host's side: it forgets h1's address (so that it asks for it), pings
# h1, sends it datagrams and a stream, a frame larger than the bridge's
# MTU (1200 bytes of UDP) and a frame IPv4 cannot read (6 bytes after the
# Ethernet header); a last ping comes after them all, so the run has read
# them by the time it is answered.
ip netns exec "$ns" ip neigh flush dev "$dev"
ip netns exec "$ns" ping -c 3 -i 0.2 -W 10 10.77.0.1 >"$T/ping.txt" 2>&1
ip netns exec "$ns" python3 "$py" udp-send 10.77.0.1 40000 20 100
ip netns exec "$ns" python3 "$py" tcp-send 10.77.0.1 5001 100000 "$T/tcp-out"
ip netns exec "$ns" python3 "$py" udp-send 10.77.0.1 3999 1 1200
ip netns exec "$ns" python3 "$py" raw-send "$dev" 02:00:00:00:00:00 0x0800 20
ip netns exec "$ns" ping -c 1 -W 10 10.77.0.1 >"$T/ping-last.txt" 2>&1
check "the last ping was answered" grep -q ' 1 received' "$T/ping-last.txt"

stop_run "$run"
rc=$?
check "SIGINT ends the run as an interrupted run (exit $rc)" [ "$rc" -eq 130 ]
out="$T/out"
check "summary.json: status interrupted" [ "$(json_get "$out/summary.json" status)" = interrupted ]
check "summary.json: the run was in real time" [ "$(json_get "$out/summary.json" realtime.mode)" = yes ]

# ARP both ways, in the capture of h1:eth0 (02:00:00:00:00:00).
pc="$out/h1-eth0.pcap"
# tshark reads the capture; its one bad frame is the one the host made so.
bad=$(pcap_bad "$pc")
check "tshark reads the capture: one bad frame" [ "$(printf '%s\n' "$bad" | grep -c .)" -eq 1 ]
check "tshark reads the capture: the bad frame is the malformed one" \
	expr "$bad" : '.*Bogus IPv4 version' >/dev/null
check "h1 asked for the host's address" \
	[ "$(count "$pc" 'arp.opcode == 1 && eth.src == 02:00:00:00:00:00 && arp.dst.proto_ipv4 == 10.77.0.2')" -ge 1 ]
check "the host answered h1" \
	[ "$(count "$pc" 'arp.opcode == 2 && eth.dst == 02:00:00:00:00:00 && arp.src.proto_ipv4 == 10.77.0.2')" -ge 1 ]
check "the host asked for h1's address" \
	[ "$(count "$pc" 'arp.opcode == 1 && eth.src != 02:00:00:00:00:00 && arp.dst.proto_ipv4 == 10.77.0.1')" -ge 1 ]
check "h1 answered the host" \
	[ "$(count "$pc" 'arp.opcode == 2 && eth.src == 02:00:00:00:00:00 && arp.src.proto_ipv4 == 10.77.0.1')" -ge 1 ]

# Pings both ways.
c="$out/counters.csv"
check "h1's ping: 3 replies from the host" [ "$(counter "$c" ping h1/ping0 received)" -eq 3 ]
check "the host's ping: 3 replies from h1" grep -q '3 packets transmitted, 3 received' "$T/ping.txt"
check "the capture: 4 echo replies of h1 to the host" \
	[ "$(count "$pc" 'icmp.type == 0 && ip.src == 10.77.0.1')" -eq 4 ]

# UDP and TCP, host to h1.
check "h1's Recv: the host's 20 datagrams" [ "$(counter "$c" recv h1/recv0 received)" -eq 20 ]
check "h1's Recv: their 2000 bytes" [ "$(counter "$c" recv h1/recv0 bytes_received)" -eq 2000 ]
check "h1's TcpSink: the host's 100000 bytes" [ "$(counter "$c" tcpsink h1/tcpsink0 bytes_received)" -eq 100000 ]
check "h1's TcpSink: every byte as sent" [ "$(counter "$c" tcpsink h1/tcpsink0 content_errors)" -eq 0 ]
check "h1's TcpSink: the connection closed normally" [ "$(counter "$c" tcpsink h1/tcpsink0 completed)" -eq 1 ]
check "the host's stream was read to its end" [ "$(cat "$T/tcp-out")" = 100000 ]

# UDP and TCP, h1 to host.
check "the host: h1's 20 datagrams, 2000 bytes" [ "$(cat "$T/udp-in")" = "20 2000" ]
check "the host: h1's 100000 bytes, every one as sent" [ "$(cat "$T/tcp-in")" = "100000 ok" ]
check "h1's TcpSend: every byte acknowledged" [ "$(counter "$c" tcpsend h1/tcpsend0 bytes_sent)" -eq 100000 ]

# What did not cross, and why.
cat >"$T/bridge.py" <<'EOF'
import json, sys
b = json.load(open(sys.argv[1]))["bridges"]
assert len(b) == 1, b
b = b[0]
assert (b["name"], b["kind"], b["host"]) == ("h1:eth0", "tap", sys.argv[2]), b
want = dict.fromkeys(b["drops"], 0)
want["oversize"] = 1
assert b["drops"] == want, b["drops"]
assert b["frames_in"] > 0 and b["frames_out"] > 0, b
print("ok")
EOF
check "summary.json's bridge: h1:eth0 on $dev, one drop: oversize ($(python3 "$T/bridge.py" "$out/summary.json" "$dev" 2>&1 | tail -n 1))" \
	python3 "$T/bridge.py" "$out/summary.json" "$dev"
check "the oversize frame is not in the capture" [ "$(count "$pc" 'udp.dstport == 3999')" -eq 0 ]
check "h1's stack: the malformed frame counted" [ "$(counter "$c" node h1 drop_malformed)" -eq 1 ]
check "the capture: the malformed frame as it came (20 bytes)" \
	[ "$(count "$pc" 'frame.len == 20 && eth.type == 0x0800')" -eq 1 ]

finish
