#!/bin/sh
# fault_tcp.sh - faults under TCP transfers (scenarios/faults/tcp.xml,
# doc/faults.md): a link down and up in the middle of a transfer, the
# receiver's node stopped and restarted, a lossy link all along.  The
# first and third transfers must complete with every byte by
# retransmission, the second must end with a RST from the restarted
# node, and every drop must be counted with its reason.
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

o="$T/run"
"$COMETSIM" run "$top_srcdir/scenarios/faults/tcp.xml" --out "$o" --quiet
rc=$?
check "the run completes (exit $rc)" [ "$rc" -eq 0 ]
check "its summary says complete" [ "$(json_get "$o/summary.json" status)" = complete ]
log="$o/log.txt"
c="$o/counters.csv"

# ---- the link fault: transfer 1 completes by retransmission ----
check "the link goes down and up" \
	sh -c "grep -q '^1\.300000000 - link/r1-h2 INFO: link down$' '$log' &&
	       grep -q '^1\.800000000 - link/r1-h2 INFO: link up$' '$log'"
l1=$(grep 'h1 tcpsend/tcpsend0 INFO: connection to 10.2.0.2:45000 closed' "$log")
echo "transfer 1: $l1"
check "transfer 1 ends normally with every byte acknowledged, after the link is back" \
	sh -c "echo '$l1' | grep -q '^[2-9]\.[0-9]* .*closed (normal) after .*: 1000000 of 1000000 bytes acknowledged'"
r1=$(echo "$l1" | sed -n 's/.*acknowledged, \([0-9]*\) retransmissions$/\1/p')
check "with retransmissions (${r1:-?})" [ "${r1:-0}" -gt 0 ]
check "the sink got all of it, intact" \
	grep -q 'h2 tcpsink/tcpsink0 INFO: connection from 10.1.0.2:49152 closed (normal): 1000000 bytes received, content ok$' "$log"
check "frames lost to the link going down are counted on the link" \
	[ "$(counter "$c" link r1-h2 drop_link_down)" -gt 0 ]
check "frames lost to the loss model are counted on the link" \
	[ "$(counter "$c" link r1-h2 drop_loss)" -gt 0 ]

# ---- the node fault: transfer 2 is reset by the restarted receiver ----
check "h2 goes down and up" \
	sh -c "grep -q '^4\.200000000 h2 net INFO: node down$' '$log' &&
	       grep -q '^4\.600000000 h2 net INFO: node up$' '$log'"
check "the stopped sink aborts its connection" \
	grep -q '^4\.200000000 h2 tcpsink/tcpsink0 WARN: connection from 10.1.0.2:49153 closed (aborted)' "$log"
check "transfer 2 is reset after the restart" \
	grep -q '^4\.[6-9][0-9]* h1 tcpsend/tcpsend1 WARN: connection to 10.2.0.2:45000 closed (reset)' "$log"
check "what reached h2 while down is counted (node_down)" \
	[ "$(counter "$c" node h2 drop_node_down)" -gt 0 ]
check "transfer 3, to the new sink, completes" \
	sh -c "grep -q 'h1 tcpsend/tcpsend2 INFO: connection to 10.2.0.2:45000 closed (normal) after .*: 1000000 of 1000000 bytes acknowledged' '$log' &&
	       grep -q 'h2 tcpsink/tcpsink1 INFO: connection from 10.1.0.2:49154 closed (normal): 1000000 bytes received, content ok$' '$log'"
check "the senders' statistics agree: 2 transfers of 3 acknowledged in full" \
	[ "$(counter "$c" tcpsend h1/tcpsend0 bytes_sent)$(counter "$c" tcpsend h1/tcpsend2 bytes_sent)" = 10000001000000 ]

# ---- every drop counted: the summary's totals are the counters' sums ----
for r in link_down loss node_down; do
	sum=$(awk -F, -v r="drop_$r" '$3 == r { s += $4 } END { print s + 0 }' "$c")
	check "summary drops.$r = $sum, the sum of the counters" \
		[ "$(json_get "$o/summary.json" "drops.$r")" = "$sum" ]
done

# ---- the captures ----
rst=$(count "$o/h2-eth0.pcap" 'tcp.flags.reset == 1 && ip.src == 10.2.0.2 && tcp.srcport == 45000 && frame.time_epoch > 4.6 && frame.time_epoch < 5')
check "h2's capture shows the RST it answers after the restart ($rst)" [ "$rst" -ge 1 ]
re=$(count "$o/h1-eth0.pcap" 'tcp.analysis.retransmission && frame.time_epoch > 1.3 && frame.time_epoch < 3.9')
check "h1's capture shows retransmissions after the link fault ($re)" [ "$re" -gt 0 ]
syn=$(count "$o/h1-eth0.pcap" 'tcp.flags.syn == 1 && tcp.flags.ack == 0')
check "three connections opened, each with one SYN ($syn)" [ "$syn" -eq 3 ]
for f in "$o"/*.pcap; do
	check "$(basename "$f") decodes cleanly" [ -z "$(pcap_bad "$f")" ]
done

finish
