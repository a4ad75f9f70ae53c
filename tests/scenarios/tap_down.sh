#!/bin/sh
# tap_down.sh - frames to a TAP device that is down on the host's side
# (doc/emulation.md, "The TAP bridge"): the kernel refuses each (EIO),
# and the bridge counts it under drops.device_down; none is counted as
# written.  The device is set down before the run starts and stays down,
# so every frame h1 sends is refused: the capture of h1:eth0 holds them
# (it is the emulated interface's), the device saw none.  The run ends
# at its end time.  Needs root, /dev/net/tun and ip netns: SKIP otherwise.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"
. "$top_srcdir/tests/scenarios/tap_lib.sh"

tap_require

ns="cstapd$$"
dev="tcsd$$"
check "the real host's namespace and device are made" tap_host "$ns" "$dev" 10.77.0.2/24
check "the device is set down" ip netns exec "$ns" ip link set "$dev" down

# h1 sends 5 datagrams to the host: it asks for the host's address with
# ARP first, and every frame it sends is refused.
cat >"$T/tap.xml" <<EOF
<scenario name="tap-down">
  <topology routing="static">
    <node name="h1" role="host">
      <ether name="eth0" address="10.77.0.1/24"/>
    </node>
  </topology>
  <tap node="h1" iface="eth0" device="$dev" netns="$ns"/>
  <run end_time="2s"/>
  <events>
    <app time="500ms" node="h1" class="usr.applications.Send" args="10.77.0.2 4000 5 size=100 interval=10ms"/>
  </events>
</scenario>
EOF
"$COMETSIM" run "$T/tap.xml" --out "$T/out" --quiet 2>"$T/run.err"
rc=$?
check "the run ends at its end time (exit $rc)" [ "$rc" -eq 0 ]
[ "$rc" -eq 0 ] || cat "$T/run.err" >&2
check "the device is still down: the run does not set it up" \
	sh -c "ip netns exec '$ns' ip -o link show '$dev' | grep -qv 'state UP'"

out="$T/out"
pc="$out/h1-eth0.pcap"
sent=$(count "$pc" 'eth.src == 02:00:00:00:00:00')
check "the capture: h1's frames ($sent), ARP requests among them" \
	[ "$(count "$pc" 'arp.opcode == 1 && eth.src == 02:00:00:00:00:00')" -ge 1 ]
cat >"$T/bridge.py" <<'EOF'
import json, sys
b = json.load(open(sys.argv[1]))["bridges"][0]
sent = int(sys.argv[2])
want = dict.fromkeys(b["drops"], 0)
want["device_down"] = sent
assert b["drops"] == want, b["drops"]
assert b["frames_out"] == 0 and b["bytes_out"] == 0, b
print("ok")
EOF
check "summary.json: every frame of h1 under device_down, none written ($(python3 "$T/bridge.py" "$out/summary.json" "$sent" 2>&1 | tail -n 1))" \
	python3 "$T/bridge.py" "$out/summary.json" "$sent"
captures_ok "$out" "the run to a device down"
finish
