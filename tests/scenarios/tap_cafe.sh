#!/bin/sh
# tap_cafe.sh - the TAP bridge's main case (doc/emulation.md): a
# real Linux host in one network namespace sends UDP with iperf3 and a
# TCP stream to a real host in another, through an emulated COMET network: D4.3
# Figure 10's domains, where the edge CAFE cC takes the flows and sends
# them by keys 02 (cC) and 03 (cB) along C-B-A while IP routing goes
# C-D-A, and cA takes the COMET header off.  The receiver gets every
# byte; the captures show the COMET hops; tcpdump on the sender's TAP
# device sees the frames the capture of cC:eth0 shows, byte for byte and
# in order each way.  Needs root, /dev/net/tun, ip netns, iperf3 and
# tcpdump: SKIP otherwise.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"
. "$top_srcdir/tests/scenarios/tap_lib.sh"

tap_require
command -v iperf3 >/dev/null 2>&1 || tap_skip "no iperf3 (Debian package iperf3)"
command -v tcpdump >/dev/null 2>&1 || tap_skip "no tcpdump (Debian package tcpdump)"

lua="$top_srcdir/output/wireshark/cometsim.lua"
printf '#!/bin/sh\nexec "%s" -X "lua_script:%s" "$@"\n' "$TSHARK" "$lua" >"$T/tshark-comet"
chmod +x "$T/tshark-comet"
TSHARK="$T/tshark-comet"

ns1="cstapc$$a"
ns2="cstapc$$b"
dev1="tcsc$$a"
dev2="tcsc$$b"
check "the sender's namespace and device are made" tap_host "$ns1" "$dev1" 10.3.1.2/24 10.3.1.1
check "the receiver's namespace and device are made" tap_host "$ns2" "$dev2" 10.1.1.2/24 10.1.1.1

# Figure 10 (topologies/figure10.xml) with its two hosts real: cC:eth0
# and cA:eth2 have no link, their TAP devices are theirs.  The COMET
# links carry full-size packets with the header on (mtu 1600); their
# queues are long, so that frames read together do not overflow them.
cat >"$T/cafe.xml" <<EOF
<scenario name="tap-cafe">
  <topology routing="shortest-path">
    <node name="cC"><ether name="eth0" address="10.3.1.1/24"/>
      <ether name="eth1" address="10.99.1.1/30"/><ether name="eth2" address="10.99.2.1/30"/></node>
    <node name="cB"><ether name="eth0" address="10.99.1.2/30"/>
      <ether name="eth1" address="10.99.3.1/30"/></node>
    <node name="rD"><ether name="eth0" address="10.99.2.2/30"/>
      <ether name="eth1" address="10.99.4.1/30"/></node>
    <node name="cA"><ether name="eth0" address="10.99.3.2/30"/>
      <ether name="eth1" address="10.99.4.2/30"/><ether name="eth2" address="10.1.1.1/24"/></node>
    <link name="C-B" a="cC:eth1" b="cB:eth0" bandwidth="100Mbps" delay="2ms" weight="10" mtu="1600" queue="1000p"/>
    <link name="C-D" a="cC:eth2" b="rD:eth0" bandwidth="100Mbps" delay="2ms" weight="1" queue="1000p"/>
    <link name="B-A" a="cB:eth1" b="cA:eth0" bandwidth="100Mbps" delay="2ms" weight="10" mtu="1600" queue="1000p"/>
    <link name="D-A" a="rD:eth1" b="cA:eth1" bandwidth="100Mbps" delay="2ms" weight="1" queue="1000p"/>
  </topology>
  <tap node="cC" iface="eth0" device="$dev1" netns="$ns1"/>
  <tap node="cA" iface="eth2" device="$dev2" netns="$ns2"/>
  <run end_time="600s"/>
  <events>
    <script><![CDATA[
0  ON_ROUTER cC cf_tool add_ethernet 02 eth1 peer
+0 ON_ROUTER cB cf_tool add_ethernet 03 eth1 peer
+0 ON_ROUTER cA cafe
+0 ON_ROUTER cC ci_tool add 1 0 10.3.1.2 10.1.1.2 6 0 5201 0203
+0 ON_ROUTER cC ci_tool add 2 0 10.3.1.2 10.1.1.2 17 0 0 0203
]]></script>
  </events>
</scenario>
EOF

# tcpdump on the sender's device, from before the run.
tap_bg "$ns1" tcpdump -n -U -i "$dev1" -w "$T/tcpdump.pcap" 2>"$T/tcpdump.err"
tcpd=$!
check "tcpdump listens on $dev1" wait_for 60 grep -q 'listening on' "$T/tcpdump.err"

