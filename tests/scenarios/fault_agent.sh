#!/bin/sh
# fault_agent.sh - the edge CAFE's router (e1: the CAFE, its agent and the
# RAE of AS 1) stopped and restarted between two content requests
# (scenarios/faults/agent.xml, doc/faults.md).  The CME must notice the
# dead agent connection, connect again, and configure the CAFE started
# again: the second stream is intercepted by it (its record counts the
# server's packets), not by the CAFE that stopped with the node.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

o="$T/run"
"$COMETSIM" run "$top_srcdir/scenarios/faults/agent.xml" \
	--set "dir=$top_srcdir/scenarios/decoupled" --out "$o" --quiet
rc=$?
check "the run completes (exit $rc)" [ "$rc" -eq 0 ]
log="$o/log.txt"
c="$o/counters.csv"

check "e1's agent stops with its router" grep -q '^9\.000000000 e1 ' "$log"
check "the CME finds the old agent connection dead" \
	grep -qE '^1[01]\.[0-9]+ cme1 cme/cme0 WARN: collect from CAFE agent 10\.1\.1\.1:9999 failed: (reset the connection|did not answer)' "$log"
check "the CME connects to the agent again" \
	[ "$(counter "$c" cme cme1/cme0 agent_connects)" -eq 2 ]
check "the RAE of AS 1 reports to the CME again (full report)" \
	grep -q '^11\.[0-9]* cme1 cme/cme0 INFO: full report from AS 1' "$log"
check "both requests are accepted" [ "$(counter "$c" cme cme1/cme0 accepted)" -eq 2 ]
for n in cli1 cli2; do
	check "$n receives the content in full" \
		grep -q "^[0-9.]* $n cme_client/cme_client[01] INFO: received 1000000 bytes of 1000000 .*complete" "$log"
done
n2=$(count "$o/srv-eth0.pcap" 'ip.src==10.1.1.2 && ip.dst==10.4.2.2 && tcp.srcport==8080')
b2=$(tshark_read "$o/srv-eth0.pcap" -Y 'ip.src==10.1.1.2 && ip.dst==10.4.2.2 && tcp.srcport==8080' \
	-T fields -e ip.len | awk '{ s += $1 } END { print s + 0 }')
check "the second stream's record counts the server's $n2 packets, $b2 bytes (the restarted CAFE intercepted it)" \
	grep -q "expired stream 2 from 10.1.1.1:9999, content video: .* as_path 2 4: $b2 bytes, $n2 packets" "$log"
check "the restarted e1 sent the second stream as COMET frames towards AS 2" \
	[ "$(tshark_read "$o/e1-eth2.pcap" -Y 'eth.type==0xcccc' | wc -l)" -eq "$n2" ]
check "frames lost while e1 was down are counted (node_down)" \
	[ "$(awk -F, '$3 == "drop_node_down" { s += $4 } END { print s + 0 }' "$c")" -gt 0 ]
for f in "$o"/*.pcap; do
	b=$(pcap_bad "$f" | wc -l)
	[ "$b" -eq 0 ] || fail "$(basename "$f"): $b bad frames"
done
check "no capture has a bad frame" [ "$failures" -eq 0 ]
finish
