#!/bin/sh
# curling.sh - routers built by a curling script route among themselves,
# and routes change when links end and come back (tests/scenarios/data/reroute.xml).
. "${top_srcdir:-.}/tests/scenarios/lib.sh"

out="$T/run"
"$COMETSIM" run "$top_srcdir/tests/scenarios/data/reroute.xml" --out "$out" --quiet ||
	fail "cometsim run exited $?"
c="$out/counters.csv"
sent=$(counter "$c" send 1/send0 sent)
got=$(counter "$c" recv 4/recv0 received)
drops=$(awk -F, '$3 ~ /^drop_/ {s += $4} END {print s + 0}' "$c")
echo "sent $sent, received $got, dropped $drops"
check "1000 datagrams sent" [ "$sent" -eq 1000 ]
check "received = sent - counted drops" [ "$got" -eq $((sent - drops)) ]
check "what was lost was on the link that ended" \
	[ "$(counter "$c" link 2:eth1-4:eth0 drop_link_down)" -eq "$drops" ]

udp_times() {
	tshark_read "$out/$1.pcap" -Y 'udp.dstport == 3000' -T fields -e frame.time_epoch
}
check "the short way 1-2-4 carries the stream before and after the outage" \
	[ "$(udp_times 2-eth1 | awk '$1 >= 0.701 && $1 < 1.0' | wc -l)" -eq 0 -a \
	  "$(udp_times 2-eth1 | awk '$1 < 0.7' | wc -l)" -ge 499 -a \
	  "$(udp_times 2-eth1 | awk '$1 >= 1.0' | wc -l)" -ge 199 ]
check "the long way 1-3-4 carries it only while 2-4 is down" \
	[ "$(udp_times 3-eth1 | wc -l)" -ge 299 -a \
	  "$(udp_times 3-eth1 | awk '$1 < 0.7 || $1 > 1.01' | wc -l)" -eq 0 ]
for f in "$out"/*.pcap; do
	check "$(basename "$f"): clean for tshark" [ "$(pcap_bad "$f" | wc -l)" -eq 0 ]
done

# The curling control file and script of scenarios/ run as they are.
"$COMETSIM" run "$top_srcdir/scenarios/curling-chain.xml" --out "$T/chain" --quiet ||
	fail "curling-chain exited $?"
check "curling-chain: router 4 received the 100 datagrams of router 1" \
	[ "$(counter "$T/chain/counters.csv" recv 4/recv0 received)" -eq 100 ]
check "curling-chain: they crossed routers 2 and 3 (TTL 62)" \
	[ "$(count "$T/chain/4-eth0.pcap" 'udp.dstport == 3000 && ip.ttl == 62')" -eq 100 ]

finish