"$COMETSIM" run "$T/cafe.xml" --out "$T/out" --quiet 2>"$T/run.err" &
run=$!
tap_pids="$tap_pids $run"
check "the run opens the sender's device" wait_for 60 carrier "$ns1" "$dev1"
check "the run opens the receiver's device" wait_for 60 carrier "$ns2" "$dev2"

# listening NS: an iperf3 server listens in NS.
listening() {
	ip netns exec "$1" ss -ltn 2>/dev/null | grep -q ':5201 '
}
# iperf3: UDP at 2 Mbit/s, 512 KiB in datagrams of 1000 bytes (a slow
# rate and small datagrams: its receiver's socket holds what a run that
# fell behind writes at once when it catches up).  Its receiver stops counting when its
# client says the test is over, which it does once its last datagram is
# sent, not received: what it counts cannot tell that every byte
# arrived.  So the receiver that counts every byte is tap_host.py's: 500
# datagrams of UDP (port 6000), and a TCP stream of 2 MiB read to its end.
tap_bg "$ns2" iperf3 -s -1 -J --logfile "$T/srv-udp.json"
check "the UDP receiver listens" wait_for 60 listening "$ns2"
ip netns exec "$ns1" iperf3 -c 10.1.1.2 -u -b 2M -l 1000 -n 512K -J >"$T/cli-udp.json" 2>&1
check "the UDP receiver's report" wait_for 60 grep -q '"end"' "$T/srv-udp.json"
py="$top_srcdir/tests/scenarios/tap_host.py"
tap_bg "$ns2" python3 "$py" udp-recv 6000 500 "$T/udp-in"
check "the UDP receiver listens" wait_for 60 [ -f "$T/udp-in.ready" ]
ip netns exec "$ns1" python3 "$py" udp-send 10.1.1.2 6000 500 1000 0.001
check "the UDP receiver got 500 datagrams" wait_for 60 [ -s "$T/udp-in" ]
tap_bg "$ns2" python3 "$py" tcp-recv 5201 "$T/tcp-in"
check "the TCP receiver listens" wait_for 60 [ -f "$T/tcp-in.ready" ]
ip netns exec "$ns1" python3 "$py" tcp-send 10.1.1.2 5201 2097152 "$T/tcp-out"
check "the TCP receiver read the stream to its end" wait_for 60 [ -s "$T/tcp-in" ]

stop_run "$run"
rc=$?
check "SIGINT ends the run (exit $rc)" [ "$rc" -eq 130 ]
out="$T/out"

# iperf3: nothing lost among what its receiver counted, and the emulated
# network handed the receiver's device every datagram the client sent.
cat >"$T/iperf.py" <<'EOF'
import json, sys
cli, srv = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
sent = cli["end"]["sum_sent"]
got = srv["end"]["sum_received"]
assert sent["bytes"] >= 512 * 1024, sent
assert got["lost_packets"] == 0, got
print(sent["packets"])
EOF
sent=$(python3 "$T/iperf.py" "$T/cli-udp.json" "$T/srv-udp.json" 2>&1 | tail -n 1)
check "iperf3 UDP: the client sent 512 KiB, its receiver counted none lost ($sent datagrams)" \
	python3 "$T/iperf.py" "$T/cli-udp.json" "$T/srv-udp.json"
# (but for the 4 bytes of UDP that open its test)
check "iperf3 UDP: cA:eth2 wrote the receiver's device every datagram sent" \
	[ "$(count "$out/cA-eth2.pcap" 'udp.dstport == 5201 && udp.length > 12')" = "$sent" ]
check "UDP: the receiver got 500 datagrams, 500000 bytes" [ "$(cat "$T/udp-in")" = "500 500000" ]
check "TCP: the receiver got the 2 MiB stream, every byte as sent" [ "$(cat "$T/tcp-in")" = "2097152 ok" ]

# The COMET hops: the flows go C-B-A by keys, with the header on C-B
# (next key 03) and B-A; IP routing would have taken C-D-A, which
# carries only the way back.
captures_ok "$out" "tap-cafe"
check "C-B: the TCP flow by keys, COMET header on" \
	[ "$(count "$out/cB-eth0.pcap" 'comet && tcp.dstport == 5201')" -gt 0 ]
check "C-B: the UDP flow by keys, COMET header on" \
	[ "$(count "$out/cB-eth0.pcap" 'comet && udp.dstport == 5201')" -gt 0 ]
check "C-B: no packet of the flows without the header" \
	[ "$(count "$out/cB-eth0.pcap" '!comet && (tcp.dstport == 5201 || udp.dstport == 5201)')" -eq 0 ]
check "B-A: the flows by keys, COMET header on" \
	[ "$(count "$out/cA-eth0.pcap" 'comet && (tcp.dstport == 5201 || udp.dstport == 5201)')" -gt 0 ]
check "C-D: none of the flows' packets towards the receiver" \
	[ "$(count "$out/rD-eth0.pcap" 'tcp.dstport == 5201 || udp.dstport == 5201')" -eq 0 ]
check "C-D: the way back, routed by IP" \
	[ "$(count "$out/rD-eth0.pcap" 'tcp.srcport == 5201')" -gt 0 ]
check "cA:eth2: the receiver gets plain IP, the header off" \
	[ "$(count "$out/cA-eth2.pcap" 'comet')" -eq 0 ]
check "cA:eth2: the receiver gets the TCP flow" \
	[ "$(count "$out/cA-eth2.pcap" 'tcp.dstport == 5201')" -gt 0 ]
check "cA:eth2: the receiver gets the UDP flow" \
	[ "$(count "$out/cA-eth2.pcap" 'udp.dstport == 5201')" -gt 0 ]

# tcpdump on the device and the capture of cC:eth0: the same frames.
# Each way in the same order; the two ways may interleave differently,
# since a frame from the host is seen by tcpdump when the host sends it
# and by the run when it reads it, a little later.
cat >"$T/same.py" <<'EOF'
import struct, sys

def frames(path):
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    assert magic in (0xA1B2C3D4, 0xA1B23C4D), hex(magic)
    off, out = 24, []
    while off < len(data):
        _, _, incl, orig = struct.unpack("<IIII", data[off:off + 16])
        assert incl == orig, "cut short"
        out.append(data[off + 16:off + 16 + incl])
        off += 16 + incl
    return out

dump, cap = frames(sys.argv[1]), frames(sys.argv[2])
if sys.argv[3:] == ["--count"]:
    sys.exit(0 if len(dump) >= len(cap) else 1)
emu = bytes.fromhex("020000000000")  # cC:eth0
ways = {}
for name, fr in (("tcpdump", dump), ("capture", cap)):
    ways[name] = ([f for f in fr if f[6:12] == emu], [f for f in fr if f[6:12] != emu])
for k, w in enumerate(("from cC", "from the host")):
    a, b = ways["tcpdump"][k], ways["capture"][k]
    assert len(a) == len(b), "%s: tcpdump %d frames, capture %d" % (w, len(a), len(b))
    for i, (x, y) in enumerate(zip(a, b)):
        assert x == y, "%s: frame %d differs" % (w, i)
print("ok: %d frames from cC, %d from the host" % (len(ways["capture"][0]), len(ways["capture"][1])))
EOF
# The run is over: tcpdump gets no more frames, but may still be writing
# those it has; it is stopped once it has written them.
check "tcpdump has written as many frames as the capture has" \
	wait_for 60 python3 "$T/same.py" "$T/tcpdump.pcap" "$out/cC-eth0.pcap" --count
kill -INT "$tcpd"
wait "$tcpd"
check "tcpdump read back" [ "$(count "$T/tcpdump.pcap" 'frame')" -gt 0 ]
check "tcpdump on $dev1 and the capture of cC:eth0: the same frames each way ($(python3 "$T/same.py" "$T/tcpdump.pcap" "$out/cC-eth0.pcap" 2>&1 | tail -n 1))" \
	python3 "$T/same.py" "$T/tcpdump.pcap" "$out/cC-eth0.pcap"
check "tcpdump dropped nothing" grep -q '^0 packets dropped by kernel' "$T/tcpdump.err"

cat >"$T/bridges.py" <<'EOF'
import json, sys
b = json.load(open(sys.argv[1]))["bridges"]
assert [(x["name"], x["host"]) for x in b] == [("cC:eth0", sys.argv[2]), ("cA:eth2", sys.argv[3])], b
for x in b:
    assert not any(x["drops"].values()), x
print("ok")
EOF
check "summary.json: both bridges, nothing dropped ($(python3 "$T/bridges.py" "$out/summary.json" "$dev1" "$dev2" 2>&1 | tail -n 1))" \
	python3 "$T/bridges.py" "$out/summary.json" "$dev1" "$dev2"

finish
